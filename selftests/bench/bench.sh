#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the guest: the benchmarks of `make bench`. Every comparison is
# interleaved (absent, loaded, enabled, then again) and repeated
# BENCH_ROUNDS times (default 5); raw figures go to RESULTS/raw.txt, one
# "name value" line each, and the table to RESULTS/table.txt.
#
#   selftests/bench/bench.sh [RESULTS]
#
# BENCH_BYTES (default 1 GiB) per bulk transfer, BENCH_CHURN seconds
# (default 10) per connection-rate run, BENCH_SCALES (default
# "1000 10000 100000") monitored sessions held for the scale figures,
# opened by BENCH_JOBS threads (default 4). BENCH_PARTS (default "rates
# shares latency scale") picks the parts to run: the interleaved rounds,
# the perf shares, the key event latency, the scale figures.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
results=${1:-/tmp/vm/results}
rounds=${BENCH_ROUNDS:-5}
bytes=${BENCH_BYTES:-1073741824}
churn=${BENCH_CHURN:-10}
scales=${BENCH_SCALES:-1000 10000 100000}
parts=" ${BENCH_PARTS:-rates shares latency scale} "
raw=$results/raw.txt
mkdir -p "$results"
: >"$raw"
. "$top/selftests/bench/lib.sh"

# part NAME: whether BENCH_PARTS asks for that part
part() { [[ $parts == *" $1 "* ]]; }

# put NAME VALUE
put() { echo "$1 $2" | tee -a "$raw"; }

# tcp_timeouts: retransmission timeouts and SYN retransmissions so far in
# both bench namespaces. A connection-rate run that meets one measures its
# timer (a SYN's is 1 s), not the work: each run records how many it met.
tcp_timeouts() {
	local n t=0 v
	for n in $c $s; do
		v=$(ip netns exec $n awk '/^TcpExt:/ {
			if (!h) { for (i = 2; i <= NF; i++) k[i] = $i; h = 1; next }
			for (i = 2; i <= NF; i++)
				if (k[i] == "TCPTimeouts" || k[i] == "TCPSynRetrans") t += $i
		} END { print t + 0 }' /proc/net/netstat)
		t=$((t + v))
	done
	echo $t
}

# rate_put NAME STATE CMD...: the connection rate CMD prints, and the
# timeouts its run met
rate_put() {
	local name=$1 st=$2 t0 v
	shift 2
	t0=$(tcp_timeouts)
	v=$("$@")
	put "conn_rate_${st}_$name" "$v"
	put "conn_timeouts_${st}_$name" $(( $(tcp_timeouts) - t0 ))
}

# sessions tagged so far in the client's namespace
tagged() {
	"$monctl" -n $c -j stats | sed -n 's/.*"tagged":\([0-9]*\).*/\1/p'
}

# ssl_put NAME STATE [CLIENT-ARGS...]: the OpenSSL connection rate, and with
# the policy enabled how many sessions the client's end tagged per
# connection: each connection must have been monitored, not merely timed
ssl_put() {
	local name=$1 st=$2 t0 v r0
	shift 2
	[ $st = enabled ] && t0=$(tagged)
	r0=$(tcp_timeouts)
	v=$(ssl_rate "$churn" "$@")
	put "conn_rate_${st}_$name" "${v#* }"
	put "conn_timeouts_${st}_$name" $(( $(tcp_timeouts) - r0 ))
	[ $st = enabled ] && put ${name}_tagged_per_connection \
		"$(awk -v t=$(( $(tagged) - t0 )) -v n="${v% *}" 'BEGIN { printf "%.2f", n ? t / n : 0 }')"
}

echo "# bench: $rounds rounds, $bytes bytes per transfer, $(nproc) CPUs, $(uname -r), ${BENCH_CLOCK:-host} clock"
part rates || rounds=0
# iperf3's first run in a fresh guest reads low (by 0.7% of 512 MiB and
# 3.5% of 128 MiB in trials), whichever state it measures: one run first,
# not recorded
iperf=
if [ "$rounds" -gt 0 ]; then
	if command -v iperf3 >/dev/null; then
		iperf=1
		iperf_mbps -n 67108864 >/dev/null
	else
		echo "# bench: iperf3 is missing: plain TCP by the load generator only"
	fi
fi
for r in $(seq "$rounds"); do
	for st in $(rotate "$r" absent loaded enabled); do
		state $st
		v=$(load_mbps -u 0 -B "$bytes")
		put "ktls_mbps_$st" "$v"
		v=$(load_mbps -P -B "$bytes")
		put "tcp_mbps_$st" "$v"
		# the same by an outside tool, in its own (larger) writes
		[ -n "$iperf" ] && put "iperf_mbps_$st" "$(iperf_mbps -n "$bytes")"
	done
	for st in $(rotate "$r" absent enabled); do
		state $st
		rate_put monitored $st load_rate -u 0 -t "$churn"
		rate_put ordinary $st load_rate -u 1 -t "$churn"
		ssl_put openssl $st
		# the cheapest real handshake: a resumed session, no public key
		ssl_put resumed $st -R
	done
done

