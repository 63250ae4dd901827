#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Handshakes that never complete, for the flood suite:
#
#   flood.py server MODE ADDR PORT N     accept N connections
#   flood.py client MODE ADDR PORT N     open N connections
#
# MODE  ch       the client sends a ClientHello, the server never answers
#       sh       the server answers with a ServerHello, nobody installs kTLS
#       garbage  the client sends a valid record header, then garbage
#       huge     the client's record header announces 65535 bytes
#
# Both ends print "open" once all N connections stand, then hold them until
# killed.
import os
import random
import socket
import struct
import sys
import time

MON_SUITE = 0xFF01


def record(typ, body):
    return struct.pack("!BHH", 22, 0x0301, 4 + len(body)) + \
        struct.pack("!B", typ) + len(body).to_bytes(3, "big") + body


def client_hello():
    exts = struct.pack("!HHB", 43, 3, 2) + struct.pack("!H", 0x0304)
    body = struct.pack("!H", 0x0303) + os.urandom(32) + b"\x20" + os.urandom(32)
    body += struct.pack("!HH", 2, MON_SUITE) + b"\x01\x00"
    body += struct.pack("!H", len(exts)) + exts
    return record(1, body)


def server_hello(ch):
    sid = ch[44:76]
    exts = struct.pack("!HHH", 43, 2, 0x0304)
    body = struct.pack("!H", 0x0303) + os.urandom(32) + b"\x20" + sid
    body += struct.pack("!H", MON_SUITE) + b"\x00"
    body += struct.pack("!H", len(exts)) + exts
    return record(2, body)


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            raise EOFError
        b += d
    return b


def main():
    role, mode, addr, port, n = sys.argv[1:6]
    port, n = int(port), int(n)
    socks = []
    if role == "server":
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((addr, port))
        ls.listen(1024)
        for _ in range(n):
            s = ls.accept()[0]
            socks.append(s)
            if mode == "sh":
                hdr = recv_exact(s, 5)
                ch = hdr + recv_exact(s, struct.unpack("!H", hdr[3:5])[0])
                s.sendall(server_hello(ch))
    else:
        for i in range(n):
            s = socket.create_connection((addr, port))
            socks.append(s)
            if mode in ("ch", "sh"):
                s.sendall(client_hello())
            elif mode == "garbage":
                # the same garbage every run: a failure can be replayed
                garbage = random.Random(i).randbytes(240)
                s.sendall(struct.pack("!BHH", 22, 0x0301, 240) + garbage)
            elif mode == "huge":
                s.sendall(struct.pack("!BHH", 22, 0x0301, 0xFFFF) + os.urandom(1000))
        if mode == "sh":
            for s in socks:
                recv_exact(s, 5)
    print("open", flush=True)
    time.sleep(3600)


main()
