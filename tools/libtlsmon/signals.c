// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every monitoring signal a peer sent, and a client that refuses them.
 *
 * Besides tlsmon's own signals (the consent extension, a private-use
 * monitoring suite), a server may announce ETSI TS 103 523-3 (Enterprise
 * Transport Security): TLS 1.3 with a static Diffie-Hellman key that a
 * third party holds as well. Its optional signal is an otherName in the
 * server certificate's subjectAltName, type-id 0.4.0.3523.3.1, holding
 *
 *   VisibilityInformation ::= SEQUENCE {
 *       fingerprint       OCTET STRING (SIZE(10)),
 *       accessDescription UTF8String }
 *
 * where the fingerprint is the first 80 bits of SHA-256 of the static
 * public key the server sends in its ServerHello key_share, as that
 * extension carries it (the raw 32 bytes for x25519, the uncompressed
 * point for the NIST curves).
 *
 * The signal's bytes come from the peer: they are parsed with OpenSSL's
 * bounded DER decoders, and anything under that type-id that is not
 * exactly one VisibilityInformation (another type, a fingerprint of
 * another size, another element, bytes after it, invalid UTF-8, a NUL
 * in the text, two such names) is reported as malformed, and refused by
 * a refusing client like a well-formed one.
 *
 * A refusing client (TLSMON_LIB_REFUSE) checks the consent echo as it
 * parses the ServerHello (consent.c), and the suite and the certificate
 * in the certificate verification callback: in TLS 1.3 both come before
 * the client sends anything under the handshake's keys, and a third
 * party holding the static key holds those too. The callback makes the
 * handshake fail even under SSL_VERIFY_NONE, which would otherwise
 * ignore it, by turning SSL_VERIFY_PEER on for that connection before it
 * returns its failure; otherwise it verifies the chain as OpenSSL would
 * (X509_verify_cert(), with the application's verify callback).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "internal.h"

static int err_lib;
static ASN1_OBJECT *ets_oid;
static pthread_once_t err_once = PTHREAD_ONCE_INIT;

/* The library's name first; its code is known only at run time. */
static ERR_STRING_DATA err_strings[] = {
	{ 0, "tlsmon" },
	{ TLSMON_LIB_REFUSED_CONSENT,
	  "server signalled monitoring: it echoed the tlsmon consent extension" },
	{ TLSMON_LIB_REFUSED_SUITE,
	  "server signalled monitoring: it selected a monitoring cipher suite" },
	{ TLSMON_LIB_REFUSED_ETS,
	  "server signalled monitoring: its certificate carries the ETSI TS 103 523-3 visibility signal" },
	{ 0, NULL },
};

static void err_init(void)
{
	err_lib = ERR_get_next_error_library();
	/* loading stops at the first entry without a code */
	err_strings[0].error = ERR_PACK(err_lib, 0, 0);
	ERR_load_strings(err_lib, err_strings);
	ets_oid = OBJ_txt2obj(TLSMON_LIB_ETS_OID, 1);
}

/**
 * tlsmon_err_library() - libtlsmon's library code in OpenSSL's error queue
 *
 * Return: the code ERR_GET_LIB() gives for libtlsmon's errors, whose
 * reasons are the TLSMON_LIB_REFUSED_* values.
 */
int tlsmon_err_library(void)
{
	pthread_once(&err_once, err_init);
	return err_lib;
}

void tlsmon_raise(int reason)
{
	ERR_raise(tlsmon_err_library(), reason);
}

/* A UTF-8 string cut to at most @max bytes, at a character's start. */
static size_t utf8_cut(const unsigned char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max && (s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* One otherName's value: 0 with @ets filled in, -1 if malformed. */
static int ets_value(const ASN1_TYPE *v, struct tlsmon_ets *ets)
{
	STACK_OF(ASN1_TYPE) *seq;
	const unsigned char *p, *end;
	const ASN1_STRING *fp, *desc;
	unsigned char *utf8 = NULL;
	int n, ret = -1;
	size_t len;

	if (!v || v->type != V_ASN1_SEQUENCE || !v->value.sequence)
		return -1;
	p = v->value.sequence->data;
	end = p + v->value.sequence->length;
	seq = d2i_ASN1_SEQUENCE_ANY(NULL, &p, v->value.sequence->length);
	if (!seq)
		return -1;
	if (p != end || sk_ASN1_TYPE_num(seq) != 2)
		goto out;
	if (sk_ASN1_TYPE_value(seq, 0)->type != V_ASN1_OCTET_STRING ||
	    sk_ASN1_TYPE_value(seq, 1)->type != V_ASN1_UTF8STRING)
		goto out;
	fp = sk_ASN1_TYPE_value(seq, 0)->value.octet_string;
	desc = sk_ASN1_TYPE_value(seq, 1)->value.utf8string;
	if (ASN1_STRING_length(fp) != 10)
		goto out;
	/* checks the UTF-8 as it converts it */
	n = ASN1_STRING_to_UTF8(&utf8, desc);
	if (n < 0 || memchr(utf8, 0, n))
		goto out;
	memcpy(ets->fingerprint, ASN1_STRING_get0_data(fp), 10);
	len = utf8_cut(utf8, n, TLSMON_LIB_ETS_DESC_MAX);
	memcpy(ets->desc, utf8, len);
	ets->desc[len] = 0;
	ets->truncated = len < (size_t)n;
	ret = 0;
out:
	OPENSSL_free(utf8);
	sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
	return ret;
}

/**
 * tlsmon_ets_parse() - the visibility signal of a certificate
 * @cert: the certificate, or NULL
 * @ets: receives what it carries; zeroed first
 */
void tlsmon_ets_parse(X509 *cert, struct tlsmon_ets *ets)
{
	GENERAL_NAMES *names;
	int crit = -1, i, found = 0;

	memset(ets, 0, sizeof(*ets));
	pthread_once(&err_once, err_init);
	if (!cert || !ets_oid)
		return;
	names = X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, NULL);
	if (!names) {
		/* -1: no such extension; otherwise it is there, undecodable */
		if (crit != -1 &&
		    X509_get_ext_by_NID(cert, NID_subject_alt_name, -1) >= 0)
			ets->state = TLSMON_LIB_ETS_MALFORMED;
		return;
	}
	for (i = 0; i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);

		if (gn->type != GEN_OTHERNAME || !gn->d.otherName ||
		    OBJ_cmp(gn->d.otherName->type_id, ets_oid))
			continue;
		if (found++ || ets_value(gn->d.otherName->value, ets)) {
			memset(ets, 0, sizeof(*ets));
			ets->state = TLSMON_LIB_ETS_MALFORMED;
			break;
		}
		ets->state = TLSMON_LIB_ETS_PRESENT;
	}
	GENERAL_NAMES_free(names);
}

/**
 * tlsmon_ets_fp_check() - does a fingerprint name the ServerHello's key?
 * @ssl: a TLS 1.3 client connection past its ServerHello
 * @fp: the signal's fingerprint
 *
 * Return: TLSMON_LIB_FP_MATCH, _MISMATCH, or _UNCHECKED when there is no
 * TLS 1.3 key share of the server to compare with.
 */
int tlsmon_ets_fp_check(SSL *ssl, const uint8_t fp[10])
{
	unsigned char md[EVP_MAX_MD_SIZE], *pub = NULL;
	unsigned int mdlen = 0;
	EVP_PKEY *key = NULL;
	size_t len;
	int ret = TLSMON_LIB_FP_UNCHECKED;

	if (SSL_version(ssl) != TLS1_3_VERSION || SSL_is_server(ssl) ||
	    !SSL_get_peer_tmp_key(ssl, &key))
		return ret;
	len = EVP_PKEY_get1_encoded_public_key(key, &pub);
	if (len && EVP_Digest(pub, len, md, &mdlen, EVP_sha256(), NULL) &&
	    mdlen >= 10)
		ret = memcmp(md, fp, 10) ? TLSMON_LIB_FP_MISMATCH : TLSMON_LIB_FP_MATCH;
	OPENSSL_free(pub);
	EVP_PKEY_free(key);
	return ret;
}

/* The suite a connection negotiated, or is negotiating. */
static uint16_t ssl_suite(const SSL *ssl)
{
	const SSL_CIPHER *c = SSL_get_pending_cipher(ssl);

	if (!c)
		c = SSL_get_current_cipher(ssl);
	return c ? SSL_CIPHER_get_protocol_id(c) : 0;
}

static int refuse(SSL *ssl, X509_STORE_CTX *x, int reason)
{
	tlsmon_ex_mark(ssl, (unsigned int)reason << TLSMON_EX_REFUSED_SHIFT);
	tlsmon_raise(reason);
	/* handshake_failure, and a failure OpenSSL acts on under VERIFY_NONE */
	X509_STORE_CTX_set_error(x, X509_V_ERR_APPLICATION_VERIFICATION);
	SSL_set_verify(ssl, SSL_get_verify_mode(ssl) | SSL_VERIFY_PEER,
		       SSL_get_verify_callback(ssl));
	return 0;
}

static int cert_check(X509_STORE_CTX *x, void *arg)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tlsmon_ets ets;

	if (ssl && !SSL_is_server(ssl)) {
		if (ssl_suite(ssl) >= 0xff00)
			return refuse(ssl, x, TLSMON_LIB_REFUSED_SUITE);
		tlsmon_ets_parse(X509_STORE_CTX_get0_cert(x), &ets);
		if (ets.state != TLSMON_LIB_ETS_NONE)
			return refuse(ssl, x, TLSMON_LIB_REFUSED_ETS);
	}
	return X509_verify_cert(x);
}

