// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * port_vhost.c - vhost-user ports: a guest's (or DPDK virtio-user's)
 * virtio-net queues attached to the switch through shared memory.
 *
 * Theory of operation
 *
 * The control thread owns the socket. In server mode vswitchd listens on
 * the port's socket path and serves one front-end at a time; in client mode
 * it connects to a socket the front-end (QEMU with server=on, testpmd with
 * server=1) owns, and reconnects every second while that fails, so a
 * vswitchd restart only pauses the guest's network. Every vhost-user
 * message is handled with the datapath paused (lib/vhost_user.c does the
 * protocol); afterwards the port is up exactly when both rings are ready.
 *
 * The datapath receives from the guest's transmit queue (1) and writes into
 * its receive queue (0). Frames from the guest are not copied on receive:
 * struct dp_pkt points at the guest's buffers until rx_done() returns the
 * descriptors. A frame to the guest is copied once, from wherever the
 * source's buffers are, into as many receive buffers as it needs
 * (mergeable buffers) or into one (without MRG_RXBUF).
 *
 * If the guest breaks the ring rules the datapath marks the port broken,
 * uses it no more, and the control thread disconnects the front-end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"
#include "dpif.h"
#include "ether.h"
#include "iov.h"
#include "log.h"
#include "loop.h"
#include "memguard.h"
#include "port.h"
#include "vhost_user.h"

#define VHOST_RECONNECT_MS	1000
/* A message, or a reply the front-end does not take, must be through in this long. */
#define VHOST_DEADLINE_MS	2000
/* Most receive buffers one frame may take (a 64 KiB frame in 1 KiB buffers). */
#define VHOST_MAX_RX_BUFS	80

/* A guest receive chain popped ahead by tx_prepare(): one writable segment. */
struct vhost_rx_buf {
	void *base;
	uint32_t len;
	uint16_t head;
};

struct vhost_port {
	struct port up;
	struct vu_dev dev;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool client;
	int listen_fd;
	int conn_fd;
	int reconnect_timer;
	int deadline_timer;	/* armed while a message or its reply is half through */
	bool reported_connect_failure;
	uint8_t mac[6];
	bool has_mac;
	bool mrg_rxbuf;		/* guest negotiated VIRTIO_NET_F_MRG_RXBUF */
	bool notify_on;		/* guest kicks us on transmit (interrupt mode) */
	bool rx_pushed;		/* rx_burst pushed used entries that rx_done must flush */
	struct vu_msg msg;	/* control thread: message being handled */
	struct vu_msg reply;
	struct vq_elem elem;	/* datapath scratch */
	uint16_t heads[VHOST_MAX_RX_BUFS];
	uint32_t lens[VHOST_MAX_RX_BUFS];
	/*
	 * Receive chains reserved for the frames tx_prepare() announced, in
	 * ring order: resv[resv_next .. nresv) are popped but not yet used.
	 * tx() takes these before popping more, and tx_flush() gives back
	 * what is left, so the ring only ever sees pops and pushes in order.
	 */
	struct vhost_rx_buf resv[DP_BURST];
	uint16_t nresv, resv_next;
};

static struct vhost_port *vhost_port(struct port *port)
{
	return (struct vhost_port *)port;
}

static void vhost_schedule_reconnect(struct vhost_port *vp);

/* Break the port from the datapath: stop using it; the control thread disconnects. */
static void vhost_break(struct vhost_port *vp, const char *what, int err)
{
	if (port_set_broken(&vp->up))
		log_warn_rl(&vp->up.rl, "port %s/%s: guest broke the virtqueue rules (%s: %s); disconnecting",
			    vp->up.net_name, vp->up.name, what, strerror(-err));
}

/*
 * Did an access hit guest memory the front-end truncated away (the SIGBUS
 * guard mapped a zero page there)? Then it broke the rules: cut it off.
 */
static bool vhost_mem_faulted(struct vhost_port *vp)
{
	if (!vp->dev.mem.faulted)
		return false;
	if (!port_is_broken(&vp->up)) {
		vhost_break(vp, "guest memory", -EFAULT);
		port_count_drop(&vp->up.stats, DROP_GUEST_ERROR);
	}
	return true;
}

