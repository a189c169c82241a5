// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture.c - packet capture sessions: BPF-filtered copies of a network's or
 * a port's frames, written as a pcap stream to a descriptor a client passed.
 *
 * Theory of operation
 *
 * Three parties touch a session. The datapath thread produces: for each
 * frame it runs the session's BPF program, compiled by libpcap when the
 * session starts, and appends a match as a pcap record - the 16-byte record
 * header and the captured bytes - to the session's byte ring. The program
 * runs in a classic-BPF interpreter of our own that loads straight from the
 * frame as the datapath holds it (private Ethernet header, then segments),
 * because making every frame contiguous for libpcap's bpf_filter() cost the
 * 64-byte benchmark about 10%; the interpreter follows bpf_filter()'s
 * semantics (a load past the frame rejects it, division by zero rejects,
 * wire length = frame size), accepts only programs bpf_validate() passes,
 * and a unit test compares it with bpf_filter() on many filters and frames.
 * A program using an instruction it does not know runs in bpf_filter() on a
 * linearised copy instead. The datapath never waits: when the
 * ring lacks room the frame is dropped and counted. The ring holds exactly
 * the bytes of the pcap stream, so the consumer, a writer thread per
 * session, copies ring bytes to the output without looking at them, in
 * chunks the output accepts without blocking (PIPE_BUF after POLLOUT for
 * pipes and sockets). It only parses record headers, before releasing
 * their bytes, to count whole records written. A thread per session keeps
 * a slow reader of one capture from delaying any other.
 *
 * The control thread starts and ends sessions. The datapath sees the array
 * of running sessions and capture_directions, both changed only while it is
 * paused; frames name their network and port by uid, so a session never
 * holds a pointer that a deleted port could leave dangling. A session ends
 * in one of two ways. The control thread ends it (capture.stop, the client
 * disconnected, the network or port is gone, shutdown): it takes the
 * session off the datapath, then asks the writer to finish writing what is
 * queued; a writer that cannot write for a second gives up. Or the writer
 * ends it (the count was reached, the reader went away, a write failed).
 * Either way the writer's last act is to signal the control thread, which
 * joins it, closes the output (a pipe's reader sees end of file), and sends
 * the client the capture.end event with the final counters.
 *
 * The writer sleeps on an eventfd only after announcing it (writer_sleeping)
 * and checking the ring once more; the producer, after publishing a record,
 * signals the eventfd only if the writer announced sleep. A full barrier on
 * both sides makes it impossible for both to miss each other, and a busy
 * capture costs the datapath no system call per frame.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "ctl.h"
#include "datapath.h"
#include "log.h"
#include "loop.h"
#include "network.h"
#include "port.h"
#include "virtq.h"

#define CAPTURE_LINEAR_MAX	DP_MAX_FRAME	/* frames are never longer */
#define CAPTURE_REC_HDR_SIZE	16
#define CAPTURE_FILE_HDR_SIZE	24
#define CAPTURE_FILE_CHUNK	(1u << 20)	/* bytes per write to a regular file */
#define CAPTURE_GIVE_UP_MS	1000	/* an ending session's output stays unwritable this long */
#define CAPTURE_CHECK_MS	1000	/* how often to look for deleted networks and ports */
#define CAPTURE_FILTER_MAX	4096

struct capture_session {
	/* Set up by the control thread before the session runs; then read-only. */
	uint32_t id;
	struct capture_spec spec;
	char *filter;			/* spec.filter points here */
	struct bpf_program prog;
	bool has_prog;
	bool prog_native;		/* runs in filter_run(), not libpcap's bpf_filter() */
	int out_fd;
	size_t chunk_max;		/* largest write that cannot block once POLLOUT said so */
	uint8_t *ring;
	size_t ring_size;		/* power of two */
	int wake_fd;			/* producer or control thread -> writer */

	/* Producer (datapath) side. */
	alignas(64) _Atomic uint64_t head;	/* ring bytes published */
	uint64_t queued;		/* records published */
	uint64_t matched;		/* frames the filter accepted */
	uint64_t ring_drops;		/* accepted but the ring was full */
	bool count_reached;		/* queued == spec.count: offer no more */

	/* Consumer (writer) side. */
	alignas(64) _Atomic uint64_t tail;	/* ring bytes written out */
	_Atomic uint64_t written;	/* whole records written */
	size_t file_hdr_done;		/* bytes of the pcap file header written */
	uint64_t rec_next;		/* start of the first record not yet fully written */
	uint64_t rec_end;		/* its end, when rec_parsed */
	bool rec_parsed;
	atomic_bool writer_sleeping;

	/* Control thread and writer. */
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;		/* control thread: finish what is queued and end */
	atomic_bool writer_done;	/* writer: ended, thread may be joined */
	_Atomic int end_reason;		/* enum capture_end, set by whoever ended it */
	int write_errno;

	/* Control thread only. */
	int conn_fd;			/* the requesting connection, -1 once closed */
	bool detached;			/* no longer in the datapath's array */
	char net_name[NET_NAME_MAX];
	char port_name[PORT_NAME_MAX];
	struct capture_session *next;
};

/* The pcap file header (microsecond timestamps, Ethernet), in host order. */
struct capture_file_hdr {
	uint32_t magic;
	uint16_t version_major;
	uint16_t version_minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

struct capture_rec_hdr {
	uint32_t ts_sec;
	uint32_t ts_usec;
	uint32_t incl_len;
	uint32_t orig_len;
};

/* One frame as the sessions see it: linearised and timestamped lazily, once. */
struct capture_view {
	const struct dp_pkt *pkt;
	uint32_t linear;		/* bytes of the frame in capture_linear */
	bool has_ts;
	struct timespec ts;
};

unsigned int capture_directions;
static struct capture_session *running[CAPTURE_MAX_SESSIONS];	/* datapath's view */
static unsigned int nrunning;
static uint8_t capture_linear[CAPTURE_LINEAR_MAX];	/* datapath thread only */

static struct capture_session *sessions;	/* control thread: every session */
static unsigned int nsessions;
static uint32_t next_id;
static struct loop *ctl_loop;
static int done_fd = -1;
static int check_timer = -1;

static const char *const end_names[] = {
	[CAPTURE_RUNNING] = "running",
	[CAPTURE_END_COUNT] = "count",
	[CAPTURE_END_STOPPED] = "stopped",
	[CAPTURE_END_READER_GONE] = "reader_gone",
	[CAPTURE_END_WRITE_ERROR] = "write_error",
	[CAPTURE_END_CLIENT_GONE] = "client_gone",
	[CAPTURE_END_REMOVED] = "removed",
	[CAPTURE_END_SHUTDOWN] = "shutdown",
};

const char *capture_end_name(enum capture_end reason)
{
	return (unsigned int)reason < sizeof(end_names) / sizeof(end_names[0]) ?
		end_names[reason] : "unknown";
}

static const char *direction_name(unsigned int directions)
{
	return directions == CAPTURE_BOTH ? "both" : directions == CAPTURE_IN ? "in" : "out";
}

/* ------------------------------------------------------------ the ring */

static void ring_put(struct capture_session *s, uint64_t pos, const void *src, size_t size)
{
	size_t off = pos & (s->ring_size - 1);
	size_t first = s->ring_size - off < size ? s->ring_size - off : size;

	memcpy(s->ring + off, src, first);
	memcpy(s->ring, (const uint8_t *)src + first, size - first);
}

static void ring_get(const struct capture_session *s, uint64_t pos, void *dst, size_t size)
{
	size_t off = pos & (s->ring_size - 1);
	size_t first = s->ring_size - off < size ? s->ring_size - off : size;

	memcpy(dst, s->ring + off, first);
	memcpy((uint8_t *)dst + first, s->ring, size - first);
}

/* ------------------------------------------------------- producer side */

/* Make the first @want bytes of the frame contiguous in capture_linear. */
static uint32_t view_linearise(struct capture_view *v, uint32_t want)
{
	const struct dp_pkt *pkt = v->pkt;

	if (want > pkt->size)
		want = pkt->size;
	if (want > CAPTURE_LINEAR_MAX)
		want = CAPTURE_LINEAR_MAX;
	if (v->linear >= want)
		return v->linear;
	/* Most frames sit in one segment after the header: two plain copies. */
	if (!v->linear && want > ETH_HDR_SIZE && pkt->niov &&
	    pkt->iov[0].iov_len >= want - ETH_HDR_SIZE) {
		memcpy(capture_linear, pkt->eth, ETH_HDR_SIZE);
		memcpy(capture_linear + ETH_HDR_SIZE, pkt->iov[0].iov_base, want - ETH_HDR_SIZE);
		v->linear = want;
		return want;
	}
	if (v->linear < ETH_HDR_SIZE) {
		uint32_t n = want < ETH_HDR_SIZE ? want : ETH_HDR_SIZE;

		memcpy(capture_linear, pkt->eth, n);
		v->linear = n;
	}
	if (want > v->linear) {
		size_t got = vq_iov_copy_from(capture_linear + v->linear, pkt->iov, pkt->niov,
					      v->linear - ETH_HDR_SIZE, want - v->linear);

		/* Segments shorter than the size claims: capture what is there. */
		v->linear += (uint32_t)got;
	}
	return v->linear;
}

/* ------------------------------------------------------------ the filter */

static int compile_filter(const char *filter, uint32_t snaplen, struct bpf_program *prog,
			  char *err, size_t err_size);

static uint32_t load_be(const uint8_t *p, uint32_t size)
{
	if (size == 4)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	if (size == 2)
		return (uint32_t)p[0] << 8 | p[1];
	return p[0];
}

/*
 * The slow load: bytes that straddle the header and a segment, or two
 * segments. Out of line, so the common loads need no stack buffer.
 */
static __attribute__((noinline)) bool frame_gather(const struct dp_pkt *pkt, uint32_t off,
						   uint32_t size, uint32_t *value)
{
	uint8_t tmp[4];
	uint32_t i = 0;

	for (; i < size && off + i < ETH_HDR_SIZE; i++)
		tmp[i] = pkt->eth[off + i];
	if (i < size && vq_iov_copy_from(tmp + i, pkt->iov, pkt->niov, off + i - ETH_HDR_SIZE,
					 size - i) != size - i)
		return false;
	*value = load_be(tmp, size);
	return true;
}

/*
 * A big-endian load of @size (1, 2 or 4) bytes at @off, as BPF loads are.
 * Return: false if the bytes are not all inside the frame.
 */
static inline bool frame_load(const struct dp_pkt *pkt, uint32_t off, uint32_t size, uint32_t *value)
{
	if ((uint64_t)off + size > pkt->size)
		return false;
	if (off + size <= ETH_HDR_SIZE) {
		*value = load_be(pkt->eth + off, size);
		return true;
	}
	if (off >= ETH_HDR_SIZE && pkt->niov && off - ETH_HDR_SIZE + size <= pkt->iov[0].iov_len) {
		*value = load_be((const uint8_t *)pkt->iov[0].iov_base + (off - ETH_HDR_SIZE), size);
		return true;
	}
	return frame_gather(pkt, off, size, value);
}

#define LOAD_SIZE(code)	(BPF_SIZE(code) == BPF_W ? 4u : BPF_SIZE(code) == BPF_H ? 2u : 1u)

/*
 * Run classic BPF @pc over the frame: bpf_filter()'s semantics without
 * making the frame contiguous. The program passed bpf_validate() and
 * filter_native() (jumps in range, memory slots in range, a return at the
 * end, only the opcodes below). Each handler dispatches the next
 * instruction itself (computed goto), so the branch predictor sees one
 * indirect jump per opcode rather than one for the whole program: that
 * halves the cost of a typical filter. Return: bytes to capture, 0 to reject.
 */
static uint32_t filter_run(const struct bpf_insn *pc, const struct dp_pkt *pkt)
{
#define OP(code)	[code] = &&op_##code
#define NEXT()		goto *ops[(++pc)->code]
#define JUMP(cond)	do { pc += (cond) ? pc->jt : pc->jf; NEXT(); } while (0)
	enum {
		RET_K = BPF_RET | BPF_K, RET_A = BPF_RET | BPF_A,
		LD_W_ABS = BPF_LD | BPF_W | BPF_ABS, LD_H_ABS = BPF_LD | BPF_H | BPF_ABS,
		LD_B_ABS = BPF_LD | BPF_B | BPF_ABS, LD_W_IND = BPF_LD | BPF_W | BPF_IND,
		LD_H_IND = BPF_LD | BPF_H | BPF_IND, LD_B_IND = BPF_LD | BPF_B | BPF_IND,
		LD_LEN = BPF_LD | BPF_W | BPF_LEN, LDX_LEN = BPF_LDX | BPF_W | BPF_LEN,
		LD_IMM = BPF_LD | BPF_IMM, LDX_IMM = BPF_LDX | BPF_IMM,
		LD_MEM = BPF_LD | BPF_MEM, LDX_MEM = BPF_LDX | BPF_MEM,
		LDX_MSH = BPF_LDX | BPF_MSH | BPF_B, ST = BPF_ST, STX = BPF_STX,
		JA = BPF_JMP | BPF_JA,
		JGT_K = BPF_JMP | BPF_JGT | BPF_K, JGE_K = BPF_JMP | BPF_JGE | BPF_K,
		JEQ_K = BPF_JMP | BPF_JEQ | BPF_K, JSET_K = BPF_JMP | BPF_JSET | BPF_K,
		JGT_X = BPF_JMP | BPF_JGT | BPF_X, JGE_X = BPF_JMP | BPF_JGE | BPF_X,
		JEQ_X = BPF_JMP | BPF_JEQ | BPF_X, JSET_X = BPF_JMP | BPF_JSET | BPF_X,
		ADD_X = BPF_ALU | BPF_ADD | BPF_X, SUB_X = BPF_ALU | BPF_SUB | BPF_X,
		MUL_X = BPF_ALU | BPF_MUL | BPF_X, DIV_X = BPF_ALU | BPF_DIV | BPF_X,
		MOD_X = BPF_ALU | BPF_MOD | BPF_X, AND_X = BPF_ALU | BPF_AND | BPF_X,
		OR_X = BPF_ALU | BPF_OR | BPF_X, XOR_X = BPF_ALU | BPF_XOR | BPF_X,
		LSH_X = BPF_ALU | BPF_LSH | BPF_X, RSH_X = BPF_ALU | BPF_RSH | BPF_X,
		ADD_K = BPF_ALU | BPF_ADD | BPF_K, SUB_K = BPF_ALU | BPF_SUB | BPF_K,
		MUL_K = BPF_ALU | BPF_MUL | BPF_K, DIV_K = BPF_ALU | BPF_DIV | BPF_K,
		MOD_K = BPF_ALU | BPF_MOD | BPF_K, AND_K = BPF_ALU | BPF_AND | BPF_K,
		OR_K = BPF_ALU | BPF_OR | BPF_K, XOR_K = BPF_ALU | BPF_XOR | BPF_K,
		LSH_K = BPF_ALU | BPF_LSH | BPF_K, RSH_K = BPF_ALU | BPF_RSH | BPF_K,
		NEG = BPF_ALU | BPF_NEG, TAX = BPF_MISC | BPF_TAX, TXA = BPF_MISC | BPF_TXA,
	};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"	/* the known opcodes override the default */
	static const void *const ops[256] = {
		[0 ... 255] = &&op_reject,
		OP(RET_K), OP(RET_A), OP(LD_W_ABS), OP(LD_H_ABS), OP(LD_B_ABS),
		OP(LD_W_IND), OP(LD_H_IND), OP(LD_B_IND), OP(LD_LEN), OP(LDX_LEN),
		OP(LD_IMM), OP(LDX_IMM), OP(LD_MEM), OP(LDX_MEM), OP(LDX_MSH), OP(ST), OP(STX),
		OP(JA), OP(JGT_K), OP(JGE_K), OP(JEQ_K), OP(JSET_K),
		OP(JGT_X), OP(JGE_X), OP(JEQ_X), OP(JSET_X),
		OP(ADD_X), OP(SUB_X), OP(MUL_X), OP(DIV_X), OP(MOD_X), OP(AND_X), OP(OR_X),
		OP(XOR_X), OP(LSH_X), OP(RSH_X),
		OP(ADD_K), OP(SUB_K), OP(MUL_K), OP(DIV_K), OP(MOD_K), OP(AND_K), OP(OR_K),
		OP(XOR_K), OP(LSH_K), OP(RSH_K), OP(NEG), OP(TAX), OP(TXA),
	};
#pragma GCC diagnostic pop
	uint32_t mem[BPF_MEMWORDS] = { 0 };	/* libpcap never loads a slot unstored; be sure */
	uint32_t a = 0, x = 0, v;

	goto *ops[pc->code];

op_RET_K:
	return pc->k;
op_RET_A:
	return a;
op_LD_W_ABS:
	if (!frame_load(pkt, pc->k, 4, &a))
		return 0;
	NEXT();
op_LD_H_ABS:
	if (!frame_load(pkt, pc->k, 2, &a))
		return 0;
	NEXT();
op_LD_B_ABS:
	if (!frame_load(pkt, pc->k, 1, &a))
		return 0;
	NEXT();
op_LD_W_IND:
	if (pc->k > UINT32_MAX - x || !frame_load(pkt, x + pc->k, 4, &a))
		return 0;
	NEXT();
op_LD_H_IND:
	if (pc->k > UINT32_MAX - x || !frame_load(pkt, x + pc->k, 2, &a))
		return 0;
	NEXT();
op_LD_B_IND:
	if (pc->k > UINT32_MAX - x || !frame_load(pkt, x + pc->k, 1, &a))
		return 0;
	NEXT();
op_LD_LEN:
	a = pkt->size;
	NEXT();
op_LDX_LEN:
	x = pkt->size;
	NEXT();
op_LD_IMM:
	a = pc->k;
	NEXT();
op_LDX_IMM:
	x = pc->k;
	NEXT();
op_LD_MEM:
	a = mem[pc->k];
	NEXT();
op_LDX_MEM:
	x = mem[pc->k];
	NEXT();
op_LDX_MSH:
	if (!frame_load(pkt, pc->k, 1, &v))
		return 0;
	x = (v & 0xf) << 2;
	NEXT();
op_ST:
	mem[pc->k] = a;
	NEXT();
op_STX:
	mem[pc->k] = x;
	NEXT();
op_JA:
	pc += pc->k;
	NEXT();
op_JGT_K:
	JUMP(a > pc->k);
op_JGE_K:
	JUMP(a >= pc->k);
op_JEQ_K:
	JUMP(a == pc->k);
op_JSET_K:
	JUMP(a & pc->k);
op_JGT_X:
	JUMP(a > x);
op_JGE_X:
	JUMP(a >= x);
op_JEQ_X:
	JUMP(a == x);
op_JSET_X:
	JUMP(a & x);
op_ADD_X:
	a += x;
	NEXT();
op_SUB_X:
	a -= x;
	NEXT();
op_MUL_X:
	a *= x;
	NEXT();
op_DIV_X:
	if (!x)
		return 0;
	a /= x;
	NEXT();
op_MOD_X:
	if (!x)
		return 0;
	a %= x;
	NEXT();
op_AND_X:
	a &= x;
	NEXT();
op_OR_X:
	a |= x;
	NEXT();
op_XOR_X:
	a ^= x;
	NEXT();
op_LSH_X:
	a = x < 32 ? a << x : 0;
	NEXT();
op_RSH_X:
	a = x < 32 ? a >> x : 0;
	NEXT();
op_ADD_K:
	a += pc->k;
	NEXT();
op_SUB_K:
	a -= pc->k;
	NEXT();
op_MUL_K:
	a *= pc->k;
	NEXT();
op_DIV_K:
	a /= pc->k;	/* validated: k != 0 */
	NEXT();
op_MOD_K:
	a %= pc->k;
	NEXT();
op_AND_K:
	a &= pc->k;
	NEXT();
op_OR_K:
	a |= pc->k;
	NEXT();
op_XOR_K:
	a ^= pc->k;
	NEXT();
op_LSH_K:
	a = pc->k < 32 ? a << pc->k : 0;
	NEXT();
op_RSH_K:
	a = pc->k < 32 ? a >> pc->k : 0;
	NEXT();
op_NEG:
	a = -a;
	NEXT();
op_TAX:
	x = a;
	NEXT();
op_TXA:
	a = x;
	NEXT();
op_reject:
	return 0;	/* filter_native() let no other opcode through */
#undef OP
#undef NEXT
#undef JUMP
}

/* Whether filter_run() knows every instruction of @prog (else bpf_filter() runs it). */
static bool filter_native(const struct bpf_program *prog)
{
	static const uint16_t known[] = {
		BPF_RET | BPF_K, BPF_RET | BPF_A,
		BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
		BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND,
		BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN,
		BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM,
		BPF_LDX | BPF_MSH | BPF_B, BPF_ST, BPF_STX, BPF_JMP | BPF_JA,
		BPF_JMP | BPF_JGT | BPF_K, BPF_JMP | BPF_JGE | BPF_K, BPF_JMP | BPF_JEQ | BPF_K,
		BPF_JMP | BPF_JSET | BPF_K, BPF_JMP | BPF_JGT | BPF_X, BPF_JMP | BPF_JGE | BPF_X,
		BPF_JMP | BPF_JEQ | BPF_X, BPF_JMP | BPF_JSET | BPF_X,
		BPF_ALU | BPF_ADD | BPF_X, BPF_ALU | BPF_SUB | BPF_X, BPF_ALU | BPF_MUL | BPF_X,
		BPF_ALU | BPF_AND | BPF_X, BPF_ALU | BPF_OR | BPF_X, BPF_ALU | BPF_XOR | BPF_X,
		BPF_ALU | BPF_DIV | BPF_X, BPF_ALU | BPF_MOD | BPF_X, BPF_ALU | BPF_LSH | BPF_X,
		BPF_ALU | BPF_RSH | BPF_X, BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_SUB | BPF_K,
		BPF_ALU | BPF_MUL | BPF_K, BPF_ALU | BPF_AND | BPF_K, BPF_ALU | BPF_OR | BPF_K,
		BPF_ALU | BPF_XOR | BPF_K, BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_MOD | BPF_K,
		BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_RSH | BPF_K, BPF_ALU | BPF_NEG,
		BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
	};
	u_int i, j;

	if (!prog->bf_len || !bpf_validate(prog->bf_insns, (int)prog->bf_len))
		return false;
	for (i = 0; i < prog->bf_len; i++) {
		const struct bpf_insn *insn = &prog->bf_insns[i];
		bool found = false;

		for (j = 0; j < sizeof(known) / sizeof(known[0]) && !found; j++)
			found = insn->code == known[j];
		if (!found)
			return false;
		/* bpf_validate() checks these too; the interpreter relies on them. */
		if ((insn->code == BPF_ST || insn->code == BPF_STX ||
		     insn->code == (BPF_LD | BPF_MEM) || insn->code == (BPF_LDX | BPF_MEM)) &&
		    insn->k >= BPF_MEMWORDS)
			return false;
		if ((insn->code == (BPF_ALU | BPF_DIV | BPF_K) ||
		     insn->code == (BPF_ALU | BPF_MOD | BPF_K)) && !insn->k)
			return false;
	}
	return true;
}

bool capture_filter_native(const char *filter, uint32_t snaplen)
{
	struct bpf_program prog;
	char err[PCAP_ERRBUF_SIZE + 64];
	bool native;

	if (compile_filter(filter, snaplen, &prog, err, sizeof(err)))
		return false;
	native = filter_native(&prog);
	pcap_freecode(&prog);
	return native;
}

uint32_t capture_filter_test(const char *filter, const struct dp_pkt *pkt, bool native)
{
	struct capture_view v = { .pkt = pkt };
	struct bpf_program prog;
	char err[PCAP_ERRBUF_SIZE + 64];
	uint32_t ret, have;

	if (compile_filter(filter, CAPTURE_SNAPLEN_MAX, &prog, err, sizeof(err)))
		return UINT32_MAX;
	if (native) {
		ret = filter_run(prog.bf_insns, pkt);
	} else {
		have = view_linearise(&v, pkt->size);
		ret = bpf_filter(prog.bf_insns, capture_linear, pkt->size, have);
	}
	pcap_freecode(&prog);
	return ret;
}

static void writer_wake(struct capture_session *s)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&s->writer_sleeping, memory_order_relaxed) &&
	    atomic_exchange(&s->writer_sleeping, false))
		eventfd_signal(s->wake_fd);
}

