#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# monctl's command line contract, on the host, without the module: exit
# status 2 for every malformed command line, found before the kernel is
# asked; help and version on standard output; unique prefixes of objects
# and commands; policy check; policy save failing without touching its
# file. Where the module would be needed, monctl must say that it is not
# loaded (exit 1): that proves the line was accepted.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
monctl=$top/tools/monctl/monctl
notloaded='monctl: the tlsmon module is not loaded (no generic netlink family "tlsmon")'

ktap_header "monctl command line contract (no module)"
if [ ! -x "$monctl" ]; then
	skip_test "monctl" "not built"
	ktap_finish
	exit $?
fi
if [ -d /sys/module/tlsmon ]; then
	skip_test "monctl" "the tlsmon module is loaded here: these checks need it absent"
	ktap_finish
	exit $?
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect RC STDERR-FIRST-LINE ARGS...: exit status and the first line of
# standard error; standard output must be empty.
expect() {
	local want_rc=$1 want=$2 rc out err
	shift 2
	"$monctl" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	err=$(head -n 1 "$tmp/err")
	if [ $rc -ne "$want_rc" ] || [ "$err" != "$want" ] || [ -s "$tmp/out" ]; then
		diag "monctl $*: exit $rc, stderr '$err', $(wc -c <"$tmp/out") bytes on stdout"
		diag "expected exit $want_rc, stderr '$want', nothing on stdout"
		return 1
	fi
	return 0
}

# --- usage errors: exit 2, whatever the kernel has ------------------------
rc=0
while IFS='|' read -r want args; do
	# shellcheck disable=SC2086
	expect 2 "$want" $args || rc=1
done <<'EOF'
monctl: unknown object 'polcy' (try 'monctl help')|polcy
monctl: unknown policy command 'frob' (try 'monctl policy help')|policy frob
monctl: unknown policy command 'frob' (try 'monctl policy help')|pol frob
monctl: policy set: unknown setting 'enable' (enabled, suites, consent, consent-ext, mark, export, links)|policy set enable on
monctl: policy set: enabled must be 'on' or 'off', not 'maybe'|policy set enabled maybe
monctl: policy set: export must be 'on' or 'off', not '1'|policy set enabled on export 1
monctl: policy set: consent must be off, accept or require, not 'maybe'|policy set consent maybe
monctl: policy set: consent-ext must be an extension code point (0x0-0xffff), not '0x10000'|policy set consent-ext 0x10000
monctl: policy set: consent-ext must be an extension code point (0x0-0xffff), not 'x'|policy set consent-ext x
monctl: policy set: mark must be VALUE[/MASK] or none, not '0x1/zz'|policy set mark 0x1/zz
monctl: policy set: mark must be VALUE[/MASK] or none, not '-1'|policy set mark -1
monctl: policy set: 'TLS_FOO' is not a cipher suite (a name from 'monctl policy help' or a code point such as 0xff01)|policy set suites 0xff01,TLS_FOO
monctl: policy set: '0x10000' is not a cipher suite (a name from 'monctl policy help' or a code point such as 0xff01): above 0xffff|policy set suites 0x10000
monctl: policy set: 'enabled' given twice|policy set enabled on enabled off
monctl: policy set: 'export' needs a value|policy set enabled on export
monctl: policy set: nothing to set (see 'monctl policy help')|policy set
monctl: policy show: unexpected argument 'x'|policy show x
monctl: policy load: needs one FILE ('-' for standard input)|policy load
monctl: policy check: needs one FILE ('-' for standard input)|policy check
monctl: policy save: unexpected argument 'b'|policy save a b
monctl: unknown sessions command 'frob' (try 'monctl sessions help')|sessions frob
monctl: sessions show: 'x1' is not a socket cookie (sk:HEX as 'ss -e' prints it, 0xHEX or decimal)|sessions show cookie x1
monctl: sessions show: '0' is not a socket cookie (sk:HEX as 'ss -e' prints it, 0xHEX or decimal)|sessions show cookie 0
monctl: sessions show: 'sk:xyz' is not a socket cookie (sk:HEX as 'ss -e' prints it, 0xHEX or decimal)|sessions sk:xyz
monctl: sessions show: '18446744073709551616' is not a socket cookie (sk:HEX as 'ss -e' prints it, 0xHEX or decimal)|sessions show cookie 18446744073709551616
monctl: sessions show: 'cookie' needs a socket cookie|sessions show cookie
monctl: sessions show: unexpected argument 'extra'|sessions show cookie 1 extra
monctl: stats show: unexpected argument 'x'|stats show x
monctl: unknown stats command 'frob' (try 'monctl stats help')|stats frob
monctl: keys show: unexpected argument 'x'|keys show x
EOF
log_test $rc "every usage error exits 2 and names what was wrong"

