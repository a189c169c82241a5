/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_netctl_args.c - unit tests for netctl's parsing, validation, help and table output. */

/* output.c needs qsort_r; the feature macro must precede every system header. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

/* The unit-test link has no netctl objects, so the pure modules come in as source. */
#include "../../netctl/args.c"
#include "../../netctl/cmdline.c"
#include "../../netctl/help.c"
#include "../../netctl/table.c"
#include "../../netctl/output.c"

/* Parse a command line given as words; argv[0] is supplied. */
static int parse_words(struct netctl_invocation *inv, char *err, size_t err_size, ...)
{
	char *argv[32] = { "netctl" };
	int argc = 1;
	va_list ap;
	char *word;

	va_start(ap, err_size);
	while ((word = va_arg(ap, char *)) && argc < 31)
		argv[argc++] = word;
	va_end(ap);
	argv[argc] = NULL;
	return netctl_parse(argc, argv, inv, err, err_size);
}

#define PARSE(inv, err, ...) parse_words(inv, err, sizeof(err), __VA_ARGS__, NULL)

/* The request's params must equal @expected (consumed). */
static void assert_params(const struct netctl_invocation *inv, json_t *expected)
{
	if (!json_equal(inv->params, expected)) {
		char *got = json_dumps(inv->params, JSON_SORT_KEYS);
		char *want = json_dumps(expected, JSON_SORT_KEYS);

		print_error("params %s, expected %s\n", got, want);
		free(got);
		free(want);
		json_decref(expected);
		fail();
	}
	json_decref(expected);
}

/* netctl names objects by the rule vswitchd applies: lib's name_object_valid(). */
static void test_name_valid(void **state)
{
	struct netctl_invocation inv;
	char err[256];

	assert_int_equal(PARSE(&inv, err, "net", "info", "A.b-c_D9"), 0);
	netctl_invocation_clear(&inv);
	assert_int_equal(PARSE(&inv, err, "net", "info", "abcdefghijklmno"), 0);	/* 15 */
	netctl_invocation_clear(&inv);
	assert_int_equal(PARSE(&inv, err, "stats", "lab", "a-"), 0);
	netctl_invocation_clear(&inv);
	assert_int_equal(PARSE(&inv, err, "net", "info", "abcdefghijklmnop"), -EINVAL);
	assert_int_equal(PARSE(&inv, err, "net", "info", "l\xc3\xa4" "b"), -EINVAL);
	assert_int_equal(PARSE(&inv, err, "net", "info", "tab\t"), -EINVAL);
	/* A leading '.' was accepted here and refused by vswitchd. */
	assert_int_equal(PARSE(&inv, err, "net", "info", ".lab"), -EINVAL);
	assert_int_equal(PARSE(&inv, err, "net", "info", "..."), -EINVAL);
	assert_non_null(strstr(err, "it must not start with '.'"));
	assert_int_equal(PARSE(&inv, err, "net", "info", "a:b"), -EINVAL);
	assert_non_null(strstr(err, NAME_OBJECT_RULE));
}

