/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture_run.c - `netctl capture` run: vswitchd writes the pcap stream to a
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
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "capture_run.h"
#include "ctl.h"
#include "errline.h"
#include "help.h"

#define READ_BUF_SIZE		(PCAP_FILE_HDR_SIZE + PCAP_REC_HDR_SIZE + PCAP_SNAPLEN_MAX + 65536)

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
			snprintf(err, err_size, "no valid reply from vswitchd: %s", strerror(-ret));
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

				snprintf(err, err_size, "%s", text ? text : "vswitchd refused the capture");
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
				snprintf(err, err_size, "timed out waiting for vswitchd");
				return -ETIMEDOUT;
			}
			if (ret < 0 && errno != EINTR) {
				snprintf(err, err_size, "poll: %s", strerror(errno));
				return -errno;
			}
			ret = ctl_conn_read(s->conn);
			if (ret == 0 || (ret < 0 && ret != -EAGAIN && ret != -EINTR)) {
				snprintf(err, err_size, "vswitchd closed the connection without replying");
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
