// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_run.c - `vmm run`: check everything, plug the NICs into vswitchd,
 * start QEMU, and supervise it until it exits.
 *
 * Theory of operation
 *
 * Order matters, and every step is undone in reverse if a later one fails,
 * so a failed run leaves nothing behind: inputs are checked first (files,
 * QEMU, accelerator, name, vswitchd, networks) before anything is created;
 * then the VM directory and record, then QEMU, and as soon as QEMU listens
 * on its NIC sockets one client-mode vswitchd port per NIC (vswitchd then
 * connects at once, not at its next one-second retry). QEMU's initialisation
 * waits until vswitchd has connected to every NIC socket, so once QMP
 * answers the guest is running with its network plugged in: that is when
 * `run --detach` returns.
 *
 * The supervisor is the process that started QEMU: `vmm run` itself in the
 * foreground (it also shows the serial console output), or a detached child
 * with --detach. When QEMU exits it removes the VM's ports from vswitchd and
 * records how the VM ended. SIGINT or SIGTERM to the supervisor powers the
 * guest down (ACPI), and kills it after VMM_STOP_TIMEOUT_SEC.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errline.h"
#include "fileio.h"
#include "fmt.h"
#include "device.h"
#include "dev_net.h"
#include "qmp.h"
#include "vmm.h"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* An input file: must exist and be readable; returned as an absolute path. */
static int check_file(const char *what, const char *path, char *out, size_t size,
		      char *err, size_t err_size)
{
	char resolved[PATH_MAX];
	struct stat st;

	if (!realpath(path, resolved) || stat(resolved, &st) < 0) {
		fmt(err, err_size, "%s '%s' not found", what, path);
		return -ENOENT;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		fmt(err, err_size, "%s '%s' is not a file", what, path);
		return -EINVAL;
	}
	if (access(resolved, R_OK)) {
		fmt(err, err_size, "%s '%s' is not readable: %s", what, path, strerror(errno));
		return -EACCES;
	}
	fmt(out, size, "%s", resolved);
	return 0;
}

/* qcow2 images start with "QFI\xfb"; anything else is taken as raw. */
static const char *disk_format(const char *path)
{
	unsigned char magic[4] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, magic, sizeof(magic)) != sizeof(magic))
			memset(magic, 0, sizeof(magic));
		close(fd);
	}
	return memcmp(magic, "QFI\xfb", 4) ? "raw" : "qcow2";
}

/* Run a program to completion, its output into @log. Return: its exit status or -errno. */
static int run_program(char *const argv[], const char *log)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The last non-empty line of @path, for error messages. */
static void last_line(const char *path, char *out, size_t size)
{
	char line[512];
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			fmt(out, size, "%s", line);
	}
	fclose(f);
}

static int create_overlay(struct vm *vm, const char *base, char *err, size_t err_size)
{
	char overlay[PATH_MAX], log[PATH_MAX], qemu_img[PATH_MAX], why[256];
	const char *base_format = disk_format(base);
	int ret;

	if (find_program("qemu-img", qemu_img, sizeof(qemu_img))) {
		fmt(err, err_size, "--overlay needs qemu-img (Debian package qemu-utils)");
		return -ENOENT;
	}
	if (vm_path(vm, "disk.qcow2", overlay, sizeof(overlay)) ||
	    vm_path(vm, "qemu.log", log, sizeof(log))) {
		fmt(err, err_size, "run directory path too long");
		return -ENAMETOOLONG;
	}
	{
		char *const argv[] = { qemu_img, "create", "-q", "-f", "qcow2", "-F", (char *)base_format,
				       "-b", (char *)base, overlay, NULL };

		ret = run_program(argv, log);
	}
	if (ret) {
		last_line(log, why, sizeof(why));
		fmt(err, err_size, "qemu-img could not create an overlay on %s: %s", base,
			 why[0] ? why : "failed");
		return -EIO;
	}
	/* @base may be vm->disk itself: record it before replacing the disk. */
	fmt(vm->backing, sizeof(vm->backing), "%s", base);
	fmt(vm->disk, sizeof(vm->disk), "%s", overlay);
	fmt(vm->disk_format, sizeof(vm->disk_format), "qcow2");
	return 0;
}

