#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# gen_dhcp_seeds.py - write the seed inputs of fuzz_dhcp: one control byte
# (bit 0: the port has a MAC), then an Ethernet frame. Run from this directory.
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
MAC = bytes.fromhex('525400123456')


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def bootp(mtype, opts=b'', ciaddr=0, giaddr=0, flags=0, chaddr=MAC, sname=b'', file=b''):
    fixed = struct.pack('!BBBBIHHIIII', 1, 1, 6, 0, 0x1234, 0, flags, ciaddr, 0, 0, giaddr)
    fixed += chaddr.ljust(16, b'\0') + sname.ljust(64, b'\0') + file.ljust(128, b'\0')
    o = b''
    if mtype:
        o += bytes([53, 1, mtype])
    return fixed + bytes([99, 130, 83, 99]) + o + opts + b'\xff'


def frame(payload, src_ip=0, dst_ip=0xffffffff, eth_src=MAC):
    udp = struct.pack('!HHHH', 68, 67, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBHII', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return b'\xff' * 6 + eth_src + b'\x08\x00' + ip + udp


def put(name, ctl, data):
    os.makedirs(os.path.join(HERE, 'fuzz_dhcp'), exist_ok=True)
    with open(os.path.join(HERE, 'fuzz_dhcp', name), 'wb') as f:
        f.write(bytes([ctl]) + data)


prl = bytes([55, 6, 1, 3, 6, 15, 26, 28])
put('seed-discover', 1, frame(bootp(1, prl + bytes([12, 4]) + b'host')))
put('seed-request-selecting', 1, frame(bootp(3, bytes([50, 4, 10, 0, 0, 100, 54, 4, 10, 0, 0, 1]))))
put('seed-request-renew', 0, frame(bootp(3, ciaddr=0x0a000064), src_ip=0x0a000064, dst_ip=0x0a000001))
put('seed-init-reboot', 0, frame(bootp(3, bytes([50, 4, 10, 0, 0, 101]))))
put('seed-release', 0, frame(bootp(7, bytes([54, 4, 10, 0, 0, 1]), ciaddr=0x0a000064)))
put('seed-decline', 0, frame(bootp(4, bytes([50, 4, 10, 0, 0, 100, 54, 4, 10, 0, 0, 1]))))
put('seed-inform', 0, frame(bootp(8, prl, ciaddr=0x0a000009), src_ip=0x0a000009))
put('seed-relayed', 0, frame(bootp(1, prl, giaddr=0x0a000002, chaddr=bytes.fromhex('020000000001'))))
put('seed-overload', 0, frame(bootp(0, bytes([52, 1, 3]), file=bytes([53, 1, 1, 255]),
                                    sname=bytes([12, 2]) + b'vm' + b'\xff')))
put('seed-client-id', 0, frame(bootp(1, bytes([61, 7, 1]) + MAC + bytes([57, 2, 2, 64, 51, 4, 0, 0, 0, 60]))))
put('seed-broadcast', 0, frame(bootp(1, flags=0x8000)))
arp = b'\xff' * 6 + MAC + b'\x08\x06' + bytes.fromhex('0001080006040001') + MAC + \
    bytes([10, 0, 0, 100]) + b'\0' * 6 + bytes([10, 0, 0, 1])
put('seed-arp', 0, arp.ljust(60, b'\0'))
put('seed-lease-line', 0, b'10.0.0.100\t52:54:00:12:34:56\tbound\t1700000000\thost\t00000000\n')
