// SPDX-License-Identifier: GPL-2.0-or-later
/* state.c - VM records under the run directory (see state.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fileio.h"
#include "fmt.h"
#include "state.h"

static const char *const state_names[] = {
	[VM_STARTING] = "starting",
	[VM_RUNNING] = "running",
	[VM_STOPPING] = "stopping",
	[VM_STOPPED] = "stopped",
	[VM_CRASHED] = "crashed",
};

const char *vm_state_name(enum vm_state state)
{
	return state <= VM_CRASHED ? state_names[state] : "unknown";
}

bool vm_is_active(const struct vm *vm)
{
	return vm->state == VM_STARTING || vm->state == VM_RUNNING || vm->state == VM_STOPPING;
}

int vm_init(struct vm *vm, const char *run_dir, const char *name)
{
	char name_copy[VM_NAME_MAX + 1], dir[PATH_MAX];

	/* @name and @run_dir may point into @vm itself (reloading a record). */
	if (strlen(name) > VM_NAME_MAX)
		return -ENAMETOOLONG;
	strcpy(name_copy, name);
	if ((size_t)fmt(dir, sizeof(dir), "%s/%s", run_dir, name) >= sizeof(dir))
		return -ENAMETOOLONG;
	memset(vm, 0, sizeof(*vm));
	strcpy(vm->name, name_copy);
	strcpy(vm->dir, dir);
	vm->cpus = 1;
	vm->memory_mib = VM_DEFAULT_MEMORY_MIB;
	vm->accel = ACCEL_TCG;
	return 0;
}

int vm_path(const struct vm *vm, const char *file, char *out, size_t size)
{
	size_t len = strlen(file);
	size_t limit = size;

	if (len > 5 && !strcmp(file + len - 5, ".sock") &&
	    limit > sizeof(((struct sockaddr_un *)0)->sun_path))
		limit = sizeof(((struct sockaddr_un *)0)->sun_path);
	if ((size_t)fmt(out, size, "%s/%s", vm->dir, file) >= limit)
		return -ENAMETOOLONG;
	return 0;
}

json_t *vm_to_json(const struct vm *vm)
{
	json_t *nics = json_array();
	json_t *obj;
	int i;

	for (i = 0; i < vm->nic_count; i++)
		json_array_append_new(nics, json_pack("{s:i, s:s, s:s, s:s}",
			"id", vm->nics[i].id, "net", vm->nics[i].net,
			"mac", vm->nics[i].mac, "port", vm->nics[i].port));
	obj = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o}",
		"name", vm->name,
		"state", vm_state_name(vm->state),
		"accel", accel_name(vm->accel),
		"accel_reason", vm->accel_reason,
		"memory_mib", (json_int_t)vm->memory_mib,
		"cpus", (json_int_t)vm->cpus,
		"nics", nics);
	if (vm->kernel[0])
		json_object_set_new(obj, "kernel", json_string(vm->kernel));
	if (vm->initrd[0])
		json_object_set_new(obj, "initrd", json_string(vm->initrd));
	if (vm->append[0])
		json_object_set_new(obj, "append", json_string(vm->append));
	if (vm->disk[0]) {
		json_object_set_new(obj, "disk", json_string(vm->disk));
		json_object_set_new(obj, "disk_format", json_string(vm->disk_format));
	}
	if (vm->backing[0])
		json_object_set_new(obj, "backing", json_string(vm->backing));
	json_object_set_new(obj, "qemu_pid", json_integer(vm->qemu_pid));
	json_object_set_new(obj, "qemu_start", json_integer((json_int_t)vm->qemu_start));
	json_object_set_new(obj, "supervisor_pid", json_integer(vm->supervisor_pid));
	json_object_set_new(obj, "supervisor_start", json_integer((json_int_t)vm->supervisor_start));
	json_object_set_new(obj, "started_at", json_integer(vm->started_at));
	json_object_set_new(obj, "exit_reason", json_string(vm->exit_reason));
	json_object_set_new(obj, "ports_pending", json_boolean(vm->ports_pending));
	return obj;
}

static void copy_string(char *dst, size_t size, const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	fmt(dst, size, "%s", s ? s : "");
}

