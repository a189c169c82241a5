// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dhcp.c - DHCP wire format and server decisions: parsing hostile
 * packets (truncation, option overruns, zero-length options, overloaded
 * fields), reply building and addressing, and the RFC 2131 states.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dhcp.h"
#include "log.h"
#include "pool.h"
#include "server.h"

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0b };

/* A request under construction: payload and the options cursor. */
struct req {
	uint8_t buf[1024];
	size_t size;
};

static void req_init(struct req *r, uint8_t type, const uint8_t mac[6])
{
	memset(r, 0, sizeof(*r));
	r->buf[0] = BOOTREQUEST;
	r->buf[1] = 1;
	r->buf[2] = 6;
	r->buf[4] = 0x12;
	r->buf[5] = 0x34;
	r->buf[6] = 0x56;
	r->buf[7] = 0x78;
	memcpy(r->buf + 28, mac, 6);
	r->buf[236] = 99;
	r->buf[237] = 130;
	r->buf[238] = 83;
	r->buf[239] = 99;
	r->size = 240;
	if (type) {
		r->buf[r->size++] = DHO_MSG_TYPE;
		r->buf[r->size++] = 1;
		r->buf[r->size++] = type;
	}
}

static void req_opt(struct req *r, uint8_t code, const void *val, uint8_t len)
{
	r->buf[r->size++] = code;
	r->buf[r->size++] = len;
	memcpy(r->buf + r->size, val, len);
	r->size += len;
}

static void req_ip_opt(struct req *r, uint8_t code, const char *ip)
{
	struct in_addr a;

	inet_pton(AF_INET, ip, &a);
	req_opt(r, code, &a, 4);
}

static void req_end(struct req *r)
{
	r->buf[r->size++] = DHO_END;
}

static uint32_t ip4(const char *text)
{
	struct in_addr a;

	inet_pton(AF_INET, text, &a);
	return a.s_addr;
}

/* ------------------------------------------------------------- parsing */

static void test_parse_minimal(void **state)
{
	struct dhcp_msg m;
	struct req r;

	(void)state;
	req_init(&r, DHCPDISCOVER, mac_a);
	req_opt(&r, DHO_HOSTNAME, "vm 1\t", 5);
	req_opt(&r, DHO_PARAM_REQUEST, "\x01\x03\x06", 3);
	req_opt(&r, DHO_CLIENT_ID, "\x01\x52\x54\x00\x00\x00\x0a", 7);
	req_end(&r);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), 0);
	assert_int_equal(m.type, DHCPDISCOVER);
	assert_memory_equal(m.chaddr, mac_a, 6);
	/* Hostnames are reduced to safe characters. */
	assert_string_equal(m.hostname, "vm_1_");
	assert_int_equal(m.prl_len, 3);
	assert_true(dhcp_msg_requested(&m, DHO_ROUTER));
	assert_false(dhcp_msg_requested(&m, DHO_MTU));
	assert_int_equal(m.client_id_len, 7);
}

static void test_parse_truncated(void **state)
{
	struct dhcp_msg m;
	struct req r;
	size_t n;

	(void)state;
	req_init(&r, DHCPREQUEST, mac_a);
	req_ip_opt(&r, DHO_REQUESTED_IP, "10.0.0.5");
	req_end(&r);
	/* Every truncation inside the fixed part or an option is refused. */
	for (n = 0; n < r.size; n++) {
		int ret = dhcp_parse(r.buf, n, &m);

		/* Cutting right after a whole option (the END is optional) still parses. */
		if (n == 243 || n == 249)
			assert_int_equal(ret, 0);
		else
			assert_int_equal(ret, -EBADMSG);
	}
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), 0);
	assert_true(m.has_requested_ip);
	assert_int_equal(m.requested_ip, ip4("10.0.0.5"));
}

static void test_parse_option_overrun(void **state)
{
	struct dhcp_msg m;
	struct req r;

	(void)state;
	req_init(&r, DHCPDISCOVER, mac_a);
	/* A length byte pointing past the end of the packet. */
	r.buf[r.size++] = DHO_HOSTNAME;
	r.buf[r.size++] = 200;
	memcpy(r.buf + r.size, "abc", 3);
	r.size += 3;
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
	/* An option code as the very last byte, without its length. */
	req_init(&r, DHCPDISCOVER, mac_a);
	r.buf[r.size++] = DHO_HOSTNAME;
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
}

