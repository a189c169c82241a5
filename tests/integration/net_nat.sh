#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# net_nat.sh - a nat network end to end. Two guest endpoints (tap ports in
# their own namespaces) and an "outside" namespace behind a veth pair the
# host routes to. Guests reach the outside, which sees the host's address,
# and cannot be reached unsolicited. Port forwards reach a real listener in
# a guest from the outside (client address kept), from the host's localhost
# and own address, and hairpin from the other guest; by IP, by port name,
# as a range and over UDP; conflicts are refused; adding and removing
# forwards does not disturb running traffic; removal stops them. kill -9
# and a restart change nothing the guests see: their taps keep MACs,
# addresses and routes, the gateway keeps its address, the table holds every
# rule once, and forwards and NAT work without reconfiguring anything. A
# clean stop keeps it all too (an upgrade); net destroy removes the gateway.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_netmodes.sh"

need_root
need_cmd nft nftables
need_cmd curl
need_cmd ping iputils-ping
need_cmd python3
need_build

NET=$(netname n)
GW=$T_SUBNET.1
GA=$T_SUBNET.10
GB=$T_SUBNET.11
NSA=$(nsname a)
NSB=$(nsname b)
GWIF=vsw-$NET

setup_outside
start_vswitchd_fw
say "network $NET ($T_SUBNET.0/24), outside $T_OUT.0/24, table inet $T_TABLE"
out=$(assert_ok "net create" netctl net create "$NET" --mode nat --subnet "$T_SUBNET.0/24")
echo "$out"
add_guest "$NET" pa a "$GA" "$GW"
add_guest "$NET" pb b "$GB" "$GW"

# The gateway is an internal port with the gateway address on the host.
ports=$(netctl --json port list "$NET")
assert_eq gateway "$(pyjson '[p["type"] for p in d["ports"] if p["name"] == "gateway"][0]' <<<"$ports")" "gateway port type"
assert_contains "$(ip -o addr show dev "$GWIF")" "inet $GW/24" "gateway address on $GWIF"
assert_eq 1 "$(cat /proc/sys/net/ipv4/ip_forward)" "ip_forward after a nat network started"
assert_fails "port del gateway" netctl port del "$NET" gateway

start_listener "$OUT_NS" tcp:80
start_listener "$NSA" tcp:80 tcp:81 udp:5353

say "NAT: guests reach the outside with the host's address"
ns_ping "$NSA" "$T_OUT.2" || fail "ping from guest a to the outside failed"
expect_peer "outside sees guest a as" "$T_OUT.1" "$NSA" "http://$T_OUT.2/"
expect_peer "outside sees guest b as" "$T_OUT.1" "$NSB" "http://$T_OUT.2/"

say "the outside cannot open connections to guests"
ip -n "$OUT_NS" route add "$T_SUBNET.0/24" via "$T_OUT.1"
expect_no_connection "outside -> guest a unsolicited" "$OUT_NS" "http://$GA/"
ns_ping_fails "$OUT_NS" "$GA" || fail "outside pinged guest a unsolicited"

say "forwards"
# A long ping runs while forwards come and go: nothing may be lost.
ip netns exec "$NSB" ping -q -i 0.05 -c 80 -W 1 "$T_OUT.2" >"$T_TMP/live-ping.txt" 2>&1 &
LIVE_PING=$!
track_pid "$LIVE_PING"

assert_ok "forward add by IP" netctl forward add "$NET" tcp 8080 "$GA:80"
expect_peer "outside -> forward keeps the client address" "$T_OUT.2" "$OUT_NS" "http://$T_OUT.1:8080/"
expect_peer "host localhost -> forward" "$GW" - "http://127.0.0.1:8080/"
expect_peer "host localhost by name -> forward" "$GW" - "http://localhost:8080/"
expect_peer "host's own address -> forward" "$T_OUT.1" - "http://$T_OUT.1:8080/"
expect_peer "hairpin: guest b -> host address -> guest a" "$GW" "$NSB" "http://$T_OUT.1:8080/"
expect_peer "hairpin: guest b -> gateway address -> guest a" "$GW" "$NSB" "http://$GW:8080/"

