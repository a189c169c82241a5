// SPDX-License-Identifier: GPL-2.0-or-later
/* vhost_user.c - the back-end side of the vhost-user protocol for one virtio-net device. */

/*
 * Theory of operation
 *
 * The front-end (QEMU, DPDK virtio-user) is a peer we do not trust: every
 * message is checked against a table giving, per request, the payload sizes
 * and the number of file descriptors it may carry, before a handler copies
 * the payload into a local struct. A handler that keeps a descriptor takes it
 * out of the message (sets the slot to -1); whatever is left is closed by
 * vu_dev_process() on every path, so a malformed message can never leak one.
 *
 * Any violation is fatal to the connection: vu_dev_process() returns a
 * negative errno with a one-line reason in dev->err, and the caller
 * disconnects. If the front-end asked for an acknowledgement (NEED_REPLY with
 * REPLY_ACK negotiated) a non-zero ack is still prepared in @reply, and
 * vu_dev_handle() sends it before giving up, so the front-end reports a
 * refusal instead of a broken pipe. The only soft refusals are the ones the
 * protocol describes as answers: GET_CONFIG outside the config space (empty
 * reply) and SET_CONFIG of read-only fields (non-zero ack).
 *
 * Ring life cycle (vhost-user.rst, "Ring states"): a ring starts when it has
 * addresses and a kick (an fd, or NOFD for a polled ring) and stops on
 * GET_VRING_BASE. It is enabled by SET_VRING_KICK if PROTOCOL_FEATURES was not
 * negotiated, otherwise only by SET_VRING_ENABLE. Ring addresses are kept as
 * the front-end's user addresses and translated again whenever the memory
 * table changes, so memory hot-plug (SET_MEM_TABLE, ADD/REM_MEM_REG) while
 * running keeps working; a ring whose memory went away is stopped.
 */

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhost_user.h"
#include "virtio_net.h"

/* Payload layouts (vhost-user.rst, "Payload"), copied out after size checks. */
struct vu_vring_state {
	uint32_t index;
	uint32_t num;
};

struct vu_vring_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc;
	uint64_t used;
	uint64_t avail;
	uint64_t log;
};

struct vu_region_desc {
	uint64_t gpa;
	uint64_t size;
	uint64_t uva;
	uint64_t mmap_offset;
};

struct vu_single_region {
	uint64_t padding;
	struct vu_region_desc region;
};

#define VU_CONFIG_HDR_SIZE	12	/* offset, size, flags */
#define VU_CONFIG_MAX_SIZE	256
#define VU_CONFIG_F_MIGRATION	1

/* The virtio-net config space we expose (virtio 1.2, 5.1.4), up to mtu. */
struct vu_net_config {
	uint8_t mac[6];
	uint16_t status;
	uint16_t max_virtqueue_pairs;
	uint16_t mtu;
} __attribute__((packed));

#ifndef VIRTIO_NET_S_LINK_UP
#define VIRTIO_NET_S_LINK_UP	1
#endif

#define VU_VRING_IDX_MASK	0xffu
#define VU_VRING_NOFD_MASK	0x100u
#define VU_VRING_F_LOG		1u

#define VU_MIN_MTU		68
#define VU_MAX_MTU		65535

/* Handler results besides a negative errno. */
enum {
	VU_DONE = 0,		/* applied, nothing to send unless an ack was asked for */
	VU_REPLY = 1,		/* @reply filled: the request has its own reply */
	VU_REFUSED = 2,		/* refused without breaking the connection */
};

typedef int (*vu_handler)(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply);

struct vu_request_desc {
	const char *name;
	vu_handler handler;
	uint32_t min_size;	/* payload bytes; handlers check variable ones exactly */
	uint32_t max_size;
	int min_fds;
	int max_fds;
};

static int vu_fail(struct vu_dev *dev, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int vu_fail(struct vu_dev *dev, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->err, sizeof(dev->err), fmt, ap);
	va_end(ap);
	return err;
}

static bool vu_has_protocol_feature(const struct vu_dev *dev, unsigned int bit)
{
	return dev->protocol_features & VIRTIO_BIT(bit);
}

uint64_t vu_supported_features(void)
{
	return VIRTIO_BIT(VIRTIO_F_VERSION_1) |
	       VIRTIO_BIT(VIRTIO_F_IN_ORDER) |	/* port_vhost.c uses chains in ring order */
	       VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
	       VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX) |
	       VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) |
	       VIRTIO_BIT(VIRTIO_NET_F_CSUM) |
	       VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |
	       VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) |
	       VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6) |
	       VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4) |
	       VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6) |
	       VIRTIO_BIT(VIRTIO_NET_F_HOST_ECN) |
	       VIRTIO_BIT(VIRTIO_NET_F_GUEST_ECN) |
	       VIRTIO_BIT(VIRTIO_NET_F_MTU) |
	       VIRTIO_BIT(VHOST_USER_F_PROTOCOL_FEATURES);
}

