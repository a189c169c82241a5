// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * server.c - the DHCP server's decisions (RFC 2131 section 4.3) for one
 * network: which requests make sense from which port, which address a
 * client gets, what the reply says and where it goes.
 *
 * Theory of operation: a request is answered only when it makes sense for
 * the port it came from (OpenBSD vmd's rule): a BOOTREQUEST with hlen 6
 * whose Ethernet source is its chaddr and, when the port was given a MAC,
 * that MAC. A relay (giaddr set) speaks for clients behind it, so for
 * relayed requests the MAC rule gives way to the per-port limit.
 *
 * DHCPREQUEST comes in four states, told apart as RFC 2131 4.3.2 says:
 * SELECTING (server identifier present), INIT-REBOOT (requested address,
 * no ciaddr), RENEWING/REBINDING (ciaddr, no requested address). A client
 * we have no record of gets silence in INIT-REBOOT and RENEWING, so
 * another server that knows it can answer; one asking for an address that
 * is not its to have gets a NAK and starts over.
 *
 * Every ACK carries a journal record; the caller must make it durable
 * before the ACK leaves (see vswitch/dhcp_service.c).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "ether.h"
#include "server.h"

static const uint8_t broadcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void ip_text(uint32_t host_ip, char *buf)
{
	struct in_addr a = { .s_addr = htonl(host_ip) };

	inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static uint32_t lease_time_for(const struct dhcp_server *srv, const struct dhcp_msg *req)
{
	uint32_t t = srv->cfg.lease_time;

	/* A client may ask for less (RFC 2131 4.3.1), never below a minute. */
	if (req->has_lease_time && req->lease_time < t)
		t = req->lease_time < 60 ? 60 : req->lease_time;
	return t;
}

/* Build the reply and address it as RFC 2131 4.1 says. */
static void send_reply(struct dhcp_server *srv, const struct dhcp_msg *req,
		       const struct dhcp_frame_info *fi, uint8_t type, uint32_t yiaddr_host,
		       uint32_t lease_time, const char *message, struct dhcp_result *res)
{
	struct dhcp_reply_params p = {
		.type = type,
		.yiaddr = htonl(yiaddr_host),
		.server_id = srv->cfg.server_ip,
		.lease_time = lease_time,
		.netmask = srv->cfg.netmask,
		.router = srv->cfg.router,
		.ndns = srv->cfg.ndns,
		.domain = srv->cfg.domain,
		.mtu = srv->cfg.mtu,
		.message = message,
	};
	uint8_t payload[DHCP_REPLY_MAX_SIZE];
	const uint8_t *eth_dst;
	uint32_t ip_dst;
	uint16_t dport = DHCP_CLIENT_PORT;
	struct dhcp_msg copy;
	int n;

	memcpy(p.dns, srv->cfg.dns, sizeof(p.dns));
	p.broadcast = (srv->cfg.server_ip & srv->cfg.netmask) | ~srv->cfg.netmask;
	copy = *req;
	if (type == DHCPNAK && req->giaddr)
		copy.flags |= DHCP_FLAG_BROADCAST;	/* so the relay broadcasts it */
	n = dhcp_build_reply(&copy, &p, payload, sizeof(payload));
	if (n < 0)
		return;

	if (req->giaddr) {
		eth_dst = fi->eth_src;
		ip_dst = req->giaddr;
		dport = DHCP_SERVER_PORT;
	} else if (type == DHCPNAK) {
		eth_dst = broadcast_mac;
		ip_dst = INADDR_BROADCAST;
	} else if (req->ciaddr) {
		eth_dst = fi->eth_src;
		ip_dst = req->ciaddr;
	} else if (req->flags & DHCP_FLAG_BROADCAST) {
		eth_dst = broadcast_mac;
		ip_dst = INADDR_BROADCAST;
	} else {
		eth_dst = req->chaddr;
		ip_dst = htonl(yiaddr_host);
	}
	n = dhcp_frame_build(res->frame, sizeof(res->frame), eth_dst, srv->cfg.server_mac,
			     srv->cfg.server_ip, ip_dst, DHCP_SERVER_PORT, dport, payload, (size_t)n);
	if (n < 0)
		return;
	res->frame_size = (size_t)n;
	res->reply_type = type;
}

static void nak(struct dhcp_server *srv, const struct dhcp_msg *req,
		const struct dhcp_frame_info *fi, const char *why, struct dhcp_result *res)
{
	char mac[MAC_TEXT_SIZE];

	mac_format(req->chaddr, mac);
	log_debug("dhcp: NAK to %s: %s", mac, why);
	send_reply(srv, req, fi, DHCPNAK, 0, 0, why, res);
	if (res->frame_size)
		srv->stats.nak++;
}

static void record(struct dhcp_result *res, const struct dhcp_lease *lease)
{
	res->has_record = true;
	res->record.ip = lease->ip;
	memcpy(res->record.mac, lease->mac, 6);
	res->record.state = lease->state;
	res->record.expires = lease->expires;
	memcpy(res->record.hostname, lease->hostname, sizeof(res->record.hostname));
}

/* Bind @ip to the client and ACK it; the record goes to the journal first. */
static void ack(struct dhcp_server *srv, const struct dhcp_msg *req,
		const struct dhcp_frame_info *fi, uint32_t ip, uint64_t port_uid, int64_t now,
		struct dhcp_result *res)
{
	const struct dhcp_host *host = dhcp_pool_host_by_mac(&srv->pool, req->chaddr);
	struct dhcp_lease *lease = dhcp_pool_find_ip(&srv->pool, ip);
	uint32_t lease_time = lease_time_for(srv, req);
	const char *hostname = host && host->hostname[0] ? host->hostname : req->hostname;
	bool was_offer = false, was_ours = false;

	if (lease && !memcmp(lease->mac, req->chaddr, 6)) {
		was_offer = lease->state == DHCP_LEASE_OFFERED && lease->expires > now;
		was_ours = dhcp_lease_active(lease, now);
	}
	lease = dhcp_pool_set(&srv->pool, ip, req->chaddr, DHCP_LEASE_BOUND, now + lease_time,
			      hostname, port_uid);
	if (!lease)
		return;
	if (was_offer && srv->pool.offers)
		srv->pool.offers--;
	if (!was_ours)
		dhcp_pool_port_take(&srv->pool, port_uid);
	record(res, lease);
	send_reply(srv, req, fi, DHCPACK, ip, lease_time, NULL, res);
	if (res->frame_size)
		srv->stats.ack++;
}

static void handle_discover(struct dhcp_server *srv, const struct dhcp_msg *req,
			    const struct dhcp_frame_info *fi, uint64_t port_uid, int64_t now,
			    struct dhcp_result *res)
{
	static struct log_ratelimit rl_exhausted;
	struct dhcp_lease *lease;
	uint32_t ip;
	char mac[MAC_TEXT_SIZE];

	srv->stats.discover++;
	switch (dhcp_pool_pick(&srv->pool, req->chaddr,
			       req->has_requested_ip ? ntohl(req->requested_ip) : 0, port_uid, now,
			       &ip)) {
	case DHCP_PICK_OK:
		break;
	case DHCP_PICK_EXHAUSTED:
		srv->stats.pool_exhausted++;
		mac_format(req->chaddr, mac);
		log_warn_rl(&rl_exhausted, "dhcp: address pool exhausted; DISCOVER from %s unanswered", mac);
		return;
	case DHCP_PICK_LIMIT:
		srv->stats.limit++;
		return;
	}
	lease = dhcp_pool_find_ip(&srv->pool, ip);
	if (!(lease && !memcmp(lease->mac, req->chaddr, 6) && dhcp_lease_active(lease, now))) {
		/* A new reservation: it counts against the limits until it lapses or is ACKed. */
		lease = dhcp_pool_set(&srv->pool, ip, req->chaddr, DHCP_LEASE_OFFERED,
				      now + DHCP_OFFER_TIME, req->hostname, port_uid);
		if (!lease)
			return;
		srv->pool.offers++;
		dhcp_pool_port_take(&srv->pool, port_uid);
	}
	send_reply(srv, req, fi, DHCPOFFER, ip, lease_time_for(srv, req), NULL, res);
	if (res->frame_size)
		srv->stats.offer++;
}

/*
 * May the client keep or take @ip (INIT-REBOOT, RENEWING, REBINDING)?
 * Return: 1 ACK, 0 stay silent (no record of it), -1 NAK (@why set).
 */
static int verify_address(struct dhcp_server *srv, const struct dhcp_msg *req, uint32_t ip,
			  int64_t now, const char **why)
{
	const struct dhcp_host *host = dhcp_pool_host_by_mac(&srv->pool, req->chaddr);
	const struct dhcp_lease *lease;

	if (!dhcp_pool_in_subnet(&srv->pool, ip)) {
		*why = "address not on this network";
		return -1;
	}
	if (host) {
		if (host->ip == ip)
			return 1;
		*why = "this client has a fixed address";
		return -1;
	}
	lease = dhcp_pool_find_mac(&srv->pool, req->chaddr);
	if (!lease) {
		/* Someone else's address is never ours to grant silently. */
		lease = dhcp_pool_find_ip(&srv->pool, ip);
		if (lease && dhcp_lease_active(lease, now)) {
			*why = "address in use";
			return -1;
		}
		return 0;
	}
	if (lease->ip != ip) {
		*why = "not the address leased to this client";
		return -1;
	}
	if (!dhcp_pool_in_range(&srv->pool, ip) || !dhcp_pool_ip_available(&srv->pool, ip, req->chaddr, now)) {
		*why = "address no longer available";
		return -1;
	}
	return 1;
}

static void handle_request(struct dhcp_server *srv, const struct dhcp_msg *req,
			   const struct dhcp_frame_info *fi, uint64_t port_uid, int64_t now,
			   struct dhcp_result *res)
{
	const char *why = "";
	struct dhcp_lease *lease;
	uint32_t ip;
	int verdict;

	srv->stats.request++;
	if (req->has_server_id) {
		/* SELECTING: the client answers one server's OFFER. */
		lease = dhcp_pool_find_mac(&srv->pool, req->chaddr);
		if (req->server_id != srv->cfg.server_ip) {
			if (lease && lease->state == DHCP_LEASE_OFFERED)
				lease->state = DHCP_LEASE_FREE;
			srv->stats.ignored++;
			return;
		}
		ip = req->has_requested_ip ? ntohl(req->requested_ip) : ntohl(req->ciaddr);
		if (!ip) {
			srv->stats.malformed++;
			return;
		}
		{
			const struct dhcp_host *host = dhcp_pool_host_by_mac(&srv->pool, req->chaddr);
			bool ok = host ? host->ip == ip
				       : lease && lease->ip == ip && dhcp_pool_in_range(&srv->pool, ip) &&
					 dhcp_pool_ip_available(&srv->pool, ip, req->chaddr, now);

			if (!ok) {
				nak(srv, req, fi, "address not offered to this client", res);
				return;
			}
		}
		ack(srv, req, fi, ip, port_uid, now, res);
		return;
	}
	if (req->has_requested_ip && !req->ciaddr)
		ip = ntohl(req->requested_ip);		/* INIT-REBOOT */
	else if (req->ciaddr)
		ip = ntohl(req->ciaddr);		/* RENEWING or REBINDING */
	else {
		srv->stats.malformed++;
		return;
	}
	verdict = verify_address(srv, req, ip, now, &why);
	if (verdict > 0)
		ack(srv, req, fi, ip, port_uid, now, res);
	else if (verdict < 0)
		nak(srv, req, fi, why, res);
	else
		srv->stats.ignored++;
}

static void handle_release(struct dhcp_server *srv, const struct dhcp_msg *req,
			   uint64_t port_uid, int64_t now, struct dhcp_result *res)
{
	struct dhcp_lease *lease = dhcp_pool_find_ip(&srv->pool, ntohl(req->ciaddr));

	srv->stats.release++;
	if ((req->has_server_id && req->server_id != srv->cfg.server_ip) || !lease ||
	    memcmp(lease->mac, req->chaddr, 6) ||
	    (lease->state != DHCP_LEASE_BOUND && lease->state != DHCP_LEASE_OFFERED)) {
		srv->stats.ignored++;
		return;
	}
	lease = dhcp_pool_set(&srv->pool, lease->ip, req->chaddr, DHCP_LEASE_RELEASED, now, NULL,
			      port_uid);
	dhcp_pool_port_drop(&srv->pool, port_uid);
	record(res, lease);
}

static void handle_decline(struct dhcp_server *srv, const struct dhcp_msg *req,
			   uint64_t port_uid, int64_t now, struct dhcp_result *res)
{
	static const uint8_t nobody[6];
	struct dhcp_lease *lease;
	char mac[MAC_TEXT_SIZE], ip[INET_ADDRSTRLEN];

	srv->stats.decline++;
	if (!req->has_requested_ip || (req->has_server_id && req->server_id != srv->cfg.server_ip)) {
		srv->stats.ignored++;
		return;
	}
	lease = dhcp_pool_find_ip(&srv->pool, ntohl(req->requested_ip));
	if (!lease || memcmp(lease->mac, req->chaddr, 6)) {
		srv->stats.ignored++;
		return;
	}
	mac_format(req->chaddr, mac);
	ip_text(lease->ip, ip);
	log_warn("dhcp: %s declined %s (in use by someone else?); quarantined for %d s", mac, ip,
		 DHCP_QUARANTINE_TIME);
	/* The address rests, and no client (not even this one) comes back to it. */
	lease = dhcp_pool_set(&srv->pool, lease->ip, nobody, DHCP_LEASE_DECLINED,
			      now + DHCP_QUARANTINE_TIME, NULL, 0);
	if (lease)
		lease->hostname[0] = '\0';
	dhcp_pool_port_drop(&srv->pool, port_uid);
	if (lease)
		record(res, lease);
}

void dhcp_server_input(struct dhcp_server *srv, const uint8_t *frame, size_t size,
		       const uint8_t *port_mac, uint64_t port_uid, int64_t now,
		       struct dhcp_result *res)
{
	struct dhcp_frame_info fi;
	struct dhcp_msg req;
	int n;

	res->frame_size = 0;
	res->has_record = false;
	res->reply_type = 0;
	res->request_type = 0;

	if (size >= 14 && frame[12] == 0x08 && frame[13] == 0x06) {
		if (!srv->cfg.answer_arp)
			return;
		n = dhcp_arp_reply(frame, size, srv->cfg.server_ip, srv->cfg.server_mac, res->frame);
		if (n > 0) {
			res->frame_size = (size_t)n;
			srv->stats.arp++;
		}
		return;
	}
	if (dhcp_frame_parse(frame, size, &fi) || dhcp_parse(fi.payload, fi.payload_size, &req)) {
		srv->stats.malformed++;
		return;
	}
	res->request_type = req.type;
	/* Broadcast, or unicast to us; a renewal meant for another server is not ours. */
	if (fi.ip_dst != INADDR_BROADCAST && fi.ip_dst != srv->cfg.server_ip &&
	    fi.ip_dst != ((srv->cfg.server_ip & srv->cfg.netmask) | ~srv->cfg.netmask)) {
		srv->stats.ignored++;
		return;
	}
	if (req.giaddr) {
		if (!dhcp_pool_in_subnet(&srv->pool, ntohl(req.giaddr))) {
			srv->stats.ignored++;
			return;
		}
	} else if (memcmp(fi.eth_src, req.chaddr, 6) || (port_mac && memcmp(fi.eth_src, port_mac, 6))) {
		srv->stats.refused_mac++;
		return;
	}

	switch (req.type) {
	case DHCPDISCOVER:
		handle_discover(srv, &req, &fi, port_uid, now, res);
		break;
	case DHCPREQUEST:
		handle_request(srv, &req, &fi, port_uid, now, res);
		break;
	case DHCPRELEASE:
		handle_release(srv, &req, port_uid, now, res);
		break;
	case DHCPDECLINE:
		handle_decline(srv, &req, port_uid, now, res);
		break;
	case DHCPINFORM:
		srv->stats.inform++;
		if (!req.ciaddr)
			req.ciaddr = fi.ip_src;
		if (!req.ciaddr) {
			srv->stats.malformed++;
			break;
		}
		/* Configuration only: no address, no lease time (RFC 2131 4.3.5). */
		send_reply(srv, &req, &fi, DHCPACK, 0, 0, NULL, res);
		break;
	default:
		/* OFFER, ACK, NAK sent to the server port: someone's mistake. */
		srv->stats.ignored++;
		break;
	}
}

void dhcp_server_apply(struct dhcp_server *srv, const struct dhcp_lease_rec *rec)
{
	dhcp_pool_set(&srv->pool, rec->ip, rec->mac, rec->state, rec->expires, rec->hostname, 0);
	/* Addresses below next_unused were handed out; the journal says which were. */
	if (dhcp_pool_in_range(&srv->pool, rec->ip) && rec->ip >= srv->pool.next_unused)
		srv->pool.next_unused = rec->ip + 1;
}

bool dhcp_lease_persistable(const struct dhcp_lease *lease, int64_t now)
{
	switch (lease->state) {
	case DHCP_LEASE_BOUND:
	case DHCP_LEASE_RELEASED:
	case DHCP_LEASE_OFFERED:
		return true;
	case DHCP_LEASE_DECLINED:
		return lease->expires > now;
	default:
		return false;
	}
}

void dhcp_lease_to_rec(const struct dhcp_lease *lease, int64_t now, struct dhcp_lease_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->ip = lease->ip;
	memcpy(rec->mac, lease->mac, 6);
	rec->state = lease->state;
	rec->expires = lease->expires;
	memcpy(rec->hostname, lease->hostname, sizeof(rec->hostname));
	if (lease->state == DHCP_LEASE_OFFERED) {
		/* An offer is not a lease; keep only the client's claim to come back. */
		rec->state = DHCP_LEASE_RELEASED;
		rec->expires = now;
	}
}
