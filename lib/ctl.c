/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctl.c - newline-delimited JSON control protocol over UNIX sockets, with fd passing. */

/*
 * Theory of operation
 *
 * Bytes and descriptors travel separately: a stream socket does not keep
 * message boundaries, but the kernel never merges data across the skb that
 * carried descriptors. recvmsg() on a UNIX stream socket may glue the tail of
 * earlier skbs to an skb with SCM_RIGHTS and then stops right after it. The
 * sender attaches a line's fds to the sendmsg() holding the first byte of the
 * line, and that sendmsg() never holds bytes of another line. So the fds of
 * one read belong to the last line that begins inside the bytes of that read
 * (or, if no line begins there, to the line being read). We record each fd
 * with the stream offset of that line's first byte, and hand it out with the
 * line. This stays right when a client pipelines several requests.
 *
 * The reader's buffer grows on demand up to CTL_MAX_LINE bytes: a line,
 * including its newline, may be that long and no longer.
 */

#define _GNU_SOURCE	/* memrchr(), struct ucred */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "ctl.h"

#define CTL_BUF_INITIAL		4096
#define CTL_QUEUE_FDS		(4 * CTL_MAX_FDS)
#define CTL_LISTEN_BACKLOG	64
#define CTL_ERR_SIZE		256

struct ctl_queued_fd {
	int fd;
	uint64_t line;		/* stream offset of the first byte of its line */
};

struct ctl_conn {
	int fd;
	char *buf;
	size_t cap;		/* allocated bytes, at most CTL_MAX_LINE */
	size_t len;		/* valid bytes in buf */
	size_t head;		/* first byte not yet returned by ctl_conn_next() */
	size_t scan;		/* bytes before this offset hold no newline after head */
	size_t partial;		/* start of the last, unfinished line */
	uint64_t base;		/* stream offset of buf[0] */
	struct ctl_queued_fd queue[CTL_QUEUE_FDS];
	int queued;
};

static void ctl_close_fds(int *fds, int nfds)
{
	int i;

	for (i = 0; i < nfds; i++) {
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
	}
}

static int ctl_make_addr(const char *path, struct sockaddr_un *addr)
{
	size_t size;

	if (!path || !*path)
		return -EINVAL;
	size = strlen(path);
	if (size >= sizeof(addr->sun_path))
		return -ENAMETOOLONG;
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path, path, size + 1);
	return 0;
}

/*
 * Remove a socket file nobody listens on any more. A live socket or a file
 * that is not a socket is left alone: it is someone else's.
 */
static int ctl_remove_stale(const char *path, const struct sockaddr_un *addr)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	rc = connect(fd, (const struct sockaddr *)addr, sizeof(*addr));
	if (rc == 0) {
		close(fd);
		return -EADDRINUSE;
	}
	rc = errno;
	close(fd);
	if (rc != ECONNREFUSED && rc != ENOENT)
		return -rc;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/**
 * ctl_listen() - create, bind and listen on a UNIX stream socket
 * @path:	socket path; a stale socket file there is replaced
 * @mode:	permission bits for the socket file (e.g. 0660)
 *
 * A socket someone still listens on gives -EADDRINUSE, and a path holding
 * anything but a socket gives -EEXIST: neither is removed.
 * Return: listening fd (non-blocking, close-on-exec) or negative errno.
 */
int ctl_listen(const char *path, mode_t mode)
{
	struct sockaddr_un addr;
	int fd, rc;

	rc = ctl_make_addr(path, &addr);
	if (rc)
		return rc;
	rc = ctl_remove_stale(path, &addr);
	if (rc)
		return rc;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		rc = -errno;
		goto err_close;
	}
	/*
	 * Until listen(), connecting fails with ECONNREFUSED, so the moment
	 * between bind() and chmod() with umask-derived bits admits nobody.
	 */
	if (chmod(path, mode) < 0) {
		rc = -errno;
		goto err_unlink;
	}
	if (listen(fd, CTL_LISTEN_BACKLOG) < 0) {
		rc = -errno;
		goto err_unlink;
	}
	return fd;

