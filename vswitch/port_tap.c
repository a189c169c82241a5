// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * port_tap.c - tap ports: a host interface whose frames (with virtio-net
 * headers, so offloads pass through) go through the switch. With a netns
 * the interface is moved into that namespace to serve as an endpoint.
 *
 * The tap is not persistent: it disappears when vswitchd closes its fd or
 * dies, so a crash leaves no stale interface behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ether.h"
#include "log.h"
#include "names.h"
#include "nl.h"
#include "port.h"
#include "tap.h"

/* One receive slot: virtio-net header then the largest frame. */
#define TAP_SLOT_SIZE	(VNET_HDR_SIZE + DP_MAX_FRAME)

struct tap_port {
	struct port up;
	int fd;
	char ifname[IFNAMSIZ];
	char netns[NAME_MAX + 1];
	uint8_t *slots;		/* DP_BURST receive slots */
};

static struct tap_port *tap_port(struct port *port)
{
	return (struct tap_port *)port;
}

/* Move the tap into namespace @netns and bring it up there. */
static int tap_move_to_netns(struct tap_port *tp, char *err, size_t err_size)
{
	struct nl_sock *host = NULL, *inside = NULL;
	int nsfd, ifindex, ret;

	nsfd = netns_open(tp->netns);
	if (nsfd < 0) {
		snprintf(err, err_size, "cannot open network namespace '%s': %s",
			 tp->netns, strerror(-nsfd));
		return nsfd;
	}
	host = nl_open();
	inside = nl_open_netns(nsfd);
	if (!host || !inside) {
		ret = -errno;
		snprintf(err, err_size, "cannot open netlink socket: %s", strerror(errno));
		goto out;
	}
	if (nl_link_index(inside, tp->ifname) > 0) {
		ret = -EEXIST;
		snprintf(err, err_size, "interface '%s' already exists in namespace '%s'",
			 tp->ifname, tp->netns);
		goto out;
	}
	ifindex = nl_link_index(host, tp->ifname);
	ret = ifindex < 0 ? ifindex : nl_link_set_netns(host, ifindex, nsfd);
	if (ret) {
		snprintf(err, err_size, "cannot move '%s' into namespace '%s': %s",
			 tp->ifname, tp->netns, strerror(-ret));
		goto out;
	}
	ifindex = nl_link_index(inside, tp->ifname);
	ret = ifindex < 0 ? ifindex : nl_link_set_up(inside, ifindex, true);
	if (ret)
		snprintf(err, err_size, "cannot bring '%s' up in namespace '%s': %s",
			 tp->ifname, tp->netns, strerror(-ret));
out:
	nl_close(inside);
	nl_close(host);
	close(nsfd);
	return ret;
}

/* Give the new tap its MAC (when one was asked for), in the host namespace. */
static int tap_set_mac(struct tap_port *tp, const uint8_t mac[6], char *err, size_t err_size)
{
	struct nl_sock *nl = nl_open();
	int ifindex, ret;

	if (!nl) {
		snprintf(err, err_size, "cannot open netlink socket: %s", strerror(errno));
		return -errno;
	}
	ifindex = nl_link_index(nl, tp->ifname);
	ret = ifindex < 0 ? ifindex : nl_link_set_mac(nl, ifindex, mac);
	if (ret)
		snprintf(err, err_size, "cannot give '%s' its MAC address: %s", tp->ifname, strerror(-ret));
	nl_close(nl);
	return ret;
}

static int tap_set_up_here(struct tap_port *tp, char *err, size_t err_size)
{
	struct nl_sock *nl = nl_open();
	int ifindex, ret;

	if (!nl) {
		snprintf(err, err_size, "cannot open netlink socket: %s", strerror(errno));
		return -errno;
	}
	ifindex = nl_link_index(nl, tp->ifname);
	ret = ifindex < 0 ? ifindex : nl_link_set_up(nl, ifindex, true);
	if (ret)
		snprintf(err, err_size, "cannot bring '%s' up: %s", tp->ifname, strerror(-ret));
	nl_close(nl);
	return ret;
}

