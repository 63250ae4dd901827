// SPDX-License-Identifier: GPL-2.0
/*
 * A session is monitored only when both ends took part: the client
 * offered what the server selected. A server that selects a suite, a
 * version or an extension the client never offered is misbehaving (or the
 * handshake was not seen correctly); such a session is never monitored.
 */
#include "verdict.h"

static bool offered_suite(const struct tlsmon_client_hello *ch, u16 suite)
{
	u16 i;

	for (i = 0; i < ch->n_suites; i++)
		if (ch->suites[i] == suite)
			return true;
	return false;
}

/**
 * tlsmon_decide() - is the session of these hellos monitored?
 * @p: the policy of the socket's namespace, enabled
 * @ch: the client's final ClientHello (the second one after a
 *	HelloRetryRequest)
 * @sh: the server's final ServerHello
 * @v: receives the verdict
 */
void tlsmon_decide(const struct tlsmon_policy *p,
		   const struct tlsmon_client_hello *ch,
		   const struct tlsmon_server_hello *sh,
		   struct tlsmon_verdict *v)
{
	bool by_suite;
	u8 i;

	memset(v, 0, sizeof(*v));
	v->version = sh->version;
	v->suite = sh->suite;

	if (!offered_suite(ch, sh->suite)) {
		v->why = TLSMON_UNMON_UNOFFERED_SUITE;
		return;
	}
	if ((sh->version >> 8) != 3 || (sh->version & 0xff) > 4 ||
	    !(ch->versions & (1 << (sh->version & 0xff)))) {
		v->why = TLSMON_UNMON_UNOFFERED_VERSION;
		return;
	}
	for (i = 0; i < sh->n_priv_ext; i++) {
		if (!tlsmon_hello_has_ext(ch->priv_ext, ch->n_priv_ext,
					  sh->priv_ext[i])) {
			v->why = TLSMON_UNMON_UNSOLICITED_EXT;
			return;
		}
	}

	by_suite = tlsmon_policy_has_suite(p, sh->suite);
	v->consent = p->consent != TLSMON_CONSENT_OFF &&
		     tlsmon_hello_has_ext(sh->priv_ext, sh->n_priv_ext,
					  p->consent_ext);
	switch (p->consent) {
	case TLSMON_CONSENT_OFF:
		v->monitored = by_suite;
		break;
	case TLSMON_CONSENT_ACCEPT:
		v->monitored = by_suite || v->consent;
		break;
	default:
		v->monitored = by_suite && v->consent;
		break;
	}
	if (!v->monitored) {
		v->why = TLSMON_UNMON_NO_SIGNAL;
		return;
	}
	v->reason = (by_suite ? TLSMON_REASON_SUITE : 0) |
		    (v->consent ? TLSMON_REASON_CONSENT : 0);
}

/*
 * What kTLS must be given for each suite it can carry: the AEAD of the
 * suite, in the one TLS version the suite exists in. The _MON variants
 * map like the standard suites they copy. A suite not listed here cannot
 * be carried by kTLS, and a session that claims one is not believed.
 */
