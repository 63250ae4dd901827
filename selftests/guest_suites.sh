#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test guest: every guest suite in turn, each one's TAP
# output kept in RESULTS/NAME.tap and its exit status in RESULTS/NAME.rc.
#
#   selftests/guest_suites.sh [RESULTS]   (default /tmp/vm/results)
#   selftests/guest_suites.sh --list      the suites' names, one per line,
#                                          without running them
#
# TLSMON_GUEST_SUITES, when set, names the suites to run (space
# separated); the others are neither run nor listed.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
results=${1:-/tmp/vm/results}
bin=$top/build/selftests
listing=false
if [ "$results" = --list ]; then
	listing=true
else
	mkdir -p "$results"
fi

# wanted NAME: whether TLSMON_GUEST_SUITES leaves NAME in
wanted() {
	[ -z "${TLSMON_GUEST_SUITES:-}" ] && return 0
	case " $TLSMON_GUEST_SUITES " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# run_suite NAME CMD...
run_suite() {
	local name=$1
	shift
	wanted "$name" || return
	if $listing; then
		echo "$name"
		return
	fi
	echo "=== suite $name"
	"$@" 2>&1 | tee "$results/$name.tap"
	echo "${PIPESTATUS[0]}" >"$results/$name.rc"
}

# Shell suites manage the module themselves.
run_suite netns "$top/selftests/tlsmon/netns.sh"
run_suite tagging "$top/selftests/tlsmon/tagging.sh"
run_suite forgery "$top/selftests/tlsmon/forgery.sh"
run_suite export "$top/selftests/tlsmon/export.sh"
run_suite rekey "$top/selftests/tlsmon/rekey.sh"
run_suite openssl "$top/selftests/tlsmon/openssl.sh"
run_suite keyshare "$top/selftests/tlsmon/keyshare.sh"
run_suite collector "$top/selftests/tlsmon/collector.sh"
run_suite links "$top/selftests/tlsmon/links.sh"
run_suite flood "$top/selftests/tlsmon/flood.sh"
run_suite load "$top/selftests/tlsmon/load.sh"
run_suite wipe "$top/selftests/tlsmon/wipe.sh"
run_suite ynl "$top/selftests/tlsmon/ynl.sh"

# C suites expect the module loaded, and it must unload cleanly after.
run_module_suite() {
	local name=$1
	shift
	wanted "$name" || return
	if $listing; then
		echo "$name"
		return
	fi
	if ! insmod "${TLSMON_KO:-$top/module/tlsmon.ko}"; then
		echo "not ok 1 $name: insmod failed" >"$results/$name.tap"
		echo 1 >"$results/$name.rc"
		return
	fi
	run_suite "$name" "$@"
	if ! rmmod tlsmon; then
		echo "not ok 999 $name: rmmod after the suite failed" >>"$results/$name.tap"
		echo 1 >"$results/$name.rc"
	fi
}
run_module_suite policy "$bin/tlsmon/policy_test"
run_module_suite nl_hostile "$bin/tlsmon/nl_hostile"

# The module as DKMS built it from the Debian package (host suite
# "package"): it loads, answers, and unloads.
dkms_suite() {
	local ko=$top/build/dkms/tlsmon.ko n=0 failed=0
	echo "TAP version 13"
	if [ -n "${TLSMON_KO:-}" ]; then
		echo "ok 1 DKMS-built module # SKIP it is built for Debian's kernel, not this one"
		echo "1..1"
		echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
		return 0
	fi
	if [ ! -r "$ko" ]; then
		echo "ok 1 DKMS-built module # SKIP build/dkms/tlsmon.ko was not built"
		echo "1..1"
		echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
		return 0
	fi
	check() {
		n=$((n + 1))
		if "$@" >/dev/null 2>&1; then echo "ok $n $name"; else echo "not ok $n $name"; failed=$((failed + 1)); fi
	}
	name="the DKMS-built module loads"; check insmod "$ko"
	name="monctl talks to it"; check "$top/tools/monctl/monctl" policy set enabled on
	name="it unloads"; check sh -c "$top/tools/monctl/monctl policy set enabled off && rmmod tlsmon"
	echo "1..$n"
	echo "# Totals: pass:$((n - failed)) fail:$failed xfail:0 xpass:0 skip:0 error:0"
	return $((failed != 0))
}
run_suite dkms dkms_suite
exit 0
