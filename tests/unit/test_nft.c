/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_nft.c - unit tests for lib/nft.c: the ruleset and forward batches are
 * built without root and inspected, both as text and by parsing the
 * serialized netlink messages back with libnftnl.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>

#include "fileio.h"
#include "hash.h"
#include "nft.h"
#include "nft_expr.h"

static struct nft_net make_net(const char *name, enum nft_net_mode mode, const char *subnet,
			       uint8_t prefix_len)
{
	struct nft_net n;

	memset(&n, 0, sizeof(n));
	snprintf(n.name, sizeof(n.name), "%s", name);
	snprintf(n.ifname, sizeof(n.ifname), "vsw-%s", name);
	n.mode = mode;
	inet_pton(AF_INET, subnet, &n.subnet);
	n.prefix_len = prefix_len;
	return n;
}

static struct nft_forward make_fwd(uint8_t proto, const char *addr, uint16_t port,
				   const char *target, uint16_t target_port)
{
	struct nft_forward f;

	memset(&f, 0, sizeof(f));
	f.proto = proto;
	if (addr)
		inet_pton(AF_INET, addr, &f.addr);
	f.port = port;
	inet_pton(AF_INET, target, &f.target);
	f.target_port = target_port;
	return f;
}

/* Messages of a serialized batch, by type, with a check that each parses. */
struct parsed {
	unsigned int begin, end, tables, deltables, chains, sets, elem_msgs, rules;
	unsigned int elems;
	unsigned int rules_with_comment;
	size_t largest_msg;
	uint8_t first_key[12], first_data[8];
	uint32_t first_key_len;
	char chain_of_rule[64][32];
};

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && nftnl_udata_len(attr) > 1)
		*(bool *)data = true;
	return 0;
}

/* The value inside a NFTA_DATA_VALUE nest. */
static const void *data_value(const struct nlattr *nest, uint32_t *len)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == NFTA_DATA_VALUE) {
			*len = mnl_attr_get_payload_len(a);
			return mnl_attr_get_payload(a);
		}
	}
	return NULL;
}

static void parse_elems(const struct nlmsghdr *nlh, struct parsed *p)
{
	const struct nlattr *a, *elem, *field;
	bool table_ok = false;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == NFTA_SET_ELEM_LIST_TABLE)
			table_ok = !strcmp(mnl_attr_get_str(a), "vswitch");
		if (mnl_attr_get_type(a) != NFTA_SET_ELEM_LIST_ELEMENTS)
			continue;
		mnl_attr_for_each_nested(elem, a) {
			if (!p->elems) {
				mnl_attr_for_each_nested(field, elem) {
					uint32_t len = 0;
					const void *v = data_value(field, &len);

					if (mnl_attr_get_type(field) == NFTA_SET_ELEM_KEY && v) {
						assert_true(len <= sizeof(p->first_key));
						memcpy(p->first_key, v, len);
						p->first_key_len = len;
					} else if (mnl_attr_get_type(field) == NFTA_SET_ELEM_DATA && v) {
						assert_int_equal(len, 8);
						memcpy(p->first_data, v, 8);
					}
				}
			}
			p->elems++;
		}
	}
	assert_true(table_ok);
}

