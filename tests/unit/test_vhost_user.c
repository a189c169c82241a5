// SPDX-License-Identifier: GPL-2.0-or-later
/* test_vhost_user.c - the vhost-user back-end driven by hand-built messages. */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "vhost_user.h"
#include "virtio_net.h"

#define MEM_SIZE	0x40000
#define GPA		0x100000
#define UVA		0x7f1234500000ULL
#define QSIZE		256
#define RING_DESC(q)	(UVA + (q) * 0x4000)
#define RING_AVAIL(q)	(UVA + (q) * 0x4000 + 0x1000)
#define RING_USED(q)	(UVA + (q) * 0x4000 + 0x2000)

struct fixture {
	struct vu_dev dev;
	struct vu_msg msg;
	struct vu_msg reply;
	int memfd;
	uint8_t *guest;		/* our own view of the guest memory */
	int fds_at_start;
};

static const struct vu_config test_cfg = {
	.mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
	.mtu = 1500,
};

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
	return n - 1;	/* the directory's own fd */
}

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->fds_at_start = count_fds();
	f->memfd = memfd_create("guest", MFD_CLOEXEC);
	assert_true(f->memfd >= 0);
	assert_int_equal(ftruncate(f->memfd, MEM_SIZE), 0);
	f->guest = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f->memfd, 0);
	assert_true(f->guest != MAP_FAILED);
	vu_dev_init(&f->dev, -1, &test_cfg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vu_dev_reset(&f->dev);
	vu_dev_reset(&f->dev);	/* idempotent */
	munmap(f->guest, MEM_SIZE);
	close(f->memfd);
	assert_int_equal(count_fds(), f->fds_at_start);	/* no fd leaked */
	free(f);
	return 0;
}

/* Message building -------------------------------------------------------- */

static struct vu_msg *msg(struct fixture *f, uint32_t request, const void *payload,
			  uint32_t size)
{
	memset(&f->msg, 0, sizeof(f->msg));
	memset(f->msg.fds, -1, sizeof(f->msg.fds));
	f->msg.request = request;
	f->msg.flags = VHOST_USER_VERSION;
	f->msg.size = size;
	if (size)
		memcpy(f->msg.payload, payload, size);
	return &f->msg;
}

static void add_fd(struct fixture *f, int fd)
{
	f->msg.fds[f->msg.nfds++] = fd;
}

static int process(struct fixture *f)
{
	return vu_dev_process(&f->dev, &f->msg, &f->reply);
}

static int send_u64(struct fixture *f, uint32_t request, uint64_t v)
{
	msg(f, request, &v, sizeof(v));
	return process(f);
}

static int send_state(struct fixture *f, uint32_t request, uint32_t index, uint32_t num)
{
	uint32_t s[2] = { index, num };

	msg(f, request, s, sizeof(s));
	return process(f);
}

static int send_empty(struct fixture *f, uint32_t request)
{
	msg(f, request, NULL, 0);
	return process(f);
}

static uint64_t reply_u64(struct fixture *f)
{
	uint64_t v;

	assert_int_equal(f->reply.size, 8);
	assert_int_equal(f->reply.flags, VHOST_USER_VERSION | VHOST_USER_REPLY_MASK);
	memcpy(&v, f->reply.payload, 8);
	return v;
}

struct region {
	uint64_t gpa, size, uva, mmap_offset;
};

static void mem_table(struct fixture *f, uint32_t nregions, const struct region *r)
{
	uint8_t p[8 + 8 * sizeof(struct region)] = { 0 };

	memcpy(p, &nregions, 4);
	memcpy(p + 8, r, nregions * sizeof(*r));
	msg(f, VHOST_USER_SET_MEM_TABLE, p, 8 + nregions * sizeof(*r));
}

static int dup_memfd(struct fixture *f)
{
	int fd = fcntl(f->memfd, F_DUPFD_CLOEXEC, 0);

	assert_true(fd >= 0);
	return fd;
}

static int set_mem(struct fixture *f)
{
	struct region r = { GPA, MEM_SIZE, UVA, 0 };

	mem_table(f, 1, &r);
	add_fd(f, dup_memfd(f));
	return process(f);
}

static int send_addr(struct fixture *f, uint32_t q, uint32_t flags, uint64_t desc,
		     uint64_t used, uint64_t avail)
{
	struct {
		uint32_t index, flags;
		uint64_t desc, used, avail, log;
	} a = { q, flags, desc, used, avail, 0 };

	msg(f, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a));
	return process(f);
}

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	assert_true(fd >= 0);
	return fd;
}

/* Sends a SET_VRING_KICK/CALL with a fresh eventfd; Return: what process() did. */
static int send_vring_fd(struct fixture *f, uint32_t request, uint32_t q, int *fdp)
{
	uint64_t v = q;
	int fd = new_eventfd();

	msg(f, request, &v, sizeof(v));
	add_fd(f, fd);
	if (fdp)
		*fdp = fd;
	return process(f);
}

static const uint64_t base_features = VIRTIO_BIT(VIRTIO_F_VERSION_1) |
	VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF);

static void negotiate(struct fixture *f, bool protocol)
{
	uint64_t features = base_features;

	if (protocol) {
		features |= VIRTIO_BIT(VHOST_USER_F_PROTOCOL_FEATURES);
		assert_int_equal(send_u64(f, VHOST_USER_SET_PROTOCOL_FEATURES,
					  vu_supported_protocol_features()), 0);
	}
	assert_int_equal(send_empty(f, VHOST_USER_SET_OWNER), 0);
	assert_int_equal(send_u64(f, VHOST_USER_SET_FEATURES, features), 0);
}

