#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Forwarding keys to a collector: monctl export --to / monctl collect
# --listen, over TLS, confined to export links (links.sh has the link
# rules themselves).
#
#   ns c (exporter, client)          ns s (server, collector)
#   vc1 10.83.0.1/24 --------------- vs 10.83.0.2/24
#   vc2 10.84.0.1/24 --+
#                      |  ns rt (router)
#                      +- vr1 10.84.0.254 / vr2 10.85.0.254 --+
#                                                             |  ns far
#                                                             +- vfar 10.85.0.2/24
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
. "$top/selftests/lib/peers.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
peer=$top/build/selftests/tlsmon/tls_peer
suffix=$$
ns_c=tlsmon-kc-$suffix
ns_s=tlsmon-ks-$suffix
ns_rt=tlsmon-kr-$suffix
ns_far=tlsmon-kf-$suffix
tmp=$(mktemp -d)
port=4700

mcc() { "$monctl" -n "$ns_c" "$@"; }
unpriv() { setpriv --inh-caps=-net_admin --bounding-set=-net_admin -- "$@"; }

cleanup() {
	touch "$tmp/go"
	kill $(jobs -p) 2>/dev/null
	for n in "$ns_c" "$ns_s" "$ns_rt" "$ns_far"; do
		ip netns del "$n" 2>/dev/null
	done
	rmmod tlsmon 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_header "key forwarding to a collector"
if [ ! -x "$peer" ] || [ ! -r "$ko" ] || ! command -v openssl >/dev/null; then
	skip_missing "collector" "tls_peer, openssl or the module is missing"
	ktap_finish
	exit $?
fi

rmmod tlsmon 2>/dev/null
insmod "$ko" || ktap_bail "load the module"
router_topology 83 84 85 || ktap_bail "build the routed topology"
# the export links: the subnet to the server, and the router's
"$monctl" -n "$ns_c" policy set enabled on links vc1,vc2 export on || ktap_bail "enable the policy"
"$monctl" -n "$ns_s" policy set enabled on links vs export on || ktap_bail "enable the policy"

# The collector's certificate names its address; another CA for the
# wrong-trust case.
for who in col other; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=$who" -addext "subjectAltName=IP:10.83.0.2,IP:10.84.0.1,DNS:collector.test" \
		-days 2 -keyout "$tmp/$who.key" -out "$tmp/$who.pem" 2>/dev/null || ktap_bail "make the test certificates"
done
# The exporters' CA, a rogue one, and an exporter certificate from each
# (the rogue's with the same subject).
for who in ca rogue; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=exporters $who" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign" \
		-days 2 -keyout "$tmp/$who.key" -out "$tmp/$who.pem" 2>/dev/null || ktap_bail "make the test certificates"
	printf 'subjectAltName=DNS:exporter1.test\nextendedKeyUsage=clientAuth\n' >"$tmp/ext"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=exporter1" \
		-keyout "$tmp/exp-$who.key" -out "$tmp/exp.csr" 2>/dev/null &&
		openssl x509 -req -in "$tmp/exp.csr" -CA "$tmp/$who.pem" -CAkey "$tmp/$who.key" \
			-CAcreateserial -days 2 -extfile "$tmp/ext" -out "$tmp/exp-$who.pem" 2>/dev/null ||
		ktap_bail "make the test certificates"
done
excred=(--ca "$tmp/col.pem" --cert "$tmp/exp-ca.pem" --key "$tmp/exp-ca.key")
colcred=(--cert "$tmp/col.pem" --key "$tmp/col.key" --client-ca "$tmp/ca.pem")

# --- every key once -------------------------------------------------------
case_ok=0
# one session whose keys are held before the exporter starts (the dump) ...
hold_pair 10.83.0.2 10.83.0.2 "" "-o ff01" || case_ok=1
ip netns exec "$ns_s" tcpdump --immediate-mode -U -n -s 0 -i vs -w "$tmp/ttl.pcap" tcp port 7000 \
	2>"$tmp/tcpdump.err" &
tpid=$!
capture_started || case_ok=1
ip netns exec "$ns_s" timeout 180 "$monctl" collect --listen 10.83.0.2:7000 "${colcred[@]}" \
	--out "$tmp/collected.json" --count 6 2>"$tmp/collect.err" &
colpid=$!
busywait 60000 grep -q collecting "$tmp/collect.err" || case_ok=1
timeout 180 "$monctl" -n "$ns_c" export --to 10.83.0.2:7000 "${excred[@]}" --count 6 2>"$tmp/export.err" &
exppid=$!
busywait 60000 grep -q forwarding "$tmp/export.err" || case_ok=1
first=$(py "$(mcc -j sessions)" 'd[0]["id"]')
release_pair || case_ok=1
# ... and two tagged while it runs (the key events)
run_pair 10.83.0.2 "" "-o ff01" || case_ok=1
run_pair 10.83.0.2 "-k aes-gcm-256" "-o ff02 -k aes-gcm-256" || case_ok=1
wait $exppid; expect_eq "exporter exit" "$?" 0
wait $colpid; expect_eq "collector exit" "$?" 0
sleep 1
kill -INT $tpid; wait $tpid
expect_eq "records" "$(wc -l <"$tmp/collected.json")" 6
expect_eq "each session and direction once" \
	"$(python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
print(len({(r["id"], r["direction"]) for r in recs}), sorted({r["id"] for r in recs})[0],
      {r["exporter"] for r in recs}, {r["exporter_subject"] for r in recs},
      {tuple(r["exporter_san"]) for r in recs}, sorted({r["cipher"] for r in recs}))' "$tmp/collected.json")" \
	"6 $first {'10.83.0.1'} {'CN=exporter1'} {('DNS:exporter1.test',)} ['aes-gcm-128', 'aes-gcm-256']"
# the keys are the ones installed (tls_peer's test keys: client-written 0x10+i)
expect_eq "client-written key" "$(python3 -c '
import json, sys
print({r["key"] for r in map(json.loads, open(sys.argv[1])) if r["direction"] == "tx" and r["cipher"] == "aes-gcm-128"})' "$tmp/collected.json")" \
	"{'101112131415161718191a1b1c1d1e1f'}"
expect_eq "collector file mode" "$(stat -c %a "$tmp/collected.json")" 600
[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/export.err" "$tmp/collect.err"
log_test $case_ok "a collector on the subnet receives every key once: held before the export started, and new ones"

# A segment for a socket that is already closed (the other end's close
# notification or FIN, when one end closed first) is answered by the
# kernel's own control socket, with a RST of the namespace's default TTL:
# such a bare RST carries nothing; every other packet must have TTL 1.
case_ok=0
read -r total ttl1 rsts other < <(tcpdump -r "$tmp/ttl.pcap" -n -v 2>/dev/null | python3 -c '
import re, sys
pkts, ttl = [], None
for line in sys.stdin:
    m = re.match(r"\S+ IP \(.*\bttl (\d+),", line)
    if m:
        ttl = int(m.group(1))
        continue
    m = re.search(r"Flags \[([^]]*)\].*, length (\d+)", line)
    if m and ttl is not None:
        pkts.append((ttl, m.group(1), int(m.group(2))))
        ttl = None
bare_rst = [p for p in pkts if p[0] != 1 and p[1].startswith("R") and p[2] == 0]
print(len(pkts), sum(p[0] == 1 for p in pkts), len(bare_rst),
      len(pkts) - sum(p[0] == 1 for p in pkts) - len(bare_rst))')
[ "${total:-0}" -gt 10 ] || { diag "only ${total:-0} packets captured"; case_ok=1; }
[ "${rsts:-0}" -eq 0 ] || diag "the kernel's own RSTs, default TTL: $rsts"
expect_eq "packets with another TTL, other than the kernel's bare RSTs" "${other:-x}" 0
log_test $case_ok "every packet of the collector link, both ways, leaves with TTL 1, but for the kernel's bare RSTs ($total packets, $ttl1 with TTL 1)"

# --- the collector's file decrypts a capture ----------------------------------
# Two sessions (TLS 1.3 and 1.2) captured on the subnet while the exporter
# forwards their keys; the collector's JSON lines, and nothing else, are
# given to monctl decrypt, which must recover what each end sent.
case_ok=0
rm -rf "$tmp/dec"
mkdir -p "$tmp/dec/out" "$tmp/dec/wrong"
ip netns exec "$ns_c" tcpdump --immediate-mode -B 65536 -Z root -U -n -s 0 -i vc1 \
	-w "$tmp/dec/cap.pcap" tcp and not port 7000 2>"$tmp/tcpdump.err" &
tpid=$!
capture_started || case_ok=1
ip netns exec "$ns_s" timeout 180 "$monctl" collect --listen 10.83.0.2:7000 "${colcred[@]}" \
	--out "$tmp/dec/col.jsonl" --count 4 2>"$tmp/collect.err" &
colpid=$!
busywait 60000 grep -q collecting "$tmp/collect.err" || case_ok=1
timeout 180 "$monctl" -n "$ns_c" export --to 10.83.0.2:7000 "${excred[@]}" --count 4 2>"$tmp/export.err" &
exppid=$!
busywait 60000 grep -q forwarding "$tmp/export.err" || case_ok=1
run_pair 10.83.0.2 "-3" "-3 -o ff01" || case_ok=1
id13=$(py "$keys_c" 'd[0]["id"]')
run_pair 10.83.0.2 "-2 -k aes-gcm-256" "-2 -o ff2c -k aes-gcm-256" || case_ok=1
id12=$(py "$keys_c" 'd[0]["id"]')
wait $exppid; expect_eq "exporter exit" "$?" 0
wait $colpid; expect_eq "collector exit" "$?" 0
sleep 1
kill -INT $tpid; wait $tpid
# the file holds exactly these two sessions' keys, as the collector wrote them
expect_eq "collected sessions and directions" "$(python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
print(sorted((r["id"], r["direction"], r["key_version"], r["cipher"]) for r in recs),
      {r["exporter_subject"] for r in recs})' "$tmp/dec/col.jsonl")" \
	"[($id13, 'rx', 'TLS1.3', 'aes-gcm-128'), ($id13, 'tx', 'TLS1.3', 'aes-gcm-128'), ($id12, 'rx', 'TLS1.2', 'aes-gcm-256'), ($id12, 'tx', 'TLS1.2', 'aes-gcm-256')] {'CN=exporter1'}"
"$monctl" decrypt keys "$tmp/dec/col.jsonl" capture "$tmp/dec/cap.pcap" out "$tmp/dec/out" \
	pcapng "$tmp/dec/plain.pcapng" >"$tmp/dec/decrypt.out" 2>&1
expect_eq "decrypt exit" "$?" 0
for id in $id13 $id12; do
	expect_eq "session $id: the client sent" "$(cat "$tmp/dec/out/session-$id-tx.bin" 2>/dev/null)" \
		"ping from the clientsecond ping"
	expect_eq "session $id: the server sent" "$(cat "$tmp/dec/out/session-$id-rx.bin" 2>/dev/null)" \
		"pong from the serversecond pong"
done
expect_eq "records failed" "$(grep -c ' [1-9][0-9]* failed' "$tmp/dec/decrypt.out")" 0
expect_eq "plaintext capture" "$(tcpdump -r "$tmp/dec/plain.pcapng" -A 2>/dev/null |
	grep -o 'ping from the client\|second pong' | sort | uniq -c | tr -s ' \n' ' ')" \
	" 2 ping from the client 2 second pong "
# another run's collector file (other sessions) decrypts nothing of this capture
"$monctl" decrypt keys "$tmp/collected.json" capture "$tmp/dec/cap.pcap" out "$tmp/dec/wrong" \
	>"$tmp/dec/wrong.out" 2>&1
expect_eq "another file: exit, plaintext" \
	"$? $(cat "$tmp/dec/wrong"/*.bin 2>/dev/null | grep -c 'ping\|pong')" "1 0"
# the right file with one key changed: that direction is not decrypted
python3 - "$tmp/dec/col.jsonl" "$tmp/dec/bad.jsonl" "$id13" <<'PY'
import json, sys
out = open(sys.argv[2], "w")
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["id"] == int(sys.argv[3]) and r["direction"] == "tx":
        r["key"] = ("0" if r["key"][0] != "0" else "1") + r["key"][1:]
    out.write(json.dumps(r) + "\n")
PY
rm -rf "$tmp/dec/out" && mkdir "$tmp/dec/out"
"$monctl" decrypt keys "$tmp/dec/bad.jsonl" capture "$tmp/dec/cap.pcap" out "$tmp/dec/out" \
	>"$tmp/dec/bad.out" 2>&1
expect_eq "one key changed: exit, directions matched none, client's plaintext" \
	"$? $(grep -c 'no record matched the keys' "$tmp/dec/bad.out") $(cat "$tmp/dec/out/session-$id13-tx.bin" 2>/dev/null)" "1 1 "
expect_eq "one key changed: the server's plaintext" "$(cat "$tmp/dec/out/session-$id13-rx.bin" 2>/dev/null)" \
	"pong from the serversecond pong"
[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/dec/decrypt.out" "$tmp/dec/wrong.out" "$tmp/dec/bad.out" \
	"$tmp/export.err" "$tmp/collect.err"
log_test $case_ok "the collector's file decrypts a capture with monctl decrypt: exactly what each end sent; another file or a changed key decrypts nothing"

# --- refusals ---------------------------------------------------------------
case_ok=0
ip netns exec "$ns_c" tcpdump --immediate-mode -U -n -s 0 -i vc2 -w "$tmp/far.pcap" \
	2>"$tmp/tcpdump.err" &
tpid=$!
capture_started || case_ok=1
# TTL 1: the SYN dies at the router, whose ICMP error ends the connect;
# were it to cross, the kernel's rule refuses the gateway
out=$(mcc export --to 10.85.0.2:7000 "${excred[@]}" 2>&1); rc=$?
sleep 1
kill -INT $tpid; wait $tpid
case "$out" in
"monctl: refusing collector 10.85.0.2: the socket's route to the peer goes through a gateway; keys travel only over an export link (monctl policy set links DEV)"|\
"monctl: export: cannot connect to the collector 10.85.0.2:7000: "*) ;;
*) diag "got: $out"; case_ok=1 ;;
esac
expect_eq "exit" "$rc" 1
# whatever crossed (a handshake at most), no byte of payload did
expect_eq "payload towards the router" \
	"$(tcpdump -r "$tmp/far.pcap" -n 2>/dev/null | grep '> 10.85.0.2' | grep -vc 'length 0')" 0
log_test $case_ok "a collector behind a router is refused before any byte is sent"

case_ok=0
ip netns exec "$ns_c" python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 7000)); s.listen(4); time.sleep(30)' &
lopid=$!
busywait 60000 sh -c "ip netns exec $ns_c ss -ltn | grep -q 127.0.0.1:7000"
out=$(mcc export --to 127.0.0.1:7000 "${excred[@]}" 2>&1); rc=$?
kill $lopid 2>/dev/null; wait $lopid 2>/dev/null
expect_eq "loopback" "$rc $out" \
	"1 monctl: refusing collector 127.0.0.1: the socket's route to the peer is not a unicast route; keys travel only over an export link (monctl policy set links DEV)"