err_unlink:
	unlink(path);
err_close:
	close(fd);
	return rc;
}

/**
 * ctl_connect() - connect to the control socket at @path
 * @path:	socket path
 *
 * Return: fd (blocking, close-on-exec) or negative errno.
 */
int ctl_connect(const char *path)
{
	struct sockaddr_un addr;
	int fd, rc;

	rc = ctl_make_addr(path, &addr);
	if (rc)
		return rc;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/*
 * Wait until @fd is writable; for sockets that are non-blocking. A peer that
 * stops reading gets CTL_SEND_TIMEOUT_MS in all, then -ETIMEDOUT: a server
 * must never hang on one client that does not read its replies.
 */
static int ctl_wait_writable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	for (;;) {
		int n = poll(&pfd, 1, CTL_SEND_TIMEOUT_MS);

		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/**
 * ctl_send() - serialise @msg compactly, append '\n', send it with @fds
 * @fd:		connected socket
 * @msg:	JSON value (not consumed)
 * @fds:	descriptors to pass (may be NULL when @nfds is 0); still the caller's
 * @nfds:	count, at most CTL_MAX_FDS
 *
 * The fds ride on the sendmsg() carrying the first byte of the line. Blocks
 * until the whole line is written (retries on EINTR/EAGAIN with poll).
 * Return: 0, -EINVAL for bad arguments, -EMSGSIZE if the line would exceed
 * CTL_MAX_LINE, or another negative errno.
 */
int ctl_send(int fd, json_t *msg, const int *fds, int nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * CTL_MAX_FDS)];
		struct cmsghdr align;
	} control;
	size_t size, sent = 0;
	char *text, *line;
	int rc = 0;

	if (!msg || nfds < 0 || nfds > CTL_MAX_FDS || (nfds && !fds))
		return -EINVAL;
	text = json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		return -EINVAL;
	size = strlen(text);
	if (size + 1 > CTL_MAX_LINE) {
		free(text);
		return -EMSGSIZE;
	}
	line = realloc(text, size + 2);
	if (!line) {
		free(text);
		return -ENOMEM;
	}
	line[size++] = '\n';

	while (sent < size) {
		struct iovec iov = { .iov_base = line + sent, .iov_len = size - sent };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (nfds && !sent) {
			struct cmsghdr *cm;

			memset(&control, 0, sizeof(control));
			mh.msg_control = control.buf;
			mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
			memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)nfds);
		}
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				rc = ctl_wait_writable(fd);
				if (rc)
					break;
				continue;
			}
			rc = -errno;
			break;
		}
		sent += (size_t)n;
	}
	free(line);
	return rc;
}

/**
 * ctl_conn_new() - create a line reader for connected socket @fd
 * @fd:	the socket; not owned: close it yourself after ctl_conn_free()
 *
 * Return: the reader, or NULL (ENOMEM).
 */
struct ctl_conn *ctl_conn_new(int fd)
{
	struct ctl_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	return c;
}

/**
 * ctl_conn_free() - free the reader and close any fds still queued
 * @c:	the reader, or NULL
 */
void ctl_conn_free(struct ctl_conn *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < c->queued; i++)
		close(c->queue[i].fd);
	free(c->buf);
	free(c);
}