static void test_parse_mac(void **state)
{
	static const uint8_t expected[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	static const char *const bad[] = {
		"", "zz:54:00:ab:cd:ef", "52:54:00:ab:cd", "52:54:00:ab:cd:ef:01",
		"52:54:00:ab:cd:ef:", "52-54-00-ab-cd-ef", "525400abcdef", "2:54:0:ab:cd:ef",
		"52:54:00:ab:cd:e", "52:54:00:ab:cd:efg", " 52:54:00:ab:cd:ef",
		"52:54:00:ab:cd:ef ", "52::54:00:ab:cd:ef", "0x52:54:00:ab:cd:ef",
		"52:54:00:ab:cd:\xef", NULL,
	};
	uint8_t mac[6];
	char text[18];

	assert_int_equal(mac_parse("52:54:00:ab:cd:ef", mac), 0);
	assert_memory_equal(mac, expected, 6);
	memset(mac, 0, sizeof(mac));
	assert_int_equal(mac_parse("52:54:00:AB:Cd:eF", mac), 0);
	assert_memory_equal(mac, expected, 6);
	for (int i = 0; bad[i]; i++) {
		memset(mac, 0x77, sizeof(mac));
		if (mac_parse(bad[i], mac) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
		/* A failed parse leaves the output alone. */
		assert_int_equal(mac[0], 0x77);
	}
	mac_format(expected, text);
	assert_string_equal(text, "52:54:00:ab:cd:ef");

	assert_true(value_unicast_mac_valid("52:54:00:12:34:56"));
	assert_true(value_unicast_mac_valid("02:00:00:00:00:00"));
	assert_true(value_unicast_mac_valid("FE:FF:FF:FF:FF:FF"));
	assert_false(value_unicast_mac_valid("ff:ff:ff:ff:ff:ff"));
	assert_false(value_unicast_mac_valid("01:00:5e:00:00:01"));
	assert_false(value_unicast_mac_valid("33:33:00:00:00:01"));
	assert_false(value_unicast_mac_valid("00:00:00:00:00:00"));
	assert_false(value_unicast_mac_valid("zz:00:00:00:00:01"));
}

static void test_ifname_ip_cidr(void **state)
{
	struct netctl_invocation inv;
	char err[256];

	/* Interface names: what the kernel's dev_valid_name() takes (lib's name_ifname_valid()). */
	assert_int_equal(PARSE(&inv, err, "port", "add", "lab", "p", "--type", "tap", "--ifname", "vsw-lab.10"), 0);
	netctl_invocation_clear(&inv);
	assert_int_equal(PARSE(&inv, err, "port", "add", "lab", "p", "--type", "tap", "--ifname", "abcdefghijklmnop"), -EINVAL);
	assert_int_equal(PARSE(&inv, err, "port", "add", "lab", "p", "--type", "tap", "--ifname", ".."), -EINVAL);
	assert_int_equal(PARSE(&inv, err, "port", "add", "lab", "p", "--type", "tap", "--ifname", "a b"), -EINVAL);
	assert_int_equal(PARSE(&inv, err, "port", "add", "lab", "p", "--type", "tap", "--netns", ".."), -EINVAL);
	assert_int_equal(PARSE(&inv, err, "port", "add", "lab", "p", "--type", "tap", "--netns", "/run/netns/x"), 0);
	netctl_invocation_clear(&inv);

	assert_true(value_ip_valid("10.0.0.1"));
	assert_true(value_ip_valid("fd00::1"));
	assert_false(value_ip_valid("10.0.0.256"));
	assert_false(value_ip_valid("10.0.0"));
	assert_false(value_ip_valid("10.0.0.1/24"));
	assert_false(value_ip_valid(""));
	assert_false(value_ip_valid("host"));

	assert_true(value_cidr_valid("10.0.0.0/24"));
	assert_true(value_cidr_valid("0.0.0.0/0"));
	assert_true(value_cidr_valid("192.168.1.1/32"));
	assert_true(value_cidr_valid("fd00::/64"));
	assert_true(value_cidr_valid("fd00::/128"));
	assert_false(value_cidr_valid("10.0.0.0/33"));
	assert_false(value_cidr_valid("fd00::/129"));
	assert_false(value_cidr_valid("10.0.0.0"));
	assert_false(value_cidr_valid("10.0.0.0/"));
	assert_false(value_cidr_valid("/24"));
	assert_false(value_cidr_valid("10.0.0.0/+24"));
	assert_false(value_cidr_valid("10.0.0.0/24/1"));
	assert_false(value_cidr_valid("10.0.0/24"));
}

static void test_parse_count(void **state)
{
	uint32_t value = 7;

	assert_int_equal(value_parse_count("1", 1, 10, &value), 0);
	assert_int_equal(value, 1);
	assert_int_equal(value_parse_count("0", 0, 10, &value), 0);
	assert_int_equal(value, 0);
	assert_int_equal(value_parse_count("4294967295", 1, UINT32_MAX, &value), 0);
	assert_int_equal(value, UINT32_MAX);
	assert_int_equal(value_parse_count("007", 1, 10, &value), 0);
	assert_int_equal(value, 7);
	assert_int_equal(value_parse_count("4294967296", 1, UINT32_MAX, &value), -ERANGE);
	assert_int_equal(value_parse_count("99999999999999999999999", 1, UINT32_MAX, &value),
			 -ERANGE);
	assert_int_equal(value_parse_count("0", 1, 10, &value), -ERANGE);
	assert_int_equal(value_parse_count("11", 1, 10, &value), -ERANGE);
	assert_int_equal(value_parse_count("", 1, 10, &value), -EINVAL);
	assert_int_equal(value_parse_count("-1", 0, 10, &value), -EINVAL);
	assert_int_equal(value_parse_count("+1", 0, 10, &value), -EINVAL);
	assert_int_equal(value_parse_count(" 1", 0, 10, &value), -EINVAL);
	assert_int_equal(value_parse_count("1 ", 0, 10, &value), -EINVAL);
	assert_int_equal(value_parse_count("0x10", 0, 100, &value), -EINVAL);
	assert_int_equal(value_parse_count("1e3", 0, 10000, &value), -EINVAL);
	assert_int_equal(value_parse_count("99999999999x", 0, 10, &value), -EINVAL);
	assert_int_equal(value, 7);
}

static void test_paths(void **state)
{
	char buf[64];

	assert_string_equal(netctl_socket_path("/a.sock", "/b.sock"), "/a.sock");
	assert_string_equal(netctl_socket_path(NULL, "/b.sock"), "/b.sock");
	assert_string_equal(netctl_socket_path(NULL, ""), NETCTL_DEFAULT_SOCKET);
	assert_string_equal(netctl_socket_path(NULL, NULL), NETCTL_DEFAULT_SOCKET);

	assert_int_equal(netctl_absolute_path("/run/x.sock", "/home", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/x.sock");
	assert_int_equal(netctl_absolute_path("x.sock", "/home/me", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/home/me/x.sock");
	assert_int_equal(netctl_absolute_path("x.sock", "/", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x.sock");
	assert_int_equal(netctl_absolute_path("x.sock", "/a/very/long/directory/name/that/overflows",
					      buf, 32), -ENAMETOOLONG);
}

static void test_parse_net_commands(void **state)
{
	struct netctl_invocation inv;
	char err[256];

	assert_int_equal(PARSE(&inv, err, "net", "create", "lab", "--mode", "isolated",
			       "--subnet", "10.0.0.0/24", "--gateway", "10.0.0.1",
			       "--mac-limit", "64", "--aging", "60", "--autostart"), 0);
	assert_int_equal(inv.action, NETCTL_ACTION_RUN);
	assert_int_equal(inv.command->id, NETCTL_NET_CREATE);
	assert_string_equal(inv.command->method, "net.create");
	assert_false(inv.json);
	assert_null(inv.socket_path);
	assert_int_equal(inv.timeout_sec, NETCTL_DEFAULT_TIMEOUT);
	assert_params(&inv, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:b}",
				      "name", "lab", "mode", "isolated", "subnet", "10.0.0.0/24",
				      "gateway", "10.0.0.1", "mac_limit", 64, "aging", 60,
				      "autostart", 1));
	netctl_invocation_clear(&inv);

	/* Options before the name, and in --opt=value form; modes pass through. */
	assert_int_equal(PARSE(&inv, err, "net", "create", "--mode=bridged", "br0"), 0);
	assert_params(&inv, json_pack("{s:s, s:s}", "name", "br0", "mode", "bridged"));
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "net", "destroy", "lab"), 0);
	assert_string_equal(inv.command->method, "net.destroy");
	assert_params(&inv, json_pack("{s:s}", "name", "lab"));
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "net", "destroy", "--force", "lab"), 0);
	assert_params(&inv, json_pack("{s:s, s:b}", "name", "lab", "force", 1));
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "net", "list"), 0);
	assert_string_equal(inv.command->method, "net.list");
	assert_params(&inv, json_object());
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "net", "info", "lab"), 0);
	assert_string_equal(inv.command->method, "net.info");
	assert_params(&inv, json_pack("{s:s}", "name", "lab"));
	netctl_invocation_clear(&inv);
}

