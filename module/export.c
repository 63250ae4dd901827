// SPDX-License-Identifier: GPL-2.0
/*
 * What key export needs: copying a direction's key material out of kTLS,
 * and the local-link rule. Decryption information must not leave the
 * local link: a session's keys are exported only if the socket's own
 * route to its peer leaves by an export link the operator listed, without
 * a gateway, and that link is plain Ethernet all the way down (no tunnel,
 * overlay, loopback or point-to-point device) with the peer inside a
 * prefix of at least /16 or /64 configured on it. The rule
 * (tlsmon_export_check()) is checked for a session by
 * tlsmon_export_allowed(), whenever its keys are copied or would leave,
 * and for monctl's own connections (TLSMON_CMD_PEER_GET).
 */
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <net/addrconf.h>
#include <net/inet_sock.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/tls.h>

#include "compat.h"
#include "export.h"
#include "netns.h"
#include "policy_rules.h"
#include "session.h"

#define COPY_KEYS(dst, ci, type)					\
	do {								\
		struct tlsmon_dir_keys *k_ = (dst);			\
		const struct type *c_ = (const void *)(ci);		\
		BUILD_BUG_ON(sizeof(c_->key) > sizeof(k_->key));	\
		BUILD_BUG_ON(sizeof(c_->iv) > sizeof(k_->iv));		\
		BUILD_BUG_ON(sizeof(c_->salt) > sizeof(k_->salt));	\
		BUILD_BUG_ON(sizeof(c_->rec_seq) > sizeof(k_->rec_seq)); \
		memcpy(k_->key, c_->key, sizeof(c_->key));		\
		memcpy(k_->iv, c_->iv, sizeof(c_->iv));			\
		/* ChaCha20-Poly1305 has no salt: no copy at all */	\
		if (sizeof(c_->salt))					\
			memcpy(k_->salt, c_->salt, sizeof(c_->salt));	\
		memcpy(k_->rec_seq, c_->rec_seq, sizeof(c_->rec_seq));	\
		k_->key_len = sizeof(c_->key);				\
		k_->iv_len = sizeof(c_->iv);				\
		k_->salt_len = sizeof(c_->salt);			\
		k_->rec_seq_len = sizeof(c_->rec_seq);			\
	} while (0)

/**
 * tlsmon_keys_capture() - copy a direction's keys as kTLS holds them
 * @ctx: the socket's kTLS context, its direction just installed
 * @tx: which direction
 * @k: receives the copy
 *
 * Return: false for a cipher tlsmon does not know (nothing copied).
 */
bool tlsmon_keys_capture(const struct tls_context *ctx, bool tx,
			 struct tlsmon_dir_keys *k)
{
	/* the union, not its first member: the key lies beyond that member */
	const union tls_crypto_context *ci = tx ? &ctx->crypto_send :
						  &ctx->crypto_recv;

	memset(k, 0, sizeof(*k));
	switch (ci->info.cipher_type) {
	case TLS_CIPHER_AES_GCM_128:
		COPY_KEYS(k, ci, tls12_crypto_info_aes_gcm_128);
		break;
	case TLS_CIPHER_AES_GCM_256:
		COPY_KEYS(k, ci, tls12_crypto_info_aes_gcm_256);
		break;
	case TLS_CIPHER_AES_CCM_128:
		COPY_KEYS(k, ci, tls12_crypto_info_aes_ccm_128);
		break;
	case TLS_CIPHER_CHACHA20_POLY1305:
		COPY_KEYS(k, ci, tls12_crypto_info_chacha20_poly1305);
		break;
#ifdef TLSMON_HAVE_TLS_SM4
	case TLS_CIPHER_SM4_GCM:
		COPY_KEYS(k, ci, tls12_crypto_info_sm4_gcm);
		break;
	case TLS_CIPHER_SM4_CCM:
		COPY_KEYS(k, ci, tls12_crypto_info_sm4_ccm);
		break;
#endif
	default:
		return false;
	}
	k->version = ci->info.version;
	k->cipher = ci->info.cipher_type;
	k->installed_ns = ktime_get_real_ns();
	return true;
}