/* Negotiation, memory, and both rings set up and kicked (not yet enabled if @protocol). */
static void start_rings(struct fixture *f, bool protocol)
{
	uint32_t q;

	negotiate(f, protocol);
	assert_int_equal(set_mem(f), 0);
	for (q = 0; q < VU_NQUEUES; q++) {
		assert_int_equal(send_state(f, VHOST_USER_SET_VRING_NUM, q, QSIZE), 0);
		assert_int_equal(send_state(f, VHOST_USER_SET_VRING_BASE, q, 0), 0);
		assert_int_equal(send_addr(f, q, 0, RING_DESC(q), RING_USED(q), RING_AVAIL(q)), 0);
		assert_int_equal(send_vring_fd(f, VHOST_USER_SET_VRING_CALL, q, NULL), 0);
		assert_int_equal(send_vring_fd(f, VHOST_USER_SET_VRING_KICK, q, NULL), 0);
	}
}

/* Features ---------------------------------------------------------------- */

static void test_get_features(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(send_empty(f, VHOST_USER_GET_FEATURES), 1);
	assert_int_equal(f->reply.request, VHOST_USER_GET_FEATURES);
	assert_true(reply_u64(f) == vu_supported_features());
	assert_true(vu_supported_features() & VIRTIO_BIT(VIRTIO_F_VERSION_1));
	assert_true(vu_supported_features() & VIRTIO_BIT(VHOST_USER_F_PROTOCOL_FEATURES));
	assert_false(vu_supported_features() & VIRTIO_BIT(VIRTIO_NET_F_MQ));
}

static void test_set_features(void **state)
{
	struct fixture *f = *state;
	uint64_t features = base_features | VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC);

	assert_int_equal(send_u64(f, VHOST_USER_SET_FEATURES, features), 0);
	assert_true(f->dev.features == features);
	assert_true(f->dev.features_set);
	assert_true(f->dev.vqs[0].event_idx);
	assert_true(f->dev.vqs[1].indirect);
}

static void test_set_features_needs_version_1(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(send_u64(f, VHOST_USER_SET_FEATURES,
				  VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF)), -EINVAL);
	assert_non_null(strstr(f->dev.err, "VERSION_1"));
	assert_false(f->dev.features_set);
}

static void test_set_features_not_offered(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(send_u64(f, VHOST_USER_SET_FEATURES,
				  base_features | VIRTIO_BIT(VIRTIO_NET_F_MQ)), -EINVAL);
	assert_true(f->dev.err[0]);
	/* VHOST_F_LOG_ALL (26) is not offered either. */
	assert_int_equal(send_u64(f, VHOST_USER_SET_FEATURES, base_features | (1ULL << 26)),
			 -EINVAL);
}

static void test_protocol_features(void **state)
{
	struct fixture *f = *state;
	uint64_t pf;

	assert_int_equal(send_empty(f, VHOST_USER_GET_PROTOCOL_FEATURES), 1);
	pf = reply_u64(f);
	assert_true(pf == vu_supported_protocol_features());
	assert_true(pf & VIRTIO_BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK));
	assert_true(pf & VIRTIO_BIT(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS));
	assert_int_equal(send_u64(f, VHOST_USER_SET_PROTOCOL_FEATURES, pf), 0);
	assert_true(f->dev.protocol_features == pf);
	assert_int_equal(send_u64(f, VHOST_USER_SET_PROTOCOL_FEATURES,
				  VIRTIO_BIT(VHOST_USER_PROTOCOL_F_MQ)), -EINVAL);
}

static void test_queue_num_and_slots(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(send_empty(f, VHOST_USER_GET_QUEUE_NUM), 1);
	assert_int_equal(reply_u64(f), 1);
	assert_int_equal(send_empty(f, VHOST_USER_GET_MAX_MEM_SLOTS), 1);
	assert_int_equal(reply_u64(f), VU_MAX_MEM_SLOTS);
}

static void test_rx_offloads(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vu_dev_rx_offloads(&f->dev), 0);
	f->dev.features = VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4);
	assert_int_equal(vu_dev_rx_offloads(&f->dev), OFFLOAD_CSUM | OFFLOAD_TSO4);
	f->dev.features |= VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_ECN);
	assert_int_equal(vu_dev_rx_offloads(&f->dev),
			 OFFLOAD_CSUM | OFFLOAD_TSO4 | OFFLOAD_TSO6 | OFFLOAD_ECN);
	/* TSO without GUEST_CSUM is invalid: nothing offloaded. */
	f->dev.features = VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4);
	assert_int_equal(vu_dev_rx_offloads(&f->dev), 0);
}

static void test_request_names(void **state)
{
	(void)state;
	assert_string_equal(vu_dev_request_name(VHOST_USER_SET_MEM_TABLE), "SET_MEM_TABLE");
	assert_string_equal(vu_dev_request_name(VHOST_USER_REM_MEM_REG), "REM_MEM_REG");
	assert_string_equal(vu_dev_request_name(0), "UNKNOWN");
	assert_string_equal(vu_dev_request_name(30), "UNKNOWN");
	assert_string_equal(vu_dev_request_name(UINT32_MAX), "UNKNOWN");
}

/* Memory ------------------------------------------------------------------ */

static void test_set_mem_table(void **state)
{
	struct fixture *f = *state;
	uint64_t size = 16;
	uint8_t *p;
	int fd;

	mem_table(f, 1, &(struct region){ GPA, MEM_SIZE, UVA, 0 });
	fd = dup_memfd(f);
	add_fd(f, fd);
	assert_int_equal(process(f), 0);
	assert_false(fd_is_open(fd));	/* the mapping keeps the memory */
	assert_int_equal(f->dev.mem.nregions, 1);

	memcpy(f->guest + 0x1234, "hello", 6);
	p = vu_mem_gpa(&f->dev.mem, GPA + 0x1234, &size);
	assert_non_null(p);
	assert_string_equal((char *)p, "hello");
	p = vu_mem_uva(&f->dev.mem, UVA + 0x1234, 6);
	assert_string_equal((char *)p, "hello");
}