/* The filter accepted the frame: queue @caplen bytes of it, or count a drop. */
static __attribute__((noinline)) bool session_queue(struct capture_session *s,
						    struct capture_view *v, uint32_t caplen)
{
	const struct dp_pkt *pkt = v->pkt;
	struct capture_rec_hdr rec;
	uint64_t head, tail;
	uint32_t have;

	have = view_linearise(v, caplen);
	if (caplen > have)
		caplen = have;
	s->matched++;

	head = atomic_load_explicit(&s->head, memory_order_relaxed);
	tail = atomic_load_explicit(&s->tail, memory_order_acquire);
	if (CAPTURE_REC_HDR_SIZE + caplen > s->ring_size - (head - tail)) {
		s->ring_drops++;
		return false;
	}
	if (!v->has_ts) {
		clock_gettime(CLOCK_REALTIME, &v->ts);
		v->has_ts = true;
	}
	rec.ts_sec = (uint32_t)v->ts.tv_sec;
	rec.ts_usec = (uint32_t)(v->ts.tv_nsec / 1000);
	rec.incl_len = caplen;
	rec.orig_len = pkt->size;
	ring_put(s, head, &rec, sizeof(rec));
	ring_put(s, head + sizeof(rec), capture_linear, caplen);
	atomic_store_explicit(&s->head, head + sizeof(rec) + caplen, memory_order_release);
	s->queued++;
	if (s->spec.count && s->queued >= s->spec.count)
		s->count_reached = true;
	writer_wake(s);
	return true;
}

