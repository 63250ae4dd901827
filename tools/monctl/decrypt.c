// SPDX-License-Identifier: GPL-2.0
/*
 * monctl decrypt: recover the plaintext of monitored sessions from a
 * capture, with the keys tlsmon exported.
 *
 *   monctl decrypt keys KEYS [keys KEYS...] capture FILE [out DIR]
 *                  [pcap|pcapng OUT]
 *
 * KEYS is the output of 'monctl -j keys' (a JSON array of key records) or
 * of 'monctl collect' (JSON lines: one key record per line, with the
 * exporter's fields added), read with libjansson.
 *
 * The key records are grouped by flow: one direction of one TCP connection
 * (source and destination address and port). Keys of both ends of a
 * connection (the client's tx is the server's rx) name the same flow and
 * are used once. Each flow's TCP stream is reassembled by sequence number
 * from the capture (pcap or pcapng); its TLS records are walked from the
 * start, the first record that authenticates with the flow's first key
 * (lowest epoch) and its record sequence number is the point where kTLS was
 * installed, and every record after it is decrypted (TLS 1.2 and 1.3 nonce
 * rules; TLS 1.3 inner content type and padding). A TLS 1.3 KeyUpdate in a
 * flow switches it to the key of the next epoch with record sequence 0
 * (RFC 8446 4.6.3, 5.3); if that key is not in the key files the flow stops
 * there, said so, rather than reading the rest as failures.
 *
 * Application data goes to DIR/session-ID-DIRECTION.bin; a record that
 * fails authentication after the installation point is reported, never
 * skipped silently. With "pcap" (or "pcapng"), the plaintext is also
 * written as a pcapng capture that reads as the cleartext connection
 * would: raw IP, valid IP and TCP checksums, a synthetic three-way
 * handshake, one TCP segment per record stamped with the capture time of
 * the segment that completed the record, the receiver's ACK after it, both
 * directions of every connection merged in time order, a FIN exchange at
 * the end, and alerts and post-handshake messages as packet comments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <linux/tls.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pcap/pcap.h>

#include "monctl.h"

#define MAX_STREAM	(256u << 20)
#define MAX_PLAIN	(1u << 15)
#define MAX_NAMES	4

/* One key record: one direction of one session at one epoch. */
struct dkey {
	unsigned long long id;
	unsigned int epoch;
	int family;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	bool tx, tls13;
	int src_client;			/* 1 yes, 0 no, -1 unknown */
	char cipher[32], dir[4];
	uint8_t key[32], iv[16], salt[4], rec_seq[8];
	size_t key_len, iv_len, salt_len;
};

/* ---- key text and parsed keys never reach free() unwiped ----------------- */

/*
 * libjansson copies every string it parses (the hex of the keys among
 * them) into its own allocations: give it an allocator that remembers each
 * block's size and wipes the block before freeing it.
 */
static void *wipe_malloc(size_t n)
{
	size_t *p = malloc(n + sizeof(max_align_t));

	if (!p)
		return NULL;
	*p = n;
	return (char *)p + sizeof(max_align_t);
}

static void wipe_free(void *ptr)
{
	size_t *p;

	if (!ptr)
		return;
	p = (size_t *)((char *)ptr - sizeof(max_align_t));
	explicit_bzero(ptr, *p);
	free(p);
}

/* Grow the key array: a new block, the old one wiped (never realloc). */
static int keys_grow(struct dkey **k, size_t n, size_t *cap)
{
	struct dkey *nk;
	size_t ncap = *cap ? *cap * 2 : 16;

	if (n < *cap)
		return 0;
	nk = calloc(ncap, sizeof(*nk));
	if (!nk)
		return -1;
	if (*k) {
		memcpy(nk, *k, n * sizeof(*nk));
		explicit_bzero(*k, *cap * sizeof(**k));
		free(*k);
	}
	*k = nk;
	*cap = ncap;
	return 0;
}

/* ---- the key files: a JSON array, or JSON lines ------------------------- */

static int unhex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(s), i;

	if (n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = OPENSSL_hexchar2int(s[2 * i]);
		int lo = OPENSSL_hexchar2int(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = hi << 4 | lo;
	}
	*len = n / 2;
	return 0;
}

static const char *jstr_of(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An unsigned integer field, written as a number or as a decimal string. */
static int juint_of(json_t *o, const char *name, unsigned long long max,
		    unsigned long long *out, bool need)
{
	json_t *v = json_object_get(o, name);
	char *end;

	if (!v)
		return need ? -1 : 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = json_integer_value(v);
	} else if (json_is_string(v) && *json_string_value(v)) {
		errno = 0;
		*out = strtoull(json_string_value(v), &end, 10);
		if (*end || errno)
			return -1;
	} else {
		return -1;
	}
	return *out <= max ? 0 : -1;
}

/* Key, IV and salt lengths of each cipher decrypt supports. */
static const struct {
	const char *name;
	size_t key, iv, salt;
} ciphers[] = {
	{ "aes-gcm-128", TLS_CIPHER_AES_GCM_128_KEY_SIZE, TLS_CIPHER_AES_GCM_128_IV_SIZE,
	  TLS_CIPHER_AES_GCM_128_SALT_SIZE },
	{ "aes-gcm-256", TLS_CIPHER_AES_GCM_256_KEY_SIZE, TLS_CIPHER_AES_GCM_256_IV_SIZE,
	  TLS_CIPHER_AES_GCM_256_SALT_SIZE },
	{ "aes-ccm-128", TLS_CIPHER_AES_CCM_128_KEY_SIZE, TLS_CIPHER_AES_CCM_128_IV_SIZE,
	  TLS_CIPHER_AES_CCM_128_SALT_SIZE },
	{ "chacha20-poly1305", TLS_CIPHER_CHACHA20_POLY1305_KEY_SIZE,
	  TLS_CIPHER_CHACHA20_POLY1305_IV_SIZE, TLS_CIPHER_CHACHA20_POLY1305_SALT_SIZE },
};

/*
 * One key record into @k, or a reason in @why. Fields decrypt does not use
 * (the exporter's, the session's) are ignored; those it uses must be there,
 * of the right type and, for key material, of the cipher's lengths.
 */
