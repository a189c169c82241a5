// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dhcp.c - DHCP wire format: parse requests, build replies, frame them.
 *
 * Theory of operation: a request is hostile until checked. The fixed part
 * is read through the bounded reader (lib/pkt.h) into struct dhcp_msg; the
 * options are walked field by field (the options area, then file and sname
 * if option 52 says they are overloaded), and every option's length byte is
 * checked against the end of its field before a byte of its value is read
 * (op + 2 + len <= end, as OpenBSD's dhcpd and vmd do). A repeated option is
 * concatenated (RFC 3396) for the variable ones we keep (client identifier,
 * hostname, parameter list) and refused for the fixed-size ones, where two
 * copies can only be a trick.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "csum.h"
#include "dhcp.h"
#include "pkt.h"

static const uint8_t dhcp_magic[4] = { 99, 130, 83, 99 };

/* What the option walk collects before it is checked and copied into the msg. */
struct dhcp_walk {
	struct dhcp_msg *msg;
	uint8_t overload;
	bool seen[256];
	char hostname[DHCP_HOSTNAME_MAX];
	size_t hostname_len;
};

static int dhcp_fixed_option(struct dhcp_walk *w, uint8_t code, const uint8_t *val,
			     uint8_t len, uint8_t want)
{
	if (len != want || w->seen[code])
		return -EBADMSG;
	w->seen[code] = true;
	(void)val;
	return 0;
}

static uint32_t be32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;	/* stays in network order */
}

static int dhcp_option(struct dhcp_walk *w, uint8_t code, const uint8_t *val, uint8_t len,
		       bool main_field)
{
	struct dhcp_msg *m = w->msg;
	size_t n;

	switch (code) {
	case DHO_MSG_TYPE:
		if (dhcp_fixed_option(w, code, val, len, 1))
			return -EBADMSG;
		m->type = val[0];
		break;
	case DHO_REQUESTED_IP:
		if (dhcp_fixed_option(w, code, val, len, 4))
			return -EBADMSG;
		m->has_requested_ip = true;
		m->requested_ip = be32_at(val);
		break;
	case DHO_SERVER_ID:
		if (dhcp_fixed_option(w, code, val, len, 4))
			return -EBADMSG;
		m->has_server_id = true;
		m->server_id = be32_at(val);
		break;
	case DHO_LEASE_TIME:
		if (dhcp_fixed_option(w, code, val, len, 4))
			return -EBADMSG;
		m->has_lease_time = true;
		m->lease_time = ntohl(be32_at(val));
		break;
	case DHO_MAX_SIZE:
		if (dhcp_fixed_option(w, code, val, len, 2))
			return -EBADMSG;
		m->max_size = (uint16_t)(val[0] << 8 | val[1]);
		break;
	case DHO_OVERLOAD:
		/* Only the options field may overload the others (RFC 2132 9.3). */
		if (!main_field)
			break;
		if (dhcp_fixed_option(w, code, val, len, 1) || val[0] < 1 || val[0] > 3)
			return -EBADMSG;
		w->overload = val[0];
		break;
	case DHO_CLIENT_ID:
		/* A type byte and at least one byte of identifier (RFC 2132 9.14). */
		if (len < 1 || (!w->seen[code] && len < 2))
			return -EBADMSG;
		w->seen[code] = true;
		n = len;
		if (m->client_id_len + n > DHCP_CLIENT_ID_MAX)
			n = DHCP_CLIENT_ID_MAX - m->client_id_len;
		memcpy(m->client_id + m->client_id_len, val, n);
		m->client_id_len = (uint8_t)(m->client_id_len + n);
		break;
	case DHO_HOSTNAME:
		if (len < 1)
			return -EBADMSG;
		n = len;
		if (w->hostname_len + n > DHCP_HOSTNAME_MAX - 1)
			n = DHCP_HOSTNAME_MAX - 1 - w->hostname_len;
		memcpy(w->hostname + w->hostname_len, val, n);
		w->hostname_len += n;
		break;
	case DHO_PARAM_REQUEST:
		if (len < 1)
			return -EBADMSG;
		n = len;
		if (m->prl_len + n > DHCP_PRL_MAX)
			n = DHCP_PRL_MAX - m->prl_len;
		memcpy(m->prl + m->prl_len, val, n);
		m->prl_len = (uint8_t)(m->prl_len + n);
		break;
	default:
		/* Unknown or unused: skipped. */
		break;
	}
	return 0;
}

