// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * network_dhcp.c - the orchestrator's static DHCP hosts: the DHCP service
 * applies a change, and the network's definition records it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "dhcp_service.h"
#include "ether.h"
#include "log.h"
#include "network.h"
#include "network_int.h"

int net_dhcp_host_add(struct network *net, json_t *params, char *err, size_t err_size)
{
	json_t *hosts, *def = NULL;
	int ret = dhcp_service_host_add(net, params, &def, err, err_size);

	if (ret)
		return ret;
	hosts = json_object_get(net->params, "dhcp_hosts");
	if (!json_is_array(hosts)) {
		hosts = json_array();
		json_object_set_new(net->params, "dhcp_hosts", hosts);
	}
	json_array_append_new(hosts, def);
	if (net_save(net))
		log_warn("network %s: static host added but the definition could not be saved", net->name);
	return 0;
}

int net_dhcp_host_del(struct network *net, json_t *params, char *err, size_t err_size)
{
	const char *text = json_string_value(json_object_get(params, "mac"));
	uint8_t mac[6], m[6];
	json_t *hosts, *def;
	size_t i;
	int ret = dhcp_service_host_del(net, params, err, err_size);

	if (ret)
		return ret;
	if (mac_parse(text, mac))
		return 0;	/* the service accepted it, so it parses */
	hosts = json_object_get(net->params, "dhcp_hosts");
	json_array_foreach(hosts, i, def) {
		if (!mac_parse(json_string_value(json_object_get(def, "mac")), m) && !memcmp(m, mac, 6)) {
			json_array_remove(hosts, i);
			break;
		}
	}
	if (net_save(net))
		log_warn("network %s: static host removed but the definition could not be saved", net->name);
	return 0;
}
