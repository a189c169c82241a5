/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_offload.c - unit tests for software TSO and checksum completion. */

#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "csum.h"
#include "offload.h"

#define MSS		1448
#define PAYLOAD		(MSS * 3 + MSS / 2)	/* 3.5 segments */
#define TCP_HDR		32			/* 20 + 12 bytes of timestamp option */
#define SEQ0		0xfffff000u		/* wraps during the burst */
#define IP4_ID0		0xfffe			/* wraps during the burst */
#define MAX_SEGS	16

#define F_FIN	0x01
#define F_PSH	0x08
#define F_ACK	0x10
#define F_CWR	0x80

struct sink {
	int count;
	int fail_at;		/* return -EIO on this call (1-based), 0 for never */
	size_t sizes[MAX_SEGS];
	uint8_t frames[MAX_SEGS][8192];
	struct virtio_net_hdr_v1 *out_hdr;
	uint16_t gso_seen[MAX_SEGS];	/* out_hdr->gso_type at emit time */
};

static int sink_emit(void *opaque, const uint8_t *frame, size_t size)
{
	struct sink *s = opaque;

	if (s->fail_at && s->count + 1 == s->fail_at)
		return -EIO;
	assert_true(s->count < MAX_SEGS);
	assert_true(size <= sizeof(s->frames[0]));
	memcpy(s->frames[s->count], frame, size);
	s->sizes[s->count] = size;
	if (s->out_hdr)
		s->gso_seen[s->count] = s->out_hdr->gso_type;
	s->count++;
	return 0;
}

static uint16_t be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct frame_desc {
	bool ipv6;
	bool vlan;
	size_t l3;		/* offset of the IP header */
	size_t l4;		/* offset of the TCP header */
	size_t hdrs;		/* offset of the payload */
	size_t size;
};

/*
 * Build a TSO frame: Ethernet (optionally VLAN-tagged), IPv4 or IPv6, TCP
 * with a timestamp option, @payload bytes of pattern. Length and checksum
 * fields are filled with junk, as offload must not trust them.
 */
static void build_tso(uint8_t *frame, struct frame_desc *d, size_t payload, uint8_t flags,
		      struct virtio_net_hdr_v1 *hdr)
{
	size_t off = 12, i;

	memset(frame, 0, 128);
	memcpy(frame, "\x52\x54\x00\x00\x00\x02\x52\x54\x00\x00\x00\x01", 12);
	if (d->vlan) {
		frame[off++] = 0x81;
		frame[off++] = 0x00;
		frame[off++] = 0x00;
		frame[off++] = 0x64;	/* VLAN 100 */
	}
	frame[off++] = d->ipv6 ? 0x86 : 0x08;
	frame[off++] = d->ipv6 ? 0xdd : 0x00;
	d->l3 = off;
	if (d->ipv6) {
		uint8_t *ip = frame + off;

		ip[0] = 0x60;
		ip[4] = 0xde;		/* junk payload length */
		ip[5] = 0xad;
		ip[6] = IPPROTO_TCP;
		ip[7] = 64;
		ip[8] = 0x20; ip[9] = 0x01; ip[10] = 0x0d; ip[11] = 0xb8; ip[23] = 1;
		ip[24] = 0x20; ip[25] = 0x01; ip[26] = 0x0d; ip[27] = 0xb8; ip[39] = 2;
		off += 40;
	} else {
		uint8_t *ip = frame + off;

		ip[0] = 0x45;
		ip[2] = 0xbe;		/* junk total length */
		ip[3] = 0xef;
		ip[4] = IP4_ID0 >> 8;
		ip[5] = IP4_ID0 & 0xff;
		ip[6] = 0x40;		/* DF */
		ip[8] = 64;
		ip[9] = IPPROTO_TCP;
		ip[10] = 0x12;		/* junk checksum */
		ip[12] = 10; ip[15] = 1;
		ip[16] = 10; ip[19] = 2;
		off += 20;
	}
	d->l4 = off;
	frame[off + 0] = 0x9c; frame[off + 1] = 0x40;	/* 40000 */
	frame[off + 2] = 0x00; frame[off + 3] = 0x50;	/* 80 */
	frame[off + 4] = (uint8_t)(SEQ0 >> 24);
	frame[off + 5] = (uint8_t)(SEQ0 >> 16);
	frame[off + 6] = (uint8_t)(SEQ0 >> 8);
	frame[off + 7] = (uint8_t)SEQ0;
	frame[off + 11] = 7;				/* ack */
	frame[off + 12] = (TCP_HDR / 4) << 4;
	frame[off + 13] = flags;
	frame[off + 14] = 0xff; frame[off + 15] = 0xff;	/* window */
	frame[off + 16] = 0x55; frame[off + 17] = 0xaa;	/* junk checksum */
	memcpy(frame + off + 20, "\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x02", 12);
	off += TCP_HDR;
	d->hdrs = off;
	for (i = 0; i < payload; i++)
		frame[off + i] = (uint8_t)(i * 13 + i / 251);
	d->size = off + payload;

