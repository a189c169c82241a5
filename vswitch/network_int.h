/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * network_int.h - what the orchestrator's files (network.c, network_port.c,
 * network_forward.c, network_store.c) share among themselves. Nothing
 * outside the orchestrator includes it.
 */
#ifndef VSWITCH_NETWORK_INT_H
#define VSWITCH_NETWORK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "netdef.h"

/* network.c */
const char *net_state_dir(void);
const char *net_run_dir(void);

/**
 * net_instance() - this state directory's instance id (16 hex digits, kept
 * in STATE_DIR/instance): what marks the host objects this daemon owns, so
 * two daemons on one host never take each other's.
 */
const char *net_instance(void);

/* network_store.c: persistence. */

/** net_save() - write @net's definition atomically. Return: 0 or negative errno (logged). */
int net_save(const struct network *net);

/** net_store_unlink() - remove @net's definition file. */
void net_store_unlink(const struct network *net);

/**
 * net_store_load_all() - call @load for every definition file under the
 * state directory, with its parsed document (borrowed) and path. A file
 * that does not parse is logged with its name and line and skipped.
 */
void net_store_load_all(void (*load)(const char *path, json_t *doc));

/* network_port.c */

/** net_gateway_add() - create and attach @net's gateway tap for its mode. Return: 0 or -errno, @err set. */
int net_gateway_add(struct network *net, char *err, size_t err_size);

/**
 * net_port_remove() - detach and destroy @port, internal or not
 * @persist:	save the network's definition without it (before the host side goes)
 * @remove:	delete what it made in the host (its tap); false when the daemon stops
 */
void net_port_remove(struct network *net, struct port *port, bool persist, bool remove);

/** net_port_alias() - the mark on host objects of port @port_name of @net_name. */
void net_port_alias(const char *net_name, const char *port_name, char *buf, size_t size);

/** net_reap_stale_taps() - delete our marked taps no running port defines. Return: how many. */
unsigned int net_reap_stale_taps(void);

/** net_ports_restore() - add every port definition of @defs (an array); failures are kept as failed_ports. */
void net_ports_restore(struct network *net, json_t *defs, const char *source);

/* network_forward.c */

/**
 * net_fw_sync() - rebuild the nftables table from every running L3 network
 * with a gateway. Return: 0 or negative errno with @err set (the kernel
 * kept the previous table).
 */
int net_fw_sync(char *err, size_t err_size);

/**
 * net_forwards_restore() - replay @net's forward journal (and move forwards
 * an older definition kept inline into it); a bad or conflicting record is
 * logged and left out.
 */
void net_forwards_restore(struct network *net, const char *source);

/** net_forwards_free() - forget @net's forwards in memory (nothing is saved). */
void net_forwards_free(struct network *net);

/**
 * net_forwards_forget() - close @net's forward journal and forget its
 * forwards; with @remove_journal (net destroy) the journal file goes too.
 */
void net_forwards_forget(struct network *net, bool remove_journal);

/** net_fw_hold() - while held, net_fw_sync() does nothing (daemon shutdown). */
void net_fw_hold(bool hold);

#endif /* VSWITCH_NETWORK_INT_H */
