// SPDX-License-Identifier: GPL-2.0-or-later
/* strv.c - a growable, NULL-terminated vector of strings. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

void strv_add(struct strv *sv, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (sv->error)
		return;
	if (sv->len + 2 > sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 32;
		char **grown = realloc(sv->items, cap * sizeof(*grown));

		if (!grown) {
			sv->error = -ENOMEM;
			return;
		}
		sv->items = grown;
		sv->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		sv->error = -ENOMEM;
		va_end(ap);
		return;
	}
	va_end(ap);
	sv->items[sv->len++] = s;
	sv->items[sv->len] = NULL;
}

void strv_free(struct strv *sv)
{
	size_t i;

	for (i = 0; i < sv->len; i++)
		free(sv->items[i]);
	free(sv->items);
	memset(sv, 0, sizeof(*sv));
}

char *strv_join(const struct strv *sv)
{
	size_t i, size = 1;
	char *out;

	for (i = 0; i < sv->len; i++)
		size += strlen(sv->items[i]) + 1;
	out = malloc(size);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (i = 0; i < sv->len; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, sv->items[i]);
	}
	return out;
}
