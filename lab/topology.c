/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * topology.c - a parsed lab's names and references: links become two-port
 * isolated networks, NICs find their networks, forwards their nodes, and
 * every part gets the name vswitchd knows it by.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "topology.h"

int lab_resolve(struct lab *lab, const char *file, char *err, size_t err_size)
{
	char message[256];

#define REF_FAIL(line, ...) do { \
		snprintf(message, sizeof(message), __VA_ARGS__); \
		snprintf(err, err_size, "%s:%d: %s", file, (line), message); \
		return -EINVAL; \
	} while (0)

	/* Each link becomes a two-port isolated network named after the link. */
	for (size_t l = 0; l < lab->link_count; l++) {
		struct lab_link *link = &lab->links[l];
		struct lab_network *net;

		if (lab_find_network(lab, link->name) >= 0)
			REF_FAIL(link->line, "duplicate name '%s': a link and a network (or another link)", link->name);
		if (lab->network_count >= LAB_MAX_NETWORKS)
			REF_FAIL(link->line, "more than %d networks with links", LAB_MAX_NETWORKS);
		net = &lab->networks[lab->network_count];
		memset(net, 0, sizeof(*net));
		memcpy(net->name, link->name, sizeof(net->name));
		memcpy(net->mode, "isolated", sizeof("isolated"));
		net->dhcp = 0;
		net->link = (int)l;
		net->line = link->line;
		lab_net_name(lab->name, net->name, net->net);
		link->net_index = (int)lab->network_count++;

		for (int e = 0; e < 2; e++) {
			struct lab_endpoint *end = &link->ends[e];
			struct lab_node *vm;
			struct lab_nic *nic = NULL;

			end->node_index = lab_find_node(lab, end->node);
			if (end->node_index < 0)
				REF_FAIL(link->line, "link '%s' names unknown node '%s'", link->name, end->node);
			vm = &lab->nodes[end->node_index];
			for (size_t n = 0; n < vm->nic_count; n++)
				if (!strcmp(vm->nics[n].name, end->nic)) {
					nic = &vm->nics[n];
					end->nic_index = (int)n;
				}
			if (!nic)
				REF_FAIL(link->line, "link '%s' names unknown NIC '%s' of node '%s'",
					 link->name, end->nic, end->node);
			if (nic->network[0])
				REF_FAIL(link->line, "link '%s': NIC %s:%s is already on network '%s'",
					 link->name, end->node, end->nic, nic->network);
			if (nic->net_index >= 0)
				REF_FAIL(link->line, "link '%s': NIC %s:%s is already in link '%s'",
					 link->name, end->node, end->nic, lab->networks[nic->net_index].name);
			nic->net_index = link->net_index;
		}
		if (!strcmp(link->ends[0].node, link->ends[1].node) &&
		    !strcmp(link->ends[0].nic, link->ends[1].nic))
			REF_FAIL(link->line, "link '%s' joins a NIC to itself", link->name);
	}

	/* Two vswitchd names may only meet if a hash collides: refuse it. */
	for (size_t i = 0; i < lab->network_count; i++)
		for (size_t j = i + 1; j < lab->network_count; j++)
			if (!strcmp(lab->networks[i].net, lab->networks[j].net))
				REF_FAIL(lab->networks[j].line, "networks '%s' and '%s' map to the same vswitchd name '%s': rename one",
					 lab->networks[i].name, lab->networks[j].name, lab->networks[j].net);

	for (size_t v = 0; v < lab->node_count; v++) {
		struct lab_node *vm = &lab->nodes[v];

		for (size_t n = 0; n < vm->nic_count; n++) {
			struct lab_nic *nic = &vm->nics[n];

			if (nic->network[0]) {
				int index = lab_find_network(lab, nic->network);

				if (index < 0 || lab->networks[index].link >= 0)
					REF_FAIL(nic->line, "node '%s' names unknown network '%s'",
						 vm->name, nic->network);
				nic->net_index = index;
			} else if (nic->net_index < 0) {
				REF_FAIL(nic->line, "NIC %s:%s has no network and is in no link",
					 vm->name, nic->name);
			}
		}
	}

	/* A forward to a node must name a node with a NIC on that network. */
	for (size_t i = 0; i < lab->network_count; i++) {
		struct lab_network *net = &lab->networks[i];

		for (size_t f = 0; f < net->forward_count; f++) {
			char target[80];
			int node;

			snprintf(target, sizeof(target), "%s", net->forwards[f].target);
			target[strcspn(target, ":")] = '\0';
			if (isdigit((unsigned char)target[0]))
				continue;
			node = lab_find_node(lab, target);
			if (node < 0)
				REF_FAIL(net->forwards[f].line, "forward on '%s' names unknown node '%s'",
					 net->name, target);
			bool on_net = false;

			for (size_t n = 0; n < lab->nodes[node].nic_count; n++)
				on_net |= lab->nodes[node].nics[n].net_index == (int)i;
			if (!on_net)
				REF_FAIL(net->forwards[f].line, "forward on '%s' names node '%s', which has no NIC there",
					 net->name, target);
		}
	}
#undef REF_FAIL
	return 0;
}

/* ------------------------------------------------------------------ names */

void lab_net_name(const char *lab, const char *name, char out[LAB_NET_NAME_MAX + 1])
{
	char full[2 * LAB_NAME_MAX + 2];

	snprintf(full, sizeof(full), "%s-%s", lab, name);
	if (strlen(full) <= LAB_NET_NAME_MAX) {
		memcpy(out, full, strlen(full) + 1);
		return;
	}
	snprintf(out, LAB_NET_NAME_MAX + 1, "%.10s-%04x", full, hash_fnv1a_str(full) & 0xffff);
}

int lab_find_network(const struct lab *lab, const char *name)
{
	for (size_t i = 0; i < lab->network_count; i++)
		if (!strcmp(lab->networks[i].name, name))
			return (int)i;
	return -1;
}

int lab_find_node(const struct lab *lab, const char *name)
{
	for (size_t i = 0; i < lab->node_count; i++)
		if (!strcmp(lab->nodes[i].name, name))
			return (int)i;
	return -1;
}
