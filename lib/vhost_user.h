/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost_user.h - the back-end side of the vhost-user protocol (QEMU's
 * docs/interop/vhost-user.rst) for one virtio-net device with one queue pair.
 *
 * The caller owns the socket and the event loop: when the socket is readable
 * it calls vu_dev_handle(), which reads exactly one message, validates its
 * size and file descriptors, applies it and replies. Any violation returns a
 * negative errno and the caller disconnects; the device state can then be
 * cleared with vu_dev_reset() and reused for the next connection.
 */
#ifndef LIB_VHOST_USER_H
#define LIB_VHOST_USER_H

#include <stdbool.h>
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
 * vu_msg_recv() - read one message from @sock: header, then exactly
 * header.size payload bytes, with any fds (SCM_RIGHTS) on the header.
 * Return: 0; -ECONNRESET on EOF; -EMSGSIZE if the payload is too large;
 * -EBADMSG for a bad version or truncated message; other negative errno.
 * On error no fds are left open.
 */
int vu_msg_recv(int sock, struct vu_msg *msg);

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
 * vu_dev_handle() - vu_msg_recv(), vu_dev_process(), and send the reply
 * (including REPLY_ACK replies when NEED_REPLY was set)
 * Return: 0 or negative errno (disconnect).
 */
int vu_dev_handle(struct vu_dev *dev);

/**
 * vu_dev_recv() / vu_dev_reply() - vu_dev_handle() in the pieces a caller
 * needs when only processing must be exclusive: receiving and replying may
 * block up to the socket's timeouts and must not hold anything up.
 *
 * vu_dev_recv() reads one message. Return: 1 if read, 0 on a spurious
 * wake-up, negative errno (dev->err set) to disconnect.
 * vu_dev_reply() sends what vu_dev_process() (which returned @processed)
 * asked for. Return: 0, or negative errno to disconnect.
 */
int vu_dev_recv(struct vu_dev *dev, struct vu_msg *msg);
int vu_dev_reply(struct vu_dev *dev, const struct vu_msg *msg, const struct vu_msg *reply,
		 int processed);

/** vu_dev_running() - true if both queues are started and enabled, so the datapath may use them. */
bool vu_dev_running(const struct vu_dev *dev);

/** vu_dev_rx_offloads() - OFFLOAD_* the guest accepts on its receive queue (from acked features). */
unsigned int vu_dev_rx_offloads(const struct vu_dev *dev);

/** vu_dev_request_name() - name of a request code for logs ("SET_MEM_TABLE"). */
const char *vu_dev_request_name(uint32_t request);

#endif /* LIB_VHOST_USER_H */
