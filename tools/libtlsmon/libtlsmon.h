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
 * tell its user, or get every monitoring signal of the handshake, other
 * schemes' included (tlsmon_ssl_signals()). A client can refuse to be
 * monitored at all (TLSMON_LIB_REFUSE).
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
/*
 * A client refuses monitoring: the handshake is aborted with an alert
 * (handshake_failure; unsupported_extension, from OpenSSL, for an echo of
 * the consent extension it never offered) if the server signals
 * monitoring by any scheme (it echoes the consent extension, selects a
 * private-use monitoring suite, or presents a certificate with the ETSI
 * TS 103 523-3 visibility signal). Not with TLSMON_LIB_OFFER, nor on a
 * server.
 */
#define TLSMON_LIB_REFUSE		0x8

/* tlsmon_ssl_refused() bits, and the reasons of libtlsmon's errors. */
#define TLSMON_LIB_REFUSED_CONSENT	0x1	/* the server echoed consent */
#define TLSMON_LIB_REFUSED_SUITE	0x2	/* it selected a monitoring suite */
#define TLSMON_LIB_REFUSED_ETS		0x4	/* its certificate carries ETS */

/* tlsmon_ssl_consent() bits. */
#define TLSMON_LIB_SENT			0x1	/* we put it in our hello */
#define TLSMON_LIB_RECEIVED		0x2	/* the peer put it in its hello */

/*
 * tlsmon_status.reason bits (as TLSMON_REASON_* of <linux/tlsmon.h>, which
 * is installed as tlsmon/linux/tlsmon.h: pkg-config --cflags libtlsmon
 * puts it on the include path).
 */
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

/* tlsmon_signals.ets: the ETSI TS 103 523-3 visibility signal. */
#define TLSMON_LIB_ETS_NONE		0	/* not in the certificate */
#define TLSMON_LIB_ETS_PRESENT		1	/* present and well formed */
#define TLSMON_LIB_ETS_MALFORMED	2	/* present, not a VisibilityInformation */

/* tlsmon_signals.ets_fingerprint */
#define TLSMON_LIB_FP_UNCHECKED		0	/* no signal, or no TLS 1.3 key share */
#define TLSMON_LIB_FP_MATCH		1	/* the ServerHello's key share */
#define TLSMON_LIB_FP_MISMATCH		2	/* another key */

/* The ETS signal's type-id (an otherName in subjectAltName). */
#define TLSMON_LIB_ETS_OID		"0.4.0.3523.3.1"
/* Bytes of accessDescription kept (more are cut at a character). */
#define TLSMON_LIB_ETS_DESC_MAX		255

/**
 * struct tlsmon_signals - every monitoring signal a handshake carried
 * @consent: TLSMON_LIB_SENT and TLSMON_LIB_RECEIVED, as tlsmon_ssl_consent()
 * @monitoring_suite: 1 when the negotiated suite is a private-use
 *	monitoring suite (0xff00-0xffff)
 * @version: the negotiated protocol version (0x0303, 0x0304)
 * @suite: the negotiated cipher suite
 * @ets: TLSMON_LIB_ETS_*: the peer certificate's visibility signal
 * @ets_fingerprint: TLSMON_LIB_FP_*: its fingerprint against the first
 *	80 bits of SHA-256 of the ServerHello's key share
 * @fingerprint: the signal's fingerprint, when @ets is PRESENT
 * @desc_truncated: 1 when @access_description was cut
 * @access_description: the signal's accessDescription (UTF-8, NUL
 *	terminated), when @ets is PRESENT
 * @kernel: what tlsmon_ssl_monitored() returned: 1 monitored, 0 not, a
 *	negative errno (-EBADF without a socket, TLSMON_LIB_INCONSISTENT)
 * @static_key_share: 1 when the module flagged the (monitored) session's
 *	server for sending a key share it had sent before, else 0
 * @status: what tlsmon_ssl_monitored() filled in
 */
struct tlsmon_signals {
	int consent;
	int monitoring_suite;
	uint16_t version;
	uint16_t suite;
	int ets;
	int ets_fingerprint;
	uint8_t fingerprint[10];
	int desc_truncated;
	char access_description[TLSMON_LIB_ETS_DESC_MAX + 1];
	int kernel;
	int static_key_share;
	struct tlsmon_status status;
};

int tlsmon_ssl_ctx_setup(SSL_CTX *ctx, unsigned int flags);
int tlsmon_ssl_ctx_setup_ext(SSL_CTX *ctx, unsigned int flags, uint16_t ext);
int tlsmon_ssl_consent(const SSL *ssl);
int tlsmon_ssl_ktls(SSL *ssl);
int tlsmon_socket_status(int fd, struct tlsmon_status *st);
int tlsmon_ssl_monitored(SSL *ssl, struct tlsmon_status *st);
int tlsmon_status_check(const struct tlsmon_status *st, int consent,
			uint16_t suite);
int tlsmon_ssl_signals(SSL *ssl, struct tlsmon_signals *sig);
int tlsmon_ssl_refused(const SSL *ssl);
int tlsmon_err_library(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBTLSMON_H */
