// SPDX-License-Identifier: GPL-2.0
/*
 * Session notifications. Sessions are tagged and closed in probe context
 * (a kretprobe on kTLS installation, a kprobe on close), where sending a
 * netlink multicast is not welcome; the notification is queued with a
 * reference on its namespace and sent from a work item.
 */
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "event.h"
#include "netlink.h"

/**
 * struct tlsmon_event - a queued notification
 * @list: in tlsmon_events, under tlsmon_events_lock
 * @net: the namespace whose listeners receive it (a reference)
 * @cmd: TLSMON_CMD_SESSION_NEW or TLSMON_CMD_SESSION_DEL
 * @info: the session
 */
struct tlsmon_event {
	struct list_head list;
	struct net *net;
	u8 cmd;
	struct tlsmon_session_info info;
};

static LIST_HEAD(tlsmon_events);
static DEFINE_SPINLOCK(tlsmon_events_lock);

static void tlsmon_events_work_fn(struct work_struct *work)
{
	struct tlsmon_event *ev, *tmp;
	unsigned long flags;
	LIST_HEAD(todo);

	spin_lock_irqsave(&tlsmon_events_lock, flags);
	list_splice_init(&tlsmon_events, &todo);
	spin_unlock_irqrestore(&tlsmon_events_lock, flags);

	list_for_each_entry_safe(ev, tmp, &todo, list) {
		tlsmon_nl_session_notify(ev->net, ev->cmd, &ev->info);
		put_net(ev->net);
		kfree(ev);
	}
}

static DECLARE_WORK(tlsmon_events_work, tlsmon_events_work_fn);

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
	struct tlsmon_event *ev;
	unsigned long flags;

	ev = kmalloc(sizeof(*ev), GFP_ATOMIC);
	if (!ev)
		return;
	ev->net = maybe_get_net(net);
	if (!ev->net) {
		kfree(ev);
		return;
	}
	ev->cmd = cmd;
	ev->info = *info;
	spin_lock_irqsave(&tlsmon_events_lock, flags);
	list_add_tail(&ev->list, &tlsmon_events);
	spin_unlock_irqrestore(&tlsmon_events_lock, flags);
	schedule_work(&tlsmon_events_work);
}

/* Module exit, after the probes are gone: send what is queued. */
void tlsmon_events_flush(void)
{
	flush_work(&tlsmon_events_work);
}
