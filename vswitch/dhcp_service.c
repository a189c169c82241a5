// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dhcp_service.c - the DHCP service thread and its per-network servers.
 *
 * Theory of operation: the datapath copies every DHCP request (and, on
 * networks without a gateway interface, every ARP request for the server
 * address) into the service ring and signals an eventfd. This thread wakes,
 * takes every frame waiting (up to a batch), runs each through its network's
 * dhcp_server, and collects the replies and the journal records. Replies
 * without a record (OFFERs, NAKs, ARP) are handed to the datapath at once,
 * in one burst. The others (ACKs) are held: once the oldest unsynced record
 * is SVC_COMMIT_WINDOW_US old (or a batch of replies is held), every
 * touched journal gets its records written and one fdatasync() (group
 * commit), and only then do the held ACKs go out. An ACK therefore never
 * leaves before its lease is on disk, and a burst of a thousand requests
 * costs one sync, not a thousand. If a journal write fails, that network's
 * held ACKs are withheld (the clients retry) and counted as commit_failed.
 *
 * Servers are keyed by network uid, the key the datapath stamps on every
 * frame. The control thread adds and removes them, changes static hosts
 * and reads leases and counters under one mutex; the service thread holds
 * it while it handles a batch, including the sync, but not while it sends
 * held ACKs. A network detached while ACKs are held loses them (its store
 * is closed unsynced), so they are dropped, never sent.
 *
 * The reply source MAC is derived from the network's name (02:76:73 plus
 * three bytes of a hash), so it survives restarts and clients' ARP caches
 * stay right; on a network with a gateway interface replies come from the
 * gateway's MAC instead. DNS servers default to the gateway address.
 *
 * This module serves; it does not orchestrate. It never changes what the
 * datapath diverts (network.c does, through dpif, with
 * dhcp_service_arp_ip()), and never writes a network's definition: static
 * host changes are applied here and persisted by network.c.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dhcp_service.h"
#include "ether.h"
#include "hash.h"
#include "lease.h"
#include "log.h"
#include "mode.h"
#include "netdef.h"
#include "param.h"
#include "server.h"
#include "service.h"

#define SVC_BATCH		256
/*
 * Group commit window: a record waits at most this long for others to share
 * its fdatasync(). Each sync costs a disk flush (and, in a VM, an exit), so
 * under load fewer, larger syncs leave more CPU for the requests; at low
 * rates an ACK is 2 ms later, which no client notices.
 */
#define SVC_COMMIT_WINDOW_US	2000
#define DEFAULT_PORT_LIMIT	16
#define DEFAULT_OFFER_LIMIT	256
#define DEFAULT_MTU		1500

struct dhcp_net {
	uint64_t net_uid;
	char name[NET_NAME_MAX];
	struct dhcp_server srv;
	struct lease_store store;
	bool commit_failed;		/* this batch's journal write failed */
	struct dhcp_net *next;
};

static struct {
	pthread_t thread;
	bool running;
	int stop_fd;
	pthread_mutex_t lock;
	struct dhcp_net *nets;
	char state_dir[PATH_MAX - 64];	/* room for "/leases/NAME.leases" */
	struct svc_frame now[SVC_BATCH];	/* replies that can leave at once */
	struct svc_frame out[SVC_BATCH];	/* replies that wait for the commit */
	struct dhcp_net *out_net[SVC_BATCH];	/* NULL: its network went away */
	unsigned int nheld;			/* replies in @out */
	uint64_t pending_since;			/* monotonic us of the oldest unsynced record, 0: none */
	struct dhcp_result res;
	struct log_ratelimit rl;
} svc = {
	.stop_fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.state_dir = "/var/lib/vswitch",
};

void dhcp_service_set_state_dir(const char *dir)
{
	snprintf(svc.state_dir, sizeof(svc.state_dir), "%s", dir);
}

static struct dhcp_net *find_net(uint64_t uid)
{
	struct dhcp_net *dn;

