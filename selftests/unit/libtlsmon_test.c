// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of libtlsmon as an application links it (the installed shared
 * library, found through pkg-config): the consent extension between real
 * OpenSSL client and server contexts over a memory BIO pair, argument
 * checks, and the module query where no module is loaded (the host).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <libtlsmon.h>

#include "kselftest_harness.h"

/* A throwaway self-signed P-256 certificate. */
static void make_cert(EVP_PKEY **key, X509 **cert)
{
	X509_NAME *name;

	*key = EVP_EC_gen("P-256");
	*cert = X509_new();
	ASN1_INTEGER_set(X509_get_serialNumber(*cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(*cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(*cert), 3600);
	X509_set_pubkey(*cert, *key);
	name = X509_get_subject_name(*cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"tlsmon-test", -1, -1, 0);
	X509_set_issuer_name(*cert, name);
	X509_sign(*cert, *key, EVP_sha256());
}

struct pair {
	SSL_CTX *cctx, *sctx;
	SSL *c, *s;
};

/* Both ends' handshake over a BIO pair: 1 done, 0 failed. */
static int handshake(struct pair *p, int version, unsigned int cflags,
		     unsigned int sflags)
{
	static EVP_PKEY *key;
	static X509 *cert;
	BIO *bc, *bs;
	int i, rc = -1, rs = -1;

	if (!key)
		make_cert(&key, &cert);
	p->cctx = SSL_CTX_new(TLS_client_method());
	p->sctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_set_min_proto_version(p->cctx, version);
	SSL_CTX_set_max_proto_version(p->cctx, version);
	SSL_CTX_use_certificate(p->sctx, cert);
	SSL_CTX_use_PrivateKey(p->sctx, key);
	if (tlsmon_ssl_ctx_setup(p->cctx, cflags) || tlsmon_ssl_ctx_setup(p->sctx, sflags))
		return 0;
	p->c = SSL_new(p->cctx);
	p->s = SSL_new(p->sctx);
	BIO_new_bio_pair(&bc, 0, &bs, 0);
	SSL_set_bio(p->c, bc, bc);
	SSL_set_bio(p->s, bs, bs);
	SSL_set_connect_state(p->c);
	SSL_set_accept_state(p->s);
	for (i = 0; i < 20 && (rc != 1 || rs != 1); i++) {
		if (rc != 1)
			rc = SSL_do_handshake(p->c);
		if (rs != 1)
			rs = SSL_do_handshake(p->s);
		if ((rc <= 0 && SSL_get_error(p->c, rc) != SSL_ERROR_WANT_READ) ||
		    (rs <= 0 && SSL_get_error(p->s, rs) != SSL_ERROR_WANT_READ))
			return 0;
	}
	return rc == 1 && rs == 1;
}

static void pair_free(struct pair *p)
{
	SSL_free(p->c);
	SSL_free(p->s);
	SSL_CTX_free(p->cctx);
	SSL_CTX_free(p->sctx);
}

static const int versions[] = { TLS1_3_VERSION, TLS1_2_VERSION };

TEST(consent_both_ends)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct pair p;

		ASSERT_EQ(1, handshake(&p, versions[i], TLSMON_LIB_OFFER, TLSMON_LIB_MONITOR));
		EXPECT_EQ(TLSMON_LIB_SENT | TLSMON_LIB_RECEIVED, tlsmon_ssl_consent(p.c));
		EXPECT_EQ(TLSMON_LIB_SENT | TLSMON_LIB_RECEIVED, tlsmon_ssl_consent(p.s));
		/* a context set up by libtlsmon asks for kTLS */
		EXPECT_TRUE(SSL_CTX_get_options(p.cctx) & SSL_OP_ENABLE_KTLS);
		/* no socket under a BIO pair: nothing offloaded */
		EXPECT_EQ(0, tlsmon_ssl_ktls(p.c));
		pair_free(&p);
	}
}

TEST(server_that_does_not_monitor_stays_silent)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct pair p;

		ASSERT_EQ(1, handshake(&p, versions[i], TLSMON_LIB_OFFER, 0));
		EXPECT_EQ(TLSMON_LIB_SENT, tlsmon_ssl_consent(p.c));
		EXPECT_EQ(TLSMON_LIB_RECEIVED, tlsmon_ssl_consent(p.s));
		pair_free(&p);
	}
}

