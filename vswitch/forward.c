// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * forward.c - port forwards of a network: parsing, target resolution,
 * conflict checks, persistence in the network's definition, and handing
 * them to fw.c as nftables map elements.
 *
 * A forward's definition is kept in the network's parameters ("forwards",
 * an array parallel to net->forwards), so it is saved with the network and
 * comes back when the network is created again at start. The resolved
 * guest address is saved with it: a target given as a port or guest name
 * keeps pointing where it pointed when it was added.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datapath.h"
#include "ether.h"
#include "forward.h"
#include "fw.h"
#include "log.h"
#include "net_modes.h"
#include "network.h"
#include "nft.h"
#include "nl.h"
#include "port.h"

static int (*name_resolver)(const struct network *net, const char *name, struct in_addr *addr);

void forward_set_resolver(int (*fn)(const struct network *net, const char *name,
				    struct in_addr *addr))
{
	name_resolver = fn;
}

/* A decimal port 1..65535 spanning [@text, @end). */
static int parse_port(const char *text, size_t len, uint16_t *port)
{
	unsigned long value = 0;
	size_t i;

	if (len == 0 || len > 5)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)text[i]))
			return -EINVAL;
		value = value * 10 + (unsigned long)(text[i] - '0');
	}
	if (value == 0 || value > 65535)
		return -EINVAL;
	*port = (uint16_t)value;
	return 0;
}

static bool valid_target_name(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len >= FORWARD_TARGET_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!isalnum((unsigned char)c) && c != '_' && c != '.' && c != '-')
			return false;
	}
	return true;
}

int forward_parse(const char *proto, const char *host, const char *target,
		  struct forward *f, char *err, size_t err_size)
{
	const char *colon, *ports, *dash;
	char buf[64];
	uint16_t last;

	memset(f, 0, sizeof(*f));
	if (!proto || (strcmp(proto, "tcp") && strcmp(proto, "udp"))) {
		snprintf(err, err_size, "protocol must be tcp or udp, not '%s'", proto ? proto : "");
		return -EINVAL;
	}
	f->proto = !strcmp(proto, "tcp") ? IPPROTO_TCP : IPPROTO_UDP;

	if (!host || strlen(host) >= sizeof(buf)) {
		snprintf(err, err_size, "host port must be [ADDR:]PORT[-PORT]");
		return -EINVAL;
	}
	colon = strrchr(host, ':');
	ports = colon ? colon + 1 : host;
	if (colon) {
		snprintf(buf, sizeof(buf), "%.*s", (int)(colon - host), host);
		if (inet_pton(AF_INET, buf, &f->addr) != 1) {
			snprintf(err, err_size, "host address '%s' is not an IPv4 address", buf);
			return -EINVAL;
		}
	}
	dash = strchr(ports, '-');
	if (parse_port(ports, dash ? (size_t)(dash - ports) : strlen(ports), &f->port) ||
	    (dash && parse_port(dash + 1, strlen(dash + 1), &last))) {
		snprintf(err, err_size, "host port '%s' is not PORT or PORT-PORT with ports 1 to 65535", ports);
		return -EINVAL;
	}
	f->port_last = dash ? last : f->port;
	if (f->port_last < f->port) {
		snprintf(err, err_size, "host port range '%s' ends before it starts", ports);
		return -EINVAL;
	}
	if (f->port_last - f->port + 1 > FORWARD_RANGE_MAX) {
		snprintf(err, err_size, "host port range '%s' has more than %d ports", ports, FORWARD_RANGE_MAX);
		return -EINVAL;
	}

