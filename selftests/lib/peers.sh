#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the suites that run tls_peer pairs between two namespaces.
# The caller sets: peer (tls_peer), monctl, tmp (a scratch directory),
# ns_c and ns_s (client and server namespaces), port (last port used).

# py JSON EXPR: evaluate EXPR with d = the parsed JSON
py() {
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

# expect_eq NAME ACTUAL EXPECTED: one check of a case; failures are noted
expect_eq() {
	if [ "$2" != "$3" ]; then
		diag "$1: got '$2', expected '$3'"
		case_ok=1
	fi
}

# run_pair ADDR "SERVER OPTS" "CLIENT OPTS": a handshake and kTLS between
# the namespaces ($ns_c and $ns_s, or $pair_c and $pair_s when set); while
# both ends hold their sockets open, the sessions of each end are stored
# in $sess_c and $sess_s, and the exported keys in $keys_c and $keys_s.
run_pair() {
	local addr=$1 sopts=$2 copts=$3 spid cpid rc=0
	local ns_c=${pair_c:-$ns_c} ns_s=${pair_s:-$ns_s}
	port=$((port + 1))
	rm -f "$tmp/go"
	: >"$tmp/s.out"
	: >"$tmp/c.out"
	# shellcheck disable=SC2086
	ip netns exec "$ns_s" "$peer" server "$addr" $port -w "$tmp/go" $sopts >"$tmp/s.out" 2>&1 &
	spid=$!
	busywait 5000 grep -q listening "$tmp/s.out"
	# shellcheck disable=SC2086
	ip netns exec "$ns_c" "$peer" client "$addr" $port -w "$tmp/go" $copts >"$tmp/c.out" 2>&1 &
	cpid=$!
	# both ready, or one of them gave up
	busywait 20000 sh -c "(grep -q ready '$tmp/s.out' && grep -q ready '$tmp/c.out') ||
		! kill -0 $spid 2>/dev/null || ! kill -0 $cpid 2>/dev/null"
	if ! grep -q ready "$tmp/s.out" || ! grep -q ready "$tmp/c.out"; then
		diag "the peers did not get ready:"
		sed 's/^/#   /' "$tmp/s.out" "$tmp/c.out"
		# one end gave up: the other must not wait for it forever
		kill $spid $cpid 2>/dev/null
		rc=1
	fi
	sess_c=$("$monctl" -n "$ns_c" -j sessions)
	sess_s=$("$monctl" -n "$ns_s" -j sessions)
	keys_c=$("$monctl" -n "$ns_c" -j keys 2>/dev/null)
	keys_s=$("$monctl" -n "$ns_s" -j keys 2>/dev/null)
	touch "$tmp/go"
	wait $spid || rc=1
	wait $cpid || rc=1
	[ $rc -eq 0 ] || { diag "peer output:"; sed 's/^/#   /' "$tmp/s.out" "$tmp/c.out"; }
	return $rc
}

stat_of() {
	py "$("$monctl" -n "$1" -j stats)" "d['$2']"
}

