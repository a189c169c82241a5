#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kill9_restart.sh - vswitchd killed with SIGKILL leaves no interface behind
# (taps vanish with their fd, in the host and in namespaces); started again on
# the same state directory it brings back the networks and ports from there,
# each tap exists exactly once, and ping works again.
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

# check_ping - endpoints addressed afresh (a new tap has no address) reach each other.
check_ping() {
	setup_endpoint "$NSA" "$IFA" "$T_SUBNET.1/24"
	setup_endpoint "$NSB" "$IFB" "$T_SUBNET.2/24"
	ns_ping "$NSA" "$T_SUBNET.2" || fail "ping $NSA -> $T_SUBNET.2 failed ($1)"
	ns_ping "$NSB" "$T_SUBNET.1" || fail "ping $NSB -> $T_SUBNET.1 failed ($1)"
}

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
check_ping "before kill -9"
ports_before=$(netctl --json port list "$NET" | pyjson 'sorted((p["name"], p["type"], p.get("ifname"), p.get("netns")) for p in d["ports"])')

# --- kill -9: no interface survives the daemon.
kill9_vswitchd
wait_until 5 eval '[ -z "$(all_our_links)" ]' ||
	fail "interfaces left 5 s after kill -9 of vswitchd: $(all_our_links | tr '\n' ' ')"
# With the daemon gone, netctl says so (one line) instead of hanging.
out=$(timeout 10 "$NETCTL_BIN" -s "$T_SOCK" net list 2>&1) && fail "netctl net list succeeded with vswitchd dead: $out"
assert_eq 1 "$(printf '%s\n' "$out" | grep -c .)" "lines of netctl's error with vswitchd dead ($out)"

# --- restart on the same state directory: everything comes back.
start_vswitchd
nets=$(netctl --json net list)
assert_contains "$(pyjson 'sorted(n["name"] for n in d["networks"])' <<<"$nets")" "\"$NET\"" "networks after restart"
assert_contains "$(pyjson 'sorted(n["name"] for n in d["networks"])' <<<"$nets")" "\"$NET2\"" "networks after restart (definition without --autostart)"
assert_eq active "$(pyjson '[n["state"] for n in d["networks"] if n["name"] == "'"$NET"'"][0]' <<<"$nets")" "state of autostart network $NET after restart"
assert_eq "$ports_before" "$(netctl --json port list "$NET" | pyjson 'sorted((p["name"], p["type"], p.get("ifname"), p.get("netns")) for p in d["ports"])')" "ports after restart"
wait_link_in_ns "$NSA" "$IFA" 10
wait_link_in_ns "$NSB" "$IFB" 10
wait_until 10 ip link show "$IFH" || fail "$IFH not back in the host 10 s after restart"
wait_ports_up 10 "$NET" p1 p2 ph
check_taps_once
check_ping "after restart"

# --- a second kill -9 right after changes: the change is persisted too.
assert_ok "port del ph" netctl port del "$NET" ph
kill9_vswitchd
wait_until 5 eval '[ -z "$(all_our_links)" ]' ||
	fail "interfaces left 5 s after the second kill -9: $(all_our_links | tr '\n' ' ')"
start_vswitchd
assert_eq '["p1", "p2"]' "$(netctl --json port list "$NET" | pyjson 'sorted(p["name"] for p in d["ports"])')" "ports after port del and restart"
wait_link_in_ns "$NSA" "$IFA" 10
wait_link_in_ns "$NSB" "$IFB" 10
assert_eq 0 "$(link_count "$IFH")" "deleted port's $IFH after restart"
check_ping "after second restart"

# --- a clean stop removes every interface as well.
stop_vswitchd
wait_until 5 eval '[ -z "$(all_our_links)" ]' ||
	fail "interfaces left 5 s after SIGTERM: $(all_our_links | tr '\n' ' ')"
say "ok"
