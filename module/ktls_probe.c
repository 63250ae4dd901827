// SPDX-License-Identifier: GPL-2.0
/*
 * Where kTLS keys are installed and sockets closed.
 *
 * net/tls has no hook or tracepoint for software key installation (its
 * tracepoints are for device offload), so tlsmon uses probes on the
 * functions that install a direction; all of them are reached from
 * setsockopt(SOL_TLS, TLS_TX/TLS_RX) with the socket locked by its owner,
 * and tlsmon takes no socket lock of its own:
 *
 *   tls_set_sw_offload(sk, [ctx,] tx)   software kTLS, either direction
 *   tls_set_device_offload(sk[, ctx])   device offload, TX
 *   tls_set_device_offload_rx(sk[, ctx]) device offload, RX
 *   tls_sk_proto_close(sk, timeout)     close() of a kTLS socket
 *
 * The return probes act only when the function returned 0, once the
 * crypto state is in place. Where kTLS has rekey (TLS 1.3 KeyUpdate), a
 * monitored session's direction that gets new keys starts a new epoch
 * (tlsmon_rekeyed(), tag.c). Device offload is tried first on every
 * installation, and on most machines no device can do it: its probes are
 * armed only once a device that can offload TLS appears (see
 * tlsmon_netdev_event()), and even then its return is watched only where
 * the socket's device is one of those (see tlsmon_dev_may_offload()).
 * Kernels without CONFIG_TLS_DEVICE have no device offload to watch.
 *
 * The arguments of these functions changed over time (the context was
 * dropped in 6.7, rekey added one in 6.14), and net/tls's header is
 * private: the module never takes the context from a register but from
 * the socket, and checks at every software installation which layout the
 * running kernel uses (tlsmon_sw_dir()); an unknown one is not monitored.
 * A missing symbol makes the module refuse to load rather than watch
 * nothing.
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>
#include <net/dst.h>
#include <net/sock.h>
#include <net/tls.h>

#include "compat.h"
#include "install_defer.h"
#include "ktls.h"
#include "netns.h"
#include "policy.h"
#include "session.h"
#include "tag.h"

/*
 * For a socket's second direction: whether its return can do no more than
 * count it, as the other direction's installation decided and did not
 * tag the socket. Tagging gives a
 * socket its cookie, and most sockets never get one otherwise (SO_COOKIE,
 * sock_diag and BPF do): a socket without one is that second direction of
 * an unmonitored socket, and its return probe is not armed, as its
 * trampoline costs more than the rest of the return's work. (One with a
 * cookie but no session has its return looked at as before.) It is
 * counted here, as it starts; it can then fail only for want of memory,
 * as the same cipher was just set up for the other direction.
 */
static bool tlsmon_sw_return_idle(const struct tlsmon_install *in)
{
	struct sock *sk = in->sk;

	if (atomic64_read(&sk->sk_cookie))
		return false;
	tlsmon_count(tlsmon_net(sock_net(sk)), TLSMON_STATS_A_KTLS_INSTALLS);
	return true;
}

/* Installations whose arguments were laid out as tlsmon does not know. */
static atomic_long_t tlsmon_layout_unknown = ATOMIC_LONG_INIT(0);

/*
 * The direction tls_set_sw_offload() installs. Its arguments differ
 * between kernels and net/tls's header is private, so nothing at build
 * time can say which: (sk, ctx, tx) up to 6.6, (sk, tx) from 6.7, and
 * (sk, tx, new_crypto_info) where kTLS has rekey (TLSMON_HAVE_KTLS_REKEY),
 * the third argument set for a rekey. The context is never taken from a
 * register (the caller read it with tls_get_ctx()); the second argument
 * tells the layouts apart, as it is either that very context or a
 * direction, 0 or 1. A third argument is taken for a rekey only where
 * the socket's context agrees: net/tls passes one only for a direction
 * that has TLS 1.3 keys already, pointing to new keys of the same version
 * and cipher (read with copy_from_kernel_nofault()). Anything else is a layout tlsmon does
 * not know: the installation is not looked at (fail closed), counted
 * with the missed ones, and logged once. A rekey is never taken for a
 * first installation.
 * Return: whether @tx (and @rekey) were found.
 */
