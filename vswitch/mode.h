/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode.h - network modes as providers behind one small ops table, the way
 * ports are behind struct port_class: isolated (mode.c), nat and routed
 * (mode_nat.c), bridged (mode_bridged.c).
 *
 * The orchestrator (network.c) owns the order of operations and calls a
 * mode only for what is specific to it. Starting a network:
 *
 *   check()    validate the definition against the host (nothing changes)
 *   prepare()  host plumbing the gateway will hang on (bridged: the bridge)
 *   -- network.c creates the gateway tap if gateway_role is set --
 *   plumb()    plumbing of the gateway tap (nat/routed: address, sysctls)
 *   -- network.c rebuilds the nftables table if the mode is l3 --
 *
 * Stopping runs the reverse: network.c removes the gateway tap, then
 * unprepare(). When the daemon itself stops, nothing in the host is undone:
 * release() only forgets. A mode never calls back into network.c, creates
 * ports, or touches the datapath or nftables.
 */
#ifndef VSWITCH_MODE_H
#define VSWITCH_MODE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct network;

struct net_mode {
	const char *name;
	bool l3;		/* the host routes for it: nftables rules, port forwards */
	bool nat;		/* masquerade what leaves (with l3) */
	bool needs_subnet;	/* refuses to start without an IPv4 subnet */
	bool dhcp_default;	/* DHCP on when the definition does not say */
	/*
	 * The internal port linking the network to the host, by the role it is
	 * listed with ("gateway", "bridge"), or NULL for none.
	 */
	const char *gateway_role;

	/* check() - validate @net against the host; changes nothing. May be NULL. Return: 0 or -errno, @err set. */
	int (*check)(const struct network *net, char *err, size_t err_size);
	/* prepare() - host plumbing needed before the gateway exists. May be NULL. Return: 0 or -errno, @err set. */
	int (*prepare)(struct network *net, char *err, size_t err_size);
	/*
	 * plumb() - set up the gateway interface @ifname, which now exists in
	 * the host, up, with its stable MAC. May be NULL.
	 * Return: 0 or -errno, @err set (network.c then removes the gateway and calls unprepare()).
	 */
	int (*plumb)(struct network *net, const char *ifname, char *err, size_t err_size);
	/* unprepare() - undo prepare() once the gateway is gone; must not fail. May be NULL. */
	void (*unprepare)(struct network *net);
	/*
	 * release() - the daemon stops: forget the plumbing without undoing it,
	 * so the next start finds it as it was. May be NULL.
	 */
	void (*release)(struct network *net);
	/* describe() - add the mode's fields to the network object. May be NULL. */
	void (*describe)(const struct network *net, json_t *obj);
};

extern const struct net_mode net_mode_isolated;
extern const struct net_mode net_mode_nat;
extern const struct net_mode net_mode_routed;
extern const struct net_mode net_mode_bridged;

/** mode_find() - the mode called @name, or NULL. */
const struct net_mode *mode_find(const char *name);

/* The names, for error messages. */
#define MODE_NAMES	"nat, routed, isolated or bridged"

#endif /* VSWITCH_MODE_H */
