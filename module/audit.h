/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_AUDIT_H
#define _TLSMON_AUDIT_H

#include <linux/types.h>

struct net;
struct tlsmon_net;
struct tlsmon_policy;

void tlsmon_audit_net_init(struct tlsmon_net *tn);
void tlsmon_audit_policy(struct net *net, const struct tlsmon_policy *old,
			 const struct tlsmon_policy *new, unsigned int wiped,
			 bool host_admin);
void tlsmon_audit_net_exit(struct net *net);
void tlsmon_audit_keys_dump(struct net *net, bool host_admin);
int tlsmon_audit_register(void);
void tlsmon_audit_unregister(void);

#endif /* _TLSMON_AUDIT_H */
