#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""dhcp_load.py - a DHCP load generator acting as a relay agent (giaddr set,
UDP port 67), so one process can be many clients. Each client (a made-up MAC)
does DISCOVER -> OFFER -> REQUEST -> ACK; every ACK seen is appended, at
once, to the ACK log as "MAC IP" -- the client's view that dhcp_crash.sh
compares with the leases vswitchd reads back after kill -9.

Usage: dhcp_load.py --server IP --relay IP --acks FILE [--seconds N]
                    [--outstanding N] [--rate PER_SEC] [--mac-prefix HEX4]
Runs until --seconds pass or SIGTERM; errors while the server is down are
expected and ignored. Prints "sent N acked N" at the end.
"""
import argparse
import os
import random
import select
import signal
import socket
import struct
import time


def bootp(mtype, mac, xid, relay, requested=None, server=None):
    fixed = struct.pack('!BBBBIHHIIII', 1, 1, 6, 1, xid, 0, 0, 0, 0, 0,
                        struct.unpack('!I', socket.inet_aton(relay))[0])
    fixed += mac.ljust(16, b'\0') + b'\0' * 192 + bytes([99, 130, 83, 99])
    opts = bytes([53, 1, mtype])
    if requested:
        opts += bytes([50, 4]) + socket.inet_aton(requested)
    if server:
        opts += bytes([54, 4]) + socket.inet_aton(server)
    opts += bytes([55, 3, 1, 3, 6, 255])
    return fixed + opts


def parse_reply(data):
    if len(data) < 240 or data[0] != 2:
        return None
    xid = struct.unpack('!I', data[4:8])[0]
    yiaddr = socket.inet_ntoa(data[16:20])
    mac = data[28:34]
    mtype = None
    i = 240
    while i < len(data) and data[i] != 255:
        if data[i] == 0:
            i += 1
            continue
        if i + 1 >= len(data):
            break
        if data[i] == 53 and data[i + 1] == 1 and i + 2 < len(data):
            mtype = data[i + 2]
        i += 2 + data[i + 1]
    return xid, mac, yiaddr, mtype


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--server', required=True)
    ap.add_argument('--relay', required=True)
    ap.add_argument('--acks', required=True)
    ap.add_argument('--seconds', type=float, default=10)
    ap.add_argument('--outstanding', type=int, default=32)
    ap.add_argument('--mac-prefix', default='0200')
    ap.add_argument('--rate', type=float, default=0, help='new clients per second (0: no limit)')
    args = ap.parse_args()

    stop = [False]
    signal.signal(signal.SIGTERM, lambda *a: stop.__setitem__(0, True))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('0.0.0.0', 67))
    sock.setblocking(False)
    acks = open(args.acks, 'a', buffering=1)
    prefix = bytes.fromhex(args.mac_prefix)
    counter = random.randrange(1 << 24)
    pending = {}            # xid -> [mac, state, sent_at]
    sent = acked = 0
    start = time.time()
    end = start + args.seconds

    def send(pkt):
        try:
            sock.sendto(pkt, (args.server, 67))
        except OSError:
            pass            # the server (or our interface) is down: retried later

    while not stop[0] and time.time() < end:
        now = time.time()
        # Retire clients that got no answer (the server died meanwhile).
        for xid in [x for x, p in pending.items() if now - p[2] > 1.0]:
            del pending[xid]
        while len(pending) < args.outstanding and (not args.rate or sent < (now - start) * args.rate):
            counter += 1
            mac = prefix + struct.pack('!I', counter & 0xffffffff)
            xid = random.randrange(1 << 32)
            pending[xid] = [mac, 'discover', now]
            send(bootp(1, mac, xid, args.relay))
            sent += 1
        r, _, _ = select.select([sock], [], [], 0.05)
        if not r:
            continue
        while True:
            try:
                data = sock.recv(2048)
            except OSError:
                break
            rep = parse_reply(data)
            if not rep or rep[0] not in pending:
                continue
            xid, mac, yiaddr, mtype = rep
            p = pending[xid]
            if mtype == 2 and p[1] == 'discover':
                p[1], p[2] = 'request', time.time()
                send(bootp(3, p[0], xid, args.relay, requested=yiaddr, server=args.server))
            elif mtype == 5 and p[1] == 'request':
                acks.write('%s %s\n' % (p[0].hex(':'), yiaddr))
                acked += 1
                del pending[xid]
            elif mtype == 6:
                del pending[xid]
    acks.close()
    print('sent %d acked %d' % (sent, acked))


if __name__ == '__main__':
    main()
