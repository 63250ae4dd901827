// SPDX-License-Identifier: GPL-2.0
/*
 * One handshake stream. Segments may arrive in any order,
 * repeated, split at any byte, or overlapping; the reassembly keeps the
 * first @cap bytes of the stream, and a repeated byte that differs from
 * the one first received fails the stream (the two ends could have seen
 * different handshakes). Once the hellos are read, the bytes held stay,
 * and every later segment is still compared with them
 * (tlsmon_hs_stream_feed() in TLSMON_HS_DONE), as is a segment that TCP would
 * not accept (tlsmon_hs_stream_check()): a forged hello that came first is
 * then contradicted by the genuine one, whichever of the two TCP kept.
 * Records are consumed only once complete and in order, so the cost of a
 * segment is its own length, whatever the split.
 */
#include "hs_stream.h"

void tlsmon_hs_stream_init(struct tlsmon_hs_stream *d,
			   enum tlsmon_stream_role role, u32 cap)
{
	/*
	 * the parser writes a hello's fields, and its arrays up to their
	 * counts, before anything reads them
	 */
	memset(d, 0, offsetof(struct tlsmon_hs_stream, ch));
	d->role = role;
	d->state = TLSMON_HS_COLLECT;
	d->cap = cap;
}

/**
 * tlsmon_hs_stream_rebuf() - move @d to larger buffers
 * @d: the stream
 * @buf: @size bytes, uninitialized
 * @seen: tlsmon_hs_seen_bytes(@size) bytes, uninitialized
 * @msg: @size bytes, uninitialized
 * @size: at least @d->need (after -ENOBUFS), at most @d->cap
 *
 * What @d holds is copied over; the caller frees the old buffers after.
 */
void tlsmon_hs_stream_rebuf(struct tlsmon_hs_stream *d, u8 *buf, u8 *seen,
			    u8 *msg, u32 size)
{
	u32 used = d->ooo_end > d->have ? d->ooo_end : d->have;

	if (used)
		memcpy(buf, d->buf, used);
	/* what is consumed is never read again, and may never have been written */
	if (d->msg_len > d->msg_off)
		memcpy(msg + d->msg_off, d->msg + d->msg_off,
		       d->msg_len - d->msg_off);
	if (d->seen_ready) {
		u32 old = tlsmon_hs_seen_bytes(d->size);

		memcpy(seen, d->seen, old);
		memset(seen + old, 0, tlsmon_hs_seen_bytes(size) - old);
	}
	d->buf = buf;
	d->seen = seen;
	d->msg = msg;
	d->size = size;
}

static int stream_fail(struct tlsmon_hs_stream *d, enum tlsmon_stream_fail why)
{
	d->state = TLSMON_HS_FAILED;
	d->fail = why;
	return -EBADMSG;
}

static bool bit_test(const u8 *map, u32 i)
{
	return map[i / 8] & (1 << (i % 8));
}

static void bit_set(u8 *map, u32 i)
{
	map[i / 8] |= 1 << (i % 8);
}

/*
 * A handshake message of type @type begins: whether this stream may hold
 * it, decided on its 4-byte header rather than once its body is in, so
 * that garbage fails at once instead of waiting for a body of whatever
 * length its header claims. Returns 1 if the message is to be read.
 */
static int stream_message_type(struct tlsmon_hs_stream *d, u8 type)
{
	if (d->role == TLSMON_STREAM_CLIENT) {
		if (type != TLSMON_MSG_CLIENT_HELLO) {
			/* TLS 1.2: the client's next flight, in clear */
			if (!d->n_hellos)
				return stream_fail(d, TLSMON_FAIL_UNEXPECTED);
			d->state = TLSMON_HS_DONE;
			return 0;
		}
		if (d->n_hellos >= 2)
			return stream_fail(d, TLSMON_FAIL_UNEXPECTED);
		return 1;
	}
	if (type != TLSMON_MSG_SERVER_HELLO || d->n_hellos >= 2)
		return stream_fail(d, TLSMON_FAIL_UNEXPECTED);
	return 1;
}

/* One complete hello of @len body bytes at @body, its type checked. */
static int stream_message(struct tlsmon_hs_stream *d, const u8 *body, u32 len)
{
	int err;

	if (d->role == TLSMON_STREAM_CLIENT) {
		err = tlsmon_parse_client_hello(body, len, &d->ch[d->n_hellos]);
		if (err) {
			d->hello_err = -err;
			return stream_fail(d, TLSMON_FAIL_HELLO);
		}
		d->n_hellos++;
		if (d->n_hellos == 2)
			d->state = TLSMON_HS_DONE;
		return 0;
	}

	err = tlsmon_parse_server_hello(body, len, &d->sh[d->n_hellos]);
	if (err) {
		d->hello_err = -err;
		return stream_fail(d, TLSMON_FAIL_HELLO);
	}
	d->n_hellos++;
	if (d->sh[d->n_hellos - 1].hrr) {
		/* RFC 8446 4.1.4: at most one HelloRetryRequest */
		if (d->n_hellos == 2)
			return stream_fail(d, TLSMON_FAIL_UNEXPECTED);
		return 0;
	}
	d->state = TLSMON_HS_DONE;
	return 0;
}