/* Drop returned lines from the front of the buffer and make room to read. */
static int ctl_conn_make_room(struct ctl_conn *c)
{
	size_t cap;
	char *buf;

	if (c->head) {
		memmove(c->buf, c->buf + c->head, c->len - c->head);
		c->base += c->head;
		c->len -= c->head;
		c->scan -= c->scan > c->head ? c->head : c->scan;
		c->partial -= c->head;
		c->head = 0;
	}
	if (c->len < c->cap)
		return 0;
	if (c->cap >= CTL_MAX_LINE) {
		/*
		 * Full of complete lines the caller has not taken yet
		 * (an unfinished line this long was refused when it arrived).
		 */
		return -ENOBUFS;
	}
	cap = c->cap ? c->cap * 2 : CTL_BUF_INITIAL;
	if (cap > CTL_MAX_LINE)
		cap = CTL_MAX_LINE;
	buf = realloc(c->buf, cap);
	if (!buf)
		return -ENOMEM;
	c->buf = buf;
	c->cap = cap;
	return 0;
}

/* Queue @nfds descriptors for the line starting at stream offset @line. */
static int ctl_conn_queue_fds(struct ctl_conn *c, const int *fds, int nfds, uint64_t line)
{
	int i, same_line = 0;

	for (i = 0; i < c->queued; i++)
		if (c->queue[i].line == line)
			same_line++;
	if (same_line + nfds > CTL_MAX_FDS || c->queued + nfds > CTL_QUEUE_FDS)
		return -EMSGSIZE;
	for (i = 0; i < nfds; i++) {
		c->queue[c->queued].fd = fds[i];
		c->queue[c->queued].line = line;
		c->queued++;
	}
	return 0;
}

/*
 * Collect SCM_RIGHTS descriptors of one recvmsg() into @fds. On any error
 * every descriptor that arrived is closed, so nothing leaks into the daemon.
 */
static int ctl_take_cmsg_fds(struct msghdr *mh, int *fds, int *nfds)
{
	struct cmsghdr *cm;
	int rc = 0, i;

	*nfds = 0;
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t count;
		int *data;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		data = (int *)CMSG_DATA(cm);
		for (i = 0; (size_t)i < count; i++) {
			int fd;

			memcpy(&fd, data + i, sizeof(fd));
			if (*nfds < CTL_MAX_FDS)
				fds[(*nfds)++] = fd;
			else {
				close(fd);
				rc = -EMSGSIZE;
			}
		}
	}
	/* The kernel dropped descriptors (or other data) that did not fit. */
	if (mh->msg_flags & MSG_CTRUNC)
		rc = -EMSGSIZE;
	if (rc) {
		ctl_close_fds(fds, *nfds);
		*nfds = 0;
	}
	return rc;
}

/**
 * ctl_conn_read() - read what the socket has (one recvmsg) into the buffer
 * @c:	the reader
 *
 * Take the complete lines with ctl_conn_next() before reading again.
 * Return: bytes read (> 0), 0 on orderly EOF, -EAGAIN if nothing is there,
 * -EMSGSIZE if a line exceeds CTL_MAX_LINE or too many fds arrived (fds of
 * that read are closed; drop the connection), or another negative errno.
 */
int ctl_conn_read(struct ctl_conn *c)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * CTL_MAX_FDS)];
		struct cmsghdr align;
	} control;
	int fds[CTL_MAX_FDS];
	struct msghdr mh = { 0 };
	struct iovec iov;
	size_t old_len;
	char *nl;
	ssize_t n;
	int nfds, rc;

	rc = ctl_conn_make_room(c);
	if (rc)
		return rc;
	iov.iov_base = c->buf + c->len;
	iov.iov_len = c->cap - c->len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof(control.buf);
	do {
		n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;

	rc = ctl_take_cmsg_fds(&mh, fds, &nfds);
	if (rc)
		return rc;
	old_len = c->len;
	c->len += (size_t)n;

	if (nfds) {
		/* Find the last line beginning in the new bytes; see the top. */
		uint64_t line = c->base + c->partial;

		if (n > 1) {
			nl = memrchr(c->buf + old_len, '\n', (size_t)n - 1);
			if (nl)
				line = c->base + (size_t)(nl - c->buf) + 1;
		}
		rc = ctl_conn_queue_fds(c, fds, nfds, line);
		if (rc) {
			ctl_close_fds(fds, nfds);
			return rc;
		}
	}
	if (n > 0) {
		nl = memrchr(c->buf + old_len, '\n', (size_t)n);
		if (nl)
			c->partial = (size_t)(nl - c->buf) + 1;
		/* An unfinished line filling the limit can never end in time. */
		if (c->len - c->partial >= CTL_MAX_LINE)
			return -EMSGSIZE;
	}
	return (int)n;
}

