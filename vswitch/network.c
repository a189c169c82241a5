// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * network.c - the orchestrator's life cycle of a network: define, start,
 * stop, destroy, and the daemon's start and shutdown.
 *
 * Theory of operation: every change to a network runs here, in one order,
 * and each step is undone in reverse if a later one fails. Starting:
 *
 *   1. the mode checks the definition against the host      (mode->check)
 *   2. the mode plumbs what the gateway hangs on             (mode->prepare)
 *   3. the gateway tap is created and attached               (network_port.c, dpif)
 *   4. the mode plumbs the gateway                           (mode->plumb)
 *   5. the network counts as running; nftables is rebuilt    (network_forward.c, fw)
 *   6. the DHCP service takes the network, then the datapath diverts its
 *      DHCP frames to it                                     (dhcp_service, dpif)
 *   7. its ports come back                                   (network_port.c)
 *
 * Stopping runs it backwards. The modules called here never call back: a
 * mode is told the gateway's name, fw is handed the list of networks,
 * the DHCP service is told what to serve. A network is in the list while
 * it starts, so the nftables rebuild sees it, and leaves the list if it
 * cannot start.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "dhcp_service.h"
#include "dpif.h"
#include "fileio.h"
#include "fw.h"
#include "log.h"
#include "loop.h"
#include "mode.h"
#include "network.h"
#include "network_int.h"
#include "param.h"

static struct network *networks;
static uint64_t net_uid_next;
static char state_dir[1024] = "/var/lib/vswitch";
static char run_dir[1024] = "/run/vswitch";
static char instance[17];

/* Read STATE_DIR/instance, or make one: 16 hex digits of randomness. */
static void instance_load(void)
{
	char path[1100], *text = NULL;
	uint8_t rnd[8];
	size_t size, i;
	bool ok;

	snprintf(path, sizeof(path), "%s/instance", state_dir);
	if (file_read_all(path, 64, &text, &size) == 0) {
		ok = size >= 16;
		for (i = 0; ok && i < 16; i++)
			ok = (text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f');
		if (ok) {
			memcpy(instance, text, 16);
			instance[16] = '\0';
			free(text);
			return;
		}
		log_warn("%s is damaged; taking a new instance id (interfaces marked with the old one are left alone)",
			 path);
		free(text);
	}
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		uint64_t t = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);

		memcpy(rnd, &t, sizeof(rnd));
	}
	for (i = 0; i < 8; i++)
		snprintf(instance + 2 * i, 3, "%02x", rnd[i]);
	if (mkdir_p(state_dir, 0755) == 0 &&
	    file_write_atomic(path, instance, 16, 0644) == 0)
		return;
	log_warn("cannot save %s; interfaces this run creates will not be recognised after a restart", path);
}

void net_set_dirs(const char *state, const char *run)
{
	snprintf(state_dir, sizeof(state_dir), "%s", state);
	snprintf(run_dir, sizeof(run_dir), "%s", run);
	instance_load();
}

const char *net_instance(void)
{
	if (!instance[0])
		instance_load();
	return instance;
}

const char *net_state_dir(void)
{
	return state_dir;
}

const char *net_run_dir(void)
{
	return run_dir;
}

struct network *net_find(const char *name)
{
	struct network *net;

	for (net = networks; net; net = net->next)
		if (!strcmp(net->name, name))
			return net;
	return NULL;
}

struct network *net_find_uid(uint64_t uid)
{
	struct network *net;

	for (net = networks; net; net = net->next)
		if (net->uid == uid)
			return net;
	return NULL;
}

struct network *net_first(void)
{
	return networks;
}

static void net_link(struct network *net)
{
	net->next = networks;
	networks = net;
}

static void net_unlink(struct network *net)
{
	struct network **pp;

	for (pp = &networks; *pp; pp = &(*pp)->next) {
		if (*pp == net) {
			*pp = net->next;
			return;
		}
	}
}

/* Steps 6: serve DHCP and divert its frames. Return: 0 or -errno with @err. */
static int net_dhcp_on(struct network *net, char *err, size_t err_size)
{
	int ret = dhcp_service_attach(net, err, err_size);

	if (!ret && dhcp_service_attached(net))
		dpif_set_dhcp_divert(net, true, dhcp_service_arp_ip(net));
	return ret;
}