/*
 * Consume the handshake messages gathered, handshake-layer bytes
 * [@d->msg_off, @d->msg_len), which lie from @base on, @base being
 * handshake-layer offset @base_off: in @msg, or in place in a record (see
 * stream_record_in_place()). Each is judged by its type once its header is
 * in, and read once its body is.
 */
static int stream_messages(struct tlsmon_hs_stream *d, const u8 *base,
			   u32 base_off)
{
	while (d->state == TLSMON_HS_COLLECT && d->msg_len - d->msg_off >= 4) {
		const u8 *h = base + (d->msg_off - base_off);
		u32 len = (u32)h[1] << 16 | (u32)h[2] << 8 | h[3];
		int err;

		err = stream_message_type(d, h[0]);
		if (err <= 0)
			return err;
		if (len > d->cap - 4 - d->msg_off)
			return stream_fail(d, TLSMON_FAIL_TOO_LARGE);
		if (d->msg_len - d->msg_off - 4 < len)
			break;
		err = stream_message(d, h + 4, len);
		if (err)
			return err;
		d->msg_off += 4 + len;
	}
	return 0;
}

/*
 * A whole handshake record of @len bytes at @body, with no message begun
 * before it: the messages it holds are read where they lie, and only a
 * message it leaves unfinished is copied to @msg, for the next record to
 * complete. Most hellos come in one record each, and are never copied.
 */
static int stream_record_in_place(struct tlsmon_hs_stream *d, const u8 *body,
				  u32 len)
{
	u32 start = d->msg_len;
	int err;

	d->msg_len += len;
	err = stream_messages(d, body, start);
	if (!err && d->state == TLSMON_HS_COLLECT && d->msg_len > d->msg_off)
		memcpy(d->msg + d->msg_off, body + (d->msg_off - start),
		       d->msg_len - d->msg_off);
	return err;
}

/*
 * Consume the records in the contiguous prefix of the stream. Handshake
 * records are read as their bytes arrive, not once complete: a server may
 * pack its whole first flight (ServerHello, Certificate...) in one large
 * record, of which only the ServerHello matters.
 */
static int stream_records(struct tlsmon_hs_stream *d)
{
	while (d->state == TLSMON_HS_COLLECT && d->have - d->rec_off >= 5) {
		const u8 *r = d->buf + d->rec_off;
		u32 len = (u32)r[3] << 8 | r[4];
		u32 avail = d->have - d->rec_off - 5;
		int err;

		if (avail > len)
			avail = len;
		if (d->rec_off == 0 && r[0] != TLSMON_REC_HANDSHAKE)
			return stream_fail(d, TLSMON_FAIL_NOT_TLS);
		if (r[1] != 3 || len == 0 || len > TLSMON_REC_MAX)
			return stream_fail(d, TLSMON_FAIL_BAD_RECORD);

		switch (r[0]) {
		case TLSMON_REC_APPDATA:
			/* Encrypted from here on: a client is done once it sent its hello. */
			if (d->role == TLSMON_STREAM_CLIENT && d->n_hellos) {
				d->state = TLSMON_HS_DONE;
				return 0;
			}
			return stream_fail(d, TLSMON_FAIL_UNEXPECTED);
		case TLSMON_REC_ALERT:
			return stream_fail(d, TLSMON_FAIL_ALERT);
		case TLSMON_REC_CCS:
			/* TLS 1.3 middlebox compatibility: one byte, 0x01 */
			if (len != 1)
				return stream_fail(d, TLSMON_FAIL_BAD_RECORD);
			if (!avail)
				return 0;
			if (r[5] != 1)
				return stream_fail(d, TLSMON_FAIL_BAD_RECORD);
			break;
		case TLSMON_REC_HANDSHAKE:
			if (!d->rec_copied && avail == len &&
			    d->msg_off == d->msg_len) {
				d->rec_copied = avail;
				err = stream_record_in_place(d, r + 5, len);
				if (err)
					return err;
			} else if (avail > d->rec_copied) {
				/* msg never holds more than the stream before it */
				memcpy(d->msg + d->msg_len, r + 5 + d->rec_copied,
				       avail - d->rec_copied);
				d->msg_len += avail - d->rec_copied;
				d->rec_copied = avail;
				err = stream_messages(d, d->msg, 0);
				if (err)
					return err;
			}
			if (avail < len)
				return 0;
			break;
		default:
			return stream_fail(d, TLSMON_FAIL_BAD_RECORD);
		}
		d->rec_off += 5 + len;
		d->rec_copied = 0;
	}
	return 0;
}

/*
 * Bytes [@off, @end) that do not simply extend the prefix: kept byte by
 * byte with @seen, which only matters past @have and is cleared on first
 * use, so that a connection whose segments come in order never pays for it.
 */
