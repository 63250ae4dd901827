#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The local-link rule: keys are exported only for a peer reached, by the
# socket's own route (its VRF or device, mark, uid), through a listed
# export link that is plain Ethernet all the way down, without gateway,
# inside a /16 (IPv4) or /64 (IPv6) of that link. Each attack on a rule
# that looks at the peer's address alone is reproduced and shown closed,
# next to the same session over a plain listed veth, which is exported.
#
#   ns c                                       ns s
#   vc   10.90.0.1/24 ------------------------ vs   10.90.0.2/24  listed
#   vc2  10.96.0.1/24 ------------------------ vs2  10.96.0.2/24  2nd path
#   gre1 10.200.0.1/30  (GRE over vc) -------- gre1 10.200.0.2/30
#   ipip1 10.203.0.1/30 (IPIP over vc) ------- ipip1 10.203.0.2/30
#   sit1 fd03::1/64     (SIT over vc) -------- sit1 fd03::2/64
#   vx0  10.201.0.1/24  (VXLAN over vc) ------ vx0  10.201.0.2/24
#   blue (VRF, table 10): vc3 10.94.0.1/24 --- vs3  10.94.0.2/24
#                                              lo   10.93.0.2, 10.95.0.2
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
. "$top/selftests/lib/peers.sh"

ko=${TLSMON_KO:-$top/module/tlsmon.ko}
monctl=$top/tools/monctl/monctl
tls_peer=$top/build/selftests/tlsmon/tls_peer
peer=$tls_peer
suffix=$$
ns_c=tlsmon-kc-$suffix
ns_s=tlsmon-ks-$suffix
ns_x=tlsmon-kx-$suffix
tmp=$(mktemp -d)
port=5600

mcc() { "$monctl" -n "$ns_c" "$@"; }
mcs() { "$monctl" -n "$ns_s" "$@"; }
inc() { ip -n "$ns_c" "$@"; }
ins() { ip -n "$ns_s" "$@"; }

cleanup() {
	touch "$tmp/go"
	for n in "$ns_c" "$ns_s" "$ns_x"; do
		ip netns del "$n" 2>/dev/null
	done
	rmmod tlsmon 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# session_keys ADDR [CLIENT OPTS]: a monitored session from c to s at ADDR
# (the server binds it); sets nk to how many key records c exports for
# it. A pair that fails, or a session not monitored, fails the case: a
# refusal counts only for a session that existed.
session_keys() {
	nk=x
	run_pair "$1" "" "-o ff01 ${2:-}" || case_ok=1
	expect_eq "client session at $1" "$(py "$sess_c" 'len(d)')" 1
	nk=$(py "$keys_c" 'len(d)')
}

# set_refused NAME LINKS WORDS: listing LINKS in c is refused, with a
# message holding WORDS, and the links stay as they were
set_refused() {
	local before out rc
	before=$(py "$(mcc -j policy)" 'd["links"]')
	out=$(mcc policy set links "$2" 2>&1); rc=$?
	expect_eq "$1: exit" "$rc" 1
	case "$out" in
	*"$3"*) ;;
	*) diag "$1: '$out' does not say '$3'"; case_ok=1 ;;
	esac
	expect_eq "$1: links unchanged" "$(py "$(mcc -j policy)" 'd["links"]')" "$before"
}

ktap_header "export links: the local-link rule"
if [ ! -x "$tls_peer" ] || [ ! -r "$ko" ]; then
	skip_missing "links" "tls_peer or the module is not built"
	ktap_finish
	exit $?
fi
chmod 755 "$tmp"

rmmod tlsmon 2>/dev/null
insmod "$ko" || ktap_bail "load the module"
for n in "$ns_c" "$ns_s"; do
	ip netns add "$n" || ktap_bail "create the namespaces"
	ip -n "$n" link set lo up