static void test_parse_port_commands(void **state)
{
	struct netctl_invocation inv;
	char err[256];

	assert_int_equal(PARSE(&inv, err, "port", "add", "lab", "vm1", "--type", "vhost-user",
			       "--socket", "/run/vm1.sock", "--client",
			       "--mac", "52:54:00:AB:CD:EF"), 0);
	assert_string_equal(inv.command->method, "port.add");
	/* The MAC is sent in canonical lower case. */
	assert_params(&inv, json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "net", "lab",
				      "name", "vm1", "type", "vhost-user",
				      "socket", "/run/vm1.sock", "client", 1,
				      "mac", "52:54:00:ab:cd:ef"));
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "port", "add", "--type", "tap", "lab", "--ifname",
			       "vswtap0", "t0", "--netns", "ns1"), 0);
	assert_params(&inv, json_pack("{s:s, s:s, s:s, s:s, s:s}", "net", "lab", "name", "t0",
				      "type", "tap", "ifname", "vswtap0", "netns", "ns1"));
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "port", "add", "lab", "t1", "--type", "tap",
			       "--netns", "/proc/1/ns/net"), 0);
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "port", "del", "lab", "vm1"), 0);
	assert_string_equal(inv.command->method, "port.del");
	assert_params(&inv, json_pack("{s:s, s:s}", "net", "lab", "name", "vm1"));
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "port", "list"), 0);
	assert_string_equal(inv.command->method, "port.list");
	assert_params(&inv, json_object());
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "port", "list", "lab"), 0);
	assert_params(&inv, json_pack("{s:s}", "net", "lab"));
	netctl_invocation_clear(&inv);
}

