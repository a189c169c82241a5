#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# examples.sh - the lab files in examples/ with the commands README.md and
# docs/labs.md give for them, word for word: `netctl lab up
# examples/router-line.yaml` from the repository root and `netctl lab up
# /ABSOLUTE/PATH/router-line.yaml` from elsewhere, then `lab status`, `lab
# graph` (DOT, and --svg when graphviz is installed) and `lab down`; the same
# for nat-pair.yaml, whose forward of host port 8080 reaches web's httpd.
# Each lab must come up with every node ready and go down leaving no
# network, port, interface, VM record, lab record or QEMU behind. The files
# are used as they are (their relative kernel paths, their names), so the
# socket and vmm's run directory come from $VSWITCH_SOCKET and $VMM_RUN_DIR,
# as the documentation says.

# The examples name ../build/guest: the image must be the repository's own.
# shellcheck disable=SC2034 # read by _guests.sh
GUEST_DIR=${VSWT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/build/guest
. "$(dirname "$0")/_lab.sh"

need_guests
need_cmd nft nftables
need_cmd curl
start_vswitchd_fw
need_methods forward.add dhcp.leases
export VSWITCH_SOCKET=$T_SOCK

# documented DIR ARGS... - netctl ARGS... run in DIR, as a user types it.
documented() {
	local dir=$1
	shift
	(cd "$dir" && timeout 300 "$NETCTL_BIN" "$@")
}

# The examples' own lab names; a test that fails half-way takes them down.
examples_down() {
	local name
	for name in line natpair; do
		[ -f "$VMM_RUN/.labs/$name.json" ] && documented "$T_ROOT" lab down "$name" >/dev/null 2>&1
	done
	return 0
}
on_cleanup examples_down

# nothing_left LAB - after `lab down LAB`: no trace of it anywhere.
nothing_left() {
	local lab=$1
	assert_eq "" "$(netctl --json net list | pyjson '" ".join(n["name"] for n in d["networks"])')" "networks after down"
	assert_eq "" "$(netctl --json port list | pyjson '" ".join(p["name"] for p in d["ports"])')" "ports after down"
	assert_eq 0 "$(netctl --json forward list | pyjson 'len(d["forwards"])')" "forwards after down"
	assert_eq "" "$(pgrep -f -- "$VMM_RUN/" || true)" "QEMU or vmm processes after down"
	assert_eq "" "$(ip -o link show | grep -F "vsw-$lab" || true)" "interfaces after down"
	assert_eq "" "$(nft_table | grep -F "$lab" || true)" "nftables rules naming the lab"
	assert_eq "" "$(compgen -G "$VMM_RUN/$lab-*" || true)" "VM records after down"
	[ ! -e "$VMM_RUN/.labs/$lab.json" ] || fail "the record of lab $lab is still there"
	assert_fails "status after down" documented "$T_ROOT" lab status "$lab"
}

# cycle LAB DIR FILE CHECK NODE... - up FILE from DIR (every NODE ready),
# status, graph, CHECK LAB (what the example is for), down.
cycle() {
	local lab=$1 dir=$2 file=$3 check=$4 out node
	shift 4
	say "lab up $file (from $dir)"
	out=$(assert_ok "lab up $file" documented "$dir" lab up "$file")
	echo "$out"
	for node in "$@"; do
		grep -qE "^$node +ready " <<<"$out" || fail "node $node not reported ready"
	done
	assert_contains "$out" "lab $lab: up in" "last line of lab up"

	out=$(assert_ok "lab status $lab" documented "$dir" lab status "$lab")
	for node in "$@"; do
		grep -qE "^$node +$lab-$node +running " <<<"$out" || fail "lab status: $node not running: $out"
	done
	out=$(assert_ok "lab graph $lab" documented "$dir" lab graph "$lab")
	assert_contains "$out" "graph \"$lab\" {" "DOT header"
	if command -v dot >/dev/null; then
		# The documented command writes $lab.svg where it runs: here, the test's directory.
		assert_ok "lab graph $lab --svg $lab.svg" documented "$T_TMP" lab graph "$lab" --svg "$lab.svg" >/dev/null
		grep -q "<svg" "$T_TMP/$lab.svg" || fail "no SVG written"
	fi
	"$check" "$lab"

	say "lab down $lab"
	assert_ok "lab down $lab" documented "$dir" lab down "$lab" >/dev/null
	nothing_left "$lab"
}

line_check() {
	local got
	got=$(guest_sh "$1-r1" 30 "ping -c 2 -i 0.3 -W 2 10.0.23.3") || fail "r1 could not ping r3: $got"
	assert_contains "$got" "ttl=63" "r1 reaches r3 through r2"
}

natpair_check() {
	local page
	page=$(http_from - "http://127.0.0.1:8080/" || true)
	assert_contains "$page" "hello from web" "curl http://127.0.0.1:8080/ (the forward to web)"
}

cycle line "$T_ROOT" examples/router-line.yaml line_check r1 r2 r3
cycle line / "$T_ROOT/examples/router-line.yaml" line_check r1 r2 r3
cycle natpair "$T_ROOT" examples/nat-pair.yaml natpair_check web client
cycle natpair / "$T_ROOT/examples/nat-pair.yaml" natpair_check web client

stop_vswitchd
say "passed"
