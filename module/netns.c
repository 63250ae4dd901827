// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: each namespace gets its policy, its table
 * of watched handshakes and its sessions when it is created (or when the
 * module loads, for the namespaces that exist then), and loses them with
 * the namespace (or when the module unloads).
 */
#include <net/net_namespace.h>
/* after net_namespace.h: 5.x's generic.h does not include it itself */
#include <net/netns/generic.h>

#include "audit.h"
#include "flow.h"
#include "keyshare.h"
#include "ktls.h"
#include "netns.h"
#include "policy.h"
#include "session.h"

unsigned int tlsmon_net_id __read_mostly;

/**
 * tlsmon_stat_read() - the value of statistic @stat of @tn
 * @tn: the namespace
 * @stat: TLSMON_STATS_A_*, not TLSMON_STATS_A_PAD
 *
 * Counters are read from @tn->stats; the table sizes are read from the
 * tables, and TLSMON_STATS_A_INSTALLS_MISSED is the host's (the kprobe
 * core counts the returns its probes miss). Any context but NMI.
 */
u64 tlsmon_stat_read(struct tlsmon_net *tn, int stat)
{
	switch (stat) {
	case TLSMON_STATS_A_INSTALLS_MISSED:
		return tlsmon_ktls_missed();
	case TLSMON_STATS_A_PENDING:
		return atomic_read(&tn->flows.count);
	case TLSMON_STATS_A_SESSIONS:
		return atomic_read(&tn->sessions.count);
	case TLSMON_STATS_A_KEY_SHARES:
		return READ_ONCE(tn->keyshares.count);
	default:
		return atomic64_read(&tn->stats[stat]);
	}
}

static int __net_init tlsmon_net_init(struct net *net)
{
	struct tlsmon_net *tn = tlsmon_net(net);
	int err;

	tlsmon_audit_net_init(tn);
	tlsmon_flows_init(&tn->flows);
	tlsmon_keyshares_init(&tn->keyshares);
	err = tlsmon_sessions_init(&tn->sessions, net);
	if (err)
		return err;
	err = tlsmon_policy_init(net);
	if (err)
		goto err_sessions;
	return 0;

err_sessions:
	tlsmon_sessions_destroy(&tn->sessions);
	return err;
}

static void __net_exit tlsmon_net_exit(struct net *net)
{
	struct tlsmon_net *tn = tlsmon_net(net);

	/* nothing else can reach the namespace: taken for the rule's sake */
	mutex_lock(&tn->lock);
	tlsmon_flows_stop(net);
	mutex_unlock(&tn->lock);
	tlsmon_sessions_destroy(&tn->sessions);
	tlsmon_policy_exit(net);
}

static struct pernet_operations tlsmon_net_ops = {
	.init = tlsmon_net_init,
	.exit = tlsmon_net_exit,
	.id = &tlsmon_net_id,
	.size = sizeof(struct tlsmon_net),
};

int tlsmon_netns_register(void)
{
	return register_pernet_subsys(&tlsmon_net_ops);
}

void tlsmon_netns_unregister(void)
{
	unregister_pernet_subsys(&tlsmon_net_ops);
}
