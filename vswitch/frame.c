// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * frame.c - what the datapath asks of a frame before it forwards it: is its
 * virtio-net header sane, is it a DHCP request, an ARP request for some
 * address. Pure functions over struct dp_pkt: a frame's bytes are only
 * copied out through the bounded iovec reader, never cast in place.
 */
#include <string.h>

#include "frame.h"
#include "port.h"
#include "virtq.h"

/*
 * Is this an IPv4 UDP datagram to port 67 (a DHCP request, from a client
 * or a relay)? Only the first bytes after the Ethernet header are copied
 * out to look, and only on networks whose DHCP server is on.
 */
bool frame_is_dhcp_request(const struct dp_pkt *pkt)
{
	uint8_t l3[60 + 4];
	size_t ihl, got;

	if (pkt->eth[12] != 0x08 || pkt->eth[13] != 0x00)
		return false;
	got = vq_iov_copy_from(l3, pkt->iov, pkt->niov, 0, 24);
	if (got < 24 || (l3[0] >> 4) != 4 || l3[9] != 17)
		return false;
	/* Fragments other than the first carry no UDP header. */
	if (((l3[6] & 0x1f) << 8 | l3[7]) != 0)
		return false;
	ihl = (size_t)(l3[0] & 0x0f) * 4;
	if (ihl < 20)
		return false;
	if (ihl > 20 && vq_iov_copy_from(l3, pkt->iov, pkt->niov, 0, ihl + 4) < ihl + 4)
		return false;
	return l3[ihl + 2] == 0 && l3[ihl + 3] == 67;
}

bool frame_is_arp_request_for(const struct dp_pkt *pkt, uint32_t ip)
{
	uint8_t arp[28];

	if (!ip || pkt->eth[12] != 0x08 || pkt->eth[13] != 0x06)
		return false;
	if (vq_iov_copy_from(arp, pkt->iov, pkt->niov, 0, sizeof(arp)) < sizeof(arp))
		return false;
	return arp[6] == 0 && arp[7] == 1 && !memcmp(arp + 24, &ip, 4);
}

