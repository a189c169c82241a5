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
 * Every chain, map and rule carries a comment, so `nft list table inet
 * vswitch` reads as an explanation of itself. Rules are built from the
 * same expressions nft itself generates (compare `nft --debug=netlink`).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft.h"

/* nft's datatype ids (src/datatype.h), for map key and data types. */
#define NFT_TYPE_IPADDR		7
#define NFT_TYPE_INET_PROTOCOL	12
#define NFT_TYPE_INET_SERVICE	13
#define NFT_TYPE_BITS		6	/* concatenated types: first field in the high bits */

#define BATCH_PAGE_SIZE		(128 * 1024)
#define BATCH_MSG_MAX		(96 * 1024)	/* largest single message we build */
/* Elements per NEWSETELEM message: the element list is one attribute, and
 * attribute lengths are 16 bits, so a message must stay under 64 KiB. */
#define ELEMS_PER_MSG		192
#define COMMIT_TIMEOUT_SEC	10

struct nft_batch {
	struct nftnl_batch *nb;
	uint32_t seq_first;		/* first message after batch begin */
	uint32_t seq;			/* next sequence number */
	size_t msgs;
	bool finished;			/* batch end written */
	char *text;			/* nft_batch_text() */
	size_t text_len, text_size;
	size_t *line_starts;		/* offset in @text of each message's line */
	size_t line_starts_size;
	char *flat;			/* nft_batch_buffer() */
	int error;			/* first error while building, as errno */
};

static void text_add(struct nft_batch *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(struct nft_batch *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->text_size - b->text_len;

		va_start(ap, fmt);
		n = vsnprintf(b->text ? b->text + b->text_len : NULL, b->text ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->text && (size_t)n < room) {
			b->text_len += (size_t)n;
			return;
		}
		{
			size_t size = (b->text_size ? b->text_size : 4096);
			char *p;

			while (size < b->text_len + (size_t)n + 1)
				size *= 2;
			p = realloc(b->text, size);
			if (!p) {
				b->error = ENOMEM;
				return;
			}
			b->text = p;
			b->text_size = size;
		}
	}
}

static struct nft_batch *batch_new(void)
{
	struct nft_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->nb = nftnl_batch_alloc(BATCH_PAGE_SIZE, BATCH_MSG_MAX);
	if (!b->nb) {
		free(b);
		errno = ENOMEM;
		return NULL;
	}
	/* Any start value works: each commit uses a fresh socket. */
	b->seq = (uint32_t)time(NULL) << 4;
	nftnl_batch_begin(nftnl_batch_buffer(b->nb), b->seq++);
	nftnl_batch_update(b->nb);
	b->seq_first = b->seq;
	text_add(b, "%s", "");
	return b;
}

void nft_batch_free(struct nft_batch *b)
{
	if (!b)
		return;
	nftnl_batch_free(b->nb);
	free(b->text);
	free(b->line_starts);
	free(b->flat);
	free(b);
}

/* Start a message of @type; the caller appends its payload, then msg_end(). */
static struct nlmsghdr *msg_start(struct nft_batch *b, uint16_t type, uint16_t flags)
{
	if (b->msgs == b->line_starts_size) {
		size_t n = b->line_starts_size ? 2 * b->line_starts_size : 64;
		size_t *p = realloc(b->line_starts, n * sizeof(*p));

		if (!p) {
			b->error = ENOMEM;
			return NULL;
		}
		b->line_starts = p;
		b->line_starts_size = n;
	}
	b->line_starts[b->msgs] = b->text_len;
	return nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->nb), type, NFPROTO_INET,
				     flags | NLM_F_ACK, b->seq++);
}

static void msg_end(struct nft_batch *b)
{
	nftnl_batch_update(b->nb);
	b->msgs++;
}

static void batch_finish(struct nft_batch *b)
{
	if (b->finished)
		return;
	nftnl_batch_end(nftnl_batch_buffer(b->nb), b->seq++);
	nftnl_batch_update(b->nb);
	b->finished = true;
}

const char *nft_batch_text(const struct nft_batch *b)
{
	return b->text ? b->text : "";
}

