/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plan.c - what bringing a lab up takes, decided without touching anything
 * (see plan.h): lab/run.c observes, asks, and carries the answers out.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"

/*
 * Paths and the kernel command line are built in fixed buffers sized for
 * the topology's limits; a cut one fails to open, it does not overflow.
 */
#pragma GCC diagnostic ignored "-Wformat-truncation"

bool lab_vm_active(const char *state)
{
	return state && (!strcmp(state, "running") || !strcmp(state, "starting"));
}

void lab_plan_up(const struct lab *lab, const struct lab_observed *now, struct lab_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	for (size_t i = 0; i < lab->network_count; i++)
		plan->create_net[i] = !now->net_exists[i];
	for (size_t i = 0; i < lab->node_count; i++)
		plan->boot_node[i] = !lab_vm_active(now->vm_state[i]);
}

/*
 * dirname() works in place, so its result cannot be copied back over its
 * own argument; this copies only what it needs from @path.
 */
void lab_file_dir(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, size, ".");
	else if (slash == path)
		snprintf(out, size, "/");
	else
		snprintf(out, size, "%.*s", (int)(slash - path), path);
}

json_t *lab_plan_net_params(const struct lab_network *net)
{
	json_t *params = json_pack("{s:s, s:s}", "name", net->net, "mode", net->mode);

	if (!params)
		return NULL;
	if (net->subnet[0])
		json_object_set_new(params, "subnet", json_string(net->subnet));
	if (net->gateway[0])
		json_object_set_new(params, "gateway", json_string(net->gateway));
	if (net->dhcp_range[0])
		json_object_set_new(params, "dhcp_range", json_string(net->dhcp_range));
	if (net->dhcp >= 0)
		json_object_set_new(params, "dhcp", json_boolean(net->dhcp));
	if (net->bridge[0])
		json_object_set_new(params, "bridge", json_string(net->bridge));
	if (net->uplink[0])
		json_object_set_new(params, "uplink", json_string(net->uplink));
	return params;
}

/* Relative paths in the file are relative to the file's directory. */
static void resolve_path(const char *base_dir, const char *path, char *out, size_t size)
{
	if (!path[0] || path[0] == '/')
		snprintf(out, size, "%s", path);
	else
		snprintf(out, size, "%s/%s", base_dir, path);
}

/* Append to the kernel command line @cmdline; -E2BIG once it would not fit. */
static int cmdline_add(char *cmdline, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cmdline_add(char *cmdline, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmdline + *used, LAB_CMDLINE_MAX - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= LAB_CMDLINE_MAX - *used)
		return -E2BIG;
	*used += (size_t)n;
	return 0;
}

/* The guest's configuration rides on its kernel command line. */
static int build_cmdline(const struct lab_node *vm, char *cmdline)
{
	const char *sep = " vswitch.ip=";
	size_t used = 0;
	int ret;

	ret = cmdline_add(cmdline, &used, "%s vswitch.name=%s",
			  vm->append[0] ? vm->append : LAB_DEFAULT_APPEND, vm->name);
	for (size_t i = 0; !ret && i < vm->nic_count; i++) {
		if (!vm->nics[i].address[0])
			continue;
		ret = cmdline_add(cmdline, &used, "%seth%zu:%s", sep, i, vm->nics[i].address);
		sep = ",";
	}
	sep = " vswitch.route=";
	for (size_t i = 0; !ret && i < vm->route_count; i++) {
		ret = cmdline_add(cmdline, &used, "%s%s@%s", sep, vm->routes[i].to, vm->routes[i].via);
		sep = ",";
	}
	if (!ret && vm->gateway[0])
		ret = cmdline_add(cmdline, &used, " vswitch.gw=%s", vm->gateway);
	if (!ret && vm->forwarding)
		ret = cmdline_add(cmdline, &used, " vswitch.forward=1");
	return ret;
}

int lab_plan_vm_args(const struct lab *lab, const struct lab_node *vm, const char *base_dir,
		     struct lab_vm_args *vm_args)
{
	const char **args = vm_args->argv;
	char (*store)[LAB_TEXT_MAX * 2] = vm_args->strings;
	int n = 0, s = 0;

