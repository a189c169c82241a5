/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fdb.c - a network's MAC learning table: open addressing, aging, per-port limits. */

/*
 * Theory of operation
 *
 * The table sits on the packet path: every frame learns its source and looks
 * up its destination. So learn and lookup never allocate, never scan, and
 * touch one or two cache lines in the common case.
 *
 * Storage is one power-of-two array of 16-byte slots with linear probing,
 * kept at least twice as large as the entries it holds so the load factor
 * stays at or below one half and probe sequences stay short. It starts
 * small (16 slots: an idle network's FDB costs a few hundred bytes) and
 * doubles as entries arrive, up to twice the capacity. Doubling happens in
 * the writer, at most ~25 times in a table's life, and costs one rehash;
 * the old array is not freed there but retired, because the control thread
 * may be reading it: that thread (the only reader) frees retired arrays in
 * fdb_reclaim(), at a moment it is reading nothing. A slot packs the MAC (48 bits) and
 * the port (16 bits) into one 64-bit key, so a probe compares one word; a
 * port field of FDB_SLOT_FREE marks an empty slot. Removal uses backward-shift
 * deletion instead of tombstones, so probe sequences never grow with churn
 * and nothing ever needs a rehash.
 *
 * The hash is a seeded 64-bit mixer (two multiplies). The seed is random per
 * table, so a guest choosing source MACs cannot aim them at one probe chain.
 *
 * Aging is lazy: an entry unseen for longer than the aging time is treated as
 * absent by every lookup and learn, but stays in its slot until fdb_expire()
 * (called from a timer) removes it. A learn that would be refused because the
 * port is at its limit or the table is full first sweeps expired entries
 * (at most once per distinct @now_sec value, so a flooding guest costs one
 * scan per second) and tries again. Refusals therefore depend only on live
 * entries. fdb_count() and fdb_port_count() take no clock, so they include
 * expired entries no sweep has removed yet; call fdb_expire() first for an
 * exact figure.
 *
 * Readers on other threads: the datapath thread is the table's only writer,
 * and it stores each slot word and the count with relaxed atomic stores (a
 * plain store on every architecture we run on). fdb_dump() and fdb_count()
 * read with relaxed atomic loads, so the control thread may call them while
 * the datapath runs: each entry it sees has a MAC and port that belong
 * together (one word), and under churn an entry being shifted back may be
 * seen twice or missed once, which a listing tolerates. The slot array
 * itself is never freed or replaced while the datapath runs.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#include "fdb.h"

#define FDB_SLOT_FREE		0xffffu		/* port field of an empty slot */
#define FDB_MIN_SLOTS		16u
#define FDB_MAX_RETIRED		32	/* more than the doublings from 16 slots to 2^29 */
#define FDB_MAX_CAPACITY	(1u << 28)	/* keeps slot arithmetic far from overflow */
#define FDB_MAC_MASK		0xffffffffffffULL
#define FDB_PORT_SHIFT		48
#define FDB_NEVER_SWEPT		UINT64_MAX

struct fdb_slot {
	uint64_t key;		/* MAC in bits 0-47, port in bits 48-63 */
	uint64_t seen;		/* now_sec of the last frame from this MAC */
};

struct fdb_table {
	uint32_t mask;		/* slot count - 1; the count is a power of two */
	uint32_t unused;
	struct fdb_slot slots[];
};

struct fdb {
	/* The writer's table; published to readers with a release store. */
	struct fdb_table *tab;
	uint32_t max_slots;	/* the table never grows beyond this */
	struct fdb_table *retired[FDB_MAX_RETIRED];	/* outgrown, for fdb_reclaim() */
	unsigned int capacity;	/* most entries held */
	unsigned int count;	/* entries held, including expired ones not yet swept */
	uint32_t aging_sec;
	uint32_t mac_limit;
	uint64_t hash_seed;
	uint64_t last_sweep_sec;	/* now_sec of the last sweep, or FDB_NEVER_SWEPT */
	uint64_t latest_sec;	/* largest now_sec seen by learn or expire */
	uint32_t port_counts[FDB_MAX_PORTS];
};

