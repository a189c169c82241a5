// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_console.c - `vmm console NAME`: attach the terminal to the guest's
 * serial console. Ctrl-] detaches (the guest keeps running). QEMU serves one
 * console client at a time. Without a terminal on stdin, what stdin carries
 * is sent, and the console is followed until it has been quiet for a second
 * after stdin ended.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "errline.h"
#include "vmm.h"

#define DETACH_KEY	0x1d	/* Ctrl-] */

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int relay(int sock, bool tty)
{
	struct pollfd fds[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = sock, .events = POLLIN },
	};
	bool stdin_open = true;
	char buf[4096];
	ssize_t n, i;

	for (;;) {
		int ready = poll(fds, 2, stdin_open ? -1 : 1000);

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			return -1;
		if (ready == 0)
			return 0;	/* stdin ended and the console went quiet */
		if (fds[1].revents) {
			n = read(sock, buf, sizeof(buf));
			if (n <= 0)
				return 1;	/* QEMU closed it: the VM stopped */
			if (write_all(STDOUT_FILENO, buf, (size_t)n))
				return -1;
		}
		if (stdin_open && fds[0].revents) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0) {
				stdin_open = false;
				fds[0].fd = -1;
				continue;
			}
			if (tty)
				for (i = 0; i < n; i++)
					if (buf[i] == DETACH_KEY) {
						write_all(sock, buf, (size_t)i);
						return 0;
					}
			if (write_all(sock, buf, (size_t)n))
				return 1;
		}
	}
}

int cmd_console(struct vmm_ctx *ctx, int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct termios saved, raw;
	char err[512];
	struct vm *vm;
	bool tty;
	int sock, ret;

	if (argc != 2) {
		vmm_command_usage("console");
		return VMM_EXIT_USAGE;
	}
	vm = malloc(sizeof(*vm));
	if (!vm)
		return VMM_EXIT_FAILURE;
	if (vm_open(ctx, argv[1], vm, err, sizeof(err))) {
		errline("%s", err);
		free(vm);
		return VMM_EXIT_FAILURE;
	}
	if (!vm_is_active(vm)) {
		errline("VM '%s' is not running (%s); its serial log is %s/serial.log", vm->name,
			  vm_state_name(vm->state), vm->dir);
		free(vm);
		return VMM_EXIT_FAILURE;
	}
	if (vm_path(vm, "console.sock", addr.sun_path, sizeof(addr.sun_path))) {
		errline("console socket path too long");
		free(vm);
		return VMM_EXIT_FAILURE;
	}
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		errline("cannot attach to %s's console at %s: %s", vm->name, addr.sun_path,
			  strerror(errno));
		if (sock >= 0)
			close(sock);
		free(vm);
		return VMM_EXIT_FAILURE;
	}
	tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (tty) {
		fprintf(stderr, "Connected to %s's console; detach with Ctrl-]\r\n", vm->name);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		/* A fresh prompt, so the user sees where the guest is. */
		write_all(sock, "\r", 1);
	}
	ret = relay(sock, tty);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		fprintf(stderr, ret == 1 ? "\nconsole closed: %s stopped\n" : "\ndetached from %s\n",
			vm->name);
	}
	close(sock);
	free(vm);
	return ret < 0 ? VMM_EXIT_FAILURE : VMM_EXIT_OK;
}
