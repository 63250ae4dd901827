// SPDX-License-Identifier: GPL-2.0
/*
 * Installations handed from the kTLS return probe to process context.
 *
 * A kretprobe handler runs with preemption off. On PREEMPT_RT spinlock_t
 * is a sleeping lock and the slab allocator may sleep, so what tagging
 * does (the flow table, the session table, events, the allocations) is
 * not allowed there. On such a kernel the return handler only records the
 * installation in a slot taken from a pool allocated at load, and queues
 * it as task_work on the installing task: it runs on that task's way
 * back from setsockopt(), before the application can send or read a
 * record with the new keys, with the socket locked as the installation
 * had it (tlsmon_installed() checks it is). Tagging thus stays in step
 * with the application, as where the probe tags itself: the socket's
 * second direction, its rekeys and the application's own questions all
 * come after it.
 *
 * task_work_add() is exported by Debian's kernels and not by mainline
 * (compat/task_work_add.export): where it is not, a kernel that needs
 * this refuses the module (tlsmon_install_defer_init()). A work item
 * instead would tag after setsockopt() returned, out of step with all of
 * the above. A kernel thread, which never returns to user space, has its
 * installation counted as missed and not monitored, as has one that finds
 * no slot or whose task is exiting (fail closed); one whose socket was
 * closed or stripped of its kTLS context by the time the work runs is not
 * looked at.
 *
 * Lifetimes: a queued slot holds a reference on its socket and on the
 * socket's namespace (a kernel socket holds none of its own), both
 * dropped when it has run. Module exit waits for every queued slot after
 * the probes are gone, then for every task to leave the callback's last
 * instructions (synchronize_rcu_tasks(), as for a trampoline).
 */
#include <linux/bitmap.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/wait_bit.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tls.h>

#include "compat.h"
#include "install_defer.h"
#include "tag.h"

/**
 * struct tlsmon_deferred - one installation waiting for process context
 * @twork: on the installing task's task_work list
 * @net: the socket's namespace, held
 * @in: what the probes found of the installation (@in.sk held)
 */
struct tlsmon_deferred {
	struct callback_head twork;
	struct net *net;
	struct tlsmon_install in;
};

/*
 * The pool and its bitmap are allocated at load and freed at exit, only
 * where installations are deferred. A bit is set while its slot is
 * taken: by the probe (test_and_set_bit(), no lock, ordered before the
 * slot is written), cleared by the slot's own callback once it is done
 * with it (clear_bit_unlock()). @tlsmon_defer_queued counts slots
 * taken, for exit.
 */
static struct tlsmon_deferred *tlsmon_defer_pool;
static unsigned long *tlsmon_defer_busy;
static unsigned int tlsmon_defer_slots;
static atomic_t tlsmon_defer_queued = ATOMIC_INIT(0);
static atomic_long_t tlsmon_defer_lost = ATOMIC_LONG_INIT(0);

/*
 * Whether the socket is still the one that was installed: its kTLS
 * context unchanged and still attached. close() of a kTLS socket detaches
 * it under the socket lock (it restores the TCP proto, and drops the
 * context unless a device has it), and then orphans the socket.
 */
static bool tlsmon_defer_still_tls(struct sock *sk, struct tls_context *ctx)
{
	return !sock_flag(sk, SOCK_DEAD) && tls_get_ctx(sk) == ctx &&
	       READ_ONCE(sk->sk_prot) != ctx->sk_proto;
}

static void tlsmon_defer_run(struct tlsmon_deferred *d)
{
	struct sock *sk = d->in.sk;

	lock_sock(sk);
	if (tlsmon_defer_still_tls(sk, d->in.ctx))
		tlsmon_installed(&d->in);
	release_sock(sk);
	sock_put(sk);
	put_net(d->net);
	/* release: the slot is read no more once another probe can take it */
	clear_bit_unlock(d - tlsmon_defer_pool, tlsmon_defer_busy);
	if (atomic_dec_and_test(&tlsmon_defer_queued))
		wake_up_var(&tlsmon_defer_queued);
}

static void tlsmon_defer_task_fn(struct callback_head *cb)
{
	tlsmon_defer_run(container_of(cb, struct tlsmon_deferred, twork));
}

