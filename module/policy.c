// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace's monitoring policy: the version readers see under RCU,
 * changes applied under the namespace's mutex and published as a new
 * version, and the export links that disappear. netns.c creates and frees
 * it with the namespace (tlsmon_policy_init(), tlsmon_policy_exit()).
 */
#include <linux/moduleparam.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "audit.h"
#include "event.h"
#include "export.h"
#include "flow.h"
#include "netns.h"
#include "policy.h"
#include "session.h"

/*
 * Whether the owners of a network namespace (CAP_NET_ADMIN over its user
 * namespace) may widen monitoring in it, or only the administrator of the
 * host (CAP_NET_ADMIN in the initial user namespace). Writable at run
 * time, by the host's root only (sysfs): delegation can be granted and
 * taken back without unloading the module, which would drop every
 * session. Taking it back turns nothing off; it only refuses the next
 * widening change.
 */
static bool delegate_netns;
module_param(delegate_netns, bool, 0644);
MODULE_PARM_DESC(delegate_netns,
		 "let namespace owners, not only the host's administrator, turn monitoring and export on (default: no)");

/*
 * Every version of every namespace's policy comes from this cache, so that
 * the kernel itself checks that each one is freed: kmem_cache_destroy()
 * at module exit warns "Slab cache still has objects" for any left, and
 * /sys/kernel/slab/tlsmon_policy/objects counts the live ones (one per
 * namespace, plus the replaced versions still waiting for their grace
 * period). The constructor keeps the cache from being merged with another
 * of the same size (slab_unmergeable() and find_mergeable() refuse caches
 * with one), which would hide both the count and the warning; it also
 * makes every free object zero, which tlsmon_policy_free_rcu() keeps true.
 * Created at module init, destroyed at exit after rcu_barrier(): policies
 * are freed from RCU callbacks (call_rcu(), not kfree_rcu(), whose batches
 * rcu_barrier() does not wait for in this kernel).
 */
static struct kmem_cache *tlsmon_policy_cache;

static void tlsmon_policy_ctor(void *obj)
{
	memset(obj, 0, sizeof(struct tlsmon_policy_obj));
}

int tlsmon_policy_cache_create(void)
{
	tlsmon_policy_cache = kmem_cache_create("tlsmon_policy",
						sizeof(struct tlsmon_policy_obj),
						0, 0, tlsmon_policy_ctor);
	return tlsmon_policy_cache ? 0 : -ENOMEM;
}

void tlsmon_policy_cache_destroy(void)
{
	kmem_cache_destroy(tlsmon_policy_cache);
}

static void tlsmon_policy_free_rcu(struct rcu_head *head)
{
	struct tlsmon_policy_obj *obj = container_of(head, struct tlsmon_policy_obj, rcu);

	/* no key material: cleared for the constructor's sake */
	memset(obj, 0, sizeof(*obj));
	kmem_cache_free(tlsmon_policy_cache, obj);
}

/* @obj is freed once the readers that may still see it are done. */
static void tlsmon_policy_free(struct tlsmon_policy_obj *obj)
{
	call_rcu(&obj->rcu, tlsmon_policy_free_rcu);
}

/* A version never published: no reader has seen it. */
static void tlsmon_policy_discard(struct tlsmon_policy_obj *obj)
{
	memset(obj, 0, sizeof(*obj));
	kmem_cache_free(tlsmon_policy_cache, obj);
}

static const char tlsmon_widen_refused[] =
	"turning monitoring on or widening it needs CAP_NET_ADMIN in the initial user namespace";

/*
 * Export links given by a change exist and pass the link rules now,
 * under the policy lock: an interface unregistered meanwhile is either
 * not found here or removed by tlsmon_policy_link_gone() after this.
 */
static int tlsmon_policy_links_check(struct net *net,
				     const struct tlsmon_policy_change *change,
				     const struct tlsmon_policy *p,
				     const char **why)
{
	u16 i;

	if (!(change->given & TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS)))
		return 0;
	for (i = 0; i < p->n_links; i++)
		if (tlsmon_link_usable(net, p->links[i], why))
			return -EINVAL;
	return 0;
}

/**
 * tlsmon_policy_read() - copy the current policy of @net
 * @net: network namespace
 * @out: receives a consistent snapshot of one published version
 */
