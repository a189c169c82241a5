#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dhcp_clients.sh - real DHCP clients against vswitchd's built-in server, on an
# isolated network (no gateway interface: the server answers ARP for itself).
# busybox udhcpc, ISC dhclient and dhcpcd, each in its own namespace on a tap
# port, obtain a lease, renew it at T1 (lease time 60 s, so renewals are
# unicast to the server), and release it; a static host gets its fixed
# address; after kill -9 and a restart of vswitchd every client gets its
# address back. Clients run with private scripts, lease and pid files (dhcpcd
# in a private mount namespace), so nothing on the host is touched.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd python3
need_cmd busybox busybox-static
need_cmd dhclient isc-dhcp-client
need_cmd dhcpcd dhcpcd-base
need_cmd unshare util-linux
need_cmd nsenter util-linux
need_build

start_vswitchd

NET=$(netname d)
S=$T_SUBNET
CLIENTS=(udhcpc dhclient dhcpcd static)

say "network $NET $S.0/24, lease time 60 s"
assert_ok "net create" netctl net create "$NET" --mode isolated --subnet "$S.0/24" \
	--dhcp-range "$S.100-$S.150" --lease-time 60
STATIC_MAC=02:00:00:$(printf '%02x:%02x' $((T_NET_X)) $((T_NET_Y))):04
assert_ok "static host" netctl dhcp host add "$NET" "$STATIC_MAC" "$S.20" fixedhost
assert_fails "static host twice" netctl dhcp host add "$NET" "$STATIC_MAC" "$S.21"
assert_fails "static host outside the subnet" netctl dhcp host add "$NET" 02:00:00:00:00:99 10.255.0.1
# The static host is part of the network's definition.
grep -q "$STATIC_MAC" "$T_STATE/networks/$NET.json" || fail "static host not saved in $NET.json"

mac_of() { printf '02:00:00:%02x:%02x:%02x' "$T_NET_X" "$T_NET_Y" "$1"; }

# setup_client INDEX NAME - namespace, tap port, fixed MAC (so the client is
# the same client after vswitchd recreates its tap), link up.
setup_client() {
	local i=$1 c=$2 ns ifn mac
	ns=$(nsname "$c")
	ifn=$(ifname "c$i")
	mac=$(mac_of $((i + 1)))
	[ "$c" = static ] && mac=$STATIC_MAC
	ip netns list | grep -qw "$ns" || add_netns "$c"
	netctl port add "$NET" "p$i" --type tap --ifname "$ifn" --netns "$ns" >/dev/null 2>&1 || true
	wait_link_in_ns "$ns" "$ifn"
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$ifn.disable_ipv6=1" || true
	ip -n "$ns" link set "$ifn" down
	ip -n "$ns" link set "$ifn" address "$mac"
	ip -n "$ns" link set "$ifn" up
}

# A hook script per client: logs "EVENT ADDRESS" and configures the address
# (udhcpc and dhclient leave that to their script; dhcpcd does it itself).
write_script() {
	local c=$1
	cat >"$T_TMP/$c.sh" <<EOF
#!/bin/sh
ev=\${reason:-\$1}
addr=\${new_ip_address:-\$ip}
echo "\$ev \$addr" >>"$T_TMP/$c.events"
case "\$ev" in
bound|renew|BOUND|RENEW|REBIND|REBOOT)
	[ "$c" = dhcpcd ] || [ -z "\$addr" ] || ip addr replace "\$addr/24" dev "\$interface" ;;
deconfig|EXPIRE|RELEASE|STOP)
	[ "$c" = dhcpcd ] || ip addr flush dev "\$interface" scope global ;;
esac
exit 0
EOF
	chmod +x "$T_TMP/$c.sh"
}