static int parse_record(json_t *o, struct dkey *k, const char **why)
{
	const char *local, *peer, *fam, *dir, *ver, *ciph, *role, *s;
	unsigned long long lport, pport, epoch = 0;
	size_t len, i;

	memset(k, 0, sizeof(*k));
	*why = "not a JSON object";
	if (!json_is_object(o))
		return -1;
	*why = "missing or bad id";
	if (juint_of(o, "id", ~0ULL, &k->id, true))
		return -1;
	*why = "missing or bad epoch";
	if (juint_of(o, "epoch", ~0U, &epoch, false))
		return -1;
	k->epoch = epoch;
	fam = jstr_of(o, "family");
	local = jstr_of(o, "local");
	peer = jstr_of(o, "peer");
	dir = jstr_of(o, "direction");
	ver = jstr_of(o, "key_version");
	ciph = jstr_of(o, "key_cipher");
	role = jstr_of(o, "role");
	*why = "missing or bad family, local, peer or direction";
	if (!fam || !local || !peer || !dir || (strcmp(dir, "tx") && strcmp(dir, "rx")))
		return -1;
	if (strcmp(fam, "inet") && strcmp(fam, "inet6"))
		return -1;
	k->family = !strcmp(fam, "inet6") ? AF_INET6 : AF_INET;
	*why = "missing or bad local_port or peer_port";
	if (juint_of(o, "local_port", 65535, &lport, true) ||
	    juint_of(o, "peer_port", 65535, &pport, true))
		return -1;
	*why = "missing key_version or key_cipher";
	if (!ver || !ciph)
		return -1;
	k->tls13 = strstr(ver, "1.3") || !strcmp(ver, "772") || !strcasecmp(ver, "0x0304");
	snprintf(k->cipher, sizeof(k->cipher), "%s", ciph);
	snprintf(k->dir, sizeof(k->dir), "%s", dir);
	k->tx = !strcmp(dir, "tx");
	/* TX: local sends to peer; RX: peer sends to local */
	*why = "an address that does not parse";
	if (inet_pton(k->family, k->tx ? local : peer, k->src) != 1 ||
	    inet_pton(k->family, k->tx ? peer : local, k->dst) != 1)
		return -1;
	k->sport = k->tx ? lport : pport;
	k->dport = k->tx ? pport : lport;
	k->src_client = -1;
	if (role && (!strcmp(role, "client") || !strcmp(role, "server")))
		k->src_client = !strcmp(role, "client") == k->tx;
	*why = "missing or bad key, iv, salt or rec_seq";
	s = jstr_of(o, "key");
	if (!s || unhex(s, k->key, sizeof(k->key), &k->key_len))
		return -1;
	s = jstr_of(o, "iv");
	if (!s || unhex(s, k->iv, sizeof(k->iv), &k->iv_len))
		return -1;
	s = jstr_of(o, "salt");
	if (s && unhex(s, k->salt, sizeof(k->salt), &k->salt_len))
		return -1;
	s = jstr_of(o, "rec_seq");
	if (!s || unhex(s, k->rec_seq, sizeof(k->rec_seq), &len) || len != 8)
		return -1;
	/* unknown ciphers are kept, and reported when their flow is read */
	for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++) {
		if (strcmp(ciphers[i].name, ciph))
			continue;
		*why = "key, iv or salt lengths do not match the cipher";
		if (k->key_len != ciphers[i].key || k->iv_len != ciphers[i].iv ||
		    k->salt_len != ciphers[i].salt)
			return -1;
	}
	return 0;
}

static int add_record(json_t *o, struct dkey **k, size_t *n, size_t *cap,
		      const char *path, const char *where, size_t at)
{
	const char *why;
	struct dkey rec;
	int ret = 0;

	if (parse_record(o, &rec, &why)) {
		mon_err("decrypt: %s: %s %zu: %s", path, where, at, why);
		ret = -1;
	} else if (keys_grow(k, *n, cap)) {
		mon_err("decrypt: out of memory");
		ret = -1;
	} else {
		(*k)[(*n)++] = rec;
	}
	explicit_bzero(&rec, sizeof(rec));
	return ret;
}

/*
 * Append the records of @path to @k: a JSON array ('monctl -j keys'), or
 * one JSON object per line ('monctl collect'). Duplicate names in an object
 * are refused (which of two "key" fields would be meant?).
 */
static int load_keys(const char *path, struct dkey **k, size_t *n, size_t *cap)
{
	size_t len, off, line = 0, i;
	json_error_t jerr;
	char *text = NULL;
	struct stat sb;
	int ret = -1;
	json_t *root;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		mon_err("decrypt: cannot open the key file '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode) || sb.st_size > (64 << 20)) {
		mon_err("decrypt: '%s' is not a regular file of at most 64 MiB", path);
		goto out;
	}
	len = sb.st_size;
	text = malloc(len + 1);
	if (!text || fread(text, 1, len, f) != len) {
		mon_err("decrypt: cannot read the key file '%s'", path);
		goto out;
	}
	text[len] = '\0';
	for (off = 0; off < len && strchr(" \t\r\n", text[off]); off++)
		;
	if (off < len && text[off] == '[') {
		root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
		if (!root || !json_is_array(root)) {
			mon_err("decrypt: %s: line %d: %s", path, jerr.line,
				root ? "not an array of key records" : jerr.text);
			json_decref(root);
			goto out;
		}
		for (i = 0; i < json_array_size(root); i++)
			if (add_record(json_array_get(root, i), k, n, cap, path, "record", i + 1))
				break;
		json_decref(root);
		if (i < json_array_size(root))
			goto out;
	} else {
		while (off < len) {
			char *nl = memchr(text + off, '\n', len - off);
			size_t end = nl ? (size_t)(nl - text) : len, j;

			line++;
			for (j = off; j < end && strchr(" \t\r", text[j]); j++)
				;
			if (j < end) {
				root = json_loadb(text + off, end - off, JSON_REJECT_DUPLICATES, &jerr);
				if (!root) {
					mon_err("decrypt: %s: line %zu: %s", path, line, jerr.text);
					goto out;
				}
				i = add_record(root, k, n, cap, path, "line", line);
				json_decref(root);
				if (i)
					goto out;
			}
			off = end + 1;
		}
	}
	ret = 0;
out:
	if (text) {
		explicit_bzero(text, len + 1);
		free(text);
	}
	fclose(f);
	return ret;
}

/* ---- the capture: TCP segments of one flow --------------------------- */

struct seg {
	uint32_t seq;
	uint32_t len;
	uint64_t ts;
	uint8_t *data;
};

