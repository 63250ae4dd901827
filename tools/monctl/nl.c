// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink plumbing for monctl: resolve the tlsmon family, send one
 * request, run the replies through a callback, and keep the kernel's
 * extended ack so that errors say what the kernel objected to.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* explicit_bzero */
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tlsmon.h>

#include "monctl.h"
#include "nl.h"

static int parse_mcast_group(const struct nlattr *grp, struct mon_nl *nl)
{
	const struct nlattr *attr;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(attr, grp) {
		switch (mnl_attr_get_type(attr)) {
		case CTRL_ATTR_MCAST_GRP_NAME:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
				name = mnl_attr_get_str(attr);
			break;
		case CTRL_ATTR_MCAST_GRP_ID:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				id = mnl_attr_get_u32(attr);
			break;
		}
	}
	if (name && !strcmp(name, TLSMON_MCGRP_EVENTS))
		nl->events_group = id;
	else if (name && !strcmp(name, TLSMON_MCGRP_KEYS))
		nl->keys_group = id;
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mon_nl *nl = data;
	const struct nlattr *attr, *grp;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(attr)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
				nl->family = mnl_attr_get_u16(attr);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(grp, attr)
				parse_mcast_group(grp, nl);
			break;
		}
	}
	return MNL_CB_OK;
}

/* What the callbacks of one request share. */
struct talk_ctx {
	struct mon_nl *nl;
	mnl_cb_t cb;
	void *data;
};

static int data_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct talk_ctx *t = arg;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

static int extack_cb(const struct nlattr *attr, void *data)
{
	struct mon_nl *nl = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(nl->err_msg, sizeof(nl->err_msg), "%s",
				 mnl_attr_get_str(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			nl->err_offset = mnl_attr_get_u32(attr);
		break;
#ifdef NLMSGERR_ATTR_MISS_TYPE
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			nl->err_missing = mnl_attr_get_u32(attr);
		break;
#endif
	}
	return MNL_CB_OK;
}

/* NLMSG_ERROR: an ack (error 0) or an error with its extended ack. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct mon_nl *nl = ((struct talk_ctx *)data)->nl;
	unsigned int off = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!err->error)
		return MNL_CB_STOP;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* Without NLM_F_CAPPED the request is echoed before the TLVs. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += err->msg.nlmsg_len - sizeof(err->msg);
		mnl_attr_parse(nlh, off, extack_cb, nl);
	}
	errno = -err->error;
	return MNL_CB_ERROR;
}

/*
 * NLMSG_DONE ends a dump; if the dump failed it carries the error code and
 * the extended ack after it.
 */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mon_nl *nl = ((struct talk_ctx *)data)->nl;
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err < 0) {
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
			mnl_attr_parse(nlh, sizeof(int), extack_cb, nl);
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
	[NLMSG_OVERRUN] = noop_cb,
};

/**
 * mon_nl_talk() - send @req and feed every reply to @cb with @data
 * @nl: socket
 * @req: request built with mon_nl_request()
 * @cb: called for each reply message, may be NULL
 * @data: passed to @cb
 *
 * Return: 0 or a negative errno; nl->err_msg then holds the kernel's reason.
 */
int mon_nl_talk(struct mon_nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	struct talk_ctx t = { .nl = nl, .cb = cb, .data = data };
	ssize_t len;
	int ret;

	nl->err_msg[0] = '\0';
	nl->err_missing = 0;
	nl->err_offset = 0;
	nl->dump_intr = false;
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		struct nlmsghdr *nlh;
		int left;

		len = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (len < 0)
			return -errno;
		/*
		 * libmnl fails a whole dump with EINTR on NLM_F_DUMP_INTR; the
		 * caller decides what an interrupted dump is worth.
		 */
		for (nlh = (struct nlmsghdr *)nl->buf, left = len; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
				nlh->nlmsg_flags &= ~NLM_F_DUMP_INTR;
				nl->dump_intr = true;
			}
		}
		ret = mnl_cb_run2(nl->buf, len, req->nlmsg_seq, nl->portid,
				  data_cb, &t, ctl_cbs, NLMSG_MIN_TYPE);
		/* a KEYS_GET reply holds keys: none stays for the next read */
		explicit_bzero(nl->buf, len);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

struct nlmsghdr *mon_nl_request(struct mon_nl *nl, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->req);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = TLSMON_GENL_VERSION;
	return nlh;
}

int mon_nl_open(struct mon_nl *nl)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		mon_err("cannot open a generic netlink socket: %s", strerror(errno));
		return -1;
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		mon_err("cannot bind the netlink socket: %s", strerror(errno));
		goto err_close;
	}
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);

	nlh = mnl_nlmsg_put_header(nl->req);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TLSMON_GENL_NAME);
	err = mon_nl_talk(nl, nlh, family_cb, nl);
	if (err == -ENOENT) {
		mon_err("the tlsmon module is not loaded (no generic netlink family \"%s\")",
			TLSMON_GENL_NAME);
		goto err_close;
	}
	if (err || !nl->family) {
		mon_err("cannot resolve the tlsmon netlink family: %s",
			strerror(err ? -err : EPROTO));
		goto err_close;
	}
	return 0;

err_close:
	mnl_socket_close(nl->sock);
	nl->sock = NULL;
	return -1;
}

/* Also wipes the receive buffer, which readers of key events use directly. */
void mon_nl_close(struct mon_nl *nl)
{
	explicit_bzero(nl->buf, sizeof(nl->buf));
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

/**
 * mon_nl_bad_attr() - the attribute of the last request the kernel named
 * Return: the attribute inside nl->req, or NULL.
 */
const struct nlattr *mon_nl_bad_attr(const struct mon_nl *nl)
{
	const struct nlmsghdr *req = (const void *)nl->req;

	if (!nl->err_offset || nl->err_offset + sizeof(struct nlattr) > req->nlmsg_len)
		return NULL;
	return (const void *)(nl->req + nl->err_offset);
}

/**
 * mon_nl_perror() - report that @what failed, with the kernel's reason
 */
void mon_nl_perror(const struct mon_nl *nl, const char *what, int err)
{
	if (nl->err_msg[0])
		mon_err("%s: %s (%s)", what, nl->err_msg, strerror(-err));
	else if (err == -EPERM)
		mon_err("%s: %s (CAP_NET_ADMIN over this network namespace is needed)",
			what, strerror(-err));
	else
		mon_err("%s: %s", what, strerror(-err));
}

/**
 * mon_attr_valid() - whether an attribute the kernel sent is what monctl reads
 * @a: the attribute
 * @type: the MNL_TYPE_* it must be (an integer of exactly its size)
 * @what: the record it is part of, as "session" or "key", for the message
 *
 * Every attribute is checked before it is read: one of the wrong size is
 * refused with a message naming it, never read as garbage.
 * Return: true, or false with the message printed.
 */
bool mon_attr_valid(const struct nlattr *a, enum mnl_attr_data_type type,
		    const char *what)
{
	if (mnl_attr_validate(a, type) >= 0)
		return true;
	mon_err("the kernel sent a malformed %s attribute: type %u, %u bytes",
		what, mnl_attr_get_type(a), mnl_attr_get_payload_len(a));
	return false;
}
