// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the handshake parser (module/tls_hello.c,
 * module/hs_stream.c) and the decision (module/verdict.c): real OpenSSL
 * handshakes fed whole, byte by byte, shuffled and repeated; hand-made
 * hellos truncated at every byte, with overrunning lengths, empty and
 * duplicated extensions, and session ids of every length.
 */
#include <stdlib.h>

#include "../../module/hs_stream.h"
#include "../../module/verdict.h"
#include "vectors/openssl_hellos.h"
#include "kselftest_harness.h"

#define CAP 8192

struct dir_buf {
	struct tlsmon_hs_stream d;
	u8 buf[CAP], seen[CAP / 8], msg[CAP];
	u8 *heap[3];	/* buffers of a stream that grows, or NULL */
	unsigned int grown;
};

/* A stream with buffers of its whole @cap from the start. */
static struct dir_buf *dir_new(enum tlsmon_stream_role role, u32 cap)
{
	struct dir_buf *b = calloc(1, sizeof(*b));

	/* the module hands its buffers over uninitialized (kmalloc) */
	memset(b->buf, 0xa5, sizeof(b->buf));
	memset(b->seen, 0xa5, sizeof(b->seen));
	memset(b->msg, 0xa5, sizeof(b->msg));
	tlsmon_hs_stream_init(&b->d, role, cap);
	tlsmon_hs_stream_rebuf(&b->d, b->buf, b->seen, b->msg, cap);
	return b;
}

/* A stream without buffers, which get exactly what is asked for. */
static struct dir_buf *dir_new_growing(enum tlsmon_stream_role role, u32 cap)
{
	struct dir_buf *b = calloc(1, sizeof(*b));

	tlsmon_hs_stream_init(&b->d, role, cap);
	return b;
}

static void dir_free(struct dir_buf *b)
{
	free(b->heap[0]);
	free(b->heap[1]);
	free(b->heap[2]);
	free(b);
}

static int dir_feed(struct dir_buf *b, u32 off, const u8 *p, u32 len)
{
	int err;

	while ((err = tlsmon_hs_stream_feed(&b->d, off, p, len)) == -ENOBUFS) {
		u32 size = b->d.need, sb = tlsmon_hs_seen_bytes(size);
		u8 *buf = malloc(size), *seen = malloc(sb), *msg = malloc(size);

		if (!buf || !seen || !msg || size <= b->d.size || size > b->d.cap)
			abort();
		memset(buf, 0xa5, size);
		memset(seen, 0xa5, sb);
		memset(msg, 0xa5, size);
		tlsmon_hs_stream_rebuf(&b->d, buf, seen, msg, size);
		free(b->heap[0]);
		free(b->heap[1]);
		free(b->heap[2]);
		b->heap[0] = buf;
		b->heap[1] = seen;
		b->heap[2] = msg;
		b->grown++;
	}
	return err;
}

static int feed_all(struct dir_buf *b, const u8 *p, u32 len, u32 seg)
{
	u32 off;
	int err = 0;

	for (off = 0; off < len && !err; off += seg)
		err = dir_feed(b, off, p + off, len - off < seg ? len - off : seg);
	return err;
}

/* What each captured handshake must yield. */
static const struct expect {
	const char *name;
	u16 version, suite;
	u8 client_hellos, sid_len;
	bool hrr;
} expects[] = {
	{ "tls13_aes128gcm", 0x0304, 0x1301, 1, 32, false },
	{ "tls13_chacha_no_compat", 0x0304, 0x1303, 1, 0, false },
	{ "tls13_hrr", 0x0304, 0x1302, 2, 32, true },
	{ "tls12_ecdhe_rsa_aes128gcm", 0x0303, 0xc02f, 1, 0, false },
	{ "tls12_ecdhe_rsa_aes256gcm", 0x0303, 0xc030, 1, 0, false },
	{ "tls12_ecdhe_rsa_chacha", 0x0303, 0xcca8, 1, 0, false },
};

static void check_vector(struct __test_metadata *_metadata,
			 const struct openssl_vector *v, const struct expect *e,
			 struct dir_buf *c, struct dir_buf *s)
{
	const struct tlsmon_server_hello *sh;
	const struct tlsmon_client_hello *ch;
	struct tlsmon_policy pol;
	struct tlsmon_verdict vd;

	ASSERT_EQ(TLSMON_HS_DONE, s->d.state) TH_LOG("%s: server fail %u", v->name, s->d.fail);
	ASSERT_NE(TLSMON_HS_FAILED, c->d.state) TH_LOG("%s: client fail %u", v->name, c->d.fail);
	ASSERT_TRUE(tlsmon_hs_complete(&c->d, &s->d)) TH_LOG("%s", v->name);
	ASSERT_EQ(e->client_hellos, c->d.n_hellos);
	ASSERT_EQ(e->client_hellos, s->d.n_hellos);
	EXPECT_EQ(e->hrr, s->d.sh[0].hrr);
	sh = &s->d.sh[s->d.n_hellos - 1];
	ch = &c->d.ch[c->d.n_hellos - 1];
	EXPECT_FALSE(sh->hrr);
	EXPECT_EQ(e->version, sh->version);
	EXPECT_EQ(e->suite, sh->suite);
	EXPECT_EQ(e->sid_len, ch->session_id_len);
	EXPECT_EQ(e->sid_len, sh->session_id_len);
	/* TLS 1.3: OpenSSL's key share, an x25519 or P-256 point */
	if (e->version == 0x0304) {
		EXPECT_TRUE(sh->ks_group == 0x001d || sh->ks_group == 0x0017);
		EXPECT_EQ(sh->ks_group == 0x001d ? 32 : 65, sh->ks_len);
	} else {
		EXPECT_EQ(0, sh->ks_group);
		EXPECT_EQ(0, sh->ks_len);
	}
	/* a HelloRetryRequest names a group, carries no key */
	if (e->hrr) {
		EXPECT_NE(0, s->d.sh[0].ks_group);
		EXPECT_EQ(0, s->d.sh[0].ks_len);
	}

	/* An ordinary session: not monitored, and says why. */
	tlsmon_policy_defaults(&pol);
	tlsmon_decide(&pol, ch, sh, &vd);
	EXPECT_FALSE(vd.monitored);
	EXPECT_EQ(TLSMON_UNMON_NO_SIGNAL, vd.why);
	/* The operator lists the standard suite: monitored, by suite. */
	pol.suites[0] = e->suite;
	tlsmon_decide(&pol, ch, sh, &vd);
	EXPECT_TRUE(vd.monitored);
	EXPECT_EQ(TLSMON_REASON_SUITE, vd.reason);
	EXPECT_EQ(e->version, vd.version);
}

