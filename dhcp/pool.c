// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pool.c - address allocation and the lease table of one network.
 *
 * Theory of operation: a lease record exists only for addresses that were
 * handed out at least once, so a /8 costs nothing until used. Records live
 * in one array, found by address and by client MAC through two chained hash
 * tables. A record keeps its MAC after RELEASE and expiry, which is what
 * makes addresses sticky: the client comes back to the record its MAC finds.
 * New clients first get addresses never handed out (next_unused walks the
 * range once), so a returning client's old address stays free for as long
 * as possible; only when the range is used up does a round-robin scan take
 * released and expired addresses back. A scan that finds nothing remembers
 * when the earliest lease ends, so an exhausted pool is not rescanned on
 * every DISCOVER.
 *
 * Limits are counted lazily: a port's count (and the network's count of
 * outstanding offers) goes up when it takes a new address, and is only
 * recounted exactly, by a scan, when it reaches its limit -- at most once
 * a second, so a port hammering a full quota costs one scan per second.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "pool.h"

static const uint8_t zero_mac[6];

static uint32_t hash_ip(uint32_t ip)
{
	return ip * 2654435761u;
}

static uint32_t hash_mac(const uint8_t mac[6])
{
	return hash_fnv1a(mac, 6);
}

bool dhcp_pool_in_subnet(const struct dhcp_pool *pool, uint32_t ip)
{
	uint32_t host = ip & ~pool->mask;

	return (ip & pool->mask) == pool->subnet && host != 0 && host != ~pool->mask;
}

bool dhcp_pool_in_range(const struct dhcp_pool *pool, uint32_t ip)
{
	return ip >= pool->first && ip <= pool->last;
}

int dhcp_pool_init(struct dhcp_pool *pool, uint32_t subnet, uint32_t mask, uint32_t first,
		   uint32_t last, uint32_t server_ip)
{
	memset(pool, 0, sizeof(*pool));
	pool->subnet = subnet & mask;
	pool->mask = mask;
	pool->first = first;
	pool->last = last;
	pool->server_ip = server_ip;
	pool->next_unused = first;
	pool->reuse_cursor = first;
	pool->cap = 16;
	pool->nbuckets = 16;
	pool->leases = calloc(pool->cap, sizeof(*pool->leases));
	pool->ip_buckets = calloc(pool->nbuckets, sizeof(uint32_t));
	pool->mac_buckets = calloc(pool->nbuckets, sizeof(uint32_t));
	if (!pool->leases || !pool->ip_buckets || !pool->mac_buckets) {
		dhcp_pool_free(pool);
		return -ENOMEM;
	}
	return 0;
}

void dhcp_pool_free(struct dhcp_pool *pool)
{
	if (!pool)
		return;
	free(pool->leases);
	free(pool->ip_buckets);
	free(pool->mac_buckets);
	free(pool->hosts);
	free(pool->ports);
	pool->ports = NULL;
	pool->port_slots = pool->ports_used = 0;
	pool->hosts_cap = 0;
	pool->leases = NULL;
	pool->ip_buckets = pool->mac_buckets = NULL;
	pool->hosts = NULL;
	pool->nleases = pool->cap = pool->nhosts = 0;
}

struct dhcp_lease *dhcp_pool_find_ip(const struct dhcp_pool *pool, uint32_t ip)
{
	uint32_t i = pool->ip_buckets[hash_ip(ip) & (pool->nbuckets - 1)];

	while (i) {
		struct dhcp_lease *l = &pool->leases[i - 1];

		if (l->ip == ip)
			return l;
		i = l->ip_next;
	}
	return NULL;
}

struct dhcp_lease *dhcp_pool_find_mac(const struct dhcp_pool *pool, const uint8_t mac[6])
{
	uint32_t i;

	if (!memcmp(mac, zero_mac, 6))
		return NULL;
	i = pool->mac_buckets[hash_mac(mac) & (pool->nbuckets - 1)];
	while (i) {
		struct dhcp_lease *l = &pool->leases[i - 1];

		if (!memcmp(l->mac, mac, 6))
			return l;
		i = l->mac_next;
	}
	return NULL;
}

static void mac_unlink(struct dhcp_pool *pool, struct dhcp_lease *lease)
{
	uint32_t idx = (uint32_t)(lease - pool->leases) + 1;
	uint32_t *pp;

	if (!memcmp(lease->mac, zero_mac, 6))
		return;
	pp = &pool->mac_buckets[hash_mac(lease->mac) & (pool->nbuckets - 1)];
	while (*pp) {
		if (*pp == idx) {
			*pp = lease->mac_next;
			lease->mac_next = 0;
			return;
		}
		pp = &pool->leases[*pp - 1].mac_next;
	}
}

