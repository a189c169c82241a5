#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""vu_peer.py - a minimal vhost-user front-end (the guest side), well-behaved or hostile.

It connects to a vhost-user back-end socket, negotiates, shares a memfd as guest
memory, sets up a virtio-net queue pair with split rings and then either
exchanges a frame (mode "good") or breaks the rules on purpose. For attacks it
waits for the back-end to cut the connection and exits 0 if it did, 1 if not.

Slow modes check the back-end never waits for one front-end: "slow" sends
GET_FEATURES (--count times) one byte per --byte-interval seconds, after
SET_VRING_CALL with its fd on the first byte with --with-fd, and expects each
reply, or with --expect-cut expects to be cut off part-way; "no-read" sends
requests without ever reading the replies and expects to be cut off.

Usage: vu_peer.py SOCKET MODE [--ip A.B.C.D --target A.B.C.D] [--byte-interval S]
                  [--with-fd] [--count N] [--expect-cut]
MODES: good, in-order, desc-loop, desc-oob, avail-jump, rx-readable, indirect-nested,
       shrink, bad-size, bad-fds, garbage, truncated, slow, no-read
"""
import argparse
import array
import mmap
import os
import select
import socket
import struct
import sys
import time

GET_FEATURES, SET_FEATURES, SET_OWNER, SET_MEM_TABLE = 1, 2, 3, 5
SET_VRING_NUM, SET_VRING_ADDR, SET_VRING_BASE = 8, 9, 10
SET_VRING_KICK, SET_VRING_CALL = 12, 13
VERSION_1 = 1 << 32
MRG_RXBUF = 1 << 15
INDIRECT = 1 << 28
IN_ORDER = 1 << 35
F_NEXT, F_WRITE, F_INDIRECT = 1, 2, 4

QSIZE = 64
MEM_SIZE = 1 << 21
UVA_BASE = 0x7F0000000000      # the "front-end address" of guest memory
GPA_BASE = 0x100000             # the guest physical address of guest memory
RING_OFF = [0x0000, 0x4000]     # per queue: desc, avail at +0x1000, used at +0x2000
BUF_OFF = 0x10000               # frame buffers, 2 KiB each
HDR = 12


class Peer:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.fd = os.memfd_create("vu-peer", 0)
        os.ftruncate(self.fd, MEM_SIZE)
        self.mem = mmap.mmap(self.fd, MEM_SIZE)
        self.kick = [os.eventfd(0, os.EFD_NONBLOCK) for _ in range(2)]
        self.call = [os.eventfd(0, os.EFD_NONBLOCK) for _ in range(2)]
        self.avail_idx = [0, 0]
        self.used_seen = [0, 0]

    def send(self, req, payload=b"", fds=(), flags=1, size=None):
        size = len(payload) if size is None else size
        data = struct.pack("<III", req, flags, size) + payload
        anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
        self.sock.sendmsg([data], anc)

    def recv(self):
        hdr = self._read(12)
        req, flags, size = struct.unpack("<III", hdr)
        return req, self._read(size)

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("back-end closed the connection")
            buf += chunk
        return buf

    def gpa(self, off):
        return GPA_BASE + off

    def setup(self, features=VERSION_1 | MRG_RXBUF | INDIRECT):
        self.send(GET_FEATURES)
        _, payload = self.recv()
        offered = struct.unpack("<Q", payload)[0]
        self.features = features & offered
        self.send(SET_FEATURES, struct.pack("<Q", self.features))
        self.send(SET_OWNER)
        region = struct.pack("<QQQQ", GPA_BASE, MEM_SIZE, UVA_BASE, 0)
        self.send(SET_MEM_TABLE, struct.pack("<II", 1, 0) + region, fds=[self.fd])
        for q in range(2):
            base = RING_OFF[q]
            self.send(SET_VRING_NUM, struct.pack("<II", q, QSIZE))
            self.send(SET_VRING_BASE, struct.pack("<II", q, 0))
            self.send(SET_VRING_ADDR, struct.pack("<IIQQQQ", q, 0, UVA_BASE + base,
                                                  UVA_BASE + base + 0x2000,
                                                  UVA_BASE + base + 0x1000, 0))
            self.send(SET_VRING_CALL, struct.pack("<Q", q), fds=[self.call[q]])
            self.send(SET_VRING_KICK, struct.pack("<Q", q), fds=[self.kick[q]])

    # ring access -----------------------------------------------------------
    def set_desc(self, q, i, addr, length, flags, nxt=0):
        off = RING_OFF[q] + i * 16
        self.mem[off:off + 16] = struct.pack("<QIHH", addr, length, flags, nxt)

    def publish(self, q, head, kick=True):
        avail = RING_OFF[q] + 0x1000
        slot = self.avail_idx[q] % QSIZE
        self.mem[avail + 4 + 2 * slot:avail + 6 + 2 * slot] = struct.pack("<H", head)
        self.avail_idx[q] = (self.avail_idx[q] + 1) & 0xFFFF
        self.mem[avail + 2:avail + 4] = struct.pack("<H", self.avail_idx[q])
        if kick:
            os.eventfd_write(self.kick[q], 1)

    def used(self, q):
        used = RING_OFF[q] + 0x2000
        idx = struct.unpack("<H", self.mem[used + 2:used + 4])[0]
        out = []
        while self.used_seen[q] != idx:
            slot = self.used_seen[q] % QSIZE
            out.append(struct.unpack("<II", self.mem[used + 4 + 8 * slot:used + 12 + 8 * slot]))
            self.used_seen[q] = (self.used_seen[q] + 1) & 0xFFFF
        return out

    def post_rx_buffers(self, count=16):
        for i in range(count):
            off = BUF_OFF + i * 2048
            # Garbage where the back-end must write: a header it skips shows.
            self.mem[off:off + 2048] = b"\xa5" * 2048
            self.set_desc(0, i, self.gpa(off), 2048, F_WRITE)
            self.publish(0, i, kick=False)

    def transmit(self, frame, slot=32):
        off = BUF_OFF + slot * 2048
        data = bytes(HDR) + frame
        self.mem[off:off + len(data)] = data
        self.set_desc(1, slot, self.gpa(off), len(data), 0)
        self.publish(1, slot)

    def disconnected(self, timeout):
        """True if the back-end closes the connection within @timeout seconds."""
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([self.sock], [], [], end - time.time())
            if r:
                try:
                    if not self.sock.recv(4096):
                        return True
                except (ConnectionResetError, BrokenPipeError):
                    return True
        return False


MAC = bytes.fromhex("020000aa0001")


def arp_request(src_ip, dst_ip):
    return (b"\xff" * 6 + MAC + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) +
            MAC + socket.inet_aton(src_ip) + b"\x00" * 6 + socket.inet_aton(dst_ip))


def mode_good(p, args):
    """Ask the target for its MAC with ARP; expect its reply in our receive ring."""
    p.setup()
    p.post_rx_buffers()
    for _ in range(50):
        p.transmit(arp_request(args.ip, args.target))
        time.sleep(0.1)
        for head, length in p.used(0):
            base = BUF_OFF + head * 2048
            frame = bytes(p.mem[base + HDR:base + length])
            if frame[12:14] == b"\x08\x06" and frame[20:22] == b"\x00\x02" and frame[0:6] == MAC:
                # virtio_net_hdr_v1: flags, gso_type, hdr_len, gso_size,
                # csum_start, csum_offset, num_buffers (no offloads negotiated).
                hdr = struct.unpack("<BBHHHHH", bytes(p.mem[base:base + HDR]))
                if hdr != (0, 0, 0, 0, 0, 0, 1):
                    print("vu_peer: ARP reply with a wrong virtio-net header %s" % (hdr,),
                          file=sys.stderr)
                    return 1
                print("vu_peer: ARP reply from %s (%s)" % (args.target, frame[22:28].hex(":")))
                return 0
    print("vu_peer: no ARP reply from %s" % args.target, file=sys.stderr)
    return 1


def mode_in_order(p, args):
    """With VIRTIO_F_IN_ORDER, transmit chains come back in the order they went
    out, a rejected one (a writable descriptor in a transmit chain) included."""
    p.setup(features=VERSION_1 | MRG_RXBUF | IN_ORDER)
    if not p.features & IN_ORDER:
        print("vu_peer: the back-end does not offer VIRTIO_F_IN_ORDER", file=sys.stderr)
        return 1
    p.post_rx_buffers()
    data = bytes(HDR) + arp_request(args.ip, args.target)
    slots = (32, 33, 34, 35)
    for slot in slots:
        off = BUF_OFF + slot * 2048
        p.mem[off:off + len(data)] = data
        p.set_desc(1, slot, p.gpa(off), len(data), F_WRITE if slot == 33 else 0)
        p.publish(1, slot, kick=False)
    os.eventfd_write(p.kick[1], 1)
    used = []
    end = time.time() + 5
    while len(used) < len(slots) and time.time() < end:
        used += [head for head, _ in p.used(1)]
        time.sleep(0.05)
    if used != list(slots):
        print("vu_peer: transmit chains used as %s, made available as %s" % (used, list(slots)),
              file=sys.stderr)
        return 1
    print("vu_peer: transmit chains used in order %s" % used)
    return 0


def attack(p, setup=True, rx=False):
    if setup:
        p.setup()
    if rx:
        p.post_rx_buffers()


def mode_desc_loop(p, args):
    attack(p)
    p.set_desc(1, 0, p.gpa(BUF_OFF), 64, F_NEXT, 1)
    p.set_desc(1, 1, p.gpa(BUF_OFF), 64, F_NEXT, 0)
    p.publish(1, 0)


def mode_desc_oob(p, args):
    attack(p)
    p.set_desc(1, 0, 0xDEAD0000000, 64, 0)
    p.publish(1, 0)


def mode_avail_jump(p, args):
    attack(p)
    avail = RING_OFF[1] + 0x1000
    p.mem[avail + 2:avail + 4] = struct.pack("<H", 1000)
    os.eventfd_write(p.kick[1], 1)


def mode_rx_readable(p, args):
    """Receive buffers the device may not write: the next frame to us must break the port."""
    attack(p)
    for i in range(4):
        p.set_desc(0, i, p.gpa(BUF_OFF + i * 2048), 2048, 0)
        p.publish(0, i, kick=False)
    # Make the switch send us something: a broadcast ARP request gets flooded
    # back from nobody, so ask the target, whose reply is unicast to us.
    p.transmit(arp_request(args.ip, args.target))


def mode_indirect_nested(p, args):
    attack(p)
    table = BUF_OFF + 0x8000
    p.mem[table:table + 16] = struct.pack("<QIHH", p.gpa(table), 16, F_INDIRECT, 0)
    p.set_desc(1, 0, p.gpa(table), 16, F_INDIRECT)
    p.publish(1, 0)


def mode_shrink(p, args):
    """Truncate the shared memory file under the back-end, then transmit from the lost pages."""
    attack(p)
    # A round trip first, so the back-end has mapped the memory at full size.
    p.send(GET_FEATURES)
    p.recv()
    os.ftruncate(p.fd, BUF_OFF)
    p.set_desc(1, 0, p.gpa(BUF_OFF + 0x1000), 64, 0)
    p.publish(1, 0)


def mode_bad_size(p, args):
    p.send(GET_FEATURES, b"\x00" * 3)


def mode_bad_fds(p, args):
    p.send(SET_OWNER, fds=[p.kick[0], p.kick[1]])


def mode_garbage(p, args):
    p.sock.sendall(os.urandom(64) + struct.pack("<III", 99, 1, 0xFFFFFFF0))


def mode_truncated(p, args):
    p.send(SET_FEATURES, b"\x01\x02", size=8)


def send_slowly(p, data, fds, interval):
    """Send @data one byte per @interval seconds, @fds with the first byte."""
    for i in range(len(data)):
        anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds and i == 0 else []
        p.sock.sendmsg([data[i:i + 1]], anc)
        if i + 1 < len(data):
            time.sleep(interval)


def mode_slow(p, args):
    """One message a byte at a time: the reply must come, or with --expect-cut
    the back-end must cut us off part-way (it gives a message a deadline)."""
    start = time.time()
    print("vu_peer: slow: connected, sending", flush=True)
    try:
        if args.with_fd:
            send_slowly(p, struct.pack("<III", SET_VRING_CALL, 1, 8) + struct.pack("<Q", 0),
                        [p.call[0]], args.byte_interval)
        for i in range(args.count):
            send_slowly(p, struct.pack("<III", GET_FEATURES, 1, 0), [], args.byte_interval)
            req, payload = p.recv()
            if i == 0:
                print("vu_peer: slow: first reply after %.2f s" % (time.time() - start), flush=True)
    except (BrokenPipeError, ConnectionError) as e:
        took = time.time() - start
        if args.expect_cut:
            print("vu_peer: slow: cut off after %.2f s (%s)" % (took, e.__class__.__name__))
            return 0
        print("vu_peer: slow: cut off after %.2f s" % took, file=sys.stderr)
        return 1
    took = time.time() - start
    if args.expect_cut:
        print("vu_peer: slow: served after %.2f s, expected to be cut off" % took, file=sys.stderr)
        return 1
    if req != GET_FEATURES or len(payload) != 8:
        print("vu_peer: slow: bad reply (request %d, %d bytes)" % (req, len(payload)), file=sys.stderr)
        return 1
    print("vu_peer: slow: reply after %.2f s, features 0x%x" % (took, struct.unpack("<Q", payload)[0]))
    return 0


def mode_no_read(p, args):
    """Ask and never read the answers: once the back-end's replies stop fitting in
    the socket, it must give up on us instead of waiting."""
    p.sock.setblocking(False)
    sent = 0
    end = time.time() + 5
    request = struct.pack("<III", GET_FEATURES, 1, 0)
    while time.time() < end and sent < 100000:
        try:
            p.sock.send(request)
            sent += 1
        except BlockingIOError:
            time.sleep(0.01)   # the back-end stopped reading: its replies are stuck
        except (BrokenPipeError, ConnectionError):
            break
    p.sock.setblocking(True)
    print("vu_peer: no-read: sent %d requests; not reading for %.1f s" % (sent, args.byte_interval))
    time.sleep(args.byte_interval)


MODES = {
    "good": mode_good, "in-order": mode_in_order, "desc-loop": mode_desc_loop, "desc-oob": mode_desc_oob,
    "avail-jump": mode_avail_jump, "rx-readable": mode_rx_readable,
    "indirect-nested": mode_indirect_nested, "shrink": mode_shrink, "bad-size": mode_bad_size,
    "bad-fds": mode_bad_fds, "garbage": mode_garbage, "truncated": mode_truncated,
    "slow": mode_slow, "no-read": mode_no_read,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("mode", choices=sorted(MODES))
    ap.add_argument("--ip", default="10.0.0.99")
    ap.add_argument("--target", default="10.0.0.1")
    ap.add_argument("--byte-interval", type=float, default=0.1,
                    help="slow: seconds between bytes; no-read: seconds without reading")
    ap.add_argument("--with-fd", action="store_true", help="slow: SET_VRING_CALL with its fd first")
    ap.add_argument("--count", type=int, default=1, help="slow: GET_FEATURES requests, one after another")
    ap.add_argument("--expect-cut", action="store_true", help="slow: expect to be cut off")
    args = ap.parse_args()
    p = Peer(args.socket)
    if args.mode in ("good", "in-order", "slow"):
        return MODES[args.mode](p, args)
    try:
        MODES[args.mode](p, args)
    except (BrokenPipeError, ConnectionError):
        pass  # cut off while still attacking: that is the expected outcome
    if p.disconnected(5.0):
        print("vu_peer: %s: back-end disconnected us" % args.mode)
        return 0
    print("vu_peer: %s: still connected after 5 s" % args.mode, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
