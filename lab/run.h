/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run.h - a lab brought up, taken down and looked at: networks over
 * vswitchd's control socket, VMs by running the vmm binary, readiness from
 * the guests' serial logs, the lab's record under RUN_DIR/.labs.
 */
#ifndef LAB_RUN_H
#define LAB_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "plan.h"
#include "topology.h"

#define LAB_DEFAULT_WAIT	180	/* seconds for every node to be network-ready */

/* Where a lab lives and how it is run. */
struct lab_env {
	const char *socket;		/* vswitchd's control socket */
	char run_dir[PATH_MAX];		/* vmm's run directory; records in RUN_DIR/.labs */
	char vmm[PATH_MAX];		/* the vmm binary (a path, or a name looked up in $PATH) */
	unsigned int wait_sec;		/* how long `up` waits for network-ready nodes */
	FILE *out;			/* one progress line per step */
};

/* How `up` left the nodes. */
struct lab_up_report {
	bool ready[LAB_MAX_NODES];				/* network-ready in time */
	char addresses[LAB_MAX_NODES][LAB_MAX_NICS][LAB_ADDRESS_MAX];	/* "" if none */
};

/**
 * lab_up() - bring the lab in @file up, or make sure it is
 * @env:	where and how
 * @file:	the topology file
 * @lab:	receives the parsed topology (large: allocate it)
 * @report:	receives the nodes' readiness and addresses
 *
 * Writes the record first, creates the networks that do not exist, boots
 * the nodes whose VM is not running (in parallel), waits up to
 * @env->wait_sec for them to be network-ready, then adds the forwards that
 * are missing. A first `up` that fails removes what it created and its
 * record; a re-run that fails keeps what was there. `up` of a different
 * file under a name that is up is refused. Errors are reported with
 * errline() as they happen.
 * Return: 0 when all was created (@report tells which nodes are ready),
 * -EINVAL for a bad file, another negative errno for any other failure.
 */
int lab_up(const struct lab_env *env, const char *file, struct lab *lab,
	   struct lab_up_report *report);

/**
 * lab_down() - take lab @name down: stop all its nodes at once, forget
 * them, destroy its networks (with their forwards and leases), remove its
 * record. Without vswitchd the networks and the record stay.
 * Return: 0, -ENOENT if no lab @name is up, or another negative errno.
 */
int lab_down(const struct lab_env *env, const char *name);

/**
 * lab_status_json() - the topology with live state: node states, NIC MACs,
 * ports and addresses, whether each network exists, links and forwards
 * Return: a new JSON object (caller owns).
 */
json_t *lab_status_json(const struct lab_env *env, const struct lab *lab);

#endif /* LAB_RUN_H */
