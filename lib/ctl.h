/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h - the control protocol: newline-delimited JSON over a UNIX stream
 * socket, with file descriptors riding along as SCM_RIGHTS.
 *
 * Request:  {"id":N,"method":"net.create","params":{...}}\n
 * Reply:    {"id":N,"result":{...}}\n  or  {"id":N,"error":{"code":-22,"message":"..."}}\n
 *
 * File descriptors sent with a request are attached to the sendmsg() carrying
 * the first byte of its line; the receiver associates every fd that arrives
 * while a line is being read with that line. A line is at most CTL_MAX_LINE
 * bytes and carries at most CTL_MAX_FDS descriptors; more is a protocol error
 * that closes the connection.
 */
#ifndef LIB_CTL_H
#define LIB_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

#define CTL_MAX_LINE	(1 << 20)
#define CTL_MAX_FDS	4
/* Longest ctl_send() waits for a peer that does not read (non-blocking sockets). */
#define CTL_SEND_TIMEOUT_MS	5000

/**
 * ctl_listen() - create, bind and listen on a UNIX stream socket
 * @path:	socket path; a stale socket file there is replaced
 * @mode:	permission bits for the socket file (e.g. 0660)
 *
 * Return: listening fd (non-blocking, close-on-exec) or negative errno.
 */
int ctl_listen(const char *path, mode_t mode);

/** ctl_connect() - connect to @path. Return: fd (blocking) or negative errno. */
int ctl_connect(const char *path);

/**
 * ctl_send() - serialise @msg compactly, append '\n', send it with @fds
 * @fd:		connected socket
 * @msg:	JSON value (not consumed)
 * @fds:	descriptors to pass (may be NULL when @nfds is 0)
 * @nfds:	count, at most CTL_MAX_FDS
 *
 * Blocks until the whole line is written (retries on EINTR/EAGAIN with poll);
 * on a non-blocking socket whose peer stops reading, gives up after
 * CTL_SEND_TIMEOUT_MS with -ETIMEDOUT.
 * Return: 0 or negative errno.
 */
int ctl_send(int fd, json_t *msg, const int *fds, int nfds);

/* A buffered reader for one connection: accumulates bytes and fds into lines. */
struct ctl_conn;

/** ctl_conn_new() - wrap connected socket @fd (not owned: close it yourself). */
struct ctl_conn *ctl_conn_new(int fd);

/** ctl_conn_free() - free the reader and close any fds still queued. Accepts NULL. */
void ctl_conn_free(struct ctl_conn *c);

/**
 * ctl_conn_read() - read what the socket has (one recvmsg) into the buffer
 * Return: bytes read (> 0), 0 on orderly EOF, -EAGAIN if nothing is there,
 * -EMSGSIZE if a line exceeds CTL_MAX_LINE or too many fds arrived, or
 * another negative errno.
 */
int ctl_conn_read(struct ctl_conn *c);

/**
 * ctl_conn_next() - take the next complete line, parsed
 * @c:		reader
 * @msg:	set to the parsed JSON object (caller owns; json_decref it)
 * @fds:	receives up to CTL_MAX_FDS descriptors that came with the line (caller owns)
 * @nfds:	set to the number of descriptors
 *
 * Return: 1 if a message was returned, 0 if no complete line is buffered,
 * -EBADMSG if the line is not a JSON object (the line is consumed and its fds
 * closed, so the caller may reply with an error and continue).
 */
int ctl_conn_next(struct ctl_conn *c, json_t **msg, int *fds, int *nfds);

/**
 * ctl_call() - client side: send one request and wait for its reply
 * @fd:		connected socket (blocking)
 * @method:	method name
 * @params:	parameters object, or NULL for {} (reference stolen)
 * @fds:	descriptors to pass with the request
 * @nfds:	count
 * @result:	on success, set to the "result" value (caller owns)
 * @errmsg:	on a daemon error, set to a malloc'd message (caller frees)
 *
 * Return: 0 on success; the daemon's negative error code with @errmsg set;
 * or a negative errno for transport failures (@errmsg NULL).
 */
int ctl_call(int fd, const char *method, json_t *params, const int *fds,
	     int nfds, json_t **result, char **errmsg);

/**
 * ctl_peer_cred() - the connecting process's credentials, from the kernel
 * Return: 0 or negative errno.
 */
int ctl_peer_cred(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

/* Server-side command table, after Open vSwitch's unixctl. */
struct ctl_request;

/**
 * typedef ctl_handler - run one command
 * @req:	the request: params, fds, credentials
 * @result:	set to a new JSON value on success (NULL means {})
 * @err:	buffer for a one-line error message on failure
 * @err_size:	size of @err in bytes
 *
 * Return: 0 on success or negative errno (message in @err).
 */
typedef int (*ctl_handler)(struct ctl_request *req, json_t **result,
			   char *err, size_t err_size);

struct ctl_command {
	const char *name;	/* method, e.g. "net.create" */
	const char *usage;	/* parameter summary for list-commands */
	bool mutating;		/* requires root, our uid, or the socket's group */
	ctl_handler handler;
	void *opaque;		/* handed to the handler through req->opaque */
};

struct ctl_request {
	json_t *params;		/* always an object */
	int fds[CTL_MAX_FDS];	/* passed descriptors; a handler that keeps one sets it to -1 */
	int nfds;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	int conn_fd;		/* the connection the request came on (0: none), for sessions bound to it */
	void *opaque;
};

/**
 * ctl_dispatch() - look up and run the method of @msg, build the reply
 * @cmds:	table terminated by an entry with name NULL
 * @msg:	the request object
 * @req:	fds and credentials filled by the caller; params and opaque are set here
 * @allowed:	whether the peer may run mutating commands
 *
 * Unknown methods, missing params objects and permission failures are
 * answered with errors. The built-in method "list-commands" returns the
 * table. Fds left in @req after the handler are closed.
 * Return: the reply object (caller owns).
 */
json_t *ctl_dispatch(const struct ctl_command *cmds, json_t *msg,
		     struct ctl_request *req, bool allowed);

#endif /* LIB_CTL_H */