static void test_set_mem_table_offset_and_replace(void **state)
{
	struct fixture *f = *state;
	struct region r[2] = {
		{ GPA, 0x1000, UVA, 0x3000 },			/* page-aligned offset */
		{ GPA + 0x10000, 0x100, UVA + 0x10000, 0x5010 },	/* unaligned offset */
	};
	uint64_t size = 4;
	uint8_t *p;

	memcpy(f->guest + 0x3000, "AAA", 4);
	memcpy(f->guest + 0x5010, "BBB", 4);
	mem_table(f, 2, r);
	add_fd(f, dup_memfd(f));
	add_fd(f, dup_memfd(f));
	assert_int_equal(process(f), 0);
	assert_int_equal(f->dev.mem.nregions, 2);
	p = vu_mem_gpa(&f->dev.mem, GPA, &size);
	assert_string_equal((char *)p, "AAA");
	p = vu_mem_gpa(&f->dev.mem, GPA + 0x10000, &size);
	assert_string_equal((char *)p, "BBB");

	/* A new table replaces the old one. */
	assert_int_equal(set_mem(f), 0);
	assert_int_equal(f->dev.mem.nregions, 1);
	assert_int_equal(f->dev.mem.regions[0].size, MEM_SIZE);
}

static void expect_mem_table_error(struct fixture *f, uint32_t nregions, const struct region *r,
				   int nfds)
{
	int fds[8], i;

	mem_table(f, nregions, r);
	for (i = 0; i < nfds; i++) {
		fds[i] = dup_memfd(f);
		add_fd(f, fds[i]);
	}
	assert_true(process(f) < 0);
	assert_true(f->dev.err[0]);
	for (i = 0; i < nfds; i++)
		assert_false(fd_is_open(fds[i]));
	assert_int_equal(f->dev.mem.nregions, 0);
}

static void test_set_mem_table_bad(void **state)
{
	struct fixture *f = *state;
	struct region good = { GPA, MEM_SIZE, UVA, 0 };
	struct region r2[2] = { good, { GPA + 0x1000, 0x1000, UVA + MEM_SIZE, 0 } };
	int fd;

	expect_mem_table_error(f, 0, &good, 0);				/* no regions */
	expect_mem_table_error(f, 1, &good, 0);				/* missing fd */
	expect_mem_table_error(f, 1, &good, 2);				/* extra fd */
	expect_mem_table_error(f, 1, &(struct region){ GPA, MEM_SIZE + 1, UVA, 0 }, 1);
	expect_mem_table_error(f, 1, &(struct region){ GPA, MEM_SIZE, UVA, 1 }, 1);
	expect_mem_table_error(f, 1, &(struct region){ GPA, 0, UVA, 0 }, 1);
	expect_mem_table_error(f, 1, &(struct region){ UINT64_MAX - 10, 0x1000, UVA, 0 }, 1);
	expect_mem_table_error(f, 1, &(struct region){ GPA, 0x1000, UINT64_MAX - 10, 0 }, 1);
	expect_mem_table_error(f, 1, &(struct region){ GPA, 0x1000, UVA, UINT64_MAX - 10 }, 1);
	expect_mem_table_error(f, 2, r2, 2);				/* overlapping gpa */

	/* More regions than fds can carry. */
	mem_table(f, 1, &good);
	memcpy(f->msg.payload, &(uint32_t){ 9 }, 4);
	f->msg.size = 8 + 8 * sizeof(struct region);
	for (int i = 0; i < 8; i++)
		add_fd(f, dup_memfd(f));
	assert_int_equal(process(f), -EINVAL);

	/* Payload size must match the region count exactly. */
	mem_table(f, 1, &good);
	f->msg.size += 8;
	fd = dup_memfd(f);
	add_fd(f, fd);
	assert_int_equal(process(f), -EINVAL);
	assert_false(fd_is_open(fd));

	/* Not a regular file. */
	mem_table(f, 1, &good);
	fd = new_eventfd();
	add_fd(f, fd);
	assert_true(process(f) < 0);
	assert_false(fd_is_open(fd));

	/* A failed table leaves the previous one in place (and the peer is dropped). */
	assert_int_equal(set_mem(f), 0);
	mem_table(f, 1, &(struct region){ GPA, 0, UVA, 0 });
	add_fd(f, dup_memfd(f));
	assert_int_equal(process(f), -EINVAL);
	assert_int_equal(f->dev.mem.nregions, 1);
}