/* Hot: every frame meets every running session here; most leave at once. */
static inline bool session_offer(struct capture_session *s, uint64_t net_uid, uint64_t port_uid,
				 unsigned int direction, struct capture_view *v)
{
	const struct dp_pkt *pkt = v->pkt;
	uint32_t caplen;

	if (net_uid != s->spec.net_uid || !(direction & s->spec.directions) || s->count_reached)
		return false;
	if (s->spec.port_uid && port_uid != s->spec.port_uid)
		return false;

	caplen = pkt->size < s->spec.snaplen ? pkt->size : s->spec.snaplen;
	if (s->has_prog) {
		/* The filter sees the whole frame, as the kernel's would. */
		uint32_t ret;

		if (__builtin_expect(s->prog_native, 1)) {
			ret = filter_run(s->prog.bf_insns, pkt);
		} else {
			uint32_t have = view_linearise(v, pkt->size);

			ret = bpf_filter(s->prog.bf_insns, capture_linear, pkt->size, have);
		}
		if (!ret)
			return false;
		if (caplen > ret)
			caplen = ret;
	}
	return session_queue(s, v, caplen);
}

bool capture_session_offer(struct capture_session *s, uint64_t net_uid, uint64_t port_uid,
			   unsigned int direction, const struct dp_pkt *pkt)
{
	struct capture_view v = { .pkt = pkt };

	return session_offer(s, net_uid, port_uid, direction, &v);
}

