/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What libtlsmon's files share, not exported (see libtlsmon.map).
 */
#ifndef LIBTLSMON_INTERNAL_H
#define LIBTLSMON_INTERNAL_H

#include <stdint.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "libtlsmon.h"

/*
 * Per SSL state in one ex_data word: TLSMON_LIB_SENT and _RECEIVED in the
 * low byte, TLSMON_LIB_REFUSED_* bits above it.
 */
#define TLSMON_EX_REFUSED_SHIFT		8

unsigned int tlsmon_ex_get(const SSL *s);
void tlsmon_ex_mark(SSL *s, unsigned int bits);

void tlsmon_raise(int reason);
int tlsmon_install_cert_check(SSL_CTX *ctx);

/**
 * struct tlsmon_ets - the visibility signal of one certificate
 * @state: TLSMON_LIB_ETS_*
 * @fingerprint: the fingerprint, when PRESENT
 * @truncated: @desc was cut
 * @desc: accessDescription, NUL terminated, when PRESENT
 */
struct tlsmon_ets {
	int state;
	uint8_t fingerprint[10];
	int truncated;
	char desc[TLSMON_LIB_ETS_DESC_MAX + 1];
};

void tlsmon_ets_parse(X509 *cert, struct tlsmon_ets *ets);
int tlsmon_ets_fp_check(SSL *ssl, const uint8_t fp[10]);

int tlsmon_socket_query(int fd, struct tlsmon_status *st, int *static_ks);

#endif /* LIBTLSMON_INTERNAL_H */
