// SPDX-License-Identifier: GPL-2.0
/*
 * Tagging: what a kTLS installation that the probes saw (ktls_probe.c)
 * means for its socket. The first direction installed takes its
 * handshake's entry and decides (tlsmon_flows_decide()); a monitored
 * socket gets a session (session.c), its mark rewritten, and its keys
 * copied where the export rule allows; the second direction joins the
 * session; a rekey starts a new epoch of a monitored direction. Every
 * outcome is counted.
 */
#include <linux/rcupdate.h>
#include <linux/sock_diag.h>
#include <net/sock.h>
#include <net/tls.h>

#include "event.h"
#include "export.h"
#include "flow.h"
#include "install_defer.h"
#include "netns.h"
#include "policy.h"
#include "session.h"
#include "tag.h"
#include "verdict.h"

/* The socket's cookie (SO_COOKIE), generated if it has none yet. */
static u64 tlsmon_sk_cookie(struct sock *sk)
{
	u32 c[2];

	sock_diag_save_cookie(sk, c);
	return (u64)c[1] << 32 | c[0];
}

static void tlsmon_count_why(struct tlsmon_net *tn, u8 why)
{
	tlsmon_count(tn, TLSMON_STATS_A_UNTAGGED);
	switch (why) {
	case TLSMON_UNMON_NO_HANDSHAKE:
		tlsmon_count(tn, TLSMON_STATS_A_NO_HANDSHAKE);
		break;
	case TLSMON_UNMON_UNOFFERED_SUITE:
		tlsmon_count(tn, TLSMON_STATS_A_UNOFFERED_SUITE);
		break;
	case TLSMON_UNMON_UNOFFERED_VERSION:
		tlsmon_count(tn, TLSMON_STATS_A_UNOFFERED_VERSION);
		break;
	case TLSMON_UNMON_UNSOLICITED_EXT:
		tlsmon_count(tn, TLSMON_STATS_A_UNSOLICITED_EXT);
		break;
	}
}

/*
 * The keys of a tagged session's new direction, if the export rule
 * (tlsmon_export_allowed(), @peer as it takes it) lets them be kept;
 * otherwise nothing is copied. The copy is on the caller's stack, which
 * wipes it with memzero_explicit().
 * Return: @keys, filled, or NULL.
 */
static struct tlsmon_dir_keys *tlsmon_export_keys(struct sock *sk,
						  const struct tlsmon_policy *pol,
						  const struct tlsmon_route *rt,
						  u8 *peer,
						  const struct tlsmon_install *in,
						  struct tlsmon_dir_keys *keys)
{
	if (!tlsmon_export_allowed(sock_net(sk), pol, rt, peer))
		return NULL;
	return tlsmon_keys_capture(in->ctx, in->tx, keys) ? keys : NULL;
}

/*
 * Who owns @sk, as 'ss -e' names it (uid: and ino:), so that an operator
 * can map a session to an application. sock_i_uid() and sock_i_ino() take
 * sk_callback_lock with bottom halves off, which a kretprobe handler must
 * not do; they guard against sock_orphan(), which cannot run here: the
 * installing task is inside setsockopt() on this socket, holding its file
 * and the socket lock. sk_uid is the inode's uid (set with it at creation
 * and by fchown()), read without the lock as sock_net_uid() does.
 */
static void tlsmon_owner_of_sk(struct sock *sk, struct tlsmon_session_info *info)
{
	struct socket *sock = READ_ONCE(sk->sk_socket);

	info->uid = from_kuid_munged(sock_net(sk)->user_ns, sk->sk_uid);
	info->ino = sock ? SOCK_INODE(sock)->i_ino : 0;
}

static void tlsmon_tag(struct sock *sk, struct tlsmon_net *tn,
		       const struct tlsmon_policy *pol,
		       const struct tlsmon_verdict *v, u8 role,
		       const struct tlsmon_install *in, u64 cookie)
{
	const struct tls_crypto_info *ci = in->tx ? &in->ctx->crypto_send.info :
						    &in->ctx->crypto_recv.info;
	u8 dir = in->tx ? TLSMON_DIR_TX : TLSMON_DIR_RX;
	struct tlsmon_session_info info = {
		.cookie = cookie,
		.born_ns = ktime_get_boottime_ns(),
		.family = sk->sk_family,
		.version = v->version,
		.suite = v->suite,
		.cipher = ci->cipher_type,
		.dirs = dir,
		.hw = in->hw ? dir : 0,
		.reason = v->reason,
		.role = role,
		.static_ks = v->static_ks,
	};
	struct tlsmon_dir_keys copy, *keys;
	u8 peer = TLSMON_PEER_UNKNOWN;

	/* the mark changes under the socket lock */
	sock_owned_by_me(sk);
	if (pol->mask) {
		WRITE_ONCE(sk->sk_mark, (READ_ONCE(sk->sk_mark) & ~pol->mask) | pol->mark);
		sk_dst_reset(sk);
	}
	/* the route the export rule follows: after the mark rewrite */
	tlsmon_route_of_sk(sk, &info.rt);
	tlsmon_owner_of_sk(sk, &info);

	keys = tlsmon_export_keys(sk, pol, &info.rt, &peer, in, &copy);
	if (tlsmon_session_add(tn, &info, peer, keys)) {
		/* No record, no monitoring: fail closed. */
		tlsmon_count(tn, TLSMON_STATS_A_UNTAGGED);
		goto out;
	}
	tlsmon_count(tn, TLSMON_STATS_A_TAGGED);
	tlsmon_event_session(sock_net(sk), TLSMON_CMD_SESSION_NEW, &info);
	if (keys)
		tlsmon_event_keys(sock_net(sk), &info, dir, keys);
out:
	if (keys)
		memzero_explicit(keys, sizeof(*keys));
}

