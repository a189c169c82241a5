// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_datapath.c - the forwarding logic end to end inside the real
 * datapath thread, with fake ports: learning, unicast, flooding, no leakage
 * between networks, MAC limits, header validation and software TSO.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/eventfd.h>
#include <cmocka.h>

#include "csum.h"
#include "datapath.h"
#include "dpif.h"
#include "loop.h"
#include "network.h"
#include "port.h"
#include "service.h"

#define FAKE_QUEUE	64
#define FAKE_FRAME	(70 * 1024)

struct fake_frame {
	struct virtio_net_hdr_v1 hdr;
	size_t size;
	uint8_t data[FAKE_FRAME];
};

struct fake_port {
	struct port up;
	struct fake_frame *in;	/* frames waiting to be received */
	unsigned int n_in, next_in;
	struct fake_frame *out;	/* frames the switch delivered */
	unsigned int n_out;
	unsigned int prepared;	/* frames announced by tx_prepare() */
	bool full;		/* tx() finds no room, as a guest with no receive buffers */
};

static int fake_rx_burst(struct port *port, struct dp_pkt *pkts, int max)
{
	struct fake_port *fp = (struct fake_port *)port;
	int n = 0;

	while (n < max && fp->next_in < fp->n_in) {
		struct fake_frame *f = &fp->in[fp->next_in++];
		struct dp_pkt *pkt = &pkts[n++];

		pkt->hdr = f->hdr;
		memcpy(pkt->eth, f->data, ETH_HDR_SIZE);
		pkt->size = (uint32_t)f->size;
		/* Split the payload in two segments to exercise scatter-gather. */
		pkt->niov = 2;
		pkt->iov[0].iov_base = f->data + ETH_HDR_SIZE;
		pkt->iov[0].iov_len = (f->size - ETH_HDR_SIZE) / 2;
		pkt->iov[1].iov_base = f->data + ETH_HDR_SIZE + pkt->iov[0].iov_len;
		pkt->iov[1].iov_len = f->size - ETH_HDR_SIZE - pkt->iov[0].iov_len;
	}
	return n;
}

/*
 * Released frames go back to the "guest", which may reuse the buffers at
 * once: poison them, so a frame sent after its release shows up as garbage.
 */
static void fake_rx_done(struct port *port, struct dp_pkt *pkts, int count)
{
	struct fake_port *fp = (struct fake_port *)port;
	unsigned int i;

	(void)pkts;
	for (i = fp->next_in - (unsigned int)count; i < fp->next_in; i++)
		memset(fp->in[i].data, 0xee, fp->in[i].size);
}

static void fake_tx_prepare(struct port *port, unsigned int n)
{
	((struct fake_port *)port)->prepared += n;
}

static int fake_tx(struct port *port, const struct dp_pkt *pkt)
{
	struct fake_port *fp = (struct fake_port *)port;
	struct fake_frame *f;
	size_t off = ETH_HDR_SIZE;
	unsigned int i;

	if (fp->n_out == FAKE_QUEUE || fp->full)
		return -DROP_NO_BUFFERS;
	f = &fp->out[fp->n_out++];
	f->hdr = pkt->hdr;
	memcpy(f->data, pkt->eth, ETH_HDR_SIZE);
	for (i = 0; i < pkt->niov; i++) {
		memcpy(f->data + off, pkt->iov[i].iov_base, pkt->iov[i].iov_len);
		off += pkt->iov[i].iov_len;
	}
	f->size = off;
	assert_int_equal(off, pkt->size);
	return 0;
}

static void fake_destroy(struct port *port, bool remove)
{
	struct fake_port *fp = (struct fake_port *)port;

	close(fp->up.rx_fd);
	free(fp->in);
	free(fp->out);
	free(fp);
}

static const struct port_class fake_class = {
	.type = "fake",
	.destroy = fake_destroy,
	.rx_burst = fake_rx_burst,
	.rx_done = fake_rx_done,
	.tx = fake_tx,
	.tx_prepare = fake_tx_prepare,
};

static struct fake_port *fake_new(struct network *net, const char *name, unsigned int offloads)
{
	struct fake_port *fp = calloc(1, sizeof(*fp));

