/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lab.c - `netctl lab up|down|status|graph`: a topology file's networks and VMs
 * brought up and down with one command.
 *
 * Theory of operation: netctl owns the lab, vswitchd owns the networks and
 * vmm owns the VMs. Networks are created over the control socket; VMs are
 * started by running the vmm binary (next to netctl, or $VMM) with the same
 * socket and run directory, so every VM is an ordinary vmm VM. What a lab is
 * lives in one record, RUN_DIR/.labs/NAME.json, holding the topology text it
 * was brought up from; the record is written before anything is created, so
 * `down` can always find and remove what a failed or finished `up` made, and
 * `status`/`graph` work from it. `up` skips what already exists (networks by
 * name, VMs that run, forwards by host port), so running it twice changes
 * nothing; `up` of a different file under a name in use is refused.
 *
 * Naming: VM "LAB-NODE"; vswitchd network "LAB-NET" or "LAB-LINK", shortened
 * to 10 characters, '-' and a 4-hex-digit hash when over 15 (lab_net_name()).
 */

#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "ctl.h"
#include "errline.h"
#include "fileio.h"
#include "lab.h"
#include "lab_yaml.h"
#include "value.h"

/*
 * Paths are PATH_MAX buffers built from a run directory checked to leave room
 * (netctl_lab_main()); a cut path would fail to open, not overflow.
 */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define LAB_DEFAULT_RUN_DIR	"/run/vswitch/vmm"
#define LAB_DEFAULT_WAIT	180	/* seconds for every node to be network-ready */
#define LAB_DEFAULT_APPEND	"console=ttyS0 quiet panic=-1"

struct lab_ctx {
	const char *socket;
	char run_dir[PATH_MAX];
	char vmm[PATH_MAX];
	bool json;
	unsigned int wait_sec;
	const char *svg;
};

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *default_run_dir(void)
{
	const char *env = getenv("VMM_RUN_DIR");

	return env && *env ? env : LAB_DEFAULT_RUN_DIR;
}

/* vmm: $VMM, else the vmm next to this netctl, else vmm from $PATH. */
static void find_vmm(char out[PATH_MAX])
{
	const char *env = getenv("VMM");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(out, PATH_MAX, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((size_t)snprintf(out, PATH_MAX, "%s/vmm", dirname(self)) < PATH_MAX &&
		    access(out, X_OK) == 0)
			return;
	}
	snprintf(out, PATH_MAX, "vmm");
}

/* ------------------------------------------------------------------ records */

