/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * names.h - the naming rules every program checks the same way: names of
 * networks, ports, labs and nodes ("objects"), and Linux interface names.
 */
#ifndef LIB_NAMES_H
#define LIB_NAMES_H

#include <stdbool.h>

#define NAME_OBJECT_MAX	16	/* bytes with the NUL: names are 1..15 characters */

/* One line describing the object-name rule, for error messages. */
#define NAME_OBJECT_RULE "1-15 characters: letters, digits, '_', '.', '-', not starting with '.' or '-'"

/**
 * name_object_valid() - a network, port, lab or node name: 1 to 15 of
 * [A-Za-z0-9_.-], not starting with '.' or '-' (so never "." or "..", and
 * never taken for an option).
 */
bool name_object_valid(const char *name);

/**
 * name_ifname_valid() - an interface name the kernel accepts (its
 * dev_valid_name()): 1 to 15 bytes, not "." or "..", no '/', ':' or
 * whitespace. Other bytes, including those above 0x7e, are allowed, as
 * the kernel allows them.
 */
bool name_ifname_valid(const char *name);

/**
 * name_netns_valid() - a network namespace name as `ip netns` takes it: a
 * file name under /run/netns (1 to 255 bytes, no '/', not "." or "..").
 */
bool name_netns_valid(const char *name);

#endif /* LIB_NAMES_H */
