// SPDX-License-Identifier: GPL-2.0
/*
 * __inet_lookup_established() and __inet6_lookup_established() without
 * the hash table argument: the table is found from the namespace. A type
 * check, not a call: a mismatch must be an error whatever the kernel's
 * flags make of warnings.
 */
#include <linux/build_bug.h>
#include <net/inet_hashtables.h>

static_assert(__builtin_types_compatible_p(typeof(__inet_lookup_established),
					   struct sock *(const struct net *,
							 __be32, __be16,
							 __be32, u16,
							 int, int)),
	      "__inet_lookup_established() takes a hash table");
