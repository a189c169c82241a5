// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fw.c - from vswitchd's networks to its nftables table: collect the
 * running nat and routed networks and their forwards, build the ruleset
 * with lib/nft.c and commit it; map-element batches for single forwards;
 * the host sysctls these modes need.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forward.h"
#include "fw.h"
#include "log.h"
#include "net_modes.h"
#include "nft.h"

static char table[NFT_TABLE_NAME_MAX] = NFT_DEFAULT_TABLE;
static bool held;

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

void fw_hold(bool hold)
{
	held = hold;
}

static bool serves(const struct network *net, const struct network *adding,
		   const struct network *removing)
{
	return net != removing && (net->active || net == adding) && net->gateway && net_is_l3(net);
}

/* The comment on a forward's map elements: "NET: tcp 8080 -> web:80". */
static void forward_comment(const struct network *net, const struct forward *f, char *buf,
			    size_t size)
{
	char host[64], target[96];

	forward_host_text(f, host, sizeof(host));
	forward_target_text(f, target, sizeof(target));
	/* nft caps comments at 128 bytes; a long name is cut, which is fine. */
	snprintf(buf, size, "%.15s: %s %.30s -> %.60s", net->name, f->proto == IPPROTO_TCP ? "tcp" : "udp",
		 host, target);
}

int fw_apply(const struct network *adding, const struct network *removing,
	     char *err, size_t err_size)
{
	const struct network **served = NULL;
	struct nft_forward *fwds = NULL;
	struct nft_net *nets = NULL;
	size_t nnets = 0, nfwds = 0, fwds_size = 0, ncomments = 0, i, j;
	char (*comments)[NFT_COMMENT_MAX] = NULL;
	struct nft_ruleset rs = { .table = table };
	const struct network *net;
	struct nft_batch *b;
	int ret = -ENOMEM;

	if (held)
		return 0;
	/* The networks to serve: the running ones, and @adding (not yet listed or active). */
	for (net = net_first(); net; net = net->next)
		nnets++;
	served = calloc(nnets + 1, sizeof(*served));
	if (!served)
		goto out;
	nnets = 0;
	for (net = net_first(); net; net = net->next)
		if (net != adding && serves(net, adding, removing))
			served[nnets++] = net;
	if (adding && serves(adding, adding, removing))
		served[nnets++] = adding;
	if (!nnets) {
		b = nft_build_delete_table(table);
		goto commit;
	}
	for (i = 0; i < nnets; i++) {
		ncomments += served[i]->nforwards;
		for (j = 0; j < served[i]->nforwards; j++)
			fwds_size += (size_t)(served[i]->forwards[j].port_last -
					      served[i]->forwards[j].port) + 1;
	}
	nets = calloc(nnets, sizeof(*nets));
	fwds = calloc(fwds_size ? fwds_size : 1, sizeof(*fwds));
	comments = calloc(ncomments ? ncomments : 1, sizeof(*comments));
	if (!nets || !fwds || !comments)
		goto out;
	ncomments = 0;
	for (i = 0; i < nnets; i++) {
		const struct network *n = served[i];
		struct nft_net *nn = &nets[i];

		snprintf(nn->name, sizeof(nn->name), "%s", n->name);
		net_gateway_ifname(n->name, nn->ifname);
		nn->mode = n->mode == &net_mode_nat ? NFT_NET_NAT : NFT_NET_ROUTED;
		nn->subnet = n->ip.subnet;
		nn->prefix_len = n->ip.prefix_len;
		for (j = 0; j < n->nforwards; j++) {
			forward_comment(n, &n->forwards[j], comments[ncomments], NFT_COMMENT_MAX);
			nfwds += forward_expand(&n->forwards[j], comments[ncomments], fwds + nfwds);
			ncomments++;
		}
	}
	rs.nets = nets;
	rs.nets_len = nnets;
	rs.forwards = fwds;
	rs.forwards_len = nfwds;
	b = nft_build_ruleset(&rs);
commit:
	if (!b) {
		ret = -errno;
		snprintf(err, err_size, "cannot build the nftables ruleset: %s", strerror(errno));
		goto out;
	}
	log_debug("nftables: rebuilding table inet %s (%zu networks, %zu map entries)", table,
		  nnets, nfwds);
	ret = nft_commit(b, err, err_size);
	nft_batch_free(b);
	if (ret)
		log_err("nftables: %s", err);
out:
	if (ret == -ENOMEM && err_size)
		snprintf(err, err_size, "out of memory");
	free(served);
	free(nets);
	free(fwds);
	free(comments);
	return ret;
}

int fw_forward_update(const struct network *net, const struct forward *f, bool add,
		      char *err, size_t err_size)
{
	struct nft_forward *fwds;
	char comment[NFT_COMMENT_MAX];
	struct nft_batch *b;
	size_t n;
	int ret;

	if (held || !serves(net, NULL, NULL))
		return 0;
	fwds = calloc(FORWARD_RANGE_MAX, sizeof(*fwds));
	if (!fwds)
		return -ENOMEM;
	forward_comment(net, f, comment, sizeof(comment));
	n = forward_expand(f, comment, fwds);
	b = nft_build_forwards(table, fwds, n, add);
	free(fwds);
	if (!b) {
		ret = -errno;
		snprintf(err, err_size, "cannot build the nftables change: %s", strerror(errno));
		return ret;
	}
	ret = nft_commit(b, err, err_size);
	nft_batch_free(b);
	return ret;
}

void fw_remove(void)
{
	struct nft_batch *b = nft_build_delete_table(table);
	char err[256];

	if (!b || nft_commit(b, err, sizeof(err)))
		log_err("nftables: cannot delete table inet %s: %s", table,
			b ? err : strerror(errno));
	nft_batch_free(b);
}

static void append_warning(const char *text, void *opaque)
{
	json_array_append_new(opaque, json_string(text));
}

int fw_conflicts(json_t *warnings)
{
	return nft_find_conflicts(table, append_warning, warnings);
}

static int write_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(value))
		ret = -EIO;
	close(fd);
	return ret;
}

int fw_enable_ip_forward(void)
{
	return write_sysctl("/proc/sys/net/ipv4/ip_forward", "1\n");
}

int fw_sysctl_iface(const char *ifname, const char *key, const char *value)
{
	char path[256], text[32];

	if (strchr(ifname, '/') || strchr(key, '/') || !strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname, key);
	snprintf(text, sizeof(text), "%s\n", value);
	return write_sysctl(path, text);
}
