// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * network_store.c - the orchestrator's persistence: each network's
 * definition (its creation parameters, forwards and static hosts included,
 * and those of each port) is one JSON file, STATE_DIR/networks/NAME.json,
 * replaced atomically on every change, so after a crash or restart vswitchd
 * brings back exactly what was configured, as Open vSwitch does from its
 * database.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "network_int.h"

static void net_path(const struct network *net, char *path, size_t size)
{
	snprintf(path, size, "%s/networks/%s.json", net_state_dir(), net->name);
}

int net_save(const struct network *net)
{
	char path[PATH_MAX], dir[PATH_MAX];
	json_t *doc, *ports;
	unsigned int i;
	char *text;
	int ret;

	snprintf(dir, sizeof(dir), "%s/networks", net_state_dir());
	ret = mkdir_p(dir, 0755);
	if (ret) {
		log_err("network %s: cannot create %s: %s", net->name, dir, strerror(-ret));
		return ret;
	}
	ports = json_array();
	for (i = 0; i < NET_MAX_PORTS; i++)
		if (net->ports[i] && !net->ports[i]->role)
			json_array_append(ports, net->ports[i]->params);
	json_array_extend(ports, net->failed_ports);
	/* "active": false only after net stop; a missing key (older files) means running. */
	doc = json_pack("{s:i, s:O, s:o, s:b}", "version", 1, "network", net->params, "ports", ports,
			"active", net->active);
	if (!doc)
		return -ENOMEM;
	text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(doc);
	if (!text)
		return -ENOMEM;
	net_path(net, path, sizeof(path));
	ret = file_write_atomic(path, text, strlen(text), 0644);
	free(text);
	if (ret)
		log_err("network %s: cannot save %s: %s", net->name, path, strerror(-ret));
	return ret;
}

void net_store_unlink(const struct network *net)
{
	char path[PATH_MAX];

	net_path(net, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("network %s: cannot remove %s: %s", net->name, path, strerror(errno));
	else
		file_fsync_dir(path);
}

void net_store_load_all(void (*load)(const char *path, json_t *doc))
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/networks", net_state_dir());
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		json_error_t jerr;
		json_t *doc;

		if (len < 6 || strcmp(de->d_name + len - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
		if (!doc) {
			log_err("%s: line %d: %s; network not started", path, jerr.line, jerr.text);
			continue;
		}
		load(path, doc);
		json_decref(doc);
	}
	closedir(d);
}
