/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_fdb.c - unit tests for the MAC learning table, with a randomized model check. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <string.h>
#include <cmocka.h>

#include "../../vswitch/fdb.h"

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t mac_c[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0c };

/* A unicast, locally administered MAC derived from @n. */
static void mac_from_index(uint32_t n, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

static void test_learn_lookup(void **state)
{
	struct fdb *fdb = fdb_new(1024, 300, 16);

	assert_non_null(fdb);
	assert_int_equal(fdb_lookup(fdb, mac_a, 0), -1);
	assert_int_equal(fdb_learn(fdb, mac_a, 1, 10), FDB_LEARNED);
	assert_int_equal(fdb_learn(fdb, mac_b, FDB_MAX_PORTS - 1, 10), FDB_LEARNED);
	assert_int_equal(fdb_lookup(fdb, mac_a, 10), 1);
	assert_int_equal(fdb_lookup(fdb, mac_b, 10), FDB_MAX_PORTS - 1);
	assert_int_equal(fdb_lookup(fdb, mac_c, 10), -1);
	assert_int_equal(fdb_count(fdb), 2);
	assert_int_equal(fdb_port_count(fdb, 1), 1);
	assert_int_equal(fdb_port_count(fdb, FDB_MAX_PORTS - 1), 1);
	assert_int_equal(fdb_port_count(fdb, 2), 0);
	/* Port ids out of range are a caller bug: nothing is learned. */
	assert_int_equal(fdb_learn(fdb, mac_c, FDB_MAX_PORTS, 10), FDB_IGNORED);
	assert_int_equal(fdb_port_count(fdb, FDB_MAX_PORTS), 0);
	assert_int_equal(fdb_count(fdb), 2);
	fdb_free(fdb);
	fdb_free(NULL);
}

static void test_refresh(void **state)
{
	struct fdb *fdb = fdb_new(64, 300, 16);

	assert_non_null(fdb);
	assert_int_equal(fdb_learn(fdb, mac_a, 3, 0), FDB_LEARNED);
	assert_int_equal(fdb_learn(fdb, mac_a, 3, 200), FDB_REFRESHED);
	/* 450 is 450 s after the first frame but only 250 s after the refresh. */
	assert_int_equal(fdb_lookup(fdb, mac_a, 450), 3);
	assert_int_equal(fdb_expire(fdb, 450), 0);
	assert_int_equal(fdb_count(fdb), 1);
	assert_int_equal(fdb_port_count(fdb, 3), 1);
	fdb_free(fdb);
}

static void test_move(void **state)
{
	struct fdb *fdb = fdb_new(64, 300, 16);

	assert_non_null(fdb);
	assert_int_equal(fdb_learn(fdb, mac_a, 1, 5), FDB_LEARNED);
	assert_int_equal(fdb_learn(fdb, mac_a, 2, 6), FDB_MOVED);
	assert_int_equal(fdb_lookup(fdb, mac_a, 6), 2);
	assert_int_equal(fdb_port_count(fdb, 1), 0);
	assert_int_equal(fdb_port_count(fdb, 2), 1);
	assert_int_equal(fdb_count(fdb), 1);
	assert_int_equal(fdb_learn(fdb, mac_a, 2, 7), FDB_REFRESHED);
	assert_int_equal(fdb_learn(fdb, mac_a, 1, 8), FDB_MOVED);
	assert_int_equal(fdb_lookup(fdb, mac_a, 8), 1);
	fdb_free(fdb);
}

static void test_aging(void **state)
{
	struct fdb *fdb = fdb_new(64, 300, 16);

	assert_non_null(fdb);
	assert_int_equal(fdb_learn(fdb, mac_a, 1, 1000), FDB_LEARNED);
	assert_int_equal(fdb_learn(fdb, mac_b, 1, 1100), FDB_LEARNED);
	/* Exactly the aging time old is still present; one second more is gone. */
	assert_int_equal(fdb_lookup(fdb, mac_a, 1300), 1);
	assert_int_equal(fdb_lookup(fdb, mac_a, 1301), -1);
	assert_int_equal(fdb_lookup(fdb, mac_b, 1301), 1);
	/* Expired entries are not dumped, even before fdb_expire() runs. */
	{
		struct fdb_entry entries[4];

		assert_int_equal(fdb_dump(fdb, entries, 4, 1301), 1);
		assert_memory_equal(entries[0].mac, mac_b, 6);
	}
	assert_int_equal(fdb_count(fdb), 2);
	assert_int_equal(fdb_expire(fdb, 1301), 1);
	assert_int_equal(fdb_count(fdb), 1);
	assert_int_equal(fdb_port_count(fdb, 1), 1);
	assert_int_equal(fdb_lookup(fdb, mac_b, 1301), 1);
	assert_int_equal(fdb_expire(fdb, 1500), 1);
	assert_int_equal(fdb_count(fdb), 0);
	assert_int_equal(fdb_port_count(fdb, 1), 0);
	assert_int_equal(fdb_lookup(fdb, mac_b, 1500), -1);
	fdb_free(fdb);
}

/* An expired entry is absent: learning it again is a new entry, even elsewhere. */
static void test_relearn_after_expiry(void **state)
{
	struct fdb *fdb = fdb_new(64, 10, 16);

	assert_non_null(fdb);
	assert_int_equal(fdb_learn(fdb, mac_a, 1, 0), FDB_LEARNED);
	assert_int_equal(fdb_learn(fdb, mac_a, 1, 11), FDB_LEARNED);
	assert_int_equal(fdb_learn(fdb, mac_a, 2, 22), FDB_LEARNED);
	assert_int_equal(fdb_lookup(fdb, mac_a, 22), 2);
	assert_int_equal(fdb_port_count(fdb, 1), 0);
	assert_int_equal(fdb_port_count(fdb, 2), 1);
	assert_int_equal(fdb_count(fdb), 1);
	fdb_free(fdb);
}

static void test_aging_change(void **state)
{
	struct fdb *fdb = fdb_new(64, 300, 16);

	assert_non_null(fdb);
	assert_int_equal(fdb_learn(fdb, mac_a, 1, 0), FDB_LEARNED);
	assert_int_equal(fdb_learn(fdb, mac_b, 1, 50), FDB_LEARNED);
	fdb_set_aging(fdb, 20);
	assert_int_equal(fdb_lookup(fdb, mac_a, 60), -1);
	assert_int_equal(fdb_lookup(fdb, mac_b, 60), 1);
	/* Raising the aging time again must not revive the expired entry. */
	assert_int_equal(fdb_learn(fdb, mac_c, 1, 60), FDB_LEARNED);
	fdb_set_aging(fdb, 300);
	assert_int_equal(fdb_lookup(fdb, mac_a, 60), -1);
	assert_int_equal(fdb_lookup(fdb, mac_b, 60), 1);
	assert_int_equal(fdb_count(fdb), 2);
	fdb_free(fdb);
}

static void test_port_limit(void **state)
{
	struct fdb *fdb = fdb_new(1024, 300, 3);
	uint8_t mac[6];

	assert_non_null(fdb);
	for (uint32_t i = 0; i < 3; i++) {
		mac_from_index(i, mac);
		assert_int_equal(fdb_learn(fdb, mac, 1, 0), FDB_LEARNED);
	}
	mac_from_index(3, mac);
	assert_int_equal(fdb_learn(fdb, mac, 1, 0), FDB_LIMIT);
	assert_int_equal(fdb_lookup(fdb, mac, 0), -1);
	assert_int_equal(fdb_port_count(fdb, 1), 3);

	/* Other ports are unaffected. */
	assert_int_equal(fdb_learn(fdb, mac, 2, 0), FDB_LEARNED);
	assert_int_equal(fdb_learn(fdb, mac_a, 2, 0), FDB_LEARNED);
	assert_int_equal(fdb_port_count(fdb, 2), 2);

	/* A move onto a port at its limit is refused; the old entry stays. */
	assert_int_equal(fdb_learn(fdb, mac_a, 1, 1), FDB_LIMIT);
	assert_int_equal(fdb_lookup(fdb, mac_a, 1), 2);
	assert_int_equal(fdb_port_count(fdb, 2), 2);

	/* Known addresses on a port at its limit still refresh. */
	mac_from_index(0, mac);
	assert_int_equal(fdb_learn(fdb, mac, 1, 200), FDB_REFRESHED);

	/* A move off the full port makes room on it. */
	assert_int_equal(fdb_learn(fdb, mac, 2, 200), FDB_MOVED);
	assert_int_equal(fdb_port_count(fdb, 1), 2);
	assert_int_equal(fdb_learn(fdb, mac_b, 1, 200), FDB_LEARNED);
	assert_int_equal(fdb_learn(fdb, mac_c, 1, 200), FDB_LIMIT);

	/* Raising the limit lets the port learn again. */
	fdb_set_mac_limit(fdb, 4);
	assert_int_equal(fdb_learn(fdb, mac_c, 1, 200), FDB_LEARNED);
	fdb_set_mac_limit(fdb, 2);
	assert_int_equal(fdb_port_count(fdb, 1), 4);
	assert_int_equal(fdb_lookup(fdb, mac_c, 200), 1);
	fdb_free(fdb);
}

/* Expired entries do not count against the limit, even before a sweep. */
static void test_limit_ignores_expired(void **state)
{
	struct fdb *fdb = fdb_new(1024, 10, 2);

	assert_non_null(fdb);
	assert_int_equal(fdb_learn(fdb, mac_a, 1, 0), FDB_LEARNED);
	assert_int_equal(fdb_learn(fdb, mac_b, 1, 5), FDB_LEARNED);
	assert_int_equal(fdb_learn(fdb, mac_c, 1, 10), FDB_LIMIT);
	/* At 11 mac_a has expired, so mac_c fits; mac_b is still live. */
	assert_int_equal(fdb_learn(fdb, mac_c, 1, 11), FDB_LEARNED);
	assert_int_equal(fdb_lookup(fdb, mac_a, 11), -1);
	assert_int_equal(fdb_lookup(fdb, mac_b, 11), 1);
	assert_int_equal(fdb_lookup(fdb, mac_c, 11), 1);
	assert_int_equal(fdb_port_count(fdb, 1), 2);
	/* Relearning mac_a now is a new entry and the port is at its limit. */
	assert_int_equal(fdb_learn(fdb, mac_a, 1, 11), FDB_LIMIT);
	fdb_free(fdb);
}

static void test_ignored_sources(void **state)
{
	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t ipv4_mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t ipv6_mcast[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t zero[6] = { 0 };
	static const uint8_t local_unicast[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t max_unicast[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct fdb *fdb = fdb_new(64, 300, 16);

	assert_non_null(fdb);
	assert_int_equal(fdb_learn(fdb, broadcast, 1, 0), FDB_IGNORED);
	assert_int_equal(fdb_learn(fdb, ipv4_mcast, 1, 0), FDB_IGNORED);
	assert_int_equal(fdb_learn(fdb, ipv6_mcast, 1, 0), FDB_IGNORED);
	assert_int_equal(fdb_learn(fdb, zero, 1, 0), FDB_IGNORED);
	assert_int_equal(fdb_count(fdb), 0);
	assert_int_equal(fdb_port_count(fdb, 1), 0);
	assert_int_equal(fdb_lookup(fdb, broadcast, 0), -1);
	assert_int_equal(fdb_lookup(fdb, zero, 0), -1);
	assert_int_equal(fdb_learn(fdb, local_unicast, 1, 0), FDB_LEARNED);
	assert_int_equal(fdb_learn(fdb, max_unicast, 1, 0), FDB_LEARNED);
	assert_int_equal(fdb_lookup(fdb, max_unicast, 0), 1);
	fdb_free(fdb);
}

static void test_capacity_full(void **state)
{
	struct fdb *fdb = fdb_new(4, 10, 100);
	uint8_t mac[6];

	assert_non_null(fdb);
	for (uint32_t i = 0; i < 4; i++) {
		mac_from_index(i, mac);
		assert_int_equal(fdb_learn(fdb, mac, (uint16_t)(i % 2), 0), FDB_LEARNED);
	}
	mac_from_index(4, mac);
	assert_int_equal(fdb_learn(fdb, mac, 0, 5), FDB_FULL);
	assert_int_equal(fdb_learn(fdb, mac, 3, 5), FDB_FULL);
	assert_int_equal(fdb_lookup(fdb, mac, 5), -1);
	assert_int_equal(fdb_count(fdb), 4);

	/* Refreshes and moves need no new slot. */
	mac_from_index(0, mac);
	assert_int_equal(fdb_learn(fdb, mac, 0, 5), FDB_REFRESHED);
	mac_from_index(1, mac);
	assert_int_equal(fdb_learn(fdb, mac, 3, 5), FDB_MOVED);

	/* At 11 the two entries last seen at 0 expire and make room. */
	mac_from_index(4, mac);
	assert_int_equal(fdb_learn(fdb, mac, 0, 11), FDB_LEARNED);
	mac_from_index(5, mac);
	assert_int_equal(fdb_learn(fdb, mac, 0, 11), FDB_LEARNED);
	mac_from_index(6, mac);
	assert_int_equal(fdb_learn(fdb, mac, 0, 11), FDB_FULL);
	assert_int_equal(fdb_count(fdb), 4);
	fdb_free(fdb);

	/* A zero-capacity table learns nothing. */
	fdb = fdb_new(0, 10, 100);
	assert_non_null(fdb);
	assert_int_equal(fdb_learn(fdb, mac_a, 0, 0), FDB_FULL);
	assert_int_equal(fdb_lookup(fdb, mac_a, 0), -1);
	fdb_free(fdb);
}

static void test_flush_port(void **state)
{
	struct fdb *fdb = fdb_new(1024, 300, 1024);
	uint8_t mac[6];

	assert_non_null(fdb);
	for (uint32_t i = 0; i < 300; i++) {
		mac_from_index(i, mac);
		assert_int_equal(fdb_learn(fdb, mac, (uint16_t)(i % 3), 0), FDB_LEARNED);
	}
	assert_int_equal(fdb_flush_port(fdb, 1), 100);
	assert_int_equal(fdb_flush_port(fdb, 1), 0);
	assert_int_equal(fdb_flush_port(fdb, 7), 0);
	assert_int_equal(fdb_flush_port(fdb, FDB_MAX_PORTS), 0);
	assert_int_equal(fdb_count(fdb), 200);
	assert_int_equal(fdb_port_count(fdb, 1), 0);
	assert_int_equal(fdb_port_count(fdb, 0), 100);
	for (uint32_t i = 0; i < 300; i++) {
		mac_from_index(i, mac);
		assert_int_equal(fdb_lookup(fdb, mac, 0), i % 3 == 1 ? -1 : (int)(i % 3));
	}
	fdb_free(fdb);
}

static void test_dump(void **state)
{
	struct fdb *fdb = fdb_new(64, 100, 64);
	struct fdb_entry entries[16];
	uint8_t mac[6];
	bool found[10] = { false };
	unsigned int n;

	assert_non_null(fdb);
	assert_int_equal(fdb_dump(fdb, entries, 16, 0), 0);
	for (uint32_t i = 0; i < 10; i++) {
		mac_from_index(i, mac);
		/* Entries 0-4 are seen at 0 and expire after 100; 5-9 at 50. */
		assert_int_equal(fdb_learn(fdb, mac, (uint16_t)(100 + i), i < 5 ? 0 : 50),
				 FDB_LEARNED);
	}
	n = fdb_dump(fdb, entries, 16, 50);
	assert_int_equal(n, 10);
	assert_int_equal(fdb_dump(fdb, entries, 3, 50), 3);
	assert_int_equal(fdb_dump(fdb, entries, 0, 50), 0);

	n = fdb_dump(fdb, entries, 16, 120);
	assert_int_equal(n, 5);
	for (unsigned int k = 0; k < n; k++) {
		uint32_t i = entries[k].mac[5];

		assert_in_range(i, 5, 9);
		assert_false(found[i]);
		found[i] = true;
		mac_from_index(i, mac);
		assert_memory_equal(entries[k].mac, mac, 6);
		assert_int_equal(entries[k].port, 100 + i);
		assert_int_equal(entries[k].seen, 50);
	}
	fdb_free(fdb);
}

/* Fill a default-sized table, delete half, and check every address. */
static void test_full_default_table(void **state)
{
	const uint32_t capacity = FDB_DEFAULT_CAPACITY;
	struct fdb *fdb = fdb_new(capacity, FDB_DEFAULT_AGING, FDB_DEFAULT_MAC_LIMIT);
	uint8_t mac[6];

	assert_non_null(fdb);
	for (uint32_t i = 0; i < capacity; i++) {
		mac_from_index(i * 7919u, mac);
		assert_int_equal(fdb_learn(fdb, mac, (uint16_t)(i / 1024), 1), FDB_LEARNED);
	}
	assert_int_equal(fdb_count(fdb), capacity);
	mac_from_index(0xffffff, mac);
	assert_int_equal(fdb_learn(fdb, mac, 200, 1), FDB_FULL);
	for (uint16_t port = 0; port < capacity / 1024; port += 2)
		assert_int_equal(fdb_flush_port(fdb, port), 1024);
	assert_int_equal(fdb_count(fdb), capacity / 2);
	for (uint32_t i = 0; i < capacity; i++) {
		int port = (int)(i / 1024);

		mac_from_index(i * 7919u, mac);
		assert_int_equal(fdb_lookup(fdb, mac, 2), port % 2 ? port : -1);
	}
	mac_from_index(0xffffff, mac);
	assert_int_equal(fdb_learn(fdb, mac, 200, 1), FDB_LEARNED);
	fdb_free(fdb);
}

/*
 * Randomized check against a reference model: a plain array over a small MAC
 * universe, where "present" means learned and not expired. The table is kept
 * small and the universe larger than it, so limits, capacity, collisions and
 * backward-shift deletion are all exercised.
 */
#define MODEL_MACS	600
#define MODEL_PORTS	8
#define MODEL_CAPACITY	256
#define MODEL_OPS	50000

struct model_entry {
	uint8_t mac[6];
	bool present;
	uint16_t port;
	uint64_t seen;
};

struct model {
	struct model_entry entries[MODEL_MACS];
	uint32_t aging;
	uint32_t limit;
	uint64_t now;
};

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint32_t rng(void)
{
	/* xorshift64*: fixed seed, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

static bool model_live(const struct model *m, const struct model_entry *e)
{
	return e->present && !(m->now > e->seen && m->now - e->seen > m->aging);
}

static unsigned int model_live_count(const struct model *m, int port)
{
	unsigned int n = 0;

	for (int i = 0; i < MODEL_MACS; i++) {
		const struct model_entry *e = &m->entries[i];

		if (model_live(m, e) && (port < 0 || e->port == port))
			n++;
	}
	return n;
}

static enum fdb_learn_result model_learn(struct model *m, struct model_entry *e,
					 uint16_t port)
{
	bool multicast = e->mac[0] & 1;
	bool zero = !memcmp(e->mac, "\0\0\0\0\0\0", 6);

	if (multicast || zero)
		return FDB_IGNORED;
	if (model_live(m, e)) {
		if (e->port == port) {
			e->seen = m->now;
			return FDB_REFRESHED;
		}
		if (model_live_count(m, port) >= m->limit)
			return FDB_LIMIT;
		e->port = port;
		e->seen = m->now;
		return FDB_MOVED;
	}
	if (model_live_count(m, port) >= m->limit)
		return FDB_LIMIT;
	if (model_live_count(m, -1) >= MODEL_CAPACITY)
		return FDB_FULL;
	e->present = true;
	e->port = port;
	e->seen = m->now;
	return FDB_LEARNED;
}

static void model_check_lookups(const struct model *m, const struct fdb *fdb)
{
	for (int i = 0; i < MODEL_MACS; i++) {
		const struct model_entry *e = &m->entries[i];

		assert_int_equal(fdb_lookup(fdb, e->mac, m->now),
				 model_live(m, e) ? e->port : -1);
	}
}

static void model_check_dump(const struct model *m, const struct fdb *fdb)
{
	static struct fdb_entry dumped[MODEL_CAPACITY + 1];
	unsigned int n = fdb_dump(fdb, dumped, MODEL_CAPACITY + 1, m->now);

	assert_int_equal(n, model_live_count(m, -1));
	for (unsigned int k = 0; k < n; k++) {
		const struct model_entry *match = NULL;

		for (int i = 0; i < MODEL_MACS && !match; i++)
			if (!memcmp(m->entries[i].mac, dumped[k].mac, 6))
				match = &m->entries[i];
		assert_non_null(match);
		assert_true(model_live(m, match));
		assert_int_equal(dumped[k].port, match->port);
		assert_int_equal(dumped[k].seen, match->seen);
	}
}

static void model_expire(struct model *m, struct fdb *fdb)
{
	unsigned int before = fdb_count(fdb);
	unsigned int removed = fdb_expire(fdb, m->now);

	assert_int_equal(fdb_count(fdb), before - removed);
	for (int i = 0; i < MODEL_MACS; i++)
		if (!model_live(m, &m->entries[i]))
			m->entries[i].present = false;
	/* After a sweep the clockless counts are exact. */
	assert_int_equal(fdb_count(fdb), model_live_count(m, -1));
	for (int port = 0; port < MODEL_PORTS; port++)
		assert_int_equal(fdb_port_count(fdb, (uint16_t)port),
				 model_live_count(m, port));
}

static void test_model_stress(void **state)
{
	static const uint32_t agings[] = { 5, 30, 120 };
	static const uint32_t limits[] = { 16, 48, 200 };
	static struct model m;
	struct fdb *fdb;
	unsigned int results[FDB_FULL + 1] = { 0 };

	memset(&m, 0, sizeof(m));
	m.aging = 30;
	m.limit = 48;
	m.now = 1;
	memset(m.entries[0].mac, 0, 6);
	memset(m.entries[1].mac, 0xff, 6);
	for (int i = 2; i < MODEL_MACS; i++) {
		bool duplicate;

		do {
			uint8_t *mac = m.entries[i].mac;

			mac_from_index(rng(), mac);
			/* Vary the high bytes too; about one in twenty is multicast. */
			mac[0] = (uint8_t)(rng() & 0xfe);
			mac[1] = (uint8_t)rng();
			if (rng() % 20 == 0)
				mac[0] |= 1;
			duplicate = false;
			for (int k = 0; k < i; k++)
				duplicate |= !memcmp(m.entries[k].mac, mac, 6);
		} while (duplicate);
	}

	fdb = fdb_new(MODEL_CAPACITY, m.aging, m.limit);
	assert_non_null(fdb);
	for (int op = 0; op < MODEL_OPS; op++) {
		uint32_t dice = rng() % 1000;
		uint32_t index = rng() % MODEL_MACS;
		struct model_entry *e = &m.entries[index];

		if (dice < 550) {
			/* Mostly from its usual port, sometimes from another. */
			uint16_t port = (uint16_t)(rng() % 4 ? index % MODEL_PORTS
						       : rng() % MODEL_PORTS);
			enum fdb_learn_result expected = model_learn(&m, e, port);
			enum fdb_learn_result got = fdb_learn(fdb, e->mac, port, m.now);

			assert_int_equal(got, expected);
			results[got]++;
		} else if (dice < 800) {
			assert_int_equal(fdb_lookup(fdb, e->mac, m.now),
					 model_live(&m, e) ? e->port : -1);
		} else if (dice < 820) {
			model_expire(&m, fdb);
		} else if (dice < 825) {
			uint16_t port = (uint16_t)(rng() % MODEL_PORTS);
			unsigned int live = model_live_count(&m, port);
			unsigned int before = fdb_count(fdb);
			unsigned int removed = fdb_flush_port(fdb, port);

			/* Expired entries not yet swept may be removed too. */
			assert_true(removed >= live);
			assert_int_equal(fdb_count(fdb), before - removed);
			assert_int_equal(fdb_port_count(fdb, port), 0);
			for (int i = 0; i < MODEL_MACS; i++)
				if (m.entries[i].port == port)
					m.entries[i].present = false;
		} else if (dice < 850) {
			model_check_dump(&m, fdb);
		} else if (dice < 853) {
			/*
			 * Sweep first: how a longer aging time treats entries
			 * that expired since the table last saw the clock is
			 * not something the model pins down.
			 */
			model_expire(&m, fdb);
			m.aging = agings[rng() % 3];
			fdb_set_aging(fdb, m.aging);
		} else if (dice < 856) {
			m.limit = limits[rng() % 3];
			fdb_set_mac_limit(fdb, m.limit);
		} else if (rng() % 8 == 0) {
			m.now += 1 + rng() % 2;
		}
		if (op % 1000 == 999)
			model_check_lookups(&m, fdb);
	}
	model_check_lookups(&m, fdb);
	model_check_dump(&m, fdb);
	model_expire(&m, fdb);
	/* Every outcome must have happened, or the test is not testing much. */
	for (int r = FDB_REFRESHED; r <= FDB_FULL; r++)
		assert_true(results[r] > 0);
	fdb_free(fdb);
}

/* An idle table costs a few hundred bytes; it doubles as entries arrive and keeps them all. */
static void test_grows_with_use(void **state)
{
	struct fdb *fdb = fdb_new(FDB_DEFAULT_CAPACITY, FDB_DEFAULT_AGING, FDB_DEFAULT_MAC_LIMIT);
	uint8_t mac[6];
	size_t idle;

	(void)state;
	assert_non_null(fdb);
	idle = fdb_memory(fdb);
	assert_true(idle < 2048);
	for (uint32_t i = 0; i < 1000; i++) {
		mac_from_index(i + 1, mac);
		assert_int_equal(fdb_learn(fdb, mac, (uint16_t)(i % 200), 1), FDB_LEARNED);
	}
	assert_true(fdb_memory(fdb) >= 2000 * 16);	/* at most half the slots used */
	assert_true(fdb_memory(fdb) <= 4096 * 16 + 2048);
	for (uint32_t i = 0; i < 1000; i++) {
		mac_from_index(i + 1, mac);
		assert_int_equal(fdb_lookup(fdb, mac, 1), (int)(i % 200));
	}
	fdb_reclaim(fdb);
	fdb_free(fdb);
}

struct grow_writer {
	struct fdb *fdb;
	atomic_bool done;
};

static void *grow_writer_run(void *arg)
{
	struct grow_writer *w = arg;
	uint8_t mac[6];

	for (uint32_t round = 0; round < 4; round++) {
		for (uint32_t i = 0; i < 20000; i++) {
			mac_from_index(round * 100000 + i + 1, mac);
			fdb_learn(w->fdb, mac, (uint16_t)(i % 200), round + 1);
		}
		for (uint16_t port = 0; port < 200; port += 3)
			fdb_flush_port(w->fdb, port);
	}
	atomic_store(&w->done, true);
	return NULL;
}

/*
 * The control thread reads while the datapath writes and grows the table:
 * every entry read is whole (a MAC that was learned, on the port it was
 * learned on), and outgrown arrays are freed only by the reader (ASan
 * would see a use after free otherwise).
 */
static void test_read_while_growing(void **state)
{
	struct grow_writer w = { .fdb = fdb_new(FDB_DEFAULT_CAPACITY, 1000, FDB_DEFAULT_MAC_LIMIT) };
	static struct fdb_entry entries[FDB_DEFAULT_CAPACITY];
	unsigned int dumps = 0;
	pthread_t t;

	(void)state;
	assert_non_null(w.fdb);
	assert_int_equal(pthread_create(&t, NULL, grow_writer_run, &w), 0);
	while (!atomic_load(&w.done)) {
		unsigned int n = fdb_dump(w.fdb, entries, FDB_DEFAULT_CAPACITY, 1);

		for (unsigned int k = 0; k < n; k++) {
			uint32_t index = (uint32_t)entries[k].mac[3] << 16 | (uint32_t)entries[k].mac[4] << 8 |
					 entries[k].mac[5];

			assert_int_equal(entries[k].port, ((index - 1) % 100000) % 200);
		}
		(void)fdb_count(w.fdb);
		fdb_reclaim(w.fdb);
		dumps++;
	}
	pthread_join(t, NULL);
	assert_true(dumps > 0);
	fdb_free(w.fdb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learn_lookup),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_aging),
		cmocka_unit_test(test_relearn_after_expiry),
		cmocka_unit_test(test_aging_change),
		cmocka_unit_test(test_port_limit),
		cmocka_unit_test(test_limit_ignores_expired),
		cmocka_unit_test(test_ignored_sources),
		cmocka_unit_test(test_capacity_full),
		cmocka_unit_test(test_flush_port),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_full_default_table),
		cmocka_unit_test(test_model_stress),
		cmocka_unit_test(test_grows_with_use),
		cmocka_unit_test(test_read_while_growing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
