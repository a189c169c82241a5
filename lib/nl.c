/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nl.c - rtnetlink link requests on libmnl, each acknowledged under its own sequence number. */

#define _GNU_SOURCE	/* setns() */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/neighbour.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "log.h"
#include "names.h"
#include "nl.h"

/* Large enough for any single RTM_NEWLINK reply, including VF and stats blocks. */
#define NL_BUF_SIZE		32768
#define NL_REPLY_TIMEOUT_SEC	10
#define NETNS_RUN_DIR		"/run/netns"

struct nl_sock {
	struct mnl_socket *sock;
	unsigned int portid;
	uint32_t seq;
	char buf[NL_BUF_SIZE];
};

/* Called with each non-error reply to our request; return 0 or negative errno. */
typedef int (*nl_reply_fn)(const struct nlmsghdr *nlh, void *data);

/**
 * nl_open() - open an rtnetlink socket in the caller's network namespace
 *
 * Return: the socket, or NULL with errno set.
 */
struct nl_sock *nl_open(void)
{
	struct timeval tv = { .tv_sec = NL_REPLY_TIMEOUT_SEC };
	struct nl_sock *nl;
	int one = 1, err;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return NULL;
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		goto err_free;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err_close;
	/*
	 * Short acks (no copy of our request) and extended error messages are
	 * conveniences: old kernels without them still work.
	 */
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	/* The kernel always answers; the timeout only guards against a bug. */
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return nl;

err_close:
	err = errno;
	mnl_socket_close(nl->sock);
	errno = err;
err_free:
	err = errno;
	free(nl);
	errno = err;
	return NULL;
}

/**
 * nl_open_netns() - open an rtnetlink socket inside another namespace
 * @netns_fd:	fd of the target namespace (e.g. open("/run/netns/NS"))
 *
 * Switches the calling thread into the namespace, creates the socket and
 * switches back; the socket keeps talking to the target namespace. If the
 * thread cannot return to its own namespace, the process aborts: carrying on
 * would configure the wrong namespace.
 * Return: the socket, or NULL with errno set.
 */
struct nl_sock *nl_open_netns(int netns_fd)
{
	struct nl_sock *nl;
	int self, err;

	if (netns_fd < 0) {
		errno = EBADF;
		return NULL;
	}
	/* setns() moves only this thread, so remember this thread's namespace. */
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return NULL;
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		err = errno;
		close(self);
		errno = err;
		return NULL;
	}
	nl = nl_open();
	err = errno;
	if (setns(self, CLONE_NEWNET) < 0) {
		log_err("cannot return to the original network namespace: %s", strerror(errno));
		abort();
	}
	close(self);
	errno = err;
	return nl;
}

/**
 * nl_close() - close the socket
 * @nl:	the socket, or NULL
 */
void nl_close(struct nl_sock *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sock);
	free(nl);
}

/* Read the error code of an NLMSG_ERROR message after checking its size. */
static int nl_parse_error(const struct nlmsghdr *nlh)
{
	struct nlmsgerr err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return -EPROTO;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err.error > 0 || err.error < -4095)
		return -EPROTO;
	return err.error;
}

/*
 * Send @nlh with NLM_F_ACK and a fresh sequence number, pass replies to @cb,
 * and return when the acknowledgement for this very request arrives.
 * Messages with other sequence numbers (late answers to an earlier request
 * that timed out) are skipped.
 */
static int nl_request(struct nl_sock *nl, struct nlmsghdr *nlh, nl_reply_fn cb, void *data)
{
	uint32_t seq;
	int cb_rc = 0;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	seq = ++nl->seq;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		const struct nlmsghdr *msg;
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		left = (int)n;
		for (msg = (const struct nlmsghdr *)nl->buf; mnl_nlmsg_ok(msg, left);
		     msg = mnl_nlmsg_next(msg, &left)) {
			if (msg->nlmsg_seq != seq ||
			    (msg->nlmsg_pid && msg->nlmsg_pid != nl->portid))
				continue;
			if (msg->nlmsg_type == NLMSG_ERROR) {
				int rc = nl_parse_error(msg);

				return rc ? rc : cb_rc;
			}
			if (msg->nlmsg_type == NLMSG_DONE || msg->nlmsg_type == NLMSG_NOOP)
				continue;
			/* Keep the first failure, but still wait for the ack. */
			if (cb && !cb_rc)
				cb_rc = cb(msg, data);
		}
	}
}

