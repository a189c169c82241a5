/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio_net.h - virtio 1.x net device constants and the per-frame header. */
#ifndef LIB_VIRTIO_NET_H
#define LIB_VIRTIO_NET_H

#include <stdint.h>

/* Device feature bits (virtio 1.2, 5.1.3). */
#define VIRTIO_NET_F_CSUM		0
#define VIRTIO_NET_F_GUEST_CSUM		1
#define VIRTIO_NET_F_MTU		3
#define VIRTIO_NET_F_MAC		5
#define VIRTIO_NET_F_GUEST_TSO4		7
#define VIRTIO_NET_F_GUEST_TSO6		8
#define VIRTIO_NET_F_GUEST_ECN		9
#define VIRTIO_NET_F_HOST_TSO4		11
#define VIRTIO_NET_F_HOST_TSO6		12
#define VIRTIO_NET_F_HOST_ECN		13
#define VIRTIO_NET_F_MRG_RXBUF		15
#define VIRTIO_NET_F_STATUS		16
#define VIRTIO_NET_F_CTRL_VQ		17
#define VIRTIO_NET_F_GUEST_ANNOUNCE	21
#define VIRTIO_NET_F_MQ			22

/* Reserved feature bits (virtio 1.2, 6). */
#define VIRTIO_RING_F_INDIRECT_DESC	28
#define VIRTIO_RING_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33
#define VIRTIO_F_RING_PACKED		34
#define VIRTIO_F_IN_ORDER		35
#define VHOST_USER_F_PROTOCOL_FEATURES	30

#define VIRTIO_BIT(b)	(1ULL << (b))

/* struct virtio_net_hdr_v1 flags and gso_type. */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1
#define VIRTIO_NET_HDR_F_DATA_VALID	2
#define VIRTIO_NET_HDR_GSO_NONE		0
#define VIRTIO_NET_HDR_GSO_TCPV4	1
#define VIRTIO_NET_HDR_GSO_UDP		3
#define VIRTIO_NET_HDR_GSO_TCPV6	4
#define VIRTIO_NET_HDR_GSO_ECN		0x80

/*
 * The header in front of every frame once VERSION_1 or MRG_RXBUF is
 * negotiated (12 bytes, little-endian). We require VERSION_1, so every port
 * and every tap (TUNSETVNETHDRSZ 12) uses exactly this layout.
 */
struct virtio_net_hdr_v1 {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __attribute__((packed));

#define VNET_HDR_SIZE	sizeof(struct virtio_net_hdr_v1)

/* Offloads a port can receive, as a bitmask (see struct port.rx_offloads). */
#define OFFLOAD_CSUM	(1u << 0)	/* accepts NEEDS_CSUM frames */
#define OFFLOAD_TSO4	(1u << 1)	/* accepts GSO_TCPV4 */
#define OFFLOAD_TSO6	(1u << 2)	/* accepts GSO_TCPV6 */
#define OFFLOAD_ECN	(1u << 3)	/* accepts GSO_ECN */

#endif /* LIB_VIRTIO_NET_H */
