// SPDX-License-Identifier: GPL-2.0-or-later
/* daemon.c - process-wide state of vswitchd, kept apart from main() so unit tests can link the modules. */
#include <stddef.h>

#include "daemon.h"

struct loop *daemon_loop;
