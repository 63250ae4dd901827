#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# tlsmon's share of the CPU time that is not idle, in percent, from a
# profile with call chains (`perf script -F comm,ip,sym` on stdin).
#
# A sample is tlsmon's when it lies under code that runs only because of
# it: its netfilter hooks, the probes' entry and return, its RCU callbacks
# and its work. The hooks are counted by where netfilter was entered, not
# by nf_hook_slow alone: other hooks exist in every namespace (AppArmor's
# at POST_ROUTING), and those run whether tlsmon is there or not. tlsmon
# is the only hook at LOCAL_IN and LOCAL_OUT in the benchmark's
# namespaces, so there the whole dispatch is its.
import sys

OWN = {
    "kprobe_ftrace_handler", "arch_rethook_trampoline", "pending_free_rcu",
    "tlsmon_session_free_rcu", "flows_gc", "tlsmon_events_work_fn",
    "tlsmon_close_work_fn",
}
# the callers of nf_hook_slow at LOCAL_OUT and LOCAL_IN, IPv4 and IPv6
HOOK_SITES = {
    "__ip_local_out", "ip_local_deliver", "__ip6_local_out", "ip6_xmit",
    "ip6_input",
}
IDLE = {"native_safe_halt", "pv_native_safe_halt", "default_idle",
        "acpi_safe_halt", "cpu_idle_poll"}


def samples(lines):
    """Each sample's frames, innermost first."""
    frames = []
    for line in lines:
        if not line.strip() or line[0] not in " \t":
            if frames:
                yield frames
            frames = []
            continue
        parts = line.split()
        if len(parts) >= 2:
            frames.append(parts[1].split("+")[0])
    if frames:
        yield frames


def is_tlsmon(frames):
    for i, f in enumerate(frames):
        if f in OWN:
            return True
        if f == "nf_hook_slow" and i + 1 < len(frames) and frames[i + 1] in HOOK_SITES:
            return True
    return False


busy = mine = 0
for s in samples(sys.stdin):
    if s[0] in IDLE:
        continue
    busy += 1
    mine += is_tlsmon(s)
print("%.2f" % (100.0 * mine / busy if busy else 0))
