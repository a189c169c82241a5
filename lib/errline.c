// SPDX-License-Identifier: GPL-2.0-or-later
/* errline.c - one-line error reports for the command-line programs (see errline.h). */
#include <stdio.h>

#include "errline.h"

static const char *errline_prog = "vswitch";

void errline_set_prog(const char *prog)
{
	errline_prog = prog;
}

void errline_sanitize(char *text)
{
	for (char *c = text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
}

void verrline(const char *fmt, va_list ap)
{
	char message[1024];

	vsnprintf(message, sizeof(message), fmt, ap);
	errline_sanitize(message);
	fprintf(stderr, "%s: %s\n", errline_prog, message);
}

void errline(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrline(fmt, ap);
	va_end(ap);
}