log_test $case_ok "a collector on a loopback address is refused too"

# The collector's replies have TTL 1: a host behind the router cannot even
# finish a TCP handshake with it.
case_ok=0
ip netns exec "$ns_c" "$monctl" collect --listen 10.84.0.1:7001 "${colcred[@]}" \
	--out "$tmp/far.json" 2>"$tmp/collect.err" &
colpid=$!
busywait 60000 grep -q collecting "$tmp/collect.err" || case_ok=1
ip netns exec "$ns_far" timeout 5 openssl s_client -connect 10.84.0.1:7001 </dev/null >/dev/null 2>&1
expect_eq "connection from behind the router" "$?" 124
kill $colpid; wait $colpid 2>/dev/null
expect_eq "nothing collected" "$(cat "$tmp/far.json" 2>/dev/null)" ""
log_test $case_ok "a host behind a router cannot connect to a collector (its replies die at the router)"

# run_collector: a collector in ns s for one refusal case
run_collector() {
	ip netns exec "$ns_s" "$monctl" collect --listen "${1:-10.83.0.2:7000}" "${colcred[@]}" \
		--out "$tmp/${2:-c2.json}" 2>"$tmp/collect.err" &
	colpid=$!
	busywait 60000 grep -q collecting "$tmp/collect.err" ||
		{ diag "the collector did not start: $(cat "$tmp/collect.err")"; return 1; }
}
run_collector
out=$(mcc export --to 10.83.0.2:7000 --ca "$tmp/other.pem" --cert "$tmp/exp-ca.pem" \
	--key "$tmp/exp-ca.key" 2>&1); rc=$?
