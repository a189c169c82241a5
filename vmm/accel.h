/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * accel.h - choosing between KVM and TCG: probe what the host really offers,
 * then decide (a pure function, so every case is unit-tested).
 *
 * Theory of operation
 *
 * /dev/kvm existing is not enough. On these machines it is "kvm-pvm"
 * (Pagetable-based Virtual Machine): a KVM flavour for hosts that are
 * themselves VMs without nested hardware virtualisation; it runs only guest
 * kernels built for PVM, and a stock Debian kernel does not boot under it.
 * A host can really run stock guests under KVM only when the CPU exposes
 * VMX or SVM, /dev/kvm opens read-write, KVM_GET_API_VERSION answers 12, and
 * the module behind it is not kvm_pvm. Everything else means TCG.
 */
#ifndef VMM_ACCEL_H
#define VMM_ACCEL_H

#include <stdbool.h>
#include <stddef.h>

enum accel_mode {
	ACCEL_AUTO,
	ACCEL_KVM,
	ACCEL_TCG,
};

/* What the host offers, as probed. */
struct accel_probe {
	bool cpu_has_vmx_svm;	/* "vmx" or "svm" in /proc/cpuinfo flags */
	bool kvm_present;	/* /dev/kvm exists */
	int kvm_open_errno;	/* 0 if /dev/kvm opened read-write, else errno */
	int kvm_api_version;	/* KVM_GET_API_VERSION result, -1 if not asked */
	bool kvm_is_pvm;	/* /sys/module/kvm_pvm is loaded */
};

/**
 * accel_parse() - "auto", "kvm" or "tcg"
 * Return: 0 with @mode set, or -EINVAL.
 */
int accel_parse(const char *text, enum accel_mode *mode);

/** accel_name() - "auto", "kvm" or "tcg". */
const char *accel_name(enum accel_mode mode);

/** accel_probe_host() - fill @probe from /proc/cpuinfo, /dev/kvm and /sys/module. */
void accel_probe_host(struct accel_probe *probe);

/**
 * accel_decide() - the accelerator to use
 * @requested:	what the user asked for
 * @probe:	what the host offers
 * @chosen:	set to ACCEL_KVM or ACCEL_TCG on success
 * @why:	set to one line saying why (also the error message on failure)
 * @why_size:	size of @why in bytes
 *
 * Return: 0, or -ENODEV when KVM was requested but cannot boot guests here.
 */
int accel_decide(enum accel_mode requested, const struct accel_probe *probe,
		 enum accel_mode *chosen, char *why, size_t why_size);

#endif /* VMM_ACCEL_H */
