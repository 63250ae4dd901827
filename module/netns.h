/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_NETNS_H
#define _TLSMON_NETNS_H

#include <linux/atomic.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/ratelimit_types.h>
#include <linux/sched/mm.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <linux/tlsmon.h>

#include "flow.h"
#include "keyshare.h"
#include "session.h"

struct tlsmon_policy_obj;

/**
 * struct tlsmon_net - tlsmon's per network namespace state
 * @policy: current policy; read under rcu_read_lock(), replaced under @lock
 * @lock: serialises policy writers (read-copy-update) and the netfilter
 *	hook registration that follows the enabled flag
 * @flows: handshakes being watched
 * @sessions: monitored sessions
 * @stats: counters, TLSMON_STATS_A_* indexed
 * @memcg: the memory cgroup of the task that enabled monitoring (a
 *	reference), charged with the namespace's watched handshakes and
 *	sessions (tlsmon_charge_begin()); set under @lock before the hooks
 *	are registered, put under @lock once monitoring is off and a grace
 *	period has passed, when no allocation can use it; NULL while off or
 *	without memory cgroups
 * @log_rs: limits the kernel log lines its unprivileged actors cause
 *	(audit.c)
 * @keyshares: recent TLS 1.3 server key shares (keyshare.c)
 */
struct tlsmon_net {
	struct tlsmon_policy_obj __rcu *policy;
	struct mutex lock; /* policy writers */
	struct tlsmon_flows flows;
	struct tlsmon_sessions sessions;
	atomic64_t stats[TLSMON_STATS_A_MAX + 1];
	struct mem_cgroup *memcg;
	struct ratelimit_state log_rs;
	struct tlsmon_keyshares keyshares;
};

extern unsigned int tlsmon_net_id;

static inline struct tlsmon_net *tlsmon_net(const struct net *net)
{
	return net_generic(net, tlsmon_net_id);
}

/**
 * tlsmon_charge_begin() - charge what follows to @tn's memory cgroup
 * @tn: the namespace the allocations are for
 *
 * Around allocations with __GFP_ACCOUNT or from SLAB_ACCOUNT caches made
 * for a namespace with monitoring on, in any context but NMI: in softirq
 * nothing is charged unless an active memory cgroup is set, and in a task
 * the task's own cgroup would be charged, not the enabler's. The model is
 * bpf_map_kmalloc_node().
 * Return: the previous active memory cgroup, for tlsmon_charge_end().
 */
static inline struct mem_cgroup *tlsmon_charge_begin(struct tlsmon_net *tn)
{
	return set_active_memcg(READ_ONCE(tn->memcg));
}

static inline void tlsmon_charge_end(struct mem_cgroup *old)
{
	set_active_memcg(old);
}

int tlsmon_netns_register(void);
void tlsmon_netns_unregister(void);

u64 tlsmon_stat_read(struct tlsmon_net *tn, int stat);

static inline void tlsmon_count(struct tlsmon_net *tn, int stat)
{
	atomic64_inc(&tn->stats[stat]);
}

static inline void tlsmon_count_add(struct tlsmon_net *tn, int stat, unsigned int n)
{
	if (n)
		atomic64_add(n, &tn->stats[stat]);
}

#endif /* _TLSMON_NETNS_H */
