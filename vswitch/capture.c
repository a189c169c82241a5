// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture.c - packet capture sessions: BPF-filtered copies of a network's or
 * a port's frames, written as a pcap stream to a descriptor a client passed.
 *
 * Theory of operation
 *
 * Three parties touch a session. The datapath thread produces: for each
 * frame it runs the session's BPF program, compiled by libpcap when the
 * session starts, and appends a match as a pcap record - the 16-byte record
 * header and the captured bytes - to the session's byte ring. The program
 * runs in a classic-BPF interpreter of our own that loads straight from the
 * frame as the datapath holds it (private Ethernet header, then segments),
 * because making every frame contiguous for libpcap's bpf_filter() cost the
 * 64-byte benchmark about 10%; the interpreter follows bpf_filter()'s
 * semantics (a load past the frame rejects it, division by zero rejects,
 * wire length = frame size), accepts only programs bpf_validate() passes,
 * and a unit test compares it with bpf_filter() on many filters and frames.
 * A program using an instruction it does not know runs in bpf_filter() on a
 * linearised copy instead. The datapath never waits: when the
 * ring lacks room the frame is dropped and counted. The ring holds exactly
 * the bytes of the pcap stream, so the consumer, a writer thread per
 * session, copies ring bytes to the output without looking at them, in
 * chunks the output accepts without blocking (PIPE_BUF after POLLOUT for
 * pipes and sockets). It only parses record headers, before releasing
 * their bytes, to count whole records written. A thread per session keeps
 * a slow reader of one capture from delaying any other.
 *
 * The control thread starts and ends sessions. The datapath sees the array
 * of running sessions and capture_directions, both changed only while it is
 * paused; frames name their network and port by uid, so a session never
 * holds a pointer that a deleted port could leave dangling. A session ends
 * in one of two ways. The control thread ends it (capture.stop, the client
 * disconnected, the network or port is gone, shutdown): it takes the
 * session off the datapath, then asks the writer to finish writing what is
 * queued; a writer that cannot write for a second gives up. Or the writer
 * ends it (the count was reached, the reader went away, a write failed).
 * Either way the writer's last act is to signal the control thread, which
 * joins it, closes the output (a pipe's reader sees end of file), and sends
 * the client the capture.end event with the final counters.
 *
 * The writer sleeps on an eventfd only after announcing it (writer_sleeping)
 * and checking the ring once more; the producer, after publishing a record,
 * signals the eventfd only if the writer announced sleep. A full barrier on
 * both sides makes it impossible for both to miss each other, and a busy
 * capture costs the datapath no system call per frame.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "capture_bpf.h"
#include "log.h"
#include "loop.h"
#include "netdef.h"
#include "port.h"
#include "virtq.h"

#define CAPTURE_LINEAR_MAX	DP_MAX_FRAME	/* frames are never longer */
#define CAPTURE_REC_HDR_SIZE	16
#define CAPTURE_FILE_HDR_SIZE	24
#define CAPTURE_FILE_CHUNK	(1u << 20)	/* bytes per write to a regular file */
#define CAPTURE_GIVE_UP_MS	1000	/* an ending session's output stays unwritable this long */
#define CAPTURE_CHECK_MS	1000	/* how often to look for deleted networks and ports */
#define CAPTURE_FILTER_MAX	4096

struct capture_session {
	/* Set up by the control thread before the session runs; then read-only. */
	uint32_t id;
	struct capture_spec spec;
	char *filter;			/* spec.filter points here */
	struct bpf_program prog;
	bool has_prog;
	bool prog_native;		/* runs in cbpf_run(), not libpcap's bpf_filter() */
	int out_fd;
	size_t chunk_max;		/* largest write that cannot block once POLLOUT said so */
	uint8_t *ring;
	size_t ring_size;		/* power of two */
	int wake_fd;			/* producer or control thread -> writer */

	/* Producer (datapath) side. */
	alignas(64) _Atomic uint64_t head;	/* ring bytes published */
	/* Counters: written by the producer only, read by anyone (relaxed). */
	_Atomic uint64_t queued;	/* records published */
	_Atomic uint64_t matched;	/* frames the filter accepted */
	_Atomic uint64_t ring_drops;	/* accepted but the ring was full */
	bool count_reached;		/* queued == spec.count: offer no more */

	/* Consumer (writer) side. */
	alignas(64) _Atomic uint64_t tail;	/* ring bytes written out */
	_Atomic uint64_t written;	/* whole records written */
	size_t file_hdr_done;		/* bytes of the pcap file header written */
	uint64_t rec_next;		/* start of the first record not yet fully written */
	uint64_t rec_end;		/* its end, when rec_parsed */
	bool rec_parsed;
	atomic_bool writer_sleeping;

	/* Control thread and writer. */
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;		/* control thread: finish what is queued and end */
	atomic_bool writer_done;	/* writer: ended, thread may be joined */
	_Atomic int end_reason;		/* enum capture_end, set by whoever ended it */
	int write_errno;
	int done_fd;			/* writer -> control thread: "I ended" (not owned) */
};

/* The pcap file header (microsecond timestamps, Ethernet), in host order. */
struct capture_file_hdr {
	uint32_t magic;
	uint16_t version_major;
	uint16_t version_minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

struct capture_rec_hdr {
	uint32_t ts_sec;
	uint32_t ts_usec;
	uint32_t incl_len;
	uint32_t orig_len;
};

/* One frame as the sessions see it: linearised and timestamped lazily, once. */
struct capture_view {
	const struct dp_pkt *pkt;
	uint32_t linear;		/* bytes of the frame in capture_linear */
	bool has_ts;
	struct timespec ts;
};

unsigned int capture_directions;
static struct capture_session *running[CAPTURE_MAX_SESSIONS];	/* datapath's view */
static unsigned int nrunning;
static uint8_t capture_linear[CAPTURE_LINEAR_MAX];	/* datapath thread only */


static const char *const end_names[] = {
	[CAPTURE_RUNNING] = "running",
	[CAPTURE_END_COUNT] = "count",
	[CAPTURE_END_STOPPED] = "stopped",
	[CAPTURE_END_READER_GONE] = "reader_gone",
	[CAPTURE_END_WRITE_ERROR] = "write_error",
	[CAPTURE_END_CLIENT_GONE] = "client_gone",
	[CAPTURE_END_REMOVED] = "removed",
	[CAPTURE_END_SHUTDOWN] = "shutdown",
};

const char *capture_end_name(enum capture_end reason)
{
	return (unsigned int)reason < sizeof(end_names) / sizeof(end_names[0]) ?
		end_names[reason] : "unknown";
}


/* ------------------------------------------------------------ the ring */

static void ring_put(struct capture_session *s, uint64_t pos, const void *src, size_t size)
{
	size_t off = pos & (s->ring_size - 1);
	size_t first = s->ring_size - off < size ? s->ring_size - off : size;

	memcpy(s->ring + off, src, first);
	memcpy(s->ring, (const uint8_t *)src + first, size - first);
}

static void ring_get(const struct capture_session *s, uint64_t pos, void *dst, size_t size)
{
	size_t off = pos & (s->ring_size - 1);
	size_t first = s->ring_size - off < size ? s->ring_size - off : size;

	memcpy(dst, s->ring + off, first);
	memcpy((uint8_t *)dst + first, s->ring, size - first);
}

/* ------------------------------------------------------- producer side */

/* Make the first @want bytes of the frame contiguous in capture_linear. */
static uint32_t view_linearise(struct capture_view *v, uint32_t want)
{
	const struct dp_pkt *pkt = v->pkt;

	if (want > pkt->size)
		want = pkt->size;
	if (want > CAPTURE_LINEAR_MAX)
		want = CAPTURE_LINEAR_MAX;
	if (v->linear >= want)
		return v->linear;
	/* Most frames sit in one segment after the header: two plain copies. */
	if (!v->linear && want > ETH_HDR_SIZE && pkt->niov &&
	    pkt->iov[0].iov_len >= want - ETH_HDR_SIZE) {
		memcpy(capture_linear, pkt->eth, ETH_HDR_SIZE);
		memcpy(capture_linear + ETH_HDR_SIZE, pkt->iov[0].iov_base, want - ETH_HDR_SIZE);
		v->linear = want;
		return want;
	}
	if (v->linear < ETH_HDR_SIZE) {
		uint32_t n = want < ETH_HDR_SIZE ? want : ETH_HDR_SIZE;

		memcpy(capture_linear, pkt->eth, n);
		v->linear = n;
	}
	if (want > v->linear) {
		size_t got = vq_iov_copy_from(capture_linear + v->linear, pkt->iov, pkt->niov,
					      v->linear - ETH_HDR_SIZE, want - v->linear);

		/* Segments shorter than the size claims: capture what is there. */
		v->linear += (uint32_t)got;
	}
	return v->linear;
}

uint32_t capture_filter_test(const char *filter, const struct dp_pkt *pkt, bool native)
{
	struct capture_view v = { .pkt = pkt };
	struct bpf_program prog;
	char err[PCAP_ERRBUF_SIZE + 64];
	uint32_t ret, have;

	if (cbpf_compile(filter, CAPTURE_SNAPLEN_MAX, &prog, err, sizeof(err)))
		return UINT32_MAX;
	if (native) {
		ret = cbpf_run(prog.bf_insns, pkt);
	} else {
		have = view_linearise(&v, pkt->size);
		ret = bpf_filter(prog.bf_insns, capture_linear, pkt->size, have);
	}
	pcap_freecode(&prog);
	return ret;
}

static void writer_wake(struct capture_session *s)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&s->writer_sleeping, memory_order_relaxed) &&
	    atomic_exchange(&s->writer_sleeping, false))
		eventfd_signal(s->wake_fd);
}

