#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# capture.sh - `netctl capture`: vswitchd captures its own traffic.
#
#   A. Two namespace endpoints on tap ports ping each other. Captures with
#      `icmp`, `ether host`, `--port` and `--direction` keep exactly the
#      matching frames; -c stops at the count; `-w FILE` is read by tcpdump
#      and tshark without complaint; `-w - | tcpdump -r -` works live;
#      without -w netctl prints one line per frame; Ctrl-C ends a capture
#      cleanly with the counters; two captures run at once; a client killed
#      with SIGKILL ends its capture; bad filters and unknown networks or
#      ports are refused (and an existing -w file is left alone).
#   B. Guest-to-guest: DPDK testpmd with two virtio-user ports on vhost-user
#      ports forwards frames in a loop through the switch; they appear in the
#      capture, and tcpdump and tshark read it.
#   C. The same flood with a capture whose reader is slow: the switch keeps
#      forwarding, the capture drops and says how many.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ping iputils-ping
need_cmd tcpdump
need_cmd tshark
need_cmd python3
need_build

start_vswitchd

NET=$(netname a)
NS1=$(nsname 1)
NS2=$(nsname 2)
IF1=$(ifname 1)
IF2=$(ifname 2)
IP1=$T_SUBNET.1
IP2=$T_SUBNET.2
add_netns 1
add_netns 2
assert_ok "net create" netctl net create "$NET" --mode isolated
assert_ok "port add t1" netctl port add "$NET" t1 --type tap --ifname "$IF1" --netns "$NS1"
assert_ok "port add t2" netctl port add "$NET" t2 --type tap --ifname "$IF2" --netns "$NS2"
setup_endpoint "$NS1" "$IF1" "$IP1/24"
setup_endpoint "$NS2" "$IF2" "$IP2/24"
wait_ports_up 10 "$NET" t1 t2
MAC1=$(ns_mac "$NS1" "$IF1")
MAC2=$(ns_mac "$NS2" "$IF2")
ns_ping "$NS1" "$IP2" 2 >/dev/null || fail "ping $IP2 before any capture"

# pcap_count FILE [FILTER...] - frames in FILE (matching FILTER), as tcpdump reads it.
pcap_count() {
	local f=$1
	shift
	tcpdump -n -r "$f" "$@" 2>/dev/null | wc -l
}

# tshark_ok FILE - tshark reads FILE without a complaint; prints the frame count.
tshark_ok() {
	local out err
	out=$(tshark -n -r "$1" 2>"$T_TMP/tshark.err") || fail "tshark -r $1 failed: $(cat "$T_TMP/tshark.err")"
	err=$(grep -v "Running as user \"root\"" "$T_TMP/tshark.err" || true)
	[ -z "$err" ] || fail "tshark complained about $1: $err"
	printf '%s\n' "$out" | grep -c .
}

# pinger NS ADDR - ping every 0.1 s in the background for up to 60 s (PINGER).
pinger() {
	ip netns exec "$1" ping -q -i 0.1 -w 60 "$2" >/dev/null 2>&1 &
	PINGER=$!
	track_pid "$PINGER"
}

# ------------------------------------------------------------------- A
say "A1: -c and -w FILE with an icmp filter; tcpdump and tshark read it"
pinger "$NS1" "$IP2"
# Let the capture see some non-ICMP traffic too: ARP between the endpoints.
ip netns exec "$NS1" ip neigh flush dev "$IF1" || true
assert_ok "capture icmp" netctl capture "$NET" -c 6 -w "$T_TMP/icmp.pcap" icmp >"$T_TMP/a1.out"
assert_contains "$(cat "$T_TMP/a1.out")" "6 packets captured, 0 dropped by switch" "A1 summary"
assert_eq 6 "$(pcap_count "$T_TMP/icmp.pcap")" "A1 frames in the file"
assert_eq 6 "$(pcap_count "$T_TMP/icmp.pcap" icmp)" "A1 ICMP frames in the file"
assert_eq 6 "$(tshark_ok "$T_TMP/icmp.pcap")" "A1 frames tshark sees"
# Timestamps are wall-clock time (within a minute of now) and lengths are the wire's.
first_ts=$(tcpdump -n -tt -r "$T_TMP/icmp.pcap" 2>/dev/null | head -1 | cut -d. -f1)
now=$(date +%s)
[ $((now - first_ts)) -ge 0 ] && [ $((now - first_ts)) -lt 60 ] || fail "A1: first timestamp $first_ts, now $now"
assert_contains "$(tcpdump -n -e -r "$T_TMP/icmp.pcap" 2>/dev/null | head -1)" "length 98" "A1 original length of a ping"

