/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lease.h - the crash-safe lease store: an append-only journal of lease
 * records, one checksummed text line each, with atomic compaction.
 */
#ifndef DHCP_LEASE_H
#define DHCP_LEASE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp.h"

/* One journal record; the last record of an address wins. */
struct dhcp_lease_rec {
	uint32_t ip;			/* host order */
	uint8_t mac[6];
	uint8_t state;			/* enum dhcp_lease_state */
	int64_t expires;		/* Unix seconds */
	char hostname[DHCP_HOSTNAME_MAX];	/* [A-Za-z0-9._-]* */
};

/* Longest line: address, MAC, state, expiry, hostname, checksum, separators. */
#define DHCP_LEASE_LINE_MAX	(16 + 18 + 10 + 21 + DHCP_HOSTNAME_MAX + 9 + 8)

/**
 * lease_format() - one journal line, newline included:
 * "IP<TAB>MAC<TAB>STATE<TAB>EXPIRES<TAB>HOSTNAME<TAB>CRC32\n", where CRC32
 * (8 hex digits) covers every byte before it.
 * Return: the line's length in bytes.
 */
size_t lease_format(const struct dhcp_lease_rec *rec, char *line, size_t size);

/** lease_parse_line() - parse one line (without its newline). Return: 0 or -EBADMSG. */
int lease_parse_line(const char *line, size_t len, struct dhcp_lease_rec *rec);

/** lease_crc32() - CRC-32 (IEEE 802.3) of @size bytes. */
uint32_t lease_crc32(const void *data, size_t size);

/* What loading found, for logs and tests. */
struct lease_load_report {
	unsigned int records;		/* good records applied */
	unsigned int bad_lines;		/* corrupt lines before the end, skipped */
	unsigned int first_bad_line;	/* 1-based, 0 if none */
	size_t truncated_bytes;		/* corrupt or torn tail cut off */
};

typedef void (*lease_apply_fn)(void *opaque, const struct dhcp_lease_rec *rec);

struct lease_store {
	char path[PATH_MAX];
	int fd;				/* O_APPEND; -1 when closed */
	char *buf;			/* records appended since the last commit */
	size_t used, cap;
	uint64_t file_size;		/* bytes known durable */
	unsigned int file_records;	/* lines in the file */
};

/**
 * lease_store_open() - load a journal and open it for appending
 * @path:	the file (created if missing)
 * @apply:	called for each good record, in file order
 *
 * A corrupt or torn tail (the lines after the last good one) is truncated
 * with a warning. A corrupt line with good lines after it is reported with
 * the file name and line number and skipped; the file is then copied to
 * PATH.corrupt for inspection. Return: 0 or negative errno (file unusable).
 */
int lease_store_open(struct lease_store *st, const char *path, lease_apply_fn apply,
		     void *opaque, struct lease_load_report *report);

/** lease_store_append() - queue a record for the next commit. Return: 0 or -ENOMEM. */
int lease_store_append(struct lease_store *st, const struct dhcp_lease_rec *rec);

/** lease_store_pending() - whether records wait for a commit. */
bool lease_store_pending(const struct lease_store *st);

/**
 * lease_store_commit() - write the queued records and fdatasync() once.
 * On failure the file is cut back to its last durable size, so a later
 * commit never leaves a torn line in the middle. Return: 0 or negative errno.
 */
int lease_store_commit(struct lease_store *st);

/** lease_store_discard() - drop queued records (after a failed commit). */
void lease_store_discard(struct lease_store *st);

typedef bool (*lease_next_fn)(void *opaque, struct dhcp_lease_rec *rec);

/**
 * lease_store_compact() - replace the journal with one record per lease
 * @next:	yields the records to keep, then returns false
 *
 * Writes PATH.tmp, fsync, rename over PATH, fsync the directory, and
 * reopens for appending; at every instant PATH is either the old journal
 * or the new one. Queued records must be committed first.
 * Return: 0 or negative errno (the old journal stays in use).
 */
int lease_store_compact(struct lease_store *st, lease_next_fn next, void *opaque);

/** lease_store_close() - close (queued records are dropped). Accepts a closed store. */
void lease_store_close(struct lease_store *st);

#endif /* DHCP_LEASE_H */
