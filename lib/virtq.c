// SPDX-License-Identifier: GPL-2.0-or-later
/* virtq.c - split virtqueues over untrusted guest memory, and address translation. */

/*
 * Theory of operation
 *
 * The rings live in memory the guest can rewrite at any instant, from another
 * CPU, while we read them. So nothing read from guest memory is trusted or read
 * twice: every ring index and every descriptor is loaded once into a local and
 * only the local is validated and used. A compiler barrier after each copy
 * keeps the compiler from re-loading a field from guest memory instead of
 * using the local (it could otherwise assume the memory did not change).
 *
 * Ordering follows virtio 1.2, 2.7.13: we load avail->idx with acquire
 * semantics before reading any ring entry or descriptor it covers; we write
 * used entries, then store used->idx with release semantics; and between
 * publishing used->idx and reading the guest's interrupt suppression
 * (avail->flags or used_event) there is a full barrier, as there is between
 * re-enabling notifications and the caller's next look at avail->idx. Without
 * those two full barriers, a store and a later load may be reordered and both
 * sides may decide the other needs no notification: a lost wakeup.
 *
 * Translation never trusts a guest address or length: vu_mem_gpa() returns
 * only the part of a range inside one region, and vq_pop() loops to cover a
 * descriptor that straddles regions with several iovecs. Chains are bounded
 * by the queue size (direct) or by the table size (indirect), which also
 * rules out loops without keeping a visited set.
 */

#include <endian.h>
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "virtq.h"

/* Keeps the compiler from re-reading guest memory in place of a local copy. */
#define compiler_barrier()	__asm__ __volatile__("" ::: "memory")

/*
 * Full barrier (store-load ordering). On x86 a locked add to the stack
 * orders like MFENCE for ordinary memory but is cheaper: MFENCE also waits
 * on later loads and is microcoded on recent cores (DPDK and the Linux
 * kernel chose the locked add for the same reason).
 */
#if defined(__x86_64__)
#define full_barrier()	__asm__ __volatile__("lock; addl $0,-132(%%rsp)" ::: "memory", "cc")
#else
#define full_barrier()	atomic_thread_fence(memory_order_seq_cst)
#endif

/* Guest memory ------------------------------------------------------------ */

void *vu_mem_gpa(const struct vu_mem *mem, uint64_t gpa, uint64_t *size)
{
	unsigned int i;

	if (!*size)
		return NULL;

	for (i = 0; i < mem->nregions; i++) {
		const struct vu_mem_region *r = &mem->regions[i];
		uint64_t off, left;

		if (gpa < r->gpa)
			continue;
		off = gpa - r->gpa;
		if (off >= r->size)
			continue;
		left = r->size - off;
		if (*size > left)
			*size = left;
		return r->hva + off;
	}
	return NULL;
}

void *vu_mem_uva(const struct vu_mem *mem, uint64_t uva, uint64_t size)
{
	unsigned int i;

	if (!size)
		return NULL;

	for (i = 0; i < mem->nregions; i++) {
		const struct vu_mem_region *r = &mem->regions[i];
		uint64_t off;

		if (uva < r->uva)
			continue;
		off = uva - r->uva;
		if (off >= r->size || size > r->size - off)
			continue;
		return r->hva + off;
	}
	return NULL;
}

void vu_mem_unmap(struct vu_mem *mem)
{
	unsigned int i;

	if (!mem)
		return;
	for (i = 0; i < mem->nregions; i++) {
		struct vu_mem_region *r = &mem->regions[i];

		if (r->mmap_addr && r->mmap_size)
			munmap(r->mmap_addr, r->mmap_size);
	}
	memset(mem->regions, 0, sizeof(mem->regions[0]) * mem->nregions);
	mem->nregions = 0;
	mem->faulted = 0;
}

/* Rings ------------------------------------------------------------------- */

void vq_init(struct vq *vq)
{
	memset(vq, 0, sizeof(*vq));
	vq->kick_fd = -1;
	vq->call_fd = -1;
}

/* used_event lives after the avail ring entries, avail_event after the used ones. */
static uint16_t *vq_used_event(const struct vq *vq)
{
	return &vq->avail->ring[vq->size];
}

static uint16_t *vq_avail_event(const struct vq *vq)
{
	return (uint16_t *)&vq->used->ring[vq->size];
}

int vq_avail(struct vq *vq)
{
	uint16_t idx, n;

	if (!vq->avail || !vq->size)
		return 0;

	/* Acquire: no ring entry or descriptor is read before the index. */
	idx = le16toh(__atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE));
	n = (uint16_t)(idx - vq->last_avail_idx);
	if (n > vq->size)
		return -EINVAL;
	vq->avail_idx = idx;
	return n;
}

/* Copy one descriptor out of guest memory; only the copy is used afterwards. */
static void vq_read_desc(struct vring_desc *dst, const struct vring_desc *src)
{
	struct vring_desc d;

	memcpy(&d, src, sizeof(d));
	compiler_barrier();
	dst->addr = le64toh(d.addr);
	dst->len = le32toh(d.len);
	dst->flags = le16toh(d.flags);
	dst->next = le16toh(d.next);
}

