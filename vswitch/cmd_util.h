/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_util.h - what every control handler uses to read its parameters and name its objects. */
#ifndef VSWITCH_CMD_UTIL_H
#define VSWITCH_CMD_UTIL_H

#include <stddef.h>
#include <jansson.h>

struct network;
struct port;

/** cmd_need_network() - the network named by parameter @key. Return: 0, -EINVAL or -ENOENT with @err. */
int cmd_need_network(json_t *params, const char *key, struct network **netp,
		     char *err, size_t err_size);

/** cmd_need_port() - the port {"net","name"}. Return: 0, -EINVAL or -ENOENT with @err. */
int cmd_need_port(json_t *params, struct network **netp, struct port **portp,
		  char *err, size_t err_size);

/** cmd_optional_network() - like cmd_need_network() for an optional "net"; *@netp NULL when absent. */
int cmd_optional_network(json_t *params, struct network **netp, char *err, size_t err_size);

#endif /* VSWITCH_CMD_UTIL_H */
