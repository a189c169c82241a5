#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tap_ping.sh - two tap ports of an isolated network, each moved into its own
# namespace, ping each other through vswitchd; the FDB learns both MACs, the
# port counters move, and a deleted port takes its interface and FDB entry away.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ping iputils-ping
need_cmd python3
need_build

start_vswitchd

NET=$(netname a)
NSA=$(nsname a)
NSB=$(nsname b)
IFA=$(ifname a)
IFB=$(ifname b)
add_netns a
add_netns b

say "network $NET, taps $IFA in $NSA and $IFB in $NSB"
assert_ok "net create" netctl net create "$NET" --mode isolated
assert_ok "port add p1" netctl port add "$NET" p1 --type tap --ifname "$IFA" --netns "$NSA"
assert_ok "port add p2" netctl port add "$NET" p2 --type tap --ifname "$IFB" --netns "$NSB"

# The taps live in the namespaces only, not in the host as well.
wait_link_in_ns "$NSA" "$IFA"
wait_link_in_ns "$NSB" "$IFB"
assert_eq 0 "$(link_count "$IFA")" "$IFA in the host namespace after --netns"
assert_eq 0 "$(link_count "$IFB")" "$IFB in the host namespace after --netns"

# vswitchd brings a link it moved into a namespace up by itself.
link_is_up() { ip -n "$1" -o link show "$2" | grep -q '[<,]UP[,>]'; }
wait_until 3 link_is_up "$NSA" "$IFA" || expect_eq UP DOWN "$IFA in $NSA brought up by vswitchd"
wait_until 3 link_is_up "$NSB" "$IFB" || expect_eq UP DOWN "$IFB in $NSB brought up by vswitchd"

setup_endpoint "$NSA" "$IFA" "$T_SUBNET.1/24"
setup_endpoint "$NSB" "$IFB" "$T_SUBNET.2/24"
MACA=$(ns_mac "$NSA" "$IFA")
MACB=$(ns_mac "$NSB" "$IFB")

# Port objects carry what was asked for.
ports=$(netctl --json port list "$NET")
assert_eq '["p1", "p2"]' "$(pyjson 'sorted(p["name"] for p in d["ports"])' <<<"$ports")" "port list names"
assert_eq "$IFA" "$(pyjson '[p for p in d["ports"] if p["name"] == "p1"][0].get("ifname")' <<<"$ports")" "p1 ifname"
assert_eq "$NSA" "$(pyjson '[p for p in d["ports"] if p["name"] == "p1"][0].get("netns")' <<<"$ports")" "p1 netns"
assert_eq tap "$(pyjson '[p for p in d["ports"] if p["name"] == "p2"][0]["type"]' <<<"$ports")" "p2 type"
wait_ports_up 5 "$NET" p1 p2

rx1=$(port_stat "$NET" p1 rx_packets)
tx1=$(port_stat "$NET" p1 tx_packets)
rx2=$(port_stat "$NET" p2 rx_packets)
tx2=$(port_stat "$NET" p2 tx_packets)

say "ping $NSA -> $T_SUBNET.2 and $NSB -> $T_SUBNET.1"
ns_ping "$NSA" "$T_SUBNET.2" || fail "ping from $NSA to $T_SUBNET.2 through $NET failed"
ns_ping "$NSB" "$T_SUBNET.1" || fail "ping from $NSB to $T_SUBNET.1 through $NET failed"
# An address nobody has gets no answer: ping really goes through the switch.
ns_ping_fails "$NSA" "$T_SUBNET.99" || fail "ping to unused $T_SUBNET.99 got an answer"

# FDB: both MACs, each on its own port.
fdb_text=$(assert_ok "fdb" netctl fdb "$NET")
echo "$fdb_text"
assert_contains "${fdb_text,,}" "$MACA" "netctl fdb $NET lists $IFA's MAC"
assert_contains "${fdb_text,,}" "$MACB" "netctl fdb $NET lists $IFB's MAC"
assert_eq p1 "$(fdb_port_of "$NET" "$MACA")" "FDB port of $MACA"
assert_eq p2 "$(fdb_port_of "$NET" "$MACB")" "FDB port of $MACB"

# Counters: at least the 3 echo requests and 3 replies each way, plus ARP.
assert_ge $(( $(port_stat "$NET" p1 rx_packets) - rx1 )) 6 "p1 rx_packets increase"
assert_ge $(( $(port_stat "$NET" p1 tx_packets) - tx1 )) 6 "p1 tx_packets increase"
assert_ge $(( $(port_stat "$NET" p2 rx_packets) - rx2 )) 6 "p2 rx_packets increase"
assert_ge $(( $(port_stat "$NET" p2 tx_packets) - tx2 )) 6 "p2 tx_packets increase"
assert_gt "$(port_stat "$NET" p1 rx_bytes)" 0 "p1 rx_bytes"
assert_gt "$(port_stat "$NET" p2 tx_bytes)" 0 "p2 tx_bytes"
stats=$(netctl --json stats "$NET")
assert_eq 2 "$(pyjson 'len(d["ports"])' <<<"$stats")" "ports in stats $NET"
# Nothing was dropped for a reason that means a datapath bug.
for reason in malformed too_big offload tx_error; do
	for p in p1 p2; do
		assert_eq 0 "$(port_stat "$NET" "$p" "drops.$reason")" "$p drops.$reason"
	done
done
net=$(netctl --json net info "$NET")
assert_eq 2 "$(pyjson 'len(d["ports"])' <<<"$net")" "net info ports"
assert_ge "$(netctl --json net list | pyjson '[n["fdb_entries"] for n in d["networks"] if n["name"] == "'"$NET"'"][0]')" 2 "net list fdb_entries"

# Deleting a port removes its interface and its FDB entries; the peer is gone.
say "port del p2"
assert_ok "port del p2" netctl port del "$NET" p2
wait_until 5 link_gone "$NSB" "$IFB" || fail "$IFB still in $NSB 5 s after port del"
assert_eq "" "$(fdb_port_of "$NET" "$MACB")" "FDB entry of the deleted port's MAC"
ns_ping_fails "$NSA" "$T_SUBNET.2" || fail "ping to $T_SUBNET.2 answered after its port was deleted"
vswitchd_alive || fail "vswitchd died"

# A clean stop leaves the remaining tap, with its address, for the next start.
stop_vswitchd
ip -n "$NSA" link show "$IFA" >/dev/null 2>&1 || fail "$IFA gone from $NSA after a clean stop"
finish_checks
say "ok"