/*
 * Why a link or a peer is refused. Each reason is a rule of its own; the
 * texts are static, for extack and for TLSMON_PEER_A_REASON.
 */
enum tlsmon_refusal {
	TLSMON_REFUSE_EXPORT_OFF,
	TLSMON_REFUSE_NO_DEVICE,
	TLSMON_REFUSE_LOOPBACK,
	TLSMON_REFUSE_POINTOPOINT,
	TLSMON_REFUSE_NOARP,
	TLSMON_REFUSE_NOT_ETHER,
	TLSMON_REFUSE_OVERLAY,
	TLSMON_REFUSE_LOWER,
	TLSMON_REFUSE_NO_ROUTE,
	TLSMON_REFUSE_NOT_UNICAST,
	TLSMON_REFUSE_GATEWAY,
	TLSMON_REFUSE_LINKLOCAL,
	TLSMON_REFUSE_NOT_LISTED,
	TLSMON_REFUSE_PREFIX,
};

static const char *const tlsmon_refusals[] = {
	[TLSMON_REFUSE_EXPORT_OFF] = "key export is off in this namespace",
	[TLSMON_REFUSE_NO_DEVICE] = "no interface has this index in this namespace",
	[TLSMON_REFUSE_LOOPBACK] = "loopback is never an export link",
	[TLSMON_REFUSE_POINTOPOINT] = "point-to-point devices are never export links",
	[TLSMON_REFUSE_NOARP] = "devices without ARP (tunnels, VRF) are never export links",
	[TLSMON_REFUSE_NOT_ETHER] =
		"only Ethernet devices can be export links (no GRE, SIT, WireGuard, tun, PPP)",
	[TLSMON_REFUSE_OVERLAY] =
		"overlays and tunnels are never export links (vxlan, geneve, gretap, tap, ovs)",
	[TLSMON_REFUSE_LOWER] =
		"a device below this link (bridge port, slave, lower) fails the link rules",
	[TLSMON_REFUSE_NO_ROUTE] = "no route to the peer from the socket",
	[TLSMON_REFUSE_NOT_UNICAST] = "the socket's route to the peer is not a unicast route",
	[TLSMON_REFUSE_GATEWAY] = "the socket's route to the peer goes through a gateway",
	[TLSMON_REFUSE_LINKLOCAL] = "a link-local peer of a socket bound to no interface",
	[TLSMON_REFUSE_NOT_LISTED] =
		"the peer is reached through an interface that is not an export link",
	[TLSMON_REFUSE_PREFIX] =
		"the peer is not in a /16 (IPv4) or /64 (IPv6) prefix of its export link",
};

#define TLSMON_MIN_PREFIX4	16
#define TLSMON_MIN_PREFIX6	64

static int tlsmon_refuse(enum tlsmon_refusal r, const char **why)
{
	*why = tlsmon_refusals[r];
	return -EPERM;
}

/*
 * Ethernet devices whose far end is not on this link: what they carry
 * goes over a network (or to a process) tlsmon cannot see.
 */
static const char *const tlsmon_overlay_kinds[] = {
	"vxlan", "geneve", "gretap", "ip6gretap", "erspan", "ip6erspan",
	"bareudp", "tun", "openvswitch",
};

/* The rules one device must pass on its own; under RCU or RTNL. */
static int tlsmon_dev_rule(const struct net_device *dev)
{
	const struct rtnl_link_ops *ops = dev->rtnl_link_ops;
	size_t i;

	/* most specific first: a GRE device is point-to-point and NOARP too */
	if (dev->flags & IFF_LOOPBACK)
		return TLSMON_REFUSE_LOOPBACK;
	if (dev->type != ARPHRD_ETHER)
		return TLSMON_REFUSE_NOT_ETHER;
	if (dev->priv_flags & IFF_OPENVSWITCH)
		return TLSMON_REFUSE_OVERLAY;
	if (ops && ops->kind)
		for (i = 0; i < ARRAY_SIZE(tlsmon_overlay_kinds); i++)
			if (!strcmp(ops->kind, tlsmon_overlay_kinds[i]))
				return TLSMON_REFUSE_OVERLAY;
	if (dev->flags & IFF_POINTOPOINT)
		return TLSMON_REFUSE_POINTOPOINT;
	if (dev->flags & IFF_NOARP)
		return TLSMON_REFUSE_NOARP;
	return -1;
}