TEST(client_that_does_not_offer_gets_no_echo)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct pair p;

		ASSERT_EQ(1, handshake(&p, versions[i], 0, TLSMON_LIB_MONITOR));
		EXPECT_EQ(0, tlsmon_ssl_consent(p.c));
		EXPECT_EQ(0, tlsmon_ssl_consent(p.s));
		pair_free(&p);
	}
}

TEST(no_ktls_flag)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	ASSERT_EQ(0, tlsmon_ssl_ctx_setup(ctx, TLSMON_LIB_OFFER | TLSMON_LIB_NO_KTLS));
	EXPECT_FALSE(SSL_CTX_get_options(ctx) & SSL_OP_ENABLE_KTLS);
	SSL_CTX_free(ctx);
}

TEST(bad_arguments)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	EXPECT_EQ(-EINVAL, tlsmon_ssl_ctx_setup(NULL, 0));
	EXPECT_EQ(-EINVAL, tlsmon_ssl_ctx_setup(ctx, 0x80));
	EXPECT_EQ(-EINVAL, tlsmon_ssl_ctx_setup_ext(ctx, 0, 0x1301));
	EXPECT_EQ(-EINVAL, tlsmon_ssl_ctx_setup_ext(ctx, 0, 0xff01));
	EXPECT_EQ(0, tlsmon_ssl_ctx_setup_ext(ctx, 0, 0xff55));
	/* the same extension twice on one context */
	EXPECT_EQ(-EINVAL, tlsmon_ssl_ctx_setup_ext(ctx, 0, 0xff55));
	SSL_CTX_free(ctx);
}

TEST(query_without_module)
{
	struct tlsmon_status st;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ASSERT_LE(0, fd);
	/* the host never has the module: not monitored, and it says why */
	EXPECT_EQ(0, tlsmon_socket_status(fd, &st));
	EXPECT_EQ(0, st.monitored);
	EXPECT_EQ(0, st.module_loaded);
	EXPECT_NE(0, st.cookie);
	close(fd);
	EXPECT_EQ(-EBADF, tlsmon_socket_status(fd, &st));
	fd = open("/dev/null", O_RDONLY);
	EXPECT_EQ(-ENOTSOCK, tlsmon_socket_status(fd, &st));
	close(fd);
}

/*
 * The module's answer against this end's handshake: a reason the
 * handshake does not back is an inconsistency, never "monitored".
 */
TEST(status_check)
{
	const int both = TLSMON_LIB_SENT | TLSMON_LIB_RECEIVED;
	struct tlsmon_status st = { .monitored = 1, .module_loaded = 1,
				    .reason = TLSMON_LIB_REASON_CONSENT,
				    .suite = 0x1301 };

	/* consent seen both ways, the same suite */
	EXPECT_EQ(0, tlsmon_status_check(&st, both, 0x1301));
	/* the extension sent, never received back (a forged echo) */
	EXPECT_EQ(TLSMON_LIB_INCONSISTENT, tlsmon_status_check(&st, TLSMON_LIB_SENT, 0x1301));
	EXPECT_EQ(TLSMON_LIB_INCONSISTENT, tlsmon_status_check(&st, 0, 0x1301));
	/* the module read another ServerHello (AES-128 vs AES-256) */
	EXPECT_EQ(TLSMON_LIB_INCONSISTENT, tlsmon_status_check(&st, both, 0x1302));

	st.reason = TLSMON_LIB_REASON_SUITE;
	st.suite = 0xff01;
	EXPECT_EQ(0, tlsmon_status_check(&st, 0, 0xff01));
	EXPECT_EQ(TLSMON_LIB_INCONSISTENT, tlsmon_status_check(&st, 0, 0xff02));
	/* a standard suite is never a monitoring suite */
	st.suite = 0x1302;
	EXPECT_EQ(TLSMON_LIB_INCONSISTENT, tlsmon_status_check(&st, both, 0x1302));

	st.reason = TLSMON_LIB_REASON_SUITE | TLSMON_LIB_REASON_CONSENT;
	st.suite = 0xff01;
	EXPECT_EQ(0, tlsmon_status_check(&st, both, 0xff01));
	EXPECT_EQ(TLSMON_LIB_INCONSISTENT, tlsmon_status_check(&st, TLSMON_LIB_RECEIVED, 0xff01));

	/* monitored for no reason at all */
	st.reason = 0;
	EXPECT_EQ(TLSMON_LIB_INCONSISTENT, tlsmon_status_check(&st, both, 0xff01));

	/* not monitored: nothing to contradict */
	st.monitored = 0;
	EXPECT_EQ(0, tlsmon_status_check(&st, 0, 0x1302));
	EXPECT_GT(0, TLSMON_LIB_INCONSISTENT);
}

