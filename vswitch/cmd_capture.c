// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_capture.c - capture's control side: capture.start, capture.stop and
 * capture.list, and the registry of sessions the control thread runs.
 *
 * A session (capture.c) is started here, handed to the datapath through
 * dpif, and ended in one of two ways. The control thread ends it
 * (capture.stop, the client disconnected, the network or port is gone,
 * shutdown): it takes the session off the datapath, then asks the writer
 * to finish what is queued. Or the writer ends it (count reached, reader
 * gone, write error). Either way the writer's last act is to signal
 * done_fd, and the control thread joins it, closes the output (a pipe's
 * reader sees end of file), sends the client the capture.end event with
 * the final counters, and frees it. Sessions name their network and port
 * by uid; a timer, armed only while sessions exist, ends those whose
 * network or port is gone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "capture.h"
#include "capture_bpf.h"
#include "cmd_handlers.h"
#include "ctl.h"
#include "dpif.h"
#include "log.h"
#include "loop.h"
#include "network.h"
#include "param.h"

#define CAPTURE_CHECK_MS	1000	/* how often to look for deleted networks and ports */

struct capture_entry {
	struct capture_session *s;
	uint32_t id;
	int conn_fd;			/* the requesting connection, -1 once closed */
	bool detached;			/* no longer offered frames */
	char net_name[NET_NAME_MAX];
	char port_name[PORT_NAME_MAX];
	struct capture_entry *next;
};

static struct capture_entry *entries;
static unsigned int nentries;
static uint32_t next_id;
static struct loop *ctl_loop;
static int done_fd = -1;
static int check_timer = -1;

static void entry_detach(struct capture_entry *e)
{
	if (e->detached)
		return;
	dpif_capture_detach(e->s);
	e->detached = true;
}

/* End @e for @reason: no more frames; the writer finishes what is queued. */
static void entry_end(struct capture_entry *e, enum capture_end reason)
{
	entry_detach(e);
	capture_session_end(e->s, reason);
}

static json_t *entry_json(const struct capture_entry *e)
{
	const struct capture_spec *spec = capture_session_spec(e->s);
	struct capture_stats st;
	json_t *obj;

	capture_session_stats(e->s, &st);
	obj = json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:I, s:I, s:I, s:I}",
			"capture", (json_int_t)e->id, "net", e->net_name,
			"direction", capture_direction_name(spec->directions),
			"snaplen", (json_int_t)spec->snaplen, "count", (json_int_t)spec->count,
			"filter", spec->filter, "buffer_size", (json_int_t)spec->buffer_size,
			"captured", (json_int_t)st.captured, "dropped", (json_int_t)st.dropped,
			"matched", (json_int_t)st.matched);
	if (obj && e->port_name[0])
		json_object_set_new(obj, "port", json_string(e->port_name));
	return obj;
}

static void check_timer_update(void);

/* The writer has finished: join it, close the output, tell the client, free. */
static void entry_finish(struct capture_entry *e)
{
	struct capture_entry **pp;
	enum capture_end reason;
	struct capture_stats st;
	json_t *event, *params;
	int write_errno = 0;

	entry_detach(e);
	reason = capture_session_join(e->s, &write_errno);
	capture_session_stats(e->s, &st);
	log_info("capture %u on %s%s%s ended (%s): %" PRIu64 " captured",
		 e->id, e->net_name, e->port_name[0] ? "/" : "", e->port_name,
		 capture_end_name(reason), st.captured);
	if (e->conn_fd >= 0) {
		params = entry_json(e);
		if (params) {
			json_object_set_new(params, "reason", json_string(capture_end_name(reason)));
			if (reason == CAPTURE_END_WRITE_ERROR)
				json_object_set_new(params, "error", json_string(strerror(write_errno)));
		}
		event = params ? json_pack("{s:s, s:o}", "event", "capture.end", "params", params) : NULL;
		if (event)
			ctl_send(e->conn_fd, event, NULL, 0);
		json_decref(event);
	}
	for (pp = &entries; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	}
	nentries--;
	capture_session_free(e->s);
	free(e);
	check_timer_update();
}

static void on_writer_done(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct capture_entry *e, *next;

	(void)l;
	(void)events;
	(void)opaque;
	eventfd_drain(fd);
	for (e = entries; e; e = next) {
		next = e->next;
		if (capture_session_done(e->s))
			entry_finish(e);
	}
}

