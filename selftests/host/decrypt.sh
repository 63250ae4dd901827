#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# monctl decrypt on a crafted capture (decrypt_craft.py): key files as
# 'monctl collect' writes them (JSON lines) and as 'monctl -j keys' prints
# them (an array), a TLS 1.3 KeyUpdate switching one direction to the key
# of the next epoch, and the plaintext pcapng as tshark reads it. No
# module is needed.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
monctl=$top/tools/monctl/monctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ktap_header "monctl decrypt on the host"

python3 "$top/selftests/host/decrypt_craft.py" "$tmp" || { diag "cannot craft the capture"; exit 1; }

dec() { "$monctl" decrypt "$@" >"$tmp/dec.out" 2>&1; }
show() { sed 's/^/#   /' "$tmp/dec.out"; }

rc=0
dec keys "$tmp/client.jsonl" capture "$tmp/cap.pcap" out "$tmp/o1" pcap "$tmp/plain.pcapng" || rc=1
cmp -s "$tmp/o1/session-7-tx.bin" "$tmp/client-tx.txt" || { diag "client-sent plaintext differs"; rc=1; }
cmp -s "$tmp/o1/session-7-rx.bin" "$tmp/server-tx.txt" || { diag "server-sent plaintext differs"; rc=1; }
[ $rc -eq 0 ] || show
log_test $rc "JSON lines with an exporter field; a KeyUpdate switches to the epoch 1 key at sequence 0"

rc=0
dec keys "$tmp/server.json" capture "$tmp/cap.pcap" out "$tmp/o2"
[ $? -eq 1 ] || { diag "exit status is not 1"; rc=1; }
cmp -s "$tmp/o2/session-9-tx.bin" "$tmp/server-tx.txt" || { diag "server-sent plaintext differs"; rc=1; }
grep -q '^session 9 rx: KeyUpdate at stream offset [0-9]*: no key of epoch 1' "$tmp/dec.out" || rc=1
grep -q '^session 9 rx: .*stopped at a KeyUpdate' "$tmp/dec.out" || rc=1
[ "$(cat "$tmp/o2/session-9-rx.bin")" = "$(printf 'GET /first HTTP/1.1\r\nHost: test.example\r\n\r\n')" ] ||
	{ diag "not exactly the records before the KeyUpdate"; rc=1; }
grep -q 'authentication failed' "$tmp/dec.out" && rc=1
[ $rc -eq 0 ] || show
log_test $rc "a JSON array without the next epoch's key: stops at the KeyUpdate, says so, exit 1"

rc=0
dec keys "$tmp/server.json" keys "$tmp/client.jsonl" capture "$tmp/cap.pcap" out "$tmp/o3" || rc=1
cmp -s "$tmp/o3/session-9-rx.bin" "$tmp/client-tx.txt" || { diag "client-sent plaintext differs"; rc=1; }
cmp -s "$tmp/o3/session-7-tx.bin" "$tmp/client-tx.txt" || { diag "client-sent plaintext differs"; rc=1; }
[ "$(grep -c 'records decrypted' "$tmp/dec.out")" = 2 ] || { diag "each flow once"; rc=1; }
[ $rc -eq 0 ] || show
log_test $rc "both ends' key files: each direction decrypted once, written under each end's session"

# a flipped byte in the record after the KeyUpdate must be reported
rc=0
python3 - "$tmp/cap.pcap" "$tmp/bad.pcap" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
off, n = 24, 0
while off + 16 <= len(b):
    cap = struct.unpack("<I", b[off + 8:off + 12])[0]
    pkt = off + 16
    ip = pkt + 14
    tcp = ip + 20
    pay = tcp + (b[tcp + 12] >> 4) * 4
    if b[ip + 12:ip + 16] == bytes([10, 1, 0, 1]) and pay < pkt + cap and b[pay] == 23:
        n += 1
        if b[pay + 3] << 8 | b[pay + 4] == cap - (pay - pkt) - 5 and n >= 4:
            b[pkt + cap - 1] ^= 1   # the record after the KeyUpdate, and its copy
    off = pkt + cap
open(sys.argv[2], "wb").write(b)
PY
dec keys "$tmp/client.jsonl" capture "$tmp/bad.pcap" out "$tmp/o4"
[ $? -eq 1 ] || rc=1
grep -q '^session 7 tx: record 0 (epoch 1) at stream offset [0-9]*: authentication failed' "$tmp/dec.out" || rc=1
[ $rc -eq 0 ] || show
log_test $rc "a corrupted record under the epoch 1 key is reported, exit 1"

