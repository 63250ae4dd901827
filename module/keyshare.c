// SPDX-License-Identifier: GPL-2.0
/*
 * Servers that reuse their TLS 1.3 key share.
 *
 * A TLS 1.3 server is meant to send a fresh ephemeral key share in every
 * ServerHello. One that sends the same share twice holds a static
 * Diffie-Hellman key: whoever else holds that key (ETSI TS 103 523-3,
 * "Enterprise Transport Security", is built on this) can decrypt every
 * session made with it, and the sessions have no forward secrecy. ETS may
 * announce itself in the server certificate, but need not; the repeat
 * shows either way. So for every TLS 1.3 handshake the packet hook reads
 * completely (monitored or not), the server's key share is looked up in a
 * per-namespace record of recent ones, and a session whose server sent a
 * share seen before is flagged.
 *
 * What is kept: per entry, the server's address, the group, the length
 * and a 64-bit digest of the key (tlsmon_key_share_digest()), never the
 * key; and the connection it was last seen on, so that the two ends of
 * one connection, both local to the namespace, reading the same
 * ServerHello do not count as a repeat. The server's port is not part of
 * the key: one host's services may share one static key, and that is a
 * repeat too. Keyed on the server's address, a share one server sends
 * never flags another server's sessions.
 *
 * Bounds: at most keyshare_max entries per namespace, the least recently
 * seen evicted to make room (a flood of distinct servers or shares costs
 * the record its memory of older ones, never more memory); an entry not
 * seen for keyshare_ttl seconds no longer counts and is reused. Entries
 * are charged to the memory cgroup of whoever enabled monitoring in the
 * namespace, as watched handshakes are, and forgotten when monitoring is
 * turned off.
 */
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "keyshare.h"
#include "netns.h"

static unsigned int keyshare_max = 4096;
module_param(keyshare_max, uint, 0644);
MODULE_PARM_DESC(keyshare_max,
		 "Server key shares remembered per namespace to flag a reused one; 0 turns the record off (default 4096, at most 65536)");

static unsigned int keyshare_ttl = 3600;
module_param(keyshare_ttl, uint, 0644);
MODULE_PARM_DESC(keyshare_ttl,
		 "Seconds a server key share is remembered after it was last seen (default 3600)");

#define TLSMON_KS_MAX_CAP	65536

/**
 * struct tlsmon_ks_entry - one key share a server sent
 * @node: in tlsmon_keyshares.hash
 * @lru: in tlsmon_keyshares.lru
 * @digest: tlsmon_key_share_digest() of the group and key
 * @seen: jiffies when it was last seen
 * @conn: the connection it was last seen on
 * @group: the key share's group
 * @len: the key's length
 *
 * Under tlsmon_keyshares.lock, as are its lists. 88 bytes.
 */
struct tlsmon_ks_entry {
	struct hlist_node node;
	struct list_head lru;
	u64 digest;
	unsigned long seen;
	struct tlsmon_ks_conn conn;
	u16 group;
	u16 len;
};

/* SLAB_ACCOUNT: charged to the namespace's memory cgroup. */
static struct kmem_cache *ks_cache;

/* A server chooses its key share: without a seed it could choose a bucket. */
static u32 ks_seed __read_mostly;

int tlsmon_keyshare_cache_create(void)
{
	ks_seed = get_random_u32();
	ks_cache = kmem_cache_create("tlsmon_keyshare",
				     sizeof(struct tlsmon_ks_entry), 0,
				     SLAB_ACCOUNT, NULL);
	return ks_cache ? 0 : -ENOMEM;
}

void tlsmon_keyshare_cache_destroy(void)
{
	kmem_cache_destroy(ks_cache);
}

void tlsmon_keyshares_init(struct tlsmon_keyshares *ks)
{
	int i;

	spin_lock_init(&ks->lock);
	for (i = 0; i < ARRAY_SIZE(ks->hash); i++)
		INIT_HLIST_HEAD(&ks->hash[i]);
	INIT_LIST_HEAD(&ks->lru);
	ks->count = 0;
}

/**
 * tlsmon_keyshares_flush() - forget every key share
 * @ks: the namespace's record
 *
 * When monitoring is turned off, or the namespace goes: its hooks are
 * unregistered and waited for, so nothing adds an entry meanwhile.
 */