static const struct expect *expect_of(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(expects) / sizeof(expects[0]); i++)
		if (!strcmp(expects[i].name, name))
			return &expects[i];
	return NULL;
}

/*
 * Each capture, whole and in segments, into buffers of the whole cap and
 * into buffers that start empty and grow to exactly what each segment
 * asks: the same hellos, and never a buffer larger than the stream.
 */
TEST(openssl_whole_and_byte_by_byte)
{
	unsigned int i, seg, grow;
	static const u32 segs[] = { 100000, 1, 2, 3, 7, 100, 536, 1448 };

	for (i = 0; i < sizeof(openssl_vectors) / sizeof(openssl_vectors[0]); i++) {
		const struct openssl_vector *v = &openssl_vectors[i];
		const struct expect *e = expect_of(v->name);

		ASSERT_NE(NULL, e);
		for (seg = 0; seg < sizeof(segs) / sizeof(segs[0]); seg++) {
			for (grow = 0; grow < 2; grow++) {
				struct dir_buf *c = grow ? dir_new_growing(TLSMON_STREAM_CLIENT, CAP) :
							   dir_new(TLSMON_STREAM_CLIENT, CAP);
				struct dir_buf *s = grow ? dir_new_growing(TLSMON_STREAM_SERVER, CAP) :
							   dir_new(TLSMON_STREAM_SERVER, CAP);

				EXPECT_EQ(0, feed_all(c, v->client, v->client_len, segs[seg])) TH_LOG("%s seg %u grow %u fail %u", v->name, segs[seg], grow, c->d.fail);
				EXPECT_EQ(0, feed_all(s, v->server, v->server_len, segs[seg]));
				check_vector(_metadata, v, e, c, s);
				if (grow) {
					EXPECT_LE(c->d.size, v->client_len);
					EXPECT_LE(s->d.size, v->server_len);
					if (segs[seg] == 1)
						EXPECT_LT(100, c->grown);
				}
				dir_free(c);
				dir_free(s);
			}
		}
	}
}

/* Segments in random order, some twice, some overlapping. */
TEST(openssl_shuffled_duplicated_overlapping)
{
	unsigned int i, round;

	srand(4242);
	for (i = 0; i < sizeof(openssl_vectors) / sizeof(openssl_vectors[0]); i++) {
		const struct openssl_vector *v = &openssl_vectors[i];

		for (round = 0; round < 50; round++) {
			struct dir_buf *c = dir_new(TLSMON_STREAM_CLIENT, CAP);
			struct dir_buf *s = dir_new(TLSMON_STREAM_SERVER, CAP);
			struct dir_buf *d[2] = { c, s };
			const u8 *p[2] = { v->client, v->server };
			u32 len[2] = { v->client_len, v->server_len };
			int k;

			for (k = 0; k < 2; k++) {
				/*
				 * Cut the stream into chunks, stretch some over
				 * the next one (overlap), send them in shuffled
				 * order, and send some twice.
				 */
				u32 n = len[k], a_[4096], b_[4096], cnt = 0, j, off;

				for (off = 0; off < n; cnt++) {
					a_[cnt] = off;
					off += 1 + rand() % 64;
					if (off > n)
						off = n;
					b_[cnt] = off + (rand() % 3 ? 0 : rand() % 32);
					if (b_[cnt] > n)
						b_[cnt] = n;
				}
				for (j = cnt - 1; j > 0; j--) {
					u32 r = rand() % (j + 1), ta = a_[j], tb = b_[j];

					a_[j] = a_[r];
					b_[j] = b_[r];
					a_[r] = ta;
					b_[r] = tb;
				}
				for (j = 0; j < cnt; j++) {
					EXPECT_EQ(0, dir_feed(d[k], a_[j], p[k] + a_[j],
									b_[j] - a_[j]));
					if (rand() % 4 == 0)
						EXPECT_EQ(0, dir_feed(d[k], a_[j],
										p[k] + a_[j],
										b_[j] - a_[j]));
				}
			}
			check_vector(_metadata, v, expect_of(v->name), c, s);
			free(c);
			free(s);
		}
	}
}

TEST(openssl_truncated_at_every_byte)
{
	unsigned int i;

	for (i = 0; i < sizeof(openssl_vectors) / sizeof(openssl_vectors[0]); i++) {
		const struct openssl_vector *v = &openssl_vectors[i];
		u32 k, done_at = 0;

		for (k = 0; k <= v->server_len; k++) {
			struct dir_buf *s = dir_new(TLSMON_STREAM_SERVER, CAP);

			EXPECT_EQ(0, dir_feed(s, 0, v->server, k));
			EXPECT_NE(TLSMON_HS_FAILED, s->d.state);
			if (s->d.state == TLSMON_HS_DONE && !done_at)
				done_at = k;
			/* once done, every longer prefix is done too */
			if (done_at)
				EXPECT_EQ(TLSMON_HS_DONE, s->d.state);
			free(s);
		}
		EXPECT_NE(0, done_at);
	}
}

TEST(retransmission_with_other_bytes_fails)
{
	const struct openssl_vector *v = &openssl_vectors[0];
	struct dir_buf *c = dir_new(TLSMON_STREAM_CLIENT, CAP);
	u8 forged[64];

	memcpy(forged, v->client + 40, sizeof(forged));
	forged[10] ^= 1;
	EXPECT_EQ(0, dir_feed(c, 40, v->client + 40, 64));
	EXPECT_EQ(-EBADMSG, dir_feed(c, 40, forged, 64));
	EXPECT_EQ(TLSMON_HS_FAILED, c->d.state);
	EXPECT_EQ(TLSMON_FAIL_CONFLICT, c->d.fail);
	free(c);
}

/*
 * A forged ServerHello read first, then the genuine one at the same
 * sequence numbers: the stream is done, yet the genuine bytes are
 * still compared with it, and contradict it.
 */