static void test_parse_zero_length_and_sizes(void **state)
{
	struct dhcp_msg m;
	struct req r;

	(void)state;
	/* Zero-length options whose values need bytes are malformed. */
	req_init(&r, DHCPDISCOVER, mac_a);
	req_opt(&r, DHO_HOSTNAME, "", 0);
	req_end(&r);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
	req_init(&r, DHCPDISCOVER, mac_a);
	req_opt(&r, DHO_CLIENT_ID, "\x01", 1);
	req_end(&r);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
	req_init(&r, DHCPDISCOVER, mac_a);
	req_opt(&r, DHO_PARAM_REQUEST, "", 0);
	req_end(&r);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
	/* Fixed-size options of the wrong size. */
	req_init(&r, DHCPDISCOVER, mac_a);
	req_opt(&r, DHO_REQUESTED_IP, "\x0a\x00\x00", 3);
	req_end(&r);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
	req_init(&r, 0, mac_a);
	req_opt(&r, DHO_MSG_TYPE, "", 0);
	req_end(&r);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
	/* A repeated fixed-size option is a trick, not a concatenation. */
	req_init(&r, DHCPDISCOVER, mac_a);
	req_opt(&r, DHO_MSG_TYPE, "\x03", 1);
	req_end(&r);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
	/* Zero-length unknown options are fine, and skipped. */
	req_init(&r, DHCPDISCOVER, mac_a);
	req_opt(&r, 224, "", 0);
	req_opt(&r, 250, "xyz", 3);
	req_end(&r);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), 0);
}

static void test_parse_header_rules(void **state)
{
	struct dhcp_msg m;
	struct req r;

	(void)state;
	req_init(&r, DHCPDISCOVER, mac_a);
	req_end(&r);
	r.buf[0] = BOOTREPLY;
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
	r.buf[0] = BOOTREQUEST;
	r.buf[2] = 16;	/* hlen must be 6 */
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
	r.buf[2] = 6;
	r.buf[239] = 0;	/* magic cookie */
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
	/* Without a message type it is BOOTP, which we do not serve. */
	req_init(&r, 0, mac_a);
	req_end(&r);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
	req_init(&r, 9, mac_a);
	req_end(&r);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
}

static void test_parse_overload(void **state)
{
	struct dhcp_msg m;
	struct req r;

	(void)state;
	/* Options continue in file (overload 1) and sname (2). */
	req_init(&r, 0, mac_a);
	req_opt(&r, DHO_OVERLOAD, "\x03", 1);
	req_end(&r);
	/* file at 108: message type and requested address. */
	memcpy(r.buf + 108, "\x35\x01\x03\x32\x04\x0a\x00\x00\x07\xff", 10);
	/* sname at 44: hostname split across two instances (RFC 3396). */
	memcpy(r.buf + 44, "\x0c\x02vm\x0c\x01x\xff", 8);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), 0);
	assert_int_equal(m.type, DHCPREQUEST);
	assert_int_equal(m.requested_ip, ip4("10.0.0.7"));
	assert_string_equal(m.hostname, "vmx");

	/* An option in file that runs past the end of file is malformed. */
	memset(r.buf + 44, 0, 192);
	r.buf[108 + 126] = DHO_HOSTNAME;
	r.buf[108 + 127] = 5;
	memcpy(r.buf + 108, "\x35\x01\x03", 3);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);

	/* Overload values outside 1..3 are malformed; overload in file is ignored. */
	req_init(&r, DHCPDISCOVER, mac_a);
	req_opt(&r, DHO_OVERLOAD, "\x04", 1);
	req_end(&r);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), -EBADMSG);
	req_init(&r, DHCPDISCOVER, mac_a);
	req_end(&r);
	/* Without option 52, junk in file and sname is not read as options. */
	memset(r.buf + 44, 0x35, 192);
	assert_int_equal(dhcp_parse(r.buf, r.size, &m), 0);
}

/* ------------------------------------------------------------- server */

static struct dhcp_server srv;
static const uint64_t PORT_A = 11, PORT_B = 12;

