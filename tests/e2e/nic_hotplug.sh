#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nic_hotplug.sh - vmm attach-net / detach-net on a running guest: a second
# NIC on another network appears in the guest, takes a DHCP address there and
# reaches that network's gateway; vswitchd has the port; detaching it removes
# the interface from the guest and the port from vswitchd, and the first NIC
# keeps working throughout.
. "$(dirname "$0")/_guests.sh"

need_guests
need_cmd nft nftables

NA=$(netname a)
NB=$(netname b)
# Network B's subnet: 10.192-255.Y.0/24, clear of every run's T_SUBNET and T_OUT.
SB=10.$((T_NET_X + 128)).$T_NET_Y

start_vswitchd_fw
need_methods dhcp.leases
assert_ok "net create $NA" netctl net create "$NA" --mode nat --subnet "$T_SUBNET.0/24" >/dev/null
assert_ok "net create $NB" netctl net create "$NB" --mode nat --subnet "$SB.0/24" >/dev/null
start_guest gh "" --net "$NA"
IP_A=$(wait_net_up gh eth0 60)
[[ $IP_A == "$T_SUBNET".* ]] || fail "eth0 got '$IP_A', not in $T_SUBNET.0/24"

say "attach a NIC on $NB ($SB.0/24)"
out=$(assert_ok "attach-net" vmm attach-net gh "$NB")
echo "$out"
MAC_B=$(vm_field gh '[n["mac"] for n in d["nics"] if n["net"] == "'"$NB"'"][0]')
assert_eq 2 "$(vm_field gh 'len(d["nics"])')" "NICs after attach"
wait_ports_up 20 "$NB" gh.1
IP_B=$(wait_net_up gh eth1 60)
[[ $IP_B == "$SB".* ]] || fail "eth1 got '$IP_B', not in $SB.0/24"
assert_eq "$IP_B" "$(lease_ip "$NB" "$MAC_B")" "lease on $NB"
assert_eq "$MAC_B" "$(guest_sh gh 10 'cat /sys/class/net/eth1/address' | tr -d '\r\n')" "eth1's MAC in the guest"
guest_sh gh 20 "ping -c 3 -i 0.3 -W 2 -I eth1 $SB.1" || fail "no ping to $SB.1 over the new NIC"
vmm info gh

say "detach it"
assert_ok "detach-net" vmm detach-net gh "$MAC_B"
assert_eq "" "$(port_state "$NB" gh.1)" "port on $NB after detach"
assert_eq 1 "$(vm_field gh 'len(d["nics"])')" "NICs after detach"
wait_until 10 guest_sh gh 5 '! test -e /sys/class/net/eth1' || fail "eth1 still in the guest after detach"
guest_sh gh 20 "ping -c 2 -i 0.3 -W 2 $T_SUBNET.1" >/dev/null || fail "eth0 lost its network"

say "errors: unknown network, unknown MAC, not running"
msg=$(vmm attach-net gh nosuchnet 2>&1) && fail "attach to an unknown network succeeded"
assert_contains "$msg" "network 'nosuchnet' not found" "unknown network message"
assert_eq "" "$(port_state "$NA" gh.1)" "no port left by the failed attach"
msg=$(vmm detach-net gh 52:54:00:00:00:01 2>&1) && fail "detach of an unknown MAC succeeded"
assert_contains "$msg" "has no NIC with MAC" "unknown MAC message"

vmm stop gh --force >/dev/null
msg=$(vmm attach-net gh "$NB" 2>&1) && fail "attach to a stopped VM succeeded"
assert_contains "$msg" "is not running" "stopped VM message"
stop_vswitchd
say "passed"