static void test_parse_other_commands(void **state)
{
	struct netctl_invocation inv;
	char err[256];

	assert_int_equal(PARSE(&inv, err, "fdb", "lab"), 0);
	assert_string_equal(inv.command->method, "fdb.show");
	assert_params(&inv, json_pack("{s:s}", "net", "lab"));
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "stats"), 0);
	assert_string_equal(inv.command->method, "stats");
	assert_params(&inv, json_object());
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "stats", "lab"), 0);
	assert_params(&inv, json_pack("{s:s}", "net", "lab"));
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "stats", "lab", "vm1"), 0);
	assert_params(&inv, json_pack("{s:s, s:s}", "net", "lab", "port", "vm1"));
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "list-commands"), 0);
	assert_string_equal(inv.command->method, "list-commands");
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "forward", "add", "lab", "tcp", "192.0.2.1:8000-8009", "web:80"), 0);
	assert_string_equal(inv.command->method, "forward.add");
	assert_params(&inv, json_pack("{s:s, s:s, s:s, s:s}", "net", "lab", "proto", "tcp",
				      "host", "192.0.2.1:8000-8009", "target", "web:80"));
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "forward", "del", "lab", "udp", "53"), 0);
	assert_string_equal(inv.command->method, "forward.del");
	assert_params(&inv, json_pack("{s:s, s:s, s:s}", "net", "lab", "proto", "udp", "host", "53"));
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "forward", "list"), 0);
	assert_string_equal(inv.command->method, "forward.list");
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "net", "stop", "lab"), 0);
	assert_string_equal(inv.command->method, "net.stop");
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "net", "create", "lan", "--mode", "bridged", "--bridge", "br0",
			       "--uplink", "eth1", "--no-dhcp"), 0);
	assert_params(&inv, json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", "lan", "mode", "bridged",
				      "bridge", "br0", "uplink", "eth1", "dhcp", 0));
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "net", "create", "lab", "--mode", "nat", "--subnet", "10.0.0.0/24",
			       "--dhcp-range", "10.0.0.100-10.0.0.200"), 0);
	assert_params(&inv, json_pack("{s:s, s:s, s:s, s:s}", "name", "lab", "mode", "nat",
				      "subnet", "10.0.0.0/24", "dhcp_range", "10.0.0.100-10.0.0.200"));
	netctl_invocation_clear(&inv);

	/* "--" ends options; names cannot start with "-" anyway, so this fails on the name. */
	assert_int_equal(PARSE(&inv, err, "fdb", "--", "--json"), -EINVAL);
	assert_non_null(strstr(err, "invalid network name '--json': it must not start with '-'"));
}

static void test_parse_global_options(void **state)
{
	struct netctl_invocation inv;
	char err[256];

	assert_int_equal(PARSE(&inv, err, "-s", "/tmp/v.sock", "--json", "net", "list"), 0);
	assert_string_equal(inv.socket_path, "/tmp/v.sock");
	assert_true(inv.json);
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "-s/tmp/w.sock", "net", "list", "--json"), 0);
	assert_string_equal(inv.socket_path, "/tmp/w.sock");
	assert_true(inv.json);
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "--timeout", "5", "-t", "0", "stats"), 0);
	assert_int_equal(inv.timeout_sec, 0);
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "--timeout=7", "stats"), 0);
	assert_int_equal(inv.timeout_sec, 7);
	netctl_invocation_clear(&inv);
}

