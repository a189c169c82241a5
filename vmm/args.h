/* SPDX-License-Identifier: GPL-2.0-or-later */
/* args.h - `vmm run` options and the value checks every command shares (pure functions). */
#ifndef VMM_ARGS_H
#define VMM_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "accel.h"
#include "mac.h"

#define VM_NAME_MAX		64	/* [A-Za-z0-9_-], starting with a letter or digit */
#define VM_NICS_MAX		16
#define VM_NET_NAME_MAX		15	/* vswitchd network names */
#define VM_PORT_NAME_MAX	15	/* vswitchd port names */
#define VM_CPUS_MAX		64
#define VM_MEMORY_MIN_MIB	32
#define VM_MEMORY_MAX_MIB	(1024 * 1024)
#define VM_DEFAULT_MEMORY_MIB	256

/* One guest NIC: where it plugs in and how the guest and vswitchd know it. */
struct vm_nic {
	int id;				/* stable index in the VM: QEMU ids net<id>, socket net<id>.sock */
	char net[VM_NET_NAME_MAX + 1];	/* vswitchd network */
	char mac[MAC_TEXT_SIZE];		/* "" until generated */
	char port[VM_PORT_NAME_MAX + 1];	/* vswitchd port name */
};

struct run_options {
	const char *name;
	const char *kernel;		/* direct boot: --kernel [--initrd] [--append] */
	const char *initrd;
	const char *append;
	const char *disk;		/* or a disk image (qcow2 or raw) */
	bool overlay;			/* boot a new qcow2 overlay whose backing file is --disk */
	unsigned long memory_mib;
	unsigned int cpus;
	struct vm_nic nics[VM_NICS_MAX];
	int nic_count;
	enum accel_mode accel;
	bool detach;
	bool help;
};

/**
 * vm_name_check() - a VM name is 1..VM_NAME_MAX of [A-Za-z0-9_-], not starting with '-'
 * Return: 0 or -EINVAL with @err set.
 */
int vm_name_check(const char *name, char *err, size_t err_size);

/** net_name_check() - a network name as vswitchd takes it (name_object_valid()). Return: 0 or -EINVAL with @err set. */
int net_name_check(const char *name, char *err, size_t err_size);

/**
 * parse_memory_mib() - "256M", "1G", "1024K"... or a plain number of MiB
 * Return: 0 with @mib set, or -EINVAL (also outside VM_MEMORY_MIN_MIB..MAX).
 */
int parse_memory_mib(const char *text, unsigned long *mib);

/**
 * parse_net_spec() - "NET" or "NET,mac=MAC" into @nic (net and mac only)
 * Return: 0 or -EINVAL with @err set.
 */
int parse_net_spec(const char *text, struct vm_nic *nic, char *err, size_t err_size);

/**
 * run_options_parse() - parse `vmm run` arguments
 * @argc, @argv:	argv[0] is "run"; option values point into @argv
 * @o:		filled; defaults 256 MiB, 1 cpu, auto, NIC ids 0..n-1
 *
 * Checks the command line only (files and networks are checked later).
 * Return: 0 or -EINVAL with @err set to one line.
 */
int run_options_parse(int argc, char **argv, struct run_options *o, char *err, size_t err_size);

/**
 * vm_port_name() - the vswitchd port name of NIC @nic_id of VM @vm_name
 *
 * NIC 0 is the VM's name, so `forward add NET tcp 8080 web:80` can name the VM;
 * others are "NAME.ID" (VM names have no dots, so these never collide with a
 * VM's own). Names that do not fit 15 characters keep their first characters
 * and a 4-hex-digit hash of the whole name.
 */
void vm_port_name(const char *vm_name, int nic_id, char out[VM_PORT_NAME_MAX + 1]);

#endif /* VMM_ARGS_H */