static int record_path(const struct lab_ctx *ctx, const char *name, char *buf, size_t size)
{
	if ((size_t)snprintf(buf, size, "%s/.labs/%s.json", ctx->run_dir, name) >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* The record of lab @name: { name, file, yaml }; NULL if there is none. */
static json_t *record_load(const struct lab_ctx *ctx, const char *name)
{
	char path[PATH_MAX];

	if (record_path(ctx, name, path, sizeof(path)))
		return NULL;
	return json_load_file(path, 0, NULL);
}

static int record_save(const struct lab_ctx *ctx, const char *name, const char *file,
		       const char *yaml)
{
	char dir[PATH_MAX], path[PATH_MAX];
	json_t *rec;
	char *text;
	int ret;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/.labs", ctx->run_dir) >= sizeof(dir) ||
	    record_path(ctx, name, path, sizeof(path)))
		return -ENAMETOOLONG;
	/* The run directory may not exist yet, nor its parents: vmm makes it too. */
	ret = mkdir_p(dir, 0755);
	if (ret < 0)
		return ret;
	rec = json_pack("{s:s, s:s, s:s}", "name", name, "file", file, "yaml", yaml);
	text = rec ? json_dumps(rec, JSON_INDENT(2)) : NULL;
	json_decref(rec);
	if (!text)
		return -ENOMEM;
	ret = file_write_atomic(path, text, strlen(text), 0644);
	free(text);
	return ret;
}

/* Parse the topology a record holds. */
static int record_lab(json_t *rec, struct lab *lab, char *err, size_t err_size)
{
	const char *yaml = json_string_value(json_object_get(rec, "yaml"));
	const char *file = json_string_value(json_object_get(rec, "file"));

	if (!yaml) {
		snprintf(err, err_size, "the lab's record is damaged");
		return -EINVAL;
	}
	return lab_parse(yaml, strlen(yaml), file ? file : "lab", lab, err, err_size);
}

/* ------------------------------------------------------------------ vswitchd */

/* One request; @result may be NULL. Return: 0 or negative errno (message in @err). */
static int sw_call(const struct lab_ctx *ctx, const char *method, json_t *params,
		   json_t **result, char *err, size_t err_size)
{
	char *errmsg = NULL;
	json_t *res = NULL;
	int fd, ret;

	fd = ctl_connect(ctx->socket);
	if (fd < 0) {
		json_decref(params);
		snprintf(err, err_size, "cannot connect to %s: %s (is vswitchd running?)",
			 ctx->socket, strerror(-fd));
		return fd;
	}
	ret = ctl_call(fd, method, params, NULL, 0, &res, &errmsg);
	close(fd);
	if (ret < 0)
		snprintf(err, err_size, "%s: %s", method, errmsg ? errmsg : strerror(-ret));
	free(errmsg);
	if (result && !ret)
		*result = res;
	else
		json_decref(res);
	return ret;
}

/* ------------------------------------------------------------------ vmm */

struct job {
	pid_t pid;
	int fd;
	char out[8192];
	size_t len;
	int status;
};

/* Start vmm with @args (NULL-terminated, after the global options), output to a pipe. */
static int job_start(const struct lab_ctx *ctx, struct job *job, const char *const *args)
{
	const char *argv[64];
	int pipefd[2], argc = 0;

	argv[argc++] = ctx->vmm;
	argv[argc++] = "-s";
	argv[argc++] = ctx->socket;
	argv[argc++] = "--run-dir";
	argv[argc++] = ctx->run_dir;
	for (int i = 0; args[i] && argc < 63; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	memset(job, 0, sizeof(*job));
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	job->pid = fork();
	if (job->pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (job->pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, STDIN_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	job->fd = pipefd[0];
	return 0;
}

/* Collect the output and the exit status (0: success). */
static int job_finish(struct job *job)
{
	ssize_t n;
	int status;

	while ((n = read(job->fd, job->out + job->len, sizeof(job->out) - 1 - job->len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		job->len += (size_t)n;
		if (job->len == sizeof(job->out) - 1) {
			char sink[512];

			while (read(job->fd, sink, sizeof(sink)) > 0) {
				/* Keep the first part only. */
			}
			break;
		}
	}
	job->out[job->len] = '\0';
	close(job->fd);
	while (waitpid(job->pid, &status, 0) < 0 && errno == EINTR) {
		/* Retry. */
	}
	job->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	/* The last line is the message worth showing. */
	while (job->len && (job->out[job->len - 1] == '\n' || job->out[job->len - 1] == '\r'))
		job->out[--job->len] = '\0';
	return job->status;
}

static int vmm_sync(const struct lab_ctx *ctx, const char *const *args, struct job *job)
{
	if (job_start(ctx, job, args) < 0) {
		job->status = 127;
		snprintf(job->out, sizeof(job->out), "cannot run %s", ctx->vmm);
		return 127;
	}
	return job_finish(job);
}

/* `vmm --json info VM`, or NULL if vmm knows no such VM. */
static json_t *vm_info(const struct lab_ctx *ctx, const char *vm)
{
	const char *args[] = { "--json", "info", vm, NULL };
	struct job *job = malloc(sizeof(*job));
	json_t *info = NULL;

	if (!job)
		return NULL;
	if (vmm_sync(ctx, args, job) == 0)
		info = json_loads(job->out, 0, NULL);
	free(job);
	return info;
}

static bool state_active(const char *state)
{
	return state && (!strcmp(state, "running") || !strcmp(state, "starting"));
}

static const char *last_line(const char *text)
{
	const char *nl = strrchr(text, '\n');

	return nl ? nl + 1 : text;
}

/* ------------------------------------------------------------------ readiness */

/*
 * Whether a NIC is expected to get an address: a static one, or DHCP on a
 * network that serves it (nat by default; isolated and routed with a subnet).
 */
static bool nic_expects_address(const struct lab *lab, const struct lab_nic *nic)
{
	const struct lab_network *net = &lab->networks[nic->net_index];

	if (nic->address[0])
		return true;
	if (net->dhcp == 0 || !strcmp(net->mode, "bridged"))
		return false;
	return net->dhcp == 1 || !strcmp(net->mode, "nat") || net->subnet[0];
}

/*
 * Scan the guest's serial log for its markers. Sets @addresses[i] to the
 * last "VSWITCH-NET-UP ethI ADDR/LEN" seen. Return: true once the guest is
 * ready and every NIC that expects an address has one.
 */
static bool node_ready(const struct lab_ctx *ctx, const struct lab *lab, const struct lab_node *vm,
		       char addresses[][64])
{
	char path[PATH_MAX], line[512];
	bool booted = false, ready;
	FILE *f;

	for (size_t i = 0; i < vm->nic_count; i++)
		addresses[i][0] = '\0';
	snprintf(path, sizeof(path), "%s/%s/serial.log", ctx->run_dir, vm->vm);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *mark = strstr(line, "VSWITCH-NET-UP eth");
		unsigned int index;
		char addr[64];

		if (strstr(line, "VSWITCH-GUEST-READY"))
			booted = true;
		if (mark && sscanf(mark, "VSWITCH-NET-UP eth%u %63s", &index, addr) == 2 &&
		    index < vm->nic_count)
			snprintf(addresses[index], 64, "%s", addr);
	}
	fclose(f);
	ready = booted;
	for (size_t i = 0; i < vm->nic_count; i++)
		if (nic_expects_address(lab, &vm->nics[i]) && !addresses[i][0])
			ready = false;
	return ready;
}

/* ------------------------------------------------------------------ down */

static int lab_down_lab(const struct lab_ctx *ctx, const struct lab *lab, bool quiet)
{
	struct job *jobs = calloc(lab->node_count, sizeof(*jobs));
	char err[512];
	int failures = 0;

	if (!jobs)
		return -ENOMEM;
	/* Stop every node at once, then forget them; then the networks. */
	for (size_t i = 0; i < lab->node_count; i++) {
		const char *args[] = { "stop", lab->nodes[i].vm, "--force", NULL };

		if (job_start(ctx, &jobs[i], args) < 0)
			jobs[i].pid = -1;
	}
	for (size_t i = 0; i < lab->node_count; i++) {
		const char *rm[] = { "rm", lab->nodes[i].vm, NULL };
		struct job job;

		if (jobs[i].pid > 0)
			job_finish(&jobs[i]);
		vmm_sync(ctx, rm, &job);
		if (!quiet)
			printf("  %-12s stopped\n", lab->nodes[i].name);
	}
	free(jobs);
	/* Without vswitchd nothing can be said about the networks: keep the record. */
	{
		int fd = ctl_connect(ctx->socket);

		if (fd < 0) {
			errline("cannot connect to %s: %s (is vswitchd running?); the networks stay recorded",
				  ctx->socket, strerror(-fd));
			return -EIO;
		}
		close(fd);
	}
	for (size_t i = 0; i < lab->network_count; i++) {
		const struct lab_network *net = &lab->networks[i];
		json_t *info = NULL;

		/* A network that is gone already is what we want. */
		if (sw_call(ctx, "net.info", json_pack("{s:s}", "name", net->net), &info, err, sizeof(err)) == 0) {
			json_decref(info);
			if (sw_call(ctx, "net.destroy", json_pack("{s:s, s:b}", "name", net->net, "force", 1),
				    NULL, err, sizeof(err)) < 0) {
				errline("cannot remove network %s: %s", net->net, err);
				failures++;
				continue;
			}
		}
		if (!quiet)
			printf("  %-12s removed (%s)\n", net->name, net->net);
	}
	return failures ? -EIO : 0;
}

static int cmd_down(const struct lab_ctx *ctx, const char *name)
{
	struct lab *lab = calloc(1, sizeof(*lab));
	char err[512], path[PATH_MAX];
	json_t *rec = record_load(ctx, name);
	int ret;

	if (!lab) {
		json_decref(rec);
		return NETCTL_EXIT_FAILURE;
	}
	if (!rec) {
		errline("no lab named '%s' is up (no record under %s/.labs)", name, ctx->run_dir);
		free(lab);
		return NETCTL_EXIT_FAILURE;
	}
	ret = record_lab(rec, lab, err, sizeof(err));
	json_decref(rec);
	if (ret < 0) {
		errline("%s", err);
		free(lab);
		return NETCTL_EXIT_FAILURE;
	}
	printf("lab %s: down\n", name);
	ret = lab_down_lab(ctx, lab, false);
	free(lab);
	if (ret < 0)
		return NETCTL_EXIT_FAILURE;
	record_path(ctx, name, path, sizeof(path));
	unlink(path);
	return NETCTL_EXIT_OK;
}

/* ------------------------------------------------------------------ up */

static int create_network(const struct lab_ctx *ctx, const struct lab_network *net,
			  char *err, size_t err_size)
{
	json_t *params, *info = NULL;

	if (sw_call(ctx, "net.info", json_pack("{s:s}", "name", net->net), &info, err, err_size) == 0) {
		json_decref(info);
		printf("  %-12s network %s exists\n", net->name, net->net);
		return 0;
	}
	params = json_pack("{s:s, s:s}", "name", net->net, "mode", net->mode);
	if (net->subnet[0])
		json_object_set_new(params, "subnet", json_string(net->subnet));
	if (net->gateway[0])
		json_object_set_new(params, "gateway", json_string(net->gateway));
	if (net->dhcp_range[0])
		json_object_set_new(params, "dhcp_range", json_string(net->dhcp_range));
	if (net->dhcp >= 0)
		json_object_set_new(params, "dhcp", json_boolean(net->dhcp));
	if (net->bridge[0])
		json_object_set_new(params, "bridge", json_string(net->bridge));
	if (net->uplink[0])
		json_object_set_new(params, "uplink", json_string(net->uplink));
	if (sw_call(ctx, "net.create", params, NULL, err, err_size) < 0)
		return -EIO;
	printf("  %-12s network %s created (%s%s%s)\n", net->name, net->net, net->mode,
	       net->subnet[0] ? " " : "", net->subnet);
	return 0;
}

/*
 * The directory holding @path, as dirname() would say, into @out. (dirname()
 * works in place, so its result cannot be copied back over its argument.)
 */
static void file_dir(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, size, ".");
	else if (slash == path)
		snprintf(out, size, "/");
	else
		snprintf(out, size, "%.*s", (int)(slash - path), path);
}

/* Relative paths in the file are relative to the file's directory. */
static void resolve_path(const char *base_dir, const char *path, char *out, size_t size)
{
	if (!path[0] || path[0] == '/')
		snprintf(out, size, "%s", path);
	else
		snprintf(out, size, "%s/%s", base_dir, path);
}

/* Build the `vmm run` argument list for @vm into @args (strings in @store). */
static void run_args(const struct lab *lab, const struct lab_node *vm, const char *base_dir,
		     const char **args, char store[][LAB_TEXT_MAX * 2])
{
	int n = 0, s = 0;
	char *append;

	args[n++] = "run";
	args[n++] = vm->vm;
	if (vm->kernel[0]) {
		resolve_path(base_dir, vm->kernel, store[s], sizeof(store[s]));
		args[n++] = "--kernel";
		args[n++] = store[s++];
		if (vm->initrd[0]) {
			resolve_path(base_dir, vm->initrd, store[s], sizeof(store[s]));
			args[n++] = "--initrd";
			args[n++] = store[s++];
		}
		/* The guest's configuration rides on its kernel command line. */
		append = store[s++];
		snprintf(append, LAB_TEXT_MAX * 2, "%s vswitch.name=%s",
			 vm->append[0] ? vm->append : LAB_DEFAULT_APPEND, vm->name);
		{
			size_t used = strlen(append);
			const char *sep = " vswitch.ip=";

			for (size_t i = 0; i < vm->nic_count; i++) {
				if (!vm->nics[i].address[0])
					continue;
				used += (size_t)snprintf(append + used, LAB_TEXT_MAX * 2 - used, "%seth%zu:%s",
							  sep, i, vm->nics[i].address);
				sep = ",";
			}
			sep = " vswitch.route=";
			for (size_t i = 0; i < vm->route_count && used < LAB_TEXT_MAX * 2; i++) {
				used += (size_t)snprintf(append + used, LAB_TEXT_MAX * 2 - used, "%s%s@%s",
							  sep, vm->routes[i].to, vm->routes[i].via);
				sep = ",";
			}
			if (vm->gateway[0] && used < LAB_TEXT_MAX * 2)
				used += (size_t)snprintf(append + used, LAB_TEXT_MAX * 2 - used,
							  " vswitch.gw=%s", vm->gateway);
			if (vm->forwarding && used < LAB_TEXT_MAX * 2)
				snprintf(append + used, LAB_TEXT_MAX * 2 - used, " vswitch.forward=1");
		}
		args[n++] = "--append";
		args[n++] = append;
	} else {
		resolve_path(base_dir, vm->disk, store[s], sizeof(store[s]));
		args[n++] = "--disk";
		args[n++] = store[s++];
		if (vm->overlay)
			args[n++] = "--overlay";
	}
	if (vm->memory[0]) {
		args[n++] = "--memory";
		args[n++] = vm->memory;
	}
	if (vm->cpus) {
		snprintf(store[s], sizeof(store[s]), "%u", vm->cpus);
		args[n++] = "--cpus";
		args[n++] = store[s++];
	}
	for (size_t i = 0; i < vm->nic_count; i++) {
		const struct lab_nic *nic = &vm->nics[i];

		snprintf(store[s], sizeof(store[s]), "%s%s%s", lab->networks[nic->net_index].net,
			 nic->mac[0] ? ",mac=" : "", nic->mac);
		args[n++] = "--net";
		args[n++] = store[s++];
	}
	args[n++] = "--detach";
	args[n] = NULL;
}

#define RUN_ARGS_MAX	(8 + 2 * LAB_MAX_NICS + 8)
#define RUN_STORE_MAX	(6 + LAB_MAX_NICS)

/* Boot every node not running yet, in parallel. Return: count of failures. */
static int boot_nodes(const struct lab_ctx *ctx, const struct lab *lab, const char *base_dir,
		      bool *started)
{
	struct boot {
		struct job job;
		const char *args[RUN_ARGS_MAX];
		char store[RUN_STORE_MAX][LAB_TEXT_MAX * 2];
		double t0;
		bool running;
	} *boots = calloc(lab->node_count, sizeof(*boots));
	int failures = 0;

	if (!boots)
		return (int)lab->node_count;
	for (size_t i = 0; i < lab->node_count; i++) {
		const struct lab_node *vm = &lab->nodes[i];
		json_t *info = vm_info(ctx, vm->vm);
		const char *state = json_string_value(json_object_get(info, "state"));

		if (state_active(state)) {
			printf("  %-12s %s already %s\n", vm->name, vm->vm, state);
			boots[i].running = true;
			json_decref(info);
			continue;
		}
		json_decref(info);
		run_args(lab, vm, base_dir, boots[i].args, boots[i].store);
		printf("  %-12s booting %s\n", vm->name, vm->vm);
		fflush(stdout);
		boots[i].t0 = now_sec();
		if (job_start(ctx, &boots[i].job, boots[i].args) < 0) {
			errline("node %s: cannot run %s", vm->name, ctx->vmm);
			boots[i].job.pid = -1;
			failures++;
		}
	}
	for (size_t i = 0; i < lab->node_count; i++) {
		const struct lab_node *vm = &lab->nodes[i];

		if (boots[i].running || boots[i].job.pid <= 0)
			continue;
		started[i] = true;
		if (job_finish(&boots[i].job) != 0) {
			errline("node %s: vmm run failed: %s", vm->name, last_line(boots[i].job.out));
			failures++;
			continue;
		}
		printf("  %-12s started (%.1f s)\n", vm->name, now_sec() - boots[i].t0);
		fflush(stdout);
	}
	free(boots);
	return failures;
}

/*
 * Forwards go in once the nodes have their addresses: a forward to a node
 * names the address its NIC on that network has (vswitchd resolves a port
 * name only once it has seen the guest use an address).
 */
static int add_forwards(const struct lab_ctx *ctx, const struct lab *lab,
			char (*addresses)[LAB_MAX_NICS][64], char *err, size_t err_size)
{
	for (size_t i = 0; i < lab->network_count; i++) {
		const struct lab_network *net = &lab->networks[i];
		json_t *list = NULL;

		if (!net->forward_count)
			continue;
		if (sw_call(ctx, "forward.list", json_pack("{s:s}", "net", net->net), &list, err, err_size) < 0)
			return -EIO;
		for (size_t f = 0; f < net->forward_count; f++) {
			const struct lab_forward *fw = &net->forwards[f];
			char target[128], name[80];
			const char *port = strchr(fw->target, ':');
			bool exists = false;
			json_t *entry;
			size_t k;
			int node;

			json_array_foreach(json_object_get(list, "forwards"), k, entry) {
				const char *proto = json_string_value(json_object_get(entry, "proto"));
				json_t *host = json_object_get(entry, "host");
				char host_text[64] = "";

				if (json_is_string(host))
					snprintf(host_text, sizeof(host_text), "%s", json_string_value(host));
				else if (json_is_integer(host))
					snprintf(host_text, sizeof(host_text), "%lld", (long long)json_integer_value(host));
				if (proto && !strcmp(proto, fw->proto) && !strcmp(host_text, fw->host))
					exists = true;
			}
			if (exists)
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)(port ? (size_t)(port - fw->target) : strlen(fw->target)), fw->target);
			node = lab_find_node(lab, name);
			if (node >= 0) {
				const struct lab_node *vm = &lab->nodes[node];
				char address[64] = "";

				for (size_t n = 0; n < vm->nic_count; n++)
					if (vm->nics[n].net_index == (int)i && addresses[node][n][0])
						snprintf(address, sizeof(address), "%s", addresses[node][n]);
				address[strcspn(address, "/")] = '\0';
				if (!address[0]) {
					snprintf(err, err_size, "forward %s %s: node %s has no address on %s yet",
						 fw->proto, fw->host, name, net->name);
					json_decref(list);
					return -EIO;
				}
				snprintf(target, sizeof(target), "%s%s", address, port ? port : "");
			} else {
				snprintf(target, sizeof(target), "%s", fw->target);
			}
			if (sw_call(ctx, "forward.add", json_pack("{s:s, s:s, s:s, s:s}", "net", net->net,
				    "proto", fw->proto, "host", fw->host, "target", target), NULL, err, err_size) < 0) {
				json_decref(list);
				return -EIO;
			}
			printf("  %-12s forward %s %s -> %s\n", net->name, fw->proto, fw->host, fw->target);
		}
		json_decref(list);
	}
	return 0;
}

static int cmd_up(const struct lab_ctx *ctx, const char *file)
{
	struct lab *lab = calloc(1, sizeof(*lab));
	char err[1024], real[PATH_MAX], base_dir[PATH_MAX];
	char (*addresses)[LAB_MAX_NICS][64] = NULL;
	bool *started = NULL, *ready = NULL, fresh;
	json_t *rec = NULL;
	char *text = NULL;
	int status = NETCTL_EXIT_FAILURE;
	double t0 = now_sec(), deadline;

	if (!lab)
		return NETCTL_EXIT_FAILURE;
	if (lab_parse_file(file, lab, &text, err, sizeof(err)) < 0) {
		errline("%s", err);
		free(lab);
		return NETCTL_EXIT_USAGE;
	}
	if (!realpath(file, real))
		snprintf(real, sizeof(real), "%s", file);
	file_dir(real, base_dir, sizeof(base_dir));

	rec = record_load(ctx, lab->name);
	fresh = !rec;
	if (rec) {
		const char *old = json_string_value(json_object_get(rec, "yaml"));

		if (!old || strcmp(old, text)) {
			errline("lab '%s' is up from a different definition (%s): run 'netctl lab down %s' first",
				  lab->name, json_string_value(json_object_get(rec, "file")) ?: "?", lab->name);
			goto out;
		}
	} else {
		int ret = record_save(ctx, lab->name, real, text);

		if (ret < 0) {
			errline("cannot write the lab's record under %s/.labs: %s", ctx->run_dir,
				  strerror(-ret));
			goto out;
		}
	}
	started = calloc(lab->node_count, sizeof(*started));
	ready = calloc(lab->node_count, sizeof(*ready));
	addresses = calloc(lab->node_count, sizeof(*addresses));
	if (!started || !ready || !addresses)
		goto out;

	printf("lab %s: up (%zu networks, %zu nodes)\n", lab->name, lab->network_count, lab->node_count);
	for (size_t i = 0; i < lab->network_count; i++) {
		if (create_network(ctx, &lab->networks[i], err, sizeof(err)) < 0) {
			errline("network %s: %s", lab->networks[i].name, err);
			goto fail;
		}
	}
	if (boot_nodes(ctx, lab, base_dir, started))
		goto fail;

	/* Wait for every node's network-ready markers on its serial console. */
	deadline = now_sec() + ctx->wait_sec;
	for (;;) {
		size_t waiting = 0;

		for (size_t i = 0; i < lab->node_count; i++) {
			if (ready[i])
				continue;
			ready[i] = node_ready(ctx, lab, &lab->nodes[i], addresses[i]);
			if (ready[i]) {
				printf("  %-12s ready (%.1f s)\n", lab->nodes[i].name, now_sec() - t0);
				fflush(stdout);
			} else {
				waiting++;
			}
		}
		if (!waiting || now_sec() > deadline)
			break;
		usleep(200 * 1000);
	}

	if (add_forwards(ctx, lab, addresses, err, sizeof(err)) < 0) {
		errline("%s", err);
		goto fail;
	}

	printf("\n%-12s %-10s %s\n", "NODE", "STATE", "ADDRESSES");
	status = NETCTL_EXIT_OK;
	for (size_t i = 0; i < lab->node_count; i++) {
		const struct lab_node *vm = &lab->nodes[i];
		char line[1024] = "";
		size_t used = 0;

		for (size_t n = 0; n < vm->nic_count; n++)
			used += (size_t)snprintf(line + used, sizeof(line) - used, "%seth%zu=%s",
						 n ? " " : "", n, addresses[i][n][0] ? addresses[i][n] : "-");
		printf("%-12s %-10s %s\n", vm->name, ready[i] ? "ready" : "timeout", line);
		if (!ready[i])
			status = NETCTL_EXIT_FAILURE;
	}
	printf("lab %s: %s in %.1f s\n", lab->name, status ? "not ready" : "up", now_sec() - t0);
	if (status)
		errline("lab %s: some nodes were not network-ready within %u s (see their serial.log under %s)",
			  lab->name, ctx->wait_sec, ctx->run_dir);
	goto out;

fail:
	/* A failed first `up` leaves nothing behind; a failed re-run keeps what was there. */
	if (fresh) {
		char path[PATH_MAX];

		errline("lab %s: bringing it up failed; removing what was created", lab->name);
		lab_down_lab(ctx, lab, true);
		record_path(ctx, lab->name, path, sizeof(path));
		unlink(path);
	}
	status = NETCTL_EXIT_FAILURE;
out:
	json_decref(rec);
	free(text);
	free(started);
	free(ready);
	free(addresses);
	free(lab);
	return status;
}

/* ------------------------------------------------------------------ status */

/* Everything about a lab as JSON: the topology with live state and addresses. */
static json_t *lab_status_json(const struct lab_ctx *ctx, const struct lab *lab)
{
	json_t *out = json_pack("{s:s}", "name", lab->name);
	json_t *nodes = json_array(), *networks = json_array(), *links = json_array();
	json_t *forwards = json_array();
	char err[512];

	for (size_t i = 0; i < lab->node_count; i++) {
		const struct lab_node *vm = &lab->nodes[i];
		json_t *info = vm_info(ctx, vm->vm), *nics = json_array();
		const char *state = json_string_value(json_object_get(info, "state"));
		char addresses[LAB_MAX_NICS][64];
		bool active = state_active(state);

		node_ready(ctx, lab, vm, addresses);
		for (size_t n = 0; n < vm->nic_count; n++) {
			const struct lab_nic *nic = &vm->nics[n];
			json_t *vmnic = json_array_get(json_object_get(info, "nics"), n);
			const char *address = active && addresses[n][0] ? addresses[n]
					      : nic->address[0] ? nic->address : NULL;
			char ifname[16];

			snprintf(ifname, sizeof(ifname), "eth%zu", n);
			json_array_append_new(nics, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}",
				"name", nic->name, "ifname", ifname,
				"network", lab->networks[nic->net_index].name,
				"net", lab->networks[nic->net_index].net,
				"mac", json_incref(json_object_get(vmnic, "mac")) ?: json_null(),
				"port", json_incref(json_object_get(vmnic, "port")) ?: json_null(),
				"address", address ? json_string(address) : json_null()));
		}
		json_array_append_new(nodes, json_pack("{s:s, s:s, s:s, s:o}", "name", vm->name,
			"vm", vm->vm, "state", state ? state : "absent", "nics", nics));
		json_decref(info);
	}
	for (size_t i = 0; i < lab->network_count; i++) {
		const struct lab_network *net = &lab->networks[i];
		json_t *info = NULL, *obj;
		bool exists = sw_call(ctx, "net.info", json_pack("{s:s}", "name", net->net), &info,
				      err, sizeof(err)) == 0;

		obj = json_pack("{s:s, s:s, s:s, s:b}", "name", net->name, "net", net->net,
				"mode", net->mode, "exists", exists);
		if (net->subnet[0])
			json_object_set_new(obj, "subnet", json_string(net->subnet));
		if (net->link >= 0)
			json_object_set_new(obj, "link", json_string(lab->links[net->link].name));
		if (exists && json_object_get(info, "state"))
			json_object_set(obj, "state", json_object_get(info, "state"));
		json_array_append_new(networks, obj);
		json_decref(info);
		for (size_t f = 0; f < net->forward_count; f++)
			json_array_append_new(forwards, json_pack("{s:s, s:s, s:s, s:s, s:s}",
				"network", net->name, "net", net->net, "proto", net->forwards[f].proto,
				"host", net->forwards[f].host, "target", net->forwards[f].target));
	}
	for (size_t l = 0; l < lab->link_count; l++) {
		const struct lab_link *link = &lab->links[l];

		json_t *ends = json_array();

		for (int e = 0; e < 2; e++)
			json_array_append_new(ends, json_sprintf("%s:%s", link->ends[e].node, link->ends[e].nic));
		json_array_append_new(links, json_pack("{s:s, s:s, s:o}", "name", link->name,
			"net", lab->networks[link->net_index].net, "ends", ends));
	}
	json_object_set_new(out, "nodes", nodes);
	json_object_set_new(out, "networks", networks);
	json_object_set_new(out, "links", links);
	json_object_set_new(out, "forwards", forwards);
	return out;
}

