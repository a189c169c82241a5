// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * datapath.c - the thread that moves frames between ports: receive a burst,
 * learn, look up, copy each frame once to its destinations, release the burst.
 *
 * Theory of operation
 *
 * One thread owns every port's datapath state, every FDB and the per-port
 * counters. The control thread never touches them while the datapath runs:
 * it asks the thread to park (dp_pause), changes what it needs, and lets it
 * go (dp_resume). The thread checks for a pause request once per loop
 * iteration, never between epoll_wait() and the handling of its events, so a
 * port removed while paused can never be reached through a stale event.
 *
 * Interrupt mode keeps an "active" list: a port joins it when its rx fd
 * fires (a guest kick, a readable tap) and leaves it when a burst comes back
 * short and re-arming notifications (rx_idle) finds nothing new. Each active
 * port gets a bounded number of bursts per round, so one busy port cannot
 * starve the others. While any port is active, epoll is polled without
 * sleeping; otherwise the thread sleeps and an idle switch costs nothing.
 *
 * PMD mode polls every port in turn from a thread pinned to one CPU.
 *
 * Frames that need an offload the receiver did not negotiate (a TSO frame
 * to a guest without GUEST_TSO4, a partial checksum to one without
 * GUEST_CSUM) take a slow path: linearise into a private buffer, finish in
 * software (lib/offload.c) and send each resulting frame.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "datapath.h"
#include "fdb.h"
#include "frame.h"
#include "iov.h"
#include "log.h"
#include "loop.h"
#include "netdef.h"
#include "offload.h"
#include "port.h"
#include "service.h"

#define DP_MAX_PORTS		4096
#define DP_BURSTS_PER_ROUND	8
#define DP_EPOLL_EVENTS		64
#define DP_FDB_SWEEP_SEC	10	/* expired FDB entries are swept this often */
#define DP_IDLE_WAKE_MS		(DP_FDB_SWEEP_SEC * 1000)

static struct {
	pthread_t thread;
	bool started;
	bool pmd;
	int pmd_cpu;
	int epfd;
	int wake_fd;		/* wakes the thread for a pause request */
	int event_fd;		/* tells the control thread a port broke */

	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_bool pause_req;
	bool paused;
	bool exiting;
	unsigned int pause_depth;	/* control thread only */

	struct port *ports[DP_MAX_PORTS];	/* every attached port */
	unsigned int nports;
	struct port *active[DP_MAX_PORTS];	/* interrupt mode: ports to poll now */
	unsigned int nactive;
	struct port *touched[DP_MAX_PORTS];	/* ports sent to in this burst */
	unsigned int ntouched;

	struct dp_pkt pkts[DP_BURST];
	struct dp_pkt svc_pkt;	/* a service's reply being sent */
	struct dp_pkt seg_pkt;	/* slow path: one finished segment being sent */
	uint8_t *frame;		/* slow path: linearised frame */

	struct svc_ring svc_rx;	/* diverted frames, to the service thread */
	struct svc_ring svc_tx;	/* the service's replies, to ports */
	int svc_rx_fd;		/* tells the service thread frames wait */
	int svc_tx_fd;		/* tells us replies wait (interrupt mode) */
	bool svc_rx_pending;	/* frames diverted in this burst: signal once */
	uint8_t *seg_scratch;	/* slow path: segment being built */
	uint64_t last_sweep_sec;	/* dp_now_sec() of the last FDB sweep */
} dp = {
	.epfd = -1,
	.wake_fd = -1,
	.svc_rx_fd = -1,
	.svc_tx_fd = -1,
	.event_fd = -1,
	.pmd_cpu = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static uint64_t dp_now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec;
}

static void dp_mark_touched(struct port *out)
{
	if (out->tx_pending)
		return;
	out->tx_pending = true;
	dp.touched[dp.ntouched++] = out;
}

/* Tell the control thread a port broke, so it cuts the peer off. */
static void dp_port_broke(struct port *port)
{
	if (!port_is_broken(port))
		return;
	eventfd_signal(dp.event_fd);
}

static void dp_tx_one(struct port *out, const struct dp_pkt *pkt)
{
	int ret = out->cls->tx(out, pkt);

	if (ret != 0) {
		unsigned int reason = ret < 0 ? (unsigned int)-ret : DROP_TX_ERROR;

		port_count_drop(&out->stats, reason > DROP_NONE && reason < DROP__COUNT ? reason : DROP_TX_ERROR);
		dp_port_broke(out);
		return;
	}
	counter_add(&out->stats.tx_packets, 1);
	counter_add(&out->stats.tx_bytes, pkt->size);
	capture_tap(out->net, out, CAPTURE_OUT, pkt);
	dp_mark_touched(out);
}

