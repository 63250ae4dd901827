// SPDX-License-Identifier: GPL-2.0
/*
 * monctl decrypt: recover the plaintext of monitored sessions from a
 * capture, with the keys 'monctl -j keys' exported.
 *
 *   monctl decrypt keys KEYS.json capture FILE [out DIR] [pcap OUT.pcap]
 *
 * Each key record names one direction of one session: its TCP stream is
 * reassembled by sequence number from the capture (pcap or pcapng), its
 * TLS records are walked from the start, the first record that
 * authenticates with the exported keys and record sequence number is the
 * point where kTLS was installed, and every record after it is decrypted
 * (TLS 1.2 and 1.3 nonce rules; TLS 1.3 inner content type and padding).
 * Application data goes to DIR/session-ID-DIRECTION.bin; a record that
 * fails authentication after that point is reported, never skipped
 * silently. With "pcap", the decrypted application data is also written
 * as a capture (raw IP, one TCP segment per record) that Wireshark and
 * tcpdump can open.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <linux/tls.h>
#include <openssl/evp.h>
#include <pcap/pcap.h>

#include "monctl.h"

#define MAX_STREAM	(256u << 20)

/* One direction of one session, from the key file. */
struct dkey {
	unsigned long long id;
	int family;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	bool tx, tls13;
	char cipher[32], dir[4];
	uint8_t key[32], iv[16], salt[4], rec_seq[8];
	size_t key_len, iv_len, salt_len;
};

/* ---- the key file: a JSON array of flat objects ---------------------- */

struct jp {
	const char *p;
};

static void ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
		j->p++;
}

/* A string into @out (escapes kept simple: our own output has none). */
static int jstr(struct jp *j, char *out, size_t n)
{
	size_t i = 0;

	if (*j->p != '"')
		return -1;
	for (j->p++; *j->p && *j->p != '"'; j->p++) {
		if (*j->p == '\\' && j->p[1])
			j->p++;
		if (i + 1 < n)
			out[i++] = *j->p;
	}
	if (*j->p != '"')
		return -1;
	j->p++;
	out[i] = '\0';
	return 0;
}

/* Skip any value, keeping scalars as text in @out. */
static int jval(struct jp *j, char *out, size_t n)
{
	int depth = 0;

	ws(j);
	out[0] = '\0';
	if (*j->p == '"')
		return jstr(j, out, n);
	if (*j->p == '[' || *j->p == '{') {
		do {
			if (*j->p == '"') {
				char tmp[8];

				if (jstr(j, tmp, sizeof(tmp)))
					return -1;
				continue;
			}
			if (*j->p == '[' || *j->p == '{')
				depth++;
			else if (*j->p == ']' || *j->p == '}')
				depth--;
			else if (!*j->p)
				return -1;
			j->p++;
		} while (depth);
		return 0;
	}
	size_t i = 0;

	while (*j->p && !strchr(",}] \n\t\r", *j->p)) {
		if (i + 1 < n)
			out[i++] = *j->p;
		j->p++;
	}
	out[i] = '\0';
	return i ? 0 : -1;
}

static int unhex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(s), i;

	if (n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = b;
	}
	*len = n / 2;
	return 0;
}

/* One object of the array into @k; the stream's ends follow direction. */
static int parse_record(struct jp *j, struct dkey *k)
{
	char name[64], val[160], local[64] = "", peer[64] = "";
	unsigned int lport = 0, pport = 0;
	size_t dummy;

	memset(k, 0, sizeof(*k));
	if (*j->p != '{')
		return -1;
	j->p++;
	for (;;) {
		ws(j);
		if (*j->p == '}') {
			j->p++;
			break;
		}
		if (jstr(j, name, sizeof(name)))
			return -1;
		ws(j);
		if (*j->p++ != ':' || jval(j, val, sizeof(val)))
			return -1;
		if (!strcmp(name, "id"))
			k->id = strtoull(val, NULL, 10);
		else if (!strcmp(name, "family"))
			k->family = !strcmp(val, "inet6") ? AF_INET6 : AF_INET;
		else if (!strcmp(name, "local"))
			snprintf(local, sizeof(local), "%s", val);
		else if (!strcmp(name, "peer"))
			snprintf(peer, sizeof(peer), "%s", val);
		else if (!strcmp(name, "local_port"))
			lport = atoi(val);
		else if (!strcmp(name, "peer_port"))
			pport = atoi(val);
		else if (!strcmp(name, "direction"))
			snprintf(k->dir, sizeof(k->dir), "%s", val);
		else if (!strcmp(name, "key_version"))
			k->tls13 = !strcmp(val, "TLS1.3");
		else if (!strcmp(name, "key_cipher"))
			snprintf(k->cipher, sizeof(k->cipher), "%s", val);
		else if (!strcmp(name, "key") && unhex(val, k->key, sizeof(k->key), &k->key_len))
			return -1;
		else if (!strcmp(name, "iv") && unhex(val, k->iv, sizeof(k->iv), &k->iv_len))
			return -1;
		else if (!strcmp(name, "salt") && unhex(val, k->salt, sizeof(k->salt), &k->salt_len))
			return -1;
		else if (!strcmp(name, "rec_seq") &&
			 (unhex(val, k->rec_seq, sizeof(k->rec_seq), &dummy) || dummy != 8))
			return -1;
		ws(j);
		if (*j->p == ',')
			j->p++;
	}
	k->tx = !strcmp(k->dir, "tx");
	/* TX: local sends to peer; RX: peer sends to local */
	if (inet_pton(k->family, k->tx ? local : peer, k->src) != 1 ||
	    inet_pton(k->family, k->tx ? peer : local, k->dst) != 1 || !k->key_len)
		return -1;
	k->sport = k->tx ? lport : pport;
	k->dport = k->tx ? pport : lport;
	return 0;
}

