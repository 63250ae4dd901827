#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile network input: floods of ClientHellos and of ServerHellos that
# never lead to kTLS, garbage after a valid record header, a record header
# announcing 64 KiB, and a whole handshake sent one byte per TCP segment.
# The watch table never holds more than max_pending handshakes (each with
# hello_max bytes per direction at most), what is dropped, expired or
# unparsable is counted, and the table empties again.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
. "$top/selftests/lib/peers.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
peer=$top/build/selftests/tlsmon/tls_peer
flood=$top/selftests/tlsmon/flood.py
suffix=$$
ns_c=tlsmon-fc-$suffix
ns_s=tlsmon-fs-$suffix
tmp=$(mktemp -d)
port=5000
params=/sys/module/tlsmon/parameters
pids=

cleanup() {
	touch "$tmp/go"
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$ns_c" 2>/dev/null
	ip netns del "$ns_s" 2>/dev/null
	rmmod tlsmon 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_header "hostile network input"
if [ ! -x "$peer" ] || [ ! -r "$ko" ]; then
	skip_missing "flood" "tls_peer or the module is not built"
	ktap_finish
	exit $?
fi
ulimit -n 65536
rmmod tlsmon 2>/dev/null
insmod "$ko" max_pending=32 handshake_timeout=30 || ktap_bail "load the module"
ip netns add "$ns_c" && ip netns add "$ns_s" || ktap_bail "create the namespaces"
ip link add vc netns "$ns_c" type veth peer vs netns "$ns_s"
ip -n "$ns_c" addr add 10.78.0.1/24 dev vc
ip -n "$ns_s" addr add 10.78.0.2/24 dev vs
for n in "$ns_c" "$ns_s"; do
	ip -n "$n" link set lo up
	"$monctl" -n "$n" policy set enabled on
done
ip -n "$ns_c" link set vc up
ip -n "$ns_s" link set vs up

slab_kb() { sed -n 's/^Slab: *\([0-9]*\) kB/\1/p' /proc/meminfo; }

# flood MODE N: N connections of MODE held open; the largest table seen
# while they open is in $max_seen
flood() {
	local mode=$1 n=$2 p
	port=$((port + 1))
	ip netns exec "$ns_s" python3 "$flood" server "$mode" 10.78.0.2 $port "$n" >"$tmp/fs" 2>&1 &
	pids="$pids $!"
	busywait 5000 sh -c "ip netns exec $ns_s ss -ltn | grep -q ':$port '"
	ip netns exec "$ns_c" python3 "$flood" client "$mode" 10.78.0.2 $port "$n" >"$tmp/fc" 2>&1 &
	p=$!
	pids="$pids $p"
	max_seen=0
	while ! grep -q open "$tmp/fc" && kill -0 $p 2>/dev/null; do
		for ns in "$ns_c" "$ns_s"; do
			cur=$(stat_of "$ns" pending)
			[ "$cur" -gt "$max_seen" ] && max_seen=$cur
		done
		sleep 0.2
	done
	grep -q open "$tmp/fc"
}

stop_floods() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	pids=
}

# --- ClientHellos that are never answered --------------------------------------
slab0=$(slab_kb)
drops0=$(stat_of "$ns_c" pending_drops)
flood ch 400
rc=$?
drops=$(( $(stat_of "$ns_c" pending_drops) - drops0 ))
diag "400 ClientHellos: largest table seen $max_seen, client drops $drops, slab +$(( $(slab_kb) - slab0 )) kB (400 TCP connections included)"
[ $rc -eq 0 ] && [ "$max_seen" -le 32 ] && [ "$drops" -ge 368 ] &&
	[ "$(stat_of "$ns_c" pending)" -le 32 ] && [ "$(stat_of "$ns_s" pending)" -le 32 ]
log_test $? "a flood of 400 unanswered ClientHellos: the table stays within max_pending 32, 368 or more drops counted"
stop_floods

