/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ctl.c - unit tests for the JSON control protocol: framing, fd passing, dispatch, calls. */

#define _GNU_SOURCE	/* accept4(), pipe2() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "ctl.h"

static int count_open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	assert_non_null(dir);
	while ((de = readdir(dir)))
		n += de->d_name[0] != '.';
	closedir(dir);
	return n - 1;	/* the directory's own fd */
}

static void make_pair(int sp[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	/* The reading side is non-blocking, as in the daemon. */
	assert_int_equal(fcntl(sp[1], F_SETFL, O_NONBLOCK), 0);
}

static void write_all(int fd, const char *s)
{
	size_t size = strlen(s);

	assert_int_equal(write(fd, s, size), (ssize_t)size);
}

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static void test_request_response(void **state)
{
	struct ctl_conn *server, *client;
	int sp[2], fds[CTL_MAX_FDS], nfds = -1;
	json_t *msg, *reply;

	(void)state;
	make_pair(sp);
	server = ctl_conn_new(sp[1]);
	client = ctl_conn_new(sp[0]);
	assert_non_null(server);

	msg = json_pack("{s:i, s:s, s:{s:s}}", "id", 1, "method", "ping", "params", "who", "me");
	assert_int_equal(ctl_send(sp[0], msg, NULL, 0), 0);
	json_decref(msg);

	assert_true(ctl_conn_read(server) > 0);
	assert_int_equal(ctl_conn_next(server, &msg, fds, &nfds), 1);
	assert_int_equal(nfds, 0);
	assert_int_equal(json_integer_value(json_object_get(msg, "id")), 1);
	assert_string_equal(json_string_value(json_object_get(msg, "method")), "ping");
	assert_string_equal(json_string_value(json_object_get(json_object_get(msg, "params"), "who")),
			    "me");
	json_decref(msg);
	assert_int_equal(ctl_conn_next(server, &msg, fds, &nfds), 0);
	assert_null(msg);
	assert_int_equal(ctl_conn_read(server), -EAGAIN);

	reply = json_pack("{s:i, s:{s:s}}", "id", 1, "result", "pong", "me");
	assert_int_equal(ctl_send(sp[1], reply, NULL, 0), 0);
	json_decref(reply);
	assert_true(ctl_conn_read(client) > 0);
	assert_int_equal(ctl_conn_next(client, &reply, fds, &nfds), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(reply, "result"),
							      "pong")), "me");
	json_decref(reply);

	/* Orderly EOF. */
	close(sp[0]);
	assert_int_equal(ctl_conn_read(server), 0);
	ctl_conn_free(server);
	ctl_conn_free(client);
	ctl_conn_free(NULL);
	close(sp[1]);
}

static void test_multiple_messages_one_read(void **state)
{
	struct ctl_conn *c;
	int sp[2], fds[CTL_MAX_FDS], nfds, i;
	json_t *msg;

	(void)state;
	make_pair(sp);
	c = ctl_conn_new(sp[1]);
	write_all(sp[0], "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n{\"id\":");
	assert_int_equal(ctl_conn_read(c), 33);
	for (i = 1; i <= 3; i++) {
		assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), 1);
		assert_int_equal(json_integer_value(json_object_get(msg, "id")), i);
		json_decref(msg);
	}
	assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), 0);
	write_all(sp[0], "4}\n");
	assert_int_equal(ctl_conn_read(c), 3);
	assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), 1);
	assert_int_equal(json_integer_value(json_object_get(msg, "id")), 4);
	json_decref(msg);
	ctl_conn_free(c);
	close(sp[0]);
	close(sp[1]);
}

static void test_message_split_across_reads(void **state)
{
	static const char *const pieces[] = { "{\"id\":7,\"me", "thod\":\"net.list\"}", "\n" };
	struct ctl_conn *c;
	int sp[2], fds[CTL_MAX_FDS], nfds;
	json_t *msg;
	size_t i;

	(void)state;
	make_pair(sp);
	c = ctl_conn_new(sp[1]);
	for (i = 0; i < 3; i++) {
		assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), 0);
		write_all(sp[0], pieces[i]);
		assert_int_equal(ctl_conn_read(c), (int)strlen(pieces[i]));
	}
	assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), 1);
	assert_int_equal(json_integer_value(json_object_get(msg, "id")), 7);
	assert_string_equal(json_string_value(json_object_get(msg, "method")), "net.list");
	json_decref(msg);
	ctl_conn_free(c);
	close(sp[0]);
	close(sp[1]);
}

