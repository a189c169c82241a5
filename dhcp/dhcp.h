/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dhcp.h - DHCP (RFC 2131/2132) wire format: parse a request into a local
 * struct, build a reply, and the Ethernet/IPv4/UDP framing around both.
 * Pure functions: no sockets, no clock, no allocation.
 */
#ifndef DHCP_DHCP_H
#define DHCP_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68

#define BOOTREQUEST		1
#define BOOTREPLY		2

#define DHCP_FIXED_SIZE		236	/* op .. file, before the magic cookie */
#define DHCP_MIN_SIZE		240	/* with the magic cookie */
#define DHCP_REPLY_MIN_SIZE	300	/* BOOTP's minimum, still expected by old clients */
#define DHCP_REPLY_MAX_SIZE	576	/* what every client must accept (RFC 2131 2.) */
#define DHCP_FLAG_BROADCAST	0x8000

/* Message types (option 53). */
enum dhcp_msg_type {
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPDECLINE = 4,
	DHCPACK = 5,
	DHCPNAK = 6,
	DHCPRELEASE = 7,
	DHCPINFORM = 8,
};

/* Options we read or write. */
enum dhcp_option {
	DHO_PAD = 0,
	DHO_SUBNET_MASK = 1,
	DHO_ROUTER = 3,
	DHO_DNS = 6,
	DHO_HOSTNAME = 12,
	DHO_DOMAIN_NAME = 15,
	DHO_MTU = 26,
	DHO_BROADCAST = 28,
	DHO_REQUESTED_IP = 50,
	DHO_LEASE_TIME = 51,
	DHO_OVERLOAD = 52,
	DHO_MSG_TYPE = 53,
	DHO_SERVER_ID = 54,
	DHO_PARAM_REQUEST = 55,
	DHO_MESSAGE = 56,
	DHO_MAX_SIZE = 57,
	DHO_T1 = 58,
	DHO_T2 = 59,
	DHO_CLIENT_ID = 61,
	DHO_END = 255,
};

#define DHCP_HOSTNAME_MAX	64	/* including NUL */
#define DHCP_CLIENT_ID_MAX	64
#define DHCP_PRL_MAX		64

/*
 * A parsed request. Addresses are in network byte order as on the wire;
 * everything was copied out of the packet after its length was checked.
 */
struct dhcp_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;			/* kept in wire order, echoed as is */
	uint16_t secs, flags;		/* host order */
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];

	uint8_t type;			/* option 53; 0 if absent (BOOTP) */
	bool has_requested_ip;
	uint32_t requested_ip;		/* option 50 */
	bool has_server_id;
	uint32_t server_id;		/* option 54 */
	bool has_lease_time;
	uint32_t lease_time;		/* option 51, host order */
	uint16_t max_size;		/* option 57; 0 if absent */
	uint8_t client_id_len;
	uint8_t client_id[DHCP_CLIENT_ID_MAX];
	char hostname[DHCP_HOSTNAME_MAX];	/* option 12, reduced to [A-Za-z0-9._-] */
	uint8_t prl_len;
	uint8_t prl[DHCP_PRL_MAX];	/* option 55 */
};

/**
 * dhcp_parse() - parse a BOOTP/DHCP message (the UDP payload)
 * @data:	the payload
 * @size:	its size in bytes
 * @msg:	filled on success
 *
 * Checks op, hlen, the magic cookie and every option's length against the
 * end of its field (main options, and file/sname when option 52 overloads
 * them). Unknown options are skipped; a known option of the wrong size, an
 * option running past its field, or a missing message type is an error.
 * Return: 0, or -EBADMSG for anything malformed.
 */
int dhcp_parse(const uint8_t *data, size_t size, struct dhcp_msg *msg);

/** dhcp_msg_requested() - whether the client's parameter request list names @option. */
bool dhcp_msg_requested(const struct dhcp_msg *msg, uint8_t option);

/* What a reply carries besides the message type; addresses in network order. */
struct dhcp_reply_params {
	uint8_t type;			/* DHCPOFFER, DHCPACK or DHCPNAK */
	uint32_t yiaddr;
	uint32_t server_id;
	uint32_t lease_time;		/* 0: no lease options (INFORM, NAK) */
	uint32_t netmask;
	uint32_t router;		/* 0: none */
	uint32_t broadcast;		/* 0: none */
	uint32_t dns[3];
	unsigned int ndns;
	const char *domain;		/* NULL or "": none */
	uint16_t mtu;			/* 0: none */
	const char *message;		/* option 56 for a NAK; NULL: none */
};

/**
 * dhcp_build_reply() - build a BOOTREPLY answering @req
 * @req:	the parsed request (xid, flags, giaddr, chaddr, client id, PRL are echoed or honoured)
 * @p:		what to say
 * @buf:	receives the payload
 * @size:	bytes available (at least DHCP_REPLY_MAX_SIZE)
 *
 * Subnet mask, router, DNS, domain, MTU and broadcast address go in when
 * the client asked for them in its parameter request list, or (mask,
 * router, DNS) when it sent none; the lease time, T1 (1/2) and T2 (7/8),
 * the server identifier and the client identifier (RFC 6842) always.
 * Return: payload size in bytes, or -ENOSPC.
 */
int dhcp_build_reply(const struct dhcp_msg *req, const struct dhcp_reply_params *p,
		     uint8_t *buf, size_t size);

/* Where a request came from, as seen in its frame. */
struct dhcp_frame_info {
	uint8_t eth_src[6];
	uint8_t eth_dst[6];
	uint32_t ip_src, ip_dst;	/* network order */
	uint16_t udp_src;		/* host order */
	const uint8_t *payload;		/* into the frame */
	size_t payload_size;
};

/**
 * dhcp_frame_parse() - find the DHCP payload in an Ethernet frame
 * @frame:	Ethernet II frame (no VLAN tag)
 * @size:	its size in bytes
 * @info:	filled on success; @info->payload points into @frame
 *
 * Checks the IPv4 header (version, length, checksum, not a fragment),
 * UDP to port 67 and the UDP length. The UDP checksum is not checked: a
 * frame from a tap may carry an offloaded (partial) one.
 * Return: 0 or -EBADMSG.
 */
int dhcp_frame_parse(const uint8_t *frame, size_t size, struct dhcp_frame_info *info);

/**
 * dhcp_frame_build() - wrap a payload in Ethernet, IPv4 and UDP headers
 * @buf:	receives the frame; the payload is copied in
 * @size:	bytes available
 * Ports in host order, addresses in network order. Checksums are complete.
 * Return: frame size, or -ENOSPC.
 */
int dhcp_frame_build(uint8_t *buf, size_t size, const uint8_t eth_dst[6], const uint8_t eth_src[6],
		     uint32_t ip_src, uint32_t ip_dst, uint16_t sport, uint16_t dport,
		     const uint8_t *payload, size_t payload_size);

/**
 * dhcp_arp_reply() - answer an ARP request for @ip
 * @frame:	the received frame
 * @size:	its size
 * @ip:		the address we answer for (network order)
 * @mac:	our MAC
 * @out:	receives the reply (at least 60 bytes)
 * Return: reply size (60), 0 if the frame is not an ARP request for @ip,
 *	   or -EBADMSG if it is too short or not Ethernet/IPv4 ARP.
 */
int dhcp_arp_reply(const uint8_t *frame, size_t size, uint32_t ip, const uint8_t mac[6],
		   uint8_t *out);

/** dhcp_msg_type_name() - "DISCOVER", "REQUEST", ... or "unknown". */
const char *dhcp_msg_type_name(uint8_t type);

#endif /* DHCP_DHCP_H */