static void test_parse_help(void **state)
{
	struct netctl_invocation inv;
	char err[256];

	assert_int_equal(PARSE(&inv, err, "--help"), 0);
	assert_int_equal(inv.action, NETCTL_ACTION_HELP);
	assert_null(inv.command);
	assert_null(inv.help_group);

	assert_int_equal(PARSE(&inv, err, "-h", "net", "bogus"), 0);
	assert_int_equal(inv.action, NETCTL_ACTION_HELP);

	assert_int_equal(PARSE(&inv, err, "help"), 0);
	assert_int_equal(inv.action, NETCTL_ACTION_HELP);
	assert_null(inv.command);

	assert_int_equal(PARSE(&inv, err, "help", "-h"), 0);
	assert_int_equal(inv.action, NETCTL_ACTION_HELP);
	assert_null(inv.command);

	assert_int_equal(PARSE(&inv, err, "help", "net"), 0);
	assert_string_equal(inv.help_group, "net");
	assert_null(inv.command);

	assert_int_equal(PARSE(&inv, err, "help", "port", "add"), 0);
	assert_int_equal(inv.command->id, NETCTL_PORT_ADD);

	assert_int_equal(PARSE(&inv, err, "help", "stats"), 0);
	assert_int_equal(inv.command->id, NETCTL_STATS);

	assert_int_equal(PARSE(&inv, err, "net", "-h"), 0);
	assert_string_equal(inv.help_group, "net");

	assert_int_equal(PARSE(&inv, err, "port", "--help"), 0);
	assert_string_equal(inv.help_group, "port");

	/* -h anywhere in a command wins over everything else, even bad values. */
	assert_int_equal(PARSE(&inv, err, "net", "create", "-h"), 0);
	assert_int_equal(inv.action, NETCTL_ACTION_HELP);
	assert_int_equal(inv.command->id, NETCTL_NET_CREATE);
	assert_null(inv.params);

	assert_int_equal(PARSE(&inv, err, "port", "add", "bad/name", "--help"), 0);
	assert_int_equal(inv.action, NETCTL_ACTION_HELP);
	netctl_invocation_clear(&inv);

	assert_int_equal(PARSE(&inv, err, "fdb", "-h"), 0);
	assert_int_equal(inv.command->id, NETCTL_FDB);

	assert_int_equal(PARSE(&inv, err, "help", "nope"), -EINVAL);
	assert_int_equal(PARSE(&inv, err, "help", "net", "nope"), -EINVAL);
}

