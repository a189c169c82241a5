/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * value.h - checks of the value forms a lab file and netctl's command line
 * share (pure functions). They live here because the lab parser needs them
 * and lab/ does not reach into netctl/; lib/ is where they belong once
 * vswitchd wants them too.
 */
#ifndef LAB_VALUE_H
#define LAB_VALUE_H

#include <stdbool.h>
#include <stdint.h>

/** value_unicast_mac_valid() - a parsable MAC a NIC may use: not multicast, broadcast or all zeros */
bool value_unicast_mac_valid(const char *text);

/** value_ip_valid() - an IPv4 or IPv6 address */
bool value_ip_valid(const char *text);

/** value_cidr_valid() - ADDRESS/PREFIX, IPv4 (0-32) or IPv6 (0-128) */
bool value_cidr_valid(const char *text);

/** value_ipv4_range_valid() - "FIRST-LAST", two IPv4 addresses */
bool value_ipv4_range_valid(const char *text);

/** value_host_port_valid() - "[ADDR:]PORT[-PORT]": IPv4 ADDR, ports 1-65535 in order */
bool value_host_port_valid(const char *text);

/** value_target_valid() - "TARGET[:PORT]": TARGET an IPv4 address or a name of [A-Za-z0-9_.-] */
bool value_target_valid(const char *text);

/**
 * value_parse_count() - parse a whole decimal number in [@min, @max]
 * @text:	digits only: no sign, spaces or hex
 * @min:	smallest accepted value
 * @max:	largest accepted value
 * @value:	set on success
 * Return: 0, -EINVAL (not a number) or -ERANGE (out of range).
 */
int value_parse_count(const char *text, uint32_t min, uint32_t max, uint32_t *value);

#endif /* LAB_VALUE_H */
