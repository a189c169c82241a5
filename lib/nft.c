/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft.c - build vswitchd's nftables table as libnftnl batches, and commit them.
 *
 * Theory of operation: vswitchd owns one table (family inet) and nothing
 * else. Whenever the set of networks changes, the whole table is rebuilt in
 * one transaction: "add table; delete table; add table; chains; maps; rules".
 * The first "add" makes the "delete" valid when no table exists; the delete
 * sweeps away whatever an earlier run (even one killed with -9) left; the
 * kernel applies the transaction all or nothing, so a refused batch leaves
 * the previous ruleset in place and nothing half-built is ever visible.
 *
 * Port forwards live in two maps, keyed by (protocol, port) and by (address,
 * protocol, port), giving the guest's (address, port). One rule per map does
 * the DNAT, so a packet costs one hash lookup however many forwards exist,
 * and adding or removing a forward is a map-element batch whose size does
 * not depend on how many are already there.
 *
 * A network's rules are data: a table of what each mode needs, in terms of
 * the network's gateway interface and subnet (net_rules[]), which
 * lib/nft_expr.c turns into the expressions nft itself would generate
 * (compare `nft --debug=netlink`). Every chain, map and rule carries a
 * comment, so `nft list table inet vswitch` reads as an explanation of itself.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft.h"
#include "nft_batch.h"
#include "nft_expr.h"

/* nft's datatype ids (src/datatype.h), for map key and data types. */
#define NFT_TYPE_IPADDR		7
#define NFT_TYPE_INET_PROTOCOL	12
#define NFT_TYPE_INET_SERVICE	13
#define NFT_TYPE_BITS		6	/* concatenated types: first field in the high bits */

/* Elements per NEWSETELEM message: the element list is one attribute, and
 * attribute lengths are 16 bits, so a message must stay under 64 KiB. */
#define ELEMS_PER_MSG		192
#define RULE_TEXT_SIZE		4096

#define ARRAY_LEN(a)		(sizeof(a) / sizeof((a)[0]))

bool nft_table_name_valid(const char *name)
{
	size_t i, len;

	if (!name)
		return false;
	len = strlen(name);
	if (len == 0 || len >= NFT_TABLE_NAME_MAX)
		return false;
	if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* add table or delete table (@type), with @comment (NULL for none). */
static void put_table(struct nft_batch *b, const char *table, uint16_t type, const char *comment)
{
	struct nftnl_table *t = nftnl_table_alloc();
	size_t mark = b->text_len;

	if (!t) {
		b->error = ENOMEM;
		return;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nft_obj_comment(b, NFT_OBJ_TABLE, t, comment);
	nft_batch_printf(b, "%s table inet %s%s%s\n", type == NFT_MSG_NEWTABLE ? "add" : "delete",
			 table, comment ? " # " : "", comment ? comment : "");
	nft_batch_put(b, mark, type, t);
	nftnl_table_free(t);
}

static const char *hook_name(uint32_t hooknum)
{
	switch (hooknum) {
	case NF_INET_PRE_ROUTING: return "prerouting";
	case NF_INET_LOCAL_IN: return "input";
	case NF_INET_FORWARD: return "forward";
	case NF_INET_LOCAL_OUT: return "output";
	case NF_INET_POST_ROUTING: return "postrouting";
	default: return "?";
	}
}

/* A base chain of the table; every one accepts by default. */
struct chain_spec {
	const char *name;
	const char *type;		/* "nat" or "filter" */
	uint32_t hooknum;
	int32_t prio;
	const char *comment;
};

static void put_chain(struct nft_batch *b, const char *table, const struct chain_spec *spec)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	size_t mark = b->text_len;

	if (!c) {
		b->error = ENOMEM;
		return;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, spec->name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, spec->type);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, spec->hooknum);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, spec->prio);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nft_obj_comment(b, NFT_OBJ_CHAIN, c, spec->comment);
	nft_batch_printf(b, "add chain %s type %s hook %s priority %d policy accept # %s\n",
			 spec->name, spec->type, hook_name(spec->hooknum), spec->prio, spec->comment);
	nft_batch_put(b, mark, NFT_MSG_NEWCHAIN, c);
	nftnl_chain_free(c);
}

/* A forwards map: key -> guest address . guest port. */
struct map_spec {
	const char *name;
	uint32_t id;			/* refers to the map within the batch */
	bool with_addr;			/* the key starts with the host address */
	uint32_t key_type;		/* nft datatype ids, concatenated */
	uint32_t key_size;		/* bytes, each field padded to 32 bits */
	const char *key_text;
	const char *comment;
	const char *dnat_comment;	/* of the rule using it, after who it is for */
};