expect_eq "untrusted" "$rc $out" \
	"1 monctl: export: the collector's certificate is not trusted: self-signed certificate"
out=$(mcc export --to 10.83.0.2:7000 "${excred[@]}" --name wrong.test 2>&1); rc=$?
expect_eq "wrong name" "$rc $out" \
	"1 monctl: export: the collector's certificate is not trusted: hostname mismatch"
out=$(unpriv "$monctl" -n "$ns_c" export --to 10.83.0.2:7000 "${excred[@]}" 2>&1); rc=$?
expect_eq "unprivileged" "$rc $out" \
	"1 monctl: export: cannot listen to key events: Operation not permitted (CAP_NET_ADMIN over this network namespace is needed)"
mcc policy set export off
out=$(mcc export --to 10.83.0.2:7000 "${excred[@]}" 2>&1 | grep -v forwarding); rc=$?
expect_eq "export off" "$out" \
	"monctl: export: cannot read the keys: key export is off in this namespace (Operation not supported)"
mcc policy set export on
kill $colpid; wait $colpid 2>/dev/null
expect_eq "nothing collected" "$(cat "$tmp/c2.json" 2>/dev/null)" ""
log_test $case_ok "untrusted certificate, wrong name, no CAP_NET_ADMIN, export off: refused, nothing sent"

