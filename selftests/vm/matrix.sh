#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-matrix: every guest suite on Debian 6.1's other kernel
# flavours, each with the module built against that flavour's own
# headers, one guest at a time. Not part of make check.
#
#   selftests/vm/matrix.sh [FLAVOUR...]   (default: rt cloud)
#
# TLSMON_GUEST_SUITES="openssl links" runs some suites only.
#
# rt is PREEMPT_RT: there spinlock_t is a sleeping lock, and the kTLS
# probe handlers, which run with preemption off, hand installations and
# closes to process context (module/install_defer.c). Every kernel runs
# every guest suite, and a kernel splat fails it (run.sh exits 124);
# what the console says of sleeping in atomic context is shown either way.
# A flavour whose kernel lacks what the guest rig needs (virtio, and 9p or
# virtiofs to mount the host's root) cannot run the suites: that is reported as a
# failure naming what is missing, never as a pass.
# Results: build/matrix-guest/ABI/ (build log, console log, TAP files).
# The packages: scripts/install-deps.sh --matrix.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
flavours=${*:-rt cloud}
results=$top/build/matrix-guest
mkdir -p "$results"
timeout_s=${TLSMON_MATRIX_TIMEOUT:-5400}
failed=0
n=0

# The rig mounts the host's root over virtio 9p, or over virtiofs where
# the kernel has no 9p (selftests/vm/run.sh).
rig_missing() {
	local config=$1 opt missing="" fs=""
	for opt in VIRTIO_PCI TLS KPROBES; do
		grep -Eq "^CONFIG_$opt=[ym]" "$config" || missing="$missing CONFIG_$opt"
	done
	for opt in NET_9P NET_9P_VIRTIO 9P_FS; do
		grep -Eq "^CONFIG_$opt=[ym]" "$config" || fs="$fs CONFIG_$opt"
	done
	if [ -n "$fs" ]; then
		for opt in FUSE_FS VIRTIO_FS; do
			grep -Eq "^CONFIG_$opt=[ym]" "$config" || fs="$fs CONFIG_$opt"
		done
		case $fs in
		*VIRTIO_FS*|*FUSE_FS*) missing="$missing$fs" ;;
		esac
	fi
	echo "${missing# }"
}

for flavour in $flavours; do
	n=$((n + 1))
	abi=$(dpkg-query -W -f='${Depends}' "linux-image-$flavour-amd64" 2>/dev/null |
	      grep -o "linux-image-[0-9][^ ,]*-$flavour-amd64" | head -n1)
	abi=${abi#linux-image-}
	if [ -z "$abi" ] || [ ! -r "/boot/vmlinuz-$abi" ] || [ ! -d "/lib/modules/$abi/build" ]; then
		echo "not ok $n $flavour: kernel or headers not installed (scripts/install-deps.sh --matrix)"
		failed=1
		continue
	fi
	out=$results/$abi
	rm -rf "$out"
	mkdir -p "$out"
	if ! "$top/selftests/vm/kernels.sh" build "$abi" >"$out/build.log" 2>&1; then
		tail -n 20 "$out/build.log" | sed 's/^/# /'
		echo "not ok $n $abi: the module does not build against its headers"
		failed=1
		continue
	fi
	echo "# $abi: the module builds against its headers"
	missing=$(rig_missing "/boot/config-$abi")
	if [ -n "$missing" ]; then
		echo "not ok $n $abi: cannot boot the test rig, the kernel has no $missing"
		failed=1
		continue
	fi
	echo "# $abi: guest suites (console: $out/vm/console.log)"
	TLSMON_KO=$top/build/kernels/$abi/module/tlsmon.ko \
	TLSMON_VM_TCG_THREAD=${TLSMON_VM_TCG_THREAD:-single} \
		"$top/selftests/vm/run.sh" -t "$timeout_s" -w -k "/boot/vmlinuz-$abi" \
		-o "$out/vm" -- env TLSMON_GUEST_SUITES="${TLSMON_GUEST_SUITES:-}" \
		"$top/selftests/guest_suites.sh" /tmp/vm/results \
		>"$out/suites.out" 2>&1
	rc=$?
	# what PREEMPT_RT (or any kernel) found, whatever the suites said
	grep -E 'BUG:|WARNING:|scheduling while atomic|sleeping function|Call Trace' \
		"$out/vm/console.log" 2>/dev/null | head -n 20 | sed "s/^/# $abi: /"
	bad=0
	for r in "$out"/vm/results/*.rc; do
		[ -e "$r" ] || continue
		name=$(basename "$r" .rc)
		if [ "$(cat "$r")" = 0 ]; then
			echo "# $abi: suite $name ok"
		else
			echo "# $abi: suite $name FAILED (exit $(cat "$r"))"
			bad=1
		fi
	done
	if [ $rc -ne 0 ] || [ $bad -ne 0 ]; then
		echo "not ok $n $abi: guest exit $rc (124: kernel splat, 125: no status)"
		failed=1
	else
		echo "ok $n $abi"
	fi
done
echo "1..$n"
exit $failed
