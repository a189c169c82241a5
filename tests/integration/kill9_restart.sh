#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kill9_restart.sh - a restart changes nothing a user can see. vswitchd
# killed with SIGKILL leaves its tap endpoints as they were (persistent, in
# the host and in namespaces, with their MACs and addresses); started again
# on the same state directory it brings back the networks and ports, attaches
# to each tap (which exists exactly once), and ping works again with nothing
# reconfigured. A deleted port's tap is gone for good; a tap whose definition
# vanished while the daemon was down is removed at start; a clean stop keeps
# the taps too; net destroy removes them.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ping iputils-ping
need_cmd python3
need_build

NET=$(netname a)
NET2=$(netname b)
NSA=$(nsname a)
NSB=$(nsname b)
IFA=$(ifname a)
IFB=$(ifname b)
IFH=$(ifname h)		# a tap left in the host namespace
add_netns a
add_netns b

# all_our_links - every link carrying this run's token, host and our namespaces.
all_our_links() {
	{
		ip -o link show
		ip -n "$NSA" -o link show
		ip -n "$NSB" -o link show
	} 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -F "vt$T_ID" | sort || true
}

# check_taps_once - each tap exists exactly once, where it belongs.
check_taps_once() {
	assert_eq 1 "$(link_count "$IFA" "$NSA")" "copies of $IFA in $NSA"
	assert_eq 1 "$(link_count "$IFB" "$NSB")" "copies of $IFB in $NSB"
	assert_eq 1 "$(link_count "$IFH")" "copies of $IFH in the host"
	assert_eq 0 "$(link_count "$IFA")" "copies of $IFA in the host"
	assert_eq 0 "$(link_count "$IFB")" "copies of $IFB in the host"
	assert_eq 0 "$(link_count "$IFB" "$NSA")" "copies of $IFB in $NSA"
	assert_eq 0 "$(link_count "$IFA" "$NSB")" "copies of $IFA in $NSB"
}

# check_ping - the endpoints, addressed once at the start, reach each other.
check_ping() {
	ns_ping "$NSA" "$T_SUBNET.2" || fail "ping $NSA -> $T_SUBNET.2 failed ($1)"
	ns_ping "$NSB" "$T_SUBNET.1" || fail "ping $NSB -> $T_SUBNET.1 failed ($1)"
}

# mac_of NS IF - the link's MAC.
mac_of() { ip ${1:+-n "$1"} -o link show "$2" | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2; }

start_vswitchd
assert_ok "net create $NET" netctl net create "$NET" --mode isolated --autostart
# A second definition without --autostart: the definition must persist too.
assert_ok "net create $NET2" netctl net create "$NET2" --mode isolated
assert_ok "port add p1" netctl port add "$NET" p1 --type tap --ifname "$IFA" --netns "$NSA"
assert_ok "port add p2" netctl port add "$NET" p2 --type tap --ifname "$IFB" --netns "$NSB"
assert_ok "port add ph" netctl port add "$NET" ph --type tap --ifname "$IFH"
wait_link_in_ns "$NSA" "$IFA"
wait_link_in_ns "$NSB" "$IFB"
check_taps_once
setup_endpoint "$NSA" "$IFA" "$T_SUBNET.1/24"
setup_endpoint "$NSB" "$IFB" "$T_SUBNET.2/24"
check_ping "before kill -9"
ports_before=$(netctl --json port list "$NET" | pyjson 'sorted((p["name"], p["type"], p.get("ifname"), p.get("netns"), p.get("mac")) for p in d["ports"])')
mac_a=$(mac_of "$NSA" "$IFA")
links_before=$(all_our_links)