static void parse_batch(struct nft_batch *b, struct parsed *p)
{
	const struct nlmsghdr *nlh;
	const void *buf;
	size_t size;
	int left;

	memset(p, 0, sizeof(*p));
	buf = nft_batch_buffer(b, &size);
	assert_non_null(buf);
	left = (int)size;
	for (nlh = buf; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		uint16_t type = nlh->nlmsg_type;

		if (nlh->nlmsg_len > p->largest_msg)
			p->largest_msg = nlh->nlmsg_len;
		if (type == NFNL_MSG_BATCH_BEGIN) {
			p->begin++;
			continue;
		}
		if (type == NFNL_MSG_BATCH_END) {
			p->end++;
			continue;
		}
		assert_int_equal(type >> 8, NFNL_SUBSYS_NFTABLES);
		/* Every message asks for an answer, so commit knows when it is done. */
		assert_true(nlh->nlmsg_flags & NLM_F_ACK);
		switch (type & 0xff) {
		case NFT_MSG_NEWTABLE:
			p->tables++;
			break;
		case NFT_MSG_DELTABLE:
			p->deltables++;
			break;
		case NFT_MSG_NEWCHAIN:
			p->chains++;
			break;
		case NFT_MSG_NEWSET:
			p->sets++;
			break;
		case NFT_MSG_NEWSETELEM:
		case NFT_MSG_DELSETELEM:
			/*
			 * Parsed by hand: libnftnl numbers the elements of a list it
			 * builds 1, 2, 3... but its parser wants every one typed
			 * NFTA_LIST_ELEM. The kernel ignores the type.
			 */
			parse_elems(nlh, p);
			p->elem_msgs++;
			break;
		case NFT_MSG_NEWRULE: {
			struct nftnl_rule *r = nftnl_rule_alloc();
			bool has_comment = false;
			uint32_t len;
			const void *ud;

			assert_int_equal(nftnl_rule_nlmsg_parse(nlh, r), 0);
			assert_string_equal(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), "vswitch");
			if (p->rules < 64)
				snprintf(p->chain_of_rule[p->rules], 32, "%s",
					 nftnl_rule_get_str(r, NFTNL_RULE_CHAIN));
			ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
			if (ud)
				nftnl_udata_parse(ud, len, comment_cb, &has_comment);
			p->rules_with_comment += has_comment;
			p->rules++;
			nftnl_rule_free(r);
			break;
		}
		default:
			fail_msg("unexpected message type %u", type & 0xff);
		}
	}
	assert_int_equal(left, 0);
}

static void test_ruleset_replaces_table_atomically(void **state)
{
	struct nft_net nets[] = { make_net("lab", NFT_NET_NAT, "10.1.2.0", 24) };
	struct nft_ruleset rs = { .table = "vswitch", .nets = nets, .nets_len = 1 };
	struct nft_batch *b = nft_build_ruleset(&rs);
	struct parsed p;
	const char *text;

	(void)state;
	assert_non_null(b);
	text = nft_batch_text(b);
	/* add (so the delete cannot fail), delete (stale state goes), add afresh. */
	assert_true(strstr(text, "add table inet vswitch\ndelete table inet vswitch\nadd table inet vswitch") == text);
	parse_batch(b, &p);
	assert_int_equal(p.begin, 1);
	assert_int_equal(p.end, 1);
	assert_int_equal(p.tables, 2);
	assert_int_equal(p.deltables, 1);
	assert_int_equal(p.chains, 4);
	assert_int_equal(p.sets, 2);
	assert_int_equal(p.elem_msgs, 0);
	/* Every rule says what it is for. */
	assert_true(p.rules > 0);
	assert_int_equal(p.rules_with_comment, p.rules);
	assert_int_equal(nft_batch_msgs(b), 3 + 4 + 2 + p.rules);
	nft_batch_free(b);
}

static void test_nat_network_rules(void **state)
{
	struct nft_net nets[] = { make_net("lab", NFT_NET_NAT, "10.1.2.0", 24) };
	struct nft_ruleset rs = { .table = "vswitch", .nets = nets, .nets_len = 1 };
	struct nft_batch *b = nft_build_ruleset(&rs);
	const char *text, *masq;

	(void)state;
	assert_non_null(b);
	text = nft_batch_text(b);
	/* Named chains at the hooks the design needs. */
	assert_non_null(strstr(text, "add chain prerouting type nat hook prerouting priority -100"));
	assert_non_null(strstr(text, "add chain output type nat hook output priority -100"));
	assert_non_null(strstr(text, "add chain postrouting type nat hook postrouting priority 100"));
	assert_non_null(strstr(text, "add chain forward type filter hook forward priority 0"));
	/* Masquerade: source in the subnet, leaving through any other interface. */
	masq = strstr(text, "add rule postrouting # nat network lab: guests leave");
	assert_non_null(masq);
	assert_non_null(strstr(masq, "[ cmp eq reg 1 0x0002010a ]"));	/* 10.1.2.0 */
	assert_non_null(strstr(masq, "[ bitwise reg 1 = ( reg 1 & 0x00ffffff ) ^ 0x00000000 ]"));
	/* "vsw-lab" as the kernel compares it: != */
	assert_non_null(strstr(masq, "[ cmp neq reg 1 0x2d777376 0x0062616c 0x00000000 0x00000000 ]"));
	assert_non_null(strstr(masq, "[ masq ]"));
	/* Hairpin and localhost source NAT towards the gateway. */
	assert_non_null(strstr(text, "# lab: hairpin"));
	assert_non_null(strstr(text, "# lab: connections from localhost"));
	assert_non_null(strstr(text, "[ cmp eq reg 1 0x0000007f ]"));
	/* Inbound: replies and forwards accepted, the rest dropped. */
	assert_non_null(strstr(text, "# nat network lab: replies to connections guests opened"));
	assert_non_null(strstr(text, "[ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]"));
	assert_non_null(strstr(text, "# nat network lab: connections to forwarded ports"));
	assert_non_null(strstr(text, "[ bitwise reg 1 = ( reg 1 & 0x00000020 ) ^ 0x00000000 ]"));
	assert_non_null(strstr(text, "# nat network lab: nothing else from outside reaches guests\n"
				     "  [ meta load oifname => reg 1 ]\n"
				     "  [ cmp eq reg 1 0x2d777376 0x0062616c 0x00000000 0x00000000 ]\n"
				     "  [ immediate reg 0 drop ]"));
	/* DNAT through the maps, one rule per map and hook, only to local addresses. */
	assert_non_null(strstr(text, "[ lookup reg 1 set forwards dreg 1 ]"));
	assert_non_null(strstr(text, "[ lookup reg 1 set forwards_addr dreg 1 ]"));
	assert_non_null(strstr(text, "[ nat dnat ip addr_min reg 1 proto_min reg 9 ]"));
	assert_non_null(strstr(text, "[ fib daddr type => reg 1 ]"));
	nft_batch_free(b);
}