static void net_dhcp_off(struct network *net, bool remove_leases)
{
	dpif_set_dhcp_divert(net, false, 0);
	dhcp_service_detach(net, remove_leases);
}

/* The host side of a stopped network goes: gateway, nftables, mode plumbing. */
static void net_host_down(struct network *net)
{
	char err[256];

	if (net->gateway)
		net_port_remove(net, net->gateway, false, true);
	net->gateway = NULL;
	net->active = false;
	if (net->mode->l3 && net_fw_sync(err, sizeof(err)))
		log_err("network %s: cannot remove its nftables rules: %s", net->name, err);
	if (net->mode->unprepare)
		net->mode->unprepare(net);
}

/* Steps 1 to 6 of the theory of operation. The network is in the list. */
static int net_bring_up(struct network *net, char *err, size_t err_size)
{
	const struct net_mode *mode = net->mode;
	char ifname[IFNAMSIZ];
	int ret;

	if (mode->check) {
		ret = mode->check(net, err, err_size);
		if (ret)
			return ret;
	}
	if (mode->prepare) {
		ret = mode->prepare(net, err, err_size);
		if (ret)
			return ret;
	}
	if (mode->gateway_role) {
		ret = net_gateway_add(net, err, err_size);
		if (ret)
			goto err_host;
		net_gateway_ifname(net->name, ifname);
		if (mode->plumb) {
			ret = mode->plumb(net, ifname, err, err_size);
			if (ret)
				goto err_host;
		}
	}
	net->active = true;
	if (mode->l3) {
		ret = net_fw_sync(err, err_size);
		if (ret)
			goto err_host;
	}
	ret = net_dhcp_on(net, err, err_size);
	if (ret)
		goto err_host;
	net->start_error[0] = '\0';
	return 0;

err_host:
	net_host_down(net);
	return ret;
}

static void net_free(struct network *net)
{
	net_forwards_forget(net, false);
	fdb_free(net->fdb);
	json_decref(net->params);
	json_decref(net->failed_ports);
	free(net);
}

/*
 * Remove every port but the gateway. With @keep their definitions stay for
 * net_start(); with @remove their interfaces go too (not when the daemon
 * stops: the next start takes them over).
 */
static void net_ports_down(struct network *net, bool keep, bool remove)
{
	unsigned int i;

	for (i = 0; i < NET_MAX_PORTS; i++) {
		struct port *port = net->ports[i];

		if (!port || port->role)
			continue;
		if (keep)
			json_array_append(net->failed_ports, port->params);
		net_port_remove(net, port, false, remove);
	}
}

/*
 * Define network @params and, with @start, start it; without, it is only
 * defined (stopped with net stop, or failing to start at load).
 */
static int net_define(json_t *params, bool persist, bool start, const char *source,
		      struct network **netp, char *err, size_t err_size)
{
	const char *name = json_string_value(json_object_get(params, "name"));
	const char *mode_name = json_string_value(json_object_get(params, "mode"));
	const struct net_mode *mode;
	struct network *net;
	int ret;

	if (!name_object_valid(name)) {
		snprintf(err, err_size, "invalid network name '%s' (" NAME_OBJECT_RULE ")", name ? name : "");
		return -EINVAL;
	}
	if (net_find(name)) {
		snprintf(err, err_size, "network '%s' already exists", name);
		return -EEXIST;
	}
	if (!mode_name)
		mode_name = "isolated";
	mode = mode_find(mode_name);
	if (!mode) {
		snprintf(err, err_size, "unknown mode '%s' (" MODE_NAMES ")", mode_name);
		return -EINVAL;
	}

