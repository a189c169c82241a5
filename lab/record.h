/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record.h - a lab's record, RUN_DIR/.labs/NAME.json: the path and the full
 * text of the file it was brought up from. Written before anything is
 * created, so down, status and graph work from it whatever became of the
 * file; removed once the lab is down.
 */
#ifndef LAB_RECORD_H
#define LAB_RECORD_H

#include <stddef.h>
#include <jansson.h>

#include "topology.h"

/**
 * lab_record_path() - where the record of lab @name lives
 * @run_dir:	vmm's run directory
 * @name:	the lab's name
 * @buf:	receives RUN_DIR/.labs/NAME.json
 * @size:	size of @buf in bytes
 * Return: 0 or -ENAMETOOLONG.
 */
int lab_record_path(const char *run_dir, const char *name, char *buf, size_t size);

/**
 * lab_record_save() - write the record of lab @name (file_write_atomic())
 * @run_dir:	vmm's run directory; it and RUN_DIR/.labs are made if missing
 * @name:	the lab's name
 * @file:	the topology file's path, as the record shows it
 * @yaml:	the topology file's text
 * Return: 0 or negative errno.
 */
int lab_record_save(const char *run_dir, const char *name, const char *file, const char *yaml);

/**
 * lab_record_load() - the record of lab @name: { name, file, yaml }
 * Return: the record (caller owns), or NULL if there is none (or it is unreadable).
 */
json_t *lab_record_load(const char *run_dir, const char *name);

/**
 * lab_record_topology() - parse the topology a record holds
 * @rec:	from lab_record_load()
 * @lab:	filled on success
 * @err:	one line on failure
 * @err_size:	size of @err in bytes
 * Return: 0 or -EINVAL.
 */
int lab_record_topology(json_t *rec, struct lab *lab, char *err, size_t err_size);

/**
 * lab_record_read() - lab_record_load() and lab_record_topology() in one
 * Return: 0, -ENOENT when no lab @name is up, or -EINVAL; @err says which.
 */
int lab_record_read(const char *run_dir, const char *name, struct lab *lab,
		    char *err, size_t err_size);

/** lab_record_remove() - delete the record of lab @name. Return: 0 or negative errno. */
int lab_record_remove(const char *run_dir, const char *name);

#endif /* LAB_RECORD_H */