	if (!target || !target[0] || strlen(target) >= sizeof(buf)) {
		snprintf(err, err_size, "target must be TARGET[:PORT] (a port name, guest name or IP address)");
		return -EINVAL;
	}
	colon = strrchr(target, ':');
	snprintf(buf, sizeof(buf), "%.*s", colon ? (int)(colon - target) : (int)strlen(target), target);
	if (colon) {
		if (parse_port(colon + 1, strlen(colon + 1), &f->target_port)) {
			snprintf(err, err_size, "target port '%s' is not a port from 1 to 65535", colon + 1);
			return -EINVAL;
		}
	} else {
		f->target_port = f->port;
	}
	if ((unsigned int)f->target_port + (f->port_last - f->port) > 65535) {
		snprintf(err, err_size, "target ports %u-%u run past 65535", f->target_port,
			 f->target_port + (f->port_last - f->port));
		return -EINVAL;
	}
	if (inet_pton(AF_INET, buf, &f->target_addr) != 1) {
		f->target_addr.s_addr = INADDR_ANY;
		if (!valid_target_name(buf)) {
			snprintf(err, err_size, "target '%s' is neither an IPv4 address nor a name", buf);
			return -EINVAL;
		}
	}
	snprintf(f->target, sizeof(f->target), "%s", buf);
	return 0;
}

bool forward_overlap(const struct forward *a, const struct forward *b)
{
	return a->proto == b->proto && a->port <= b->port_last && b->port <= a->port_last &&
	       (a->addr.s_addr == INADDR_ANY || b->addr.s_addr == INADDR_ANY ||
		a->addr.s_addr == b->addr.s_addr);
}

void forward_host_text(const struct forward *f, char *buf, size_t size)
{
	char addr[INET_ADDRSTRLEN] = "";

	if (f->addr.s_addr != INADDR_ANY)
		inet_ntop(AF_INET, &f->addr, addr, sizeof(addr));
	if (f->port_last != f->port)
		snprintf(buf, size, "%s%s%u-%u", addr, addr[0] ? ":" : "", f->port, f->port_last);
	else
		snprintf(buf, size, "%s%s%u", addr, addr[0] ? ":" : "", f->port);
}

void forward_target_text(const struct forward *f, char *buf, size_t size)
{
	if (f->port_last != f->port)
		snprintf(buf, size, "%s:%u-%u", f->target, f->target_port,
			 f->target_port + (f->port_last - f->port));
	else
		snprintf(buf, size, "%s:%u", f->target, f->target_port);
}

size_t forward_expand(const struct forward *f, const char *comment, struct nft_forward *out)
{
	size_t n = 0;
	unsigned int p;

	for (p = f->port; p <= f->port_last && n < FORWARD_RANGE_MAX; p++, n++) {
		out[n].proto = f->proto;
		out[n].addr = f->addr;
		out[n].port = (uint16_t)p;
		out[n].target = f->target_addr;
		out[n].target_port = (uint16_t)(f->target_port + (p - f->port));
		out[n].comment = comment;
	}
	return n;
}

json_t *forward_to_json(const struct network *net, const struct forward *f)
{
	char host[64], target[96], addr[INET_ADDRSTRLEN];

	forward_host_text(f, host, sizeof(host));
	forward_target_text(f, target, sizeof(target));
	inet_ntop(AF_INET, &f->target_addr, addr, sizeof(addr));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i}", "net", net->name,
			 "proto", f->proto == IPPROTO_TCP ? "tcp" : "udp", "host", host,
			 "target", target, "address", addr, "port", (json_int_t)f->port,
			 "port_last", (json_int_t)f->port_last, "target_port", (json_int_t)f->target_port);
}

