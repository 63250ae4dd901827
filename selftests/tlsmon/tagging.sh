#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tagging of kTLS sessions from what both ends saw on the wire.
#
#   +------------------------+          +------------------------+
#   | ns "$ns_c" (client)    |   veth   | ns "$ns_s" (server)    |
#   | 10.77.0.1/24           +----------+ 10.77.0.2/24           |
#   | fd77::1/64             |          | fd77::2/64             |
#   | policy: mark 0x100     |          | policy: mark 0x200     |
#   +------------------------+          +------------------------+
#
# tls_peer sends real-format ClientHello/ServerHello records over a real
# TCP connection, then both ends install kTLS with test keys and exchange
# data; the module only reads the wire. Each case checks both ends'
# sessions (monctl -j sessions), the counters and, for some, the socket
# mark seen by ss and the events seen by monctl monitor.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
. "$top/selftests/lib/peers.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
peer=$top/build/selftests/tlsmon/tls_peer
suffix=$$
ns_c=tlsmon-c-$suffix
ns_s=tlsmon-s-$suffix
tmp=$(mktemp -d)
port=4430

mcc() { "$monctl" -n "$ns_c" "$@"; }
mcs() { "$monctl" -n "$ns_s" "$@"; }

cleanup() {
	touch "$tmp/go" "$tmp/resume"
	ip netns del "$ns_c" 2>/dev/null
	ip netns del "$ns_s" 2>/dev/null
	rmmod tlsmon 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_header "tagging of kTLS sessions"
if [ ! -x "$peer" ] || [ ! -r "$ko" ]; then
	skip_missing "tagging" "tls_peer or the module is not built"
	ktap_finish
	exit $?
fi

rmmod tlsmon 2>/dev/null
insmod "$ko" || ktap_bail "load the module"
ip netns add "$ns_c" && ip netns add "$ns_s" || ktap_bail "create the namespaces"
ip link add vc netns "$ns_c" type veth peer vs netns "$ns_s"
ip -n "$ns_c" addr add 10.77.0.1/24 dev vc
ip -n "$ns_s" addr add 10.77.0.2/24 dev vs
ip -n "$ns_c" addr add fd77::1/64 dev vc nodad
ip -n "$ns_s" addr add fd77::2/64 dev vs nodad
for n in "$ns_c" "$ns_s"; do
	ip -n "$n" link set lo up
done
ip -n "$ns_c" link set vc up
ip -n "$ns_s" link set vs up
mcc policy set enabled on mark 0x100/0xf00
mcs policy set enabled on mark 0x200/0xf00
# no device here can offload TLS: device offload is not watched yet
disarmed_at_load=$(grep -c 'tls_set_device_offload.*DISABLED' /sys/kernel/debug/kprobes/list 2>/dev/null)

# --- a monitored suite: tagged on both ends ----------------------------
"$monctl" -n "$ns_c" -j monitor count 2 >"$tmp/monitor.out" 2>&1 &
mon_pid=$!
sleep 0.5
case_ok=0
run_pair 10.77.0.2 "" "-o ff01,1301" || case_ok=1
expect_eq "client sessions" "$(py "$sess_c" 'len(d)')" 1
expect_eq "client role" "$(py "$sess_c" 'd[0]["role"]')" client
expect_eq "client family" "$(py "$sess_c" 'd[0]["family"]')" inet
expect_eq "client peer" "$(py "$sess_c" 'd[0]["peer"] + ":" + str(d[0]["peer_port"])')" "10.77.0.2:$port"
expect_eq "client version" "$(py "$sess_c" 'd[0]["version"]')" TLS1.3
expect_eq "client suite" "$(py "$sess_c" 'd[0]["suite"] + " " + d[0]["suite_code"]')" "TLS_AES_128_GCM_SHA256_MON 0xff01"
expect_eq "client cipher" "$(py "$sess_c" 'd[0]["cipher"]')" aes-gcm-128
expect_eq "client directions" "$(py "$sess_c" '",".join(d[0]["directions"])')" tx,rx
expect_eq "client reason" "$(py "$sess_c" 'd[0]["reason"]')" suite
expect_eq "client mark" "$(py "$sess_c" 'd[0]["mark"]')" 0x100
expect_eq "server sessions" "$(py "$sess_s" 'len(d)')" 1
expect_eq "server role" "$(py "$sess_s" 'd[0]["role"]')" server
expect_eq "server mark" "$(py "$sess_s" 'd[0]["mark"]')" 0x200
expect_eq "server local" "$(py "$sess_s" 'd[0]["local"] + ":" + str(d[0]["local_port"])')" "10.77.0.2:$port"
log_test $case_ok "TLS 1.3 monitored suite: tagged on both ends, IPv4"

case_ok=0
expect_eq "client tagged" "$(stat_of "$ns_c" tagged)" 1
expect_eq "client installs" "$(stat_of "$ns_c" ktls_installs)" 2
expect_eq "server tagged" "$(stat_of "$ns_s" tagged)" 1
log_test $case_ok "TX and RX installed by two calls are one session"

case_ok=0
busywait 5000 sh -c "[ \$(wc -l <'$tmp/monitor.out') -ge 2 ]" || case_ok=1
wait $mon_pid 2>/dev/null
ev=$(sed -n 1p "$tmp/monitor.out")
expect_eq "first event" "$(py "$ev" 'd["event"] + " " + d["session"]["suite_code"] + " " + d["session"]["reason"]')" "new 0xff01 suite"
ev=$(sed -n 2p "$tmp/monitor.out")
expect_eq "second event" "$(py "$ev" 'd["event"] + " " + str(d["session"]["local_port"] > 0)')" "del True"
expect_eq "sessions after close" "$(mcc -j sessions)" "[]"
log_test $case_ok "monitor -j shows the session tagged, then closed; close removes it"

# --- the mark as ss and nftables see it --------------------------------
case_ok=0
hold_pair 10.77.0.2 10.77.0.2 "" "-o ff01" || case_ok=1
expect_eq "ss -e fwmark" "$(ip netns exec "$ns_c" ss -tnHe dport = :$port 2>/dev/null | grep -o 'fwmark:0x[0-9a-f]*')" fwmark:0x100
release_pair || case_ok=1
log_test $case_ok "tagged socket carries the policy's mark (ss -e)"

# The application's own mark bits outside the policy's mask stay: mark
# 0xf0f0 under mask 0xf00 and mark 0x100 becomes 0xf1f0 (computed here,
# not read from the module), for the socket and for the session.
case_ok=0
hold_pair 10.77.0.2 10.77.0.2 "" "-o ff01 -M 0xf0f0" || case_ok=1
expect_eq "ss -e fwmark" "$(ip netns exec "$ns_c" ss -tnHe dport = :$port 2>/dev/null | grep -o 'fwmark:0x[0-9a-f]*')" \
	"fwmark:$(printf '0x%x' $(( (0xf0f0 & ~0xf00) | 0x100 )))"
expect_eq "client session mark" "$(mcc -j sessions | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["mark"])')" 0xf1f0
release_pair || case_ok=1
log_test $case_ok "the application's mark bits outside the policy's mask are kept"

# --- an ordinary suite: nothing but counters ----------------------------
case_ok=0
before=$(stat_of "$ns_c" untagged)
hs_before=$(stat_of "$ns_c" handshakes)
ci_before=$(stat_of "$ns_c" ktls_installs)
si_before=$(stat_of "$ns_s" ktls_installs)
run_pair 10.77.0.2 "" "-o 1301,1302" || case_ok=1
expect_eq "client sessions" "$sess_c" "[]"
expect_eq "server sessions" "$sess_s" "[]"
expect_eq "untagged" "$(stat_of "$ns_c" untagged)" $((before + 1))
expect_eq "handshakes" "$(stat_of "$ns_c" handshakes)" $((hs_before + 1))
# the second direction of an untagged socket is counted as it starts
expect_eq "client installs" "$(stat_of "$ns_c" ktls_installs)" $((ci_before + 2))
expect_eq "server installs" "$(stat_of "$ns_s" ktls_installs)" $((si_before + 2))
log_test $case_ok "ordinary suite: not tagged, counters move (both directions installed)"

# --- consent modes -------------------------------------------------------
# consent_case NAME MODE CLIENT_OPTS SERVER_OPTS EXPECTED_REASON|none
consent_case() {
	case_ok=0
	mcc policy set consent "$2"
	mcs policy set consent "$2"
	run_pair 10.77.0.2 "$4" "$3" || case_ok=1
	if [ "$5" = none ]; then
		expect_eq "client sessions" "$sess_c" "[]"
		expect_eq "server sessions" "$sess_s" "[]"
	else
		expect_eq "client reason" "$(py "$sess_c" 'd[0]["reason"] + " " + str(d[0]["consent"]).lower()')" "$5"
		expect_eq "server reason" "$(py "$sess_s" 'd[0]["reason"] + " " + str(d[0]["consent"]).lower()')" "$5"
	fi
	log_test $case_ok "$1"
}
consent_case "consent accept: extension in both hellos -> tagged, reason consent" \
	accept "-o 1301 -c" "-c" "consent true"
consent_case "consent accept: offered, not echoed -> not tagged" \
	accept "-o 1301 -c" "" none
consent_case "consent off: extension ignored" \
	off "-o 1301 -c" "-c" none
consent_case "consent require: extension without monitored suite -> not tagged" \
	require "-o 1301 -c" "-c" none
consent_case "consent require: monitored suite without extension -> not tagged" \
	require "-o ff01" "" none
consent_case "consent require: suite and extension -> tagged" \
	require "-o ff01 -c" "-c" "suite true"
mcc policy set consent accept
mcs policy set consent accept

# --- misbehaving servers: never monitored, counted ------------------------
case_ok=0
before=$(stat_of "$ns_c" unsolicited_ext)
run_pair 10.77.0.2 "-C" "-o ff01" || case_ok=1
expect_eq "client sessions" "$sess_c" "[]"
expect_eq "unsolicited_ext" "$(stat_of "$ns_c" unsolicited_ext)" $((before + 1))
log_test $case_ok "server echoes an extension the client never sent: not tagged, counted"

case_ok=0
before=$(stat_of "$ns_c" unoffered_suite)
run_pair 10.77.0.2 "-s ff01" "-o 1301" || case_ok=1
expect_eq "client sessions" "$sess_c" "[]"
expect_eq "unoffered_suite" "$(stat_of "$ns_c" unoffered_suite)" $((before + 1))
log_test $case_ok "server selects a suite the client never offered: not tagged, counted"

case_ok=0
before=$(stat_of "$ns_c" parse_failures)
before_s=$(stat_of "$ns_s" parse_failures)
run_pair 10.77.0.2 "" "-o ff01 -D" || case_ok=1
expect_eq "client sessions" "$sess_c" "[]"
expect_eq "server sessions" "$sess_s" "[]"
expect_eq "client parse_failures" "$(stat_of "$ns_c" parse_failures)" $((before + 1))
expect_eq "server parse_failures" "$(stat_of "$ns_s" parse_failures)" $((before_s + 1))
log_test $case_ok "malformed ClientHello (an extension twice): not tagged, counted as a parse failure"

# --- versions, families, HRR, split ---------------------------------------
case_ok=0
run_pair 10.77.0.2 "-2" "-2 -o ff2f,c02f" || case_ok=1
expect_eq "client version" "$(py "$sess_c" 'd[0]["version"] + " " + d[0]["suite_code"]')" "TLS1.2 0xff2f"
expect_eq "server version" "$(py "$sess_s" 'd[0]["version"]')" TLS1.2
log_test $case_ok "TLS 1.2 monitored suite: tagged"

case_ok=0
run_pair fd77::2 "" "-o ff02" || case_ok=1
expect_eq "client family" "$(py "$sess_c" 'd[0]["family"] + " " + d[0]["peer"]')" "inet6 fd77::2"
expect_eq "server family" "$(py "$sess_s" 'd[0]["family"] + " " + d[0]["peer"]')" "inet6 fd77::1"
log_test $case_ok "IPv6: tagged on both ends"

case_ok=0
run_pair fd77::2 "-E" "-E -o ff02" || case_ok=1
expect_eq "client sessions" "$(py "$sess_c" 'len(d)')" 1
expect_eq "server sessions" "$(py "$sess_s" 'len(d)')" 1
log_test $case_ok "IPv6 with a Destination Options header on every segment: tagged on both ends"

case_ok=0
run_pair 10.77.0.2 "-r" "-o ff03,1301" || case_ok=1
expect_eq "client suite" "$(py "$sess_c" 'd[0]["suite_code"]')" 0xff03
expect_eq "server suite" "$(py "$sess_s" 'd[0]["suite_code"]')" 0xff03
log_test $case_ok "HelloRetryRequest, then a monitored suite: tagged"

case_ok=0
run_pair 10.77.0.2 "-S" "-o ff01" || case_ok=1
expect_eq "client sessions" "$(py "$sess_c" 'len(d)')" 1
log_test $case_ok "ServerHello split over two TCP segments: tagged"

# TCP Fast Open: the ClientHello rides in the SYN, before any SYN-ACK, and
# is read from it. Both namespaces let data go in a SYN without a cookie
# (client 0x4, server 0x200); the kernel's counters prove that it did.
tfo_count() {
	# shellcheck disable=SC2016
	ip netns exec "$1" awk -v f="$2" '/^TcpExt:/ { if (!n) { split($0, k); n = 1 }
		else { for (i = 2; i <= NF; i++) if (k[i] == f) print $i } }' /proc/net/netstat
}
case_ok=0
ip netns exec "$ns_c" sysctl -qw net.ipv4.tcp_fastopen=5
ip netns exec "$ns_s" sysctl -qw net.ipv4.tcp_fastopen=514
active=$(tfo_count "$ns_c" TCPFastOpenActive)
passive=$(tfo_count "$ns_s" TCPFastOpenPassive)
run_pair 10.77.0.2 "-F" "-F -o ff01" || case_ok=1
expect_eq "SYNs with data sent, accepted" \
	"$(( $(tfo_count "$ns_c" TCPFastOpenActive) - active )) $(( $(tfo_count "$ns_s" TCPFastOpenPassive) - passive ))" "1 1"
