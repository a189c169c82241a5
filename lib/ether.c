// SPDX-License-Identifier: GPL-2.0-or-later
/* ether.c - Ethernet addresses as text. */
#include <errno.h>
#include <stdio.h>

#include "ether.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_parse(const char *text, uint8_t mac[6])
{
	uint8_t out[6];
	int i;

	if (!text)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = hex_digit(text[3 * i]), lo = hi < 0 ? -1 : hex_digit(text[3 * i + 1]);
		char sep = lo < 0 ? '?' : text[3 * i + 2];

		if (hi < 0 || lo < 0 || sep != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	for (i = 0; i < 6; i++)
		mac[i] = out[i];
	return 0;
}

void mac_format(const uint8_t mac[6], char text[MAC_TEXT_SIZE])
{
	snprintf(text, MAC_TEXT_SIZE, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

bool mac_is_unicast(const uint8_t mac[6])
{
	return !(mac[0] & 1) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}