	for (dn = svc.nets; dn; dn = dn->next)
		if (dn->net_uid == uid)
			return dn;
	return NULL;
}

/* Compaction iterator: every lease worth keeping, in table order. */
struct compact_iter {
	struct dhcp_pool *pool;
	uint32_t i;
	int64_t now;
};

static bool compact_next(void *opaque, struct dhcp_lease_rec *rec)
{
	struct compact_iter *it = opaque;

	while (it->i < it->pool->nleases) {
		const struct dhcp_lease *l = &it->pool->leases[it->i++];

		if (dhcp_lease_persistable(l, it->now)) {
			dhcp_lease_to_rec(l, it->now, rec);
			return true;
		}
	}
	return false;
}

static int compact(struct dhcp_net *dn, int64_t now)
{
	struct compact_iter it = { .pool = &dn->srv.pool, .i = 0, .now = now };

	return lease_store_compact(&dn->store, compact_next, &it);
}

/* Commit every touched journal once; compact the ones grown well past their leases. */
static void commit_all(int64_t now)
{
	struct dhcp_net *dn;
	int ret;

	for (dn = svc.nets; dn; dn = dn->next) {
		if (!lease_store_pending(&dn->store))
			continue;
		ret = lease_store_commit(&dn->store);
		if (ret) {
			dn->commit_failed = true;
			log_err_rl(&svc.rl, "network %s: cannot write leases to %s: %s; ACKs withheld",
				   dn->name, dn->store.path, strerror(-ret));
			continue;
		}
		if (dn->store.file_records > 2 * dn->srv.pool.nleases + 1024) {
			ret = compact(dn, now);
			if (ret)
				log_warn_rl(&svc.rl, "network %s: cannot compact %s: %s", dn->name,
					    dn->store.path, strerror(-ret));
		}
	}
}

/* Queue a reply in @frames[@n]. */
static void reply_add(struct svc_frame *frames, unsigned int n, const struct svc_frame *in,
		      const struct dhcp_result *res)
{
	struct svc_frame *o = &frames[n];

	o->port_uid = in->port_uid;
	o->net_uid = in->net_uid;
	o->port_has_mac = false;
	o->size = (uint16_t)res->frame_size;
	memcpy(o->data, res->frame, res->frame_size);
}

