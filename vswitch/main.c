// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - vswitchd: argument parsing, start-up, the control server and
 * clean shutdown. Everything here runs on the control thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_handlers.h"
#include "commands.h"
#include "ctl.h"
#include "daemon.h"
#include "dhcp_service.h"
#include "dpif.h"
#include "fileio.h"
#include "fw.h"
#include "log.h"
#include "loop.h"
#include "memguard.h"
#include "network.h"

#define MAX_PEER_GROUPS	64

struct options {
	bool foreground;
	const char *state_dir;
	const char *run_dir;
	enum log_level level;
	int pmd_cpu;
};

struct client {
	int fd;
	struct ctl_conn *conn;
};

static char sock_path[PATH_MAX];
static char pid_path[PATH_MAX];
static gid_t sock_gid;
static int dp_event_fd = -1;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: vswitchd [OPTIONS]\n"
		"Userspace virtual switch for KVM guests (vhost-user and tap ports).\n\n"
		"  -f, --foreground        stay in the foreground, log to stderr\n"
		"      --state-dir DIR     network definitions (default /var/lib/vswitch)\n"
		"      --run-dir DIR       control socket, pid file, log (default /run/vswitch)\n"
		"      --log-level LEVEL   err, warn, info (default) or debug\n"
		"      --pmd-cpu N         busy-poll the datapath on CPU N (default: interrupt-driven)\n"
		"      --nft-table NAME    the nftables table (family inet) vswitchd owns (default vswitch)\n"
		"  -h, --help              this text\n\n"
		"Control it with netctl; the socket is RUN_DIR/vswitchd.sock.\n");
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "pmd-cpu", required_argument, NULL, 'p' },
		{ "nft-table", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long cpu;
	int c;

	while ((c = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			opt->foreground = true;
			break;
		case 's':
			opt->state_dir = optarg;
			break;
		case 'r':
			opt->run_dir = optarg;
			break;
		case 'l':
			if (log_parse_level(optarg, &opt->level)) {
				fprintf(stderr, "vswitchd: unknown log level '%s' (err, warn, info, debug)\n", optarg);
				return -1;
			}
			break;
		case 'p':
			errno = 0;
			cpu = strtol(optarg, &end, 10);
			if (errno || *end || cpu < 0 || cpu >= CPU_SETSIZE ||
			    cpu >= sysconf(_SC_NPROCESSORS_CONF)) {
				fprintf(stderr, "vswitchd: --pmd-cpu needs a CPU number from 0 to %ld, not '%s'\n",
					sysconf(_SC_NPROCESSORS_CONF) - 1, optarg);
				return -1;
			}
			opt->pmd_cpu = (int)cpu;
			break;
		case 't':
			if (fw_set_table(optarg)) {
				fprintf(stderr, "vswitchd: invalid --nft-table '%s' (1-31 of A-Z a-z 0-9 _ -, starting with a letter)\n",
					optarg);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vswitchd: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* Take the pid file lock so two daemons never share a run directory. */
static int lock_pid_file(void)
{
	char buf[32];
	int fd, len;

	fd = open(pid_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "vswitchd: cannot open %s: %s\n", pid_path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		len = (int)read(fd, buf, sizeof(buf) - 1);
		buf[len > 0 ? len : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		fprintf(stderr, "vswitchd: already running with this run directory (pid %s)\n",
			buf[0] ? buf : "?");
		close(fd);
		return -1;
	}
	return fd;
}

static void write_pid(int fd)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)len, 0) != len)
		log_warn("cannot write pid file %s", pid_path);
}

/* Mutations need root, our own uid, or membership of the socket's group. */
static bool peer_allowed(int fd, uid_t uid, gid_t gid)
{
	gid_t groups[MAX_PEER_GROUPS];
	socklen_t len = sizeof(groups);
	unsigned int i;

	if (uid == 0 || uid == geteuid() || gid == sock_gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
		for (i = 0; i < len / sizeof(gid_t); i++)
			if (groups[i] == sock_gid)
				return true;
	}
	return false;
}

/*
 * With a busy-polling datapath on @pmd_cpu, keep this thread (and every
 * thread it starts later: the DHCP service, capture writers) off that CPU,
 * as Open vSwitch keeps its non-PMD threads off PMD cores: control work
 * would otherwise preempt the forwarding loop. A machine with no other CPU
 * keeps sharing it.
 */
static void keep_off_pmd_cpu(int pmd_cpu)
{
	cpu_set_t set;
	int cpu, others = 0;

	if (pmd_cpu < 0 || sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		others += cpu != pmd_cpu && CPU_ISSET(cpu, &set);
	if (!others) {
		log_warn("no CPU besides the datapath's %d: control work shares it", pmd_cpu);
		return;
	}
	CPU_CLR(pmd_cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		log_warn("cannot keep the control thread off CPU %d: %s", pmd_cpu, strerror(errno));
}

/*
 * Every port holds descriptors (a vhost-user socket, its kick and call
 * eventfds, a tap): a thousand networks need more than the usual soft limit
 * of 1024. Take what the hard limit allows.
 */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("cannot raise the open-file limit: %s", strerror(errno));
	}
}

static void client_close(struct client *c)
{
	capture_ctl_conn_closed(c->fd);
	loop_del(daemon_loop, c->fd);
	close(c->fd);
	ctl_conn_free(c->conn);
	free(c);
}

static void client_ready(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct client *c = opaque;
	struct ctl_request req;
	json_t *msg, *reply;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	int ret, i;

	(void)l;
	(void)events;
	ret = ctl_conn_read(c->conn);
	if (ret == -EAGAIN)
		return;
	if (ret <= 0) {
		if (ret == -EMSGSIZE)
			log_warn("control client sent an oversized request; disconnected");
		client_close(c);
		return;
	}
	if (ctl_peer_cred(fd, &pid, &uid, &gid)) {
		client_close(c);
		return;
	}
	for (;;) {
		memset(&req, 0, sizeof(req));
		for (i = 0; i < CTL_MAX_FDS; i++)
			req.fds[i] = -1;
		ret = ctl_conn_next(c->conn, &msg, req.fds, &req.nfds);
		if (ret == 0)
			break;
		if (ret < 0) {
			reply = json_pack("{s:n, s:{s:i, s:s}}", "id", "error", "code", -EBADMSG,
					  "message", "request is not a JSON object");
		} else {
			req.pid = pid;
			req.uid = uid;
			req.gid = gid;
			req.conn_fd = fd;
			reply = ctl_dispatch(vswitchd_commands, msg, &req, peer_allowed(fd, uid, gid));
			json_decref(msg);
		}
		ret = reply ? ctl_send(fd, reply, NULL, 0) : -ENOMEM;
		json_decref(reply);
		if (ret) {
			client_close(c);
			return;
		}
	}
}

static void control_accept(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct client *c;
	int conn;

	(void)opaque;
	(void)events;
	conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (conn < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (c) {
		c->fd = conn;
		c->conn = ctl_conn_new(conn);
	}
	if (!c || !c->conn || loop_add(l, conn, EPOLLIN, client_ready, c)) {
		if (c)
			ctl_conn_free(c->conn);
		free(c);
		close(conn);
	}
}

static void on_signal(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct signalfd_siginfo si;

	(void)events;
	(void)opaque;
	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
		log_info("signal %u: shutting down", si.ssi_signo);
		loop_stop(l);
	}
}

static void on_dp_event(struct loop *l, int fd, uint32_t events, void *opaque)
{
	(void)l;
	(void)events;
	(void)opaque;
	eventfd_drain(fd);
	net_reap_broken_ports();
}

/*
 * Detach from the terminal. The parent waits on a pipe until the child says
 * it is serving (or failed), so `vswitchd && netctl ...` works in scripts.
 */
static int daemonize(int *ready_fd)
{
	int fds[2], devnull;
	char status = 1;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(fds[1]);
		if (read(fds[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(fds[0]);
	setsid();
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		close(devnull);
	}
	*ready_fd = fds[1];
	return 0;
}

static void report_ready(int *ready_fd, char status)
{
	if (*ready_fd < 0)
		return;
	if (write(*ready_fd, &status, 1) != 1)
		log_warn("cannot report start-up status to the parent");
	close(*ready_fd);
	*ready_fd = -1;
}

int main(int argc, char **argv)
{
	static const int signals[] = { SIGTERM, SIGINT, SIGHUP };
	struct options opt = {
		.state_dir = "/var/lib/vswitch",
		.run_dir = "/run/vswitch",
		.level = LOG_LVL_INFO,
		.pmd_cpu = -1,
	};
	char log_path[PATH_MAX];
	int pid_fd, listen_fd, ready_fd = -1, ret, logfd, started;
	struct stat st;

	if (parse_options(argc, argv, &opt))
		return 2;
	log_init("vswitchd", opt.level);

	if ((ret = mkdir_p(opt.run_dir, 0755)) || (ret = mkdir_p(opt.state_dir, 0755))) {
		fprintf(stderr, "vswitchd: cannot create %s or %s: %s\n", opt.run_dir,
			opt.state_dir, strerror(-ret));
		return 1;
	}
	if (snprintf(sock_path, sizeof(sock_path), "%s/vswitchd.sock", opt.run_dir) >= (int)sizeof(sock_path) ||
	    strlen(sock_path) >= 108) {
		fprintf(stderr, "vswitchd: run directory path too long for a socket: %s\n", opt.run_dir);
		return 1;
	}
	snprintf(pid_path, sizeof(pid_path), "%s/vswitchd.pid", opt.run_dir);
	net_set_dirs(opt.state_dir, opt.run_dir);
	dhcp_service_set_state_dir(opt.state_dir);

	pid_fd = lock_pid_file();
	if (pid_fd < 0)
		return 1;
	if (!opt.foreground) {
		if (daemonize(&ready_fd)) {
			fprintf(stderr, "vswitchd: cannot fork: %s\n", strerror(errno));
			return 1;
		}
		/* The child took the lock over through the inherited fd: flock locks follow the open file. */
		snprintf(log_path, sizeof(log_path), "%s/vswitchd.log", opt.run_dir);
		logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (logfd >= 0) {
			dup2(logfd, STDOUT_FILENO);
			dup2(logfd, STDERR_FILENO);
			close(logfd);
		}
	}
	write_pid(pid_fd);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();

	daemon_loop = loop_new();
	if (!daemon_loop) {
		log_err("cannot create event loop: %s", strerror(errno));
		goto err;
	}
	/* Block signals before the datapath thread starts so it inherits the mask. */
	ret = loop_signals_add(daemon_loop, signals, 3, on_signal, NULL);
	if (ret < 0) {
		log_err("cannot set up signal handling: %s", strerror(-ret));
		goto err;
	}
	dp_event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dp_event_fd < 0 || loop_add(daemon_loop, dp_event_fd, EPOLLIN, on_dp_event, NULL)) {
		log_err("cannot create datapath event fd: %s", strerror(errno));
		goto err;
	}
	ret = memguard_init();
	if (ret)
		log_warn("cannot guard against shrinking guest memory: %s", strerror(-ret));
	ret = dpif_start(opt.pmd_cpu, dp_event_fd);
	if (ret) {
		log_err("cannot start datapath: %s", strerror(-ret));
		goto err;
	}
	keep_off_pmd_cpu(opt.pmd_cpu);
	ret = capture_ctl_init(daemon_loop);
	if (ret)
		log_warn("capture unavailable: %s", strerror(-ret));
	ret = dhcp_service_start();
	if (ret) {
		log_err("cannot start the DHCP service: %s", strerror(-ret));
		goto err_dp;
	}

	listen_fd = ctl_listen(sock_path, 0660);
	if (listen_fd < 0) {
		log_err("cannot listen on %s: %s", sock_path, strerror(-listen_fd));
		goto err_dp;
	}
	sock_gid = stat(sock_path, &st) == 0 ? st.st_gid : getegid();
	if (loop_add(daemon_loop, listen_fd, EPOLLIN, control_accept, NULL)) {
		log_err("cannot watch the control socket");
		goto err_sock;
	}

	started = net_load_all();
	log_info("vswitchd ready: control socket %s, %d network%s defined (those that ran start in the background)",
		 sock_path, started, started == 1 ? "" : "s");
	report_ready(&ready_fd, 0);

	ret = loop_run(daemon_loop);
	if (ret)
		log_err("event loop failed: %s", strerror(-ret));

	capture_ctl_shutdown();
	net_shutdown();
	dhcp_service_stop();
	loop_del(daemon_loop, listen_fd);
	close(listen_fd);
	unlink(sock_path);
	dpif_stop();
	unlink(pid_path);
	close(pid_fd);
	loop_free(daemon_loop);
	log_info("stopped");
	return ret ? 1 : 0;

err_sock:
	close(listen_fd);
	unlink(sock_path);
err_dp:
	dhcp_service_stop();
	dpif_stop();
err:
	report_ready(&ready_fd, 1);
	unlink(pid_path);
	return 1;
}
