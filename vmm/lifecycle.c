// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lifecycle.c - what every vmm command does before it trusts a VM record:
 * notice a QEMU that died, release its vswitchd ports, pick MACs.
 *
 * A VM's supervisor (see cmd_run.c) normally does the clean-up when QEMU
 * exits. If the supervisor itself is gone (killed, machine trouble), the next
 * vmm command that looks at the VM does it instead: the PID check on every
 * command is the safety net.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "vmm.h"

bool vm_qemu_alive(const struct vm *vm)
{
	return proc_alive(vm->qemu_pid, vm->qemu_start);
}

int vm_release_ports(struct vmm_ctx *ctx, struct vm *vm, char *err, size_t err_size)
{
	struct sw sw;
	int i, ret, first = 0;

	ret = sw_open(&sw, ctx->socket_path, err, err_size);
	if (ret) {
		vm->ports_pending = vm->nic_count > 0;
		return vm->nic_count ? ret : 0;
	}
	for (i = 0; i < vm->nic_count; i++) {
		char e[256];

		ret = sw_port_del(&sw, vm->nics[i].net, vm->nics[i].port, e, sizeof(e));
		/* A network destroyed meanwhile took its ports with it. */
		if (ret && ret != -ENOENT && !first) {
			first = ret;
			fmt(err, err_size, "removing port %s/%s: %s", vm->nics[i].net,
				 vm->nics[i].port, e);
		}
	}
	sw_close(&sw);
	vm->ports_pending = first != 0;
	return first;
}

void vm_remove_sockets(struct vm *vm)
{
	char path[PATH_MAX];
	int i;

	if (!vm_path(vm, "qmp.sock", path, sizeof(path)))
		unlink(path);
	if (!vm_path(vm, "console.sock", path, sizeof(path)))
		unlink(path);
	for (i = 0; i < vm->nic_count; i++) {
		char file[32];

		fmt(file, sizeof(file), "net%d.sock", vm->nics[i].id);
		if (!vm_path(vm, file, path, sizeof(path)))
			unlink(path);
	}
}

void vm_refresh(struct vmm_ctx *ctx, struct vm *vm)
{
	char err[512];
	int lock, i;

	if (!vm_is_active(vm) && !vm->ports_pending)
		return;
	if (vm_is_active(vm)) {
		if (vm_qemu_alive(vm))
			return;
		/* Its supervisor is still starting QEMU, or is about to clean up: let it. */
		for (i = 0; i < 30 && proc_alive(vm->supervisor_pid, vm->supervisor_start); i++) {
			if (vm->state == VM_STARTING && !vm->qemu_pid)
				return;
			usleep(100 * 1000);
			if (vm_load(vm, ctx->run_dir, vm->name) || !vm_is_active(vm))
				return;
		}
	}
	lock = vm_lock(vm);
	if (lock < 0)
		return;
	if (vm_load(vm, ctx->run_dir, vm->name) == 0) {
		if (vm_is_active(vm) && !vm_qemu_alive(vm)) {
			if (vm->state == VM_STOPPING) {
				vm->state = VM_STOPPED;
				fmt(vm->exit_reason, sizeof(vm->exit_reason), "stopped on request");
			} else {
				vm->state = VM_CRASHED;
				fmt(vm->exit_reason, sizeof(vm->exit_reason),
					 "QEMU (pid %d) died and its supervisor is gone", (int)vm->qemu_pid);
			}
			vm_remove_sockets(vm);
			vm->ports_pending = vm->nic_count > 0;
		}
		if (!vm_is_active(vm) && vm->ports_pending)
			vm_release_ports(ctx, vm, err, sizeof(err));
		vm_save(vm);
	}
	vm_unlock(lock);
}

int vm_open(struct vmm_ctx *ctx, const char *name, struct vm *vm, char *err, size_t err_size)
{
	int ret;

	if (vm_name_check(name, err, err_size))
		return -EINVAL;
	ret = vm_load(vm, ctx->run_dir, name);
	if (ret == -ENOENT) {
		fmt(err, err_size, "no VM named '%s' (vmm list shows them)", name);
		return ret;
	}
	if (ret) {
		fmt(err, err_size, "cannot read the record of VM '%s' in %s: %s", name,
			 ctx->run_dir, strerror(-ret));
		return ret;
	}
	vm_refresh(ctx, vm);
	return 0;
}

bool vm_mac_in_use(struct vmm_ctx *ctx, const char *mac, const char *except_vm)
{
	char **names;
	struct vm *other = malloc(sizeof(*other));
	bool used = false;
	int count, i, j;

	if (!other)
		return false;
	count = vm_list_names(ctx->run_dir, &names);
	for (i = 0; i < count && !used; i++) {
		if (except_vm && !strcmp(names[i], except_vm))
			continue;
		if (vm_load(other, ctx->run_dir, names[i]))
			continue;
		for (j = 0; j < other->nic_count; j++)
			if (!strcasecmp(other->nics[j].mac, mac))
				used = true;
	}
	if (count > 0)
		vm_free_names(names, count);
	free(other);
	return used;
}

void vm_assign_nic(struct vmm_ctx *ctx, const struct vm *vm, struct vm_nic *nic)
{
	uint8_t mac[6];
	unsigned int attempt;
	int j;

	vm_port_name(vm->name, nic->id, nic->port);
	if (nic->mac[0])
		return;
	for (attempt = 0; attempt < 1000; attempt++) {
		bool taken = false;

		mac_for_nic(vm->name, nic->id, attempt, mac);
		mac_format(mac, nic->mac);
		for (j = 0; j < vm->nic_count; j++)
			if (&vm->nics[j] != nic && !strcasecmp(vm->nics[j].mac, nic->mac))
				taken = true;
		if (!taken && !vm_mac_in_use(ctx, nic->mac, vm->name))
			return;
	}
}

int find_program(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	int ret = -ENOENT;

	if (strchr(name, '/')) {
		if (access(name, X_OK))
			return -ENOENT;
		fmt(out, size, "%s", name);
		return 0;
	}
	copy = strdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!copy)
		return -ENOMEM;
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if ((size_t)fmt(out, size, "%s/%s", dir, name) < size && !access(out, X_OK)) {
			ret = 0;
			break;
		}
	}
	free(copy);
	return ret;
}
