// SPDX-License-Identifier: GPL-2.0-or-later
/* test_libutil.c - the shared helpers of lib/: names, error lines, atomic files, hash, parameters. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "errline.h"
#include "fileio.h"
#include "hash.h"
#include "names.h"
#include "param.h"

static void test_object_names(void **state)
{
	static const char *const good[] = { "a", "lab-1", "r1.eth0", "A_b", "123456789012345", "x.", "a..b" };
	static const char *const bad[] = { "", ".", "..", ".hidden", "-opt", "1234567890123456",
					   "a b", "a/b", "a:b", "\xc3\xa9t\xc3\xa9", "tab\t" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(name_object_valid(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(name_object_valid(bad[i]));
	assert_false(name_object_valid(NULL));
}

static void test_ifnames(void **state)
{
	(void)state;
	/* The kernel's dev_valid_name(): bytes above 0x7e are fine, '/', ':' and spaces are not. */
	assert_true(name_ifname_valid("eth0"));
	assert_true(name_ifname_valid("vsw-web"));
	assert_true(name_ifname_valid("\xc3\xa9th0"));
	assert_true(name_ifname_valid("a.b-c_d@e"));
	assert_true(name_ifname_valid("123456789012345"));
	assert_false(name_ifname_valid("1234567890123456"));
	assert_false(name_ifname_valid(""));
	assert_false(name_ifname_valid("."));
	assert_false(name_ifname_valid(".."));
	assert_false(name_ifname_valid("a/b"));
	assert_false(name_ifname_valid("eth0:1"));
	assert_false(name_ifname_valid("a b"));
	assert_false(name_ifname_valid("a\tb"));
	assert_false(name_ifname_valid("a\nb"));
	assert_false(name_ifname_valid(NULL));
	assert_true(name_netns_valid("vswt-1-ns"));
	assert_false(name_netns_valid(".."));
	assert_false(name_netns_valid("a/b"));
	assert_false(name_netns_valid(""));
}

static void test_errline_sanitize(void **state)
{
	char text[] = "bad\nname\x7f\x1b[31m";

	(void)state;
	errline_sanitize(text);
	assert_string_equal(text, "bad name  [31m");
}

static void test_hash(void **state)
{
	(void)state;
	/* Published FNV-1a 32-bit vectors. */
	assert_int_equal(hash_fnv1a_str(""), 0x811c9dc5u);
	assert_int_equal(hash_fnv1a_str("a"), 0xe40c292cu);
	assert_int_equal(hash_fnv1a_str("foobar"), 0xbf9cf968u);
	assert_int_equal(hash_fnv1a("foobar", 6), 0xbf9cf968u);
	assert_int_equal(hash_fnv1a_add(hash_fnv1a("foo", 3), "bar", 3), 0xbf9cf968u);
}

static void test_atomic_write(void **state)
{
	char dir[] = "/tmp/test_libutil.XXXXXX", path[320], sub[256], tmp[400];
	char *data = NULL;
	size_t size = 0;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/a/b/c", dir);
	assert_int_equal(mkdir_p(sub, 0700), 0);
	assert_int_equal(mkdir_p(sub, 0700), 0);	/* existing is fine */
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/file.json", sub);
	assert_int_equal(file_write_atomic(path, "first", 5, 0600), 0);
	assert_int_equal(file_write_atomic(path, "second", 6, 0600), 0);
	assert_int_equal(file_read_all(path, 1024, &data, &size), 0);
	assert_int_equal(size, 6);
	assert_string_equal(data, "second");
	free(data);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(file_read_all(path, 3, &data, &size), -EFBIG);
	/* A file where a directory should be. */
	assert_int_equal(mkdir_p(path, 0755), -ENOTDIR);
	/* Cannot write into a missing directory: an error, nothing left behind. */
	snprintf(tmp, sizeof(tmp), "%s/missing/x", dir);
	assert_int_equal(file_write_atomic(tmp, "x", 1, 0600), -ENOENT);
	unlink(path);
	snprintf(tmp, sizeof(tmp), "rm -rf '%s'", dir);
	assert_int_equal(system(tmp), 0);
}

static void test_params(void **state)
{
	json_t *p = json_pack("{s:i, s:i, s:s, s:b, s:n}", "n", 42, "neg", -1, "s", "text", "b", 1, "null");
	char err[128] = "";
	uint32_t v32 = 7;
	uint64_t v64 = 9;
	const char *s = NULL;
	bool b = false;

	(void)state;
	assert_int_equal(param_u32(p, "n", 1, 100, &v32, err, sizeof(err)), 0);
	assert_int_equal(v32, 42);
	assert_int_equal(param_u32(p, "absent", 1, 100, &v32, err, sizeof(err)), 0);
	assert_int_equal(v32, 42);
	assert_int_equal(param_u32(p, "null", 1, 100, &v32, err, sizeof(err)), 0);
	assert_int_equal(param_u32(p, "n", 50, 100, &v32, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "'n' must be a whole number from 50 to 100");
	assert_int_equal(param_u64(p, "neg", 0, 100, &v64, err, sizeof(err)), -EINVAL);
	assert_int_equal(param_u64(p, "s", 0, 100, &v64, err, sizeof(err)), -EINVAL);
	assert_int_equal(v64, 9);
	assert_int_equal(param_string(p, "s", true, &s, err, sizeof(err)), 0);
	assert_string_equal(s, "text");
	assert_int_equal(param_string(p, "n", true, &s, err, sizeof(err)), -EINVAL);
	assert_int_equal(param_string(p, "absent", true, &s, err, sizeof(err)), -EINVAL);
	assert_int_equal(param_string(p, "absent", false, &s, err, sizeof(err)), 0);
	assert_int_equal(param_bool(p, "b", &b, err, sizeof(err)), 0);
	assert_true(b);
	assert_int_equal(param_bool(p, "n", &b, err, sizeof(err)), -EINVAL);
	json_decref(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_names),
		cmocka_unit_test(test_ifnames),
		cmocka_unit_test(test_errline_sanitize),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
