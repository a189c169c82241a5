// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * port_tap.c - tap ports: a host interface whose frames (with virtio-net
 * headers, so offloads pass through) go through the switch. With a netns
 * the interface lives in that namespace to serve as an endpoint.
 *
 * Theory of operation: a tap port's interface is persistent
 * (TUNSETPERSIST) and marked as ours with an ifalias the orchestrator
 * chooses ("vswitch:INSTANCE:NET/PORT"). It outlives vswitchd: a restart,
 * clean or after kill -9, attaches to the same interface by name, in its
 * namespace, with its MAC, addresses and routes untouched, and the
 * endpoint's traffic flows again as soon as the fd is attached. Only a
 * port's removal (port del, net stop, net destroy) deletes the interface.
 * An interface of that name that does not carry our mark is someone else's
 * and is never touched. tap_port_reap() removes marked interfaces whose
 * definition is gone (a crash between creating an interface and saving its
 * definition, or the other way round).
 *
 * Frames are read into one set of receive slots the whole class shares:
 * only the datapath thread reads, one port's burst at a time, and a burst
 * is released before the next port is read, so a tap port costs its fd and
 * a few bytes, not a 2 MiB buffer of its own.
 */
#define _GNU_SOURCE
#include <dirent.h>
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
	char alias[128];	/* our mark on the interface */
};

/* DP_BURST receive slots for every tap port (datapath thread only). */
static uint8_t *rx_slots;

static struct tap_port *tap_port(struct port *port)
{
	return (struct tap_port *)port;
}

/* Netlink in the tap's namespace (@nsfd, or the host's when -1). */
static struct nl_sock *nl_in(int nsfd)
{
	return nsfd >= 0 ? nl_open_netns(nsfd) : nl_open();
}

/*
 * A new tap: created in the host namespace, persistent, marked, given its
 * MAC (the one asked for, else the kernel's random one, which @mac receives),
 * moved into @nsfd, up. Return: the fd, or negative errno with @err set; on
 * failure the interface is gone again.
 */
static int tap_make(struct tap_port *tp, int nsfd, const uint8_t *want_mac, uint8_t mac[6],
		    char *err, size_t err_size)
{
	struct nl_sock *host = nl_open(), *inside = NULL;
	struct nl_link_info info;
	int fd, ret;

	if (!host) {
		snprintf(err, err_size, "cannot open netlink socket: %s", strerror(errno));
		return -errno;
	}
	fd = tap_open(tp->ifname);
	if (fd < 0) {
		ret = fd;
		snprintf(err, err_size, "cannot create tap '%s': %s", tp->ifname, strerror(-ret));
		goto out;
	}
	ret = tap_set_persist(fd, true);
	if (!ret)
		ret = nl_link_get(host, tp->ifname, &info);
	if (!ret)
		ret = nl_link_set_alias(host, info.ifindex, tp->alias);
	if (!ret && want_mac)
		ret = nl_link_set_mac(host, info.ifindex, want_mac);
	if (ret) {
		snprintf(err, err_size, "cannot set up tap '%s': %s", tp->ifname, strerror(-ret));
		goto err_del;
	}
	memcpy(mac, want_mac ? want_mac : info.mac, 6);
	if (nsfd >= 0) {
		ret = nl_link_set_netns(host, info.ifindex, nsfd);
		if (ret) {
			snprintf(err, err_size, "cannot move '%s' into namespace '%s': %s",
				 tp->ifname, tp->netns, strerror(-ret));
			goto err_del;
		}
		inside = nl_in(nsfd);
		if (!inside || nl_link_get(inside, tp->ifname, &info)) {
			ret = -EIO;
			snprintf(err, err_size, "cannot find '%s' in namespace '%s'", tp->ifname, tp->netns);
			goto err_del;
		}
	}
	ret = nl_link_set_up(inside ? inside : host, info.ifindex, true);
	if (ret) {
		snprintf(err, err_size, "cannot bring '%s' up: %s", tp->ifname, strerror(-ret));
		goto err_del;
	}
	nl_close(inside);
	nl_close(host);
	return fd;

err_del:
	tap_set_persist(fd, false);
	close(fd);
out:
	nl_close(inside);
	nl_close(host);
	return ret;
}

