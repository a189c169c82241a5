/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * graph.h - a lab drawn: nodes as boxes, declared networks as ellipses,
 * NICs as edges labelled with their addresses, links as node-to-node edges
 * labelled at each end. Input is lab_status_json()'s object.
 */
#ifndef LAB_GRAPH_H
#define LAB_GRAPH_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

/** lab_graph_dot() - write the Graphviz DOT of status object @st to @f */
void lab_graph_dot(FILE *f, json_t *st);

/**
 * lab_graph_svg() - render status object @st to an SVG file with dot(1)
 * @st:		from lab_status_json()
 * @path:	the SVG file to write
 * @err:	one line on failure
 * @err_size:	size of @err in bytes
 * Return: 0, or negative errno (-EIO: dot failed or is not installed).
 */
int lab_graph_svg(json_t *st, const char *path, char *err, size_t err_size);

#endif /* LAB_GRAPH_H */
