/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qmp.h - a small QMP client: greeting and capabilities, commands with
 * timeouts, and events collected while waiting so none is missed.
 */
#ifndef VMM_QMP_H
#define VMM_QMP_H

#include <stddef.h>
#include <jansson.h>

struct qmp {
	int fd;
	char *buf;		/* bytes received, not yet a full line */
	size_t used;
	size_t size;
	json_t *events;		/* events seen while waiting for replies */
};

/**
 * qmp_open() - connect to QEMU's QMP socket and negotiate capabilities
 * @timeout_ms:	how long to wait for the greeting (QEMU answers only once
 *		its initialisation is over)
 * Return: 0, or a negative errno with @err set.
 */
int qmp_open(struct qmp *q, const char *path, int timeout_ms, char *err, size_t err_size);

/** qmp_close() - disconnect; accepts a never-opened @q (fd < 0). */
void qmp_close(struct qmp *q);

/**
 * qmp_exec() - run one command
 * @args:	arguments (reference stolen; NULL for none)
 * @ret:	set to the "return" value (caller owns); may be NULL
 * Return: 0, -EIO with QEMU's error description in @err, -ETIMEDOUT, or
 * another negative errno.
 */
int qmp_exec(struct qmp *q, const char *command, json_t *args, json_t **ret,
	     int timeout_ms, char *err, size_t err_size);

/**
 * qmp_wait_event() - wait for event @name whose data member "device" (if
 * @device is not NULL) equals @device; events already seen count.
 * Return: 0, -ETIMEDOUT, or another negative errno.
 */
int qmp_wait_event(struct qmp *q, const char *name, const char *device, int timeout_ms);

#endif /* VMM_QMP_H */
