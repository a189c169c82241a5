/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_vmm_args.c - vmm's pure parts: `vmm run` options, names, MACs, port names, the KVM/TCG decision, saving a record. */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <linux/kvm.h>

#include "../../vmm/accel.h"
#include "../../vmm/args.h"
#include "../../vmm/mac.h"
#include "../../vmm/state.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void test_run_defaults_and_order(void **state)
{
	char *argv[] = { "run", "--kernel", "/k", "web", "--net", "lan", "--detach",
			 "--net", "dmz,mac=52:54:00:AA:bb:01", "--append", "console=ttyS0 quiet" };
	struct run_options o;
	char err[256];

	(void)state;
	assert_int_equal(run_options_parse(ARGC(argv), argv, &o, err, sizeof(err)), 0);
	assert_string_equal(o.name, "web");
	assert_string_equal(o.kernel, "/k");
	assert_string_equal(o.append, "console=ttyS0 quiet");
	assert_null(o.disk);
	assert_int_equal(o.memory_mib, 256);
	assert_int_equal(o.cpus, 1);
	assert_int_equal(o.accel, ACCEL_AUTO);
	assert_true(o.detach);
	assert_int_equal(o.nic_count, 2);
	assert_string_equal(o.nics[0].net, "lan");
	assert_string_equal(o.nics[0].mac, "");
	assert_int_equal(o.nics[0].id, 0);
	assert_string_equal(o.nics[1].net, "dmz");
	assert_string_equal(o.nics[1].mac, "52:54:00:aa:bb:01");
	assert_int_equal(o.nics[1].id, 1);
}

static void test_run_values(void **state)
{
	char *argv[] = { "run", "db", "--disk", "/img.qcow2", "--overlay", "-m", "1G", "--cpus", "2",
			 "--accel", "tcg" };
	struct run_options o;
	char err[256];

	(void)state;
	assert_int_equal(run_options_parse(ARGC(argv), argv, &o, err, sizeof(err)), 0);
	assert_string_equal(o.disk, "/img.qcow2");
	assert_true(o.overlay);
	assert_int_equal(o.memory_mib, 1024);
	assert_int_equal(o.cpus, 2);
	assert_int_equal(o.accel, ACCEL_TCG);
	/* The parser starts over on every call. */
	assert_int_equal(run_options_parse(ARGC(argv), argv, &o, err, sizeof(err)), 0);
	assert_string_equal(o.name, "db");
}

static void expect_run_error(int argc, char **argv, const char *needle)
{
	struct run_options o;
	char err[256] = "";

	assert_int_equal(run_options_parse(argc, argv, &o, err, sizeof(err)), -EINVAL);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
}

static void test_run_errors(void **state)
{
	char *no_name[] = { "run", "--kernel", "/k" };
	char *no_boot[] = { "run", "a" };
	char *both[] = { "run", "a", "--kernel", "/k", "--disk", "/d" };
	char *initrd_disk[] = { "run", "a", "--disk", "/d", "--initrd", "/i" };
	char *overlay_kernel[] = { "run", "a", "--kernel", "/k", "--overlay" };
	char *bad_mem[] = { "run", "a", "--kernel", "/k", "--memory", "12X" };
	char *tiny_mem[] = { "run", "a", "--kernel", "/k", "--memory", "1M" };
	char *bad_cpus[] = { "run", "a", "--kernel", "/k", "--cpus", "0" };
	char *bad_accel[] = { "run", "a", "--kernel", "/k", "--accel", "xen" };
	char *bad_mac[] = { "run", "a", "--kernel", "/k", "--net", "lan,mac=01:00:00:00:00:01" };
	char *bad_opt[] = { "run", "a", "--kernel", "/k", "--net", "lan,vlan=3" };
	char *dup_mac[] = { "run", "a", "--kernel", "/k", "--net", "x,mac=52:54:00:00:00:01",
			    "--net", "y,mac=52:54:00:00:00:01" };
	char *bad_name[] = { "run", "a.b", "--kernel", "/k" };
	char *bad_net[] = { "run", "a", "--kernel", "/k", "--net", "this-name-is-too-long" };
	char *extra[] = { "run", "a", "b", "--kernel", "/k" };
	char *unknown[] = { "run", "a", "--kernel", "/k", "--bogus" };
	char *missing[] = { "run", "a", "--kernel" };

	(void)state;
	expect_run_error(ARGC(no_name), no_name, "missing VM name");
	expect_run_error(ARGC(no_boot), no_boot, "exactly one of --kernel");
	expect_run_error(ARGC(both), both, "exactly one of --kernel");
	expect_run_error(ARGC(initrd_disk), initrd_disk, "go with --kernel");
	expect_run_error(ARGC(overlay_kernel), overlay_kernel, "--overlay needs --disk");
	expect_run_error(ARGC(bad_mem), bad_mem, "--memory '12X'");
	expect_run_error(ARGC(tiny_mem), tiny_mem, "--memory '1M'");
	expect_run_error(ARGC(bad_cpus), bad_cpus, "--cpus '0'");
	expect_run_error(ARGC(bad_accel), bad_accel, "--accel 'xen'");
	expect_run_error(ARGC(bad_mac), bad_mac, "not a unicast MAC");
	expect_run_error(ARGC(bad_opt), bad_opt, "unknown option 'vlan=3'");
	expect_run_error(ARGC(dup_mac), dup_mac, "given to two NICs");
	expect_run_error(ARGC(bad_name), bad_name, "VM name 'a.b'");
	expect_run_error(ARGC(bad_net), bad_net, "invalid network name 'this-name-is-too-long': 1-15 characters");
	expect_run_error(ARGC(extra), extra, "unexpected argument 'b'");
	expect_run_error(ARGC(unknown), unknown, "unknown option '--bogus'");
	expect_run_error(ARGC(missing), missing, "needs a value");
}

