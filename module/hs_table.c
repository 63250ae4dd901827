// SPDX-License-Identifier: GPL-2.0
/*
 * The handshake table: one entry (struct tlsmon_pending) per TCP
 * connection whose handshake is being watched in a namespace, found by
 * the connection's addresses and ports. A SYN-ACK (or a SYN with data)
 * makes the entry, with each way's initial sequence number; a RST,
 * the timeout, the grace period after a FIN, the size limit or the
 * socket's first kTLS installation ends it. The installation takes the
 * verdict from it (tlsmon_flows_decide()).
 *
 * Everything here fails closed: an entry that expires or is dropped for
 * room leaves its connection unmonitored.
 */
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "hs_buf.h"
#include "hs_table.h"
#include "keyshare.h"
#include "netns.h"
#include "verdict.h"

static unsigned int max_pending = 1024;
module_param(max_pending, uint, 0644);
MODULE_PARM_DESC(max_pending,
		 "Handshakes watched at once per namespace; newer ones displace the oldest (default 1024)");

static unsigned int handshake_timeout = 30;
module_param(handshake_timeout, uint, 0644);
MODULE_PARM_DESC(handshake_timeout,
		 "Seconds from SYN-ACK to kTLS installation before a handshake is forgotten (default 30)");

/*
 * Entries come from a cache of their own: they are made and freed for
 * every TCP connection of a monitored namespace.
 *
 * The cache is SLAB_TYPESAFE_BY_RCU (see struct tlsmon_pending): an entry
 * is freed as it is unlinked, where a call_rcu() per connection and its
 * callback used to cost more than the entry's lookups. Its constructor
 * initialises the lock, which a hook may hold across a reuse, and marks
 * the object unlinked; nothing else of it is cleared (it is filled in
 * whole under its lock), which also exempts it from init_on_alloc.
 *
 * SLAB_ACCOUNT: what a namespace holds is charged to the memory cgroup of
 * whoever enabled monitoring in it (tlsmon_charge_begin()), not left to
 * the kernel.
 *
 * Created at module init, destroyed at exit (kmem_cache_destroy() waits
 * for the grace period of a SLAB_TYPESAFE_BY_RCU cache's slabs).
 */
static struct kmem_cache *pending_cache;

/*
 * Peers choose their addresses and ports: without a secret seed they could
 * aim their SYNs at one bucket and make every lookup walk a long chain.
 */
static u32 flow_seed __read_mostly;

/* Once per object, not per use: a hook may hold the lock across a reuse. */
static void pending_ctor(void *obj)
{
	struct tlsmon_pending *p = obj;

	memset(p, 0, sizeof(*p));
	spin_lock_init(&p->lock);
	p->unlinked = true;
}

int tlsmon_flow_caches_create(void)
{
	flow_seed = get_random_u32();
	pending_cache = kmem_cache_create("tlsmon_pending",
					  sizeof(struct tlsmon_pending), 0,
					  SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT,
					  pending_ctor);
	if (!pending_cache || tlsmon_hs_buf_cache_create() ||
	    tlsmon_keyshare_cache_create()) {
		tlsmon_flow_caches_destroy();
		return -ENOMEM;
	}
	return 0;
}

void tlsmon_flow_caches_destroy(void)
{
	tlsmon_keyshare_cache_destroy();
	tlsmon_hs_buf_cache_destroy();
	kmem_cache_destroy(pending_cache);
}

static void flows_expire(struct tlsmon_net *tn, bool all);

/* Stale entries go even when no new connection comes to push them out. */
static void flows_gc(struct work_struct *work)
{
	struct tlsmon_flows *f = container_of(to_delayed_work(work),
					      struct tlsmon_flows, gc);
	struct tlsmon_net *tn = container_of(f, struct tlsmon_net, flows);

	spin_lock_bh(&f->lock);
	flows_expire(tn, true);
	spin_unlock_bh(&f->lock);
	if (atomic_read(&f->count))
		schedule_delayed_work(&f->gc, HZ);
}

void tlsmon_flows_init(struct tlsmon_flows *f)
{
	int i;

	spin_lock_init(&f->lock);
	for (i = 0; i < ARRAY_SIZE(f->hash); i++)
		INIT_HLIST_NULLS_HEAD(&f->hash[i], i);
	INIT_LIST_HEAD(&f->age);
	atomic_set(&f->count, 0);
	atomic_set(&f->collecting, 0);
	INIT_DELAYED_WORK(&f->gc, flows_gc);
	f->hooks = false;
}

