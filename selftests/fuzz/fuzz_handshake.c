// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the handshake parser: module/tls_hello.c,
 * module/hs_stream.c and module/verdict.c, the code that reads what the
 * network sends before a single packet is trusted.
 *
 * An input is
 *
 *   byte 0     buffer size: 128 << (b % 7), at most 8192 (the kernel's
 *              hello_max range)
 *   byte 1     bits 0-1 consent mode (modulo 3), bit 2 no monitored
 *              suites, bit 3 the standard suites monitored too,
 *              bits 4-7 largest segment (1 << n bytes)
 *   byte 2     seed of the delivery order
 *   bytes 3-4  length of the client's stream (big endian)
 *   then       the client's stream, then the server's stream
 *
 * and every input is played twice: each stream whole, client first, and
 * then both cut into segments delivered interleaved in a shuffled order
 * with duplicates (what a lossy path and TCP retransmission produce). The
 * parser must not touch memory outside its buffers (ASan, each buffer its
 * own allocation of exactly the size the kernel gives it), and where both
 * deliveries reach a verdict it must be the same one, and must only ever
 * monitor a suite the client offered.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../module/hs_stream.h"
#include "../../module/verdict.h"

struct dir_mem {
	struct tlsmon_hs_stream d;
	u8 *buf, *seen, *msg;
};

static void dir_open(struct dir_mem *m, enum tlsmon_stream_role role, u32 cap)
{
	memset(m, 0, sizeof(*m));
	tlsmon_hs_stream_init(&m->d, role, cap);
}

static void dir_close(struct dir_mem *m)
{
	free(m->buf);
	free(m->seen);
	free(m->msg);
}

static u32 rnd(u32 *state);

/*
 * Buffers grow as the kernel's do, on demand, but by random steps: to
 * exactly what was asked, or a little more. Each is its own allocation of
 * exactly its size, filled with garbage, as kmalloc hands it over.
 */
static void dir_grow(struct dir_mem *m, u32 *seed)
{
	u32 size = m->d.need, sb;
	u8 *buf, *seen, *msg;

	if (size <= m->d.size || size > m->d.cap)
		abort();
	if (rnd(seed) & 1)
		size += rnd(seed) % 256;
	if (size > m->d.cap)
		size = m->d.cap;
	sb = tlsmon_hs_seen_bytes(size);
	buf = malloc(size);
	seen = malloc(sb);
	msg = malloc(size);
	if (!buf || !seen || !msg)
		abort();
	memset(buf, 0xa5, size);
	memset(seen, 0xa5, sb);
	memset(msg, 0xa5, size);
	tlsmon_hs_stream_rebuf(&m->d, buf, seen, msg, size);
	dir_close(m);
	m->buf = buf;
	m->seen = seen;
	m->msg = msg;
}

static void dir_feed(struct dir_mem *m, u32 off, const u8 *p, u32 len,
		     u32 *seed)
{
	while (tlsmon_hs_stream_feed(&m->d, off, p, len) == -ENOBUFS)
		dir_grow(m, seed);
}

struct outcome {
	bool complete;
	struct tlsmon_verdict v;
};

static void check_complete(struct dir_mem *c, struct dir_mem *s,
			   const struct tlsmon_policy *pol, struct outcome *o)
{
	const struct tlsmon_client_hello *ch;
	unsigned int i;

	if (o->complete || !tlsmon_hs_complete(&c->d, &s->d))
		return;
	o->complete = true;
	ch = &c->d.ch[c->d.n_hellos - 1];
	tlsmon_decide(pol, ch, &s->d.sh[s->d.n_hellos - 1], &o->v);
	if (!o->v.monitored)
		return;
	/* A monitored session runs a suite the client offered. */
	for (i = 0; i < ch->n_suites; i++)
		if (ch->suites[i] == o->v.suite)
			return;
	abort();
}

static u32 rnd(u32 *state)
{
	u32 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static const u16 std_suites[] = {
	0x1301, 0x1302, 0x1303, 0x1304, 0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8,
	0xcca9,
};

struct seg {
	u8 dir;
	u32 off, len;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *stream[2];
	u32 len[2], cap, maxseg, seed, nseg = 0, i;
	struct outcome whole = {}, cut = {};
	struct tlsmon_policy pol;
	struct dir_mem m[2];
	struct seg *segs;

	if (size < 5)
		return 0;
	cap = 128u << (data[0] % 7);
	maxseg = 1u << (data[1] >> 4);
	seed = data[2] | 0x9e3779b9u;
	len[0] = (u32)data[3] << 8 | data[4];
	data += 5;
	size -= 5;
	if (len[0] > size)
		len[0] = size;
	len[1] = size - len[0];
	stream[0] = data;
	stream[1] = data + len[0];

	tlsmon_policy_defaults(&pol);
	pol.consent = (data[-4] & 3) % 3;
	if (data[-4] & 4)
		pol.n_suites = 0;
	/*
	 * Standard suites are refused by the policy rules; written in
	 * directly, they let the corpus's ordinary handshakes reach the
	 * monitored verdict, whose agreement across splits is what is
	 * checked here.
	 */
	if (data[-4] & 8)
		for (i = 0; i < sizeof(std_suites) / sizeof(std_suites[0]) &&
		     pol.n_suites < TLSMON_MAX_SUITES; i++)
			pol.suites[pol.n_suites++] = std_suites[i];

	/* Each stream whole, the client's first. */
	dir_open(&m[0], TLSMON_STREAM_CLIENT, cap);
	dir_open(&m[1], TLSMON_STREAM_SERVER, cap);
	for (i = 0; i < 2; i++) {
		dir_feed(&m[i], 0, stream[i], len[i], &seed);
		check_complete(&m[0], &m[1], &pol, &whole);
	}
	dir_close(&m[0]);
	dir_close(&m[1]);

	/* Segments of both, shuffled, about one in eight sent twice. */
	segs = malloc(sizeof(*segs) * (size + 2) * 2);
	if (!segs)
		abort();
	for (i = 0; i < 2; i++) {
		u32 off = 0;

		while (off < len[i]) {
			u32 n = 1 + rnd(&seed) % maxseg;

			if (n > len[i] - off)
				n = len[i] - off;
			segs[nseg++] = (struct seg){ i, off, n };
			if (!(rnd(&seed) & 7))
				segs[nseg++] = (struct seg){ i, off, n };
			off += n;
		}
	}
	for (i = nseg; i > 1; i--) {
		u32 j = rnd(&seed) % i;
		struct seg t = segs[i - 1];

		segs[i - 1] = segs[j];
		segs[j] = t;
	}
	dir_open(&m[0], TLSMON_STREAM_CLIENT, cap);
	dir_open(&m[1], TLSMON_STREAM_SERVER, cap);
	for (i = 0; i < nseg; i++) {
		const struct seg *g = &segs[i];

		dir_feed(&m[g->dir], g->off, stream[g->dir] + g->off, g->len,
			 &seed);
		check_complete(&m[0], &m[1], &pol, &cut);
	}
	dir_close(&m[0]);
	dir_close(&m[1]);
	free(segs);

	/* The order bytes arrive in never changes what was decided. */
	if (whole.complete && cut.complete &&
	    memcmp(&whole.v, &cut.v, sizeof(whole.v)))
		abort();
	return 0;
}
