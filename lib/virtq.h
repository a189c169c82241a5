/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtq.h - split virtqueues (virtio 1.2, 2.7) over guest memory we do not
 * trust, and the guest memory table they are translated through.
 */
#ifndef LIB_VIRTQ_H
#define LIB_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* Guest memory ------------------------------------------------------------ */

#define VU_MAX_MEM_SLOTS	128

struct vu_mem_region {
	uint64_t gpa;		/* guest physical address of the first byte */
	uint64_t size;		/* bytes */
	uint64_t uva;		/* the front-end's user address of the first byte */
	uint8_t *hva;		/* where the first byte is mapped in this process */
	void *mmap_addr;	/* what mmap() returned (hva - mmap offset) */
	size_t mmap_size;	/* bytes to munmap() */
};

struct vu_mem {
	unsigned int nregions;
	struct vu_mem_region regions[VU_MAX_MEM_SLOTS];
	/*
	 * Set by the SIGBUS guard (lib/memguard.c) when an access hit a page
	 * the front-end took away by shrinking its memory file; whoever uses
	 * this memory must then cut that front-end off.
	 */
	volatile int faulted;
};

/**
 * vu_mem_gpa() - translate a guest physical range
 * @mem:	memory table
 * @gpa:	guest physical address
 * @size:	in: bytes wanted; out: bytes contiguous at the result (<= wanted),
 *		shortened at the end of the region holding @gpa
 * Return: host address, or NULL if @gpa is in no region (or @size is 0).
 */
void *vu_mem_gpa(const struct vu_mem *mem, uint64_t gpa, uint64_t *size);

/**
 * vu_mem_uva() - translate a front-end user address range that must be
 * contiguous in one region (ring addresses)
 * Return: host address, or NULL unless all of [@uva, @uva + @size) is in one region.
 */
void *vu_mem_uva(const struct vu_mem *mem, uint64_t uva, uint64_t size);

/** vu_mem_unmap() - unmap every region and empty the table. */
void vu_mem_unmap(struct vu_mem *mem);

/* Rings ------------------------------------------------------------------- */

/*
 * Start taking a cache line for writing (PREFETCHW: every x86-64 CPU runs
 * it, as a no-op where unsupported). GCC emits a plain read prefetch for
 * __builtin_prefetch(p, 1) unless built for such a CPU, and a line fetched
 * to be read must then be fetched again to be written: on a guest's ring or
 * buffer, last written by the guest's CPU, that is two cross-core trips.
 */
static inline void prefetch_w(const void *p)
{
#if defined(__x86_64__)
	__asm__ __volatile__("prefetchw %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p, 1);
#endif
}

#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_USED_F_NO_NOTIFY	1
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VQ_MAX_SIZE		32768

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];	/* size entries, then used_event */
};

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];	/* size entries, then avail_event */
};

/* Most segments one chain may be translated to; longer chains are dropped (-E2BIG). */
#define VQ_MAX_IOV	64

/*
 * One descriptor chain, translated. Readable (driver-to-device) segments come
 * first, then writable ones: iov[0 .. n_out) and iov[n_out .. n_out + n_in).
 */
struct vq_elem {
	uint16_t head;		/* index to return in the used ring */
	uint16_t n_out;
	uint16_t n_in;
	uint32_t out_size;	/* total readable bytes */
	uint32_t in_size;	/* total writable bytes */
	struct iovec iov[VQ_MAX_IOV];
};

struct vq {
	/* Set up by the vhost-user layer; the datapath only reads these. */
	uint16_t size;			/* entries, power of two, <= VQ_MAX_SIZE */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	const struct vu_mem *mem;
	bool event_idx;			/* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;			/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	int kick_fd;			/* -1 if none (polled) */
	int call_fd;			/* -1 if none */

