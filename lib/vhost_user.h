/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost_user.h - the back-end side of the vhost-user protocol (QEMU's
 * docs/interop/vhost-user.rst) for one virtio-net device with one queue pair.
 *
 * The caller owns the socket (non-blocking) and the event loop. When the
 * socket is readable it calls vu_dev_recv(), which takes what has arrived of
 * the current message and returns -EAGAIN until the message is whole; then
 * vu_dev_process() validates and applies it, and vu_dev_reply() sends the
 * answer, keeping what the socket would not take for vu_dev_flush() once it
 * is writable. Nothing here waits for the peer: the caller gives a message
 * (and a kept reply) a deadline and disconnects a peer that misses it.
 * Any violation returns a negative errno and the caller disconnects; the
 * device state can then be cleared with vu_dev_reset() and reused for the
 * next connection.
 */
#ifndef LIB_VHOST_USER_H
#define LIB_VHOST_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtq.h"

/* Requests from the front-end (subset we know; others are refused). */
enum vu_request {
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_LOG_BASE = 6,
	VHOST_USER_SET_LOG_FD = 7,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_SEND_RARP = 19,
	VHOST_USER_NET_SET_MTU = 20,
	VHOST_USER_GET_CONFIG = 24,
	VHOST_USER_SET_CONFIG = 25,
	VHOST_USER_GET_MAX_MEM_SLOTS = 36,
	VHOST_USER_ADD_MEM_REG = 37,
	VHOST_USER_REM_MEM_REG = 38,
};

/* Protocol feature bits. */
#define VHOST_USER_PROTOCOL_F_MQ		0
#define VHOST_USER_PROTOCOL_F_RARP		2
#define VHOST_USER_PROTOCOL_F_REPLY_ACK		3
#define VHOST_USER_PROTOCOL_F_NET_MTU		4
#define VHOST_USER_PROTOCOL_F_CONFIG		9
#define VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS 15

/* Message header flags. */
#define VHOST_USER_VERSION		0x1
#define VHOST_USER_VERSION_MASK		0x3
#define VHOST_USER_REPLY_MASK		(1u << 2)
#define VHOST_USER_NEED_REPLY_MASK	(1u << 3)

#define VHOST_USER_HDR_SIZE		12
#define VHOST_USER_MAX_PAYLOAD		4096	/* largest payload we accept */
#define VHOST_USER_MAX_FDS		8	/* SET_MEM_TABLE's limit */

/* Queue indices for virtio-net: the guest receives on 0 and transmits on 1. */
#define VU_RXQ	0
#define VU_TXQ	1
#define VU_NQUEUES 2

/* A raw message as read from the socket (header fields host-endian). */
struct vu_msg {
	uint32_t request;
	uint32_t flags;
	uint32_t size;		/* payload bytes */
	uint8_t payload[VHOST_USER_MAX_PAYLOAD];
	int fds[VHOST_USER_MAX_FDS];
	int nfds;
};

/*
 * A message being assembled from a non-blocking socket (vu_msg_read()): its
 * header as it comes, the fds that came with it, then its payload. Zeroed
 * (or after vu_reader_reset()), it waits for a new message.
 */
struct vu_reader {
	uint8_t hdr[VHOST_USER_HDR_SIZE];
	uint32_t hdr_size;		/* header bytes received so far */
	uint32_t payload_size;		/* payload bytes received so far */
	bool fds_refused;		/* more fds came than a message may carry */
	struct vu_msg msg;		/* header fields once whole; fds and payload as they come */
	char err[96];			/* why vu_msg_read() last failed */
};

/* A reply the socket did not take at once (vu_dev_reply(), vu_dev_flush()). */
struct vu_writer {
	uint32_t request;		/* what it answers, for logs */
	uint32_t size;			/* bytes in @buf; 0 when nothing is kept */
	uint32_t sent;			/* bytes of @buf the socket took */
	uint8_t buf[VHOST_USER_HDR_SIZE + VHOST_USER_MAX_PAYLOAD];
};

/* Per-device settings chosen by the switch. */
struct vu_config {
	uint8_t mac[6];		/* reported through GET_CONFIG */
	uint16_t mtu;		/* reported through GET_CONFIG; the front-end may set it */
};

struct vu_dev {
	int sock;			/* connected socket (not owned) */
	struct vu_config cfg;
	uint64_t features;		/* acked by SET_FEATURES */
	uint64_t protocol_features;	/* acked by SET_PROTOCOL_FEATURES */
	bool features_set;
	bool owner_set;
	struct vu_mem mem;
	struct vq vqs[VU_NQUEUES];
	bool vq_enabled[VU_NQUEUES];	/* SET_VRING_ENABLE, or implied without PROTOCOL_FEATURES */
	bool vq_started[VU_NQUEUES];	/* has addresses and a kick; not stopped by GET_VRING_BASE */
	uint64_t vq_log_addr[VU_NQUEUES];
	char err[128];			/* why the last call failed, for the log */

	/*
	 * Ring addresses as the front-end gave them (SET_VRING_ADDR), kept so a
	 * new memory table can translate them again; and whether a kick fd (or
	 * NOFD) arrived since the ring was last stopped. Private to vhost_user.c.
	 */
	uint64_t vq_desc_uva[VU_NQUEUES];
	uint64_t vq_avail_uva[VU_NQUEUES];
	uint64_t vq_used_uva[VU_NQUEUES];
	bool vq_addr_set[VU_NQUEUES];
	bool vq_kick_set[VU_NQUEUES];

