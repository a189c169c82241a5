/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.c - parse a lab topology (YAML, libyaml) into a validated struct lab.
 *
 * Theory of operation: libyaml loads the whole document into a node tree
 * whose every node keeps its position, so each check below can name the line
 * of the value it refuses. The walk is strict: every mapping is checked
 * against the keys its section allows, every scalar against the form the
 * matching `netctl net create` or `vmm run` option accepts. References
 * (a NIC's network, a link's node:nic ends) are resolved after the walk,
 * once every name is known; a link becomes a two-port isolated network.
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "fileio.h"
#include "names.h"
#include "parse.h"
#include "value.h"

struct parse {
	yaml_document_t doc;
	const char *file;
	struct lab *lab;
	char *err;
	size_t err_size;
};

static int lab_fail(struct parse *p, const yaml_node_t *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One line "FILE:LINE: message"; always returns -EINVAL. */
static int lab_fail(struct parse *p, const yaml_node_t *node, const char *fmt, ...)
{
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (node)
		snprintf(p->err, p->err_size, "%s:%zu: %s", p->file,
			 node->start_mark.line + 1, message);
	else
		snprintf(p->err, p->err_size, "%s: %s", p->file, message);
	return -EINVAL;
}

static int line_of(const yaml_node_t *node)
{
	return (int)node->start_mark.line + 1;
}

static yaml_node_t *node_at(struct parse *p, int index)
{
	return yaml_document_get_node(&p->doc, index);
}

static const char *scalar(const yaml_node_t *node)
{
	return node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

/* A scalar copied into @buf of @size bytes; @what names it in messages. */
static int get_text(struct parse *p, const yaml_node_t *node, const char *what,
		    char *buf, size_t size)
{
	const char *text = scalar(node);

	if (!text)
		return lab_fail(p, node, "%s must be a single value, not a list or mapping", what);
	if (strlen(text) >= size)
		return lab_fail(p, node, "%s is too long (at most %zu characters)", what, size - 1);
	memcpy(buf, text, strlen(text) + 1);
	return 0;
}

static int get_bool(struct parse *p, const yaml_node_t *node, const char *what, bool *value)
{
	const char *text = scalar(node);

	if (text && (!strcmp(text, "true") || !strcmp(text, "yes") || !strcmp(text, "on"))) {
		*value = true;
		return 0;
	}
	if (text && (!strcmp(text, "false") || !strcmp(text, "no") || !strcmp(text, "off"))) {
		*value = false;
		return 0;
	}
	return lab_fail(p, node, "%s must be true or false", what);
}

/* Names become parts of VM, network and file names: [A-Za-z0-9_-], alphanumeric first. */
static bool lab_name_valid(const char *name)
{
	size_t length = strlen(name);

	if (length < 1 || length > LAB_NAME_MAX || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!(isascii(c) && isalnum(c)) && c != '_' && c != '-')
			return false;
	}
	return true;
}

static int get_name(struct parse *p, const yaml_node_t *node, const char *what,
		    char buf[LAB_NAME_MAX + 1])
{
	int ret = get_text(p, node, what, buf, LAB_NAME_MAX + 1);

	if (ret < 0)
		return ret;
	if (!lab_name_valid(buf))
		return lab_fail(p, node, "invalid %s '%s': expected 1-%d of A-Z a-z 0-9 _ -, starting with a letter or digit",
			    what, buf, LAB_NAME_MAX);
	return 0;
}

static int expect_mapping(struct parse *p, const yaml_node_t *node, const char *what)
{
	if (node->type != YAML_MAPPING_NODE)
		return lab_fail(p, node, "%s must be a mapping (key: value)", what);
	return 0;
}

static int expect_sequence(struct parse *p, const yaml_node_t *node, const char *what)
{
	if (node->type != YAML_SEQUENCE_NODE)
		return lab_fail(p, node, "%s must be a list", what);
	return 0;
}

/* The key of a mapping pair, as text; non-scalar keys are refused. */
static int pair_key(struct parse *p, const yaml_node_pair_t *pair, const char **key,
		    yaml_node_t **key_node, yaml_node_t **value)
{
	*key_node = node_at(p, pair->key);
	*value = node_at(p, pair->value);
	*key = scalar(*key_node);
	if (!*key)
		return lab_fail(p, *key_node, "keys must be plain names");
	return 0;
}

static int unknown_key(struct parse *p, const yaml_node_t *key_node, const char *key,
		       const char *where, const char *allowed)
{
	return lab_fail(p, key_node, "unknown key '%s' in %s (expected %s)", key, where, allowed);
}

static bool cidr_valid_v4(const char *text)
{
	return value_cidr_valid(text) && !strchr(text, ':');
}

/* ------------------------------------------------------------------ networks */

#define NETWORK_KEYS "mode, subnet, gateway, dhcp-range, dhcp, bridge, uplink, forwards"

static int parse_forward(struct parse *p, yaml_node_t *node, struct lab_network *net)
{
	struct lab_forward *fw;
	yaml_node_pair_t *pair;
	bool has_proto = false, has_host = false, has_target = false;
	int ret;

	if (net->forward_count >= LAB_MAX_FORWARDS)
		return lab_fail(p, node, "network '%s' has more than %d forwards", net->name, LAB_MAX_FORWARDS);
	fw = &net->forwards[net->forward_count];
	memset(fw, 0, sizeof(*fw));
	fw->line = line_of(node);
	ret = expect_mapping(p, node, "a forward");
	if (ret < 0)
		return ret;
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key_node, *value;
		const char *key;

		ret = pair_key(p, pair, &key, &key_node, &value);
		if (ret < 0)
			return ret;
		if (!strcmp(key, "proto")) {
			ret = get_text(p, value, "proto", fw->proto, sizeof(fw->proto));
			if (!ret && strcmp(fw->proto, "tcp") && strcmp(fw->proto, "udp"))
				ret = lab_fail(p, value, "invalid proto '%s': expected tcp or udp", fw->proto);
			has_proto = true;
		} else if (!strcmp(key, "host")) {
			ret = get_text(p, value, "host", fw->host, sizeof(fw->host));
			if (!ret && !value_host_port_valid(fw->host))
				ret = lab_fail(p, value, "invalid host port '%s': expected [ADDR:]PORT[-PORT]", fw->host);
			has_host = true;
		} else if (!strcmp(key, "target")) {
			ret = get_text(p, value, "target", fw->target, sizeof(fw->target));
			if (!ret && !value_target_valid(fw->target))
				ret = lab_fail(p, value, "invalid target '%s': expected NODE[:PORT] or IP[:PORT]", fw->target);
			has_target = true;
		} else {
			ret = unknown_key(p, key_node, key, "a forward", "proto, host, target");
		}
		if (ret < 0)
			return ret;
	}
	if (!has_proto || !has_host || !has_target)
		return lab_fail(p, node, "a forward needs proto, host and target");
	net->forward_count++;
	return 0;
}

