// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_net.c - control handlers for networks: net.create, start, stop, destroy, list, info. */
#include <errno.h>
#include <stdio.h>

#include "cmd_handlers.h"
#include "cmd_util.h"
#include "ctl.h"
#include "dhcp_service.h"
#include "network.h"
#include "param.h"

CMD_HANDLER(cmd_net_create)
{
	struct network *net;
	const char *name;
	int ret = param_string(req->params, "name", true, &name, err, err_size);

	if (!ret)
		ret = net_create(req->params, true, &net, err, err_size);
	if (!ret) {
		*result = net_to_json(net, false);
		net_warnings(net, *result);
	}
	return ret;
}

CMD_HANDLER(cmd_net_start)
{
	struct network *net;
	int ret = cmd_need_network(req->params, "name", &net, err, err_size);

	if (!ret)
		ret = net_start(net, err, err_size);
	if (!ret) {
		*result = net_to_json(net, false);
		net_warnings(net, *result);
	}
	return ret;
}

CMD_HANDLER(cmd_net_stop)
{
	struct network *net;
	int ret = cmd_need_network(req->params, "name", &net, err, err_size);

	if (!ret)
		ret = net_stop(net, err, err_size);
	if (!ret)
		*result = net_to_json(net, false);
	return ret;
}

CMD_HANDLER(cmd_net_destroy)
{
	json_t *force = json_object_get(req->params, "force");
	struct network *net;
	int ret = cmd_need_network(req->params, "name", &net, err, err_size);

	(void)result;
	if (ret)
		return ret;
	return net_destroy(net, force && json_is_true(force), err, err_size);
}

CMD_HANDLER(cmd_net_list)
{
	json_t *list = json_array();
	struct network *net;

	(void)req;
	(void)err;
	(void)err_size;
	for (net = net_first(); net; net = net->next)
		json_array_append_new(list, net_to_json(net, false));
	*result = json_pack("{s:o}", "networks", list);
	return 0;
}

CMD_HANDLER(cmd_net_info)
{
	struct network *net;
	json_t *obj;
	int ret = cmd_need_network(req->params, "name", &net, err, err_size);

	if (ret)
		return ret;
	obj = net_to_json(net, true);
	if (!obj)
		return -ENOMEM;
	/* "ports" is the count in listings; in net.info it is the list. */
	json_object_set(obj, "port_count", json_object_get(obj, "ports"));
	json_object_set(obj, "ports", json_object_get(obj, "port_list"));
	json_object_del(obj, "port_list");
	net_warnings(net, obj);
	if (dhcp_service_attached(net)) {
		json_object_set_new(obj, "dhcp_stats", dhcp_service_stats(net));
		json_object_set(obj, "dhcp_hosts", json_object_get(net->params, "dhcp_hosts") ?: json_array());
	}
	*result = obj;
	return 0;
}
