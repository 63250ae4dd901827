// SPDX-License-Identifier: GPL-2.0
/*
 * The "tlsmon" generic netlink family: policy commands and notifications.
 * uapi/linux/tlsmon.h documents the messages; the YAML spec in
 * Documentation/netlink/specs/tlsmon.yaml describes the same family.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>
#include <net/sock.h>

#include "audit.h"
#include "compat.h"
#include "export.h"
#include "netlink.h"
#include "netns.h"
#include "policy.h"
#include "session.h"

/*
 * Every operation is validated strictly (resv_start_op is 0): an attribute
 * a policy does not list, or lists without a type, is refused by the
 * netlink core with its own extack message, as is a non-zero
 * genlmsghdr.reserved. The policies say every range they can; the code
 * checks only what they cannot (0xff01 in the private-use range, the mark
 * within its mask, an export link's device).
 */
static const struct nla_policy tlsmon_suites_nl_policy[TLSMON_SUITES_A_MAX + 1] = {
	[TLSMON_SUITES_A_SUITE] = { .type = NLA_U16 },
};

static const struct nla_policy tlsmon_links_nl_policy[TLSMON_LINKS_A_MAX + 1] = {
	[TLSMON_LINKS_A_IFINDEX] = { .type = NLA_U32 },
};

/*
 * The private-use extension code points (RFC 8446, 4.2). Not const: the
 * policy's pointer is not on older kernels (6.1); nothing writes it.
 */
static struct netlink_range_validation tlsmon_consent_ext_range __ro_after_init = {
	.min = 0xff00,
	.max = 0xffff,
};

static const struct nla_policy tlsmon_policy_nl_policy[TLSMON_POLICY_A_MAX + 1] = {
	[TLSMON_POLICY_A_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[TLSMON_POLICY_A_SUITES] = NLA_POLICY_NESTED(tlsmon_suites_nl_policy),
	[TLSMON_POLICY_A_CONSENT] = NLA_POLICY_MAX(NLA_U8, TLSMON_CONSENT_MAX),
	[TLSMON_POLICY_A_CONSENT_EXT] =
		NLA_POLICY_FULL_RANGE(NLA_U16, &tlsmon_consent_ext_range),
	[TLSMON_POLICY_A_MARK] = { .type = NLA_U32 },
	[TLSMON_POLICY_A_MASK] = { .type = NLA_U32 },
	[TLSMON_POLICY_A_EXPORT] = NLA_POLICY_MAX(NLA_U8, 1),
	[TLSMON_POLICY_A_LINKS] = NLA_POLICY_NESTED(tlsmon_links_nl_policy),
};

static const struct nla_policy tlsmon_set_nl_policy[TLSMON_A_MAX + 1] = {
	[TLSMON_A_POLICY] = NLA_POLICY_NESTED(tlsmon_policy_nl_policy),
};

/*
 * An operation without a policy takes no attribute: from resv_start_op on
 * the core rejects every one. A kernel without resv_start_op parses
 * nothing then; there, this policy lists no attribute, and strict
 * validation refuses each.
 */
#ifndef TLSMON_HAVE_GENL_RESV_START_OP
static const struct nla_policy tlsmon_get_nl_policy[TLSMON_A_MAX + 1] = {};
#endif

/* A session is looked up by its socket's cookie, and by nothing else. */
static const struct nla_policy tlsmon_session_sel_nl_policy[TLSMON_SESSION_A_COOKIE + 1] = {
	/* socket cookies start at 1: 0 names no socket */
	[TLSMON_SESSION_A_COOKIE] = NLA_POLICY_MIN(NLA_U64, 1),
};

/*
 * SESSION_GET: without attributes a dump of every session; with a session
 * selector (the cookie only) the one session of that socket.
 */
static const struct nla_policy tlsmon_session_get_nl_policy[TLSMON_A_MAX + 1] = {
	[TLSMON_A_SESSION] = NLA_POLICY_NESTED(tlsmon_session_sel_nl_policy),
};

/* KEYS_GET selects a session by its id, its socket's cookie, or both. */
static const struct nla_policy tlsmon_keys_sel_nl_policy[TLSMON_SESSION_A_COOKIE + 1] = {
	/* session ids start at 1, as cookies do */
	[TLSMON_SESSION_A_ID] = NLA_POLICY_MIN(NLA_U64, 1),
	[TLSMON_SESSION_A_COOKIE] = NLA_POLICY_MIN(NLA_U64, 1),
};

/*
 * KEYS_GET: without attributes a dump of every session's keys; with a
 * selector the keys of one session (do), or a dump narrowed to it.
 */
static const struct nla_policy tlsmon_keys_get_nl_policy[TLSMON_A_MAX + 1] = {
	[TLSMON_A_SESSION] = NLA_POLICY_NESTED(tlsmon_keys_sel_nl_policy),
};

/*
 * PEER_GET: one connection, by its addresses and ports. The reply's own
 * attributes (export, ifindex, reason) have no type here: refused.
 */
static const struct nla_policy tlsmon_peer_nl_policy[TLSMON_PEER_A_MAX + 1] = {
	[TLSMON_PEER_A_FAMILY] = { .type = NLA_U16 },
	[TLSMON_PEER_A_LOCAL_ADDR] = NLA_POLICY_MIN_LEN(4),
	[TLSMON_PEER_A_PEER_ADDR] = NLA_POLICY_MIN_LEN(4),
	[TLSMON_PEER_A_LOCAL_PORT] = { .type = NLA_U16 },
	[TLSMON_PEER_A_PEER_PORT] = { .type = NLA_U16 },
	[TLSMON_PEER_A_BOUND_IF] = { .type = NLA_U32 },
};

static const struct nla_policy tlsmon_peer_get_nl_policy[TLSMON_A_MAX + 1] = {
	[TLSMON_A_PEER] = NLA_POLICY_NESTED(tlsmon_peer_nl_policy),
};

enum tlsmon_mcgrp {
	TLSMON_MCGRP_EVENTS_ID,
	TLSMON_MCGRP_KEYS_ID,
};

/*
 * Joining the key group needs CAP_NET_ADMIN over the listener's namespace.
 * The group carries no key material (only notices that keys are there),
 * so a kernel that checks the join otherwise exposes no key; the check
 * stays as defence in depth.
 */
static const struct genl_multicast_group tlsmon_mcgrps[] = {
	[TLSMON_MCGRP_EVENTS_ID] = { .name = TLSMON_MCGRP_EVENTS },
	[TLSMON_MCGRP_KEYS_ID] = { .name = TLSMON_MCGRP_KEYS,
				   .flags = TLSMON_MCGRP_ADMIN },
};

static struct genl_family tlsmon_genl_family;

/*
 * NL_SET_ERR_MSG_ATTR() for a reason the policy rules or the export rule
 * return: a pointer to a static string, which extack may keep as it keeps
 * a literal; traced as the macro traces it. Like every extack message of
 * the family and the core's own policy messages, it has no prefix: the
 * reader knows which family it asked.
 */
static void tlsmon_set_err(struct netlink_ext_ack *extack,
			   const struct nlattr *attr, const char *why)
{
	do_trace_netlink_extack(why);
	if (!extack)
		return;
	extack->_msg = why;
	extack->bad_attr = attr;
}

static int tlsmon_put_policy(struct sk_buff *skb, const struct tlsmon_policy *p)
{
	struct nlattr *nest, *suites, *links;
	u16 i;

	nest = nla_nest_start(skb, TLSMON_A_POLICY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, TLSMON_POLICY_A_ENABLED, p->enabled) ||
	    nla_put_u8(skb, TLSMON_POLICY_A_CONSENT, p->consent) ||
	    nla_put_u16(skb, TLSMON_POLICY_A_CONSENT_EXT, p->consent_ext) ||
	    nla_put_u32(skb, TLSMON_POLICY_A_MARK, p->mark) ||
	    nla_put_u32(skb, TLSMON_POLICY_A_MASK, p->mask) ||
	    nla_put_u8(skb, TLSMON_POLICY_A_EXPORT, p->export))
		goto err_cancel;
	suites = nla_nest_start(skb, TLSMON_POLICY_A_SUITES);
	if (!suites)
		goto err_cancel;
	for (i = 0; i < p->n_suites; i++)
		if (nla_put_u16(skb, TLSMON_SUITES_A_SUITE, p->suites[i]))
			goto err_cancel;
	nla_nest_end(skb, suites);
	links = nla_nest_start(skb, TLSMON_POLICY_A_LINKS);
	if (!links)
		goto err_cancel;
	for (i = 0; i < p->n_links; i++)
		if (nla_put_u32(skb, TLSMON_LINKS_A_IFINDEX, p->links[i]))
			goto err_cancel;
	nla_nest_end(skb, links);
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static struct sk_buff *tlsmon_policy_msg(const struct tlsmon_policy *p,
					 u32 portid, u32 seq, u8 cmd)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, portid, seq, &tlsmon_genl_family, 0, cmd);
	if (!hdr || tlsmon_put_policy(msg, p)) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}

