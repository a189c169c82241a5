// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_vhost_user_io.c - vhost-user messages over a socket: assembled from
 * pieces as small as a byte, fds on any header byte, EOF inside a message,
 * replies the peer does not take, and the vhost-user port's deadline.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "daemon.h"
#include "loop.h"
#include "network.h"
#include "port.h"
#include "vhost_user.h"
#include "virtio_net.h"

#define MSG_MAX		(VHOST_USER_HDR_SIZE + 512)

struct fixture {
	struct vu_dev dev;
	struct vu_msg msg;
	int sv[2];		/* sv[0] is the device's end, sv[1] the front-end's */
	int fds_at_start;
};

/* Open file descriptors, to show none leaks. */
static int open_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 4096; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->fds_at_start = open_fds();
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->sv), 0);
	assert_int_equal(fcntl(f->sv[0], F_SETFL, O_NONBLOCK), 0);
	vu_dev_init(&f->dev, f->sv[0], NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vu_dev_reset(&f->dev);
	close(f->sv[0]);
	if (f->sv[1] >= 0)
		close(f->sv[1]);
	assert_int_equal(open_fds(), f->fds_at_start);	/* no fd leaked */
	free(f);
	return 0;
}

/* A message's bytes in @buf (MSG_MAX). Return: its size. */
static size_t build(uint8_t *buf, uint32_t request, uint32_t flags, const void *payload,
		    uint32_t size)
{
	assert_true(size <= MSG_MAX - VHOST_USER_HDR_SIZE);
	memcpy(buf, &request, 4);
	memcpy(buf + 4, &flags, 4);
	memcpy(buf + 8, &size, 4);
	if (size)
		memcpy(buf + VHOST_USER_HDR_SIZE, payload, size);
	return VHOST_USER_HDR_SIZE + size;
}

/* Send @size bytes in one sendmsg(), with @nfds fds on them. */
static void send_bytes(int sock, const void *data, size_t size, const int *fds, int nfds)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} ctrl;
	struct iovec iov = { (void *)data, size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *c;

		assert_true(nfds <= 16);
		memset(&ctrl, 0, sizeof(ctrl));
		mh.msg_control = ctrl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	assert_int_equal(sendmsg(sock, &mh, 0), (ssize_t)size);
}

static void sock_send(int sock, uint32_t request, uint32_t flags, const void *payload,
		      uint32_t size, const int *fds, int nfds)
{
	uint8_t buf[MSG_MAX];

	send_bytes(sock, buf, build(buf, request, flags, payload, size), fds, nfds);
}

static void sock_recv_u64(int sock, uint32_t request, uint64_t *v)
{
	uint8_t buf[20];
	uint32_t hdr[3];

	assert_int_equal(recv(sock, buf, sizeof(buf), 0), 20);
	memcpy(hdr, buf, 12);
	assert_int_equal(hdr[0], request);
	assert_int_equal(hdr[1], VHOST_USER_VERSION | VHOST_USER_REPLY_MASK);
	assert_int_equal(hdr[2], 8);
	memcpy(v, buf + 12, 8);
}

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	assert_true(fd >= 0);
	return fd;
}

static const char *progress(const struct vu_dev *dev)
{
	static char text[128];

	vu_dev_progress(dev, text, sizeof(text));
	return text;
}

/* Whole messages ------------------------------------------------------------ */

