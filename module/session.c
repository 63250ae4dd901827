// SPDX-License-Identifier: GPL-2.0
/*
 * The table of monitored sessions of one namespace: a resizable hash by
 * socket cookie, so that tagging and removal stay constant-time as it
 * grows, and a list in id order for dumps. Writers may run in probe
 * context, hence the interrupt-safe lock.
 */
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "session.h"

static const struct rhashtable_params tlsmon_session_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct tlsmon_session, info.cookie),
	.head_offset = offsetof(struct tlsmon_session, node),
	.automatic_shrinking = true,
};

int tlsmon_sessions_init(struct tlsmon_sessions *ss)
{
	spin_lock_init(&ss->lock);
	INIT_LIST_HEAD(&ss->list);
	ss->next_id = 1;
	atomic_set(&ss->gen, 1);
	atomic_set(&ss->count, 0);
	return rhashtable_init(&ss->table, &tlsmon_session_params);
}

/* Key material never outlives its session unwiped. */
static void tlsmon_session_free_rcu(struct rcu_head *head)
{
	kfree_sensitive(container_of(head, struct tlsmon_session, rcu));
}

static int key_index(u8 dir)
{
	return dir == TLSMON_DIR_TX ? 0 : 1;
}

/* The namespace or the module goes away: drop every session. */
void tlsmon_sessions_destroy(struct tlsmon_sessions *ss)
{
	struct tlsmon_session *s, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	list_for_each_entry_safe(s, tmp, &ss->list, list) {
		rhashtable_remove_fast(&ss->table, &s->node, tlsmon_session_params);
		list_del_rcu(&s->list);
		call_rcu(&s->rcu, tlsmon_session_free_rcu);
	}
	atomic_set(&ss->count, 0);
	spin_unlock_irqrestore(&ss->lock, flags);
	rhashtable_destroy(&ss->table);
}

/**
 * tlsmon_session_add() - record a newly tagged session
 * @tn: its namespace
 * @info: the record; its id is assigned here
 * @keys: the keys of its direction (@info->dirs), or NULL not to keep them
 *
 * Return: 0, -EEXIST if the socket already has a session, or -ENOMEM.
 */
int tlsmon_session_add(struct tlsmon_net *tn, struct tlsmon_session_info *info,
		       const struct tlsmon_dir_keys *keys)
{
	struct tlsmon_sessions *ss = &tn->sessions;
	struct tlsmon_session *s;
	unsigned long flags;
	int err;

	s = kzalloc(sizeof(*s), GFP_ATOMIC);
	if (!s)
		return -ENOMEM;
	spin_lock_irqsave(&ss->lock, flags);
	info->id = ss->next_id;
	s->info = *info;
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
	spin_unlock_irqrestore(&ss->lock, flags);
	if (err)
		kfree_sensitive(s);
	return err;
}

/**
 * tlsmon_session_add_dir() - the socket's other direction got kTLS too
 * @tn: its namespace
 * @cookie: the socket's cookie
 * @dir: TLSMON_DIR_TX or TLSMON_DIR_RX
 * @hw: installed in device offload
 * @keys: that direction's keys, or NULL not to keep them
 * @info: receives the updated record
 *
 * Return: whether the socket has a session.
 */
bool tlsmon_session_add_dir(struct tlsmon_net *tn, u64 cookie, u8 dir, bool hw,
			    const struct tlsmon_dir_keys *keys,
			    struct tlsmon_session_info *info)
{
	struct tlsmon_sessions *ss = &tn->sessions;
	struct tlsmon_session *s;
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	s = rhashtable_lookup_fast(&ss->table, &cookie, tlsmon_session_params);
	if (s) {
		s->info.dirs |= dir;
		if (hw)
			s->info.hw |= dir;
		if (keys) {
			s->keys[key_index(dir)] = *keys;
			s->key_dirs |= dir;
		}
		*info = s->info;
	}
	spin_unlock_irqrestore(&ss->lock, flags);
	return s;
}

/**
 * tlsmon_session_find() - the record of the session of a socket
 * @tn: its namespace
 * @cookie: the socket's cookie
 * @info: receives a copy of the record
 *
 * The copy is taken under the table lock so that @info.dirs and @info.hw
 * are consistent with each other.
 * Return: whether the socket has a session.
 */
bool tlsmon_session_find(struct tlsmon_net *tn, u64 cookie,
			 struct tlsmon_session_info *info)
{
	struct tlsmon_sessions *ss = &tn->sessions;
	struct tlsmon_session *s;
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	s = rhashtable_lookup_fast(&ss->table, &cookie, tlsmon_session_params);
	if (s)
		*info = s->info;
	spin_unlock_irqrestore(&ss->lock, flags);
	return s;
}

/**
 * tlsmon_session_remove() - the socket of a session is closing
 * @tn: its namespace
 * @cookie: the socket's cookie
 * @info: receives the record of the removed session
 *
 * Return: whether there was a session.
 */
bool tlsmon_session_remove(struct tlsmon_net *tn, u64 cookie,
			   struct tlsmon_session_info *info)
{
	struct tlsmon_sessions *ss = &tn->sessions;
	struct tlsmon_session *s;
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	s = rhashtable_lookup_fast(&ss->table, &cookie, tlsmon_session_params);
	if (s) {
		rhashtable_remove_fast(&ss->table, &s->node, tlsmon_session_params);
		list_del_rcu(&s->list);
		atomic_dec(&ss->count);
		atomic_inc(&ss->gen);
		*info = s->info;
		call_rcu(&s->rcu, tlsmon_session_free_rcu);
	}
	spin_unlock_irqrestore(&ss->lock, flags);
	return s;
}

/**
 * tlsmon_session_keys() - a consistent copy of a session and its keys
 * @tn: its namespace
 * @s: the session, under rcu_read_lock()
 * @info: receives the record
 * @keys: receives the keys of the directions returned
 *
 * The caller wipes @keys with memzero_explicit() when done.
 * Return: TLSMON_DIR_* whose keys were copied.
 */
u8 tlsmon_session_keys(struct tlsmon_net *tn, struct tlsmon_session *s,
		       struct tlsmon_session_info *info,
		       struct tlsmon_dir_keys keys[2])
{
	unsigned long flags;
	u8 dirs;

	spin_lock_irqsave(&tn->sessions.lock, flags);
	*info = s->info;
	dirs = s->key_dirs;
	if (dirs)
		memcpy(keys, s->keys, sizeof(s->keys));
	spin_unlock_irqrestore(&tn->sessions.lock, flags);
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
	unsigned long flags;

	spin_lock_irqsave(&tn->sessions.lock, flags);
	memzero_explicit(s->keys, sizeof(s->keys));
	s->key_dirs = 0;
	spin_unlock_irqrestore(&tn->sessions.lock, flags);
}
