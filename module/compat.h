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
 * The key group's readers must hold CAP_NET_ADMIN; a kernel that cannot
 * say so of a multicast group would let anyone read keys.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "this kernel cannot restrict a generic netlink multicast group to CAP_NET_ADMIN"
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
