#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Servers that reuse their TLS 1.3 key share (a static Diffie-Hellman key,
# as ETSI TS 103 523-3 uses): the module flags the second session whose
# server sent a key share it had sent before. Then the ETS certificate
# signal end to end: libtlsmon (ssl_peer) reports it, and a refusing
# client aborts on it, and on an echoed consent extension.
#
#   +------------------------+          +------------------------+
#   | ns "$ns_c" (client)    |   veth   | ns "$ns_s" (server)    |
#   | 10.78.0.1/24           +----------+ 10.78.0.2/24 and more  |
#   +------------------------+          +------------------------+
#
# tls_peer -y N makes the server's ServerHello carry an x25519 key share
# made from N: the same N, the same share. Both namespaces watch the
# handshakes, so each case is checked on both ends.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
. "$top/selftests/lib/peers.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
peer=$top/build/selftests/tlsmon/tls_peer
params=/sys/module/tlsmon/parameters
suffix=$$
ns_c=tlsmon-kc-$suffix
ns_s=tlsmon-ks-$suffix
tmp=$(mktemp -d)
port=4530

mcc() { "$monctl" -n "$ns_c" "$@"; }
mcs() { "$monctl" -n "$ns_s" "$@"; }

cleanup() {
	touch "$tmp/go"
	ip netns del "$ns_c" 2>/dev/null
	ip netns del "$ns_s" 2>/dev/null
	rmmod tlsmon 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_header "other schemes' signals: reused key shares, the ETS certificate"
if [ ! -x "$peer" ] || [ ! -r "$ko" ]; then
	skip_test "keyshare" "tls_peer or the module is not built"
	# --- the ETS certificate signal, real OpenSSL ends over real sockets ------
sslpeer=$top/build/selftests/tlsmon/ssl_peer

# ets_pair NAME CERT KEY CLIENT_OPTS: ssl_peer server with CERT, ssl_peer
# client; their output in $tmp/NAME.s and $tmp/NAME.c, the client's exit
# status in $tmp/NAME.rc
ets_pair() {
	local spid
	port=$((port + 1))
	ip netns exec "$ns_s" timeout 30 "$sslpeer" server 10.78.0.2 $port -k "$2" -K "$3" \
		>"$tmp/$1.s" 2>&1 &
	spid=$!
	busywait 5000 grep -q listening "$tmp/$1.s"
	# shellcheck disable=SC2086
	ip netns exec "$ns_c" timeout 20 "$sslpeer" client 10.78.0.2 $port -A "$2" $4 \
		>"$tmp/$1.c" 2>&1
	echo $? >"$tmp/$1.rc"
	wait $spid
}

if command -v openssl >/dev/null && [ -x "$sslpeer" ]; then
	cat >"$tmp/ets.cnf" <<'CNF'
[req]
distinguished_name = dn
[dn]
[ext]
subjectAltName = DNS:tlsmon-test,otherName:0.4.0.3523.3.1;SEQUENCE:vi
[vi]
fp = FORMAT:HEX,OCTETSTRING:00112233445566778899
desc = UTF8:Example ETS visibility
CNF
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj /CN=tlsmon-test -config "$tmp/ets.cnf" -extensions ext -days 2 \
		-keyout "$tmp/ets-key.pem" -out "$tmp/ets.pem" 2>/dev/null
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj /CN=tlsmon-test -addext subjectAltName=DNS:tlsmon-test -days 2 \
		-keyout "$tmp/plain-key.pem" -out "$tmp/plain.pem" 2>/dev/null

	case_ok=0
	ets_pair seen "$tmp/ets.pem" "$tmp/ets-key.pem" ""
	expect_eq "client exit" "$(cat "$tmp/seen.rc")" 0
	expect_eq "signal" "$(grep -o 'ets=[a-z]* fp=[a-z]*' "$tmp/seen.c")" "ets=present fp=mismatch"
	log_test $case_ok "libtlsmon reports a server certificate's ETS signal (its fingerprint names another key)"

	case_ok=0
	before=$(stat_of "$ns_c" ktls_installs)
	ets_pair refused "$tmp/ets.pem" "$tmp/ets-key.pem" "-X"
	expect_eq "client exit" "$(cat "$tmp/refused.rc")" 1
	expect_eq "refused" "$(grep -o 'refused=[0-9]*' "$tmp/refused.c")" "refused=4"
	grep -q "ETSI TS 103 523-3" "$tmp/refused.c" || { diag "no libtlsmon error:"; sed 's/^/#   /' "$tmp/refused.c"; case_ok=1; }
	grep -q "alert handshake failure" "$tmp/refused.s" || { diag "server got no handshake_failure:"; sed 's/^/#   /' "$tmp/refused.s"; case_ok=1; }
	expect_eq "kTLS installed" "$(($(stat_of "$ns_c" ktls_installs) - before))" 0
	log_test $case_ok "a refusing client aborts on the ETS signal: handshake_failure alert, libtlsmon's error, no kTLS"

	case_ok=0
	ets_pair plain "$tmp/plain.pem" "$tmp/plain-key.pem" "-X"
	expect_eq "client exit" "$(cat "$tmp/plain.rc")" 0
	expect_eq "signal" "$(grep -o 'ets=[a-z]*' "$tmp/plain.c")" "ets=none"
	log_test $case_ok "a refusing client completes with a server that signals nothing"

	# tls_peer -C echoes the consent extension whatever the client sent
	case_ok=0
	port=$((port + 1))
	ip netns exec "$ns_s" "$peer" server 10.78.0.2 $port -3 -C >"$tmp/echo.s" 2>&1 &
	spid=$!
	busywait 5000 grep -q listening "$tmp/echo.s"
	ip netns exec "$ns_c" timeout 20 "$sslpeer" client 10.78.0.2 $port -3 -X \
		-A "$tmp/plain.pem" >"$tmp/echo.c" 2>&1
	expect_eq "client exit" "$?" 1
	wait $spid
	grep -q "bad extension" "$tmp/echo.c" || { diag "client did not reject the echo:"; sed 's/^/#   /' "$tmp/echo.c"; case_ok=1; }
	expect_eq "sessions" "$(mcc -j sessions)" "[]"
	log_test $case_ok "a refusing client aborts on an echoed consent extension; not monitored"
else
	skip_test "ETS signal end to end" "openssl or ssl_peer is missing"
fi

ktap_finish
	exit $?
fi

rmmod tlsmon 2>/dev/null
insmod "$ko" || ktap_bail "load the module"
ip netns add "$ns_c" && ip netns add "$ns_s" || ktap_bail "create the namespaces"
ip link add vc netns "$ns_c" type veth peer vs netns "$ns_s"
ip -n "$ns_c" addr add 10.78.0.1/24 dev vc
ip -n "$ns_s" addr add 10.78.0.2/24 dev vs
for n in "$ns_c" "$ns_s"; do
	ip -n "$n" link set lo up
done
ip -n "$ns_c" link set vc up
ip -n "$ns_s" link set vs up
mcc policy set enabled on consent accept
mcs policy set enabled on consent accept

# flags NAME: the static_key_share of each end's session, "C S"
flags() {
	echo "$(py "$sess_c" '[s["static_key_share"] for s in d]') $(py "$sess_s" '[s["static_key_share"] for s in d]')"
}
counts() {
	echo "$(stat_of "$ns_c" static_key_shares) $(stat_of "$ns_s" static_key_shares)"
}

# --- the first session with a key share is not flagged -------------------
case_ok=0
run_pair 10.78.0.2 "-c -y 7" "-c -o 1301" || case_ok=1
expect_eq "flags" "$(flags)" "[False] [False]"
expect_eq "counters" "$(counts)" "0 0"
expect_eq "record" "$(stat_of "$ns_c" key_shares) $(stat_of "$ns_s" key_shares)" "1 1"
log_test $case_ok "first key share of a server: session not flagged, recorded on both ends"

# --- the same key share again: flagged, in sessions, event and counter ----
case_ok=0
"$monctl" -n "$ns_c" -j monitor count 1 >"$tmp/monitor.out" 2>&1 &
mon_pid=$!
sleep 0.5
run_pair 10.78.0.2 "-c -y 7" "-c -o 1301" || case_ok=1
expect_eq "flags" "$(flags)" "[True] [True]"
expect_eq "counters" "$(counts)" "1 1"
busywait 5000 grep -q . "$tmp/monitor.out" || case_ok=1
kill $mon_pid 2>/dev/null
wait $mon_pid 2>/dev/null
ev=$(sed -n 1p "$tmp/monitor.out")
expect_eq "SESSION_NEW event" "$(py "$ev" 'd["event"] + " " + str(d["session"]["static_key_share"])')" "new True"
log_test $case_ok "the same key share from the same server again: both ends flagged (sessions, event, counter)"

# --- the text listing names the flag -------------------------------------
case_ok=0
hold_pair 10.78.0.2 10.78.0.2 "-c -y 7" "-c -o 1301" || case_ok=1
expect_eq "text" "$(mcc sessions | grep -c ' static-key-share ')" 1
release_pair || case_ok=1
log_test $case_ok "monctl sessions (text) marks a flagged session static-key-share"

# --- distinct key shares are never flagged --------------------------------
case_ok=0
before=$(counts)
for k in 100 101 102 103; do
	run_pair 10.78.0.2 "-c -y $k" "-c -o 1301" || case_ok=1
	expect_eq "flags of key $k" "$(flags)" "[False] [False]"
done
expect_eq "counters" "$(counts)" "$before"
log_test $case_ok "distinct key shares from one server: never flagged"

# --- without monitoring: the counter alone --------------------------------
case_ok=0
before_c=$(stat_of "$ns_c" static_key_shares)
run_pair 10.78.0.2 "-y 8" "-o 1301" || case_ok=1
run_pair 10.78.0.2 "-y 8" "-o 1301" || case_ok=1
expect_eq "sessions" "$sess_c $sess_s" "[] []"
expect_eq "counter" "$(stat_of "$ns_c" static_key_shares)" $((before_c + 1))
log_test $case_ok "a repeat on sessions that are not monitored: counted, no session"

# --- another server with the same key share is a different server ----------
case_ok=0
ip -n "$ns_s" addr add 10.78.0.3/24 dev vs
run_pair 10.78.0.3 "-c -y 7" "-c -o 1301" || case_ok=1
expect_eq "flags" "$(flags)" "[False] [False]"
log_test $case_ok "the same key share from another server address: not flagged (kept per server)"

# --- expiry ----------------------------------------------------------------
case_ok=0
echo 1 >"$params/keyshare_ttl"
run_pair 10.78.0.2 "-c -y 9" "-c -o 1301" || case_ok=1
sleep 2
run_pair 10.78.0.2 "-c -y 9" "-c -o 1301" || case_ok=1
expect_eq "flags after the ttl" "$(flags)" "[False] [False]"
echo 3600 >"$params/keyshare_ttl"
run_pair 10.78.0.2 "-c -y 9" "-c -o 1301" || case_ok=1
expect_eq "flags within the ttl" "$(flags)" "[True] [True]"
log_test $case_ok "a key share last seen longer than keyshare_ttl ago no longer counts"

# --- a flood of distinct servers: the record stays bounded -------------------
case_ok=0
max=16
echo $max >"$params/keyshare_max"
for i in $(seq 10 49); do
	ip -n "$ns_s" addr add 10.78.0.$i/24 dev vs
done
ready_ms=20000
for i in $(seq 10 49); do
	run_pair 10.78.0.$i "-y $((1000 + i))" "-o 1301" >/dev/null 2>&1 || case_ok=1
	n=$(stat_of "$ns_s" key_shares)
	[ "$n" -le $max ] || { diag "record holds $n entries after server $i"; case_ok=1; }
done
expect_eq "record full" "$(stat_of "$ns_c" key_shares) $(stat_of "$ns_s" key_shares)" "$max $max"
# the oldest entries were evicted: the first static key is new again
run_pair 10.78.0.2 "-c -y 7" "-c -o 1301" || case_ok=1
expect_eq "evicted share" "$(flags)" "[False] [False]"
log_test $case_ok "40 servers with keyshare_max=$max: at most $max entries, the least recent evicted"
echo 4096 >"$params/keyshare_max"

# --- turning monitoring off forgets every key share ------------------------
case_ok=0
mcc policy set enabled off
expect_eq "record after off" "$(stat_of "$ns_c" key_shares)" 0
mcc policy set enabled on consent accept
run_pair 10.78.0.2 "-c -y 7" "-c -o 1301" || case_ok=1
expect_eq "flags after off/on" "$(py "$sess_c" '[s["static_key_share"] for s in d]')" "[False]"
log_test $case_ok "monitoring turned off empties the record"

# --- an ordinary OpenSSL server: fresh key shares, never flagged -------------
if command -v openssl >/dev/null; then
	case_ok=0
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj /CN=tlsmon-test -days 2 -keyout "$tmp/key.pem" \
		-out "$tmp/cert.pem" 2>/dev/null || case_ok=1
	port=$((port + 1))
	ip netns exec "$ns_s" timeout 60 openssl s_server -quiet -rev -naccept 4 -tls1_3 \
		-accept "$port" -cert "$tmp/cert.pem" -key "$tmp/key.pem" \
		>"$tmp/s_server.out" 2>&1 </dev/null &
	spid=$!
	busywait 5000 sh -c "ip netns exec $ns_s ss -ltn | grep -q ':$port '"
	hs_before=$(stat_of "$ns_c" handshakes)
	before=$(counts)
	for _ in 1 2 3 4; do
		echo | ip netns exec "$ns_c" timeout 20 openssl s_client -quiet -no_ign_eof \
			-connect "10.78.0.2:$port" >/dev/null 2>&1
	done
	wait $spid
	expect_eq "handshakes read" "$(stat_of "$ns_c" handshakes)" $((hs_before + 4))
	expect_eq "counters" "$(counts)" "$before"
	log_test $case_ok "openssl s_server, four TLS 1.3 sessions: read, never flagged"
else
	skip_test "openssl s_server" "openssl is not installed"
fi

# --- the ETS certificate signal, real OpenSSL ends over real sockets ------
sslpeer=$top/build/selftests/tlsmon/ssl_peer

# ets_pair NAME CERT KEY CLIENT_OPTS: ssl_peer server with CERT, ssl_peer
# client; their output in $tmp/NAME.s and $tmp/NAME.c, the client's exit
# status in $tmp/NAME.rc
ets_pair() {
	local spid
	port=$((port + 1))
	ip netns exec "$ns_s" timeout 30 "$sslpeer" server 10.78.0.2 $port -k "$2" -K "$3" \
		>"$tmp/$1.s" 2>&1 &
	spid=$!
	busywait 5000 grep -q listening "$tmp/$1.s"
	# shellcheck disable=SC2086
	ip netns exec "$ns_c" timeout 20 "$sslpeer" client 10.78.0.2 $port -A "$2" $4 \
		>"$tmp/$1.c" 2>&1
	echo $? >"$tmp/$1.rc"
	wait $spid
}

if command -v openssl >/dev/null && [ -x "$sslpeer" ]; then
	cat >"$tmp/ets.cnf" <<'CNF'
[req]
distinguished_name = dn
[dn]
[ext]
subjectAltName = DNS:tlsmon-test,otherName:0.4.0.3523.3.1;SEQUENCE:vi
[vi]
fp = FORMAT:HEX,OCTETSTRING:00112233445566778899
desc = UTF8:Example ETS visibility
CNF
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj /CN=tlsmon-test -config "$tmp/ets.cnf" -extensions ext -days 2 \
		-keyout "$tmp/ets-key.pem" -out "$tmp/ets.pem" 2>/dev/null
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj /CN=tlsmon-test -addext subjectAltName=DNS:tlsmon-test -days 2 \
		-keyout "$tmp/plain-key.pem" -out "$tmp/plain.pem" 2>/dev/null

	case_ok=0
	ets_pair seen "$tmp/ets.pem" "$tmp/ets-key.pem" ""
	expect_eq "client exit" "$(cat "$tmp/seen.rc")" 0
	expect_eq "signal" "$(grep -o 'ets=[a-z]* fp=[a-z]*' "$tmp/seen.c")" "ets=present fp=mismatch"
	log_test $case_ok "libtlsmon reports a server certificate's ETS signal (its fingerprint names another key)"

	case_ok=0
	before=$(stat_of "$ns_c" ktls_installs)
	ets_pair refused "$tmp/ets.pem" "$tmp/ets-key.pem" "-X"
	expect_eq "client exit" "$(cat "$tmp/refused.rc")" 1
	expect_eq "refused" "$(grep -o 'refused=[0-9]*' "$tmp/refused.c")" "refused=4"
	grep -q "ETSI TS 103 523-3" "$tmp/refused.c" || { diag "no libtlsmon error:"; sed 's/^/#   /' "$tmp/refused.c"; case_ok=1; }
	grep -q "alert handshake failure" "$tmp/refused.s" || { diag "server got no handshake_failure:"; sed 's/^/#   /' "$tmp/refused.s"; case_ok=1; }
	expect_eq "kTLS installed" "$(($(stat_of "$ns_c" ktls_installs) - before))" 0
	log_test $case_ok "a refusing client aborts on the ETS signal: handshake_failure alert, libtlsmon's error, no kTLS"

	case_ok=0
	ets_pair plain "$tmp/plain.pem" "$tmp/plain-key.pem" "-X"
	expect_eq "client exit" "$(cat "$tmp/plain.rc")" 0
	expect_eq "signal" "$(grep -o 'ets=[a-z]*' "$tmp/plain.c")" "ets=none"
	log_test $case_ok "a refusing client completes with a server that signals nothing"

	# tls_peer -C echoes the consent extension whatever the client sent
	case_ok=0
	port=$((port + 1))
	ip netns exec "$ns_s" "$peer" server 10.78.0.2 $port -3 -C >"$tmp/echo.s" 2>&1 &
	spid=$!
	busywait 5000 grep -q listening "$tmp/echo.s"
	ip netns exec "$ns_c" timeout 20 "$sslpeer" client 10.78.0.2 $port -3 -X \
		-A "$tmp/plain.pem" >"$tmp/echo.c" 2>&1
	expect_eq "client exit" "$?" 1
	wait $spid
	grep -q "bad extension" "$tmp/echo.c" || { diag "client did not reject the echo:"; sed 's/^/#   /' "$tmp/echo.c"; case_ok=1; }
	expect_eq "sessions" "$(mcc -j sessions)" "[]"
	log_test $case_ok "a refusing client aborts on an echoed consent extension; not monitored"
else
	skip_test "ETS signal end to end" "openssl or ssl_peer is missing"
fi

ktap_finish
