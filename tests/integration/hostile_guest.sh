#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hostile_guest.sh - a vhost-user front-end that breaks the rules (descriptor
# loops, addresses outside guest memory, avail index jumps, receive buffers the
# device may not write, nested indirect tables, guest memory truncated under
# the switch (SIGBUS), malformed and truncated
# messages, wrong fd counts, garbage) is cut off, counted and logged, while
# two tap endpoints on the same network keep pinging without loss, and the
# same port then serves a well-behaved front-end.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ping iputils-ping
need_cmd python3
need_build

start_vswitchd

NET=$(netname h)
add_netns a
add_netns b
NSA=$(nsname a)
NSB=$(nsname b)
IFA=$(ifname a)
IFB=$(ifname b)
SOCK=$T_TMP/evil.sock
PEER="python3 $(dirname "$0")/vu_peer.py"

assert_ok "net create" netctl net create "$NET" --mode isolated
assert_ok "port add a" netctl port add "$NET" a --type tap --ifname "$IFA" --netns "$NSA"
assert_ok "port add b" netctl port add "$NET" b --type tap --ifname "$IFB" --netns "$NSB"
assert_ok "port add evil" netctl port add "$NET" evil --type vhost-user --socket "$SOCK"
setup_endpoint "$NSA" "$IFA" "$T_SUBNET.1/24"
setup_endpoint "$NSB" "$IFB" "$T_SUBNET.2/24"
ns_ping "$NSA" "$T_SUBNET.2" 2 >/dev/null || fail "endpoints cannot ping before the attacks"

# Steady traffic between the good endpoints for the whole attack.
ip netns exec "$NSA" ping -i 0.05 -c 400 -W 1 "$T_SUBNET.2" >"$T_TMP/ping.log" 2>&1 &
PING_PID=$!
track_pid "$PING_PID"

attacks="desc-loop desc-oob avail-jump rx-readable indirect-nested shrink bad-size bad-fds garbage truncated"
for mode in $attacks; do
	say "attack: $mode"
	timeout 20 $PEER "$SOCK" "$mode" --ip "$T_SUBNET.99" --target "$T_SUBNET.1" ||
		fail "front-end doing '$mode' was not disconnected"
	vswitchd_alive || fail "vswitchd died during '$mode'"
done

guest_errors=$(port_stat "$NET" evil drops.guest_error)
# Six attacks break ring or memory rules (the other four break the message protocol).
assert_ge "$guest_errors" 6 "guest_error drops counted on the hostile port"
assert_contains "$(cat "$T_TMP/vswitchd.log")" "guest broke the virtqueue rules" "log names the ring violation"
assert_contains "$(cat "$T_TMP/vswitchd.log")" "protocol error" "log names the protocol violation"

say "chains are used in the order they were made available (VIRTIO_F_IN_ORDER)"
timeout 20 $PEER "$SOCK" in-order --ip "$T_SUBNET.99" --target "$T_SUBNET.1" ||
	fail "transmit chains were not used in order"

say "a well-behaved front-end on the same port works"
timeout 20 $PEER "$SOCK" good --ip "$T_SUBNET.99" --target "$T_SUBNET.1" ||
	fail "the port did not serve a good front-end after the attacks"

wait "$PING_PID" || true
tail -n 3 "$T_TMP/ping.log"
loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$T_TMP/ping.log")
[ -n "$loss" ] || fail "no ping summary"
python3 -c "import sys; sys.exit(0 if float('$loss') <= 1.0 else 1)" ||
	fail "endpoints lost $loss% of pings while the hostile front-end was attacking"
# A peer stalling mid-message must not stall the datapath: the control thread
# waits up to 2 s for the rest of it, and frames must keep moving meanwhile.
max_rtt=$(sed -n 's|^rtt min/avg/max/mdev = [0-9.]*/[0-9.]*/\([0-9.]*\)/.*|\1|p' "$T_TMP/ping.log")
python3 -c "import sys; sys.exit(0 if float('${max_rtt:-99999}') < 1000 else 1)" ||
	fail "a ping took ${max_rtt} ms: the datapath stalled while a hostile peer was being handled"
vswitchd_alive || fail "vswitchd is gone"
# A clean stop after all of that (under ASan this is also where leaks are found).
stop_vswitchd
say "ok: vswitchd survived $(echo $attacks | wc -w) attacks; bystanders lost $loss% of pings"
