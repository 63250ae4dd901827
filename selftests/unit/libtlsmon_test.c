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
#include <openssl/evp.h>
#include <openssl/x509.h>
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

TEST_HARNESS_MAIN
