#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dpdk_vhost.sh - vhost-user ports against a real peer: DPDK testpmd with
# virtio-user ports.
#
#   A. vswitchd is the vhost-user server, testpmd connects: two virtio-user
#      ports forward to each other through the switch (testpmd mac mode,
#      "start tx_first"); both see frames, the switch's counters and FDB agree.
#      testpmd going away puts the ports back to "waiting".
#   B. vswitchd is the client (--client), testpmd the server (server=1); the
#      ports are added before testpmd exists, so vswitchd must retry by itself.
#   C. client mode with a tap endpoint in a namespace: testpmd in icmpecho mode
#      answers ARP and ping through the switch; vswitchd is killed with SIGKILL
#      and started again on the same state dir, the ports come back from the
#      state, reconnect to the same testpmd (not restarted) and ping works again.
#
# testpmd busy-polls a core: it runs pinned to the last CPU (both of its
# lcores: the main lcore only reads commands; "-l 1" alone is refused, testpmd
# needs a forwarding lcore besides the main one), a few seconds per phase,
# and is always stopped by PID.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd dpdk-testpmd dpdk
need_cmd stdbuf coreutils
need_cmd ping iputils-ping
need_cmd python3
need_build

TESTPMD=$(command -v dpdk-testpmd)
TP_CPU=$(( $(nproc) - 1 ))
TP_PID=""
TP_LOG=""
TP_FD=""

on_cleanup '[ -z "$TP_PID" ] || kill_pid "$TP_PID" 5; rm -rf /var/run/dpdk/vswt-'"$T_ID"'-*'

# mac N - a locally administered MAC unique to this run.
mac() { printf '02:76:%s:%s:%s:%02x' "${T_ID:0:2}" "${T_ID:2:2}" "${T_ID:4:2}" "$1"; }

# start_testpmd TAG MODE "VDEV..." [TESTPMD-ARGS...] - run testpmd
# interactively in the background (TP_PID, TP_LOG), its commands coming from
# a FIFO we hold open (TP_FD; testpmd quits when it closes). VDEV is a
# space-separated list of --vdev values. Forwarding starts with tp_cmd start.
# Interactive rather than --stats-period: counters are read on demand, and
# "start tx_first" can be given once the switch's ports are up (a burst sent
# before the other port is ready is dropped and the loop never starts).
start_testpmd() {
	local tag=$1 mode=$2 vdevs=$3 v fifo
	shift 3
	local -a args=(--no-huge -m 512 --no-pci --file-prefix "vswt-$T_ID-$tag"
		--lcores "0@$TP_CPU,1@$TP_CPU")
	for v in $vdevs; do
		args+=(--vdev "$v")
	done
	args+=(-- -i --total-num-mbufs=16384 --forward-mode="$mode" "$@")
	TP_LOG=$T_TMP/testpmd-$tag.log
	fifo=$T_TMP/testpmd-$tag.in
	mkfifo "$fifo"
	say "testpmd ${args[*]}"
	# Line-buffered: testpmd's answers must reach the log while it runs.
	stdbuf -oL -eL "$TESTPMD" "${args[@]}" <"$fifo" >"$TP_LOG" 2>&1 &
	TP_PID=$!
	track_pid "$TP_PID"
	exec {TP_FD}>"$fifo"
}

# tp_cmd CMD - one command to testpmd.
tp_cmd() {
	testpmd_alive
	echo "$*" >&"$TP_FD"
}

# stop_testpmd - quit testpmd (SIGTERM after 5 s) and wait for it.
stop_testpmd() {
	[ -n "$TP_PID" ] || return 0
	if kill -0 "$TP_PID" 2>/dev/null; then
		echo stop >&"$TP_FD" || true
		echo quit >&"$TP_FD" || true
	fi
	exec {TP_FD}>&-
	wait_until 5 eval '! kill -0 "$TP_PID" 2>/dev/null' || true
	kill_pid "$TP_PID" 3
	TP_PID=""
}

# testpmd_alive - testpmd still runs; fails the test with its log if not.
testpmd_alive() {
	kill -0 "$TP_PID" 2>/dev/null && return 0
	echo "--- testpmd log ($TP_LOG) ---"
	tail -n 40 "$TP_LOG"
	fail "testpmd (pid $TP_PID) exited"
}

# testpmd_ready NPORTS - testpmd configured NPORTS ports (fails at once if it
# found none: testpmd would keep running with zero ports).
testpmd_ready() {
	if grep -aq "No probed ethernet devices" "$TP_LOG"; then
		echo "--- testpmd log ($TP_LOG) ---"
		tail -n 30 "$TP_LOG"
		fail "testpmd probed no ports"
	fi
	[ "$(grep -acE '^Port [0-9]+: [0-9A-Fa-f:]{17}' "$TP_LOG")" -ge "$1" ]
}

