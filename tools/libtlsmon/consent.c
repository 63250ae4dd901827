// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The consent extension through OpenSSL's custom extension API.
 *
 * The client's add callback puts an empty extension in every ClientHello
 * (the second one after a HelloRetryRequest too) when it offers consent.
 * The server's add callback runs only for clients that sent it (OpenSSL
 * calls a server's callback only then) and echoes it when this server
 * monitors, in the ServerHello: in TLS 1.3 that is the one server message
 * still in clear, so the peer, a capture and the kernel module all see it.
 *
 * The extension is registered on clients that do not offer it as well: a
 * registered extension that arrives unsolicited makes OpenSSL abort the
 * handshake (unsupported_extension), where an unknown one would be
 * ignored. A server can therefore never mark a session as consented by a
 * client that did not consent.
 *
 * What each end sent and received is kept per SSL in ex_data, so that the
 * application can show it (tlsmon_ssl_consent()).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <openssl/ssl.h>

#include "internal.h"

static int ex_index = -1;
static pthread_once_t ex_once = PTHREAD_ONCE_INIT;

static void ex_init(void)
{
	ex_index = SSL_get_ex_new_index(0, "tlsmon consent", NULL, NULL, NULL);
}

unsigned int tlsmon_ex_get(const SSL *s)
{
	if (ex_index < 0)
		return 0;
	return (unsigned int)(uintptr_t)SSL_get_ex_data(s, ex_index);
}

void tlsmon_ex_mark(SSL *s, unsigned int bits)
{
	uintptr_t v = (uintptr_t)SSL_get_ex_data(s, ex_index);

	SSL_set_ex_data(s, ex_index, (void *)(v | bits));
}

/* The flags tlsmon_ssl_ctx_setup() was given travel as the callback arg. */
static int consent_add(SSL *s, unsigned int ext_type, unsigned int context,
		       const unsigned char **out, size_t *outlen, X509 *x,
		       size_t chainidx, int *al, void *add_arg)
{
	unsigned int flags = (unsigned int)(uintptr_t)add_arg;

	if (context & SSL_EXT_CLIENT_HELLO) {
		if (!(flags & TLSMON_LIB_OFFER))
			return 0;
	} else if (!(flags & TLSMON_LIB_MONITOR)) {
		return 0;
	}
	*out = NULL;
	*outlen = 0;
	tlsmon_ex_mark(s, TLSMON_LIB_SENT);
	return 1;
}

/*
 * A client that refuses monitoring aborts here, while it reads the
 * ServerHello, before it has sent anything under the handshake's keys.
 */
static int consent_parse(SSL *s, unsigned int ext_type, unsigned int context,
			 const unsigned char *in, size_t inlen, X509 *x,
			 size_t chainidx, int *al, void *parse_arg)
{
	unsigned int flags = (unsigned int)(uintptr_t)parse_arg;

	/* The signal carries nothing: anything else is not ours. */
	if (inlen) {
		*al = SSL_AD_DECODE_ERROR;
		return 0;
	}
	tlsmon_ex_mark(s, TLSMON_LIB_RECEIVED);
	if ((flags & TLSMON_LIB_REFUSE) && !(context & SSL_EXT_CLIENT_HELLO)) {
		tlsmon_ex_mark(s, TLSMON_LIB_REFUSED_CONSENT << TLSMON_EX_REFUSED_SHIFT);
		tlsmon_raise(TLSMON_LIB_REFUSED_CONSENT);
		*al = SSL_AD_HANDSHAKE_FAILURE;
		return 0;
	}
	return 1;
}

/**
 * tlsmon_ssl_ctx_setup_ext() - take part in the signal with a chosen code point
 * @ctx: an OpenSSL 3 context, client or server
 * @flags: TLSMON_LIB_OFFER (client), TLSMON_LIB_MONITOR (server),
 *	TLSMON_LIB_NO_KTLS, TLSMON_LIB_REFUSE (client)
 * @ext: the consent extension's code point, as in the module's policy
 *
 * TLSMON_LIB_REFUSE also installs @ctx's certificate verification
 * callback (see signals.c).
 *
 * Return: 0, or a negative errno (-EINVAL for a code point outside the
 * private-use range or already registered on @ctx, unknown flags,
 * TLSMON_LIB_REFUSE with TLSMON_LIB_OFFER or TLSMON_LIB_MONITOR or on a
 * server's context).
 */
int tlsmon_ssl_ctx_setup_ext(SSL_CTX *ctx, unsigned int flags, uint16_t ext)
{
	const unsigned int context = SSL_EXT_CLIENT_HELLO |
				     SSL_EXT_TLS1_2_SERVER_HELLO |
				     SSL_EXT_TLS1_3_SERVER_HELLO;

	if (!ctx || ext < 0xFF00 || ext == 0xFF01 ||
	    (flags & ~(TLSMON_LIB_OFFER | TLSMON_LIB_MONITOR | TLSMON_LIB_NO_KTLS |
		       TLSMON_LIB_REFUSE)))
		return -EINVAL;
	if ((flags & TLSMON_LIB_REFUSE) &&
	    ((flags & (TLSMON_LIB_OFFER | TLSMON_LIB_MONITOR)) ||
	     SSL_CTX_get_ssl_method(ctx) == TLS_server_method()))
		return -EINVAL;
	if (pthread_once(&ex_once, ex_init) || ex_index < 0)
		return -ENOMEM;
	if (!SSL_CTX_add_custom_ext(ctx, ext, context, consent_add, NULL,
				    (void *)(uintptr_t)flags, consent_parse,
				    (void *)(uintptr_t)flags))
		return -EINVAL;
	if ((flags & TLSMON_LIB_REFUSE) && tlsmon_install_cert_check(ctx))
		return -ENOMEM;
	if (!(flags & TLSMON_LIB_NO_KTLS))
		SSL_CTX_set_options(ctx, SSL_OP_ENABLE_KTLS);
	return 0;
}

/**
 * tlsmon_ssl_ctx_setup() - take part in the signal (default code point)
 * @ctx: an OpenSSL 3 context
 * @flags: as for tlsmon_ssl_ctx_setup_ext()
 *
 * Return: 0, or a negative errno.
 */
int tlsmon_ssl_ctx_setup(SSL_CTX *ctx, unsigned int flags)
{
	return tlsmon_ssl_ctx_setup_ext(ctx, flags, TLSMON_LIB_CONSENT_EXT);
}

/**
 * tlsmon_ssl_consent() - what this end sent and received
 * @ssl: a connection whose handshake is done
 *
 * Return: TLSMON_LIB_SENT | TLSMON_LIB_RECEIVED when both hellos carried
 * the extension (consent was given by both ends), fewer bits otherwise.
 */
int tlsmon_ssl_consent(const SSL *ssl)
{
	return tlsmon_ex_get(ssl) & (TLSMON_LIB_SENT | TLSMON_LIB_RECEIVED);
}

/**
 * tlsmon_ssl_ktls() - the directions OpenSSL handed to kernel TLS
 * @ssl: a connection whose handshake is done
 *
 * Return: TLSMON_LIB_DIR_TX and TLSMON_LIB_DIR_RX bits.
 */
int tlsmon_ssl_ktls(SSL *ssl)
{
	int d = 0;

	if (BIO_get_ktls_send(SSL_get_wbio(ssl)))
		d |= TLSMON_LIB_DIR_TX;
	if (BIO_get_ktls_recv(SSL_get_rbio(ssl)))
		d |= TLSMON_LIB_DIR_RX;
	return d;
}
