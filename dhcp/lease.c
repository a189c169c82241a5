// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lease.c - the lease journal.
 *
 * Theory of operation: every change a client was told about (an ACK, a
 * release, a decline) is one line appended to NAME.leases. The server
 * appends the lines of a whole batch of requests, calls fdatasync() once,
 * and only then sends the batch's replies, so a client never holds an ACK
 * the disk does not (group commit). Each line ends with a CRC-32 of the
 * rest of it, so a line torn by a crash, or damaged later, is recognised
 * rather than misread. The file grows until compaction writes the live
 * leases to a temporary file, syncs it and renames it over the journal:
 * the rename is atomic, so a crash leaves either the old or the new file.
 *
 * After kill -9 only the last write() can be incomplete, which shows as a
 * bad or unterminated last line: that tail is cut off with a warning. A bad
 * line followed by good ones is damage, not a crash: it is reported with
 * file and line, skipped, and a copy of the file is kept beside it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ether.h"
#include "fileio.h"
#include "lease.h"
#include "log.h"
#include "pool.h"

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

uint32_t lease_crc32(const void *data, size_t size)
{
	const uint32_t *table = crc_table;
	const uint8_t *p = data;
	uint32_t crc = 0xffffffffu;
	size_t i;

	pthread_once(&crc_once, crc_init);
	for (i = 0; i < size; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}

size_t lease_format(const struct dhcp_lease_rec *rec, char *line, size_t size)
{
	struct in_addr a = { .s_addr = htonl(rec->ip) };
	char ip[INET_ADDRSTRLEN], mac[MAC_TEXT_SIZE];
	int n;

	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	mac_format(rec->mac, mac);
	n = snprintf(line, size, "%s\t%s\t%s\t%" PRId64 "\t%s\t", ip, mac,
		     dhcp_lease_state_name(rec->state), rec->expires, rec->hostname);
	if (n < 0 || (size_t)n + 10 > size)
		return 0;
	n += snprintf(line + n, size - (size_t)n, "%08x\n", lease_crc32(line, (size_t)n));
	return (size_t)n;
}

static bool hostname_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_';
}

int lease_parse_line(const char *line, size_t len, struct dhcp_lease_rec *rec)
{
	char copy[DHCP_LEASE_LINE_MAX + 1], *fields[6], *p, *end;
	unsigned int i;
	struct in_addr a;
	unsigned long crc;
	long long expires;
	int state;

	if (len < 12 || len > DHCP_LEASE_LINE_MAX)
		return -EBADMSG;
	memcpy(copy, line, len);
	copy[len] = '\0';
	if (memchr(copy, '\0', len))
		return -EBADMSG;
	p = copy;
	for (i = 0; i < 6; i++) {
		fields[i] = p;
		end = strchr(p, '\t');
		if (i < 5) {
			if (!end)
				return -EBADMSG;
			*end = '\0';
			p = end + 1;
		} else if (end) {
			return -EBADMSG;
		}
	}
	/* The checksum covers everything up to and including the tab before it. */
	if (strlen(fields[5]) != 8)
		return -EBADMSG;
	crc = strtoul(fields[5], &end, 16);
	if (*end || lease_crc32(line, (size_t)(fields[5] - copy)) != (uint32_t)crc)
		return -EBADMSG;

	memset(rec, 0, sizeof(*rec));
	if (inet_pton(AF_INET, fields[0], &a) != 1)
		return -EBADMSG;
	rec->ip = ntohl(a.s_addr);
	if (mac_parse(fields[1], rec->mac))
		return -EBADMSG;
	state = dhcp_lease_state_parse(fields[2]);
	if (state < 0)
		return -EBADMSG;
	rec->state = (uint8_t)state;
	errno = 0;
	expires = strtoll(fields[3], &end, 10);
	if (errno || *end || end == fields[3])
		return -EBADMSG;
	rec->expires = expires;
	if (strlen(fields[4]) >= DHCP_HOSTNAME_MAX)
		return -EBADMSG;
	for (p = fields[4]; *p; p++)
		if (!hostname_char_ok(*p))
			return -EBADMSG;
	strcpy(rec->hostname, fields[4]);
	return 0;
}

static int read_all(int fd, char **data, size_t *size)
{
	struct stat st;
	size_t off = 0;
	char *buf;

	if (fstat(fd, &st) < 0)
		return -errno;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	*data = buf;
	*size = off;
	return 0;
}

/* Keep a copy of a damaged journal beside it, for whoever investigates. */
static void keep_corrupt_copy(const char *path, const char *data, size_t size)
{
	char copy[PATH_MAX + 16];
	int fd;

	snprintf(copy, sizeof(copy), "%s.corrupt", path);
	fd = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (file_write_all(fd, data, size) == 0)
		log_warn("%s: a copy of the damaged file is kept as %s", path, copy);
	close(fd);
}

