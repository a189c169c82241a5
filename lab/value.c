/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * value.c - the forms of values a lab file and netctl's command line share:
 * addresses, prefixes, MACs, forwarded ports and targets, counts.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ether.h"
#include "value.h"

/**
 * value_unicast_mac_valid() - check a MAC a port may use
 * @text:	the address as typed
 *
 * Return: true unless malformed, multicast (including broadcast) or all zeros.
 */
bool value_unicast_mac_valid(const char *text)
{
	uint8_t mac[6];

	return mac_parse(text, mac) == 0 && mac_is_unicast(mac);
}

/**
 * value_ip_valid() - check an IPv4 or IPv6 address
 * @text:	the address, dotted quad or RFC 4291 text form
 *
 * Return: true if valid.
 */
bool value_ip_valid(const char *text)
{
	struct in6_addr addr6;
	struct in_addr addr4;

	return inet_pton(AF_INET, text, &addr4) == 1 ||
	       inet_pton(AF_INET6, text, &addr6) == 1;
}

/**
 * value_cidr_valid() - check ADDRESS/PREFIX
 * @text:	e.g. "10.0.0.0/24" or "fd00::/64"
 *
 * Return: true if the address parses and the prefix fits its family.
 */
bool value_cidr_valid(const char *text)
{
	char address[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	struct in6_addr addr6;
	struct in_addr addr4;
	uint32_t prefix;
	size_t length;

	if (!slash)
		return false;
	length = (size_t)(slash - text);
	if (length == 0 || length >= sizeof(address))
		return false;
	memcpy(address, text, length);
	address[length] = '\0';
	if (inet_pton(AF_INET, address, &addr4) == 1)
		return value_parse_count(slash + 1, 0, 32, &prefix) == 0;
	if (inet_pton(AF_INET6, address, &addr6) == 1)
		return value_parse_count(slash + 1, 0, 128, &prefix) == 0;
	return false;
}

/* A port 1-65535 spanning @len characters of @text. */
static bool port_text_valid(const char *text, size_t len)
{
	char buf[8];
	uint32_t value;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return value_parse_count(buf, 1, 65535, &value) == 0;
}

static bool ipv4_text_valid(const char *text, size_t len)
{
	struct in_addr addr;
	char buf[INET_ADDRSTRLEN];

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, &addr) == 1;
}

/**
 * value_host_port_valid() - check "[ADDR:]PORT[-PORT]"
 * @text:	as typed
 *
 * Return: true for an optional IPv4 address and a port or an ascending range.
 */
bool value_host_port_valid(const char *text)
{
	const char *colon = strrchr(text, ':');
	const char *ports = colon ? colon + 1 : text;
	const char *dash = strchr(ports, '-');
	uint32_t first, last;
	char buf[8];

	if (colon && !ipv4_text_valid(text, (size_t)(colon - text)))
		return false;
	if (!dash)
		return port_text_valid(ports, strlen(ports));
	if (!port_text_valid(ports, (size_t)(dash - ports)) || !port_text_valid(dash + 1, strlen(dash + 1)))
		return false;
	snprintf(buf, sizeof(buf), "%.*s", (int)(dash - ports), ports);
	value_parse_count(buf, 1, 65535, &first);
	value_parse_count(dash + 1, 1, 65535, &last);
	return first <= last;
}

/**
 * value_target_valid() - check "TARGET[:PORT]"
 * @text:	as typed
 *
 * Return: true for an IPv4 address or a name of [A-Za-z0-9_.-] (1-63
 * characters), optionally followed by ":PORT".
 */
bool value_target_valid(const char *text)
{
	const char *colon = strrchr(text, ':');
	size_t len = colon ? (size_t)(colon - text) : strlen(text);

	if (colon && !port_text_valid(colon + 1, strlen(colon + 1)))
		return false;
	if (len == 0 || len > 63)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (!(isascii(c) && isalnum(c)) && c != '_' && c != '.' && c != '-')
			return false;
	}
	return true;
}

/**
 * value_parse_count() - parse a whole decimal number within a range
 * @text:	digits only
 * @min:	smallest accepted value
 * @max:	largest accepted value
 * @value:	set on success
 *
 * Return: 0, -EINVAL if @text is not a plain number, -ERANGE if out of range.
 */
int value_parse_count(const char *text, uint32_t min, uint32_t max, uint32_t *value)
{
	uint64_t number = 0;

	if (!*text)
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		number = number * 10 + (uint64_t)(*p - '0');
		if (number > UINT32_MAX) {
			/* Keep scanning so "99999999999x" is -EINVAL, not -ERANGE. */
			for (p++; *p; p++)
				if (*p < '0' || *p > '9')
					return -EINVAL;
			return -ERANGE;
		}
	}
	if (number < min || number > max)
		return -ERANGE;
	*value = (uint32_t)number;
	return 0;
}

/**
 * value_ipv4_range_valid() - check "FIRST-LAST", two IPv4 addresses
 * @text:	as typed
 *
 * Return: true if both ends are IPv4 addresses.
 */
bool value_ipv4_range_valid(const char *text)
{
	const char *dash = strchr(text, '-');

	return dash && ipv4_text_valid(text, (size_t)(dash - text)) &&
	       ipv4_text_valid(dash + 1, strlen(dash + 1));
}