static void mac_link(struct dhcp_pool *pool, struct dhcp_lease *lease)
{
	uint32_t *head;

	if (!memcmp(lease->mac, zero_mac, 6))
		return;
	head = &pool->mac_buckets[hash_mac(lease->mac) & (pool->nbuckets - 1)];
	lease->mac_next = *head;
	*head = (uint32_t)(lease - pool->leases) + 1;
}

static void ip_link(struct dhcp_pool *pool, struct dhcp_lease *lease)
{
	uint32_t *head = &pool->ip_buckets[hash_ip(lease->ip) & (pool->nbuckets - 1)];

	lease->ip_next = *head;
	*head = (uint32_t)(lease - pool->leases) + 1;
}

/* Double the array and the hash tables once records outnumber buckets. */
static int pool_grow(struct dhcp_pool *pool)
{
	struct dhcp_lease *leases;
	uint32_t i;

	if (pool->nleases < pool->cap)
		return 0;
	if (pool->cap >= (1u << 30))
		return -ENOMEM;
	leases = realloc(pool->leases, (size_t)pool->cap * 2 * sizeof(*leases));
	if (!leases)
		return -ENOMEM;
	pool->leases = leases;
	pool->cap *= 2;
	if (pool->cap > pool->nbuckets) {
		uint32_t *ipb = calloc((size_t)pool->nbuckets * 2, sizeof(uint32_t));
		uint32_t *macb = calloc((size_t)pool->nbuckets * 2, sizeof(uint32_t));

		if (!ipb || !macb) {
			free(ipb);
			free(macb);
			return 0;	/* longer chains, still correct */
		}
		free(pool->ip_buckets);
		free(pool->mac_buckets);
		pool->ip_buckets = ipb;
		pool->mac_buckets = macb;
		pool->nbuckets *= 2;
		for (i = 0; i < pool->nleases; i++) {
			ip_link(pool, &pool->leases[i]);
			mac_link(pool, &pool->leases[i]);
		}
	}
	return 0;
}

const struct dhcp_host *dhcp_pool_host_by_mac(const struct dhcp_pool *pool, const uint8_t mac[6])
{
	uint32_t i;

	for (i = 0; i < pool->nhosts; i++)
		if (!memcmp(pool->hosts[i].mac, mac, 6))
			return &pool->hosts[i];
	return NULL;
}

const struct dhcp_host *dhcp_pool_host_by_ip(const struct dhcp_pool *pool, uint32_t ip)
{
	uint32_t i;

	for (i = 0; i < pool->nhosts; i++)
		if (pool->hosts[i].ip == ip)
			return &pool->hosts[i];
	return NULL;
}

int dhcp_pool_host_add(struct dhcp_pool *pool, const struct dhcp_host *host)
{
	if (dhcp_pool_host_by_mac(pool, host->mac) || dhcp_pool_host_by_ip(pool, host->ip))
		return -EEXIST;
	if (pool->nhosts >= DHCP_MAX_HOSTS)
		return -ENOSPC;
	if (pool->nhosts == pool->hosts_cap) {
		uint32_t cap = pool->hosts_cap ? 2 * pool->hosts_cap : 8;
		struct dhcp_host *hosts = realloc(pool->hosts, (size_t)cap * sizeof(*hosts));

		if (!hosts)
			return -ENOMEM;
		pool->hosts = hosts;
		pool->hosts_cap = cap;
	}
	pool->hosts[pool->nhosts++] = *host;
	return 0;
}

int dhcp_pool_host_del(struct dhcp_pool *pool, const uint8_t mac[6])
{
	uint32_t i;

	for (i = 0; i < pool->nhosts; i++) {
		if (!memcmp(pool->hosts[i].mac, mac, 6)) {
			pool->hosts[i] = pool->hosts[--pool->nhosts];
			return 0;
		}
	}
	return -ENOENT;
}

bool dhcp_lease_active(const struct dhcp_lease *lease, int64_t now)
{
	return (lease->state == DHCP_LEASE_OFFERED || lease->state == DHCP_LEASE_BOUND) &&
	       lease->expires > now;
}