static bool port_uid_exists(const struct network *net, uint64_t uid)
{
	unsigned int i;

	for (i = 0; i < NET_MAX_PORTS; i++)
		if (net->ports[i] && net->ports[i]->uid == uid)
			return true;
	return false;
}

/* End sessions whose network or port was deleted. */
static void on_check(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct capture_entry *e;

	(void)l;
	(void)fd;
	(void)events;
	(void)opaque;
	for (e = entries; e; e = e->next) {
		const struct capture_spec *spec = capture_session_spec(e->s);
		struct network *net;

		if (e->detached)
			continue;
		net = net_find_uid(spec->net_uid);
		if (!net || (spec->port_uid && !port_uid_exists(net, spec->port_uid)))
			entry_end(e, CAPTURE_END_REMOVED);
	}
}

static void check_timer_update(void)
{
	if (!ctl_loop)
		return;
	if (entries && check_timer < 0) {
		check_timer = loop_timer_add(ctl_loop, CAPTURE_CHECK_MS, CAPTURE_CHECK_MS,
					     on_check, NULL);
	} else if (!entries && check_timer >= 0) {
		loop_timer_del(ctl_loop, check_timer);
		check_timer = -1;
	}
}

int capture_ctl_init(struct loop *loop)
{
	done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (done_fd < 0)
		return -errno;
	if (loop_add(loop, done_fd, EPOLLIN, on_writer_done, NULL)) {
		close(done_fd);
		done_fd = -1;
		return -ENOMEM;
	}
	ctl_loop = loop;
	return 0;
}

void capture_ctl_shutdown(void)
{
	struct capture_entry *e;

	for (e = entries; e; e = e->next)
		entry_end(e, CAPTURE_END_SHUTDOWN);
	while (entries)
		entry_finish(entries);
	if (check_timer >= 0)
		loop_timer_del(ctl_loop, check_timer);
	check_timer = -1;
	if (done_fd >= 0) {
		loop_del(ctl_loop, done_fd);
		close(done_fd);
	}
	done_fd = -1;
	ctl_loop = NULL;
}

void capture_ctl_conn_closed(int conn_fd)
{
	struct capture_entry *e;

	for (e = entries; e; e = e->next) {
		if (e->conn_fd != conn_fd)
			continue;
		e->conn_fd = -1;
		entry_end(e, CAPTURE_END_CLIENT_GONE);
	}
}

/* Check capture.start's parameters into @spec, naming the network and port. */
static int parse_start(json_t *params, struct capture_spec *spec, struct network **netp,
		       struct port **portp, char *err, size_t err_size)
{
	const char *net_name = NULL, *port_name = NULL, *direction = NULL;
	uint64_t snaplen = CAPTURE_SNAPLEN_MAX, buffer = CAPTURE_BUFFER_DEFAULT;
	int ret;

	memset(spec, 0, sizeof(*spec));
	ret = param_string(params, "net", true, &net_name, err, err_size);
	if (!ret)
		ret = param_string(params, "port", false, &port_name, err, err_size);
	if (!ret)
		ret = param_string(params, "direction", false, &direction, err, err_size);
	if (!ret)
		ret = param_string(params, "filter", false, &spec->filter, err, err_size);
	if (!ret)
		ret = param_u64(params, "snaplen", 1, CAPTURE_SNAPLEN_MAX, &snaplen, err, err_size);
	if (!ret)
		ret = param_u64(params, "count", 0, UINT32_MAX, &spec->count, err, err_size);
	if (!ret)
		ret = param_u64(params, "buffer_size", CAPTURE_BUFFER_MIN, CAPTURE_BUFFER_MAX,
				&buffer, err, err_size);
	if (ret)
		return ret;
	spec->snaplen = (uint32_t)snaplen;
	spec->buffer_size = (size_t)buffer;

	*netp = net_find(net_name);
	if (!*netp) {
		snprintf(err, err_size, "network '%s' not found", net_name);
		return -ENOENT;
	}
	*portp = NULL;
	if (port_name) {
		*portp = net_port_by_name(*netp, port_name);
		if (!*portp) {
			snprintf(err, err_size, "port '%s' not found in network '%s'", port_name,
				 net_name);
			return -ENOENT;
		}
	}
	spec->net_uid = (*netp)->uid;
	spec->port_uid = *portp ? (*portp)->uid : 0;
	/* A port defaults to both ways; a network to each frame once, as it enters. */
	spec->directions = *portp ? CAPTURE_BOTH : CAPTURE_IN;
	if (direction) {
		if (!strcmp(direction, "in"))
			spec->directions = CAPTURE_IN;
		else if (!strcmp(direction, "out"))
			spec->directions = CAPTURE_OUT;
		else if (!strcmp(direction, "both"))
			spec->directions = CAPTURE_BOTH;
		else {
			snprintf(err, err_size, "invalid direction '%s': expected in, out or both",
				 direction);
			return -EINVAL;
		}
	}
	return 0;
}

