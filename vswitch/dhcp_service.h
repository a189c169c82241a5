/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dhcp_service.h - vswitchd's DHCP service: the thread that answers the
 * DHCP requests (and ARP for the server address) the datapath diverts,
 * with one dhcp_server and one lease journal per network.
 *
 * The control thread attaches a network when it starts with DHCP on and
 * detaches it when it stops; everything else here is called from the
 * control thread too, except the service thread itself.
 */
#ifndef VSWITCH_DHCP_SERVICE_H
#define VSWITCH_DHCP_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <jansson.h>

struct network;

/** dhcp_service_set_state_dir() - leases live in DIR/leases/NET.leases. */
void dhcp_service_set_state_dir(const char *dir);

/** dhcp_service_start() - start the service thread. Return: 0 or negative errno. */
int dhcp_service_start(void);

/** dhcp_service_stop() - stop the thread; attached networks stay attached. */
void dhcp_service_stop(void);

/**
 * dhcp_service_attach() - serve DHCP on @net if it has a subnet with DHCP on:
 * load its leases. The caller then diverts its DHCP frames. Reads the
 * optional parameters "dhcp_hosts", "dhcp_dns", "dhcp_domain", "dhcp_mtu",
 * "dhcp_port_limit" and "dhcp_offer_limit" from @net->params.
 * Return: 0 (also when DHCP is off) or negative errno with @err set.
 */
int dhcp_service_attach(struct network *net, char *err, size_t err_size);

/**
 * dhcp_service_detach() - stop serving @net (no-op if not attached)
 * @remove_leases:	delete its lease file too (network destroyed)
 */
void dhcp_service_detach(struct network *net, bool remove_leases);

/** dhcp_service_attached() - whether @net has a DHCP server. */
bool dhcp_service_attached(const struct network *net);

/**
 * dhcp_service_arp_ip() - the address (network order) whose ARP requests
 * the datapath must divert to the service for @net: the server address on
 * networks where no gateway interface answers for it; 0 otherwise.
 */
uint32_t dhcp_service_arp_ip(const struct network *net);

/**
 * dhcp_service_resolve() - a guest's address by name, for forward targets:
 * a static host of that name, else the bound lease of the client that sent
 * that hostname.
 * Return: 0 with @addr set, or -ENOENT.
 */
int dhcp_service_resolve(const struct network *net, const char *name, struct in_addr *addr);

/**
 * dhcp_service_leases() - {"leases":[{"ip","mac","hostname","expires","state","static"}],
 * "total":N}, sorted by address, the @limit leases from @offset on (a reply
 * must fit one control-protocol line). Return: the object, or NULL with @err.
 */
json_t *dhcp_service_leases(const struct network *net, uint32_t offset, uint32_t limit,
			    char *err, size_t err_size);

#define DHCP_LEASES_PAGE	5000	/* default and largest @limit */

/** dhcp_service_stats() - the network's DHCP counters as an object, or NULL if it has no server. */
json_t *dhcp_service_stats(const struct network *net);

/**
 * dhcp_service_host_add() - serve a static host from {"mac","ip","hostname"?}
 * @defp:	on success, its definition to persist (new reference, normalised)
 * Return: 0 or negative errno with @err.
 */
int dhcp_service_host_add(const struct network *net, json_t *params, json_t **defp,
			  char *err, size_t err_size);

/** dhcp_service_host_del() - stop serving the static host {"mac"}. Return: 0 or negative errno with @err. */
int dhcp_service_host_del(const struct network *net, json_t *params, char *err, size_t err_size);

#endif /* VSWITCH_DHCP_SERVICE_H */