static bool tlsmon_sw_dir(struct pt_regs *regs, const struct tls_context *ctx,
			  bool *tx, bool *rekey)
{
	unsigned long a1 = regs_get_kernel_argument(regs, 1);
	unsigned long a2 = regs_get_kernel_argument(regs, 2);

	*rekey = false;
	if (ctx && a1 == (unsigned long)ctx && a2 <= 1) {
		*tx = a2;
		return true;
	}
#ifdef TLSMON_HAVE_KTLS_REKEY
	if (ctx && a1 <= 1 && !a2) {
		*tx = a1;
		return true;
	}
	if (ctx && a1 <= 1) {
		const struct tls_crypto_info *cur = a1 ? &ctx->crypto_send.info :
							 &ctx->crypto_recv.info;
		struct tls_crypto_info next;

		/*
		 * The new keys are read without faulting: a pointer that is
		 * not one is refused, never followed. kTLS rekeys only TLS
		 * 1.3, with the version and cipher the direction has.
		 */
		if (TLS_CRYPTO_INFO_READY(cur) && cur->version == TLS_1_3_VERSION &&
		    a2 != (unsigned long)cur &&
		    !copy_from_kernel_nofault(&next, (const void *)a2, sizeof(next)) &&
		    next.version == cur->version &&
		    next.cipher_type == cur->cipher_type) {
			*tx = a1;
			*rekey = true;
			return true;
		}
	}
#else
	if (ctx && a1 <= 1) {
		*tx = a1;
		return true;
	}
#endif
	atomic_long_inc(&tlsmon_layout_unknown);
	pr_err_once("tls_set_sw_offload() called with arguments tlsmon does not know (%#lx, %#lx): kTLS installations are not monitored\n",
		    a1, a2);
	return false;
}

/* Non-zero: no return probe for this call. */
static int tlsmon_sw_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct tlsmon_install *in = (void *)ri->data;
	struct sock *sk;

	in->sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	sk = in->sk;
	/* net/tls is TCP's; its return would ignore anything else too */
	if (sk->sk_protocol != IPPROTO_TCP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return 1;
	in->ctx = tls_get_ctx(sk);
	if (!tlsmon_sw_dir(regs, in->ctx, &in->tx, &in->rekey))
		return 1;
	in->hw = false;
	in->decided = false;
	/* tagging gave a monitored socket its cookie: no cookie, no session */
	if (in->rekey)
		return !atomic64_read(&sk->sk_cookie);
	/* the other direction was installed first: the second one */
	if (TLS_CRYPTO_INFO_READY(in->tx ? &in->ctx->crypto_recv.info :
					   &in->ctx->crypto_send.info))
		return tlsmon_sw_return_idle(in);
	return tlsmon_sw_decide_early(in);
}

/*
 * Whether the device offload about to be tried can possibly succeed. It
 * is tried first for every installation, and on most devices fails at
 * once: the return probe, which costs as much as the function on such a
 * short path, is then not armed. The device is the one
 * get_netdev_for_sock() will pick, and the test is on what it supports at
 * all (hw_features), not on what is turned on now, so that ethtool
 * turning offload on meanwhile cannot slip an installation past us. The
 * owner holds the socket lock: its route can only be dropped meanwhile,
 * which fails the offload, never replaced by one to another device.
 */
static bool tlsmon_dev_may_offload(struct sock *sk, netdev_features_t feature)
{
	struct net_device *dev;
	struct dst_entry *dst;
	bool may;

	sock_owned_by_me(sk);
	rcu_read_lock();
	dst = __sk_dst_get(sk);
	dev = dst ? tlsmon_dst_dev(dst) : NULL;
	if (dev)
		dev = netdev_sk_get_lowest_dev(dev, sk);
	/* no device: the offload fails, and is not watched */
	may = dev && ((dev->features | dev->hw_features) & feature);
	rcu_read_unlock();
	return may;
}

/* Non-zero: no return probe for this call. */
static int tlsmon_dev_entry(struct kretprobe_instance *ri, struct pt_regs *regs,
			    bool tx)
{
	struct tlsmon_install *in = (void *)ri->data;

	/* (sk, ctx) on some kernels, (sk) on others: the context is the socket's */
	in->sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	in->ctx = tls_get_ctx(in->sk);
	in->tx = tx;
	in->hw = true;
	in->rekey = false;
	in->decided = false;
	return !tlsmon_dev_may_offload(in->sk, tx ? NETIF_F_HW_TLS_TX :
						    NETIF_F_HW_TLS_RX);
}