static void test_fd_passing(void **state)
{
	struct ctl_conn *c;
	int sp[2], pipe_fds[2], fds[CTL_MAX_FDS], nfds = 0;
	char buf[8] = { 0 };
	json_t *msg;

	(void)state;
	make_pair(sp);
	assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
	c = ctl_conn_new(sp[1]);
	msg = json_pack("{s:i, s:s}", "id", 5, "method", "capture");
	assert_int_equal(ctl_send(sp[0], msg, &pipe_fds[1], 1), 0);
	json_decref(msg);

	assert_true(ctl_conn_read(c) > 0);
	assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), 1);
	json_decref(msg);
	assert_int_equal(nfds, 1);
	assert_int_not_equal(fds[0], pipe_fds[1]);
	/* Received close-on-exec (MSG_CMSG_CLOEXEC), and it is the pipe. */
	assert_true(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	assert_int_equal(write(fds[0], "hi", 2), 2);
	assert_int_equal(read(pipe_fds[0], buf, sizeof(buf)), 2);
	assert_string_equal(buf, "hi");
	close(fds[0]);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	ctl_conn_free(c);
	close(sp[0]);
	close(sp[1]);
}

/* Pipelined requests: the fd must come out with the line it was sent with. */
static void test_fd_stays_with_its_line(void **state)
{
	struct ctl_conn *c;
	int sp[2], pipe_fds[2], fds[CTL_MAX_FDS], nfds, i, with_fd = 0;
	json_t *msg;

	(void)state;
	make_pair(sp);
	assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
	c = ctl_conn_new(sp[1]);
	for (i = 1; i <= 3; i++) {
		msg = json_pack("{s:i}", "id", i);
		assert_int_equal(ctl_send(sp[0], msg, &pipe_fds[1], i == 2 ? 1 : 0), 0);
		json_decref(msg);
	}
	/* All three lines are queued; the kernel hands them over in at most two reads. */
	for (i = 1; i <= 3; ) {
		int rc = ctl_conn_next(c, &msg, fds, &nfds);

		if (rc == 0) {
			assert_true(ctl_conn_read(c) > 0);
			continue;
		}
		assert_int_equal(rc, 1);
		assert_int_equal(json_integer_value(json_object_get(msg, "id")), i);
		json_decref(msg);
		if (i == 2) {
			assert_int_equal(nfds, 1);
			with_fd = fds[0];
		} else {
			assert_int_equal(nfds, 0);
		}
		i++;
	}
	assert_int_equal(write(with_fd, "x", 1), 1);
	close(with_fd);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	ctl_conn_free(c);
	close(sp[0]);
	close(sp[1]);
}