int tlsmon_install_cert_check(SSL_CTX *ctx)
{
	if (tlsmon_err_library() <= 0)
		return -1;
	SSL_CTX_set_cert_verify_callback(ctx, cert_check, NULL);
	return 0;
}

/**
 * tlsmon_ssl_refused() - why a refusing client aborted its handshake
 * @ssl: the connection
 *
 * Return: TLSMON_LIB_REFUSED_* bits, 0 when nothing was refused.
 */
int tlsmon_ssl_refused(const SSL *ssl)
{
	return (tlsmon_ex_get(ssl) >> TLSMON_EX_REFUSED_SHIFT) & 0xff;
}

/**
 * tlsmon_ssl_signals() - every monitoring signal of a connection
 * @ssl: a connection whose handshake is done
 * @sig: receives them; zeroed first
 *
 * The certificate's signal is the peer's, so a client's; the kernel is
 * asked over the connection's socket (tlsmon_ssl_monitored()).
 *
 * Return: 1 when any signal says the connection is or may be monitored
 * (consent both ways, a monitoring suite, an ETS signal, well formed or
 * not, the kernel's tag or its static key share flag), 0 when none does,
 * or TLSMON_LIB_INCONSISTENT when the kernel's answer contradicts the
 * handshake (@sig->kernel says so too).
 */
