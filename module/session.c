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

/* The namespace or the module goes away: drop every session. */
void tlsmon_sessions_destroy(struct tlsmon_sessions *ss)
{
	struct tlsmon_session *s, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	list_for_each_entry_safe(s, tmp, &ss->list, list) {
		rhashtable_remove_fast(&ss->table, &s->node, tlsmon_session_params);
		list_del_rcu(&s->list);
		kfree_rcu(s, rcu);
	}
	atomic_set(&ss->count, 0);
	spin_unlock_irqrestore(&ss->lock, flags);
	rhashtable_destroy(&ss->table);
}

/**
 * tlsmon_session_add() - record a newly tagged session
 * @tn: its namespace
 * @info: the record; its id is assigned here
 *
 * Return: 0, -EEXIST if the socket already has a session, or -ENOMEM.
 */
int tlsmon_session_add(struct tlsmon_net *tn, struct tlsmon_session_info *info)
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
		kfree(s);
	return err;
}

/**
 * tlsmon_session_add_dir() - the socket's other direction got kTLS too
 * @tn: its namespace
 * @cookie: the socket's cookie
 * @dir: TLSMON_DIR_TX or TLSMON_DIR_RX
 * @hw: installed in device offload
 *
 * Return: whether the socket has a session.
 */
bool tlsmon_session_add_dir(struct tlsmon_net *tn, u64 cookie, u8 dir, bool hw)
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
	}
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
		kfree_rcu(s, rcu);
	}
	spin_unlock_irqrestore(&ss->lock, flags);
	return s;
}