# --- ServerHellos, and never kTLS ----------------------------------------------
drops0=$(stat_of "$ns_s" pending_drops)
exp0=$(stat_of "$ns_s" pending_expired)
flood sh 400
rc=$?
drops=$(( $(stat_of "$ns_s" pending_drops) - drops0 ))
diag "400 ServerHellos: largest table seen $max_seen, server drops $drops"
[ $rc -eq 0 ] && [ "$max_seen" -le 32 ] && [ "$drops" -ge 368 ]
log_test $? "a flood of 400 handshakes that never install kTLS: within max_pending, drops counted"
echo 1 >$params/handshake_timeout
busywait 15000 sh -c "[ \$('$monctl' -n '$ns_s' -j stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"pending\"])') = 0 ]"
rc=$?
exp=$(( $(stat_of "$ns_s" pending_expired) - exp0 ))
diag "expired after the timeout: $exp"
[ $rc -eq 0 ] && [ "$exp" -ge 1 ] && [ "$(stat_of "$ns_c" pending)" -eq 0 ] &&
	[ "$(stat_of "$ns_s" pending)" -eq 0 ]
log_test $? "the stalled handshakes expire and are counted; the table empties"
echo 30 >$params/handshake_timeout
stop_floods
[ "$("$monctl" -n "$ns_c" -j sessions)" = "[]" ] && [ "$("$monctl" -n "$ns_s" -j sessions)" = "[]" ]
log_test $? "no session from either flood"

# --- garbage after a valid record header ------------------------------------
pf0=$(stat_of "$ns_s" parse_failures)
drops0=$(stat_of "$ns_s" pending_drops)
flood garbage 20
rc=$?
busywait 15000 sh -c "[ \$(( \$('$monctl' -n '$ns_s' -j stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"parse_failures\"])') - $pf0 )) -ge 20 ]"
pf=$(( $(stat_of "$ns_s" parse_failures) - pf0 ))
diag "parse failures counted: $pf (still pending: $(stat_of "$ns_s" pending), drops: $(( $(stat_of "$ns_s" pending_drops) - drops0 )))"
[ $rc -eq 0 ] && [ "$pf" -ge 20 ]
log_test $? "20 handshake records of garbage: 20 parse failures counted"
stop_floods

pf0=$(stat_of "$ns_s" parse_failures)
flood huge 20
rc=$?
busywait 15000 sh -c "[ \$(( \$('$monctl' -n '$ns_s' -j stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"parse_failures\"])') - $pf0 )) -ge 20 ]"
pf=$(( $(stat_of "$ns_s" parse_failures) - pf0 ))
[ $rc -eq 0 ] && [ "$pf" -ge 20 ]
log_test $? "20 record headers announcing 64 KiB: refused at the header, counted ($pf)"
stop_floods
busywait 5000 sh -c "[ \$('$monctl' -n '$ns_s' -j stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"pending\"])') = 0 ]"
log_test $? "failed handshakes leave the table at once"

# --- one byte per segment ------------------------------------------------------
rc=0
ip netns exec "$ns_c" tcpdump -i vc -n -w "$tmp/b.pcap" -U tcp port $((port + 1)) 2>"$tmp/tcpdump.err" &
tpid=$!
capture_started || rc=1
run_pair 10.78.0.2 "-b" "-o ff01 -b" || rc=1
sleep 0.5
kill $tpid 2>/dev/null
wait $tpid 2>/dev/null
ones=$(tcpdump -r "$tmp/b.pcap" -n 'ip[2:2] - ((ip[0] & 0xf) * 4) - ((tcp[12] & 0xf0) / 4) == 1' 2>/dev/null | wc -l)
diag "segments with one byte of payload: $ones"
[ "$(py "$sess_c" 'len(d)')" = 1 ] && [ "$(py "$sess_s" 'len(d)')" = 1 ] || rc=1
[ "$ones" -ge 100 ] || rc=1
log_test $rc "both hellos sent one byte per TCP segment: both ends tagged"

