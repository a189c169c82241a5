// SPDX-License-Identifier: GPL-2.0-or-later
/* test_virtq.c - split virtqueues against a fake guest with two memory regions. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "virtq.h"

/*
 * Guest physical layout: region A at 0x10000 and region B right after it at
 * 0x20000, so one guest range can cross from A into B; the host buffers are
 * separate allocations, so such a range needs two iovecs.
 */
#define REG_SIZE	0x10000
#define GPA_A		0x10000
#define GPA_B		(GPA_A + REG_SIZE)
#define GPA_DESC	0x10000
#define GPA_AVAIL	0x11000
#define GPA_USED	0x12000
#define GPA_BUF		0x14000		/* data buffers */
#define GPA_TABLE	0x18000		/* indirect tables */
#define GPA_NOWHERE	0x90000
#define QSIZE		256

struct guest {
	uint8_t *a;
	uint8_t *b;
	struct vu_mem mem;
	struct vq vq;
	uint16_t avail_idx;	/* the driver's shadow */
	int call_fd;
};

static void *g2h(struct guest *g, uint64_t gpa)
{
	if (gpa >= GPA_A && gpa < GPA_A + REG_SIZE)
		return g->a + (gpa - GPA_A);
	if (gpa >= GPA_B && gpa < GPA_B + REG_SIZE)
		return g->b + (gpa - GPA_B);
	fail_msg("gpa 0x%llx not in the fake guest", (unsigned long long)gpa);
	return NULL;
}

static int setup(void **state)
{
	struct guest *g = calloc(1, sizeof(*g));

	assert_non_null(g);
	g->a = aligned_alloc(4096, REG_SIZE);
	g->b = aligned_alloc(4096, REG_SIZE);
	assert_non_null(g->a);
	assert_non_null(g->b);
	memset(g->a, 0, REG_SIZE);
	memset(g->b, 0, REG_SIZE);

	g->mem.nregions = 2;
	g->mem.regions[0] = (struct vu_mem_region){ .gpa = GPA_A, .size = REG_SIZE,
						    .uva = 0x7f0000000000, .hva = g->a };
	g->mem.regions[1] = (struct vu_mem_region){ .gpa = GPA_B, .size = REG_SIZE,
						    .uva = 0x7f0000100000, .hva = g->b };

	vq_init(&g->vq);
	g->vq.size = QSIZE;
	g->vq.mem = &g->mem;
	g->vq.desc = g2h(g, GPA_DESC);
	g->vq.avail = g2h(g, GPA_AVAIL);
	g->vq.used = g2h(g, GPA_USED);
	g->call_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(g->call_fd >= 0);
	g->vq.call_fd = g->call_fd;
	*state = g;
	return 0;
}

static int teardown(void **state)
{
	struct guest *g = *state;

	close(g->call_fd);
	free(g->a);
	free(g->b);
	free(g);
	return 0;
}

static void set_desc(struct vring_desc *table, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	table[i] = (struct vring_desc){ .addr = addr, .len = len, .flags = flags, .next = next };
}

static void desc(struct guest *g, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	set_desc(g->vq.desc, i, addr, len, flags, next);
}

static void make_avail(struct guest *g, uint16_t head)
{
	g->vq.avail->ring[g->avail_idx % QSIZE] = head;
	g->avail_idx++;
	g->vq.avail->idx = g->avail_idx;
}

