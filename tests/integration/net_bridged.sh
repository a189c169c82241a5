#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# net_bridged.sh - a bridged network joins a host Linux bridge. A "LAN"
# namespace behind the uplink runs dnsmasq as the LAN's DHCP server, and a
# guest endpoint (tap port in its own namespace) takes its address from it
# through the switch and the bridge. vswitchd creates the missing bridge,
# enslaves the uplink, and on a clean stop deletes the bridge and releases
# the uplink; after kill -9 it recognises the bridge as its own. A bridge
# that already existed is used as found and left with its address.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_netmodes.sh"

need_root
need_cmd dnsmasq dnsmasq-base
need_cmd busybox busybox-static
need_cmd ping iputils-ping
need_cmd python3
need_build

BNET=$(netname b)
BR=$(ifname br)
UP=$(ifname u)
LAN_NS=$(nsname lan)
GNS=$(nsname g)
GIF=$(ifname g)

say "LAN namespace with dnsmasq on $T_OUT.0/24, uplink $UP, bridge $BR"
add_netns lan
ip link add "$UP" type veth peer name eth0 netns "$LAN_NS"
ip -n "$LAN_NS" addr add "$T_OUT.1/24" dev eth0
ip -n "$LAN_NS" link set eth0 up
ip netns exec "$LAN_NS" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 \
	--interface=eth0 --bind-interfaces --dhcp-range="$T_OUT.100,$T_OUT.150,255.255.255.0,10m" \
	--dhcp-leasefile="$T_TMP/lan.leases" --pid-file="$T_TMP/dnsmasq.pid" \
	>"$T_TMP/dnsmasq.log" 2>&1 &
track_pid $!

start_vswitchd_fw
out=$(assert_ok "net create bridged" netctl --json net create "$BNET" --mode bridged --bridge "$BR" --uplink "$UP")
assert_eq false "$(pyjson 'd.get("dhcp", False)' <<<"$out")" "built-in DHCP off by default in bridged mode"
assert_eq "vswitch:$BNET" "$(cat "/sys/class/net/$BR/ifalias")" "created bridge marked as vswitchd's"
assert_eq "$BR" "$(basename "$(readlink "/sys/class/net/$UP/master")")" "uplink enslaved"
assert_eq "$BR" "$(basename "$(readlink "/sys/class/net/vsw-$BNET/master")")" "gateway tap enslaved"
assert_eq "" "$(ip -o -4 addr show dev "$BR")" "no address added to the bridge"
info=$(netctl --json net info "$BNET")
assert_eq "$BR" "$(pyjson 'd["bridge"]' <<<"$info")" "net info bridge"
assert_eq true "$(pyjson 'd["bridge_created"]' <<<"$info")" "net info bridge_created"

say "guest endpoint takes its address from the LAN's DHCP server"
add_netns g
assert_ok "port add" netctl port add "$BNET" g --type tap --ifname "$GIF" --netns "$GNS" >/dev/null
wait_link_in_ns "$GNS" "$GIF"
ip netns exec "$GNS" sysctl -qw "net.ipv6.conf.$GIF.disable_ipv6=1" || true
ip -n "$GNS" link set "$GIF" up
cat >"$T_TMP/udhcpc.sh" <<'EOF'
#!/bin/sh
# udhcpc event script: apply the offered address.
case "$1" in
bound|renew) ip addr add "$ip/$mask" dev "$interface" ;;
esac
exit 0
EOF
chmod +x "$T_TMP/udhcpc.sh"
ip netns exec "$GNS" busybox udhcpc -i "$GIF" -n -q -f -t 10 -T 1 -s "$T_TMP/udhcpc.sh" ||
	fail "no DHCP lease through the bridge; dnsmasq said: $(tail -5 "$T_TMP/dnsmasq.log")"
addr=$(ip -n "$GNS" -o -4 addr show dev "$GIF" | awk '{print $4}')
say "guest got $addr"
case "$addr" in "$T_OUT".1[0-4][0-9]/24 | "$T_OUT".150/24) ;; *) fail "unexpected address '$addr'" ;; esac
ns_ping "$GNS" "$T_OUT.1" || fail "guest cannot reach the LAN"
assert_contains "$(cat "$T_TMP/lan.leases")" "${addr%/24}" "lease recorded by dnsmasq"

say "kill -9: the bridge stays and is recognised as ours"
kill9_vswitchd
[ -d "/sys/class/net/$BR" ] || fail "bridge gone after kill -9"
start_vswitchd_fw
assert_eq true "$(netctl --json net info "$BNET" | pyjson 'd["bridge_created"]')" "bridge recognised after restart"
assert_eq 1 "$(link_count "$BR")" "bridges named $BR"
assert_eq "$BR" "$(basename "$(readlink "/sys/class/net/vsw-$BNET/master")")" "gateway tap enslaved again"

say "an existing bridge is used as found and left with its address"
BR2=$(ifname b2)
ip link add "$BR2" type bridge
ip addr add 192.0.2.1/24 dev "$BR2"
ip link set "$BR2" up
B2NET=$(netname c)
assert_ok "net create on existing bridge" netctl net create "$B2NET" --mode bridged --bridge "$BR2" >/dev/null
assert_eq false "$(netctl --json net info "$B2NET" | pyjson 'd["bridge_created"]')" "existing bridge not ours"
assert_ok "net destroy" netctl net destroy "$B2NET" >/dev/null
[ -d "/sys/class/net/$BR2" ] || fail "vswitchd deleted a bridge it did not create"
assert_contains "$(ip -o -4 addr show dev "$BR2")" "192.0.2.1/24" "existing bridge keeps its address"
assert_eq "" "$(ls "/sys/class/net/$BR2/brif/")" "existing bridge left without our tap"

say "a clean stop leaves the bridge and its uplink; the next start owns them again"
stop_vswitchd
[ -d "/sys/class/net/$BR" ] || fail "bridge gone after a clean stop"
assert_eq "$BR" "$(basename "$(readlink "/sys/class/net/$UP/master")")" "uplink still in the bridge after a clean stop"
start_vswitchd_fw
assert_eq true "$(netctl --json net info "$BNET" | pyjson 'd["bridge_created"]')" "bridge recognised after stop and start"

say "net destroy deletes the bridge vswitchd created and releases the uplink"
assert_ok "net destroy" netctl net destroy "$BNET" --force >/dev/null
link_gone - "$BR" || fail "bridge $BR still there after net destroy"
[ ! -e "/sys/class/net/$UP/master" ] || fail "uplink still enslaved after net destroy"
[ -d "/sys/class/net/$UP" ] || fail "uplink deleted"
stop_vswitchd
finish_checks
say "ok"
