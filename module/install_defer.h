/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_INSTALL_DEFER_H
#define _TLSMON_INSTALL_DEFER_H

#include <linux/kconfig.h>
#include <linux/preempt.h>
#include <linux/types.h>

struct tlsmon_install;

/*
 * Whether the kTLS probes hand installations and closes to process
 * context (install_defer.c): where their handlers may not take spinlock_t
 * or allocate, as on PREEMPT_RT; on any kernel in a test build
 * (TLSMON_DEBUG_DEFER, module/Kbuild).
 */
static inline bool tlsmon_install_deferred(void)
{
#ifdef TLSMON_DEBUG_DEFER
	return true;
#else
	return IS_ENABLED(CONFIG_PREEMPT_RT);
#endif
}

/*
 * Whether the probe handler running now may take spinlock_t and allocate:
 * not from int3, which is entered like an NMI, nor where installations
 * are deferred. The installation's and the close's handlers ask the same.
 */
static inline bool tlsmon_probe_may_lock(void)
{
	return !in_nmi() && !tlsmon_install_deferred();
}

void tlsmon_install_defer(const struct tlsmon_install *in);
unsigned long tlsmon_install_defer_lost(void);
int tlsmon_install_defer_init(unsigned int slots);
void tlsmon_install_defer_exit(void);

#endif /* _TLSMON_INSTALL_DEFER_H */
