/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pool.h - a network's address pool and lease table: which address a client
 * gets (static host, its previous address, the one it asks for, a new one),
 * quarantine of declined addresses, and limits against pool starvation.
 * Addresses are host byte order throughout; times are Unix seconds.
 */
#ifndef DHCP_POOL_H
#define DHCP_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "dhcp.h"

enum dhcp_lease_state {
	DHCP_LEASE_FREE = 0,	/* no one holds it (a forgotten record) */
	DHCP_LEASE_OFFERED,	/* reserved by an OFFER until @expires */
	DHCP_LEASE_BOUND,	/* ACKed until @expires */
	DHCP_LEASE_RELEASED,	/* given back; remembered for the same client */
	DHCP_LEASE_DECLINED,	/* a client found it in use: quarantined until @expires */
};

struct dhcp_lease {
	uint32_t ip;
	uint8_t mac[6];			/* all zero for a declined address */
	uint8_t state;			/* enum dhcp_lease_state */
	int64_t expires;
	uint64_t port_uid;		/* the port it was handed out on (not persisted) */
	char hostname[DHCP_HOSTNAME_MAX];
	uint32_t ip_next, mac_next;	/* hash chains (index + 1; 0 ends) */
};

struct dhcp_host {
	uint8_t mac[6];
	uint32_t ip;
	char hostname[DHCP_HOSTNAME_MAX];
};

/* How many leases a port holds, counted lazily (see pool.c). */
struct dhcp_port_count {
	uint64_t port_uid;	/* 0: free slot */
	uint32_t count;
	int64_t recounted;	/* when it was last counted exactly */
};

#define DHCP_MAX_HOSTS		4096
#define DHCP_OFFER_TIME		60	/* seconds an offer reserves its address */
#define DHCP_QUARANTINE_TIME	600	/* seconds a declined address rests */

struct dhcp_pool {
	uint32_t subnet, mask;		/* the network */
	uint32_t first, last;		/* dynamic range, inclusive */
	uint32_t server_ip;		/* never handed out */
	uint32_t port_limit;		/* leases one port may hold (0: none) */
	uint32_t offer_limit;		/* outstanding offers in the network (0: none) */

	struct dhcp_lease *leases;
	uint32_t nleases, cap;
	uint32_t *ip_buckets, *mac_buckets;	/* index + 1; 0 empty */
	uint32_t nbuckets;		/* power of two */

	struct dhcp_host *hosts;
	uint32_t nhosts, hosts_cap;

	uint32_t next_unused;		/* addresses from here on were never handed out */
	uint32_t reuse_cursor;		/* round-robin scan for reusable addresses */
	int64_t exhausted_until;	/* a full scan found nothing; none frees before this */
	uint32_t offers;		/* outstanding offers (lazy, see pool.c) */
	int64_t offers_recounted;
	/*
	 * Leases per port: open addressing by port uid, at most half full,
	 * grown (dropping ports that hold nothing) as ports come. Every table
	 * of the pool starts small and grows with use, so an idle network's
	 * DHCP state costs a few kilobytes.
	 */
	struct dhcp_port_count *ports;
	uint32_t port_slots, ports_used;	/* slots (a power of two, or 0), slots taken */
};

/**
 * dhcp_pool_init() - an empty pool
 * @subnet, @mask:	the network
 * @first, @last:	dynamic range (inside the subnet)
 * @server_ip:		our address, never handed out
 * Return: 0 or -ENOMEM.
 */
int dhcp_pool_init(struct dhcp_pool *pool, uint32_t subnet, uint32_t mask, uint32_t first,
		   uint32_t last, uint32_t server_ip);

/** dhcp_pool_free() - release the tables. Accepts a zeroed pool. */
void dhcp_pool_free(struct dhcp_pool *pool);

/** dhcp_pool_find_ip() / dhcp_pool_find_mac() - the lease record of an address / a client, or NULL. */
struct dhcp_lease *dhcp_pool_find_ip(const struct dhcp_pool *pool, uint32_t ip);
struct dhcp_lease *dhcp_pool_find_mac(const struct dhcp_pool *pool, const uint8_t mac[6]);

/** dhcp_pool_host_by_mac() / dhcp_pool_host_by_ip() - a static host, or NULL. */
const struct dhcp_host *dhcp_pool_host_by_mac(const struct dhcp_pool *pool, const uint8_t mac[6]);
const struct dhcp_host *dhcp_pool_host_by_ip(const struct dhcp_pool *pool, uint32_t ip);

/**
 * dhcp_pool_host_add() - add a static host (replacing none)
 * Return: 0, -EEXIST (MAC or address already a static host), -ENOSPC, -ENOMEM.
 */
int dhcp_pool_host_add(struct dhcp_pool *pool, const struct dhcp_host *host);

/** dhcp_pool_host_del() - remove the static host of @mac. Return: 0 or -ENOENT. */
int dhcp_pool_host_del(struct dhcp_pool *pool, const uint8_t mac[6]);

/**
 * dhcp_pool_set() - record that @ip is in @state for @mac (loading a
 * journal, or the server's decision). Moves the address between clients
 * as needed. Return: the record, or NULL on -ENOMEM.
 */
struct dhcp_lease *dhcp_pool_set(struct dhcp_pool *pool, uint32_t ip, const uint8_t mac[6],
				 uint8_t state, int64_t expires, const char *hostname,
				 uint64_t port_uid);

/** dhcp_lease_active() - OFFERED or BOUND and not yet expired. */
bool dhcp_lease_active(const struct dhcp_lease *lease, int64_t now);

/** dhcp_pool_ip_available() - whether @ip could be handed to @mac now. */
bool dhcp_pool_ip_available(const struct dhcp_pool *pool, uint32_t ip, const uint8_t mac[6],
			    int64_t now);

enum dhcp_pick {
	DHCP_PICK_OK = 0,
	DHCP_PICK_EXHAUSTED,	/* no address free */
	DHCP_PICK_LIMIT,	/* the port or the network reached its limit */
};

/**
 * dhcp_pool_pick() - choose the address for a client that asks for one
 * @mac:	the client
 * @requested:	the address it asks for (0: none)
 * @port_uid:	where it asks from (for the per-port limit)
 * @ip:		receives the choice
 *
 * In order: its static host; its previous address (sticky by MAC) unless
 * someone else has it now; @requested if free; an address never handed
 * out; the longest-free released or expired one. Limits apply only when
 * the client would take a new address.
 */
enum dhcp_pick dhcp_pool_pick(struct dhcp_pool *pool, const uint8_t mac[6], uint32_t requested,
			      uint64_t port_uid, int64_t now, uint32_t *ip);

/*
 * dhcp_pool_port_take() / dhcp_pool_port_drop() - a port took a new address
 * / gave one back (limit accounting; the server also counts pool->offers).
 */
void dhcp_pool_port_take(struct dhcp_pool *pool, uint64_t port_uid);
void dhcp_pool_port_drop(struct dhcp_pool *pool, uint64_t port_uid);

/** dhcp_pool_in_subnet() / dhcp_pool_in_range() - address checks. */
bool dhcp_pool_in_subnet(const struct dhcp_pool *pool, uint32_t ip);
bool dhcp_pool_in_range(const struct dhcp_pool *pool, uint32_t ip);

/** dhcp_lease_state_name() - "free", "offered", "bound", "released", "declined". */
const char *dhcp_lease_state_name(uint8_t state);

/** dhcp_lease_state_parse() - inverse of dhcp_lease_state_name(). Return: state or -1. */
int dhcp_lease_state_parse(const char *name);

#endif /* DHCP_POOL_H */
