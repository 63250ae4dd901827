// SPDX-License-Identifier: GPL-2.0
/* GENL_REQ_ATTR_CHECK(): a missing attribute, reported in the extack. */
#include <net/genetlink.h>

bool tlsmon_probe(struct genl_info *info);
bool tlsmon_probe(struct genl_info *info)
{
	return GENL_REQ_ATTR_CHECK(info, 1);
}