static int tlsmon_lower_rule(struct net_device *lower,
			     struct netdev_nested_priv *priv)
{
	/* stop the walk at the first device that fails */
	return tlsmon_dev_rule(lower) >= 0;
}

/**
 * tlsmon_link_check() - may @dev ever carry keys?
 * @dev: the device
 * @why: set to the rule that refuses it
 *
 * The device itself and every device below it (a bridge's ports, a bond's
 * slaves, a VLAN's or macvlan's lower device, recursively) must be
 * Ethernet, with ARP, not loopback, not point-to-point, and not an overlay
 * or tunnel. Under rcu_read_lock(); any context.
 *
 * Return: 0 or -EPERM.
 */
int tlsmon_link_check(const struct net_device *dev, const char **why)
{
	struct netdev_nested_priv priv = {};
	int r;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "tlsmon: link checked outside RCU");
	r = tlsmon_dev_rule(dev);
	if (r >= 0)
		return tlsmon_refuse(r, why);
	if (netdev_walk_all_lower_dev_rcu((struct net_device *)dev,
					  tlsmon_lower_rule, &priv))
		return tlsmon_refuse(TLSMON_REFUSE_LOWER, why);
	return 0;
}

/**
 * tlsmon_link_usable() - may interface @ifindex of @net be an export link?
 * @net: the policy's namespace
 * @ifindex: interface index
 * @why: set to the rule that refuses it
 *
 * Return: 0 or -EPERM.
 */
int tlsmon_link_usable(struct net *net, u32 ifindex, const char **why)
{
	struct net_device *dev;
	int err;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, ifindex);
	err = dev ? tlsmon_link_check(dev, why) :
		    tlsmon_refuse(TLSMON_REFUSE_NO_DEVICE, why);
	rcu_read_unlock();
	return err;
}

/* Is @peer inside a prefix of at least /16 configured on @dev? Under RCU. */
static bool tlsmon_prefix4(const struct net_device *dev, __be32 peer)
{
	const struct in_ifaddr *ifa;
	struct in_device *in_dev;

	in_dev = __in_dev_get_rcu(dev);
	if (!in_dev)
		return false;
	in_dev_for_each_ifa_rcu(ifa, in_dev)
		if (ifa->ifa_prefixlen >= TLSMON_MIN_PREFIX4 &&
		    inet_ifa_match(peer, ifa))
			return true;
	return false;
}

/* Is @peer inside a prefix of at least /64 configured on @dev? Under RCU. */
static bool tlsmon_prefix6(const struct net_device *dev,
			   const struct in6_addr *peer)
{
	const struct inet6_ifaddr *ifa;
	struct inet6_dev *idev;

	idev = __in6_dev_get(dev);
	if (!idev)
		return false;
	list_for_each_entry_rcu(ifa, &idev->addr_list, if_list)
		if (ifa->prefix_len >= TLSMON_MIN_PREFIX6 &&
		    ipv6_prefix_equal(&ifa->addr, peer, ifa->prefix_len))
			return true;
	return false;
}

/*
 * The device the socket's IPv4 packets to its peer leave by, routed as
 * they are (device or VRF, mark, uid, tos, ports), or a refusal of the
 * route itself; -1 when the route is usable. Under RCU; the device stays
 * valid until rcu_read_unlock().
 */
static int tlsmon_route4(struct net *net, const struct tlsmon_route *rt,
			 struct net_device **dev)
{
	struct flowi4 fl4;
	struct rtable *rth;
	int r = -1;