size_t nft_batch_msgs(const struct nft_batch *b)
{
	return b->msgs;
}

const void *nft_batch_buffer(struct nft_batch *b, size_t *size)
{
	int n, i;
	size_t total = 0;
	struct iovec *iov;

	batch_finish(b);
	n = nftnl_batch_iovec_len(b->nb);
	iov = calloc((size_t)n, sizeof(*iov));
	if (!iov)
		return NULL;
	nftnl_batch_iovec(b->nb, iov, (uint32_t)n);
	for (i = 0; i < n; i++)
		total += iov[i].iov_len;
	free(b->flat);
	b->flat = malloc(total ? total : 1);
	if (b->flat) {
		total = 0;
		for (i = 0; i < n; i++) {
			memcpy(b->flat + total, iov[i].iov_base, iov[i].iov_len);
			total += iov[i].iov_len;
		}
	}
	free(iov);
	*size = total;
	return b->flat;
}

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

/* A comment as nftnl userdata of @type; NULL or "" adds nothing. */
static int set_comment(const char *comment, uint8_t type,
		       void (*setter)(void *obj, const void *data, uint32_t len), void *obj)
{
	struct nftnl_udata_buf *ud;
	char text[NFT_COMMENT_MAX];

	if (!comment || !comment[0])
		return 0;
	snprintf(text, sizeof(text), "%s", comment);
	ud = nftnl_udata_buf_alloc(NFT_COMMENT_MAX + 16);
	if (!ud)
		return -ENOMEM;
	if (!nftnl_udata_put_strz(ud, type, text)) {
		nftnl_udata_buf_free(ud);
		return -ENOMEM;
	}
	setter(obj, nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	return 0;
}

static void table_udata(void *obj, const void *data, uint32_t len)
{
	nftnl_table_set_data(obj, NFTNL_TABLE_USERDATA, data, len);
}

static void chain_udata(void *obj, const void *data, uint32_t len)
{
	nftnl_chain_set_data(obj, NFTNL_CHAIN_USERDATA, data, len);
}

static void set_udata(void *obj, const void *data, uint32_t len)
{
	nftnl_set_set_data(obj, NFTNL_SET_USERDATA, data, len);
}

static void elem_udata(void *obj, const void *data, uint32_t len)
{
	nftnl_set_elem_set(obj, NFTNL_SET_ELEM_USERDATA, data, len);
}

static void rule_udata(void *obj, const void *data, uint32_t len)
{
	nftnl_rule_set_data(obj, NFTNL_RULE_USERDATA, data, len);
}

static void add_table(struct nft_batch *b, const char *table, uint16_t type, const char *comment)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t) {
		b->error = ENOMEM;
		return;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	if (set_comment(comment, NFTNL_UDATA_TABLE_COMMENT, table_udata, t))
		b->error = ENOMEM;
	nlh = msg_start(b, type, type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0);
	if (nlh) {
		nftnl_table_nlmsg_build_payload(nlh, t);
		text_add(b, "%s table inet %s%s%s\n", type == NFT_MSG_NEWTABLE ? "add" : "delete",
			 table, comment ? " # " : "", comment ? comment : "");
		msg_end(b);
	}
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

static void add_chain(struct nft_batch *b, const char *table, const char *name,
		      const char *type, uint32_t hooknum, int32_t prio, const char *comment)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c) {
		b->error = ENOMEM;
		return;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hooknum);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	if (set_comment(comment, NFTNL_UDATA_CHAIN_COMMENT, chain_udata, c))
		b->error = ENOMEM;
	nlh = msg_start(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	if (nlh) {
		nftnl_chain_nlmsg_build_payload(nlh, c);
		text_add(b, "add chain %s type %s hook %s priority %d policy accept # %s\n",
			 name, type, hook_name(hooknum), prio, comment);
		msg_end(b);
	}
	nftnl_chain_free(c);
}

