// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * network.c - networks and their ports: create, destroy, persist, restore.
 *
 * A network's definition (its creation parameters and those of each port)
 * is kept as JSON in STATE_DIR/networks/NAME.json, rewritten atomically on
 * every change, so after a crash or restart vswitchd brings back exactly
 * what was configured, as Open vSwitch does from its database.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datapath.h"
#include "dhcp_service.h"
#include "forward.h"
#include "fw.h"
#include "log.h"
#include "net_modes.h"
#include "network.h"

static struct network *networks;
static uint64_t net_uid_next;
static char state_dir[1024] = "/var/lib/vswitch";
static char run_dir[1024] = "/run/vswitch";

static int isolated_start(struct network *net, char *err, size_t err_size)
{
	(void)net;
	(void)err;
	(void)err_size;
	return 0;
}

static const struct net_mode net_mode_isolated = {
	.name = "isolated", .start = isolated_start,
};

static const struct net_mode *const net_modes[] = {
	&net_mode_isolated, &net_mode_nat, &net_mode_routed, &net_mode_bridged,
};

void net_set_state_dir(const char *dir)
{
	snprintf(state_dir, sizeof(state_dir), "%s", dir);
}

void net_set_run_dir(const char *dir)
{
	snprintf(run_dir, sizeof(run_dir), "%s", dir);
}

const char *net_run_dir(void)
{
	return run_dir;
}

bool net_valid_name(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len >= NET_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

static int parse_ip4(const char *text, struct in_addr *addr)
{
	return inet_pton(AF_INET, text, addr) == 1 ? 0 : -EINVAL;
}

static bool ip_in_subnet(const struct net_ip *ip, struct in_addr a)
{
	return (a.s_addr & ip->netmask.s_addr) == ip->subnet.s_addr;
}

/* A usable host address: inside the subnet, not its network or broadcast address. */
static bool ip_is_host(const struct net_ip *ip, struct in_addr a)
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
		if (parse_ip4(gateway, &ip->gateway) || !ip_is_host(ip, ip->gateway)) {
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
		    parse_ip4(dash + 1, &ip->dhcp_last) || !ip_is_host(ip, ip->dhcp_first) ||
		    !ip_is_host(ip, ip->dhcp_last) ||
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
static bool net_ip_overlap(const struct net_ip *a, const struct net_ip *b)
{
	uint32_t mask = ntohl(a->netmask.s_addr) < ntohl(b->netmask.s_addr) ? a->netmask.s_addr
									    : b->netmask.s_addr;

	return a->has_subnet && b->has_subnet &&
	       (a->subnet.s_addr & mask) == (b->subnet.s_addr & mask);
}

struct network *net_find(const char *name)
{
	struct network *net;

	for (net = networks; net; net = net->next)
		if (!strcmp(net->name, name))
			return net;
	return NULL;
}

struct network *net_first(void)
{
	return networks;
}

static const struct net_mode *net_mode_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(net_modes) / sizeof(net_modes[0]); i++)
		if (!strcmp(net_modes[i]->name, name))
			return net_modes[i];
	return NULL;
}

/* Read an optional positive integer parameter. Return: 0, or -EINVAL with @err set. */
static int param_uint(json_t *params, const char *key, uint32_t min, uint32_t max,
		      uint32_t *value, char *err, size_t err_size)
{
	json_t *v = json_object_get(params, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		snprintf(err, err_size, "'%s' must be an integer from %u to %u", key, min, max);
		return -EINVAL;
	}
	*value = (uint32_t)json_integer_value(v);
	return 0;
}

static void net_rebuild_flood(struct network *net)
{
	unsigned int i;

	net->nflood = 0;
	for (i = 0; i < NET_MAX_PORTS; i++)
		if (net->ports[i])
			net->flood[net->nflood++] = net->ports[i];
}

static void net_path(const struct network *net, char *path, size_t size)
{
	snprintf(path, size, "%s/networks/%s.json", state_dir, net->name);
}

