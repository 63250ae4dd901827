// SPDX-License-Identifier: GPL-2.0
/*
 * monctl export / monctl collect: run tlsmon-forward, installed next to
 * monctl, with the same arguments, in the network namespace monctl
 * entered (-n). monctl itself then links neither TLS nor JSON libraries.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector.h"
#include "monctl.h"

static int run_forwarder(const char *what, int argc, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 32];
	char **args;
	ssize_t n;
	int i;

	/* the program next to this one: never a name looked up in $PATH */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		mon_err("%s: cannot find monctl's own directory: %s", what, strerror(errno));
		return MON_EXIT_FAIL;
	}
	self[n] = '\0';
	snprintf(path, sizeof(path), "%s/tlsmon-forward", dirname(self));
	args = calloc(argc + 3, sizeof(*args));
	if (!args)
		return MON_EXIT_FAIL;
	args[0] = "monctl";
	args[1] = (char *)what;
	for (i = 0; i < argc; i++)
		args[i + 2] = argv[i];
	execv(path, args);
	mon_err("%s: cannot run %s: %s", what, path, strerror(errno));
	free(args);
	return MON_EXIT_FAIL;
}

int do_export(int argc, char **argv)
{
	return run_forwarder("export", argc, argv);
}

int do_collect(int argc, char **argv)
{
	return run_forwarder("collect", argc, argv);
}
