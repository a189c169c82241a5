/* SPDX-License-Identifier: GPL-2.0-or-later */
/* graph.c - a lab's topology as Graphviz DOT, and as SVG rendered by dot (see graph.h). */

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errline.h"
#include "graph.h"

static void dot_escape(FILE *f, const char *text)
{
	for (; text && *text; text++) {
		if (*text == '"' || *text == '\\')
			fputc('\\', f);
		fputc(*text, f);
	}
}

static const char *nic_label(json_t *nic, char *buf, size_t size)
{
	const char *address = json_string_value(json_object_get(nic, "address"));

	snprintf(buf, size, "%s%s%s", json_string_value(json_object_get(nic, "ifname")),
		 address ? " " : "", address ? address : "");
	return buf;
}

void lab_graph_dot(FILE *f, json_t *st)
{
	json_t *item, *nic;
	size_t i, n;
	char label[128];

	fprintf(f, "graph \"");
	dot_escape(f, json_string_value(json_object_get(st, "name")));
	fprintf(f, "\" {\n\tgraph [label=\"lab ");
	dot_escape(f, json_string_value(json_object_get(st, "name")));
	fprintf(f, "\", fontname=\"Helvetica\"];\n\tnode [fontname=\"Helvetica\"];\n"
		   "\tedge [fontname=\"Helvetica\", fontsize=10];\n");
	json_array_foreach(json_object_get(st, "nodes"), i, item) {
		fprintf(f, "\t\"node:");
		dot_escape(f, json_string_value(json_object_get(item, "name")));
		fprintf(f, "\" [shape=box, style=rounded, label=\"");
		dot_escape(f, json_string_value(json_object_get(item, "name")));
		fprintf(f, "\\n");
		dot_escape(f, json_string_value(json_object_get(item, "state")));
		fprintf(f, "\"];\n");
	}
	json_array_foreach(json_object_get(st, "networks"), i, item) {
		if (json_object_get(item, "link"))
			continue;
		fprintf(f, "\t\"net:");
		dot_escape(f, json_string_value(json_object_get(item, "name")));
		fprintf(f, "\" [shape=ellipse, label=\"");
		dot_escape(f, json_string_value(json_object_get(item, "name")));
		fprintf(f, "\\n");
		dot_escape(f, json_string_value(json_object_get(item, "mode")));
		if (json_object_get(item, "subnet")) {
			fprintf(f, " ");
			dot_escape(f, json_string_value(json_object_get(item, "subnet")));
		}
		fprintf(f, "\"];\n");
	}
	/* NICs on declared networks: node -- network. */
	json_array_foreach(json_object_get(st, "nodes"), i, item) {
		json_array_foreach(json_object_get(item, "nics"), n, nic) {
			const char *network = json_string_value(json_object_get(nic, "network"));
			bool is_link = false;
			json_t *net;
			size_t k;

			json_array_foreach(json_object_get(st, "networks"), k, net)
				if (!strcmp(json_string_value(json_object_get(net, "name")), network) &&
				    json_object_get(net, "link"))
					is_link = true;
			if (is_link)
				continue;
			fprintf(f, "\t\"node:");
			dot_escape(f, json_string_value(json_object_get(item, "name")));
			fprintf(f, "\" -- \"net:");
			dot_escape(f, network);
			fprintf(f, "\" [label=\"");
			dot_escape(f, nic_label(nic, label, sizeof(label)));
			fprintf(f, "\"];\n");
		}
	}
	/* Links: node -- node, each end labelled with its NIC and address. */
	json_array_foreach(json_object_get(st, "links"), i, item) {
		const char *ends[2];
		char labels[2][128] = { "", "" };

		for (int e = 0; e < 2; e++) {
			char node[64], nicname[32];
			const char *end = json_string_value(json_array_get(json_object_get(item, "ends"), (size_t)e));
			json_t *vm;
			size_t k;

			ends[e] = end;
			sscanf(end, "%63[^:]:%31s", node, nicname);
			json_array_foreach(json_object_get(st, "nodes"), k, vm) {
				if (strcmp(json_string_value(json_object_get(vm, "name")), node))
					continue;
				json_array_foreach(json_object_get(vm, "nics"), n, nic)
					if (!strcmp(json_string_value(json_object_get(nic, "name")), nicname))
						nic_label(nic, labels[e], sizeof(labels[e]));
			}
		}
		for (int e = 0; e < 2; e++) {
			fprintf(f, "%s\"node:", e ? " -- " : "\t");
			fprintf(f, "%.*s\"", (int)strcspn(ends[e], ":"), ends[e]);
		}
		fprintf(f, " [label=\"");
		dot_escape(f, json_string_value(json_object_get(item, "name")));
		fprintf(f, "\", taillabel=\"");
		dot_escape(f, labels[0]);
		fprintf(f, "\", headlabel=\"");
		dot_escape(f, labels[1]);
		fprintf(f, "\"];\n");
	}
	fprintf(f, "}\n");
}

int lab_graph_svg(json_t *st, const char *path, char *err, size_t err_size)
{
	const char *argv[] = { "dot", "-Tsvg", "-o", path, NULL };
	char *dot_text = NULL;
	size_t dot_size = 0;
	FILE *mem = open_memstream(&dot_text, &dot_size);
	int pipefd[2], wstatus, ret = 0;
	pid_t pid;

	if (!mem) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	lab_graph_dot(mem, st);
	fclose(mem);
	if (pipe(pipefd) < 0) {
		ret = -errno;
		snprintf(err, err_size, "cannot run dot: %s", strerror(errno));
	} else if ((pid = fork()) < 0) {
		ret = -errno;
		snprintf(err, err_size, "cannot run dot: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
	} else if (pid == 0) {
		dup2(pipefd[0], STDIN_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execvp("dot", (char *const *)argv);
		errline("cannot run dot (graphviz): %s", strerror(errno));
		_exit(127);
	} else {
		close(pipefd[0]);
		signal(SIGPIPE, SIG_IGN);
		if (write(pipefd[1], dot_text, dot_size) != (ssize_t)dot_size) {
			/* dot's exit status tells. */
		}
		close(pipefd[1]);
		waitpid(pid, &wstatus, 0);
		if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus)) {
			snprintf(err, err_size, "dot -Tsvg failed (is graphviz installed?)");
			ret = -EIO;
		}
	}
	free(dot_text);
	return ret;
}
