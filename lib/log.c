/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c - leveled logging to stderr, one write() per line, with per-site rate limits. */

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/*
 * Lines are formatted into a stack buffer and handed to the kernel with one
 * write(), so lines from different threads never interleave and no lock is
 * needed. Longer messages are cut and marked rather than split over two
 * writes.
 */
#define LOG_LINE_SIZE	2048

static const char *log_ident = "vswitch";
static atomic_int log_max_level = LOG_LVL_INFO;

static const char *const log_level_names[] = {
	[LOG_LVL_ERR]	= "err",
	[LOG_LVL_WARN]	= "warn",
	[LOG_LVL_INFO]	= "info",
	[LOG_LVL_DEBUG]	= "debug",
};

/**
 * log_init() - set the program name and the most verbose level printed
 * @ident:	program name printed in front of every line (not copied)
 * @level:	messages above this level are discarded
 *
 * Call before other threads start logging: @ident is not protected.
 */
void log_init(const char *ident, enum log_level level)
{
	if (ident && *ident)
		log_ident = ident;
	atomic_store(&log_max_level, (int)level);
}

/**
 * log_parse_level() - parse "err", "warn", "info" or "debug"
 * @name:	level name from the command line
 * @level:	set on success
 *
 * Return: 0 on success, -EINVAL for an unknown name.
 */
int log_parse_level(const char *name, enum log_level *level)
{
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < sizeof(log_level_names) / sizeof(log_level_names[0]); i++) {
		if (!strcmp(name, log_level_names[i])) {
			*level = (enum log_level)i;
			return 0;
		}
	}
	/* Accept the spellings people type out of habit from syslog. */
	if (!strcmp(name, "error")) {
		*level = LOG_LVL_ERR;
		return 0;
	}
	if (!strcmp(name, "warning")) {
		*level = LOG_LVL_WARN;
		return 0;
	}
	return -EINVAL;
}

/**
 * log_enabled() - whether messages of @level are printed
 * @level:	severity to test
 *
 * Return: true if @level is at or below the configured level.
 */
bool log_enabled(enum log_level level)
{
	return (int)level <= atomic_load(&log_max_level);
}

/* Write all of @buf, retrying on EINTR and short writes. */
static void log_write_all(const char *buf, size_t size)
{
	while (size) {
		ssize_t n = write(STDERR_FILENO, buf, size);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		size -= (size_t)n;
	}
}

/**
 * log_msg() - print one line to stderr as a single write(), timestamped
 * @level:	severity
 * @fmt:	printf format; no trailing newline needed
 *
 * Control characters in the message are replaced by '?', so text a guest or
 * client controls cannot forge extra log lines. errno is preserved, so a
 * caller may log and then return -errno.
 */
void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[LOG_LINE_SIZE];
	int saved_errno = errno;
	struct timespec ts;
	struct tm tm;
	size_t prefix, size, i;
	va_list ap;
	int n;

	if (!log_enabled(level))
		return;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
		     "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ %s[%ld]: %s: ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000, log_ident,
		     (long)getpid(),
		     (unsigned int)level < sizeof(log_level_names) / sizeof(log_level_names[0]) ?
		     log_level_names[level] : "?");
	if (n < 0)
		n = 0;
	prefix = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;

	/* The message is formatted with errno as the caller left it, for %m. */
	errno = saved_errno;
	va_start(ap, fmt);
	n = vsnprintf(line + prefix, sizeof(line) - prefix, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;

	/* Keep one byte for the newline that vsnprintf() cannot have written. */
	if ((size_t)n >= sizeof(line) - prefix - 1) {
		size = sizeof(line) - 1;
		memcpy(line + size - 3, "...", 3);
	} else {
		size = prefix + (size_t)n;
	}
	while (size > prefix && line[size - 1] == '\n')
		size--;
	for (i = prefix; i < size; i++) {
		unsigned char ch = (unsigned char)line[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			line[i] = '?';
	}
	line[size++] = '\n';

	log_write_all(line, size);
	errno = saved_errno;
}

static uint64_t log_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/**
 * log_ratelimit_ok() - account one message against @rl
 * @rl:	the call site's rate-limit state (not thread-safe: one thread per @rl)
 *
 * A window opens with the first message after the previous one expired. When
 * a new window opens after messages were suppressed, the count is reported in
 * a line of its own before the message that is now allowed.
 *
 * Return: true if the message may be printed now.
 */
bool log_ratelimit_ok(struct log_ratelimit *rl)
{
	uint64_t now = log_clock_ns();
	const uint64_t window = (uint64_t)LOG_RL_WINDOW_SEC * 1000000000ull;

	if (!rl->window_start_ns || now - rl->window_start_ns >= window) {
		if (rl->suppressed)
			log_msg(LOG_LVL_WARN, "%u similar messages were suppressed",
				rl->suppressed);
		/* A zero start marks "no window yet"; never store it as a real time. */
		rl->window_start_ns = now ? now : 1;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	if (rl->printed < LOG_RL_BURST) {
		rl->printed++;
		return true;
	}
	rl->suppressed++;
	return false;
}