# found before the kernel is asked: no netlink socket is ever opened
if command -v strace >/dev/null; then
	strace -f -e trace=socket -o "$tmp/trace" "$monctl" policy set enabled on consent maybe >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] && ! grep -q 'AF_NETLINK' "$tmp/trace"
	log_test $? "policy set parses the whole line before opening a netlink socket"
	strace -f -e trace=socket -o "$tmp/trace" "$monctl" policy set enabled on >/dev/null 2>&1
	grep -q 'AF_NETLINK' "$tmp/trace"
	log_test $? "a well-formed policy set does open one (the check above can fail)"
else
	skip_test "no netlink socket before parsing" "strace is not installed"
fi

# usage errors print the usage on standard error
"$monctl" polcy 2>"$tmp/err" >/dev/null
grep -qx 'Usage: monctl \[OPTIONS\] OBJECT \[COMMAND \[ARGUMENTS\]\]' "$tmp/err"
log_test $? "an unknown object prints the usage on stderr"
"$monctl" policy frob 2>"$tmp/err" >/dev/null
grep -q '^Usage: monctl \[-j \[-p\]\] policy \[show\]' "$tmp/err"
log_test $? "an unknown command prints the object's usage on stderr"
"$monctl" --bogus >/dev/null 2>&1
[ $? -eq 2 ]
log_test $? "an unknown option exits 2"

# --- valid lines reach the kernel: exit 1, the module is missing ---------
rc=0
while read -r args; do
	# shellcheck disable=SC2086
	expect 1 "$notloaded" $args || rc=1
done <<'EOF'
policy set enabled on export off consent require mark 0x100/0xf00 consent-ext 0xff4e suites 0xff01,TLS_AES_256_GCM_SHA384_MON
pol se enabled off
p
s
se
st
sessions show cookie sk:1001
sessions show cookie 0x1001
sessions show cookie 4097
sessions sk:1001
sessions cookie 4097
stats
k
EOF
log_test $rc "well-formed lines and unique prefixes get as far as the kernel (exit 1)"

# A value a policy rule refuses is a refusal, not a malformed line: the
# same exit status as when the kernel refuses it.
expect 1 "monctl: policy set: suite '0x1302' (0x1302): a standard cipher suite is not a monitoring signal: only private-use suites (0xff00-0xffff) can be" \
	policy set suites 0x1302
log_test $? "a standard suite is refused before the kernel is asked, exit 1"

