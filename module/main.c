// SPDX-License-Identifier: GPL-2.0
/*
 * tlsmon: visible, consented and local-only monitoring of kernel TLS
 * sessions. Module entry points.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "netlink.h"
#include "policy.h"

static int __init tlsmon_init(void)
{
	int err;

	/* Namespaces get their policy before the first request can arrive. */
	err = tlsmon_policy_register();
	if (err)
		return err;
	err = tlsmon_genl_register();
	if (err)
		goto err_policy;
	pr_info("loaded; monitoring is off until enabled per namespace\n");
	return 0;

err_policy:
	tlsmon_policy_unregister();
	return err;
}

static void __exit tlsmon_exit(void)
{
	tlsmon_genl_unregister();
	tlsmon_policy_unregister();
	pr_info("unloaded\n");
}

module_init(tlsmon_init);
module_exit(tlsmon_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Visible, consented, local-only monitoring of kernel TLS sessions");
MODULE_AUTHOR("The tlsmon developers");
MODULE_ALIAS_GENL_FAMILY(TLSMON_GENL_NAME);
