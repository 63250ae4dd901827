#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real TLS stacks end to end: OpenSSL 3 applications that take part in the
# signal through libtlsmon (ssl_peer), the unmodified openssl s_server and
# s_client, handshakes that are entirely OpenSSL's, kTLS installed by
# OpenSSL itself (SSL_OP_ENABLE_KTLS), and captures decrypted with the
# exported keys.
#
#   ns "$ns_c" (client) 10.79.0.1/24 ---- veth ---- 10.79.0.2/24 ns "$ns_s"
#
# Both namespaces: monitoring on, consent accept, key export on.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
. "$top/selftests/lib/peers.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
peer=$top/build/selftests/tlsmon/ssl_peer
crafted=$top/build/selftests/tlsmon/tls_peer
suffix=$$
ns_c=tlsmon-oc-$suffix
ns_s=tlsmon-os-$suffix
tmp=$(mktemp -d)
port=4600
big=$((64 << 20))

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

ktap_header "real OpenSSL peers"
if [ ! -x "$peer" ] || [ ! -r "$ko" ] || ! command -v openssl >/dev/null; then
	skip_missing "openssl" "ssl_peer, openssl or the module is missing"
	ktap_finish
	exit $?
fi

# A self-signed P-256 certificate: ECDSA suites for TLS 1.2, and a name
# the clients verify.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj /CN=tlsmon-test -addext subjectAltName=DNS:tlsmon-test -days 2 \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null || ktap_bail "make the test certificates"
srv="-k $tmp/cert.pem -K $tmp/key.pem"
cli="-A $tmp/cert.pem"

setup_net() {
	ip netns add "$ns_c" && ip netns add "$ns_s" || ktap_bail "create the namespaces"
	ip link add vc netns "$ns_c" type veth peer vs netns "$ns_s"
	ip -n "$ns_c" addr add 10.79.0.1/24 dev vc
	ip -n "$ns_s" addr add 10.79.0.2/24 dev vs
	for n in "$ns_c" "$ns_s"; do
		ip -n "$n" link set lo up
	done
	ip -n "$ns_c" link set vc up
	ip -n "$ns_s" link set vs up
}

# The line ssl_peer printed after the handshake, field NAME (ktls=...)
field() {
	sed -n "s/^handshake .* $2=\([^ ]*\).*/\1/p" "$tmp/$1.out"
}

# --- the unmodified openssl s_server / s_client ----------------------------
# kTLS through OpenSSL's own configuration (SSL_CONF "Options = KTLS"): the
# programs are Debian's, unchanged. s_server -rev answers each line
# reversed.
cat >"$tmp/ktls.cnf" <<'CNF'
openssl_conf = conf
[conf]
ssl_conf = ssl
[ssl]
system_default = sys
[sys]
Options = KTLS
CNF

# s_pair NAME VERSION: one s_server/s_client session; the client's output
# without the session details in $tmp/NAME.txt
s_pair() {
	local name=$1 version=$2 spid
	port=$((port + 1))
	OPENSSL_CONF=$tmp/ktls.cnf ip netns exec "$ns_s" timeout 30 openssl s_server -quiet -naccept 1 -rev \
		"-tls1_$version" -accept "$port" -cert "$tmp/cert.pem" -key "$tmp/key.pem" \
		>"$tmp/$name.srv" 2>&1 &
	spid=$!
	busywait 5000 sh -c "ip netns exec $ns_s ss -ltn | grep -q ':$port '"
	# stdin stays open until the reply is in (at most 15 s): a slow
	# machine must not close the session before s_server answers
	{
		echo "hello from an unmodified s_client"
		for _ in $(seq 150); do
			grep -q olleh "$tmp/$name.txt" 2>/dev/null && break
			sleep 0.1
		done
	} |
		OPENSSL_CONF=$tmp/ktls.cnf ip netns exec "$ns_c" timeout 20 openssl s_client -quiet -no_ign_eof \
		-connect "10.79.0.2:$port" -servername tlsmon-test -verify_return_error \
		-CAfile "$tmp/cert.pem" >"$tmp/$name.txt" 2>"$tmp/$name.err"
	echo "client exit $?" >>"$tmp/$name.txt"
	wait $spid
	echo "server exit $?" >>"$tmp/$name.txt"
}