static void replies_send(const struct svc_frame *frames, unsigned int n)
{
	unsigned int dropped = dp_svc_send_burst(frames, n);

	if (dropped)
		log_warn_rl(&svc.rl, "dhcp: reply queue full; %u repl%s dropped", dropped,
			    dropped == 1 ? "y was" : "ies were");
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Write and sync every pending journal, then let out the ACKs the disk now holds. */
static void commit_and_release(int64_t now)
{
	unsigned int i, nheld = svc.nheld;

	commit_all(now);
	/* Withhold what the disk does not hold. */
	for (i = 0; i < nheld; i++) {
		if (svc.out[i].size && svc.out_net[i]->commit_failed) {
			svc.out_net[i]->srv.stats.commit_failed++;
			svc.out[i].size = 0;
		}
	}
	for (struct dhcp_net *dn = svc.nets; dn; dn = dn->next)
		dn->commit_failed = false;
	svc.nheld = 0;
	svc.pending_since = 0;
	pthread_mutex_unlock(&svc.lock);
	if (nheld)
		replies_send(svc.out, nheld);
}

/*
 * Handle the frames waiting (up to a batch). Replies that promise nothing
 * (OFFERs, NAKs, ARP, INFORM ACKs: no journal record) leave at once. The
 * ones whose record must be on disk first are held; the journals are synced
 * once the oldest held record has waited SVC_COMMIT_WINDOW_US, or SVC_BATCH
 * replies are held, or @flush, and the held replies leave after that sync.
 * Return: frames taken from the ring.
 */
static unsigned int service_batch(struct svc_ring *ring, bool flush)
{
	unsigned int taken = 0, nnow = 0;
	int64_t now = (int64_t)time(NULL);
	struct svc_frame *f;

	pthread_mutex_lock(&svc.lock);
	while (taken < SVC_BATCH && svc.nheld < SVC_BATCH && (f = svc_ring_peek(ring))) {
		struct dhcp_net *dn = find_net(f->net_uid);
		struct dhcp_result *res = &svc.res;

		taken++;
		if (!dn) {
			svc_ring_release(ring);
			continue;
		}
		dhcp_server_input(&dn->srv, f->data, f->size, f->port_has_mac ? f->port_mac : NULL,
				  f->port_uid, now, res);
		if (res->has_record) {
			if (lease_store_append(&dn->store, &res->record))
				dn->commit_failed = true;
			if (!svc.pending_since)
				svc.pending_since = mono_us();
		}
		if (res->frame_size && res->frame_size <= SVC_FRAME_MAX) {
			if (res->has_record) {
				reply_add(svc.out, svc.nheld, f, res);
				svc.out_net[svc.nheld++] = dn;
			} else {
				reply_add(svc.now, nnow++, f, res);
			}
		}
		svc_ring_release(ring);
	}
	/* Nothing durable in these: out while the disk works. */
	if (nnow)
		replies_send(svc.now, nnow);
	if (svc.pending_since && (flush || svc.nheld >= SVC_BATCH ||
				  mono_us() - svc.pending_since >= SVC_COMMIT_WINDOW_US)) {
		commit_and_release(now);	/* unlocks */
		return taken;
	}
	pthread_mutex_unlock(&svc.lock);
	return taken;
}

static void *service_thread(void *arg)
{
	struct svc_ring *ring = dp_svc_rx_ring();
	struct pollfd fds[2] = {
		{ .fd = dp_svc_rx_fd(), .events = POLLIN },
		{ .fd = svc.stop_fd, .events = POLLIN },
	};
	struct timespec wait, *timeout;
	uint64_t pending_since, age;
	eventfd_t v;

	(void)arg;
	for (;;) {
		/* Records wait for their sync: sleep no longer than the window allows. */
		pthread_mutex_lock(&svc.lock);
		pending_since = svc.pending_since;
		pthread_mutex_unlock(&svc.lock);
		timeout = NULL;
		if (pending_since) {
			age = mono_us() - pending_since;
			age = age < SVC_COMMIT_WINDOW_US ? SVC_COMMIT_WINDOW_US - age : 0;
			wait.tv_sec = 0;
			wait.tv_nsec = (long)age * 1000;
			timeout = &wait;
		}
		if (ppoll(fds, 2, timeout, NULL) < 0) {
			if (errno == EINTR)
				continue;
			log_err("dhcp: poll failed: %s; service stopped", strerror(errno));
			break;
		}
		if (fds[1].revents) {
			service_batch(ring, true);	/* sync what was decided */
			break;
		}
		if (fds[0].revents)
			eventfd_read(fds[0].fd, &v);
		/* The eventfd is read first, so a frame queued after this loop ends wakes us again. */
		while (service_batch(ring, false) > 0)
			;
	}
	return NULL;
}

int dhcp_service_start(void)
{
	int ret;

	if (svc.running)
		return 0;
	if (dp_svc_rx_fd() < 0)
		return -EINVAL;
	svc.stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (svc.stop_fd < 0)
		return -errno;
	ret = -pthread_create(&svc.thread, NULL, service_thread, NULL);
	if (ret) {
		close(svc.stop_fd);
		svc.stop_fd = -1;
		return ret;
	}
	svc.running = true;
	return 0;
}

void dhcp_service_stop(void)
{
	if (!svc.running)
		return;
	eventfd_write(svc.stop_fd, 1);
	pthread_join(svc.thread, NULL);
	close(svc.stop_fd);
	svc.stop_fd = -1;
	svc.running = false;
}

static int parse_mac(const char *text, uint8_t mac[6])
{
	if (mac_parse(text, mac) || !mac_is_unicast(mac))
		return -EINVAL;
	return 0;
}

static bool hostname_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len >= DHCP_HOSTNAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* Check one static host definition {"mac","ip","hostname"?} against @pool. */
static int host_parse(const struct dhcp_pool *pool, json_t *def, struct dhcp_host *host,
		      char *err, size_t err_size)
{
	const char *mac = json_string_value(json_object_get(def, "mac"));
	const char *ip = json_string_value(json_object_get(def, "ip"));
	json_t *hn = json_object_get(def, "hostname");
	struct in_addr a;

	memset(host, 0, sizeof(*host));
	if (!json_is_object(def) || parse_mac(mac, host->mac)) {
		snprintf(err, err_size, "static host: '%s' is not a unicast MAC address", mac ? mac : "");
		return -EINVAL;
	}
	if (!ip || inet_pton(AF_INET, ip, &a) != 1) {
		snprintf(err, err_size, "static host %s: '%s' is not an IPv4 address", mac, ip ? ip : "");
		return -EINVAL;
	}
	host->ip = ntohl(a.s_addr);
	if (!dhcp_pool_in_subnet(pool, host->ip) || host->ip == pool->server_ip) {
		snprintf(err, err_size, "static host %s: %s is not a free host address of the network", mac, ip);
		return -EINVAL;
	}
	if (hn && !json_is_null(hn)) {
		if (!json_is_string(hn) || !hostname_valid(json_string_value(hn))) {
			snprintf(err, err_size, "static host %s: hostname must be 1-63 of [A-Za-z0-9._-]", mac);
			return -EINVAL;
		}
		snprintf(host->hostname, sizeof(host->hostname), "%s", json_string_value(hn));
	}
	return 0;
}

static int build_config(struct network *net, struct dhcp_net *dn, char *err, size_t err_size)
{
	struct dhcp_config *cfg = &dn->srv.cfg;
	json_t *dns = json_object_get(net->params, "dhcp_dns");
	json_t *domain = json_object_get(net->params, "dhcp_domain");
	uint32_t mtu = DEFAULT_MTU, h = hash_fnv1a_str(net->name);
	size_t i;
	json_t *v;

	cfg->server_ip = net->ip.gateway.s_addr;
	cfg->netmask = net->ip.netmask.s_addr;
	cfg->router = net->ip.gateway.s_addr;
	cfg->lease_time = net->ip.lease_time;
	cfg->ndns = 0;
	if (dns && !json_is_null(dns)) {
		if (!json_is_array(dns) || json_array_size(dns) > 3) {
			snprintf(err, err_size, "'dhcp_dns' must be a list of up to 3 IPv4 addresses");
			return -EINVAL;
		}
		json_array_foreach(dns, i, v) {
			struct in_addr a;

			if (!json_is_string(v) || inet_pton(AF_INET, json_string_value(v), &a) != 1) {
				snprintf(err, err_size, "'dhcp_dns' must be a list of up to 3 IPv4 addresses");
				return -EINVAL;
			}
			cfg->dns[cfg->ndns++] = a.s_addr;
		}
	} else {
		cfg->dns[cfg->ndns++] = net->ip.gateway.s_addr;
	}
	if (domain && !json_is_null(domain)) {
		if (!json_is_string(domain) || !hostname_valid(json_string_value(domain))) {
			snprintf(err, err_size, "'dhcp_domain' must be 1-63 of [A-Za-z0-9._-]");
			return -EINVAL;
		}
		snprintf(cfg->domain, sizeof(cfg->domain), "%s", json_string_value(domain));
	}
	if (param_u32(net->params, "dhcp_mtu", 0, 65535, &mtu, err, err_size))
		return -EINVAL;
	if (mtu && mtu < 68) {
		snprintf(err, err_size, "'dhcp_mtu' must be 0 (not sent) or 68 to 65535");
		return -EINVAL;
	}
	cfg->mtu = (uint16_t)mtu;
	cfg->server_mac[0] = 0x02;	/* locally administered, unicast */
	cfg->server_mac[1] = 0x76;
	cfg->server_mac[2] = 0x73;
	cfg->server_mac[3] = (uint8_t)(h >> 16);
	cfg->server_mac[4] = (uint8_t)(h >> 8);
	cfg->server_mac[5] = (uint8_t)h;
	/*
	 * nat and routed networks have a gateway interface holding the server
	 * address: it answers ARP, and replies come from its MAC. Elsewhere
	 * (isolated) nobody else answers for the address, so we do.
	 */
	cfg->answer_arp = !net->mode->gateway_role;
	if (!cfg->answer_arp && net->gateway)
		net_gateway_mac(net->name, cfg->server_mac);
	return 0;
}

static void apply_record(void *opaque, const struct dhcp_lease_rec *rec)
{
	dhcp_server_apply(opaque, rec);
}

static void lease_path(const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s/leases/%s.leases", svc.state_dir, name);
}

bool dhcp_service_attached(const struct network *net)
{
	bool found;

	pthread_mutex_lock(&svc.lock);
	found = find_net(net->uid) != NULL;
	pthread_mutex_unlock(&svc.lock);
	return found;
}

int dhcp_service_attach(struct network *net, char *err, size_t err_size)
{
	struct lease_load_report rep;
	char path[PATH_MAX], dir[PATH_MAX];
	struct dhcp_net *dn;
	json_t *hosts, *def;
	size_t i;
	int ret;

	if (!net->ip.has_subnet || !net->ip.dhcp || dhcp_service_attached(net))
		return 0;
	dn = calloc(1, sizeof(*dn));
	if (!dn)
		return -ENOMEM;
	dn->net_uid = net->uid;
	dn->store.fd = -1;
	snprintf(dn->name, sizeof(dn->name), "%s", net->name);
	ret = build_config(net, dn, err, err_size);
	if (ret)
		goto err_free;
	ret = dhcp_pool_init(&dn->srv.pool, ntohl(net->ip.subnet.s_addr), ntohl(net->ip.netmask.s_addr),
			     ntohl(net->ip.dhcp_first.s_addr), ntohl(net->ip.dhcp_last.s_addr),
			     ntohl(net->ip.gateway.s_addr));
	if (ret) {
		snprintf(err, err_size, "out of memory");
		goto err_free;
	}
	dn->srv.pool.port_limit = DEFAULT_PORT_LIMIT;
	dn->srv.pool.offer_limit = DEFAULT_OFFER_LIMIT;
	ret = param_u32(net->params, "dhcp_port_limit", 0, 100000000, &dn->srv.pool.port_limit, err, err_size);
	if (!ret)
		ret = param_u32(net->params, "dhcp_offer_limit", 0, 100000000, &dn->srv.pool.offer_limit,
				err, err_size);
	if (ret)
		goto err_pool;
	hosts = json_object_get(net->params, "dhcp_hosts");
	if (hosts && !json_is_array(hosts)) {
		snprintf(err, err_size, "'dhcp_hosts' must be a list of {\"mac\",\"ip\",\"hostname\"}");
		ret = -EINVAL;
		goto err_pool;
	}
	json_array_foreach(hosts, i, def) {
		struct dhcp_host host;

		ret = host_parse(&dn->srv.pool, def, &host, err, err_size);
		if (!ret && dhcp_pool_host_add(&dn->srv.pool, &host)) {
			snprintf(err, err_size, "static host %s: MAC or address listed twice",
				 json_string_value(json_object_get(def, "mac")));
			ret = -EINVAL;
		}
		if (ret)
			goto err_pool;
	}

	snprintf(dir, sizeof(dir), "%s/leases", svc.state_dir);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		ret = -errno;
		snprintf(err, err_size, "cannot create %s: %s", dir, strerror(errno));
		goto err_pool;
	}
	lease_path(net->name, path, sizeof(path));
	ret = lease_store_open(&dn->store, path, apply_record, &dn->srv, &rep);
	if (ret) {
		snprintf(err, err_size, "cannot open lease file %s: %s", path, strerror(-ret));
		goto err_pool;
	}
	/* Start from a clean, compact file: corrupt lines and dead records go. */
	ret = compact(dn, (int64_t)time(NULL));
	if (ret)
		log_warn("network %s: cannot compact %s: %s", net->name, path, strerror(-ret));
	log_info("network %s: DHCP server on %s, %u lease record%s loaded from %s", net->name,
		 inet_ntoa(net->ip.gateway), rep.records, rep.records == 1 ? "" : "s", path);

	pthread_mutex_lock(&svc.lock);
	dn->next = svc.nets;
	svc.nets = dn;
	pthread_mutex_unlock(&svc.lock);
	return 0;

err_pool:
	dhcp_pool_free(&dn->srv.pool);
err_free:
	free(dn);
	return ret;
}

