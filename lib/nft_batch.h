/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft_batch.h - the batch lib/nft.c fills: nftables messages between batch
 * begin and end, each with a line of text saying what it does, and the
 * nfnetlink socket that commits the batch or asks the kernel questions.
 * Programs include nft.h, which brings the first part (reading, committing
 * and freeing a batch); the rest is for lib/nft*.c, which build batches.
 */
#ifndef LIB_NFT_BATCH_H
#define LIB_NFT_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NFT_COMMENT_MAX		128	/* including NUL; nft's own limit */

struct mnl_socket;
struct nft_batch;

/**
 * nft_batch_text() - what the batch does, one line per message, with each
 * rule's expressions and comment in the notation of `nft --debug=netlink`.
 * For tests and debug logs. Return: text owned by the batch.
 */
const char *nft_batch_text(const struct nft_batch *b);

/** nft_batch_msgs() - number of messages between batch begin and end. */
size_t nft_batch_msgs(const struct nft_batch *b);

/**
 * nft_batch_buffer() - the serialized batch (netlink messages, begin and end
 * included) in one buffer, for tests that parse it back.
 * Return: pointer owned by the batch; its size in @size.
 */
const void *nft_batch_buffer(struct nft_batch *b, size_t *size);

/**
 * nft_commit() - send the batch to the kernel and wait for every answer
 * Return: 0, or negative errno with the kernel's reason in @err (the
 * kernel then applied nothing of the batch).
 */
int nft_commit(struct nft_batch *b, char *err, size_t err_size);

/** nft_batch_free() - accepts NULL. */
void nft_batch_free(struct nft_batch *b);

/* ---------------------------------------------------- for lib/nft*.c only */

/* The fields are the batch builders' own. */
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

/* The libnftnl objects a message carries. */
enum nft_obj_kind { NFT_OBJ_TABLE, NFT_OBJ_CHAIN, NFT_OBJ_SET, NFT_OBJ_SET_ELEM, NFT_OBJ_RULE };

/**
 * nft_batch_new() - an empty batch (batch begin written)
 * Return: the batch, or NULL with errno set.
 */
struct nft_batch *nft_batch_new(void);

/**
 * nft_batch_done() - the end of building @b
 * Return: @b, or NULL with errno set to the first error met while building
 * it (@b is then freed).
 */
struct nft_batch *nft_batch_done(struct nft_batch *b);

/**
 * nft_batch_printf() - append to the batch's text; running out of memory
 * marks @b failed
 */
void nft_batch_printf(struct nft_batch *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * nft_batch_put() - append one message of @type carrying @obj: a table
 * (NEWTABLE, DELTABLE), chain (NEWCHAIN), set (NEWSET; its elements for
 * NEWSETELEM, DELSETELEM) or rule (NEWRULE). The caller still owns @obj.
 * @line_start:	where the message's text starts in the batch's text (the
 *		text length before the caller printed it)
 */
void nft_batch_put(struct nft_batch *b, size_t line_start, uint16_t type, void *obj);

/**
 * nft_obj_comment() - set @comment (truncated to NFT_COMMENT_MAX) as the
 * userdata of @obj, a libnftnl object of @kind, as nft stores comments.
 * NULL or "" sets nothing; running out of memory marks @b failed.
 */
void nft_obj_comment(struct nft_batch *b, enum nft_obj_kind kind, void *obj, const char *comment);

/**
 * nft_nl_open() - a bound nfnetlink socket with extended acks and a
 * receive timeout, for one commit or query
 * Return: the socket (mnl_socket_close() it), or NULL with errno set.
 */
struct mnl_socket *nft_nl_open(void);

#endif /* LIB_NFT_BATCH_H */