/* After a message: is the device usable by the datapath? Runs under dpif_port_change(). */
static void vhost_refresh(struct vhost_port *vp)
{
	struct vu_dev *dev = &vp->dev;
	bool running = vu_dev_running(dev);

	vp->up.up = running;
	if (running) {
		vp->up.rx_fd = dev->vqs[VU_TXQ].kick_fd;
		vp->up.rx_fd_drain = true;
		vp->up.rx_offloads = vu_dev_rx_offloads(dev);
		vp->mrg_rxbuf = dev->features & VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF);
		/* We never need a kick for the receive queue: we look when we have a frame. */
		vq_set_notify(&dev->vqs[VU_RXQ], false);
		vp->notify_on = !dpif_pmd();
		vq_set_notify(&dev->vqs[VU_TXQ], vp->notify_on);
		vp->up.error[0] = '\0';
	} else {
		vp->up.rx_fd = -1;
	}
}

/* Under dpif_port_change(): the datapath is off the port while its rings and memory go. */
static void vhost_reset_dev(struct port *port, void *arg)
{
	struct vhost_port *vp = vhost_port(port);

	(void)arg;
	vp->up.up = false;
	vp->up.rx_fd = -1;
	vu_dev_reset(&vp->dev);
	atomic_store(&vp->up.broken, false);
}

static void vhost_deadline_stop(struct vhost_port *vp)
{
	loop_timer_del(daemon_loop, vp->deadline_timer);
	vp->deadline_timer = -1;
}

static void vhost_disconnect(struct vhost_port *vp, const char *why)
{
	if (vp->conn_fd < 0)
		return;
	log_info("port %s/%s: front-end disconnected (%s)", vp->up.net_name, vp->up.name, why);
	snprintf(vp->up.error, sizeof(vp->up.error), "%s", why);
	dpif_port_change(&vp->up, vhost_reset_dev, NULL);
	vhost_deadline_stop(vp);
	loop_del(daemon_loop, vp->conn_fd);
	close(vp->conn_fd);
	vp->conn_fd = -1;
	if (vp->client)
		vhost_schedule_reconnect(vp);
}

/* One received message, applied under dpif_port_change(): the port is off the datapath meanwhile. */
struct vhost_msg_job {
	int ret;
};

static void vhost_apply_msg(struct port *port, void *arg)
{
	struct vhost_port *vp = vhost_port(port);
	struct vhost_msg_job *job = arg;

	vp->up.up = false;
	job->ret = vu_dev_process(&vp->dev, &vp->msg, &vp->reply);
	if (job->ret >= 0)
		vhost_refresh(vp);
}

static void vhost_deadline_expired(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct vhost_port *vp = opaque;
	char what[96], why[160];

	(void)l;
	(void)fd;
	(void)events;
	vhost_deadline_stop(vp);
	vu_dev_progress(&vp->dev, what, sizeof(what));
	snprintf(why, sizeof(why), "missed the %d s deadline; %s", VHOST_DEADLINE_MS / 1000, what);
	log_warn_rl(&vp->up.ctl_rl, "port %s/%s: front-end %s", vp->up.net_name, vp->up.name, why);
	vhost_disconnect(vp, why);
}

/*
 * A connection is idle, or has one deadline: from a message's first byte,
 * or from a reply the socket did not take (@restart), to its end.
 */
static void vhost_deadline_update(struct vhost_port *vp, bool restart)
{
	if (vu_dev_idle(&vp->dev) || restart)
		vhost_deadline_stop(vp);
	if (vu_dev_idle(&vp->dev) || vp->deadline_timer >= 0)
		return;
	vp->deadline_timer = loop_timer_add(daemon_loop, VHOST_DEADLINE_MS, 0,
					    vhost_deadline_expired, vp);
	if (vp->deadline_timer < 0)
		log_err("port %s/%s: cannot arm the message deadline: %s", vp->up.net_name,
			vp->up.name, strerror(-vp->deadline_timer));
}

