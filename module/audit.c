// SPDX-License-Identifier: GPL-2.0
/*
 * The record of who changed or read what: every policy change (each field
 * that changed, old -> new), the keys wiped with it, every key dump and
 * every join of the key group, with who did it (uid, audit login uid, pid,
 * comm) and in which network namespace. It goes to the kernel log and,
 * where the audit subsystem is enabled, out as audit records.
 *
 * The records are of type AUDIT_KERNEL_OTHER, the type set aside for
 * third-party modules: an out-of-tree module cannot add one of its own,
 * and AUDIT_NETFILTER_CFG or AUDIT_CONFIG_CHANGE would be read by audit
 * tools as a change of netfilter's tables or of audit itself. Their "op"
 * field names the event (tlsmon-policy, tlsmon-keys-dump, ...), and
 * audit_log_task_info() adds the actor's full identity.
 *
 * The owner of a namespace (an unprivileged user, in a user namespace of
 * their own) can cause these lines at will: the kernel log lines of an
 * actor without CAP_NET_ADMIN in the initial user namespace are rate
 * limited, per namespace and across all of them, and the number left out
 * is given with the next line. The host's administrator is never limited.
 * Audit records follow the audit subsystem's own limits (audit_rate_limit,
 * audit_backlog_limit), which its administrator sets.
 */
#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "audit.h"
#include "compat.h"
#include "netlink.h"
#include "netns.h"
#include "policy_rules.h"

#define TLSMON_LOG_INTERVAL	(5 * HZ)
#define TLSMON_LOG_NS_BURST	10
#define TLSMON_LOG_ALL_BURST	50

/* Lines of every namespace together, from actors that are not the host's. */
static struct ratelimit_state tlsmon_log_all =
	RATELIMIT_STATE_INIT_FLAGS(tlsmon_log_all, TLSMON_LOG_INTERVAL,
				   TLSMON_LOG_ALL_BURST,
				   RATELIMIT_MSG_ON_RELEASE);

/**
 * tlsmon_audit_net_init() - a new namespace's log rate limit
 * @tn: its state
 */
void tlsmon_audit_net_init(struct tlsmon_net *tn)
{
	ratelimit_state_init(&tn->log_rs, TLSMON_LOG_INTERVAL,
			     TLSMON_LOG_NS_BURST);
	/* the lines left out are counted in the next one, not by ratelimit */
	ratelimit_set_flags(&tn->log_rs, RATELIMIT_MSG_ON_RELEASE);
}

/*
 * Whether an event may go to the kernel log; @missed receives how many
 * events were left out before it. @ns_rs is the namespace's limit, or NULL
 * where there is none (the namespace is going away).
 */
static bool tlsmon_log_ok(struct ratelimit_state *ns_rs, bool host_admin,
			  int *missed)
{
	*missed = 0;
	if (host_admin)
		return true;
	if (ns_rs && !__ratelimit(ns_rs))
		return false;
	if (!__ratelimit(&tlsmon_log_all))
		return false;
	/* ratelimit counts under its lock: one lost count at worst */
	*missed = tlsmon_ratelimit_take_missed(&tlsmon_log_all);
	if (ns_rs)
		*missed += tlsmon_ratelimit_take_missed(ns_rs);
	return true;
}

/**
 * struct tlsmon_actor - who is acting, as the log gives it
 * @uid: real uid, in the initial user namespace
 * @auid: audit login uid (4294967295 when unset)
 * @pid: process id (thread group), in the initial pid namespace
 * @comm: the task's command name
 */
