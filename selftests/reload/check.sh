#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-reload`: selftests/tlsmon/reload.sh in the guest, the module
# unloaded and loaded again RELOAD_COUNT times (300) within RELOAD_SECS
# (600) while kTLS connections churn. About 12 minutes, hence not part of
# `make check`, which reloads three times (load.sh). A guest that dies is
# reported with the first lines of its oops. Ends with
# "N passed, N failed, N skipped".
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
results=$top/build/results-reload
secs=${RELOAD_SECS:-600}
rm -rf "$results"
mkdir -p "$results"
start=$(date +%s)
"$top/selftests/vm/run.sh" -t $((secs + 240)) -o "$results/vm" -- \
	sh -c "RELOAD_COUNT=${RELOAD_COUNT:-300} RELOAD_SECS=$secs \
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
"$top/selftests/lib/tap_summary.sh" "$results"/*.tap "$results"/vm/reload.tap |
	tee "$results/summary.txt"
rc=${PIPESTATUS[0]}
[ $vm_rc -eq 0 ] || rc=1
exit $rc
