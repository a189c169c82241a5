// SPDX-License-Identifier: GPL-2.0-or-later
/* device.c - the device registry and the QEMU command line it builds. */
#include <errno.h>
#include <stdio.h>

#include "fmt.h"
#include "device.h"

static struct vmm_device *devices;

void device_register(struct vmm_device *dev)
{
	struct vmm_device **p = &devices;

	while (*p && (*p)->order <= dev->order)
		p = &(*p)->next;
	dev->next = *p;
	*p = dev;
}

int devices_build_argv(const struct vm *vm, const char *qemu, struct strv *argv,
		       char *err, size_t err_size)
{
	struct vmm_device *dev;
	int ret;

	strv_add(argv, "%s", qemu);
	for (dev = devices; dev; dev = dev->next) {
		ret = dev->add_args(vm, argv, err, err_size);
		if (ret)
			goto fail;
	}
	if (argv->error) {
		ret = argv->error;
		fmt(err, err_size, "out of memory building the QEMU command line");
		goto fail;
	}
	return 0;
fail:
	strv_free(argv);
	return ret;
}
