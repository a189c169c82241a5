/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_lab_yaml.c - unit tests for the lab topology parser: good files, and every bad one names its line. */

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
#include "../../netctl/lab_yaml.c"

static struct lab lab_storage;
static char err[512];

static int parse(const char *text)
{
	err[0] = '\0';
	return lab_parse(text, strlen(text), "lab.yaml", &lab_storage, err, sizeof(err));
}

static const char router_line[] =
	"name: line\n"
	"defaults:\n"
	"  kernel: vmlinux\n"
	"  initrd: initrd.gz\n"
	"  memory: 160M\n"
	"  cpus: 1\n"
	"networks:\n"
	"  mgmt:\n"
	"    mode: nat\n"
	"    subnet: 10.9.0.0/24\n"
	"    dhcp-range: 10.9.0.100-10.9.0.200\n"
	"    forwards:\n"
	"      - {proto: tcp, host: 8080, target: \"r1:80\"}\n"
	"nodes:\n"
	"  r1:\n"
	"    nics:\n"
	"      - {name: eth0, address: 10.0.12.1/24}\n"
	"      - mgmt\n"
	"    routes:\n"
	"      - {to: 10.0.23.0/24, via: 10.0.12.2}\n"
	"  r2:\n"
	"    forwarding: true\n"
	"    memory: 256M\n"
	"    nics:\n"
	"      - {name: eth0, address: 10.0.12.2/24}\n"
	"      - {name: eth1, address: 10.0.23.2/24, mac: \"52:54:00:aa:bb:cc\"}\n"
	"  r3:\n"
	"    nics:\n"
	"      - {name: eth0, address: 10.0.23.3/24}\n"
	"links:\n"
	"  - [r1:eth0, r2:eth0]\n"
	"  - {name: core, endpoints: [r2:eth1, r3:eth0]}\n";

static void test_router_line(void **state)
{
	const struct lab *lab = &lab_storage;
	int link;

	(void)state;
	assert_int_equal(parse(router_line), 0);
	assert_string_equal(lab->name, "line");
	assert_int_equal(lab->node_count, 3);
	assert_int_equal(lab->link_count, 2);
	assert_int_equal(lab->network_count, 3);	/* mgmt plus one per link */
	assert_string_equal(lab->networks[0].net, "line-mgmt");
	assert_int_equal(lab->networks[0].forward_count, 1);
	assert_string_equal(lab->nodes[0].vm, "line-r1");
	assert_string_equal(lab->nodes[0].kernel, "vmlinux");
	assert_string_equal(lab->nodes[1].memory, "256M");
	assert_string_equal(lab->nodes[2].memory, "160M");
	assert_int_equal(lab->nodes[0].cpus, 1);
	assert_true(lab->nodes[1].forwarding);
	assert_false(lab->nodes[0].forwarding);
	assert_int_equal(lab->nodes[0].route_count, 1);
	assert_string_equal(lab->nodes[0].routes[0].via, "10.0.12.2");
	assert_string_equal(lab->nodes[0].nics[1].name, "eth1");
	assert_int_equal(lab->nodes[0].nics[1].net_index, 0);
	link = lab_find_network(lab, "r1-r2");
	assert_true(link > 0);
	assert_string_equal(lab->networks[link].mode, "isolated");
	assert_int_equal(lab->networks[link].dhcp, 0);
	assert_int_equal(lab->nodes[0].nics[0].net_index, link);
	assert_int_equal(lab->nodes[1].nics[0].net_index, link);
	link = lab_find_network(lab, "core");
	assert_string_equal(lab->networks[link].net, "line-core");
	assert_int_equal(lab->nodes[2].nics[0].net_index, link);
	assert_string_equal(lab->nodes[1].nics[1].mac, "52:54:00:aa:bb:cc");
	assert_int_equal(lab->networks[0].line, 8);
	assert_int_equal(lab->nodes[1].line, 21);
}

static void test_net_names(void **state)
{
	char out[LAB_NET_NAME_MAX + 1], again[LAB_NET_NAME_MAX + 1];

	(void)state;
	lab_net_name("lab", "r1-r2", out);
	assert_string_equal(out, "lab-r1-r2");
	lab_net_name("datacenter", "spine1-leaf2", out);
	assert_int_equal(strlen(out), 15);
	assert_memory_equal(out, "datacenter-", 11);
	lab_net_name("datacenter", "spine1-leaf2", again);
	assert_string_equal(out, again);	/* deterministic */
	lab_net_name("datacenter", "spine1-leaf3", again);
	assert_string_not_equal(out, again);
	assert_true(name_object_valid(out));

	/* Shortened names are vswitchd networks of labs that are up: they never change. */
	lab_net_name("averylonglab", "mgmt", out);
	assert_string_equal(out, "averylongl-bdf1");
	lab_net_name("lab-0123456789", "backbone-network", out);
	assert_string_equal(out, "lab-012345-3759");
}

struct bad_case {
	const char *text;
	const char *message;	/* expected in err, with its "lab.yaml:LINE: " prefix */
};

