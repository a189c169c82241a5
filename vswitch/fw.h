/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fw.h - vswitchd's side of nftables: turns the running networks and their
 * port forwards into lib/nft.c rulesets and commits them; host sysctls the
 * L3 modes need. Control thread only. docs/nat.md explains the ruleset.
 */
#ifndef VSWITCH_FW_H
#define VSWITCH_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct network;
struct forward;

/** fw_set_table() - name of the inet table vswitchd owns (default "vswitch"). Return: 0 or -EINVAL. */
int fw_set_table(const char *name);

/** fw_table() - the table's name. */
const char *fw_table(void);

/**
 * fw_apply() - rebuild the whole table from every active network with a
 * gateway, as one atomic batch
 * @adding:	a network being started, not yet (or no longer) counted as active; or NULL
 * @removing:	a network being stopped, to leave out; or NULL
 * With no network to serve the table is deleted.
 * Return: 0, or negative errno with the reason in @err; the kernel then kept
 * the previous ruleset.
 */
int fw_apply(const struct network *adding, const struct network *removing,
	     char *err, size_t err_size);

/**
 * fw_forward_update() - add or remove one forward's map elements, if its
 * network is active. Costs the same however many forwards exist.
 * Return: 0 or negative errno with @err set.
 */
int fw_forward_update(const struct network *net, const struct forward *f, bool add,
		      char *err, size_t err_size);

/**
 * fw_hold() - while held, fw_apply() does nothing (daemon shutdown stops
 * every network, and then removes the table once with fw_remove()).
 */
void fw_hold(bool hold);

/** fw_remove() - delete the table. */
void fw_remove(void);

/**
 * fw_conflicts() - append to @warnings (a JSON array) one string per base
 * chain of another table that would drop traffic of the L3 networks.
 * Return: number appended, or negative errno (the check could not run).
 */
int fw_conflicts(json_t *warnings);

/** fw_enable_ip_forward() - set net.ipv4.ip_forward to 1. Return: 0 or negative errno. */
int fw_enable_ip_forward(void);

/**
 * fw_sysctl_iface() - write net.ipv4.conf.@ifname.@key = @value
 * Return: 0 or negative errno.
 */
int fw_sysctl_iface(const char *ifname, const char *key, const char *value);

#endif /* VSWITCH_FW_H */