/*
 * Every watched segment hashes its key: IPv4 (v4-mapped) keys hash their
 * three words of substance only, a third of the work of the whole key.
 */
static u32 flow_hash(const struct tlsmon_flow_key *key)
{
	u32 ports = (__force u32)key->lport << 16 | (__force u32)key->rport;
	u32 h;

	if (ipv6_addr_v4mapped(&key->laddr) && ipv6_addr_v4mapped(&key->raddr))
		h = jhash_3words((__force u32)key->laddr.s6_addr32[3],
				 (__force u32)key->raddr.s6_addr32[3], ports,
				 flow_seed);
	else
		h = jhash2((const u32 *)key, sizeof(*key) / sizeof(u32), flow_seed);
	return h & ((1 << TLSMON_FLOW_BITS) - 1);
}

/*
 * Freed at once (see struct tlsmon_pending): a hook that found the entry
 * finds it unlinked, under its lock, and leaves it.
 */
static void pending_unlink(struct tlsmon_flows *f, struct tlsmon_pending *p)
{
	lockdep_assert_held(&f->lock);
	hlist_nulls_del_rcu(&p->node);
	list_del(&p->age);
	atomic_dec(&f->count);
	spin_lock(&p->lock);
	tlsmon_pending_collected(f, p);
	p->unlinked = true;
	tlsmon_hs_buf_free(p);
	spin_unlock(&p->lock);
	kmem_cache_free(pending_cache, p);
}

/* tlsmon_pending_lookup() in chain @slot, @key's. */
static __always_inline struct tlsmon_pending *
pending_lookup_slot(struct tlsmon_flows *f, const struct tlsmon_flow_key *key,
		    u32 slot)
{
	struct hlist_nulls_node *n;
	struct tlsmon_pending *p;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held() && !lockdep_is_held(&f->lock),
			 "tlsmon: handshake table walked unprotected");
begin:
	hlist_nulls_for_each_entry_rcu(p, n, &f->hash[slot], node)
		if (tlsmon_flow_key_eq(&p->key, key))
			return p;
	/* an entry freed and reused meanwhile led the walk to another chain */
	if (get_nulls_value(n) != slot)
		goto begin;
	return NULL;
}

/**
 * tlsmon_pending_lookup() - the entry of a connection
 * @f: the namespace's table
 * @key: the connection
 *
 * Under @f's lock, or under rcu_read_lock(): then the entry may be reused
 * meanwhile, and the caller checks it under its lock (tlsmon_pending_is()).
 * Return: the entry, or NULL.
 */
struct tlsmon_pending *tlsmon_pending_lookup(struct tlsmon_flows *f,
					     const struct tlsmon_flow_key *key)
{
	return pending_lookup_slot(f, key, flow_hash(key));
}

/* The timeout is read when used, so that changing it applies to all. */
static bool pending_stale(const struct tlsmon_pending *p)
{
	unsigned long end = p->born + READ_ONCE(handshake_timeout) * HZ;
	unsigned long fin = READ_ONCE(p->fin_by);

	if (fin && time_before(fin, end))
		end = fin;
	return time_after_eq(jiffies, end);
}

/*
 * Drop stale entries, oldest first. On the SYN path the walk stops at the
 * first live entry; the collector walks them all, since a FIN makes a
 * younger entry stale early.
 */
static void flows_expire(struct tlsmon_net *tn, bool all)
{
	struct tlsmon_flows *f = &tn->flows;
	struct tlsmon_pending *p, *tmp;

	lockdep_assert_held(&f->lock);
	list_for_each_entry_safe(p, tmp, &f->age, age) {
		if (!pending_stale(p)) {
			if (all)
				continue;
			break;
		}
		tlsmon_count(tn, TLSMON_STATS_A_PENDING_EXPIRED);
		pending_unlink(f, p);
	}
}

/*
 * A new entry in chain @slot, @key's, made room for if the table is full.
 * Return: the entry, or NULL without memory (counted as a drop).
 */