struct tlsmon_actor {
	u32 uid;
	u32 auid;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

static void tlsmon_actor_of_current(struct tlsmon_actor *a)
{
	a->uid = from_kuid(&init_user_ns, current_uid());
	a->auid = from_kuid(&init_user_ns, audit_get_loginuid(current));
	a->pid = task_tgid_nr(current);
	get_task_comm(a->comm, current);
}

/* An audit record of @op in namespace @inum, if audit is on. */
static void tlsmon_audit_record(gfp_t gfp, const char *op, u32 inum,
				const char *changes)
{
	struct audit_buffer *ab;

	if (audit_enabled == AUDIT_OFF)
		return;
	ab = audit_log_start(audit_context(), gfp, AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	audit_log_format(ab, "op=%s netns=%u", op, inum);
	/* kernel-made text without quotes: a quoted value */
	if (changes)
		audit_log_format(ab, " changes=\"%s\"", changes);
	audit_log_task_info(ab);
	audit_log_end(ab);
}

/**
 * struct tlsmon_text - a line being built
 * @buf: its storage
 * @size: of @buf
 * @len: used so far (vscnprintf() never overflows it)
 */
struct tlsmon_text {
	char *buf;
	size_t size;
	size_t len;
};

static __printf(2, 3) void tlsmon_text_add(struct tlsmon_text *t,
					    const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	t->len += vscnprintf(t->buf + t->len, t->size - t->len, fmt, args);
	va_end(args);
}

/*
 * Room for the longest line: every field changed, two full suite lists
 * and two full link lists (interface indexes of up to 10 digits).
 */
#define TLSMON_CHANGES_ROOM	(256 + 2 * TLSMON_MAX_SUITES * 7 + \
				 2 * TLSMON_MAX_LINKS * 11)

static const char *tlsmon_onoff(bool on)
{
	return on ? "on" : "off";
}

static const char *tlsmon_consent_name(u8 consent)
{
	switch (consent) {
	case TLSMON_CONSENT_OFF:
		return "off";
	case TLSMON_CONSENT_ACCEPT:
		return "accept";
	default:
		return "require";
	}
}

static void tlsmon_text_suites(struct tlsmon_text *t,
			       const struct tlsmon_policy *p)
{
	u16 i;

	if (!p->n_suites)
		tlsmon_text_add(t, "none");
	for (i = 0; i < p->n_suites; i++)
		tlsmon_text_add(t, "%s0x%04x", i ? "," : "", p->suites[i]);
}

/* Export links by interface index: a link that went away has no name. */
static void tlsmon_text_links(struct tlsmon_text *t,
			      const struct tlsmon_policy *p)
{
	u16 i;

	if (!p->n_links)
		tlsmon_text_add(t, "none");
	for (i = 0; i < p->n_links; i++)
		tlsmon_text_add(t, "%s%u", i ? "," : "", p->links[i]);
}

/*
 * "field old -> new" for each field that differs, comma separated. A new
 * field of the policy is one more comparison in tlsmon_policy_diff() and
 * one more clause here.
 */
static void tlsmon_text_changes(struct tlsmon_text *t,
				const struct tlsmon_policy *old,
				const struct tlsmon_policy *new)
{
	u32 d = tlsmon_policy_diff(old, new);
	const char *sep = "";

	if (d & TLSMON_POLICY_F(TLSMON_POLICY_A_ENABLED)) {
		tlsmon_text_add(t, "%senabled %s -> %s", sep,
				tlsmon_onoff(old->enabled),
				tlsmon_onoff(new->enabled));
		sep = ", ";
	}
	if (d & TLSMON_POLICY_F(TLSMON_POLICY_A_EXPORT)) {
		tlsmon_text_add(t, "%sexport %s -> %s", sep,
				tlsmon_onoff(old->export),
				tlsmon_onoff(new->export));
		sep = ", ";
	}
	if (d & TLSMON_POLICY_F(TLSMON_POLICY_A_SUITES)) {
		tlsmon_text_add(t, "%ssuites ", sep);
		tlsmon_text_suites(t, old);
		tlsmon_text_add(t, " -> ");
		tlsmon_text_suites(t, new);
		sep = ", ";
	}
	if (d & TLSMON_POLICY_F(TLSMON_POLICY_A_CONSENT)) {
		tlsmon_text_add(t, "%sconsent %s -> %s", sep,
				tlsmon_consent_name(old->consent),
				tlsmon_consent_name(new->consent));
		sep = ", ";
	}
	if (d & TLSMON_POLICY_F(TLSMON_POLICY_A_CONSENT_EXT)) {
		tlsmon_text_add(t, "%sconsent-ext 0x%04x -> 0x%04x", sep,
				old->consent_ext, new->consent_ext);
		sep = ", ";
	}
	if (d & (TLSMON_POLICY_F(TLSMON_POLICY_A_MARK) |
		 TLSMON_POLICY_F(TLSMON_POLICY_A_MASK))) {
		tlsmon_text_add(t, "%smark 0x%x/0x%x -> 0x%x/0x%x", sep,
				old->mark, old->mask, new->mark, new->mask);
		sep = ", ";
	}
	if (d & TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS)) {
		tlsmon_text_add(t, "%slinks (ifindex) ", sep);
		tlsmon_text_links(t, old);
		tlsmon_text_add(t, " -> ");
		tlsmon_text_links(t, new);
	}
}

/**
 * tlsmon_audit_policy() - a policy change was published
 * @net: its namespace
 * @old: the policy before
 * @new: the policy now
 * @wiped: sessions whose keys were wiped with the change
 * @host_admin: the actor has CAP_NET_ADMIN in the initial user namespace
 *
 * In the task that asked for the change, under the policy mutex: the log
 * gives the changes in the order they were made. A change that changed
 * nothing is not logged.
 */
