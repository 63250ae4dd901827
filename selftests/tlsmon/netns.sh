#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tlsmon policy through monctl, across network namespaces.
#
#   +-------------------+   +-------------------+   +-------------------+
#   | init namespace    |   | ns "$ns_a"        |   | ns "$ns_b"        |
#   | policy P0         |   | policy Pa         |   | policy Pb         |
#   +-------------------+   +-------------------+   +-------------------+
#
# Each namespace has a policy of its own, created with the namespace and
# freed with it. The module is loaded with dynamic debug on, so the kernel
# log records every policy created (WireGuard's selftest habit); that each
# one is freed is the kernel's own check: policies come from the slab cache
# tlsmon_policy, whose live objects /sys/kernel/slab counts and whose
# destruction at unload warns "Slab cache still has objects" if any is left.
#
# Run as root in a throwaway machine (the QEMU guest): it loads and unloads
# the module.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
suffix=$$
ns_a=tlsmon-a-$suffix
ns_b=tlsmon-b-$suffix

mc() { "$monctl" "$@"; }
mca() { "$monctl" -n "$ns_a" "$@"; }
mcb() { "$monctl" -n "$ns_b" "$@"; }
unpriv() { setpriv --inh-caps=-net_admin --bounding-set=-net_admin -- "$@"; }

cleanup() {
	ip netns del "$ns_a" 2>/dev/null
	ip netns del "$ns_b" 2>/dev/null
	ip link del tmlk$suffix 2>/dev/null
	rmmod tlsmon 2>/dev/null
	[ -n "${kpid:-}" ] && kill "$kpid" 2>/dev/null
	rm -f "$klog"
}
trap cleanup EXIT

# count_log PATTERN: lines of the kernel log, since this test began, matching
count_log() {
	dmesg | sed -n "/tlsmon-selftest-start-$suffix/,\$p" | grep -c -E "$1"
}

# klog_start / klog_stop: the kernel's log from now on, as it comes, in
# $klog: a leak report is long, and a hundred of them push the start of
# the test out of the log buffer that count_log reads
klog=$(mktemp)
klog_start() {
	: >"$klog"
	dmesg -W >"$klog" 2>/dev/null &
	kpid=$!
	echo "tlsmon-selftest-klog-$suffix" >/dev/kmsg
	busywait 5000 grep -q "tlsmon-selftest-klog-$suffix" "$klog"
}
klog_stop() {
	echo "tlsmon-selftest-klog-end-$suffix" >/dev/kmsg
	busywait 5000 grep -q "tlsmon-selftest-klog-end-$suffix" "$klog"
	kill "$kpid"
	wait "$kpid" 2>/dev/null
}
# the reports of a slab cache destroyed with objects left: the warning of
# kmem_cache_destroy() (mm/slab_common.c) and SLUB's list of the objects
# (mm/slub.c: "Objects remaining in tlsmon_policy on ..." in 6.1,
# "Objects remaining on ..." in 6.12)
leak_re='Slab cache still has objects|BUG tlsmon_policy .*Objects remaining'

ns_inum() {
	ip netns exec "$1" readlink /proc/self/ns/net | tr -dc '0-9'
}

default_plain='enabled: off
suites: 0xff01 TLS_AES_128_GCM_SHA256_MON
        0xff02 TLS_AES_256_GCM_SHA384_MON
        0xff03 TLS_CHACHA20_POLY1305_SHA256_MON
        0xff04 TLS_AES_128_CCM_SHA256_MON
        0xff2b TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_MON
        0xff2c TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_MON
        0xff2f TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256_MON
        0xff30 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384_MON
        0xffa8 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_MON
        0xffa9 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256_MON
consent: accept
consent-ext: 0xff4d
mark: none
export: off
links: none'
default_json='{"enabled":false,"suites":["0xff01","0xff02","0xff03","0xff04","0xff2b","0xff2c","0xff2f","0xff30","0xffa8","0xffa9"],"consent":"accept","consent_ext":"0xff4d","mark":"0x0","mask":"0x0","export":false,"links":[]}'