static void test_routed_and_isolated(void **state)
{
	struct nft_net nets[] = {
		make_net("rt", NFT_NET_ROUTED, "10.1.3.0", 24),
		make_net("iso", NFT_NET_ISOLATED, "10.1.4.0", 24),
	};
	struct nft_ruleset rs = { .table = "vswitch", .nets = nets, .nets_len = 2 };
	struct nft_batch *b = nft_build_ruleset(&rs);
	const char *text;

	(void)state;
	assert_non_null(b);
	text = nft_batch_text(b);
	/* routed: no masquerade of its guests, both directions accepted. */
	assert_null(strstr(text, "nat network rt"));
	assert_non_null(strstr(text, "# routed network rt: forwarded to guests"));
	assert_non_null(strstr(text, "# routed network rt: forwarded from guests"));
	/* isolated: nothing forwarded either way, and no NAT at all. */
	assert_non_null(strstr(text, "# isolated network iso: nothing leaves"));
	assert_non_null(strstr(text, "# isolated network iso: nothing enters"));
	assert_null(strstr(text, "iso: hairpin"));
	nft_batch_free(b);
}

/* With two nat networks, no "from A: accept" may come before "to B: drop". */
static void test_nat_networks_isolated_from_each_other(void **state)
{
	struct nft_net nets[] = {
		make_net("a", NFT_NET_NAT, "10.1.5.0", 24),
		make_net("b", NFT_NET_NAT, "10.1.6.0", 24),
	};
	struct nft_ruleset rs = { .table = "vswitch", .nets = nets, .nets_len = 2 };
	struct nft_batch *b = nft_build_ruleset(&rs);
	const char *text, *accept_a, *drop_b;

	(void)state;
	assert_non_null(b);
	text = nft_batch_text(b);
	accept_a = strstr(text, "# nat network a: guests may open connections outside");
	drop_b = strstr(text, "# nat network b: nothing else from outside reaches guests");
	assert_non_null(accept_a);
	assert_non_null(drop_b);
	assert_true(drop_b < accept_a);
	nft_batch_free(b);
}

