/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MONCTL_COLLECTOR_H
#define MONCTL_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

int mon_peer_check(int fd, const char *who, const char *text);

/**
 * struct mon_endpoint - an ADDR:PORT of the command line
 * @ss: the address, numeric
 * @len: its length
 * @family: AF_INET or AF_INET6
 * @addr: the address bytes, network order
 * @text: the address as given, without brackets or port
 */
struct mon_endpoint {
	struct sockaddr_storage ss;
	socklen_t len;
	int family;
	uint8_t addr[16];
	char text[64];
};

int mon_endpoint_parse(const char *s, struct mon_endpoint *ep);
int mon_set_ttl1(int fd, int family);

int do_export(int argc, char **argv);
int do_collect(int argc, char **argv);

#endif /* MONCTL_COLLECTOR_H */
