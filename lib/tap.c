/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tap.c - create tap interfaces that exchange frames with 12-byte virtio-net headers. */

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

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
 * close-on-exec. The interface is not made persistent: a new one disappears
 * when the last fd closes, so a crashed daemon leaves nothing behind.
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
