// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memguard.c - a SIGBUS handler that turns a vanished guest page into a
 * broken port instead of a dead daemon.
 *
 * Theory of operation: memory tables that can be mapped from a front-end's
 * file are registered here. When SIGBUS arrives for an address inside one
 * of their regions, the handler maps a private zero page over the faulting
 * page (so the interrupted load or store completes and reads zeros) and
 * sets the table's `faulted` flag. The datapath checks that flag once per
 * burst and cuts the front-end off like any other rule-breaker; the
 * disconnect unmaps the whole region, zero page included. A SIGBUS anywhere
 * else is a real bug: the default action is restored and the signal
 * re-raised, so it still produces a core dump.
 *
 * The handler only reads the registry (atomic pointers) and the region
 * arrays, which change only while the datapath is paused and no guest
 * memory is being touched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memguard.h"

static struct vu_mem *_Atomic watched[MEMGUARD_MAX];
static atomic_bool installed;

static bool memguard_patch(struct vu_mem *mem, uintptr_t addr)
{
	unsigned int i, n = mem->nregions;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	if (n > VU_MAX_MEM_SLOTS)
		return false;
	for (i = 0; i < n; i++) {
		const struct vu_mem_region *r = &mem->regions[i];
		uintptr_t start = (uintptr_t)r->mmap_addr;

		if (!r->mmap_addr || addr < start || addr - start >= r->mmap_size)
			continue;
		if (mmap((void *)(addr & ~(page - 1)), page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			return false;
		mem->faulted = 1;
		return true;
	}
	return false;
}

static void memguard_handler(int sig, siginfo_t *info, void *ucontext)
{
	uintptr_t addr = (uintptr_t)info->si_addr;
	unsigned int i;

	(void)ucontext;
	for (i = 0; i < MEMGUARD_MAX; i++) {
		struct vu_mem *mem = atomic_load_explicit(&watched[i], memory_order_acquire);

		if (mem && memguard_patch(mem, addr))
			return;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

int memguard_init(void)
{
	struct sigaction sa;

	if (atomic_exchange(&installed, true))
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = memguard_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) < 0) {
		atomic_store(&installed, false);
		return -errno;
	}
	return 0;
}

int memguard_watch(struct vu_mem *mem)
{
	unsigned int i;

	for (i = 0; i < MEMGUARD_MAX; i++) {
		struct vu_mem *expected = NULL;

		if (atomic_compare_exchange_strong(&watched[i], &expected, mem))
			return 0;
	}
	return -ENOSPC;
}

void memguard_unwatch(struct vu_mem *mem)
{
	unsigned int i;

	for (i = 0; i < MEMGUARD_MAX; i++) {
		struct vu_mem *expected = mem;

		if (atomic_compare_exchange_strong(&watched[i], &expected, NULL))
			return;
	}
}