# By port name: the gateway learned guest a's address from the traffic above.
added=$(assert_ok "forward add by port name" netctl forward add "$NET" tcp 8081 pa:80)
assert_contains "$added" "($GA)" "port name pa resolved"
expect_peer "outside -> forward by port name" "$T_OUT.2" "$OUT_NS" "http://$T_OUT.1:8081/"

# A range maps one to one: 9000 -> 80, 9001 -> 81.
assert_ok "forward add range" netctl forward add "$NET" tcp 9000-9001 "$GA:80"
got=$(http_from "$OUT_NS" "http://$T_OUT.1:9001/")
assert_eq "peer=$T_OUT.2 port=81" "$got" "range: 9001 reaches port 81"

assert_ok "forward add udp" netctl forward add "$NET" udp 5353 "$GA"
assert_eq "peer=$T_OUT.2 port=5353" "$(udp_from "$OUT_NS" "$T_OUT.1" 5353)" "udp forward from outside"

# Bound to one host address: only that address forwards.
assert_ok "forward add bound" netctl forward add "$NET" tcp "$T_OUT.1:8082" "$GA:80"
expect_peer "forward bound to $T_OUT.1" "$T_OUT.2" "$OUT_NS" "http://$T_OUT.1:8082/"
expect_no_connection "bound forward on another address" "$NSB" "http://$GW:8082/"

say "conflicts are refused"
msg=$(netctl forward add "$NET" tcp 8080 "$GB:80" 2>&1) && fail "the same host port twice was accepted"
assert_contains "$msg" "already forwarded" "same port twice"
msg=$(netctl forward add "$NET" tcp 8999-9000 "$GB:80" 2>&1) && fail "an overlapping range was accepted"
msg=$(netctl forward add "$NET" tcp "$T_OUT.1:8080" "$GB:80" 2>&1) && fail "an address-bound forward over a wildcard one was accepted"
msg=$(netctl forward add "$NET" tcp 8090 "$T_OUT.2:80" 2>&1) && fail "a target outside the subnet was accepted"
assert_contains "$msg" "outside network" "target outside the subnet"
msg=$(netctl forward add "$NET" tcp 8090 nosuchguest 2>&1) && fail "an unknown target name was accepted"
assert_contains "$msg" "unknown target" "unknown target name"
# A port a host process listens on: accepted, with a warning.
HOSTPORT=$((20000 + 0x${T_ID:4:2} * 16))
start_listener - "tcp:$HOSTPORT"
HOST_LISTENER=$LISTENER_PID
wait_until 5 sh -c "ss -ltn | grep -q ':$HOSTPORT '" || fail "host listener on $HOSTPORT did not start"
msg=$(netctl forward add "$NET" tcp "$HOSTPORT" "$GB:80" 2>&1) || fail "forward of a busy host port failed: $msg"
assert_contains "$msg" "warning: a host process listens on tcp port $HOSTPORT" "busy host port warning"
assert_ok "forward del busy" netctl forward del "$NET" tcp "$HOSTPORT" >/dev/null
kill_pid "$HOST_LISTENER"

listing=$(assert_ok "forward list" netctl forward list "$NET")
echo "$listing"
assert_eq 5 "$(netctl --json forward list "$NET" | pyjson 'len(d["forwards"])')" "forwards listed"

say "the ruleset reads well and holds each forward once"
table=$(nft_table)
echo "$table" | head -40
for chain in prerouting output postrouting forward; do
	assert_contains "$table" "chain $chain {" "named chain $chain"
