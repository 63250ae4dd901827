// SPDX-License-Identifier: GPL-2.0
/* genl_family.resv_start_op: commands from it on are validated strictly. */
#include <net/genetlink.h>

struct genl_family tlsmon_probe = {
	.resv_start_op = 1,
};
