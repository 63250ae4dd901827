/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One stream of a TLS handshake as it crosses a TCP connection:
 * reassembly of the stream's first bytes from segments in any order, the
 * TLS record layer, the handshake layer, and the hellos. Pure logic, built
 * into the module and into the host unit tests and fuzzers.
 */
#ifndef _TLSMON_HS_STREAM_H
#define _TLSMON_HS_STREAM_H

#include "tls_hello.h"

#define TLSMON_REC_HANDSHAKE		22
#define TLSMON_REC_CCS			20
#define TLSMON_REC_ALERT		21
#define TLSMON_REC_APPDATA		23
#define TLSMON_REC_MAX			(16384 + 256)

enum tlsmon_stream_role {
	TLSMON_STREAM_CLIENT,	/* the stream the client sends */
	TLSMON_STREAM_SERVER,	/* the stream the server sends */
};

enum tlsmon_stream_state {
	TLSMON_HS_COLLECT,	/* more bytes may still matter */
	TLSMON_HS_DONE,	/* everything needed was read; later bytes are compared */
	TLSMON_HS_FAILED,	/* unparsable or contradicted: fail closed */
};

/**
 * enum tlsmon_stream_fail - why a stream failed
 * @TLSMON_FAIL_NONE: it did not
 * @TLSMON_FAIL_NOT_TLS: the stream does not start with a handshake record
 * @TLSMON_FAIL_BAD_RECORD: a record header is invalid
 * @TLSMON_FAIL_TOO_LARGE: the hellos do not fit in the configured buffer
 * @TLSMON_FAIL_CONFLICT: a retransmission carried different bytes, or a
 *	segment TCP would not accept contradicted the bytes held, or a
 *	segment did after the hellos were read: two versions of the stream
 *	were on the wire, and neither is believed
 * @TLSMON_FAIL_HELLO: a hello could not be parsed
 * @TLSMON_FAIL_UNEXPECTED: a message arrived where a hello belongs
 * @TLSMON_FAIL_ALERT: an alert ended the handshake
 */
enum tlsmon_stream_fail {
	TLSMON_FAIL_NONE,
	TLSMON_FAIL_NOT_TLS,
	TLSMON_FAIL_BAD_RECORD,
	TLSMON_FAIL_TOO_LARGE,
	TLSMON_FAIL_CONFLICT,
	TLSMON_FAIL_HELLO,
	TLSMON_FAIL_UNEXPECTED,
	TLSMON_FAIL_ALERT,
};

/**
 * struct tlsmon_hs_stream - one stream of a handshake
 * @role: enum tlsmon_stream_role
 * @state: enum tlsmon_stream_state
 * @fail: enum tlsmon_stream_fail once @state is TLSMON_HS_FAILED
 * @hello_err: the parser's enum tlsmon_hello_err for TLSMON_FAIL_HELLO
 * @n_hellos: hellos parsed: up to 2 (the second after a HelloRetryRequest)
 * @cap: stream bytes read at most: the hellos must fit in them
 * @size: bytes in @buf and in @msg, up to @cap; @seen holds
 *	tlsmon_hs_seen_bytes(@size)
 * @need: the @size that the last -ENOBUFS of tlsmon_hs_stream_feed() asked for
 * @seen_ready: @seen was cleared (on the first byte out of order)
 * @have: stream bytes received contiguously from offset 0
 * @ooo_end: end of the furthest byte held past @have, or at most @have
 * @rec_off: stream offset of the first record not yet consumed
 * @rec_copied: payload bytes of that record already gathered
 * @msg_len: handshake-layer bytes gathered, read in place or in @msg
 * @msg_off: handshake-layer offset of the first message not yet consumed;
 *	@msg holds the bytes from there to @msg_len at the same offsets
 * @buf: stream bytes [0, @size), owned by the caller
 * @seen: which bytes of @buf past @have arrived, owned by the caller and
 *	left uninitialized by it: read only after @seen_ready
 * @msg: handshake messages stripped of their records, where a message
 *	spans records, owned by the caller
 * @ch: the ClientHellos (client role); only the first @n_hellos are
 *	written, tlsmon_hs_stream_init() leaves the rest as it finds it
 * @sh: the ServerHellos, HelloRetryRequest first if any (server role),
 *	likewise
 */
struct tlsmon_hs_stream {
	u8 role;
	u8 state;
	u8 fail;
	u8 hello_err;
	u8 n_hellos;
	u8 seen_ready;
	u32 cap;
	u32 size;
	u32 need;
	u32 have;
	u32 ooo_end;
	u32 rec_off;
	u32 rec_copied;
	u32 msg_len;
	u32 msg_off;
	u8 *buf;
	u8 *seen;
	u8 *msg;
	union {
		struct tlsmon_client_hello ch[2];
		struct tlsmon_server_hello sh[2];
	};
};

static inline u32 tlsmon_hs_seen_bytes(u32 size)
{
	return (size + 7) / 8;
}

void tlsmon_hs_stream_init(struct tlsmon_hs_stream *d,
			   enum tlsmon_stream_role role, u32 cap);
void tlsmon_hs_stream_rebuf(struct tlsmon_hs_stream *d, u8 *buf, u8 *seen,
			    u8 *msg, u32 size);
int tlsmon_hs_stream_feed(struct tlsmon_hs_stream *d, u32 off, const u8 *data,
			  u32 len);
int tlsmon_hs_stream_check(struct tlsmon_hs_stream *d, u32 off, const u8 *data,
			   u32 len);

/**
 * tlsmon_hs_stream_limit() - stream offset from which bytes cannot matter
 * @d: the stream
 *
 * While collecting, the cap; once done, the end of the bytes held, which
 * later segments are compared with; once failed, 0.
 */
static inline u32 tlsmon_hs_stream_limit(const struct tlsmon_hs_stream *d)
{
	if (d->state == TLSMON_HS_COLLECT)
		return d->cap;
	if (d->state == TLSMON_HS_DONE)
		return d->ooo_end > d->have ? d->ooo_end : d->have;
	return 0;
}

bool tlsmon_hs_complete(const struct tlsmon_hs_stream *client,
			const struct tlsmon_hs_stream *server);

#endif /* _TLSMON_HS_STREAM_H */
