#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module unloaded and loaded again many times while kTLS connections
# churn (`make check-reload`): load.sh's phase 2 repeated RELOAD_COUNT
# times (default 300), for at most RELOAD_SECS seconds (default 300), the
# churn with TCP_NODELAY unless RELOAD_NODELAY=0.
# Every reload must succeed, no key set may arrive twice and none of an
# ordinary connection (load -m atmost, its key listeners joining again
# after each load); afterwards every monitored
# connection's keys arrive exactly once again, nothing is left behind,
# and the module unloads.
#
# Run it under single-threaded TCG: multi-threaded TCG executes stale
# translations of the kernel code that (un)registering probes and hooks
# patches (Documentation/testing.rst).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
. "$top/selftests/lib/reload.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
load=$top/build/selftests/tlsmon/load
count=${RELOAD_COUNT:-300}
secs=${RELOAD_SECS:-300}
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
	"$monctl" -n "$c" policy set enabled on links vc export on &&
	"$monctl" -n "$s" policy set enabled on links vs export on
}

ktap_header "unload and reload under churn"
if [ ! -x "$load" ] || [ ! -r "$ko" ]; then
	skip_missing "reload" "the load driver or the module is not built"
	ktap_finish
	exit $?
fi
ulimit -n 65536

rmmod tlsmon 2>/dev/null
insmod "$ko" || ktap_bail "load the module"
ip netns add "$c" && ip netns add "$s" || ktap_bail "create the namespaces"
ip link add vc netns "$c" type veth peer vs netns "$s"
ip -n "$c" addr add 10.82.1.1/24 dev vc
ip -n "$s" addr add 10.82.1.2/24 dev vs
for n in "$c" "$s"; do
	ip -n "$n" link set lo up
done
ip -n "$c" link set vc up && ip -n "$s" link set vs up
policy_on || ktap_bail "enable the policy"

# The churn outlives the reloads by a margin; it is waited for, not killed.
# TCP_NODELAY (load -N): about 20 times the connections per second, so
# that more installations meet the probes' (un)registration.
# Floors: the 50 held connections get every key set exactly once (-H); the
# module is in with the policy on for the 5 s before the reloads and the
# 15 s or more after them, so at least half of 20 s in secs + 20 of the
# monitored connections are monitored with their keys; no connection fails
# and at least one is made a second.
# shellcheck disable=SC2046
"$load" -C "$c" -S "$s" -a 10.82.1.2 -p 4101 -n 50 -t $((secs + 20)) -m atmost \
	-H -c $((50 + secs + 20)) -s $((50 * 20 / (secs + 20))) -k $((50 * 20 / (secs + 20))) -f 0 \
	$([ "${RELOAD_NODELAY:-1}" = 1 ] && echo -N) >"$tmp/churn" 2>&1 &
load_pid=$!
sleep 5
start=$(date +%s)
reload_loop "$count" "$secs" policy_on
diag "$reloads reloads in $(( $(date +%s) - start )) s${reload_failed:+, then $reload_failed failed}"
[ -z "$reload_failed" ] && [ $reloads -gt 0 ]
log_test $? "every unload and reload during the churn succeeded"

wait $load_pid
rc=$?
load_pid=
sed 's/^/# churn: /' "$tmp/churn"
log_test $rc "no key set twice, none of an ordinary connection, 50 connections held"
check_rejoined "$tmp/churn"

after_reloads "$c" "$s" 10.82.1.2 4102 "$tmp/after"
ktap_finish
