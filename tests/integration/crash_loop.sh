#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# crash_loop.sh - kill -9 at any instant loses nothing that was acknowledged
# and leaves nothing half-made. A client adds port forwards (to a nat network)
# and tap ports (to an isolated one) as fast as it can, writing down each
# request before sending it and each acknowledgement after; meanwhile
# vswitchd is killed with SIGKILL at random moments and started again. After
# every restart, with the client paused: every acknowledged forward and port
# is there; nothing is there that was never asked for; no forward, map
# element, port or tap interface exists twice; and no marked tap is left
# without a port.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd nft nftables
need_cmd python3
need_build

ROUNDS=${CRASH_ROUNDS:-6}
NAT=$(netname n)
ISO=$(netname i)
TABLE=vswt_$T_ID

start_vswitchd
assert_ok "net create $NAT" netctl net create "$NAT" --mode nat --subnet "$T_SUBNET.0/24" >/dev/null
assert_ok "net create $ISO" netctl net create "$ISO" --mode isolated >/dev/null

cat >"$T_TMP/client.py" <<'PY'
import json, os, socket, sys, time
sock, nat, iso, tid, log = sys.argv[1:6]
out = open(log, "a", buffering=1)
i = 0
def connect():
    while True:
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock)
            return s, s.makefile("rwb")
        except OSError:
            time.sleep(0.02)
s, f = connect()
while True:
    i += 1
    if i % 5 == 0:
        key, req = f"port p{i}", {"method": "port.add", "params": {"net": iso, "name": f"p{i}", "type": "tap",
                                                                    "ifname": f"vt{tid}{i:05d}"[:15]}}
    else:
        key, req = f"fwd {20000 + i}", {"method": "forward.add", "params": {"net": nat, "proto": "tcp",
                                        "host": str(20000 + i), "target": "10.0.0.5:80"}}
    req["id"] = i
    out.write(f"try {key}\n")
    try:
        f.write((json.dumps(req) + "\n").encode())
        f.flush()
        line = f.readline()
        if not line:
            raise OSError("closed")
        reply = json.loads(line)
        out.write(("ack " if "result" in reply else "err ") + key + "\n")
    except (OSError, ValueError):
        out.write(f"lost {key}\n")
        s.close()
        s, f = connect()
PY
# The forward target must be in the nat network's subnet.
sed -i "s/10.0.0.5:80/$T_SUBNET.5:80/" "$T_TMP/client.py"
python3 "$T_TMP/client.py" "$T_SOCK" "$NAT" "$ISO" "$T_ID" "$T_TMP/client.log" &
CLIENT=$!
track_pid "$CLIENT"
wait_until 10 grep -q '^ack ' "$T_TMP/client.log" || fail "the client got no acknowledgement"

# check ROUND - with the client paused, compare what it was told with what is there.
check() {
	local round=$1 acked tried fwds ports elems taps defs
	kill -STOP "$CLIENT" 2>/dev/null || true
	sleep 0.2
	fwds=$(netctl --json forward list "$NAT" | pyjson 'sorted(f["host"] for f in d["forwards"])')
	ports=$(netctl --json port list "$ISO" | pyjson 'sorted(p["name"] for p in d["ports"])')
	python3 - "$T_TMP/client.log" "$fwds" "$ports" "$round" <<'PY' || fail "round $round: state does not match what the client was told"
import json, sys
log, fwds, ports, rnd = open(sys.argv[1]).read().split("\n"), json.loads(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]
acked = {l[4:] for l in log if l.startswith("ack ")}
tried = {l[4:] for l in log if l.startswith("try ")}
have = {f"fwd {h}" for h in fwds} | {f"port {p}" for p in ports}
bad = False
if len(fwds) != len(set(fwds)) or len(ports) != len(set(ports)):
    print(f"round {rnd}: duplicates: forwards {len(fwds)} vs {len(set(fwds))}, ports {len(ports)} vs {len(set(ports))}"); bad = True
lost = acked - have
if lost:
    print(f"round {rnd}: acknowledged but gone: {sorted(lost)[:10]}"); bad = True
extra = have - tried
if extra:
    print(f"round {rnd}: there but never asked for: {sorted(extra)[:10]}"); bad = True
print(f"round {rnd}: {len(acked)} acknowledged, {len(have)} present, {len(tried)} tried")
sys.exit(1 if bad else 0)
PY
	# One map element per forward, none twice.
	elems=$(nft -j list map inet "$TABLE" forwards 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
elems = [json.dumps(e) for o in d["nftables"] if "map" in o for e in o["map"].get("elem", [])]
print(len(elems), len(set(elems)))')
	assert_eq "$(pyjson 'len(d)' <<<"$fwds") $(pyjson 'len(d)' <<<"$fwds")" "$elems" "round $round: map elements (all, distinct) vs forwards"
	# Each port's tap exists once; no marked tap without a port.
	taps=$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -F "vt$T_ID" | sort)
	assert_eq "$(sort -u <<<"$taps")" "$taps" "round $round: tap interfaces named twice"
	defs=$(netctl --json port list "$ISO" | pyjson 'sorted(p["ifname"] for p in d["ports"])')
	assert_eq "$defs" "$(python3 -c 'import json,sys; print(json.dumps(sorted(sys.argv[1].split())))' "$taps")" "round $round: taps vs ports"
	kill -CONT "$CLIENT" 2>/dev/null || true
}

for ((r = 1; r <= ROUNDS; r++)); do
	sleep "0.$((RANDOM % 6 + 2))"
	kill9_vswitchd
	start_vswitchd
	check "$r"
done
kill "$CLIENT"
wait "$CLIENT" 2>/dev/null || true
check final
say "ok: $(grep -c '^ack ' "$T_TMP/client.log") acknowledged changes, $ROUNDS kills"
