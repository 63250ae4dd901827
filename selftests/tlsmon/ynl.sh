#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every command and notification of the module through YNL, the kernel's
# generic netlink client (tools/net/ynl/lib from Debian's linux-source-6.12,
# extracted into build/ynl by make tests), which knows the family only from
# Documentation/netlink/specs/tlsmon.yaml: what YNL sends and decodes by
# the spec is checked against monctl, which is written against the uapi
# header, and against the module's own answers.
#
#   +---------------------+   veth   +---------------------+
#   | ns "$ns_c" (client) +----------+ ns "$ns_s" (server) |
#   | vy 10.79.0.1/24     |          | vz 10.79.0.2/24     |
#   +---------------------+          +---------------------+
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
. "$top/selftests/lib/peers.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
peer=$top/build/selftests/tlsmon/tls_peer
drive=$top/selftests/tlsmon/ynl_drive.py
ynl_dir=$top/build/ynl
export YNL_LIB=$ynl_dir/tools/net/ynl
export YNL_SPEC=$top/Documentation/netlink/specs/tlsmon.yaml
export YNL_SCHEMA=$ynl_dir/Documentation/netlink/genetlink-legacy.yaml
python=${TLSMON_PYTHON:-/usr/bin/python3}
suffix=$$
ns_c=tlsmon-yc-$suffix
ns_s=tlsmon-ys-$suffix
tmp=$(mktemp -d)
port=4630
listeners=

mcc() { "$monctl" -n "$ns_c" "$@"; }
mcs() { "$monctl" -n "$ns_s" "$@"; }
# ynl NS ARGS...: ynl_drive.py in namespace NS
ynl() {
	local ns=$1
	shift
	ip netns exec "$ns" "$python" "$drive" "$@"
}

# listen NAME NS GROUP COUNT: a YNL listener of GROUP in the background,
# writing $tmp/NAME.out; returns once it joined the group
listen() {
	# not through ynl(): $! would be a subshell, and kill would miss
	# the listener
	ip netns exec "$2" "$python" "$drive" listen "$3" "$4" 300 >"$tmp/$1.out" 2>&1 &
	listeners="$listeners $!"
	busywait 30000 grep -q '^joined\|^error\|Traceback' "$tmp/$1.out"
	grep -q '^joined' "$tmp/$1.out" || { sed 's/^/#   /' "$tmp/$1.out"; return 1; }
}

# notices NAME: the notifications a listener got, as a JSON list
notices() {
	grep '^{' "$tmp/$1.out" | "$python" -c 'import json,sys; print(json.dumps([json.loads(l) for l in sys.stdin]))'
}