	net = calloc(1, sizeof(*net));
	if (!net)
		return -ENOMEM;
	snprintf(net->name, sizeof(net->name), "%s", name);
	net->forward_log.fd = -1;
	net->uid = ++net_uid_next;
	net->mode = mode;
	net->aging = FDB_DEFAULT_AGING;
	net->mac_limit = FDB_DEFAULT_MAC_LIMIT;
	ret = param_u32(params, "aging", 1, 1000000, &net->aging, err, err_size);
	if (!ret)
		ret = param_u32(params, "mac_limit", 1, FDB_DEFAULT_CAPACITY, &net->mac_limit, err, err_size);
	if (!ret)
		ret = param_bool(params, "autostart", &net->autostart, err, err_size);
	if (!ret)
		ret = net_ip_parse(params, mode->dhcp_default, &net->ip, err, err_size);
	if (ret)
		goto err_free;
	for (struct network *other = networks; other; other = other->next) {
		if (net_ip_overlap(&net->ip, &other->ip)) {
			snprintf(err, err_size, "subnet %s overlaps network '%s' (%s)",
				 json_string_value(json_object_get(params, "subnet")), other->name,
				 json_string_value(json_object_get(other->params, "subnet")));
			ret = -EEXIST;
			goto err_free;
		}
	}
	net->params = json_deep_copy(params);
	net->fdb = fdb_new(FDB_DEFAULT_CAPACITY, net->aging, net->mac_limit);
	net->failed_ports = json_array();
	if (!net->params || !net->fdb || !net->failed_ports) {
		ret = -ENOMEM;
		goto err_free;
	}
	json_object_set_new(net->params, "mode", json_string(mode_name));
	net_forwards_restore(net, source);
	net_link(net);
	if (start) {
		ret = net_bring_up(net, err, err_size);
		if (ret)
			goto err_unlink;
	}
	if (persist) {
		ret = net_save(net);
		if (ret) {
			snprintf(err, err_size, "cannot save network definition under %s: %s",
				 state_dir, strerror(-ret));
			if (net->active) {
				net_dhcp_off(net, true);
				net_host_down(net);
			}
			goto err_unlink;
		}
	}
	if (start || persist)
		log_info("network %s: %s (mode %s)", net->name, start ? "created" : "defined, not started",
			 mode_name);
	else
		log_debug("network %s: loaded (mode %s)", net->name, mode_name);
	if (netp)
		*netp = net;
	return 0;

err_unlink:
	net_unlink(net);
err_free:
	net_free(net);
	return ret;
}

int net_create(json_t *params, bool persist, struct network **netp,
	       char *err, size_t err_size)
{
	return net_define(params, persist, true, "request", netp, err, err_size);
}

int net_destroy(struct network *net, bool force, char *err, size_t err_size)
{
	net_settle(net);
	/* The gateway is the network's own; it goes with it. */
	unsigned int user_ports = net->nports - (net->gateway ? 1 : 0);

	if (user_ports && !force) {
		snprintf(err, err_size, "network '%s' still has %u port%s (delete them or use --force)",
			 net->name, user_ports, user_ports == 1 ? "" : "s");
		return -EBUSY;
	}
	net_store_unlink(net);
	net_forwards_forget(net, true);
	net_ports_down(net, false, true);
	net_dhcp_off(net, true);
	if (net->active)
		net_host_down(net);
	net_unlink(net);
	log_info("network %s: destroyed", net->name);
	net_free(net);
	return 0;
}

/*
 * The daemon stops: let go of every network without changing what the host
 * sees. Interfaces (taps, gateways with their addresses, bridges), the
 * nftables table and the leases stay; the next start takes them over, so a
 * restart or an upgrade changes nothing a user can see. Only net stop, net
 * destroy and port del remove host objects.
 */
void net_shutdown(void)
{
	while (networks) {
		struct network *net = networks;

		net_ports_down(net, false, false);
		net_dhcp_off(net, false);
		if (net->gateway)
			net_port_remove(net, net->gateway, false, false);
		if (net->mode->release)
			net->mode->release(net);
		networks = net->next;
		net_free(net);
	}
}