/* Start QEMU with @argv, its output into qemu.log. Return: pid or -errno. */
static pid_t spawn_qemu(struct vm *vm, char *const argv[])
{
	char log[PATH_MAX];
	pid_t pid;
	int fd;

	if (vm_path(vm, "qemu.log", log, sizeof(log)))
		return -ENAMETOOLONG;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* Its own process group: Ctrl-C reaches vmm, which powers down gracefully. */
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, STDIN_FILENO);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		closefrom(3);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Wait until QEMU answers QMP (it has finished initialising, NICs
 * connected), or exits, or the start timeout passes.
 * Return: 0 when up; else negative errno with @err set.
 */
static int wait_qemu_up(struct vm *vm, pid_t pid, char *err, size_t err_size)
{
	long long deadline = now_ms() + VMM_START_TIMEOUT_SEC * 1000LL;
	char qmp_path[PATH_MAX], log[PATH_MAX], why[400], e[256];
	struct qmp q;
	int status;

	vm_path(vm, "qmp.sock", qmp_path, sizeof(qmp_path));
	vm_path(vm, "qemu.log", log, sizeof(log));
	while (now_ms() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			last_line(log, why, sizeof(why));
			fmt(err, err_size, "QEMU exited during start-up: %s",
				 why[0] ? why : "no message (see qemu.log)");
			return -ECHILD;
		}
		if (stop_requested) {
			fmt(err, err_size, "interrupted while QEMU was starting");
			return -EINTR;
		}
		if (qmp_open(&q, qmp_path, 500, e, sizeof(e)) == 0) {
			qmp_close(&q);
			return 0;
		}
		usleep(100 * 1000);
	}
	fmt(err, err_size,
		 "QEMU did not come up within %d s (vswitchd never connected to its NIC sockets?); see %s",
		 VMM_START_TIMEOUT_SEC, log);
	return -ETIMEDOUT;
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void describe_exit(int status, bool stopping, struct vm *vm)
{
	if (stopping) {
		vm->state = VM_STOPPED;
		fmt(vm->exit_reason, sizeof(vm->exit_reason), "stopped on request");
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		vm->state = VM_STOPPED;
		fmt(vm->exit_reason, sizeof(vm->exit_reason), "guest powered off");
	} else if (WIFEXITED(status)) {
		vm->state = VM_CRASHED;
		fmt(vm->exit_reason, sizeof(vm->exit_reason), "QEMU exited with status %d",
			 WEXITSTATUS(status));
	} else {
		vm->state = VM_CRASHED;
		fmt(vm->exit_reason, sizeof(vm->exit_reason), "QEMU killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	}
}

/* Copy what the guest printed since @offset to stdout (foreground runs). */
static void follow_serial(const struct vm *vm, off_t *offset)
{
	char path[PATH_MAX], buf[4096];
	ssize_t n;
	int fd;

	if (vm_path(vm, "serial.log", path, sizeof(path)))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while ((n = pread(fd, buf, sizeof(buf), *offset)) > 0) {
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
		*offset += n;
	}
	fflush(stdout);
	close(fd);
}

static void request_powerdown(const struct vm *vm)
{
	char path[PATH_MAX], e[256];
	struct qmp q;

	if (vm_path(vm, "qmp.sock", path, sizeof(path)) || qmp_open(&q, path, 2000, e, sizeof(e)))
		return;
	qmp_exec(&q, "system_powerdown", NULL, NULL, 2000, e, sizeof(e));
	qmp_close(&q);
}

/*
 * Supervise a running QEMU until it exits; then release the ports and
 * record the end. Return: exit status for the supervisor.
 */
static int supervise(struct vmm_ctx *ctx, struct vm *vm, pid_t pid, bool foreground)
{
	long long kill_at = 0;
	off_t serial_offset = 0;
	char err[512];
	int status = 0, lock;
	bool stopping = false;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			status = 0;
			break;
		}
		if (stop_requested && !stopping) {
			stopping = true;
			kill_at = now_ms() + VMM_STOP_TIMEOUT_SEC * 1000LL;
			lock = vm_lock(vm);
			if (vm_load(vm, ctx->run_dir, vm->name) == 0 && vm->state == VM_RUNNING) {
				vm->state = VM_STOPPING;
				vm_save(vm);
			}
			vm_unlock(lock);
			if (foreground)
				fprintf(stderr, "\nvmm: powering %s down (ACPI); forcing in %d s\n",
					vm->name, VMM_STOP_TIMEOUT_SEC);
			request_powerdown(vm);
		}
		if (kill_at && now_ms() > kill_at) {
			kill(pid, SIGKILL);
			kill_at = 0;
		}
		if (foreground)
			follow_serial(vm, &serial_offset);
		usleep(100 * 1000);
	}
	if (foreground)
		follow_serial(vm, &serial_offset);

	lock = vm_lock(vm);
	if (vm_load(vm, ctx->run_dir, vm->name) == 0) {
		describe_exit(status, stopping || vm->state == VM_STOPPING, vm);
		vm_remove_sockets(vm);
		if (vm_release_ports(ctx, vm, err, sizeof(err)))
			errline("%s: ports stay in vswitchd for now: %s", vm->name, err);
		vm_save(vm);
	}
	vm_unlock(lock);
	if (foreground)
		printf("\nvmm: %s %s (%s)\n", vm->name, vm_state_name(vm->state), vm->exit_reason);
	return vm->state == VM_CRASHED ? VMM_EXIT_FAILURE : VMM_EXIT_OK;
}

