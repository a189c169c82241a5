// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dev_boot.c - what the guest boots: a kernel loaded directly (an
 * uncompressed vmlinux boots through PVH, skipping firmware and
 * decompression) or a virtio disk image, qcow2 or raw.
 */
#include <errno.h>
#include <stdio.h>

#include "fmt.h"
#include "device.h"

static int boot_add_args(const struct vm *vm, struct strv *argv, char *err, size_t err_size)
{
	if (vm->kernel[0]) {
		strv_add(argv, "-kernel");
		strv_add(argv, "%s", vm->kernel);
		if (vm->initrd[0]) {
			strv_add(argv, "-initrd");
			strv_add(argv, "%s", vm->initrd);
		}
		if (vm->append[0]) {
			strv_add(argv, "-append");
			strv_add(argv, "%s", vm->append);
		}
		return 0;
	}
	if (!vm->disk[0]) {
		fmt(err, err_size, "nothing to boot: no kernel and no disk");
		return -EINVAL;
	}
	strv_add(argv, "-drive");
	/* QEMU's option syntax doubles commas inside values. */
	strv_add(argv, "file=%s,format=%s,if=virtio,cache=writeback", vm->disk, vm->disk_format);
	return 0;
}

static struct vmm_device boot_device = {
	.name = "boot",
	.order = DEVICE_ORDER_BOOT,
	.add_args = boot_add_args,
};
VMM_DEVICE(boot_device)
