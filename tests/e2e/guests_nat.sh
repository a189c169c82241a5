#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guests_nat.sh - two QEMU guests on a nat network, end to end: both boot
# through vmm with their NICs on vswitchd vhost-user ports and take DHCP
# leases; they reach each other, the gateway and an "outside" namespace
# (which sees the host's address: NAT); a host port forwarded to one guest's
# httpd answers from the outside and from the host; vmm list shows the
# leased addresses; a graceful stop powers a guest off and removes its port.
. "$(dirname "$0")/_guests.sh"

need_guests
need_cmd nft nftables
need_cmd curl

NET=$(netname n)
GW=$T_SUBNET.1
# A host port unlikely to be in use, different for every run.
HPORT=$(( 20000 + 0x${T_ID:2:4} % 20000 ))

setup_outside
start_vswitchd_fw
need_methods dhcp.leases forward.add
assert_ok "net create" netctl net create "$NET" --mode nat --subnet "$T_SUBNET.0/24" >/dev/null
say "network $NET ($T_SUBNET.0/24, nat, DHCP), outside $T_OUT.0/24"

start_guest ga "" --net "$NET"
start_guest gb "" --net "$NET"
MAC_A=$(vm_field ga 'd["nics"][0]["mac"]')
MAC_B=$(vm_field gb 'd["nics"][0]["mac"]')
assert_eq up "$(wait_until 20 ports_up "$NET" ga gb && echo up)" "both guests' ports up"

say "both guests take DHCP leases"
IP_A=$(wait_net_up ga eth0 60)
IP_B=$(wait_net_up gb eth0 60)
[[ $IP_A == "$T_SUBNET".* ]] || fail "guest ga got '$IP_A', not in $T_SUBNET.0/24"
[[ $IP_B == "$T_SUBNET".* ]] || fail "guest gb got '$IP_B', not in $T_SUBNET.0/24"
[ "$IP_A" != "$IP_B" ] || fail "both guests got $IP_A"
assert_eq "$IP_A" "$(lease_ip "$NET" "$MAC_A")" "vswitchd's lease for ga"
assert_eq "$IP_B" "$(lease_ip "$NET" "$MAC_B")" "vswitchd's lease for gb"
list=$(vmm --json list)
assert_eq "$IP_A $IP_B" "$(pyjson '" ".join(v["nics"][0]["ip"] or "-" for v in d["vms"])' <<<"$list")" "vmm list addresses"
vmm list

say "guests reach each other, the gateway and the outside"
guest_sh ga 20 "ping -c 3 -i 0.3 -W 2 $IP_B" || fail "ga could not ping gb ($IP_B)"
guest_sh gb 20 "ping -c 3 -i 0.3 -W 2 $GW" || fail "gb could not ping the gateway $GW"
guest_sh ga 20 "ping -c 3 -i 0.3 -W 2 $T_OUT.2" || fail "ga could not ping the outside $T_OUT.2"
start_listener "$OUT_NS" tcp:80
got=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
	# busybox-static's wget crashes in glibc's static resolver; nc does the HTTP.
	got=$(guest_sh gb 20 "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 $T_OUT.2 80 | tail -n 1" || true)
	[[ $got == *peer=* ]] && break
	sleep 0.5
done
assert_eq "peer=$T_OUT.1 port=80" "$(tr -d '\r' <<<"$got")" "the outside sees gb through NAT as the host"

say "a host port forwarded to ga's httpd (tcp $HPORT -> ga:80)"
assert_ok "forward add" netctl forward add "$NET" tcp "$HPORT" "$IP_A:80"
page=$(http_from "$OUT_NS" "http://$T_OUT.1:$HPORT/" || true)
assert_contains "$page" "hello from ga" "page from the outside through the forward"
page=$(http_from - "http://127.0.0.1:$HPORT/" || true)
assert_contains "$page" "hello from ga" "page from the host through the forward"
netctl forward list "$NET"

say "graceful stop: ACPI power-down, port removed, record kept"
out=$(assert_ok "vmm stop gb" vmm stop gb --timeout 30)
assert_contains "$out" "gb: stopped" "stop result"
assert_eq "" "$(port_state "$NET" gb)" "gb's port after stop"
assert_eq stopped "$(vm_field gb 'd["state"]')" "gb's state"
assert_contains "$(serial gb)" "reboot: Power down" "gb powered itself off"
guest_sh ga 20 "ping -c 2 -i 0.3 -W 2 $GW" >/dev/null || fail "ga lost its network when gb stopped"

vmm stop ga --force >/dev/null
stop_vswitchd
say "passed"
