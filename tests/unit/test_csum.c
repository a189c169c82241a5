/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_csum.c - unit tests for Internet checksums and partial-checksum completion. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "csum.h"

/* The checksum as the two bytes that go on the wire. */
static void wire(uint16_t check, uint8_t out[2])
{
	memcpy(out, &check, 2);
}

/* Straight RFC 1071 over big-endian words: the reference we compare with. */
static uint16_t ref_csum_wire(const uint8_t *p, size_t size)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < size; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (size & 1)
		sum += (uint32_t)p[size - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;	/* host value; its big-endian bytes go on the wire */
}

static void test_rfc1071_example(void **state)
{
	/* RFC 1071, section 3: the words sum to 0xddf2, so the checksum is 0x220d. */
	static const uint8_t data[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t out[2];

	(void)state;
	wire(csum_fold(csum_partial(data, sizeof(data), 0)), out);
	assert_int_equal(out[0], 0x22);
	assert_int_equal(out[1], 0x0d);
}

static void test_ip4_header_vector(void **state)
{
	uint8_t iph[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};
	uint16_t check = csum_ip4_header(iph, sizeof(iph));
	uint8_t out[2];

	(void)state;
	wire(check, out);
	assert_int_equal(out[0], 0xb8);
	assert_int_equal(out[1], 0x61);
	/* With the checksum in place the header verifies to zero. */
	memcpy(iph + 10, &check, 2);
	assert_int_equal(csum_ip4_header(iph, sizeof(iph)), 0);
}

static void test_tcp4_vector_odd_payload(void **state)
{
	/* 10.0.0.1:12345 -> 10.0.0.2:80 SYN with payload "hello"; computed independently. */
	static const uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 10, 0, 0, 2 };
	uint8_t tcp[25] = {
		0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02,
		0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o',
	};
	uint32_t sum = csum_pseudo_ip4(src, dst, IPPROTO_TCP, sizeof(tcp));
	uint16_t check = csum_fold(csum_partial(tcp, sizeof(tcp), sum));
	uint8_t out[2];

	(void)state;
	wire(check, out);
	assert_int_equal(out[0], 0x27);
	assert_int_equal(out[1], 0x7f);
	memcpy(tcp + 16, &check, 2);
	assert_int_equal(csum_fold(csum_partial(tcp, sizeof(tcp), sum)), 0);
}

static void test_udp6_vector(void **state)
{
	/* fe80::1:546 -> fe80::2:547 with payload "abc"; computed independently. */
	uint8_t src[16] = { 0xfe, 0x80 }, dst[16] = { 0xfe, 0x80 };
	uint8_t udp[11] = { 0x02, 0x22, 0x02, 0x23, 0x00, 11, 0, 0, 'a', 'b', 'c' };
	uint8_t out[2];

	(void)state;
	src[15] = 1;
	dst[15] = 2;
	wire(csum_fold(csum_partial(udp, sizeof(udp),
				    csum_pseudo_ip6(src, dst, IPPROTO_UDP, sizeof(udp)))), out);
	assert_int_equal(out[0], 0x3a);
	assert_int_equal(out[1], 0x2c);
}

static void test_odd_lengths_and_alignment(void **state)
{
	uint8_t buf[300];
	size_t size, align;

	(void)state;
	srand(1);
	for (size = 0; size < 200; size++) {
		for (align = 0; align < 4; align++) {
			uint8_t *p = buf + align;
			uint16_t expect, got;
			size_t i;

			for (i = 0; i < size; i++)
				p[i] = (uint8_t)rand();
			expect = ref_csum_wire(p, size);
			got = csum_fold(csum_partial(p, size, 0));
			assert_int_equal(ntohs(got), expect);
		}
	}
}

static void test_pieces_combine(void **state)
{
	uint8_t buf[101];
	uint32_t sum;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	/* Even-sized leading pieces, odd last piece. */
	sum = csum_partial(buf, 10, 0);
	sum = csum_partial(buf + 10, 64, sum);
	sum = csum_partial(buf + 74, 27, sum);
	assert_int_equal(csum_fold(sum), csum_fold(csum_partial(buf, sizeof(buf), 0)));
	/* A running sum close to overflow still folds correctly. */
	memset(buf, 0xff, sizeof(buf));
	sum = csum_partial(buf, 100, 0xfffffff0u);
	assert_int_equal(csum_fold(sum), csum_fold(0xfffffff0u));
	assert_int_equal(csum_fold(sum), 0x000f);
}

