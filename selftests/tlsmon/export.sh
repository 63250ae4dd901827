#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Key export: only monitored sessions, only privileged readers of the same
# namespace, only when export is on, only for peers on an export link
# (links.sh attacks the link rule itself).
#
#   ns c (client)                 ns s (server)
#   vc1 10.78.0.1/24 ------------ vs 10.78.0.2/24        same subnet
#   vc2 10.81.0.1/24 --+
#                      |  ns rt (router)
#                      +- vr1 10.81.0.254/24
#                         vr2 10.82.0.254/24 ---+
#                                               |  ns far
#                                               +- vfar 10.82.0.2/24
#
# tls_peer installs kTLS with known test keys, so the exported keys can be
# compared with what was installed.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
. "$top/selftests/lib/peers.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
peer=$top/build/selftests/tlsmon/tls_peer
suffix=$$
ns_c=tlsmon-xc-$suffix
ns_s=tlsmon-xs-$suffix
ns_rt=tlsmon-xr-$suffix
ns_far=tlsmon-xf-$suffix
ns_x=tlsmon-xx-$suffix
tmp=$(mktemp -d)
port=4500

mcc() { "$monctl" -n "$ns_c" "$@"; }
mcs() { "$monctl" -n "$ns_s" "$@"; }
unpriv() { setpriv --inh-caps=-net_admin --bounding-set=-net_admin -- "$@"; }

cleanup() {
	touch "$tmp/go" "$tmp/resume"
	for n in "$ns_c" "$ns_s" "$ns_rt" "$ns_far" "$ns_x"; do
		ip netns del "$n" 2>/dev/null
	done
	rmmod tlsmon 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# The test keys tls_peer installs: client-written direction 0x10+i (key),
# 0x20+i (iv), 0x30+i (salt); server-written 0x40+i, 0x50+i, 0x60+i.
expected_keys() {
	python3 - "$1" "$2" <<'PY'
import sys
cipher, writer = sys.argv[1], sys.argv[2]
sizes = {"aes-gcm-128": (16, 8, 4), "aes-gcm-256": (32, 8, 4),
         "aes-ccm-128": (16, 8, 4), "chacha20-poly1305": (32, 12, 0)}
k, iv, salt = sizes[cipher]
base = (0x10, 0x20, 0x30) if writer == "client" else (0x40, 0x50, 0x60)
print(" ".join("".join("%02x" % (b + i) for i in range(n)) for b, n in zip(base, (k, iv, salt))) + " 0000000000000000")
PY
}

# key_of KEYS DIRECTION: "key iv salt rec_seq" of that direction's record
key_of() {
	py "$1" "' '.join([[r['key'], r['iv'], r['salt'], r['rec_seq']] for r in d if r['direction'] == '$2'][0]) if any(r['direction'] == '$2' for r in d) else 'none'"
}

# mon_suite VERSION CIPHER: what the client offers so that the negotiated
# suite implies CIPHER (kTLS must be given the suite's cipher): a _MON
# suite, or TLS 1.2 AES-CCM (which has none) with consent
mon_suite() {
	case $1-$2 in
	3-aes-gcm-128) echo ff01 ;;
	3-aes-gcm-256) echo ff02 ;;
	3-chacha20-poly1305) echo ff03 ;;
	3-aes-ccm-128) echo ff04 ;;
	2-aes-gcm-128) echo ff2f ;;
	2-aes-gcm-256) echo ff30 ;;
	2-chacha20-poly1305) echo ffa8 ;;
	2-aes-ccm-128) echo "c0ac -c" ;;
	esac
}

