// SPDX-License-Identifier: GPL-2.0
/*
 * The two byte streams of a watched handshake (struct tlsmon_handshake):
 * their buffers, which start in one block and grow up to hello_max, the
 * feeding of a segment's bytes into them for reassembly and parsing
 * (hs_stream.c), and what the entry becomes once they are parsed:
 * complete, or failed for good.
 *
 * Everything here fails closed: a stream that overflows or cannot be
 * parsed, or a failed allocation, leaves its connection unmonitored.
 */
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "hs_buf.h"
#include "hs_table.h"
#include "keyshare.h"
#include "netns.h"

unsigned int tlsmon_hello_max = 4096;
module_param_named(hello_max, tlsmon_hello_max, uint, 0444);
MODULE_PARM_DESC(hello_max,
		 "Bytes of each direction read for the hellos; larger hellos are not monitored (default 4096)");

int tlsmon_flow_params_check(void)
{
	if (tlsmon_hello_max < 512 || tlsmon_hello_max > 65536) {
		pr_err("hello_max must be between 512 and 65536\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * Handshakes come from a cache of their own: they are made and freed for
 * every TCP connection of a monitored namespace whose handshake carries
 * data, and would be an 8 KiB kmalloc object (4.3 KiB with their first
 * buffers).
 *
 * The cache has a constructor, which exempts it from init_on_alloc:
 * clearing 4.3 KiB per connection was the largest single cost of watching
 * a handshake. Nothing is read before it is written: tlsmon_hs_stream_init()
 * clears each stream's state; the parser writes each hello whole before
 * n_hellos counts it; the buffers are read only below have, ooo_end and
 * msg_len, and the seen map is cleared on first use. What an object may
 * still hold from an earlier use are bytes of an earlier handshake, which
 * crossed the wire in clear, never keys; and a cache with a constructor
 * is never merged with another.
 *
 * SLAB_ACCOUNT, as is stream_grow()'s kmalloc: what a namespace holds is
 * charged to the memory cgroup of whoever enabled monitoring in it
 * (tlsmon_charge_begin()), not left to the kernel.
 */
static struct kmem_cache *handshake_cache;

static void handshake_ctor(void *obj)
{
	memset(obj, 0, sizeof(struct tlsmon_handshake));
}

int tlsmon_hs_buf_cache_create(void)
{
	handshake_cache = kmem_cache_create("tlsmon_handshake",
					    sizeof(struct tlsmon_handshake),
					    0, SLAB_ACCOUNT, handshake_ctor);
	return handshake_cache ? 0 : -ENOMEM;
}

void tlsmon_hs_buf_cache_destroy(void)
{
	kmem_cache_destroy(handshake_cache);
}

/* The entry failed or is going. */
static void pending_buffers_free(struct tlsmon_pending *p)
{
	int i;

	lockdep_assert_held(&p->lock);
	for (i = 0; i < 2; i++) {
		kfree(p->mem[i]);
		p->mem[i] = NULL;
		if (p->hs) {
			p->hs->stream[i].buf = NULL;
			p->hs->stream[i].seen = NULL;
			p->hs->stream[i].msg = NULL;
		}
	}
}

/**
 * tlsmon_hs_buf_free() - free an entry's handshake and its buffers
 * @p: the entry, failed or going
 */
void tlsmon_hs_buf_free(struct tlsmon_pending *p)
{
	lockdep_assert_held(&p->lock);
	pending_buffers_free(p);
	if (p->hs)
		kmem_cache_free(handshake_cache, p->hs);
	p->hs = NULL;
}

/*
 * The size of the stream buffers whose block, with @seen, fills @block
 * bytes: 2 * size + size / 8 <= block.
 */
static u32 stream_size_of(u32 block)
{
	return (block * 8 / 17) & ~7u;
}

/* Lay out a stream's buffers in @block: buf, msg, seen. */
static void stream_rebuf(struct tlsmon_hs_stream *d, u8 *block, u32 size)
{
	tlsmon_hs_stream_rebuf(d, block, block + 2 * size, block + size, size);
}

/* The entry's handshake, on the first payload. */
static bool pending_handshake(struct tlsmon_net *tn, struct tlsmon_pending *p)
{
	u32 size = min_t(u32, stream_size_of(TLSMON_HS_BLOCK), tlsmon_hello_max);
	struct mem_cgroup *memcg;
	int i;

	lockdep_assert_held(&p->lock);
	if (p->hs)
		return true;
	/* not cleared (see handshake_ctor()): tlsmon_hs_stream_init() does */
	memcg = tlsmon_charge_begin(tn);
	p->hs = kmem_cache_alloc(handshake_cache, GFP_ATOMIC);
	tlsmon_charge_end(memcg);
	if (!p->hs)
		return false;
	for (i = 0; i < 2; i++) {
		tlsmon_hs_stream_init(&p->hs->stream[i], i, tlsmon_hello_max);
		stream_rebuf(&p->hs->stream[i], p->hs->block[i], size);
	}
	return true;
}

/*
 * Buffers for stream @i of at least @d->need bytes, once its block in the
 * handshake is too small: one block of a kmalloc size (2, 4 KiB...), or
 * hello_max's own once that is reached. kmalloc clears what it hands out
 * (init_on_alloc): a block sized to the hellos is memory and time that the
 * largest possible hello would waste.
 */
static bool stream_grow(struct tlsmon_net *tn, struct tlsmon_pending *p, int i)
{
	struct tlsmon_hs_stream *d = &p->hs->stream[i];
	u32 block = 2 * TLSMON_HS_BLOCK, size;
	struct mem_cgroup *memcg;
	u8 *m;

	lockdep_assert_held(&p->lock);
	while (stream_size_of(block) < d->need && stream_size_of(block) < d->cap)
		block *= 2;
	size = min(stream_size_of(block), d->cap);
	if (size == d->cap)
		block = 2 * size + tlsmon_hs_seen_bytes(size);
	memcg = tlsmon_charge_begin(tn);
	m = kmalloc(block, GFP_ATOMIC | __GFP_ACCOUNT);
	tlsmon_charge_end(memcg);
	if (!m)
		return false;
	stream_rebuf(d, m, size);
	kfree(p->mem[i]);
	p->mem[i] = m;
	return true;
}

/* Which stream goes @way. */
static int stream_of(const struct tlsmon_pending *p, int way)
{
	bool client_sends = (p->role == TLSMON_ROLE_CLIENT) == (way == TLSMON_OUT);

	lockdep_assert_held(&p->lock);
	return client_sends ? TLSMON_STREAM_CLIENT : TLSMON_STREAM_SERVER;
}

/*
 * With both hellos read: a TLS 1.3 server's key share goes into the
 * namespace's record (keyshare.c), which says whether this server sent it
 * before. Every complete handshake of the namespace comes here once,
 * whether or not it is monitored later.
 */
static void pending_key_share(struct tlsmon_net *tn, struct tlsmon_pending *p,
			      const struct tlsmon_server_hello *sh)
{
	struct tlsmon_ks_conn conn;

	lockdep_assert_held(&p->lock);
	if (sh->version != 0x0304 || !sh->ks_len)
		return;
	if (p->role == TLSMON_ROLE_SERVER) {
		conn.server = p->key.laddr;
		conn.client = p->key.raddr;
		conn.sport = p->key.lport;
		conn.cport = p->key.rport;
	} else {
		conn.server = p->key.raddr;
		conn.client = p->key.laddr;
		conn.sport = p->key.rport;
		conn.cport = p->key.lport;
	}
	p->static_ks = tlsmon_keyshare_seen(tn, &conn, sh->ks_group, sh->ks_len,
					    sh->ks_digest);
	if (p->static_ks)
		tlsmon_count(tn, TLSMON_STATS_A_STATIC_KEY_SHARES);
}

/*
 * After the stream going @way was fed or compared: a failure is final and
 * frees the handshake; both hellos read make the entry complete, and it
 * keeps its bytes, to compare later segments with them, until the
 * installation claims it.
 */
static void pending_settle(struct tlsmon_net *tn, struct tlsmon_pending *p,
			   int way)
{
	struct tlsmon_hs_stream *c = &p->hs->stream[TLSMON_STREAM_CLIENT];
	struct tlsmon_hs_stream *s = &p->hs->stream[TLSMON_STREAM_SERVER];

	lockdep_assert_held(&p->lock);
	if (c->state == TLSMON_HS_FAILED || s->state == TLSMON_HS_FAILED) {
		/* only the failure matters from now on */
		if (c->fail == TLSMON_FAIL_CONFLICT || s->fail == TLSMON_FAIL_CONFLICT)
			tlsmon_count(tn, TLSMON_STATS_A_HELLO_CONFLICTS);
		if (!p->complete)
			tlsmon_count(tn, TLSMON_STATS_A_PARSE_FAILURES);
		p->complete = false;
		WRITE_ONCE(p->failed, true);
		tlsmon_hs_buf_free(p);
		tlsmon_pending_collected(&tn->flows, p);
		return;
	}
	WRITE_ONCE(p->limit[way],
		   tlsmon_hs_stream_limit(&p->hs->stream[stream_of(p, way)]));
	if (!p->complete && tlsmon_hs_complete(c, s)) {
		/* the hellos stay in stream[] for the decision */
		WRITE_ONCE(p->complete, true);
		tlsmon_count(tn, TLSMON_STATS_A_HANDSHAKES);
		pending_key_share(tn, p, &s->sh[s->n_hellos - 1]);
	}
}

/* Bytes fed at once past the stream buffers: each step grows them. */
#define TLSMON_FEED_STEP	256

/*
 * How much of a block at stream offset @pos to feed at once: what still
 * fits the buffers, so that a segment longer than the hellos (a server's
 * whole first flight) grows them only if the hellos are not complete
 * within what fits; past the buffers, a step at a time.
 */
static u32 stream_piece(const struct tlsmon_hs_stream *d, u32 pos)
{
	return pos < d->size ? d->size - pos : TLSMON_FEED_STEP;
}

/**
 * tlsmon_hs_buf_feed() - read or compare a segment's bytes
 * @tn: the entry's namespace
 * @p: the entry, locked, still the connection's (tlsmon_pending_is())
 * @skb: the segment
 * @way: TLSMON_OUT or TLSMON_IN
 * @seq: sequence number of its first data byte
 * @off: offset of its data in @skb
 * @len: bytes of data
 * @believe: TCP accepts the segment
 *
 * A segment TCP accepts is fed: read while its stream is being
 * collected, compared with what was read once it is done; one it would
 * not accept is only compared.
 */
void tlsmon_hs_buf_feed(struct tlsmon_net *tn, struct tlsmon_pending *p,
			struct sk_buff *skb, int way, u32 seq,
			unsigned int off, unsigned int len, bool believe)
{
	struct skb_seq_state st;
	struct tlsmon_hs_stream *d;
	unsigned int done = 0;
	int i;
	u32 pos;

	lockdep_assert_held(&p->lock);
	if (p->failed || !(p->have_isn & (1 << way)))
		return;
	/* nothing read yet, nothing to compare with */
	if (!believe && !p->hs)
		return;
	if (!pending_handshake(tn, p))
		goto nomem;
	i = stream_of(p, way);
	d = &p->hs->stream[i];
	/* Unsigned: data before the stream's start wraps past the cap too. */
	pos = seq - p->isn[way] - 1;
	/*
	 * The segment's bytes where they lie (head, page fragments), a
	 * contiguous block at a time: most hellos are fed in one call.
	 */
	skb_prepare_seq_read(skb, off, off + len, &st);
	while (done < len && pos < tlsmon_hs_stream_limit(d)) {
		const u8 *data;
		u32 n = skb_seq_read(done, &data, &st);

		if (!n)
			break;
		n = min3(n, len - done, stream_piece(d, pos));
		if (!believe) {
			if (tlsmon_hs_stream_check(d, pos, data, n))
				break;
		} else if (tlsmon_hs_stream_feed(d, pos, data, n) == -ENOBUFS) {
			if (!stream_grow(tn, p, i)) {
				skb_abort_seq_read(&st);
				goto nomem;
			}
			continue;
		}
		pos += n;
		done += n;
	}
	skb_abort_seq_read(&st);
	pending_settle(tn, p, way);
	return;
nomem:
	/* fail closed, and say so */
	WRITE_ONCE(p->failed, true);
	p->complete = false;
	tlsmon_count(tn, TLSMON_STATS_A_PENDING_DROPS);
	tlsmon_hs_buf_free(p);
	tlsmon_pending_collected(&tn->flows, p);
}

