/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table.c - aligned text tables with a header row, for netctl's listings. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

struct table {
	unsigned int column_count;
	const char *const *headers;
	bool right_aligned[TABLE_MAX_COLUMNS];
	char **cells;		/* row-major, row_count * column_count strings */
	unsigned int row_count;
	unsigned int row_capacity;
};

/**
 * table_new() - start a table
 * @headers:	column titles, ending with NULL; at most TABLE_MAX_COLUMNS (not copied)
 *
 * Return: the table or NULL (out of memory, or too many or no columns).
 */
struct table *table_new(const char *const headers[])
{
	struct table *table;
	unsigned int count = 0;

	while (headers[count])
		count++;
	if (count == 0 || count > TABLE_MAX_COLUMNS)
		return NULL;
	table = calloc(1, sizeof(*table));
	if (!table)
		return NULL;
	table->column_count = count;
	table->headers = headers;
	return table;
}

/**
 * table_free() - free @table and every cell
 * @table:	table, or NULL
 */
void table_free(struct table *table)
{
	if (!table)
		return;
	for (size_t i = 0; i < (size_t)table->row_count * table->column_count; i++)
		free(table->cells[i]);
	free(table->cells);
	free(table);
}

/**
 * table_align_right() - right-align a column, for numbers
 * @table:	table
 * @column:	column index; out of range is ignored
 */
void table_align_right(struct table *table, unsigned int column)
{
	if (column < table->column_count)
		table->right_aligned[column] = true;
}

/**
 * table_add_row() - append one row
 * @table:	table
 * @cells:	one string per column (copied; NULL prints as "-")
 *
 * Return: 0 or -ENOMEM (the table is unchanged).
 */
int table_add_row(struct table *table, const char *const cells[])
{
	size_t base;

	if (table->row_count == table->row_capacity) {
		unsigned int capacity = table->row_capacity ? 2 * table->row_capacity : 16;
		char **grown = reallocarray(table->cells,
					    (size_t)capacity * table->column_count,
					    sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		table->cells = grown;
		table->row_capacity = capacity;
	}
	base = (size_t)table->row_count * table->column_count;
	for (unsigned int i = 0; i < table->column_count; i++) {
		table->cells[base + i] = strdup(cells[i] ? cells[i] : "-");
		if (!table->cells[base + i]) {
			while (i--)
				free(table->cells[base + i]);
			return -ENOMEM;
		}
	}
	table->row_count++;
	return 0;
}

/**
 * table_rows() - rows added so far
 * @table:	table
 *
 * Return: the row count, not counting the header.
 */
unsigned int table_rows(const struct table *table)
{
	return table->row_count;
}

static void print_line(const struct table *table, const char *const cells[],
		       const size_t widths[], FILE *out)
{
	for (unsigned int i = 0; i < table->column_count; i++) {
		bool last = i + 1 == table->column_count;
		int width = (int)widths[i];

		if (table->right_aligned[i])
			fprintf(out, "%*s", width, cells[i]);
		else if (last)
			fputs(cells[i], out);
		else
			fprintf(out, "%-*s", width, cells[i]);
		fputs(last ? "\n" : "  ", out);
	}
}

/**
 * table_print() - print header and rows, columns padded to their widest cell
 * @table:	table
 * @out:	stream
 */
void table_print(const struct table *table, FILE *out)
{
	size_t widths[TABLE_MAX_COLUMNS];

	for (unsigned int i = 0; i < table->column_count; i++)
		widths[i] = strlen(table->headers[i]);
	for (unsigned int row = 0; row < table->row_count; row++) {
		for (unsigned int i = 0; i < table->column_count; i++) {
			size_t length = strlen(table->cells[(size_t)row * table->column_count + i]);

			if (length > widths[i])
				widths[i] = length;
		}
	}
	print_line(table, table->headers, widths, out);
	for (unsigned int row = 0; row < table->row_count; row++)
		print_line(table, (const char *const *)&table->cells[(size_t)row * table->column_count],
			   widths, out);
}
