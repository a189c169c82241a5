/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.h - netctl's human-readable rendering of vswitchd's replies. */
#ifndef NETCTL_OUTPUT_H
#define NETCTL_OUTPUT_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "args.h"

/**
 * netctl_print_result() - print a reply as tables or a confirmation line
 * @cmd:	the command that was run
 * @params:	the request's parameters (names for confirmation lines)
 * @result:	the "result" member of the reply
 * @out:	stream for the output
 * @err:	on failure, one line saying what was wrong with the reply
 * @err_size:	size of @err in bytes
 *
 * Missing optional members print as "-"; a reply without the list a listing
 * needs is an error, since nothing sensible can be shown.
 * Return: 0, -EBADMSG (reply not understood) or -ENOMEM.
 */
int netctl_print_result(const struct netctl_command *cmd, const json_t *params,
			const json_t *result, FILE *out, char *err, size_t err_size);

#endif /* NETCTL_OUTPUT_H */
