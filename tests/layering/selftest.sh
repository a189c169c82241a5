#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# selftest.sh - scripts/check-layering must not pass silently: on the fixture
# tree clean/ it passes every folder; on cycle/ it names a two-module cycle
# through a header (vswitch: p -> q -> p), a three-module one (netctl), lib/
# reaching into a program folder (by -I path and by ../ path) and dhcp/
# including from vswitch/, and exits 1; a folder in LAYERING_KNOWN_CYCLES is a
# SKIP that still names its cycles, and a known folder without cycles passes
# with a reminder to drop the exception. Exit 0 pass, 1 fail.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CHECK=$HERE/../../scripts/check-layering
FIX=$HERE/fixtures
failures=0

# expect WHAT PATTERN TEXT - TEXT has a line matching PATTERN (grep -E).
expect() {
	if grep -Eq -- "$2" <<<"$3"; then
		echo "ok: $1"
	else
		echo "FAIL: $1: no line matching '$2' in:"
		sed 's/^/    /' <<<"$3"
		failures=$((failures + 1))
	fi
}

# expect_rc WHAT EXPECTED ACTUAL
expect_rc() {
	if [ "$2" = "$3" ]; then
		echo "ok: $1"
	else
		echo "FAIL: $1: exit status $3, expected $2"
		failures=$((failures + 1))
	fi
}

out=$(LAYERING_KNOWN_CYCLES="" "$CHECK" --root "$FIX/clean"); rc=$?
expect_rc "clean tree exits 0" 0 "$rc"
expect "clean vswitch passes" '^PASS layering/vswitch \(2 modules, 1 edge\)$' "$out"
expect "clean dhcp passes" '^PASS layering/dhcp ' "$out"
expect "clean lib passes" '^PASS layering/lib \(2 modules, 1 edge\)$' "$out"
expect "clean tree: three lines" '^3$' "$(grep -c . <<<"$out")"

out=$(LAYERING_KNOWN_CYCLES="" "$CHECK" --root "$FIX/cycle"); rc=$?
expect_rc "tree with cycles exits 1" 1 "$rc"
expect "two-module cycle named" '^FAIL layering/vswitch \(cycle: p -> q -> p\)$' "$out"
expect "three-module cycle named" '^FAIL layering/netctl \(cycle: a -> b -> c -> a\)$' "$out"
expect "lib/ including a program header found via -I" '^FAIL layering/lib .*lib/l\.c:3 includes "p\.h"' "$out"
expect "lib/ including a program header by path" '^FAIL layering/lib .*lib/m\.c:2 includes "\.\./vswitch/q\.h"' "$out"
expect "dhcp/ including from vswitch/" '^FAIL layering/dhcp .*dhcp/d\.c:3 includes "vswitch/p\.h"' "$out"

out=$(LAYERING_KNOWN_CYCLES="vswitch" "$CHECK" --root "$FIX/cycle" vswitch netctl); rc=$?
expect_rc "known cycles alone do not fail, other folders still do" 1 "$rc"
expect "known cycles are a SKIP naming them" '^SKIP layering/vswitch \(known cycles, being removed: p -> q -> p\)$' "$out"
expect "an unknown folder's cycle still fails" '^FAIL layering/netctl ' "$out"

out=$(LAYERING_KNOWN_CYCLES="vswitch" "$CHECK" --root "$FIX/cycle" vswitch); rc=$?
expect_rc "only known cycles: exit 0" 0 "$rc"

out=$(LAYERING_KNOWN_CYCLES="vswitch" "$CHECK" --root "$FIX/clean" vswitch); rc=$?
expect_rc "known folder without cycles exits 0" 0 "$rc"
expect "known folder without cycles: reminder" '^PASS layering/vswitch .*remove it from LAYERING_KNOWN_CYCLES' "$out"

out=$("$CHECK" --root "$FIX/clean" nosuchfolder); rc=$?
expect_rc "a missing folder fails" 1 "$rc"

if [ "$failures" -ne 0 ]; then
	echo "FAIL: $failures check(s) of scripts/check-layering failed"
	exit 1
fi
echo "all checks of scripts/check-layering passed"
