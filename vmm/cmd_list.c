// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_list.c - `vmm list` and `vmm info`: VMs, their state and NICs, with addresses from DHCP leases. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errline.h"
#include "fmt.h"
#include "vmm.h"

/* Leases per network, asked for once per command. */
struct lease_cache {
	struct sw sw;
	json_t *by_net;		/* net name -> leases array or null */
};

static void leases_open(struct vmm_ctx *ctx, struct lease_cache *lc)
{
	char err[256];

	lc->by_net = json_object();
	if (sw_open(&lc->sw, ctx->socket_path, err, sizeof(err)))
		lc->sw.fd = -1;
}

static void leases_close(struct lease_cache *lc)
{
	sw_close(&lc->sw);
	json_decref(lc->by_net);
}

static const char *lease_ip(struct lease_cache *lc, const struct vm_nic *nic)
{
	json_t *leases = json_object_get(lc->by_net, nic->net);

	if (!leases) {
		leases = sw_leases(&lc->sw, nic->net);
		json_object_set_new(lc->by_net, nic->net, leases ? leases : json_null());
	}
	return json_is_array(leases) ? sw_lease_ip(leases, nic->mac) : NULL;
}

static json_t *vm_json_with_addresses(const struct vm *vm, struct lease_cache *lc)
{
	json_t *obj = vm_to_json(vm), *nic;
	size_t i;

	json_array_foreach(json_object_get(obj, "nics"), i, nic) {
		const char *ip = vm_is_active(vm) ? lease_ip(lc, &vm->nics[i]) : NULL;

		json_object_set_new(nic, "ip", ip ? json_string(ip) : json_null());
	}
	json_object_set_new(obj, "dir", json_string(vm->dir));
	return obj;
}

static int print_json(json_t *obj)
{
	char *text = json_dumps(obj, JSON_INDENT(2));

	json_decref(obj);
	if (!text) {
		errline("cannot format JSON");
		return VMM_EXIT_FAILURE;
	}
	puts(text);
	free(text);
	return VMM_EXIT_OK;
}

static bool parse_json_flag(struct vmm_ctx *ctx, int argc, char **argv, int want_args)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 'j') {
			errline("unknown option '%s'", argv[optind - 1]);
			return false;
		}
		ctx->json = true;
	}
	if (argc - optind != want_args) {
		vmm_command_usage(argv[0]);
		return false;
	}
	return true;
}

int cmd_list(struct vmm_ctx *ctx, int argc, char **argv)
{
	struct lease_cache lc;
	struct vm *vm;
	char **names, mem[32];
	json_t *list;
	size_t i, j, k;
	int count;

	if (!parse_json_flag(ctx, argc, argv, 0))
		return VMM_EXIT_USAGE;
	count = vm_list_names(ctx->run_dir, &names);
	if (count < 0) {
		errline("cannot read %s: %s", ctx->run_dir, strerror(-count));
		return VMM_EXIT_FAILURE;
	}
	vm = malloc(sizeof(*vm));
	if (!vm) {
		vm_free_names(names, count);
		return VMM_EXIT_FAILURE;
	}
	leases_open(ctx, &lc);
	list = json_array();
	for (i = 0; i < (size_t)count; i++) {
		if (vm_load(vm, ctx->run_dir, names[i]))
			continue;
		vm_refresh(ctx, vm);
		json_array_append_new(list, vm_json_with_addresses(vm, &lc));
	}
	vm_free_names(names, count);
	free(vm);
	leases_close(&lc);

	if (ctx->json)
		return print_json(json_pack("{s:o}", "vms", list));

	/* Column widths from the data. */
	size_t wname = 4, wstate = 5;
	json_t *v, *nic;

	json_array_foreach(list, i, v) {
		wname = strlen(json_string_value(json_object_get(v, "name"))) > wname ?
			strlen(json_string_value(json_object_get(v, "name"))) : wname;
		wstate = strlen(json_string_value(json_object_get(v, "state"))) > wstate ?
			 strlen(json_string_value(json_object_get(v, "state"))) : wstate;
	}
	printf("%-*s  %-*s  %-5s  %6s  %4s  %s\n", (int)wname, "NAME", (int)wstate, "STATE",
	       "ACCEL", "MEMORY", "CPUS", "NICS (network mac address)");
	json_array_foreach(list, i, v) {
		json_t *nics = json_object_get(v, "nics");

		fmt(mem, sizeof(mem), "%lldM",
			 (long long)json_integer_value(json_object_get(v, "memory_mib")));
		printf("%-*s  %-*s  %-5s  %6s  %4lld  ", (int)wname,
		       json_string_value(json_object_get(v, "name")), (int)wstate,
		       json_string_value(json_object_get(v, "state")),
		       json_string_value(json_object_get(v, "accel")), mem,
		       (long long)json_integer_value(json_object_get(v, "cpus")));
		if (!json_array_size(nics))
			printf("-\n");
		json_array_foreach(nics, j, nic) {
			const char *ip = json_string_value(json_object_get(nic, "ip"));

			if (j)
				for (k = 0; k < wname + wstate + 5 + 6 + 4 + 10; k++)
					putchar(' ');
			printf("%s %s %s\n", json_string_value(json_object_get(nic, "net")),
			       json_string_value(json_object_get(nic, "mac")), ip ? ip : "-");
		}
	}
	json_decref(list);
	return VMM_EXIT_OK;
}

