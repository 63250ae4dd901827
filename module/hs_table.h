/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handshake table's entries, one per connection whose handshake is
 * being watched (hs_table.c), and what the packet hook and the streams
 * need of them on the per-segment path, inline.
 */
#ifndef _TLSMON_HS_TABLE_H
#define _TLSMON_HS_TABLE_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/list_nulls.h>
#include <linux/lockdep.h>
#include <linux/spinlock.h>
#include <net/ipv6.h>

#include "flow.h"

struct tcphdr;
struct tlsmon_handshake;
struct tlsmon_net;

/* The way a segment goes through the hooks, as seen by the local socket. */
enum tlsmon_way {
	TLSMON_OUT,	/* bytes the local socket sends */
	TLSMON_IN,	/* bytes the local socket receives */
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
 * @isn: initial sequence number of each way (TLSMON_OUT, TLSMON_IN)
 * @have_isn: bit per way: @isn is known
 * @syn_len: data bytes of the SYN that made the entry (TCP Fast Open)
 * @limit: per way (TLSMON_OUT, TLSMON_IN), the stream offset past
 *	which its bytes are neither read nor compared (tlsmon_hs_stream_limit()
 *	of its stream); written under @lock, read without it as a hint
 * @role: TLSMON_ROLE_CLIENT or TLSMON_ROLE_SERVER (uapi): the local end
 * @complete: both hellos were read; the bytes stay, and later segments are
 *	compared with them until the installation claims the entry
 * @failed: a stream could not be parsed
 * @static_ks: a TLS 1.3 server whose key share the namespace's record
 *	had seen before, on another connection (set once complete)
 * @unlinked: not in the table (also while the object is free); set with
 *	tlsmon_flows.lock held as well, so either lock makes it stable
 * @collecting: counted in tlsmon_flows.collecting: still reads or
 *	compares data (until @failed or unlinked)
 * @mem: buffers of each stream, indexed by enum tlsmon_stream_role, once
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

/* Inline, a word at a time: every looked-up segment compares keys. */
static inline bool tlsmon_flow_key_eq(const struct tlsmon_flow_key *a,
				      const struct tlsmon_flow_key *b)
{
	return a->lport == b->lport && a->rport == b->rport &&
	       ipv6_addr_equal(&a->raddr, &b->raddr) &&
	       ipv6_addr_equal(&a->laddr, &b->laddr);
}

/* Whether the entry is still the one of @key. */
static inline bool tlsmon_pending_is(const struct tlsmon_pending *p,
				     const struct tlsmon_flow_key *key)
{
	lockdep_assert_held(&p->lock);
	return !p->unlinked && tlsmon_flow_key_eq(&p->key, key);
}

/* The entry wants no more of its connection's data. */
static inline void tlsmon_pending_collected(struct tlsmon_flows *f,
					    struct tlsmon_pending *p)
{
	lockdep_assert_held(&p->lock);
	if (p->collecting) {
		p->collecting = false;
		atomic_dec(&f->collecting);
	}
}

/*
 * Without the entry's lock: whether stream bytes from @seq on may still be
 * read or compared (see tlsmon_hs_stream_limit()). A hint, checked again
 * under the lock: the limit only ever shrinks, and the initial sequence
 * number is written once, before the bit that says it is known.
 */
static inline bool tlsmon_pending_may_matter(const struct tlsmon_pending *p,
					     int way, u32 seq)
{
	if (!(READ_ONCE(p->have_isn) & (1 << way)))
		return true;
	return seq - READ_ONCE(p->isn[way]) - 1 < READ_ONCE(p->limit[way]);
}

struct tlsmon_pending *tlsmon_pending_lookup(struct tlsmon_flows *f,
					     const struct tlsmon_flow_key *key);
void tlsmon_pending_syn(struct tlsmon_net *tn,
			const struct tlsmon_flow_key *key, int way,
			const struct tcphdr *th, unsigned int len);
void tlsmon_pending_forget(struct tlsmon_net *tn,
			   const struct tlsmon_flow_key *key);

#endif /* _TLSMON_HS_TABLE_H */
