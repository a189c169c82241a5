/* SPDX-License-Identifier: GPL-2.0-or-later */
/* loop.c - single-threaded epoll event loop with timerfd, signalfd and eventfd helpers. */

/*
 * Theory of operation
 *
 * Each watched fd has a heap-allocated handler, and epoll hands us the
 * handler pointer, never the fd number. A callback may delete another
 * handler whose event is still waiting later in the same batch, and may even
 * close that fd and register a new one under the same number. So deletion
 * only marks the handler dead and unhooks it from the fd table; its memory
 * stays valid (and its callback is skipped) until the batch is finished, and
 * the new registration has a different pointer that stale events cannot reach.
 */

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "loop.h"

#define LOOP_BATCH	64

struct loop_handler {
	int fd;
	bool deleted;
	bool is_timer;		/* read the expiration count before the callback */
	loop_cb cb;
	void *opaque;
	struct loop_handler *next_dead;
};

struct loop {
	int epfd;
	bool stop;
	bool dispatching;
	struct loop_handler **by_fd;	/* indexed by fd number */
	size_t by_fd_len;
	struct loop_handler *dead;	/* deleted during dispatch, freed after it */
};

/**
 * loop_new() - create a loop
 *
 * Return: the loop, or NULL with errno set.
 */
struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		int err = errno;

		free(l);
		errno = err;
		return NULL;
	}
	return l;
}

static void loop_free_dead(struct loop *l)
{
	while (l->dead) {
		struct loop_handler *h = l->dead;

		l->dead = h->next_dead;
		free(h);
	}
}

/**
 * loop_free() - free the loop and its handlers; watched fds are not closed
 * @l:	the loop, or NULL
 */
void loop_free(struct loop *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->by_fd_len; i++)
		free(l->by_fd[i]);
	free(l->by_fd);
	loop_free_dead(l);
	close(l->epfd);
	free(l);
}

static struct loop_handler *loop_lookup(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->by_fd_len)
		return NULL;
	return l->by_fd[fd];
}

/* Make by_fd[fd] addressable. */
static int loop_reserve(struct loop *l, int fd)
{
	struct loop_handler **table;
	size_t len;

	if ((size_t)fd < l->by_fd_len)
		return 0;
	len = l->by_fd_len ? l->by_fd_len : 64;
	while (len <= (size_t)fd)
		len *= 2;
	table = realloc(l->by_fd, len * sizeof(*table));
	if (!table)
		return -ENOMEM;
	memset(table + l->by_fd_len, 0, (len - l->by_fd_len) * sizeof(*table));
	l->by_fd = table;
	l->by_fd_len = len;
	return 0;
}

static int loop_add_handler(struct loop *l, int fd, uint32_t events, loop_cb cb,
			    void *opaque, bool is_timer)
{
	struct epoll_event ev = { .events = events };
	struct loop_handler *h;
	int rc;

	if (!l || fd < 0 || !cb)
		return -EINVAL;
	if (loop_lookup(l, fd))
		return -EEXIST;
	rc = loop_reserve(l, fd);
	if (rc)
		return rc;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->fd = fd;
	h->cb = cb;
	h->opaque = opaque;
	h->is_timer = is_timer;
	ev.data.ptr = h;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		rc = -errno;
		free(h);
		return rc;
	}
	l->by_fd[fd] = h;
	return 0;
}

/**
 * loop_add() - watch @fd for @events
 * @l:		the loop
 * @fd:		descriptor to watch (not owned)
 * @events:	EPOLLIN, EPOLLOUT, ... (EPOLLET and friends are passed through)
 * @cb:		called when @fd is ready
 * @opaque:	handed to @cb
 *
 * Return: 0, -EEXIST if already watched, or another negative errno.
 */
int loop_add(struct loop *l, int fd, uint32_t events, loop_cb cb, void *opaque)
{
	return loop_add_handler(l, fd, events, cb, opaque, false);
}

/**
 * loop_mod() - change the events watched on @fd
 * @l:		the loop
 * @fd:		a watched descriptor
 * @events:	the new event mask
 *
 * Return: 0, -ENOENT if @fd is not watched, or another negative errno.
 */
int loop_mod(struct loop *l, int fd, uint32_t events)
{
	struct loop_handler *h = loop_lookup(l, fd);
	struct epoll_event ev = { .events = events };

	if (!h)
		return -ENOENT;
	ev.data.ptr = h;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	return 0;
}

/**
 * loop_del() - stop watching @fd (does not close it)
 * @l:	the loop
 * @fd:	a watched descriptor
 *
 * Safe from any callback: the handler is never called again, and its memory
 * is released after the current batch.
 * Return: 0 or -ENOENT.
 */
int loop_del(struct loop *l, int fd)
{
	struct loop_handler *h = loop_lookup(l, fd);

	if (!h)
		return -ENOENT;
	/*
	 * Failure is ignored: the fd may already be closed, which removed it
	 * from the epoll set anyway.
	 */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	l->by_fd[fd] = NULL;
	h->deleted = true;
	if (l->dispatching) {
		h->next_dead = l->dead;
		l->dead = h;
	} else {
		free(h);
	}
	return 0;
}