/* Reads and clears the call eventfd: its count, 0 if never written. */
static uint64_t calls(struct guest *g)
{
	uint64_t v = 0;

	if (read(g->call_fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static uint16_t *used_event(struct guest *g)
{
	return &g->vq.avail->ring[QSIZE];
}

static uint16_t *avail_event(struct guest *g)
{
	return (uint16_t *)&g->vq.used->ring[QSIZE];
}

/* Translation ------------------------------------------------------------- */

static void test_mem_gpa(void **state)
{
	struct guest *g = *state;
	uint64_t size;

	size = 16;
	assert_ptr_equal(vu_mem_gpa(&g->mem, GPA_A + 5, &size), g->a + 5);
	assert_int_equal(size, 16);

	size = 0x200;
	assert_ptr_equal(vu_mem_gpa(&g->mem, GPA_B - 0x100, &size), g->a + REG_SIZE - 0x100);
	assert_int_equal(size, 0x100);	/* shortened at the region end */

	size = 1;
	assert_null(vu_mem_gpa(&g->mem, GPA_NOWHERE, &size));
	assert_null(vu_mem_gpa(&g->mem, GPA_A - 1, &size));
	size = 0;
	assert_null(vu_mem_gpa(&g->mem, GPA_A, &size));
}

static void test_mem_uva(void **state)
{
	struct guest *g = *state;

	assert_ptr_equal(vu_mem_uva(&g->mem, 0x7f0000000010, 16), g->a + 16);
	assert_ptr_equal(vu_mem_uva(&g->mem, 0x7f0000100000, REG_SIZE), g->b);
	assert_null(vu_mem_uva(&g->mem, 0x7f0000000000 + REG_SIZE - 8, 16));	/* runs off */
	assert_null(vu_mem_uva(&g->mem, 0x7f0000000000 - 1, 2));
	assert_null(vu_mem_uva(&g->mem, 0x7f0000000000, 0));
	assert_null(vu_mem_uva(&g->mem, UINT64_MAX, 2));
}

/* Chains ------------------------------------------------------------------ */

static void test_empty(void **state)
{
	struct guest *g = *state;
	struct vq_elem e;

	assert_int_equal(vq_avail(&g->vq), 0);
	assert_int_equal(vq_pop(&g->vq, &e), 0);
}

static void test_single(void **state)
{
	struct guest *g = *state;
	struct vq_elem e;

	desc(g, 3, GPA_BUF, 100, 0, 0);
	make_avail(g, 3);
	assert_int_equal(vq_avail(&g->vq), 1);
	assert_int_equal(vq_pop(&g->vq, &e), 1);
	assert_int_equal(e.head, 3);
	assert_int_equal(e.n_out, 1);
	assert_int_equal(e.n_in, 0);
	assert_int_equal(e.out_size, 100);
	assert_int_equal(e.in_size, 0);
	assert_ptr_equal(e.iov[0].iov_base, g2h(g, GPA_BUF));
	assert_int_equal(e.iov[0].iov_len, 100);
	assert_int_equal(vq_pop(&g->vq, &e), 0);
	assert_int_equal(g->vq.last_avail_idx, 1);
}

static void test_multi_read_then_write(void **state)
{
	struct guest *g = *state;
	struct vq_elem e;

	desc(g, 0, GPA_BUF, 12, VRING_DESC_F_NEXT, 5);
	desc(g, 5, GPA_BUF + 100, 200, VRING_DESC_F_NEXT, 7);
	desc(g, 7, GPA_BUF + 1000, 1500, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 8);
	desc(g, 8, GPA_BUF + 3000, 500, VRING_DESC_F_WRITE, 0);
	make_avail(g, 0);
	assert_int_equal(vq_pop(&g->vq, &e), 1);
	assert_int_equal(e.n_out, 2);
	assert_int_equal(e.n_in, 2);
	assert_int_equal(e.out_size, 212);
	assert_int_equal(e.in_size, 2000);
	assert_ptr_equal(e.iov[1].iov_base, g2h(g, GPA_BUF + 100));
	assert_ptr_equal(e.iov[2].iov_base, g2h(g, GPA_BUF + 1000));
	assert_int_equal(e.iov[3].iov_len, 500);
}

static void expect_pop_error(struct guest *g, int err)
{
	struct vq_elem e;
	uint16_t before = g->vq.last_avail_idx;

	assert_int_equal(vq_pop(&g->vq, &e), err);
	assert_int_equal(g->vq.last_avail_idx, before);	/* not consumed */
}

static void test_write_then_read(void **state)
{
	struct guest *g = *state;

	desc(g, 0, GPA_BUF, 10, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	desc(g, 1, GPA_BUF + 100, 10, 0, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EINVAL);
}

static void test_loop(void **state)
{
	struct guest *g = *state;

	desc(g, 0, GPA_BUF, 10, VRING_DESC_F_NEXT, 1);
	desc(g, 1, GPA_BUF, 10, VRING_DESC_F_NEXT, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EINVAL);
}

static void test_self_loop(void **state)
{
	struct guest *g = *state;

	desc(g, 9, GPA_BUF, 0, VRING_DESC_F_NEXT, 9);
	make_avail(g, 9);
	expect_pop_error(g, -EINVAL);
}

static void test_next_out_of_range(void **state)
{
	struct guest *g = *state;

	desc(g, 0, GPA_BUF, 10, VRING_DESC_F_NEXT, QSIZE);
	make_avail(g, 0);
	expect_pop_error(g, -EINVAL);
}

static void test_head_out_of_range(void **state)
{
	struct guest *g = *state;

	make_avail(g, QSIZE);
	expect_pop_error(g, -EINVAL);
}

static void test_addr_out_of_range(void **state)
{
	struct guest *g = *state;

	desc(g, 0, GPA_NOWHERE, 10, 0, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EFAULT);
}

static void test_addr_runs_off_memory(void **state)
{
	struct guest *g = *state;

	/* Starts in B, ends past it. */
	desc(g, 0, GPA_B + REG_SIZE - 4, 8, 0, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EFAULT);
}

static void test_addr_wraps(void **state)
{
	struct guest *g = *state;

	desc(g, 0, UINT64_MAX - 3, 16, 0, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EFAULT);
}

static void test_cross_region(void **state)
{
	struct guest *g = *state;
	struct vq_elem e;

	desc(g, 0, GPA_B - 0x100, 0x300, VRING_DESC_F_WRITE, 0);
	make_avail(g, 0);
	assert_int_equal(vq_pop(&g->vq, &e), 1);
	assert_int_equal(e.n_out, 0);
	assert_int_equal(e.n_in, 2);
	assert_int_equal(e.in_size, 0x300);
	assert_ptr_equal(e.iov[0].iov_base, g->a + REG_SIZE - 0x100);
	assert_int_equal(e.iov[0].iov_len, 0x100);
	assert_ptr_equal(e.iov[1].iov_base, g->b);
	assert_int_equal(e.iov[1].iov_len, 0x200);
}

static void test_zero_length(void **state)
{
	struct guest *g = *state;
	struct vq_elem e;

	desc(g, 0, GPA_BUF, 0, VRING_DESC_F_NEXT, 1);
	desc(g, 1, GPA_NOWHERE, 0, VRING_DESC_F_NEXT, 2);	/* not translated */
	desc(g, 2, GPA_BUF, 10, VRING_DESC_F_WRITE, 0);
	make_avail(g, 0);
	assert_int_equal(vq_pop(&g->vq, &e), 1);
	assert_int_equal(e.n_out, 0);
	assert_int_equal(e.n_in, 1);
	assert_int_equal(e.in_size, 10);
}

static void test_avail_idx_jump(void **state)
{
	struct guest *g = *state;
	struct vq_elem e;

	g->vq.avail->idx = QSIZE + 1;
	assert_int_equal(vq_avail(&g->vq), -EINVAL);
	assert_int_equal(vq_pop(&g->vq, &e), -EINVAL);
	g->vq.avail->idx = QSIZE;
	assert_int_equal(vq_avail(&g->vq), QSIZE);
	/* Wrap-around of the 16-bit index is fine. */
	g->vq.last_avail_idx = 65530;
	g->vq.avail->idx = 4;
	assert_int_equal(vq_avail(&g->vq), 10);
}

/* Indirect ---------------------------------------------------------------- */

static struct vring_desc *table(struct guest *g)
{
	return g2h(g, GPA_TABLE);
}

static void test_indirect_good(void **state)
{
	struct guest *g = *state;
	struct vq_elem e;

	g->vq.indirect = true;
	set_desc(table(g), 0, GPA_BUF, 12, VRING_DESC_F_NEXT, 2);
	set_desc(table(g), 2, GPA_BUF + 100, 50, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	set_desc(table(g), 1, GPA_B - 10, 20, VRING_DESC_F_WRITE, 0);
	desc(g, 4, GPA_TABLE, 3 * 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(g, 4);
	assert_int_equal(vq_pop(&g->vq, &e), 1);
	assert_int_equal(e.head, 4);
	assert_int_equal(e.n_out, 1);
	assert_int_equal(e.n_in, 3);	/* the last one crosses into B */
	assert_int_equal(e.out_size, 12);
	assert_int_equal(e.in_size, 70);
}

static void test_indirect_after_direct(void **state)
{
	struct guest *g = *state;
	struct vq_elem e;

	g->vq.indirect = true;
	set_desc(table(g), 0, GPA_BUF + 100, 50, VRING_DESC_F_WRITE, 0);
	desc(g, 0, GPA_BUF, 12, VRING_DESC_F_NEXT, 1);
	desc(g, 1, GPA_TABLE, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(g, 0);
	assert_int_equal(vq_pop(&g->vq, &e), 1);
	assert_int_equal(e.n_out, 1);
	assert_int_equal(e.n_in, 1);
}

static void test_indirect_bad_len(void **state)
{
	struct guest *g = *state;

	g->vq.indirect = true;
	set_desc(table(g), 0, GPA_BUF, 12, 0, 0);
	desc(g, 0, GPA_TABLE, 24, VRING_DESC_F_INDIRECT, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EINVAL);
	desc(g, 0, GPA_TABLE, 0, VRING_DESC_F_INDIRECT, 0);
	expect_pop_error(g, -EINVAL);
}

static void test_indirect_nested(void **state)
{
	struct guest *g = *state;

	g->vq.indirect = true;
	set_desc(table(g), 0, GPA_TABLE + 64, 16, VRING_DESC_F_INDIRECT, 0);
	set_desc(table(g), 4, GPA_BUF, 12, 0, 0);
	desc(g, 0, GPA_TABLE, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EINVAL);
}

static void test_indirect_with_next(void **state)
{
	struct guest *g = *state;

	g->vq.indirect = true;
	set_desc(table(g), 0, GPA_BUF, 12, 0, 0);
	desc(g, 0, GPA_TABLE, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	desc(g, 1, GPA_BUF, 12, 0, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EINVAL);
}

static void test_indirect_not_negotiated(void **state)
{
	struct guest *g = *state;

	g->vq.indirect = false;
	set_desc(table(g), 0, GPA_BUF, 12, 0, 0);
	desc(g, 0, GPA_TABLE, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EINVAL);
}

static void test_indirect_loop(void **state)
{
	struct guest *g = *state;

	g->vq.indirect = true;
	set_desc(table(g), 0, GPA_BUF, 1, VRING_DESC_F_NEXT, 1);
	set_desc(table(g), 1, GPA_BUF, 1, VRING_DESC_F_NEXT, 0);
	desc(g, 0, GPA_TABLE, 32, VRING_DESC_F_INDIRECT, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EINVAL);
	/* next beyond the table */
	set_desc(table(g), 1, GPA_BUF, 1, VRING_DESC_F_NEXT, 2);
	expect_pop_error(g, -EINVAL);
}

static void test_indirect_crosses_region(void **state)
{
	struct guest *g = *state;

	g->vq.indirect = true;
	desc(g, 0, GPA_B - 16, 32, VRING_DESC_F_INDIRECT, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EFAULT);
	desc(g, 0, GPA_NOWHERE, 32, VRING_DESC_F_INDIRECT, 0);
	expect_pop_error(g, -EFAULT);
}

static void test_indirect_write_order(void **state)
{
	struct guest *g = *state;

	g->vq.indirect = true;
	set_desc(table(g), 0, GPA_BUF, 12, 0, 0);
	desc(g, 0, GPA_BUF, 12, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	desc(g, 1, GPA_TABLE, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EINVAL);
}

/* Too many segments ------------------------------------------------------- */

static void test_huge_direct_chain(void **state)
{
	struct guest *g = *state;
	struct vq_elem e;
	uint16_t i, n = VQ_MAX_IOV + 6;

	for (i = 0; i < n; i++)
		desc(g, i, GPA_BUF + i, 1, i + 1 < n ? VRING_DESC_F_NEXT : 0, i + 1);
	desc(g, 200, GPA_BUF, 5, 0, 0);
	make_avail(g, 0);
	make_avail(g, 200);
	assert_int_equal(vq_pop(&g->vq, &e), -E2BIG);
	assert_int_equal(e.head, 0);
	assert_int_equal(g->vq.last_avail_idx, 1);	/* consumed */
	vq_push(&g->vq, e.head, 0);
	/* The queue keeps working. */
	assert_int_equal(vq_pop(&g->vq, &e), 1);
	assert_int_equal(e.head, 200);
}

static void test_huge_indirect_chain(void **state)
{
	struct guest *g = *state;
	struct vq_elem e;
	uint16_t i, n = 100;

	g->vq.indirect = true;
	for (i = 0; i < n; i++)
		set_desc(table(g), i, GPA_BUF + i, 1, i + 1 < n ? VRING_DESC_F_NEXT : 0, i + 1);
	desc(g, 7, GPA_TABLE, n * 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(g, 7);
	assert_int_equal(vq_pop(&g->vq, &e), -E2BIG);
	assert_int_equal(e.head, 7);
	assert_int_equal(g->vq.last_avail_idx, 1);
}

static void test_huge_but_invalid_is_einval(void **state)
{
	struct guest *g = *state;
	uint16_t i, n = VQ_MAX_IOV + 6;

	for (i = 0; i < n; i++)
		desc(g, i, GPA_BUF + i, 1, VRING_DESC_F_NEXT, i + 1);
	desc(g, n - 1, GPA_NOWHERE, 1, 0, 0);
	make_avail(g, 0);
	expect_pop_error(g, -EFAULT);
}

static void test_exactly_max_iov(void **state)
{
	struct guest *g = *state;
	struct vq_elem e;
	uint16_t i, n = VQ_MAX_IOV;

	for (i = 0; i < n; i++)
		desc(g, i, GPA_BUF + i, 1, i + 1 < n ? VRING_DESC_F_NEXT : 0, i + 1);
	make_avail(g, 0);
	assert_int_equal(vq_pop(&g->vq, &e), 1);
	assert_int_equal(e.n_out, VQ_MAX_IOV);
}

/* Used ring and notifications --------------------------------------------- */

static void test_push_flush(void **state)
{
	struct guest *g = *state;
	struct vq_elem e1, e2;

	desc(g, 10, GPA_BUF, 100, VRING_DESC_F_WRITE, 0);
	desc(g, 11, GPA_BUF + 200, 100, VRING_DESC_F_WRITE, 0);
	make_avail(g, 10);
	make_avail(g, 11);
	assert_int_equal(vq_pop(&g->vq, &e1), 1);
	assert_int_equal(vq_pop(&g->vq, &e2), 1);
	vq_push(&g->vq, e1.head, 60);
	vq_push(&g->vq, e2.head, 70);
	assert_int_equal(g->vq.used->idx, 0);	/* not yet visible */
	assert_int_equal(calls(g), 0);
	vq_flush(&g->vq);
	assert_int_equal(g->vq.used->idx, 2);
	assert_int_equal(g->vq.used->ring[0].id, 10);
	assert_int_equal(g->vq.used->ring[0].len, 60);
	assert_int_equal(g->vq.used->ring[1].id, 11);
	assert_int_equal(g->vq.used->ring[1].len, 70);
	assert_int_equal(g->vq.used_idx, 2);
	assert_int_equal(g->vq.used_pending, 0);
	assert_int_equal(calls(g), 1);
	/* Nothing pending: no index change, no call. */
	vq_flush(&g->vq);
	assert_int_equal(calls(g), 0);
}

static void test_used_ring_wraps(void **state)
{
	struct guest *g = *state;

	g->vq.used_idx = 65535;
	vq_push(&g->vq, 1, 1);
	vq_push(&g->vq, 2, 2);
	vq_flush(&g->vq);
	assert_int_equal(g->vq.used->ring[QSIZE - 1].id, 1);
	assert_int_equal(g->vq.used->ring[0].id, 2);
	assert_int_equal(g->vq.used->idx, 1);
}

static void test_no_interrupt_flag(void **state)
{
	struct guest *g = *state;

	g->vq.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	vq_push(&g->vq, 0, 0);
	vq_flush(&g->vq);
	assert_int_equal(calls(g), 0);
	g->vq.avail->flags = 0;
	vq_push(&g->vq, 0, 0);
	vq_flush(&g->vq);
	assert_int_equal(calls(g), 1);
}

static void test_no_call_fd(void **state)
{
	struct guest *g = *state;

	g->vq.call_fd = -1;
	vq_push(&g->vq, 0, 0);
	vq_flush(&g->vq);
	assert_int_equal(g->vq.used->idx, 1);
	assert_int_equal(calls(g), 0);
}

static void flush_one(struct guest *g)
{
	vq_push(&g->vq, 0, 0);
	vq_flush(&g->vq);
}

static void test_event_idx(void **state)
{
	struct guest *g = *state;

	g->vq.event_idx = true;
	/* NO_INTERRUPT is ignored with EVENT_IDX. */
	g->vq.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	*used_event(g) = 3;

	flush_one(g);			/* idx 1: first flush always signals */
	assert_int_equal(calls(g), 1);
	flush_one(g);			/* idx 2 */
	assert_int_equal(calls(g), 0);
	flush_one(g);			/* idx 3 */
	assert_int_equal(calls(g), 0);
	flush_one(g);			/* idx 4: passes used_event 3 */
	assert_int_equal(calls(g), 1);
	flush_one(g);			/* idx 5: 3 already passed */
	assert_int_equal(calls(g), 0);

	/* A batch jumping over the event index signals once. */
	*used_event(g) = 7;
	vq_push(&g->vq, 0, 0);
	vq_push(&g->vq, 0, 0);
	vq_push(&g->vq, 0, 0);
	vq_push(&g->vq, 0, 0);
	vq_flush(&g->vq);		/* 5 -> 9 */
	assert_int_equal(calls(g), 1);

	/* used_event just behind the new index (the guest wants the next one). */
	*used_event(g) = 9;
	flush_one(g);			/* 10 */
	assert_int_equal(calls(g), 1);
}

static void test_event_idx_wrap(void **state)
{
	struct guest *g = *state;

	g->vq.event_idx = true;
	g->vq.used_idx = 65534;
	g->vq.signalled_used = 65534;
	g->vq.signalled_used_valid = true;
	*used_event(g) = 0;
	flush_one(g);			/* 65535 */
	assert_int_equal(calls(g), 0);
	flush_one(g);			/* 0 */
	assert_int_equal(calls(g), 0);
	flush_one(g);			/* 1: passes 0 */
	assert_int_equal(calls(g), 1);
}

static void test_set_notify(void **state)
{
	struct guest *g = *state;

	vq_set_notify(&g->vq, false);
	assert_int_equal(g->vq.used->flags, VRING_USED_F_NO_NOTIFY);
	vq_set_notify(&g->vq, true);
	assert_int_equal(g->vq.used->flags, 0);

	g->vq.event_idx = true;
	g->vq.last_avail_idx = 42;
	vq_set_notify(&g->vq, true);
	assert_int_equal(*avail_event(g), 42);
	assert_int_equal(g->vq.used->flags, 0);
	g->vq.last_avail_idx = 50;
	vq_set_notify(&g->vq, false);
	assert_int_equal(*avail_event(g), 42);	/* left alone */
}

static void test_unpop(void **state)
{
	struct guest *g = *state;
	struct vq_elem e;

	desc(g, 1, GPA_BUF, 10, 0, 0);
	desc(g, 2, GPA_BUF, 10, 0, 0);
	make_avail(g, 1);
	make_avail(g, 2);
	assert_int_equal(vq_pop(&g->vq, &e), 1);
	assert_int_equal(vq_pop(&g->vq, &e), 1);
	assert_int_equal(vq_avail(&g->vq), 0);
	vq_unpop(&g->vq, 2);
	assert_int_equal(vq_avail(&g->vq), 2);
	assert_int_equal(vq_pop(&g->vq, &e), 1);
	assert_int_equal(e.head, 1);
}

static void test_iov_copy(void **state)
{
	uint8_t a[4], b[3], c[5], out[16];
	struct iovec iov[3] = { { a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) } };
	const uint8_t src[] = "0123456789ab";

	(void)state;
	assert_int_equal(vq_iov_copy_to(iov, 3, 2, src, 12), 10);
	assert_memory_equal(a + 2, "01", 2);
	assert_memory_equal(b, "234", 3);
	assert_memory_equal(c, "56789", 5);
	memset(out, 0, sizeof(out));
	assert_int_equal(vq_iov_copy_from(out, iov, 3, 3, 5), 5);
	assert_memory_equal(out, "12345", 5);
	assert_int_equal(vq_iov_copy_from(out, iov, 3, 11, 16), 1);
	assert_int_equal(out[0], '9');
	assert_int_equal(vq_iov_copy_from(out, iov, 3, 12, 16), 0);
	assert_int_equal(vq_iov_copy_from(out, iov, 0, 0, 16), 0);
}

static void test_unmap_empty(void **state)
{
	struct vu_mem mem = { .nregions = 0 };

	(void)state;
	vu_mem_unmap(&mem);
	vu_mem_unmap(NULL);
	assert_int_equal(mem.nregions, 0);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_mem_gpa),
		T(test_mem_uva),
		T(test_empty),
		T(test_single),
		T(test_multi_read_then_write),
		T(test_write_then_read),
		T(test_loop),
		T(test_self_loop),
		T(test_next_out_of_range),
		T(test_head_out_of_range),
		T(test_addr_out_of_range),
		T(test_addr_runs_off_memory),
		T(test_addr_wraps),
		T(test_cross_region),
		T(test_zero_length),
		T(test_avail_idx_jump),
		T(test_indirect_good),
		T(test_indirect_after_direct),
		T(test_indirect_bad_len),
		T(test_indirect_nested),
		T(test_indirect_with_next),
		T(test_indirect_not_negotiated),
		T(test_indirect_loop),
		T(test_indirect_crosses_region),
		T(test_indirect_write_order),
		T(test_huge_direct_chain),
		T(test_huge_indirect_chain),
		T(test_huge_but_invalid_is_einval),
		T(test_exactly_max_iov),
		T(test_push_flush),
		T(test_used_ring_wraps),
		T(test_no_interrupt_flag),
		T(test_no_call_fd),
		T(test_event_idx),
		T(test_event_idx_wrap),
		T(test_set_notify),
		T(test_unpop),
		T(test_iov_copy),
		T(test_unmap_empty),
	};

	return cmocka_run_group_tests_name("virtq", tests, NULL, NULL);
}
