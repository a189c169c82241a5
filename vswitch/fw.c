// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fw.c - from the networks network.c hands over to vswitchd's nftables
 * table: build the ruleset with lib/nft.c and commit it; map-element
 * batches for single forwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forward.h"
#include "fw.h"
#include "log.h"
#include "mode.h"
#include "netdef.h"
#include "nft.h"

static char table[NFT_TABLE_NAME_MAX] = NFT_DEFAULT_TABLE;

int fw_set_table(const char *name)
{
	if (!nft_table_name_valid(name))
		return -EINVAL;
	snprintf(table, sizeof(table), "%s", name);
	return 0;
}

const char *fw_table(void)
{
	return table;
}

static int fw_commit(struct nft_batch *b, const char *what, char *err, size_t err_size)
{
	int ret;

	if (!b) {
		ret = -errno;
		snprintf(err, err_size, "cannot build %s: %s", what, strerror(errno));
		return ret;
	}
	ret = nft_commit(b, err, err_size);
	nft_batch_free(b);
	return ret;
}

int fw_apply(const struct network *const *nets, size_t count, char *err, size_t err_size)
{
	size_t nfwds = 0, fwds_size = 0, ncomments = 0, i, j;
	char (*comments)[NFT_COMMENT_MAX] = NULL;
	struct nft_ruleset rs = { .table = table };
	struct nft_forward *fwds = NULL;
	struct nft_net *nn = NULL;
	int ret = -ENOMEM;

	if (!count)
		return fw_commit(nft_build_delete_table(table), "the nftables change", err, err_size);
	for (i = 0; i < count; i++) {
		ncomments += nets[i]->nforwards;
		for (j = 0; j < nets[i]->nforwards; j++)
			fwds_size += (size_t)(nets[i]->forwards[j].port_last - nets[i]->forwards[j].port) + 1;
	}
	nn = calloc(count, sizeof(*nn));
	fwds = calloc(fwds_size ? fwds_size : 1, sizeof(*fwds));
	comments = calloc(ncomments ? ncomments : 1, sizeof(*comments));
	if (!nn || !fwds || !comments) {
		snprintf(err, err_size, "out of memory");
		goto out;
	}
	ncomments = 0;
	for (i = 0; i < count; i++) {
		const struct network *n = nets[i];

		snprintf(nn[i].name, sizeof(nn[i].name), "%s", n->name);
		net_gateway_ifname(n->name, nn[i].ifname);
		nn[i].mode = n->mode->nat ? NFT_NET_NAT : NFT_NET_ROUTED;
		nn[i].subnet = n->ip.subnet;
		nn[i].prefix_len = n->ip.prefix_len;
		for (j = 0; j < n->nforwards; j++) {
			forward_comment(n->name, &n->forwards[j], comments[ncomments], NFT_COMMENT_MAX);
			nfwds += forward_expand(&n->forwards[j], comments[ncomments], fwds + nfwds);
			ncomments++;
		}
	}
	rs.nets = nn;
	rs.nets_len = count;
	rs.forwards = fwds;
	rs.forwards_len = nfwds;
	log_debug("nftables: rebuilding table inet %s (%zu networks, %zu map entries)", table,
		  count, nfwds);
	ret = fw_commit(nft_build_ruleset(&rs), "the nftables ruleset", err, err_size);
out:
	free(nn);
	free(fwds);
	free(comments);
	return ret;
}

int fw_forward_update(const struct network *net, const struct forward *f, bool add,
		      char *err, size_t err_size)
{
	char comment[NFT_COMMENT_MAX];
	struct nft_forward *fwds;
	struct nft_batch *b;
	size_t n;

	fwds = calloc(FORWARD_RANGE_MAX, sizeof(*fwds));
	if (!fwds) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	forward_comment(net->name, f, comment, sizeof(comment));
	n = forward_expand(f, comment, fwds);
	b = nft_build_forwards(table, fwds, n, add);
	free(fwds);
	return fw_commit(b, "the nftables change", err, err_size);
}

void fw_remove(void)
{
	char err[256];

	if (fw_commit(nft_build_delete_table(table), "the nftables change", err, sizeof(err)))
		log_err("nftables: cannot delete table inet %s: %s", table, err);
}

static void append_warning(const char *text, void *opaque)
{
	json_array_append_new(opaque, json_string(text));
}

int fw_conflicts(json_t *warnings)
{
	return nft_find_conflicts(table, append_warning, warnings);
}
