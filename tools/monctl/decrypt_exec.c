// SPDX-License-Identifier: GPL-2.0
/*
 * monctl decrypt: run tlsmon-decrypt with the same arguments. Decrypting
 * needs libpcap and libjansson, which nothing else in monctl does; as a
 * program of its own it keeps them out of the tool that talks to the
 * kernel, and it runs without privilege.
 *
 * The program is looked for beside monctl's own executable (a build tree,
 * or one installation directory), then where 'make install' put it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monctl.h"

#ifndef TLSMON_DECRYPT
#define TLSMON_DECRYPT "/usr/local/bin/tlsmon-decrypt"
#endif

int do_decrypt(int argc, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 32], **args;
	ssize_t n;
	char *slash;
	int i;

	args = calloc(argc + 2, sizeof(*args));
	if (!args) {
		mon_err("decrypt: out of memory");
		return MON_EXIT_FAIL;
	}
	for (i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/tlsmon-decrypt", self);
			args[0] = path;
			execv(path, args);
		}
	}
	args[0] = TLSMON_DECRYPT;
	execv(TLSMON_DECRYPT, args);
	mon_err("decrypt: cannot run %s: %s", TLSMON_DECRYPT, strerror(errno));
	free(args);
	return MON_EXIT_FAIL;
}
