/* SPDX-License-Identifier: GPL-2.0-or-later */
/* help.h - netctl's help texts, generated from the command table. */
#ifndef NETCTL_HELP_H
#define NETCTL_HELP_H

#include <stdio.h>

#include "args.h"

/**
 * netctl_print_help() - print help for one command, one group, or everything
 * @out:	stream to write to
 * @group:	"net" or "port" for that group's commands, or NULL
 * @command:	one command's usage and options, or NULL
 *
 * With both NULL, prints the full usage, every command and the exit statuses.
 */
void netctl_print_help(FILE *out, const char *group, const struct netctl_command *command);

#endif /* NETCTL_HELP_H */