# What the bulk transfers spend in tlsmon, measured directly: five rounds
# of throughput cannot resolve 1%. perf samples every CPU, with call
# chains, while one run goes with the policy enabled; share.py counts the
# samples under code that runs only because of tlsmon (its netfilter
# hooks where netfilter is entered for them, the probes' entry and
# return, its RCU callbacks and work) out of those that are not idle.
# profile_share NAME LOAD-ARGS...
profile_share() {
	local name=$1 data=/tmp/bench-perf.data
	shift
	if ! command -v perf >/dev/null; then
		echo "# bench: perf is missing (linux-perf): no profile of $name"
		return
	fi
	perf record -q -g -e cpu-clock -F 2000 -a -o $data -- "$load" -C $c -S $s -a 10.82.0.2 \
		-p $((port += 1)) -N "$@" >/dev/null 2>&1 || return
	put "${name}_tlsmon_share_pct" "$(perf script -i $data -F comm,ip,sym 2>/dev/null |
		python3 "$top/selftests/bench/share.py")"
	rm -f $data
}
if part shares; then
	echo 0 >/proc/sys/kernel/kptr_restrict
	state enabled
	profile_share tcp_bulk -L -P -B "$bytes"
	profile_share ktls_bulk -L -u 0 -B "$bytes"
	profile_share conn_churn -L -u 0 -t "$churn"
fi

# key event latency: installation to arrival at a netlink listener
if part latency; then
	state enabled
	out=$(run_load -u 0 -t "$churn" -m exact)
	echo "$out" | sed 's/^/# /'
	put event_latency_median_us "$(echo "$out" | sed -n 's/.*median \([0-9]*\) us, p99.*/\1/p')"
	put event_latency_p99_us "$(echo "$out" | sed -n 's/.*p99 \([0-9]*\) us.*/\1/p')"
fi

# scale: N monitored sessions held (N/2 connections, both ends monitored,
# opened by BENCH_JOBS threads). Kernel memory is Slab plus vmalloc (the
# session hash's bucket array is vmalloc'ed once it is large): its growth
# with the policy enabled less its growth with the module loaded and the
# policy off, the same connections either way, is tlsmon's.
kmem_kb() {
	awk '/^Slab:|^VmallocUsed:/ { kb += $2 } END { print kb }' /proc/meminfo
}
jobs=${BENCH_JOBS:-4}
part scale || scales=
for n in $scales; do
	conns=$((n / 2))
	for st in loaded enabled; do
		state $st
		sync; echo 3 >/proc/sys/vm/drop_caches
		before=$(kmem_kb)
		port=$((port + 1))
		out=$results/scale-$n-$st.txt
		"$load" -C $c -S $s -a 10.82.0.2 -p $port -N -L -u 0 -n $conns -j "$jobs" -T 50 \
			$([ $st = enabled ] && echo -D) -w "$results/go-$n-$st" >"$out" 2>&1 &
		lp=$!
		while ! grep -q '^held' "$out" && kill -0 $lp 2>/dev/null; do
			sleep 1
		done
		grep -q '^held' "$out" || { cat "$out"; echo "# bench: $n sessions could not be opened"; exit 1; }
		after=$(kmem_kb)
		put "kmem_kb_${n}_$st" $((after - before))
		put "open_s_${n}_$st" "$(sed -n 's/.* held, opened in \([0-9.]*\) s$/\1/p' "$out")"
		if [ $st = enabled ]; then
			sess=$(( $("$monctl" -n $c -j stats | sed -n 's/.*"sessions":\([0-9]*\).*/\1/p') +
				 $("$monctl" -n $s -j stats | sed -n 's/.*"sessions":\([0-9]*\).*/\1/p') ))
			put "sessions_$n" "$sess"
			# the kernel's dump as a netlink reader receives it (load -D)
			grep 'key dump of' "$out" | sed 's/^/# /'
			put "dump_keys_ms_$n" "$(awk '/key dump of/ { ms += $(NF - 1) } END { print ms }' "$out")"
			put "dump_keys_sessions_$n" "$(awk '/key dump of/ { n += $(NF - 4) } END { print n }' "$out")"
			# and every key of both namespaces as monctl reads and
			# prints them, into a pipe: the results directory is the
			# host's, over 9p, whose writes would be timed instead
			t0=$(date +%s%N)
			bytes_out=$(( $("$monctl" -n $c -j keys | wc -c) +
				      $("$monctl" -n $s -j keys | wc -c) ))
			t1=$(date +%s%N)
			put "monctl_keys_ms_$n" $(( (t1 - t0) / 1000000 ))
			put "monctl_keys_bytes_$n" "$bytes_out"
			# untimed: that those were every session's
			put "monctl_keys_sessions_$n" "$( { "$monctl" -n $c -j keys
				"$monctl" -n $s -j keys; } | grep -o '"cookie":[0-9]*' | sort -u | wc -l)"
			put "session_object_bytes" "$(cat /sys/kernel/slab/tlsmon_session/slab_size 2>/dev/null || echo 0)"
		fi
		grep 'kTLS installation' "$out" | sed 's/^/# /'
		put "install_us_${n}_$st" "$(sed -n 's/.*median \([0-9]*\) us, close.*/\1/p' "$out")"
		put "close_us_${n}_$st" "$(sed -n 's/.*close of both ends median \([0-9]*\) us.*/\1/p' "$out")"
		touch "$results/go-$n-$st"
		wait $lp
	done
	put "bytes_per_session_$n" $(( ( $(sed -n "s/^kmem_kb_${n}_enabled //p" "$raw") - \
		$(sed -n "s/^kmem_kb_${n}_loaded //p" "$raw") ) * 1024 / n ))
done
state absent
python3 "$top/selftests/bench/table.py" "$raw" | tee "$results/table.txt"
