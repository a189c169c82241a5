/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_lab_yaml.c - unit tests for the lab orchestrator's pure parts: the
 * topology parser (good files, and every bad one names its line), the plan
 * (what `up` creates, the `vmm run` command line, readiness, forwards) and
 * the lab's record.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "parse.h"
#include "plan.h"
#include "record.h"

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

/* Relative paths in a file are relative to its directory, found without dirname()'s overlap. */
static void test_file_dir(void **state)
{
	char dir[PATH_MAX];

	(void)state;
	lab_file_dir("/work/vswitch/examples/router-line.yaml", dir, sizeof(dir));
	assert_string_equal(dir, "/work/vswitch/examples");
	lab_file_dir("examples/nat-pair.yaml", dir, sizeof(dir));
	assert_string_equal(dir, "examples");
	lab_file_dir("lab.yaml", dir, sizeof(dir));
	assert_string_equal(dir, ".");
	lab_file_dir("/lab.yaml", dir, sizeof(dir));
	assert_string_equal(dir, "/");
}

/* Compare a NULL-terminated argv with the expected words. */
static void assert_words(const char *const *argv, const char *const *expected)
{
	size_t i;

	for (i = 0; expected[i]; i++) {
		if (!argv[i])
			fail_msg("word %zu missing, expected '%s'", i, expected[i]);
		if (strcmp(argv[i], expected[i]))
			fail_msg("word %zu is '%s', expected '%s'", i, argv[i], expected[i]);
	}
	if (argv[i])
		fail_msg("extra word %zu '%s'", i, argv[i]);
}

static void test_vm_args(void **state)
{
	static struct lab_vm_args args;
	static const char *const r1[] = {
		"run", "line-r1", "--kernel", "/w/examples/vmlinux", "--initrd", "/w/examples/initrd.gz",
		"--append", "console=ttyS0 quiet panic=-1 vswitch.name=r1 vswitch.ip=eth0:10.0.12.1/24"
			    " vswitch.route=10.0.23.0/24@10.0.12.2",
		"--memory", "160M", "--cpus", "1", "--net", "line-r1-r2", "--net", "line-mgmt", "--detach", NULL,
	};
	static const char *const r2[] = {
		"run", "line-r2", "--kernel", "/w/examples/vmlinux", "--initrd", "/w/examples/initrd.gz",
		"--append", "console=ttyS0 quiet panic=-1 vswitch.name=r2"
			    " vswitch.ip=eth0:10.0.12.2/24,eth1:10.0.23.2/24 vswitch.forward=1",
		"--memory", "256M", "--cpus", "1", "--net", "line-r1-r2",
		"--net", "line-core,mac=52:54:00:aa:bb:cc", "--detach", NULL,
	};
	static const char *const disk[] = {
		"run", "d-web", "--disk", "/img/web.qcow2", "--overlay", "--net", "d-lan", "--detach", NULL,
	};

	(void)state;
	assert_int_equal(parse(router_line), 0);
	assert_int_equal(lab_plan_vm_args(&lab_storage, &lab_storage.nodes[0], "/w/examples", &args), 0);
	assert_words(args.argv, r1);
	assert_int_equal(lab_plan_vm_args(&lab_storage, &lab_storage.nodes[1], "/w/examples", &args), 0);
	assert_words(args.argv, r2);

	assert_int_equal(parse("name: d\nnetworks: {lan: {mode: isolated}}\n"
			       "nodes:\n  web: {disk: /img/web.qcow2, overlay: true, nics: [lan]}\n"), 0);
	assert_int_equal(lab_plan_vm_args(&lab_storage, &lab_storage.nodes[0], "/elsewhere", &args), 0);
	assert_words(args.argv, disk);
}