# tp_rx PORT - testpmd's forward-engine RX-packets for PORT, read now.
tp_rx() {
	local before
	before=$(grep -ac "Forward statistics for port" "$TP_LOG" || true)
	tp_cmd "show fwd stats all"
	wait_until 5 eval '[ "$(grep -ac "Forward statistics for port" "$TP_LOG")" -gt '"$before"' ]' ||
		fail "testpmd did not answer 'show fwd stats all'"
	# The block ends with the accumulated totals.
	wait_until 2 eval '[ "$(tail -n 20 "$TP_LOG" | grep -ac "Accumulated forward statistics")" -gt 0 ]' || true
	sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$TP_LOG" | awk -v p="$1" '
		/Forward statistics for port/ { cur = $(NF - 1) }
		/Accumulated forward statistics/ { cur = "" }
		/RX-packets:/ && cur == p { v = $2 }
		END { print v + 0 }'
}

# tp_rx_above PORT N - testpmd's RX-packets count for PORT exceeds N.
tp_rx_above() { [ "$(tp_rx "$1")" -gt "$2" ]; }

# wait_tp_rx PORT N SECONDS WHAT - wait until testpmd port PORT received more than N.
wait_tp_rx() {
	local deadline=$((SECONDS + $3)) v
	while :; do
		v=$(tp_rx "$1")
		[ "$v" -le "$2" ] || break
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "--- testpmd log ($TP_LOG) ---"
			sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$TP_LOG" | grep -av '^\s*$' | tail -n 30
			fail "$4: testpmd port $1 RX-packets stayed at $v (wanted > $2 within $3 s)"
		fi
		sleep 0.5
	done
}

# start_loop - "start tx_first": each port sends a burst, then forwards what it
# receives, so frames circle through the switch for as long as it passes them.
start_loop() {
	tp_cmd "start tx_first"
}

# check_switch_counters NET PORT... - the switch saw frames both ways on each port.
check_switch_counters() {
	local net=$1 p
	shift
	for p in "$@"; do
		assert_gt "$(port_stat "$net" "$p" rx_packets)" 0 "$net/$p rx_packets"
		assert_gt "$(port_stat "$net" "$p" tx_packets)" 0 "$net/$p tx_packets"
		assert_gt "$(port_stat "$net" "$p" rx_bytes)" 0 "$net/$p rx_bytes"
		assert_eq 0 "$(port_stat "$net" "$p" drops.malformed)" "$net/$p drops.malformed"
	done
}

start_vswitchd

# ------------------------------------------------ A: vswitchd is the server
NETA=$(netname a)
M0=$(mac 1)
M1=$(mac 2)
say "A: server mode, network $NETA"
assert_ok "net create $NETA" netctl net create "$NETA" --mode isolated
assert_ok "port add v0" netctl port add "$NETA" v0 --type vhost-user --socket "$T_TMP/a0.sock"
assert_ok "port add v1" netctl port add "$NETA" v1 --type vhost-user --socket "$T_TMP/a1.sock"
[ -S "$T_TMP/a0.sock" ] || fail "vhost-user server socket $T_TMP/a0.sock not created by port add"
expect_eq waiting "$(port_state "$NETA" v0)" "state of v0 before a peer connects"
start_testpmd a mac "net_virtio_user0,path=$T_TMP/a0.sock,queues=1,mac=$M0 net_virtio_user1,path=$T_TMP/a1.sock,queues=1,mac=$M1" \
	--eth-peer="0,$M1" --eth-peer="1,$M0"
wait_ports_up 15 "$NETA" v0 v1
wait_until 10 testpmd_ready 2 || fail "A: testpmd did not configure its 2 ports"
start_loop
wait_tp_rx 0 0 15 "A: frames v1 -> v0"
wait_tp_rx 1 0 15 "A: frames v0 -> v1"
testpmd_alive
check_switch_counters "$NETA" v0 v1
assert_eq v0 "$(fdb_port_of "$NETA" "$M0")" "A: FDB port of testpmd port 0's MAC"
assert_eq v1 "$(fdb_port_of "$NETA" "$M1")" "A: FDB port of testpmd port 1's MAC"
say "A: testpmd RX port 0: $(tp_rx 0), port 1: $(tp_rx 1)"

# The peer going away is not an error: the ports wait for the next one.
stop_testpmd
wait_until 10 eval '[ "$(port_state "$NETA" v0)" != up ] && [ "$(port_state "$NETA" v1)" != up ]' ||
	fail "A: ports still 'up' 10 s after testpmd exited: $(port_states "$NETA")"