static int load_lab(const struct lab_ctx *ctx, const char *name, struct lab *lab)
{
	char err[512];
	json_t *rec = record_load(ctx, name);
	int ret;

	if (!rec) {
		errline("no lab named '%s' is up (no record under %s/.labs)", name, ctx->run_dir);
		return -ENOENT;
	}
	ret = record_lab(rec, lab, err, sizeof(err));
	json_decref(rec);
	if (ret < 0)
		errline("%s", err);
	return ret;
}

static int cmd_status(const struct lab_ctx *ctx, const char *name)
{
	struct lab *lab = calloc(1, sizeof(*lab));
	json_t *st, *item;
	size_t i;

	if (!lab || load_lab(ctx, name, lab) < 0) {
		free(lab);
		return NETCTL_EXIT_FAILURE;
	}
	st = lab_status_json(ctx, lab);
	free(lab);
	if (ctx->json) {
		char *text = json_dumps(st, JSON_INDENT(2));

		puts(text ? text : "{}");
		free(text);
		json_decref(st);
		return NETCTL_EXIT_OK;
	}
	printf("lab %s\n\n%-12s %-24s %-10s %s\n", name, "NODE", "VM", "STATE", "NICS");
	json_array_foreach(json_object_get(st, "nodes"), i, item) {
		json_t *nic;
		size_t n;

		printf("%-12s %-24s %-10s", json_string_value(json_object_get(item, "name")),
		       json_string_value(json_object_get(item, "vm")),
		       json_string_value(json_object_get(item, "state")));
		json_array_foreach(json_object_get(item, "nics"), n, nic)
			printf(" %s:%s=%s", json_string_value(json_object_get(nic, "ifname")),
			       json_string_value(json_object_get(nic, "network")),
			       json_string_value(json_object_get(nic, "address")) ?: "-");
		printf("\n");
	}
	printf("\n%-12s %-16s %-9s %-18s %s\n", "NETWORK", "VSWITCH NAME", "MODE", "SUBNET", "STATE");
	json_array_foreach(json_object_get(st, "networks"), i, item) {
		const char *state = json_string_value(json_object_get(item, "state"));

		printf("%-12s %-16s %-9s %-18s %s%s\n", json_string_value(json_object_get(item, "name")),
		       json_string_value(json_object_get(item, "net")),
		       json_string_value(json_object_get(item, "mode")),
		       json_string_value(json_object_get(item, "subnet")) ?: "-",
		       json_is_true(json_object_get(item, "exists")) ? (state ? state : "present") : "absent",
		       json_object_get(item, "link") ? " (link)" : "");
	}
	if (json_array_size(json_object_get(st, "forwards"))) {
		printf("\n%-12s %-6s %-22s %s\n", "NETWORK", "PROTO", "HOST", "TARGET");
		json_array_foreach(json_object_get(st, "forwards"), i, item)
			printf("%-12s %-6s %-22s %s\n", json_string_value(json_object_get(item, "network")),
			       json_string_value(json_object_get(item, "proto")),
			       json_string_value(json_object_get(item, "host")),
			       json_string_value(json_object_get(item, "target")));
	}
	json_decref(st);
	return NETCTL_EXIT_OK;
}