	memset(hdr, 0, sizeof(*hdr));
	hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	hdr->gso_type = d->ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	hdr->hdr_len = htole16((uint16_t)d->hdrs);
	hdr->gso_size = htole16(MSS);
	hdr->csum_start = htole16((uint16_t)d->l4);
	hdr->csum_offset = htole16(16);
}

static void check_segments(const struct frame_desc *d, const uint8_t *orig,
			   const struct sink *s, uint8_t flags)
{
	size_t payload = d->size - d->hdrs, done = 0;
	int i, expect_count = (int)((payload + MSS - 1) / MSS);

	assert_int_equal(s->count, expect_count);
	for (i = 0; i < s->count; i++) {
		const uint8_t *f = s->frames[i];
		const uint8_t *ip = f + d->l3, *tcp = f + d->l4;
		size_t chunk = payload - done < MSS ? payload - done : MSS;
		size_t l4_size = d->hdrs - d->l4 + chunk;
		bool first = i == 0, last = i == s->count - 1;
		uint8_t seg_flags = tcp[13];
		uint32_t sum;

		assert_int_equal(s->sizes[i], d->hdrs + chunk);
		/* Ethernet, VLAN tag and TCP options are copied unchanged. */
		assert_memory_equal(f, orig, d->l3);
		assert_memory_equal(tcp + 20, orig + d->l4 + 20, TCP_HDR - 20);
		assert_memory_equal(f + d->hdrs, orig + d->hdrs + done, chunk);
		if (d->ipv6) {
			assert_int_equal(be16_at(ip + 4), l4_size);
			sum = csum_pseudo_ip6(ip + 8, ip + 24, IPPROTO_TCP, (uint32_t)l4_size);
		} else {
			assert_int_equal(be16_at(ip + 2), 20 + l4_size);
			assert_int_equal(be16_at(ip + 4), (uint16_t)(IP4_ID0 + i));
			assert_int_equal(ip[6], 0x40);
			assert_int_equal(csum_ip4_header(ip, 20), 0);
			sum = csum_pseudo_ip4(ip + 12, ip + 16, IPPROTO_TCP, (uint32_t)l4_size);
		}
		assert_int_equal(be32_at(tcp + 4), (uint32_t)(SEQ0 + done));
		assert_int_equal(be32_at(tcp + 8), 7);
		assert_int_equal(seg_flags & F_ACK, flags & F_ACK);
		assert_int_equal(seg_flags & F_FIN, last ? (flags & F_FIN) : 0);
		assert_int_equal(seg_flags & F_PSH, last ? (flags & F_PSH) : 0);
		assert_int_equal(seg_flags & F_CWR, first ? (flags & F_CWR) : 0);
		assert_int_equal(csum_fold(csum_partial(tcp, l4_size, sum)), 0);
		done += chunk;
	}
	assert_int_equal(done, payload);
}

