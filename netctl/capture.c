/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture.c - `netctl capture`: vswitchd writes the pcap stream to a
 * descriptor netctl passes with capture.start (SCM_RIGHTS), so a file is
 * created with the caller's rights and `-w -` feeds a pipe. Without -w,
 * netctl passes a pipe's write end and prints a line per record it reads.
 *
 * The conversation: capture.start with "check" first (nothing is opened
 * or truncated for a request vswitchd would refuse), then capture.start
 * with the descriptor; the capture lives while this connection does.
 * Ctrl-C sends capture.stop; either way vswitchd closes the output and
 * then sends the capture.end event with the counters, printed like
 * tcpdump's on standard error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "ether.h"
#include "ctl.h"
#include "errline.h"
#include "help.h"
#include "names.h"
#include "value.h"

#define PCAP_FILE_HDR_SIZE	24
#define PCAP_REC_HDR_SIZE	16
#define PCAP_SNAPLEN_MAX	262144
#define READ_BUF_SIZE		(PCAP_FILE_HDR_SIZE + PCAP_REC_HDR_SIZE + PCAP_SNAPLEN_MAX + 65536)

static void capture_set_error(char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void capture_set_error(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ parsing */

static int parse_number(const char *option, const char *text, uint32_t min, uint32_t max,
			uint32_t *value, char *err, size_t err_size)
{
	if (value_parse_count(text, min, max, value) < 0) {
		capture_set_error(err, err_size, "invalid value '%s' for %s: expected a whole number from %u to %u",
			  text, option, min, max);
		return -EINVAL;
	}
	return 0;
}

static int append_filter_word(struct netctl_capture_args *args, const char *word,
			      char *err, size_t err_size)
{
	size_t old = args->filter ? strlen(args->filter) : 0;
	char *grown = realloc(args->filter, old + strlen(word) + 2);

	if (!grown) {
		capture_set_error(err, err_size, "out of memory");
		return -ENOMEM;
	}
	if (old)
		grown[old++] = ' ';
	strcpy(grown + old, word);
	args->filter = grown;
	return 0;
}

int netctl_capture_parse(int argc, char *const argv[], struct netctl_capture_args *args,
			 char *err, size_t err_size)
{
	bool options_done = false;
	int i;

	memset(args, 0, sizeof(*args));
	for (i = 0; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			args->help = true;
			return 0;
		}
	}
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];
		const char *name = arg, *value = NULL;
		char option[32];

		if (!options_done && !strcmp(arg, "--")) {
			options_done = true;
			continue;
		}
		if (options_done || arg[0] != '-' || !arg[1]) {
			if (!args->net) {
				/* LAB/LINK names a lab's link (netctl/lab.c resolves it). */
				if (!name_object_valid(arg) && !strchr(arg, '/')) {
					capture_set_error(err, err_size, "invalid network name '%s'", arg);
					goto fail;
				}
				args->net = arg;
			} else if (append_filter_word(args, arg, err, err_size) < 0) {
				goto fail;
			}
			continue;
		}
		/* "--opt=VALUE", "--opt VALUE", "-cVALUE" or "-c VALUE". */
		if (arg[1] == '-') {
			const char *equals = strchr(arg, '=');

			if (equals) {
				snprintf(option, sizeof(option), "%.*s", (int)(equals - arg), arg);
				name = option;
				value = equals + 1;
			}
		} else if (arg[2]) {
			snprintf(option, sizeof(option), "%.2s", arg);
			name = option;
			value = arg + 2;
		}
		if (strcmp(name, "--port") && strcmp(name, "--direction") && strcmp(name, "-c") &&
		    strcmp(name, "--count") && strcmp(name, "--snaplen") && strcmp(name, "-s") &&
		    strcmp(name, "-w") && strcmp(name, "-B") && strcmp(name, "--buffer-size")) {
			capture_set_error(err, err_size, "unknown option '%s' for 'capture' (see 'netctl capture -h')",
				  name);
			goto fail;
		}
		if (!value) {
			if (i + 1 >= argc) {
				capture_set_error(err, err_size, "option '%s' needs a value", name);
				goto fail;
			}
			value = argv[++i];
		}
		if (!strcmp(name, "--port")) {
			if (!name_object_valid(value)) {
				capture_set_error(err, err_size, "invalid port name '%s'", value);
				goto fail;
			}
			args->port = value;
		} else if (!strcmp(name, "--direction")) {
			if (strcmp(value, "in") && strcmp(value, "out") && strcmp(value, "both")) {
				capture_set_error(err, err_size, "invalid direction '%s': expected in, out or both",
					  value);
				goto fail;
			}
			args->direction = value;
		} else if (!strcmp(name, "-c") || !strcmp(name, "--count")) {
			if (parse_number(name, value, 1, UINT32_MAX, &args->count, err, err_size))
				goto fail;
		} else if (!strcmp(name, "--snaplen") || !strcmp(name, "-s")) {
			if (parse_number(name, value, 1, PCAP_SNAPLEN_MAX, &args->snaplen, err, err_size))
				goto fail;
		} else if (!strcmp(name, "-B") || !strcmp(name, "--buffer-size")) {
			if (parse_number(name, value, 64, 256 * 1024, &args->buffer_kib, err, err_size))
				goto fail;
		} else {
			if (!*value) {
				capture_set_error(err, err_size, "option '-w' needs a file name, or '-' for standard output");
				goto fail;
			}
			args->output = value;
		}
	}
	if (!args->net) {
		capture_set_error(err, err_size, "missing NET (usage: netctl capture NET [OPTIONS] [FILTER...])");
		goto fail;
	}
	return 0;