rmmod tlsmon 2>/dev/null
setup_net
s_pair base3 3
s_pair base2 2
# each baseline on its own: the monitored runs below are compared with it
for v in 3 2; do
	case_ok=0
	expect_eq "TLS 1.$v s_client read" "$(head -1 "$tmp/base$v.txt")" "tneilc_s deifidomnu na morf olleh"
	log_test $case_ok "TLS 1.$v baseline without the module: s_client and s_server with kTLS exchange data"
done

insmod "$ko" || ktap_bail "load the module"
"$monctl" -n "$ns_c" policy set enabled on consent accept links vc export on || ktap_bail "enable the policy"
"$monctl" -n "$ns_s" policy set enabled on consent accept links vs export on || ktap_bail "enable the policy"
for v in 3 2; do
	case_ok=0
	before=$(stat_of "$ns_c" ktls_installs)
	s_pair mon$v $v
	expect_eq "transcript" "$(cat "$tmp/mon$v.txt")" "$(cat "$tmp/base$v.txt")"
	expect_eq "sessions" "$(mcc -j sessions) $(mcs -j sessions)" "[] []"
	[ "$(stat_of "$ns_c" ktls_installs)" -gt "$before" ] || {
		diag "s_client did not install kTLS"
		case_ok=1
	}
	log_test $case_ok "TLS 1.$v: unmodified s_server/s_client, module enabled: same transcript, kTLS used, not monitored"
done

# The operator tries to list the standard suite s_server picks: refused
# before the kernel is asked (policy_test checks the kernel's own
# refusal), so that unmodified programs, which never signalled anything,
# are never monitored.
case_ok=0
pol_before=$(mcc -j policy)
out=$(mcc policy set suites 0xff01,0xff02,0xff03,0xff04,0x1302 export on 2>&1)
expect_eq "monctl refuses" "$?" 1
case "$out" in
*"a standard cipher suite is not a monitoring signal"*) ;;
*) diag "monctl said: $out"; case_ok=1 ;;
esac
printf '[netns %s]\nenabled = on\nexport = on\nsuites = 0xff01, 0x1302\n' "$ns_s" >"$tmp/std.conf"
out=$("$monctl" policy load "$tmp/std.conf" 2>&1)
expect_eq "policy file refused" "$?:$out" \
	"1:monctl: $tmp/std.conf:4: suite 0x1302: a standard cipher suite is not a monitoring signal: only private-use suites (0xff00-0xffff) can be"
expect_eq "policy unchanged" "$(mcc -j policy)" "$pol_before"
log_test $case_ok "a standard suite in the policy: refused by monctl and in a policy file, nothing changed"

case_ok=0
for v in 3 2; do
	s_pair std$v $v
	expect_eq "transcript" "$(cat "$tmp/std$v.txt")" "$(cat "$tmp/base$v.txt")"
done
expect_eq "sessions" "$(mcc -j sessions) $(mcs -j sessions)" "[] []"
log_test $case_ok "after the refusal: unmodified s_server/s_client sessions are still never monitored"