static void server_setup(void)
{
	dhcp_pool_free(&srv.pool);
	memset(&srv, 0, sizeof(srv));
	srv.cfg.server_ip = ip4("10.0.0.1");
	srv.cfg.netmask = ip4("255.255.255.0");
	srv.cfg.router = ip4("10.0.0.1");
	srv.cfg.dns[0] = ip4("10.0.0.1");
	srv.cfg.ndns = 1;
	snprintf(srv.cfg.domain, sizeof(srv.cfg.domain), "lab.test");
	srv.cfg.lease_time = 3600;
	srv.cfg.mtu = 1500;
	memcpy(srv.cfg.server_mac, "\x02\x76\x73\x01\x02\x03", 6);
	srv.cfg.answer_arp = true;
	assert_int_equal(dhcp_pool_init(&srv.pool, ntohl(ip4("10.0.0.0")), 0xffffff00u,
					 ntohl(ip4("10.0.0.100")), ntohl(ip4("10.0.0.103")),
					 ntohl(ip4("10.0.0.1"))), 0);
	srv.pool.port_limit = 16;
	srv.pool.offer_limit = 64;
}

/* Frame a request from @eth_src (UDP 68 -> 67 unless relayed). */
static size_t frame_req(uint8_t *frame, const struct req *r, const uint8_t eth_src[6],
			const char *ip_src, const char *ip_dst)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	int n = dhcp_frame_build(frame, 1600, bcast, eth_src, ip4(ip_src), ip4(ip_dst), 68, 67,
				 r->buf, r->size);

	assert_true(n > 0);
	return (size_t)n;
}

/* Send @r; return the reply parsed back (type, yiaddr) and the frame info. */
struct got {
	uint8_t type;
	uint32_t yiaddr;
	uint32_t ip_dst;
	uint16_t dport;
	uint8_t eth_dst[6];
	uint32_t lease_time;
	bool has_record;
	struct dhcp_lease_rec rec;
};

static struct got roundtrip(const struct req *r, const uint8_t eth_src[6], const uint8_t *port_mac,
			    uint64_t port, int64_t now)
{
	static struct dhcp_result res;
	uint8_t frame[1600];
	struct got g = { 0 };
	size_t n = frame_req(frame, r, eth_src, "0.0.0.0", "255.255.255.255");
	const uint8_t *p, *end;

	dhcp_server_input(&srv, frame, n, port_mac, port, now, &res);
	g.has_record = res.has_record;
	g.rec = res.record;
	if (!res.frame_size)
		return g;
	/* Reply: Ethernet, IPv4 (20), UDP (8), BOOTP. */
	memcpy(g.eth_dst, res.frame, 6);
	memcpy(&g.ip_dst, res.frame + 14 + 16, 4);
	g.dport = (uint16_t)(res.frame[14 + 20 + 2] << 8 | res.frame[14 + 20 + 3]);
	p = res.frame + 42;
	assert_int_equal(p[0], BOOTREPLY);
	memcpy(&g.yiaddr, p + 16, 4);
	assert_memory_equal(p + 4, r->buf + 4, 4);	/* xid echoed */
	end = res.frame + res.frame_size;
	for (p += 240; p < end && *p != DHO_END; p += p[0] ? 2 + p[1] : 1) {
		if (p[0] == DHO_MSG_TYPE)
			g.type = p[2];
		if (p[0] == DHO_LEASE_TIME)
			g.lease_time = (uint32_t)p[2] << 24 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5];
	}
	/* The frame's checksums are right. */
	{
		struct dhcp_frame_info fi;
		uint8_t copy[1600];

		memcpy(copy, res.frame, res.frame_size);
		copy[14 + 20 + 3] = 67;	/* dhcp_frame_parse wants server port */
		assert_int_equal(dhcp_frame_parse(copy, res.frame_size, &fi), 0);
	}
	return g;
}

static struct got discover(const uint8_t mac[6], uint64_t port, int64_t now)
{
	struct req r;

	req_init(&r, DHCPDISCOVER, mac);
	req_opt(&r, DHO_PARAM_REQUEST, "\x01\x03\x06\x0f\x1a", 5);
	req_end(&r);
	return roundtrip(&r, mac, NULL, port, now);
}

