/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture.h - `netctl capture`: ask vswitchd to capture a network's or a
 * port's frames into a file, standard output, or a pipe netctl reads to
 * print one tcpdump-like line per frame.
 */
#ifndef NETCTL_CAPTURE_H
#define NETCTL_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "cmdline.h"

/* The pcap stream vswitchd writes. */
#define PCAP_FILE_HDR_SIZE	24
#define PCAP_REC_HDR_SIZE	16
#define PCAP_SNAPLEN_MAX	262144	/* most bytes of a frame a capture keeps */

struct netctl_capture_args {
	bool help;			/* -h: print the command's help */
	const char *net;
	const char *port;		/* NULL: the whole network */
	const char *direction;		/* "in", "out", "both" or NULL (vswitchd's default) */
	const char *output;		/* -w FILE, "-" for standard output, NULL: print lines */
	uint32_t count;			/* -c; 0: until stopped */
	uint32_t snaplen;		/* --snaplen / -s; 0: vswitchd's default */
	uint32_t buffer_kib;		/* -B; 0: vswitchd's default */
	char *filter;			/* the FILTER words joined by spaces (owned) */
};

/**
 * netctl_capture_parse() - parse the words after "capture"
 * @argc:	count of @argv
 * @argv:	the arguments; @args points into them
 * @args:	filled on success; release with netctl_capture_args_clear()
 * @err:	one line on failure
 * @err_size:	size of @err in bytes
 *
 * Options may come anywhere (filter words never start with '-'); "--" ends them.
 * Return: 0 or -EINVAL.
 */
int netctl_capture_parse(int argc, char *const argv[], struct netctl_capture_args *args,
			 char *err, size_t err_size);

/** netctl_capture_args_clear() - release what netctl_capture_parse() allocated. */
void netctl_capture_args_clear(struct netctl_capture_args *args);

/** netctl_capture_params() - the capture.start parameters for @args (new reference). */
json_t *netctl_capture_params(const struct netctl_capture_args *args);

/**
 * netctl_capture_format() - one tcpdump -e style line for a frame, no newline
 * @buf:	receives the line
 * @size:	size of @buf in bytes
 * @ts_sec:	timestamp, seconds since the epoch (printed as local time)
 * @ts_usec:	microseconds
 * @frame:	the captured bytes
 * @caplen:	bytes in @frame
 * @wirelen:	the frame's length on the wire
 */
void netctl_capture_format(char *buf, size_t size, uint32_t ts_sec, uint32_t ts_usec,
			   const uint8_t *frame, uint32_t caplen, uint32_t wirelen);

#endif /* NETCTL_CAPTURE_H */