/* The address of port @name of @net, through its MAC and the gateway's ARP table. */
static int resolve_port(struct network *net, const char *name, struct in_addr *addr,
			char *err, size_t err_size)
{
	struct port *port = net_port_find(net, name);
	struct nl_sock *nl;
	uint8_t mac[6];
	int ifindex, ret;
	char ifname[IFNAMSIZ];

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

/* A socket of the host listening on @proto port in [first, last], from /proc/net. */
static bool host_listens(uint8_t proto, uint16_t first, uint16_t last, unsigned int *port)
{
	static const char *const tcp_files[] = { "/proc/net/tcp", "/proc/net/tcp6", NULL };
	static const char *const udp_files[] = { "/proc/net/udp", "/proc/net/udp6", NULL };
	const char *const *files = proto == IPPROTO_TCP ? tcp_files : udp_files;
	/* TCP_LISTEN is 10; an unconnected UDP socket is TCP_CLOSE (7). */
	unsigned int want = proto == IPPROTO_TCP ? 0x0a : 0x07;
	char line[512];
	int i;

	for (i = 0; files[i]; i++) {
		FILE *f = fopen(files[i], "re");

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char local[64];
			unsigned int st, p;
			char *colon;

			if (sscanf(line, " %*u: %63s %*s %x", local, &st) != 2 || st != want)
				continue;
			colon = strrchr(local, ':');
			if (!colon || sscanf(colon + 1, "%x", &p) != 1)
				continue;
			if (p >= first && p <= last) {
				*port = p;
				fclose(f);
				return true;
			}
		}
		fclose(f);
	}
	return false;
}

