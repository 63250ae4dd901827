/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MONCTL_H
#define MONCTL_H

#include <stdbool.h>

/* Exit codes: 0 success, 1 failure, 2 the command line is malformed. */
#define MON_EXIT_OK	0
#define MON_EXIT_FAIL	1
#define MON_EXIT_USAGE	2

/**
 * struct mon_opts - global options
 * @json: print JSON (-j)
 * @pretty: indent JSON (-p)
 */
struct mon_opts {
	bool json;
	bool pretty;
};

extern struct mon_opts mon_opts;

/**
 * struct mon_cmd - one word of the command line and what it runs
 * @name: the word
 * @fn: handler, given the remaining arguments
 * @help: one line for the usage text
 */
struct mon_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

int mon_dispatch(const struct mon_cmd *cmds, const char *what, int argc,
		 char **argv, void (*usage)(void));
void mon_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool mon_matches(const char *word, const char *keyword);

int do_policy(int argc, char **argv);

#endif /* MONCTL_H */