static int load_keys(const char *path, struct dkey **out, size_t *n)
{
	struct jp j;
	char *text;
	long len;
	FILE *f = fopen(path, "r");

	*out = NULL;
	*n = 0;
	if (!f) {
		mon_err("decrypt: cannot open the key file '%s': %s", path, strerror(errno));
		return -1;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, len + 1);
	if (!text || fread(text, 1, len, f) != (size_t)len) {
		fclose(f);
		free(text);
		mon_err("decrypt: cannot read the key file '%s'", path);
		return -1;
	}
	fclose(f);
	j.p = text;
	ws(&j);
	if (*j.p++ != '[')
		goto bad;
	for (;;) {
		ws(&j);
		if (*j.p == ']')
			break;
		*out = realloc(*out, (*n + 1) * sizeof(**out));
		if (!*out || parse_record(&j, &(*out)[*n]))
			goto bad;
		(*n)++;
		ws(&j);
		if (*j.p == ',')
			j.p++;
	}
	free(text);
	return 0;
bad:
	mon_err("decrypt: '%s' is not the output of 'monctl -j keys' (record %zu)", path, *n + 1);
	free(text);
	return -1;
}

/* ---- the capture: TCP segments of one stream ---------------------------- */

struct seg {
	uint32_t seq;
	uint32_t len;
	uint8_t *data;
};

struct stream {
	struct seg *segs;
	size_t n;
	bool have_isn;
	uint32_t isn;
	struct timeval first;
};

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

static void collect(struct stream *st, const struct dkey *k, const uint8_t *ip,
		    uint32_t len, const struct timeval *ts)
{
	const uint8_t *tcp, *src, *dst;
	uint32_t hl, tl, plen, seq;
	int alen;

	if ((ip[0] >> 4) == 4 && k->family == AF_INET) {
		hl = (ip[0] & 15) * 4;
		if (ip[9] != IPPROTO_TCP || len < hl + 20)
			return;
		tl = ip[2] << 8 | ip[3];
		if (tl < len)
			len = tl;
		src = ip + 12;
		dst = ip + 16;
		alen = 4;
	} else if ((ip[0] >> 4) == 6 && k->family == AF_INET6) {
		hl = 40;
		if (ip[6] != IPPROTO_TCP || len < hl + 20)
			return;
		if ((uint32_t)(40 + (ip[4] << 8 | ip[5])) < len)
			len = 40 + (ip[4] << 8 | ip[5]);
		src = ip + 8;
		dst = ip + 24;
		alen = 16;
	} else {
		return;
	}
	tcp = ip + hl;
	if (memcmp(src, k->src, alen) || memcmp(dst, k->dst, alen) ||
	    (tcp[0] << 8 | tcp[1]) != k->sport || (tcp[2] << 8 | tcp[3]) != k->dport)
		return;
	seq = (uint32_t)tcp[4] << 24 | tcp[5] << 16 | tcp[6] << 8 | tcp[7];
	if (tcp[13] & 0x02) {
		st->have_isn = true;
		st->isn = seq;
		seq++;
	}
	if (len < hl + (tcp[12] >> 4) * 4)
		return;
	plen = len - hl - (tcp[12] >> 4) * 4;
	if (!plen)
		return;
	if (!st->n)
		st->first = *ts;
	st->segs = realloc(st->segs, (st->n + 1) * sizeof(*st->segs));
	st->segs[st->n].seq = seq;
	st->segs[st->n].len = plen;
	st->segs[st->n].data = malloc(plen);
	memcpy(st->segs[st->n].data, tcp + (tcp[12] >> 4) * 4, plen);
	st->n++;
}

/*
 * The stream's bytes from its start (or its first byte captured), in
 * order, each taken once whatever the retransmissions. Stops at a gap.
 */