/* --- the ETSI TS 103 523-3 visibility signal ------------------------- */

static EVP_PKEY *ets_key;

/* DER of VisibilityInformation: @fp_len bytes of @fp, then @desc. */
static size_t vi_der(unsigned char *out, const unsigned char *fp, size_t fp_len,
		     const char *desc, size_t desc_len)
{
	size_t n = 0, body = 2 + fp_len + 2 + desc_len;

	out[n++] = 0x30;
	out[n++] = body;
	out[n++] = 0x04;
	out[n++] = fp_len;
	memcpy(out + n, fp, fp_len);
	n += fp_len;
	out[n++] = 0x0c;
	out[n++] = desc_len;
	memcpy(out + n, desc, desc_len);
	return n + desc_len;
}

/*
 * A certificate of ets_key whose subjectAltName holds a DNS name and, for
 * each of the @n values, an otherName of type-id 0.4.0.3523.3.1 whose
 * value is those DER bytes as they are (a SEQUENCE's content is not
 * checked when written, so a broken one makes a subjectAltName that does
 * not decode).
 */
static X509 *ets_cert(const unsigned char *const *vals, const size_t *lens, int n)
{
	GENERAL_NAMES *names = GENERAL_NAMES_new();
	GENERAL_NAME *gn;
	X509_NAME *name;
	X509 *cert;
	int i;

	if (!ets_key)
		ets_key = EVP_EC_gen("P-256");
	cert = X509_new();
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 2);
	X509_gmtime_adj(X509_getm_notBefore(cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
	X509_set_pubkey(cert, ets_key);
	name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"ets-test", -1, -1, 0);
	X509_set_issuer_name(cert, name);

	gn = GENERAL_NAME_new();
	gn->type = GEN_DNS;
	gn->d.dNSName = ASN1_IA5STRING_new();
	ASN1_STRING_set(gn->d.dNSName, "ets-test", -1);
	sk_GENERAL_NAME_push(names, gn);
	for (i = 0; i < n; i++) {
		ASN1_TYPE *v = ASN1_TYPE_new();
		ASN1_STRING *raw = ASN1_STRING_type_new(V_ASN1_SEQUENCE);
		const unsigned char *p = vals[i];
		ASN1_TYPE *parsed = d2i_ASN1_TYPE(NULL, &p, lens[i]);

		if (parsed && p == vals[i] + lens[i]) {
			ASN1_TYPE_free(v);
			ASN1_STRING_free(raw);
			v = parsed;
		} else {
			ASN1_TYPE_free(parsed);
			ASN1_STRING_set(raw, vals[i], lens[i]);
			ASN1_TYPE_set(v, V_ASN1_SEQUENCE, raw);
		}
		gn = GENERAL_NAME_new();
		GENERAL_NAME_set0_othername(gn, OBJ_txt2obj(TLSMON_LIB_ETS_OID, 1), v);
		sk_GENERAL_NAME_push(names, gn);
	}
	X509_add1_ext_i2d(cert, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT);
	GENERAL_NAMES_free(names);
	X509_sign(cert, ets_key, EVP_sha256());
	return cert;
}

static X509 *ets_cert1(const unsigned char *val, size_t len)
{
	return ets_cert(&val, &len, 1);
}

static const char ets_text[] = "Example Corp: sessions decrypted for audit, see https://example.invalid/ets";

/*
 * The server's EncryptedExtensions is built after its ServerHello, and
 * before its Certificate: its key share is known, and the certificate
 * can still be changed. This one is made for that key share.
 */
static int match_add(SSL *s, unsigned int ext_type, unsigned int context,
		     const unsigned char **out, size_t *outlen, X509 *x,
		     size_t chainidx, int *al, void *add_arg)
{
	unsigned char md[32], der[128], *pub = NULL;
	EVP_PKEY *tmp = NULL;
	size_t len;
	X509 *cert;

	if (!SSL_get_tmp_key(s, &tmp))
		return 0;
	len = EVP_PKEY_get1_encoded_public_key(tmp, &pub);
	EVP_Digest(pub, len, md, NULL, EVP_sha256(), NULL);
	OPENSSL_free(pub);
	EVP_PKEY_free(tmp);
	cert = ets_cert1(der, vi_der(der, md, 10, ets_text, strlen(ets_text)));
	SSL_use_certificate(s, cert);
	X509_free(cert);
	return 0;	/* nothing to send */
}

