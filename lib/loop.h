/* SPDX-License-Identifier: GPL-2.0-or-later */
/* loop.h - single-threaded epoll event loop with timerfd, signalfd and eventfd helpers. */
#ifndef LIB_LOOP_H
#define LIB_LOOP_H

#include <stdint.h>
#include <sys/epoll.h>

struct loop;

/**
 * typedef loop_cb - called when a watched fd is ready
 * @l:		the loop
 * @fd:		the ready fd
 * @events:	EPOLLIN, EPOLLOUT, EPOLLHUP, ... as returned by epoll
 * @opaque:	the pointer given at registration
 *
 * A callback may add or delete any fd, including its own, during dispatch:
 * deleted handlers are freed only after the current batch of events.
 */
typedef void (*loop_cb)(struct loop *l, int fd, uint32_t events, void *opaque);

/** loop_new() - create a loop. Return: the loop, or NULL with errno set. */
struct loop *loop_new(void);

/** loop_free() - free the loop; fds are not closed. Accepts NULL. */
void loop_free(struct loop *l);

/**
 * loop_add() - watch @fd for @events
 * Return: 0, -EEXIST if already watched, or another negative errno.
 */
int loop_add(struct loop *l, int fd, uint32_t events, loop_cb cb, void *opaque);

/** loop_mod() - change the events watched on @fd. Return: 0 or negative errno. */
int loop_mod(struct loop *l, int fd, uint32_t events);

/** loop_del() - stop watching @fd (does not close it). Return: 0 or -ENOENT. */
int loop_del(struct loop *l, int fd);

/**
 * loop_run() - dispatch events until loop_stop() is called
 * Return: 0 after loop_stop(), negative errno if epoll_wait() fails.
 */
int loop_run(struct loop *l);

/** loop_stop() - make loop_run() return after the current batch. */
void loop_stop(struct loop *l);

/**
 * loop_timer_add() - create a timerfd, watch it, and call @cb on every expiry
 * @first_ms:		delay to the first expiry (0 means @interval_ms)
 * @interval_ms:	period; 0 for a one-shot timer
 *
 * The expiration count is read before @cb runs. Delete with loop_timer_del().
 * Return: the timerfd (>= 0) or negative errno.
 */
int loop_timer_add(struct loop *l, uint64_t first_ms, uint64_t interval_ms,
		   loop_cb cb, void *opaque);

/** loop_timer_del() - unwatch and close a timer from loop_timer_add(). Accepts -1. */
void loop_timer_del(struct loop *l, int timer_fd);

/**
 * loop_signals_add() - block @signals and deliver them through a signalfd
 * @signals:	array of signal numbers
 * @count:	number of entries in @signals
 *
 * @cb receives the signalfd; read a struct signalfd_siginfo from it.
 * Return: the signalfd or negative errno.
 */
int loop_signals_add(struct loop *l, const int *signals, int count,
		     loop_cb cb, void *opaque);

/**
 * eventfd_signal() / eventfd_drain() - write 1 to / read and discard an eventfd
 * Return: 0 or negative errno (EAGAIN counts as success for both).
 */
int eventfd_signal(int fd);
int eventfd_drain(int fd);

/** now_ns() - CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);

#endif /* LIB_LOOP_H */
