/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft_expr.h - nftables rules for lib/nft.c, built from a list of terms
 * (matches and actions), each made of the expressions nft itself generates.
 *
 * A term is one thing a rule says in nft's language ("oifname != vsw-lab",
 * "ip saddr 10.1.2.0/24", "masquerade"); nft_rule_build() turns a list of
 * them, in order, into libnftnl expressions. Compare the result with
 * `nft --debug=netlink add rule ...`.
 */
#ifndef LIB_NFT_EXPR_H
#define LIB_NFT_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct nftnl_rule;

enum nft_term_kind {
	NFT_TERM_IPV4,		/* meta nfproto ipv4: the inet family sees IPv6 too */
	NFT_TERM_IFNAME,	/* iifname/oifname ==|!= name (@ifname) */
	NFT_TERM_SADDR,		/* ip saddr addr/prefix_len (@saddr) */
	NFT_TERM_CT_BITS,	/* ct state|status & bits != 0 (@ct) */
	NFT_TERM_DADDR_LOCAL,	/* fib daddr type local */
	NFT_TERM_DNAT_MAP,	/* dnat ip to [ip daddr .] meta l4proto . th dport map @map (@dnat) */
	NFT_TERM_MASQUERADE,	/* masquerade */
	NFT_TERM_VERDICT,	/* accept, drop (@verdict) */
};

/* One match or action; which member is used depends on @kind. */
struct nft_term {
	enum nft_term_kind kind;
	union {
		struct {
			uint32_t key;		/* NFT_META_IIFNAME or NFT_META_OIFNAME */
			uint32_t op;		/* NFT_CMP_EQ or NFT_CMP_NEQ */
			const char *name;	/* compared over IFNAMSIZ bytes, as nft does */
		} ifname;
		struct {
			struct in_addr addr;	/* network byte order; host bits ignored */
			uint8_t prefix_len;	/* 0..32 */
		} saddr;
		struct {
			uint32_t key;		/* NFT_CT_STATE or NFT_CT_STATUS */
			uint32_t bits;		/* any of them set matches */
		} ct;
		struct {
			const char *map;	/* maps to ipv4_addr . inet_service */
			uint32_t map_id;	/* the map's id in the same batch */
			bool with_addr;		/* the key starts with ip daddr */
		} dnat;
		int verdict;			/* NF_ACCEPT, NF_DROP */
	};
};

/**
 * nft_rule_build() - a rule of @chain in @table (family inet) made of
 * @terms, in order
 * @len:	number of terms
 * Return: the rule (the caller frees it with nftnl_rule_free()), or NULL
 * with errno set: ENOMEM, or EINVAL for an unknown term or a prefix length
 * over 32.
 */
struct nftnl_rule *nft_rule_build(const char *table, const char *chain,
				  const struct nft_term *terms, size_t len);

#endif /* LIB_NFT_EXPR_H */
