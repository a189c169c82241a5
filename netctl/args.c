/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * args.c - netctl's commands and their arguments: the table (words, method,
 * positional arguments and options with the form of each value) and the
 * lookups into it. cmdline.c turns a command line into a request with it.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"

const struct netctl_command netctl_commands[] = {
	{
		.id = NETCTL_NET_CREATE, .group = "net", .name = "create",
		.method = "net.create",
		.usage = "NAME --mode nat|routed|isolated [--subnet CIDR] [--gateway IP]\n"
			 "     [--dhcp-range FIRST-LAST | --no-dhcp] [--mac-limit N] [--aging SEC] [--autostart]\n"
			 "NAME --mode bridged --bridge BR [--uplink IF] [--subnet CIDR] [--autostart]",
		.brief_usage = "NAME --mode MODE [OPTIONS]",
		.summary = "create a network",
		.positionals = { { "NAME", "name", NETCTL_ARG_NET_NAME, false } },
		.options = {
			{ "--mode", "mode", NETCTL_ARG_MODE, "MODE",
			  "isolated, nat, routed or bridged", NULL, true },
			{ "--subnet", "subnet", NETCTL_ARG_CIDR, "CIDR",
			  "address range, e.g. 10.0.0.0/24", NULL, false },
			{ "--gateway", "gateway", NETCTL_ARG_IP, "IP",
			  "the host's address on the network", NULL, false },
			{ "--dhcp-range", "dhcp_range", NETCTL_ARG_IP_RANGE, "FIRST-LAST",
			  "addresses the built-in DHCP server hands out", NULL, false },
			{ "--no-dhcp", "dhcp", NETCTL_ARG_NO_FLAG, NULL,
			  "no built-in DHCP server (the default for bridged)", NULL, false },
			{ "--bridge", "bridge", NETCTL_ARG_IFNAME, "BR",
			  "bridged: the host bridge to join (created if missing)", NULL, false },
			{ "--uplink", "uplink", NETCTL_ARG_IFNAME, "IF",
			  "bridged: enslave this interface to the bridge", NULL, false },
			{ "--mac-limit", "mac_limit", NETCTL_ARG_COUNT, "N",
			  "most MAC addresses one port may use (default 1024)", NULL, false },
			{ "--aging", "aging", NETCTL_ARG_COUNT, "SEC",
			  "forget a MAC address unseen this long (default 300)", NULL, false },
			{ "--autostart", "autostart", NETCTL_ARG_FLAG, NULL,
			  "bring the network back when vswitchd starts", NULL, false },
			{ "--lease-time", "lease_time", NETCTL_ARG_COUNT, "SEC",
			  "DHCP lease time, 60 to 31536000 (default 3600)", NULL, false },
		},
	},
	{
		.id = NETCTL_DHCP_LEASES, .group = "dhcp", .name = "leases",
		.method = "dhcp.leases", .usage = "NET",
		.summary = "show the DHCP leases of NET (address, MAC, hostname, expiry)",
		.positionals = { { "NET", "net", NETCTL_ARG_NET_NAME, false } },
	},
	{
		.id = NETCTL_DHCP_HOST_ADD, .group = "dhcp", .name = "host add",
		.method = "dhcp.host.add", .usage = "NET MAC IP [HOSTNAME]",
		.summary = "give the client with MAC a fixed address (kept with the network)",
		.positionals = {
			{ "NET", "net", NETCTL_ARG_NET_NAME, false },
			{ "MAC", "mac", NETCTL_ARG_MAC, false },
			{ "IP", "ip", NETCTL_ARG_IP, false },
			{ "HOSTNAME", "hostname", NETCTL_ARG_HOSTNAME, true },
		},
	},
	{
		.id = NETCTL_DHCP_HOST_DEL, .group = "dhcp", .name = "host del",
		.method = "dhcp.host.del", .usage = "NET MAC",
		.summary = "remove a fixed address",
		.positionals = {
			{ "NET", "net", NETCTL_ARG_NET_NAME, false },
			{ "MAC", "mac", NETCTL_ARG_MAC, false },
		},
	},
	{
		.id = NETCTL_NET_DESTROY, .group = "net", .name = "destroy",
		.method = "net.destroy",
		.usage = "NAME [--force]",
		.summary = "destroy a network",
		.positionals = { { "NAME", "name", NETCTL_ARG_NET_NAME, false } },
		.options = {
			{ "--force", "force", NETCTL_ARG_FLAG, NULL,
			  "destroy it even while it has ports, removing them", NULL, false },
		},
	},
	{
		.id = NETCTL_NET_LIST, .group = "net", .name = "list",
		.method = "net.list", .usage = "", .summary = "list networks",
	},
	{
		.id = NETCTL_NET_INFO, .group = "net", .name = "info",
		.method = "net.info", .usage = "NAME",
		.summary = "show a network and its ports",
		.positionals = { { "NAME", "name", NETCTL_ARG_NET_NAME, false } },
	},
	{
		.id = NETCTL_NET_START, .group = "net", .name = "start",
		.method = "net.start", .usage = "NAME",
		.summary = "start a stopped network",
		.positionals = { { "NAME", "name", NETCTL_ARG_NET_NAME, false } },
	},
	{
		.id = NETCTL_NET_STOP, .group = "net", .name = "stop",
		.method = "net.stop", .usage = "NAME",
		.summary = "stop a network, keeping its definition",
		.positionals = { { "NAME", "name", NETCTL_ARG_NET_NAME, false } },
	},
	{
		.id = NETCTL_PORT_ADD, .group = "port", .name = "add",
		.method = "port.add",
		.usage = "NET PORT --type vhost-user [--socket PATH] [--client] [--mac MAC]\n"
			 "NET PORT --type tap [--ifname IF] [--netns NS]",
		.brief_usage = "NET PORT --type TYPE [OPTIONS]",
		.summary = "add a port to a network",
		.positionals = {
			{ "NET", "net", NETCTL_ARG_NET_NAME, false },
			{ "PORT", "name", NETCTL_ARG_PORT_NAME, false },
		},
		.options = {
			{ "--type", "type", NETCTL_ARG_PORT_TYPE, "TYPE",
			  "vhost-user or tap", NULL, true },
			{ "--socket", "socket", NETCTL_ARG_SOCKET_PATH, "PATH",
			  "vhost-user socket (default RUN_DIR/NET-PORT.sock)", "vhost-user", false },
			{ "--client", "client", NETCTL_ARG_FLAG, NULL,
			  "vswitchd connects to the socket, and reconnects", "vhost-user", false },
			{ "--mac", "mac", NETCTL_ARG_MAC, "MAC",
			  "the guest's address, e.g. 52:54:00:12:34:56", "vhost-user", false },
			{ "--ifname", "ifname", NETCTL_ARG_IFNAME, "IF",
			  "host interface name (default vswN)", "tap", false },
			{ "--netns", "netns", NETCTL_ARG_NETNS, "NS",
			  "move the interface into this network namespace", "tap", false },
		},
	},
	{
		.id = NETCTL_PORT_DEL, .group = "port", .name = "del",
		.method = "port.del", .usage = "NET PORT",
		.summary = "remove a port",
		.positionals = {
			{ "NET", "net", NETCTL_ARG_NET_NAME, false },
			{ "PORT", "name", NETCTL_ARG_PORT_NAME, false },
		},
	},
	{
		.id = NETCTL_PORT_LIST, .group = "port", .name = "list",
		.method = "port.list", .usage = "[NET]",
		.summary = "list ports of NET or of all networks",
		.positionals = { { "NET", "net", NETCTL_ARG_NET_NAME, true } },
	},
	{
		.id = NETCTL_FDB, .group = NULL, .name = "fdb",
		.method = "fdb.show", .usage = "NET",
		.summary = "show MAC addresses learned on NET",
		.positionals = { { "NET", "net", NETCTL_ARG_NET_NAME, false } },
	},
	{
		.id = NETCTL_STATS, .group = NULL, .name = "stats",
		.method = "stats", .usage = "[NET [PORT]]",
		.summary = "show port counters and drops",
		.positionals = {
			{ "NET", "net", NETCTL_ARG_NET_NAME, true },
			{ "PORT", "port", NETCTL_ARG_PORT_NAME, true },
		},
	},
	{
		.id = NETCTL_FORWARD_ADD, .group = "forward", .name = "add",
		.method = "forward.add", .usage = "NET tcp|udp [ADDR:]PORT[-PORT] TARGET[:PORT]",
		.summary = "forward a host port to a guest (TARGET: port name, VM name or IP)",
		.positionals = {
			{ "NET", "net", NETCTL_ARG_NET_NAME, false },
			{ "PROTO", "proto", NETCTL_ARG_PROTO, false },
			{ "PORT", "host", NETCTL_ARG_HOST_PORT, false },
			{ "TARGET", "target", NETCTL_ARG_TARGET, false },
		},
	},
	{
		.id = NETCTL_FORWARD_DEL, .group = "forward", .name = "del",
		.method = "forward.del", .usage = "NET tcp|udp [ADDR:]PORT",
		.summary = "remove a port forward",
		.positionals = {
			{ "NET", "net", NETCTL_ARG_NET_NAME, false },
			{ "PROTO", "proto", NETCTL_ARG_PROTO, false },
			{ "PORT", "host", NETCTL_ARG_HOST_PORT, false },
		},
	},
	{
		.id = NETCTL_FORWARD_LIST, .group = "forward", .name = "list",
		.method = "forward.list", .usage = "[NET]",
		.summary = "list port forwards of NET or of all networks",
		.positionals = { { "NET", "net", NETCTL_ARG_NET_NAME, true } },
	},
	{
		.id = NETCTL_LIST_COMMANDS, .group = NULL, .name = "list-commands",
		.method = "list-commands", .usage = "",
		.summary = "list the methods vswitchd serves",
	},
	{
		.id = NETCTL_CAPTURE, .group = NULL, .name = "capture",
		.method = "capture.start",
		.usage = "NET [--port PORT] [--direction in|out|both] [-c COUNT] [--snaplen N] [-B KIB] [-w FILE|-] [FILTER...]",
		.brief_usage = "NET [OPTIONS] [FILTER...]",
		.summary = "capture frames of NET (tcpdump filter) to a pcap file or as lines",
		.positionals = { { "NET", "net", NETCTL_ARG_NET_NAME, false } },
		.options = {
			{ "--port", "port", NETCTL_ARG_PORT_NAME, "PORT",
			  "only this port's frames (default: the whole network)", NULL, false },
			{ "--direction", "direction", NETCTL_ARG_TEXT, "DIR",
			  "in (received from a port), out (sent to a port) or both; default both for --port, in for a network", NULL, false },
			{ "-c", "count", NETCTL_ARG_COUNT, "COUNT",
			  "stop after COUNT frames", NULL, false },
			{ "--snaplen", "snaplen", NETCTL_ARG_COUNT, "N",
			  "keep at most N bytes of each frame (also -s; default 262144)", NULL, false },
			{ "-B", "buffer_size", NETCTL_ARG_COUNT, "KIB",
			  "queue in vswitchd, KiB (default 4096); frames beyond it are dropped and counted", NULL, false },
			{ "-w", "output", NETCTL_ARG_TEXT, "FILE",
			  "write pcap to FILE, or to standard output with -w -; default: one line per frame", NULL, false },
		},
	},
	{
		.id = NETCTL_LAB_UP, .group = "lab", .name = "up", .method = "lab.up",
		.usage = "FILE [--run-dir DIR] [--wait SEC]",
		.summary = "create a lab's networks and boot its nodes (docs/labs.md)",
		.positionals = { { "FILE", "file", NETCTL_ARG_TEXT, false } },
	},
	{
		.id = NETCTL_LAB_DOWN, .group = "lab", .name = "down", .method = "lab.down",
		.usage = "NAME [--run-dir DIR]",
		.summary = "stop a lab's nodes and remove its networks",
		.positionals = { { "NAME", "name", NETCTL_ARG_TEXT, false } },
	},
	{
		.id = NETCTL_LAB_STATUS, .group = "lab", .name = "status", .method = "lab.status",
		.usage = "NAME [--run-dir DIR]",
		.summary = "show a lab's nodes, NICs, networks, addresses and forwards",
		.positionals = { { "NAME", "name", NETCTL_ARG_TEXT, false } },
	},
	{
		.id = NETCTL_LAB_GRAPH, .group = "lab", .name = "graph", .method = "lab.graph",
		.usage = "NAME [--svg FILE] [--run-dir DIR]",
		.summary = "print a lab's topology as Graphviz DOT, or render it to SVG",
		.positionals = { { "NAME", "name", NETCTL_ARG_TEXT, false } },
	},
	{ .name = NULL },
};

