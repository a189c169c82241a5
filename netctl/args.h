/* SPDX-License-Identifier: GPL-2.0-or-later */
/* args.h - netctl's commands and their arguments: the command table and lookups into it. */
#ifndef NETCTL_ARGS_H
#define NETCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses, also documented in `netctl --help`. */
#define NETCTL_EXIT_OK		0
#define NETCTL_EXIT_FAILURE	1	/* no daemon, daemon refused, broken reply */
#define NETCTL_EXIT_USAGE	2	/* the command line was wrong; nothing was sent */

#define NETCTL_NAME_MAX		15	/* network and port names */
#define NETCTL_IFNAME_MAX	15	/* Linux interface names (IFNAMSIZ - 1) */
#define NETCTL_SOCKET_PATH_MAX	107	/* sizeof(sun_path) - 1 */
#define NETCTL_DEFAULT_SOCKET	"/run/vswitch/vswitchd.sock"
#define NETCTL_DEFAULT_TIMEOUT	30	/* seconds to wait for a reply */

enum netctl_command_id {
	NETCTL_NET_CREATE,
	NETCTL_NET_DESTROY,
	NETCTL_NET_LIST,
	NETCTL_NET_INFO,
	NETCTL_NET_START,
	NETCTL_NET_STOP,
	NETCTL_PORT_ADD,
	NETCTL_PORT_DEL,
	NETCTL_PORT_LIST,
	NETCTL_FDB,
	NETCTL_STATS,
	NETCTL_DHCP_LEASES,
	NETCTL_DHCP_HOST_ADD,
	NETCTL_DHCP_HOST_DEL,
	NETCTL_FORWARD_ADD,
	NETCTL_FORWARD_DEL,
	NETCTL_FORWARD_LIST,
	NETCTL_LIST_COMMANDS,
	NETCTL_CAPTURE,
	NETCTL_LAB_UP,
	NETCTL_LAB_DOWN,
	NETCTL_LAB_STATUS,
	NETCTL_LAB_GRAPH,
};

/* What an argument's text must look like, and how it goes into the request. */
enum netctl_arg_kind {
	NETCTL_ARG_NET_NAME,	/* network name -> string */
	NETCTL_ARG_PORT_NAME,	/* port name -> string */
	NETCTL_ARG_MODE,	/* isolated|nat|routed|bridged -> string */
	NETCTL_ARG_PORT_TYPE,	/* vhost-user|tap -> string */
	NETCTL_ARG_CIDR,	/* IPv4 or IPv6 prefix -> string */
	NETCTL_ARG_IP,		/* IPv4 or IPv6 address -> string */
	NETCTL_ARG_COUNT,	/* whole number 1 .. UINT32_MAX -> integer */
	NETCTL_ARG_MAC,		/* unicast MAC -> lower-case string */
	NETCTL_ARG_SOCKET_PATH,	/* UNIX socket path -> string */
	NETCTL_ARG_IFNAME,	/* Linux interface name -> string */
	NETCTL_ARG_NETNS,	/* netns name or absolute path -> string */
	NETCTL_ARG_FLAG,	/* no value -> true */
	NETCTL_ARG_HOSTNAME,	/* 1-63 of [A-Za-z0-9._-] -> string */
	NETCTL_ARG_NO_FLAG,	/* no value -> false (--no-dhcp) */
	NETCTL_ARG_IP_RANGE,	/* FIRST-LAST IPv4 addresses -> string */
	NETCTL_ARG_PROTO,	/* tcp|udp -> string */
	NETCTL_ARG_HOST_PORT,	/* [ADDR:]PORT[-PORT] -> string */
	NETCTL_ARG_TARGET,	/* TARGET[:PORT], TARGET a name or IPv4 address -> string */
	NETCTL_ARG_TEXT,	/* any text -> string (checked by the command) */
};

struct netctl_option {
	const char *name;	/* "--mode" */
	const char *key;	/* request parameter it sets */
	enum netctl_arg_kind kind;
	const char *metavar;	/* "MODE"; NULL for flags */
	const char *help;	/* one line for `COMMAND -h` */
	const char *port_type;	/* valid only with this --type; NULL: always */
	bool required;
};

struct netctl_positional {
	const char *metavar;	/* "NAME"; NULL ends the list */
	const char *key;	/* request parameter it sets */
	enum netctl_arg_kind kind;
	bool optional;		/* optional ones come last */
};

#define NETCTL_MAX_POSITIONALS	4
#define NETCTL_MAX_OPTIONS	12

struct netctl_command {
	enum netctl_command_id id;
	const char *group;	/* "net", "port", or NULL for a one-word command */
	const char *name;	/* "create", or the whole command ("fdb") */
	const char *method;	/* control protocol method */
	const char *usage;	/* arguments after the command words; lines split by '\n' */
	const char *brief_usage;	/* shorter form for command listings; NULL: usage */
	const char *summary;	/* one line for the help listings */
	struct netctl_positional positionals[NETCTL_MAX_POSITIONALS + 1];
	struct netctl_option options[NETCTL_MAX_OPTIONS + 1];	/* name NULL ends */
};

/* Every command netctl knows, ending with an entry whose name is NULL. */
extern const struct netctl_command netctl_commands[];

/**
 * netctl_find_command() - look up a command by its words
 * @group:	"net", "port", or NULL for a one-word command
 * @name:	second word, or the command itself
 * Return: the command or NULL.
 */
const struct netctl_command *netctl_find_command(const char *group, const char *name);

/** netctl_is_group() - true if @word is a command group ("net", "port") */
bool netctl_is_group(const char *word);

/**
 * netctl_socket_path() - which control socket to use
 * @option:	the -s value, or NULL
 * @env:	$VSWITCH_SOCKET, or NULL
 * Return: @option, else @env if set and non-empty, else NETCTL_DEFAULT_SOCKET.
 */
const char *netctl_socket_path(const char *option, const char *env);


/**
 * netctl_absolute_path() - make @path absolute against @cwd
 * @path:	path as typed
 * @cwd:	current directory (absolute)
 * @buf:	receives the result
 * @size:	size of @buf in bytes
 * Return: 0, or -ENAMETOOLONG if the result does not fit.
 */
int netctl_absolute_path(const char *path, const char *cwd, char *buf, size_t size);

#endif /* NETCTL_ARGS_H */
