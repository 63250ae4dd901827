#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test of the project, as 'make check' runs them:
#   1. host unit tests, 60 s of parser fuzzing, checks of the operator's
#      tools, of the benchmark's arithmetic and of the netlink spec (no
#      guest),
#   2. style checks of the kernel code (checkpatch, W=1, sparse, kernel-doc),
#   3. the guest suites, in one boot of the QEMU guest per Debian kernel
#      (6.1, and 6.12 where installed), the guests side by side.
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

echo "=== monctl command line contract"
"$top/selftests/host/cli.sh" 2>&1 | tee "$results/cli.tap"
echo "${PIPESTATUS[0]}" >"$results/cli.rc"

echo "=== monctl decrypt on crafted captures"
"$top/selftests/host/decrypt.sh" 2>&1 | tee "$results/decrypt.tap"
echo "${PIPESTATUS[0]}" >"$results/decrypt.rc"

echo "=== benchmark arithmetic"
"$top/selftests/host/bench.sh" 2>&1 | tee "$results/bench.tap"
echo "${PIPESTATUS[0]}" >"$results/bench.rc"

echo "=== package checks"
"$top/selftests/host/package.sh" 2>&1 | tee "$results/package.tap"
echo "${PIPESTATUS[0]}" >"$results/package.rc"

echo "=== the netlink spec against the kernel's schema and YNL"
"$top/selftests/host/ynl_spec.sh" 2>&1 | tee "$results/ynl_spec.tap"
echo "${PIPESTATUS[0]}" >"$results/ynl_spec.rc"

echo "=== style checks"
"$top/selftests/style/run.sh" 2>&1 | tee "$results/style.tap"
echo "${PIPESTATUS[0]}" >"$results/style.rc"

echo "=== guest suites"
# One host thread for both vCPUs: QEMU's multi-threaded TCG can run stale
# translations of code the kernel patches (kprobes, static keys), which
# crashes a guest now and then (Documentation/testing.rst).
export TLSMON_VM_TCG_THREAD=${TLSMON_VM_TCG_THREAD:-single}
guest_timeout=${TLSMON_GUEST_TIMEOUT:-2700}

# guest_failed NAME STATUS DIR: a guest that reported no status is a failure.
guest_failed() {
	{
		echo "not ok 1 guest run $1 (exit status $2: see $3/console.log)"
		echo "1..1"
	} >"$results/guest$1.tap"
	echo 1 >"$results/guest$1.rc"
}

# The other Debian kernels (6.12), each with the module built against its
# own headers, run every guest suite too, in a guest of their own beside
# the default kernel's: each guest keeps one host core busy.
kernels=$("$top/selftests/vm/kernels.sh" list)
if [ -z "$kernels" ] && [ "${CI:-}" = true ]; then
	{
		echo "not ok 1 Debian's 6.12 kernel and headers are installed (scripts/install-deps.sh)"
		echo "1..1"
	} >"$results/kernels.tap"
fi
pids=
for rel in $kernels; do
	if ! "$top/selftests/vm/kernels.sh" build "$rel" >"$results/build-$rel.log" 2>&1; then
		tail -n 20 "$results/build-$rel.log"
		guest_failed "-$rel" build "$results/build-$rel.log"
		continue
	fi
	(
		TLSMON_KO=$top/build/kernels/$rel/module/tlsmon.ko \
		"$top/selftests/vm/run.sh" -t "$guest_timeout" -w -k "/boot/vmlinuz-$rel" \
			-o "$results/vm-$rel" -- "$top/selftests/guest_suites.sh" /tmp/vm/results \
			>"$results/vm-$rel.out" 2>&1
		echo $? >"$results/vm-$rel.status"
	) &
	pids="$pids $!"
done

start=$(date +%s)
"$top/selftests/vm/run.sh" -t "$guest_timeout" -w -o "$results/vm" -- \
	"$top/selftests/guest_suites.sh" /tmp/vm/results
vm_rc=$?
echo "# guest run took $(( $(date +%s) - start ))s, exit status $vm_rc"
[ $vm_rc -ne 0 ] && guest_failed "" "$vm_rc" build/results/vm

# Another kernel's suites are named NAME@RELEASE in the summary.
[ -n "$pids" ] && wait $pids
for rel in $kernels; do
	[ -r "$results/vm-$rel.status" ] || continue
	echo "=== guest suites on $rel"
	cat "$results/vm-$rel.out"
	rc=$(cat "$results/vm-$rel.status")
	[ "$rc" -ne 0 ] && guest_failed "-$rel" "$rc" "build/results/vm-$rel"
	mkdir -p "$results/on-$rel"
	for tap in "$results/vm-$rel"/results/*.tap; do
		[ -e "$tap" ] || continue
		name=$(basename "$tap" .tap)
		cp "$tap" "$results/on-$rel/$name@$rel.tap"
		cp "${tap%.tap}.rc" "$results/on-$rel/$name@$rel.rc" 2>/dev/null
	done
done

echo "=== summary"
# Every suite that should have run is named: one that left no results is
# a failure, not a suite less in the sum.
suites=$("$top/selftests/guest_suites.sh" --list)
expected="unit-policy_rules unit-handshake unit-libtlsmon unit-record unit-print fuzz tools cli decrypt bench package ynl_spec style $suites"
for rel in $kernels; do
	for name in $suites; do
		expected="$expected $name@$rel"
	done
done
"$top/selftests/lib/tap_summary.sh" -e "$expected" "$results"/*.tap "$results"/vm/results/*.tap \
	"$results"/on-*/*.tap | tee "$results/summary.txt"
exit "${PIPESTATUS[0]}"
