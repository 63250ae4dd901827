#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-kernel KTREE=DIR`: the guest suites on a kernel a user built
# in DIR (any version tlsmon builds for), with the module built against
# that very tree. Ends with "N passed, N failed, N skipped".
#
#   selftests/vm/check-kernel.sh DIR
#
# DIR is a configured and built kernel tree (make bzImage modules): the
# guest boots DIR/arch/x86/boot/bzImage and loads net/tls from DIR's
# modules, installed under build/kernels/RELEASE/modroot. The guest needs
# virtio PCI and 9p built in, and network namespaces, veth, netfilter,
# kprobes and kTLS: selftests/vm/guest-kernel.config is a fragment with
# all of it, to merge onto a configuration (see Documentation/testing.rst).
# TLSMON_GUEST_SUITES names a subset of the suites; TLSMON_GUEST_TIMEOUT
# bounds the guest run (seconds, default 5400).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: make check-kernel KTREE=DIR (a built kernel tree)" >&2
	exit 2
fi
ktree=$(cd "$1" 2>/dev/null && pwd) || {
	echo "check-kernel: $1: no such directory" >&2
	exit 2
}
for f in arch/x86/boot/bzImage include/config/kernel.release .config; do
	if [ ! -r "$ktree/$f" ]; then
		echo "check-kernel: $ktree/$f is missing: configure and build the tree first (make bzImage modules)" >&2
		exit 2
	fi
done

# What the guest cannot boot or test without, said before a long boot.
missing=
while read -r opt want; do
	got=$(sed -n "s/^$opt=//p" "$ktree/.config")
	ok=false
	for w in ${want//|/ }; do
		[ "$got" = "$w" ] && ok=true
	done
	$ok || missing="$missing $opt=$want"
done <<'EOF'
CONFIG_MODULES y
CONFIG_VIRTIO_PCI y
CONFIG_NET_9P_VIRTIO y
CONFIG_9P_FS y
CONFIG_NET_NS y
CONFIG_VETH y|m
CONFIG_KPROBES y
CONFIG_KRETPROBES y
CONFIG_TLS m|y
CONFIG_NETFILTER y
EOF
if [ -n "$missing" ]; then
	echo "check-kernel: $ktree/.config lacks what the guest needs:${missing//|/ or } (merge selftests/vm/guest-kernel.config)" >&2
	exit 2
fi

rel=$(cat "$ktree/include/config/kernel.release")
out=$top/build/kernels/$rel
results=$top/build/results-kernel/$rel
start=$(date +%s)

echo "=== module against $ktree ($rel)"
TLSMON_KERNEL_KDIR=$ktree "$top/selftests/vm/kernels.sh" build "$rel" || exit 1
rm -rf "$out/modroot"
env -u KDIR -u KVER -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
	make -s -C "$ktree" INSTALL_MOD_PATH="$out/modroot" modules_install || exit 1
echo "# kernel modules and tlsmon ready after $(( $(date +%s) - start )) s"

rm -rf "$results"
mkdir -p "$results"
echo "=== guest suites on $rel"
TLSMON_KO=$out/module/tlsmon.ko TLSMON_VM_KMODROOT=$out/modroot \
TLSMON_VM_TCG_THREAD=${TLSMON_VM_TCG_THREAD:-single} \
	"$top/selftests/vm/run.sh" -K "$ktree" -t "${TLSMON_GUEST_TIMEOUT:-5400}" -w -s \
	-o "$results/vm" -- env TLSMON_GUEST_SUITES="${TLSMON_GUEST_SUITES:-}" \
	"$top/selftests/guest_suites.sh" /tmp/vm/results
vm_rc=$?
echo "# guest run on $rel took $(( $(date +%s) - start )) s in all, exit status $vm_rc"
if [ $vm_rc -ne 0 ]; then
	echo "not ok 1 guest run on $rel (exit status $vm_rc: see build/results-kernel/$rel/vm/console.log)" \
		>"$results/guest.tap"
fi
expected=$(TLSMON_GUEST_SUITES=${TLSMON_GUEST_SUITES:-} "$top/selftests/guest_suites.sh" --list)
"$top/selftests/lib/tap_summary.sh" -e "$expected" "$results"/*.tap "$results"/vm/results/*.tap |
	tee "$results/summary.txt"
rc=${PIPESTATUS[0]}
[ $vm_rc -eq 0 ] || rc=1
exit "$rc"