/* State of one chain walk in vq_pop(). */
struct vq_walk {
	struct vq_elem *elem;
	unsigned int nseg;	/* segments needed so far (may exceed VQ_MAX_IOV) */
	uint64_t out_size;
	uint64_t in_size;
	bool writable_seen;
};

/*
 * Add the guest range of one descriptor to the element, one iovec per region
 * it touches. Past VQ_MAX_IOV segments we keep validating but stop storing.
 */
static int vq_walk_add(const struct vq *vq, struct vq_walk *w,
		       const struct vring_desc *d)
{
	bool writable = d->flags & VRING_DESC_F_WRITE;
	uint64_t gpa = d->addr;
	uint64_t left = d->len;

	if (writable)
		w->writable_seen = true;
	else if (w->writable_seen)
		return -EINVAL;	/* readable after writable */

	if (writable)
		w->in_size += left;
	else
		w->out_size += left;

	while (left) {
		uint64_t size = left;
		void *hva = vu_mem_gpa(vq->mem, gpa, &size);

		if (!hva)
			return -EFAULT;
		if (w->nseg < VQ_MAX_IOV) {
			w->elem->iov[w->nseg].iov_base = hva;
			w->elem->iov[w->nseg].iov_len = size;
			if (writable)
				w->elem->n_in++;
			else
				w->elem->n_out++;
		}
		if (w->nseg <= VQ_MAX_IOV)
			w->nseg++;
		gpa += size;
		left -= size;
	}
	return 0;
}

/* Walk the indirect table that descriptor @ind points to. */
static int vq_walk_indirect(const struct vq *vq, struct vq_walk *w,
			    const struct vring_desc *ind)
{
	const struct vring_desc *table;
	uint64_t size = ind->len;
	unsigned int count = 0;
	uint32_t n, i = 0;

	if (!vq->indirect)
		return -EINVAL;
	if (ind->flags & VRING_DESC_F_NEXT)
		return -EINVAL;
	if (!ind->len || ind->len % sizeof(struct vring_desc))
		return -EINVAL;
	n = ind->len / sizeof(struct vring_desc);
	if (n > VQ_MAX_SIZE)
		return -EINVAL;

	table = vu_mem_gpa(vq->mem, ind->addr, &size);
	if (!table || size != ind->len)
		return -EFAULT;	/* outside memory, or not in one region */
	if ((uintptr_t)table % _Alignof(struct vring_desc))
		return -EINVAL;

	for (;;) {
		struct vring_desc d;
		int ret;

		if (++count > n)
			return -EINVAL;	/* loop */
		vq_read_desc(&d, &table[i]);
		if (d.flags & VRING_DESC_F_INDIRECT)
			return -EINVAL;	/* nested */
		ret = vq_walk_add(vq, w, &d);
		if (ret)
			return ret;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		if (d.next >= n)
			return -EINVAL;
		i = d.next;
	}
}

int vq_pop(struct vq *vq, struct vq_elem *elem)
{
	struct vq_walk w = { .elem = elem };
	unsigned int count = 0;
	uint16_t head, i;
	int avail, ret;

	/*
	 * Re-read the guest's index only when the chains we already know of
	 * are used up: the index shares a cache line with the guest's writes,
	 * so reading it once per burst rather than once per chain matters.
	 */
	if (vq->avail_idx == vq->last_avail_idx) {
		avail = vq_avail(vq);
		if (avail <= 0)
			return avail;
	}

	head = le16toh(__atomic_load_n(&vq->avail->ring[vq->last_avail_idx & (vq->size - 1)],
				       __ATOMIC_RELAXED));
	if (head >= vq->size)
		return -EINVAL;

	elem->head = head;
	elem->n_out = 0;
	elem->n_in = 0;
	elem->out_size = 0;
	elem->in_size = 0;

	for (i = head;;) {
		struct vring_desc d;

		if (++count > vq->size)
			return -EINVAL;	/* loop */
		vq_read_desc(&d, &vq->desc[i]);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			/* Has no NEXT (checked inside), so it ends the chain. */
			ret = vq_walk_indirect(vq, &w, &d);
			if (ret)
				return ret;
			break;
		}
		ret = vq_walk_add(vq, &w, &d);
		if (ret)
			return ret;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		if (d.next >= vq->size)
			return -EINVAL;
		i = d.next;
	}

	vq->last_avail_idx++;

	if (w.nseg > VQ_MAX_IOV || w.out_size > UINT32_MAX || w.in_size > UINT32_MAX) {
		elem->n_out = 0;
		elem->n_in = 0;
		return -E2BIG;
	}
	elem->out_size = w.out_size;
	elem->in_size = w.in_size;
	return 1;
}

