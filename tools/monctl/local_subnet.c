// SPDX-License-Identifier: GPL-2.0
/*
 * The local-link rule for monctl's own connections: the exporter asks it
 * of its connection to the collector, the collector of each exporter's.
 * The kernel applies it (TLSMON_CMD_PEER_GET), by the very rule it applies
 * to key export: the socket's own route, an export link of the policy, no
 * tunnel, overlay or gateway, a long enough prefix. monctl keeps no copy
 * of the rule.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "collector.h"
#include "monctl.h"
#include "nl.h"

#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif

struct peer_reply {
	bool seen, ok;
	uint32_t ifindex;
	char reason[256];
};

static int peer_attr(const struct nlattr *a, void *data)
{
	struct peer_reply *r = data;

	switch (mnl_attr_get_type(a)) {
	case TLSMON_PEER_A_EXPORT:
		if (!mnl_attr_validate(a, MNL_TYPE_U8)) {
			r->ok = mnl_attr_get_u8(a) == 1;
			r->seen = true;
		}
		break;
	case TLSMON_PEER_A_IFINDEX:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			r->ifindex = mnl_attr_get_u32(a);
		break;
	case TLSMON_PEER_A_REASON:
		if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(r->reason, sizeof(r->reason), "%s",
				 mnl_attr_get_str(a));
		break;
	}
	return MNL_CB_OK;
}

static int peer_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == TLSMON_A_PEER &&
		    mnl_attr_parse_nested(a, peer_attr, data) < 0)
			return MNL_CB_ERROR;
	return MNL_CB_OK;
}

/* The address and port of @sa, as the kernel names them. */
static void sa_split(const struct sockaddr_storage *sa, const void **addr,
		     int *alen, uint16_t *port)
{
	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		*addr = &s4->sin_addr;
		*alen = 4;
		*port = ntohs(s4->sin_port);
	} else {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		*addr = &s6->sin6_addr;
		*alen = 16;
		*port = ntohs(s6->sin6_port);
	}
}

/**
 * mon_peer_check() - may keys travel over connected socket @fd?
 * @fd: a connected TCP socket of this process
 * @who: "collector" or "exporter", for the messages
 * @text: the other end, for the messages
 *
 * Asks the kernel's export rule (TLSMON_CMD_PEER_GET), which needs the
 * tlsmon module and CAP_NET_ADMIN over this network namespace. Errors
 * are printed.
 *
 * Return: 0 when the other end is on an export link, -1 otherwise.
 */
int mon_peer_check(int fd, const char *who, const char *text)
{
	struct sockaddr_storage l, r;
	socklen_t llen = sizeof(l), rlen = sizeof(r), ilen;
	struct peer_reply rep = { 0 };
	const void *la, *ra;
	uint16_t lport, rport;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int alen, bound = 0, err, ret = -1;
	struct mon_nl nl;

	if (getsockname(fd, (struct sockaddr *)&l, &llen) ||
	    getpeername(fd, (struct sockaddr *)&r, &rlen)) {
		mon_err("cannot read the addresses of the connection to %s %s: %s",
			who, text, strerror(errno));
		return -1;
	}
	/* a dual-stack listener's child: the IPv4 connection it is */
	mon_unmap_v4(&l);
	mon_unmap_v4(&r);
	ilen = sizeof(bound);
	if (getsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &bound, &ilen))
		bound = 0;
	if (mon_nl_open(&nl))
		return -1;
	sa_split(&l, &la, &alen, &lport);
	sa_split(&r, &ra, &alen, &rport);
	nlh = mon_nl_request(&nl, TLSMON_CMD_PEER_GET, 0);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_PEER);
	mnl_attr_put_u16(nlh, TLSMON_PEER_A_FAMILY, l.ss_family);
	mnl_attr_put(nlh, TLSMON_PEER_A_LOCAL_ADDR, alen, la);
	mnl_attr_put(nlh, TLSMON_PEER_A_PEER_ADDR, alen, ra);
	mnl_attr_put_u16(nlh, TLSMON_PEER_A_LOCAL_PORT, lport);
	mnl_attr_put_u16(nlh, TLSMON_PEER_A_PEER_PORT, rport);
	if (bound > 0)
		mnl_attr_put_u32(nlh, TLSMON_PEER_A_BOUND_IF, bound);
	mnl_attr_nest_end(nlh, nest);
	err = mon_nl_talk(&nl, nlh, peer_cb, &rep);
	if (err) {
		char what[160];

		snprintf(what, sizeof(what), "cannot check the link to %s %s", who, text);
		mon_nl_perror(&nl, what, err);
		goto out;
	}
	if (!rep.seen) {
		mon_err("cannot check the link to %s %s: the kernel's reply has no verdict",
			who, text);
		goto out;
	}
	if (!rep.ok) {
		mon_err("refusing %s %s: %s; keys travel only over an export link (monctl policy set links DEV)",
			who, text, rep.reason[0] ? rep.reason : "not on an export link");
		goto out;
	}
	ret = 0;
out:
	mon_nl_close(&nl);
	return ret;
}