/* A record's plaintext (data) or a note about it (alert, handshake). */
struct event {
	uint64_t ts;
	size_t end;		/* stream offset just after the record */
	bool note;
	uint8_t *data;		/* data: plaintext; note: the text */
	size_t len;
};

/**
 * struct flow - one direction of one TCP connection
 * @keys: indexes into the key array of this flow's keys, by epoch
 * @names: (session id, direction) of each key record naming this flow at
 *	its first epoch: one output file each
 * @segs: its TCP segments with payload, in capture order
 * @have_isn: a SYN was captured; @isn its sequence number, @syn_ts its time
 * @fin_ts: the time of its first FIN, 0 if none was captured
 * @ev: what decrypting it produced, in stream order
 * @peer: the flow of the other direction, or -1
 */
struct flow {
	const struct dkey *k;
	size_t keys[16], nkeys;
	const struct dkey *names[MAX_NAMES];
	size_t nnames;
	struct seg *segs;
	size_t n, cap;
	bool have_isn;
	uint32_t isn;
	uint64_t syn_ts, fin_ts;
	struct event *ev;
	size_t nev, evcap;
	long peer;
};

static bool same_flow(const struct dkey *a, const struct dkey *b)
{
	size_t al = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && a->sport == b->sport && a->dport == b->dport &&
	       !memcmp(a->src, b->src, al) && !memcmp(a->dst, b->dst, al);
}

static bool reverse_flow(const struct dkey *a, const struct dkey *b)
{
	size_t al = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && a->sport == b->dport && a->dport == b->sport &&
	       !memcmp(a->src, b->dst, al) && !memcmp(a->dst, b->src, al);
}

/* The IP packet inside a frame of @dlt, or NULL. */
static const uint8_t *ip_of(int dlt, const uint8_t *p, uint32_t *len)
{
	size_t off;
	uint16_t type;

	switch (dlt) {
	case DLT_EN10MB:
		if (*len < 14)
			return NULL;
		off = 14;
		type = p[12] << 8 | p[13];
		while ((type == 0x8100 || type == 0x88a8) && *len >= off + 4) {
			type = p[off + 2] << 8 | p[off + 3];
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		off = 16;
		break;
	case DLT_LINUX_SLL2:
		off = 20;
		break;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		off = 0;
		break;
	case DLT_NULL:
		off = 4;
		break;
	default:
		return NULL;
	}
	if (*len < off + 20)
		return NULL;
	*len -= off;
	return p + off;
}

static int collect(struct flow *fl, const uint8_t *ip, uint32_t len, uint64_t ts)
{
	const struct dkey *k = fl->k;
	const uint8_t *tcp, *src, *dst;
	uint32_t hl, tl, plen, seq, thl;
	int alen;

	if ((ip[0] >> 4) == 4 && k->family == AF_INET) {
		hl = (ip[0] & 15) * 4;
		if (ip[9] != IPPROTO_TCP || len < hl + 20)
			return 0;
		tl = ip[2] << 8 | ip[3];
		if (tl < len)
			len = tl;
		src = ip + 12;
		dst = ip + 16;
		alen = 4;
	} else if ((ip[0] >> 4) == 6 && k->family == AF_INET6) {
		hl = 40;
		if (ip[6] != IPPROTO_TCP || len < hl + 20)
			return 0;
		if ((uint32_t)(40 + (ip[4] << 8 | ip[5])) < len)
			len = 40 + (ip[4] << 8 | ip[5]);
		src = ip + 8;
		dst = ip + 24;
		alen = 16;
	} else {
		return 0;
	}
	tcp = ip + hl;
	if (memcmp(src, k->src, alen) || memcmp(dst, k->dst, alen) ||
	    (tcp[0] << 8 | tcp[1]) != k->sport || (tcp[2] << 8 | tcp[3]) != k->dport)
		return 0;
	seq = (uint32_t)tcp[4] << 24 | tcp[5] << 16 | tcp[6] << 8 | tcp[7];
	if (tcp[13] & 0x02) {
		fl->have_isn = true;
		fl->isn = seq;
		fl->syn_ts = ts;
		seq++;
	}
	if ((tcp[13] & 0x01) && !fl->fin_ts)
		fl->fin_ts = ts;
	thl = (tcp[12] >> 4) * 4;
	if (len < hl + thl)
		return 0;
	plen = len - hl - thl;
	if (!plen)
		return 0;
	if (fl->n == fl->cap) {
		size_t ncap = fl->cap ? fl->cap * 2 : 64;
		struct seg *ns = realloc(fl->segs, ncap * sizeof(*ns));

		if (!ns)
			return -1;
		fl->segs = ns;
		fl->cap = ncap;
	}
	fl->segs[fl->n].seq = seq;
	fl->segs[fl->n].len = plen;
	fl->segs[fl->n].ts = ts;
	fl->segs[fl->n].data = malloc(plen);
	if (!fl->segs[fl->n].data)
		return -1;
	memcpy(fl->segs[fl->n].data, tcp + thl, plen);
	fl->n++;
	return 0;
}

static uint32_t stream_base(const struct flow *fl)
{
	return fl->have_isn ? fl->isn + 1 : fl->segs[0].seq;
}

/*
 * The stream's bytes from its start (or its first byte captured), in
 * order, each taken once whatever the retransmissions. Stops at a gap.
 */
static uint8_t *reassemble(const struct flow *fl, size_t *out_len, bool *gap)
{
	uint32_t base, end = 0;
	uint8_t *buf, *have;
	size_t i;

	*gap = false;
	*out_len = 0;
	if (!fl->n)
		return NULL;
	base = stream_base(fl);
	for (i = 0; i < fl->n; i++) {
		uint32_t off = fl->segs[i].seq - base;

		if (off < MAX_STREAM && off + fl->segs[i].len > end)
			end = off + fl->segs[i].len;
	}
	buf = calloc(1, end ? end : 1);
	have = calloc(1, end ? end : 1);
	if (!buf || !have) {
		free(buf);
		free(have);
		return NULL;
	}
	for (i = 0; i < fl->n; i++) {
		uint32_t off = fl->segs[i].seq - base;

		if (off >= MAX_STREAM)
			continue;
		memcpy(buf + off, fl->segs[i].data, fl->segs[i].len);
		memset(have + off, 1, fl->segs[i].len);
	}
	for (i = 0; i < end && have[i]; i++)
		;
	*gap = i < end;
	*out_len = i;
	free(have);
	return buf;
}

/*
 * Each event's time: that of the first captured segment that carried the
 * record's last byte (a record is complete when that byte arrives; a
 * retransmission does not make it later). Segments are in capture order,
 * events in stream order.
 */
static void stamp_events(struct flow *fl)
{
	uint32_t base;
	size_t i, lo, hi;

	if (!fl->n)
		return;
	base = stream_base(fl);
	for (i = 0; i < fl->n; i++) {
		uint32_t a = fl->segs[i].seq - base, b = a + fl->segs[i].len;

		if (a >= MAX_STREAM)
			continue;
		lo = 0;
		hi = fl->nev;
		while (lo < hi) {	/* first event with end - 1 >= a */
			size_t mid = (lo + hi) / 2;

			if (fl->ev[mid].end - 1 < a)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < fl->nev && fl->ev[lo].end - 1 < b; lo++)
			if (!fl->ev[lo].ts)
				fl->ev[lo].ts = fl->segs[i].ts;
	}
}

/* ---- TLS records ----------------------------------------------------------- */

static const EVP_CIPHER *evp_of(const char *name)
{
	if (!strcmp(name, "aes-gcm-128"))
		return EVP_aes_128_gcm();
	if (!strcmp(name, "aes-gcm-256"))
		return EVP_aes_256_gcm();
	if (!strcmp(name, "aes-ccm-128"))
		return EVP_aes_128_ccm();
	if (!strcmp(name, "chacha20-poly1305"))
		return EVP_chacha20_poly1305();
	return NULL;
}

/*
 * Open one record (header @h, @len bytes of body at @b) with sequence
 * number @seq. Return: plaintext length (TLS 1.3: inner type in *type),
 * or -1 if it does not authenticate.
 */
static int open_record(const struct dkey *k, const EVP_CIPHER *c, uint64_t seq,
		       const uint8_t *h, const uint8_t *b, size_t len,
		       uint8_t *out, uint8_t *type)
{
	bool ccm = !strcmp(k->cipher, "aes-ccm-128");
	bool chacha = !strcmp(k->cipher, "chacha20-poly1305");
	uint8_t nonce[12], aad[13];
	size_t aad_len, ct_off = 0, ct_len, i;
	EVP_CIPHER_CTX *ctx;
	int n, ok = 0;

	if (len < 16)
		return -1;
	if (k->tls13 || chacha) {
		/* static IV (salt || iv, or the 12-byte iv) XOR the sequence */
		if (chacha) {
			memcpy(nonce, k->iv, 12);
		} else {
			memcpy(nonce, k->salt, 4);
			memcpy(nonce + 4, k->iv, 8);
		}
		for (i = 0; i < 8; i++)
			nonce[4 + i] ^= seq >> (56 - 8 * i);
	} else {
		/* TLS 1.2 GCM/CCM: salt || the record's explicit nonce */
		if (len < 8 + 16)
			return -1;
		memcpy(nonce, k->salt, 4);
		memcpy(nonce + 4, b, 8);
		ct_off = 8;
	}
	ct_len = len - ct_off - 16;
	if (k->tls13) {
		memcpy(aad, h, 5);
		aad_len = 5;
	} else {
		for (i = 0; i < 8; i++)
			aad[i] = seq >> (56 - 8 * i);
		aad[8] = h[0];
		aad[9] = h[1];
		aad[10] = h[2];
		aad[11] = ct_len >> 8;
		aad[12] = ct_len;
		aad_len = 13;
	}

	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || !EVP_DecryptInit_ex(ctx, c, NULL, NULL, NULL) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL))
		goto out;
	if (ccm && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16,
					(void *)(b + len - 16)))
		goto out;
	if (!EVP_DecryptInit_ex(ctx, NULL, NULL, k->key, nonce))
		goto out;
	if (ccm && !EVP_DecryptUpdate(ctx, NULL, &n, NULL, ct_len))
		goto out;
	if (!EVP_DecryptUpdate(ctx, NULL, &n, aad, aad_len))
		goto out;
	if (EVP_DecryptUpdate(ctx, out, &n, b + ct_off, ct_len) <= 0)
		goto out;
	if (!ccm) {
		if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16,
					 (void *)(b + len - 16)))
			goto out;
		if (EVP_DecryptFinal_ex(ctx, out + n, &n) <= 0)
			goto out;
	}
	ok = 1;