static void put_map(struct nft_batch *b, const char *table, const struct map_spec *spec)
{
	struct nftnl_set *s = nftnl_set_alloc();
	size_t mark = b->text_len;

	if (!s) {
		b->error = ENOMEM;
		return;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, spec->name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_ID, spec->id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_MAP);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, spec->key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, spec->key_size);
	nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE,
			  NFT_TYPE_IPADDR << NFT_TYPE_BITS | NFT_TYPE_INET_SERVICE);
	nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, 8);
	nft_obj_comment(b, NFT_OBJ_SET, s, spec->comment);
	nft_batch_printf(b, "add map %s type %s : ipv4_addr . inet_service # %s\n",
			 spec->name, spec->key_text, spec->comment);
	nft_batch_put(b, mark, NFT_MSG_NEWSET, s);
	nftnl_set_free(s);
}

/* Append the rule @terms make in @chain, with @comment. */
static void put_rule(struct nft_batch *b, const char *table, const char *chain,
		     const struct nft_term *terms, size_t len, const char *comment)
{
	struct nftnl_rule *r = nft_rule_build(table, chain, terms, len);
	size_t mark = b->text_len;
	char *dump, *exprs;

	if (!r) {
		b->error = errno;
		return;
	}
	nft_obj_comment(b, NFT_OBJ_RULE, r, comment);
	dump = malloc(RULE_TEXT_SIZE);
	if (dump) {
		nftnl_rule_snprintf(dump, RULE_TEXT_SIZE, r, NFTNL_OUTPUT_DEFAULT, 0);
		/* nftnl starts with "family table chain handle position"; keep the expressions. */
		exprs = strchr(dump, '\n');
		nft_batch_printf(b, "add rule %s # %s\n%s\n", chain, comment, exprs ? exprs + 1 : dump);
		free(dump);
	}
	nft_batch_put(b, mark, NFT_MSG_NEWRULE, r);
	nftnl_rule_free(r);
}

/* ---------------------------------------------------------------- forwards */

#define MAP_ID_FORWARDS		1
#define MAP_ID_FORWARDS_ADDR	2

static const struct map_spec maps[] = {
	{
		.name = NFT_MAP_FORWARDS, .id = MAP_ID_FORWARDS, .with_addr = false,
		.key_type = NFT_TYPE_INET_PROTOCOL << NFT_TYPE_BITS | NFT_TYPE_INET_SERVICE,
		.key_size = 8,
		.key_text = "inet_proto . inet_service",
		.comment = "forwards on every host address: protocol . host port -> guest . port",
		.dnat_comment = "to a forward on any host address",
	}, {
		.name = NFT_MAP_FORWARDS_ADDR, .id = MAP_ID_FORWARDS_ADDR, .with_addr = true,
		.key_type = (NFT_TYPE_IPADDR << NFT_TYPE_BITS | NFT_TYPE_INET_PROTOCOL) << NFT_TYPE_BITS |
			    NFT_TYPE_INET_SERVICE,
		.key_size = 12,
		.key_text = "ipv4_addr . inet_proto . inet_service",
		.comment = "forwards bound to one host address: address . protocol . port -> guest . port",
		.dnat_comment = "to a forward bound to one host address",
	},
};

/* Key and data of a forward as the maps store them: 32-bit aligned fields. */
static void forward_key(const struct nft_forward *f, bool with_addr, uint8_t key[12], uint32_t *len)
{
	uint16_t port = htons(f->port);
	size_t off = 0;

	memset(key, 0, 12);
	if (with_addr) {
		memcpy(key, &f->addr.s_addr, 4);
		off = 4;
	}
	key[off] = f->proto;
	memcpy(key + off + 4, &port, 2);
	*len = (uint32_t)off + 8;
}

static void forward_data(const struct nft_forward *f, uint8_t data[8])
{
	uint16_t port = htons(f->target_port);

	memset(data, 0, 8);
	memcpy(data, &f->target.s_addr, 4);
	memcpy(data + 4, &port, 2);
}

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : "?";
}

static bool forward_valid(const struct nft_forward *f)
{
	return (f->proto == IPPROTO_TCP || f->proto == IPPROTO_UDP) && f->port && f->target_port &&
	       f->target.s_addr != INADDR_ANY;
}