static int tlsmon_nl_policy_get(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsmon_policy p;
	struct sk_buff *msg;

	tlsmon_policy_read(genl_info_net(info), &p);
	msg = tlsmon_policy_msg(&p, info->snd_portid, info->snd_seq,
				TLSMON_CMD_POLICY_GET);
	if (!msg)
		return -ENOMEM;
	return genlmsg_reply(msg, info);
}

/* Read the suites nest into @c; the nest's layout is already validated. */
static int tlsmon_parse_suites(const struct nlattr *nest,
			       struct tlsmon_policy_change *c,
			       struct netlink_ext_ack *extack)
{
	const struct nlattr *attr;
	const char *why;
	int rem, err;

	c->val.n_suites = 0;
	nla_for_each_nested(attr, nest, rem) {
		err = tlsmon_suites_add(&c->val, nla_get_u16(attr), &why);
		if (err) {
			tlsmon_set_err(extack, attr, why);
			return err;
		}
	}
	return 0;
}

/*
 * Read the links nest into @c; each link must exist in @net and pass the
 * link rules (checked again under the policy lock when published).
 */
static int tlsmon_parse_links(struct net *net, const struct nlattr *nest,
			      struct tlsmon_policy_change *c,
			      struct netlink_ext_ack *extack)
{
	const struct nlattr *attr;
	const char *why;
	int rem, err;

	c->val.n_links = 0;
	nla_for_each_nested(attr, nest, rem) {
		err = tlsmon_links_add(&c->val, nla_get_u32(attr), &why);
		if (!err)
			err = tlsmon_link_usable(net, nla_get_u32(attr), &why);
		if (err) {
			tlsmon_set_err(extack, attr, why);
			return err == -EPERM ? -EINVAL : err;
		}
	}
	return 0;
}

static int tlsmon_parse_change(struct net *net, struct nlattr **tb,
			       struct tlsmon_policy_change *c,
			       struct netlink_ext_ack *extack)
{
	const char *why;
	int i, err;

	memset(c, 0, sizeof(*c));
	if (tb[TLSMON_POLICY_A_ENABLED])
		c->val.enabled = nla_get_u8(tb[TLSMON_POLICY_A_ENABLED]);
	if (tb[TLSMON_POLICY_A_EXPORT])
		c->val.export = nla_get_u8(tb[TLSMON_POLICY_A_EXPORT]);
	if (tb[TLSMON_POLICY_A_CONSENT])
		c->val.consent = nla_get_u8(tb[TLSMON_POLICY_A_CONSENT]);
	if (tb[TLSMON_POLICY_A_MARK])
		c->val.mark = nla_get_u32(tb[TLSMON_POLICY_A_MARK]);
	if (tb[TLSMON_POLICY_A_MASK])
		c->val.mask = nla_get_u32(tb[TLSMON_POLICY_A_MASK]);
	if (tb[TLSMON_POLICY_A_CONSENT_EXT]) {
		/* in the private-use range (the policy); 0xff01 is not free */
		c->val.consent_ext = nla_get_u16(tb[TLSMON_POLICY_A_CONSENT_EXT]);
		err = tlsmon_consent_ext_check(c->val.consent_ext, &why);
		if (err) {
			tlsmon_set_err(extack, tb[TLSMON_POLICY_A_CONSENT_EXT],
				       why);
			return err;
		}
	}
	if (tb[TLSMON_POLICY_A_SUITES]) {
		err = tlsmon_parse_suites(tb[TLSMON_POLICY_A_SUITES], c, extack);
		if (err)
			return err;
	}
	if (tb[TLSMON_POLICY_A_LINKS]) {
		err = tlsmon_parse_links(net, tb[TLSMON_POLICY_A_LINKS], c,
					 extack);
		if (err)
			return err;
	}

