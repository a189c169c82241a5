# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared helpers for integration scripts: skipping, unique names,
# starting vswitchd, the netctl wrapper, cleanup and assertions.
#
# Source it first thing:   . "$(dirname "$0")/lib.sh"
#
# Theory of operation: every object a test creates (network namespaces,
# interfaces, networks, temporary files, sockets) carries one short token,
# T_ID, six hex digits unique to this run (tests/run passes it as VSWT_ID so it
# can look for leftovers afterwards). Cleanup therefore needs no registry: on
# any exit it kills the PIDs this script started (and only those), deletes
# every namespace and link whose name carries T_ID, and removes the temporary
# directory. Skip reasons are the last line on stderr, so everything else this
# library says goes to stdout, and cleanup never writes to stderr after a skip.
#
# Exit codes: 0 pass, 77 skip (see skip), anything else fail.

set -Eeuo pipefail

T_ROOT=${VSWT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-build}
case "$BUILD" in /*) T_BUILD=$BUILD ;; *) T_BUILD=$T_ROOT/$BUILD ;; esac
VSWITCHD_BIN=${VSWITCHD_BIN:-$T_BUILD/vswitchd}
NETCTL_BIN=${NETCTL_BIN:-$T_BUILD/netctl}
T_NAME=$(basename "$0" .sh)

# The run's token: six hex digits. Interface names are "vt" + T_ID + up to 7
# more characters, which fits the kernel's 15.
T_ID=${VSWT_ID:-$(printf '%06x' $(( (RANDOM << 9 ^ RANDOM ^ $$) & 0xffffff )))}
case "$T_ID" in
[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ;;
*) echo "lib.sh: VSWT_ID must be six hex digits, got '$T_ID'" >&2; exit 1 ;;
esac
# A /24 unique enough to this run: 10.X.Y.0/24 (X in 64..127 keeps clear of
# common 10.0/16 and 10.1/16 lab ranges). Tests build further subnets from T_NET_Y.
T_NET_X=$(( 64 + (0x${T_ID:0:2} & 63) ))
T_NET_Y=$(( 0x${T_ID:2:2} ))
# shellcheck disable=SC2034 # used by the scripts that source this file
T_SUBNET=10.$T_NET_X.$T_NET_Y

T_TMP=""
T_STATE=""
T_RUN=""
T_SOCK=""
VSWITCHD_PID=""
T_PIDS=()		# every background process this script started
T_CLEANUP_HOOKS=()	# commands run first at cleanup (e.g. chmod back)

# --------------------------------------------------------------- messages

# say MSG... - progress, with a timestamp, on stdout.
say() { printf '[%s] %s\n' "$(date +%T.%3N)" "$*"; }

# skip REASON - this machine cannot run the test: exit 77, reason on stderr.
skip() {
	T_SKIPPING=1
	echo "SKIP: $*" >&2
	exit 77
}

# fail MSG - the test failed: say why on stderr and exit 1.
fail() {
	local why=""
	if [ -n "${VSWITCHD_PID:-}" ] && { ! kill -0 "$VSWITCHD_PID" 2>/dev/null ||
	   [ "$(ps -o stat= -p "$VSWITCHD_PID" 2>/dev/null | cut -c1)" = Z ]; }; then
		why=" [vswitchd (pid $VSWITCHD_PID) is no longer running]"
	fi
	echo "FAIL: $*$why" >&2
	exit 1
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (creates namespaces and tap interfaces)"
	# Containers without CAP_NET_ADMIN or /dev/net/tun cannot run these tests.
	[ -c /dev/net/tun ] || skip "needs /dev/net/tun"
	ip netns add "vswt-$T_ID-probe" 2>/dev/null || skip "cannot create network namespaces (ip netns add failed)"
	ip netns delete "vswt-$T_ID-probe" 2>/dev/null || true
}

# need_cmd CMD [PACKAGE] - skip unless CMD is installed.
need_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip "needs '$1' (Debian package ${2:-$1}; scripts/install-deps installs it)"
}

# need_build - skip unless vswitchd and netctl are built.
need_build() {
	[ -x "$VSWITCHD_BIN" ] || skip "$VSWITCHD_BIN not built (run make)"
	[ -x "$NETCTL_BIN" ] || skip "$NETCTL_BIN not built (run make)"
}

# ----------------------------------------------------------------- names

# ifname SUFFIX - an interface name unique to this run (at most 15 characters).
ifname() {
	local n="vt$T_ID$1"
	[ ${#n} -le 15 ] || { echo "lib.sh: interface name '$n' longer than 15" >&2; exit 1; }
	echo "$n"
}

# nsname SUFFIX - a network namespace name unique to this run.
nsname() { echo "vswt-$T_ID-$1"; }

# netname SUFFIX - a network name unique to this run; short enough for the
# daemon's "vsw-<net>" gateway interface (at most 11 characters).
netname() {
	local n="t$T_ID$1"
	[ ${#n} -le 11 ] || { echo "lib.sh: network name '$n' longer than 11" >&2; exit 1; }
	echo "$n"
}

# add_netns SUFFIX - create namespace $(nsname SUFFIX) with lo up.
add_netns() {
	local ns
	ns=$(nsname "$1")
	ip netns add "$ns"
	ip -n "$ns" link set lo up
}

# --------------------------------------------------------------- cleanup

# track_pid PID - kill PID at cleanup.
track_pid() { T_PIDS+=("$1"); }

# on_cleanup CMD... - run CMD first thing at cleanup (as one string, eval'd).
on_cleanup() { T_CLEANUP_HOOKS+=("$*"); }

# kill_pid PID [GRACE] - TERM, wait up to GRACE seconds (default 3), then KILL;
# reaps it if it is our child. Only ever the given PID.
kill_pid() {
	local pid=$1 grace=${2:-3} i
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < grace * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		# A zombie child counts as gone once reaped.
		if [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ]; then break; fi
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# save_vswitchd_log - copy the daemon log next to the test's log and print its tail.
save_vswitchd_log() {
	[ -n "$T_TMP" ] && [ -s "$T_TMP/vswitchd.log" ] || return 0
	local dest="$T_BUILD/test-logs/integration/$T_NAME.vswitchd.log"
	mkdir -p "$(dirname "$dest")" 2>/dev/null && cp "$T_TMP/vswitchd.log" "$dest" 2>/dev/null || dest=""
	echo "--- last 30 lines of vswitchd.log${dest:+ (whole log: $dest)} ---"
	tail -n 30 "$T_TMP/vswitchd.log"
	echo "---"
}

t_cleanup() {
	local rc=$? h pid ns l
	trap - EXIT INT TERM HUP ERR
	set +eEu
	for h in "${T_CLEANUP_HOOKS[@]}"; do
		eval "$h" >/dev/null 2>&1
	done
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		save_vswitchd_log
	fi
	for pid in "${T_PIDS[@]}"; do
		kill_pid "$pid" 2
	done
	# A sanitizer run (tests/run asan/*) also looks for reports in the
	# daemon's log, which goes away with T_TMP.
	if [ -n "${VSWT_SANITIZER_DIR:-}" ] && [ -n "$T_TMP" ] && [ -s "$T_TMP/vswitchd.log" ]; then
		cp "$T_TMP/vswitchd.log" "$VSWT_SANITIZER_DIR/$T_NAME.vswitchd.log" 2>/dev/null
	fi
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -F -- "vswt-$T_ID-"); do
		ip netns delete "$ns" >/dev/null 2>&1
	done
	# Interfaces outlive vswitchd (taps, gateways vsw-NET, bridges): every
	# one carrying the token goes, and so does an nftables table named with it.
	for l in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -F -- "$T_ID"); do
		ip link delete "$l" >/dev/null 2>&1
	done
	for l in $(nft list tables 2>/dev/null | awk '{print $3}' | grep -F -- "$T_ID"); do
		nft delete table inet "$l" >/dev/null 2>&1
	done
	if [ -n "$T_TMP" ] && [ -d "$T_TMP" ]; then
		if [ -n "${KEEP_TMP:-}" ]; then
			echo "keeping $T_TMP (KEEP_TMP set)"
		else
			rm -rf "$T_TMP"
		fi
	fi
	exit "$rc"
}
trap t_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP
# With set -E, say where an unexpected command failure happened.
# shellcheck disable=SC2154
# Only the main shell reports: inside $(...) a failing grep -c is often fine, and
# a real failure there shows up again as the failing assignment in the caller.
trap 't_rc=$?; [ -n "${T_SKIPPING:-}" ] || [ "$BASHPID" != "$$" ] ||
	echo "FAIL: $T_NAME.sh:$LINENO: command failed (status $t_rc): $BASH_COMMAND" >&2' ERR

T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vswt-$T_ID.XXXXXX")
T_STATE=$T_TMP/state
T_RUN=$T_TMP/run
T_SOCK=$T_RUN/vswitchd.sock
mkdir -p "$T_STATE" "$T_RUN"
say "$T_NAME: id $T_ID, tmp $T_TMP"

# -------------------------------------------------------------- vswitchd

# netctl ARGS... - the CLI against this test's daemon; a hang becomes status 124.
netctl() { timeout 30 "$NETCTL_BIN" -s "$T_SOCK" "$@"; }

# start_vswitchd [ARGS...] - start the daemon in the background on this test's
# directories and wait (10 s at most) until it answers `net list`.
start_vswitchd() {
	local i
	say "starting vswitchd"
	# The daemon inherits no descriptor of ours beyond stdio (a FIFO writer
	# held open by the daemon would keep a peer such as testpmd from seeing EOF).
	(
		for fd in /proc/$BASHPID/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
		done
		# Rules outlive vswitchd: a table of its own per test, removed at cleanup.
		table=()
		[[ " $* " == *" --nft-table "* ]] || table=(--nft-table "vswt_$T_ID")
		exec "$VSWITCHD_BIN" --foreground --state-dir "$T_STATE" --run-dir "$T_RUN" \
			--log-level debug "${table[@]}" "$@" </dev/null >>"$T_TMP/vswitchd.log" 2>&1
	) &
	VSWITCHD_PID=$!
	track_pid "$VSWITCHD_PID"
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$VSWITCHD_PID" 2>/dev/null; then
			wait "$VSWITCHD_PID" 2>/dev/null && i=0 || i=$?
			fail "vswitchd exited during start-up (status $i)"
		fi
		# Up, and done starting the networks it had (they start in the background).
		if [ -S "$T_SOCK" ] && netctl --json net list 2>/dev/null | grep -q '"networks"' &&
		   ! netctl --json net list 2>/dev/null | grep -q '"state": *"starting"'; then
			say "vswitchd up, pid $VSWITCHD_PID"
			return 0
		fi
		sleep 0.1
	done
	fail "vswitchd did not answer 'net list' on $T_SOCK within 10 s"
}

# stop_vswitchd - SIGTERM the daemon (clean stop); it must exit with status 0
# within 5 s.
stop_vswitchd() {
	local pid=$VSWITCHD_PID i rc=0
	[ -n "$pid" ] || return 0
	say "stopping vswitchd (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		[ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null && [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != Z ]; then
		fail "vswitchd (pid $pid) still running 5 s after SIGTERM"
	fi
	wait "$pid" 2>/dev/null || rc=$?
	VSWITCHD_PID=""
	[ "$rc" -eq 0 ] || fail "vswitchd exited with status $rc after SIGTERM (expected 0)"
}

# kill9_vswitchd - SIGKILL the daemon and reap it.
kill9_vswitchd() {
	[ -n "$VSWITCHD_PID" ] || return 0
	say "kill -9 vswitchd (pid $VSWITCHD_PID)"
	kill -KILL "$VSWITCHD_PID"
	wait "$VSWITCHD_PID" 2>/dev/null || true
	VSWITCHD_PID=""
}

# vswitchd_alive - whether the daemon we started still runs.
vswitchd_alive() { [ -n "$VSWITCHD_PID" ] && kill -0 "$VSWITCHD_PID" 2>/dev/null; }

# ------------------------------------------------------------------ JSON

# pyjson EXPR - evaluate Python EXPR with d bound to the JSON on stdin; print
# the result (JSON for lists and dicts, plain text otherwise).
pyjson() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
r = eval(sys.argv[1], {"d": d, "sum": sum, "len": len, "any": any, "all": all, "sorted": sorted})
if isinstance(r, (dict, list)):
    print(json.dumps(r, sort_keys=True))
elif isinstance(r, bool):
    print("true" if r else "false")
else:
    print(r)
' "$1"
}

# port_stat NET PORT FIELD - one counter of one port, e.g. rx_packets, or
# drops.no_buffers.
port_stat() {
	netctl --json stats "$1" "$2" | pyjson '
[p for p in d["ports"] if p["name"] == "'"$2"'"][0]["stats"]'"$(printf '["%s"]' ${3//./ })"
}

# ------------------------------------------------------------- assertions

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

# expect_eq EXPECTED ACTUAL WHAT - like assert_eq, but the test goes on; the
# failure is reported (and the test fails) at finish_checks. For checks whose
# failure should not hide what later steps would find.
T_LATER=()
expect_eq() {
	if [ "$1" != "$2" ]; then
		echo "deferred failure: $3: expected '$1', got '$2'"
		T_LATER+=("$3: expected '$1', got '$2'")
	fi
}

# finish_checks - fail now if any expect_eq failed.
finish_checks() {
	[ ${#T_LATER[@]} -eq 0 ] && return 0
	local IFS=";"
	fail "${#T_LATER[@]} deferred check(s) failed: ${T_LATER[*]}"
}

# assert_ne UNEXPECTED ACTUAL WHAT
assert_ne() {
	[ "$1" != "$2" ] || fail "$3: expected anything but '$1'"
}

# assert_gt ACTUAL LIMIT WHAT - integer ACTUAL > LIMIT.
assert_gt() {
	[[ $1 =~ ^-?[0-9]+$ ]] || fail "$3: expected a number > $2, got '$1'"
	[ "$1" -gt "$2" ] || fail "$3: expected > $2, got $1"
}

# assert_ge ACTUAL LIMIT WHAT - integer ACTUAL >= LIMIT.
assert_ge() {
	[[ $1 =~ ^-?[0-9]+$ ]] || fail "$3: expected a number >= $2, got '$1'"
	[ "$1" -ge "$2" ] || fail "$3: expected >= $2, got $1"
}

# assert_contains HAYSTACK NEEDLE WHAT
assert_contains() {
	[[ $1 == *"$2"* ]] || fail "$3: expected output containing '$2', got: $1"
}

# assert_not_contains HAYSTACK NEEDLE WHAT
assert_not_contains() {
	[[ $1 != *"$2"* ]] || fail "$3: expected output without '$2', got: $1"
}

# assert_ok WHAT CMD... - CMD must succeed; its output is shown if not.
assert_ok() {
	local what=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] || fail "$what: '$*' exited $rc, expected success; output: $out"
	printf '%s\n' "$out"
}

# assert_fails WHAT CMD... - CMD must fail; it is shown if it succeeded.
assert_fails() {
	local what=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" -ne 0 ] || fail "$what: '$*' succeeded, expected failure; output: $out"
}

# wait_until SECONDS CMD... - poll CMD every 0.2 s until it succeeds; status 1
# on timeout.
wait_until() {
	local deadline=$(( $(date +%s%N) / 1000000 + $1 * 1000 ))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ $(( $(date +%s%N) / 1000000 )) -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# ------------------------------------------------------------- networking

# ns_ping NS ADDR [COUNT] - ping from NS: succeeds only when all COUNT (3)
# echo requests are answered within 10 s (time enough for ARP); output shown.
ns_ping() {
	ip netns exec "$1" ping -c "${3:-3}" -i 0.2 -w 10 "$2"
}

# ns_ping_fails NS ADDR - succeeds when no echo reply comes back within 3 s.
ns_ping_fails() {
	! ip netns exec "$1" ping -c 3 -i 0.2 -W 1 -w 3 "$2" >/dev/null 2>&1
}

# link_gone NS IF - IF does not exist in NS ("-" for the host namespace).
link_gone() {
	if [ "$1" = - ]; then
		! ip link show "$2" >/dev/null 2>&1
	else
		! ip -n "$1" link show "$2" >/dev/null 2>&1
	fi
}

# port_state NET PORT - "up", "waiting", "broken" ("" if there is no such port).
port_state() {
	netctl --json port list "$1" | pyjson '
([p["state"] for p in d["ports"] if p["name"] == "'"$2"'"] or [""])[0]'
}

# ports_up NET PORT... - every named port is "up".
ports_up() {
	local net=$1 p
	shift
	for p in "$@"; do
		[ "$(port_state "$net" "$p")" = up ] || return 1
	done
}

# wait_ports_up SECONDS NET PORT... - wait until every named port is "up".
wait_ports_up() {
	local secs=$1
	shift
	wait_until "$secs" ports_up "$@" ||
		fail "ports ${*:2} of $1 not 'up' within $secs s; states: $(port_states "$1")"
}

# port_states NET - "name=state ..." for every port of NET, on one line.
port_states() {
	netctl --json port list "$1" 2>&1 | pyjson '" ".join("%s=%s" % (p["name"], p["state"]) for p in d["ports"])' 2>&1 | tr '\n' ' '
}

# fdb_port_of NET MAC - the port the FDB has MAC on ("" if none).
fdb_port_of() {
	netctl --json fdb "$1" | pyjson '
",".join(e["port"] for e in d["entries"] if e["mac"].lower() == "'"${2,,}"'")'
}

# ns_mac NS IF - MAC address of IF inside NS.
ns_mac() {
	ip netns exec "$1" cat "/sys/class/net/$2/address"
}

# link_count IF [NS] - how many links named IF exist (host or NS).
link_count() {
	local n
	if [ $# -ge 2 ]; then
		n=$(ip -n "$2" -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -cx -- "$1" || true)
	else
		n=$(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -cx -- "$1" || true)
	fi
	echo "${n:-0}"
}

# wait_link_in_ns NS IF [SECONDS] - wait until IF exists in NS.
wait_link_in_ns() {
	wait_until "${3:-5}" ip -n "$1" link show "$2" ||
		fail "interface $2 did not appear in namespace $1 within ${3:-5} s"
}

# setup_endpoint NS IF ADDR/LEN - address IF in NS and bring it up (vswitchd
# brings a moved link up too; doing it here keeps the test independent of that).
# IPv6 is switched off on IF so that router solicitations and MLD reports do
# not move the counters tests compare.
setup_endpoint() {
	wait_link_in_ns "$1" "$2"
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" || true
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" link set "$2" up
}