static struct nlmsghdr *nl_link_msg(struct nl_sock *nl, uint16_t type, int ifindex,
				    struct ifinfomsg **ifi_out)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (ifi_out)
		*ifi_out = ifi;
	return nlh;
}

struct nl_link_lookup {
	const char *ifname;
	int ifindex;
};

static int nl_link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;	/* newer attribute: not ours to judge */
	if (type == IFLA_IFNAME && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int nl_link_index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct nl_link_lookup *lookup = data;
	struct ifinfomsg ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(ifi))
		return -EPROTO;
	memcpy(&ifi, mnl_nlmsg_get_payload(nlh), sizeof(ifi));
	if (mnl_attr_parse(nlh, sizeof(ifi), nl_link_attr_cb, tb) < 0)
		return -EPROTO;
	/* The reply must be about the link we asked for. */
	if (!tb[IFLA_IFNAME] || strcmp(mnl_attr_get_str(tb[IFLA_IFNAME]), lookup->ifname))
		return -EPROTO;
	if (ifi.ifi_index <= 0)
		return -EPROTO;
	lookup->ifindex = ifi.ifi_index;
	return 0;
}

/**
 * nl_link_index() - ifindex of @ifname in @nl's namespace
 * @nl:		socket
 * @ifname:	interface name
 *
 * Return: ifindex (> 0), -EINVAL for an invalid name, -ENODEV if there is no
 * such link, or another negative errno.
 */
