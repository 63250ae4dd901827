#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The table of `make bench` from its raw figures ("name value" lines):
# median and spread (min-max) of each figure, ratios to the module-absent
# figure, and each target of the performance brief met or missed.
import math
import statistics
import sys

vals = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 2:
        try:
            vals.setdefault(parts[0], []).append(float(parts[1]))
        except ValueError:
            pass


def med(name):
    v = vals.get(name)
    return statistics.median(v) if v else None


def spread(name):
    v = vals.get(name)
    return "%g-%g" % (min(v), max(v)) if v else "-"


def row(label, name, unit, base=None):
    m = med(name)
    ratio = ""
    if base and med(base) and m is not None:
        ratio = "%.1f%%" % (100 * m / med(base))
    print("%-44s %12s %14s %8s" % (label, "-" if m is None else "%g %s" % (m, unit),
                                   spread(name), ratio))


print("%-44s %12s %14s %8s" % ("figure", "median", "spread", "vs absent"))
print("-" * 82)
for st in ("absent", "loaded", "enabled"):
    row("kTLS AES-GCM-128 bulk, module %s" % st, "ktls_mbps_" + st, "MB/s", "ktls_mbps_absent")
for st in ("absent", "loaded", "enabled"):
    row("plain TCP bulk, module %s" % st, "tcp_mbps_" + st, "MB/s", "tcp_mbps_absent")
if "iperf_mbps_absent" in vals:
    for st in ("absent", "loaded", "enabled"):
        row("plain TCP bulk, iperf3, module %s" % st, "iperf_mbps_" + st, "MB/s",
            "iperf_mbps_absent")
for kind in ("monitored", "ordinary"):
    for st in ("absent", "enabled"):
        row("connections/s (%s suite), module %s" % (kind, st),
            "conn_rate_%s_%s" % (st, kind), "/s", "conn_rate_absent_%s" % kind)
for st in ("absent", "enabled"):
    row("connections/s (OpenSSL, monitored), module %s" % st,
        "conn_rate_%s_openssl" % st, "/s", "conn_rate_absent_openssl")
for st in ("absent", "enabled"):
    row("connections/s (OpenSSL resumed, monitored), module %s" % st,
        "conn_rate_%s_resumed" % st, "/s", "conn_rate_absent_resumed")
# The same comparisons round by round: each round's run against the
# module-absent run of the same round, so that drift of the host between
# rounds cancels out.


def by_round(label, key, base, name):
    a = vals.get(base, [])
    e = vals.get(name, [])
    pairs = [100 * y / x for x, y in zip(a, e) if x]
    if pairs:
        vals[key] = pairs
        print("%-44s %12s %14s" % (label, "%.1f %%" % statistics.median(pairs),
                                   "%.1f-%.1f" % (min(pairs), max(pairs))))


for kind, what in (("ktls", "kTLS bulk"), ("tcp", "plain TCP bulk"),
                   ("iperf", "plain TCP bulk, iperf3")):
    for st in ("loaded", "enabled"):
        by_round("%s, %s/absent by round" % (what, st), "%s_ratio_%s" % (kind, st),
                 "%s_mbps_absent" % kind, "%s_mbps_%s" % (kind, st))
for kind in ("monitored", "ordinary", "openssl", "resumed"):
    by_round("connections/s (%s), enabled/absent by round" % kind, "conn_ratio_%s" % kind,
             "conn_rate_absent_%s" % kind, "conn_rate_enabled_%s" % kind)
# A run that met a retransmission timeout measured the timer: its rate
# is not tlsmon's, whatever the state.
for kind in ("monitored", "ordinary", "openssl", "resumed"):
    for st in ("absent", "enabled"):
        n = "conn_timeouts_%s_%s" % (st, kind)
        if n in vals:
            vals[n + "_sum"] = [sum(vals[n])]
            row("TCP timeouts in the %s %s runs (all rounds)" % (kind, st), n + "_sum", "")
row("OpenSSL connections tagged (client end, per connection)", "openssl_tagged_per_connection", "")
row("OpenSSL resumed connections tagged (client end, per connection)",
    "resumed_tagged_per_connection", "")