/* The filter accepted the frame: queue @caplen bytes of it, or count a drop. */
static __attribute__((noinline)) bool session_queue(struct capture_session *s,
						    struct capture_view *v, uint32_t caplen)
{
	const struct dp_pkt *pkt = v->pkt;
	struct capture_rec_hdr rec;
	uint64_t head, tail;
	uint32_t have;

	have = view_linearise(v, caplen);
	if (caplen > have)
		caplen = have;
	counter_add(&s->matched, 1);

	head = atomic_load_explicit(&s->head, memory_order_relaxed);
	tail = atomic_load_explicit(&s->tail, memory_order_acquire);
	if (CAPTURE_REC_HDR_SIZE + caplen > s->ring_size - (head - tail)) {
		counter_add(&s->ring_drops, 1);
		return false;
	}
	if (!v->has_ts) {
		clock_gettime(CLOCK_REALTIME, &v->ts);
		v->has_ts = true;
	}
	rec.ts_sec = (uint32_t)v->ts.tv_sec;
	rec.ts_usec = (uint32_t)(v->ts.tv_nsec / 1000);
	rec.incl_len = caplen;
	rec.orig_len = pkt->size;
	ring_put(s, head, &rec, sizeof(rec));
	ring_put(s, head + sizeof(rec), capture_linear, caplen);
	atomic_store_explicit(&s->head, head + sizeof(rec) + caplen, memory_order_release);
	counter_add(&s->queued, 1);
	if (s->spec.count && atomic_load_explicit(&s->queued, memory_order_relaxed) >= s->spec.count)
		s->count_reached = true;
	writer_wake(s);
	return true;
}

