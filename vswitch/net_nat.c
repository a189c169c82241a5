// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_nat.c - the nat and routed modes, and the gateway port every mode
 * that reaches the host uses.
 *
 * Theory of operation: the gateway is a tap in the host namespace,
 * attached to the network as an internal port, so the switch delivers
 * frames for the gateway's MAC to the host's IP stack like to any guest.
 * For nat and routed networks the tap holds the gateway address (and, by
 * the kernel's doing, the subnet route); the host routes between it and
 * its other interfaces, and fw.c's nftables rules decide what may cross:
 * nat masquerades guests' connections and lets in only replies and port
 * forwards, routed forwards both ways with addresses kept. The tap's MAC
 * is derived from the network name, so after a restart guests' ARP caches
 * still point at the right address. The tap is not persistent: a crash
 * takes it (and its address and route) away, and the next start creates it
 * again.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw.h"
#include "log.h"
#include "net_modes.h"
#include "nl.h"
#include "port.h"

static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *name; name++) {
		h ^= (uint8_t)*name;
		h *= 16777619u;
	}
	return h;
}

void net_gateway_ifname(const char *name, char ifname[IFNAMSIZ])
{
	if (strlen(NET_GATEWAY_PREFIX) + strlen(name) < IFNAMSIZ)
		snprintf(ifname, IFNAMSIZ, NET_GATEWAY_PREFIX "%s", name);
	else
		snprintf(ifname, IFNAMSIZ, NET_GATEWAY_PREFIX "%.6s-%04x", name,
			 name_hash(name) & 0xffff);
}

void net_gateway_mac(const char *name, uint8_t mac[6])
{
	uint32_t h = name_hash(name);

	mac[0] = 0x02;		/* locally administered, unicast */
	mac[1] = 0x76;		/* 'v' */
	mac[2] = (uint8_t)(h >> 24);
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

bool net_is_l3(const struct network *net)
{
	return net->mode == &net_mode_nat || net->mode == &net_mode_routed;
}

int net_gateway_create(struct network *net, const char *role, char *err, size_t err_size)
{
	char ifname[IFNAMSIZ];
	struct nl_sock *nl;
	struct port *port;
	uint8_t mac[6];
	json_t *params;
	int ifindex, ret;

	net_gateway_ifname(net->name, ifname);
	params = json_pack("{s:s, s:s, s:s}", "name", role, "type", "tap", "ifname", ifname);
	if (!params)
		return -ENOMEM;
	ret = tap_port_class.create(net, role, params, &port, err, err_size);
	if (ret) {
		json_decref(params);
		return ret;
	}
	port->role = role;
	net_gateway_mac(net->name, mac);
	nl = nl_open();
	ifindex = nl ? nl_link_index(nl, ifname) : -errno;
	ret = ifindex < 0 ? ifindex : nl_link_set_mac(nl, ifindex, mac);
	nl_close(nl);
	if (ret)
		log_warn("network %s: cannot give %s its stable MAC address: %s", net->name, ifname,
			 strerror(-ret));
	net_port_attach(net, port);
	net->gateway = port;
	return 0;
}

void net_gateway_destroy(struct network *net)
{
	if (net->gateway)
		net_port_del(net, net->gateway, false);
	net->gateway = NULL;
}

/* Write /proc/sys/net/ipv6/conf/IF/disable_ipv6: the networks are IPv4 only. */
static void disable_ipv6(const char *ifname)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	f = fopen(path, "we");
	if (!f)
		return;
	fputs("1\n", f);
	fclose(f);
}

static int l3_start(struct network *net, char *err, size_t err_size)
{
	char ifname[IFNAMSIZ], route[128], subnet[INET_ADDRSTRLEN];
	struct nl_sock *nl;
	int ifindex, ret;

	if (!net->ip.has_subnet) {
		snprintf(err, err_size, "mode %s needs a subnet (--subnet CIDR, e.g. 192.168.100.0/24)",
			 net->mode->name);
		return -EINVAL;
	}
	inet_ntop(AF_INET, &net->ip.subnet, subnet, sizeof(subnet));
	nl = nl_open();
	if (!nl) {
		ret = -errno;
		snprintf(err, err_size, "cannot open netlink socket: %s", strerror(errno));
		return ret;
	}
	ret = nl_route_overlap(nl, net->ip.subnet, net->ip.prefix_len, 0, route, sizeof(route));
	if (ret > 0) {
		snprintf(err, err_size, "subnet %s/%u overlaps the host route %s", subnet,
			 net->ip.prefix_len, route);
		ret = -EEXIST;
		goto out;
	}
	if (ret < 0) {
		snprintf(err, err_size, "cannot read the host's routes: %s", strerror(-ret));
		goto out;
	}
	ret = net_gateway_create(net, "gateway", err, err_size);
	if (ret)
		goto out;
	net_gateway_ifname(net->name, ifname);
	disable_ipv6(ifname);
	ifindex = nl_link_index(nl, ifname);
	ret = ifindex < 0 ? ifindex : nl_addr_add(nl, ifindex, net->ip.gateway, net->ip.prefix_len);
	if (ret) {
		snprintf(err, err_size, "cannot give %s the gateway address: %s", ifname, strerror(-ret));
		goto err_gateway;
	}
	/*
	 * Forwards reached through localhost leave with source 127.0.0.1 until
	 * postrouting masquerades them; the kernel routes such packets out of
	 * an interface only with route_localnet on.
	 */
	ret = fw_sysctl_iface(ifname, "route_localnet", "1");
	if (ret)
		log_warn("network %s: cannot enable route_localnet on %s (forwards from localhost will not work): %s",
			 net->name, ifname, strerror(-ret));
	ret = fw_enable_ip_forward();
	if (ret) {
		snprintf(err, err_size, "cannot enable IPv4 forwarding: %s", strerror(-ret));
		goto err_gateway;
	}
	ret = fw_apply(net, NULL, err, err_size);
	if (ret)
		goto err_gateway;
	nl_close(nl);
	return 0;

err_gateway:
	net_gateway_destroy(net);
out:
	nl_close(nl);
	return ret;
}

static void l3_stop(struct network *net)
{
	char err[256];

	net_gateway_destroy(net);
	if (fw_apply(NULL, net, err, sizeof(err)))
		log_err("network %s: cannot remove its nftables rules: %s", net->name, err);
}

const struct net_mode net_mode_nat = {
	.name = "nat",
	.start = l3_start,
	.stop = l3_stop,
};

const struct net_mode net_mode_routed = {
	.name = "routed",
	.start = l3_start,
	.stop = l3_stop,
};
