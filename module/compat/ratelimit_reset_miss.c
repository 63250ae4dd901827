// SPDX-License-Identifier: GPL-2.0
/* ratelimit_state_reset_miss(): take the missed count (an atomic_t from 6.19). */
#include <linux/ratelimit.h>

/* the address, not a call: see dst_dev_rcu.c */
int (*tlsmon_probe)(struct ratelimit_state *rs) = ratelimit_state_reset_miss;