# --- prefixes resolve in table order ---------------------------------------
# 's' is sessions (first of sessions, stats), 'st' stats; within policy,
# 's' is show, 'se' set, 'sa' save, 'c' check; shown by the usage each
# object prints for help.
rc=0
for pair in "s:sessions" "st:stats" "p:policy" "k:keys" "m:monitor" "pol:policy" "sess:sessions"; do
	word=${pair%%:*} obj=${pair#*:}
	a=$("$monctl" "$word" help 2>&1)
	b=$("$monctl" "$obj" help 2>&1)
	[ -n "$a" ] && [ "$a" = "$b" ] || { diag "'monctl $word' is not 'monctl $obj'"; rc=1; }
done
log_test $rc "objects by unique prefix, first in table order"
out=$(printf '[host]\n' | "$monctl" policy c - 2>&1); rc1=$?
out2=$("$monctl" policy sa a b 2>&1); rc2=$?
[ $rc1 -eq 0 ] && [ -z "$out" ] && [ $rc2 -eq 2 ] &&
	[ "$out2" = "monctl: policy save: unexpected argument 'b'" ]
log_test $? "commands by prefix: 'policy c' is check, 'policy sa' is save"

# --- help and version on standard output, exit 0 ---------------------------
rc=0
for args in "help" "-h" "--help" "policy help" "policy -h" "policy --help" "policy set --help" \
	"sessions --help" "sessions help" "stats help" "keys --help" "monitor --help" "decrypt --help" \
	"export --help" "collect --help" "s -h"; do
	# shellcheck disable=SC2086
	"$monctl" $args >"$tmp/out" 2>"$tmp/err"
	r=$?
	if [ $r -ne 0 ] || ! grep -q '^Usage: monctl' "$tmp/out" || [ -s "$tmp/err" ]; then
		diag "monctl $args: exit $r, $(wc -l <"$tmp/out") lines on stdout, $(wc -l <"$tmp/err") on stderr"
		rc=1
	fi
done
log_test $rc "help on every level (-h, --help, help): standard output, exit 0"
rc=0
for args in "-V" "--version"; do
	out=$("$monctl" $args 2>"$tmp/err"); r=$?
	[ $r -eq 0 ] && [[ "$out" =~ ^monctl\ [0-9] ]] && [ ! -s "$tmp/err" ] ||
		{ diag "monctl $args: exit $r, '$out'"; rc=1; }
done
log_test $rc "-V and --version print the version on standard output"

# --- policy check ------------------------------------------------------------
cat >"$tmp/good.conf" <<'EOF'
# namespaces and interfaces need not exist to be checked
[host]
enabled = on
suites = 0xff01, TLS_AES_256_GCM_SHA384_MON
export = on
links = nosuch0

[netns not-created-yet]
consent = require
mark = 0x100/0xf00
EOF
out=$("$monctl" policy check "$tmp/good.conf" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -z "$out" ]
log_test $? "policy check: a good file, its namespace and links absent, passes silently"
cat >"$tmp/bad.conf" <<'EOF'
[host]
enabled = maybe
export = on
[netns lab]
suites = 0xff01,0x1302
colour = blue
mark = 0x10/0x1
[netns lab]
EOF
out=$("$monctl" policy check "$tmp/bad.conf" 2>&1); rc=$?
expected="monctl: $tmp/bad.conf:2: enabled must be 'on' or 'off', not 'maybe'
monctl: $tmp/bad.conf:5: suite 0x1302: a standard cipher suite is not a monitoring signal: only private-use suites (0xff00-0xffff) can be
monctl: $tmp/bad.conf:6: unknown setting 'colour' (enabled, suites, consent, consent-ext, mark, export, links)
monctl: $tmp/bad.conf:7: mark has bits outside its mask
monctl: $tmp/bad.conf:8: namespace 'lab' already has a section at line 4
monctl: $tmp/bad.conf:1: key export needs at least one export link: monctl policy set links DEV"
[ $rc -eq 1 ] && [ "$out" = "$expected" ]
rc=$?
[ $rc -eq 0 ] || { diag "got (exit $rc):"; printf '%s\n' "$out" | sed 's/^/#   /'; }
log_test $rc "policy check: every error of a bad file, by line, exit 1"
out=$(printf '[host]\nenabled = on\n' | "$monctl" policy check - 2>&1); rc=$?
[ $rc -eq 0 ] && [ -z "$out" ]
log_test $? "policy check reads standard input"
out=$("$monctl" policy check "$tmp/none.conf" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "monctl: cannot read '$tmp/none.conf': No such file or directory" ]
log_test $? "policy check of a missing file fails (exit 1)"

# --- policy save: a failure leaves the file as it was ----------------------
echo "# the operator's file" >"$tmp/saved.conf"
ln "$tmp/saved.conf" "$tmp/link.conf"
"$monctl" policy save "$tmp/saved.conf" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && [ "$(cat "$tmp/saved.conf")" = "# the operator's file" ] &&
	[ "$(find "$tmp" -name 'saved.conf?*' | wc -l)" = 0 ] && grep -qF "$notloaded" "$tmp/err"
log_test $? "policy save that fails leaves FILE untouched and no temporary file"

# -n with a path outside /run/netns: the file could not name it
if [ "$(id -u)" = 0 ]; then
	out=$("$monctl" -n /proc/self/ns/net policy save "$tmp/ns.conf" 2>&1); rc=$?
	[ $rc -eq 1 ] && [ ! -e "$tmp/ns.conf" ] &&
		[ "$out" = "monctl: policy save: '/proc/self/ns/net' is not a namespace of 'ip netns': a policy file cannot name it" ]
	log_test $? "policy save under -n PATH refuses what a policy file cannot name"
else
	skip_test "policy save under -n PATH" "needs root to enter a namespace"
fi

ktap_finish