static void add_map(struct nft_batch *b, const char *table, const char *name, uint32_t id,
		    uint32_t key_type, uint32_t key_len, const char *key_text, const char *comment)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;

	if (!s) {
		b->error = ENOMEM;
		return;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_MAP);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, key_len);
	nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE,
			  NFT_TYPE_IPADDR << NFT_TYPE_BITS | NFT_TYPE_INET_SERVICE);
	nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, 8);
	if (set_comment(comment, NFTNL_UDATA_SET_COMMENT, set_udata, s))
		b->error = ENOMEM;
	nlh = msg_start(b, NFT_MSG_NEWSET, NLM_F_CREATE);
	if (nlh) {
		nftnl_set_nlmsg_build_payload(nlh, s);
		text_add(b, "add map %s type %s : ipv4_addr . inet_service # %s\n",
			 name, key_text, comment);
		msg_end(b);
	}
	nftnl_set_free(s);
}

/* ------------------------------------------------------------ expressions */

static void expr_add(struct nft_batch *b, struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (!e) {
		b->error = ENOMEM;
		return;
	}
	nftnl_rule_add_expr(r, e);
}

static void e_meta(struct nft_batch *b, struct nftnl_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
	}
	expr_add(b, r, e);
}

static void e_cmp(struct nft_batch *b, struct nftnl_rule *r, uint32_t op, const void *data,
		  uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	expr_add(b, r, e);
}

static void e_payload(struct nft_batch *b, struct nftnl_rule *r, uint32_t base,
		      uint32_t offset, uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	}
	expr_add(b, r, e);
}

static void e_bitwise_and(struct nft_batch *b, struct nftnl_rule *r, const void *mask, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
	static const uint8_t zero[16];

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	}
	expr_add(b, r, e);
}

static void e_immediate_verdict(struct nft_batch *b, struct nftnl_rule *r, int verdict)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	}
	expr_add(b, r, e);
}

/* meta nfproto ipv4: the inet family sees IPv6 too. */
static void m_ipv4(struct nft_batch *b, struct nftnl_rule *r)
{
	uint8_t proto = NFPROTO_IPV4;

	e_meta(b, r, NFT_META_NFPROTO, NFT_REG_1);
	e_cmp(b, r, NFT_CMP_EQ, &proto, sizeof(proto));
}

/* iifname/oifname (==|!=) @name: compared over IFNAMSIZ bytes, as nft does. */
static void m_ifname(struct nft_batch *b, struct nftnl_rule *r, uint32_t key, uint32_t op,
		     const char *name)
{
	char padded[IFNAMSIZ] = { 0 };

	memcpy(padded, name, strnlen(name, IFNAMSIZ - 1));
	e_meta(b, r, key, NFT_REG_1);
	e_cmp(b, r, op, padded, sizeof(padded));
}

/* ip saddr/daddr @addr/@prefix_len (@offset 12 or 16). */
static void m_prefix(struct nft_batch *b, struct nftnl_rule *r, uint32_t offset,
		     struct in_addr addr, uint8_t prefix_len)
{
	uint32_t mask = htonl(prefix_len ? ~0u << (32 - prefix_len) : 0);
	uint32_t value = addr.s_addr & mask;

	e_payload(b, r, NFT_PAYLOAD_NETWORK_HEADER, offset, 4, NFT_REG_1);
	if (prefix_len < 32)
		e_bitwise_and(b, r, &mask, sizeof(mask));
	e_cmp(b, r, NFT_CMP_EQ, &value, sizeof(value));
}

/* ct (state|status) & @bits != 0 */
static void m_ct_bits(struct nft_batch *b, struct nftnl_rule *r, uint32_t key, uint32_t bits)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");
	uint32_t zero = 0;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	expr_add(b, r, e);
	e_bitwise_and(b, r, &bits, sizeof(bits));
	e_cmp(b, r, NFT_CMP_NEQ, &zero, sizeof(zero));
}

/* fib daddr type local */
static void m_daddr_local(struct nft_batch *b, struct nftnl_rule *r)
{
	struct nftnl_expr *e = nftnl_expr_alloc("fib");
	uint32_t local = RTN_LOCAL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	}
	expr_add(b, r, e);
	e_cmp(b, r, NFT_CMP_EQ, &local, sizeof(local));
}

