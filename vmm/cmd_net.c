// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_net.c - `vmm attach-net NAME NET [--mac MAC]` and `vmm detach-net NAME
 * MAC`: NIC hot-plug on a running guest, like `virsh attach-interface --live`.
 * Plugging: QEMU listens on the NIC's socket, the vswitchd port is added
 * (vswitchd connects at once), then the netdev and device; unplugging runs
 * the other way, with the port last.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errline.h"
#include "fmt.h"
#include "dev_net.h"
#include "qmp.h"
#include "vmm.h"

#define QMP_CONNECT_MS	10000

/* Load a running VM, locked. Return: lock fd, or -1 after printing why. */
static int open_running(struct vmm_ctx *ctx, const char *name, struct vm *vm)
{
	char err[512];
	int lock;

	if (vm_open(ctx, name, vm, err, sizeof(err))) {
		errline("%s", err);
		return -1;
	}
	lock = vm_lock(vm);
	if (lock < 0 || vm_load(vm, ctx->run_dir, name) || vm->state != VM_RUNNING ||
	    !vm_qemu_alive(vm)) {
		errline("VM '%s' is not running (%s)", name, vm_state_name(vm->state));
		vm_unlock(lock);
		return -1;
	}
	return lock;
}

int cmd_attach_net(struct vmm_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mac", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	char err[512], sock[PATH_MAX], qmp_path[PATH_MAX], e[256];
	const char *mac_text = NULL;
	struct vm_nic *nic;
	struct sw sw = { .fd = -1 };
	struct qmp q;
	struct vm *vm;
	uint8_t mac[6];
	int lock, c, id, i, status = VMM_EXIT_FAILURE;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "m:", longopts, NULL)) != -1) {
		if (c != 'm') {
			errline("unknown option or missing value: '%s'", argv[optind - 1]);
			return VMM_EXIT_USAGE;
		}
		mac_text = optarg;
	}
	if (argc - optind != 2) {
		vmm_command_usage("attach-net");
		return VMM_EXIT_USAGE;
	}
	if (net_name_check(argv[optind + 1], err, sizeof(err))) {
		errline("%s", err);
		return VMM_EXIT_USAGE;
	}
	if (mac_text && mac_parse_nic(mac_text, mac)) {
		errline("--mac '%s' is not a unicast MAC address", mac_text);
		return VMM_EXIT_USAGE;
	}
	vm = malloc(sizeof(*vm));
	if (!vm)
		return VMM_EXIT_FAILURE;
	lock = open_running(ctx, argv[optind], vm);
	if (lock < 0)
		goto out;
	if (vm->nic_count == VM_NICS_MAX) {
		errline("%s already has %d NICs, the most vmm supports", vm->name, VM_NICS_MAX);
		goto unlock;
	}
	/* The lowest free id, so a re-attached NIC gets back its MAC. */
	for (id = 0;; id++) {
		for (i = 0; i < vm->nic_count && vm->nics[i].id != id; i++)
			;
		if (i == vm->nic_count)
			break;
	}
	nic = &vm->nics[vm->nic_count];
	memset(nic, 0, sizeof(*nic));
	nic->id = id;
	fmt(nic->net, sizeof(nic->net), "%s", argv[optind + 1]);
	if (mac_text)
		mac_format(mac, nic->mac);
	vm->nic_count++;
	vm_assign_nic(ctx, vm, nic);
	for (i = 0; i < vm->nic_count - 1; i++)
		if (!strcasecmp(vm->nics[i].mac, nic->mac)) {
			errline("%s already has a NIC with MAC %s", vm->name, nic->mac);
			goto unlock;
		}
	if (vm_mac_in_use(ctx, nic->mac, vm->name)) {
		errline("MAC %s is already used by another VM", nic->mac);
		goto unlock;
	}
	if (net_socket_path(vm, nic, sock, sizeof(sock)) ||
	    vm_path(vm, "qmp.sock", qmp_path, sizeof(qmp_path))) {
		errline("socket path in %s too long", vm->dir);
		goto unlock;
	}
	if (sw_open(&sw, ctx->socket_path, err, sizeof(err)) ||
	    sw_net_check(&sw, nic->net, err, sizeof(err))) {
		errline("%s: %s", vm->name, err);
		goto unlock;
	}
	if (qmp_open(&q, qmp_path, QMP_CONNECT_MS, err, sizeof(err))) {
		errline("%s: %s", vm->name, err);
		goto unlock;
	}
	if (net_hotplug_listen(&q, vm, nic, err, sizeof(err))) {
		errline("%s: hot-plug failed: %s", vm->name, err);
		goto close_qmp;
	}
	if (sw_port_add(&sw, nic->net, nic->port, sock, nic->mac, err, sizeof(err))) {
		errline("%s: %s", vm->name, err);
		net_hotplug_unlisten(&q, nic);
		goto close_qmp;
	}
	if (net_hotplug_add(&q, vm, nic, err, sizeof(err))) {
		errline("%s: hot-plug failed: %s", vm->name, err);
		sw_port_del(&sw, nic->net, nic->port, e, sizeof(e));
		goto close_qmp;
	}
	if (vm_save(vm))
		errline("%s: NIC attached but the record could not be written", vm->name);
	printf("%s: attached nic %s on network %s (port %s)\n", vm->name, nic->mac, nic->net,
	       nic->port);
	status = VMM_EXIT_OK;
close_qmp:
	qmp_close(&q);
unlock:
	sw_close(&sw);
	vm_unlock(lock);
out:
	free(vm);
	return status;
}

int cmd_detach_net(struct vmm_ctx *ctx, int argc, char **argv)
{
	char err[512], qmp_path[PATH_MAX];
	struct vm_nic nic;
	struct qmp q;
	struct vm *vm;
	uint8_t mac[6];
	char mac_text[MAC_TEXT_SIZE];
	int lock, i, status = VMM_EXIT_FAILURE;

	if (argc != 3) {
		vmm_command_usage("detach-net");
		return VMM_EXIT_USAGE;
	}
	if (mac_parse_nic(argv[2], mac)) {
		errline("'%s' is not a MAC address (vmm info %s lists the NICs)", argv[2], argv[1]);
		return VMM_EXIT_USAGE;
	}
	mac_format(mac, mac_text);
	vm = malloc(sizeof(*vm));
	if (!vm)
		return VMM_EXIT_FAILURE;
	lock = open_running(ctx, argv[1], vm);
	if (lock < 0)
		goto out;
	for (i = 0; i < vm->nic_count && strcasecmp(vm->nics[i].mac, mac_text); i++)
		;
	if (i == vm->nic_count) {
		errline("%s has no NIC with MAC %s", vm->name, mac_text);
		goto unlock;
	}
	nic = vm->nics[i];
	if (vm_path(vm, "qmp.sock", qmp_path, sizeof(qmp_path)) ||
	    qmp_open(&q, qmp_path, QMP_CONNECT_MS, err, sizeof(err))) {
		errline("%s: %s", vm->name, err);
		goto unlock;
	}
	if (net_hotplug_del(&q, vm, &nic, err, sizeof(err))) {
		errline("%s: unplugging %s failed: %s", vm->name, mac_text, err);
		qmp_close(&q);
		goto unlock;
	}
	qmp_close(&q);
	memmove(&vm->nics[i], &vm->nics[i + 1], sizeof(nic) * (size_t)(vm->nic_count - i - 1));
	vm->nic_count--;
	if (vm_save(vm))
		errline("%s: NIC detached but the record could not be written", vm->name);
	{
		struct sw sw;

		if (sw_open(&sw, ctx->socket_path, err, sizeof(err)) ||
		    sw_port_del(&sw, nic.net, nic.port, err, sizeof(err))) {
			errline("%s: NIC detached, but removing port %s/%s failed: %s", vm->name,
				  nic.net, nic.port, err);
			sw_close(&sw);
			goto unlock;
		}
		sw_close(&sw);
	}
	printf("%s: detached nic %s from network %s\n", vm->name, mac_text, nic.net);
	status = VMM_EXIT_OK;
unlock:
	vm_unlock(lock);
out:
	free(vm);
	return status;
}
