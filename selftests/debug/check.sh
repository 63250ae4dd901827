#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug`: the whole guest suite on a debug kernel (KASAN,
# lockdep, DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN, DEBUG_LIST, KFENCE), built
# once from Debian's linux-source-6.1 and cached. Any splat in the kernel
# log, and any memory kmemleak still calls leaked after the suites and an
# unload, fails the run. Ends with "N passed, N failed, N skipped".
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
results=$top/build/results-debug
start=$(date +%s)

tree=$("$top/selftests/debug/build-kernel.sh" | tail -n1) || exit 1
[ -r "$tree/arch/x86/boot/bzImage" ] || exit 1

# The module, built against that tree in a copy of its sources (kbuild
# writes next to them, and module/tlsmon.ko is the Debian kernel's).
mod=$top/build/debug-module
mkdir -p "$mod"
cp -a "$top/Kbuild" "$mod/"
rm -rf "$mod/module" "$mod/uapi"
cp -a "$top/module" "$top/uapi" "$mod/"
find "$mod/module" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) -delete
make -s -C "$tree" M="$mod" modules || exit 1
export TLSMON_KO=$mod/module/tlsmon.ko
echo "# kernel and module ready after $(( $(date +%s) - start )) s"

rm -rf "$results"
mkdir -p "$results"
"$top/selftests/vm/run.sh" -K "$tree" -t "${TLSMON_DEBUG_TIMEOUT:-5400}" -o "$results/vm" -- \
	"$top/selftests/debug/guest.sh" /tmp/vm/results
vm_rc=$?
echo "# debug guest run took $(( $(date +%s) - start )) s in all, exit status $vm_rc"
if [ $vm_rc -ne 0 ]; then
	echo "not ok 1 debug guest run (exit status $vm_rc: see build/results-debug/vm/console.log and dmesg.txt)" \
		>"$results/guest.tap"
fi
"$top/selftests/lib/tap_summary.sh" "$results"/*.tap "$results"/vm/results/*.tap |
	tee "$results/summary.txt"
rc=${PIPESTATUS[0]}
[ $vm_rc -eq 0 ] || rc=1
exit $rc
