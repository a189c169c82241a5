#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# net_modes.sh - routed and isolated networks, validation, start/stop and
# persistence. routed: the outside reaches guests and both see each other's
# real addresses. isolated: guests reach each other only. Subnets that
# overlap another network or a host route are refused, as are bad names and
# CIDRs; another table's drop policy at the forward hook is reported; net
# stop/start toggles a network, a stopped network stays stopped across a
# restart while an autostart one comes back; a corrupt definition file is
# named in the log and does not keep the others from starting.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_netmodes.sh"

need_root
need_cmd nft nftables
need_cmd curl
need_cmd ping iputils-ping
need_cmd python3
need_build

RT=$(netname r)
ISO=$(netname i)
GW=$T_SUBNET.1
# The isolated network's guests use the upper half of the /24.
ISO_SUBNET=$T_SUBNET.128/25

setup_outside
start_vswitchd_fw

say "routed network $RT ($T_SUBNET.0/25)"
assert_ok "net create routed" netctl net create "$RT" --mode routed --subnet "$T_SUBNET.0/25" >/dev/null
add_guest "$RT" ra ra "$T_SUBNET.10" "$GW"
ip -n "$OUT_NS" route add "$T_SUBNET.0/25" via "$T_OUT.1"
start_listener "$OUT_NS" tcp:80
start_listener "$(nsname ra)" tcp:80
expect_peer "routed: outside sees the guest's own address" "$T_SUBNET.10" "$(nsname ra)" "http://$T_OUT.2/"
expect_peer "routed: the guest sees the outside's address" "$T_OUT.2" "$OUT_NS" "http://$T_SUBNET.10/"
table=$(nft_table)
assert_not_contains "$table" "nat network $RT" "no masquerade for a routed network"
assert_contains "$table" "routed network $RT" "routed rules"

say "isolated network $ISO ($ISO_SUBNET)"
assert_ok "net create isolated" netctl net create "$ISO" --mode isolated --subnet "$ISO_SUBNET" >/dev/null
add_guest "$ISO" ia ia "$T_SUBNET.130" "$T_SUBNET.129"
add_guest "$ISO" ib ib "$T_SUBNET.131" "$T_SUBNET.129"
ns_ping "$(nsname ia)" "$T_SUBNET.131" || fail "isolated guests cannot reach each other"
ns_ping_fails "$(nsname ia)" "$T_OUT.2" || fail "isolated guest reached the outside"
ns_ping_fails "$(nsname ia)" "$T_SUBNET.10" || fail "isolated guest reached the routed network"
ns_ping_fails "$(nsname ia)" "$T_OUT.1" || fail "isolated guest reached the host"
assert_eq "" "$(ip -o link show | grep -F "vsw-$ISO:" || true)" "no gateway tap for an isolated network"
msg=$(netctl forward add "$ISO" tcp 8080 "$T_SUBNET.130:80" 2>&1) && fail "forward on an isolated network accepted"
assert_contains "$msg" "need a nat or routed network" "forward on isolated"

say "validation"
msg=$(netctl net create "$(netname x)" --mode nat --subnet "$T_SUBNET.64/26" 2>&1) && fail "overlapping subnet accepted"
assert_contains "$msg" "overlaps network '$RT'" "overlap with another network"
msg=$(netctl net create "$(netname x)" --mode nat --subnet "$T_OUT.0/24" 2>&1) && fail "subnet over a host route accepted"
assert_contains "$msg" "overlaps the host route $T_OUT.0/24 dev $OUT_IF" "overlap with a host route"
msg=$(netctl net create "$(netname x)" --mode nat --subnet 10.1.2.3/24 2>&1) && fail "CIDR with host bits accepted"
assert_contains "$msg" "host bits" "CIDR with host bits"
msg=$(netctl net create "$(netname x)" --mode nat 2>&1) && fail "nat without subnet accepted"
assert_contains "$msg" "needs a subnet" "nat without subnet"
assert_fails "bad network name" netctl net create "bad/name" --mode nat --subnet 10.200.0.0/24
assert_fails "bad CIDR" netctl net create "$(netname x)" --mode nat --subnet 10.200.0.0/33
assert_eq "" "$(ip -o link show | grep -F "vsw-$(netname x):" || true)" "no gateway left by refused creates"

say "a drop policy in another table is reported"
CONFLICT=vswt_${T_ID}_docker
on_cleanup "nft delete table ip $CONFLICT"
# Drops nothing but this run's own test traffic, so other users of the host are unaffected.
nft -f - <<EOF
table ip $CONFLICT {
	chain FORWARD {
		type filter hook forward priority 10; policy drop;
		iifname != "vsw-$RT" oifname != "vsw-$RT" accept
	}
}
EOF
info=$(netctl net info "$RT" 2>&1)
assert_contains "$info" "warning: table ip $CONFLICT, chain FORWARD (hook forward) has policy drop" "net info warning"
assert_contains "$(netctl --json net info "$RT")" "policy drop" "net info --json warnings"
nft delete table ip "$CONFLICT"

say "stop and start"
assert_ok "net stop" netctl net stop "$RT" >/dev/null
assert_eq inactive "$(netctl --json net list | pyjson '[n["state"] for n in d["networks"] if n["name"] == "'"$RT"'"][0]')" "state after stop"
link_gone - "vsw-$RT" || fail "gateway tap still there after net stop"
assert_not_contains "$(nft_table)" "routed network $RT" "rules after net stop"
assert_fails "port add to a stopped network" netctl port add "$RT" rx --type tap
assert_fails "stop twice" netctl net stop "$RT"
assert_ok "net start" netctl net start "$RT" >/dev/null
setup_endpoint "$(nsname ra)" "$(ifname ra)" "$T_SUBNET.10/24"
ip -n "$(nsname ra)" route add default via "$GW"
expect_peer "routed after net start" "$T_SUBNET.10" "$(nsname ra)" "http://$T_OUT.2/"

say "persistence: stopped stays stopped, autostart comes back, a corrupt file is named"
AUTO=$(netname s)
assert_ok "net create autostart" netctl net create "$AUTO" --mode nat --subnet "10.$((T_NET_X + 128)).$T_NET_Y.0/24" --autostart >/dev/null
assert_ok "net stop autostart" netctl net stop "$AUTO" >/dev/null
assert_ok "net stop routed" netctl net stop "$RT" >/dev/null
echo '{"version": 1, "network": {"name": "broken", "mode": ' >"$T_STATE/networks/broken.json"
stop_vswitchd
start_vswitchd_fw
states=$(netctl --json net list | pyjson '" ".join("%s=%s" % (n["name"], n["state"]) for n in sorted(d["networks"], key=lambda n: n["name"]))')
assert_contains "$states" "$RT=inactive" "stopped network after restart"
assert_contains "$states" "$AUTO=active" "autostart network after restart"
assert_contains "$states" "$ISO=active" "running network after restart"
assert_contains "$(cat "$T_TMP/vswitchd.log")" "$T_STATE/networks/broken.json: line" "corrupt file named in the log"
assert_ok "destroy" netctl net destroy "$AUTO" --force >/dev/null
stop_vswitchd
finish_checks
say "ok"
