// SPDX-License-Identifier: GPL-2.0
/*
 * The table of monitored sessions of one namespace: a resizable hash by
 * socket cookie, so that tagging and removal stay constant-time as it
 * grows, and a list in id order for dumps. Writers take the table lock
 * with bottom halves off. The close probe removes a session itself, except
 * where it runs in int3 context or on PREEMPT_RT, where it may take no
 * lock: there it only marks the session closed and leaves its removal to
 * a work item.
 */
#include <linux/hash.h>
#include <linux/irq_work.h>
#include <linux/preempt.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "debug_wipe.h"
#include "event.h"
#include "install_defer.h"
#include "netns.h"
#include "session.h"

/*
 * Socket cookies are the kernel's, from a counter, never the peer's: a
 * multiplicative hash of the cookie and the table's seed spreads them as
 * well as the generic jhash would, for a fraction of its work at every
 * installation and close.
 */
static u32 tlsmon_cookie_hash(const void *data, u32 len, u32 seed)
{
	return hash_64(*(const u64 *)data ^ seed, 32);
}

static const struct rhashtable_params tlsmon_session_params = {
	.key_len = sizeof(u64),
	.hashfn = tlsmon_cookie_hash,
	.key_offset = offsetof(struct tlsmon_session, info.cookie),
	.head_offset = offsetof(struct tlsmon_session, node),
	.automatic_shrinking = true,
};

/*
 * Sessions whose socket closed, of every namespace, waiting for
 * tlsmon_close_work to unlink them: where the close probe runs as an NMI
 * (int3) or on PREEMPT_RT, it may take no lock, so it only pushes onto
 * this lockless list and raises an irq_work, which schedules the work.
 * (On PREEMPT_RT an irq_work runs in a kernel thread.) Both are flushed
 * before any table is destroyed and at module exit.
 */
static LLIST_HEAD(tlsmon_closing);
static void tlsmon_close_work_fn(struct work_struct *work);
static DECLARE_WORK(tlsmon_close_work, tlsmon_close_work_fn);

/* Hard IRQ context: only hands over to process context. */
static void tlsmon_close_irq_fn(struct irq_work *work)
{
	schedule_work(&tlsmon_close_work);
}

static DEFINE_IRQ_WORK(tlsmon_close_irq, tlsmon_close_irq_fn);

/*
 * Sessions come from their own cache: kmalloc would round each up to its
 * next size class, and slabinfo shows what the table holds. Created at
 * module init, destroyed at exit after rcu_barrier() (sessions are freed
 * from RCU callbacks).
 *
 * The cache has a constructor, which exempts it from init_on_alloc: a
 * new session is filled in whole (tlsmon_session_add()) but for its keys,
 * and those are zero in every free object, cleared by the constructor
 * and wiped again by tlsmon_session_free().
 *
 * SLAB_ACCOUNT: sessions are charged to the memory cgroup of whoever
 * enabled monitoring in their namespace (tlsmon_charge_begin()).
 */
static struct kmem_cache *tlsmon_session_cache;

static void tlsmon_session_ctor(void *obj)
{
	memset(obj, 0, sizeof(struct tlsmon_session));
}

int tlsmon_session_cache_create(void)
{
	tlsmon_session_cache = kmem_cache_create("tlsmon_session",
						 sizeof(struct tlsmon_session),
						 0, SLAB_ACCOUNT,
						 tlsmon_session_ctor);
	return tlsmon_session_cache ? 0 : -ENOMEM;
}

void tlsmon_session_cache_destroy(void)
{
	kmem_cache_destroy(tlsmon_session_cache);
}

/* Key material never outlives its session unwiped. */
static void tlsmon_session_free(struct tlsmon_session *s)
{
	memzero_explicit(s->keys, sizeof(s->keys));
	kmem_cache_free(tlsmon_session_cache, s);
}

#ifdef TLSMON_DEBUG_WIPE
/* Every free object of the cache has zero keys (see above). */
bool tlsmon_session_is_key_holder(const struct kmem_cache *cache,
				  const void *obj, bool *unwiped)
{
	const struct tlsmon_session *s = obj;

	if (cache != tlsmon_session_cache)
		return false;
	*unwiped = memchr_inv(s->keys, 0, sizeof(s->keys));
	return true;
}
#endif