/*
 * dnat ip to [ip daddr .] meta l4proto . th dport map @map: the key fields
 * go into consecutive 32-bit registers, the lookup writes address and port
 * into registers 1 and 9 (the first two 32-bit words of register 1).
 */
static void a_dnat_map(struct nft_batch *b, struct nftnl_rule *r, const char *map,
		       uint32_t map_id, bool with_addr)
{
	uint32_t reg = NFT_REG_1;
	struct nftnl_expr *e;

	if (with_addr) {
		e_payload(b, r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG_1);
		reg = NFT_REG32_01;
	}
	e_meta(b, r, NFT_META_L4PROTO, reg);
	e_payload(b, r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg == NFT_REG_1 ? NFT_REG32_01 : reg + 1);

	e = nftnl_expr_alloc("lookup");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_1);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, map);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, map_id);
	}
	expr_add(b, r, e);

	e = nftnl_expr_alloc("nat");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG32_01);
	}
	expr_add(b, r, e);
}

static void a_masquerade(struct nft_batch *b, struct nftnl_rule *r)
{
	expr_add(b, r, nftnl_expr_alloc("masq"));
}

static struct nftnl_rule *rule_new(struct nft_batch *b, const char *table, const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r) {
		b->error = ENOMEM;
		return NULL;
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	return r;
}

/* Append @r (freed here) with @comment to the batch. */
static void rule_commit(struct nft_batch *b, struct nftnl_rule *r, const char *comment)
{
	struct nlmsghdr *nlh;
	char *dump;

	if (!r)
		return;
	if (set_comment(comment, NFTNL_UDATA_RULE_COMMENT, rule_udata, r))
		b->error = ENOMEM;
	nlh = msg_start(b, NFT_MSG_NEWRULE, NLM_F_APPEND | NLM_F_CREATE);
	if (nlh) {
		nftnl_rule_nlmsg_build_payload(nlh, r);
		dump = malloc(4096);
		if (dump) {
			nftnl_rule_snprintf(dump, 4096, r, NFTNL_OUTPUT_DEFAULT, 0);
			/* nftnl starts with "family table chain handle position"; keep the expressions. */
			text_add(b, "add rule %s # %s\n%s\n", nftnl_rule_get_str(r, NFTNL_RULE_CHAIN),
				 comment, strchr(dump, '\n') ? strchr(dump, '\n') + 1 : dump);
			free(dump);
		}
		msg_end(b);
	}
	nftnl_rule_free(r);
}

/* ---------------------------------------------------------------- forwards */

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

/* One NEWSETELEM/DELSETELEM message per map per ELEMS_PER_MSG forwards. */
static void add_forward_elems(struct nft_batch *b, const char *table,
			      const struct nft_forward *fwds, size_t len, bool add, bool with_addr)
{
	const char *map = with_addr ? NFT_MAP_FORWARDS_ADDR : NFT_MAP_FORWARDS;
	size_t i = 0;

	while (i < len) {
		struct nftnl_set *s = nftnl_set_alloc();
		struct nlmsghdr *nlh;
		size_t in_msg = 0, mark = b->text_len;

		if (!s) {
			b->error = ENOMEM;
			return;
		}
		nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
		nftnl_set_set_str(s, NFTNL_SET_NAME, map);
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
		for (; i < len && in_msg < ELEMS_PER_MSG; i++) {
			const struct nft_forward *f = &fwds[i];
			struct nftnl_set_elem *e;
			char a[INET_ADDRSTRLEN], t[INET_ADDRSTRLEN];
			uint8_t key[12], data[8];
			uint32_t key_len;

			if ((f->addr.s_addr != INADDR_ANY) != with_addr)
				continue;
			e = nftnl_set_elem_alloc();
			if (!e) {
				b->error = ENOMEM;
				break;
			}
			forward_key(f, with_addr, key, &key_len);
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, key_len);
			if (add) {
				forward_data(f, data);
				nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, data, sizeof(data));
				if (set_comment(f->comment, NFTNL_UDATA_SET_ELEM_COMMENT, elem_udata, e))
					b->error = ENOMEM;
			}
			nftnl_set_elem_add(s, e);
			inet_ntop(AF_INET, &f->addr, a, sizeof(a));
			inet_ntop(AF_INET, &f->target, t, sizeof(t));
			in_msg++;
			text_add(b, "%s element %s { %s%s%s . %u : %s . %u }%s%s\n",
				 add ? "add" : "delete", map, with_addr ? a : "", with_addr ? " . " : "",
				 proto_name(f->proto), f->port, t, f->target_port,
				 add && f->comment ? " # " : "", add && f->comment ? f->comment : "");
		}
		if (in_msg) {
			nlh = msg_start(b, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
					add ? NLM_F_CREATE | NLM_F_EXCL : 0);
			if (nlh) {
				/* The message's text is its element lines, written above. */
				b->line_starts[b->msgs] = mark;
				nftnl_set_elems_nlmsg_build_payload(nlh, s);
				msg_end(b);
			}
		}
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