done
ip link add vc netns "$ns_c" type veth peer vs netns "$ns_s"
ip link add vc2 netns "$ns_c" type veth peer vs2 netns "$ns_s"
inc addr add 10.90.0.1/24 dev vc
ins addr add 10.90.0.2/24 dev vs
inc addr add 10.96.0.1/24 dev vc2
ins addr add 10.96.0.2/24 dev vs2
for l in vc vc2; do inc link set $l up; done
for l in vs vs2; do ins link set $l up; done
# s answers from its own addresses whichever way c's packets came
for k in all.rp_filter default.rp_filter vs2.rp_filter; do
	ip netns exec "$ns_s" sysctl -qw net.ipv4.conf.$k=0
done
mcc policy set enabled on links vc export on || ktap_bail "enable the policy"
mcs policy set enabled on links vs export on || ktap_bail "enable the policy"

# --- the control: a listed veth ------------------------------------------
case_ok=0
session_keys 10.90.0.2; expect_eq "keys" "$nk" 2
log_test $case_ok "the control: a session over a listed plain veth is exported"

# --- export needs a link ---------------------------------------------------
case_ok=0
ip netns add "$ns_x" || ktap_bail "create the namespaces"
out=$("$monctl" -n "$ns_x" policy set enabled on export on 2>&1); rc=$?
expect_eq "refused" "$rc $out" \
	"1 monctl: cannot change the policy: key export needs at least one export link: monctl policy set links DEV (Invalid argument)"
expect_eq "export stays off" "$(py "$("$monctl" -n "$ns_x" -j policy)" 'd["export"]')" False
log_test $case_ok "export on without an export link is refused, saying how to name one"

# --- tunnels: never export links, their sessions never exported -----------
case_ok=0
inc link add gre1 type gre local 10.90.0.1 remote 10.90.0.2 ttl 64
ins link add gre1 type gre local 10.90.0.2 remote 10.90.0.1 ttl 64
inc addr add 10.200.0.1/30 dev gre1
ins addr add 10.200.0.2/30 dev gre1
inc link set gre1 up
ins link set gre1 up
set_refused "GRE" vc,gre1 "only Ethernet devices can be export links"
session_keys 10.200.0.2; expect_eq "keys over GRE" "$nk" 0
log_test $case_ok "GRE 10.200.0.1/30-10.200.0.2/30: cannot be listed, keys never exported"

case_ok=0
if modprobe ipip 2>/dev/null && inc link add ipip1 type ipip local 10.90.0.1 remote 10.90.0.2 2>/dev/null; then
	ins link add ipip1 type ipip local 10.90.0.2 remote 10.90.0.1
	inc addr add 10.203.0.1/30 dev ipip1
	ins addr add 10.203.0.2/30 dev ipip1
	inc link set ipip1 up
	ins link set ipip1 up
	set_refused "IPIP" ipip1 "only Ethernet devices can be export links"
	session_keys 10.203.0.2; expect_eq "keys over IPIP" "$nk" 0
	log_test $case_ok "IPIP: cannot be listed, keys never exported"
else
	skip_test "IPIP: cannot be listed, keys never exported" "no ipip module in this kernel"
fi

case_ok=0
if modprobe sit 2>/dev/null && inc link add sit1 type sit local 10.90.0.1 remote 10.90.0.2 2>/dev/null; then
	ins link add sit1 type sit local 10.90.0.2 remote 10.90.0.1
	inc addr add fd03::1/64 dev sit1 nodad
	ins addr add fd03::2/64 dev sit1 nodad
	inc link set sit1 up
	ins link set sit1 up
	set_refused "SIT" sit1 "only Ethernet devices can be export links"
	session_keys fd03::2; expect_eq "keys over SIT" "$nk" 0
	log_test $case_ok "SIT (IPv6 in IPv4, a /64): cannot be listed, keys never exported"
else
	skip_test "SIT (IPv6 in IPv4, a /64): cannot be listed, keys never exported" "no sit module in this kernel"
fi

case_ok=0
if modprobe tun 2>/dev/null; inc tuntap add tun0 mode tun 2>/dev/null && inc tuntap add tap0 mode tap; then
	set_refused "tun" tun0 "only Ethernet devices can be export links"
	set_refused "tap" tap0 "overlays and tunnels"
	log_test $case_ok "tun and tap devices (a process is their far end) cannot be listed"
else
	skip_test "tun and tap devices (a process is their far end) cannot be listed" "no tun device"
fi

