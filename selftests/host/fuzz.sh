#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The handshake parser under libFuzzer (selftests/fuzz/fuzz_handshake.c):
# the seed corpus of real handshakes and every regression input replayed,
# then SECONDS of fuzzing from the seeds with a fixed seed.
#
#   selftests/host/fuzz.sh [SECONDS] [WORKDIR]
#
# SECONDS defaults to 60 (what `make check` runs); `make fuzz` runs longer
# and keeps its corpus in build/fuzz/corpus between runs. A crash leaves
# its input in WORKDIR/crash-*; once fixed, it belongs in
# selftests/fuzz/regressions/handshake/ so that every run replays it.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
secs=${1:-60}
work=${2:-$top/build/fuzz/check}
fuzzer=$top/build/selftests/fuzz/fuzz_handshake
seeds=$top/selftests/fuzz/corpus/handshake
regress=$top/selftests/fuzz/regressions/handshake

ktap_header "handshake parser under libFuzzer"
if [ ! -x "$fuzzer" ]; then
	log_test 1 "fuzz_handshake is built (make tests; needs clang-14 and libfuzzer-14-dev)"
	ktap_finish
	exit 1
fi

inputs=("$seeds")
[ -d "$regress" ] && inputs+=("$regress")
n=$(find "${inputs[@]}" -type f | wc -l)
out=$("$fuzzer" -runs=0 "${inputs[@]}" 2>&1)
rc=$?
[ $rc -eq 0 ] || printf '%s\n' "$out" | tail -n 30 | sed 's/^/# /'
log_test $rc "$n seed and regression inputs replay without a finding"

# Fuzzing writes what it learns into the first directory: a copy of the
# seeds, never the tree.
if [ "$work" = "$top/build/fuzz/check" ]; then
	rm -rf "$work"
fi
mkdir -p "$work/corpus"
cp -n "$seeds"/* "$work/corpus/"
log=$work/fuzz.log
(cd "$work" && "$fuzzer" -max_total_time="$secs" -seed=1 -print_final_stats=1 \
	-artifact_prefix="$work/" corpus "${inputs[@]}") >"$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1)
diag "$secs s: ${runs:-0} executions, ${cov:-no coverage line}, corpus $(ls "$work/corpus" | wc -l) inputs"
if [ $rc -ne 0 ]; then
	grep -E 'ERROR|SUMMARY|==[0-9]+==|crash-|Test unit written' "$log" | head -n 20 | sed 's/^/# /'
fi
log_test $rc "$secs s of fuzzing from the seeds find nothing"
# A fuzzer that barely ran proves nothing.
[ "${runs:-0}" -ge 1000 ]
log_test $? "the fuzzer ran at least 1000 inputs"
ktap_finish
