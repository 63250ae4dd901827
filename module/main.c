// SPDX-License-Identifier: GPL-2.0
/*
 * tlsmon: visible, consented and local-only monitoring of kernel TLS
 * sessions. Module entry points.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "audit.h"
#include "debug_wipe.h"
#include "event.h"
#include "flow.h"
#include "ktls.h"
#include "netlink.h"
#include "netns.h"
#include "policy.h"
#include "session.h"

static int __init tlsmon_init(void)
{
	int err;

	err = tlsmon_flow_params_check();
	if (err)
		return err;
	err = tlsmon_debug_wipe_register();
	if (err)
		return err;
	err = tlsmon_session_cache_create();
	if (err)
		goto err_wipe;
	err = tlsmon_flow_caches_create();
	if (err)
		goto err_session_cache;
	err = tlsmon_policy_cache_create();
	if (err)
		goto err_flow_cache;
	/* Namespaces get their state before a request or probe can use it. */
	err = tlsmon_netns_register();
	if (err)
		goto err_cache;
	err = tlsmon_genl_register();
	if (err)
		goto err_netns;
	err = tlsmon_audit_register();
	if (err)
		goto err_genl;
	err = tlsmon_ktls_register();
	if (err)
		goto err_audit;
	pr_info("loaded; monitoring is off until enabled per namespace\n");
	return 0;

err_audit:
	tlsmon_audit_unregister();
err_genl:
	tlsmon_genl_unregister();
err_netns:
	tlsmon_netns_unregister();
err_cache:
	rcu_barrier();
	tlsmon_policy_cache_destroy();
err_flow_cache:
	tlsmon_flow_caches_destroy();
err_session_cache:
	tlsmon_session_cache_destroy();
err_wipe:
	tlsmon_debug_wipe_unregister();
	return err;
}

static void __exit tlsmon_exit(void)
{
	/* No probe runs once this returns; then the queued events go out. */
	tlsmon_ktls_unregister();
	tlsmon_sessions_flush_closed();
	tlsmon_events_flush();
	tlsmon_audit_unregister();
	tlsmon_genl_unregister();
	tlsmon_netns_unregister();
	/*
	 * Sessions and policies freed by call_rcu() run module code and use
	 * their caches; a policy still allocated after this is a leak, which
	 * kmem_cache_destroy() reports.
	 */
	rcu_barrier();
	tlsmon_policy_cache_destroy();
	tlsmon_flow_caches_destroy();
	tlsmon_session_cache_destroy();
	tlsmon_debug_wipe_unregister();
	pr_info("unloaded\n");
}

module_init(tlsmon_init);
module_exit(tlsmon_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Visible, consented, local-only monitoring of kernel TLS sessions");
MODULE_AUTHOR("The tlsmon developers");
/*
 * No MODULE_ALIAS_GENL_FAMILY(): resolving the family would load the
 * module (and net/tls) on any user's request, even where the host's
 * administrator never meant to run it. Only an administrator loads it.
 */