case_ok=0
if modprobe wireguard 2>/dev/null && inc link add wg0 type wireguard 2>/dev/null; then
	inc addr add 10.205.0.1/24 dev wg0
	inc link set wg0 up
	set_refused "WireGuard" wg0 "only Ethernet devices can be export links"
	log_test $case_ok "WireGuard cannot be listed"
else
	skip_test "WireGuard cannot be listed" "no wireguard module in the guest kernel"
fi

# --- VXLAN, alone and as a bridge port --------------------------------------
case_ok=0
inc link add vx0 type vxlan id 42 local 10.90.0.1 remote 10.90.0.2 dstport 4789 dev vc
ins link add vx0 type vxlan id 42 local 10.90.0.2 remote 10.90.0.1 dstport 4789 dev vs
inc addr add 10.201.0.1/24 dev vx0
ins addr add 10.201.0.2/24 dev vx0
inc link set vx0 up
ins link set vx0 up
set_refused "VXLAN" vx0 "overlays and tunnels"
session_keys 10.201.0.2; expect_eq "keys over VXLAN" "$nk" 0
log_test $case_ok "VXLAN: cannot be listed, keys never exported"

case_ok=0
inc link add br0 type bridge
inc link set vx0 master br0
inc addr del 10.201.0.1/24 dev vx0
inc addr add 10.201.0.1/24 dev br0
inc link set br0 up
set_refused "bridge over VXLAN" br0 "a device below this link"
session_keys 10.201.0.2; expect_eq "keys over the bridge" "$nk" 0
log_test $case_ok "a bridge with a VXLAN port: cannot be listed, keys never exported"

# A bridge of plain veths is an export link, until an overlay joins it:
# then its sessions' keys are refused at export, and a refused read
# leaves them as they are: exported again once the overlay left.
case_ok=0
ip link add vc4 netns "$ns_c" type veth peer vs4 netns "$ns_s"
inc link add br1 type bridge
inc link set vc4 master br1
inc addr add 10.204.0.1/24 dev br1
ins addr add 10.204.0.2/24 dev vs4
inc link set vc4 up
inc link set br1 up
ins link set vs4 up
mcc policy set links vc,br1
expect_eq "listed" "$(py "$(mcc -j policy)" 'd["links"]')" "['vc', 'br1']"
hold_pair 10.204.0.2 10.204.0.2 "" "-o ff01" || case_ok=1
expect_eq "keys before" "$(py "$(mcc -j keys)" 'len(d)')" 2
refused=$(stat_of "$ns_c" export_refused)
inc link add vx1 type vxlan id 43 local 10.90.0.1 remote 10.90.0.2 dstport 4790 dev vc
inc link set vx1 master br1
inc link set vx1 up
expect_eq "keys after a VXLAN joined" "$(py "$(mcc -j keys)" 'len(d)')" 0
[ "$(stat_of "$ns_c" export_refused)" -gt "$refused" ] || { diag "refusal not counted"; case_ok=1; }
inc link del vx1
expect_eq "keys once the VXLAN left" "$(py "$(mcc -j keys)" 'len(d)')" 2
release_pair || case_ok=1
log_test $case_ok "a listed bridge that gains a VXLAN port: its session's keys are refused at export while it has it"
mcc policy set links vc

# --- prefix length ----------------------------------------------------------
case_ok=0
inc addr add 10.98.0.1/15 dev vc
ins addr add 10.98.0.2/15 dev vs
session_keys 10.98.0.2; expect_eq "keys in a /15" "$nk" 0
inc addr del 10.98.0.1/15 dev vc
ins addr del 10.98.0.2/15 dev vs
inc addr add 10.98.0.1/16 dev vc
ins addr add 10.98.0.2/16 dev vs
session_keys 10.98.0.2; expect_eq "keys in a /16" "$nk" 2
log_test $case_ok "a peer in a /15 of the listed link is refused, in a /16 exported"