void tlsmon_keyshares_flush(struct tlsmon_keyshares *ks)
{
	struct tlsmon_ks_entry *e, *tmp;

	spin_lock_bh(&ks->lock);
	list_for_each_entry_safe(e, tmp, &ks->lru, lru) {
		hlist_del(&e->node);
		list_del(&e->lru);
		kmem_cache_free(ks_cache, e);
	}
	ks->count = 0;
	spin_unlock_bh(&ks->lock);
}

static u32 ks_bucket(const struct in6_addr *server, u64 digest)
{
	u32 h = jhash2((const u32 *)server, 4, ks_seed);

	h = jhash_2words((u32)digest, (u32)(digest >> 32), h);
	return h >> (32 - TLSMON_KS_BITS);
}

static bool ks_same_conn(const struct tlsmon_ks_conn *a,
			 const struct tlsmon_ks_conn *b)
{
	return ipv6_addr_equal(&a->server, &b->server) &&
	       ipv6_addr_equal(&a->client, &b->client) &&
	       a->sport == b->sport && a->cport == b->cport;
}

/* An entry to fill in, or NULL. */
static struct tlsmon_ks_entry *ks_new(struct tlsmon_net *tn,
				      struct tlsmon_keyshares *ks,
				      unsigned int max)
{
	struct tlsmon_ks_entry *e;
	struct mem_cgroup *memcg;

	lockdep_assert_held(&ks->lock);
	if (ks->count >= max) {
		/* full: the least recently seen gives its place */
		e = list_last_entry(&ks->lru, struct tlsmon_ks_entry, lru);
		hlist_del(&e->node);
		list_del(&e->lru);
		ks->count--;
		/* lowered keyshare_max: shrink one more step at a time */
		if (ks->count < max)
			return e;
		kmem_cache_free(ks_cache, e);
		return NULL;
	}
	memcg = tlsmon_charge_begin(tn);
	e = kmem_cache_alloc(ks_cache, GFP_ATOMIC | __GFP_NOWARN);
	tlsmon_charge_end(memcg);
	return e;
}

/**
 * tlsmon_keyshare_seen() - record a server's key share, say if it repeats
 * @tn: the namespace
 * @conn: the connection whose ServerHello carried it
 * @group: its group
 * @len: its key's length
 * @digest: tlsmon_key_share_digest() of the group and key
 *
 * From the packet hook, once per watched handshake read completely, with
 * bottom halves off.
 *
 * Return: true when the same server sent the same key share on another
 * connection within the last keyshare_ttl seconds.
 */
bool tlsmon_keyshare_seen(struct tlsmon_net *tn,
			  const struct tlsmon_ks_conn *conn, u16 group,
			  u16 len, u64 digest)
{
	unsigned int max = min_t(unsigned int, READ_ONCE(keyshare_max),
				 TLSMON_KS_MAX_CAP);
	unsigned long ttl = (unsigned long)READ_ONCE(keyshare_ttl) * HZ;
	struct tlsmon_keyshares *ks = &tn->keyshares;
	u32 b = ks_bucket(&conn->server, digest);
	struct tlsmon_ks_entry *e;
	bool seen = false;

	spin_lock_bh(&ks->lock);
	hlist_for_each_entry(e, &ks->hash[b], node) {
		if (e->digest != digest || e->group != group || e->len != len ||
		    !ipv6_addr_equal(&e->conn.server, &conn->server))
			continue;
		/* within its time, and not the other end of the same connection */
		seen = time_before(jiffies, e->seen + ttl) &&
		       !ks_same_conn(&e->conn, conn);
		e->conn = *conn;
		e->seen = jiffies;
		list_move(&e->lru, &ks->lru);
		goto out;
	}
	if (!max)
		goto out;
	e = ks_new(tn, ks, max);
	if (!e)
		goto out;
	e->conn = *conn;
	e->digest = digest;
	e->group = group;
	e->len = len;
	e->seen = jiffies;
	hlist_add_head(&e->node, &ks->hash[b]);
	list_add(&e->lru, &ks->lru);
	ks->count++;
out:
	spin_unlock_bh(&ks->lock);
	return seen;
}