static struct got request_selecting(const uint8_t mac[6], uint32_t ip, uint64_t port, int64_t now)
{
	struct req r;

	req_init(&r, DHCPREQUEST, mac);
	req_opt(&r, DHO_REQUESTED_IP, &ip, 4);
	req_ip_opt(&r, DHO_SERVER_ID, "10.0.0.1");
	req_opt(&r, DHO_HOSTNAME, "guest", 5);
	req_end(&r);
	return roundtrip(&r, mac, NULL, port, now);
}

static struct got dora(const uint8_t mac[6], uint64_t port, int64_t now)
{
	struct got o = discover(mac, port, now);

	assert_int_equal(o.type, DHCPOFFER);
	return request_selecting(mac, o.yiaddr, port, now);
}

static void test_server_dora(void **state)
{
	struct got g;

	(void)state;
	server_setup();
	g = discover(mac_a, PORT_A, 1000);
	assert_int_equal(g.type, DHCPOFFER);
	assert_int_equal(g.yiaddr, ip4("10.0.0.100"));
	assert_false(g.has_record);	/* an offer is not journaled */
	/* No broadcast flag, no ciaddr: unicast to chaddr and yiaddr. */
	assert_memory_equal(g.eth_dst, mac_a, 6);
	assert_int_equal(g.ip_dst, ip4("10.0.0.100"));
	assert_int_equal(g.dport, 68);
	g = request_selecting(mac_a, ip4("10.0.0.100"), PORT_A, 1001);
	assert_int_equal(g.type, DHCPACK);
	assert_int_equal(g.lease_time, 3600);
	assert_true(g.has_record);
	assert_int_equal(g.rec.state, DHCP_LEASE_BOUND);
	assert_int_equal(g.rec.expires, 1001 + 3600);
	assert_string_equal(g.rec.hostname, "guest");
	assert_int_equal(srv.stats.discover, 1);
	assert_int_equal(srv.stats.ack, 1);
	dhcp_pool_free(&srv.pool);
}

static void test_server_renew_rebind_reboot(void **state)
{
	struct got g;
	struct req r;
	uint32_t ip;

	(void)state;
	server_setup();
	g = dora(mac_a, PORT_A, 1000);
	ip = g.yiaddr;
	/* RENEWING: ciaddr set, reply unicast to ciaddr. */
	req_init(&r, DHCPREQUEST, mac_a);
	memcpy(r.buf + 12, &ip, 4);
	req_end(&r);
	g = roundtrip(&r, mac_a, NULL, PORT_A, 2000);
	assert_int_equal(g.type, DHCPACK);
	assert_int_equal(g.ip_dst, ip);
	assert_int_equal(g.rec.expires, 2000 + 3600);
	/* INIT-REBOOT with the right address: ACK; with another: NAK, broadcast. */
	req_init(&r, DHCPREQUEST, mac_a);
	req_opt(&r, DHO_REQUESTED_IP, &ip, 4);
	req_end(&r);
	assert_int_equal(roundtrip(&r, mac_a, NULL, PORT_A, 2100).type, DHCPACK);
	req_init(&r, DHCPREQUEST, mac_a);
	req_ip_opt(&r, DHO_REQUESTED_IP, "10.0.0.102");
	req_end(&r);
	g = roundtrip(&r, mac_a, NULL, PORT_A, 2200);
	assert_int_equal(g.type, DHCPNAK);
	assert_int_equal(g.ip_dst, INADDR_BROADCAST);
	assert_false(g.has_record);
	/* INIT-REBOOT on another network's address: NAK. */
	req_init(&r, DHCPREQUEST, mac_a);
	req_ip_opt(&r, DHO_REQUESTED_IP, "192.168.1.5");
	req_end(&r);
	assert_int_equal(roundtrip(&r, mac_a, NULL, PORT_A, 2200).type, DHCPNAK);
	/* A client we have no record of gets silence. */
	req_init(&r, DHCPREQUEST, mac_b);
	req_ip_opt(&r, DHO_REQUESTED_IP, "10.0.0.103");
	req_end(&r);
	assert_int_equal(roundtrip(&r, mac_b, NULL, PORT_B, 2200).type, 0);
	/* REQUEST for another server's offer: silence, our offer is dropped. */
	discover(mac_b, PORT_B, 2300);
	req_init(&r, DHCPREQUEST, mac_b);
	req_ip_opt(&r, DHO_REQUESTED_IP, "10.0.0.101");
	req_ip_opt(&r, DHO_SERVER_ID, "10.0.0.254");
	req_end(&r);
	assert_int_equal(roundtrip(&r, mac_b, NULL, PORT_B, 2300).type, 0);
	assert_int_equal(dhcp_pool_find_mac(&srv.pool, mac_b)->state, DHCP_LEASE_FREE);
	dhcp_pool_free(&srv.pool);
}

