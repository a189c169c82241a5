// SPDX-License-Identifier: GPL-2.0-or-later
/* mac.c - guest NIC MAC addresses: parsing, formatting, stable generation. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "hash.h"
#include "mac.h"

int mac_parse_nic(const char *text, uint8_t mac[6])
{
	uint8_t bytes[6];

	if (mac_parse(text, bytes) || !mac_is_unicast(bytes))
		return -EINVAL;
	memcpy(mac, bytes, 6);
	return 0;
}

void mac_for_nic(const char *vm_name, int nic_id, unsigned int attempt, uint8_t mac[6])
{
	char suffix[32];
	uint32_t hash;

	fmt(suffix, sizeof(suffix), "/%d/%u", nic_id, attempt);
	hash = hash_fnv1a_add(hash_fnv1a_str(vm_name), suffix, strlen(suffix));
	/* Fold the top byte in so all 32 bits count. */
	hash ^= hash >> 24;
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = (uint8_t)(hash >> 16);
	mac[4] = (uint8_t)(hash >> 8);
	mac[5] = (uint8_t)hash;
}