# expect_fail NAME RC STDERR CMD...
expect_fail() {
	local name=$1 want_rc=$2 want=$3 out rc
	shift 3
	out=$("$@" 2>&1 >/dev/null); rc=$?
	if [ $rc -ne "$want_rc" ] || [ "$out" != "$want" ]; then
		diag "$name: exit $rc, stderr '$out'"
		diag "expected exit $want_rc, stderr '$want'"
		log_test 1 "$name"
		return
	fi
	log_test 0 "$name"
}
ktap_header "tlsmon policy across network namespaces"
echo "tlsmon-selftest-start-$suffix" >/dev/kmsg

if [ ! -r "$ko" ] || [ ! -x "$monctl" ]; then
	skip_missing "build" "module or monctl not built"
	ktap_finish
	exit $?
fi
rmmod tlsmon 2>/dev/null

# --- without the module ------------------------------------------------
out=$(mc policy show 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = 'monctl: the tlsmon module is not loaded (no generic netlink family "tlsmon")' ]
log_test $? "monctl says the module is missing (exit 1)"
# resolving the family loads nothing: no alias, and nobody's request neither
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups -- "$monctl" -j policy 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = 'monctl: the tlsmon module is not loaded (no generic netlink family "tlsmon")' ] &&
	[ -z "$(modinfo -F alias "$ko")" ] && ! lsmod | grep -q '^tlsmon '
log_test $? "no autoload: the module has no alias, monctl as root or nobody leaves it unloaded"
out=$(mc policy set enabled maybe 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$out" = "monctl: policy set: enabled must be 'on' or 'off', not 'maybe'" ]
log_test $? "a bad value is named (exit 2) even without the module"

# --- load and unload ---------------------------------------------------
ip netns add "$ns_a" && ip netns add "$ns_b" || ktap_bail "create the namespaces"
cycles=100
ok=0
klog_start
for i in $(seq $cycles); do
	insmod "$ko" dyndbg=+p || break
	rmmod tlsmon || break
	ok=$i
done
klog_stop
created=$(grep -c -E 'tlsmon: netns [0-9]+: policy created' "$klog")
leaks=$(grep -c -E "$leak_re" "$klog")
diag "$ok of $cycles load/unload cycles, $created policies created, $leaks leak reports"
[ $ok -eq $cycles ] && [ "$created" -eq $((3 * cycles)) ] && [ "$leaks" -eq 0 ] &&
	[ ! -e /sys/module/tlsmon ] && [ ! -e /sys/kernel/slab/tlsmon_policy ]
log_test $? "load and unload $cycles times, every policy freed (no slab cache left with objects)"

insmod "$ko" dyndbg=+p || ktap_bail "load the module"

# --- every policy freed, by the slab cache's count ------------------------
# policies: the live objects of the cache, once SLUB has flushed its
# per-CPU slabs (whose free objects it would count as in use otherwise).
# A policy replaced or whose namespace is gone is freed after an RCU grace
# period: wait_policies N waits until the count is exactly N.
slab=/sys/kernel/slab/tlsmon_policy
policies() {
	echo 1 >"$slab/shrink" && cut -d' ' -f1 "$slab/objects"
}
wait_policies() {
	busywait 30000 sh -c "[ \"\$(echo 1 >$slab/shrink && cut -d' ' -f1 $slab/objects)\" = $1 ]" && return 0
	diag "tlsmon_policy objects: $(policies), expected $1"
	return 1
}
# merged with another cache, its count and its leak report would be the
# other cache's: sysfs then shows the name as a link to the merged cache
[ -d "$slab" ] && [ ! -L "$slab" ] && [ -r "$slab/objects" ]
log_test $? "the policies have a slab cache of their own (not merged)"
# namespaces of an earlier suite may still be on their way out: the count
# to start from is one that holds still for a second
base=$(policies)
for _ in $(seq 10); do
	sleep 1
	n=$(policies)
	[ "$n" = "$base" ] && break
	base=$n
done
diag "$base policies with the module just loaded"
pns=tlsmon-p-$suffix
for i in 1 2 3 4 5; do
	ip netns add "$pns$i" || break
done
wait_policies $((base + 5))
log_test $? "5 namespaces created: 5 more policies in the slab cache"
for i in $(seq 10); do
	"$monctl" -n "${pns}1" policy set mark "$i" && "$monctl" -n "${pns}2" policy set suites 0xff0$((i % 4 + 1)) || break
done
wait_policies $((base + 5))
log_test $? "20 policy changes: every replaced version freed after its grace period"
for i in 1 2 3 4 5; do
	ip netns del "$pns$i"
done
wait_policies "$base"
log_test $? "the 5 namespaces deleted: their policies freed"
# an Ethernet link of the init namespace to export on
lk=tmlk$suffix
ip link add "$lk" type veth peer "tmlp$suffix" || ktap_bail "create the veth pair"

# --- defaults and output formats ----------------------------------------
check_output "defaults, plain" "$default_plain" mc policy show
check_output "defaults, JSON" "$default_json" mc -j policy show
check_output "no command shows the policy" "$default_json" mc -j policy
pretty=$(mc -j -p policy show | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), separators=(",", ":")))')
[ "$pretty" = "$default_json" ] && [ "$(mc -j -p policy | wc -l)" -gt 10 ]
log_test $? "pretty JSON is the same document, indented"

