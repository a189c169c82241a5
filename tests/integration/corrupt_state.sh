#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# corrupt_state.sh - damaged state files (a crash mid-write, a disk error)
# cost only what they damage. With three networks defined, one definition
# cut short, another with garbage in it, and a forward journal with a bad
# record in the middle and a torn last line: vswitchd still starts, the
# good network comes back with its ports, the journal's good forwards come
# back, each bad file is named with its line in the log, and new changes
# persist again.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd nft nftables
need_cmd python3
need_build

GOOD=$(netname g)
CUT=$(netname c)
JUNK=$(netname j)

start_vswitchd
assert_ok "net create good" netctl net create "$GOOD" --mode nat --subnet "$T_SUBNET.0/24" >/dev/null
assert_ok "net create cut" netctl net create "$CUT" --mode isolated >/dev/null
assert_ok "net create junk" netctl net create "$JUNK" --mode isolated >/dev/null
assert_ok "port add" netctl port add "$GOOD" v1 --type vhost-user >/dev/null
for p in 8001 8002 8003 8004; do
	assert_ok "forward $p" netctl forward add "$GOOD" tcp "$p" "$T_SUBNET.5:80" >/dev/null
done
assert_ok "forward del 8002" netctl forward del "$GOOD" tcp 8002 >/dev/null
stop_vswitchd

say "damage: a definition cut short, one with garbage, a forward journal with a bad record and a torn tail"
def=$T_STATE/networks/$CUT.json
head -c $(( $(stat -c %s "$def") / 2 )) "$def" >"$def.part" && mv "$def.part" "$def"
printf '{"version": 1, "network": {"name": "%s", "mode": "isolated"}, "ports": [1, \x01\x02garbage\n' "$JUNK" \
	>"$T_STATE/networks/$JUNK.json"
journal=$T_STATE/networks/$GOOD.forwards
[ -s "$journal" ] || fail "no forward journal at $journal"
python3 - "$journal" <<'PY'
import sys
path = sys.argv[1]
lines = open(path).read().splitlines()
lines.insert(2, "+ {this is not json")
open(path, "w").write("\n".join(lines) + "\n" + '+ {"proto": "tcp", "ho')
PY

start_vswitchd
nets=$(netctl --json net list | pyjson 'sorted(n["name"] for n in d["networks"])')
assert_eq "[\"$GOOD\"]" "$nets" "networks after the damage"
assert_eq '["gateway", "v1"]' "$(netctl --json port list "$GOOD" | pyjson 'sorted(p["name"] for p in d["ports"])')" "ports of the good network"
assert_eq '["8001", "8003", "8004"]' "$(netctl --json forward list "$GOOD" | pyjson 'sorted(f["host"] for f in d["forwards"])')" "forwards from the damaged journal"
log=$(cat "$T_TMP/vswitchd.log")
assert_contains "$log" "$CUT.json: line" "the cut definition named with its line"
assert_contains "$log" "$JUNK.json: line" "the garbage definition named with its line"
assert_contains "$log" "unreadable forward record skipped" "the bad journal record reported"
assert_contains "$log" "a partial last line dropped" "the torn journal tail reported"

say "changes persist again, and survive another restart"
assert_ok "forward after the damage" netctl forward add "$GOOD" tcp 8005 "$T_SUBNET.5:80" >/dev/null
kill9_vswitchd
start_vswitchd
assert_eq '["8001", "8003", "8004", "8005"]' "$(netctl --json forward list "$GOOD" | pyjson 'sorted(f["host"] for f in d["forwards"])')" "forwards after another restart"
assert_ok "net destroy" netctl net destroy "$GOOD" --force >/dev/null
[ ! -e "$journal" ] || fail "the forward journal outlived net destroy"
stop_vswitchd
say "ok"
