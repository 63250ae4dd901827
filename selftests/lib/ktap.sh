#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TAP output for shell selftests, in the format of the kselftest harness
# (so one counter reads every suite): "ok N name", "not ok N name",
# "ok N name # SKIP reason".

KTAP_N=0
KTAP_FAILED=0
KTAP_SKIPPED=0

# log_test RC NAME: report a test that passed when RC is 0.
log_test() {
	local rc=$1
	shift
	KTAP_N=$((KTAP_N + 1))
	if [ "$rc" -eq 0 ]; then
		echo "ok $KTAP_N $*"
	else
		KTAP_FAILED=$((KTAP_FAILED + 1))
		echo "not ok $KTAP_N $*"
	fi
}

# skip_test NAME REASON
skip_test() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_SKIPPED=$((KTAP_SKIPPED + 1))
	echo "ok $KTAP_N $1 # SKIP $2"
}

# skip_missing NAME REASON: a tool, binary or module that
# scripts/install-deps.sh or the build provides is missing. Elsewhere a
# skip; under CI (CI=true) a failure, as there nothing may be missing.
skip_missing() {
	if [ "${CI:-}" = true ]; then
		log_test 1 "$1 ($2, under CI)"
	else
		skip_test "$1" "$2"
	fi
}

# ktap_bail STEP: a step the rest of the suite needs (loading the module,
# making the namespaces) failed: report it as a failed case and end the
# suite there with its plan and totals, exit status 1.
ktap_bail() {
	log_test 1 "setup: $* failed"
	ktap_finish
	exit 1
}

# diag MESSAGE: a comment line, ignored by the counters
diag() {
	echo "# $*"
}

# check_output NAME EXPECTED CMD...: run CMD, which must succeed, and compare
# its output with EXPECTED exactly (MPTCP's pm_netlink.sh habit: golden strings test a CLI well).
check_output() {
	local name=$1 expected=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	if [ "$out" != "$expected" ]; then
		diag "$name: '$*' printed:"
		printf '%s\n' "$out" | sed 's/^/#   /'
		diag "expected:"
		printf '%s\n' "$expected" | sed 's/^/#   /'
		[ $rc -ne 0 ] && diag "exit status $rc"
		rc=1
	fi
	log_test $rc "$name"
}

# busywait TIMEOUT_MS CMD...: poll CMD until it succeeds or time runs out.
busywait() {
	local timeout_ms=$1 start now
	shift
	start=$(date +%s%3N)
	while true; do
		"$@" && return 0
		now=$(date +%s%3N)
		[ $((now - start)) -ge "$timeout_ms" ] && return 1
		sleep 0.05
	done
}

ktap_header() {
	echo "TAP version 13"
	echo "# $*"
}

# ktap_finish: print the plan and the totals, and exit 1 if any test failed.
# The plan comes last (TAP allows it there): a suite that dies before its
# end has none, and tap_summary.sh counts that as a failure.
ktap_finish() {
	local pass=$((KTAP_N - KTAP_FAILED - KTAP_SKIPPED))
	echo "1..$KTAP_N"
	echo "# Totals: pass:$pass fail:$KTAP_FAILED xfail:0 xpass:0 skip:$KTAP_SKIPPED error:0"
	[ "$KTAP_FAILED" -eq 0 ]
}