# --- every field round trips --------------------------------------------
mc policy set enabled on && mc policy set suites TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256_MON,0xff02,tls_aes_128_gcm_sha256_mon &&
	mc policy set consent require && mc policy set consent-ext 0xff4e &&
	mc policy set mark 0x100/0xf00 && mc policy set links "$lk" && mc policy set export on
check_output "set and read back every field" \
	'{"enabled":true,"suites":["0xff2f","0xff02","0xff01"],"consent":"require","consent_ext":"0xff4e","mark":"0x100","mask":"0xf00","export":true,"links":["'"$lk"'"]}' \
	mc -j policy show

mc policy set suites TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256_MON,0xff02 && mc policy set mark 7 &&
	mc policy set consent off
check_output "mark without mask means all bits; several calls" \
	'{"enabled":true,"suites":["0xff2f","0xff02"],"consent":"off","consent_ext":"0xff4e","mark":"0x7","mask":"0xffffffff","export":true,"links":["'"$lk"'"]}' \
	mc -j policy show

mc policy set enabled off suites none consent accept consent-ext 0xff4d mark none export off links none
check_output "several settings in one call" \
	'{"enabled":false,"suites":[],"consent":"accept","consent_ext":"0xff4d","mark":"0x0","mask":"0x0","export":false,"links":[]}' \
	mc -j policy show
mc policy set suites 0xff01,0xff02,0xff03,0xff04,0xff2b,0xff2c,0xff2f,0xff30,0xffa8,0xffa9
check_output "back to the defaults" "$default_json" mc -j policy show

# --- atomicity through the tool -----------------------------------------
expect_fail "a refused call changes nothing" 1 \
	'monctl: cannot change the policy: duplicate cipher suite (Invalid argument)
monctl: the refused suite is 0xff01' \
	mc policy set enabled on export on suites 0xff01,0xff03,0xff01
check_output "policy after the refused call" "$default_json" mc -j policy show

# --- namespaces ----------------------------------------------------------
mca policy set enabled on suites 0xff03 mark 0x5/0xf
check_output "namespace a changed" \
	'{"enabled":true,"suites":["0xff03"],"consent":"accept","consent_ext":"0xff4d","mark":"0x5","mask":"0xf","export":false,"links":[]}' \
	mca -j policy
check_output "namespace b does not see it" "$default_json" mcb -j policy
check_output "the initial namespace does not see it" "$default_json" mc -j policy

ip netns add "$ns_a-new"
check_output "a new namespace starts with the defaults" "$default_json" "$monctl" -n "$ns_a-new" -j policy
ip netns del "$ns_a-new"

inum=$(ns_inum "$ns_a")
ip netns del "$ns_a"
wait_policies $((base - 1))
log_test $? "deleting a namespace frees its policy (one object fewer in the slab cache)"
busywait 10000 sh -c "dmesg | grep -q 'tlsmon: netns $inum: monitoring stops'"
log_test $? "deleting a namespace with monitoring on is logged"
ip netns add "$ns_a"

