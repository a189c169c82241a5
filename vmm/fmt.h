/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fmt.h - bounded formatting for messages and paths. Messages may be cut at
 * the buffer's end by design; callers that must not truncate (paths) check
 * the return value, as with snprintf().
 */
#ifndef VMM_FMT_H
#define VMM_FMT_H

#include <stddef.h>

/** fmt() - vsnprintf into @buf. Return: the length the whole text needed. */
int fmt(char *buf, size_t size, const char *format, ...) __attribute__((format(printf, 3, 4)));

#endif /* VMM_FMT_H */
