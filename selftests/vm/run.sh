#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian's 6.1 kernel in QEMU (TCG) with the host root shared read-only
# over 9p (virtiofs for a kernel without 9p), run one command inside the guest, in the current directory, and
# return its output and exit status.
#
#   selftests/vm/run.sh [-t SECONDS] [-w] [-k VMLINUZ | -K TREE] [-o DIR] -- CMD [ARG...]
#
#   -t SECONDS  hard limit for the whole guest run (default 600)
#   -w          panic on the first kernel warning (panic_on_warn=1)
#   -s          stop the guest at the first report in its kernel log (a line
#               matching reports.pattern), for reports that do not panic
#               with panic_on_warn (lockdep, sleeping in atomic, kmemleak)
#   -a ARGS     more kernel command line (after the defaults, so that a
#               later loglevel= wins)
#   -k VMLINUZ  kernel image (default: Debian's linux-image-amd64 kernel)
#   -K TREE     a kernel built by selftests/debug/build-kernel.sh: its
#               bzImage, with virtio and 9p built in and its modules
#               (net/tls) installed in the guest from TREE/../modroot
#               (or from $TLSMON_VM_KMODROOT, as make check-kernel does)
#   -o DIR      keep the result share in DIR (console.log, rc, files the
#               command wrote to /tmp/vm/) instead of a temporary one
#
# Environment: TLSMON_VM_MEMORY (MiB, default 2048); TLSMON_VM_TCG_THREAD
# "multi" (default, a host thread per vCPU) or "single" (one host thread
# for both vCPUs, which run in turn; make check and make check-reload
# choose it, see Documentation/testing.rst on stale translations);
# TLSMON_VM_ICOUNT, QEMU's -icount options (as "shift=1,sleep=off"): guest
# time counts instructions executed, one vCPU (make bench-ab AB_CLOCK=icount,
# see Documentation/performance.rst); TLSMON_VM_PLUGIN, a QEMU TCG plugin
# and its arguments, as -plugin takes them (make bench-profile).
#
# Exit status: the command's own, 124 if the guest kernel logged a splat,
# 125 if the guest never reported a status (hang, panic, boot failure).
set -u

timeout_s=600
panic_on_warn=0
kernel=
ktree=
outdir=
stop_on_report=0
extra_args=
while getopts "t:wsa:k:K:o:" opt; do
	case $opt in
	t) timeout_s=$OPTARG ;;
	w) panic_on_warn=1 ;;
	s) stop_on_report=1 ;;
	a) extra_args=$OPTARG ;;
	k) kernel=$OPTARG ;;
	K) ktree=$(cd "$OPTARG" && pwd) && kernel=$ktree/arch/x86/boot/bzImage ;;
	o) outdir=$OPTARG ;;
	*) echo "usage: $0 [-t SECONDS] [-w] [-s] [-a ARGS] [-k VMLINUZ | -K TREE] [-o DIR] -- CMD [ARG...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
if [ $# -eq 0 ]; then
	echo "run.sh: no command given" >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

# The kernel's ABI name comes from the installed package, never hard-coded.
guest_abi() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
	      grep -o 'linux-image-[0-9][^ ,]*-amd64' | head -n1)
	if [ -n "$dep" ]; then
		echo "${dep#linux-image-}"
		return
	fi
	ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sort -V | tail -n1 |
		sed 's|.*/vmlinuz-||'
}

