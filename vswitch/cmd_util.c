// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_util.c - parameter lookups shared by the control handlers (see cmd_util.h). */
#include <errno.h>
#include <stdio.h>

#include "cmd_util.h"
#include "network.h"
#include "param.h"

int cmd_need_network(json_t *params, const char *key, struct network **netp,
		     char *err, size_t err_size)
{
	const char *name;
	int ret = param_string(params, key, true, &name, err, err_size);

	if (ret)
		return ret;
	*netp = net_find(name);
	if (!*netp) {
		snprintf(err, err_size, "network '%s' not found", name);
		return -ENOENT;
	}
	/* A request acts on a network as it is: one still starting starts now. */
	net_settle(*netp);
	return 0;
}

int cmd_optional_network(json_t *params, struct network **netp, char *err, size_t err_size)
{
	*netp = NULL;
	if (!json_object_get(params, "net"))
		return 0;
	return cmd_need_network(params, "net", netp, err, err_size);
}

int cmd_need_port(json_t *params, struct network **netp, struct port **portp,
		  char *err, size_t err_size)
{
	const char *name;
	int ret = cmd_need_network(params, "net", netp, err, err_size);

	if (!ret)
		ret = param_string(params, "name", true, &name, err, err_size);
	if (ret)
		return ret;
	*portp = net_port_by_name(*netp, name);
	if (!*portp) {
		snprintf(err, err_size, "port '%s' not found in network '%s'", name, (*netp)->name);
		return -ENOENT;
	}
	return 0;
}
