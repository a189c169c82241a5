// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dhcp_lease.c - the lease journal: records round-trip, a torn tail
 * (cut at every byte) is truncated and every whole record before it kept,
 * damage in the middle is reported by line and skipped, compaction keeps
 * exactly the live leases; and the pool's address choice.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lease.h"
#include "log.h"
#include "pool.h"

static char dir[64];
static char path[128];

struct loaded {
	struct dhcp_lease_rec recs[512];
	unsigned int n;
};

static void collect(void *opaque, const struct dhcp_lease_rec *rec)
{
	struct loaded *l = opaque;

	if (l->n < 512)
		l->recs[l->n++] = *rec;
}

static struct dhcp_lease_rec rec_n(unsigned int i)
{
	struct dhcp_lease_rec r;

	memset(&r, 0, sizeof(r));
	r.ip = 0x0a000064 + i;
	r.mac[0] = 0x52;
	r.mac[5] = (uint8_t)i;
	r.mac[4] = (uint8_t)(i >> 8);
	r.state = DHCP_LEASE_BOUND;
	r.expires = 1700000000 + i;
	snprintf(r.hostname, sizeof(r.hostname), i % 3 ? "host-%u" : "", i);
	return r;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_dhcp_lease.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/net.leases", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write @n records in batches of 7 commits; return the file size. */
static off_t write_records(unsigned int n)
{
	struct lease_store st;
	struct loaded l = { .n = 0 };
	struct stat sb;
	unsigned int i;

	unlink(path);
	assert_int_equal(lease_store_open(&st, path, collect, &l, NULL), 0);
	for (i = 0; i < n; i++) {
		struct dhcp_lease_rec r = rec_n(i);

		assert_int_equal(lease_store_append(&st, &r), 0);
		if (i % 7 == 6)
			assert_int_equal(lease_store_commit(&st), 0);
	}
	assert_int_equal(lease_store_commit(&st), 0);
	lease_store_close(&st);
	assert_int_equal(stat(path, &sb), 0);
	return sb.st_size;
}

static void test_line_roundtrip(void **state)
{
	struct dhcp_lease_rec r = rec_n(5), back;
	char line[DHCP_LEASE_LINE_MAX + 1];
	size_t n;

	(void)state;
	r.state = DHCP_LEASE_DECLINED;
	r.expires = -5;
	n = lease_format(&r, line, sizeof(line));
	assert_true(n > 0 && line[n - 1] == '\n');
	assert_int_equal(lease_parse_line(line, n - 1, &back), 0);
	assert_memory_equal(&r, &back, sizeof(r));
	/* Any single changed byte is caught by the checksum or the syntax. */
	for (size_t i = 0; i < n - 1; i++) {
		char bad[DHCP_LEASE_LINE_MAX + 1];

		memcpy(bad, line, n);
		bad[i] ^= 0x01;
		assert_int_equal(lease_parse_line(bad, n - 1, &back), -EBADMSG);
	}
	assert_int_equal(lease_parse_line("", 0, &back), -EBADMSG);
}

static void test_roundtrip(void **state)
{
	struct lease_load_report rep;
	struct lease_store st;
	static struct loaded l;
	unsigned int i;

	(void)state;
	write_records(50);
	l.n = 0;
	assert_int_equal(lease_store_open(&st, path, collect, &l, &rep), 0);
	lease_store_close(&st);
	assert_int_equal(rep.records, 50);
	assert_int_equal(rep.bad_lines, 0);
	assert_int_equal(rep.truncated_bytes, 0);
	assert_int_equal(l.n, 50);
	for (i = 0; i < 50; i++) {
		struct dhcp_lease_rec r = rec_n(i);

		assert_memory_equal(&l.recs[i], &r, sizeof(r));
	}
}

/* A crash can stop a write anywhere: every cut keeps every whole line before it. */
static void test_torn_tail_every_offset(void **state)
{
	struct lease_load_report rep;
	struct lease_store st;
	static struct loaded l;
	char line[DHCP_LEASE_LINE_MAX + 1];
	size_t ends[20], total = 0;
	off_t size, cut;
	unsigned int i, whole;

	(void)state;
	for (i = 0; i < 20; i++) {
		struct dhcp_lease_rec r = rec_n(i);

		total += lease_format(&r, line, sizeof(line));
		ends[i] = total;
	}
	for (cut = 0; cut <= (off_t)total; cut++) {
		size = write_records(20);
		assert_int_equal(size, (off_t)total);
		assert_int_equal(truncate(path, cut), 0);
		for (whole = 0; whole < 20 && ends[whole] <= (size_t)cut; whole++)
			;
		l.n = 0;
		assert_int_equal(lease_store_open(&st, path, collect, &l, &rep), 0);
		assert_int_equal(rep.records, whole);
		assert_int_equal(rep.bad_lines, 0);
		assert_int_equal(rep.truncated_bytes, (size_t)cut - (whole ? ends[whole - 1] : 0));
		/* Appending after the cut gives a clean file again. */
		{
			struct dhcp_lease_rec r = rec_n(99);

			assert_int_equal(lease_store_append(&st, &r), 0);
			assert_int_equal(lease_store_commit(&st), 0);
		}
		lease_store_close(&st);
		l.n = 0;
		assert_int_equal(lease_store_open(&st, path, collect, &l, &rep), 0);
		lease_store_close(&st);
		assert_int_equal(rep.records, whole + 1);
		assert_int_equal(rep.truncated_bytes, 0);
	}
}

static void test_corrupt_middle(void **state)
{
	struct lease_load_report rep;
	struct lease_store st;
	static struct loaded l;
	char corrupt[160];
	struct stat sb;
	int fd;

	(void)state;
	write_records(10);
	/* Damage line 3 (a byte in its address) and line 7 (a newline turned into junk). */
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	{
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof(buf));
		int line = 1;

		assert_true(n > 0);
		for (ssize_t i = 0; i < n; i++) {
			if (line == 3 && buf[i - 1] == '\n') {
				buf[i + 3] = 'X';
			}
			if (buf[i] == '\n') {
				line++;
				if (line == 8)
					buf[i] = '#';	/* lines 7 and 8 merge into one bad line */
			}
		}
		assert_int_equal(pwrite(fd, buf, (size_t)n, 0), n);
	}
	close(fd);
	l.n = 0;
	assert_int_equal(lease_store_open(&st, path, collect, &l, &rep), 0);
	lease_store_close(&st);
	assert_int_equal(rep.bad_lines, 2);
	assert_int_equal(rep.first_bad_line, 3);
	assert_int_equal(rep.truncated_bytes, 0);
	/* Lines 1, 2, 4, 5, 6, 9, 10 survive. */
	assert_int_equal(rep.records, 7);
	assert_int_equal(l.recs[2].expires, rec_n(3).expires);
	assert_int_equal(l.recs[6].expires, rec_n(9).expires);
	snprintf(corrupt, sizeof(corrupt), "%s.corrupt", path);
	assert_int_equal(stat(corrupt, &sb), 0);
}

