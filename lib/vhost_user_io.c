// SPDX-License-Identifier: GPL-2.0-or-later
/* vhost_user_io.c - vhost-user messages in and replies out on a socket, never waiting for the peer. */

/*
 * Theory of operation
 *
 * The control thread serves every front-end, the control socket and the
 * timers from one loop, so it must never wait for one peer. A message may
 * therefore arrive in as many pieces as the peer likes: each readable event
 * adds what is there to the connection's reader (header bytes, the fds that
 * came with them, then payload bytes), and vu_msg_read() returns -EAGAIN
 * until the message is whole. It reads with MSG_DONTWAIT, so even a socket
 * left blocking cannot hold it, and never past the current message: the
 * header read asks for the bytes the header still lacks, the payload read
 * for those the payload lacks, and the next message stays in the socket for
 * the next event.
 *
 * File descriptors (SCM_RIGHTS) may come on any of the header's bytes; a
 * front-end writing a byte at a time sends them with the first. They are
 * collected up to VHOST_USER_MAX_FDS; more, or a control message the kernel
 * had to cut short (MSG_CTRUNC), refuses the message once its header is
 * whole, with the same checks and the same order as before (version, size,
 * fds). Descriptors sent with payload bytes are dropped by the kernel,
 * recv() having no room for them. Every error path closes what was
 * collected, and vu_dev_reset() closes the fds of a half-read message.
 *
 * Replies go out with MSG_DONTWAIT too. One the socket does not take at once
 * (the front-end is not reading and its socket is full) is kept, whole, in
 * the device; the caller reads nothing more, waits for the socket to be
 * writable and calls vu_dev_flush(). The protocol is request and reply, so a
 * front-end that does not take its reply waits for nothing else from us.
 * The caller gives a half-received message and a kept reply the same
 * deadline (port_vhost.c: 2 s) and cuts off a peer that misses it.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vhost_user.h"

/* Start the next message; its fds, if any, are someone else's by now. */
static void reader_restart(struct vu_reader *rd)
{
	rd->hdr_size = 0;
	rd->payload_size = 0;
	rd->fds_refused = false;
	rd->msg.nfds = 0;
}

void vu_reader_reset(struct vu_reader *rd)
{
	vu_msg_close_fds(&rd->msg);
	reader_restart(rd);
}

static int reader_fail(struct vu_reader *rd, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record why @rd's message failed, close what it collected, start afresh. */
static int reader_fail(struct vu_reader *rd, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rd->err, sizeof(rd->err), fmt, ap);
	va_end(ap);
	vu_reader_reset(rd);
	return err;
}

/* Keep the fds of @mh's SCM_RIGHTS messages, up to VHOST_USER_MAX_FDS; close the rest. */
static void reader_take_fds(struct vu_reader *rd, struct msghdr *mh)
{
	struct cmsghdr *cmsg;

	for (cmsg = CMSG_FIRSTHDR(mh); cmsg; cmsg = CMSG_NXTHDR(mh, cmsg)) {
		size_t i, count;

		if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
		    cmsg->cmsg_len < CMSG_LEN(0))
			continue;
		count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < count; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(fd));
			if (rd->msg.nfds < VHOST_USER_MAX_FDS) {
				rd->msg.fds[rd->msg.nfds++] = fd;
			} else {
				close(fd);
				rd->fds_refused = true;
			}
		}
	}
	/* The kernel drops what did not fit: we were sent too many. */
	if (mh->msg_flags & MSG_CTRUNC)
		rd->fds_refused = true;
}

/* A failed recv() (@n < 0, errno set): -EAGAIN to wait, else the connection's end. */
static int reader_recv_error(struct vu_reader *rd)
{
	int err = errno;

	if (err == EAGAIN || err == EWOULDBLOCK)
		return -EAGAIN;
	return reader_fail(rd, -err, "receiving a message: %s", strerror(err));
}