static uint8_t *reassemble(struct stream *st, size_t *out_len, bool *gap)
{
	uint32_t base, end = 0;
	uint8_t *buf, *have;
	size_t i;

	*gap = false;
	*out_len = 0;
	if (!st->n)
		return NULL;
	base = st->have_isn ? st->isn + 1 : st->segs[0].seq;
	for (i = 0; i < st->n; i++) {
		uint32_t off = st->segs[i].seq - base;

		if (off < MAX_STREAM && off + st->segs[i].len > end)
			end = off + st->segs[i].len;
	}
	buf = calloc(1, end ? end : 1);
	have = calloc(1, end ? end : 1);
	for (i = 0; i < st->n; i++) {
		uint32_t off = st->segs[i].seq - base;

		if (off >= MAX_STREAM)
			continue;
		memcpy(buf + off, st->segs[i].data, st->segs[i].len);
		memset(have + off, 1, st->segs[i].len);
	}
	for (i = 0; i < end && have[i]; i++)
		;
	*gap = i < end;
	*out_len = i;
	free(have);
	return buf;
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
		if (chacha)
			memcpy(nonce, k->iv, 12);
		else {
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

static uint16_t ip_csum(const uint8_t *h, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < n; i += 2)
		sum += h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/*
 * One decrypted record as a raw IP packet with one TCP segment, so that a
 * capture tool shows the plaintext in its stream. The TCP checksum is left
 * 0: these packets never crossed a wire.
 */
static void dump_plain(pcap_dumper_t *d, const struct dkey *k, struct timeval ts,
		       uint32_t seq, const uint8_t *data, size_t n)
{
	static uint8_t pkt[40 + 20 + (1 << 15)];
	struct pcap_pkthdr ph = { .ts = ts };
	size_t ipl = k->family == AF_INET ? 20 : 40;
	uint8_t *t = pkt + ipl;

	memset(pkt, 0, ipl + 20);
	if (k->family == AF_INET) {
		pkt[0] = 0x45;
		pkt[2] = (20 + 20 + n) >> 8;
		pkt[3] = 20 + 20 + n;
		pkt[8] = 64;
		pkt[9] = IPPROTO_TCP;
		memcpy(pkt + 12, k->src, 4);
		memcpy(pkt + 16, k->dst, 4);
		pkt[10] = ip_csum(pkt, 20) >> 8;
		pkt[11] = ip_csum(pkt, 20) & 0xff;
	} else {
		pkt[0] = 0x60;
		pkt[4] = (20 + n) >> 8;
		pkt[5] = 20 + n;
		pkt[6] = IPPROTO_TCP;
		pkt[7] = 64;
		memcpy(pkt + 8, k->src, 16);
		memcpy(pkt + 24, k->dst, 16);
	}
	t[0] = k->sport >> 8;
	t[1] = k->sport;
	t[2] = k->dport >> 8;
	t[3] = k->dport;
	t[4] = seq >> 24;
	t[5] = seq >> 16;
	t[6] = seq >> 8;
	t[7] = seq;
	t[12] = 5 << 4;
	t[13] = 0x18;		/* PSH, ACK */
	t[14] = 0xff;
	t[15] = 0xff;
	memcpy(t + 20, data, n);
	ph.caplen = ph.len = ipl + 20 + n;
	pcap_dump((u_char *)d, &ph, pkt);
}

static int decrypt_one(const struct dkey *k, struct stream *st, const char *dir,
		       pcap_dumper_t *dump)
{
	const EVP_CIPHER *c = evp_of(k->cipher);
	size_t len, off = 0, records = 0, bytes = 0, fails = 0, other = 0;
	bool gap, started = false;
	uint64_t seq = 0;
	char path[4200];
	uint8_t *s, *out;
	FILE *f;
	int i;

	for (i = 0; i < 8; i++)
		seq = seq << 8 | k->rec_seq[i];
	if (!c) {
		mon_err("decrypt: session %llu %s: cipher %s is not supported", k->id, k->dir, k->cipher);
		return -1;
	}
	s = reassemble(st, &len, &gap);
	snprintf(path, sizeof(path), "%s/session-%llu-%s.bin", dir, k->id, k->dir);
	f = fopen(path, "w");
	if (!f) {
		mon_err("decrypt: cannot write '%s': %s", path, strerror(errno));
		free(s);
		return -1;
	}
	out = malloc(1 << 15);
	while (s && off + 5 <= len) {
		const uint8_t *h = s + off;
		size_t rlen = h[3] << 8 | h[4];
		uint8_t type;
		int n;

		if (off + 5 + rlen > len)
			break;
		n = rlen <= (1 << 15) ? open_record(k, c, seq, h, h + 5, rlen, out, &type) : -1;
		if (n >= 0) {
			started = true;
			seq++;
			records++;
			if (type == 23) {
				fwrite(out, 1, n, f);
				if (dump) {
					struct timeval ts = st->first;

					ts.tv_usec += records;
					dump_plain(dump, k, ts, 1 + bytes, out, n);
				}
				bytes += n;
			} else {
				other++;
			}
		} else if (started) {
			/* after the installation point every record must open */
			printf("session %llu %s: record %llu at stream offset %zu: authentication failed\n",
			       k->id, k->dir, (unsigned long long)seq, off);
			fails++;
			seq++;
		}
		off += 5 + rlen;
	}
	fclose(f);
	free(out);
	free(s);
	printf("session %llu %s: %zu records decrypted (%zu bytes of application data, %zu other), %zu failed%s%s%s -> %s\n",
	       k->id, k->dir, records, bytes, other, fails,
	       started ? "" : ", no record matched the keys",
	       gap ? ", the capture has a gap" : "",
	       off < len ? ", the capture ends inside a record" : "", path);
	return fails || !started ? 1 : 0;
}

static void decrypt_usage(void)
{
	fprintf(stderr,
		"Usage: monctl decrypt keys KEYS.json capture FILE [out DIR] [pcap OUT.pcap]\n"
		"       monctl decrypt help\n"
		"\n"
		"KEYS.json is the output of 'monctl -j keys'; FILE a pcap or pcapng capture\n"
		"of the sessions. The plaintext of each session's direction is written to\n"
		"DIR/session-ID-DIRECTION.bin (DIR defaults to the current directory);\n"
		"with 'pcap', also as a capture of the plaintext that Wireshark opens.\n"
		"Exit status 1 if a record failed to authenticate or a direction had no\n"
		"record matching its keys.\n");
}

int do_decrypt(int argc, char **argv)
{
	const char *keys = NULL, *cap = NULL, *dir = ".", *pcap_out = NULL;
	pcap_dumper_t *dump = NULL;
	pcap_t *raw = NULL;
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *ph;
	struct stream *st;
	const u_char *pkt;
	struct dkey *k;
	size_t n, i, j;
	int ret = MON_EXIT_OK, dlt;
	pcap_t *p;

	if (argc == 1 && !strcmp(argv[0], "help")) {
		decrypt_usage();
		return MON_EXIT_OK;
	}
	for (; argc >= 2; argc -= 2, argv += 2) {
		if (!strcmp(argv[0], "keys"))
			keys = argv[1];
		else if (!strcmp(argv[0], "capture"))
			cap = argv[1];
		else if (!strcmp(argv[0], "out"))
			dir = argv[1];
		else if (!strcmp(argv[0], "pcap"))
			pcap_out = argv[1];
		else
			break;
	}
	if (argc || !keys || !cap) {
		decrypt_usage();
		return MON_EXIT_USAGE;
	}
	/* the plaintext is the user's: a new directory is theirs alone */
	if (mkdir(dir, 0700) && errno != EEXIST) {
		mon_err("decrypt: cannot create the output directory '%s': %s", dir,
			strerror(errno));
		return MON_EXIT_FAIL;
	}
	if (load_keys(keys, &k, &n))
		return MON_EXIT_FAIL;
	p = pcap_open_offline(cap, errbuf);
	if (!p) {
		mon_err("decrypt: cannot read the capture '%s': %s", cap, errbuf);
		free(k);
		return MON_EXIT_FAIL;
	}
	dlt = pcap_datalink(p);
	st = calloc(n ? n : 1, sizeof(*st));
	while (pcap_next_ex(p, &ph, &pkt) == 1) {
		uint32_t len = ph->caplen;
		const uint8_t *ip = ip_of(dlt, pkt, &len);

		for (i = 0; ip && i < n; i++)
			collect(&st[i], &k[i], ip, len, &ph->ts);
	}
	pcap_close(p);
	if (pcap_out) {
		raw = pcap_open_dead(DLT_RAW, 65535);
		dump = raw ? pcap_dump_open(raw, pcap_out) : NULL;
		if (!dump) {
			mon_err("decrypt: cannot write the capture '%s': %s", pcap_out,
				raw ? pcap_geterr(raw) : "out of memory");
			ret = MON_EXIT_FAIL;
		}
	}
	for (i = 0; i < n; i++) {
		if ((!pcap_out || dump) && decrypt_one(&k[i], &st[i], dir, dump))
			ret = MON_EXIT_FAIL;
		for (j = 0; j < st[i].n; j++)
			free(st[i].segs[j].data);
		free(st[i].segs);
	}
	if (dump)
		pcap_dump_close(dump);
	if (raw)
		pcap_close(raw);
	OPENSSL_cleanse(k, n * sizeof(*k));
	free(k);
	free(st);
	return ret;
}
