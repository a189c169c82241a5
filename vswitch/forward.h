/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * forward.h - port forwards: a host port (or range) on every host address,
 * or on one, sent to a guest's port (ranges map one to one). They belong to
 * a network, persist in its definition and become nftables map elements
 * (fw.c) while the network runs. Control thread only.
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

struct network;
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

/**
 * forward_add() - parse, resolve, check and install a forward
 * @params:	{"proto","host","target"} (and "net", ignored)
 * @persist:	save the network's definition
 * @warnings:	JSON array receiving non-fatal remarks (may be NULL)
 * @added:	on success, the forward's JSON object (new reference), or NULL
 * Return: 0 or negative errno with @err set.
 */
int forward_add(struct network *net, json_t *params, bool persist, json_t *warnings,
		json_t **added, char *err, size_t err_size);

/** forward_del() - remove the forward of @params {"proto","host"}. */
int forward_del(struct network *net, json_t *params, char *err, size_t err_size);

/** forward_to_json() - {"net","proto","host","target","address","target_port"}. */
json_t *forward_to_json(const struct network *net, const struct forward *f);

/**
 * forward_restore() - re-add the forwards saved in the network's parameters
 * ("forwards"); one that no longer fits is logged and dropped.
 */
void forward_restore(struct network *net, const char *source);

/** forward_free_all() - forget the network's forwards (nothing is saved). */
void forward_free_all(struct network *net);

/**
 * forward_set_resolver() - let the DHCP service resolve guest names (VM
 * names, static hosts, leases) to addresses for forward targets.
 * @fn returns 0 with @addr set, or -ENOENT.
 */
void forward_set_resolver(int (*fn)(const struct network *net, const char *name,
				    struct in_addr *addr));

#endif /* VSWITCH_FORWARD_H */