static void run_tso(bool ipv6, bool vlan)
{
	static uint8_t frame[8192], orig[8192], scratch[OFFLOAD_SCRATCH_SIZE];
	static struct sink s;
	uint8_t flags = F_ACK | F_PSH | F_FIN | F_CWR;
	struct virtio_net_hdr_v1 hdr, out;
	struct frame_desc d = { .ipv6 = ipv6, .vlan = vlan };

	memset(&s, 0, sizeof(s));
	s.out_hdr = &out;
	memset(&out, 0xee, sizeof(out));
	build_tso(frame, &d, PAYLOAD, flags, &hdr);
	memcpy(orig, frame, d.size);
	assert_int_equal(offload_resolve(&hdr, frame, d.size, OFFLOAD_CSUM, scratch,
					 sink_emit, &s, &out), 4);
	check_segments(&d, orig, &s, flags);
	assert_int_equal(out.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(out.gso_size, 0);
	assert_int_equal(out.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM, 0);
	/* out_hdr was final before the first frame was emitted. */
	assert_int_equal(s.gso_seen[0], VIRTIO_NET_HDR_GSO_NONE);
}

static void test_tso_ipv4(void **state)
{
	(void)state;
	run_tso(false, false);
}

static void test_tso_ipv6(void **state)
{
	(void)state;
	run_tso(true, false);
}

static void test_tso_vlan(void **state)
{
	(void)state;
	run_tso(false, true);
	run_tso(true, true);
}

static void test_tso_exact_multiple_and_ecn(void **state)
{
	static uint8_t frame[8192], orig[8192], scratch[OFFLOAD_SCRATCH_SIZE];
	static struct sink s;
	struct virtio_net_hdr_v1 hdr, out;
	struct frame_desc d = { 0 };

	(void)state;
	memset(&s, 0, sizeof(s));
	build_tso(frame, &d, 2 * MSS, F_ACK | F_CWR, &hdr);
	hdr.gso_type |= VIRTIO_NET_HDR_GSO_ECN;
	memcpy(orig, frame, d.size);
	/* The receiver takes TSO4 but not ECN, so the frame is cut in software. */
	assert_int_equal(offload_resolve(&hdr, frame, d.size, OFFLOAD_CSUM | OFFLOAD_TSO4,
					 scratch, sink_emit, &s, &out), 2);
	check_segments(&d, orig, &s, F_ACK | F_CWR);
	assert_int_equal(out.gso_type, VIRTIO_NET_HDR_GSO_NONE);
}

static void test_tso_passthrough(void **state)
{
	static uint8_t frame[8192], orig[8192], scratch[OFFLOAD_SCRATCH_SIZE];
	static struct sink s;
	struct virtio_net_hdr_v1 hdr, out;
	struct frame_desc d = { 0 };

	(void)state;
	memset(&s, 0, sizeof(s));
	build_tso(frame, &d, PAYLOAD, F_ACK, &hdr);
	memcpy(orig, frame, d.size);
	assert_int_equal(offload_resolve(&hdr, frame, d.size, OFFLOAD_CSUM | OFFLOAD_TSO4,
					 scratch, sink_emit, &s, &out), 1);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.sizes[0], d.size);
	assert_memory_equal(s.frames[0], orig, d.size);
	assert_memory_equal(&out, &hdr, sizeof(hdr));
}

static void test_emit_error_stops(void **state)
{
	static uint8_t frame[8192], scratch[OFFLOAD_SCRATCH_SIZE];
	static struct sink s;
	struct virtio_net_hdr_v1 hdr, out;
	struct frame_desc d = { 0 };

	(void)state;
	memset(&s, 0, sizeof(s));
	s.fail_at = 2;
	build_tso(frame, &d, PAYLOAD, F_ACK, &hdr);
	assert_int_equal(offload_resolve(&hdr, frame, d.size, 0, scratch, sink_emit, &s, &out),
			 -EIO);
	assert_int_equal(s.count, 1);
}

/* Each malformed variant must fail with @expect and emit nothing. */
static void expect_reject(struct virtio_net_hdr_v1 *hdr, uint8_t *frame, size_t size,
			  int expect)
{
	static uint8_t scratch[OFFLOAD_SCRATCH_SIZE];
	static struct sink s;
	struct virtio_net_hdr_v1 out;

	memset(&s, 0, sizeof(s));
	assert_int_equal(offload_resolve(hdr, frame, size, 0, scratch, sink_emit, &s, &out),
			 expect);
	assert_int_equal(s.count, 0);
}

