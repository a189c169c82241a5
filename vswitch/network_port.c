// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * network_port.c - the orchestrator's ports: adding and removing a
 * network's ports (and its internal gateway port), and keeping the
 * definitions of ports that cannot be recreated so no restart loses them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpif.h"
#include "ether.h"
#include "log.h"
#include "mode.h"
#include "network.h"
#include "network_int.h"

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

/* Build a port of class @cls from @params (the port keeps them on success) and attach it. */
static int net_port_create(struct network *net, const struct port_class *cls, const char *name,
			   json_t *params, struct port **portp, char *err, size_t err_size)
{
	struct port_spec spec = { .net = net, .net_name = net->name, .name = name, .params = params };
	char alias[128];
	struct port *port;
	int ret;

	net_port_alias(net->name, name, alias, sizeof(alias));
	spec.alias = alias;

	if (net->nports >= NET_MAX_PORTS) {
		snprintf(err, err_size, "network '%s' has the maximum of %d ports", net->name, NET_MAX_PORTS);
		return -ENOSPC;
	}
	ret = cls->create(&spec, &port, err, err_size);
	if (ret)
		return ret;
	ret = dpif_port_attach(net, port, err, err_size);
	if (ret) {
		port->params = NULL;
		port->cls->destroy(port, true);
		return ret;
	}
	*portp = port;
	return 0;
}

int net_gateway_add(struct network *net, char *err, size_t err_size)
{
	const char *role = net->mode->gateway_role;
	char ifname[IFNAMSIZ], mac_text[MAC_TEXT_SIZE];
	struct port *port;
	uint8_t mac[6];
	json_t *params;
	int ret;

	net_gateway_ifname(net->name, ifname);
	net_gateway_mac(net->name, mac);
	mac_format(mac, mac_text);
	params = json_pack("{s:s, s:s, s:s, s:s}", "name", role, "type", "tap", "ifname", ifname,
			   "mac", mac_text);
	if (!params)
		return -ENOMEM;
	ret = net_port_create(net, &tap_port_class, role, params, &port, err, err_size);
	if (ret) {
		json_decref(params);
		return ret;
	}
	port->role = role;
	net->gateway = port;
	return 0;
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

	if (!name_object_valid(name)) {
		snprintf(err, err_size, "invalid port name '%s' (" NAME_OBJECT_RULE ")", name ? name : "");
		return -EINVAL;
	}
	if (net_port_by_name(net, name)) {
		snprintf(err, err_size, "port '%s' already exists in network '%s'", name, net->name);
		return -EEXIST;
	}
	cls = type ? port_class_find(type) : NULL;
	if (!cls) {
		snprintf(err, err_size, "unknown port type '%s' (vhost-user or tap)", type ? type : "");
		return -EINVAL;
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
	if (cls == &vhost_port_class && !json_object_get(saved, "socket")) {
		char path[1200];

		/* vswitchd listens in its run directory unless told otherwise. */
		snprintf(path, sizeof(path), "%s/%s-%s.sock", net_run_dir(), net->name, name);
		json_object_set_new(saved, "socket", json_string(path));
	}
	ret = net_port_create(net, cls, name, saved, &port, err, err_size);
	if (ret) {
		json_decref(saved);
		return ret;
	}
	net_forget_failed(net, name);
	if (persist && net_save(net))
		log_warn("port %s/%s: added but its definition could not be saved", net->name, name);
	log_info("port %s/%s: added (%s)", net->name, name, cls->type);
	if (portp)
		*portp = port;
	return 0;
}

void net_port_remove(struct network *net, struct port *port, bool persist, bool remove)
{
	if (remove)
		log_info("port %s/%s: removed", net->name, port->name);
	if (port == net->gateway)
		net->gateway = NULL;
	dpif_port_detach(net, port);
	/* The definition goes before the interface: a crash in between leaves a tap the next start reaps. */
	if (persist)
		net_save(net);
	json_decref(port->params);
	port->params = NULL;
	port->cls->destroy(port, remove);
}

int net_port_del(struct network *net, struct port *port, char *err, size_t err_size)
{
	if (port->role) {
		snprintf(err, err_size, "port '%s' is the %s of network '%s'; it goes away with the network",
			 port->name, port->role, net->name);
		return -EPERM;
	}
	net_port_remove(net, port, true, true);
	return 0;
}

void net_ports_restore(struct network *net, json_t *defs, const char *source)
{
	json_t *pdef;
	size_t i;

	json_array_foreach(defs, i, pdef) {
		char err[256] = "";

		if (!json_is_object(pdef)) {
			log_err("%s: port entry %zu is not an object; skipped", source, i);
			continue;
		}
		if (net_port_add(net, pdef, false, NULL, err, sizeof(err))) {
			log_err("%s: network %s: port %zu: %s; its definition is kept, re-add it to replace it",
				source, net->name, i, err);
			json_array_append(net->failed_ports, pdef);
		}
	}
}

void net_port_alias(const char *net_name, const char *port_name, char *buf, size_t size)
{
	snprintf(buf, size, "vswitch:%s:%s/%s", net_instance(), net_name, port_name);
}

/* Whether the tap marked @alias belongs to a port that is still defined and running. */
static bool alias_wanted(const char *alias, void *opaque)
{
	char prefix[64], net_name[NET_NAME_MAX], port_name[PORT_NAME_MAX];
	const struct network *net;
	const char *rest, *slash;

	(void)opaque;
	snprintf(prefix, sizeof(prefix), "vswitch:%s:", net_instance());
	if (strncmp(alias, prefix, strlen(prefix)))
		return true;	/* not ours to judge */
	rest = alias + strlen(prefix);
	slash = strchr(rest, '/');
	if (!slash || slash - rest >= NET_NAME_MAX || strlen(slash + 1) >= PORT_NAME_MAX)
		return false;
	snprintf(net_name, sizeof(net_name), "%.*s", (int)(slash - rest), rest);
	snprintf(port_name, sizeof(port_name), "%s", slash + 1);
	net = net_find(net_name);
	return net && net->active && net_port_by_name(net, port_name);
}

unsigned int net_reap_stale_taps(void)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "vswitch:%s:", net_instance());
	return tap_port_reap(prefix, alias_wanted, NULL);
}
