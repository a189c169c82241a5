#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ctlpoll.py - read vswitchd's state over ONE control connection, again and
again: stats, fdb.show, port.list and net.list every INTERVAL seconds (default
0.05), as a monitoring system would. Used by scripts/bench/datapath (peer
vswpoll) to show that reading state costs forwarding nothing.

Usage: ctlpoll.py SOCKET NET [INTERVAL]
Prints one line per second: requests answered and the slowest reply (ms).
Exits non-zero on the first error reply or a lost connection.
"""
import json
import socket
import sys
import time


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, net = sys.argv[1], sys.argv[2]
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.05
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    stream = sock.makefile("rwb")
    requests = [("stats", {"net": net}), ("fdb.show", {"net": net}),
                ("port.list", {}), ("net.list", {})]
    next_id, answered, slowest, started = 1, 0, 0.0, time.monotonic()
    while True:
        t0 = time.monotonic()
        for method, params in requests:
            stream.write((json.dumps({"id": next_id, "method": method, "params": params}) + "\n").encode())
            stream.flush()
            line = stream.readline()
            if not line:
                print("ctlpoll: connection closed", file=sys.stderr)
                return 1
            reply = json.loads(line)
            if "error" in reply:
                print(f"ctlpoll: {method}: {reply['error']}", file=sys.stderr)
                return 1
            next_id += 1
            answered += 1
        slowest = max(slowest, time.monotonic() - t0)
        now = time.monotonic()
        if now - started >= 1.0:
            print(f"{answered} replies, slowest round {slowest * 1000:.1f} ms", flush=True)
            answered, slowest, started = 0, 0.0, now
        time.sleep(max(0.0, interval - (time.monotonic() - t0)))


if __name__ == "__main__":
    sys.exit(main())