static void test_whole_messages(void **state)
{
	struct fixture *f = *state;
	uint64_t pf = VIRTIO_BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK), v;
	int sv1 = f->sv[1], fd, fds[12], i;

	sock_send(sv1, VHOST_USER_GET_FEATURES, 1, NULL, 0, NULL, 0);
	assert_int_equal(vu_dev_handle(&f->dev), 0);
	sock_recv_u64(sv1, VHOST_USER_GET_FEATURES, &v);
	assert_true(v == vu_supported_features());

	sock_send(sv1, VHOST_USER_SET_PROTOCOL_FEATURES, 1, &pf, 8, NULL, 0);
	assert_int_equal(vu_dev_handle(&f->dev), 0);

	/* A refused request is nacked, then the connection is to be dropped. */
	sock_send(sv1, VHOST_USER_SET_FEATURES, 1 | VHOST_USER_NEED_REPLY_MASK,
		  &(uint64_t){ 0 }, 8, NULL, 0);
	assert_int_equal(vu_dev_handle(&f->dev), -EINVAL);
	sock_recv_u64(sv1, VHOST_USER_SET_FEATURES, &v);
	assert_true(v != 0);

	/* Too many fds on one header: all closed, message refused. */
	fd = new_eventfd();
	for (i = 0; i < 12; i++)
		fds[i] = fd;
	sock_send(sv1, VHOST_USER_SET_OWNER, 1, NULL, 0, fds, 12);
	assert_int_equal(vu_dev_handle(&f->dev), -EBADMSG);
	assert_non_null(strstr(f->dev.err, "more than 8 fds"));

	/* Bad version, with an fd that must not leak. */
	sock_send(sv1, VHOST_USER_SET_OWNER, 0, NULL, 0, &fd, 1);
	assert_int_equal(vu_dev_handle(&f->dev), -EBADMSG);
	assert_non_null(strstr(f->dev.err, "protocol version 0"));
	close(fd);

	/* Oversized payload: refused on the header alone. */
	send_bytes(sv1, (uint32_t[]){ VHOST_USER_SET_OWNER, 1, VHOST_USER_MAX_PAYLOAD + 1 }, 12,
		   NULL, 0);
	assert_int_equal(vu_dev_handle(&f->dev), -EMSGSIZE);

	/* Nothing to read is no error, and nothing is half done. */
	assert_int_equal(vu_dev_handle(&f->dev), -EAGAIN);
	assert_true(vu_dev_idle(&f->dev));
	assert_string_equal(progress(&f->dev), "nothing");
}

/* Two messages in one write are read one at a time, never past the first. */
static void test_never_reads_past_a_message(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[2 * MSG_MAX];
	size_t size;

	size = build(buf, VHOST_USER_GET_FEATURES, 1, NULL, 0);
	size += build(buf + size, VHOST_USER_SET_OWNER, 1, NULL, 0);
	send_bytes(f->sv[1], buf, size, NULL, 0);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), 0);
	assert_int_equal(f->msg.request, VHOST_USER_GET_FEATURES);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), 0);
	assert_int_equal(f->msg.request, VHOST_USER_SET_OWNER);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), -EAGAIN);
}

/* In pieces ------------------------------------------------------------------ */

/* SET_VRING_CALL one byte at a time, its fd on the first byte, as a slow front-end sends it. */
static void test_byte_at_a_time(void **state)
{
	struct fixture *f = *state;
	struct vu_msg reply;
	uint8_t buf[MSG_MAX];
	uint64_t index = 1;
	size_t size = build(buf, VHOST_USER_SET_VRING_CALL, 1, &index, 8), i;
	int fd = new_eventfd();

	assert_true(vu_dev_idle(&f->dev));
	for (i = 0; i < size; i++) {
		send_bytes(f->sv[1], buf + i, 1, &fd, i == 0);
		if (i + 1 < size) {
			assert_int_equal(vu_dev_recv(&f->dev, &f->msg), -EAGAIN);
			assert_false(vu_dev_idle(&f->dev));
		}
		if (i == 4)
			assert_string_equal(progress(&f->dev), "a message: 5 of 12 header bytes received");
		if (i == 14)
			assert_string_equal(progress(&f->dev), "SET_VRING_CALL: 15 of 20 bytes received");
	}
	close(fd);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), 0);
	assert_true(vu_dev_idle(&f->dev));
	assert_int_equal(f->msg.request, VHOST_USER_SET_VRING_CALL);
	assert_int_equal(f->msg.size, 8);
	assert_int_equal(f->msg.nfds, 1);
	assert_true(fcntl(f->msg.fds[0], F_GETFD) & FD_CLOEXEC);
	assert_int_equal(vu_dev_process(&f->dev, &f->msg, &reply), 0);
	assert_true(f->dev.vqs[1].call_fd >= 0);
}

