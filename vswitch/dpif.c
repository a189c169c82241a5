// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dpif.c - the control thread's gateway to the datapath (see dpif.h): each
 * change to what the datapath sees happens here, between one dp_pause()
 * and its dp_resume(), and each read happens here without either.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "datapath.h"
#include "dpif.h"
#include "fdb.h"
#include "netdef.h"
#include "port.h"

int dpif_start(int pmd_cpu, int event_fd)
{
	return dp_start(pmd_cpu, event_fd);
}

void dpif_stop(void)
{
	dp_stop();
}

bool dpif_pmd(void)
{
	return dp_pmd();
}

/* Called paused: the flood list is the compact copy of @net's ports. */
static void rebuild_flood(struct network *net)
{
	unsigned int i;

	net->nflood = 0;
	for (i = 0; i < NET_MAX_PORTS; i++)
		if (net->ports[i])
			net->flood[net->nflood++] = net->ports[i];
}

int dpif_port_attach(struct network *net, struct port *port, char *err, size_t err_size)
{
	unsigned int id;
	int ret;

	for (id = 0; id < NET_MAX_PORTS && net->ports[id]; id++)
		;
	if (id == NET_MAX_PORTS) {
		snprintf(err, err_size, "network '%s' has the maximum of %d ports", net->name, NET_MAX_PORTS);
		return -ENOSPC;
	}
	if (!dp_port_room()) {
		snprintf(err, err_size, "vswitchd has the maximum number of ports");
		return -ENOSPC;
	}
	port->id = (uint16_t)id;
	dp_pause();
	ret = dp_port_attach(port);
	if (!ret) {
		net->ports[id] = port;
		net->nports++;
		rebuild_flood(net);
	}
	dp_resume();
	if (ret)
		snprintf(err, err_size, "vswitchd has the maximum number of ports");
	return ret;
}

void dpif_port_detach(struct network *net, struct port *port)
{
	dp_pause();
	dp_port_detach(port);
	if (port->id < NET_MAX_PORTS && net->ports[port->id] == port) {
		net->ports[port->id] = NULL;
		net->nports--;
		rebuild_flood(net);
		fdb_flush_port(net->fdb, port->id);
	}
	dp_resume();
}

void dpif_port_change(struct port *port, void (*fn)(struct port *port, void *arg), void *arg)
{
	dp_pause();
	if (fn)
		fn(port, arg);
	dp_port_update(port);
	dp_resume();
}

void dpif_set_dhcp_divert(struct network *net, bool divert, uint32_t arp_ip)
{
	dp_pause();
	net->dhcp_divert = divert;
	net->dhcp_arp_ip = divert ? arp_ip : 0;
	dp_resume();
}

void dpif_capture_attach(struct capture_session *s)
{
	dp_pause();
	capture_running_add(s);
	dp_resume();
}

void dpif_capture_detach(struct capture_session *s)
{
	dp_pause();
	capture_running_remove(s);
	dp_resume();
}

uint64_t dpif_now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec;
}

unsigned int dpif_fdb_snapshot(const struct network *net, struct fdb_entry *entries,
			       unsigned int max)
{
	/* Arrays the datapath outgrew go now, while this thread reads none. */
	fdb_reclaim(net->fdb);
	return fdb_dump(net->fdb, entries, max, dpif_now_sec());
}

unsigned int dpif_fdb_count(const struct network *net)
{
	return fdb_count(net->fdb);
}