/*
 * The socket is readable: take what it has of the message (nothing waits
 * for the rest) and handle the message once whole. A reply the socket does
 * not take is kept, and the connection then waits to be writable instead.
 */
static void vhost_conn_ready(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct vhost_port *vp = opaque;
	bool flushing = vu_dev_reply_kept(&vp->dev);
	char why[160];
	int ret;

	(void)events;
	vp->dev.err[0] = '\0';
	if (flushing) {
		ret = vu_dev_flush(&vp->dev);
		if (ret == 0)
			loop_mod(l, fd, EPOLLIN);
	} else {
		ret = vu_dev_recv(&vp->dev, &vp->msg);
	}
	if (!flushing && ret == 0) {
		struct vhost_msg_job job;

		/* Take the port off the datapath while the message changes rings or memory. */
		dpif_port_change(&vp->up, vhost_apply_msg, &job);
		ret = vu_dev_reply(&vp->dev, &vp->msg, &vp->reply, job.ret);
		if (ret == -EAGAIN)
			loop_mod(l, fd, EPOLLOUT);
	}
	if (ret >= 0 || ret == -EAGAIN) {
		vhost_deadline_update(vp, !flushing && vu_dev_reply_kept(&vp->dev));
		return;
	}
	if (ret == -ECONNRESET) {
		snprintf(why, sizeof(why), "connection closed");
	} else {
		snprintf(why, sizeof(why), "protocol error: %s", vp->dev.err[0] ? vp->dev.err : strerror(-ret));
		log_warn_rl(&vp->up.ctl_rl, "port %s/%s: %s", vp->up.net_name, vp->up.name, why);
	}
	vhost_disconnect(vp, why);
}

/* Take a connected socket, non-blocking: no peer may hold up the control thread. */
static int vhost_attach_conn(struct vhost_port *vp, int fd)
{
	struct vu_config cfg = { .mtu = 1500 };
	int flags = fcntl(fd, F_GETFL);
	int ret;

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (vp->has_mac)
		memcpy(cfg.mac, vp->mac, 6);
	ret = loop_add(daemon_loop, fd, EPOLLIN, vhost_conn_ready, vp);
	if (ret) {
		close(fd);
		return ret;
	}
	vp->conn_fd = fd;
	vu_dev_init(&vp->dev, fd, &cfg);
	log_info("port %s/%s: front-end connected", vp->up.net_name, vp->up.name);
	return 0;
}

static void vhost_accept(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct vhost_port *vp = opaque;
	int conn;

	(void)l;
	(void)events;
	conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return;
	if (vp->conn_fd >= 0) {
		log_warn_rl(&vp->up.ctl_rl, "port %s/%s: refusing a second front-end on %s",
			    vp->up.net_name, vp->up.name, vp->path);
		close(conn);
		return;
	}
	vhost_attach_conn(vp, conn);
}