static struct tlsmon_pending *pending_insert(struct tlsmon_net *tn,
					     const struct tlsmon_flow_key *key,
					     u32 slot, u8 role)
{
	struct tlsmon_flows *f = &tn->flows;
	struct tlsmon_pending *p, *old;
	struct mem_cgroup *memcg;

	lockdep_assert_held(&f->lock);
	if (atomic_read(&f->count) >= READ_ONCE(max_pending)) {
		/* Full: the oldest watcher gives way, and it is counted. */
		old = list_first_entry_or_null(&f->age, struct tlsmon_pending, age);
		if (!old)
			return NULL;
		tlsmon_count(tn, TLSMON_STATS_A_PENDING_DROPS);
		pending_unlink(f, old);
	}
	/* not cleared (see pending_ctor()): filled in whole below */
	memcg = tlsmon_charge_begin(tn);
	p = kmem_cache_alloc(pending_cache, GFP_ATOMIC);
	tlsmon_charge_end(memcg);
	if (!p) {
		tlsmon_count(tn, TLSMON_STATS_A_PENDING_DROPS);
		return NULL;
	}
	/* a hook that found this object in its earlier use may hold the lock */
	spin_lock(&p->lock);
	p->key = *key;
	p->born = jiffies;
	p->fin_by = 0;
	p->have_isn = 0;
	p->role = role;
	p->syn_len = 0;
	p->complete = false;
	p->failed = false;
	p->static_ks = false;
	p->unlinked = false;
	p->collecting = true;
	p->limit[0] = tlsmon_hello_max;
	p->limit[1] = tlsmon_hello_max;
	spin_unlock(&p->lock);
	atomic_inc(&f->collecting);
	hlist_nulls_add_head_rcu(&p->node, &f->hash[slot]);
	list_add_tail(&p->age, &f->age);
	atomic_inc(&f->count);
	schedule_delayed_work(&f->gc, HZ);
	return p;
}

/*
 * A SYN-ACK makes the connection's entry, with both initial sequence
 * numbers: its own, and the SYN's, one less than its ACK field. Every
 * connection that completes its handshake passes one at both ends (the
 * client receives it, the server sends it), so a SYN that is never
 * answered (a scan, a flood, a closed port) costs no entry. A SYN makes
 * the entry only when it carries data (TCP Fast Open), to be read from
 * it; its SYN-ACK then completes that entry, its ACK field covering at
 * most @len bytes of that data past the SYN.
 *
 * Any other SYN-ACK for the tuple of an entry replaces it, unless that
 * entry's handshake is under way (data read, not failed, no FIN): a stray
 * SYN-ACK (forged, corrupted, a late duplicate) must not throw away the
 * hellos of a live connection, nor the bytes they are compared with.
 */
void tlsmon_pending_syn(struct tlsmon_net *tn,
			const struct tlsmon_flow_key *key, int way,
			const struct tcphdr *th, unsigned int len)
{
	struct tlsmon_flows *f = &tn->flows;
	u32 seq = ntohl(th->seq), peer_isn = ntohl(th->ack_seq) - 1;
	u32 slot = flow_hash(key);
	int other = way ^ 1;
	struct tlsmon_pending *p;
	u8 role;

	/* Our SYN or their SYN-ACK: we are the client. */
	role = (way == TLSMON_OUT) != th->ack ? TLSMON_ROLE_CLIENT : TLSMON_ROLE_SERVER;

	spin_lock_bh(&f->lock);
	flows_expire(tn, false);
	p = pending_lookup_slot(f, key, slot);
	if (p && th->ack) {
		spin_lock(&p->lock);
		/* the entry of its SYN's data, or its own (retransmitted) */
		if (p->role == role && (p->have_isn & (1 << other)) &&
		    peer_isn - p->isn[other] <= p->syn_len &&
		    (!(p->have_isn & (1 << way)) || p->isn[way] == seq)) {
			p->isn[way] = seq;
			p->have_isn |= 1 << way;
			spin_unlock(&p->lock);
			goto out;
		}
		if (p->hs && !p->failed && !READ_ONCE(p->fin_by)) {
			spin_unlock(&p->lock);
			goto out;
		}
		spin_unlock(&p->lock);
	}
	/* A new connection reuses the tuple of an old one. */
	if (p)
		pending_unlink(f, p);

	p = pending_insert(tn, key, slot, role);
	if (!p)
		goto out;
	/* already in the table: a hook on another CPU may look at it */
	spin_lock(&p->lock);
	p->isn[way] = seq;
	p->have_isn = 1 << way;
	if (th->ack) {
		p->isn[other] = peer_isn;
		p->have_isn |= 1 << other;
	} else {
		p->syn_len = min_t(unsigned int, len, U16_MAX);
	}
	spin_unlock(&p->lock);
out:
	spin_unlock_bh(&f->lock);
}

