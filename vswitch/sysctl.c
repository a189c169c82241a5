// SPDX-License-Identifier: GPL-2.0-or-later
/* sysctl.c - writing host sysctls under /proc/sys (see sysctl.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

int sysctl_write(const char *path, const char *value)
{
	char full[256], text[64];
	ssize_t n;
	int fd, ret = 0;
	int len;

	if (snprintf(full, sizeof(full), "/proc/sys/%s", path) >= (int)sizeof(full))
		return -ENAMETOOLONG;
	len = snprintf(text, sizeof(text), "%s\n", value);
	if (len >= (int)sizeof(text))
		return -EINVAL;
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, (size_t)len);
	if (n < 0)
		ret = -errno;
	else if (n != len)
		ret = -EIO;
	close(fd);
	return ret;
}

static int one_component(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

int sysctl_iface(const char *family, const char *ifname, const char *key, const char *value)
{
	char path[192];

	if (!one_component(family) || !one_component(ifname) || !one_component(key))
		return -EINVAL;
	snprintf(path, sizeof(path), "net/%s/conf/%s/%s", family, ifname, key);
	return sysctl_write(path, value);
}
