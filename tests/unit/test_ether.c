// SPDX-License-Identifier: GPL-2.0-or-later
/* test_ether.c - MAC address text: strict parsing and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ether.h"

static void test_parse_good(void **state)
{
	uint8_t mac[6];
	char text[MAC_TEXT_SIZE];

	(void)state;
	assert_int_equal(mac_parse("52:54:00:Ab:cD:ef", mac), 0);
	assert_memory_equal(mac, "\x52\x54\x00\xab\xcd\xef", 6);
	mac_format(mac, text);
	assert_string_equal(text, "52:54:00:ab:cd:ef");
	assert_true(mac_is_unicast(mac));
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "52:54:00:ab:cd", "52:54:00:ab:cd:ef:", "52:54:00:ab:cd:ef0", "52-54-00-ab-cd-ef",
		" 52:54:00:ab:cd:ef", "52:54:00:ab:cd:e", "5:54:00:ab:cd:ef", "52:54:00:ab:cd:eg",
		"+2:54:00:ab:cd:ef", "52:54:00:ab:cd:ef ",
	};
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mac_parse(bad[i], mac), -22);
	assert_int_equal(mac_parse(NULL, mac), -22);
	/* A failed parse leaves the output alone. */
	assert_memory_equal(mac, "\x01\x02\x03\x04\x05\x06", 6);
}

static void test_unicast(void **state)
{
	(void)state;
	assert_false(mac_is_unicast((const uint8_t *)"\x01\x00\x5e\x00\x00\x01"));
	assert_false(mac_is_unicast((const uint8_t *)"\xff\xff\xff\xff\xff\xff"));
	assert_false(mac_is_unicast((const uint8_t *)"\x00\x00\x00\x00\x00\x00"));
	assert_true(mac_is_unicast((const uint8_t *)"\x02\x00\x00\x00\x00\x01"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_unicast),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