void capture_frame(const struct network *net, const struct port *port,
		   unsigned int direction, const struct dp_pkt *pkt)
{
	struct capture_view v = { .pkt = pkt };
	uint64_t port_uid = port ? port->uid : 0;
	unsigned int i;

	for (i = 0; i < nrunning; i++)
		session_offer(running[i], net->uid, port_uid, direction, &v);
}

/* ------------------------------------------------------- consumer side */

/*
 * Count the records that @new_tail completes. Their headers are read before
 * the tail is published, while the producer cannot yet overwrite them.
 */
static void count_written(struct capture_session *s, uint64_t new_tail, uint64_t head)
{
	struct capture_rec_hdr rec;
	uint64_t done = 0;

	for (;;) {
		if (!s->rec_parsed) {
			if (s->rec_next >= head)
				break;
			ring_get(s, s->rec_next, &rec, sizeof(rec));
			s->rec_end = s->rec_next + sizeof(rec) + rec.incl_len;
			s->rec_parsed = true;
		}
		if (s->rec_end > new_tail)
			break;
		done++;
		s->rec_next = s->rec_end;
		s->rec_parsed = false;
	}
	if (done)
		atomic_fetch_add_explicit(&s->written, done, memory_order_relaxed);
}

/*
 * Write the pcap file header, or the next chunk of queued records.
 * Return: bytes written, 0 if nothing is pending, or negative errno
 * (-EAGAIN: the output is non-blocking and full).
 */
