#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-reload`: selftests/tlsmon/reload.sh in the guest, the module
# unloaded and loaded again up to RELOAD_COUNT times (300) within
# RELOAD_SECS (300) while kTLS connections churn with TCP_NODELAY
# (RELOAD_NODELAY=0: with delayed ACKs, twenty times slower). About 6
# minutes, hence not part of `make check`, which reloads three times
# (load.sh). The guest runs under single-threaded TCG by default
# (TLSMON_VM_TCG_THREAD=multi for the other): multi-threaded TCG executes
# stale translations of patched kernel code, which crashes or hangs the
# guest within a minute of such reloads (Documentation/testing.rst). A
# guest that dies is reported with the first lines of its oops. Ends with
# "N passed, N failed, N skipped".
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
results=$top/build/results-reload
secs=${RELOAD_SECS:-300}
export TLSMON_VM_TCG_THREAD=${TLSMON_VM_TCG_THREAD:-single}
rm -rf "$results"
mkdir -p "$results"
start=$(date +%s)
"$top/selftests/vm/run.sh" -t $((secs + 240)) -o "$results/vm" -- \
	sh -c "RELOAD_COUNT=${RELOAD_COUNT:-300} RELOAD_SECS=$secs RELOAD_NODELAY=${RELOAD_NODELAY:-1} \
	       '$top/selftests/tlsmon/reload.sh' >/tmp/vm/reload.tap 2>&1; \
	       echo \$? >/tmp/vm/reload.rc; cat /tmp/vm/reload.tap"
vm_rc=$?
echo "# guest run took $(( $(date +%s) - start )) s, exit status $vm_rc"
if [ $vm_rc -ne 0 ]; then
	{
		echo "not ok 1 guest run (exit status $vm_rc: see build/results-reload/vm/console.log)"
		grep -m1 -A3 -E 'BUG:|Oops:|general protection' "$results/vm/console.log" |
			sed 's/^/# /'
	} >"$results/guest.tap"
fi
"$top/selftests/lib/tap_summary.sh" -e reload "$results"/*.tap "$results"/vm/reload.tap |
	tee "$results/summary.txt"
rc=${PIPESTATUS[0]}
[ $vm_rc -eq 0 ] || rc=1
exit $rc