static void test_memory_sizes(void **state)
{
	unsigned long mib;

	(void)state;
	assert_int_equal(parse_memory_mib("256", &mib), 0);
	assert_int_equal(mib, 256);
	assert_int_equal(parse_memory_mib("128M", &mib), 0);
	assert_int_equal(mib, 128);
	assert_int_equal(parse_memory_mib("2g", &mib), 0);
	assert_int_equal(mib, 2048);
	assert_int_equal(parse_memory_mib("65536K", &mib), 0);
	assert_int_equal(mib, 64);
	assert_int_equal(parse_memory_mib("1000K", &mib), -EINVAL);
	assert_int_equal(parse_memory_mib("-5M", &mib), -EINVAL);
	assert_int_equal(parse_memory_mib("", &mib), -EINVAL);
	assert_int_equal(parse_memory_mib("99999999999999999999G", &mib), -EINVAL);
	assert_int_equal(parse_memory_mib("2048G", &mib), -EINVAL);
}

static void test_names(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(vm_name_check("web-1_a", err, sizeof(err)), 0);
	assert_int_equal(vm_name_check("-x", err, sizeof(err)), -EINVAL);
	assert_int_equal(vm_name_check("", err, sizeof(err)), -EINVAL);
	assert_int_equal(vm_name_check("a/b", err, sizeof(err)), -EINVAL);
	assert_int_equal(vm_name_check("..", err, sizeof(err)), -EINVAL);
	assert_int_equal(net_name_check("lab.1", err, sizeof(err)), 0);
	assert_int_equal(net_name_check("a b", err, sizeof(err)), -EINVAL);
	/* The rule vswitchd applies: not starting with '.' or '-', at most 15. */
	assert_int_equal(net_name_check(".lab", err, sizeof(err)), -EINVAL);
	assert_int_equal(net_name_check("-lab", err, sizeof(err)), -EINVAL);
	assert_int_equal(net_name_check("..", err, sizeof(err)), -EINVAL);
	assert_int_equal(net_name_check("abcdefghijklmno", err, sizeof(err)), 0);
	assert_int_equal(net_name_check("abcdefghijklmnop", err, sizeof(err)), -EINVAL);
}