int tlsmon_sessions_init(struct tlsmon_sessions *ss, struct net *net)
{
	spin_lock_init(&ss->lock);
	ss->net = net;
	INIT_LIST_HEAD(&ss->list);
	ss->next_id = 1;
	atomic_set(&ss->gen, 1);
	atomic_set(&ss->count, 0);
	ss->key_epoch = 0;
	return rhashtable_init(&ss->table, &tlsmon_session_params);
}

static void tlsmon_session_free_rcu(struct rcu_head *head)
{
	tlsmon_session_free(container_of(head, struct tlsmon_session, rcu));
}

static int key_index(u8 dir)
{
	return dir == TLSMON_DIR_TX ? 0 : 1;
}

/* The namespace or the module goes away: drop every session. */
void tlsmon_sessions_destroy(struct tlsmon_sessions *ss)
{
	struct tlsmon_session *s, *tmp;

	/* no socket of this namespace is left: unlink what closed last */
	tlsmon_sessions_flush_closed();
	spin_lock_bh(&ss->lock);
	list_for_each_entry_safe(s, tmp, &ss->list, list) {
		rhashtable_remove_fast(&ss->table, &s->node, tlsmon_session_params);
		list_del_rcu(&s->list);
		call_rcu(&s->rcu, tlsmon_session_free_rcu);
	}
	atomic_set(&ss->count, 0);
	spin_unlock_bh(&ss->lock);
	rhashtable_destroy(&ss->table);
}

/**
 * tlsmon_session_add() - record a newly tagged session
 * @tn: its namespace
 * @info: the record; its id is assigned here
 * @peer: TLSMON_PEER_*, as tagging found the peer
 * @keys: the keys of its direction (@info->dirs), or NULL not to keep them
 *
 * Return: 0, -EEXIST if the socket already has a session, or -ENOMEM.
 */
int tlsmon_session_add(struct tlsmon_net *tn, struct tlsmon_session_info *info,
		       u8 peer, const struct tlsmon_dir_keys *keys)
{
	struct tlsmon_sessions *ss = &tn->sessions;
	struct tlsmon_session *s;
	struct mem_cgroup *memcg;
	int err;

	/* not cleared (see tlsmon_session_ctor()): the keys are zero */
	memcg = tlsmon_charge_begin(tn);
	s = tlsmon_debug_fail_alloc() ? NULL :
	    kmem_cache_alloc(tlsmon_session_cache, GFP_ATOMIC);
	tlsmon_charge_end(memcg);
	if (!s)
		return -ENOMEM;
	s->closed = 0;
	s->peer = peer;
	s->key_dirs = 0;
	s->epoch[0] = 0;
	s->epoch[1] = 0;
	s->exported = 0;
	spin_lock_bh(&ss->lock);
	info->id = ss->next_id;
	s->info = *info;
	s->ss = ss;
	if (keys) {
		s->keys[key_index(info->dirs)] = *keys;
		s->key_dirs = info->dirs;
	}
	err = rhashtable_lookup_insert_fast(&ss->table, &s->node,
					    tlsmon_session_params);
	if (!err) {
		ss->next_id++;
		list_add_tail_rcu(&s->list, &ss->list);
		atomic_inc(&ss->count);
		atomic_inc(&ss->gen);
	}
	spin_unlock_bh(&ss->lock);
	if (err)
		tlsmon_session_free(s);
	return err;
}

/**
 * tlsmon_session_lookup_rcu() - the session of a socket, closed or not
 * @tn: its namespace
 * @cookie: the socket's cookie
 *
 * Under rcu_read_lock(), lockless: a closed session may still be in the
 * table, and the caller checks its closed flag where that matters.
 * Return: the session, valid until rcu_read_unlock(); or NULL.
 */
struct tlsmon_session *tlsmon_session_lookup_rcu(struct tlsmon_net *tn,
						 u64 cookie)
{
	return rhashtable_lookup(&tn->sessions.table, &cookie,
				 tlsmon_session_params);
}

/**
 * tlsmon_session_add_dir() - the socket's other direction got kTLS too
 * @tn: its namespace
 * @s: its session, from tlsmon_session_lookup_rcu() in this RCU section
 * @dir: TLSMON_DIR_TX or TLSMON_DIR_RX
 * @hw: installed in device offload
 * @keys: that direction's keys, or NULL not to keep them
 * @info: receives the updated record
 *
 * Return: whether the session is still open (and was updated).
 */
