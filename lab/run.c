/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run.c - a lab brought up, taken down and looked at (see run.h).
 *
 * Theory of operation: netctl owns the lab, vswitchd owns the networks and
 * vmm owns the VMs. Networks are created over the control socket; VMs are
 * started by running the vmm binary with the same socket and run directory,
 * so every VM is an ordinary vmm VM. What a lab is lives in one record
 * (record.h), written before anything is created, so `down` can always find
 * and remove what a failed or finished `up` made. `up` observes what exists,
 * lets plan.c decide what is missing, and creates only that: running it
 * twice changes nothing.
 */

#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "errline.h"
#include "parse.h"
#include "record.h"
#include "run.h"

/*
 * Paths are PATH_MAX buffers built from a run directory the command line
 * checked to leave room; a cut path would fail to open, not overflow.
 */
#pragma GCC diagnostic ignored "-Wformat-truncation"

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ vswitchd */

/* One request; @result may be NULL. Return: 0 or negative errno (message in @err). */
static int sw_call(const struct lab_env *env, const char *method, json_t *params,
		   json_t **result, char *err, size_t err_size)
{
	char *errmsg = NULL;
	json_t *res = NULL;
	int fd, ret;

	fd = ctl_connect(env->socket);
	if (fd < 0) {
		json_decref(params);
		snprintf(err, err_size, "cannot connect to %s: %s (is vswitchd running?)",
			 env->socket, strerror(-fd));
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
static int job_start(const struct lab_env *env, struct job *job, const char *const *args)
{
	const char *argv[64];
	int pipefd[2], argc = 0;

	argv[argc++] = env->vmm;
	argv[argc++] = "-s";
	argv[argc++] = env->socket;
	argv[argc++] = "--run-dir";
	argv[argc++] = env->run_dir;
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

static int vmm_sync(const struct lab_env *env, const char *const *args, struct job *job)
{
	if (job_start(env, job, args) < 0) {
		job->status = 127;
		snprintf(job->out, sizeof(job->out), "cannot run %s", env->vmm);
		return 127;
	}
	return job_finish(job);
}

/* `vmm --json info VM`, or NULL if vmm knows no such VM. */
static json_t *vm_info(const struct lab_env *env, const char *vm)
{
	const char *args[] = { "--json", "info", vm, NULL };
	struct job *job = malloc(sizeof(*job));
	json_t *info = NULL;

	if (!job)
		return NULL;
	if (vmm_sync(env, args, job) == 0)
		info = json_loads(job->out, 0, NULL);
	free(job);
	return info;
}

static const char *last_line(const char *text)
{
	const char *nl = strrchr(text, '\n');

	return nl ? nl + 1 : text;
}

/* Read node @vm's serial log (lab_plan_serial_ready()). */
static bool node_ready(const struct lab_env *env, const struct lab *lab, const struct lab_node *vm,
		       char addresses[][LAB_ADDRESS_MAX])
{
	char path[PATH_MAX];
	bool ready;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/serial.log", env->run_dir, vm->vm);
	f = fopen(path, "r");
	ready = lab_plan_serial_ready(lab, vm, f, addresses);
	if (f)
		fclose(f);
	return ready;
}

/* ------------------------------------------------------------------ down */

static int down_nodes_and_networks(const struct lab_env *env, const struct lab *lab, bool quiet)
{
	struct job *jobs = calloc(lab->node_count, sizeof(*jobs));
	char err[512];
	int failures = 0, fd;

	if (!jobs)
		return -ENOMEM;
	/* Stop every node at once, then forget them; then the networks. */
	for (size_t i = 0; i < lab->node_count; i++) {
		const char *args[] = { "stop", lab->nodes[i].vm, "--force", NULL };

		if (job_start(env, &jobs[i], args) < 0)
			jobs[i].pid = -1;
	}
	for (size_t i = 0; i < lab->node_count; i++) {
		const char *rm[] = { "rm", lab->nodes[i].vm, NULL };
		struct job job;

		if (jobs[i].pid > 0)
			job_finish(&jobs[i]);
		vmm_sync(env, rm, &job);
		if (!quiet)
			fprintf(env->out, "  %-12s stopped\n", lab->nodes[i].name);
	}
	free(jobs);
	/* Without vswitchd nothing can be said about the networks: keep the record. */
	fd = ctl_connect(env->socket);
	if (fd < 0) {
		errline("cannot connect to %s: %s (is vswitchd running?); the networks stay recorded",
			env->socket, strerror(-fd));
		return -EIO;
	}
	close(fd);
	for (size_t i = 0; i < lab->network_count; i++) {
		const struct lab_network *net = &lab->networks[i];
		json_t *info = NULL;

		/* A network that is gone already is what we want. */
		if (sw_call(env, "net.info", json_pack("{s:s}", "name", net->net), &info, err, sizeof(err)) == 0) {
			json_decref(info);
			if (sw_call(env, "net.destroy", json_pack("{s:s, s:b}", "name", net->net, "force", 1),
				    NULL, err, sizeof(err)) < 0) {
				errline("cannot remove network %s: %s", net->net, err);
				failures++;
				continue;
			}
		}
		if (!quiet)
			fprintf(env->out, "  %-12s removed (%s)\n", net->name, net->net);
	}
	return failures ? -EIO : 0;
}

int lab_down(const struct lab_env *env, const char *name)
{
	struct lab *lab = calloc(1, sizeof(*lab));
	char err[512];
	int ret;

	if (!lab)
		return -ENOMEM;
	ret = lab_record_read(env->run_dir, name, lab, err, sizeof(err));
	if (ret < 0) {
		errline("%s", err);
		free(lab);
		return ret;
	}
	fprintf(env->out, "lab %s: down\n", name);
	ret = down_nodes_and_networks(env, lab, false);
	free(lab);
	if (ret < 0)
		return ret;
	lab_record_remove(env->run_dir, name);
	return 0;
}

/* ------------------------------------------------------------------ up */

/* What exists of @lab: its networks in vswitchd, its VMs in vmm. */
static void observe(const struct lab_env *env, const struct lab *lab, struct lab_observed *now)
{
	char err[512];

	memset(now, 0, sizeof(*now));
	for (size_t i = 0; i < lab->network_count; i++) {
		json_t *info = NULL;

		now->net_exists[i] = sw_call(env, "net.info", json_pack("{s:s}", "name", lab->networks[i].net),
					     &info, err, sizeof(err)) == 0;
		json_decref(info);
	}
	for (size_t i = 0; i < lab->node_count; i++) {
		json_t *info = vm_info(env, lab->nodes[i].vm);
		const char *state = json_string_value(json_object_get(info, "state"));

		snprintf(now->vm_state[i], sizeof(now->vm_state[i]), "%s", state ? state : "");
		json_decref(info);
	}
}

static int create_networks(const struct lab_env *env, const struct lab *lab,
			   const struct lab_plan *plan)
{
	char err[1024];

	for (size_t i = 0; i < lab->network_count; i++) {
		const struct lab_network *net = &lab->networks[i];

		if (!plan->create_net[i]) {
			fprintf(env->out, "  %-12s network %s exists\n", net->name, net->net);
			continue;
		}
		if (sw_call(env, "net.create", lab_plan_net_params(net), NULL, err, sizeof(err)) < 0) {
			errline("network %s: %s", net->name, err);
			return -EIO;
		}
		fprintf(env->out, "  %-12s network %s created (%s%s%s)\n", net->name, net->net, net->mode,
			net->subnet[0] ? " " : "", net->subnet);
	}
	return 0;
}

/* Boot the nodes @plan names, in parallel. Return: count of failures. */
static int boot_nodes(const struct lab_env *env, const struct lab *lab, const char *base_dir,
		      const struct lab_observed *now, const struct lab_plan *plan)
{
	struct boot {
		struct job job;
		struct lab_vm_args args;
		double t0;
		bool running;
	} *boots = calloc(lab->node_count, sizeof(*boots));
	int failures = 0;

	if (!boots)
		return (int)lab->node_count;
	for (size_t i = 0; i < lab->node_count; i++) {
		const struct lab_node *vm = &lab->nodes[i];

		if (!plan->boot_node[i]) {
			fprintf(env->out, "  %-12s %s already %s\n", vm->name, vm->vm, now->vm_state[i]);
			boots[i].running = true;
			continue;
		}
		if (lab_plan_vm_args(lab, vm, base_dir, &boots[i].args) < 0) {
			errline("node %s: its kernel command line (append, addresses, routes) exceeds %d bytes",
				vm->name, LAB_CMDLINE_MAX);
			boots[i].job.pid = -1;
			failures++;
			continue;
		}
		fprintf(env->out, "  %-12s booting %s\n", vm->name, vm->vm);
		fflush(env->out);
		boots[i].t0 = now_sec();
		if (job_start(env, &boots[i].job, boots[i].args.argv) < 0) {
			errline("node %s: cannot run %s", vm->name, env->vmm);
			boots[i].job.pid = -1;
			failures++;
		}
	}
	for (size_t i = 0; i < lab->node_count; i++) {
		const struct lab_node *vm = &lab->nodes[i];

		if (boots[i].running || boots[i].job.pid <= 0)
			continue;
		if (job_finish(&boots[i].job) != 0) {
			errline("node %s: vmm run failed: %s", vm->name, last_line(boots[i].job.out));
			failures++;
			continue;
		}
		fprintf(env->out, "  %-12s started (%.1f s)\n", vm->name, now_sec() - boots[i].t0);
		fflush(env->out);
	}
	free(boots);
	return failures;
}

/* Wait for every node's network-ready markers on its serial console. */
static void wait_ready(const struct lab_env *env, const struct lab *lab, double t0,
		       struct lab_up_report *report)
{
	double deadline = now_sec() + env->wait_sec;

	for (;;) {
		size_t waiting = 0;

		for (size_t i = 0; i < lab->node_count; i++) {
			if (report->ready[i])
				continue;
			report->ready[i] = node_ready(env, lab, &lab->nodes[i], report->addresses[i]);
			if (report->ready[i]) {
				fprintf(env->out, "  %-12s ready (%.1f s)\n", lab->nodes[i].name, now_sec() - t0);
				fflush(env->out);
			} else {
				waiting++;
			}
		}
		if (!waiting || now_sec() > deadline)
			break;
		usleep(200 * 1000);
	}
}

/* The forwards vswitchd does not have yet, once the nodes have their addresses. */
static int add_forwards(const struct lab_env *env, const struct lab *lab,
			char (*addresses)[LAB_MAX_NICS][LAB_ADDRESS_MAX])
{
	char err[1024], target[128];

	for (size_t i = 0; i < lab->network_count; i++) {
		const struct lab_network *net = &lab->networks[i];
		json_t *list = NULL;
		int ret = 0;

		if (!net->forward_count)
			continue;
		if (sw_call(env, "forward.list", json_pack("{s:s}", "net", net->net), &list, err, sizeof(err)) < 0) {
			errline("%s", err);
			return -EIO;
		}
		for (size_t f = 0; f < net->forward_count && !ret; f++) {
			const struct lab_forward *fw = &net->forwards[f];

			if (lab_plan_forward_present(list, fw))
				continue;
			ret = lab_plan_forward_target(lab, i, fw, addresses, target, sizeof(target),
						      err, sizeof(err));
			if (!ret && sw_call(env, "forward.add", json_pack("{s:s, s:s, s:s, s:s}", "net", net->net,
					    "proto", fw->proto, "host", fw->host, "target", target),
					    NULL, err, sizeof(err)) < 0)
				ret = -EIO;
			if (!ret)
				fprintf(env->out, "  %-12s forward %s %s -> %s\n", net->name, fw->proto, fw->host,
					fw->target);
		}
		json_decref(list);
		if (ret < 0) {
			errline("%s", err);
			return -EIO;
		}
	}
	return 0;
}

int lab_up(const struct lab_env *env, const char *file, struct lab *lab,
	   struct lab_up_report *report)
{
	char err[1024], real[PATH_MAX], base_dir[PATH_MAX];
	struct lab_observed *now = NULL;
	struct lab_plan *plan = NULL;
	double t0 = now_sec();
	json_t *rec = NULL;
	char *text = NULL;
	bool fresh;
	int ret;

	memset(report, 0, sizeof(*report));
	ret = lab_parse_file(file, lab, &text, err, sizeof(err));
	if (ret < 0) {
		errline("%s", err);
		return -EINVAL;
	}
	if (!realpath(file, real))
		snprintf(real, sizeof(real), "%s", file);
	lab_file_dir(real, base_dir, sizeof(base_dir));

	rec = lab_record_load(env->run_dir, lab->name);
	fresh = !rec;
	if (rec) {
		const char *old = json_string_value(json_object_get(rec, "yaml"));

		if (!old || strcmp(old, text)) {
			errline("lab '%s' is up from a different definition (%s): run 'netctl lab down %s' first",
				lab->name, json_string_value(json_object_get(rec, "file")) ?: "?", lab->name);
			ret = -EEXIST;
			goto out;
		}
	} else {
		ret = lab_record_save(env->run_dir, lab->name, real, text);
		if (ret < 0) {
			errline("cannot write the lab's record under %s/.labs: %s", env->run_dir,
				strerror(-ret));
			goto out;
		}
	}
	now = calloc(1, sizeof(*now));
	plan = calloc(1, sizeof(*plan));
	ret = -ENOMEM;
	if (!now || !plan)
		goto out;

	fprintf(env->out, "lab %s: up (%zu networks, %zu nodes)\n", lab->name, lab->network_count,
		lab->node_count);
	observe(env, lab, now);
	lab_plan_up(lab, now, plan);
	ret = create_networks(env, lab, plan);
	if (ret < 0)
		goto fail;
	if (boot_nodes(env, lab, base_dir, now, plan)) {
		ret = -EIO;
		goto fail;
	}
	wait_ready(env, lab, t0, report);
	ret = add_forwards(env, lab, report->addresses);
	if (ret < 0)
		goto fail;
	goto out;

fail:
	/* A failed first `up` leaves nothing behind; a failed re-run keeps what was there. */
	if (fresh) {
		errline("lab %s: bringing it up failed; removing what was created", lab->name);
		down_nodes_and_networks(env, lab, true);
		lab_record_remove(env->run_dir, lab->name);
	}
out:
	json_decref(rec);
	free(text);
	free(now);
	free(plan);
	return ret;
}

/* ------------------------------------------------------------------ status */

json_t *lab_status_json(const struct lab_env *env, const struct lab *lab)
{
	json_t *out = json_pack("{s:s}", "name", lab->name);
	json_t *nodes = json_array(), *networks = json_array(), *links = json_array();
	json_t *forwards = json_array();
	char err[512];

	for (size_t i = 0; i < lab->node_count; i++) {
		const struct lab_node *vm = &lab->nodes[i];
		json_t *info = vm_info(env, vm->vm), *nics = json_array();
		const char *state = json_string_value(json_object_get(info, "state"));
		char addresses[LAB_MAX_NICS][LAB_ADDRESS_MAX];
		bool active = lab_vm_active(state);

		node_ready(env, lab, vm, addresses);
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
		bool exists = sw_call(env, "net.info", json_pack("{s:s}", "name", net->net), &info,
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