static int parse_network(struct parse *p, yaml_node_t *name_node, yaml_node_t *node)
{
	struct lab *lab = p->lab;
	struct lab_network *net;
	yaml_node_pair_t *pair;
	int ret;

	if (lab->network_count >= LAB_MAX_NETWORKS)
		return lab_fail(p, name_node, "more than %d networks", LAB_MAX_NETWORKS);
	net = &lab->networks[lab->network_count];
	memset(net, 0, sizeof(*net));
	net->dhcp = -1;
	net->link = -1;
	net->line = line_of(name_node);
	ret = get_name(p, name_node, "network name", net->name);
	if (ret < 0)
		return ret;
	if (lab_find_network(lab, net->name) >= 0)
		return lab_fail(p, name_node, "duplicate network '%s'", net->name);
	ret = expect_mapping(p, node, "a network");
	if (ret < 0)
		return ret;
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key_node, *value;
		const char *key;
		bool flag;

		ret = pair_key(p, pair, &key, &key_node, &value);
		if (ret < 0)
			return ret;
		if (!strcmp(key, "mode")) {
			ret = get_text(p, value, "mode", net->mode, sizeof(net->mode));
			if (!ret && strcmp(net->mode, "isolated") && strcmp(net->mode, "nat") &&
			    strcmp(net->mode, "routed") && strcmp(net->mode, "bridged"))
				ret = lab_fail(p, value, "invalid mode '%s': expected isolated, nat, routed or bridged", net->mode);
		} else if (!strcmp(key, "subnet")) {
			ret = get_text(p, value, "subnet", net->subnet, sizeof(net->subnet));
			if (!ret && !value_cidr_valid(net->subnet))
				ret = lab_fail(p, value, "invalid subnet '%s': expected ADDRESS/PREFIX", net->subnet);
		} else if (!strcmp(key, "gateway")) {
			ret = get_text(p, value, "gateway", net->gateway, sizeof(net->gateway));
			if (!ret && !value_ip_valid(net->gateway))
				ret = lab_fail(p, value, "invalid gateway '%s'", net->gateway);
		} else if (!strcmp(key, "dhcp-range")) {
			const char *dash;

			ret = get_text(p, value, "dhcp-range", net->dhcp_range, sizeof(net->dhcp_range));
			dash = ret ? NULL : strchr(net->dhcp_range, '-');
			if (!ret) {
				char first[48];
				size_t n = dash ? (size_t)(dash - net->dhcp_range) : 0;

				snprintf(first, sizeof(first), "%.*s", (int)n, net->dhcp_range);
				if (!dash || n >= sizeof(first) || !value_ip_valid(first) ||
				    !value_ip_valid(dash + 1))
					ret = lab_fail(p, value, "invalid dhcp-range '%s': expected FIRST-LAST", net->dhcp_range);
			}
		} else if (!strcmp(key, "dhcp")) {
			ret = get_bool(p, value, "dhcp", &flag);
			net->dhcp = flag;
		} else if (!strcmp(key, "bridge")) {
			ret = get_text(p, value, "bridge", net->bridge, sizeof(net->bridge));
			if (!ret && !name_ifname_valid(net->bridge))
				ret = lab_fail(p, value, "invalid bridge name '%s'", net->bridge);
		} else if (!strcmp(key, "uplink")) {
			ret = get_text(p, value, "uplink", net->uplink, sizeof(net->uplink));
			if (!ret && !name_ifname_valid(net->uplink))
				ret = lab_fail(p, value, "invalid uplink name '%s'", net->uplink);
		} else if (!strcmp(key, "forwards")) {
			ret = expect_sequence(p, value, "forwards");
			for (yaml_node_item_t *item = value->data.sequence.items.start;
			     !ret && item < value->data.sequence.items.top; item++)
				ret = parse_forward(p, node_at(p, *item), net);
		} else {
			ret = unknown_key(p, key_node, key, "a network", NETWORK_KEYS);
		}
		if (ret < 0)
			return ret;
	}
	if (!net->mode[0])
		return lab_fail(p, name_node, "network '%s' needs a mode (isolated, nat, routed or bridged)", net->name);
	if (!strcmp(net->mode, "bridged") && !net->bridge[0])
		return lab_fail(p, name_node, "bridged network '%s' needs a bridge", net->name);
	if (strcmp(net->mode, "bridged") && (net->bridge[0] || net->uplink[0]))
		return lab_fail(p, name_node, "bridge and uplink go with mode bridged only");
	if (net->dhcp == 0 && net->dhcp_range[0])
		return lab_fail(p, name_node, "network '%s' has a dhcp-range but dhcp: false", net->name);
	lab_net_name(lab->name, net->name, net->net);
	lab->network_count++;
	return 0;
}

