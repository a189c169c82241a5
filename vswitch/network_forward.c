// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * network_forward.c - the orchestrator's port forwards and nftables table:
 * which networks the table serves, adding and removing one forward (one
 * map change, no rebuild), and restoring forwards with a network.
 *
 * A network's forwards live in net->forwards and persist in a journal of
 * their own, STATE_DIR/networks/NAME.forwards (lib/journal.c): adding one
 * appends "+ DEFINITION", deleting one appends "- HOST-SIDE", each synced
 * before the client hears of it, so a forward costs the same with 5,000
 * others present as with none, and kill -9 at any instant loses no
 * acknowledged forward. The journal is compacted atomically once dead
 * records outnumber live ones. The nftables side is one map element per
 * port (fw_forward_update()); the whole table is rebuilt only at start and
 * when a network starts or stops.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dhcp_service.h"
#include "ether.h"
#include "fileio.h"
#include "forward.h"
#include "fw.h"
#include "log.h"
#include "mode.h"
#include "network.h"
#include "network_int.h"
#include "nl.h"

static bool fw_held;

void net_fw_hold(bool hold)
{
	fw_held = hold;
}

/* Whether the nftables table has rules for @net: running, L3, with its gateway. */
static bool fw_serves(const struct network *net)
{
	return net->active && net->gateway && net->mode->l3;
}

int net_fw_sync(char *err, size_t err_size)
{
	const struct network **served;
	struct network *net;
	size_t n = 0;
	int ret;

	if (fw_held)
		return 0;
	for (net = net_first(); net; net = net->next)
		n++;
	served = calloc(n ? n : 1, sizeof(*served));
	if (!served) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	n = 0;
	for (net = net_first(); net; net = net->next)
		if (fw_serves(net))
			served[n++] = net;
	ret = fw_apply(served, n, err, err_size);
	if (ret)
		log_err("nftables: %s", err);
	free(served);
	return ret;
}

static int forwards_append(struct network *net, const struct forward *f)
{
	if (net->nforwards == net->forwards_size) {
		size_t size = net->forwards_size ? 2 * net->forwards_size : 16;
		struct forward *p = realloc(net->forwards, size * sizeof(*p));

		if (!p)
			return -ENOMEM;
		net->forwards = p;
		net->forwards_size = size;
	}
	net->forwards[net->nforwards++] = *f;
	return 0;
}

static void forwards_remove_at(struct network *net, size_t i)
{
	memmove(&net->forwards[i], &net->forwards[i + 1],
		(net->nforwards - i - 1) * sizeof(*net->forwards));
	net->nforwards--;
}

void net_forwards_free(struct network *net)
{
	free(net->forwards);
	net->forwards = NULL;
	net->nforwards = 0;
	net->forwards_size = 0;
}

static void forward_log_path(const struct network *net, char *path, size_t size)
{
	snprintf(path, size, "%s/networks/%s.forwards", net_state_dir(), net->name);
}

