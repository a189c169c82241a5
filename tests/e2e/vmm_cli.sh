#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vmm_cli.sh - vmm's contract outside the happy path: every bad input is one
# clear line and exit 1 (2 for usage) with nothing left half-created (no VM
# directory, no vswitchd port); duplicate names; a QEMU that dies is shown
# as crashed and its port leaves vswitchd, whether its supervisor is there
# to notice or not; --overlay boots a qcow2 overlay on a shared base; stop,
# rm and the JSON listings.
. "$(dirname "$0")/_guests.sh"

need_guests
need_cmd qemu-img qemu-utils

NET=$(netname c)
K=$GUEST_DIR/vmlinux
I=$GUEST_DIR/initramfs.cpio.gz

# fails_with WHAT STATUS NEEDLE CMD... - CMD exits STATUS with one stderr line containing NEEDLE.
fails_with() {
	local what=$1 want=$2 needle=$3 out rc=0
	shift 3
	out=$("$@" 2>&1 >/dev/null) || rc=$?
	assert_eq "$want" "$rc" "$what: exit status"
	assert_contains "$out" "$needle" "$what: message"
	assert_eq 1 "$(printf '%s\n' "$out" | grep -c .)" "$what: one line ($out)"
	say "ok: $what: $out"
}

# nothing_left NAME - no VM directory and no vswitchd port for NAME.
nothing_left() {
	[ ! -e "$VMM_RUN/$1" ] || fail "$1: $VMM_RUN/$1 left behind: $(ls "$VMM_RUN/$1")"
	if vswitchd_alive; then
		assert_eq "" "$(port_state "$NET" "$1")" "$1: port left in vswitchd"
	fi
}

say "vswitchd not running"
fails_with "no vswitchd" 1 "is vswitchd running?" vmm run x --kernel "$K" --net "$NET"
nothing_left x

start_vswitchd
assert_ok "net create" netctl net create "$NET" --mode isolated >/dev/null

fails_with "usage" 2 "exactly one of --kernel" vmm run x --net "$NET"
fails_with "missing kernel" 1 "kernel '/nonexistent/vmlinux' not found" \
	vmm run x --kernel /nonexistent/vmlinux --net "$NET"
nothing_left x
fails_with "missing initrd" 1 "initrd '$T_TMP/none' not found" \
	vmm run x --kernel "$K" --initrd "$T_TMP/none" --net "$NET"
fails_with "missing disk" 1 "disk image '$T_TMP/none.qcow2' not found" \
	vmm run x --disk "$T_TMP/none.qcow2" --net "$NET"
fails_with "unknown network" 1 "network 'nosuchnet' not found" \
	vmm run x --kernel "$K" --net "$NET" --net nosuchnet
nothing_left x
fails_with "QEMU missing" 1 "QEMU not found" \
	"$VMM_BIN" -s "$T_SOCK" --run-dir "$VMM_RUN" --qemu /nonexistent/qemu-system-x86_64 \
	run x --kernel "$K" --net "$NET"
nothing_left x
if [ -d /sys/module/kvm_pvm ] || ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
	fails_with "--accel kvm without usable KVM" 1 "--accel kvm:" vmm run x --kernel "$K" --accel kvm
fi
# QEMU itself refusing: a kernel file that is not a kernel.
echo "not a kernel" >"$T_TMP/bogus"
fails_with "QEMU fails at start" 1 "QEMU exited during start-up" \
	vmm run x --kernel "$T_TMP/bogus" --net "$NET" --detach
nothing_left x
fails_with "unknown VM" 1 "no VM named 'ghost'" vmm info ghost
fails_with "unknown command" 2 "unknown command 'frobnicate'" vmm frobnicate

say "a guest, and a second one with the same name"
start_guest c1 "vswitch.ip=eth0:$T_SUBNET.11/24" --net "$NET"
fails_with "duplicate name" 1 "a VM named 'c1' already exists (running)" \
	vmm run c1 --kernel "$K" --initrd "$I" --net "$NET" --detach
assert_eq running "$(vm_field c1 'd["state"]')" "c1 after the duplicate attempt"
assert_eq up "$(wait_until 20 ports_up "$NET" c1 && echo up)" "c1's port"
fails_with "MAC in use" 1 "is already used by another VM" \
	vmm run c2 --kernel "$K" --initrd "$I" --net "$NET,mac=$(vm_field c1 'd["nics"][0]["mac"]')" --detach