expect_fail_usage() {
	local out rc
	out=$("$@" 2>&1); rc=$?
	[ $rc -eq 2 ] || { diag "'$*' exited $rc: $out"; case_ok=1; }
}
case_ok=0
expect_fail_usage "$monctl" export --to 10.83.0.2 --ca x
expect_fail_usage "$monctl" export --ca x
expect_fail_usage "$monctl" export --to 10.83.0.2:99999 --ca x
expect_fail_usage "$monctl" collect --listen 10.83.0.2:7000
expect_fail_usage "$monctl" collect --listen 10.83.0.2:7000 --cert x --key y
expect_fail_usage "$monctl" export --to 10.83.0.2:7000 --ca x
expect_fail_usage "$monctl" export --to 10.83.0.2:7000 --ca x --count 0
log_test $case_ok "malformed export and collect command lines exit 2"

# --- mutual TLS -----------------------------------------------------------
# send.py CAFILE CERT KEY PORT LINE...: as an exporter would, over TLS from
# ns c: print the collector's first line, then its reply to each line.
cat >"$tmp/send.py" <<'PYEOF'
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(sys.argv[1])
ctx.check_hostname = False
if sys.argv[2] != "-":
    ctx.load_cert_chain(sys.argv[2], sys.argv[3])
try:
    s = ctx.wrap_socket(socket.create_connection(("10.83.0.2", int(sys.argv[4])), timeout=30))
    f = s.makefile("rwb")
    print(f.readline().decode().strip() or "closed")
    for line in sys.argv[5:]:
        f.write(line.encode() + b"\n")
        f.flush()
        print(f.readline().decode().strip() or "closed")
