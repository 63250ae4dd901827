#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Second stage of the test guest, running in the host's root: finish the
# minimal system set-up, run the requested command in the project tree,
# store its exit status on the result share and power off.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LANG=C.UTF-8 TLSMON_VM=1
mount -t tmpfs -o mode=1777 tmpfs /dev/shm 2>/dev/null || mkdir -p /dev/shm
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
ln -sf /proc/self/fd /dev/fd
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mkdir -p /run/netns
hostname tlsmon-vm
ip link set lo up

# A kernel of our own build: its modules over the host's, so that
# request_module() and modprobe find net/tls.
. /tmp/vm/cmd.env
if [ -n "${TLSMON_VM_MODROOT:-}" ] && [ ! -d "/lib/modules/$(uname -r)" ]; then
	mount -t tmpfs -o mode=0755 tmpfs /lib/modules
	cp -a "$TLSMON_VM_MODROOT/lib/modules/." /lib/modules/
fi

# aesni_intel is not autoloaded without udev; AES-GCM would otherwise run
# on aes-generic.
modprobe -q aesni_intel 2>/dev/null

# What the kernel prints when something is wrong (6.1's wording).
reports=$TLSMON_TOP/selftests/vm/reports.pattern
# run.sh -s: the first report stops the guest (a crash through sysrq, so
# no status is written and the run fails), before later output can bury
# it; dmesg.txt keeps the log as it was.
if [ "${TLSMON_VM_STOP_ON_REPORT:-0}" = 1 ]; then
	# (the action follows grep inside the pipeline: dmesg -w never ends)
	dmesg -w | {
		grep -E -q -m1 -f "$reports" || exit 0
		dmesg >/tmp/vm/dmesg.txt
		sync
		echo "tlsmon-vm: a kernel report: stopping the guest"
		echo c >/proc/sysrq-trigger
	} &
fi
cd "$TLSMON_VM_CWD" || echo 125 >/tmp/vm/rc
if [ ! -e /tmp/vm/rc ]; then
	/bin/bash /tmp/vm/cmd.sh </dev/null
	echo $? >/tmp/vm/rc.tmp
	# A splat that did not panic still fails the run.
	if dmesg | grep -Eq -f "$reports"; then
		dmesg >/tmp/vm/dmesg.txt
		echo "tlsmon-vm: kernel log has a splat, see dmesg.txt"
		echo 124 >/tmp/vm/rc.tmp
	fi
	mv /tmp/vm/rc.tmp /tmp/vm/rc
fi
sync
# reboot(2) does not return, so pid 1 never exits (which would panic).
/bin/busybox poweroff -f 2>/dev/null
echo o >/proc/sysrq-trigger
while :; do read -r _; done </dev/console 2>/dev/null