/* Undo a start that failed before QEMU came up (start_qemu removed the ports). */
static void undo_start(struct vm *vm)
{
	vm_remove_dir(vm);
}

static void print_started(const struct vm *vm)
{
	int i;

	printf("%s: running (pid %d): %s, %lu MiB, %u cpu%s\n", vm->name, (int)vm->qemu_pid,
	       accel_name(vm->accel), vm->memory_mib, vm->cpus, vm->cpus == 1 ? "" : "s");
	for (i = 0; i < vm->nic_count; i++)
		printf("%s: nic %s on network %s (port %s)\n", vm->name, vm->nics[i].mac,
		       vm->nics[i].net, vm->nics[i].port);
	printf("%s: console: vmm console %s (serial log %s/serial.log)\n", vm->name, vm->name,
	       vm->dir);
	fflush(stdout);
}

/*
 * Wait until QEMU listens on every NIC socket (it creates them before it
 * starts waiting for the backends). Return: 0, or negative errno with @err set.
 */
static int wait_nic_sockets(struct vm *vm, pid_t pid, char *err, size_t err_size)
{
	long long deadline = now_ms() + VMM_START_TIMEOUT_SEC * 1000LL;
	char path[PATH_MAX], log[PATH_MAX], why[400];
	int i, status;

	vm_path(vm, "qemu.log", log, sizeof(log));
	for (i = 0; i < vm->nic_count;) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			last_line(log, why, sizeof(why));
			fmt(err, err_size, "QEMU exited during start-up: %s",
			    why[0] ? why : "no message (see qemu.log)");
			return -ECHILD;
		}
		if (stop_requested) {
			fmt(err, err_size, "interrupted while QEMU was starting");
			return -EINTR;
		}
		if (now_ms() > deadline) {
			fmt(err, err_size, "QEMU did not create its NIC sockets within %d s; see %s",
			    VMM_START_TIMEOUT_SEC, log);
			return -ETIMEDOUT;
		}
		net_socket_path(vm, &vm->nics[i], path, sizeof(path));
		if (access(path, F_OK) == 0)
			i++;
		else
			usleep(20 * 1000);
	}
	return 0;
}

/*
 * Add one client-mode vswitchd port per NIC, now that QEMU listens on their
 * sockets (vswitchd connects at once instead of at its next retry).
 * Return: 0, or negative errno with @err set and the ports added removed.
 */
static int add_ports(struct vmm_ctx *ctx, struct vm *vm, char *err, size_t err_size)
{
	char path[PATH_MAX], e[256];
	struct sw sw;
	int i, ret;

	if (!vm->nic_count)
		return 0;
	ret = sw_open(&sw, ctx->socket_path, err, err_size);
	if (ret)
		return ret;
	for (i = 0; i < vm->nic_count; i++) {
		net_socket_path(vm, &vm->nics[i], path, sizeof(path));
		ret = sw_port_add(&sw, vm->nics[i].net, vm->nics[i].port, path, vm->nics[i].mac,
				  err, err_size);
		if (ret)
			break;
	}
	if (ret)
		while (i-- > 0)
			sw_port_del(&sw, vm->nics[i].net, vm->nics[i].port, e, sizeof(e));
	sw_close(&sw);
	return ret;
}