TEST(later_segment_contradicts_a_done_hello)
{
	unsigned int i;

	for (i = 0; i < sizeof(openssl_vectors) / sizeof(openssl_vectors[0]); i++) {
		const struct openssl_vector *v = &openssl_vectors[i];
		struct dir_buf *s = dir_new(TLSMON_STREAM_SERVER, CAP);
		u32 n = v->server_len < CAP ? v->server_len : CAP;
		u8 *forged = malloc(n);

		memcpy(forged, v->server, n);
		/*
		 * The first ServerHello's suite (its random would turn a
		 * HelloRetryRequest into a ServerHello without a key share,
		 * which does not parse)
		 */
		forged[5 + 4 + 2 + 32 + 1 + v->server[5 + 4 + 2 + 32] + 1] ^= 0x40;
		ASSERT_EQ(0, dir_feed(s, 0, forged, n));
		ASSERT_EQ(TLSMON_HS_DONE, s->d.state) TH_LOG("%s", v->name);
		/* the same bytes again: a retransmission, no harm */
		EXPECT_EQ(0, dir_feed(s, 0, forged, n));
		EXPECT_EQ(TLSMON_HS_DONE, s->d.state);
		/* bytes past those held cannot contradict anything */
		EXPECT_EQ(0, dir_feed(s, n, v->server, 1));
		/* the genuine segment, split: its first part agrees */
		EXPECT_EQ(0, dir_feed(s, 0, v->server, 10));
		EXPECT_EQ(-EBADMSG, dir_feed(s, 10, v->server + 10, n - 10));
		EXPECT_EQ(TLSMON_HS_FAILED, s->d.state);
		EXPECT_EQ(TLSMON_FAIL_CONFLICT, s->d.fail);
		EXPECT_EQ(0, tlsmon_hs_stream_limit(&s->d));
		free(forged);
		free(s);
	}
}

/*
 * A segment that TCP would not accept is never read, only compared: it
 * adds nothing, whether it comes before or after the genuine bytes, and
 * contradicts them if it differs.
 */
TEST(unaccepted_segment_only_compared)
{
	const struct openssl_vector *v = &openssl_vectors[0];
	u32 n = v->server_len < CAP ? v->server_len : CAP;
	struct dir_buf *s = dir_new(TLSMON_STREAM_SERVER, CAP);
	u8 *forged = malloc(n);

	memcpy(forged, v->server, n);
	forged[5 + 4 + 2 + 3] ^= 0x01;
	/* first: nothing is held, so nothing to contradict, nothing added */
	EXPECT_EQ(0, tlsmon_hs_stream_check(&s->d, 0, forged, n));
	EXPECT_EQ(TLSMON_HS_COLLECT, s->d.state);
	EXPECT_EQ(0, s->d.have);
	EXPECT_EQ(0, s->d.n_hellos);
	/* the genuine bytes are read */
	EXPECT_EQ(0, dir_feed(s, 0, v->server, n));
	EXPECT_EQ(TLSMON_HS_DONE, s->d.state);
	/* the same unaccepted bytes now: they differ from what was read */
	EXPECT_EQ(-EBADMSG, tlsmon_hs_stream_check(&s->d, 0, forged, n));
	EXPECT_EQ(TLSMON_FAIL_CONFLICT, s->d.fail);
	free(s);

	/* held out of order only: compared through the seen map */
	s = dir_new(TLSMON_STREAM_SERVER, CAP);
	EXPECT_EQ(0, dir_feed(s, 20, v->server + 20, 30));
	EXPECT_EQ(0, s->d.have);
	EXPECT_EQ(0, tlsmon_hs_stream_check(&s->d, 0, v->server, n));
	/* byte 14 differs, but is not held */
	EXPECT_EQ(0, tlsmon_hs_stream_check(&s->d, 0, forged, 40));
	forged[30] ^= 0x01;
	EXPECT_EQ(-EBADMSG, tlsmon_hs_stream_check(&s->d, 10, forged + 10, 40));
	EXPECT_EQ(TLSMON_FAIL_CONFLICT, s->d.fail);
	free(s);
	free(forged);
}

TEST(small_buffer_fails_closed)
{
	const struct openssl_vector *v = &openssl_vectors[0];
	struct dir_buf *c = dir_new(TLSMON_STREAM_CLIENT, 128);

	EXPECT_EQ(-EBADMSG, feed_all(c, v->client, v->client_len, 1000));
	EXPECT_EQ(TLSMON_FAIL_TOO_LARGE, c->d.fail);
	free(c);
}

/* A whole first flight in one record larger than the buffer. */
TEST(server_hello_in_a_large_record)
{
	static u8 stream[5 + 4 + 90 + 4 + 6000];
	const u8 *sh = openssl_vectors[3].server + 5;	/* TLS 1.2 ServerHello */
	u32 sh_len = 4 + (sh[2] << 8 | sh[3]), rec = sh_len + 4 + 6000;
	struct dir_buf *b = dir_new(TLSMON_STREAM_SERVER, 4096);

	ASSERT_LE(sh_len, 94);
	stream[0] = 0x16;
	stream[1] = 3;
	stream[2] = 3;
	stream[3] = rec >> 8;
	stream[4] = rec & 0xff;
	memcpy(stream + 5, sh, sh_len);
	stream[5 + sh_len] = 11;	/* Certificate, 6000 bytes */
	stream[5 + sh_len + 2] = 6000 >> 8;
	stream[5 + sh_len + 3] = 6000 & 0xff;
	EXPECT_EQ(0, feed_all(b, stream, 5 + rec, 1448));
	EXPECT_EQ(TLSMON_HS_DONE, b->d.state);
	EXPECT_EQ(0xc02f, b->d.sh[0].suite);
	free(b);
}

/* Why a fresh stream of @role fails on @p, or -1 if it does not. */
static int fresh_fails(enum tlsmon_stream_role role, const u8 *p, u32 len)
{
	struct dir_buf *b = dir_new(role, CAP);
	int fail = dir_feed(b, 0, p, len) == -EBADMSG ? (int)b->d.fail : -1;

	free(b);
	return fail;
}