/* The header in two pieces, the fd on the first, the payload apart. */
static void test_split_header(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[MSG_MAX];
	uint64_t index = 1;
	size_t size = build(buf, VHOST_USER_SET_VRING_CALL, 1, &index, 8);
	int fd = new_eventfd();

	send_bytes(f->sv[1], buf, 5, &fd, 1);
	close(fd);
	send_bytes(f->sv[1], buf + 5, 7, NULL, 0);
	send_bytes(f->sv[1], buf + 12, size - 12, NULL, 0);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), 0);
	assert_int_equal(f->msg.nfds, 1);
	vu_msg_close_fds(&f->msg);
}

/* fds on two header bytes add up: more than a message may carry refuses it. */
static void test_fds_over_several_bytes(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[MSG_MAX];
	int fd = new_eventfd(), fds[5] = { fd, fd, fd, fd, fd };

	build(buf, VHOST_USER_SET_OWNER, 1, NULL, 0);
	send_bytes(f->sv[1], buf, 1, fds, 5);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), -EAGAIN);
	send_bytes(f->sv[1], buf + 1, 1, fds, 5);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), -EAGAIN);
	send_bytes(f->sv[1], buf + 2, 10, NULL, 0);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), -EBADMSG);
	assert_non_null(strstr(f->dev.err, "SET_OWNER: more than 8 fds"));
	assert_true(vu_dev_idle(&f->dev));
	close(fd);	/* teardown counts: none of the ten copies is left */
}

/* An fd sent with payload bytes never reaches the message (the kernel drops it). */
static void test_fd_on_payload_dropped(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[MSG_MAX];
	uint64_t features = 0;
	int fd = new_eventfd();

	build(buf, VHOST_USER_SET_FEATURES, 1, &features, 8);
	send_bytes(f->sv[1], buf, 12, NULL, 0);
	send_bytes(f->sv[1], buf + 12, 8, &fd, 1);
	close(fd);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), 0);
	assert_int_equal(f->msg.nfds, 0);
}

static void test_eof_inside_header(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[MSG_MAX];
	int fd = new_eventfd();

	build(buf, VHOST_USER_SET_OWNER, 1, NULL, 0);
	send_bytes(f->sv[1], buf, 5, &fd, 1);
	close(fd);
	shutdown(f->sv[1], SHUT_WR);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), -EBADMSG);
	assert_string_equal(f->dev.err, "connection closed after 5 of 12 header bytes");
	assert_true(vu_dev_idle(&f->dev));
	/* The fd that came with the header is closed: teardown counts. */
}

static void test_eof_inside_payload(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[MSG_MAX];
	uint64_t features = 0;

	build(buf, VHOST_USER_SET_FEATURES, 1, &features, 8);
	send_bytes(f->sv[1], buf, 15, NULL, 0);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), -EAGAIN);
	assert_string_equal(progress(&f->dev), "SET_FEATURES: 15 of 20 bytes received");
	shutdown(f->sv[1], SHUT_WR);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), -EBADMSG);
	assert_string_equal(f->dev.err, "SET_FEATURES: connection closed after 3 of 8 payload bytes");
}

static void test_eof_between_messages(void **state)
{
	struct fixture *f = *state;

	shutdown(f->sv[1], SHUT_WR);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), -ECONNRESET);
	assert_string_equal(f->dev.err, "connection closed");
}

/* A connection dropped mid-message: vu_dev_reset() closes the fds received so far. */
static void test_reset_closes_half_read_fds(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[MSG_MAX];
	int fds[2] = { new_eventfd(), new_eventfd() };

	build(buf, VHOST_USER_SET_OWNER, 1, NULL, 0);
	send_bytes(f->sv[1], buf, 3, fds, 2);
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(vu_dev_recv(&f->dev, &f->msg), -EAGAIN);
	assert_int_equal(f->dev.rx.msg.nfds, 2);
	vu_dev_reset(&f->dev);
	assert_true(vu_dev_idle(&f->dev));
	assert_int_equal(open_fds(), f->fds_at_start + 2);	/* the socketpair only */
}

