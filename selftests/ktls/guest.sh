#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the guest: the kernel's kTLS selftest without tlsmon (the
# baseline), then with tlsmon loaded and its policy enabled, with export,
# in the namespace the selftest runs in; then the two compared case by case.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
results=${1:-/tmp/vm/results}
ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
tls=$top/build/selftests/ktls/tls
mkdir -p "$results"

# one line per case: pass, fail or skip, then its TAP line (numbered: the
# order is fixed, and a skipped case's line may carry no name)
outcomes() {
	awk '/^(not )?ok [0-9]+/ {
		st = ($1 == "not") ? "fail" : "pass"
		if ($0 ~ /# *(SKIP|skip)/) st = "skip"
		print st, $0 }' "$1"
}

counts() {
	outcomes "$1" | awk '{ if ($1 == "skip") s++; else if ($1 == "fail") f++; else p++ }
		END { printf "%d passed, %d failed, %d skipped", p, f, s }'
}

modprobe tls
rmmod tlsmon 2>/dev/null
start=$(date +%s)
"$tls" >"$results/baseline.out" 2>&1
echo "# baseline without tlsmon: $(counts "$results/baseline.out") in $(( $(date +%s) - start )) s"

insmod "$ko" || exit 1
# export needs an export link; the test's peers are on loopback, never one
ip link add tmkt0 type veth peer tmkt1 || exit 1
"$monctl" policy set enabled on links tmkt0 export on || exit 1
start=$(date +%s)
"$tls" >"$results/tlsmon.out" 2>&1
echo "# with tlsmon enabled: $(counts "$results/tlsmon.out") in $(( $(date +%s) - start )) s"
"$monctl" stats >"$results/stats.txt"
installs=$(sed -n 's/^ktls_installs: //p' "$results/stats.txt")
"$monctl" policy set enabled off export off links none
ip link del tmkt0

{
	ktap_header "the kernel's kTLS selftest with and without tlsmon"
	n=$(outcomes "$results/baseline.out" | wc -l)
	[ "$n" -ge 600 ]
	log_test $? "the baseline ran $n cases ($(counts "$results/baseline.out"))"
	if diff <(outcomes "$results/baseline.out") <(outcomes "$results/tlsmon.out") >"$results/diff.txt"; then
		log_test 0 "every case has the same outcome with tlsmon enabled"
	else
		sed 's/^/# /' "$results/diff.txt" | head -n 40
		log_test 1 "every case has the same outcome with tlsmon enabled"
	fi
	[ "${installs:-0}" -gt 0 ]
	log_test $? "tlsmon saw the selftest's kTLS installations (${installs:-0})"
	rmmod tlsmon
	log_test $? "tlsmon unloads after it"
	ktap_finish
} >"$results/ktls.tap"
cat "$results/ktls.tap"
exit 0