cleanup() {
	touch "$tmp/go"
	# shellcheck disable=SC2086
	[ -n "$listeners" ] && kill $listeners 2>/dev/null
	ip netns del "$ns_c" 2>/dev/null
	ip netns del "$ns_s" 2>/dev/null
	rmmod tlsmon 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_header "the tlsmon family through YNL and the netlink spec"
if [ ! -x "$peer" ] || [ ! -r "$ko" ]; then
	skip_missing "ynl" "tls_peer or the module is not built"
	ktap_finish
	exit $?
fi
if [ ! -r "$YNL_LIB/lib/ynl.py" ] || [ ! -r "$YNL_SCHEMA" ]; then
	skip_missing "ynl" "build/ynl is missing (make tests extracts it from linux-source-6.12)"
	ktap_finish
	exit $?
fi
if ! "$python" -c 'import jsonschema, yaml' 2>/dev/null; then
	skip_missing "ynl" "python3-jsonschema or python3-yaml is not installed"
	ktap_finish
	exit $?
fi

rmmod tlsmon 2>/dev/null
insmod "$ko" || ktap_bail "load the module"
ip netns add "$ns_c" && ip netns add "$ns_s" || ktap_bail "create the namespaces"
ip link add vy netns "$ns_c" type veth peer vz netns "$ns_s"
ip -n "$ns_c" addr add 10.79.0.1/24 dev vy
ip -n "$ns_s" addr add 10.79.0.2/24 dev vz
for n in "$ns_c" "$ns_s"; do
	ip -n "$n" link set lo up
done
ip -n "$ns_c" link set vy up
ip -n "$ns_s" link set vz up
ifx_c=$(ip netns exec "$ns_c" cat /sys/class/net/vy/ifindex)

# --- stats-get: the counters as monctl reads them ----------------------
# This first request loads the spec checked against the kernel's schema;
# the later ones skip the check (host/ynl_spec.sh makes it), which costs
# seconds of an emulated guest while the peers hold their sessions.
case_ok=0
out=$(ynl "$ns_c" "do" stats-get '{}')
export YNL_SCHEMA=
expect_eq "stats equal" "$(py "$out" 'sorted((k.replace("-", "_"), v) for k, v in d["stats"].items())')" \
	"$(py "$(mcc -j stats)" 'sorted((k, v) for k, v in d.items() if type(v) is int)')"
expect_eq "every counter" "$(py "$out" 'len(d["stats"]) > 20')" True
log_test $case_ok "stats-get: every counter YNL decodes equals monctl's"

# --- policy-set, policy-get, policy-ntf -------------------------------
case_ok=0
listen pol "$ns_c" events 1 || case_ok=1
req="{\"policy\": {\"enabled\": 1, \"consent\": \"accept\", \"consent-ext\": 65300, \"mark\": 256,
      \"mask\": 3840, \"suites\": {\"suite\": [65281, 65282]}, \"links\": {\"ifindex\": [$ifx_c]},
      \"export\": 1}}"
out=$(ynl "$ns_c" "do" policy-set "$req")
expect_eq "policy-set" "$out" null
pol=$(mcc -j policy)
expect_eq "monctl reads" "$(py "$pol" '[d["enabled"], [int(s, 16) for s in d["suites"]], d["consent"],
	int(d["consent_ext"], 16), int(d["mark"], 16), int(d["mask"], 16), d["export"], d["links"]]')" \
	"[True, [65281, 65282], 'accept', 65300, 256, 3840, True, ['vy']]"
out=$(ynl "$ns_c" "do" policy-get '{}')
expect_eq "policy-get" "$(py "$out" 'd["policy"]')" \
	"{'enabled': 1, 'consent': 'accept', 'consent-ext': 65300, 'mark': 256, 'mask': 3840, 'export': 1, 'suites': {'suite': [65281, 65282]}, 'links': {'ifindex': [$ifx_c]}}"
busywait 10000 grep -q '^{' "$tmp/pol.out" || case_ok=1
ntf=$(notices pol)
expect_eq "policy-ntf" "$(py "$ntf" '[(n["name"], n["msg"]["policy"]["consent"], n["msg"]["policy"]["suites"]) for n in d]')" \
	"[('policy-ntf', 'accept', {'suite': [65281, 65282]})]"
log_test $case_ok "policy-set by YNL is what monctl and policy-get read; policy-ntf carries it"

case_ok=0
out=$(ynl "$ns_c" "do" policy-set '{"policy": {"consent": "maybe"}}' 2>&1)
expect_eq "unknown consent name" "$(printf '%s\n' "$out" | grep -c "KeyError: 'maybe'")" 1
out=$(ynl "$ns_c" "do" policy-set '{"policy": {"consent": 3}}')
expect_eq "consent past the enum" "${out%% *}" error
expect_eq "policy kept" "$(py "$(mcc -j policy)" 'd["consent"]')" accept
log_test $case_ok "policy-set: a consent outside the spec's enum is refused by YNL and the module"

mcs policy set enabled on links vz export on

