#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""guest.py - run one shell command in a test guest through its serial console.

Usage: guest.py CONSOLE_SOCKET TIMEOUT_SECONDS COMMAND

Connects to the console socket vmm gives QEMU (RUN_DIR/NAME/console.sock),
types COMMAND followed by an echo of a unique marker and the exit status,
prints what the command printed, and exits with the command's status (124 on
timeout). QEMU serves one console client at a time; this holds it only for
the command's duration. The guest image's shell (scripts/build-guest-image)
runs on ttyS0.
"""
import os
import re
import socket
import sys
import time


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path, timeout, command = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    marker = "__VSWT_%d_%d__" % (os.getpid(), int(time.time() * 1000) % 100000)
    deadline = time.monotonic() + timeout
    sock = None
    while sock is None:
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
        except OSError as e:
            sock = None
            if time.monotonic() > deadline:
                print("guest.py: cannot connect to %s: %s" % (path, e), file=sys.stderr)
                return 124
            time.sleep(0.2)
    # The marker's two halves are typed apart, so the tty's echo of the
    # command line never matches the pattern below.
    # A command ending in "&" is already terminated: no ";" after it.
    sep = " " if command.rstrip().endswith("&") else "; "
    line = "echo %s''_BEGIN; %s%secho %s''_RC=$?\n" % (marker, command, sep, marker)
    sock.sendall(b"\n" + line.encode())
    pattern = re.compile((re.escape(marker) + r"_RC=(\d+)").encode())
    buf = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            sys.stdout.write(buf.decode(errors="replace"))
            print("guest.py: '%s' did not finish within %g s" % (command, timeout), file=sys.stderr)
            return 124
        sock.settimeout(left)
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        if not data:
            print("guest.py: console closed", file=sys.stderr)
            return 125
        buf += data
        m = pattern.search(buf)
        if m:
            break
    sock.close()
    text = buf[:m.start()].decode(errors="replace").replace("\r", "")
    # What the command printed starts after the BEGIN marker's own line.
    begin = text.rfind(marker + "_BEGIN\n")
    out = text[begin + len(marker) + 7:] if begin >= 0 else text
    out = out.rstrip()
    if out:
        print(out)
    return int(m.group(1))


if __name__ == "__main__":
    sys.exit(main())