/*
 * Under rcu_read_lock(). Return: whether @sk has a session, which now has
 * direction @dir too.
 */
static bool tlsmon_second_dir(struct sock *sk, struct tlsmon_net *tn,
			      const struct tlsmon_policy *pol,
			      const struct tlsmon_install *in, u8 dir)
{
	/* tagging gave the socket its cookie: none, no session */
	u64 cookie = atomic64_read(&sk->sk_cookie);
	struct tlsmon_dir_keys copy, *keys;
	struct tlsmon_session_info info;
	struct tlsmon_session *s;
	bool open;
	u8 peer;

	s = cookie ? tlsmon_session_lookup_rcu(tn, cookie) : NULL;
	if (!s)
		return false;
	/* monitoring turned off since the tagging: the direction, no keys */
	keys = NULL;
	if (pol->enabled) {
		/* unknown: export was turned on since the tagging */
		peer = s->peer;
		keys = tlsmon_export_keys(sk, pol, &s->info.rt, &peer, in, &copy);
	}
	open = tlsmon_session_add_dir(tn, s, dir, in->hw, keys, &info);
	if (open && keys)
		tlsmon_event_keys(sock_net(sk), &info, dir, keys);
	if (keys)
		memzero_explicit(keys, sizeof(*keys));
	return open;
}

/*
 * Under rcu_read_lock(), for a socket's first installation in an enabled
 * namespace: take its handshake's entry and decide. An unmonitored
 * outcome is counted with its reason. @ci is what is being installed,
 * already copied into the context by do_tls_setsockopt_conf(): it must be
 * the cipher and version of the suite the hellos negotiated, or the hellos
 * read are not the ones the socket's TLS stack acted on.
 * Return: whether the socket is monitored (@v and @role filled in).
 */
static bool tlsmon_decide_first(struct sock *sk, struct tlsmon_net *tn,
				const struct tlsmon_policy *pol,
				const struct tls_crypto_info *ci,
				struct tlsmon_verdict *v, u8 *role)
{
	struct tlsmon_flow_key key;

	tlsmon_flow_key_of_sk(sk, &key);
	switch (tlsmon_flows_decide(tn, &key, pol, v, role)) {
	case TLSMON_CLAIM_NONE:
		tlsmon_count_why(tn, TLSMON_UNMON_NO_HANDSHAKE);
		break;
	case TLSMON_CLAIM_FAILED:
		/* counted as a parse failure when it happened */
		tlsmon_count(tn, TLSMON_STATS_A_UNTAGGED);
		break;
	case TLSMON_CLAIM_NEW:
		if (!v->monitored) {
			tlsmon_count_why(tn, v->why);
			break;
		}
		if (!tlsmon_install_matches(v, ci->version, ci->cipher_type)) {
			v->monitored = false;
			tlsmon_count(tn, TLSMON_STATS_A_CIPHER_MISMATCH);
			tlsmon_count(tn, TLSMON_STATS_A_UNTAGGED);
			break;
		}
		return true;
	}
	return false;
}

/*
 * Under rcu_read_lock(): a direction of @sk got new keys (TLS 1.3
 * KeyUpdate), now in its context. Only a monitored session's direction
 * has anything to do: it starts a new epoch, counted. Its keys are kept
 * (and announced) under the same rules as the first ones, the export rule
 * checked again now; otherwise the old epoch's keys go too, and a peer
 * the rule now refuses has its session's keys wiped for good. A rekey is
 * never a first installation, of any socket.
 */
