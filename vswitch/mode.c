// SPDX-License-Identifier: GPL-2.0-or-later
/* mode.c - the table of network modes, and the isolated mode, which plumbs nothing. */
#include <string.h>

#include "mode.h"

const struct net_mode net_mode_isolated = {
	.name = "isolated",
	.dhcp_default = true,
};

static const struct net_mode *const modes[] = {
	&net_mode_isolated, &net_mode_nat, &net_mode_routed, &net_mode_bridged,
};

const struct net_mode *mode_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(modes[i]->name, name))
			return modes[i];
	return NULL;
}
