/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ether.h - Ethernet addresses as text: one strict parser and one formatter for every program. */
#ifndef LIB_ETHER_H
#define LIB_ETHER_H

#include <stdbool.h>
#include <stdint.h>

#define MAC_TEXT_SIZE	18	/* "xx:xx:xx:xx:xx:xx" and NUL */

/**
 * mac_parse() - parse exactly six colon-separated pairs of hex digits
 * @text:	e.g. "52:54:00:12:34:56" (either case; nothing before or after)
 * @mac:	set on success
 * Return: 0, or -EINVAL for anything else.
 */
int mac_parse(const char *text, uint8_t mac[6]);

/** mac_format() - lower-case "xx:xx:xx:xx:xx:xx" into @text (MAC_TEXT_SIZE bytes). */
void mac_format(const uint8_t mac[6], char text[MAC_TEXT_SIZE]);

/** mac_is_unicast() - not multicast/broadcast and not all zeros: usable as a NIC's address. */
bool mac_is_unicast(const uint8_t mac[6]);

#endif /* LIB_ETHER_H */
