#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# gen_seeds.py - write the hand-made seed inputs of fuzz_virtq and fuzz_vhost_user
# (layouts described at the top of each target). Run from this directory.
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    path = os.path.join(HERE, target, name)
    with open(path, 'wb') as f:
        f.write(data)


# fuzz_virtq --------------------------------------------------------------
GPA_A = 0x1000


def virtq_image(qsize_log2, flags, ctl1, descs, avail, used_event=0, extra=None,
                last_avail=0, used_idx=0):
    qsize = 1 << qsize_log2
    desc_size = 16 * qsize
    used_off = (desc_size + 6 + 2 * qsize + 3) & ~3
    rings = used_off + 6 + 8 * qsize
    a_size = rings + ctl1 * 64
    img = bytearray(max(a_size + 256, used_off + 6 + 8 * qsize))
    for i, (addr, length, fl, nxt) in enumerate(descs):
        if i < qsize and isinstance(addr, int):
            struct.pack_into('<QIHH', img, 16 * i, addr, length, fl, nxt)
    struct.pack_into('<HH', img, desc_size, 0, len(avail) + last_avail)
    for i, h in enumerate(avail):
        struct.pack_into('<H', img, desc_size + 4 + 2 * ((last_avail + i) % qsize), h)
    struct.pack_into('<H', img, desc_size + 4 + 2 * qsize, used_event)
    for off, blob in (extra or []):
        img[off:off + len(blob)] = blob
    ctl = bytes([qsize_log2 | flags, ctl1, used_idx & 0xff, last_avail & 0xff])
    return ctl + bytes(img), a_size


NEXT, WRITE, INDIRECT = 1, 2, 4
CALL, INDIR, EVIDX, GAP = 0x10, 0x20, 0x40, 0x80

# Two chains, one readable+writable, one crossing from region A into B.
a_size = 430 + 16 * 64
data, _ = virtq_image(4, CALL, 16, [
    (GPA_A + 0x400, 64, NEXT, 1),
    (GPA_A + 0x500, 64, WRITE, 0),
    (GPA_A + a_size - 10, 20, WRITE, 0),
], [0, 2])
put('fuzz_virtq', 'seed-two-chains', data)

# Indirect table with event idx.
table = struct.pack('<QIHHQIHHQIHH', GPA_A + 0x500, 14, NEXT, 1,
                    GPA_A + 0x540, 100, WRITE | NEXT, 2, GPA_A + 0x5c0, 50, WRITE, 0)
data, _ = virtq_image(4, CALL | INDIR | EVIDX, 16, [(GPA_A + 0x440, 48, INDIRECT, 0)], [0],
                      used_event=1, extra=[(0x440, table)])
put('fuzz_virtq', 'seed-indirect-event-idx', data)

# A loop, and a gap between the regions.
data, _ = virtq_image(3, GAP, 4, [(GPA_A + 0x200, 8, NEXT, 1), (GPA_A + 0x200, 8, NEXT, 0)],
                      [0])
put('fuzz_virtq', 'seed-loop', data)

# 70 one-byte descriptors: more than VQ_MAX_IOV segments (-E2BIG), then a good one.
descs = [(GPA_A + 0x1800 + i, 1, NEXT if i < 69 else 0, i + 1) for i in range(70)]
descs += [(GPA_A + 0x1900, 4, WRITE, 0)]
data, _ = virtq_image(7, CALL, 40, descs, [0, 70], last_avail=250, used_idx=250)
put('fuzz_virtq', 'seed-e2big', data)

# fuzz_vhost_user ---------------------------------------------------------
REQ = dict(GET_FEATURES=1, SET_FEATURES=2, SET_OWNER=3, SET_MEM_TABLE=5, SET_VRING_NUM=8,
           SET_VRING_ADDR=9, SET_VRING_BASE=10, GET_VRING_BASE=11, SET_VRING_KICK=12,
           SET_VRING_CALL=13, GET_PROTOCOL_FEATURES=15, SET_PROTOCOL_FEATURES=16,
           SET_VRING_ENABLE=18, NET_SET_MTU=20, GET_CONFIG=24, ADD_MEM_REG=37,
           REM_MEM_REG=38)
NEED_REPLY = 8
UVA = 0x10000000
FEATURES = (1 << 32) | (1 << 29) | (1 << 28) | (1 << 15)
PROTO = (1 << 3) | (1 << 4) | (1 << 9) | (1 << 15)


def raw(req, payload=b'', flags=1):
    return struct.pack('<III', req, flags, len(payload)) + payload


def rec(req, payload=b'', flags=1, nfds=0, memfd=False):
    ctl = nfds | (4 if memfd else 0)
    return bytes([ctl]) + raw(req, payload, flags)


def guest_write(offset, blob):
    return bytes([0x80]) + struct.pack('<III', offset, 0, len(blob)) + blob