/* ------------------------------------------------------------------ nodes */

#define NODE_KEYS "kernel, initrd, append, disk, overlay, memory, cpus, nics, routes, gateway, forwarding"
#define NIC_KEYS "name, network, mac, address"

static int parse_nic(struct parse *p, yaml_node_t *node, struct lab_node *vm)
{
	struct lab_nic *nic;
	yaml_node_pair_t *pair;
	int ret;

	if (vm->nic_count >= LAB_MAX_NICS)
		return lab_fail(p, node, "node '%s' has more than %d NICs", vm->name, LAB_MAX_NICS);
	nic = &vm->nics[vm->nic_count];
	memset(nic, 0, sizeof(*nic));
	nic->net_index = -1;
	nic->line = line_of(node);
	snprintf(nic->name, sizeof(nic->name), "eth%zu", vm->nic_count);
	/* "- mgmt" is short for "- network: mgmt". */
	if (node->type == YAML_SCALAR_NODE) {
		ret = get_name(p, node, "network name", nic->network);
		if (ret < 0)
			return ret;
		vm->nic_count++;
		return 0;
	}
	ret = expect_mapping(p, node, "a NIC");
	if (ret < 0)
		return ret;
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key_node, *value;
		const char *key;

		ret = pair_key(p, pair, &key, &key_node, &value);
		if (ret < 0)
			return ret;
		if (!strcmp(key, "name")) {
			ret = get_text(p, value, "NIC name", nic->name, sizeof(nic->name));
			if (!ret && !name_ifname_valid(nic->name))
				ret = lab_fail(p, value, "invalid NIC name '%s'", nic->name);
		} else if (!strcmp(key, "network")) {
			ret = get_name(p, value, "network name", nic->network);
		} else if (!strcmp(key, "mac")) {
			ret = get_text(p, value, "mac", nic->mac, sizeof(nic->mac));
			if (!ret && !value_unicast_mac_valid(nic->mac))
				ret = lab_fail(p, value, "invalid MAC '%s': expected a unicast xx:xx:xx:xx:xx:xx", nic->mac);
		} else if (!strcmp(key, "address")) {
			ret = get_text(p, value, "address", nic->address, sizeof(nic->address));
			if (!ret && !cidr_valid_v4(nic->address))
				ret = lab_fail(p, value, "invalid address '%s': expected IPv4 ADDRESS/LEN, e.g. 10.0.12.1/24", nic->address);
		} else {
			ret = unknown_key(p, key_node, key, "a NIC", NIC_KEYS);
		}
		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < vm->nic_count; i++)
		if (!strcmp(vm->nics[i].name, nic->name))
			return lab_fail(p, node, "duplicate NIC '%s' in node '%s'", nic->name, vm->name);
	vm->nic_count++;
	return 0;
}