/*
 * Send what the burst queued for @out, in order. Frames for one receiver go
 * out together so that port can fetch the ring state they need as a batch
 * (tx_prepare) rather than stall on it frame by frame.
 */
static void dp_txq_drain(struct port *out)
{
	unsigned int i, n = out->ntxq;

	if (!n)
		return;
	out->ntxq = 0;
	if (n > 1 && out->cls->tx_prepare)
		out->cls->tx_prepare(out, n);
	for (i = 0; i < n && !port_is_broken(out); i++)
		dp_tx_one(out, out->txq[i]);
}

struct dp_soft_ctx {
	struct port *out;
	struct dp_pkt *pkt;
};

static int dp_soft_emit(void *opaque, const uint8_t *frame, size_t size)
{
	struct dp_soft_ctx *ctx = opaque;
	struct dp_pkt *pkt = ctx->pkt;

	if (size < ETH_HDR_SIZE)
		return -EINVAL;
	memcpy(pkt->eth, frame, ETH_HDR_SIZE);
	pkt->size = (uint32_t)size;
	pkt->niov = 1;
	pkt->iov[0].iov_base = (void *)(frame + ETH_HDR_SIZE);
	pkt->iov[0].iov_len = size - ETH_HDR_SIZE;
	dp_tx_one(ctx->out, pkt);
	return 0;
}

/* Slow path: the receiver lacks an offload this frame uses. */
static void dp_output_soft(struct port *out, const struct dp_pkt *pkt)
{
	struct dp_pkt *seg = &dp.seg_pkt;
	struct dp_soft_ctx ctx = { .out = out, .pkt = seg };
	struct iov_cursor cur;
	struct iovec dst;
	int ret;

	if (pkt->size > DP_MAX_FRAME) {
		port_count_drop(&out->stats, DROP_TOO_BIG);
		return;
	}
	memcpy(dp.frame, pkt->eth, ETH_HDR_SIZE);
	iov_cursor_init(&cur, pkt->iov, pkt->niov);
	dst.iov_base = dp.frame + ETH_HDR_SIZE;
	dst.iov_len = pkt->size - ETH_HDR_SIZE;
	if (iov_cursor_copy_out(&cur, &dst, 1, dst.iov_len) != dst.iov_len) {
		port_count_drop(&out->stats, DROP_MALFORMED);
		return;
	}
	ret = offload_resolve(&pkt->hdr, dp.frame, pkt->size, out->rx_offloads,
			      dp.seg_scratch, dp_soft_emit, &ctx, &seg->hdr);
	if (ret < 0) {
		port_count_drop(&out->stats, DROP_OFFLOAD);
		log_warn_rl(&out->rl, "port %s: cannot finish offloaded frame in software (gso_type %u, %s)",
			    out->name, pkt->hdr.gso_type, strerror(-ret));
	}
}

/*
 * Queue @pkt for @out (it stays valid until the burst is released), or
 * finish it in software at once when @out lacks an offload it uses.
 */
static void dp_output(struct port *out, const struct dp_pkt *pkt)
{
	if (!out->up || port_is_broken(out))
		return;
	if (offload_needed(&pkt->hdr, out->rx_offloads)) {
		dp_txq_drain(out);	/* keep the frames' order */
		dp_output_soft(out, pkt);
		return;
	}
	if (out->ntxq == DP_BURST)
		dp_txq_drain(out);
	out->txq[out->ntxq++] = pkt;
	dp_mark_touched(out);
}

/*
 * Frames of one burst mostly share their source and destination. Remember
 * the last answers so a burst of 32 asks the FDB about once, not 64 times.
 * A learn that changes the table (new or moved address) forgets the
 * destination answer, which that change may have made stale.
 */
struct dp_burst_cache {
	uint8_t src[6];
	enum fdb_learn_result src_result;
	bool src_valid;
	uint8_t dst[6];
	int dst_port;
	bool dst_valid;
};

