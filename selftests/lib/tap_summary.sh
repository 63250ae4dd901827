#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Count the test cases of every TAP file given and print one line per
# suite and the total, ending with "N passed, N failed, N skipped".
# A suite counts one failure more when it
#   - exited non-zero without reporting a failed case (a crash is never
#     read as success),
#   - printed no plan line "1..N" (it ended before its end), or reported
#     another number of cases than its plan says,
#   - ran no case at all,
#   - is named with -e but left no TAP file (it never ran).
#
#   tap_summary.sh [-e "SUITE..."] FILE.tap...
#                  (FILE.rc beside each holds its exit status)
# Exit status: 0 when nothing failed.
set -u

expected=
while getopts "e:" opt; do
	case $opt in
	e) expected="$expected $OPTARG" ;;
	*) echo "usage: $0 [-e \"SUITE...\"] FILE.tap..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

total_p=0 total_f=0 total_s=0
seen=" "
for tap in "$@"; do
	[ -e "$tap" ] || continue
	name=$(basename "$tap" .tap)
	seen="$seen$name "
	p=$(grep -E '^ok [0-9]+' "$tap" | grep -vc -E '# *(SKIP|skip)')
	s=$(grep -E '^ok [0-9]+' "$tap" | grep -c -E '# *(SKIP|skip)')
	f=$(grep -c -E '^not ok [0-9]+' "$tap")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$tap" | tail -n 1)
	rc=0
	[ -r "${tap%.tap}.rc" ] && rc=$(cat "${tap%.tap}.rc")
	if [ "$rc" != 0 ] && [ "$f" -eq 0 ]; then
		echo "suite $name exited with status $rc without a failed case: counted as one failure"
		f=1
	fi
	if [ -z "$plan" ]; then
		echo "suite $name printed no plan (1..N): it did not finish, counted as one failure"
		f=$((f + 1))
	elif [ "$plan" -ne $((p + f + s)) ]; then
		echo "suite $name planned $plan cases and reported $((p + f + s)): counted as one failure"
		f=$((f + 1))
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
for name in $expected; do
	case $seen in
	*" $name "*) ;;
	*)
		echo "suite $name left no results: it never ran, counted as one failure"
		printf '%-16s %4d passed, %d failed, %d skipped\n' "$name" 0 1 0
		total_f=$((total_f + 1))
		;;
	esac
done
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
