/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netctl.c - the command-line face of vswitchd: parse, send one request, print the reply. */

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "errline.h"
#include "cmdline.h"
#include "capture_run.h"
#include "help.h"
#include "lab.h"
#include "output.h"

static void on_timeout(int signal_number)
{
	static const char message[] = "netctl: timed out waiting for vswitchd\n";

	(void)signal_number;
	if (write(STDERR_FILENO, message, sizeof(message) - 1) < 0) {
		/* Nothing more can be said; the exit status still tells. */
	}
	_exit(NETCTL_EXIT_FAILURE);
}

static void arm_timeout(unsigned int seconds)
{
	struct sigaction action = { .sa_handler = on_timeout };

	if (!seconds)
		return;
	sigemptyset(&action.sa_mask);
	sigaction(SIGALRM, &action, NULL);
	alarm(seconds);
}

/* A relative --socket means relative to where netctl runs, not to vswitchd. */
static int absolutize_socket_param(json_t *params)
{
	const char *path = json_string_value(json_object_get(params, "socket"));
	char cwd[PATH_MAX], absolute[PATH_MAX];

	if (!path || path[0] == '/')
		return 0;
	if (!getcwd(cwd, sizeof(cwd))) {
		errline("cannot resolve socket path '%s': %s", path, strerror(errno));
		return NETCTL_EXIT_FAILURE;
	}
	if (netctl_absolute_path(path, cwd, absolute, sizeof(absolute)) < 0 ||
	    strlen(absolute) > NETCTL_SOCKET_PATH_MAX) {
		errline("socket path '%s' is too long once made absolute: at most %d bytes",
			   path, NETCTL_SOCKET_PATH_MAX);
		return NETCTL_EXIT_USAGE;
	}
	if (json_object_set_new(params, "socket", json_string(absolute)) < 0) {
		errline("out of memory");
		return NETCTL_EXIT_FAILURE;
	}
	return 0;
}

static const char *connect_hint(int error)
{
	switch (error) {
	case ENOENT:
	case ECONNREFUSED:
		return " (is vswitchd running?)";
	case EACCES:
	case EPERM:
		return " (are you root or in the socket's group?)";
	default:
		return "";
	}
}

static int print_json(const json_t *result)
{
	char *text;

	if (!result) {
		puts("{}");
		return NETCTL_EXIT_OK;
	}
	text = json_dumps(result, JSON_INDENT(2) | JSON_ENCODE_ANY);

	if (!text) {
		errline("cannot format the reply as JSON");
		return NETCTL_EXIT_FAILURE;
	}
	puts(text);
	free(text);
	return NETCTL_EXIT_OK;
}

/* Send the request and print the reply. Return: the exit status. */
static int run(const struct netctl_invocation *inv)
{
	const char *socket_path = netctl_socket_path(inv->socket_path, getenv("VSWITCH_SOCKET"));
	json_t *result = NULL;
	char *errmsg = NULL;
	char err[512];
	int fd, ret, status;

	status = absolutize_socket_param(inv->params);
	if (status)
		return status;

	/* A daemon that hangs up must give an error, not a silent SIGPIPE death. */
	signal(SIGPIPE, SIG_IGN);
	arm_timeout(inv->timeout_sec);

	fd = ctl_connect(socket_path);
	if (fd < 0) {
		errline("cannot connect to %s: %s%s", socket_path, strerror(-fd),
			   connect_hint(-fd));
		return NETCTL_EXIT_FAILURE;
	}
	ret = ctl_call(fd, inv->command->method, json_incref(inv->params), NULL, 0,
		       &result, &errmsg);
	close(fd);
	alarm(0);
	/* Output goes to pipes like `| head`; a closed pipe ends netctl quietly. */
	signal(SIGPIPE, SIG_DFL);

	if (ret < 0) {
		if (errmsg && *errmsg)
			errline("%s", errmsg);
		else if (errmsg)
			errline("vswitchd refused '%s': %s", inv->command->method,
				   strerror(-ret));
		else if (ret == -ECONNRESET || ret == -EPIPE)
			errline("vswitchd at %s closed the connection without replying",
				   socket_path);
		else
			errline("no valid reply from vswitchd at %s: %s", socket_path,
				   strerror(-ret));
		free(errmsg);
		return NETCTL_EXIT_FAILURE;
	}
	free(errmsg);

	/* Remarks that did not stop the command (a drop policy elsewhere, a busy port). */
	if (!inv->json && json_is_array(json_object_get(result, "warnings"))) {
		const json_t *warning;
		size_t i;

		json_array_foreach(json_object_get(result, "warnings"), i, warning)
			if (json_is_string(warning))
				errline("warning: %s", json_string_value(warning));
	}
	if (inv->json) {
		status = print_json(result);
	} else if (netctl_print_result(inv->command, inv->params, result, stdout,
				       err, sizeof(err)) < 0) {
		errline("%s", err);
		status = NETCTL_EXIT_FAILURE;
	} else {
		status = NETCTL_EXIT_OK;
	}
	json_decref(result);
	return status;
}

int main(int argc, char **argv)
{
	struct netctl_invocation inv;
	char err[512];
	int status;

	errline_set_prog("netctl");
	if (netctl_parse(argc, argv, &inv, err, sizeof(err)) < 0) {
		errline("%s", err);
		return NETCTL_EXIT_USAGE;
	}
	if (inv.action == NETCTL_ACTION_HELP) {
		netctl_print_help(stdout, inv.help_group, inv.command);
		status = NETCTL_EXIT_OK;
	} else if (inv.action == NETCTL_ACTION_CAPTURE) {
		netctl_capture_resolver = netctl_lab_resolve;
		status = netctl_capture_main(&inv);
	} else if (inv.action == NETCTL_ACTION_LAB) {
		status = netctl_lab_main(&inv);
	} else {
		status = run(&inv);
	}
	netctl_invocation_clear(&inv);

	if (fflush(stdout) != 0 || ferror(stdout)) {
		errline("cannot write output: %s", strerror(errno));
		return NETCTL_EXIT_FAILURE;
	}
	return status;
}