static const struct bad_case bad_cases[] = {
	{ "name: a\nnodes:\n  r1:\n    kernel: k\n    nics: [n9]\n",
	  "lab.yaml:5: node 'r1' names unknown network 'n9'" },
	{ "name: a\ncolour: red\nnodes: {}\n", "lab.yaml:2: unknown key 'colour' in the lab" },
	{ "name: a\nnodes:\n  r1:\n    kernel: k\n    ram: 1G\n    nics: [x]\n",
	  "lab.yaml:5: unknown key 'ram' in a node" },
	{ "name: a\nnetworks:\n  n1: {mode: nat}\n  n1: {mode: isolated}\nnodes:\n  r1: {kernel: k, nics: [n1]}\n",
	  "lab.yaml:4: duplicate network 'n1'" },
	{ "name: a\nnetworks:\n  n1: {mode: nat}\nnodes:\n  r1: {kernel: k, nics: [n1]}\n  r1: {kernel: k, nics: [n1]}\n",
	  "lab.yaml:6: duplicate node 'r1'" },
	{ "name: a\nnetworks:\n  n1: {mode: mesh}\nnodes: {}\n", "lab.yaml:3: invalid mode 'mesh'" },
	{ "name: a\nnetworks:\n  n1: {mode: nat, subnet: 10.0.0/33}\nnodes: {}\n", "lab.yaml:3: invalid subnet" },
	{ "name: a\nnodes:\n  r1: {kernel: k, nics: [{address: 10.0.0.1/24}]}\nlinks:\n  - [r1:eth0, r9:eth0]\n",
	  "lab.yaml:5: link 'r1-r9' names unknown node 'r9'" },
	{ "name: a\nnodes:\n  r1: {kernel: k, nics: [{address: 10.0.0.1/24}]}\n  r2: {kernel: k, nics: [{}]}\nlinks:\n  - [r1:eth0, r2:eth3]\n",
	  "lab.yaml:6: link 'r1-r2' names unknown NIC 'eth3' of node 'r2'" },
	{ "name: a\nnodes:\n  r1: {kernel: k, nics: [{address: 10.0.0.1/24}]}\n",
	  "lab.yaml:3: NIC r1:eth0 has no network and is in no link" },
	{ "name: a\nnodes:\n  r1:\n    kernel: k\n    nics:\n      - {address: 10.0.0.1}\n",
	  "lab.yaml:6: invalid address '10.0.0.1'" },
	{ "name: a\nnodes:\n  r1:\n    disk: d\n    initrd: i\n    nics: [{}]\n",
	  "lab.yaml:3: node 'r1': initrd and append go with kernel, not disk" },
	{ "name: a\nnodes:\n  r1:\n    nics: [{}]\n", "lab.yaml:3: node 'r1' needs exactly one of kernel and disk" },
	{ "name: a\nnodes:\n  r1: {kernel: k, cpus: zero, nics: [{}]}\n", "lab.yaml:3: invalid cpus 'zero'" },
	{ "name: a b\nnodes: {}\n", "lab.yaml:1: invalid lab name 'a b'" },
	{ "nodes: {}\n", "lab.yaml:1: the lab needs a name" },
	{ "name: a\nnodes:\n  r1: {kernel: k\n", "lab.yaml:4:" },
	{ "name: a\nnodes:\n  r1: {kernel: k, nics: [{}, {}]}\n  r2: {kernel: k, nics: [{}]}\nlinks:\n  - [r1:eth0, r2:eth0]\n  - [r1:eth0, r1:eth1]\n",
	  "lab.yaml:7: link 'r1-r1': NIC r1:eth0 is already in link 'r1-r2'" },
	{ "name: a\nnetworks:\n  r1-r2: {mode: isolated}\nnodes:\n  r1: {kernel: k, nics: [{}]}\n  r2: {kernel: k, nics: [{}]}\nlinks:\n  - [r1:eth0, r2:eth0]\n",
	  "lab.yaml:8: duplicate name 'r1-r2'" },
	{ "name: a\nnetworks:\n  n: {mode: nat, forwards: [{proto: tcp, host: 80, target: web}]}\nnodes:\n  r1: {kernel: k, nics: [n]}\n",
	  "lab.yaml:3: forward on 'n' names unknown node 'web'" },
	{ "name: a\nnetworks:\n  n: {mode: nat, forwards: [{proto: sctp, host: 80, target: r1}]}\nnodes:\n  r1: {kernel: k, nics: [n]}\n",
	  "lab.yaml:3: invalid proto 'sctp'" },
	{ "name: a\nnodes:\n  r1: {kernel: k, nics: [{}], routes: [{to: 10.0.0.0/8}]}\n",
	  "lab.yaml:3: a route needs to and via" },
	{ "name: a\nnodes:\n  r1: {kernel: k, nics: [{}]}\nlinks:\n  - [r1:eth0]\n",
	  "lab.yaml:5: a link needs exactly two endpoints" },
	{ "", "lab.yaml: the file is empty" },
	{ "- 1\n- 2\n", "lab.yaml:1: the lab must be a mapping" },
};

static void test_bad_inputs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		int ret = parse(bad_cases[i].text);

		if (ret != -EINVAL || !strstr(err, bad_cases[i].message))
			fail_msg("case %zu: ret %d, message '%s', expected '%s'", i, ret, err,
				 bad_cases[i].message);
	}
}

/* Truncated copies of a good file fail cleanly or parse; none crashes. */
static void test_truncations(void **state)
{
	(void)state;
	for (size_t n = 0; n < sizeof(router_line) - 1; n++) {
		err[0] = '\0';
		lab_parse(router_line, n, "lab.yaml", &lab_storage, err, sizeof(err));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_router_line),
		cmocka_unit_test(test_net_names),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_truncations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