row("plain TCP bulk, enabled: CPU in tlsmon (perf)", "tcp_bulk_tlsmon_share_pct", "%")
row("kTLS bulk, monitored: CPU in tlsmon (perf)", "ktls_bulk_tlsmon_share_pct", "%")
row("connection churn, monitored: CPU in tlsmon (perf)", "conn_churn_tlsmon_share_pct", "%")
row("key event latency, median", "event_latency_median_us", "us")
row("key event latency, p99", "event_latency_p99_us", "us")
row("session object in its slab cache", "session_object_bytes", "B")
scales = sorted({int(k.split("_")[1]) for k in vals if k.startswith("sessions_")})
for n in scales:
    row("%d sessions: held (monitored)" % n, "sessions_%d" % n, "")
    row("%d sessions: opened in, tlsmon off" % n, "open_s_%d_loaded" % n, "s")
    row("%d sessions: opened in, tagged" % n, "open_s_%d_enabled" % n, "s")
    row("%d sessions: kernel memory per session" % n, "bytes_per_session_%d" % n, "B")
    row("%d sessions: dump all keys (netlink)" % n, "dump_keys_ms_%d" % n, "ms")
    row("%d sessions: sessions in that dump" % n, "dump_keys_sessions_%d" % n, "")
    row("%d sessions: dump all keys (monctl -j)" % n, "monctl_keys_ms_%d" % n, "ms")
    row("%d sessions: kTLS install, tlsmon off" % n, "install_us_%d_loaded" % n, "us")
    row("%d sessions: kTLS install, tagged" % n, "install_us_%d_enabled" % n, "us")
    row("%d sessions: close, tlsmon off" % n, "close_us_%d_loaded" % n, "us")
    row("%d sessions: close, session removed" % n, "close_us_%d_enabled" % n, "us")

print()
targets = []


def target(what, ok):
    targets.append(ok)
    print("%-4s %s" % ("met" if ok else "MISS", what))


def ratio(a, b):
    return med(a) / med(b) if med(a) and med(b) else 0


def pct(r):
    """A ratio as a percentage cut, not rounded, to two decimals: a
    missed target never reads as its own value (94.997% is 94.99%). The
    epsilon keeps a ratio that is exactly the target (0.995, stored as
    0.99499999...) from reading as a miss."""
    return "%.2f%%" % (math.floor(r * 10000 + 1e-6) / 100)


target("bulk kTLS, monitored, >= 99%% of absent (%s)" %
       pct(ratio("ktls_mbps_enabled", "ktls_mbps_absent")),
       ratio("ktls_mbps_enabled", "ktls_mbps_absent") >= 0.99)
# the brief's plain TCP figure is the module loaded; enabled, its hooks run
for st in ("loaded", "enabled"):
    target("plain TCP, %s, >= 99.5%% of absent (%s)" %
           (st, pct(ratio("tcp_mbps_" + st, "tcp_mbps_absent"))),
           ratio("tcp_mbps_" + st, "tcp_mbps_absent") >= 0.995)
# The same with iperf3's 128 KiB writes: fewer, larger segments per MiB
# (each pays the hooks once), as most bulk senders write
if med("iperf_mbps_absent"):
    for st in ("loaded", "enabled"):
        r = ratio("iperf_mbps_" + st, "iperf_mbps_absent")
        target("plain TCP, %s, iperf3 (128 KiB writes), >= 99.5%% of absent (%s)" %
               (st, pct(r)), r >= 0.995)
# The same target measured without throughput's noise: under TCG the
# transfer is bound by the CPU, so 99.5% of it leaves tlsmon 0.5% of the
# CPU time.
if med("tcp_bulk_tlsmon_share_pct") is not None:
    target("plain TCP, enabled, CPU in tlsmon <= 0.5%% (perf: %.2f%%)" %
           med("tcp_bulk_tlsmon_share_pct"), med("tcp_bulk_tlsmon_share_pct") <= 0.5)
for kind in ("monitored", "ordinary"):
    r = ratio("conn_rate_enabled_" + kind, "conn_rate_absent_" + kind)
    target("connection rate, %s suite, hand-made handshake, >= 95%% of absent (%s)" %
           (kind, pct(r)), r >= 0.95)
for kind, what in (("openssl", "OpenSSL full handshake"), ("resumed", "OpenSSL resumed")):
    if med("conn_rate_absent_" + kind):
        r = ratio("conn_rate_enabled_" + kind, "conn_rate_absent_" + kind)
        target("connection rate, monitored, %s, >= 95%% of absent (%s)" % (what, pct(r)),
               r >= 0.95)
for n in scales:
    b = med("bytes_per_session_%d" % n)
    if b is not None:
        target("%d sessions: memory per session < 512 B + keys (%d B)" % (n, b), b < 512 + 2 * 80)
    d = med("dump_keys_ms_%d" % n)
    if d is not None and n >= 100000:
        target("%d sessions: dump under 1 s (%d ms)" % (n, d), d < 1000)