# join.py: join the keys multicast group like any listener would
write_join_py() {
	cat >"$tmp/join.py" <<'PY'
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.bind((0, 0))
name = b"tlsmon\0"
attr = struct.pack("HH", 4 + len(name), 2) + name + b"\0" * (-len(name) % 4)
msg = struct.pack("BBH", 3, 1, 0) + attr
s.send(struct.pack("IHHII", 16 + len(msg), 16, 1, 1, 0) + msg)
data = s.recv(65536)
def attrs(b):
    while len(b) >= 4:
        n, t = struct.unpack("HH", b[:4])
        yield t & 0x3fff, b[4:n]
        b = b[(n + 3) & ~3:]
group = None
for t, v in attrs(data[20:]):
    if t == 7:
        for _, g in attrs(v):
            d = dict(attrs(g))
            if d.get(1) == b"keys\0":
                group = struct.unpack("I", d[2])[0]
try:
    s.setsockopt(270, 1, group)
    print("joined")
except PermissionError:
    print("EPERM")
PY
}

ktap_header "key export"
if [ ! -x "$peer" ] || [ ! -r "$ko" ]; then
	skip_missing "export" "tls_peer or the module is not built"
	ktap_finish
	exit $?
fi

rmmod tlsmon 2>/dev/null
insmod "$ko" || ktap_bail "load the module"
router_topology 78 81 82 || ktap_bail "build the routed topology"
ip netns add "$ns_x" || ktap_bail "create the namespaces"
ip -n "$ns_x" link set lo up
ip -n "$ns_x" link add vx1 type veth peer vx2
ip -n "$ns_c" addr add fd78::1/64 dev vc1 nodad
ip -n "$ns_s" addr add fd78::2/64 dev vs nodad
# each namespace's export links: its subnets' interfaces, the router's too
mcc policy set enabled on links vc1,vc2 export on
mcs policy set enabled on links vs export on
"$monctl" -n "$ns_far" policy set enabled on links vfar export on
"$monctl" -n "$ns_x" policy set enabled on links vx1 export on

# --- export off: nothing, and a clear refusal ----------------------------
case_ok=0
mcc policy set export off
out=$(mcc keys 2>&1); rc=$?
expect_eq "keys with export off" "$rc $out" "1 monctl: cannot read the keys: key export is off in this namespace (Operation not supported)"
run_pair 10.78.0.2 "" "-o ff01" || case_ok=1
expect_eq "client tagged" "$(py "$sess_c" 'len(d)')" 1
expect_eq "client keys" "$keys_c" ""
expect_eq "server keys" "$(py "$keys_s" 'len(d)')" 2
log_test $case_ok "export off: nothing exported, the reader is told why"
mcc policy set export on

# --- keys exported equal keys installed, every cipher, both versions -------
for version in 3 2; do
	for cipher in aes-gcm-128 aes-gcm-256 aes-ccm-128 chacha20-poly1305; do
		case_ok=0
		suite=$(mon_suite $version $cipher)
		run_pair 10.78.0.2 "-$version -c -k $cipher" "-$version -o $suite -k $cipher" || case_ok=1
		expect_eq "client records" "$(py "$keys_c" 'len(d)')" 2
		expect_eq "client tx" "$(key_of "$keys_c" tx)" "$(expected_keys $cipher client)"
		expect_eq "client rx" "$(key_of "$keys_c" rx)" "$(expected_keys $cipher server)"
		expect_eq "server tx" "$(key_of "$keys_s" tx)" "$(expected_keys $cipher server)"
		expect_eq "server rx" "$(key_of "$keys_s" rx)" "$(expected_keys $cipher client)"
		expect_eq "record fields" "$(py "$keys_c" 'd[0]["key_cipher"] + " " + d[0]["version"] + " " + d[0]["suite_code"] + " " + d[0]["reason"]')" \
			"$cipher TLS1.$version 0x${suite%% *} $(case $suite in *-c) echo consent ;; *) echo suite ;; esac)"
		log_test $case_ok "TLS 1.$version $cipher: exported keys equal the installed keys"
	done
done