static void test_malformed(void **state)
{
	static uint8_t frame[8192];
	struct virtio_net_hdr_v1 hdr;
	struct frame_desc d = { 0 };

	(void)state;
	build_tso(frame, &d, PAYLOAD, F_ACK, &hdr);
	hdr.gso_size = 0;
	expect_reject(&hdr, frame, d.size, -EINVAL);

	build_tso(frame, &d, PAYLOAD, F_ACK, &hdr);
	hdr.hdr_len = htole16((uint16_t)(d.size + 1));
	expect_reject(&hdr, frame, d.size, -EINVAL);

	/* Truncated IPv4 header: the frame ends 10 bytes into it. */
	build_tso(frame, &d, PAYLOAD, F_ACK, &hdr);
	hdr.flags = 0;
	expect_reject(&hdr, frame, d.l3 + 10, -EINVAL);
	/* Truncated TCP header. */
	expect_reject(&hdr, frame, d.l4 + 19, -EINVAL);
	/* Headers only, no payload to segment. */
	expect_reject(&hdr, frame, d.hdrs, -EINVAL);

	/* csum_offset beyond the frame, and not at the TCP checksum. */
	build_tso(frame, &d, PAYLOAD, F_ACK, &hdr);
	hdr.csum_offset = htole16((uint16_t)(d.size - d.l4));
	expect_reject(&hdr, frame, d.size, -EINVAL);
	hdr.csum_offset = htole16(6);
	expect_reject(&hdr, frame, d.size, -EINVAL);
	hdr.csum_offset = htole16(16);
	hdr.csum_start = htole16(0xffff);
	expect_reject(&hdr, frame, d.size, -EINVAL);

	/* IHL below 5, TCP data offset below 5, wrong IP version. */
	build_tso(frame, &d, PAYLOAD, F_ACK, &hdr);
	frame[d.l3] = 0x44;
	expect_reject(&hdr, frame, d.size, -EINVAL);
	frame[d.l3] = 0x4f;	/* 60-byte header runs into TCP: csum_start mismatch */
	expect_reject(&hdr, frame, d.size, -EINVAL);
	frame[d.l3] = 0x65;
	expect_reject(&hdr, frame, d.size, -EINVAL);
	build_tso(frame, &d, PAYLOAD, F_ACK, &hdr);
	frame[d.l4 + 12] = 0x40;
	expect_reject(&hdr, frame, d.size, -EINVAL);

	/* A TCPV4 header over an IPv6 frame, and a UDP protocol under TCPV4. */
	build_tso(frame, &d, PAYLOAD, F_ACK, &hdr);
	hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	expect_reject(&hdr, frame, d.size, -EINVAL);
	build_tso(frame, &d, PAYLOAD, F_ACK, &hdr);
	frame[d.l3 + 9] = IPPROTO_UDP;
	expect_reject(&hdr, frame, d.size, -EINVAL);

	/* UDP fragmentation offload is not done, and unknown types are refused. */
	build_tso(frame, &d, PAYLOAD, F_ACK, &hdr);
	hdr.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	expect_reject(&hdr, frame, d.size, -EOPNOTSUPP);
	hdr.gso_type = 5;
	expect_reject(&hdr, frame, d.size, -EINVAL);

	/* NEEDS_CSUM without GSO, checksum field outside the frame. */
	build_tso(frame, &d, 100, F_ACK, &hdr);
	hdr.gso_type = VIRTIO_NET_HDR_GSO_NONE;
	hdr.csum_offset = htole16((uint16_t)(d.size - d.l4 - 1));
	expect_reject(&hdr, frame, d.size, -EINVAL);
}

static void test_needs_csum_without_gso(void **state)
{
	static uint8_t frame[8192], scratch[OFFLOAD_SCRATCH_SIZE];
	static struct sink s;
	struct virtio_net_hdr_v1 hdr, out;
	struct frame_desc d = { 0 };
	uint16_t pseudo;
	uint32_t sum;
	uint8_t *tcp;

	(void)state;
	memset(&s, 0, sizeof(s));
	build_tso(frame, &d, 333, F_ACK | F_PSH, &hdr);
	frame[d.l3 + 2] = (uint8_t)((d.size - d.l3) >> 8);
	frame[d.l3 + 3] = (uint8_t)(d.size - d.l3);
	hdr.gso_type = VIRTIO_NET_HDR_GSO_NONE;
	hdr.gso_size = 0;
	tcp = frame + d.l4;
	sum = csum_pseudo_ip4(frame + d.l3 + 12, frame + d.l3 + 16, IPPROTO_TCP,
			      (uint32_t)(d.size - d.l4));
	pseudo = (uint16_t)~csum_fold(sum);
	memcpy(tcp + 16, &pseudo, 2);

	/* A receiver that takes partial checksums gets the frame untouched. */
	assert_int_equal(offload_resolve(&hdr, frame, d.size, OFFLOAD_CSUM, scratch,
					 sink_emit, &s, &out), 1);
	assert_int_equal(out.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_memory_equal(s.frames[0] + d.l4 + 16, &pseudo, 2);

	/* One that does not gets the checksum completed in place. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(offload_resolve(&hdr, frame, d.size, 0, scratch, sink_emit, &s, &out), 1);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.sizes[0], d.size);
	assert_int_equal(out.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM, 0);
	assert_int_equal(csum_fold(csum_partial(s.frames[0] + d.l4, d.size - d.l4, sum)), 0);
	assert_int_equal(offload_needed(&hdr, 0), 1);
	assert_int_equal(offload_needed(&hdr, OFFLOAD_CSUM), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tso_ipv4),
		cmocka_unit_test(test_tso_ipv6),
		cmocka_unit_test(test_tso_vlan),
		cmocka_unit_test(test_tso_exact_multiple_and_ecn),
		cmocka_unit_test(test_tso_passthrough),
		cmocka_unit_test(test_emit_error_stops),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_needs_csum_without_gso),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
