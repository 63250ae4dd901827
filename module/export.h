/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_EXPORT_H
#define _TLSMON_EXPORT_H

#include <linux/in6.h>
#include <linux/types.h>
#include <linux/uidgid.h>

struct net;
struct net_device;
struct sock;
struct tls_context;
struct tlsmon_policy;

/**
 * struct tlsmon_route - what the routing of a socket's packets depends on
 * @laddr: local address (IPv4: IPv4-mapped)
 * @raddr: peer address, likewise
 * @lport: local port, network order
 * @rport: peer port, network order
 * @bound_if: sk_bound_dev_if: the VRF or device the socket is bound to
 * @mark: sk_mark, after tlsmon's own rewrite
 * @uid: sk_uid
 * @tos: RT_TOS(inet->tos) for IPv4 peers, the traffic class for IPv6
 *
 * Taken from the socket when it is tagged (and by TLSMON_CMD_PEER_GET), so
 * that the export rule routes as the socket's own packets are routed.
 */
struct tlsmon_route {
	struct in6_addr laddr;
	struct in6_addr raddr;
	__be16 lport;
	__be16 rport;
	int bound_if;
	u32 mark;
	kuid_t uid;
	u8 tos;
};

/**
 * struct tlsmon_dir_keys - key material of one kTLS direction, as installed
 * @installed_ns: CLOCK_REALTIME at installation
 * @epoch: rekeys of the direction before these keys (0: the first keys)
 * @version: TLS_1_2_VERSION or TLS_1_3_VERSION, as given to kTLS
 * @cipher: TLS_CIPHER_*
 * @key_len: bytes of @key
 * @iv_len: bytes of @iv
 * @salt_len: bytes of @salt
 * @rec_seq_len: bytes of @rec_seq
 * @key: the traffic key
 * @iv: the IV (TLS 1.2: explicit nonce; TLS 1.3: the static IV's tail)
 * @salt: the implicit nonce part (TLS 1.3: the static IV's head)
 * @rec_seq: the record sequence number at installation
 *
 * Wiped with memzero_explicit() or freed with kfree_sensitive().
 */
struct tlsmon_dir_keys {
	u64 installed_ns;
	u32 epoch;
	u16 version;
	u16 cipher;
	u8 key_len;
	u8 iv_len;
	u8 salt_len;
	u8 rec_seq_len;
	u8 key[32];
	u8 iv[16];
	u8 salt[4];
	u8 rec_seq[8];
};

bool tlsmon_keys_capture(const struct tls_context *ctx, bool tx,
			 struct tlsmon_dir_keys *k);
bool tlsmon_export_allowed(struct net *net, const struct tlsmon_policy *pol,
			   const struct tlsmon_route *rt, u8 *peer);
void tlsmon_route_of_sk(const struct sock *sk, struct tlsmon_route *rt);
int tlsmon_link_check(const struct net_device *dev, const char **why);
int tlsmon_link_usable(struct net *net, u32 ifindex, const char **why);
int tlsmon_export_check(struct net *net, const struct tlsmon_policy *pol,
			const struct tlsmon_route *rt, int *egress,
			const char **why);

#endif /* _TLSMON_EXPORT_H */