static ssize_t write_some(struct capture_session *s)
{
	uint64_t head, tail;
	size_t off, size;
	ssize_t n;

	if (s->file_hdr_done < CAPTURE_FILE_HDR_SIZE) {
		struct capture_file_hdr fh = {
			.magic = 0xa1b2c3d4, .version_major = 2, .version_minor = 4,
			.snaplen = s->spec.snaplen, .linktype = DLT_EN10MB,
		};

		n = write(s->out_fd, (const uint8_t *)&fh + s->file_hdr_done,
			  CAPTURE_FILE_HDR_SIZE - s->file_hdr_done);
		if (n < 0)
			return errno == EINTR ? -EAGAIN : -errno;
		s->file_hdr_done += (size_t)n;
		return n;
	}
	head = atomic_load_explicit(&s->head, memory_order_acquire);
	tail = atomic_load_explicit(&s->tail, memory_order_relaxed);
	if (head == tail)
		return 0;
	off = tail & (s->ring_size - 1);
	size = head - tail;
	if (size > s->ring_size - off)
		size = s->ring_size - off;
	if (size > s->chunk_max)
		size = s->chunk_max;
	n = write(s->out_fd, s->ring + off, size);
	if (n < 0)
		return errno == EINTR ? -EAGAIN : -errno;
	count_written(s, tail + (uint64_t)n, head);
	atomic_store_explicit(&s->tail, tail + (uint64_t)n, memory_order_release);
	return n;
}

static bool output_pending(struct capture_session *s)
{
	return s->file_hdr_done < CAPTURE_FILE_HDR_SIZE ||
	       atomic_load_explicit(&s->head, memory_order_acquire) !=
	       atomic_load_explicit(&s->tail, memory_order_relaxed);
}

static bool count_done(struct capture_session *s)
{
	return s->spec.count && atomic_load_explicit(&s->written, memory_order_relaxed) >= s->spec.count;
}

int capture_session_flush(struct capture_session *s)
{
	ssize_t n;

	while (output_pending(s)) {
		n = write_some(s);
		if (n == -EAGAIN) {
			struct pollfd pfd = { .fd = s->out_fd, .events = POLLOUT };

			poll(&pfd, 1, 100);
			continue;
		}
		if (n < 0)
			return (int)n;
	}
	return 0;
}

static enum capture_end write_failure(struct capture_session *s, int error)
{
	s->write_errno = error;
	return error == EPIPE || error == ECONNRESET ? CAPTURE_END_READER_GONE
						      : CAPTURE_END_WRITE_ERROR;
}

/*
 * Nothing to write: sleep until the producer or the control thread wakes
 * us. The output is watched too (no events asked: only errors and hang-ups
 * are reported), so a pipe whose reader went away ends the session at once
 * rather than at the next matching frame.
 * Return: true if the output's reader is gone.
 */
static bool writer_sleep(struct capture_session *s)
{
	struct pollfd pfds[2] = {
		{ .fd = s->wake_fd, .events = POLLIN },
		{ .fd = s->out_fd, .events = 0 },
	};

	atomic_store(&s->writer_sleeping, true);
	if (output_pending(s) || atomic_load(&s->stop)) {
		atomic_store(&s->writer_sleeping, false);
		return false;
	}
	if (poll(pfds, 2, -1) > 0 && (pfds[0].revents & POLLIN))
		eventfd_drain(s->wake_fd);
	atomic_store(&s->writer_sleeping, false);
	return (pfds[1].revents & (POLLERR | POLLHUP)) != 0;
}

