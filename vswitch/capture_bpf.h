/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture_bpf.h - compiling capture filters (libpcap) and running them over datapath frames. */
#ifndef VSWITCH_CAPTURE_BPF_H
#define VSWITCH_CAPTURE_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pcap/pcap.h>

struct dp_pkt;

/**
 * cbpf_compile() - compile tcpdump filter @filter for Ethernet frames
 * Return: 0, or negative errno with libpcap's message in @err.
 */
int cbpf_compile(const char *filter, uint32_t snaplen, struct bpf_program *prog,
		 char *err, size_t err_size);

/** cbpf_native() - whether cbpf_run() can run @prog (valid, every opcode known). */
bool cbpf_native(const struct bpf_program *prog);

/**
 * cbpf_run() - run a program cbpf_native() accepted over @pkt, loading from
 * its header copy and segments. Return: bytes to capture, 0 to reject.
 */
uint32_t cbpf_run(const struct bpf_insn *pc, const struct dp_pkt *pkt);

/** capture_filter_native() - for tests: whether capture's interpreter runs @filter. */
bool capture_filter_native(const char *filter, uint32_t snaplen);

#endif /* VSWITCH_CAPTURE_BPF_H */
