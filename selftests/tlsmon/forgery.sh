#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A forged ServerHello on a shared segment: only what TCP delivered, and
# never contradicted, may make a session monitored.
#
#   ns "$ns_c" (client) 10.80.0.1 vc --+
#                                      |  br0 in ns "$ns_b", learning off
#   ns "$ns_s" (server) 10.80.0.2 vs --+  on every port: every frame
#                                      |  floods to every port
#   ns "$ns_a" (attacker)        va --+
#
# The attacker (inject) sees the SYN-ACK and sends the client a ServerHello
# of its own, echoing the consent extension, at the server's first
# sequence number; the real server (tls_peer -W) answers only after that.
# Both ends: monitoring on, consent accept.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
. "$top/selftests/lib/peers.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
peer=$top/build/selftests/tlsmon/tls_peer
inject=$top/build/selftests/tlsmon/inject
suffix=$$
ns_c=tlsmon-fc-$suffix
ns_s=tlsmon-fs-$suffix
ns_a=tlsmon-fa-$suffix
ns_b=tlsmon-fb-$suffix
tmp=$(mktemp -d)
port=4700

cleanup() {
	touch "$tmp/go" "$tmp/hello"
	for n in "$ns_c" "$ns_s" "$ns_a" "$ns_b"; do
		ip netns del "$n" 2>/dev/null
	done
	rmmod tlsmon 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_header "forged hellos on a shared segment"
if [ ! -x "$peer" ] || [ ! -x "$inject" ] || [ ! -r "$ko" ]; then
	skip_missing "forgery" "tls_peer, inject or the module is not built"
	ktap_finish
	exit $?
fi

rmmod tlsmon 2>/dev/null
insmod "$ko" || ktap_bail "load the module"
for n in "$ns_c" "$ns_s" "$ns_a" "$ns_b"; do
	ip netns add "$n" || ktap_bail "create the namespaces"
	ip -n "$n" link set lo up
done
ip -n "$ns_b" link add br0 type bridge
ip -n "$ns_b" link set br0 up
for e in c s a; do
	eval "ns=\$ns_$e"
	ip link add "v$e" netns "$ns" type veth peer "p$e" netns "$ns_b"
	ip -n "$ns_b" link set "p$e" master br0
	ip -n "$ns_b" link set "p$e" type bridge_slave learning off
	ip -n "$ns_b" link set "p$e" up
	ip -n "$ns" link set "v$e" up
done
ip -n "$ns_c" addr add 10.80.0.1/24 dev vc
ip -n "$ns_s" addr add 10.80.0.2/24 dev vs
for n in "$ns_c" "$ns_s"; do
	"$monctl" -n "$n" policy set enabled on consent accept || ktap_bail "enable the policy"
done

# forged_pair MODE "SERVER OPTS" "CLIENT OPTS": the attacker injects in
# MODE while a pair runs; the counters of the client before are kept.
forged_pair() {
	local mode=$1 ipid
	conflicts_c=$(stat_of "$ns_c" hello_conflicts)
	tagged_c=$(stat_of "$ns_c" tagged)
	rm -f "$tmp/hello"
	: >"$tmp/inject.out"
	ip netns exec "$ns_a" "$inject" va "$mode" 10.80.0.2 $((port + 1)) "$tmp/hello" \
		>"$tmp/inject.out" 2>&1 &
	ipid=$!
	busywait 5000 grep -q sniffing "$tmp/inject.out"
	run_pair 10.80.0.2 "-W $tmp/hello $2" "$3" || case_ok=1
	wait $ipid || case_ok=1
	grep -q "injected $mode" "$tmp/inject.out" || {
		diag "the attacker did not inject:"
		sed 's/^/#   /' "$tmp/inject.out"
		case_ok=1
	}
}

# --- the positive control: the same pair, no attacker --------------------
case_ok=0
run_pair 10.80.0.2 "-c" "-o 1301 -c" || case_ok=1
expect_eq "client" "$(py "$sess_c" 'str(len(d)) + " " + d[0]["reason"]')" "1 consent"
expect_eq "server" "$(py "$sess_s" 'str(len(d)) + " " + d[0]["reason"]')" "1 consent"
log_test $case_ok "control: consent offered and echoed, through the bridge: tagged on both ends"

case_ok=0
touch "$tmp/hello"
run_pair 10.80.0.2 "-W $tmp/hello" "-o 1301 -c" || case_ok=1
expect_eq "sessions" "$sess_c $sess_s" "[] []"
log_test $case_ok "control: the server does not echo consent: tagged on neither end"

# --- forgeries TCP drops: ignored ----------------------------------------
# The real server does not echo consent; the forgery does. TCP drops the
# forgery (the client's handshake completes with the real ServerHello,
# whose length differs): tlsmon must not believe it, nor even count it as
# a contradiction, since it never held it.
for mode in noack badack; do
	case_ok=0
	forged_pair $mode "" "-o 1301 -c"
	expect_eq "client sessions" "$sess_c" "[]"
	expect_eq "server sessions" "$sess_s" "[]"
	expect_eq "client conflicts" "$(($(stat_of "$ns_c" hello_conflicts) - conflicts_c))" 0
	expect_eq "client tagged" "$(($(stat_of "$ns_c" tagged) - tagged_c))" 0
	case $mode in
	noack) what="without ACK" ;;
	badack) what="acking data the client never sent" ;;
	esac
	log_test $case_ok "a forged ServerHello with consent, $what: ignored, the session is not monitored"