/*
 * Wait until the output takes bytes without blocking (or the control thread
 * wakes us). Return: 1 writable, 0 woken or interrupted, -ETIMEDOUT if
 * @timeout_ms passed without either.
 */
static int writer_wait_output(struct capture_session *s, int timeout_ms)
{
	struct pollfd pfds[2] = {
		{ .fd = s->out_fd, .events = POLLOUT },
		{ .fd = s->wake_fd, .events = POLLIN },
	};
	int n = poll(pfds, 2, timeout_ms);

	if (n == 0)
		return -ETIMEDOUT;
	if (n < 0)
		return 0;
	if (pfds[1].revents & POLLIN)
		eventfd_drain(s->wake_fd);
	return (pfds[0].revents & (POLLOUT | POLLERR | POLLHUP)) ? 1 : 0;
}

static void *writer_thread(void *arg)
{
	struct capture_session *s = arg;
	enum capture_end reason = CAPTURE_RUNNING;
	ssize_t n;
	int ret;

	pthread_setname_np(pthread_self(), "vsw-capture");
	while (reason == CAPTURE_RUNNING) {
		bool stopping = atomic_load(&s->stop);

		if (count_done(s)) {
			reason = CAPTURE_END_COUNT;
			break;
		}
		if (!output_pending(s)) {
			if (stopping)
				reason = atomic_load(&s->end_reason);
			else if (writer_sleep(s))
				reason = write_failure(s, EPIPE);
			continue;
		}
		ret = writer_wait_output(s, stopping ? CAPTURE_GIVE_UP_MS : -1);
		if (ret == -ETIMEDOUT) {
			/* Ending, and the reader takes nothing: what is queued is dropped. */
			reason = atomic_load(&s->end_reason);
			break;
		}
		if (ret == 0)
			continue;
		n = write_some(s);
		if (n < 0 && n != -EAGAIN)
			reason = write_failure(s, (int)-n);
	}
	/* The first to set a reason wins: a control-thread reason is already there. */
	{
		int expected = CAPTURE_RUNNING;

		atomic_compare_exchange_strong(&s->end_reason, &expected, (int)reason);
	}
	atomic_store_explicit(&s->writer_done, true, memory_order_release);
	if (done_fd >= 0)
		eventfd_signal(done_fd);
	return NULL;
}

/* ----------------------------------------------------- session objects */

static size_t round_up_pow2(size_t size)
{
	size_t p = CAPTURE_BUFFER_MIN;

	while (p < size)
		p <<= 1;
	return p;
}

/* Compile @filter for Ethernet frames; the message on failure is libpcap's. */
static int compile_filter(const char *filter, uint32_t snaplen, struct bpf_program *prog,
			  char *err, size_t err_size)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, (int)snaplen);
	int ret = 0;

	if (!dead) {
		snprintf(err, err_size, "cannot set up libpcap to compile the filter");
		return -ENOMEM;
	}
	if (pcap_compile(dead, prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, err_size, "bad filter '%s': %s", filter, pcap_geterr(dead));
		ret = -EINVAL;
	}
	pcap_close(dead);
	return ret;
}

int capture_session_new(const struct capture_spec *spec, int out_fd,
			struct capture_session **sessionp, char *err, size_t err_size)
{
	struct capture_session *s;
	struct stat st;
	int ret;

	if (!spec->directions || (spec->directions & ~CAPTURE_BOTH)) {
		snprintf(err, err_size, "direction must be in, out or both");
		return -EINVAL;
	}
	if (spec->snaplen < 1 || spec->snaplen > CAPTURE_SNAPLEN_MAX) {
		snprintf(err, err_size, "snaplen must be from 1 to %u bytes", CAPTURE_SNAPLEN_MAX);
		return -EINVAL;
	}
	if (spec->buffer_size < CAPTURE_BUFFER_MIN || spec->buffer_size > CAPTURE_BUFFER_MAX) {
		snprintf(err, err_size, "buffer size must be from %u KiB to %u MiB",
			 CAPTURE_BUFFER_MIN >> 10, CAPTURE_BUFFER_MAX >> 20);
		return -EINVAL;
	}
	if (spec->filter && strlen(spec->filter) > CAPTURE_FILTER_MAX) {
		snprintf(err, err_size, "filter longer than %u bytes", CAPTURE_FILTER_MAX);
		return -EINVAL;
	}
	if (fstat(out_fd, &st) < 0) {
		snprintf(err, err_size, "cannot use the output descriptor: %s", strerror(errno));
		return -EBADF;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		goto err_nomem;
	s->spec = *spec;
	s->filter = strdup(spec->filter ? spec->filter : "");
	s->ring_size = round_up_pow2(spec->buffer_size);
	s->ring = malloc(s->ring_size);
	s->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!s->filter || !s->ring || s->wake_fd < 0) {
		if (s->wake_fd >= 0)
			close(s->wake_fd);
		free(s->ring);
		free(s->filter);
		free(s);
		goto err_nomem;
	}
	s->spec.filter = s->filter;
	s->spec.buffer_size = s->ring_size;
	s->out_fd = -1;
	s->conn_fd = -1;
	/*
	 * After POLLOUT a pipe takes PIPE_BUF bytes without blocking; a file
	 * never blocks for long, so it gets big writes.
	 */
	s->chunk_max = S_ISREG(st.st_mode) ? CAPTURE_FILE_CHUNK : PIPE_BUF;
	if (s->filter[0]) {
		ret = compile_filter(s->filter, s->spec.snaplen, &s->prog, err, err_size);
		if (ret) {
			capture_session_free(s);
			return ret;
		}
		s->has_prog = true;
		s->prog_native = filter_native(&s->prog);
	}
	s->out_fd = out_fd;
	*sessionp = s;
	return 0;

err_nomem:
	snprintf(err, err_size, "out of memory for a %zu-byte capture buffer", spec->buffer_size);
	return -ENOMEM;
}

void capture_session_stats(const struct capture_session *s, struct capture_stats *stats)
{
	uint64_t written = atomic_load_explicit(&s->written, memory_order_relaxed);

	stats->captured = written;
	stats->matched = s->matched;
	stats->dropped = s->ring_drops + (s->queued > written ? s->queued - written : 0);
}

void capture_session_free(struct capture_session *s)
{
	if (!s)
		return;
	if (s->has_prog)
		pcap_freecode(&s->prog);
	if (s->out_fd >= 0)
		close(s->out_fd);
	if (s->wake_fd >= 0)
		close(s->wake_fd);
	free(s->ring);
	free(s->filter);
	free(s);
}

