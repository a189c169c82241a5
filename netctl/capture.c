/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture.c - `netctl capture`'s pure parts: its arguments turned into
 * capture.start parameters, and a captured frame turned into one
 * tcpdump-like line. capture_run.c runs the capture with them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
/* Unused here, but tests/unit/test_capture.c compiles this file in and relies on it. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "ether.h"
#include "names.h"
#include "value.h"

static void capture_set_error(char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void capture_set_error(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ parsing */

static int parse_number(const char *option, const char *text, uint32_t min, uint32_t max,
			uint32_t *value, char *err, size_t err_size)
{
	if (value_parse_count(text, min, max, value) < 0) {
		capture_set_error(err, err_size, "invalid value '%s' for %s: expected a whole number from %u to %u",
			  text, option, min, max);
		return -EINVAL;
	}
	return 0;
}

static int append_filter_word(struct netctl_capture_args *args, const char *word,
			      char *err, size_t err_size)
{
	size_t old = args->filter ? strlen(args->filter) : 0;
	char *grown = realloc(args->filter, old + strlen(word) + 2);

	if (!grown) {
		capture_set_error(err, err_size, "out of memory");
		return -ENOMEM;
	}
	if (old)
		grown[old++] = ' ';
	strcpy(grown + old, word);
	args->filter = grown;
	return 0;
}

int netctl_capture_parse(int argc, char *const argv[], struct netctl_capture_args *args,
			 char *err, size_t err_size)
{
	bool options_done = false;
	int i;

	memset(args, 0, sizeof(*args));
	for (i = 0; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			args->help = true;
			return 0;
		}
	}
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];
		const char *name = arg, *value = NULL;
		char option[32];

		if (!options_done && !strcmp(arg, "--")) {
			options_done = true;
			continue;
		}
		if (options_done || arg[0] != '-' || !arg[1]) {
			if (!args->net) {
				/* LAB/LINK names a lab's link (netctl/lab.c resolves it). */
				if (!name_object_valid(arg) && !strchr(arg, '/')) {
					capture_set_error(err, err_size, "invalid network name '%s'", arg);
					goto fail;
				}
				args->net = arg;
			} else if (append_filter_word(args, arg, err, err_size) < 0) {
				goto fail;
			}
			continue;
		}
		/* "--opt=VALUE", "--opt VALUE", "-cVALUE" or "-c VALUE". */
		if (arg[1] == '-') {
			const char *equals = strchr(arg, '=');

			if (equals) {
				snprintf(option, sizeof(option), "%.*s", (int)(equals - arg), arg);
				name = option;
				value = equals + 1;
			}
		} else if (arg[2]) {
			snprintf(option, sizeof(option), "%.2s", arg);
			name = option;
			value = arg + 2;
		}
		if (strcmp(name, "--port") && strcmp(name, "--direction") && strcmp(name, "-c") &&
		    strcmp(name, "--count") && strcmp(name, "--snaplen") && strcmp(name, "-s") &&
		    strcmp(name, "-w") && strcmp(name, "-B") && strcmp(name, "--buffer-size")) {
			capture_set_error(err, err_size, "unknown option '%s' for 'capture' (see 'netctl capture -h')",
				  name);
			goto fail;
		}
		if (!value) {
			if (i + 1 >= argc) {
				capture_set_error(err, err_size, "option '%s' needs a value", name);
				goto fail;
			}
			value = argv[++i];
		}
		if (!strcmp(name, "--port")) {
			if (!name_object_valid(value)) {
				capture_set_error(err, err_size, "invalid port name '%s'", value);
				goto fail;
			}
			args->port = value;
		} else if (!strcmp(name, "--direction")) {
			if (strcmp(value, "in") && strcmp(value, "out") && strcmp(value, "both")) {
				capture_set_error(err, err_size, "invalid direction '%s': expected in, out or both",
					  value);
				goto fail;
			}
			args->direction = value;
		} else if (!strcmp(name, "-c") || !strcmp(name, "--count")) {
			if (parse_number(name, value, 1, UINT32_MAX, &args->count, err, err_size))
				goto fail;
		} else if (!strcmp(name, "--snaplen") || !strcmp(name, "-s")) {
			if (parse_number(name, value, 1, PCAP_SNAPLEN_MAX, &args->snaplen, err, err_size))
				goto fail;
		} else if (!strcmp(name, "-B") || !strcmp(name, "--buffer-size")) {
			if (parse_number(name, value, 64, 256 * 1024, &args->buffer_kib, err, err_size))
				goto fail;
		} else {
			if (!*value) {
				capture_set_error(err, err_size, "option '-w' needs a file name, or '-' for standard output");
				goto fail;
			}
			args->output = value;
		}
	}
	if (!args->net) {
		capture_set_error(err, err_size, "missing NET (usage: netctl capture NET [OPTIONS] [FILTER...])");
		goto fail;
	}
	return 0;

