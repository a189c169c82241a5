#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab_routers.sh - `netctl lab` end to end with the three-router line of
# examples/router-line.yaml (r1 -- r2 -- r3, static addresses and routes from
# the guests' kernel command lines): `lab up` boots the three in parallel and
# reports them ready; r1 pings r3 through r2 (TTL one lower); a capture on the
# r1--r2 link by its lab name sees the ICMP; a second `up` changes nothing;
# `lab down` leaves no networks, ports, interfaces, nftables rules or QEMU.
. "$(dirname "$0")/_lab.sh"

need_guests
start_vswitchd
router_line_yaml "$T_TMP/line.yaml"

say "lab up (three routers in parallel)"
t0=$(date +%s%N)
out=$(assert_ok "lab up" lab up "$T_TMP/line.yaml")
echo "$out"
say "lab up took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
for n in r1 r2 r3; do
	grep -qE "^$n +ready " <<<"$out" || fail "node $n not reported ready"
done
assert_contains "$out" "eth0=10.0.12.1/24" "r1's address in the report"
assert_contains "$out" "eth1=10.0.23.2/24" "r2's second address in the report"

say "r1 reaches r3 through r2"
got=$(guest_sh "$LAB-r1" 30 "ping -c 3 -i 0.3 -W 2 10.0.23.3") || fail "r1 could not ping r3: $got"
assert_contains "$got" "ttl=63" "one router on the way (TTL 64 - 1)"
guest_sh "$LAB-r3" 30 "ping -c 2 -i 0.3 -W 2 10.0.12.1" >/dev/null || fail "r3 could not ping r1"

say "capture on the r1--r2 link by its lab name"
netctl capture "$LAB/r1-r2" -c 4 -w "$T_TMP/link.pcap" icmp >"$T_TMP/cap.out" 2>&1 &
cap=$!
track_pid "$cap"
sleep 1
guest_sh "$LAB-r1" 30 "ping -c 4 -i 0.3 -W 2 10.0.23.3" >/dev/null || fail "second ping r1 -> r3"
wait_until 15 bash -c "! kill -0 $cap 2>/dev/null" || fail "capture did not end after 4 frames"
assert_contains "$(cat "$T_TMP/cap.out")" "4 packets captured" "capture summary"
if command -v tcpdump >/dev/null; then
	lines=$(tcpdump -n -r "$T_TMP/link.pcap" 2>/dev/null)
	assert_contains "$lines" "10.0.12.1 > 10.0.23.3: ICMP echo request" "the link carries r1 -> r3"
fi

say "status and a second up change nothing"
st=$(assert_ok "lab status" lab status "$LAB" --json)
assert_eq "running running running" "$(pyjson '" ".join(n["state"] for n in d["nodes"])' <<<"$st")" "node states"
assert_eq 2 "$(pyjson 'len(d["links"])' <<<"$st")" "links"
dot=$(assert_ok "lab graph" lab graph "$LAB")
assert_contains "$dot" '"node:r1" -- "node:r2" [label="r1-r2", taillabel="eth0 10.0.12.1/24", headlabel="eth0 10.0.12.2/24"]' "the r1--r2 link in DOT"
pids=$(pgrep -f -- "$VMM_RUN/" | sort | tr '\n' ' ')
out=$(assert_ok "second lab up" lab up "$T_TMP/line.yaml")
assert_contains "$out" "already running" "second up keeps the VMs"
assert_not_contains "$out" "booting" "second up boots nothing"
assert_eq "$pids" "$(pgrep -f -- "$VMM_RUN/" | sort | tr '\n' ' ')" "same processes after the second up"

say "lab down leaves nothing"
assert_ok "lab down" lab down "$LAB" >/dev/null
assert_eq "" "$(netctl --json net list | pyjson '" ".join(n["name"] for n in d["networks"])')" "networks after down"
assert_eq "" "$(netctl --json port list | pyjson '" ".join(p["name"] for p in d["ports"])')" "ports after down"
assert_eq "" "$(pgrep -f -- "$VMM_RUN/" || true)" "QEMU or vmm processes after down"
assert_eq "" "$(ip -o link show | grep -F "vsw-$LAB" || true)" "interfaces after down"
assert_eq "" "$(nft list ruleset 2>/dev/null | grep -F "$LAB" || true)" "nftables rules naming the lab"
assert_eq "" "$(ls "$VMM_RUN" 2>/dev/null | grep -F "$LAB" || true)" "VM records after down"
[ ! -e "$VMM_RUN/.labs/$LAB.json" ] || fail "the lab's record is still there"
assert_fails "status after down" lab status "$LAB" >/dev/null

stop_vswitchd
say "passed"
