#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the guest: the connection rate of module builds side by side, in
# short interleaved rounds (the module absent and each build enabled,
# their order rotated from round to round), so that the host's drift hits
# every build alike. Each build's rate is taken as a ratio to the
# module-absent run of its round; ab.py gives the median and quartiles of
# those ratios.
#
#   selftests/bench/ab.sh RESULTS NAME=MODULE.ko...
#
# AB_ROUNDS (default 10) rounds of AB_SECS seconds (default 3) per run;
# AB_SUITE is what each connection is: load's hand-made handshake with a
# monitored (default) or an ordinary suite, or OpenSSL's full
# ("openssl") or resumed ("resumed") handshake, monitored; or, instead of
# the connection rate, the throughput in MB/s of one bulk transfer of
# AB_BYTES (default 256 MiB), plain TCP ("tcp") or monitored kTLS
# ("ktls"). Raw lines "ROUND NAME RATE" go to RESULTS/ab.txt.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
results=$1
shift
rounds=${AB_ROUNDS:-10}
secs=${AB_SECS:-3}
case ${AB_SUITE:-monitored} in
monitored|ordinary|openssl|resumed|tcp|ktls) ;;
*) echo "ab.sh: AB_SUITE is monitored, ordinary, openssl, resumed, tcp or ktls" >&2; exit 2 ;;
esac
mkdir -p "$results"
: >"$results/ab.txt"

. "$top/selftests/bench/lib.sh"

echo "# ab: $rounds rounds of $secs s, ${AB_SUITE:-monitored}, builds: $*"
for r in $(seq "$rounds"); do
	for b in $(rotate "$r" absent "$@"); do
		if [ "$b" = absent ]; then
			state absent
		else
			ko=${b#*=}
			state enabled
		fi
		case ${AB_SUITE:-monitored} in
		monitored) v=$(load_rate -u 0 -t "$secs") ;;
		ordinary) v=$(load_rate -u 1 -t "$secs") ;;
		openssl) v=$(ssl_rate "$secs"); v=${v#* } ;;
		resumed) v=$(ssl_rate "$secs" -R); v=${v#* } ;;
		tcp) v=$(load_mbps -P -B "${AB_BYTES:-268435456}") ;;
		ktls) v=$(load_mbps -u 0 -B "${AB_BYTES:-268435456}") ;;
		esac
		echo "$r ${b%%=*} ${v:-0}" | tee -a "$results/ab.txt"
	done
done
state absent
python3 "$top/selftests/bench/ab.py" "$results/ab.txt" | tee "$results/ab-table.txt"
