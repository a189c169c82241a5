/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tap.h - create tap interfaces with virtio-net headers and offloads. */
#ifndef LIB_TAP_H
#define LIB_TAP_H

#include <net/if.h>
#include <stdbool.h>

/**
 * tap_open() - create (or attach to) tap interface @ifname
 * @ifname:	requested name; on return the kernel's name (IFNAMSIZ bytes)
 *
 * Opens /dev/net/tun with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, sets the
 * virtio-net header size to 12 bytes (struct virtio_net_hdr_v1 layout),
 * enables TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN so the kernel
 * may hand us offloaded frames, and makes the fd non-blocking and
 * close-on-exec. A new interface disappears when its last fd closes unless
 * made persistent; an existing persistent tap of that name is attached to.
 * Return: the fd or negative errno.
 */
int tap_open(char ifname[IFNAMSIZ]);

/**
 * tap_open_netns() - tap_open() in another network namespace: attach to the
 * (persistent) tap @ifname living in @netns_fd (-1: the caller's namespace).
 * Only the calling thread switches namespaces, and it switches back.
 * Return: the fd or negative errno.
 */
int tap_open_netns(char ifname[IFNAMSIZ], int netns_fd);

/**
 * tap_set_persist() - make the tap outlive its file descriptors (@persist),
 * or let it go with the last one. Return: 0 or negative errno.
 */
int tap_set_persist(int fd, bool persist);

#endif /* LIB_TAP_H */