/* The header is whole: the checks that need nothing more. Return: 0 or negative errno. */
static int reader_check_header(struct vu_reader *rd)
{
	struct vu_msg *m = &rd->msg;

	memcpy(&m->request, rd->hdr, 4);
	memcpy(&m->flags, rd->hdr + 4, 4);
	memcpy(&m->size, rd->hdr + 8, 4);
	if ((m->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION)
		return reader_fail(rd, -EBADMSG, "%s: protocol version %u",
				   vu_dev_request_name(m->request), m->flags & VHOST_USER_VERSION_MASK);
	if (m->size > VHOST_USER_MAX_PAYLOAD)
		return reader_fail(rd, -EMSGSIZE, "%s: payload of %u bytes (at most %u)",
				   vu_dev_request_name(m->request), m->size, VHOST_USER_MAX_PAYLOAD);
	if (rd->fds_refused)
		return reader_fail(rd, -EBADMSG, "%s: more than %d fds",
				   vu_dev_request_name(m->request), VHOST_USER_MAX_FDS);
	return 0;
}

/* Read what is there of the header, with its fds. Return: 0, -EAGAIN or negative errno. */
static int reader_get_header(int sock, struct vu_reader *rd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_FDS)];
		struct cmsghdr align;
	} ctrl;
	struct iovec iov = {
		.iov_base = rd->hdr + rd->hdr_size,
		.iov_len = VHOST_USER_HDR_SIZE - rd->hdr_size,
	};
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctrl.buf,
		.msg_controllen = sizeof(ctrl.buf),
	};
	ssize_t n;

	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return reader_recv_error(rd);
	reader_take_fds(rd, &mh);
	if (n == 0 && !rd->hdr_size)
		return reader_fail(rd, -ECONNRESET, "connection closed");
	if (n == 0)
		return reader_fail(rd, -EBADMSG, "connection closed after %u of %u header bytes",
				   rd->hdr_size, VHOST_USER_HDR_SIZE);
	rd->hdr_size += (uint32_t)n;
	return rd->hdr_size == VHOST_USER_HDR_SIZE ? reader_check_header(rd) : 0;
}