done

# --- a forgery with a bad TCP checksum: ignored ---------------------------
# As the accepted forgery below, but with a wrong TCP checksum, and the
# client's veth without RX checksum offload, so that its kernel verifies
# the checksum (veth would otherwise mark the frame's checksum as
# verified): TCP drops it, and so must tlsmon.
if command -v ethtool >/dev/null && command -v nstat >/dev/null; then
	csum_errors() {
		ip netns exec "$ns_c" nstat -asz TcpInCsumErrors | awk '/TcpInCsumErrors/ { print $2 }'
	}
	ip netns exec "$ns_c" ethtool -K vc rx off >/dev/null
	case_ok=0
	errs=$(csum_errors)
	forged_pair badsum "" "-o 1301 -c"
	expect_eq "client sessions" "$sess_c" "[]"
	expect_eq "server sessions" "$sess_s" "[]"
	expect_eq "client conflicts" "$(($(stat_of "$ns_c" hello_conflicts) - conflicts_c))" 0
	expect_eq "client tagged" "$(($(stat_of "$ns_c" tagged) - tagged_c))" 0
	[ "$(csum_errors)" -gt "${errs:-0}" ] || { diag "TcpInCsumErrors did not rise"; case_ok=1; }
	ip netns exec "$ns_c" ethtool -K vc rx on >/dev/null
	log_test $case_ok "a forged ServerHello with consent and a bad TCP checksum: TCP drops it, tlsmon ignores it"
else
	skip_missing "bad TCP checksum" "ethtool or nstat is not installed"
fi

# --- a forgery TCP accepts, then the genuine hello ------------------------
# The real server echoes consent too; the forgery, of the same length,
# has another random and an in-window ACK: the client's TCP takes it and
# drops the genuine one as a duplicate, and the client's handshake goes on
# with it. The module sees both: two versions of the stream, so the
# client's end is never monitored, and the conflict is counted. The
# server's end saw only its own ServerHello.
case_ok=0
forged_pair ack "-c" "-o 1301 -c"
expect_eq "client sessions" "$sess_c" "[]"
expect_eq "client conflicts" "$(($(stat_of "$ns_c" hello_conflicts) - conflicts_c))" 1
expect_eq "client tagged" "$(($(stat_of "$ns_c" tagged) - tagged_c))" 0
expect_eq "server sessions" "$(py "$sess_s" 'len(d)')" 1
log_test $case_ok "a forged ServerHello accepted by TCP ahead of the genuine one: contradicted, the client is never monitored, counted"

ktap_finish
