#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module unloaded and loaded again many times while kTLS connections
# churn (`make check-reload`): load.sh's phase 2 repeated RELOAD_COUNT
# times (default 300), for at most RELOAD_SECS seconds (default 600).
# Every reload must succeed, no key set may arrive twice and none of an
# ordinary connection (load -m atmost, its key listeners joining again
# after each load); afterwards every monitored
# connection's keys arrive exactly once again, nothing is left behind,
# and the module unloads.
#
# See Documentation/testing.rst: under QEMU TCG, Debian's 6.1 kernel
# crashes in the kprobes core about once in a few hundred loads.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
load=$top/build/selftests/tlsmon/load
count=${RELOAD_COUNT:-300}
secs=${RELOAD_SECS:-600}
c=tlsmon-rc-$$ s=tlsmon-rs-$$
tmp=$(mktemp -d)
load_pid=

cleanup() {
	[ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$c" 2>/dev/null
	ip netns del "$s" 2>/dev/null
	rmmod tlsmon 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

policy_on() {
	"$monctl" -n "$c" policy set enabled on export on &&
	"$monctl" -n "$s" policy set enabled on export on
}

sessions_of() {
	"$monctl" -n "$1" -j stats | sed -n 's/.*"sessions":\([0-9]*\).*/\1/p'
}

ktap_header "unload and reload under churn"
if [ ! -x "$load" ] || [ ! -r "$ko" ]; then
	skip_test "reload" "the load driver or the module is not built"
	ktap_finish
	exit $?
fi
ulimit -n 65536

rmmod tlsmon 2>/dev/null
insmod "$ko" || exit 1
ip netns add "$c" && ip netns add "$s" || exit 1
ip link add vc netns "$c" type veth peer vs netns "$s"
ip -n "$c" addr add 10.82.1.1/24 dev vc
ip -n "$s" addr add 10.82.1.2/24 dev vs
for n in "$c" "$s"; do
	ip -n "$n" link set lo up
done
ip -n "$c" link set vc up && ip -n "$s" link set vs up
policy_on || exit 1

# The churn outlives the reloads by a margin; it is waited for, not killed.
"$load" -C "$c" -S "$s" -a 10.82.1.2 -p 4101 -n 50 -t $((secs + 20)) -m atmost \
	>"$tmp/churn" 2>&1 &
load_pid=$!
sleep 5
reloads=0 failed=
start=$(date +%s)
while [ $reloads -lt "$count" ] && [ $(( $(date +%s) - start )) -lt "$secs" ]; do
	# pauses of 0 to 0.9 s, so that the reloads fall at every point of a
	# connection's life
	if ! rmmod tlsmon; then
		failed="rmmod"
		break
	fi
	sleep "0.$((RANDOM % 10))"
	if ! insmod "$ko" || ! policy_on; then
		failed="insmod"
		break
	fi
	reloads=$((reloads + 1))
	sleep "0.$((RANDOM % 10))"
done
diag "$reloads reloads in $(( $(date +%s) - start )) s${failed:+, then $failed failed}"
[ -z "$failed" ] && [ $reloads -gt 0 ]
log_test $? "every unload and reload during the churn succeeded"

wait $load_pid
rc=$?
load_pid=
sed 's/^/# churn: /' "$tmp/churn"
log_test $rc "no key set twice, none of an ordinary connection, 50 connections held"

# The key listeners (one per namespace) join the keys group again after
# each load: the check above covers every reload, not just the first.
rejoined=$(sed -n 's/.*keys group joined again \([0-9]*\) times.*/\1/p' "$tmp/churn")
[ "${rejoined:-0}" -eq $((2 * reloads)) ]
log_test $? "key events followed across every reload (listeners joined again ${rejoined:-0} times)"

"$load" -C "$c" -S "$s" -a 10.82.1.2 -p 4102 -n 20 -t 8 -m exact >"$tmp/after" 2>&1
rc=$?
sed 's/^/# after: /' "$tmp/after"
log_test $rc "after the reloads: every key set exactly once"

pend=$(( $(sessions_of "$c") + $(sessions_of "$s") ))
[ "$pend" -eq 0 ] && [ "$("$monctl" -n "$c" -j keys)" = "[]" ] &&
	[ "$("$monctl" -n "$s" -j keys)" = "[]" ]
log_test $? "no session and no key left once every connection closed"
rmmod tlsmon
log_test $? "the module unloads"
ktap_finish
