/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netdef.h - the model of a network: its definition (name, mode, IPv4
 * settings, forwards), the datapath's view of it (FDB, ports, flood list,
 * service diversions) and the orchestrator's bookkeeping. Pure data and
 * pure functions: every module may read a network; network.c (the
 * orchestrator) changes it, and dpif.c changes the datapath's view.
 */
#ifndef VSWITCH_NETDEF_H
#define VSWITCH_NETDEF_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <jansson.h>

#include "fdb.h"
#include "forward.h"
#include "journal.h"
#include "names.h"
#include "port.h"

#define NET_NAME_MAX	NAME_OBJECT_MAX	/* including NUL */
#define NET_MAX_PORTS	256

/* Interface names starting with this are reserved for gateway taps. */
#define NET_GATEWAY_PREFIX	"vsw-"

struct net_mode;

/*
 * A network's IPv4 settings, parsed and checked from its parameters. All
 * addresses in network byte order. Absent a subnet the network is plain L2.
 */
struct net_ip {
	bool has_subnet;
	struct in_addr subnet;		/* network address (host bits zero) */
	uint8_t prefix_len;		/* 8 .. 30 */
	struct in_addr netmask;
	struct in_addr gateway;		/* default: first host address */
	bool dhcp;			/* built-in DHCP server on */
	struct in_addr dhcp_first;	/* pool, inclusive */
	struct in_addr dhcp_last;
	uint32_t lease_time;		/* seconds */
};

#define NET_DEFAULT_LEASE_TIME	3600

struct network {
	/* Definition. */
	char name[NET_NAME_MAX];
	const struct net_mode *mode;
	json_t *params;			/* creation parameters, persisted */
	uint32_t aging;			/* FDB aging, seconds */
	uint32_t mac_limit;		/* per port */
	bool autostart;
	struct net_ip ip;
	uint64_t uid;			/* unique for the daemon's life */

	/*
	 * The datapath's view. Changed only through dpif.c, with the
	 * datapath paused; the control thread may read it at any time (it
	 * is the only writer).
	 */
	struct fdb *fdb;		/* written by the datapath thread */
	struct port *ports[NET_MAX_PORTS];	/* by port id; NULL = free slot */
	unsigned int nports;
	/* Compact copy of the non-NULL ports, for flooding without holes. */
	struct port *flood[NET_MAX_PORTS];
	unsigned int nflood;
	/*
	 * The datapath diverts DHCP requests (IPv4 UDP to port 67) to the
	 * service thread instead of forwarding them.
	 */
	bool dhcp_divert;
	/*
	 * With dhcp_divert: ARP requests for this address (the DHCP server's,
	 * network order) go to the service too, on networks where no gateway
	 * interface answers them. 0: none.
	 */
	uint32_t dhcp_arp_ip;
	uint64_t fdb_next_sweep;	/* datapath thread only: when to age the FDB next */

	/* The orchestrator's bookkeeping (network.c). */
	bool active;			/* running; false: defined only (net stop) */
	bool pending_start;		/* loaded at start-up, starting in the background */
	char start_error[256];		/* why it did not start at load, or "" */
	/*
	 * Definitions of ports that could not be recreated at start (say, their
	 * namespace is gone). They are kept and saved again, so a restart never
	 * loses configuration; adding a port of the same name replaces one.
	 */
	json_t *failed_ports;
	struct port *gateway;		/* internal port into the host stack, or NULL */
	void *mode_state;		/* private to the mode provider */
	struct forward *forwards;	/* port forwards, in the order added */
	size_t nforwards;
	size_t forwards_size;		/* allocated entries */
	struct journal forward_log;	/* their persistence: NAME.forwards (fd -1 until used) */
	bool resave;			/* the definition changed while loading: save it once loaded */

	struct network *next;
};

/**
 * net_ip_parse() - parse "subnet", "gateway", "dhcp", "dhcp_range" and
 * "lease_time" from network parameters into @ip
 * @dhcp_default:	whether DHCP is on when "dhcp" is absent (off for bridged)
 * Return: 0 or -EINVAL with @err set.
 */
int net_ip_parse(json_t *params, bool dhcp_default, struct net_ip *ip,
		 char *err, size_t err_size);

/** net_ip_overlap() - whether two networks' subnets overlap (either contains the other). */
bool net_ip_overlap(const struct net_ip *a, const struct net_ip *b);

/** net_ip_is_host() - @a is a usable host address of @ip's subnet (not network or broadcast). */
bool net_ip_is_host(const struct net_ip *ip, struct in_addr a);

/**
 * net_gateway_ifname() - the gateway tap's name for network @name (pure):
 * "vsw-NAME" when that fits in 15 characters, else "vsw-" + the first 6
 * characters + "-" + 4 hex digits of a hash of the whole name.
 */
void net_gateway_ifname(const char *name, char ifname[IFNAMSIZ]);

/**
 * net_gateway_mac() - the gateway's Ethernet address, derived from the
 * network name (pure): locally administered, stable across restarts so
 * guests' ARP caches stay right.
 */
void net_gateway_mac(const char *name, uint8_t mac[6]);

/** net_port_by_name() - port @name of @net, or NULL. */
struct port *net_port_by_name(const struct network *net, const char *name);

#endif /* VSWITCH_NETDEF_H */