static enum fdb_learn_result dp_learn(struct network *net, struct port *in, const uint8_t *src,
				      uint64_t now, struct dp_burst_cache *bc)
{
	enum fdb_learn_result result;

	if (bc->src_valid && !memcmp(bc->src, src, 6))
		return bc->src_result;
	result = fdb_learn(net->fdb, src, in->id, now);
	memcpy(bc->src, src, 6);
	bc->src_result = result;
	bc->src_valid = true;
	if (result != FDB_REFRESHED)
		bc->dst_valid = false;
	return result;
}

static int dp_lookup(struct network *net, const uint8_t *dst, uint64_t now,
		     struct dp_burst_cache *bc)
{
	if (bc->dst_valid && !memcmp(bc->dst, dst, 6))
		return bc->dst_port;
	bc->dst_port = fdb_lookup(net->fdb, dst, now);
	memcpy(bc->dst, dst, 6);
	bc->dst_valid = true;
	return bc->dst_port;
}

/* Hand a frame to the service thread; a full queue drops and counts it. */
static void dp_divert(struct network *net, struct port *in, const struct dp_pkt *pkt)
{
	struct svc_frame *f;
	struct iovec dst;

	if (pkt->size > SVC_FRAME_MAX) {
		port_count_drop(&in->stats, DROP_TOO_BIG);
		return;
	}
	f = svc_ring_reserve(&dp.svc_rx);
	if (!f) {
		port_count_drop(&in->stats, DROP_NO_BUFFERS);
		return;
	}
	f->port_uid = in->uid;
	f->net_uid = net->uid;
	memcpy(f->port_mac, in->mac, 6);
	f->port_has_mac = in->has_mac;
	memcpy(f->data, pkt->eth, ETH_HDR_SIZE);
	dst.iov_base = f->data + ETH_HDR_SIZE;
	dst.iov_len = pkt->size - ETH_HDR_SIZE;
	f->size = (uint16_t)(ETH_HDR_SIZE + vq_iov_copy_from(dst.iov_base, pkt->iov, pkt->niov, 0,
							      dst.iov_len));
	svc_ring_commit(&dp.svc_rx);
	dp.svc_rx_pending = true;
}

/* Forward one received frame within its network. */
static void dp_forward(struct network *net, struct port *in, const struct dp_pkt *pkt,
		       uint64_t now, struct dp_burst_cache *bc)
{
	const uint8_t *dst = pkt->eth;
	const uint8_t *src = pkt->eth + 6;
	unsigned int i;
	int out;

	if (!frame_vnet_hdr_valid(&pkt->hdr, pkt->size)) {
		port_count_drop(&in->stats, DROP_MALFORMED);
		log_warn_rl(&in->rl, "port %s: dropped frame with invalid virtio-net header (flags %#x gso_type %#x)",
			    in->name, pkt->hdr.flags, pkt->hdr.gso_type);
		return;
	}
	counter_add(&in->stats.rx_packets, 1);
	counter_add(&in->stats.rx_bytes, pkt->size);
	capture_tap(net, in, CAPTURE_IN, pkt);

	switch (dp_learn(net, in, src, now, bc)) {
	case FDB_IGNORED:
		/* A multicast or zero source address is never valid. */
		port_count_drop(&in->stats, DROP_MALFORMED);
		return;
	case FDB_LIMIT:
		port_count_drop(&in->stats, DROP_MAC_LIMIT);
		log_warn_rl(&in->rl, "port %s: MAC limit %u reached, dropping frames from new sources",
			    in->name, net->mac_limit);
		return;
	default:
		break;
	}

	if (net->dhcp_divert && (frame_is_dhcp_request(pkt) || frame_is_arp_request_for(pkt, net->dhcp_arp_ip))) {
		dp_divert(net, in, pkt);
		return;
	}

	if (!(dst[0] & 1)) {
		out = dp_lookup(net, dst, now, bc);
		if (out >= 0) {
			if (out != in->id && net->ports[out])
				dp_output(net->ports[out], pkt);
			return;
		}
	}
	for (i = 0; i < net->nflood; i++) {
		if (net->flood[i] != in)
			dp_output(net->flood[i], pkt);
	}
}

/* Send and publish what this burst queued to each receiver; wake the service if it has work. */
static void dp_flush(void)
{
	unsigned int i;

	for (i = 0; i < dp.ntouched; i++) {
		struct port *out = dp.touched[i];

		dp_txq_drain(out);
		out->tx_pending = false;
		if (out->cls->tx_flush)
			out->cls->tx_flush(out);
		dp_port_broke(out);
	}
	dp.ntouched = 0;
	if (dp.svc_rx_pending) {
		dp.svc_rx_pending = false;
		eventfd_signal(dp.svc_rx_fd);
	}
}

