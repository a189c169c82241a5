// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_virtq.c - libFuzzer target: the input is a guest memory image holding
 * rings and descriptors; the datapath's loop of vq_avail/vq_pop/vq_push/
 * vq_flush must never crash or touch memory outside the guest's regions.
 *
 * Input layout: 4 control bytes, then the image. Control byte 0 picks the
 * queue size (1 << (low nibble % 9)) and, in the high nibble, features, byte 1 where region A ends (the
 * image is split into two separately allocated regions, optionally with a
 * gap in guest-physical space), bytes 2-3 a script of guest actions run
 * between pops (advancing avail->idx, toggling notifications, unpop).
 * The rings sit at the start of region A: desc, then avail, then used.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "virtq.h"

#define IMAGE_SIZE	0x10000
#define GPA_A		0x1000
#define GAP		0x3000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int call_fd = -1;

/* Touch every byte of an element so ASan checks each iovec. */
static uint32_t touch(const struct vq_elem *e)
{
	uint32_t sum = 0;
	unsigned int i;

	for (i = 0; i < e->n_out; i++) {
		const uint8_t *p = e->iov[i].iov_base;
		size_t j;

		for (j = 0; j < e->iov[i].iov_len; j++)
			sum += p[j];
	}
	for (i = e->n_out; i < (unsigned int)e->n_out + e->n_in; i++)
		memset(e->iov[i].iov_base, 0xab, e->iov[i].iov_len);
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vu_mem mem;
	static struct vq_elem elem;
	uint8_t ctl[4] = { 0 };
	size_t rings_size, a_size, b_size, n;
	uint8_t *a, *b, *image;
	struct vq vq;
	uint16_t qsize;
	unsigned int step, script;
	volatile uint32_t sink = 0;
	int ret;

	if (call_fd < 0)
		call_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	n = size < sizeof(ctl) ? size : sizeof(ctl);
	memcpy(ctl, data, n);
	data += n;
	size -= n;

	qsize = 1u << ((ctl[0] & 0x0f) % 9);
	rings_size = 16u * qsize;			/* desc */
	rings_size += 6 + 2u * qsize;			/* avail + used_event */
	rings_size = (rings_size + 3) & ~(size_t)3;
	rings_size += 6 + 8u * qsize;			/* used + avail_event */

	/* Region A holds the rings and some buffers; B the rest of the image. */
	a_size = rings_size + (size_t)ctl[1] * 64;
	if (a_size > IMAGE_SIZE)
		a_size = IMAGE_SIZE;
	b_size = IMAGE_SIZE - a_size;

	image = calloc(1, IMAGE_SIZE);
	if (!image)
		return 0;
	memcpy(image, data, size < IMAGE_SIZE ? size : IMAGE_SIZE);
	a = malloc(a_size);
	b = b_size ? malloc(b_size) : NULL;
	if (!a || (b_size && !b))
		goto out;
	memcpy(a, image, a_size);
	if (b_size)
		memcpy(b, image + a_size, b_size);

	memset(&mem, 0, sizeof(mem));
	mem.regions[0] = (struct vu_mem_region){ .gpa = GPA_A, .size = a_size,
						 .uva = 0x400000, .hva = a };
	mem.nregions = 1;
	if (b_size) {
		uint64_t gap = (ctl[0] & 0x80) ? GAP : 0;

		mem.regions[1] = (struct vu_mem_region){ .gpa = GPA_A + a_size + gap,
							 .size = b_size, .uva = 0x800000,
							 .hva = b };
		mem.nregions = 2;
	}

	vq_init(&vq);
	vq.size = qsize;
	vq.mem = &mem;
	vq.desc = (struct vring_desc *)a;
	vq.avail = (struct vring_avail *)(a + 16u * qsize);
	vq.used = (struct vring_used *)(a + ((16u * qsize + 6 + 2u * qsize + 3) & ~3u));
	vq.event_idx = ctl[0] & 0x40;
	vq.indirect = ctl[0] & 0x20;
	vq.call_fd = (ctl[0] & 0x10) ? call_fd : -1;
	vq.last_avail_idx = ctl[3];
	vq.used_idx = ctl[2];

	script = ctl[2] | ctl[3] << 8;
	for (step = 0; step < 4 * (unsigned int)qsize + 8; step++) {
		ret = vq_pop(&vq, &elem);
		if (ret == 1) {
			sink += touch(&elem);
			if (elem.head >= qsize)
				abort();
			vq_push(&vq, elem.head, elem.in_size);
		} else if (ret == -E2BIG) {
			vq_push(&vq, elem.head, 0);
		} else if (ret == 0) {
			/* The guest adds a few more (whatever the ring says). */
			vq.avail->idx += 1 + (script & 3);
		} else {
			break;	/* broken queue: never used again */
		}
		if (vq.used_pending >= qsize || (script >> (step % 16)) & 1)
			vq_flush(&vq);
		if ((script >> ((step + 5) % 16)) & 1)
			vq_set_notify(&vq, step & 1);
		if (ret == 1 && vq.used_pending && (script & 0x8000) && step % 7 == 0) {
			/* Give back the last chain instead of using it. */
			vq.used_pending--;
			vq_unpop(&vq, 1);
		}
		if (vq_avail(&vq) < 0)
			break;
	}
	vq_flush(&vq);

	if (call_fd >= 0) {
		uint64_t v;

		if (read(call_fd, &v, sizeof(v)) < 0)
			sink++;
	}
out:
	free(a);
	free(b);
	free(image);
	(void)sink;
	return 0;
}
