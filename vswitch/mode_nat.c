// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mode_nat.c - the nat and routed modes: the network's gateway tap holds
 * the gateway address in the host.
 *
 * Theory of operation: the gateway is a tap in the host namespace,
 * attached to the network as an internal port (network.c makes it), so the
 * switch delivers frames for the gateway's MAC to the host's IP stack like
 * to any guest. The tap holds the gateway address (and, by the kernel's
 * doing, the subnet route); the host routes between it and its other
 * interfaces, and fw.c's nftables rules decide what may cross: nat
 * masquerades guests' connections and lets in only replies and port
 * forwards, routed forwards both ways with addresses kept. The tap's MAC is
 * derived from the network name, so after a restart guests' ARP caches
 * still point at the right address.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "mode.h"
#include "netdef.h"
#include "nl.h"
#include "sysctl.h"

static int l3_check(const struct network *net, char *err, size_t err_size)
{
	char route[128], subnet[INET_ADDRSTRLEN], ifname[IFNAMSIZ];
	struct nl_sock *nl;
	int ret, own;

	if (!net->ip.has_subnet) {
		snprintf(err, err_size, "mode %s needs a subnet (--subnet CIDR, e.g. 192.168.100.0/24)",
			 net->mode->name);
		return -EINVAL;
	}
	nl = nl_open();
	if (!nl) {
		ret = -errno;
		snprintf(err, err_size, "cannot open netlink socket: %s", strerror(errno));
		return ret;
	}
	/* A route through our own gateway (kept from an earlier run) is no conflict. */
	net_gateway_ifname(net->name, ifname);
	own = nl_link_index(nl, ifname);
	ret = nl_route_overlap(nl, net->ip.subnet, net->ip.prefix_len, own > 0 ? own : 0,
			       route, sizeof(route));
	nl_close(nl);
	if (ret > 0) {
		inet_ntop(AF_INET, &net->ip.subnet, subnet, sizeof(subnet));
		snprintf(err, err_size, "subnet %s/%u overlaps the host route %s", subnet,
			 net->ip.prefix_len, route);
		return -EEXIST;
	}
	if (ret < 0) {
		snprintf(err, err_size, "cannot read the host's routes: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

static int l3_plumb(struct network *net, const char *ifname, char *err, size_t err_size)
{
	struct nl_sock *nl;
	int ifindex, ret;

	/* The networks are IPv4 only: no link-local or SLAAC address on the gateway. */
	sysctl_iface("ipv6", ifname, "disable_ipv6", "1");
	nl = nl_open();
	if (!nl) {
		ret = -errno;
		snprintf(err, err_size, "cannot open netlink socket: %s", strerror(errno));
		return ret;
	}
	ifindex = nl_link_index(nl, ifname);
	ret = ifindex < 0 ? ifindex : nl_addr_add(nl, ifindex, net->ip.gateway, net->ip.prefix_len);
	nl_close(nl);
	if (ret == -EEXIST)
		ret = 0;	/* kept from an earlier run */
	if (ret) {
		snprintf(err, err_size, "cannot give %s the gateway address: %s", ifname, strerror(-ret));
		return ret;
	}
	/*
	 * Forwards reached through localhost leave with source 127.0.0.1 until
	 * postrouting masquerades them; the kernel routes such packets out of
	 * an interface only with route_localnet on.
	 */
	ret = sysctl_iface("ipv4", ifname, "route_localnet", "1");
	if (ret)
		log_warn("network %s: cannot enable route_localnet on %s (forwards from localhost will not work): %s",
			 net->name, ifname, strerror(-ret));
	ret = sysctl_write("net/ipv4/ip_forward", "1");
	if (ret) {
		snprintf(err, err_size, "cannot enable IPv4 forwarding: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

const struct net_mode net_mode_nat = {
	.name = "nat",
	.l3 = true,
	.nat = true,
	.needs_subnet = true,
	.dhcp_default = true,
	.gateway_role = "gateway",
	.check = l3_check,
	.plumb = l3_plumb,
};

const struct net_mode net_mode_routed = {
	.name = "routed",
	.l3 = true,
	.needs_subnet = true,
	.dhcp_default = true,
	.gateway_role = "gateway",
	.check = l3_check,
	.plumb = l3_plumb,
};