static int stream_store_ooo(struct tlsmon_hs_stream *d, u32 off, const u8 *data,
			    u32 end)
{
	u32 i;

	if (!d->seen_ready) {
		memset(d->seen, 0, tlsmon_hs_seen_bytes(d->size));
		d->seen_ready = 1;
	}
	for (i = off; i < end; i++) {
		if (bit_test(d->seen, i)) {
			if (d->buf[i] != data[i - off])
				return stream_fail(d, TLSMON_FAIL_CONFLICT);
			continue;
		}
		d->buf[i] = data[i - off];
		bit_set(d->seen, i);
	}
	if (end > d->ooo_end)
		d->ooo_end = end;
	while (d->have < d->size && bit_test(d->seen, d->have))
		d->have++;
	return 0;
}

/**
 * tlsmon_hs_stream_check() - compare stream bytes with the ones held
 * @d: the stream
 * @off: offset of @data in the stream
 * @data: the bytes
 * @len: their number
 *
 * Nothing is added: for bytes that must not be believed (a segment TCP
 * would not accept) but that may still show two versions of the stream,
 * and for every segment once the hellos are read. Only the bytes held are
 * compared: the prefix, and those held past it, which @seen marks.
 *
 * Return: 0, or -EBADMSG once the stream failed (TLSMON_FAIL_CONFLICT
 * if a byte differs).
 */
int tlsmon_hs_stream_check(struct tlsmon_hs_stream *d, u32 off, const u8 *data,
			   u32 len)
{
	u32 end, held, i;

	if (d->state == TLSMON_HS_FAILED)
		return -EBADMSG;
	if (off >= d->size || !len)
		return 0;
	end = len > d->size - off ? d->size : off + len;
	held = end < d->have ? end : d->have;
	if (off < held && memcmp(d->buf + off, data, held - off))
		return stream_fail(d, TLSMON_FAIL_CONFLICT);
	if (!d->seen_ready)
		return 0;
	/* past the prefix: only what @seen says arrived */
	if (end > d->ooo_end)
		end = d->ooo_end;
	for (i = off > d->have ? off : d->have; i < end; i++)
		if (bit_test(d->seen, i) && d->buf[i] != data[i - off])
			return stream_fail(d, TLSMON_FAIL_CONFLICT);
	return 0;
}

/**
 * tlsmon_hs_stream_feed() - add stream bytes [@off, @off + @len) to @d
 * @d: the stream
 * @off: offset of @data in the stream (sequence number minus ISN minus 1)
 * @data: the bytes
 * @len: their number
 *
 * Bytes past @d->cap are ignored: they belong to a part of the stream
 * tlsmon does not read, unless the hellos are not complete by then, which
 * fails the stream. Bytes within @d->cap but past the buffers' @d->size
 * are not taken at all: the caller moves @d to buffers of @d->need bytes
 * (tlsmon_hs_stream_rebuf()) and feeds them again, so that buffers grow with
 * the hellos and a small handshake never pays for a large one.
 *
 * Once the stream is done, the bytes are only compared with the ones
 * held (tlsmon_hs_stream_check()).
 *
 * Return: 0; -ENOBUFS if the buffers must grow first, nothing changed;
 * or -EBADMSG once the stream failed (see @d->fail).
 */
int tlsmon_hs_stream_feed(struct tlsmon_hs_stream *d, u32 off, const u8 *data,
			  u32 len)
{
	u32 end, held;

	if (d->state != TLSMON_HS_COLLECT)
		return tlsmon_hs_stream_check(d, off, data, len);
	if (off >= d->cap || !len) {
		if (off >= d->cap && d->have == d->cap)
			return stream_fail(d, TLSMON_FAIL_TOO_LARGE);
		return 0;
	}
	end = len > d->cap - off ? d->cap : off + len;
	if (end > d->size) {
		d->need = end;
		return -ENOBUFS;
	}
	if (off < d->have) {
		/* a retransmission of the prefix must repeat it exactly */
		held = end < d->have ? end : d->have;
		if (memcmp(d->buf + off, data, held - off))
			return stream_fail(d, TLSMON_FAIL_CONFLICT);
		data += held - off;
		off = held;
	}
	if (off == d->have && d->ooo_end <= off) {
		/* In order, nothing held beyond: what almost every segment is. */
		memcpy(d->buf + off, data, end - off);
		d->have = end;
	} else if (off < end && stream_store_ooo(d, off, data, end)) {
		return -EBADMSG;
	}
	if (stream_records(d))
		return -EBADMSG;
	/* A full buffer that still lacks a hello can never complete. */
	if (d->state == TLSMON_HS_COLLECT && d->have == d->cap)
		return stream_fail(d, TLSMON_FAIL_TOO_LARGE);
	return 0;
}

/**
 * tlsmon_hs_complete() - have both streams said all they will say?
 * @client: the client's stream
 * @server: the server's stream
 *
 * True once the server's final ServerHello is parsed and the client's
 * hellos are all there: one, or two after a HelloRetryRequest.
 */
bool tlsmon_hs_complete(const struct tlsmon_hs_stream *client,
			const struct tlsmon_hs_stream *server)
{
	if (server->state != TLSMON_HS_DONE || client->state == TLSMON_HS_FAILED)
		return false;
	return client->n_hellos == server->n_hellos;
}
