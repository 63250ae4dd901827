// SPDX-License-Identifier: GPL-2.0
/*
 * Watching TLS handshakes on the wire. In a namespace where monitoring is
 * enabled, netfilter hooks at LOCAL_IN and LOCAL_OUT (IPv4 and IPv6) see
 * every TCP segment of the local sockets. A SYN-ACK (or a SYN with data)
 * opens an entry that records each direction's initial sequence number;
 * the first bytes of each direction are then reassembled by sequence
 * number and parsed until both hellos are known, and every later segment
 * that overlaps the bytes read is compared with them until the socket's
 * kTLS installation decides. Namespaces where monitoring is off have no
 * hook at all; in the others, a data segment costs one hash lookup while
 * some handshake is being read or compared, and none otherwise.
 *
 * Only what TCP delivers counts: an incoming data segment without ACK
 * (other than a SYN with data, TCP Fast Open), one outside the receiving
 * socket's window or acknowledging data never sent, is never believed; it
 * is only compared with what was read, and a difference fails the entry.
 *
 * Everything here fails closed: an entry that overflows, expires, cannot
 * be parsed or is dropped for room leaves its connection unmonitored.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "flow.h"
#include "keyshare.h"
#include "netns.h"
#include "verdict.h"

static unsigned int max_pending = 1024;
module_param(max_pending, uint, 0644);
MODULE_PARM_DESC(max_pending,
		 "Handshakes watched at once per namespace; newer ones displace the oldest (default 1024)");

static unsigned int hello_max = 4096;
module_param(hello_max, uint, 0444);
MODULE_PARM_DESC(hello_max,
		 "Bytes of each direction read for the hellos; larger hellos are not monitored (default 4096)");

static unsigned int handshake_timeout = 30;
module_param(handshake_timeout, uint, 0644);
MODULE_PARM_DESC(handshake_timeout,
		 "Seconds from SYN-ACK to kTLS installation before a handshake is forgotten (default 30)");

/* After a FIN, the installation can only be moments away. */
#define TLSMON_FIN_GRACE	(2 * HZ)