/* Hot: every frame meets every running session here; most leave at once. */
static inline bool session_offer(struct capture_session *s, uint64_t net_uid, uint64_t port_uid,
				 unsigned int direction, struct capture_view *v)
{
	const struct dp_pkt *pkt = v->pkt;
	uint32_t caplen;

	if (net_uid != s->spec.net_uid || !(direction & s->spec.directions) || s->count_reached)
		return false;
	if (s->spec.port_uid && port_uid != s->spec.port_uid)
		return false;

	caplen = pkt->size < s->spec.snaplen ? pkt->size : s->spec.snaplen;
	if (s->has_prog) {
		/* The filter sees the whole frame, as the kernel's would. */
		uint32_t ret;

		if (__builtin_expect(s->prog_native, 1)) {
			ret = cbpf_run(s->prog.bf_insns, pkt);
		} else {
			uint32_t have = view_linearise(v, pkt->size);

			ret = bpf_filter(s->prog.bf_insns, capture_linear, pkt->size, have);
		}
		if (!ret)
			return false;
		if (caplen > ret)
			caplen = ret;
	}
	return session_queue(s, v, caplen);
}

bool capture_session_offer(struct capture_session *s, uint64_t net_uid, uint64_t port_uid,
			   unsigned int direction, const struct dp_pkt *pkt)
{
	struct capture_view v = { .pkt = pkt };

	return session_offer(s, net_uid, port_uid, direction, &v);
}

void capture_frame(const struct network *net, const struct port *port,
		   unsigned int direction, const struct dp_pkt *pkt)
{
	struct capture_view v = { .pkt = pkt };
	uint64_t port_uid = port ? port->uid : 0;
	unsigned int i;

	for (i = 0; i < nrunning; i++)
		session_offer(running[i], net->uid, port_uid, direction, &v);
}

