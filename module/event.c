// SPDX-License-Identifier: GPL-2.0
/*
 * Session notifications. Sessions are tagged and closed in probe context
 * (a kretprobe on kTLS installation, a kprobe on close), where sending a
 * netlink multicast is not welcome; the notification is queued with a
 * reference on its namespace and sent from a work item.
 */
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "debug_wipe.h"
#include "event.h"
#include "netlink.h"
#include "netns.h"

/**
 * struct tlsmon_event - a queued notification
 * @list: in tlsmon_events, under tlsmon_events_lock
 * @net: the namespace whose listeners receive it (a reference)
 * @cmd: TLSMON_CMD_SESSION_NEW, TLSMON_CMD_SESSION_DEL, TLSMON_CMD_KEYS_NEW
 * @dir: for TLSMON_CMD_KEYS_NEW, the direction whose keys were kept
 * @epoch: for TLSMON_CMD_KEYS_NEW, the namespace's key epoch when the
 *	keys were kept: the notice is not sent once they were wiped
 * @info: the session
 * @meta: for TLSMON_CMD_KEYS_NEW, what the notice tells of the keys: the
 *	version, cipher, installation time and rekey epoch, never the key,
 *	iv, salt or record sequence (those stay in the session until a reader fetches
 *	them with TLSMON_CMD_KEYS_GET, which checks who asks)
 * @wipe_magic: test build only (debug_wipe.c): marks a key holder
 */
struct tlsmon_event {
	struct list_head list;
	struct net *net;
	u8 cmd;
	u8 dir;
	u32 epoch;
	struct tlsmon_session_info info;
	struct tlsmon_dir_keys meta;
#ifdef TLSMON_DEBUG_WIPE
	u64 wipe_magic;
#endif
};

/* Queued notifications, oldest first; taken with interrupts off (probes). */
static LIST_HEAD(tlsmon_events);
static DEFINE_SPINLOCK(tlsmon_events_lock); /* tlsmon_events */

static void tlsmon_events_work_fn(struct work_struct *work)
{
	struct tlsmon_event *ev, *tmp;
	unsigned long flags;
	LIST_HEAD(todo);

	spin_lock_irqsave(&tlsmon_events_lock, flags);
	list_splice_init(&tlsmon_events, &todo);
	spin_unlock_irqrestore(&tlsmon_events_lock, flags);

	list_for_each_entry_safe(ev, tmp, &todo, list) {
		if (ev->cmd == TLSMON_CMD_KEYS_NEW)
			tlsmon_nl_keys_notify(ev->net, &ev->info, ev->dir,
					      &ev->meta, ev->epoch);
		else
			tlsmon_nl_session_notify(ev->net, ev->cmd, &ev->info);
		put_net(ev->net);
		kfree_sensitive(ev);
	}
}

static DECLARE_WORK(tlsmon_events_work, tlsmon_events_work_fn);

static struct tlsmon_event *tlsmon_event_new(struct net *net, u8 cmd,
					     const struct tlsmon_session_info *info)
{
	struct tlsmon_event *ev;

	if (!tlsmon_nl_listening(net, cmd))
		return NULL;
	ev = kzalloc(sizeof(*ev), GFP_ATOMIC);
	if (!ev)
		return NULL;
	ev->net = maybe_get_net(net);
	if (!ev->net) {
		kfree_sensitive(ev);
		return NULL;
	}
	ev->cmd = cmd;
	ev->info = *info;
#ifdef TLSMON_DEBUG_WIPE
	ev->wipe_magic = TLSMON_WIPE_MAGIC;
#endif
	return ev;
}

static void tlsmon_event_queue(struct tlsmon_event *ev)
{
	unsigned long flags;

	spin_lock_irqsave(&tlsmon_events_lock, flags);
	list_add_tail(&ev->list, &tlsmon_events);
	spin_unlock_irqrestore(&tlsmon_events_lock, flags);
	schedule_work(&tlsmon_events_work);
}

