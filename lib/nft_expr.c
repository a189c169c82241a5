/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft_expr.c - build nftables rules from terms, each term from the
 * expressions nft itself generates for it (see nft_expr.h).
 *
 * Registers: a match loads into register 1 and compares there. The DNAT
 * lookup key is a concatenation, so its fields go into consecutive 32-bit
 * registers (1, then 9, 10: NFT_REG32_01 is the second word of register 1),
 * and the lookup writes the guest's address and port into registers 1 and 9
 * for the nat expression.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "nft_expr.h"

/* One 32-bit attribute of an expression. */
struct expr_attr {
	uint16_t type;
	uint32_t value;
};

#define ATTRS_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Append expression @name with @attrs to @r.
 * Return: the expression, owned by @r, for the caller to add attributes of
 * other types; NULL if out of memory.
 */
static struct nftnl_expr *expr_append(struct nftnl_rule *r, const char *name,
				      const struct expr_attr *attrs, size_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);
	size_t i;

	if (!e)
		return NULL;
	for (i = 0; i < len; i++)
		nftnl_expr_set_u32(e, attrs[i].type, attrs[i].value);
	nftnl_rule_add_expr(r, e);
	return e;
}

/* --------------------------------------------------------- expressions */

static int expr_meta(struct nftnl_rule *r, uint32_t key, uint32_t dreg)
{
	const struct expr_attr attrs[] = {
		{ NFTNL_EXPR_META_KEY, key }, { NFTNL_EXPR_META_DREG, dreg },
	};

	return expr_append(r, "meta", attrs, ATTRS_LEN(attrs)) ? 0 : -ENOMEM;
}

static int expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len,
			uint32_t dreg)
{
	const struct expr_attr attrs[] = {
		{ NFTNL_EXPR_PAYLOAD_BASE, base }, { NFTNL_EXPR_PAYLOAD_OFFSET, offset },
		{ NFTNL_EXPR_PAYLOAD_LEN, len }, { NFTNL_EXPR_PAYLOAD_DREG, dreg },
	};

	return expr_append(r, "payload", attrs, ATTRS_LEN(attrs)) ? 0 : -ENOMEM;
}

/* Compare register 1 with @size bytes of @data. */
static int expr_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t size)
{
	const struct expr_attr attrs[] = {
		{ NFTNL_EXPR_CMP_SREG, NFT_REG_1 }, { NFTNL_EXPR_CMP_OP, op },
	};
	struct nftnl_expr *e = expr_append(r, "cmp", attrs, ATTRS_LEN(attrs));

	if (!e)
		return -ENOMEM;
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, size);
	return 0;
}

/* Register 1 &= @mask (@size bytes, at most 16). */
static int expr_bitwise_and(struct nftnl_rule *r, const void *mask, uint32_t size)
{
	static const uint8_t zero[16];
	const struct expr_attr attrs[] = {
		{ NFTNL_EXPR_BITWISE_SREG, NFT_REG_1 }, { NFTNL_EXPR_BITWISE_DREG, NFT_REG_1 },
		{ NFTNL_EXPR_BITWISE_LEN, size },
	};
	struct nftnl_expr *e = expr_append(r, "bitwise", attrs, ATTRS_LEN(attrs));

	if (!e)
		return -ENOMEM;
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, size);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, size);
	return 0;
}

static int expr_immediate_verdict(struct nftnl_rule *r, int verdict)
{
	const struct expr_attr attrs[] = {
		{ NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT }, { NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict },
	};

	return expr_append(r, "immediate", attrs, ATTRS_LEN(attrs)) ? 0 : -ENOMEM;
}

static int expr_ct(struct nftnl_rule *r, uint32_t key)
{
	const struct expr_attr attrs[] = {
		{ NFTNL_EXPR_CT_KEY, key }, { NFTNL_EXPR_CT_DREG, NFT_REG_1 },
	};

	return expr_append(r, "ct", attrs, ATTRS_LEN(attrs)) ? 0 : -ENOMEM;
}

/* fib daddr type: the address type of the destination into register 1. */
static int expr_fib_daddr_type(struct nftnl_rule *r)
{
	const struct expr_attr attrs[] = {
		{ NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR },
		{ NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE },
		{ NFTNL_EXPR_FIB_DREG, NFT_REG_1 },
	};

	return expr_append(r, "fib", attrs, ATTRS_LEN(attrs)) ? 0 : -ENOMEM;
}

/* Look the key from register 1 on up in @map; its data into register 1. */
static int expr_lookup(struct nftnl_rule *r, const char *map, uint32_t map_id)
{
	const struct expr_attr attrs[] = {
		{ NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1 }, { NFTNL_EXPR_LOOKUP_DREG, NFT_REG_1 },
	};
	struct nftnl_expr *e = expr_append(r, "lookup", attrs, ATTRS_LEN(attrs));

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, map);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, map_id);
	return 0;
}