# --- a monitored session: session-get, keys-get, peer-get, notifications --
# The peers hold the session for a minute at most: every request made
# while they do goes through one YNL process (batch), one line of output
# each, read after the pair is released.
held_ok=0
listen ev "$ns_c" events 2 || held_ok=1
listen keys "$ns_c" keys 2 || held_ok=1
hold_pair 10.79.0.2 10.79.0.2 "" "-o ff01" || held_ok=1
sess=$(mcc -j sessions)
keys=$(mcc -j keys)
id=$(py "$sess" 'd[0]["id"]')
cookie=$(py "$sess" 'd[0]["cookie"]')
lport=$(py "$sess" 'd[0]["local_port"]')
conn="\"family\": 2, \"local-addr\": \"0a4f0001\", \"peer-addr\": \"0a4f0002\", \"local-port\": $lport, \"peer-port\": $port"
ynl "$ns_s" "dump" session-get '{}' >"$tmp/server.out" 2>&1 &
server_pid=$!
cat >"$tmp/batch.in" <<EOF
dump session-get {}
do session-get {"session": {"cookie": $cookie}}
dump session-get {"session": {"cookie": $cookie}}
do session-get {"session": {"cookie": $((cookie + 1000))}}
dump keys-get {}
do keys-get {"session": {"id": $id}}
do keys-get {"session": {"id": $id, "cookie": $((cookie + 1000))}}
do peer-get {"peer": {$conn}}
selector session-get session session-get-sel {"cookie": $cookie}
selector keys-get session keys-get-sel {"id": $id, "cookie": $cookie}
selector peer-get peer peer-get-req {$conn, "bound-if": 0}
EOF
ynl "$ns_c" batch <"$tmp/batch.in" >"$tmp/batch.out" 2>&1
wait $server_pid
release_pair || held_ok=1
# res N: the reply to the batch's request N
res() { sed -n "${1}p" "$tmp/batch.out"; }
if [ "$(wc -l <"$tmp/batch.out")" -ne "$(wc -l <"$tmp/batch.in")" ]; then
	diag "YNL's batch printed:"
	sed 's/^/#   /' "$tmp/batch.out"
	held_ok=1
fi

case_ok=$held_ok
expect_eq "client session-get dump" "$(py "$(res 1)" '[(s["session"]["id"], s["session"]["cookie"], s["session"]["local-port"],
	s["session"]["peer-port"], s["session"]["role"], s["session"]["version"], s["session"]["cipher"], s["session"]["suite"],
	s["session"]["dirs"], s["session"]["reason"], s["session"]["local-addr"], s["session"]["peer-addr"]) for s in d]')" \
	"[($id, $cookie, $lport, $port, 'client', '1-3-version', 'aes-gcm-128', 65281, ['rx', 'tx'], ['suite'], '0a4f0001', '0a4f0002')]"
expect_eq "server session-get dump" "$(py "$(cat "$tmp/server.out")" '[(s["session"]["role"], s["session"]["local-port"], s["session"]["dirs"]) for s in d]')" \
	"[('server', $port, ['rx', 'tx'])]"
expect_eq "session-get do" "$(py "$(res 2)" '[d["session"]["id"], d["session"]["role"]]')" "[$id, 'client']"
expect_eq "session-get dump by cookie" "$(py "$(res 3)" '[s["session"]["id"] for s in d]')" "[$id]"
out=$(res 4)
expect_eq "session-get of another cookie" "${out%%:*}" "error 2 No such file or directory"
log_test $case_ok "session-get: YNL decodes role, version, cipher, directions and reason by the spec's enums"

case_ok=$held_ok
# one tuple a direction: (id, direction, key, iv, salt, rec_seq, installed_ns, epoch)
ynl_keys=$(py "$(res 5)" 'sorted((m["session"]["id"], k["dir"], k["key"], k["iv"], k["salt"], k["rec-seq"], k["installed-ns"], k["epoch"])
	for m in d for k in m["key"])')
