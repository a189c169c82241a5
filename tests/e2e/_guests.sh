# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# _guests.sh - helpers for the end-to-end suites: real QEMU guests (the image
# from scripts/build-guest-image) started by vmm on this run's vswitchd.
# Sourced first thing; it brings in the integration helpers (lib.sh: names,
# vswitchd, cleanup; _netmodes.sh: outside namespace, listeners, nftables
# table).
#
# Every guest runs under TCG here (the machines' KVM is kvm-pvm): keep them
# small. Cleanup kills each guest's QEMU and supervisor by PID (from the VM
# records); vmm's run directory lives in the test's temporary directory, so
# the runner's leak check sees any survivor by its command line.

# shellcheck source=../integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"
# shellcheck source=../integration/_netmodes.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/_netmodes.sh"

VMM_BIN=${VMM_BIN:-$T_BUILD/vmm}
GUEST_DIR=${GUEST_DIR:-$T_BUILD/guest}
VMM_RUN=$T_TMP/vmm
GUEST_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/guest.py
GUEST_MEMORY=${GUEST_MEMORY:-192M}

# need_guests - skip unless this machine can boot the test guests.
need_guests() {
	need_root
	need_build
	[ -x "$VMM_BIN" ] || skip "$VMM_BIN not built (run make)"
	need_cmd qemu-system-x86_64 qemu-system-x86
	need_cmd python3
	if ! "$T_ROOT/scripts/build-guest-image" --quiet --out "$GUEST_DIR" >"$T_TMP/guest-image.log" 2>&1; then
		skip "cannot build the guest image: $(tail -n 1 "$T_TMP/guest-image.log")"
	fi
}

# vmm ARGS... - vmm against this test's vswitchd and run directory.
vmm() { timeout 90 "$VMM_BIN" -s "$T_SOCK" --run-dir "$VMM_RUN" "$@"; }

# vm_field NAME EXPR - a value from `vmm --json info NAME` (pyjson EXPR).
vm_field() { vmm --json info "$1" | pyjson "$2"; }

# vm_state_is NAME STATE - for wait_until: vmm shows NAME in STATE.
vm_state_is() { [ "$(vm_field "$1" 'd["state"]' 2>/dev/null)" = "$2" ]; }

# port_gone NET PORT - for wait_until: vswitchd has no PORT in NET.
port_gone() { [ -z "$(port_state "$1" "$2")" ]; }

# kill_guests - kill every QEMU and supervisor this run started, by PID.
kill_guests() {
	local rec pid
	for rec in "$VMM_RUN"/*/vm.json; do
		[ -f "$rec" ] || continue
		for pid in $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("qemu_pid",0), d.get("supervisor_pid",0))' "$rec"); do
			[ "$pid" -gt 1 ] || continue
			# Only our own processes: their command lines name our run directory.
			if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$VMM_RUN"; then
				kill -KILL "$pid" 2>/dev/null
			fi
		done
	done
	return 0
}
on_cleanup kill_guests

# start_guest NAME "KERNEL ARGS" --net NET... - boot a test guest, detached.
# Records its boot start in BOOT_START[NAME] (ms).
declare -A BOOT_START
start_guest() {
	local name=$1 extra=$2
	shift 2
	BOOT_START[$name]=$(( $(date +%s%N) / 1000000 ))
	assert_ok "vmm run $name" vmm run "$name" --kernel "$GUEST_DIR/vmlinux" \
		--initrd "$GUEST_DIR/initramfs.cpio.gz" \
		--append "console=ttyS0 quiet panic=-1 vswitch.name=$name $extra" \
		--memory "$GUEST_MEMORY" --cpus 1 --detach "$@"
}

# serial NAME - the guest's serial log so far.
serial() { cat "$VMM_RUN/$1/serial.log" 2>/dev/null || true; }

# wait_serial NAME PATTERN SECONDS - wait for an extended regex in the serial log.
wait_serial() {
	local name=$1 pattern=$2 secs=$3
	wait_until "$secs" grep -qE -- "$pattern" "$VMM_RUN/$name/serial.log" ||
		fail "guest $name: no '$pattern' on its serial console within $secs s; last lines: $(serial "$name" | tail -n 5 | tr '\r\n' '  ')"
}

# wait_net_up NAME IF SECONDS - wait until IF has an address; prints ADDR (no length).
# Also reports how long the guest took from `vmm run` to that point.
wait_net_up() {
	local name=$1 ifc=$2 secs=$3 addr
	wait_serial "$name" "VSWITCH-NET-UP $ifc " "$secs"
	addr=$(serial "$name" | tr -d '\r' | sed -n "s/.*VSWITCH-NET-UP $ifc \([0-9.]*\)\/.*/\1/p" | tail -n 1)
	if [ -n "${BOOT_START[$name]:-}" ] && [ "$ifc" = eth0 ]; then
		say "guest $name: $ifc $addr, $(( $(date +%s%N) / 1000000 - BOOT_START[$name] )) ms after vmm run" >&2
	fi
	echo "$addr"
}

# guest_sh NAME SECONDS COMMAND - run COMMAND in the guest's shell (serial
# console); prints its output; returns its status.
guest_sh() {
	python3 "$GUEST_PY" "$VMM_RUN/$1/console.sock" "$2" "$3"
}

# lease_ip NET MAC - the address vswitchd's DHCP leased to MAC ("" if none).
lease_ip() {
	netctl --json dhcp leases "$1" 2>/dev/null | pyjson '
([l["ip"] for l in (d["leases"] if isinstance(d, dict) else d) if l["mac"].lower() == "'"${2,,}"'"] or [""])[0]'
}

# need_methods METHOD... - skip unless vswitchd serves every METHOD (features
# still being built elsewhere: nat networks and forwards, DHCP).
need_methods() {
	local cmds m
	cmds=$(netctl list-commands 2>/dev/null || true)
	for m in "$@"; do
		grep -qw -- "$m" <<<"$cmds" || skip "vswitchd does not serve '$m' yet"
	done
}
