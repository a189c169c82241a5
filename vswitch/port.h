/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port.h - a switch port and the provider vtable every port type implements
 * (after Open vSwitch's struct netdev_class).
 *
 * Theory of operation: the datapath thread moves frames as struct dp_pkt,
 * which point into the source port's memory (guest memory for vhost-user,
 * a receive buffer for tap) rather than holding copies. A frame is copied
 * exactly once, by the destination's tx(), straight from the source memory
 * into the destination (a guest's receive buffers, or the tap fd). The
 * source memory stays valid until the source's rx_done() returns it.
 *
 * Only the datapath thread calls rx_burst/rx_done/rx_idle/tx/tx_flush; only
 * the control thread calls the others, with the datapath paused whenever
 * the call changes what the datapath sees.
 */
#ifndef VSWITCH_PORT_H
#define VSWITCH_PORT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <jansson.h>

#include "log.h"
#include "names.h"
#include "virtio_net.h"
#include "virtq.h"

#define PORT_NAME_MAX	16	/* including NUL: names are 1..15 characters */
#define DP_BURST	32
#define DP_MAX_IOV	VQ_MAX_IOV
#define ETH_HDR_SIZE	14
/* Largest frame we accept from anyone: a 64 KiB GSO frame plus headers. */
#define DP_MAX_FRAME	(65535 + ETH_HDR_SIZE + 4)

/*
 * Why a frame was dropped; counted per port (index into port_stats.drops).
 * Zero is no reason: tx() returns 0 for a frame sent and -reason for one
 * dropped, so every reason must be non-zero.
 */
enum drop_reason {
	DROP_NONE = 0,		/* not a drop; drops[DROP_NONE] stays 0 */
	DROP_NO_BUFFERS,	/* the receiver had no room (guest ring empty, tap full) */
	DROP_MAC_LIMIT,		/* source MAC beyond the port's MAC limit */
	DROP_MALFORMED,		/* shorter than an Ethernet header, bad virtio header */
	DROP_TOO_BIG,		/* did not fit the receiver's buffers, or chain too long */
	DROP_OFFLOAD,		/* software segmentation/checksum refused the frame */
	DROP_TX_ERROR,		/* the receiver failed (write error) */
	DROP_GUEST_ERROR,	/* the guest broke the virtqueue rules; port disconnected */
	DROP__COUNT
};

/** drop_reason_name() - stable name used in stats output ("no_buffers", ...). */
const char *drop_reason_name(enum drop_reason reason);

/*
 * A counter the datapath thread writes and any thread reads, without a
 * lock and without pausing forwarding: the one writer adds with a relaxed
 * load and store (a plain add, no locked instruction), readers take a
 * relaxed load, which on every architecture we run on never tears a
 * 64-bit value.
 */
typedef _Atomic uint64_t port_counter;

/** counter_add() - writer side: add @n (datapath thread only). */
static inline void counter_add(port_counter *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

/** counter_read() - reader side, any thread. */
static inline uint64_t counter_read(const port_counter *c)
{
	return atomic_load_explicit((port_counter *)c, memory_order_relaxed);
}

struct port_stats {
	port_counter rx_packets;	/* frames received from the port's peer */
	port_counter rx_bytes;
	port_counter tx_packets;	/* frames delivered to the port's peer */
	port_counter tx_bytes;
	port_counter drops[DROP__COUNT];
};

/** port_count_drop() - count one frame dropped for @reason on @stats (datapath thread). */
#define port_count_drop(stats, reason)	counter_add(&(stats)->drops[(reason)], 1)

/*
 * A frame in flight. @eth is a private copy of the Ethernet header, taken
 * once at receive time: forwarding decisions and the header written to the
 * receiver both use this copy, so a guest rewriting its buffer meanwhile
 * cannot make the two disagree. @iov covers the rest of the frame.
 */
struct dp_pkt {
	struct virtio_net_hdr_v1 hdr;	/* offload metadata; num_buffers unused */
	uint8_t eth[ETH_HDR_SIZE];
	uint32_t size;			/* whole frame in bytes, @eth included */
	uint16_t niov;
	uint16_t cookie;		/* the source's handle (descriptor head, slot) */
	struct iovec iov[DP_MAX_IOV];	/* frame bytes after the Ethernet header */
};

struct network;
struct port;

/*
 * What a port class gets to build a port. @net is opaque to port classes:
 * only the datapath looks inside it.
 */
struct port_spec {
	struct network *net;
	const char *net_name;
	const char *name;
	json_t *params;		/* checked for name and network; the port keeps it on success */
	/*
	 * The owner's mark for host objects the port creates and keeps across
	 * restarts (a tap's ifalias): "vswitch:INSTANCE:NET/PORT".
	 */
	const char *alias;
};

struct port_class {
	const char *type;	/* "vhost-user", "tap" */

	/*
	 * create() - build a port from control-protocol parameters (already
	 * checked for name and network). Not yet visible to the datapath.
	 * On failure returns negative errno and writes one line to @err.
	 */
	int (*create)(const struct port_spec *spec, struct port **portp, char *err, size_t err_size);

	/*
	 * destroy() - release everything; the port is already detached from
	 * the datapath. With @remove the port is gone for good (port del, net
	 * stop or destroy): delete what it made in the host. Without (the
	 * daemon stops), leave that for the next start to take over.
	 */
	void (*destroy)(struct port *port, bool remove);

	/*
	 * get_mac() - the address of the port's peer, when only the port type
	 * can tell (a tap asks its interface). May be NULL.
	 * Return: 0 with @mac set, or -ENOENT.
	 */
	int (*get_mac)(const struct port *port, uint8_t mac[6]);

	/* describe() - add type-specific fields (socket, ifname, ...) to @obj. */
	void (*describe)(const struct port *port, json_t *obj);

	/*
	 * rx_burst() - receive up to @max frames into @pkts. The frames stay
	 * valid until rx_done(). Return: count received.
	 */
	int (*rx_burst)(struct port *port, struct dp_pkt *pkts, int max);

	/* rx_done() - the frames from the last rx_burst() are forwarded; release them. May be NULL. */
	void (*rx_done)(struct port *port, struct dp_pkt *pkts, int count);

	/*
	 * rx_idle() - interrupt mode: the last burst came back short, so
	 * re-arm notifications. Return: true if frames arrived meanwhile and
	 * the port should be polled again now. May be NULL.
	 */
	bool (*rx_idle)(struct port *port);

	/*
	 * tx() - copy one frame to the port's peer. The frame needs no
	 * offload the port did not accept (see port.rx_offloads).
	 * Return: 0 if sent, or -(enum drop_reason), never -DROP_NONE.
	 */
	int (*tx)(struct port *port, const struct dp_pkt *pkt);

	/*
	 * tx_prepare() - @n calls of tx() follow: start loading what they will
	 * need (ring entries, descriptors) so they do not wait on it one at a
	 * time. A hint only. May be NULL.
	 */
	void (*tx_prepare)(struct port *port, unsigned int n);

	/* tx_flush() - make frames queued by tx() visible to the peer and notify it. May be NULL. */
	void (*tx_flush)(struct port *port);

	/*
	 * reset() - control thread: the datapath flagged the port broken;
	 * cut the peer off (the port stays, ready for a new peer). May be NULL.
	 */
	void (*reset)(struct port *port);
};

enum port_state {
	PORT_DOWN = 0,		/* not connected / not ready */
	PORT_UP,		/* the datapath may use it */
	PORT_BROKEN,		/* the peer broke the rules; waiting to be disconnected */
};

struct port {
	char name[PORT_NAME_MAX];
	char net_name[NAME_OBJECT_MAX];	/* its network's name, for logs and listings */
	const struct port_class *cls;
	struct network *net;		/* opaque here; the datapath's view of the network */
	uint16_t id;			/* slot in net->ports; the FDB's port id */
	uint64_t uid;			/* unique for the daemon's life; services name ports by it */
	json_t *params;			/* creation parameters, persisted as given */
	/*
	 * Internal ports (a network's gateway tap) name their role here:
	 * "gateway" or "bridge". They are shown with that type, never saved
	 * and not deletable with port.del; NULL for ports users add.
	 */
	const char *role;

	/* Datapath view; changed only while the datapath is paused. */
	bool up;			/* rx/tx allowed */
	int rx_fd;			/* interrupt mode: readable when frames wait; -1 if none */
	bool rx_fd_drain;		/* rx_fd is an eventfd the datapath must read to re-arm */
	int registered_fd;		/* the fd currently in the datapath's epoll set, or -1 */
	unsigned int rx_offloads;	/* OFFLOAD_* the peer accepts on receive */
	bool dp_active;			/* on the datapath's active list */
	bool tx_pending;		/* on the datapath's list of ports to drain and flush */
	unsigned int ntxq;		/* frames of this burst waiting for tx() */
	const struct dp_pkt *txq[DP_BURST];

	/*
	 * Set by the datapath thread when the peer misbehaves; read by the
	 * control thread, which clears it (paused) once it cut the peer off.
	 */
	atomic_bool broken;

	struct port_stats stats;	/* written by the datapath only; read by anyone */
	struct log_ratelimit rl;	/* the datapath thread's warnings for this port */
	struct log_ratelimit ctl_rl;	/* the control thread's warnings for this port */
	char error[128];		/* last reason the port went down, for `port list` */

	/* The MAC the port was given (vhost-user --mac); services check requests against it. */
	uint8_t mac[6];
	bool has_mac;
};

/** port_class_find() - the class for a type name, or NULL. */
const struct port_class *port_class_find(const char *type);

/** port_init() - fill the common fields of a freshly allocated port from @spec. */
void port_init(struct port *port, const struct port_class *cls, const struct port_spec *spec);

/** port_is_broken() - whether the datapath flagged the port (any thread). */
static inline bool port_is_broken(const struct port *port)
{
	return atomic_load_explicit((atomic_bool *)&port->broken, memory_order_acquire);
}

/** port_set_broken() - datapath thread: flag the port. Return: true if it was not flagged yet. */
static inline bool port_set_broken(struct port *port)
{
	return !atomic_exchange_explicit(&port->broken, true, memory_order_acq_rel);
}

/**
 * port_to_json() - the control protocol's port object (common fields, type
 * fields, stats). Control thread; reads the counters without pausing the
 * datapath.
 */
json_t *port_to_json(const struct port *port);

/**
 * port_mac() - the MAC address of the port's peer: the one it was given
 * (vhost-user --mac), else what its type knows (a tap's interface address)
 * Return: 0 with @mac set, or -ENOENT. Control thread; needs no pause.
 */
int port_mac(const struct port *port, uint8_t mac[6]);

/** port_state_name() - "up", "waiting" (no peer or rings not ready) or "broken". */
const char *port_state_name(const struct port *port);

extern const struct port_class vhost_port_class;
extern const struct port_class tap_port_class;

/**
 * tap_port_reap() - delete every tap interface marked with an alias that
 * starts with @prefix, in the host namespace and in every named namespace
 * (/run/netns), unless @keep(alias) says it is still defined.
 * Return: how many were deleted.
 */
unsigned int tap_port_reap(const char *prefix, bool (*keep)(const char *alias, void *opaque),
			   void *opaque);

#endif /* VSWITCH_PORT_H */