rc=0
printf '{"id":1,"id":2}\n' >"$tmp/dup.jsonl"
dec keys "$tmp/dup.jsonl" capture "$tmp/cap.pcap" out "$tmp/o5"
[ $? -eq 1 ] && grep -q 'dup.jsonl: line 1: duplicate object key' "$tmp/dec.out" || rc=1
head -n 1 "$tmp/client.jsonl" >"$tmp/trunc.jsonl"
echo '{"exporter":"10.1.0.1","a":1},{"b":2}' >>"$tmp/trunc.jsonl"
dec keys "$tmp/trunc.jsonl" capture "$tmp/cap.pcap" out "$tmp/o5"
[ $? -eq 1 ] && grep -q 'trunc.jsonl: line 2:' "$tmp/dec.out" || rc=1
sed 's/"key":"\([0-9a-f]*\)"/"key":"\1ab"/' "$tmp/client.jsonl" >"$tmp/long.jsonl"
dec keys "$tmp/long.jsonl" capture "$tmp/cap.pcap" out "$tmp/o5"
[ $? -eq 1 ] && grep -q 'long.jsonl: line 1: key, iv or salt lengths do not match the cipher' "$tmp/dec.out" || rc=1
[ $rc -eq 0 ] || show
log_test $rc "key files refused: duplicate names, trailing garbage, a key of the wrong length"

if ! command -v tshark >/dev/null; then
	skip_test "tshark reads the plaintext capture" "tshark is not installed"
	ktap_finish
fi

ts() { tshark -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -d tcp.port==443,http "$@" 2>/dev/null; }

rc=0
out=$(ts -r "$tmp/plain.pcapng" -Y http.request -T fields -e http.request.method -e http.request.uri | tr '\t\n' ' ')
[ "$out" = "GET /first GET /second " ] || { diag "requests: $out"; rc=1; }
out=$(ts -r "$tmp/plain.pcapng" -Y http.response -T fields -e http.response.code | tr '\n' ' ')
[ "$out" = "200 200 " ] || { diag "responses: $out"; rc=1; }
log_test $rc "tshark -Y http: both requests and both responses"

rc=0
expert=$(ts -r "$tmp/plain.pcapng" -q -z expert)
printf '%s\n' "$expert" | grep -Eiq 'checksum|retransmission|out-of-order|previous segment|unseen|dup(licate)? ack|window|malformed|spurious|lost' &&
	{ printf '%s\n' "$expert" | sed 's/^/#   /'; rc=1; }
printf '%s\n' "$expert" | grep -q 'Connection establish acknowledge (SYN+ACK)' || rc=1
printf '%s\n' "$expert" | grep -q 'Connection finish (FIN)' || rc=1
bad=$(ts -r "$tmp/plain.pcapng" -Y 'ip.checksum.status != 1 || tcp.checksum.status != 1 || tcp.analysis.flags' -T fields -e frame.number | wc -l)
[ "$bad" = 0 ] || { diag "$bad frames with a checksum not verified good or a TCP analysis flag"; rc=1; }
log_test $rc "tshark -z expert: handshake and FIN, no checksum, sequence or window warning"

rc=0
# each request and response at the capture time of the segment that completed its record
got=$(ts -r "$tmp/plain.pcapng" -Y 'tcp.len > 0' -T fields -e ip.src -e frame.time_epoch |
	awk '{ split($2, t, "."); printf "%s %s%s\n", $1 == "10.1.0.1" ? "c" : "s", t[1], substr(t[2] "000000000", 1, 9) }')
[ "$got" = "$(cat "$tmp/times.txt")" ] || { diag "times: $got"; rc=1; }
log_test $rc "each record at its own capture time, both directions merged in time order"

rc=0
out=$(ts -r "$tmp/plain.pcapng" -Y frame.comment -T fields -e frame.comment)
for c in 'TLS NewSessionTicket (handshake type 4), sent by 10.1.0.2 port 443' \
	'TLS KeyUpdate (handshake type 24), sent by 10.1.0.1 port 40000' \
	'TLS alert, level 1, description 0 (close_notify), sent by 10.1.0.2 port 443'; do
	printf '%s\n' "$out" | grep -qF "$c" || { diag "missing comment: $c"; rc=1; }
done
log_test $rc "alerts and post-handshake messages kept as packet comments"

ktap_finish