/*
 * Walk the options in [p, end). Reaching the end without an END option is
 * accepted (the field simply ends); an option whose length byte or value
 * would cross @end is not.
 */
static int dhcp_walk_field(struct dhcp_walk *w, const uint8_t *p, const uint8_t *end,
			   bool main_field)
{
	while (p < end) {
		uint8_t code = p[0], len;

		if (code == DHO_PAD) {
			p++;
			continue;
		}
		if (code == DHO_END)
			return 0;
		if (p + 2 > end)
			return -EBADMSG;
		len = p[1];
		if (p + 2 + len > end)
			return -EBADMSG;
		if (dhcp_option(w, code, p + 2, len, main_field))
			return -EBADMSG;
		p += 2 + len;
	}
	return 0;
}

/* Keep a hostname printable and safe in a tab-separated file: [A-Za-z0-9._-]. */
static void dhcp_clean_hostname(const char *in, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < len && o < DHCP_HOSTNAME_MAX - 1; i++) {
		char c = in[i];

		if (c == '\0')
			break;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_')
			out[o++] = c;
		else
			out[o++] = '_';
	}
	out[o] = '\0';
}

int dhcp_parse(const uint8_t *data, size_t size, struct dhcp_msg *msg)
{
	struct dhcp_walk w;
	struct pkt_cursor c;
	const uint8_t *sname, *file, *magic;
	uint8_t addrs[16];

	memset(msg, 0, sizeof(*msg));
	memset(&w, 0, sizeof(w));
	w.msg = msg;
	pkt_init(&c, data, size);
	if (pkt_u8(&c, &msg->op) || pkt_u8(&c, &msg->htype) || pkt_u8(&c, &msg->hlen) ||
	    pkt_u8(&c, &msg->hops) || pkt_copy(&c, &msg->xid, 4) || pkt_be16(&c, &msg->secs) ||
	    pkt_be16(&c, &msg->flags) || pkt_copy(&c, addrs, 16) || pkt_copy(&c, msg->chaddr, 16))
		return -EBADMSG;
	memcpy(&msg->ciaddr, addrs, 4);
	memcpy(&msg->yiaddr, addrs + 4, 4);
	memcpy(&msg->siaddr, addrs + 8, 4);
	memcpy(&msg->giaddr, addrs + 12, 4);
	sname = pkt_pull(&c, 64);
	file = pkt_pull(&c, 128);
	magic = pkt_pull(&c, 4);
	if (!sname || !file || !magic || memcmp(magic, dhcp_magic, 4))
		return -EBADMSG;
	if (msg->op != BOOTREQUEST || msg->htype != 1 || msg->hlen != 6)
		return -EBADMSG;

	if (dhcp_walk_field(&w, c.data, c.data + c.left, true))
		return -EBADMSG;
	if ((w.overload & 1) && dhcp_walk_field(&w, file, file + 128, false))
		return -EBADMSG;
	if ((w.overload & 2) && dhcp_walk_field(&w, sname, sname + 64, false))
		return -EBADMSG;
	if (msg->type < DHCPDISCOVER || msg->type > DHCPINFORM)
		return -EBADMSG;
	dhcp_clean_hostname(w.hostname, w.hostname_len, msg->hostname);
	return 0;
}

bool dhcp_msg_requested(const struct dhcp_msg *msg, uint8_t option)
{
	return memchr(msg->prl, option, msg->prl_len) != NULL;
}

/* Option writer: never writes past @end - 1, which stays for END. */
struct dhcp_out {
	uint8_t *p, *end;
	bool overflow;
};

static void put_opt(struct dhcp_out *o, uint8_t code, const void *val, size_t len)
{
	if (o->overflow || len > 255 || o->p + 2 + len > o->end - 1) {
		o->overflow = true;
		return;
	}
	o->p[0] = code;
	o->p[1] = (uint8_t)len;
	memcpy(o->p + 2, val, len);
	o->p += 2 + len;
}

static void put_u32(struct dhcp_out *o, uint8_t code, uint32_t host_value)
{
	uint32_t v = htonl(host_value);

	put_opt(o, code, &v, 4);
}

