// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * c2c.c - core-to-core latency: two threads, pinned to CPUs A and B, pass a
 * counter back and forth through one cache line for SECONDS, then print the
 * median round trip in nanoseconds.
 *
 * Used by scripts/bench/datapath: on a virtual machine the host may move
 * the two vCPUs between sibling cores and other sockets, and a vhost-user
 * datapath, which lives on cache lines shared with its peer, runs at a rate
 * set by this latency. Each measurement slice is labelled with it.
 *
 * Build: cc -O2 -pthread -o c2c c2c.c    Usage: c2c CPU_A CPU_B SECONDS
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS_PER_SAMPLE	2000
#define MAX_SAMPLES		4096

static _Alignas(64) atomic_uint_fast64_t line;
static int cpu_b;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* B: answer every odd value with the next even one; 0 ends. */
static void *responder(void *arg)
{
	uint_fast64_t seen;

	(void)arg;
	(void)pin(cpu_b);	/* unpinned, it still answers (the figure is then less telling) */
	for (;;) {
		seen = atomic_load_explicit(&line, memory_order_acquire);
		if (seen == UINT64_MAX)
			return NULL;
		if (seen & 1)
			atomic_store_explicit(&line, seen + 1, memory_order_release);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static double samples[MAX_SAMPLES];
	uint_fast64_t v = 0;
	unsigned int n = 0, i;
	double end, t0;
	pthread_t thread;

	if (argc != 4) {
		fprintf(stderr, "usage: c2c CPU_A CPU_B SECONDS\n");
		return 2;
	}
	cpu_b = atoi(argv[2]);
	if (pin(atoi(argv[1]))) {
		fprintf(stderr, "c2c: cannot pin to CPU %s\n", argv[1]);
		return 1;
	}
	if (pthread_create(&thread, NULL, responder, NULL)) {
		fprintf(stderr, "c2c: cannot start a thread\n");
		return 1;
	}
	end = now() + atof(argv[3]);
	do {
		t0 = now();
		for (i = 0; i < ROUNDS_PER_SAMPLE; i++) {
			atomic_store_explicit(&line, v + 1, memory_order_release);
			while (atomic_load_explicit(&line, memory_order_acquire) != v + 2)
				;
			v += 2;
		}
		samples[n++] = (now() - t0) * 1e9 / ROUNDS_PER_SAMPLE;
	} while (n < MAX_SAMPLES && now() < end);
	atomic_store_explicit(&line, UINT64_MAX, memory_order_release);
	pthread_join(thread, NULL);
	qsort(samples, n, sizeof(samples[0]), cmp_double);
	printf("%.0f\n", samples[n / 2]);
	return 0;
}