/* ------------------------------------------------------------------ graph */

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

static void write_dot(FILE *f, json_t *st)
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

static int cmd_graph(const struct lab_ctx *ctx, const char *name)
{
	struct lab *lab = calloc(1, sizeof(*lab));
	json_t *st;
	int status = NETCTL_EXIT_OK;

	if (!lab || load_lab(ctx, name, lab) < 0) {
		free(lab);
		return NETCTL_EXIT_FAILURE;
	}
	st = lab_status_json(ctx, lab);
	free(lab);
	if (ctx->svg) {
		char *dot_text = NULL;
		size_t dot_size = 0;
		FILE *mem = open_memstream(&dot_text, &dot_size);
		const char *argv[] = { "dot", "-Tsvg", "-o", ctx->svg, NULL };
		int pipefd[2], wstatus;
		pid_t pid;

		write_dot(mem, st);
		fclose(mem);
		if (pipe(pipefd) < 0 || (pid = fork()) < 0) {
			errline("cannot run dot: %s", strerror(errno));
			status = NETCTL_EXIT_FAILURE;
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
				errline("dot -Tsvg failed (is graphviz installed?)");
				status = NETCTL_EXIT_FAILURE;
			} else {
				printf("wrote %s\n", ctx->svg);
			}
		}
		free(dot_text);
	} else {
		write_dot(stdout, st);
	}
	json_decref(st);
	return status;
}