	for (i = 1; i <= TLSMON_POLICY_A_MAX; i++)
		if (tb[i])
			c->given |= TLSMON_POLICY_F(i);
	return 0;
}

static int tlsmon_nl_policy_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[TLSMON_POLICY_A_MAX + 1];
	struct net *net = genl_info_net(info);
	struct tlsmon_policy_change change;
	struct tlsmon_policy result;
	struct sk_buff *ntf;
	const char *why;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, TLSMON_A_POLICY)) {
		NL_SET_ERR_MSG(info->extack, "the request holds no policy");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, TLSMON_POLICY_A_MAX,
			       info->attrs[TLSMON_A_POLICY],
			       tlsmon_policy_nl_policy, info->extack);
	if (err)
		return err;
	err = tlsmon_parse_change(net, tb, &change, info->extack);
	if (err)
		return err;
	if (!change.given) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TLSMON_A_POLICY],
				    "no policy attribute to change");
		return -EINVAL;
	}

	/*
	 * GENL_UNS_ADMIN_PERM let the namespace's owners this far: they may
	 * narrow monitoring; widening it takes the host's administrator.
	 */
	err = tlsmon_policy_update(net, &change, &result, &why,
				   netlink_capable(skb, CAP_NET_ADMIN));
	if (err) {
		if (err == -EINVAL || err == -EPERM)
			tlsmon_set_err(info->extack,
				       info->attrs[TLSMON_A_POLICY], why);
		return err;
	}

	/*
	 * Listeners learn of every change. A failed notification does not
	 * undo the change the caller was told succeeded; the listener's
	 * socket sees ENOBUFS and can read the policy again.
	 */
	ntf = tlsmon_policy_msg(&result, 0, 0, TLSMON_CMD_POLICY_NTF);
	if (ntf)
		genlmsg_multicast_netns(&tlsmon_genl_family, net, ntf, 0,
					TLSMON_MCGRP_EVENTS_ID, GFP_KERNEL);
	return 0;
}

/*
 * The most a session nest takes: four 64-bit values (id, cookie, age,
 * inode), two addresses, eleven of one or two bytes (family, ports, role,
 * version, suite, cipher, dirs, hw, reason, static_key_share), the mark
 * and the uid.
 */
static size_t tlsmon_session_size(void)
{
	return nla_total_size(0) +
	       4 * nla_total_size_64bit(sizeof(u64)) +
	       2 * nla_total_size(sizeof(struct in6_addr)) +
	       11 * nla_total_size(sizeof(u16)) +
	       2 * nla_total_size(sizeof(u32));
}

/* @now: boot time, read once per message batch: a dump's ages are alike. */
static int tlsmon_put_session(struct sk_buff *skb,
			      const struct tlsmon_session_info *si, u64 now)
{
	bool v4 = si->family == AF_INET;
	int alen = v4 ? 4 : 16;
	const void *l = v4 ? (const void *)&si->rt.laddr.s6_addr32[3] :
			     (const void *)&si->rt.laddr;
	const void *r = v4 ? (const void *)&si->rt.raddr.s6_addr32[3] :
			     (const void *)&si->rt.raddr;
	u64 age = div_u64(now - si->born_ns, NSEC_PER_MSEC);
	struct nlattr *nest;

	nest = nla_nest_start(skb, TLSMON_A_SESSION);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, TLSMON_SESSION_A_ID, si->id,
			      TLSMON_SESSION_A_PAD) ||
	    nla_put_u64_64bit(skb, TLSMON_SESSION_A_COOKIE, si->cookie,
			      TLSMON_SESSION_A_PAD) ||
	    nla_put_u16(skb, TLSMON_SESSION_A_FAMILY, si->family) ||
	    nla_put(skb, TLSMON_SESSION_A_LOCAL_ADDR, alen, l) ||
	    nla_put(skb, TLSMON_SESSION_A_PEER_ADDR, alen, r) ||
	    nla_put_u16(skb, TLSMON_SESSION_A_LOCAL_PORT, ntohs(si->rt.lport)) ||
	    nla_put_u16(skb, TLSMON_SESSION_A_PEER_PORT, ntohs(si->rt.rport)) ||
	    nla_put_u8(skb, TLSMON_SESSION_A_ROLE, si->role) ||
	    nla_put_u16(skb, TLSMON_SESSION_A_VERSION, si->version) ||
	    nla_put_u16(skb, TLSMON_SESSION_A_SUITE, si->suite) ||
	    nla_put_u16(skb, TLSMON_SESSION_A_CIPHER, si->cipher) ||
	    nla_put_u8(skb, TLSMON_SESSION_A_DIRS, si->dirs) ||
	    nla_put_u8(skb, TLSMON_SESSION_A_HW, si->hw) ||
	    nla_put_u8(skb, TLSMON_SESSION_A_REASON, si->reason) ||
	    nla_put_u32(skb, TLSMON_SESSION_A_MARK, si->rt.mark) ||
	    nla_put_u64_64bit(skb, TLSMON_SESSION_A_AGE_MS, age,
			      TLSMON_SESSION_A_PAD) ||
	    nla_put_u32(skb, TLSMON_SESSION_A_UID, si->uid) ||
	    (si->ino && nla_put_u64_64bit(skb, TLSMON_SESSION_A_INODE, si->ino,
					  TLSMON_SESSION_A_PAD)) ||
	    nla_put_u8(skb, TLSMON_SESSION_A_STATIC_KEY_SHARE, si->static_ks)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The cookie a SESSION_GET request selects, or 0 with an extack when the
 * selector lacks it (cookies are never 0).
 */