/* Add @f to @s (of @map) as a key, with its data and comment if @add, and its text line. */
static void put_forward_elem(struct nft_batch *b, struct nftnl_set *s, const struct map_spec *map,
			     const struct nft_forward *f, bool add)
{
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();
	char a[INET_ADDRSTRLEN], t[INET_ADDRSTRLEN];
	uint8_t key[12], data[8];
	uint32_t key_len;

	if (!e) {
		b->error = ENOMEM;
		return;
	}
	forward_key(f, map->with_addr, key, &key_len);
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, key_len);
	if (add) {
		forward_data(f, data);
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, data, sizeof(data));
		nft_obj_comment(b, NFT_OBJ_SET_ELEM, e, f->comment);
	}
	nftnl_set_elem_add(s, e);
	inet_ntop(AF_INET, &f->addr, a, sizeof(a));
	inet_ntop(AF_INET, &f->target, t, sizeof(t));
	nft_batch_printf(b, "%s element %s { %s%s%s . %u : %s . %u }%s%s\n",
			 add ? "add" : "delete", map->name, map->with_addr ? a : "",
			 map->with_addr ? " . " : "", proto_name(f->proto), f->port, t, f->target_port,
			 add && f->comment ? " # " : "", add && f->comment ? f->comment : "");
}

/*
 * The forwards of @fwds that belong in @map, added or deleted: one
 * NEWSETELEM/DELSETELEM message per ELEMS_PER_MSG of them, whose text is
 * its element lines.
 */
static void put_forward_elems(struct nft_batch *b, const char *table, const struct map_spec *map,
			      const struct nft_forward *fwds, size_t len, bool add)
{
	size_t i = 0;

	while (i < len && !b->error) {
		struct nftnl_set *s = nftnl_set_alloc();
		size_t in_msg = 0, mark = b->text_len;

		if (!s) {
			b->error = ENOMEM;
			return;
		}
		nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
		nftnl_set_set_str(s, NFTNL_SET_NAME, map->name);
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
		for (; i < len && in_msg < ELEMS_PER_MSG; i++) {
			if ((fwds[i].addr.s_addr != INADDR_ANY) != map->with_addr)
				continue;
			put_forward_elem(b, s, map, &fwds[i], add);
			in_msg++;
		}
		if (in_msg)
			nft_batch_put(b, mark, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM, s);
		nftnl_set_free(s);
	}
}

static int check_forwards(const struct nft_forward *fwds, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!forward_valid(&fwds[i]))
			return -EINVAL;
	return 0;
}

/* Elements of both maps, the forwards map first. */
static void put_forwards(struct nft_batch *b, const char *table, const struct nft_forward *fwds,
			 size_t len, bool add)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(maps); i++)
		put_forward_elems(b, table, &maps[i], fwds, len, add);
}

struct nft_batch *nft_build_forwards(const char *table, const struct nft_forward *fwds,
				     size_t len, bool add)
{
	struct nft_batch *b;

	if (!nft_table_name_valid(table) || (len && !fwds) || check_forwards(fwds, len)) {
		errno = EINVAL;
		return NULL;
	}
	b = nft_batch_new();
	if (!b)
		return NULL;
	put_forwards(b, table, fwds, len, add);
	return nft_batch_done(b);
}

struct nft_batch *nft_build_delete_table(const char *table)
{
	struct nft_batch *b;

	if (!nft_table_name_valid(table)) {
		errno = EINVAL;
		return NULL;
	}
	b = nft_batch_new();
	if (!b)
		return NULL;
	/* Adding first makes the delete succeed when there is nothing to delete. */
	put_table(b, table, NFT_MSG_NEWTABLE, NULL);
	put_table(b, table, NFT_MSG_DELTABLE, NULL);
	return nft_batch_done(b);
}

/* ------------------------------------------------------------ the ruleset */

static const struct chain_spec chains[] = {
	{ "prerouting", "nat", NF_INET_PRE_ROUTING, NF_IP_PRI_NAT_DST,
	  "port forwards: connections arriving for a forwarded host port go to the guest" },
	{ "output", "nat", NF_INET_LOCAL_OUT, NF_IP_PRI_NAT_DST,
	  "port forwards for connections from the host itself, localhost included" },
	{ "postrouting", "nat", NF_INET_POST_ROUTING, NF_IP_PRI_NAT_SRC,
	  "source NAT: masquerade for nat networks, hairpin and localhost forwards" },
	{ "forward", "filter", NF_INET_FORWARD, NF_IP_PRI_FILTER,
	  "what may cross between the networks and the outside" },
};

