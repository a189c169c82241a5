/* SPDX-License-Identifier: GPL-2.0-or-later */
/* csum.h - Internet checksums (RFC 1071) for IPv4 headers and TCP/UDP over IPv4/IPv6. */
#ifndef LIB_CSUM_H
#define LIB_CSUM_H

#include <stddef.h>
#include <stdint.h>

/**
 * csum_partial() - add @size bytes at @buf to a 32-bit one's-complement sum
 * @buf:	data, any alignment
 * @size:	bytes
 * @sum:	running sum (0 to start)
 * Return: the new unfolded sum. Sums of consecutive pieces combine only when
 * every piece but the last has an even size.
 */
uint32_t csum_partial(const void *buf, size_t size, uint32_t sum);

/** csum_fold() - fold a 32-bit sum to 16 bits and complement it (network order result as a value). */
uint16_t csum_fold(uint32_t sum);

/** csum_ip4_header() - checksum of an IPv4 header whose check field is zero. */
uint16_t csum_ip4_header(const void *iph, size_t ihl_bytes);

/**
 * csum_pseudo_ip4() / csum_pseudo_ip6() - pseudo-header sum for TCP/UDP
 * @src, @dst:	addresses in network order (4 or 16 bytes)
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @l4_size:	TCP/UDP header plus payload, in bytes
 * Return: unfolded sum to pass to csum_partial() over the L4 bytes.
 */
uint32_t csum_pseudo_ip4(const void *src, const void *dst, uint8_t proto, uint32_t l4_size);
uint32_t csum_pseudo_ip6(const void *src, const void *dst, uint8_t proto, uint32_t l4_size);

/**
 * csum_complete_partial() - finish a VIRTIO_NET_HDR_F_NEEDS_CSUM frame
 * @frame:	Ethernet frame, writable
 * @size:	bytes in @frame
 * @csum_start:	offset where checksumming starts (from the virtio header)
 * @csum_offset: offset of the 16-bit checksum field from @csum_start
 *
 * As the virtio spec says: the field already holds the pseudo-header sum;
 * sum from csum_start to the end and store the folded result there.
 * Return: 0, or -EINVAL if the offsets do not fit inside @size.
 */
int csum_complete_partial(uint8_t *frame, size_t size, uint16_t csum_start,
			  uint16_t csum_offset);

#endif /* LIB_CSUM_H */