int net_start(struct network *net, char *err, size_t err_size)
{
	net_settle(net);
	json_t *pending;
	int ret;

	if (net->active) {
		snprintf(err, err_size, "network '%s' is already running", net->name);
		return -EALREADY;
	}
	ret = net_bring_up(net, err, err_size);
	if (ret)
		return ret;
	/* Bring back the ports net_stop() kept, and retry any that failed before. */
	pending = net->failed_ports;
	net->failed_ports = json_array();
	net_ports_restore(net, pending, "network start");
	json_decref(pending);
	if (net_save(net))
		log_warn("network %s: started but the definition could not be saved", net->name);
	log_info("network %s: started", net->name);
	return 0;
}

int net_stop(struct network *net, char *err, size_t err_size)
{
	net_settle(net);
	if (!net->active) {
		snprintf(err, err_size, "network '%s' is not running", net->name);
		return -EALREADY;
	}
	net_ports_down(net, true, true);
	net_dhcp_off(net, false);	/* the leases stay for net_start() */
	net_host_down(net);
	if (net_save(net))
		log_warn("network %s: stopped but the definition could not be saved", net->name);
	log_info("network %s: stopped", net->name);
	return 0;
}

json_t *net_to_json(const struct network *net, bool with_ports)
{
	json_t *obj, *ports;
	unsigned int i;

	obj = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:b, s:i}",
			"name", net->name, "mode", net->mode->name,
			"state", net->pending_start ? "starting" : net->active ? "active" : "inactive",
			"ports", (json_int_t)net->nports, "mac_limit", (json_int_t)net->mac_limit,
			"aging", (json_int_t)net->aging, "autostart", net->autostart,
			"fdb_entries", (json_int_t)dpif_fdb_count(net));
	if (!obj)
		return NULL;
	if (net->ip.has_subnet) {
		char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], text[2 * INET_ADDRSTRLEN + 8];

		inet_ntop(AF_INET, &net->ip.subnet, a, sizeof(a));
		snprintf(text, sizeof(text), "%s/%u", a, net->ip.prefix_len);
		json_object_set_new(obj, "subnet", json_string(text));
		inet_ntop(AF_INET, &net->ip.gateway, a, sizeof(a));
		json_object_set_new(obj, "gateway", json_string(a));
		json_object_set_new(obj, "dhcp", json_boolean(net->ip.dhcp));
		if (net->ip.dhcp) {
			inet_ntop(AF_INET, &net->ip.dhcp_first, a, sizeof(a));
			inet_ntop(AF_INET, &net->ip.dhcp_last, b, sizeof(b));
			snprintf(text, sizeof(text), "%s-%s", a, b);
			json_object_set_new(obj, "dhcp_range", json_string(text));
			json_object_set_new(obj, "lease_time", json_integer(net->ip.lease_time));
		}
	}
	if (net->gateway) {
		char ifname[IFNAMSIZ];

		net_gateway_ifname(net->name, ifname);
		json_object_set_new(obj, "interface", json_string(ifname));
	}
	if (net->mode->l3)
		json_object_set_new(obj, "forwards", json_integer((json_int_t)net->nforwards));
	if (net->start_error[0])
		json_object_set_new(obj, "error", json_string(net->start_error));
	if (net->mode->describe)
		net->mode->describe(net, obj);
	if (with_ports) {
		ports = json_array();
		for (i = 0; i < NET_MAX_PORTS; i++)
			if (net->ports[i])
				json_array_append_new(ports, port_to_json(net->ports[i]));
		json_object_set_new(obj, "port_list", ports);
		json_object_set(obj, "failed_ports", net->failed_ports);
	}
	return obj;
}

/*
 * One saved definition: define it now; if it was running, it starts in the
 * background (net_load_tick()), its ports kept meanwhile as failed_ports.
 */
static void net_load_doc(const char *path, json_t *doc)
{
	json_t *netdef = json_object_get(doc, "network");
	json_t *ports = json_object_get(doc, "ports");
	json_t *active = json_object_get(doc, "active");
	struct network *net = NULL;
	char err[256] = "";
	json_t *pdef;
	size_t i;

	if (!json_is_object(netdef) || (ports && !json_is_array(ports))) {
		log_err("%s: not a network definition (needs \"network\" object and \"ports\" array); network not started",
			path);
		return;
	}
	if (net_define(netdef, false, false, path, &net, err, sizeof(err))) {
		log_err("%s: %s; network not started", path, err);
		return;
	}
	json_array_foreach(ports, i, pdef) {
		if (json_is_object(pdef))
			json_array_append(net->failed_ports, pdef);
		else
			log_err("%s: port entry %zu is not an object; skipped", path, i);
	}
	/* Everything that was running comes back; a network stopped with net stop stays stopped. */
	net->pending_start = !json_is_false(active) || net->autostart;
	if (net->resave && !net->pending_start) {
		net->resave = false;
		if (net_save(net))
			log_warn("%s: could not be rewritten without its inline forwards", path);
	}
}

