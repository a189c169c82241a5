/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * forward.h - port forwards as a model: a host port (or range) on every host
 * address, or on one, sent to a guest's port (ranges map one to one). Pure
 * functions; network.c owns a network's forwards and fw.c installs them.
 */
#ifndef VSWITCH_FORWARD_H
#define VSWITCH_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <jansson.h>

#define FORWARD_TARGET_MAX	64	/* including NUL */
#define FORWARD_RANGE_MAX	1024	/* ports in one forward */

struct nft_forward;

struct forward {
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	struct in_addr addr;		/* host address; INADDR_ANY: every local address */
	uint16_t port;			/* first host port */
	uint16_t port_last;		/* last host port (== port for one) */
	char target[FORWARD_TARGET_MAX];	/* as given, without the port: name or IP */
	struct in_addr target_addr;	/* resolved guest address */
	uint16_t target_port;		/* guest port for @port; the range follows one to one */
};

/**
 * forward_parse() - parse the textual parts of a forward (pure)
 * @proto:	"tcp" or "udp"
 * @host:	"[ADDR:]PORT[-PORT]"
 * @target:	"TARGET[:PORT]"; TARGET is an IPv4 address or a name; without
 *		PORT the guest port equals the host port
 * Sets everything but target_addr for a name (zero then).
 * Return: 0 or -EINVAL with @err set.
 */
int forward_parse(const char *proto, const char *host, const char *target,
		  struct forward *f, char *err, size_t err_size);

/** forward_overlap() - whether two forwards claim a common host port (pure). */
bool forward_overlap(const struct forward *a, const struct forward *b);

/** forward_host_text() / forward_target_text() - canonical "[ADDR:]PORT[-PORT]" and "TARGET:PORT". */
void forward_host_text(const struct forward *f, char *buf, size_t size);
void forward_target_text(const struct forward *f, char *buf, size_t size);

/**
 * forward_expand() - the nft map entries of @f, one per port, with
 * @comment (may be NULL) on each. @out has room for FORWARD_RANGE_MAX.
 * Return: number written.
 */
size_t forward_expand(const struct forward *f, const char *comment, struct nft_forward *out);

/** forward_to_json() - {"net","proto","host","target","address","port","port_last","target_port"}. */
json_t *forward_to_json(const char *net_name, const struct forward *f);

/** forward_comment() - the comment on a forward's map elements: "NET: tcp 8080 -> web:80". */
void forward_comment(const char *net_name, const struct forward *f, char *buf, size_t size);

/**
 * forward_check_target() - @f's guest address must be a host address of
 * the network's subnet, and not its gateway.
 * Return: 0 or -EINVAL with @err set.
 */
int forward_check_target(const struct forward *f, const char *net_name, struct in_addr subnet,
			 uint8_t prefix_len, struct in_addr gateway, char *err, size_t err_size);

/**
 * forward_definition() - the persisted form of @f: {"proto","host","target","address"},
 * the target as given with its first port and the resolved address.
 * Return: a new object, or NULL (ENOMEM).
 */
json_t *forward_definition(const struct forward *f);

/**
 * forward_from_definition() - parse a persisted forward back into @f.
 * Return: 0 or -EINVAL with @err set.
 */
int forward_from_definition(json_t *def, struct forward *f, char *err, size_t err_size);

/**
 * forward_matches_key() - whether the forward @f is the one a delete of
 * @key (host side only) names: the same protocol and host address, and
 * either one port inside @f's range or exactly @f's range.
 */
bool forward_matches_key(const struct forward *f, const struct forward *key);

/**
 * forward_host_listener() - whether a host socket listens on @proto port
 * in [@first, @last] (from /proc/net); sets @port to the first found.
 */
bool forward_host_listener(uint8_t proto, uint16_t first, uint16_t last, unsigned int *port);

#endif /* VSWITCH_FORWARD_H */
