// SPDX-License-Identifier: GPL-2.0
/* genl_info_dump(): a dump's parsed attributes (genl_dumpit_info()->attrs before). */
#include <net/genetlink.h>

/* the address, not a call: see dst_dev_rcu.c */
const struct genl_info *(*tlsmon_probe)(struct netlink_callback *cb) = genl_info_dump;