/* One burst from @in. Return: frames received. */
static int dp_rx_process(struct port *in)
{
	struct network *net = in->net;
	unsigned int i;
	uint64_t now;
	int n;

	n = in->cls->rx_burst(in, dp.pkts, DP_BURST);
	if (n > 0) {
		struct dp_burst_cache bc = { .src_valid = false, .dst_valid = false };

		now = dp_now_sec();
		for (i = 0; i < (unsigned int)n; i++)
			dp_forward(net, in, &dp.pkts[i], now, &bc);
	}
	/* Send first: the queued frames point into @in's buffers until rx_done(). */
	dp_flush();
	if (in->cls->rx_done)
		in->cls->rx_done(in, dp.pkts, n > 0 ? n : 0);
	dp_port_broke(in);
	return n;
}

/* Send the service's replies: each to the port it names, if that port still exists. */
static void dp_svc_drain(void)
{
	struct svc_frame *f;
	unsigned int i;

	while ((f = svc_ring_peek(&dp.svc_tx))) {
		struct port *out = NULL;

		for (i = 0; i < dp.nports; i++) {
			if (dp.ports[i]->uid == f->port_uid) {
				out = dp.ports[i];
				break;
			}
		}
		/* The service is ours, but a frame's size is checked before it is trusted. */
		if (out && f->size >= ETH_HDR_SIZE && f->size <= SVC_FRAME_MAX) {
			struct dp_pkt *pkt = &dp.svc_pkt;

			memset(&pkt->hdr, 0, sizeof(pkt->hdr));
			memcpy(pkt->eth, f->data, ETH_HDR_SIZE);
			pkt->size = f->size;
			pkt->niov = 1;
			pkt->iov[0].iov_base = f->data + ETH_HDR_SIZE;
			pkt->iov[0].iov_len = f->size - ETH_HDR_SIZE;
			/* vswitchd's own frame enters the network here. */
			capture_tap(out->net, NULL, CAPTURE_IN, pkt);
			dp_output(out, pkt);
			dp_flush();	/* before dp.svc_pkt is reused */
		}
		svc_ring_release(&dp.svc_tx);
	}
	dp_flush();
}

/* Interrupt mode: serve one active port. Return: true if it has more work. */
static bool dp_service(struct port *port)
{
	int round;

	for (round = 0; round < DP_BURSTS_PER_ROUND; round++) {
		if (!port->up || port_is_broken(port))
			return false;
		if (dp_rx_process(port) < DP_BURST) {
			if (!port->cls->rx_idle || !port->cls->rx_idle(port))
				return false;
		}
	}
	return port->up && !port_is_broken(port);
}

/*
 * Age the FDBs here, in the thread that owns them, so that aging never
 * pauses forwarding: once a second at most, each network whose sweep is due
 * (every DP_FDB_SWEEP_SEC) loses its expired entries. Lookups treat expired
 * entries as absent anyway; the sweep only keeps counts and tables honest.
 */
static void dp_fdb_sweep(void)
{
	uint64_t now = dp_now_sec();
	unsigned int i;

	if (now == dp.last_sweep_sec)
		return;
	dp.last_sweep_sec = now;
	for (i = 0; i < dp.nports; i++) {
		struct network *net = dp.ports[i]->net;

		if (!net || now < net->fdb_next_sweep)
			continue;
		fdb_expire(net->fdb, now);
		net->fdb_next_sweep = now + DP_FDB_SWEEP_SEC;
	}
}

static void dp_activate(struct port *port)
{
	if (port->dp_active)
		return;
	port->dp_active = true;
	dp.active[dp.nactive++] = port;
}

static void dp_park(void)
{
	pthread_mutex_lock(&dp.lock);
	dp.paused = true;
	pthread_cond_broadcast(&dp.cond);
	while (atomic_load_explicit(&dp.pause_req, memory_order_acquire) && !dp.exiting)
		pthread_cond_wait(&dp.cond, &dp.lock);
	dp.paused = false;
	pthread_mutex_unlock(&dp.lock);
}

