/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nl.h - rtnetlink helper on libmnl. Every request is sent with NLM_F_ACK and
 * we wait for the error message carrying our own sequence number.
 */
#ifndef LIB_NL_H
#define LIB_NL_H

#include <stdbool.h>

struct nl_sock;

/** nl_open() - open an rtnetlink socket in the caller's network namespace. */
struct nl_sock *nl_open(void);

/**
 * nl_open_netns() - open an rtnetlink socket inside another namespace
 * @netns_fd:	fd of the target namespace (e.g. open("/run/netns/NS"))
 *
 * Switches the calling thread into the namespace, creates the socket and
 * switches back; the socket keeps talking to the target namespace.
 * Return: the socket, or NULL with errno set.
 */
struct nl_sock *nl_open_netns(int netns_fd);

/** nl_close() - close the socket. Accepts NULL. */
void nl_close(struct nl_sock *nl);

/** nl_link_index() - ifindex of @ifname in @nl's namespace. Return: > 0 or negative errno. */
int nl_link_index(struct nl_sock *nl, const char *ifname);

/** nl_link_set_up() - set IFF_UP on or off. Return: 0 or negative errno. */
int nl_link_set_up(struct nl_sock *nl, int ifindex, bool up);

/** nl_link_set_mtu() - Return: 0 or negative errno. */
int nl_link_set_mtu(struct nl_sock *nl, int ifindex, unsigned int mtu);

/** nl_link_set_netns() - move a link into the namespace @netns_fd. Return: 0 or negative errno. */
int nl_link_set_netns(struct nl_sock *nl, int ifindex, int netns_fd);

/** nl_link_set_name() - rename a (down) link. Return: 0 or negative errno. */
int nl_link_set_name(struct nl_sock *nl, int ifindex, const char *name);

/** nl_link_del() - delete a link. Return: 0 or negative errno (-ENODEV if gone). */
int nl_link_del(struct nl_sock *nl, int ifindex);

/**
 * netns_open() - open a named namespace as `ip netns` creates them
 * @name:	name under /run/netns; must be a plain file name
 * Return: fd (O_RDONLY|O_CLOEXEC) or negative errno (-EINVAL for a bad name).
 */
int netns_open(const char *name);

#endif /* LIB_NL_H */
