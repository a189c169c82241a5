#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# isolation.sh - two networks on one vswitchd share nothing: endpoints of
# network A reach each other, endpoints of network B reach each other, and an
# endpoint of B addressed in A's subnet reaches nobody in A. Neither A's traffic
# nor B's reaches the other network's ports (port tx counters and tcpdump).
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ping iputils-ping
need_cmd tcpdump
need_cmd python3
need_build

start_vswitchd

NETA=$(netname a)
NETB=$(netname b)
for s in a1 a2 b1 b2; do add_netns "$s"; done
NSA1=$(nsname a1) NSA2=$(nsname a2) NSB1=$(nsname b1) NSB2=$(nsname b2)
IFA1=$(ifname a1) IFA2=$(ifname a2) IFB1=$(ifname b1) IFB2=$(ifname b2)

assert_ok "net create $NETA" netctl net create "$NETA" --mode isolated
assert_ok "net create $NETB" netctl net create "$NETB" --mode isolated
assert_ok "port add a1" netctl port add "$NETA" a1 --type tap --ifname "$IFA1" --netns "$NSA1"
assert_ok "port add a2" netctl port add "$NETA" a2 --type tap --ifname "$IFA2" --netns "$NSA2"
assert_ok "port add b1" netctl port add "$NETB" b1 --type tap --ifname "$IFB1" --netns "$NSB1"
assert_ok "port add b2" netctl port add "$NETB" b2 --type tap --ifname "$IFB2" --netns "$NSB2"

# Everybody in one subnet: only the switch can keep A and B apart.
setup_endpoint "$NSA1" "$IFA1" "$T_SUBNET.1/24"
setup_endpoint "$NSA2" "$IFA2" "$T_SUBNET.2/24"
setup_endpoint "$NSB1" "$IFB1" "$T_SUBNET.3/24"
setup_endpoint "$NSB2" "$IFB2" "$T_SUBNET.4/24"
MACA1=$(ns_mac "$NSA1" "$IFA1")
MACA2=$(ns_mac "$NSA2" "$IFA2")
MACB1=$(ns_mac "$NSB1" "$IFB1")
wait_ports_up 5 "$NETA" a1 a2
wait_ports_up 5 "$NETB" b1 b2

# start_capture NS IF FILE FILTER... - tcpdump in the background, ready on return.
start_capture() {
	local ns=$1 dev=$2 file=$3 i
	shift 3
	ip netns exec "$ns" tcpdump -i "$dev" -n -U -w "$file" "$@" >"$file.out" 2>&1 &
	track_pid $!
	CAPTURE_PID=$!
	for ((i = 0; i < 50; i++)); do
		grep -q "listening on" "$file.out" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "tcpdump in $ns did not start: $(cat "$file.out")"
}

# stop_capture FILE - stop the last capture; print how many frames it saw.
stop_capture() {
	kill_pid "$CAPTURE_PID" 3
	tcpdump -n -r "$1" 2>/dev/null | wc -l
}

# 1. A's traffic stays in A: b1 and b2 transmit nothing while A pings,
#    and tcpdump on b1 sees no frame from A's MACs.
btx1=$(port_stat "$NETB" b1 tx_packets)
btx2=$(port_stat "$NETB" b2 tx_packets)
start_capture "$NSB1" "$IFB1" "$T_TMP/b1.pcap" ether src "$MACA1" or ether src "$MACA2"
say "ping within $NETA"
ns_ping "$NSA1" "$T_SUBNET.2" || fail "ping $NSA1 -> $T_SUBNET.2 within $NETA failed"
ns_ping "$NSA2" "$T_SUBNET.1" || fail "ping $NSA2 -> $T_SUBNET.1 within $NETA failed"
# Broadcasts too: an ARP probe for an address nobody has is flooded in A only.
ns_ping_fails "$NSA1" "$T_SUBNET.77" || fail "ping to unused $T_SUBNET.77 answered"
leaked=$(stop_capture "$T_TMP/b1.pcap")
assert_eq 0 "$leaked" "frames from $NETA's MACs captured on $NETB's port b1"
assert_eq "$btx1" "$(port_stat "$NETB" b1 tx_packets)" "b1 tx_packets while only $NETA had traffic"
assert_eq "$btx2" "$(port_stat "$NETB" b2 tx_packets)" "b2 tx_packets while only $NETA had traffic"

# 2. B works on its own.
say "ping within $NETB"
ns_ping "$NSB1" "$T_SUBNET.4" || fail "ping $NSB1 -> $T_SUBNET.4 within $NETB failed"

# 3. B cannot reach A, and A's ports never transmit B's frames. A's endpoints
#    get permanent neighbour entries first: otherwise their ARP reachability
#    probes (unicast, seconds after the pings) move A's counters legitimately.
ip -n "$NSA1" neigh replace "$T_SUBNET.2" lladdr "$MACA2" nud permanent dev "$IFA1"
ip -n "$NSA2" neigh replace "$T_SUBNET.1" lladdr "$MACA1" nud permanent dev "$IFA2"
sleep 0.5
atx1=$(port_stat "$NETA" a1 tx_packets)
atx2=$(port_stat "$NETA" a2 tx_packets)
start_capture "$NSA1" "$IFA1" "$T_TMP/a1.pcap" ether src "$MACB1"
say "ping from $NETB into $NETA's addresses (must fail)"
ns_ping_fails "$NSB1" "$T_SUBNET.1" || fail "$NSB1 (network $NETB) reached $T_SUBNET.1 in $NETA"
ns_ping_fails "$NSB1" "$T_SUBNET.2" || fail "$NSB1 (network $NETB) reached $T_SUBNET.2 in $NETA"
leaked=$(stop_capture "$T_TMP/a1.pcap")
assert_eq 0 "$leaked" "frames from $NETB's b1 captured on $NETA's port a1"
assert_eq "$atx1" "$(port_stat "$NETA" a1 tx_packets)" "a1 tx_packets while $NETB pinged A's addresses"
assert_eq "$atx2" "$(port_stat "$NETA" a2 tx_packets)" "a2 tx_packets while $NETB pinged A's addresses"

# 4. Each FDB holds its own network's MACs only.
assert_eq "" "$(fdb_port_of "$NETA" "$MACB1")" "$NETB's MAC in $NETA's FDB"
assert_eq "" "$(fdb_port_of "$NETB" "$MACA1")" "$NETA's MAC in $NETB's FDB"
assert_eq a1 "$(fdb_port_of "$NETA" "$MACA1")" "$NETA's FDB entry for a1"
assert_eq b1 "$(fdb_port_of "$NETB" "$MACB1")" "$NETB's FDB entry for b1"

# 5. The counters used above do count: b1 transmitted the replies from b2.
assert_gt "$(port_stat "$NETB" b1 tx_packets)" "$btx1" "b1 tx_packets after pings within $NETB"

# 6. Stats of one network list only its own ports.
assert_eq '["a1", "a2"]' "$(netctl --json stats "$NETA" | pyjson 'sorted(p["name"] for p in d["ports"])')" "ports in stats $NETA"
vswitchd_alive || fail "vswitchd died"
say "ok"