static void test_server_sticky_release_decline(void **state)
{
	struct got g;
	struct req r;
	uint32_t ip_a;

	(void)state;
	server_setup();
	ip_a = dora(mac_a, PORT_A, 1000).yiaddr;
	/* RELEASE: journaled, the address is remembered for the same client. */
	req_init(&r, DHCPRELEASE, mac_a);
	memcpy(r.buf + 12, &ip_a, 4);
	req_ip_opt(&r, DHO_SERVER_ID, "10.0.0.1");
	req_end(&r);
	g = roundtrip(&r, mac_a, NULL, PORT_A, 1100);
	assert_int_equal(g.type, 0);
	assert_true(g.has_record);
	assert_int_equal(g.rec.state, DHCP_LEASE_RELEASED);
	/* Another client takes a never-used address, not the released one. */
	assert_int_equal(dora(mac_b, PORT_B, 1200).yiaddr, ip4("10.0.0.101"));
	/* The first client comes back to its address. */
	assert_int_equal(discover(mac_a, PORT_A, 1300).yiaddr, ip_a);

	/* DECLINE: quarantined; the decliner gets a different address. */
	req_init(&r, DHCPDECLINE, mac_a);
	req_opt(&r, DHO_REQUESTED_IP, &ip_a, 4);
	req_ip_opt(&r, DHO_SERVER_ID, "10.0.0.1");
	req_end(&r);
	g = roundtrip(&r, mac_a, NULL, PORT_A, 1400);
	assert_true(g.has_record);
	assert_int_equal(g.rec.state, DHCP_LEASE_DECLINED);
	g = discover(mac_a, PORT_A, 1500);
	assert_int_equal(g.type, DHCPOFFER);
	assert_int_not_equal(g.yiaddr, ip_a);
	assert_false(dhcp_pool_ip_available(&srv.pool, ntohl(ip_a), mac_b, 1500));
	/* After the quarantine it is usable again. */
	assert_true(dhcp_pool_ip_available(&srv.pool, ntohl(ip_a), mac_b, 1400 + DHCP_QUARANTINE_TIME));
	dhcp_pool_free(&srv.pool);
}

static void test_server_static_host(void **state)
{
	struct dhcp_host h = { .mac = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a }, .hostname = "fixed" };
	struct got g;
	struct req r;

	(void)state;
	server_setup();
	/* A dynamic lease first; then the MAC becomes a static host outside the range. */
	assert_int_equal(dora(mac_a, PORT_A, 1000).yiaddr, ip4("10.0.0.100"));
	h.ip = ntohl(ip4("10.0.0.50"));
	assert_int_equal(dhcp_pool_host_add(&srv.pool, &h), 0);
	assert_int_equal(dhcp_pool_host_add(&srv.pool, &h), -EEXIST);
	/* Renewing the old address: NAK, so the client starts over. */
	req_init(&r, DHCPREQUEST, mac_a);
	memcpy(r.buf + 12, (uint32_t[]){ ip4("10.0.0.100") }, 4);
	req_end(&r);
	assert_int_equal(roundtrip(&r, mac_a, NULL, PORT_A, 1100).type, DHCPNAK);
	/* A client identifier does not defeat the static host. */
	req_init(&r, DHCPDISCOVER, mac_a);
	req_opt(&r, DHO_CLIENT_ID, "\xff\x01\x02\x03\x04", 5);
	req_end(&r);
	g = roundtrip(&r, mac_a, NULL, PORT_A, 1200);
	assert_int_equal(g.type, DHCPOFFER);
	assert_int_equal(g.yiaddr, ip4("10.0.0.50"));
	g = request_selecting(mac_a, ip4("10.0.0.50"), PORT_A, 1200);
	assert_int_equal(g.type, DHCPACK);
	assert_string_equal(g.rec.hostname, "fixed");
	/* Nobody else gets the static address, even by asking for it. */
	req_init(&r, DHCPDISCOVER, mac_b);
	req_ip_opt(&r, DHO_REQUESTED_IP, "10.0.0.50");
	req_end(&r);
	g = roundtrip(&r, mac_b, NULL, PORT_B, 1300);
	assert_int_equal(g.type, DHCPOFFER);
	assert_int_not_equal(g.yiaddr, ip4("10.0.0.50"));
	dhcp_pool_free(&srv.pool);
}