	assert_non_null(fp);
	fp->in = calloc(FAKE_QUEUE, sizeof(*fp->in));
	fp->out = calloc(FAKE_QUEUE, sizeof(*fp->out));
	assert_non_null(fp->in);
	assert_non_null(fp->out);
	port_init(&fp->up, &fake_class, &(struct port_spec){ .net = net, .net_name = net->name, .name = name, .params = json_object() });
	fp->up.rx_fd = eventfd(0, EFD_NONBLOCK);
	fp->up.rx_fd_drain = true;
	fp->up.rx_offloads = offloads;
	fp->up.up = true;
	{
		char attach_err[128];

		assert_int_equal(dpif_port_attach(net, &fp->up, attach_err, sizeof(attach_err)), 0);
	}
	return fp;
}

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0xa };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0xb };
static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0, 0xc };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void frame_build(struct fake_frame *f, const uint8_t *dst, const uint8_t *src, size_t size)
{
	size_t i;

	memset(&f->hdr, 0, sizeof(f->hdr));
	memcpy(f->data, dst, 6);
	memcpy(f->data + 6, src, 6);
	f->data[12] = 0x88;	/* a local experimental ethertype */
	f->data[13] = 0xb5;
	for (i = ETH_HDR_SIZE; i < size; i++)
		f->data[i] = (uint8_t)i;
	f->size = size;
}

/* Queue @n frames on @from at once (one burst) and wait until the datapath has taken them. */
static void inject_n(struct fake_port *from, const struct fake_frame *f, unsigned int n)
{
	unsigned int k;
	int i;

	dp_pause();
	for (k = 0; k < n; k++)
		from->in[from->n_in++] = f[k];
	dp_resume();
	eventfd_signal(from->up.rx_fd);
	for (i = 0; i < 2000; i++) {
		bool done;

		dp_pause();
		done = from->next_in == from->n_in;
		dp_resume();
		if (done)
			return;
		usleep(1000);
	}
	fail_msg("datapath did not take the frame");
}

static void inject(struct fake_port *from, const struct fake_frame *f)
{
	inject_n(from, f, 1);
}

static unsigned int outputs(struct fake_port *fp)
{
	unsigned int n;

	dp_pause();
	n = fp->n_out;
	dp_resume();
	return n;
}

static struct network *make_net(const char *name, int mac_limit)
{
	char err[256];
	struct network *net;
	json_t *params = json_pack("{s:s, s:s, s:i}", "name", name, "mode", "isolated",
				   "mac_limit", mac_limit);

	assert_int_equal(net_create(params, false, &net, err, sizeof(err)), 0);
	json_decref(params);
	return net;
}

static int setup(void **state)
{
	static int event_fd = -1;

	(void)state;
	event_fd = eventfd(0, EFD_NONBLOCK);
	return dp_start(-1, event_fd);
}

static int teardown(void **state)
{
	(void)state;
	net_shutdown();
	dp_stop();
	return 0;
}

static void test_flood_then_unicast(void **state)
{
	struct network *net = make_net("t1", 16);
	struct fake_port *a = fake_new(net, "a", 0), *b = fake_new(net, "b", 0), *c = fake_new(net, "c", 0);
	struct fake_frame f;

	(void)state;
	/* Unknown destination: flooded to every other port, not back to a. */
	frame_build(&f, mac_b, mac_a, 60);
	inject(a, &f);
	assert_int_equal(outputs(a), 0);
	assert_int_equal(outputs(b), 1);
	assert_int_equal(outputs(c), 1);
	assert_memory_equal(b->out[0].data, f.data, 60);

	/* b answers a: a is learned, so only a gets it. */
	frame_build(&f, mac_a, mac_b, 100);
	inject(b, &f);
	assert_int_equal(outputs(a), 1);
	assert_int_equal(outputs(c), 1);
	assert_int_equal(a->out[0].size, 100);
	assert_memory_equal(a->out[0].data, f.data, 100);

	/* Now both are known: a to b is unicast. */
	frame_build(&f, mac_b, mac_a, 64);
	inject(a, &f);
	assert_int_equal(outputs(b), 2);
	assert_int_equal(outputs(c), 1);

	/* Broadcast always floods. */
	frame_build(&f, bcast, mac_c, 64);
	inject(c, &f);
	assert_int_equal(outputs(a), 2);
	assert_int_equal(outputs(b), 3);

	dp_pause();
	assert_int_equal(a->up.stats.rx_packets, 2);
	assert_int_equal(b->up.stats.tx_packets, 3);
	assert_int_equal(fdb_lookup(net->fdb, mac_a, 0) >= 0, 1);
	dp_resume();
	net_destroy(net, true, NULL, 0);
}