# --- IPv6, link-local and IPv4-mapped peers ---------------------------------
case_ok=0
run_pair fd78::2 "" "-o ff01" || case_ok=1
expect_eq "client keys" "$(py "$keys_c" 'str(len(d)) + " " + d[0]["family"] + " " + d[0]["peer"]')" "2 inet6 fd78::2"
expect_eq "server keys" "$(py "$keys_s" 'len(d)')" 2
log_test $case_ok "IPv6 peer on the subnet: exported"

case_ok=0
lladdr() {
	ip -n "$1" -6 addr show dev "$2" scope link | awk '/inet6/ && !/tentative/ { sub("/.*", "", $2); print $2 }'
}
busywait 10000 sh -c "[ -n \"\$(ip -n $ns_s -6 addr show dev vs scope link | grep inet6 | grep -v tentative)\" ]"
busywait 10000 sh -c "[ -n \"\$(ip -n $ns_c -6 addr show dev vc1 scope link | grep inet6 | grep -v tentative)\" ]"
ll_s=$(lladdr "$ns_s" vs)
hold_pair "$ll_s%vs" "$ll_s%vc1" "" "-o ff01" || case_ok=1
k=$(mcc -j keys)
expect_eq "client keys" "$(py "$k" 'str(len(d)) + " " + d[0]["peer"]')" "2 $ll_s"
expect_eq "server keys" "$(py "$(mcs -j keys)" 'len(d)')" 2
release_pair || case_ok=1
log_test $case_ok "IPv6 link-local peer: exported"

case_ok=0
hold_pair :: 10.78.0.2 "" "-o ff01" || case_ok=1
k=$(mcs -j keys)
expect_eq "server keys" "$(py "$k" 'str(len(d)) + " " + d[0]["family"] + " " + d[0]["peer"]')" "2 inet6 ::ffff:10.78.0.1"
release_pair || case_ok=1
log_test $case_ok "IPv4-mapped IPv6 peer (dual-stack server socket): exported"

# --- keys_exported counts keys; the counters for Prometheus -------------------
case_ok=0
before=$(stat_of "$ns_c" keys_exported)
hold_pair 10.78.0.2 10.78.0.2 "" "-o ff01" || case_ok=1
# every key any of the reads returned (a session closing from an earlier
# case may be in the first), each counted once
all='['
for i in 1 2 3; do
	k=$(mcc -j keys)
	all="$all$k,"
done
all="${all%,}]"
expect_eq "key records of the held session" "$(py "$k" 'len(d)')" 2
n=$(py "$all" 'len({(r["id"], r["direction"]) for x in d for r in x})')
expect_eq "keys_exported after three reads" "$(stat_of "$ns_c" keys_exported)" $((before + n))
prom=$("$monctl" -n "$ns_c" stats all -o prometheus 2>"$tmp/prom.err")
expect_eq "stats all -o prometheus" "$?" 0
release_pair || case_ok=1
printf '%s\n' "$prom" >"$tmp/prom.txt"
# the exposition format, checked by a parser of our own and by promtool
out=$(python3 - "$tmp/prom.txt" "$ns_c" "$ns_s" "$(stat_of "$ns_c" keys_exported)" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
errs, helps, types, samples = [], {}, {}, []
for ln in lines:
    m = re.fullmatch(r"# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)", ln)
    if m:
        (helps if m[1] == "HELP" else types)[m[2]] = m[3]
        continue
    m = re.fullmatch(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{netns="((?:[^"\\\n]|\\.)*)"\})? ([0-9]+)', ln)
    if not m:
        errs.append("bad line: " + ln)
        continue
    samples.append((m[1], m[3], int(m[4])))
for name, ns, v in samples:
    if name not in helps or name not in types:
        errs.append(name + ": no HELP or TYPE line")
    if types.get(name) == "counter" and not name.endswith("_total"):
        errs.append(name + ": a counter without _total")
for g in ("tlsmon_pending", "tlsmon_sessions"):
    if types.get(g) != "gauge":
        errs.append(g + " is not a gauge")