void dhcp_service_detach(struct network *net, bool remove_leases)
{
	struct dhcp_net **pp, *dn = NULL;

	pthread_mutex_lock(&svc.lock);
	for (pp = &svc.nets; *pp; pp = &(*pp)->next) {
		if ((*pp)->net_uid == net->uid) {
			dn = *pp;
			*pp = dn->next;
			break;
		}
	}
	/* Its held ACKs: their records are not synced and will not be. */
	for (unsigned int i = 0; dn && i < svc.nheld; i++) {
		if (svc.out_net[i] == dn) {
			svc.out[i].size = 0;
			svc.out_net[i] = NULL;
		}
	}
	pthread_mutex_unlock(&svc.lock);
	if (!dn)
		return;
	if (remove_leases) {
		if (unlink(dn->store.path) < 0 && errno != ENOENT)
			log_warn("network %s: cannot remove %s: %s", net->name, dn->store.path,
				 strerror(errno));
	}
	lease_store_close(&dn->store);
	dhcp_pool_free(&dn->srv.pool);
	free(dn);
}

uint32_t dhcp_service_arp_ip(const struct network *net)
{
	struct dhcp_net *dn;
	uint32_t ip = 0;

	pthread_mutex_lock(&svc.lock);
	dn = find_net(net->uid);
	if (dn && dn->srv.cfg.answer_arp)
		ip = dn->srv.cfg.server_ip;
	pthread_mutex_unlock(&svc.lock);
	return ip;
}

