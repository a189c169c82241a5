// SPDX-License-Identifier: GPL-2.0-or-later
/* switch.c - vswitchd control-protocol client for vmm (ports, networks, leases). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "fmt.h"
#include "ctl.h"
#include "switch.h"

int sw_open(struct sw *sw, const char *path, char *err, size_t err_size)
{
	struct timeval tv = { .tv_sec = SW_TIMEOUT_SEC };
	int fd;

	sw->fd = -1;
	fmt(sw->path, sizeof(sw->path), "%s", path);
	fd = ctl_connect(path);
	if (fd < 0) {
		fmt(err, err_size, "cannot connect to vswitchd at %s: %s%s", path,
			 strerror(-fd),
			 fd == -ENOENT || fd == -ECONNREFUSED ? " (is vswitchd running?)" :
			 fd == -EACCES || fd == -EPERM ? " (are you root or in the socket's group?)" : "");
		return fd;
	}
	/* A daemon that stops answering must not hang vmm. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	sw->fd = fd;
	return 0;
}

void sw_close(struct sw *sw)
{
	if (sw->fd >= 0)
		close(sw->fd);
	sw->fd = -1;
}

int sw_call(struct sw *sw, const char *method, json_t *params, json_t **result,
	    char *err, size_t err_size)
{
	json_t *res = NULL;
	char *message = NULL;
	int ret;

	if (sw->fd < 0) {
		json_decref(params);
		fmt(err, err_size, "not connected to vswitchd");
		return -ENOTCONN;
	}
	ret = ctl_call(sw->fd, method, params, NULL, 0, &res, &message);
	if (ret < 0) {
		if (message)
			fmt(err, err_size, "%s", message);
		else
			fmt(err, err_size, "no reply from vswitchd at %s to %s: %s", sw->path,
				 method, ret == -EAGAIN ? "timed out" : strerror(-ret));
		free(message);
		return ret;
	}
	free(message);
	if (result)
		*result = res;
	else
		json_decref(res);
	return 0;
}

int sw_net_check(struct sw *sw, const char *net, char *err, size_t err_size)
{
	json_t *res = NULL, *n;
	size_t i;
	int ret = sw_call(sw, "net.list", NULL, &res, err, err_size);

	if (ret)
		return ret;
	ret = -ENOENT;
	json_array_foreach(json_object_get(res, "networks"), i, n)
		if (!strcmp(json_string_value(json_object_get(n, "name")) ?: "", net))
			ret = 0;
	json_decref(res);
	if (ret)
		fmt(err, err_size, "network '%s' not found (netctl net list shows them)", net);
	return ret;
}

int sw_port_add(struct sw *sw, const char *net, const char *port, const char *socket_path,
		const char *mac, char *err, size_t err_size)
{
	json_t *params = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "net", net, "name", port,
				   "type", "vhost-user", "socket", socket_path, "client", 1,
				   "mac", mac);

	return sw_call(sw, "port.add", params, NULL, err, err_size);
}

int sw_port_del(struct sw *sw, const char *net, const char *port, char *err, size_t err_size)
{
	int ret = sw_call(sw, "port.del", json_pack("{s:s, s:s}", "net", net, "name", port),
			  NULL, err, err_size);

	return ret == -ENOENT ? 0 : ret;
}

json_t *sw_leases(struct sw *sw, const char *net)
{
	json_t *res = NULL, *leases;
	char err[256];

	if (sw->fd < 0 || sw_call(sw, "dhcp.leases", json_pack("{s:s}", "net", net), &res,
				  err, sizeof(err)))
		return NULL;
	leases = json_is_array(res) ? json_incref(res) : json_incref(json_object_get(res, "leases"));
	json_decref(res);
	if (!json_is_array(leases)) {
		json_decref(leases);
		return NULL;
	}
	return leases;
}

const char *sw_lease_ip(const json_t *leases, const char *mac)
{
	const char *lease_mac, *ip = NULL;
	json_t *l;
	size_t i;

	json_array_foreach(leases, i, l) {
		lease_mac = json_string_value(json_object_get(l, "mac"));
		if (!lease_mac || strcasecmp(lease_mac, mac))
			continue;
		ip = json_string_value(json_object_get(l, "ip")) ?:
		     json_string_value(json_object_get(l, "address"));
	}
	return ip;
}
