// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dev_machine.c - the machine itself: chipset, accelerator, CPUs and memory.
 * Memory is a shared memfd backend because vhost-user needs it: vswitchd maps
 * the guest's memory to reach the virtio rings and buffers.
 */
#include "device.h"

static int machine_add_args(const struct vm *vm, struct strv *argv, char *err, size_t err_size)
{
	strv_add(argv, "-name");
	strv_add(argv, "%s,debug-threads=on", vm->name);
	/* i440fx: its ACPI PCI hot-plug needs no pre-allocated root ports. */
	strv_add(argv, "-machine");
	strv_add(argv, "pc,memory-backend=mem");
	strv_add(argv, "-accel");
	strv_add(argv, "%s", vm->accel == ACCEL_KVM ? "kvm" : "tcg");
	strv_add(argv, "-cpu");
	strv_add(argv, "%s", vm->accel == ACCEL_KVM ? "host" : "max");
	strv_add(argv, "-smp");
	strv_add(argv, "%u", vm->cpus);
	strv_add(argv, "-m");
	strv_add(argv, "%luM", vm->memory_mib);
	strv_add(argv, "-object");
	strv_add(argv, "memory-backend-memfd,id=mem,size=%luM,share=on", vm->memory_mib);
	strv_add(argv, "-nodefaults");
	strv_add(argv, "-no-user-config");
	strv_add(argv, "-display");
	strv_add(argv, "none");
	return 0;
}

static struct vmm_device machine_device = {
	.name = "machine",
	.order = DEVICE_ORDER_MACHINE,
	.add_args = machine_add_args,
};
VMM_DEVICE(machine_device)