CPID=()
# start_client INDEX NAME - run the client in the background; remember its PID.
start_client() {
	local i=$1 c=$2 ns ifn pid
	ns=$(nsname "$c")
	ifn=$(ifname "c$i")
	case "$c" in
	udhcpc|static)
		ip netns exec "$ns" busybox udhcpc -f -R -i "$ifn" -s "$T_TMP/$c.sh" \
			-p "$T_TMP/$c.pid" -x "hostname:h-$c" -t 20 -T 1 -A 1 \
			>>"$T_TMP/$c.log" 2>&1 &
		pid=$! ;;
	dhclient)
		echo 'send host-name "h-dhclient";' >"$T_TMP/dhclient.conf"
		ip netns exec "$ns" dhclient -4 -d -v -cf "$T_TMP/dhclient.conf" \
			-lf "$T_TMP/dhclient.leases" -pf "$T_TMP/dhclient.pid" \
			-sf "$T_TMP/dhclient.sh" "$ifn" >>"$T_TMP/dhclient.log" 2>&1 &
		pid=$! ;;
	dhcpcd)
		# dhcpcd keeps leases in /var/lib/dhcpcd and its socket in /run:
		# give it private copies of both in its own mount namespace.
		mkdir -p "$T_TMP/dhcpcd-db" "$T_TMP/dhcpcd-run"
		ip netns exec "$ns" unshare -m --propagation private sh -c '
			mount --bind "$1" /var/lib/dhcpcd && mount --bind "$2" /run &&
			exec dhcpcd -4 -B -d -f /dev/null -c "$3" -h h-dhcpcd --noipv4ll \
				-t 30 "$4"' sh "$T_TMP/dhcpcd-db" "$T_TMP/dhcpcd-run" \
			"$T_TMP/dhcpcd.sh" "$ifn" >>"$T_TMP/dhcpcd.log" 2>&1 &
		pid=$! ;;
	esac
	track_pid "$pid"
	CPID[i]=$pid
}

# events_count NAME PATTERN - how many logged events match PATTERN (grep -E).
events_count() { grep -cE "$2" "$T_TMP/$1.events" 2>/dev/null || true; }

# bound_addr NAME - the address of the client's last bound/renew event.
bound_addr() {
	grep -E '^(bound|BOUND|REBOOT|renew|RENEW|REBIND) ' "$T_TMP/$1.events" 2>/dev/null |
		tail -n 1 | awk '{print $2}'
}

has_bound() { [ -n "$(bound_addr "$1")" ]; }
renewed() { [ "$(events_count "$1" '^(renew|RENEW) ')" -ge 1 ]; }

lease_of() {
	netctl --json dhcp leases "$NET" | pyjson '
([l["ip"] + " " + l["state"] + " " + l["hostname"] for l in d["leases"] if l["mac"] == "'"$1"'"] or [""])[0]'
}

released() { [[ "$(lease_of "$1")" == "$2 released"* ]]; }

client_mac() {
	if [ "$2" = static ]; then echo "$STATIC_MAC"; else mac_of $(($1 + 1)); fi
}

for i in "${!CLIENTS[@]}"; do
	write_script "${CLIENTS[i]}"
	setup_client "$i" "${CLIENTS[i]}"
done
wait_ports_up 5 "$NET" p0 p1 p2 p3
for i in "${!CLIENTS[@]}"; do
	start_client "$i" "${CLIENTS[i]}"
done

# ------------------------------------------------------------------ obtain
declare -A ADDR
for i in "${!CLIENTS[@]}"; do
	c=${CLIENTS[i]}
	wait_until 30 has_bound "$c" ||
		fail "$c got no lease within 30 s; its log: $(tail -n 5 "$T_TMP/$c.log" | tr '\n' ' ')"
	ADDR[$c]=$(bound_addr "$c")
	say "$c: bound ${ADDR[$c]}"
done
assert_eq "$S.20" "${ADDR[static]}" "the static host's address"
for c in udhcpc dhclient dhcpcd; do
	[[ ${ADDR[$c]} =~ ^$S\.(1[0-4][0-9]|150)$ ]] || fail "$c got ${ADDR[$c]}, outside the range $S.100-$S.150"
done
[ "$(printf '%s\n' "${ADDR[@]}" | sort -u | wc -l)" -eq 4 ] || fail "two clients share an address: ${ADDR[*]}"
for i in "${!CLIENTS[@]}"; do
	c=${CLIENTS[i]}
	mac=$(client_mac "$i" "$c")
	lease=$(lease_of "$mac")
	say "lease of $c ($mac): $lease"
	[[ $lease == "${ADDR[$c]} bound "* ]] || fail "lease list for $c: expected ${ADDR[$c]} bound, got '$lease'"
	ip -n "$(nsname "$c")" -4 addr show | grep -q "inet ${ADDR[$c]}/" ||
		fail "$c: ${ADDR[$c]} not configured on its interface"
done
expect_eq "${ADDR[udhcpc]} bound h-udhcpc" "$(lease_of "$(mac_of 1)")" "udhcpc's hostname recorded"
expect_eq "$S.20 bound fixedhost" "$(lease_of "$STATIC_MAC")" "static host's lease carries its hostname"
leases_text=$(assert_ok "dhcp leases" netctl dhcp leases "$NET")
echo "$leases_text"
assert_contains "$leases_text" "(static)" "dhcp leases marks the static lease"

