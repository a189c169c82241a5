// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mode_bridged.c - the bridged mode: the network's gateway tap is enslaved to
 * a Linux bridge of the host, so guests sit on that bridge's LAN.
 *
 * Theory of operation: vswitchd touches the bridge as little as it can. A
 * missing bridge is created, marked with the ifalias "vswitch:NET" and
 * brought up; an existing one is used as found. The uplink is enslaved only
 * when asked and only if it is free. No address is moved, added or removed.
 * On net stop or destroy the tap goes (leaving the bridge by itself), an
 * uplink vswitchd enslaved is released, and a bridge vswitchd created is
 * deleted. When the daemon stops, all of it stays. The alias is how a
 * restarted vswitchd (clean, or after kill -9) recognises a bridge it
 * created: it then owns it, and the uplink in it, exactly as before.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mode.h"
#include "names.h"
#include "netdef.h"
#include "nl.h"

struct bridged_state {
	char bridge[IFNAMSIZ];
	char uplink[IFNAMSIZ];		/* "" if none asked */
	bool bridge_created;		/* ours: delete on stop */
	bool uplink_enslaved;		/* ours: release on stop */
	bool uplink_was_down;		/* we brought it up */
};

static void alias_of(const struct network *net, char *buf, size_t size)
{
	snprintf(buf, size, "vswitch:%s", net->name);
}

static void bridged_undo(struct bridged_state *st, struct nl_sock *nl)
{
	struct nl_link_info info;

	if (!nl)
		return;
	if (st->uplink_enslaved && nl_link_get(nl, st->uplink, &info) == 0) {
		nl_link_set_master(nl, info.ifindex, 0);
		if (st->uplink_was_down)
			nl_link_set_up(nl, info.ifindex, false);
	}
	if (st->bridge_created && nl_link_get(nl, st->bridge, &info) == 0)
		nl_link_del(nl, info.ifindex);
}

static int bridged_check(const struct network *net, char *err, size_t err_size)
{
	const char *bridge = json_string_value(json_object_get(net->params, "bridge"));
	const char *uplink = json_string_value(json_object_get(net->params, "uplink"));

	if (!bridge) {
		snprintf(err, err_size, "mode bridged needs a bridge (--bridge BR)");
		return -EINVAL;
	}
	if (!name_ifname_valid(bridge) || (uplink && !name_ifname_valid(uplink))) {
		snprintf(err, err_size, "invalid interface name '%s'", name_ifname_valid(bridge) ? uplink : bridge);
		return -EINVAL;
	}
	if (!strncmp(bridge, NET_GATEWAY_PREFIX, strlen(NET_GATEWAY_PREFIX)) ||
	    (uplink && !strncmp(uplink, NET_GATEWAY_PREFIX, strlen(NET_GATEWAY_PREFIX)))) {
		snprintf(err, err_size, "interface names starting with '%s' belong to network gateways",
			 NET_GATEWAY_PREFIX);
		return -EINVAL;
	}
	if (uplink && !strcmp(uplink, bridge)) {
		snprintf(err, err_size, "the uplink cannot be the bridge itself");
		return -EINVAL;
	}
	return 0;
}