static int tap_create(const struct port_spec *spec, struct port **portp, char *err, size_t err_size)
{
	const char *ifname = json_string_value(json_object_get(spec->params, "ifname"));
	const char *netns = json_string_value(json_object_get(spec->params, "netns"));
	const char *mac_text = json_string_value(json_object_get(spec->params, "mac"));
	struct tap_port *tp;
	uint8_t mac[6];
	int ret;

	if (!ifname)
		ifname = spec->name;
	if (!name_ifname_valid(ifname)) {
		snprintf(err, err_size, "invalid interface name '%s'", ifname);
		return -EINVAL;
	}
	if (netns && !name_netns_valid(netns)) {
		snprintf(err, err_size, "invalid network namespace name '%s'", netns);
		return -EINVAL;
	}
	if (mac_text && (mac_parse(mac_text, mac) || !mac_is_unicast(mac))) {
		snprintf(err, err_size, "invalid MAC address '%s'", mac_text);
		return -EINVAL;
	}
	if (if_nametoindex(ifname)) {
		snprintf(err, err_size, "interface '%s' already exists", ifname);
		return -EEXIST;
	}

	tp = calloc(1, sizeof(*tp));
	if (!tp)
		return -ENOMEM;
	tp->slots = malloc((size_t)DP_BURST * TAP_SLOT_SIZE);
	if (!tp->slots) {
		ret = -ENOMEM;
		goto err_free;
	}
	port_init(&tp->up, &tap_port_class, spec);
	snprintf(tp->ifname, sizeof(tp->ifname), "%s", ifname);
	if (netns)
		snprintf(tp->netns, sizeof(tp->netns), "%s", netns);

	tp->fd = tap_open(tp->ifname);
	if (tp->fd < 0) {
		ret = tp->fd;
		snprintf(err, err_size, "cannot create tap '%s': %s", ifname, strerror(-ret));
		goto err_free;
	}
	ret = mac_text ? tap_set_mac(tp, mac, err, err_size) : 0;
	if (!ret)
		ret = netns ? tap_move_to_netns(tp, err, err_size) : tap_set_up_here(tp, err, err_size);
	if (ret)
		goto err_close;

	tp->up.rx_fd = tp->fd;
	tp->up.rx_offloads = OFFLOAD_CSUM | OFFLOAD_TSO4 | OFFLOAD_TSO6 | OFFLOAD_ECN;
	tp->up.up = true;
	*portp = &tp->up;
	return 0;

err_close:
	close(tp->fd);
err_free:
	free(tp->slots);
	free(tp);
	return ret;
}

static void tap_destroy(struct port *port)
{
	struct tap_port *tp = tap_port(port);

	if (!tp)
		return;
	if (tp->fd >= 0)
		close(tp->fd);
	free(tp->slots);
	free(tp);
}

static int tap_get_mac(const struct port *port, uint8_t mac[6])
{
	const struct tap_port *tp = (const struct tap_port *)port;
	struct ifreq ifr = { 0 };

	/* The tap fd answers for its interface wherever the interface lives now. */
	if (tp->fd < 0 || ioctl(tp->fd, SIOCGIFHWADDR, &ifr) < 0)
		return -ENOENT;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static void tap_describe(const struct port *port, json_t *obj)
{
	const struct tap_port *tp = (const struct tap_port *)port;
	char text[MAC_TEXT_SIZE];
	uint8_t mac[6];

	json_object_set_new(obj, "ifname", json_string(tp->ifname));
	if (tap_get_mac(port, mac) == 0) {
		mac_format(mac, text);
		json_object_set_new(obj, "mac", json_string(text));
	}
	if (tp->netns[0])
		json_object_set_new(obj, "netns", json_string(tp->netns));
}

static int tap_rx_burst(struct port *port, struct dp_pkt *pkts, int max)
{
	struct tap_port *tp = tap_port(port);
	int n = 0;

	while (n < max) {
		uint8_t *slot = tp->slots + (size_t)n * TAP_SLOT_SIZE;
		struct dp_pkt *pkt = &pkts[n];
		ssize_t len = read(tp->fd, slot, TAP_SLOT_SIZE);

		if (len < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn_rl(&port->rl, "port %s: read from %s: %s",
					    port->name, tp->ifname, strerror(errno));
			break;
		}
		if ((size_t)len < VNET_HDR_SIZE + ETH_HDR_SIZE) {
			port_count_drop(&port->stats, DROP_MALFORMED);
			continue;
		}
		memcpy(&pkt->hdr, slot, VNET_HDR_SIZE);
		memcpy(pkt->eth, slot + VNET_HDR_SIZE, ETH_HDR_SIZE);
		pkt->size = (uint32_t)(len - VNET_HDR_SIZE);
		pkt->niov = 1;
		pkt->iov[0].iov_base = slot + VNET_HDR_SIZE + ETH_HDR_SIZE;
		pkt->iov[0].iov_len = (size_t)len - VNET_HDR_SIZE - ETH_HDR_SIZE;
		pkt->cookie = (uint16_t)n;
		n++;
	}
	return n;
}

static int tap_tx(struct port *port, const struct dp_pkt *pkt)
{
	struct tap_port *tp = tap_port(port);
	struct iovec iov[DP_MAX_IOV + 2];
	struct virtio_net_hdr_v1 hdr = pkt->hdr;
	ssize_t len;

	hdr.num_buffers = 0;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = VNET_HDR_SIZE;
	iov[1].iov_base = (void *)pkt->eth;
	iov[1].iov_len = ETH_HDR_SIZE;
	memcpy(&iov[2], pkt->iov, pkt->niov * sizeof(struct iovec));
	len = writev(tp->fd, iov, pkt->niov + 2);
	if (len < 0) {
		if (errno == EAGAIN || errno == ENOBUFS)
			return -DROP_NO_BUFFERS;
		log_warn_rl(&port->rl, "port %s: write to %s: %s", port->name, tp->ifname,
			    strerror(errno));
		return errno == EINVAL ? -DROP_MALFORMED : -DROP_TX_ERROR;
	}
	return 0;
}

const struct port_class tap_port_class = {
	.type = "tap",
	.create = tap_create,
	.destroy = tap_destroy,
	.get_mac = tap_get_mac,
	.describe = tap_describe,
	.rx_burst = tap_rx_burst,
	.tx = tap_tx,
};
