/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dev_net.h - virtio-net NICs on vhost-user sockets: boot-time arguments and live hot-plug. */
#ifndef VMM_DEV_NET_H
#define VMM_DEV_NET_H

#include <stddef.h>

#include "qmp.h"
#include "state.h"

/** net_socket_path() - the vhost-user socket QEMU listens on for @nic. Return: 0 or -ENAMETOOLONG. */
int net_socket_path(const struct vm *vm, const struct vm_nic *nic, char *out, size_t size);

/**
 * net_hotplug_listen() - first step of a hot-plug: QEMU listens on @nic's
 * vhost-user socket (chardev-add). Return: 0, or a negative errno with @err set.
 */
int net_hotplug_listen(struct qmp *q, const struct vm *vm, const struct vm_nic *nic,
		       char *err, size_t err_size);

/** net_hotplug_unlisten() - undo net_hotplug_listen() (errors ignored). */
void net_hotplug_unlisten(struct qmp *q, const struct vm_nic *nic);

/**
 * net_hotplug_add() - second step, once the vswitchd port exists: the netdev
 * (QEMU waits for vswitchd to connect) and the virtio-net device. On failure
 * the netdev and the chardev are gone again.
 * Return: 0, or a negative errno with @err set.
 */
int net_hotplug_add(struct qmp *q, const struct vm *vm, const struct vm_nic *nic,
		    char *err, size_t err_size);

/**
 * net_hotplug_del() - unplug @nic: the guest releases the device (ACPI
 * eject), then the netdev and chardev go.
 * Return: 0, or a negative errno with @err set.
 */
int net_hotplug_del(struct qmp *q, const struct vm *vm, const struct vm_nic *nic,
		    char *err, size_t err_size);

#endif /* VMM_DEV_NET_H */
