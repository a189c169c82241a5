// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netdef.c - pure functions of the network model: IPv4 settings from
 * parameters, overlap, and the names and addresses derived from a
 * network's name.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "netdef.h"

static int parse_ip4(const char *text, struct in_addr *addr)
{
	return inet_pton(AF_INET, text, addr) == 1 ? 0 : -EINVAL;
}

static bool ip_in_subnet(const struct net_ip *ip, struct in_addr a)
{
	return (a.s_addr & ip->netmask.s_addr) == ip->subnet.s_addr;
}

bool net_ip_is_host(const struct net_ip *ip, struct in_addr a)
{
	uint32_t host = ntohl(a.s_addr) & ~ntohl(ip->netmask.s_addr);

	return ip_in_subnet(ip, a) && host != 0 && host != ~ntohl(ip->netmask.s_addr);
}

int net_ip_parse(json_t *params, bool dhcp_default, struct net_ip *ip,
		 char *err, size_t err_size)
{
	const char *subnet = json_string_value(json_object_get(params, "subnet"));
	const char *gateway = json_string_value(json_object_get(params, "gateway"));
	const char *range = json_string_value(json_object_get(params, "dhcp_range"));
	json_t *dhcp = json_object_get(params, "dhcp");
	char buf[64], *slash, *dash, *end;
	uint32_t mask, base, bcast;
	unsigned long prefix;

	memset(ip, 0, sizeof(*ip));
	ip->lease_time = NET_DEFAULT_LEASE_TIME;
	if (!subnet) {
		if (gateway || range) {
			snprintf(err, err_size, "'%s' needs a subnet", gateway ? "gateway" : "dhcp_range");
			return -EINVAL;
		}
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", subnet);
	slash = strchr(buf, '/');
	if (!slash) {
		snprintf(err, err_size, "subnet '%s' is not in CIDR form (e.g. 192.168.100.0/24)", subnet);
		return -EINVAL;
	}
	*slash = '\0';
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (parse_ip4(buf, &ip->subnet) || errno || *end || slash[1] == '\0' || prefix < 8 || prefix > 30) {
		snprintf(err, err_size, "subnet '%s' is not an IPv4 CIDR with a prefix from /8 to /30", subnet);
		return -EINVAL;
	}
	mask = prefix ? ~0u << (32 - prefix) : 0;
	if (ntohl(ip->subnet.s_addr) & ~mask) {
		snprintf(err, err_size, "subnet '%s' has host bits set (did you mean %s/%lu?)", subnet,
			 inet_ntop(AF_INET, &(struct in_addr){ htonl(ntohl(ip->subnet.s_addr) & mask) },
				   buf, sizeof(buf)), prefix);
		return -EINVAL;
	}
	ip->has_subnet = true;
	ip->prefix_len = (uint8_t)prefix;
	ip->netmask.s_addr = htonl(mask);
	base = ntohl(ip->subnet.s_addr);
	bcast = base | ~mask;

	if (gateway) {
		if (parse_ip4(gateway, &ip->gateway) || !net_ip_is_host(ip, ip->gateway)) {
			snprintf(err, err_size, "gateway '%s' is not a host address in %s", gateway, subnet);
			return -EINVAL;
		}
	} else {
		ip->gateway.s_addr = htonl(base + 1);
	}

	if (dhcp && !json_is_boolean(dhcp)) {
		snprintf(err, err_size, "'dhcp' must be true or false");
		return -EINVAL;
	}
	ip->dhcp = dhcp ? json_is_true(dhcp) : dhcp_default;
	if (range && dhcp && !json_is_true(dhcp)) {
		snprintf(err, err_size, "a DHCP range makes no sense with DHCP off");
		return -EINVAL;
	}
	if (range) {
		snprintf(buf, sizeof(buf), "%s", range);
		dash = strchr(buf, '-');
		if (!dash || (*dash = '\0', parse_ip4(buf, &ip->dhcp_first)) ||
		    parse_ip4(dash + 1, &ip->dhcp_last) || !net_ip_is_host(ip, ip->dhcp_first) ||
		    !net_ip_is_host(ip, ip->dhcp_last) ||
		    ntohl(ip->dhcp_first.s_addr) > ntohl(ip->dhcp_last.s_addr)) {
			snprintf(err, err_size, "DHCP range '%s' is not FIRST-LAST with host addresses of %s in order",
				 range, subnet);
			return -EINVAL;
		}
		ip->dhcp = true;
	} else {
		/* Default pool: the upper half of the subnet, clear of the usual static low addresses. */
		uint32_t size = bcast - base;

		ip->dhcp_first.s_addr = htonl(base + (size >= 4 ? size / 2 : 1));
		ip->dhcp_last.s_addr = htonl(bcast - 1);
	}
	if (ntohl(ip->gateway.s_addr) >= ntohl(ip->dhcp_first.s_addr) &&
	    ntohl(ip->gateway.s_addr) <= ntohl(ip->dhcp_last.s_addr) &&
	    ip->dhcp_first.s_addr == ip->dhcp_last.s_addr) {
		snprintf(err, err_size, "the DHCP range holds only the gateway address");
		return -EINVAL;
	}
	if (json_object_get(params, "lease_time")) {
		json_t *lt = json_object_get(params, "lease_time");

		if (!json_is_integer(lt) || json_integer_value(lt) < 60 || json_integer_value(lt) > 31536000) {
			snprintf(err, err_size, "'lease_time' must be 60 to 31536000 seconds");
			return -EINVAL;
		}
		ip->lease_time = (uint32_t)json_integer_value(lt);
	}
	return 0;
}

/* Two subnets overlap when either contains the other's network address. */
bool net_ip_overlap(const struct net_ip *a, const struct net_ip *b)
{
	uint32_t mask = ntohl(a->netmask.s_addr) < ntohl(b->netmask.s_addr) ? a->netmask.s_addr
									    : b->netmask.s_addr;

	return a->has_subnet && b->has_subnet &&
	       (a->subnet.s_addr & mask) == (b->subnet.s_addr & mask);
}

void net_gateway_ifname(const char *name, char ifname[IFNAMSIZ])
{
	if (strlen(NET_GATEWAY_PREFIX) + strlen(name) < IFNAMSIZ)
		snprintf(ifname, IFNAMSIZ, NET_GATEWAY_PREFIX "%s", name);
	else
		snprintf(ifname, IFNAMSIZ, NET_GATEWAY_PREFIX "%.6s-%04x", name,
			 hash_fnv1a_str(name) & 0xffff);
}

void net_gateway_mac(const char *name, uint8_t mac[6])
{
	uint32_t h = hash_fnv1a_str(name);

	mac[0] = 0x02;		/* locally administered, unicast */
	mac[1] = 0x76;		/* 'v' */
	mac[2] = (uint8_t)(h >> 24);
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

struct port *net_port_by_name(const struct network *net, const char *name)
{
	unsigned int i;

	for (i = 0; i < NET_MAX_PORTS; i++)
		if (net->ports[i] && !strcmp(net->ports[i]->name, name))
			return net->ports[i];
	return NULL;
}