int nl_link_index(struct nl_sock *nl, const char *ifname)
{
	struct nl_link_lookup lookup = { .ifname = ifname };
	struct nlmsghdr *nlh;
	int rc;

	if (!nl || !name_ifname_valid(ifname))
		return -EINVAL;
	nlh = nl_link_msg(nl, RTM_GETLINK, 0, NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	rc = nl_request(nl, nlh, nl_link_index_cb, &lookup);
	if (rc)
		return rc;
	return lookup.ifindex > 0 ? lookup.ifindex : -EPROTO;
}

/**
 * nl_link_set_up() - set IFF_UP on or off
 * @nl:		socket
 * @ifindex:	link
 * @up:		true for up
 *
 * Return: 0 or negative errno.
 */
int nl_link_set_up(struct nl_sock *nl, int ifindex, bool up)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (!nl || ifindex <= 0)
		return -EINVAL;
	nlh = nl_link_msg(nl, RTM_SETLINK, ifindex, &ifi);
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_link_set_mtu() - set the MTU of a link
 * @nl:		socket
 * @ifindex:	link
 * @mtu:	new MTU in bytes (the kernel checks the device's range)
 *
 * Return: 0 or negative errno.
 */
int nl_link_set_mtu(struct nl_sock *nl, int ifindex, unsigned int mtu)
{
	struct nlmsghdr *nlh;

	if (!nl || ifindex <= 0 || !mtu)
		return -EINVAL;
	nlh = nl_link_msg(nl, RTM_SETLINK, ifindex, NULL);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_link_set_netns() - move a link into the namespace @netns_fd
 * @nl:		socket in the link's current namespace
 * @ifindex:	link
 * @netns_fd:	target namespace
 *
 * Return: 0 or negative errno.
 */
int nl_link_set_netns(struct nl_sock *nl, int ifindex, int netns_fd)
{
	struct nlmsghdr *nlh;

	if (!nl || ifindex <= 0 || netns_fd < 0)
		return -EINVAL;
	nlh = nl_link_msg(nl, RTM_SETLINK, ifindex, NULL);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_link_set_name() - rename a (down) link
 * @nl:		socket
 * @ifindex:	link
 * @name:	new name, shorter than IFNAMSIZ, without '/', ':' or whitespace
 *
 * Return: 0, -EINVAL for a bad name, or another negative errno (-EBUSY if the
 * link is up, -EEXIST if the name is taken).
 */
int nl_link_set_name(struct nl_sock *nl, int ifindex, const char *name)
{
	struct nlmsghdr *nlh;

	if (!nl || ifindex <= 0 || !name_ifname_valid(name))
		return -EINVAL;
	nlh = nl_link_msg(nl, RTM_SETLINK, ifindex, NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_link_del() - delete a link
 * @nl:		socket
 * @ifindex:	link
 *
 * Return: 0 or negative errno (-ENODEV if gone).
 */
int nl_link_del(struct nl_sock *nl, int ifindex)
{
	struct nlmsghdr *nlh;

	if (!nl || ifindex <= 0)
		return -EINVAL;
	nlh = nl_link_msg(nl, RTM_DELLINK, ifindex, NULL);
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_link_set_mac() - set the link's Ethernet address
 * @nl:		socket
 * @ifindex:	link
 * @mac:	six bytes
 *
 * Return: 0 or negative errno.
 */
int nl_link_set_mac(struct nl_sock *nl, int ifindex, const uint8_t mac[6])
{
	struct nlmsghdr *nlh;

	if (!nl || ifindex <= 0 || !mac)
		return -EINVAL;
	nlh = nl_link_msg(nl, RTM_SETLINK, ifindex, NULL);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_link_set_master() - enslave a link to a bridge, or release it
 * @nl:			socket
 * @ifindex:		link
 * @master_ifindex:	the bridge, or 0 to release the link from its master
 *
 * Return: 0 or negative errno.
 */
int nl_link_set_master(struct nl_sock *nl, int ifindex, int master_ifindex)
{
	struct nlmsghdr *nlh;

	if (!nl || ifindex <= 0 || master_ifindex < 0)
		return -EINVAL;
	nlh = nl_link_msg(nl, RTM_SETLINK, ifindex, NULL);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master_ifindex);
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_link_set_alias() - set the link's ifalias
 * @nl:		socket
 * @ifindex:	link
 * @alias:	up to 63 characters; "" clears it
 *
 * Return: 0 or negative errno.
 */
int nl_link_set_alias(struct nl_sock *nl, int ifindex, const char *alias)
{
	struct nlmsghdr *nlh;

	if (!nl || ifindex <= 0 || !alias || strlen(alias) >= 64)
		return -EINVAL;
	nlh = nl_link_msg(nl, RTM_SETLINK, ifindex, NULL);
	mnl_attr_put(nlh, IFLA_IFALIAS, strlen(alias), alias);
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_bridge_create() - create a Linux bridge, left down
 * @nl:		socket
 * @name:	interface name
 *
 * Return: 0, -EEXIST if a link of that name exists, or negative errno.
 */
int nl_bridge_create(struct nl_sock *nl, const char *name)
{
	struct nlattr *linkinfo;
	struct nlmsghdr *nlh;

	if (!nl || !name_ifname_valid(name))
		return -EINVAL;
	nlh = nl_link_msg(nl, RTM_NEWLINK, 0, NULL);
	nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, linkinfo);
	return nl_request(nl, nlh, NULL, NULL);
}

static int nl_linkinfo_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFLA_INFO_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int nl_link_get_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct nl_link_info *info = data;
	struct ifinfomsg ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(ifi))
		return -EPROTO;
	memcpy(&ifi, mnl_nlmsg_get_payload(nlh), sizeof(ifi));
	if (mnl_attr_parse(nlh, sizeof(ifi), nl_link_attr_cb, tb) < 0 || ifi.ifi_index <= 0)
		return -EPROTO;
	info->ifindex = ifi.ifi_index;
	info->up = ifi.ifi_flags & IFF_UP;
	info->carrier = ifi.ifi_flags & (1u << 16);	/* IFF_LOWER_UP (linux/if.h clashes with net/if.h) */
	if (tb[IFLA_IFNAME])
		snprintf(info->name, sizeof(info->name), "%.*s",
			 (int)strnlen(mnl_attr_get_payload(tb[IFLA_IFNAME]),
				      mnl_attr_get_payload_len(tb[IFLA_IFNAME])),
			 (const char *)mnl_attr_get_payload(tb[IFLA_IFNAME]));
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(info->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
		info->has_mac = true;
	}
	if (tb[IFLA_MASTER] && mnl_attr_get_payload_len(tb[IFLA_MASTER]) >= 4)
		info->master = (int)mnl_attr_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_IFALIAS])
		snprintf(info->alias, sizeof(info->alias), "%.*s",
			 (int)strnlen(mnl_attr_get_payload(tb[IFLA_IFALIAS]),
				      mnl_attr_get_payload_len(tb[IFLA_IFALIAS])),
			 (const char *)mnl_attr_get_payload(tb[IFLA_IFALIAS]));
	if (tb[IFLA_LINKINFO]) {
		const struct nlattr *li[IFLA_INFO_MAX + 1] = { 0 };

		if (mnl_attr_parse_nested(tb[IFLA_LINKINFO], nl_linkinfo_attr_cb, li) >= 0 &&
		    li[IFLA_INFO_KIND] && mnl_attr_validate(li[IFLA_INFO_KIND], MNL_TYPE_STRING) == 0)
			snprintf(info->kind, sizeof(info->kind), "%.*s",
				 (int)strnlen(mnl_attr_get_payload(li[IFLA_INFO_KIND]),
					      mnl_attr_get_payload_len(li[IFLA_INFO_KIND])),
				 (const char *)mnl_attr_get_payload(li[IFLA_INFO_KIND]));
	}
	return 0;
}

/**
 * nl_link_get() - look a link up by name
 * @nl:		socket
 * @ifname:	interface name
 * @info:	filled on success
 *
 * Return: 0, -ENODEV if there is no such link, or another negative errno.
 */
int nl_link_get(struct nl_sock *nl, const char *ifname, struct nl_link_info *info)
{
	struct nlmsghdr *nlh;
	int rc;

	if (!nl || !info || !name_ifname_valid(ifname))
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	nlh = nl_link_msg(nl, RTM_GETLINK, 0, NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	rc = nl_request(nl, nlh, nl_link_get_cb, info);
	if (rc)
		return rc;
	return info->ifindex > 0 ? 0 : -EPROTO;
}

static int nl_dump(struct nl_sock *nl, struct nlmsghdr *nlh, nl_reply_fn cb, void *data);

struct nl_link_walk {
	int (*fn)(const struct nl_link_info *info, void *opaque);
	void *opaque;
};

static int nl_link_walk_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_link_walk *walk = data;
	struct nl_link_info info;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	memset(&info, 0, sizeof(info));
	if (nl_link_get_cb(nlh, &info))
		return 0;	/* a malformed entry is skipped, not fatal to the walk */
	return walk->fn(&info, walk->opaque);
}

int nl_link_foreach(struct nl_sock *nl, int (*fn)(const struct nl_link_info *info, void *opaque),
		    void *opaque)
{
	struct nl_link_walk walk = { .fn = fn, .opaque = opaque };
	struct nlmsghdr *nlh;

	if (!nl || !fn)
		return -EINVAL;
	nlh = nl_link_msg(nl, RTM_GETLINK, 0, NULL);
	nlh->nlmsg_flags |= NLM_F_DUMP;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_dump(nl, nlh, nl_link_walk_cb, &walk);
}

static int nl_addr_msg(struct nl_sock *nl, uint16_t type, int ifindex, struct in_addr addr,
		       uint8_t prefix_len)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	if (!nl || ifindex <= 0 || prefix_len > 32)
		return -EINVAL;
	nlh = mnl_nlmsg_put_header(nl->buf);
	nlh->nlmsg_type = type;
	if (type == RTM_NEWADDR)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = prefix_len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(addr), &addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(addr), &addr);
	if (type == RTM_NEWADDR && prefix_len < 31) {
		struct in_addr bcast = {
			addr.s_addr | htonl(prefix_len ? ~(~0u << (32 - prefix_len)) : ~0u)
		};

		mnl_attr_put(nlh, IFA_BROADCAST, sizeof(bcast), &bcast);
	}
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_addr_add() - add an IPv4 address to a link (replacing an equal one)
 * @nl:		socket
 * @ifindex:	link
 * @addr:	address, network byte order
 * @prefix_len:	0..32; the kernel adds the subnet route
 *
 * Return: 0 or negative errno.
 */
int nl_addr_add(struct nl_sock *nl, int ifindex, struct in_addr addr, uint8_t prefix_len)
{
	return nl_addr_msg(nl, RTM_NEWADDR, ifindex, addr, prefix_len);
}

/**
 * nl_addr_del() - remove an IPv4 address from a link
 * @nl:		socket
 * @ifindex:	link
 * @addr:	address, network byte order
 * @prefix_len:	as it was added
 *
 * Return: 0 or negative errno (-EADDRNOTAVAIL if it is not there).
 */
int nl_addr_del(struct nl_sock *nl, int ifindex, struct in_addr addr, uint8_t prefix_len)
{
	return nl_addr_msg(nl, RTM_DELADDR, ifindex, addr, prefix_len);
}

/*
 * Send a dump request and pass each answer to @cb until the end of the
 * dump. Answers to other requests are skipped, as in nl_request().
 */
static int nl_dump(struct nl_sock *nl, struct nlmsghdr *nlh, nl_reply_fn cb, void *data)
{
	uint32_t seq;
	int cb_rc = 0;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
	seq = ++nl->seq;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		const struct nlmsghdr *msg;
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		left = (int)n;
		for (msg = (const struct nlmsghdr *)nl->buf; mnl_nlmsg_ok(msg, left);
		     msg = mnl_nlmsg_next(msg, &left)) {
			if (msg->nlmsg_seq != seq ||
			    (msg->nlmsg_pid && msg->nlmsg_pid != nl->portid))
				continue;
			if (msg->nlmsg_type == NLMSG_DONE)
				return cb_rc;
			if (msg->nlmsg_type == NLMSG_ERROR) {
				int rc = nl_parse_error(msg);

				return rc ? rc : cb_rc;
			}
			if (cb && !cb_rc)
				cb_rc = cb(msg, data);
		}
	}
}

struct nl_addr_count_ctx {
	int ifindex;
	int count;
};

static int nl_addr_count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_addr_count_ctx *ctx = data;
	struct ifaddrmsg ifa;

	if (nlh->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(nlh) < sizeof(ifa))
		return 0;
	memcpy(&ifa, mnl_nlmsg_get_payload(nlh), sizeof(ifa));
	if (ifa.ifa_family == AF_INET && (int)ifa.ifa_index == ctx->ifindex)
		ctx->count++;
	return 0;
}

/**
 * nl_addr_count() - number of IPv4 addresses on a link
 * @nl:		socket
 * @ifindex:	link
 *
 * Return: count, or negative errno.
 */
int nl_addr_count(struct nl_sock *nl, int ifindex)
{
	struct nl_addr_count_ctx ctx = { .ifindex = ifindex };
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int rc;

	if (!nl || ifindex <= 0)
		return -EINVAL;
	nlh = mnl_nlmsg_put_header(nl->buf);
	nlh->nlmsg_type = RTM_GETADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	rc = nl_dump(nl, nlh, nl_addr_count_cb, &ctx);
	return rc ? rc : ctx.count;
}

struct nl_route_ctx {
	uint32_t subnet, mask;	/* host byte order */
	int skip_ifindex;
	bool found;
	char *desc;
	size_t desc_size;
};

static int nl_route_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, RTA_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int nl_route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	struct nl_route_ctx *ctx = data;
	uint32_t table, dst = 0, mask, oif = 0;
	char ifname[IF_NAMESIZE] = "?", text[INET_ADDRSTRLEN];
	struct rtmsg rtm;
	struct in_addr a;

	if (ctx->found || nlh->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(nlh) < sizeof(rtm))
		return 0;
	memcpy(&rtm, mnl_nlmsg_get_payload(nlh), sizeof(rtm));
	if (rtm.rtm_family != AF_INET || rtm.rtm_dst_len == 0 || rtm.rtm_dst_len > 32 ||
	    (rtm.rtm_type != RTN_UNICAST && rtm.rtm_type != RTN_BLACKHOLE &&
	     rtm.rtm_type != RTN_UNREACHABLE && rtm.rtm_type != RTN_PROHIBIT))
		return 0;
	if (mnl_attr_parse(nlh, sizeof(rtm), nl_route_attr_cb, tb) < 0)
		return 0;
	table = tb[RTA_TABLE] && mnl_attr_get_payload_len(tb[RTA_TABLE]) >= 4 ?
		mnl_attr_get_u32(tb[RTA_TABLE]) : rtm.rtm_table;
	if (table != RT_TABLE_MAIN)
		return 0;
	if (tb[RTA_DST] && mnl_attr_get_payload_len(tb[RTA_DST]) >= 4)
		memcpy(&dst, mnl_attr_get_payload(tb[RTA_DST]), 4);
	if (tb[RTA_OIF] && mnl_attr_get_payload_len(tb[RTA_OIF]) >= 4)
		oif = mnl_attr_get_u32(tb[RTA_OIF]);
	if (ctx->skip_ifindex && (int)oif == ctx->skip_ifindex)
		return 0;
	mask = ~0u << (32 - rtm.rtm_dst_len);
	if (mask > ctx->mask)	/* use the shorter prefix of the two */
		mask = ctx->mask;
	if ((ntohl(dst) & mask) != (ctx->subnet & mask))
		return 0;
	ctx->found = true;
	if (oif)
		if_indextoname(oif, ifname);
	a.s_addr = dst;
	inet_ntop(AF_INET, &a, text, sizeof(text));
	snprintf(ctx->desc, ctx->desc_size, "%s/%u dev %s", text, rtm.rtm_dst_len, ifname);
	return 0;
}

