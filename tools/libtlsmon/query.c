// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ask the tlsmon module whether a socket is monitored: the socket's
 * cookie (SO_COOKIE) selects its session in a TLSMON_CMD_SESSION_GET
 * request to the module's generic netlink family, in the caller's network
 * namespace. No privilege is needed; the answer carries no key material.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/tlsmon.h>

#include "internal.h"

#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

struct query {
	struct mnl_socket *nl;
	unsigned int seq;
	unsigned int portid;
	uint16_t family;
	struct tlsmon_status *st;
	int static_ks;
	char buf[8192];
};

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct query *q = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_get_payload_len(a) >= sizeof(uint16_t))
			q->family = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static void session_attr(const struct nlattr *a, struct query *q)
{
	struct tlsmon_status *st = q->st;

	switch (mnl_attr_get_type(a)) {
	case TLSMON_SESSION_A_ID:
		st->session_id = mnl_attr_get_u64(a);
		break;
	case TLSMON_SESSION_A_ROLE:
		st->role = mnl_attr_get_u8(a);
		break;
	case TLSMON_SESSION_A_VERSION:
		st->version = mnl_attr_get_u16(a);
		break;
	case TLSMON_SESSION_A_SUITE:
		st->suite = mnl_attr_get_u16(a);
		break;
	case TLSMON_SESSION_A_CIPHER:
		st->cipher = mnl_attr_get_u16(a);
		break;
	case TLSMON_SESSION_A_DIRS:
		st->dirs = mnl_attr_get_u8(a);
		break;
	case TLSMON_SESSION_A_REASON:
		st->reason = mnl_attr_get_u8(a);
		break;
	case TLSMON_SESSION_A_STATIC_KEY_SHARE:
		q->static_ks = !!mnl_attr_get_u8(a);
		break;
	}
}

/* Every attribute is checked for its size before it is read. */
static int session_cb(const struct nlmsghdr *nlh, void *data)
{
	static const uint8_t size[TLSMON_SESSION_A_MAX + 1] = {
		[TLSMON_SESSION_A_ID] = 8, [TLSMON_SESSION_A_ROLE] = 1,
		[TLSMON_SESSION_A_VERSION] = 2, [TLSMON_SESSION_A_SUITE] = 2,
		[TLSMON_SESSION_A_CIPHER] = 2, [TLSMON_SESSION_A_DIRS] = 1,
		[TLSMON_SESSION_A_REASON] = 1,
		[TLSMON_SESSION_A_STATIC_KEY_SHARE] = 1,
	};
	struct query *q = data;
	const struct nlattr *a, *s;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != TLSMON_A_SESSION)
			continue;
		mnl_attr_for_each_nested(s, a) {
			uint16_t t = mnl_attr_get_type(s);

			if (t > TLSMON_SESSION_A_MAX || !size[t])
				continue;
			if (mnl_attr_get_payload_len(s) != size[t]) {
				errno = EPROTO;
				return MNL_CB_ERROR;
			}
			session_attr(s, q);
		}
		q->st->monitored = 1;
	}
	return MNL_CB_OK;
}

/* One request, its reply and its acknowledgement; a negative errno. */
static int talk(struct query *q, struct nlmsghdr *nlh, mnl_cb_t cb)
{
	int n;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++q->seq;
	if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(q->nl, q->buf, sizeof(q->buf));
		if (n < 0)
			return -errno;
		n = mnl_cb_run(q->buf, n, q->seq, q->portid, cb, q);
	} while (n > 0);
	return n < 0 ? -errno : 0;
}