struct nft_batch *nft_build_forwards(const char *table, const struct nft_forward *fwds,
				     size_t len, bool add)
{
	struct nft_batch *b;

	if (!nft_table_name_valid(table) || (len && !fwds) || check_forwards(fwds, len)) {
		errno = EINVAL;
		return NULL;
	}
	b = batch_new();
	if (!b)
		return NULL;
	add_forward_elems(b, table, fwds, len, add, false);
	add_forward_elems(b, table, fwds, len, add, true);
	if (b->error) {
		errno = b->error;
		nft_batch_free(b);
		return NULL;
	}
	return b;
}

struct nft_batch *nft_build_delete_table(const char *table)
{
	struct nft_batch *b;

	if (!nft_table_name_valid(table)) {
		errno = EINVAL;
		return NULL;
	}
	b = batch_new();
	if (!b)
		return NULL;
	/* Adding first makes the delete succeed when there is nothing to delete. */
	add_table(b, table, NFT_MSG_NEWTABLE, NULL);
	add_table(b, table, NFT_MSG_DELTABLE, NULL);
	if (b->error) {
		errno = b->error;
		nft_batch_free(b);
		return NULL;
	}
	return b;
}

/* ------------------------------------------------------------ the ruleset */

#define MAP_ID_FORWARDS		1
#define MAP_ID_FORWARDS_ADDR	2

static void dnat_rules(struct nft_batch *b, const char *table, const char *chain, const char *who)
{
	struct nftnl_rule *r;
	char comment[NFT_COMMENT_MAX];

	r = rule_new(b, table, chain);
	if (r) {
		m_ipv4(b, r);
		m_daddr_local(b, r);
		a_dnat_map(b, r, NFT_MAP_FORWARDS_ADDR, MAP_ID_FORWARDS_ADDR, true);
	}
	snprintf(comment, sizeof(comment), "%s to a forward bound to one host address", who);
	rule_commit(b, r, comment);

	r = rule_new(b, table, chain);
	if (r) {
		m_ipv4(b, r);
		m_daddr_local(b, r);
		a_dnat_map(b, r, NFT_MAP_FORWARDS, MAP_ID_FORWARDS, false);
	}
	snprintf(comment, sizeof(comment), "%s to a forward on any host address", who);
	rule_commit(b, r, comment);
}

static int check_net(const struct nft_net *n)
{
	if (!n->name[0] || !n->ifname[0] || strnlen(n->ifname, IFNAMSIZ) >= IFNAMSIZ ||
	    n->prefix_len > 32 || n->mode > NFT_NET_ISOLATED)
		return -EINVAL;
	return 0;
}