static u64 tlsmon_session_selector(struct nlattr *sel,
				   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TLSMON_SESSION_A_COOKIE + 1];

	/* already validated against the policy: this cannot fail */
	if (nla_parse_nested(tb, TLSMON_SESSION_A_COOKIE, sel,
			     tlsmon_session_sel_nl_policy, extack))
		return 0;
	if (!tb[TLSMON_SESSION_A_COOKIE]) {
		NL_SET_ERR_ATTR_MISS(extack, sel, TLSMON_SESSION_A_COOKIE);
		NL_SET_ERR_MSG(extack, "a session is selected by its socket cookie");
		return 0;
	}
	/* never 0: the policy's minimum */
	return nla_get_u64(tb[TLSMON_SESSION_A_COOKIE]);
}

/*
 * An application asks whether its own socket is monitored: the session of
 * one cookie, or ENOENT. Like the dump, this needs no privilege: a session
 * record carries no key material.
 */
static int tlsmon_nl_session_get(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsmon_net *tn = tlsmon_net(genl_info_net(info));
	struct tlsmon_session_info si;
	struct sk_buff *msg;
	void *hdr;
	u64 cookie;

	if (GENL_REQ_ATTR_CHECK(info, TLSMON_A_SESSION)) {
		NL_SET_ERR_MSG(info->extack,
			       "a session is selected by its socket cookie");
		return -EINVAL;
	}
	cookie = tlsmon_session_selector(info->attrs[TLSMON_A_SESSION], info->extack);
	if (!cookie)
		return -EINVAL;
	if (!tlsmon_session_info_copy(tn, cookie, &si)) {
		NL_SET_ERR_MSG(info->extack,
			       "no monitored session has this socket cookie");
		return -ENOENT;
	}
	msg = genlmsg_new(tlsmon_session_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &tlsmon_genl_family, 0,
				TLSMON_CMD_SESSION_GET);
	if (!hdr || tlsmon_put_session(msg, &si, ktime_get_boottime_ns())) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/**
 * struct tlsmon_dump_ctx - where a session or key dump is, in cb->ctx
 * @last_id: id of the last session sent (or skipped for good), 0 at first
 * @last_cookie: its socket cookie, to find it again in constant time
 *
 * Dumps resume after that session (tlsmon_session_resume()); the list is
 * in id order, and its generation tells a reader when it changed mid-dump.
 */
struct tlsmon_dump_ctx {
	u64 last_id;
	u64 last_cookie;
};

static struct tlsmon_dump_ctx *tlsmon_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct tlsmon_dump_ctx) > sizeof(cb->ctx));
	return (struct tlsmon_dump_ctx *)cb->ctx;
}

static int tlsmon_nl_session_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tlsmon_sessions *ss = &tlsmon_net(sock_net(skb->sk))->sessions;
	struct nlattr *sel = tlsmon_dump_attrs(cb)[TLSMON_A_SESSION];
	struct tlsmon_dump_ctx *ctx = tlsmon_dump_ctx(cb);
	struct tlsmon_session_info si;
	u64 now = ktime_get_boottime_ns();
	struct tlsmon_session *s;
	u64 only = 0;
	int err = 0;
	void *hdr;

	if (sel) {
		only = tlsmon_session_selector(sel, cb->extack);
		if (!only)
			return -EINVAL;
	}
	rcu_read_lock();
	cb->seq = atomic_read(&ss->gen);
	s = tlsmon_session_resume(ss, ctx->last_id, ctx->last_cookie);
	list_for_each_entry_continue_rcu(s, &ss->list, list) {
		if (s->info.id <= ctx->last_id || (only && s->info.cookie != only) ||
		    READ_ONCE(s->closed))
			continue;
		si = s->info;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &tlsmon_genl_family, NLM_F_MULTI,
				  TLSMON_CMD_SESSION_GET);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		if (tlsmon_put_session(skb, &si, now)) {
			genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		ctx->last_id = si.id;
		ctx->last_cookie = si.cookie;
	}
	rcu_read_unlock();
	/* A full message means "call again"; an empty one would end the dump. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static int tlsmon_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct tlsmon_net *tn = tlsmon_net(genl_info_net(info));
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int i;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &tlsmon_genl_family, 0,
				TLSMON_CMD_STATS_GET);
	if (!hdr)
		goto err_free;
	nest = nla_nest_start(msg, TLSMON_A_STATS);
	if (!nest)
		goto err_free;
	for (i = TLSMON_STATS_A_HANDSHAKES; i <= TLSMON_STATS_A_MAX; i++)
		if (nla_put_u64_64bit(msg, i, tlsmon_stat_read(tn, i),
				      TLSMON_STATS_A_PAD))
			goto err_free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/**
 * tlsmon_nl_session_notify() - tell @net's listeners of a session
 * @net: the session's namespace
 * @cmd: TLSMON_CMD_SESSION_NEW or TLSMON_CMD_SESSION_DEL
 * @info: the session
 *
 * Process context (the event work).
 */
void tlsmon_nl_session_notify(struct net *net, u8 cmd,
			      const struct tlsmon_session_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&tlsmon_genl_family, net, TLSMON_MCGRP_EVENTS_ID))
		return;
	msg = genlmsg_new(tlsmon_session_size(), GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &tlsmon_genl_family, 0, cmd);
	if (!hdr || tlsmon_put_session(msg, info, ktime_get_boottime_ns())) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&tlsmon_genl_family, net, msg, 0,
				TLSMON_MCGRP_EVENTS_ID, GFP_KERNEL);
}

/* The most a key nest takes, with the largest kTLS cipher. */
static size_t tlsmon_key_size(void)
{
	return nla_total_size(0) + 3 * nla_total_size(sizeof(u16)) +
	       nla_total_size(sizeof_field(struct tlsmon_dir_keys, key)) +
	       nla_total_size(sizeof_field(struct tlsmon_dir_keys, iv)) +
	       nla_total_size(sizeof_field(struct tlsmon_dir_keys, salt)) +
	       nla_total_size(sizeof_field(struct tlsmon_dir_keys, rec_seq)) +
	       nla_total_size_64bit(sizeof(u64)) + nla_total_size(sizeof(u32));
}

