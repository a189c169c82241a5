// SPDX-License-Identifier: GPL-2.0-or-later
/* qmp.c - a small QMP client (see qmp.h). */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "qmp.h"

#define QMP_MAX_LINE	(1 << 20)

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Read the next JSON line. Return: 0 with *msg set, or negative errno. */
static int qmp_read(struct qmp *q, json_t **msg, long long deadline)
{
	for (;;) {
		char *nl = q->used ? memchr(q->buf, '\n', q->used) : NULL;
		struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
		long long left;
		ssize_t n;

		if (nl) {
			size_t line = (size_t)(nl - q->buf) + 1;

			*msg = json_loadb(q->buf, line, 0, NULL);
			memmove(q->buf, q->buf + line, q->used - line);
			q->used -= line;
			if (*msg && json_is_object(*msg))
				return 0;
			json_decref(*msg);
			continue;
		}
		if (q->used == q->size) {
			size_t size = q->size ? q->size * 2 : 4096;
			char *grown;

			if (size > QMP_MAX_LINE)
				return -EMSGSIZE;
			grown = realloc(q->buf, size);
			if (!grown)
				return -ENOMEM;
			q->buf = grown;
			q->size = size;
		}
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		n = read(q->fd, q->buf + q->used, q->size - q->used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		q->used += (size_t)n;
	}
}

static int qmp_send(struct qmp *q, json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	size_t len, done = 0;
	int ret = 0;

	if (!text)
		return -ENOMEM;
	len = strlen(text);
	text[len++] = '\n';	/* json_dumps leaves room: replace the NUL */
	while (done < len) {
		ssize_t n = send(q->fd, text + done, len - done, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		done += (size_t)n;
	}
	free(text);
	return ret;
}

void qmp_close(struct qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	free(q->buf);
	q->buf = NULL;
	q->used = q->size = 0;
	json_decref(q->events);
	q->events = NULL;
}

int qmp_open(struct qmp *q, const char *path, int timeout_ms, char *err, size_t err_size)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	long long deadline = now_ms() + timeout_ms;
	json_t *greeting = NULL;
	int ret;

	memset(q, 0, sizeof(*q));
	q->fd = -1;
	q->events = json_array();
	if (strlen(path) >= sizeof(addr.sun_path)) {
		fmt(err, err_size, "QMP socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(addr.sun_path, path);
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (q->fd < 0 || connect(q->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		ret = -errno;
		fmt(err, err_size, "cannot connect to QMP at %s: %s", path, strerror(-ret));
		goto fail;
	}
	ret = qmp_read(q, &greeting, deadline);
	if (ret || !json_object_get(greeting, "QMP")) {
		ret = ret ?: -EPROTO;
		fmt(err, err_size, "no QMP greeting on %s: %s", path, strerror(-ret));
		goto fail;
	}
	json_decref(greeting);
	greeting = NULL;
	ret = qmp_exec(q, "qmp_capabilities", NULL, NULL, timeout_ms, err, err_size);
	if (ret)
		goto fail;
	return 0;
fail:
	json_decref(greeting);
	qmp_close(q);
	return ret;
}

int qmp_exec(struct qmp *q, const char *command, json_t *args, json_t **ret,
	     int timeout_ms, char *err, size_t err_size)
{
	static unsigned int next_id;
	long long deadline = now_ms() + timeout_ms;
	char id[32];
	json_t *msg, *reply = NULL;
	int r;

	fmt(id, sizeof(id), "vmm-%u", ++next_id);
	msg = json_pack("{s:s, s:s}", "execute", command, "id", id);
	if (args)
		json_object_set_new(msg, "arguments", args);
	r = qmp_send(q, msg);
	json_decref(msg);
	if (r) {
		fmt(err, err_size, "QMP %s: %s", command, strerror(-r));
		return r;
	}
	for (;;) {
		r = qmp_read(q, &reply, deadline);
		if (r) {
			fmt(err, err_size, "QMP %s: %s", command,
				 r == -ETIMEDOUT ? "no answer in time" : strerror(-r));
			return r;
		}
		if (json_object_get(reply, "event")) {
			json_array_append_new(q->events, reply);
			continue;
		}
		if (strcmp(json_string_value(json_object_get(reply, "id")) ?: "", id)) {
			json_decref(reply);
			continue;
		}
		break;
	}
	if (json_object_get(reply, "error")) {
		const char *desc = json_string_value(json_object_get(
			json_object_get(reply, "error"), "desc"));

		fmt(err, err_size, "%s", desc ? desc : "QEMU reported an error");
		json_decref(reply);
		return -EIO;
	}
	if (ret)
		*ret = json_incref(json_object_get(reply, "return"));
	json_decref(reply);
	return 0;
}

static bool event_matches(json_t *ev, const char *name, const char *device)
{
	const char *dev;

	if (strcmp(json_string_value(json_object_get(ev, "event")) ?: "", name))
		return false;
	if (!device)
		return true;
	dev = json_string_value(json_object_get(json_object_get(ev, "data"), "device"));
	return dev && !strcmp(dev, device);
}

int qmp_wait_event(struct qmp *q, const char *name, const char *device, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	json_t *ev;
	size_t i;
	int r;

	json_array_foreach(q->events, i, ev) {
		if (event_matches(ev, name, device)) {
			json_array_remove(q->events, i);
			return 0;
		}
	}
	for (;;) {
		r = qmp_read(q, &ev, deadline);
		if (r)
			return r;
		if (event_matches(ev, name, device)) {
			json_decref(ev);
			return 0;
		}
		if (json_object_get(ev, "event"))
			json_array_append_new(q->events, ev);
		else
			json_decref(ev);
	}
}