expect_eq "sessions" "$(py "$sess_c" 'len(d)') $(py "$sess_s" 'len(d)')" "1 1"
ip netns exec "$ns_c" sysctl -qw net.ipv4.tcp_fastopen=1
ip netns exec "$ns_s" sysctl -qw net.ipv4.tcp_fastopen=1
log_test $case_ok "TCP Fast Open, the ClientHello in the SYN: tagged on both ends"

# Past the streams' first buffers: they grow, keeping what was read.
case_ok=0
run_pair 10.77.0.2 "" "-o ff01 -x 2500" || case_ok=1
expect_eq "sessions" "$(py "$sess_c" 'len(d)') $(py "$sess_s" 'len(d)')" "1 1"
log_test $case_ok "ClientHello of 2.6 KiB (padded as large as post-quantum key shares make it): tagged on both ends"

# An undecided entry would stay 2 s after the FIN; the first kTLS
# installation, which decides, removes it.
case_ok=0
expect_eq "entries after the close" "$(stat_of "$ns_c" pending) $(stat_of "$ns_s" pending)" "0 0"
log_test $case_ok "the deciding kTLS installation removes the handshake's entry, on both ends"

# --- every kTLS cipher of the running kernel; one direction only ---------------
# Each with a suite that implies it (kTLS must be given the negotiated
# suite's cipher): the _MON suite, or for SM4 its standard suite with
# consent.
for cipher in aes-gcm-128 aes-gcm-256 aes-ccm-128 chacha20-poly1305 sm4-gcm sm4-ccm; do
	case_ok=0
	rc=0
	case $cipher in
	aes-gcm-128) offer="-o ff01" ;;
	aes-gcm-256) offer="-o ff02" ;;
	aes-ccm-128) offer="-o ff04" ;;
	chacha20-poly1305) offer="-o ff03" ;;
	sm4-gcm) offer="-o c6 -c" ;;
	sm4-ccm) offer="-o c7 -c" ;;
	esac
	run_pair 10.77.0.2 "-c -k $cipher" "$offer -k $cipher" || rc=$?
	if grep -q "has no $cipher" "$tmp/s.out" "$tmp/c.out"; then
		skip_test "kTLS $cipher: tagged, data flows" "this kernel has no $cipher for kTLS"
		continue
	fi
	[ $rc -eq 0 ] || case_ok=1
	expect_eq "client cipher" "$(py "$sess_c" 'd[0]["cipher"] + " " + ",".join(d[0]["directions"])')" "$cipher tx,rx"
	expect_eq "server cipher" "$(py "$sess_s" 'd[0]["cipher"]')" "$cipher"
	log_test $case_ok "kTLS $cipher: tagged, data flows"