static int parse_route(struct parse *p, yaml_node_t *node, struct lab_node *vm)
{
	struct lab_route *route;
	yaml_node_pair_t *pair;
	int ret;

	if (vm->route_count >= LAB_MAX_ROUTES)
		return lab_fail(p, node, "node '%s' has more than %d routes", vm->name, LAB_MAX_ROUTES);
	route = &vm->routes[vm->route_count];
	memset(route, 0, sizeof(*route));
	ret = expect_mapping(p, node, "a route");
	if (ret < 0)
		return ret;
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key_node, *value;
		const char *key;

		ret = pair_key(p, pair, &key, &key_node, &value);
		if (ret < 0)
			return ret;
		if (!strcmp(key, "to")) {
			ret = get_text(p, value, "to", route->to, sizeof(route->to));
			if (!ret && strcmp(route->to, "default") && !cidr_valid_v4(route->to))
				ret = lab_fail(p, value, "invalid route destination '%s': expected IPv4 ADDRESS/LEN or default", route->to);
		} else if (!strcmp(key, "via")) {
			ret = get_text(p, value, "via", route->via, sizeof(route->via));
			if (!ret && (!value_ip_valid(route->via) || strchr(route->via, ':')))
				ret = lab_fail(p, value, "invalid gateway '%s': expected an IPv4 address", route->via);
		} else {
			ret = unknown_key(p, key_node, key, "a route", "to, via");
		}
		if (ret < 0)
			return ret;
	}
	if (!route->to[0] || !route->via[0])
		return lab_fail(p, node, "a route needs to and via");
	vm->route_count++;
	return 0;
}

/* Keys a node and the defaults section share; returns 1 if @key is not one of them. */
static int parse_node_key(struct parse *p, const char *key, yaml_node_t *value,
			  struct lab_node *vm)
{
	uint32_t count;
	int ret;

