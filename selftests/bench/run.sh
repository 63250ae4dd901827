#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: the benchmarks in the guest (selftests/bench/bench.sh), the
# table printed and kept with the raw figures in build/results-bench/.
# Run it on an otherwise idle machine: the guest is emulated (TCG), and
# anything else running shifts every figure.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
results=$top/build/results-bench
rm -rf "$results"
mkdir -p "$results"
for v in BENCH_ROUNDS BENCH_BYTES BENCH_CHURN BENCH_SCALES BENCH_JOBS; do
	[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
done >"$results/env.sh"
start=$(date +%s)
TLSMON_VM_MEMORY=${TLSMON_VM_MEMORY:-4096} "$top/selftests/vm/run.sh" -t "${TLSMON_BENCH_TIMEOUT:-10800}" \
	-o "$results/vm" -- bash -c ". '$results/env.sh'; '$top/selftests/bench/bench.sh' /tmp/vm/results"
rc=$?
echo "# bench took $(( $(date +%s) - start )) s in all, exit status $rc"
cp "$results/vm/results/raw.txt" "$results/vm/results/table.txt" "$results/" 2>/dev/null
exit $rc