struct dhcp_lease *dhcp_pool_set(struct dhcp_pool *pool, uint32_t ip, const uint8_t mac[6],
				 uint8_t state, int64_t expires, const char *hostname,
				 uint64_t port_uid)
{
	struct dhcp_lease *lease = dhcp_pool_find_ip(pool, ip), *old;

	if (!lease) {
		if (pool_grow(pool))
			return NULL;
		lease = &pool->leases[pool->nleases++];
		memset(lease, 0, sizeof(*lease));
		lease->ip = ip;
		ip_link(pool, lease);
	}
	if (memcmp(lease->mac, mac, 6)) {
		/* The client's previous record forgets it: one address per MAC. */
		old = dhcp_pool_find_mac(pool, mac);
		if (old && old != lease) {
			mac_unlink(pool, old);
			memset(old->mac, 0, 6);
			if (old->state != DHCP_LEASE_DECLINED)
				old->state = DHCP_LEASE_FREE;
		}
		mac_unlink(pool, lease);
		memcpy(lease->mac, mac, 6);
		mac_link(pool, lease);
		lease->hostname[0] = '\0';
	}
	lease->state = state;
	lease->expires = expires;
	lease->port_uid = port_uid;
	if (state == DHCP_LEASE_RELEASED || state == DHCP_LEASE_FREE)
		pool->exhausted_until = 0;
	if (hostname && *hostname)
		memcpy(lease->hostname, hostname, sizeof(lease->hostname));
	lease->hostname[sizeof(lease->hostname) - 1] = '\0';
	return lease;
}

bool dhcp_pool_ip_available(const struct dhcp_pool *pool, uint32_t ip, const uint8_t mac[6],
			    int64_t now)
{
	const struct dhcp_host *host;
	const struct dhcp_lease *lease;

	if (!dhcp_pool_in_subnet(pool, ip) || ip == pool->server_ip)
		return false;
	host = dhcp_pool_host_by_ip(pool, ip);
	if (host && memcmp(host->mac, mac, 6))
		return false;
	lease = dhcp_pool_find_ip(pool, ip);
	if (!lease)
		return true;
	if (lease->state == DHCP_LEASE_DECLINED)
		return lease->expires <= now;
	if (!memcmp(lease->mac, mac, 6))
		return true;
	return !dhcp_lease_active(lease, now);
}

static uint32_t port_home(uint64_t port_uid, uint32_t slots)
{
	return (uint32_t)(port_uid * 0x9e3779b97f4a7c15ull >> 40) & (slots - 1);
}

/*
 * Make room for one more port: rebuild the table, leaving out ports that
 * hold no lease (deleted ports' uids are never reused, so this is where
 * they go), doubling it if it would still be over half full.
 * Return: 0 or -ENOMEM (the old table stays).
 */
