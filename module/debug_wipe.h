/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_DEBUG_WIPE_H
#define _TLSMON_DEBUG_WIPE_H

#include <linux/types.h>

struct kmem_cache;

#ifdef TLSMON_DEBUG_WIPE
/*
 * Test-only (a module built with TLSMON_DEBUG_WIPE=y, never shipped):
 * every free of a key holder that tlsmon's own code makes is observed on
 * the allocator's side, and its key bytes must be zero by then; and a
 * session's allocation can be made to fail.
 */
#define TLSMON_WIPE_MAGIC 0x746c736d6f6e7769ull	/* "tlsmonwi" */

int tlsmon_debug_wipe_register(void);
void tlsmon_debug_wipe_unregister(void);

/* Whether the next session allocation is to fail (fail_session_alloc). */
bool tlsmon_debug_fail_alloc(void);

/* Whether @obj, about to be kfree()d by tlsmon, is a key holder. */
bool tlsmon_event_is_key_holder(const void *obj, size_t size, bool *unwiped);
/* Whether @obj, about to be freed to @cache by tlsmon, is a key holder. */
bool tlsmon_session_is_key_holder(const struct kmem_cache *cache,
				  const void *obj, bool *unwiped);
#else
static inline int tlsmon_debug_wipe_register(void)
{
	return 0;
}

static inline void tlsmon_debug_wipe_unregister(void)
{
}

static inline bool tlsmon_debug_fail_alloc(void)
{
	return false;
}
#endif

#endif /* _TLSMON_DEBUG_WIPE_H */
