/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.h - leveled, thread-safe logging with rate-limited variants. */
#ifndef LIB_LOG_H
#define LIB_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

/**
 * log_init() - set the program name and the most verbose level printed
 * @ident:	program name printed in front of every line (not copied)
 * @level:	messages above this level are discarded
 */
void log_init(const char *ident, enum log_level level);

/**
 * log_parse_level() - parse "err", "warn", "info" or "debug"
 * @name:	level name from the command line
 * @level:	set on success
 *
 * Return: 0 on success, -EINVAL for an unknown name.
 */
int log_parse_level(const char *name, enum log_level *level);

/** log_enabled() - true if messages of @level are printed */
bool log_enabled(enum log_level level);

/**
 * log_msg() - print one line to stderr as a single write(), timestamped
 * @level:	severity
 * @fmt:	printf format; no trailing newline needed
 */
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	do { if (log_enabled(LOG_LVL_DEBUG)) log_msg(LOG_LVL_DEBUG, __VA_ARGS__); } while (0)

/*
 * A rate limit allows LOG_RL_BURST messages per LOG_RL_WINDOW_SEC window; the
 * first message after a quiet window reports how many were suppressed.
 * Zero-initialise one per call site (static) or per port.
 */
#define LOG_RL_BURST		5
#define LOG_RL_WINDOW_SEC	5

struct log_ratelimit {
	uint64_t window_start_ns;
	unsigned int printed;
	unsigned int suppressed;
};

/**
 * log_ratelimit_ok() - account one message against @rl
 * @rl:	the call site's rate-limit state (not thread-safe: one thread per @rl)
 *
 * Return: true if the message may be printed now.
 */
bool log_ratelimit_ok(struct log_ratelimit *rl);

#define log_msg_rl(rl, level, ...) \
	do { if (log_ratelimit_ok(rl)) log_msg(level, __VA_ARGS__); } while (0)
#define log_warn_rl(rl, ...)	log_msg_rl(rl, LOG_LVL_WARN, __VA_ARGS__)
#define log_err_rl(rl, ...)	log_msg_rl(rl, LOG_LVL_ERR, __VA_ARGS__)

#endif /* LIB_LOG_H */
