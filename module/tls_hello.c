// SPDX-License-Identifier: GPL-2.0
/*
 * ClientHello and ServerHello parsers. Every length is checked against
 * what remains before it is used; a message that does not follow the
 * protocol exactly is refused, so that the caller treats the session as
 * unmonitored (fail closed).
 */
#include "tls_hello.h"

/* A bounded reader over one message. */
struct rd {
	const u8 *p;
	size_t left;
};

static bool rd_u8(struct rd *r, u8 *v)
{
	if (r->left < 1)
		return false;
	*v = r->p[0];
	r->p++;
	r->left--;
	return true;
}

static bool rd_u16(struct rd *r, u16 *v)
{
	if (r->left < 2)
		return false;
	*v = (u16)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	r->left -= 2;
	return true;
}

/* Split off the next @n bytes into @sub. */
static bool rd_sub(struct rd *r, size_t n, struct rd *sub)
{
	if (r->left < n)
		return false;
	sub->p = r->p;
	sub->left = n;
	r->p += n;
	r->left -= n;
	return true;
}

/* A vector with a one or two byte length prefix; inline, as every field is one. */
static __always_inline bool rd_vec8(struct rd *r, struct rd *sub)
{
	u8 n;

	return rd_u8(r, &n) && rd_sub(r, n, sub);
}

static __always_inline bool rd_vec16(struct rd *r, struct rd *sub)
{
	u16 n;

	return rd_u16(r, &n) && rd_sub(r, n, sub);
}

static const u8 tlsmon_hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* Offered version 3.minor as a bit; anything else is not a TLS version. */
static u8 version_bit(u16 v)
{
	if ((v >> 8) != 3 || (v & 0xff) > 4)
		return 0;
	return 1 << (v & 0xff);
}

bool tlsmon_hello_has_ext(const u16 *exts, u8 n, u16 ext)
{
	u8 i;

	for (i = 0; i < n; i++)
		if (exts[i] == ext)
			return true;
	return false;
}

/**
 * struct ext_walk - state of one walk over an extensions block
 * @types: types seen so far, to refuse duplicates
 * @n: entries in @types
 */
struct ext_walk {
	u16 types[TLSMON_HELLO_MAX_EXT];
	unsigned int n;
};

/* Record one extension type; refuse duplicates and implausible counts. */
static int ext_seen(struct ext_walk *w, u16 type)
{
	unsigned int i;

	for (i = 0; i < w->n; i++)
		if (w->types[i] == type)
			return -TLSMON_HELLO_DUP_EXT;
	if (w->n >= TLSMON_HELLO_MAX_EXT)
		return -TLSMON_HELLO_TOO_MANY;
	w->types[w->n++] = type;
	return 0;
}

/*
 * Keep the private-use extensions, where the consent signal lives.
 * 0xff01 is renegotiation_info: assigned, and echoed by servers to clients
 * that sent the TLS_EMPTY_RENEGOTIATION_INFO_SCSV suite instead of it.
 */
static int add_priv_ext(u16 *exts, u8 *n, u16 type)
{
	if (type < 0xff00 || type == 0xff01)
		return 0;
	if (*n >= TLSMON_HELLO_MAX_PRIV_EXT)
		return -TLSMON_HELLO_TOO_MANY;
	exts[(*n)++] = type;
	return 0;
}

/*
 * The extensions block of a hello, which may be absent altogether (before
 * TLS 1.3); nothing may follow it.
 */
static int ext_block(struct rd *r, struct rd *exts)
{
	exts->left = 0;
	if (!r->left)
		return 0;
	if (!rd_vec16(r, exts))
		return -TLSMON_HELLO_TRUNCATED;
	return r->left ? -TLSMON_HELLO_TRAILING : 0;
}

/*
 * The next extension of a block, after the checks every hello shares: no
 * duplicate, private-use ones recorded in @priv.
 * Return: 1 with @type and @data set, 0 at the end, or a negative error.
 */
static int next_ext(struct rd *exts, struct ext_walk *w, u16 *priv, u8 *n_priv,
		    u16 *type, struct rd *data)
{
	int err;

	if (!exts->left)
		return 0;
	if (!rd_u16(exts, type) || !rd_vec16(exts, data))
		return -TLSMON_HELLO_TRUNCATED;
	err = ext_seen(w, *type);
	if (!err)
		err = add_priv_ext(priv, n_priv, *type);
	return err ? err : 1;
}

static int parse_ch_supported_versions(struct rd *data,
				       struct tlsmon_client_hello *ch)
{
	struct rd list;
	u16 v;

	if (!rd_vec8(data, &list))
		return -TLSMON_HELLO_TRUNCATED;
	if (data->left)
		return -TLSMON_HELLO_TRAILING;
	if (list.left < 2 || list.left % 2)
		return -TLSMON_HELLO_BAD_LENGTH;
	ch->versions = 0;
	while (rd_u16(&list, &v))
		ch->versions |= version_bit(v);
	return 0;
}

/**
 * tlsmon_parse_client_hello() - parse a ClientHello message body
 * @body: the message after its 4-byte handshake header
 * @len: length of @body, as the handshake header gave it
 * @ch: receives what the client offered
 *
 * Return: 0, or a negative enum tlsmon_hello_err.
 */
int tlsmon_parse_client_hello(const u8 *body, size_t len,
			      struct tlsmon_client_hello *ch)
{
	struct rd r = { body, len }, sid, suites, comp, exts, data;
	struct ext_walk walk = { .n = 0 };
	u16 s, type;
	int err;

