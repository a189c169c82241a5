// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dev_console.c - the serial console and the QMP monitor. The console is a
 * socket QEMU listens on (`vmm console` attaches to it); QEMU also copies
 * everything the guest prints to serial.log, attached or not. QMP gives vmm
 * status, power-down and NIC hot-plug.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "fmt.h"
#include "device.h"

static int serial_add_args(const struct vm *vm, struct strv *argv, char *err, size_t err_size)
{
	char sock[PATH_MAX], log[PATH_MAX];

	if (vm_path(vm, "console.sock", sock, sizeof(sock)) ||
	    vm_path(vm, "serial.log", log, sizeof(log))) {
		fmt(err, err_size, "run directory %s is too long for socket paths", vm->dir);
		return -ENAMETOOLONG;
	}
	strv_add(argv, "-chardev");
	strv_add(argv, "socket,id=serial0,path=%s,server=on,wait=off,logfile=%s,logappend=on",
		 sock, log);
	strv_add(argv, "-serial");
	strv_add(argv, "chardev:serial0");
	return 0;
}

static int monitor_add_args(const struct vm *vm, struct strv *argv, char *err, size_t err_size)
{
	char sock[PATH_MAX];

	if (vm_path(vm, "qmp.sock", sock, sizeof(sock))) {
		fmt(err, err_size, "run directory %s is too long for socket paths", vm->dir);
		return -ENAMETOOLONG;
	}
	strv_add(argv, "-chardev");
	strv_add(argv, "socket,id=qmp,path=%s,server=on,wait=off", sock);
	strv_add(argv, "-mon");
	strv_add(argv, "chardev=qmp,mode=control");
	return 0;
}

static struct vmm_device serial_device = {
	.name = "serial",
	.order = DEVICE_ORDER_CONSOLE,
	.add_args = serial_add_args,
};
VMM_DEVICE(serial_device)

static struct vmm_device monitor_device = {
	.name = "monitor",
	.order = DEVICE_ORDER_MONITOR,
	.add_args = monitor_add_args,
};
VMM_DEVICE(monitor_device)
