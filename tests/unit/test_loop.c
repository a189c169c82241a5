/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_loop.c - unit tests for the epoll loop: timers, eventfds, signals, deletion in dispatch. */

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <cmocka.h>

#include "loop.h"

struct counter {
	int calls;
	int stop_after;
	uint64_t first_ns;
};

static void count_and_stop(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct counter *c = opaque;

	if (!c->calls)
		c->first_ns = now_ns();
	c->calls++;
	if (c->calls >= c->stop_after)
		loop_stop(l);
}

static void test_now_ns_monotonic(void **state)
{
	uint64_t a, b;

	(void)state;
	a = now_ns();
	usleep(2000);
	b = now_ns();
	assert_true(b > a);
	assert_true(b - a >= 2000000ull);
}

static void test_oneshot_timer_fires(void **state)
{
	struct counter c = { .stop_after = 1 };
	struct loop *l = loop_new();
	uint64_t start;
	int tfd;

	(void)state;
	assert_non_null(l);
	start = now_ns();
	tfd = loop_timer_add(l, 20, 0, count_and_stop, &c);
	assert_true(tfd >= 0);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(c.calls, 1);
	assert_true(c.first_ns - start >= 20000000ull);
	loop_timer_del(l, tfd);
	loop_timer_del(l, -1);
	loop_free(l);
}

static void test_periodic_timer_and_count_read(void **state)
{
	struct counter c = { .stop_after = 3 };
	struct loop *l = loop_new();
	uint64_t value;
	int tfd;

	(void)state;
	tfd = loop_timer_add(l, 0, 5, count_and_stop, &c);
	assert_true(tfd >= 0);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(c.calls, 3);
	/* The loop read the expiration count before each callback. */
	assert_int_equal(read(tfd, &value, sizeof(value)), -1);
	assert_int_equal(errno, EAGAIN);
	loop_timer_del(l, tfd);
	assert_int_equal(loop_timer_add(l, 0, 0, count_and_stop, &c), -EINVAL);
	loop_free(l);
}

static void drain_and_stop(struct loop *l, int fd, uint32_t events, void *opaque)
{
	assert_true(events & EPOLLIN);
	assert_int_equal(eventfd_drain(fd), 0);
	count_and_stop(l, fd, events, opaque);
}

static void test_eventfd(void **state)
{
	struct counter c = { .stop_after = 1 };
	struct loop *l = loop_new();
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	(void)state;
	assert_true(efd >= 0);
	assert_int_equal(loop_add(l, efd, EPOLLIN, drain_and_stop, &c), 0);
	assert_int_equal(loop_add(l, efd, EPOLLIN, drain_and_stop, &c), -EEXIST);
	assert_int_equal(eventfd_signal(efd), 0);
	assert_int_equal(eventfd_signal(efd), 0);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(c.calls, 1);
	/* Draining an empty eventfd is not an error. */
	assert_int_equal(eventfd_drain(efd), 0);
	assert_int_equal(loop_mod(l, efd, EPOLLIN | EPOLLOUT), 0);
	assert_int_equal(loop_del(l, efd), 0);
	assert_int_equal(loop_del(l, efd), -ENOENT);
	assert_int_equal(loop_mod(l, efd, EPOLLIN), -ENOENT);
	assert_int_equal(eventfd_signal(-1), -EBADF);
	close(efd);
	loop_free(l);
}

/* Two handlers that each delete the other; both are ready in the same batch. */
struct pair {
	int fds[2];
	int calls[2];
	int timer_fd;
};

static void delete_other(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct pair *p = opaque;
	int me = fd == p->fds[0] ? 0 : 1;

	p->calls[me]++;
	eventfd_drain(fd);
	assert_int_equal(loop_del(l, p->fds[!me]), 0);
	/* Deleting ourselves too, from inside our own callback, is allowed. */
	assert_int_equal(loop_del(l, fd), 0);
	loop_stop(l);
}