/* Read what is there of the payload. Return: 0, -EAGAIN or negative errno. */
static int reader_get_payload(int sock, struct vu_reader *rd)
{
	ssize_t n;

	do
		n = recv(sock, rd->msg.payload + rd->payload_size, rd->msg.size - rd->payload_size,
			 MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return reader_recv_error(rd);
	if (n == 0)
		return reader_fail(rd, -EBADMSG, "%s: connection closed after %u of %u payload bytes",
				   vu_dev_request_name(rd->msg.request), rd->payload_size, rd->msg.size);
	rd->payload_size += (uint32_t)n;
	return 0;
}

/* Hand the whole message over to @msg, fds included, and wait for the next. */
static void reader_deliver(struct vu_reader *rd, struct vu_msg *msg)
{
	msg->request = rd->msg.request;
	msg->flags = rd->msg.flags;
	msg->size = rd->msg.size;
	memcpy(msg->payload, rd->msg.payload, rd->msg.size);
	memcpy(msg->fds, rd->msg.fds, sizeof(msg->fds));
	msg->nfds = rd->msg.nfds;
	reader_restart(rd);
}

int vu_msg_read(int sock, struct vu_reader *rd, struct vu_msg *msg)
{
	int ret = 0;

	while (!ret) {
		if (rd->hdr_size < VHOST_USER_HDR_SIZE) {
			ret = reader_get_header(sock, rd);
		} else if (rd->payload_size < rd->msg.size) {
			ret = reader_get_payload(sock, rd);
		} else {
			reader_deliver(rd, msg);
			return 0;
		}
	}
	return ret;
}

/* Replies ------------------------------------------------------------------- */

/* Send what the socket takes of @tx. Return: 0 when all of it is out, -EAGAIN, or negative errno. */
static int writer_send(int sock, struct vu_writer *tx)
{
	while (tx->sent < tx->size) {
		ssize_t n = send(sock, tx->buf + tx->sent, tx->size - tx->sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		tx->sent += (uint32_t)n;
	}
	tx->size = 0;
	tx->sent = 0;
	return 0;
}

/* A reply that could not be sent: the connection ends, the reply with it. */
static int writer_fail(struct vu_dev *dev, int err)
{
	snprintf(dev->err, sizeof(dev->err), "%s: sending the reply: %s",
		 vu_dev_request_name(dev->tx.request), strerror(-err));
	dev->tx.size = 0;
	dev->tx.sent = 0;
	return err;
}

int vu_dev_recv(struct vu_dev *dev, struct vu_msg *msg)
{
	int ret = vu_msg_read(dev->sock, &dev->rx, msg);

	if (ret && ret != -EAGAIN)
		snprintf(dev->err, sizeof(dev->err), "%s", dev->rx.err);
	return ret;
}

int vu_dev_reply(struct vu_dev *dev, const struct vu_msg *msg, const struct vu_msg *reply,
		 int processed)
{
	struct vu_writer *tx = &dev->tx;
	int ret;

	if (processed == 0 || (processed < 0 && !reply->request))
		return processed;
	if (tx->size) {
		snprintf(dev->err, sizeof(dev->err), "%s: a reply is already waiting to be sent",
			 vu_dev_request_name(msg->request));
		return -EBUSY;
	}
	if (reply->size > VHOST_USER_MAX_PAYLOAD) {
		snprintf(dev->err, sizeof(dev->err), "%s: reply of %u bytes",
			 vu_dev_request_name(msg->request), reply->size);
		return -EMSGSIZE;
	}
	tx->request = msg->request;
	memcpy(tx->buf, &reply->request, 4);
	memcpy(tx->buf + 4, &reply->flags, 4);
	memcpy(tx->buf + 8, &reply->size, 4);
	memcpy(tx->buf + VHOST_USER_HDR_SIZE, reply->payload, reply->size);
	tx->size = VHOST_USER_HDR_SIZE + reply->size;
	tx->sent = 0;
	ret = writer_send(dev->sock, tx);
	if (processed < 0) {
		/* A nack is a courtesy before hanging up: never waited for. */
		tx->size = 0;
		tx->sent = 0;
		return processed;
	}
	return ret && ret != -EAGAIN ? writer_fail(dev, ret) : ret;
}

int vu_dev_flush(struct vu_dev *dev)
{
	int ret = writer_send(dev->sock, &dev->tx);

	return ret && ret != -EAGAIN ? writer_fail(dev, ret) : ret;
}

bool vu_dev_reply_kept(const struct vu_dev *dev)
{
	return dev->tx.size != 0;
}

bool vu_dev_idle(const struct vu_dev *dev)
{
	return !dev->rx.hdr_size && !dev->tx.size;
}

void vu_dev_progress(const struct vu_dev *dev, char *buf, size_t size)
{
	const struct vu_reader *rd = &dev->rx;
	const struct vu_writer *tx = &dev->tx;

	if (tx->size)
		snprintf(buf, size, "the reply to %s: %u of %u bytes taken",
			 vu_dev_request_name(tx->request), tx->sent, tx->size);
	else if (rd->hdr_size == VHOST_USER_HDR_SIZE)
		snprintf(buf, size, "%s: %u of %u bytes received", vu_dev_request_name(rd->msg.request),
			 VHOST_USER_HDR_SIZE + rd->payload_size, VHOST_USER_HDR_SIZE + rd->msg.size);
	else if (rd->hdr_size)
		snprintf(buf, size, "a message: %u of %u header bytes received",
			 rd->hdr_size, VHOST_USER_HDR_SIZE);
	else
		snprintf(buf, size, "nothing");
}

int vu_dev_handle(struct vu_dev *dev)
{
	struct vu_msg msg, reply;
	int ret;

	if (vu_dev_reply_kept(dev))
		return vu_dev_flush(dev);
	ret = vu_dev_recv(dev, &msg);
	if (ret)
		return ret;
	ret = vu_dev_process(dev, &msg, &reply);
	return vu_dev_reply(dev, &msg, &reply, ret);
}
