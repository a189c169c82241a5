// SPDX-License-Identifier: GPL-2.0-or-later
/* mac.c - guest NIC MAC addresses: parsing, formatting, stable generation. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "mac.h"

static int hex_value(char c)
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
	uint8_t bytes[6];
	int i, hi, lo;

	if (!text || strlen(text) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		hi = hex_value(text[i * 3]);
		lo = hex_value(text[i * 3 + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && text[i * 3 + 2] != ':'))
			return -EINVAL;
		bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	if (bytes[0] & 1)
		return -EINVAL;
	if (!(bytes[0] | bytes[1] | bytes[2] | bytes[3] | bytes[4] | bytes[5]))
		return -EINVAL;
	memcpy(mac, bytes, 6);
	return 0;
}

void mac_format(const uint8_t mac[6], char out[MAC_STR_SIZE])
{
	fmt(out, MAC_STR_SIZE, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static uint32_t fnv1a(uint32_t hash, const void *data, size_t size)
{
	const uint8_t *p = data;

	while (size--) {
		hash ^= *p++;
		hash *= 16777619u;
	}
	return hash;
}

void mac_for_nic(const char *vm_name, int nic_id, unsigned int attempt, uint8_t mac[6])
{
	char suffix[32];
	uint32_t hash = 2166136261u;

	hash = fnv1a(hash, vm_name, strlen(vm_name));
	fmt(suffix, sizeof(suffix), "/%d/%u", nic_id, attempt);
	hash = fnv1a(hash, suffix, strlen(suffix));
	/* Fold the top byte in so all 32 bits count. */
	hash ^= hash >> 24;
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = (uint8_t)(hash >> 16);
	mac[4] = (uint8_t)(hash >> 8);
	mac[5] = (uint8_t)hash;
}
