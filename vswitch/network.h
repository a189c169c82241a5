/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * network.h - networks: isolated L2 domains with their own MAC table, ports
 * and (per mode) host-side plumbing. Control thread only.
 */
#ifndef VSWITCH_NETWORK_H
#define VSWITCH_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <jansson.h>

#include "fdb.h"
#include "port.h"

#define NET_NAME_MAX	16	/* including NUL */
#define NET_MAX_PORTS	256

struct network;
struct forward;

/*
 * What a mode does to the host when a network starts and stops. isolated
 * does nothing outside the switch; nat/routed/bridged plug in here.
 */
struct net_mode {
	const char *name;
	/* start() - set up host plumbing. Return: 0 or negative errno, message in @err. */
	int (*start)(struct network *net, char *err, size_t err_size);
	/* stop() - undo start(); must not fail. May be NULL. */
	void (*stop)(struct network *net);
};

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
	char name[NET_NAME_MAX];
	const struct net_mode *mode;
	json_t *params;			/* creation parameters, persisted */
	uint32_t aging;			/* FDB aging, seconds */
	uint32_t mac_limit;		/* per port */
	bool autostart;
	struct net_ip ip;
	uint64_t uid;			/* unique for the daemon's life */
	/*
	 * The datapath diverts DHCP requests (IPv4 UDP to port 67) to the
	 * service thread instead of forwarding them. Changed paused.
	 */
	bool dhcp_divert;
	/*
	 * With dhcp_divert: ARP requests for this address (the DHCP server's,
	 * network order) go to the service too, on networks where no gateway
	 * interface answers them. 0: none. Changed paused.
	 */
	uint32_t dhcp_arp_ip;

	struct fdb *fdb;		/* datapath-owned while running */
	struct port *ports[NET_MAX_PORTS];	/* by port id; NULL = free slot */
	unsigned int nports;
	/* Compact copy of the non-NULL ports, for flooding without holes. */
	struct port *flood[NET_MAX_PORTS];
	unsigned int nflood;

	/*
	 * Definitions of ports that could not be recreated at start (say, their
	 * namespace is gone). They are kept and saved again, so a restart never
	 * loses configuration; adding a port of the same name replaces one.
	 */
	json_t *failed_ports;

	/* Host side, set up by the mode while the network runs (net_modes.h). */
	bool active;			/* running; false: defined only (net stop) */
	char start_error[160];		/* why it did not start at load, or "" */
	struct port *gateway;		/* internal port into the host stack, or NULL */
	void *mode_state;		/* private to the mode */
	struct forward *forwards;	/* port forwards (forward.c) */
	size_t nforwards;
	size_t forwards_size;		/* allocated entries */

	struct network *next;
};

/** net_valid_name() - 1..15 characters of [A-Za-z0-9_.-], not starting with '.' or '-'. */
bool net_valid_name(const char *name);

/**
 * net_ip_parse() - parse "subnet", "gateway", "dhcp", "dhcp_range" and
 * "lease_time" from network parameters into @ip
 * @dhcp_default:	whether DHCP is on when "dhcp" is absent (off for bridged)
 * Return: 0 or -EINVAL with @err set.
 */
int net_ip_parse(json_t *params, bool dhcp_default, struct net_ip *ip,
		 char *err, size_t err_size);

/** net_find() - network by name, or NULL. */
struct network *net_find(const char *name);

/** net_first() - head of the list of networks (iterate with ->next). */
struct network *net_first(void);

/**
 * net_create() - create and start a network from control parameters
 * @params:	{"name","mode",...} (reference not stolen)
 * @persist:	write the definition to the state directory
 * Return: 0 or negative errno with @err set.
 */
int net_create(json_t *params, bool persist, struct network **netp,
	       char *err, size_t err_size);

/**
 * net_destroy() - stop the network and remove its definition
 * @force:	also delete its ports; otherwise -EBUSY while it has ports
 */
int net_destroy(struct network *net, bool force, char *err, size_t err_size);

/**
 * net_start() - start a defined, inactive network: the mode's host plumbing,
 * then its ports (a port that cannot be recreated keeps its definition).
 * Return: 0 or negative errno with @err set.
 */
int net_start(struct network *net, char *err, size_t err_size);

/**
 * net_stop() - stop a running network: its ports go (their definitions stay),
 * then the mode's host plumbing. It stays stopped across restarts until
 * net_start(), unless it is autostart. Return: 0 or negative errno.
 */
int net_stop(struct network *net, char *err, size_t err_size);

/** net_shutdown() - stop every network without touching definitions (daemon exit). */
void net_shutdown(void);

/**
 * net_port_add() - create a port in @net from control parameters
 * Return: 0 or negative errno with @err set.
 */
int net_port_add(struct network *net, json_t *params, bool persist,
		 struct port **portp, char *err, size_t err_size);

/**
 * net_port_attach() - give a created port an id in @net and hand it to the
 * datapath. The network must have a free slot. (net_port_add() uses it;
 * unit tests attach fake ports with it.)
 */
void net_port_attach(struct network *net, struct port *port);

/** net_port_find() - port by name in @net, or NULL. */
struct port *net_port_find(struct network *net, const char *name);

/** net_port_del() - remove and destroy a port. */
void net_port_del(struct network *net, struct port *port, bool persist);

/** net_to_json() - the control protocol's network object. */
json_t *net_to_json(const struct network *net, bool with_ports);

/** net_save() - persist @net's definition (atomically). Return: 0 or negative errno. */
int net_save(const struct network *net);

/**
 * net_load_all() - recreate every network saved under the state directory.
 * A bad file is logged with its name and skipped.
 * Return: number of networks started.
 */
int net_load_all(void);

/** net_set_state_dir() / net_set_run_dir() - where definitions and sockets live. */
void net_set_state_dir(const char *dir);
void net_set_run_dir(const char *dir);
const char *net_run_dir(void);

/** net_port_broken() - handle ports the datapath flagged as broken. */
void net_reap_broken_ports(void);

#endif /* VSWITCH_NETWORK_H */
