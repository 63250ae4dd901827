// SPDX-License-Identifier: GPL-2.0
/*
 * What key export needs: copying a direction's key material out of kTLS,
 * and the local-subnet rule. Decryption information must not leave the
 * immediate private network: a session's keys are exported only if its
 * peer lies inside a prefix configured on a non-loopback interface of the
 * socket's namespace and the route to the peer has no gateway. The rule
 * is checked when the session is tagged and again at every export.
 */
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <net/addrconf.h>
#include <net/ip6_route.h>
#include <net/ip_fib.h>
#include <net/tls.h>

#include "export.h"

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
	case TLS_CIPHER_SM4_GCM:
		COPY_KEYS(k, ci, tls12_crypto_info_sm4_gcm);
		break;
	case TLS_CIPHER_SM4_CCM:
		COPY_KEYS(k, ci, tls12_crypto_info_sm4_ccm);
		break;
	default:
		return false;
	}
	k->version = ci->info.version;
	k->cipher = ci->info.cipher_type;
	k->installed_ns = ktime_get_real_ns();
	return true;
}

static bool tlsmon_peer_local4(struct net *net, __be32 peer)
{
	struct flowi4 fl4 = { .daddr = peer };
	const struct fib_nh_common *nhc;
	const struct in_ifaddr *ifa;
	struct in_device *in_dev;
	struct fib_result res;
	bool local = false;

	rcu_read_lock();
	if (fib_lookup(net, &fl4, &res, 0) || res.type != RTN_UNICAST)
		goto out;
	nhc = res.nhc;
	/* a gateway, or no device: not directly connected */
	if (!nhc || nhc->nhc_gw_family || !nhc->nhc_dev ||
	    (nhc->nhc_dev->flags & IFF_LOOPBACK))
		goto out;
	/* the route alone is not enough: a prefix must be configured there */
	in_dev = __in_dev_get_rcu(nhc->nhc_dev);
	if (!in_dev)
		goto out;
	in_dev_for_each_ifa_rcu(ifa, in_dev) {
		if (inet_ifa_match(peer, ifa)) {
			local = true;
			break;
		}
	}
out:
	rcu_read_unlock();
	return local;
}

static bool tlsmon_peer_local6(struct net *net, const struct in6_addr *peer,
			       int oif)
{
	struct flowi6 fl6 = { .daddr = *peer };
	struct dst_entry *dst;
	bool local = false;

	/* a link-local peer is named by its interface */
	if (ipv6_addr_type(peer) & IPV6_ADDR_LINKLOCAL) {
		if (!oif)
			return false;
		fl6.flowi6_oif = oif;
	}
	dst = ip6_route_output(net, NULL, &fl6);
	if (!dst->error && dst->dev && !(dst->dev->flags & IFF_LOOPBACK) &&
	    !(((struct rt6_info *)dst)->rt6i_flags & RTF_GATEWAY))
		local = ipv6_chk_prefix(peer, dst->dev);
	dst_release(dst);
	return local;
}

/**
 * tlsmon_peer_local() - is @peer on a directly connected subnet of @net?
 * @net: the socket's namespace
 * @peer: the peer; IPv4 as IPv4-mapped
 * @oif: the socket's interface, which names a link-local peer's link
 *
 * Any context.
 */
bool tlsmon_peer_local(struct net *net, const struct in6_addr *peer, int oif)
{
	if (ipv6_addr_v4mapped(peer))
		return tlsmon_peer_local4(net, peer->s6_addr32[3]);
	return tlsmon_peer_local6(net, peer, oif);
}