# --- kill -9: every tap stays, with its MAC and address.
kill9_vswitchd
assert_eq "$links_before" "$(all_our_links)" "interfaces after kill -9"
assert_eq "$mac_a" "$(mac_of "$NSA" "$IFA")" "$IFA's MAC after kill -9"
assert_contains "$(ip -n "$NSA" -o addr show dev "$IFA")" "$T_SUBNET.1/24" "$IFA's address after kill -9"
# With the daemon gone, netctl says so (one line) instead of hanging.
out=$(timeout 10 "$NETCTL_BIN" -s "$T_SOCK" net list 2>&1) && fail "netctl net list succeeded with vswitchd dead: $out"
assert_eq 1 "$(printf '%s\n' "$out" | grep -c .)" "lines of netctl's error with vswitchd dead ($out)"

# --- restart on the same state directory: everything comes back.
start_vswitchd
nets=$(netctl --json net list)
assert_contains "$(pyjson 'sorted(n["name"] for n in d["networks"])' <<<"$nets")" "\"$NET\"" "networks after restart"
assert_contains "$(pyjson 'sorted(n["name"] for n in d["networks"])' <<<"$nets")" "\"$NET2\"" "networks after restart (definition without --autostart)"
assert_eq active "$(pyjson '[n["state"] for n in d["networks"] if n["name"] == "'"$NET"'"][0]' <<<"$nets")" "state of autostart network $NET after restart"
assert_eq "$ports_before" "$(netctl --json port list "$NET" | pyjson 'sorted((p["name"], p["type"], p.get("ifname"), p.get("netns"), p.get("mac")) for p in d["ports"])')" "ports after restart"
wait_link_in_ns "$NSA" "$IFA" 10
wait_link_in_ns "$NSB" "$IFB" 10
wait_until 10 ip link show "$IFH" || fail "$IFH not back in the host 10 s after restart"
wait_ports_up 10 "$NET" p1 p2 ph
check_taps_once
assert_eq "$mac_a" "$(mac_of "$NSA" "$IFA")" "$IFA's MAC after restart"
check_ping "after restart"

# --- a second kill -9 right after changes: the change is persisted too,
# and the deleted port's tap is gone for good.
assert_ok "port del ph" netctl port del "$NET" ph
assert_eq 0 "$(link_count "$IFH")" "deleted port's $IFH"
kill9_vswitchd
start_vswitchd
assert_eq '["p1", "p2"]' "$(netctl --json port list "$NET" | pyjson 'sorted(p["name"] for p in d["ports"])')" "ports after port del and restart"
wait_link_in_ns "$NSA" "$IFA" 10
wait_link_in_ns "$NSB" "$IFB" 10
assert_eq 0 "$(link_count "$IFH")" "deleted port's $IFH after restart"
check_ping "after second restart"

# --- a definition gone while the daemon was down: its tap is removed at start,
# and a tap that is not ours (no mark) is never touched.
say "stale taps"
IFS_=$(ifname s)
IFX=$(ifname x)
assert_ok "port add ps" netctl port add "$NET" ps --type tap --ifname "$IFS_"
ip tuntap add dev "$IFX" mode tap
stop_vswitchd
python3 - "$T_STATE/networks/$NET.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["ports"] = [p for p in doc["ports"] if p["name"] != "ps"]
json.dump(doc, open(sys.argv[1], "w"))
PY
start_vswitchd
wait_until 5 eval '[ "$(link_count "$IFS_")" = 0 ]' || fail "stale tap $IFS_ still there after restart"
assert_eq 1 "$(link_count "$IFX")" "a tap vswitchd does not own"
ip link delete "$IFX"
check_ping "after the stale tap went"

# --- a clean stop keeps the taps as well; net destroy removes them.
links_before=$(all_our_links)
stop_vswitchd
assert_eq "$links_before" "$(all_our_links)" "interfaces after a clean stop"
start_vswitchd
wait_ports_up 10 "$NET" p1 p2
check_ping "after stop and start"
assert_ok "net destroy" netctl net destroy "$NET" --force
wait_until 5 eval '[ -z "$(all_our_links)" ]' ||
	fail "interfaces left after net destroy: $(all_our_links | tr '\n' ' ')"
finish_checks
say "ok"
