#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: the benchmarks in the guest (selftests/bench/bench.sh), the
# table printed and kept with the raw figures in build/results-bench/.
# `make bench-ab`: the connection rate of module builds side by side
# (selftests/bench/ab.sh), kept in build/results-ab/. `make bench-profile`:
# an exact instruction profile of the connection churn, by guest function,
# against the module absent (selftests/bench/profile.sh in the guest, under
# the tbprof QEMU plugin), kept in build/results-profile/.
#
#   selftests/bench/run.sh              the benchmarks
#   selftests/bench/run.sh ab NAME=MODULE.ko...
#   selftests/bench/run.sh profile
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
elif [ "${1:-}" = profile ]; then
	results=$top/build/results-profile
	bin=$top/build/profile
	mkdir -p "$bin"
	${CC:-cc} -O2 -Wall -shared -fPIC -o "$bin/tbprof.so" "$top/selftests/bench/tbprof.c" &&
		${CC:-cc} -O2 -Wall -o "$bin/profile_mark" "$top/selftests/bench/profile_mark.c" ||
		exit 1
	cmd=("$top/selftests/bench/profile.sh" /tmp/vm/results "$bin/profile_mark")
	export TLSMON_VM_PLUGIN="$bin/tbprof.so,out=$results/snaps"
	keep=(profile.txt)
	# one vCPU, and an exact count: the plugin needs both
	clock=icount
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
# snaps: where make bench-profile's plugin writes its counts
mkdir -p "$results/snaps"
for v in PROFILE_SECS BENCH_PARTS BENCH_ROUNDS BENCH_BYTES BENCH_CHURN BENCH_SCALES BENCH_JOBS AB_ROUNDS AB_SECS AB_SUITE AB_BYTES AB_CLOCK BENCH_CLOCK; do
	[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
done >"$results/env.sh"
start=$(date +%s)
TLSMON_VM_MEMORY=${TLSMON_VM_MEMORY:-4096} "$top/selftests/vm/run.sh" -t "${TLSMON_BENCH_TIMEOUT:-10800}" \
	-o "$results/vm" -- bash -c ". '$results/env.sh'; exec \"\$@\"" bench "${cmd[@]}"
rc=$?
if [ "${1:-}" = profile ] && [ $rc = 0 ]; then
	python3 "$top/selftests/bench/profile.py" "$results/vm/results" "$results/snaps" \
		"${PROFILE_TOP:-40}" | tee "$results/vm/results/profile.txt"
	rc=${PIPESTATUS[0]}
fi
echo "# bench took $(( $(date +%s) - start )) s in all, exit status $rc"
for f in "${keep[@]}"; do
	cp "$results/vm/results/$f" "$results/" 2>/dev/null
done
exit $rc