/*
 * Find the tap: attach to our interface if it is there (a restart), create
 * it if not. Return: the fd, or negative errno with @err set.
 */
static int tap_attach_or_make(struct tap_port *tp, const uint8_t *want_mac, uint8_t mac[6],
			      char *err, size_t err_size)
{
	struct nl_sock *host = NULL, *inside = NULL;
	struct nl_link_info info;
	int nsfd = -1, fd, ret;

	if (tp->netns[0]) {
		nsfd = netns_open(tp->netns);
		if (nsfd < 0) {
			snprintf(err, err_size, "cannot open network namespace '%s': %s",
				 tp->netns, strerror(-nsfd));
			return nsfd;
		}
	}
	host = nl_open();
	inside = nsfd >= 0 ? nl_in(nsfd) : NULL;
	if (!host || (nsfd >= 0 && !inside)) {
		ret = -errno;
		snprintf(err, err_size, "cannot open netlink socket: %s", strerror(errno));
		goto out;
	}
	ret = nl_link_get(inside ? inside : host, tp->ifname, &info);
	if (ret == 0) {
		if (strcmp(info.alias, tp->alias) || strcmp(info.kind, "tun")) {
			ret = -EEXIST;
			snprintf(err, err_size, "interface '%s' already exists%s%s", tp->ifname,
				 nsfd >= 0 ? " in namespace " : "", nsfd >= 0 ? tp->netns : "");
			goto out;
		}
		/* Ours, kept from an earlier run: attach, MAC and addresses as they are. */
		fd = tap_open_netns(tp->ifname, nsfd);
		if (fd < 0) {
			ret = fd;
			snprintf(err, err_size, "cannot attach to tap '%s': %s", tp->ifname, strerror(-ret));
			goto out;
		}
		if (!info.up)
			nl_link_set_up(inside ? inside : host, info.ifindex, true);
		memcpy(mac, info.mac, 6);
		ret = fd;
		goto out;
	}
	if (ret != -ENODEV) {
		snprintf(err, err_size, "cannot look up '%s': %s", tp->ifname, strerror(-ret));
		goto out;
	}
	if (nsfd >= 0 && nl_link_get(host, tp->ifname, &info) == 0) {
		if (strcmp(info.alias, tp->alias)) {
			ret = -EEXIST;
			snprintf(err, err_size, "interface '%s' already exists", tp->ifname);
			goto out;
		}
		/* Ours, left in the host by a crash before it moved: start over. */
		nl_link_del(host, info.ifindex);
	}
	ret = tap_make(tp, nsfd, want_mac, mac, err, err_size);
out:
	nl_close(inside);
	nl_close(host);
	if (nsfd >= 0)
		close(nsfd);
	return ret;
}

static int tap_create(const struct port_spec *spec, struct port **portp, char *err, size_t err_size)
{
	const char *ifname = json_string_value(json_object_get(spec->params, "ifname"));
	const char *netns = json_string_value(json_object_get(spec->params, "netns"));
	const char *mac_text = json_string_value(json_object_get(spec->params, "mac"));
	const char *ifmac_text = json_string_value(json_object_get(spec->params, "ifmac"));
	const uint8_t *want_mac = NULL;
	char text[MAC_TEXT_SIZE];
	struct tap_port *tp;
	uint8_t want[6], mac[6];
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
	if (mac_text && (mac_parse(mac_text, want) || !mac_is_unicast(want))) {
		snprintf(err, err_size, "invalid MAC address '%s'", mac_text);
		return -EINVAL;
	}
	if (mac_text)
		want_mac = want;
	else if (ifmac_text && !mac_parse(ifmac_text, want) && mac_is_unicast(want))
		want_mac = want;	/* made again with the MAC it had, if its interface was lost */
	if (!spec->alias || !spec->alias[0]) {
		snprintf(err, err_size, "a tap port needs its owner's mark");
		return -EINVAL;
	}
	if (!rx_slots) {
		rx_slots = malloc((size_t)DP_BURST * TAP_SLOT_SIZE);
		if (!rx_slots)
			return -ENOMEM;
	}
	tp = calloc(1, sizeof(*tp));
	if (!tp)
		return -ENOMEM;
	port_init(&tp->up, &tap_port_class, spec);
	snprintf(tp->ifname, sizeof(tp->ifname), "%s", ifname);
	snprintf(tp->alias, sizeof(tp->alias), "%s", spec->alias);
	if (netns)
		snprintf(tp->netns, sizeof(tp->netns), "%s", netns);

	tp->fd = tap_attach_or_make(tp, want_mac, mac, err, err_size);
	if (tp->fd < 0) {
		ret = tp->fd;
		free(tp);
		return ret;
	}
	/*
	 * The MAC the interface was created with is part of the definition
	 * ("ifmac"), so an interface that has to be made again gets it back.
	 * Only a MAC given with --mac ("mac") is one the port's traffic must
	 * come from (services check requests against it).
	 */
	if (!mac_text) {
		mac_format(mac, text);
		json_object_set_new(spec->params, "ifmac", json_string(text));
	} else {
		memcpy(tp->up.mac, want, 6);
		tp->up.has_mac = true;
	}
	tp->up.rx_fd = tp->fd;
	tp->up.rx_offloads = OFFLOAD_CSUM | OFFLOAD_TSO4 | OFFLOAD_TSO6 | OFFLOAD_ECN;
	tp->up.up = true;
	*portp = &tp->up;
	return 0;
}

