# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# _lab.sh - helpers for the lab suites: `netctl lab` against this run's
# vswitchd, with vmm's run directory in the test's temporary directory.
. "$(dirname "${BASH_SOURCE[0]}")/_guests.sh"

LAB=l$T_ID
export VMM=$VMM_BIN VMM_RUN_DIR=$VMM_RUN

# lab ARGS... - netctl lab on this run's vswitchd and vmm run directory.
lab() { timeout 300 "$NETCTL_BIN" -s "$T_SOCK" lab "$@"; }

# lab_down_quietly - the cleanup hook: a lab left up by a failed test goes.
lab_down_quietly() {
	[ -f "$VMM_RUN/.labs/$LAB.json" ] && lab down "$LAB" >/dev/null 2>&1
	return 0
}
on_cleanup lab_down_quietly

# router_line_yaml FILE - the router line of examples/router-line.yaml, named $LAB.
router_line_yaml() {
	sed -e "s/^name: line$/name: $LAB/" \
	    -e "s#\.\./build/guest/#$GUEST_DIR/#" -e "s/memory: 160M/memory: $GUEST_MEMORY/" \
	    "$T_ROOT/examples/router-line.yaml" >"$1"
}
