/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_NETLINK_H
#define _TLSMON_NETLINK_H

#include <linux/types.h>

struct net;
struct tlsmon_session_info;

int tlsmon_genl_register(void);
struct tlsmon_dir_keys;

void tlsmon_nl_keys_notify(struct net *net, const struct tlsmon_session_info *info,
			   u8 dir, const struct tlsmon_dir_keys *meta,
			   u32 epoch);
void tlsmon_nl_session_notify(struct net *net, u8 cmd,
			      const struct tlsmon_session_info *info);
bool tlsmon_nl_listening(struct net *net, u8 cmd);
unsigned int tlsmon_nl_keys_group(void);
void tlsmon_genl_unregister(void);

#endif /* _TLSMON_NETLINK_H */