fail:
	netctl_capture_args_clear(args);
	return -EINVAL;
}

void netctl_capture_args_clear(struct netctl_capture_args *args)
{
	if (!args)
		return;
	free(args->filter);
	args->filter = NULL;
}

json_t *netctl_capture_params(const struct netctl_capture_args *args)
{
	json_t *params = json_pack("{s:s}", "net", args->net);

	if (!params)
		return NULL;
	if (args->port)
		json_object_set_new(params, "port", json_string(args->port));
	if (args->direction)
		json_object_set_new(params, "direction", json_string(args->direction));
	if (args->count)
		json_object_set_new(params, "count", json_integer(args->count));
	if (args->snaplen)
		json_object_set_new(params, "snaplen", json_integer(args->snaplen));
	if (args->buffer_kib)
		json_object_set_new(params, "buffer_size", json_integer((json_int_t)args->buffer_kib << 10));
	json_object_set_new(params, "filter", json_string(args->filter ? args->filter : ""));
	return params;
}

/* --------------------------------------------------------- formatting */

/* A bounded reader over the captured bytes: no field is read past caplen. */
struct cursor {
	const uint8_t *p;
	size_t left;
};

static const uint8_t *pull(struct cursor *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->left < n)
		return NULL;
	c->p += n;
	c->left -= n;
	return p;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct line {
	char *buf;
	size_t size;
	size_t used;
};

static void put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->used + 1 >= l->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->used, l->size - l->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->used = l->used + (size_t)n < l->size ? l->used + (size_t)n : l->size - 1;
}

static void put_mac(struct line *l, const uint8_t *m)
{
	char text[MAC_TEXT_SIZE];

	mac_format(m, text);
	put(l, "%s", text);
}

static const char *ethertype_name(uint16_t type)
{
	switch (type) {
	case 0x0800: return "IPv4";
	case 0x0806: return "ARP";
	case 0x86dd: return "IPv6";
	case 0x8100: return "802.1Q";
	case 0x88a8: return "802.1Q-QinQ";
	case 0x88cc: return "LLDP";
	default: return "Unknown";
	}
}

static const char *icmp_name(uint8_t type)
{
	switch (type) {
	case 0: return "echo reply";
	case 3: return "unreachable";
	case 5: return "redirect";
	case 8: return "echo request";
	case 11: return "time exceeded";
	default: return NULL;
	}
}

static const char *icmp6_name(uint8_t type)
{
	switch (type) {
	case 1: return "destination unreachable";
	case 128: return "echo request";
	case 129: return "echo reply";
	case 133: return "router solicitation";
	case 134: return "router advertisement";
	case 135: return "neighbor solicitation";
	case 136: return "neighbor advertisement";
	default: return NULL;
	}
}

