/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table.h - aligned text tables with a header row, for netctl's listings. */
#ifndef NETCTL_TABLE_H
#define NETCTL_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#define TABLE_MAX_COLUMNS	8

struct table;

/**
 * table_new() - start a table
 * @headers:	column titles, ending with NULL; at most TABLE_MAX_COLUMNS (not copied)
 * Return: the table or NULL (out of memory, or too many columns).
 */
struct table *table_new(const char *const headers[]);

/** table_free() - free @table and every cell. Accepts NULL. */
void table_free(struct table *table);

/** table_align_right() - right-align column @column (for numbers) */
void table_align_right(struct table *table, unsigned int column);

/**
 * table_add_row() - append one row
 * @table:	table
 * @cells:	one string per column (copied; NULL prints as "-")
 * Return: 0 or -ENOMEM.
 */
int table_add_row(struct table *table, const char *const cells[]);

/** table_rows() - rows added so far (not counting the header) */
unsigned int table_rows(const struct table *table);

/**
 * table_print() - print header and rows, columns padded to their widest cell
 * @table:	table
 * @out:	stream
 *
 * Columns are separated by two spaces; the last column is not padded, so no
 * line ends in blanks.
 */
void table_print(const struct table *table, FILE *out);

#endif /* NETCTL_TABLE_H */