/* Every rejected command line, with a piece of the one-line message it must give. */
static void test_parse_errors(void **state)
{
	static const struct {
		const char *words[12];
		const char *message;
	} cases[] = {
		{ { NULL }, "missing command" },
		{ { "bogus" }, "unknown command 'bogus'" },
		{ { "net" }, "missing net command: create, destroy, list, info, start or stop" },
		{ { "forward" }, "missing forward command: add, del or list" },
		{ { "forward", "add", "lab", "icmp", "80", "10.0.0.5" }, "invalid protocol 'icmp'" },
		{ { "forward", "add", "lab", "tcp", "0", "10.0.0.5" }, "invalid host port '0'" },
		{ { "forward", "add", "lab", "tcp", "90-80", "10.0.0.5" }, "invalid host port '90-80'" },
		{ { "forward", "add", "lab", "tcp", "1.2.3:80", "10.0.0.5" }, "invalid host port '1.2.3:80'" },
		{ { "forward", "add", "lab", "tcp", "80", "web:0" }, "invalid target 'web:0'" },
		{ { "forward", "add", "lab", "tcp", "80", "a b" }, "invalid target 'a b'" },
		{ { "forward", "add", "lab", "tcp", "80" }, "missing TARGET" },
		{ { "net", "create", "lab", "--mode", "nat", "--dhcp-range", "10.0.0.5" },
		  "invalid range '10.0.0.5' for --dhcp-range" },
		{ { "net", "create", "lab", "--mode", "nat", "--no-dhcp=1" }, "option '--no-dhcp' takes no value" },
		{ { "port" }, "missing port command: add, del or list" },
		{ { "net", "bogus" }, "unknown net command 'bogus'" },
		{ { "-x", "net", "list" }, "unknown option '-x'" },
		{ { "--socket", "/x", "net", "list" }, "unknown option '--socket'" },
		{ { "-s" }, "option '-s' needs a value" },
		{ { "-s", "", "net", "list" }, "invalid socket path ''" },
		{ { "-t", "x", "net", "list" }, "invalid value 'x' for -t" },
		{ { "--timeout=-1", "net", "list" }, "invalid value '-1' for --timeout" },
		{ { "net", "create" }, "missing NAME" },
		{ { "net", "create", "lab" }, "net create needs --mode MODE" },
		{ { "net", "create", "lab", "--mode" }, "option '--mode' needs a value" },
		{ { "net", "create", "lab", "--mode", "--autostart" }, "option '--mode' needs a value" },
		{ { "net", "create", "lab", "--mode", "fancy" }, "invalid mode 'fancy'" },
		{ { "net", "create", "lab", "--mode", "nat", "--mode", "nat" },
		  "option '--mode' given more than once" },
		{ { "net", "create", "lab", "--mode", "nat", "--bogus" },
		  "unknown option '--bogus' for 'net create'" },
		{ { "net", "create", "lab", "--mode", "nat", "--bogus=1" },
		  "unknown option '--bogus' for 'net create'" },
		{ { "net", "create", "lab", "--mode", "nat", "-m" }, "unknown option '-m'" },
		{ { "net", "create", "lab", "extra", "--mode", "nat" }, "unexpected argument 'extra'" },
		{ { "net", "create", "abcdefghijklmnop", "--mode", "nat" },
		  "invalid network name 'abcdefghijklmnop'" },
		{ { "net", "create", "", "--mode", "nat" }, "invalid network name ''" },
		{ { "net", "create", "..", "--mode", "nat" }, "'.' and '..' are reserved" },
		{ { "net", "create", ".hidden", "--mode", "nat" },
		  "invalid network name '.hidden': it must not start with '.'" },
		{ { "port", "add", "lab", "...", "--type", "tap" }, "invalid port name '...'" },
		{ { "stats", "lab", ".vm1" }, "invalid port name '.vm1'" },
		{ { "net", "create", "a b", "--mode", "nat" }, "invalid network name 'a b'" },
		{ { "net", "create", "lab", "--mode", "nat", "--subnet", "10.0.0.0" },
		  "invalid subnet '10.0.0.0'" },
		{ { "net", "create", "lab", "--mode", "nat", "--gateway", "10.0.0.300" },
		  "invalid IP address '10.0.0.300' for --gateway" },
		{ { "net", "create", "lab", "--mode", "nat", "--mac-limit", "0" },
		  "invalid value '0' for --mac-limit" },
		{ { "net", "create", "lab", "--mode", "nat", "--mac-limit", "many" },
		  "invalid value 'many' for --mac-limit" },
		{ { "net", "create", "lab", "--mode", "nat", "--aging", "4294967296" },
		  "invalid value '4294967296' for --aging" },
		{ { "net", "create", "lab", "--mode", "nat", "--autostart=yes" },
		  "option '--autostart' takes no value" },
		{ { "net", "destroy" }, "missing NAME" },
		{ { "net", "destroy", "lab", "-f" }, "unknown option '-f'" },
		{ { "net", "list", "lab" }, "unexpected argument 'lab'" },
		{ { "net", "info" }, "missing NAME" },
		{ { "port", "add", "lab" }, "missing PORT" },
		{ { "port", "add", "lab", "vm1" }, "port add needs --type TYPE" },
		{ { "port", "add", "lab", "vm1", "--type", "veth" }, "invalid port type 'veth'" },
		{ { "port", "add", "lab", "vm/1", "--type", "tap" }, "invalid port name 'vm/1'" },
		{ { "port", "add", "lab", "vm1", "--type", "vhost-user", "--mac", "zz:00:00:00:00:01" },
		  "invalid MAC address 'zz:00:00:00:00:01'" },
		{ { "port", "add", "lab", "vm1", "--type", "vhost-user", "--mac", "52:54:00:00:01" },
		  "invalid MAC address '52:54:00:00:01'" },
		{ { "port", "add", "lab", "vm1", "--type", "vhost-user", "--mac", "ff:ff:ff:ff:ff:ff" },
		  "must be unicast" },
		{ { "port", "add", "lab", "vm1", "--type", "vhost-user", "--mac", "00:00:00:00:00:00" },
		  "not all zeros" },
		{ { "port", "add", "lab", "vm1", "--type", "vhost-user", "--socket", "" },
		  "invalid socket path" },
		{ { "port", "add", "lab", "vm1", "--type", "vhost-user", "--ifname", "x" },
		  "option '--ifname' is only valid with --type tap" },
		{ { "port", "add", "lab", "vm1", "--type", "tap", "--mac", "52:54:00:00:00:01" },
		  "option '--mac' is only valid with --type vhost-user" },
		{ { "port", "add", "lab", "vm1", "--type", "tap", "--client" },
		  "option '--client' is only valid with --type vhost-user" },
		{ { "port", "add", "lab", "vm1", "--type", "tap", "--ifname", "eth0:1" },
		  "invalid interface name 'eth0:1'" },
		{ { "port", "add", "lab", "vm1", "--type", "tap", "--netns", "a/b" },
		  "invalid network namespace 'a/b'" },
		{ { "port", "add", "lab", "vm1", "--ifname", "x" }, "port add needs --type TYPE" },
		{ { "port", "del", "lab" }, "missing PORT" },
		{ { "port", "list", "lab", "vm1" }, "unexpected argument 'vm1'" },
		{ { "fdb" }, "missing NET" },
		{ { "fdb", "a.b/c" }, "invalid network name 'a.b/c'" },
		{ { "stats", "lab", "vm1", "more" }, "unexpected argument 'more'" },
		{ { "stats", "lab", "v m" }, "invalid port name 'v m'" },
		{ { "list-commands", "x" }, "unexpected argument 'x'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[16] = { "netctl" };
		struct netctl_invocation inv;
		char err[256];
		int argc = 1;

		for (int k = 0; cases[i].words[k]; k++)
			argv[argc++] = (char *)cases[i].words[k];
		if (netctl_parse(argc, argv, &inv, err, sizeof(err)) != -EINVAL) {
			netctl_invocation_clear(&inv);
			fail_msg("case %zu accepted (expected '%s')", i, cases[i].message);
		}
		if (!strstr(err, cases[i].message))
			fail_msg("case %zu: got '%s', expected '%s'", i, err, cases[i].message);
		/* One line: the caller adds "netctl: " and the newline. */
		assert_null(strchr(err, '\n'));
		assert_null(inv.params);
	}
}

/* Run @print into a memory stream. Return: malloc'd text. */
static char *capture(void (*print)(FILE *out, const void *arg), const void *arg)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	print(out, arg);
	fclose(out);
	return text;
}

