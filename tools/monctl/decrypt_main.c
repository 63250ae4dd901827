// SPDX-License-Identifier: GPL-2.0
/*
 * tlsmon-decrypt: 'monctl decrypt' as a program of its own, so that
 * monctl needs only libmnl and libssl, and only this program libpcap and
 * libjansson. It needs no privilege: it reads key files and a capture.
 *
 *   tlsmon-decrypt keys KEYS [keys KEYS...] capture FILE [out DIR]
 *                  [pcap|pcapng OUT]
 *
 * The grammar is monctl's; 'monctl decrypt ...' runs this program.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "monctl.h"

void mon_err(const char *fmt, ...)
{
	va_list ap;

	fputs("tlsmon-decrypt: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return do_decrypt(1, (char *[]){ "help", NULL });
	if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
		printf("tlsmon-decrypt %s\n", MONCTL_VERSION);
		return MON_EXIT_OK;
	}
	return do_decrypt(argc - 1, argv + 1);
}