fail:
	netctl_capture_args_clear(args);
	return -EINVAL;
}

void netctl_capture_args_clear(struct netctl_capture_args *args)
{
	if (!args)
		return;
	free(args->filter);
	args->filter = NULL;
}

json_t *netctl_capture_params(const struct netctl_capture_args *args)
{
	json_t *params = json_pack("{s:s}", "net", args->net);

	if (!params)
		return NULL;
	if (args->port)
		json_object_set_new(params, "port", json_string(args->port));
	if (args->direction)
		json_object_set_new(params, "direction", json_string(args->direction));
	if (args->count)
		json_object_set_new(params, "count", json_integer(args->count));
	if (args->snaplen)
		json_object_set_new(params, "snaplen", json_integer(args->snaplen));
	if (args->buffer_kib)
		json_object_set_new(params, "buffer_size", json_integer((json_int_t)args->buffer_kib << 10));
	json_object_set_new(params, "filter", json_string(args->filter ? args->filter : ""));
	return params;
}

/* --------------------------------------------------------- formatting */

/* A bounded reader over the captured bytes: no field is read past caplen. */
struct cursor {
	const uint8_t *p;
	size_t left;
};

static const uint8_t *pull(struct cursor *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->left < n)
		return NULL;
	c->p += n;
	c->left -= n;
	return p;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct line {
	char *buf;
	size_t size;
	size_t used;
};

static void put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->used + 1 >= l->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->used, l->size - l->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->used = l->used + (size_t)n < l->size ? l->used + (size_t)n : l->size - 1;
}

static void put_mac(struct line *l, const uint8_t *m)
{
	char text[MAC_TEXT_SIZE];

	mac_format(m, text);
	put(l, "%s", text);
}

static const char *ethertype_name(uint16_t type)
{
	switch (type) {
	case 0x0800: return "IPv4";
	case 0x0806: return "ARP";
	case 0x86dd: return "IPv6";
	case 0x8100: return "802.1Q";
	case 0x88a8: return "802.1Q-QinQ";
	case 0x88cc: return "LLDP";
	default: return "Unknown";
	}
}

static const char *icmp_name(uint8_t type)
{
	switch (type) {
	case 0: return "echo reply";
	case 3: return "unreachable";
	case 5: return "redirect";
	case 8: return "echo request";
	case 11: return "time exceeded";
	default: return NULL;
	}
}

static const char *icmp6_name(uint8_t type)
{
	switch (type) {
	case 1: return "destination unreachable";
	case 128: return "echo request";
	case 129: return "echo reply";
	case 133: return "router solicitation";
	case 134: return "router advertisement";
	case 135: return "neighbor solicitation";
	case 136: return "neighbor advertisement";
	default: return NULL;
	}
}