static void test_add_rem_mem_reg(void **state)
{
	struct fixture *f = *state;
	struct {
		uint64_t padding;
		struct region r;
	} m = { 0, { GPA, 0x10000, UVA, 0 } };
	uint64_t size = 1;
	int fd;

	/* Needs CONFIGURE_MEM_SLOTS. */
	msg(f, VHOST_USER_ADD_MEM_REG, &m, sizeof(m));
	fd = dup_memfd(f);
	add_fd(f, fd);
	assert_int_equal(process(f), -EPROTO);
	assert_false(fd_is_open(fd));

	assert_int_equal(send_u64(f, VHOST_USER_SET_PROTOCOL_FEATURES,
				  VIRTIO_BIT(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS)), 0);

	msg(f, VHOST_USER_ADD_MEM_REG, &m, sizeof(m));
	add_fd(f, dup_memfd(f));
	assert_int_equal(process(f), 0);
	m.r = (struct region){ GPA + 0x10000, 0x10000, UVA + 0x10000, 0x10000 };
	msg(f, VHOST_USER_ADD_MEM_REG, &m, sizeof(m));
	add_fd(f, dup_memfd(f));
	assert_int_equal(process(f), 0);
	assert_int_equal(f->dev.mem.nregions, 2);
	assert_non_null(vu_mem_gpa(&f->dev.mem, GPA + 0x1ffff, &size));

	/* Overlap, no fd, two fds, wrong size. */
	m.r = (struct region){ GPA + 0x8000, 0x10000, UVA + 0x30000, 0 };
	msg(f, VHOST_USER_ADD_MEM_REG, &m, sizeof(m));
	add_fd(f, dup_memfd(f));
	assert_int_equal(process(f), -EINVAL);
	msg(f, VHOST_USER_ADD_MEM_REG, &m, sizeof(m));
	assert_int_equal(process(f), -EBADMSG);
	msg(f, VHOST_USER_ADD_MEM_REG, &m, sizeof(m));
	add_fd(f, dup_memfd(f));
	add_fd(f, dup_memfd(f));
	assert_int_equal(process(f), -EBADMSG);
	msg(f, VHOST_USER_ADD_MEM_REG, &m, sizeof(m) - 8);
	add_fd(f, dup_memfd(f));
	assert_int_equal(process(f), -EBADMSG);

	/* Removal matches gpa, size and uva; mmap_offset is ignored. */
	m.r = (struct region){ GPA, 0x10000, UVA + 1, 0 };
	msg(f, VHOST_USER_REM_MEM_REG, &m, sizeof(m));
	assert_int_equal(process(f), -ENOENT);
	m.r = (struct region){ GPA, 0x10000, UVA, 0x777 };
	msg(f, VHOST_USER_REM_MEM_REG, &m, sizeof(m));
	fd = dup_memfd(f);
	add_fd(f, fd);	/* tolerated, and closed */
	assert_int_equal(process(f), 0);
	assert_false(fd_is_open(fd));
	assert_int_equal(f->dev.mem.nregions, 1);
	assert_null(vu_mem_gpa(&f->dev.mem, GPA, &size));
	assert_non_null(vu_mem_gpa(&f->dev.mem, GPA + 0x10000, &size));
	m.r = (struct region){ GPA + 0x10000, 0x10000, UVA + 0x10000, 0 };
	msg(f, VHOST_USER_REM_MEM_REG, &m, sizeof(m));
	assert_int_equal(process(f), 0);
	assert_int_equal(f->dev.mem.nregions, 0);
}

static void test_log_refused(void **state)
{
	struct fixture *f = *state;
	uint64_t log[2] = { 0x1000, 0 };
	int fd;

	msg(f, VHOST_USER_SET_LOG_BASE, log, sizeof(log));
	fd = dup_memfd(f);
	add_fd(f, fd);
	assert_int_equal(process(f), -ENOTSUP);
	assert_false(fd_is_open(fd));
	msg(f, VHOST_USER_SET_LOG_FD, NULL, 0);
	fd = new_eventfd();
	add_fd(f, fd);
	assert_int_equal(process(f), -ENOTSUP);
	assert_false(fd_is_open(fd));
}

/* Rings ------------------------------------------------------------------- */

static void test_running_with_protocol_features(void **state)
{
	struct fixture *f = *state;
	uint32_t s[2];
	uint16_t *used_idx = (uint16_t *)(f->guest + 0x2002);

	*used_idx = 7;	/* queue 0's used->idx as the guest left it */
	start_rings(f, true);
	assert_true(f->dev.vq_started[0] && f->dev.vq_started[1]);
	assert_false(vu_dev_running(&f->dev));	/* rings start disabled */
	assert_int_equal(f->dev.vqs[0].used_idx, 7);
	assert_ptr_equal(f->dev.vqs[0].desc, vu_mem_uva(&f->dev.mem, RING_DESC(0), 1));
	assert_true(f->dev.vqs[0].kick_fd >= 0);
	assert_true(f->dev.vqs[1].call_fd >= 0);
	assert_true(f->dev.vqs[0].event_idx);
	assert_false(f->dev.vqs[0].indirect);

	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_ENABLE, 0, 1), 0);
	assert_false(vu_dev_running(&f->dev));
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_ENABLE, 1, 1), 0);
	assert_true(vu_dev_running(&f->dev));

	/* GET_VRING_BASE stops the ring and returns where we are. */
	f->dev.vqs[1].last_avail_idx = 1234;
	assert_int_equal(send_state(f, VHOST_USER_GET_VRING_BASE, 1, 0), 1);
	assert_int_equal(f->reply.size, 8);
	memcpy(s, f->reply.payload, 8);
	assert_int_equal(s[0], 1);
	assert_int_equal(s[1], 1234);
	assert_false(vu_dev_running(&f->dev));
	assert_false(f->dev.vq_started[1]);

	/* Restart: base, address, kick. Everything taken was used, so used->idx agrees. */
	*(uint16_t *)(f->guest + RING_USED(1) - UVA + 2) = 1234;
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_BASE, 1, 1234), 0);
	assert_int_equal(send_addr(f, 1, 0, RING_DESC(1), RING_USED(1), RING_AVAIL(1)), 0);
	assert_false(vu_dev_running(&f->dev));
	assert_int_equal(send_vring_fd(f, VHOST_USER_SET_VRING_KICK, 1, NULL), 0);
	assert_true(vu_dev_running(&f->dev));
	assert_int_equal(f->dev.vqs[1].last_avail_idx, 1234);

	/*
	 * A front-end reconnecting after our crash (DPDK virtio-user) sends
	 * base 0 with rings that moved on: resume from the used index.
	 */
	assert_int_equal(send_state(f, VHOST_USER_GET_VRING_BASE, 1, 0), 1);
	*(uint16_t *)(f->guest + RING_USED(1) - UVA + 2) = 40000;
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_BASE, 1, 0), 0);
	assert_int_equal(send_addr(f, 1, 0, RING_DESC(1), RING_USED(1), RING_AVAIL(1)), 0);
	assert_int_equal(send_vring_fd(f, VHOST_USER_SET_VRING_KICK, 1, NULL), 0);
	assert_true(vu_dev_running(&f->dev));
	assert_int_equal(f->dev.vqs[1].last_avail_idx, 40000);
	assert_int_equal(f->dev.vqs[1].used_idx, 40000);

	/* Disable. */
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_ENABLE, 0, 0), 0);
	assert_false(vu_dev_running(&f->dev));
}

