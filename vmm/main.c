// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - vmm, the KVM runner: global options, then one subcommand from
 * the table below (after kvmtool's builtin table).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errline.h"
#include "vmm.h"

static const struct vmm_command commands[] = {
	{ "run", "NAME (--kernel K [--initrd I] [--append ARGS] | --disk IMG [--overlay])\n"
		 "        [--memory 256M] [--cpus N] [--net NET[,mac=MAC]]... [--accel auto|kvm|tcg] [--detach]",
	  "start a guest with NICs on vswitchd networks", cmd_run },
	{ "list", "[--json]", "list VMs: state, accelerator, memory, CPUs, NICs and addresses", cmd_list },
	{ "info", "NAME [--json]", "show one VM in detail", cmd_info },
	{ "stop", "NAME [--force] [--timeout SECONDS]",
	  "power a guest down (ACPI), forcing it off after the timeout (default 30 s)", cmd_stop },
	{ "console", "NAME", "attach to the serial console (detach with Ctrl-])", cmd_console },
	{ "attach-net", "NAME NET [--mac MAC]", "hot-plug a NIC on network NET into a running guest",
	  cmd_attach_net },
	{ "detach-net", "NAME MAC", "hot-unplug the NIC with that MAC", cmd_detach_net },
	{ "rm", "NAME", "forget a stopped VM (its directory and logs)", cmd_rm },
	{ NULL, NULL, NULL, NULL },
};

void vmm_command_usage(const char *name)
{
	const struct vmm_command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			fprintf(stderr, "usage: vmm %s %s\n", c->name, c->usage);
}

static void print_help(FILE *out)
{
	const struct vmm_command *c;

	fprintf(out,
		"usage: vmm [-s SOCKET] [--run-dir DIR] [--qemu BIN] [--json] COMMAND [ARGS]\n"
		"\n"
		"Runs QEMU guests whose virtio-net NICs are vswitchd vhost-user ports.\n"
		"\n"
		"  -s, --socket SOCKET  vswitchd control socket ($VSWITCH_SOCKET, default %s)\n"
		"  --run-dir DIR        where VM state lives ($VMM_RUN_DIR, default %s)\n"
		"  --qemu BIN           QEMU binary ($VMM_QEMU, default %s)\n"
		"  --json               machine-readable output (list, info)\n"
		"\n"
		"commands:\n",
		SW_DEFAULT_SOCKET, VMM_DEFAULT_RUN_DIR, VMM_DEFAULT_QEMU);
	for (c = commands; c->name; c++)
		fprintf(out, "  %-11s %s\n", c->name, c->summary);
	fprintf(out,
		"\n"
		"`vmm COMMAND --help` (run) or the usage line of each command tells its arguments.\n"
		"Exit status: 0 success, 1 failure (one line on stderr says why), 2 bad usage.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "qemu", required_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vmm_ctx ctx = {
		.run_dir = getenv("VMM_RUN_DIR") ?: VMM_DEFAULT_RUN_DIR,
		.socket_path = getenv("VSWITCH_SOCKET") ?: SW_DEFAULT_SOCKET,
		.qemu = getenv("VMM_QEMU") ?: VMM_DEFAULT_QEMU,
	};
	const struct vmm_command *c;
	int opt;

	errline_set_prog("vmm");
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+s:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': ctx.socket_path = optarg; break;
		case 'r': ctx.run_dir = optarg; break;
		case 'q': ctx.qemu = optarg; break;
		case 'j': ctx.json = true; break;
		case 'h': print_help(stdout); return VMM_EXIT_OK;
		default:
			errline("unknown option '%s' (vmm --help lists them)", argv[optind - 1]);
			return VMM_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		print_help(stderr);
		return VMM_EXIT_USAGE;
	}
	if (!ctx.run_dir[0] || !ctx.socket_path[0]) {
		errline("--run-dir and --socket must not be empty");
		return VMM_EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "help")) {
		print_help(stdout);
		return VMM_EXIT_OK;
	}
	for (c = commands; c->name; c++)
		if (!strcmp(c->name, argv[optind]))
			return c->run(&ctx, argc - optind, argv + optind);
	errline("unknown command '%s' (vmm --help lists them)", argv[optind]);
	return VMM_EXIT_USAGE;
}
