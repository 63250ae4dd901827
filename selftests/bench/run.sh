#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: the benchmarks in the guest (selftests/bench/bench.sh), the
# table printed and kept with the raw figures in build/results-bench/.
# `make bench-ab`: the connection rate of module builds side by side
# (selftests/bench/ab.sh), kept in build/results-ab/.
#
#   selftests/bench/run.sh              the benchmarks
#   selftests/bench/run.sh ab NAME=MODULE.ko...
#
# Run it on an otherwise idle machine: the guest is emulated (TCG), and
# anything else running shifts every figure.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" = ab ]; then
	shift
	results=$top/build/results-ab
	cmd=("$top/selftests/bench/ab.sh" /tmp/vm/results)
	for b in "$@"; do
		# the guest sees the host's root: a build's path must be absolute
		ko=$(realpath "${b#*=}") || exit 2
		cmd+=("${b%%=*}=$ko")
	done
	keep=(ab.txt ab-table.txt)
	clock=${AB_CLOCK:-host}
else
	results=$top/build/results-bench
	cmd=("$top/selftests/bench/bench.sh" /tmp/vm/results)
	keep=(raw.txt table.txt)
	clock=${BENCH_CLOCK:-host}
fi
# AB_CLOCK or BENCH_CLOCK=icount: the guest's clock counts instructions,
# 2 ns each (one vCPU; idle time skips to the next timer), so that a rate
# is work done, not the host's speed of the moment
case $clock in
host) ;;
icount) export TLSMON_VM_ICOUNT=${TLSMON_VM_ICOUNT:-shift=1,sleep=off} ;;
*) echo "run.sh: AB_CLOCK and BENCH_CLOCK are host or icount" >&2; exit 2 ;;
esac
rm -rf "$results"
mkdir -p "$results"
for v in BENCH_ROUNDS BENCH_BYTES BENCH_CHURN BENCH_SCALES BENCH_JOBS AB_ROUNDS AB_SECS AB_SUITE AB_BYTES AB_CLOCK BENCH_CLOCK; do
	[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
done >"$results/env.sh"
start=$(date +%s)
TLSMON_VM_MEMORY=${TLSMON_VM_MEMORY:-4096} "$top/selftests/vm/run.sh" -t "${TLSMON_BENCH_TIMEOUT:-10800}" \
	-o "$results/vm" -- bash -c ". '$results/env.sh'; exec \"\$@\"" bench "${cmd[@]}"
rc=$?
echo "# bench took $(( $(date +%s) - start )) s in all, exit status $rc"
for f in "${keep[@]}"; do
	cp "$results/vm/results/$f" "$results/" 2>/dev/null
done
exit $rc
