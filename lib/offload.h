/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * offload.h - software fallbacks for virtio-net offloads: finish a partial
 * checksum, or split a TSO frame into MSS-sized TCP segments, for a receiver
 * that did not negotiate the offload.
 */
#ifndef LIB_OFFLOAD_H
#define LIB_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "virtio_net.h"

/**
 * typedef offload_emit_fn - receives one finished frame
 * @opaque:	caller's context
 * @frame:	a complete Ethernet frame with every checksum filled in
 * @size:	its size in bytes
 * Return: 0 to continue, negative to stop segmentation (returned to the caller).
 */
typedef int (*offload_emit_fn)(void *opaque, const uint8_t *frame, size_t size);

/**
 * offload_resolve() - turn one offloaded frame into frames needing no offload
 * @hdr:	the frame's virtio-net header (flags, gso_type, gso_size, csum_*)
 * @frame:	the Ethernet frame, linear and writable (checksums may be written in place)
 * @size:	bytes in @frame
 * @allowed:	OFFLOAD_* the receiver accepts; only what it lacks is done in software
 * @scratch:	buffer for building segments, at least OFFLOAD_SCRATCH_SIZE bytes
 * @emit:	called once per resulting frame, in order
 * @opaque:	passed to @emit
 * @out_hdr:	the header to send with every emitted frame (flags and gso cleared
 *		where work was done in software; left as is where the receiver can
 *		take the offload)
 *
 * Handles GSO_TCPV4 and GSO_TCPV6 (with IPv4 total length, IPv4 id increment,
 * header checksum, TCP sequence numbers, FIN/PSH only on the last segment,
 * CWR only on the first), GSO_UDP (IP fragmentation is not done: dropped with
 * -EOPNOTSUPP) and NEEDS_CSUM. Every header is reached through a bounded
 * reader; malformed frames (bad lengths, gso_size 0, headers beyond @size)
 * return -EINVAL without calling @emit.
 * Return: number of frames emitted, or negative errno.
 */
int offload_resolve(const struct virtio_net_hdr_v1 *hdr, uint8_t *frame, size_t size,
		    unsigned int allowed, uint8_t *scratch, offload_emit_fn emit,
		    void *opaque, struct virtio_net_hdr_v1 *out_hdr);

#define OFFLOAD_SCRATCH_SIZE	(16 * 1024)

/**
 * offload_needed() - whether a frame with @hdr needs software work for a
 * receiver accepting @allowed.
 */
static inline int offload_needed(const struct virtio_net_hdr_v1 *hdr, unsigned int allowed)
{
	unsigned int gso = hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	if (gso == VIRTIO_NET_HDR_GSO_TCPV4 && !(allowed & OFFLOAD_TSO4))
		return 1;
	if (gso == VIRTIO_NET_HDR_GSO_TCPV6 && !(allowed & OFFLOAD_TSO6))
		return 1;
	if (gso == VIRTIO_NET_HDR_GSO_UDP)
		return 1;
	if ((hdr->gso_type & VIRTIO_NET_HDR_GSO_ECN) && !(allowed & OFFLOAD_ECN))
		return 1;
	if ((hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !(allowed & OFFLOAD_CSUM))
		return 1;
	return 0;
}

#endif /* LIB_OFFLOAD_H */