static long long get_int(const json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

int vm_from_json(struct vm *vm, const json_t *obj)
{
	const char *state = json_string_value(json_object_get(obj, "state"));
	const char *accel = json_string_value(json_object_get(obj, "accel"));
	json_t *nics = json_object_get(obj, "nics"), *n;
	size_t i;
	int s;

	if (!json_is_object(obj) || !state || !json_is_array(nics) ||
	    json_array_size(nics) > VM_NICS_MAX)
		return -EINVAL;
	vm->state = VM_CRASHED;
	for (s = 0; s <= VM_CRASHED; s++)
		if (!strcmp(state, state_names[s]))
			vm->state = (enum vm_state)s;
	if (!accel || accel_parse(accel, &vm->accel))
		vm->accel = ACCEL_TCG;
	copy_string(vm->accel_reason, sizeof(vm->accel_reason), obj, "accel_reason");
	vm->memory_mib = (unsigned long)get_int(obj, "memory_mib");
	vm->cpus = (unsigned int)get_int(obj, "cpus");
	copy_string(vm->kernel, sizeof(vm->kernel), obj, "kernel");
	copy_string(vm->initrd, sizeof(vm->initrd), obj, "initrd");
	copy_string(vm->append, sizeof(vm->append), obj, "append");
	copy_string(vm->disk, sizeof(vm->disk), obj, "disk");
	copy_string(vm->disk_format, sizeof(vm->disk_format), obj, "disk_format");
	copy_string(vm->backing, sizeof(vm->backing), obj, "backing");
	vm->qemu_pid = (pid_t)get_int(obj, "qemu_pid");
	vm->qemu_start = (unsigned long long)get_int(obj, "qemu_start");
	vm->supervisor_pid = (pid_t)get_int(obj, "supervisor_pid");
	vm->supervisor_start = (unsigned long long)get_int(obj, "supervisor_start");
	vm->started_at = get_int(obj, "started_at");
	copy_string(vm->exit_reason, sizeof(vm->exit_reason), obj, "exit_reason");
	vm->ports_pending = json_is_true(json_object_get(obj, "ports_pending"));
	vm->nic_count = 0;
	json_array_foreach(nics, i, n) {
		struct vm_nic *nic = &vm->nics[vm->nic_count++];

		nic->id = (int)get_int(n, "id");
		copy_string(nic->net, sizeof(nic->net), n, "net");
		copy_string(nic->mac, sizeof(nic->mac), n, "mac");
		copy_string(nic->port, sizeof(nic->port), n, "port");
	}
	return 0;
}

int vm_load(struct vm *vm, const char *run_dir, const char *name)
{
	char path[PATH_MAX];
	json_error_t jerr;
	json_t *obj;
	int ret = vm_init(vm, run_dir, name);

	if (ret)
		return ret;
	if (vm_path(vm, "vm.json", path, sizeof(path)))
		return -ENAMETOOLONG;
	obj = json_load_file(path, 0, &jerr);
	if (!obj)
		return access(path, F_OK) ? -ENOENT : -EINVAL;
	ret = vm_from_json(vm, obj);
	json_decref(obj);
	return ret;
}

int vm_save(const struct vm *vm)
{
	char path[PATH_MAX];
	json_t *obj = vm_to_json(vm);
	char *text, *line;
	size_t size;
	int ret;

	if (vm_path(vm, "vm.json", path, sizeof(path))) {
		json_decref(obj);
		return -ENAMETOOLONG;
	}
	text = json_dumps(obj, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(obj);
	if (!text)
		return -ENOMEM;
	/* One text line: the file ends with a newline. */
	size = strlen(text);
	line = realloc(text, size + 2);
	if (!line) {
		free(text);
		return -ENOMEM;
	}
	line[size++] = '\n';
	line[size] = '\0';
	ret = file_write_atomic(path, line, size, 0644);
	free(line);
	return ret;
}

int vm_lock(const struct vm *vm)
{
	char path[PATH_MAX];
	int fd;

	if (vm_path(vm, "lock", path, sizeof(path)))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int ret = -errno;

			close(fd);
			return ret;
		}
	}
	return fd;
}

void vm_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vm_list_names(const char *run_dir, char ***names)
{
	char path[PATH_MAX];
	DIR *d = opendir(run_dir);
	struct dirent *e;
	char **list = NULL;
	int count = 0;

	*names = NULL;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		char **grown;

		if (e->d_name[0] == '.')
			continue;
		if ((size_t)fmt(path, sizeof(path), "%s/%s/vm.json", run_dir, e->d_name) >= sizeof(path) ||
		    access(path, F_OK))
			continue;
		grown = realloc(list, sizeof(*list) * (count + 1));
		if (!grown)
			break;
		list = grown;
		list[count] = strdup(e->d_name);
		if (list[count])
			count++;
	}
	closedir(d);
	if (count)
		qsort(list, count, sizeof(*list), compare_names);
	*names = list;
	return count;
}

void vm_free_names(char **names, int count)
{
	int i;

	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

unsigned long long proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	int field;
	FILE *f;

	if (pid <= 0)
		return 0;
	fmt(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	/* The command name may hold spaces and parentheses: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* p + 2 is field 3 (state); a zombie has exited. */
	if (p[2] == 'Z' || p[2] == 'X')
		return 0;
	for (field = 3, p += 2; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		start = strtoull(p, NULL, 10);
	return start;
}

bool proc_alive(pid_t pid, unsigned long long start)
{
	return pid > 0 && start && proc_start_time(pid) == start;
}

static void remove_tree(const char *path)
{
	struct dirent *e;
	char child[PATH_MAX];
	DIR *d = opendir(path);

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if ((size_t)fmt(child, sizeof(child), "%s/%s", path, e->d_name) >= sizeof(child))
			continue;
		if (unlink(child) < 0 && (errno == EISDIR || errno == EPERM))
			remove_tree(child);
	}
	closedir(d);
	rmdir(path);
}

void vm_remove_dir(const struct vm *vm)
{
	remove_tree(vm->dir);
}