static void net_rules_postrouting(struct nft_batch *b, const char *table, const struct nft_net *n)
{
	struct in_addr loopback = { htonl(INADDR_LOOPBACK & 0xff000000) };
	char comment[NFT_COMMENT_MAX];
	struct nftnl_rule *r;

	if (n->mode == NFT_NET_ISOLATED)
		return;
	if (n->mode == NFT_NET_NAT) {
		r = rule_new(b, table, "postrouting");
		if (r) {
			m_ipv4(b, r);
			m_prefix(b, r, 12, n->subnet, n->prefix_len);
			m_ifname(b, r, NFT_META_OIFNAME, NFT_CMP_NEQ, n->ifname);
			a_masquerade(b, r);
		}
		snprintf(comment, sizeof(comment),
			 "nat network %s: guests leave with the address of the outgoing interface", n->name);
		rule_commit(b, r, comment);
	}
	r = rule_new(b, table, "postrouting");
	if (r) {
		m_ipv4(b, r);
		m_ifname(b, r, NFT_META_OIFNAME, NFT_CMP_EQ, n->ifname);
		m_prefix(b, r, 12, n->subnet, n->prefix_len);
		m_ct_bits(b, r, NFT_CT_STATUS, IPS_DST_NAT);
		a_masquerade(b, r);
	}
	snprintf(comment, sizeof(comment),
		 "%s: hairpin, a guest reaching another guest through a forwarded port", n->name);
	rule_commit(b, r, comment);

	r = rule_new(b, table, "postrouting");
	if (r) {
		m_ipv4(b, r);
		m_ifname(b, r, NFT_META_OIFNAME, NFT_CMP_EQ, n->ifname);
		m_prefix(b, r, 12, loopback, 8);
		a_masquerade(b, r);
	}
	snprintf(comment, sizeof(comment), "%s: connections from localhost to a forwarded port", n->name);
	rule_commit(b, r, comment);
}

/*
 * Forward-chain rules of @n. Rules that guard traffic *to* a network come
 * first for every network (@inbound), then those about traffic *from* one:
 * otherwise "from nat network A: accept" would let A's guests into nat
 * network B before B's "drop" is reached.
 */
static void net_rules_forward(struct nft_batch *b, const char *table, const struct nft_net *n,
			      bool inbound)
{
	char comment[NFT_COMMENT_MAX];
	struct nftnl_rule *r;

	switch (n->mode) {
	case NFT_NET_NAT:
		if (!inbound) {
			r = rule_new(b, table, "forward");
			if (r) {
				m_ifname(b, r, NFT_META_IIFNAME, NFT_CMP_EQ, n->ifname);
				e_immediate_verdict(b, r, NF_ACCEPT);
			}
			snprintf(comment, sizeof(comment),
				 "nat network %s: guests may open connections outside", n->name);
			rule_commit(b, r, comment);
			break;
		}
		r = rule_new(b, table, "forward");
		if (r) {
			m_ifname(b, r, NFT_META_OIFNAME, NFT_CMP_EQ, n->ifname);
			m_ct_bits(b, r, NFT_CT_STATE, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
						       NF_CT_STATE_BIT(IP_CT_RELATED));
			e_immediate_verdict(b, r, NF_ACCEPT);
		}
		snprintf(comment, sizeof(comment), "nat network %s: replies to connections guests opened", n->name);
		rule_commit(b, r, comment);

		r = rule_new(b, table, "forward");
		if (r) {
			m_ifname(b, r, NFT_META_OIFNAME, NFT_CMP_EQ, n->ifname);
			m_ct_bits(b, r, NFT_CT_STATUS, IPS_DST_NAT);
			e_immediate_verdict(b, r, NF_ACCEPT);
		}
		snprintf(comment, sizeof(comment), "nat network %s: connections to forwarded ports", n->name);
		rule_commit(b, r, comment);

		r = rule_new(b, table, "forward");
		if (r) {
			m_ifname(b, r, NFT_META_OIFNAME, NFT_CMP_EQ, n->ifname);
			e_immediate_verdict(b, r, NF_DROP);
		}
		snprintf(comment, sizeof(comment), "nat network %s: nothing else from outside reaches guests", n->name);
		rule_commit(b, r, comment);
		break;
	case NFT_NET_ROUTED:
		if (!inbound) {
			r = rule_new(b, table, "forward");
			if (r) {
				m_ifname(b, r, NFT_META_IIFNAME, NFT_CMP_EQ, n->ifname);
				e_immediate_verdict(b, r, NF_ACCEPT);
			}
			snprintf(comment, sizeof(comment),
				 "routed network %s: forwarded from guests, addresses kept", n->name);
			rule_commit(b, r, comment);
			break;
		}
		r = rule_new(b, table, "forward");
		if (r) {
			m_ifname(b, r, NFT_META_OIFNAME, NFT_CMP_EQ, n->ifname);
			e_immediate_verdict(b, r, NF_ACCEPT);
		}
		snprintf(comment, sizeof(comment), "routed network %s: forwarded to guests, addresses kept", n->name);
		rule_commit(b, r, comment);
		break;
	case NFT_NET_ISOLATED:
		if (!inbound)
			break;
		r = rule_new(b, table, "forward");
		if (r) {
			m_ifname(b, r, NFT_META_IIFNAME, NFT_CMP_EQ, n->ifname);
			e_immediate_verdict(b, r, NF_DROP);
		}
		snprintf(comment, sizeof(comment), "isolated network %s: nothing leaves", n->name);
		rule_commit(b, r, comment);
		r = rule_new(b, table, "forward");
		if (r) {
			m_ifname(b, r, NFT_META_OIFNAME, NFT_CMP_EQ, n->ifname);
			e_immediate_verdict(b, r, NF_DROP);
		}
		snprintf(comment, sizeof(comment), "isolated network %s: nothing enters", n->name);
		rule_commit(b, r, comment);
		break;
	}
}