static void put_tcp_flags(struct line *l, uint8_t flags)
{
	static const struct { uint8_t bit; char c; } names[] = {
		{ 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
		{ 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' },
	};

	put(l, "Flags [");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			put(l, "%c", names[i].c);
	if (flags & 0x10)
		put(l, ".");
	if (!(flags & ~0x10) && !(flags & 0x10))
		put(l, "none");
	put(l, "]");
}

/*
 * The transport part after "SRC > DST": ports for TCP and UDP (tcpdump
 * writes them as ADDR.PORT), the ICMP type. @l4_size is the transport
 * length the IP header claims.
 */
static void put_transport(struct line *l, const char *src, const char *dst, uint8_t proto,
			  struct cursor *c, uint32_t l4_size, bool v6)
{
	const uint8_t *h;

	switch (proto) {
	case 6:
		h = pull(c, 20);
		if (!h)
			break;
		put(l, "%s.%u > %s.%u: ", src, be16(h), dst, be16(h + 2));
		put_tcp_flags(l, h[13]);
		put(l, ", seq %" PRIu32 ", win %u, length %u", be32(h + 4), be16(h + 14),
		    l4_size > (uint32_t)(h[12] >> 4) * 4 ? l4_size - (uint32_t)(h[12] >> 4) * 4 : 0);
		return;
	case 17:
		h = pull(c, 8);
		if (!h)
			break;
		put(l, "%s.%u > %s.%u: UDP, length %u", src, be16(h), dst, be16(h + 2),
		    be16(h + 4) >= 8 ? be16(h + 4) - 8 : 0);
		return;
	case 1:
		if (v6)
			break;
		h = pull(c, 8);
		if (!h)
			break;
		put(l, "%s > %s: ICMP ", src, dst);
		if (icmp_name(h[0]))
			put(l, "%s", icmp_name(h[0]));
		else
			put(l, "type %u", h[0]);
		if (h[0] == 0 || h[0] == 8)
			put(l, ", id %u, seq %u", be16(h + 4), be16(h + 6));
		put(l, ", length %u", l4_size);
		return;
	case 58:
		if (!v6)
			break;
		h = pull(c, 4);
		if (!h)
			break;
		put(l, "%s > %s: ICMP6, ", src, dst);
		if (icmp6_name(h[0]))
			put(l, "%s", icmp6_name(h[0]));
		else
			put(l, "type %u", h[0]);
		put(l, ", length %u", l4_size);
		return;
	default:
		put(l, "%s > %s: ip-proto-%u %u", src, dst, proto, l4_size);
		return;
	}
	put(l, "%s > %s: [|%s]", src, dst, proto == 6 ? "tcp" : proto == 17 ? "udp" : "icmp");
}

static void put_ipv4(struct line *l, struct cursor *c)
{
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	const uint8_t *h = pull(c, 20);
	uint32_t ihl, total;

	if (!h || (h[0] >> 4) != 4 || (h[0] & 0x0f) < 5) {
		put(l, "[|ip]");
		return;
	}
	ihl = (uint32_t)(h[0] & 0x0f) * 4;
	total = be16(h + 2);
	inet_ntop(AF_INET, h + 12, src, sizeof(src));
	inet_ntop(AF_INET, h + 16, dst, sizeof(dst));
	if (!pull(c, ihl - 20)) {
		put(l, "%s > %s: [|ip]", src, dst);
		return;
	}
	if (be16(h + 6) & 0x1fff) {
		put(l, "%s > %s: ip-proto-%u (fragment)", src, dst, h[9]);
		return;
	}
	put_transport(l, src, dst, h[9], c, total > ihl ? total - ihl : 0, false);
}

static void put_ipv6(struct line *l, struct cursor *c)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	const uint8_t *h = pull(c, 40);

	if (!h || (h[0] >> 4) != 6) {
		put(l, "[|ip6]");
		return;
	}
	inet_ntop(AF_INET6, h + 8, src, sizeof(src));
	inet_ntop(AF_INET6, h + 24, dst, sizeof(dst));
	put_transport(l, src, dst, h[6], c, be16(h + 4), true);
}

static void put_arp(struct line *l, struct cursor *c)
{
	char sender[INET_ADDRSTRLEN], target[INET_ADDRSTRLEN];
	const uint8_t *h = pull(c, 28);

	if (!h || be16(h) != 1 || be16(h + 2) != 0x0800 || h[4] != 6 || h[5] != 4) {
		put(l, "[|arp]");
		return;
	}
	inet_ntop(AF_INET, h + 14, sender, sizeof(sender));
	inet_ntop(AF_INET, h + 24, target, sizeof(target));
	if (be16(h + 6) == 1) {
		put(l, "Request who-has %s tell %s, length 28", target, sender);
	} else if (be16(h + 6) == 2) {
		put(l, "Reply %s is-at ", sender);
		put_mac(l, h + 8);
		put(l, ", length 28");
	} else {
		put(l, "ARP op %u, length 28", be16(h + 6));
	}
}

void netctl_capture_format(char *buf, size_t size, uint32_t ts_sec, uint32_t ts_usec,
			   const uint8_t *frame, uint32_t caplen, uint32_t wirelen)
{
	struct line l = { .buf = buf, .size = size };
	struct cursor c = { .p = frame, .left = caplen };
	time_t seconds = (time_t)ts_sec;
	const uint8_t *eth, *tag;
	struct tm tm;
	uint16_t type;

	if (!size)
		return;
	buf[0] = '\0';
	localtime_r(&seconds, &tm);
	put(&l, "%02d:%02d:%02d.%06u ", tm.tm_hour, tm.tm_min, tm.tm_sec, ts_usec);
	eth = pull(&c, 14);
	if (!eth) {
		put(&l, "[|ether], length %u", wirelen);
		return;
	}
	put_mac(&l, eth + 6);
	put(&l, " > ");
	put_mac(&l, eth);
	type = be16(eth + 12);
	while ((type == 0x8100 || type == 0x88a8) && (tag = pull(&c, 4))) {
		put(&l, ", ethertype %s (0x%04x), vlan %u", ethertype_name(type), type,
		    be16(tag) & 0x0fff);
		type = be16(tag + 2);
	}
	if (type < 0x0600) {
		put(&l, ", 802.3, length %u", wirelen);
		return;
	}
	put(&l, ", ethertype %s (0x%04x), length %u: ", ethertype_name(type), type, wirelen);
	switch (type) {
	case 0x0800:
		put_ipv4(&l, &c);
		break;
	case 0x86dd:
		put_ipv6(&l, &c);
		break;
	case 0x0806:
		put_arp(&l, &c);
		break;
	default:
		put(&l, "%u bytes", wirelen > 14 ? wirelen - 14 : 0);
		break;
	}
}

/* ------------------------------------------------------------ running */

struct session {
	int sock;
	struct ctl_conn *conn;
	int read_fd;			/* summary mode: the pipe's read end, -1 at EOF */
	uint8_t *buf;			/* summary mode: bytes read, not yet printed */
	size_t used;
	bool file_hdr_seen;
	bool swapped;			/* the stream is in the other byte order */
	bool ended;
	bool output_closed;		/* summary mode: our standard output's reader went away */
	json_t *end;			/* the capture.end event's params */
	json_int_t capture_id;
};

static uint32_t rd32(const struct session *s, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return s->swapped ? __builtin_bswap32(v) : v;
}

/* Print every whole record in the buffer. Return: 0, or -EPROTO for a bad stream. */
static int print_records(struct session *s)
{
	char line[512];
	size_t off = 0;

	if (!s->file_hdr_seen) {
		uint32_t magic;

		if (s->used < PCAP_FILE_HDR_SIZE)
			return 0;
		memcpy(&magic, s->buf, 4);
		if (magic == 0xd4c3b2a1)
			s->swapped = true;
		else if (magic != 0xa1b2c3d4)
			return -EPROTO;
		s->file_hdr_seen = true;
		off = PCAP_FILE_HDR_SIZE;
	}
	while (s->used - off >= PCAP_REC_HDR_SIZE) {
		const uint8_t *rec = s->buf + off;
		uint32_t caplen = rd32(s, rec + 8);

		if (caplen > PCAP_SNAPLEN_MAX)
			return -EPROTO;
		if (s->used - off < PCAP_REC_HDR_SIZE + caplen)
			break;
		if (!s->output_closed) {
			netctl_capture_format(line, sizeof(line), rd32(s, rec), rd32(s, rec + 4),
					      rec + PCAP_REC_HDR_SIZE, caplen, rd32(s, rec + 12));
			puts(line);
		}
		off += PCAP_REC_HDR_SIZE + caplen;
	}
	memmove(s->buf, s->buf + off, s->used - off);
	s->used -= off;
	/* `netctl capture NET | head` ends when head does, as tcpdump would. */
	if (!s->output_closed && fflush(stdout) == EOF && errno == EPIPE) {
		/* Nobody reads what is left: drop it, so exiting is not an error. */
		__fpurge(stdout);
		clearerr(stdout);
		s->output_closed = true;
		return -EPIPE;
	}
	return 0;
}

static int read_pipe(struct session *s)
{
	ssize_t n = read(s->read_fd, s->buf + s->used, READ_BUF_SIZE - s->used);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0) {
		close(s->read_fd);
		s->read_fd = -1;
		return 0;
	}
	s->used += (size_t)n;
	return print_records(s);
}