/*
 * One burst to one receiver: sent in order, announced to tx_prepare()
 * once, and copied before the source's buffers are released (rx_done
 * poisons them). A broadcast in the middle reaches everyone in place.
 */
static void test_burst_order(void **state)
{
	struct network *net = make_net("tb", 16);
	struct fake_port *a = fake_new(net, "a", 0), *b = fake_new(net, "b", 0), *c = fake_new(net, "c", 0);
	static struct fake_frame f[6];
	unsigned int i, prepared;
	uint64_t sent;

	(void)state;
	/* Teach the switch where b and a are. */
	frame_build(&f[0], mac_a, mac_b, 60);
	inject(b, &f[0]);
	frame_build(&f[0], mac_b, mac_a, 60);
	inject(a, &f[0]);
	dp_pause();
	b->n_out = 0;
	b->prepared = 0;
	c->n_out = 0;
	dp_resume();

	for (i = 0; i < 6; i++)
		frame_build(&f[i], i == 3 ? bcast : mac_b, mac_a, 60 + i * 10);
	inject_n(a, f, 6);
	assert_int_equal(outputs(b), 6);
	assert_int_equal(outputs(c), 1);
	for (i = 0; i < 6; i++) {
		assert_int_equal(b->out[i].size, 60 + i * 10);
		assert_memory_equal(b->out[i].data, f[i].data, f[i].size);
	}
	assert_memory_equal(c->out[0].data, f[3].data, f[3].size);
	dp_pause();
	prepared = b->prepared;
	sent = b->up.stats.tx_packets;
	dp_resume();
	assert_int_equal(prepared, 6);
	assert_int_equal(sent, 1 + 6);	/* the learning frame, then the burst */
	net_destroy(net, true, NULL, 0);
}

static void test_no_leak_between_networks(void **state)
{
	struct network *n1 = make_net("t2a", 16), *n2 = make_net("t2b", 16);
	struct fake_port *a = fake_new(n1, "a", 0), *b = fake_new(n1, "b", 0);
	struct fake_port *x = fake_new(n2, "x", 0);
	struct fake_frame f;

	(void)state;
	frame_build(&f, bcast, mac_a, 60);
	inject(a, &f);
	frame_build(&f, mac_c, mac_a, 60);	/* unknown unicast */
	inject(a, &f);
	assert_int_equal(outputs(b), 2);
	assert_int_equal(outputs(x), 0);
	/* The same MAC may live in both networks independently. */
	frame_build(&f, bcast, mac_a, 60);
	inject(x, &f);
	assert_int_equal(outputs(a), 0);
	net_destroy(n1, true, NULL, 0);
	net_destroy(n2, true, NULL, 0);
}

static void test_mac_limit_and_bad_frames(void **state)
{
	struct network *net = make_net("t3", 2);
	struct fake_port *a = fake_new(net, "a", 0), *b = fake_new(net, "b", 0);
	uint8_t src[6] = { 0x02, 1, 2, 3, 4, 0 };
	struct fake_frame f;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		src[5] = (uint8_t)i;
		frame_build(&f, bcast, src, 60);
		inject(a, &f);
	}
	/* Two sources learned and forwarded; three dropped for the limit. */
	assert_int_equal(outputs(b), 2);
	dp_pause();
	assert_int_equal(a->up.stats.drops[DROP_MAC_LIMIT], 3);
	dp_resume();

	/* A multicast source address is malformed. */
	frame_build(&f, mac_a, bcast, 60);
	inject(b, &f);
	/* An unknown GSO type is malformed. */
	frame_build(&f, bcast, mac_b, 60);
	f.hdr.gso_type = 9;
	inject(b, &f);
	/* A checksum offset beyond the frame is malformed. */
	frame_build(&f, bcast, mac_b, 60);
	f.hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	f.hdr.csum_start = 50;
	f.hdr.csum_offset = 16;
	inject(b, &f);
	assert_int_equal(outputs(a), 0);
	dp_pause();
	assert_int_equal(b->up.stats.drops[DROP_MALFORMED], 3);
	dp_resume();
	net_destroy(net, true, NULL, 0);
}

