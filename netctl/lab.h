/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lab.h - `netctl lab up|down|status|graph`: bring a topology file's
 * networks (over the control socket) and VMs (by running vmm) up and down.
 */
#ifndef NETCTL_LAB_H
#define NETCTL_LAB_H

#include <stddef.h>

#include "cmdline.h"

/**
 * netctl_lab_main() - run a lab command
 * @inv:	the parsed invocation; capture_argc/argv hold the words after "lab"
 * Return: the exit status.
 */
int netctl_lab_main(const struct netctl_invocation *inv);

/**
 * netctl_lab_resolve() - the vswitchd network of "LAB/NAME" (a link or a network)
 * @spec:	"LAB/NAME"
 * @net:	receives the vswitchd network name
 * @err:	one line on failure
 * @err_size:	size of @err in bytes
 *
 * Reads the lab's record under $VMM_RUN_DIR (default /run/vswitch/vmm)/.labs.
 * Return: 0 or negative errno.
 */
int netctl_lab_resolve(const char *spec, char net[16], char *err, size_t err_size);

#endif /* NETCTL_LAB_H */
