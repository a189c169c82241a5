/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h - what vmm knows about its VMs, kept under the run directory.
 *
 * Each VM has a directory RUN_DIR/NAME holding vm.json (this record), the
 * QMP, console and vhost-user sockets QEMU listens on, serial.log, qemu.log
 * and, with --overlay, its disk overlay. Every process that changes vm.json
 * (the supervisor, `vmm stop`, `vmm attach-net`...) holds the VM's lock
 * (flock on RUN_DIR/NAME/lock) across read, change and atomic rewrite.
 * Processes are recorded with their start time, so a recycled PID is never
 * mistaken for the VM's QEMU.
 */
#ifndef VMM_STATE_H
#define VMM_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include <jansson.h>

#include "accel.h"
#include "args.h"

enum vm_state {
	VM_STARTING,	/* ports being added, QEMU coming up */
	VM_RUNNING,
	VM_STOPPING,	/* a stop was asked for; QEMU still runs */
	VM_STOPPED,	/* QEMU exited after a stop or a guest power-off */
	VM_CRASHED,	/* QEMU died unasked (signal, error, or gone) */
};

struct vm {
	char name[VM_NAME_MAX + 1];
	char dir[PATH_MAX];
	enum vm_state state;
	enum accel_mode accel;		/* ACCEL_KVM or ACCEL_TCG as chosen */
	char accel_reason[256];
	unsigned long memory_mib;
	unsigned int cpus;
	char kernel[PATH_MAX];
	char initrd[PATH_MAX];
	char append[2048];
	char disk[PATH_MAX];		/* the image QEMU opens (the overlay, with --overlay) */
	char disk_format[8];		/* "qcow2" or "raw" */
	char backing[PATH_MAX];		/* with --overlay: the base image */
	pid_t qemu_pid;
	unsigned long long qemu_start;	/* /proc/PID/stat start time */
	pid_t supervisor_pid;
	unsigned long long supervisor_start;
	long long started_at;		/* Unix time QEMU came up */
	char exit_reason[160];		/* why it stopped, for list/info */
	bool ports_pending;		/* ports still to remove from vswitchd */
	struct vm_nic nics[VM_NICS_MAX];
	int nic_count;
};

/** vm_state_name() - "starting", "running", "stopping", "stopped", "crashed". */
const char *vm_state_name(enum vm_state state);

/** vm_is_active() - QEMU is (meant to be) running: starting, running or stopping. */
bool vm_is_active(const struct vm *vm);

/** vm_init() - a blank record for @name under @run_dir. Return: 0 or -ENAMETOOLONG. */
int vm_init(struct vm *vm, const char *run_dir, const char *name);

/**
 * vm_path() - the path of @file inside the VM's directory
 * Return: 0, or -ENAMETOOLONG if it does not fit @size (or, for sockets, sun_path).
 */
int vm_path(const struct vm *vm, const char *file, char *out, size_t size);

/** vm_to_json() - the record as a JSON object (caller owns). */
json_t *vm_to_json(const struct vm *vm);

/** vm_from_json() - fill @vm (already vm_init'ed) from @obj. Return: 0 or -EINVAL. */
int vm_from_json(struct vm *vm, const json_t *obj);

/** vm_load() - read RUN_DIR/NAME/vm.json. Return: 0, -ENOENT (no such VM), or -EINVAL/-errno. */
int vm_load(struct vm *vm, const char *run_dir, const char *name);

/** vm_save() - write vm.json atomically (file_write_atomic()). Return: 0 or -errno. */
int vm_save(const struct vm *vm);

/** vm_lock() - take the VM's lock (blocking). Return: lock fd, or -errno. */
int vm_lock(const struct vm *vm);

/** vm_unlock() - release a lock from vm_lock(); accepts a negative fd. */
void vm_unlock(int fd);

/**
 * vm_list_names() - the VM names under @run_dir, sorted
 * @names:	set to a malloc'd array of malloc'd strings (free with vm_free_names)
 * Return: count (>= 0) or -errno.
 */
int vm_list_names(const char *run_dir, char ***names);
void vm_free_names(char **names, int count);

/** proc_start_time() - the start time of @pid (clock ticks since boot), 0 if gone. */
unsigned long long proc_start_time(pid_t pid);

/** proc_alive() - @pid runs and is the process that started at @start. */
bool proc_alive(pid_t pid, unsigned long long start);

/** vm_remove_dir() - delete the VM's directory and everything in it. */
void vm_remove_dir(const struct vm *vm);

#endif /* VMM_STATE_H */
