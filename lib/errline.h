/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * errline.h - how a command-line program reports an error: exactly one line
 * on stderr, "PROG: message", with control characters (and DEL) from
 * untrusted text blanked so they cannot break the line or the terminal.
 */
#ifndef LIB_ERRLINE_H
#define LIB_ERRLINE_H

#include <stdarg.h>
#include <stddef.h>

/** errline_set_prog() - the program name in front of every line (not copied). */
void errline_set_prog(const char *prog);

/** errline() - print one error line to stderr. */
void errline(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** verrline() - errline() with a va_list. */
void verrline(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/** errline_sanitize() - blank every byte below 0x20 and DEL in @text, in place. */
void errline_sanitize(char *text);

#endif /* LIB_ERRLINE_H */
