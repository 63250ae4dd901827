#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The table of `make bench-ab` from its raw lines ("ROUND NAME RATE"): for
# each build, its rate (connections or MB per second) over the
# module-absent run of the same round, round by round; median and quartiles
# of those ratios, and the rates' medians.
import statistics
import sys

rounds = {}
order = []
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) != 3:
        continue
    r, name, rate = parts[0], parts[1], float(parts[2])
    rounds.setdefault(r, {})[name] = rate
    if name not in order:
        order.append(name)


def quartiles(v):
    if len(v) < 2:
        return v[0], v[0]
    q = statistics.quantiles(v, n=4)
    return q[0], q[2]


print("%-20s %8s %10s %16s %7s" % ("build", "rate/s", "vs absent", "quartiles", "rounds"))
print("-" * 65)
for name in order:
    rates = [rd[name] for rd in rounds.values() if name in rd]
    ratios = [100 * rd[name] / rd["absent"] for rd in rounds.values()
              if name in rd and rd.get("absent")]
    if not rates or not ratios:
        continue
    lo, hi = quartiles(ratios)
    print("%-20s %8.1f %9.1f%% %16s %7d" % (name, statistics.median(rates),
                                          statistics.median(ratios),
                                          "%.1f-%.1f%%" % (lo, hi), len(ratios)))
