/* SPDX-License-Identifier: GPL-2.0-or-later */
/* offload.c - software checksum completion and TCP segmentation for receivers without offloads. */

/*
 * Theory of operation
 *
 * A guest with TSO hands us one large TCP frame plus a virtio-net header
 * saying "cut this into gso_size pieces". When the receiving port did not
 * negotiate the offload, we do what its NIC would have done: copy the
 * Ethernet/IP/TCP headers in front of every MSS-sized slice of payload, then
 * fix what differs per segment (IP lengths and id, TCP sequence number and
 * flags) and compute every checksum from scratch. Nothing the guest wrote
 * into length or checksum fields of the big frame is trusted: lengths come
 * from the frame size, and checksums are recomputed.
 *
 * The whole frame is parsed and checked before the first segment is
 * emitted, so a malformed frame produces nothing rather than half a burst.
 * Each segment is built in the caller's scratch buffer: no allocation on the
 * packet path.
 */

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>

#include "csum.h"
#include "offload.h"
#include "pkt.h"

#define ETH_P_IPV4	0x0800
#define ETH_P_IPV6	0x86dd
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88a8
#define OFFLOAD_MAX_VLANS	2	/* 802.1ad outer plus 802.1Q inner */
#define OFFLOAD_MAX_IP6_EXT	8

#define TCP_OFF_SEQ	4
#define TCP_OFF_FLAGS	13
#define TCP_OFF_CHECK	16
#define TCP_FLAG_FIN	0x01
#define TCP_FLAG_PSH	0x08
#define TCP_FLAG_CWR	0x80

#define IP4_OFF_TOT_LEN	2
#define IP4_OFF_ID	4
#define IP4_OFF_CHECK	10
#define IP4_OFF_SADDR	12
#define IP4_OFF_DADDR	16
#define IP6_OFF_PLEN	4
#define IP6_OFF_SADDR	8
#define IP6_OFF_DADDR	24
#define IP6_HDR_SIZE	40

/* Where the headers of a TSO frame are, found by offload_parse_tcp(). */
struct tso_layout {
	bool ipv6;
	size_t l3_off;		/* IP header */
	size_t ip4_hdr_size;	/* IHL bytes, IPv4 only */
	size_t l4_off;		/* TCP header */
	size_t hdrs_size;	/* Ethernet through TCP options */
	uint32_t seq;
	uint16_t ip4_id;
	uint8_t tcp_flags;
};

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Skip the Ethernet header and up to two VLAN tags; return the inner type. */
static int offload_parse_eth(struct pkt_cursor *cur, uint16_t *ethertype)
{
	int tags;

	if (!pkt_pull(cur, 12) || pkt_be16(cur, ethertype))
		return -EINVAL;
	for (tags = 0; *ethertype == ETH_P_8021Q || *ethertype == ETH_P_8021AD; tags++) {
		if (tags == OFFLOAD_MAX_VLANS)
			return -EINVAL;
		if (!pkt_pull(cur, 2) || pkt_be16(cur, ethertype))
			return -EINVAL;
	}
	return 0;
}

static int offload_parse_ip4(struct pkt_cursor *cur, struct tso_layout *lay)
{
	struct iphdr ip;
	size_t ihl_bytes;

	if (pkt_copy(cur, &ip, sizeof(ip)))
		return -EINVAL;
	ihl_bytes = (size_t)ip.ihl * 4;
	if (ip.version != 4 || ihl_bytes < sizeof(ip) || ip.protocol != IPPROTO_TCP)
		return -EINVAL;
	/* A fragment cannot be a TSO frame: it has no complete TCP header. */
	if (ntohs(ip.frag_off) & (IP_MF | IP_OFFMASK))
		return -EINVAL;
	if (!pkt_pull(cur, ihl_bytes - sizeof(ip)))
		return -EINVAL;
	lay->ip4_hdr_size = ihl_bytes;
	lay->ip4_id = ntohs(ip.id);
	return 0;
}

/*
 * Hop-by-hop and destination options may sit between IPv6 and TCP; they are
 * copied into every segment unchanged. A routing header is refused because it
 * changes the destination used in the TCP pseudo-header.
 */
static int offload_parse_ip6(struct pkt_cursor *cur)
{
	struct ip6_hdr ip6;
	uint8_t next;
	int i;

	if (pkt_copy(cur, &ip6, sizeof(ip6)))
		return -EINVAL;
	if ((ip6.ip6_vfc >> 4) != 6)
		return -EINVAL;
	next = ip6.ip6_nxt;
	for (i = 0; i < OFFLOAD_MAX_IP6_EXT; i++) {
		struct ip6_ext ext;

		if (next != IPPROTO_HOPOPTS && next != IPPROTO_DSTOPTS)
			break;
		if (pkt_copy(cur, &ext, sizeof(ext)))
			return -EINVAL;
		if (!pkt_pull(cur, ((size_t)ext.ip6e_len + 1) * 8 - sizeof(ext)))
			return -EINVAL;
		next = ext.ip6e_nxt;
	}
	return next == IPPROTO_TCP ? 0 : -EINVAL;
}