/* The most a node may put on its kernel command line fits whole (it overran a 512-byte buffer once). */
static void test_vm_args_longest(void **state)
{
	static struct lab_vm_args args;
	char *text = malloc(16384);
	size_t used = 0;

	(void)state;
	assert_non_null(text);
	used += (size_t)snprintf(text + used, 16384 - used, "name: big\nnodes:\n  r1:\n    kernel: k\n"
				 "    append: \"%0250d\"\n    nics:\n", 0);
	for (int i = 0; i < LAB_MAX_NICS; i++)
		used += (size_t)snprintf(text + used, 16384 - used,
					 "      - {name: n%d, network: lan, address: 192.168.100.%d/24}\n",
					 i, 100 + i);
	used += (size_t)snprintf(text + used, 16384 - used, "    routes:\n");
	for (int i = 0; i < LAB_MAX_ROUTES; i++)
		used += (size_t)snprintf(text + used, 16384 - used,
					 "      - {to: 172.16.%d.0/24, via: 192.168.100.254}\n", 100 + i);
	snprintf(text + used, 16384 - used, "networks: {lan: {mode: isolated}}\n");
	assert_int_equal(parse(text), 0);
	free(text);
	assert_int_equal(lab_plan_vm_args(&lab_storage, &lab_storage.nodes[0], "/", &args), 0);
	assert_string_equal(args.argv[4], "--append");
	assert_true(strlen(args.argv[5]) > 2 * LAB_TEXT_MAX);
	assert_non_null(strstr(args.argv[5], ",eth7:192.168.100.107/24 vswitch.route=172.16.100.0/24@"));
	assert_non_null(strstr(args.argv[5], ",172.16.115.0/24@192.168.100.254"));
	assert_string_equal(args.argv[6], "--net");
}

static void test_plan_up(void **state)
{
	static struct lab_observed now;
	static struct lab_plan plan;
	json_t *params;

	(void)state;
	assert_int_equal(parse(router_line), 0);
	memset(&now, 0, sizeof(now));
	lab_plan_up(&lab_storage, &now, &plan);
	for (size_t i = 0; i < lab_storage.network_count; i++)
		assert_true(plan.create_net[i]);
	for (size_t i = 0; i < lab_storage.node_count; i++)
		assert_true(plan.boot_node[i]);

	/* A second `up` creates nothing that is there; a stopped VM boots again. */
	for (size_t i = 0; i < lab_storage.network_count; i++)
		now.net_exists[i] = true;
	snprintf(now.vm_state[0], sizeof(now.vm_state[0]), "running");
	snprintf(now.vm_state[1], sizeof(now.vm_state[1]), "starting");
	snprintf(now.vm_state[2], sizeof(now.vm_state[2]), "crashed");
	lab_plan_up(&lab_storage, &now, &plan);
	for (size_t i = 0; i < lab_storage.network_count; i++)
		assert_false(plan.create_net[i]);
	assert_false(plan.boot_node[0]);
	assert_false(plan.boot_node[1]);
	assert_true(plan.boot_node[2]);

	params = lab_plan_net_params(&lab_storage.networks[0]);
	assert_non_null(params);
	assert_string_equal(json_string_value(json_object_get(params, "name")), "line-mgmt");
	assert_string_equal(json_string_value(json_object_get(params, "mode")), "nat");
	assert_string_equal(json_string_value(json_object_get(params, "subnet")), "10.9.0.0/24");
	assert_string_equal(json_string_value(json_object_get(params, "dhcp_range")),
			    "10.9.0.100-10.9.0.200");
	assert_null(json_object_get(params, "dhcp"));
	json_decref(params);
	params = lab_plan_net_params(&lab_storage.networks[lab_find_network(&lab_storage, "core")]);
	assert_true(json_is_false(json_object_get(params, "dhcp")));
	json_decref(params);
}

static void test_serial_ready(void **state)
{
	static const char booting[] =
		"[    1.2] virtio_net virtio0 eth0: renamed\r\n"
		"VSWITCH-NET-UP eth0 10.0.12.1/24\r\n";
	static const char ready[] =
		"VSWITCH-NET-UP eth0 10.0.12.1/24\r\n"
		"VSWITCH-GUEST-READY\r\n"
		"VSWITCH-NET-UP eth1 10.9.0.100/24\r\n"
		"VSWITCH-NET-UP eth7 10.1.1.1/24\r\n";
	char addresses[LAB_MAX_NICS][LAB_ADDRESS_MAX];
	const struct lab_node *r1;
	FILE *f;

	(void)state;
	assert_int_equal(parse(router_line), 0);
	r1 = &lab_storage.nodes[0];
	assert_false(lab_plan_serial_ready(&lab_storage, r1, NULL, addresses));
	assert_string_equal(addresses[0], "");

	f = fmemopen((void *)booting, sizeof(booting) - 1, "r");
	assert_false(lab_plan_serial_ready(&lab_storage, r1, f, addresses));
	fclose(f);
	assert_string_equal(addresses[0], "10.0.12.1/24");

	/* eth1 is on mgmt, whose DHCP must hand it an address first; eth7 is no NIC of r1. */
	f = fmemopen((void *)ready, sizeof(ready) - 1, "r");
	assert_true(lab_plan_serial_ready(&lab_storage, r1, f, addresses));
	fclose(f);
	assert_string_equal(addresses[1], "10.9.0.100/24");
	assert_true(lab_nic_expects_address(&lab_storage, &r1->nics[1]));
}