struct iter {
	unsigned int i, n;
};

static bool next_even(void *opaque, struct dhcp_lease_rec *rec)
{
	struct iter *it = opaque;

	if (it->i >= it->n)
		return false;
	*rec = rec_n(it->i);
	it->i += 2;
	return true;
}

static void test_compaction(void **state)
{
	struct lease_load_report rep;
	struct lease_store st;
	static struct loaded l;
	struct iter it = { .i = 0, .n = 100 };
	struct dhcp_lease_rec r = rec_n(1000);
	char tmp[160];
	struct stat sb;

	(void)state;
	write_records(100);
	l.n = 0;
	assert_int_equal(lease_store_open(&st, path, collect, &l, &rep), 0);
	assert_int_equal(st.file_records, 100);
	/* Queued records must be committed before compacting. */
	assert_int_equal(lease_store_append(&st, &r), 0);
	assert_int_equal(lease_store_compact(&st, next_even, &it), -EBUSY);
	assert_int_equal(lease_store_commit(&st), 0);
	assert_int_equal(lease_store_compact(&st, next_even, &it), 0);
	assert_int_equal(st.file_records, 50);
	/* The store appends to the new file. */
	assert_int_equal(lease_store_append(&st, &r), 0);
	assert_int_equal(lease_store_commit(&st), 0);
	lease_store_close(&st);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_not_equal(stat(tmp, &sb), 0);
	l.n = 0;
	assert_int_equal(lease_store_open(&st, path, collect, &l, &rep), 0);
	lease_store_close(&st);
	assert_int_equal(rep.records, 51);
	assert_int_equal(l.recs[1].ip, rec_n(2).ip);
	assert_int_equal(l.recs[50].ip, r.ip);
}