static void test_too_many_fds(void **state)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * (CTL_MAX_FDS + 1))];
		struct cmsghdr align;
	} control;
	int sp[2], pipe_fds[2], fds[CTL_MAX_FDS + 1], before, i;
	struct iovec iov = { .iov_base = "{}\n", .iov_len = 3 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	struct ctl_conn *c;
	json_t *msg;

	(void)state;
	make_pair(sp);
	assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
	for (i = 0; i < CTL_MAX_FDS + 1; i++)
		fds[i] = pipe_fds[1];
	msg = json_object();
	assert_int_equal(ctl_send(sp[0], msg, fds, CTL_MAX_FDS + 1), -EINVAL);
	assert_int_equal(ctl_send(sp[0], msg, NULL, 1), -EINVAL);
	json_decref(msg);

	memset(&control, 0, sizeof(control));
	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof(control.buf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	assert_int_equal(sendmsg(sp[0], &mh, 0), 3);

	c = ctl_conn_new(sp[1]);
	before = count_open_fds();
	assert_int_equal(ctl_conn_read(c), -EMSGSIZE);
	/* Nothing that arrived is left open in the receiver. */
	assert_int_equal(count_open_fds(), before);
	ctl_conn_free(c);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	close(sp[0]);
	close(sp[1]);
}

/*
 * Write @size bytes of @data, reading them on @c as the socket fills.
 * Return: 0 once all were read, or the first error from ctl_conn_read().
 */
static int feed(int wfd, struct ctl_conn *c, const char *data, size_t size)
{
	size_t sent = 0, got = 0;

	while (got < size) {
		int rc;

		if (sent < size) {
			ssize_t n = write(wfd, data + sent, size - sent);

			if (n > 0)
				sent += (size_t)n;
			else
				assert_int_equal(errno, EAGAIN);
		}
		rc = ctl_conn_read(c);
		if (rc < 0 && rc != -EAGAIN)
			return rc;
		if (rc > 0)
			got += (size_t)rc;
	}
	return 0;
}

static void test_oversize_line(void **state)
{
	size_t size = CTL_MAX_LINE + 4096;
	char *big = malloc(size);
	int sp[2], fds[CTL_MAX_FDS], nfds;
	struct ctl_conn *c;
	json_t *msg;

	(void)state;
	assert_non_null(big);
	make_pair(sp);
	assert_int_equal(fcntl(sp[0], F_SETFL, O_NONBLOCK), 0);

	/* A line of exactly CTL_MAX_LINE bytes, newline included, is accepted. */
	c = ctl_conn_new(sp[1]);
	memset(big, 'a', size);
	memcpy(big, "{\"a\":\"", 6);
	memcpy(big + CTL_MAX_LINE - 3, "\"}\n", 3);
	assert_int_equal(feed(sp[0], c, big, CTL_MAX_LINE), 0);
	/* Reading on before the complete line was taken is a caller bug. */
	assert_int_equal(ctl_conn_read(c), -ENOBUFS);
	assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), 1);
	assert_int_equal(strlen(json_string_value(json_object_get(msg, "a"))), CTL_MAX_LINE - 9);
	json_decref(msg);
	ctl_conn_free(c);

	/* One byte more is refused before the newline even arrives. */
	c = ctl_conn_new(sp[1]);
	memset(big, 'a', size);
	assert_int_equal(feed(sp[0], c, big, size), -EMSGSIZE);
	ctl_conn_free(c);

	/* The sender refuses to produce such a line. */
	big[CTL_MAX_LINE] = '\0';
	msg = json_pack("{s:s}", "a", big);
	assert_int_equal(ctl_send(sp[0], msg, NULL, 0), -EMSGSIZE);
	json_decref(msg);
	free(big);
	close(sp[0]);
	close(sp[1]);
}

static void test_non_object_json(void **state)
{
	int sp[2], pipe_fds[2], fds[CTL_MAX_FDS], nfds = 9;
	struct ctl_conn *c;
	json_t *msg, *array;
	char byte;

	(void)state;
	make_pair(sp);
	assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
	c = ctl_conn_new(sp[1]);
	/* An array carrying an fd: the line is refused and the fd closed. */
	array = json_pack("[i,i]", 1, 2);
	assert_int_equal(ctl_send(sp[0], array, &pipe_fds[1], 1), 0);
	json_decref(array);
	write_all(sp[0], "not json\n\n{\"id\":1,\"id\":2}\n{\"id\":9}\n");
	while (ctl_conn_read(c) > 0)
		;
	assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), -EBADMSG);
	assert_null(msg);
	assert_int_equal(nfds, 0);
	assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), -EBADMSG);
	assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), -EBADMSG);
	assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), -EBADMSG);
	assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), 1);
	assert_int_equal(json_integer_value(json_object_get(msg, "id")), 9);
	json_decref(msg);
	assert_int_equal(ctl_conn_next(c, &msg, fds, &nfds), 0);
	/* With our own write end closed, EOF proves the passed copy was closed. */
	close(pipe_fds[1]);
	assert_int_equal(read(pipe_fds[0], &byte, 1), 0);
	close(pipe_fds[0]);
	ctl_conn_free(c);
	close(sp[0]);
	close(sp[1]);
}

/* A queued fd whose line never completes is closed by ctl_conn_free(). */
static void test_free_closes_queued_fds(void **state)
{
	int sp[2], pipe_fds[2];
	struct ctl_conn *c;
	char byte;
	struct iovec iov = { .iov_base = "{\"id\"", .iov_len = 5 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cm;

	(void)state;
	make_pair(sp);
	assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
	memset(&control, 0, sizeof(control));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &pipe_fds[1], sizeof(int));
	assert_int_equal(sendmsg(sp[0], &mh, 0), 5);
	c = ctl_conn_new(sp[1]);
	assert_int_equal(ctl_conn_read(c), 5);
	close(pipe_fds[1]);
	ctl_conn_free(c);
	assert_int_equal(read(pipe_fds[0], &byte, 1), 0);
	close(pipe_fds[0]);
	close(sp[0]);
	close(sp[1]);
}

/* Dispatch fixtures. */
struct calls {
	int ping;
	int create;
	int kept_fd;
	size_t params_seen;
};

static int handle_ping(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct calls *calls = req->opaque;

	calls->ping++;
	calls->params_seen = json_object_size(req->params);
	*result = json_pack("{s:b}", "pong", 1);
	return 0;
}

