/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libtlsmon: the application side of tlsmon's monitoring signal.
 *
 * A TLS application linked with OpenSSL 3 calls tlsmon_ssl_ctx_setup() on
 * its SSL_CTX: a client then offers the consent extension in its
 * ClientHello, a server that intends to monitor echoes it in its
 * ServerHello (in clear, so both ends and the local tlsmon module see it),
 * and kernel TLS is enabled so that the module sees the keys installed.
 * After the handshake, either end can ask the module whether its
 * connection is monitored (tlsmon_ssl_monitored(), by socket cookie) and
 * tell its user.
 *
 * See libtlsmon(3).
 */
#ifndef LIBTLSMON_H
#define LIBTLSMON_H

#include <errno.h>
#include <stdint.h>
#include <openssl/ssl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The consent extension's default code point (private-use range). */
#define TLSMON_LIB_CONSENT_EXT		0xFF4D

/* Flags of tlsmon_ssl_ctx_setup(). */
/* A client offers the consent extension. */
#define TLSMON_LIB_OFFER		0x1
/* A server echoes the extension to clients that offer it: it monitors. */
#define TLSMON_LIB_MONITOR		0x2
/* Leave SSL_OP_ENABLE_KTLS as it is (it is set by default). */
#define TLSMON_LIB_NO_KTLS		0x4

/* tlsmon_ssl_consent() bits. */
#define TLSMON_LIB_SENT			0x1	/* we put it in our hello */
#define TLSMON_LIB_RECEIVED		0x2	/* the peer put it in its hello */

/* tlsmon_status.reason bits (as TLSMON_REASON_* of <linux/tlsmon.h>). */
#define TLSMON_LIB_REASON_SUITE		0x1
#define TLSMON_LIB_REASON_CONSENT	0x2

/*
 * Returned by tlsmon_ssl_monitored() and tlsmon_status_check() when the
 * module says the connection is monitored but this end's own handshake
 * does not back it: monitored by consent without the extension in both
 * hellos as this end saw them, by suite while the suite negotiated is not
 * a private-use monitoring suite, or a suite other than the one this end
 * negotiated. The module and this end saw different handshakes (a forged
 * hello on the wire, say): the connection must be treated as an error,
 * never reported as monitored.
 */
#define TLSMON_LIB_INCONSISTENT		(-EBADE)

/* tlsmon_status.dirs bits (as TLSMON_DIR_*). */
#define TLSMON_LIB_DIR_TX		0x1
#define TLSMON_LIB_DIR_RX		0x2

/**
 * struct tlsmon_status - what the tlsmon module knows of one socket
 * @monitored: 1 when the module tagged the socket as monitored, else 0
 * @module_loaded: 1 when the tlsmon module answered in this namespace
 * @reason: TLSMON_LIB_REASON_* bits (a monitored suite, the consent)
 * @dirs: TLSMON_LIB_DIR_* kTLS directions installed
 * @role: 1 client, 2 server, as the module saw the handshake
 * @version: TLS version, 0x0303 or 0x0304
 * @suite: the negotiated cipher suite
 * @cipher: kTLS cipher type (TLS_CIPHER_* of <linux/tls.h>)
 * @session_id: the session's id in monctl's listings
 * @cookie: the socket's SO_COOKIE
 */
struct tlsmon_status {
	int monitored;
	int module_loaded;
	uint8_t reason;
	uint8_t dirs;
	uint8_t role;
	uint16_t version;
	uint16_t suite;
	uint16_t cipher;
	uint64_t session_id;
	uint64_t cookie;
};

int tlsmon_ssl_ctx_setup(SSL_CTX *ctx, unsigned int flags);
int tlsmon_ssl_ctx_setup_ext(SSL_CTX *ctx, unsigned int flags, uint16_t ext);
int tlsmon_ssl_consent(const SSL *ssl);
int tlsmon_ssl_ktls(SSL *ssl);
int tlsmon_socket_status(int fd, struct tlsmon_status *st);
int tlsmon_ssl_monitored(SSL *ssl, struct tlsmon_status *st);
int tlsmon_status_check(const struct tlsmon_status *st, int consent,
			uint16_t suite);

#ifdef __cplusplus
}
#endif

#endif /* LIBTLSMON_H */
