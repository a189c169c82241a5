// SPDX-License-Identifier: GPL-2.0-or-later
/* accel.c - probe the host's KVM and decide between KVM and TCG (see accel.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmt.h"
#include "accel.h"

int accel_parse(const char *text, enum accel_mode *mode)
{
	if (!strcmp(text, "auto"))
		*mode = ACCEL_AUTO;
	else if (!strcmp(text, "kvm"))
		*mode = ACCEL_KVM;
	else if (!strcmp(text, "tcg"))
		*mode = ACCEL_TCG;
	else
		return -EINVAL;
	return 0;
}

const char *accel_name(enum accel_mode mode)
{
	switch (mode) {
	case ACCEL_KVM:
		return "kvm";
	case ACCEL_TCG:
		return "tcg";
	default:
		return "auto";
	}
}

static bool cpuinfo_has_vmx_svm(void)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *save = NULL, *word;

		if (strncmp(line, "flags", 5))
			continue;
		for (word = strtok_r(line, " \t\n", &save); word;
		     word = strtok_r(NULL, " \t\n", &save))
			if (!strcmp(word, "vmx") || !strcmp(word, "svm"))
				found = true;
		break;
	}
	fclose(f);
	return found;
}

void accel_probe_host(struct accel_probe *probe)
{
	struct stat st;
	int fd;

	memset(probe, 0, sizeof(*probe));
	probe->kvm_api_version = -1;
	probe->cpu_has_vmx_svm = cpuinfo_has_vmx_svm();
	probe->kvm_is_pvm = stat("/sys/module/kvm_pvm", &st) == 0;
	probe->kvm_present = stat("/dev/kvm", &st) == 0;
	if (!probe->kvm_present)
		return;
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		probe->kvm_open_errno = errno;
		return;
	}
	probe->kvm_api_version = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
}

/* Return: NULL if KVM can boot a stock guest here, else why not. */
static const char *kvm_unusable(const struct accel_probe *p, char *buf, size_t size)
{
	if (p->kvm_is_pvm)
		return "/dev/kvm is kvm-pvm (module kvm_pvm), which cannot boot a stock guest kernel";
	if (!p->cpu_has_vmx_svm)
		return "the CPU offers no hardware virtualization (no vmx or svm flag in /proc/cpuinfo)";
	if (!p->kvm_present)
		return "/dev/kvm does not exist (kvm_intel or kvm_amd not loaded)";
	if (p->kvm_open_errno) {
		fmt(buf, size, "cannot open /dev/kvm: %s", strerror(p->kvm_open_errno));
		return buf;
	}
	if (p->kvm_api_version != KVM_API_VERSION) {
		fmt(buf, size, "/dev/kvm answers API version %d, expected %d",
			 p->kvm_api_version, KVM_API_VERSION);
		return buf;
	}
	return NULL;
}

int accel_decide(enum accel_mode requested, const struct accel_probe *probe,
		 enum accel_mode *chosen, char *why, size_t why_size)
{
	char buf[160];
	const char *reason;

	if (requested == ACCEL_TCG) {
		*chosen = ACCEL_TCG;
		fmt(why, why_size, "tcg, as requested");
		return 0;
	}
	reason = kvm_unusable(probe, buf, sizeof(buf));
	if (requested == ACCEL_KVM) {
		if (reason) {
			fmt(why, why_size, "--accel kvm: %s; use --accel tcg or auto", reason);
			return -ENODEV;
		}
		*chosen = ACCEL_KVM;
		fmt(why, why_size, "kvm, as requested");
		return 0;
	}
	if (reason) {
		*chosen = ACCEL_TCG;
		fmt(why, why_size, "tcg (software emulation): %s", reason);
	} else {
		*chosen = ACCEL_KVM;
		fmt(why, why_size, "kvm: hardware virtualization behind /dev/kvm");
	}
	return 0;
}