/*
 * Handle every complete message already read from vswitchd: the
 * capture.end event, or a reply to capture.stop. A capture that
 * ends at once (-c with a busy port) can have its capture.end arrive in the
 * same read as the reply to capture.start: it is then in the buffer, and
 * the socket will not become readable for it again.
 */
static int take_messages(struct session *s)
{
	json_t *msg;
	int ret;

	for (;;) {
		int fds[CTL_MAX_FDS], nfds = 0;
		const char *event;

		ret = ctl_conn_next(s->conn, &msg, fds, &nfds);
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		if (ret == 0)
			return 0;
		if (ret < 0)
			return ret;
		event = json_string_value(json_object_get(msg, "event"));
		if (event && !strcmp(event, "capture.end")) {
			s->ended = true;
			s->end = json_incref(json_object_get(msg, "params"));
		}
		/* A stop racing with the end is refused: nothing to say about it. */
		json_decref(msg);
	}
}

/* Read what vswitchd sent and handle it. */
static int read_socket(struct session *s)
{
	int ret = ctl_conn_read(s->conn);

	if (ret == -EAGAIN || ret == -EINTR)
		return 0;
	if (ret <= 0)
		return ret ? ret : -ECONNRESET;
	return take_messages(s);
}

static int send_request(int sock, json_int_t id, const char *method, json_t *params,
			const int *fds, int nfds)
{
	json_t *req = json_pack("{s:I, s:s, s:o}", "id", id, "method", method, "params", params);
	int ret;

	if (!req)
		return -ENOMEM;
	ret = ctl_send(sock, req, fds, nfds);
	json_decref(req);
	return ret;
}