/*
 * In @chain, connections to a local address (@who: "arriving", "from the
 * host") DNATed through each map; the map of address-bound forwards first.
 * Forwards never overlap, so the order decides nothing.
 */
static void put_dnat_rules(struct nft_batch *b, const char *table, const char *chain,
			   const char *who)
{
	char comment[NFT_COMMENT_MAX];
	size_t i;

	for (i = ARRAY_LEN(maps); i-- > 0;) {
		const struct nft_term terms[] = {
			{ .kind = NFT_TERM_IPV4 },
			{ .kind = NFT_TERM_DADDR_LOCAL },
			{ .kind = NFT_TERM_DNAT_MAP, .dnat = { maps[i].name, maps[i].id, maps[i].with_addr } },
		};

		snprintf(comment, sizeof(comment), "%s %s", who, maps[i].dnat_comment);
		put_rule(b, table, chain, terms, ARRAY_LEN(terms), comment);
	}
}

/* What a network's rule matches or does, in terms of that network. */
enum net_term {
	NET_END,		/* ends a rule's list */
	NET_IPV4,		/* meta nfproto ipv4 */
	NET_FROM_GATEWAY,	/* iifname == the gateway interface */
	NET_TO_GATEWAY,		/* oifname == the gateway interface */
	NET_NOT_TO_GATEWAY,	/* oifname != the gateway interface */
	NET_FROM_SUBNET,	/* ip saddr the subnet */
	NET_FROM_LOOPBACK,	/* ip saddr 127.0.0.0/8 */
	NET_REPLY,		/* ct state established,related */
	NET_DNATED,		/* ct status dnat */
	NET_MASQUERADE,
	NET_ACCEPT,
	NET_DROP,
};

/*
 * When a network's rule goes in. All networks' source NAT rules, then the
 * forward-chain rules guarding traffic *to* each network, then those about
 * traffic *from* one: otherwise "from nat network A: accept" would let A's
 * guests into nat network B before B's "drop" is reached.
 */
enum net_stage { STAGE_SNAT, STAGE_TO_NET, STAGE_FROM_NET, STAGES };

static const char *const stage_chains[STAGES] = {
	[STAGE_SNAT] = "postrouting", [STAGE_TO_NET] = "forward", [STAGE_FROM_NET] = "forward",
};

#define MODE(m)		(1u << (m))
#define NAT		MODE(NFT_NET_NAT)
#define ROUTED		MODE(NFT_NET_ROUTED)
#define ISOLATED	MODE(NFT_NET_ISOLATED)

struct net_rule {
	enum net_stage stage;
	unsigned int modes;		/* MODE() of each mode that has it */
	const char *comment;		/* format; %s is the network's name */
	enum net_term terms[6];		/* up to NET_END */
};

/* Every network's rules, in order within a stage; docs/nat.md says why each is there. */
static const struct net_rule net_rules[] = {
	{ STAGE_SNAT, NAT, "nat network %s: guests leave with the address of the outgoing interface",
	  { NET_IPV4, NET_FROM_SUBNET, NET_NOT_TO_GATEWAY, NET_MASQUERADE } },
	{ STAGE_SNAT, NAT | ROUTED, "%s: hairpin, a guest reaching another guest through a forwarded port",
	  { NET_IPV4, NET_TO_GATEWAY, NET_FROM_SUBNET, NET_DNATED, NET_MASQUERADE } },
	{ STAGE_SNAT, NAT | ROUTED, "%s: connections from localhost to a forwarded port",
	  { NET_IPV4, NET_TO_GATEWAY, NET_FROM_LOOPBACK, NET_MASQUERADE } },

	{ STAGE_TO_NET, NAT, "nat network %s: replies to connections guests opened",
	  { NET_TO_GATEWAY, NET_REPLY, NET_ACCEPT } },
	{ STAGE_TO_NET, NAT, "nat network %s: connections to forwarded ports",
	  { NET_TO_GATEWAY, NET_DNATED, NET_ACCEPT } },
	{ STAGE_TO_NET, NAT, "nat network %s: nothing else from outside reaches guests",
	  { NET_TO_GATEWAY, NET_DROP } },
	{ STAGE_TO_NET, ROUTED, "routed network %s: forwarded to guests, addresses kept",
	  { NET_TO_GATEWAY, NET_ACCEPT } },
	{ STAGE_TO_NET, ISOLATED, "isolated network %s: nothing leaves",
	  { NET_FROM_GATEWAY, NET_DROP } },
	{ STAGE_TO_NET, ISOLATED, "isolated network %s: nothing enters",
	  { NET_TO_GATEWAY, NET_DROP } },

	{ STAGE_FROM_NET, NAT, "nat network %s: guests may open connections outside",
	  { NET_FROM_GATEWAY, NET_ACCEPT } },
	{ STAGE_FROM_NET, ROUTED, "routed network %s: forwarded from guests, addresses kept",
	  { NET_FROM_GATEWAY, NET_ACCEPT } },
};

