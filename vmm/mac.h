/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mac.h - guest NIC MAC addresses: parsing, formatting, stable generation. */
#ifndef VMM_MAC_H
#define VMM_MAC_H

#include <stdint.h>

#include "ether.h"	/* mac_parse(), mac_format(), MAC_TEXT_SIZE */

/**
 * mac_parse_nic() - parse a NIC's address "xx:xx:xx:xx:xx:xx"
 * @text:	the address
 * @mac:	set on success
 *
 * Return: 0, or -EINVAL for malformed text, a multicast address or all zeros
 * (a NIC needs a unicast address).
 */
int mac_parse_nic(const char *text, uint8_t mac[6]);

/**
 * mac_for_nic() - the generated address of NIC @nic_id of VM @vm_name
 * @vm_name:	VM name
 * @nic_id:	the NIC's stable index within the VM
 * @attempt:	0 first; callers that find the address taken retry with 1, 2...
 * @mac:	set to 52:54:00 (QEMU's prefix, as libvirt uses) plus 24 bits
 *		of an FNV-1a hash of the three inputs
 *
 * The same inputs always give the same address, so a VM keeps its MACs (and
 * with them its DHCP leases) across restarts.
 */
void mac_for_nic(const char *vm_name, int nic_id, unsigned int attempt, uint8_t mac[6]);

#endif /* VMM_MAC_H */