/* The client's side of that extension: empty, so that the server's runs. */
static int empty_add(SSL *s, unsigned int ext_type, unsigned int context,
		     const unsigned char **out, size_t *outlen, X509 *x,
		     size_t chainidx, int *al, void *add_arg)
{
	*out = NULL;
	*outlen = 0;
	return 1;
}

static int any_parse(SSL *s, unsigned int ext_type, unsigned int context,
		     const unsigned char *in, size_t inlen, X509 *x,
		     size_t chainidx, int *al, void *parse_arg)
{
	return 1;
}

/* The first of the thread's errors that is libtlsmon's, or 0. */
static unsigned long tlsmon_error(void)
{
	unsigned long e;

	while ((e = ERR_get_error())) {
		if (ERR_GET_LIB(e) == tlsmon_err_library())
			return e;
	}
	return 0;
}

/* The server's key share as the ServerHello carried it on the wire. */
static unsigned char wire_ks[256];
static size_t wire_ks_len;

static void sh_msg_cb(int write_p, int version, int content_type,
		      const void *buf, size_t len, SSL *ssl, void *arg)
{
	const unsigned char *m = buf, *end = m + len;
	size_t at = 4 + 2 + 32;

	if (write_p || content_type != SSL3_RT_HANDSHAKE || len < at + 1 || m[0] != 2)
		return;
	at += 1 + m[at] + 2 + 1 + 2;	/* session id, suite, compression, ext length */
	while (m + at + 4 <= end) {
		unsigned int type = m[at] << 8 | m[at + 1];
		unsigned int elen = m[at + 2] << 8 | m[at + 3];

		at += 4;
		if (type == 51 && elen >= 4 && m + at + elen <= end) {
			wire_ks_len = m[at + 2] << 8 | m[at + 3];
			if (wire_ks_len > sizeof(wire_ks) || wire_ks_len + 4 != elen)
				wire_ks_len = 0;
			else
				memcpy(wire_ks, m + at + 4, wire_ks_len);
		}
		at += elen;
	}
}

struct ets_run {
	int version;
	const char *groups;	/* the client's, or NULL */
	unsigned int cflags;
	int verify_peer;	/* the client asks SSL_VERIFY_PEER, accepts all */
	X509 *cert;		/* the server's, or NULL: made for its key share */
	int server_alert;	/* the alert the server received, or -1 */
	unsigned long client_err; /* libtlsmon's error when the client failed */
};

static void alert_cb(const SSL *s, int where, int ret)
{
	struct ets_run *r = SSL_get_app_data(s);

	if ((where & SSL_CB_ALERT) && (where & SSL_CB_READ) && r)
		r->server_alert = ret & 0xff;
}

static int accept_all(int ok, X509_STORE_CTX *x)
{
	return 1;
}

/* 1 when both ends completed the handshake, 0 when it failed. */
static int ets_handshake(struct pair *p, struct ets_run *r)
{
	BIO *bc, *bs;
	int i, rc = -1, rs = -1;

	r->server_alert = -1;
	r->client_err = 0;
	ERR_clear_error();
	if (!ets_key)
		ets_key = EVP_EC_gen("P-256");
	p->cctx = SSL_CTX_new(TLS_client_method());
	p->sctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_set_min_proto_version(p->cctx, r->version);
	SSL_CTX_set_max_proto_version(p->cctx, r->version);
	if (r->groups)
		SSL_CTX_set1_groups_list(p->cctx, r->groups);
	if (r->verify_peer)
		SSL_CTX_set_verify(p->cctx, SSL_VERIFY_PEER, accept_all);
	SSL_CTX_use_PrivateKey(p->sctx, ets_key);
	if (r->cert) {
		SSL_CTX_use_certificate(p->sctx, r->cert);
	} else {
		/* a placeholder of the same key, replaced for the key share */
		X509 *c = ets_cert(NULL, NULL, 0);

		SSL_CTX_use_certificate(p->sctx, c);
		X509_free(c);
		/* OpenSSL calls a server's callback only for extensions sent */
		SSL_CTX_add_custom_ext(p->sctx, 0xff60,
				       SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS,
				       match_add, NULL, NULL, any_parse, NULL);
		SSL_CTX_add_custom_ext(p->cctx, 0xff60,
				       SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_3_ENCRYPTED_EXTENSIONS,
				       empty_add, NULL, NULL, any_parse, NULL);
	}
	SSL_CTX_set_info_callback(p->sctx, alert_cb);
	wire_ks_len = 0;
	SSL_CTX_set_msg_callback(p->cctx, sh_msg_cb);
	if (tlsmon_ssl_ctx_setup(p->cctx, r->cflags) || tlsmon_ssl_ctx_setup(p->sctx, 0))
		return -1;
	p->c = SSL_new(p->cctx);
	p->s = SSL_new(p->sctx);
	SSL_set_app_data(p->s, r);
	BIO_new_bio_pair(&bc, 0, &bs, 0);
	SSL_set_bio(p->c, bc, bc);
	SSL_set_bio(p->s, bs, bs);
	SSL_set_connect_state(p->c);
	SSL_set_accept_state(p->s);
	for (i = 0; i < 20 && (rc != 1 || rs != 1); i++) {
		if (rc != 1)
			rc = SSL_do_handshake(p->c);
		if (rc <= 0 && SSL_get_error(p->c, rc) != SSL_ERROR_WANT_READ) {
			/* the thread's queue is the server's next: take it now */
			r->client_err = tlsmon_error();
			SSL_do_handshake(p->s);		/* reads the alert */
			return 0;
		}
		if (rs != 1)
			rs = SSL_do_handshake(p->s);
		if (rs <= 0 && SSL_get_error(p->s, rs) != SSL_ERROR_WANT_READ)
			return 0;
	}
	return rc == 1 && rs == 1;
}

