/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysctl.h - the host sysctls the network modes set: forwarding and per-interface settings. */
#ifndef VSWITCH_SYSCTL_H
#define VSWITCH_SYSCTL_H

/** sysctl_write() - write @value (a newline is added) to /proc/sys/@path. Return: 0 or negative errno. */
int sysctl_write(const char *path, const char *value);

/**
 * sysctl_iface() - write net.@family.conf.@ifname.@key = @value
 * @family:	"ipv4" or "ipv6"
 * Return: 0, -EINVAL for a name that is not one path component, or negative errno.
 */
int sysctl_iface(const char *family, const char *ifname, const char *key, const char *value);

#endif /* VSWITCH_SYSCTL_H */
