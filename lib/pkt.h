/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pkt.h - bounded packet reader: no header is touched before its length is known. */
#ifndef LIB_PKT_H
#define LIB_PKT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pkt_cursor {
	const uint8_t *data;	/* next unread byte */
	size_t left;		/* bytes remaining */
};

static inline void pkt_init(struct pkt_cursor *c, const void *data, size_t size)
{
	c->data = data;
	c->left = size;
}

/**
 * pkt_pull() - consume @size bytes
 * Return: pointer to them, or NULL (cursor unchanged) if fewer remain.
 */
static inline const void *pkt_pull(struct pkt_cursor *c, size_t size)
{
	const void *p = c->data;

	if (size > c->left)
		return NULL;
	c->data += size;
	c->left -= size;
	return p;
}

/** pkt_copy() - consume @size bytes into @dst. Return: 0, or -1 if fewer remain. */
static inline int pkt_copy(struct pkt_cursor *c, void *dst, size_t size)
{
	const void *p = pkt_pull(c, size);

	if (!p)
		return -1;
	memcpy(dst, p, size);
	return 0;
}

static inline int pkt_u8(struct pkt_cursor *c, uint8_t *v)
{
	return pkt_copy(c, v, 1);
}

/** pkt_be16() - read a big-endian 16-bit value. Return: 0 or -1. */
static inline int pkt_be16(struct pkt_cursor *c, uint16_t *v)
{
	const uint8_t *p = pkt_pull(c, 2);

	if (!p)
		return -1;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return 0;
}

static inline int pkt_be32(struct pkt_cursor *c, uint32_t *v)
{
	const uint8_t *p = pkt_pull(c, 4);

	if (!p)
		return -1;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return 0;
}

#endif /* LIB_PKT_H */
