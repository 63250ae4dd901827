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

#include "hs_stream.h"

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

enum {
	TLSMON_OUT,	/* bytes the local socket sends */
	TLSMON_IN,	/* bytes the local socket receives */
};

/* Bytes of each stream's first buffers, inside its tlsmon_handshake. */
#define TLSMON_HS_BLOCK		1024

/**
 * struct tlsmon_handshake - the two streams of a handshake being read
 * @dir: indexed by enum tlsmon_dir_role
 * @block: each stream's first buffers (stream, message, seen map): most
 *	hellos fit, and a handshake then costs one allocation
 *
 * Owned by one tlsmon_pending (its @hs) and used under that entry's lock.
 * Not cleared on allocation (see handshake_ctor() in flow.c): each
 * stream's state is initialised before use.
 */
struct tlsmon_handshake {
	struct tlsmon_hs_dir dir[2];
	u8 block[2][TLSMON_HS_BLOCK];
};

/**
 * struct tlsmon_pending - a handshake being watched
 * @node: in tlsmon_flows.hash, under tlsmon_flows.lock
 * @age: in tlsmon_flows.age, under tlsmon_flows.lock
 * @key: the connection; written under @lock, before the entry is in the
 *	table
 * @born: jiffies at creation; stale handshake_timeout seconds later
 * @fin_by: jiffies by which a connection that sent a FIN is stale, or 0
 * @lock: protects everything below, and @key against reuse (see
 *	Lifetime); bottom halves off, nested inside tlsmon_flows.lock where
 *	both are held. Initialised once, by the cache's constructor
 * @isn: initial sequence number of each direction (TLSMON_OUT, TLSMON_IN)
 * @have_isn: bit per direction: @isn is known
 * @syn_len: data bytes of the SYN that made the entry (TCP Fast Open)
 * @limit: per direction (TLSMON_OUT, TLSMON_IN), the stream offset past
 *	which its bytes are neither read nor compared (tlsmon_hs_dir_limit()
 *	of its stream); written under @lock, read without it as a hint
 * @role: TLSMON_ROLE_CLIENT or TLSMON_ROLE_SERVER (uapi): the local end
 * @complete: both hellos were read; the bytes stay, and later segments are
 *	compared with them until the installation claims the entry
 * @failed: a direction could not be parsed
 * @static_ks: a TLS 1.3 server whose key share the namespace's record
 *	had seen before, on another connection (set once complete)
 * @unlinked: not in the table (also while the object is free); set with
 *	tlsmon_flows.lock held as well, so either lock makes it stable
 * @collecting: counted in tlsmon_flows.collecting: still reads or
 *	compares data (until @failed or unlinked)
 * @mem: buffers of each stream, indexed by enum tlsmon_dir_role, once
 *	its hellos outgrow @hs's block; freed with @hs
 * @hs: the two streams; allocated on the first payload, freed when the
 *	entry is unlinked, or as soon as the handshake fails (@failed), so
 *	that a failed entry lingering until its FIN or its timeout is small
 *
 * Lifetime: created on a SYN-ACK (or a SYN with data), removed by the
 * socket's first kTLS installation (which decides), on RST, on expiry (the
 * timeout, or a grace period after a FIN), when the table is full and a
 * newer one needs room, or with the namespace's monitoring. Removal
 * unlinks under the table lock and frees at once: the cache is
 * SLAB_TYPESAFE_BY_RCU, so an entry that the hook found under
 * rcu_read_lock() stays a tlsmon_pending, but may meanwhile be another
 * connection's. The hook therefore takes @lock and checks @unlinked and
 * @key before it uses the entry; an entry is filled in under @lock before
 * it is added to the table. A walk that such a reuse moved to another
 * chain ends on that chain's nulls marker, and starts again.
 */
struct tlsmon_pending {
	struct hlist_nulls_node node;
	struct list_head age;
	struct tlsmon_flow_key key;
	unsigned long born;
	unsigned long fin_by;
	spinlock_t lock; /* the fields below, and @key against reuse */
	u32 isn[2];
	u8 have_isn;
	u8 role;
	u16 syn_len;
	u32 limit[2];
	bool complete;
	bool failed;
	bool static_ks;
	bool unlinked;
	bool collecting;
	u8 *mem[2];
	struct tlsmon_handshake *hs;
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