/*
 * A key nest. With @secrets, as KEYS_GET replies hold it; without, as a
 * KEYS_NEW notice holds it: the direction, version, cipher and
 * installation time, never a byte of the key, iv, salt or sequence.
 * The lengths are kTLS's own, within the arrays (tlsmon_keys_capture()).
 */
static int tlsmon_put_key(struct sk_buff *skb, u8 dir,
			  const struct tlsmon_dir_keys *k, bool secrets)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, TLSMON_A_KEY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, TLSMON_KEY_A_DIR, dir) ||
	    nla_put_u16(skb, TLSMON_KEY_A_VERSION, k->version) ||
	    nla_put_u16(skb, TLSMON_KEY_A_CIPHER, k->cipher))
		goto err_cancel;
	if (secrets &&
	    (nla_put(skb, TLSMON_KEY_A_KEY, k->key_len, k->key) ||
	     nla_put(skb, TLSMON_KEY_A_IV, k->iv_len, k->iv) ||
	     nla_put(skb, TLSMON_KEY_A_SALT, k->salt_len, k->salt) ||
	     nla_put(skb, TLSMON_KEY_A_REC_SEQ, k->rec_seq_len, k->rec_seq)))
		goto err_cancel;
	if (nla_put_u64_64bit(skb, TLSMON_KEY_A_INSTALLED_NS, k->installed_ns,
			      TLSMON_KEY_A_PAD) ||
	    nla_put_u32(skb, TLSMON_KEY_A_EPOCH, k->epoch))
		goto err_cancel;
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/**
 * tlsmon_nl_keys_notify() - tell @net's key readers that keys are kept
 * @net: the session's namespace
 * @info: the session
 * @dir: TLSMON_DIR_TX or TLSMON_DIR_RX
 * @meta: the version, cipher and installation time of its keys; nothing
 *	else of it is read
 * @epoch: the namespace's key epoch when the keys were kept
 *
 * Process context (the event work). The notice holds no key material:
 * readers fetch the keys with TLSMON_CMD_KEYS_GET, whose privilege check
 * is made at each request and is the same on every kernel.
 */
void tlsmon_nl_keys_notify(struct net *net, const struct tlsmon_session_info *info,
			   u8 dir, const struct tlsmon_dir_keys *meta, u32 epoch)
{
	struct tlsmon_sessions *ss = &tlsmon_net(net)->sessions;
	u8 peer = TLSMON_PEER_UNKNOWN;
	struct tlsmon_policy p;
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&tlsmon_genl_family, net, TLSMON_MCGRP_KEYS_ID))
		return;
	/* a notice the export rule refuses is not sent: no reader would get keys */
	tlsmon_policy_read(net, &p);
	if (!tlsmon_export_allowed(net, &p, &info->rt, &peer))
		return;
	msg = genlmsg_new(tlsmon_session_size() + tlsmon_key_size(), GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &tlsmon_genl_family, 0, TLSMON_CMD_KEYS_NEW);
	if (!hdr || tlsmon_put_session(msg, info, ktime_get_boottime_ns()) ||
	    tlsmon_put_key(msg, dir, meta, false)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	/*
	 * Sent under the session table's lock, and only if the session is
	 * still open and its keys were not wiped since they were kept: the
	 * close and the wipe that follows turning export off wait for it, so
	 * no notice of keys that are gone leaves after either returned.
	 */
	spin_lock_bh(&ss->lock);
	if (tlsmon_session_keys_current(ss, info->cookie, epoch))
		genlmsg_multicast_netns(&tlsmon_genl_family, net, msg, 0,
					TLSMON_MCGRP_KEYS_ID, GFP_ATOMIC);
	else
		nlmsg_free(msg);
	spin_unlock_bh(&ss->lock);
}

/**
 * tlsmon_nl_listening() - whether an event of @cmd has a reader in @net
 * @net: the namespace
 * @cmd: TLSMON_CMD_SESSION_NEW, TLSMON_CMD_SESSION_DEL or TLSMON_CMD_KEYS_NEW
 *
 * Any context but NMI. Events are not even queued without a reader: most
 * installations and closes happen with nobody listening. A reader that
 * joins later finds the sessions in dumps; the senders check again.
 */
bool tlsmon_nl_listening(struct net *net, u8 cmd)
{
	return genl_has_listeners(&tlsmon_genl_family, net,
				  cmd == TLSMON_CMD_KEYS_NEW ? TLSMON_MCGRP_KEYS_ID :
							       TLSMON_MCGRP_EVENTS_ID);
}

/**
 * tlsmon_nl_keys_group() - the multicast group number of the key group
 *
 * Valid once the family is registered.
 * Return: the group's number, as netlink_bind() passes it.
 */
unsigned int tlsmon_nl_keys_group(void)
{
	return tlsmon_genl_family.mcgrp_offset + TLSMON_MCGRP_KEYS_ID;
}

/* Every key dump is on record, once the privilege was checked (audit.c). */
static int tlsmon_nl_keys_start(struct netlink_callback *cb)
{
	tlsmon_audit_keys_dump(sock_net(cb->skb->sk),
			       netlink_capable(cb->skb, CAP_NET_ADMIN));
	return 0;
}

/**
 * struct tlsmon_keys_sel - the session a KEYS_GET request selects
 * @id: its session id, or 0 for any
 * @cookie: its socket's cookie, or 0 for any
 */
struct tlsmon_keys_sel {
	u64 id;
	u64 cookie;
};

/*
 * Read a KEYS_GET selector: an id, a cookie or both (then both must name
 * the same session); neither, or a 0, is an error.
 */