static void test_pool_choice(void **state)
{
	struct dhcp_pool pool;
	uint8_t mac[6] = { 0x52, 0, 0, 0, 0, 1 };
	uint32_t ip, i;

	(void)state;
	/* 10.0.0.0/24, range .10-.19, server .10 (inside the range: skipped). */
	assert_int_equal(dhcp_pool_init(&pool, 0x0a000000, 0xffffff00, 0x0a00000a, 0x0a000013,
					0x0a00000a), 0);
	assert_int_equal(dhcp_pool_pick(&pool, mac, 0, 1, 100, &ip), DHCP_PICK_OK);
	assert_int_equal(ip, 0x0a00000b);
	/* Asking for a free address in range gets it. */
	mac[5] = 2;
	assert_int_equal(dhcp_pool_pick(&pool, mac, 0x0a000011, 1, 100, &ip), DHCP_PICK_OK);
	assert_int_equal(ip, 0x0a000011);
	/* Out of range, or the server's: not given. */
	assert_int_equal(dhcp_pool_pick(&pool, mac, 0x0a000063, 1, 100, &ip), DHCP_PICK_OK);
	assert_int_equal(ip, 0x0a00000c);
	/* Fill the pool, binding each. */
	for (i = 0; i < 9; i++) {
		mac[5] = (uint8_t)(10 + i);
		if (dhcp_pool_pick(&pool, mac, 0, 0, 100, &ip) != DHCP_PICK_OK)
			break;
		assert_non_null(dhcp_pool_set(&pool, ip, mac, DHCP_LEASE_BOUND, 200 + i, "", 0));
	}
	assert_int_equal(i, 9);	/* .11 .. .19 except .10 = 9 addresses */
	mac[5] = 99;
	assert_int_equal(dhcp_pool_pick(&pool, mac, 0, 0, 100, &ip), DHCP_PICK_EXHAUSTED);
	/* Remembered: no rescan until the first lease ends at 200. */
	assert_int_equal(pool.exhausted_until, 200);
	assert_int_equal(dhcp_pool_pick(&pool, mac, 0, 0, 150, &ip), DHCP_PICK_EXHAUSTED);
	assert_int_equal(dhcp_pool_pick(&pool, mac, 0, 0, 201, &ip), DHCP_PICK_OK);
	/* Many records: hash tables grow and still find everything. */
	dhcp_pool_free(&pool);
	assert_int_equal(dhcp_pool_init(&pool, 0x0a000000, 0xfff00000, 0x0a000002, 0x0a0fff00,
					0x0a000001), 0);
	for (i = 0; i < 5000; i++) {
		uint8_t m[6] = { 0x52, 1, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };

		assert_int_equal(dhcp_pool_pick(&pool, m, 0, 0, 100, &ip), DHCP_PICK_OK);
		assert_non_null(dhcp_pool_set(&pool, ip, m, DHCP_LEASE_BOUND, 1000, "", 0));
	}
	for (i = 0; i < 5000; i++) {
		uint8_t m[6] = { 0x52, 1, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		const struct dhcp_lease *l = dhcp_pool_find_mac(&pool, m);

		assert_non_null(l);
		assert_ptr_equal(dhcp_pool_find_ip(&pool, l->ip), l);
		assert_int_equal(l->ip, 0x0a000002 + i);
	}
	dhcp_pool_free(&pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_roundtrip),
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail_every_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compaction, setup, teardown),
		cmocka_unit_test(test_pool_choice),
	};

	log_init("test_dhcp_lease", LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