static int vhost_try_connect(struct vhost_port *vp)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, ret;

	memcpy(addr.sun_path, vp->path, sizeof(vp->path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return vhost_attach_conn(vp, fd);
}

static void vhost_reconnect_timer(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct vhost_port *vp = opaque;
	int ret;

	(void)fd;
	(void)events;
	loop_timer_del(l, vp->reconnect_timer);
	vp->reconnect_timer = -1;
	ret = vhost_try_connect(vp);
	if (ret == 0) {
		vp->reported_connect_failure = false;
		return;
	}
	if (!vp->reported_connect_failure) {
		log_info("port %s/%s: cannot connect to %s (%s); retrying every second",
			 vp->up.net_name, vp->up.name, vp->path, strerror(-ret));
		vp->reported_connect_failure = true;
	}
	snprintf(vp->up.error, sizeof(vp->up.error), "cannot connect to %s: %s", vp->path, strerror(-ret));
	vhost_schedule_reconnect(vp);
}

static void vhost_schedule_reconnect(struct vhost_port *vp)
{
	if (vp->reconnect_timer >= 0)
		return;
	vp->reconnect_timer = loop_timer_add(daemon_loop, VHOST_RECONNECT_MS, 0,
					     vhost_reconnect_timer, vp);
	if (vp->reconnect_timer < 0)
		log_err("port %s/%s: cannot arm reconnect timer: %s", vp->up.net_name,
			vp->up.name, strerror(-vp->reconnect_timer));
}

static int vhost_listen(struct vhost_port *vp, char *err, size_t err_size)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, ret;

	/* Replace a stale socket, never another kind of file. */
	if (lstat(vp->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, err_size, "'%s' exists and is not a socket", vp->path);
			return -EEXIST;
		}
		unlink(vp->path);
	}
	memcpy(addr.sun_path, vp->path, sizeof(vp->path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 4) < 0) {
		ret = -errno;
		snprintf(err, err_size, "cannot listen on '%s': %s", vp->path, strerror(errno));
		close(fd);
		return ret;
	}
	chmod(vp->path, 0660);
	ret = loop_add(daemon_loop, fd, EPOLLIN, vhost_accept, vp);
	if (ret) {
		close(fd);
		unlink(vp->path);
		snprintf(err, err_size, "cannot watch '%s': %s", vp->path, strerror(-ret));
		return ret;
	}
	vp->listen_fd = fd;
	return 0;
}

static int vhost_create(const struct port_spec *spec, struct port **portp, char *err, size_t err_size)
{
	const char *path = json_string_value(json_object_get(spec->params, "socket"));
	const char *mac = json_string_value(json_object_get(spec->params, "mac"));
	json_t *client = json_object_get(spec->params, "client");
	struct vhost_port *vp;
	int ret;

	if (!path) {
		snprintf(err, err_size, "a vhost-user port needs a socket path");
		return -EINVAL;
	}
	if (!path[0] || strlen(path) >= sizeof(vp->path)) {
		snprintf(err, err_size, "socket path '%s' is empty or longer than %zu bytes",
			 path, sizeof(vp->path) - 1);
		return -EINVAL;
	}
	if (client && !json_is_boolean(client)) {
		snprintf(err, err_size, "'client' must be true or false");
		return -EINVAL;
	}

	vp = calloc(1, sizeof(*vp));
	if (!vp)
		return -ENOMEM;
	port_init(&vp->up, &vhost_port_class, spec);
	memcpy(vp->path, path, strlen(path) + 1);	/* length checked above */
	vp->client = client && json_is_true(client);
	vp->listen_fd = vp->conn_fd = vp->reconnect_timer = vp->deadline_timer = -1;
	if (mac) {
		if (mac_parse(mac, vp->mac) || !mac_is_unicast(vp->mac)) {
			snprintf(err, err_size, "invalid MAC address '%s'", mac);
			ret = -EINVAL;
			goto err_free;
		}
		vp->has_mac = true;
		memcpy(vp->up.mac, vp->mac, 6);
		vp->up.has_mac = true;
	}
	vu_dev_init(&vp->dev, -1, &(struct vu_config){ .mtu = 1500 });
	if (memguard_watch(&vp->dev.mem))
		log_warn("port %s/%s: too many vhost-user ports to guard against shrinking guest memory",
			 spec->net_name, spec->name);
	snprintf(vp->up.error, sizeof(vp->up.error), "waiting for a front-end");

	if (vp->client) {
		if (vhost_try_connect(vp) < 0)
			vhost_schedule_reconnect(vp);
	} else {
		ret = vhost_listen(vp, err, err_size);
		if (ret)
			goto err_free;
	}
	*portp = &vp->up;
	return 0;

err_free:
	memguard_unwatch(&vp->dev.mem);
	free(vp);
	return ret;
}

