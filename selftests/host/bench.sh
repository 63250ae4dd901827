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

ktap_finish
