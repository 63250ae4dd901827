#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug`: the guest suites (TLSMON_GUEST_SUITES names a
# subset) on a debug kernel (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak,
# UBSAN, DEBUG_LIST, KFENCE), built once from Debian's linux-source-6.1
# and cached. Any splat in the kernel log, and any memory kmemleak still
# calls leaked after the suites and an unload, fails the run. Ends with
# "N passed, N failed, N skipped".
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
results=$top/build/results-debug
start=$(date +%s)

tree=$("$top/selftests/debug/build-kernel.sh" | tail -n1) || exit 1
[ -r "$tree/arch/x86/boot/bzImage" ] || exit 1

# The module, built against that tree in a copy of its sources (kbuild
# writes next to them, and module/tlsmon.ko is the Debian kernel's), with
# its test-only wiping check (module/debug_wipe.c): every suite runs with
# every free of a key holder checked.
mod=$top/build/debug-module
mkdir -p "$mod"
cp -a "$top/Kbuild" "$mod/"
rm -rf "$mod/module" "$mod/uapi"
cp -a "$top/module" "$top/uapi" "$mod/"
find "$mod/module" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) -delete
# TLSMON_DEBUG_DEFER=y: tag as on PREEMPT_RT, from task_work
# (module/install_defer.c), to run that path under the debug kernel.
make -s -C "$tree" M="$mod" TLSMON_DEBUG_WIPE=y \
	TLSMON_DEBUG_DEFER="${TLSMON_DEBUG_DEFER:-}" modules || exit 1
export TLSMON_KO=$mod/module/tlsmon.ko TLSMON_WIPE_KO=$mod/module/tlsmon.ko
echo "# kernel and module ready after $(( $(date +%s) - start )) s"

rm -rf "$results"
mkdir -p "$results"
# The run stops at the first report, before more output can bury it:
# panic_on_warn (-w: WARN, and KASAN, UBSAN and KFENCE reports, which 6.1
# ends with check_panic_on_warn()), kasan.fault=panic, a panic on an RCU
# stall, and for what panics on none of these (lockdep, sleeping in
# atomic context, kmemleak) the guest's watch of its log (-s). The kernel
# has no hung task or soft lockup detector: a hang ends at the timeout.
# A 16 MiB log buffer holds the whole run; loglevel=7 puts every report
# on the console too, which is scanned below.
args="kasan.fault=panic sysctl.kernel.panic_on_rcu_stall=1"
args="$args log_buf_len=16M loglevel=7"
"$top/selftests/vm/run.sh" -K "$tree" -w -s -a "$args" -t "${TLSMON_DEBUG_TIMEOUT:-5400}" \
	-o "$results/vm" -- env TLSMON_GUEST_SUITES="${TLSMON_GUEST_SUITES:-}" \
	"$top/selftests/debug/guest.sh" /tmp/vm/results
vm_rc=$?
echo "# debug guest run took $(( $(date +%s) - start )) s in all, exit status $vm_rc"
if [ $vm_rc -ne 0 ]; then
	echo "not ok 1 debug guest run (exit status $vm_rc: see build/results-debug/vm/console.log and dmesg.txt)" \
		>"$results/guest.tap"
fi
# The console, as the host saw it, scanned with the guest's own patterns:
# it has what the guest's log buffer may have lost and what it printed
# while stopping.
{
	echo "TAP version 13"
	if grep -E -f "$top/selftests/vm/reports.pattern" "$results/vm/console.log" \
		>"$results/console-reports.txt" 2>/dev/null; then
		head -n 40 "$results/console-reports.txt" | sed 's/^/# /'
		echo "not ok 1 the console shows no kernel report"
	elif [ ! -s "$results/vm/console.log" ]; then
		echo "not ok 1 the console shows no kernel report (there is no console.log)"
	else
		echo "ok 1 the console shows no kernel report"
	fi
	echo "1..1"
} >"$results/console.tap"
expected="console kmemleak $(TLSMON_GUEST_SUITES=${TLSMON_GUEST_SUITES:-} "$top/selftests/guest_suites.sh" --list)"
"$top/selftests/lib/tap_summary.sh" -e "$expected" "$results"/*.tap "$results"/vm/results/*.tap |
	tee "$results/summary.txt"
rc=${PIPESTATUS[0]}
[ $vm_rc -eq 0 ] || rc=1
exit $rc
