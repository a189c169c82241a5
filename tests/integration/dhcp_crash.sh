#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dhcp_crash.sh - lease durability: a load generator (tests/integration/
# dhcp_load.py, a relay speaking for thousands of made-up clients) runs DORA
# exchanges against vswitchd while vswitchd is killed with SIGKILL at random
# moments, ROUNDS times (default 12). Every ACK a client saw must be a lease
# vswitchd reads back after the last restart, and the lease file must load
# without a damaged line (a torn tail is allowed: it is what kill -9 leaves).
. "$(dirname "$0")/lib.sh"

need_root
need_cmd python3
need_build

ROUNDS=${ROUNDS:-12}
NET=$(netname k)
NS=$(nsname load)
IFN=$(ifname l)
S=10.$T_NET_X	# a /16: enough fresh addresses for every round
HERE=$(cd "$(dirname "$0")" && pwd)

start_vswitchd
# The network's limits are raised: one relay port speaks for every client.
python3 - "$T_SOCK" "$NET" "$S" <<'EOF' || fail "net create over the control socket failed"
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
p = {"name": sys.argv[2], "mode": "isolated", "subnet": sys.argv[3] + ".0.0/16",
     "dhcp_range": sys.argv[3] + ".0.10-" + sys.argv[3] + ".255.250",
     "lease_time": 86400, "dhcp_port_limit": 0, "dhcp_offer_limit": 0}
s.sendall((json.dumps({"id": 1, "method": "net.create", "params": p}) + "\n").encode())
r = json.loads(s.makefile().readline())
sys.exit("error" in r and print(r) or 0)
EOF
add_netns load
assert_ok "port add" netctl port add "$NET" load --type tap --ifname "$IFN" --netns "$NS"

setup_load_if() {
	wait_link_in_ns "$NS" "$IFN" 10
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$IFN.disable_ipv6=1" || true
	ip -n "$NS" addr replace "$S.0.2/16" dev "$IFN"
	ip -n "$NS" link set "$IFN" up
}
setup_load_if

ACKS=$T_TMP/acks
: >"$ACKS"
ip netns exec "$NS" python3 "$HERE/dhcp_load.py" --server "$S.0.1" --relay "$S.0.2" \
	--acks "$ACKS" --seconds 600 --outstanding 16 --rate 400 >"$T_TMP/load.log" 2>&1 &
LOAD_PID=$!
track_pid "$LOAD_PID"

acks_grew() { [ "$(wc -l <"$ACKS")" -gt "$1" ]; }

for ((round = 1; round <= ROUNDS; round++)); do
	# Let some ACKs through, then kill at a random moment within the next 0.5 s.
	before=$(wc -l <"$ACKS")
	wait_until 10 acks_grew "$before" || say "round $round: no new ACK within 10 s"
	sleep "0.$(printf '%03d' $((RANDOM % 500)))"
	kill9_vswitchd
	say "round $round: $(wc -l <"$ACKS") ACKs seen so far"
	start_vswitchd
	setup_load_if
done
acked_before_stop=$(wc -l <"$ACKS")
kill -TERM "$LOAD_PID" 2>/dev/null || true
kill_pid "$LOAD_PID" 3
# One last kill -9 with no load running, to read back exactly what is on disk.
kill9_vswitchd
start_vswitchd
grep -q "corrupt lease record" "$T_TMP/vswitchd.log" && fail "a lease record was damaged (not a torn tail): $(grep 'corrupt lease' "$T_TMP/vswitchd.log" | head -3)"

total=$(wc -l <"$ACKS")
say "$total ACKs seen by clients over $ROUNDS kill -9 rounds"
assert_gt "$total" 20 "ACKs seen (the load generator did not get going)"
# Read every lease back, a page at a time (one reply is one control-protocol line).
python3 - "$T_SOCK" "$NET" >"$T_TMP/leases.json" <<'EOF' || fail "reading leases back failed"
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile()
leases, offset = [], 0
while True:
    s.sendall((json.dumps({"id": 1, "method": "dhcp.leases",
                           "params": {"net": sys.argv[2], "offset": offset, "limit": 5000}}) + "\n").encode())
    r = json.loads(f.readline())["result"]
    leases += r["leases"]
    offset += len(r["leases"])
    if not r["leases"] or offset >= r["total"]:
        break
json.dump({"leases": leases}, sys.stdout)
EOF
python3 - "$ACKS" "$T_TMP/leases.json" <<'EOF' || fail "ACKed leases missing after kill -9"
import json, sys
acks = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 2:
        acks[parts[0]] = parts[1]        # one MAC per client, so the last ACK is the one
leases = {l["mac"]: l for l in json.load(open(sys.argv[2]))["leases"]}
missing = [(m, ip) for m, ip in acks.items()
           if m not in leases or leases[m]["ip"] != ip or leases[m]["state"] != "bound"]
print("%d ACKed clients, %d leases read back, %d missing" % (len(acks), len(leases), len(missing)))
for m, ip in missing[:10]:
    print("missing: %s %s -> %s" % (m, ip, leases.get(m)))
sys.exit(1 if missing else 0)
EOF
vswitchd_alive || fail "vswitchd died"
stop_vswitchd
finish_checks
say "ok"