say "A2: a network capture sees each frame once (direction in), the port and direction select"
netctl capture "$NET" -c 8 -w "$T_TMP/net.pcap" icmp 2>/dev/null
assert_eq 4 "$(pcap_count "$T_TMP/net.pcap" 'icmp[icmptype] == icmp-echo')" "A2 echo requests among 8 frames"
assert_eq 4 "$(pcap_count "$T_TMP/net.pcap" 'icmp[icmptype] == icmp-echoreply')" "A2 echo replies among 8 frames"
netctl capture "$NET" --port t1 --direction in -c 5 -w "$T_TMP/t1in.pcap" icmp 2>/dev/null
assert_eq 5 "$(pcap_count "$T_TMP/t1in.pcap" "icmp[icmptype] == icmp-echo and ether src $MAC1")" "A2 t1 in: requests from ns1"
netctl capture "$NET" --port t1 --direction out -c 5 -w "$T_TMP/t1out.pcap" icmp 2>/dev/null
assert_eq 5 "$(pcap_count "$T_TMP/t1out.pcap" "icmp[icmptype] == icmp-echoreply and ether src $MAC2")" "A2 t1 out: replies to ns1"
netctl capture "$NET" --port t2 -c 6 -w "$T_TMP/t2.pcap" icmp 2>/dev/null
assert_eq 6 "$(pcap_count "$T_TMP/t2.pcap")" "A2 t2 both ways"
assert_eq 3 "$(pcap_count "$T_TMP/t2.pcap" 'icmp[icmptype] == icmp-echo')" "A2 t2 both: requests"

say "A3: ether host keeps exactly that host's frames"
netctl capture "$NET" --direction both -c 10 -w "$T_TMP/host.pcap" ether host "$MAC1" 2>/dev/null
assert_eq 10 "$(pcap_count "$T_TMP/host.pcap" ether host "$MAC1")" "A3 frames with $MAC1"

say "A4: without -w, one line per frame"
out=$(netctl capture "$NET" -c 4 icmp 2>"$T_TMP/a4.err")
assert_eq 4 "$(printf '%s\n' "$out" | grep -c "ethertype IPv4 (0x0800), length 98: $T_SUBNET\.[12] > $T_SUBNET\.[12]: ICMP echo")" "A4 summary lines: $out"
assert_contains "$(cat "$T_TMP/a4.err")" "4 packets captured, 0 dropped by switch" "A4 counters"
assert_contains "$(cat "$T_TMP/a4.err")" "capturing on $NET" "A4 banner"
# A reader of the lines that leaves ends the capture, as with tcpdump | head.
out=$(timeout 20 "$NETCTL_BIN" -s "$T_SOCK" capture "$NET" icmp 2>/dev/null | head -n 2) ||
	fail "A4: netctl capture | head -n 2 did not end by itself"
assert_eq 2 "$(printf '%s\n' "$out" | grep -c "ICMP echo")" "A4 lines read by head"

say "A5: -w - | tcpdump -r - reads live"
out=$(netctl capture "$NET" -c 5 -w - icmp 2>"$T_TMP/a5.err" | tcpdump -n -l -r - 2>/dev/null) ||
	fail "A5: netctl capture -w - | tcpdump -r - failed: $(cat "$T_TMP/a5.err")"
assert_eq 5 "$(printf '%s\n' "$out" | grep -c "ICMP echo")" "A5 tcpdump -r - lines: $out"
# A reader that goes away ends the capture: tcpdump -c 2 exits, netctl follows.
timeout 20 bash -c "'$NETCTL_BIN' -s '$T_SOCK' capture '$NET' -w - icmp 2>'$T_TMP/a5.err' | tcpdump -n -r - -c 2 >/dev/null 2>&1" ||
	fail "A5: netctl did not end after tcpdump -c 2 exited"
assert_contains "$(cat "$T_TMP/a5.err")" "packets captured" "A5 counters after the reader left"