static void test_server_exhaustion_and_limits(void **state)
{
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x01, 0x00 };
	struct got g;
	int i;

	(void)state;
	server_setup();
	/* Four addresses: four clients get them, the fifth gets silence. */
	for (i = 0; i < 4; i++) {
		mac[5] = (uint8_t)i;
		assert_int_equal(dora(mac, 100 + (uint64_t)i, 1000).type, DHCPACK);
	}
	mac[5] = 9;
	g = discover(mac, 200, 1000);
	assert_int_equal(g.type, 0);
	assert_int_equal(srv.stats.pool_exhausted, 1);
	/* Once a lease expires its address can go to someone new. */
	g = discover(mac, 200, 1000 + 3600 + 1);
	assert_int_equal(g.type, DHCPOFFER);
	dhcp_pool_free(&srv.pool);

	/* Per-port limit: a port may hold only port_limit addresses. */
	server_setup();
	srv.pool.port_limit = 2;
	for (i = 0; i < 3; i++) {
		struct req r;

		mac[5] = (uint8_t)(0x20 + i);
		req_init(&r, DHCPDISCOVER, mac);
		r.buf[24] = 10;	/* giaddr 10.0.0.2: relayed, so the MAC rule gives way */
		r.buf[27] = 2;
		req_end(&r);
		g = roundtrip(&r, mac_b, NULL, PORT_B, 1000);
		assert_int_equal(g.type, i < 2 ? DHCPOFFER : 0);
		if (i < 2) {
			/* Relayed: to the relay's address, server port. */
			assert_int_equal(g.ip_dst, ip4("10.0.0.2"));
			assert_int_equal(g.dport, 67);
			assert_memory_equal(g.eth_dst, mac_b, 6);
		}
	}
	assert_int_equal(srv.stats.limit, 1);
	/* Another port is not affected. */
	assert_int_equal(discover(mac_a, PORT_A, 1000).type, DHCPOFFER);
	dhcp_pool_free(&srv.pool);
}

static void test_server_mac_rule(void **state)
{
	static const uint8_t port_mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };
	struct req r;

	(void)state;
	server_setup();
	/* chaddr differs from the Ethernet source: refused. */
	req_init(&r, DHCPDISCOVER, mac_a);
	req_end(&r);
	assert_int_equal(roundtrip(&r, mac_b, NULL, PORT_A, 1000).type, 0);
	assert_int_equal(srv.stats.refused_mac, 1);
	/* Matching each other but not the port's given MAC: refused. */
	assert_int_equal(roundtrip(&r, mac_a, port_mac, PORT_A, 1000).type, 0);
	assert_int_equal(srv.stats.refused_mac, 2);
	/* The port's own MAC: answered. */
	req_init(&r, DHCPDISCOVER, port_mac);
	req_end(&r);
	assert_int_equal(roundtrip(&r, port_mac, port_mac, PORT_A, 1000).type, DHCPOFFER);
	/* Broadcast flag: broadcast reply. */
	req_init(&r, DHCPDISCOVER, mac_a);
	r.buf[10] = 0x80;
	req_end(&r);
	{
		struct got g = roundtrip(&r, mac_a, NULL, PORT_A, 1000);

		assert_int_equal(g.type, DHCPOFFER);
		assert_int_equal(g.ip_dst, INADDR_BROADCAST);
		assert_memory_equal(g.eth_dst, "\xff\xff\xff\xff\xff\xff", 6);
	}
	dhcp_pool_free(&srv.pool);
}