/*
 * Start QEMU, plug its NICs into vswitchd and wait for it to come up; on
 * success the VM record says running. On failure QEMU is gone and the ports
 * are removed (the caller removes the directory). Return: QEMU's pid or -errno.
 */
static pid_t start_qemu(struct vmm_ctx *ctx, struct vm *vm, struct strv *argv,
			char *err, size_t err_size)
{
	char e[256];
	pid_t pid;
	int lock, ret, i;

	pid = spawn_qemu(vm, argv->items);
	if (pid < 0) {
		fmt(err, err_size, "cannot start QEMU: %s", strerror(-pid));
		return pid;
	}
	ret = wait_nic_sockets(vm, pid, err, err_size);
	if (!ret)
		ret = add_ports(ctx, vm, err, err_size);
	if (ret) {
		kill_and_reap(pid);
		return ret;
	}
	ret = wait_qemu_up(vm, pid, err, err_size);
	if (ret)
		goto fail;
	lock = vm_lock(vm);
	vm->qemu_pid = pid;
	vm->qemu_start = proc_start_time(pid);
	vm->started_at = time(NULL);
	vm->state = VM_RUNNING;
	ret = vm_save(vm);
	vm_unlock(lock);
	if (ret) {
		fmt(err, err_size, "cannot record the VM in %s: %s", vm->dir, strerror(-ret));
		goto fail;
	}
	return pid;
fail:
	kill_and_reap(pid);
	{
		struct sw sw;

		if (sw_open(&sw, ctx->socket_path, e, sizeof(e)) == 0) {
			for (i = vm->nic_count - 1; i >= 0; i--)
				sw_port_del(&sw, vm->nics[i].net, vm->nics[i].port, e, sizeof(e));
			sw_close(&sw);
		}
	}
	return ret;
}

/* The detached supervisor: start QEMU, tell the parent how it went, supervise. */
static int detached_supervisor(struct vmm_ctx *ctx, struct vm *vm, struct strv *argv,
			       int notify_fd)
{
	char err[512], line[600];
	pid_t pid;
	int fd, len;

	setsid();
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	{
		char log[PATH_MAX];

		if (!vm_path(vm, "supervisor.log", log, sizeof(log))) {
			fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
			if (fd >= 0) {
				dup2(fd, STDERR_FILENO);
				close(fd);
			}
		}
	}
	vm->supervisor_pid = getpid();
	vm->supervisor_start = proc_start_time(vm->supervisor_pid);
	pid = start_qemu(ctx, vm, argv, err, sizeof(err));
	if (pid < 0) {
		len = fmt(line, sizeof(line), "ERR %s\n", err);
		undo_start(vm);
		if (write(notify_fd, line, (size_t)len) < 0) {
			/* The parent is gone; nobody to tell. */
		}
		return VMM_EXIT_FAILURE;
	}
	strv_free(argv);
	if (write(notify_fd, "OK\n", 3) < 0) {
		/* The parent is gone; the VM runs on regardless. */
	}
	close(notify_fd);
	return supervise(ctx, vm, pid, false);
}

/* Wait for the detached supervisor's verdict. Return: exit status. */
static int wait_detached(struct vmm_ctx *ctx, struct vm *vm, int notify_fd)
{
	char buf[700];
	size_t used = 0;
	ssize_t n;

	while (used < sizeof(buf) - 1) {
		n = read(notify_fd, buf + used, sizeof(buf) - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		if (memchr(buf, '\n', used))
			break;
	}
	buf[used] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!strcmp(buf, "OK")) {
		if (vm_load(vm, ctx->run_dir, vm->name) == 0)
			print_started(vm);
		return VMM_EXIT_OK;
	}
	if (!strncmp(buf, "ERR ", 4))
		errline("%s: %s", vm->name, buf + 4);
	else
		errline("%s: the supervisor died while starting QEMU", vm->name);
	return VMM_EXIT_FAILURE;
}