int dhcp_build_reply(const struct dhcp_msg *req, const struct dhcp_reply_params *p,
		     uint8_t *buf, size_t size)
{
	bool no_prl = req->prl_len == 0;
	bool full = p->type != DHCPNAK;
	struct dhcp_out o;
	uint16_t flags;
	size_t used;

	if (size < DHCP_REPLY_MAX_SIZE)
		return -ENOSPC;
	memset(buf, 0, DHCP_REPLY_MAX_SIZE);
	buf[0] = BOOTREPLY;
	buf[1] = 1;
	buf[2] = 6;
	buf[3] = 0;
	memcpy(buf + 4, &req->xid, 4);
	/* secs 0; flags echoed (RFC 2131 table 3); ciaddr echoed except for NAK. */
	flags = htons(req->flags & DHCP_FLAG_BROADCAST);
	memcpy(buf + 10, &flags, 2);
	if (p->type != DHCPNAK)
		memcpy(buf + 12, &req->ciaddr, 4);
	if (p->type != DHCPNAK)
		memcpy(buf + 16, &p->yiaddr, 4);
	memcpy(buf + 24, &req->giaddr, 4);
	memcpy(buf + 28, req->chaddr, 16);
	memcpy(buf + DHCP_FIXED_SIZE, dhcp_magic, 4);

	o.p = buf + DHCP_MIN_SIZE;
	o.end = buf + DHCP_REPLY_MAX_SIZE;
	o.overflow = false;
	put_opt(&o, DHO_MSG_TYPE, &p->type, 1);
	put_opt(&o, DHO_SERVER_ID, &p->server_id, 4);
	if (full && p->lease_time) {
		put_u32(&o, DHO_LEASE_TIME, p->lease_time);
		put_u32(&o, DHO_T1, p->lease_time / 2);
		put_u32(&o, DHO_T2, (uint32_t)((uint64_t)p->lease_time * 7 / 8));
	}
	if (full) {
		if (no_prl || dhcp_msg_requested(req, DHO_SUBNET_MASK))
			put_opt(&o, DHO_SUBNET_MASK, &p->netmask, 4);
		if (p->router && (no_prl || dhcp_msg_requested(req, DHO_ROUTER)))
			put_opt(&o, DHO_ROUTER, &p->router, 4);
		if (p->ndns && (no_prl || dhcp_msg_requested(req, DHO_DNS)))
			put_opt(&o, DHO_DNS, p->dns, 4 * (p->ndns > 3 ? 3 : p->ndns));
		if (p->domain && *p->domain && dhcp_msg_requested(req, DHO_DOMAIN_NAME))
			put_opt(&o, DHO_DOMAIN_NAME, p->domain, strlen(p->domain));
		if (p->mtu && dhcp_msg_requested(req, DHO_MTU)) {
			uint16_t mtu = htons(p->mtu);

			put_opt(&o, DHO_MTU, &mtu, 2);
		}
		if (p->broadcast && dhcp_msg_requested(req, DHO_BROADCAST))
			put_opt(&o, DHO_BROADCAST, &p->broadcast, 4);
	}
	if (p->message && *p->message)
		put_opt(&o, DHO_MESSAGE, p->message, strlen(p->message));
	if (req->client_id_len)
		put_opt(&o, DHO_CLIENT_ID, req->client_id, req->client_id_len);
	if (o.overflow)
		return -ENOSPC;
	*o.p++ = DHO_END;
	used = (size_t)(o.p - buf);
	if (used < DHCP_REPLY_MIN_SIZE)
		used = DHCP_REPLY_MIN_SIZE;
	return (int)used;
}

int dhcp_frame_parse(const uint8_t *frame, size_t size, struct dhcp_frame_info *info)
{
	const uint8_t *eth, *ip, *udp;
	struct pkt_cursor c;
	size_t ihl, ip_total, udp_size;

	pkt_init(&c, frame, size);
	eth = pkt_pull(&c, 14);
	if (!eth || eth[12] != 0x08 || eth[13] != 0x00)
		return -EBADMSG;
	ip = pkt_pull(&c, 20);
	if (!ip || (ip[0] >> 4) != 4 || ip[9] != 17)
		return -EBADMSG;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	ip_total = (size_t)ip[2] << 8 | ip[3];
	if (ihl < 20 || ip_total < ihl + 8 || ip_total > size - 14)
		return -EBADMSG;
	if (ihl > 20 && !pkt_pull(&c, ihl - 20))
		return -EBADMSG;
	/* More fragments or a fragment offset: DHCP is never fragmented here. */
	if ((ip[6] & 0x3f) || ip[7])
		return -EBADMSG;
	if (csum_ip4_header(ip, ihl) != 0)
		return -EBADMSG;
	/* Ethernet padding may follow the IP datagram; read no further than it. */
	c.left = ip_total - ihl;
	udp = pkt_pull(&c, 8);
	if (!udp)
		return -EBADMSG;
	udp_size = (size_t)udp[4] << 8 | udp[5];
	if ((udp[2] << 8 | udp[3]) != DHCP_SERVER_PORT || udp_size < 8 || udp_size > ip_total - ihl)
		return -EBADMSG;
	memcpy(info->eth_dst, eth, 6);
	memcpy(info->eth_src, eth + 6, 6);
	memcpy(&info->ip_src, ip + 12, 4);
	memcpy(&info->ip_dst, ip + 16, 4);
	info->udp_src = (uint16_t)(udp[0] << 8 | udp[1]);
	info->payload = c.data;
	info->payload_size = udp_size - 8;
	return 0;
}