static int tlsmon_dev_tx_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return tlsmon_dev_entry(ri, regs, true);
}

static int tlsmon_dev_rx_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return tlsmon_dev_entry(ri, regs, false);
}

static int tlsmon_install_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct tlsmon_install *in = (const void *)ri->data;

	if (regs_return_value(regs))
		return 0;
	if (tlsmon_install_deferred())
		tlsmon_install_defer(in);
	else
		tlsmon_installed(in);
	return 0;
}

static int tlsmon_close_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	struct tlsmon_net *tn = tlsmon_net(sock_net(sk));
	u64 cookie;

	if (!atomic_read(&tn->sessions.count))
		return 0;
	cookie = atomic64_read(&sk->sk_cookie);
	if (cookie)
		tlsmon_session_close(tn, cookie);
	return 0;
}

static struct kretprobe tlsmon_krp_sw = {
	.kp.symbol_name = "tls_set_sw_offload",
	.entry_handler = tlsmon_sw_entry,
	.handler = tlsmon_install_ret,
	.data_size = sizeof(struct tlsmon_install),
};

static struct kretprobe tlsmon_krp_dev_tx = {
	.kp.symbol_name = "tls_set_device_offload",
	.entry_handler = tlsmon_dev_tx_entry,
	.handler = tlsmon_install_ret,
	.data_size = sizeof(struct tlsmon_install),
};

static struct kretprobe tlsmon_krp_dev_rx = {
	.kp.symbol_name = "tls_set_device_offload_rx",
	.entry_handler = tlsmon_dev_rx_entry,
	.handler = tlsmon_install_ret,
	.data_size = sizeof(struct tlsmon_install),
};

/* The software probe first: without CONFIG_TLS_DEVICE it is the only one. */
static struct kretprobe *tlsmon_krps[] = {
	&tlsmon_krp_sw, &tlsmon_krp_dev_tx, &tlsmon_krp_dev_rx,
};

#define TLSMON_N_KRPS	(IS_ENABLED(CONFIG_TLS_DEVICE) ? ARRAY_SIZE(tlsmon_krps) : 1)

/*
 * The device offload probes are registered disabled, which checks their
 * symbols at load and costs nothing per call, and armed for good by the
 * first device that can offload TLS, in any namespace. Until then, the
 * four attempts at device offload of a connection's two ends would be
 * four probe hits for nothing on every connection.
 * @tlsmon_dev_armed is set under tlsmon_dev_lock, read without it.
 */
static struct kretprobe *tlsmon_krps_dev[] = {
	&tlsmon_krp_dev_tx, &tlsmon_krp_dev_rx,
};

static DEFINE_MUTEX(tlsmon_dev_lock); /* arming the device offload probes */
static bool tlsmon_dev_armed;
/*
 * Set before the notifier is unregistered, which replays NETDEV_UNREGISTER
 * for every device: those do not go away, and the policies with them.
 */
static bool tlsmon_netdev_closing;

#define TLSMON_DEV_TLS	(NETIF_F_HW_TLS_TX | NETIF_F_HW_TLS_RX)

/*
 * A device can offload TLS (what it supports at all, not what is on now)
 * from its registration, before any socket can route through it, or from
 * a change of features (an upper device such as a bond, whose features
 * follow its lower devices'; these were registered before). Either way the
 * probes are armed before the device can take an installation. Under
 * RTNL; arming sleeps, which is allowed here.
 */