static int compare_lease_ip(const void *a, const void *b)
{
	uint32_t x = (*(const struct dhcp_lease *const *)a)->ip;
	uint32_t y = (*(const struct dhcp_lease *const *)b)->ip;

	return x < y ? -1 : x > y;
}

int dhcp_service_resolve(const struct network *net, const char *name, struct in_addr *addr)
{
	int64_t now = (int64_t)time(NULL);
	const struct dhcp_pool *pool;
	struct dhcp_net *dn;
	uint32_t i, ip = 0;

	pthread_mutex_lock(&svc.lock);
	dn = find_net(net->uid);
	if (!dn) {
		pthread_mutex_unlock(&svc.lock);
		return -ENOENT;
	}
	pool = &dn->srv.pool;
	/* A static host of that name is the answer the operator wrote down. */
	for (i = 0; i < pool->nhosts && !ip; i++)
		if (!strcmp(pool->hosts[i].hostname, name))
			ip = pool->hosts[i].ip;
	/* Otherwise the live lease of the client that gave that hostname. */
	for (i = 0; i < pool->nleases && !ip; i++) {
		const struct dhcp_lease *l = &pool->leases[i];

		if (l->state == DHCP_LEASE_BOUND && l->expires > now && !strcmp(l->hostname, name))
			ip = l->ip;
	}
	pthread_mutex_unlock(&svc.lock);
	if (!ip)
		return -ENOENT;
	addr->s_addr = htonl(ip);
	return 0;
}

