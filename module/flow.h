/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_FLOW_H
#define _TLSMON_FLOW_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/list_nulls.h>
#include <linux/netfilter.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct net;
struct sock;
struct tlsmon_net;
struct tlsmon_policy;
struct tlsmon_verdict;

/**
 * struct tlsmon_flow_key - a TCP connection seen from its local end
 * @laddr: local address; IPv4 as IPv4-mapped IPv6
 * @raddr: peer address, likewise
 * @lport: local port, network order
 * @rport: peer port, network order
 */
struct tlsmon_flow_key {
	struct in6_addr laddr;
	struct in6_addr raddr;
	__be16 lport;
	__be16 rport;
};

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

/**
 * enum tlsmon_claim - what a kTLS installation finds of its handshake
 * @TLSMON_CLAIM_NONE: no complete handshake was seen
 * @TLSMON_CLAIM_FAILED: the handshake could not be parsed
 * @TLSMON_CLAIM_NEW: decided now, the verdict is filled in
 */
enum tlsmon_claim {
	TLSMON_CLAIM_NONE,
	TLSMON_CLAIM_FAILED,
	TLSMON_CLAIM_NEW,
};

void tlsmon_flows_init(struct tlsmon_flows *f);
void tlsmon_flows_flush(struct tlsmon_flows *f);
int tlsmon_flows_start(struct net *net);
void tlsmon_flows_stop(struct net *net);
void tlsmon_flow_key_of_sk(const struct sock *sk, struct tlsmon_flow_key *key);
enum tlsmon_claim tlsmon_flows_decide(struct tlsmon_net *tn,
				      const struct tlsmon_flow_key *key,
				      const struct tlsmon_policy *p,
				      struct tlsmon_verdict *v, u8 *role);
int tlsmon_flow_params_check(void);
int tlsmon_flow_caches_create(void);
void tlsmon_flow_caches_destroy(void);

#endif /* _TLSMON_FLOW_H */