expect_eq "keys-get dump" "$ynl_keys" \
	"$(py "$keys" 'sorted((k["id"], [k["direction"]], k["key"], k["iv"], k["salt"], k["rec_seq"], k["installed_ns"], k["epoch"]) for k in d)')"
expect_eq "two directions" "$(py "$(res 5)" 'sum(len(m["key"]) for m in d)')" 2
expect_eq "keys-get do" "$(py "$(res 6)" 'sorted((d["session"]["id"], k["dir"], k["key"], k["iv"], k["salt"], k["rec-seq"], k["installed-ns"], k["epoch"]) for k in d["key"])')" \
	"$ynl_keys"
out=$(res 7)
expect_eq "keys-get of a wrong pair" "${out%%:*}" "error 2 No such file or directory"
log_test $case_ok "keys-get: the keys YNL decodes equal monctl -j keys, do and dump"

case_ok=$held_ok
expect_eq "peer-get" "$(py "$(res 8)" '[d["peer"][k] for k in ("family", "local-port", "peer-port", "export", "ifindex")] + ["reason" in d["peer"]]')" \
	"[2, $lport, $port, 1, $ifx_c, False]"
log_test $case_ok "peer-get: the connection is on export link vy"

# The request nests the spec declares (session-get-sel, keys-get-sel,
# peer-get-req) are what the module accepts: each of their attributes is
# taken, every other attribute of the set is refused.
n=9
for what in "session-get session-get-sel" "keys-get keys-get-sel" "peer-get peer-get-req"; do
	out=$(res $n)
	rc=$held_ok
	[ "$out" = ok ] || { printf '%s\n' "$out" | tr '|' '\n' | sed 's/^ */# /'; rc=1; }
	log_test $rc "${what% *} accepts exactly the spec's ${what#* }"
	n=$((n + 1))
done

case_ok=0
busywait 15000 sh -c "[ \$(grep -c '^{' '$tmp/ev.out') -ge 2 ]" || case_ok=1
ntf=$(notices ev)
expect_eq "events" "$(py "$ntf" '[(n["name"], n["msg"]["session"]["id"], n["msg"]["session"]["role"], n["msg"]["session"]["reason"]) for n in d]')" \
	"[('session-new', $id, 'client', ['suite']), ('session-del', $id, 'client', ['suite'])]"
log_test $case_ok "session-new and session-del reach a YNL listener of the events group"

case_ok=0
busywait 15000 sh -c "[ \$(grep -c '^{' '$tmp/keys.out') -ge 2 ]" || case_ok=1
ntf=$(notices keys)
expect_eq "keys-new" "$(py "$ntf" 'sorted((n["name"], n["msg"]["session"]["id"], n["msg"]["key"][0]["dir"], n["msg"]["key"][0]["cipher"], n["msg"]["key"][0]["version"]) for n in d)')" \
	"[('keys-new', $id, ['rx'], 'aes-gcm-128', '1-3-version'), ('keys-new', $id, ['tx'], 'aes-gcm-128', '1-3-version')]"
expect_eq "no key material" "$(py "$ntf" 'sorted(set(a for n in d for k in n["msg"]["key"] for a in k))')" \
	"['cipher', 'dir', 'epoch', 'installed-ns', 'version']"
log_test $case_ok "keys-new reaches a YNL listener of the keys group, without key material"

# --- the privilege the spec states, for each command and group ----------
if command -v setpriv >/dev/null; then
	out=$(ip netns exec "$ns_c" setpriv --inh-caps=-net_admin --bounding-set=-net_admin \
		env YNL_LIB="$YNL_LIB" YNL_SPEC="$YNL_SPEC" YNL_SCHEMA="$YNL_SCHEMA" \
		"$python" "$drive" perm 2>&1)
	rc=$?
	[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
	log_test $rc "without CAP_NET_ADMIN: exactly the spec's uns-admin-perm commands and groups are refused"
else
	skip_missing "privileges of commands and groups" "setpriv is not installed"
fi

ktap_finish
