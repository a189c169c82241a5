// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_capture.c - packet capture: session selection (network, port,
 * direction), BPF filters from libpcap on scatter-gather frames, snaplen and
 * count, a full queue dropping and counting, the pcap stream read back with
 * libpcap, the control commands end to end with the real datapath and fake
 * ports, and netctl's argument parsing and one-line frame summaries.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "capture_bpf.h"
#include "cmd_handlers.h"
#include "ctl.h"
#include "datapath.h"
#include "dpif.h"
#include "loop.h"
#include "network.h"
#include "port.h"
/* netctl is a program, not a library: its sources are compiled in here. */
#include "../../netctl/args.c"
#include "../../netctl/help.c"
#include "../../netctl/capture.c"

#define NET_UID		7
#define PORT_A		11
#define PORT_B		12

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0xa };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0xb };

struct frame {
	uint8_t data[2048];
	size_t size;
	struct dp_pkt pkt;
};

static uint16_t ip_csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * An IPv4 frame from a to b: @proto 1 (ICMP echo request), 6 (TCP, SYN to
 * @dport) or 17 (UDP to @dport), padded with payload to @size bytes. The
 * dp_pkt splits it in three segments so the filter must see through them.
 */
static void frame_ipv4(struct frame *f, uint8_t proto, uint16_t dport, size_t size)
{
	uint8_t *ip = f->data + 14, *l4 = ip + 20;
	size_t i;

	memset(f, 0, sizeof(*f));
	memcpy(f->data, mac_b, 6);
	memcpy(f->data + 6, mac_a, 6);
	f->data[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((size - 14) >> 8);
	ip[3] = (uint8_t)(size - 14);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(ip + 16, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	ip[10] = 0;
	ip[11] = 0;
	{
		uint16_t c = ip_csum(ip, 20);

		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	}
	if (proto == 1) {
		l4[0] = 8;
		l4[5] = 3;	/* id 3 */
		l4[7] = 1;	/* seq 1 */
	} else {
		l4[0] = 0x9c;
		l4[1] = 0x40;	/* source port 40000 */
		l4[2] = (uint8_t)(dport >> 8);
		l4[3] = (uint8_t)dport;
		if (proto == 6) {
			l4[12] = 5 << 4;
			l4[13] = 0x02;
		} else {
			l4[4] = (uint8_t)((size - 34) >> 8);
			l4[5] = (uint8_t)(size - 34);
		}
	}
	for (i = 14 + 20 + 20; i < size; i++)
		f->data[i] = (uint8_t)i;
	f->size = size;

	memcpy(f->pkt.eth, f->data, 14);
	f->pkt.size = (uint32_t)size;
	f->pkt.niov = 3;
	f->pkt.iov[0].iov_base = f->data + 14;
	f->pkt.iov[0].iov_len = 10;		/* the IP header straddles two segments */
	f->pkt.iov[1].iov_base = f->data + 24;
	f->pkt.iov[1].iov_len = 16;		/* ... and the transport header too */
	f->pkt.iov[2].iov_base = f->data + 40;
	f->pkt.iov[2].iov_len = size - 40;
}

static struct capture_session *session(const char *filter, uint64_t port_uid,
				       unsigned int directions, int fd)
{
	struct capture_spec spec = {
		.net_uid = NET_UID, .port_uid = port_uid, .directions = directions,
		.snaplen = CAPTURE_SNAPLEN_MAX, .buffer_size = CAPTURE_BUFFER_MIN,
		.filter = filter,
	};
	struct capture_session *s = NULL;
	char err[256];

	assert_int_equal(capture_session_new(&spec, fd, &s, err, sizeof(err)), 0);
	return s;
}

static int memfd(void)
{
	int fd = memfd_create("capture", MFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* Read the pcap stream in @fd back with libpcap. Return: records; headers and bytes in the arrays. */
static int read_back(int fd, struct pcap_pkthdr *hdrs, uint8_t (*bytes)[2048], int max,
		     int *linktype)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	FILE *fp;
	pcap_t *p;
	int n = 0;

	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	fp = fdopen(dup(fd), "r");
	assert_non_null(fp);
	p = pcap_fopen_offline(fp, errbuf);
	if (!p)
		fail_msg("libpcap refused the stream: %s", errbuf);
	*linktype = pcap_datalink(p);
	while (pcap_next_ex(p, &h, &data) == 1) {
		assert_true(n < max);
		hdrs[n] = *h;
		memcpy(bytes[n], data, h->caplen < 2048 ? h->caplen : 2048);
		n++;
	}
	pcap_close(p);
	return n;
}

static void test_filter_selects(void **state)
{
	static struct pcap_pkthdr hdrs[8];
	static uint8_t bytes[8][2048];
	struct frame icmp, http, dns;
	struct capture_session *s;
	struct capture_stats st;
	struct timespec before;
	int fd = memfd(), linktype, n;

	(void)state;
	frame_ipv4(&icmp, 1, 0, 98);
	frame_ipv4(&http, 6, 80, 74);
	frame_ipv4(&dns, 17, 53, 80);
	clock_gettime(CLOCK_REALTIME, &before);

	s = session("icmp or tcp port 80", 0, CAPTURE_IN, fd);
	assert_true(capture_session_offer(s, NET_UID, PORT_A, CAPTURE_IN, &icmp.pkt));
	assert_false(capture_session_offer(s, NET_UID, PORT_A, CAPTURE_IN, &dns.pkt));
	assert_true(capture_session_offer(s, NET_UID, PORT_B, CAPTURE_IN, &http.pkt));
	/* Another network, or the other direction: not ours. */
	assert_false(capture_session_offer(s, NET_UID + 1, PORT_A, CAPTURE_IN, &icmp.pkt));
	assert_false(capture_session_offer(s, NET_UID, PORT_A, CAPTURE_OUT, &icmp.pkt));
	/* vswitchd's own frames enter a network capture. */
	assert_true(capture_session_offer(s, NET_UID, 0, CAPTURE_IN, &icmp.pkt));
	assert_int_equal(capture_session_flush(s), 0);
	capture_session_stats(s, &st);
	assert_int_equal(st.captured, 3);
	assert_int_equal(st.matched, 3);
	assert_int_equal(st.dropped, 0);

	n = read_back(fd, hdrs, bytes, 8, &linktype);
	assert_int_equal(n, 3);
	assert_int_equal(linktype, DLT_EN10MB);
	assert_int_equal(hdrs[0].caplen, 98);
	assert_int_equal(hdrs[0].len, 98);
	assert_memory_equal(bytes[0], icmp.data, 98);
	assert_int_equal(hdrs[1].len, 74);
	assert_memory_equal(bytes[1], http.data, 74);
	/* Timestamps are wall-clock time, taken when the frame was offered. */
	assert_true(hdrs[0].ts.tv_sec >= before.tv_sec && hdrs[0].ts.tv_sec <= time(NULL));
	capture_session_free(s);
	close(fd);
}

static void test_port_and_direction(void **state)
{
	struct frame f;
	struct capture_session *in_a, *out_a, *both_b;
	int fd1 = memfd(), fd2 = memfd(), fd3 = memfd();

	(void)state;
	frame_ipv4(&f, 17, 53, 80);
	in_a = session("", PORT_A, CAPTURE_IN, fd1);
	out_a = session(NULL, PORT_A, CAPTURE_OUT, fd2);
	both_b = session("udp", PORT_B, CAPTURE_BOTH, fd3);

	/* a sends to b: "in" on a, "out" on b. */
	assert_true(capture_session_offer(in_a, NET_UID, PORT_A, CAPTURE_IN, &f.pkt));
	assert_false(capture_session_offer(out_a, NET_UID, PORT_A, CAPTURE_IN, &f.pkt));
	assert_false(capture_session_offer(both_b, NET_UID, PORT_A, CAPTURE_IN, &f.pkt));
	assert_false(capture_session_offer(in_a, NET_UID, PORT_B, CAPTURE_OUT, &f.pkt));
	assert_false(capture_session_offer(out_a, NET_UID, PORT_B, CAPTURE_OUT, &f.pkt));
	assert_true(capture_session_offer(both_b, NET_UID, PORT_B, CAPTURE_OUT, &f.pkt));
	/* b answers: "in" on b, "out" on a. */
	assert_true(capture_session_offer(both_b, NET_UID, PORT_B, CAPTURE_IN, &f.pkt));
	assert_true(capture_session_offer(out_a, NET_UID, PORT_A, CAPTURE_OUT, &f.pkt));
	/* vswitchd's own frames are not "in" on any port. */
	assert_false(capture_session_offer(in_a, NET_UID, 0, CAPTURE_IN, &f.pkt));
	capture_session_free(in_a);
	capture_session_free(out_a);
	capture_session_free(both_b);
}

static void test_snaplen_and_count(void **state)
{
	static struct pcap_pkthdr hdrs[8];
	static uint8_t bytes[8][2048];
	struct capture_spec spec = {
		.net_uid = NET_UID, .directions = CAPTURE_BOTH, .snaplen = 60,
		.count = 3, .buffer_size = CAPTURE_BUFFER_MIN, .filter = "ether src 02:00:00:00:00:0a",
	};
	struct capture_session *s;
	struct capture_stats st;
	struct frame f;
	char err[256];
	int fd = memfd(), linktype, i;

	(void)state;
	frame_ipv4(&f, 17, 53, 1000);
	assert_int_equal(capture_session_new(&spec, fd, &s, err, sizeof(err)), 0);
	for (i = 0; i < 3; i++)
		assert_true(capture_session_offer(s, NET_UID, PORT_A, CAPTURE_IN, &f.pkt));
	/* The count is reached: further frames are not offered, and not drops. */
	assert_false(capture_session_offer(s, NET_UID, PORT_A, CAPTURE_IN, &f.pkt));
	assert_int_equal(capture_session_flush(s), 0);
	capture_session_stats(s, &st);
	assert_int_equal(st.captured, 3);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(read_back(fd, hdrs, bytes, 8, &linktype), 3);
	assert_int_equal(hdrs[2].caplen, 60);
	assert_int_equal(hdrs[2].len, 1000);
	assert_memory_equal(bytes[2], f.data, 60);
	capture_session_free(s);
}

static void test_full_queue_drops(void **state)
{
	struct capture_session *s;
	struct capture_stats st;
	struct frame f;
	int fd = memfd(), i, queued = 0;

	(void)state;
	frame_ipv4(&f, 6, 80, 1500);
	s = session("tcp", 0, CAPTURE_IN, fd);
	/* Nobody drains the 64 KiB queue: 43 records of 1516 bytes fit. */
	for (i = 0; i < 100; i++)
		queued += capture_session_offer(s, NET_UID, PORT_A, CAPTURE_IN, &f.pkt);
	assert_int_equal(queued, CAPTURE_BUFFER_MIN / (16 + 1500));
	capture_session_stats(s, &st);
	assert_int_equal(st.matched, 100);
	assert_int_equal(st.dropped, 100);	/* queued but not yet written count as dropped so far */
	assert_int_equal(capture_session_flush(s), 0);
	capture_session_stats(s, &st);
	assert_int_equal(st.captured, (uint64_t)queued);
	assert_int_equal(st.dropped, (uint64_t)(100 - queued));
	/* Room again after the writer caught up. */
	assert_true(capture_session_offer(s, NET_UID, PORT_A, CAPTURE_IN, &f.pkt));
	capture_session_free(s);
}

static void test_bad_filter_and_spec(void **state)
{
	struct capture_spec spec = {
		.net_uid = NET_UID, .directions = CAPTURE_IN, .snaplen = 100,
		.buffer_size = CAPTURE_BUFFER_MIN, .filter = "tcp prot 80",
	};
	struct capture_session *s = NULL;
	char err[256];
	int fd = memfd();

	(void)state;
	assert_int_equal(capture_session_new(&spec, fd, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "syntax error"));	/* libpcap's own words */
	assert_non_null(strstr(err, "tcp prot 80"));
	spec.filter = "";
	spec.snaplen = 0;
	assert_int_equal(capture_session_new(&spec, fd, &s, err, sizeof(err)), -EINVAL);
	spec.snaplen = 100;
	spec.directions = 0;
	assert_int_equal(capture_session_new(&spec, fd, &s, err, sizeof(err)), -EINVAL);
	spec.directions = CAPTURE_IN;
	spec.buffer_size = 1;
	assert_int_equal(capture_session_new(&spec, fd, &s, err, sizeof(err)), -EINVAL);
	close(fd);	/* refused: the descriptor stayed ours */
}

static void test_reader_gone(void **state)
{
	struct capture_session *s;
	struct frame f;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	frame_ipv4(&f, 1, 0, 98);
	s = session("", 0, CAPTURE_IN, fds[1]);
	assert_true(capture_session_offer(s, NET_UID, PORT_A, CAPTURE_IN, &f.pkt));
	assert_int_equal(capture_session_flush(s), -EPIPE);
	capture_session_free(s);
}

/*
 * capture's own BPF interpreter agrees with libpcap's bpf_filter() on every
 * filter below, over frames of many kinds, each in one segment, in odd
 * segments and one byte per segment (loads that straddle segments).
 */
static void split(struct dp_pkt *pkt, uint8_t *data, size_t size, size_t seg)
{
	size_t off = ETH_HDR_SIZE;

	memcpy(pkt->eth, data, ETH_HDR_SIZE);
	pkt->size = (uint32_t)size;
	pkt->niov = 0;
	while (off < size && pkt->niov < DP_MAX_IOV) {
		size_t n = size - off < seg ? size - off : seg;

		if (pkt->niov == DP_MAX_IOV - 1)
			n = size - off;
		pkt->iov[pkt->niov].iov_base = data + off;
		pkt->iov[pkt->niov].iov_len = n;
		pkt->niov++;
		off += n;
	}
}

static void test_interpreter_matches_libpcap(void **state)
{
	static const char *const filters[] = {
		"", "icmp", "tcp port 80", "udp port 53", "arp", "ip6", "tcp", "ip",
		"ether host 02:00:00:00:00:0a", "ether src 02:00:00:00:00:0a and not ip6",
		"ether dst 02:00:00:00:00:0b", "ether broadcast", "ether multicast",
		"vlan", "vlan and icmp", "vlan 100 and udp", "tcp[13] & 2 != 0", "ip[2:2] > 80",
		"len > 100", "greater 90", "less 70", "ip[6:2] & 0x1fff != 0",
		"portrange 50-60", "net 10.0.0.0/8", "host 10.0.0.2", "src host 10.0.0.1",
		"icmp[icmptype] == icmp-echo", "tcp[tcpflags] & tcp-syn != 0",
		"ether[0] & 1 = 0", "ip and (udp or icmp)", "ip6 and tcp port 80",
		"ether proto 0x88b5", "udp[8:4] = 0x01020304", "ip[0] & 0xf > 5",
		"tcp dst port 80 and (ip[2:2] - ((ip[0]&0xf)<<2) - ((tcp[12]&0xf0)>>2)) != 0",
		"ip[8] * 2 = 128", "ip[8] / 2 = 32", "ip[8] % 3 = 1", "ip[1] ^ 3 = 3",
		"ip[8] - 1 = 63", "ip[8] + 1 = 65", "ip[8] | 1 = 65", "-ip[8] = -64",
		"ip[8] >> 1 = 32", "ether[len - 1] = 0x3f", "ether[1000] = 0", "ip6 and icmp6",
		"ip multicast", "udp and ip[9] = 17 and udp[4:2] > 8",
	};
	static uint8_t frames[12][2048];
	size_t sizes[12];
	static const size_t segs[] = { 4096, 7, 1 };
	struct frame f;
	struct dp_pkt pkt;
	unsigned int i, j, k, n = 0, accepted = 0, rejected = 0;

	(void)state;
	frame_ipv4(&f, 1, 0, 98);
	memcpy(frames[n], f.data, 98), sizes[n++] = 98;
	frame_ipv4(&f, 6, 80, 300);
	memcpy(frames[n], f.data, 300), sizes[n++] = 300;
	frame_ipv4(&f, 17, 53, 80);
	memcpy(frames[n], f.data, 80), sizes[n++] = 80;
	frame_ipv4(&f, 17, 55, 1500);
	memcpy(frames[n], f.data, 1500), sizes[n++] = 1500;
	/* IP options (ihl 6), a fragment, a truncated IP header, a runt. */
	frame_ipv4(&f, 6, 80, 120);
	f.data[14] = 0x46;
	memcpy(frames[n], f.data, 120), sizes[n++] = 120;
	frame_ipv4(&f, 17, 53, 80);
	f.data[20] = 0x00;
	f.data[21] = 0x10;
	memcpy(frames[n], f.data, 80), sizes[n++] = 80;
	memcpy(frames[n], f.data, 30), sizes[n++] = 30;
	memcpy(frames[n], f.data, 14), sizes[n++] = 14;
	/* 802.1Q vlan 100 around ICMP. */
	frame_ipv4(&f, 1, 0, 98);
	memcpy(frames[n], f.data, 12);
	memcpy(frames[n] + 12, "\x81\x00\x00\x64", 4);
	memcpy(frames[n] + 16, f.data + 12, 86);
	sizes[n++] = 102;
	/* IPv6 TCP to port 80, ARP, and noise. */
	memcpy(frames[n], f.data, 12);
	memcpy(frames[n] + 12, "\x86\xdd\x60\x00\x00\x00\x00\x14\x06\x40", 10);
	memset(frames[n] + 22, 0x11, 32);
	memset(frames[n] + 54, 0, 20);
	frames[n][56] = 0;
	frames[n][57] = 80;
	sizes[n++] = 74;
	memcpy(frames[n], "\xff\xff\xff\xff\xff\xff\x02\0\0\0\0\x0a\x08\x06\0\x01\x08\0\x06\x04\0\x01", 22);
	sizes[n++] = 60;
	srand(42);
	for (i = 0; i < 200; i++)
		frames[n][i] = (uint8_t)rand();
	sizes[n++] = 200;

	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		if (!capture_filter_native(filters[i], CAPTURE_SNAPLEN_MAX))
			fail_msg("filter '%s' does not run in capture's interpreter", filters[i]);
		for (j = 0; j < n; j++) {
			for (k = 0; k < sizeof(segs) / sizeof(segs[0]); k++) {
				uint32_t ours, theirs;

				split(&pkt, frames[j], sizes[j], segs[k]);
				ours = capture_filter_test(filters[i], &pkt, true);
				theirs = capture_filter_test(filters[i], &pkt, false);
				if (ours != theirs)
					fail_msg("filter '%s', frame %u, segments of %zu: ours %u, libpcap %u",
						 filters[i], j, segs[k], ours, theirs);
				ours ? accepted++ : rejected++;
			}
		}
	}
	/* Both answers are well represented, so agreeing means something. */
	assert_true(accepted > 200 && rejected > 200);
}

/* ------------------------------------ control commands with the datapath */

struct fake_port {
	struct port up;
	struct frame in[4];
	unsigned int n_in, next_in;
	unsigned int n_out;
};

static int fake_rx_burst(struct port *port, struct dp_pkt *pkts, int max)
{
	struct fake_port *fp = (struct fake_port *)port;
	int n = 0;

	while (n < max && fp->next_in < fp->n_in)
		pkts[n++] = fp->in[fp->next_in++].pkt;
	return n;
}

static int fake_tx(struct port *port, const struct dp_pkt *pkt)
{
	(void)pkt;
	((struct fake_port *)port)->n_out++;
	return 0;
}

static void fake_destroy(struct port *port, bool remove)
{
	close(port->rx_fd);
	free(port);
}

static const struct port_class fake_class = {
	.type = "fake",
	.destroy = fake_destroy,
	.rx_burst = fake_rx_burst,
	.tx = fake_tx,
};

static struct fake_port *fake_new(struct network *net, const char *name)
{
	struct fake_port *fp = calloc(1, sizeof(*fp));

	assert_non_null(fp);
	port_init(&fp->up, &fake_class, &(struct port_spec){ .net = net, .net_name = net->name, .name = name, .params = json_object() });
	fp->up.rx_fd = eventfd(0, EFD_NONBLOCK);
	fp->up.rx_fd_drain = true;
	fp->up.up = true;
	{
		char attach_err[128];

		assert_int_equal(dpif_port_attach(net, &fp->up, attach_err, sizeof(attach_err)), 0);
	}
	return fp;
}

static void inject(struct fake_port *from, const struct frame *f)
{
	int i;

	dp_pause();
	from->in[from->n_in++] = *f;
	from->in[from->n_in - 1].pkt.iov[0].iov_base = from->in[from->n_in - 1].data + 14;
	from->in[from->n_in - 1].pkt.iov[1].iov_base = from->in[from->n_in - 1].data + 24;
	from->in[from->n_in - 1].pkt.iov[2].iov_base = from->in[from->n_in - 1].data + 40;
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

static struct loop *test_loop;
static int event_sock = -1;

/* Run the control loop until the capture.end event arrives on @sock. */
static void on_poll(struct loop *l, int fd, uint32_t events, void *opaque)
{
	char c;

	(void)fd;
	(void)events;
	(void)opaque;
	if (recv(event_sock, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1)
		loop_stop(l);
}

static json_t *wait_event(int sock)
{
	char line[4096];
	json_error_t jerr;
	ssize_t n;
	int timer;

	event_sock = sock;
	timer = loop_timer_add(test_loop, 10, 10, on_poll, NULL);
	assert_true(timer >= 0);
	loop_run(test_loop);
	loop_timer_del(test_loop, timer);
	n = recv(sock, line, sizeof(line) - 1, 0);
	assert_true(n > 0);
	line[n] = '\0';
	return json_loads(line, 0, &jerr);
}

static json_t *start(json_t *params, int out_fd, int conn_fd, int expect_ret, char *err)
{
	struct ctl_request req = { .params = params, .nfds = 1, .conn_fd = conn_fd };
	json_t *result = NULL;

	req.fds[0] = dup(out_fd);
	assert_int_equal(cmd_capture_start(&req, &result, err, 256), expect_ret);
	if (!expect_ret)
		assert_int_equal(req.fds[0], -1);	/* the session kept it */
	else
		close(req.fds[0]);	/* as ctl_dispatch() does with fds left over */
	json_decref(params);
	return result;
}

static void test_commands_end_to_end(void **state)
{
	static struct pcap_pkthdr hdrs[8];
	static uint8_t bytes[8][2048];
	struct fake_port *a, *b;
	struct network *net;
	struct frame ping, http;
	json_t *params, *result, *event;
	int conn[2], out_a = memfd(), out_net = memfd(), linktype, event_fd;
	char err[256];

	(void)state;
	event_fd = eventfd(0, EFD_NONBLOCK);
	assert_int_equal(dp_start(-1, event_fd), 0);
	test_loop = loop_new();
	assert_non_null(test_loop);
	assert_int_equal(capture_ctl_init(test_loop), 0);
	params = json_pack("{s:s, s:s}", "name", "cap", "mode", "isolated");
	assert_int_equal(net_create(params, false, &net, err, sizeof(err)), 0);
	json_decref(params);
	a = fake_new(net, "a");
	b = fake_new(net, "b");
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, conn), 0);

	/* Unknown network or port, bad filter: refused, descriptor not taken. */
	start(json_pack("{s:s}", "net", "nope"), out_a, conn[0], -ENOENT, err);
	assert_string_equal(err, "network 'nope' not found");
	start(json_pack("{s:s, s:s}", "net", "cap", "port", "zz"), out_a, conn[0], -ENOENT, err);
	assert_string_equal(err, "port 'zz' not found in network 'cap'");
	start(json_pack("{s:s, s:s}", "net", "cap", "filter", "icmp and"), out_a, conn[0], -EINVAL, err);
	assert_non_null(strstr(err, "syntax error"));

	/* Port a, out only, ICMP; the whole network, default direction (in). */
	result = start(json_pack("{s:s, s:s, s:s, s:s}", "net", "cap", "port", "a",
				 "direction", "out", "filter", "icmp"), out_a, conn[0], 0, err);
	assert_string_equal(json_string_value(json_object_get(result, "direction")), "out");
	json_decref(result);
	result = start(json_pack("{s:s, s:i}", "net", "cap", "count", 2), out_net, conn[0], 0, err);
	assert_string_equal(json_string_value(json_object_get(result, "direction")), "in");
	json_decref(result);
	assert_int_equal(capture_directions, CAPTURE_BOTH);

	frame_ipv4(&ping, 1, 0, 98);	/* from a to b */
	frame_ipv4(&http, 6, 80, 74);
	memcpy(http.data, mac_a, 6);	/* from b to a */
	memcpy(http.data + 6, mac_b, 6);
	memcpy(http.pkt.eth, http.data, 14);
	inject(a, &ping);		/* in on a, out on b: neither is "out on a" */
	inject(b, &http);		/* out on a, but not ICMP */
	memcpy(ping.data, mac_a, 6);
	memcpy(ping.data + 6, mac_b, 6);
	memcpy(ping.pkt.eth, ping.data, 14);
	inject(b, &ping);		/* out on a, ICMP: captured */

	/* The network capture reached its count of 2 and ends by itself. */
	event = wait_event(conn[1]);
	assert_non_null(event);
	assert_string_equal(json_string_value(json_object_get(event, "event")), "capture.end");
	assert_string_equal(json_string_value(json_object_get(json_object_get(event, "params"), "reason")), "count");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(event, "params"), "captured")), 2);
	json_decref(event);
	assert_int_equal(read_back(out_net, hdrs, bytes, 8, &linktype), 2);
	assert_memory_equal(bytes[0], "\x02\0\0\0\0\x0b\x02\0\0\0\0\x0a", 12);
	assert_int_equal(hdrs[1].len, 74);

	/* The client goes away: its port capture ends, with no event to send. */
	capture_ctl_conn_closed(conn[0]);
	close(conn[0]);
	{
		int i;

		for (i = 0; i < 200 && capture_directions; i++)
			usleep(1000);
	}
	assert_int_equal(capture_directions, 0);
	capture_ctl_shutdown();
	assert_int_equal(read_back(out_a, hdrs, bytes, 8, &linktype), 1);
	assert_int_equal(hdrs[0].len, 98);
	assert_memory_equal(bytes[0], ping.data, 98);

	close(conn[1]);
	close(out_a);
	close(out_net);
	net_shutdown();
	dp_stop();
	loop_free(test_loop);
}

