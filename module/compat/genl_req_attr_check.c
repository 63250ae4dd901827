// SPDX-License-Identifier: GPL-2.0
/* GENL_REQ_ATTR_CHECK(): a missing attribute, reported in the extack. */
#include <net/genetlink.h>

/* a macro: its absence must be an error, not an implicit declaration */
#ifndef GENL_REQ_ATTR_CHECK
#error "no GENL_REQ_ATTR_CHECK()"
#endif

bool tlsmon_probe(struct genl_info *info);
bool tlsmon_probe(struct genl_info *info)
{
	return GENL_REQ_ATTR_CHECK(info, 1);
}
