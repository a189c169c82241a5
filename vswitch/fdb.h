/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fdb.h - a network's MAC learning table: MAC -> port, with aging and a
 * per-port limit on learned addresses. The datapath thread is its only
 * writer; the control thread changes settings only while the datapath is
 * paused, and may read (fdb_count(), fdb_dump()) at any time.
 */
#ifndef VSWITCH_FDB_H
#define VSWITCH_FDB_H

#include <stdbool.h>
#include <stdint.h>

#define FDB_MAX_PORTS		256	/* port ids are 0 .. FDB_MAX_PORTS - 1 (a network's ports) */
#define FDB_DEFAULT_AGING	300	/* seconds */
#define FDB_DEFAULT_MAC_LIMIT	1024	/* per port */
#define FDB_DEFAULT_CAPACITY	65536	/* entries per network */

struct fdb;

struct fdb_entry {
	uint8_t mac[6];
	uint16_t port;
	uint64_t seen;		/* now_sec value of the last frame from this MAC */
};

enum fdb_learn_result {
	FDB_REFRESHED = 0,	/* known on this port; timestamp updated */
	FDB_LEARNED,		/* new entry */
	FDB_MOVED,		/* was on another port; moved */
	FDB_IGNORED,		/* source is multicast/broadcast/zero: never learned */
	FDB_LIMIT,		/* port already has mac_limit entries: not learned */
	FDB_FULL,		/* table at capacity: not learned */
};

/**
 * fdb_new() - create an empty table
 * @capacity:	most entries held (rounded up internally as needed)
 * @aging_sec:	entries unseen for longer are gone (lookups miss them at once)
 * @mac_limit:	most entries one port may own
 * Return: the table or NULL (ENOMEM).
 */
struct fdb *fdb_new(unsigned int capacity, uint32_t aging_sec, uint32_t mac_limit);

/**
 * fdb_reclaim() - free the arrays the table outgrew. Call only from the
 * thread that reads the table (fdb_dump()), while it is not reading.
 */
void fdb_reclaim(struct fdb *fdb);

/** fdb_memory() - bytes the table holds now (its current array; any thread). */
size_t fdb_memory(const struct fdb *fdb);

/** fdb_free() - free the table. Accepts NULL. */
void fdb_free(struct fdb *fdb);

/** fdb_set_aging() / fdb_set_mac_limit() - change settings; existing entries stay. */
void fdb_set_aging(struct fdb *fdb, uint32_t aging_sec);
void fdb_set_mac_limit(struct fdb *fdb, uint32_t mac_limit);

/**
 * fdb_learn() - record that @mac was seen as a source on @port at @now_sec
 * An expired entry for @mac is treated as absent. A move to a port at its
 * limit is refused (FDB_LIMIT) and the old entry stays.
 * Return: an enum fdb_learn_result.
 */
enum fdb_learn_result fdb_learn(struct fdb *fdb, const uint8_t mac[6],
				uint16_t port, uint64_t now_sec);

/**
 * fdb_lookup() - port that @mac was learned on
 * Return: port id, or -1 if unknown or expired.
 */
int fdb_lookup(const struct fdb *fdb, const uint8_t mac[6], uint64_t now_sec);

/** fdb_expire() - remove entries older than the aging time. Return: how many. */
unsigned int fdb_expire(struct fdb *fdb, uint64_t now_sec);

/** fdb_flush_port() - remove every entry on @port. Return: how many. */
unsigned int fdb_flush_port(struct fdb *fdb, uint16_t port);

/** fdb_count() / fdb_port_count() - live entries in the table / owned by @port. */
unsigned int fdb_count(const struct fdb *fdb);
unsigned int fdb_port_count(const struct fdb *fdb, uint16_t port);

/**
 * fdb_dump() - copy up to @max unexpired entries into @entries
 * Return: number copied.
 */
unsigned int fdb_dump(const struct fdb *fdb, struct fdb_entry *entries,
		      unsigned int max, uint64_t now_sec);

#endif /* VSWITCH_FDB_H */
