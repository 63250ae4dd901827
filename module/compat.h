/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels tlsmon builds against. Each difference
 * is found by a feature probe (compat/, run by Kbuild into probed.h),
 * never by the kernel's version number: distributions backport features
 * into older versions, and stable trees carry some and not others.
 */
#ifndef _TLSMON_COMPAT_H
#define _TLSMON_COMPAT_H

#include <linux/ratelimit.h>
#include <net/dst.h>
#include <net/genetlink.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>

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

/**
 * tlsmon_ratelimit_take_missed() - a ratelimit's missed count, reset to 0
 * @rs: the ratelimit
 *
 * Return: the calls it refused since the count was last taken.
 */
static inline int tlsmon_ratelimit_take_missed(struct ratelimit_state *rs)
{
#ifdef TLSMON_HAVE_RATELIMIT_RESET_MISS
	return ratelimit_state_reset_miss(rs);
#else
	return xchg(&rs->missed, 0);
#endif
}

/**
 * tlsmon_lookup_established4() - an established IPv4 TCP socket, referenced
 * @net: its namespace
 * @saddr: the peer's address
 * @sport: the peer's port
 * @daddr: the local address
 * @hnum: the local port, host order
 * @dif: the device it is bound to, or 0
 *
 * Under rcu_read_lock(). Kernels from 6.19 find the hash table from @net.
 * Return: the socket, with a reference, or NULL.
 */
static inline struct sock *tlsmon_lookup_established4(struct net *net,
						      __be32 saddr, __be16 sport,
						      __be32 daddr, u16 hnum,
						      int dif)
{
#ifdef TLSMON_HAVE_INET_LOOKUP_NET_ONLY
	return __inet_lookup_established(net, saddr, sport, daddr, hnum, dif, 0);
#else
	return __inet_lookup_established(net, net->ipv4.tcp_death_row.hashinfo,
					 saddr, sport, daddr, hnum, dif, 0);
#endif
}

#if IS_ENABLED(CONFIG_IPV6)
/**
 * tlsmon_lookup_established6() - an established IPv6 TCP socket, referenced
 * @net: its namespace
 * @saddr: the peer's address
 * @sport: the peer's port
 * @daddr: the local address
 * @hnum: the local port, host order
 * @dif: the device it is bound to, or 0
 *
 * As tlsmon_lookup_established4().
 * Return: the socket, with a reference, or NULL.
 */
static inline struct sock *
tlsmon_lookup_established6(struct net *net, const struct in6_addr *saddr,
			   __be16 sport, const struct in6_addr *daddr, u16 hnum,
			   int dif)
{
#ifdef TLSMON_HAVE_INET_LOOKUP_NET_ONLY
	return __inet6_lookup_established(net, saddr, sport, daddr, hnum, dif, 0);
#else
	return __inet6_lookup_established(net, net->ipv4.tcp_death_row.hashinfo,
					  saddr, sport, daddr, hnum, dif, 0);
#endif
}
#endif

#endif /* _TLSMON_COMPAT_H */
