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

# capture_started: wait for the tcpdump whose stderr is $tmp/tcpdump.err
# to listen (it starts slowly on a busy or debug kernel); returns 1, saying
# what it printed, if it does not within a minute
capture_started() {
	busywait 60000 grep -q listening "$tmp/tcpdump.err" && return 0
	diag "tcpdump did not start listening:"
	sed 's/^/#   /' "$tmp/tcpdump.err"
	return 1
}

# pair_settled: both ends of the pair are ready, or one of them is gone
pair_settled() {
	{ grep -q ready "$tmp/s.out" && grep -q ready "$tmp/c.out"; } ||
		! kill -0 "$spid" 2>/dev/null || ! kill -0 "$cpid" 2>/dev/null
}

# hold_pair SERVER_ADDR CLIENT_ADDR "SERVER OPTS" "CLIENT OPTS" (ready_ms:
# how long both may take to get ready, default 20000): a
# handshake and kTLS between the namespaces ($ns_c and $ns_s, or $pair_c
# and $pair_s when set) on the next port; both ends then hold their
# sockets open until release_pair. Sets spid and cpid; returns 1, with
# both ends stopped, if they did not get ready.
hold_pair() {
	local saddr=$1 caddr=$2 sopts=$3 copts=$4
	port=$((port + 1))
	rm -f "$tmp/go"
	: >"$tmp/s.out"
	: >"$tmp/c.out"
	# shellcheck disable=SC2086
	ip netns exec "${pair_s:-$ns_s}" "$peer" server "$saddr" $port -w "$tmp/go" $sopts >"$tmp/s.out" 2>&1 &
	spid=$!
	busywait 5000 grep -q listening "$tmp/s.out"
	# shellcheck disable=SC2086
	ip netns exec "${pair_c:-$ns_c}" "$peer" client "$caddr" $port -w "$tmp/go" $copts >"$tmp/c.out" 2>&1 &
	cpid=$!
	# both ready, or one of them gave up
	busywait "${ready_ms:-20000}" pair_settled
	if ! grep -q ready "$tmp/s.out" || ! grep -q ready "$tmp/c.out"; then
		diag "the peers did not get ready:"
		sed 's/^/#   /' "$tmp/s.out" "$tmp/c.out"
		# how an end exited (128 + N: killed by signal N), or where
		# one still running waits
		local end pid
		for end in server:$spid client:$cpid; do
			pid=${end#*:}
			if kill -0 "$pid" 2>/dev/null; then
				diag "the ${end%%:*} still runs, waiting in $(cat "/proc/$pid/wchan" 2>/dev/null):"
				sed 's/^/#   /' "/proc/$pid/stack" 2>/dev/null
			else
				wait "$pid"
				diag "the ${end%%:*} exited with status $?"
			fi
		done
		# the connection as each end's TCP has it
		ip netns exec "${pair_s:-$ns_s}" ss -tnmi "sport = :$port" | sed 's/^/#   /'
		ip netns exec "${pair_c:-$ns_c}" ss -tnmi "dport = :$port" | sed 's/^/#   /'
		# one end gave up: the other must not wait for it forever
		kill $spid $cpid 2>/dev/null
		return 1
	fi
	return 0
}

# release_pair: let the held pair finish (a second message each way);
# returns 1 if either end failed.
release_pair() {
	local rc=0
	touch "$tmp/go"
	wait $spid || rc=1
	wait $cpid || rc=1
	[ $rc -eq 0 ] || { diag "peer output:"; sed 's/^/#   /' "$tmp/s.out" "$tmp/c.out"; }
	return $rc
}

# run_pair ADDR "SERVER OPTS" "CLIENT OPTS": hold_pair and release_pair;
# meanwhile the sessions of each end are stored in $sess_c and $sess_s,
# and the exported keys in $keys_c and $keys_s.
run_pair() {
	local rc=0
	hold_pair "$1" "$1" "$2" "$3" || rc=1
	sess_c=$("$monctl" -n "${pair_c:-$ns_c}" -j sessions)
	sess_s=$("$monctl" -n "${pair_s:-$ns_s}" -j sessions)
	keys_c=$("$monctl" -n "${pair_c:-$ns_c}" -j keys 2>/dev/null)
	keys_s=$("$monctl" -n "${pair_s:-$ns_s}" -j keys 2>/dev/null)
	# an end without its session: its counters say which stage lost it
	if [ "$sess_c" = "[]" ] || [ "$sess_s" = "[]" ]; then
		diag "client: $("$monctl" -n "${pair_c:-$ns_c}" -j stats 2>&1)"
		diag "server: $("$monctl" -n "${pair_s:-$ns_s}" -j stats 2>&1)"
	fi
	release_pair || rc=1
	return $rc
}

stat_of() {
	py "$("$monctl" -n "$1" -j stats)" "d['$2']"
}


# router_topology LAN UP FAR: the namespaces $ns_c, $ns_s, $ns_rt and
# $ns_far (created here, loopback up) wired as
#
#   $ns_c vc1 10.LAN.0.1/24 ------------- vs 10.LAN.0.2/24 $ns_s
#   $ns_c vc2 10.UP.0.1/24 --- vr1 10.UP.0.254  $ns_rt (forwarding)
#                              vr2 10.FAR.0.254 --- vfar 10.FAR.0.2/24 $ns_far
#
# with $ns_c routing 10.FAR.0.0/24 through the router. Returns 1 if a
# namespace cannot be created.
router_topology() {
	local lan=$1 up=$2 far=$3 n l
	for n in "$ns_c" "$ns_s" "$ns_rt" "$ns_far"; do
		ip netns add "$n" || return 1
		ip -n "$n" link set lo up
	done
	ip link add vc1 netns "$ns_c" type veth peer vs netns "$ns_s"
	ip link add vc2 netns "$ns_c" type veth peer vr1 netns "$ns_rt"
	ip link add vr2 netns "$ns_rt" type veth peer vfar netns "$ns_far"
	ip -n "$ns_c" addr add "10.$lan.0.1/24" dev vc1
	ip -n "$ns_s" addr add "10.$lan.0.2/24" dev vs
	ip -n "$ns_c" addr add "10.$up.0.1/24" dev vc2
	ip -n "$ns_rt" addr add "10.$up.0.254/24" dev vr1
	ip -n "$ns_rt" addr add "10.$far.0.254/24" dev vr2
	ip -n "$ns_far" addr add "10.$far.0.2/24" dev vfar
	for l in "$ns_c vc1" "$ns_c vc2" "$ns_s vs" "$ns_rt vr1" "$ns_rt vr2" "$ns_far vfar"; do
		# shellcheck disable=SC2086
		ip -n ${l% *} link set ${l#* } up
	done
	ip netns exec "$ns_rt" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$ns_c" route add "10.$far.0.0/24" via "10.$up.0.254"
	ip -n "$ns_far" route add default via "10.$far.0.254"
}