static int tlsmon_keys_selector(struct nlattr *sel, struct tlsmon_keys_sel *ks,
				struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TLSMON_SESSION_A_COOKIE + 1];
	int err;

	memset(ks, 0, sizeof(*ks));
	err = nla_parse_nested(tb, TLSMON_SESSION_A_COOKIE, sel,
			       tlsmon_keys_sel_nl_policy, extack);
	if (err)
		return err;
	if (!tb[TLSMON_SESSION_A_ID] && !tb[TLSMON_SESSION_A_COOKIE]) {
		NL_SET_ERR_MSG_ATTR(extack, sel,
				    "a session is selected by its id or its socket cookie");
		return -EINVAL;
	}
	/* neither is 0 (the policy's minimum): 0 means "any" below */
	if (tb[TLSMON_SESSION_A_ID])
		ks->id = nla_get_u64(tb[TLSMON_SESSION_A_ID]);
	if (tb[TLSMON_SESSION_A_COOKIE])
		ks->cookie = nla_get_u64(tb[TLSMON_SESSION_A_COOKIE]);
	return 0;
}

static bool tlsmon_keys_selected(const struct tlsmon_keys_sel *ks,
				 const struct tlsmon_session_info *si)
{
	return (!ks->id || si->id == ks->id) &&
	       (!ks->cookie || si->cookie == ks->cookie);
}

/*
 * The session @ks selects, under rcu_read_lock(), or NULL: by its cookie
 * in constant time, else by its id along the list.
 */
static struct tlsmon_session *tlsmon_keys_find(struct tlsmon_net *tn,
					       const struct tlsmon_keys_sel *ks)
{
	struct tlsmon_session *s;

	if (ks->cookie) {
		s = tlsmon_session_lookup_rcu(tn, ks->cookie);
		return s && tlsmon_keys_selected(ks, &s->info) ? s : NULL;
	}
	list_for_each_entry_rcu(s, &tn->sessions.list, list)
		if (s->info.id == ks->id)
			return s;
	return NULL;
}

/* A KEYS_GET message: the session, then each direction's keys. */
static int tlsmon_put_keys_msg(struct sk_buff *skb,
			       const struct tlsmon_session_info *si, u64 now,
			       u8 dirs, const struct tlsmon_dir_keys keys[2])
{
	int err, i;

	err = tlsmon_put_session(skb, si, now);
	for (i = 0; i < 2 && !err; i++) {
		u8 dir = i ? TLSMON_DIR_RX : TLSMON_DIR_TX;

		if (dirs & dir)
			err = tlsmon_put_key(skb, dir, &keys[i], true);
	}
	return err;
}

/*
 * The keys of one session, as a reader fetches them on a KEYS_NEW notice.
 * Only while they may be exported: export on, the session open, its keys
 * kept and not wiped, and the export rule accepting its peer now. A
 * refusal changes nothing but the count: the keys stay where they are,
 * until the session closes, export goes off or a rekey's rule check wipes
 * them. The reply is handed to the
 * reader under the session table's lock, after the key epoch was found
 * unchanged since the keys were copied: a close, or the wipe that follows
 * turning export off, waits for it, so no key leaves after either
 * returned.
 */
static int tlsmon_nl_keys_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct tlsmon_net *tn = tlsmon_net(net);
	struct tlsmon_sessions *ss = &tn->sessions;
	struct tlsmon_dir_keys keys[2];
	struct tlsmon_session_info si;
	struct tlsmon_keys_sel ks;
	struct tlsmon_session *s;
	u8 peer = TLSMON_PEER_UNKNOWN;
	struct tlsmon_policy p;
	struct sk_buff *msg;
	bool sent = false;
	u8 dirs = 0;
	void *hdr;
	u32 epoch;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, TLSMON_A_SESSION)) {
		NL_SET_ERR_MSG(info->extack,
			       "a session is selected by its id or its socket cookie");
		return -EINVAL;
	}
	err = tlsmon_keys_selector(info->attrs[TLSMON_A_SESSION], &ks,
				   info->extack);
	if (err)
		return err;
	tlsmon_audit_keys_dump(net, netlink_capable(skb, CAP_NET_ADMIN));

	tlsmon_policy_read(net, &p);
	if (!p.export) {
		NL_SET_ERR_MSG(info->extack, "key export is off in this namespace");
		return -EOPNOTSUPP;
	}
	/* read before the copy: a wipe after it changes the epoch */
	epoch = tlsmon_sessions_key_epoch(ss);
	rcu_read_lock();
	s = tlsmon_keys_find(tn, &ks);
	if (s)
		dirs = tlsmon_session_keys_copy(tn, s, &si, keys);
	rcu_read_unlock();
	if (dirs && !tlsmon_export_allowed(net, &p, &si.rt, &peer)) {
		memzero_explicit(keys, sizeof(keys));
		dirs = 0;
	}
	if (!s) {
		NL_SET_ERR_MSG(info->extack,
			       "no monitored session has this id or socket cookie");
		return -ENOENT;
	}
	if (!dirs) {
		NL_SET_ERR_MSG(info->extack,
			       "no key of this session may be exported (closed, not kept, wiped, or its peer not local)");
		return -ENOENT;
	}

	err = -ENOMEM;
	msg = genlmsg_new(tlsmon_session_size() + 2 * tlsmon_key_size(),
			  GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &tlsmon_genl_family, 0,
				TLSMON_CMD_KEYS_GET);
	err = -EMSGSIZE;
	if (!hdr || tlsmon_put_keys_msg(msg, &si, ktime_get_boottime_ns(), dirs,
					keys)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);

	/* genlmsg_reply() does not sleep: netlink_unicast() with MSG_DONTWAIT */
	spin_lock_bh(&ss->lock);
	if (tlsmon_session_keys_current(ss, si.cookie, epoch)) {
		err = genlmsg_reply(msg, info);
		sent = true;
		/* counted once per key, however often it is fetched */
		if (!err)
			tlsmon_count_add(tn, TLSMON_STATS_A_KEYS_EXPORTED,
					 tlsmon_session_exported(ss, NULL,
								 si.cookie, dirs));
	}
	spin_unlock_bh(&ss->lock);
	if (!sent) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack,
			       "the session closed or its keys were wiped meanwhile");
		err = -ENOENT;
	}
out:
	memzero_explicit(keys, sizeof(keys));
	return err;
}

