/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lab.c - the `netctl lab up|down|status|graph` verbs: their options, and
 * what they print. The lab itself (its file, plan, record, running and
 * drawing) is lab/'s: see lab/run.h.
 *
 * Naming: VM "LAB-NODE"; vswitchd network "LAB-NET" or "LAB-LINK", shortened
 * to 10 characters, '-' and a 4-hex-digit hash when over 15 (lab_net_name()).
 */

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "errline.h"
#include "graph.h"
#include "lab.h"
#include "record.h"
#include "run.h"
#include "value.h"

#define LAB_DEFAULT_RUN_DIR	"/run/vswitch/vmm"

/* One lab command: where the lab lives, and how to print. */
struct lab_cli {
	struct lab_env env;
	bool json;		/* status: --json */
	const char *svg;	/* graph: --svg FILE */
};

static const char *default_run_dir(void)
{
	const char *env = getenv("VMM_RUN_DIR");

	return env && *env ? env : LAB_DEFAULT_RUN_DIR;
}

/* vmm: $VMM, else the vmm next to this netctl, else vmm from $PATH. */
static void find_vmm(char out[PATH_MAX])
{
	const char *env = getenv("VMM");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(out, PATH_MAX, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((size_t)snprintf(out, PATH_MAX, "%s/vmm", dirname(self)) < PATH_MAX &&
		    access(out, X_OK) == 0)
			return;
	}
	snprintf(out, PATH_MAX, "vmm");
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The topology of lab @name from its record (allocated), or NULL with the error said. */
static struct lab *load_lab(const struct lab_cli *cli, const char *name)
{
	struct lab *lab = calloc(1, sizeof(*lab));
	char err[512];

	if (!lab) {
		errline("out of memory");
		return NULL;
	}
	if (lab_record_read(cli->env.run_dir, name, lab, err, sizeof(err)) < 0) {
		errline("%s", err);
		free(lab);
		return NULL;
	}
	return lab;
}

static int cmd_up(const struct lab_cli *cli, const char *file)
{
	struct lab *lab = calloc(1, sizeof(*lab));
	struct lab_up_report *report = calloc(1, sizeof(*report));
	int ret, status = NETCTL_EXIT_FAILURE;
	double t0 = now_sec();

	if (!lab || !report) {
		errline("out of memory");
		goto out;
	}
	ret = lab_up(&cli->env, file, lab, report);
	if (ret < 0) {
		status = ret == -EINVAL ? NETCTL_EXIT_USAGE : NETCTL_EXIT_FAILURE;
		goto out;
	}
	printf("\n%-12s %-10s %s\n", "NODE", "STATE", "ADDRESSES");
	status = NETCTL_EXIT_OK;
	for (size_t i = 0; i < lab->node_count; i++) {
		const struct lab_node *vm = &lab->nodes[i];
		char line[1024] = "";
		size_t used = 0;

		for (size_t n = 0; n < vm->nic_count; n++)
			used += (size_t)snprintf(line + used, sizeof(line) - used, "%seth%zu=%s",
						 n ? " " : "", n,
						 report->addresses[i][n][0] ? report->addresses[i][n] : "-");
		printf("%-12s %-10s %s\n", vm->name, report->ready[i] ? "ready" : "timeout", line);
		if (!report->ready[i])
			status = NETCTL_EXIT_FAILURE;
	}
	printf("lab %s: %s in %.1f s\n", lab->name, status ? "not ready" : "up", now_sec() - t0);
	if (status)
		errline("lab %s: some nodes were not network-ready within %u s (see their serial.log under %s)",
			lab->name, cli->env.wait_sec, cli->env.run_dir);
out:
	free(report);
	free(lab);
	return status;
}

static int cmd_down(const struct lab_cli *cli, const char *name)
{
	return lab_down(&cli->env, name) < 0 ? NETCTL_EXIT_FAILURE : NETCTL_EXIT_OK;
}

static int cmd_status(const struct lab_cli *cli, const char *name)
{
	struct lab *lab = load_lab(cli, name);
	json_t *st, *item;
	size_t i;

	if (!lab)
		return NETCTL_EXIT_FAILURE;
	st = lab_status_json(&cli->env, lab);
	free(lab);
	if (cli->json) {
		char *text = json_dumps(st, JSON_INDENT(2));

		puts(text ? text : "{}");
		free(text);
		json_decref(st);
		return NETCTL_EXIT_OK;
	}
	printf("lab %s\n\n%-12s %-24s %-10s %s\n", name, "NODE", "VM", "STATE", "NICS");
	json_array_foreach(json_object_get(st, "nodes"), i, item) {
		json_t *nic;
		size_t n;

		printf("%-12s %-24s %-10s", json_string_value(json_object_get(item, "name")),
		       json_string_value(json_object_get(item, "vm")),
		       json_string_value(json_object_get(item, "state")));
		json_array_foreach(json_object_get(item, "nics"), n, nic)
			printf(" %s:%s=%s", json_string_value(json_object_get(nic, "ifname")),
			       json_string_value(json_object_get(nic, "network")),
			       json_string_value(json_object_get(nic, "address")) ?: "-");
		printf("\n");
	}
	printf("\n%-12s %-16s %-9s %-18s %s\n", "NETWORK", "VSWITCH NAME", "MODE", "SUBNET", "STATE");
	json_array_foreach(json_object_get(st, "networks"), i, item) {
		const char *state = json_string_value(json_object_get(item, "state"));

		printf("%-12s %-16s %-9s %-18s %s%s\n", json_string_value(json_object_get(item, "name")),
		       json_string_value(json_object_get(item, "net")),
		       json_string_value(json_object_get(item, "mode")),
		       json_string_value(json_object_get(item, "subnet")) ?: "-",
		       json_is_true(json_object_get(item, "exists")) ? (state ? state : "present") : "absent",
		       json_object_get(item, "link") ? " (link)" : "");
	}
	if (json_array_size(json_object_get(st, "forwards"))) {
		printf("\n%-12s %-6s %-22s %s\n", "NETWORK", "PROTO", "HOST", "TARGET");
		json_array_foreach(json_object_get(st, "forwards"), i, item)
			printf("%-12s %-6s %-22s %s\n", json_string_value(json_object_get(item, "network")),
			       json_string_value(json_object_get(item, "proto")),
			       json_string_value(json_object_get(item, "host")),
			       json_string_value(json_object_get(item, "target")));
	}
	json_decref(st);
	return NETCTL_EXIT_OK;
}

static int cmd_graph(const struct lab_cli *cli, const char *name)
{
	struct lab *lab = load_lab(cli, name);
	int status = NETCTL_EXIT_OK;
	char err[256];
	json_t *st;

	if (!lab)
		return NETCTL_EXIT_FAILURE;
	st = lab_status_json(&cli->env, lab);
	free(lab);
	if (!cli->svg) {
		lab_graph_dot(stdout, st);
	} else if (lab_graph_svg(st, cli->svg, err, sizeof(err)) < 0) {
		errline("%s", err);
		status = NETCTL_EXIT_FAILURE;
	} else {
		printf("wrote %s\n", cli->svg);
	}
	json_decref(st);
	return status;
}

int netctl_lab_resolve(const char *spec, char net[16], char *err, size_t err_size)
{
	char name[LAB_NAME_MAX + 1];
	const char *slash = strchr(spec, '/');
	struct lab *lab;
	int index, ret;

	if (!slash || (size_t)(slash - spec) > LAB_NAME_MAX || slash == spec) {
		snprintf(err, err_size, "invalid lab link '%s': expected LAB/LINK", spec);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(slash - spec), spec);
	lab = calloc(1, sizeof(*lab));
	if (!lab)
		return -ENOMEM;
	ret = lab_record_read(default_run_dir(), name, lab, err, err_size);
	if (ret < 0) {
		free(lab);
		return ret;
	}
	index = lab_find_network(lab, slash + 1);
	if (index < 0) {
		snprintf(err, err_size, "lab '%s' has no link or network '%s'", name, slash + 1);
		free(lab);
		return -ENOENT;
	}
	snprintf(net, 16, "%s", lab->networks[index].net);
	free(lab);
	return 0;
}

static void lab_usage(FILE *f)
{
	fprintf(f,
		"usage: netctl lab up FILE [--run-dir DIR] [--wait SEC]\n"
		"       netctl lab down NAME [--run-dir DIR]\n"
		"       netctl lab status NAME [--json] [--run-dir DIR]\n"
		"       netctl lab graph NAME [--svg FILE] [--run-dir DIR]\n"
		"  --run-dir DIR  vmm's run directory ($VMM_RUN_DIR, default %s); lab records in DIR/.labs\n"
		"  --wait SEC     how long up waits for every node to be network-ready (default %d)\n"
		"  vmm is run from $VMM, else next to netctl, else from $PATH.\n",
		LAB_DEFAULT_RUN_DIR, LAB_DEFAULT_WAIT);
}

int netctl_lab_main(const struct netctl_invocation *inv)
{
	struct lab_cli cli = { .json = inv->json, .env = { .wait_sec = LAB_DEFAULT_WAIT } };
	const char *cmd = inv->command->name, *arg = NULL, *run_dir = default_run_dir();
	int argc = inv->capture_argc;
	char *const *argv = inv->capture_argv;

	cli.env.socket = netctl_socket_path(inv->socket_path, getenv("VSWITCH_SOCKET"));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			lab_usage(stdout);
			return NETCTL_EXIT_OK;
		} else if (!strcmp(a, "--json")) {
			cli.json = true;
		} else if (!strcmp(a, "--run-dir") && value) {
			run_dir = value;
			i++;
		} else if (!strcmp(a, "--wait") && value && !strcmp(cmd, "up")) {
			if (value_parse_count(value, 1, 86400, &cli.env.wait_sec) < 0) {
				errline("invalid value '%s' for --wait: expected seconds from 1 to 86400", value);
				return NETCTL_EXIT_USAGE;
			}
			i++;
		} else if (!strcmp(a, "--svg") && value && !strcmp(cmd, "graph")) {
			cli.svg = value;
			i++;
		} else if (a[0] == '-' && a[1]) {
			errline("unknown option or missing value '%s' for 'lab %s' (see 'netctl lab %s -h')", a, cmd, cmd);
			return NETCTL_EXIT_USAGE;
		} else if (!arg) {
			arg = a;
		} else {
			errline("unexpected argument '%s' (usage: netctl lab %s %s)", a, cmd,
				  strcmp(cmd, "up") ? "NAME" : "FILE");
			return NETCTL_EXIT_USAGE;
		}
	}
	if (!arg) {
		errline("missing %s (usage: netctl lab %s %s)", strcmp(cmd, "up") ? "NAME" : "FILE",
			  cmd, strcmp(cmd, "up") ? "NAME" : "FILE");
		return NETCTL_EXIT_USAGE;
	}
	if (strlen(run_dir) >= sizeof(cli.env.run_dir) - 64) {
		errline("--run-dir is too long");
		return NETCTL_EXIT_USAGE;
	}
	snprintf(cli.env.run_dir, sizeof(cli.env.run_dir), "%s", run_dir);
	find_vmm(cli.env.vmm);
	/* A vmm that exits early must not kill netctl while it writes to the pipe. */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	cli.env.out = stdout;

	if (!strcmp(cmd, "up"))
		return cmd_up(&cli, arg);
	if (strchr(arg, '/') || strlen(arg) > LAB_NAME_MAX) {
		errline("invalid lab name '%s'", arg);
		return NETCTL_EXIT_USAGE;
	}
	if (!strcmp(cmd, "down"))
		return cmd_down(&cli, arg);
	if (!strcmp(cmd, "status"))
		return cmd_status(&cli, arg);
	return cmd_graph(&cli, arg);
}
