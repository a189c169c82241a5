/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iov.h - cursors over scatter-gather lists, for copying between guest buffers. */
#ifndef LIB_IOV_H
#define LIB_IOV_H

#include <stddef.h>
#include <string.h>
#include <sys/uio.h>

/* A read position in an iovec array. */
struct iov_cursor {
	const struct iovec *iov;
	unsigned int count;	/* segments in @iov */
	unsigned int index;	/* current segment */
	size_t offset;		/* bytes consumed of the current segment */
};

static inline void iov_cursor_init(struct iov_cursor *c, const struct iovec *iov,
				   unsigned int count)
{
	c->iov = iov;
	c->count = count;
	c->index = 0;
	c->offset = 0;
}

/**
 * iov_cursor_copy_out() - copy up to @size bytes from the cursor into the
 * segments @dst[0 .. @dst_count), advancing the cursor
 * Return: bytes copied (less than @size if either side runs out).
 */
static inline size_t iov_cursor_copy_out(struct iov_cursor *c, const struct iovec *dst,
					 unsigned int dst_count, size_t size)
{
	unsigned int di = 0;
	size_t doff = 0, done = 0;

	while (done < size && di < dst_count && c->index < c->count) {
		size_t src_left = c->iov[c->index].iov_len - c->offset;
		size_t dst_left = dst[di].iov_len - doff;
		size_t n = src_left < dst_left ? src_left : dst_left;

		if (n > size - done)
			n = size - done;
		memcpy((char *)dst[di].iov_base + doff,
		       (const char *)c->iov[c->index].iov_base + c->offset, n);
		done += n;
		doff += n;
		c->offset += n;
		if (c->offset == c->iov[c->index].iov_len) {
			c->index++;
			c->offset = 0;
		}
		if (doff == dst[di].iov_len) {
			di++;
			doff = 0;
		}
	}
	return done;
}

/**
 * iov_slice() - describe the bytes of @src after the first @skip bytes
 * @dst:	receives at most @dst_max segments
 * Return: segments written, or -1 if @skip is beyond the data or @dst is too small.
 */
static inline int iov_slice(struct iovec *dst, unsigned int dst_max, const struct iovec *src,
			    unsigned int src_count, size_t skip)
{
	unsigned int i, n = 0;

	for (i = 0; i < src_count; i++) {
		if (skip >= src[i].iov_len) {
			skip -= src[i].iov_len;
			continue;
		}
		if (n == dst_max)
			return -1;
		dst[n].iov_base = (char *)src[i].iov_base + skip;
		dst[n].iov_len = src[i].iov_len - skip;
		skip = 0;
		n++;
	}
	return skip ? -1 : (int)n;
}

#endif /* LIB_IOV_H */