static void test_fold(void **state)
{
	(void)state;
	assert_int_equal(csum_fold(0), 0xffff);
	assert_int_equal(csum_fold(0xffff), 0);
	assert_int_equal(csum_fold(0x1fffe), 0);
	assert_int_equal(csum_fold(0x12345), (uint16_t)~0x2346);
}

/* Build an Ethernet + IPv4 + UDP frame whose UDP check holds the pseudo sum. */
static size_t build_partial_udp4(uint8_t *frame, size_t payload)
{
	static const uint8_t src[4] = { 192, 168, 1, 10 }, dst[4] = { 192, 168, 1, 20 };
	size_t l4 = 8 + payload, i;
	uint16_t pseudo;

	memset(frame, 0, 14 + 20);
	frame[12] = 0x08;
	frame[14] = 0x45;
	frame[14 + 9] = IPPROTO_UDP;
	memcpy(frame + 14 + 12, src, 4);
	memcpy(frame + 14 + 16, dst, 4);
	frame[34] = 0x13;
	frame[35] = 0x88;
	frame[36] = 0x00;
	frame[37] = 0x35;
	frame[38] = (uint8_t)(l4 >> 8);
	frame[39] = (uint8_t)l4;
	for (i = 0; i < payload; i++)
		frame[42 + i] = (uint8_t)(i * 7 + 3);
	/* What a guest writes: the folded, uncomplemented pseudo-header sum. */
	pseudo = (uint16_t)~csum_fold(csum_pseudo_ip4(src, dst, IPPROTO_UDP, (uint32_t)l4));
	memcpy(frame + 40, &pseudo, 2);
	return 42 + payload;
}

static void test_complete_partial(void **state)
{
	static const uint8_t src[4] = { 192, 168, 1, 10 }, dst[4] = { 192, 168, 1, 20 };
	uint8_t frame[200];
	size_t payload;

	(void)state;
	for (payload = 0; payload < 40; payload += 7) {
		size_t size = build_partial_udp4(frame, payload);
		uint32_t sum;
		uint16_t check;

		assert_int_equal(csum_complete_partial(frame, size, 34, 6), 0);
		memcpy(&check, frame + 40, 2);
		assert_int_not_equal(check, 0);
		sum = csum_pseudo_ip4(src, dst, IPPROTO_UDP, (uint32_t)(size - 34));
		assert_int_equal(csum_fold(csum_partial(frame + 34, size - 34, sum)), 0);
		/* And it equals the checksum computed from scratch. */
		memset(frame + 40, 0, 2);
		assert_int_equal(csum_fold(csum_partial(frame + 34, size - 34, sum)), check);
	}
}

static void test_complete_partial_bounds(void **state)
{
	uint8_t frame[64] = { 0 }, copy[64];
	size_t size = build_partial_udp4(frame, 5);

	(void)state;
	memcpy(copy, frame, sizeof(copy));
	assert_int_equal(csum_complete_partial(frame, size, (uint16_t)size, 0), -EINVAL);
	assert_int_equal(csum_complete_partial(frame, size, 34, (uint16_t)(size - 34 - 1)), -EINVAL);
	assert_int_equal(csum_complete_partial(frame, size, 34, 0xffff), -EINVAL);
	assert_int_equal(csum_complete_partial(frame, size, 0xffff, 0xffff), -EINVAL);
	assert_memory_equal(frame, copy, sizeof(copy));
	/* The field may be the last two bytes of the frame. */
	assert_int_equal(csum_complete_partial(frame, size, 34, (uint16_t)(size - 34 - 2)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_ip4_header_vector),
		cmocka_unit_test(test_tcp4_vector_odd_payload),
		cmocka_unit_test(test_udp6_vector),
		cmocka_unit_test(test_odd_lengths_and_alignment),
		cmocka_unit_test(test_pieces_combine),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_complete_partial),
		cmocka_unit_test(test_complete_partial_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
