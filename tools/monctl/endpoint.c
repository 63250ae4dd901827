// SPDX-License-Identifier: GPL-2.0
/*
 * Addresses of the collector link: ADDR:PORT parsing, and the IP TTL /
 * IPv6 hop limit of 1 that keeps its packets on the local subnet.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"

/* "10.0.0.1:6000" or "[fd00::1]:6000"; numeric addresses only. */
int mon_endpoint_parse(const char *s, struct mon_endpoint *ep)
{
	char host[64];
	const char *port;
	unsigned long p;
	char *end;

	memset(ep, 0, sizeof(*ep));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, close - s - 1);
		host[close - s - 1] = '\0';
		port = close + 2;
	} else {
		const char *colon = strrchr(s, ':');

		if (!colon || (size_t)(colon - s) >= sizeof(host) || strchr(s, ':') != colon)
			return -EINVAL;
		memcpy(host, s, colon - s);
		host[colon - s] = '\0';
		port = colon + 1;
	}
	errno = 0;
	p = strtoul(port, &end, 10);
	if (!*port || *end || errno || !p || p > 65535)
		return -EINVAL;
	snprintf(ep->text, sizeof(ep->text), "%s", host);
	if (inet_pton(AF_INET, host, ep->addr) == 1) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ep->ss;

		ep->family = AF_INET;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(p);
		memcpy(&sin->sin_addr, ep->addr, 4);
		ep->len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, ep->addr) == 1) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ep->ss;

		ep->family = AF_INET6;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(p);
		memcpy(&sin6->sin6_addr, ep->addr, 16);
		ep->len = sizeof(*sin6);
		return 0;
	}
	return -EINVAL;
}

/* Every packet of the socket, SYN included, dies at the first router. */
int mon_set_ttl1(int fd, int family)
{
	int one = 1;

	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_TTL, &one, sizeof(one));
	return setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &one, sizeof(one));
}
