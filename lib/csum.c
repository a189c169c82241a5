/* SPDX-License-Identifier: GPL-2.0-or-later */
/* csum.c - Internet checksums (RFC 1071) for IPv4 headers and TCP/UDP over IPv4/IPv6. */

/*
 * Byte order: the one's-complement sum does not care about byte order as long
 * as every word is read the same way (RFC 1071, 2(B)). We add the data as
 * native 16-bit words of network-order bytes, exactly like Linux and passt,
 * so the folded result is already in network byte order: store it with
 * memcpy() or assign it to a header field declared in network order, without
 * htons(). Reading it back as a number needs ntohs().
 */

#include <errno.h>
#include <string.h>

#include "csum.h"

/**
 * csum_partial() - add @size bytes at @buf to a 32-bit one's-complement sum
 * @buf:	data, any alignment
 * @size:	bytes
 * @sum:	running sum (0 to start)
 *
 * Return: the new unfolded sum. Sums of consecutive pieces combine only when
 * every piece but the last has an even size.
 */
uint32_t csum_partial(const void *buf, size_t size, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;
	uint32_t w32;
	uint16_t w16;

	/*
	 * 32-bit words add up to the same one's-complement sum as their two
	 * halves, because 2^16 == 1 modulo 2^16 - 1. The 64-bit accumulator
	 * cannot overflow before 2^32 words, far beyond any frame.
	 */
	while (size >= 16) {
		uint32_t w[4];

		memcpy(w, p, sizeof(w));
		acc += (uint64_t)w[0] + w[1] + w[2] + w[3];
		p += 16;
		size -= 16;
	}
	while (size >= 4) {
		memcpy(&w32, p, 4);
		acc += w32;
		p += 4;
		size -= 4;
	}
	if (size >= 2) {
		memcpy(&w16, p, 2);
		acc += w16;
		p += 2;
		size -= 2;
	}
	if (size) {
		/* An odd last byte is the high-order byte of a zero-padded word. */
		uint8_t pad[2] = { p[0], 0 };

		memcpy(&w16, pad, 2);
		acc += w16;
	}
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

/**
 * csum_fold() - fold a 32-bit sum to 16 bits and complement it
 * @sum:	unfolded sum from csum_partial() and friends
 *
 * Return: the checksum in network byte order (see the note at the top).
 */
uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/**
 * csum_ip4_header() - checksum of an IPv4 header whose check field is zero
 * @iph:	the header
 * @ihl_bytes:	its length in bytes (IHL * 4)
 *
 * Return: the checksum in network byte order. Run over a header that holds a
 * valid checksum, it returns 0.
 */
uint16_t csum_ip4_header(const void *iph, size_t ihl_bytes)
{
	return csum_fold(csum_partial(iph, ihl_bytes, 0));
}

/**
 * csum_pseudo_ip4() - pseudo-header sum for TCP/UDP over IPv4 (RFC 793)
 * @src:	source address, 4 bytes in network order
 * @dst:	destination address, 4 bytes in network order
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @l4_size:	TCP/UDP header plus payload, in bytes
 *
 * Return: unfolded sum to pass to csum_partial() over the L4 bytes.
 */
uint32_t csum_pseudo_ip4(const void *src, const void *dst, uint8_t proto, uint32_t l4_size)
{
	uint8_t ph[12];

	memcpy(ph, src, 4);
	memcpy(ph + 4, dst, 4);
	ph[8] = 0;
	ph[9] = proto;
	ph[10] = (uint8_t)(l4_size >> 8);
	ph[11] = (uint8_t)l4_size;
	return csum_partial(ph, sizeof(ph), 0);
}

/**
 * csum_pseudo_ip6() - pseudo-header sum for TCP/UDP over IPv6 (RFC 8200, 8.1)
 * @src:	source address, 16 bytes in network order
 * @dst:	destination address, 16 bytes in network order
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @l4_size:	TCP/UDP header plus payload, in bytes
 *
 * Return: unfolded sum to pass to csum_partial() over the L4 bytes.
 */
uint32_t csum_pseudo_ip6(const void *src, const void *dst, uint8_t proto, uint32_t l4_size)
{
	uint8_t ph[40];

	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	ph[32] = (uint8_t)(l4_size >> 24);
	ph[33] = (uint8_t)(l4_size >> 16);
	ph[34] = (uint8_t)(l4_size >> 8);
	ph[35] = (uint8_t)l4_size;
	ph[36] = 0;
	ph[37] = 0;
	ph[38] = 0;
	ph[39] = proto;
	return csum_partial(ph, sizeof(ph), 0);
}

/**
 * csum_complete_partial() - finish a VIRTIO_NET_HDR_F_NEEDS_CSUM frame
 * @frame:	Ethernet frame, writable
 * @size:	bytes in @frame
 * @csum_start:	offset where checksumming starts (from the virtio header)
 * @csum_offset: offset of the 16-bit checksum field from @csum_start
 *
 * As the virtio spec says: the field already holds the pseudo-header sum;
 * sum from csum_start to the end and store the folded result there. A result
 * of 0 is stored as 0xffff, as Linux does: for UDP, 0 would mean "no
 * checksum", and for TCP both encode the same value.
 * Return: 0, or -EINVAL if the offsets do not fit inside @size.
 */
int csum_complete_partial(uint8_t *frame, size_t size, uint16_t csum_start,
			  uint16_t csum_offset)
{
	size_t field = (size_t)csum_start + csum_offset;
	uint16_t check;

	if (!frame || csum_start >= size || field + 2 > size)
		return -EINVAL;
	check = csum_fold(csum_partial(frame + csum_start, size - csum_start, 0));
	if (!check)
		check = 0xffff;
	memcpy(frame + field, &check, 2);
	return 0;
}
