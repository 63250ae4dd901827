/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers of the two TLS handshake messages tlsmon reads: ClientHello and
 * ServerHello (RFC 8446 section 4.1, RFC 5246 section 7.4.1). Pure logic,
 * built into the module and into the host unit tests and fuzzers.
 */
#ifndef _TLSMON_TLS_HELLO_H
#define _TLSMON_TLS_HELLO_H

#include "pure.h"

#define TLSMON_MSG_CLIENT_HELLO	1
#define TLSMON_MSG_SERVER_HELLO	2

#define TLSMON_EXT_SUPPORTED_VERSIONS	43
#define TLSMON_EXT_KEY_SHARE		51

/* Offered suites kept per ClientHello; more make the hello unparsable. */
#define TLSMON_HELLO_MAX_SUITES		256
/* Private-use extensions (0xff00-0xffff) kept per hello. */
#define TLSMON_HELLO_MAX_PRIV_EXT	8
/* Extensions per hello; a hello with more is refused as implausible. */
#define TLSMON_HELLO_MAX_EXT		64

/**
 * enum tlsmon_hello_err - why a hello could not be parsed
 * @TLSMON_HELLO_OK: parsed
 * @TLSMON_HELLO_TRUNCATED: a length field overruns the message
 * @TLSMON_HELLO_TRAILING: bytes left after the last field
 * @TLSMON_HELLO_BAD_LENGTH: a vector has a length its type forbids
 * @TLSMON_HELLO_DUP_EXT: the same extension twice
 * @TLSMON_HELLO_TOO_MANY: more suites or extensions than tlsmon keeps
 * @TLSMON_HELLO_BAD_VALUE: a field has a value the protocol forbids
 */
enum tlsmon_hello_err {
	TLSMON_HELLO_OK,
	TLSMON_HELLO_TRUNCATED,
	TLSMON_HELLO_TRAILING,
	TLSMON_HELLO_BAD_LENGTH,
	TLSMON_HELLO_DUP_EXT,
	TLSMON_HELLO_TOO_MANY,
	TLSMON_HELLO_BAD_VALUE,
};

/**
 * struct tlsmon_client_hello - what a ClientHello offered
 * @legacy_version: the legacy_version field
 * @versions: offered versions, bit (minor) for 3.minor: bit 3 is TLS 1.3;
 *	from supported_versions when present, else legacy_version
 * @n_suites: entries in @suites
 * @n_priv_ext: entries in @priv_ext
 * @session_id_len: length of the legacy session id (0 to 32)
 * @suites: offered cipher suites, GREASE included, in order
 * @priv_ext: private-use extension code points present, in order
 *
 * Entries of @suites and @priv_ext past their counts are not cleared by
 * the parser: a hello is parsed on every watched connection, and clearing
 * @suites alone is more work than reading a typical ClientHello.
 */
struct tlsmon_client_hello {
	u16 legacy_version;
	u8 versions;
	u16 n_suites;
	u8 n_priv_ext;
	u8 session_id_len;
	u16 suites[TLSMON_HELLO_MAX_SUITES];
	u16 priv_ext[TLSMON_HELLO_MAX_PRIV_EXT];
};

/**
 * struct tlsmon_server_hello - what a ServerHello selected
 * @legacy_version: the legacy_version field
 * @version: the selected version: supported_versions when present, else
 *	legacy_version
 * @suite: the selected cipher suite
 * @hrr: this is a HelloRetryRequest (RFC 8446 4.1.3), not a ServerHello
 * @n_priv_ext: entries in @priv_ext
 * @session_id_len: length of the echoed legacy session id
 * @ks_group: the key_share extension's group: the server's KeyShareEntry
 *	in a ServerHello, the selected_group in a HelloRetryRequest; 0 when
 *	the hello has no key_share
 * @ks_len: length of the server's key_exchange bytes (0 in a
 *	HelloRetryRequest or without key_share)
 * @ks_digest: tlsmon_key_share_digest() of the group and key_exchange
 *	bytes, when @ks_len is not 0: the key itself is not kept
 * @priv_ext: private-use extension code points present, in order; not
 *	cleared past @n_priv_ext
 */
struct tlsmon_server_hello {
	u16 legacy_version;
	u16 version;
	u16 suite;
	bool hrr;
	u8 n_priv_ext;
	u8 session_id_len;
	u16 ks_group;
	u16 ks_len;
	u64 ks_digest;
	u16 priv_ext[TLSMON_HELLO_MAX_PRIV_EXT];
};

int tlsmon_parse_client_hello(const u8 *body, size_t len,
			      struct tlsmon_client_hello *ch);
int tlsmon_parse_server_hello(const u8 *body, size_t len,
			      struct tlsmon_server_hello *sh);
bool tlsmon_hello_has_ext(const u16 *exts, u8 n, u16 ext);
u64 tlsmon_key_share_digest(u16 group, const u8 *key, size_t len);

#endif /* _TLSMON_TLS_HELLO_H */