/* ------------------------------------------------------- consumer side */

/*
 * Count the records that @new_tail completes. Their headers are read before
 * the tail is published, while the producer cannot yet overwrite them.
 */
static void count_written(struct capture_session *s, uint64_t new_tail, uint64_t head)
{
	struct capture_rec_hdr rec;
	uint64_t done = 0;

	for (;;) {
		if (!s->rec_parsed) {
			if (s->rec_next >= head)
				break;
			ring_get(s, s->rec_next, &rec, sizeof(rec));
			s->rec_end = s->rec_next + sizeof(rec) + rec.incl_len;
			s->rec_parsed = true;
		}
		if (s->rec_end > new_tail)
			break;
		done++;
		s->rec_next = s->rec_end;
		s->rec_parsed = false;
	}
	if (done)
		atomic_fetch_add_explicit(&s->written, done, memory_order_relaxed);
}

/*
 * Write the pcap file header, or the next chunk of queued records.
 * Return: bytes written, 0 if nothing is pending, or negative errno
 * (-EAGAIN: the output is non-blocking and full).
 */
static ssize_t write_some(struct capture_session *s)
{
	uint64_t head, tail;
	size_t off, size;
	ssize_t n;

	if (s->file_hdr_done < CAPTURE_FILE_HDR_SIZE) {
		struct capture_file_hdr fh = {
			.magic = 0xa1b2c3d4, .version_major = 2, .version_minor = 4,
			.snaplen = s->spec.snaplen, .linktype = DLT_EN10MB,
		};

		n = write(s->out_fd, (const uint8_t *)&fh + s->file_hdr_done,
			  CAPTURE_FILE_HDR_SIZE - s->file_hdr_done);
		if (n < 0)
			return errno == EINTR ? -EAGAIN : -errno;
		s->file_hdr_done += (size_t)n;
		return n;
	}
	head = atomic_load_explicit(&s->head, memory_order_acquire);
	tail = atomic_load_explicit(&s->tail, memory_order_relaxed);
	if (head == tail)
		return 0;
	off = tail & (s->ring_size - 1);
	size = head - tail;
	if (size > s->ring_size - off)
		size = s->ring_size - off;
	if (size > s->chunk_max)
		size = s->chunk_max;
	n = write(s->out_fd, s->ring + off, size);
	if (n < 0)
		return errno == EINTR ? -EAGAIN : -errno;
	count_written(s, tail + (uint64_t)n, head);
	atomic_store_explicit(&s->tail, tail + (uint64_t)n, memory_order_release);
	return n;
}

static bool output_pending(struct capture_session *s)
{
	return s->file_hdr_done < CAPTURE_FILE_HDR_SIZE ||
	       atomic_load_explicit(&s->head, memory_order_acquire) !=
	       atomic_load_explicit(&s->tail, memory_order_relaxed);
}

static bool count_done(struct capture_session *s)
{
	return s->spec.count && atomic_load_explicit(&s->written, memory_order_relaxed) >= s->spec.count;
}

int capture_session_flush(struct capture_session *s)
{
	ssize_t n;

	while (output_pending(s)) {
		n = write_some(s);
		if (n == -EAGAIN) {
			struct pollfd pfd = { .fd = s->out_fd, .events = POLLOUT };

			poll(&pfd, 1, 100);
			continue;
		}
		if (n < 0)
			return (int)n;
	}
	return 0;
}

static enum capture_end write_failure(struct capture_session *s, int error)
{
	s->write_errno = error;
	return error == EPIPE || error == ECONNRESET ? CAPTURE_END_READER_GONE
						      : CAPTURE_END_WRITE_ERROR;
}

/*
 * Nothing to write: sleep until the producer or the control thread wakes
 * us. The output is watched too (no events asked: only errors and hang-ups
 * are reported), so a pipe whose reader went away ends the session at once
 * rather than at the next matching frame.
 * Return: true if the output's reader is gone.
 */
static bool writer_sleep(struct capture_session *s)
{
	struct pollfd pfds[2] = {
		{ .fd = s->wake_fd, .events = POLLIN },
		{ .fd = s->out_fd, .events = 0 },
	};

	atomic_store(&s->writer_sleeping, true);
	if (output_pending(s) || atomic_load(&s->stop)) {
		atomic_store(&s->writer_sleeping, false);
		return false;
	}
	if (poll(pfds, 2, -1) > 0 && (pfds[0].revents & POLLIN))
		eventfd_drain(s->wake_fd);
	atomic_store(&s->writer_sleeping, false);
	return (pfds[1].revents & (POLLERR | POLLHUP)) != 0;
}

