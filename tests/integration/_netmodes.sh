# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# _netmodes.sh - helpers for the network-mode suites (net_nat, net_modes,
# net_bridged), sourced after lib.sh: an "outside" namespace that plays the
# internet, guest endpoints, listeners that report who connected, and this
# run's own nftables table.
#
# Addresses: the network under test uses $T_SUBNET.0/24; the outside link
# uses $T_OUT.0/24 with the host at .1 and the outside namespace at .2.
# T_OUT's second octet is 128..191, so it never meets any run's T_SUBNET
# (64..127). Traffic only ever goes to these addresses and to loopback.

T_OUT=10.$((T_NET_X + 64)).$T_NET_Y
# Each run owns its own table, so runs side by side never touch each other's rules.
T_TABLE=vswt_$T_ID
T_IP_FORWARD=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null || echo 1)

# Put ip_forward back as we found it, unless some other vswitchd still runs
# (it may rely on forwarding it switched on). Our own table goes in any case.
netmodes_cleanup() {
	nft delete table inet "$T_TABLE" 2>/dev/null || true
	if [ "$T_IP_FORWARD" = 0 ] && ! pgrep -x vswitchd >/dev/null 2>&1; then
		echo 0 >/proc/sys/net/ipv4/ip_forward
	fi
}
on_cleanup netmodes_cleanup

# start_vswitchd_fw [ARGS...] - start_vswitchd with this run's nftables table.
start_vswitchd_fw() { start_vswitchd --nft-table "$T_TABLE" "$@"; }

# nft_table - the table as nft lists it ("" if absent).
nft_table() { nft list table inet "$T_TABLE" 2>/dev/null || true; }

# setup_outside - namespace "out" joined to the host by a veth pair
# ($(ifname o) in the host, $T_OUT.1; "eth0" in the namespace, $T_OUT.2).
OUT_NS=$(nsname out)
OUT_IF=$(ifname o)
setup_outside() {
	add_netns out
	ip link add "$OUT_IF" type veth peer name eth0 netns "$OUT_NS"
	ip addr add "$T_OUT.1/24" dev "$OUT_IF"
	ip link set "$OUT_IF" up
	ip -n "$OUT_NS" addr add "$T_OUT.2/24" dev eth0
	ip -n "$OUT_NS" link set eth0 up
}

# add_guest NET PORT SUFFIX ADDR - a tap port of NET in namespace $(nsname
# SUFFIX), addressed ADDR/24 with its default route through GW (if given).
add_guest() {
	local net=$1 port=$2 suffix=$3 addr=$4 gw=${5:-} ns ifn
	ns=$(nsname "$suffix")
	ifn=$(ifname "$suffix")
	ip netns list | grep -qw -- "$ns" || add_netns "$suffix"
	assert_ok "port add $port" netctl port add "$net" "$port" --type tap --ifname "$ifn" --netns "$ns" >/dev/null
	setup_endpoint "$ns" "$ifn" "$addr/24"
	[ -z "$gw" ] || ip -n "$ns" route add default via "$gw"
}

# start_listener NS SPEC... - a server in NS answering each connection (tcp)
# or datagram (udp) with "peer=ADDRESS port=PORT"; SPEC is tcp:PORT or udp:PORT.
start_listener() {
	local ns=$1
	shift
	cat >"$T_TMP/listen.py" <<'EOF'
import socket, sys, threading

def tcp(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(64)
    while True:
        c, a = s.accept()
        try:
            c.settimeout(2)
            c.recv(4096)
        except OSError:
            pass
        body = "peer=%s port=%d\n" % (a[0], port)
        c.sendall(("HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)).encode())
        c.close()

def udp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    while True:
        d, a = s.recvfrom(2048)
        s.sendto(("peer=%s port=%d\n" % (a[0], port)).encode(), a)

for spec in sys.argv[1:]:
    proto, port = spec.split(":")
    threading.Thread(target=tcp if proto == "tcp" else udp, args=(int(port),), daemon=True).start()
threading.Event().wait()
EOF
	if [ "$ns" = - ]; then
		python3 "$T_TMP/listen.py" "$@" </dev/null >/dev/null 2>&1 &
	else
		ip netns exec "$ns" python3 "$T_TMP/listen.py" "$@" </dev/null >/dev/null 2>&1 &
	fi
	track_pid $!
	LISTENER_PID=$!
}

# http_from NS URL - GET URL from NS ("-" for the host); prints the body.
http_from() {
	if [ "$1" = - ]; then
		curl -s --noproxy '*' --max-time 5 "$2"
	else
		ip netns exec "$1" curl -s --noproxy '*' --max-time 5 "$2"
	fi
}

# udp_from NS ADDR PORT - one datagram to ADDR:PORT from NS; prints the answer.
udp_from() {
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"hello", (sys.argv[1], int(sys.argv[2])))
print(s.recv(2048).decode().strip())' "$2" "$3"
}

# expect_peer WHAT EXPECTED NS URL - the listener saw the client as EXPECTED.
# Retries for 5 s (the listener may still be starting).
expect_peer() {
	local what=$1 want=$2 got="" i
	for ((i = 0; i < 10; i++)); do
		got=$(http_from "$3" "$4" 2>/dev/null || true)
		[ -n "$got" ] && break
		sleep 0.5
	done
	assert_eq "peer=$want" "${got%% port=*}" "$what"
}

# expect_no_connection WHAT NS URL - nothing answers.
expect_no_connection() {
	local got
	got=$(http_from "$2" "$3" 2>/dev/null || true)
	assert_eq "" "$got" "$1"
}