static const char run_help[] =
	"usage: vmm run NAME (--kernel K [--initrd I] [--append ARGS] | --disk IMG [--overlay])\n"
	"               [--memory 256M] [--cpus N] [--net NET[,mac=MAC]]... [--accel auto|kvm|tcg]\n"
	"               [--detach]\n"
	"\n"
	"  --kernel K      boot this kernel directly (an uncompressed vmlinux boots fastest, via PVH)\n"
	"  --initrd I      initramfs for --kernel\n"
	"  --append ARGS   kernel command line (console=ttyS0 is how the serial console works)\n"
	"  --disk IMG      boot a qcow2 or raw disk image\n"
	"  --overlay       boot a new qcow2 overlay on IMG instead (IMG stays untouched; many\n"
	"                  VMs can share one base)\n"
	"  --memory SIZE   guest memory, e.g. 256M or 1G (default 256M)\n"
	"  --cpus N        virtual CPUs (default 1)\n"
	"  --net NET       a virtio-net NIC on vswitchd network NET; repeat for more NICs;\n"
	"                  ,mac=MAC sets its address (default: stable per VM and NIC, unique)\n"
	"  --accel A       auto (default: KVM where it can boot guests, else TCG), kvm or tcg\n"
	"  --detach, -d    return once the guest runs; otherwise stay, show the serial console\n"
	"                  output, and power the guest down on Ctrl-C\n";