void tlsmon_policy_read(const struct net *net, struct tlsmon_policy *out)
{
	struct tlsmon_policy_obj *obj;

	rcu_read_lock();
	obj = rcu_dereference(tlsmon_net(net)->policy);
	*out = obj->cfg;
	rcu_read_unlock();
}

/*
 * Drop the memory cgroup charged with the namespace's allocations, with
 * no hook registered and, after a grace period, no installation working
 * from an enabled policy. What was charged stays charged until it is
 * freed.
 */
static void tlsmon_policy_uncharge(struct tlsmon_net *tn)
{
	struct mem_cgroup *memcg = tn->memcg;

	lockdep_assert_held(&tn->lock);
	WRITE_ONCE(tn->memcg, NULL);
	mem_cgroup_put(memcg);
}

/*
 * Export or monitoring was just turned off in @net: every key held there is
 * wiped and none queued is sent, before the request that turned it off
 * returns. Installations copy keys in an RCU read-side section in which
 * they read the policy: once the grace period is over, none still works
 * from the old policy, and none copies keys again.
 * Return: the number of sessions whose keys were wiped.
 */
static unsigned int tlsmon_policy_wipe_keys(struct net *net)
{
	struct tlsmon_net *tn = tlsmon_net(net);
	unsigned int n;

	lockdep_assert_held(&tn->lock);
	synchronize_rcu();
	n = tlsmon_sessions_wipe_keys(&tn->sessions);
	tlsmon_events_drop_keys(net);
	return n;
}

/**
 * tlsmon_policy_update() - change the policy of @net atomically
 * @net: network namespace
 * @change: fields to change, each already valid on its own
 * @result: receives the policy as published
 * @why: set to the reason when the change is refused
 * @host_admin: the caller has CAP_NET_ADMIN in the initial user namespace
 *	(the caller checked the namespace's own already)
 *
 * The change is applied to a private copy, checked as a whole and only
 * then published: a refused change leaves no trace. A change that widens
 * monitoring (tlsmon_policy_widens()) needs @host_admin, unless the
 * delegate_netns parameter leaves it to the namespace's owners; it is
 * judged against the policy in force, under the policy mutex.
 *
 * Return: 0, -EINVAL or -EPERM with @why set, or -ENOMEM.
 */
int tlsmon_policy_update(struct net *net,
			 const struct tlsmon_policy_change *change,
			 struct tlsmon_policy *result, const char **why,
			 bool host_admin)
{
	struct tlsmon_net *tn = tlsmon_net(net);
	struct tlsmon_policy_obj *old, *new;
	unsigned int wiped = 0;
	int err;

	new = kmem_cache_alloc(tlsmon_policy_cache, GFP_KERNEL);
	if (!new)
		return -ENOMEM;

	mutex_lock(&tn->lock);
	old = rcu_dereference_protected(tn->policy, lockdep_is_held(&tn->lock));
	new->cfg = old->cfg;
	tlsmon_policy_apply(&new->cfg, change);
	err = tlsmon_policy_check(&new->cfg, why) ?:
	      tlsmon_export_links_check(&new->cfg, change->given, why) ?:
	      tlsmon_policy_links_check(net, change, &new->cfg, why);
	if (!err && !host_admin && !READ_ONCE(delegate_netns) &&
	    tlsmon_policy_widens(&old->cfg, &new->cfg)) {
		*why = tlsmon_widen_refused;
		err = -EPERM;
	}
	if (!err && !old->cfg.enabled && new->cfg.enabled) {
		/* What the namespace holds is charged to whoever enabled it. */
		WRITE_ONCE(tn->memcg, get_mem_cgroup_from_mm(current->mm));
		/* Watching starts before the policy says it has. */
		err = tlsmon_flows_start(net);
		if (err) {
			*why = "cannot register the netfilter hooks";
			tlsmon_policy_uncharge(tn);
		}
	}
	if (err) {
		mutex_unlock(&tn->lock);
		tlsmon_policy_discard(new);
		return err;
	}
	rcu_assign_pointer(tn->policy, new);
	*result = new->cfg;
	if (old->cfg.enabled && !new->cfg.enabled)
		tlsmon_flows_stop(net);
	if ((old->cfg.export && !new->cfg.export) ||
	    (old->cfg.enabled && !new->cfg.enabled))
		wiped = tlsmon_policy_wipe_keys(net);
	/* after the grace period above: no allocation uses it any more */
	if (old->cfg.enabled && !new->cfg.enabled)
		tlsmon_policy_uncharge(tn);
	/* under the mutex: the log has the changes in their order */
	tlsmon_audit_policy(net, &old->cfg, &new->cfg, wiped, host_admin);
	mutex_unlock(&tn->lock);

	tlsmon_policy_free(old);
	return 0;
}

