// SPDX-License-Identifier: GPL-2.0-or-later
/* param.c - typed reads of control-protocol parameters (see param.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "param.h"

int param_u64(json_t *params, const char *key, uint64_t min, uint64_t max,
	      uint64_t *value, char *err, size_t err_size)
{
	json_t *v = json_object_get(params, key);
	json_int_t n;

	if (!v || json_is_null(v))
		return 0;
	n = json_is_integer(v) ? json_integer_value(v) : -1;
	if (!json_is_integer(v) || n < 0 || (uint64_t)n < min || (uint64_t)n > max) {
		snprintf(err, err_size, "'%s' must be a whole number from %" PRIu64 " to %" PRIu64,
			 key, min, max);
		return -EINVAL;
	}
	*value = (uint64_t)n;
	return 0;
}

int param_u32(json_t *params, const char *key, uint32_t min, uint32_t max,
	      uint32_t *value, char *err, size_t err_size)
{
	uint64_t v = *value;
	int ret = param_u64(params, key, min, max, &v, err, err_size);

	if (!ret)
		*value = (uint32_t)v;
	return ret;
}

int param_bool(json_t *params, const char *key, bool *value, char *err, size_t err_size)
{
	json_t *v = json_object_get(params, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		snprintf(err, err_size, "'%s' must be true or false", key);
		return -EINVAL;
	}
	*value = json_is_true(v);
	return 0;
}

int param_string(json_t *params, const char *key, bool required, const char **value,
		 char *err, size_t err_size)
{
	json_t *v = json_object_get(params, key);

	if (!v && !required)
		return 0;
	if (!json_is_string(v)) {
		snprintf(err, err_size, "missing or non-string parameter '%s'", key);
		return -EINVAL;
	}
	*value = json_string_value(v);
	return 0;
}
