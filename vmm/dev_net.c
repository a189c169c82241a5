// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dev_net.c - virtio-net NICs whose queues live in vswitchd.
 *
 * Theory of operation
 *
 * For every NIC QEMU listens on a vhost-user socket (server=on,wait=off) and
 * vswitchd connects to it as a client-mode port. QEMU owning the socket is
 * what lets vswitchd restart: when it goes, QEMU marks the link down and
 * keeps listening; when it is back and reconnects, QEMU replays the
 * vhost-user setup and the guest sees only a pause. QEMU waits at start (and
 * in netdev_add) until the backend has connected, so the vswitchd port is
 * added as soon as QEMU listens: after it created the sockets at start, or
 * after chardev-add when hot-plugging.
 *
 * Under TCG, QEMU 7.2's virtio-net-pci with MSI-X and vhost-user crashes;
 * vectors=0 (legacy INTx interrupts) avoids it, at some interrupt cost that
 * does not matter next to TCG's.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "dev_net.h"
#include "device.h"

#define HOTPLUG_TIMEOUT_MS	15000
#define UNPLUG_TIMEOUT_MS	15000

int net_socket_path(const struct vm *vm, const struct vm_nic *nic, char *out, size_t size)
{
	char file[32];

	fmt(file, sizeof(file), "net%d.sock", nic->id);
	return vm_path(vm, file, out, size);
}

static int net_add_args(const struct vm *vm, struct strv *argv, char *err, size_t err_size)
{
	char sock[PATH_MAX];
	int i;

	if (vm->accel == ACCEL_TCG) {
		strv_add(argv, "-global");
		strv_add(argv, "virtio-net-pci.vectors=0");
	}
	for (i = 0; i < vm->nic_count; i++) {
		const struct vm_nic *nic = &vm->nics[i];

		if (net_socket_path(vm, nic, sock, sizeof(sock))) {
			fmt(err, err_size, "run directory %s is too long for socket paths",
				 vm->dir);
			return -ENAMETOOLONG;
		}
		strv_add(argv, "-chardev");
		strv_add(argv, "socket,id=chr-net%d,path=%s,server=on,wait=off", nic->id, sock);
		strv_add(argv, "-netdev");
		strv_add(argv, "vhost-user,id=net%d,chardev=chr-net%d", nic->id, nic->id);
		strv_add(argv, "-device");
		strv_add(argv, "virtio-net-pci,id=nic%d,netdev=net%d,mac=%s", nic->id, nic->id,
			 nic->mac);
	}
	return 0;
}

static struct vmm_device net_device = {
	.name = "net",
	.order = DEVICE_ORDER_NET,
	.add_args = net_add_args,
};
VMM_DEVICE(net_device)

int net_hotplug_listen(struct qmp *q, const struct vm *vm, const struct vm_nic *nic,
		       char *err, size_t err_size)
{
	char sock[PATH_MAX], chr[32];
	json_t *args;

	if (net_socket_path(vm, nic, sock, sizeof(sock))) {
		fmt(err, err_size, "socket path in %s is too long", vm->dir);
		return -ENAMETOOLONG;
	}
	fmt(chr, sizeof(chr), "chr-net%d", nic->id);
	args = json_pack("{s:s, s:{s:s, s:{s:{s:s, s:{s:s}}, s:b, s:b}}}",
			 "id", chr,
			 "backend", "type", "socket", "data",
			 "addr", "type", "unix", "data", "path", sock,
			 "server", 1, "wait", 0);
	return qmp_exec(q, "chardev-add", args, NULL, HOTPLUG_TIMEOUT_MS, err, err_size);
}

void net_hotplug_unlisten(struct qmp *q, const struct vm_nic *nic)
{
	char chr[32], ignored[256];

	fmt(chr, sizeof(chr), "chr-net%d", nic->id);
	qmp_exec(q, "chardev-remove", json_pack("{s:s}", "id", chr), NULL, HOTPLUG_TIMEOUT_MS,
		 ignored, sizeof(ignored));
}

int net_hotplug_add(struct qmp *q, const struct vm *vm, const struct vm_nic *nic,
		    char *err, size_t err_size)
{
	char chr[32], netdev[32], dev[32], ignored[256];
	json_t *args;
	int ret;

	fmt(chr, sizeof(chr), "chr-net%d", nic->id);
	fmt(netdev, sizeof(netdev), "net%d", nic->id);
	fmt(dev, sizeof(dev), "nic%d", nic->id);

	/* QEMU waits here until vswitchd has connected to the socket. */
	args = json_pack("{s:s, s:s, s:s}", "type", "vhost-user", "id", netdev, "chardev", chr);
	ret = qmp_exec(q, "netdev_add", args, NULL, HOTPLUG_TIMEOUT_MS, err, err_size);
	if (ret)
		return ret;
	args = json_pack("{s:s, s:s, s:s, s:s}", "driver", "virtio-net-pci", "id", dev,
			 "netdev", netdev, "mac", nic->mac);
	ret = qmp_exec(q, "device_add", args, NULL, HOTPLUG_TIMEOUT_MS, err, err_size);
	if (ret)
		/* Deleting the netdev deletes its chardev as well. */
		qmp_exec(q, "netdev_del", json_pack("{s:s}", "id", netdev), NULL,
			 HOTPLUG_TIMEOUT_MS, ignored, sizeof(ignored));
	return ret;
}

int net_hotplug_del(struct qmp *q, const struct vm *vm, const struct vm_nic *nic,
		    char *err, size_t err_size)
{
	char chr[32], netdev[32], dev[32], ignored[256];
	int ret;

	fmt(chr, sizeof(chr), "chr-net%d", nic->id);
	fmt(netdev, sizeof(netdev), "net%d", nic->id);
	fmt(dev, sizeof(dev), "nic%d", nic->id);

	/* A NIC half-removed earlier may lack its device or netdev: go on without. */
	ret = qmp_exec(q, "device_del", json_pack("{s:s}", "id", dev), NULL, HOTPLUG_TIMEOUT_MS,
		       err, err_size);
	if (ret && !strstr(err, "not found"))
		return ret;
	if (!ret) {
		/* The device is gone only once the guest has released it. */
		ret = qmp_wait_event(q, "DEVICE_DELETED", dev, UNPLUG_TIMEOUT_MS);
		if (ret) {
			fmt(err, err_size, "the guest did not release NIC %s within %d s (%s)",
			    nic->mac, UNPLUG_TIMEOUT_MS / 1000, strerror(-ret));
			return ret;
		}
	}
	ret = qmp_exec(q, "netdev_del", json_pack("{s:s}", "id", netdev), NULL,
		       HOTPLUG_TIMEOUT_MS, err, err_size);
	if (ret && !strstr(err, "not found"))
		return ret;
	/* Deleting a vhost-user netdev deletes its chardev too; this is for the rest. */
	qmp_exec(q, "chardev-remove", json_pack("{s:s}", "id", chr), NULL, HOTPLUG_TIMEOUT_MS,
		 ignored, sizeof(ignored));
	return 0;
}