/* Replies ------------------------------------------------------------------- */

/* Fill the socket from the device's side until it takes nothing more. Return: bytes written. */
static size_t fill_socket(int sock)
{
	static const uint8_t junk[4096];
	size_t total = 0;
	int small = 4096;

	assert_int_equal(setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	for (;;) {
		ssize_t n = send(sock, junk, sizeof(junk), MSG_DONTWAIT);

		if (n < 0) {
			assert_int_equal(errno, EAGAIN);
			return total;
		}
		total += (size_t)n;
	}
}

static void drain(int sock, size_t size)
{
	uint8_t buf[4096];

	while (size) {
		ssize_t n = recv(sock, buf, size < sizeof(buf) ? size : sizeof(buf), 0);

		assert_true(n > 0);
		size -= (size_t)n;
	}
}

/* A front-end that does not read: the reply is kept, nothing more is read, then it goes out. */
static void test_reply_kept_until_writable(void **state)
{
	struct fixture *f = *state;
	size_t junk = fill_socket(f->sv[0]);
	uint64_t v;

	sock_send(f->sv[1], VHOST_USER_GET_FEATURES, 1, NULL, 0, NULL, 0);
	sock_send(f->sv[1], VHOST_USER_GET_QUEUE_NUM, 1, NULL, 0, NULL, 0);
	assert_int_equal(vu_dev_handle(&f->dev), -EAGAIN);
	assert_true(vu_dev_reply_kept(&f->dev));
	assert_false(vu_dev_idle(&f->dev));
	assert_string_equal(progress(&f->dev), "the reply to GET_FEATURES: 0 of 20 bytes taken");
	/* Still full: the reply stays, and the next request stays in the socket. */
	assert_int_equal(vu_dev_handle(&f->dev), -EAGAIN);
	assert_int_equal(f->dev.rx.hdr_size, 0);

	drain(f->sv[1], junk);
	assert_int_equal(vu_dev_flush(&f->dev), 0);
	assert_false(vu_dev_reply_kept(&f->dev));
	assert_true(vu_dev_idle(&f->dev));
	sock_recv_u64(f->sv[1], VHOST_USER_GET_FEATURES, &v);
	assert_true(v == vu_supported_features());
	assert_int_equal(vu_dev_handle(&f->dev), 0);
	sock_recv_u64(f->sv[1], VHOST_USER_GET_QUEUE_NUM, &v);
	assert_true(v == 1);
}

/* A nack for a refused request is tried once, never kept: the connection ends anyway. */
static void test_nack_never_kept(void **state)
{
	struct fixture *f = *state;
	uint64_t pf = VIRTIO_BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK);

	sock_send(f->sv[1], VHOST_USER_SET_PROTOCOL_FEATURES, 1, &pf, 8, NULL, 0);
	assert_int_equal(vu_dev_handle(&f->dev), 0);
	fill_socket(f->sv[0]);
	sock_send(f->sv[1], VHOST_USER_SET_FEATURES, 1 | VHOST_USER_NEED_REPLY_MASK,
		  &(uint64_t){ 0 }, 8, NULL, 0);
	assert_int_equal(vu_dev_handle(&f->dev), -EINVAL);
	assert_false(vu_dev_reply_kept(&f->dev));
}

/* A front-end gone while its reply is kept: the flush fails and says so. */
static void test_flush_to_closed_peer(void **state)
{
	struct fixture *f = *state;

	fill_socket(f->sv[0]);
	sock_send(f->sv[1], VHOST_USER_GET_FEATURES, 1, NULL, 0, NULL, 0);
	assert_int_equal(vu_dev_handle(&f->dev), -EAGAIN);
	close(f->sv[1]);
	f->sv[1] = -1;
	assert_true(vu_dev_flush(&f->dev) < 0);
	assert_non_null(strstr(f->dev.err, "GET_FEATURES: sending the reply"));
	assert_false(vu_dev_reply_kept(&f->dev));
}