uint64_t vu_supported_protocol_features(void)
{
	return VIRTIO_BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK) |
	       VIRTIO_BIT(VHOST_USER_PROTOCOL_F_NET_MTU) |
	       VIRTIO_BIT(VHOST_USER_PROTOCOL_F_CONFIG) |
	       VIRTIO_BIT(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS);
}

/* Device life cycle -------------------------------------------------------- */

static void vu_dev_clear(struct vu_dev *dev, int sock, const struct vu_config *cfg)
{
	unsigned int q;

	memset(dev, 0, sizeof(*dev));
	dev->sock = sock;
	if (cfg)
		dev->cfg = *cfg;
	for (q = 0; q < VU_NQUEUES; q++) {
		vq_init(&dev->vqs[q]);
		dev->vqs[q].mem = &dev->mem;
	}
}

/* As documented in vhost_user.h; a NULL @cfg means an all-zero configuration. */
void vu_dev_init(struct vu_dev *dev, int sock, const struct vu_config *cfg)
{
	vu_dev_clear(dev, sock, cfg);
}

void vu_dev_reset(struct vu_dev *dev)
{
	struct vu_config cfg;
	unsigned int q;
	int sock;

	if (!dev)
		return;
	for (q = 0; q < VU_NQUEUES; q++) {
		if (dev->vqs[q].kick_fd >= 0)
			close(dev->vqs[q].kick_fd);
		if (dev->vqs[q].call_fd >= 0)
			close(dev->vqs[q].call_fd);
	}
	vu_mem_unmap(&dev->mem);
	vu_reader_reset(&dev->rx);
	cfg = dev->cfg;
	sock = dev->sock;
	vu_dev_clear(dev, sock, &cfg);
}

bool vu_dev_running(const struct vu_dev *dev)
{
	unsigned int q;

	if (!dev->features_set)
		return false;
	for (q = 0; q < VU_NQUEUES; q++)
		if (!dev->vq_started[q] || !dev->vq_enabled[q])
			return false;
	return true;
}

unsigned int vu_dev_rx_offloads(const struct vu_dev *dev)
{
	unsigned int offloads = 0;

	/* TSO and ECN depend on GUEST_CSUM (virtio 1.2, 5.1.3.1). */
	if (!(dev->features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM)))
		return 0;
	offloads |= OFFLOAD_CSUM;
	if (dev->features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4))
		offloads |= OFFLOAD_TSO4;
	if (dev->features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6))
		offloads |= OFFLOAD_TSO6;
	if ((offloads & (OFFLOAD_TSO4 | OFFLOAD_TSO6)) &&
	    (dev->features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_ECN)))
		offloads |= OFFLOAD_ECN;
	return offloads;
}

/* Replies ------------------------------------------------------------------ */

static void vu_reply_u64(const struct vu_msg *msg, struct vu_msg *reply, uint64_t value)
{
	reply->request = msg->request;
	reply->flags = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK;
	reply->size = sizeof(value);
	memcpy(reply->payload, &value, sizeof(value));
}

static uint64_t vu_msg_u64(const struct vu_msg *msg)
{
	uint64_t v;

	memcpy(&v, msg->payload, sizeof(v));
	return v;
}

/* Rings -------------------------------------------------------------------- */

static int vu_vring_index(struct vu_dev *dev, const struct vu_msg *msg, uint32_t index)
{
	if (index >= VU_NQUEUES)
		return vu_fail(dev, -EINVAL, "%s: vring index %u out of range",
			       vu_dev_request_name(msg->request), index);
	return 0;
}

static void vu_vring_update_started(struct vu_dev *dev, unsigned int q)
{
	dev->vq_started[q] = dev->vq_addr_set[q] && dev->vq_kick_set[q];
}

/*
 * Used index as the guest sees it: where we continue after a (re)start.
 *
 * We never hold a chain across messages, so when a ring stops every chain
 * we took is in the used ring and the used index equals our last avail
 * index. A front-end that reconnects after we crashed cannot know that
 * index (DPDK virtio-user sends SET_VRING_BASE 0 with rings that moved on),
 * so when the two disagree the used index wins, as in DPDK's vhost library:
 * chains in flight at the crash are lost, never processed twice.
 */
static void vu_vring_sync_used(struct vq *vq)
{
	vq->used_idx = le16toh(__atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE));
	vq->last_avail_idx = vq->used_idx;
	vq->used_pending = 0;
	vq->signalled_used_valid = false;
	/* Forget the cached avail index: the next pop reads the guest's. */
	vq->avail_idx = vq->last_avail_idx;
}

