/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.h - a lab topology file (YAML, libyaml) parsed into a validated
 * struct lab (topology.h). Pure: no daemon, no files other than the one
 * read by lab_parse_file().
 */
#ifndef LAB_PARSE_H
#define LAB_PARSE_H

#include <stddef.h>

#include "topology.h"

#define LAB_FILE_MAX	(1 << 20)	/* bytes of a topology file */

/**
 * lab_parse() - parse and validate a topology
 * @text:	the YAML document
 * @size:	bytes in @text
 * @filename:	named in messages ("lab.yaml:12: ...")
 * @lab:	filled on success (may be large: allocate it)
 * @err:	on failure one line, "FILE:LINE: what is wrong"
 * @err_size:	size of @err in bytes
 *
 * Unknown keys, wrong types, bad values, duplicate names and references to
 * unknown networks, nodes or NICs are errors naming the line.
 * Return: 0 or -EINVAL.
 */
int lab_parse(const char *text, size_t size, const char *filename, struct lab *lab,
	      char *err, size_t err_size);

/**
 * lab_parse_file() - read @path and lab_parse() it
 * @text:	if not NULL, set to the file's contents (caller frees)
 * Return: 0, -EINVAL (message in @err) or a negative errno from reading.
 */
int lab_parse_file(const char *path, struct lab *lab, char **text, char *err, size_t err_size);

#endif /* LAB_PARSE_H */