done

case_ok=0
run_pair 10.77.0.2 "-d rx" "-o ff01 -d tx" || case_ok=1
expect_eq "client directions" "$(py "$sess_c" '",".join(d[0]["directions"])')" tx
expect_eq "server directions" "$(py "$sess_s" '",".join(d[0]["directions"])')" rx
log_test $case_ok "one kTLS direction only (as OpenSSL 3.0 does for TLS 1.3): tagged"

# --- kTLS must carry the negotiated suite ----------------------------------
# The ServerHello says 0xff01 (AES-128-GCM _MON), both ends install
# AES-256-GCM: the hellos read are not the session the keys belong to.
# The same pair with the suite's own cipher is the positive control.
mismatch_case() {
	local v=$1 suite=$2 cipher=$3
	case_ok=0
	run_pair 10.77.0.2 "-$v" "-$v -o $suite" || case_ok=1
	expect_eq "control: tagged" "$(py "$sess_c" 'len(d)') $(py "$sess_s" 'len(d)')" "1 1"
	mm_c=$(stat_of "$ns_c" cipher_mismatch)
	mm_s=$(stat_of "$ns_s" cipher_mismatch)
	un_c=$(stat_of "$ns_c" untagged)
	run_pair 10.77.0.2 "-$v -k $cipher" "-$v -o $suite -k $cipher" || case_ok=1
	expect_eq "sessions" "$sess_c $sess_s" "[] []"
	expect_eq "counted" "$(($(stat_of "$ns_c" cipher_mismatch) - mm_c)) $(($(stat_of "$ns_s" cipher_mismatch) - mm_s))" "1 1"
	expect_eq "untagged, once for both directions" "$(($(stat_of "$ns_c" untagged) - un_c))" 1
	log_test $case_ok "TLS 1.$v suite 0x$suite, kTLS $cipher installed: not tagged on either end, counted as cipher_mismatch"
}
mismatch_case 3 ff01 aes-gcm-256
mismatch_case 2 ff2f chacha20-poly1305

