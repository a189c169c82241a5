// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_port.c - control handlers for ports and what the datapath knows:
 * port.add, port.del, port.list, stats, fdb.show. The listings read
 * counters and the FDB without pausing forwarding.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_handlers.h"
#include "cmd_util.h"
#include "ctl.h"
#include "dhcp_service.h"
#include "dpif.h"
#include "ether.h"
#include "network.h"

CMD_HANDLER(cmd_port_add)
{
	struct network *net;
	struct port *port;
	int ret = cmd_need_network(req->params, "net", &net, err, err_size);

	if (!ret)
		ret = net_port_add(net, req->params, true, &port, err, err_size);
	if (!ret)
		*result = port_to_json(port);
	return ret;
}

CMD_HANDLER(cmd_port_del)
{
	struct network *net;
	struct port *port;
	int ret = cmd_need_port(req->params, &net, &port, err, err_size);

	(void)result;
	return ret ? ret : net_port_del(net, port, err, err_size);
}

/* Ports of one network (or all of them), as port objects. */
static int list_ports(json_t *params, const char *port_name, json_t **list,
		      char *err, size_t err_size)
{
	struct network *net, *only;
	unsigned int i;
	bool found = false;
	int ret = cmd_optional_network(params, &only, err, err_size);

	if (ret)
		return ret;
	*list = json_array();
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
	if (port_name && !found) {
		json_decref(*list);
		snprintf(err, err_size, "port '%s' not found in network '%s'", port_name,
			 only ? only->name : "?");
		return -ENOENT;
	}
	return 0;
}

CMD_HANDLER(cmd_port_list)
{
	json_t *list;
	int ret = list_ports(req->params, NULL, &list, err, err_size);

	if (!ret)
		*result = json_pack("{s:o}", "ports", list);
	return ret;
}

CMD_HANDLER(cmd_stats)
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

CMD_HANDLER(cmd_fdb_show)
{
	struct fdb_entry *entries;
	struct network *net;
	unsigned int i, n;
	uint64_t now;
	json_t *list;
	int ret = cmd_need_network(req->params, "net", &net, err, err_size);

	if (ret)
		return ret;
	entries = calloc(FDB_DEFAULT_CAPACITY, sizeof(*entries));
	if (!entries)
		return -ENOMEM;
	n = dpif_fdb_snapshot(net, entries, FDB_DEFAULT_CAPACITY);
	now = dpif_now_sec();
	list = json_array();
	for (i = 0; i < n; i++) {
		struct port *port = entries[i].port < NET_MAX_PORTS ? net->ports[entries[i].port] : NULL;
		char mac[MAC_TEXT_SIZE];

		mac_format(entries[i].mac, mac);
		json_array_append_new(list, json_pack("{s:s, s:s, s:I}", "mac", mac,
						      "port", port ? port->name : "?",
						      "age", (json_int_t)(now > entries[i].seen ? now - entries[i].seen : 0)));
	}
	free(entries);
	*result = json_pack("{s:o}", "entries", list);
	return 0;
}
