/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tap.h - create tap interfaces with virtio-net headers and offloads. */
#ifndef LIB_TAP_H
#define LIB_TAP_H

#include <net/if.h>

/**
 * tap_open() - create (or attach to) tap interface @ifname
 * @ifname:	requested name; on return the kernel's name (IFNAMSIZ bytes)
 *
 * Opens /dev/net/tun with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, sets the
 * virtio-net header size to 12 bytes (struct virtio_net_hdr_v1 layout),
 * enables TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN so the kernel
 * may hand us offloaded frames, and makes the fd non-blocking and
 * close-on-exec. The interface is not persistent: it disappears when the last
 * fd closes, so a crashed daemon leaves nothing behind.
 * Return: the fd or negative errno.
 */
int tap_open(char ifname[IFNAMSIZ]);

#endif /* LIB_TAP_H */