static void put_tcp_flags(struct line *l, uint8_t flags)
{
	static const struct { uint8_t bit; char c; } names[] = {
		{ 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
		{ 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' },
	};

	put(l, "Flags [");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			put(l, "%c", names[i].c);
	if (flags & 0x10)
		put(l, ".");
	if (!(flags & ~0x10) && !(flags & 0x10))
		put(l, "none");
	put(l, "]");
}

/*
 * The transport part after "SRC > DST": ports for TCP and UDP (tcpdump
 * writes them as ADDR.PORT), the ICMP type. @l4_size is the transport
 * length the IP header claims.
 */
static void put_transport(struct line *l, const char *src, const char *dst, uint8_t proto,
			  struct cursor *c, uint32_t l4_size, bool v6)
{
	const uint8_t *h;

	switch (proto) {
	case 6:
		h = pull(c, 20);
		if (!h)
			break;
		put(l, "%s.%u > %s.%u: ", src, be16(h), dst, be16(h + 2));
		put_tcp_flags(l, h[13]);
		put(l, ", seq %" PRIu32 ", win %u, length %u", be32(h + 4), be16(h + 14),
		    l4_size > (uint32_t)(h[12] >> 4) * 4 ? l4_size - (uint32_t)(h[12] >> 4) * 4 : 0);
		return;
	case 17:
		h = pull(c, 8);
		if (!h)
			break;
		put(l, "%s.%u > %s.%u: UDP, length %u", src, be16(h), dst, be16(h + 2),
		    be16(h + 4) >= 8 ? be16(h + 4) - 8 : 0);
		return;
	case 1:
		if (v6)
			break;
		h = pull(c, 8);
		if (!h)
			break;
		put(l, "%s > %s: ICMP ", src, dst);
		if (icmp_name(h[0]))
			put(l, "%s", icmp_name(h[0]));
		else
			put(l, "type %u", h[0]);
		if (h[0] == 0 || h[0] == 8)
			put(l, ", id %u, seq %u", be16(h + 4), be16(h + 6));
		put(l, ", length %u", l4_size);
		return;
	case 58:
		if (!v6)
			break;
		h = pull(c, 4);
		if (!h)
			break;
		put(l, "%s > %s: ICMP6, ", src, dst);
		if (icmp6_name(h[0]))
			put(l, "%s", icmp6_name(h[0]));
		else
			put(l, "type %u", h[0]);
		put(l, ", length %u", l4_size);
		return;
	default:
		put(l, "%s > %s: ip-proto-%u %u", src, dst, proto, l4_size);
		return;
	}
	put(l, "%s > %s: [|%s]", src, dst, proto == 6 ? "tcp" : proto == 17 ? "udp" : "icmp");
}

static void put_ipv4(struct line *l, struct cursor *c)
{
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	const uint8_t *h = pull(c, 20);
	uint32_t ihl, total;

	if (!h || (h[0] >> 4) != 4 || (h[0] & 0x0f) < 5) {
		put(l, "[|ip]");
		return;
	}
	ihl = (uint32_t)(h[0] & 0x0f) * 4;
	total = be16(h + 2);
	inet_ntop(AF_INET, h + 12, src, sizeof(src));
	inet_ntop(AF_INET, h + 16, dst, sizeof(dst));
	if (!pull(c, ihl - 20)) {
		put(l, "%s > %s: [|ip]", src, dst);
		return;
	}
	if (be16(h + 6) & 0x1fff) {
		put(l, "%s > %s: ip-proto-%u (fragment)", src, dst, h[9]);
		return;
	}
	put_transport(l, src, dst, h[9], c, total > ihl ? total - ihl : 0, false);
}

static void put_ipv6(struct line *l, struct cursor *c)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	const uint8_t *h = pull(c, 40);

	if (!h || (h[0] >> 4) != 6) {
		put(l, "[|ip6]");
		return;
	}
	inet_ntop(AF_INET6, h + 8, src, sizeof(src));
	inet_ntop(AF_INET6, h + 24, dst, sizeof(dst));
	put_transport(l, src, dst, h[6], c, be16(h + 4), true);
}

static void put_arp(struct line *l, struct cursor *c)
{
	char sender[INET_ADDRSTRLEN], target[INET_ADDRSTRLEN];
	const uint8_t *h = pull(c, 28);

	if (!h || be16(h) != 1 || be16(h + 2) != 0x0800 || h[4] != 6 || h[5] != 4) {
		put(l, "[|arp]");
		return;
	}
	inet_ntop(AF_INET, h + 14, sender, sizeof(sender));
	inet_ntop(AF_INET, h + 24, target, sizeof(target));
	if (be16(h + 6) == 1) {
		put(l, "Request who-has %s tell %s, length 28", target, sender);
	} else if (be16(h + 6) == 2) {
		put(l, "Reply %s is-at ", sender);
		put_mac(l, h + 8);
		put(l, ", length 28");
	} else {
		put(l, "ARP op %u, length 28", be16(h + 6));
	}
}

void netctl_capture_format(char *buf, size_t size, uint32_t ts_sec, uint32_t ts_usec,
			   const uint8_t *frame, uint32_t caplen, uint32_t wirelen)
{
	struct line l = { .buf = buf, .size = size };
	struct cursor c = { .p = frame, .left = caplen };
	time_t seconds = (time_t)ts_sec;
	const uint8_t *eth, *tag;
	struct tm tm;
	uint16_t type;

	if (!size)
		return;
	buf[0] = '\0';
	localtime_r(&seconds, &tm);
	put(&l, "%02d:%02d:%02d.%06u ", tm.tm_hour, tm.tm_min, tm.tm_sec, ts_usec);
	eth = pull(&c, 14);
	if (!eth) {
		put(&l, "[|ether], length %u", wirelen);
		return;
	}
	put_mac(&l, eth + 6);
	put(&l, " > ");
	put_mac(&l, eth);
	type = be16(eth + 12);
	while ((type == 0x8100 || type == 0x88a8) && (tag = pull(&c, 4))) {
		put(&l, ", ethertype %s (0x%04x), vlan %u", ethertype_name(type), type,
		    be16(tag) & 0x0fff);
		type = be16(tag + 2);
	}
	if (type < 0x0600) {
		put(&l, ", 802.3, length %u", wirelen);
		return;
	}
	put(&l, ", ethertype %s (0x%04x), length %u: ", ethertype_name(type), type, wirelen);
	switch (type) {
	case 0x0800:
		put_ipv4(&l, &c);
		break;
	case 0x86dd:
		put_ipv6(&l, &c);
		break;
	case 0x0806:
		put_arp(&l, &c);
		break;
	default:
		put(&l, "%u bytes", wirelen > 14 ? wirelen - 14 : 0);
		break;
	}
}