bool tlsmon_session_add_dir(struct tlsmon_net *tn, struct tlsmon_session *s,
			    u8 dir, bool hw, const struct tlsmon_dir_keys *keys,
			    struct tlsmon_session_info *info)
{
	struct tlsmon_sessions *ss = &tn->sessions;
	bool open;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "tlsmon: session used outside RCU");
	spin_lock_bh(&ss->lock);
	/* a closed session may still be in the table, never for long */
	open = !READ_ONCE(s->closed);
	if (open) {
		s->info.dirs |= dir;
		if (hw)
			s->info.hw |= dir;
		if (keys) {
			s->keys[key_index(dir)] = *keys;
			s->key_dirs |= dir;
			s->exported &= ~dir;
		}
		*info = s->info;
	}
	spin_unlock_bh(&ss->lock);
	return open;
}

/**
 * tlsmon_session_rekey() - a direction of the session got new keys
 * @tn: its namespace
 * @s: its session, from tlsmon_session_lookup_rcu() in this RCU section
 * @dir: TLSMON_DIR_TX or TLSMON_DIR_RX, a direction the session has
 * @keys: the new keys, or NULL not to keep them; their epoch is set here
 * @info: receives the record
 *
 * The direction's epoch goes up by one. The old epoch's keys are wiped
 * either way: they decrypt nothing sent from now on, and each epoch's
 * keys were announced by their own key event when they were kept.
 * Return: 1 if @keys were kept, 0 if the epoch changed without them,
 * -ENOENT if the session is closed or has no @dir (nothing changed).
 */
int tlsmon_session_rekey(struct tlsmon_net *tn, struct tlsmon_session *s,
			 u8 dir, struct tlsmon_dir_keys *keys,
			 struct tlsmon_session_info *info)
{
	struct tlsmon_sessions *ss = &tn->sessions;
	int i = key_index(dir);
	int ret = -ENOENT;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "tlsmon: session used outside RCU");
	spin_lock_bh(&ss->lock);
	if (!READ_ONCE(s->closed) && (s->info.dirs & dir)) {
		if (s->epoch[i] < U16_MAX)
			s->epoch[i]++;
		memzero_explicit(&s->keys[i], sizeof(s->keys[i]));
		s->key_dirs &= ~dir;
		/* a new key: keys_exported counts it when it first leaves */
		s->exported &= ~dir;
		/* no epoch number left to tell these keys apart: not kept */
		if (keys && s->epoch[i] == U16_MAX)
			keys = NULL;
		ret = 0;
		if (keys) {
			keys->epoch = s->epoch[i];
			s->keys[i] = *keys;
			s->key_dirs |= dir;
			ret = 1;
		}
		*info = s->info;
	}
	spin_unlock_bh(&ss->lock);
	return ret;
}

/**
 * tlsmon_session_info_copy() - a copy of the record of a socket's open session
 * @tn: its namespace
 * @cookie: the socket's cookie
 * @info: receives a copy of the record
 *
 * The copy is taken under the table lock so that @info.dirs and @info.hw
 * are consistent with each other.
 * Return: whether the socket has a session.
 */
bool tlsmon_session_info_copy(struct tlsmon_net *tn, u64 cookie,
			      struct tlsmon_session_info *info)
{
	struct tlsmon_sessions *ss = &tn->sessions;
	struct tlsmon_session *s;

	spin_lock_bh(&ss->lock);
	s = rhashtable_lookup_fast(&ss->table, &cookie, tlsmon_session_params);
	if (s && READ_ONCE(s->closed))
		s = NULL;
	if (s)
		*info = s->info;
	spin_unlock_bh(&ss->lock);
	return s;
}

/*
 * Take a closed session out of its table, free it after the readers, and
 * tell the listeners. Process context, or the close probe's (see there).
 */
static void tlsmon_session_unlink(struct tlsmon_session *s)
{
	struct tlsmon_sessions *ss = s->ss;
	struct tlsmon_session_info info;

	spin_lock_bh(&ss->lock);
	rhashtable_remove_fast(&ss->table, &s->node, tlsmon_session_params);
	list_del_rcu(&s->list);
	atomic_dec(&ss->count);
	atomic_inc(&ss->gen);
	info = s->info;
	spin_unlock_bh(&ss->lock);
	call_rcu(&s->rcu, tlsmon_session_free_rcu);
	tlsmon_event_session(ss->net, TLSMON_CMD_SESSION_DEL, &info);
}