/* Open the network's journal if it is not open yet (its directory made). Return: 0 or -errno. */
static int forward_log_ready(struct network *net)
{
	char path[4096], dir[4096];
	int ret;

	if (net->forward_log.fd >= 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s/networks", net_state_dir());
	ret = mkdir_p(dir, 0755);
	if (ret)
		return ret;
	forward_log_path(net, path, sizeof(path));
	return journal_open(&net->forward_log, path, NULL, NULL, NULL);
}

struct compact_iter {
	const struct network *net;
	size_t next;
};

static int compact_next(void *opaque, char *buf, size_t size)
{
	struct compact_iter *it = opaque;
	json_t *def;
	char *text;
	int len;

	if (it->next >= it->net->nforwards)
		return 0;
	def = forward_definition(&it->net->forwards[it->next++]);
	text = def ? json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(def);
	if (!text)
		return -ENOMEM;
	len = snprintf(buf, size, "+ %s", text);
	free(text);
	return len > 0 && (size_t)len < size ? len : -EINVAL;
}

/* Dead records outnumber live ones (and there are enough to matter): rewrite the live set. */
static void forward_log_maybe_compact(struct network *net)
{
	struct compact_iter it = { .net = net };
	int ret;

	if (net->forward_log.records < 64 || net->forward_log.records <= 2 * net->nforwards)
		return;
	ret = journal_compact(&net->forward_log, compact_next, &it);
	if (ret)
		log_warn("network %s: cannot compact %s: %s", net->name, net->forward_log.path,
			 strerror(-ret));
}

/* Append "+ DEF" or "- KEY" for @f. Return: 0 or negative errno (logged). */
static int forward_log_write(struct network *net, const struct forward *f, bool add)
{
	char line[JOURNAL_LINE_MAX], host[64];
	json_t *def;
	char *text;
	int ret;

	ret = forward_log_ready(net);
	if (ret)
		goto out;
	if (add) {
		def = forward_definition(f);
	} else {
		forward_host_text(f, host, sizeof(host));
		def = json_pack("{s:s, s:s}", "proto", f->proto == IPPROTO_TCP ? "tcp" : "udp", "host", host);
	}
	text = def ? json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(def);
	if (!text) {
		ret = -ENOMEM;
		goto out;
	}
	snprintf(line, sizeof(line), "%c %s", add ? '+' : '-', text);
	free(text);
	ret = journal_append(&net->forward_log, line);
out:
	if (ret)
		log_err("network %s: cannot record the forward in %s: %s", net->name,
			net->forward_log.path[0] ? net->forward_log.path : "its journal", strerror(-ret));
	return ret;
}

/* Check @f against @net's addressing and every forward of every network. */
static int check_forward(const struct network *net, const struct forward *f,
			 char *err, size_t err_size)
{
	char host[64], other[96];
	const struct network *n;
	size_t i;
	int ret;

	ret = forward_check_target(f, net->name, net->ip.subnet, net->ip.prefix_len,
				   net->ip.gateway, err, err_size);
	if (ret)
		return ret;
	for (n = net_first(); n; n = n->next) {
		for (i = 0; i < n->nforwards; i++) {
			const struct forward *o = &n->forwards[i];

			if (!forward_overlap(f, o))
				continue;
			forward_host_text(o, host, sizeof(host));
			forward_target_text(o, other, sizeof(other));
			snprintf(err, err_size, "%s port %s is already forwarded to %s (network '%s')",
				 f->proto == IPPROTO_TCP ? "tcp" : "udp", host, other, n->name);
			return -EEXIST;
		}
	}
	return 0;
}

/* The address of port @name of @net, through its MAC and the gateway's neighbour table. */
static int resolve_port(struct network *net, const char *name, struct in_addr *addr,
			char *err, size_t err_size)
{
	struct port *port = net_port_by_name(net, name);
	char ifname[IFNAMSIZ];
	struct nl_sock *nl;
	uint8_t mac[6];
	int ifindex, ret;

	if (!port || port->role)
		return -ENOENT;
	if (port_mac(port, mac)) {
		snprintf(err, err_size, "port '%s' has no known MAC address; give the guest's IP address", name);
		return -EINVAL;
	}
	net_gateway_ifname(net->name, ifname);
	nl = nl_open();
	ifindex = nl ? nl_link_index(nl, ifname) : -errno;
	ret = ifindex < 0 ? ifindex : nl_neigh_find_ip(nl, ifindex, mac, addr);
	nl_close(nl);
	if (ret) {
		char mac_text[MAC_TEXT_SIZE];

		mac_format(mac, mac_text);
		snprintf(err, err_size,
			 "cannot tell the address of port '%s' (%s): the gateway has not seen it use one yet; give its IP address",
			 name, mac_text);
		return -EINVAL;
	}
	return 0;
}

/* A target given by name: a port of the network, else a guest the DHCP service knows. */
static int resolve_target(struct network *net, struct forward *f, char *err, size_t err_size)
{
	int ret = resolve_port(net, f->target, &f->target_addr, err, err_size);

	if (ret == -ENOENT)
		ret = dhcp_service_resolve(net, f->target, &f->target_addr);
	if (ret == -ENOENT)
		snprintf(err, err_size,
			 "unknown target '%s': not an IP address, a port of network '%s' or a known guest",
			 f->target, net->name);
	return ret;
}

int net_forward_add(struct network *net, json_t *params, json_t *warnings, json_t **added,
		    char *err, size_t err_size)
{
	const char *proto = json_string_value(json_object_get(params, "proto"));
	const char *host = json_string_value(json_object_get(params, "host"));
	const char *target = json_string_value(json_object_get(params, "target"));
	char h[64], t[96];
	struct forward f;
	unsigned int busy;
	int ret;

	if (!net->mode->l3) {
		snprintf(err, err_size, "network '%s' is %s: port forwards need a nat or routed network",
			 net->name, net->mode->name);
		return -EINVAL;
	}
	ret = forward_parse(proto, host, target, &f, err, err_size);
	if (!ret && f.target_addr.s_addr == INADDR_ANY)
		ret = resolve_target(net, &f, err, err_size);
	if (!ret)
		ret = check_forward(net, &f, err, err_size);
	if (ret)
		return ret;
	if (warnings && forward_host_listener(f.proto, f.port, f.port_last, &busy)) {
		char text[256];

		snprintf(text, sizeof(text),
			 "a host process listens on %s port %u: forwarded connections reach the guest, not that process",
			 f.proto == IPPROTO_TCP ? "tcp" : "udp", busy);
		json_array_append_new(warnings, json_string(text));
	}
	if (forwards_append(net, &f))
		return -ENOMEM;
	if (fw_serves(net) && !fw_held) {
		ret = fw_forward_update(net, &f, true, err, err_size);
		if (ret) {
			net->nforwards--;
			return ret;
		}
	}
	/* Durable before the client hears of it; if it cannot be, it did not happen. */
	ret = forward_log_write(net, &f, true);
	if (ret) {
		char ignored[256];

		if (fw_serves(net) && !fw_held)
			fw_forward_update(net, &f, false, ignored, sizeof(ignored));
		net->nforwards--;
		snprintf(err, err_size, "cannot record the forward under %s: %s", net_state_dir(),
			 strerror(-ret));
		return ret;
	}
	forward_log_maybe_compact(net);
	forward_host_text(&f, h, sizeof(h));
	forward_target_text(&f, t, sizeof(t));
	log_info("network %s: forward %s %s -> %s", net->name, proto, h, t);
	if (added)
		*added = forward_to_json(net->name, &f);
	return 0;
}

int net_forward_del(struct network *net, json_t *params, char *err, size_t err_size)
{
	const char *proto = json_string_value(json_object_get(params, "proto"));
	const char *host = json_string_value(json_object_get(params, "host"));
	struct forward key;
	size_t i;
	int ret;

	/* Only the host side matters; parse it with a placeholder target. */
	ret = forward_parse(proto, host, "0.0.0.1", &key, err, err_size);
	if (ret)
		return ret;
	for (i = 0; i < net->nforwards; i++)
		if (forward_matches_key(&net->forwards[i], &key))
			break;
	if (i == net->nforwards) {
		snprintf(err, err_size, "network '%s' has no %s forward of port %s", net->name, proto, host);
		return -ENOENT;
	}
	if (fw_serves(net) && !fw_held) {
		ret = fw_forward_update(net, &net->forwards[i], false, err, err_size);
		if (ret)
			return ret;
	}
	ret = forward_log_write(net, &net->forwards[i], false);
	if (ret) {
		char ignored[256];

		if (fw_serves(net) && !fw_held)
			fw_forward_update(net, &net->forwards[i], true, ignored, sizeof(ignored));
		snprintf(err, err_size, "cannot record the removal under %s: %s", net_state_dir(),
			 strerror(-ret));
		return ret;
	}
	log_info("network %s: forward %s %s removed", net->name, proto, host);
	forwards_remove_at(net, i);
	forward_log_maybe_compact(net);
	return 0;
}

struct restore_ctx {
	struct network *net;
	const char *source;
};

/* Take one forward definition; a bad or conflicting one is logged and left out. */
static int restore_one(struct network *net, json_t *def, const char *source, unsigned int n)
{
	char err[256] = "";
	struct forward f;
	int ret = forward_from_definition(def, &f, err, sizeof(err));

	if (!ret && !net->mode->l3) {
		snprintf(err, sizeof(err), "a %s network cannot have port forwards", net->mode->name);
		ret = -EINVAL;
	}
	if (!ret)
		ret = check_forward(net, &f, err, sizeof(err));
	if (!ret)
		ret = forwards_append(net, &f);
	if (ret)
		log_err("%s: network %s: forward %u dropped: %s", source, net->name, n, err);
	return ret;
}

/* One journal line: "+ DEF" adds, "- KEY" removes. */
static int restore_line(const char *line, size_t len, void *opaque)
{
	struct restore_ctx *ctx = opaque;
	struct network *net = ctx->net;
	char err[256];
	json_error_t jerr;
	struct forward key;
	json_t *def;
	size_t i;
	int ret = -EINVAL;

	if (len < 3 || (line[0] != '+' && line[0] != '-') || line[1] != ' ')
		goto bad;
	def = json_loadb(line + 2, len - 2, JSON_REJECT_DUPLICATES, &jerr);
	if (!def)
		goto bad;
	if (line[0] == '+') {
		ret = restore_one(net, def, ctx->source, (unsigned int)net->forward_log.records);
		json_decref(def);
		return ret == -ENOMEM ? ret : 0;	/* a conflict is logged, not a corrupt line */
	}
	ret = forward_parse(json_string_value(json_object_get(def, "proto")),
			    json_string_value(json_object_get(def, "host")), "0.0.0.1", &key,
			    err, sizeof(err));
	json_decref(def);
	if (ret)
		goto bad;
	for (i = 0; i < net->nforwards; i++) {
		if (forward_matches_key(&net->forwards[i], &key)) {
			forwards_remove_at(net, i);
			break;
		}
	}
	return 0;
bad:
	log_warn("%s: network %s: unreadable forward record skipped: %.80s", ctx->source, net->name, line);
	return -EINVAL;
}

void net_forwards_restore(struct network *net, const char *source)
{
	json_t *legacy = json_object_get(net->params, "forwards");
	struct restore_ctx ctx = { .net = net, .source = source };
	struct journal_report rep;
	char path[4096];
	struct stat st;
	size_t i;
	int ret;

	net->forward_log.fd = -1;
	forward_log_path(net, path, sizeof(path));
	if (stat(path, &st) == 0) {
		ret = journal_open(&net->forward_log, path, restore_line, &ctx, &rep);
		if (ret)
			log_err("%s: cannot read %s: %s; its forwards are not restored", source, path,
				strerror(-ret));
		else if (rep.bad || rep.torn_tail)
			log_warn("%s: %u unreadable record%s skipped%s", path, rep.bad, rep.bad == 1 ? "" : "s",
				 rep.torn_tail ? ", a partial last line dropped" : "");
	}
	if (!legacy)
		return;
	/* Definitions from before the journal carried their forwards inline: move them over. */
	if (json_is_array(legacy)) {
		for (i = 0; i < json_array_size(legacy); i++)
			if (!restore_one(net, json_array_get(legacy, i), source, (unsigned int)i))
				forward_log_write(net, &net->forwards[net->nforwards - 1], true);
	} else {
		log_err("%s: network %s: \"forwards\" is not an array; ignored", source, net->name);
	}
	json_object_del(net->params, "forwards");
	net->resave = true;
}

void net_forwards_forget(struct network *net, bool remove_journal)
{
	if (remove_journal) {
		char path[4096];

		forward_log_path(net, path, sizeof(path));
		if (net->forward_log.fd < 0)
			snprintf(net->forward_log.path, sizeof(net->forward_log.path), "%s", path);
		journal_remove(&net->forward_log);
	} else {
		journal_close(&net->forward_log);
	}
	net_forwards_free(net);
}