int cmd_info(struct vmm_ctx *ctx, int argc, char **argv)
{
	struct lease_cache lc;
	char err[512];
	struct vm *vm;
	json_t *obj, *nic;
	size_t i;

	if (!parse_json_flag(ctx, argc, argv, 1))
		return VMM_EXIT_USAGE;
	vm = malloc(sizeof(*vm));
	if (!vm)
		return VMM_EXIT_FAILURE;
	if (vm_open(ctx, argv[optind], vm, err, sizeof(err))) {
		errline("%s", err);
		free(vm);
		return VMM_EXIT_FAILURE;
	}
	leases_open(ctx, &lc);
	obj = vm_json_with_addresses(vm, &lc);
	leases_close(&lc);
	if (ctx->json) {
		free(vm);
		return print_json(obj);
	}
	printf("name:      %s\n", vm->name);
	printf("state:     %s", vm_state_name(vm->state));
	if (vm_is_active(vm)) {
		long long up = vm->started_at ? (long long)time(NULL) - vm->started_at : 0;

		printf(" (pid %d, up %lldm%02llds)\n", (int)vm->qemu_pid, up / 60, up % 60);
	} else {
		printf(" (%s)\n", vm->exit_reason[0] ? vm->exit_reason : "-");
	}
	printf("accel:     %s\n", vm->accel_reason[0] ? vm->accel_reason : accel_name(vm->accel));
	printf("memory:    %lu MiB\n", vm->memory_mib);
	printf("cpus:      %u\n", vm->cpus);
	if (vm->kernel[0]) {
		printf("kernel:    %s\n", vm->kernel);
		if (vm->initrd[0])
			printf("initrd:    %s\n", vm->initrd);
		if (vm->append[0])
			printf("append:    %s\n", vm->append);
	} else {
		printf("disk:      %s (%s)\n", vm->disk, vm->disk_format);
		if (vm->backing[0])
			printf("backing:   %s\n", vm->backing);
	}
	printf("console:   vmm console %s (log: %s/serial.log)\n", vm->name, vm->dir);
	printf("directory: %s\n", vm->dir);
	if (vm->ports_pending)
		printf("note:      its vswitchd ports are still to be removed (vswitchd unreachable)\n");
	printf("nics:\n");
	if (!vm->nic_count)
		printf("  (none)\n");
	json_array_foreach(json_object_get(obj, "nics"), i, nic) {
		const char *ip = json_string_value(json_object_get(nic, "ip"));

		printf("  %-17s network %-15s port %-15s address %s\n", vm->nics[i].mac,
		       vm->nics[i].net, vm->nics[i].port, ip ? ip : "-");
	}
	json_decref(obj);
	free(vm);
	return VMM_EXIT_OK;
}
