// SPDX-License-Identifier: GPL-2.0
/* dst_dev_rcu(): a route's device under RCU (a stable backport in some trees). */
#include <net/dst.h>
#include <net/ip.h>

struct net_device *tlsmon_probe(const struct dst_entry *dst);
struct net_device *tlsmon_probe(const struct dst_entry *dst)
{
	return dst_dev_rcu(dst);
}
