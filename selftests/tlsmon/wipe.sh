#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's test-only build (TLSMON_DEBUG_WIPE=y, module/debug_wipe.c).
#
# Key wiping observed where it happens: that build sees
# every key event and session that tlsmon's code hands to kfree() or
# kmem_cache_free(), and counts those whose key bytes are not all zero
# by then. A churn with key listeners makes key events and sessions; once
# every connection closed, each session must have been seen at its free
# (the check is alive) and none unwiped. A plain kfree() of a key event,
# or a session's keys wiped short, fails here (and warns, which fails the
# guest run on its own).
#
# Allocation failure fails closed: with the next session allocations made
# to fail (fail_session_alloc), a monitored handshake is not tagged on
# either end, is counted untagged, exports no key, and its data flows.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
. "$top/selftests/lib/reload.sh"
. "$top/selftests/lib/peers.sh"

ko=${TLSMON_WIPE_KO:-$top/build/wipe-module/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
load=$top/build/selftests/tlsmon/load
peer=$top/build/selftests/tlsmon/tls_peer
port=4300
params=/sys/module/tlsmon/parameters
c=tlsmon-wc-$$ s=tlsmon-ws-$$
tmp=$(mktemp -d)

cleanup() {
	ip netns del "$c" 2>/dev/null
	ip netns del "$s" 2>/dev/null
	rmmod tlsmon 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_header "the test build: key wiping observed at the free, allocation failure"
if [ ! -x "$load" ] || [ ! -x "$peer" ] || [ ! -r "$ko" ]; then
	skip_missing "wiping" "the load driver, tls_peer or the module's test build is not built"
	ktap_finish
	exit $?
fi

# It is built for one kernel: Debian's default one, or the debug kernel
# (make check-debug sets TLSMON_WIPE_KO).
built_for=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
if [ "$built_for" != "$(uname -r)" ]; then
	skip_test "wiping" "the module with the wiping check is built for $built_for"
	ktap_finish
	exit $?
fi

rmmod tlsmon 2>/dev/null
insmod "$ko"
log_test $? "the module with the wiping check loads"
[ -r "$params/wipe_checked" ] && [ -r "$params/wipe_unwiped" ]
log_test $? "its wiping check is built in"

ip netns add "$c" && ip netns add "$s" || ktap_bail "create the namespaces"
ip link add vc netns "$c" type veth peer vs netns "$s"
ip -n "$c" addr add 10.83.1.1/24 dev vc
ip -n "$s" addr add 10.83.1.2/24 dev vs
for n in "$c" "$s"; do
	ip -n "$n" link set lo up
done
ip -n "$c" link set vc up && ip -n "$s" link set vs up
"$monctl" -n "$c" policy set enabled on links vc export on &&
	"$monctl" -n "$s" policy set enabled on links vs export on || ktap_bail "enable the policy"

# 20 held and 5 s of churn, with key listeners (so key events are made)
"$load" -C "$c" -S "$s" -a 10.83.1.2 -p 4200 -n 20 -t 5 -m exact -c 25 >"$tmp/load" 2>&1
rc=$?
sed 's/^/# /' "$tmp/load"
log_test $rc "a churn with key listeners, every key set exactly once"

# Each monitored connection is two sessions (one per end), freed after an
# RCU grace period once closed.
mon=$(sed -n 's/^load: \([0-9]*\) of [0-9]* connections that offered.*/\1/p' "$tmp/load")
want=$((2 * ${mon:-0}))
# A free inside another kprobe's handler on its CPU is missed, not seen
# (wipe_missed counts every object's, not only key holders').
busywait 20000 sh -c "[ \$((\$(cat $params/wipe_checked) + \$(cat $params/wipe_missed))) -ge $want ]"
checked=$(cat "$params/wipe_checked") unwiped=$(cat "$params/wipe_unwiped")
missed=$(cat "$params/wipe_missed")
diag "$checked key holders seen at their free, $unwiped unwiped, $missed frees missed; $want sessions closed"
[ "$want" -gt 0 ] && [ $((checked + missed)) -ge "$want" ] && [ "$checked" -ge $((want / 2)) ]
log_test $? "every closed session was seen at its free, or missed by the probes, and most seen"
[ "$unwiped" -eq 0 ]
log_test $? "no key holder freed with key bytes in it"

# --- allocation failure -------------------------------------------------
ns_c=$c ns_s=$s
tag_c=$(stat_of "$c" tagged) tag_s=$(stat_of "$s" tagged)
untag_c=$(stat_of "$c" untagged) untag_s=$(stat_of "$s" untagged)
"$monctl" -n "$c" -j monitor >"$tmp/monitor" 2>&1 &
mon_pid=$!
sleep 0.5
echo 2 >"$params/fail_session_alloc"
case_ok=0
run_pair 10.83.1.2 "" "-o ff01" || case_ok=1
expect_eq "failures left" "$(cat "$params/fail_session_alloc")" 0
expect_eq "sessions" "$sess_c $sess_s" "[] []"
expect_eq "keys" "$keys_c $keys_s" "[] []"
expect_eq "tagged" "$(stat_of "$c" tagged) $(stat_of "$s" tagged)" "$tag_c $tag_s"
expect_eq "untagged" "$(stat_of "$c" untagged) $(stat_of "$s" untagged)" \
	"$((untag_c + 1)) $((untag_s + 1))"
sleep 1
kill $mon_pid 2>/dev/null
wait $mon_pid 2>/dev/null
expect_eq "events" "$(grep -c '"event"' "$tmp/monitor")" 0
log_test $case_ok "session allocation fails on both ends: not tagged, counted, no key, data flows"
case_ok=0
run_pair 10.83.1.2 "" "-o ff01" || case_ok=1
expect_eq "client sessions" "$(py "$sess_c" 'len(d)')" 1
log_test $case_ok "the next handshake, with memory, is tagged again"

ip netns del "$c" && ip netns del "$s"
rmmod tlsmon
log_test $? "the module unloads"
ktap_finish