CMD_HANDLER(cmd_capture_start)
{
	struct capture_entry *e;
	struct capture_spec spec;
	struct network *net;
	struct port *port;
	int ret, flags;

	ret = parse_start(req->params, &spec, &net, &port, err, err_size);
	if (ret)
		return ret;
	if (json_is_true(json_object_get(req->params, "check"))) {
		/* Only validate, so a client opens its output after knowing it will be used. */
		struct bpf_program prog;

		if (spec.filter && spec.filter[0]) {
			ret = cbpf_compile(spec.filter, spec.snaplen, &prog, err, err_size);
			if (ret)
				return ret;
			pcap_freecode(&prog);
		}
		*result = json_object();
		return 0;
	}
	if (req->nfds != 1) {
		snprintf(err, err_size, "capture.start needs one file descriptor, the output, passed with the request (got %d)",
			 req->nfds);
		return -EINVAL;
	}
	flags = fcntl(req->fds[0], F_GETFL);
	if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY) {
		snprintf(err, err_size, "the output descriptor is not open for writing");
		return -EBADF;
	}
	if (req->conn_fd <= 0) {
		snprintf(err, err_size, "capture.start needs a control connection to live on");
		return -EINVAL;
	}
	if (!ctl_loop) {
		snprintf(err, err_size, "capture is not available");
		return -ENOTSUP;
	}
	if (nentries >= CAPTURE_MAX_SESSIONS) {
		snprintf(err, err_size, "too many captures running (at most %d)", CAPTURE_MAX_SESSIONS);
		return -EBUSY;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	ret = capture_session_new(&spec, req->fds[0], &e->s, err, err_size);
	if (ret) {
		free(e);
		return ret;
	}
	req->fds[0] = -1;
	e->id = ++next_id;
	e->conn_fd = req->conn_fd;
	snprintf(e->net_name, sizeof(e->net_name), "%s", net->name);
	if (port)
		snprintf(e->port_name, sizeof(e->port_name), "%s", port->name);
	ret = capture_session_start(e->s, done_fd);
	if (ret) {
		snprintf(err, err_size, "cannot start the capture writer: %s", strerror(-ret));
		capture_session_free(e->s);
		free(e);
		return ret;
	}
	*result = entry_json(e);
	e->next = entries;
	entries = e;
	nentries++;
	dpif_capture_attach(e->s);
	check_timer_update();
	log_info("capture %u on %s%s%s (%s, filter '%s') started", e->id, e->net_name,
		 port ? "/" : "", e->port_name, capture_direction_name(spec.directions),
		 capture_session_spec(e->s)->filter);
	return 0;
}

static struct capture_entry *entry_find(json_t *params, char *err, size_t err_size)
{
	json_t *v = json_object_get(params, "capture");
	struct capture_entry *e;

	if (!json_is_integer(v)) {
		snprintf(err, err_size, "missing or non-integer parameter 'capture'");
		return NULL;
	}
	for (e = entries; e; e = e->next)
		if (e->id == json_integer_value(v))
			return e;
	snprintf(err, err_size, "no capture %" JSON_INTEGER_FORMAT " is running", json_integer_value(v));
	return NULL;
}

CMD_HANDLER(cmd_capture_stop)
{
	struct capture_entry *e = entry_find(req->params, err, err_size);

	if (!e)
		return json_is_integer(json_object_get(req->params, "capture")) ? -ENOENT : -EINVAL;
	entry_end(e, CAPTURE_END_STOPPED);
	*result = entry_json(e);
	return 0;
}

CMD_HANDLER(cmd_capture_list)
{
	struct capture_entry *e;
	json_t *list = json_array();

	(void)req;
	(void)err;
	(void)err_size;
	for (e = entries; e; e = e->next) {
		json_t *obj = entry_json(e);

		if (obj)
			json_object_set_new(obj, "state", json_string(e->detached ? "ending" : "running"));
		json_array_append_new(list, obj);
	}
	*result = json_pack("{s:o}", "captures", list);
	return 0;
}
