// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * commands.c - the control commands vswitchd serves, in one table: one
 * handler per method (cmd_*.c), with its usage and whether it changes
 * anything (docs/control-protocol.md describes them).
 *
 * Handlers are the top layer: they read parameters and call the
 * orchestrator (network.h) to change things, or read state directly; no
 * module below ever calls them.
 */
#include <stddef.h>

#include "cmd_handlers.h"
#include "commands.h"

const struct ctl_command vswitchd_commands[] = {
	{ "net.create", "name mode [subnet gateway dhcp dhcp_range bridge uplink mac_limit aging autostart]",
	  true, cmd_net_create, NULL },
	{ "net.start", "name", true, cmd_net_start, NULL },
	{ "net.stop", "name", true, cmd_net_stop, NULL },
	{ "net.destroy", "name [force]", true, cmd_net_destroy, NULL },
	{ "net.list", "", false, cmd_net_list, NULL },
	{ "net.info", "name", false, cmd_net_info, NULL },
	{ "port.add", "net name type [socket client mac | ifname netns mac]", true, cmd_port_add, NULL },
	{ "port.del", "net name", true, cmd_port_del, NULL },
	{ "port.list", "[net]", false, cmd_port_list, NULL },
	{ "fdb.show", "net", false, cmd_fdb_show, NULL },
	{ "forward.add", "net proto host target", true, cmd_forward_add, NULL },
	{ "forward.del", "net proto host", true, cmd_forward_del, NULL },
	{ "forward.list", "[net]", false, cmd_forward_list, NULL },
	{ "stats", "[net [port]]", false, cmd_stats, NULL },
	{ "dhcp.leases", "net [offset limit]", false, cmd_dhcp_leases, NULL },
	{ "dhcp.host.add", "net mac ip [hostname]", true, cmd_dhcp_host_add, NULL },
	{ "dhcp.host.del", "net mac", true, cmd_dhcp_host_del, NULL },
	{ "capture.start", "net [port direction snaplen count buffer_size filter] + output fd", true,
	  cmd_capture_start, NULL },
	{ "capture.stop", "capture", true, cmd_capture_stop, NULL },
	{ "capture.list", "", false, cmd_capture_list, NULL },
	{ NULL, NULL, false, NULL, NULL },
};
