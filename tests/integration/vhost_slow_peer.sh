#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vhost_slow_peer.sh - vhost-user front-ends that send their messages a byte
# at a time, or never read their replies, never hold up the control thread:
# while several of them trickle, `net list` is answered in under 100 ms every
# time, timed both as `netctl net list` and as the bare request on the control
# socket (netctl's own start-up is not vswitchd's doing: on a machine so busy
# that it alone nears the limit when idle, only the bare request is held to
# it); each slow message is still served; a message that misses its 2 s
# deadline, and a front-end whose replies pile up unread, are cut off with a
# clear log line; and a normal front-end then sets up a port as usual.
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

# The daemon's side of `net list`, without starting a process: connect,
# send the request netctl sends, read the answer, COUNT times 20 ms apart;
# prints every time in ms.
ctl_probe() {
	python3 - "$T_SOCK" "$1" <<'EOF'
import socket, sys, time
path, count = sys.argv[1], int(sys.argv[2])
out = []
for _ in range(count):
    t0 = time.monotonic()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    s.sendall(b'{"id":1,"method":"net.list","params":{}}\n')
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    s.close()
    out.append(int((time.monotonic() - t0) * 1000))
    time.sleep(0.02)
print(" ".join(str(ms) for ms in out))
EOF
}

# summary MS... - "min/median/max".
summary() {
	local sorted
	sorted=$(printf '%s\n' "$@" | sort -n)
	echo "$(echo "$sorted" | head -1)/$(echo "$sorted" | sed -n "$(( ($# + 1) / 2 ))p")/$(echo "$sorted" | tail -1)"
}

# measure_list COUNT LABEL - run `netctl net list` COUNT times, 50 ms apart,
# while ctl_probe times the same request from inside; fail if one took
# LIMIT_MS or more. netctl's time includes starting a process, which on a
# machine busy with other work can alone come near the limit: when the idle
# figures (IDLE_MAX) are already more than half of it, netctl's times are
# reported and only the probe's asserted.
IDLE_MAX=0
measure_list() {
	local count=$1 label=$2 i t0 t1 ms all=() probe probe_pid
	ctl_probe $(( count * 2 )) >"$T_TMP/probe.out" &
	probe_pid=$!
	track_pid "$probe_pid"
	for ((i = 0; i < count; i++)); do
		t0=$(date +%s%N)
		"$NETCTL_BIN" -s "$T_SOCK" net list >/dev/null || fail "$label: net list failed"
		t1=$(date +%s%N)
		ms=$(( (t1 - t0) / 1000000 ))
		all+=("$ms")
		sleep 0.05
	done
	wait "$probe_pid" || fail "$label: control socket probe failed"
	read -r -a probe <"$T_TMP/probe.out"
	say "$label: netctl net list took $(summary "${all[@]}") ms (min/median/max of $count): ${all[*]}"
	say "$label: the request itself took $(summary "${probe[@]}") ms (of ${#probe[@]}): ${probe[*]}"
	for ms in "${probe[@]}"; do
		[ "$ms" -lt "$LIMIT_MS" ] ||
			fail "$label: vswitchd took $ms ms to answer net list (limit $LIMIT_MS ms); all: ${probe[*]}"
	done
	if [ "$label" = idle ]; then
		IDLE_MAX=$(printf '%s\n' "${all[@]}" | sort -n | tail -1)
	fi
	if [ $(( IDLE_MAX * 2 )) -ge "$LIMIT_MS" ]; then
		say "$label: the machine is busy (netctl took up to $IDLE_MAX ms idle): its times are not asserted"
		return 0
	fi
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
python3 -c '
import sys, time
sys.path.insert(0, sys.argv[1])
import vu_peer
p = vu_peer.Peer(sys.argv[2])
p.setup()
print("vu_peer: set up", flush=True)
time.sleep(60)
' "$(dirname "$0")" "$T_TMP/px.sock" >"$T_TMP/setup.log" 2>&1 &
setup_pid=$!
track_pid "$setup_pid"
wait_ports_up 20 "$NET" px
kill_pid "$setup_pid"

vswitchd_alive || fail "vswitchd is gone"
say "ok: the control thread kept answering while front-ends were slow"
