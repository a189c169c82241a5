/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * journal.h - a crash-safe append-only log of text records, one per line,
 * with atomic compaction: the shape of vswitchd's DHCP lease store, for any
 * state that changes one item at a time (a network's port forwards).
 *
 * Theory of operation: a change is one line appended and fdatasync()ed
 * before the caller acknowledges it, so an acknowledged change survives
 * kill -9 at any instant, and a change costs the same however many records
 * exist. A crash mid-append leaves at most one partial last line: loading
 * drops it (and truncates it away), and a line that does not parse is
 * skipped and counted, never fatal. When dead records (replaced or removed
 * items) outnumber live ones, the caller compacts: the live set is written
 * to a temporary file, synced and renamed over the journal, so a crash
 * leaves either the old journal or the new one, whole.
 */
#ifndef LIB_JOURNAL_H
#define LIB_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#define JOURNAL_LINE_MAX	4096	/* longest record, newline excluded */

struct journal {
	char path[4096];
	int fd;			/* open for appending, or -1 */
	size_t records;		/* lines in the file (live and dead) */
};

/* What journal_open() found. */
struct journal_report {
	unsigned int lines;	/* complete lines handed to the callback */
	unsigned int bad;	/* lines the callback refused (skipped) */
	bool torn_tail;		/* a partial last line was dropped */
};

/**
 * journal_open() - read @path (a missing file is an empty journal), hand
 * each complete line (without its newline) to @apply, then open for
 * appending. @apply returns 0, or negative to count the line as bad.
 * Return: 0 or negative errno (the file could not be read or opened).
 */
int journal_open(struct journal *j, const char *path,
		 int (*apply)(const char *line, size_t len, void *opaque), void *opaque,
		 struct journal_report *report);

/**
 * journal_append() - append one record (@line must not contain a newline)
 * and make it durable (fdatasync) before returning.
 * Return: 0 or negative errno; on failure the journal may hold a partial
 * line, which the next open drops.
 */
int journal_append(struct journal *j, const char *line);

/**
 * journal_compact() - replace the journal with exactly the records @next
 * yields: @next(opaque, buf, size) writes one line (no newline) into @buf
 * and returns its length, 0 when there are no more, or negative errno.
 * Atomic: temporary file, fsync, rename, fsync of the directory.
 * Return: 0 or negative errno (the old journal stays then).
 */
int journal_compact(struct journal *j, int (*next)(void *opaque, char *buf, size_t size),
		    void *opaque);

/** journal_close() - close the journal. Accepts a closed one. */
void journal_close(struct journal *j);

/** journal_remove() - close the journal and delete its file. */
void journal_remove(struct journal *j);

#endif /* LIB_JOURNAL_H */