/**
 * netctl_absolute_path() - make @path absolute against @cwd
 * @path:	path as typed
 * @cwd:	current directory, absolute
 * @buf:	receives the result
 * @size:	size of @buf in bytes
 *
 * Return: 0, or -ENAMETOOLONG if the result does not fit.
 */
int netctl_absolute_path(const char *path, const char *cwd, char *buf, size_t size)
{
	int written;

	if (path[0] == '/')
		written = snprintf(buf, size, "%s", path);
	else if (!strcmp(cwd, "/"))
		written = snprintf(buf, size, "/%s", path);
	else
		written = snprintf(buf, size, "%s/%s", cwd, path);
	if (written < 0 || (size_t)written >= size)
		return -ENAMETOOLONG;
	return 0;
}

/**
 * netctl_socket_path() - choose the control socket
 * @option:	the -s value, or NULL
 * @env:	$VSWITCH_SOCKET, or NULL
 *
 * Return: @option, else a non-empty @env, else NETCTL_DEFAULT_SOCKET.
 */
const char *netctl_socket_path(const char *option, const char *env)
{
	if (option)
		return option;
	if (env && *env)
		return env;
	return NETCTL_DEFAULT_SOCKET;
}

/**
 * netctl_is_group() - whether @word starts a two-word command
 * @word:	first command word
 *
 * Return: true for "net" and "port".
 */
bool netctl_is_group(const char *word)
{
	for (const struct netctl_command *cmd = netctl_commands; cmd->name; cmd++)
		if (cmd->group && !strcmp(cmd->group, word))
			return true;
	return false;
}

/**
 * netctl_find_command() - look up a command by its words
 * @group:	"net", "port", or NULL for a one-word command
 * @name:	second word, or the command itself
 *
 * Return: the command or NULL.
 */
const struct netctl_command *netctl_find_command(const char *group, const char *name)
{
	for (const struct netctl_command *cmd = netctl_commands; cmd->name; cmd++) {
		if (!!group != !!cmd->group)
			continue;
		if (group && strcmp(group, cmd->group))
			continue;
		if (!strcmp(name, cmd->name))
			return cmd;
	}
	return NULL;
}