/**
 * nl_route_overlap() - find a main-table IPv4 route overlapping a subnet
 * @nl:			socket
 * @subnet:		network address, network byte order
 * @prefix_len:		1..32
 * @skip_ifindex:	ignore routes through this link (0: none)
 * @desc:		set to "DST/LEN dev IFNAME" of the first overlap
 * @desc_size:		size of @desc
 *
 * Return: 1 found, 0 none, or negative errno.
 */
int nl_route_overlap(struct nl_sock *nl, struct in_addr subnet, uint8_t prefix_len,
		     int skip_ifindex, char *desc, size_t desc_size)
{
	struct nl_route_ctx ctx = {
		.subnet = ntohl(subnet.s_addr), .skip_ifindex = skip_ifindex,
		.desc = desc, .desc_size = desc_size,
	};
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int rc;

	if (!nl || prefix_len == 0 || prefix_len > 32 || !desc || !desc_size)
		return -EINVAL;
	ctx.mask = ~0u << (32 - prefix_len);
	desc[0] = '\0';
	nlh = mnl_nlmsg_put_header(nl->buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rc = nl_dump(nl, nlh, nl_route_cb, &ctx);
	if (rc)
		return rc;
	return ctx.found ? 1 : 0;
}

struct nl_neigh_ctx {
	int ifindex;
	uint8_t mac[6];
	bool found;
	struct in_addr addr;
};

static int nl_neigh_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, NDA_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int nl_neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NDA_MAX + 1] = { 0 };
	struct nl_neigh_ctx *ctx = data;
	struct ndmsg ndm;

	if (ctx->found || nlh->nlmsg_type != RTM_NEWNEIGH || mnl_nlmsg_get_payload_len(nlh) < sizeof(ndm))
		return 0;
	memcpy(&ndm, mnl_nlmsg_get_payload(nlh), sizeof(ndm));
	if (ndm.ndm_family != AF_INET || ndm.ndm_ifindex != ctx->ifindex ||
	    (ndm.ndm_state & (NUD_FAILED | NUD_INCOMPLETE | NUD_NOARP)))
		return 0;
	if (mnl_attr_parse(nlh, sizeof(ndm), nl_neigh_attr_cb, tb) < 0 || !tb[NDA_DST] ||
	    !tb[NDA_LLADDR] || mnl_attr_get_payload_len(tb[NDA_DST]) != 4 ||
	    mnl_attr_get_payload_len(tb[NDA_LLADDR]) != 6)
		return 0;
	if (memcmp(mnl_attr_get_payload(tb[NDA_LLADDR]), ctx->mac, 6))
		return 0;
	memcpy(&ctx->addr, mnl_attr_get_payload(tb[NDA_DST]), 4);
	ctx->found = true;
	return 0;
}

