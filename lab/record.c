/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record.c - a lab's record under RUN_DIR/.labs (see record.h). */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "parse.h"
#include "record.h"

int lab_record_path(const char *run_dir, const char *name, char *buf, size_t size)
{
	if ((size_t)snprintf(buf, size, "%s/.labs/%s.json", run_dir, name) >= size)
		return -ENAMETOOLONG;
	return 0;
}

int lab_record_save(const char *run_dir, const char *name, const char *file, const char *yaml)
{
	char dir[PATH_MAX], path[PATH_MAX];
	json_t *rec;
	char *text;
	int ret;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/.labs", run_dir) >= sizeof(dir) ||
	    lab_record_path(run_dir, name, path, sizeof(path)))
		return -ENAMETOOLONG;
	/* The run directory may not exist yet, nor its parents: vmm makes it too. */
	ret = mkdir_p(dir, 0755);
	if (ret < 0)
		return ret;
	rec = json_pack("{s:s, s:s, s:s}", "name", name, "file", file, "yaml", yaml);
	text = rec ? json_dumps(rec, JSON_INDENT(2)) : NULL;
	json_decref(rec);
	if (!text)
		return -ENOMEM;
	ret = file_write_atomic(path, text, strlen(text), 0644);
	free(text);
	return ret;
}

json_t *lab_record_load(const char *run_dir, const char *name)
{
	char path[PATH_MAX];

	if (lab_record_path(run_dir, name, path, sizeof(path)))
		return NULL;
	return json_load_file(path, 0, NULL);
}

int lab_record_topology(json_t *rec, struct lab *lab, char *err, size_t err_size)
{
	const char *yaml = json_string_value(json_object_get(rec, "yaml"));
	const char *file = json_string_value(json_object_get(rec, "file"));

	if (!yaml) {
		snprintf(err, err_size, "the lab's record is damaged");
		return -EINVAL;
	}
	return lab_parse(yaml, strlen(yaml), file ? file : "lab", lab, err, err_size);
}

int lab_record_read(const char *run_dir, const char *name, struct lab *lab,
		    char *err, size_t err_size)
{
	json_t *rec = lab_record_load(run_dir, name);
	int ret;

	if (!rec) {
		snprintf(err, err_size, "no lab named '%s' is up (no record under %s/.labs)",
			 name, run_dir);
		return -ENOENT;
	}
	ret = lab_record_topology(rec, lab, err, err_size);
	json_decref(rec);
	return ret;
}

int lab_record_remove(const char *run_dir, const char *name)
{
	char path[PATH_MAX];
	int ret = lab_record_path(run_dir, name, path, sizeof(path));

	if (ret < 0)
		return ret;
	return unlink(path) < 0 ? -errno : 0;
}