	flowi4_init_output(&fl4, rt->bound_if, rt->mark, rt->tos,
			   RT_SCOPE_UNIVERSE, IPPROTO_TCP, 0,
			   rt->raddr.s6_addr32[3], rt->laddr.s6_addr32[3],
			   rt->rport, rt->lport, rt->uid);
	rth = ip_route_output_key(net, &fl4);
	if (IS_ERR(rth))
		return TLSMON_REFUSE_NO_ROUTE;
	if (rth->rt_type != RTN_UNICAST)
		r = TLSMON_REFUSE_NOT_UNICAST;
	/*
	 * A gateway: rt_uses_gateway. An uncached route or one bound to a
	 * nexthop exception (a PMTU update) carries the peer itself as its
	 * rt_gw4; any other next hop is a gateway too.
	 */
	else if (rth->rt_uses_gateway || rth->rt_gw_family == AF_INET6 ||
		 (rth->rt_gw_family == AF_INET &&
		  rth->rt_gw4 != rt->raddr.s6_addr32[3]))
		r = TLSMON_REFUSE_GATEWAY;
	else if (!rth->dst.dev)
		r = TLSMON_REFUSE_NO_ROUTE;
	*dev = rth->dst.dev;
	ip_rt_put(rth);
	return r;
}

/* As tlsmon_route4(), for an IPv6 peer. */
static int tlsmon_route6(struct net *net, const struct tlsmon_route *rt,
			 struct net_device **dev)
{
	struct flowi6 fl6 = {
		.flowi6_oif = rt->bound_if,
		.flowi6_mark = rt->mark,
		.flowi6_uid = rt->uid,
		.flowi6_proto = IPPROTO_TCP,
		.flowlabel = ip6_make_flowinfo(rt->tos, 0),
		.daddr = rt->raddr,
		.saddr = rt->laddr,
		.fl6_dport = rt->rport,
		.fl6_sport = rt->lport,
	};
	struct dst_entry *dst;
	struct rt6_info *rt6;
	int r = -1;

	/* a link-local peer is named by its interface */
	if ((ipv6_addr_type(&rt->raddr) & IPV6_ADDR_LINKLOCAL) && !rt->bound_if)
		return TLSMON_REFUSE_LINKLOCAL;
	dst = ip6_route_output(net, NULL, &fl6);
	rt6 = (struct rt6_info *)dst;
	if (dst->error || !dst->dev)
		r = TLSMON_REFUSE_NO_ROUTE;
	else if (rt6->rt6i_flags & (RTF_LOCAL | RTF_ANYCAST | RTF_REJECT) ||
		 ipv6_addr_is_multicast(&rt->raddr))
		r = TLSMON_REFUSE_NOT_UNICAST;
	else if (rt6->rt6i_flags & RTF_GATEWAY)
		r = TLSMON_REFUSE_GATEWAY;
	*dev = dst->dev;
	dst_release(dst);
	return r;
}

/**
 * tlsmon_export_check() - may keys of a session routed as @rt be exported?
 * @net: the socket's namespace
 * @pol: the namespace's policy
 * @rt: the socket's route parameters, as captured at tagging
 * @egress: if not NULL, receives the egress ifindex (0: none)
 * @why: set to the rule that refuses it
 *
 * The one export rule: export is on; the socket's own route to its peer
 * (its VRF or bound device, mark, uid, tos and ports) is a unicast route
 * without gateway; the device it leaves by is an export link of @pol and
 * passes tlsmon_link_check(); and the peer lies inside a prefix of at
 * least /16 (IPv4) or /64 (IPv6) configured on that device. IPv4-mapped
 * peers are routed as IPv4.
 *
 * Any context but NMI: the kTLS return probe (preemption off) and process
 * context. Takes rcu_read_lock() itself; the lookups are RCU-safe.
 *
 * Return: 0, or -EPERM with @why set.
 */
