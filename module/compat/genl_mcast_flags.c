// SPDX-License-Identifier: GPL-2.0
/*
 * genl_multicast_group.flags without GENL_MCAST_CAP_NET_ADMIN: the member
 * came with genl_bind() refusing a group flagged GENL_UNS_ADMIN_PERM to a
 * listener without CAP_NET_ADMIN over the namespace, the only check such
 * a kernel makes. Kernels with GENL_MCAST_CAP_NET_ADMIN check that flag
 * instead (genl_mcast_cap_net_admin.c), and no longer this one.
 */
#include <net/genetlink.h>

const struct genl_multicast_group tlsmon_probe = {
	.flags = GENL_UNS_ADMIN_PERM,
};
