// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only wiping check, built only with TLSMON_DEBUG_WIPE=y (the guest
 * suite wipe.sh and make check-debug load such a build; packages and DKMS
 * never build it).
 *
 * A static check can see that kfree_sensitive() and memzero_explicit() are
 * called; it cannot see that every key holder is freed through them, nor
 * that the length wiped covers the keys. This observes the frees instead:
 * kprobes on kfree() and kmem_cache_free() recognise tlsmon's key holders
 * (a key event by a magic value only this build puts in it, a session by
 * its cache), and one whose key bytes are not all zero when it reaches
 * the allocator is counted and warned about. kfree_sensitive() wipes before it calls kfree() from
 * mm/, so an event freed that way is never seen unwiped; a plain kfree()
 * of an event, or a session whose keys were wiped short, is.
 *
 * The counters are module parameters (read-only): wipe_checked, the key
 * holders seen at their free, wipe_unwiped, those that still held key
 * bytes, and wipe_missed, the frees of any object the probes missed.
 *
 * The same build has one failure point: fail_session_alloc (writable) is
 * how many of the next session allocations fail, as GFP_ATOMIC ones can,
 * so that a test sees tlsmon fail closed (no session, no key export, the
 * connection untouched).
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "debug_wipe.h"

static atomic_long_t tlsmon_wipe_checked = ATOMIC_LONG_INIT(0);
static atomic_long_t tlsmon_wipe_unwiped = ATOMIC_LONG_INIT(0);

static int tlsmon_wipe_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(kp->arg));
}

static const struct kernel_param_ops tlsmon_wipe_ops = {
	.get = tlsmon_wipe_get,
};

module_param_cb(wipe_checked, &tlsmon_wipe_ops, &tlsmon_wipe_checked, 0444);
MODULE_PARM_DESC(wipe_checked, "test build: key holders seen at their free");
module_param_cb(wipe_unwiped, &tlsmon_wipe_ops, &tlsmon_wipe_unwiped, 0444);
MODULE_PARM_DESC(wipe_unwiped, "test build: key holders freed with key bytes in them");

static struct kprobe tlsmon_wipe_probes[2];

/*
 * A free inside another kprobe's handler on the same CPU (an interrupt's
 * RCU callbacks, say) is not seen: kprobes count it as missed.
 */
static int tlsmon_wipe_missed_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(tlsmon_wipe_probes[0].nmissed) +
			  READ_ONCE(tlsmon_wipe_probes[1].nmissed));
}

static const struct kernel_param_ops tlsmon_wipe_missed_ops = {
	.get = tlsmon_wipe_missed_get,
};

module_param_cb(wipe_missed, &tlsmon_wipe_missed_ops, NULL, 0444);
MODULE_PARM_DESC(wipe_missed, "test build: frees the probes missed (reentered)");

static atomic_t tlsmon_fail_session_alloc = ATOMIC_INIT(0);

static int tlsmon_fail_set(const char *val, const struct kernel_param *kp)
{
	int n, err = kstrtoint(val, 0, &n);

	if (err || n < 0)
		return err ?: -EINVAL;
	atomic_set(kp->arg, n);
	return 0;
}

static int tlsmon_fail_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(kp->arg));
}

static const struct kernel_param_ops tlsmon_fail_ops = {
	.set = tlsmon_fail_set,
	.get = tlsmon_fail_get,
};

module_param_cb(fail_session_alloc, &tlsmon_fail_ops, &tlsmon_fail_session_alloc, 0644);
MODULE_PARM_DESC(fail_session_alloc, "test build: fail this many of the next session allocations");

bool tlsmon_debug_fail_alloc(void)
{
	return atomic_add_unless(&tlsmon_fail_session_alloc, -1, 0);
}

static void tlsmon_wipe_seen(bool unwiped, const void *obj)
{
	atomic_long_inc(&tlsmon_wipe_checked);
	if (unwiped) {
		atomic_long_inc(&tlsmon_wipe_unwiped);
		WARN_ONCE(1, "tlsmon: key holder %p freed unwiped\n", obj);
	}
}

/*
 * Every kfree() of the system passes here (the caller cannot be told by
 * its return address: a free at a function's end is a tail call), so the
 * event is told by its size and magic. ksize() first, so that reading the
 * magic stays within the object; it unpoisons the object for KASAN,
 * which poisons it again as freed right after.
 */
static int tlsmon_wipe_kfree(struct kprobe *p, struct pt_regs *regs)
{
	const void *obj = (const void *)regs_get_kernel_argument(regs, 0);
	bool unwiped;

	if (ZERO_OR_NULL_PTR(obj))
		return 0;
	if (tlsmon_event_is_key_holder(obj, ksize(obj), &unwiped))
		tlsmon_wipe_seen(unwiped, obj);
	return 0;
}

/* Sessions are told by their cache. */
static int tlsmon_wipe_cache_free(struct kprobe *p, struct pt_regs *regs)
{
	const struct kmem_cache *cache =
		(const void *)regs_get_kernel_argument(regs, 0);
	const void *obj = (const void *)regs_get_kernel_argument(regs, 1);
	bool unwiped;

	if (obj && tlsmon_session_is_key_holder(cache, obj, &unwiped))
		tlsmon_wipe_seen(unwiped, obj);
	return 0;
}

static struct kprobe tlsmon_wipe_probes[2] = {
	{ .symbol_name = "kfree", .pre_handler = tlsmon_wipe_kfree },
	{ .symbol_name = "kmem_cache_free", .pre_handler = tlsmon_wipe_cache_free },
};

static struct kprobe *tlsmon_wipe_probe_ptrs[] = {
	&tlsmon_wipe_probes[0], &tlsmon_wipe_probes[1],
};

/**
 * tlsmon_debug_wipe_register() - start observing frees
 *
 * Registered first at load and unregistered last at unload (after the
 * RCU callbacks that free sessions ran), so that every free is seen.
 *
 * Return: 0, or the error of register_kprobes().
 */
int tlsmon_debug_wipe_register(void)
{
	int err = register_kprobes(tlsmon_wipe_probe_ptrs,
				   ARRAY_SIZE(tlsmon_wipe_probe_ptrs));

	if (!err)
		pr_warn("test build: every free of a key holder is checked for wiping\n");
	return err;
}

void tlsmon_debug_wipe_unregister(void)
{
	unregister_kprobes(tlsmon_wipe_probe_ptrs,
			   ARRAY_SIZE(tlsmon_wipe_probe_ptrs));
}