	/* The connection's message in and reply out. Private to vhost_user_io.c. */
	struct vu_reader rx;
	struct vu_writer tx;
};

/** vu_supported_features() - virtio features we offer (GET_FEATURES). */
uint64_t vu_supported_features(void);

/** vu_supported_protocol_features() - protocol features we offer. */
uint64_t vu_supported_protocol_features(void);

/** vu_dev_init() - initialise @dev for a new connection on @sock. */
void vu_dev_init(struct vu_dev *dev, int sock, const struct vu_config *cfg);

/**
 * vu_dev_reset() - drop everything a connection set up: unmap memory, close
 * kick/call/err fds, reset queues. The socket is not closed.
 */
void vu_dev_reset(struct vu_dev *dev);

/**
 * vu_msg_read() - take what @sock has of the message @rd is assembling,
 * without waiting (MSG_DONTWAIT) and never beyond that message: header
 * first, with any fds (SCM_RIGHTS) that come on its bytes, then exactly
 * header.size payload bytes
 * @rd:		zeroed before the first call of a connection; kept between calls
 * @msg:	the message, once whole; its fds are then the caller's
 *
 * Return: 0 with the whole message in @msg (@rd is ready for the next);
 * -EAGAIN while the message is incomplete (call again when readable);
 * -ECONNRESET on EOF before a message; -EBADMSG on EOF inside one, a bad
 * version or more fds than VHOST_USER_MAX_FDS; -EMSGSIZE if the payload is
 * too large; other negative errno. On error every fd received is closed,
 * @rd->err says why and @rd waits for a new message.
 */
int vu_msg_read(int sock, struct vu_reader *rd, struct vu_msg *msg);

/** vu_reader_reset() - close the fds of a half-read message; @rd waits for a new one. */
void vu_reader_reset(struct vu_reader *rd);

/** vu_msg_close_fds() - close every fd @msg still holds. */
void vu_msg_close_fds(struct vu_msg *msg);

/**
 * vu_dev_process() - apply one message already read
 * @dev:	device
 * @msg:	message; fds it carries are consumed (kept or closed) in all cases
 * @reply:	filled if a reply must be sent (request and flags set)
 *
 * Checks the payload size and fd count the request type calls for, and the
 * order of requests (e.g. rings need SET_MEM_TABLE first). Memory tables are
 * mmap()ed here. Pure apart from mmap/munmap/close, so unit tests and the
 * fuzzer call it directly.
 * Return: 1 if @reply must be sent, 0 if not, negative errno on a violation
 * (dev->err says what; the connection must be closed).
 */
int vu_dev_process(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply);

/**
 * vu_dev_recv() - vu_msg_read() on the device's socket
 * Return: 0 with a whole message in @msg; -EAGAIN while it is incomplete;
 * other negative errno (dev->err says what) to disconnect.
 */
int vu_dev_recv(struct vu_dev *dev, struct vu_msg *msg);

/**
 * vu_dev_reply() - send what vu_dev_process() (which returned @processed)
 * asked for, without waiting. What the socket does not take at once is
 * kept in the device, to be sent by vu_dev_flush() when the socket is
 * writable; meanwhile the caller reads no further message (the front-end
 * waits for this reply anyway). A nack for a refused request is tried once
 * and never kept: the connection ends either way.
 * Return: 0 if sent or nothing to send; -EAGAIN if part of it is kept;
 * other negative errno (@processed if it was negative) to disconnect.
 */
int vu_dev_reply(struct vu_dev *dev, const struct vu_msg *msg, const struct vu_msg *reply,
		 int processed);

/**
 * vu_dev_flush() - send more of the reply vu_dev_reply() kept
 * Return: 0 when all of it is sent; -EAGAIN while some is still kept;
 * other negative errno (dev->err set) to disconnect.
 */
int vu_dev_flush(struct vu_dev *dev);

/** vu_dev_reply_kept() - whether a reply waits for the socket to take it. */
bool vu_dev_reply_kept(const struct vu_dev *dev);

/**
 * vu_dev_idle() - whether nothing is half done: no message partly received,
 * no reply kept. A deadline guards a connection exactly while it is not idle.
 */
bool vu_dev_idle(const struct vu_dev *dev);

/**
 * vu_dev_progress() - what is half done, for a log line: "SET_MEM_TABLE:
 * 20 of 52 bytes received", "the reply to GET_FEATURES: 0 of 20 bytes
 * taken", or "nothing".
 */
void vu_dev_progress(const struct vu_dev *dev, char *buf, size_t size);

/**
 * vu_dev_handle() - for tests and simple callers: send more of a kept
 * reply, or else vu_dev_recv(), vu_dev_process() and vu_dev_reply()
 * (including REPLY_ACK replies when NEED_REPLY was set)
 * Return: 0 if a message was handled (or a kept reply sent); -EAGAIN if a
 * message is still incomplete or its reply kept; other negative errno to
 * disconnect.
 */
int vu_dev_handle(struct vu_dev *dev);

/** vu_dev_running() - true if both queues are started and enabled, so the datapath may use them. */
bool vu_dev_running(const struct vu_dev *dev);

/** vu_dev_rx_offloads() - OFFLOAD_* the guest accepts on its receive queue (from acked features). */
unsigned int vu_dev_rx_offloads(const struct vu_dev *dev);

/** vu_dev_request_name() - name of a request code for logs ("SET_MEM_TABLE"). */
const char *vu_dev_request_name(uint32_t request);

#endif /* LIB_VHOST_USER_H */