int tlsmon_ssl_signals(SSL *ssl, struct tlsmon_signals *sig)
{
	const int both = TLSMON_LIB_SENT | TLSMON_LIB_RECEIVED;
	X509 *peer = NULL;
	struct tlsmon_ets ets;
	int fd, any;

	memset(sig, 0, sizeof(*sig));
	if (!ssl)
		return -EINVAL;
	sig->consent = tlsmon_ssl_consent(ssl);
	sig->version = SSL_version(ssl);
	sig->suite = ssl_suite(ssl);
	sig->monitoring_suite = sig->suite >= 0xff00;
	if (!SSL_is_server(ssl))
		peer = SSL_get1_peer_certificate(ssl);
	tlsmon_ets_parse(peer, &ets);
	X509_free(peer);
	sig->ets = ets.state;
	if (ets.state == TLSMON_LIB_ETS_PRESENT) {
		memcpy(sig->fingerprint, ets.fingerprint, sizeof(sig->fingerprint));
		memcpy(sig->access_description, ets.desc, sizeof(ets.desc));
		sig->desc_truncated = ets.truncated;
		sig->ets_fingerprint = tlsmon_ets_fp_check(ssl, ets.fingerprint);
	}

	fd = SSL_get_fd(ssl);
	if (fd < 0) {
		sig->kernel = -EBADF;
	} else {
		sig->kernel = tlsmon_socket_query(fd, &sig->status,
						  &sig->static_key_share);
		if (sig->kernel == 1 &&
		    tlsmon_status_check(&sig->status, sig->consent, sig->suite)) {
			sig->status.monitored = 0;
			sig->kernel = TLSMON_LIB_INCONSISTENT;
		}
	}
	if (sig->kernel == TLSMON_LIB_INCONSISTENT)
		return TLSMON_LIB_INCONSISTENT;
	any = (sig->consent & both) == both || sig->monitoring_suite ||
	      sig->ets != TLSMON_LIB_ETS_NONE || sig->kernel == 1 ||
	      sig->static_key_share;
	return any;
}