# --- kTLS with no handshake seen ---------------------------------------------
case_ok=0
mcc policy set enabled off
port=$((port + 1))
rm -f "$tmp/go" "$tmp/resume"
ip netns exec "$ns_s" "$peer" server 10.77.0.2 $port -w "$tmp/go" >"$tmp/s.out" 2>&1 &
spid=$!
busywait 5000 grep -q listening "$tmp/s.out"
ip netns exec "$ns_c" "$peer" client 10.77.0.2 $port -o ff01 -p "$tmp/resume" -w "$tmp/go" >"$tmp/c.out" 2>&1 &
cpid=$!
busywait 20000 grep -q paused "$tmp/c.out" || case_ok=1
before=$(stat_of "$ns_c" no_handshake)
mcc policy set enabled on
touch "$tmp/resume"
busywait 20000 grep -q ready "$tmp/c.out" || case_ok=1
expect_eq "client sessions" "$(mcc -j sessions)" "[]"
expect_eq "no_handshake" "$(stat_of "$ns_c" no_handshake)" $((before + 1))
touch "$tmp/go"
wait $spid $cpid || case_ok=1
log_test $case_ok "kTLS without a handshake seen: not tagged, counted"

# --- policy disabled ------------------------------------------------------------
case_ok=0
mcc policy set enabled off
mcs policy set enabled off
run_pair 10.77.0.2 "" "-o ff01" || case_ok=1
expect_eq "client sessions" "$sess_c" "[]"
expect_eq "server sessions" "$sess_s" "[]"
expect_eq "pending" "$(stat_of "$ns_c" pending)" 0
log_test $case_ok "policy disabled: nothing watched, nothing tagged"
mcc policy set enabled on
mcs policy set enabled on