static void tap_destroy(struct port *port, bool remove)
{
	struct tap_port *tp = tap_port(port);

	if (!tp)
		return;
	if (tp->fd >= 0) {
		/* Not persistent any more, the interface goes with its last fd. */
		if (remove && tap_set_persist(tp->fd, false))
			log_warn("port %s/%s: cannot release tap '%s': %s", port->net_name, port->name,
				 tp->ifname, strerror(errno));
		close(tp->fd);
	}
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
		uint8_t *slot = rx_slots + (size_t)n * TAP_SLOT_SIZE;
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

struct reap_ctx {
	const char *prefix;	/* "vswitch:INSTANCE:" */
	bool (*keep)(const char *alias, void *opaque);
	void *opaque;
	char names[64][IFNAMSIZ];
	unsigned int count;
};

static int reap_collect(const struct nl_link_info *info, void *opaque)
{
	struct reap_ctx *ctx = opaque;

	if (strcmp(info->kind, "tun") || strncmp(info->alias, ctx->prefix, strlen(ctx->prefix)) ||
	    ctx->keep(info->alias, ctx->opaque))
		return 0;
	if (ctx->count < 64)
		snprintf(ctx->names[ctx->count++], IFNAMSIZ, "%s", info->name);
	return 0;
}

/* Delete our marked taps in one namespace (@nsfd, -1: the host's) that @keep refuses. */
static unsigned int reap_in(int nsfd, const char *where, struct reap_ctx *ctx)
{
	struct nl_sock *nl = nl_in(nsfd);
	unsigned int i, removed = 0;

	if (!nl)
		return 0;
	for (;;) {
		unsigned int before = removed;

		ctx->count = 0;
		if (nl_link_foreach(nl, reap_collect, ctx))
			break;
		for (i = 0; i < ctx->count; i++) {
			int ifindex = nl_link_index(nl, ctx->names[i]);

			if (ifindex > 0 && nl_link_del(nl, ifindex) == 0) {
				log_info("removed tap %s%s%s: no port defines it any more", ctx->names[i],
					 where ? " in namespace " : "", where ? where : "");
				removed++;
			}
		}
		/* A full batch means there may be more; stop when one removed nothing. */
		if (ctx->count < 64 || removed == before)
			break;
	}
	nl_close(nl);
	return removed;
}

unsigned int tap_port_reap(const char *prefix, bool (*keep)(const char *alias, void *opaque),
			   void *opaque)
{
	struct reap_ctx ctx = { .prefix = prefix, .keep = keep, .opaque = opaque };
	unsigned int removed = reap_in(-1, NULL, &ctx);
	struct dirent *de;
	DIR *d = opendir("/run/netns");

	while (d && (de = readdir(d))) {
		int nsfd;

		if (!name_netns_valid(de->d_name))
			continue;
		nsfd = netns_open(de->d_name);
		if (nsfd < 0)
			continue;
		removed += reap_in(nsfd, de->d_name, &ctx);
		close(nsfd);
	}
	if (d)
		closedir(d);
	return removed;
}