/* Translate the ring addresses of queue @q for its current size and memory. */
static int vu_vring_translate(struct vu_dev *dev, unsigned int q)
{
	struct vq *vq = &dev->vqs[q];
	uint64_t n = vq->size;
	void *desc, *avail, *used;

	/* The event fields (used_event, avail_event) are always included. */
	desc = vu_mem_uva(&dev->mem, dev->vq_desc_uva[q], n * sizeof(struct vring_desc));
	avail = vu_mem_uva(&dev->mem, dev->vq_avail_uva[q],
			   sizeof(struct vring_avail) + (n + 1) * sizeof(uint16_t));
	used = vu_mem_uva(&dev->mem, dev->vq_used_uva[q],
			  sizeof(struct vring_used) + n * sizeof(struct vring_used_elem) +
			  sizeof(uint16_t));
	if (!desc || !avail || !used)
		return -EFAULT;
	if ((uintptr_t)desc % 16 || (uintptr_t)avail % 2 || (uintptr_t)used % 4)
		return -EINVAL;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	return 0;
}

static void vu_vring_forget_addr(struct vu_dev *dev, unsigned int q)
{
	dev->vq_addr_set[q] = false;
	dev->vqs[q].desc = NULL;
	dev->vqs[q].avail = NULL;
	dev->vqs[q].used = NULL;
	vu_vring_update_started(dev, q);
}

/* After the memory table changed: translate again, stop rings that lost memory. */
static void vu_vrings_remap(struct vu_dev *dev)
{
	unsigned int q;

	for (q = 0; q < VU_NQUEUES; q++)
		if (dev->vq_addr_set[q] && vu_vring_translate(dev, q))
			vu_vring_forget_addr(dev, q);
}

static void vu_vrings_apply_features(struct vu_dev *dev)
{
	unsigned int q;

	for (q = 0; q < VU_NQUEUES; q++) {
		struct vq *vq = &dev->vqs[q];
		bool event_idx = dev->features & VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX);

		if (vq->event_idx != event_idx)
			vq->signalled_used_valid = false;
		vq->event_idx = event_idx;
		vq->indirect = dev->features & VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC);
	}
}

/* Memory ------------------------------------------------------------------- */

/* mmap() one region from @fd; on success @out describes the mapping. */
static int vu_map_region(struct vu_dev *dev, const struct vu_region_desc *rd, int fd,
			 struct vu_mem_region *out)
{
	uint64_t align, map_offset, delta, map_size;
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;
	void *addr;

	if (!rd->size)
		return vu_fail(dev, -EINVAL, "memory region of size 0");
	if (rd->gpa > UINT64_MAX - rd->size || rd->uva > UINT64_MAX - rd->size ||
	    rd->mmap_offset > UINT64_MAX - rd->size)
		return vu_fail(dev, -EINVAL, "memory region 0x%llx+0x%llx wraps around",
			       (unsigned long long)rd->gpa, (unsigned long long)rd->size);
	if (fd < 0 || fstat(fd, &st) < 0)
		return vu_fail(dev, -EBADF, "memory region fd: %s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return vu_fail(dev, -EINVAL, "memory region fd is not a regular file");
	/* Touching a page past the end of the file would raise SIGBUS. */
	if (st.st_size < 0 || rd->mmap_offset + rd->size > (uint64_t)st.st_size)
		return vu_fail(dev, -EINVAL, "memory region 0x%llx+0x%llx beyond its file (%lld bytes)",
			       (unsigned long long)rd->mmap_offset,
			       (unsigned long long)rd->size, (long long)st.st_size);

	/* Hugetlbfs wants offsets and sizes in huge pages; st_blksize says how big. */
	align = page > 0 ? (uint64_t)page : 4096;
	if (st.st_blksize > 0 && (uint64_t)st.st_blksize > align &&
	    (uint64_t)st.st_blksize <= (1ULL << 30) &&
	    !((uint64_t)st.st_blksize & ((uint64_t)st.st_blksize - 1)))
		align = st.st_blksize;

	map_offset = rd->mmap_offset & ~(align - 1);
	delta = rd->mmap_offset - map_offset;
	map_size = rd->size + delta;	/* cannot wrap: size + mmap_offset did not */
	if (map_size > UINT64_MAX - (align - 1))
		return vu_fail(dev, -EINVAL, "memory region too large");
	map_size = (map_size + align - 1) & ~(align - 1);
	if (map_size > SIZE_MAX || map_offset > (uint64_t)INT64_MAX)
		return vu_fail(dev, -EINVAL, "memory region too large");

	addr = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)map_offset);
	if (addr == MAP_FAILED)
		return vu_fail(dev, -errno, "mmap of memory region 0x%llx+0x%llx: %s",
			       (unsigned long long)rd->gpa, (unsigned long long)rd->size,
			       strerror(errno));

	out->gpa = rd->gpa;
	out->size = rd->size;
	out->uva = rd->uva;
	out->hva = (uint8_t *)addr + delta;
	out->mmap_addr = addr;
	out->mmap_size = map_size;
	return 0;
}

/* True if [gpa, gpa + size) overlaps a region of @mem. */
static bool vu_mem_overlaps(const struct vu_mem *mem, uint64_t gpa, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < mem->nregions; i++) {
		const struct vu_mem_region *r = &mem->regions[i];

		if (gpa < r->gpa + r->size && r->gpa < gpa + size)
			return true;
	}
	return false;
}