static void test_forward_elements_layout(void **state)
{
	struct nft_forward f[] = { make_fwd(IPPROTO_TCP, NULL, 8080, "10.1.2.5", 80) };
	static const uint8_t key[8] = { 6, 0, 0, 0, 0x1f, 0x90, 0, 0 };
	static const uint8_t data[8] = { 10, 1, 2, 5, 0, 80, 0, 0 };
	struct nft_batch *b;
	struct parsed p;

	(void)state;
	f[0].comment = "net lab: tcp 8080 -> web:80";
	b = nft_build_forwards("vswitch", f, 1, true);
	assert_non_null(b);
	assert_int_equal(nft_batch_msgs(b), 1);
	assert_non_null(strstr(nft_batch_text(b),
			       "add element forwards { tcp . 8080 : 10.1.2.5 . 80 } # net lab: tcp 8080 -> web:80"));
	parse_batch(b, &p);
	assert_int_equal(p.elems, 1);
	assert_int_equal(p.first_key_len, 8);
	assert_memory_equal(p.first_key, key, 8);
	assert_memory_equal(p.first_data, data, 8);
	nft_batch_free(b);

	/* Bound to one address: the address leads the key. */
	f[0] = make_fwd(IPPROTO_UDP, "192.168.1.1", 53, "10.1.2.5", 5353);
	b = nft_build_forwards("vswitch", f, 1, true);
	assert_non_null(b);
	assert_non_null(strstr(nft_batch_text(b), "add element forwards_addr { 192.168.1.1 . udp . 53 : 10.1.2.5 . 5353 }"));
	parse_batch(b, &p);
	assert_int_equal(p.first_key_len, 12);
	assert_memory_equal(p.first_key, ((uint8_t[]){ 192, 168, 1, 1, 17, 0, 0, 0, 0, 53, 0, 0 }), 12);
	nft_batch_free(b);

	/* Deleting needs the key only. */
	b = nft_build_forwards("vswitch", f, 1, false);
	assert_non_null(b);
	assert_non_null(strstr(nft_batch_text(b), "delete element forwards_addr"));
	parse_batch(b, &p);
	assert_int_equal(p.elems, 1);
	nft_batch_free(b);
}

/* A forward change costs the same with 5,000 forwards in place: it never carries them. */
static void test_forward_update_cost_is_constant(void **state)
{
	struct nft_forward *many = calloc(5000, sizeof(*many));
	struct nft_ruleset rs = { .table = "vswitch" };
	struct nft_forward one = make_fwd(IPPROTO_TCP, NULL, 40000, "10.2.0.1", 80);
	struct nft_batch *b;
	struct parsed p;
	size_t size1;
	int i;

	(void)state;
	assert_non_null(many);
	for (i = 0; i < 5000; i++) {
		many[i] = make_fwd(i % 2 ? IPPROTO_UDP : IPPROTO_TCP, NULL, (uint16_t)(10000 + i / 2),
				   "10.2.0.2", 80);
		many[i].comment = "net lab: a forward with a comment of a realistic length";
	}
	/* The full rebuild carries them all, in messages under 64 KiB. */
	rs.forwards = many;
	rs.forwards_len = 5000;
	b = nft_build_ruleset(&rs);
	assert_non_null(b);
	parse_batch(b, &p);
	assert_int_equal(p.elems, 5000);
	assert_true(p.elem_msgs >= 5000 / 192);
	assert_true(p.largest_msg < 65536);
	nft_batch_free(b);

	b = nft_build_forwards("vswitch", &one, 1, true);
	assert_non_null(b);
	nft_batch_buffer(b, &size1);
	assert_int_equal(nft_batch_msgs(b), 1);
	assert_true(size1 < 512);
	nft_batch_free(b);
	free(many);
}

static void test_invalid_input_refused(void **state)
{
	struct nft_forward bad = make_fwd(IPPROTO_ICMP, NULL, 80, "10.1.2.5", 80);
	struct nft_forward good = make_fwd(IPPROTO_TCP, NULL, 80, "10.1.2.5", 80);
	struct nft_net net = make_net("lab", NFT_NET_NAT, "10.1.2.0", 24);
	struct nft_ruleset rs = { .table = "vs witch" };

	(void)state;
	errno = 0;
	assert_null(nft_build_ruleset(&rs));
	assert_int_equal(errno, EINVAL);
	assert_null(nft_build_ruleset(NULL));
	assert_null(nft_build_forwards("vswitch", &bad, 1, true));
	good.port = 0;
	assert_null(nft_build_forwards("vswitch", &good, 1, true));
	good.port = 80;
	good.target.s_addr = 0;
	assert_null(nft_build_forwards("vswitch", &good, 1, true));
	assert_null(nft_build_forwards("", &good, 0, true));
	net.ifname[0] = '\0';
	rs.table = "vswitch";
	rs.nets = &net;
	rs.nets_len = 1;
	assert_null(nft_build_ruleset(&rs));

	assert_true(nft_table_name_valid("vswitch"));
	assert_true(nft_table_name_valid("vswt_abc-1"));
	assert_false(nft_table_name_valid("1abc"));
	assert_false(nft_table_name_valid("a;b"));
	assert_false(nft_table_name_valid("abcdefghijabcdefghijabcdefghijab"));
}