except (OSError, ssl.SSLError) as e:
    print("error", type(e).__name__)
PYEOF
sendrec() { ip netns exec "$ns_c" python3 "$tmp/send.py" "$tmp/col.pem" "$@"; }

case_ok=0
run_collector 10.83.0.2:7000 mtls.json || case_ok=1
hold_pair 10.83.0.2 10.83.0.2 "" "-o ff01" || case_ok=1
out=$(timeout 180 "$monctl" -n "$ns_c" export --to 10.83.0.2:7000 --ca "$tmp/col.pem" \
	--cert "$tmp/exp-rogue.pem" --key "$tmp/exp-rogue.key" 2>&1); rc=$?
case "$rc $out" in
"1 monctl: export: the collector refused this exporter: "*alert*) ;;
*) diag "exporter of another CA: $rc $out"; case_ok=1 ;;
esac
# no certificate at all, a forged record sent regardless
good='{"id":1,"family":"inet","direction":"tx","key_version":"TLS1.2","key_cipher":"aes-gcm-128","key":"00000000000000000000000000000000","iv":"0000000000000000","salt":"00000000","rec_seq":"0000000000000000","installed_ns":1}'
out=$(sendrec - - 7000 "$good" | tr '\n' ' ')
case "$out" in
"error "*|"closed "*) ;;
*) diag "no certificate: $out"; case_ok=1 ;;
esac
release_pair || case_ok=1
busywait 60000 sh -c "[ \$(grep -c 'refusing exporter' '$tmp/collect.err') -ge 2 ]"
expect_eq "refusals logged" "$(grep -c 'refusing exporter' "$tmp/collect.err")" 2
kill $colpid; wait $colpid
expect_eq "collector exit" "$?" 0
expect_eq "nothing collected" "$(cat "$tmp/mtls.json")" ""
[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/collect.err"
log_test $case_ok "an exporter with a certificate of another CA, or with none, is refused and nothing is written"

# --- records parsed, not trusted --------------------------------------------
case_ok=0
run_collector 10.83.0.2:7000 recs.json || case_ok=1
dup='{"id":1,"id":2,'${good#\{}
sup='{"exporter":"10.83.0.9",'${good#\{}
unk='{"a":1,'${good#\{}
short=${good/00000000000000000000000000000000/0000}
long=$(printf '{"id":%05000d}' 1)
replies=$(sendrec "$tmp/exp-ca.pem" "$tmp/exp-ca.key" 7000 "$dup" "$sup" "$unk" "$short" \
	'{"exporter":"10.99.0.66",}' '{"a":1},{"b":2}' "$good" "$good" "$long" | tr '\n' '|')
# the over-long line ends the connection: its last reply is none
expect_eq "replies" "${replies%|*|}" \
"ready|refused not one JSON object: duplicate object key near '\"id\"'|refused an unknown field \"exporter\"|refused an unknown field \"a\"|refused a key of the wrong length for its cipher|refused not one JSON object: string or '}' expected near '}'|refused not one JSON object: end of file expected near ','|ok|ok"
case "${replies##*|ok|}" in
"closed|"|"error "*) ;;
*) diag "after the over-long line: ${replies##*|ok|}"; case_ok=1 ;;
esac
busywait 60000 grep -q '(7 refused)' "$tmp/collect.err"
expect_eq "refusals counted" \
	"$(grep -c 'collect: refused a record from 10.83.0.1 (CN=exporter1)' "$tmp/collect.err")" 7
grep -q '(7 refused)' "$tmp/collect.err" || { diag "no count of 7 refused"; case_ok=1; }
kill $colpid; wait $colpid
grep -q 'collect: 1 records written, 1 already stored, 7 refused' "$tmp/collect.err" ||
	{ diag "summary: $(tail -1 "$tmp/collect.err")"; case_ok=1; }
expect_eq "only the genuine record, once" "$(python3 -c '
import json, sys
print([(r["exporter"], r["exporter_subject"], r["id"]) for r in map(json.loads, open(sys.argv[1]))])' \
	"$tmp/recs.json")" "[('10.83.0.1', 'CN=exporter1', 1)]"
[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/collect.err"
log_test $case_ok "duplicate keys, unknown fields, a supplied exporter, wrong hex lengths, non-JSON and over-long lines are refused and counted"

# --- connections bounded ------------------------------------------------------
case_ok=0
run_collector 10.83.0.2:7000 idle.json || case_ok=1
ip netns exec "$ns_c" python3 -c '
import socket, sys, time
conns = []
for i in range(200):
    try:
        conns.append(socket.create_connection(("10.83.0.2", 7000), timeout=30))
    except OSError:
        pass
print(len(conns), flush=True)
time.sleep(300)' >"$tmp/idle.out" &
idlepid=$!
busywait 60000 grep -q . "$tmp/idle.out" || case_ok=1
diag "$(cat "$tmp/idle.out") idle connections opened"
hold_pair 10.83.0.2 10.83.0.2 "" "-o ff01" || case_ok=1
timeout 180 "$monctl" -n "$ns_c" export --to 10.83.0.2:7000 "${excred[@]}" --count 2 2>"$tmp/export.err"
expect_eq "exporter exit" "$?" 0
release_pair || case_ok=1
kill $idlepid; wait $idlepid 2>/dev/null
kill $colpid; wait $colpid
expect_eq "records" "$(wc -l <"$tmp/idle.json")" 2
[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/export.err" "$tmp/collect.err"
log_test $case_ok "200 idle connections do not keep a genuine exporter out"

# --- restarts -----------------------------------------------------------------
# unique FILE...: "LINES DISTINCT" of the (exporter, session, direction,
# installation time) of the records in FILE...
unique() {
	cat "$@" | python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
print(len(recs), len({(r["exporter_subject"], r["id"], r["direction"], r["installed_ns"]) for r in recs}))'
}
lines() { cat "$@" 2>/dev/null | wc -l; }
case_ok=0
run_collector 10.83.0.2:7000 rs.json || case_ok=1
hold_pair 10.83.0.2 10.83.0.2 "" "-o ff01" || case_ok=1
"$monctl" -n "$ns_c" export --to 10.83.0.2:7000 "${excred[@]}" 2>"$tmp/export.err" &
exppid=$!
busywait 60000 sh -c "[ \$(wc -l <'$tmp/rs.json') -ge 2 ]" || case_ok=1
# the collector dies; keys arrive meanwhile; it comes back
kill -9 $colpid; wait $colpid 2>/dev/null
release_pair || case_ok=1
run_pair 10.83.0.2 "" "-o ff01" || case_ok=1
run_collector 10.83.0.2:7000 rs.json || case_ok=1
grep -q '(2 records already stored)' "$tmp/collect.err" || { diag "not read back"; case_ok=1; }
busywait 60000 sh -c "[ \$(wc -l <'$tmp/rs.json') -ge 4 ]" || case_ok=1
run_pair 10.83.0.2 "" "-o ff01" || case_ok=1
busywait 60000 sh -c "[ \$(wc -l <'$tmp/rs.json') -ge 6 ]" || case_ok=1
expect_eq "collector restarted: lines, distinct keys" "$(unique "$tmp/rs.json")" "6 6"
# the exporter dies and comes back: it sends the keys still held again
hold_pair 10.83.0.2 10.83.0.2 "" "-o ff01" || case_ok=1
busywait 60000 sh -c "[ \$(wc -l <'$tmp/rs.json') -ge 8 ]" || case_ok=1
kill -9 $exppid; wait $exppid 2>/dev/null
"$monctl" -n "$ns_c" export --to 10.83.0.2:7000 "${excred[@]}" 2>"$tmp/export2.err" &
exppid=$!
busywait 60000 grep -q 'forwarding' "$tmp/export2.err" || case_ok=1
busywait 60000 sh -c "[ \$(grep -c 'disconnected' '$tmp/collect.err') -ge 1 ]"
sleep 2
# SIGHUP after a rename: a new file; nothing lost, nothing twice
mv "$tmp/rs.json" "$tmp/rs.json.1"
kill -HUP $colpid
busywait 60000 grep -q "reopened" "$tmp/collect.err" || case_ok=1
release_pair || case_ok=1
run_pair 10.83.0.2 "" "-o ff01" || case_ok=1
busywait 60000 sh -c "[ \$(cat '$tmp/rs.json' 2>/dev/null | wc -l) -ge 2 ]" || case_ok=1
sleep 2
kill $exppid; wait $exppid
kill $colpid; wait $colpid
expect_eq "after the exporter's restart and SIGHUP: lines, distinct keys" \
	"$(unique "$tmp/rs.json.1" "$tmp/rs.json")" "10 10"
expect_eq "new file" "$(lines "$tmp/rs.json") $(stat -c %a "$tmp/rs.json")" "2 600"
grep -Eq 'collect: 8 records written, [2-4] already stored, 0 refused' "$tmp/collect.err" ||
	{ diag "summary: $(tail -1 "$tmp/collect.err")"; case_ok=1; }
[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/export.err" "$tmp/export2.err" "$tmp/collect.err"
log_test $case_ok "collector killed and restarted, exporter killed and restarted, SIGHUP after a rename: every key once"

# --- the output file ------------------------------------------------------------
refuse_out() {
	local out rc
	out=$("$monctl" collect --listen 10.83.0.2:7000 "${colcred[@]}" --out "$1" 2>&1); rc=$?
	case "$rc $out" in
	"1 monctl: collect: "*"$2"*) ;;
	*) diag "--out $1: $rc $out"; case_ok=1 ;;
	esac
}
case_ok=0
install -m 0600 /dev/null "$tmp/target"
ln -s "$tmp/target" "$tmp/link"
refuse_out "$tmp/link" "it is a symbolic link"
install -m 0600 -o 65534 /dev/null "$tmp/foreign"
refuse_out "$tmp/foreign" "owned by uid 65534"
install -m 0644 /dev/null "$tmp/open"
refuse_out "$tmp/open" "mode 0644 lets group or others in"
expect_eq "target untouched" "$(stat -c '%s %a' "$tmp/target")" "0 600"
log_test $case_ok "a symbolic link, a file of another owner or one open to others at --out is refused"

# --- dual stack ------------------------------------------------------------------
case_ok=0
run_collector "[::]:7002" v6.json || case_ok=1
hold_pair 10.83.0.2 10.83.0.2 "" "-o ff01" || case_ok=1
timeout 180 "$monctl" -n "$ns_c" export --to 10.83.0.2:7002 "${excred[@]}" --count 2 2>"$tmp/export.err"
expect_eq "exporter exit" "$?" 0
release_pair || case_ok=1
kill $colpid; wait $colpid
expect_eq "exporter as the collector saw it" "$(python3 -c '
import json, sys
print({r["exporter"] for r in map(json.loads, open(sys.argv[1]))})' "$tmp/v6.json")" "{'10.83.0.1'}"
[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/export.err" "$tmp/collect.err"
log_test $case_ok "a collector listening on [::] takes an on-link IPv4 exporter, by its IPv4 address"

ktap_finish