/**
 * nl_neigh_find_ip() - the IPv4 neighbour on a link with a given MAC
 * @nl:		socket
 * @ifindex:	link
 * @mac:	the neighbour's Ethernet address
 * @addr:	set on success
 *
 * Return: 0, -ENOENT if the table has no such entry, or negative errno.
 */
int nl_neigh_find_ip(struct nl_sock *nl, int ifindex, const uint8_t mac[6], struct in_addr *addr)
{
	struct nl_neigh_ctx ctx = { .ifindex = ifindex };
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	int rc;

	if (!nl || ifindex <= 0 || !mac || !addr)
		return -EINVAL;
	memcpy(ctx.mac, mac, 6);
	nlh = mnl_nlmsg_put_header(nl->buf);
	nlh->nlmsg_type = RTM_GETNEIGH;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	rc = nl_dump(nl, nlh, nl_neigh_cb, &ctx);
	if (rc)
		return rc;
	if (!ctx.found)
		return -ENOENT;
	*addr = ctx.addr;
	return 0;
}

/**
 * netns_open() - open a named namespace as `ip netns` creates them
 * @name:	name under /run/netns; must be a plain file name
 *
 * Return: fd (O_RDONLY|O_CLOEXEC) or negative errno (-EINVAL for a bad name).
 */
int netns_open(const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + NAME_MAX + 1];
	size_t size;
	int fd;

	if (!name)
		return -EINVAL;
	size = strnlen(name, NAME_MAX);
	if (!size || size >= NAME_MAX || strchr(name, '/') ||
	    !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fd;
}