static void test_delete_table(void **state)
{
	struct nft_batch *b = nft_build_delete_table("vswitch");
	struct parsed p;

	(void)state;
	assert_non_null(b);
	parse_batch(b, &p);
	assert_int_equal(p.tables, 1);
	assert_int_equal(p.deltables, 1);
	assert_int_equal(p.rules, 0);
	nft_batch_free(b);
}

/* Terms: a host address needs no mask; an unknown term or prefix is refused. */
static void test_rule_terms(void **state)
{
	struct nft_term terms[] = {
		{ .kind = NFT_TERM_SADDR, .saddr = { { htonl(0x0a010203) }, 32 } },
		{ .kind = NFT_TERM_VERDICT, .verdict = NF_ACCEPT },
	};
	struct nft_term bad = { .kind = (enum nft_term_kind)99 };
	struct nftnl_rule *r;
	char text[1024];

	(void)state;
	r = nft_rule_build("vswitch", "forward", terms, 2);
	assert_non_null(r);
	nftnl_rule_snprintf(text, sizeof(text), r, NFTNL_OUTPUT_DEFAULT, 0);
	assert_non_null(strstr(text, "[ payload load 4b @ network header + 12 => reg 1 ]\n"
				     "  [ cmp eq reg 1 0x0302010a ]\n"
				     "  [ immediate reg 0 accept ]"));
	assert_null(strstr(text, "bitwise"));
	nftnl_rule_free(r);

	errno = 0;
	assert_null(nft_rule_build("vswitch", "forward", &bad, 1));
	assert_int_equal(errno, EINVAL);
	terms[0].saddr.prefix_len = 33;
	errno = 0;
	assert_null(nft_rule_build("vswitch", "forward", terms, 2));
	assert_int_equal(errno, EINVAL);
}

static void test_chain_conflicts(void **state)
{
	char text[512];

	(void)state;
	/* Docker's FORWARD chain (iptables-nft): policy drop at hook forward. */
	assert_true(nft_chain_conflict("vswitch", NFPROTO_IPV4, "filter", "FORWARD",
				       NF_INET_FORWARD, NF_DROP, text, sizeof(text)));
	assert_non_null(strstr(text, "table ip filter, chain FORWARD (hook forward) has policy drop"));
	assert_true(nft_chain_conflict("vswitch", NFPROTO_INET, "firewalld", "filter_FORWARD",
				       NF_INET_FORWARD, NF_DROP, text, sizeof(text)));
	/* Our own table, accepting chains, other hooks and IPv6-only tables are fine. */
	assert_false(nft_chain_conflict("vswitch", NFPROTO_INET, "vswitch", "forward",
					NF_INET_FORWARD, NF_DROP, text, sizeof(text)));
	assert_false(nft_chain_conflict("vswitch", NFPROTO_IPV4, "filter", "FORWARD",
					NF_INET_FORWARD, NF_ACCEPT, text, sizeof(text)));
	assert_false(nft_chain_conflict("vswitch", NFPROTO_IPV4, "filter", "INPUT",
					NF_INET_LOCAL_IN, NF_DROP, text, sizeof(text)));
	assert_false(nft_chain_conflict("vswitch", NFPROTO_IPV6, "filter", "FORWARD",
					NF_INET_FORWARD, NF_DROP, text, sizeof(text)));
	/* A table named like ours in family ip is someone else's. */
	assert_true(nft_chain_conflict("vswitch", NFPROTO_IPV4, "vswitch", "forward",
				       NF_INET_FORWARD, NF_DROP, text, sizeof(text)));
}

/*
 * Golden batches: representative rulesets whose exact bytes (and text) are
 * pinned, so a restructuring of lib/nft.c provably builds the same batch.
 * Sequence numbers are made relative to the batch's first message (the
 * start is the clock), everything else is compared as is. The digests were
 * recorded from the builder before it was rewritten in expression helpers;
 * they depend on libnftnl's serialization, so a libnftnl upgrade that
 * reorders attributes means recording them again: NFT_GOLDEN_DIR=DIR makes
 * the test write each batch there (NAME.bin, NAME.txt) for a diff.
 */
struct golden {
	const char *name;
	uint32_t bytes_digest, text_digest;
	size_t size, msgs;
};