static void loop_dispatch_one(struct loop *l, struct loop_handler *h, uint32_t events)
{
	if (h->deleted)
		return;
	if (h->is_timer) {
		uint64_t expirations;
		ssize_t n = read(h->fd, &expirations, sizeof(expirations));

		/* A timer re-armed or drained elsewhere may have nothing to read. */
		if (n != (ssize_t)sizeof(expirations))
			return;
	}
	h->cb(l, h->fd, events, h->opaque);
}

/**
 * loop_run() - dispatch events until loop_stop() is called
 * @l:	the loop
 *
 * Return: 0 after loop_stop(), negative errno if epoll_wait() fails.
 */
int loop_run(struct loop *l)
{
	struct epoll_event events[LOOP_BATCH];
	int i, n;

	while (!l->stop) {
		n = epoll_wait(l->epfd, events, LOOP_BATCH, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		l->dispatching = true;
		for (i = 0; i < n; i++)
			loop_dispatch_one(l, events[i].data.ptr, events[i].events);
		l->dispatching = false;
		loop_free_dead(l);
	}
	/* Clear the request so the loop can be run again. */
	l->stop = false;
	return 0;
}

/**
 * loop_stop() - make loop_run() return after the current batch
 * @l:	the loop
 *
 * Called before loop_run(), it makes the next loop_run() return after one batch.
 */
void loop_stop(struct loop *l)
{
	l->stop = true;
}

/**
 * loop_timer_add() - create a timerfd, watch it, and call @cb on every expiry
 * @l:			the loop
 * @first_ms:		delay to the first expiry (0 means @interval_ms)
 * @interval_ms:	period; 0 for a one-shot timer
 * @cb:			called after the expiration count was read
 * @opaque:		handed to @cb
 *
 * Return: the timerfd (>= 0, owned by the loop: delete it with
 * loop_timer_del()) or negative errno; -EINVAL if both times are 0.
 */
int loop_timer_add(struct loop *l, uint64_t first_ms, uint64_t interval_ms,
		   loop_cb cb, void *opaque)
{
	struct itimerspec its = { 0 };
	int fd, rc;

	if (!first_ms)
		first_ms = interval_ms;
	if (!first_ms)
		return -EINVAL;
	its.it_value.tv_sec = (time_t)(first_ms / 1000);
	its.it_value.tv_nsec = (long)(first_ms % 1000) * 1000000L;
	its.it_interval.tv_sec = (time_t)(interval_ms / 1000);
	its.it_interval.tv_nsec = (long)(interval_ms % 1000) * 1000000L;

	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		rc = -errno;
		goto err_close;
	}
	rc = loop_add_handler(l, fd, EPOLLIN, cb, opaque, true);
	if (rc)
		goto err_close;
	return fd;

err_close:
	close(fd);
	return rc;
}

/**
 * loop_timer_del() - unwatch and close a timer from loop_timer_add()
 * @l:		the loop
 * @timer_fd:	the timer, or -1
 */
void loop_timer_del(struct loop *l, int timer_fd)
{
	if (timer_fd < 0)
		return;
	loop_del(l, timer_fd);
	close(timer_fd);
}

/**
 * loop_signals_add() - block @signals and deliver them through a signalfd
 * @l:		the loop
 * @signals:	array of signal numbers
 * @count:	number of entries in @signals
 * @cb:		called with the signalfd when a signal is pending
 * @opaque:	handed to @cb
 *
 * The signals are blocked in the calling thread only: call this before
 * starting other threads so that they inherit the mask, or the kernel may
 * deliver the signals to a thread that does not block them.
 * Return: the signalfd or negative errno.
 */
int loop_signals_add(struct loop *l, const int *signals, int count,
		     loop_cb cb, void *opaque)
{
	sigset_t set, old;
	int i, fd, rc;

	if (!signals || count <= 0)
		return -EINVAL;
	sigemptyset(&set);
	for (i = 0; i < count; i++)
		if (sigaddset(&set, signals[i]) < 0)
			return -EINVAL;
	rc = pthread_sigmask(SIG_BLOCK, &set, &old);
	if (rc)
		return -rc;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto err_mask;
	}
	rc = loop_add(l, fd, EPOLLIN, cb, opaque);
	if (rc)
		goto err_close;
	return fd;

err_close:
	close(fd);
err_mask:
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/**
 * eventfd_signal() - add 1 to an eventfd
 * @fd:	the eventfd
 *
 * Return: 0 or negative errno; a full counter (EAGAIN) means the reader is
 * already woken, so it counts as success.
 */
int eventfd_signal(int fd)
{
	uint64_t one = 1;

	for (;;) {
		ssize_t n = write(fd, &one, sizeof(one));

		if (n == (ssize_t)sizeof(one))
			return 0;
		if (n >= 0)
			return -EIO;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 0 : -errno;
	}
}

/**
 * eventfd_drain() - read and discard an eventfd's counter
 * @fd:	the eventfd (non-blocking, or known to be readable)
 *
 * Return: 0 or negative errno; an empty counter (EAGAIN) counts as success.
 */
int eventfd_drain(int fd)
{
	uint64_t value;

	for (;;) {
		ssize_t n = read(fd, &value, sizeof(value));

		if (n == (ssize_t)sizeof(value))
			return 0;
		if (n >= 0)
			return -EIO;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 0 : -errno;
	}
}

/**
 * now_ns() - CLOCK_MONOTONIC in nanoseconds
 *
 * Return: nanoseconds since an arbitrary start (boot).
 */
uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
