/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmm.h - the KVM runner: a table of subcommands (cmd_*.c) sharing one
 * context, and the lifecycle helpers they all use (lifecycle.c).
 */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <stdbool.h>
#include <stddef.h>

#include "state.h"
#include "switch.h"

#define VMM_EXIT_OK		0
#define VMM_EXIT_FAILURE	1	/* the request could not be carried out */
#define VMM_EXIT_USAGE		2	/* the command line was wrong */

#define VMM_DEFAULT_RUN_DIR	"/run/vswitch/vmm"
#define VMM_DEFAULT_QEMU	"qemu-system-x86_64"
#define VMM_START_TIMEOUT_SEC	30	/* QEMU up: its vhost-user backends connected */
#define VMM_STOP_TIMEOUT_SEC	30	/* ACPI power-down before forcing */

struct vmm_ctx {
	const char *run_dir;		/* VM records: RUN_DIR/NAME/ */
	const char *socket_path;	/* vswitchd's control socket */
	const char *qemu;		/* QEMU binary, name or path */
	bool json;			/* machine-readable output */
};

struct vmm_command {
	const char *name;
	const char *usage;	/* arguments after the command name */
	const char *summary;
	int (*run)(struct vmm_ctx *ctx, int argc, char **argv);	/* argv[0] is the name */
};

/** vmm_command_usage() - print "usage: vmm NAME USAGE" for @name to stderr. */
void vmm_command_usage(const char *name);

int cmd_run(struct vmm_ctx *ctx, int argc, char **argv);
int cmd_list(struct vmm_ctx *ctx, int argc, char **argv);
int cmd_info(struct vmm_ctx *ctx, int argc, char **argv);
int cmd_stop(struct vmm_ctx *ctx, int argc, char **argv);
int cmd_rm(struct vmm_ctx *ctx, int argc, char **argv);
int cmd_console(struct vmm_ctx *ctx, int argc, char **argv);
int cmd_attach_net(struct vmm_ctx *ctx, int argc, char **argv);
int cmd_detach_net(struct vmm_ctx *ctx, int argc, char **argv);

/**
 * vm_open() - load VM @name and bring its record up to date (vm_refresh)
 * Return: 0, or -ENOENT ("no VM named 'x'") / other errno with @err set.
 */
int vm_open(struct vmm_ctx *ctx, const char *name, struct vm *vm, char *err, size_t err_size);

/**
 * vm_refresh() - notice a QEMU that died: mark the VM crashed (or stopped,
 * if a stop was under way) and remove its ports from vswitchd. Also retries
 * port removal that failed earlier (vswitchd was down).
 */
void vm_refresh(struct vmm_ctx *ctx, struct vm *vm);

/**
 * vm_release_ports() - remove every port of @vm from vswitchd
 * Return: 0, or the first error (the VM then keeps ports_pending).
 */
int vm_release_ports(struct vmm_ctx *ctx, struct vm *vm, char *err, size_t err_size);

/** vm_remove_sockets() - unlink the sockets QEMU listened on (after it exited). */
void vm_remove_sockets(struct vm *vm);

/** vm_qemu_alive() - the VM's QEMU process still runs. */
bool vm_qemu_alive(const struct vm *vm);

/** vm_mac_in_use() - some NIC of a VM under the run directory, other than @except, has @mac. */
bool vm_mac_in_use(struct vmm_ctx *ctx, const char *mac, const char *except_vm);

/**
 * vm_assign_nic() - give @nic (net set, id set) its port name and, unless it
 * has one, a generated MAC unique under the run directory and within @vm.
 */
void vm_assign_nic(struct vmm_ctx *ctx, const struct vm *vm, struct vm_nic *nic);

/** find_program() - resolve @name through PATH (or check a path). Return: 0 or -ENOENT. */
int find_program(const char *name, char *out, size_t size);

#endif /* VMM_VMM_H */
