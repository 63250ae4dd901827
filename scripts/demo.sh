#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tlsmon demonstration, run inside the test guest by 'make demo'.
#
#   ns "client"              ns "server"
#   10.88.0.1/24 ---------- 10.88.0.2/24           one subnet
#   10.89.0.1/24 --+
#                  |  ns "router"
#                  +- 10.89.0.254 / 10.90.0.254 --+
#                                                 |  ns "remote"
#                                                 +- 10.90.0.2/24
#
# Three real OpenSSL TLS 1.3 sessions with kernel TLS, from the client:
# consent given to the server on its subnet, no consent, and consent given
# to the remote host behind the router.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
monctl=$top/tools/monctl/monctl
peer=$top/build/selftests/tlsmon/ssl_peer
export PATH=$top/tools/monctl:$PATH
tmp=$(mktemp -d)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '%s\n' "$*" | fold -s -w 76; }
run() {
	printf '$ %s\n' "$*"
	"$@"
}
# the module's kernel log lines since the last mark()
mark() { echo "tlsmon-demo-mark-$1" >/dev/kmsg; }
klog() { dmesg | sed -n "/tlsmon-demo-mark-$1/,\$p" | grep 'tlsmon:' | sed 's/^\[[^]]*\] /  /'; }

cleanup() {
	touch "$tmp/go"
	kill "$tcpdump_pid" 2>/dev/null
	for n in client server router remote; do
		ip netns del $n 2>/dev/null
	done
	rmmod tlsmon 2>/dev/null
	rm -rf "$tmp"
}
tcpdump_pid=
trap cleanup EXIT

# session N NS ADDR PORT "SERVER OPTS" "CLIENT OPTS" TEXT: a real OpenSSL
# session from the client namespace; both ends stay open until the end.
session() {
	local n=$1 ns=$2 addr=$3 port=$4 sopts=$5 copts=$6 text=$7
	# shellcheck disable=SC2086
	ip netns exec "$ns" "$peer" server "$addr" "$port" -k "$tmp/cert.pem" -K "$tmp/key.pem" \
		-w "$tmp/go" -m "reply to: $text" $sopts >"$tmp/s$n.out" 2>&1 &
	for _ in $(seq 50); do grep -q listening "$tmp/s$n.out" && break; sleep 0.1; done
	# shellcheck disable=SC2086
	ip netns exec client "$peer" client "$addr" "$port" -A "$tmp/cert.pem" \
		-w "$tmp/go" -m "$text" $copts >"$tmp/c$n.out" 2>&1 &
	for _ in $(seq 200); do
		grep -q ready "$tmp/c$n.out" && grep -q ready "$tmp/s$n.out" && break
		sleep 0.1
	done
	echo "  the client application (libtlsmon tells it what the module knows):"
	sed -n 's/^handshake \([^ ]* [^ ]*\) ktls=\([^ ]*\) consent=\([^ ]*\) monitored=\([^ ]*\) reason=\([^ ]*\).*/    \1, kTLS \2, consent extension \3, monitored: \4 (\5)/p' "$tmp/c$n.out"
	sed -n 's/^peer said: /    the server answered: /p' "$tmp/c$n.out"
	grep -q ready "$tmp/c$n.out" || { echo "  (the session failed:)"; sed 's/^/    /' "$tmp/c$n.out" "$tmp/s$n.out"; }
}

step "Load the module: monitoring is off everywhere until an administrator enables it"
mark load
run insmod "${TLSMON_KO:-$top/module/tlsmon.ko}"
run monctl policy show

step "A client and a server on one subnet, a remote host behind a router"
for n in client server router remote; do
	ip netns add $n
	ip -n $n link set lo up