/* IPv4 DNAT to the address in register 1 and the port in register 9. */
static int expr_dnat_ipv4(struct nftnl_rule *r)
{
	const struct expr_attr attrs[] = {
		{ NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT }, { NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4 },
		{ NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1 },
		{ NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG32_01 },
	};

	return expr_append(r, "nat", attrs, ATTRS_LEN(attrs)) ? 0 : -ENOMEM;
}

static int expr_masq(struct nftnl_rule *r)
{
	return expr_append(r, "masq", NULL, 0) ? 0 : -ENOMEM;
}

/* --------------------------------------------------------------- terms */

static int term_ipv4(struct nftnl_rule *r)
{
	uint8_t proto = NFPROTO_IPV4;

	if (expr_meta(r, NFT_META_NFPROTO, NFT_REG_1) ||
	    expr_cmp(r, NFT_CMP_EQ, &proto, sizeof(proto)))
		return -ENOMEM;
	return 0;
}

static int term_ifname(struct nftnl_rule *r, uint32_t key, uint32_t op, const char *name)
{
	char padded[IFNAMSIZ] = { 0 };

	memcpy(padded, name, strnlen(name, IFNAMSIZ - 1));
	if (expr_meta(r, key, NFT_REG_1) || expr_cmp(r, op, padded, sizeof(padded)))
		return -ENOMEM;
	return 0;
}

static int term_saddr(struct nftnl_rule *r, struct in_addr addr, uint8_t prefix_len)
{
	uint32_t mask, value;

	if (prefix_len > 32)
		return -EINVAL;
	mask = htonl(prefix_len ? ~0u << (32 - prefix_len) : 0);
	value = addr.s_addr & mask;
	if (expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFT_REG_1) ||
	    (prefix_len < 32 && expr_bitwise_and(r, &mask, sizeof(mask))) ||
	    expr_cmp(r, NFT_CMP_EQ, &value, sizeof(value)))
		return -ENOMEM;
	return 0;
}

static int term_ct_bits(struct nftnl_rule *r, uint32_t key, uint32_t bits)
{
	uint32_t zero = 0;

	if (expr_ct(r, key) || expr_bitwise_and(r, &bits, sizeof(bits)) ||
	    expr_cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero)))
		return -ENOMEM;
	return 0;
}

static int term_daddr_local(struct nftnl_rule *r)
{
	uint32_t local = RTN_LOCAL;

	if (expr_fib_daddr_type(r) || expr_cmp(r, NFT_CMP_EQ, &local, sizeof(local)))
		return -ENOMEM;
	return 0;
}

/* The key's fields go into consecutive 32-bit registers from register 1. */
static int term_dnat_map(struct nftnl_rule *r, const char *map, uint32_t map_id, bool with_addr)
{
	uint32_t proto_reg = with_addr ? NFT_REG32_01 : NFT_REG_1;
	uint32_t port_reg = with_addr ? NFT_REG32_02 : NFT_REG32_01;

	if ((with_addr && expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG_1)) ||
	    expr_meta(r, NFT_META_L4PROTO, proto_reg) ||
	    expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, port_reg) ||
	    expr_lookup(r, map, map_id) || expr_dnat_ipv4(r))
		return -ENOMEM;
	return 0;
}

static int term_append(struct nftnl_rule *r, const struct nft_term *t)
{
	switch (t->kind) {
	case NFT_TERM_IPV4:
		return term_ipv4(r);
	case NFT_TERM_IFNAME:
		return term_ifname(r, t->ifname.key, t->ifname.op, t->ifname.name);
	case NFT_TERM_SADDR:
		return term_saddr(r, t->saddr.addr, t->saddr.prefix_len);
	case NFT_TERM_CT_BITS:
		return term_ct_bits(r, t->ct.key, t->ct.bits);
	case NFT_TERM_DADDR_LOCAL:
		return term_daddr_local(r);
	case NFT_TERM_DNAT_MAP:
		return term_dnat_map(r, t->dnat.map, t->dnat.map_id, t->dnat.with_addr);
	case NFT_TERM_MASQUERADE:
		return expr_masq(r);
	case NFT_TERM_VERDICT:
		return expr_immediate_verdict(r, t->verdict);
	}
	return -EINVAL;
}

struct nftnl_rule *nft_rule_build(const char *table, const char *chain,
				  const struct nft_term *terms, size_t len)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	size_t i;
	int ret;

	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	for (i = 0; i < len; i++) {
		ret = term_append(r, &terms[i]);
		if (ret) {
			nftnl_rule_free(r);
			errno = -ret;
			return NULL;
		}
	}
	return r;
}
