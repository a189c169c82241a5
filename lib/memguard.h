/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memguard.h - survive guest memory that shrinks under us. A front-end can
 * truncate the memory file it shared after we mapped it; the next access
 * to a page past the new end raises SIGBUS, which would kill the daemon.
 */
#ifndef LIB_MEMGUARD_H
#define LIB_MEMGUARD_H

#include "virtq.h"

#define MEMGUARD_MAX	1024	/* memory tables watched at once */

/**
 * memguard_init() - install the SIGBUS handler (once per process)
 * Return: 0 or negative errno.
 */
int memguard_init(void);

/**
 * memguard_watch() / memguard_unwatch() - guard the mappings of @mem
 * (its address must stay valid until unwatched; its regions may change).
 * Return: 0, or -ENOSPC when MEMGUARD_MAX tables are watched already.
 */
int memguard_watch(struct vu_mem *mem);
void memguard_unwatch(struct vu_mem *mem);

#endif /* LIB_MEMGUARD_H */
