/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net_modes.h - the network modes that plumb the host (nat, routed in
 * net_nat.c; bridged in net_bridged.c) and the gateway port they share.
 */
#ifndef VSWITCH_NET_MODES_H
#define VSWITCH_NET_MODES_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "network.h"

extern const struct net_mode net_mode_nat;
extern const struct net_mode net_mode_routed;
extern const struct net_mode net_mode_bridged;

/* Interface names starting with this are reserved for gateway taps. */
#define NET_GATEWAY_PREFIX	"vsw-"

/**
 * net_gateway_ifname() - the gateway tap's name for network @name (pure):
 * "vsw-NAME" when that fits in 15 characters, else "vsw-" + the first 6
 * characters + "-" + 4 hex digits of a hash of the whole name.
 */
void net_gateway_ifname(const char *name, char ifname[IFNAMSIZ]);

/**
 * net_gateway_mac() - the gateway's Ethernet address, derived from the
 * network name (pure): locally administered, stable across restarts so
 * guests' ARP caches stay right.
 */
void net_gateway_mac(const char *name, uint8_t mac[6]);

/**
 * net_gateway_create() - create the network's gateway tap in the host
 * namespace as an internal port named @role ("gateway", "bridge"), up, with
 * its stable MAC. Sets net->gateway.
 * Return: 0 or negative errno with @err set.
 */
int net_gateway_create(struct network *net, const char *role, char *err, size_t err_size);

/** net_gateway_destroy() - remove the gateway port (its tap goes with it). Accepts none. */
void net_gateway_destroy(struct network *net);

/** net_is_l3() - nat or routed: the host routes for it and nftables has rules for it. */
bool net_is_l3(const struct network *net);

/** net_bridge_describe() - add bridged-mode fields ("bridge", "uplink", "bridge_created") to @obj. */
void net_bridge_describe(const struct network *net, json_t *obj);

#endif /* VSWITCH_NET_MODES_H */
