/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * datapath.h - the thread that moves frames between ports.
 *
 * Interrupt mode (default) sleeps in epoll on the ports' rx fds (vring kick
 * eventfds, tap fds), so an idle switch uses no CPU. PMD mode busy-polls
 * every port from a thread pinned to one CPU. Either way the control thread
 * changes datapath state only between dp_pause() and dp_resume(), and only
 * dpif.c calls them: the rest of vswitchd goes through dpif.h.
 */
#ifndef VSWITCH_DATAPATH_H
#define VSWITCH_DATAPATH_H

#include <stdbool.h>

struct port;

/**
 * dp_start() - start the datapath thread
 * @pmd_cpu:	CPU to busy-poll on, or -1 for interrupt mode
 * @event_fd:	eventfd the datapath signals when a port breaks (control thread watches it)
 * Return: 0 or negative errno.
 */
int dp_start(int pmd_cpu, int event_fd);

/** dp_stop() - stop and join the thread. Safe if not started. */
void dp_stop(void);

/**
 * dp_pause() - park the datapath thread; returns once it is parked
 * Nests: the thread resumes after the matching number of dp_resume().
 * Control thread only.
 */
void dp_pause(void);
void dp_resume(void);

/** dp_pmd() - true in busy-polling mode. */
bool dp_pmd(void);

/**
 * dp_port_attach() - add a port to the set the datapath polls. Call paused.
 * Return: 0, or -ENOSPC when the daemon's port table is full.
 */
int dp_port_attach(struct port *port);

/** dp_port_detach() - remove a port from the set the datapath polls. Call paused. */
void dp_port_detach(struct port *port);

/** dp_port_room() - how many more ports dp_port_attach() takes. */
unsigned int dp_port_room(void);

/**
 * dp_port_update() - the port's up, rx_fd or rx_offloads changed: update
 * the epoll registration and schedule an initial poll. Call paused.
 */
void dp_port_update(struct port *port);

#endif /* VSWITCH_DATAPATH_H */