# --- privileges ----------------------------------------------------------
out=$(unpriv "$monctl" -n "$ns_b" policy set enabled on 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "monctl: cannot change the policy: Operation not permitted (CAP_NET_ADMIN over this network namespace is needed)" ]
log_test $? "change without CAP_NET_ADMIN refused"
check_output "show without CAP_NET_ADMIN works" "$default_json" unpriv "$monctl" -n "$ns_b" -j policy show

# --- widening monitoring takes the host's administrator ------------------
# A user who owns a network namespace (unshare -Urn as nobody) may not turn
# monitoring or export on in it, unless delegate_netns says so; turning
# things off stays allowed to them.
asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
param=/sys/module/tlsmon/parameters/delegate_netns
widen_err="monctl: cannot change the policy: turning monitoring on or widening it needs CAP_NET_ADMIN in the initial user namespace (Operation not permitted)"
out=$(asnobody unshare -Urn sh -c "\"$monctl\" policy set enabled on; echo rc=\$?; \"$monctl\" -j policy" 2>&1)
[ "$out" = "$widen_err
rc=1
$default_json" ]
log_test $? "an unprivileged user's own namespace: enabling refused with the reason, policy unchanged"
out=$(asnobody unshare -Urn sh -c "\"$monctl\" policy set suites 0xff01 consent require; echo rc=\$?; \"$monctl\" -j policy | grep -o '\"suites\":\[[^]]*\]'" 2>&1)
[ "$out" = 'rc=0
"suites":["0xff01"]' ]
log_test $? "an unprivileged user's own namespace: changes while monitoring is off allowed"
[ "$(cat $param)" = N ] && echo 1 >$param
out=$(asnobody unshare -Urn sh -c "\"$monctl\" policy set enabled on; echo rc=\$?; \"$monctl\" -j policy | grep -o '\"enabled\":[a-z]*'" 2>&1)
echo 0 >$param
[ "$out" = 'rc=0
"enabled":true' ]
log_test $? "delegate_netns=1: the namespace's owner may enable monitoring"
# the host's administrator turns monitoring on in the user's namespace
rm -f /tmp/tlsmon-go-$suffix /tmp/tlsmon-pid-$suffix
asnobody unshare -Urn sh -c "echo \$\$ >/tmp/tlsmon-pid-$suffix; while [ ! -e /tmp/tlsmon-go-$suffix ]; do sleep 0.1; done
	\"$monctl\" policy set export off; echo rc=\$?
	\"$monctl\" policy set mark 0x1; echo rc=\$?
	\"$monctl\" policy set enabled off; echo rc=\$?" >/tmp/tlsmon-out-$suffix 2>&1 &
upid=$!
busywait 5000 test -s /tmp/tlsmon-pid-$suffix
# (the namespace has no Ethernet link to export on: monitoring only)
nsenter --net=/proc/$(cat /tmp/tlsmon-pid-$suffix)/ns/net "$monctl" policy set enabled on
rc=$?
touch /tmp/tlsmon-go-$suffix
wait $upid
out=$(cat /tmp/tlsmon-out-$suffix)
rm -f /tmp/tlsmon-go-$suffix /tmp/tlsmon-pid-$suffix /tmp/tlsmon-out-$suffix
[ $rc -eq 0 ] && [ "$out" = "rc=0
$widen_err
rc=1
rc=0" ]
ok=$?
[ $ok -eq 0 ] || diag "$out"
log_test $ok "the namespace's owner may turn export and monitoring off, not change the mark while on"

# --- errors: messages and exit codes ------------------------------------
expect_fail "kernel extack shown: consent-ext 0xff01" 1 \
	"monctl: cannot change the policy: extension 0xff01 is renegotiation_info, not a private-use code point (Invalid argument)" \
	mcb policy set consent-ext 0xff01
expect_fail "GREASE suite refused before the kernel is asked" 1 \
	"monctl: policy set: suite '0x2a2a' (0x2a2a): GREASE cipher suite values are never negotiated" \
	mcb policy set suites 0x2a2a
expect_fail "a standard suite is not a monitoring signal" 1 \
	"monctl: policy set: suite '0x1302' (0x1302): a standard cipher suite is not a monitoring signal: only private-use suites (0xff00-0xffff) can be" \
	mcb policy set enabled on export on suites 0xff01,0x1302
expect_fail "nor by its name" 1 \
	"monctl: policy set: suite 'TLS_AES_128_GCM_SHA256' (0x1301): a standard cipher suite is not a monitoring signal: only private-use suites (0xff00-0xffff) can be" \
	mcb policy set suites TLS_AES_128_GCM_SHA256
expect_fail "kernel extack shown: mark outside mask" 1 \
	"monctl: cannot change the policy: mark has bits outside its mask (Invalid argument)" \
	mcb policy set mark 0x10/0x1
expect_fail "kernel extack shown: require without suites" 1 \
	"monctl: cannot change the policy: consent mode require needs at least one monitored suite (Invalid argument)" \
	mcb policy set consent require suites none
# expect_usage NAME STDERR-FIRST-LINE CMD...: exit 2, the message, then the usage
expect_usage() {
	local name=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1 >/dev/null); rc=$?
	if [ $rc -ne 2 ] || [ "$(head -n 1 <<<"$out")" != "$want" ] ||
	   ! sed -n 2p <<<"$out" | grep -q '^Usage: monctl'; then
		diag "$name: exit $rc, stderr:"
		printf '%s\n' "$out" | sed 's/^/#   /'
		log_test 1 "$name"
		return
	fi
	log_test 0 "$name"
}
expect_usage "unknown object" "monctl: unknown object 'polcy' (try 'monctl help')" mc polcy
expect_usage "unknown command" "monctl: unknown policy command 'sett' (try 'monctl policy help')" mc policy sett
expect_fail "unknown setting" 2 \
	"monctl: policy set: unknown setting 'enable' (enabled, suites, consent, consent-ext, mark, export, links)" \
	mc policy set enable on
expect_fail "bad on/off value" 2 "monctl: policy set: enabled must be 'on' or 'off', not 'yes'" \
	mc policy set enabled yes
expect_fail "bad consent value" 2 "monctl: policy set: consent must be off, accept or require, not 'maybe'" \
	mc policy set consent maybe
expect_fail "bad suite name" 2 \
	"monctl: policy set: 'TLS_FOO' is not a cipher suite (a name from 'monctl policy help' or a code point such as 0xff01)" \
	mc policy set suites 0xff01,TLS_FOO
expect_fail "suite above 0xffff" 2 \
	"monctl: policy set: '0x10000' is not a cipher suite (a name from 'monctl policy help' or a code point such as 0xff01): above 0xffff" \
	mc policy set suites 0x10000
expect_fail "bad mark" 2 "monctl: policy set: mark must be VALUE[/MASK] or none, not '0x1/zz'" \
	mc policy set mark 0x1/zz
expect_fail "setting given twice" 2 "monctl: policy set: 'enabled' given twice" \
	mc policy set enabled on enabled off
expect_fail "missing value is a usage error" 2 "monctl: policy set: 'export' needs a value" \
	mc policy set enabled on export
expect_fail "set with nothing is a usage error" 2 \
	"monctl: policy set: nothing to set (see 'monctl policy help')" mc policy set
expect_fail "one socket that is not monitored" 1 \
	"monctl: cannot read the session of that socket: no monitored session has this socket cookie (No such file or directory)" \
	mc sessions show cookie 12345
expect_fail "a cookie that is not a number" 2 \
	"monctl: sessions show: 'x1' is not a socket cookie (sk:HEX as 'ss -e' prints it, 0xHEX or decimal)" mc sessions show cookie x1
expect_fail "cookie without a value" 2 "monctl: sessions show: 'cookie' needs a socket cookie" \
	mc sessions show cookie
expect_fail "unknown option is a usage error" 2 "$(mc -x 2>&1 >/dev/null)" mc -x
[ "$(mc -x 2>&1 | head -n 2 | tail -n 1)" = "Usage: monctl [OPTIONS] OBJECT [COMMAND [ARGUMENTS]]" ]
log_test $? "unknown option prints the usage"
mc help >/dev/null 2>&1 && mc policy help 2>&1 | grep -q '^SETTING VALUE := enabled on|off'
log_test $? "help on every level, exit 0"
expect_fail "unknown network namespace" 1 \
	"monctl: cannot open network namespace 'nosuchns': No such file or directory" \
	"$monctl" -n nosuchns policy
check_output "nothing above changed namespace b" "$default_json" mcb -j policy

# --- a policy file: load, save, line-numbered errors ---------------------
pf=$(mktemp -d)
cat >"$pf/policy.conf" <<CONF
# the operator's policy
[host]
enabled = on
suites = 0xff01, TLS_AES_256_GCM_SHA384_MON   # by name too
export = on
links = $lk

[netns $ns_a]
enabled = on
consent = require
mark = 0x100/0xf00
[netns $ns_b]
CONF
mc policy load "$pf/policy.conf"
log_test $? "policy load applies a file with three sections"
# what the file says, written out here: never read back from monctl
loaded_host='{"enabled":true,"suites":["0xff01","0xff02"],"consent":"accept","consent_ext":"0xff4d","mark":"0x0","mask":"0x0","export":true,"links":["'"$lk"'"]}'
loaded_a='{"enabled":true,"suites":["0xff01","0xff02","0xff03","0xff04","0xff2b","0xff2c","0xff2f","0xff30","0xffa8","0xffa9"],"consent":"require","consent_ext":"0xff4d","mark":"0x100","mask":"0xf00","export":false,"links":[]}'
check_output "loaded: host" "$loaded_host" mc -j policy
check_output "loaded: namespace a (settings not given take their defaults)" "$loaded_a" mca -j policy
check_output "loaded: namespace b, an empty section is the defaults" "$default_json" mcb -j policy
mc policy save "$pf/saved.conf" && mc policy load "$pf/saved.conf" && mc policy save "$pf/again.conf" &&
	cmp -s "$pf/saved.conf" "$pf/again.conf" &&
	grep -q "^\[netns $ns_a\]\$" "$pf/saved.conf" && grep -q "^mark = 0x100/0xf00\$" "$pf/saved.conf"
log_test $? "policy save writes what policy load reads: save, load, save again is identical"

# save FILE replaces FILE by rename: a reader (or a hard link) of the old
# file sees it whole, never cut short; no temporary file is left behind
echo "# old" >"$pf/atomic.conf"
ln "$pf/atomic.conf" "$pf/old.conf"
ino_before=$(stat -c %i "$pf/atomic.conf")
mc policy save "$pf/atomic.conf" &&
	[ "$(cat "$pf/old.conf")" = "# old" ] && [ "$(stat -c %i "$pf/atomic.conf")" != "$ino_before" ] &&
	cmp -s "$pf/atomic.conf" "$pf/saved.conf" && [ "$(stat -c %a "$pf/atomic.conf")" = 644 ] &&
	[ "$(find "$pf" -name 'atomic.conf?*' | wc -l)" = 0 ]
log_test $? "policy save FILE: written beside it and renamed over it, mode 0644"

# Under -n, the namespace is saved as itself, never as [host]: loading the
# file from the host changes that namespace, not the host.
host_before=$(mc -j policy)
a_before=$(mca -j policy)
mca policy save "$pf/a.conf" && mca policy save >"$pf/a-stdout.conf" &&
	cmp -s "$pf/a.conf" "$pf/a-stdout.conf" &&
	! grep -q '^\[host\]' "$pf/a.conf" && [ "$(grep -c '^\[' "$pf/a.conf")" = 1 ] &&
	grep -qx "\[netns $ns_a\]" "$pf/a.conf" && grep -qx "mark = 0x100/0xf00" "$pf/a.conf"
log_test $? "policy save under -n writes [netns NAME] alone, no [host]"
mca policy set enabled off consent accept mark none &&
	mc policy load "$pf/a.conf" &&
	[ "$(mca -j policy)" = "$a_before" ] && [ "$(mc -j policy)" = "$host_before" ]
log_test $? "that file loaded from the host restores the namespace and leaves the host alone"
mc policy check "$pf/a.conf" && mc policy check "$pf/saved.conf"
log_test $? "saved files pass policy check"

# unload: what the file turned on goes off (tlsmon.service's ExecStop,
# with the unit's capabilities only), settings stay, and a namespace the
# file leaves off is not touched
mcb policy set enabled on &&
	{ cat "$pf/policy.conf"; printf '[netns %s-gone]\nenabled = on\n' "$ns_a"; } >"$pf/unload.conf" &&
	setpriv --bounding-set=-all,+net_admin,+sys_admin -- "$monctl" policy unload "$pf/unload.conf" &&
	mc -j policy | grep -q '^{"enabled":false,"suites":\["0xff01","0xff02"\],.*"export":false,"links":\["'"$lk"'"\]}$' &&
	mca -j policy | grep -q '^{"enabled":false,.*"consent":"require",.*"mark":"0x100",.*"export":false' &&
	mcb -j policy | grep -q '^{"enabled":true,'
log_test $? "policy unload turns off what the file turned on, skipping a namespace gone"
mcb policy set enabled off
# back to what the file loads, for the cases below
mc policy load "$pf/policy.conf"
cat >"$pf/bad.conf" <<CONF
[netns $ns_a]
enabled = off
[host]
suites = 0xff01,0x1302
mark = 0x10/0x1
colour = blue
[netns no-such-namespace]
CONF
expect_fail "policy file errors name each line, nothing applied" 1 \
	"monctl: $pf/bad.conf:4: suite 0x1302: a standard cipher suite is not a monitoring signal: only private-use suites (0xff00-0xffff) can be
monctl: $pf/bad.conf:5: mark has bits outside its mask
monctl: $pf/bad.conf:6: unknown setting 'colour' (enabled, suites, consent, consent-ext, mark, export, links)
monctl: $pf/bad.conf:7: network namespace 'no-such-namespace': No such file or directory" \
	mc policy load "$pf/bad.conf"
check_output "a file with an error changes no namespace: a" "$loaded_a" mca -j policy
check_output "a file with an error changes no namespace: host" "$loaded_host" mc -j policy
printf '[host]\nconsent = require\nsuites = none\n' >"$pf/rule.conf"
expect_fail "rules across settings are checked per section" 1 \
	"monctl: $pf/rule.conf:1: consent mode require needs at least one monitored suite" \
	mc policy load "$pf/rule.conf"
printf '[host]\nexport = on\n\n[netns %s]\nlinks = nosuch0\n' "$ns_a" >"$pf/links.conf"
expect_fail "export links: a missing name and export without one, by line" 1 \
	"monctl: $pf/links.conf:1: key export needs at least one export link: monctl policy set links DEV" \
	mc policy load "$pf/links.conf"
printf '[netns %s]\nlinks = nosuch0\n' "$ns_a" >"$pf/links.conf"
expect_fail "export links: an interface the namespace lacks, by line" 1 \
	"monctl: $pf/links.conf:2: no interface 'nosuch0' in namespace '$ns_a'" \
	mc policy load "$pf/links.conf"
printf '[host]\nenabled = off\n' | unpriv "$monctl" policy load - 2>"$pf/err"
[ $? -eq 1 ] && grep -q "^monctl: -:1: namespace 'host': cannot change the policy: Operation not permitted" "$pf/err"
log_test $? "policy load without CAP_NET_ADMIN is refused, naming the section"
printf '[host]\n' | mc policy load - && printf '[host]\n' | "$monctl" -n "$ns_a" policy load - && \
	printf '[host]\n' | "$monctl" -n "$ns_b" policy load -
rm -rf "$pf"

# --- the host's log says when monitoring is on --------------------------
inum=$(ns_inum "$ns_b")
mcb policy set enabled on && mcb policy set enabled off
dmesg | grep -q "tlsmon: netns $inum: monitoring enabled (10 suites, consent accept, export off)" &&
	dmesg | grep -q "tlsmon: netns $inum: monitoring disabled"
log_test $? "enabling and disabling is logged"

# --- every change is logged, with what changed and who changed it ------------
inum=$(ns_inum "$ns_b")
who="uid 0 auid [0-9]+ pid [0-9]+ comm monctl"
mcb policy set suites 0xff01,0xff02 && mcb policy set suites 0xff02
mcb policy set consent require && mcb policy set consent-ext 0xff4e
mcb policy set mark 0x100/0xf00
ip -n "$ns_b" link add vb0 type veth peer vb1
mcb policy set enabled on export on links vb0
[ "$(count_log "tlsmon: netns $inum: policy changed by $who: suites 0xff01,0xff02,0xff03,0xff04,0xff2b,0xff2c,0xff2f,0xff30,0xffa8,0xffa9 -> 0xff01,0xff02$")" = 1 ] &&
	[ "$(count_log "tlsmon: netns $inum: policy changed by $who: suites 0xff01,0xff02 -> 0xff02$")" = 1 ] &&
	[ "$(count_log "tlsmon: netns $inum: policy changed by $who: consent accept -> require$")" = 1 ] &&
	[ "$(count_log "tlsmon: netns $inum: policy changed by $who: consent-ext 0xff4d -> 0xff4e$")" = 1 ] &&
	[ "$(count_log "tlsmon: netns $inum: policy changed by $who: mark 0x0/0x0 -> 0x100/0xf00$")" = 1 ] &&
	[ "$(count_log "tlsmon: netns $inum: policy changed by $who: enabled off -> on, export off -> on, links \\(ifindex\\) none -> [0-9]+$")" = 1 ]
log_test $? "suites, consent, consent-ext, mark, enabled, export and links changes logged: old -> new, uid, pid, comm"
n0=$(count_log "tlsmon: netns $inum: policy changed")
mcb policy set mark 0x100/0xf00 && mcb policy set enabled on
[ "$(count_log "tlsmon: netns $inum: policy changed")" = "$n0" ]
log_test $? "a change that changes nothing is not logged"
mcb keys >/dev/null
[ "$(count_log "tlsmon: netns $inum: keys dumped by $who$")" = 1 ]
log_test $? "a key dump is logged with its reader"

# With the audit subsystem on (and no audit daemon, so that the kernel
# prints its records), a change is an AUDIT_KERNEL_OTHER record too.
audit_set() {
	python3 - "$1" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)  # NETLINK_AUDIT
status = struct.pack("=IIIIIIII", 1, int(sys.argv[1]), 0, 0, 0, 0, 0, 0)
s.send(struct.pack("=IHHII", 16 + len(status), 1001, 5, 1, 0) + status)  # AUDIT_SET, ack
err = struct.unpack("=i", s.recv(4096)[16:20])[0]
sys.exit(1 if err else 0)
PY
}
if audit_set 1; then
	mcb policy set consent accept
	audit_set 0
	busywait 5000 sh -c "dmesg | grep -q 'type=1316 .*op=tlsmon-policy netns=$inum changes=\"consent require -> accept\" .*uid=0 .*comm=\"monctl\"'"
	log_test $? "with audit on, a policy change is an AUDIT_KERNEL_OTHER record with the change and the actor"
else
	skip_test "audit record" "cannot turn the audit subsystem on"
fi
mcb policy set enabled off export off

# An unprivileged namespace owner (with delegate_netns) toggling monitoring
# cannot flood the log: its lines are rate-limited.
echo 1 >$param
# namespace inode numbers are reused: count from here on
echo "tlsmon-selftest-toggles-$suffix" >/dev/kmsg
start=$(date +%s)
uinum=$(asnobody unshare -Urn sh -c "readlink /proc/self/ns/net | tr -dc 0-9; for i in \$(seq 30); do \"$monctl\" policy set enabled on; \"$monctl\" policy set enabled off; done" 2>/dev/null)
elapsed=$(( $(date +%s) - start ))
echo 0 >$param
lines=$(dmesg | sed -n "/tlsmon-selftest-toggles-$suffix/,\$p" | grep -c "tlsmon: netns $uinum: policy changed")
diag "30 toggles in ${elapsed} s: $lines of 60 change lines logged"
# at most 10 per 5 s (whole seconds measured: one more second of slack)
[ "$lines" -ge 1 ] && [ "$lines" -le $(( 10 * ((elapsed + 1) / 5 + 1) )) ] && [ "$lines" -lt 60 ]
log_test $? "30 toggles by an unprivileged namespace owner: the log lines are rate-limited"

klog_start
rmmod tlsmon
rc=$?
klog_stop
[ $rc -eq 0 ] && [ "$(grep -c -E "$leak_re" "$klog")" -eq 0 ] && [ ! -e "$slab" ]
log_test $? "unload with namespaces present: every policy freed, the slab cache destroyed"
ktap_finish
