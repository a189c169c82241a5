/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_forward.c - unit tests for the pure parts of port forwards
 * (vswitch/forward.c) and of the gateway's naming (vswitch/net_nat.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "forward.h"
#include "netdef.h"
#include "nft.h"

static void test_parse_forms(void **state)
{
	struct forward f;
	char err[256], text[96];

	(void)state;
	assert_int_equal(forward_parse("tcp", "8080", "10.0.0.5:80", &f, err, sizeof(err)), 0);
	assert_int_equal(f.proto, IPPROTO_TCP);
	assert_int_equal(f.addr.s_addr, INADDR_ANY);
	assert_int_equal(f.port, 8080);
	assert_int_equal(f.port_last, 8080);
	assert_int_equal(f.target_port, 80);
	assert_int_equal(f.target_addr.s_addr, inet_addr("10.0.0.5"));
	assert_string_equal(f.target, "10.0.0.5");

	/* No target port: the same as the host port. */
	assert_int_equal(forward_parse("udp", "53", "10.0.0.5", &f, err, sizeof(err)), 0);
	assert_int_equal(f.proto, IPPROTO_UDP);
	assert_int_equal(f.target_port, 53);

	/* Bound to an address, a range, and a name to resolve later. */
	assert_int_equal(forward_parse("tcp", "192.0.2.1:8000-8009", "web:9000", &f, err, sizeof(err)), 0);
	assert_int_equal(f.addr.s_addr, inet_addr("192.0.2.1"));
	assert_int_equal(f.port, 8000);
	assert_int_equal(f.port_last, 8009);
	assert_int_equal(f.target_addr.s_addr, INADDR_ANY);
	assert_string_equal(f.target, "web");
	forward_host_text(&f, text, sizeof(text));
	assert_string_equal(text, "192.0.2.1:8000-8009");
	forward_target_text(&f, text, sizeof(text));
	assert_string_equal(text, "web:9000-9009");
}

static void test_parse_errors(void **state)
{
	static const char *const bad_hosts[] = {
		"", "0", "65536", "80-79", "1-2000", "abc", "8080-", "-80", "1.2.3:80", "10.0.0.1:",
		"80 ", "+80",
	};
	static const char *const bad_targets[] = {
		"", "10.0.0.5:0", "10.0.0.5:70000", "web page", "a/b", ":80",
	};
	struct forward f;
	char err[256];
	size_t i;

	(void)state;
	assert_int_equal(forward_parse("icmp", "80", "10.0.0.5", &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "tcp or udp"));
	assert_int_equal(forward_parse(NULL, "80", "10.0.0.5", &f, err, sizeof(err)), -EINVAL);
	for (i = 0; i < sizeof(bad_hosts) / sizeof(bad_hosts[0]); i++)
		assert_int_equal(forward_parse("tcp", bad_hosts[i], "10.0.0.5", &f, err, sizeof(err)), -EINVAL);
	for (i = 0; i < sizeof(bad_targets) / sizeof(bad_targets[0]); i++)
		assert_int_equal(forward_parse("tcp", "80", bad_targets[i], &f, err, sizeof(err)), -EINVAL);
	/* A range whose target ports would pass 65535. */
	assert_int_equal(forward_parse("tcp", "100-200", "10.0.0.5:65500", &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "65535"));
}

static void test_overlap(void **state)
{
	struct forward a, b;
	char err[256];

	(void)state;
	assert_int_equal(forward_parse("tcp", "8000-8010", "10.0.0.5", &a, err, sizeof(err)), 0);
	assert_int_equal(forward_parse("tcp", "8010", "10.0.0.6", &b, err, sizeof(err)), 0);
	assert_true(forward_overlap(&a, &b));
	assert_int_equal(forward_parse("udp", "8010", "10.0.0.6", &b, err, sizeof(err)), 0);
	assert_false(forward_overlap(&a, &b));	/* other protocol */
	assert_int_equal(forward_parse("tcp", "8011", "10.0.0.6", &b, err, sizeof(err)), 0);
	assert_false(forward_overlap(&a, &b));
	/* One address against every address: both would claim the port there. */
	assert_int_equal(forward_parse("tcp", "192.0.2.1:8005", "10.0.0.6", &b, err, sizeof(err)), 0);
	assert_true(forward_overlap(&a, &b));
	assert_int_equal(forward_parse("tcp", "192.0.2.1:8005", "10.0.0.6", &a, err, sizeof(err)), 0);
	assert_int_equal(forward_parse("tcp", "192.0.2.2:8005", "10.0.0.6", &b, err, sizeof(err)), 0);
	assert_false(forward_overlap(&a, &b));
}

static void test_expand_one_to_one(void **state)
{
	struct nft_forward out[FORWARD_RANGE_MAX];
	struct forward f;
	char err[256];

	(void)state;
	assert_int_equal(forward_parse("tcp", "9000-9002", "10.0.0.5:80", &f, err, sizeof(err)), 0);
	assert_int_equal(forward_expand(&f, "c", out), 3);
	assert_int_equal(out[0].port, 9000);
	assert_int_equal(out[0].target_port, 80);
	assert_int_equal(out[2].port, 9002);
	assert_int_equal(out[2].target_port, 82);
	assert_int_equal(out[2].target.s_addr, inet_addr("10.0.0.5"));
	assert_string_equal(out[1].comment, "c");
}

static void test_gateway_names(void **state)
{
	char a[IFNAMSIZ], b[IFNAMSIZ];
	uint8_t mac1[6], mac2[6];

	(void)state;
	net_gateway_ifname("lab", a);
	assert_string_equal(a, "vsw-lab");
	net_gateway_ifname("elevenchars", a);
	assert_string_equal(a, "vsw-elevenchars");
	/* Too long for "vsw-NAME": a prefix and a hash, still unique and at most 15. */
	net_gateway_ifname("twelve-chars", a);
	net_gateway_ifname("twelve-charz", b);
	assert_int_equal(strlen(a), 15);
	assert_memory_equal(a, "vsw-twelve-", 11);
	assert_string_not_equal(a, b);
	/* The MAC is stable, locally administered and unicast. */
	net_gateway_mac("lab", mac1);
	net_gateway_mac("lab", mac2);
	assert_memory_equal(mac1, mac2, 6);
	assert_int_equal(mac1[0] & 0x03, 0x02);
	net_gateway_mac("lab2", mac2);
	assert_memory_not_equal(mac1, mac2, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_expand_one_to_one),
		cmocka_unit_test(test_gateway_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