static void vhost_destroy(struct port *port, bool remove)
{
	struct vhost_port *vp = vhost_port(port);

	if (!vp)
		return;
	if (vp->conn_fd >= 0) {
		loop_del(daemon_loop, vp->conn_fd);
		close(vp->conn_fd);
	}
	vhost_deadline_stop(vp);
	memguard_unwatch(&vp->dev.mem);
	vu_dev_reset(&vp->dev);
	/* A listening socket goes either way: a restart listens afresh. */
	(void)remove;
	if (vp->listen_fd >= 0) {
		loop_del(daemon_loop, vp->listen_fd);
		close(vp->listen_fd);
		unlink(vp->path);
	}
	loop_timer_del(daemon_loop, vp->reconnect_timer);
	free(vp);
}

static void vhost_reset(struct port *port)
{
	vhost_disconnect(vhost_port(port), "guest broke the virtqueue rules");
}

static void vhost_describe(const struct port *port, json_t *obj)
{
	const struct vhost_port *vp = (const struct vhost_port *)port;
	char mac[MAC_TEXT_SIZE];

	json_object_set_new(obj, "socket", json_string(vp->path));
	json_object_set_new(obj, "client", json_boolean(vp->client));
	json_object_set_new(obj, "connected", json_boolean(vp->conn_fd >= 0));
	if (vp->has_mac) {
		mac_format(vp->mac, mac);
		json_object_set_new(obj, "mac", json_string(mac));
	}
	if (vp->conn_fd >= 0)
		json_object_set_new(obj, "features", json_integer((json_int_t)vp->dev.features));
}

/* Start loading the cache lines from @p to @p + @len (at most the first two). */
static inline void vhost_prefetch_frame(const uint8_t *p, size_t len)
{
	__builtin_prefetch(p);
	if (len > 64)
		__builtin_prefetch(p + 64);
}

/*
 * A chain from the guest with no frame to forward in it goes back at once,
 * empty. Chains are used in the order the guest made them available (we
 * offer VIRTIO_F_IN_ORDER, and DPDK's driver then reads used entries by
 * position): while frames of this burst are still out, it is left in the
 * ring for the next burst, which returns it first.
 * Return: true if the burst ends here.
 */
static bool vhost_rx_reject(struct vhost_port *vp, struct vq *vq, uint16_t head, int n,
			    enum drop_reason why)
{
	if (n > 0) {
		vq_unpop(vq, 1);
		return true;
	}
	vq_push(vq, head, 0);
	vp->rx_pushed = true;
	port_count_drop(&vp->up.stats, why);
	return false;
}

/*
 * Guest transmit queue -> frames, in two passes. The first walks the
 * chains (their descriptors prefetched as one batch) and starts loading
 * each frame's first bytes; the second copies the headers out. Frame
 * headers written by a guest on another CPU are cache misses: issued
 * together they cost about one memory latency per burst, where reading
 * each right after its chain would cost one per frame.
 */