static void test_running_without_protocol_features(void **state)
{
	struct fixture *f = *state;

	start_rings(f, false);
	assert_true(vu_dev_running(&f->dev));	/* enabled by the kicks */
}

static void test_kick_nofd_polled(void **state)
{
	struct fixture *f = *state;
	int old;

	start_rings(f, false);
	old = f->dev.vqs[0].kick_fd;
	assert_int_equal(send_u64(f, VHOST_USER_SET_VRING_KICK, 0x100), 0);
	assert_int_equal(f->dev.vqs[0].kick_fd, -1);
	assert_false(fd_is_open(old));	/* the replaced fd is closed */
	assert_true(vu_dev_running(&f->dev));
	assert_int_equal(send_u64(f, VHOST_USER_SET_VRING_CALL, 0x101), 0);
	assert_int_equal(f->dev.vqs[1].call_fd, -1);
}

static void test_kick_fd_counts(void **state)
{
	struct fixture *f = *state;
	uint64_t v;
	int fd;

	/* NOFD with a fd. */
	v = 0x100;
	msg(f, VHOST_USER_SET_VRING_KICK, &v, 8);
	fd = new_eventfd();
	add_fd(f, fd);
	assert_int_equal(process(f), -EINVAL);
	assert_false(fd_is_open(fd));
	/* No NOFD, no fd. */
	assert_int_equal(send_u64(f, VHOST_USER_SET_VRING_CALL, 0), -EINVAL);
	/* Two fds. */
	v = 0;
	msg(f, VHOST_USER_SET_VRING_ERR, &v, 8);
	fd = new_eventfd();
	add_fd(f, fd);
	add_fd(f, new_eventfd());
	assert_int_equal(process(f), -EBADMSG);
	assert_false(fd_is_open(fd));
	/* Unknown bits. */
	v = 0x200;
	msg(f, VHOST_USER_SET_VRING_KICK, &v, 8);
	fd = new_eventfd();
	add_fd(f, fd);
	assert_int_equal(process(f), -EINVAL);
	assert_false(fd_is_open(fd));
	/* ERR is accepted and its fd closed. */
	assert_int_equal(send_vring_fd(f, VHOST_USER_SET_VRING_ERR, 1, &fd), 0);
	assert_false(fd_is_open(fd));
	/* A fd on a request that takes none. */
	v = base_features;
	msg(f, VHOST_USER_SET_FEATURES, &v, 8);
	fd = new_eventfd();
	add_fd(f, fd);
	assert_int_equal(process(f), -EBADMSG);
	assert_false(fd_is_open(fd));
	assert_false(f->dev.features_set);
}

static void test_vring_index_out_of_range(void **state)
{
	struct fixture *f = *state;
	int fd;

	assert_int_equal(set_mem(f), 0);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_NUM, 2, QSIZE), -EINVAL);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_BASE, 2, 0), -EINVAL);
	assert_int_equal(send_state(f, VHOST_USER_GET_VRING_BASE, 0xffffffff, 0), -EINVAL);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_ENABLE, 2, 1), -EINVAL);
	assert_int_equal(send_addr(f, 2, 0, RING_DESC(0), RING_USED(0), RING_AVAIL(0)), -EINVAL);
	assert_int_equal(send_vring_fd(f, VHOST_USER_SET_VRING_KICK, 2, &fd), -EINVAL);
	assert_false(fd_is_open(fd));
	assert_int_equal(send_vring_fd(f, VHOST_USER_SET_VRING_CALL, 255, &fd), -EINVAL);
	assert_false(fd_is_open(fd));
	assert_non_null(strstr(f->dev.err, "out of range"));
}

static void test_vring_num(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_NUM, 0, 100), -EINVAL);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_NUM, 0, 0), -EINVAL);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_NUM, 0, 65536), -EINVAL);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_NUM, 0, 32768), 0);
	assert_int_equal(f->dev.vqs[0].size, 32768);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_NUM, 1, 1), 0);
}

static void test_vring_num_after_addr(void **state)
{
	struct fixture *f = *state;

	start_rings(f, false);
	/* 32768 descriptors need 512 KiB: more than the guest has. */
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_NUM, 0, 32768), -EFAULT);
	assert_int_equal(f->dev.vqs[0].size, QSIZE);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_NUM, 0, 512), 0);
}

static void test_vring_base(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_BASE, 0, 65535), 0);
	assert_int_equal(f->dev.vqs[0].last_avail_idx, 65535);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_BASE, 0, 65536), -EINVAL);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_ENABLE, 0, 2), -EINVAL);
}

