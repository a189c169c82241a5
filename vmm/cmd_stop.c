// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_stop.c - `vmm stop` (ACPI power-down, forced after a timeout, or at
 * once with --force) and `vmm rm` (forget a stopped VM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errline.h"
#include "qmp.h"
#include "vmm.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static bool wait_qemu_gone(const struct vm *vm, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	while (vm_qemu_alive(vm)) {
		if (now_ms() > deadline)
			return false;
		usleep(100 * 1000);
	}
	return true;
}

int cmd_stop(struct vmm_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	char err[512], path[PATH_MAX];
	bool force = false;
	int timeout = VMM_STOP_TIMEOUT_SEC, c, lock, i;
	struct vm *vm;
	struct qmp q;
	char *end;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ft:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 't':
			timeout = (int)strtol(optarg, &end, 10);
			if (*end || timeout < 0 || timeout > 3600) {
				errline("--timeout '%s': give seconds, 0 to 3600", optarg);
				return VMM_EXIT_USAGE;
			}
			break;
		default:
			errline("unknown option '%s'", argv[optind - 1]);
			return VMM_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		vmm_command_usage("stop");
		return VMM_EXIT_USAGE;
	}
	vm = malloc(sizeof(*vm));
	if (!vm)
		return VMM_EXIT_FAILURE;
	if (vm_open(ctx, argv[optind], vm, err, sizeof(err))) {
		errline("%s", err);
		free(vm);
		return VMM_EXIT_FAILURE;
	}
	if (!vm_is_active(vm) || !vm->qemu_pid) {
		errline("VM '%s' is not running (%s)", vm->name, vm_state_name(vm->state));
		free(vm);
		return VMM_EXIT_FAILURE;
	}
	lock = vm_lock(vm);
	if (vm_load(vm, ctx->run_dir, vm->name) == 0 && vm->state == VM_RUNNING) {
		vm->state = VM_STOPPING;
		vm_save(vm);
	}
	vm_unlock(lock);

	if (!force) {
		if (vm_path(vm, "qmp.sock", path, sizeof(path)) == 0 &&
		    qmp_open(&q, path, 5000, err, sizeof(err)) == 0) {
			if (qmp_exec(&q, "system_powerdown", NULL, NULL, 5000, err, sizeof(err)))
				errline("%s: power-down request failed: %s", vm->name, err);
			qmp_close(&q);
		} else {
			errline("%s: cannot reach QMP (%s); forcing", vm->name, err);
			timeout = 0;
		}
		if (!wait_qemu_gone(vm, timeout * 1000)) {
			printf("%s: did not power off within %d s; forcing\n", vm->name, timeout);
			force = true;
		}
	}
	if (force && vm_qemu_alive(vm)) {
		kill(vm->qemu_pid, SIGKILL);
		if (!wait_qemu_gone(vm, 10000)) {
			errline("%s: QEMU (pid %d) survived SIGKILL", vm->name, (int)vm->qemu_pid);
			free(vm);
			return VMM_EXIT_FAILURE;
		}
	}
	/* The supervisor releases the ports; wait for it, or do it (vm_refresh). */
	for (i = 0; i < 100; i++) {
		if (vm_load(vm, ctx->run_dir, vm->name) || !vm_is_active(vm))
			break;
		if (!proc_alive(vm->supervisor_pid, vm->supervisor_start))
			break;
		usleep(100 * 1000);
	}
	vm_refresh(ctx, vm);
	printf("%s: %s\n", vm->name, vm_state_name(vm->state));
	if (vm->ports_pending)
		errline("%s: its vswitchd ports could not be removed yet (is vswitchd running?)",
			  vm->name);
	free(vm);
	return VMM_EXIT_OK;
}

int cmd_rm(struct vmm_ctx *ctx, int argc, char **argv)
{
	char err[512];
	struct vm *vm;
	int lock;

	if (argc != 2) {
		vmm_command_usage("rm");
		return VMM_EXIT_USAGE;
	}
	vm = malloc(sizeof(*vm));
	if (!vm)
		return VMM_EXIT_FAILURE;
	if (vm_open(ctx, argv[1], vm, err, sizeof(err))) {
		errline("%s", err);
		free(vm);
		return VMM_EXIT_FAILURE;
	}
	if (vm_is_active(vm)) {
		errline("VM '%s' is %s; stop it first (vmm stop %s)", vm->name,
			  vm_state_name(vm->state), vm->name);
		free(vm);
		return VMM_EXIT_FAILURE;
	}
	if (vm->ports_pending && vm_release_ports(ctx, vm, err, sizeof(err))) {
		errline("%s: cannot remove its vswitchd ports: %s", vm->name, err);
		free(vm);
		return VMM_EXIT_FAILURE;
	}
	lock = vm_lock(vm);
	vm_remove_dir(vm);
	vm_unlock(lock);
	printf("%s: removed\n", vm->name);
	free(vm);
	return VMM_EXIT_OK;
}