static void golden_dump(const char *name, const char *suffix, const void *data, size_t size)
{
	const char *dir = getenv("NFT_GOLDEN_DIR");
	char path[512];

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s.%s", dir, name, suffix);
	assert_int_equal(file_write_atomic(path, data, size, 0644), 0);
}

/*
 * Zero the padding after each attribute, nested ones included: libmnl
 * before 1.0.5 leaves it as whatever the batch buffer held (the kernel
 * ignores it), so it says nothing about the ruleset.
 */
static void zero_padding(uint8_t *start, size_t size)
{
	size_t off = 0;

	while (off + sizeof(struct nlattr) <= size) {
		struct nlattr attr;
		size_t len, aligned;

		memcpy(&attr, start + off, sizeof(attr));
		len = attr.nla_len;
		aligned = MNL_ALIGN(len);
		assert_true(len >= sizeof(attr) && off + len <= size);
		if (attr.nla_type & NLA_F_NESTED)
			zero_padding(start + off + sizeof(attr), len - sizeof(attr));
		if (off + aligned <= size)
			memset(start + off + len, 0, aligned - len);
		off += aligned;
	}
}

/* Digest of @b with sequence numbers relative to its first one; also checks @g. */
static void golden_check(struct nft_batch *b, const struct golden *g)
{
	const struct nlmsghdr *nlh;
	const char *text = nft_batch_text(b);
	uint8_t *copy;
	const void *buf;
	size_t size;
	uint32_t base = 0, digest;
	bool first = true;
	int left;

	assert_non_null(b);
	buf = nft_batch_buffer(b, &size);
	assert_non_null(buf);
	copy = malloc(size ? size : 1);
	assert_non_null(copy);
	memcpy(copy, buf, size);
	left = (int)size;
	for (nlh = (const struct nlmsghdr *)copy; mnl_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		struct nlmsghdr *h = (struct nlmsghdr *)nlh;

		if (first)
			base = h->nlmsg_seq;
		first = false;
		h->nlmsg_seq -= base;
		if (h->nlmsg_len > NLMSG_HDRLEN + sizeof(struct nfgenmsg))
			zero_padding((uint8_t *)h + NLMSG_HDRLEN + sizeof(struct nfgenmsg),
				     h->nlmsg_len - NLMSG_HDRLEN - sizeof(struct nfgenmsg));
	}
	assert_int_equal(left, 0);
	digest = hash_fnv1a(copy, size);
	golden_dump(g->name, "bin", copy, size);
	golden_dump(g->name, "txt", text, strlen(text));
	print_message("golden %-16s size %zu msgs %zu bytes 0x%08x text 0x%08x\n", g->name,
		      size, nft_batch_msgs(b), digest, hash_fnv1a_str(text));
	assert_int_equal(size, g->size);
	assert_int_equal(nft_batch_msgs(b), g->msgs);
	assert_int_equal(digest, g->bytes_digest);
	assert_int_equal(hash_fnv1a_str(text), g->text_digest);
	free(copy);
	nft_batch_free(b);
}

/* Forwards of every kind: any address, bound to one, a range, no comment. */
static size_t golden_forwards(struct nft_forward *f, size_t size)
{
	size_t n = 0;
	uint16_t p;

	assert_true(size >= 16);
	f[n] = make_fwd(IPPROTO_TCP, NULL, 8080, "10.1.2.5", 80);
	f[n++].comment = "net lab: tcp 8080 -> web:80";
	f[n] = make_fwd(IPPROTO_UDP, "192.168.1.1", 53, "10.1.2.6", 5353);
	f[n++].comment = "net lab: udp 192.168.1.1:53 -> dns:5353";
	for (p = 9000; p < 9010; p++) {
		f[n] = make_fwd(IPPROTO_TCP, NULL, p, "10.1.3.7", (uint16_t)(p - 1000));
		f[n++].comment = "net rt: tcp 9000-9009 -> 10.1.3.7:8000-8009";
	}
	f[n++] = make_fwd(IPPROTO_UDP, NULL, 7000, "10.1.2.8", 7000);
	f[n] = make_fwd(IPPROTO_TCP, "127.0.0.1", 2222, "10.1.2.9", 22);
	f[n++].comment = "net lab: tcp 127.0.0.1:2222 -> vm1:22";
	f[n] = make_fwd(IPPROTO_TCP, "10.0.0.1", 443, "10.1.2.9", 8443);
	f[n++].comment = "";
	return n;
}

