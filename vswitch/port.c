// SPDX-License-Identifier: GPL-2.0-or-later
/* port.c - what every port type shares: the class registry, common fields, JSON view. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "port.h"

static const struct port_class *const port_classes[] = {
	&vhost_port_class,
	&tap_port_class,
};

static uint64_t port_uid_next;

static const char *const drop_names[DROP__COUNT] = {
	[DROP_NONE] = "none",
	[DROP_NO_BUFFERS] = "no_buffers",
	[DROP_MAC_LIMIT] = "mac_limit",
	[DROP_MALFORMED] = "malformed",
	[DROP_TOO_BIG] = "too_big",
	[DROP_OFFLOAD] = "offload",
	[DROP_TX_ERROR] = "tx_error",
	[DROP_GUEST_ERROR] = "guest_error",
};

const char *drop_reason_name(enum drop_reason reason)
{
	return (unsigned int)reason < DROP__COUNT ? drop_names[reason] : "unknown";
}

const struct port_class *port_class_find(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(port_classes) / sizeof(port_classes[0]); i++)
		if (!strcmp(port_classes[i]->type, type))
			return port_classes[i];
	return NULL;
}

void port_init(struct port *port, const struct port_class *cls, const struct port_spec *spec)
{
	snprintf(port->name, sizeof(port->name), "%s", spec->name);
	snprintf(port->net_name, sizeof(port->net_name), "%s", spec->net_name);
	port->cls = cls;
	port->net = spec->net;
	port->params = spec->params;
	port->rx_fd = -1;
	port->registered_fd = -1;
	port->uid = ++port_uid_next;
}

int port_mac(const struct port *port, uint8_t mac[6])
{
	if (port->has_mac) {
		memcpy(mac, port->mac, 6);
		return 0;
	}
	return port->cls->get_mac ? port->cls->get_mac(port, mac) : -ENOENT;
}

const char *port_state_name(const struct port *port)
{
	if (port_is_broken(port))
		return "broken";
	return port->up ? "up" : "waiting";
}

json_t *port_to_json(const struct port *port)
{
	json_t *obj, *stats, *drops;
	unsigned int i;

	drops = json_object();
	for (i = DROP_NONE + 1; i < DROP__COUNT; i++)
		json_object_set_new(drops, drop_reason_name(i),
				    json_integer((json_int_t)counter_read(&port->stats.drops[i])));
	stats = json_pack("{s:I, s:I, s:I, s:I, s:o}",
			  "rx_packets", (json_int_t)counter_read(&port->stats.rx_packets),
			  "rx_bytes", (json_int_t)counter_read(&port->stats.rx_bytes),
			  "tx_packets", (json_int_t)counter_read(&port->stats.tx_packets),
			  "tx_bytes", (json_int_t)counter_read(&port->stats.tx_bytes),
			  "drops", drops);
	obj = json_pack("{s:s, s:s, s:s, s:s, s:o}",
			"name", port->name, "net", port->net_name,
			"type", port->role ? port->role : port->cls->type,
			"state", port_state_name(port), "stats", stats);
	if (!obj)
		return NULL;
	if (port->error[0] && !port->up)
		json_object_set_new(obj, "error", json_string(port->error));
	if (port->cls->describe)
		port->cls->describe(port, obj);
	return obj;
}