/**
 * tlsmon_session_close() - the socket of a session is closing
 * @tn: its namespace
 * @cookie: the socket's cookie
 *
 * Called from the close probe, in whatever context it runs (int3 is
 * NMI-like): a lockless lookup and a flag, then the removal, or as an
 * NMI a lockless list and a hand-over to tlsmon_close_work_fn(). From the
 * flag on, no dump, lookup or event reports the session or its keys.
 */
void tlsmon_session_close(struct tlsmon_net *tn, u64 cookie)
{
	struct tlsmon_session *s;

	rcu_read_lock();
	s = tlsmon_session_lookup_rcu(tn, cookie);
	if (s && !test_and_set_bit(0, &s->closed)) {
		/*
		 * An ftrace-based probe runs in the closing task, preemption
		 * off, as the installation's return handler does: it may take
		 * the table lock. int3 is entered like an NMI and may not;
		 * on PREEMPT_RT the lock sleeps (install_defer.h). Only the
		 * close that finds the list empty raises the irq_work: the
		 * others join the batch it will hand over.
		 */
		if (tlsmon_probe_may_lock())
			tlsmon_session_unlink(s);
		else if (llist_add(&s->close_node, &tlsmon_closing))
			irq_work_queue(&tlsmon_close_irq);
	}
	rcu_read_unlock();
}

static void tlsmon_close_work_fn(struct work_struct *work)
{
	struct tlsmon_session *s, *tmp;
	struct llist_node *closing;

	closing = llist_del_all(&tlsmon_closing);
	/* _safe: unlinking hands close_node's place over to the rcu head */
	llist_for_each_entry_safe(s, tmp, closing, close_node)
		tlsmon_session_unlink(s);
}

/**
 * tlsmon_sessions_flush_closed() - unlink every session that closed so far
 *
 * Process context. After the close probe is gone (module exit) or once a
 * namespace has no socket left (its exit), nothing is queued after this.
 */
void tlsmon_sessions_flush_closed(void)
{
	irq_work_sync(&tlsmon_close_irq);
	flush_work(&tlsmon_close_work);
}

/**
 * tlsmon_session_resume() - where a dump left off
 * @ss: the table
 * @last_id: id of the session the dump sent last, 0 at its start
 * @last_cookie: that session's socket cookie
 *
 * Under rcu_read_lock(). The session sent last is found by its cookie in
 * constant time, so that a dump of n sessions costs O(n), not O(n^2)
 * list steps. Only if it went away meanwhile is the list walked from its
 * head (the caller skips ids up to @last_id).
 *
 * Continuing from it is safe even if it is being removed: it was on the
 * list when the dump sent it, removal takes it out of the table before
 * the list and frees it a grace period later, so a session found in the
 * table within this read-side section still leads to successors that
 * live until the section ends.
 * Return: the entry to continue after; the list head as an entry when
 * starting over (for list_for_each_entry_continue_rcu()).
 */
struct tlsmon_session *tlsmon_session_resume(struct tlsmon_sessions *ss,
					     u64 last_id, u64 last_cookie)
{
	struct tlsmon_session *s = NULL;

	if (last_id) {
		s = rhashtable_lookup(&ss->table, &last_cookie,
				      tlsmon_session_params);
		if (s && s->info.id != last_id)
			s = NULL;
	}
	return list_prepare_entry(s, &ss->list, list);
}

/**
 * tlsmon_session_keys_copy() - a consistent copy of a session and its keys
 * @tn: its namespace
 * @s: the session, under rcu_read_lock()
 * @info: receives the record
 * @keys: receives the keys of the directions returned
 *
 * The caller wipes @keys with memzero_explicit() when done.
 * Return: TLSMON_DIR_* whose keys were copied.
 */