TEST(not_tls_alert_bad_ccs)
{
	static const u8 http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	static const u8 alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
	static const u8 bad_ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x02 };
	static const u8 zero_rec[] = { 0x16, 0x03, 0x01, 0x00, 0x00 };
	static const u8 bad_ver[] = { 0x16, 0x02, 0x00, 0x00, 0x10 };
	struct dir_buf *b;

	EXPECT_EQ(TLSMON_FAIL_NOT_TLS,
		  fresh_fails(TLSMON_STREAM_CLIENT, http, sizeof(http) - 1));

	b = dir_new(TLSMON_STREAM_SERVER, CAP);
	EXPECT_EQ(0, dir_feed(b, 0, openssl_vectors[2].server, 5 + 0x58));
	EXPECT_EQ(1, b->d.n_hellos);	/* the HelloRetryRequest */
	EXPECT_EQ(-EBADMSG, dir_feed(b, 5 + 0x58, bad_ccs, sizeof(bad_ccs)));
	EXPECT_EQ(TLSMON_FAIL_BAD_RECORD, b->d.fail);
	free(b);

	b = dir_new(TLSMON_STREAM_SERVER, CAP);
	EXPECT_EQ(0, dir_feed(b, 0, openssl_vectors[2].server, 5 + 0x58));
	EXPECT_EQ(-EBADMSG, dir_feed(b, 5 + 0x58, alert, sizeof(alert)));
	EXPECT_EQ(TLSMON_FAIL_ALERT, b->d.fail);
	free(b);

	EXPECT_EQ(TLSMON_FAIL_BAD_RECORD,
		  fresh_fails(TLSMON_STREAM_CLIENT, zero_rec, sizeof(zero_rec)));
	EXPECT_EQ(TLSMON_FAIL_BAD_RECORD,
		  fresh_fails(TLSMON_STREAM_CLIENT, bad_ver, sizeof(bad_ver)));
}

/*
 * A message's type is judged on its 4-byte header: a stream does not wait
 * for the body of a message it could never accept, whatever length (up to
 * the cap) that header claims.
 */
TEST(wrong_message_type_fails_at_its_header)
{
	/* record of 240 bytes, then a Certificate (11) claiming 4000 bytes */
	static const u8 cert[] = { 0x16, 0x03, 0x01, 0x00, 0xf0,
				   0x0b, 0x00, 0x0f, 0xa0 };
	/* the same header as a ClientHello: a client waits for its body */
	static const u8 ch[] = { 0x16, 0x03, 0x01, 0x00, 0xf0,
				 0x01, 0x00, 0x0f, 0xa0 };
	/* a minimal TLS 1.2 ClientHello: no session id, one suite, no extensions */
	static const u8 tls12_hello[] = { 0x16, 0x03, 0x01, 0x00, 0x2d,
		0x01, 0x00, 0x00, 0x29, 0x03, 0x03,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
		0x00, 0x00, 0x02, 0xc0, 0x2f, 0x01, 0x00 };
	/* its next flight: ClientKeyExchange (16) */
	static const u8 cke[] = { 0x16, 0x03, 0x03, 0x00, 0x46,
				  0x10, 0x00, 0x00, 0x42 };
	struct dir_buf *b;

	EXPECT_EQ(TLSMON_FAIL_UNEXPECTED,
		  fresh_fails(TLSMON_STREAM_CLIENT, cert, sizeof(cert)));
	EXPECT_EQ(TLSMON_FAIL_UNEXPECTED,
		  fresh_fails(TLSMON_STREAM_SERVER, ch, sizeof(ch)));

	b = dir_new(TLSMON_STREAM_CLIENT, CAP);
	EXPECT_EQ(0, dir_feed(b, 0, ch, sizeof(ch)));
	EXPECT_EQ(TLSMON_HS_COLLECT, b->d.state);
	free(b);

	/* done once the header of the message after its hello is in */
	b = dir_new(TLSMON_STREAM_CLIENT, CAP);
	ASSERT_EQ(0, dir_feed(b, 0, tls12_hello, sizeof(tls12_hello)));
	ASSERT_EQ(1, b->d.n_hellos);
	EXPECT_EQ(TLSMON_HS_COLLECT, b->d.state);
	EXPECT_EQ(0, dir_feed(b, sizeof(tls12_hello), cke, sizeof(cke)));
	EXPECT_EQ(TLSMON_HS_DONE, b->d.state);
	free(b);
}

/* --- hand-made hellos ------------------------------------------------ */

struct w {
	u8 b[4096];
	size_t n;
};

static void put8(struct w *w, unsigned int v) { w->b[w->n++] = v; }
static void put16(struct w *w, unsigned int v) { put8(w, v >> 8); put8(w, v); }

/* A ClientHello body: @sid bytes of session id, @exts as (type, len, fill). */
static size_t make_ch(struct w *w, unsigned int sid, const u16 *suites,
		      unsigned int n_suites, const u16 *ext_types,
		      const u16 *ext_lens, unsigned int n_ext)
{
	size_t len_at, i, j;

	w->n = 0;
	put16(w, 0x0303);
	for (i = 0; i < 32; i++)
		put8(w, i);
	put8(w, sid);
	for (i = 0; i < sid; i++)
		put8(w, 0xee);
	put16(w, n_suites * 2);
	for (i = 0; i < n_suites; i++)
		put16(w, suites[i]);
	put8(w, 1);
	put8(w, 0);
	len_at = w->n;
	put16(w, 0);
	for (i = 0; i < n_ext; i++) {
		put16(w, ext_types[i]);
		put16(w, ext_lens[i]);
		if (ext_types[i] == TLSMON_EXT_SUPPORTED_VERSIONS && ext_lens[i] == 5) {
			put8(w, 4);
			put16(w, 0x0304);
			put16(w, 0x0303);
		} else {
			for (j = 0; j < ext_lens[i]; j++)
				put8(w, 0);
		}
	}
	w->b[len_at] = (w->n - len_at - 2) >> 8;
	w->b[len_at + 1] = (w->n - len_at - 2) & 0xff;
	return w->n;
}

static size_t make_sh(struct w *w, unsigned int sid, u16 suite, u16 version,
		      const u16 *priv, unsigned int n_priv)
{
	size_t len_at, i;

	w->n = 0;
	put16(w, 0x0303);
	for (i = 0; i < 32; i++)
		put8(w, 0x40 + i);
	put8(w, sid);
	for (i = 0; i < sid; i++)
		put8(w, 0xee);
	put16(w, suite);
	put8(w, 0);
	len_at = w->n;
	put16(w, 0);
	if (version == 0x0304) {
		put16(w, TLSMON_EXT_SUPPORTED_VERSIONS);
		put16(w, 2);
		put16(w, 0x0304);
	}
	for (i = 0; i < n_priv; i++) {
		put16(w, priv[i]);
		put16(w, 0);
	}
	w->b[len_at] = (w->n - len_at - 2) >> 8;
	w->b[len_at + 1] = (w->n - len_at - 2) & 0xff;
	return w->n;
}

