#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cli_errors.sh - every netctl error is one line on stderr ("netctl: ...") and
# a non-zero exit; failed requests change nothing; the daemon survives hostile
# control input; mutations need root or the socket's group (SO_PEERCRED) while
# read-only commands need only access to the socket.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd python3
need_cmd setpriv util-linux
need_build

# expect_error WHAT WORD CMD... - CMD fails with exit status 1 (any non-zero
# with EXPECT_ANY_STATUS set: errors netctl can find without asking the daemon,
# such as a malformed MAC, are usage errors), prints nothing on stdout and exactly
# one line on stderr that starts with "netctl: " and mentions WORD (case-insensitive;
# WORD may be a|b|c alternatives).
expect_error() {
	local what=$1 word=$2 rc=0 out err
	shift 2
	out=$("$@" 2>"$T_TMP/err") || rc=$?
	err=$(cat "$T_TMP/err")
	say "$what: exit $rc, stderr: $err"
	[ "$rc" -ne 0 ] || fail "$what: '$*' succeeded; stdout: $out"
	[ "$rc" -ne 124 ] || fail "$what: '$*' hung (timeout)"
	if [ -z "${EXPECT_ANY_STATUS:-}" ]; then
		assert_eq 1 "$rc" "$what: exit status"
	fi
	assert_eq "" "$out" "$what: stdout"
	assert_eq 1 "$(printf '%s\n' "$err" | grep -c .)" "$what: number of lines on stderr ($err)"
	[[ $err == "netctl: "* ]] || fail "$what: error should start with 'netctl: ', got: $err"
	echo "${err,,}" | grep -Eq -- "${word,,}" || fail "$what: error should mention '$word', got: $err"
}

start_vswitchd
NET=$(netname a)
NET2=$(netname b)
NSA=$(nsname a)
IFA=$(ifname a)
IFB=$(ifname b)
add_netns a
assert_ok "net create" netctl net create "$NET" --mode isolated
assert_ok "port add p1" netctl port add "$NET" p1 --type tap --ifname "$IFA" --netns "$NSA"

# --- errors from the daemon: exit 1, one line
expect_error "unknown network (port add)" "nosuchnet" netctl port add nosuchnet px --type tap --ifname "$IFB"
expect_error "unknown network (net info)" "nosuchnet" netctl net info nosuchnet
expect_error "unknown network (fdb)" "nosuchnet" netctl fdb nosuchnet
expect_error "unknown network (net destroy)" "nosuchnet" netctl net destroy nosuchnet
expect_error "duplicate network" "$NET" netctl net create "$NET" --mode isolated
expect_error "duplicate port" "p1" netctl port add "$NET" p1 --type tap --ifname "$IFB"
EXPECT_ANY_STATUS=1 expect_error "bad MAC" "zz:00:00:00:00:01|mac" netctl port add "$NET" v1 --type vhost-user --mac zz:00:00:00:00:01
EXPECT_ANY_STATUS=1 expect_error "multicast MAC" "01:00:5e:00:00:01|mac" netctl port add "$NET" v2 --type vhost-user --mac 01:00:5e:00:00:01
expect_error "unknown port (port del)" "nosuchport" netctl port del "$NET" nosuchport
EXPECT_ANY_STATUS=1 expect_error "unknown port type" "bogus|type" netctl port add "$NET" v3 --type bogus
EXPECT_ANY_STATUS=1 expect_error "unknown mode" "bogus|mode" netctl net create "$NET2" --mode bogus
expect_error "network busy (destroy with ports)" "$NET|port|busy" netctl net destroy "$NET"
# A duplicate interface name is refused, not a second tap on the same device.
expect_error "interface already in use" "$IFA|exist|use|busy" netctl port add "$NET" p9 --type tap --ifname "$IFA" --netns "$NSA"

# --- errors netctl may find itself (a usage error may exit 2)
EXPECT_ANY_STATUS=1 expect_error "unknown command" "frobnicate" netctl frobnicate
EXPECT_ANY_STATUS=1 expect_error "unknown subcommand" "frobnicate" netctl net frobnicate
expect_error "daemon not running" "$T_TMP/nonexistent/vswitchd.sock|running|connect" \
	timeout 30 "$NETCTL_BIN" -s "$T_TMP/nonexistent/vswitchd.sock" net list
VSWITCH_SOCKET=$T_TMP/nonexistent/vswitchd.sock expect_error "daemon not running (\$VSWITCH_SOCKET)" \
	"$T_TMP/nonexistent/vswitchd.sock|running|connect" timeout 30 "$NETCTL_BIN" net list
# $VSWITCH_SOCKET names the socket when -s is not given.
VSWITCH_SOCKET=$T_SOCK assert_ok "net list via \$VSWITCH_SOCKET" "$NETCTL_BIN" net list >/dev/null

# --- nothing changed
assert_eq "[\"$NET\"]" "$(netctl --json net list | pyjson 'sorted(n["name"] for n in d["networks"])')" "networks after failed requests"
assert_eq '["p1"]' "$(netctl --json port list "$NET" | pyjson 'sorted(p["name"] for p in d["ports"])')" "ports after failed requests"
assert_eq 1 "$(link_count "$IFA" "$NSA")" "copies of $IFA after refused duplicates"
assert_eq 0 "$(link_count "$IFB")" "$IFB created by a refused request"

