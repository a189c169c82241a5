/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture.h - packet capture inside vswitchd: frames of a network or a port
 * that match a BPF filter (compiled by libpcap) are written as a pcap stream
 * to a file descriptor the client passed over the control socket.
 *
 * Directions are seen from the switch, as tcpdump -Q sees them on a port's
 * interface: "in" is a frame the switch received from a port, "out" a frame
 * the switch delivered to a port. A network capture's "in" also covers the
 * frames vswitchd itself sends into the network (DHCP replies), so "in" on a
 * network sees every frame exactly once, where it enters the switch.
 *
 * The datapath calls capture_tap() at its three hooks; with no capture
 * running in that direction it is one load and one predictable branch.
 */
#ifndef VSWITCH_CAPTURE_H
#define VSWITCH_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct dp_pkt;
struct network;
struct port;

#define CAPTURE_IN	1u
#define CAPTURE_OUT	2u
#define CAPTURE_BOTH	(CAPTURE_IN | CAPTURE_OUT)

#define CAPTURE_MAX_SESSIONS	16
#define CAPTURE_SNAPLEN_MAX	262144	/* tcpdump's default and maximum */
#define CAPTURE_BUFFER_DEFAULT	(4u << 20)
#define CAPTURE_BUFFER_MIN	(64u << 10)
#define CAPTURE_BUFFER_MAX	(256u << 20)

/* Why a session ended; the name goes into the capture.end event. */
enum capture_end {
	CAPTURE_RUNNING = 0,
	CAPTURE_END_COUNT,	/* "count": the requested number of frames was written */
	CAPTURE_END_STOPPED,	/* "stopped": capture.stop */
	CAPTURE_END_READER_GONE,	/* "reader_gone": the output's reader went away (EPIPE) */
	CAPTURE_END_WRITE_ERROR,	/* "write_error": writing the output failed otherwise */
	CAPTURE_END_CLIENT_GONE,	/* "client_gone": the requesting connection closed */
	CAPTURE_END_REMOVED,	/* "removed": the network or port was deleted */
	CAPTURE_END_SHUTDOWN,	/* "shutdown": vswitchd is stopping */
};

/** capture_end_name() - the reason's name in the control protocol. */
const char *capture_end_name(enum capture_end reason);

/* What to capture; checked and compiled by capture_session_new(). */
struct capture_spec {
	uint64_t net_uid;		/* the network's uid */
	uint64_t port_uid;		/* one port's uid, or 0 for the whole network */
	unsigned int directions;	/* CAPTURE_IN and/or CAPTURE_OUT */
	uint32_t snaplen;		/* 1 .. CAPTURE_SNAPLEN_MAX bytes per frame */
	uint64_t count;			/* frames to write, then end; 0: no limit */
	size_t buffer_size;		/* queue between datapath and writer, bytes */
	const char *filter;		/* tcpdump filter expression; "" or NULL: all */
};

/* Counters of one session (see docs/control-protocol.md). */
struct capture_stats {
	uint64_t captured;		/* frames written to the output */
	uint64_t dropped;		/* matched but not written: queue full, or left at the end */
	uint64_t matched;		/* frames the filter accepted */
};

struct capture_session;

/*
 * The datapath's side. --------------------------------------------------
 */

/*
 * CAPTURE_IN and CAPTURE_OUT if any running session wants frames of that
 * direction. Written only with the datapath paused (capture_running_add()
 * and _remove()), so the datapath reads it without atomics.
 */
extern unsigned int capture_directions;

/**
 * capture_frame() - datapath: offer one frame to every running session
 * @net:	the network the frame is in
 * @port:	the port it came from (CAPTURE_IN) or goes to (CAPTURE_OUT);
 *		NULL for a frame vswitchd itself sends into @net
 * @direction:	CAPTURE_IN or CAPTURE_OUT
 * @pkt:	the frame; only read
 */
void capture_frame(const struct network *net, const struct port *port,
		   unsigned int direction, const struct dp_pkt *pkt);