/* Write @data to @path atomically: temporary file, fsync, rename, fsync dir. */
static int write_file_atomic(const char *path, const char *data)
{
	char tmp[PATH_MAX + 8], dir[PATH_MAX];
	size_t len = strlen(data), off = 0;
	char *slash;
	int fd, dfd, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	close(fd);
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	return 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int net_save(const struct network *net)
{
	char path[PATH_MAX], dir[PATH_MAX];
	json_t *doc, *ports;
	unsigned int i;
	char *text;
	int ret;

	snprintf(dir, sizeof(dir), "%s/networks", state_dir);
	ret = mkdir_p(dir, 0755);
	if (ret)
		return ret;
	ports = json_array();
	for (i = 0; i < NET_MAX_PORTS; i++)
		if (net->ports[i] && !net->ports[i]->role)
			json_array_append(ports, net->ports[i]->params);
	json_array_extend(ports, net->failed_ports);
	/* "active": false only after net stop; a missing key (older files) means running. */
	doc = json_pack("{s:i, s:O, s:o, s:b}", "version", 1, "network", net->params, "ports", ports,
			"active", net->active);
	if (!doc)
		return -ENOMEM;
	text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(doc);
	if (!text)
		return -ENOMEM;
	net_path(net, path, sizeof(path));
	ret = write_file_atomic(path, text);
	free(text);
	if (ret)
		log_err("network %s: cannot save %s: %s", net->name, path, strerror(-ret));
	return ret;
}

static void net_unlink(const struct network *net)
{
	char path[PATH_MAX];

	net_path(net, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("network %s: cannot remove %s: %s", net->name, path, strerror(errno));
}

/*
 * Create network @params and, with @start, start it; without, it is only
 * defined (stopped with net stop, or failing to start at load).
 */
static int net_define(json_t *params, bool persist, bool start, const char *source,
		      struct network **netp, char *err, size_t err_size)
{
	const char *name = json_string_value(json_object_get(params, "name"));
	const char *mode_name = json_string_value(json_object_get(params, "mode"));
	const struct net_mode *mode;
	struct network *net;
	json_t *v;
	int ret;

	if (!name || !net_valid_name(name)) {
		snprintf(err, err_size, "invalid network name '%s' (1-15 characters: letters, digits, '_', '.', '-')",
			 name ? name : "");
		return -EINVAL;
	}
	if (net_find(name)) {
		snprintf(err, err_size, "network '%s' already exists", name);
		return -EEXIST;
	}
	if (!mode_name)
		mode_name = "isolated";
	mode = net_mode_find(mode_name);
	if (!mode) {
		snprintf(err, err_size, "unknown mode '%s' (nat, routed, isolated or bridged)", mode_name);
		return -EINVAL;
	}

	net = calloc(1, sizeof(*net));
	if (!net)
		return -ENOMEM;
	snprintf(net->name, sizeof(net->name), "%s", name);
	net->uid = ++net_uid_next;
	net->mode = mode;
	net->aging = FDB_DEFAULT_AGING;
	net->mac_limit = FDB_DEFAULT_MAC_LIMIT;
	ret = param_uint(params, "aging", 1, 1000000, &net->aging, err, err_size);
	if (!ret)
		ret = param_uint(params, "mac_limit", 1, FDB_DEFAULT_CAPACITY, &net->mac_limit, err, err_size);
	if (ret)
		goto err_free;
	ret = net_ip_parse(params, strcmp(mode_name, "bridged") != 0, &net->ip, err, err_size);
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
	v = json_object_get(params, "autostart");
	net->autostart = v && json_is_true(v);
	net->params = json_deep_copy(params);
	json_object_set_new(net->params, "mode", json_string(mode_name));
	net->fdb = fdb_new(FDB_DEFAULT_CAPACITY, net->aging, net->mac_limit);
	net->failed_ports = json_array();
	if (!net->params || !net->fdb || !net->failed_ports) {
		ret = -ENOMEM;
		goto err_free;
	}
	forward_restore(net, source);
	if (start) {
		ret = mode->start(net, err, err_size);
		if (ret)
			goto err_free;
		net->active = true;
	}
	ret = net->active ? dhcp_service_attach(net, err, err_size) : 0;
	if (ret) {
		if (net->active && mode->stop)
			mode->stop(net);
		goto err_free;
	}
	if (persist) {
		ret = net_save(net);
		if (ret) {
			snprintf(err, err_size, "cannot save network definition under %s: %s",
				 state_dir, strerror(-ret));
			dhcp_service_detach(net, true);
			if (net->active && mode->stop)
				mode->stop(net);
			goto err_free;
		}
	}
	net->next = networks;
	networks = net;
	log_info("network %s: %s (mode %s)", net->name, start ? "created" : "defined, not started",
		 mode_name);
	if (netp)
		*netp = net;
	return 0;

err_free:
	forward_free_all(net);
	fdb_free(net->fdb);
	json_decref(net->params);
	json_decref(net->failed_ports);
	free(net);
	return ret;
}

int net_create(json_t *params, bool persist, struct network **netp,
	       char *err, size_t err_size)
{
	return net_define(params, persist, true, "request", netp, err, err_size);
}

struct port *net_port_find(struct network *net, const char *name)
{
	unsigned int i;

	for (i = 0; i < NET_MAX_PORTS; i++)
		if (net->ports[i] && !strcmp(net->ports[i]->name, name))
			return net->ports[i];
	return NULL;
}

/* Forget a failed definition named @name: a new port of that name replaces it. */
static void net_forget_failed(struct network *net, const char *name)
{
	json_t *def;
	size_t i;

	json_array_foreach(net->failed_ports, i, def) {
		const char *n = json_string_value(json_object_get(def, "name"));

		if (n && !strcmp(n, name)) {
			json_array_remove(net->failed_ports, i);
			return;
		}
	}
}

void net_port_attach(struct network *net, struct port *port)
{
	unsigned int id;

	for (id = 0; id < NET_MAX_PORTS && net->ports[id]; id++)
		;
	port->id = (uint16_t)id;
	dp_pause();
	net->ports[id] = port;
	net->nports++;
	net_rebuild_flood(net);
	dp_port_attach(port);
	dp_resume();
}

int net_port_add(struct network *net, json_t *params, bool persist,
		 struct port **portp, char *err, size_t err_size)
{
	const char *name = json_string_value(json_object_get(params, "name"));
	const char *type = json_string_value(json_object_get(params, "type"));
	const struct port_class *cls;
	struct port *port;
	json_t *saved;
	int ret;

	if (!name || !net_valid_name(name)) {
		snprintf(err, err_size, "invalid port name '%s' (1-15 characters: letters, digits, '_', '.', '-')",
			 name ? name : "");
		return -EINVAL;
	}
	if (net_port_find(net, name)) {
		snprintf(err, err_size, "port '%s' already exists in network '%s'", name, net->name);
		return -EEXIST;
	}
	cls = type ? port_class_find(type) : NULL;
	if (!cls) {
		snprintf(err, err_size, "unknown port type '%s' (vhost-user or tap)", type ? type : "");
		return -EINVAL;
	}
	if (net->nports == NET_MAX_PORTS) {
		snprintf(err, err_size, "network '%s' has the maximum of %d ports", net->name, NET_MAX_PORTS);
		return -ENOSPC;
	}
	if (!net->active) {
		snprintf(err, err_size, "network '%s' is stopped (net start %s first)", net->name, net->name);
		return -ENETDOWN;
	}
	if (cls == &tap_port_class) {
		const char *ifname = json_string_value(json_object_get(params, "ifname"));

		if (!strncmp(ifname ? ifname : name, NET_GATEWAY_PREFIX, strlen(NET_GATEWAY_PREFIX))) {
			snprintf(err, err_size, "interface names starting with '%s' belong to network gateways",
				 NET_GATEWAY_PREFIX);
			return -EINVAL;
		}
	}
	saved = json_deep_copy(params);
	if (!saved)
		return -ENOMEM;
	json_object_del(saved, "net");
	ret = cls->create(net, name, saved, &port, err, err_size);
	if (ret) {
		json_decref(saved);
		return ret;
	}
	net_forget_failed(net, name);
	net_port_attach(net, port);

	if (persist && net_save(net))
		log_warn("port %s/%s: added but its definition could not be saved", net->name, name);
	log_info("port %s/%s: added (%s)", net->name, name, cls->type);
	if (portp)
		*portp = port;
	return 0;
}

void net_port_del(struct network *net, struct port *port, bool persist)
{
	log_info("port %s/%s: removed", net->name, port->name);
	if (port == net->gateway)
		net->gateway = NULL;
	dp_pause();
	dp_port_detach(port);
	net->ports[port->id] = NULL;
	net->nports--;
	net_rebuild_flood(net);
	fdb_flush_port(net->fdb, port->id);
	dp_resume();
	json_decref(port->params);
	port->params = NULL;
	port->cls->destroy(port);
	if (persist)
		net_save(net);
}

static void net_free(struct network *net)
{
	unsigned int i;

	for (i = 0; i < NET_MAX_PORTS; i++)
		if (net->ports[i])
			net_port_del(net, net->ports[i], false);
	/* Stopping keeps the leases; net_destroy() removed them already. */
	dhcp_service_detach(net, false);
	if (net->active && net->mode->stop)
		net->mode->stop(net);
	forward_free_all(net);
	fdb_free(net->fdb);
	json_decref(net->params);
	json_decref(net->failed_ports);
	free(net);
}

static void net_unlink_list(struct network *net)
{
	struct network **pp;

	for (pp = &networks; *pp; pp = &(*pp)->next) {
		if (*pp == net) {
			*pp = net->next;
			return;
		}
	}
}

int net_destroy(struct network *net, bool force, char *err, size_t err_size)
{
	/* The gateway is the network's own; it goes with it. */
	unsigned int user_ports = net->nports - (net->gateway ? 1 : 0);

	if (user_ports && !force) {
		snprintf(err, err_size, "network '%s' still has %u port%s (delete them or use --force)",
			 net->name, user_ports, user_ports == 1 ? "" : "s");
		return -EBUSY;
	}
	net_unlink_list(net);
	net_unlink(net);
	dhcp_service_detach(net, true);
	log_info("network %s: destroyed", net->name);
	net_free(net);
	return 0;
}

void net_shutdown(void)
{
	/* One table removal at the end instead of a rebuild per network. */
	fw_hold(true);
	while (networks) {
		struct network *net = networks;

		networks = net->next;
		net_free(net);
	}
	fw_hold(false);
	fw_remove();
}

int net_start(struct network *net, char *err, size_t err_size)
{
	json_t *pending, *pdef;
	size_t i;
	int ret;

	if (net->active) {
		snprintf(err, err_size, "network '%s' is already running", net->name);
		return -EALREADY;
	}
	ret = net->mode->start(net, err, err_size);
	if (ret)
		return ret;
	ret = dhcp_service_attach(net, err, err_size);
	if (ret) {
		if (net->mode->stop)
			net->mode->stop(net);
		return ret;
	}
	net->active = true;
	net->start_error[0] = '\0';
	/* Bring back the ports net_stop() kept, and retry any that failed before. */
	pending = net->failed_ports;
	net->failed_ports = json_array();
	json_array_foreach(pending, i, pdef) {
		char perr[256] = "";

		if (net_port_add(net, pdef, false, NULL, perr, sizeof(perr))) {
			log_err("network %s: port %zu: %s; its definition is kept", net->name, i, perr);
			json_array_append(net->failed_ports, pdef);
		}
	}
	json_decref(pending);
	if (net_save(net))
		log_warn("network %s: started but the definition could not be saved", net->name);
	log_info("network %s: started", net->name);
	return 0;
}

int net_stop(struct network *net, char *err, size_t err_size)
{
	unsigned int i;

	if (!net->active) {
		snprintf(err, err_size, "network '%s' is not running", net->name);
		return -EALREADY;
	}
	/* Ports go, their definitions stay for net_start(). */
	for (i = 0; i < NET_MAX_PORTS; i++) {
		struct port *port = net->ports[i];

		if (!port || port->role)
			continue;
		json_array_append(net->failed_ports, port->params);
		net_port_del(net, port, false);
	}
	dhcp_service_detach(net, false);	/* the leases stay for net_start() */
	if (net->mode->stop)
		net->mode->stop(net);
	net->active = false;
	if (net_save(net))
		log_warn("network %s: stopped but the definition could not be saved", net->name);
	log_info("network %s: stopped", net->name);
	return 0;
}

json_t *net_to_json(const struct network *net, bool with_ports)
{
	json_t *obj, *ports;
	unsigned int i;

	dp_pause();
	obj = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:b, s:i}",
			"name", net->name, "mode", net->mode->name,
			"state", net->active ? "active" : "inactive",
			"ports", (json_int_t)net->nports, "mac_limit", (json_int_t)net->mac_limit,
			"aging", (json_int_t)net->aging, "autostart", net->autostart,
			"fdb_entries", (json_int_t)fdb_count(net->fdb));
	if (obj && net->ip.has_subnet) {
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
	if (obj && net->gateway) {
		char ifname[IFNAMSIZ];

		net_gateway_ifname(net->name, ifname);
		json_object_set_new(obj, "interface", json_string(ifname));
	}
	if (obj && net_is_l3(net))
		json_object_set_new(obj, "forwards", json_integer((json_int_t)net->nforwards));
	if (obj && net->start_error[0])
		json_object_set_new(obj, "error", json_string(net->start_error));
	if (obj)
		net_bridge_describe(net, obj);
	if (obj && with_ports) {
		ports = json_array();
		for (i = 0; i < NET_MAX_PORTS; i++)
			if (net->ports[i])
				json_array_append_new(ports, port_to_json(net->ports[i]));
		json_object_set_new(obj, "port_list", ports);
		json_object_set(obj, "failed_ports", net->failed_ports);
	}
	dp_resume();
	return obj;
}

static int net_load_file(const char *path)
{
	char err[256] = "";
	json_error_t jerr;
	json_t *doc, *netdef, *ports, *pdef, *active, *autostart;
	struct network *net = NULL;
	bool start;
	size_t i;
	int ret;

	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		log_err("%s: line %d: %s; network not started", path, jerr.line, jerr.text);
		return -EINVAL;
	}
	netdef = json_object_get(doc, "network");
	ports = json_object_get(doc, "ports");
	if (!json_is_object(netdef) || (ports && !json_is_array(ports))) {
		log_err("%s: not a network definition (needs \"network\" object and \"ports\" array); network not started",
			path);
		json_decref(doc);
		return -EINVAL;
	}
	/* Everything that was running comes back; a network stopped with net stop stays stopped. */
	active = json_object_get(doc, "active");
	autostart = json_object_get(netdef, "autostart");
	start = !json_is_false(active) || json_is_true(autostart);
	ret = net_define(netdef, false, start, path, &net, err, sizeof(err));
	if (ret && start && ret != -EINVAL && ret != -ENOMEM) {
		/* Defined but not running is better than gone: `net list` shows why. */
		char again[256] = "";

		log_err("%s: %s; network defined but not started", path, err);
		if (net_define(netdef, false, false, path, &net, again, sizeof(again)) == 0)
			snprintf(net->start_error, sizeof(net->start_error), "%.*s", (int)sizeof(net->start_error) - 1, err);
		else
			net = NULL;
		start = false;
	} else if (ret) {
		log_err("%s: %s; network not started", path, err);
	}
	if (!net || ret == -EINVAL || ret == -ENOMEM) {
		json_decref(doc);
		return ret ? ret : -EINVAL;
	}
	json_array_foreach(ports, i, pdef) {
		if (!json_is_object(pdef)) {
			log_err("%s: port entry %zu is not an object; skipped", path, i);
			continue;
		}
		if (!net->active) {
			json_array_append(net->failed_ports, pdef);
			continue;
		}
		err[0] = '\0';
		ret = net_port_add(net, pdef, false, NULL, err, sizeof(err));
		if (ret) {
			log_err("%s: port %zu: %s; its definition is kept, re-add it to replace it",
				path, i, err);
			json_array_append(net->failed_ports, pdef);
		}
	}
	json_decref(doc);
	return 0;
}

int net_load_all(void)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct dirent *de;
	int started = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/networks", state_dir);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (net_load_file(path) == 0)
			started++;
	}
	closedir(d);
	/* Replaces what a crashed run left in nftables even when no network needs rules now. */
	{
		char err[256];

		if (fw_apply(NULL, NULL, err, sizeof(err)))
			log_err("nftables: %s", err);
	}
	return started;
}

void net_reap_broken_ports(void)
{
	struct network *net;
	unsigned int i;

	for (net = networks; net; net = net->next) {
		for (i = 0; i < NET_MAX_PORTS; i++) {
			struct port *port = net->ports[i];

			if (port && port->broken && port->cls->reset)
				port->cls->reset(port);
		}
	}
}