static int handle_create(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct calls *calls = req->opaque;

	calls->create++;
	if (req->nfds > 0 && json_is_true(json_object_get(req->params, "keep"))) {
		calls->kept_fd = req->fds[0];
		req->fds[0] = -1;
	}
	return 0;
}

static int handle_fail(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	snprintf(err, err_size, "network '%s' not found",
		 json_string_value(json_object_get(req->params, "name")));
	*result = json_object();	/* must be dropped on failure */
	return -ENOENT;
}

static struct calls the_calls;

static const struct ctl_command commands[] = {
	{ "ping", "", false, handle_ping, &the_calls },
	{ "net.create", "{name, mode}", true, handle_create, &the_calls },
	{ "net.info", "{name}", false, handle_fail, NULL },
	{ NULL, NULL, false, NULL, NULL },
};

static json_t *dispatch_text(const char *text, bool allowed, struct ctl_request *req)
{
	struct ctl_request local = { .nfds = 0 };
	json_error_t jerr;
	json_t *msg = json_loads(text, 0, &jerr), *reply;

	assert_non_null(msg);
	reply = ctl_dispatch(commands, msg, req ? req : &local, allowed);
	json_decref(msg);
	assert_non_null(reply);
	return reply;
}

static json_int_t error_code(json_t *reply)
{
	json_t *error = json_object_get(reply, "error");

	assert_non_null(error);
	assert_null(json_object_get(reply, "result"));
	return json_integer_value(json_object_get(error, "code"));
}

static const char *error_message(json_t *reply)
{
	return json_string_value(json_object_get(json_object_get(reply, "error"), "message"));
}

static void test_dispatch_unknown_method(void **state)
{
	json_t *reply;

	(void)state;
	reply = dispatch_text("{\"id\":\"abc\",\"method\":\"net.frobnicate\"}", true, NULL);
	assert_int_equal(error_code(reply), -EOPNOTSUPP);
	assert_string_equal(json_string_value(json_object_get(reply, "id")), "abc");
	assert_non_null(strstr(error_message(reply), "net.frobnicate"));
	json_decref(reply);

	reply = dispatch_text("{\"id\":3}", true, NULL);
	assert_int_equal(error_code(reply), -EINVAL);
	assert_int_equal(json_integer_value(json_object_get(reply, "id")), 3);
	json_decref(reply);
}

static void test_dispatch_params(void **state)
{
	json_t *reply;

	(void)state;
	memset(&the_calls, 0, sizeof(the_calls));
	reply = dispatch_text("{\"id\":1,\"method\":\"ping\"}", false, NULL);
	assert_int_equal(json_integer_value(json_object_get(reply, "id")), 1);
	assert_true(json_is_true(json_object_get(json_object_get(reply, "result"), "pong")));
	assert_int_equal(the_calls.ping, 1);
	assert_int_equal(the_calls.params_seen, 0);
	json_decref(reply);

	reply = dispatch_text("{\"id\":2,\"method\":\"ping\",\"params\":{\"a\":1,\"b\":2}}", false, NULL);
	assert_int_equal(the_calls.params_seen, 2);
	json_decref(reply);

	reply = dispatch_text("{\"id\":3,\"method\":\"ping\",\"params\":[1]}", false, NULL);
	assert_int_equal(error_code(reply), -EINVAL);
	assert_int_equal(the_calls.ping, 2);
	json_decref(reply);

	/* No id: the reply still has one, null. */
	reply = dispatch_text("{\"method\":\"ping\"}", false, NULL);
	assert_true(json_is_null(json_object_get(reply, "id")));
	json_decref(reply);
}

static void test_dispatch_permission(void **state)
{
	int pipe_fds[2];
	struct ctl_request req = { .nfds = 1 };
	json_t *reply;

	(void)state;
	memset(&the_calls, 0, sizeof(the_calls));
	assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
	req.fds[0] = pipe_fds[1];
	reply = dispatch_text("{\"id\":4,\"method\":\"net.create\",\"params\":{\"name\":\"n\"}}",
			      false, &req);
	assert_int_equal(error_code(reply), -EPERM);
	assert_int_equal(json_integer_value(json_object_get(reply, "id")), 4);
	assert_non_null(strstr(error_message(reply), "permission denied"));
	assert_int_equal(the_calls.create, 0);
	/* The fd that came with the refused request was closed. */
	assert_false(fd_is_open(pipe_fds[1]));
	assert_int_equal(req.nfds, 0);
	json_decref(reply);

	reply = dispatch_text("{\"id\":5,\"method\":\"net.create\",\"params\":{}}", true, NULL);
	assert_non_null(json_object_get(reply, "result"));
	assert_true(json_is_object(json_object_get(reply, "result")));
	assert_int_equal(the_calls.create, 1);
	json_decref(reply);
	close(pipe_fds[0]);
}

