// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * network_forward.c - the orchestrator's port forwards and nftables table:
 * which networks the table serves, adding and removing one forward (one
 * map change, no rebuild), and restoring forwards with a network.
 *
 * A network's forwards live in net->forwards and, as definitions, in its
 * parameters ("forwards", a parallel array), so they are saved with it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_service.h"
#include "ether.h"
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

/* The network's saved forwards array, created on first use. */
static json_t *saved_forwards(struct network *net)
{
	json_t *saved = json_object_get(net->params, "forwards");

	if (!json_is_array(saved)) {
		saved = json_array();
		json_object_set_new(net->params, "forwards", saved);
	}
	return saved;
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
	json_t *def;
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
	def = forward_definition(&f);
	if (!def || forwards_append(net, &f)) {
		json_decref(def);
		return -ENOMEM;
	}
	if (fw_serves(net) && !fw_held) {
		ret = fw_forward_update(net, &f, true, err, err_size);
		if (ret) {
			net->nforwards--;
			json_decref(def);
			return ret;
		}
	}
	json_array_append_new(saved_forwards(net), def);
	if (net_save(net))
		log_warn("network %s: forward added but the definition could not be saved", net->name);
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
	log_info("network %s: forward %s %s removed", net->name, proto, host);
	forwards_remove_at(net, i);
	json_array_remove(saved_forwards(net), i);
	if (net_save(net))
		log_warn("network %s: forward removed but the definition could not be saved", net->name);
	return 0;
}

void net_forwards_restore(struct network *net, const char *source)
{
	json_t *saved = json_object_get(net->params, "forwards");
	char err[256];
	size_t i = 0;

	if (!saved)
		return;
	if (!json_is_array(saved)) {
		log_err("%s: network %s: \"forwards\" is not an array; ignored", source, net->name);
		json_object_del(net->params, "forwards");
		return;
	}
	while (i < json_array_size(saved)) {
		struct forward f;
		int ret;

		err[0] = '\0';
		ret = forward_from_definition(json_array_get(saved, i), &f, err, sizeof(err));
		if (!ret && !net->mode->l3) {
			snprintf(err, sizeof(err), "a %s network cannot have port forwards", net->mode->name);
			ret = -EINVAL;
		}
		if (!ret)
			ret = check_forward(net, &f, err, sizeof(err));
		if (!ret)
			ret = forwards_append(net, &f);
		if (ret) {
			log_err("%s: network %s: forward %zu dropped: %s", source, net->name, i, err);
			json_array_remove(saved, i);
			continue;
		}
		i++;
	}
}