# --- hostile control input: the daemon answers or drops the connection, never dies
say "raw protocol abuse"
python3 - "$T_SOCK" <<'EOF' || fail "raw protocol checks failed (see above)"
import json, socket, sys
path = sys.argv[1]

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s, s.makefile("rb")

def call(s, f, raw):
    s.sendall(raw)
    line = f.readline()
    if not line:
        raise SystemExit("FAIL: connection closed after %r" % raw[:60])
    return json.loads(line)

s, f = conn()
r = call(s, f, b"this is not json\n")
print("garbage ->", r)
assert "error" in r, r
r = call(s, f, b'{"id":7,"method":"no.such.method","params":{}}\n')
print("unknown method ->", r)
assert r.get("id") == 7 and r["error"]["code"] < 0 and r["error"]["message"], r
r = call(s, f, b'{"id":8,"method":"net.create","params":"not an object"}\n')
print("params not an object ->", r)
assert "error" in r, r
r = call(s, f, b'{"id":9,"method":"net.create","params":{"name":5,"mode":["x"]}}\n')
print("wrong types ->", r)
assert "error" in r, r
r = call(s, f, b'{"id":10,"method":"net.create","params":{"name":"../../etc/x","mode":"isolated"}}\n')
print("path-like name ->", r)
assert "error" in r, r
r = call(s, f, b'[1,2,3]\n')
print("array ->", r)
assert "error" in r, r
# The connection still works after all of that.
r = call(s, f, b'{"id":11,"method":"net.list","params":{}}\n')
assert r.get("id") == 11 and "networks" in r["result"], r
s.close()

# A line longer than the limit (1 MiB) is a protocol error: connection closed.
s, f = conn()
try:
    s.sendall(b"{" + b" " * (2 << 20))
    s.settimeout(10)
    data = s.recv(4096)
    print("oversize line -> %r" % data[:100])
except (BrokenPipeError, ConnectionResetError):
    print("oversize line -> connection closed")
except socket.timeout:
    raise SystemExit("FAIL: oversize line: no reply and connection still open after 10 s")
s.close()

# A client that connects and says nothing, or half a line, does not block others.
idle, _ = conn()
half, _ = conn()
half.sendall(b'{"id":1,"meth')
s, f = conn()
r = call(s, f, b'{"id":12,"method":"net.list","params":{}}\n')
assert r.get("id") == 12, r
for x in (idle, half, s):
    x.close()
print("raw protocol checks passed")
EOF
vswitchd_alive || fail "vswitchd died from hostile control input"
assert_ok "net list after abuse" netctl net list >/dev/null

# --- permissions (SO_PEERCRED)
say "permissions"
perms=$(stat -c '%a %U %G' "$T_SOCK")
assert_eq "660 root root" "$perms" "control socket mode and owner"
# Let other users reach the socket file; netctl must be reachable for them too.
chmod 0711 "$T_TMP" "$T_RUN"
mkdir -p "$T_TMP/bin"
chmod 0755 "$T_TMP/bin"
install -m 0755 "$NETCTL_BIN" "$T_TMP/bin/netctl"
as_nobody() { timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups -- "$T_TMP/bin/netctl" -s "$T_SOCK" "$@"; }
as_root_group() { timeout 30 setpriv --reuid=65534 --regid=0 --clear-groups -- "$T_TMP/bin/netctl" -s "$T_SOCK" "$@"; }

# 0660 root:root: nobody cannot even connect.
expect_error "socket permission (connect as nobody)" "permission|denied" as_nobody net list

# World-connectable socket: reading is allowed, mutating is refused by the daemon.
chmod 0666 "$T_SOCK"
as_nobody net list >/dev/null || fail "net list as nobody with a 0666 socket failed: $(as_nobody net list 2>&1)"
as_nobody --json port list "$NET" >/dev/null || fail "port list as nobody failed: $(as_nobody --json port list "$NET" 2>&1)"
expect_error "net create as nobody" "permission|not permitted|denied|root" as_nobody net create "$NET2" --mode isolated
expect_error "port add as nobody" "permission|not permitted|denied|root" as_nobody port add "$NET" v5 --type vhost-user
expect_error "port del as nobody" "permission|not permitted|denied|root" as_nobody port del "$NET" p1
expect_error "net destroy as nobody" "permission|not permitted|denied|root" as_nobody net destroy "$NET"
assert_eq "[\"$NET\"]" "$(netctl --json net list | pyjson 'sorted(n["name"] for n in d["networks"])')" "networks after refused mutations"
assert_eq '["p1"]' "$(netctl --json port list "$NET" | pyjson 'sorted(p["name"] for p in d["ports"])')" "ports after refused mutations"

# The socket's group may mutate: uid nobody with primary group root (gid 0).
chmod 0660 "$T_SOCK"
assert_ok "net create by a member of the socket's group" as_root_group net create "$NET2" --mode isolated >/dev/null
assert_ok "net destroy by a member of the socket's group" as_root_group net destroy "$NET2" >/dev/null

vswitchd_alive || fail "vswitchd died"
# A clean stop after all of that (under ASan this is also where leaks are found).
stop_vswitchd
say "ok"
