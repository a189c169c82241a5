#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vhost_slow_peer.sh - vhost-user front-ends that send their messages a byte
# at a time, or never read their replies, never hold up the control thread:
# while several of them trickle, `netctl net list` answers in under 100 ms
# every time; each slow message is still served; a message that misses its
# 2 s deadline, and a front-end whose replies pile up unread, are cut off with
# a clear log line; and a normal front-end then sets up a port as usual.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd python3
need_build

PEERS=4			# slow front-ends at once
LIMIT_MS=${VHOST_SLOW_LIMIT_MS:-100}	# what one `netctl net list` may take meanwhile
PEER="python3 $(dirname "$0")/vu_peer.py"

start_vswitchd

NET=$(netname s)
assert_ok "net create" netctl net create "$NET" --mode isolated >/dev/null
# p1..p4: slow peers; fd: fds on the first byte; cut: misses its deadline;
# beside: slow beside it; noread: never reads; x: a normal front-end. Each
# port serves one front-end, once.
for i in $(seq 1 "$PEERS") fd cut beside noread x; do
	assert_ok "port add p$i" netctl port add "$NET" "p$i" --type vhost-user \
		--socket "$T_TMP/p$i.sock" >/dev/null
done

# measure_list COUNT LABEL - run `net list` COUNT times, 50 ms apart; print
# "min/median/max" in ms and fail if one took LIMIT_MS or more.
measure_list() {
	local count=$1 label=$2 i t0 t1 ms all=() sorted
	for ((i = 0; i < count; i++)); do
		t0=$(date +%s%N)
		netctl net list >/dev/null || fail "$label: net list failed"
		t1=$(date +%s%N)
		ms=$(( (t1 - t0) / 1000000 ))
		all+=("$ms")
		sleep 0.05
	done
	sorted=$(printf '%s\n' "${all[@]}" | sort -n)
	say "$label: net list took $(echo "$sorted" | head -1)/$(echo "$sorted" | sed -n "$(( (count + 1) / 2 ))p")/$(echo "$sorted" | tail -1) ms (min/median/max of $count): ${all[*]}"
	for ms in "${all[@]}"; do
		[ "$ms" -lt "$LIMIT_MS" ] || fail "$label: net list took $ms ms (limit $LIMIT_MS ms); all: ${all[*]}"
	done
}

say "idle"
measure_list 5 "idle"

# all_sending LOG... - every peer has connected and is about to send.
all_sending() {
	local log
	for log in "$@"; do
		grep -q "connected, sending" "$log" 2>/dev/null || return 1
	done
}

say "$PEERS front-ends each send GET_FEATURES 3 times, one byte per 100 ms"
pids=()
logs=()
for i in $(seq 1 "$PEERS"); do
	$PEER "$T_TMP/p$i.sock" slow --byte-interval 0.1 --count 3 >"$T_TMP/slow$i.log" 2>&1 &
	pids+=($!)
	logs+=("$T_TMP/slow$i.log")
	track_pid $!
done
# Measure once all are trickling (not while their interpreters start up).
wait_until 10 all_sending "${logs[@]}" || fail "slow front-ends did not start"
sleep 0.3
measure_list 20 "$PEERS slow front-ends"
for i in $(seq 1 "$PEERS"); do
	wait "${pids[$((i - 1))]}" || fail "slow front-end $i was not served: $(cat "$T_TMP/slow$i.log")"
	say "$(tail -n 1 "$T_TMP/slow$i.log")"
done

say "fds on the first byte of a message sent a byte at a time"
timeout 20 $PEER "$T_TMP/pfd.sock" slow --with-fd --byte-interval 0.05 ||
	fail "a slow SET_VRING_CALL with its fd on the first byte was not accepted"

say "a message that takes longer than 2 s is cut off; the others keep being served"
$PEER "$T_TMP/pcut.sock" slow --byte-interval 0.5 --expect-cut >"$T_TMP/cut.log" 2>&1 &
cut_pid=$!
track_pid "$cut_pid"
$PEER "$T_TMP/pbeside.sock" slow --byte-interval 0.1 --count 3 >"$T_TMP/beside.log" 2>&1 &
other_pid=$!
track_pid "$other_pid"
wait_until 10 all_sending "$T_TMP/cut.log" "$T_TMP/beside.log" || fail "slow front-ends did not start"
sleep 0.3
measure_list 25 "a front-end missing its deadline"
wait "$cut_pid" || fail "a front-end 5.5 s into one message was not cut off: $(cat "$T_TMP/cut.log")"
say "$(tail -n 1 "$T_TMP/cut.log")"
took=$(sed -n 's/.*cut off after \([0-9.]*\) s.*/\1/p' "$T_TMP/cut.log")
python3 -c "import sys; sys.exit(0 if 1.5 <= float('${took:-0}') < 4 else 1)" ||
	fail "cut off after ${took:-?} s, expected about 2 s"
wait "$other_pid" || fail "a slow front-end beside it was not served: $(cat "$T_TMP/beside.log")"
assert_contains "$(cat "$T_TMP/vswitchd.log")" "missed the 2 s deadline" "log says why the peer was cut off"

say "a front-end that never reads its replies is cut off"
$PEER "$T_TMP/pnoread.sock" no-read --byte-interval 3 >"$T_TMP/noread.log" 2>&1 &
noread_pid=$!
track_pid "$noread_pid"
sleep 0.5
measure_list 20 "a front-end not reading its replies"
wait "$noread_pid" || fail "a front-end not reading its replies was not cut off: $(cat "$T_TMP/noread.log")"
say "$(tail -n 2 "$T_TMP/noread.log" | tr '\n' ' ')"
grep "/pnoread: " "$T_TMP/vswitchd.log" | grep -q "reply" ||
	fail "the log does not say the replies were not taken: $(grep /pnoread: "$T_TMP/vswitchd.log" | tail -n 3)"

say "a normal front-end still sets up its port"
timeout 20 python3 -c '
import sys, time
sys.path.insert(0, sys.argv[1])
import vu_peer
p = vu_peer.Peer(sys.argv[2])
p.setup()
print("vu_peer: set up", flush=True)
time.sleep(4)
' "$(dirname "$0")" "$T_TMP/px.sock" >"$T_TMP/setup.log" 2>&1 &
setup_pid=$!
track_pid "$setup_pid"
wait_ports_up 3 "$NET" px
wait "$setup_pid" || fail "the normal front-end failed: $(cat "$T_TMP/setup.log")"

vswitchd_alive || fail "vswitchd is gone"
say "ok: the control thread kept answering while front-ends were slow"
