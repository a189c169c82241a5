/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * service.h - how in-daemon services (the DHCP server) see frames: the
 * datapath diverts the frames a service answers into a queue, and the
 * service hands back frames for the datapath to send out of a port.
 *
 * Theory of operation: two single-producer single-consumer rings of fixed
 * slots, one each way, between the datapath thread and one service thread.
 * Neither side ever waits for the other: a full ring drops the frame and
 * counts it. Ports are named by their uid (never reused while the daemon
 * runs) rather than by pointer, so a reply to a port deleted meanwhile is
 * simply dropped by the datapath.
 */
#ifndef VSWITCH_SERVICE_H
#define VSWITCH_SERVICE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Largest frame a service takes or sends (Ethernet header included). */
#define SVC_FRAME_MAX	1536
#define SVC_RING_SLOTS	1024	/* power of two */

struct svc_frame {
	uint64_t port_uid;		/* the port it came from / goes to */
	uint64_t net_uid;		/* that port's network */
	uint8_t port_mac[6];		/* the MAC the port was given (vhost-user --mac) */
	bool port_has_mac;
	uint16_t size;			/* bytes in @data */
	uint8_t data[SVC_FRAME_MAX];	/* Ethernet frame, no virtio-net header */
};

struct svc_ring {
	_Atomic uint32_t head;		/* next slot the producer fills */
	_Atomic uint32_t tail;		/* next slot the consumer takes */
	struct svc_frame *slots;	/* SVC_RING_SLOTS entries */
	uint64_t drops;			/* frames refused because the ring was full */
};

/** svc_ring_init() - allocate the slots. Return: 0 or -ENOMEM. */
int svc_ring_init(struct svc_ring *ring);

/** svc_ring_free() - release the slots. */
void svc_ring_free(struct svc_ring *ring);

/**
 * svc_ring_reserve() - producer: the slot to fill next, or NULL if full
 * (the drop is counted). Fill it, then svc_ring_commit().
 */
struct svc_frame *svc_ring_reserve(struct svc_ring *ring);
void svc_ring_commit(struct svc_ring *ring);

/**
 * svc_ring_peek() - consumer: the oldest frame, or NULL if empty. It stays
 * valid until svc_ring_release().
 */
struct svc_frame *svc_ring_peek(struct svc_ring *ring);
void svc_ring_release(struct svc_ring *ring);

/* Datapath side (implemented in datapath.c). --------------------------- */

/**
 * dp_svc_rx_fd() - eventfd that becomes readable when diverted frames wait
 * in the service's receive ring (the service thread polls it and drains it).
 */
int dp_svc_rx_fd(void);

/** dp_svc_rx_ring() - the ring the datapath fills with diverted frames (service thread consumes). */
struct svc_ring *dp_svc_rx_ring(void);

/**
 * dp_svc_send() - service thread: queue @frame for port @frame->port_uid
 * and wake the datapath. Return: 0, or -ENOBUFS if the ring is full.
 */
int dp_svc_send(const struct svc_frame *frame);

/**
 * dp_svc_send_burst() - service thread: queue @n frames (those of size 0
 * are skipped) and wake the datapath once. Return: frames dropped because
 * the queue was full.
 */
unsigned int dp_svc_send_burst(const struct svc_frame *frames, unsigned int n);

#endif /* VSWITCH_SERVICE_H */
