/* SPDX-License-Identifier: GPL-2.0-or-later */
/* frame.h - questions the datapath asks of a frame (pure, bounded reads). */
#ifndef VSWITCH_FRAME_H
#define VSWITCH_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio_net.h"

struct dp_pkt;

#define FRAME_MIN_GSO_SIZE	48

/**
 * frame_vnet_hdr_valid() - check the virtio-net header a peer sent with a
 * frame before anyone acts on it (inline: every frame passes here): only known flags and GSO types, offsets inside the frame, and a
 * segment size for GSO frames.
 */
static inline bool frame_vnet_hdr_valid(const struct virtio_net_hdr_v1 *hdr, uint32_t size)
{
	unsigned int gso = hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	if (hdr->flags & ~(VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID))
		return false;
	if (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if ((uint32_t)hdr->csum_start + hdr->csum_offset + 2 > size)
			return false;
	}
	switch (gso) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return !(hdr->gso_type & VIRTIO_NET_HDR_GSO_ECN);
	case VIRTIO_NET_HDR_GSO_TCPV4:
	case VIRTIO_NET_HDR_GSO_TCPV6:
	case VIRTIO_NET_HDR_GSO_UDP:
		/*
		 * A tiny segment size would turn one frame into tens of
		 * thousands in the software fallback; TCP never goes below 48.
		 */
		return hdr->gso_size >= FRAME_MIN_GSO_SIZE;
	default:
		return false;
	}
}

/** frame_is_dhcp_request() - an IPv4 UDP datagram to port 67 (from a client or a relay). */
bool frame_is_dhcp_request(const struct dp_pkt *pkt);

/** frame_is_arp_request_for() - an ARP request for @ip (network order; 0 matches nothing). */
bool frame_is_arp_request_for(const struct dp_pkt *pkt, uint32_t ip);

#endif /* VSWITCH_FRAME_H */
