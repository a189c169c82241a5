/* SPDX-License-Identifier: GPL-2.0-or-later */
/* strv.h - a growable, NULL-terminated vector of strings (a command line). */
#ifndef VMM_STRV_H
#define VMM_STRV_H

#include <stddef.h>

struct strv {
	char **items;	/* NULL-terminated once anything was added */
	size_t len;	/* count of strings */
	size_t cap;
	int error;	/* first allocation failure (-ENOMEM), sticky */
};

/** strv_add() - append a printf-formatted string; failures are remembered in @sv->error. */
void strv_add(struct strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** strv_free() - free every string and the vector; accepts an empty one. */
void strv_free(struct strv *sv);

/** strv_join() - the strings joined by spaces (caller frees), for logs. */
char *strv_join(const struct strv *sv);

#endif /* VMM_STRV_H */
