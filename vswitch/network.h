/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * network.h - the orchestrator: the one module that creates, starts,
 * stops and destroys networks and their ports, adds and removes forwards
 * and static hosts, and persists all of it. It owns the order of
 * operations; the modules it drives (mode providers, fw, dpif, the DHCP
 * service, port classes) never call back into it. Control thread only.
 *
 * The orchestrator is one module in several files, all declared here:
 * network.c (life cycle), network_port.c (ports), network_forward.c
 * (forwards and the nftables table), network_store.c (persistence).
 */
#ifndef VSWITCH_NETWORK_H
#define VSWITCH_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "netdef.h"

/** net_set_dirs() - where definitions (@state_dir) and sockets (@run_dir) live. */
void net_set_dirs(const char *state_dir, const char *run_dir);

/** net_find() - network by name, or NULL. */
struct network *net_find(const char *name);

/** net_find_uid() - network by uid, or NULL. */
struct network *net_find_uid(uint64_t uid);

/** net_first() - head of the list of networks (iterate with ->next). Read only. */
struct network *net_first(void);

/**
 * net_create() - define and start a network from control parameters
 * @params:	{"name","mode",...} (reference not stolen)
 * @persist:	write the definition to the state directory
 * Return: 0 or negative errno with @err set.
 */
int net_create(json_t *params, bool persist, struct network **netp,
	       char *err, size_t err_size);

/**
 * net_destroy() - stop the network and remove its definition and leases
 * @force:	also delete its ports; otherwise -EBUSY while it has ports
 */
int net_destroy(struct network *net, bool force, char *err, size_t err_size);

/**
 * net_start() - start a defined, inactive network: the mode's host plumbing,
 * then its ports (a port that cannot be recreated keeps its definition).
 * Return: 0 or negative errno with @err set.
 */
int net_start(struct network *net, char *err, size_t err_size);

/**
 * net_stop() - stop a running network: its ports go (their definitions stay),
 * then the mode's host plumbing. It stays stopped across restarts until
 * net_start(), unless it is autostart. Return: 0 or negative errno.
 */
int net_stop(struct network *net, char *err, size_t err_size);

/** net_shutdown() - stop every network without touching definitions (daemon exit). */
void net_shutdown(void);

/**
 * net_load_all() - define every network saved under the state directory
 * (a bad file is logged with its name and line, and skipped), then start
 * those that were running in the background, from the control loop, a few
 * at a time, so the control socket answers at once; `net list` shows them
 * "starting" meanwhile. Once all are up, nftables is rebuilt once and taps
 * no definition claims are removed.
 * Return: number of networks defined.
 */
int net_load_all(void);

/**
 * net_settle() - a request is about to act on @net: if it is still waiting
 * to start in the background, start it now.
 */
void net_settle(struct network *net);

/**
 * net_port_add() - create a port in @net from control parameters
 * Return: 0 or negative errno with @err set.
 */
int net_port_add(struct network *net, json_t *params, bool persist,
		 struct port **portp, char *err, size_t err_size);

/** net_port_del() - remove and destroy a port (not an internal one). Return: 0 or -EPERM with @err. */
int net_port_del(struct network *net, struct port *port, char *err, size_t err_size);

/** net_reap_broken_ports() - cut off the peers of ports the datapath flagged as broken. */
void net_reap_broken_ports(void);

/**
 * net_forward_add() - parse, resolve, check, install and persist a forward
 * @params:	{"proto","host","target"}
 * @warnings:	JSON array receiving non-fatal remarks (may be NULL)
 * @added:	on success, the forward's JSON object (new reference), or NULL
 * Return: 0 or negative errno with @err set.
 */
int net_forward_add(struct network *net, json_t *params, json_t *warnings, json_t **added,
		    char *err, size_t err_size);

/** net_forward_del() - remove the forward {"proto","host"}. Return: 0 or negative errno with @err. */
int net_forward_del(struct network *net, json_t *params, char *err, size_t err_size);

/** net_dhcp_host_add() / net_dhcp_host_del() - static DHCP hosts, applied and persisted. */
int net_dhcp_host_add(struct network *net, json_t *params, char *err, size_t err_size);
int net_dhcp_host_del(struct network *net, json_t *params, char *err, size_t err_size);

/** net_to_json() - the control protocol's network object; reads without pausing the datapath. */
json_t *net_to_json(const struct network *net, bool with_ports);

/**
 * net_warnings() - add "warnings" to @obj when another nftables table would
 * drop what @net forwards (Docker's FORWARD policy, for one).
 */
void net_warnings(const struct network *net, json_t *obj);

#endif /* VSWITCH_NETWORK_H */