static int vu_set_mem_table(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	struct vu_mem mem = { .nregions = 0 };
	uint32_t nregions, i;
	int ret;

	memcpy(&nregions, msg->payload, sizeof(nregions));
	if (!nregions || nregions > VHOST_USER_MAX_FDS)
		return vu_fail(dev, -EINVAL, "SET_MEM_TABLE: %u regions", nregions);
	if (msg->size != 8 + nregions * sizeof(struct vu_region_desc))
		return vu_fail(dev, -EINVAL, "SET_MEM_TABLE: %u bytes for %u regions",
			       msg->size, nregions);
	if ((uint32_t)msg->nfds != nregions)
		return vu_fail(dev, -EINVAL, "SET_MEM_TABLE: %d fds for %u regions",
			       msg->nfds, nregions);

	for (i = 0; i < nregions; i++) {
		struct vu_region_desc rd;

		memcpy(&rd, msg->payload + 8 + i * sizeof(rd), sizeof(rd));
		ret = vu_map_region(dev, &rd, msg->fds[i], &mem.regions[i]);
		if (ret)
			goto err;
		if (vu_mem_overlaps(&mem, rd.gpa, rd.size)) {
			munmap(mem.regions[i].mmap_addr, mem.regions[i].mmap_size);
			ret = vu_fail(dev, -EINVAL, "SET_MEM_TABLE: regions overlap at 0x%llx",
				      (unsigned long long)rd.gpa);
			goto err;
		}
		mem.nregions++;
	}

	vu_mem_unmap(&dev->mem);
	dev->mem.nregions = mem.nregions;
	memcpy(dev->mem.regions, mem.regions, sizeof(mem.regions[0]) * mem.nregions);
	vu_vrings_remap(dev);
	return VU_DONE;

err:
	vu_mem_unmap(&mem);
	return ret;
}

static int vu_add_mem_reg(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	struct vu_single_region sr;
	struct vu_mem_region r;
	int ret;

	if (!vu_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS))
		return vu_fail(dev, -EPROTO, "ADD_MEM_REG without CONFIGURE_MEM_SLOTS");
	memcpy(&sr, msg->payload, sizeof(sr));
	if (dev->mem.nregions >= VU_MAX_MEM_SLOTS)
		return vu_fail(dev, -ENOSPC, "ADD_MEM_REG: all %d slots used", VU_MAX_MEM_SLOTS);
	ret = vu_map_region(dev, &sr.region, msg->fds[0], &r);
	if (ret)
		return ret;
	if (vu_mem_overlaps(&dev->mem, r.gpa, r.size)) {
		munmap(r.mmap_addr, r.mmap_size);
		return vu_fail(dev, -EINVAL, "ADD_MEM_REG: 0x%llx+0x%llx overlaps a region",
			       (unsigned long long)r.gpa, (unsigned long long)r.size);
	}
	dev->mem.regions[dev->mem.nregions++] = r;
	vu_vrings_remap(dev);
	return VU_DONE;
}

static int vu_rem_mem_reg(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	struct vu_single_region sr;
	unsigned int i;

	/* A fd, if any, is closed unused by vu_dev_process() (vhost-user.rst). */
	if (!vu_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS))
		return vu_fail(dev, -EPROTO, "REM_MEM_REG without CONFIGURE_MEM_SLOTS");
	memcpy(&sr, msg->payload, sizeof(sr));
	for (i = 0; i < dev->mem.nregions; i++) {
		struct vu_mem_region *r = &dev->mem.regions[i];

		if (r->gpa != sr.region.gpa || r->size != sr.region.size ||
		    r->uva != sr.region.uva)
			continue;
		munmap(r->mmap_addr, r->mmap_size);
		memmove(r, r + 1, (dev->mem.nregions - i - 1) * sizeof(*r));
		dev->mem.nregions--;
		memset(&dev->mem.regions[dev->mem.nregions], 0, sizeof(*r));
		vu_vrings_remap(dev);
		return VU_DONE;
	}
	return vu_fail(dev, -ENOENT, "REM_MEM_REG: no region 0x%llx+0x%llx",
		       (unsigned long long)sr.region.gpa, (unsigned long long)sr.region.size);
}

static int vu_get_max_mem_slots(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	vu_reply_u64(msg, reply, VU_MAX_MEM_SLOTS);
	return VU_REPLY;
}

/* Features and ownership --------------------------------------------------- */

static int vu_get_features(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	vu_reply_u64(msg, reply, vu_supported_features());
	return VU_REPLY;
}