/*
 * One message per session whose keys may be exported now, resuming after
 * the session sent last (struct tlsmon_dump_ctx), like the session dump.
 * A session whose peer the export rule refuses now is skipped (counted),
 * its keys left as they are: a read changes nothing. A selector narrows
 * the dump to one session.
 */
static int tlsmon_nl_keys_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr *sel = tlsmon_dump_attrs(cb)[TLSMON_A_SESSION];
	struct net *net = sock_net(skb->sk);
	struct tlsmon_net *tn = tlsmon_net(net);
	struct tlsmon_dump_ctx *ctx = tlsmon_dump_ctx(cb);
	struct tlsmon_keys_sel ks = { 0 };
	struct tlsmon_dir_keys keys[2];
	struct tlsmon_session_info si;
	struct tlsmon_session *s;
	u64 now = ktime_get_boottime_ns();
	struct tlsmon_policy p;
	int err = 0;
	void *hdr;
	u8 dirs, peer;

	if (sel) {
		err = tlsmon_keys_selector(sel, &ks, cb->extack);
		if (err)
			return err;
	}

	/*
	 * The policy is read once per call (a batch of a few dozen sessions):
	 * export turned off mid-dump stops it at the next batch. extack
	 * reaches the reader from dumpit (with NLMSG_DONE), not from start.
	 */
	tlsmon_policy_read(net, &p);
	if (!p.export) {
		NL_SET_ERR_MSG(cb->extack, "key export is off in this namespace");
		return -EOPNOTSUPP;
	}

	rcu_read_lock();
	cb->seq = atomic_read(&tn->sessions.gen);
	s = tlsmon_session_resume(&tn->sessions, ctx->last_id, ctx->last_cookie);
	list_for_each_entry_continue_rcu(s, &tn->sessions.list, list) {
		if (s->info.id <= ctx->last_id || !tlsmon_keys_selected(&ks, &s->info))
			continue;
		dirs = tlsmon_session_keys_copy(tn, s, &si, keys);
		peer = TLSMON_PEER_UNKNOWN;
		if (dirs && !tlsmon_export_allowed(net, &p, &si.rt, &peer))
			dirs = 0;
		if (!dirs) {
			ctx->last_id = si.id;
			ctx->last_cookie = si.cookie;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &tlsmon_genl_family, NLM_F_MULTI, TLSMON_CMD_KEYS_GET);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		err = tlsmon_put_keys_msg(skb, &si, now, dirs, keys);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		spin_lock_bh(&tn->sessions.lock);
		tlsmon_count_add(tn, TLSMON_STATS_A_KEYS_EXPORTED,
				 tlsmon_session_exported(&tn->sessions, s, 0, dirs));
		spin_unlock_bh(&tn->sessions.lock);
		ctx->last_id = si.id;
		ctx->last_cookie = si.cookie;
	}
	rcu_read_unlock();
	memzero_explicit(keys, sizeof(keys));
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/*
 * The established TCP socket of one connection of @net, referenced, or
 * NULL. An IPv6 socket with an IPv4-mapped peer (a dual-stack listener's
 * child) is hashed as IPv4 and found as such.
 */
static struct sock *tlsmon_peer_sock(struct net *net, u16 family,
				     const struct in6_addr *l,
				     const struct in6_addr *r, __be16 lport,
				     __be16 rport, int dif)
{
	struct sock *sk = NULL;

	rcu_read_lock();
	if (ipv6_addr_v4mapped(l) && ipv6_addr_v4mapped(r))
		sk = tlsmon_lookup_established4(net, r->s6_addr32[3], rport,
						l->s6_addr32[3], ntohs(lport),
						dif);
#if IS_ENABLED(CONFIG_IPV6)
	else if (family == AF_INET6)
		sk = tlsmon_lookup_established6(net, r, rport, l,
						ntohs(lport), dif);
#endif
	rcu_read_unlock();
	if (sk && !sk_fullsock(sk)) {
		sock_gen_put(sk);
		sk = NULL;
	}
	return sk;
}

/* An address attribute of a PEER_GET request, as IPv6 (IPv4: mapped). */
static int tlsmon_peer_addr(const struct nlattr *attr, u16 family,
			    struct in6_addr *a, struct netlink_ext_ack *extack)
{
	if (family == AF_INET && nla_len(attr) == 4) {
		ipv6_addr_set_v4mapped(nla_get_in_addr(attr), a);
		return 0;
	}
	if (family == AF_INET6 && nla_len(attr) == 16) {
		*a = nla_get_in6_addr(attr);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "an address is 4 bytes (AF_INET) or 16 bytes (AF_INET6)");
	return -EINVAL;
}