TEST(ets_signal_with_matching_fingerprint)
{
	static const char *const groups[] = { NULL, "X25519", "P-256", "P-384" };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		struct ets_run r = { .version = TLS1_3_VERSION, .groups = groups[i] };
		struct tlsmon_signals sig;
		struct pair p;

		ASSERT_EQ(1, ets_handshake(&p, &r)) TH_LOG("groups %s", groups[i]);
		EXPECT_EQ(1, tlsmon_ssl_signals(p.c, &sig));
		EXPECT_EQ(TLSMON_LIB_ETS_PRESENT, sig.ets);
		EXPECT_EQ(TLSMON_LIB_FP_MATCH, sig.ets_fingerprint) TH_LOG("groups %s", groups[i]);
		/* the fingerprint is that of the key_share bytes on the wire */
		{
			unsigned char md[32];

			ASSERT_LT(0, wire_ks_len);
			EXPECT_EQ(groups[i] && !strcmp(groups[i], "P-256") ? 65 :
				  groups[i] && !strcmp(groups[i], "P-384") ? 97 : 32, wire_ks_len);
			EVP_Digest(wire_ks, wire_ks_len, md, NULL, EVP_sha256(), NULL);
			EXPECT_EQ(0, memcmp(md, sig.fingerprint, 10));
		}
		EXPECT_STREQ(ets_text, sig.access_description);
		EXPECT_EQ(0, sig.desc_truncated);
		EXPECT_EQ(TLS1_3_VERSION, sig.version);
		EXPECT_EQ(0, sig.monitoring_suite);
		EXPECT_EQ(0, sig.consent);
		/* a BIO pair has no socket: the kernel is not asked */
		EXPECT_EQ(-EBADF, sig.kernel);
		EXPECT_EQ(0, sig.static_key_share);
		/* a server looks at no certificate of its peer */
		EXPECT_EQ(0, tlsmon_ssl_signals(p.s, &sig));
		EXPECT_EQ(TLSMON_LIB_ETS_NONE, sig.ets);
		pair_free(&p);
	}
}