static const u16 std_suites[] = { 0x1301, 0x1302, 0xff01, 0xc02f };

TEST(session_id_every_length)
{
	static const u16 t[] = { TLSMON_EXT_SUPPORTED_VERSIONS };
	static const u16 l[] = { 5 };
	struct tlsmon_client_hello ch;
	struct tlsmon_server_hello sh;
	struct w w;
	unsigned int sid;

	for (sid = 0; sid <= 33; sid++) {
		int want = sid <= 32 ? 0 : -TLSMON_HELLO_BAD_LENGTH;

		make_ch(&w, sid, std_suites, 4, t, l, 1);
		EXPECT_EQ(want, tlsmon_parse_client_hello(w.b, w.n, &ch));
		if (!want) {
			EXPECT_EQ(sid, ch.session_id_len);
			EXPECT_EQ((1 << 4) | (1 << 3), ch.versions);
		}
		make_sh(&w, sid, 0x1301, 0x0304, NULL, 0);
		EXPECT_EQ(want, tlsmon_parse_server_hello(w.b, w.n, &sh));
		if (!want)
			EXPECT_EQ(sid, sh.session_id_len);
	}
}

/* Append a record of @type holding @len bytes of @p to @out. */
static size_t put_record(u8 *out, size_t at, u8 type, const u8 *p, size_t len)
{
	out[at] = type;
	out[at + 1] = 3;
	out[at + 2] = 3;
	out[at + 3] = len >> 8;
	out[at + 4] = len & 0xff;
	memcpy(out + at + 5, p, len);
	return at + 5 + len;
}

/* A handshake message of @type around the body in @w, into @m; its length. */
static size_t wrap_msg(u8 *m, u8 type, const struct w *w)
{
	m[0] = type;
	m[1] = w->n >> 16;
	m[2] = w->n >> 8;
	m[3] = w->n & 0xff;
	memcpy(m + 4, w->b, w->n);
	return 4 + w->n;
}

/*
 * Two ClientHellos (as after a HelloRetryRequest), the second split over
 * two records at every byte: the first record holds the whole first hello,
 * read where it lies, and the start of the second, which waits in @msg for
 * the next record. Fed whole and in small segments, into buffers that
 * start full of garbage and into buffers that grow meanwhile: whatever is
 * read must have been written.
 */
TEST(hello_split_across_records_at_every_byte)
{
	static const u16 t[] = { TLSMON_EXT_SUPPORTED_VERSIONS };
	static const u16 l[] = { 5 };
	static const u32 segs[] = { 100000, 1, 7, 100 };
	static u8 m1[512], m2[512], rec[600], stream[1400];
	size_t n1, n2, k, len;
	unsigned int i;
	struct w w;

	make_ch(&w, 32, std_suites, 4, t, l, 1);
	n1 = wrap_msg(m1, TLSMON_MSG_CLIENT_HELLO, &w);
	make_ch(&w, 7, std_suites, 3, t, l, 1);
	n2 = wrap_msg(m2, TLSMON_MSG_CLIENT_HELLO, &w);
	for (k = 0; k < n2; k++) {
		for (i = 0; i < 2 * sizeof(segs) / sizeof(segs[0]); i++) {
			/* the odd runs grow their buffers as the stream asks */
			struct dir_buf *b = i % 2 ? dir_new_growing(TLSMON_STREAM_CLIENT, CAP) :
						    dir_new(TLSMON_STREAM_CLIENT, CAP);

			memcpy(rec, m1, n1);
			memcpy(rec + n1, m2, k);
			len = put_record(stream, 0, TLSMON_REC_HANDSHAKE, rec, n1 + k);
			len = put_record(stream, len, TLSMON_REC_HANDSHAKE, m2 + k, n2 - k);
			ASSERT_EQ(0, feed_all(b, stream, len, segs[i / 2]))
				TH_LOG("split at %zu, segments of %u: fail %u", k,
				       segs[i / 2], b->d.fail);
			ASSERT_EQ(TLSMON_HS_DONE, b->d.state);
			ASSERT_EQ(2, b->d.n_hellos);
			EXPECT_EQ(32, b->d.ch[0].session_id_len);
			EXPECT_EQ(4, b->d.ch[0].n_suites);
			EXPECT_EQ(7, b->d.ch[1].session_id_len);
			EXPECT_EQ(3, b->d.ch[1].n_suites);
			dir_free(b);
		}
	}
}

TEST(truncated_hellos_at_every_byte)
{
	static const u16 t[] = { 0x0000, TLSMON_EXT_SUPPORTED_VERSIONS, 0xff4d };
	static const u16 l[] = { 3, 5, 0 };
	struct tlsmon_client_hello ch;
	struct tlsmon_server_hello sh;
	u16 priv = 0xff4d;
	struct w w;
	size_t full, k, no_ext;

	full = make_ch(&w, 32, std_suites, 4, t, l, 3);
	no_ext = full - (4 + 3) - (4 + 5) - 4 - 2;
	ASSERT_EQ(0, tlsmon_parse_client_hello(w.b, full, &ch));
	for (k = 0; k < full; k++) {
		int err = tlsmon_parse_client_hello(w.b, k, &ch);

		/* a hello cut right before its extensions is still a hello */
		if (k == no_ext) {
			EXPECT_EQ(0, err);
		} else {
			EXPECT_NE(0, err) TH_LOG("CH cut at %zu parsed", k);
		}
	}
	full = make_sh(&w, 32, 0x1301, 0x0304, &priv, 1);
	no_ext = 2 + 32 + 1 + 32 + 2 + 1;
	ASSERT_EQ(0, tlsmon_parse_server_hello(w.b, full, &sh));
	for (k = 0; k < full; k++) {
		int err = tlsmon_parse_server_hello(w.b, k, &sh);

		/* without extensions it is a valid TLS 1.2 ServerHello */
		if (k == no_ext) {
			EXPECT_EQ(0, err);
			EXPECT_EQ(0x0303, sh.version);
		} else {
			EXPECT_NE(0, err) TH_LOG("SH cut at %zu parsed", k);
		}
	}
}