static void test_port_names(void **state)
{
	char a[16], b[16], c[16];

	(void)state;
	vm_port_name("web", 0, a);
	assert_string_equal(a, "web");
	vm_port_name("web", 3, a);
	assert_string_equal(a, "web.3");
	vm_port_name("fifteen-chars-x", 0, a);
	assert_string_equal(a, "fifteen-chars-x");
	/* Too long: first characters, a hash of the whole name, the NIC suffix. */
	vm_port_name("fifteen-chars-x", 1, a);
	assert_int_equal(strlen(a), 15);
	assert_memory_equal(a, "fifteen-c", 9);
	assert_string_equal(a + 13, ".1");
	vm_port_name("a-very-long-vm-name-number-one", 0, b);
	vm_port_name("a-very-long-vm-name-number-two", 0, c);
	assert_int_equal(strlen(b), 15);
	assert_string_not_equal(b, c);

	/* The hashed forms are vswitchd port names of running VMs: they never change. */
	vm_port_name("fifteen-chars-x", 1, a);
	assert_string_equal(a, "fifteen-c0987.1");
	vm_port_name("a-very-long-vm-name-number-one", 0, a);
	assert_string_equal(a, "a-very-long7839");
	vm_port_name("lab-with-long-name-router7", 12, a);
	assert_string_equal(a, "lab-with1297.12");
}

static void test_macs(void **state)
{
	uint8_t mac[6], again[6], other[6];
	char text[MAC_TEXT_SIZE];

	(void)state;
	assert_int_equal(mac_parse_nic("52:54:00:AB:cd:0f", mac), 0);
	mac_format(mac, text);
	assert_string_equal(text, "52:54:00:ab:cd:0f");
	assert_int_equal(mac_parse_nic("52:54:00:ab:cd", mac), -EINVAL);
	assert_int_equal(mac_parse_nic("52-54-00-ab-cd-0f", mac), -EINVAL);
	assert_int_equal(mac_parse_nic("ff:ff:ff:ff:ff:ff", mac), -EINVAL);
	assert_int_equal(mac_parse_nic("00:00:00:00:00:00", mac), -EINVAL);
	assert_int_equal(mac_parse_nic("52:54:00:ab:cd:0g", mac), -EINVAL);

	/* Stable per VM and NIC; different for another NIC, VM or attempt. */
	mac_for_nic("web", 0, 0, mac);
	mac_for_nic("web", 0, 0, again);
	assert_memory_equal(mac, again, 6);
	assert_memory_equal(mac, "\x52\x54\x00", 3);
	mac_for_nic("web", 1, 0, other);
	assert_memory_not_equal(mac, other, 6);
	mac_for_nic("db", 0, 0, other);
	assert_memory_not_equal(mac, other, 6);
	mac_for_nic("web", 0, 1, other);
	assert_memory_not_equal(mac, other, 6);

	/* Generated MACs are guests' addresses (and DHCP leases): they never change. */
	mac_for_nic("web", 0, 0, mac);
	mac_format(mac, text);
	assert_string_equal(text, "52:54:00:2a:7b:cd");
	mac_for_nic("line-r2", 1, 3, mac);
	mac_format(mac, text);
	assert_string_equal(text, "52:54:00:9c:30:e5");
}

static void test_macs_spread(void **state)
{
	/* 200 VMs with 4 NICs each: generated MACs rarely collide (retries handle the rest). */
	static uint32_t seen[800];
	char name[32];
	uint8_t mac[6];
	int i, j, n = 0, collisions = 0;

	(void)state;
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "vm%d", i);
		for (j = 0; j < 4; j++) {
			uint32_t v;
			int k;

			mac_for_nic(name, j, 0, mac);
			v = (uint32_t)mac[3] << 16 | mac[4] << 8 | mac[5];
			for (k = 0; k < n; k++)
				if (seen[k] == v)
					collisions++;
			seen[n++] = v;
		}
	}
	assert_true(collisions <= 1);
}

static const struct accel_probe real_kvm = {
	.cpu_has_vmx_svm = true, .kvm_present = true, .kvm_open_errno = 0,
	.kvm_api_version = KVM_API_VERSION, .kvm_is_pvm = false,
};

