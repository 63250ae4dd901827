// SPDX-License-Identifier: GPL-2.0
/*
 * monctl: configure and observe tlsmon, in the style of iproute2:
 *
 *   monctl [OPTIONS] OBJECT [COMMAND [ARGUMENTS]]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "collector.h"
#include "monctl.h"

struct mon_opts mon_opts;

void mon_err(const char *fmt, ...)
{
	va_list ap;

	fputs("monctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * mon_dispatch() - run the command named by argv[0] from @cmds
 * @cmds: table ending with a NULL name
 * @what: the object, for error messages
 * @argc: argument count, argv[0] being the command
 * @argv: arguments
 * @usage: prints the object's usage, for its "help" command
 */
int mon_dispatch(const struct mon_cmd *cmds, const char *what, int argc,
		 char **argv, void (*usage)(void))
{
	const struct mon_cmd *c;

	if (!strcmp(argv[0], "help")) {
		usage();
		return MON_EXIT_OK;
	}
	for (c = cmds; c->name; c++)
		if (!strcmp(argv[0], c->name))
			return c->fn(argc - 1, argv + 1);
	mon_err("unknown %s command '%s' (try 'monctl %s help')", what,
		argv[0], what);
	return MON_EXIT_FAIL;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: monctl [OPTIONS] OBJECT [COMMAND [ARGUMENTS]]\n"
		"       monctl help\n"
		"\n"
		"OBJECT := policy | sessions | stats | keys | monitor | decrypt | export |\n"
		"          collect\n"
		"OPTIONS := -j (JSON output) | -p (pretty JSON) | -n NETNS (run in a named\n"
		"           network namespace, as 'ip -n') | -V (version)\n"
		"\n"
		"'monctl OBJECT help' describes each object's commands.\n"
		"Exit status: 0 success, 1 failure, 2 malformed command line.\n");
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage();
	return MON_EXIT_OK;
}

static const struct mon_cmd objects[] = {
	{ "policy", do_policy, "the monitoring policy of the namespace" },
	{ "sessions", do_sessions, "monitored sessions" },
	{ "stats", do_stats, "counters" },
	{ "keys", do_keys, "exported key material" },
	{ "decrypt", do_decrypt, "decrypt a capture with exported keys" },
	{ "monitor", do_monitor, "live events" },
	{ "export", do_export, "forward keys to a collector on the local subnet" },
	{ "collect", do_collect, "receive keys from exporters" },
	{ "help", do_help, "this text" },
	{ NULL, NULL, NULL },
};

static int enter_netns(const char *name)
{
	char path[4096];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		mon_err("cannot open network namespace '%s': %s", name,
			strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		mon_err("cannot enter network namespace '%s': %s", name,
			strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const struct mon_cmd *c;
	int opt;

	while ((opt = getopt(argc, argv, "+jpn:Vh")) != -1) {
		switch (opt) {
		case 'j':
			mon_opts.json = true;
			break;
		case 'p':
			mon_opts.pretty = true;
			break;
		case 'n':
			if (enter_netns(optarg))
				return MON_EXIT_FAIL;
			break;
		case 'V':
			printf("monctl %s\n", MONCTL_VERSION);
			return MON_EXIT_OK;
		case 'h':
			usage();
			return MON_EXIT_OK;
		default:
			usage();
			return MON_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return do_policy(0, argv);

	for (c = objects; c->name; c++)
		if (!strcmp(argv[0], c->name))
			return c->fn(argc - 1, argv + 1);
	mon_err("unknown object '%s' (try 'monctl help')", argv[0]);
	return MON_EXIT_FAIL;
}
