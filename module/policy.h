/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_POLICY_H
#define _TLSMON_POLICY_H

#include <linux/rcupdate.h>
#include <net/net_namespace.h>

#include "policy_rules.h"

/**
 * struct tlsmon_policy_obj - one published version of a namespace's policy
 * @cfg: the policy; never modified once published
 * @rcu: frees the object after the readers of the old version are done
 *
 * Lifetime: allocated from the tlsmon_policy slab cache by
 * tlsmon_policy_init(), tlsmon_policy_update() or
 * tlsmon_policy_link_gone(), published with rcu_assign_pointer(), freed
 * by an RCU callback (call_rcu()) when replaced or when the namespace
 * goes away; a version refused before publication is freed at once.
 */
struct tlsmon_policy_obj {
	struct tlsmon_policy cfg;
	struct rcu_head rcu;
};

int tlsmon_policy_cache_create(void);
void tlsmon_policy_cache_destroy(void);
void tlsmon_policy_read(const struct net *net, struct tlsmon_policy *out);
int tlsmon_policy_update(struct net *net,
			 const struct tlsmon_policy_change *change,
			 struct tlsmon_policy *result, const char **why,
			 bool host_admin);
void tlsmon_policy_link_gone(struct net_device *dev);
int tlsmon_policy_init(struct net *net);
void tlsmon_policy_exit(struct net *net);

#endif /* _TLSMON_POLICY_H */