def u64(v):
    return struct.pack('<Q', v)


def state(i, n):
    return struct.pack('<II', i, n)


def addr(q):
    base = UVA + q * 0x4000
    return struct.pack('<IIQQQQ', q, 0, base, base + 0x2000, base + 0x1000, 0)


def region(gpa, size, uva, off):
    return struct.pack('<QQQQ', gpa, size, uva, off)


def setup(protocol):
    out = rec(REQ['GET_FEATURES'])
    feats = FEATURES
    if protocol:
        feats |= 1 << 30
        out += rec(REQ['GET_PROTOCOL_FEATURES'])
        out += rec(REQ['SET_PROTOCOL_FEATURES'], u64(PROTO))
    out += rec(REQ['SET_OWNER'])
    out += rec(REQ['SET_FEATURES'], u64(feats))
    out += rec(REQ['SET_MEM_TABLE'], struct.pack('<II', 1, 0) + region(0, 0x40000, UVA, 0),
               nfds=1, memfd=True)
    for q in (0, 1):
        out += rec(REQ['SET_VRING_NUM'], state(q, 16))
        out += rec(REQ['SET_VRING_BASE'], state(q, 0))
        out += rec(REQ['SET_VRING_ADDR'], addr(q))
        out += rec(REQ['SET_VRING_CALL'], u64(q), nfds=1)
    out += rec(REQ['SET_VRING_KICK'], u64(0), nfds=1)
    out += rec(REQ['SET_VRING_KICK'], u64(1 | 0x100))
    if protocol:
        out += rec(REQ['SET_VRING_ENABLE'], state(0, 1), flags=1 | NEED_REPLY)
        out += rec(REQ['SET_VRING_ENABLE'], state(1, 1))
    return out


def tx_chain():
    # Queue 1 (tx): one readable chain of two descriptors, made available.
    base = 0x4000
    descs = struct.pack('<QIHHQIHH', 0x8000, 12, NEXT, 1, 0x8100, 60, 0, 0)
    avail = struct.pack('<HHH', 0, 1, 0)
    return guest_write(base, descs) + guest_write(base + 0x1000, avail)


put('fuzz_vhost_user', 'seed-setup-legacy', setup(False) + tx_chain())
put('fuzz_vhost_user', 'seed-setup-protocol',
    setup(True) + tx_chain() +
    rec(REQ['GET_CONFIG'], struct.pack('<III', 0, 12, 0) + bytes(12)) +
    rec(REQ['NET_SET_MTU'], u64(9000), flags=1 | NEED_REPLY) +
    rec(REQ['ADD_MEM_REG'], u64(0) + region(0x100000, 0x1000, UVA + 0x100000, 0x3000),
        nfds=1, memfd=True) +
    rec(REQ['REM_MEM_REG'], u64(0) + region(0x100000, 0x1000, UVA + 0x100000, 0)) +
    rec(REQ['GET_VRING_BASE'], state(1, 0)))
put('fuzz_vhost_user', 'seed-bad-fds',
    rec(REQ['SET_VRING_KICK'], u64(0x100), nfds=1) + rec(REQ['GET_FEATURES']))
# Socket mode reads everything after the first byte as a raw stream.
put('fuzz_vhost_user', 'seed-socket-stream',
    b'\x00' + raw(REQ['GET_FEATURES']) + raw(REQ['SET_PROTOCOL_FEATURES'], u64(PROTO)) +
    raw(REQ['SET_FEATURES'], u64(FEATURES | (1 << 30))) +
    raw(REQ['GET_CONFIG'], struct.pack('<III', 6, 2, 0) + bytes(2)) +
    raw(REQ['SET_VRING_NUM'], state(0, 256), flags=1 | NEED_REPLY))
put('fuzz_vhost_user', 'seed-socket-memfd',
    b'\x01' + raw(REQ['SET_MEM_TABLE'],
                  struct.pack('<II', 1, 0) + region(0, 0x40000, UVA, 0)) +
    raw(REQ['SET_VRING_NUM'], state(0, 16)) + raw(REQ['SET_VRING_ADDR'], addr(0)))
# Socket mode in pieces: the first byte's bits 1-4 give the piece size minus
# one. Byte at a time with the memfd on the first byte, as a slow front-end.
put('fuzz_vhost_user', 'seed-socket-bytewise',
    b'\x01' + raw(REQ['SET_MEM_TABLE'],
                  struct.pack('<II', 1, 0) + region(0, 0x40000, UVA, 0)) +
    raw(REQ['GET_FEATURES']) + raw(REQ['SET_VRING_NUM'], state(0, 16)))
# Pieces of 5 bytes that end mid-payload, then EOF.
put('fuzz_vhost_user', 'seed-socket-pieces-eof',
    bytes([4 << 1]) + raw(REQ['GET_FEATURES']) + raw(REQ['SET_FEATURES'], u64(FEATURES))[:17])