/* Build an Ethernet/IPv4/TCP frame with a TSO header and @payload bytes. */
static void tso_frame(struct fake_frame *f, const uint8_t *dst, const uint8_t *src,
		      size_t payload, uint16_t mss)
{
	uint8_t *ip = f->data + ETH_HDR_SIZE, *tcp = ip + 20;
	uint16_t tot = (uint16_t)(20 + 20 + payload);
	uint32_t sum;
	size_t i;

	memset(f->data, 0, ETH_HDR_SIZE + 40);
	memcpy(f->data, dst, 6);
	memcpy(f->data + 6, src, 6);
	f->data[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	tcp[0] = 0x30;
	tcp[1] = 0x39;
	tcp[3] = 80;
	tcp[7] = 1;		/* seq 1 */
	tcp[12] = 0x50;		/* 20-byte header */
	tcp[13] = 0x18;		/* PSH|ACK */
	tcp[14] = 0xff;
	for (i = 0; i < payload; i++)
		tcp[20 + i] = (uint8_t)(i * 7);
	/* As a guest would: the pseudo-header sum in the checksum field. */
	sum = csum_pseudo_ip4(ip + 12, ip + 16, 6, (uint32_t)(20 + payload));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	tcp[16] = (uint8_t)(sum >> 8);
	tcp[17] = (uint8_t)sum;
	f->size = ETH_HDR_SIZE + 40 + payload;
	memset(&f->hdr, 0, sizeof(f->hdr));
	f->hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	f->hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	f->hdr.gso_size = mss;
	f->hdr.hdr_len = ETH_HDR_SIZE + 40;
	f->hdr.csum_start = ETH_HDR_SIZE + 20;
	f->hdr.csum_offset = 16;
}

static void test_software_tso(void **state)
{
	struct network *net = make_net("t4", 16);
	struct fake_port *a = fake_new(net, "a", 0);
	struct fake_port *plain = fake_new(net, "plain", 0);
	struct fake_port *tso = fake_new(net, "tso", OFFLOAD_CSUM | OFFLOAD_TSO4 | OFFLOAD_TSO6);
	struct fake_frame f;
	size_t total = 0;
	unsigned int i;

	(void)state;
	tso_frame(&f, bcast, mac_a, 4000, 1448);
	inject(a, &f);
	/* The offload-capable port gets the frame as it was sent. */
	assert_int_equal(outputs(tso), 1);
	assert_int_equal(tso->out[0].size, f.size);
	assert_int_equal(tso->out[0].hdr.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	/* The other gets MSS-sized segments with valid checksums. */
	assert_int_equal(outputs(plain), 3);
	for (i = 0; i < 3; i++) {
		struct fake_frame *s = &plain->out[i];
		const uint8_t *ip = s->data + ETH_HDR_SIZE;
		size_t l4 = s->size - ETH_HDR_SIZE - 20;

		assert_int_equal(s->hdr.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		assert_int_equal(s->hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM, 0);
		assert_true(s->size <= ETH_HDR_SIZE + 40 + 1448);
		assert_int_equal(csum_fold(csum_partial(ip, 20, 0)), 0);
		assert_int_equal(csum_fold(csum_partial(ip + 20, l4,
					   csum_pseudo_ip4(ip + 12, ip + 16, 6, (uint32_t)l4))), 0);
		total += l4 - 20;
	}
	assert_int_equal(total, 4000);
	net_destroy(net, true, NULL, 0);
}

/* An Ethernet/IPv4/UDP frame from @src to @dport, as a DHCP client sends. */
static void udp_frame(struct fake_frame *f, const uint8_t *src, uint16_t dport, uint8_t ihl_words)
{
	uint8_t *ip = f->data + ETH_HDR_SIZE, *udp = ip + ihl_words * 4;

	memset(f, 0, sizeof(*f) - sizeof(f->data));
	memset(f->data, 0, 300);
	memcpy(f->data, bcast, 6);
	memcpy(f->data + 6, src, 6);
	f->data[12] = 0x08;
	ip[0] = (uint8_t)(0x40 | ihl_words);
	ip[9] = 17;
	udp[0] = 0;
	udp[1] = 68;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	f->size = 300;
}

/*
 * A receiver with no room: the frame is a no_buffers drop, not a frame
 * sent. (DROP_NO_BUFFERS was once 0, so -DROP_NO_BUFFERS read as success.)
 */
static void test_no_buffers_is_a_drop(void **state)
{
	struct network *net = make_net("tnb", 16);
	struct fake_port *a = fake_new(net, "a", 0), *b = fake_new(net, "b", 0);
	struct fake_frame f;
	unsigned int i;

	(void)state;
	dp_pause();
	b->full = true;
	dp_resume();
	frame_build(&f, bcast, mac_a, 60);
	for (i = 0; i < 20; i++)
		inject(a, &f);
	assert_int_equal(outputs(b), 0);
	assert_int_equal(counter_read(&b->up.stats.tx_packets), 0);
	assert_int_equal(counter_read(&b->up.stats.drops[DROP_NO_BUFFERS]), 20);
	assert_int_equal(counter_read(&a->up.stats.rx_packets), 20);
	net_destroy(net, true, NULL, 0);
}

/* A network takes NET_MAX_PORTS ports and refuses the next one, changing nothing. */
static void test_port_capacity(void **state)
{
	struct network *net = make_net("tcap", 16);
	struct fake_port *extra;
	char err[128];
	unsigned int i;

	(void)state;
	for (i = 0; i < NET_MAX_PORTS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "p%u", i);
		fake_new(net, name, 0);
	}
	assert_int_equal(net->nports, NET_MAX_PORTS);
	extra = calloc(1, sizeof(*extra));
	assert_non_null(extra);
	port_init(&extra->up, &fake_class,
		  &(struct port_spec){ .net = net, .net_name = net->name, .name = "extra", .params = NULL });
	assert_int_equal(dpif_port_attach(net, &extra->up, err, sizeof(err)), -ENOSPC);
	assert_string_equal(err, "network 'tcap' has the maximum of 256 ports");
	assert_int_equal(net->nports, NET_MAX_PORTS);
	free(extra);
	net_destroy(net, true, NULL, 0);
}

/* A service frame bigger than a slot is refused, never copied. */
static void test_service_frame_size_checked(void **state)
{
	static struct svc_frame big;

	(void)state;
	memset(&big, 0, sizeof(big));
	big.size = SVC_FRAME_MAX + 1;
	big.port_uid = 1;
	assert_int_equal(dp_svc_send(&big), -ENOBUFS);
	big.size = UINT16_MAX;
	assert_int_equal(dp_svc_send_burst(&big, 1), 1);
}

static void test_service_divert_and_reply(void **state)
{
	struct network *net = make_net("t5", 16);
	struct fake_port *a = fake_new(net, "a", 0), *b = fake_new(net, "b", 0);
	struct svc_ring *ring = dp_svc_rx_ring();
	struct svc_frame *got, reply;
	struct fake_frame f;
	int i;

	(void)state;
	/* DHCP off: a request is an ordinary broadcast. */
	udp_frame(&f, mac_a, 67, 5);
	inject(a, &f);
	assert_int_equal(outputs(b), 1);
	assert_null(svc_ring_peek(ring));

	dp_pause();
	net->dhcp_divert = true;
	dp_resume();
	inject(a, &f);
	udp_frame(&f, mac_a, 67, 6);	/* with IP options */
	inject(a, &f);
	udp_frame(&f, mac_a, 68, 5);	/* not to the server port: forwarded */
	inject(a, &f);
	assert_int_equal(outputs(b), 2);

	for (i = 0; i < 2; i++) {
		got = svc_ring_peek(ring);
		assert_non_null(got);
		assert_int_equal(got->size, 300);
		assert_int_equal(got->port_uid, a->up.uid);
		assert_int_equal(got->net_uid, net->uid);
		assert_memory_equal(got->data + 6, mac_a, 6);
		svc_ring_release(ring);
	}
	assert_null(svc_ring_peek(ring));

	/* A reply goes to the named port only; one to a vanished port is dropped. */
	memset(&reply, 0, sizeof(reply));
	frame_build(&f, mac_a, mac_c, 342);
	memcpy(reply.data, f.data, 342);
	reply.size = 342;
	reply.port_uid = a->up.uid;
	assert_int_equal(dp_svc_send(&reply), 0);
	reply.port_uid = 999999;
	assert_int_equal(dp_svc_send(&reply), 0);
	for (i = 0; i < 1000 && outputs(a) < 1; i++)
		usleep(1000);
	assert_int_equal(outputs(a), 1);
	assert_int_equal(a->out[0].size, 342);
	assert_memory_equal(a->out[0].data, f.data, 342);
	usleep(20000);
	assert_int_equal(outputs(b), 2);
	net_destroy(net, true, NULL, 0);
}

/* An ARP request from @src for @target (network order). */
static void arp_frame(struct fake_frame *f, const uint8_t *src, uint32_t target, uint16_t op)
{
	memset(f, 0, sizeof(*f) - sizeof(f->data));
	memset(f->data, 0, 60);
	memcpy(f->data, bcast, 6);
	memcpy(f->data + 6, src, 6);
	f->data[12] = 0x08;
	f->data[13] = 0x06;
	memcpy(f->data + 14, "\x00\x01\x08\x00\x06\x04", 6);
	f->data[21] = (uint8_t)op;
	memcpy(f->data + 22, src, 6);
	memcpy(f->data + 38, &target, 4);
	f->size = 60;
}

/* ARP requests for the DHCP server's address go to the service; others are switched. */
static void test_service_divert_arp(void **state)
{
	struct network *net = make_net("t6", 16);
	struct fake_port *a = fake_new(net, "a", 0), *b = fake_new(net, "b", 0);
	struct svc_ring *ring = dp_svc_rx_ring();
	uint32_t server = htonl(0x0a000001), other = htonl(0x0a000002);
	struct svc_frame *got;
	struct fake_frame f;

	(void)state;
	dp_pause();
	net->dhcp_divert = true;
	net->dhcp_arp_ip = server;
	dp_resume();
	arp_frame(&f, mac_a, server, 1);
	inject(a, &f);
	arp_frame(&f, mac_a, other, 1);		/* someone else's address: flooded */
	inject(a, &f);
	arp_frame(&f, mac_a, server, 2);		/* a reply, not a request: flooded */
	inject(a, &f);
	assert_int_equal(outputs(b), 2);
	got = svc_ring_peek(ring);
	assert_non_null(got);
	assert_int_equal(got->size, 60);
	assert_int_equal(got->data[13], 0x06);
	svc_ring_release(ring);
	assert_null(svc_ring_peek(ring));
	/* Without a server address to answer for, ARP is never diverted. */
	dp_pause();
	net->dhcp_arp_ip = 0;
	dp_resume();
	arp_frame(&f, mac_a, server, 1);
	inject(a, &f);
	assert_int_equal(outputs(b), 3);
	assert_null(svc_ring_peek(ring));
	net_destroy(net, true, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood_then_unicast),
		cmocka_unit_test(test_burst_order),
		cmocka_unit_test(test_no_leak_between_networks),
		cmocka_unit_test(test_mac_limit_and_bad_frames),
		cmocka_unit_test(test_software_tso),
		cmocka_unit_test(test_no_buffers_is_a_drop),
		cmocka_unit_test(test_port_capacity),
		cmocka_unit_test(test_service_frame_size_checked),
		cmocka_unit_test(test_service_divert_and_reply),
		cmocka_unit_test(test_service_divert_arp),
	};

	log_init("test_datapath", LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, setup, teardown);
}
