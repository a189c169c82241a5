/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fileio.h - durable file writes shared by every program that persists
 * state: network definitions, lab records, vmm state.
 */
#ifndef LIB_FILEIO_H
#define LIB_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/**
 * file_write_atomic() - replace @path with @size bytes of @data so that a
 * crash at any instant leaves either the old file or the new one, whole:
 * write PATH.tmp, fsync it, rename it over @path, fsync the directory.
 * @mode:	permissions of a newly created file
 * Return: 0 or negative errno (the temporary file is removed on failure).
 */
int file_write_atomic(const char *path, const void *data, size_t size, mode_t mode);

/** file_write_all() - write all of @data to @fd, retrying short writes and EINTR. Return: 0 or negative errno. */
int file_write_all(int fd, const void *data, size_t size);

/** file_fsync_dir() - fsync the directory holding @path. Return: 0 or negative errno. */
int file_fsync_dir(const char *path);

/**
 * mkdir_p() - create @path and any missing parents (parents 0755, @path
 * itself @mode). An existing directory is fine.
 * Return: 0 or negative errno.
 */
int mkdir_p(const char *path, mode_t mode);

/**
 * file_read_all() - read a whole regular file into a NUL-terminated buffer
 * @max:	refuse files larger than this (-EFBIG)
 * Return: 0 with *@data (free() it) and *@size set, or negative errno.
 */
int file_read_all(const char *path, size_t max, char **data, size_t *size);

#endif /* LIB_FILEIO_H */
