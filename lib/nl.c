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
#include <libmnl/libmnl.h>

#include "log.h"
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

/* Interface names as the kernel's dev_valid_name() accepts them. */
static bool nl_ifname_valid(const char *name)
{
	size_t size;

	if (!name)
		return false;
	size = strnlen(name, IFNAMSIZ);
	if (!size || size >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (; *name; name++)
		if (*name == '/' || *name == ':' || *name == ' ' ||
		    (unsigned char)*name < 0x21 || (unsigned char)*name == 0x7f)
			return false;
	return true;
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

	if (!nl || !nl_ifname_valid(ifname))
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

	if (!nl || ifindex <= 0 || !nl_ifname_valid(name))
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
