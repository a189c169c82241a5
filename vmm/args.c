// SPDX-License-Identifier: GPL-2.0-or-later
/* args.c - `vmm run` options and shared value checks (pure functions, unit-tested). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "fmt.h"
#include "hash.h"
#include "names.h"

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int vm_name_check(const char *name, char *err, size_t err_size)
{
	size_t len = strlen(name), i;

	if (len == 0 || len > VM_NAME_MAX) {
		fmt(err, err_size, "VM name '%s' must be 1 to %d characters", name, VM_NAME_MAX);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (!name_char(name[i]) || (i == 0 && name[i] == '-')) {
			fmt(err, err_size,
				 "VM name '%s': use letters, digits, '_' and '-' (not first)", name);
			return -EINVAL;
		}
	}
	return 0;
}

int net_name_check(const char *name, char *err, size_t err_size)
{
	if (!name_object_valid(name)) {
		fmt(err, err_size, "invalid network name '%s': %s", name, NAME_OBJECT_RULE);
		return -EINVAL;
	}
	return 0;
}

int parse_memory_mib(const char *text, unsigned long *mib)
{
	unsigned long long value, result;
	char *end;

	if (!text || !*text || *text == '-' || *text == '+')
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || end == text)
		return -EINVAL;
	if (!strcmp(end, "") || !strcasecmp(end, "M") || !strcasecmp(end, "MiB") ||
	    !strcasecmp(end, "MB"))
		result = value;
	else if (!strcasecmp(end, "G") || !strcasecmp(end, "GiB") || !strcasecmp(end, "GB"))
		result = value > ULLONG_MAX / 1024 ? ULLONG_MAX : value * 1024;
	else if (!strcasecmp(end, "K") || !strcasecmp(end, "KiB") || !strcasecmp(end, "KB"))
		result = value % 1024 ? 0 : value / 1024;
	else
		return -EINVAL;
	if (result < VM_MEMORY_MIN_MIB || result > VM_MEMORY_MAX_MIB)
		return -EINVAL;
	*mib = (unsigned long)result;
	return 0;
}

int parse_net_spec(const char *text, struct vm_nic *nic, char *err, size_t err_size)
{
	char buf[128], *comma, *opt, *save = NULL;
	uint8_t mac[6];

	memset(nic, 0, sizeof(*nic));
	if (strlen(text) >= sizeof(buf)) {
		fmt(err, err_size, "--net '%.40s...' is too long", text);
		return -EINVAL;
	}
	strcpy(buf, text);
	comma = strchr(buf, ',');
	if (comma)
		*comma = '\0';
	if (net_name_check(buf, err, err_size))
		return -EINVAL;
	strcpy(nic->net, buf);
	if (!comma)
		return 0;
	for (opt = strtok_r(comma + 1, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
		if (!strncmp(opt, "mac=", 4)) {
			if (mac_parse_nic(opt + 4, mac)) {
				fmt(err, err_size,
					 "--net %s: '%s' is not a unicast MAC address (xx:xx:xx:xx:xx:xx)",
					 nic->net, opt + 4);
				return -EINVAL;
			}
			mac_format(mac, nic->mac);
		} else {
			fmt(err, err_size, "--net %s: unknown option '%s' (known: mac=MAC)",
				 nic->net, opt);
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_cpus(const char *text, unsigned int *cpus)
{
	char *end;
	unsigned long v;

	if (!*text || *text == '-' || *text == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v < 1 || v > VM_CPUS_MAX)
		return -EINVAL;
	*cpus = (unsigned int)v;
	return 0;
}

int run_options_parse(int argc, char **argv, struct run_options *o, char *err, size_t err_size)
{
	enum { OPT_KERNEL = 256, OPT_INITRD, OPT_APPEND, OPT_DISK, OPT_OVERLAY, OPT_ACCEL };
	static const struct option longopts[] = {
		{ "kernel",	required_argument, NULL, OPT_KERNEL },
		{ "initrd",	required_argument, NULL, OPT_INITRD },
		{ "append",	required_argument, NULL, OPT_APPEND },
		{ "disk",	required_argument, NULL, OPT_DISK },
		{ "overlay",	no_argument,	   NULL, OPT_OVERLAY },
		{ "memory",	required_argument, NULL, 'm' },
		{ "cpus",	required_argument, NULL, 'c' },
		{ "net",	required_argument, NULL, 'n' },
		{ "accel",	required_argument, NULL, OPT_ACCEL },
		{ "detach",	no_argument,	   NULL, 'd' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, i, j;

	memset(o, 0, sizeof(*o));
	o->memory_mib = VM_DEFAULT_MEMORY_MIB;
	o->cpus = 1;
	o->accel = ACCEL_AUTO;
	optind = 0;	/* GNU: start over, so the parser can run more than once */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:c:n:dh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_KERNEL: o->kernel = optarg; break;
		case OPT_INITRD: o->initrd = optarg; break;
		case OPT_APPEND: o->append = optarg; break;
		case OPT_DISK: o->disk = optarg; break;
		case OPT_OVERLAY: o->overlay = true; break;
		case 'd': o->detach = true; break;
		case 'h': o->help = true; return 0;
		case 'm':
			if (parse_memory_mib(optarg, &o->memory_mib)) {
				fmt(err, err_size,
					 "--memory '%s': give a size like 256M or 1G (%d MiB to %d GiB)",
					 optarg, VM_MEMORY_MIN_MIB, VM_MEMORY_MAX_MIB / 1024);
				return -EINVAL;
			}
			break;
		case 'c':
			if (parse_cpus(optarg, &o->cpus)) {
				fmt(err, err_size, "--cpus '%s': give a whole number from 1 to %d",
					 optarg, VM_CPUS_MAX);
				return -EINVAL;
			}
			break;
		case 'n':
			if (o->nic_count == VM_NICS_MAX) {
				fmt(err, err_size, "at most %d --net options", VM_NICS_MAX);
				return -EINVAL;
			}
			if (parse_net_spec(optarg, &o->nics[o->nic_count], err, err_size))
				return -EINVAL;
			o->nics[o->nic_count].id = o->nic_count;
			o->nic_count++;
			break;
		case OPT_ACCEL:
			if (accel_parse(optarg, &o->accel)) {
				fmt(err, err_size, "--accel '%s': use auto, kvm or tcg", optarg);
				return -EINVAL;
			}
			break;
		case ':':
			fmt(err, err_size, "option '%s' needs a value", argv[optind - 1]);
			return -EINVAL;
		default:
			fmt(err, err_size, "unknown option '%s' (see vmm run --help)",
				 argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc && !o->name)
		o->name = argv[optind++];
	if (optind < argc) {
		fmt(err, err_size, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (!o->name) {
		fmt(err, err_size, "missing VM name: vmm run NAME (--kernel K | --disk IMG) ...");
		return -EINVAL;
	}
	if (vm_name_check(o->name, err, err_size))
		return -EINVAL;
	if (!o->kernel == !o->disk) {
		fmt(err, err_size, "give exactly one of --kernel (direct boot) and --disk");
		return -EINVAL;
	}
	if (o->disk && (o->initrd || o->append)) {
		fmt(err, err_size, "--initrd and --append go with --kernel, not --disk");
		return -EINVAL;
	}
	if (o->overlay && !o->disk) {
		fmt(err, err_size, "--overlay needs --disk (the backing image)");
		return -EINVAL;
	}
	for (i = 0; i < o->nic_count; i++)
		for (j = 0; j < i; j++)
			if (o->nics[i].mac[0] && !strcmp(o->nics[i].mac, o->nics[j].mac)) {
				fmt(err, err_size, "MAC %s given to two NICs", o->nics[i].mac);
				return -EINVAL;
			}
	return 0;
}

void vm_port_name(const char *vm_name, int nic_id, char out[VM_PORT_NAME_MAX + 1])
{
	char suffix[8] = "";
	size_t room, len = strlen(vm_name);

	if (nic_id > 0)
		fmt(suffix, sizeof(suffix), ".%d", nic_id % 1000);
	room = VM_PORT_NAME_MAX - strlen(suffix);
	if (len <= room) {
		memcpy(out, vm_name, len);
		strcpy(out + len, suffix);
		return;
	}
	fmt(out, VM_PORT_NAME_MAX + 1, "%.*s%04x%s", (int)(room - 4), vm_name,
		 (unsigned int)(hash_fnv1a_str(vm_name) & 0xffff), suffix);
}