static void test_server_inform_and_malformed(void **state)
{
	static struct dhcp_result res;
	uint8_t frame[1600];
	struct got g;
	struct req r;
	size_t n;

	(void)state;
	server_setup();
	req_init(&r, DHCPINFORM, mac_a);
	memcpy(r.buf + 12, (uint32_t[]){ ip4("10.0.0.9") }, 4);
	req_opt(&r, DHO_PARAM_REQUEST, "\x01\x03\x06\x0f\x1a", 5);
	req_end(&r);
	g = roundtrip(&r, mac_a, NULL, PORT_A, 1000);
	assert_int_equal(g.type, DHCPACK);
	assert_int_equal(g.lease_time, 0);	/* INFORM: no lease time */
	assert_int_equal(g.yiaddr, 0);
	assert_int_equal(g.ip_dst, ip4("10.0.0.9"));
	assert_false(g.has_record);
	assert_int_equal(srv.stats.inform, 1);

	/* Garbage after a valid UDP header: malformed, counted, no crash. */
	req_init(&r, DHCPDISCOVER, mac_a);
	r.buf[r.size++] = DHO_HOSTNAME;
	r.buf[r.size++] = 50;
	n = frame_req(frame, &r, mac_a, "0.0.0.0", "255.255.255.255");
	dhcp_server_input(&srv, frame, n, NULL, PORT_A, 1000, &res);
	assert_int_equal(res.frame_size, 0);
	assert_int_equal(srv.stats.malformed, 1);
	/* A bad IP header checksum. */
	req_init(&r, DHCPDISCOVER, mac_a);
	req_end(&r);
	n = frame_req(frame, &r, mac_a, "0.0.0.0", "255.255.255.255");
	frame[24] ^= 1;
	dhcp_server_input(&srv, frame, n, NULL, PORT_A, 1000, &res);
	assert_int_equal(srv.stats.malformed, 2);
	/* Truncated frames of every length. */
	frame[24] ^= 1;
	for (size_t cut = 0; cut < n; cut++)
		dhcp_server_input(&srv, frame, cut, NULL, PORT_A, 1000, &res);
	assert_int_equal(srv.stats.malformed, 2 + n);
	dhcp_pool_free(&srv.pool);
}

static void test_arp_reply(void **state)
{
	uint8_t req[60] = { 0 }, out[60];
	uint32_t server = ip4("10.0.0.1"), client = ip4("10.0.0.100");

	(void)state;
	memset(req, 0xff, 6);
	memcpy(req + 6, mac_a, 6);
	req[12] = 0x08;
	req[13] = 0x06;
	memcpy(req + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	memcpy(req + 22, mac_a, 6);
	memcpy(req + 28, &client, 4);
	memcpy(req + 38, &server, 4);
	assert_int_equal(dhcp_arp_reply(req, 60, server, (const uint8_t *)"\x02\x76\x73\x01\x02\x03", out), 60);
	assert_memory_equal(out, mac_a, 6);
	assert_int_equal(out[21], 2);
	assert_memory_equal(out + 28, &server, 4);
	assert_memory_equal(out + 38, &client, 4);
	/* For another address, or too short: nothing. */
	assert_int_equal(dhcp_arp_reply(req, 60, client, mac_b, out), 0);
	assert_int_equal(dhcp_arp_reply(req, 30, server, mac_b, out), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_minimal),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_option_overrun),
		cmocka_unit_test(test_parse_zero_length_and_sizes),
		cmocka_unit_test(test_parse_header_rules),
		cmocka_unit_test(test_parse_overload),
		cmocka_unit_test(test_server_dora),
		cmocka_unit_test(test_server_renew_rebind_reboot),
		cmocka_unit_test(test_server_sticky_release_decline),
		cmocka_unit_test(test_server_static_host),
		cmocka_unit_test(test_server_exhaustion_and_limits),
		cmocka_unit_test(test_server_mac_rule),
		cmocka_unit_test(test_server_inform_and_malformed),
		cmocka_unit_test(test_arp_reply),
	};

	log_init("test_dhcp", LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
