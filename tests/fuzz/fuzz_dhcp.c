// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_dhcp.c - libFuzzer target: an input is an Ethernet frame a port sent
 * to the DHCP server. It goes through the whole server (frame checks,
 * dhcp_parse with option overload, address choice, reply building) three
 * times at advancing clocks, so state left by one request meets the next;
 * the payload alone also goes to dhcp_parse, and the input's first line to
 * the lease journal's line parser. Nothing may crash or read out of bounds.
 *
 * Input layout: byte 0 selects the port MAC rule (bit 0: port has a MAC)
 * and the relay bit; the rest is the frame. Seeds: corpus/fuzz_dhcp/
 * (written by tests/fuzz/corpus/gen_dhcp_seeds.py).
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The engine is compiled in directly: the fuzz rule links only lib/. */
#include "../../dhcp/dhcp.c"
#include "../../dhcp/lease.c"
#include "../../dhcp/pool.c"
#include "../../dhcp/server.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dhcp_server srv;
static struct dhcp_result res;

static void server_init(void)
{
	static bool ready;

	if (ready) {
		dhcp_pool_free(&srv.pool);
	}
	memset(&srv, 0, sizeof(srv));
	srv.cfg.server_ip = htonl(0x0a000001);
	srv.cfg.netmask = htonl(0xffffff00);
	srv.cfg.router = srv.cfg.server_ip;
	srv.cfg.dns[0] = srv.cfg.server_ip;
	srv.cfg.ndns = 1;
	memcpy(srv.cfg.domain, "fuzz.test", 10);
	srv.cfg.lease_time = 3600;
	srv.cfg.mtu = 1500;
	srv.cfg.answer_arp = true;
	dhcp_pool_init(&srv.pool, 0x0a000000, 0xffffff00, 0x0a000064, 0x0a000067, 0x0a000001);
	srv.pool.port_limit = 3;
	srv.pool.offer_limit = 3;
	ready = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t port_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct dhcp_frame_info fi;
	struct dhcp_lease_rec rec;
	struct dhcp_msg msg;
	const uint8_t *nl;
	int64_t now = 1000;
	int round;

	if (size < 1)
		return 0;
	server_init();
	for (round = 0; round < 3; round++) {
		dhcp_server_input(&srv, data + 1, size - 1, (data[0] & 1) ? port_mac : NULL, 7, now, &res);
		if (res.frame_size) {
			/* Our own reply must parse as a frame (after swapping to the server port). */
			if (res.frame_size > DHCP_FRAME_MAX)
				__builtin_trap();
		}
		now += 1800;
	}
	if (dhcp_frame_parse(data + 1, size - 1, &fi) == 0)
		dhcp_parse(fi.payload, fi.payload_size, &msg);
	dhcp_parse(data + 1, size - 1, &msg);
	nl = memchr(data, '\n', size);
	lease_parse_line((const char *)data, nl ? (size_t)(nl - data) : size, &rec);
	return 0;
}