# --- the watch table is bounded and expires ---------------------------------
case_ok=0
params=/sys/module/tlsmon/parameters
old_max=$(cat $params/max_pending)
old_timeout=$(cat $params/handshake_timeout)
echo 8 >$params/max_pending
port=$((port + 1))
drops_before=$(stat_of "$ns_c" pending_drops)
expired_before=$(stat_of "$ns_c" pending_expired)
ip netns exec "$ns_s" python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.2", int(sys.argv[1]))); s.listen(64)
conns = [s.accept()[0] for _ in range(30)]
time.sleep(30)' $port >/dev/null 2>&1 &
lpid=$!
# the listener must be up before the client connects (python starts slowly)
busywait 10000 sh -c "ip netns exec $ns_s ss -ltn | grep -q ':$port '" || case_ok=1
# 30 connections that never say a word: half-finished handshakes
ip netns exec "$ns_c" python3 -c '
import socket, sys, time
c = [socket.create_connection(("10.77.0.2", int(sys.argv[1]))) for _ in range(30)]
print("open", flush=True)
time.sleep(30)' $port >"$tmp/flood.out" 2>&1 &
fpid=$!
busywait 20000 grep -q open "$tmp/flood.out" || case_ok=1
expect_eq "client pending at the limit" "$(stat_of "$ns_c" pending)" 8
expect_eq "server pending at the limit" "$(stat_of "$ns_s" pending)" 8
expect_eq "client drops" "$(stat_of "$ns_c" pending_drops)" $((drops_before + 22))
log_test $case_ok "30 silent connections with max_pending 8: the table stays at 8, 22 drops counted"