/* ------------------------------------------------------------- netctl */

static void test_netctl_parse(void **state)
{
	char *argv[] = { "lab", "--port", "vm1", "-c", "5", "icmp", "and", "-w", "out.pcap",
			 "host", "10.0.0.1", "--direction=in", "-s96", NULL };
	struct netctl_capture_args args;
	char err[256];
	json_t *params;

	(void)state;
	assert_int_equal(netctl_capture_parse(13, argv, &args, err, sizeof(err)), 0);
	assert_string_equal(args.net, "lab");
	assert_string_equal(args.port, "vm1");
	assert_string_equal(args.direction, "in");
	assert_string_equal(args.output, "out.pcap");
	assert_int_equal(args.count, 5);
	assert_int_equal(args.snaplen, 96);
	assert_string_equal(args.filter, "icmp and host 10.0.0.1");
	params = netctl_capture_params(&args);
	assert_string_equal(json_string_value(json_object_get(params, "filter")), "icmp and host 10.0.0.1");
	assert_int_equal(json_integer_value(json_object_get(params, "count")), 5);
	json_decref(params);
	netctl_capture_args_clear(&args);

	{
		char *bad1[] = { "lab", "--direction", "sideways" };
		char *bad2[] = { "lab", "-c", "0" };
		char *bad3[] = { "--port", "a" };
		char *bad4[] = { "lab", "-x" };
		char *bad5[] = { "lab", "-w" };

		assert_int_equal(netctl_capture_parse(3, bad1, &args, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "sideways"));
		assert_int_equal(netctl_capture_parse(3, bad2, &args, err, sizeof(err)), -EINVAL);
		assert_int_equal(netctl_capture_parse(2, bad3, &args, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "missing NET"));
		assert_int_equal(netctl_capture_parse(2, bad4, &args, err, sizeof(err)), -EINVAL);
		assert_int_equal(netctl_capture_parse(2, bad5, &args, err, sizeof(err)), -EINVAL);
	}
	{
		char *dashes[] = { "lab", "--", "-c" };

		assert_int_equal(netctl_capture_parse(3, dashes, &args, err, sizeof(err)), 0);
		assert_string_equal(args.filter, "-c");
		netctl_capture_args_clear(&args);
	}
}