static int tlsmon_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	int err = 0, i;

	ASSERT_RTNL();
	/* also when it moves to another namespace: it leaves this one */
	if (event == NETDEV_UNREGISTER && !READ_ONCE(tlsmon_netdev_closing))
		tlsmon_policy_link_gone(dev);
	if (!IS_ENABLED(CONFIG_TLS_DEVICE) ||
	    (event != NETDEV_REGISTER && event != NETDEV_FEAT_CHANGE))
		return NOTIFY_DONE;
	if (READ_ONCE(tlsmon_dev_armed) ||
	    !((dev->features | dev->hw_features) & TLSMON_DEV_TLS))
		return NOTIFY_DONE;
	mutex_lock(&tlsmon_dev_lock);
	for (i = 0; !tlsmon_dev_armed && i < ARRAY_SIZE(tlsmon_krps_dev); i++) {
		err = enable_kretprobe(tlsmon_krps_dev[i]);
		if (err)
			break;
	}
	if (!tlsmon_dev_armed && !err) {
		WRITE_ONCE(tlsmon_dev_armed, true);
		pr_info("%s can offload TLS: watching device offload too\n",
			netdev_name(dev));
	}
	mutex_unlock(&tlsmon_dev_lock);
	/*
	 * Not a reason to refuse the device: its installations are then not
	 * seen, and their sessions not monitored (fail closed), as logged.
	 */
	if (err)
		pr_err("cannot watch device offload of TLS (%s): %d; its sessions are not monitored\n",
		       netdev_name(dev), err);
	return NOTIFY_DONE;
}

static struct notifier_block tlsmon_netdev_nb = {
	.notifier_call = tlsmon_netdev_event,
};

static struct kprobe tlsmon_kp_close = {
	.symbol_name = "tls_sk_proto_close",
	.pre_handler = tlsmon_close_pre,
};

/*
 * net/tls must stay loaded while its functions carry our probes: holding
 * one of its exported symbols holds a reference on the module.
 */
static void *tlsmon_tls_pin;

/**
 * tlsmon_ktls_missed() - installations the return probes could not see
 *
 * A kretprobe that runs out of instances misses a return; that socket is
 * then never tagged (fail closed), and the count says so.
 */
unsigned long tlsmon_ktls_missed(void)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < TLSMON_N_KRPS; i++)
		n += tlsmon_krps[i]->nmissed;
	return n + atomic_long_read(&tlsmon_layout_unknown) +
	       tlsmon_install_defer_lost();
}

int tlsmon_ktls_register(void)
{
	int i, err;

	/* The probes need net/tls's symbols: load it like setsockopt would. */
	request_module("tls");

	for (i = 0; i < ARRAY_SIZE(tlsmon_krps); i++)
		tlsmon_krps[i]->maxactive = 64 + 8 * num_possible_cpus();
	/* as many as may be in flight: a queued one has returned */
	err = tlsmon_install_defer_init(tlsmon_krps[0]->maxactive);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(tlsmon_krps_dev); i++)
		tlsmon_krps_dev[i]->kp.flags |= KPROBE_FLAG_DISABLED;
	err = register_kretprobes(tlsmon_krps, TLSMON_N_KRPS);
	if (err) {
		pr_err("cannot probe kTLS key installation (is net/tls available?): %d\n",
		       err);
		goto err_defer;
	}
	err = register_kprobe(&tlsmon_kp_close);
	if (err) {
		pr_err("cannot probe kTLS socket close: %d\n", err);
		goto err_kretprobes;
	}
	/*
	 * Told of every device there is, in every namespace, then of each new
	 * one. No namespace can have monitoring on yet: nothing is missed
	 * before this.
	 */
	err = register_netdevice_notifier(&tlsmon_netdev_nb);
	if (err) {
		pr_err("cannot watch network devices: %d\n", err);
		goto err_kprobe;
	}

	/*
	 * symbol_get() takes GPL-only symbols; this one exists with
	 * CONFIG_TLS_DEVICE, as in Debian's kernels. Without it net/tls
	 * exports nothing to hold: unloading it then leaves the probes gone
	 * (kprobes marks them so) and nothing monitored.
	 */
	if (IS_ENABLED(CONFIG_TLS_DEVICE))
		tlsmon_tls_pin = __symbol_get("tls_device_sk_destruct");
	return 0;

err_kprobe:
	unregister_kprobe(&tlsmon_kp_close);
err_kretprobes:
	unregister_kretprobes(tlsmon_krps, TLSMON_N_KRPS);
err_defer:
	tlsmon_install_defer_exit();
	return err;
}

void tlsmon_ktls_unregister(void)
{
	WRITE_ONCE(tlsmon_netdev_closing, true);
	unregister_netdevice_notifier(&tlsmon_netdev_nb);
	unregister_kprobe(&tlsmon_kp_close);
	unregister_kretprobes(tlsmon_krps, TLSMON_N_KRPS);
	tlsmon_install_defer_exit();
	if (tlsmon_tls_pin)
		symbol_put_addr(tlsmon_tls_pin);
}