abi=$(guest_abi)
# Another Debian kernel, named by its image: its own modules boot it.
case $kernel in
*/vmlinuz-*) abi=${kernel##*/vmlinuz-} ;;
esac
if [ -n "$ktree" ]; then
	if [ ! -r "$kernel" ]; then
		echo "run.sh: $kernel is missing (selftests/debug/build-kernel.sh)" >&2
		exit 125
	fi
	# Everything the initramfs needs is built into that kernel.
	abi=nomodules
elif [ -z "$kernel" ]; then
	if [ -z "$abi" ] || [ ! -r "/boot/vmlinuz-$abi" ]; then
		echo "run.sh: no Debian 6.1 kernel found (apt-get install linux-image-amd64)" >&2
		exit 125
	fi
	kernel=/boot/vmlinuz-$abi
fi
for tool in qemu-system-x86_64 busybox cpio; do
	if ! command -v "$tool" >/dev/null && [ ! -x "/bin/$tool" ]; then
		echo "run.sh: $tool is missing (make deps)" >&2
		exit 125
	fi
done

# The host's root reaches the guest over virtio 9p, or over virtiofs
# where the kernel has no 9p but has virtiofs (Debian's cloud flavour):
# then a virtiofsd per share serves it, from QEMU's own package.
fs=9p
virtiofsd=/usr/lib/qemu/virtiofsd
if [ "$abi" != nomodules ] && ! modinfo -k "$abi" -n 9pnet_virtio >/dev/null 2>&1 &&
   modinfo -k "$abi" -n virtiofs >/dev/null 2>&1; then
	fs=virtiofs
	if [ ! -x "$virtiofsd" ]; then
		echo "run.sh: $abi has no 9p, and $virtiofsd is missing (qemu-system-common)" >&2
		exit 125
	fi
fi

# The initramfs only needs busybox and the modules to mount the shares;
# it is cached per kernel ABI and rebuilt when its init script changes.
build=$top/build/vm
mkdir -p "$build"
initrd=$build/initramfs-$abi.cpio.gz
if [ ! -s "$initrd" ] || [ "$here/initramfs-init" -nt "$initrd" ] || [ "$0" -nt "$initrd" ]; then
	stage=$(mktemp -d)
	mkdir -p "$stage"/{bin,proc,sys,dev,lib/tlsmon-vm}
	cp "$(command -v busybox || echo /bin/busybox)" "$stage/bin/busybox"
	cp "$here/initramfs-init" "$stage/init"
	chmod 755 "$stage/init"
	# netfs before 9pnet: 6.12's 9pnet needs it, 6.1's takes either order
	mods="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"
	[ $fs = virtiofs ] && mods="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci fuse virtiofs"
	: >"$stage/lib/tlsmon-vm/modules.order"
	[ "$abi" = nomodules ] && mods=
	for m in $mods; do
		path=$(modinfo -k "$abi" -n "$m" 2>/dev/null)
		if [ -z "$path" ]; then
			# Built into this kernel: nothing to load.
			continue
		fi
		case $path in
		*.ko) cp "$path" "$stage/lib/tlsmon-vm/$m.ko" ;;
		*.ko.xz) xz -dc "$path" >"$stage/lib/tlsmon-vm/$m.ko" ;;
		*.ko.zst) zstd -qdc "$path" >"$stage/lib/tlsmon-vm/$m.ko" ;;
		*) continue ;;
		esac
		echo "$m" >>"$stage/lib/tlsmon-vm/modules.order"
	done
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$stage"
fi

if [ -n "$outdir" ]; then
	mkdir -p "$outdir"
	outdir=$(cd "$outdir" && pwd)
	rm -f "$outdir"/rc "$outdir"/console.log "$outdir"/dmesg.txt
	keep=1
else
	outdir=$(mktemp -d "$build/run.XXXXXX")
	keep=0
fi
vfsd_pids=
sockdir=
cleanup() {
	# shellcheck disable=SC2086
	[ -z "$vfsd_pids" ] || kill $vfsd_pids 2>/dev/null
	[ -z "$sockdir" ] || rm -rf "$sockdir"
	[ $keep -eq 1 ] || rm -rf "$outdir"
}
trap cleanup EXIT