static int port_table_rebuild(struct dhcp_pool *pool)
{
	uint32_t live = 0, slots = pool->port_slots ? pool->port_slots : 16, i;
	struct dhcp_port_count *t;

	for (i = 0; i < pool->port_slots; i++)
		live += pool->ports[i].port_uid && pool->ports[i].count;
	while (2 * (live + 1) > slots)
		slots *= 2;
	t = calloc(slots, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (i = 0; i < pool->port_slots; i++) {
		const struct dhcp_port_count *s = &pool->ports[i];
		uint32_t j;

		if (!s->port_uid || !s->count)
			continue;
		for (j = port_home(s->port_uid, slots); t[j].port_uid; j = (j + 1) & (slots - 1))
			;
		t[j] = *s;
	}
	free(pool->ports);
	pool->ports = t;
	pool->port_slots = slots;
	pool->ports_used = live;
	return 0;
}

static struct dhcp_port_count *port_slot(struct dhcp_pool *pool, uint64_t port_uid, bool create)
{
	uint32_t i, h;

	if (pool->port_slots) {
		h = port_home(port_uid, pool->port_slots);
		for (i = 0; i < pool->port_slots; i++) {
			struct dhcp_port_count *s = &pool->ports[(h + i) & (pool->port_slots - 1)];

			if (s->port_uid == port_uid)
				return s;
			if (!s->port_uid)
				break;
		}
	}
	if (!create)
		return NULL;
	if (2 * (pool->ports_used + 1) > pool->port_slots && port_table_rebuild(pool))
		return NULL;
	for (i = port_home(port_uid, pool->port_slots); pool->ports[i].port_uid;
	     i = (i + 1) & (pool->port_slots - 1))
		;
	pool->ports[i].port_uid = port_uid;
	pool->ports[i].count = 0;
	pool->ports[i].recounted = 0;
	pool->ports_used++;
	return &pool->ports[i];
}

void dhcp_pool_port_take(struct dhcp_pool *pool, uint64_t port_uid)
{
	struct dhcp_port_count *s = port_uid ? port_slot(pool, port_uid, true) : NULL;

	if (s)
		s->count++;
}

void dhcp_pool_port_drop(struct dhcp_pool *pool, uint64_t port_uid)
{
	struct dhcp_port_count *s = port_uid ? port_slot(pool, port_uid, false) : NULL;

	if (s && s->count)
		s->count--;
}

/* May @port_uid take one more address, and may the network make one more offer? */
static bool pool_within_limits(struct dhcp_pool *pool, uint64_t port_uid, int64_t now)
{
	struct dhcp_port_count *s;
	uint32_t i;

	if (pool->offer_limit && pool->offers >= pool->offer_limit) {
		if (pool->offers_recounted != now) {
			pool->offers_recounted = now;
			pool->offers = 0;
			for (i = 0; i < pool->nleases; i++)
				if (pool->leases[i].state == DHCP_LEASE_OFFERED &&
				    pool->leases[i].expires > now)
					pool->offers++;
		}
		if (pool->offers >= pool->offer_limit)
			return false;
	}
	if (!pool->port_limit || !port_uid)
		return true;
	s = port_slot(pool, port_uid, true);
	if (!s || s->count < pool->port_limit)
		return true;
	if (s->recounted != now) {
		s->recounted = now;
		s->count = 0;
		for (i = 0; i < pool->nleases; i++)
			if (pool->leases[i].port_uid == port_uid &&
			    dhcp_lease_active(&pool->leases[i], now))
				s->count++;
	}
	return s->count < pool->port_limit;
}

enum dhcp_pick dhcp_pool_pick(struct dhcp_pool *pool, const uint8_t mac[6], uint32_t requested,
			      uint64_t port_uid, int64_t now, uint32_t *ip)
{
	const struct dhcp_host *host = dhcp_pool_host_by_mac(pool, mac);
	const struct dhcp_lease *lease;
	int64_t earliest = INT64_MAX;
	uint32_t size, n, cand;

	if (host) {
		*ip = host->ip;
		return DHCP_PICK_OK;
	}
	lease = dhcp_pool_find_mac(pool, mac);
	if (lease && lease->state != DHCP_LEASE_DECLINED && dhcp_pool_in_range(pool, lease->ip) &&
	    dhcp_pool_ip_available(pool, lease->ip, mac, now)) {
		*ip = lease->ip;
		return DHCP_PICK_OK;
	}
	if (!pool_within_limits(pool, port_uid, now))
		return DHCP_PICK_LIMIT;
	if (requested && dhcp_pool_in_range(pool, requested) &&
	    dhcp_pool_ip_available(pool, requested, mac, now)) {
		*ip = requested;
		return DHCP_PICK_OK;
	}
	while (pool->next_unused && pool->next_unused <= pool->last) {
		cand = pool->next_unused;
		pool->next_unused = cand == UINT32_MAX ? 0 : cand + 1;
		if (dhcp_pool_ip_available(pool, cand, mac, now)) {
			*ip = cand;
			return DHCP_PICK_OK;
		}
	}
	if (now < pool->exhausted_until)
		return DHCP_PICK_EXHAUSTED;
	size = pool->last - pool->first + 1;
	for (n = 0; n < size; n++) {
		cand = pool->reuse_cursor;
		pool->reuse_cursor = cand >= pool->last ? pool->first : cand + 1;
		if (dhcp_pool_ip_available(pool, cand, mac, now)) {
			*ip = cand;
			return DHCP_PICK_OK;
		}
		lease = dhcp_pool_find_ip(pool, cand);
		if (lease && lease->expires > now && lease->expires < earliest)
			earliest = lease->expires;
	}
	pool->exhausted_until = earliest == INT64_MAX ? now + 1 : earliest;
	return DHCP_PICK_EXHAUSTED;
}

const char *dhcp_lease_state_name(uint8_t state)
{
	static const char *const names[] = {
		[DHCP_LEASE_FREE] = "free", [DHCP_LEASE_OFFERED] = "offered",
		[DHCP_LEASE_BOUND] = "bound", [DHCP_LEASE_RELEASED] = "released",
		[DHCP_LEASE_DECLINED] = "declined",
	};

	return state <= DHCP_LEASE_DECLINED ? names[state] : "unknown";
}

int dhcp_lease_state_parse(const char *name)
{
	int s;

	for (s = DHCP_LEASE_FREE; s <= DHCP_LEASE_DECLINED; s++)
		if (!strcmp(name, dhcp_lease_state_name((uint8_t)s)))
			return s;
	return -1;
}
