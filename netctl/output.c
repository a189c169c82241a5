/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.c - netctl's human-readable rendering of vswitchd's replies. */

#define _GNU_SOURCE	/* qsort_r */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "table.h"

/* Enough for any number or short string a cell shows. */
#define CELL_SIZE	64

/*
 * The text of a scalar member: strings as they are, numbers in decimal,
 * booleans as yes/no. Return: the text (in @buf or the object), or NULL when
 * the member is missing, null, or not a scalar.
 */
static const char *member_text(const json_t *object, const char *key, char *buf,
			       size_t size)
{
	const json_t *value = json_object_get(object, key);

	switch (json_typeof(value)) {
	case JSON_STRING:
		return json_string_value(value);
	case JSON_INTEGER:
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		return buf;
	case JSON_REAL:
		snprintf(buf, size, "%g", json_real_value(value));
		return buf;
	case JSON_TRUE:
		return "yes";
	case JSON_FALSE:
		return "no";
	default:
		return NULL;
	}
}

/* Sum of the integer members of @object, e.g. the drop counters. */
static json_int_t sum_members(const json_t *object)
{
	const char *key;
	json_t *value;
	json_int_t total = 0;

	json_object_foreach((json_t *)object, key, value)
		if (json_is_integer(value))
			total += json_integer_value(value);
	return total;
}

struct sort_keys {
	const char *first;
	const char *second;
};

static int compare_member(const json_t *a, const json_t *b, const char *key)
{
	const json_t *va = json_object_get(a, key);
	const json_t *vb = json_object_get(b, key);

	if (json_is_integer(va) && json_is_integer(vb)) {
		json_int_t ia = json_integer_value(va), ib = json_integer_value(vb);

		return (ia > ib) - (ia < ib);
	}
	if (json_is_string(va) && json_is_string(vb))
		return strcmp(json_string_value(va), json_string_value(vb));
	/* Missing or odd members sort last, consistently. */
	return (va == NULL) - (vb == NULL);
}

static int compare_objects(const void *pa, const void *pb, void *opaque)
{
	const json_t *a = *(const json_t *const *)pa;
	const json_t *b = *(const json_t *const *)pb;
	const struct sort_keys *keys = opaque;
	int order = compare_member(a, b, keys->first);

	if (order || !keys->second)
		return order;
	return compare_member(a, b, keys->second);
}

/*
 * The objects of member @key of @result, sorted for display.
 * Return: malloc'd array (*count entries; may be NULL when 0), or
 * -EBADMSG if @key is not an array of objects, or -ENOMEM.
 */
static int sorted_objects(const json_t *result, const char *key, const char *first,
			  const char *second, json_t ***objects, size_t *count,
			  char *err, size_t err_size)
{
	const json_t *array = json_object_get(result, key);
	struct sort_keys keys = { first, second };
	size_t n;

	if (!json_is_array(array)) {
		snprintf(err, err_size, "unexpected reply from vswitchd: no \"%s\" list", key);
		return -EBADMSG;
	}
	n = json_array_size(array);
	*objects = NULL;
	*count = 0;
	if (!n)
		return 0;
	*objects = calloc(n, sizeof(**objects));
	if (!*objects) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(array, i);

		if (!json_is_object(item)) {
			free(*objects);
			*objects = NULL;
			snprintf(err, err_size,
				 "unexpected reply from vswitchd: \"%s\" holds a non-object", key);
			return -EBADMSG;
		}
		(*objects)[i] = item;
	}
	qsort_r(*objects, n, sizeof(**objects), compare_objects, &keys);
	*count = n;
	return 0;
}

/* A port's DETAIL cell: where it is attached. */
static void port_detail(const json_t *port, char *buf, size_t size)
{
	const char *type = json_string_value(json_object_get(port, "type"));
	const char *socket_path = json_string_value(json_object_get(port, "socket"));
	const char *ifname = json_string_value(json_object_get(port, "ifname"));
	const char *netns = json_string_value(json_object_get(port, "netns"));
	bool client = json_is_true(json_object_get(port, "client"));

	if (type && !strcmp(type, "vhost-user") && socket_path)
		snprintf(buf, size, "%s (%s)", socket_path, client ? "client" : "server");
	else if (ifname && netns)
		snprintf(buf, size, "%s (netns %s)", ifname, netns);
	else if (ifname)
		snprintf(buf, size, "%s", ifname);
	else if (socket_path)
		snprintf(buf, size, "%s", socket_path);
	else
		snprintf(buf, size, "-");
}