static void test_accel_decisions(void **state)
{
	struct accel_probe p;
	enum accel_mode chosen;
	char why[256];

	(void)state;
	assert_int_equal(accel_decide(ACCEL_AUTO, &real_kvm, &chosen, why, sizeof(why)), 0);
	assert_int_equal(chosen, ACCEL_KVM);
	assert_int_equal(accel_decide(ACCEL_KVM, &real_kvm, &chosen, why, sizeof(why)), 0);
	assert_int_equal(chosen, ACCEL_KVM);
	assert_int_equal(accel_decide(ACCEL_TCG, &real_kvm, &chosen, why, sizeof(why)), 0);
	assert_int_equal(chosen, ACCEL_TCG);

	/* These machines: kvm-pvm behind /dev/kvm, no vmx/svm. */
	p = real_kvm;
	p.kvm_is_pvm = true;
	p.cpu_has_vmx_svm = false;
	assert_int_equal(accel_decide(ACCEL_AUTO, &p, &chosen, why, sizeof(why)), 0);
	assert_int_equal(chosen, ACCEL_TCG);
	assert_non_null(strstr(why, "kvm-pvm"));
	assert_int_equal(accel_decide(ACCEL_KVM, &p, &chosen, why, sizeof(why)), -ENODEV);
	assert_non_null(strstr(why, "kvm-pvm"));

	/* PVM even with the CPU flags: still not a stock-kernel KVM. */
	p = real_kvm;
	p.kvm_is_pvm = true;
	assert_int_equal(accel_decide(ACCEL_AUTO, &p, &chosen, why, sizeof(why)), 0);
	assert_int_equal(chosen, ACCEL_TCG);

	p = real_kvm;
	p.cpu_has_vmx_svm = false;
	assert_int_equal(accel_decide(ACCEL_AUTO, &p, &chosen, why, sizeof(why)), 0);
	assert_int_equal(chosen, ACCEL_TCG);
	assert_non_null(strstr(why, "vmx or svm"));

	p = real_kvm;
	p.kvm_present = false;
	assert_int_equal(accel_decide(ACCEL_AUTO, &p, &chosen, why, sizeof(why)), 0);
	assert_int_equal(chosen, ACCEL_TCG);
	assert_non_null(strstr(why, "does not exist"));

	p = real_kvm;
	p.kvm_open_errno = EACCES;
	assert_int_equal(accel_decide(ACCEL_AUTO, &p, &chosen, why, sizeof(why)), 0);
	assert_int_equal(chosen, ACCEL_TCG);
	assert_non_null(strstr(why, "Permission denied"));

	p = real_kvm;
	p.kvm_api_version = 11;
	assert_int_equal(accel_decide(ACCEL_KVM, &p, &chosen, why, sizeof(why)), -ENODEV);
	assert_non_null(strstr(why, "API version 11"));

	assert_int_equal(accel_parse("auto", &chosen), 0);
	assert_int_equal(accel_parse("KVM", &chosen), -EINVAL);
	assert_string_equal(accel_name(ACCEL_TCG), "tcg");
}

static void ignore_signal(int signal_number)
{
	(void)signal_number;
}

/* A short write (here: the file size limit) reports its own error, not whatever errno held. */
static void test_save_short_write(void **state)
{
	char dir[] = "/tmp/test_vmm_args.XXXXXX", path[PATH_MAX];
	struct rlimit old_limit, limit = { .rlim_cur = 64, .rlim_max = RLIM_INFINITY };
	struct sigaction ignore = { .sa_handler = ignore_signal }, old_action;
	static struct vm vm;
	int ret;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(vm_init(&vm, dir, "web"), 0);
	assert_int_equal(mkdir(vm.dir, 0755), 0);
	snprintf(vm.kernel, sizeof(vm.kernel), "/a/kernel/path/long/enough/to/pass/sixty-four/bytes");

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
	limit.rlim_max = old_limit.rlim_max;
	sigemptyset(&ignore.sa_mask);
	assert_int_equal(sigaction(SIGXFSZ, &ignore, &old_action), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &limit), 0);
	errno = ENOENT;		/* stale, from something earlier */
	ret = vm_save(&vm);
	setrlimit(RLIMIT_FSIZE, &old_limit);
	sigaction(SIGXFSZ, &old_action, NULL);
	assert_int_equal(ret, -EFBIG);

	/* Nothing half-written is left, and a save that fits still works. */
	assert_int_equal(vm_path(&vm, "vm.json", path, sizeof(path)), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(vm_save(&vm), 0);
	assert_int_equal(vm_load(&vm, dir, "web"), 0);
	assert_string_equal(vm.kernel, "/a/kernel/path/long/enough/to/pass/sixty-four/bytes");
	vm_remove_dir(&vm);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_defaults_and_order),
		cmocka_unit_test(test_run_values),
		cmocka_unit_test(test_run_errors),
		cmocka_unit_test(test_memory_sizes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_port_names),
		cmocka_unit_test(test_macs),
		cmocka_unit_test(test_macs_spread),
		cmocka_unit_test(test_accel_decisions),
		cmocka_unit_test(test_save_short_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