/* A free slot, taken; NULL if there is none. */
static struct tlsmon_deferred *tlsmon_defer_take(void)
{
	unsigned int i;

	for (i = find_first_zero_bit(tlsmon_defer_busy, tlsmon_defer_slots);
	     i < tlsmon_defer_slots;
	     i = find_next_zero_bit(tlsmon_defer_busy, tlsmon_defer_slots, i + 1))
		if (!test_and_set_bit(i, tlsmon_defer_busy))
			return &tlsmon_defer_pool[i];
	return NULL;
}

/**
 * tlsmon_install_defer() - have an installation looked at in process context
 * @in: what the probes found, its installation having succeeded
 *
 * From the return probe, preemption off: takes no lock and allocates
 * nothing. An installation that cannot be queued is counted as missed.
 */
void tlsmon_install_defer(const struct tlsmon_install *in)
{
	struct tlsmon_deferred *d;
	struct net *net;

	/* it would never run the task_work */
	if (current->flags & PF_KTHREAD)
		goto lost;
	net = maybe_get_net(sock_net(in->sk));
	if (!net)
		goto lost;
	d = tlsmon_defer_take();
	if (!d) {
		put_net(net);
		goto lost;
	}
	atomic_inc(&tlsmon_defer_queued);
	d->net = net;
	d->in = *in;
	sock_hold(in->sk);
	init_task_work(&d->twork, tlsmon_defer_task_fn);
#ifdef TLSMON_HAVE_TASK_WORK_ADD
	if (!task_work_add(current, &d->twork, TWA_RESUME))
		return;
#endif
	/* exiting: it will not run task_work again */
	sock_put(in->sk);
	put_net(net);
	clear_bit_unlock(d - tlsmon_defer_pool, tlsmon_defer_busy);
	atomic_dec(&tlsmon_defer_queued);
lost:
	atomic_long_inc(&tlsmon_defer_lost);
}

/**
 * tlsmon_install_defer_lost() - installations that could not be deferred
 *
 * Return: how many were never looked at: made by a kernel thread, or
 * for want of a slot, or because the task was exiting or the namespace
 * going away.
 */
unsigned long tlsmon_install_defer_lost(void)
{
	return atomic_long_read(&tlsmon_defer_lost);
}

/**
 * tlsmon_install_defer_init() - allocate the pool, where needed
 * @slots: installations that may wait at once
 *
 * Return: 0; -EOPNOTSUPP where installations must be deferred and the
 * kernel does not export task_work_add(); -ENOMEM.
 */
int tlsmon_install_defer_init(unsigned int slots)
{
	if (!tlsmon_install_deferred())
		return 0;
#ifndef TLSMON_HAVE_TASK_WORK_ADD
	pr_err("not loaded: this PREEMPT_RT kernel does not export task_work_add(), which tagging needs here\n");
	return -EOPNOTSUPP;
#endif
	tlsmon_defer_pool = kcalloc(slots, sizeof(*tlsmon_defer_pool),
				    GFP_KERNEL);
	tlsmon_defer_busy = bitmap_zalloc(slots, GFP_KERNEL);
	if (!tlsmon_defer_pool || !tlsmon_defer_busy) {
		kfree(tlsmon_defer_pool);
		bitmap_free(tlsmon_defer_busy);
		tlsmon_defer_pool = NULL;
		tlsmon_defer_busy = NULL;
		return -ENOMEM;
	}
	tlsmon_defer_slots = slots;
	return 0;
}

/**
 * tlsmon_install_defer_exit() - wait for every queued installation, free
 *
 * After the return probe is unregistered: nothing is queued meanwhile.
 */
void tlsmon_install_defer_exit(void)
{
	if (!tlsmon_defer_pool)
		return;
	wait_var_event(&tlsmon_defer_queued, !atomic_read(&tlsmon_defer_queued));
	/* a callback past its wake-up is still in this module's text */
	synchronize_rcu_tasks();
	kfree(tlsmon_defer_pool);
	bitmap_free(tlsmon_defer_busy);
	tlsmon_defer_pool = NULL;
	tlsmon_defer_busy = NULL;
}
