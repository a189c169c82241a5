#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vswitchd_restart.sh - kill -9 vswitchd while a guest pings through it:
# after a restart the same QEMU process (no guest reboot) resumes pinging,
# over the same vhost-user port (vswitchd reconnects to QEMU's socket), and
# the guest keeps its DHCP address and lease.
. "$(dirname "$0")/_guests.sh"

need_guests
need_cmd nft nftables

NET=$(netname r)
GW=$T_SUBNET.1

start_vswitchd_fw
need_methods dhcp.leases
assert_ok "net create" netctl net create "$NET" --mode nat --subnet "$T_SUBNET.0/24" >/dev/null
start_guest gr "" --net "$NET"
MAC=$(vm_field gr 'd["nics"][0]["mac"]')
IP=$(wait_net_up gr eth0 60)
[[ $IP == "$T_SUBNET".* ]] || fail "guest got '$IP', not in $T_SUBNET.0/24"
QEMU_PID=$(vm_field gr 'd["qemu_pid"]')

# replies - how many echo replies the guest's background ping has logged.
replies() { guest_sh gr 10 "grep -c 'bytes from' /tmp/ping.log" | tr -dc '0-9'; }
# replies_at_least N - for wait_until: the count has reached N.
replies_at_least() { [ "$(replies)" -ge "$1" ]; }

say "guest pings the gateway in the background"
guest_sh gr 10 "ping -i 0.2 -W 1 $GW >/tmp/ping.log 2>&1 &" || fail "cannot start ping in the guest"
wait_until 10 replies_at_least 5 || fail "no ping replies before the restart: $(guest_sh gr 10 'tail -n 3 /tmp/ping.log')"

kill9_vswitchd
sleep 1
before=$(replies)
say "$before replies before the restart; restarting vswitchd"
start_vswitchd_fw
wait_ports_up 20 "$NET" gr
say "port up again; waiting for replies to resume"
wait_until 20 replies_at_least $((before + 10)) ||
	fail "ping did not resume after the restart: $(replies) replies, $before before; $(guest_sh gr 10 'tail -n 3 /tmp/ping.log')"
guest_sh gr 10 "kill %1 2>/dev/null; killall ping; tail -n 2 /tmp/ping.log" || true

assert_eq "$QEMU_PID" "$(vm_field gr 'd["qemu_pid"]')" "QEMU pid (the guest was not restarted)"
assert_eq running "$(vm_field gr 'd["state"]')" "guest state"
addr=$(guest_sh gr 10 "ip -4 -o addr show eth0" | sed -n 's/.*inet \([0-9.]*\)\/.*/\1/p')
assert_eq "$IP" "$addr" "guest address after the restart"
assert_eq "$IP" "$(lease_ip "$NET" "$MAC")" "lease after the restart"
vmm list

vmm stop gr --force >/dev/null
stop_vswitchd
say "passed"