static void test_netctl_format(void **state)
{
	static const uint8_t arp[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x06,
		0, 1, 0x08, 0, 6, 4, 0, 1, 0x02, 0, 0, 0, 0, 0x0a, 10, 0, 0, 1,
		0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
	};
	char line[512];
	struct frame f;
	struct tm tm = { .tm_year = 124, .tm_mon = 0, .tm_mday = 2, .tm_hour = 3, .tm_min = 4, .tm_sec = 5, .tm_isdst = -1 };
	uint32_t ts = (uint32_t)mktime(&tm);

	(void)state;
	frame_ipv4(&f, 1, 0, 98);
	netctl_capture_format(line, sizeof(line), ts, 42, f.data, 98, 98);
	assert_string_equal(line, "03:04:05.000042 02:00:00:00:00:0a > 02:00:00:00:00:0b, ethertype IPv4 (0x0800), "
			    "length 98: 10.0.0.1 > 10.0.0.2: ICMP echo request, id 3, seq 1, length 64");
	frame_ipv4(&f, 6, 80, 74);
	netctl_capture_format(line, sizeof(line), ts, 0, f.data, 74, 74);
	assert_non_null(strstr(line, "10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 0, win 0, length 20"));
	frame_ipv4(&f, 17, 53, 80);
	netctl_capture_format(line, sizeof(line), ts, 0, f.data, 80, 80);
	assert_non_null(strstr(line, "10.0.0.1.40000 > 10.0.0.2.53: UDP, length 38"));
	netctl_capture_format(line, sizeof(line), ts, 0, arp, 42, 42);
	assert_non_null(strstr(line, "ethertype ARP (0x0806), length 42: Request who-has 10.0.0.2 tell 10.0.0.1"));
	/* Truncated captures never read past what was captured. */
	netctl_capture_format(line, sizeof(line), ts, 0, f.data, 30, 80);
	assert_non_null(strstr(line, "[|ip]"));
	netctl_capture_format(line, sizeof(line), ts, 0, f.data, 10, 80);
	assert_non_null(strstr(line, "[|ether], length 80"));
	/* A tiny buffer is filled, not overrun. */
	netctl_capture_format(line, 8, ts, 0, f.data, 80, 80);
	assert_int_equal(strlen(line), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_selects),
		cmocka_unit_test(test_port_and_direction),
		cmocka_unit_test(test_snaplen_and_count),
		cmocka_unit_test(test_full_queue_drops),
		cmocka_unit_test(test_bad_filter_and_spec),
		cmocka_unit_test(test_reader_gone),
		cmocka_unit_test(test_interpreter_matches_libpcap),
		cmocka_unit_test(test_commands_end_to_end),
		cmocka_unit_test(test_netctl_parse),
		cmocka_unit_test(test_netctl_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