static int add_row(struct table *table, const char *const cells[], char *err, size_t err_size)
{
	if (table_add_row(table, cells) < 0) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int new_table(struct table **table, const char *const headers[],
		     char *err, size_t err_size)
{
	*table = table_new(headers);
	if (!*table) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* A table of ports; @with_net adds the NET column (listings across networks). */
static int print_port_table(const json_t *result, bool with_net, FILE *out,
			    char *err, size_t err_size)
{
	static const char *const headers_all[] = {
		"NET", "PORT", "TYPE", "STATE", "MAC", "DETAIL", NULL };
	const char *const *headers = with_net ? headers_all : headers_all + 1;
	struct table *table;
	json_t **ports;
	size_t count;
	int ret;

	ret = sorted_objects(result, "ports", "net", "name", &ports, &count, err, err_size);
	if (ret < 0)
		return ret;
	ret = new_table(&table, headers, err, err_size);
	for (size_t i = 0; i < count && !ret; i++) {
		char detail[256];
		const char *cells[] = {
			json_string_value(json_object_get(ports[i], "net")),
			json_string_value(json_object_get(ports[i], "name")),
			json_string_value(json_object_get(ports[i], "type")),
			json_string_value(json_object_get(ports[i], "state")),
			json_string_value(json_object_get(ports[i], "mac")),
			detail,
		};

		port_detail(ports[i], detail, sizeof(detail));
		ret = add_row(table, with_net ? cells : cells + 1, err, err_size);
	}
	if (!ret)
		table_print(table, out);
	table_free(table);
	free(ports);
	return ret;
}

static int print_net_list(const json_t *result, FILE *out, char *err, size_t err_size)
{
	static const char *const headers[] = { "NAME", "MODE", "STATE", "PORTS", NULL };
	struct table *table;
	json_t **networks;
	size_t count;
	int ret;

	ret = sorted_objects(result, "networks", "name", NULL, &networks, &count,
			     err, err_size);
	if (ret < 0)
		return ret;
	ret = new_table(&table, headers, err, err_size);
	if (!ret)
		table_align_right(table, 3);
	for (size_t i = 0; i < count && !ret; i++) {
		char ports[CELL_SIZE];
		const json_t *port_member = json_object_get(networks[i], "ports");
		const char *cells[] = {
			json_string_value(json_object_get(networks[i], "name")),
			json_string_value(json_object_get(networks[i], "mode")),
			json_string_value(json_object_get(networks[i], "state")),
			ports,
		};

		if (json_is_array(port_member))
			snprintf(ports, sizeof(ports), "%zu", json_array_size(port_member));
		else if (!member_text(networks[i], "ports", ports, sizeof(ports)))
			snprintf(ports, sizeof(ports), "-");
		ret = add_row(table, cells, err, err_size);
	}
	if (!ret)
		table_print(table, out);
	table_free(table);
	free(networks);
	return ret;
}

/* Members of a network object in the order people read them; others follow. */
static const char *const network_members[] = {
	"name", "mode", "state", "subnet", "gateway", "autostart",
	"mac_limit", "aging", "fdb_entries", "ports", NULL };

static bool is_network_member(const char *key)
{
	for (int i = 0; network_members[i]; i++)
		if (!strcmp(key, network_members[i]))
			return true;
	return false;
}

/* One "label:  value" line; arrays show their length, objects nothing. */
static void print_info_line(const json_t *object, const char *key, int width, FILE *out)
{
	const json_t *value = json_object_get(object, key);
	char label[64], text[CELL_SIZE];
	const char *shown;

	if (json_is_array(value)) {
		snprintf(text, sizeof(text), "%zu", json_array_size(value));
		shown = text;
	} else {
		shown = member_text(object, key, text, sizeof(text));
	}
	if (!shown)
		return;
	snprintf(label, sizeof(label), "%s:", key);
	for (char *c = label; *c; c++)
		if (*c == '_')
			*c = '-';
	fprintf(out, "%-*s  %s%s\n", width, label, shown,
		!strcmp(key, "aging") && json_is_integer(value) ? " s" : "");
}

static int print_net_info(const json_t *result, FILE *out, char *err, size_t err_size)
{
	const json_t *ports = json_object_get(result, "ports");
	const char *key;
	json_t *value;
	int width = 0;

	if (!json_is_object(result)) {
		snprintf(err, err_size, "unexpected reply from vswitchd: not an object");
		return -EBADMSG;
	}
	json_object_foreach((json_t *)result, key, value)
		if ((int)strlen(key) + 1 > width)
			width = (int)strlen(key) + 1;
	for (int i = 0; network_members[i]; i++)
		if (json_object_get(result, network_members[i]))
			print_info_line(result, network_members[i], width, out);
	json_object_foreach((json_t *)result, key, value)
		if (!is_network_member(key))
			print_info_line(result, key, width, out);

	if (json_is_array(ports) && json_array_size(ports)) {
		fputc('\n', out);
		return print_port_table(result, false, out, err, err_size);
	}
	return 0;
}

static int print_fdb(const json_t *result, FILE *out, char *err, size_t err_size)
{
	static const char *const headers[] = { "MAC", "PORT", "AGE", NULL };
	struct table *table;
	json_t **entries;
	size_t count;
	int ret;

	ret = sorted_objects(result, "entries", "port", "mac", &entries, &count,
			     err, err_size);
	if (ret < 0)
		return ret;
	ret = new_table(&table, headers, err, err_size);
	if (!ret)
		table_align_right(table, 2);
	for (size_t i = 0; i < count && !ret; i++) {
		char port[CELL_SIZE], age[CELL_SIZE];
		const char *cells[] = {
			json_string_value(json_object_get(entries[i], "mac")),
			member_text(entries[i], "port", port, sizeof(port)),
			member_text(entries[i], "age", age, sizeof(age)),
		};

		ret = add_row(table, cells, err, err_size);
	}
	if (!ret)
		table_print(table, out);
	table_free(table);
	free(entries);
	return ret;
}

static json_int_t stat_value(const json_t *stats, const char *key)
{
	return json_integer_value(json_object_get(stats, key));
}

/* `stats NET PORT`: one port, every counter and drop reason on its own line. */
static void print_port_stats(const json_t *port, FILE *out)
{
	static const char *const counters[] = {
		"rx_packets", "rx_bytes", "tx_packets", "tx_bytes", NULL };
	const json_t *stats = json_object_get(port, "stats");
	const json_t *drops = json_object_get(stats, "drops");
	const char *name = json_string_value(json_object_get(port, "name"));
	const char *net = json_string_value(json_object_get(port, "net"));
	const char *type = json_string_value(json_object_get(port, "type"));
	const char *state = json_string_value(json_object_get(port, "state"));
	const char *key;
	json_t *value;
	int width = (int)strlen("rx_packets");

	json_object_foreach((json_t *)drops, key, value)
		if ((int)strlen(key) + 2 > width)
			width = (int)strlen(key) + 2;

	fprintf(out, "%s/%s (%s, %s)\n", net ? net : "-", name ? name : "-",
		type ? type : "-", state ? state : "-");
	for (int i = 0; counters[i]; i++)
		fprintf(out, "  %-*s  %" JSON_INTEGER_FORMAT "\n", width, counters[i],
			stat_value(stats, counters[i]));
	fprintf(out, "  %-*s  %" JSON_INTEGER_FORMAT "\n", width, "drops", sum_members(drops));
	json_object_foreach((json_t *)drops, key, value)
		fprintf(out, "    %-*s  %" JSON_INTEGER_FORMAT "\n", width - 2, key,
			json_integer_value(value));
}

/* One table of DHCP counters (at most 7 per row, the table's limit), one row per network. */
static int print_dhcp_table(const json_t *dhcp, const char *const headers[],
			    const char *const keys[], FILE *out, char *err, size_t err_size)
{
	struct table *table;
	const char *name;
	json_t *stats;
	int ret;

	ret = new_table(&table, headers, err, err_size);
	for (unsigned int column = 1; !ret && keys[column - 1]; column++)
		table_align_right(table, column);
	json_object_foreach((json_t *)dhcp, name, stats) {
		char numbers[7][CELL_SIZE];
		const char *cells[8];

		if (ret)
			break;
		cells[0] = name;
		for (int i = 0; keys[i] && i < 7; i++) {
			snprintf(numbers[i], CELL_SIZE, "%" JSON_INTEGER_FORMAT, stat_value(stats, keys[i]));
			cells[i + 1] = numbers[i];
		}
		ret = add_row(table, cells, err, err_size);
	}
	if (!ret)
		table_print(table, out);
	table_free(table);
	return ret;
}

/* The "dhcp" member of a stats reply: counters per network with a server. */
static int print_dhcp_stats(const json_t *result, FILE *out, char *err, size_t err_size)
{
	static const char *const headers1[] = {
		"NET", "DISCOVER", "OFFER", "REQUEST", "ACK", "NAK", "RELEASE", "BOUND", NULL };
	static const char *const keys1[] = {
		"discover", "offer", "request", "ack", "nak", "release", "leases_bound", NULL };
	static const char *const headers2[] = {
		"NET", "DECLINE", "INFORM", "MALFORMED", "EXHAUSTED", "REFUSED-MAC", "LIMIT", "ARP", NULL };
	static const char *const keys2[] = {
		"decline", "inform", "malformed", "pool_exhausted", "refused_mac", "limit", "arp", NULL };
	const json_t *dhcp = json_object_get(result, "dhcp");
	int ret;

	if (!json_is_object(dhcp) || !json_object_size(dhcp))
		return 0;
	fprintf(out, "\nDHCP\n");
	ret = print_dhcp_table(dhcp, headers1, keys1, out, err, err_size);
	if (!ret) {
		fputc('\n', out);
		ret = print_dhcp_table(dhcp, headers2, keys2, out, err, err_size);
	}
	return ret;
}

static int print_dhcp_leases(const json_t *result, FILE *out, char *err, size_t err_size)
{
	static const char *const headers[] = { "IP", "MAC", "HOSTNAME", "EXPIRES", "STATE", NULL };
	const json_t *leases = json_object_get(result, "leases");
	struct table *table;
	size_t i;
	int ret;

	if (!json_is_array(leases)) {
		snprintf(err, err_size, "unexpected reply from vswitchd: no lease list");
		return -EBADMSG;
	}
	ret = new_table(&table, headers, err, err_size);
	for (i = 0; i < json_array_size(leases) && !ret; i++) {
		const json_t *l = json_array_get(leases, i);
		time_t expires = (time_t)json_integer_value(json_object_get(l, "expires"));
		const char *hostname = json_string_value(json_object_get(l, "hostname"));
		char when[CELL_SIZE], state[CELL_SIZE];
		struct tm tm;
		const char *cells[5];

		if (localtime_r(&expires, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		else
			snprintf(when, sizeof(when), "-");
		snprintf(state, sizeof(state), "%s%s", json_string_value(json_object_get(l, "state")) ?: "?",
			 json_is_true(json_object_get(l, "static")) ? " (static)" : "");
		cells[0] = json_string_value(json_object_get(l, "ip"));
		cells[1] = json_string_value(json_object_get(l, "mac"));
		cells[2] = hostname && *hostname ? hostname : "-";
		cells[3] = when;
		cells[4] = state;
		ret = add_row(table, cells, err, err_size);
	}
	if (!ret)
		table_print(table, out);
	table_free(table);
	return ret;
}

static int print_stats(const json_t *params, const json_t *result, FILE *out,
		       char *err, size_t err_size)
{
	static const char *const headers[] = {
		"NET", "PORT", "RX-PKTS", "RX-BYTES", "TX-PKTS", "TX-BYTES", "DROPS", NULL };
	bool one_port = json_object_get(params, "port") != NULL;
	struct table *table = NULL;
	json_t **ports;
	size_t count;
	int ret;

	ret = sorted_objects(result, "ports", "net", "name", &ports, &count, err, err_size);
	if (ret < 0)
		return ret;
	if (one_port) {
		for (size_t i = 0; i < count; i++) {
			if (i)
				fputc('\n', out);
			print_port_stats(ports[i], out);
		}
		free(ports);
		return 0;
	}

	ret = new_table(&table, headers, err, err_size);
	for (unsigned int column = 2; !ret && column < 7; column++)
		table_align_right(table, column);
	for (size_t i = 0; i < count && !ret; i++) {
		const json_t *stats = json_object_get(ports[i], "stats");
		char numbers[5][CELL_SIZE];
		const char *cells[] = {
			json_string_value(json_object_get(ports[i], "net")),
			json_string_value(json_object_get(ports[i], "name")),
			numbers[0], numbers[1], numbers[2], numbers[3], numbers[4],
		};

		snprintf(numbers[0], CELL_SIZE, "%" JSON_INTEGER_FORMAT, stat_value(stats, "rx_packets"));
		snprintf(numbers[1], CELL_SIZE, "%" JSON_INTEGER_FORMAT, stat_value(stats, "rx_bytes"));
		snprintf(numbers[2], CELL_SIZE, "%" JSON_INTEGER_FORMAT, stat_value(stats, "tx_packets"));
		snprintf(numbers[3], CELL_SIZE, "%" JSON_INTEGER_FORMAT, stat_value(stats, "tx_bytes"));
		snprintf(numbers[4], CELL_SIZE, "%" JSON_INTEGER_FORMAT,
			 sum_members(json_object_get(stats, "drops")));
		ret = add_row(table, cells, err, err_size);
	}
	if (!ret)
		table_print(table, out);
	table_free(table);
	free(ports);
	if (!ret)
		ret = print_dhcp_stats(result, out, err, err_size);
	return ret;
}

static int print_list_commands(const json_t *result, FILE *out, char *err, size_t err_size)
{
	static const char *const headers[] = { "METHOD", "ACCESS", "PARAMETERS", NULL };
	struct table *table;
	json_t **commands;
	size_t count;
	int ret;

	ret = sorted_objects(result, "commands", "name", NULL, &commands, &count,
			     err, err_size);
	if (ret < 0)
		return ret;
	ret = new_table(&table, headers, err, err_size);
	for (size_t i = 0; i < count && !ret; i++) {
		const char *usage = json_string_value(json_object_get(commands[i], "usage"));
		const char *cells[] = {
			json_string_value(json_object_get(commands[i], "name")),
			json_is_true(json_object_get(commands[i], "mutating")) ? "write" : "read",
			usage && *usage ? usage : "-",
		};

		ret = add_row(table, cells, err, err_size);
	}
	if (!ret)
		table_print(table, out);
	table_free(table);
	free(commands);
	return ret;
}

/* The name a confirmation line uses: the reply's, else the request's. */
static const char *object_name(const json_t *result, const json_t *params,
			       const char *result_key, const char *param_key)
{
	const char *name = json_string_value(json_object_get(result, result_key));

	return name ? name : json_string_value(json_object_get(params, param_key));
}

static int print_forward_list(const json_t *result, FILE *out, char *err, size_t err_size)
{
	static const char *const headers[] = { "NET", "PROTO", "HOST", "TARGET", "ADDRESS", NULL };
	struct table *table;
	json_t **forwards;
	size_t count;
	int ret;

	ret = sorted_objects(result, "forwards", "net", "port", &forwards, &count, err, err_size);
	if (ret < 0)
		return ret;
	ret = new_table(&table, headers, err, err_size);
	for (size_t i = 0; i < count && !ret; i++) {
		const char *cells[] = {
			json_string_value(json_object_get(forwards[i], "net")),
			json_string_value(json_object_get(forwards[i], "proto")),
			json_string_value(json_object_get(forwards[i], "host")),
			json_string_value(json_object_get(forwards[i], "target")),
			json_string_value(json_object_get(forwards[i], "address")),
		};

		ret = add_row(table, cells, err, err_size);
	}
	if (!ret)
		table_print(table, out);
	table_free(table);
	free(forwards);
	return ret;
}

static void print_port_added(const json_t *params, const json_t *result, FILE *out)
{
	const char *net = object_name(result, params, "net", "net");
	const char *name = object_name(result, params, "name", "name");
	char detail[256];

	port_detail(json_is_object(result) && json_object_size(result) ? result : params,
		    detail, sizeof(detail));
	fprintf(out, "port %s added to network %s", name, net);
	if (strcmp(detail, "-"))
		fprintf(out, ": %s", detail);
	fputc('\n', out);
}

/**
 * netctl_print_result() - print a reply as tables or a confirmation line
 * @cmd:	the command that was run
 * @params:	the request's parameters (names for confirmation lines)
 * @result:	the "result" member of the reply
 * @out:	stream for the output
 * @err:	on failure, one line saying what was wrong with the reply
 * @err_size:	size of @err in bytes
 *
 * Return: 0, -EBADMSG (reply not understood) or -ENOMEM.
 */
int netctl_print_result(const struct netctl_command *cmd, const json_t *params,
			const json_t *result, FILE *out, char *err, size_t err_size)
{
	switch (cmd->id) {
	case NETCTL_NET_CREATE:
		fprintf(out, "network %s created\n", object_name(result, params, "name", "name"));
		return 0;
	case NETCTL_NET_DESTROY:
		fprintf(out, "network %s destroyed\n", object_name(result, params, "name", "name"));
		return 0;
	case NETCTL_NET_LIST:
		return print_net_list(result, out, err, err_size);
	case NETCTL_NET_INFO:
		return print_net_info(result, out, err, err_size);
	case NETCTL_NET_START:
		fprintf(out, "network %s started\n", object_name(result, params, "name", "name"));
		return 0;
	case NETCTL_NET_STOP:
		fprintf(out, "network %s stopped\n", object_name(result, params, "name", "name"));
		return 0;
	case NETCTL_FORWARD_ADD: {
		const char *target = json_string_value(json_object_get(result, "target"));
		const char *address = json_string_value(json_object_get(result, "address"));

		fprintf(out, "forward %s %s -> %s%s%s%s added to network %s\n",
			json_string_value(json_object_get(params, "proto")),
			object_name(result, params, "host", "host"),
			target ? target : json_string_value(json_object_get(params, "target")),
			address ? " (" : "", address ? address : "", address ? ")" : "",
			json_string_value(json_object_get(params, "net")));
		return 0;
	}
	case NETCTL_FORWARD_DEL:
		fprintf(out, "forward %s %s removed from network %s\n",
			json_string_value(json_object_get(params, "proto")),
			json_string_value(json_object_get(params, "host")),
			json_string_value(json_object_get(params, "net")));
		return 0;
	case NETCTL_FORWARD_LIST:
		return print_forward_list(result, out, err, err_size);
	case NETCTL_PORT_ADD:
		print_port_added(params, result, out);
		return 0;
	case NETCTL_PORT_DEL:
		fprintf(out, "port %s removed from network %s\n",
			json_string_value(json_object_get(params, "name")),
			json_string_value(json_object_get(params, "net")));
		return 0;
	case NETCTL_PORT_LIST:
		return print_port_table(result, true, out, err, err_size);
	case NETCTL_FDB:
		return print_fdb(result, out, err, err_size);
	case NETCTL_STATS:
		return print_stats(params, result, out, err, err_size);
	case NETCTL_LIST_COMMANDS:
		return print_list_commands(result, out, err, err_size);
	case NETCTL_DHCP_LEASES:
		return print_dhcp_leases(result, out, err, err_size);
	case NETCTL_DHCP_HOST_ADD:
		fprintf(out, "static host %s -> %s added to network %s\n",
			json_string_value(json_object_get(params, "mac")),
			json_string_value(json_object_get(params, "ip")),
			json_string_value(json_object_get(params, "net")));
		return 0;
	case NETCTL_DHCP_HOST_DEL:
		fprintf(out, "static host %s removed from network %s\n",
			json_string_value(json_object_get(params, "mac")),
			json_string_value(json_object_get(params, "net")));
		return 0;
	case NETCTL_CAPTURE:
		break;	/* netctl/capture.c prints as frames arrive */
	case NETCTL_LAB_UP:
	case NETCTL_LAB_DOWN:
	case NETCTL_LAB_STATUS:
	case NETCTL_LAB_GRAPH:
		break;	/* netctl/lab.c prints its own output */
	}
	snprintf(err, err_size, "internal error: no output for '%s'", cmd->name);
	return -EINVAL;
}
