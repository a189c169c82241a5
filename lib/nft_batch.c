/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft_batch.c - an nftables batch (libnftnl): the messages lib/nft.c puts in
 * it with a line of text each, its serialized form, and its commit to the
 * kernel, answer by answer, naming the message the kernel refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft_batch.h"

#define BATCH_PAGE_SIZE		(128 * 1024)
#define BATCH_MSG_MAX		(96 * 1024)	/* largest single message we build */
#define COMMIT_TIMEOUT_SEC	10

/* Make room for @more bytes (and a NUL) after the text. Return: 0 or -ENOMEM. */
static int text_reserve(struct nft_batch *b, size_t more)
{
	size_t size = b->text_size ? b->text_size : 4096;
	char *p;

	if (b->text && b->text_len + more < b->text_size)
		return 0;
	while (size < b->text_len + more + 1)
		size *= 2;
	p = realloc(b->text, size);
	if (!p)
		return -ENOMEM;
	b->text = p;
	b->text_size = size;
	return 0;
}

void nft_batch_printf(struct nft_batch *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (text_reserve(b, (size_t)n)) {
		b->error = ENOMEM;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->text + b->text_len, b->text_size - b->text_len, fmt, ap);
	va_end(ap);
	b->text_len += (size_t)n;
}

struct nft_batch *nft_batch_new(void)
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
	nft_batch_printf(b, "%s", "");
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

struct nft_batch *nft_batch_done(struct nft_batch *b)
{
	if (!b->error)
		return b;
	errno = b->error;
	nft_batch_free(b);
	return NULL;
}

/* Flags of each message type we send; every one asks for an answer. */
static const uint16_t msg_flags[NFT_MSG_MAX] = {
	[NFT_MSG_NEWTABLE] = NLM_F_CREATE,
	[NFT_MSG_NEWCHAIN] = NLM_F_CREATE,
	[NFT_MSG_NEWSET] = NLM_F_CREATE,
	[NFT_MSG_NEWSETELEM] = NLM_F_CREATE | NLM_F_EXCL,
	[NFT_MSG_NEWRULE] = NLM_F_APPEND | NLM_F_CREATE,
};

void nft_batch_put(struct nft_batch *b, size_t line_start, uint16_t type, void *obj)
{
	struct nlmsghdr *nlh;

	if (b->msgs == b->line_starts_size) {
		size_t n = b->line_starts_size ? 2 * b->line_starts_size : 64;
		size_t *p = realloc(b->line_starts, n * sizeof(*p));

		if (!p) {
			b->error = ENOMEM;
			return;
		}
		b->line_starts = p;
		b->line_starts_size = n;
	}
	b->line_starts[b->msgs] = line_start;
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->nb), type, NFPROTO_INET,
				    msg_flags[type] | NLM_F_ACK, b->seq++);
	switch (type) {
	case NFT_MSG_NEWTABLE:
	case NFT_MSG_DELTABLE:
		nftnl_table_nlmsg_build_payload(nlh, obj);
		break;
	case NFT_MSG_NEWCHAIN:
		nftnl_chain_nlmsg_build_payload(nlh, obj);
		break;
	case NFT_MSG_NEWSET:
		nftnl_set_nlmsg_build_payload(nlh, obj);
		break;
	case NFT_MSG_NEWSETELEM:
	case NFT_MSG_DELSETELEM:
		nftnl_set_elems_nlmsg_build_payload(nlh, obj);
		break;
	case NFT_MSG_NEWRULE:
		nftnl_rule_nlmsg_build_payload(nlh, obj);
		break;
	}
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

void nft_obj_comment(struct nft_batch *b, enum nft_obj_kind kind, void *obj, const char *comment)
{
	static const uint8_t udata_types[] = {
		[NFT_OBJ_TABLE] = NFTNL_UDATA_TABLE_COMMENT,
		[NFT_OBJ_CHAIN] = NFTNL_UDATA_CHAIN_COMMENT,
		[NFT_OBJ_SET] = NFTNL_UDATA_SET_COMMENT,
		[NFT_OBJ_SET_ELEM] = NFTNL_UDATA_SET_ELEM_COMMENT,
		[NFT_OBJ_RULE] = NFTNL_UDATA_RULE_COMMENT,
	};
	struct nftnl_udata_buf *ud;
	char text[NFT_COMMENT_MAX];
	const void *data;
	uint32_t size;

	if (!comment || !comment[0])
		return;
	snprintf(text, sizeof(text), "%s", comment);
	ud = nftnl_udata_buf_alloc(NFT_COMMENT_MAX + 16);
	if (!ud || !nftnl_udata_put_strz(ud, udata_types[kind], text)) {
		nftnl_udata_buf_free(ud);
		b->error = ENOMEM;
		return;
	}
	data = nftnl_udata_buf_data(ud);
	size = nftnl_udata_buf_len(ud);
	switch (kind) {
	case NFT_OBJ_TABLE:
		nftnl_table_set_data(obj, NFTNL_TABLE_USERDATA, data, size);
		break;
	case NFT_OBJ_CHAIN:
		nftnl_chain_set_data(obj, NFTNL_CHAIN_USERDATA, data, size);
		break;
	case NFT_OBJ_SET:
		nftnl_set_set_data(obj, NFTNL_SET_USERDATA, data, size);
		break;
	case NFT_OBJ_SET_ELEM:
		nftnl_set_elem_set(obj, NFTNL_SET_ELEM_USERDATA, data, size);
		break;
	case NFT_OBJ_RULE:
		nftnl_rule_set_data(obj, NFTNL_RULE_USERDATA, data, size);
		break;
	}
	nftnl_udata_buf_free(ud);
}

struct mnl_socket *nft_nl_open(void)
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
	nl = nft_nl_open();
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
	/*
	 * The kernel acknowledges every message of the batch before we read
	 * any, and each acknowledgement costs about a kilobyte of receive
	 * buffer (its socket buffer, not its 36 bytes): make room for all of
	 * them, or a large table fails with ENOBUFS (as nft itself does).
	 */
	bufsize = (int)(b->msgs * 1024 + 65536);
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &bufsize, sizeof(bufsize)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
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
