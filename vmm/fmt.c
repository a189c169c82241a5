// SPDX-License-Identifier: GPL-2.0-or-later
/* fmt.c - bounded formatting for messages and paths (see fmt.h). */
#include <stdarg.h>
#include <stdio.h>

#include "fmt.h"

int fmt(char *buf, size_t size, const char *format, ...)
{
	va_list ap;
	int n;

	va_start(ap, format);
	n = vsnprintf(buf, size, format, ap);
	va_end(ap);
	return n;
}