int lease_store_open(struct lease_store *st, const char *path, lease_apply_fn apply,
		     void *opaque, struct lease_load_report *report)
{
	struct lease_load_report rep = { 0 };
	size_t size = 0, off = 0, good_end = 0;
	unsigned int line_no = 0, last_good_line = 0;
	unsigned int bad_lines[16], nbad = 0, bad_total = 0;
	char *data = NULL;
	int fd, ret;

	memset(st, 0, sizeof(*st));
	st->fd = -1;
	if (snprintf(st->path, sizeof(st->path), "%s", path) >= (int)sizeof(st->path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ret = read_all(fd, &data, &size);
	if (ret) {
		close(fd);
		return ret;
	}

	/* First pass: find the end of the last good line; bad lines before it are damage. */
	while (off < size) {
		const char *nl = memchr(data + off, '\n', size - off);
		struct dhcp_lease_rec rec;
		size_t len;

		line_no++;
		if (!nl)
			break;	/* unterminated: the tail */
		len = (size_t)(nl - (data + off));
		if (lease_parse_line(data + off, len, &rec) == 0) {
			/* Lines before this one that were bad are damage, not a torn tail. */
			if (nbad || bad_total) {
				for (unsigned int i = 0; i < nbad; i++)
					log_err("%s: line %u: corrupt lease record skipped", path,
						bad_lines[i]);
				rep.bad_lines += bad_total;
				if (!rep.first_bad_line)
					rep.first_bad_line = bad_lines[0];
				nbad = bad_total = 0;
			}
			apply(opaque, &rec);
			rep.records++;
			good_end = (size_t)(nl - data) + 1;
			last_good_line = line_no;
		} else {
			if (nbad < 16)
				bad_lines[nbad++] = line_no;
			bad_total++;
		}
		off = (size_t)(nl - data) + 1;
	}
	if (rep.bad_lines)
		keep_corrupt_copy(path, data, size);
	if (good_end < size) {
		rep.truncated_bytes = size - good_end;
		log_warn("%s: cut off a torn or corrupt tail of %zu bytes after line %u",
			 path, rep.truncated_bytes, last_good_line);
		if (ftruncate(fd, (off_t)good_end) < 0 || fdatasync(fd) < 0) {
			ret = -errno;
			free(data);
			close(fd);
			return ret;
		}
	}
	free(data);
	st->fd = fd;
	st->file_size = good_end;
	st->file_records = rep.records + rep.bad_lines;
	if (report)
		*report = rep;
	return 0;
}

int lease_store_append(struct lease_store *st, const struct dhcp_lease_rec *rec)
{
	size_t n;

	if (st->cap - st->used < DHCP_LEASE_LINE_MAX + 1) {
		size_t cap = st->cap ? st->cap * 2 : 16384;
		char *buf = realloc(st->buf, cap);

		if (!buf)
			return -ENOMEM;
		st->buf = buf;
		st->cap = cap;
	}
	n = lease_format(rec, st->buf + st->used, st->cap - st->used);
	if (!n)
		return -ENOSPC;
	st->used += n;
	st->file_records++;
	return 0;
}

bool lease_store_pending(const struct lease_store *st)
{
	return st->used > 0;
}

void lease_store_discard(struct lease_store *st)
{
	st->used = 0;
}

int lease_store_commit(struct lease_store *st)
{
	int ret;

	if (!st->used)
		return 0;
	if (st->fd < 0)
		return -EBADF;
	ret = file_write_all(st->fd, st->buf, st->used);
	if (!ret && fdatasync(st->fd) < 0)
		ret = -errno;
	if (ret) {
		/* Never leave a partial batch for the next batch to follow. */
		if (ftruncate(st->fd, (off_t)st->file_size) < 0)
			log_err("%s: cannot cut back a failed write: %s", st->path, strerror(errno));
		st->used = 0;
		return ret;
	}
	st->file_size += st->used;
	st->used = 0;
	return 0;
}

int lease_store_compact(struct lease_store *st, lease_next_fn next, void *opaque)
{
	char tmp[PATH_MAX + 8], line[DHCP_LEASE_LINE_MAX + 1];
	struct dhcp_lease_rec rec;
	unsigned int records = 0;
	uint64_t size = 0;
	char *buf = NULL;
	size_t used = 0, cap = 0;
	int fd, newfd, ret = 0;

	if (st->used)
		return -EBUSY;
	snprintf(tmp, sizeof(tmp), "%s.tmp", st->path);
	while (next(opaque, &rec)) {
		size_t n = lease_format(&rec, line, sizeof(line));

		if (cap - used < n) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nbuf = realloc(buf, ncap);

			if (!nbuf) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
			cap = ncap;
		}
		memcpy(buf + used, line, n);
		used += n;
		records++;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	ret = file_write_all(fd, buf, used);
	free(buf);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	close(fd);
	if (!ret && rename(tmp, st->path) < 0)
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	file_fsync_dir(st->path);
	size = used;
	newfd = open(st->path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (newfd < 0)
		return -errno;	/* cannot happen short of the file vanishing */
	close(st->fd);
	st->fd = newfd;
	st->file_size = size;
	st->file_records = records;
	return 0;
}

void lease_store_close(struct lease_store *st)
{
	if (!st)
		return;
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	free(st->buf);
	st->buf = NULL;
	st->used = st->cap = 0;
}