/* Find and check every header of a TSO frame; nothing is written. */
static int offload_parse_tcp(const uint8_t *frame, size_t size, bool ipv6,
			     struct tso_layout *lay)
{
	struct pkt_cursor cur;
	struct tcphdr th;
	uint16_t ethertype;
	size_t doff_bytes;
	int rc;

	memset(lay, 0, sizeof(*lay));
	lay->ipv6 = ipv6;
	pkt_init(&cur, frame, size);
	rc = offload_parse_eth(&cur, &ethertype);
	if (rc)
		return rc;
	if (ethertype != (ipv6 ? ETH_P_IPV6 : ETH_P_IPV4))
		return -EINVAL;
	lay->l3_off = size - cur.left;
	rc = ipv6 ? offload_parse_ip6(&cur) : offload_parse_ip4(&cur, lay);
	if (rc)
		return rc;

	lay->l4_off = size - cur.left;
	if (pkt_copy(&cur, &th, sizeof(th)))
		return -EINVAL;
	doff_bytes = (size_t)th.doff * 4;
	if (doff_bytes < sizeof(th) || !pkt_pull(&cur, doff_bytes - sizeof(th)))
		return -EINVAL;
	lay->hdrs_size = size - cur.left;
	lay->seq = ntohl(th.seq);
	/* Byte 13 of the TCP header holds CWR ECE URG ACK PSH RST SYN FIN. */
	memcpy(&lay->tcp_flags, frame + lay->l4_off + TCP_OFF_FLAGS, 1);
	return 0;
}

/* Build segment @index of @payload_size bytes at @payload_off in @scratch. */
static size_t offload_build_segment(const struct tso_layout *lay, const uint8_t *frame,
				    size_t payload_off, size_t payload_size,
				    unsigned int index, uint16_t mss, bool last,
				    uint8_t *scratch)
{
	size_t seg_size = lay->hdrs_size + payload_size;
	uint8_t *l3 = scratch + lay->l3_off;
	uint8_t *l4 = scratch + lay->l4_off;
	uint32_t l4_size = (uint32_t)(seg_size - lay->l4_off);
	uint8_t flags = lay->tcp_flags;
	uint16_t check;
	uint32_t sum;

	memcpy(scratch, frame, lay->hdrs_size);
	memcpy(scratch + lay->hdrs_size, frame + payload_off, payload_size);

	if (lay->ipv6) {
		put_be16(l3 + IP6_OFF_PLEN, (uint16_t)(seg_size - lay->l3_off - IP6_HDR_SIZE));
		sum = csum_pseudo_ip6(l3 + IP6_OFF_SADDR, l3 + IP6_OFF_DADDR,
				      IPPROTO_TCP, l4_size);
	} else {
		put_be16(l3 + IP4_OFF_TOT_LEN, (uint16_t)(seg_size - lay->l3_off));
		put_be16(l3 + IP4_OFF_ID, (uint16_t)(lay->ip4_id + index));
		put_be16(l3 + IP4_OFF_CHECK, 0);
		check = csum_ip4_header(l3, lay->ip4_hdr_size);
		memcpy(l3 + IP4_OFF_CHECK, &check, 2);
		sum = csum_pseudo_ip4(l3 + IP4_OFF_SADDR, l3 + IP4_OFF_DADDR,
				      IPPROTO_TCP, l4_size);
	}

	put_be32(l4 + TCP_OFF_SEQ, lay->seq + (uint32_t)index * mss);
	/* As tcp_gso_segment(): FIN and PSH end the burst, CWR opens it. */
	if (!last)
		flags &= (uint8_t)~(TCP_FLAG_FIN | TCP_FLAG_PSH);
	if (index)
		flags &= (uint8_t)~TCP_FLAG_CWR;
	l4[TCP_OFF_FLAGS] = flags;
	put_be16(l4 + TCP_OFF_CHECK, 0);
	check = csum_fold(csum_partial(l4, l4_size, sum));
	memcpy(l4 + TCP_OFF_CHECK, &check, 2);
	return seg_size;
}

static int offload_segment_tcp(const struct virtio_net_hdr_v1 *hdr, uint8_t *frame,
			       size_t size, bool ipv6, uint8_t *scratch,
			       offload_emit_fn emit, void *opaque,
			       struct virtio_net_hdr_v1 *out_hdr)
{
	uint16_t mss = le16toh(hdr->gso_size);
	size_t payload, off, first_size;
	struct tso_layout lay;
	unsigned int index;
	int rc;