static void test_vring_addr_bad(void **state)
{
	struct fixture *f = *state;

	/* Before SET_VRING_NUM, before memory. */
	assert_int_equal(send_addr(f, 0, 0, RING_DESC(0), RING_USED(0), RING_AVAIL(0)), -EPROTO);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_NUM, 0, QSIZE), 0);
	assert_int_equal(send_addr(f, 0, 0, RING_DESC(0), RING_USED(0), RING_AVAIL(0)), -EPROTO);
	assert_int_equal(set_mem(f), 0);

	/* Outside memory, or running off its end. */
	assert_int_equal(send_addr(f, 0, 0, 0x1000, RING_USED(0), RING_AVAIL(0)), -EFAULT);
	assert_int_equal(send_addr(f, 0, 0, RING_DESC(0), UVA + MEM_SIZE - 16, RING_AVAIL(0)),
			 -EFAULT);
	assert_int_equal(send_addr(f, 0, 0, RING_DESC(0), RING_USED(0), UVA + MEM_SIZE - 2),
			 -EFAULT);
	assert_int_equal(send_addr(f, 0, 0, UINT64_MAX - 8, RING_USED(0), RING_AVAIL(0)), -EFAULT);
	assert_null(f->dev.vqs[0].desc);
	assert_false(f->dev.vq_addr_set[0]);

	/* Misaligned. */
	assert_int_equal(send_addr(f, 0, 0, RING_DESC(0) + 8, RING_USED(0), RING_AVAIL(0)), -EINVAL);
	assert_int_equal(send_addr(f, 0, 0, RING_DESC(0), RING_USED(0) + 2, RING_AVAIL(0)), -EINVAL);
	assert_int_equal(send_addr(f, 0, 0, RING_DESC(0), RING_USED(0), RING_AVAIL(0) + 1), -EINVAL);

	/* Logging is not offered; unknown flags. */
	assert_int_equal(send_addr(f, 0, 1, RING_DESC(0), RING_USED(0), RING_AVAIL(0)), -ENOTSUP);
	assert_int_equal(send_addr(f, 0, 2, RING_DESC(0), RING_USED(0), RING_AVAIL(0)), -EINVAL);

	assert_int_equal(send_addr(f, 0, 0, RING_DESC(0), RING_USED(0), RING_AVAIL(0)), 0);
	assert_true(f->dev.vq_addr_set[0]);
}

static void test_mem_change_remaps_rings(void **state)
{
	struct fixture *f = *state;
	struct {
		uint64_t padding;
		struct region r;
	} m;
	int memfd2;
	uint8_t *old_desc;

	start_rings(f, true);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_ENABLE, 0, 1), 0);
	assert_int_equal(send_state(f, VHOST_USER_SET_VRING_ENABLE, 1, 1), 0);
	assert_true(vu_dev_running(&f->dev));
	old_desc = (uint8_t *)f->dev.vqs[0].desc;

	/* The same memory from another file: the rings follow. */
	memfd2 = memfd_create("guest2", MFD_CLOEXEC);
	assert_true(memfd2 >= 0);
	assert_int_equal(ftruncate(memfd2, MEM_SIZE), 0);
	mem_table(f, 1, &(struct region){ GPA, MEM_SIZE, UVA, 0 });
	add_fd(f, memfd2);
	assert_int_equal(process(f), 0);
	assert_true(vu_dev_running(&f->dev));
	assert_ptr_equal(f->dev.vqs[0].desc, vu_mem_uva(&f->dev.mem, RING_DESC(0), 1));
	assert_ptr_not_equal(f->dev.vqs[0].desc, old_desc);

	/* Removing the memory under the rings stops them. */
	m.padding = 0;
	m.r = (struct region){ GPA, MEM_SIZE, UVA, 0 };
	msg(f, VHOST_USER_REM_MEM_REG, &m, sizeof(m));
	assert_int_equal(process(f), 0);
	assert_false(vu_dev_running(&f->dev));
	assert_null(f->dev.vqs[0].desc);
	assert_false(f->dev.vq_started[1]);
}

static void test_reset_owner_and_reset(void **state)
{
	struct fixture *f = *state;
	int kick, call;

	start_rings(f, false);
	assert_true(vu_dev_running(&f->dev));
	assert_int_equal(send_empty(f, VHOST_USER_RESET_OWNER), 0);
	assert_false(vu_dev_running(&f->dev));

	kick = f->dev.vqs[0].kick_fd;
	call = f->dev.vqs[0].call_fd;
	assert_true(fd_is_open(kick) && fd_is_open(call));
	vu_dev_reset(&f->dev);
	assert_false(fd_is_open(kick));
	assert_false(fd_is_open(call));
	assert_int_equal(f->dev.mem.nregions, 0);
	assert_int_equal(f->dev.vqs[0].kick_fd, -1);
	assert_false(f->dev.features_set);
	assert_int_equal(f->dev.sock, -1);
	assert_memory_equal(f->dev.cfg.mac, test_cfg.mac, 6);
	assert_ptr_equal(f->dev.vqs[1].mem, &f->dev.mem);

	/* A device not yet configured (no connection) may be initialised without one. */
	vu_dev_init(&f->dev, -1, NULL);
	assert_int_equal(f->dev.cfg.mtu, 0);
	assert_false(vu_dev_running(&f->dev));
	vu_dev_reset(&f->dev);
}

/* Message checks ---------------------------------------------------------- */