static void print_full_help(FILE *out, const void *arg)
{
	netctl_print_help(out, NULL, NULL);
}

static void print_command_help_of(FILE *out, const void *arg)
{
	netctl_print_help(out, NULL, arg);
}

static void test_help_text(void **state)
{
	char *text = capture(print_full_help, NULL);

	/* The exit statuses are part of the interface; --help must say them. */
	assert_non_null(strstr(text, "Exit status:"));
	assert_non_null(strstr(text, "  2  the command line is wrong"));
	assert_non_null(strstr(text, "$VSWITCH_SOCKET"));
	for (const struct netctl_command *cmd = netctl_commands; cmd->name; cmd++)
		assert_non_null(strstr(text, cmd->summary));
	free(text);

	for (const struct netctl_command *cmd = netctl_commands; cmd->name; cmd++) {
		text = capture(print_command_help_of, cmd);
		assert_non_null(strstr(text, "Usage: netctl"));
		for (const struct netctl_option *opt = cmd->options; opt->name; opt++)
			assert_non_null(strstr(text, opt->name));
		free(text);
	}
}

static void test_table(void **state)
{
	static const char *const headers[] = { "NAME", "COUNT", "NOTE", NULL };
	static const char *const row1[] = { "a", "5", "short" };
	static const char *const row2[] = { "longer-name", "12345", NULL };
	struct table *table = table_new(headers);
	char *text = NULL;
	size_t size = 0;
	FILE *out;

	assert_non_null(table);
	table_align_right(table, 1);
	assert_int_equal(table_add_row(table, row1), 0);
	assert_int_equal(table_add_row(table, row2), 0);
	assert_int_equal(table_rows(table), 2);
	out = open_memstream(&text, &size);
	assert_non_null(out);
	table_print(table, out);
	fclose(out);
	assert_string_equal(text,
			    "NAME         COUNT  NOTE\n"
			    "a                5  short\n"
			    "longer-name  12345  -\n");
	free(text);
	table_free(table);
	table_free(NULL);
}

