#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-ktls`: the kernel's own kTLS selftest (tls.c of Debian's
# linux-source-6.1, about 660 cases) in the guest, without tlsmon and then
# with tlsmon enabled; every case must have the same outcome. About 25 minutes
# under TCG (two full runs), hence not part of `make check`. The baseline
# is kept in build/results-ktls/vm/results/baseline.out.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
results=$top/build/results-ktls
rm -rf "$results"
mkdir -p "$results"
start=$(date +%s)
"$top/selftests/vm/run.sh" -t "${TLSMON_KTLS_TIMEOUT:-5400}" -o "$results/vm" -- \
	"$top/selftests/ktls/guest.sh" /tmp/vm/results
vm_rc=$?
echo "# guest run took $(( $(date +%s) - start )) s, exit status $vm_rc"
if [ $vm_rc -ne 0 ]; then
	echo "not ok 1 guest run (exit status $vm_rc: see build/results-ktls/vm/console.log)" \
		>"$results/guest.tap"
fi
"$top/selftests/lib/tap_summary.sh" -e ktls "$results"/*.tap "$results"/vm/results/ktls.tap |
	tee "$results/summary.txt"
rc=${PIPESTATUS[0]}
[ $vm_rc -eq 0 ] || rc=1
exit $rc
