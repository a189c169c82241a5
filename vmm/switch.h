/* SPDX-License-Identifier: GPL-2.0-or-later */
/* switch.h - vmm's side of the control protocol: vswitchd ports for guest NICs. */
#ifndef VMM_SWITCH_H
#define VMM_SWITCH_H

#include <stddef.h>
#include <sys/un.h>
#include <jansson.h>

#define SW_DEFAULT_SOCKET	"/run/vswitch/vswitchd.sock"
#define SW_TIMEOUT_SEC		15

struct sw {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/**
 * sw_open() - connect to vswitchd at @path
 * Return: 0, or a negative errno with @err set to one line such as
 * "cannot connect to vswitchd at PATH: No such file or directory (is vswitchd running?)".
 */
int sw_open(struct sw *sw, const char *path, char *err, size_t err_size);

/** sw_close() - disconnect; accepts a closed or never-opened @sw (fd < 0). */
void sw_close(struct sw *sw);

/**
 * sw_call() - one request
 * @params:	parameters (reference stolen; NULL for {})
 * @result:	set to the result (caller owns); may be NULL if unwanted
 * Return: 0, or the daemon's negative error (its message in @err), or a
 * transport error.
 */
int sw_call(struct sw *sw, const char *method, json_t *params, json_t **result,
	    char *err, size_t err_size);

/** sw_net_check() - network @net exists. Return: 0, -ENOENT ("network 'x' not found"), or error. */
int sw_net_check(struct sw *sw, const char *net, char *err, size_t err_size);

/**
 * sw_port_add() - a client-mode vhost-user port: vswitchd connects to QEMU's
 * server socket @socket_path and reconnects by itself.
 */
int sw_port_add(struct sw *sw, const char *net, const char *port, const char *socket_path,
		const char *mac, char *err, size_t err_size);

/** sw_port_del() - remove a port; a port already gone counts as success. */
int sw_port_del(struct sw *sw, const char *net, const char *port, char *err, size_t err_size);

/**
 * sw_leases() - the DHCP leases of @net, or NULL (no DHCP on that network,
 * or a vswitchd without DHCP). Caller owns the array.
 */
json_t *sw_leases(struct sw *sw, const char *net);

/** sw_lease_ip() - the address leased to @mac in @leases (from sw_leases), or NULL. */
const char *sw_lease_ip(const json_t *leases, const char *mac);

#endif /* VMM_SWITCH_H */
