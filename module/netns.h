/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_NETNS_H
#define _TLSMON_NETNS_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/list_nulls.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/ratelimit_types.h>
#include <linux/rhashtable-types.h>
#include <linux/sched/mm.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <linux/tlsmon.h>

struct tlsmon_policy_obj;

#define TLSMON_FLOW_BITS	8

/**
 * struct tlsmon_flows - handshakes being watched in one namespace
 * @lock: protects @hash, @age and the hook registration; taken with
 *	bottom halves off (the hook runs in softirq on receive). The kTLS
 *	probe takes it from its return handler, which runs in the installing
 *	task with preemption off, never as an NMI
 * @hash: entries by connection (struct tlsmon_pending); RCU readers,
 *	each chain's nulls marker is its index
 * @age: entries oldest first, for expiry and the size limit
 * @count: entries in @hash; the packet hook skips its lookup at 0
 * @collecting: entries still reading their hellos; at 0 the packet hook
 *	looks up only SYN, FIN and RST segments
 * @gc: expires stale entries once a second while there are any
 * @hooks: @ops are registered (serialised by the policy mutex)
 * @ops: this namespace's netfilter hooks, whose priv is its tlsmon_net:
 *	the hook, which runs for every TCP segment, finds its state without
 *	a lookup; filled in when registered, and must outlive registration
 */
struct tlsmon_flows {
	spinlock_t lock; /* @hash, @age */
	struct hlist_nulls_head hash[1 << TLSMON_FLOW_BITS];
	struct list_head age;
	atomic_t count;
	atomic_t collecting;
	struct delayed_work gc;
	bool hooks;
	struct nf_hook_ops ops[4];
};

#define TLSMON_KS_BITS		8

/**
 * struct tlsmon_keyshares - recent TLS 1.3 server key shares of one namespace
 * @lock: protects everything below; a leaf lock, taken with bottom halves
 *	off (from the packet hook in softirq, or with them disabled),
 *	nested inside a watched handshake's lock
 * @hash: entries (struct tlsmon_ks_entry, keyshare.c) by server address
 *	and key-share digest
 * @lru: the same entries, most recently seen first, for eviction
 * @count: entries in @hash; at most the keyshare_max module parameter
 *
 * Entries are made and freed only under @lock, and only from the packet
 * hook and tlsmon_keyshares_flush(): no reader goes without the lock, so
 * there is no RCU. The flush runs with the namespace's hooks gone (see
 * tlsmon_flows_stop()).
 */
struct tlsmon_keyshares {
	spinlock_t lock; /* everything below */
	struct hlist_head hash[1 << TLSMON_KS_BITS];
	struct list_head lru;
	unsigned int count;
};

/**
 * struct tlsmon_sessions - monitored sessions of one namespace
 * @table: sessions by socket cookie; RCU readers, writers under @lock
 * @list: sessions in id order, for dumps; RCU readers, writers under @lock
 * @lock: writers of @table and @list, with bottom halves off (rhashtable's
 *	bucket locks are BH locks); taken in process context, in return
 *	probes and in the close probe, except where that one runs in int3
 *	(NMI-like) context: there it only marks a session closed and queues
 *	it for removal in process context (session.c)
 * @net: the namespace, for the removal events (no reference: removals
 *	are flushed before the namespace's state goes away)
 * @next_id: id of the next session
 * @gen: changes whenever @list does, for dump consistency
 * @count: sessions in @table
 * @key_epoch: changes, under @lock, whenever every held key is wiped
 *	(export or monitoring turned off): a key event queued before that
 *	carries the old value and is not sent (tlsmon_session_keys_current())
 */
struct tlsmon_sessions {
	struct rhashtable table;
	struct list_head list;
	spinlock_t lock; /* writers of @table, @list */
	struct net *net;
	u64 next_id;
	atomic_t gen;
	atomic_t count;
	u32 key_epoch;
};

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