static int vu_set_features(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	uint64_t features = vu_msg_u64(msg);
	uint64_t unknown = features & ~vu_supported_features();

	if (unknown)
		return vu_fail(dev, -EINVAL, "SET_FEATURES: 0x%llx not offered",
			       (unsigned long long)unknown);
	if (!(features & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
		return vu_fail(dev, -EINVAL, "SET_FEATURES: VERSION_1 (virtio 1.x) is required");
	dev->features = features;
	dev->features_set = true;
	vu_vrings_apply_features(dev);
	return VU_DONE;
}

static int vu_get_protocol_features(struct vu_dev *dev, struct vu_msg *msg,
				    struct vu_msg *reply)
{
	vu_reply_u64(msg, reply, vu_supported_protocol_features());
	return VU_REPLY;
}

static int vu_set_protocol_features(struct vu_dev *dev, struct vu_msg *msg,
				    struct vu_msg *reply)
{
	uint64_t features = vu_msg_u64(msg);
	uint64_t unknown = features & ~vu_supported_protocol_features();

	if (unknown)
		return vu_fail(dev, -EINVAL, "SET_PROTOCOL_FEATURES: 0x%llx not offered",
			       (unsigned long long)unknown);
	dev->protocol_features = features;
	return VU_DONE;
}

static int vu_set_owner(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	dev->owner_set = true;
	return VU_DONE;
}

/* Deprecated; vhost-user.rst recommends treating it as "disable all rings". */
static int vu_reset_owner(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	unsigned int q;

	for (q = 0; q < VU_NQUEUES; q++) {
		dev->vq_enabled[q] = false;
		dev->vq_kick_set[q] = false;
		vu_vring_update_started(dev, q);
	}
	return VU_DONE;
}

static int vu_get_queue_num(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	vu_reply_u64(msg, reply, VU_NQUEUES / 2);	/* queue pairs */
	return VU_REPLY;
}

static int vu_refuse_log(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	return vu_fail(dev, -ENOTSUP, "%s: dirty logging (LOG_ALL) was not offered",
		       vu_dev_request_name(msg->request));
}

/* Vrings ------------------------------------------------------------------- */

static int vu_set_vring_num(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	struct vu_vring_state s;
	uint16_t old_size;
	int ret;

	memcpy(&s, msg->payload, sizeof(s));
	ret = vu_vring_index(dev, msg, s.index);
	if (ret)
		return ret;
	if (!s.num || s.num > VQ_MAX_SIZE || (s.num & (s.num - 1)))
		return vu_fail(dev, -EINVAL, "SET_VRING_NUM: size %u is not a power of two <= %u",
			       s.num, VQ_MAX_SIZE);

	old_size = dev->vqs[s.index].size;
	dev->vqs[s.index].size = s.num;
	if (dev->vq_addr_set[s.index] && vu_vring_translate(dev, s.index)) {
		dev->vqs[s.index].size = old_size;
		return vu_fail(dev, -EFAULT, "SET_VRING_NUM: rings of size %u leave guest memory",
			       s.num);
	}
	return VU_DONE;
}

static int vu_set_vring_addr(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	struct vu_vring_addr a;
	unsigned int q;
	int ret;

	memcpy(&a, msg->payload, sizeof(a));
	ret = vu_vring_index(dev, msg, a.index);
	if (ret)
		return ret;
	q = a.index;
	if (a.flags & ~VU_VRING_F_LOG)
		return vu_fail(dev, -EINVAL, "SET_VRING_ADDR: unknown flags 0x%x", a.flags);
	if (a.flags & VU_VRING_F_LOG)
		return vu_fail(dev, -ENOTSUP, "SET_VRING_ADDR: logging was not offered");
	if (!dev->vqs[q].size)
		return vu_fail(dev, -EPROTO, "SET_VRING_ADDR before SET_VRING_NUM");
	if (!dev->mem.nregions)
		return vu_fail(dev, -EPROTO, "SET_VRING_ADDR before SET_MEM_TABLE");

	dev->vq_desc_uva[q] = a.desc;
	dev->vq_avail_uva[q] = a.avail;
	dev->vq_used_uva[q] = a.used;
	ret = vu_vring_translate(dev, q);
	if (ret) {
		vu_vring_forget_addr(dev, q);
		return vu_fail(dev, ret, "SET_VRING_ADDR: vring %u rings outside guest memory or misaligned",
			       q);
	}
	dev->vq_log_addr[q] = a.log;
	dev->vq_addr_set[q] = true;
	vu_vring_sync_used(&dev->vqs[q]);
	vu_vring_update_started(dev, q);
	return VU_DONE;
}

static int vu_set_vring_base(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	struct vu_vring_state s;
	int ret;

	memcpy(&s, msg->payload, sizeof(s));
	ret = vu_vring_index(dev, msg, s.index);
	if (ret)
		return ret;
	if (s.num > UINT16_MAX)
		return vu_fail(dev, -EINVAL, "SET_VRING_BASE: %u is not a split ring index", s.num);
	dev->vqs[s.index].last_avail_idx = s.num;
	dev->vqs[s.index].avail_idx = s.num;
	return VU_DONE;
}

static int vu_get_vring_base(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	struct vu_vring_state s;
	int ret;

	memcpy(&s, msg->payload, sizeof(s));
	ret = vu_vring_index(dev, msg, s.index);
	if (ret)
		return ret;

	/* Stop: a new SET_VRING_KICK is needed to start again. */
	dev->vq_kick_set[s.index] = false;
	vu_vring_update_started(dev, s.index);

	s.num = dev->vqs[s.index].last_avail_idx;
	reply->request = msg->request;
	reply->flags = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK;
	reply->size = sizeof(s);
	memcpy(reply->payload, &s, sizeof(s));
	return VU_REPLY;
}

/*
 * SET_VRING_KICK/CALL/ERR: index in bits 0-7, NOFD in bit 8, and a fd exactly
 * when NOFD is clear. Return: the queue index, or negative errno.
 */
static int vu_vring_fd_msg(struct vu_dev *dev, const struct vu_msg *msg, bool *has_fd)
{
	uint64_t v = vu_msg_u64(msg);
	unsigned int q = v & VU_VRING_IDX_MASK;
	int ret;

	if (v & ~(uint64_t)(VU_VRING_IDX_MASK | VU_VRING_NOFD_MASK))
		return vu_fail(dev, -EINVAL, "%s: unknown bits in 0x%llx",
			       vu_dev_request_name(msg->request), (unsigned long long)v);
	ret = vu_vring_index(dev, msg, q);
	if (ret)
		return ret;
	*has_fd = !(v & VU_VRING_NOFD_MASK);
	if (msg->nfds != (*has_fd ? 1 : 0))
		return vu_fail(dev, -EINVAL, "%s: %d fds with%s NOFD",
			       vu_dev_request_name(msg->request), msg->nfds,
			       *has_fd ? "out" : "");
	return q;
}

static int vu_set_vring_kick(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	bool has_fd, was_started;
	struct vq *vq;
	int q;

	q = vu_vring_fd_msg(dev, msg, &has_fd);
	if (q < 0)
		return q;
	vq = &dev->vqs[q];
	if (vq->kick_fd >= 0)
		close(vq->kick_fd);
	vq->kick_fd = has_fd ? msg->fds[0] : -1;
	if (has_fd)
		msg->fds[0] = -1;

	was_started = dev->vq_started[q];
	dev->vq_kick_set[q] = true;
	if (!(dev->features & VIRTIO_BIT(VHOST_USER_F_PROTOCOL_FEATURES)))
		dev->vq_enabled[q] = true;
	vu_vring_update_started(dev, q);
	if (dev->vq_started[q] && !was_started)
		vu_vring_sync_used(vq);
	return VU_DONE;
}

static int vu_set_vring_call(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	struct vq *vq;
	bool has_fd;
	int q;

	q = vu_vring_fd_msg(dev, msg, &has_fd);
	if (q < 0)
		return q;
	vq = &dev->vqs[q];
	if (vq->call_fd >= 0)
		close(vq->call_fd);
	vq->call_fd = has_fd ? msg->fds[0] : -1;
	if (has_fd)
		msg->fds[0] = -1;
	return VU_DONE;
}

/* We never report ring errors: the fd is checked and then closed. */
static int vu_set_vring_err(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	bool has_fd;
	int q;

	q = vu_vring_fd_msg(dev, msg, &has_fd);
	return q < 0 ? q : VU_DONE;
}

static int vu_set_vring_enable(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	struct vu_vring_state s;
	int ret;

	memcpy(&s, msg->payload, sizeof(s));
	ret = vu_vring_index(dev, msg, s.index);
	if (ret)
		return ret;
	if (s.num > 1)
		return vu_fail(dev, -EINVAL, "SET_VRING_ENABLE: %u is not 0 or 1", s.num);
	dev->vq_enabled[s.index] = s.num;
	return VU_DONE;
}

/* Net specifics ------------------------------------------------------------ */

static int vu_send_rarp(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	/* Only sent after migration, which we do not support (no LOG_ALL). */
	return VU_DONE;
}

static int vu_net_set_mtu(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	uint64_t mtu = vu_msg_u64(msg);

	if (mtu < VU_MIN_MTU || mtu > VU_MAX_MTU)
		return vu_fail(dev, -EINVAL, "NET_SET_MTU: %llu outside %d..%d",
			       (unsigned long long)mtu, VU_MIN_MTU, VU_MAX_MTU);
	dev->cfg.mtu = mtu;
	return VU_DONE;
}

/* Config header after the size checks; Return: 0 or negative errno. */
static int vu_config_hdr(struct vu_dev *dev, const struct vu_msg *msg,
			 uint32_t *offset, uint32_t *size, uint32_t *flags)
{
	if (!vu_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_CONFIG))
		return vu_fail(dev, -EPROTO, "%s without PROTOCOL_F_CONFIG",
			       vu_dev_request_name(msg->request));
	memcpy(offset, msg->payload, 4);
	memcpy(size, msg->payload + 4, 4);
	memcpy(flags, msg->payload + 8, 4);
	if (*size > VU_CONFIG_MAX_SIZE || msg->size != VU_CONFIG_HDR_SIZE + *size)
		return vu_fail(dev, -EINVAL, "%s: %u bytes for a config access of %u",
			       vu_dev_request_name(msg->request), msg->size, *size);
	return 0;
}

static int vu_get_config(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	struct vu_net_config nc;
	uint32_t offset, size, flags;
	int ret;

	ret = vu_config_hdr(dev, msg, &offset, &size, &flags);
	if (ret)
		return ret;

	reply->request = msg->request;
	reply->flags = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK;
	/* An empty payload is how a back-end says "no" (vhost-user.rst). */
	if (offset > sizeof(nc) || size > sizeof(nc) - offset) {
		reply->size = 0;
		return VU_REPLY;
	}

	memcpy(nc.mac, dev->cfg.mac, sizeof(nc.mac));
	nc.status = htole16(VIRTIO_NET_S_LINK_UP);
	nc.max_virtqueue_pairs = htole16(1);
	nc.mtu = htole16(dev->cfg.mtu);
	memcpy(reply->payload, msg->payload, VU_CONFIG_HDR_SIZE);
	memcpy(reply->payload + VU_CONFIG_HDR_SIZE, (uint8_t *)&nc + offset, size);
	reply->size = VU_CONFIG_HDR_SIZE + size;
	return VU_REPLY;
}

static int vu_set_config(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	uint32_t offset, size, flags;
	int ret;

	ret = vu_config_hdr(dev, msg, &offset, &size, &flags);
	if (ret)
		return ret;
	/* Every virtio-net field is read-only for the driver; accept only migration. */
	if (flags & VU_CONFIG_F_MIGRATION)
		return VU_DONE;
	vu_fail(dev, -EROFS, "SET_CONFIG: the virtio-net config space is read-only");
	return VU_REFUSED;
}

/* Dispatch ----------------------------------------------------------------- */

#define VU_U64		sizeof(uint64_t), sizeof(uint64_t)
#define VU_STATE	sizeof(struct vu_vring_state), sizeof(struct vu_vring_state)
#define VU_REGION	sizeof(struct vu_single_region), sizeof(struct vu_single_region)
#define VU_CONFIG	VU_CONFIG_HDR_SIZE, VU_CONFIG_HDR_SIZE + VU_CONFIG_MAX_SIZE

static const struct vu_request_desc vu_requests[] = {
	[VHOST_USER_GET_FEATURES] = { "GET_FEATURES", vu_get_features, 0, 0, 0, 0 },
	[VHOST_USER_SET_FEATURES] = { "SET_FEATURES", vu_set_features, VU_U64, 0, 0 },
	[VHOST_USER_SET_OWNER] = { "SET_OWNER", vu_set_owner, 0, 0, 0, 0 },
	[VHOST_USER_RESET_OWNER] = { "RESET_OWNER", vu_reset_owner, 0, 0, 0, 0 },
	[VHOST_USER_SET_MEM_TABLE] = { "SET_MEM_TABLE", vu_set_mem_table,
		8, 8 + VHOST_USER_MAX_FDS * sizeof(struct vu_region_desc), 0, VHOST_USER_MAX_FDS },
	[VHOST_USER_SET_LOG_BASE] = { "SET_LOG_BASE", vu_refuse_log,
		0, VHOST_USER_MAX_PAYLOAD, 0, VHOST_USER_MAX_FDS },
	[VHOST_USER_SET_LOG_FD] = { "SET_LOG_FD", vu_refuse_log,
		0, VHOST_USER_MAX_PAYLOAD, 0, VHOST_USER_MAX_FDS },
	[VHOST_USER_SET_VRING_NUM] = { "SET_VRING_NUM", vu_set_vring_num, VU_STATE, 0, 0 },
	[VHOST_USER_SET_VRING_ADDR] = { "SET_VRING_ADDR", vu_set_vring_addr,
		sizeof(struct vu_vring_addr), sizeof(struct vu_vring_addr), 0, 0 },
	[VHOST_USER_SET_VRING_BASE] = { "SET_VRING_BASE", vu_set_vring_base, VU_STATE, 0, 0 },
	[VHOST_USER_GET_VRING_BASE] = { "GET_VRING_BASE", vu_get_vring_base, VU_STATE, 0, 0 },
	[VHOST_USER_SET_VRING_KICK] = { "SET_VRING_KICK", vu_set_vring_kick, VU_U64, 0, 1 },
	[VHOST_USER_SET_VRING_CALL] = { "SET_VRING_CALL", vu_set_vring_call, VU_U64, 0, 1 },
	[VHOST_USER_SET_VRING_ERR] = { "SET_VRING_ERR", vu_set_vring_err, VU_U64, 0, 1 },
	[VHOST_USER_GET_PROTOCOL_FEATURES] = { "GET_PROTOCOL_FEATURES",
		vu_get_protocol_features, 0, 0, 0, 0 },
	[VHOST_USER_SET_PROTOCOL_FEATURES] = { "SET_PROTOCOL_FEATURES",
		vu_set_protocol_features, VU_U64, 0, 0 },
	[VHOST_USER_GET_QUEUE_NUM] = { "GET_QUEUE_NUM", vu_get_queue_num, 0, 0, 0, 0 },
	[VHOST_USER_SET_VRING_ENABLE] = { "SET_VRING_ENABLE", vu_set_vring_enable,
		VU_STATE, 0, 0 },
	[VHOST_USER_SEND_RARP] = { "SEND_RARP", vu_send_rarp, VU_U64, 0, 0 },
	[VHOST_USER_NET_SET_MTU] = { "NET_SET_MTU", vu_net_set_mtu, VU_U64, 0, 0 },
	[VHOST_USER_GET_CONFIG] = { "GET_CONFIG", vu_get_config, VU_CONFIG, 0, 0 },
	[VHOST_USER_SET_CONFIG] = { "SET_CONFIG", vu_set_config, VU_CONFIG, 0, 0 },
	[VHOST_USER_GET_MAX_MEM_SLOTS] = { "GET_MAX_MEM_SLOTS", vu_get_max_mem_slots,
		0, 0, 0, 0 },
	[VHOST_USER_ADD_MEM_REG] = { "ADD_MEM_REG", vu_add_mem_reg, VU_REGION, 1, 1 },
	[VHOST_USER_REM_MEM_REG] = { "REM_MEM_REG", vu_rem_mem_reg, VU_REGION, 0, 1 },
};

#define VU_NREQUESTS	(sizeof(vu_requests) / sizeof(vu_requests[0]))

const char *vu_dev_request_name(uint32_t request)
{
	if (request < VU_NREQUESTS && vu_requests[request].name)
		return vu_requests[request].name;
	return "UNKNOWN";
}

void vu_msg_close_fds(struct vu_msg *msg)
{
	int i, n = msg->nfds;

	if (n > VHOST_USER_MAX_FDS)
		n = VHOST_USER_MAX_FDS;
	for (i = 0; i < n; i++) {
		if (msg->fds[i] >= 0)
			close(msg->fds[i]);
		msg->fds[i] = -1;
	}
	msg->nfds = 0;
}

/* Checks that need nothing but the header and the table. */
static int vu_msg_check(struct vu_dev *dev, const struct vu_msg *msg,
			const struct vu_request_desc **rdp)
{
	const struct vu_request_desc *rd;
	const char *name = vu_dev_request_name(msg->request);

	if ((msg->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION)
		return vu_fail(dev, -EBADMSG, "%s: protocol version %u",
			       name, msg->flags & VHOST_USER_VERSION_MASK);
	if (msg->nfds < 0 || msg->nfds > VHOST_USER_MAX_FDS)
		return vu_fail(dev, -EBADMSG, "%s: %d fds", name, msg->nfds);
	if (msg->size > VHOST_USER_MAX_PAYLOAD)
		return vu_fail(dev, -EMSGSIZE, "%s: payload of %u bytes", name, msg->size);
	if (msg->request >= VU_NREQUESTS || !vu_requests[msg->request].handler)
		return vu_fail(dev, -EOPNOTSUPP, "unknown request %u", msg->request);

	rd = &vu_requests[msg->request];
	if (msg->size < rd->min_size || msg->size > rd->max_size) {
		if (rd->min_size == rd->max_size)
			return vu_fail(dev, -EBADMSG, "%s: payload of %u bytes, expected %u",
				       name, msg->size, rd->min_size);
		return vu_fail(dev, -EBADMSG, "%s: payload of %u bytes, expected %u..%u",
			       name, msg->size, rd->min_size, rd->max_size);
	}
	if (msg->nfds < rd->min_fds || msg->nfds > rd->max_fds)
		return vu_fail(dev, -EBADMSG, "%s: %d fds, expected %d..%d",
			       name, msg->nfds, rd->min_fds, rd->max_fds);
	*rdp = rd;
	return 0;
}

/*
 * See vhost_user.h. In addition: when the request fails (negative return)
 * and the front-end asked for an acknowledgement, @reply holds a non-zero
 * ack (reply->request != 0) that vu_dev_handle() sends before disconnecting.
 */
int vu_dev_process(struct vu_dev *dev, struct vu_msg *msg, struct vu_msg *reply)
{
	const struct vu_request_desc *rd = NULL;
	bool need_reply = msg->flags & VHOST_USER_NEED_REPLY_MASK;
	int ret;

	reply->request = 0;
	reply->flags = 0;
	reply->size = 0;
	reply->nfds = 0;
	dev->err[0] = '\0';

	ret = vu_msg_check(dev, msg, &rd);
	if (!ret)
		ret = rd->handler(dev, msg, reply);
	vu_msg_close_fds(msg);

	if (ret == VU_REPLY)
		return 1;
	/* An unknown request gets no ack: we cannot know it has no reply of its own. */
	if (need_reply && rd && vu_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_REPLY_ACK)) {
		vu_reply_u64(msg, reply, ret == VU_DONE ? 0 : 1);
		return ret < 0 ? ret : 1;
	}
	return ret < 0 ? ret : 0;
}
