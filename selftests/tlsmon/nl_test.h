/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the guest selftests: they drive the tlsmon family
 * through monctl's own netlink layer (tools/monctl/nl.c), so requests are
 * built byte by byte here while errors and extacks are read the same way
 * the tool reads them.
 */
#ifndef TLSMON_NL_TEST_H
#define TLSMON_NL_TEST_H

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/tlsmon.h>

#include "nl.h"

/* nl.c reports through mon_err(); the tests keep the last message. */
static char test_last_err[512];

void mon_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(test_last_err, sizeof(test_last_err), fmt, ap);
	va_end(ap);
}

/**
 * struct tpol - a policy as the kernel reports it
 * @present: TLSMON_POLICY_A_* bits seen in the reply
 */
struct tpol {
	int enabled, export, consent, consent_ext;
	unsigned int mark, mask, n_suites;
	unsigned int suites[TLSMON_MAX_SUITES + 1];
	unsigned int n_links;
	unsigned int links[TLSMON_MAX_LINKS + 1];
	unsigned int present;
};

static int tpol_attr_cb(const struct nlattr *attr, void *data)
{
	struct tpol *p = data;
	const struct nlattr *s;
	int type = mnl_attr_get_type(attr);

	switch (type) {
	case TLSMON_POLICY_A_ENABLED:
		p->enabled = mnl_attr_get_u8(attr);
		break;
	case TLSMON_POLICY_A_EXPORT:
		p->export = mnl_attr_get_u8(attr);
		break;
	case TLSMON_POLICY_A_CONSENT:
		p->consent = mnl_attr_get_u8(attr);
		break;
	case TLSMON_POLICY_A_CONSENT_EXT:
		p->consent_ext = mnl_attr_get_u16(attr);
		break;
	case TLSMON_POLICY_A_MARK:
		p->mark = mnl_attr_get_u32(attr);
		break;
	case TLSMON_POLICY_A_MASK:
		p->mask = mnl_attr_get_u32(attr);
		break;
	case TLSMON_POLICY_A_SUITES:
		mnl_attr_for_each_nested(s, attr)
			if (p->n_suites <= TLSMON_MAX_SUITES)
				p->suites[p->n_suites++] = mnl_attr_get_u16(s);
		break;
	case TLSMON_POLICY_A_LINKS:
		mnl_attr_for_each_nested(s, attr)
			if (p->n_links <= TLSMON_MAX_LINKS)
				p->links[p->n_links++] = mnl_attr_get_u32(s);
		break;
	default:
		return MNL_CB_ERROR;
	}
	p->present |= 1U << type;
	return MNL_CB_OK;
}

/* Parses a POLICY_GET reply or a POLICY_NTF; @data is a struct tpol. */
static int tpol_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == TLSMON_A_POLICY &&
		    mnl_attr_parse_nested(attr, tpol_attr_cb, data) < 0)
			return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static inline int tpol_get(struct mon_nl *nl, struct tpol *p)
{
	memset(p, 0, sizeof(*p));
	return mon_nl_talk(nl, mon_nl_request(nl, TLSMON_CMD_POLICY_GET, 0),
			   tpol_msg_cb, p);
}

static inline int tpol_equal(const struct tpol *a, const struct tpol *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* Remove @cap from the effective, permitted and inheritable sets. */
static inline int drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[cap / 32].effective &= ~(1U << (cap % 32));
	data[cap / 32].permitted &= ~(1U << (cap % 32));
	data[cap / 32].inheritable &= ~(1U << (cap % 32));
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/* Join the events group of the family on a fresh socket. */
static inline int events_listen(struct mon_nl *listener, unsigned int timeout_ms)
{
	struct timeval tv = {
		.tv_sec = timeout_ms / 1000,
		.tv_usec = (timeout_ms % 1000) * 1000,
	};
	int group;

	if (mon_nl_open(listener))
		return -ENOENT;
	group = listener->events_group;
	if (!group)
		return -ENOENT;
	if (mnl_socket_setsockopt(listener->sock, NETLINK_ADD_MEMBERSHIP,
				  &group, sizeof(group)) < 0)
		return -errno;
	if (setsockopt(mnl_socket_get_fd(listener->sock), SOL_SOCKET,
		       SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	return 0;
}

/* Receive one notification; returns its command or -errno. */
static inline int events_recv(struct mon_nl *listener, struct tpol *p)
{
	const struct nlmsghdr *nlh;
	const struct genlmsghdr *genl;
	ssize_t len;

	len = mnl_socket_recvfrom(listener->sock, listener->buf,
				  sizeof(listener->buf));
	if (len < 0)
		return -errno;
	nlh = (const void *)listener->buf;
	if (!mnl_nlmsg_ok(nlh, len) || nlh->nlmsg_type != listener->family)
		return -EPROTO;
	genl = mnl_nlmsg_get_payload(nlh);
	memset(p, 0, sizeof(*p));
	if (tpol_msg_cb(nlh, p) != MNL_CB_OK)
		return -EPROTO;
	return genl->cmd;
}

#endif /* TLSMON_NL_TEST_H */
