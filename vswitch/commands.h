/* SPDX-License-Identifier: GPL-2.0-or-later */
/* commands.h - the control command table vswitchd serves. */
#ifndef VSWITCH_COMMANDS_H
#define VSWITCH_COMMANDS_H

#include "ctl.h"

/* Terminated by an entry whose name is NULL. */
extern const struct ctl_command vswitchd_commands[];

#endif /* VSWITCH_COMMANDS_H */