/**
 * ctl_conn_next() - take the next complete line, parsed
 * @c:		reader
 * @msg:	set to the parsed JSON object (caller owns; json_decref it)
 * @fds:	receives up to CTL_MAX_FDS descriptors that came with the line (caller owns)
 * @nfds:	set to the number of descriptors
 *
 * Return: 1 if a message was returned, 0 if no complete line is buffered,
 * -EBADMSG if the line is not a JSON object (the line is consumed and its fds
 * closed, so the caller may reply with an error and continue).
 */
int ctl_conn_next(struct ctl_conn *c, json_t **msg, int *fds, int *nfds)
{
	int line_fds[CTL_MAX_FDS];
	int count = 0, i, kept = 0;
	uint64_t line_end;
	json_error_t jerr;
	size_t start, size;
	json_t *value;
	char *nl;

	*msg = NULL;
	if (nfds)
		*nfds = 0;
	if (c->scan < c->head)
		c->scan = c->head;
	nl = c->len > c->scan ? memchr(c->buf + c->scan, '\n', c->len - c->scan) : NULL;
	if (!nl) {
		c->scan = c->len;
		return 0;
	}
	start = c->head;
	size = (size_t)(nl - c->buf) - start;
	line_end = c->base + (size_t)(nl - c->buf) + 1;
	c->head = (size_t)(nl - c->buf) + 1;
	c->scan = c->head;

	/* Lines are returned in order, so every queued fd before the end is ours. */
	for (i = 0; i < c->queued; i++) {
		if (c->queue[i].line < line_end && count < CTL_MAX_FDS)
			line_fds[count++] = c->queue[i].fd;
		else if (c->queue[i].line < line_end)
			close(c->queue[i].fd);
		else
			c->queue[kept++] = c->queue[i];
	}
	c->queued = kept;

	value = json_loadb(c->buf + start, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!value || !json_is_object(value)) {
		json_decref(value);
		ctl_close_fds(line_fds, count);
		return -EBADMSG;
	}
	if (fds && nfds) {
		memcpy(fds, line_fds, sizeof(int) * (size_t)count);
		*nfds = count;
	} else {
		ctl_close_fds(line_fds, count);
	}
	*msg = value;
	return 1;
}

/* Reply ids are compared by value: our requests use integers. */
static bool ctl_reply_is_ours(json_t *reply, json_int_t id)
{
	json_t *rid = json_object_get(reply, "id");

	if (json_is_integer(rid))
		return json_integer_value(rid) == id;
	/*
	 * A daemon that could not parse a request answers with a null id; as
	 * ours is the only request in flight on this connection, it is ours.
	 */
	return (!rid || json_is_null(rid)) && json_object_get(reply, "error");
}

/* Turn a reply into ctl_call()'s return value, result and message. */
static int ctl_call_unpack(json_t *reply, json_t **result, char **errmsg)
{
	json_t *error = json_object_get(reply, "error");
	json_t *res = json_object_get(reply, "result");
	const char *text;
	json_int_t code;

	if (error) {
		code = json_integer_value(json_object_get(error, "code"));
		text = json_string_value(json_object_get(error, "message"));
		if (code >= 0 || code < -4095)
			code = -EPROTO;
		if (errmsg) {
			*errmsg = strdup(text ? text : strerror((int)-code));
			if (!*errmsg)
				return -ENOMEM;
		}
		return (int)code;
	}
	if (!res)
		return -EPROTO;
	if (result)
		*result = json_incref(res);
	return 0;
}

