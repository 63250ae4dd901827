# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the benchmarks inside the guest (bench.sh, ab.sh): the two
# namespaces joined by a veth pair that every benchmark runs between, the
# module's states, and the load generator. The caller sets top.

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
load=$top/build/selftests/tlsmon/load
ssl_peer=$top/build/selftests/tlsmon/ssl_peer

ulimit -n 1048576
sysctl -qw net.core.somaxconn=4096
port=6000

c=tlsmon-bc s=tlsmon-bs
ip netns add $c && ip netns add $s || exit 1
ip link add vc netns $c type veth peer vs netns $s
ip -n $c addr add 10.82.0.1/24 dev vc
ip -n $s addr add 10.82.0.2/24 dev vs
for n in $c $s; do ip -n $n link set lo up; done
ip -n $c link set vc up && ip -n $s link set vs up
# Permanent neighbours: an entry that goes stale sends every packet through
# neigh_resolve_output() instead of the cached header until it is
# confirmed again, about 600 instructions per connection, in some runs and
# not others, whatever the module does (make bench-profile saw it).
ip -n $c neigh replace 10.82.0.2 dev vc nud permanent \
	lladdr "$(ip netns exec $s cat /sys/class/net/vs/address)"
ip -n $s neigh replace 10.82.0.1 dev vs nud permanent \
	lladdr "$(ip netns exec $c cat /sys/class/net/vc/address)"
# No TIME_WAIT sockets: each connection-rate run would otherwise leave tens
# of thousands behind, which the next runs' connects search through
# whatever state they measure (with them, two runs of one state differed
# by up to 30%; without, by about 15%).
for n in $c $s; do
	ip netns exec $n sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
	ip netns exec $n sysctl -qw net.ipv4.tcp_max_tw_buckets=0
done
modprobe tls

# For the connection rate with a real handshake: OpenSSL, TLS 1.2 (Debian's
# OpenSSL 3.0 installs kTLS for reading only with 1.2), ECDHE with an ECDSA
# P-256 certificate, AES-128-GCM (0xc02b), monitored by the consent
# extension (ssl_peer -C): a standard suite cannot be a monitoring suite.
tmp=$(mktemp -d)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj /CN=tlsmon-test -addext subjectAltName=DNS:tlsmon-test -days 2 \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null || exit 1
ssl_suite=ECDHE-ECDSA-AES128-GCM-SHA256

# state absent|loaded|enabled: the module (the build at $ko) and its
# policy. Loaded and enabled start from a fresh load of $ko, so that no run
# inherits the tables, caches or probe instances of the one before it, and
# a changed $ko takes effect.
state() {
	local n
	rmmod tlsmon 2>/dev/null
	case $1 in
	absent) ;;
	loaded|enabled)
		insmod "$ko" || exit 1
		for n in $c $s; do
			if [ "$1" = enabled ]; then
				"$monctl" -n $n policy set enabled on export on \
					links "$([ $n = $c ] && echo vc || echo vs)" || exit 1
			else
				"$monctl" -n $n policy set enabled off export off
			fi
		done ;;
	esac
}

# rotate ROUND WORD...: the words, rotated by ROUND - 1. Runs of one round
# go in this order, so that each state (or build) takes each place in turn
# and a drift within a round does not always fall on the same one.
rotate() {
	local r=$1 i
	shift
	local w=("$@")
	for ((i = 0; i < ${#w[@]}; i++)); do
		echo "${w[(i + r - 1) % ${#w[@]}]}"
	done
}

# run_load ARGS...: load between the namespaces, on a port of its own
run_load() {
	port=$((port + 1))
	"$load" -C $c -S $s -a 10.82.0.2 -p $port -N "$@"
}

# load_rate ARGS...: connections per second of a churn (load -t)
load_rate() {
	run_load -L "$@" | sed -n 's/.*(\([0-9]*\) per second)$/\1/p'
}

# load_mbps ARGS...: MB/s of a bulk transfer (load -B)
load_mbps() {
	run_load -L "$@" | sed -n 's/.* \([0-9.]*\) MB\/s$/\1/p'
}

# wait_listen PORT: until the server namespace listens on PORT; fails
# after 10 s (a server that could not start)
wait_listen() {
	local i

	for ((i = 0; i < 100; i++)); do
		ip netns exec $s ss -ltn | grep -q ":$1 " && return 0
		sleep 0.1
	done
	echo "bench: nothing listens on port $1 after 10 s" >&2
	return 1
}

# iperf_mbps ARGS...: MB/s (10^6 bytes) that iperf3 received, an outside
# tool with its own defaults (128 KiB writes), client in one namespace and
# server in the other
iperf_mbps() {
	local spid

	port=$((port + 1))
	ip netns exec $s iperf3 -s -1 -B 10.82.0.2 -p $port >/dev/null 2>&1 &
	spid=$!
	wait_listen $port || { kill $spid 2>/dev/null; return 1; }
	ip netns exec $c iperf3 -c 10.82.0.2 -p $port -J "$@" | python3 -c '
import json, sys
print("%.1f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 8e6))'
	# gone after its one test, unless the client failed before it
	kill $spid 2>/dev/null
	wait $spid 2>/dev/null
}

# ssl_rate SECONDS [CLIENT-ARGS...]: "CONNECTIONS PER_SECOND" of ssl_peer -r,
# client and server in processes of their own, as kTLS applications run
ssl_rate() {
	local secs=$1 spid v

	shift
	port=$((port + 1))
	ip netns exec $s "$ssl_peer" server 10.82.0.2 $port -C -2 -c $ssl_suite -n 64 -r 1 \
		-k "$tmp/cert.pem" -K "$tmp/key.pem" >/dev/null &
	spid=$!
	wait_listen $port || { kill $spid 2>/dev/null; return 1; }
	v=$(ip netns exec $c "$ssl_peer" client 10.82.0.2 $port -C -2 -c $ssl_suite -n 64 \
		-r "$secs" -A "$tmp/cert.pem" "$@" |
		sed -n 's/^\([0-9]*\) connections .*(\([0-9.]*\) per second)$/\1 \2/p')
	kill $spid
	wait $spid 2>/dev/null
	echo "$v"
}
