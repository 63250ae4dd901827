#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Count the test cases of every TAP file given and print one line per
# suite and the total, ending with "N passed, N failed, N skipped".
# A suite that exited non-zero without reporting a failed case counts one
# failure more, so that a crash is never read as success.
#
#   tap_summary.sh FILE.tap...   (FILE.rc beside each holds its exit status)
# Exit status: 0 when nothing failed.
set -u

total_p=0 total_f=0 total_s=0
for tap in "$@"; do
	[ -e "$tap" ] || continue
	name=$(basename "$tap" .tap)
	p=$(grep -E '^ok [0-9]+' "$tap" | grep -vc -E '# *(SKIP|skip)')
	s=$(grep -E '^ok [0-9]+' "$tap" | grep -c -E '# *(SKIP|skip)')
	f=$(grep -c -E '^not ok [0-9]+' "$tap")
	rc=0
	[ -r "${tap%.tap}.rc" ] && rc=$(cat "${tap%.tap}.rc")
	if [ "$rc" != 0 ] && [ "$f" -eq 0 ]; then
		echo "suite $name exited with status $rc without a failed case: counted as one failure"
		f=1
	fi
	if [ $((p + f + s)) -eq 0 ]; then
		echo "suite $name ran no test: counted as one failure"
		f=1
	fi
	printf '%-16s %4d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	total_s=$((total_s + s))
done
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
