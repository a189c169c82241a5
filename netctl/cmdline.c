/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmdline.c - netctl's command line turned into a request or a help topic:
 * global options, the command's words, then its arguments checked against
 * the command table (args.c) and converted into JSON parameters. Pure: the
 * daemon is never asked, so every mistake is found before anything is sent.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "ether.h"
#include "names.h"
#include "value.h"

static const char *const net_modes[] = { "isolated", "nat", "routed", "bridged", NULL };
static const char *const port_types[] = { "vhost-user", "tap", NULL };

static void set_error(char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_error(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	if (!err_size)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
}

static bool word_in(const char *word, const char *const words[])
{
	for (int i = 0; words[i]; i++)
		if (!strcmp(word, words[i]))
			return true;
	return false;
}

/* "net create" or "fdb", for messages. */
static void command_words(const struct netctl_command *cmd, char *buf, size_t size)
{
	if (cmd->group)
		snprintf(buf, size, "%s %s", cmd->group, cmd->name);
	else
		snprintf(buf, size, "%s", cmd->name);
}

/* The group's subcommands as "create, destroy, list or info". */
static void group_commands(const char *group, char *buf, size_t size)
{
	const struct netctl_command *last = NULL;
	size_t used = 0;
	int count = 0;

	buf[0] = '\0';
	for (const struct netctl_command *cmd = netctl_commands; cmd->name; cmd++)
		if (cmd->group && !strcmp(cmd->group, group))
			last = cmd;
	for (const struct netctl_command *cmd = netctl_commands; cmd->name; cmd++) {
		const char *separator;
		int written;

		if (!cmd->group || strcmp(cmd->group, group))
			continue;
		separator = !count ? "" : cmd == last ? " or " : ", ";
		written = snprintf(buf + used, size - used, "%s%s", separator, cmd->name);
		if (written < 0 || (size_t)written >= size - used)
			return;
		used += (size_t)written;
		count++;
	}
}

/*
 * Check one value and convert it into its JSON form. @what names the value
 * in messages ("network name", "--mac-limit").
 */
static json_t *convert_value(enum netctl_arg_kind kind, const char *what,
			     const char *text, char *err, size_t err_size)
{
	uint8_t mac[6];
	char canonical[MAC_TEXT_SIZE];
	uint32_t number;
	int ret;

	switch (kind) {
	case NETCTL_ARG_NET_NAME:
	case NETCTL_ARG_PORT_NAME:
		/* vswitchd applies the same rule (lib/names.h): refused here, nothing is sent. */
		if (!name_object_valid(text)) {
			bool dots = !strcmp(text, ".") || !strcmp(text, "..");

			set_error(err, err_size, "invalid %s '%s': %s",
				  kind == NETCTL_ARG_NET_NAME ? "network name" : "port name",
				  text, dots ? "'.' and '..' are reserved"
				  : text[0] == '-' ? "it must not start with '-'"
				  : text[0] == '.' ? "it must not start with '.'"
				  : "expected " NAME_OBJECT_RULE);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_MODE:
		if (!word_in(text, net_modes)) {
			set_error(err, err_size,
				  "invalid mode '%s': expected isolated, nat, routed or bridged",
				  text);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_PORT_TYPE:
		if (!word_in(text, port_types)) {
			set_error(err, err_size,
				  "invalid port type '%s': expected vhost-user or tap", text);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_CIDR:
		if (!value_cidr_valid(text)) {
			set_error(err, err_size,
				  "invalid subnet '%s': expected ADDRESS/PREFIX, e.g. 10.0.0.0/24",
				  text);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_IP:
		if (!value_ip_valid(text)) {
			set_error(err, err_size,
				  "invalid IP address '%s' for %s", text, what);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_COUNT:
		ret = value_parse_count(text, 1, UINT32_MAX, &number);
		if (ret < 0) {
			set_error(err, err_size,
				  "invalid value '%s' for %s: expected a whole number from 1 to %u",
				  text, what, UINT32_MAX);
			return NULL;
		}
		return json_integer(number);
	case NETCTL_ARG_MAC:
		if (mac_parse(text, mac) < 0) {
			set_error(err, err_size,
				  "invalid MAC address '%s': expected six hex pairs like 52:54:00:12:34:56",
				  text);
			return NULL;
		}
		if (!value_unicast_mac_valid(text)) {
			set_error(err, err_size,
				  "invalid MAC address '%s': a port's address must be unicast and not all zeros",
				  text);
			return NULL;
		}
		mac_format(mac, canonical);
		return json_string(canonical);
	case NETCTL_ARG_SOCKET_PATH:
		if (!*text) {
			set_error(err, err_size, "invalid socket path: it is empty");
			return NULL;
		}
		if (strlen(text) > NETCTL_SOCKET_PATH_MAX) {
			set_error(err, err_size,
				  "socket path '%s' is too long: at most %d bytes",
				  text, NETCTL_SOCKET_PATH_MAX);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_IFNAME:
		if (!name_ifname_valid(text)) {
			set_error(err, err_size,
				  "invalid interface name '%s': use 1-15 characters without '/', ':' or spaces",
				  text);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_NETNS:
		if (text[0] != '/' && !name_netns_valid(text)) {
			set_error(err, err_size,
				  "invalid network namespace '%s': expected a name from 'ip netns' or an absolute path",
				  text);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_FLAG:
		return json_true();
	case NETCTL_ARG_HOSTNAME:
		if (!*text || strlen(text) > 63 || strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(text)) {
			set_error(err, err_size, "invalid hostname '%s': use 1-63 of A-Z a-z 0-9 . _ -", text);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_NO_FLAG:
		return json_false();
	case NETCTL_ARG_IP_RANGE:
		if (!value_ipv4_range_valid(text)) {
			set_error(err, err_size,
				  "invalid range '%s' for %s: expected FIRST-LAST, e.g. 10.0.0.100-10.0.0.200",
				  text, what);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_PROTO:
		if (strcmp(text, "tcp") && strcmp(text, "udp")) {
			set_error(err, err_size, "invalid protocol '%s': expected tcp or udp", text);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_HOST_PORT:
		if (!value_host_port_valid(text)) {
			set_error(err, err_size,
				  "invalid host port '%s': expected [ADDR:]PORT[-PORT], e.g. 8080 or 192.0.2.1:8000-8009",
				  text);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_TARGET:
		if (!value_target_valid(text)) {
			set_error(err, err_size,
				  "invalid target '%s': expected a port name, VM name or IPv4 address, with an optional :PORT",
				  text);
			return NULL;
		}
		return json_string(text);
	case NETCTL_ARG_TEXT:
		return json_string(text);
	}
	set_error(err, err_size, "internal error: unknown argument kind");
	return NULL;
}

static const struct netctl_option *find_option(const struct netctl_command *cmd,
					       const char *name, size_t name_length)
{
	for (const struct netctl_option *opt = cmd->options; opt->name; opt++)
		if (strlen(opt->name) == name_length && !strncmp(opt->name, name, name_length))
			return opt;
	return NULL;
}

static int set_param(json_t *params, const char *key, json_t *value,
		     char *err, size_t err_size)
{
	if (!value)
		return -EINVAL;	/* convert_value() wrote the message */
	if (json_object_set_new(params, key, value) < 0) {
		set_error(err, err_size, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* After parsing: required options present, type-specific options matching --type. */
static int check_options(const struct netctl_command *cmd, const char *usage_words,
			 json_t *params, char *err, size_t err_size)
{
	const char *type = json_string_value(json_object_get(params, "type"));

	for (const struct netctl_option *opt = cmd->options; opt->name; opt++) {
		bool given = json_object_get(params, opt->key) != NULL;

		if (opt->required && !given) {
			set_error(err, err_size, "%s needs %s %s (%s)",
				  usage_words, opt->name, opt->metavar, opt->help);
			return -EINVAL;
		}
		if (given && opt->port_type && type && strcmp(type, opt->port_type)) {
			set_error(err, err_size, "option '%s' is only valid with --type %s",
				  opt->name, opt->port_type);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Parse the arguments after the command words. Options may come before,
 * between or after the positional arguments, as "--opt VALUE" or
 * "--opt=VALUE"; "--" ends the options. --json and -h/--help are accepted
 * anywhere, as the global --json is easy to type at the end.
 */
static int parse_command_args(const struct netctl_command *cmd, int argc,
			      char *const argv[], struct netctl_invocation *inv,
			      char *err, size_t err_size)
{
	char words[32];
	int positional_count = 0;
	int positional_max = 0;
	int positional_min = 0;
	bool options_done = false;
	json_t *params;
	int ret;

	command_words(cmd, words, sizeof(words));
	for (const struct netctl_positional *pos = cmd->positionals; pos->metavar; pos++) {
		positional_max++;
		if (!pos->optional)
			positional_min++;
	}

	/* Asking for help beats every mistake elsewhere on the line. */
	for (int i = 0; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			inv->action = NETCTL_ACTION_HELP;
			inv->command = cmd;
			return 0;
		}
	}

	params = json_object();
	if (!params) {
		set_error(err, err_size, "out of memory");
		return -ENOMEM;
	}

	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (!options_done && !strcmp(arg, "--json")) {
			inv->json = true;
			continue;
		}
		if (!options_done && !strcmp(arg, "--")) {
			options_done = true;
			continue;
		}
		if (!options_done && arg[0] == '-' && arg[1] == '-') {
			const char *equals = strchr(arg, '=');
			size_t name_length = equals ? (size_t)(equals - arg) : strlen(arg);
			const struct netctl_option *opt = find_option(cmd, arg, name_length);
			const char *value;

			if (!opt) {
				set_error(err, err_size, "unknown option '%.*s' for '%s' (see 'netctl %s -h')",
					  (int)name_length, arg, words, words);
				goto fail;
			}
			if (json_object_get(params, opt->key)) {
				set_error(err, err_size, "option '%s' given more than once", opt->name);
				goto fail;
			}
			if (opt->kind == NETCTL_ARG_FLAG || opt->kind == NETCTL_ARG_NO_FLAG) {
				if (equals) {
					set_error(err, err_size, "option '%s' takes no value", opt->name);
					goto fail;
				}
				value = NULL;
			} else if (equals) {
				value = equals + 1;
			} else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2)) {
				value = argv[++i];
			} else {
				set_error(err, err_size, "option '%s' needs a value (%s)",
					  opt->name, opt->metavar);
				goto fail;
			}
			ret = set_param(params, opt->key,
					convert_value(opt->kind, opt->name, value ? value : "",
						      err, err_size),
					err, err_size);
			if (ret < 0)
				goto fail;
			continue;
		}
		if (!options_done && arg[0] == '-' && arg[1]) {
			set_error(err, err_size, "unknown option '%s' for '%s' (see 'netctl %s -h')",
				  arg, words, words);
			goto fail;
		}
		if (positional_count >= positional_max) {
			set_error(err, err_size, "unexpected argument '%s' (usage: netctl %s%s%s)",
				  arg, words, *cmd->usage ? " " : "",
				  cmd->brief_usage ? cmd->brief_usage : cmd->usage);
			goto fail;
		}
		{
			const struct netctl_positional *pos = &cmd->positionals[positional_count++];

			ret = set_param(params, pos->key,
					convert_value(pos->kind, pos->metavar, arg, err, err_size),
					err, err_size);
			if (ret < 0)
				goto fail;
		}
	}

	if (positional_count < positional_min) {
		const struct netctl_positional *pos = &cmd->positionals[positional_count];

		set_error(err, err_size, "missing %s (usage: netctl %s %s)", pos->metavar,
			  words, cmd->brief_usage ? cmd->brief_usage : cmd->usage);
		goto fail;
	}
	if (check_options(cmd, words, params, err, err_size) < 0)
		goto fail;

	inv->action = NETCTL_ACTION_RUN;
	inv->command = cmd;
	inv->params = params;
	return 0;

fail:
	json_decref(params);
	return -EINVAL;
}

/* "help", "help net", "help net create", "help fdb". */
static int parse_help_topic(int argc, char *const argv[], struct netctl_invocation *inv,
			    char *err, size_t err_size)
{
	inv->action = NETCTL_ACTION_HELP;
	if (argc == 0 || !strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))
		return 0;
	if (netctl_is_group(argv[0])) {
		if (argc == 1) {
			inv->help_group = argv[0];
			return 0;
		}
		inv->command = netctl_find_command(argv[0], argv[1]);
		if (!inv->command || argc > 2) {
			set_error(err, err_size, "no help for '%s %s': unknown command",
				  argv[0], argv[1]);
			return -EINVAL;
		}
		return 0;
	}
	inv->command = netctl_find_command(NULL, argv[0]);
	if (!inv->command || argc > 1) {
		set_error(err, err_size, "no help for '%s': unknown command", argv[0]);
		return -EINVAL;
	}
	return 0;
}

/* Global options before the command: -s SOCKET, --json, -t/--timeout SEC, -h. */
static int parse_global_options(int argc, char *const argv[], int *next,
				struct netctl_invocation *inv, char *err, size_t err_size)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *arg = argv[i];
		const char *value = NULL;
		bool is_socket = !strncmp(arg, "-s", 2);
		bool is_timeout = !strcmp(arg, "-t") || !strncmp(arg, "--timeout", 9);

		if (!strcmp(arg, "--")) {
			i++;
			break;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			inv->action = NETCTL_ACTION_HELP;
			*next = argc;
			return 0;
		}
		if (!strcmp(arg, "--json")) {
			inv->json = true;
			continue;
		}
		if (is_socket || is_timeout) {
			const char *name = is_socket ? "-s" : arg;

			if (is_socket && arg[2]) {
				value = arg + 2;
			} else if (!strncmp(arg, "--timeout=", 10)) {
				name = "--timeout";
				value = arg + 10;
			} else if (is_timeout && strcmp(arg, "-t") && strcmp(arg, "--timeout")) {
				set_error(err, err_size, "unknown option '%s' (see 'netctl --help')", arg);
				return -EINVAL;
			} else if (i + 1 < argc) {
				value = argv[++i];
			} else {
				set_error(err, err_size, "option '%s' needs a value (%s)", name,
					  is_socket ? "SOCKET" : "SEC");
				return -EINVAL;
			}
			if (is_socket) {
				if (!*value || strlen(value) > NETCTL_SOCKET_PATH_MAX) {
					set_error(err, err_size,
						  "invalid socket path '%s': expected 1 to %d bytes",
						  value, NETCTL_SOCKET_PATH_MAX);
					return -EINVAL;
				}
				inv->socket_path = value;
			} else if (value_parse_count(value, 0, 86400, &inv->timeout_sec) < 0) {
				set_error(err, err_size,
					  "invalid value '%s' for %s: expected seconds from 0 (no limit) to 86400",
					  value, name);
				return -EINVAL;
			}
			continue;
		}
		set_error(err, err_size, "unknown option '%s' (see 'netctl --help')", arg);
		return -EINVAL;
	}
	*next = i;
	return 0;
}

/**
 * netctl_parse() - turn netctl's command line into a request or a help topic
 * @argc:	argument count, including the program name
 * @argv:	arguments; the invocation points into them
 * @inv:	filled on success; release with netctl_invocation_clear()
 * @err:	on failure, one line (no "netctl: " prefix, no newline)
 * @err_size:	size of @err in bytes
 *
 * Return: 0 or -EINVAL (message in @err).
 */
int netctl_parse(int argc, char *const argv[], struct netctl_invocation *inv,
		 char *err, size_t err_size)
{
	const struct netctl_command *cmd;
	char names[64];
	int i, ret;

	memset(inv, 0, sizeof(*inv));
	inv->timeout_sec = NETCTL_DEFAULT_TIMEOUT;
	if (err_size)
		err[0] = '\0';

	ret = parse_global_options(argc, argv, &i, inv, err, err_size);
	if (ret < 0 || inv->action == NETCTL_ACTION_HELP)
		return ret;
	if (i >= argc) {
		set_error(err, err_size, "missing command (see 'netctl --help')");
		return -EINVAL;
	}

	if (!strcmp(argv[i], "help"))
		return parse_help_topic(argc - i - 1, argv + i + 1, inv, err, err_size);

	if (netctl_is_group(argv[i])) {
		const char *group = argv[i++];

		group_commands(group, names, sizeof(names));
		if (i >= argc) {
			set_error(err, err_size, "missing %s command: %s", group, names);
			return -EINVAL;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") ||
		    !strcmp(argv[i], "help")) {
			inv->action = NETCTL_ACTION_HELP;
			inv->help_group = group;
			return 0;
		}
		cmd = netctl_find_command(group, argv[i]);
		if (!cmd && i + 1 < argc) {
			/* Three-word commands: "dhcp host add". */
			char words[64];

			snprintf(words, sizeof(words), "%s %s", argv[i], argv[i + 1]);
			cmd = netctl_find_command(group, words);
			if (cmd)
				i++;
		}
		if (!cmd) {
			set_error(err, err_size, "unknown %s command '%s': expected %s",
				  group, argv[i], names);
			return -EINVAL;
		}
	} else {
		cmd = netctl_find_command(NULL, argv[i]);
		if (!cmd) {
			set_error(err, err_size, "unknown command '%s' (see 'netctl --help')",
				  argv[i]);
			return -EINVAL;
		}
	}
	i++;
	if (cmd->id == NETCTL_CAPTURE) {
		/* Short options and filter words: netctl/capture.c parses the rest. */
		inv->action = NETCTL_ACTION_CAPTURE;
		inv->command = cmd;
		inv->capture_argc = argc - i;
		inv->capture_argv = argv + i;
		return 0;
	}
	if (cmd->id >= NETCTL_LAB_UP && cmd->id <= NETCTL_LAB_GRAPH) {
		/* netctl/lab.c parses the rest. */
		inv->action = NETCTL_ACTION_LAB;
		inv->command = cmd;
		inv->capture_argc = argc - i;
		inv->capture_argv = argv + i;
		return 0;
	}
	return parse_command_args(cmd, argc - i, argv + i, inv, err, err_size);
}

/**
 * netctl_invocation_clear() - release what netctl_parse() allocated
 * @inv:	invocation, or NULL
 */
void netctl_invocation_clear(struct netctl_invocation *inv)
{
	if (!inv)
		return;
	json_decref(inv->params);
	inv->params = NULL;
}
