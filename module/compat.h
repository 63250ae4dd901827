/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels tlsmon builds against. Each difference
 * is found by a feature probe (compat/, run by Kbuild into probed.h),
 * never by the kernel's version number: distributions backport features
 * into older versions, and stable trees carry some and not others.
 */
#ifndef _TLSMON_COMPAT_H
#define _TLSMON_COMPAT_H

#include <net/dst.h>
#include <net/genetlink.h>

#include "probed.h"

/*
 * TLSMON_MCGRP_ADMIN: the flag that makes genl_bind() refuse a multicast
 * group to a listener without CAP_NET_ADMIN over the namespace. Which
 * flag the kernel checks changed, and a flag it does not check leaves the
 * group open to anyone: GENL_MCAST_CAP_NET_ADMIN where the header has it
 * (the check came with it, and replaced the older one), otherwise
 * GENL_UNS_ADMIN_PERM where groups have flags at all (that check came
 * with the member). A kernel with neither cannot restrict a group.
 */
#if defined(TLSMON_HAVE_GENL_MCAST_CAP_NET_ADMIN)
#define TLSMON_MCGRP_ADMIN	GENL_MCAST_CAP_NET_ADMIN
#elif defined(TLSMON_HAVE_GENL_MCAST_FLAGS)
#define TLSMON_MCGRP_ADMIN	GENL_UNS_ADMIN_PERM
#else
#error "this kernel cannot restrict a generic netlink multicast group to CAP_NET_ADMIN"
#endif

/*
 * GENL_REQ_ATTR_CHECK() where the kernel lacks it: the same test, without
 * the kernel's missing-attribute report (the callers set their message).
 */
#ifndef TLSMON_HAVE_GENL_REQ_ATTR_CHECK
#define GENL_REQ_ATTR_CHECK(info, attr)	(!(info)->attrs[(attr)])
#endif

/*
 * Macros older kernels lack (5.15): their header says so itself, no probe
 * needed. The same tests, without the kernel's missing-attribute report
 * (the callers set their own message); the net debug check compiles to
 * nothing, as it does on kernels without CONFIG_DEBUG_NET.
 */
#ifndef NL_REQ_ATTR_CHECK
#define NL_REQ_ATTR_CHECK(extack, nest, tb, type) \
	({ (void)(extack); (void)(nest); !(tb)[(type)]; })
#endif
#ifndef NL_SET_ERR_ATTR_MISS
#define NL_SET_ERR_ATTR_MISS(extack, nest, type) \
	do { (void)(extack); (void)(nest); (void)(type); } while (0)
#endif
#ifndef DEBUG_NET_WARN_ON_ONCE
#define DEBUG_NET_WARN_ON_ONCE(cond)	BUILD_BUG_ON_INVALID(cond)
#endif

/**
 * tlsmon_dump_attrs() - the parsed attributes of a dump request
 * @cb: the dump's callback
 */
static inline struct nlattr **tlsmon_dump_attrs(struct netlink_callback *cb)
{
#ifdef TLSMON_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/**
 * tlsmon_dst_dev() - a route's device, under rcu_read_lock()
 * @dst: the route
 */
static inline struct net_device *tlsmon_dst_dev(const struct dst_entry *dst)
{
#ifdef TLSMON_HAVE_DST_DEV_RCU
	return dst_dev_rcu(dst);
#else
	return READ_ONCE(dst->dev);
#endif
}

#endif /* _TLSMON_COMPAT_H */