	if (!strcmp(key, "kernel"))
		return get_text(p, value, "kernel", vm->kernel, sizeof(vm->kernel));
	if (!strcmp(key, "initrd"))
		return get_text(p, value, "initrd", vm->initrd, sizeof(vm->initrd));
	if (!strcmp(key, "append"))
		return get_text(p, value, "append", vm->append, sizeof(vm->append));
	if (!strcmp(key, "disk"))
		return get_text(p, value, "disk", vm->disk, sizeof(vm->disk));
	if (!strcmp(key, "overlay"))
		return get_bool(p, value, "overlay", &vm->overlay);
	if (!strcmp(key, "memory")) {
		size_t n;

		ret = get_text(p, value, "memory", vm->memory, sizeof(vm->memory));
		if (ret < 0)
			return ret;
		n = strspn(vm->memory, "0123456789");
		if (!n || (vm->memory[n] && (strchr("MG", vm->memory[n]) == NULL || vm->memory[n + 1])))
			return lab_fail(p, value, "invalid memory '%s': expected a size like 256M or 1G", vm->memory);
		return 0;
	}
	if (!strcmp(key, "cpus")) {
		char text[16];

		ret = get_text(p, value, "cpus", text, sizeof(text));
		if (ret < 0)
			return ret;
		if (value_parse_count(text, 1, 64, &count) < 0)
			return lab_fail(p, value, "invalid cpus '%s': expected 1 to 64", text);
		vm->cpus = count;
		return 0;
	}
	return 1;
}

static int parse_node(struct parse *p, yaml_node_t *name_node, yaml_node_t *node,
		      const struct lab_node *defaults)
{
	struct lab *lab = p->lab;
	struct lab_node *vm;
	yaml_node_pair_t *pair;
	int ret;

	if (lab->node_count >= LAB_MAX_NODES)
		return lab_fail(p, name_node, "more than %d nodes", LAB_MAX_NODES);
	vm = &lab->nodes[lab->node_count];
	*vm = *defaults;
	vm->line = line_of(name_node);
	ret = get_name(p, name_node, "node name", vm->name);
	if (ret < 0)
		return ret;
	if (lab_find_node(lab, vm->name) >= 0)
		return lab_fail(p, name_node, "duplicate node '%s'", vm->name);
	{
		size_t length = strlen(lab->name);

		memcpy(vm->vm, lab->name, length);
		vm->vm[length] = '-';
		memcpy(vm->vm + length + 1, vm->name, strlen(vm->name) + 1);
	}
	ret = expect_mapping(p, node, "a node");
	if (ret < 0)
		return ret;
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key_node, *value;
		const char *key;

		ret = pair_key(p, pair, &key, &key_node, &value);
		if (ret < 0)
			return ret;
		ret = parse_node_key(p, key, value, vm);
		if (ret <= 0) {
			/* Done (or failed) as a shared key. */
		} else if (!strcmp(key, "nics")) {
			ret = expect_sequence(p, value, "nics");
			for (yaml_node_item_t *item = value->data.sequence.items.start;
			     !ret && item < value->data.sequence.items.top; item++)
				ret = parse_nic(p, node_at(p, *item), vm);
		} else if (!strcmp(key, "routes")) {
			ret = expect_sequence(p, value, "routes");
			for (yaml_node_item_t *item = value->data.sequence.items.start;
			     !ret && item < value->data.sequence.items.top; item++)
				ret = parse_route(p, node_at(p, *item), vm);
		} else if (!strcmp(key, "gateway")) {
			ret = get_text(p, value, "gateway", vm->gateway, sizeof(vm->gateway));
			if (!ret && (!value_ip_valid(vm->gateway) || strchr(vm->gateway, ':')))
				ret = lab_fail(p, value, "invalid gateway '%s': expected an IPv4 address", vm->gateway);
		} else if (!strcmp(key, "forwarding")) {
			ret = get_bool(p, value, "forwarding", &vm->forwarding);
		} else {
			ret = unknown_key(p, key_node, key, "a node", NODE_KEYS);
		}
		if (ret < 0)
			return ret;
	}
	if (!vm->kernel[0] == !vm->disk[0])
		return lab_fail(p, name_node, "node '%s' needs exactly one of kernel and disk", vm->name);
	if (vm->disk[0] && (vm->initrd[0] || vm->append[0]))
		return lab_fail(p, name_node, "node '%s': initrd and append go with kernel, not disk", vm->name);
	if (vm->overlay && !vm->disk[0])
		return lab_fail(p, name_node, "node '%s': overlay needs a disk", vm->name);
	if (!vm->nic_count)
		return lab_fail(p, name_node, "node '%s' has no NICs", vm->name);
	lab->node_count++;
	return 0;
}

