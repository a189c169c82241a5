/* SPDX-License-Identifier: GPL-2.0-or-later */
/* help.c - netctl's help texts, generated from the command table. */

#include <string.h>

#include "help.h"

#define USAGE_COLUMN	44	/* where summaries start in command listings */

/* One line of a command listing: the words, the brief usage, the summary. */
static void print_command_line(FILE *out, const struct netctl_command *cmd)
{
	const char *usage = cmd->brief_usage ? cmd->brief_usage : cmd->usage;
	char line[256];

	snprintf(line, sizeof(line), "  %s%s%s%s%s", cmd->group ? cmd->group : "",
		 cmd->group ? " " : "", cmd->name, *usage ? " " : "", usage);
	fprintf(out, "%-*s %s\n", USAGE_COLUMN - 1, line, cmd->summary);
}

/* The options of @cmd that belong to @port_type (NULL: to every type). */
static void print_options(FILE *out, const struct netctl_command *cmd, const char *port_type,
			  int width)
{
	for (const struct netctl_option *opt = cmd->options; opt->name; opt++) {
		char left[64];

		if (!!opt->port_type != !!port_type ||
		    (port_type && strcmp(opt->port_type, port_type)))
			continue;
		snprintf(left, sizeof(left), "%s%s%s", opt->name, opt->metavar ? " " : "",
			 opt->metavar ? opt->metavar : "");
		fprintf(out, "  %-*s  %s%s\n", width, left, opt->help,
			opt->required ? " (required)" : "");
	}
}

static void print_command_help(FILE *out, const struct netctl_command *cmd)
{
	const char *usage = cmd->usage;
	const char *port_types_seen[NETCTL_MAX_OPTIONS];
	int type_count = 0;
	bool first = true;
	int width = 0;

	while (*usage || first) {
		size_t length = strcspn(usage, "\n");

		fprintf(out, "%s netctl [OPTIONS] %s%s%s%s%.*s\n",
			first ? "Usage:" : "      ", cmd->group ? cmd->group : "",
			cmd->group ? " " : "", cmd->name, length ? " " : "", (int)length, usage);
		usage += length;
		if (*usage == '\n')
			usage++;
		first = false;
	}
	fprintf(out, "\n%c%s.\n", cmd->summary[0] - 'a' + 'A', cmd->summary + 1);
	if (!cmd->options[0].name)
		return;

	for (const struct netctl_option *opt = cmd->options; opt->name; opt++) {
		int length = (int)strlen(opt->name) +
			     (opt->metavar ? (int)strlen(opt->metavar) + 1 : 0);
		bool seen = false;

		if (length > width)
			width = length;
		for (int i = 0; i < type_count; i++)
			seen |= opt->port_type && !strcmp(port_types_seen[i], opt->port_type);
		if (opt->port_type && !seen)
			port_types_seen[type_count++] = opt->port_type;
	}
	fprintf(out, "\nOptions:\n");
	print_options(out, cmd, NULL, width);
	for (int i = 0; i < type_count; i++) {
		fprintf(out, "\nWith --type %s:\n", port_types_seen[i]);
		print_options(out, cmd, port_types_seen[i], width);
	}
	fprintf(out, "\nOPTIONS before the command: -s SOCKET, --json, -t SEC (see 'netctl --help').\n");
}

static void print_group_help(FILE *out, const char *group)
{
	fprintf(out, "Usage: netctl [OPTIONS] %s COMMAND [ARGS...]\n\n"
		"Commands:\n", group);
	for (const struct netctl_command *cmd = netctl_commands; cmd->name; cmd++)
		if (cmd->group && !strcmp(cmd->group, group))
			print_command_line(out, cmd);
	fprintf(out, "\n'netctl %s COMMAND -h' shows a command's options.\n", group);
}

/**
 * netctl_print_help() - print help for one command, one group, or everything
 * @out:	stream to write to
 * @group:	"net" or "port" for that group's commands, or NULL
 * @command:	one command's usage and options, or NULL
 */
void netctl_print_help(FILE *out, const char *group, const struct netctl_command *command)
{
	if (command) {
		print_command_help(out, command);
		return;
	}
	if (group) {
		print_group_help(out, group);
		return;
	}
	fprintf(out,
		"Usage: netctl [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Control vswitchd, the virtual switch for KVM guests.\n"
		"\n"
		"Options:\n"
		"  -s SOCKET            vswitchd's control socket; default $VSWITCH_SOCKET,\n"
		"                       else " NETCTL_DEFAULT_SOCKET "\n"
		"  --json               print vswitchd's reply as JSON (any command)\n"
		"  -t, --timeout SEC    give up waiting for a reply after SEC seconds\n"
		"                       (default %d; 0 waits for ever)\n"
		"  -h, --help           show this help; 'netctl COMMAND -h' shows a\n"
		"                       command's options\n"
		"\n"
		"Commands:\n", NETCTL_DEFAULT_TIMEOUT);
	for (const struct netctl_command *cmd = netctl_commands; cmd->name; cmd++)
		print_command_line(out, cmd);
	fprintf(out, "%-*s %s\n", USAGE_COLUMN - 1, "  help [COMMAND]", "show help");
	fprintf(out,
		"\n"
		"Network and port names: 1-%d characters from A-Z a-z 0-9 _ . -,\n"
		"not starting with '.' or '-'\n"
		"MAC addresses: six hex pairs, e.g. 52:54:00:12:34:56\n"
		"\n"
		"Exit status:\n"
		"  %d  success\n"
		"  %d  failure: vswitchd is not reachable, refused the request, or sent\n"
		"     a reply netctl does not understand\n"
		"  %d  the command line is wrong (unknown command or option, missing or\n"
		"     malformed value); nothing was sent to vswitchd\n"
		"Every error is one line on standard error.\n",
		NETCTL_NAME_MAX, NETCTL_EXIT_OK, NETCTL_EXIT_FAILURE, NETCTL_EXIT_USAGE);
}