TEST(overrunning_lengths)
{
	static const u16 t[] = { 0x000a };
	static const u16 l[] = { 4 };
	struct tlsmon_client_hello ch;
	struct w w;
	size_t n, sid_at = 34, suites_at = 35 + 32;

	n = make_ch(&w, 32, std_suites, 4, t, l, 1);
	w.b[sid_at] = 33;		/* session id longer than 32 */
	EXPECT_NE(0, tlsmon_parse_client_hello(w.b, n, &ch));
	n = make_ch(&w, 32, std_suites, 4, t, l, 1);
	w.b[suites_at] = 0xff;		/* suites run past the end */
	EXPECT_EQ(-TLSMON_HELLO_TRUNCATED, tlsmon_parse_client_hello(w.b, n, &ch));
	n = make_ch(&w, 32, std_suites, 4, t, l, 1);
	w.b[suites_at + 1] = 7;		/* odd suites length */
	EXPECT_NE(0, tlsmon_parse_client_hello(w.b, n, &ch));
	n = make_ch(&w, 32, std_suites, 4, t, l, 1);
	w.b[n - 4 - 4 - 2] = 0x10;	/* extensions block overruns */
	EXPECT_EQ(-TLSMON_HELLO_TRUNCATED, tlsmon_parse_client_hello(w.b, n, &ch));
	n = make_ch(&w, 32, std_suites, 4, t, l, 1);
	w.b[n - 4 - 1] = 0x09;		/* one extension overruns its block */
	EXPECT_EQ(-TLSMON_HELLO_TRUNCATED, tlsmon_parse_client_hello(w.b, n, &ch));
	n = make_ch(&w, 32, std_suites, 4, t, l, 1);
	w.b[n++] = 0;			/* trailing byte */
	EXPECT_EQ(-TLSMON_HELLO_TRAILING, tlsmon_parse_client_hello(w.b, n, &ch));
}

TEST(empty_and_duplicated_extensions)
{
	static const u16 dup_t[] = { 0x000a, 0x000b, 0x000a };
	static const u16 dup_l[] = { 0, 0, 0 };
	static const u16 sv0_t[] = { TLSMON_EXT_SUPPORTED_VERSIONS };
	static const u16 sv0_l[] = { 0 };
	static const u16 empty_t[] = { 0xff4d, 0x0017 };
	static const u16 empty_l[] = { 0, 0 };
	struct tlsmon_client_hello ch;
	struct tlsmon_server_hello sh;
	u16 two[2] = { 0xff4d, 0xff4d };
	struct w w;

	/* an empty extensions block */
	make_ch(&w, 0, std_suites, 4, NULL, NULL, 0);
	EXPECT_EQ(0, tlsmon_parse_client_hello(w.b, w.n, &ch));
	EXPECT_EQ(0, ch.n_priv_ext);
	/* extensions with no data */
	make_ch(&w, 0, std_suites, 4, empty_t, empty_l, 2);
	EXPECT_EQ(0, tlsmon_parse_client_hello(w.b, w.n, &ch));
	EXPECT_EQ(1, ch.n_priv_ext);
	EXPECT_EQ(0xff4d, ch.priv_ext[0]);
	/* supported_versions must list something */
	make_ch(&w, 0, std_suites, 4, sv0_t, sv0_l, 1);
	EXPECT_NE(0, tlsmon_parse_client_hello(w.b, w.n, &ch));
	/* the same extension twice */
	make_ch(&w, 0, std_suites, 4, dup_t, dup_l, 3);
	EXPECT_EQ(-TLSMON_HELLO_DUP_EXT, tlsmon_parse_client_hello(w.b, w.n, &ch));
	make_sh(&w, 0, 0x1301, 0x0304, two, 2);
	EXPECT_EQ(-TLSMON_HELLO_DUP_EXT, tlsmon_parse_server_hello(w.b, w.n, &sh));
}

TEST(server_hello_rules)
{
	struct tlsmon_server_hello sh;
	struct w w;

	make_sh(&w, 0, 0x1301, 0x0304, NULL, 0);
	w.b[2 + 32 + 1 + 2] = 1;	/* compression must be null */
	EXPECT_EQ(-TLSMON_HELLO_BAD_VALUE, tlsmon_parse_server_hello(w.b, w.n, &sh));
	make_sh(&w, 0, 0x1301, 0x0303, NULL, 0);
	w.b[0] = 0x02;			/* not a TLS version */
	EXPECT_EQ(-TLSMON_HELLO_BAD_VALUE, tlsmon_parse_server_hello(w.b, w.n, &sh));
}

/*
 * A TLS 1.3 ServerHello (or HelloRetryRequest, @hrr) whose key_share
 * extension holds @ext_len bytes: group @group, then, unless @hrr, a
 * key_exchange vector whose length field says @klen_field and whose
 * bytes are @key (@klen of them).
 */
static size_t make_sh_ks(struct w *w, bool hrr, u16 group, u16 klen_field,
			 const u8 *key, size_t klen, int ext_len)
{
	static const u8 hrr_random[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
		0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
		0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
		0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
	};
	size_t len_at, i;

	make_sh(w, 0, 0x1301, 0x0304, NULL, 0);
	if (hrr)
		memcpy(w->b + 2, hrr_random, 32);
	len_at = 2 + 32 + 1 + 2 + 1;
	put16(w, TLSMON_EXT_KEY_SHARE);
	put16(w, ext_len);
	put16(w, group);
	if (!hrr) {
		put16(w, klen_field);
		for (i = 0; i < klen; i++)
			put8(w, key[i]);
	}
	w->b[len_at] = (w->n - len_at - 2) >> 8;
	w->b[len_at + 1] = (w->n - len_at - 2) & 0xff;
	return w->n;
}

