// SPDX-License-Identifier: GPL-2.0
/* dst_dev_rcu(): a route's device under RCU (a stable backport in some trees). */
#include <net/dst.h>
#include <net/ip.h>

/*
 * The function's address, not a call: an undeclared function is then an
 * error whatever the kernel's flags make of warnings (a call would only
 * be an implicit declaration, which a tree built with -w lets through).
 */
struct net_device *(*tlsmon_probe)(const struct dst_entry *dst) = dst_dev_rcu;