static int vhost_rx_burst(struct port *port, struct dp_pkt *pkts, int max)
{
	struct vhost_port *vp = vhost_port(port);
	struct vq *vq = &vp->dev.vqs[VU_TXQ];
	struct vq_elem *e = &vp->elem;
	const uint8_t *head_at[DP_BURST];
	int n = 0, i, ret, avail;

	if (vhost_mem_faulted(vp))
		return 0;
	if (vp->notify_on) {
		vq_set_notify(vq, false);
		vp->notify_on = false;
	}
	if (max > DP_BURST)
		max = DP_BURST;
	/*
	 * Read the guest's avail index once per burst, as DPDK's vhost does: a
	 * second look after a short burst mostly finds nothing and takes the
	 * cache line away from the guest while it is writing the next chains.
	 * A bad index (< 0) is left for vq_pop() to report.
	 */
	avail = vq_prefetch(vq, (unsigned int)max);
	if (avail == 0)
		return 0;
	if (avail > 0 && avail < max)
		max = avail;
	/* rx_done() writes a used entry per chain: start taking those lines now. */
	vq_prefetch_used(vq, (unsigned int)max);
	while (n < max) {
		struct dp_pkt *pkt = &pkts[n];
		int niov;

		ret = vq_pop(vq, e);
		if (ret == 0)
			break;
		if (ret == -E2BIG) {
			if (vhost_rx_reject(vp, vq, e->head, n, DROP_TOO_BIG))
				break;
			continue;
		}
		if (ret < 0) {
			vhost_break(vp, "transmit descriptor chain", ret);
			port_count_drop(&port->stats, DROP_GUEST_ERROR);
			break;
		}
		if (e->n_in || e->out_size < VNET_HDR_SIZE + ETH_HDR_SIZE) {
			if (vhost_rx_reject(vp, vq, e->head, n, DROP_MALFORMED))
				break;
			continue;
		}
		if (e->out_size - VNET_HDR_SIZE > DP_MAX_FRAME) {
			if (vhost_rx_reject(vp, vq, e->head, n, DROP_TOO_BIG))
				break;
			continue;
		}
		if (e->iov[0].iov_len >= VNET_HDR_SIZE + ETH_HDR_SIZE) {
			/* The usual layout: header and frame in one buffer; copied in pass two. */
			head_at[n] = e->iov[0].iov_base;
			vhost_prefetch_frame(head_at[n], e->iov[0].iov_len);
		} else {
			head_at[n] = NULL;
			vq_iov_copy_from(&pkt->hdr, e->iov, e->n_out, 0, VNET_HDR_SIZE);
			vq_iov_copy_from(pkt->eth, e->iov, e->n_out, VNET_HDR_SIZE, ETH_HDR_SIZE);
		}
		niov = iov_slice(pkt->iov, DP_MAX_IOV, e->iov, e->n_out, VNET_HDR_SIZE + ETH_HDR_SIZE);
		if (niov < 0) {
			if (vhost_rx_reject(vp, vq, e->head, n, DROP_TOO_BIG))
				break;
			continue;
		}
		pkt->niov = (uint16_t)niov;
		pkt->size = e->out_size - VNET_HDR_SIZE;
		pkt->cookie = e->head;
		n++;
	}
	for (i = 0; i < n; i++) {
		if (!head_at[i])
			continue;
		memcpy(&pkts[i].hdr, head_at[i], VNET_HDR_SIZE);
		memcpy(pkts[i].eth, head_at[i] + VNET_HDR_SIZE, ETH_HDR_SIZE);
	}
	return n;
}

static void vhost_rx_done(struct port *port, struct dp_pkt *pkts, int count)
{
	struct vhost_port *vp = vhost_port(port);
	struct vq *vq = &vp->dev.vqs[VU_TXQ];
	int i;

	if (!count && port_is_broken(port))
		return;
	for (i = 0; i < count; i++)
		vq_push(vq, pkts[i].cookie, 0);
	if (count || vp->rx_pushed)
		vq_flush(vq);
	vp->rx_pushed = false;
	/* Forwarding read these frames' payloads: did the guest's memory vanish under them? */
	vhost_mem_faulted(vp);
}

static bool vhost_rx_idle(struct port *port)
{
	struct vhost_port *vp = vhost_port(port);
	struct vq *vq = &vp->dev.vqs[VU_TXQ];
	int avail;

	if (port_is_broken(port))
		return false;
	vq_set_notify(vq, true);
	vp->notify_on = true;
	/* The guest may have queued frames before it saw notifications back on. */
	avail = vq_avail(vq);
	if (avail < 0) {
		vhost_break(vp, "transmit ring index", avail);
		port_count_drop(&port->stats, DROP_GUEST_ERROR);
		return false;
	}
	return avail > 0;
}

/* Return to the ring the chains a frame took and did not use: @nresv reserved, then @nfresh popped. */
static void vhost_rx_giveback(struct vhost_port *vp, struct vq *vq, uint16_t nresv, uint16_t nfresh)
{
	vq_unpop(vq, nfresh);
	vp->resv_next -= nresv;
}

/*
 * Write a receive buffer's virtio-net header unless it holds these bytes
 * already, as DPDK's vhost and virtio drivers do. A driver that recycles its
 * buffers mostly finds the header it last sent from them, or one of ours,
 * still there. Skipping the store keeps that cache line shared with the
 * guest's CPU: no wait to take it over here, and no wait in the guest to
 * fetch it back. That saves one of the two lines per small frame that must
 * otherwise cross between CPUs. The spec lets a device read a writable
 * buffer (a SHOULD NOT, and the guest loses nothing by it); the compare
 * only decides whether to store.
 */
