// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_vhost_user.c - libFuzzer target: the input is a sequence of vhost-user
 * messages, applied with vu_dev_process() directly, then read from a
 * socketpair with vu_msg_read() all at once, and again in pieces of 1 to 16
 * bytes (the first byte's bits 1-4 say how many), each piece read as it
 * arrives, as a slow front-end sends them; replies go out without waiting.
 * Nothing may crash, leak a file descriptor or read beyond a message.
 *
 * Direct mode record: one control byte, then a 12-byte header (request,
 * flags, size), then min(size, what is left) payload bytes. Control bits 0-1
 * attach 0-3 fds (bit 2 picks a dup of a 256 KiB memfd or an eventfd, so
 * SET_MEM_TABLE, ADD_MEM_REG and SET_VRING_KICK can succeed); bit 7 turns
 * the record into a guest write: the payload is copied into the memfd at
 * the request field modulo the memfd size, so rings and descriptors the
 * fuzzer built can be walked. Whenever the device runs, a few chains are
 * popped and pushed back on both queues as the datapath would.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vhost_user.h"

#define MEMFD_SIZE	0x40000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static uint8_t *guest;

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void init_once(void)
{
	if (memfd >= 0)
		return;
	memfd = (int)syscall(SYS_memfd_create, "fuzz-guest", 1u /* MFD_CLOEXEC */);
	if (memfd < 0 || ftruncate(memfd, MEMFD_SIZE) < 0)
		abort();
	guest = mmap(NULL, MEMFD_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (guest == MAP_FAILED)
		abort();
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* What the datapath does with a running device, a little. */
static void run_datapath(struct vu_dev *dev)
{
	static struct vq_elem elem;
	unsigned int q, i;

	if (!vu_dev_running(dev))
		return;
	for (q = 0; q < VU_NQUEUES; q++) {
		struct vq *vq = &dev->vqs[q];

		for (i = 0; i < 8; i++) {
			int ret = vq_pop(vq, &elem);

			if (ret == 1) {
				uint8_t buf[64];

				vq_iov_copy_from(buf, elem.iov, elem.n_out, 0, sizeof(buf));
				vq_iov_copy_to(elem.iov + elem.n_out, elem.n_in, 0, buf,
					       sizeof(buf));
				vq_push(vq, elem.head, elem.in_size < 64 ? elem.in_size : 64);
			} else if (ret == -E2BIG) {
				vq_push(vq, elem.head, 0);
			} else {
				break;
			}
		}
		vq_flush(vq);
		vq_set_notify(vq, i & 1);
	}
}

static void run_direct(const uint8_t *data, size_t size)
{
	static struct vu_dev dev;
	static struct vu_msg msg, reply;
	const struct vu_config cfg = { .mac = { 2, 0, 0, 0, 0, 1 }, .mtu = 1500 };

	vu_dev_init(&dev, -1, &cfg);
	while (size >= 13) {
		uint8_t ctl = data[0];
		size_t n;
		int i, ret;

		msg.request = rd32(data + 1);
		msg.flags = rd32(data + 5);
		msg.size = rd32(data + 9);
		data += 13;
		size -= 13;
		n = msg.size < size ? msg.size : size;
		if (n > VHOST_USER_MAX_PAYLOAD)
			n = VHOST_USER_MAX_PAYLOAD;

		if (ctl & 0x80) {
			size_t off = msg.request % MEMFD_SIZE;

			if (n > MEMFD_SIZE - off)
				n = MEMFD_SIZE - off;
			memcpy(guest + off, data, n);
			data += n;
			size -= n;
			run_datapath(&dev);
			continue;
		}

		memset(msg.payload, 0, sizeof(msg.payload));
		memcpy(msg.payload, data, n);
		data += n;
		size -= n;
		msg.nfds = ctl & 3;
		for (i = 0; i < VHOST_USER_MAX_FDS; i++)
			msg.fds[i] = -1;
		for (i = 0; i < msg.nfds; i++)
			msg.fds[i] = (ctl & 4) ? fcntl(memfd, F_DUPFD_CLOEXEC, 0)
					       : eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

		ret = vu_dev_process(&dev, &msg, &reply);
		if (ret > 0 && reply.size > VHOST_USER_MAX_PAYLOAD)
			abort();
		if (ret < 0 && !dev.err[0])
			abort();	/* every failure says why */
		if (ret < 0)
			break;	/* the connection would be closed */
		run_datapath(&dev);
	}
	vu_dev_reset(&dev);
}

/* Send @size bytes on @sock, @fd (if >= 0) with them. */
static void send_piece(int sock, const uint8_t *data, size_t size, int fd)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctrl;
	struct iovec iov = { (void *)data, size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctrl, 0, sizeof(ctrl));
		mh.msg_control = ctrl.b;
		mh.msg_controllen = sizeof(ctrl.b);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(sock, &mh, MSG_DONTWAIT) != (ssize_t)size)
		abort();
}

/*
 * Read, apply and answer every whole message there is.
 * Return: 0 to go on, -1 once the connection would be closed.
 */
static int serve(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	for (;;) {
		int ret = vu_dev_recv(dev, msg);

		if (ret == -EAGAIN)
			return 0;
		if (ret < 0) {
			if (!dev->err[0] || !vu_dev_idle(dev))
				abort();	/* says why, and leaves nothing half read */
			return -1;
		}
		if (msg->size > VHOST_USER_MAX_PAYLOAD || msg->nfds < 0 ||
		    msg->nfds > VHOST_USER_MAX_FDS)
			abort();
		ret = vu_dev_process(dev, msg, reply);
		ret = vu_dev_reply(dev, msg, reply, ret);
		if (ret < 0)
			return -1;	/* refused, or the peer takes no replies */
		run_datapath(dev);
	}
}

/* The input on a socketpair, in pieces of @piece bytes (all at once if 0). */
static void run_socket(const uint8_t *data, size_t size, size_t piece)
{
	static struct vu_dev dev;
	static struct vu_msg msg, reply;
	const struct vu_config cfg = { .mac = { 2, 0, 0, 0, 0, 2 }, .mtu = 9000 };
	/* The first byte says whether a memfd rides on the first piece. */
	int fd = size && (data[0] & 1) ? memfd : -1;
	size_t off = 1;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	vu_dev_init(&dev, sv[0], &cfg);
	if (!piece)
		piece = size;
	while (off < size) {
		size_t n = size - off < piece ? size - off : piece;

		send_piece(sv[1], data + off, n, fd);
		fd = -1;
		off += n;
		if (serve(&dev, &msg, &reply))
			goto out;
	}
	shutdown(sv[1], SHUT_WR);
	serve(&dev, &msg, &reply);
out:
	vu_dev_reset(&dev);
	close(sv[0]);
	close(sv[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds_before;

	init_once();
	memset(guest, 0, MEMFD_SIZE);
	/*
	 * Counted per input: libFuzzer itself opens pipes to a symbolizer
	 * between inputs when it reports new coverage.
	 */
	fds_before = count_fds();

	run_direct(data, size);
	run_socket(data, size, 0);
	if (size)
		run_socket(data, size, 1 + ((data[0] >> 1) & 15));

	if (count_fds() != fds_before)
		abort();	/* an fd leaked */
	return 0;
}