/* Wait for the reply to request @id, at most @timeout_sec (0: for ever). */
static int wait_reply(struct session *s, json_int_t id, unsigned int timeout_sec,
		      json_t **result, char *err, size_t err_size)
{
	int timeout_ms = timeout_sec ? (int)timeout_sec * 1000 : -1;

	for (;;) {
		int fds[CTL_MAX_FDS], nfds = 0;
		json_t *msg, *error;
		int ret = ctl_conn_next(s->conn, &msg, fds, &nfds);

		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		if (ret < 0) {
			capture_set_error(err, err_size, "no valid reply from vswitchd: %s", strerror(-ret));
			return -EPROTO;
		}
		if (ret == 1) {
			if (json_integer_value(json_object_get(msg, "id")) != id) {
				json_decref(msg);
				continue;
			}
			error = json_object_get(msg, "error");
			if (error) {
				const char *text = json_string_value(json_object_get(error, "message"));

				capture_set_error(err, err_size, "%s", text ? text : "vswitchd refused the capture");
				json_decref(msg);
				return -EINVAL;
			}
			*result = json_incref(json_object_get(msg, "result"));
			json_decref(msg);
			return 0;
		}
		{
			struct pollfd pfd = { .fd = s->sock, .events = POLLIN };

			ret = poll(&pfd, 1, timeout_ms);
			if (ret == 0) {
				capture_set_error(err, err_size, "timed out waiting for vswitchd");
				return -ETIMEDOUT;
			}
			if (ret < 0 && errno != EINTR) {
				capture_set_error(err, err_size, "poll: %s", strerror(errno));
				return -errno;
			}
			ret = ctl_conn_read(s->conn);
			if (ret == 0 || (ret < 0 && ret != -EAGAIN && ret != -EINTR)) {
				capture_set_error(err, err_size, "vswitchd closed the connection without replying");
				return -ECONNRESET;
			}
		}
	}
}

