#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tlsmon demonstration, run inside the test guest by 'make demo'.
#
#   +---------------------+  veth  +---------------------+
#   | ns "client"         +--------+ ns "server"          |
#   | 10.88.0.1/24        |        | 10.88.0.2/24         |
#   +---------------------+        +---------------------+
#
# The TLS handshakes here are hand-made records of the real format sent
# over real TCP (the module only reads the wire), followed by real kTLS
# with test keys; sessions between real OpenSSL peers come later.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
monctl=$top/tools/monctl/monctl
peer=$top/build/selftests/tlsmon/tls_peer
export PATH=$top/tools/monctl:$PATH
tmp=$(mktemp -d)
port=4440

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() {
	printf '$ %s\n' "$*"
	"$@"
}
klog() { dmesg | grep 'tlsmon:' | sed 's/^\[[^]]*\] //' | tail -n "$1"; }

# session NAME SERVER_OPTS CLIENT_OPTS: a handshake and kTLS between the
# namespaces; the sockets stay open until 'end_session'.
session() {
	port=$((port + 1))
	rm -f "$tmp/go"
	printf '\n-- %s\n' "$1"
	# shellcheck disable=SC2086
	ip netns exec server "$peer" server 10.88.0.2 $port -w "$tmp/go" $2 >"$tmp/s.out" 2>&1 &
	sleep 0.3
	# shellcheck disable=SC2086
	ip netns exec client "$peer" client 10.88.0.2 $port -w "$tmp/go" $3 >"$tmp/c.out" 2>&1 &
	for _ in $(seq 100); do
		grep -q ready "$tmp/c.out" && grep -q ready "$tmp/s.out" && return
		sleep 0.1
	done
	echo "(the peers did not finish their handshake)"
}
end_session() {
	touch "$tmp/go"
	wait
}

step "Load the module: monitoring is off everywhere until an administrator enables it"
run insmod "$top/module/tlsmon.ko"
run monctl policy show

step "A client and a server namespace on one subnet"
ip netns add client
ip netns add server
ip link add veth0 netns client type veth peer veth0 netns server
ip -n client addr add 10.88.0.1/24 dev veth0
ip -n server addr add 10.88.0.2/24 dev veth0
ip -n client link set veth0 up
ip -n server link set veth0 up
echo "client 10.88.0.1/24 <-> server 10.88.0.2/24"

step "The administrator enables monitoring on both hosts and marks tagged sockets"
run monctl -n client policy set enabled on mark 0x100/0xf00 export on
run monctl -n server policy set enabled on mark 0x200/0xf00 export on
echo "The host's kernel log says so:"
klog 2

step "Three TLS 1.3 sessions"
session "1. the client offers TLS_AES_128_GCM_SHA256_MON (0xff01) and the server selects it" \
	"" "-o ff01,1301"
run monctl -n client sessions
run monctl -n server -j -p sessions
echo "Its keys, for a privileged reader on the same subnet (one record per direction):"
run monctl -n client keys
echo "An unprivileged user cannot read them:"
run setpriv --inh-caps=-net_admin --bounding-set=-net_admin -- "$monctl" -n client keys
end_session

session "2. an ordinary session: TLS_AES_128_GCM_SHA256, no signal" "" "-o 1301"
run monctl -n client sessions
echo "(nothing: an ordinary session is never tagged, and its keys are never copied)"
end_session

session "3. a standard suite, but both hellos carry the consent extension 0xff4d" \
	"-c" "-o 1301 -c"
run monctl -n client sessions
end_session

step "What the client's host saw"
run monctl -n client stats

step "Without CAP_NET_ADMIN the policy can be read but not changed"
run setpriv --inh-caps=-net_admin --bounding-set=-net_admin -- \
	"$monctl" -n server policy set enabled off
echo "(exit status $?)"
run monctl -n server policy set consent-ext 0xff01
echo "(exit status $?)"

step "Unloading leaves every socket working and no trace"
ip netns del client
ip netns del server
run rmmod tlsmon
klog 3
rm -rf "$tmp"

cat <<'MSG'

What this showed:
  - tlsmon is off by default and is enabled per network namespace, by an
    administrator of that namespace only, and the kernel log says so.
  - A session is tagged only when both ends took part: the client offered a
    monitoring suite and the server selected it, or both hellos carried the
    consent extension. An ordinary session leaves only counters behind.
  - Tagged sockets carry a mark, appear in 'monctl sessions' on both hosts,
    and disappear when closed.
  - Their keys are exported only to privileged readers, only when export is
    on, and only for peers on a directly connected subnet.
Next: decrypting a capture with the exported keys, and sessions between
real OpenSSL applications.
MSG
