#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TLS 1.3 rekey: tls_peer sends KeyUpdate through kTLS (a handshake record
# with TLS_SET_RECORD_TYPE) and installs its next keys, the other end
# reads it and installs its next RX keys. Each epoch of a monitored
# session's direction is exported with its number and equals the keys
# installed, a rekey is never taken for a first installation, and a
# capture across the rekey is decrypted whole. Skipped where kTLS cannot
# rekey.
#
#   ns c (client) vc 10.86.0.1/24 ----- vs 10.86.0.2/24 ns s (server)
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
. "$top/selftests/lib/peers.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
peer=$top/build/selftests/tlsmon/tls_peer
suffix=$$
ns_c=tlsmon-rkc-$suffix
ns_s=tlsmon-rks-$suffix
tmp=$(mktemp -d)
port=4800
mpid=
tpid=

mcc() { "$monctl" -n "$ns_c" "$@"; }
mcs() { "$monctl" -n "$ns_s" "$@"; }

cleanup() {
	touch "$tmp/go" "$tmp/rk"
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null
	[ -n "$tpid" ] && kill "$tpid" 2>/dev/null
	ip netns del "$ns_c" 2>/dev/null
	ip netns del "$ns_s" 2>/dev/null
	rmmod tlsmon 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_header "TLS 1.3 rekey"
if [ ! -x "$peer" ] || [ ! -r "$ko" ]; then
	skip_test "rekey" "tls_peer or the module is not built"
	ktap_finish
	exit $?
fi
rmmod tlsmon 2>/dev/null
insmod "$ko" || ktap_bail "load the module"
# net/tls (loaded with tlsmon) counts rekeys where it can do them
if ! grep -q TlsTxRekeyOk /proc/net/tls_stat 2>/dev/null; then
	skip_test "rekey" "this kernel's kTLS cannot rekey (no TlsTxRekeyOk in /proc/net/tls_stat)"
	ktap_finish
	exit $?
fi

for n in "$ns_c" "$ns_s"; do
	ip netns add "$n" || ktap_bail "create the namespaces"
	ip -n "$n" link set lo up
done
ip link add vc netns "$ns_c" type veth peer vs netns "$ns_s"
ip -n "$ns_c" addr add 10.86.0.1/24 dev vc
ip -n "$ns_s" addr add 10.86.0.2/24 dev vs
ip -n "$ns_c" link set vc up
ip -n "$ns_s" link set vs up
mcc policy set enabled on links vc export on
mcs policy set enabled on links vs export on

# start_pair "SERVER OPTS" "CLIENT OPTS": both ends hold at -R and -w
start_pair() {
	port=$((port + 1))
	rm -f "$tmp/go" "$tmp/rk"
	: >"$tmp/s.out"
	: >"$tmp/c.out"
	# shellcheck disable=SC2086
	ip netns exec "$ns_s" "$peer" server 10.86.0.2 $port -K -R "$tmp/rk" -w "$tmp/go" $1 >"$tmp/s.out" 2>&1 &
	spid=$!
	busywait 5000 grep -q listening "$tmp/s.out"
	# shellcheck disable=SC2086
	ip netns exec "$ns_c" "$peer" client 10.86.0.2 $port -K -R "$tmp/rk" -w "$tmp/go" $2 >"$tmp/c.out" 2>&1 &
	cpid=$!
}

# wait_both WORD: both ends printed WORD (or one of them gave up)
wait_both() {
	busywait 30000 sh -c "(grep -q '^$1' '$tmp/s.out' && grep -q '^$1' '$tmp/c.out') ||
		! kill -0 $spid 2>/dev/null || ! kill -0 $cpid 2>/dev/null"
	grep -q "^$1" "$tmp/s.out" && grep -q "^$1" "$tmp/c.out" && return 0
	diag "the peers did not reach '$1':"
	sed 's/^/#   /' "$tmp/s.out" "$tmp/c.out"
	return 1
}

# installed OUT DIR EPOCH: "key iv salt" tls_peer printed for that epoch
installed() {
	awk -v d="$2" -v e="$3" '$1 == "installed" && $2 == d && $4 == e { print $6, $8, $10 }' "$1"
}

# exported KEYS DIR: "epoch key iv salt" of each record of that direction
exported() {
	py "$1" "'|'.join(' '.join([str(r['epoch']), r['key'], r['iv'], r['salt'] or '-']) for r in d if r['direction'] == '$2')"
}

# rfc_keys WRITER EPOCH CIPHER: "key iv salt" by RFC 8446 7.2/7.3 from
# tls_peer's fixed epoch-0 secret, derived here independently
rfc_keys() {
	python3 - "$1" "$2" "$3" <<'PY'
import hashlib, hmac, sys
writer, epoch, cipher = sys.argv[1], int(sys.argv[2]), sys.argv[3]
md = hashlib.sha384 if cipher == "aes-gcm-256" else hashlib.sha256
klen = {"aes-gcm-128": 16, "aes-gcm-256": 32, "chacha20-poly1305": 32}[cipher]
def label(secret, name, n):
    name = b"tls13 " + name
    info = n.to_bytes(2, "big") + bytes([len(name)]) + name + b"\0\1"
    return hmac.new(secret, info, md).digest()[:n]
h = md().digest_size
s = bytes((0x70 if writer == "client" else 0x80) + i for i in range(h))
for _ in range(epoch):
    s = label(s, b"traffic upd", h)
iv = label(s, b"iv", 12)
salt = 0 if cipher == "chacha20-poly1305" else 4
print(label(s, b"key", klen).hex(), iv[salt:].hex(), iv[:salt].hex() or "-")
PY
}

# check_epochs END KEYS_BEFORE KEYS_AFTER: END's dumps held epoch 0 before
# the rekey and epoch 1 after it, each way equal to what END installed
check_epochs() {
	local d
	for d in tx rx; do
		expect_eq "$1 $d epoch 0" "$(exported "$2" $d)" "0 $(installed "$tmp/$1.out" $d 0)"
		expect_eq "$1 $d epoch 1" "$(exported "$3" $d)" "1 $(installed "$tmp/$1.out" $d 1)"
	done
}

# --- both directions of both ends rekeyed, across a capture --------------
rekey_case() {
	local cipher=$1 suite=$2 k0c k0s k1c k1s ev id
	case_ok=0
	"$monctl" -n "$ns_c" -j monitor keys >"$tmp/monitor.out" 2>&1 &
	mpid=$!
	rm -f "$tmp/cap.pcap"
	ip netns exec "$ns_c" tcpdump --immediate-mode -B 65536 -Z root -U -n -s 0 -i vc -w "$tmp/cap.pcap" tcp 2>"$tmp/tcpdump.err" &
	tpid=$!
	capture_started || case_ok=1
	sleep 0.5
	start_pair "-3 -k $cipher -u both" "-3 -o $suite -k $cipher -u both"
	wait_both rekey || case_ok=1
	k0c=$(mcc -j keys)
	k0s=$(mcs -j keys)
	touch "$tmp/rk"
	wait_both ready || case_ok=1
	k1c=$(mcc -j keys)
	k1s=$(mcs -j keys)
	touch "$tmp/go"
	wait $spid || case_ok=1
	wait $cpid || case_ok=1
	sleep 1
	kill -INT $tpid
	wait $tpid
	tpid=
	kill $mpid 2>/dev/null
	wait $mpid 2>/dev/null
	mpid=

	# each end's dump: epoch 0 before, epoch 1 after, equal to what it installed
	check_epochs c "$k0c" "$k1c"
	check_epochs s "$k0s" "$k1s"
	expect_eq "client tx epoch 1 by RFC 8446" "$(installed "$tmp/c.out" tx 1)" "$(rfc_keys client 1 "$cipher")"
	expect_eq "client rx epoch 1 by RFC 8446" "$(installed "$tmp/c.out" rx 1)" "$(rfc_keys server 1 "$cipher")"
	# every epoch was announced: four key events, epochs 0 and 1 each way
	ev=$(python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print(" ".join(sorted("%s%d" % (e["keys"]["direction"], e["keys"]["epoch"]) for e in ev if e["event"] == "keys")))' "$tmp/monitor.out" 2>&1)
	expect_eq "key events" "$ev" "rx0 rx1 tx0 tx1"
	if [ $case_ok -ne 0 ]; then
		diag "peer output:"
		sed 's/^/#   /' "$tmp/s.out" "$tmp/c.out"
		diag "client's monitor:"
		sed 's/^/#   /' "$tmp/monitor.out"
	fi
	log_test $case_ok "$cipher: each end's epochs 0 and 1, both directions, exported as installed"

	# the capture, decrypted with both epochs' keys
	case_ok=0
	python3 -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1]) + json.loads(sys.argv[2])))' \
		"$k0c" "$k1c" >"$tmp/keys.json" || case_ok=1
	rm -rf "$tmp/out"
	mkdir -p "$tmp/out"
	"$monctl" decrypt keys "$tmp/keys.json" capture "$tmp/cap.pcap" out "$tmp/out" \
		>"$tmp/decrypt.out" 2>&1 || case_ok=1
	id=$(py "$k0c" 'd[0]["id"]')
	expect_eq "client sent" "$(cat "$tmp/out/session-$id-tx.bin" 2>/dev/null)" \
		"ping from the clientafter rekey from the clientsecond ping"
	expect_eq "server sent" "$(cat "$tmp/out/session-$id-rx.bin" 2>/dev/null)" \
		"pong from the serverafter rekey from the serversecond pong"
	[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/decrypt.out"
	log_test $case_ok "$cipher: a capture across the KeyUpdate decrypted whole by monctl decrypt"
}