static void test_forwards(void **state)
{
	static char addresses[LAB_MAX_NODES][LAB_MAX_NICS][LAB_ADDRESS_MAX];
	const struct lab_forward *fw;
	char target[128], message[256];
	json_t *list;

	(void)state;
	assert_int_equal(parse(router_line), 0);
	fw = &lab_storage.networks[0].forwards[0];
	assert_int_equal(lab_plan_forward_target(&lab_storage, 0, fw, addresses, target, sizeof(target),
						 message, sizeof(message)), -EAGAIN);
	assert_string_equal(message, "forward tcp 8080: node r1 has no address on mgmt yet");
	snprintf(addresses[0][1], LAB_ADDRESS_MAX, "10.9.0.100/24");
	assert_int_equal(lab_plan_forward_target(&lab_storage, 0, fw, addresses, target, sizeof(target),
						 message, sizeof(message)), 0);
	assert_string_equal(target, "10.9.0.100:80");

	list = json_pack("{s:[{s:s, s:i}, {s:s, s:s}]}", "forwards", "proto", "udp", "host", 8080,
			 "proto", "tcp", "host", "8081");
	assert_false(lab_plan_forward_present(list, fw));
	json_decref(list);
	list = json_pack("{s:[{s:s, s:i}]}", "forwards", "proto", "tcp", "host", 8080);
	assert_true(lab_plan_forward_present(list, fw));
	json_decref(list);
}

/* The record goes where `lab` runs, even under directories that do not exist yet. */
static void test_record(void **state)
{
	char top[] = "/tmp/test_lab_yaml.XXXXXX", run_dir[PATH_MAX], path[PATH_MAX];
	static struct lab lab;
	char message[512];
	json_t *rec;

	(void)state;
	assert_non_null(mkdtemp(top));
	snprintf(run_dir, sizeof(run_dir), "%s/run/vswitch/vmm", top);
	assert_int_equal(lab_record_read(run_dir, "line", &lab, message, sizeof(message)), -ENOENT);
	assert_non_null(strstr(message, "no lab named 'line' is up"));

	assert_int_equal(lab_record_save(run_dir, "line", "/w/line.yaml", router_line), 0);
	assert_int_equal(lab_record_path(run_dir, "line", path, sizeof(path)), 0);
	assert_int_equal(access(path, R_OK), 0);
	rec = lab_record_load(run_dir, "line");
	assert_non_null(rec);
	assert_string_equal(json_string_value(json_object_get(rec, "file")), "/w/line.yaml");
	assert_string_equal(json_string_value(json_object_get(rec, "yaml")), router_line);
	json_decref(rec);
	assert_int_equal(lab_record_read(run_dir, "line", &lab, message, sizeof(message)), 0);
	assert_int_equal(lab.node_count, 3);

	assert_int_equal(lab_record_remove(run_dir, "line"), 0);
	assert_null(lab_record_load(run_dir, "line"));
	assert_int_equal(lab_record_remove(run_dir, "line"), -ENOENT);

	/* Clean up the tree the record made. */
	*strrchr(path, '/') = '\0';
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(run_dir), 0);
	snprintf(path, sizeof(path), "%s/run/vswitch", top);
	assert_int_equal(rmdir(path), 0);
	snprintf(path, sizeof(path), "%s/run", top);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(top), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_router_line),
		cmocka_unit_test(test_net_names),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_file_dir),
		cmocka_unit_test(test_vm_args),
		cmocka_unit_test(test_vm_args_longest),
		cmocka_unit_test(test_plan_up),
		cmocka_unit_test(test_serial_ready),
		cmocka_unit_test(test_forwards),
		cmocka_unit_test(test_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
