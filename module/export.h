/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_EXPORT_H
#define _TLSMON_EXPORT_H

#include <linux/in6.h>
#include <linux/types.h>

struct net;
struct tls_context;

/**
 * struct tlsmon_dir_keys - key material of one kTLS direction, as installed
 * @installed_ns: CLOCK_REALTIME at installation
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
bool tlsmon_peer_local(struct net *net, const struct in6_addr *peer, int oif);

#endif /* _TLSMON_EXPORT_H */