	args[n++] = "run";
	args[n++] = vm->vm;
	if (vm->kernel[0]) {
		resolve_path(base_dir, vm->kernel, store[s], sizeof(store[s]));
		args[n++] = "--kernel";
		args[n++] = store[s++];
		if (vm->initrd[0]) {
			resolve_path(base_dir, vm->initrd, store[s], sizeof(store[s]));
			args[n++] = "--initrd";
			args[n++] = store[s++];
		}
		if (build_cmdline(vm, vm_args->cmdline) < 0)
			return -E2BIG;
		args[n++] = "--append";
		args[n++] = vm_args->cmdline;
	} else {
		resolve_path(base_dir, vm->disk, store[s], sizeof(store[s]));
		args[n++] = "--disk";
		args[n++] = store[s++];
		if (vm->overlay)
			args[n++] = "--overlay";
	}
	if (vm->memory[0]) {
		args[n++] = "--memory";
		args[n++] = vm->memory;
	}
	if (vm->cpus) {
		snprintf(store[s], sizeof(store[s]), "%u", vm->cpus);
		args[n++] = "--cpus";
		args[n++] = store[s++];
	}
	for (size_t i = 0; i < vm->nic_count; i++) {
		const struct lab_nic *nic = &vm->nics[i];

		snprintf(store[s], sizeof(store[s]), "%s%s%s", lab->networks[nic->net_index].net,
			 nic->mac[0] ? ",mac=" : "", nic->mac);
		args[n++] = "--net";
		args[n++] = store[s++];
	}
	args[n++] = "--detach";
	args[n] = NULL;
	return 0;
}

bool lab_nic_expects_address(const struct lab *lab, const struct lab_nic *nic)
{
	const struct lab_network *net = &lab->networks[nic->net_index];

	if (nic->address[0])
		return true;
	if (net->dhcp == 0 || !strcmp(net->mode, "bridged"))
		return false;
	return net->dhcp == 1 || !strcmp(net->mode, "nat") || net->subnet[0];
}

bool lab_plan_serial_ready(const struct lab *lab, const struct lab_node *vm, FILE *serial,
			   char addresses[][LAB_ADDRESS_MAX])
{
	bool booted = false, ready;
	char line[512];

	for (size_t i = 0; i < vm->nic_count; i++)
		addresses[i][0] = '\0';
	if (!serial)
		return false;
	while (fgets(line, sizeof(line), serial)) {
		char *mark = strstr(line, "VSWITCH-NET-UP eth");
		unsigned int index;
		char addr[LAB_ADDRESS_MAX];

		if (strstr(line, "VSWITCH-GUEST-READY"))
			booted = true;
		if (mark && sscanf(mark, "VSWITCH-NET-UP eth%u %63s", &index, addr) == 2 &&
		    index < vm->nic_count)
			snprintf(addresses[index], LAB_ADDRESS_MAX, "%s", addr);
	}
	ready = booted;
	for (size_t i = 0; i < vm->nic_count; i++)
		if (lab_nic_expects_address(lab, &vm->nics[i]) && !addresses[i][0])
			ready = false;
	return ready;
}

bool lab_plan_forward_present(json_t *list, const struct lab_forward *fw)
{
	bool present = false;
	json_t *entry;
	size_t k;

	json_array_foreach(json_object_get(list, "forwards"), k, entry) {
		const char *proto = json_string_value(json_object_get(entry, "proto"));
		json_t *host = json_object_get(entry, "host");
		char host_text[64] = "";

		if (json_is_string(host))
			snprintf(host_text, sizeof(host_text), "%s", json_string_value(host));
		else if (json_is_integer(host))
			snprintf(host_text, sizeof(host_text), "%lld", (long long)json_integer_value(host));
		if (proto && !strcmp(proto, fw->proto) && !strcmp(host_text, fw->host))
			present = true;
	}
	return present;
}

/*
 * Forwards go in once the nodes have their addresses: a forward to a node
 * names the address its NIC on that network has (vswitchd resolves a port
 * name only once it has seen the guest use an address).
 */
int lab_plan_forward_target(const struct lab *lab, size_t net_index, const struct lab_forward *fw,
			    char (*addresses)[LAB_MAX_NICS][LAB_ADDRESS_MAX],
			    char *target, size_t size, char *err, size_t err_size)
{
	const char *port = strchr(fw->target, ':');
	char name[80], address[LAB_ADDRESS_MAX] = "";
	const struct lab_node *vm;
	int node;

	snprintf(name, sizeof(name), "%.*s",
		 (int)(port ? (size_t)(port - fw->target) : strlen(fw->target)), fw->target);
	node = lab_find_node(lab, name);
	if (node < 0) {
		snprintf(target, size, "%s", fw->target);
		return 0;
	}
	vm = &lab->nodes[node];
	for (size_t n = 0; n < vm->nic_count; n++)
		if (vm->nics[n].net_index == (int)net_index && addresses[node][n][0])
			snprintf(address, sizeof(address), "%s", addresses[node][n]);
	address[strcspn(address, "/")] = '\0';
	if (!address[0]) {
		snprintf(err, err_size, "forward %s %s: node %s has no address on %s yet",
			 fw->proto, fw->host, name, lab->networks[net_index].name);
		return -EAGAIN;
	}
	snprintf(target, size, "%s%s", address, port ? port : "");
	return 0;
}