done
ip link add lan0 netns client type veth peer lan0 netns server
ip link add up0 netns client type veth peer up0 netns router
ip link add far0 netns router type veth peer far0 netns remote
ip -n client addr add 10.88.0.1/24 dev lan0
ip -n server addr add 10.88.0.2/24 dev lan0
ip -n client addr add 10.89.0.1/24 dev up0
ip -n router addr add 10.89.0.254/24 dev up0
ip -n router addr add 10.90.0.254/24 dev far0
ip -n remote addr add 10.90.0.2/24 dev far0
for l in "client lan0" "server lan0" "client up0" "router up0" "router far0" "remote far0"; do
	# shellcheck disable=SC2086
	ip -n ${l% *} link set ${l#* } up
done
ip netns exec router sysctl -qw net.ipv4.ip_forward=1
ip -n client route add 10.90.0.0/24 via 10.89.0.254
ip -n remote route add default via 10.90.0.254
cat <<'NET'
  client 10.88.0.1 ---- server 10.88.0.2          (same subnet)
  client 10.89.0.1 ---- router ---- remote 10.90.0.2   (behind a gateway)
NET
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=tlsmon-test \
	-addext subjectAltName=DNS:tlsmon-test -days 1 \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null

step "The operator enables monitoring and key export on the three hosts"
mark enable
run monctl -n client policy set enabled on consent accept links lan0,up0 export on
run monctl -n server policy set enabled on consent accept links lan0 export on
run monctl -n remote policy set enabled on consent accept links far0 export on
echo "The kernel log says so, for every administrator to see:"
klog enable

step "Three real OpenSSL TLS 1.3 sessions with kernel TLS, captured at the client"
ip netns exec client tcpdump --immediate-mode -U -n -s 0 -i any -w "$tmp/capture.pcap" tcp \
	2>"$tmp/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 50); do grep -q listening "$tmp/tcpdump.err" && break; sleep 0.1; done
echo
echo "A. Client and server both give consent (the extension in both hellos), same subnet"
session 1 server 10.88.0.2 4431 "-C" "-C" "PAYROLL employee=1042 amount=3150.00"
echo
echo "B. The server would monitor, but the client does not consent"
session 2 server 10.88.0.2 4432 "-C" "" "a private note the client did not agree to share"
echo
echo "C. Both give consent, but the remote host is behind a router"
session 3 remote 10.90.0.2 4433 "-C" "-C" "order 77 shipped to the branch office"

step "Which sessions are monitored: each host sees its own"
run monctl -n client sessions
run monctl -n server sessions
run monctl -n remote sessions
say "(monctl numbers sessions per host.) Session B is absent: an ordinary session is never tagged. Session C, client to remote, is tagged on both ends, because both consented."

step "Which keys were exported"
run monctl -n client keys
run monctl -n server keys
run monctl -n remote keys
echo "(none: the client is not on a directly connected subnet of the remote host)"
printf '$ monctl -n client stats | grep -E "tagged|export_refused|keys_exported"\n'
monctl -n client stats | grep -E "tagged|export_refused|keys_exported"
printf '$ monctl -n remote stats | grep -E "^tagged|export_refused"\n'
monctl -n remote stats | grep -E "^tagged|export_refused"
say "Session C's keys were refused on both hosts (the counters above); session B's keys were never copied. An unprivileged user cannot read any key:"
run setpriv --inh-caps=-net_admin --bounding-set=-net_admin -- "$monctl" -n client keys

step "Decrypt the capture with the exported keys"
monctl -n client -j keys >"$tmp/client-keys.json"
monctl -n server -j keys >"$tmp/server-keys.json"
touch "$tmp/go"
wait $(jobs -p | grep -vx "$tcpdump_pid") 2>/dev/null
sleep 1
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null
tcpdump_pid=
cd "$tmp" || exit 1
printf '$ tcpdump -r capture.pcap | wc -l\n'
tcpdump -r capture.pcap 2>/dev/null | wc -l
run monctl decrypt keys client-keys.json capture capture.pcap out from-client-keys
run monctl decrypt keys server-keys.json capture capture.pcap out from-server-keys
echo
echo "The recovered plaintext:"
for f in from-client-keys/*.bin from-server-keys/*.bin; do
	printf '  %s: %s\n' "$f" "$(tr -d '\n' <"$f")"
done
printf 'Is the text of sessions B or C anywhere in the capture or the output? '
if grep -rqa -e "private note" -e "order 77" capture.pcap from-client-keys from-server-keys; then
	echo "yes (unexpected)"
else
	echo "no"
fi
cd "$top" || exit 1

step "The operator turns monitoring off and unloads the module"
mark off
for n in client server remote; do
	run monctl -n $n policy set enabled off
done
for n in client server router remote; do
	ip netns del $n
done
run rmmod tlsmon
klog off

cat <<'MSG'

What this showed:
  - tlsmon is off until an administrator enables it, per network namespace,
    and the kernel log says so.
  - Real OpenSSL applications take part through libtlsmon: the client offers
    the consent extension, a server that monitors echoes it, and both can ask
    the kernel whether their own connection is monitored.
  - Session A (consent, same subnet) was monitored and its keys exported;
    'monctl decrypt' recovered exactly what the two applications said.
  - Session B (no consent) was not monitored: its keys were never copied.
  - Session C (consent, but the peer is behind a router) was monitored, yet
    its keys were refused on both hosts: decryption information never leaves
    the local subnet.
MSG
