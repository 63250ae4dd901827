#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench-profile: where the instructions of a connection go.

profile.py RESULTS SNAPS [TOP]

RESULTS holds what profile.sh wrote in the guest: kallsyms.txt, each
run's output, and phases.txt, which snapshot of the plugin's (in SNAPS)
counts which run. For each run with the module enabled: the instructions
per connection (churns) or per MiB (bulk) that each guest function, with
what it inlines, executed more than in the same run with the module
absent, its calls (runs of the block at its first instruction), and the
same summed by kind: tlsmon's own code, the probes' and netfilter's
machinery, the slab, RCU, locks, copies, the rest.
"""
import bisect
import collections
import os
import re
import sys

USER = '[userspace]'


def symbols(path):
    syms = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) < 3 or p[1] not in 'tTwW' or int(p[0], 16) == 0:
                continue
            syms.append((int(p[0], 16), ' '.join(p[2:])))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def profile(path, addrs, names):
    insns, calls = collections.Counter(), collections.Counter()
    with open(path) as f:
        for line in f:
            pc, n, runs = (int(x, 16 if i == 0 else 10)
                           for i, x in enumerate(line.split()))
            if pc < 1 << 63:
                insns[USER] += n * runs
                continue
            i = bisect.bisect_right(addrs, pc) - 1
            name = names[i] if i >= 0 else '?'
            insns[name] += n * runs
            if i >= 0 and addrs[i] == pc:
                calls[name] += runs
    return insns, calls


def units(path):
    """Connections churned, or MiB moved, as the run's output says."""
    with open(path) as f:
        out = f.read()
    m = re.search(r'(\d+) connections churned', out)
    if m and int(m.group(1)):
        return int(m.group(1)), 'connection'
    m = re.search(r': (\d+) bytes in', out)
    if m and int(m.group(1)):
        return int(m.group(1)) / (1 << 20), 'MiB'
    sys.exit(f'profile.py: nothing was done in {path}')


def kind(name):
    if name == USER:
        return 'userspace'
    if name.endswith('[tlsmon]'):
        return 'tlsmon'
    if re.search(r'kprobe|rethook|ftrace', name):
        return 'probes'
    if name in ('nf_hook_slow', 'ip_local_deliver', '__ip_local_out',
                'ip6_input', 'ip6_local_out', '__ip6_local_out'):
        return 'netfilter'
    if re.search(r'kmem_cache|slab|kfree|kmalloc|cache_from_obj', name):
        return 'slab'
    if 'rcu' in name:
        return 'rcu'
    if re.search(r'spin_(un)?lock|local_bh', name):
        return 'locks'
    if re.search(r'mem(cpy|set|cmp|move)', name):
        return 'copies'
    return 'other'


def main():
    res, snaps = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    addrs, names = symbols(os.path.join(res, 'kallsyms.txt'))
    runs = {}
    with open(os.path.join(res, 'phases.txt')) as f:
        for line in f:
            i, name = line.split()
            n, unit = units(os.path.join(res, name + '.txt'))
            insns, calls = profile(os.path.join(snaps, f'snap-{i}.txt'),
                                   addrs, names)
            runs[name] = ({k: v / n for k, v in insns.items()},
                          {k: v / n for k, v in calls.items()}, n, unit)
    for name, (insns, calls, n, unit) in runs.items():
        what, state = name.split('-', 1)
        if state == 'absent':
            continue
        base = runs[f'{what}-absent'][0]
        diff = {k: insns.get(k, 0) - base.get(k, 0)
                for k in set(insns) | set(base)}
        total, whole = sum(diff.values()), sum(base.values())
        print(f"{name}: {n:.0f} of {unit}, {sum(insns.values()):,.0f} "
              f"instructions per {unit} against {whole:,.0f} absent: "
              f"{total:+,.0f} ({100 * total / whole:+.2f}%)")
        kinds = collections.Counter()
        for k, v in diff.items():
            kinds[kind(k)] += v
        print('by kind: ' + ', '.join(f'{k} {v:+,.0f}'
                                      for k, v in kinds.most_common()))
        print(f"{'more':>8} {'absent':>9} {'enabled':>9} {'calls':>7}  function")
        for k, v in sorted(diff.items(), key=lambda kv: -abs(kv[1]))[:top]:
            print(f'{v:+8.0f} {base.get(k, 0):9.0f} {insns.get(k, 0):9.0f} '
                  f'{calls.get(k, 0):7.1f}  {k}')
        print()


if __name__ == '__main__':
    main()