/* ------------------------------------------------------------------ entry */

int netctl_lab_resolve(const char *spec, char net[16], char *err, size_t err_size)
{
	struct lab_ctx ctx = { 0 };
	struct lab *lab;
	char name[LAB_NAME_MAX + 1];
	const char *slash = strchr(spec, '/');
	json_t *rec;
	int index, ret;

	if (!slash || (size_t)(slash - spec) > LAB_NAME_MAX || slash == spec) {
		snprintf(err, err_size, "invalid lab link '%s': expected LAB/LINK", spec);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(slash - spec), spec);
	snprintf(ctx.run_dir, sizeof(ctx.run_dir), "%s", default_run_dir());
	rec = record_load(&ctx, name);
	if (!rec) {
		snprintf(err, err_size, "no lab named '%s' is up (no record under %s/.labs)", name, ctx.run_dir);
		return -ENOENT;
	}
	lab = calloc(1, sizeof(*lab));
	ret = lab ? record_lab(rec, lab, err, err_size) : -ENOMEM;
	json_decref(rec);
	if (ret < 0) {
		free(lab);
		return ret;
	}
	index = lab_find_network(lab, slash + 1);
	if (index < 0) {
		snprintf(err, err_size, "lab '%s' has no link or network '%s'", name, slash + 1);
		free(lab);
		return -ENOENT;
	}
	snprintf(net, 16, "%s", lab->networks[index].net);
	free(lab);
	return 0;
}