expect_eq waiting "$(port_state "$NETA" v0)" "state of v0 after its peer left"
expect_eq waiting "$(port_state "$NETA" v1)" "state of v1 after its peer left"
vswitchd_alive || fail "A: vswitchd died when testpmd went away"
assert_ok "port del v0" netctl port del "$NETA" v0
assert_ok "port del v1" netctl port del "$NETA" v1
assert_ok "net destroy $NETA" netctl net destroy "$NETA"

# ------------------------------------------------ B: vswitchd is the client
NETB=$(netname b)
M0=$(mac 3)
M1=$(mac 4)
say "B: client mode, network $NETB; ports first, then testpmd"
assert_ok "net create $NETB" netctl net create "$NETB" --mode isolated
assert_ok "port add w0" netctl port add "$NETB" w0 --type vhost-user --socket "$T_TMP/b0.sock" --client
assert_ok "port add w1" netctl port add "$NETB" w1 --type vhost-user --socket "$T_TMP/b1.sock" --client
expect_eq waiting "$(port_state "$NETB" w0)" "state of client port w0 with no server yet"
sleep 1
start_testpmd b mac "net_virtio_user0,path=$T_TMP/b0.sock,queues=1,server=1,mac=$M0 net_virtio_user1,path=$T_TMP/b1.sock,queues=1,server=1,mac=$M1" \
	--eth-peer="0,$M1" --eth-peer="1,$M0"
wait_ports_up 20 "$NETB" w0 w1
wait_until 10 testpmd_ready 2 || fail "B: testpmd did not configure its 2 ports"
start_loop
wait_tp_rx 0 0 15 "B: frames w1 -> w0"
wait_tp_rx 1 0 15 "B: frames w0 -> w1"
check_switch_counters "$NETB" w0 w1
say "B: testpmd RX port 0: $(tp_rx 0), port 1: $(tp_rx 1)"
stop_testpmd
assert_ok "port del w0" netctl port del "$NETB" w0
assert_ok "port del w1" netctl port del "$NETB" w1
assert_ok "net destroy $NETB" netctl net destroy "$NETB"
assert_eq "" "$(netctl --json net list | pyjson '",".join(n["name"] for n in d["networks"])')" "networks after destroy"

# ------------------------ C: client mode + tap endpoint + kill -9 and restart
NETC=$(netname c)
MC=$(mac 5)
NSC=$(nsname c)
IFC=$(ifname c)
add_netns c
say "C: client mode with a tap endpoint, network $NETC"
# testpmd (server=1) first: it waits for vswitchd to connect.
start_testpmd c icmpecho "net_virtio_user0,path=$T_TMP/c0.sock,queues=1,server=1,mac=$MC"
wait_until 10 test -S "$T_TMP/c0.sock" || { testpmd_alive; fail "C: testpmd did not create $T_TMP/c0.sock"; }
assert_ok "net create $NETC" netctl net create "$NETC" --mode isolated --autostart
assert_ok "port add c0" netctl port add "$NETC" c0 --type vhost-user --socket "$T_TMP/c0.sock" --client
assert_ok "port add t0" netctl port add "$NETC" t0 --type tap --ifname "$IFC" --netns "$NSC"
wait_ports_up 15 "$NETC" c0 t0
wait_until 10 testpmd_ready 1 || fail "C: testpmd did not configure its port"
tp_cmd start
setup_endpoint "$NSC" "$IFC" "$T_SUBNET.1/24"
ns_ping "$NSC" "$T_SUBNET.2" 5 || fail "C: ping through the switch to testpmd (icmpecho) failed"
assert_eq c0 "$(fdb_port_of "$NETC" "$MC")" "C: FDB port of testpmd's MAC"
check_switch_counters "$NETC" c0 t0
rx_before=$(tp_rx 0)
assert_ge "$rx_before" 5 "C: testpmd RX-packets after 5 pings"

kill9_vswitchd
# The tap endpoint outlives the daemon, address included: nothing to set up again.
ip -n "$NSC" -o addr show dev "$IFC" | grep -qF "$T_SUBNET.1/24" || fail "C: $IFC lost its address after kill -9"
testpmd_alive
start_vswitchd
assert_eq '["c0", "t0"]' "$(netctl --json port list "$NETC" | pyjson 'sorted(p["name"] for p in d["ports"])')" "C: ports after restart"
wait_ports_up 20 "$NETC" c0 t0
testpmd_alive
ns_ping "$NSC" "$T_SUBNET.2" 5 || fail "C: ping to testpmd after vswitchd restart failed"
wait_tp_rx 0 $((rx_before + 4)) 5 "C: testpmd received less than 5 new frames after the restart"
check_switch_counters "$NETC" c0 t0
say "C: testpmd RX before restart $rx_before, after $(tp_rx 0)"
stop_testpmd
vswitchd_alive || fail "vswitchd died"
finish_checks
say "ok"
