#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab_cli.sh - `netctl lab` as a user meets it: a bad topology file is one
# line naming the file and line (bad YAML, unknown keys, duplicates, missing
# references) with exit 2 and nothing created; a failure part-way (a node
# whose kernel is missing) leaves nothing behind, also under a run directory
# that did not exist; a NAT lab with a forward
# comes up, a second `up` changes nothing, `status` (text and --json) and
# `graph` (DOT, and SVG when graphviz is installed) describe it, and `down`
# removes its networks, forward and leases.
. "$(dirname "$0")/_lab.sh"

need_guests
need_cmd nft nftables
start_vswitchd_fw
need_methods forward.add dhcp.leases

say "bad files: one line with FILE:LINE, exit 2, nothing created"
bad() {	# bad EXPECTED-MESSAGE YAML
	local out rc=0
	printf '%s' "$2" >"$T_TMP/bad.yaml"
	out=$(lab up "$T_TMP/bad.yaml" 2>&1) || rc=$?
	assert_eq 2 "$rc" "exit status for '$1'"
	assert_contains "$out" "$1" "message"
	assert_eq 1 "$(wc -l <<<"$out")" "one line for '$1'"
}
bad "bad.yaml:4: did not find expected" $'name: x\nnodes:\n  r1: {kernel: k\n  r2: x\n'
bad "bad.yaml:4: unknown key 'ram' in a node" $'name: x\nnodes:\n  r1:\n    ram: 1G\n'
bad "bad.yaml:4: duplicate node 'r1'" $'name: x\nnodes:\n  r1: {kernel: k, nics: [{}]}\n  r1: {kernel: k}\n'
bad "bad.yaml:5: node 'r4' names unknown network 'n9'" $'name: x\nnodes:\n  r4:\n    kernel: k\n    nics: [n9]\n'
bad "bad.yaml:5: link 'r1-r9' names unknown node 'r9'" $'name: x\nnodes:\n  r1: {kernel: k, nics: [{address: 10.0.0.1/24}]}\nlinks:\n  - [r1:eth0, r9:eth0]\n'
assert_eq "" "$(netctl --json net list | pyjson '" ".join(n["name"] for n in d["networks"])')" "networks after bad files"
assert_fails "up of a missing file" lab up "$T_TMP/none.yaml"
assert_fails "down of an unknown lab" lab down nolab
assert_fails "unknown lab option" lab up "$T_TMP/bad.yaml" --colour

say "a failure part-way leaves nothing behind"
cat >"$T_TMP/broken.yaml" <<YAML
name: $LAB
networks:
  lan: {mode: isolated}
nodes:
  a: {kernel: $T_TMP/no-such-kernel, nics: [lan]}
YAML
assert_fails "up with a missing kernel" lab up "$T_TMP/broken.yaml"
assert_eq "" "$(netctl --json net list | pyjson '" ".join(n["name"] for n in d["networks"])')" "networks after the failed up"
[ ! -e "$VMM_RUN/.labs/$LAB.json" ] || fail "the failed lab's record is still there"

say "a run directory whose parents do not exist yet is made"
out=$(lab up "$T_TMP/broken.yaml" --run-dir "$T_TMP/new/deeper/vmm" 2>&1) && fail "up with a missing kernel succeeded: $out"
assert_not_contains "$out" "cannot write the lab's record" "up under a new run directory"
assert_contains "$out" "no-such-kernel" "the node's own failure, past the record"
[ -d "$T_TMP/new/deeper/vmm/.labs" ] || fail "the run directory's .labs was not made"
[ ! -e "$T_TMP/new/deeper/vmm/.labs/$LAB.json" ] || fail "the failed lab's record is still there"
assert_eq "" "$(netctl --json net list | pyjson '" ".join(n["name"] for n in d["networks"])')" "networks after the failed up"

say "a NAT lab with a forward"
HPORT=$(( 20000 + 0x${T_ID:2:4} % 20000 ))
cat >"$T_TMP/nat.yaml" <<YAML
name: $LAB
defaults: {kernel: $GUEST_DIR/vmlinux, initrd: $GUEST_DIR/initramfs.cpio.gz, memory: $GUEST_MEMORY, cpus: 1}
networks:
  lan:
    mode: nat
    subnet: $T_SUBNET.0/24
    forwards:
      - {proto: tcp, host: $HPORT, target: "web:80"}
nodes:
  web:
    nics: [lan]
YAML
out=$(assert_ok "lab up" lab up "$T_TMP/nat.yaml")
echo "$out"
grep -qE "^web +ready +eth0=$T_SUBNET\.[0-9]+/24" <<<"$out" || fail "web not ready with a DHCP address: $out"
page=$(http_from - "http://127.0.0.1:$HPORT/" || true)
assert_contains "$page" "hello from web" "page through the lab's forward"

out=$(assert_ok "second up" lab up "$T_TMP/nat.yaml")
assert_contains "$out" "exists" "second up finds the network"
assert_contains "$out" "already running" "second up finds the VM"
assert_eq 1 "$(netctl --json forward list | pyjson 'len(d["forwards"])')" "forwards after the second up"
sed 's/memory: [0-9]*M/memory: 200M/' "$T_TMP/nat.yaml" >"$T_TMP/nat2.yaml"
assert_fails "up of a changed file under the same name" lab up "$T_TMP/nat2.yaml"

st=$(assert_ok "status --json" lab status "$LAB" --json)
assert_eq running "$(pyjson 'd["nodes"][0]["state"]' <<<"$st")" "state"
assert_eq "$LAB-lan" "$(pyjson 'd["networks"][0]["net"]' <<<"$st")" "vswitchd name of the network"
[[ $(pyjson 'd["nodes"][0]["nics"][0]["address"]' <<<"$st") == "$T_SUBNET".* ]] || fail "status address: $st"
assert_eq "tcp $HPORT web:80" "$(pyjson '" ".join([d["forwards"][0]["proto"], d["forwards"][0]["host"], d["forwards"][0]["target"]])' <<<"$st")" "forward in status"
txt=$(assert_ok "status" lab status "$LAB")
assert_contains "$txt" "web" "status text"
dot=$(assert_ok "graph" lab graph "$LAB")
assert_contains "$dot" "graph \"$LAB\"" "DOT header"
assert_contains "$dot" "\"node:web\" -- \"net:lan\" [label=\"eth0 $T_SUBNET." "edge labelled with the address"
if command -v dot >/dev/null; then
	assert_ok "graph --svg" lab graph "$LAB" --svg "$T_TMP/lab.svg" >/dev/null
	grep -q "<svg" "$T_TMP/lab.svg" || fail "no SVG written"
else
	say "graphviz not installed: --svg not checked"
fi

say "down removes networks, forwards and leases"
assert_ok "lab down" lab down "$LAB" >/dev/null
assert_eq "" "$(netctl --json net list | pyjson '" ".join(n["name"] for n in d["networks"])')" "networks after down"
assert_eq 0 "$(netctl --json forward list | pyjson 'len(d["forwards"])')" "forwards after down"
assert_eq "" "$(nft list table inet "$T_TABLE" 2>/dev/null | grep -F "$HPORT" || true)" "nftables rules for the forward"
assert_eq "" "$(pgrep -f -- "$VMM_RUN/" || true)" "QEMU or vmm processes after down"
stop_vswitchd
say "passed"