static inline void vhost_hdr_store(void *dst, const struct virtio_net_hdr_v1 *hdr)
{
	if (memcmp(dst, hdr, VNET_HDR_SIZE) != 0)
		memcpy(dst, hdr, VNET_HDR_SIZE);
}

/* Frame -> guest receive queue, copied once. */
static int vhost_tx(struct port *port, const struct dp_pkt *pkt)
{
	struct vhost_port *vp = vhost_port(port);
	struct vq *vq = &vp->dev.vqs[VU_RXQ];
	struct vq_elem *e = &vp->elem;
	struct iovec src[DP_MAX_IOV + 2];
	struct virtio_net_hdr_v1 hdr = pkt->hdr;
	struct iov_cursor cur;
	size_t total = VNET_HDR_SIZE + pkt->size, done = 0;
	uint8_t *num_buffers_at = NULL;
	uint16_t nbufs = 0, from_resv = 0, k;
	int ret;

	if (!(port->rx_offloads & OFFLOAD_CSUM))
		hdr.flags &= (uint8_t)~VIRTIO_NET_HDR_F_DATA_VALID;
	hdr.num_buffers = 1;

	src[0].iov_base = &hdr;
	src[0].iov_len = VNET_HDR_SIZE;
	src[1].iov_base = (void *)pkt->eth;
	src[1].iov_len = ETH_HDR_SIZE;
	memcpy(&src[2], pkt->iov, pkt->niov * sizeof(struct iovec));
	iov_cursor_init(&cur, src, pkt->niov + 2u);

	while (done < total) {
		struct iovec *iov, one;
		unsigned int niov;
		uint16_t head;
		size_t copied;

		if (nbufs == VHOST_MAX_RX_BUFS || (nbufs && !vp->mrg_rxbuf)) {
			vhost_rx_giveback(vp, vq, from_resv, nbufs - from_resv);
			return -DROP_TOO_BIG;
		}
		if (vp->resv_next < vp->nresv) {
			const struct vhost_rx_buf *b = &vp->resv[vp->resv_next++];

			one.iov_base = b->base;
			one.iov_len = b->len;
			iov = &one;
			niov = 1;
			head = b->head;
			from_resv++;
		} else {
			ret = vq_pop(vq, e);
			if (ret == 0) {
				vhost_rx_giveback(vp, vq, from_resv, nbufs - from_resv);
				return -DROP_NO_BUFFERS;
			}
			if (ret < 0 || e->n_out || !e->in_size) {
				vhost_break(vp, "receive descriptor chain", ret < 0 ? ret : -EINVAL);
				return -DROP_GUEST_ERROR;
			}
			iov = e->iov;
			niov = e->n_in;
			head = e->head;
		}
		copied = 0;
		if (nbufs == 0 && iov[0].iov_len >= VNET_HDR_SIZE) {
			/*
			 * The usual case: the header fits in the first segment.
			 * It is stored on its own, and the frame copied after it.
			 * (iov is this call's own copy of the segments.)
			 * num_buffers sits in it; patched at the end.
			 */
			num_buffers_at = (uint8_t *)iov[0].iov_base +
					 offsetof(struct virtio_net_hdr_v1, num_buffers);
			vhost_hdr_store(iov[0].iov_base, &hdr);
			iov[0].iov_base = (uint8_t *)iov[0].iov_base + VNET_HDR_SIZE;
			iov[0].iov_len -= VNET_HDR_SIZE;
			iov_cursor_init(&cur, src + 1, pkt->niov + 1u);
			copied = VNET_HDR_SIZE;
		}
		copied += iov_cursor_copy_out(&cur, iov, niov, total - done - copied);
		vp->heads[nbufs] = head;
		vp->lens[nbufs] = (uint32_t)copied;
		nbufs++;
		if (nbufs == 1 && copied < VNET_HDR_SIZE) {
			/* The header itself must fit in the first buffer. */
			vhost_rx_giveback(vp, vq, from_resv, nbufs - from_resv);
			return -DROP_TOO_BIG;
		}
		done += copied;
	}
	if (nbufs > 1) {
		uint16_t le = htole16(nbufs);

		if (!num_buffers_at) {
			/* A first buffer split before the header end: rare, so give back and drop. */
			vhost_rx_giveback(vp, vq, from_resv, nbufs - from_resv);
			return -DROP_TOO_BIG;
		}
		memcpy(num_buffers_at, &le, sizeof(le));
	}
	for (k = 0; k < nbufs; k++)
		vq_push(vq, vp->heads[k], vp->lens[k]);
	return 0;
}