void tlsmon_audit_policy(struct net *net, const struct tlsmon_policy *old,
			 const struct tlsmon_policy *new, unsigned int wiped,
			 bool host_admin)
{
	struct tlsmon_text t = { .size = TLSMON_CHANGES_ROOM };
	u32 inum = net->ns.inum;
	struct tlsmon_actor a;
	int missed;

	lockdep_assert_held(&tlsmon_net(net)->lock);
	if (!tlsmon_policy_diff(old, new))
		return;
	t.buf = kmalloc(t.size, GFP_KERNEL);
	if (!t.buf) {
		/* never silent: the change without its details */
		pr_warn("netns %u: policy changed (no memory to say how)\n",
			inum);
		return;
	}
	t.buf[0] = '\0';
	tlsmon_text_changes(&t, old, new);
	tlsmon_actor_of_current(&a);
	tlsmon_audit_record(GFP_KERNEL, "tlsmon-policy", inum, t.buf);

	if (!tlsmon_log_ok(&tlsmon_net(net)->log_rs, host_admin, &missed))
		goto out;
	if (missed)
		pr_info("%d log lines of unprivileged actors left out\n",
			missed);
	pr_info("netns %u: policy changed by uid %u auid %u pid %d comm %s: %s\n",
		inum, a.uid, a.auid, a.pid, a.comm, t.buf);
	/* Monitoring is never silent: the host's own log says so. */
	if (!old->enabled && new->enabled)
		pr_info("netns %u: monitoring enabled (%u suites, consent %s, export %s)\n",
			inum, new->n_suites, tlsmon_consent_name(new->consent),
			tlsmon_onoff(new->export));
	else if (old->enabled && !new->enabled)
		pr_info("netns %u: monitoring disabled\n", inum);
	if (wiped)
		pr_info("netns %u: keys of %u sessions wiped\n", inum, wiped);
out:
	kfree(t.buf);
}

/**
 * tlsmon_audit_net_exit() - monitoring stops with its namespace
 * @net: the namespace, going away with monitoring on
 *
 * Process context (namespace cleanup or module exit), no actor.
 */
void tlsmon_audit_net_exit(struct net *net)
{
	int missed;

	tlsmon_audit_record(GFP_KERNEL, "tlsmon-netns-exit", net->ns.inum,
			    NULL);
	if (tlsmon_log_ok(NULL, false, &missed))
		pr_info("netns %u: monitoring stops: namespace or module going away\n",
			net->ns.inum);
}

/**
 * tlsmon_audit_keys_dump() - a reader starts a key dump
 * @net: the namespace whose keys are read
 * @host_admin: the reader has CAP_NET_ADMIN in the initial user namespace
 *
 * In the reader's task, once its privilege over the namespace was checked.
 */
void tlsmon_audit_keys_dump(struct net *net, bool host_admin)
{
	struct tlsmon_actor a;
	int missed;

	tlsmon_actor_of_current(&a);
	tlsmon_audit_record(GFP_KERNEL, "tlsmon-keys-dump", net->ns.inum, NULL);
	if (!tlsmon_log_ok(&tlsmon_net(net)->log_rs, host_admin, &missed))
		return;
	if (missed)
		pr_info("%d log lines of unprivileged actors left out\n",
			missed);
	pr_info("netns %u: keys dumped by uid %u auid %u pid %d comm %s\n",
		net->ns.inum, a.uid, a.auid, a.pid, a.comm);
}

/*
 * Joins of the key group. The generic netlink family of Linux 6.1 has no
 * mcast_bind callback (it came later), so the join is seen where generic
 * netlink checks it: a return probe on genl_bind(), the netlink_bind of
 * every generic netlink socket, whose entry handler keeps only the joins
 * of tlsmon's key group. It runs in the joining task, preemption off.
 */
struct tlsmon_join {
	struct net *net;
};

static int tlsmon_join_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct tlsmon_join *j = (void *)ri->data;

	if ((unsigned int)regs_get_kernel_argument(regs, 1) != tlsmon_nl_keys_group())
		return 1;
	j->net = (struct net *)regs_get_kernel_argument(regs, 0);
	return 0;
}

static int tlsmon_join_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct tlsmon_join *j = (void *)ri->data;
	struct net *net = j->net;
	struct tlsmon_actor a;
	int missed;

	if (regs_return_value(regs))
		return 0;
	tlsmon_actor_of_current(&a);
	tlsmon_audit_record(GFP_ATOMIC, "tlsmon-keys-join", net->ns.inum, NULL);
	/*
	 * Joining needs CAP_NET_ADMIN over the namespace's user namespace: in
	 * a namespace the initial one owns, that is the host's administrator.
	 */
	if (!tlsmon_log_ok(&tlsmon_net(net)->log_rs,
			   net->user_ns == &init_user_ns, &missed))
		return 0;
	if (missed)
		pr_info("%d log lines of unprivileged actors left out\n",
			missed);
	pr_info("netns %u: key group joined by uid %u auid %u pid %d comm %s\n",
		net->ns.inum, a.uid, a.auid, a.pid, a.comm);
	return 0;
}

static struct kretprobe tlsmon_krp_join = {
	.kp.symbol_name = "genl_bind",
	.entry_handler = tlsmon_join_entry,
	.handler = tlsmon_join_ret,
	.data_size = sizeof(struct tlsmon_join),
	.maxactive = 16,
};

/**
 * tlsmon_audit_register() - watch the joins of the key group
 *
 * After the family is registered (its group numbers are known). As with
 * the kTLS probes, a missing symbol makes the module refuse to load rather
 * than let joins go unrecorded.
 * Return: 0 or a negative errno.
 */
int tlsmon_audit_register(void)
{
	int err = register_kretprobe(&tlsmon_krp_join);

	if (err)
		pr_err("cannot probe joins of the key group (genl_bind): %d\n",
		       err);
	return err;
}

void tlsmon_audit_unregister(void)
{
	unregister_kretprobe(&tlsmon_krp_join);
}
