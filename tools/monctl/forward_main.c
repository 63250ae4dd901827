// SPDX-License-Identifier: GPL-2.0
/*
 * tlsmon-forward: key forwarding as a program of its own, so that monctl
 * itself needs only libmnl, and what holds TLS, JSON parsing and the
 * forwarded keys runs apart from it.
 *
 *   tlsmon-forward export ARGS...    as 'monctl export ARGS...'
 *   tlsmon-forward collect ARGS...   as 'monctl collect ARGS...'
 *
 * 'monctl [-n NETNS] export|collect ...' enters the namespace and runs
 * this program (next to monctl) with the same arguments; messages then
 * name monctl.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "collector.h"
#include "monctl.h"

struct mon_opts mon_opts;

/* monctl's name when monctl runs this program, else its own */
static const char *prog = "tlsmon-forward";

void mon_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The shared session and key code names it; this program has no tables. */
int mon_dispatch(const struct mon_cmd *cmds, const char *what, int argc,
		 char **argv, void (*usage)(void))
{
	(void)cmds;
	(void)argc;
	(void)argv;
	(void)usage;
	mon_err("no %s commands here", what);
	return MON_EXIT_USAGE;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: tlsmon-forward export ARGS... | collect ARGS... | help\n"
		"\n"
		"Forward keys to a collector, or collect them: the programs behind\n"
		"'monctl export' and 'monctl collect', with the same arguments\n"
		"('tlsmon-forward export help', 'tlsmon-forward collect help').\n");
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');

	base = base ? base + 1 : argv[0];
	if (!strcmp(base, "monctl"))
		prog = "monctl";
	if (argc < 2) {
		usage();
		return MON_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "export"))
		return do_export(argc - 2, argv + 2);
	if (!strcmp(argv[1], "collect"))
		return do_collect(argc - 2, argv + 2);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h")) {
		usage();
		return MON_EXIT_OK;
	}
	mon_err("unknown command '%s' (try '%s help')", argv[1], prog);
	return MON_EXIT_USAGE;
}