static const struct {
	u16 suite;
	u16 version;
	u16 cipher;
} tlsmon_suite_ciphers[] = {
	/* TLS 1.3 (RFC 8446, RFC 8998) */
	{ 0x1301, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128 },
	{ 0x1302, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_256 },
	{ 0x1303, TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305 },
	{ 0x1304, TLS_1_3_VERSION, TLS_CIPHER_AES_CCM_128 },
#ifdef TLS_CIPHER_SM4_GCM	/* kTLS has SM4 (compat/tls_sm4.c) */
	{ 0x00c6, TLS_1_3_VERSION, TLS_CIPHER_SM4_GCM },
	{ 0x00c7, TLS_1_3_VERSION, TLS_CIPHER_SM4_CCM },
#endif
	{ TLSMON_SUITE_AES_128_GCM_SHA256, TLS_1_3_VERSION,
	  TLS_CIPHER_AES_GCM_128 },
	{ TLSMON_SUITE_AES_256_GCM_SHA384, TLS_1_3_VERSION,
	  TLS_CIPHER_AES_GCM_256 },
	{ TLSMON_SUITE_CHACHA20_POLY1305_SHA256, TLS_1_3_VERSION,
	  TLS_CIPHER_CHACHA20_POLY1305 },
	{ TLSMON_SUITE_AES_128_CCM_SHA256, TLS_1_3_VERSION,
	  TLS_CIPHER_AES_CCM_128 },
	/* TLS 1.2 AES-GCM (RFC 5288, RFC 5289) */
	{ 0x009c, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128 },	/* RSA */
	{ 0x009d, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_256 },
	{ 0x009e, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128 },	/* DHE_RSA */
	{ 0x009f, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_256 },
	{ 0xc02b, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128 },	/* ECDHE_ECDSA */
	{ 0xc02c, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_256 },
	{ 0xc02f, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128 },	/* ECDHE_RSA */
	{ 0xc030, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_256 },
	/* TLS 1.2 AES-CCM with a 16-byte tag (RFC 6655, RFC 7251) */
	{ 0xc09c, TLS_1_2_VERSION, TLS_CIPHER_AES_CCM_128 },	/* RSA */
	{ 0xc09e, TLS_1_2_VERSION, TLS_CIPHER_AES_CCM_128 },	/* DHE_RSA */
	{ 0xc0ac, TLS_1_2_VERSION, TLS_CIPHER_AES_CCM_128 },	/* ECDHE_ECDSA */
	/* TLS 1.2 ChaCha20-Poly1305 (RFC 7905) */
	{ 0xcca8, TLS_1_2_VERSION, TLS_CIPHER_CHACHA20_POLY1305 },
	{ 0xcca9, TLS_1_2_VERSION, TLS_CIPHER_CHACHA20_POLY1305 },
	{ 0xccaa, TLS_1_2_VERSION, TLS_CIPHER_CHACHA20_POLY1305 },
	{ TLSMON_SUITE_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_1_2_VERSION,
	  TLS_CIPHER_AES_GCM_128 },
	{ TLSMON_SUITE_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_1_2_VERSION,
	  TLS_CIPHER_AES_GCM_256 },
	{ TLSMON_SUITE_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_1_2_VERSION,
	  TLS_CIPHER_AES_GCM_128 },
	{ TLSMON_SUITE_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_1_2_VERSION,
	  TLS_CIPHER_AES_GCM_256 },
	{ TLSMON_SUITE_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, TLS_1_2_VERSION,
	  TLS_CIPHER_CHACHA20_POLY1305 },
	{ TLSMON_SUITE_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	  TLS_1_2_VERSION, TLS_CIPHER_CHACHA20_POLY1305 },
};

/**
 * tlsmon_suite_cipher() - the kTLS cipher a negotiated suite implies
 * @suite: the cipher suite the ServerHello selected
 * @version: the TLS version negotiated (0x0303, 0x0304)
 *
 * Return: its TLS_CIPHER_*, or 0 for a suite kTLS cannot carry, or one
 * that does not exist in @version.
 */
u16 tlsmon_suite_cipher(u16 suite, u16 version)
{
	size_t i;

	for (i = 0; i < sizeof(tlsmon_suite_ciphers) /
			sizeof(tlsmon_suite_ciphers[0]); i++)
		if (tlsmon_suite_ciphers[i].suite == suite)
			return tlsmon_suite_ciphers[i].version == version ?
			       tlsmon_suite_ciphers[i].cipher : 0;
	return 0;
}

/**
 * tlsmon_install_matches() - is this kTLS installation the verdict's session?
 * @v: the verdict of the handshake read from the wire
 * @version: the TLS version being installed (crypto_info.version)
 * @cipher: the cipher being installed (crypto_info.cipher_type)
 *
 * The hellos tlsmon read and the keys the application installs must
 * describe one session: a cipher or version other than the negotiated
 * suite's means the hellos read are not the ones the socket's TLS stack
 * acted on (a forged hello, say), and the session is not monitored.
 */
bool tlsmon_install_matches(const struct tlsmon_verdict *v, u16 version,
			    u16 cipher)
{
	u16 want = tlsmon_suite_cipher(v->suite, v->version);

	return want && version == v->version && cipher == want;
}