struct nft_batch *nft_build_ruleset(const struct nft_ruleset *rs)
{
	const char *table = rs ? rs->table : NULL;
	struct nft_batch *b;
	size_t i;

	if (!rs || !nft_table_name_valid(table) || (rs->nets_len && !rs->nets) ||
	    (rs->forwards_len && !rs->forwards) || check_forwards(rs->forwards, rs->forwards_len)) {
		errno = EINVAL;
		return NULL;
	}
	for (i = 0; i < rs->nets_len; i++) {
		if (check_net(&rs->nets[i])) {
			errno = EINVAL;
			return NULL;
		}
	}
	b = batch_new();
	if (!b)
		return NULL;

	add_table(b, table, NFT_MSG_NEWTABLE, NULL);
	add_table(b, table, NFT_MSG_DELTABLE, NULL);
	add_table(b, table, NFT_MSG_NEWTABLE,
		  "owned by vswitchd: rebuilt as a whole on every change, edits here are lost");

	add_chain(b, table, "prerouting", "nat", NF_INET_PRE_ROUTING, NF_IP_PRI_NAT_DST,
		  "port forwards: connections arriving for a forwarded host port go to the guest");
	add_chain(b, table, "output", "nat", NF_INET_LOCAL_OUT, NF_IP_PRI_NAT_DST,
		  "port forwards for connections from the host itself, localhost included");
	add_chain(b, table, "postrouting", "nat", NF_INET_POST_ROUTING, NF_IP_PRI_NAT_SRC,
		  "source NAT: masquerade for nat networks, hairpin and localhost forwards");
	add_chain(b, table, "forward", "filter", NF_INET_FORWARD, NF_IP_PRI_FILTER,
		  "what may cross between the networks and the outside");

	add_map(b, table, NFT_MAP_FORWARDS, MAP_ID_FORWARDS,
		NFT_TYPE_INET_PROTOCOL << NFT_TYPE_BITS | NFT_TYPE_INET_SERVICE, 8,
		"inet_proto . inet_service",
		"forwards on every host address: protocol . host port -> guest . port");
	add_map(b, table, NFT_MAP_FORWARDS_ADDR, MAP_ID_FORWARDS_ADDR,
		(NFT_TYPE_IPADDR << NFT_TYPE_BITS | NFT_TYPE_INET_PROTOCOL) << NFT_TYPE_BITS |
			NFT_TYPE_INET_SERVICE, 12,
		"ipv4_addr . inet_proto . inet_service",
		"forwards bound to one host address: address . protocol . port -> guest . port");
	add_forward_elems(b, table, rs->forwards, rs->forwards_len, true, false);
	add_forward_elems(b, table, rs->forwards, rs->forwards_len, true, true);

