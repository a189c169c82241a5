/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dpif.h - the one gateway from the control thread to the datapath, after
 * Open vSwitch's dpif: typed operations that change what the datapath
 * sees. It is the only caller of dp_pause(); everything else reaches the
 * datapath through it.
 *
 * Mutations (attach, detach, diversions, captures) park the datapath for
 * the few microseconds they take. Reads never do: per-port counters are
 * relaxed atomics written only by the datapath thread, and FDB views are
 * read from the live table with per-entry atomic loads (fdb.h), so `stats`,
 * `fdb`, `port list` and `net list` cost forwarding nothing.
 */
#ifndef VSWITCH_DPIF_H
#define VSWITCH_DPIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture_session;
struct fdb_entry;
struct network;
struct port;

/**
 * dpif_start() - start the datapath thread
 * @pmd_cpu:	CPU to busy-poll on, or -1 for interrupt mode
 * @event_fd:	eventfd the datapath signals when a port breaks
 * Return: 0 or negative errno.
 */
int dpif_start(int pmd_cpu, int event_fd);

/** dpif_stop() - stop and join the datapath thread. Safe if not started. */
void dpif_stop(void);

/** dpif_pmd() - true when the datapath busy-polls. */
bool dpif_pmd(void);

/**
 * dpif_port_attach() - give @port a slot in @net and make the datapath
 * poll and flood to it.
 * Return: 0, or -ENOSPC with @err set when @net or the daemon has no room
 * left (nothing changed then).
 */
int dpif_port_attach(struct network *net, struct port *port, char *err, size_t err_size);

/** dpif_port_detach() - stop using @port and forget what the FDB learnt on it. */
void dpif_port_detach(struct network *net, struct port *port);

/**
 * dpif_port_change() - run @fn(@port, @arg) while the datapath stays off
 * @port (a port class changing its rings, memory or fds), then apply the
 * port's up, rx_fd and rx_offloads to the datapath. @fn may be NULL: only
 * apply.
 */
void dpif_port_change(struct port *port, void (*fn)(struct port *port, void *arg), void *arg);

/**
 * dpif_set_dhcp_divert() - divert @net's DHCP requests to the service
 * thread (@divert), and ARP requests for @arp_ip (network order; 0: none).
 */
void dpif_set_dhcp_divert(struct network *net, bool divert, uint32_t arp_ip);

/** dpif_capture_attach() / dpif_capture_detach() - start or stop offering frames to a capture session. */
void dpif_capture_attach(struct capture_session *s);
void dpif_capture_detach(struct capture_session *s);

/**
 * dpif_fdb_snapshot() - up to @max live entries of @net's FDB, read without
 * pausing the datapath. Return: number copied.
 */
unsigned int dpif_fdb_snapshot(const struct network *net, struct fdb_entry *entries,
			       unsigned int max);

/** dpif_now_sec() - the datapath's clock (monotonic seconds), which FDB entries' "seen" use. */
uint64_t dpif_now_sec(void);

/** dpif_fdb_count() - entries in @net's FDB, read without pausing. */
unsigned int dpif_fdb_count(const struct network *net);

#endif /* VSWITCH_DPIF_H */
