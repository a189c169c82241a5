/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fw.h - vswitchd's nftables adapter: the table is a pure function of the
 * networks it is handed (lib/nft.c builds it; this commits it), plus
 * map-element changes for single forwards. It never looks for networks
 * itself: network.c decides which ones the table serves. Control thread
 * only. docs/nat.md explains the ruleset.
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
 * fw_apply() - rebuild the whole table for exactly @nets (nat and routed
 * networks with a gateway, each with its forwards), as one atomic batch.
 * With @count 0 the table is deleted.
 * Return: 0, or negative errno with the reason in @err; the kernel then kept
 * the previous ruleset.
 */
int fw_apply(const struct network *const *nets, size_t count, char *err, size_t err_size);

/**
 * fw_forward_update() - add or remove one forward's map elements in the
 * running table. Costs the same however many forwards exist.
 * Return: 0 or negative errno with @err set.
 */
int fw_forward_update(const struct network *net, const struct forward *f, bool add,
		      char *err, size_t err_size);

/** fw_remove() - delete the table. */
void fw_remove(void);

/**
 * fw_conflicts() - append to @warnings (a JSON array) one string per base
 * chain of another table that would drop traffic of the L3 networks.
 * Return: number appended, or negative errno (the check could not run).
 */
int fw_conflicts(json_t *warnings);

#endif /* VSWITCH_FW_H */