TEST(ets_signal_with_another_fingerprint)
{
	static const unsigned char fp[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	unsigned char der[128];
	struct tlsmon_signals sig;
	unsigned int v;

	for (v = 0; v < 2; v++) {
		struct ets_run r = { .version = versions[v] };
		struct pair p;

		r.cert = ets_cert1(der, vi_der(der, fp, 10, "other key", 9));
		ASSERT_EQ(1, ets_handshake(&p, &r));
		EXPECT_EQ(1, tlsmon_ssl_signals(p.c, &sig));
		EXPECT_EQ(TLSMON_LIB_ETS_PRESENT, sig.ets);
		EXPECT_STREQ("other key", sig.access_description);
		EXPECT_EQ(0, memcmp(fp, sig.fingerprint, 10));
		/* TLS 1.2 has no ServerHello key share to compare with */
		EXPECT_EQ(versions[v] == TLS1_3_VERSION ? TLSMON_LIB_FP_MISMATCH :
			  TLSMON_LIB_FP_UNCHECKED, sig.ets_fingerprint);
		X509_free(r.cert);
		pair_free(&p);
	}
}

TEST(no_ets_signal)
{
	struct ets_run r = { .version = TLS1_3_VERSION };
	struct tlsmon_signals sig;
	struct pair p;

	r.cert = ets_cert(NULL, NULL, 0);
	ASSERT_EQ(1, ets_handshake(&p, &r));
	EXPECT_EQ(0, tlsmon_ssl_signals(p.c, &sig));
	EXPECT_EQ(TLSMON_LIB_ETS_NONE, sig.ets);
	EXPECT_EQ(TLSMON_LIB_FP_UNCHECKED, sig.ets_fingerprint);
	EXPECT_STREQ("", sig.access_description);
	X509_free(r.cert);
	pair_free(&p);
	EXPECT_EQ(-EINVAL, tlsmon_ssl_signals(NULL, &sig));
}

TEST(long_access_description_is_cut_at_a_character)
{
	unsigned char der[600], body[400];
	struct ets_run r = { .version = TLS1_3_VERSION };
	struct tlsmon_signals sig;
	struct pair p;
	size_t i, n = 0;

	/* "é" (2 bytes) 150 times: 300 bytes, cut to 254 */
	for (i = 0; i < 150; i++) {
		body[n++] = 0xc3;
		body[n++] = 0xa9;
	}
	der[0] = 0x30;
	der[1] = 0x82;
	der[2] = (2 + 10 + 4 + n) >> 8;
	der[3] = (2 + 10 + 4 + n) & 0xff;
	der[4] = 0x04;
	der[5] = 10;
	memset(der + 6, 0x77, 10);
	der[16] = 0x0c;
	der[17] = 0x82;
	der[18] = n >> 8;
	der[19] = n & 0xff;
	memcpy(der + 20, body, n);
	r.cert = ets_cert1(der, 20 + n);
	ASSERT_EQ(1, ets_handshake(&p, &r));
	tlsmon_ssl_signals(p.c, &sig);
	EXPECT_EQ(TLSMON_LIB_ETS_PRESENT, sig.ets);
	EXPECT_EQ(1, sig.desc_truncated);
	EXPECT_EQ(254, strlen(sig.access_description));
	EXPECT_EQ(0, memcmp(body, sig.access_description, 254));
	X509_free(r.cert);
	pair_free(&p);
}

/* VisibilityInformation values that are not one. */
static size_t malformed(unsigned int k, unsigned char *d)
{
	static const unsigned char fp[11] = { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };

	switch (k) {
	case 0:	/* a 9-byte fingerprint */
		return vi_der(d, fp, 9, "x", 1);
	case 1:	/* an 11-byte one */
		return vi_der(d, fp, 11, "x", 1);
	case 2: /* no accessDescription */
		d[0] = 0x30; d[1] = 12; d[2] = 0x04; d[3] = 10;
		memcpy(d + 4, fp, 10);
		return 14;
	case 3: /* a third element */
		vi_der(d, fp, 10, "x", 1);
		d[1] += 3;
		d[15] = 0x02; d[16] = 1; d[17] = 5;
		return 18;
	case 4: /* accessDescription an IA5String */
		vi_der(d, fp, 10, "x", 1);
		d[12] = 0x16;
		return 15;
	case 5: /* fingerprint an INTEGER */
		vi_der(d, fp, 10, "x", 1);
		d[2] = 0x02;
		return 15;
	case 6: /* invalid UTF-8 */
		return vi_der(d, fp, 10, "\xff\xfe", 2);
	case 7: /* a NUL inside the text */
		return vi_der(d, fp, 10, "a\0b", 3);
	case 8: /* an empty SEQUENCE */
		d[0] = 0x30; d[1] = 0;
		return 2;
	case 9: /* not a SEQUENCE at all */
		d[0] = 0x0c; d[1] = 2; d[2] = 'h'; d[3] = 'i';
		return 4;
	case 10: /* an inner length past the end: the name does not decode */
		vi_der(d, fp, 10, "xy", 2);
		d[13] = 40;
		return 16;
	case 11: /* the outer length short of its elements */
		vi_der(d, fp, 10, "xy", 2);
		d[1] = 5;
		return 16;
	}
	return 0;
}

TEST(malformed_signal_reported_never_trusted)
{
	unsigned char der[128];
	unsigned int k;

	for (k = 0; k < 12; k++) {
		struct ets_run r = { .version = TLS1_3_VERSION };
		struct tlsmon_signals sig;
		struct pair p;

		r.cert = ets_cert1(der, malformed(k, der));
		ASSERT_EQ(1, ets_handshake(&p, &r)) TH_LOG("case %u", k);
		EXPECT_EQ(1, tlsmon_ssl_signals(p.c, &sig)) TH_LOG("case %u", k);
		EXPECT_EQ(TLSMON_LIB_ETS_MALFORMED, sig.ets) TH_LOG("case %u", k);
		EXPECT_EQ(TLSMON_LIB_FP_UNCHECKED, sig.ets_fingerprint);
		EXPECT_STREQ("", sig.access_description);
		X509_free(r.cert);
		pair_free(&p);
	}
}

TEST(two_signals_are_malformed)
{
	static const unsigned char fp[10];
	unsigned char a[64], b[64];
	const unsigned char *vals[2] = { a, b };
	size_t lens[2];
	struct ets_run r = { .version = TLS1_3_VERSION };
	struct tlsmon_signals sig;
	struct pair p;

	lens[0] = vi_der(a, fp, 10, "one", 3);
	lens[1] = vi_der(b, fp, 10, "two", 3);
	r.cert = ets_cert(vals, lens, 2);
	ASSERT_EQ(1, ets_handshake(&p, &r));
	tlsmon_ssl_signals(p.c, &sig);
	EXPECT_EQ(TLSMON_LIB_ETS_MALFORMED, sig.ets);
	X509_free(r.cert);
	pair_free(&p);
}

/* Every truncation and every byte flipped: reported, never a crash. */
TEST(mutated_signal_never_crashes)
{
	static const unsigned char fp[10] = { 0xaa };
	unsigned char good[64], der[64];
	size_t n = vi_der(good, fp, 10, "mutant", 6), k;
	int present = 0, bad = 0, unwritable = 0;

	for (k = 0; k < 2 * n; k++) {
		struct ets_run r = { .version = TLS1_3_VERSION, .cflags = TLSMON_LIB_REFUSE };
		struct tlsmon_signals sig;
		struct pair p;
		size_t len = n;

		memcpy(der, good, n);
		if (k < n)
			len = k;
		else
			der[k - n] ^= 0xff;
		r.cert = ets_cert1(der, len);
		/* OpenSSL writes no otherName of nothing at all */
		if (X509_get_ext_by_NID(r.cert, NID_subject_alt_name, -1) < 0) {
			unwritable++;
			X509_free(r.cert);
			continue;
		}
		/* a refusing client refuses whatever it finds */
		EXPECT_EQ(0, ets_handshake(&p, &r)) TH_LOG("mutation %zu", k);
		EXPECT_EQ(TLSMON_LIB_REFUSED_ETS, tlsmon_ssl_refused(p.c)) TH_LOG("mutation %zu", k);
		pair_free(&p);

		r.cflags = 0;
		ASSERT_EQ(1, ets_handshake(&p, &r)) TH_LOG("mutation %zu", k);
		EXPECT_EQ(1, tlsmon_ssl_signals(p.c, &sig));
		EXPECT_NE(TLSMON_LIB_ETS_NONE, sig.ets) TH_LOG("mutation %zu", k);
		if (sig.ets == TLSMON_LIB_ETS_PRESENT)
			present++;
		else
			bad++;
		X509_free(r.cert);
		pair_free(&p);
		ERR_clear_error();
	}
	/* flips inside the fingerprint leave a well-formed signal */
	EXPECT_LE(10, present);
	EXPECT_LE(n - 1, bad);
	EXPECT_GE(1, unwritable);
}

TEST(refusing_client_aborts_on_the_certificate)
{
	unsigned char der[128];
	unsigned int verify;

	for (verify = 0; verify < 2; verify++) {
		struct ets_run r = { .version = TLS1_3_VERSION, .verify_peer = verify,
				     .cflags = TLSMON_LIB_REFUSE };
		struct tlsmon_signals sig;
		unsigned long e;
		struct pair p;

		/* matching fingerprint, made for the key share */
		EXPECT_EQ(0, ets_handshake(&p, &r));
		EXPECT_EQ(SSL_AD_HANDSHAKE_FAILURE, r.server_alert);
		EXPECT_EQ(TLSMON_LIB_REFUSED_ETS, tlsmon_ssl_refused(p.c));
		e = r.client_err;
		EXPECT_EQ(TLSMON_LIB_REFUSED_ETS, ERR_GET_REASON(e));
		EXPECT_NE(NULL, e ? strstr(ERR_reason_error_string(e), "ETSI TS 103 523-3") : NULL);
		/* nothing of the application's was sent, nor can be */
		EXPECT_EQ(0, SSL_is_init_finished(p.c));
		pair_free(&p);

		/* a malformed one is refused as well */
		r.cert = ets_cert1(der, malformed(0, der));
		EXPECT_EQ(0, ets_handshake(&p, &r));
		EXPECT_EQ(SSL_AD_HANDSHAKE_FAILURE, r.server_alert);
		EXPECT_EQ(TLSMON_LIB_REFUSED_ETS, tlsmon_ssl_refused(p.c));
		X509_free(r.cert);
		pair_free(&p);

		/* no signal: the handshake goes through, nothing refused */
		r.cert = ets_cert(NULL, NULL, 0);
		EXPECT_EQ(1, ets_handshake(&p, &r));
		EXPECT_EQ(-1, r.server_alert);
		EXPECT_EQ(0, tlsmon_ssl_refused(p.c));
		EXPECT_EQ(0, tlsmon_ssl_signals(p.c, &sig));
		X509_free(r.cert);
		pair_free(&p);
	}

	/* TLS 1.2 too */
	{
		struct ets_run r = { .version = TLS1_2_VERSION, .cflags = TLSMON_LIB_REFUSE };
		struct pair p;

		static const unsigned char fp[10] = { 0x42 };

		r.cert = ets_cert1(der, vi_der(der, fp, 10, "x", 1));
		EXPECT_EQ(0, ets_handshake(&p, &r));
		EXPECT_EQ(SSL_AD_HANDSHAKE_FAILURE, r.server_alert);
		EXPECT_EQ(TLSMON_LIB_REFUSED_ETS, tlsmon_ssl_refused(p.c));
		X509_free(r.cert);
		pair_free(&p);
	}
}

/*
 * A refusing client does not offer the consent extension, but has it
 * registered: a server that echoes it anyway is refused (OpenSSL's
 * unsolicited-extension check comes first). Here: a server that does
 * not monitor, and one that would: neither echoes, both go through.
 */
TEST(refusing_client_with_a_monitoring_server)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct pair p;

		ASSERT_EQ(1, handshake(&p, versions[i], TLSMON_LIB_REFUSE, TLSMON_LIB_MONITOR));
		EXPECT_EQ(0, tlsmon_ssl_consent(p.c));
		EXPECT_EQ(0, tlsmon_ssl_refused(p.c));
		pair_free(&p);
	}
}