/*
 * Wait until the output takes bytes without blocking (or the control thread
 * wakes us). Return: 1 writable, 0 woken or interrupted, -ETIMEDOUT if
 * @timeout_ms passed without either.
 */
static int writer_wait_output(struct capture_session *s, int timeout_ms)
{
	struct pollfd pfds[2] = {
		{ .fd = s->out_fd, .events = POLLOUT },
		{ .fd = s->wake_fd, .events = POLLIN },
	};
	int n = poll(pfds, 2, timeout_ms);

	if (n == 0)
		return -ETIMEDOUT;
	if (n < 0)
		return 0;
	if (pfds[1].revents & POLLIN)
		eventfd_drain(s->wake_fd);
	return (pfds[0].revents & (POLLOUT | POLLERR | POLLHUP)) ? 1 : 0;
}

static void *writer_thread(void *arg)
{
	struct capture_session *s = arg;
	enum capture_end reason = CAPTURE_RUNNING;
	ssize_t n;
	int ret;

	pthread_setname_np(pthread_self(), "vsw-capture");
	while (reason == CAPTURE_RUNNING) {
		bool stopping = atomic_load(&s->stop);

		if (count_done(s)) {
			reason = CAPTURE_END_COUNT;
			break;
		}
		if (!output_pending(s)) {
			if (stopping)
				reason = atomic_load(&s->end_reason);
			else if (writer_sleep(s))
				reason = write_failure(s, EPIPE);
			continue;
		}
		ret = writer_wait_output(s, stopping ? CAPTURE_GIVE_UP_MS : -1);
		if (ret == -ETIMEDOUT) {
			/* Ending, and the reader takes nothing: what is queued is dropped. */
			reason = atomic_load(&s->end_reason);
			break;
		}
		if (ret == 0)
			continue;
		n = write_some(s);
		if (n < 0 && n != -EAGAIN)
			reason = write_failure(s, (int)-n);
	}
	/* The first to set a reason wins: a control-thread reason is already there. */
	{
		int expected = CAPTURE_RUNNING;

		atomic_compare_exchange_strong(&s->end_reason, &expected, (int)reason);
	}
	atomic_store_explicit(&s->writer_done, true, memory_order_release);
	if (s->done_fd >= 0)
		eventfd_signal(s->done_fd);
	return NULL;
}

/* ----------------------------------------------------- session objects */

static size_t round_up_pow2(size_t size)
{
	size_t p = CAPTURE_BUFFER_MIN;

	while (p < size)
		p <<= 1;
	return p;
}

int capture_session_new(const struct capture_spec *spec, int out_fd,
			struct capture_session **sessionp, char *err, size_t err_size)
{
	struct capture_session *s;
	struct stat st;
	int ret;

	if (!spec->directions || (spec->directions & ~CAPTURE_BOTH)) {
		snprintf(err, err_size, "direction must be in, out or both");
		return -EINVAL;
	}
	if (spec->snaplen < 1 || spec->snaplen > CAPTURE_SNAPLEN_MAX) {
		snprintf(err, err_size, "snaplen must be from 1 to %u bytes", CAPTURE_SNAPLEN_MAX);
		return -EINVAL;
	}
	if (spec->buffer_size < CAPTURE_BUFFER_MIN || spec->buffer_size > CAPTURE_BUFFER_MAX) {
		snprintf(err, err_size, "buffer size must be from %u KiB to %u MiB",
			 CAPTURE_BUFFER_MIN >> 10, CAPTURE_BUFFER_MAX >> 20);
		return -EINVAL;
	}
	if (spec->filter && strlen(spec->filter) > CAPTURE_FILTER_MAX) {
		snprintf(err, err_size, "filter longer than %u bytes", CAPTURE_FILTER_MAX);
		return -EINVAL;
	}
	if (fstat(out_fd, &st) < 0) {
		snprintf(err, err_size, "cannot use the output descriptor: %s", strerror(errno));
		return -EBADF;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		goto err_nomem;
	s->spec = *spec;
	s->filter = strdup(spec->filter ? spec->filter : "");
	s->ring_size = round_up_pow2(spec->buffer_size);
	s->ring = malloc(s->ring_size);
	s->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!s->filter || !s->ring || s->wake_fd < 0) {
		if (s->wake_fd >= 0)
			close(s->wake_fd);
		free(s->ring);
		free(s->filter);
		free(s);
		goto err_nomem;
	}
	s->spec.filter = s->filter;
	s->spec.buffer_size = s->ring_size;
	s->out_fd = -1;
	s->done_fd = -1;
	/*
	 * After POLLOUT a pipe takes PIPE_BUF bytes without blocking; a file
	 * never blocks for long, so it gets big writes.
	 */
	s->chunk_max = S_ISREG(st.st_mode) ? CAPTURE_FILE_CHUNK : PIPE_BUF;
	if (s->filter[0]) {
		ret = cbpf_compile(s->filter, s->spec.snaplen, &s->prog, err, err_size);
		if (ret) {
			capture_session_free(s);
			return ret;
		}
		s->has_prog = true;
		s->prog_native = cbpf_native(&s->prog);
	}
	s->out_fd = out_fd;
	*sessionp = s;
	return 0;

err_nomem:
	snprintf(err, err_size, "out of memory for a %zu-byte capture buffer", spec->buffer_size);
	return -ENOMEM;
}