say "A6: Ctrl-C ends a capture cleanly; two captures at once"
"$NETCTL_BIN" -s "$T_SOCK" capture "$NET" -w "$T_TMP/int1.pcap" icmp 2>"$T_TMP/int1.err" &
C1=$!
track_pid "$C1"
"$NETCTL_BIN" -s "$T_SOCK" capture "$NET" --direction both -w "$T_TMP/int2.pcap" arp or icmp 2>"$T_TMP/int2.err" &
C2=$!
track_pid "$C2"
wait_until 5 eval 'grep -q "capturing on" "$T_TMP/int1.err" && grep -q "capturing on" "$T_TMP/int2.err"' ||
	fail "A6: the captures did not start: $(cat "$T_TMP/int1.err" "$T_TMP/int2.err")"
sleep 1.5
ip netns exec "$NS2" ip neigh flush dev "$IF2" || true
ip netns exec "$NS2" ping -c 1 -w 3 "$IP1" >/dev/null
sleep 0.5
kill -INT "$C1"
kill -INT "$C2"
rc1=0; wait "$C1" || rc1=$?
rc2=0; wait "$C2" || rc2=$?
assert_eq 0 "$rc1" "A6 exit status of the first capture after SIGINT"
assert_eq 0 "$rc2" "A6 exit status of the second capture after SIGINT"
n1=$(sed -n 's/^\([0-9]*\) packets* captured.*/\1/p' "$T_TMP/int1.err")
n2=$(sed -n 's/^\([0-9]*\) packets* captured.*/\1/p' "$T_TMP/int2.err")
assert_gt "${n1:-0}" 10 "A6 frames in the first capture"
assert_eq "$n1" "$(pcap_count "$T_TMP/int1.pcap")" "A6 the summary counts what the file holds"
assert_eq "$n2" "$(pcap_count "$T_TMP/int2.pcap")" "A6 the second summary counts its file"
assert_eq 0 "$(pcap_count "$T_TMP/int1.pcap" arp)" "A6 no ARP in the icmp capture"
assert_gt "$(pcap_count "$T_TMP/int2.pcap" arp)" 0 "A6 ARP in the arp-or-icmp capture"

say "A7: a client killed with SIGKILL ends its capture"
# To a file, so the client's connection is the only thing that goes away.
"$NETCTL_BIN" -s "$T_SOCK" capture "$NET" -w "$T_TMP/killed.pcap" icmp >/dev/null 2>&1 &
C3=$!
track_pid "$C3"
sleep 0.5
kill -KILL "$C3"
wait "$C3" 2>/dev/null || true
vswitchd_alive || fail "A7: vswitchd died"
wait_until 3 grep -q "ended (client_gone)" "$T_TMP/vswitchd.log" ||
	fail "A7: vswitchd did not end the capture of a killed client"

say "A8: bad filters and unknown objects are refused"
echo keep >"$T_TMP/keep.pcap"
out=$(netctl capture "$NET" -w "$T_TMP/keep.pcap" tcp prot 80 2>&1) && fail "A8: a bad filter was accepted"
assert_contains "$out" "syntax error" "A8 libpcap's message"
assert_eq keep "$(cat "$T_TMP/keep.pcap")" "A8 the existing file after a refused capture"
out=$(netctl capture nosuchnet icmp 2>&1) && fail "A8: an unknown network was accepted"
assert_contains "$out" "network 'nosuchnet' not found" "A8 unknown network"
out=$(netctl capture "$NET" --port nope icmp 2>&1) && fail "A8: an unknown port was accepted"
assert_contains "$out" "port 'nope' not found in network '$NET'" "A8 unknown port"
out=$(netctl capture "$NET" --direction sideways 2>&1) && fail "A8: a bad direction was accepted"
assert_contains "$out" "invalid direction" "A8 bad direction"
kill_pid "$PINGER" 1

# ------------------------------------------------------------------- B, C
if ! command -v dpdk-testpmd >/dev/null 2>&1; then
	say "B, C skipped: dpdk-testpmd not installed"
	stop_vswitchd
	say "ok"
	exit 0