/* @t for network @n as a term nft_rule_build() takes. */
static struct nft_term net_term(enum net_term t, const struct nft_net *n)
{
	static const struct in_addr loopback = { 0x7f };	/* 127.0.0.0, network order */
	struct nft_term term = { .kind = NFT_TERM_IFNAME, .ifname = { .name = n->ifname } };

	switch (t) {
	case NET_FROM_GATEWAY:
	case NET_TO_GATEWAY:
	case NET_NOT_TO_GATEWAY:
		term.ifname.key = t == NET_FROM_GATEWAY ? NFT_META_IIFNAME : NFT_META_OIFNAME;
		term.ifname.op = t == NET_NOT_TO_GATEWAY ? NFT_CMP_NEQ : NFT_CMP_EQ;
		return term;
	case NET_FROM_SUBNET:
	case NET_FROM_LOOPBACK:
		return (struct nft_term){ .kind = NFT_TERM_SADDR, .saddr = {
			t == NET_FROM_SUBNET ? n->subnet : loopback,
			t == NET_FROM_SUBNET ? n->prefix_len : 8 } };
	case NET_REPLY:
		return (struct nft_term){ .kind = NFT_TERM_CT_BITS, .ct = { NFT_CT_STATE,
			NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED) } };
	case NET_DNATED:
		return (struct nft_term){ .kind = NFT_TERM_CT_BITS, .ct = { NFT_CT_STATUS, IPS_DST_NAT } };
	case NET_MASQUERADE:
		return (struct nft_term){ .kind = NFT_TERM_MASQUERADE };
	case NET_ACCEPT:
	case NET_DROP:
		return (struct nft_term){ .kind = NFT_TERM_VERDICT,
					  .verdict = t == NET_ACCEPT ? NF_ACCEPT : NF_DROP };
	case NET_IPV4:
	case NET_END:
		break;
	}
	return (struct nft_term){ .kind = NFT_TERM_IPV4 };
}

/* The rules of @stage for network @n. */
static void put_net_rules(struct nft_batch *b, const char *table, const struct nft_net *n,
			  enum net_stage stage)
{
	char comment[NFT_COMMENT_MAX];
	struct nft_term terms[ARRAY_LEN(net_rules[0].terms)];
	size_t i, len;

	for (i = 0; i < ARRAY_LEN(net_rules); i++) {
		const struct net_rule *rule = &net_rules[i];

		if (rule->stage != stage || !(rule->modes & MODE(n->mode)))
			continue;
		for (len = 0; len < ARRAY_LEN(rule->terms) && rule->terms[len] != NET_END; len++)
			terms[len] = net_term(rule->terms[len], n);
		snprintf(comment, sizeof(comment), rule->comment, n->name);
		put_rule(b, table, stage_chains[stage], terms, len, comment);
	}
}

static int check_net(const struct nft_net *n)
{
	if (!n->name[0] || !n->ifname[0] || strnlen(n->ifname, IFNAMSIZ) >= IFNAMSIZ ||
	    n->prefix_len > 32 || n->mode > NFT_NET_ISOLATED)
		return -EINVAL;
	return 0;
}

static int check_ruleset(const struct nft_ruleset *rs)
{
	size_t i;

	if (!rs || !nft_table_name_valid(rs->table) || (rs->nets_len && !rs->nets) ||
	    (rs->forwards_len && !rs->forwards) || check_forwards(rs->forwards, rs->forwards_len))
		return -EINVAL;
	for (i = 0; i < rs->nets_len; i++)
		if (check_net(&rs->nets[i]))
			return -EINVAL;
	return 0;
}

struct nft_batch *nft_build_ruleset(const struct nft_ruleset *rs)
{
	struct nft_batch *b;
	enum net_stage stage;
	size_t i;

	if (check_ruleset(rs)) {
		errno = EINVAL;
		return NULL;
	}
	b = nft_batch_new();
	if (!b)
		return NULL;

