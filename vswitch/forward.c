// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * forward.c - port forwards as model code: parsing, canonical text,
 * validation against a network's addressing, overlap, expansion into
 * nftables map elements, and their persisted form. Nothing here touches
 * the kernel's rules or a network's state: network.c decides, fw.c
 * installs.
 *
 * A forward's definition records the resolved guest address with the
 * target as given, so a target named by port or guest name keeps pointing
 * where it pointed when it was added.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forward.h"
#include "nft.h"

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

json_t *forward_to_json(const char *net_name, const struct forward *f)
{
	char host[64], target[96], addr[INET_ADDRSTRLEN];

	forward_host_text(f, host, sizeof(host));
	forward_target_text(f, target, sizeof(target));
	inet_ntop(AF_INET, &f->target_addr, addr, sizeof(addr));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i}", "net", net_name,
			 "proto", f->proto == IPPROTO_TCP ? "tcp" : "udp", "host", host,
			 "target", target, "address", addr, "port", (json_int_t)f->port,
			 "port_last", (json_int_t)f->port_last, "target_port", (json_int_t)f->target_port);
}

void forward_comment(const char *net_name, const struct forward *f, char *buf, size_t size)
{
	char host[64], target[96];

	forward_host_text(f, host, sizeof(host));
	forward_target_text(f, target, sizeof(target));
	/* nft caps comments at 128 bytes; a long name is cut, which is fine. */
	snprintf(buf, size, "%.15s: %s %.30s -> %.60s", net_name, f->proto == IPPROTO_TCP ? "tcp" : "udp",
		 host, target);
}

int forward_check_target(const struct forward *f, const char *net_name, struct in_addr subnet,
			 uint8_t prefix_len, struct in_addr gateway, char *err, size_t err_size)
{
	char target[INET_ADDRSTRLEN], text[INET_ADDRSTRLEN];
	uint32_t mask = prefix_len ? ~0u << (32 - prefix_len) : 0;
	uint32_t t = ntohl(f->target_addr.s_addr);

	inet_ntop(AF_INET, &f->target_addr, target, sizeof(target));
	inet_ntop(AF_INET, &subnet, text, sizeof(text));
	if ((t & mask) != ntohl(subnet.s_addr) || (t & ~mask) == 0 || (t & ~mask) == ~mask) {
		snprintf(err, err_size, "target %s is outside network '%s' (%s/%u)", target, net_name,
			 text, prefix_len);
		return -EINVAL;
	}
	if (f->target_addr.s_addr == gateway.s_addr) {
		snprintf(err, err_size, "target %s is the gateway of network '%s', not a guest", target,
			 net_name);
		return -EINVAL;
	}
	return 0;
}

json_t *forward_definition(const struct forward *f)
{
	char host[64], target[96], addr[INET_ADDRSTRLEN];

	forward_host_text(f, host, sizeof(host));
	/* The target as given, with the first port: ranges follow from the host range. */
	snprintf(target, sizeof(target), "%s:%u", f->target, f->target_port);
	inet_ntop(AF_INET, &f->target_addr, addr, sizeof(addr));
	return json_pack("{s:s, s:s, s:s, s:s}", "proto", f->proto == IPPROTO_TCP ? "tcp" : "udp",
			 "host", host, "target", target, "address", addr);
}

int forward_from_definition(json_t *def, struct forward *f, char *err, size_t err_size)
{
	const char *address = json_string_value(json_object_get(def, "address"));
	int ret;

	if (!json_is_object(def)) {
		snprintf(err, err_size, "not an object");
		return -EINVAL;
	}
	ret = forward_parse(json_string_value(json_object_get(def, "proto")),
			    json_string_value(json_object_get(def, "host")),
			    json_string_value(json_object_get(def, "target")), f, err, err_size);
	if (!ret && f->target_addr.s_addr == INADDR_ANY &&
	    (!address || inet_pton(AF_INET, address, &f->target_addr) != 1)) {
		snprintf(err, err_size, "no valid \"address\" for target '%s'", f->target);
		ret = -EINVAL;
	}
	return ret;
}

bool forward_matches_key(const struct forward *f, const struct forward *key)
{
	return f->proto == key->proto && f->addr.s_addr == key->addr.s_addr &&
	       ((key->port == key->port_last && key->port >= f->port && key->port <= f->port_last) ||
		(key->port == f->port && key->port_last == f->port_last));
}

/* A socket of the host listening on @proto port in [first, last], from /proc/net. */
bool forward_host_listener(uint8_t proto, uint16_t first, uint16_t last, unsigned int *port)
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

