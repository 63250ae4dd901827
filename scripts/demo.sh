#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tlsmon demonstration, run inside the test guest by 'make demo':
# load the module, look at the policy of two network namespaces, turn
# monitoring on in one of them, and show that the other is untouched and
# that an unprivileged user cannot change it.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
monctl=$top/tools/monctl/monctl
export PATH=$top/tools/monctl:$PATH

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() {
	printf '$ %s\n' "$*"
	"$@"
}

step "Load the module: monitoring is off everywhere until an operator enables it"
run insmod "$top/module/tlsmon.ko"
run monctl policy show

step "Two network namespaces, 'office' and 'guests', each with its own policy"
run ip netns add office
run ip netns add guests

step "The operator enables monitoring in 'office' only, with consent required"
run monctl -n office policy set enabled on consent require mark 0x100/0xf00
run monctl -n office -j -p policy show
step "The host's kernel log says so"
dmesg | grep 'tlsmon:' | sed 's/^\[[^]]*\] //' | tail -n 2

step "'guests' is untouched"
run monctl -n guests -j policy show

step "Without CAP_NET_ADMIN the policy can be read but not changed"
run setpriv --inh-caps=-net_admin --bounding-set=-net_admin -- \
	"$monctl" -n guests policy set enabled on
echo "(exit status $?)"

step "Bad requests are refused with the kernel's reason"
run monctl -n office policy set consent-ext 0xff01
run monctl -n office policy set suites 0x0a0a

step "Deleting a namespace ends its monitoring; unloading leaves no trace"
run ip netns del office
run ip netns del guests
run rmmod tlsmon
dmesg | grep 'tlsmon:' | sed 's/^\[[^]]*\] //' | tail -n 3

cat <<'MSG'

What this showed:
  - tlsmon is off by default and is turned on per network namespace, by an
    administrator of that namespace only.
  - Its policy names the monitoring cipher suites (the private-use _MON
    variants by default) and whether both ends' consent extension counts.
  - Every change is checked as a whole, refused with a reason, and logged.
Later steps tag the TLS sessions that negotiated monitoring and export
their keys only to privileged readers on the local subnet.
MSG