static struct nlmsghdr *request(struct query *q, uint16_t type, uint8_t cmd,
				uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(q->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

static int ask(struct query *q, uint64_t cookie)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int one = 1, err;

	q->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!q->nl)
		return -errno;
	/* the kernel's reason, if any, is not needed: ENOENT says it all */
	setsockopt(mnl_socket_get_fd(q->nl), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	if (mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	q->portid = mnl_socket_get_portid(q->nl);
	q->seq = time(NULL);

	nlh = request(q, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TLSMON_GENL_NAME);
	err = talk(q, nlh, family_cb);
	if (err == -ENOENT || (!err && !q->family))
		return 0;	/* the module is not loaded: nothing monitors */
	if (err)
		return err;
	q->st->module_loaded = 1;

	nlh = request(q, q->family, TLSMON_CMD_SESSION_GET, TLSMON_GENL_VERSION);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_SESSION);
	mnl_attr_put_u64(nlh, TLSMON_SESSION_A_COOKIE, cookie);
	mnl_attr_nest_end(nlh, nest);
	err = talk(q, nlh, session_cb);
	if (err == -ENOENT)
		return 0;
	return err ? err : q->st->monitored;
}

/**
 * tlsmon_socket_status() - is this TCP socket monitored?
 * @fd: a connected TCP socket, typically after kTLS was installed (the
 *	module tags a socket when its first kTLS direction is installed)
 * @st: receives what the module knows; zeroed first
 *
 * Return: 1 monitored, 0 not monitored (or the module is not loaded, see
 * @st->module_loaded), or a negative errno if the module could not be
 * asked.
 */
int tlsmon_socket_status(int fd, struct tlsmon_status *st)
{
	int static_ks;

	return tlsmon_socket_query(fd, st, &static_ks);
}

/* tlsmon_socket_status(), and the session's static key share flag. */
int tlsmon_socket_query(int fd, struct tlsmon_status *st, int *static_ks)
{
	struct query q = { .st = st };
	socklen_t len = sizeof(st->cookie);
	int err;

	memset(st, 0, sizeof(*st));
	*static_ks = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &st->cookie, &len) < 0)
		return -errno;
	err = ask(&q, st->cookie);
	if (q.nl)
		mnl_socket_close(q.nl);
	*static_ks = q.static_ks;
	return err;
}

/**
 * tlsmon_status_check() - does this end's handshake back the module's answer?
 * @st: what tlsmon_socket_status() returned
 * @consent: this end's tlsmon_ssl_consent()
 * @suite: the cipher suite this end's handshake negotiated
 *
 * The module reads the handshake from the wire; this end knows the one its
 * TLS stack acted on. When the module says monitored, the two must agree:
 * a reason it gives, none of which is backed by what this end saw, means
 * they saw different handshakes.
 *
 * Return: 0 when @st is not monitored, or monitored for reasons this end's
 * handshake backs; TLSMON_LIB_INCONSISTENT otherwise.
 */
int tlsmon_status_check(const struct tlsmon_status *st, int consent,
			uint16_t suite)
{
	const int both = TLSMON_LIB_SENT | TLSMON_LIB_RECEIVED;

	if (!st->monitored)
		return 0;
	if (!(st->reason & (TLSMON_LIB_REASON_SUITE | TLSMON_LIB_REASON_CONSENT)))
		return TLSMON_LIB_INCONSISTENT;
	/* the module read another ServerHello than the one acted on here */
	if (st->suite != suite)
		return TLSMON_LIB_INCONSISTENT;
	if ((st->reason & TLSMON_LIB_REASON_CONSENT) && (consent & both) != both)
		return TLSMON_LIB_INCONSISTENT;
	/* only private-use suites are monitoring suites */
	if ((st->reason & TLSMON_LIB_REASON_SUITE) && suite < 0xff00)
		return TLSMON_LIB_INCONSISTENT;
	return 0;
}

/**
 * tlsmon_ssl_monitored() - is this TLS connection monitored?
 * @ssl: a connection over a socket (SSL_get_fd()), its handshake done
 * @st: as for tlsmon_socket_status()
 *
 * The module's answer is checked against this end's own handshake
 * (tlsmon_status_check()): a connection the module says is monitored for
 * a reason this end did not see is an error, with @st->monitored cleared.
 *
 * Return: as tlsmon_socket_status(); -EBADF when @ssl has no socket;
 * TLSMON_LIB_INCONSISTENT when the module's answer and this end's
 * handshake disagree.
 */
int tlsmon_ssl_monitored(SSL *ssl, struct tlsmon_status *st)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	int fd = SSL_get_fd(ssl);
	int ret;

	if (fd < 0) {
		memset(st, 0, sizeof(*st));
		return -EBADF;
	}
	ret = tlsmon_socket_status(fd, st);
	if (ret != 1)
		return ret;
	if (tlsmon_status_check(st, tlsmon_ssl_consent(ssl),
				c ? SSL_CIPHER_get_protocol_id(c) : 0)) {
		st->monitored = 0;
		return TLSMON_LIB_INCONSISTENT;
	}
	return 1;
}