/**
 * tlsmon_event_session() - notify the listeners of @net, from any context
 * @net: the session's namespace
 * @cmd: TLSMON_CMD_SESSION_NEW or TLSMON_CMD_SESSION_DEL
 * @info: the session
 *
 * A notification that cannot be queued (no memory, namespace dying) is
 * lost; listeners see the session in dumps all the same.
 */
void tlsmon_event_session(struct net *net, u8 cmd,
			  const struct tlsmon_session_info *info)
{
	struct tlsmon_event *ev = tlsmon_event_new(net, cmd, info);

	if (ev)
		tlsmon_event_queue(ev);
}

/**
 * tlsmon_event_keys() - tell the key readers of @net, from any context
 * @net: the session's namespace
 * @info: the session
 * @dir: TLSMON_DIR_TX or TLSMON_DIR_RX
 * @keys: that direction's keys, as kept in the session
 *
 * The notice says that keys are there, not what they are: a multicast
 * group's privilege is checked when a listener joins, and how is not the
 * same on every kernel, while the request that fetches them is checked
 * each time, alike everywhere. The export rules are checked again when
 * the notice is sent, and it is sent only if its session is still open
 * and its keys were not wiped meanwhile (tlsmon_session_keys_current()).
 */
void tlsmon_event_keys(struct net *net, const struct tlsmon_session_info *info,
		       u8 dir, const struct tlsmon_dir_keys *keys)
{
	struct tlsmon_event *ev = tlsmon_event_new(net, TLSMON_CMD_KEYS_NEW, info);

	if (!ev)
		return;
	ev->dir = dir;
	ev->epoch = tlsmon_sessions_key_epoch(&tlsmon_net(net)->sessions);
	/* field by field: no secret byte is ever copied into a notice */
	ev->meta.installed_ns = keys->installed_ns;
	ev->meta.version = keys->version;
	ev->meta.cipher = keys->cipher;
	ev->meta.epoch = keys->epoch;
	tlsmon_event_queue(ev);
}

/**
 * tlsmon_events_drop_keys() - forget the queued key notices of @net
 * @net: the namespace whose keys were wiped
 *
 * Process context, after tlsmon_sessions_wipe_keys(): no reader is told
 * of keys that are gone. One the work took already is stopped by its
 * epoch.
 */
void tlsmon_events_drop_keys(struct net *net)
{
	struct tlsmon_event *ev, *tmp;
	unsigned long flags;
	LIST_HEAD(drop);

	spin_lock_irqsave(&tlsmon_events_lock, flags);
	list_for_each_entry_safe(ev, tmp, &tlsmon_events, list)
		if (ev->net == net && ev->cmd == TLSMON_CMD_KEYS_NEW)
			list_move_tail(&ev->list, &drop);
	spin_unlock_irqrestore(&tlsmon_events_lock, flags);

	list_for_each_entry_safe(ev, tmp, &drop, list) {
		put_net(ev->net);
		kfree_sensitive(ev);
	}
}

/* Module exit, after the probes are gone: send what is queued. */
void tlsmon_events_flush(void)
{
	flush_work(&tlsmon_events_work);
}

#ifdef TLSMON_DEBUG_WIPE
/*
 * An event freed by kfree_sensitive() reaches the allocator wiped whole, magic
 * included: only one freed otherwise is recognised. A key notice holds no
 * secret: any key, iv, salt or sequence byte in its @meta is reported.
 */
bool tlsmon_event_is_key_holder(const void *obj, size_t size, bool *unwiped)
{
	const struct tlsmon_event *ev = obj;

	if (size < sizeof(*ev) || ev->wipe_magic != TLSMON_WIPE_MAGIC)
		return false;
	*unwiped = memchr_inv(ev->meta.key, 0, sizeof(ev->meta.key)) ||
		   memchr_inv(ev->meta.iv, 0, sizeof(ev->meta.iv)) ||
		   memchr_inv(ev->meta.salt, 0, sizeof(ev->meta.salt)) ||
		   memchr_inv(ev->meta.rec_seq, 0, sizeof(ev->meta.rec_seq));
	return true;
}
#endif