int cmd_run(struct vmm_ctx *ctx, int argc, char **argv)
{
	char err[512], qemu[PATH_MAX], path[PATH_MAX];
	struct run_options o;
	struct accel_probe probe;
	struct strv qemu_argv = { 0 };
	struct sigaction sa = { .sa_handler = on_stop_signal };
	struct vm *vm, *old;
	int run_lock = -1, notify[2], i, ret;
	struct sw sw = { .fd = -1 };
	pid_t pid;

	if (run_options_parse(argc, argv, &o, err, sizeof(err))) {
		errline("%s", err);
		return VMM_EXIT_USAGE;
	}
	if (o.help) {
		fputs(run_help, stdout);
		return VMM_EXIT_OK;
	}
	vm = calloc(1, sizeof(*vm));
	old = calloc(1, sizeof(*old));
	if (!vm || !old) {
		errline("out of memory");
		free(vm);
		free(old);
		return VMM_EXIT_FAILURE;
	}
	ret = vm_init(vm, ctx->run_dir, o.name);
	if (ret) {
		errline("run directory %s is too long", ctx->run_dir);
		goto fail;
	}

	/* Inputs first: nothing is created until all of them check out. */
	if (o.kernel && check_file("kernel", o.kernel, vm->kernel, sizeof(vm->kernel), err, sizeof(err)))
		goto fail_msg;
	if (o.initrd && check_file("initrd", o.initrd, vm->initrd, sizeof(vm->initrd), err, sizeof(err)))
		goto fail_msg;
	if (o.append)
		fmt(vm->append, sizeof(vm->append), "%s", o.append);
	if (o.disk) {
		if (check_file("disk image", o.disk, vm->disk, sizeof(vm->disk), err, sizeof(err)))
			goto fail_msg;
		fmt(vm->disk_format, sizeof(vm->disk_format), "%s", disk_format(vm->disk));
		if (!o.overlay && access(vm->disk, W_OK)) {
			fmt(err, sizeof(err), "disk image '%s' is not writable (use --overlay to boot a copy-on-write overlay)",
				 o.disk);
			goto fail_msg;
		}
	}
	if (find_program(ctx->qemu, qemu, sizeof(qemu))) {
		fmt(err, sizeof(err),
			 "QEMU not found: '%s' is not installed (Debian package qemu-system-x86; scripts/install-deps installs it)",
			 ctx->qemu);
		goto fail_msg;
	}
	accel_probe_host(&probe);
	if (accel_decide(o.accel, &probe, &vm->accel, vm->accel_reason, sizeof(vm->accel_reason))) {
		fmt(err, sizeof(err), "%s", vm->accel_reason);
		goto fail_msg;
	}
	vm->memory_mib = o.memory_mib;
	vm->cpus = o.cpus;
	vm->nic_count = o.nic_count;
	memcpy(vm->nics, o.nics, sizeof(vm->nics));
	for (i = 0; i < vm->nic_count; i++)
		if (net_socket_path(vm, &vm->nics[i], path, sizeof(path))) {
			fmt(err, sizeof(err), "run directory %s is too long for socket paths (at most %zu bytes)",
				 ctx->run_dir, sizeof(((struct sw *)0)->path) - 1);
			goto fail_msg;
		}

	/* One start at a time under this run directory: names and MACs stay unique. */
	ret = mkdir_p(ctx->run_dir, 0755);
	if (ret < 0) {
		fmt(err, sizeof(err), "cannot create run directory %s: %s", ctx->run_dir,
			 strerror(-ret));
		goto fail_msg;
	}
	fmt(path, sizeof(path), "%s/.lock", ctx->run_dir);
	run_lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (run_lock < 0 || flock(run_lock, LOCK_EX) < 0) {
		fmt(err, sizeof(err), "cannot lock %s: %s", path, strerror(errno));
		goto fail_msg;
	}
	ret = vm_load(old, ctx->run_dir, o.name);
	if (ret != -ENOENT) {
		if (ret == 0)
			vm_refresh(ctx, old);
		if (ret == 0 && vm_is_active(old)) {
			fmt(err, sizeof(err), "a VM named '%s' already exists (%s)", o.name,
				 vm_state_name(old->state));
			goto fail_msg;
		}
		if (ret == 0 && old->ports_pending) {
			fmt(err, sizeof(err),
				 "VM '%s' stopped but its vswitchd ports could not be removed yet (is vswitchd running?)",
				 o.name);
			goto fail_msg;
		}
		/* A stopped or crashed VM of that name: the new one replaces its record. */
		vm_remove_dir(old);
	}
	if (sw_open(&sw, ctx->socket_path, err, sizeof(err)))
		goto fail_msg;
	for (i = 0; i < vm->nic_count; i++)
		if (sw_net_check(&sw, vm->nics[i].net, err, sizeof(err)))
			goto fail_msg;
	for (i = 0; i < vm->nic_count; i++) {
		vm_assign_nic(ctx, vm, &vm->nics[i]);
		if (vm_mac_in_use(ctx, vm->nics[i].mac, vm->name)) {
			fmt(err, sizeof(err), "MAC %s is already used by another VM",
				 vm->nics[i].mac);
			goto fail_msg;
		}
	}

	/* Now create: directory, overlay, record (QEMU and the ports follow). */
	if (mkdir(vm->dir, 0755) < 0) {
		fmt(err, sizeof(err), "cannot create %s: %s", vm->dir, strerror(errno));
		goto fail_msg;
	}
	vm->state = VM_STARTING;
	vm->supervisor_pid = getpid();
	vm->supervisor_start = proc_start_time(vm->supervisor_pid);
	if (o.overlay && create_overlay(vm, vm->disk, err, sizeof(err)))
		goto undo;
	ret = vm_save(vm);
	if (ret) {
		fmt(err, sizeof(err), "cannot write %s/vm.json: %s", vm->dir, strerror(-ret));
		goto undo;
	}
	sw_close(&sw);
	ret = devices_build_argv(vm, qemu, &qemu_argv, err, sizeof(err));
	if (ret)
		goto undo;
	printf("%s: accel %s\n", vm->name, vm->accel_reason);
	fflush(stdout);

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);

	if (o.detach) {
		if (pipe2(notify, O_CLOEXEC) < 0) {
			fmt(err, sizeof(err), "pipe: %s", strerror(errno));
			goto undo;
		}
		pid = fork();
		if (pid < 0) {
			fmt(err, sizeof(err), "fork: %s", strerror(errno));
			close(notify[0]);
			close(notify[1]);
			goto undo;
		}
		if (pid == 0) {
			close(notify[0]);
			close(run_lock);
			_exit(detached_supervisor(ctx, vm, &qemu_argv, notify[1]));
		}
		close(notify[1]);
		/* The record names the child supervisor now; our lock can go. */
		close(run_lock);
		run_lock = -1;
		strv_free(&qemu_argv);
		ret = wait_detached(ctx, vm, notify[0]);
		close(notify[0]);
		free(vm);
		free(old);
		return ret;
	}

	close(run_lock);
	run_lock = -1;
	pid = start_qemu(ctx, vm, &qemu_argv, err, sizeof(err));
	strv_free(&qemu_argv);
	if (pid < 0)
		goto undo;
	print_started(vm);
	printf("%s: serial console follows; Ctrl-C powers the guest down\n", vm->name);
	fflush(stdout);
	ret = supervise(ctx, vm, pid, true);
	free(vm);
	free(old);
	return ret;

undo:
	undo_start(vm);
fail_msg:
	errline("%s: %s", o.name, err);
fail:
	strv_free(&qemu_argv);
	sw_close(&sw);
	if (run_lock >= 0)
		close(run_lock);
	free(vm);
	free(old);
	return VMM_EXIT_FAILURE;
}