if types.get("tlsmon_handshakes_total") != "counter":
    errs.append("handshakes is not a counter")
missed = [s for s in samples if s[0] == "tlsmon_installs_missed_total"]
if len(missed) != 1 or missed[0][1] is not None:
    errs.append("installs_missed not once without a label: %r" % missed)
nss = {s[1] for s in samples if s[0] == "tlsmon_handshakes_total"}
for want in sys.argv[2:4]:
    if want not in nss:
        errs.append("no samples of netns " + want)
ke = [s[2] for s in samples if s[0] == "tlsmon_keys_exported_total" and s[1] == sys.argv[2]]
if ke != [int(sys.argv[4])]:
    errs.append("keys_exported of %s: %r, monctl stats says %s" % (sys.argv[2], ke, sys.argv[4]))
print("\n".join(errs) or "ok")
PY
)
expect_eq "exposition format" "$out" ok
if command -v promtool >/dev/null; then
	promtool check metrics <"$tmp/prom.txt" >"$tmp/promtool.out" 2>&1 ||
		{ diag "promtool:"; sed 's/^/#   /' "$tmp/promtool.out"; case_ok=1; }
fi
[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/prom.txt" "$tmp/prom.err"
log_test $case_ok "keys_exported counts each key once over three reads; stats all -o prometheus: HELP/TYPE, netns labels, installs_missed once"

# --- a capture decrypted with the exported keys ------------------------------
# decrypt_case VERSION CIPHER SUITE
decrypt_case() {
	local version=$1 cipher=$2 suite=$3 tpid
	case_ok=0
	rm -f "$tmp/cap.pcap"
	ip netns exec "$ns_c" tcpdump --immediate-mode -B 65536 -Z root -U -n -s 0 -i vc1 -w "$tmp/cap.pcap" tcp 2>"$tmp/tcpdump.err" &
	tpid=$!
	capture_started || case_ok=1
	run_pair 10.78.0.2 "-$version -c -k $cipher" "-$version -o $suite -k $cipher" || case_ok=1
	sleep 1
	kill -INT $tpid
	wait $tpid
	printf '%s\n' "$keys_c" >"$tmp/keys.json"
	rm -rf "$tmp/out"
	mkdir -p "$tmp/out"
	"$monctl" decrypt keys "$tmp/keys.json" capture "$tmp/cap.pcap" out "$tmp/out" \
		pcap "$tmp/plain.pcap" >"$tmp/decrypt.out" 2>&1 || case_ok=1
	id=$(py "$keys_c" 'd[0]["id"]')
	expect_eq "client sent" "$(cat "$tmp/out/session-$id-tx.bin" 2>/dev/null)" "ping from the clientsecond ping"
	expect_eq "server sent" "$(cat "$tmp/out/session-$id-rx.bin" 2>/dev/null)" "pong from the serversecond pong"
	grep -q 'failed' "$tmp/decrypt.out" && ! grep -q ' 0 failed' "$tmp/decrypt.out" && case_ok=1
	# the plaintext capture, read by another tool
	expect_eq "plaintext capture" "$(tcpdump -r "$tmp/plain.pcap" -A 2>/dev/null | grep -o 'ping from the client\|second pong' | sort | tr '\n' ' ')" \
		"ping from the client second pong "
	[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/decrypt.out"
	log_test $case_ok "tcpdump capture of TLS 1.$version $cipher: monctl decrypt recovers exactly what each end sent"
}
decrypt_case 3 aes-gcm-128 ff01
decrypt_case 2 aes-gcm-256 ff2c
decrypt_case 3 chacha20-poly1305 ff03
decrypt_case 2 aes-ccm-128 "c0ac -c"

case_ok=0
# flip the last byte of the client's last record (its tag) in the capture
python3 - "$tmp/cap.pcap" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
off, last = 24, None
while off + 16 <= len(b):
    n = struct.unpack("<I", b[off + 8:off + 12])[0]
    pkt = off + 16
    ip = pkt + 14
    if b[ip] >> 4 == 4 and b[ip + 12:ip + 16] == bytes([10, 78, 0, 1]):
        tcp = ip + (b[ip] & 15) * 4
        payload = tcp + (b[tcp + 12] >> 4) * 4
        if payload < pkt + n:
            last = pkt + n - 1
    off = pkt + n
b[last] ^= 0xff
open(sys.argv[1], "wb").write(b)
PY
out=$("$monctl" decrypt keys "$tmp/keys.json" capture "$tmp/cap.pcap" out "$tmp/out" 2>&1); rc=$?
expect_eq "corrupted record" "$rc $(printf '%s\n' "$out" | grep -c 'tx: record 1 (epoch 0) at stream offset [0-9]*: authentication failed')" "1 1"
expect_eq "the record before it" "$(cat "$tmp/out/session-$id-tx.bin")" "ping from the client"
log_test $case_ok "a record that fails authentication after the installation point is reported"

case_ok=0
python3 - "$tmp/keys.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d:
    r["key"] = ("0" if r["key"][0] != "0" else "1") + r["key"][1:]
json.dump(d, open(sys.argv[1], "w"))
PY
out=$("$monctl" decrypt keys "$tmp/keys.json" capture "$tmp/cap.pcap" out "$tmp/out" 2>&1); rc=$?
expect_eq "wrong keys" "$rc $(printf '%s\n' "$out" | grep -c 'no record matched the keys')" "1 2"
log_test $case_ok "monctl decrypt with wrong keys decrypts nothing and says so"

# --- an ordinary session is never exported -----------------------------
case_ok=0
run_pair 10.78.0.2 "" "-o 1301" || case_ok=1
expect_eq "client keys" "$keys_c" "[]"
expect_eq "server keys" "$keys_s" "[]"
log_test $case_ok "ordinary session: no keys"

# --- a peer behind a router -------------------------------------------------
case_ok=0
before=$(stat_of "$ns_c" export_refused)
before_far=$(stat_of "$ns_far" export_refused)
pair_s=$ns_far run_pair 10.82.0.2 "" "-o ff01" || { case_ok=1; ip -n "$ns_far" -br addr | sed "s/^/# far: /"; ip -n "$ns_c" route | sed "s/^/# c: /"; }
expect_eq "client session" "$(py "$sess_c" 'len(d)')" 1
expect_eq "client keys" "$keys_c" "[]"
expect_eq "far keys" "$keys_s" "[]"
expect_eq "client refused" "$(stat_of "$ns_c" export_refused)" $((before + 2))
expect_eq "far refused" "$(stat_of "$ns_far" export_refused)" $((before_far + 2))
log_test $case_ok "peer behind a gateway: monitored, never exported, refusals counted"

# --- the peer moves off-link after tagging ---------------------------------
case_ok=0
hold_pair 10.78.0.2 10.78.0.2 "" "-o ff01" || case_ok=1
expect_eq "keys while on-link" "$(py "$(mcc -j keys)" 'len(d)')" 2
before=$(stat_of "$ns_c" export_refused)
# a host route through the router: the peer is no longer directly reached
ip -n "$ns_c" route add 10.78.0.2/32 via 10.81.0.254
expect_eq "keys after the route change" "$(mcc -j keys)" "[]"
expect_eq "refused" "$(stat_of "$ns_c" export_refused)" $((before + 1))
expect_eq "keys again, refused" "$(mcc -j keys)" "[]"
expect_eq "refused twice" "$(stat_of "$ns_c" export_refused)" $((before + 2))
ip -n "$ns_c" route del 10.78.0.2/32 via 10.81.0.254
# a refused read wiped nothing: the rule decides at each export
expect_eq "keys once the route is back" "$(py "$(mcc -j keys)" 'len(d)')" 2
release_pair || case_ok=1
log_test $case_ok "peer moves behind a gateway after tagging: refused while it is, a refused read changes nothing"

case_ok=0
hold_pair 10.78.0.2 10.78.0.2 "" "-o ff01" || case_ok=1
expect_eq "server keys while on-link" "$(py "$(mcs -j keys)" 'len(d)')" 2
ip -n "$ns_s" addr del 10.78.0.2/24 dev vs
ip -n "$ns_s" addr add 10.78.0.2/32 dev vs
expect_eq "server keys after the address change" "$(mcs -j keys)" "[]"
ip -n "$ns_s" addr del 10.78.0.2/32 dev vs
ip -n "$ns_s" addr add 10.78.0.2/24 dev vs
release_pair || case_ok=1
log_test $case_ok "the local prefix goes away after tagging: no longer exported"

# --- privileges and namespaces ------------------------------------------------
case_ok=0
hold_pair 10.78.0.2 10.78.0.2 "" "-o ff01" || case_ok=1
out=$(unpriv "$monctl" -n "$ns_c" keys 2>&1); rc=$?
expect_eq "unprivileged dump" "$rc $out" "1 monctl: cannot read the keys: Operation not permitted (CAP_NET_ADMIN over this network namespace is needed)"
expect_eq "unprivileged sessions" "$(py "$(unpriv "$monctl" -n "$ns_c" -j sessions)" 'len(d)')" 1
expect_eq "another namespace sees nothing" "$("$monctl" -n "$ns_x" -j keys)" "[]"
release_pair || case_ok=1
log_test $case_ok "without CAP_NET_ADMIN: key dump refused, sessions still shown; other namespaces see nothing"

case_ok=0
write_join_py
inum_c=$(ip netns exec "$ns_c" readlink /proc/self/ns/net | tr -dc '0-9')
joins0=$(dmesg | grep -c "tlsmon: netns $inum_c: key group joined by uid 0 auid [0-9]* pid [0-9]* comm python3$")
expect_eq "privileged join" "$(ip netns exec "$ns_c" python3 "$tmp/join.py" 2>&1)" joined
expect_eq "unprivileged join" "$(unpriv ip netns exec "$ns_c" python3 "$tmp/join.py" 2>&1)" EPERM
expect_eq "joins logged" "$(( $(dmesg | grep -c "tlsmon: netns $inum_c: key group joined by uid 0 auid [0-9]* pid [0-9]* comm python3$") - joins0 ))" 1
log_test $case_ok "joining the keys group needs CAP_NET_ADMIN (EPERM otherwise); a join is logged, a refused one not"

# --- no key byte on any multicast group ----------------------------------------
# Two raw listeners, one privileged (keys and events groups), one without
# CAP_NET_ADMIN (the keys group too if the kernel let it join, else
# events), record every message byte. Neither may hold a byte sequence of
# the installed keys: the keys group carries notices, and keys are fetched
# with KEYS_GET, refused without CAP_NET_ADMIN, after export went off and
# after the session closed.
case_ok=0
nlk="python3 $top/selftests/tlsmon/nl_keys.py"
: >"$tmp/raw.priv"
: >"$tmp/raw.unpriv"
ip netns exec "$ns_c" $nlk listen "$tmp/raw.priv" >"$tmp/lp.out" 2>&1 &
lpid=$!
# not through unpriv(): $! would be a subshell, and kill would miss the
# listener
setpriv --inh-caps=-net_admin --bounding-set=-net_admin -- \
	ip netns exec "$ns_c" $nlk listen "$tmp/raw.unpriv" >"$tmp/lu.out" 2>&1 &
lupid=$!
busywait 10000 sh -c "grep -q ready '$tmp/lp.out' && grep -q ready '$tmp/lu.out'" || case_ok=1
expect_eq "privileged listener joined" "$(head -1 "$tmp/lp.out")" "keys events"
hold_pair 10.78.0.2 10.78.0.2 "" "-o ff01" || case_ok=1
cookie=$(py "$(mcc -j sessions)" 'd[0]["cookie"]')
busywait 5000 sh -c "[ \$(grep -c '^9 ' '$tmp/raw.priv') -ge 2 ]" || case_ok=1
expect_eq "unprivileged fetch" "$(unpriv ip netns exec "$ns_c" $nlk get "$cookie")" EPERM
fetched=$(ip netns exec "$ns_c" $nlk get "$cookie")
expect_eq "fetched tx" "$(echo "$fetched" | sed -n 's/^tx //p')" "$(expected_keys aes-gcm-128 client)"
expect_eq "fetched rx" "$(echo "$fetched" | sed -n 's/^rx //p')" "$(expected_keys aes-gcm-128 server)"
expect_eq "fetch, another namespace" "$(ip netns exec "$ns_x" $nlk get "$cookie")" ENOENT
mcc policy set export off
expect_eq "fetch after export off" "$(ip netns exec "$ns_c" $nlk get "$cookie")" EOPNOTSUPP
mcc policy set export on
expect_eq "fetch after export off and on" "$(ip netns exec "$ns_c" $nlk get "$cookie")" ENOENT
release_pair || case_ok=1
hold_pair 10.78.0.2 10.78.0.2 "" "-o ff01" || case_ok=1
cookie2=$(py "$(mcc -j sessions)" 'd[0]["cookie"]')
release_pair || case_ok=1
busywait 5000 sh -c "[ \$(grep -c '^6 ' '$tmp/raw.unpriv') -ge 2 ]" || case_ok=1
expect_eq "fetch after the session closed" "$(ip netns exec "$ns_c" $nlk get "$cookie2")" ENOENT
kill $lpid $lupid 2>/dev/null
wait $lpid $lupid 2>/dev/null
expect_eq "key notices received (privileged)" "$(grep -c '^9 ' "$tmp/raw.priv")" 4
expect_eq "session notices received (unprivileged)" "$(grep -c '^5 ' "$tmp/raw.unpriv")" 2
for w in client server; do
	for part in $(expected_keys aes-gcm-128 $w | cut -d' ' -f1-3); do
		expect_eq "$w key bytes $part on a group (privileged)" "$(grep -c "$part" "$tmp/raw.priv")" 0
		expect_eq "$w key bytes $part on a group (unprivileged)" "$(grep -c "$part" "$tmp/raw.unpriv")" 0
	done
done
[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/lp.out" "$tmp/lu.out"
log_test $case_ok "no key byte on a multicast group; KEYS_GET fetches the installed keys, refused without CAP_NET_ADMIN, after export off and after close"

# --- key events ------------------------------------------------------------------
case_ok=0
"$monctl" -n "$ns_c" -j monitor sessions keys count 4 >"$tmp/monitor.out" 2>&1 &
mpid=$!
sleep 0.5
run_pair 10.78.0.2 "" "-o ff01" || case_ok=1
busywait 5000 sh -c "[ \$(wc -l <'$tmp/monitor.out') -ge 4 ]" || case_ok=1
kill $mpid 2>/dev/null
wait $mpid 2>/dev/null
expect_eq "events" "$(python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join(sorted(e["event"] + ("-" + e["keys"]["direction"] if e["event"] == "keys" else "") for e in ev)))' "$tmp/monitor.out")" \
	"del keys-rx keys-tx new"
expect_eq "event key" "$(python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
print([e["keys"]["key"] for e in ev if e["event"] == "keys" and e["keys"]["direction"] == "tx"][0])' "$tmp/monitor.out")" \
	"$(expected_keys aes-gcm-128 client | cut -d' ' -f1)"
log_test $case_ok "monctl monitor keys fetches, on each notice, the keys the application installed"

# --- a listener that joined before the policy changed ------------------------
# It stays subscribed, but export off means no key event reaches it; and a
# session installed while export was off is not exported once it is on.
case_ok=0
"$monctl" -n "$ns_c" -j monitor sessions keys >"$tmp/monitor2.out" 2>&1 &
mpid=$!
sleep 0.5
mcc policy set export off
hold_pair 10.78.0.2 10.78.0.2 "" "-o ff01" || case_ok=1
mcc policy set export on
keys_late=$(mcc -j keys)
release_pair || case_ok=1
busywait 5000 grep -q '"event":"del"' "$tmp/monitor2.out" || case_ok=1
kill $mpid 2>/dev/null
wait $mpid 2>/dev/null
expect_eq "session events seen" "$(grep -c '"event":"new"' "$tmp/monitor2.out")" 1
expect_eq "key events after export went off" "$(grep -c '"event":"keys"' "$tmp/monitor2.out")" 0
expect_eq "keys of that session once export is back on" "$keys_late" "[]"
log_test $case_ok "a listener joined before export went off gets no keys; export on again does not export what was installed meanwhile"

# --- turning off means off -----------------------------------------------------
# Keys held when export or monitoring goes off are wiped: turning it on
# again exports nothing of the sessions that were open meanwhile.
for what in export enabled; do
	case_ok=0
	hold_pair 10.78.0.2 10.78.0.2 "" "-o ff01" || case_ok=1
	expect_eq "keys before" "$(py "$(mcc -j keys)" 'len(d)')" 2
	mcc policy set $what off
	mcc policy set $what on
	expect_eq "client keys after $what off and on" "$(mcc -j keys)" "[]"
	expect_eq "sessions kept" "$(py "$(mcc -j sessions)" 'len(d)')" 1
	release_pair || case_ok=1
	log_test $case_ok "$what off wipes the keys held: $what on again exports none of them"
done

# The second direction installed after monitoring went off copies no keys
# (export stays on): the client installs TX, waits, then RX.
case_ok=0
port=$((port + 1))
rm -f "$tmp/go" "$tmp/between"
"$monctl" -n "$ns_c" -j monitor sessions keys >"$tmp/monitor3.out" 2>&1 &
mpid=$!
sleep 0.5
ip netns exec "$ns_s" "$peer" server 10.78.0.2 $port -w "$tmp/go" >"$tmp/s.out" 2>&1 &
spid=$!
busywait 5000 grep -q listening "$tmp/s.out"
ip netns exec "$ns_c" "$peer" client 10.78.0.2 $port -w "$tmp/go" -o ff01 -P "$tmp/between" >"$tmp/c.out" 2>&1 &
cpid=$!
busywait 20000 grep -q between "$tmp/c.out" || case_ok=1
busywait 5000 grep -q '"event":"keys"' "$tmp/monitor3.out" || case_ok=1
expect_eq "client TX keys held" "$(py "$(mcc -j keys)" 'len(d)')" 1
mcc policy set enabled off
touch "$tmp/between"
busywait 20000 sh -c "grep -q ready '$tmp/s.out' && grep -q ready '$tmp/c.out'" || case_ok=1
expect_eq "client keys with monitoring off" "$(mcc -j keys)" "[]"
mcc policy set enabled on
expect_eq "client keys with monitoring on again" "$(mcc -j keys)" "[]"
expect_eq "client session has both directions" "$(py "$(mcc -j sessions)" '" ".join(d[0]["directions"])')" "tx rx"
touch "$tmp/go"
wait $spid || case_ok=1
wait $cpid || case_ok=1
sleep 0.5
kill $mpid 2>/dev/null
wait $mpid 2>/dev/null
expect_eq "key events" "$(python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join(e["keys"]["direction"] for e in ev if e["event"] == "keys"))' "$tmp/monitor3.out")" "tx"
[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/s.out" "$tmp/c.out" "$tmp/monitor3.out"
log_test $case_ok "the second direction installed after monitoring went off: no keys held, no key event"

rmmod tlsmon
log_test $? "unload"
ktap_finish