base_c=$(mcc -j stats)
base_s=$(mcs -j stats)
rekey_case aes-gcm-128 ff01
rekey_case aes-gcm-256 ff02
rekey_case chacha20-poly1305 ff03

# delta STATS_BEFORE NS NAME: how much a counter grew
delta() {
	echo $(( $(stat_of "$2" "$3") - $(py "$1" "d['$3']") ))
}

# counted NAME BASE NS REKEYS INSTALLS TAGGED: counters grown since BASE
counted() {
	expect_eq "$1 rekeys" "$(delta "$2" "$3" rekeys)" "$4"
	expect_eq "$1 installations" "$(delta "$2" "$3" ktls_installs)" "$5"
	expect_eq "$1 tagged" "$(delta "$2" "$3" tagged)" "$6"
	expect_eq "$1 untagged" "$(delta "$2" "$3" untagged)" 0
}

case_ok=0
counted client "$base_c" "$ns_c" 6 6 3
counted server "$base_s" "$ns_s" 6 6 3
log_test $case_ok "rekeys counted as rekeys, never as installations"

# --- a socket with one direction: its rekey is no first installation -----
case_ok=0
base_c=$(mcc -j stats)
base_s=$(mcs -j stats)
start_pair "-3 -d rx -u client" "-3 -o ff01 -d tx -u client"
wait_both rekey || case_ok=1
k0c=$(mcc -j keys)
touch "$tmp/rk"
wait_both ready || case_ok=1
k1c=$(mcc -j keys)
k1s=$(mcs -j keys)
s1c=$(mcc -j sessions)
touch "$tmp/go"
wait $spid || case_ok=1
wait $cpid || case_ok=1
expect_eq "client tx epoch 0" "$(exported "$k0c" tx)" "0 $(installed "$tmp/c.out" tx 0)"
expect_eq "client tx epoch 1" "$(exported "$k1c" tx)" "1 $(installed "$tmp/c.out" tx 1)"
expect_eq "client rx" "$(exported "$k1c" rx)" ""
expect_eq "server rx epoch 1" "$(exported "$k1s" rx)" "1 $(installed "$tmp/s.out" rx 1)"
expect_eq "client sessions" "$(py "$s1c" 'len(d)')" 1
counted client "$base_c" "$ns_c" 1 1 1
counted server "$base_s" "$ns_s" 1 1 1
[ $case_ok -eq 0 ] || { diag "peer output:"; sed 's/^/#   /' "$tmp/s.out" "$tmp/c.out"; }
log_test $case_ok "one direction: its rekey is epoch 1 of the session, not a new installation"

# --- an ordinary session's rekey: nothing monitored, nothing counted -------
case_ok=0
base_c=$(mcc -j stats)
start_pair "-3 -u both" "-3 -o 1301 -u both"
wait_both rekey || case_ok=1
touch "$tmp/rk"
wait_both ready || case_ok=1
expect_eq "client sessions" "$(py "$(mcc -j sessions)" "len(d)")" 0
expect_eq "client keys" "$(py "$(mcc -j keys)" "len(d)")" 0
touch "$tmp/go"
wait $spid || case_ok=1
wait $cpid || case_ok=1
expect_eq "client rekeys" "$(delta "$base_c" "$ns_c" rekeys)" 0
expect_eq "client installations" "$(delta "$base_c" "$ns_c" ktls_installs)" 2
expect_eq "client untagged" "$(delta "$base_c" "$ns_c" untagged)" 1
[ $case_ok -eq 0 ] || { diag "peer output:"; sed 's/^/#   /' "$tmp/s.out" "$tmp/c.out"; }
log_test $case_ok "standard suite: rekeyed by kTLS, never monitored or counted as a rekey"

ktap_finish
