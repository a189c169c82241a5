/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pkt.c - unit tests for the bounded packet reader in lib/pkt.h. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pkt.h"

static const uint8_t bytes[] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde };

static void test_pull_within_bounds(void **state)
{
	struct pkt_cursor c;
	const uint8_t *p;

	(void)state;
	pkt_init(&c, bytes, sizeof(bytes));
	p = pkt_pull(&c, 3);
	assert_ptr_equal(p, bytes);
	assert_int_equal(c.left, 4);
	assert_ptr_equal(c.data, bytes + 3);
	/* Taking exactly what is left succeeds and leaves nothing. */
	p = pkt_pull(&c, 4);
	assert_ptr_equal(p, bytes + 3);
	assert_int_equal(c.left, 0);
	/* A zero-byte pull at the end is fine; one more byte is not. */
	assert_non_null(pkt_pull(&c, 0));
	assert_null(pkt_pull(&c, 1));
}

static void test_pull_beyond_leaves_cursor(void **state)
{
	struct pkt_cursor c;

	(void)state;
	pkt_init(&c, bytes, sizeof(bytes));
	assert_null(pkt_pull(&c, sizeof(bytes) + 1));
	assert_ptr_equal(c.data, bytes);
	assert_int_equal(c.left, sizeof(bytes));
	/* A huge size must not wrap around. */
	assert_null(pkt_pull(&c, SIZE_MAX));
	assert_int_equal(c.left, sizeof(bytes));
	assert_non_null(pkt_pull(&c, 5));
	assert_null(pkt_pull(&c, 3));
	assert_int_equal(c.left, 2);
}

static void test_integers(void **state)
{
	struct pkt_cursor c;
	uint16_t v16;
	uint32_t v32;
	uint8_t v8;

	(void)state;
	pkt_init(&c, bytes, sizeof(bytes));
	assert_int_equal(pkt_u8(&c, &v8), 0);
	assert_int_equal(v8, 0x12);
	assert_int_equal(pkt_be16(&c, &v16), 0);
	assert_int_equal(v16, 0x3456);
	assert_int_equal(pkt_be32(&c, &v32), 0);
	assert_int_equal(v32, 0x789abcde);
	assert_int_equal(c.left, 0);
	v16 = 0xaaaa;
	assert_int_equal(pkt_be16(&c, &v16), -1);
	assert_int_equal(v16, 0xaaaa);
	assert_int_equal(pkt_u8(&c, &v8), -1);
}

static void test_short_reads_fail_whole(void **state)
{
	struct pkt_cursor c;
	uint8_t out[8] = { 0 };
	uint32_t v32 = 0;

	(void)state;
	pkt_init(&c, bytes, 3);
	assert_int_equal(pkt_be32(&c, &v32), -1);
	assert_int_equal(v32, 0);
	assert_int_equal(c.left, 3);
	assert_int_equal(pkt_copy(&c, out, 4), -1);
	assert_int_equal(out[0], 0);
	assert_int_equal(pkt_copy(&c, out, 3), 0);
	assert_memory_equal(out, bytes, 3);
	assert_int_equal(c.left, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pull_within_bounds),
		cmocka_unit_test(test_pull_beyond_leaves_cursor),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_short_reads_fail_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