int tlsmon_flow_params_check(void)
{
	if (hello_max < 512 || hello_max > 65536) {
		pr_err("hello_max must be between 512 and 65536\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * Entries and their streams come from caches of their own: both are made
 * and freed for every TCP connection of a monitored namespace, and the
 * streams (4.3 KiB with their first buffers) would be an 8 KiB kmalloc
 * object.
 *
 * The entries' cache is SLAB_TYPESAFE_BY_RCU (see struct tlsmon_pending):
 * an entry is freed as it is unlinked, where a call_rcu() per connection
 * and its callback used to cost more than the entry's lookups. Its
 * constructor initialises the lock, which a hook may hold across a reuse,
 * and marks the object unlinked; nothing else of it is cleared (it is
 * filled in whole under its lock), which also exempts it from
 * init_on_alloc.
 *
 * The streams' cache has a constructor, which exempts it from
 * init_on_alloc: clearing 4.3 KiB per connection was the largest single
 * cost of watching a handshake. Nothing is read before it is written:
 * tlsmon_hs_dir_init() clears each stream's state; the parser writes each
 * hello whole before n_hellos counts it; the buffers are read only below
 * have, ooo_end and msg_len, and the seen map is cleared on first use.
 * What an object may still hold from an earlier use are bytes of an
 * earlier handshake, which crossed the wire in clear, never keys; and a
 * cache with a constructor is never merged with another.
 *
 * Both are SLAB_ACCOUNT, as is stream_grow()'s kmalloc: what a namespace
 * holds is charged to the memory cgroup of whoever enabled monitoring in
 * it (tlsmon_charge_begin()), not left to the kernel.
 *
 * Created at module init, destroyed at exit (kmem_cache_destroy() waits
 * for the grace period of a SLAB_TYPESAFE_BY_RCU cache's slabs).
 */
static struct kmem_cache *pending_cache;
static struct kmem_cache *streams_cache;

/*
 * Peers choose their addresses and ports: without a secret seed they could
 * aim their SYNs at one bucket and make every lookup walk a long chain.
 */
static u32 flow_seed __read_mostly;

static void handshake_ctor(void *obj)
{
	memset(obj, 0, sizeof(struct tlsmon_handshake));
}

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
	streams_cache = kmem_cache_create("tlsmon_handshake",
					  sizeof(struct tlsmon_handshake),
					  0, SLAB_ACCOUNT, handshake_ctor);
	if (!pending_cache || !streams_cache ||
	    tlsmon_keyshare_cache_create()) {
		tlsmon_flow_caches_destroy();
		return -ENOMEM;
	}
	return 0;
}

void tlsmon_flow_caches_destroy(void)
{
	tlsmon_keyshare_cache_destroy();
	kmem_cache_destroy(streams_cache);
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

/* Inline, a word at a time: every looked-up segment compares keys. */
static bool flow_key_eq(const struct tlsmon_flow_key *a,
			const struct tlsmon_flow_key *b)
{
	return a->lport == b->lport && a->rport == b->rport &&
	       ipv6_addr_equal(&a->raddr, &b->raddr) &&
	       ipv6_addr_equal(&a->laddr, &b->laddr);
}

/* The entry failed or is going. */
static void pending_buffers_free(struct tlsmon_pending *p)
{
	int i;

	lockdep_assert_held(&p->lock);
	for (i = 0; i < 2; i++) {
		kfree(p->mem[i]);
		p->mem[i] = NULL;
		if (p->hs) {
			p->hs->dir[i].buf = NULL;
			p->hs->dir[i].seen = NULL;
			p->hs->dir[i].msg = NULL;
		}
	}
}

/* The streams are done with. */
static void pending_streams_free(struct tlsmon_pending *p)
{
	lockdep_assert_held(&p->lock);
	pending_buffers_free(p);
	if (p->hs)
		kmem_cache_free(streams_cache, p->hs);
	p->hs = NULL;
}

/* The entry wants no more of its connection's data. */
static void pending_collected(struct tlsmon_flows *f, struct tlsmon_pending *p)
{
	lockdep_assert_held(&p->lock);
	if (p->collecting) {
		p->collecting = false;
		atomic_dec(&f->collecting);
	}
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
	pending_collected(f, p);
	p->unlinked = true;
	pending_streams_free(p);
	spin_unlock(&p->lock);
	kmem_cache_free(pending_cache, p);
}

/*
 * Under rcu_read_lock() the entry may be reused meanwhile, and the caller
 * checks it under its lock (pending_is()); under f->lock it may not.
 */
static struct tlsmon_pending *pending_lookup_slot(struct tlsmon_flows *f,
						  const struct tlsmon_flow_key *key,
						  u32 slot)
{
	struct hlist_nulls_node *n;
	struct tlsmon_pending *p;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held() && !lockdep_is_held(&f->lock),
			 "tlsmon: handshake table walked unprotected");
begin:
	hlist_nulls_for_each_entry_rcu(p, n, &f->hash[slot], node)
		if (flow_key_eq(&p->key, key))
			return p;
	/* an entry freed and reused meanwhile led the walk to another chain */
	if (get_nulls_value(n) != slot)
		goto begin;
	return NULL;
}

static struct tlsmon_pending *pending_lookup(struct tlsmon_flows *f,
					     const struct tlsmon_flow_key *key)
{
	return pending_lookup_slot(f, key, flow_hash(key));
}

/* Whether the entry is still the one of @key. */
static bool pending_is(const struct tlsmon_pending *p,
		       const struct tlsmon_flow_key *key)
{
	lockdep_assert_held(&p->lock);
	return !p->unlinked && flow_key_eq(&p->key, key);
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
	p->limit[0] = hello_max;
	p->limit[1] = hello_max;
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
static void flow_syn(struct tlsmon_net *tn, const struct tlsmon_flow_key *key,
		     int dir, const struct tcphdr *th, unsigned int len)
{
	struct tlsmon_flows *f = &tn->flows;
	u32 seq = ntohl(th->seq), peer_isn = ntohl(th->ack_seq) - 1;
	u32 slot = flow_hash(key);
	int other = dir ^ 1;
	struct tlsmon_pending *p;
	u8 role;

	/* Our SYN or their SYN-ACK: we are the client. */
	role = (dir == TLSMON_OUT) != th->ack ? TLSMON_ROLE_CLIENT : TLSMON_ROLE_SERVER;

	spin_lock_bh(&f->lock);
	flows_expire(tn, false);
	p = pending_lookup_slot(f, key, slot);
	if (p && th->ack) {
		spin_lock(&p->lock);
		/* the entry of its SYN's data, or its own (retransmitted) */
		if (p->role == role && (p->have_isn & (1 << other)) &&
		    peer_isn - p->isn[other] <= p->syn_len &&
		    (!(p->have_isn & (1 << dir)) || p->isn[dir] == seq)) {
			p->isn[dir] = seq;
			p->have_isn |= 1 << dir;
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
	p->isn[dir] = seq;
	p->have_isn = 1 << dir;
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

/*
 * The size of the stream buffers whose block, with @seen, fills @block
 * bytes: 2 * size + size / 8 <= block.
 */
static u32 stream_size_of(u32 block)
{
	return (block * 8 / 17) & ~7u;
}

/* Lay out a stream's buffers in @block: buf, msg, seen. */
static void stream_rebuf(struct tlsmon_hs_dir *d, u8 *block, u32 size)
{
	tlsmon_hs_dir_rebuf(d, block, block + 2 * size, block + size, size);
}

/* The two streams, on the first payload. */
static bool pending_streams(struct tlsmon_net *tn, struct tlsmon_pending *p)
{
	u32 size = min_t(u32, stream_size_of(TLSMON_HS_BLOCK), hello_max);
	struct mem_cgroup *memcg;
	int i;

	lockdep_assert_held(&p->lock);
	if (p->hs)
		return true;
	/* not cleared (see handshake_ctor()): tlsmon_hs_dir_init() does */
	memcg = tlsmon_charge_begin(tn);
	p->hs = kmem_cache_alloc(streams_cache, GFP_ATOMIC);
	tlsmon_charge_end(memcg);
	if (!p->hs)
		return false;
	for (i = 0; i < 2; i++) {
		tlsmon_hs_dir_init(&p->hs->dir[i], i, hello_max);
		stream_rebuf(&p->hs->dir[i], p->hs->block[i], size);
	}
	return true;
}

/*
 * Buffers for stream @i of at least @d->need bytes, once its block in the streams is too small: one block of a kmalloc
 * size (2, 4 KiB...), or hello_max's own once that is reached. kmalloc
 * clears what it hands out (init_on_alloc): a block sized to the hellos
 * is memory and time that the largest possible hello would waste.
 */
static bool stream_grow(struct tlsmon_net *tn, struct tlsmon_pending *p, int i)
{
	struct tlsmon_hs_dir *d = &p->hs->dir[i];
	u32 block = 2 * TLSMON_HS_BLOCK, size;
	struct mem_cgroup *memcg;
	u8 *m;

	lockdep_assert_held(&p->lock);
	while (stream_size_of(block) < d->need && stream_size_of(block) < d->cap)
		block *= 2;
	size = min(stream_size_of(block), d->cap);
	if (size == d->cap)
		block = 2 * size + tlsmon_hs_seen_bytes(size);
	memcg = tlsmon_charge_begin(tn);
	m = kmalloc(block, GFP_ATOMIC | __GFP_ACCOUNT);
	tlsmon_charge_end(memcg);
	if (!m)
		return false;
	stream_rebuf(d, m, size);
	kfree(p->mem[i]);
	p->mem[i] = m;
	return true;
}

/* What the stream of direction @dir is. */
static int stream_of(const struct tlsmon_pending *p, int dir)
{
	bool client_sends = (p->role == TLSMON_ROLE_CLIENT) == (dir == TLSMON_OUT);

	lockdep_assert_held(&p->lock);
	return client_sends ? TLSMON_STREAM_CLIENT : TLSMON_STREAM_SERVER;
}

/*
 * With both hellos read: a TLS 1.3 server's key share goes into the namespace's record (keyshare.c), which says whether
 * this server sent it before. Every complete handshake of the namespace
 * comes here once, whether or not it is monitored later.
 */
static void pending_key_share(struct tlsmon_net *tn, struct tlsmon_pending *p,
			      const struct tlsmon_server_hello *sh)
{
	struct tlsmon_ks_conn conn;

	lockdep_assert_held(&p->lock);
	if (sh->version != 0x0304 || !sh->ks_len)
		return;
	if (p->role == TLSMON_ROLE_SERVER) {
		conn.server = p->key.laddr;
		conn.client = p->key.raddr;
		conn.sport = p->key.lport;
		conn.cport = p->key.rport;
	} else {
		conn.server = p->key.raddr;
		conn.client = p->key.laddr;
		conn.sport = p->key.rport;
		conn.cport = p->key.lport;
	}
	p->static_ks = tlsmon_keyshare_seen(tn, &conn, sh->ks_group, sh->ks_len,
					    sh->ks_digest);
	if (p->static_ks)
		tlsmon_count(tn, TLSMON_STATS_A_STATIC_KEY_SHARES);
}

/*
 * After the stream of direction @dir was fed or compared: a failure is final and frees the streams; both hellos read
 * make the entry complete, and it keeps its bytes, to compare later
 * segments with them, until the installation claims it.
 */
static void pending_settle(struct tlsmon_net *tn, struct tlsmon_pending *p,
			   int dir)
{
	struct tlsmon_hs_dir *c = &p->hs->dir[TLSMON_STREAM_CLIENT];
	struct tlsmon_hs_dir *s = &p->hs->dir[TLSMON_STREAM_SERVER];

	lockdep_assert_held(&p->lock);
	if (c->state == TLSMON_HS_FAILED || s->state == TLSMON_HS_FAILED) {
		/* only the failure matters from now on */
		if (c->fail == TLSMON_FAIL_CONFLICT || s->fail == TLSMON_FAIL_CONFLICT)
			tlsmon_count(tn, TLSMON_STATS_A_HELLO_CONFLICTS);
		if (!p->complete)
			tlsmon_count(tn, TLSMON_STATS_A_PARSE_FAILURES);
		p->complete = false;
		WRITE_ONCE(p->failed, true);
		pending_streams_free(p);
		pending_collected(&tn->flows, p);
		return;
	}
	WRITE_ONCE(p->limit[dir],
		   tlsmon_hs_dir_limit(&p->hs->dir[stream_of(p, dir)]));
	if (!p->complete && tlsmon_hs_complete(c, s)) {
		/* the hellos stay in dir[] for the decision */
		WRITE_ONCE(p->complete, true);
		tlsmon_count(tn, TLSMON_STATS_A_HANDSHAKES);
		pending_key_share(tn, p, &s->sh[s->n_hellos - 1]);
	}
}

/* Bytes fed at once past the stream buffers: each step grows them. */
#define TLSMON_FEED_STEP	256

/*
 * How much of a block at stream offset @pos to feed at once: what still
 * fits the buffers, so that a segment longer than the hellos (a server's
 * whole first flight) grows them only if the hellos are not complete
 * within what fits; past the buffers, a step at a time.
 */
static u32 stream_piece(const struct tlsmon_hs_dir *d, u32 pos)
{
	return pos < d->size ? d->size - pos : TLSMON_FEED_STEP;
}

/*
 * The caller has checked pending_is(). A segment TCP accepts (@believe) is fed: read while its stream is being collected,
 * compared with what was read once it is done; one it would not accept is
 * only compared.
 */
static void flow_data(struct tlsmon_net *tn, struct tlsmon_pending *p,
		      struct sk_buff *skb, int dir, u32 seq,
		      unsigned int off, unsigned int len, bool believe)
{
	struct skb_seq_state st;
	struct tlsmon_hs_dir *d;
	unsigned int done = 0;
	int i;
	u32 pos;

	lockdep_assert_held(&p->lock);
	if (p->failed || !(p->have_isn & (1 << dir)))
		return;
	/* nothing read yet, nothing to compare with */
	if (!believe && !p->hs)
		return;
	if (!pending_streams(tn, p))
		goto nomem;
	i = stream_of(p, dir);
	d = &p->hs->dir[i];
	/* Unsigned: data before the stream's start wraps past the cap too. */
	pos = seq - p->isn[dir] - 1;
	/*
	 * The segment's bytes where they lie (head, page fragments), a
	 * contiguous block at a time: most hellos are fed in one call.
	 */
	skb_prepare_seq_read(skb, off, off + len, &st);
	while (done < len && pos < tlsmon_hs_dir_limit(d)) {
		const u8 *data;
		u32 n = skb_seq_read(done, &data, &st);

		if (!n)
			break;
		n = min3(n, len - done, stream_piece(d, pos));
		if (!believe) {
			if (tlsmon_hs_dir_check(d, pos, data, n))
				break;
		} else if (tlsmon_hs_dir_feed(d, pos, data, n) == -ENOBUFS) {
			if (!stream_grow(tn, p, i)) {
				skb_abort_seq_read(&st);
				goto nomem;
			}
			continue;
		}
		pos += n;
		done += n;
	}
	skb_abort_seq_read(&st);
	pending_settle(tn, p, dir);
	return;
nomem:
	/* fail closed, and say so */
	WRITE_ONCE(p->failed, true);
	p->complete = false;
	tlsmon_count(tn, TLSMON_STATS_A_PENDING_DROPS);
	pending_streams_free(p);
	pending_collected(&tn->flows, p);
}

/*
 * Without the entry's lock: whether stream bytes from @seq on may still be
 * read or compared (see tlsmon_hs_dir_limit()). A hint, checked again
 * under the lock: the limit only ever shrinks, and the initial sequence
 * number is written once, before the bit that says it is known.
 */
static bool flow_may_matter(const struct tlsmon_pending *p, int dir, u32 seq)
{
	if (!(READ_ONCE(p->have_isn) & (1 << dir)))
		return true;
	return seq - READ_ONCE(p->isn[dir]) - 1 < READ_ONCE(p->limit[dir]);
}

/*
 * Whether TCP will accept the data of incoming segment @th (@len bytes
 * from @seq), as far as can be told before it does: a data segment
 * without ACK is dropped, except a SYN (TCP Fast Open); and where early
 * demux already found the receiving socket (skb->sk), a segment that
 * tcp_sequence() would find outside its receive window, that acks data
 * never sent (tcp_ack()), or that reaches a socket still in SYN-SENT
 * (whose data TCP drops unless it comes with the SYN) is dropped too.
 * The socket's fields are read without its lock, as a snapshot: a
 * segment judged wrongly either way is still compared with the bytes
 * read, so the worst a race can do is fail the entry (never monitored).
 */
static bool flow_tcp_accepts(const struct sk_buff *skb, const struct tcphdr *th,
			     u32 seq, u32 len)
{
	const struct tcp_sock *tp;
	struct sock *sk = skb->sk;
	u32 rcv_nxt, rcv_wup, wnd;

	if (th->syn)
		return true;
	if (!th->ack)
		return false;
	if (!sk || !sk_fullsock(sk) || sk->sk_protocol != IPPROTO_TCP)
		return true;
	switch (READ_ONCE(sk->sk_state)) {
	case TCP_SYN_SENT:
		return false;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
	case TCP_CLOSE_WAIT:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		break;
	default:
		return true;
	}
	tp = tcp_sk(sk);
	rcv_nxt = READ_ONCE(tp->rcv_nxt);
	rcv_wup = READ_ONCE(tp->rcv_wup);
	wnd = rcv_wup + READ_ONCE(tp->rcv_wnd) - rcv_nxt;
	if ((s32)wnd < 0)
		wnd = 0;
	if (before(seq + len, rcv_wup) || after(seq, rcv_nxt + wnd))
		return false;
	return !after(ntohl(th->ack_seq), READ_ONCE(tp->snd_nxt));
}

/* The connection is over (RST). */
static void flow_forget(struct tlsmon_net *tn, const struct tlsmon_flow_key *key)
{
	struct tlsmon_flows *f = &tn->flows;
	struct tlsmon_pending *p;

	spin_lock_bh(&f->lock);
	p = pending_lookup(f, key);
	if (p)
		pending_unlink(f, p);
	spin_unlock_bh(&f->lock);
}

/*
 * A segment that may matter: a SYN, FIN or RST, or data while some
 * handshake is being read. @thoff is where its TCP header starts. The
 * rare ways in (IPv6 extension headers, a TCP header outside the linear
 * area) come unfiltered, hence the same test again here.
 */
static noinline unsigned int flow_segment(struct tlsmon_net *tn,
					  struct sk_buff *skb,
					  const struct nf_hook_state *state,
					  unsigned int thoff)
{
	int dir = state->hook == NF_INET_LOCAL_OUT ? TLSMON_OUT : TLSMON_IN;
	struct tlsmon_flow_key key;
	struct tlsmon_pending *p;
	const struct tcphdr *th;
	struct tcphdr _th;
	unsigned int doff, len;
	struct in6_addr src, dst;
	bool want_data = false, believe = false;
	u32 seq;

	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th)
		return NF_ACCEPT;
	/*
	 * Data matters only while some handshake is being read: an entry
	 * whose hellos are read waits only for its kTLS installation, its
	 * connection's FIN (or RST) or its timeout, so the segments of a bulk
	 * transfer cost no lookup.
	 */
	if (!th->syn && !th->fin && !th->rst &&
	    !atomic_read(&tn->flows.collecting))
		return NF_ACCEPT;
	if (!th->syn && !atomic_read(&tn->flows.count))
		return NF_ACCEPT;
	doff = th->doff * 4;
	if (doff < sizeof(*th) || skb->len < thoff + doff)
		return NF_ACCEPT;
	len = skb->len - thoff - doff;
	/* a bare ACK, the most common segment of all, changes nothing */
	if (!len && !th->syn && !th->fin && !th->rst)
		return NF_ACCEPT;
	/* nor does a SYN without data: its SYN-ACK makes the entry */
	if (th->syn && !th->ack && !len && !th->rst)
		return NF_ACCEPT;

	if (state->pf == NFPROTO_IPV4) {
		ipv6_addr_set_v4mapped(ip_hdr(skb)->saddr, &src);
		ipv6_addr_set_v4mapped(ip_hdr(skb)->daddr, &dst);
	} else {
		src = ipv6_hdr(skb)->saddr;
		dst = ipv6_hdr(skb)->daddr;
	}

	if (dir == TLSMON_OUT) {
		key.laddr = src;
		key.raddr = dst;
		key.lport = th->source;
		key.rport = th->dest;
	} else {
		key.laddr = dst;
		key.raddr = src;
		key.lport = th->dest;
		key.rport = th->source;
	}

	if (th->rst) {
		flow_forget(tn, &key);
		return NF_ACCEPT;
	}
	if (th->syn)
		flow_syn(tn, &key, dir, th, len);
	if (!len && !th->fin)
		return NF_ACCEPT;

	seq = ntohl(th->seq) + (th->syn ? 1 : 0);
	rcu_read_lock();
	p = pending_lookup(&tn->flows, &key);
	/*
	 * Hints only, looked at again under the lock: no checksum for the
	 * data of a connection whose handshake failed, or that lies past
	 * the bytes its stream still reads or compares, and no lock for it
	 * unless it carries a FIN.
	 */
	if (p && len && !READ_ONCE(p->failed) && flow_may_matter(p, dir, seq)) {
		/*
		 * A segment with a bad checksum is dropped by TCP: it must not
		 * count, not even as a contradiction, since noise makes them.
		 */
		if (dir == TLSMON_OUT) {
			want_data = true;
			believe = true;
		} else if (!nf_checksum(skb, state->hook, thoff, IPPROTO_TCP,
					state->pf)) {
			want_data = true;
			believe = flow_tcp_accepts(skb, th, seq, len);
		}
	}
	if (p && (want_data || (th->fin && !READ_ONCE(p->fin_by)))) {
		spin_lock_bh(&p->lock);
		if (pending_is(p, &key)) {
			if (want_data)
				flow_data(tn, p, skb, dir, seq, thoff + doff, len,
					  believe);
			/*
			 * An entry still waiting for its kTLS installation
			 * when its connection sends a FIN gets a grace
			 * period, not the whole timeout. "| 1": fin_by is
			 * never 0, which means "no FIN seen".
			 */
			if (th->fin && !p->fin_by)
				WRITE_ONCE(p->fin_by, (jiffies + TLSMON_FIN_GRACE) | 1);
		}
		spin_unlock_bh(&p->lock);
	}
	rcu_read_unlock();
	return NF_ACCEPT;
}

/* IPv6 with extension headers: the rare, slower way. */
static noinline unsigned int flow_segment_exthdr(struct tlsmon_net *tn,
						 struct sk_buff *skb,
						 const struct nf_hook_state *state)
{
	unsigned short frag = 0;
	int hoff = 0;

	if (ipv6_find_hdr(skb, &hoff, IPPROTO_TCP, &frag, NULL) != IPPROTO_TCP ||
	    frag)
		return NF_ACCEPT;
	return flow_segment(tn, skb, state, hoff);
}

/*
 * Every TCP segment of the namespace comes here (@priv is its
 * tlsmon_net). Most need nothing: find the TCP header and leave at once
 * unless it is a SYN-ACK, a SYN with data, a FIN or RST while some entry
 * exists, or carries data while some handshake is being read. This
 * part is kept free of stack buffers, and so of a stack canary; the rest
 * is flow_segment()'s.
 */
static unsigned int tlsmon_nf_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct tlsmon_net *tn = priv;
	const struct tcphdr *th;
	unsigned int thoff;
	__be32 flags;

	if (state->pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
			return NF_ACCEPT;
		thoff = skb_network_offset(skb) + iph->ihl * 4;
	} else if (ipv6_hdr(skb)->nexthdr == IPPROTO_TCP) {
		thoff = skb_network_offset(skb) + sizeof(struct ipv6hdr);
	} else {
		return flow_segment_exthdr(tn, skb, state);
	}
	/* a header outside the linear area: flow_segment() copies it */
	if (unlikely(skb_headlen(skb) < thoff + sizeof(*th)))
		return flow_segment(tn, skb, state, thoff);
	th = (const struct tcphdr *)(skb->data + thoff);
	flags = tcp_flag_word(th) & (TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_FIN |
				     TCP_FLAG_RST);
	/* flow_segment()'s first tests, for the commonest segments */
	if (!(flags & (TCP_FLAG_SYN | TCP_FLAG_FIN | TCP_FLAG_RST)) &&
	    (!atomic_read(&tn->flows.collecting) ||
	     skb->len == thoff + th->doff * 4))
		return NF_ACCEPT;
	if (flags == TCP_FLAG_SYN && skb->len == thoff + th->doff * 4)
		return NF_ACCEPT;
	/* only a SYN makes an entry: without one, a FIN or RST has none to end */
	if (!(flags & TCP_FLAG_SYN) && !atomic_read(&tn->flows.count))
		return NF_ACCEPT;
	return flow_segment(tn, skb, state, thoff);
}

static const struct nf_hook_ops tlsmon_nf_ops[] = {
	{
		.hook = tlsmon_nf_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_LAST,
	},
	{
		.hook = tlsmon_nf_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_LAST,
	},
	{
		.hook = tlsmon_nf_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_LAST,
	},
	{
		.hook = tlsmon_nf_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_LAST,
	},
};

/**
 * tlsmon_flows_start() - start watching handshakes in @net
 * @net: namespace whose monitoring is being enabled
 *
 * Return: 0 or the error of nf_register_net_hooks().
 */
int tlsmon_flows_start(struct net *net)
{
	struct tlsmon_net *tn = tlsmon_net(net);
	struct tlsmon_flows *f = &tn->flows;
	int err, i;

	lockdep_assert_held(&tn->lock);
	if (f->hooks)
		return 0;
	BUILD_BUG_ON(ARRAY_SIZE(f->ops) != ARRAY_SIZE(tlsmon_nf_ops));
	for (i = 0; i < ARRAY_SIZE(f->ops); i++) {
		f->ops[i] = tlsmon_nf_ops[i];
		f->ops[i].priv = tn;
	}
	err = nf_register_net_hooks(net, f->ops, ARRAY_SIZE(f->ops));
	if (!err)
		f->hooks = true;
	return err;
}

/**
 * tlsmon_flows_stop() - stop watching and forget every handshake in @net
 * @net: namespace whose monitoring is being disabled or destroyed
 *
 * After the policy that turns monitoring off was published, or from the
 * namespace's exit; sleeps.
 */
void tlsmon_flows_stop(struct net *net)
{
	struct tlsmon_net *tn = tlsmon_net(net);
	struct tlsmon_flows *f = &tn->flows;
	struct tlsmon_pending *p, *tmp;

	lockdep_assert_held(&tn->lock);
	if (f->hooks) {
		nf_unregister_net_hooks(net, f->ops, ARRAY_SIZE(f->ops));
		f->hooks = false;
		/*
		 * That does not wait for the hooks still running (it frees
		 * them with call_rcu()), nor does anything wait for the
		 * installations that read the policy before it was turned
		 * off: either may still add an entry and arm the collector.
		 * Wait for them, or the table is not empty below, and the
		 * collector runs after the namespace, or the module, is gone.
		 */
		synchronize_net();
	}
	spin_lock_bh(&f->lock);
	list_for_each_entry_safe(p, tmp, &f->age, age)
		pending_unlink(f, p);
	spin_unlock_bh(&f->lock);
	/* The collector re-arms only while entries exist: none are left. */
	cancel_delayed_work_sync(&f->gc);
	tlsmon_keyshares_flush(&tn->keyshares);
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
	p = pending_lookup(f, key);
	if (p) {
		spin_lock(&p->lock);
		if (pending_stale(p)) {
			ret = TLSMON_CLAIM_NONE;
		} else if (p->failed) {
			ret = TLSMON_CLAIM_FAILED;
		} else if (p->complete) {
			const struct tlsmon_hs_dir *c = &p->hs->dir[TLSMON_STREAM_CLIENT];
			const struct tlsmon_hs_dir *s = &p->hs->dir[TLSMON_STREAM_SERVER];

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