static void dp_run_interrupt(void)
{
	struct epoll_event events[DP_EPOLL_EVENTS];
	unsigned int i, kept;
	int n;

	n = epoll_wait(dp.epfd, events, DP_EPOLL_EVENTS, dp.nactive ? 0 : DP_IDLE_WAKE_MS);
	if (n < 0) {
		if (errno != EINTR)
			log_err("datapath: epoll_wait: %s", strerror(errno));
		return;
	}
	for (i = 0; i < (unsigned int)n; i++) {
		struct port *port = events[i].data.ptr;

		if (!port) {
			eventfd_drain(dp.wake_fd);
			continue;
		}
		if ((void *)port == &dp.svc_tx) {
			eventfd_drain(dp.svc_tx_fd);
			dp_svc_drain();
			continue;
		}
		if (port->rx_fd_drain)
			eventfd_drain(port->rx_fd);
		dp_activate(port);
	}
	/* Serve every active port once; keep the ones with work left. */
	for (i = 0, kept = 0; i < dp.nactive; i++) {
		struct port *port = dp.active[i];

		if (dp_service(port))
			dp.active[kept++] = port;
		else
			port->dp_active = false;
	}
	dp.nactive = kept;
}

static void dp_run_pmd(void)
{
	unsigned int i;

	if (svc_ring_peek(&dp.svc_tx))
		dp_svc_drain();

	for (i = 0; i < dp.nports; i++) {
		struct port *port = dp.ports[i];

		if (port->up && !port_is_broken(port))
			dp_rx_process(port);
	}
}

static void *dp_thread(void *arg)
{
	(void)arg;
	if (dp.pmd) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(dp.pmd_cpu, &set);
		if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
			log_warn("datapath: cannot pin to CPU %d", dp.pmd_cpu);
	}
	pthread_setname_np(pthread_self(), dp.pmd ? "vsw-pmd" : "vsw-dp");

	for (;;) {
		if (atomic_load_explicit(&dp.pause_req, memory_order_acquire)) {
			dp_park();
			if (dp.exiting)
				break;
		}
		if (dp.pmd)
			dp_run_pmd();
		else
			dp_run_interrupt();
		dp_fdb_sweep();
	}
	return NULL;
}

static void dp_svc_stop(void)
{
	if (dp.svc_rx_fd >= 0)
		close(dp.svc_rx_fd);
	if (dp.svc_tx_fd >= 0)
		close(dp.svc_tx_fd);
	dp.svc_rx_fd = dp.svc_tx_fd = -1;
	svc_ring_free(&dp.svc_rx);
	svc_ring_free(&dp.svc_tx);
}

static int dp_svc_start(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &dp.svc_tx };

	if (svc_ring_init(&dp.svc_rx) || svc_ring_init(&dp.svc_tx))
		goto err;
	dp.svc_rx_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	dp.svc_tx_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dp.svc_rx_fd < 0 || dp.svc_tx_fd < 0 ||
	    epoll_ctl(dp.epfd, EPOLL_CTL_ADD, dp.svc_tx_fd, &ev) < 0)
		goto err;
	return 0;
err:
	dp_svc_stop();
	return -ENOMEM;
}

int dp_svc_rx_fd(void)
{
	return dp.svc_rx_fd;
}

struct svc_ring *dp_svc_rx_ring(void)
{
	return &dp.svc_rx;
}

int dp_svc_send(const struct svc_frame *frame)
{
	return dp_svc_send_burst(frame, 1) ? -ENOBUFS : 0;
}

unsigned int dp_svc_send_burst(const struct svc_frame *frames, unsigned int n)
{
	unsigned int i, queued = 0, dropped = 0;

	for (i = 0; i < n; i++) {
		struct svc_frame *slot;

		if (!frames[i].size)
			continue;
		if (frames[i].size > SVC_FRAME_MAX) {
			dropped++;
			continue;
		}
		slot = svc_ring_reserve(&dp.svc_tx);
		if (!slot) {
			dropped++;
			continue;
		}
		/* Copy only the header fields and the bytes in use, not all SVC_FRAME_MAX. */
		memcpy(slot, &frames[i], offsetof(struct svc_frame, data) + frames[i].size);
		svc_ring_commit(&dp.svc_tx);
		queued++;
	}
	/* One wake-up for the whole burst. */
	if (queued && !dp.pmd)
		eventfd_signal(dp.svc_tx_fd);
	return dropped;
}