void capture_session_stats(const struct capture_session *s, struct capture_stats *stats)
{
	uint64_t written = atomic_load_explicit(&s->written, memory_order_relaxed);

	stats->captured = written;
	uint64_t queued = atomic_load_explicit((_Atomic uint64_t *)&s->queued, memory_order_relaxed);

	stats->matched = atomic_load_explicit((_Atomic uint64_t *)&s->matched, memory_order_relaxed);
	stats->dropped = atomic_load_explicit((_Atomic uint64_t *)&s->ring_drops, memory_order_relaxed) +
			 (queued > written ? queued - written : 0);
}

void capture_session_free(struct capture_session *s)
{
	if (!s)
		return;
	if (s->has_prog)
		pcap_freecode(&s->prog);
	if (s->out_fd >= 0)
		close(s->out_fd);
	if (s->wake_fd >= 0)
		close(s->wake_fd);
	free(s->ring);
	free(s->filter);
	free(s);
}

/* ---------------------------------------------- running and ending sessions */

void capture_running_add(struct capture_session *s)
{
	if (nrunning == CAPTURE_MAX_SESSIONS)
		return;
	running[nrunning++] = s;
	capture_directions |= s->spec.directions;
}

void capture_running_remove(struct capture_session *s)
{
	unsigned int i;

	for (i = 0; i < nrunning; i++) {
		if (running[i] == s) {
			running[i] = running[--nrunning];
			running[nrunning] = NULL;
			break;
		}
	}
	capture_directions = 0;
	for (i = 0; i < nrunning; i++)
		capture_directions |= running[i]->spec.directions;
}

int capture_session_start(struct capture_session *s, int done_fd)
{
	sigset_t all, old;
	int ret;

	s->done_fd = done_fd;
	/* The writer blocks every signal: the control thread's signalfd must get them. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = -pthread_create(&s->thread, NULL, writer_thread, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ret)
		s->thread_started = true;
	return ret;
}

void capture_session_end(struct capture_session *s, enum capture_end reason)
{
	int expected = CAPTURE_RUNNING;

	atomic_compare_exchange_strong(&s->end_reason, &expected, (int)reason);
	atomic_store(&s->stop, true);
	eventfd_signal(s->wake_fd);
}

bool capture_session_done(const struct capture_session *s)
{
	return atomic_load_explicit((atomic_bool *)&s->writer_done, memory_order_acquire);
}

enum capture_end capture_session_join(struct capture_session *s, int *write_errno)
{
	if (s->thread_started)
		pthread_join(s->thread, NULL);
	s->thread_started = false;
	/* Closing first: a client reading a pipe sees its end before any event. */
	if (s->out_fd >= 0)
		close(s->out_fd);
	s->out_fd = -1;
	if (write_errno)
		*write_errno = s->write_errno;
	return (enum capture_end)atomic_load(&s->end_reason);
}

const struct capture_spec *capture_session_spec(const struct capture_session *s)
{
	return &s->spec;
}

const char *capture_direction_name(unsigned int directions)
{
	return directions == CAPTURE_BOTH ? "both" : directions == CAPTURE_IN ? "in" : "out";
}