done
assert_contains "$table" "comment \"nat network $NET: guests leave with the address of the outgoing interface\"" "masquerade comment"
assert_contains "$table" "$NET: tcp 8080 -> $GA:80" "forward element comment"

say "removing a forward stops it"
assert_ok "forward del" netctl forward del "$NET" tcp 8080
expect_no_connection "outside -> removed forward" "$OUT_NS" "http://$T_OUT.1:8080/"
expect_peer "other forwards still work" "$T_OUT.2" "$OUT_NS" "http://$T_OUT.1:8081/"
assert_fails "del of a missing forward" netctl forward del "$NET" tcp 8080

wait "$LIVE_PING" || true
cat "$T_TMP/live-ping.txt"
assert_contains "$(cat "$T_TMP/live-ping.txt")" " 0% packet loss" "guest traffic while forwards changed"

say "kill -9 and restart: the guests' interfaces, addresses and routes stay"
mac_a=$(ip -n "$NSA" -o link show "$(ifname a)" | grep -o 'link/ether [0-9a-f:]*')
kill9_vswitchd
assert_ne "" "$(nft_table)" "table after kill -9"
assert_contains "$(ip -o addr show dev "$GWIF")" "inet $GW/24" "gateway address after kill -9"
assert_contains "$(ip -n "$NSA" -o addr show dev "$(ifname a)")" "inet $GA/24" "guest a's address after kill -9"
start_vswitchd_fw
assert_eq "$mac_a" "$(ip -n "$NSA" -o link show "$(ifname a)" | grep -o 'link/ether [0-9a-f:]*')" "guest a's MAC after restart"
assert_contains "$(ip -n "$NSA" route show default)" "via $GW" "guest a's default route after restart"
assert_contains "$(ip -n "$NSB" -o addr show dev "$(ifname b)")" "inet $GB/24" "guest b's address after restart"
expect_peer "NAT after restart" "$T_OUT.1" "$NSA" "http://$T_OUT.2/"
expect_peer "forward after restart" "$T_OUT.2" "$OUT_NS" "http://$T_OUT.1:8081/"
table=$(nft_table)
assert_eq 1 "$(nft list tables | grep -c "inet $T_TABLE\$")" "tables named $T_TABLE"
assert_eq 3 "$(grep -c ' masquerade comment' <<<"$table")" "masquerade rules after restart"
assert_eq 2 "$(grep -c 'dnat ip to' <<<"$(nft list chain inet "$T_TABLE" prerouting)")" "DNAT rules in prerouting"
assert_eq 1 "$(grep -o "tcp . 8081 " <<<"$table" | wc -l)" "elements for port 8081"
assert_eq 4 "$(netctl --json forward list "$NET" | pyjson 'len(d["forwards"])')" "forwards after restart"

say "a clean stop and a start (an upgrade) change nothing either"
stop_vswitchd
assert_ne "" "$(nft_table)" "table after clean stop"
assert_contains "$(ip -o addr show dev "$GWIF")" "inet $GW/24" "gateway address after clean stop"
assert_contains "$(ip -n "$NSA" -o addr show dev "$(ifname a)")" "inet $GA/24" "guest a's address after clean stop"
start_vswitchd_fw
expect_peer "NAT after stop and start" "$T_OUT.1" "$NSB" "http://$T_OUT.2/"
expect_peer "forward after stop and start" "$T_OUT.2" "$OUT_NS" "http://$T_OUT.1:8081/"
assert_eq 3 "$(grep -c ' masquerade comment' <<<"$(nft_table)")" "masquerade rules after stop and start"

say "net destroy removes the gateway, the guests' taps and the rules"
assert_ok "net destroy" netctl net destroy "$NET" --force >/dev/null
link_gone - "$GWIF" || fail "$GWIF still there after net destroy"
link_gone "$NSA" "$(ifname a)" || fail "guest a's tap still there after net destroy"
assert_eq "" "$(nft_table)" "table once no network needs it"
finish_checks
say "ok"