static int parse_defaults(struct parse *p, yaml_node_t *node, struct lab_node *defaults)
{
	yaml_node_pair_t *pair;
	int ret = expect_mapping(p, node, "defaults");

	for (pair = node->data.mapping.pairs.start; !ret && pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key_node, *value;
		const char *key;

		ret = pair_key(p, pair, &key, &key_node, &value);
		if (!ret)
			ret = parse_node_key(p, key, value, defaults);
		if (ret > 0)
			ret = unknown_key(p, key_node, key, "defaults",
					  "kernel, initrd, append, disk, overlay, memory, cpus");
	}
	return ret;
}

/* ------------------------------------------------------------------ links */

static int parse_endpoint(struct parse *p, yaml_node_t *node, struct lab_endpoint *end)
{
	char text[LAB_NAME_MAX + 20];
	char *colon;
	int ret = get_text(p, node, "a link end", text, sizeof(text));

	if (ret < 0)
		return ret;
	colon = strchr(text, ':');
	if (!colon || colon == text || !colon[1] || strlen(colon + 1) >= sizeof(end->nic) ||
	    (size_t)(colon - text) > LAB_NAME_MAX)
		return lab_fail(p, node, "invalid link end '%s': expected NODE:NIC, e.g. r1:eth1", text);
	*colon = '\0';
	memcpy(end->node, text, strlen(text) + 1);
	memcpy(end->nic, colon + 1, strlen(colon + 1) + 1);
	end->node_index = end->nic_index = -1;
	return 0;
}

static int parse_link(struct parse *p, yaml_node_t *node)
{
	struct lab *lab = p->lab;
	struct lab_link *link;
	yaml_node_t *ends = NULL;
	int ret;

	if (lab->link_count >= LAB_MAX_LINKS)
		return lab_fail(p, node, "more than %d links", LAB_MAX_LINKS);
	link = &lab->links[lab->link_count];
	memset(link, 0, sizeof(*link));
	link->line = line_of(node);
	/* "- [r1:eth1, r2:eth0]" or "- {name: r1r2, endpoints: [r1:eth1, r2:eth0]}". */
	if (node->type == YAML_SEQUENCE_NODE) {
		ends = node;
	} else if (node->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
		     pair < node->data.mapping.pairs.top; pair++) {
			yaml_node_t *key_node, *value;
			const char *key;

			ret = pair_key(p, pair, &key, &key_node, &value);
			if (ret < 0)
				return ret;
			if (!strcmp(key, "name"))
				ret = get_name(p, value, "link name", link->name);
			else if (!strcmp(key, "endpoints"))
				ends = value;
			else
				ret = unknown_key(p, key_node, key, "a link", "name, endpoints");
			if (ret < 0)
				return ret;
		}
	} else {
		return lab_fail(p, node, "a link is [NODE:NIC, NODE:NIC] or a mapping with name and endpoints");
	}
	if (!ends || ends->type != YAML_SEQUENCE_NODE ||
	    ends->data.sequence.items.top - ends->data.sequence.items.start != 2)
		return lab_fail(p, ends ? ends : node, "a link needs exactly two endpoints NODE:NIC");
	for (int i = 0; i < 2; i++) {
		ret = parse_endpoint(p, node_at(p, ends->data.sequence.items.start[i]), &link->ends[i]);
		if (ret < 0)
			return ret;
	}
	if (!link->name[0]) {
		if (strlen(link->ends[0].node) + 1 + strlen(link->ends[1].node) > LAB_NAME_MAX)
			return lab_fail(p, node, "link between '%s' and '%s' needs a shorter name: give it one",
				    link->ends[0].node, link->ends[1].node);
		size_t first = strlen(link->ends[0].node);

		memcpy(link->name, link->ends[0].node, first);
		link->name[first] = '-';
		memcpy(link->name + first + 1, link->ends[1].node, strlen(link->ends[1].node) + 1);
	}
	lab->link_count++;
	return 0;
}

/* ------------------------------------------------------------------ top level */