case_ok=0
inc addr add fd05::1/63 dev vc nodad
ins addr add fd05::2/63 dev vs nodad
session_keys fd05::2; expect_eq "keys in a /63" "$nk" 0
inc addr del fd05::1/63 dev vc
ins addr del fd05::2/63 dev vs
inc addr add fd05::1/64 dev vc nodad
ins addr add fd05::2/64 dev vs nodad
session_keys fd05::2; expect_eq "keys in a /64" "$nk" 2
ins addr add fd06::2/128 dev lo
inc -6 route add fd06::/64 via fd05::2
session_keys fd06::2; expect_eq "keys via an IPv6 gateway" "$nk" 0
log_test $case_ok "IPv6: a peer in a /63 is refused, in a /64 exported, through a gateway refused"

# --- the socket's own route -------------------------------------------------
case_ok=0
ins addr add 10.93.0.2/32 dev lo
inc route add 10.93.0.0/24 via 10.90.0.2
session_keys 10.93.0.2; expect_eq "keys via a gateway" "$nk" 0
log_test $case_ok "a peer through a gateway on the listed link is refused"

case_ok=0
if modprobe vrf 2>/dev/null && inc link add blue type vrf table 10 2>/dev/null; then
	ip link add vc3 netns "$ns_c" type veth peer vs3 netns "$ns_s"
	inc link set vc3 master blue
	inc addr add 10.94.0.1/24 dev vc3
	ins addr add 10.94.0.2/24 dev vs3
	ins addr add 10.95.0.2/32 dev lo
	inc link set blue up
	inc link set vc3 up
	ins link set vs3 up
	inc route add 10.95.0.0/24 via 10.94.0.2 dev vc3 table 10
	mcc policy set links vc,vc2,vc3
	# the control: on the VRF's own link, bound to the VRF, exported
	session_keys 10.94.0.2 "-I blue"; expect_eq "keys in the VRF, on link" "$nk" 2
	session_keys 10.95.0.2 "-I blue"; expect_eq "keys in the VRF, via its gateway" "$nk" 0
	# an unrelated address of the peer's prefix in the default VRF
	inc addr add 10.95.0.1/24 dev vc2
	session_keys 10.95.0.2 "-I blue"
	expect_eq "keys in the VRF, with the prefix on another link" "$nk" 0
	inc addr del 10.95.0.1/24 dev vc2
	mcc policy set links vc
	log_test $case_ok "a socket in VRF blue reaching its peer through table 10's gateway stays refused when the peer's prefix appears on a listed link of the default VRF"
else
	skip_test "VRF: the socket's table decides" "no vrf module in this kernel"
fi

# ip rules that steer the socket itself: by tlsmon's own mark, by uid
inc route add 10.90.0.2/32 via 10.96.0.2 dev vc2 table 20
case_ok=0
mcc policy set links vc,vc2 mark 0x5/0xff
inc rule add fwmark 0x5/0xff table 20
session_keys 10.90.0.2; expect_eq "keys with the mark routed via a gateway" "$nk" 0
inc rule del fwmark 0x5/0xff table 20
session_keys 10.90.0.2; expect_eq "keys with the mark, no rule" "$nk" 2
mcc policy set mark none links vc
log_test $case_ok "an ip rule by fwmark (tlsmon's own mark) through a gateway refuses the session"

case_ok=0
cat >"$tmp/peer_uid.sh" <<EOF
#!/bin/sh
[ "\$1" = client ] && exec setpriv --reuid 4321 --regid 4321 --clear-groups "$tls_peer" "\$@"
exec "$tls_peer" "\$@"
EOF
chmod 755 "$tmp/peer_uid.sh"
inc rule add uidrange 4321-4321 table 20
peer=$tmp/peer_uid.sh
session_keys 10.90.0.2; expect_eq "keys of uid 4321 routed via a gateway" "$nk" 0
inc rule del uidrange 4321-4321 table 20
session_keys 10.90.0.2; expect_eq "keys of uid 4321, no rule" "$nk" 2
peer=$tls_peer
log_test $case_ok "an ip rule by uid through a gateway refuses the session"