/*
 * Start fetching a receive buffer about to be written: the lines the frame
 * starts in, for writing, and the header's line, if it is another one,
 * for reading (vhost_hdr_store() mostly leaves it as it is).
 */
static inline void vhost_prefetch_rx_buf(uint8_t *p, uint32_t len)
{
	if (len <= VNET_HDR_SIZE) {
		prefetch_w(p);
		return;
	}
	if ((((uintptr_t)p ^ (uintptr_t)(p + VNET_HDR_SIZE)) & ~(uintptr_t)63) != 0)
		__builtin_prefetch(p);
	prefetch_w(p + VNET_HDR_SIZE);
	if (len >= VNET_HDR_SIZE + 64)
		prefetch_w(p + VNET_HDR_SIZE + 63);
}

/*
 * @n frames are about to be sent: pop a receive chain for each now, as
 * DPDK's vhost does, and start taking their first cache lines for writing.
 * The guest's driver last wrote those buffers on its own CPU; a store that
 * misses waits there, and every later store queues behind it, so fetching
 * them together, before the copies, saves a wait per frame. Only plain
 * one-segment chains are reserved; anything else is left to tx().
 */
static void vhost_tx_prepare(struct port *port, unsigned int n)
{
	struct vhost_port *vp = vhost_port(port);
	struct vq *vq = &vp->dev.vqs[VU_RXQ];
	struct vq_elem *e = &vp->elem;

	if (vhost_mem_faulted(vp) || vp->resv_next < vp->nresv)
		return;
	vp->nresv = vp->resv_next = 0;
	if (n > DP_BURST)
		n = DP_BURST;
	if (vq_prefetch(vq, n) <= 0)
		return;
	vq_prefetch_used(vq, n);
	while (vp->nresv < n) {
		struct vhost_rx_buf *b;
		int ret = vq_pop(vq, e);

		if (ret == 0)
			break;
		if (ret < 0 || e->n_out || e->n_in != 1 || !e->in_size) {
			/* tx() pops it again and deals with it (or breaks the port). */
			if (ret == 1 || ret == -E2BIG)
				vq_unpop(vq, 1);
			break;
		}
		b = &vp->resv[vp->nresv++];
		b->base = e->iov[0].iov_base;
		b->len = (uint32_t)e->iov[0].iov_len;
		b->head = e->head;
		vhost_prefetch_rx_buf(b->base, b->len);
	}
}

static void vhost_tx_flush(struct port *port)
{
	struct vhost_port *vp = vhost_port(port);
	struct vq *vq = &vp->dev.vqs[VU_RXQ];

	/* Reserved chains no frame used go back, unpushed, for the next burst. */
	vq_unpop(vq, vp->nresv - vp->resv_next);
	vp->nresv = vp->resv_next = 0;
	if (!vhost_mem_faulted(vp) && !port_is_broken(port))
		vq_flush(vq);
}

const struct port_class vhost_port_class = {
	.type = "vhost-user",
	.create = vhost_create,
	.destroy = vhost_destroy,
	.describe = vhost_describe,
	.rx_burst = vhost_rx_burst,
	.rx_done = vhost_rx_done,
	.rx_idle = vhost_rx_idle,
	.tx = vhost_tx,
	.tx_prepare = vhost_tx_prepare,
	.tx_flush = vhost_tx_flush,
	.reset = vhost_reset,
};
