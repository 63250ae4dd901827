/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-made TLS handshakes for the guest tests: real-format ClientHello,
 * ServerHello and HelloRetryRequest records (the module only reads the
 * wire), then kTLS installed with test keys as the kernel's own net/tls
 * selftest does.
 */
#ifndef TLSMON_HS_CRAFT_H
#define TLSMON_HS_CRAFT_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/tls.h>

#ifndef SOL_TLS
#define SOL_TLS 282
#endif

#define CRAFT_CONSENT_EXT	0xff4d

struct craft {
	uint8_t b[4096];
	size_t n;
};

static void c8(struct craft *c, unsigned int v)
{
	c->b[c->n++] = v;
}

static void c16(struct craft *c, unsigned int v)
{
	c8(c, v >> 8);
	c8(c, v);
}

static void c24(struct craft *c, unsigned int v)
{
	c8(c, v >> 16);
	c16(c, v);
}

/* Patch the 16-bit length at @at to cover everything after it. */
static void c_len16(struct craft *c, size_t at)
{
	size_t n = c->n - at - 2;

	c->b[at] = n >> 8;
	c->b[at + 1] = n;
}

static const uint8_t craft_hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/*
 * A handshake record holding one ClientHello; @pad bytes of padding
 * extension (RFC 7685) make it as large as real ones with post-quantum
 * key shares.
 */
static void craft_client_hello(struct craft *c, bool tls13, const uint16_t *suites,
			       unsigned int n_suites, bool consent, bool dup_ext,
			       unsigned int pad)
{
	size_t rec, msg, ext;
	unsigned int i;

	c8(c, 22);
	c16(c, 0x0301);
	rec = c->n;
	c16(c, 0);
	c8(c, 1);
	msg = c->n;
	c24(c, 0);
	c16(c, 0x0303);
	for (i = 0; i < 32; i++)
		c8(c, 0x11 * i);
	c8(c, 32);
	for (i = 0; i < 32; i++)
		c8(c, 0x5a);
	c16(c, 2 * n_suites);
	for (i = 0; i < n_suites; i++)
		c16(c, suites[i]);
	c8(c, 1);
	c8(c, 0);
	ext = c->n;
	c16(c, 0);
	/* supported_groups: x25519; twice for a malformed hello */
	for (i = 0; i < (dup_ext ? 2u : 1u); i++) {
		c16(c, 0x000a);
		c16(c, 4);
		c16(c, 2);
		c16(c, 0x001d);
	}
	if (tls13) {
		c16(c, 43);		/* supported_versions: 1.3, 1.2 */
		c16(c, 5);
		c8(c, 4);
		c16(c, 0x0304);
		c16(c, 0x0303);
	}
	if (consent) {
		c16(c, CRAFT_CONSENT_EXT);
		c16(c, 0);
	}
	if (pad) {
		c16(c, 21);
		c16(c, pad);
		for (i = 0; i < pad; i++)
			c8(c, 0);
	}
	c_len16(c, ext);
	c->b[msg] = 0;
	c->b[msg + 1] = (c->n - msg - 3) >> 8;
	c->b[msg + 2] = c->n - msg - 3;
	c_len16(c, rec);
}

/* A handshake record holding a ServerHello (or a HelloRetryRequest). */
/*
 * A ServerHello; with @ks (TLS 1.3 only), a key_share extension carrying
 * the 32 bytes at @ks as an x25519 key.
 */
static void craft_server_hello_ks(struct craft *c, bool tls13, uint16_t suite,
				  bool consent, bool hrr, const uint8_t *ks)
{
	size_t rec, msg, ext;
	unsigned int i;

	c8(c, 22);
	c16(c, 0x0303);
	rec = c->n;
	c16(c, 0);
	c8(c, 2);
	msg = c->n;
	c24(c, 0);
	c16(c, 0x0303);
	for (i = 0; i < 32; i++)
		c8(c, hrr ? craft_hrr_random[i] : 0x22 + i);
	c8(c, 32);
	for (i = 0; i < 32; i++)
		c8(c, 0x5a);
	c16(c, suite);
	c8(c, 0);
	ext = c->n;
	c16(c, 0);
	if (tls13) {
		c16(c, 43);
		c16(c, 2);
		c16(c, 0x0304);
	}
	if (tls13 && ks && !hrr) {
		c16(c, 51);
		c16(c, 2 + 2 + 32);
		c16(c, 0x001d);
		c16(c, 32);
		for (i = 0; i < 32; i++)
			c8(c, ks[i]);
	}
	if (consent) {
		c16(c, CRAFT_CONSENT_EXT);
		c16(c, 0);
	}
	c_len16(c, ext);
	c->b[msg] = 0;
	c->b[msg + 1] = (c->n - msg - 3) >> 8;
	c->b[msg + 2] = c->n - msg - 3;
	c_len16(c, rec);
}