/**
 * tlsmon_policy_link_gone() - an interface left its namespace
 * @dev: the interface, being unregistered or moved to another namespace
 *
 * A netdevice notifier: takes the policy lock inside RTNL, which is why
 * nothing under that lock takes RTNL. The policy is
 * replaced by one without the link; export stays as it was, and exports
 * nothing through links no longer listed.
 */
void tlsmon_policy_link_gone(struct net_device *dev)
{
	struct net *net = dev_net(dev);
	struct tlsmon_net *tn = tlsmon_net(net);
	struct tlsmon_policy_obj *old, *new;
	bool listed;

	ASSERT_RTNL();
	/* a namespace going away takes its policy along: nothing to change */
	if (!check_net(net))
		return;
	rcu_read_lock();
	old = rcu_dereference(tn->policy);
	listed = old && tlsmon_policy_has_link(&old->cfg, dev->ifindex);
	rcu_read_unlock();
	if (!listed)
		return;

	/*
	 * A notifier cannot fail, and a stale link must not stay listed
	 * (its index could name another device later): a small object.
	 */
	new = kmem_cache_alloc(tlsmon_policy_cache, GFP_KERNEL | __GFP_NOFAIL);
	mutex_lock(&tn->lock);
	old = rcu_dereference_protected(tn->policy, lockdep_is_held(&tn->lock));
	new->cfg = old->cfg;
	if (!tlsmon_policy_drop_link(&new->cfg, dev->ifindex)) {
		mutex_unlock(&tn->lock);
		tlsmon_policy_discard(new);
		return;
	}
	rcu_assign_pointer(tn->policy, new);
	/*
	 * Logged like any change, with whoever removed the interface as its
	 * actor; a namespace owner's deletions are rate-limited.
	 */
	tlsmon_audit_policy(net, &old->cfg, &new->cfg, 0,
			    capable(CAP_NET_ADMIN));
	mutex_unlock(&tn->lock);
	tlsmon_policy_free(old);
}

/**
 * tlsmon_policy_init() - give a new namespace the default policy
 * @net: the namespace
 *
 * Return: 0 or -ENOMEM.
 */
int tlsmon_policy_init(struct net *net)
{
	struct tlsmon_net *tn = tlsmon_net(net);
	struct tlsmon_policy_obj *obj;

	/* zero, as every free object of the cache is */
	obj = kmem_cache_alloc(tlsmon_policy_cache, GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	tlsmon_policy_defaults(&obj->cfg);
	mutex_init(&tn->lock);
	RCU_INIT_POINTER(tn->policy, obj);
	pr_debug("netns %u: policy created\n", net->ns.inum);
	return 0;
}

/**
 * tlsmon_policy_exit() - the namespace or the module goes away
 * @net: the namespace
 */
void tlsmon_policy_exit(struct net *net)
{
	struct tlsmon_net *tn = tlsmon_net(net);
	struct tlsmon_policy_obj *obj;

	/* nothing else can reach the namespace: taken for the rules' sake */
	mutex_lock(&tn->lock);
	obj = rcu_dereference_protected(tn->policy, lockdep_is_held(&tn->lock));
	RCU_INIT_POINTER(tn->policy, NULL);
	/* the hooks are gone, and no socket of the namespace is left */
	tlsmon_policy_uncharge(tn);
	mutex_unlock(&tn->lock);
	if (obj->cfg.enabled)
		tlsmon_audit_net_exit(net);
	tlsmon_policy_free(obj);
	mutex_destroy(&tn->lock);
	pr_debug("netns %u: policy freed\n", net->ns.inum);
}