int dp_start(int pmd_cpu, int event_fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	int ret;

	dp.pmd = pmd_cpu >= 0;
	dp.pmd_cpu = pmd_cpu;
	dp.event_fd = event_fd;
	dp.frame = malloc(DP_MAX_FRAME);
	dp.seg_scratch = malloc(OFFLOAD_SCRATCH_SIZE);
	if (!dp.frame || !dp.seg_scratch) {
		ret = -ENOMEM;
		goto err_free;
	}
	dp.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (dp.epfd < 0) {
		ret = -errno;
		goto err_free;
	}
	dp.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dp.wake_fd < 0) {
		ret = -errno;
		goto err_epoll;
	}
	if (epoll_ctl(dp.epfd, EPOLL_CTL_ADD, dp.wake_fd, &ev) < 0) {
		ret = -errno;
		goto err_wake;
	}
	ret = dp_svc_start();
	if (ret)
		goto err_wake;
	ret = -pthread_create(&dp.thread, NULL, dp_thread, NULL);
	if (ret)
		goto err_wake;
	dp.started = true;
	log_info("datapath: %s", dp.pmd ? "busy-polling" : "interrupt-driven");
	if (dp.pmd)
		log_info("datapath: polling on CPU %d", pmd_cpu);
	return 0;

err_wake:
	dp_svc_stop();
	close(dp.wake_fd);
	dp.wake_fd = -1;
err_epoll:
	close(dp.epfd);
	dp.epfd = -1;
err_free:
	free(dp.frame);
	free(dp.seg_scratch);
	dp.frame = dp.seg_scratch = NULL;
	return ret;
}

void dp_stop(void)
{
	if (!dp.started)
		return;
	pthread_mutex_lock(&dp.lock);
	dp.exiting = true;
	atomic_store_explicit(&dp.pause_req, true, memory_order_release);
	eventfd_signal(dp.wake_fd);
	pthread_mutex_unlock(&dp.lock);
	pthread_join(dp.thread, NULL);
	dp.started = false;
	dp_svc_stop();
	close(dp.wake_fd);
	close(dp.epfd);
	dp.wake_fd = dp.epfd = -1;
	free(dp.frame);
	free(dp.seg_scratch);
	dp.frame = dp.seg_scratch = NULL;
}

void dp_pause(void)
{
	if (dp.pause_depth++ > 0 || !dp.started)
		return;
	pthread_mutex_lock(&dp.lock);
	atomic_store_explicit(&dp.pause_req, true, memory_order_release);
	eventfd_signal(dp.wake_fd);
	while (!dp.paused)
		pthread_cond_wait(&dp.cond, &dp.lock);
	pthread_mutex_unlock(&dp.lock);
}

void dp_resume(void)
{
	if (!dp.pause_depth || --dp.pause_depth > 0 || !dp.started)
		return;
	pthread_mutex_lock(&dp.lock);
	atomic_store_explicit(&dp.pause_req, false, memory_order_release);
	pthread_cond_broadcast(&dp.cond);
	pthread_mutex_unlock(&dp.lock);
}

bool dp_pmd(void)
{
	return dp.pmd;
}

int dp_port_attach(struct port *port)
{
	if (dp.nports == DP_MAX_PORTS)
		return -ENOSPC;
	port->registered_fd = -1;
	dp.ports[dp.nports++] = port;
	dp_port_update(port);
	return 0;
}

unsigned int dp_port_room(void)
{
	return DP_MAX_PORTS - dp.nports;
}

static void dp_remove(struct port **list, unsigned int *count, struct port *port)
{
	unsigned int i;

	for (i = 0; i < *count; i++) {
		if (list[i] == port) {
			list[i] = list[--*count];
			return;
		}
	}
}

void dp_port_detach(struct port *port)
{
	port->up = false;
	dp_port_update(port);
	dp_remove(dp.ports, &dp.nports, port);
	dp_remove(dp.active, &dp.nactive, port);
	port->dp_active = false;
}

void dp_port_update(struct port *port)
{
	int want = (port->up && !dp.pmd) ? port->rx_fd : -1;

	if (port->registered_fd >= 0 && port->registered_fd != want) {
		epoll_ctl(dp.epfd, EPOLL_CTL_DEL, port->registered_fd, NULL);
		port->registered_fd = -1;
	}
	if (want >= 0 && port->registered_fd < 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = port };

		if (epoll_ctl(dp.epfd, EPOLL_CTL_ADD, want, &ev) == 0)
			port->registered_fd = want;
		else
			log_err("port %s: cannot watch fd %d: %s", port->name, want, strerror(errno));
	}
	if (!port->up) {
		dp_remove(dp.active, &dp.nactive, port);
		port->dp_active = false;
	} else if (!dp.pmd) {
		/* Frames may have queued before we watched the fd: poll once now. */
		dp_activate(port);
	}
}
