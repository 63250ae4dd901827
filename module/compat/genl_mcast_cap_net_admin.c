// SPDX-License-Identifier: GPL-2.0
/*
 * GENL_MCAST_CAP_NET_ADMIN: genl_bind() checks CAP_NET_ADMIN over the
 * namespace for a group with this flag. The flag came into the header
 * with that check (mainline and the stable backports alike), and from
 * then on it is the only flag genl_bind() checks.
 */
#include <net/genetlink.h>

const struct genl_multicast_group tlsmon_probe = {
	.flags = GENL_MCAST_CAP_NET_ADMIN,
};
