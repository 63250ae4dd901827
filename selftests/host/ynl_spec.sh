#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netlink spec, Documentation/netlink/specs/tlsmon.yaml, checked with
# the kernel's own tools taken from Debian's linux-source-6.12 at test time
# (selftests/lib/ynl_src.sh extracts them into build/ynl): it validates
# against Documentation/netlink/genetlink-legacy.yaml with
# python3-jsonschema, YNL's Python library loads it, and every C name it
# defines (family, version, constants, enums and flags, attribute sets,
# commands, multicast groups) exists in uapi/linux/tlsmon.h or linux/tls.h
# with the value the spec gives, and YNL's C generator renders it. The
# guest suite tlsmon/ynl.sh drives the module with YNL through the same
# spec.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"

spec=$top/Documentation/netlink/specs/tlsmon.yaml
ynl_dir=$top/build/ynl
schema=$ynl_dir/Documentation/netlink/genetlink-legacy.yaml
lib=$ynl_dir/tools/net/ynl
# Debian's interpreter, which python3-jsonschema and python3-yaml serve
python=${TLSMON_PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ktap_header "the netlink spec against the kernel's schema, YNL and the uapi header"

if ! "$top/selftests/lib/ynl_src.sh" "$ynl_dir" 2>"$tmp/err"; then
	sed 's/^/# /' "$tmp/err"
	skip_missing "netlink spec" "linux-source-6.12 is not installed"
	ktap_finish
	exit $?
fi
if ! "$python" -c 'import jsonschema, yaml' 2>/dev/null; then
	skip_missing "netlink spec" "python3-jsonschema or python3-yaml is not installed"
	ktap_finish
	exit $?
fi

out=$("$python" "$top/selftests/host/ynl_spec.py" validate "$schema" "$spec" 2>&1)
rc=$?
[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
log_test $rc "the spec validates against genetlink-legacy.yaml"

# The validation can fail: the same spec with the consent entry "off"
# unquoted (a YAML boolean) and a doc in a multicast group is refused.
sed -e 's/name: "off"/name: off/' \
	-e 's/^      name: events$/      name: events\n      doc: events/' "$spec" >"$tmp/bad.yaml"
out=$("$python" "$top/selftests/host/ynl_spec.py" validate "$schema" "$tmp/bad.yaml" 2>&1)
rc=0
printf '%s\n' "$out" | grep -q "^definitions/3/entries/0: {'name': False" || rc=1
printf '%s\n' "$out" | grep -q "^mcast-groups/list/0: Additional properties are not allowed ('doc'" || rc=1
[ $rc -eq 0 ] || { diag "the broken spec gave:"; printf '%s\n' "$out" | sed 's/^/#   /'; }
log_test $rc "a spec with an unquoted off and a group's doc fails the validation"

out=$("$python" "$top/selftests/host/ynl_spec.py" load "$lib" "$schema" "$spec" 2>&1)
rc=$?
expected="keys-get peer-get policy-get policy-set session-get stats-get | keys-new policy-ntf session-del session-new"
if [ $rc -ne 0 ] || [ "$out" != "$expected" ]; then
	diag "YNL loaded: $out"
	diag "expected:   $expected"
	rc=1
fi
log_test $rc "YNL's SpecFamily loads the spec: six commands, four notifications"

# Each name and value, from the spec as YNL resolves it, and from the
# headers as the compiler reads them, one "NAME VALUE" a line.
rc=0
"$python" "$top/selftests/host/ynl_spec.py" names "$lib" "$schema" "$spec" "$tmp/names.c" \
	>"$tmp/want" 2>"$tmp/err" || rc=1
if [ $rc -eq 0 ]; then
	${CC:-gcc} -Wall -Werror -I"$top/uapi" -o "$tmp/names" "$tmp/names.c" 2>"$tmp/err" &&
		"$tmp/names" >"$tmp/got" || rc=1
fi
if [ $rc -eq 0 ]; then
	diff -u "$tmp/want" "$tmp/got" >"$tmp/err" || rc=1
	[ "$(wc -l <"$tmp/want")" -gt 100 ] || { echo "only $(wc -l <"$tmp/want") names" >>"$tmp/err"; rc=1; }
fi
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/err" | head -40
log_test $rc "every C name of the spec is in the uapi header with the spec's value"

# YNL's C generator reads the spec where the kernel keeps its specs (it
# finds the schema beside them): each of its outputs is rendered, and
# the uapi header it writes compiles alone.
rc=0
mkdir -p "$ynl_dir/Documentation/netlink/specs"
cp "$spec" "$ynl_dir/Documentation/netlink/specs/tlsmon.yaml"
for mode in uapi kernel user; do
	(cd "$lib" && timeout 120 "$python" ynl-gen-c.py --mode $mode --header \
		--spec ../../../Documentation/netlink/specs/tlsmon.yaml -o "$tmp/$mode.h") \
		>"$tmp/err" 2>&1 || { diag "ynl-gen-c.py --mode $mode failed:"; sed 's/^/#   /' "$tmp/err" | tail -5; rc=1; }
done
if [ $rc -eq 0 ]; then
	${CC:-gcc} -fsyntax-only -Wall -Werror -x c "$tmp/uapi.h" 2>"$tmp/err" ||
		{ sed 's/^/# /' "$tmp/err" | head -10; rc=1; }
fi
log_test $rc "YNL's C generator renders the spec; its uapi header compiles alone"

ktap_finish