static int parse_root(struct parse *p, yaml_node_t *root)
{
	struct lab *lab = p->lab;
	yaml_node_t *networks = NULL, *nodes = NULL, *links = NULL, *defaults = NULL;
	struct lab_node *defaults_node;
	yaml_node_pair_t *pair;
	int ret;

	if (!root)
		return lab_fail(p, NULL, "the file is empty");
	ret = expect_mapping(p, root, "the lab");
	if (ret < 0)
		return ret;
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *key_node, *value;
		const char *key;

		ret = pair_key(p, pair, &key, &key_node, &value);
		if (ret < 0)
			return ret;
		if (!strcmp(key, "name"))
			ret = get_name(p, value, "lab name", lab->name);
		else if (!strcmp(key, "networks"))
			networks = value;
		else if (!strcmp(key, "nodes"))
			nodes = value;
		else if (!strcmp(key, "links"))
			links = value;
		else if (!strcmp(key, "defaults"))
			defaults = value;
		else
			ret = unknown_key(p, key_node, key, "the lab", "name, defaults, networks, nodes, links");
		if (ret < 0)
			return ret;
	}
	if (!lab->name[0])
		return lab_fail(p, root, "the lab needs a name");
	if (!nodes)
		return lab_fail(p, root, "the lab needs nodes");

	if (networks) {
		ret = expect_mapping(p, networks, "networks");
		for (pair = networks->data.mapping.pairs.start;
		     !ret && pair < networks->data.mapping.pairs.top; pair++)
			ret = parse_network(p, node_at(p, pair->key), node_at(p, pair->value));
		if (ret < 0)
			return ret;
	}
	defaults_node = calloc(1, sizeof(*defaults_node));
	if (!defaults_node)
		return lab_fail(p, NULL, "out of memory");
	ret = defaults ? parse_defaults(p, defaults, defaults_node) : 0;
	if (!ret)
		ret = expect_mapping(p, nodes, "nodes");
	for (pair = nodes->data.mapping.pairs.start;
	     !ret && pair < nodes->data.mapping.pairs.top; pair++)
		ret = parse_node(p, node_at(p, pair->key), node_at(p, pair->value), defaults_node);
	free(defaults_node);
	if (ret < 0)
		return ret;
	if (links) {
		ret = expect_sequence(p, links, "links");
		for (yaml_node_item_t *item = links->data.sequence.items.start;
		     !ret && item < links->data.sequence.items.top; item++)
			ret = parse_link(p, node_at(p, *item));
		if (ret < 0)
			return ret;
	}
	return lab_resolve(lab, p->file, p->err, p->err_size);
}

/**
 * lab_parse() - parse and validate a topology
 * @text:	the YAML document
 * @size:	bytes in @text
 * @filename:	named in messages
 * @lab:	filled on success
 * @err:	one line "FILE:LINE: ..." on failure
 * @err_size:	size of @err in bytes
 *
 * Return: 0 or -EINVAL.
 */
int lab_parse(const char *text, size_t size, const char *filename, struct lab *lab,
	      char *err, size_t err_size)
{
	struct parse p = { .file = filename, .lab = lab, .err = err, .err_size = err_size };
	yaml_parser_t parser;
	int ret;

	memset(lab, 0, sizeof(*lab));
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, err_size, "%s: out of memory", filename);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, size);
	if (!yaml_parser_load(&parser, &p.doc)) {
		snprintf(err, err_size, "%s:%zu: %s%s%s", filename,
			 (parser.problem_mark.line ? parser.problem_mark.line : parser.context_mark.line) + 1,
			 parser.problem ? parser.problem : "invalid YAML",
			 parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	ret = parse_root(&p, yaml_document_get_root_node(&p.doc));
	yaml_document_delete(&p.doc);
	yaml_parser_delete(&parser);
	return ret;
}

/**
 * lab_parse_file() - read @path and lab_parse() it
 * @path:	the file
 * @lab:	filled on success
 * @text:	if not NULL, set to the contents (caller frees)
 * @err:	one line on failure
 * @err_size:	size of @err in bytes
 *
 * Return: 0, -EINVAL, or a negative errno from reading.
 */
int lab_parse_file(const char *path, struct lab *lab, char **text, char *err, size_t err_size)
{
	char *buf;
	size_t size;
	int ret;

	ret = file_read_all(path, LAB_FILE_MAX, &buf, &size);
	if (ret < 0) {
		snprintf(err, err_size, "cannot read %s: %s", path, strerror(-ret));
		return ret;
	}
	ret = lab_parse(buf, size, path, lab, err, err_size);
	if (text && !ret)
		*text = buf;
	else
		free(buf);
	return ret;
}