	rc = offload_parse_tcp(frame, size, ipv6, &lay);
	if (rc)
		return rc;
	/*
	 * When the guest says where the checksum goes, it must be the TCP
	 * checksum we are about to compute; anything else is a confused or
	 * hostile sender, as Linux's virtio_net_hdr_to_skb() also judges.
	 */
	if ((hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    (le16toh(hdr->csum_start) != lay.l4_off ||
	     le16toh(hdr->csum_offset) != TCP_OFF_CHECK))
		return -EINVAL;
	payload = size - lay.hdrs_size;
	if (!payload)
		return -EINVAL;
	first_size = lay.hdrs_size + (payload < mss ? payload : mss);
	if (first_size > OFFLOAD_SCRATCH_SIZE)
		return -EMSGSIZE;

	/* The caller may read *out_hdr from @emit, so set it first. */
	*out_hdr = *hdr;
	out_hdr->flags &= (uint8_t)~VIRTIO_NET_HDR_F_NEEDS_CSUM;
	out_hdr->gso_type = VIRTIO_NET_HDR_GSO_NONE;
	out_hdr->gso_size = 0;
	out_hdr->hdr_len = 0;
	out_hdr->csum_start = 0;
	out_hdr->csum_offset = 0;

	for (index = 0, off = lay.hdrs_size; off < size; index++) {
		size_t chunk = size - off < mss ? size - off : mss;
		bool last = off + chunk == size;
		size_t seg_size;

		seg_size = offload_build_segment(&lay, frame, off, chunk, index, mss,
						 last, scratch);
		rc = emit(opaque, scratch, seg_size);
		if (rc < 0)
			return rc;
		off += chunk;
	}
	return (int)index;
}

/* The checksum field must lie inside the frame, after csum_start. */
static int offload_check_csum_offsets(const struct virtio_net_hdr_v1 *hdr, size_t size)
{
	size_t start = le16toh(hdr->csum_start);
	size_t field = start + le16toh(hdr->csum_offset);

	if (start >= size || field + 2 > size)
		return -EINVAL;
	return 0;
}

/**
 * offload_resolve() - turn one offloaded frame into frames needing no offload
 * @hdr:	the frame's virtio-net header (flags, gso_type, gso_size, csum_*)
 * @frame:	the Ethernet frame, linear and writable (checksums may be written in place)
 * @size:	bytes in @frame
 * @allowed:	OFFLOAD_* the receiver accepts; only what it lacks is done in software
 * @scratch:	buffer for building segments, at least OFFLOAD_SCRATCH_SIZE bytes
 * @emit:	called once per resulting frame, in order
 * @opaque:	passed to @emit
 * @out_hdr:	the header to send with every emitted frame; it is final before
 *		the first call to @emit, so @emit may read it. May alias @hdr.
 *
 * Segments built in software carry complete checksums even when the receiver
 * accepts NEEDS_CSUM, as @emit promises. A frame the receiver can take as it
 * is, is emitted once unchanged after its lengths and offsets were checked.
 * Return: number of frames emitted, -EINVAL for malformed frames (nothing
 * emitted), -EOPNOTSUPP for UDP fragmentation offload, -EMSGSIZE if a segment
 * would not fit the scratch buffer, or the first negative value from @emit.
 */
int offload_resolve(const struct virtio_net_hdr_v1 *hdr, uint8_t *frame, size_t size,
		    unsigned int allowed, uint8_t *scratch, offload_emit_fn emit,
		    void *opaque, struct virtio_net_hdr_v1 *out_hdr)
{
	struct virtio_net_hdr_v1 in = *hdr;	/* @out_hdr may alias @hdr */
	unsigned int gso = in.gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	bool ecn = in.gso_type & VIRTIO_NET_HDR_GSO_ECN;
	bool needs_csum = in.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
	bool tso_ok;
	int rc;

	if (!frame || !emit || !out_hdr)
		return -EINVAL;
	if (needs_csum) {
		rc = offload_check_csum_offsets(&in, size);
		if (rc)
			return rc;
	}

	switch (gso) {
	case VIRTIO_NET_HDR_GSO_NONE:
		*out_hdr = in;
		/* ECN without segmentation means nothing; do not pass it on. */
		out_hdr->gso_type = VIRTIO_NET_HDR_GSO_NONE;
		if (needs_csum && !(allowed & OFFLOAD_CSUM)) {
			rc = csum_complete_partial(frame, size, le16toh(in.csum_start),
						   le16toh(in.csum_offset));
			if (rc)
				return rc;
			out_hdr->flags &= (uint8_t)~VIRTIO_NET_HDR_F_NEEDS_CSUM;
			out_hdr->csum_start = 0;
			out_hdr->csum_offset = 0;
		}
		rc = emit(opaque, frame, size);
		return rc < 0 ? rc : 1;
	case VIRTIO_NET_HDR_GSO_TCPV4:
	case VIRTIO_NET_HDR_GSO_TCPV6:
		break;
	case VIRTIO_NET_HDR_GSO_UDP:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}

	if (!le16toh(in.gso_size) || le16toh(in.hdr_len) > size)
		return -EINVAL;

	tso_ok = (allowed & (gso == VIRTIO_NET_HDR_GSO_TCPV4 ? OFFLOAD_TSO4 : OFFLOAD_TSO6)) &&
		 (!ecn || (allowed & OFFLOAD_ECN)) &&
		 (!needs_csum || (allowed & OFFLOAD_CSUM));
	if (tso_ok) {
		*out_hdr = in;
		rc = emit(opaque, frame, size);
		return rc < 0 ? rc : 1;
	}
	return offload_segment_tcp(&in, frame, size, gso == VIRTIO_NET_HDR_GSO_TCPV6,
				   scratch, emit, opaque, out_hdr);
}
