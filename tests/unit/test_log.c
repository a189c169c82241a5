/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_log.c - unit tests for log levels, line format and the rate limiter. */

#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"

/* Redirects stderr into a pipe, so a test can read what was logged. */
struct capture {
	int pipe_fds[2];
	int saved_stderr;
};

static void capture_start(struct capture *cap)
{
	assert_int_equal(pipe2(cap->pipe_fds, O_NONBLOCK | O_CLOEXEC), 0);
	cap->saved_stderr = dup(STDERR_FILENO);
	assert_true(cap->saved_stderr >= 0);
	assert_int_equal(dup2(cap->pipe_fds[1], STDERR_FILENO), STDERR_FILENO);
}

static size_t capture_end(struct capture *cap, char *out, size_t size)
{
	ssize_t n;

	assert_int_equal(dup2(cap->saved_stderr, STDERR_FILENO), STDERR_FILENO);
	close(cap->saved_stderr);
	close(cap->pipe_fds[1]);
	n = read(cap->pipe_fds[0], out, size - 1);
	close(cap->pipe_fds[0]);
	if (n < 0)
		n = 0;
	out[n] = '\0';
	return (size_t)n;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_parse_level(void **state)
{
	enum log_level level = LOG_LVL_ERR;

	(void)state;
	assert_int_equal(log_parse_level("debug", &level), 0);
	assert_int_equal(level, LOG_LVL_DEBUG);
	assert_int_equal(log_parse_level("warn", &level), 0);
	assert_int_equal(level, LOG_LVL_WARN);
	assert_int_equal(log_parse_level("info", &level), 0);
	assert_int_equal(level, LOG_LVL_INFO);
	assert_int_equal(log_parse_level("err", &level), 0);
	assert_int_equal(level, LOG_LVL_ERR);
	assert_int_equal(log_parse_level("verbose", &level), -EINVAL);
	assert_int_equal(log_parse_level("", &level), -EINVAL);
	assert_int_equal(log_parse_level(NULL, &level), -EINVAL);
	assert_int_equal(level, LOG_LVL_ERR);
}

static void test_levels_filter(void **state)
{
	struct capture cap;
	char out[4096];

	(void)state;
	log_init("unit", LOG_LVL_WARN);
	assert_true(log_enabled(LOG_LVL_ERR));
	assert_true(log_enabled(LOG_LVL_WARN));
	assert_false(log_enabled(LOG_LVL_INFO));
	capture_start(&cap);
	log_info("hidden %d", 1);
	log_debug("hidden %d", 2);
	log_warn("shown %d", 3);
	capture_end(&cap, out, sizeof(out));
	assert_int_equal(count_lines(out), 1);
	assert_non_null(strstr(out, "shown 3"));
	assert_null(strstr(out, "hidden"));
	log_init("unit", LOG_LVL_INFO);
}

static void test_line_format(void **state)
{
	struct capture cap;
	char out[8192];
	size_t size;

	(void)state;
	log_init("unit", LOG_LVL_DEBUG);
	capture_start(&cap);
	errno = EAGAIN;
	log_err("port %s broke\nFAKE LINE", "p0");
	/* errno survives logging, so callers can log and then return -errno. */
	assert_int_equal(errno, EAGAIN);
	log_info("trailing newline is not doubled\n");
	size = capture_end(&cap, out, sizeof(out));
	assert_true(size > 0);
	assert_int_equal(count_lines(out), 2);
	assert_non_null(strstr(out, " unit["));
	assert_non_null(strstr(out, "]: err: port p0 broke?FAKE LINE\n"));
	assert_non_null(strstr(out, "]: info: trailing newline is not doubled\n"));
	/* Lines start with an ISO 8601 UTC timestamp. */
	assert_true(out[4] == '-' && out[7] == '-' && out[10] == 'T');
	log_init("unit", LOG_LVL_INFO);
}

static void test_long_line_truncated(void **state)
{
	static char big[10000];
	struct capture cap;
	char out[16384];
	size_t size;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	capture_start(&cap);
	log_warn("%s", big);
	size = capture_end(&cap, out, sizeof(out));
	assert_int_equal(count_lines(out), 1);
	assert_true(size < 4096);
	assert_int_equal(out[size - 1], '\n');
	assert_memory_equal(out + size - 4, "...\n", 4);
}

static void test_ratelimit_burst(void **state)
{
	struct log_ratelimit rl = { 0 };
	int i, allowed = 0;

	(void)state;
	for (i = 0; i < LOG_RL_BURST; i++)
		assert_true(log_ratelimit_ok(&rl));
	for (i = 0; i < 20; i++)
		allowed += log_ratelimit_ok(&rl);
	assert_int_equal(allowed, 0);
	assert_int_equal(rl.printed, LOG_RL_BURST);
	assert_int_equal(rl.suppressed, 20);
}

static void test_ratelimit_new_window_reports(void **state)
{
	struct log_ratelimit rl = { 0 };
	struct capture cap;
	char out[4096];
	int i;

	(void)state;
	log_init("unit", LOG_LVL_INFO);
	for (i = 0; i < LOG_RL_BURST + 7; i++)
		log_ratelimit_ok(&rl);
	assert_int_equal(rl.suppressed, 7);
	/* Pretend the window began just over LOG_RL_WINDOW_SEC ago. */
	rl.window_start_ns -= (uint64_t)(LOG_RL_WINDOW_SEC + 1) * 1000000000ull;
	capture_start(&cap);
	assert_true(log_ratelimit_ok(&rl));
	capture_end(&cap, out, sizeof(out));
	assert_non_null(strstr(out, "7 similar messages were suppressed"));
	assert_int_equal(rl.suppressed, 0);
	assert_int_equal(rl.printed, 1);
	/* The new window again allows exactly the burst. */
	for (i = 1; i < LOG_RL_BURST; i++)
		assert_true(log_ratelimit_ok(&rl));
	assert_false(log_ratelimit_ok(&rl));
}

static void test_ratelimit_macro(void **state)
{
	struct log_ratelimit rl = { 0 };
	struct capture cap;
	char out[8192];
	int i;

	(void)state;
	capture_start(&cap);
	for (i = 0; i < 3 * LOG_RL_BURST; i++)
		log_warn_rl(&rl, "guest sent junk %d", i);
	capture_end(&cap, out, sizeof(out));
	assert_int_equal(count_lines(out), LOG_RL_BURST);
	assert_non_null(strstr(out, "junk 4\n"));
	assert_null(strstr(out, "junk 5\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_level),
		cmocka_unit_test(test_levels_filter),
		cmocka_unit_test(test_line_format),
		cmocka_unit_test(test_long_line_truncated),
		cmocka_unit_test(test_ratelimit_burst),
		cmocka_unit_test(test_ratelimit_new_window_reports),
		cmocka_unit_test(test_ratelimit_macro),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