/**
 * ctl_call() - client side: send one request and wait for its reply
 * @fd:		connected socket (blocking)
 * @method:	method name
 * @params:	parameters object, or NULL for {} (reference stolen)
 * @fds:	descriptors to pass with the request (still the caller's)
 * @nfds:	count
 * @result:	on success, set to the "result" value (caller owns)
 * @errmsg:	on a daemon error, set to a malloc'd message (caller frees)
 *
 * Replies with other ids are skipped, and fds arriving with replies are
 * closed. Only one ctl_call() may be in flight on a connection: bytes that
 * arrive after the reply are discarded.
 * Return: 0 on success; the daemon's negative error code with @errmsg set;
 * or a negative errno for transport failures (@errmsg NULL), -ECONNRESET if
 * the daemon hung up first.
 */
int ctl_call(int fd, const char *method, json_t *params, const int *fds,
	     int nfds, json_t **result, char **errmsg)
{
	static atomic_uint_fast64_t next_id = 1;
	json_int_t id = (json_int_t)(atomic_fetch_add(&next_id, 1) & INT32_MAX);
	struct ctl_conn *conn = NULL;
	json_t *req, *reply = NULL;
	int rc;

	if (result)
		*result = NULL;
	if (errmsg)
		*errmsg = NULL;
	if (!params)
		params = json_object();
	if (!method || !params) {
		json_decref(params);
		return -EINVAL;
	}
	req = json_object();
	if (!req) {
		json_decref(params);
		return -ENOMEM;
	}
	if (json_object_set_new(req, "id", json_integer(id)) ||
	    json_object_set_new(req, "method", json_string(method)) ||
	    json_object_set_new(req, "params", params)) {
		rc = -EINVAL;
		goto out;
	}
	rc = ctl_send(fd, req, fds, nfds);
	if (rc)
		goto out;
	conn = ctl_conn_new(fd);
	if (!conn) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		int rfds[CTL_MAX_FDS], rnfds = 0;

		rc = ctl_conn_next(conn, &reply, rfds, &rnfds);
		ctl_close_fds(rfds, rnfds);
		if (rc < 0)
			goto out;
		if (rc == 1) {
			if (ctl_reply_is_ours(reply, id))
				break;
			json_decref(reply);
			reply = NULL;
			continue;
		}
		rc = ctl_conn_read(conn);
		if (rc == 0)
			rc = -ECONNRESET;
		if (rc == -EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			/* Tolerate a non-blocking socket by waiting here. */
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
				rc = -errno;
				goto out;
			}
			continue;
		}
		if (rc < 0)
			goto out;
	}
	rc = ctl_call_unpack(reply, result, errmsg);
out:
	json_decref(reply);
	ctl_conn_free(conn);
	json_decref(req);
	return rc;
}

/**
 * ctl_peer_cred() - the connecting process's credentials, from the kernel
 * @fd:		connected UNIX socket
 * @pid:	set to the peer's pid (may be NULL)
 * @uid:	set to the peer's effective uid at connect() (may be NULL)
 * @gid:	set to the peer's effective gid at connect() (may be NULL)
 *
 * Return: 0 or negative errno.
 */
int ctl_peer_cred(int fd, pid_t *pid, uid_t *uid, gid_t *gid)
{
	struct ucred cred;
	socklen_t size = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &size) < 0)
		return -errno;
	if (size != sizeof(cred))
		return -EPROTO;
	if (pid)
		*pid = cred.pid;
	if (uid)
		*uid = cred.uid;
	if (gid)
		*gid = cred.gid;
	return 0;
}

static json_t *ctl_error_reply(json_t *id, int code, const char *message)
{
	json_t *text = json_string(message);

	/* A handler may have put bytes that are not UTF-8 into its message. */
	if (!text)
		text = json_string(strerror(-code));
	return json_pack("{s:O, s:{s:i, s:o}}", "id", id, "error", "code", code,
			 "message", text);
}

