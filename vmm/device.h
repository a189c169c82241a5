/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * device.h - the parts of a guest machine, each a self-registering device
 * (after kvmtool): a device adds its QEMU arguments for a VM record, and
 * `vmm run` builds the command line by asking every registered device in
 * order, never naming one. NIC hot-plug lives with the NIC device (dev_net.c).
 */
#ifndef VMM_DEVICE_H
#define VMM_DEVICE_H

#include <stddef.h>

#include "state.h"
#include "strv.h"

/* Position on the QEMU command line: machine first, then boot, consoles, NICs. */
enum device_order {
	DEVICE_ORDER_MACHINE = 10,
	DEVICE_ORDER_BOOT = 20,
	DEVICE_ORDER_CONSOLE = 30,
	DEVICE_ORDER_MONITOR = 40,
	DEVICE_ORDER_NET = 50,
};

struct vmm_device {
	const char *name;		/* for messages: "machine", "serial", ... */
	enum device_order order;
	/*
	 * add_args - append this device's QEMU arguments for @vm.
	 * Return: 0, or a negative errno with a one-line message in @err.
	 */
	int (*add_args)(const struct vm *vm, struct strv *argv, char *err, size_t err_size);
	struct vmm_device *next;	/* registry link, set by device_register() */
};

/** device_register() - add @dev to the registry (kept sorted by order). */
void device_register(struct vmm_device *dev);

/** VMM_DEVICE(dev) - register @dev at program start. */
#define VMM_DEVICE(dev)							\
	static void __attribute__((constructor)) register_##dev(void)	\
	{								\
		device_register(&dev);					\
	}

/**
 * devices_build_argv() - the whole QEMU command line for @vm
 * @qemu:	the QEMU binary (argv[0])
 * Return: 0, or a negative errno with @err set (the vector is freed then).
 */
int devices_build_argv(const struct vm *vm, const char *qemu, struct strv *argv,
		       char *err, size_t err_size);

#endif /* VMM_DEVICE_H */