/* Open -w FILE after vswitchd accepted the request: created with our rights. */
static int open_output(const struct netctl_capture_args *args, int pipe_fds[2])
{
	int fd;

	pipe_fds[0] = pipe_fds[1] = -1;
	if (!args->output) {
		if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
			errline("cannot create a pipe: %s", strerror(errno));
			return -1;
		}
		return pipe_fds[1];
	}
	if (!strcmp(args->output, "-"))
		return STDOUT_FILENO;
	fd = open(args->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		errline("cannot open %s: %s", args->output, strerror(errno));
	return fd;
}

static int finish(struct session *s, const struct netctl_capture_args *args)
{
	const char *reason = json_string_value(json_object_get(s->end, "reason"));
	json_int_t captured = json_integer_value(json_object_get(s->end, "captured"));
	json_int_t dropped = json_integer_value(json_object_get(s->end, "dropped"));

	(void)args;
	fprintf(stderr, "%" JSON_INTEGER_FORMAT " packet%s captured, %" JSON_INTEGER_FORMAT
		" dropped by switch\n", captured, captured == 1 ? "" : "s", dropped);
	if (!reason)
		return NETCTL_EXIT_FAILURE;
	if (!strcmp(reason, "write_error")) {
		errline("capture ended: cannot write the output: %s",
			   json_string_value(json_object_get(s->end, "error")) ?: "error");
		return NETCTL_EXIT_FAILURE;
	}
	if (!strcmp(reason, "removed")) {
		errline("capture ended: the network or port was removed");
		return NETCTL_EXIT_FAILURE;
	}
	if (!strcmp(reason, "shutdown")) {
		errline("capture ended: vswitchd is stopping");
		return NETCTL_EXIT_FAILURE;
	}
	return NETCTL_EXIT_OK;
}