fi
TP_CPU=$(( $(nproc) - 1 ))
TP_PID=""
on_cleanup '[ -z "$TP_PID" ] || kill_pid "$TP_PID" 5; rm -rf /var/run/dpdk/vswt-'"$T_ID"'-*'
mac() { printf '02:76:%s:%s:%s:%02x' "${T_ID:0:2}" "${T_ID:2:2}" "${T_ID:4:2}" "$1"; }
M0=$(mac 1)
M1=$(mac 2)
assert_ok "port add v0" netctl port add "$NET" v0 --type vhost-user --socket "$T_TMP/v0.sock"
assert_ok "port add v1" netctl port add "$NET" v1 --type vhost-user --socket "$T_TMP/v1.sock"
say "B: testpmd, two virtio-user ports, frames looping through the switch"
mkfifo "$T_TMP/tp.in"
stdbuf -oL -eL dpdk-testpmd --no-huge -m 512 --no-pci --file-prefix "vswt-$T_ID-cap" \
	--lcores "0@$TP_CPU,1@$TP_CPU" \
	--vdev "net_virtio_user0,path=$T_TMP/v0.sock,queues=1,mac=$M0" \
	--vdev "net_virtio_user1,path=$T_TMP/v1.sock,queues=1,mac=$M1" \
	-- -i --total-num-mbufs=16384 --forward-mode=mac --eth-peer="0,$M1" --eth-peer="1,$M0" \
	<"$T_TMP/tp.in" >"$T_TMP/testpmd.log" 2>&1 &
TP_PID=$!
track_pid "$TP_PID"
exec {TP_FD}>"$T_TMP/tp.in"
wait_ports_up 20 "$NET" v0 v1
wait_until 10 eval '[ "$(grep -acE "^Port [0-9]+: [0-9A-Fa-f:]{17}" "$T_TMP/testpmd.log")" -ge 2 ]' ||
	fail "B: testpmd did not configure its ports: $(tail -5 "$T_TMP/testpmd.log")"
echo "start tx_first" >&"$TP_FD"
wait_until 10 eval '[ "$(port_stat "$NET" v1 tx_packets)" -gt 1000 ]' ||
	fail "B: no frames looping between the testpmd ports"

netctl capture "$NET" --port v0 --direction in -c 200 -w "$T_TMP/guest.pcap" ether src "$M0" 2>"$T_TMP/b.err" ||
	fail "B: capture failed: $(cat "$T_TMP/b.err")"
assert_eq 200 "$(pcap_count "$T_TMP/guest.pcap" ether src "$M0" and ether dst "$M1")" "B frames from testpmd port 0 to port 1"
assert_eq 200 "$(tshark_ok "$T_TMP/guest.pcap")" "B frames tshark sees"
netctl capture "$NET" --port v0 --direction out -c 50 -w "$T_TMP/guest-out.pcap" 2>/dev/null
assert_eq 50 "$(pcap_count "$T_TMP/guest-out.pcap" ether src "$M1" and ether dst "$M0")" "B frames delivered to testpmd port 0"

say "C: flood with a slow reader: forwarding goes on, drops are counted"
tx_before=$(port_stat "$NET" v1 tx_packets)
# The reader takes 4 KiB every 20 ms for 3 s, far slower than the loop, then leaves.
mkfifo "$T_TMP/slow"
"$NETCTL_BIN" -s "$T_SOCK" capture "$NET" -B 64 -w - udp >"$T_TMP/slow" 2>"$T_TMP/c.err" &
C4=$!
track_pid "$C4"
python3 -c '
import sys, time
end = time.time() + 3
while time.time() < end:
    if not sys.stdin.buffer.read1(4096):
        break
    time.sleep(0.02)
' <"$T_TMP/slow" &
R4=$!
track_pid "$R4"
wait "$R4" || fail "C: the slow reader failed"
# The reader left: netctl ends when vswitchd reports the capture over.
wait_until 5 eval '! kill -0 "$C4" 2>/dev/null' || fail "C: netctl capture did not end after its reader left"
wait "$C4" || fail "C: netctl capture exited with status $?: $(cat "$T_TMP/c.err")"
tx_after=$(port_stat "$NET" v1 tx_packets)
dropped=$(sed -n 's/^[0-9]* packets* captured, \([0-9]*\) dropped by switch$/\1/p' "$T_TMP/c.err")
captured=$(sed -n 's/^\([0-9]*\) packets* captured.*/\1/p' "$T_TMP/c.err")
say "C: $captured captured, $dropped dropped; v1 forwarded $((tx_after - tx_before)) frames meanwhile"
assert_gt "${dropped:-0}" 0 "C dropped by switch"
assert_gt "$((tx_after - tx_before))" "$(( ${captured:-0} * 10 ))" "C frames forwarded while the capture dropped"
echo stop >&"$TP_FD" || true
echo quit >&"$TP_FD" || true
exec {TP_FD}>&-
wait_until 5 eval '! kill -0 "$TP_PID" 2>/dev/null' || true
kill_pid "$TP_PID" 3
TP_PID=""
vswitchd_alive || fail "vswitchd died"
stop_vswitchd
say "ok"
