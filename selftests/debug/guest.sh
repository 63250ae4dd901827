#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the debug guest: every guest suite, then a kmemleak scan. The
# suites load and unload the module themselves, so whatever tlsmon
# allocated and did not free is unreferenced by now.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
results=${1:-/tmp/vm/results}
mkdir -p "$results"
echo "kernel $(uname -r): $(grep -o 'KASAN\|lockdep\|kmemleak' /proc/cmdline 2>/dev/null)"
"$top/selftests/guest_suites.sh" "$results"

# kmemleak: two scans (an object must look unreferenced twice), then the
# report. Anything still loaded of ours is unloaded first.
rmmod tlsmon 2>/dev/null
{
	echo "TAP version 13"
	echo "# kmemleak after every suite"
	kl=/sys/kernel/debug/kmemleak
	if [ ! -w $kl ]; then
		echo "not ok 1 kmemleak is available"
	else
		echo scan >$kl; sleep 6; echo scan >$kl
		cat $kl >"$results/kmemleak.txt"
		n=$(grep -c '^unreferenced object' "$results/kmemleak.txt")
		if [ "$n" -eq 0 ]; then
			echo "ok 1 kmemleak reports no unreferenced object"
		else
			sed 's/^/# /' "$results/kmemleak.txt" | head -n 80
			echo "not ok 1 kmemleak reports $n unreferenced objects"
		fi
	fi
	echo "1..1"
} >"$results/kmemleak.tap"
cat "$results/kmemleak.tap"
exit 0