json_t *dhcp_service_leases(const struct network *net, uint32_t offset, uint32_t limit,
			    char *err, size_t err_size)
{
	int64_t now = (int64_t)time(NULL);
	const struct dhcp_lease **sorted;
	struct dhcp_net *dn;
	json_t *list;
	uint32_t i, n = 0;

	pthread_mutex_lock(&svc.lock);
	dn = find_net(net->uid);
	if (!dn) {
		pthread_mutex_unlock(&svc.lock);
		snprintf(err, err_size, "network '%s' has no DHCP server", net->name);
		return NULL;
	}
	list = json_array();
	sorted = calloc(dn->srv.pool.nleases + 1, sizeof(*sorted));
	if (!list || !sorted) {
		pthread_mutex_unlock(&svc.lock);
		json_decref(list);
		free(sorted);
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	for (i = 0; i < dn->srv.pool.nleases; i++)
		if (dn->srv.pool.leases[i].state != DHCP_LEASE_FREE)
			sorted[n++] = &dn->srv.pool.leases[i];
	qsort(sorted, n, sizeof(*sorted), compare_lease_ip);
	if (!limit || limit > DHCP_LEASES_PAGE)
		limit = DHCP_LEASES_PAGE;
	for (i = offset; i < n && i - offset < limit; i++) {
		const struct dhcp_lease *l = sorted[i];
		struct in_addr a = { .s_addr = htonl(l->ip) };
		char ip[INET_ADDRSTRLEN], mac[MAC_TEXT_SIZE];
		const char *state = dhcp_lease_state_name(l->state);

		if ((l->state == DHCP_LEASE_BOUND || l->state == DHCP_LEASE_OFFERED) && l->expires <= now)
			state = "expired";
		inet_ntop(AF_INET, &a, ip, sizeof(ip));
		mac_format(l->mac, mac);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:I, s:s, s:b}", "ip", ip,
						      "mac", mac, "hostname", l->hostname,
						      "expires", (json_int_t)l->expires, "state", state,
						      "static", dhcp_pool_host_by_mac(&dn->srv.pool, l->mac) != NULL &&
						      dhcp_pool_host_by_mac(&dn->srv.pool, l->mac)->ip == l->ip));
	}
	pthread_mutex_unlock(&svc.lock);
	free(sorted);
	return json_pack("{s:o, s:I}", "leases", list, "total", (json_int_t)n);
}