TEST(server_hello_key_share)
{
	struct tlsmon_server_hello sh;
	u8 key[97], other[97];
	struct w w;
	size_t k;

	memset(key, 0x42, sizeof(key));
	memcpy(other, key, sizeof(key));
	other[31] ^= 1;

	/* x25519: the group, 32 bytes, their digest */
	make_sh_ks(&w, false, 0x001d, 32, key, 32, 2 + 2 + 32);
	ASSERT_EQ(0, tlsmon_parse_server_hello(w.b, w.n, &sh));
	EXPECT_EQ(0x001d, sh.ks_group);
	EXPECT_EQ(32, sh.ks_len);
	EXPECT_EQ(tlsmon_key_share_digest(0x001d, key, 32), sh.ks_digest);
	/* one bit of the key, or the group, changes the digest */
	EXPECT_NE(tlsmon_key_share_digest(0x001d, other, 32), sh.ks_digest);
	EXPECT_NE(tlsmon_key_share_digest(0x0017, key, 32), sh.ks_digest);
	EXPECT_NE(tlsmon_key_share_digest(0x001d, key, 31), sh.ks_digest);
	/* the same hello parsed twice: the same digest */
	make_sh_ks(&w, false, 0x001d, 32, other, 32, 2 + 2 + 32);
	ASSERT_EQ(0, tlsmon_parse_server_hello(w.b, w.n, &sh));
	EXPECT_EQ(tlsmon_key_share_digest(0x001d, other, 32), sh.ks_digest);

	/* secp384r1: any length the vector gives */
	make_sh_ks(&w, false, 0x0018, 97, key, 97, 2 + 2 + 97);
	ASSERT_EQ(0, tlsmon_parse_server_hello(w.b, w.n, &sh));
	EXPECT_EQ(97, sh.ks_len);

	/* no key_share: nothing recorded */
	make_sh(&w, 0, 0x1301, 0x0304, NULL, 0);
	ASSERT_EQ(0, tlsmon_parse_server_hello(w.b, w.n, &sh));
	EXPECT_EQ(0, sh.ks_group);
	EXPECT_EQ(0, sh.ks_len);

	/* a HelloRetryRequest: the selected group only */
	make_sh_ks(&w, true, 0x0017, 0, NULL, 0, 2);
	ASSERT_EQ(0, tlsmon_parse_server_hello(w.b, w.n, &sh));
	EXPECT_TRUE(sh.hrr);
	EXPECT_EQ(0x0017, sh.ks_group);
	EXPECT_EQ(0, sh.ks_len);

	/* an empty key */
	make_sh_ks(&w, false, 0x001d, 0, key, 0, 2 + 2);
	EXPECT_EQ(-TLSMON_HELLO_BAD_LENGTH, tlsmon_parse_server_hello(w.b, w.n, &sh));
	/* a key longer than its extension */
	make_sh_ks(&w, false, 0x001d, 33, key, 32, 2 + 2 + 32);
	EXPECT_EQ(-TLSMON_HELLO_TRUNCATED, tlsmon_parse_server_hello(w.b, w.n, &sh));
	/* the group alone in a ServerHello */
	make_sh_ks(&w, true, 0x001d, 0, NULL, 0, 2);
	w.b[2] ^= 0xff;		/* not the HelloRetryRequest random */
	EXPECT_EQ(-TLSMON_HELLO_TRUNCATED, tlsmon_parse_server_hello(w.b, w.n, &sh));
	/* a byte after the entry (a second entry, say) */
	make_sh_ks(&w, false, 0x001d, 31, key, 32, 2 + 2 + 32);
	EXPECT_EQ(-TLSMON_HELLO_TRAILING, tlsmon_parse_server_hello(w.b, w.n, &sh));
	/* a HelloRetryRequest with more than the group */
	make_sh_ks(&w, true, 0x001d, 0, NULL, 0, 3);
	put8(&w, 0);
	w.b[2 + 32 + 1 + 2 + 1 + 1] += 1;
	EXPECT_EQ(-TLSMON_HELLO_TRAILING, tlsmon_parse_server_hello(w.b, w.n, &sh));
	/*
	 * Truncated at every byte within the extensions (before them, it
	 * is a TLS 1.2 ServerHello without any): refused, never read past
	 * the end.
	 */
	make_sh_ks(&w, false, 0x001d, 32, key, 32, 2 + 2 + 32);
	for (k = 2 + 32 + 1 + 2 + 1 + 1; k < w.n; k++)
		EXPECT_NE(0, tlsmon_parse_server_hello(w.b, k, &sh));
}

/* The decision over hand-made hellos. */
static void decide(const u16 *offer, unsigned int n_offer, bool ch_consent,
		   u16 suite, bool sh_consent, u8 mode, struct tlsmon_verdict *v)
{
	static const u16 t[] = { TLSMON_EXT_SUPPORTED_VERSIONS, 0xff4d };
	static const u16 l[] = { 5, 0 };
	struct tlsmon_client_hello ch;
	struct tlsmon_server_hello sh;
	struct tlsmon_policy p;
	u16 priv = 0xff4d;
	struct w w;

	make_ch(&w, 0, offer, n_offer, t, l, ch_consent ? 2 : 1);
	tlsmon_parse_client_hello(w.b, w.n, &ch);
	make_sh(&w, 0, suite, 0x0304, &priv, sh_consent);
	tlsmon_parse_server_hello(w.b, w.n, &sh);
	tlsmon_policy_defaults(&p);
	p.enabled = true;
	p.consent = mode;
	tlsmon_decide(&p, &ch, &sh, v);
}

TEST(decision_matrix)
{
	static const u16 mon[] = { 0xff01, 0x1301 }, std[] = { 0x1301, 0x1302 };
	struct tlsmon_verdict v;

	/* monitored suite, no consent */
	decide(mon, 2, false, 0xff01, false, TLSMON_CONSENT_OFF, &v);
	EXPECT_TRUE(v.monitored);
	EXPECT_EQ(TLSMON_REASON_SUITE, v.reason);
	decide(mon, 2, false, 0xff01, false, TLSMON_CONSENT_ACCEPT, &v);
	EXPECT_TRUE(v.monitored);
	decide(mon, 2, false, 0xff01, false, TLSMON_CONSENT_REQUIRE, &v);
	EXPECT_FALSE(v.monitored);
	EXPECT_EQ(TLSMON_UNMON_NO_SIGNAL, v.why);

	/* consent only */
	decide(std, 2, true, 0x1301, true, TLSMON_CONSENT_OFF, &v);
	EXPECT_FALSE(v.monitored);
	decide(std, 2, true, 0x1301, true, TLSMON_CONSENT_ACCEPT, &v);
	EXPECT_TRUE(v.monitored);
	EXPECT_EQ(TLSMON_REASON_CONSENT, v.reason);
	EXPECT_TRUE(v.consent);
	decide(std, 2, true, 0x1301, true, TLSMON_CONSENT_REQUIRE, &v);
	EXPECT_FALSE(v.monitored);

	/* both */
	decide(mon, 2, true, 0xff01, true, TLSMON_CONSENT_REQUIRE, &v);
	EXPECT_TRUE(v.monitored);
	EXPECT_EQ(TLSMON_REASON_SUITE | TLSMON_REASON_CONSENT, v.reason);

	/* consent offered but not echoed: nothing */
	decide(std, 2, true, 0x1301, false, TLSMON_CONSENT_ACCEPT, &v);
	EXPECT_FALSE(v.monitored);
	EXPECT_EQ(TLSMON_UNMON_NO_SIGNAL, v.why);

	/* echoed but never offered: refused whatever the mode */
	decide(mon, 2, false, 0xff01, true, TLSMON_CONSENT_OFF, &v);
	EXPECT_FALSE(v.monitored);
	EXPECT_EQ(TLSMON_UNMON_UNSOLICITED_EXT, v.why);

	/* a monitored suite the client never offered */
	decide(std, 2, false, 0xff01, false, TLSMON_CONSENT_ACCEPT, &v);
	EXPECT_FALSE(v.monitored);
	EXPECT_EQ(TLSMON_UNMON_UNOFFERED_SUITE, v.why);
}