/* Render @result for @cmd_words into a string. */
static char *render(const char *group, const char *name, const char *params_text,
		    const char *result_text, int expected_ret)
{
	const struct netctl_command *cmd = netctl_find_command(group, name);
	json_t *params = json_loads(params_text, 0, NULL);
	json_t *result = json_loads(result_text, 0, NULL);
	char err[256] = "";
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(cmd);
	assert_non_null(params);
	assert_non_null(result);
	assert_non_null(out);
	assert_int_equal(netctl_print_result(cmd, params, result, out, err, sizeof(err)),
			 expected_ret);
	fclose(out);
	json_decref(params);
	json_decref(result);
	if (expected_ret) {
		free(text);
		return strdup(err);
	}
	return text;
}

static void test_output(void **state)
{
	char *text;

	text = render("net", "list", "{}",
		      "{\"networks\":[{\"name\":\"zeta\",\"mode\":\"isolated\",\"state\":\"active\",\"ports\":12},"
		      "{\"name\":\"lab\",\"mode\":\"nat\",\"state\":\"inactive\",\"ports\":0}]}", 0);
	assert_string_equal(text,
			    "NAME  MODE      STATE     PORTS\n"
			    "lab   nat       inactive      0\n"
			    "zeta  isolated  active       12\n");
	free(text);

	text = render("net", "create", "{\"name\":\"lab\",\"mode\":\"isolated\"}",
		      "{\"name\":\"lab\"}", 0);
	assert_string_equal(text, "network lab created\n");
	free(text);

	text = render("port", "add", "{\"net\":\"lab\",\"name\":\"vm1\",\"type\":\"vhost-user\"}",
		      "{\"net\":\"lab\",\"name\":\"vm1\",\"type\":\"vhost-user\","
		      "\"socket\":\"/run/vswitch/lab-vm1.sock\",\"client\":false}", 0);
	assert_string_equal(text, "port vm1 added to network lab: /run/vswitch/lab-vm1.sock (server)\n");
	free(text);

	text = render(NULL, "fdb", "{\"net\":\"lab\"}",
		      "{\"entries\":[{\"mac\":\"52:54:00:00:00:02\",\"port\":\"vm2\",\"age\":3},"
		      "{\"mac\":\"52:54:00:00:00:01\",\"port\":\"vm1\",\"age\":120}]}", 0);
	assert_string_equal(text,
			    "MAC                PORT  AGE\n"
			    "52:54:00:00:00:01  vm1   120\n"
			    "52:54:00:00:00:02  vm2     3\n");
	free(text);

	text = render(NULL, "stats", "{\"net\":\"lab\",\"port\":\"vm1\"}",
		      "{\"ports\":[{\"name\":\"vm1\",\"net\":\"lab\",\"type\":\"tap\",\"state\":\"up\","
		      "\"stats\":{\"rx_packets\":1,\"rx_bytes\":2,\"tx_packets\":3,\"tx_bytes\":4,"
		      "\"drops\":{\"no_buffers\":5,\"mac_limit\":6}}}]}", 0);
	assert_string_equal(text,
			    "lab/vm1 (tap, up)\n"
			    "  rx_packets    1\n"
			    "  rx_bytes      2\n"
			    "  tx_packets    3\n"
			    "  tx_bytes      4\n"
			    "  drops         11\n"
			    "    no_buffers  5\n"
			    "    mac_limit   6\n");
	free(text);

	/* A listing without its list cannot be shown: that is an error, not an empty table. */
	text = render("port", "list", "{}", "{}", -EBADMSG);
	assert_non_null(strstr(text, "no \"ports\" list"));
	free(text);
	text = render("net", "list", "{}", "{\"networks\":[1]}", -EBADMSG);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_parse_mac),
		cmocka_unit_test(test_ifname_ip_cidr),
		cmocka_unit_test(test_parse_count),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_parse_net_commands),
		cmocka_unit_test(test_parse_port_commands),
		cmocka_unit_test(test_parse_other_commands),
		cmocka_unit_test(test_parse_global_options),
		cmocka_unit_test(test_parse_help),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_help_text),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
