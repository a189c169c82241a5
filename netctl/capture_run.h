/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture_run.h - `netctl capture` run: the request, the output descriptor, the stream until the end. */
#ifndef NETCTL_CAPTURE_RUN_H
#define NETCTL_CAPTURE_RUN_H

#include "cmdline.h"

/*
 * How "LAB/LINK" becomes a network name (netctl.c sets it to
 * netctl_lab_resolve()); NULL: names with '/' are refused.
 */
extern int (*netctl_capture_resolver)(const char *spec, char net[16], char *err, size_t err_size);

/**
 * netctl_capture_main() - run `netctl capture` until -c, Ctrl-C or the end
 * @inv:	the parsed invocation (socket, timeout, the words after "capture")
 * Return: the exit status.
 */
int netctl_capture_main(const struct netctl_invocation *inv);

#endif /* NETCTL_CAPTURE_RUN_H */