json_t *dhcp_service_stats(const struct network *net)
{
	int64_t now = (int64_t)time(NULL);
	struct dhcp_stats s;
	struct dhcp_net *dn;
	uint32_t i, bound = 0, pool_size = 0;

	pthread_mutex_lock(&svc.lock);
	dn = find_net(net->uid);
	if (!dn) {
		pthread_mutex_unlock(&svc.lock);
		return NULL;
	}
	s = dn->srv.stats;
	for (i = 0; i < dn->srv.pool.nleases; i++)
		if (dn->srv.pool.leases[i].state == DHCP_LEASE_BOUND && dn->srv.pool.leases[i].expires > now)
			bound++;
	pool_size = dn->srv.pool.last - dn->srv.pool.first + 1;
	pthread_mutex_unlock(&svc.lock);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "discover", (json_int_t)s.discover, "offer", (json_int_t)s.offer,
			 "request", (json_int_t)s.request, "ack", (json_int_t)s.ack,
			 "nak", (json_int_t)s.nak, "release", (json_int_t)s.release,
			 "decline", (json_int_t)s.decline, "inform", (json_int_t)s.inform,
			 "malformed", (json_int_t)s.malformed,
			 "pool_exhausted", (json_int_t)s.pool_exhausted,
			 "refused_mac", (json_int_t)s.refused_mac, "limit", (json_int_t)s.limit,
			 "ignored", (json_int_t)s.ignored, "arp", (json_int_t)s.arp,
			 "commit_failed", (json_int_t)s.commit_failed,
			 "leases_bound", (json_int_t)bound, "pool_size", (json_int_t)pool_size);
}