static inline uint64_t mac_to_key(const uint8_t mac[6])
{
	return (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 |
	       (uint64_t)mac[2] << 24 | (uint64_t)mac[3] << 16 |
	       (uint64_t)mac[4] << 8 | (uint64_t)mac[5];
}

static inline void key_to_mac(uint64_t key, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(key >> (40 - 8 * i));
}

static inline uint64_t slot_mac(const struct fdb_slot *slot)
{
	return slot->key & FDB_MAC_MASK;
}

static inline uint16_t slot_port(const struct fdb_slot *slot)
{
	return (uint16_t)(slot->key >> FDB_PORT_SHIFT);
}

static inline bool slot_is_free(const struct fdb_slot *slot)
{
	return slot_port(slot) == FDB_SLOT_FREE;
}

/* The writer's stores: relaxed atomics, so concurrent readers never see a torn word. */
static inline void slot_store(struct fdb_slot *slot, uint64_t key, uint64_t seen)
{
	__atomic_store_n(&slot->key, key, __ATOMIC_RELAXED);
	__atomic_store_n(&slot->seen, seen, __ATOMIC_RELAXED);
}

static inline void slot_set(struct fdb_slot *slot, uint64_t mac_key, uint16_t port,
			    uint64_t seen)
{
	slot_store(slot, mac_key | (uint64_t)port << FDB_PORT_SHIFT, seen);
}

static inline void slot_clear(struct fdb_slot *slot)
{
	slot_store(slot, (uint64_t)FDB_SLOT_FREE << FDB_PORT_SHIFT, 0);
}

static inline void count_store(struct fdb *fdb, unsigned int count)
{
	__atomic_store_n(&fdb->count, count, __ATOMIC_RELAXED);
}

/* Home slot of a MAC in a table of @mask + 1 slots: a seeded splitmix64-style finaliser over its 48 bits. */
static inline uint32_t fdb_home_in(const struct fdb *fdb, uint64_t mac_key, uint32_t mask)
{
	uint64_t h = mac_key ^ fdb->hash_seed;

	h ^= h >> 31;
	h *= 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (uint32_t)h & mask;
}

static inline uint32_t fdb_home(const struct fdb *fdb, uint64_t mac_key)
{
	return fdb_home_in(fdb, mac_key, fdb->tab->mask);
}

/* An entry is gone once it has been unseen for more than the aging time. */
static inline bool fdb_expired(const struct fdb *fdb, const struct fdb_slot *slot,
			       uint64_t now_sec)
{
	return now_sec > slot->seen && now_sec - slot->seen > fdb->aging_sec;
}

/* Multicast (including broadcast) and all-zero sources are never learned. */
static inline bool mac_is_learnable(uint64_t mac_key)
{
	return mac_key != 0 && !(mac_key & (1ULL << 40));
}

static uint64_t fdb_random_seed(const void *salt)
{
	uint64_t seed;
	struct timespec ts;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		return seed;
	/* No entropy yet (early boot): a weaker seed still beats a fixed one. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec ^
	       (uint64_t)(uintptr_t)salt;
}

static struct fdb_table *fdb_table_new(uint32_t slot_count)
{
	struct fdb_table *t = malloc(sizeof(*t) + (size_t)slot_count * sizeof(t->slots[0]));

	if (!t)
		return NULL;
	t->mask = slot_count - 1;
	t->unused = 0;
	for (uint32_t i = 0; i < slot_count; i++)
		slot_clear(&t->slots[i]);
	return t;
}

/**
 * fdb_new() - create an empty table
 * @capacity:	most entries held (rounded up internally as needed)
 * @aging_sec:	entries unseen for longer are gone (lookups miss them at once)
 * @mac_limit:	most entries one port may own
 *
 * Return: the table or NULL with errno set (ENOMEM, or EINVAL for a capacity
 * above 2^28).
 */
struct fdb *fdb_new(unsigned int capacity, uint32_t aging_sec, uint32_t mac_limit)
{
	struct fdb *fdb;
	uint32_t max_slots = FDB_MIN_SLOTS;

	if (capacity > FDB_MAX_CAPACITY) {
		errno = EINVAL;
		return NULL;
	}
	while (max_slots < 2 * capacity)
		max_slots <<= 1;

	fdb = calloc(1, sizeof(*fdb));
	if (!fdb)
		return NULL;
	fdb->tab = fdb_table_new(FDB_MIN_SLOTS);
	if (!fdb->tab) {
		free(fdb);
		return NULL;
	}
	fdb->max_slots = max_slots;
	fdb->capacity = capacity;
	fdb->aging_sec = aging_sec;
	fdb->mac_limit = mac_limit;
	fdb->hash_seed = fdb_random_seed(fdb);
	fdb->last_sweep_sec = FDB_NEVER_SWEPT;
	return fdb;
}

/**
 * fdb_free() - free the table
 * @fdb:	table, or NULL
 */
void fdb_free(struct fdb *fdb)
{
	if (!fdb)
		return;
	fdb_reclaim(fdb);
	free(fdb->tab);
	free(fdb);
}

/*
 * Empty slot @hole and close the gap: walk the cluster after it and pull back
 * every entry whose home slot does not lie cyclically in (hole, position], so
 * no probe sequence ever crosses an empty slot before reaching its entry.
 */
static void fdb_remove_slot(struct fdb *fdb, uint32_t hole)
{
	struct fdb_slot *slots = fdb->tab->slots;
	uint32_t mask = fdb->tab->mask;
	uint32_t pos = hole;
	struct fdb_slot *slot = &slots[hole];

	fdb->port_counts[slot_port(slot)]--;
	count_store(fdb, fdb->count - 1);
	for (;;) {
		uint32_t home;

		pos = (pos + 1) & mask;
		slot = &slots[pos];
		if (slot_is_free(slot))
			break;
		home = fdb_home(fdb, slot_mac(slot));
		/* Distance from home to pos versus from hole to pos, both cyclic. */
		if (((pos - home) & mask) >= ((pos - hole) & mask)) {
			slot_store(&slots[hole], slot->key, slot->seen);
			hole = pos;
		}
	}
	slot_clear(&slots[hole]);
}

/* Remove every slot @match accepts. Return: how many. */
static unsigned int fdb_remove_matching(struct fdb *fdb,
					bool (*match)(const struct fdb *fdb,
						      const struct fdb_slot *slot,
						      uint64_t arg),
					uint64_t arg)
{
	unsigned int removed = 0;
	uint32_t i = 0;

	/*
	 * Backward shift only moves entries into the slot being removed or into
	 * slots after it (or wrapped entries, already checked, back to the end),
	 * so re-checking slot i after a removal visits every entry at least once.
	 */
	while (i <= fdb->tab->mask && fdb->count) {
		const struct fdb_slot *slot = &fdb->tab->slots[i];

		if (!slot_is_free(slot) && match(fdb, slot, arg)) {
			fdb_remove_slot(fdb, i);
			removed++;
			continue;
		}
		i++;
	}
	return removed;
}

static bool match_expired(const struct fdb *fdb, const struct fdb_slot *slot,
			  uint64_t now_sec)
{
	return fdb_expired(fdb, slot, now_sec);
}

static bool match_port(const struct fdb *fdb, const struct fdb_slot *slot,
		       uint64_t port)
{
	return slot_port(slot) == port;
}

/**
 * fdb_expire() - remove entries older than the aging time
 * @fdb:	table
 * @now_sec:	current time in seconds (monotonic)
 *
 * Return: how many entries were removed.
 */
unsigned int fdb_expire(struct fdb *fdb, uint64_t now_sec)
{
	if (now_sec > fdb->latest_sec)
		fdb->latest_sec = now_sec;
	fdb->last_sweep_sec = now_sec;
	return fdb_remove_matching(fdb, match_expired, now_sec);
}

/**
 * fdb_flush_port() - remove every entry on @port
 * @fdb:	table
 * @port:	port id
 *
 * Return: how many entries were removed (expired ones not yet swept included).
 */
unsigned int fdb_flush_port(struct fdb *fdb, uint16_t port)
{
	if (port >= FDB_MAX_PORTS || !fdb->port_counts[port])
		return 0;
	return fdb_remove_matching(fdb, match_port, port);
}

/**
 * fdb_set_aging() - change the aging time; existing entries stay
 * @fdb:	table
 * @aging_sec:	new aging time in seconds, applied to every entry at once
 */
void fdb_set_aging(struct fdb *fdb, uint32_t aging_sec)
{
	/*
	 * A longer aging time must not bring back entries that already expired:
	 * remove those first, as of the latest time the table has seen.
	 */
	if (aging_sec > fdb->aging_sec && fdb->count)
		fdb_remove_matching(fdb, match_expired, fdb->latest_sec);
	fdb->aging_sec = aging_sec;
	/* A shorter aging time can expire entries a sweep this second kept. */
	fdb->last_sweep_sec = FDB_NEVER_SWEPT;
}

/**
 * fdb_set_mac_limit() - change the per-port limit; existing entries stay
 * @fdb:	table
 * @mac_limit:	most entries one port may own from now on
 *
 * A port already above a lowered limit keeps its entries but learns nothing
 * new until it drops below the limit.
 */
void fdb_set_mac_limit(struct fdb *fdb, uint32_t mac_limit)
{
	fdb->mac_limit = mac_limit;
}

/*
 * Find @mac_key. Return: true and its slot index in @index, or false and the
 * index of the free slot that ends its probe sequence.
 */
static inline bool fdb_find(const struct fdb *fdb, uint64_t mac_key, uint32_t *index)
{
	uint32_t i = fdb_home(fdb, mac_key);

	/* The table is never full (at most half the slots used), so this ends. */
	for (;;) {
		const struct fdb_slot *slot = &fdb->tab->slots[i];

		if (slot_is_free(slot)) {
			*index = i;
			return false;
		}
		if (slot_mac(slot) == mac_key) {
			*index = i;
			return true;
		}
		i = (i + 1) & fdb->tab->mask;
	}
}

/*
 * Double the table (writer only): rehash every entry into a new array,
 * publish it, and retire the old one for fdb_reclaim().
 * Return: 0, or -ENOMEM / -ENOSPC (at the size limit); the table is unchanged then.
 */
static int fdb_grow(struct fdb *fdb)
{
	struct fdb_table *old = fdb->tab, *t;
	uint32_t size = old->mask + 1, r;

	if (size >= fdb->max_slots)
		return -ENOSPC;
	for (r = 0; r < FDB_MAX_RETIRED && __atomic_load_n(&fdb->retired[r], __ATOMIC_ACQUIRE); r++)
		;
	if (r == FDB_MAX_RETIRED)
		return -ENOSPC;	/* the reader has not reclaimed: wait for it */
	t = fdb_table_new(size * 2);
	if (!t)
		return -ENOMEM;
	for (uint32_t i = 0; i < size; i++) {
		const struct fdb_slot *slot = &old->slots[i];
		uint32_t j;

		if (slot_is_free(slot))
			continue;
		j = fdb_home_in(fdb, slot_mac(slot), t->mask);
		while (!slot_is_free(&t->slots[j]))
			j = (j + 1) & t->mask;
		t->slots[j] = *slot;
	}
	__atomic_store_n(&fdb->tab, t, __ATOMIC_RELEASE);
	__atomic_store_n(&fdb->retired[r], old, __ATOMIC_RELEASE);
	return 0;
}

void fdb_reclaim(struct fdb *fdb)
{
	for (unsigned int r = 0; r < FDB_MAX_RETIRED; r++)
		free(__atomic_exchange_n(&fdb->retired[r], NULL, __ATOMIC_ACQ_REL));
}

size_t fdb_memory(const struct fdb *fdb)
{
	const struct fdb_table *t = __atomic_load_n(&fdb->tab, __ATOMIC_ACQUIRE);

	return sizeof(*fdb) + sizeof(*t) + ((size_t)t->mask + 1) * sizeof(t->slots[0]);
}

/* One learning attempt on the stored counts, which may include expired entries. */
static enum fdb_learn_result fdb_try_learn(struct fdb *fdb, uint64_t mac_key,
					   uint16_t port, uint64_t now_sec)
{
	uint32_t i;
	struct fdb_slot *slot;
	uint16_t old_port;

	if (!fdb_find(fdb, mac_key, &i)) {
		if (fdb->port_counts[port] >= fdb->mac_limit)
			return FDB_LIMIT;
		if (fdb->count >= fdb->capacity)
			return FDB_FULL;
		/* Keep at most half the slots used: double first, and look again. */
		if (2 * (fdb->count + 1) > fdb->tab->mask + 1) {
			if (fdb_grow(fdb))
				return FDB_FULL;	/* no memory: not learned, the frame still floods */
			fdb_find(fdb, mac_key, &i);
		}
		slot_set(&fdb->tab->slots[i], mac_key, port, now_sec);
		fdb->port_counts[port]++;
		count_store(fdb, fdb->count + 1);
		return FDB_LEARNED;
	}

	slot = &fdb->tab->slots[i];
	old_port = slot_port(slot);
	if (fdb_expired(fdb, slot, now_sec)) {
		/* Reuse the slot as if it were new; it does not count against itself. */
		uint32_t others = fdb->port_counts[port] - (old_port == port);

		if (others >= fdb->mac_limit)
			return FDB_LIMIT;
		fdb->port_counts[old_port]--;
		fdb->port_counts[port]++;
		slot_set(slot, mac_key, port, now_sec);
		return FDB_LEARNED;
	}
	if (old_port == port) {
		if (slot->seen != now_sec)
			__atomic_store_n(&slot->seen, now_sec, __ATOMIC_RELAXED);
		return FDB_REFRESHED;
	}
	if (fdb->port_counts[port] >= fdb->mac_limit)
		return FDB_LIMIT;
	fdb->port_counts[old_port]--;
	fdb->port_counts[port]++;
	slot_set(slot, mac_key, port, now_sec);
	return FDB_MOVED;
}

/**
 * fdb_learn() - record that @mac was seen as a source on @port at @now_sec
 * @fdb:	table
 * @mac:	source MAC of the frame
 * @port:	port id the frame came from, below FDB_MAX_PORTS
 * @now_sec:	current time in seconds (monotonic)
 *
 * An expired entry for @mac is treated as absent. A move to a port at its
 * limit is refused (FDB_LIMIT) and the old entry stays. Expired entries never
 * count against a limit or the capacity. Never allocates. A port id out of
 * range is a caller bug and is answered FDB_IGNORED.
 *
 * Return: an enum fdb_learn_result.
 */
enum fdb_learn_result fdb_learn(struct fdb *fdb, const uint8_t mac[6],
				uint16_t port, uint64_t now_sec)
{
	uint64_t mac_key = mac_to_key(mac);
	enum fdb_learn_result result;

	if (!mac_is_learnable(mac_key) || port >= FDB_MAX_PORTS)
		return FDB_IGNORED;
	if (now_sec > fdb->latest_sec)
		fdb->latest_sec = now_sec;

	result = fdb_try_learn(fdb, mac_key, port, now_sec);
	if ((result == FDB_LIMIT || result == FDB_FULL) &&
	    fdb->last_sweep_sec != now_sec && fdb->count) {
		/* Room may be held by expired entries: sweep them, then retry. */
		fdb_expire(fdb, now_sec);
		result = fdb_try_learn(fdb, mac_key, port, now_sec);
	}
	return result;
}

/**
 * fdb_lookup() - port that @mac was learned on
 * @fdb:	table
 * @mac:	destination MAC
 * @now_sec:	current time in seconds (monotonic)
 *
 * Return: port id, or -1 if unknown or expired.
 */
int fdb_lookup(const struct fdb *fdb, const uint8_t mac[6], uint64_t now_sec)
{
	uint32_t i;

	if (!fdb_find(fdb, mac_to_key(mac), &i))
		return -1;
	if (fdb_expired(fdb, &fdb->tab->slots[i], now_sec))
		return -1;
	return slot_port(&fdb->tab->slots[i]);
}

/**
 * fdb_count() - entries in the table
 * @fdb:	table
 *
 * Any thread may call it while the datapath runs.
 * Return: entries held, including expired ones no sweep has removed yet.
 */
unsigned int fdb_count(const struct fdb *fdb)
{
	return __atomic_load_n(&fdb->count, __ATOMIC_RELAXED);
}

/**
 * fdb_port_count() - entries owned by @port
 * @fdb:	table
 * @port:	port id
 *
 * Return: entries held for @port, including expired ones not yet swept; 0 for
 * a port id out of range.
 */
unsigned int fdb_port_count(const struct fdb *fdb, uint16_t port)
{
	if (port >= FDB_MAX_PORTS)
		return 0;
	return fdb->port_counts[port];
}

/**
 * fdb_dump() - copy up to @max unexpired entries into @entries
 * @fdb:	table
 * @entries:	array of at least @max entries
 * @max:	most entries to copy
 * @now_sec:	current time in seconds, to skip expired entries
 *
 * Entries come in table order, which is effectively random; sort them for
 * display. Any thread may call it while the datapath runs (see the theory
 * of operation above).
 * Return: number copied.
 */
unsigned int fdb_dump(const struct fdb *fdb, struct fdb_entry *entries,
		      unsigned int max, uint64_t now_sec)
{
	const struct fdb_table *t = __atomic_load_n(&fdb->tab, __ATOMIC_ACQUIRE);
	unsigned int copied = 0;

	for (uint32_t i = 0; i <= t->mask && copied < max; i++) {
		struct fdb_slot slot;

		slot.key = __atomic_load_n(&t->slots[i].key, __ATOMIC_RELAXED);
		slot.seen = __atomic_load_n(&t->slots[i].seen, __ATOMIC_RELAXED);
		if (slot_is_free(&slot) || fdb_expired(fdb, &slot, now_sec))
			continue;
		key_to_mac(slot_mac(&slot), entries[copied].mac);
		entries[copied].port = slot_port(&slot);
		entries[copied].seen = slot.seen;
		copied++;
	}
	return copied;
}
