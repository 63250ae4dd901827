#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# The tlsmon family through YNL's generic Python client (the kernel's
# tools/net/ynl/lib), loaded from Documentation/netlink/specs/tlsmon.yaml
# alone, for ynl.sh. YNL_LIB, YNL_SPEC and YNL_SCHEMA name the library, the
# spec and the kernel's genetlink-legacy schema (empty: no schema check).
#
#   ynl_drive.py do|dump OP JSON   one request; the reply as JSON (bytes as
#                                  hex, flag sets as sorted lists), or
#                                  "error ERRNO MESSAGE" and exit status 1
#   ynl_drive.py listen GROUP N SECONDS
#                                  join GROUP, print "joined", then each
#                                  notification as a JSON line until N came
#                                  or SECONDS passed; "error ..." if the
#                                  join is refused
#   ynl_drive.py selector OP NEST SUBSET JSON
#                                  the request nest NEST of OP accepts the
#                                  attributes of the spec's SUBSET (JSON
#                                  gives a value of each) and refuses every
#                                  other attribute of the set SUBSET is a
#                                  subset of with EINVAL; prints each
#                                  attribute that does otherwise
#   ynl_drive.py batch             the requests of standard input, one a
#                                  line as "do|dump OP JSON" or "selector
#                                  OP NEST SUBSET JSON", in one process;
#                                  one line of output each: the reply, the
#                                  error, or the selector's findings ("ok"
#                                  if none), joined by " | "
#   ynl_drive.py perm              run as a caller without CAP_NET_ADMIN:
#                                  each command and group the spec marks
#                                  uns-admin-perm is refused with EPERM,
#                                  every other one is not; prints each
#                                  that does otherwise
import errno
import json
import os
import select
import sys
import time

sys.path.insert(0, os.environ['YNL_LIB'])
from lib import NlError, YnlFamily  # noqa: E402


def plain(v):
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, set):
        return sorted(v)
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def family():
    # an empty YNL_SCHEMA loads the spec without the schema check
    return YnlFamily(os.environ['YNL_SPEC'], os.environ.get('YNL_SCHEMA', ''))


def request(ynl, mode, op, vals):
    try:
        if mode == 'dump':
            return 0, ynl.dump(op, vals)
        return 0, ynl.do(op, vals)
    except NlError as e:
        return e.error, f"{os.strerror(e.error)}: {(e.nl_msg.extack or {}).get('msg', '')}"


def listen(group, count, seconds):
    ynl = family()
    try:
        ynl.ntf_subscribe(group)
    except OSError as e:
        print(f"error {e.errno} {e.strerror}", flush=True)
        return 1
    print('joined', flush=True)
    end = time.time() + seconds
    seen = 0
    while seen < count and time.time() < end:
        select.select([ynl.sock], [], [], max(0.0, end - time.time()))
        ynl.check_ntf()
        while ynl.async_msg_queue:
            print(json.dumps(plain(ynl.async_msg_queue.pop(0))), flush=True)
            seen += 1
    return 0


# a value of each type, for an attribute the module must refuse
SAMPLE = {'u8': 1, 'u16': 1, 'u32': 1, 'u64': 1, 'binary': b'\0\0\0\0',
          'string': 'x', 'nest': {}}


def selector(ynl, op, nest, subset, vals):
    sub = ynl.attr_sets[subset]
    parent = ynl.attr_sets[sub.subset_of]
    bad = []
    if sorted(vals) != sorted(sub.attrs):
        bad.append(f"{op}: {subset} is {sorted(sub.attrs)}, the values given "
                   f"are of {sorted(vals)}")
    err, out = request(ynl, 'do', op, {nest: vals})
    if err:
        bad.append(f"{op}: {nest} {json.dumps(plain(vals))} ({subset}) refused: {out}")
    for name, attr in parent.attrs.items():
        if name in sub.attrs or attr.type in ('unused', 'pad'):
            continue
        err, out = request(ynl, 'do', op, {nest: dict(vals, **{name: SAMPLE[attr.type]})})
        if err != errno.EINVAL:
            bad.append(f"{op}: {nest} attribute {name}, outside {subset}: "
                       f"{'accepted' if not err else out}")
    return bad


def batch():
    ynl = family()
    for line in sys.stdin:
        words = line.split(None, 1)
        if not words:
            continue
        if words[0] == 'selector':
            op, nest, subset, vals = words[1].split(None, 3)
            bad = selector(ynl, op, nest, subset, json.loads(vals))
            print(' | '.join(bad) if bad else 'ok', flush=True)
            continue
        op, vals = words[1].split(None, 1)
        err, out = request(ynl, words[0], op, json.loads(vals))
        print(f"error {err} {out}" if err else json.dumps(plain(out)), flush=True)
    return 0


# A request of each command, which needs nothing to exist: a command the
# spec gains must be added here.
PERM_REQUESTS = {
    'policy-get': ('do', {}),
    'policy-set': ('do', {'policy': {'enabled': 0}}),
    'session-get': ('dump', {}),
    'stats-get': ('do', {}),
    'keys-get': ('dump', {}),
    'peer-get': ('do', {'peer': {'family': 2, 'local-addr': '7f000001',
                                 'peer-addr': '7f000001', 'local-port': 1,
                                 'peer-port': 1}}),
}


def perm():
    ynl = family()
    bad = 0
    for name, op in ynl.ops.items():
        if name not in PERM_REQUESTS:
            print(f"{name}: no request to try (ynl_drive.py PERM_REQUESTS)")
            bad += 1
            continue
        mode, vals = PERM_REQUESTS[name]
        err, out = request(ynl, mode, name, vals)
        want = 'uns-admin-perm' in op.get('flags', [])
        if (err == errno.EPERM) != want:
            print(f"{name} {mode}: {out if err else 'accepted'}, "
                  f"{'refused' if want else 'allowed'} by the spec")
            bad += 1
    for name, grp in ynl.mcast_groups.items():
        g = family()
        try:
            g.ntf_subscribe(name)
            err = 0
        except OSError as e:
            err = e.errno
        want = 'uns-admin-perm' in grp.get('flags', [])
        if (err == errno.EPERM) != want:
            print(f"group {name}: {os.strerror(err) if err else 'joined'}, "
                  f"{'refused' if want else 'allowed'} by the spec")
            bad += 1
    return 1 if bad else 0


def main():
    cmd = sys.argv[1]
    if cmd in ('do', 'dump'):
        err, out = request(family(), cmd, sys.argv[2], json.loads(sys.argv[3]))
        if err:
            print(f"error {err} {out}")
            return 1
        print(json.dumps(plain(out)))
        return 0
    if cmd == 'listen':
        return listen(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    if cmd == 'selector':
        bad = selector(family(), sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5]))
        for b in bad:
            print(b)
        return 1 if bad else 0
    if cmd == 'batch':
        return batch()
    if cmd == 'perm':
        return perm()
    print(f"usage: {sys.argv[0]} do|dump|listen|selector|batch|perm ...", file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
