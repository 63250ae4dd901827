#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Craft a capture of one TLS 1.3 connection (AES-GCM-128) as kTLS would
put it on the wire, with the key records tlsmon would export, for the
host tests of 'monctl decrypt' (selftests/host/decrypt.sh).

    decrypt_craft.py DIR

writes DIR/cap.pcap (Ethernet), DIR/client.jsonl (the client's key
records as 'monctl collect' writes them: JSON lines, epochs 0 and 1 of its
tx direction, epoch 0 of rx), DIR/server.json (the server's records as
'monctl -j keys' prints them, epoch 0 each way), DIR/client-tx.txt and
DIR/server-tx.txt (the application data each end sent) and DIR/times.txt
(the capture time, in ns, of the segment completing each application data
record, in stream order per direction: "c NS" or "s NS").

The client sends an HTTP request, a KeyUpdate, then a second request
under the new key (record sequence 0 again); the server sends a
NewSessionTicket, two responses and a close_notify alert. One client
record is split over two segments and one segment is retransmitted.
"""
import json
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

out = sys.argv[1]
CLI, SRV = bytes([10, 1, 0, 1]), bytes([10, 1, 0, 2])
CPORT, SPORT = 40000, 443


def key(base, n):
    return bytes((base + i) & 0xff for i in range(n))


# (key, iv, salt) per direction and epoch
KEYS = {
    ("c", 0): (key(0x10, 16), key(0x20, 8), key(0x30, 4)),
    ("c", 1): (key(0x70, 16), key(0x80, 8), key(0x90, 4)),
    ("s", 0): (key(0x40, 16), key(0x50, 8), key(0x60, 4)),
}


def record(end, epoch, seq, ctype, data):
    k, iv, salt = KEYS[(end, epoch)]
    nonce = bytearray(salt + iv)
    for i in range(8):
        nonce[4 + i] ^= (seq >> (56 - 8 * i)) & 0xff
    inner = data + bytes([ctype]) + b"\0" * 3   # with some padding
    hdr = bytes([23, 3, 3]) + struct.pack(">H", len(inner) + 16)
    return hdr + AESGCM(k).encrypt(bytes(nonce), inner, hdr)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


frames = []
seqs = {"c": 1000, "s": 5000}


def seg(end, t, flags, payload=b"", seq=None):
    src, dst = (CLI, SRV) if end == "c" else (SRV, CLI)
    sp, dp = (CPORT, SPORT) if end == "c" else (SPORT, CPORT)
    other = "s" if end == "c" else "c"
    s = seqs[end] if seq is None else seq
    tcp = struct.pack(">HHIIBBHHH", sp, dp, s, seqs[other] if flags & 0x10 else 0,
                      5 << 4, flags, 65535, 0, 0) + payload
    ph = src + dst + struct.pack(">BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack(">H", csum(ph + tcp)) + tcp[18:]
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack(">H", csum(ip)) + ip[12:]
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
    frames.append((t, eth + ip + tcp))
    if seq is None:
        seqs[end] += len(payload) + (1 if flags & 0x03 else 0)


T = 1700000000 * 10**9
times = []
seg("c", T, 0x02)
seg("s", T + 100000, 0x12)
seg("c", T + 200000, 0x10)
# a cleartext "hello" each way: before the installation point, not a record
seg("c", T + 300000, 0x18, bytes([22, 3, 1, 0, 4, 1, 0, 0, 0]))
seg("s", T + 400000, 0x18, bytes([22, 3, 3, 0, 4, 2, 0, 0, 0]))

req1 = b"GET /first HTTP/1.1\r\nHost: test.example\r\n\r\n"
req2 = b"GET /second HTTP/1.1\r\nHost: test.example\r\n\r\n"
resp1 = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nContent-Type: text/plain\r\n\r\nfirst\n"
resp2 = b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nContent-Type: text/plain\r\n\r\nsecond\n"

t = T + 10**9
nst = record("s", 0, 0, 22, bytes([4, 0, 0, 8]) + b"\0" * 8)
seg("s", t, 0x18, nst)
r = record("c", 0, 0, 23, req1)
# split over two segments 1 ms apart: the record completes with the second
seg("c", t + 1000000, 0x18, r[:20])
seg("c", t + 2000000, 0x18, r[20:])
times.append("c %d" % (t + 2000000))
r = record("s", 0, 1, 23, resp1)
seg("s", t + 3000000, 0x18, r)
times.append("s %d" % (t + 3000000))
# KeyUpdate (update_not_requested) under epoch 0, then epoch 1 from seq 0
ku = record("c", 0, 1, 22, bytes([24, 0, 0, 1, 0]))
seg("c", t + 4000000, 0x18, ku)
r = record("c", 1, 0, 23, req2)
s0 = seqs["c"]
seg("c", t + 5000000, 0x18, r)
times.append("c %d" % (t + 5000000))
# a retransmission later does not move the record's time
seg("c", t + 9000000, 0x18, r, seq=s0)
r = record("s", 0, 2, 23, resp2)
seg("s", t + 6000000, 0x18, r)
times.append("s %d" % (t + 6000000))
seg("s", t + 7000000, 0x18, record("s", 0, 3, 21, bytes([1, 0])))
seg("c", t + 10000000, 0x11)
seg("s", t + 10100000, 0x11)
seg("c", t + 10200000, 0x10)

frames.sort(key=lambda f: f[0])
with open(os.path.join(out, "cap.pcap"), "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))  # ns pcap
    for ts, b in frames:
        f.write(struct.pack("<IIII", ts // 10**9, ts % 10**9, len(b), len(b)) + b)


def rec(end, local_is_client, direction, epoch):
    k, iv, salt = KEYS[(end, epoch)]
    la, lp, pa, pp = ("10.1.0.1", CPORT, "10.1.0.2", SPORT) if local_is_client else \
                     ("10.1.0.2", SPORT, "10.1.0.1", CPORT)
    r = {"id": 7 if local_is_client else 9, "cookie": 4097, "family": "inet",
         "local": la, "local_port": lp, "peer": pa, "peer_port": pp,
         "role": "client" if local_is_client else "server",
         "version": "TLS1.3", "suite": "TLS_AES_128_GCM_SHA256_MON", "suite_code": "0xff01",
         "cipher": "aes-gcm-128", "directions": ["tx", "rx"], "offload": [],
         "reason": "suite", "consent": False, "mark": "0x0", "age_ms": 5,
         "direction": direction, "key_version": "TLS1.3", "key_cipher": "aes-gcm-128",
         "key": k.hex(), "iv": iv.hex(), "salt": salt.hex(), "rec_seq": "00" * 8,
         "installed_ns": "1700000000000000000", "installed": "2023-11-14T22:13:20.000000Z"}
    if epoch:
        r["epoch"] = epoch
    return r


with open(os.path.join(out, "client.jsonl"), "w") as f:
    for r in (rec("c", True, "tx", 0), rec("s", True, "rx", 0), rec("c", True, "tx", 1)):
        f.write(json.dumps(dict({"exporter": "10.1.0.1"}, **r), separators=(",", ":")) + "\n")
with open(os.path.join(out, "server.json"), "w") as f:
    json.dump([rec("s", False, "tx", 0), rec("c", False, "rx", 0)], f, indent=2)
with open(os.path.join(out, "client-tx.txt"), "wb") as f:
    f.write(req1 + req2)
with open(os.path.join(out, "server-tx.txt"), "wb") as f:
    f.write(resp1 + resp2)
with open(os.path.join(out, "times.txt"), "w") as f:
    f.write("\n".join(times) + "\n")
