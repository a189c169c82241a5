// SPDX-License-Identifier: GPL-2.0-or-later
/* service.c - single-producer single-consumer frame rings between the datapath and a service thread. */
#include <errno.h>
#include <stdlib.h>

#include "service.h"

int svc_ring_init(struct svc_ring *ring)
{
	ring->slots = calloc(SVC_RING_SLOTS, sizeof(*ring->slots));
	if (!ring->slots)
		return -ENOMEM;
	atomic_init(&ring->head, 0);
	atomic_init(&ring->tail, 0);
	ring->drops = 0;
	return 0;
}

void svc_ring_free(struct svc_ring *ring)
{
	free(ring->slots);
	ring->slots = NULL;
}

struct svc_frame *svc_ring_reserve(struct svc_ring *ring)
{
	uint32_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
	uint32_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);

	if (head - tail >= SVC_RING_SLOTS) {
		ring->drops++;
		return NULL;
	}
	return &ring->slots[head & (SVC_RING_SLOTS - 1)];
}

void svc_ring_commit(struct svc_ring *ring)
{
	/* Release: the slot's contents are visible before the new head. */
	atomic_fetch_add_explicit(&ring->head, 1, memory_order_release);
}

struct svc_frame *svc_ring_peek(struct svc_ring *ring)
{
	uint32_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
	uint32_t head = atomic_load_explicit(&ring->head, memory_order_acquire);

	if (head == tail)
		return NULL;
	return &ring->slots[tail & (SVC_RING_SLOTS - 1)];
}

void svc_ring_release(struct svc_ring *ring)
{
	atomic_fetch_add_explicit(&ring->tail, 1, memory_order_release);
}