	put_table(b, rs->table, NFT_MSG_NEWTABLE, NULL);
	put_table(b, rs->table, NFT_MSG_DELTABLE, NULL);
	put_table(b, rs->table, NFT_MSG_NEWTABLE,
		  "owned by vswitchd: rebuilt as a whole on every change, edits here are lost");
	for (i = 0; i < ARRAY_LEN(chains); i++)
		put_chain(b, rs->table, &chains[i]);
	for (i = 0; i < ARRAY_LEN(maps); i++)
		put_map(b, rs->table, &maps[i]);
	put_forwards(b, rs->table, rs->forwards, rs->forwards_len, true);

	put_dnat_rules(b, rs->table, "prerouting", "arriving");
	put_dnat_rules(b, rs->table, "output", "from the host");
	for (stage = 0; stage < STAGES; stage++)
		for (i = 0; i < rs->nets_len; i++)
			put_net_rules(b, rs->table, &rs->nets[i], stage);
	return nft_batch_done(b);
}

/* ---------------------------------------------------------------- queries */

bool nft_chain_conflict(const char *our_table, uint32_t family, const char *table,
			const char *chain, uint32_t hooknum, uint32_t policy,
			char *buf, size_t size)
{
	const char *fam = family == NFPROTO_IPV4 ? "ip" : family == NFPROTO_INET ? "inet" : NULL;

	if (!fam || policy != NF_DROP)
		return false;
	if (family == NFPROTO_INET && our_table && !strcmp(table, our_table))
		return false;
	if (hooknum != NF_INET_FORWARD && hooknum != NF_INET_PRE_ROUTING &&
	    hooknum != NF_INET_POST_ROUTING)
		return false;
	snprintf(buf, size,
		 "table %s %s, chain %s (hook %s) has policy drop: traffic vswitchd forwards is dropped "
		 "there unless a rule in that chain accepts it (Docker sets this up; allow the networks' "
		 "gateway interfaces there)", fam, table, chain, hook_name(hooknum));
	return true;
}

struct dump_ctx {
	const char *our_table;
	void (*warn)(const char *text, void *opaque);
	void *opaque;
	int found;
	const char *want_table;	/* nft_table_exists() */
};

static int chain_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	char text[512];

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0 && nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM) &&
	    nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) &&
	    nft_chain_conflict(ctx->our_table, nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY),
			       nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE),
			       nftnl_chain_get_str(c, NFTNL_CHAIN_NAME),
			       nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM),
			       nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY), text, sizeof(text))) {
		ctx->found++;
		if (ctx->warn)
			ctx->warn(text, ctx->opaque);
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* Send one GET request and run @cb on the answers. Return: 0 or negative errno. */
static int nfnl_query(uint16_t type, uint16_t flags, const char *table, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = nft_nl_open();
	struct nlmsghdr *nlh;
	unsigned int portid;
	uint32_t seq = (uint32_t)time(NULL);
	int ret;

	if (!nl)
		return -errno;
	portid = mnl_socket_get_portid(nl);
	nlh = nftnl_nlmsg_build_hdr(buf, type, table ? NFPROTO_INET : NFPROTO_UNSPEC,
				    flags | NLM_F_ACK, seq);
	if (table) {
		struct nftnl_table *t = nftnl_table_alloc();

		if (!t) {
			mnl_socket_close(nl);
			return -ENOMEM;
		}
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
		nftnl_table_nlmsg_build_payload(nlh, t);
		nftnl_table_free(t);
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		mnl_socket_close(nl);
		return ret;
	}
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		if (len < 0) {
			ret = errno == EAGAIN ? -ETIMEDOUT : -errno;
			break;
		}
		ret = mnl_cb_run(buf, (size_t)len, seq, portid, cb, data);
		if (ret <= 0) {
			ret = ret < 0 ? -errno : 0;
			break;
		}
	}
	mnl_socket_close(nl);
	return ret;
}

int nft_find_conflicts(const char *our_table, void (*warn)(const char *text, void *opaque),
		       void *opaque)
{
	struct dump_ctx ctx = { .our_table = our_table, .warn = warn, .opaque = opaque };
	int ret = nfnl_query(NFT_MSG_GETCHAIN, NLM_F_DUMP, NULL, chain_dump_cb, &ctx);

	return ret < 0 ? ret : ctx.found;
}

int nft_table_exists(const char *table)
{
	int ret;

	if (!nft_table_name_valid(table))
		return -EINVAL;
	ret = nfnl_query(NFT_MSG_GETTABLE, 0, table, NULL, NULL);
	if (ret == -ENOENT)
		return 0;
	return ret < 0 ? ret : 1;
}
