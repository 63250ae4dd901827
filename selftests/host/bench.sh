#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host checks of the benchmark's arithmetic, on made-up inputs: what
# share.py counts as tlsmon's CPU time, the order rotate() gives a
# round, and ab.py's pairing of each build with its own round's
# module-absent run. No guest, no perf.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ktap_header "benchmark arithmetic on the host"

# sample COMM FRAME... (innermost first), as perf script prints one
sample() {
	local f
	echo "$1 0 [000]"
	shift
	for f in "$@"; do
		printf '\tffffffff81000000 %s+0x10\n' "$f"
	done
	echo
}
{
	# tlsmon's: its hook at LOCAL_OUT and LOCAL_IN, a probe, its RCU callback
	sample load tlsmon_nf_hook nf_hook_slow __ip_local_out ip_queue_xmit
	sample load nf_hook_slow ip_local_deliver ip_rcv
	sample load tlsmon_close_pre kprobe_ftrace_handler ftrace_trampoline
	sample ksoftirqd/0 kmem_cache_free pending_free_rcu rcu_do_batch
	# not tlsmon's: AppArmor's POST_ROUTING hook, plain work
	sample load apparmor_ip_postroute nf_hook_slow ip_output
	sample load nf_hook_slow ip_output __ip_queue_xmit
	sample load copy_user_enhanced_fast_string tcp_sendmsg
	sample load tcp_v4_rcv ip_local_deliver_finish
	# idle, left out of the total
	sample swapper native_safe_halt default_idle
	sample swapper native_safe_halt default_idle
} >"$tmp/script"
out=$(python3 "$top/selftests/bench/share.py" <"$tmp/script")
[ "$out" = "50.00" ]
log_test $? "share.py counts tlsmon's hook points, probes and callbacks, not AppArmor's hook or idle time (got $out%)"

top=$top bash -c '. <(sed -n "/^rotate()/,/^}/p" "$top/selftests/bench/lib.sh")
	echo $(rotate 1 a b c) / $(rotate 2 a b c) / $(rotate 3 a b c) / $(rotate 4 a b c)' \
	>"$tmp/rot"
[ "$(cat "$tmp/rot")" = "a b c / b c a / c a b / a b c" ]
log_test $? "rotate gives each state each place in turn ($(cat "$tmp/rot"))"

# two rounds in rotated order: each ratio is to its own round's absent run
printf '%s\n' "1 absent 100" "1 new 90" "2 new 160" "2 absent 200" >"$tmp/ab.txt"
python3 "$top/selftests/bench/ab.py" "$tmp/ab.txt" >"$tmp/ab-table"
grep -Eq '^new +125\.0 +85\.0% +[0-9.]+-[0-9.]+% +2$' "$tmp/ab-table"
log_test $? "ab.py pairs each build with the module-absent run of its own round"

# profile.py on a made-up guest: two kernel functions and tlsmon's hook,
# a churn absent and monitored, a block at a function's first
# instruction counting its calls, userspace apart
mkdir -p "$tmp/prof/snaps"
printf '%s\n' "ffffffff81000000 T tcp_v4_rcv" "ffffffff81000100 t nf_hook_slow" \
	"ffffffffc0000000 t tlsmon_nf_hook	[tlsmon]" >"$tmp/prof/kallsyms.txt"
printf '%s\n' "1 churn-absent" "3 churn-monitored" >"$tmp/prof/phases.txt"
echo "load: 10 connections churned in 1.0 s (10 per second)" >"$tmp/prof/churn-absent.txt"
echo "load: 20 connections churned in 1.0 s (20 per second)" >"$tmp/prof/churn-monitored.txt"
printf '%s\n' "ffffffff81000000 100 10" "ffffffff81000108 5 20" "401000 7 1000" \
	>"$tmp/prof/snaps/snap-1.txt"
printf '%s\n' "ffffffff81000000 100 20" "ffffffff81000100 4 40" "ffffffff81000108 5 60" \
	"ffffffffc0000000 30 40" "401000 7 3000" >"$tmp/prof/snaps/snap-3.txt"
python3 "$top/selftests/bench/profile.py" "$tmp/prof" "$tmp/prof/snaps" >"$tmp/prof/out" 2>&1
# per connection: tcp_v4_rcv 100 both; nf_hook_slow 10 -> 23 (8 + 15);
# tlsmon_nf_hook 0 -> 60 (2 calls); userspace 700 -> 1050
grep -q "^churn-monitored: 20 of connection, 1,233 instructions per connection against 810 absent: +423 (+52.22%)$" \
	"$tmp/prof/out" &&
	grep -q "^by kind: userspace +350, tlsmon +60, netfilter +13, " "$tmp/prof/out" &&
	grep -Eq '^ +\+60 +0 +60 +2\.0  tlsmon_nf_hook \[tlsmon\]$' "$tmp/prof/out"
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/prof/out"
log_test $rc "profile.py sums blocks by guest function and counts calls per connection"

${CC:-cc} -O2 -Wall -Werror -shared -fPIC -o "$tmp/tbprof.so" "$top/selftests/bench/tbprof.c" &&
	nm -D "$tmp/tbprof.so" | grep -q ' qemu_plugin_install$'
log_test $? "the profile's QEMU plugin builds without a warning and exports its entry point"

ktap_finish