case_ok=0
echo 1 >$params/handshake_timeout
busywait 10000 sh -c "[ \$('$monctl' -n '$ns_c' -j stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"pending\"])') = 0 ]" || case_ok=1
expect_eq "client pending after expiry" "$(stat_of "$ns_c" pending)" 0
expect_eq "client expired" "$(stat_of "$ns_c" pending_expired)" $((expired_before + 8))
log_test $case_ok "stale handshakes expire without new traffic, and are counted"
kill $fpid $lpid 2>/dev/null
wait $fpid $lpid 2>/dev/null
echo "$old_max" >$params/max_pending
echo "$old_timeout" >$params/handshake_timeout

# --- device offload: watched once a device can offload TLS ---------------------
# Disarmed, the device offload probes cost nothing; a bond in balance-xor
# with a layer3+4 hash announces TLS offload (its lower devices do the
# work), which arms them. A veth below cannot offload, so the installation
# still ends in software, through the armed probes' early exit.
kp=/sys/kernel/debug/kprobes/list
dev_probes() { grep -c "tls_set_device_offload.*${1:-}" $kp; }
if [ ! -r $kp ]; then
	skip_test "device offload probes armed by a TLS-capable device" "no debugfs"
elif ! ip -n "$ns_c" link add tlsb0 type bond mode balance-xor xmit_hash_policy layer3+4 \
		2>/dev/null; then
	skip_test "device offload probes armed by a TLS-capable device" "no bonding"
elif ip netns exec "$ns_c" ethtool -k tlsb0 2>/dev/null |
		grep -q '^tls-hw-tx-offload: off \[fixed\]'; then
	# An empty bond announces TLS offload up to 6.6 only.
	ip -n "$ns_c" link del tlsb0
	skip_test "device offload probes armed by a TLS-capable device" \
		"this kernel's empty bond announces no TLS offload"
else
	case_ok=0
	tagged_before=$(stat_of "$ns_c" tagged)
	expect_eq "device probes disarmed at load" "$disarmed_at_load" 2
	expect_eq "device probes armed by the bond" "$(dev_probes)-$(dev_probes DISABLED)" 2-0
	dmesg | grep -q "tlsmon: tlsb0 can offload TLS" || { diag "no log line"; case_ok=1; }
	run_pair 10.77.0.2 "" "-o ff01,1301" || case_ok=1
	expect_eq "client sessions" "$(py "$sess_c" 'len(d)')" 1
	expect_eq "client directions" "$(py "$sess_c" '",".join(d[0]["directions"])')" tx,rx
	expect_eq "client tagged" "$(stat_of "$ns_c" tagged)" $((tagged_before + 1))
	ip -n "$ns_c" link del tlsb0
	log_test $case_ok "device offload probes armed by a TLS-capable device; software kTLS still tagged"
fi

# --- unload with monitored sockets open ------------------------------------------
case_ok=0
hold_pair 10.77.0.2 10.77.0.2 "" "-o ff01" || case_ok=1
expect_eq "sessions before unload" "$(py "$(mcc -j sessions)" 'len(d)')" 1
rmmod tlsmon || case_ok=1
release_pair || case_ok=1
log_test $case_ok "unload with monitored sockets open; data still flows after"

insmod "$ko" && rmmod tlsmon
log_test $? "reload and unload once more"

ktap_finish