	dnat_rules(b, table, "prerouting", "arriving");
	dnat_rules(b, table, "output", "from the host");
	for (i = 0; i < rs->nets_len; i++)
		net_rules_postrouting(b, table, &rs->nets[i]);
	for (i = 0; i < rs->nets_len; i++)
		net_rules_forward(b, table, &rs->nets[i], true);
	for (i = 0; i < rs->nets_len; i++)
		net_rules_forward(b, table, &rs->nets[i], false);

	if (b->error) {
		errno = b->error;
		nft_batch_free(b);
		return NULL;
	}
	return b;
}

/* ------------------------------------------------------------------ kernel */

static struct mnl_socket *nfnl_open(void)
{
	struct timeval tv = { .tv_sec = COMMIT_TIMEOUT_SEC };
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	int one = 1, err;

	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return nl;
}

static int extack_cb(const struct nlattr *attr, void *data)
{
	const char **msg = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*msg = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/* The text line of the batch's @index-th message, for error messages. */
static void message_line(const struct nft_batch *b, size_t index, char *buf, size_t size)
{
	const char *start, *end;

	buf[0] = '\0';
	if (index >= b->msgs || !b->text)
		return;
	start = b->text + b->line_starts[index];
	end = strchr(start, '\n');
	snprintf(buf, size, "%.*s", (int)(end ? end - start : (ptrdiff_t)strlen(start)), start);
}

int nft_commit(struct nft_batch *b, char *err, size_t err_size)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct mnl_socket *nl;
	struct msghdr mh = { 0 };
	struct iovec *iov;
	size_t answered = 0, total = 0;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int n, i, ret = 0, bufsize;

	if (!b)
		return -EINVAL;
	batch_finish(b);
	nl = nfnl_open();
	if (!nl) {
		ret = -errno;
		snprintf(err, err_size, "cannot open nfnetlink socket: %s", strerror(errno));
		return ret;
	}
	n = nftnl_batch_iovec_len(b->nb);
	iov = calloc((size_t)n, sizeof(*iov));
	if (!iov) {
		mnl_socket_close(nl);
		return -ENOMEM;
	}
	nftnl_batch_iovec(b->nb, iov, (uint32_t)n);
	for (i = 0; i < n; i++)
		total += iov[i].iov_len;
	/* The whole batch travels as one message; make room for it. */
	bufsize = (int)(total + 65536);
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE, &bufsize, sizeof(bufsize)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	mh.msg_name = &kernel;
	mh.msg_namelen = sizeof(kernel);
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)n;
	if (sendmsg(mnl_socket_get_fd(nl), &mh, 0) < 0) {
		ret = -errno;
		snprintf(err, err_size, "cannot send the nftables batch: %s", strerror(errno));
		goto out;
	}
	/* Every message asked for an acknowledgement: wait for all of them. */
	while (answered < b->msgs) {
		ssize_t len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		const struct nlmsghdr *nlh;
		int left;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			ret = errno == EAGAIN ? -ETIMEDOUT : -errno;
			snprintf(err, err_size, "no answer from nftables: %s", strerror(-ret));
			goto out;
		}
		left = (int)len;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			struct nlmsgerr e;
			const char *why = NULL;
			char line[256];

			if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_seq < b->seq_first ||
			    nlh->nlmsg_seq >= b->seq_first + b->msgs)
				continue;
			if (mnl_nlmsg_get_payload_len(nlh) < sizeof(e)) {
				ret = -EPROTO;
				snprintf(err, err_size, "malformed answer from nftables");
				goto out;
			}
			memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
			answered++;
			if (!e.error)
				continue;
			if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
				mnl_attr_parse(nlh, sizeof(e), extack_cb, &why);
			message_line(b, nlh->nlmsg_seq - b->seq_first, line, sizeof(line));
			ret = e.error < 0 && e.error > -4096 ? e.error : -EPROTO;
			snprintf(err, err_size, "the kernel refused the nftables change: %s%s%s (at: %s)",
				 strerror(-ret), why ? ": " : "", why ? why : "", line);
			goto out;
		}
	}
out:
	free(iov);
	mnl_socket_close(nl);
	return ret;
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
	struct mnl_socket *nl = nfnl_open();
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