int dhcp_service_host_add(const struct network *net, json_t *params, json_t **defp,
			  char *err, size_t err_size)
{
	int64_t now = (int64_t)time(NULL);
	const struct dhcp_lease *holder;
	struct dhcp_host host;
	struct dhcp_net *dn;
	json_t *def;
	char mac[MAC_TEXT_SIZE];
	int ret;

	pthread_mutex_lock(&svc.lock);
	dn = find_net(net->uid);
	if (!dn) {
		pthread_mutex_unlock(&svc.lock);
		snprintf(err, err_size, "network '%s' has no DHCP server", net->name);
		return -EINVAL;
	}
	ret = host_parse(&dn->srv.pool, params, &host, err, err_size);
	if (ret)
		goto out;
	mac_format(host.mac, mac);
	if (dhcp_pool_host_by_mac(&dn->srv.pool, host.mac)) {
		snprintf(err, err_size, "%s is already a static host of '%s' (delete it first)", mac, net->name);
		ret = -EEXIST;
		goto out;
	}
	if (dhcp_pool_host_by_ip(&dn->srv.pool, host.ip)) {
		snprintf(err, err_size, "%s is already the address of another static host",
			 json_string_value(json_object_get(params, "ip")));
		ret = -EEXIST;
		goto out;
	}
	holder = dhcp_pool_find_ip(&dn->srv.pool, host.ip);
	if (holder && dhcp_lease_active(holder, now) && memcmp(holder->mac, host.mac, 6)) {
		char other[MAC_TEXT_SIZE];

		mac_format(holder->mac, other);
		snprintf(err, err_size, "%s is leased to %s until it expires or is released",
			 json_string_value(json_object_get(params, "ip")), other);
		ret = -EBUSY;
		goto out;
	}
	ret = dhcp_pool_host_add(&dn->srv.pool, &host);
	if (ret) {
		snprintf(err, err_size, "too many static hosts (at most %d)", DHCP_MAX_HOSTS);
		goto out;
	}
out:
	pthread_mutex_unlock(&svc.lock);
	if (ret)
		return ret;
	def = json_pack("{s:s, s:s}", "mac", mac, "ip", json_string_value(json_object_get(params, "ip")));
	if (def && host.hostname[0])
		json_object_set_new(def, "hostname", json_string(host.hostname));
	*defp = def;
	log_info("network %s: static host %s -> %s", net->name, mac,
		 json_string_value(json_object_get(params, "ip")));
	return 0;
}

int dhcp_service_host_del(const struct network *net, json_t *params, char *err, size_t err_size)
{
	const char *text = json_string_value(json_object_get(params, "mac"));
	struct dhcp_net *dn;
	uint8_t mac[6];
	int ret;

	if (parse_mac(text, mac)) {
		snprintf(err, err_size, "'%s' is not a unicast MAC address", text ? text : "");
		return -EINVAL;
	}
	pthread_mutex_lock(&svc.lock);
	dn = find_net(net->uid);
	ret = dn ? dhcp_pool_host_del(&dn->srv.pool, mac) : -EINVAL;
	pthread_mutex_unlock(&svc.lock);
	if (ret == -EINVAL) {
		snprintf(err, err_size, "network '%s' has no DHCP server", net->name);
		return ret;
	}
	if (ret) {
		snprintf(err, err_size, "%s is not a static host of '%s'", text, net->name);
		return ret;
	}
	log_info("network %s: static host %s removed", net->name, text);
	return 0;
}
