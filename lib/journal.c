// SPDX-License-Identifier: GPL-2.0-or-later
/* journal.c - crash-safe append-only text records with atomic compaction (see journal.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "journal.h"
#include "log.h"

#define JOURNAL_FILE_MAX	(256u << 20)	/* refuse to load more than this */

int journal_open(struct journal *j, const char *path,
		 int (*apply)(const char *line, size_t len, void *opaque), void *opaque,
		 struct journal_report *report)
{
	struct journal_report rep = { 0 };
	size_t size = 0, off = 0, good_end = 0;
	char *data = NULL;
	int ret;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	if (strlen(path) >= sizeof(j->path))
		return -ENAMETOOLONG;
	snprintf(j->path, sizeof(j->path), "%s", path);
	ret = file_read_all(path, JOURNAL_FILE_MAX, &data, &size);
	if (ret && ret != -ENOENT)
		return ret;
	while (data && off < size) {
		char *nl = memchr(data + off, '\n', size - off);
		size_t len;

		if (!nl) {
			rep.torn_tail = true;	/* a crash mid-append: the record never counted */
			break;
		}
		len = (size_t)(nl - (data + off));
		*nl = '\0';
		if (len && (len > JOURNAL_LINE_MAX || apply(data + off, len, opaque) < 0))
			rep.bad++;
		if (len)
			rep.lines++;
		off += len + 1;
		good_end = off;
	}
	free(data);
	j->records = rep.lines;
	j->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (j->fd < 0)
		return -errno;
	if (rep.torn_tail && ftruncate(j->fd, (off_t)good_end) < 0)
		log_warn("%s: cannot cut off its partial last line: %s", path, strerror(errno));
	if (report)
		*report = rep;
	return 0;
}

int journal_append(struct journal *j, const char *line)
{
	size_t len = strlen(line);
	char buf[JOURNAL_LINE_MAX + 1];
	int ret;

	if (j->fd < 0)
		return -EBADF;
	if (len > JOURNAL_LINE_MAX || memchr(line, '\n', len))
		return -EINVAL;
	memcpy(buf, line, len);
	buf[len] = '\n';
	/* One write of the whole line: a crash leaves it whole or partial, never interleaved. */
	ret = file_write_all(j->fd, buf, len + 1);
	if (!ret && fdatasync(j->fd) < 0)
		ret = -errno;
	if (!ret)
		j->records++;
	return ret;
}

int journal_compact(struct journal *j, int (*next)(void *opaque, char *buf, size_t size),
		    void *opaque)
{
	char tmp[PATH_MAX + 8], line[JOURNAL_LINE_MAX + 1];
	size_t records = 0;
	int fd, ret = 0, n;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", j->path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while ((n = next(opaque, line, sizeof(line) - 1)) > 0) {
		line[n] = '\n';
		ret = file_write_all(fd, line, (size_t)n + 1);
		if (ret)
			break;
		records++;
	}
	if (n < 0)
		ret = n;
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	close(fd);
	if (!ret && rename(tmp, j->path) < 0)
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	file_fsync_dir(j->path);
	/* Append to the new file from now on. */
	fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (j->fd >= 0)
		close(j->fd);
	j->fd = fd;
	j->records = records;
	return 0;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}

void journal_remove(struct journal *j)
{
	journal_close(j);
	if (j->path[0] && unlink(j->path) == 0)
		file_fsync_dir(j->path);
}