cp "$here/stage2.sh" "$outdir/stage2.sh"
{
	printf 'TLSMON_VM_CWD=%q\n' "$PWD"
	printf 'export TLSMON_TOP=%q\n' "$top"
	[ -n "$ktree" ] && printf 'TLSMON_VM_MODROOT=%q\n' "${TLSMON_VM_KMODROOT:-$ktree/../modroot}"
	# the module the suites load, when it is not module/tlsmon.ko
	[ -n "${TLSMON_KO:-}" ] && printf 'export TLSMON_KO=%q\n' "$TLSMON_KO"
	[ -n "${TLSMON_WIPE_KO:-}" ] && printf 'export TLSMON_WIPE_KO=%q\n' "$TLSMON_WIPE_KO"
	# under CI a missing tool is a failure in the guest too (ktap.sh)
	[ -n "${CI:-}" ] && printf 'export CI=%q\n' "$CI"
	printf 'TLSMON_VM_STOP_ON_REPORT=%s\n' "$stop_on_report"
} >"$outdir/cmd.env"
{
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$outdir/cmd.sh"

append="console=ttyS0 panic=-1 oops=panic softlockup_panic=1 loglevel=4"
append="$append tsc=reliable no_timer_check rcupdate.rcu_expedited=1"
# An RCU stall is a report (reports.pattern); under TCG on a busy shared
# host a vCPU's thread can be starved for the default 21 s, so only one
# of a minute counts.
append="$append rcupdate.rcu_cpu_stall_timeout=60"
append="$append panic_on_warn=$panic_on_warn tlsmon_root=$top tlsmon_fs=$fs"
# ACPI's _PRT evaluation costs about 30 s of a debug kernel's boot
[ -n "$ktree" ] && append="$append pci=noacpi"
[ -n "$extra_args" ] && append="$append $extra_args"

tcg_thread=${TLSMON_VM_TCG_THREAD:-multi}
smp=2
icount=()
if [ -n "${TLSMON_VM_ICOUNT:-}" ]; then
	# The guest's clock counts the instructions it executed, so that
	# what it measures is work, not the host's speed of the moment.
	# QEMU 7.2 with icount hangs bringing up a second vCPU: one only.
	icount=(-icount "$TLSMON_VM_ICOUNT")
	tcg_thread=single
	smp=1
fi

plugin=()
[ -n "${TLSMON_VM_PLUGIN:-}" ] && plugin=(-plugin "$TLSMON_VM_PLUGIN")

memory=${TLSMON_VM_MEMORY:-2048}
# shellcheck disable=SC2054 # commas separate QEMU's suboptions
shares=(-fsdev local,id=r,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=r,mount_tag=hostroot
	-fsdev local,id=o,path="$outdir",security_model=none,multidevs=remap
	-device virtio-9p-pci,fsdev=o,mount_tag=vmout)
if [ $fs = virtiofs ]; then
	# vhost-user needs the guest's memory shared with virtiofsd. The
	# guest mounts its root read-only; virtiofsd in this version has no
	# read-only export of its own. Its sockets live in a short path.
	sockdir=$(mktemp -d /tmp/tlsmon-vfs.XXXXXX)
	# shellcheck disable=SC2054
	shares=(-object memory-backend-memfd,id=mem,size="${memory}M",share=on
		-numa node,memdev=mem)
	for share in hostroot:/:always vmout:"$outdir":none; do
		tag=${share%%:*}
		rest=${share#*:}
		"$virtiofsd" --socket-path="$sockdir/$tag" -o source="${rest%:*}" \
			-o cache="${rest##*:}" -o sandbox=chroot -o log_level=err -f \
			>"$sockdir/$tag.log" 2>&1 &
		vfsd_pids="$vfsd_pids $!"
		shares+=(-chardev "socket,id=$tag,path=$sockdir/$tag"
			 -device "vhost-user-fs-pci,chardev=$tag,tag=$tag")
	done
	for tag in hostroot vmout; do
		for _ in $(seq 50); do
			[ -S "$sockdir/$tag" ] && break
			sleep 0.1
		done
		if [ ! -S "$sockdir/$tag" ]; then
			echo "run.sh: virtiofsd did not start for $tag:" >&2
			cat "$sockdir/$tag.log" >&2
			exit 125
		fi
	done
fi
timeout -k 10 "$timeout_s" qemu-system-x86_64 \
	-accel tcg,thread=$tcg_thread "${icount[@]}" "${plugin[@]}" -cpu max -m "$memory" -smp $smp \
	-nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	"${shares[@]}" </dev/null 2>&1 | sed -u -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' -e 's/\r//g' | tee "$outdir/console.log.tmp"
qemu_rc=${PIPESTATUS[0]}
mv "$outdir/console.log.tmp" "$outdir/console.log"

if [ -s "$outdir/rc" ]; then
	rc=$(cat "$outdir/rc")
	if [ "$rc" = 124 ] && [ -s "$outdir/dmesg.txt" ]; then
		echo "run.sh: the guest kernel logged a splat:" >&2
		grep -E -A20 -f "$here/reports.pattern" "$outdir/dmesg.txt" | head -n 60 >&2
	fi
	exit "$rc"
fi
if [ "$qemu_rc" = 124 ]; then
	echo "run.sh: the guest did not finish within ${timeout_s}s" >&2
else
	echo "run.sh: the guest stopped without reporting a status (qemu exit $qemu_rc)" >&2
fi
exit 125
