/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * param.h - reading control-protocol parameters (a JSON object) with one
 * error wording everywhere: optional integers in a range, strings, booleans.
 * Each returns 0 when the key is absent (leaving *@value as it was), 0 with
 * *@value set when it is valid, or -EINVAL with one line in @err.
 */
#ifndef LIB_PARAM_H
#define LIB_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

int param_u64(json_t *params, const char *key, uint64_t min, uint64_t max,
	      uint64_t *value, char *err, size_t err_size);
int param_u32(json_t *params, const char *key, uint32_t min, uint32_t max,
	      uint32_t *value, char *err, size_t err_size);
int param_bool(json_t *params, const char *key, bool *value, char *err, size_t err_size);

/**
 * param_string() - a string parameter
 * @required:	absent is an error too
 */
int param_string(json_t *params, const char *key, bool required, const char **value,
		 char *err, size_t err_size);

#endif /* LIB_PARAM_H */