static void test_dispatch_fds_kept_or_closed(void **state)
{
	int pipe_fds[2];
	struct ctl_request req = { .nfds = 1 };
	json_t *reply;

	(void)state;
	memset(&the_calls, 0, sizeof(the_calls));
	assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
	req.fds[0] = dup(pipe_fds[1]);
	reply = dispatch_text("{\"id\":6,\"method\":\"net.create\"}", true, &req);
	json_decref(reply);
	assert_int_equal(the_calls.create, 1);
	assert_false(fd_is_open(req.fds[0]) && req.fds[0] >= 0);

	req.nfds = 1;
	req.fds[0] = dup(pipe_fds[1]);
	reply = dispatch_text("{\"id\":7,\"method\":\"net.create\",\"params\":{\"keep\":true}}",
			      true, &req);
	json_decref(reply);
	assert_true(fd_is_open(the_calls.kept_fd));
	close(the_calls.kept_fd);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

static void test_dispatch_list_commands(void **state)
{
	json_t *reply, *list, *entry;
	bool seen_create = false, seen_list = false;
	size_t i;

	(void)state;
	reply = dispatch_text("{\"id\":8,\"method\":\"list-commands\"}", false, NULL);
	list = json_object_get(json_object_get(reply, "result"), "commands");
	assert_true(json_is_array(list));
	assert_int_equal(json_array_size(list), 4);
	json_array_foreach(list, i, entry) {
		const char *name = json_string_value(json_object_get(entry, "name"));

		assert_non_null(name);
		if (!strcmp(name, "net.create")) {
			seen_create = true;
			assert_true(json_is_true(json_object_get(entry, "mutating")));
			assert_string_equal(json_string_value(json_object_get(entry, "usage")),
					    "{name, mode}");
		}
		seen_list |= !strcmp(name, "list-commands");
	}
	assert_true(seen_create);
	assert_true(seen_list);
	json_decref(reply);
}

static void test_dispatch_handler_error(void **state)
{
	json_t *reply;

	(void)state;
	reply = dispatch_text("{\"id\":9,\"method\":\"net.info\",\"params\":{\"name\":\"lab\"}}",
			      false, NULL);
	assert_int_equal(error_code(reply), -ENOENT);
	assert_string_equal(error_message(reply), "network 'lab' not found");
	assert_int_equal(json_integer_value(json_object_get(reply, "id")), 9);
	json_decref(reply);
}

/* A server thread answering requests on one end of a socketpair. */
static void *server_main(void *arg)
{
	int fd = *(int *)arg, fds[CTL_MAX_FDS], nfds;
	struct ctl_conn *c = ctl_conn_new(fd);
	json_t *msg, *reply, *decoy;
	int rc;

	for (;;) {
		rc = ctl_conn_next(c, &msg, fds, &nfds);
		if (rc == 0) {
			if (ctl_conn_read(c) <= 0)
				break;
			continue;
		}
		if (rc < 0)
			break;
		{
			struct ctl_request req = { .nfds = nfds };

			memcpy(req.fds, fds, sizeof(int) * (size_t)nfds);
			/* A reply for someone else first: the client must skip it. */
			decoy = json_pack("{s:i, s:{}}", "id", 999999, "result");
			ctl_send(fd, decoy, NULL, 0);
			json_decref(decoy);
			reply = ctl_dispatch(commands, msg, &req, true);
			ctl_send(fd, reply, NULL, 0);
			json_decref(reply);
			json_decref(msg);
		}
	}
	ctl_conn_free(c);
	close(fd);
	return NULL;
}

static void test_ctl_call(void **state)
{
	int sp[2];
	pthread_t thread;
	json_t *result = NULL;
	char *errmsg = NULL;

	(void)state;
	memset(&the_calls, 0, sizeof(the_calls));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	assert_int_equal(pthread_create(&thread, NULL, server_main, &sp[1]), 0);

	assert_int_equal(ctl_call(sp[0], "ping", NULL, NULL, 0, &result, &errmsg), 0);
	assert_null(errmsg);
	assert_true(json_is_true(json_object_get(result, "pong")));
	json_decref(result);

	assert_int_equal(ctl_call(sp[0], "net.info", json_pack("{s:s}", "name", "x"), NULL, 0,
				  &result, &errmsg), -ENOENT);
	assert_null(result);
	assert_string_equal(errmsg, "network 'x' not found");
	free(errmsg);

	assert_int_equal(ctl_call(sp[0], "nope", NULL, NULL, 0, &result, &errmsg), -EOPNOTSUPP);
	assert_non_null(errmsg);
	free(errmsg);
	assert_int_equal(the_calls.ping, 1);

	/* The server goes away: a transport error without a message. */
	shutdown(sp[0], SHUT_WR);
	pthread_join(thread, NULL);
	assert_int_equal(ctl_call(sp[0], "ping", NULL, NULL, 0, &result, &errmsg), -EPIPE);
	assert_null(errmsg);
	close(sp[0]);
}

static void test_ctl_call_peer_hangs_up(void **state)
{
	int sp[2];
	json_t *result = NULL;
	char *errmsg = NULL;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	/* The peer has half-closed: it reads the request but never answers. */
	shutdown(sp[1], SHUT_WR);
	assert_int_equal(ctl_call(sp[0], "ping", NULL, NULL, 0, &result, &errmsg), -ECONNRESET);
	assert_null(result);
	assert_null(errmsg);
	close(sp[0]);
	close(sp[1]);
}

static void test_listen_connect_cred(void **state)
{
	char dir[] = "/tmp/test_ctl.XXXXXX", path[128], other[128], longpath[200];
	int lfd, lfd2, cfd, afd, fl;
	struct stat st;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ctl.sock", dir);
	snprintf(other, sizeof(other), "%s/not-a-socket", dir);

	lfd = ctl_listen(path, 0660);
	assert_true(lfd >= 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0660);
	fl = fcntl(lfd, F_GETFL);
	assert_true(fl & O_NONBLOCK);
	assert_true(fcntl(lfd, F_GETFD) & FD_CLOEXEC);
	/* A socket someone listens on is not taken over. */
	assert_int_equal(ctl_listen(path, 0660), -EADDRINUSE);

	cfd = ctl_connect(path);
	assert_true(cfd >= 0);
	assert_false(fcntl(cfd, F_GETFL) & O_NONBLOCK);
	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(afd >= 0);
	assert_int_equal(ctl_peer_cred(afd, &pid, &uid, &gid), 0);
	assert_int_equal(pid, getpid());
	assert_int_equal(uid, geteuid());
	assert_int_equal(gid, getegid());
	assert_int_equal(ctl_peer_cred(-1, &pid, NULL, NULL), -EBADF);
	close(afd);
	close(cfd);

	/* After the daemon died, its socket file is stale and is replaced. */
	close(lfd);
	assert_int_equal(stat(path, &st), 0);
	lfd2 = ctl_listen(path, 0600);
	assert_true(lfd2 >= 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	close(lfd2);

	/* A regular file is never removed. */
	f = fopen(other, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(ctl_listen(other, 0660), -EEXIST);
	assert_int_equal(stat(other, &st), 0);
	assert_true(S_ISREG(st.st_mode));

	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(ctl_listen(longpath, 0660), -ENAMETOOLONG);
	assert_int_equal(ctl_connect(longpath), -ENAMETOOLONG);
	assert_int_equal(ctl_connect(other), -ECONNREFUSED);

	unlink(other);
	unlink(path);
	assert_int_equal(ctl_connect(path), -ENOENT);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_response),
		cmocka_unit_test(test_multiple_messages_one_read),
		cmocka_unit_test(test_message_split_across_reads),
		cmocka_unit_test(test_fd_passing),
		cmocka_unit_test(test_fd_stays_with_its_line),
		cmocka_unit_test(test_too_many_fds),
		cmocka_unit_test(test_oversize_line),
		cmocka_unit_test(test_non_object_json),
		cmocka_unit_test(test_free_closes_queued_fds),
		cmocka_unit_test(test_dispatch_unknown_method),
		cmocka_unit_test(test_dispatch_params),
		cmocka_unit_test(test_dispatch_permission),
		cmocka_unit_test(test_dispatch_fds_kept_or_closed),
		cmocka_unit_test(test_dispatch_list_commands),
		cmocka_unit_test(test_dispatch_handler_error),
		cmocka_unit_test(test_ctl_call),
		cmocka_unit_test(test_ctl_call_peer_hangs_up),
		cmocka_unit_test(test_listen_connect_cred),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