static json_t *ctl_list_commands(const struct ctl_command *cmds)
{
	json_t *list = json_array(), *result;
	const struct ctl_command *cmd;

	if (!list)
		return NULL;
	json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "name", "list-commands",
					      "usage", "", "mutating", 0));
	for (cmd = cmds; cmd && cmd->name; cmd++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "name", cmd->name,
						      "usage", cmd->usage ? cmd->usage : "",
						      "mutating", cmd->mutating));
	result = json_pack("{s:o}", "commands", list);
	return result;
}

/**
 * ctl_dispatch() - look up and run the method of @msg, build the reply
 * @cmds:	table terminated by an entry with name NULL
 * @msg:	the request object
 * @req:	fds and credentials filled by the caller; params and opaque are set here
 * @allowed:	whether the peer may run mutating commands
 *
 * Errors: -EINVAL for a missing method or a params value that is not an
 * object, -EOPNOTSUPP for an unknown method, -EPERM for a mutating command
 * when @allowed is false, or the handler's own code and message. The
 * built-in "list-commands" returns {"commands":[{"name","usage","mutating"}]}.
 * Fds left in @req after the handler are closed; req->params is reset to NULL.
 * Return: the reply object (caller owns), NULL only if memory ran out or
 * @req is NULL.
 */
json_t *ctl_dispatch(const struct ctl_command *cmds, json_t *msg,
		     struct ctl_request *req, bool allowed)
{
	json_t *id, *method_value, *params, *result = NULL, *reply = NULL;
	const struct ctl_command *cmd;
	char err[CTL_ERR_SIZE];
	const char *method;
	json_t *own_params = NULL;
	int rc;

	if (!req)
		return NULL;
	id = json_object_get(msg, "id");
	if (!id)
		id = json_null();	/* singleton: no reference to drop */
	method_value = json_object_get(msg, "method");
	method = json_string_value(method_value);
	if (!method) {
		reply = ctl_error_reply(id, -EINVAL, "request has no \"method\" string");
		goto out;
	}

	params = json_object_get(msg, "params");
	if (!params || json_is_null(params)) {
		own_params = json_object();
		params = own_params;
	} else if (!json_is_object(params)) {
		reply = ctl_error_reply(id, -EINVAL, "\"params\" must be an object");
		goto out;
	}

	if (!strcmp(method, "list-commands")) {
		result = ctl_list_commands(cmds);
		reply = result ? json_pack("{s:O, s:o}", "id", id, "result", result) : NULL;
		goto out;
	}

	for (cmd = cmds; cmd && cmd->name; cmd++)
		if (!strcmp(cmd->name, method))
			break;
	if (!cmd || !cmd->name || !cmd->handler) {
		snprintf(err, sizeof(err), "unknown method '%.64s' (try list-commands)", method);
		reply = ctl_error_reply(id, -EOPNOTSUPP, err);
		goto out;
	}
	if (cmd->mutating && !allowed) {
		snprintf(err, sizeof(err),
			 "permission denied: '%s' changes state and needs root or the socket's group",
			 cmd->name);
		reply = ctl_error_reply(id, -EPERM, err);
		goto out;
	}

	req->params = params;
	req->opaque = cmd->opaque;
	err[0] = '\0';
	rc = cmd->handler(req, &result, err, sizeof(err));
	if (rc < 0) {
		json_decref(result);
		err[sizeof(err) - 1] = '\0';
		reply = ctl_error_reply(id, rc, err[0] ? err : strerror(-rc));
		goto out;
	}
	if (!result)
		result = json_object();
	reply = json_pack("{s:O, s:o}", "id", id, "result", result);

out:
	if (req) {
		ctl_close_fds(req->fds, req->nfds < 0 ? 0 :
			      req->nfds > CTL_MAX_FDS ? CTL_MAX_FDS : req->nfds);
		req->nfds = 0;
		req->params = NULL;
	}
	json_decref(own_params);
	return reply;
}