static inline void craft_server_hello(struct craft *c, bool tls13,
				      uint16_t suite, bool consent, bool hrr)
{
	craft_server_hello_ks(c, tls13, suite, consent, hrr, NULL);
}

static inline void craft_ccs(struct craft *c)
{
	c8(c, 20);
	c16(c, 0x0303);
	c16(c, 1);
	c8(c, 1);
}

/* An application_data record standing for the encrypted rest. */
static void craft_encrypted(struct craft *c, unsigned int len)
{
	unsigned int i;

	c8(c, 23);
	c16(c, 0x0303);
	c16(c, len);
	for (i = 0; i < len; i++)
		c8(c, 0xa5);
}

static int send_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t w = send(fd, b, n, 0);

		if (w < 0)
			return -errno;
		b += w;
		n -= w;
	}
	return 0;
}

static int recv_all(int fd, void *p, size_t n)
{
	uint8_t *b = p;

	while (n) {
		ssize_t r = recv(fd, b, n, 0);

		if (r <= 0)
			return r < 0 ? -errno : -EPIPE;
		b += r;
		n -= r;
	}
	return 0;
}

/**
 * struct craft_cipher - a kTLS cipher and the layout of its crypto_info
 */
struct craft_cipher {
	const char *name;
	uint16_t type;
	size_t size, iv_off, iv, key_off, key, salt_off, salt;
};

#define CRAFT_CIPHER(n, t, s)						\
	{ n, TLS_CIPHER_##t, sizeof(struct s),				\
	  offsetof(struct s, iv), TLS_CIPHER_##t##_IV_SIZE,		\
	  offsetof(struct s, key), TLS_CIPHER_##t##_KEY_SIZE,		\
	  offsetof(struct s, salt), TLS_CIPHER_##t##_SALT_SIZE }

static const struct craft_cipher craft_ciphers[] = {
	CRAFT_CIPHER("aes-gcm-128", AES_GCM_128, tls12_crypto_info_aes_gcm_128),
	CRAFT_CIPHER("aes-gcm-256", AES_GCM_256, tls12_crypto_info_aes_gcm_256),
	CRAFT_CIPHER("aes-ccm-128", AES_CCM_128, tls12_crypto_info_aes_ccm_128),
	CRAFT_CIPHER("chacha20-poly1305", CHACHA20_POLY1305,
		     tls12_crypto_info_chacha20_poly1305),
	CRAFT_CIPHER("sm4-gcm", SM4_GCM, tls12_crypto_info_sm4_gcm),
	CRAFT_CIPHER("sm4-ccm", SM4_CCM, tls12_crypto_info_sm4_ccm),
};

static const struct craft_cipher *craft_cipher(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(craft_ciphers) / sizeof(craft_ciphers[0]); i++)
		if (!strcmp(craft_ciphers[i].name, name))
			return &craft_ciphers[i];
	return NULL;
}

/*
 * Install kTLS in one direction with keys both ends derive alike: the
 * client's TX keys are the server's RX keys.
 */
static int ktls_install(int fd, const struct craft_cipher *c, bool tls13,
			bool tx, bool client_writes)
{
	uint8_t buf[128];
	struct tls_crypto_info *info = (void *)buf;
	size_t i;

	memset(buf, 0, sizeof(buf));
	info->version = tls13 ? TLS_1_3_VERSION : TLS_1_2_VERSION;
	info->cipher_type = c->type;
	for (i = 0; i < c->key; i++)
		buf[c->key_off + i] = (client_writes ? 0x10 : 0x40) + i;
	for (i = 0; i < c->iv; i++)
		buf[c->iv_off + i] = (client_writes ? 0x20 : 0x50) + i;
	for (i = 0; i < c->salt; i++)
		buf[c->salt_off + i] = (client_writes ? 0x30 : 0x60) + i;
	if (setsockopt(fd, SOL_TLS, tx ? TLS_TX : TLS_RX, buf, c->size))
		return -errno;
	return 0;
}

static int ktls_ulp(int fd)
{
	if (setsockopt(fd, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")))
		return -errno;
	return 0;
}

#endif /* TLSMON_HS_CRAFT_H */