static void test_wrong_sizes(void **state)
{
	struct fixture *f = *state;
	uint8_t p[512] = { 0 };

	msg(f, VHOST_USER_SET_FEATURES, p, 4);
	assert_int_equal(process(f), -EBADMSG);
	assert_non_null(strstr(f->dev.err, "SET_FEATURES"));
	msg(f, VHOST_USER_SET_FEATURES, p, 16);
	assert_int_equal(process(f), -EBADMSG);
	msg(f, VHOST_USER_GET_FEATURES, p, 8);
	assert_int_equal(process(f), -EBADMSG);
	msg(f, VHOST_USER_SET_OWNER, p, 1);
	assert_int_equal(process(f), -EBADMSG);
	msg(f, VHOST_USER_SET_VRING_NUM, p, 4);
	assert_int_equal(process(f), -EBADMSG);
	msg(f, VHOST_USER_SET_VRING_ADDR, p, 32);
	assert_int_equal(process(f), -EBADMSG);
	msg(f, VHOST_USER_GET_VRING_BASE, p, 0);
	assert_int_equal(process(f), -EBADMSG);
	msg(f, VHOST_USER_SET_MEM_TABLE, p, 4);
	assert_int_equal(process(f), -EBADMSG);
	msg(f, VHOST_USER_SET_MEM_TABLE, p, 8 + 9 * 32);
	assert_int_equal(process(f), -EBADMSG);
	msg(f, VHOST_USER_GET_CONFIG, p, 11);
	assert_int_equal(process(f), -EBADMSG);

	/* Claimed sizes beyond the buffer never get to a handler. */
	msg(f, VHOST_USER_SET_FEATURES, p, 8);
	f->msg.size = VHOST_USER_MAX_PAYLOAD + 1;
	assert_int_equal(process(f), -EMSGSIZE);
	f->msg.size = 8;
	f->msg.nfds = VHOST_USER_MAX_FDS + 1;
	assert_int_equal(process(f), -EBADMSG);
	f->msg.nfds = -1;
	assert_int_equal(process(f), -EBADMSG);
}

static void test_bad_version(void **state)
{
	struct fixture *f = *state;
	int fd;

	msg(f, VHOST_USER_GET_FEATURES, NULL, 0);
	f->msg.flags = 2;
	assert_int_equal(process(f), -EBADMSG);
	msg(f, VHOST_USER_SET_VRING_CALL, &(uint64_t){ 0 }, 8);
	f->msg.flags = 0;
	fd = new_eventfd();
	add_fd(f, fd);
	assert_int_equal(process(f), -EBADMSG);
	assert_false(fd_is_open(fd));
}

static void test_unknown_request(void **state)
{
	struct fixture *f = *state;
	int fd;

	assert_int_equal(send_empty(f, 0), -EOPNOTSUPP);
	assert_int_equal(send_empty(f, 21), -EOPNOTSUPP);	/* SET_SLAVE_REQ_FD: not offered */
	assert_int_equal(send_empty(f, 99), -EOPNOTSUPP);
	assert_int_equal(send_empty(f, UINT32_MAX), -EOPNOTSUPP);
	assert_non_null(strstr(f->dev.err, "unknown"));
	msg(f, 21, NULL, 0);
	fd = new_eventfd();
	add_fd(f, fd);
	assert_int_equal(process(f), -EOPNOTSUPP);
	assert_false(fd_is_open(fd));
	assert_int_equal(f->reply.request, 0);
}

static void test_get_config(void **state)
{
	struct fixture *f = *state;
	uint32_t c[3] = { 0, 12, 0 };
	uint8_t p[12 + 256] = { 0 };
	uint16_t v;

	/* Needs PROTOCOL_F_CONFIG. */
	memcpy(p, c, 12);
	msg(f, VHOST_USER_GET_CONFIG, p, 24);
	assert_int_equal(process(f), -EPROTO);
	assert_int_equal(send_u64(f, VHOST_USER_SET_PROTOCOL_FEATURES,
				  vu_supported_protocol_features()), 0);

	msg(f, VHOST_USER_GET_CONFIG, p, 24);
	assert_int_equal(process(f), 1);
	assert_int_equal(f->reply.size, 24);
	assert_int_equal(f->reply.request, VHOST_USER_GET_CONFIG);
	assert_memory_equal(f->reply.payload, c, 12);
	assert_memory_equal(f->reply.payload + 12, test_cfg.mac, 6);
	memcpy(&v, f->reply.payload + 18, 2);
	assert_int_equal(v, 1);			/* VIRTIO_NET_S_LINK_UP */
	memcpy(&v, f->reply.payload + 20, 2);
	assert_int_equal(v, 1);			/* one queue pair */
	memcpy(&v, f->reply.payload + 22, 2);
	assert_int_equal(v, 1500);

	/* A field in the middle. */
	c[0] = 10;
	c[1] = 2;
	memcpy(p, c, 12);
	assert_int_equal(send_u64(f, VHOST_USER_NET_SET_MTU, 9000), 0);
	msg(f, VHOST_USER_GET_CONFIG, p, 14);
	assert_int_equal(process(f), 1);
	assert_int_equal(f->reply.size, 14);
	memcpy(&v, f->reply.payload + 12, 2);
	assert_int_equal(v, 9000);

	/* Outside the config space: an empty reply, not a disconnect. */
	c[0] = 10;
	c[1] = 4;
	memcpy(p, c, 12);
	msg(f, VHOST_USER_GET_CONFIG, p, 16);
	assert_int_equal(process(f), 1);
	assert_int_equal(f->reply.size, 0);
	c[0] = 0xfffffff0;
	c[1] = 0x20;
	memcpy(p, c, 12);
	msg(f, VHOST_USER_GET_CONFIG, p, 12 + 0x20);
	assert_int_equal(process(f), 1);
	assert_int_equal(f->reply.size, 0);

	/* Size field and payload size disagree, or too big. */
	c[0] = 0;
	c[1] = 12;
	memcpy(p, c, 12);
	msg(f, VHOST_USER_GET_CONFIG, p, 20);
	assert_int_equal(process(f), -EINVAL);
	c[1] = 257;
	memcpy(p, c, 12);
	msg(f, VHOST_USER_GET_CONFIG, p, 12 + 256);
	assert_int_equal(process(f), -EINVAL);
}