int vq_prefetch(struct vq *vq, unsigned int n)
{
	uint16_t known = (uint16_t)(vq->avail_idx - vq->last_avail_idx);
	unsigned int k;

	if (!known) {
		int avail = vq_avail(vq);

		if (avail <= 0)
			return avail;
		known = (uint16_t)avail;
	}
	if (n > known)
		n = known;
	/*
	 * Every load below is independent of the others, so the CPU has all of
	 * them in flight at once: a burst waits about one memory latency for
	 * its descriptors rather than one per chain.
	 */
	for (k = 0; k < n; k++) {
		uint16_t head = le16toh(__atomic_load_n(
			&vq->avail->ring[(uint16_t)(vq->last_avail_idx + k) & (vq->size - 1)],
			__ATOMIC_RELAXED));

		if (head < vq->size)
			__builtin_prefetch(&vq->desc[head]);
	}
	return known;
}

void vq_prefetch_used(struct vq *vq, unsigned int n)
{
	uint16_t first = (uint16_t)(vq->used_idx + vq->used_pending);
	unsigned int k;

	if (!vq->used || !vq->size)
		return;
	prefetch_w(&vq->used->idx);
	if (n > vq->size)
		n = vq->size;
	/* Eight entries to a 64-byte line: one prefetch per line is enough. */
	for (k = 0; k < n; k += 8)
		prefetch_w(&vq->used->ring[(uint16_t)(first + k) & (vq->size - 1)]);
	if (n)
		prefetch_w(&vq->used->ring[(uint16_t)(first + n - 1) & (vq->size - 1)]);
}

void vq_unpop(struct vq *vq, uint16_t count)
{
	vq->last_avail_idx -= count;
}

void vq_push(struct vq *vq, uint16_t head, uint32_t len)
{
	uint16_t idx = vq->used_idx + vq->used_pending;
	struct vring_used_elem *e = &vq->used->ring[idx & (vq->size - 1)];

	__atomic_store_n(&e->id, htole32(head), __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, htole32(len), __ATOMIC_RELAXED);
	vq->used_pending++;
}

/* virtio 1.2, 2.7.10: true if @new_idx has just passed @event_idx (from @old). */
static bool vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

void vq_flush(struct vq *vq)
{
	uint16_t old_idx = vq->used_idx;
	uint16_t new_idx = old_idx + vq->used_pending;
	bool notify;

	if (!vq->used_pending)
		return;

	/* Release: the used entries are visible before the index that covers them. */
	__atomic_store_n(&vq->used->idx, htole16(new_idx), __ATOMIC_RELEASE);
	vq->used_idx = new_idx;
	vq->used_pending = 0;

	/* Full barrier: the index store is ordered before reading suppression. */
	full_barrier();

	if (vq->event_idx) {
		uint16_t event = le16toh(__atomic_load_n(vq_used_event(vq), __ATOMIC_RELAXED));
		uint16_t old = vq->signalled_used;
		bool valid = vq->signalled_used_valid;

		vq->signalled_used = new_idx;
		vq->signalled_used_valid = true;
		notify = !valid || vring_need_event(event, new_idx, old);
	} else {
		uint16_t flags = le16toh(__atomic_load_n(&vq->avail->flags, __ATOMIC_RELAXED));

		notify = !(flags & VRING_AVAIL_F_NO_INTERRUPT);
	}

	if (notify && vq->call_fd >= 0) {
		uint64_t one = 1;
		ssize_t n;

		/* EAGAIN means the counter is saturated: the guest is woken anyway. */
		do
			n = write(vq->call_fd, &one, sizeof(one));
		while (n < 0 && errno == EINTR);
	}
}

void vq_set_notify(struct vq *vq, bool enable)
{
	if (vq->event_idx) {
		/* Disabling needs no write: the guest kicks only on passing avail_event. */
		if (enable)
			__atomic_store_n(vq_avail_event(vq), htole16(vq->last_avail_idx),
					 __ATOMIC_RELAXED);
	} else {
		__atomic_store_n(&vq->used->flags,
				 htole16(enable ? 0 : VRING_USED_F_NO_NOTIFY), __ATOMIC_RELAXED);
	}
	/* Full barrier: the store is ordered before the caller's next vq_avail(). */
	if (enable)
		full_barrier();
}

size_t vq_iov_copy_from(void *dst, const struct iovec *iov, unsigned int niov,
			size_t offset, size_t size)
{
	uint8_t *d = dst;
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < niov && done < size; i++) {
		size_t chunk;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		chunk = iov[i].iov_len - offset;
		if (chunk > size - done)
			chunk = size - done;
		memcpy(d + done, (const uint8_t *)iov[i].iov_base + offset, chunk);
		done += chunk;
		offset = 0;
	}
	return done;
}

size_t vq_iov_copy_to(const struct iovec *iov, unsigned int niov, size_t offset,
		      const void *src, size_t size)
{
	const uint8_t *s = src;
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < niov && done < size; i++) {
		size_t chunk;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		chunk = iov[i].iov_len - offset;
		if (chunk > size - done)
			chunk = size - done;
		memcpy((uint8_t *)iov[i].iov_base + offset, s + done, chunk);
		done += chunk;
		offset = 0;
	}
	return done;
}