int dhcp_frame_build(uint8_t *buf, size_t size, const uint8_t eth_dst[6], const uint8_t eth_src[6],
		     uint32_t ip_src, uint32_t ip_dst, uint16_t sport, uint16_t dport,
		     const uint8_t *payload, size_t payload_size)
{
	size_t total = 14 + 20 + 8 + payload_size;
	uint8_t *ip = buf + 14, *udp = buf + 34;
	uint16_t v, sum;

	if (total > size || payload_size > 65535 - 28)
		return -ENOSPC;
	memcpy(buf, eth_dst, 6);
	memcpy(buf + 6, eth_src, 6);
	buf[12] = 0x08;
	buf[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[1] = 0x10;	/* low delay, as ISC dhcpd marks replies */
	v = htons((uint16_t)(20 + 8 + payload_size));
	memcpy(ip + 2, &v, 2);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &ip_src, 4);
	memcpy(ip + 16, &ip_dst, 4);
	sum = csum_ip4_header(ip, 20);
	memcpy(ip + 10, &sum, 2);
	v = htons(sport);
	memcpy(udp, &v, 2);
	v = htons(dport);
	memcpy(udp + 2, &v, 2);
	v = htons((uint16_t)(8 + payload_size));
	memcpy(udp + 4, &v, 2);
	udp[6] = udp[7] = 0;
	memmove(udp + 8, payload, payload_size);
	sum = csum_fold(csum_partial(udp, 8 + payload_size,
				     csum_pseudo_ip4(ip + 12, ip + 16, 17, (uint32_t)(8 + payload_size))));
	if (sum == 0)
		sum = 0xffff;
	memcpy(udp + 6, &sum, 2);
	return (int)total;
}

int dhcp_arp_reply(const uint8_t *frame, size_t size, uint32_t ip, const uint8_t mac[6],
		   uint8_t *out)
{
	static const uint8_t arp_eth_ip4[6] = { 0x00, 0x01, 0x08, 0x00, 6, 4 };
	const uint8_t *arp;

	if (size < 14 + 28 || frame[12] != 0x08 || frame[13] != 0x06)
		return -EBADMSG;
	arp = frame + 14;
	if (memcmp(arp, arp_eth_ip4, 6))
		return -EBADMSG;
	/* A request (op 1) for @ip, not a probe or announcement of @ip by someone else. */
	if (arp[6] != 0 || arp[7] != 1 || memcmp(arp + 24, &ip, 4) || !memcmp(arp + 14, &ip, 4))
		return 0;
	memset(out, 0, 60);
	memcpy(out, arp + 8, 6);		/* to the sender's hardware address */
	memcpy(out + 6, mac, 6);
	out[12] = 0x08;
	out[13] = 0x06;
	memcpy(out + 14, arp_eth_ip4, 6);
	out[20] = 0;
	out[21] = 2;				/* reply */
	memcpy(out + 22, mac, 6);
	memcpy(out + 28, &ip, 4);
	memcpy(out + 32, arp + 8, 6);
	memcpy(out + 38, arp + 14, 4);
	return 60;
}

const char *dhcp_msg_type_name(uint8_t type)
{
	static const char *const names[] = {
		[DHCPDISCOVER] = "DISCOVER", [DHCPOFFER] = "OFFER", [DHCPREQUEST] = "REQUEST",
		[DHCPDECLINE] = "DECLINE", [DHCPACK] = "ACK", [DHCPNAK] = "NAK",
		[DHCPRELEASE] = "RELEASE", [DHCPINFORM] = "INFORM",
	};

	return type >= DHCPDISCOVER && type <= DHCPINFORM ? names[type] : "unknown";
}