static int capture_run(const struct netctl_invocation *inv, const struct netctl_capture_args *args)
{
	const char *socket_path = netctl_socket_path(inv->socket_path, getenv("VSWITCH_SOCKET"));
	struct session s = { .sock = -1, .read_fd = -1 };
	json_t *params, *result = NULL;
	int pipe_fds[2] = { -1, -1 };
	int out_fd = -1, sig_fd = -1, status = NETCTL_EXIT_FAILURE, ret;
	bool stop_sent = false;
	char err[512];
	sigset_t sigs;

	signal(SIGPIPE, SIG_IGN);
	/* Ctrl-C must stop the capture cleanly, not kill netctl: take signals as a descriptor. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);

	s.sock = ctl_connect(socket_path);
	if (s.sock < 0) {
		errline("cannot connect to %s: %s", socket_path, strerror(-s.sock));
		goto out;
	}
	s.conn = ctl_conn_new(s.sock);
	params = netctl_capture_params(args);
	if (!s.conn || !params || sig_fd < 0) {
		json_decref(params);
		errline("out of memory");
		goto out;
	}

	/* First only check, so a refused request opens and truncates nothing. */
	json_object_set_new(params, "check", json_true());
	ret = send_request(s.sock, 1, "capture.start", json_incref(params), NULL, 0);
	if (!ret)
		ret = wait_reply(&s, 1, inv->timeout_sec, &result, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "cannot send to vswitchd: %s", strerror(-ret));
	json_decref(result);
	result = NULL;
	if (ret) {
		errline("%s", err);
		json_decref(params);
		goto out;
	}
	json_object_del(params, "check");
	out_fd = open_output(args, pipe_fds);
	if (out_fd < 0) {
		json_decref(params);
		goto out;
	}
	ret = send_request(s.sock, 2, "capture.start", params, &out_fd, 1);
	if (out_fd != STDOUT_FILENO)
		close(out_fd);
	pipe_fds[1] = -1;
	if (!ret)
		ret = wait_reply(&s, 2, inv->timeout_sec, &result, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "cannot send to vswitchd: %s", strerror(-ret));
	if (ret) {
		errline("%s", err);
		goto out;
	}
	s.capture_id = json_integer_value(json_object_get(result, "capture"));
	fprintf(stderr, "capturing on %s%s%s, direction %s, snapshot length %" JSON_INTEGER_FORMAT " bytes\n",
		args->net, args->port ? " port " : "", args->port ? args->port : "",
		json_string_value(json_object_get(result, "direction")) ?: "?",
		json_integer_value(json_object_get(result, "snaplen")));
	json_decref(result);
	result = NULL;

	if (take_messages(&s) < 0) {
		errline("vswitchd sent an invalid message");
		goto out;
	}
	if (pipe_fds[0] >= 0) {
		s.read_fd = pipe_fds[0];
		pipe_fds[0] = -1;
		s.buf = malloc(READ_BUF_SIZE);
		if (!s.buf) {
			errline("out of memory");
			goto out;
		}
	}
	while (!s.ended || s.read_fd >= 0) {
		struct pollfd pfds[3] = {
			{ .fd = s.sock, .events = POLLIN },
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = s.read_fd, .events = POLLIN },
		};

		if (poll(pfds, s.read_fd >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			errline("poll: %s", strerror(errno));
			goto out;
		}
		if (pfds[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
				if (stop_sent) {
					errline("interrupted again: not waiting for vswitchd");
					goto out;
				}
				stop_sent = true;
				if (send_request(s.sock, 3, "capture.stop",
						 json_pack("{s:I}", "capture", s.capture_id), NULL, 0)) {
					errline("cannot send capture.stop to vswitchd");
					goto out;
				}
			}
		}
		if (s.read_fd >= 0 && (pfds[2].revents & (POLLIN | POLLHUP | POLLERR))) {
			ret = read_pipe(&s);
			if (ret == -EPIPE && !stop_sent) {
				stop_sent = true;
				if (send_request(s.sock, 3, "capture.stop",
						 json_pack("{s:I}", "capture", s.capture_id), NULL, 0))
					goto out;
			} else if (ret < 0 && ret != -EPIPE) {
				errline("cannot read the capture stream: %s", strerror(-ret));
				goto out;
			}
		}
		if (!s.ended && (pfds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			ret = read_socket(&s);
			if (ret < 0) {
				errline("vswitchd closed the connection during the capture");
				goto out;
			}
		}
		/* Once the capture ended vswitchd has closed the output; EOF follows. */
	}
	status = finish(&s, args);

out:
	json_decref(result);
	json_decref(s.end);
	free(s.buf);
	if (s.read_fd >= 0)
		close(s.read_fd);
	if (pipe_fds[0] >= 0)
		close(pipe_fds[0]);
	if (pipe_fds[1] >= 0)
		close(pipe_fds[1]);
	ctl_conn_free(s.conn);
	if (s.sock >= 0)
		close(s.sock);
	if (sig_fd >= 0)
		close(sig_fd);
	return status;
}

int (*netctl_capture_resolver)(const char *spec, char net[16], char *err, size_t err_size);

int netctl_capture_main(const struct netctl_invocation *inv)
{
	struct netctl_capture_args args;
	char err[512];
	int status;

	if (netctl_capture_parse(inv->capture_argc, inv->capture_argv, &args, err, sizeof(err)) < 0) {
		errline("%s", err);
		return NETCTL_EXIT_USAGE;
	}
	if (args.help) {
		netctl_print_help(stdout, NULL, inv->command);
		return NETCTL_EXIT_OK;
	}
	if (args.output && !strcmp(args.output, "-") && isatty(STDOUT_FILENO)) {
		errline("-w - writes binary pcap to standard output, which is a terminal; pipe it (e.g. into tcpdump -r -) or use -w FILE");
		netctl_capture_args_clear(&args);
		return NETCTL_EXIT_USAGE;
	}
	if (strchr(args.net, '/')) {
		static char lab_net[16];

		if (!netctl_capture_resolver) {
			errline("invalid network name '%s'", args.net);
			netctl_capture_args_clear(&args);
			return NETCTL_EXIT_USAGE;
		}
		if (netctl_capture_resolver(args.net, lab_net, err, sizeof(err)) < 0) {
			errline("%s", err);
			netctl_capture_args_clear(&args);
			return NETCTL_EXIT_FAILURE;
		}
		args.net = lab_net;
	}
	status = capture_run(inv, &args);
	netctl_capture_args_clear(&args);
	return status;
}