/* ------------------------------------------------------ control thread */

/* Take @s off the datapath's array; from now on no frame reaches it. */
static void session_detach(struct capture_session *s)
{
	unsigned int i;

	if (s->detached)
		return;
	dp_pause();
	for (i = 0; i < nrunning; i++) {
		if (running[i] == s) {
			running[i] = running[--nrunning];
			running[nrunning] = NULL;
			break;
		}
	}
	capture_directions = 0;
	for (i = 0; i < nrunning; i++)
		capture_directions |= running[i]->spec.directions;
	dp_resume();
	s->detached = true;
}

/* End @s for @reason: no more frames; the writer finishes what is queued. */
static void session_end(struct capture_session *s, enum capture_end reason)
{
	int expected = CAPTURE_RUNNING;

	session_detach(s);
	atomic_compare_exchange_strong(&s->end_reason, &expected, (int)reason);
	atomic_store(&s->stop, true);
	eventfd_signal(s->wake_fd);
}

static json_t *session_json(const struct capture_session *s)
{
	struct capture_stats st;
	json_t *obj;

	capture_session_stats(s, &st);
	obj = json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:I, s:I, s:I, s:I}",
			"capture", (json_int_t)s->id, "net", s->net_name,
			"direction", direction_name(s->spec.directions),
			"snaplen", (json_int_t)s->spec.snaplen, "count", (json_int_t)s->spec.count,
			"filter", s->filter, "buffer_size", (json_int_t)s->spec.buffer_size,
			"captured", (json_int_t)st.captured, "dropped", (json_int_t)st.dropped,
			"matched", (json_int_t)st.matched);
	if (obj && s->port_name[0])
		json_object_set_new(obj, "port", json_string(s->port_name));
	return obj;
}

static void check_timer_update(void);