u8 tlsmon_session_keys_copy(struct tlsmon_net *tn, struct tlsmon_session *s,
			    struct tlsmon_session_info *info,
			    struct tlsmon_dir_keys keys[2])
{
	u8 dirs;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "tlsmon: session used outside RCU");
	spin_lock_bh(&tn->sessions.lock);
	*info = s->info;
	dirs = READ_ONCE(s->closed) ? 0 : s->key_dirs;
	if (dirs)
		memcpy(keys, s->keys, sizeof(s->keys));
	spin_unlock_bh(&tn->sessions.lock);
	return dirs;
}

/**
 * tlsmon_session_wipe_keys() - forget a session's keys for good
 * @tn: its namespace
 * @s: the session, under rcu_read_lock()
 *
 * Its peer left the local subnet: nothing of it is exported again.
 */
void tlsmon_session_wipe_keys(struct tlsmon_net *tn, struct tlsmon_session *s)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "tlsmon: session used outside RCU");
	spin_lock_bh(&tn->sessions.lock);
	memzero_explicit(s->keys, sizeof(s->keys));
	s->key_dirs = 0;
	spin_unlock_bh(&tn->sessions.lock);
}

/**
 * tlsmon_sessions_wipe_keys() - forget every key held in a namespace
 * @ss: the namespace's table
 *
 * Export or monitoring was turned off: nothing held until now is ever
 * exported, even if export is turned on again. The caller made sure that
 * no installation still works from the policy that allowed the copies
 * (synchronize_rcu() after publishing the new one), so none is added
 * after this. Process context.
 *
 * Return: the number of sessions that held keys.
 */
unsigned int tlsmon_sessions_wipe_keys(struct tlsmon_sessions *ss)
{
	struct tlsmon_session *s;
	unsigned int n = 0;

	spin_lock_bh(&ss->lock);
	list_for_each_entry(s, &ss->list, list) {
		if (s->key_dirs)
			n++;
		memzero_explicit(s->keys, sizeof(s->keys));
		s->key_dirs = 0;
	}
	/* key events queued before this one are stale (see below) */
	ss->key_epoch++;
	spin_unlock_bh(&ss->lock);
	return n;
}

/**
 * tlsmon_sessions_key_epoch() - the key epoch a new key event carries
 * @ss: the namespace's table
 *
 * Read where the keys are copied, in the same RCU read-side section as
 * the policy that allowed the copy.
 * Return: the current epoch.
 */
u32 tlsmon_sessions_key_epoch(struct tlsmon_sessions *ss)
{
	return READ_ONCE(ss->key_epoch);
}

/**
 * tlsmon_session_keys_current() - may a queued key event still be sent?
 * @ss: the namespace's table, whose lock the caller holds
 * @cookie: the session's socket cookie
 * @epoch: tlsmon_sessions_key_epoch() when the event was queued
 *
 * The sender holds the table lock from this check until the message is
 * handed to the listeners: the close probe (which unlinks the session
 * under that lock) and tlsmon_sessions_wipe_keys() wait for it, so no key
 * event leaves after either has returned.
 * Return: whether the session is open and its keys were not wiped since.
 */
bool tlsmon_session_keys_current(struct tlsmon_sessions *ss, u64 cookie,
				 u32 epoch)
{
	struct tlsmon_session *s;

	lockdep_assert_held(&ss->lock);
	if (epoch != ss->key_epoch)
		return false;
	s = rhashtable_lookup_fast(&ss->table, &cookie, tlsmon_session_params);
	return s && !READ_ONCE(s->closed);
}

/**
 * tlsmon_session_exported() - note keys that left the kernel
 * @ss: the namespace's table, whose lock the caller holds
 * @s: the session, or NULL to look it up by @cookie
 * @cookie: the session's socket cookie, when @s is NULL
 * @dirs: TLSMON_DIR_* whose keys were handed to a reader
 *
 * TLSMON_STATS_A_KEYS_EXPORTED counts keys, not messages: a key read by
 * three dumps and an event is one key exported.
 * Return: how many of @dirs had not left the kernel before.
 */
unsigned int tlsmon_session_exported(struct tlsmon_sessions *ss,
				     struct tlsmon_session *s, u64 cookie, u8 dirs)
{
	u8 fresh;

	lockdep_assert_held(&ss->lock);
	if (!s)
		s = rhashtable_lookup_fast(&ss->table, &cookie, tlsmon_session_params);
	if (!s)
		return 0;
	fresh = dirs & ~s->exported;
	s->exported |= fresh;
	return hweight8(fresh);
}