/* The port's deadline ---------------------------------------------------------- */

struct deadline_peer {
	int sock;
	uint64_t closed_ns;	/* when the back-end hung up */
};

static void peer_ready(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct deadline_peer *p = opaque;
	uint8_t buf[64];

	(void)events;
	if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) == 0) {
		p->closed_ns = now_ns();
		loop_stop(l);
	}
}

static void give_up(struct loop *l, int fd, uint32_t events, void *opaque)
{
	(void)fd;
	(void)events;
	(void)opaque;
	loop_stop(l);
}

/*
 * A vhost-user port whose front-end sends three bytes of a header (and an
 * fd) and then nothing: the control loop cuts it off 2 s after the first
 * byte, says why, and no fd is left behind.
 */
static void test_port_deadline(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct deadline_peer peer = { .sock = -1 };
	struct network *net = calloc(1, sizeof(*net));
	char dir[] = "/tmp/vswt-vu-io.XXXXXX", err[256];
	struct port *port = NULL;
	uint64_t start;
	uint8_t buf[MSG_MAX];
	json_t *params;
	int fd, guard;

	assert_non_null(net);
	assert_non_null(mkdtemp(dir));
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/p.sock", dir);
	snprintf(net->name, sizeof(net->name), "t");
	daemon_loop = loop_new();
	assert_non_null(daemon_loop);
	params = json_pack("{s:s}", "socket", addr.sun_path);
	assert_int_equal(vhost_port_class.create(&(struct port_spec){ .net = net, .net_name = "t", .name = "p",
								      .params = params },
						 &port, err, sizeof(err)), 0);

	peer.sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(peer.sock, (struct sockaddr *)&addr, sizeof(addr)), 0);
	fd = new_eventfd();
	build(buf, VHOST_USER_SET_OWNER, 1, NULL, 0);
	send_bytes(peer.sock, buf, 3, &fd, 1);
	close(fd);
	assert_int_equal(loop_add(daemon_loop, peer.sock, EPOLLIN, peer_ready, &peer), 0);
	guard = loop_timer_add(daemon_loop, 5000, 0, give_up, NULL);
	assert_true(guard >= 0);

	start = now_ns();
	assert_int_equal(loop_run(daemon_loop), 0);
	assert_true(peer.closed_ns);	/* not the 5 s guard */
	print_message("cut off after %.2f s: %s\n", (double)(peer.closed_ns - start) / 1e9, port->error);
	assert_true(peer.closed_ns - start >= 1900000000ull);
	assert_true(peer.closed_ns - start < 3000000000ull);
	assert_string_equal(port->error,
			    "missed the 2 s deadline; a message: 3 of 12 header bytes received");

	loop_timer_del(daemon_loop, guard);
	loop_del(daemon_loop, peer.sock);
	close(peer.sock);
	vhost_port_class.destroy(port, true);
	json_decref(params);
	loop_free(daemon_loop);
	daemon_loop = NULL;
	rmdir(dir);
	free(net);
	(void)f;
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_whole_messages),
		T(test_never_reads_past_a_message),
		T(test_byte_at_a_time),
		T(test_split_header),
		T(test_fds_over_several_bytes),
		T(test_fd_on_payload_dropped),
		T(test_eof_inside_header),
		T(test_eof_inside_payload),
		T(test_eof_between_messages),
		T(test_reset_closes_half_read_fds),
		T(test_reply_kept_until_writable),
		T(test_nack_never_kept),
		T(test_flush_to_closed_peer),
		T(test_port_deadline),
	};

	return cmocka_run_group_tests_name("vhost_user_io", tests, NULL, NULL);
}