static void test_delete_other_in_same_batch(void **state)
{
	struct loop *l = loop_new();
	struct pair p = { .timer_fd = -1 };
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		p.fds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		assert_true(p.fds[i] >= 0);
		assert_int_equal(loop_add(l, p.fds[i], EPOLLIN, delete_other, &p), 0);
		assert_int_equal(eventfd_signal(p.fds[i]), 0);
	}
	assert_int_equal(loop_run(l), 0);
	/* Exactly one ran; the other, deleted while its event waited, did not. */
	assert_int_equal(p.calls[0] + p.calls[1], 1);
	for (i = 0; i < 2; i++)
		close(p.fds[i]);
	loop_free(l);
}

/* A handler that deletes a peer, closes its fd and reuses the number. */
struct reuse {
	struct loop *l;
	int victim;
	int victim_calls;
	int newcomer_calls;
	int killer_calls;
};

static void victim_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct reuse *r = opaque;

	r->victim_calls++;
}

static void newcomer_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct reuse *r = opaque;

	r->newcomer_calls++;
}

static void killer_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct reuse *r = opaque;
	int fresh;

	r->killer_calls++;
	eventfd_drain(fd);
	if (r->victim >= 0) {
		assert_int_equal(loop_del(l, r->victim), 0);
		close(r->victim);
		/* The lowest free number is the one just closed. */
		fresh = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		assert_int_equal(fresh, r->victim);
		assert_int_equal(loop_add(l, fresh, EPOLLIN, newcomer_cb, r), 0);
	}
	loop_stop(l);
}

static void test_delete_and_reuse_fd_in_batch(void **state)
{
	struct reuse r = { 0 };
	struct loop *l = loop_new();
	int killer, attempt;

	(void)state;
	/* Repeat until the killer runs first in the batch (epoll order is FIFO in practice). */
	for (attempt = 0; attempt < 2; attempt++) {
		killer = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		r.victim = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		assert_int_equal(loop_add(l, killer, EPOLLIN, killer_cb, &r), 0);
		assert_int_equal(loop_add(l, r.victim, EPOLLIN, victim_cb, &r), 0);
		eventfd_signal(killer);
		eventfd_signal(r.victim);
		r.victim_calls = r.newcomer_calls = r.killer_calls = 0;
		assert_int_equal(loop_run(l), 0);
		if (r.killer_calls == 1 && r.victim_calls == 0)
			break;
		loop_del(l, killer);
		loop_del(l, r.victim);
		close(killer);
		close(r.victim);
	}
	assert_int_equal(r.killer_calls, 1);
	assert_int_equal(r.victim_calls, 0);
	/* The fresh fd has no event yet; the stale one must not have reached it. */
	assert_int_equal(r.newcomer_calls, 0);
	loop_del(l, killer);
	loop_del(l, r.victim);
	close(killer);
	close(r.victim);
	loop_free(l);
}

static void signal_cb(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct signalfd_siginfo si;
	int *signo = opaque;

	assert_int_equal(read(fd, &si, sizeof(si)), sizeof(si));
	*signo = (int)si.ssi_signo;
	loop_stop(l);
}

static void test_signalfd(void **state)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2 };
	struct loop *l = loop_new();
	int signo = 0, sfd;

	(void)state;
	sfd = loop_signals_add(l, sigs, 2, signal_cb, &signo);
	assert_true(sfd >= 0);
	assert_int_equal(raise(SIGUSR2), 0);	/* blocked, so it waits for us */
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(signo, SIGUSR2);
	assert_int_equal(loop_signals_add(l, sigs, 0, signal_cb, &signo), -EINVAL);
	loop_del(l, sfd);
	close(sfd);
	loop_free(l);
}

static void test_stop_before_run_and_free_null(void **state)
{
	struct counter c = { .stop_after = 100 };
	struct loop *l = loop_new();
	int efd = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);

	(void)state;
	assert_int_equal(loop_add(l, efd, EPOLLIN, drain_and_stop, &c), 0);
	loop_stop(l);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(c.calls, 0);
	loop_del(l, efd);
	close(efd);
	loop_free(l);
	loop_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_now_ns_monotonic),
		cmocka_unit_test(test_oneshot_timer_fires),
		cmocka_unit_test(test_periodic_timer_and_count_read),
		cmocka_unit_test(test_eventfd),
		cmocka_unit_test(test_delete_other_in_same_batch),
		cmocka_unit_test(test_delete_and_reuse_fd_in_batch),
		cmocka_unit_test(test_signalfd),
		cmocka_unit_test(test_stop_before_run_and_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