# Clients reach each other with their addresses.
ns_ping "$(nsname udhcpc)" "${ADDR[dhcpcd]}" >/dev/null || fail "udhcpc's namespace cannot ping dhcpcd's address"

# ------------------------------------------------------------------- renew
say "waiting for renewals at T1 (30 s)"
acks0=$(netctl --json stats "$NET" | pyjson 'd["dhcp"]["'"$NET"'"]["ack"]')
for c in udhcpc dhclient dhcpcd; do
	wait_until 50 renewed "$c" ||
		fail "$c did not renew within 50 s; log: $(tail -n 5 "$T_TMP/$c.log" | tr '\n' ' ')"
	assert_eq "${ADDR[$c]}" "$(bound_addr "$c")" "$c's address after renewal"
done
stats=$(netctl --json stats "$NET")
assert_gt "$(pyjson 'd["dhcp"]["'"$NET"'"]["ack"]' <<<"$stats")" "$acks0" "ACKs after renewals"
assert_gt "$(pyjson 'd["dhcp"]["'"$NET"'"]["arp"]' <<<"$stats")" 0 "ARP replies for the server address"
assert_eq 0 "$(pyjson 'd["dhcp"]["'"$NET"'"]["malformed"]' <<<"$stats")" "malformed requests from real clients"
assert_eq 0 "$(pyjson 'd["dhcp"]["'"$NET"'"]["nak"]' <<<"$stats")" "NAKs to real clients"
netctl stats "$NET" | grep -A3 '^DHCP' || fail "netctl stats shows no DHCP table"

# ----------------------------------------------------------------- release
say "releasing"
kill -TERM "${CPID[0]}"				# udhcpc -R releases on exit
ip netns exec "$(nsname dhclient)" dhclient -4 -r -lf "$T_TMP/dhclient.leases" \
	-pf "$T_TMP/dhclient.pid" -sf "$T_TMP/dhclient.sh" "$(ifname c1)" >>"$T_TMP/dhclient.log" 2>&1 ||
	fail "dhclient -r failed"
# dhcpcd -k talks to the daemon's control socket, in its private /run.
nsenter -t "${CPID[2]}" -m -n dhcpcd -4 -k "$(ifname c2)" >>"$T_TMP/dhcpcd-k.log" 2>&1 ||
	fail "dhcpcd -k failed"

kill -TERM "${CPID[3]}"
for i in 0 1 2; do
	c=${CLIENTS[i]}
	wait_until 10 released "$(mac_of $((i + 1)))" "${ADDR[$c]}" ||
		fail "$c's lease not released: '$(lease_of "$(mac_of $((i + 1)))")'"
done
for pid in "${CPID[@]}"; do kill_pid "$pid" 3; done
assert_ge "$(netctl --json stats "$NET" | pyjson 'd["dhcp"]["'"$NET"'"]["release"]')" 3 "RELEASE count"

# ----------------------------------------------------------------- restart
say "kill -9 vswitchd and restart: every client must get its address back"
before=$(netctl --json dhcp leases "$NET" | pyjson 'sorted((l["mac"], l["ip"]) for l in d["leases"])')
kill9_vswitchd
start_vswitchd
after=$(netctl --json dhcp leases "$NET" | pyjson 'sorted((l["mac"], l["ip"]) for l in d["leases"])')
assert_eq "$before" "$after" "leases after kill -9 and restart"
wait_ports_up 10 "$NET" p0 p1 p2 p3
: >"$T_TMP/udhcpc.events"; : >"$T_TMP/dhclient.events"; : >"$T_TMP/dhcpcd.events"; : >"$T_TMP/static.events"
for i in "${!CLIENTS[@]}"; do
	setup_client "$i" "${CLIENTS[i]}"
	start_client "$i" "${CLIENTS[i]}"
done
for c in "${CLIENTS[@]}"; do
	wait_until 30 has_bound "$c" || fail "$c got no lease after the restart"
	assert_eq "${ADDR[$c]}" "$(bound_addr "$c")" "$c's address after the restart"
done
for pid in "${CPID[@]}"; do kill_pid "$pid" 3; done
vswitchd_alive || fail "vswitchd died"
stop_vswitchd
finish_checks
say "ok"
