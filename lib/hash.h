/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hash.h - the one small non-cryptographic hash every program uses for
 * stable derived values (interface names, MACs, tie-breaks): 32-bit FNV-1a.
 * Not for tables a peer can aim at; those use a seeded hash (vswitch/fdb.c).
 */
#ifndef LIB_HASH_H
#define LIB_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV1A_INIT	2166136261u

/** hash_fnv1a_add() - continue FNV-1a hash @h over @size bytes of @data. */
static inline uint32_t hash_fnv1a_add(uint32_t h, const void *data, size_t size)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < size; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

/** hash_fnv1a() - FNV-1a of @size bytes of @data. */
static inline uint32_t hash_fnv1a(const void *data, size_t size)
{
	return hash_fnv1a_add(HASH_FNV1A_INIT, data, size);
}

/** hash_fnv1a_str() - FNV-1a of a NUL-terminated string (without the NUL). */
static inline uint32_t hash_fnv1a_str(const char *text)
{
	uint32_t h = HASH_FNV1A_INIT;

	for (; *text; text++) {
		h ^= (uint8_t)*text;
		h *= 16777619u;
	}
	return h;
}

#endif /* LIB_HASH_H */
