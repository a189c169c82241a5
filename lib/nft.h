/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft.h - vswitchd's nftables table (libnftnl): pure functions that build
 * the whole ruleset, or a change to the port-forward maps, as one batch,
 * and one function that commits a batch to the kernel.
 *
 * The builders touch no socket, so unit tests inspect what they produce
 * without root (nft_batch_text()). docs/nat.md explains the ruleset.
 */
#ifndef LIB_NFT_H
#define LIB_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <net/if.h>

#include "nft_batch.h"

#define NFT_DEFAULT_TABLE	"vswitch"
#define NFT_TABLE_NAME_MAX	32	/* including NUL */

/* Names inside the table, stable so people and tests can refer to them. */
#define NFT_MAP_FORWARDS	"forwards"	/* proto . port -> target . port */
#define NFT_MAP_FORWARDS_ADDR	"forwards_addr"	/* addr . proto . port -> target . port */

enum nft_net_mode {
	NFT_NET_NAT,		/* masquerade out, only replies and forwards in */
	NFT_NET_ROUTED,		/* forwarded both ways, addresses kept */
	NFT_NET_ISOLATED,	/* nothing forwarded to or from the gateway */
};

/* A running network with a gateway interface in the host. */
struct nft_net {
	char name[16];
	char ifname[IFNAMSIZ];		/* the gateway interface */
	enum nft_net_mode mode;
	struct in_addr subnet;		/* network byte order */
	uint8_t prefix_len;
};

/* One host port forwarded to one guest port (ranges are expanded by the caller). */
struct nft_forward {
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	struct in_addr addr;		/* host address, or INADDR_ANY for every local address */
	uint16_t port;			/* host byte order */
	struct in_addr target;		/* guest address */
	uint16_t target_port;		/* host byte order */
	const char *comment;		/* shown by `nft list`; NULL for none */
};

struct nft_ruleset {
	const char *table;		/* in family inet */
	const struct nft_net *nets;
	size_t nets_len;
	const struct nft_forward *forwards;
	size_t forwards_len;
};

/**
 * nft_build_ruleset() - the whole table as one batch: create the table if
 * missing, delete it (with whatever an earlier run left), create it afresh
 * with its chains, maps, forwards and rules. Committed, it replaces the old
 * table atomically; refused, the old table stays.
 * Return: the batch (free with nft_batch_free()), or NULL with errno set
 * (EINVAL for a bad name or value, ENOMEM).
 */
struct nft_batch *nft_build_ruleset(const struct nft_ruleset *rs);

/**
 * nft_build_forwards() - add (@add) or delete forwards in the maps of an
 * existing table. The cost depends only on @len, not on the map sizes.
 * Return: the batch, or NULL with errno set.
 */
struct nft_batch *nft_build_forwards(const char *table, const struct nft_forward *fwds,
				     size_t len, bool add);

/** nft_build_delete_table() - delete @table (an absent table is fine). */
struct nft_batch *nft_build_delete_table(const char *table);

/**
 * nft_table_name_valid() - 1..31 of [A-Za-z0-9_-], starting with a letter
 * (what nft accepts unquoted).
 */
bool nft_table_name_valid(const char *name);

/**
 * nft_chain_conflict() - whether a base chain of another table can drop
 * traffic ours accepts: a chain in family ip or inet at hook forward,
 * prerouting or postrouting whose policy is drop (Docker's FORWARD chain).
 * Pure, for tests; nft_find_conflicts() feeds it the kernel's chains.
 * @hooknum:	NF_INET_* hook
 * @policy:	NF_DROP or NF_ACCEPT
 * Return: true with a one-line explanation in @buf.
 */
bool nft_chain_conflict(const char *our_table, uint32_t family, const char *table,
			const char *chain, uint32_t hooknum, uint32_t policy,
			char *buf, size_t size);

/**
 * nft_find_conflicts() - ask the kernel for every base chain and report
 * those nft_chain_conflict() flags
 * @warnings:	called with each explanation
 * Return: number found, or negative errno.
 */
int nft_find_conflicts(const char *our_table, void (*warn)(const char *text, void *opaque),
		       void *opaque);

/** nft_table_exists() - Return: 1, 0, or negative errno. */
int nft_table_exists(const char *table);

#endif /* LIB_NFT_H */
