/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * server.h - one network's DHCP server: a frame in (from a port), at most one
 * frame out and at most one lease record to make durable before it is sent.
 * Transport-agnostic and clock-free (the caller passes the time).
 */
#ifndef DHCP_SERVER_H
#define DHCP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp.h"
#include "lease.h"
#include "pool.h"

#define DHCP_DOMAIN_MAX		64

struct dhcp_config {
	uint32_t server_ip;		/* network order: server identifier, reply source */
	uint32_t netmask;		/* network order */
	uint32_t router;		/* network order; 0: none */
	uint32_t dns[3];		/* network order */
	unsigned int ndns;
	char domain[DHCP_DOMAIN_MAX];
	uint32_t lease_time;		/* seconds */
	uint16_t mtu;			/* 0: not offered */
	uint8_t server_mac[6];		/* reply source MAC */
	bool answer_arp;		/* answer ARP requests for server_ip */
};

/* Counters, as `netctl stats` shows them. */
struct dhcp_stats {
	uint64_t discover, offer, request, ack, nak, release, decline, inform;
	uint64_t malformed;		/* unparsable, dropped */
	uint64_t pool_exhausted;	/* DISCOVERs left unanswered: no address free */
	uint64_t refused_mac;		/* source MAC not the port's or not chaddr */
	uint64_t limit;			/* a port or the network reached its limit */
	uint64_t ignored;		/* for another server, or nothing to say */
	uint64_t arp;			/* ARP replies for the server address */
	uint64_t commit_failed;		/* ACKs withheld because the journal failed */
};

struct dhcp_server {
	struct dhcp_config cfg;
	struct dhcp_pool pool;
	struct dhcp_stats stats;
};

#define DHCP_FRAME_MAX		1536

struct dhcp_result {
	size_t frame_size;		/* 0: nothing to send */
	uint8_t frame[DHCP_FRAME_MAX];
	bool has_record;		/* make @record durable before sending @frame */
	struct dhcp_lease_rec record;
	uint8_t reply_type;		/* DHCPOFFER/ACK/NAK, 0 for ARP or none */
	uint8_t request_type;		/* what came in (0 if not DHCP) */
};

/**
 * dhcp_server_input() - handle one frame a port sent to the server
 * @frame, @size:	Ethernet frame (a DHCP request, or ARP if cfg.answer_arp)
 * @port_mac:		the MAC the port was given, or NULL
 * @port_uid:		the port (limits count per port)
 * @now:		Unix time
 * @res:		what to journal and send
 *
 * Refuses (and counts) requests whose Ethernet source is not chaddr, or not
 * @port_mac when the port has one -- unless relayed (giaddr set), where the
 * relay speaks for other MACs.
 */
void dhcp_server_input(struct dhcp_server *srv, const uint8_t *frame, size_t size,
		       const uint8_t *port_mac, uint64_t port_uid, int64_t now,
		       struct dhcp_result *res);

/**
 * dhcp_server_apply() - apply a journal record while loading. The record's
 * address need not be in the range any more (the range may have shrunk); a
 * renewal outside it is refused later.
 */
void dhcp_server_apply(struct dhcp_server *srv, const struct dhcp_lease_rec *rec);

/** dhcp_lease_persistable() - whether a lease record belongs in a compacted journal. */
bool dhcp_lease_persistable(const struct dhcp_lease *lease, int64_t now);

/** dhcp_lease_to_rec() - the journal record for a lease (offers are kept as released). */
void dhcp_lease_to_rec(const struct dhcp_lease *lease, int64_t now, struct dhcp_lease_rec *rec);

#endif /* DHCP_SERVER_H */