/** capture_tap() - the datapath hook: costs one branch while nothing captures. */
static inline void capture_tap(const struct network *net, const struct port *port,
			       unsigned int direction, const struct dp_pkt *pkt)
{
	if (__builtin_expect((capture_directions & direction) != 0, 0))
		capture_frame(net, port, direction, pkt);
}

/*
 * One session, without the datapath or the control loop (unit tests use
 * these directly; the control commands below are built on them). -------
 */

/**
 * capture_session_new() - check @spec, compile its filter, allocate the queue
 * @out_fd:	where the pcap stream goes; the session takes ownership
 *		(closed by capture_session_free()) only on success
 * @sessionp:	set to the new session, not yet offered any frame
 * Return: 0, or negative errno with a one-line message in @err (for a bad
 * filter, libpcap's own).
 */
int capture_session_new(const struct capture_spec *spec, int out_fd,
			struct capture_session **sessionp, char *err, size_t err_size);

/**
 * capture_session_offer() - producer side: filter one frame and queue it
 * @net_uid:	uid of the frame's network
 * @port_uid:	uid of the port (0: vswitchd's own frame)
 * Return: true if queued; false if not selected, filtered out or dropped
 * (a drop because the queue is full is counted).
 */
bool capture_session_offer(struct capture_session *s, uint64_t net_uid, uint64_t port_uid,
			   unsigned int direction, const struct dp_pkt *pkt);

/**
 * capture_session_flush() - consumer side, synchronously: write the pcap
 * header (first time) and every queued record to the output
 * Return: 0, or negative errno from write (-EPIPE: the reader went away).
 */
int capture_session_flush(struct capture_session *s);

/** capture_session_stats() - the counters so far (exact once the session stopped). */
void capture_session_stats(const struct capture_session *s, struct capture_stats *stats);

/**
 * capture_filter_test() - for tests: compile @filter and run it on @pkt,
 * in capture's own interpreter (@native) or in libpcap's bpf_filter() on a
 * contiguous copy. Return: bytes to capture, 0 if rejected, UINT32_MAX if
 * the filter does not compile.
 */
uint32_t capture_filter_test(const char *filter, const struct dp_pkt *pkt, bool native);

/** capture_session_free() - close the output and free. Accepts NULL. */
void capture_session_free(struct capture_session *s);

/*
 * Running sessions (the control side, vswitch/cmd_capture.c, drives these).
 */

/**
 * capture_running_add() / capture_running_remove() - put @s in, or take it
 * out of, the set the datapath offers frames to. Only with the datapath
 * paused: dpif_capture_attach() and dpif_capture_detach() call them.
 */
void capture_running_add(struct capture_session *s);
void capture_running_remove(struct capture_session *s);

/**
 * capture_session_start() - start @s's writer thread, which signals the
 * eventfd @done_fd when it has ended (count reached, reader gone, write
 * error, or asked to end).
 * Return: 0 or negative errno.
 */
int capture_session_start(struct capture_session *s, int done_fd);

/**
 * capture_session_end() - ask @s to end for @reason: the writer writes what
 * is queued (giving up after a second the output takes nothing) and ends.
 * The first reason given sticks. Take it off the datapath first.
 */
void capture_session_end(struct capture_session *s, enum capture_end reason);

/** capture_session_done() - whether @s's writer has ended (then join it). */
bool capture_session_done(const struct capture_session *s);

/**
 * capture_session_join() - wait for the writer to end, close the output
 * (a pipe's reader sees end of file). Return: why it ended; @write_errno
 * (may be NULL) gets the errno of a write error.
 */
enum capture_end capture_session_join(struct capture_session *s, int *write_errno);

/** capture_session_spec() - what @s captures (its filter text included). */
const struct capture_spec *capture_session_spec(const struct capture_session *s);

/** capture_direction_name() - "in", "out" or "both". */
const char *capture_direction_name(unsigned int directions);

#endif /* VSWITCH_CAPTURE_H */
