#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest for make bench-profile, under the tbprof plugin:
# the hand-made connection churn (PROFILE_SECS of guest time, default 4)
# and a plain TCP bulk transfer (PROFILE_BYTES, default 64 MiB), with the
# module absent, then enabled: the churn with a monitored suite and with an
# ordinary one, and the bulk transfer. Each run lies between two markers,
# so that the plugin writes its counts alone; phases.txt says which
# snapshot is which run ("INDEX NAME"). The guest's symbols (kernel and
# modules) are kept for profile.py, while tlsmon is loaded.
#
#   selftests/bench/profile.sh RESULTS MARKER
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
results=$1
marker=$2
mkdir -p "$results"
. "$top/selftests/bench/lib.sh"
secs=${PROFILE_SECS:-4}
bytes=${PROFILE_BYTES:-67108864}
snap=0
: >"$results/phases.txt"

# phase NAME ARGS...: one run of load between two markers, its output kept
phase() {
	local name=$1

	shift
	"$marker"
	run_load -L "$@" >"$results/$name.txt" 2>&1
	"$marker"
	snap=$((snap + 2))
	echo "$((snap - 1)) $name" >>"$results/phases.txt"
	cat "$results/$name.txt"
}

state absent
# unmeasured: the first runs after boot also clear the pages they are the
# first to use, and refill the random number generator
run_load -L -u 0 -t 1 >/dev/null 2>&1
run_load -L -P -B "$bytes" >/dev/null 2>&1
phase churn-absent -u 0 -t "$secs"
phase tcp-absent -P -B "$bytes"
state enabled
cat /proc/kallsyms >"$results/kallsyms.txt"
phase churn-monitored -u 0 -t "$secs"
phase churn-ordinary -u 1 -t "$secs"
phase tcp-enabled -P -B "$bytes"
