#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the suites that unload and load the module again while the
# load driver churns (load.sh, reload.sh). The caller sets ko, monctl and
# load.

# sessions_of NS: the sessions tlsmon holds in NS
sessions_of() {
	"$monctl" -n "$1" -j stats | sed -n 's/.*"sessions":\([0-9]*\).*/\1/p'
}

# reload_loop COUNT SECS CMD...: unload and load again, then run CMD (which
# turns the policy back on), up to COUNT times, for at most SECS seconds,
# pausing 0 to 0.9 s between the steps so that the
# reloads fall at every point of a connection's life. Sets reloads, and
# reload_failed to the step that failed, if one did.
reload_loop() {
	local count=$1 secs=$2 start

	shift 2
	reloads=0
	reload_failed=
	start=$(date +%s)
	while [ $reloads -lt "$count" ] && [ $(( $(date +%s) - start )) -lt "$secs" ]; do
		if ! rmmod tlsmon; then
			reload_failed=rmmod
			return
		fi
		sleep "0.$((RANDOM % 10))"
		if ! insmod "$ko" || ! "$@"; then
			reload_failed=insmod
			return
		fi
		reloads=$((reloads + 1))
		sleep "0.$((RANDOM % 10))"
	done
}

# check_rejoined OUTPUT: the churn's key listeners, one per namespace,
# joined the keys group again after each of $reloads loads, so that its
# at-most-once check covered them all.
check_rejoined() {
	grep -q "keys group joined again $((2 * reloads)) times" "$1"
	log_test $? "the at-most-once check followed the key events across the reloads"
}

# after_reloads CLIENT_NS SERVER_NS ADDR PORT OUTPUT: once the churn is
# over, every key set exactly once again, nothing left once the
# connections closed, and the module unloads.
after_reloads() {
	local c=$1 s=$2 pend rc

	"$load" -C "$c" -S "$s" -a "$3" -p "$4" -n 20 -t 8 -m exact -c $((20 + 8)) >"$5" 2>&1
	rc=$?
	sed 's/^/# after: /' "$5"
	log_test $rc "after the reload: exactly once again"

	pend=$(( $(sessions_of "$c") + $(sessions_of "$s") ))
	[ "$pend" -eq 0 ] && [ "$("$monctl" -n "$c" -j keys)" = "[]" ] &&
		[ "$("$monctl" -n "$s" -j keys)" = "[]" ]
	log_test $? "no session and no key left once every connection closed"
	rmmod tlsmon
	log_test $? "the module unloads"
}
