// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture_bpf.c - capture's classic-BPF interpreter: runs a program libpcap
 * compiled straight over a frame as the datapath holds it (a private
 * Ethernet header, then guest segments), with bpf_filter()'s semantics.
 *
 * Making every frame contiguous for libpcap's bpf_filter() cost the 64-byte
 * benchmark about 10%; loading from the pieces costs a bounds check per
 * load. A load past the frame rejects it, division by zero rejects, and the
 * wire length is the frame size. Only programs bpf_validate() passes and
 * whose every opcode the interpreter knows run here (cbpf_native());
 * anything else runs in bpf_filter() on a copy. A unit test compares the
 * two over many filters and frames.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <pcap/pcap.h>

#include "capture_bpf.h"
#include "port.h"
#include "virtq.h"

int cbpf_compile(const char *filter, uint32_t snaplen, struct bpf_program *prog,
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
 * cbpf_native() (jumps in range, memory slots in range, a return at the
 * end, only the opcodes below). Each handler dispatches the next
 * instruction itself (computed goto), so the branch predictor sees one
 * indirect jump per opcode rather than one for the whole program: that
 * halves the cost of a typical filter. Return: bytes to capture, 0 to reject.
 */
uint32_t cbpf_run(const struct bpf_insn *pc, const struct dp_pkt *pkt)
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
	return 0;	/* cbpf_native() let no other opcode through */
#undef OP
#undef NEXT
#undef JUMP
}

bool cbpf_native(const struct bpf_program *prog)
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

	if (cbpf_compile(filter, snaplen, &prog, err, sizeof(err)))
		return false;
	native = cbpf_native(&prog);
	pcap_freecode(&prog);
	return native;
}