/* The connection is over (RST). */
void tlsmon_pending_forget(struct tlsmon_net *tn,
			   const struct tlsmon_flow_key *key)
{
	struct tlsmon_flows *f = &tn->flows;
	struct tlsmon_pending *p;

	spin_lock_bh(&f->lock);
	p = tlsmon_pending_lookup(f, key);
	if (p)
		pending_unlink(f, p);
	spin_unlock_bh(&f->lock);
}

/**
 * tlsmon_flows_flush() - forget every handshake of a namespace
 * @f: its table
 *
 * With its hooks gone and no installation still at work; sleeps.
 */
void tlsmon_flows_flush(struct tlsmon_flows *f)
{
	struct tlsmon_pending *p, *tmp;

	spin_lock_bh(&f->lock);
	list_for_each_entry_safe(p, tmp, &f->age, age)
		pending_unlink(f, p);
	spin_unlock_bh(&f->lock);
	/* The collector re-arms only while entries exist: none are left. */
	cancel_delayed_work_sync(&f->gc);
}

/**
 * tlsmon_flow_key_of_sk() - the key of a connected TCP socket
 * @sk: the socket
 * @key: receives its key
 */
void tlsmon_flow_key_of_sk(const struct sock *sk, struct tlsmon_flow_key *key)
{
	const struct inet_sock *inet = inet_sk(sk);

	memset(key, 0, sizeof(*key));
	ipv6_addr_set_v4mapped(inet->inet_rcv_saddr, &key->laddr);
	ipv6_addr_set_v4mapped(inet->inet_daddr, &key->raddr);
#if IS_ENABLED(CONFIG_IPV6)
	/* Dual-stack sockets carry IPv4 peers as IPv4-mapped addresses. */
	if (sk->sk_family == AF_INET6) {
		key->laddr = sk->sk_v6_rcv_saddr;
		key->raddr = sk->sk_v6_daddr;
	}
#endif
	key->lport = inet->inet_sport;
	key->rport = inet->inet_dport;
}

/**
 * tlsmon_flows_decide() - decide the session of a kTLS installation
 * @tn: the socket's namespace
 * @key: the socket's connection
 * @pol: the namespace's policy
 * @v: receives the verdict when TLSMON_CLAIM_NEW is returned
 * @role: receives the local end's TLSMON_ROLE_*
 *
 * For the first installation on a socket: its handshake's entry, whatever
 * it holds, is consumed, since nothing else will ask for it (the second
 * installation knows from the socket that the first one decided). Any
 * context.
 */
enum tlsmon_claim tlsmon_flows_decide(struct tlsmon_net *tn,
				      const struct tlsmon_flow_key *key,
				      const struct tlsmon_policy *pol,
				      struct tlsmon_verdict *v, u8 *role)
{
	enum tlsmon_claim ret = TLSMON_CLAIM_NONE;
	struct tlsmon_flows *f = &tn->flows;
	struct tlsmon_pending *p;

	if (!atomic_read(&f->count))
		return TLSMON_CLAIM_NONE;
	spin_lock_bh(&f->lock);
	p = tlsmon_pending_lookup(f, key);
	if (p) {
		spin_lock(&p->lock);
		if (pending_stale(p)) {
			ret = TLSMON_CLAIM_NONE;
		} else if (p->failed) {
			ret = TLSMON_CLAIM_FAILED;
		} else if (p->complete) {
			const struct tlsmon_hs_stream *c = &p->hs->stream[TLSMON_STREAM_CLIENT];
			const struct tlsmon_hs_stream *s = &p->hs->stream[TLSMON_STREAM_SERVER];

			tlsmon_decide(pol, &c->ch[c->n_hellos - 1],
				      &s->sh[s->n_hellos - 1], v);
			v->static_ks = p->static_ks;
			*role = p->role;
			ret = TLSMON_CLAIM_NEW;
		}
		spin_unlock(&p->lock);
		pending_unlink(f, p);
	}
	spin_unlock_bh(&f->lock);
	return ret;
}