out:
	EVP_CIPHER_CTX_free(ctx);
	explicit_bzero(nonce, sizeof(nonce));
	if (!ok)
		return -1;
	*type = h[0];
	if (k->tls13) {
		/* inner plaintext: content, type, zero padding */
		while (ct_len && !out[ct_len - 1])
			ct_len--;
		if (!ct_len)
			return -1;
		*type = out[--ct_len];
	}
	return ct_len;
}

static int add_event(struct flow *fl, size_t end, bool note, const void *data, size_t len)
{
	struct event *e;

	if (fl->nev == fl->evcap) {
		size_t ncap = fl->evcap ? fl->evcap * 2 : 64;

		e = realloc(fl->ev, ncap * sizeof(*e));
		if (!e)
			return -1;
		fl->ev = e;
		fl->evcap = ncap;
	}
	e = &fl->ev[fl->nev];
	e->ts = 0;
	e->end = end;
	e->note = note;
	e->len = len;
	e->data = malloc(len ? len : 1);
	if (!e->data)
		return -1;
	memcpy(e->data, data, len);
	fl->nev++;
	return 0;
}

static int add_note(struct flow *fl, size_t end, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int add_note(struct flow *fl, size_t end, const char *fmt, ...)
{
	char text[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return add_event(fl, end, true, text, n < 0 ? 0 : strlen(text));
}

static const char *hs_name(uint8_t t)
{
	switch (t) {
	case 4: return "NewSessionTicket";
	case 5: return "EndOfEarlyData";
	case 13: return "CertificateRequest";
	case 11: return "Certificate";
	case 15: return "CertificateVerify";
	case 20: return "Finished";
	case 24: return "KeyUpdate";
	case 0: return "HelloRequest";
	}
	return "handshake message";
}

/* The key of @fl at @epoch, or NULL. */
static const struct dkey *key_at(const struct flow *fl, const struct dkey *keys,
				 unsigned int epoch)
{
	size_t i;

	for (i = 0; i < fl->nkeys; i++)
		if (keys[fl->keys[i]].epoch == epoch)
			return &keys[fl->keys[i]];
	return NULL;
}

/*
 * Decrypt one flow into its events and its output files. Return 0, or 1
 * when a record failed, no record matched, or a key was missing.
 */
static int decrypt_flow(struct flow *fl, const struct dkey *keys, const char *dir)
{
	const struct dkey *k = &keys[fl->keys[0]], *nk;
	const EVP_CIPHER *c = evp_of(k->cipher);
	size_t len, off = 0, records = 0, bytes = 0, fails = 0, other = 0, i;
	bool gap, started = false, stopped = false;
	FILE *f[MAX_NAMES] = { NULL };
	char path[4200], label[64];
	uint64_t seq = 0;
	uint8_t *s, *out;
	int ret = 0;

	snprintf(label, sizeof(label), "session %llu %s", k->id, k->dir);
	for (i = 0; i < 8; i++)
		seq = seq << 8 | k->rec_seq[i];
	if (!c) {
		mon_err("decrypt: %s: cipher %s is not supported", label, k->cipher);
		return 1;
	}
	for (i = 0; i < fl->nnames; i++) {
		snprintf(path, sizeof(path), "%s/session-%llu-%s.bin", dir,
			 fl->names[i]->id, fl->names[i]->dir);
		f[i] = fopen(path, "we");
		if (!f[i]) {
			mon_err("decrypt: cannot write '%s': %s", path, strerror(errno));
			ret = 1;
			goto close;
		}
	}
	s = reassemble(fl, &len, &gap);
	out = malloc(MAX_PLAIN);
	if (!out) {
		free(s);
		ret = 1;
		goto close;
	}
	while (s && off + 5 <= len && !stopped) {
		const uint8_t *h = s + off;
		size_t rlen = h[3] << 8 | h[4], end = off + 5 + rlen;
		uint8_t type;
		int n;

		if (end > len)
			break;
		n = rlen <= MAX_PLAIN ? open_record(k, c, seq, h, h + 5, rlen, out, &type) : -1;
		if (n < 0) {
			if (started) {
				/* after the installation point every record must open */
				printf("%s: record %llu (epoch %u) at stream offset %zu: authentication failed\n",
				       label, (unsigned long long)seq, k->epoch, off);
				fails++;
				seq++;
			}
			off = end;
			continue;
		}
		started = true;
		seq++;
		records++;
		if (type == 23) {
			for (i = 0; i < fl->nnames; i++)
				fwrite(out, 1, n, f[i]);
			if (add_event(fl, end, false, out, n))
				goto oom;
			bytes += n;
		} else if (type == 21 && n >= 2) {
			other++;
			if (add_note(fl, end, "TLS alert, level %u, description %u%s", out[0], out[1],
				     out[1] == 0 ? " (close_notify)" : ""))
				goto oom;
		} else if (type == 22) {
			size_t m = 0;

			other++;
			/* post-handshake messages; a KeyUpdate changes the key */
			while (m + 4 <= (size_t)n) {
				uint8_t ht = out[m];
				size_t hl = out[m + 1] << 16 | out[m + 2] << 8 | out[m + 3];

				if (add_note(fl, end, "TLS %s (handshake type %u)%s", hs_name(ht), ht,
					     ht == 24 && m + 4 < (size_t)n && out[m + 4] ?
					     ", update_requested" : ""))
					goto oom;
				if (ht == 24 && k->tls13) {
					nk = key_at(fl, keys, k->epoch + 1);
					if (!nk) {
						printf("%s: KeyUpdate at stream offset %zu: no key of epoch %u in the key files; the rest of this direction is not decrypted\n",
						       label, off, k->epoch + 1);
						stopped = true;
						break;
					}
					k = nk;
					c = evp_of(k->cipher);
					seq = 0;
					if (!c) {
						mon_err("decrypt: %s: cipher %s is not supported", label, k->cipher);
						stopped = true;
						break;
					}
				}
				m += 4 + hl;
			}
		} else {
			other++;
			if (add_note(fl, end, "TLS record of content type %u, %d bytes", type, n))
				goto oom;
		}
		explicit_bzero(out, n);
		off = end;
	}
	stamp_events(fl);
	printf("%s: %zu records decrypted (%zu bytes of application data, %zu other), %zu failed%s%s%s%s",
	       label, records, bytes, other, fails,
	       started ? "" : ", no record matched the keys",
	       gap ? ", the capture has a gap" : "",
	       !stopped && off < len ? ", the capture ends inside a record" : "",
	       stopped ? ", stopped at a KeyUpdate" : "");
	for (i = 0; i < fl->nnames; i++)
		printf(" -> %s/session-%llu-%s.bin", dir, fl->names[i]->id, fl->names[i]->dir);
	printf("\n");
	if (fails || !started || stopped)
		ret = 1;
	explicit_bzero(out, MAX_PLAIN);
	free(out);
	free(s);
close:
	for (i = 0; i < fl->nnames; i++)
		if (f[i] && fclose(f[i]))
			ret = 1;
	return ret;
oom:
	mon_err("decrypt: out of memory");
	explicit_bzero(out, MAX_PLAIN);
	free(out);
	free(s);
	ret = 1;
	goto close;
}

/* ---- the plaintext capture: pcapng --------------------------------------- */

struct pkt {
	uint64_t ts;
	size_t order;		/* tie-break: creation order */
	uint8_t *data;
	size_t len;
	char *comment;
};

struct pkts {
	struct pkt *p;
	size_t n, cap;
};

/* The synthetic TCP state of one connection being written. */
struct conn {
	const struct dkey *end[2];	/* [0] sends first (the client) */
	uint32_t next[2];		/* next sequence number of each end */
	uint16_t ip_id[2];
	char *pending[2];		/* notes for the end's next packet */
};

static uint32_t csum_add(uint32_t sum, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += b[i] << 8 | b[i + 1];
	if (n & 1)
		sum += b[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static char *note_cat(char *a, const char *b)
{
	size_t la = a ? strlen(a) : 0, lb = strlen(b);
	char *r = malloc(la + lb + 2);

	if (!r)
		return a;
	if (a) {
		memcpy(r, a, la);
		r[la++] = '\n';
	}
	memcpy(r + la, b, lb + 1);
	free(a);
	return r;
}

/* One TCP segment of end @e of @c (flags @fl) into @out. */
static int emit(struct pkts *out, struct conn *c, int e, uint64_t ts, uint8_t flags,
		const uint8_t *data, size_t n)
{
	const struct dkey *k = c->end[e];
	size_t ipl = k->family == AF_INET ? 20 : 40, al = ipl == 20 ? 4 : 16;
	uint32_t seq = c->next[e], ack = c->next[!e], sum;
	uint8_t *pkt, *t, pseudo[4];
	struct pkt *p;

	if (out->n == out->cap) {
		size_t ncap = out->cap ? out->cap * 2 : 256;

		p = realloc(out->p, ncap * sizeof(*p));
		if (!p)
			return -1;
		out->p = p;
		out->cap = ncap;
	}
	pkt = calloc(1, ipl + 20 + n);
	if (!pkt)
		return -1;
	if (k->family == AF_INET) {
		pkt[0] = 0x45;
		pkt[2] = (20 + 20 + n) >> 8;
		pkt[3] = 20 + 20 + n;
		pkt[4] = c->ip_id[e] >> 8;
		pkt[5] = c->ip_id[e]++;
		pkt[6] = 0x40;			/* DF */
		pkt[8] = 64;
		pkt[9] = IPPROTO_TCP;
		memcpy(pkt + 12, k->src, 4);
		memcpy(pkt + 16, k->dst, 4);
		sum = csum_fold(csum_add(0, pkt, 20));
		pkt[10] = sum >> 8;
		pkt[11] = sum;
	} else {
		pkt[0] = 0x60;
		pkt[4] = (20 + n) >> 8;
		pkt[5] = 20 + n;
		pkt[6] = IPPROTO_TCP;
		pkt[7] = 64;
		memcpy(pkt + 8, k->src, 16);
		memcpy(pkt + 24, k->dst, 16);
	}
	t = pkt + ipl;
	t[0] = k->sport >> 8;
	t[1] = k->sport;
	t[2] = k->dport >> 8;
	t[3] = k->dport;
	t[4] = seq >> 24;
	t[5] = seq >> 16;
	t[6] = seq >> 8;
	t[7] = seq;
	if (flags & 0x10) {
		t[8] = ack >> 24;
		t[9] = ack >> 16;
		t[10] = ack >> 8;
		t[11] = ack;
	}
	t[12] = 5 << 4;
	t[13] = flags;
	t[14] = 0xff;
	t[15] = 0xff;
	memcpy(t + 20, data, n);
	/* pseudo-header: addresses, protocol, TCP length */
	sum = csum_add(0, k->src, al);
	sum = csum_add(sum, k->dst, al);
	pseudo[0] = 0;
	pseudo[1] = IPPROTO_TCP;
	pseudo[2] = (20 + n) >> 8;
	pseudo[3] = 20 + n;
	sum = csum_add(sum, pseudo, 4);
	sum = csum_fold(csum_add(sum, t, 20 + n));
	t[16] = sum >> 8;
	t[17] = sum;

	p = &out->p[out->n];
	p->ts = ts;
	p->order = out->n;
	p->data = pkt;
	p->len = ipl + 20 + n;
	p->comment = c->pending[e];
	c->pending[e] = NULL;
	out->n++;
	c->next[e] += n + !!(flags & 0x03);	/* SYN and FIN take one */
	return 0;
}

/*
 * One connection's packets: handshake, each record's plaintext in time
 * order (both directions merged) with the receiver's ACK, notes on the
 * sender's next packet, then the FIN exchange.
 */
static int conn_packets(struct pkts *out, struct flow *f0, struct flow *f1)
{
	struct conn c = { .next = { 0x10000000, 0x20000000 } };
	struct flow *fl[2] = { f0, f1 };
	size_t i[2] = { 0, 0 };
	uint64_t t0 = UINT64_MAX, last = 0, fin;
	char buf[320], addr[INET6_ADDRSTRLEN];
	int e, err = 0;

	c.end[0] = f0->k;
	c.end[1] = f1 ? f1->k : NULL;
	if (!f1) {
		/* one direction known: the reverse end is its mirror image */
		static struct dkey rev[1];

		memset(rev, 0, sizeof(rev));
		rev->family = f0->k->family;
		memcpy(rev->src, f0->k->dst, 16);
		memcpy(rev->dst, f0->k->src, 16);
		rev->sport = f0->k->dport;
		rev->dport = f0->k->sport;
		c.end[1] = rev;
	}
	for (e = 0; e < 2; e++) {
		if (!fl[e])
			continue;
		if (fl[e]->nev && fl[e]->ev[0].ts && fl[e]->ev[0].ts < t0)
			t0 = fl[e]->ev[0].ts;
	}
	if (t0 == UINT64_MAX)
		return 0;	/* nothing decrypted: no connection to show */
	/* the captured SYNs' times when they are there and before the data */
	{
		uint64_t syn = f0->have_isn && f0->syn_ts && f0->syn_ts <= t0 ? f0->syn_ts : t0;
		uint64_t synack = f1 && f1->have_isn && f1->syn_ts >= syn && f1->syn_ts <= t0 ?
				  f1->syn_ts : syn;

		err |= emit(out, &c, 0, syn, 0x02, NULL, 0);
		err |= emit(out, &c, 1, synack, 0x12, NULL, 0);
		err |= emit(out, &c, 0, synack, 0x10, NULL, 0);
		last = synack;
	}
	for (;;) {
		struct event *ev;

		e = -1;
		if (i[0] < f0->nev)
			e = 0;
		if (f1 && i[1] < f1->nev &&
		    (e < 0 || f1->ev[i[1]].ts < f0->ev[i[0]].ts))
			e = 1;
		if (e < 0)
			break;
		ev = &fl[e]->ev[i[e]++];
		if (ev->ts > last)
			last = ev->ts;
		if (ev->note) {
			inet_ntop(c.end[e]->family, c.end[e]->src, addr, sizeof(addr));
			snprintf(buf, sizeof(buf), "%.*s, sent by %s port %u", (int)ev->len,
				 (char *)ev->data, addr, c.end[e]->sport);
			c.pending[e] = note_cat(c.pending[e], buf);
			continue;
		}
		err |= emit(out, &c, e, last, 0x18, ev->data, ev->len);
		err |= emit(out, &c, !e, last, 0x10, NULL, 0);
	}
	fin = last;
	if (f0->fin_ts > fin)
		fin = f0->fin_ts;
	err |= emit(out, &c, 0, fin, 0x11, NULL, 0);
	if (f1 && f1->fin_ts > fin)
		fin = f1->fin_ts;
	err |= emit(out, &c, 1, fin, 0x11, NULL, 0);
	err |= emit(out, &c, 0, fin, 0x10, NULL, 0);
	free(c.pending[0]);
	free(c.pending[1]);
	return err ? -1 : 0;
}

static int pkt_cmp(const void *a, const void *b)
{
	const struct pkt *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int put_block(FILE *f, uint32_t type, const void *body, size_t len)
{
	uint32_t total = 12 + ((len + 3) & ~3u);
	static const uint8_t zero[4];

	return fwrite(&type, 4, 1, f) != 1 || fwrite(&total, 4, 1, f) != 1 ||
	       fwrite(body, 1, len, f) != len ||
	       fwrite(zero, 1, ((len + 3) & ~3u) - len, f) != ((len + 3) & ~3u) - len ||
	       fwrite(&total, 4, 1, f) != 1 ? -1 : 0;
}

/* An option (code, length, value padded to 4) at @p; returns its size. */
static size_t put_opt(uint8_t *p, uint16_t code, const void *v, size_t len)
{
	memcpy(p, &code, 2);
	p[2] = len;
	p[3] = len >> 8;
	memcpy(p + 4, v, len);
	memset(p + 4 + len, 0, ((len + 3) & ~3u) - len);
	return 4 + ((len + 3) & ~3u);
}

/*
 * pcapng (host byte order, as the format allows): a section header, one
 * raw-IP interface with nanosecond time stamps, and an enhanced packet
 * block per packet, its comment (opt_comment) holding the notes.
 */
static int write_pcapng(const char *path, struct pkts *pk)
{
	static const char app[] = "monctl decrypt (tlsmon)";
	uint8_t hdr[64], *b;
	size_t i, o;
	int err = 0;
	FILE *f;

	f = fopen(path, "we");
	if (!f) {
		mon_err("decrypt: cannot write the capture '%s': %s", path, strerror(errno));
		return -1;
	}
	/* SHB: byte-order magic, version 1.0, section length unknown */
	o = 0;
	*(uint32_t *)(hdr + o) = 0x1a2b3c4d;
	*(uint16_t *)(hdr + 4) = 1;
	*(uint16_t *)(hdr + 6) = 0;
	memset(hdr + 8, 0xff, 8);
	o = 16;
	o += put_opt(hdr + o, 4, app, strlen(app));	/* shb_userappl */
	memset(hdr + o, 0, 4);
	o += 4;
	err |= put_block(f, 0x0a0d0d0a, hdr, o);
	/* IDB: LINKTYPE_RAW, snaplen 0 (none), if_tsresol 9 */
	memset(hdr, 0, sizeof(hdr));
	*(uint16_t *)hdr = 101;
	o = 8;
	o += put_opt(hdr + o, 9, (uint8_t[]){ 9 }, 1);
	memset(hdr + o, 0, 4);
	o += 4;
	err |= put_block(f, 1, hdr, o);
	qsort(pk->p, pk->n, sizeof(*pk->p), pkt_cmp);
	for (i = 0; i < pk->n && !err; i++) {
		struct pkt *p = &pk->p[i];
		size_t cl = p->comment ? strlen(p->comment) : 0;
		size_t len = 20 + ((p->len + 3) & ~3u) + (cl ? 4 + ((cl + 3) & ~3u) + 4 : 0);

		if (cl > 65535)
			cl = 65535;
		b = calloc(1, len);
		if (!b) {
			err = -1;
			break;
		}
		*(uint32_t *)b = 0;			/* interface 0 */
		*(uint32_t *)(b + 4) = p->ts >> 32;
		*(uint32_t *)(b + 8) = p->ts;
		*(uint32_t *)(b + 12) = p->len;
		*(uint32_t *)(b + 16) = p->len;
		memcpy(b + 20, p->data, p->len);
		o = 20 + ((p->len + 3) & ~3u);
		if (cl) {
			o += put_opt(b + o, 1, p->comment, cl);	/* opt_comment */
			o += 4;					/* opt_endofopt */
		}
		err |= put_block(f, 6, b, o);
		free(b);
	}
	if (fclose(f) || err) {
		mon_err("decrypt: cannot write the capture '%s'", path);
		return -1;
	}
	return 0;
}

static int write_plain_capture(const char *path, struct flow *fl, size_t nfl)
{
	struct pkts pk = { NULL, 0, 0 };
	size_t i;
	int err = 0;

	for (i = 0; i < nfl && !err; i++) {
		struct flow *a = &fl[i], *b = a->peer >= 0 ? &fl[a->peer] : NULL;

		if (b && b < a)
			continue;	/* the connection was written with its other flow */
		/* the client's flow first: the key records' role, else the SYN */
		if (b && (a->k->src_client == 0 || b->k->src_client == 1 ||
			  (a->k->src_client < 0 && b->k->src_client < 0 &&
			   b->have_isn && a->have_isn && b->syn_ts < a->syn_ts))) {
			struct flow *t = a;

			a = b;
			b = t;
		}
		err = conn_packets(&pk, a, b);
	}
	if (!err)
		err = write_pcapng(path, &pk);
	else
		mon_err("decrypt: out of memory");
	for (i = 0; i < pk.n; i++) {
		free(pk.p[i].data);
		free(pk.p[i].comment);
	}
	free(pk.p);
	return err;
}

static void decrypt_usage(void)
{
	fprintf(stderr,
		"Usage: monctl decrypt keys KEYS [keys KEYS...] capture FILE [out DIR]\n"
		"                      [pcap|pcapng OUT]\n"
		"       monctl decrypt help\n"
		"\n"
		"KEYS is the output of 'monctl -j keys' (a JSON array) or of 'monctl collect'\n"
		"(JSON lines); FILE a pcap or pcapng capture of the sessions. The plaintext\n"
		"of each session's direction is written to DIR/session-ID-DIRECTION.bin (DIR\n"
		"defaults to the current directory). With 'pcap' or 'pcapng', also a pcapng\n"
		"capture of the plaintext connections (valid checksums, handshake, ACKs and\n"
		"FINs, each record at its capture time, TLS alerts and post-handshake\n"
		"messages as packet comments) that tshark, Wireshark, Zeek and Suricata read.\n"
		"Exit status 1 if a record failed to authenticate, a direction had no record\n"
		"matching its keys, or a KeyUpdate's next key was missing.\n");
}

static void free_flows(struct flow *fl, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < fl[i].n; j++)
			free(fl[i].segs[j].data);
		for (j = 0; j < fl[i].nev; j++) {
			explicit_bzero(fl[i].ev[j].data, fl[i].ev[j].len);
			free(fl[i].ev[j].data);
		}
		free(fl[i].segs);
		free(fl[i].ev);
	}
	free(fl);
}

/*
 * Group the key records into flows, each flow's keys sorted by epoch; a
 * record repeating a flow's epoch (the other end's copy) is not used again.
 */
static struct flow *make_flows(struct dkey *k, size_t n, size_t *nfl)
{
	struct flow *fl = calloc(n ? n : 1, sizeof(*fl));
	size_t i, j, m;

	*nfl = 0;
	if (!fl)
		return NULL;
	for (i = 0; i < n; i++) {
		for (j = 0; j < *nfl && !same_flow(fl[j].k, &k[i]); j++)
			;
		if (j == *nfl) {
			fl[j].k = &k[i];
			fl[j].peer = -1;
			(*nfl)++;
		}
		for (m = 0; m < fl[j].nkeys && k[fl[j].keys[m]].epoch != k[i].epoch; m++)
			;
		if (m == fl[j].nkeys && m < sizeof(fl[j].keys) / sizeof(fl[j].keys[0])) {
			/* insertion by epoch */
			while (m && k[fl[j].keys[m - 1]].epoch > k[i].epoch) {
				fl[j].keys[m] = fl[j].keys[m - 1];
				m--;
			}
			fl[j].keys[m] = i;
			fl[j].nkeys++;
		}
		if (fl[j].nnames < MAX_NAMES) {
			for (m = 0; m < fl[j].nnames; m++)
				if (fl[j].names[m]->id == k[i].id &&
				    !strcmp(fl[j].names[m]->dir, k[i].dir))
					break;
			if (m == fl[j].nnames)
				fl[j].names[fl[j].nnames++] = &k[i];
		}
	}
	for (i = 0; i < *nfl; i++) {
		fl[i].k = &k[fl[i].keys[0]];
		for (j = 0; j < *nfl; j++)
			if (j != i && reverse_flow(fl[i].k, fl[j].k))
				fl[i].peer = j;
		/* the role of any record of the flow tells who is the client */
		for (j = 0; j < n; j++)
			if (same_flow(&k[j], fl[i].k) && k[j].src_client >= 0 &&
			    fl[i].k->src_client < 0)
				k[fl[i].keys[0]].src_client = k[j].src_client;
	}
	return fl;
}

int do_decrypt(int argc, char **argv)
{
	const char *keyfiles[16], *cap = NULL, *dir = ".", *pcap_out = NULL;
	size_t nkf = 0, n = 0, kcap = 0, nfl = 0, i;
	char errbuf[PCAP_ERRBUF_SIZE];
	struct dkey *k = NULL;
	struct pcap_pkthdr *ph;
	struct flow *fl = NULL;
	const u_char *pkt;
	int ret = MON_EXIT_OK, dlt, prec;
	pcap_t *p;

	if (argc == 1 && !strcmp(argv[0], "help")) {
		decrypt_usage();
		return MON_EXIT_OK;
	}
	for (; argc >= 2; argc -= 2, argv += 2) {
		if (!strcmp(argv[0], "keys") && nkf < sizeof(keyfiles) / sizeof(keyfiles[0]))
			keyfiles[nkf++] = argv[1];
		else if (!strcmp(argv[0], "capture"))
			cap = argv[1];
		else if (!strcmp(argv[0], "out"))
			dir = argv[1];
		else if (!strcmp(argv[0], "pcap") || !strcmp(argv[0], "pcapng"))
			pcap_out = argv[1];
		else
			break;
	}
	if (argc || !nkf || !cap) {
		if (argc)
			mon_err("decrypt: unexpected argument '%s'", argv[0]);
		decrypt_usage();
		return MON_EXIT_USAGE;
	}
	/* before any key text is read: every block jansson frees is wiped */
	json_set_alloc_funcs(wipe_malloc, wipe_free);
	/* the plaintext is the user's: a new directory is theirs alone */
	if (mkdir(dir, 0700) && errno != EEXIST) {
		mon_err("decrypt: cannot create the output directory '%s': %s", dir,
			strerror(errno));
		return MON_EXIT_FAIL;
	}
	for (i = 0; i < nkf; i++)
		if (load_keys(keyfiles[i], &k, &n, &kcap)) {
			ret = MON_EXIT_FAIL;
			goto out;
		}
	fl = make_flows(k, n, &nfl);
	if (!fl) {
		mon_err("decrypt: out of memory");
		ret = MON_EXIT_FAIL;
		goto out;
	}
	p = pcap_open_offline_with_tstamp_precision(cap, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!p) {
		mon_err("decrypt: cannot read the capture '%s': %s", cap, errbuf);
		ret = MON_EXIT_FAIL;
		goto out;
	}
	dlt = pcap_datalink(p);
	prec = pcap_get_tstamp_precision(p);
	while (pcap_next_ex(p, &ph, &pkt) == 1) {
		uint32_t len = ph->caplen;
		const uint8_t *ip = ip_of(dlt, pkt, &len);
		uint64_t ts = (uint64_t)ph->ts.tv_sec * 1000000000ull +
			      (uint64_t)ph->ts.tv_usec *
			      (prec == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000);

		for (i = 0; ip && i < nfl; i++)
			if (collect(&fl[i], ip, len, ts)) {
				mon_err("decrypt: out of memory");
				pcap_close(p);
				ret = MON_EXIT_FAIL;
				goto out;
			}
	}
	pcap_close(p);
	for (i = 0; i < nfl; i++)
		if (decrypt_flow(&fl[i], k, dir))
			ret = MON_EXIT_FAIL;
	if (pcap_out && write_plain_capture(pcap_out, fl, nfl))
		ret = MON_EXIT_FAIL;
out:
	if (fl)
		free_flows(fl, nfl);
	if (k) {
		explicit_bzero(k, kcap * sizeof(*k));
		free(k);
	}
	return ret;
}
