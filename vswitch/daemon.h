/* SPDX-License-Identifier: GPL-2.0-or-later */
/* daemon.h - process-wide state of vswitchd shared by its modules: the control loop. */
#ifndef VSWITCH_DAEMON_H
#define VSWITCH_DAEMON_H

struct loop;

/* The control thread's event loop (set by main before anything else runs). */
extern struct loop *daemon_loop;

#endif /* VSWITCH_DAEMON_H */