static void test_golden_batches(void **state)
{
	static const struct golden goldens[] = {
		{ "nat_one", 0x12130cbe, 0x3652cdeb, 6048, 20 },
		{ "mixed_nets", 0xac3d9be7, 0xdfbe0fa7, 15380, 44 },
		{ "forwards_full", 0xcdd581b4, 0xdbc98125, 16688, 46 },
		{ "many_forwards", 0x51a1ac9a, 0xce4dc82f, 53656, 48 },
		{ "empty", 0xd88dc852, 0x29c6f454, 3184, 13 },
		{ "delete_table", 0x946a4f2e, 0x2b20c02b, 104, 2 },
		{ "fwd_add", 0xee303792, 0x8ea504fb, 1348, 2 },
		{ "fwd_del", 0x6e341071, 0xbf9fee18, 460, 2 },
		{ "fwd_add_many", 0xb94192b3, 0x589276e5, 37932, 4 },
	};
	struct nft_net one[] = { make_net("lab", NFT_NET_NAT, "10.1.2.0", 24) };
	struct nft_net mixed[] = {
		make_net("lab", NFT_NET_NAT, "10.1.2.0", 24),
		make_net("rt", NFT_NET_ROUTED, "10.1.3.0", 24),
		make_net("iso", NFT_NET_ISOLATED, "10.1.4.0", 30),
		make_net("big", NFT_NET_NAT, "172.20.0.0", 16),
		make_net("host", NFT_NET_ROUTED, "10.9.9.9", 32),
		make_net("all", NFT_NET_NAT, "0.0.0.0", 0),
	};
	struct nft_forward fwds[16], *many = calloc(600, sizeof(*many));
	struct nft_ruleset rs = { .table = "vswitch" };
	size_t n = golden_forwards(fwds, 16), i;

	(void)state;
	assert_non_null(many);
	/* An interface name of the full 15 characters, as long names get. */
	snprintf(mixed[3].ifname, sizeof(mixed[3].ifname), "vsw-bignet-1a2b");
	for (i = 0; i < 600; i++) {
		many[i] = make_fwd(i % 3 ? IPPROTO_TCP : IPPROTO_UDP, i % 5 ? NULL : "192.168.7.1",
				   (uint16_t)(20000 + i), "10.1.2.10", (uint16_t)(1000 + i));
		if (i % 2)
			many[i].comment = "net lab: one of many forwards, with a comment";
	}

	rs.nets = one;
	rs.nets_len = 1;
	golden_check(nft_build_ruleset(&rs), &goldens[0]);
	rs.nets = mixed;
	rs.nets_len = sizeof(mixed) / sizeof(mixed[0]);
	golden_check(nft_build_ruleset(&rs), &goldens[1]);
	rs.forwards = fwds;
	rs.forwards_len = n;
	golden_check(nft_build_ruleset(&rs), &goldens[2]);
	rs.table = "vswt_golden-1";
	rs.forwards = many;
	rs.forwards_len = 600;
	golden_check(nft_build_ruleset(&rs), &goldens[3]);
	memset(&rs, 0, sizeof(rs));
	rs.table = "vswitch";
	golden_check(nft_build_ruleset(&rs), &goldens[4]);
	golden_check(nft_build_delete_table("vswitch"), &goldens[5]);
	golden_check(nft_build_forwards("vswitch", fwds, n, true), &goldens[6]);
	golden_check(nft_build_forwards("vswitch", fwds, n, false), &goldens[7]);
	golden_check(nft_build_forwards("vswitch", many, 600, true), &goldens[8]);
	free(many);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ruleset_replaces_table_atomically),
		cmocka_unit_test(test_nat_network_rules),
		cmocka_unit_test(test_routed_and_isolated),
		cmocka_unit_test(test_nat_networks_isolated_from_each_other),
		cmocka_unit_test(test_forward_elements_layout),
		cmocka_unit_test(test_forward_update_cost_is_constant),
		cmocka_unit_test(test_invalid_input_refused),
		cmocka_unit_test(test_delete_table),
		cmocka_unit_test(test_rule_terms),
		cmocka_unit_test(test_chain_conflicts),
		cmocka_unit_test(test_golden_batches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
