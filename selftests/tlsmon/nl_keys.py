#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The tlsmon family read byte by byte, not through monctl's parser, for
# the export suite:
#
#   nl_keys.py listen OUT   join the keys group (where the kernel lets the
#                           caller) and the events group; print the groups
#                           joined on one line, then "ready", then append
#                           every message received to OUT as "CMD HEX"
#                           (the whole message), until killed
#   nl_keys.py get COOKIE   TLSMON_CMD_KEYS_GET without NLM_F_DUMP,
#                           selecting the session of that socket cookie;
#                           prints "DIR KEY IV SALT REC_SEQ" (hex) per key
#                           nest, or the error's name (EPERM, ENOENT...)
#
# The numbers come from uapi/linux/tlsmon.h, parsed here.
import errno
import os
import re
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_F_NESTED = 0x8000


def uapi():
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    text = open(os.path.join(top, "uapi", "linux", "tlsmon.h")).read()
    names = {}
    for body in re.findall(r"enum \w+ \{(.*?)\};", text, re.S):
        n = 0
        for line in body.split("\n"):
            m = re.match(r"\s*(\w+)\s*(?:=\s*(\d+))?\s*,", line)
            if not m:
                continue
            if m.group(2):
                n = int(m.group(2))
            names[m.group(1)] = n
            n += 1
    return names


U = uapi()


def attrs(b):
    while len(b) >= 4:
        n, t = struct.unpack("HH", b[:4])
        if n < 4:
            return
        yield t & 0x3FFF, b[4:n]
        b = b[(n + 3) & ~3:]


def attr(t, payload):
    a = struct.pack("HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


def msg(typ, flags, seq, payload):
    return struct.pack("IHHII", 16 + len(payload), typ, flags, seq, 0) + payload


def resolve(s):
    name = b"tlsmon\0"
    s.send(msg(0x10, NLM_F_REQUEST, 1, struct.pack("BBH", 3, 1, 0) + attr(2, name)))
    data = s.recv(65536)
    family, groups = None, {}
    for t, v in attrs(data[20:]):
        if t == 1:
            family = struct.unpack("H", v[:2])[0]
        elif t == 7:
            for _, g in attrs(v):
                d = dict(attrs(g))
                groups[d[1].rstrip(b"\0").decode()] = struct.unpack("I", d[2])[0]
    if family is None:
        sys.exit("the tlsmon family is not registered")
    return family, groups


def open_sock():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.bind((0, 0))
    return s


def listen(out):
    s = open_sock()
    _, groups = resolve(s)
    joined = []
    for g in ("keys", "events"):
        try:
            s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, groups[g])
            joined.append(g)
        except PermissionError:
            pass
    print(" ".join(joined), flush=True)
    print("ready", flush=True)
    with open(out, "a") as f:
        while True:
            data = s.recv(65536)
            while len(data) >= 16:
                n = struct.unpack("I", data[:4])[0]
                if n < 16:
                    break
                m = data[:n]
                cmd = m[16] if len(m) > 16 else -1
                f.write("%d %s\n" % (cmd, m.hex()))
                f.flush()
                data = data[(n + 3) & ~3:]


def get(cookie):
    s = open_sock()
    family, _ = resolve(s)
    sel = attr(U["TLSMON_SESSION_A_COOKIE"], struct.pack("Q", cookie))
    body = struct.pack("BBH", U["TLSMON_CMD_KEYS_GET"], 1, 0) + \
        attr(U["TLSMON_A_SESSION"] | NLA_F_NESTED, sel)
    s.send(msg(family, NLM_F_REQUEST | NLM_F_ACK, 2, body))
    lines = []
    while True:
        data = s.recv(65536)
        while len(data) >= 16:
            n, typ = struct.unpack("IH", data[:6])
            m, data = data[:n], data[(n + 3) & ~3:]
            if typ == NLMSG_ERROR:
                err = struct.unpack("i", m[16:20])[0]
                if err:
                    # Python names 95 ENOTSUP; the kernel's is EOPNOTSUPP
                    names = dict(errno.errorcode)
                    names[errno.EOPNOTSUPP] = "EOPNOTSUPP"
                    print(names.get(-err, str(err)))
                else:
                    print("\n".join(lines) if lines else "no key")
                return
            if typ != family:
                continue
            for t, v in attrs(m[20:]):
                if t != U["TLSMON_A_KEY"]:
                    continue
                d = dict(attrs(v))
                lines.append(" ".join([
                    "tx" if d[U["TLSMON_KEY_A_DIR"]][0] == 1 else "rx",
                    d[U["TLSMON_KEY_A_KEY"]].hex(),
                    d[U["TLSMON_KEY_A_IV"]].hex(),
                    d[U["TLSMON_KEY_A_SALT"]].hex(),
                    d[U["TLSMON_KEY_A_REC_SEQ"]].hex()]))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "listen":
        listen(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "get":
        # a number, or "sk:HEX" as ss -e names a socket
        c = sys.argv[2]
        get(int(c[3:], 16) if c.startswith("sk:") else int(c, 0))
    else:
        sys.exit("usage: nl_keys.py listen OUT | get COOKIE")
