#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test of the project, as 'make check' runs them:
#   1. host unit tests, 60 s of parser fuzzing, checks of the operator's
#      tools and of the benchmark's arithmetic (no guest),
#   2. style checks of the kernel code (checkpatch, W=1, sparse, kernel-doc),
#   3. the guest suites, in one boot of the QEMU guest.
# Ends with one line "N passed, N failed, N skipped" over every case.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
results=$top/build/results
rm -rf "$results"
mkdir -p "$results"
cd "$top" || exit 1

echo "=== host unit tests"
for t in "$top"/build/selftests/unit/*_test; do
	name=unit-$(basename "$t" _test)
	"$t" 2>&1 | tee "$results/$name.tap"
	echo "${PIPESTATUS[0]}" >"$results/$name.rc"
done

echo "=== parser fuzzing (${TLSMON_FUZZ_SECONDS:-60} s)"
"$top/selftests/host/fuzz.sh" "${TLSMON_FUZZ_SECONDS:-60}" 2>&1 | tee "$results/fuzz.tap"
echo "${PIPESTATUS[0]}" >"$results/fuzz.rc"

echo "=== host tool checks"
"$top/selftests/host/tools.sh" 2>&1 | tee "$results/tools.tap"
echo "${PIPESTATUS[0]}" >"$results/tools.rc"

echo "=== benchmark arithmetic"
"$top/selftests/host/bench.sh" 2>&1 | tee "$results/bench.tap"
echo "${PIPESTATUS[0]}" >"$results/bench.rc"

echo "=== package checks"
"$top/selftests/host/package.sh" 2>&1 | tee "$results/package.tap"
echo "${PIPESTATUS[0]}" >"$results/package.rc"

echo "=== style checks"
"$top/selftests/style/run.sh" 2>&1 | tee "$results/style.tap"
echo "${PIPESTATUS[0]}" >"$results/style.rc"

echo "=== guest suites"
# One host thread for both vCPUs: QEMU's multi-threaded TCG can run stale
# translations of code the kernel patches (kprobes, static keys), which
# crashes a guest now and then (Documentation/testing.rst). Measured: 615 s
# of guest time against 609 s multi-threaded.
export TLSMON_VM_TCG_THREAD=${TLSMON_VM_TCG_THREAD:-single}
start=$(date +%s)
"$top/selftests/vm/run.sh" -t "${TLSMON_GUEST_TIMEOUT:-2700}" -w -o "$results/vm" -- \
	"$top/selftests/guest_suites.sh" /tmp/vm/results
vm_rc=$?
echo "# guest run took $(( $(date +%s) - start ))s, exit status $vm_rc"
if [ $vm_rc -ne 0 ]; then
	{
		echo "not ok 1 guest run (exit status $vm_rc: see build/results/vm/console.log)"
		echo "1..1"
	} >"$results/guest.tap"
	echo 1 >"$results/guest.rc"
fi

echo "=== summary"
# Every suite that should have run is named: one that left no results is
# a failure, not a suite less in the sum.
expected="unit-policy_rules unit-handshake unit-libtlsmon fuzz tools bench package style
	$("$top/selftests/guest_suites.sh" --list)"
"$top/selftests/lib/tap_summary.sh" -e "$expected" "$results"/*.tap "$results"/vm/results/*.tap |
	tee "$results/summary.txt"
exit "${PIPESTATUS[0]}"
