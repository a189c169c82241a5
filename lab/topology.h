/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * topology.h - a lab as netctl knows it once its file is parsed: networks,
 * nodes with their NICs, point-to-point links; the names vswitchd and vmm
 * give them, and the references between them (pure functions).
 */
#ifndef LAB_TOPOLOGY_H
#define LAB_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>

#define LAB_NAME_MAX		24	/* lab, node, network and link names */
#define LAB_NET_NAME_MAX	15	/* vswitchd network names */
#define LAB_MAX_NETWORKS	32	/* declared networks plus one per link */
#define LAB_MAX_NODES		32
#define LAB_MAX_NICS		8
#define LAB_MAX_LINKS		32
#define LAB_MAX_ROUTES		16
#define LAB_MAX_FORWARDS	16
#define LAB_TEXT_MAX		256	/* paths and kernel arguments */

struct lab_forward {
	char proto[8];			/* tcp or udp */
	char host[64];			/* [ADDR:]PORT[-PORT] */
	char target[80];		/* NODE[:PORT], IP[:PORT] or a port name */
	int line;
};

struct lab_network {
	char name[LAB_NAME_MAX + 1];	/* as in the file (or the link's name) */
	char net[LAB_NET_NAME_MAX + 1];	/* vswitchd network: lab_net_name() */
	char mode[10];			/* isolated, nat, routed, bridged */
	char subnet[64];		/* "" if none */
	char gateway[48];
	char dhcp_range[96];
	int dhcp;			/* -1: vswitchd's default, 0: off, 1: on */
	char bridge[16];
	char uplink[16];
	struct lab_forward forwards[LAB_MAX_FORWARDS];
	size_t forward_count;
	int link;			/* index in lab->links, or -1 for a declared network */
	int line;
};

struct lab_nic {
	char name[16];			/* label, default "ethN"; the guest sees ethN by position */
	char network[LAB_NAME_MAX + 1];	/* declared network, or "" when a link joins it */
	int net_index;			/* index in lab->networks once resolved */
	char mac[18];			/* "" : vmm chooses */
	char address[64];		/* static ADDR/LEN, "" : DHCP or none */
	int line;
};

struct lab_route {
	char to[64];			/* CIDR or "default" */
	char via[48];
};

struct lab_node {
	char name[LAB_NAME_MAX + 1];
	char vm[2 * LAB_NAME_MAX + 2];	/* vmm VM name: LAB-NODE */
	char kernel[LAB_TEXT_MAX];
	char initrd[LAB_TEXT_MAX];
	char append[LAB_TEXT_MAX];
	char disk[LAB_TEXT_MAX];
	bool overlay;
	char memory[16];		/* "" : vmm's default */
	unsigned int cpus;		/* 0 : vmm's default */
	char gateway[48];		/* default route (static setups) */
	bool forwarding;		/* IPv4 forwarding in the guest (routers) */
	struct lab_nic nics[LAB_MAX_NICS];
	size_t nic_count;
	struct lab_route routes[LAB_MAX_ROUTES];
	size_t route_count;
	int line;
};

struct lab_endpoint {
	char node[LAB_NAME_MAX + 1];
	char nic[16];
	int node_index;
	int nic_index;
};

struct lab_link {
	char name[LAB_NAME_MAX + 1];	/* default "A-B" from the two nodes */
	struct lab_endpoint ends[2];
	int net_index;			/* its two-port isolated network */
	int line;
};

struct lab {
	char name[LAB_NAME_MAX + 1];
	struct lab_network networks[LAB_MAX_NETWORKS];
	size_t network_count;
	struct lab_node nodes[LAB_MAX_NODES];
	size_t node_count;
	struct lab_link links[LAB_MAX_LINKS];
	size_t link_count;
};

/**
 * lab_net_name() - the vswitchd network name of a lab's network or link
 * @lab:	the lab's name
 * @name:	the network's or link's name
 * @out:	receives "LAB-NAME", or when that exceeds 15 characters its first
 *		10 characters, '-' and 4 hex digits of a hash of "LAB-NAME"
 */
void lab_net_name(const char *lab, const char *name, char out[LAB_NET_NAME_MAX + 1]);

/** lab_find_network() - index of the network (or link network) called @name, or -1 */
int lab_find_network(const struct lab *lab, const char *name);

/** lab_find_node() - index of node @name, or -1 */
int lab_find_node(const struct lab *lab, const char *name);

/**
 * lab_resolve() - check and resolve the references between a lab's parts
 * @lab:	parsed networks, nodes and links; links become two-port isolated
 *		networks and every NIC gets its net_index
 * @file:	named in messages ("lab.yaml:12: ...")
 * @err:	on failure one line, "FILE:LINE: what is wrong"
 * @err_size:	size of @err in bytes
 *
 * Refuses links naming unknown nodes or NICs, NICs on two networks or none,
 * names meeting after shortening, and forwards to nodes not on their network.
 * Return: 0 or -EINVAL.
 */
int lab_resolve(struct lab *lab, const char *file, char *err, size_t err_size);

#endif /* LAB_TOPOLOGY_H */