int tlsmon_export_check(struct net *net, const struct tlsmon_policy *pol,
			const struct tlsmon_route *rt, int *egress,
			const char **why)
{
	bool v4 = ipv6_addr_v4mapped(&rt->raddr);
	struct net_device *dev = NULL;
	int r, err;

	if (egress)
		*egress = 0;
	if (!pol->export)
		return tlsmon_refuse(TLSMON_REFUSE_EXPORT_OFF, why);
	rcu_read_lock();
	r = v4 ? tlsmon_route4(net, rt, &dev) : tlsmon_route6(net, rt, &dev);
	if (dev && egress)
		*egress = dev->ifindex;
	if (r >= 0)
		err = tlsmon_refuse(r, why);
	else if (!tlsmon_policy_has_link(pol, dev->ifindex))
		err = tlsmon_refuse(TLSMON_REFUSE_NOT_LISTED, why);
	else
		err = tlsmon_link_check(dev, why);
	if (!err && !(v4 ? tlsmon_prefix4(dev, rt->raddr.s6_addr32[3]) :
			   tlsmon_prefix6(dev, &rt->raddr)))
		err = tlsmon_refuse(TLSMON_REFUSE_PREFIX, why);
	rcu_read_unlock();
	return err;
}

/**
 * tlsmon_export_allowed() - may a session's keys leave the kernel now?
 * @net: the session's namespace
 * @pol: the namespace's policy, as the caller read it
 * @rt: the session's route parameters, as captured at tagging
 * @peer: in, what the rule found of the peer before (TLSMON_PEER_*);
 *	out, what it finds now
 *
 * The export rule of a session, in one place, for each copy of its keys
 * (tagging, the other direction, a rekey) and each time they would leave
 * (a fetch, a dump, a key notice): export is on, and tlsmon_export_check()
 * accepts the peer. TLSMON_PEER_UNKNOWN routes now; TLSMON_PEER_LOCAL is
 * taken as found (the other direction's installation, moments after the
 * tagging that routed); TLSMON_PEER_REMOTE stays refused. A refused peer
 * counts in TLSMON_STATS_A_EXPORT_REFUSED, export off does not. Nothing
 * else changes: what a refusal does to keys already kept is the caller's
 * (a rekey wipes them, a read only does not send them).
 *
 * Any context but NMI, as tlsmon_export_check().
 * Return: whether the keys may be copied or sent.
 */
bool tlsmon_export_allowed(struct net *net, const struct tlsmon_policy *pol,
			   const struct tlsmon_route *rt, u8 *peer)
{
	const char *why;

	if (!pol->export)
		return false;
	if (*peer == TLSMON_PEER_UNKNOWN)
		*peer = tlsmon_export_check(net, pol, rt, NULL, &why) ?
			TLSMON_PEER_REMOTE : TLSMON_PEER_LOCAL;
	if (*peer == TLSMON_PEER_LOCAL)
		return true;
	tlsmon_count(tlsmon_net(net), TLSMON_STATS_A_EXPORT_REFUSED);
	return false;
}

/**
 * tlsmon_route_of_sk() - the route parameters of @sk's packets
 * @sk: a connected TCP socket, locked by its owner or referenced
 * @rt: receives them
 */
void tlsmon_route_of_sk(const struct sock *sk, struct tlsmon_route *rt)
{
	const struct inet_sock *inet = inet_sk(sk);

	memset(rt, 0, sizeof(*rt));
	if (sk->sk_family == AF_INET) {
		ipv6_addr_set_v4mapped(inet->inet_saddr, &rt->laddr);
		ipv6_addr_set_v4mapped(inet->inet_daddr, &rt->raddr);
	} else {
		rt->laddr = sk->sk_v6_rcv_saddr;
		rt->raddr = sk->sk_v6_daddr;
	}
	rt->lport = inet->inet_sport;
	rt->rport = inet->inet_dport;
	rt->bound_if = READ_ONCE(sk->sk_bound_dev_if);
	rt->mark = READ_ONCE(sk->sk_mark);
	rt->uid = sk->sk_uid;
	/* a v4-mapped peer of an IPv6 socket is reached as IPv4 is */
	if (ipv6_addr_v4mapped(&rt->raddr))
		rt->tos = RT_TOS(READ_ONCE(inet->tos));
	else
		rt->tos = READ_ONCE(inet6_sk(sk)->tclass);
}