# --- the memory a namespace holds is charged to whoever enabled it -------------
# Monitoring in the server's namespace is enabled from a task in a memory
# cgroup of its own, which then holds no task: what that cgroup's slab
# count gains during a flood of ClientHellos is what tlsmon holds for the
# namespace (the flood's own sockets are charged to the flood's cgroup).
memcg_case() {
	local cg root=/sys/fs/cgroup slab0 slab1 pending
	if [ "$(stat -f -c %T $root 2>/dev/null)" != cgroup2fs ]; then
		root=$tmp/cgroup
		mkdir -p "$root"
		mount -t cgroup2 none "$root" || { skip_test "memcg" "cannot mount cgroup v2"; return; }
	fi
	if ! grep -qw memory "$root/cgroup.controllers"; then
		skip_test "memcg" "no memory controller"
		return
	fi
	echo +memory >"$root/cgroup.subtree_control"
	cg=$root/tlsmon-enabler-$suffix
	mkdir "$cg" || { log_test 1 "memory cgroup created"; return; }
	"$monctl" -n "$ns_c" policy set enabled off
	"$monctl" -n "$ns_s" policy set enabled off
	sh -c "echo \$\$ >'$cg/cgroup.procs' && exec '$monctl' -n '$ns_s' policy set enabled on"
	echo 1024 >$params/max_pending
	slab0=$(sed -n 's/^slab \([0-9]*\)/\1/p' "$cg/memory.stat")
	flood ch 400
	busywait 10000 sh -c "[ \$('$monctl' -n '$ns_s' -j stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"pending\"])') -ge 400 ]"
	pending=$(stat_of "$ns_s" pending)
	slab1=$(sed -n 's/^slab \([0-9]*\)/\1/p' "$cg/memory.stat")
	diag "enabler's cgroup: slab $slab0 -> $slab1 bytes, memory.current $(cat "$cg/memory.current"), $pending handshakes watched"
	# 400 watched ClientHellos, each with its 4.3 KiB streams: at least
	# 3 KiB each, whatever the per-CPU batching of the statistics
	[ "$pending" -ge 400 ] && [ $((slab1 - slab0)) -ge $((400 * 3072)) ]
	log_test $? "400 watched handshakes are charged to the memory cgroup of the task that enabled monitoring"
	stop_floods
	"$monctl" -n "$ns_s" policy set enabled off
	echo 32 >$params/max_pending
	rmdir "$cg" 2>/dev/null
	[ "$root" = "$tmp/cgroup" ] && umount "$root"
}
memcg_case

# --- a hello longer than hello_max ---------------------------------------------
# Loaded again with hello_max=512: a ClientHello padded to about 1,100
# bytes is a parse failure on both ends, not tagged, and its data flows;
# the same handshake unpadded is tagged.
rmmod tlsmon && insmod "$ko" hello_max=512 || ktap_bail "reload the module with hello_max=512"
"$monctl" -n "$ns_c" policy set enabled on && "$monctl" -n "$ns_s" policy set enabled on || ktap_bail "enable the policy"
pf_c=$(stat_of "$ns_c" parse_failures) pf_s=$(stat_of "$ns_s" parse_failures)
case_ok=0
run_pair 10.78.0.2 "" "-o ff01 -x 1000" || case_ok=1
expect_eq "sessions" "$sess_c $sess_s" "[] []"
[ "$(stat_of "$ns_c" parse_failures)" -gt "$pf_c" ] && [ "$(stat_of "$ns_s" parse_failures)" -gt "$pf_s" ] || {
	diag "parse failures: client $pf_c -> $(stat_of "$ns_c" parse_failures), server $pf_s -> $(stat_of "$ns_s" parse_failures)"
	case_ok=1
}
run_pair 10.78.0.2 "" "-o ff01" || case_ok=1
expect_eq "unpadded: sessions" "$(py "$sess_c" 'len(d)') $(py "$sess_s" 'len(d)')" "1 1"
log_test $case_ok "a ClientHello over hello_max: counted as a parse failure on both ends, not tagged, data flows"

rmmod tlsmon
log_test $? "the module unloads"
ktap_finish