/* Check @f against the network and every other forward. */
static int check_forward(const struct network *net, const struct forward *f,
			 const struct forward *skip, char *err, size_t err_size)
{
	char target[INET_ADDRSTRLEN], subnet[INET_ADDRSTRLEN], host[64], other[96];
	uint32_t t = ntohl(f->target_addr.s_addr), mask = ntohl(net->ip.netmask.s_addr);
	const struct network *n;
	size_t i;

	inet_ntop(AF_INET, &f->target_addr, target, sizeof(target));
	inet_ntop(AF_INET, &net->ip.subnet, subnet, sizeof(subnet));
	if ((f->target_addr.s_addr & net->ip.netmask.s_addr) != net->ip.subnet.s_addr ||
	    (t & ~mask) == 0 || (t & ~mask) == ~mask) {
		snprintf(err, err_size, "target %s is outside network '%s' (%s/%u)", target, net->name,
			 subnet, net->ip.prefix_len);
		return -EINVAL;
	}
	if (f->target_addr.s_addr == net->ip.gateway.s_addr) {
		snprintf(err, err_size, "target %s is the gateway of network '%s', not a guest", target,
			 net->name);
		return -EINVAL;
	}
	for (n = net_first(); n; n = n->next) {
		for (i = 0; i < n->nforwards; i++) {
			const struct forward *o = &n->forwards[i];

			if (o == skip || !forward_overlap(f, o))
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

static int append(struct network *net, const struct forward *f)
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

static void remove_at(struct network *net, size_t i)
{
	memmove(&net->forwards[i], &net->forwards[i + 1],
		(net->nforwards - i - 1) * sizeof(*net->forwards));
	net->nforwards--;
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

static json_t *forward_definition(const struct forward *f)
{
	char host[64], target[96], addr[INET_ADDRSTRLEN];

	forward_host_text(f, host, sizeof(host));
	/* The target as given, with the first port: ranges follow from the host range. */
	snprintf(target, sizeof(target), "%s:%u", f->target, f->target_port);
	inet_ntop(AF_INET, &f->target_addr, addr, sizeof(addr));
	return json_pack("{s:s, s:s, s:s, s:s}", "proto", f->proto == IPPROTO_TCP ? "tcp" : "udp",
			 "host", host, "target", target, "address", addr);
}

int forward_add(struct network *net, json_t *params, bool persist, json_t *warnings,
		json_t **added, char *err, size_t err_size)
{
	const char *proto = json_string_value(json_object_get(params, "proto"));
	const char *host = json_string_value(json_object_get(params, "host"));
	const char *target = json_string_value(json_object_get(params, "target"));
	struct forward f;
	unsigned int busy;
	int ret;

	if (!net_is_l3(net)) {
		snprintf(err, err_size, "network '%s' is %s: port forwards need a nat or routed network",
			 net->name, net->mode->name);
		return -EINVAL;
	}
	ret = forward_parse(proto, host, target, &f, err, err_size);
	if (ret)
		return ret;
	if (f.target_addr.s_addr == INADDR_ANY) {
		ret = resolve_port(net, f.target, &f.target_addr, err, err_size);
		if (ret == -ENOENT && name_resolver)
			ret = name_resolver(net, f.target, &f.target_addr);
		if (ret == -ENOENT)
			snprintf(err, err_size,
				 "unknown target '%s': not an IP address, a port of network '%s' or a known guest",
				 f.target, net->name);
		if (ret)
			return ret;
	}
	ret = check_forward(net, &f, NULL, err, err_size);
	if (ret)
		return ret;
	if (warnings && host_listens(f.proto, f.port, f.port_last, &busy)) {
		char text[256];

		snprintf(text, sizeof(text),
			 "a host process listens on %s port %u: forwarded connections reach the guest, not that process",
			 f.proto == IPPROTO_TCP ? "tcp" : "udp", busy);
		json_array_append_new(warnings, json_string(text));
	}
	ret = append(net, &f);
	if (ret)
		return ret;
	ret = fw_forward_update(net, &f, true, err, err_size);
	if (ret) {
		net->nforwards--;
		return ret;
	}
	json_array_append_new(saved_forwards(net), forward_definition(&f));
	if (persist && net_save(net))
		log_warn("network %s: forward added but the definition could not be saved", net->name);
	{
		char h[64], t[96];

		forward_host_text(&f, h, sizeof(h));
		forward_target_text(&f, t, sizeof(t));
		log_info("network %s: forward %s %s -> %s", net->name, proto, h, t);
	}
	if (added)
		*added = forward_to_json(net, &f);
	return 0;
}

int forward_del(struct network *net, json_t *params, char *err, size_t err_size)
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
	for (i = 0; i < net->nforwards; i++) {
		const struct forward *f = &net->forwards[i];

		if (f->proto == key.proto && f->addr.s_addr == key.addr.s_addr &&
		    ((key.port == key.port_last && key.port >= f->port && key.port <= f->port_last) ||
		     (key.port == f->port && key.port_last == f->port_last)))
			break;
	}
	if (i == net->nforwards) {
		snprintf(err, err_size, "network '%s' has no %s forward of port %s", net->name, proto, host);
		return -ENOENT;
	}
	ret = fw_forward_update(net, &net->forwards[i], false, err, err_size);
	if (ret)
		return ret;
	log_info("network %s: forward %s %s removed", net->name, proto, host);
	remove_at(net, i);
	json_array_remove(saved_forwards(net), i);
	if (net_save(net))
		log_warn("network %s: forward removed but the definition could not be saved", net->name);
	return 0;
}

void forward_restore(struct network *net, const char *source)
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
		json_t *def = json_array_get(saved, i);
		const char *address = json_string_value(json_object_get(def, "address"));
		struct forward f;
		int ret;

		err[0] = '\0';
		ret = forward_parse(json_string_value(json_object_get(def, "proto")),
				    json_string_value(json_object_get(def, "host")),
				    json_string_value(json_object_get(def, "target")), &f, err, sizeof(err));
		if (!ret && f.target_addr.s_addr == INADDR_ANY &&
		    (!address || inet_pton(AF_INET, address, &f.target_addr) != 1)) {
			snprintf(err, sizeof(err), "no valid \"address\" for target '%s'", f.target);
			ret = -EINVAL;
		}
		if (!ret && !net_is_l3(net)) {
			snprintf(err, sizeof(err), "a %s network cannot have port forwards", net->mode->name);
			ret = -EINVAL;
		}
		if (!ret)
			ret = check_forward(net, &f, NULL, err, sizeof(err));
		if (!ret)
			ret = append(net, &f);
		if (ret) {
			log_err("%s: network %s: forward %zu dropped: %s", source, net->name, i, err);
			json_array_remove(saved, i);
			continue;
		}
		i++;
	}
}

void forward_free_all(struct network *net)
{
	free(net->forwards);
	net->forwards = NULL;
	net->nforwards = 0;
	net->forwards_size = 0;
}