/* The writer has finished: join it, close the output, tell the client, free. */
static void session_finish(struct capture_session *s)
{
	struct capture_session **pp;
	enum capture_end reason;
	json_t *event, *params;

	session_detach(s);
	if (s->thread_started)
		pthread_join(s->thread, NULL);
	/* Closing first: a client reading a pipe sees its end before the event. */
	close(s->out_fd);
	s->out_fd = -1;
	reason = (enum capture_end)atomic_load(&s->end_reason);
	log_info("capture %u on %s%s%s ended (%s): %" PRIu64 " captured",
		 s->id, s->net_name, s->port_name[0] ? "/" : "", s->port_name,
		 capture_end_name(reason), atomic_load(&s->written));
	if (s->conn_fd >= 0) {
		params = session_json(s);
		if (params) {
			json_object_set_new(params, "reason", json_string(capture_end_name(reason)));
			if (reason == CAPTURE_END_WRITE_ERROR)
				json_object_set_new(params, "error", json_string(strerror(s->write_errno)));
		}
		event = params ? json_pack("{s:s, s:o}", "event", "capture.end", "params", params) : NULL;
		if (event)
			ctl_send(s->conn_fd, event, NULL, 0);
		json_decref(event);
	}
	for (pp = &sessions; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	nsessions--;
	capture_session_free(s);
	check_timer_update();
}

static void on_writer_done(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct capture_session *s, *next;

	(void)l;
	(void)events;
	(void)opaque;
	eventfd_drain(fd);
	for (s = sessions; s; s = next) {
		next = s->next;
		if (atomic_load_explicit(&s->writer_done, memory_order_acquire))
			session_finish(s);
	}
}

static bool port_uid_exists(const struct network *net, uint64_t uid)
{
	unsigned int i;

	for (i = 0; i < NET_MAX_PORTS; i++)
		if (net->ports[i] && net->ports[i]->uid == uid)
			return true;
	return false;
}

/* End sessions whose network or port was deleted. */
static void on_check(struct loop *l, int fd, uint32_t events, void *opaque)
{
	struct capture_session *s;
	struct network *net;

	(void)l;
	(void)fd;
	(void)events;
	(void)opaque;
	for (s = sessions; s; s = s->next) {
		if (s->detached)
			continue;
		for (net = net_first(); net; net = net->next)
			if (net->uid == s->spec.net_uid)
				break;
		if (!net || (s->spec.port_uid && !port_uid_exists(net, s->spec.port_uid)))
			session_end(s, CAPTURE_END_REMOVED);
	}
}

static void check_timer_update(void)
{
	if (!ctl_loop)
		return;
	if (sessions && check_timer < 0) {
		check_timer = loop_timer_add(ctl_loop, CAPTURE_CHECK_MS, CAPTURE_CHECK_MS,
					     on_check, NULL);
	} else if (!sessions && check_timer >= 0) {
		loop_timer_del(ctl_loop, check_timer);
		check_timer = -1;
	}
}

int capture_init(struct loop *loop)
{
	done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (done_fd < 0)
		return -errno;
	if (loop_add(loop, done_fd, EPOLLIN, on_writer_done, NULL)) {
		close(done_fd);
		done_fd = -1;
		return -ENOMEM;
	}
	ctl_loop = loop;
	return 0;
}

void capture_shutdown(void)
{
	struct capture_session *s;

	for (s = sessions; s; s = s->next)
		session_end(s, CAPTURE_END_SHUTDOWN);
	while (sessions)
		session_finish(sessions);
	if (check_timer >= 0)
		loop_timer_del(ctl_loop, check_timer);
	check_timer = -1;
	if (done_fd >= 0) {
		loop_del(ctl_loop, done_fd);
		close(done_fd);
	}
	done_fd = -1;
	ctl_loop = NULL;
}

void capture_conn_closed(int conn_fd)
{
	struct capture_session *s;

	for (s = sessions; s; s = s->next) {
		if (s->conn_fd != conn_fd)
			continue;
		s->conn_fd = -1;
		session_end(s, CAPTURE_END_CLIENT_GONE);
	}
}

static int get_uint(json_t *params, const char *key, uint64_t min, uint64_t max,
		    uint64_t *value, char *err, size_t err_size)
{
	json_t *v = json_object_get(params, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) < min || (uint64_t)json_integer_value(v) > max) {
		snprintf(err, err_size, "'%s' must be a whole number from %" PRIu64 " to %" PRIu64,
			 key, min, max);
		return -EINVAL;
	}
	*value = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_string(json_t *params, const char *key, bool required, const char **value,
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

/* Check capture.start's parameters into @spec, naming the network and port. */
static int parse_start(json_t *params, struct capture_spec *spec, struct network **netp,
		       struct port **portp, char *err, size_t err_size)
{
	const char *net_name = NULL, *port_name = NULL, *direction = NULL;
	uint64_t snaplen = CAPTURE_SNAPLEN_MAX, buffer = CAPTURE_BUFFER_DEFAULT;
	int ret;

	memset(spec, 0, sizeof(*spec));
	ret = get_string(params, "net", true, &net_name, err, err_size);
	if (!ret)
		ret = get_string(params, "port", false, &port_name, err, err_size);
	if (!ret)
		ret = get_string(params, "direction", false, &direction, err, err_size);
	if (!ret)
		ret = get_string(params, "filter", false, &spec->filter, err, err_size);
	if (!ret)
		ret = get_uint(params, "snaplen", 1, CAPTURE_SNAPLEN_MAX, &snaplen, err, err_size);
	if (!ret)
		ret = get_uint(params, "count", 0, UINT32_MAX, &spec->count, err, err_size);
	if (!ret)
		ret = get_uint(params, "buffer_size", CAPTURE_BUFFER_MIN, CAPTURE_BUFFER_MAX,
			       &buffer, err, err_size);
	if (ret)
		return ret;
	spec->snaplen = (uint32_t)snaplen;
	spec->buffer_size = (size_t)buffer;

	*netp = net_find(net_name);
	if (!*netp) {
		snprintf(err, err_size, "network '%s' not found", net_name);
		return -ENOENT;
	}
	*portp = NULL;
	if (port_name) {
		*portp = net_port_find(*netp, port_name);
		if (!*portp) {
			snprintf(err, err_size, "port '%s' not found in network '%s'", port_name,
				 net_name);
			return -ENOENT;
		}
	}
	spec->net_uid = (*netp)->uid;
	spec->port_uid = *portp ? (*portp)->uid : 0;
	/* A port defaults to both ways; a network to each frame once, as it enters. */
	spec->directions = *portp ? CAPTURE_BOTH : CAPTURE_IN;
	if (direction) {
		if (!strcmp(direction, "in"))
			spec->directions = CAPTURE_IN;
		else if (!strcmp(direction, "out"))
			spec->directions = CAPTURE_OUT;
		else if (!strcmp(direction, "both"))
			spec->directions = CAPTURE_BOTH;
		else {
			snprintf(err, err_size, "invalid direction '%s': expected in, out or both",
				 direction);
			return -EINVAL;
		}
	}
	return 0;
}

int cmd_capture_start(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct capture_session *s;
	struct capture_spec spec;
	struct network *net;
	struct port *port;
	sigset_t all, old;
	int ret, flags;

	ret = parse_start(req->params, &spec, &net, &port, err, err_size);
	if (ret)
		return ret;
	if (json_is_true(json_object_get(req->params, "check"))) {
		/* Only validate, so a client opens its output after knowing it will be used. */
		struct bpf_program prog;

		if (spec.filter && spec.filter[0]) {
			ret = compile_filter(spec.filter, spec.snaplen, &prog, err, err_size);
			if (ret)
				return ret;
			pcap_freecode(&prog);
		}
		*result = json_object();
		return 0;
	}
	if (req->nfds != 1) {
		snprintf(err, err_size, "capture.start needs one file descriptor, the output, passed with the request (got %d)",
			 req->nfds);
		return -EINVAL;
	}
	flags = fcntl(req->fds[0], F_GETFL);
	if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY) {
		snprintf(err, err_size, "the output descriptor is not open for writing");
		return -EBADF;
	}
	if (req->conn_fd <= 0) {
		snprintf(err, err_size, "capture.start needs a control connection to live on");
		return -EINVAL;
	}
	if (!ctl_loop) {
		snprintf(err, err_size, "capture is not available");
		return -ENOTSUP;
	}
	if (nsessions >= CAPTURE_MAX_SESSIONS) {
		snprintf(err, err_size, "too many captures running (at most %d)", CAPTURE_MAX_SESSIONS);
		return -EBUSY;
	}
	ret = capture_session_new(&spec, req->fds[0], &s, err, err_size);
	if (ret)
		return ret;
	req->fds[0] = -1;
	s->id = ++next_id;
	s->conn_fd = req->conn_fd;
	snprintf(s->net_name, sizeof(s->net_name), "%s", net->name);
	if (port)
		snprintf(s->port_name, sizeof(s->port_name), "%s", port->name);

	/* The writer blocks no signal the control thread's signalfd should get. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = -pthread_create(&s->thread, NULL, writer_thread, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		snprintf(err, err_size, "cannot start the capture writer: %s", strerror(-ret));
		capture_session_free(s);
		return ret;
	}
	s->thread_started = true;
	*result = session_json(s);
	s->next = sessions;
	sessions = s;
	nsessions++;

	dp_pause();
	running[nrunning++] = s;
	capture_directions |= s->spec.directions;
	dp_resume();
	check_timer_update();
	log_info("capture %u on %s%s%s (%s, filter '%s') started", s->id, s->net_name,
		 port ? "/" : "", s->port_name, direction_name(s->spec.directions), s->filter);
	return 0;
}

static struct capture_session *session_find(json_t *params, char *err, size_t err_size)
{
	json_t *v = json_object_get(params, "capture");
	struct capture_session *s;

	if (!json_is_integer(v)) {
		snprintf(err, err_size, "missing or non-integer parameter 'capture'");
		return NULL;
	}
	for (s = sessions; s; s = s->next)
		if (s->id == json_integer_value(v))
			return s;
	snprintf(err, err_size, "no capture %" JSON_INTEGER_FORMAT " is running", json_integer_value(v));
	return NULL;
}

int cmd_capture_stop(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct capture_session *s = session_find(req->params, err, err_size);

	if (!s)
		return json_is_integer(json_object_get(req->params, "capture")) ? -ENOENT : -EINVAL;
	session_end(s, CAPTURE_END_STOPPED);
	dp_pause();
	*result = session_json(s);
	dp_resume();
	return 0;
}

int cmd_capture_list(struct ctl_request *req, json_t **result, char *err, size_t err_size)
{
	struct capture_session *s;
	json_t *list = json_array();

	(void)req;
	(void)err;
	(void)err_size;
	dp_pause();
	for (s = sessions; s; s = s->next) {
		json_t *obj = session_json(s);

		if (obj)
			json_object_set_new(obj, "state", json_string(s->detached ? "ending" : "running"));
		json_array_append_new(list, obj);
	}
	dp_resume();
	*result = json_pack("{s:o}", "captures", list);
	return 0;
}