static void tlsmon_rekeyed(struct sock *sk, struct tlsmon_net *tn,
			   const struct tlsmon_policy *pol,
			   const struct tlsmon_install *in, u8 dir)
{
	u64 cookie = atomic64_read(&sk->sk_cookie);
	struct tlsmon_dir_keys copy, *keys = NULL;
	struct tlsmon_session_info info;
	struct tlsmon_session *s;
	int kept;
	u8 peer;

	s = cookie ? tlsmon_session_lookup_rcu(tn, cookie) : NULL;
	if (!s)
		return;
	if (pol && pol->enabled && pol->export) {
		/* refused once, refused for good; otherwise the rule, now */
		peer = s->peer == TLSMON_PEER_REMOTE ? TLSMON_PEER_REMOTE :
		       TLSMON_PEER_UNKNOWN;
		keys = tlsmon_export_keys(sk, pol, &s->info.rt, &peer, in, &copy);
		if (peer == TLSMON_PEER_REMOTE && s->peer == TLSMON_PEER_LOCAL)
			tlsmon_session_wipe_keys(tn, s);
	}
	kept = tlsmon_session_rekey(tn, s, dir, keys, &info);
	if (kept >= 0)
		tlsmon_count(tn, TLSMON_STATS_A_REKEYS);
	if (kept > 0)
		tlsmon_event_keys(sock_net(sk), &info, dir, keys);
	if (keys)
		memzero_explicit(keys, sizeof(*keys));
}

/**
 * tlsmon_installed() - a direction's kTLS installation succeeded
 * @in: what the entry probe found of it
 */
void tlsmon_installed(const struct tlsmon_install *in)
{
	struct sock *sk = in->sk;
	struct tlsmon_net *tn = tlsmon_net(sock_net(sk));
	u8 dir = in->tx ? TLSMON_DIR_TX : TLSMON_DIR_RX;
	const struct tlsmon_policy_obj *pol;
	struct tlsmon_verdict v;
	u8 role = 0;

	if (sk->sk_protocol != IPPROTO_TCP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return;
	if (in->rekey) {
		rcu_read_lock();
		pol = rcu_dereference(tn->policy);
		tlsmon_rekeyed(sk, tn, pol ? &pol->cfg : NULL, in, dir);
		rcu_read_unlock();
		return;
	}
	tlsmon_count(tn, TLSMON_STATS_A_KTLS_INSTALLS);

	rcu_read_lock();
	pol = rcu_dereference(tn->policy);

	/* The other direction of a tagged session: one session. */
	if (atomic_read(&tn->sessions.count) && pol &&
	    tlsmon_second_dir(sk, tn, &pol->cfg, in, dir))
		goto out;

	if (!pol || !pol->cfg.enabled) {
		/* decided monitored as it started; turned off since */
		if (in->decided)
			tlsmon_count(tn, TLSMON_STATS_A_UNTAGGED);
		goto out;
	}
	/* decided monitored as it started (tlsmon_sw_decide_early()) */
	if (in->decided) {
		tlsmon_tag(sk, tn, &pol->cfg, &in->v, in->role, in,
			   tlsmon_sk_cookie(sk));
		goto out;
	}
	/*
	 * The other direction was installed first (its crypto state is
	 * cleared if that failed): its installation decided, and took the
	 * handshake's entry. Device offload's RX setup installs software RX
	 * first, inside it, which decided already: this return only
	 * marks a tagged session's RX as offloaded (above). (If the device
	 * then fails, net/tls installs software RX again, and that one
	 * finds no entry: counted once more as no_handshake on an
	 * unmonitored socket.)
	 */
	if ((in->hw && !in->tx) ||
	    TLS_CRYPTO_INFO_READY(in->tx ? &in->ctx->crypto_recv.info :
					   &in->ctx->crypto_send.info))
		goto out;
	if (tlsmon_decide_first(sk, tn, &pol->cfg,
				in->tx ? &in->ctx->crypto_send.info :
					 &in->ctx->crypto_recv.info, &v, &role))
		tlsmon_tag(sk, tn, &pol->cfg, &v, role, in, tlsmon_sk_cookie(sk));
out:
	rcu_read_unlock();
}

/*
 * For a socket's first direction: whether its software installation can
 * be decided as it starts, and its return left unarmed. The probe must be
 * able to take locks (not from int3, which is NMI-like, nor where
 * installations are deferred to process context, as on PREEMPT_RT, see
 * install_defer.c): it then takes
 * the handshake's entry and decides, and only a monitored socket's return
 * is armed, to tag it once its installation succeeded. An installation
 * that fails has consumed its handshake all the same: a retry is not
 * monitored (fail closed). Counted here, as it starts, unless the return
 * will count it.
 * Return: whether the return probe is not wanted.
 */
bool tlsmon_sw_decide_early(struct tlsmon_install *in)
{
	const struct tlsmon_policy_obj *pol;
	struct sock *sk = in->sk;
	struct tlsmon_net *tn;

	if (!tlsmon_probe_may_lock())
		return false;
	tn = tlsmon_net(sock_net(sk));
	rcu_read_lock();
	pol = rcu_dereference(tn->policy);
	if (pol && pol->cfg.enabled)
		in->decided = tlsmon_decide_first(sk, tn, &pol->cfg,
						  in->tx ? &in->ctx->crypto_send.info :
							   &in->ctx->crypto_recv.info,
						  &in->v, &in->role);
	rcu_read_unlock();
	if (!in->decided)
		tlsmon_count(tn, TLSMON_STATS_A_KTLS_INSTALLS);
	return !in->decided;
}
