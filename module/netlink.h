/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_NETLINK_H
#define _TLSMON_NETLINK_H

int tlsmon_genl_register(void);
void tlsmon_genl_unregister(void);

#endif /* _TLSMON_NETLINK_H */