static void lab_usage(FILE *f)
{
	fprintf(f,
		"usage: netctl lab up FILE [--run-dir DIR] [--wait SEC]\n"
		"       netctl lab down NAME [--run-dir DIR]\n"
		"       netctl lab status NAME [--json] [--run-dir DIR]\n"
		"       netctl lab graph NAME [--svg FILE] [--run-dir DIR]\n"
		"  --run-dir DIR  vmm's run directory ($VMM_RUN_DIR, default %s); lab records in DIR/.labs\n"
		"  --wait SEC     how long up waits for every node to be network-ready (default %d)\n"
		"  vmm is run from $VMM, else next to netctl, else from $PATH.\n",
		LAB_DEFAULT_RUN_DIR, LAB_DEFAULT_WAIT);
}

int netctl_lab_main(const struct netctl_invocation *inv)
{
	struct lab_ctx ctx = { .json = inv->json, .wait_sec = LAB_DEFAULT_WAIT };
	const char *cmd = inv->command->name, *arg = NULL, *run_dir = default_run_dir();
	int argc = inv->capture_argc;
	char *const *argv = inv->capture_argv;

	ctx.socket = netctl_socket_path(inv->socket_path, getenv("VSWITCH_SOCKET"));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			lab_usage(stdout);
			return NETCTL_EXIT_OK;
		} else if (!strcmp(a, "--json")) {
			ctx.json = true;
		} else if (!strcmp(a, "--run-dir") && value) {
			run_dir = value;
			i++;
		} else if (!strcmp(a, "--wait") && value && !strcmp(cmd, "up")) {
			if (value_parse_count(value, 1, 86400, &ctx.wait_sec) < 0) {
				errline("invalid value '%s' for --wait: expected seconds from 1 to 86400", value);
				return NETCTL_EXIT_USAGE;
			}
			i++;
		} else if (!strcmp(a, "--svg") && value && !strcmp(cmd, "graph")) {
			ctx.svg = value;
			i++;
		} else if (a[0] == '-' && a[1]) {
			errline("unknown option or missing value '%s' for 'lab %s' (see 'netctl lab %s -h')", a, cmd, cmd);
			return NETCTL_EXIT_USAGE;
		} else if (!arg) {
			arg = a;
		} else {
			errline("unexpected argument '%s' (usage: netctl lab %s %s)", a, cmd,
				  strcmp(cmd, "up") ? "NAME" : "FILE");
			return NETCTL_EXIT_USAGE;
		}
	}
	if (!arg) {
		errline("missing %s (usage: netctl lab %s %s)", strcmp(cmd, "up") ? "NAME" : "FILE",
			  cmd, strcmp(cmd, "up") ? "NAME" : "FILE");
		return NETCTL_EXIT_USAGE;
	}
	if (strlen(run_dir) >= sizeof(ctx.run_dir) - 64) {
		errline("--run-dir is too long");
		return NETCTL_EXIT_USAGE;
	}
	snprintf(ctx.run_dir, sizeof(ctx.run_dir), "%s", run_dir);
	find_vmm(ctx.vmm);
	/* A vmm that exits early must not kill netctl while it writes to the pipe. */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(cmd, "up"))
		return cmd_up(&ctx, arg);
	if (strchr(arg, '/') || strlen(arg) > LAB_NAME_MAX) {
		errline("invalid lab name '%s'", arg);
		return NETCTL_EXIT_USAGE;
	}
	if (!strcmp(cmd, "down"))
		return cmd_down(&ctx, arg);
	if (!strcmp(cmd, "status"))
		return cmd_status(&ctx, arg);
	return cmd_graph(&ctx, arg);
}