/* Start one loaded network and its ports; a failure leaves it defined, with the reason shown. */
static void net_finish_start(struct network *net)
{
	char err[256] = "";
	json_t *pending;

	net->pending_start = false;
	if (net_bring_up(net, err, sizeof(err))) {
		log_err("network %s: %s; network defined but not started", net->name, err);
		snprintf(net->start_error, sizeof(net->start_error), "%.*s",
			 (int)sizeof(net->start_error) - 1, err);
	} else {
		pending = net->failed_ports;
		net->failed_ports = json_array();
		net_ports_restore(net, pending, net->name);
		json_decref(pending);
		log_info("network %s: started (mode %s)", net->name, net->mode->name);
	}
	if (net->resave) {
		net->resave = false;
		if (net_save(net))
			log_warn("network %s: could not be rewritten without its inline forwards", net->name);
	}
}

/* Background start-up: done when no network waits. */
static struct {
	int timer;
	uint64_t started_ns;
	unsigned int started;
} loading = { .timer = -1 };

static void net_load_done(void)
{
	char err[256];

	if (loading.timer >= 0)
		loop_timer_del(daemon_loop, loading.timer);
	loading.timer = -1;
	net_fw_hold(false);
	/* One rebuild for every network; it replaces what an earlier run left. */
	if (net_fw_sync(err, sizeof(err)))
		log_err("nftables: %s", err);
	net_reap_stale_taps();
	log_info("start-up: %u network%s running, %.0f ms after the control socket opened",
		 loading.started, loading.started == 1 ? "" : "s",
		 (double)(now_ns() - loading.started_ns) / 1e6);
}

/* Start networks for up to 20 ms, then let the control loop serve requests. */
static void net_load_tick(struct loop *l, int fd, uint32_t events, void *opaque)
{
	uint64_t deadline = now_ns() + 20000000ull;
	struct network *net;
	bool more = false;

	(void)l;
	(void)fd;
	(void)events;
	(void)opaque;
	for (net = networks; net; net = net->next) {
		if (!net->pending_start)
			continue;
		if (now_ns() > deadline) {
			more = true;
			break;
		}
		net_finish_start(net);
		loading.started += net->active;
	}
	if (!more)
		net_load_done();
}

int net_load_all(void)
{
	unsigned int defined = 0;

	net_fw_hold(true);
	net_store_load_all(net_load_doc);
	for (struct network *net = networks; net; net = net->next)
		defined++;
	loading.started_ns = now_ns();
	loading.started = 0;
	loading.timer = daemon_loop ? loop_timer_add(daemon_loop, 1, 1, net_load_tick, NULL) : -1;
	if (loading.timer < 0) {
		/* No loop to come back from (or no timer): start everything now. */
		net_load_tick(NULL, -1, 0, NULL);
	}
	return (int)defined;
}

void net_settle(struct network *net)
{
	if (net->pending_start)
		net_finish_start(net);
}

void net_reap_broken_ports(void)
{
	struct network *net;
	unsigned int i;

	for (net = networks; net; net = net->next) {
		for (i = 0; i < NET_MAX_PORTS; i++) {
			struct port *port = net->ports[i];

			if (port && port_is_broken(port) && port->cls->reset)
				port->cls->reset(port);
		}
	}
}

void net_warnings(const struct network *net, json_t *obj)
{
	json_t *warnings;

	if (!obj || !net->active || !net->mode->l3)
		return;
	warnings = json_array();
	if (fw_conflicts(warnings) > 0)
		json_object_set(obj, "warnings", warnings);
	json_decref(warnings);
}
