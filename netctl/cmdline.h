/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmdline.h - netctl's command line parsed into an invocation: a request, a help topic, or a verb run locally. */
#ifndef NETCTL_CMDLINE_H
#define NETCTL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "args.h"

enum netctl_action {
	NETCTL_ACTION_RUN,	/* send command->method with params */
	NETCTL_ACTION_HELP,	/* print help for help_group / command, or everything */
	NETCTL_ACTION_CAPTURE,	/* run `capture` with capture_argc/argv (netctl/capture.c) */
	NETCTL_ACTION_LAB,	/* run `lab CMD` with the words after it in capture_argc/argv (netctl/lab.c) */
};

struct netctl_invocation {
	enum netctl_action action;
	const char *socket_path;	/* -s value, or NULL for the default */
	bool json;			/* --json: print the reply as JSON */
	unsigned int timeout_sec;	/* 0: wait for ever */
	const char *help_group;		/* HELP: "net" or "port" for a group's help */
	const struct netctl_command *command;	/* RUN; HELP: that command's help */
	json_t *params;			/* RUN: request parameters (owned) */
	int capture_argc;		/* CAPTURE: the words after "capture" */
	char *const *capture_argv;
};

/**
 * netctl_parse() - turn netctl's command line into a request or a help topic
 * @argc:	argument count, including the program name
 * @argv:	arguments; the invocation points into them
 * @inv:	filled on success; release with netctl_invocation_clear()
 * @err:	on failure, one line (no "netctl: " prefix, no newline)
 * @err_size:	size of @err in bytes
 *
 * Checks everything that can be checked without the daemon: commands,
 * options, the number of arguments, and the form of every value.
 * Return: 0 or -EINVAL (message in @err).
 */
int netctl_parse(int argc, char *const argv[], struct netctl_invocation *inv,
		 char *err, size_t err_size);

/** netctl_invocation_clear() - release what netctl_parse() allocated. Accepts NULL. */
void netctl_invocation_clear(struct netctl_invocation *inv);

#endif /* NETCTL_CMDLINE_H */
