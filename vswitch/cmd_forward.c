// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_forward.c - control handlers for port forwards and DHCP: forward.add/del/list, dhcp.leases, dhcp.host.add/del. */
#include <errno.h>
#include <stdio.h>

#include "cmd_handlers.h"
#include "cmd_util.h"
#include "ctl.h"
#include "dhcp_service.h"
#include "forward.h"
#include "network.h"
#include "param.h"

CMD_HANDLER(cmd_forward_add)
{
	json_t *warnings, *added = NULL;
	struct network *net;
	int ret = cmd_need_network(req->params, "net", &net, err, err_size);

	if (ret)
		return ret;
	warnings = json_array();
	ret = net_forward_add(net, req->params, warnings, &added, err, err_size);
	if (!ret) {
		if (json_array_size(warnings))
			json_object_set(added, "warnings", warnings);
		*result = added;
	}
	json_decref(warnings);
	return ret;
}

CMD_HANDLER(cmd_forward_del)
{
	struct network *net;
	int ret = cmd_need_network(req->params, "net", &net, err, err_size);

	(void)result;
	return ret ? ret : net_forward_del(net, req->params, err, err_size);
}

CMD_HANDLER(cmd_forward_list)
{
	struct network *net, *only;
	json_t *list;
	size_t i;
	int ret = cmd_optional_network(req->params, &only, err, err_size);

	if (ret)
		return ret;
	list = json_array();
	for (net = net_first(); net; net = net->next) {
		if (only && net != only)
			continue;
		for (i = 0; i < net->nforwards; i++)
			json_array_append_new(list, forward_to_json(net->name, &net->forwards[i]));
	}
	*result = json_pack("{s:o}", "forwards", list);
	return 0;
}

CMD_HANDLER(cmd_dhcp_leases)
{
	uint64_t offset = 0, limit = 0;
	struct network *net;
	int ret = param_u64(req->params, "offset", 0, UINT32_MAX, &offset, err, err_size);

	if (!ret)
		ret = param_u64(req->params, "limit", 0, UINT32_MAX, &limit, err, err_size);
	if (ret) {
		snprintf(err, err_size, "'offset' and 'limit' must be non-negative integers");
		return ret;
	}
	ret = cmd_need_network(req->params, "net", &net, err, err_size);
	if (ret)
		return ret;
	*result = dhcp_service_leases(net, (uint32_t)offset, (uint32_t)limit, err, err_size);
	return *result ? 0 : -EINVAL;
}

CMD_HANDLER(cmd_dhcp_host_add)
{
	struct network *net;
	int ret = cmd_need_network(req->params, "net", &net, err, err_size);

	(void)result;
	return ret ? ret : net_dhcp_host_add(net, req->params, err, err_size);
}

CMD_HANDLER(cmd_dhcp_host_del)
{
	struct network *net;
	int ret = cmd_need_network(req->params, "net", &net, err, err_size);

	(void)result;
	return ret ? ret : net_dhcp_host_del(net, req->params, err, err_size);
}