	/* the arrays are read only up to their counts: not cleared */
	memset(ch, 0, offsetof(struct tlsmon_client_hello, suites));
	if (!rd_u16(&r, &ch->legacy_version) || !rd_sub(&r, 32, &sid))
		return -TLSMON_HELLO_TRUNCATED;
	if (!rd_vec8(&r, &sid))
		return -TLSMON_HELLO_TRUNCATED;
	if (sid.left > 32)
		return -TLSMON_HELLO_BAD_LENGTH;
	ch->session_id_len = sid.left;
	if (!rd_vec16(&r, &suites))
		return -TLSMON_HELLO_TRUNCATED;
	if (suites.left < 2 || suites.left % 2)
		return -TLSMON_HELLO_BAD_LENGTH;
	if (suites.left / 2 > TLSMON_HELLO_MAX_SUITES)
		return -TLSMON_HELLO_TOO_MANY;
	while (rd_u16(&suites, &s))
		ch->suites[ch->n_suites++] = s;
	if (!rd_vec8(&r, &comp))
		return -TLSMON_HELLO_TRUNCATED;
	if (comp.left < 1)
		return -TLSMON_HELLO_BAD_LENGTH;
	ch->versions = version_bit(ch->legacy_version);

	err = ext_block(&r, &exts);
	while (!err && (err = next_ext(&exts, &walk, ch->priv_ext,
				       &ch->n_priv_ext, &type, &data)) > 0)
		err = type == TLSMON_EXT_SUPPORTED_VERSIONS ?
		      parse_ch_supported_versions(&data, ch) : 0;
	return err;
}

/**
 * tlsmon_key_share_digest() - a 64-bit digest of a server's key share
 * @group: the NamedGroup of the KeyShareEntry
 * @key: its key_exchange bytes
 * @len: their length
 *
 * FNV-1a over the group and the key. Not keyed: only the server picks
 * its key share, so the only collisions anyone can make are between
 * shares of the server that makes them, which flag nothing but that
 * server's own sessions (see the key-share record in keyshare.c). Equal
 * shares always give equal digests, so a server cannot hide a repeat.
 *
 * Return: the digest.
 */
u64 tlsmon_key_share_digest(u16 group, const u8 *key, size_t len)
{
	u64 h = 0xcbf29ce484222325ULL;
	size_t i;

	h = (h ^ (group >> 8)) * 0x100000001b3ULL;
	h = (h ^ (group & 0xff)) * 0x100000001b3ULL;
	for (i = 0; i < len; i++)
		h = (h ^ key[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * RFC 8446 4.2.8: a ServerHello's key_share is one KeyShareEntry (group,
 * then a non-empty key_exchange vector), a HelloRetryRequest's only the
 * selected group; nothing may follow either.
 */
static int parse_sh_key_share(struct rd *data, struct tlsmon_server_hello *sh)
{
	struct rd key;

	if (!rd_u16(data, &sh->ks_group))
		return -TLSMON_HELLO_TRUNCATED;
	if (!sh->hrr) {
		if (!rd_vec16(data, &key))
			return -TLSMON_HELLO_TRUNCATED;
		if (!key.left)
			return -TLSMON_HELLO_BAD_LENGTH;
		sh->ks_len = key.left;
		sh->ks_digest = tlsmon_key_share_digest(sh->ks_group, key.p,
							key.left);
	}
	return data->left ? -TLSMON_HELLO_TRAILING : 0;
}

/**
 * tlsmon_parse_server_hello() - parse a ServerHello message body
 * @body: the message after its 4-byte handshake header
 * @len: length of @body, as the handshake header gave it
 * @sh: receives what the server selected
 *
 * A HelloRetryRequest has the ServerHello's format and a fixed random; it
 * is reported with @sh->hrr set.
 *
 * Return: 0, or a negative enum tlsmon_hello_err.
 */
int tlsmon_parse_server_hello(const u8 *body, size_t len,
			      struct tlsmon_server_hello *sh)
{
	struct rd r = { body, len }, random, sid, exts, data;
	struct ext_walk walk = { .n = 0 };
	bool have_sv = false;
	u16 type;
	u8 comp;
	int err;

	memset(sh, 0, offsetof(struct tlsmon_server_hello, priv_ext));
	if (!rd_u16(&r, &sh->legacy_version) || !rd_sub(&r, 32, &random))
		return -TLSMON_HELLO_TRUNCATED;
	sh->hrr = !memcmp(random.p, tlsmon_hrr_random, 32);
	if (!rd_vec8(&r, &sid))
		return -TLSMON_HELLO_TRUNCATED;
	if (sid.left > 32)
		return -TLSMON_HELLO_BAD_LENGTH;
	sh->session_id_len = sid.left;
	if (!rd_u16(&r, &sh->suite) || !rd_u8(&r, &comp))
		return -TLSMON_HELLO_TRUNCATED;
	if (comp != 0)
		return -TLSMON_HELLO_BAD_VALUE;
	sh->version = sh->legacy_version;

	err = ext_block(&r, &exts);
	while (!err && (err = next_ext(&exts, &walk, sh->priv_ext,
				       &sh->n_priv_ext, &type, &data)) > 0) {
		err = 0;
		if (type == TLSMON_EXT_SUPPORTED_VERSIONS) {
			if (data.left != 2)
				return -TLSMON_HELLO_BAD_LENGTH;
			rd_u16(&data, &sh->version);
			have_sv = true;
		} else if (type == TLSMON_EXT_KEY_SHARE) {
			err = parse_sh_key_share(&data, sh);
		}
	}
	if (err)
		return err;
	/* RFC 8446: a TLS 1.3 server selects its version only through
	 * supported_versions; a HelloRetryRequest without it is malformed.
	 */
	if (sh->hrr && !have_sv)
		return -TLSMON_HELLO_BAD_VALUE;
	if (!version_bit(sh->version))
		return -TLSMON_HELLO_BAD_VALUE;
	return 0;
}
