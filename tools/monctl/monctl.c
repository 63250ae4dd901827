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

/* Whether @word asks for help: "help", "-h" or "--help". */
bool mon_is_help(const char *word)
{
	return !strcmp(word, "help") || !strcmp(word, "-h") || !strcmp(word, "--help");
}

/*
 * Asked-for help is output (exit status 0, piped to a pager); the same
 * text after a malformed command line is a diagnostic. Each object's text
 * is written once, to standard error, and redirected to standard output
 * while help runs. Return: the saved standard error, or -1.
 */
static int stderr_to_stdout(void)
{
	int saved;

	fflush(stdout);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if (saved >= 0 && dup2(STDOUT_FILENO, STDERR_FILENO) < 0) {
		close(saved);
		saved = -1;
	}
	return saved;
}

static void stderr_back(int saved)
{
	if (saved < 0)
		return;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

/**
 * mon_help() - print a usage text that was asked for, on standard output
 * @usage: writes the text to standard error, as a usage error shows it
 */
void mon_help(void (*usage)(void))
{
	int saved = stderr_to_stdout();

	usage();
	stderr_back(saved);
}

/* Run an object's own "help" command with its text on standard output. */
static void mon_help_run(int (*fn)(int argc, char **argv), int argc, char **argv)
{
	int saved = stderr_to_stdout();

	fn(argc, argv);
	stderr_back(saved);
}

/**
 * mon_lookup() - the entry of @cmds that @word names
 * @cmds: table ending with a NULL name, in the order of the usage text
 * @word: a command word, whole or a prefix of one
 *
 * As ip(8) does, a word names the entry it equals, or else the first
 * entry, in table order, that it is a prefix of: "s" is the first of
 * several. The order of each table is therefore part of the command line
 * contract: new entries go at the end.
 *
 * Return: the entry, or NULL.
 */
const struct mon_cmd *mon_lookup(const struct mon_cmd *cmds, const char *word)
{
	const struct mon_cmd *c;
	size_t len = strlen(word);

	if (!len)
		return NULL;
	for (c = cmds; c->name; c++)
		if (!strcmp(word, c->name))
			return c;
	for (c = cmds; c->name; c++)
		if (!strncmp(word, c->name, len))
			return c;
	return NULL;
}

/**
 * mon_dispatch() - run the command named by argv[0] from @cmds
 * @cmds: table ending with a NULL name
 * @what: the object, for error messages
 * @argc: argument count, argv[0] being the command
 * @argv: arguments
 * @usage: prints the object's usage, for its "help" command
 *
 * Return: the command's exit status; MON_EXIT_USAGE for an unknown
 * command, after the object's usage on standard error.
 */
int mon_dispatch(const struct mon_cmd *cmds, const char *what, int argc,
		 char **argv, void (*usage)(void))
{
	const struct mon_cmd *c;

	if (mon_is_help(argv[0])) {
		mon_help(usage);
		return MON_EXIT_OK;
	}
	c = mon_lookup(cmds, argv[0]);
	if (!c) {
		mon_err("unknown %s command '%s' (try 'monctl %s help')", what,
			argv[0], what);
		usage();
		return MON_EXIT_USAGE;
	}
	/* "monctl policy set --help": the object's text covers its commands */
	if (argc == 2 && mon_is_help(argv[1])) {
		mon_help(usage);
		return MON_EXIT_OK;
	}
	return c->fn(argc - 1, argv + 1);
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: monctl [OPTIONS] OBJECT [COMMAND [ARGUMENTS]]\n"
		"       monctl help | -h | --help\n"
		"       monctl -V | --version\n"
		"\n"
		"OBJECT := policy | sessions | stats | keys | monitor | decrypt | export |\n"
		"          collect\n"
		"OPTIONS := -j, --json (JSON output) | -p, --pretty (indented JSON) |\n"
		"           -n, --netns NETNS (run in a named network namespace, as\n"
		"           'ip -n')\n"
		"\n"
		"'monctl OBJECT help' describes each object's commands. Objects and\n"
		"commands may be abbreviated: a prefix names the first match in the\n"
		"order listed ('monctl s' is 'monctl sessions').\n"
		"Exit status: 0 success, 1 failure, 2 malformed command line.\n");
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mon_help(usage);
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

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "netns", required_argument, NULL, 'n' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	const struct mon_cmd *c;
	int opt;

	while ((opt = getopt_long(argc, argv, "+jpn:Vh", long_opts, NULL)) != -1) {
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
			mon_opts.netns = optarg;
			break;
		case 'V':
			printf("monctl %s\n", MONCTL_VERSION);
			return MON_EXIT_OK;
		case 'h':
			mon_help(usage);
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

	c = mon_lookup(objects, argv[0]);
	if (!c) {
		mon_err("unknown object '%s' (try 'monctl help')", argv[0]);
		usage();
		return MON_EXIT_USAGE;
	}
	/*
	 * "monctl OBJECT -h|--help|help": every object prints its usage for
	 * "help"; asked for, it goes to standard output.
	 */
	if (argc == 2 && mon_is_help(argv[1])) {
		char help[] = "help";

		argv[1] = help;
		mon_help_run(c->fn, argc - 1, argv + 1);
		return MON_EXIT_OK;
	}
	return c->fn(argc - 1, argv + 1);
}