TEST(decision_unoffered_version)
{
	static const u16 t[] = { 0x000a };
	static const u16 l[] = { 0 };
	struct tlsmon_client_hello ch;
	struct tlsmon_server_hello sh;
	struct tlsmon_verdict v;
	struct tlsmon_policy p;
	struct w w;

	/* a TLS 1.2-only client (no supported_versions) told "TLS 1.3" */
	make_ch(&w, 0, std_suites, 4, t, l, 1);
	ASSERT_EQ(0, tlsmon_parse_client_hello(w.b, w.n, &ch));
	make_sh(&w, 0, 0xff01, 0x0304, NULL, 0);
	ASSERT_EQ(0, tlsmon_parse_server_hello(w.b, w.n, &sh));
	tlsmon_policy_defaults(&p);
	tlsmon_decide(&p, &ch, &sh, &v);
	EXPECT_FALSE(v.monitored);
	EXPECT_EQ(TLSMON_UNMON_UNOFFERED_VERSION, v.why);
}

/*
 * The kTLS cipher each suite implies, in its own version only; the _MON
 * variants like their standard suites; anything else is unknown (0).
 */
TEST(suite_cipher_map)
{
	static const struct { u16 suite, version, cipher; } ok[] = {
		{ 0x1301, 0x0304, TLS_CIPHER_AES_GCM_128 },
		{ 0x1302, 0x0304, TLS_CIPHER_AES_GCM_256 },
		{ 0x1303, 0x0304, TLS_CIPHER_CHACHA20_POLY1305 },
		{ 0x1304, 0x0304, TLS_CIPHER_AES_CCM_128 },
		{ 0x00c6, 0x0304, TLS_CIPHER_SM4_GCM },
		{ 0x00c7, 0x0304, TLS_CIPHER_SM4_CCM },
		{ 0xff01, 0x0304, TLS_CIPHER_AES_GCM_128 },
		{ 0xff02, 0x0304, TLS_CIPHER_AES_GCM_256 },
		{ 0xff03, 0x0304, TLS_CIPHER_CHACHA20_POLY1305 },
		{ 0xff04, 0x0304, TLS_CIPHER_AES_CCM_128 },
		{ 0x009c, 0x0303, TLS_CIPHER_AES_GCM_128 },
		{ 0x009f, 0x0303, TLS_CIPHER_AES_GCM_256 },
		{ 0xc02b, 0x0303, TLS_CIPHER_AES_GCM_128 },
		{ 0xc030, 0x0303, TLS_CIPHER_AES_GCM_256 },
		{ 0xc0ac, 0x0303, TLS_CIPHER_AES_CCM_128 },
		{ 0xcca8, 0x0303, TLS_CIPHER_CHACHA20_POLY1305 },
		{ 0xccaa, 0x0303, TLS_CIPHER_CHACHA20_POLY1305 },
		{ 0xff2b, 0x0303, TLS_CIPHER_AES_GCM_128 },
		{ 0xff2c, 0x0303, TLS_CIPHER_AES_GCM_256 },
		{ 0xff2f, 0x0303, TLS_CIPHER_AES_GCM_128 },
		{ 0xff30, 0x0303, TLS_CIPHER_AES_GCM_256 },
		{ 0xffa8, 0x0303, TLS_CIPHER_CHACHA20_POLY1305 },
		{ 0xffa9, 0x0303, TLS_CIPHER_CHACHA20_POLY1305 },
	};
	/* wrong version, CBC, CCM_8, unknown private-use, nothing */
	static const struct { u16 suite, version; } bad[] = {
		{ 0x1301, 0x0303 }, { 0xc02f, 0x0304 }, { 0xff01, 0x0303 },
		{ 0xff2f, 0x0304 }, { 0x002f, 0x0303 }, { 0xc0ae, 0x0303 },
		{ 0x1305, 0x0304 }, { 0xff05, 0x0304 }, { 0x0000, 0x0304 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		EXPECT_EQ(ok[i].cipher, tlsmon_suite_cipher(ok[i].suite, ok[i].version))
			TH_LOG("suite 0x%04x", ok[i].suite);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(0, tlsmon_suite_cipher(bad[i].suite, bad[i].version))
			TH_LOG("suite 0x%04x", bad[i].suite);
}

TEST(install_must_match_the_suite)
{
	struct tlsmon_verdict v = { .monitored = true, .version = 0x0304,
				    .suite = 0xff01 };

	EXPECT_TRUE(tlsmon_install_matches(&v, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128));
	/* the forged-hello case: the suite said AES-128, kTLS has AES-256 */
	EXPECT_FALSE(tlsmon_install_matches(&v, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_256));
	EXPECT_FALSE(tlsmon_install_matches(&v, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128));
	v.suite = 0xff7f;	/* private-use, unknown: fail closed */
	EXPECT_FALSE(tlsmon_install_matches(&v, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128));
	v.suite = 0xc02f;
	v.version = 0x0303;
	EXPECT_TRUE(tlsmon_install_matches(&v, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128));
	EXPECT_FALSE(tlsmon_install_matches(&v, TLS_1_2_VERSION, TLS_CIPHER_CHACHA20_POLY1305));
}

TEST_HARNESS_MAIN