TEST(refuse_flag_arguments)
{
	SSL_CTX *c = SSL_CTX_new(TLS_client_method());
	SSL_CTX *s = SSL_CTX_new(TLS_server_method());

	EXPECT_EQ(-EINVAL, tlsmon_ssl_ctx_setup(c, TLSMON_LIB_REFUSE | TLSMON_LIB_OFFER));
	EXPECT_EQ(-EINVAL, tlsmon_ssl_ctx_setup(c, TLSMON_LIB_REFUSE | TLSMON_LIB_MONITOR));
	EXPECT_EQ(-EINVAL, tlsmon_ssl_ctx_setup(s, TLSMON_LIB_REFUSE));
	EXPECT_EQ(0, tlsmon_ssl_ctx_setup(c, TLSMON_LIB_REFUSE));
	EXPECT_LT(0, tlsmon_err_library());
	SSL_CTX_free(c);
	SSL_CTX_free(s);
}

TEST(signals_of_consent)
{
	struct tlsmon_signals sig;
	struct pair p;

	ASSERT_EQ(1, handshake(&p, TLS1_3_VERSION, TLSMON_LIB_OFFER, TLSMON_LIB_MONITOR));
	EXPECT_EQ(1, tlsmon_ssl_signals(p.c, &sig));
	EXPECT_EQ(TLSMON_LIB_SENT | TLSMON_LIB_RECEIVED, sig.consent);
	EXPECT_EQ(1, tlsmon_ssl_signals(p.s, &sig));
	EXPECT_EQ(TLSMON_LIB_SENT | TLSMON_LIB_RECEIVED, sig.consent);
	EXPECT_EQ(TLSMON_LIB_ETS_NONE, sig.ets);
	pair_free(&p);
	/* offered, not echoed: no signal */
	ASSERT_EQ(1, handshake(&p, TLS1_3_VERSION, TLSMON_LIB_OFFER, 0));
	EXPECT_EQ(0, tlsmon_ssl_signals(p.c, &sig));
	EXPECT_EQ(TLSMON_LIB_SENT, sig.consent);
	pair_free(&p);
}

TEST_HARNESS_MAIN
