/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plan.h - what bringing a lab up takes, decided without touching anything:
 * which networks and VMs to create given what exists (so a second `up`
 * creates nothing), the request that creates a network, the `vmm run`
 * command line that boots a node (its guest configuration on the kernel
 * command line), when a node counts as network-ready, and where a forward
 * points. Pure functions; lab/run.c carries the plan out.
 */
#ifndef LAB_PLAN_H
#define LAB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "topology.h"

#define LAB_DEFAULT_APPEND	"console=ttyS0 quiet panic=-1"
#define LAB_ADDRESS_MAX		64	/* "ADDR/LEN" as a guest reports it */
#define LAB_VM_ARGS_MAX		(8 + 2 * LAB_MAX_NICS + 8)
#define LAB_VM_STRINGS_MAX	(5 + LAB_MAX_NICS)
#define LAB_CMDLINE_MAX		2048	/* the guest kernel's command line (x86 COMMAND_LINE_SIZE); what a lab file allows fits */

/* What exists before `up`: observed by lab/run.c. */
struct lab_observed {
	bool net_exists[LAB_MAX_NETWORKS];	/* vswitchd has the network */
	char vm_state[LAB_MAX_NODES][16];	/* vmm's state of the node's VM, "" if none */
};

/* What `up` creates: everything that does not exist yet, nothing else. */
struct lab_plan {
	bool create_net[LAB_MAX_NETWORKS];
	bool boot_node[LAB_MAX_NODES];
};

/* A `vmm run` command line: the words after vmm's global options. */
struct lab_vm_args {
	const char *argv[LAB_VM_ARGS_MAX];	/* NULL-terminated; points into strings or the lab */
	char strings[LAB_VM_STRINGS_MAX][LAB_TEXT_MAX * 2];
	char cmdline[LAB_CMDLINE_MAX];		/* --append */
};

/** lab_vm_active() - vmm's @state (may be NULL) is one of a VM that runs or is starting */
bool lab_vm_active(const char *state);

/**
 * lab_plan_up() - what `up` must create
 * @lab:	the topology
 * @now:	what exists
 * @plan:	filled: networks that do not exist, nodes whose VM is not active
 */
void lab_plan_up(const struct lab *lab, const struct lab_observed *now, struct lab_plan *plan);

/**
 * lab_file_dir() - the directory holding @path (as dirname() says), into @out
 * @path:	a file's path
 * @out:	receives the directory: "." for a bare name, "/" for a file in /
 * @size:	size of @out in bytes
 *
 * Relative paths in a lab file are relative to this directory.
 */
void lab_file_dir(const char *path, char *out, size_t size);

/**
 * lab_plan_net_params() - the net.create parameters of @net
 * Return: a new JSON object (caller owns), or NULL without memory.
 */
json_t *lab_plan_net_params(const struct lab_network *net);

/**
 * lab_plan_vm_args() - the `vmm run` command line that boots node @vm
 * @lab:	the topology (network names)
 * @vm:	the node
 * @base_dir:	the topology file's directory (lab_file_dir())
 * @args:	filled; args->argv starts with "run"
 *
 * Static addresses, routes, the default route and forwarding ride on the
 * kernel command line as vswitch.ip=, vswitch.route=, vswitch.gw= and
 * vswitch.forward=1, which the test image's init reads.
 * Return: 0, or -E2BIG if that command line would exceed LAB_CMDLINE_MAX.
 */
int lab_plan_vm_args(const struct lab *lab, const struct lab_node *vm, const char *base_dir,
		     struct lab_vm_args *args);

/**
 * lab_nic_expects_address() - whether @nic should get an address: a static
 * one, or DHCP on a network that serves it (nat by default; isolated and
 * routed with a subnet; never bridged)
 */
bool lab_nic_expects_address(const struct lab *lab, const struct lab_nic *nic);

/**
 * lab_plan_serial_ready() - read a node's serial log for the guest's markers
 * @lab:	the topology
 * @vm:	the node
 * @serial:	its serial log, read to the end
 * @addresses:	@vm->nic_count entries; entry i is set to the last
 *		"VSWITCH-NET-UP ethI ADDR/LEN" seen, "" if none
 * Return: true once "VSWITCH-GUEST-READY" was seen and every NIC that
 * expects an address has one.
 */
bool lab_plan_serial_ready(const struct lab *lab, const struct lab_node *vm, FILE *serial,
			   char addresses[][LAB_ADDRESS_MAX]);

/**
 * lab_plan_forward_present() - whether vswitchd's forward.list result
 * @list already has @fw (same protocol and host port), so `up` leaves it
 */
bool lab_plan_forward_present(json_t *list, const struct lab_forward *fw);

/**
 * lab_plan_forward_target() - the target vswitchd gets for forward @fw
 * @lab:	the topology
 * @net_index:	the forward's network
 * @fw:		the forward; a target naming a node becomes the address the
 *		node's NIC on that network reported, with the port kept
 * @addresses:	per node, per NIC, as lab_plan_serial_ready() found them
 * @target:	receives the target
 * @size:	size of @target in bytes
 * @err:	set when the node has no address there yet
 * @err_size:	size of @err in bytes
 * Return: 0 or -EAGAIN.
 */
int lab_plan_forward_target(const struct lab *lab, size_t net_index, const struct lab_forward *fw,
			    char (*addresses)[LAB_MAX_NICS][LAB_ADDRESS_MAX],
			    char *target, size_t size, char *err, size_t err_size);

#endif /* LAB_PLAN_H */