# --- a listed interface goes away -----------------------------------------
case_ok=0
inc link add vc5 type veth peer vc6
mcc policy set links vc,vc5
idx=$(ip netns exec "$ns_c" cat /sys/class/net/vc5/ifindex)
inum=$(ip netns exec "$ns_c" readlink /proc/self/ns/net | tr -dc '0-9')
inc link del vc5
expect_eq "links" "$(py "$(mcc -j policy)" 'd["links"]')" "['vc']"
# logged as a policy change, with the deleting command as its actor
dmesg | grep -Eq "tlsmon: netns $inum: policy changed by uid 0 .* comm ip: links \(ifindex\) [0-9]+,$idx -> [0-9]+\$" ||
	{ diag "no kernel log line"; case_ok=1; }
mcc policy set consent accept || case_ok=1
log_test $case_ok "a listed interface deleted leaves the list, logged; later changes still apply"

# --- monctl export and collect ------------------------------------------------
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=col \
		-addext "subjectAltName=IP:10.90.0.2,IP:10.200.0.2" \
		-days 2 -keyout "$tmp/col.key" -out "$tmp/col.pem" 2>/dev/null
	# an exporter's certificate, self-signed: its own CA for the collector
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=exp \
		-days 2 -keyout "$tmp/exp.key" -out "$tmp/exp.pem" 2>/dev/null
	excred=(--ca "$tmp/col.pem" --cert "$tmp/exp.pem" --key "$tmp/exp.key")
	colcred=(--cert "$tmp/col.pem" --key "$tmp/col.key" --client-ca "$tmp/exp.pem")

	case_ok=0
	ip netns exec "$ns_s" timeout 30 "$monctl" collect --listen 10.200.0.2:7000 \
		"${colcred[@]}" --out "$tmp/gre.json" 2>"$tmp/col.err" &
	colpid=$!
	busywait 60000 grep -q collecting "$tmp/col.err" || case_ok=1
	out=$(mcc export --to 10.200.0.2:7000 "${excred[@]}" 2>&1); rc=$?
	expect_eq "exporter over GRE" "$rc $out" \
		"1 monctl: refusing collector 10.200.0.2: the peer is reached through an interface that is not an export link; keys travel only over an export link (monctl policy set links DEV)"
	# a client that does not check: the collector refuses it
	ip netns exec "$ns_c" python3 -c '
import socket
s = socket.create_connection(("10.200.0.2", 7000), timeout=5)
s.settimeout(5)
try:
    print(len(s.recv(100)))
except OSError as e:
    print(e)' >"$tmp/py.out" 2>&1
	busywait 5000 grep -q "refusing exporter" "$tmp/col.err" || case_ok=1
	kill $colpid 2>/dev/null; wait $colpid 2>/dev/null
	grep -q "^monctl: refusing exporter 10.200.0.1: the peer is reached through an interface that is not an export link" \
		"$tmp/col.err" || { diag "collector: $(cat "$tmp/col.err")"; case_ok=1; }
	expect_eq "nothing collected" "$(cat "$tmp/gre.json" 2>/dev/null)" ""
	log_test $case_ok "over GRE, monctl export refuses the collector and the collector refuses the exporter"

	case_ok=0
	ip netns exec "$ns_s" timeout 60 "$monctl" collect --listen "[::]:7001" \
		"${colcred[@]}" --out "$tmp/v4.json" --count 1 2>"$tmp/col.err" &
	colpid=$!
	busywait 60000 grep -q collecting "$tmp/col.err" || case_ok=1
	hold_pair 10.90.0.2 10.90.0.2 "" "-o ff01" || case_ok=1
	timeout 60 "$monctl" -n "$ns_c" export --to 10.90.0.2:7001 "${excred[@]}" --count 1 \
		2>"$tmp/exp.err"
	expect_eq "exporter exit" "$?" 0
	wait $colpid; expect_eq "collector exit" "$?" 0
	release_pair || case_ok=1
	expect_eq "records" "$(wc -l <"$tmp/v4.json")" 1
	expect_eq "exporter address" "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["exporter"])' "$tmp/v4.json")" \
		"10.90.0.1"
	[ $case_ok -eq 0 ] || sed 's/^/#   /' "$tmp/exp.err" "$tmp/col.err"
	log_test $case_ok "a collector on [::] accepts an on-link IPv4 exporter, by its IPv4 address"
else
	skip_missing "monctl export and collect over a tunnel" "no openssl"
fi

rmmod tlsmon
log_test $? "unload"
ktap_finish