/* The bridge (created if missing) and the uplink in it, before the gateway tap joins. */
static int bridged_prepare(struct network *net, char *err, size_t err_size)
{
	const char *bridge = json_string_value(json_object_get(net->params, "bridge"));
	const char *uplink = json_string_value(json_object_get(net->params, "uplink"));
	struct nl_link_info br, up;
	struct bridged_state *st;
	char alias[64];
	struct nl_sock *nl;
	int ret;

	st = calloc(1, sizeof(*st));
	nl = nl_open();
	if (!st || !nl) {
		free(st);
		nl_close(nl);
		snprintf(err, err_size, "cannot open netlink socket: %s", strerror(errno));
		return -ENOMEM;
	}
	snprintf(st->bridge, sizeof(st->bridge), "%s", bridge);
	if (uplink)
		snprintf(st->uplink, sizeof(st->uplink), "%s", uplink);
	alias_of(net, alias, sizeof(alias));

	/* Check the uplink before creating anything. */
	if (uplink) {
		ret = nl_link_get(nl, uplink, &up);
		if (ret) {
			snprintf(err, err_size, "uplink '%s': %s", uplink,
				 ret == -ENODEV ? "no such interface" : strerror(-ret));
			goto err;
		}
	}
	ret = nl_link_get(nl, bridge, &br);
	if (ret == -ENODEV) {
		ret = nl_bridge_create(nl, bridge);
		if (!ret)
			ret = nl_link_get(nl, bridge, &br);
		if (ret) {
			snprintf(err, err_size, "cannot create bridge '%s': %s", bridge, strerror(-ret));
			goto err;
		}
		st->bridge_created = true;
		ret = nl_link_set_alias(nl, br.ifindex, alias);
		if (!ret)
			ret = nl_link_set_up(nl, br.ifindex, true);
		if (ret) {
			snprintf(err, err_size, "cannot set up bridge '%s': %s", bridge, strerror(-ret));
			goto err_undo;
		}
		log_info("network %s: created bridge %s", net->name, bridge);
	} else if (ret) {
		snprintf(err, err_size, "bridge '%s': %s", bridge, strerror(-ret));
		goto err;
	} else if (strcmp(br.kind, "bridge")) {
		snprintf(err, err_size, "'%s' exists but is not a bridge (it is %s)", bridge,
			 br.kind[0] ? br.kind : "a plain interface");
		ret = -EINVAL;
		goto err;
	} else if (!strcmp(br.alias, alias)) {
		/* Ours from an earlier run that did not stop cleanly. */
		st->bridge_created = true;
		if (!br.up)
			nl_link_set_up(nl, br.ifindex, true);
	}

	if (uplink) {
		if (up.master == br.ifindex) {
			/* Already in: ours only if the bridge is ours. */
			st->uplink_enslaved = st->bridge_created;
		} else if (up.master) {
			snprintf(err, err_size, "uplink '%s' is already enslaved to another interface", uplink);
			ret = -EBUSY;
			goto err_undo;
		} else {
			ret = nl_link_set_master(nl, up.ifindex, br.ifindex);
			if (ret) {
				snprintf(err, err_size, "cannot add uplink '%s' to bridge '%s': %s", uplink,
					 bridge, strerror(-ret));
				goto err_undo;
			}
			st->uplink_enslaved = true;
		}
		if (!up.up) {
			st->uplink_was_down = true;
			nl_link_set_up(nl, up.ifindex, true);
		}
		if (nl_addr_count(nl, up.ifindex) > 0)
			log_warn("network %s: uplink %s keeps its IPv4 addresses (vswitchd never moves addresses); "
				 "the host reaches the LAN through them only if you move them to %s",
				 net->name, uplink, bridge);
	}
	net->mode_state = st;
	nl_close(nl);
	return 0;

err_undo:
	bridged_undo(st, nl);
err:
	nl_close(nl);
	free(st);
	return ret;
}

/* The gateway tap joins the bridge. */
static int bridged_plumb(struct network *net, const char *ifname, char *err, size_t err_size)
{
	const struct bridged_state *st = net->mode_state;
	struct nl_link_info br, tap;
	struct nl_sock *nl = nl_open();
	int ret;

	if (!nl) {
		ret = -errno;
		snprintf(err, err_size, "cannot open netlink socket: %s", strerror(errno));
		return ret;
	}
	ret = nl_link_get(nl, st->bridge, &br);
	if (!ret)
		ret = nl_link_get(nl, ifname, &tap);
	if (!ret && tap.master != br.ifindex)
		ret = nl_link_set_master(nl, tap.ifindex, br.ifindex);
	if (ret)
		snprintf(err, err_size, "cannot add %s to bridge '%s': %s", ifname, st->bridge,
			 strerror(-ret));
	nl_close(nl);
	return ret;
}

static void bridged_unprepare(struct network *net)
{
	struct bridged_state *st = net->mode_state;
	struct nl_sock *nl;

	if (!st)
		return;
	nl = nl_open();
	bridged_undo(st, nl);
	if (st->bridge_created)
		log_info("network %s: deleted bridge %s", net->name, st->bridge);
	nl_close(nl);
	free(st);
	net->mode_state = NULL;
}

static void bridged_release(struct network *net)
{
	free(net->mode_state);
	net->mode_state = NULL;
}

static void bridged_describe(const struct network *net, json_t *obj)
{
	const struct bridged_state *st = net->mode_state;
	const char *bridge = json_string_value(json_object_get(net->params, "bridge"));
	const char *uplink = json_string_value(json_object_get(net->params, "uplink"));

	if (bridge)
		json_object_set_new(obj, "bridge", json_string(bridge));
	if (uplink)
		json_object_set_new(obj, "uplink", json_string(uplink));
	if (st)
		json_object_set_new(obj, "bridge_created", json_boolean(st->bridge_created));
}

const struct net_mode net_mode_bridged = {
	.name = "bridged",
	.gateway_role = "bridge",
	.check = bridged_check,
	.prepare = bridged_prepare,
	.plumb = bridged_plumb,
	.unprepare = bridged_unprepare,
	.release = bridged_release,
	.describe = bridged_describe,
};
