/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nl.h - rtnetlink helper on libmnl. Every request is sent with NLM_F_ACK and
 * we wait for the error message carrying our own sequence number.
 */
#ifndef LIB_NL_H
#define LIB_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct nl_sock;

/** nl_open() - open an rtnetlink socket in the caller's network namespace. */
struct nl_sock *nl_open(void);

/**
 * nl_open_netns() - open an rtnetlink socket inside another namespace
 * @netns_fd:	fd of the target namespace (e.g. open("/run/netns/NS"))
 *
 * Switches the calling thread into the namespace, creates the socket and
 * switches back; the socket keeps talking to the target namespace.
 * Return: the socket, or NULL with errno set.
 */
struct nl_sock *nl_open_netns(int netns_fd);

/** nl_close() - close the socket. Accepts NULL. */
void nl_close(struct nl_sock *nl);

/** nl_link_index() - ifindex of @ifname in @nl's namespace. Return: > 0 or negative errno. */
int nl_link_index(struct nl_sock *nl, const char *ifname);

/** nl_link_set_up() - set IFF_UP on or off. Return: 0 or negative errno. */
int nl_link_set_up(struct nl_sock *nl, int ifindex, bool up);

/** nl_link_set_mtu() - Return: 0 or negative errno. */
int nl_link_set_mtu(struct nl_sock *nl, int ifindex, unsigned int mtu);

/** nl_link_set_netns() - move a link into the namespace @netns_fd. Return: 0 or negative errno. */
int nl_link_set_netns(struct nl_sock *nl, int ifindex, int netns_fd);

/** nl_link_set_name() - rename a (down) link. Return: 0 or negative errno. */
int nl_link_set_name(struct nl_sock *nl, int ifindex, const char *name);

/** nl_link_del() - delete a link. Return: 0 or negative errno (-ENODEV if gone). */
int nl_link_del(struct nl_sock *nl, int ifindex);

/** nl_link_set_mac() - set the link's Ethernet address. Return: 0 or negative errno. */
int nl_link_set_mac(struct nl_sock *nl, int ifindex, const uint8_t mac[6]);

/**
 * nl_link_set_master() - enslave a link to a bridge (@master_ifindex), or
 * release it from its master (@master_ifindex 0). Return: 0 or negative errno.
 */
int nl_link_set_master(struct nl_sock *nl, int ifindex, int master_ifindex);

/** nl_link_set_alias() - set the link's ifalias ("" clears it). Return: 0 or negative errno. */
int nl_link_set_alias(struct nl_sock *nl, int ifindex, const char *alias);

/** nl_bridge_create() - create bridge @name (not up). Return: 0 or negative errno (-EEXIST). */
int nl_bridge_create(struct nl_sock *nl, const char *name);

/* What nl_link_get() reports about a link. */
struct nl_link_info {
	int ifindex;
	int master;		/* ifindex of its bridge, or 0 */
	bool up;		/* IFF_UP */
	bool carrier;		/* IFF_LOWER_UP */
	char name[16];		/* IFNAMSIZ */
	char kind[16];		/* "bridge", "veth", "tun", ... or "" */
	char alias[128];	/* ifalias or "" */
	unsigned char mac[6];	/* link-layer address, if it has one of 6 bytes */
	bool has_mac;
};

/** nl_link_get() - look @ifname up. Return: 0, -ENODEV, or another negative errno. */
int nl_link_get(struct nl_sock *nl, const char *ifname, struct nl_link_info *info);

/**
 * nl_link_foreach() - call @fn for every link of @nl's namespace (a dump);
 * a non-zero return from @fn stops the walk and is returned.
 * Return: 0, @fn's value, or negative errno.
 */
int nl_link_foreach(struct nl_sock *nl, int (*fn)(const struct nl_link_info *info, void *opaque),
		    void *opaque);

/**
 * nl_addr_add() / nl_addr_del() - add or remove IPv4 address @addr/@prefix_len
 * on a link (network byte order). Adding an address that is already there
 * succeeds. Return: 0 or negative errno.
 */
int nl_addr_add(struct nl_sock *nl, int ifindex, struct in_addr addr, uint8_t prefix_len);
int nl_addr_del(struct nl_sock *nl, int ifindex, struct in_addr addr, uint8_t prefix_len);

/** nl_addr_count() - number of IPv4 addresses on a link. Return: >= 0 or negative errno. */
int nl_addr_count(struct nl_sock *nl, int ifindex);

/**
 * nl_route_overlap() - find an IPv4 route of the main table whose
 * destination overlaps @subnet/@prefix_len (the default route does not count)
 * @skip_ifindex:	ignore routes through this link (0: none)
 * @desc:		set to "DST/LEN dev IFNAME" of the first overlap
 * Return: 1 overlap found, 0 none, or negative errno.
 */
int nl_route_overlap(struct nl_sock *nl, struct in_addr subnet, uint8_t prefix_len,
		     int skip_ifindex, char *desc, size_t desc_size);

/**
 * nl_neigh_find_ip() - the IPv4 address the neighbour table of link
 * @ifindex has for @mac. Return: 0 with @addr set, -ENOENT, or negative errno.
 */
int nl_neigh_find_ip(struct nl_sock *nl, int ifindex, const uint8_t mac[6], struct in_addr *addr);

/**
 * netns_open() - open a named namespace as `ip netns` creates them
 * @name:	name under /run/netns; must be a plain file name
 * Return: fd (O_RDONLY|O_CLOEXEC) or negative errno (-EINVAL for a bad name).
 */
int netns_open(const char *name);

#endif /* LIB_NL_H */