	/* Ring state, owned by whoever runs the queue. */
	uint16_t last_avail_idx;	/* next avail entry we will read */
	uint16_t avail_idx;		/* guest's avail->idx as last read and checked */
	uint16_t used_idx;		/* used idx published to the guest */
	uint16_t used_pending;		/* entries written but not yet published */
	uint16_t signalled_used;	/* used idx at the last call (event idx) */
	bool signalled_used_valid;
};

/**
 * vq_init() - reset ring state; fds to -1, pointers to NULL
 */
void vq_init(struct vq *vq);

/**
 * vq_avail() - how many chains the guest has made available
 *
 * Reads avail->idx once, with the read barrier the spec asks for before any
 * descriptor is read.
 * Return: count (0..size), or -EINVAL if the guest claims more than size.
 */
int vq_avail(struct vq *vq);

/**
 * vq_pop() - take the next available chain and translate it
 * @vq:		queue (must be set up)
 * @elem:	filled in
 *
 * Validates: head < size; next < size; chain length <= size (no loops);
 * indirect only if negotiated, table size a non-zero multiple of 16, not
 * nested, not combined with NEXT, entirely in one memory region; no readable
 * descriptor after a writable one; every address range inside guest memory
 * (ranges crossing regions are split into several segments).
 * Return: 1 with @elem filled; 0 if no chain is available; -E2BIG if the chain
 * is valid but needs more than VQ_MAX_IOV segments (elem->head is set and the
 * chain is consumed: push it back with length 0); -EINVAL or -EFAULT if the
 * guest broke the rules (the queue must not be used again).
 */
int vq_pop(struct vq *vq, struct vq_elem *elem);

/**
 * vq_prefetch() - start loading the descriptors of the next @n available
 * chains, so that the vq_pop() calls that follow find them in cache instead
 * of waiting on each in turn. Reads avail->idx if no chain is known yet.
 * Only a hint: the ring entries it reads are read again, checked, by
 * vq_pop(), and an out-of-range head is skipped here.
 * Return: chains known to be available (0..size), or -EINVAL as vq_avail().
 */
int vq_prefetch(struct vq *vq, unsigned int n);

/**
 * vq_prefetch_used() - start taking for writing the used ring's index and
 * the entries the next @n vq_push() calls will write (a hint).
 */
void vq_prefetch_used(struct vq *vq, unsigned int n);

/** vq_unpop() - give back the last @count popped chains (not yet pushed). */
void vq_unpop(struct vq *vq, uint16_t count);

/**
 * vq_push() - write a used entry (not yet visible to the guest)
 * @head:	elem->head of a popped chain
 * @len:	bytes written into the chain's writable part
 */
void vq_push(struct vq *vq, uint16_t head, uint32_t len);

/**
 * vq_flush() - publish pushed entries (write barrier, then used->idx) and
 * signal call_fd unless the guest asked not to be interrupted
 * (VRING_AVAIL_F_NO_INTERRUPT, or used_event with EVENT_IDX).
 */
void vq_flush(struct vq *vq);

/**
 * vq_set_notify() - ask the guest to kick (true) or not to kick (false) when
 * it adds buffers: VRING_USED_F_NO_NOTIFY, or avail_event with EVENT_IDX.
 * After enabling, callers must check vq_avail() again to close the race with
 * a guest that added buffers before it saw the change.
 */
void vq_set_notify(struct vq *vq, bool enable);

/**
 * vq_iov_copy_from() - copy out of an iovec array, skipping @offset bytes
 * Return: bytes copied (less than @size if the segments run out).
 */
size_t vq_iov_copy_from(void *dst, const struct iovec *iov, unsigned int niov,
			size_t offset, size_t size);

/** vq_iov_copy_to() - copy into an iovec array, skipping @offset bytes. Return: bytes copied. */
size_t vq_iov_copy_to(const struct iovec *iov, unsigned int niov, size_t offset,
		      const void *src, size_t size);

#endif /* LIB_VIRTQ_H */
