/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tap.c - create tap interfaces that exchange frames with 12-byte virtio-net headers. */
#define _GNU_SOURCE
#include <endian.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

#include "log.h"
#include "tap.h"
#include "virtio_net.h"

/**
 * tap_open() - create (or attach to) tap interface @ifname
 * @ifname:	requested name ("" lets the kernel pick tapN); on return the
 *		kernel's name (IFNAMSIZ bytes, NUL-terminated)
 *
 * Opens /dev/net/tun with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, sets the
 * virtio-net header size to 12 bytes (struct virtio_net_hdr_v1 layout),
 * enables TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN so the kernel
 * may hand us offloaded frames, and makes the fd non-blocking and
 * close-on-exec. A new interface disappears when its last fd closes unless
 * made persistent (tap_set_persist()); an existing persistent one of that
 * name is attached to instead, in the caller's network namespace.
 * Return: the fd, -EINVAL if @ifname is not a NUL-terminated name shorter
 * than IFNAMSIZ, -EOPNOTSUPP if the kernel lacks virtio-net headers on tap,
 * or another negative errno.
 */
int tap_open(char ifname[IFNAMSIZ])
{
	unsigned int offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
	int hdr_size = (int)VNET_HDR_SIZE;
	unsigned int features = 0;
	struct ifreq ifr;
	int fd, rc;

	if (!ifname || strnlen(ifname, IFNAMSIZ) >= IFNAMSIZ)
		return -EINVAL;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	if (ioctl(fd, TUNGETFEATURES, &features) == 0 && !(features & IFF_VNET_HDR)) {
		rc = -EOPNOTSUPP;
		goto err_close;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		goto err_close;
	}
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_size) < 0) {
		rc = -errno;
		goto err_close;
	}
#if __BYTE_ORDER == __BIG_ENDIAN
	{
		/* virtio 1.x headers are little-endian; tap defaults to native. */
		int le = 1;

		if (ioctl(fd, TUNSETVNETLE, &le) < 0) {
			rc = -errno;
			goto err_close;
		}
	}
#endif
	if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)offloads) < 0) {
		rc = -errno;
		goto err_close;
	}
	memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
	ifname[IFNAMSIZ - 1] = '\0';
	return fd;

err_close:
	close(fd);
	return rc;
}

int tap_set_persist(int fd, bool persist)
{
	return ioctl(fd, TUNSETPERSIST, (unsigned long)persist) < 0 ? -errno : 0;
}

int tap_open_netns(char ifname[IFNAMSIZ], int netns_fd)
{
	int self, fd, err;

	if (netns_fd < 0)
		return tap_open(ifname);
	/* The tun device looks names up in the namespace it was opened from. */
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		err = -errno;
		close(self);
		return err;
	}
	fd = tap_open(ifname);
	if (setns(self, CLONE_NEWNET) < 0) {
		log_err("cannot return to the original network namespace: %s", strerror(errno));
		abort();
	}
	close(self);
	return fd;
}
