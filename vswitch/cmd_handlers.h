/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_handlers.h - every control handler vswitchd serves, grouped by the
 * file that implements it; commands.c lists them in one table.
 */
#ifndef VSWITCH_CMD_HANDLERS_H
#define VSWITCH_CMD_HANDLERS_H

#include <stddef.h>
#include <jansson.h>

struct ctl_request;
struct loop;

#define CMD_HANDLER(name) \
	int name(struct ctl_request *req, json_t **result, char *err, size_t err_size)

/* cmd_net.c */
CMD_HANDLER(cmd_net_create);
CMD_HANDLER(cmd_net_start);
CMD_HANDLER(cmd_net_stop);
CMD_HANDLER(cmd_net_destroy);
CMD_HANDLER(cmd_net_list);
CMD_HANDLER(cmd_net_info);

/* cmd_port.c */
CMD_HANDLER(cmd_port_add);
CMD_HANDLER(cmd_port_del);
CMD_HANDLER(cmd_port_list);
CMD_HANDLER(cmd_stats);
CMD_HANDLER(cmd_fdb_show);

/* cmd_forward.c: forwards and DHCP */
CMD_HANDLER(cmd_forward_add);
CMD_HANDLER(cmd_forward_del);
CMD_HANDLER(cmd_forward_list);
CMD_HANDLER(cmd_dhcp_leases);
CMD_HANDLER(cmd_dhcp_host_add);
CMD_HANDLER(cmd_dhcp_host_del);

/* cmd_capture.c */
CMD_HANDLER(cmd_capture_start);
CMD_HANDLER(cmd_capture_stop);
CMD_HANDLER(cmd_capture_list);

/**
 * capture_ctl_init() - watch for capture sessions whose writer finished, on @loop.
 * Return: 0 or negative errno (capture is then unavailable).
 */
int capture_ctl_init(struct loop *loop);

/** capture_ctl_shutdown() - end every capture (reason "shutdown") and wait for its writer. */
void capture_ctl_shutdown(void);

/**
 * capture_ctl_conn_closed() - a control connection is closing: end the
 * captures it started (their owner gets no event). Call before closing it.
 */
void capture_ctl_conn_closed(int conn_fd);

#endif /* VSWITCH_CMD_HANDLERS_H */
