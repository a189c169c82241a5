// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * commands.c - the control commands vswitchd serves: one handler per method,
 * listed in one table (docs/control-protocol.md describes them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "commands.h"
#include "datapath.h"
#include "ether.h"
#include "forward.h"
#include "fw.h"
#include "net_modes.h"
#include "dhcp_service.h"
#include "loop.h"
#include "network.h"

/* A required string parameter, or -EINVAL with a message naming it. */
static int need_string(json_t *params, const char *key, const char **value,
		       char *err, size_t err_size)
{
	json_t *v = json_object_get(params, key);

	if (!json_is_string(v)) {
		snprintf(err, err_size, "missing or non-string parameter '%s'", key);
		return -EINVAL;
	}
	*value = json_string_value(v);
	return 0;
}

static int need_network(json_t *params, const char *key, struct network **netp,
			char *err, size_t err_size)
{
	const char *name;
	int ret = need_string(params, key, &name, err, err_size);

	if (ret)
		return ret;
	*netp = net_find(name);
	if (!*netp) {
		snprintf(err, err_size, "network '%s' not found", name);
		return -ENOENT;
	}
	return 0;
}

static int need_port(json_t *params, struct network **netp, struct port **portp,
		     char *err, size_t err_size)
{
	const char *name;
	int ret = need_network(params, "net", netp, err, err_size);

	if (!ret)
		ret = need_string(params, "name", &name, err, err_size);
	if (ret)
		return ret;
	*portp = net_port_find(*netp, name);
	if (!*portp) {
		snprintf(err, err_size, "port '%s' not found in network '%s'", name, (*netp)->name);
		return -ENOENT;
	}
	return 0;
}

/*
 * Warnings for the user about @net's host side: another nftables table that
 * would drop what this network forwards (Docker's FORWARD policy).
 */
static void add_fw_warnings(const struct network *net, json_t *obj)
{
	json_t *warnings;

	if (!obj || !net->active || !net_is_l3(net))
		return;
	warnings = json_array();
	if (fw_conflicts(warnings) > 0)
		json_object_set(obj, "warnings", warnings);
	json_decref(warnings);
}

static int cmd_net_create(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct network *net;
	const char *name;
	int ret = need_string(req->params, "name", &name, err, err_size);

	if (!ret)
		ret = net_create(req->params, true, &net, err, err_size);
	if (!ret) {
		*result = net_to_json(net, false);
		add_fw_warnings(net, *result);
	}
	return ret;
}

static int cmd_net_start(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct network *net;
	int ret = need_network(req->params, "name", &net, err, err_size);

	if (!ret)
		ret = net_start(net, err, err_size);
	if (!ret) {
		*result = net_to_json(net, false);
		add_fw_warnings(net, *result);
	}
	return ret;
}

static int cmd_net_stop(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct network *net;
	int ret = need_network(req->params, "name", &net, err, err_size);

	if (!ret)
		ret = net_stop(net, err, err_size);
	if (!ret)
		*result = net_to_json(net, false);
	return ret;
}

static int cmd_net_destroy(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	json_t *force = json_object_get(req->params, "force");
	struct network *net;
	int ret = need_network(req->params, "name", &net, err, err_size);

	(void)result;
	if (ret)
		return ret;
	return net_destroy(net, force && json_is_true(force), err, err_size);
}

static int cmd_net_list(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	json_t *list = json_array();
	struct network *net;

	(void)req;
	(void)err;
	(void)err_size;
	for (net = net_first(); net; net = net->next)
		json_array_append_new(list, net_to_json(net, false));
	*result = json_pack("{s:o}", "networks", list);
	return 0;
}

static int cmd_net_info(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct network *net;
	json_t *obj;
	int ret = need_network(req->params, "name", &net, err, err_size);

	if (ret)
		return ret;
	obj = net_to_json(net, true);
	/* "ports" is the count in listings; in net.info it is the list. */
	json_object_set(obj, "port_count", json_object_get(obj, "ports"));
	json_object_set(obj, "ports", json_object_get(obj, "port_list"));
	json_object_del(obj, "port_list");
	add_fw_warnings(net, obj);
	if (dhcp_service_attached(net)) {
		json_object_set_new(obj, "dhcp_stats", dhcp_service_stats(net));
		json_object_set(obj, "dhcp_hosts", json_object_get(net->params, "dhcp_hosts") ?: json_array());
	}
	*result = obj;
	return 0;
}

static int cmd_port_add(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct network *net;
	struct port *port;
	int ret = need_network(req->params, "net", &net, err, err_size);

	if (ret)
		return ret;
	ret = net_port_add(net, req->params, true, &port, err, err_size);
	if (ret)
		return ret;
	dp_pause();
	*result = port_to_json(port);
	dp_resume();
	return 0;
}

static int cmd_port_del(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct network *net;
	struct port *port;
	int ret = need_port(req->params, &net, &port, err, err_size);

	(void)result;
	if (ret)
		return ret;
	if (port->role) {
		snprintf(err, err_size, "port '%s' is the %s of network '%s'; it goes away with the network",
			 port->name, port->role, net->name);
		return -EPERM;
	}
	net_port_del(net, port, true);
	return 0;
}

static int cmd_forward_add(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	json_t *warnings, *added = NULL;
	struct network *net;
	int ret = need_network(req->params, "net", &net, err, err_size);

	if (ret)
		return ret;
	warnings = json_array();
	ret = forward_add(net, req->params, true, warnings, &added, err, err_size);
	if (!ret) {
		if (json_array_size(warnings))
			json_object_set(added, "warnings", warnings);
		*result = added;
	}
	json_decref(warnings);
	return ret;
}

static int cmd_forward_del(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct network *net;
	int ret = need_network(req->params, "net", &net, err, err_size);

	(void)result;
	return ret ? ret : forward_del(net, req->params, err, err_size);
}

static int cmd_forward_list(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct network *net, *only = NULL;
	json_t *list;
	size_t i;

	if (json_object_get(req->params, "net")) {
		int ret = need_network(req->params, "net", &only, err, err_size);

		if (ret)
			return ret;
	}
	list = json_array();
	for (net = net_first(); net; net = net->next) {
		if (only && net != only)
			continue;
		for (i = 0; i < net->nforwards; i++)
			json_array_append_new(list, forward_to_json(net, &net->forwards[i]));
	}
	*result = json_pack("{s:o}", "forwards", list);
	return 0;
}

/* Ports of one network (or all of them), as port objects. */
static int list_ports(json_t *params, const char *port_name, json_t **list,
		      char *err, size_t err_size)
{
	struct network *net, *only = NULL;
	unsigned int i;
	bool found = false;

	if (json_object_get(params, "net")) {
		int ret = need_network(params, "net", &only, err, err_size);

		if (ret)
			return ret;
	}
	*list = json_array();
	dp_pause();
	for (net = net_first(); net; net = net->next) {
		if (only && net != only)
			continue;
		for (i = 0; i < NET_MAX_PORTS; i++) {
			struct port *port = net->ports[i];

			if (!port || (port_name && strcmp(port->name, port_name)))
				continue;
			json_array_append_new(*list, port_to_json(port));
			found = true;
		}
	}
	dp_resume();
	if (port_name && !found) {
		json_decref(*list);
		snprintf(err, err_size, "port '%s' not found in network '%s'", port_name,
			 only ? only->name : "?");
		return -ENOENT;
	}
	return 0;
}

static int cmd_port_list(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	json_t *list;
	int ret = list_ports(req->params, NULL, &list, err, err_size);

	if (!ret)
		*result = json_pack("{s:o}", "ports", list);
	return ret;
}

static int cmd_stats(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	const char *port_name = json_string_value(json_object_get(req->params, "port"));
	json_t *list;
	int ret;

	if (port_name && !json_object_get(req->params, "net")) {
		snprintf(err, err_size, "'port' needs 'net'");
		return -EINVAL;
	}
	ret = list_ports(req->params, port_name, &list, err, err_size);
	if (!ret) {
		const char *only = json_string_value(json_object_get(req->params, "net"));
		json_t *dhcp = json_object();

		/* DHCP counters per network that has a server, keyed by network name. */
		for (struct network *net = net_first(); net && !port_name; net = net->next) {
			json_t *s = (!only || !strcmp(only, net->name)) ? dhcp_service_stats(net) : NULL;

			if (s)
				json_object_set_new(dhcp, net->name, s);
		}
		*result = json_pack("{s:o, s:o}", "ports", list, "dhcp", dhcp);
	}
	return ret;
}

static int cmd_dhcp_leases(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct network *net;
	int ret = need_network(req->params, "net", &net, err, err_size);
	json_t *off = json_object_get(req->params, "offset"), *lim = json_object_get(req->params, "limit");

	if ((off && (!json_is_integer(off) || json_integer_value(off) < 0 || json_integer_value(off) > UINT32_MAX)) ||
	    (lim && (!json_is_integer(lim) || json_integer_value(lim) < 0 || json_integer_value(lim) > UINT32_MAX))) {
		snprintf(err, err_size, "'offset' and 'limit' must be non-negative integers");
		return -EINVAL;
	}
	if (ret)
		return ret;
	*result = dhcp_service_leases(net, (uint32_t)json_integer_value(off), (uint32_t)json_integer_value(lim),
				      err, err_size);
	return *result ? 0 : -EINVAL;
}

static int cmd_dhcp_host_add(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct network *net;
	int ret = need_network(req->params, "net", &net, err, err_size);

	(void)result;
	return ret ? ret : dhcp_service_host_add(net, req->params, err, err_size);
}

static int cmd_dhcp_host_del(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct network *net;
	int ret = need_network(req->params, "net", &net, err, err_size);

	(void)result;
	return ret ? ret : dhcp_service_host_del(net, req->params, err, err_size);
}

static int cmd_fdb_show(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct fdb_entry *entries;
	struct network *net;
	unsigned int i, n;
	uint64_t now = now_ns() / 1000000000ull;
	json_t *list;
	int ret = need_network(req->params, "net", &net, err, err_size);

	if (ret)
		return ret;
	entries = calloc(FDB_DEFAULT_CAPACITY, sizeof(*entries));
	if (!entries)
		return -ENOMEM;
	list = json_array();
	dp_pause();
	n = fdb_dump(net->fdb, entries, FDB_DEFAULT_CAPACITY, now);
	for (i = 0; i < n; i++) {
		const uint8_t *m = entries[i].mac;
		struct port *port = entries[i].port < NET_MAX_PORTS ? net->ports[entries[i].port] : NULL;
		char mac[MAC_TEXT_SIZE];

		mac_format(m, mac);
		json_array_append_new(list, json_pack("{s:s, s:s, s:I}", "mac", mac,
						      "port", port ? port->name : "?",
						      "age", (json_int_t)(now - entries[i].seen)));
	}
	dp_resume();
	free(entries);
	*result = json_pack("{s:o}", "entries", list);
	return 0;
}

const struct ctl_command vswitchd_commands[] = {
	{ "net.create", "name mode [subnet gateway dhcp dhcp_range bridge uplink mac_limit aging autostart]",
	  true, cmd_net_create, NULL },
	{ "net.start", "name", true, cmd_net_start, NULL },
	{ "net.stop", "name", true, cmd_net_stop, NULL },
	{ "net.destroy", "name [force]", true, cmd_net_destroy, NULL },
	{ "net.list", "", false, cmd_net_list, NULL },
	{ "net.info", "name", false, cmd_net_info, NULL },
	{ "port.add", "net name type [socket client mac | ifname netns]", true, cmd_port_add, NULL },
	{ "port.del", "net name", true, cmd_port_del, NULL },
	{ "port.list", "[net]", false, cmd_port_list, NULL },
	{ "fdb.show", "net", false, cmd_fdb_show, NULL },
	{ "forward.add", "net proto host target", true, cmd_forward_add, NULL },
	{ "forward.del", "net proto host", true, cmd_forward_del, NULL },
	{ "forward.list", "[net]", false, cmd_forward_list, NULL },
	{ "stats", "[net [port]]", false, cmd_stats, NULL },
	{ "dhcp.leases", "net [offset limit]", false, cmd_dhcp_leases, NULL },
	{ "dhcp.host.add", "net mac ip [hostname]", true, cmd_dhcp_host_add, NULL },
	{ "dhcp.host.del", "net mac", true, cmd_dhcp_host_del, NULL },
	{ "capture.start", "net [port direction snaplen count buffer_size filter] + output fd", true,
	  cmd_capture_start, NULL },
	{ "capture.stop", "capture", true, cmd_capture_stop, NULL },
	{ "capture.list", "", false, cmd_capture_list, NULL },
	{ NULL, NULL, false, NULL, NULL },
};