static int tlsmon_put_peer(struct sk_buff *msg, u16 family,
			   const struct tlsmon_route *rt, bool ok, int egress,
			   const char *why)
{
	bool v4 = family == AF_INET;
	struct nlattr *nest;

	nest = nla_nest_start(msg, TLSMON_A_PEER);
	if (!nest ||
	    nla_put_u16(msg, TLSMON_PEER_A_FAMILY, family) ||
	    nla_put(msg, TLSMON_PEER_A_LOCAL_ADDR, v4 ? 4 : 16,
		    v4 ? (const void *)&rt->laddr.s6_addr32[3] : &rt->laddr) ||
	    nla_put(msg, TLSMON_PEER_A_PEER_ADDR, v4 ? 4 : 16,
		    v4 ? (const void *)&rt->raddr.s6_addr32[3] : &rt->raddr) ||
	    nla_put_u16(msg, TLSMON_PEER_A_LOCAL_PORT, ntohs(rt->lport)) ||
	    nla_put_u16(msg, TLSMON_PEER_A_PEER_PORT, ntohs(rt->rport)) ||
	    nla_put_u32(msg, TLSMON_PEER_A_BOUND_IF, rt->bound_if) ||
	    nla_put_u8(msg, TLSMON_PEER_A_EXPORT, ok) ||
	    nla_put_u32(msg, TLSMON_PEER_A_IFINDEX, egress) ||
	    (!ok && nla_put_string(msg, TLSMON_PEER_A_REASON, why)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * monctl asks whether its own connection (an exporter's to its collector,
 * or a collector's accepted one) is on an export link, by the same rule
 * as key export, so that it never sends keys where the kernel would not.
 */
static int tlsmon_nl_peer_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[TLSMON_PEER_A_MAX + 1];
	struct net *net = genl_info_net(info);
	struct tlsmon_policy pol;
	struct in6_addr l, r;
	struct tlsmon_route rt;
	const char *why = NULL;
	struct sk_buff *msg;
	struct sock *sk;
	int err, egress;
	u16 family;
	void *hdr;

	if (GENL_REQ_ATTR_CHECK(info, TLSMON_A_PEER)) {
		NL_SET_ERR_MSG(info->extack,
			       "a connection is named by its family, addresses and ports");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, TLSMON_PEER_A_MAX, info->attrs[TLSMON_A_PEER],
			       tlsmon_peer_nl_policy, info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[TLSMON_A_PEER], tb,
			      TLSMON_PEER_A_FAMILY) ||
	    NL_REQ_ATTR_CHECK(info->extack, info->attrs[TLSMON_A_PEER], tb,
			      TLSMON_PEER_A_LOCAL_ADDR) ||
	    NL_REQ_ATTR_CHECK(info->extack, info->attrs[TLSMON_A_PEER], tb,
			      TLSMON_PEER_A_PEER_ADDR) ||
	    NL_REQ_ATTR_CHECK(info->extack, info->attrs[TLSMON_A_PEER], tb,
			      TLSMON_PEER_A_LOCAL_PORT) ||
	    NL_REQ_ATTR_CHECK(info->extack, info->attrs[TLSMON_A_PEER], tb,
			      TLSMON_PEER_A_PEER_PORT)) {
		NL_SET_ERR_MSG(info->extack,
			       "a connection is named by its family, addresses and ports");
		return -EINVAL;
	}
	family = nla_get_u16(tb[TLSMON_PEER_A_FAMILY]);
	if (family != AF_INET && family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[TLSMON_PEER_A_FAMILY],
				    "family must be AF_INET or AF_INET6");
		return -EINVAL;
	}
	err = tlsmon_peer_addr(tb[TLSMON_PEER_A_LOCAL_ADDR], family, &l,
			       info->extack) ?:
	      tlsmon_peer_addr(tb[TLSMON_PEER_A_PEER_ADDR], family, &r,
			       info->extack);
	if (err)
		return err;
	sk = tlsmon_peer_sock(net, family, &l, &r,
			      htons(nla_get_u16(tb[TLSMON_PEER_A_LOCAL_PORT])),
			      htons(nla_get_u16(tb[TLSMON_PEER_A_PEER_PORT])),
			      tb[TLSMON_PEER_A_BOUND_IF] ?
			      nla_get_u32(tb[TLSMON_PEER_A_BOUND_IF]) : 0);
	if (!sk) {
		NL_SET_ERR_MSG(info->extack,
			       "no established TCP connection with these addresses and ports in this namespace");
		return -ENOENT;
	}
	tlsmon_route_of_sk(sk, &rt);
	sock_gen_put(sk);

	/*
	 * The question is the link's, not the export switch's: a collector's
	 * namespace lists its export links without exporting keys itself.
	 */
	tlsmon_policy_read(net, &pol);
	pol.export = true;
	err = tlsmon_export_check(net, &pol, &rt, &egress, &why);
	if (err)
		tlsmon_count(tlsmon_net(net), TLSMON_STATS_A_EXPORT_REFUSED);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &tlsmon_genl_family, 0,
				TLSMON_CMD_PEER_GET);
	if (!hdr || tlsmon_put_peer(msg, family, &rt, !err, egress, why)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct genl_ops tlsmon_genl_ops[] = {
	{
		.cmd = TLSMON_CMD_POLICY_GET,
		.doit = tlsmon_nl_policy_get,
#ifndef TLSMON_HAVE_GENL_RESV_START_OP
		.policy = tlsmon_get_nl_policy,
		.maxattr = TLSMON_A_MAX,
#endif
	},
	{
		.cmd = TLSMON_CMD_POLICY_SET,
		.doit = tlsmon_nl_policy_set,
		.policy = tlsmon_set_nl_policy,
		.maxattr = TLSMON_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = TLSMON_CMD_SESSION_GET,
		.doit = tlsmon_nl_session_get,
		.dumpit = tlsmon_nl_session_dump,
		.policy = tlsmon_session_get_nl_policy,
		.maxattr = TLSMON_A_MAX,
	},
	{
		/*
		 * GENL_UNS_ADMIN_PERM is checked at every request, do and
		 * dump alike, on every kernel: the only way to key material.
		 */
		.cmd = TLSMON_CMD_KEYS_GET,
		.doit = tlsmon_nl_keys_get,
		.start = tlsmon_nl_keys_start,
		.dumpit = tlsmon_nl_keys_dump,
		.policy = tlsmon_keys_get_nl_policy,
		.maxattr = TLSMON_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = TLSMON_CMD_STATS_GET,
		.doit = tlsmon_nl_stats_get,
#ifndef TLSMON_HAVE_GENL_RESV_START_OP
		.policy = tlsmon_get_nl_policy,
		.maxattr = TLSMON_A_MAX,
#endif
	},
	{
		.cmd = TLSMON_CMD_PEER_GET,
		.doit = tlsmon_nl_peer_get,
		.policy = tlsmon_peer_get_nl_policy,
		.maxattr = TLSMON_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family tlsmon_genl_family __ro_after_init = {
	.name = TLSMON_GENL_NAME,
	.version = TLSMON_GENL_VERSION,
	.maxattr = TLSMON_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.ops = tlsmon_genl_ops,
	.n_ops = ARRAY_SIZE(tlsmon_genl_ops),
	.mcgrps = tlsmon_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tlsmon_mcgrps),
	.module = THIS_MODULE,
};

int __init tlsmon_genl_register(void)
{
	return genl_register_family(&tlsmon_genl_family);
}

void tlsmon_genl_unregister(void)
{
	genl_unregister_family(&tlsmon_genl_family);
}