# --- libtlsmon peers: every suite, consent, keys, capture --------------------
# real_case VERSION CIPHER KTLS_DIRS
real_case() {
	local version=$1 cipher=$2 dirs=$3 tpid idc ids n_keys
	case_ok=0
	rm -f "$tmp/cap.pcap"
	ip netns exec "$ns_c" tcpdump --immediate-mode -B 65536 -Z root -U -n -s 0 -i vc -w "$tmp/cap.pcap" tcp 2>"$tmp/tcpdump.err" &
	tpid=$!
	capture_started || case_ok=1
	run_pair 10.79.0.2 "-$version -c $cipher -C -n 300000 -o $tmp/s.bin $srv" \
		"-$version -c $cipher -C -n 300000 -o $tmp/c.bin $cli" || case_ok=1
	sleep 1
	kill -INT $tpid
	wait $tpid
	for end in c s; do
		expect_eq "$end monitored" "$(field $end monitored) $(field $end reason)" "yes consent"
		expect_eq "$end consent" "$(field $end consent)" "sent,received"
		expect_eq "$end kTLS" "$(field $end ktls)" "$dirs"
	done
	expect_eq "client session" "$(py "$sess_c" 'd[0]["role"] + " " + d[0]["reason"] + " " + ",".join(d[0]["directions"])')" \
		"client consent $dirs"
	expect_eq "server session" "$(py "$sess_s" 'd[0]["role"] + " " + d[0]["reason"] + " " + ",".join(d[0]["directions"])')" \
		"server consent $dirs"
	# what libtlsmon told the application is what the operator sees
	expect_eq "client's cookie and session" "$(field c cookie) $(field c session)" \
		"$(py "$sess_c" 'str(d[0]["cookie"]) + " " + str(d[0]["id"])')"
	expect_eq "server's cookie and session" "$(field s cookie) $(field s session)" \
		"$(py "$sess_s" 'str(d[0]["cookie"]) + " " + str(d[0]["id"])')"
	n_keys=$(py "$keys_c" 'len(d)')
	expect_eq "client keys" "$n_keys" "$(echo "$dirs" | tr ',' '\n' | wc -l)"
	# each end's keys decrypt what that end's kTLS handled
	idc=$(py "$keys_c" 'd[0]["id"]')
	ids=$(py "$keys_s" 'd[0]["id"]')
	printf '%s\n' "$keys_c" >"$tmp/keys_c.json"
	printf '%s\n' "$keys_s" >"$tmp/keys_s.json"
	rm -rf "$tmp/out_c" "$tmp/out_s"
	"$monctl" decrypt keys "$tmp/keys_c.json" capture "$tmp/cap.pcap" out "$tmp/out_c" >"$tmp/dec_c" 2>&1 || case_ok=1
	"$monctl" decrypt keys "$tmp/keys_s.json" capture "$tmp/cap.pcap" out "$tmp/out_s" >"$tmp/dec_s" 2>&1 || case_ok=1
	cmp -s "$tmp/out_c/session-$idc-tx.bin" "$tmp/s.bin" || { diag "client-sent bytes differ"; case_ok=1; }
	cmp -s "$tmp/out_s/session-$ids-tx.bin" "$tmp/c.bin" || { diag "server-sent bytes differ"; case_ok=1; }
	if [ "$dirs" = "tx,rx" ]; then
		cmp -s "$tmp/out_c/session-$idc-rx.bin" "$tmp/c.bin" || { diag "client-received bytes differ"; case_ok=1; }
	fi
	[ "$(stat -c %s "$tmp/c.bin")" = 300000 ] || case_ok=1
	[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/dec_c" "$tmp/dec_s" "$tmp/s.out" "$tmp/c.out"
	log_test $case_ok "TLS 1.$version $cipher: consent given, both ends monitored, keys exported, capture decrypted to exactly the 300000 bytes each way"
}
real_case 3 TLS_AES_128_GCM_SHA256 tx
real_case 3 TLS_AES_256_GCM_SHA384 tx
real_case 3 TLS_CHACHA20_POLY1305_SHA256 tx
real_case 2 ECDHE-ECDSA-AES128-GCM-SHA256 tx,rx
real_case 2 ECDHE-ECDSA-AES256-GCM-SHA384 tx,rx
real_case 2 ECDHE-ECDSA-CHACHA20-POLY1305 tx,rx

# --- an HTTP/1.1 exchange, as tshark reads the plaintext capture -------------
# http_case VERSION CIPHER: each end's key file alone decrypts what its kTLS
# sent; both together give one connection that tshark dissects as HTTP,
# with valid checksums and no TCP analysis warning
http_case() {
	local version=$1 cipher=$2 tpid sport expert sopts copts
	case_ok=0
	rm -f "$tmp/cap.pcap" "$tmp/plain.pcapng"
	ip netns exec "$ns_c" tcpdump --immediate-mode -B 65536 -Z root -U -n -s 0 -i vc -w "$tmp/cap.pcap" tcp 2>"$tmp/tcpdump.err" &
	tpid=$!
	capture_started || case_ok=1
	# the messages hold spaces: the peers' options split at tabs only
	sopts=$(printf '%s\t' "-$version" -c "$cipher" -C -k "$tmp/cert.pem" -K "$tmp/key.pem" \
		-m "$(printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok')")
	copts=$(printf '%s\t' "-$version" -c "$cipher" -C -A "$tmp/cert.pem" \
		-m "$(printf 'GET /tlsmon-http HTTP/1.1\r\nHost: tlsmon-test\r\n\r')")
	IFS=$'\t' run_pair 10.79.0.2 "$sopts" "$copts" || case_ok=1
	sleep 1
	kill -INT $tpid
	wait $tpid
	printf '%s\n' "$keys_c" >"$tmp/keys_c.json"
	# the server's records as the collector writes them: JSON lines
	py "$keys_s" '"\n".join(json.dumps(dict(r, exporter="10.79.0.2")) for r in d)' >"$tmp/keys_s.jsonl"
	rm -rf "$tmp/out_h"
	"$monctl" decrypt keys "$tmp/keys_c.json" keys "$tmp/keys_s.jsonl" capture "$tmp/cap.pcap" \
		out "$tmp/out_h" pcap "$tmp/plain.pcapng" >"$tmp/dec_h" 2>&1 || case_ok=1
	sport=$(py "$keys_c" 'd[0]["peer_port"]')
	ts() { tshark -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -d "tcp.port==$sport,http" -r "$tmp/plain.pcapng" "$@" 2>/dev/null; }
	expect_eq "requests" "$(ts -Y http.request -T fields -e http.request.method -e http.request.uri | tr '\t' ' ')" "GET /tlsmon-http"
	expect_eq "responses" "$(ts -Y http.response -T fields -e http.response.code -e http.content_length | tr '\t' ' ')" "200 3"
	expect_eq "handshake" "$(ts -Y 'tcp.flags.syn == 1' -T fields -e tcp.flags.str | wc -l)" 2
	expect_eq "bad frames" "$(ts -Y 'ip.checksum.status != 1 || tcp.checksum.status != 1 || tcp.analysis.flags' -T fields -e frame.number | wc -l)" 0
	expert=$(ts -q -z expert)
	if printf '%s\n' "$expert" | grep -Eiq 'checksum|retransmission|out-of-order|previous segment|unseen|dup(licate)? ack|window|malformed|spurious|lost'; then
		printf '%s\n' "$expert" | sed 's/^/#   /'
		case_ok=1
	fi
	[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/dec_h" "$tmp/s.out" "$tmp/c.out"
	log_test $case_ok "TLS 1.$version $cipher: HTTP/1.1 over a monitored session, both ends' keys: tshark reads the plaintext pcapng as HTTP, no checksum or sequence warning"
}
if command -v tshark >/dev/null; then
	http_case 3 TLS_AES_128_GCM_SHA256
	http_case 2 ECDHE-ECDSA-AES128-GCM-SHA256
else
	skip_test "HTTP/1.1 over a monitored session read by tshark" "tshark is not installed"
	skip_test "HTTP/1.1 over a monitored session read by tshark (TLS 1.2)" "tshark is not installed"
fi

# --- no consent ------------------------------------------------------------
# no_consent NAME "SERVER OPTS" "CLIENT OPTS" CLIENT_CONSENT SERVER_CONSENT
no_consent() {
	case_ok=0
	run_pair 10.79.0.2 "$2 $srv" "$3 $cli" || case_ok=1
	expect_eq "monitored" "$(field c monitored) $(field s monitored)" "no no"
	expect_eq "consent seen" "$(field c consent) $(field s consent)" "$4 $5"
	expect_eq "sessions" "$sess_c $sess_s" "[] []"
	expect_eq "keys" "$keys_c $keys_s" "[] []"
	log_test $case_ok "$1"
}
no_consent "client does not offer, server would monitor: not monitored, no keys" "-C" "" none none
no_consent "client offers, server does not monitor: not monitored, no keys" "" "-C" sent received
no_consent "TLS 1.2, client does not offer: not monitored" "-2 -C" "-2" none none
no_consent "plain OpenSSL on both ends: not monitored" "-P" "-P" none none

# --- a standard suite is never a signal ----------------------------------
# Negotiated without consent, it is not monitored (the kernel's refusal
# of it in a policy is policy_test's).
case_ok=0
run_pair 10.79.0.2 "-c TLS_AES_128_GCM_SHA256 -P $srv" "-c TLS_AES_128_GCM_SHA256 $cli" || case_ok=1
expect_eq "client sees" "$(field c monitored) $(field s monitored)" "no no"
expect_eq "sessions" "$sess_c $sess_s" "[] []"
expect_eq "keys" "$keys_c $keys_s" "[] []"
log_test $case_ok "TLS_AES_128_GCM_SHA256 negotiated without consent: not monitored, no keys"

# --- resumed sessions ---------------------------------------------------
# ssl_peer -R: both ends first make a connection of their own (a full
# handshake, 64 bytes each way, closed), then the connection held open
# resumes its session: an abbreviated handshake, no certificate. Each end
# fails unless it was resumed (the client: the server accepted the ticket;
# the server: the client offered it), and prints "session resumed". The
# first connection's session may still be listed for a moment after its
# close: the checks below pick the held connection's by its cookie.
#
# resumed_field END NAME: field NAME of END's first (full) handshake
resumed_field() {
	sed -n "s/^first handshake .* $2=\([^ ]*\).*/\1/p" "$tmp/$1.out"
}
# of_cookie JSON COOKIE EXPR: EXPR with r = the record of COOKIE, or "none"
of_cookie() {
	python3 -c 'import json,sys; d=[r for r in json.loads(sys.argv[1]) if r.get("cookie") == int(sys.argv[2])]
print(eval(sys.argv[3], {"r": d[0]}) if len(d) == 1 else "none" if not d else "several")' "$1" "$2" "$3"
}
# resumed_both END: "yes" if END resumed its first connection's session
resumed_both() {
	[ "$(grep -c '^session resumed$' "$tmp/$1.out")" = 1 ] && echo yes || echo no
}

mcc policy set mark 0x100/0xf00 || ktap_bail "set the client's mark"
mcs policy set mark 0x200/0xf00 || ktap_bail "set the server's mark"

# resumed_case VERSION CIPHER KTLS_DIRS: consent in both ends' hellos of
# the resumed connection: tagged and exported like a full handshake
resumed_case() {
	local version=$1 cipher=$2 dirs=$3 tpid ck cs idc ids sc ss_ mk_c mk_s
	case_ok=0
	rm -f "$tmp/cap.pcap"
	ip netns exec "$ns_c" tcpdump --immediate-mode -B 65536 -Z root -U -n -s 0 -i vc -w "$tmp/cap.pcap" tcp 2>"$tmp/tcpdump.err" &
	tpid=$!
	capture_started || case_ok=1
	hold_pair 10.79.0.2 10.79.0.2 "-$version -c $cipher -R -C -n 300000 -o $tmp/s.bin $srv" \
		"-$version -c $cipher -R -C -n 300000 -o $tmp/c.bin $cli" || case_ok=1
	sc=$(mcc -j sessions)
	ss_=$(mcs -j sessions)
	keys_c=$(mcc -j keys 2>/dev/null)
	keys_s=$(mcs -j keys 2>/dev/null)
	mk_c=$(ip netns exec "$ns_c" ss -tnHe dport = :$port 2>/dev/null | grep -o 'fwmark:0x[0-9a-f]*')
	mk_s=$(ip netns exec "$ns_s" ss -tnHe sport = :$port 2>/dev/null | grep -o 'fwmark:0x[0-9a-f]*')
	release_pair || case_ok=1
	sleep 1
	kill -INT $tpid
	wait $tpid
	expect_eq "resumed" "$(resumed_both c) $(resumed_both s)" "yes yes"
	expect_eq "first connection monitored" "$(resumed_field c monitored) $(resumed_field s monitored)" "yes yes"
	for end in c s; do
		expect_eq "$end monitored" "$(field $end monitored) $(field $end reason)" "yes consent"
		expect_eq "$end consent" "$(field $end consent)" "sent,received"
		expect_eq "$end kTLS" "$(field $end ktls)" "$dirs"
	done
	ck=$(field c cookie)
	cs=$(field s cookie)
	expect_eq "client session" "$(of_cookie "$sc" "$ck" 'r["role"] + " " + r["reason"] + " " + ",".join(r["directions"]) + " " + r["mark"] + " " + str(r["id"])')" \
		"client consent $dirs 0x100 $(field c session)"
	expect_eq "server session" "$(of_cookie "$ss_" "$cs" 'r["role"] + " " + r["reason"] + " " + ",".join(r["directions"]) + " " + r["mark"] + " " + str(r["id"])')" \
		"server consent $dirs 0x200 $(field s session)"
	expect_eq "socket marks (ss -e)" "$mk_c $mk_s" "fwmark:0x100 fwmark:0x200"
	idc=$(field c session)
	ids=$(field s session)
	expect_eq "client keys" "$(py "$keys_c" "len([r for r in d if r['id'] == ${idc:-0}])")" "$(echo "$dirs" | tr ',' '\n' | wc -l)"
	expect_eq "server keys" "$(py "$keys_s" "len([r for r in d if r['id'] == ${ids:-0}])")" "$(echo "$dirs" | tr ',' '\n' | wc -l)"
	# the keys the kernel exported are those the application installed:
	# they decrypt what each end's kTLS sent, byte for byte
	printf '%s\n' "$keys_c" >"$tmp/keys_c.json"
	printf '%s\n' "$keys_s" >"$tmp/keys_s.json"
	rm -rf "$tmp/out_c" "$tmp/out_s"
	"$monctl" decrypt keys "$tmp/keys_c.json" capture "$tmp/cap.pcap" out "$tmp/out_c" >"$tmp/dec_c" 2>&1 || case_ok=1
	"$monctl" decrypt keys "$tmp/keys_s.json" capture "$tmp/cap.pcap" out "$tmp/out_s" >"$tmp/dec_s" 2>&1 || case_ok=1
	cmp -s "$tmp/out_c/session-$idc-tx.bin" "$tmp/s.bin" || { diag "client-sent bytes differ"; case_ok=1; }
	cmp -s "$tmp/out_s/session-$ids-tx.bin" "$tmp/c.bin" || { diag "server-sent bytes differ"; case_ok=1; }
	[ "$(stat -c %s "$tmp/c.bin")" = 300000 ] || case_ok=1
	[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/dec_c" "$tmp/dec_s" "$tmp/s.out" "$tmp/c.out"
	log_test $case_ok "TLS 1.$version $cipher, session resumed, consent in both resumed hellos: tagged, marked, keys exported, capture decrypted"
}
resumed_case 3 TLS_AES_128_GCM_SHA256 tx
resumed_case 2 ECDHE-ECDSA-AES128-GCM-SHA256 tx,rx

# resumed_never NAME VERSION "SERVER OPTS" "CLIENT OPTS" FIRST_MONITORED
# CLIENT_CONSENT SERVER_CONSENT: the resumed connection is not tagged,
# whatever its first connection was
resumed_never() {
	local name=$1 version=$2 sopts=$3 copts=$4 first=$5 ck cs sc ss_ before mk_c
	case_ok=0
	before=$(stat_of "$ns_c" ktls_installs)
	hold_pair 10.79.0.2 10.79.0.2 "-$version -R $sopts $srv" "-$version -R $copts $cli" || case_ok=1
	sc=$(mcc -j sessions)
	ss_=$(mcs -j sessions)
	keys_c=$(mcc -j keys 2>/dev/null)
	keys_s=$(mcs -j keys 2>/dev/null)
	mk_c=$(ip netns exec "$ns_c" ss -tnHe dport = :$port 2>/dev/null | grep -o 'fwmark:0x[0-9a-f]*')
	release_pair || case_ok=1
	expect_eq "resumed" "$(resumed_both c) $(resumed_both s)" "yes yes"
	expect_eq "first connection monitored" "$(resumed_field c monitored) $(resumed_field s monitored)" "$first $first"
	expect_eq "monitored" "$(field c monitored) $(field s monitored)" "no no"
	expect_eq "consent seen" "$(field c consent) $(field s consent)" "$6 $7"
	ck=$(field c cookie)
	cs=$(field s cookie)
	expect_eq "sessions" "$(of_cookie "$sc" "$ck" 'r["id"]') $(of_cookie "$ss_" "$cs" 'r["id"]')" "none none"
	expect_eq "keys" "$(py "$keys_c" "len([r for r in d if r.get('cookie') == ${ck:-0}])") $(py "$keys_s" "len([r for r in d if r.get('cookie') == ${cs:-0}])")" "0 0"
	expect_eq "client socket mark" "${mk_c:-none}" none
	# kTLS was installed, on both connections: there was something to tag
	[ "$(($(stat_of "$ns_c" ktls_installs) - before))" -ge 2 ] || { diag "the client did not install kTLS"; case_ok=1; }
	log_test $case_ok "$name"
}
for v in 3 2; do
	resumed_never "TLS 1.$v resumed, a standard suite and no consent offered: not tagged" \
		$v "-C" "" no none none
	resumed_never "TLS 1.$v resumed, plain OpenSSL on both ends: not tagged" \
		$v "-P" "-P" no none none
	resumed_never "TLS 1.$v resumed, the client's resumed hello without the extension (its first one had it): not tagged" \
		$v "-C" "-Q" yes none none
	resumed_never "TLS 1.$v resumed, the server's resumed hello without the extension (its first one had it): not tagged" \
		$v "-Q" "-C" yes sent received
done
mcc policy set mark none || ktap_bail "clear the client's mark"
mcs policy set mark none || ktap_bail "clear the server's mark"

# One socket by its cookie: the one ss reports (sk:), the one libtlsmon
# asked for, the one monctl shows.
case_ok=0
hold_pair 10.79.0.2 10.79.0.2 "-c TLS_AES_128_GCM_SHA256 -C $srv" "-c TLS_AES_128_GCM_SHA256 -C $cli" || case_ok=1
cookie=$(field c cookie)
sk=$(ip netns exec "$ns_c" ss -tnHe dport = :$port 2>/dev/null | grep -o 'sk:[0-9a-f]*' | cut -d: -f2)
expect_eq "ss cookie" "$((16#${sk:-0}))" "$cookie"
expect_eq "monctl by cookie" "$(py "$(mcc -j sessions show cookie "$cookie")" 'str(len(d)) + " " + str(d[0]["cookie"]) + " " + d[0]["role"]')" \
	"1 $cookie client"
out=$(mcs sessions show cookie "$cookie" 2>&1); rc=$?
expect_eq "other namespace" "$rc" 1
release_pair || case_ok=1
log_test $case_ok "one socket by cookie: ss, libtlsmon and monctl sessions show cookie agree; not found in the peer's namespace"

# The socket as 'ss -e' names it: its cookie in every form selects it, the
# text line ends with ss's uid:, ino: and sk:, and the JSON record's uid
# and inode are ss's. The client runs as nobody, so that the uid is not
# the 0 of a field never filled.
case_ok=0
printf '#!/bin/sh\n[ "$1" = client ] && exec setpriv --reuid=65534 --regid=65534 --clear-groups -- "%s" "$@"\nexec "%s" "$@"\n' \
	"$peer" "$peer" >"$tmp/peer-nobody"
chmod 755 "$tmp/peer-nobody"
chmod 711 "$tmp"
peer_root=$peer
peer=$tmp/peer-nobody
hold_pair 10.79.0.2 10.79.0.2 "-c TLS_AES_128_GCM_SHA256 -C $srv" "-c TLS_AES_128_GCM_SHA256 -C $cli" || case_ok=1
peer=$peer_root
ssline=$(ip netns exec "$ns_c" ss -tnHe dport = :$port 2>/dev/null)
sk=$(grep -o ' sk:[0-9a-f]*' <<<"$ssline" | cut -d: -f2)
ino=$(grep -o ' ino:[0-9]*' <<<"$ssline" | cut -d: -f2)
uid=$(grep -o ' uid:[0-9]*' <<<"$ssline" | cut -d: -f2)
diag "ss -e: uid:${uid:-none} ino:${ino:-none} sk:${sk:-none}"
expect_eq "ss shows nobody's socket" "${uid:-none} ${ino:+ino}" "65534 ino"
want="1 $((16#${sk:-0})) 65534 ${ino:-none}"
for form in "cookie sk:$sk" "sk:$sk" "cookie 0x$sk" "cookie $((16#${sk:-0}))"; do
	# shellcheck disable=SC2086
	expect_eq "sessions $form" \
		"$(py "$(mcc -j sessions show $form)" 'str(len(d)) + " " + str(d[0]["cookie"]) + " " + str(d[0].get("uid")) + " " + str(d[0].get("inode"))')" \
		"$want"
done
line=$(mcc sessions sk:"$sk")
case "$line" in
*" uid:65534 ino:$ino sk:$sk") ;;
*) diag "monctl sessions: $line"; case_ok=1 ;;
esac
# the same socket from the process's side: its fd links to socket:[INODE]
cpid_peer=$(pgrep -u 65534 -f "ssl_peer client 10.79.0.2 $port" | head -n 1)
ls -l /proc/"${cpid_peer:-0}"/fd 2>/dev/null | grep -q "socket:\[$ino\]" || {
	diag "no fd of the client (pid ${cpid_peer:-none}) is socket:[$ino]"; case_ok=1; }
release_pair || case_ok=1
chmod 700 "$tmp"
log_test $case_ok "the session names its socket as ss -e: sk:, 0x and decimal cookies select it; uid and inode are ss's"

# --- large transfers, many records, sendfile -------------------------------
# big_case NAME "OPTS" KTLS_DIRS ["SERVER OPTS"]
big_case() {
	case_ok=0
	# 64 MiB each way: minutes, not seconds, on a debug kernel
	ready_ms=600000 run_pair 10.79.0.2 "$2 ${4:-} -C -n $big $srv" "$2 -C -n $big $cli" || case_ok=1
	expect_eq "received" "$(grep -c "received $big bytes ok" "$tmp/c.out" "$tmp/s.out" | tr '\n' ' ')" \
		"$tmp/c.out:1 $tmp/s.out:1 "
	expect_eq "monitored" "$(field c monitored) $(field s monitored)" "yes yes"
	expect_eq "kTLS" "$(field c ktls) $(field s ktls)" "$3 $3"
	expect_eq "keys exported" "$(py "$keys_c" 'len(d)') $(py "$keys_s" 'len(d)')" \
		"$(echo "$3" | tr ',' '\n' | wc -l) $(echo "$3" | tr ',' '\n' | wc -l)"
	log_test $case_ok "$1"
}
# The sendfile server fixes its send buffer at net.core.wmem_max. Linux
# 6.1's kTLS sendpage path can otherwise stop for good, module or not:
# sendfile() hands it pages flagged MSG_SENDPAGE_NOTLAST, so the records
# it queues on TCP are not pushed until the skb reaches its size goal,
# and when the autotuned buffer (about three records) fills first it
# waits for space without pushing; with all earlier data acknowledged,
# no ACK ever wakes it. A buffer above a splice batch (64 KiB) never
# fills while nothing is in flight. Documentation/kernels.rst has more.
big_case "TLS 1.3, 64 MiB each way (4096+ records), server answers with SSL_sendfile through kTLS" "-3 -f" tx \
	"-b $(cat /proc/sys/net/core/wmem_max)"
big_case "TLS 1.2, 64 MiB each way, kTLS in both directions on both ends" "-2 -c ECDHE-ECDSA-AES128-GCM-SHA256" tx,rx

# --- a server that echoes the extension unsolicited ------------------------
# tls_peer -C answers a ClientHello with a ServerHello that carries the
# consent extension whatever the client sent.
unsolicited() {
	local version=$1 opts=$2 expect=$3
	case_ok=0
	port=$((port + 1))
	before=$(stat_of "$ns_c" ktls_installs)
	ip netns exec "$ns_s" "$crafted" server 10.79.0.2 $port -$version -C >"$tmp/s.out" 2>&1 &
	spid=$!
	busywait 5000 grep -q listening "$tmp/s.out"
	ip netns exec "$ns_c" timeout 20 "$peer" client 10.79.0.2 $port -$version $opts $cli >"$tmp/c.out" 2>&1
	expect_eq "client exit" "$?" 1
	wait $spid
	grep -q "$expect" "$tmp/c.out" || { diag "client did not fail with '$expect':"; sed 's/^/#   /' "$tmp/c.out"; case_ok=1; }
	# the handshake ended before kTLS: nothing to tag, nothing to count
	expect_eq "kTLS installed" "$(($(stat_of "$ns_c" ktls_installs) - before))" 0
	expect_eq "sessions" "$(mcc -j sessions)" "[]"
}
unsolicited 3 "" "custom_ext_parse:bad extension"
log_test $case_ok "TLS 1.3: libtlsmon client that did not offer rejects an echoed extension (bad extension alert); not monitored"
unsolicited 2 "" "custom_ext_parse:bad extension"
log_test $case_ok "TLS 1.2: libtlsmon client that did not offer rejects an echoed extension; not monitored"

ktap_finish