nothing_left c2
wait_serial c1 "VSWITCH-GUEST-READY" 60

say "QEMU killed: the supervisor records the crash and removes the port"
pid=$(vm_field c1 'd["qemu_pid"]')
kill -KILL "$pid"
wait_until 10 vm_state_is c1 crashed || fail "c1 not shown as crashed: $(vm_field c1 'd["state"]')"
assert_contains "$(vm_field c1 'd["exit_reason"]')" "signal 9" "c1's exit reason"
wait_until 5 port_gone "$NET" c1 || fail "c1's port still in vswitchd"
vmm list

say "QEMU and its supervisor killed: the next vmm command notices"
start_guest c1 "vswitch.ip=eth0:$T_SUBNET.11/24" --net "$NET"
kill -KILL "$(vm_field c1 'd["supervisor_pid"]')"
kill -KILL "$(vm_field c1 'd["qemu_pid"]')"
sleep 0.5
list=$(vmm --json list)
assert_eq crashed "$(pyjson '[v["state"] for v in d["vms"] if v["name"] == "c1"][0]' <<<"$list")" "c1 in vmm list"
assert_eq "" "$(port_state "$NET" c1)" "c1's port after the next vmm command"

say "--overlay: a qcow2 overlay on a shared base image"
qemu-img create -q -f raw "$T_TMP/base.img" 16M
assert_ok "run d1 --overlay" vmm run d1 --disk "$T_TMP/base.img" --overlay --memory 64M --net "$NET" --detach
assert_ok "run d2 --overlay" vmm run d2 --disk "$T_TMP/base.img" --overlay --memory 64M --detach
for d in d1 d2; do
	info=$(qemu-img info -U --output=json "$VMM_RUN/$d/disk.qcow2")
	assert_eq "qcow2 $T_TMP/base.img" "$(pyjson 'd["format"] + " " + d["backing-filename"]' <<<"$info")" "$d's overlay"
done
info=$(vmm info d1)
echo "$info"
assert_contains "$info" "backing:   $T_TMP/base.img" "vmm info d1 names the base image"
assert_ok "stop d1 --force" vmm stop d1 --force
assert_ok "stop d2 --force" vmm stop d2 --force

say "stop, rm"
start_guest c3 "vswitch.ip=eth0:$T_SUBNET.13/24" --net "$NET"
wait_serial c3 "VSWITCH-GUEST-READY" 60
out=$(printf 'echo console-says-$((6 * 7)) $(hostname)\n' | vmm console c3)
assert_contains "$out" "console-says-42 c3" "vmm console without a terminal"
out=$(assert_ok "stop c3" vmm stop c3)
assert_contains "$out" "c3: stopped" "stop c3"
assert_eq "" "$(port_state "$NET" c3)" "c3's port after stop"
fails_with "stop a stopped VM" 1 "is not running" vmm stop c3
fails_with "console of a stopped VM" 1 "is not running" vmm console c3
assert_ok "rm c3" vmm rm c3
[ ! -e "$VMM_RUN/c3" ] || fail "c3's directory left after rm"
assert_eq "c1 d1 d2" "$(vmm --json list | pyjson '" ".join(v["name"] for v in d["vms"])')" "VMs after rm"

say "foreground run: serial output on stdout, Ctrl-C (SIGINT) powers the guest down"
"$VMM_BIN" -s "$T_SOCK" --run-dir "$VMM_RUN" run fg --kernel "$K" --initrd "$I" \
	--append "console=ttyS0 quiet vswitch.name=fg" --memory 128M --net "$NET" \
	</dev/null >"$T_TMP/fg.out" 2>&1 &
fg_pid=$!
track_pid "$fg_pid"
wait_serial fg "VSWITCH-GUEST-READY" 60
assert_eq up "$(wait_until 10 ports_up "$NET" fg && echo up)" "fg's port"
kill -INT "$fg_pid"
rc=0
wait "$fg_pid" || rc=$?
cat "$T_TMP/fg.out"
assert_eq 0 "$rc" "foreground vmm run's exit status after SIGINT"
assert_contains "$(cat "$T_TMP/fg.out")" "VSWITCH-GUEST-READY fg" "serial output followed"
assert_contains "$(cat "$T_TMP/fg.out")" "fg stopped" "foreground run's last word"
assert_eq stopped "$(vm_field fg 'd["state"]')" "fg's state"
assert_eq "" "$(port_state "$NET" fg)" "fg's port after the foreground run"

stop_vswitchd
say "passed"