static void test_set_config(void **state)
{
	struct fixture *f = *state;
	uint32_t c[3] = { 0, 6, 0 };
	uint8_t p[18] = { 0 };

	memcpy(p, c, 12);
	assert_int_equal(send_u64(f, VHOST_USER_SET_PROTOCOL_FEATURES,
				  vu_supported_protocol_features()), 0);
	msg(f, VHOST_USER_SET_CONFIG, p, 18);
	assert_int_equal(process(f), 0);	/* refused, connection kept */
	msg(f, VHOST_USER_SET_CONFIG, p, 18);
	f->msg.flags |= VHOST_USER_NEED_REPLY_MASK;
	assert_int_equal(process(f), 1);
	assert_true(reply_u64(f) != 0);
	c[2] = 1;	/* live migration */
	memcpy(p, c, 12);
	msg(f, VHOST_USER_SET_CONFIG, p, 18);
	f->msg.flags |= VHOST_USER_NEED_REPLY_MASK;
	assert_int_equal(process(f), 1);
	assert_true(reply_u64(f) == 0);
	assert_memory_equal(f->dev.cfg.mac, test_cfg.mac, 6);	/* still ignored */
}

static void test_mtu(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(send_u64(f, VHOST_USER_NET_SET_MTU, 68), 0);
	assert_int_equal(f->dev.cfg.mtu, 68);
	assert_int_equal(send_u64(f, VHOST_USER_NET_SET_MTU, 65535), 0);
	assert_int_equal(send_u64(f, VHOST_USER_NET_SET_MTU, 67), -EINVAL);
	assert_int_equal(send_u64(f, VHOST_USER_NET_SET_MTU, 65536), -EINVAL);
	assert_int_equal(send_u64(f, VHOST_USER_NET_SET_MTU, 1ULL << 48), -EINVAL);
	assert_int_equal(f->dev.cfg.mtu, 65535);
	assert_int_equal(send_u64(f, VHOST_USER_SEND_RARP, 0x563412005452ULL), 0);
}

static void test_reply_ack(void **state)
{
	struct fixture *f = *state;

	/* Without REPLY_ACK negotiated, NEED_REPLY is ignored. */
	msg(f, VHOST_USER_SET_OWNER, NULL, 0);
	f->msg.flags |= VHOST_USER_NEED_REPLY_MASK;
	assert_int_equal(process(f), 0);
	assert_int_equal(f->reply.request, 0);

	assert_int_equal(send_u64(f, VHOST_USER_SET_PROTOCOL_FEATURES,
				  VIRTIO_BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK)), 0);

	/* Success: ack 0. */
	msg(f, VHOST_USER_SET_OWNER, NULL, 0);
	f->msg.flags |= VHOST_USER_NEED_REPLY_MASK;
	assert_int_equal(process(f), 1);
	assert_int_equal(f->reply.request, VHOST_USER_SET_OWNER);
	assert_true(reply_u64(f) == 0);

	/* No NEED_REPLY: no reply. */
	assert_int_equal(send_empty(f, VHOST_USER_SET_OWNER), 0);

	/* Failure: the error, and a non-zero ack to send before disconnecting. */
	msg(f, VHOST_USER_SET_VRING_NUM, &(uint32_t[2]){ 0, 3 }, 8);
	f->msg.flags |= VHOST_USER_NEED_REPLY_MASK;
	assert_int_equal(process(f), -EINVAL);
	assert_int_equal(f->reply.request, VHOST_USER_SET_VRING_NUM);
	assert_true(reply_u64(f) != 0);

	/* Requests with their own reply are unchanged. */
	msg(f, VHOST_USER_GET_FEATURES, NULL, 0);
	f->msg.flags |= VHOST_USER_NEED_REPLY_MASK;
	assert_int_equal(process(f), 1);
	assert_true(reply_u64(f) == vu_supported_features());

	/* The SET_PROTOCOL_FEATURES that negotiates REPLY_ACK acks itself. */
	msg(f, VHOST_USER_SET_PROTOCOL_FEATURES,
	    &(uint64_t){ VIRTIO_BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK) }, 8);
	f->msg.flags |= VHOST_USER_NEED_REPLY_MASK;
	assert_int_equal(process(f), 1);
	assert_true(reply_u64(f) == 0);

	/* SET_MEM_TABLE with an ack, as QEMU sends it. */
	mem_table(f, 1, &(struct region){ GPA, MEM_SIZE, UVA, 0 });
	add_fd(f, dup_memfd(f));
	f->msg.flags |= VHOST_USER_NEED_REPLY_MASK;
	assert_int_equal(process(f), 1);
	assert_true(reply_u64(f) == 0);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_get_features),
		T(test_set_features),
		T(test_set_features_needs_version_1),
		T(test_set_features_not_offered),
		T(test_protocol_features),
		T(test_queue_num_and_slots),
		T(test_rx_offloads),
		T(test_request_names),
		T(test_set_mem_table),
		T(test_set_mem_table_offset_and_replace),
		T(test_set_mem_table_bad),
		T(test_add_rem_mem_reg),
		T(test_log_refused),
		T(test_running_with_protocol_features),
		T(test_running_without_protocol_features),
		T(test_kick_nofd_polled),
		T(test_kick_fd_counts),
		T(test_vring_index_out_of_range),
		T(test_vring_num),
		T(test_vring_num_after_addr),
		T(test_vring_base),
		T(test_vring_addr_bad),
		T(test_mem_change_remaps_rings),
		T(test_reset_owner_and_reset),
		T(test_wrong_sizes),
		T(test_bad_version),
		T(test_unknown_request),
		T(test_get_config),
		T(test_set_config),
		T(test_mtu),
		T(test_reply_ack),
	};

	return cmocka_run_group_tests_name("vhost_user", tests, NULL, NULL);
}
