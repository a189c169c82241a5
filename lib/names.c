// SPDX-License-Identifier: GPL-2.0-or-later
/* names.c - object, interface and namespace name rules (see names.h). */
#include <string.h>

#include "names.h"

#define IFNAME_MAX	16	/* IFNAMSIZ */
#define NETNS_NAME_MAX	255	/* NAME_MAX */

bool name_object_valid(const char *name)
{
	size_t i, len;

	if (!name)
		return false;
	len = strlen(name);
	if (len == 0 || len >= NAME_OBJECT_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* The kernel's isspace(): space, \t, \n, \v, \f, \r. */
static bool kernel_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

bool name_ifname_valid(const char *name)
{
	size_t len;

	if (!name || !name[0])
		return false;
	len = strnlen(name, IFNAME_MAX);
	if (len >= IFNAME_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (; *name; name++)
		if (*name == '/' || *name == ':' || kernel_isspace((unsigned char)*name))
			return false;
	return true;
}

bool name_netns_valid(const char *name)
{
	if (!name || !name[0] || strnlen(name, NETNS_NAME_MAX + 1) > NETNS_NAME_MAX)
		return false;
	return !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}
