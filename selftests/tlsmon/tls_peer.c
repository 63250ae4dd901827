// SPDX-License-Identifier: GPL-2.0
/*
 * One end of a hand-made TLS handshake followed by real kTLS traffic, for
 * the guest tests:
 *
 *   tls_peer server ADDR PORT [OPTIONS]
 *   tls_peer client ADDR PORT [OPTIONS]
 *
 *   -2 / -3         TLS 1.2 / TLS 1.3 (default 1.3)
 *   -o SUITES       suites the client offers (hex, comma separated)
 *   -s SUITE        suite the server selects (default: the first offered)
 *   -c              client: offer the consent extension;
 *                   server: echo it if the client offered it
 *   -C              server: echo it even if the client did not offer it
 *   -D              client: a malformed ClientHello (an extension twice)
 *   -r              server: answer with a HelloRetryRequest first
 *   -S              server: split the ServerHello over two TCP segments
 *   -b              send every handshake record one byte per TCP segment
 *   -F              TCP Fast Open: the client's ClientHello goes in its
 *                   SYN, the server accepts data in SYNs (the namespaces'
 *                   net.ipv4.tcp_fastopen must allow it without a cookie)
 *   -E              IPv6: every segment the socket sends carries a
 *                   Destination Options header (8 bytes of padding), so
 *                   TCP is not the IPv6 header's next header
 *   -I DEV          bind the socket to DEV (SO_BINDTODEVICE: a VRF too)
 *   -y N            server (TLS 1.3): a key_share extension whose x25519
 *                   key is made from the number N: the same N, the same
 *                   key share (a static key); without -y, none
 *   -M MARK         the socket's own mark (SO_MARK) before it connects or
 *                   listens, as an application sets it
 *   -x BYTES        client: pad the ClientHello with a padding extension
 *                   of BYTES bytes (at most 3000)
 *   -d DIRS         kTLS directions to install: tx, rx or both (default)
 *   -k CIPHER       kTLS cipher: aes-gcm-128, aes-gcm-256, aes-ccm-128,
 *                   chacha20-poly1305, sm4-gcm, sm4-ccm (default: the
 *                   negotiated suite's, aes-gcm-128 for one kTLS cannot
 *                   carry); exit status 4 if the kernel does not have it
 *   -W FILE         server: once the ClientHello is read, print "hello
 *                   read" and wait for FILE before answering
 *   -p FILE         after the handshake print "paused" and wait for FILE
 *                   before installing kTLS
 *   -P FILE         after installing kTLS TX print "between" and wait for
 *                   FILE before installing RX
 *   -w FILE         after the exchange print "ready", wait for FILE, then
 *                   exchange a second message each way
 *   -u WHO          TLS 1.3 KeyUpdate after the exchange: WHO (client,
 *                   server or both) sends one through kTLS (a handshake
 *                   record, TLS_SET_RECORD_TYPE) and installs its next
 *                   TX keys; the other end reads it (TLS_GET_RECORD_TYPE)
 *                   and installs its next RX keys; then one message more
 *                   in each rekeyed direction. Exit status 5 if the
 *                   kernel's kTLS cannot rekey
 *   -R FILE         with -u: print "rekey" and wait for FILE before it
 *   -K              print every key installed: "installed DIR epoch N
 *                   key HEX iv HEX salt HEX"
 *
 * The two ends exchange one message each way through kTLS and check it.
 * Exit status 0 on success.
 *
 * Keys: epoch 0 is the fixed test pattern of ktls_install(). Each
 * direction also has a fixed epoch-0 traffic secret (hash-length bytes,
 * client-written 0x70 + i, server-written 0x80 + i), from which each
 * KeyUpdate derives the next one and its keys as RFC 8446 7.2 and 7.3
 * say (HKDF-Expand-Label "traffic upd", "key", "iv"; SHA-384 for
 * AES-256-GCM, SHA-256 otherwise), record sequence 0.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "hs_craft.h"

static struct {
	bool server, tls13, consent, force_echo, hrr, split, dup, bytewise;
	bool dstopts, fastopen;
	bool tx, rx;
	uint16_t offer[64];
	unsigned int n_offer;
	unsigned int pad;
	int select;
	long key_share;
	const char *wait_file;
	const char *pause_file;
	const char *hello_file;
	uint16_t suite;
	const char *between_file;
	const char *bind_dev;
	unsigned int mark;
	const struct craft_cipher *cipher;
	bool update_client, update_server, print_keys;
	const char *rekey_file;
} o = { .tls13 = true, .tx = true, .rx = true, .select = -1, .key_share = -1 };

static void die(const char *what, int err)
{
	fprintf(stderr, "tls_peer %s: %s: %s\n", o.server ? "server" : "client",
		what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* Read one record; returns its type, payload in @c. */
static int read_record(int fd, struct craft *c)
{
	uint8_t h[5];
	size_t len;
	int err;

	err = recv_all(fd, h, 5);
	if (err)
		die("reading a record header", err);
	len = h[3] << 8 | h[4];
	if (len > sizeof(c->b))
		die("record too large", EMSGSIZE);
	c->n = len;
	err = recv_all(fd, c->b, len);
	if (err)
		die("reading a record", err);
	return h[0];
}

/* The consent extension's presence in a ClientHello record payload. */
static bool offered_consent(const struct craft *c)
{
	size_t i;

	for (i = 0; i + 4 <= c->n; i++)
		if (c->b[i] == (CRAFT_CONSENT_EXT >> 8) &&
		    c->b[i + 1] == (CRAFT_CONSENT_EXT & 0xff) &&
		    c->b[i + 2] == 0 && c->b[i + 3] == 0 && i + 4 == c->n)
			return true;
	return false;
}

static uint16_t first_offered(const struct craft *c)
{
	/* type(1) len(3) version(2) random(32) sid(1+n) suites(2+...) */
	size_t at = 4 + 2 + 32;

	at += 1 + c->b[at];
	return c->b[at + 2] << 8 | c->b[at + 3];
}

/*
 * A TLS 1.3 client checks that the ServerHello echoes its legacy session
 * id before it looks at the extensions: echo a 32-byte one, so that a
 * real client gets as far as the consent extension.
 */
static void echo_session_id(struct craft *out, const struct craft *in)
{
	/* record(5) type(1) len(3) version(2) random(32), then sid(1+32) */
	const size_t at_out = 5 + 4 + 2 + 32, at_in = 4 + 2 + 32;

	if (in->n > at_in + 33 && in->b[at_in] == 32 && out->b[at_out] == 32)
		memcpy(out->b + at_out + 1, in->b + at_in + 1, 32);
}

static void send_craft(int fd, const struct craft *c, bool split)
{
	int err;

	if (o.bytewise) {
		/* Nagle off and a pause: each byte leaves as its own segment */
		int one = 1;
		size_t i;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		for (i = 0, err = 0; i < c->n && !err; i++) {
			err = send_all(fd, c->b + i, 1);
			usleep(2000);
		}
	} else if (split) {
		/* two segments: Nagle off, a pause between them */
		int one = 1;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		err = send_all(fd, c->b, 20);
		if (!err) {
			usleep(200000);
			err = send_all(fd, c->b + 20, c->n - 20);
		}
	} else {
		err = send_all(fd, c->b, c->n);
	}
	if (err)
		die("sending", err);
}

static void wait_for(const char *say, const char *file);

static void handshake_server(int fd)
{
	struct craft in, out = { .n = 0 };
	bool consent;
	int type;

	type = read_record(fd, &in);
	if (type != 22)
		die("expected a ClientHello", EPROTO);
	if (o.hrr) {
		craft_server_hello(&out, true, 0x1301, false, true);
		craft_ccs(&out);
		send_craft(fd, &out, false);
		out.n = 0;
		do
			type = read_record(fd, &in);
		while (type == 20);
	}
	if (o.hello_file)
		wait_for("hello read", o.hello_file);
	consent = o.force_echo || (o.consent && offered_consent(&in));
	o.suite = o.select >= 0 ? o.select : first_offered(&in);
	if (o.key_share >= 0) {
		uint8_t ks[32];
		unsigned int i;

		for (i = 0; i < 32; i++)
			ks[i] = i < 4 ? (uint8_t)(o.key_share >> (24 - 8 * i)) :
					(uint8_t)(0x5c ^ i);
		craft_server_hello_ks(&out, o.tls13, o.suite, consent, false, ks);
	} else {
		craft_server_hello(&out, o.tls13, o.suite, consent, false);
	}
	echo_session_id(&out, &in);
	send_craft(fd, &out, o.split);
}

static void handshake_client(int fd)
{
	struct craft out = { .n = 0 }, in;
	int type;

	craft_client_hello(&out, o.tls13, o.offer, o.n_offer, o.consent, o.dup,
			   o.pad);
	send_craft(fd, &out, false);
	for (;;) {
		type = read_record(fd, &in);
		if (type == 20)
			continue;
		if (type != 22)
			die("expected a ServerHello", EPROTO);
		/* a HelloRetryRequest: send the second ClientHello */
		if (in.n > 38 && !memcmp(in.b + 6, craft_hrr_random, 32)) {
			out.n = 0;
			craft_ccs(&out);
			craft_client_hello(&out, o.tls13, o.offer, o.n_offer,
					   o.consent, o.dup, o.pad);
			send_craft(fd, &out, false);
			continue;
		}
		break;
	}
	/* type, length, version, random, session id, then the suite */
	if (in.n > 39 && in.n > 40u + in.b[38])
		o.suite = in.b[39 + in.b[38]] << 8 | in.b[40 + in.b[38]];
}

/* The kTLS cipher of @suite, for the suites tls_peer's tests negotiate. */
static const char *suite_cipher(uint16_t suite)
{
	switch (suite & 0xff) {
	case 0x02:	/* 0x1302, 0xff02 */
	case 0x2c:	/* 0xc02c, 0xff2c */
	case 0x30:	/* 0xc030, 0xff30 */
		return "aes-gcm-256";
	case 0x03:
	case 0xa8:
	case 0xa9:
	case 0xaa:
		return "chacha20-poly1305";
	case 0x04:
	case 0xac:
		return "aes-ccm-128";
	case 0xc6:
		return "sm4-gcm";
	case 0xc7:
		return "sm4-ccm";
	}
	return "aes-gcm-128";
}

static void wait_for(const char *say, const char *file)
{
	struct stat st;
	int i;

	printf("%s\n", say);
	fflush(stdout);
	for (i = 0; i < 600 && stat(file, &st); i++)
		usleep(100000);
}

/* One message each way through kTLS, checked. */
static void ping_pong(int fd, const char *mine, const char *theirs)
{
	char buf[64];
	int err;

	if (!o.server) {
		err = send_all(fd, mine, strlen(mine));
		if (!err)
			err = recv_all(fd, buf, strlen(theirs));
	} else {
		err = recv_all(fd, buf, strlen(theirs));
		if (!err)
			err = send_all(fd, mine, strlen(mine));
	}
	if (err)
		die("exchanging data through kTLS", err);
	if (memcmp(buf, theirs, strlen(theirs)))
		die("data through kTLS differs", EBADMSG);
}

static void print_key(const char *dir, unsigned int epoch, const uint8_t *buf);

/* The epoch-0 keys of ktls_install(), as -K prints them. */
static void print_installed(void)
{
	const struct craft_cipher *c = o.cipher;
	uint8_t buf[128];
	size_t i;
	int d;

	for (d = 0; d < 2; d++) {
		bool tx = !d, client_writes = tx ? !o.server : o.server;

		if (tx ? !o.tx : !o.rx)
			continue;
		memset(buf, 0, sizeof(buf));
		for (i = 0; i < c->key; i++)
			buf[c->key_off + i] = (client_writes ? 0x10 : 0x40) + i;
		for (i = 0; i < c->iv; i++)
			buf[c->iv_off + i] = (client_writes ? 0x20 : 0x50) + i;
		for (i = 0; i < c->salt; i++)
			buf[c->salt_off + i] = (client_writes ? 0x30 : 0x60) + i;
		print_key(tx ? "tx" : "rx", 0, buf);
	}
}

static void exchange(int fd)
{
	struct craft fake = { .n = 0 }, in;
	int err;

	/* TLS 1.3: the encrypted rest of the handshake, read before kTLS RX */
	if (o.tls13) {
		craft_encrypted(&fake, 32);
		send_craft(fd, &fake, false);
		if (read_record(fd, &in) != 23)
			die("expected an encrypted record", EPROTO);
	}
	if (o.pause_file)
		wait_for("paused", o.pause_file);
	err = ktls_ulp(fd);
	if (!err && o.tx)
		err = ktls_install(fd, o.cipher, o.tls13, true, !o.server);
	if (!err && o.tx && o.rx && o.between_file)
		wait_for("between", o.between_file);
	if (!err && o.rx)
		err = ktls_install(fd, o.cipher, o.tls13, false, o.server);
	if (err == -ENOENT) {
		fprintf(stderr, "tls_peer: this kernel has no %s for kTLS\n",
			o.cipher->name);
		exit(4);
	}
	if (err)
		die("installing kTLS", err);
	if (o.print_keys)
		print_installed();
	if (!o.tx || !o.rx)
		return;
	ping_pong(fd, o.server ? "pong from the server" : "ping from the client",
		  o.server ? "ping from the client" : "pong from the server");
}

/* ---- TLS 1.3 KeyUpdate (RFC 8446 4.6.3, 7.2) ---------------------------- */

/* One direction's traffic secret and how many times it was updated. */
struct traffic {
	uint8_t secret[48];
	unsigned int len, epoch;
};

static const EVP_MD *traffic_md(void)
{
	return o.cipher->type == TLS_CIPHER_AES_GCM_256 ? EVP_sha384() : EVP_sha256();
}

/* The fixed epoch-0 secret of the direction written by the client or not. */
static void traffic_init(struct traffic *t, bool client_writes)
{
	unsigned int i;

	t->len = EVP_MD_get_size(traffic_md());
	t->epoch = 0;
	for (i = 0; i < t->len; i++)
		t->secret[i] = (client_writes ? 0x70 : 0x80) + i;
}

/*
 * HKDF-Expand-Label(secret, label, "", n) for n no longer than the hash:
 * the first block of HKDF-Expand, HMAC(secret, HkdfLabel || 0x01).
 */
static void expand_label(const struct traffic *t, const char *label,
			 uint8_t *out, unsigned int n)
{
	uint8_t info[64], mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0, maclen;
	size_t l = strlen(label);

	info[len++] = n >> 8;
	info[len++] = n;
	info[len++] = 6 + l;
	memcpy(info + len, "tls13 ", 6);
	len += 6;
	memcpy(info + len, label, l);
	len += l;
	info[len++] = 0;	/* empty context */
	info[len++] = 1;	/* T(1) */
	if (n > t->len || !HMAC(traffic_md(), t->secret, t->len, info, len, mac, &maclen))
		die("HKDF-Expand-Label", EINVAL);
	memcpy(out, mac, n);
}

static void print_key(const char *dir, unsigned int epoch, const uint8_t *buf)
{
	const struct craft_cipher *c = o.cipher;
	size_t i;

	if (!o.print_keys)
		return;
	printf("installed %s epoch %u key ", dir, epoch);
	for (i = 0; i < c->key; i++)
		printf("%02x", buf[c->key_off + i]);
	printf(" iv ");
	for (i = 0; i < c->iv; i++)
		printf("%02x", buf[c->iv_off + i]);
	printf(" salt ");
	for (i = 0; i < c->salt; i++)
		printf("%02x", buf[c->salt_off + i]);
	printf("%s\n", c->salt ? "" : "-");
	fflush(stdout);
}

/*
 * The next epoch of a direction: secret_N+1 = HKDF-Expand-Label(secret_N,
 * "traffic upd", "", Hash.length), its key and 12-byte IV installed in
 * kTLS (the IV's first bytes are kTLS's salt, the rest its iv; ChaCha20
 * has no salt), record sequence 0. Return: 0, or -errno of setsockopt().
 */
static int traffic_update(int fd, struct traffic *t, bool tx)
{
	const struct craft_cipher *c = o.cipher;
	uint8_t next[48], iv[12], buf[128];
	struct tls_crypto_info *info = (void *)buf;
	int err = 0;

	expand_label(t, "traffic upd", next, t->len);
	memcpy(t->secret, next, t->len);
	t->epoch++;
	memset(buf, 0, sizeof(buf));
	info->version = TLS_1_3_VERSION;
	info->cipher_type = c->type;
	expand_label(t, "key", buf + c->key_off, c->key);
	expand_label(t, "iv", iv, sizeof(iv));
	if (c->salt + c->iv != sizeof(iv))
		die("a cipher without a 12-byte nonce", EINVAL);
	memcpy(buf + c->salt_off, iv, c->salt);
	memcpy(buf + c->iv_off, iv + c->salt, c->iv);
	if (setsockopt(fd, SOL_TLS, tx ? TLS_TX : TLS_RX, buf, c->size))
		err = -errno;
	else
		print_key(tx ? "tx" : "rx", t->epoch, buf);
	memset(buf, 0, sizeof(buf));
	return err;
}

/* kTLS without rekey refuses keys for a direction that has them. */
static void rekey_failed(int err)
{
	if (err == -EBUSY || err == -EEXIST || err == -EOPNOTSUPP) {
		fprintf(stderr, "tls_peer: this kernel's kTLS cannot rekey\n");
		exit(5);
	}
	die("installing the next keys", err);
}

/* KeyUpdate(update_not_requested), a handshake record through kTLS. */
static void send_key_update(int fd, struct traffic *t)
{
	static const uint8_t msg[] = { 24, 0, 0, 1, 0 };
	char cbuf[CMSG_SPACE(sizeof(uint8_t))] = { 0 };
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = sizeof(msg) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	int err;

	cm->cmsg_level = SOL_TLS;
	cm->cmsg_type = TLS_SET_RECORD_TYPE;
	cm->cmsg_len = CMSG_LEN(sizeof(uint8_t));
	*CMSG_DATA(cm) = 22;	/* handshake */
	if (sendmsg(fd, &mh, 0) != sizeof(msg))
		die("sending KeyUpdate", errno);
	err = traffic_update(fd, t, true);
	if (err)
		rekey_failed(err);
}

/* The peer's KeyUpdate, the next record: then its next keys for RX. */
static void recv_key_update(int fd, struct traffic *t)
{
	char cbuf[CMSG_SPACE(sizeof(uint8_t))];
	uint8_t msg[16];
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n;
	int err;

	n = recvmsg(fd, &mh, 0);
	if (n < 0)
		die("reading KeyUpdate", errno);
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_level != SOL_TLS || cm->cmsg_type != TLS_GET_RECORD_TYPE ||
	    *CMSG_DATA(cm) != 22 || n != 5 || msg[0] != 24 || msg[3] != 1 || msg[4] > 1)
		die("expected a KeyUpdate record", EPROTO);
	err = traffic_update(fd, t, false);
	if (err)
		rekey_failed(err);
}

/*
 * After the exchange: each end that sends a KeyUpdate does so and writes
 * one message with its new keys; the other reads the KeyUpdate, installs
 * its next RX keys and reads that message.
 */
static void rekey_exchange(int fd)
{
	bool mine = o.server ? o.update_server : o.update_client;
	bool theirs = o.server ? o.update_client : o.update_server;
	const char *sent = o.server ? "after rekey from the server" :
				      "after rekey from the client";
	const char *got = o.server ? "after rekey from the client" :
				     "after rekey from the server";
	struct traffic out, in;
	char buf[64];
	int err;

	if ((!mine || !o.tx) && (!theirs || !o.rx))
		return;
	if (!o.tls13)
		die("KeyUpdate is TLS 1.3's", EINVAL);
	traffic_init(&out, !o.server);
	traffic_init(&in, o.server);
	if (o.rekey_file)
		wait_for("rekey", o.rekey_file);
	if (mine && o.tx) {
		send_key_update(fd, &out);
		err = send_all(fd, sent, strlen(sent));
		if (err)
			die("sending through kTLS after the rekey", err);
	}
	if (theirs && o.rx) {
		recv_key_update(fd, &in);
		err = recv_all(fd, buf, strlen(got));
		if (err)
			die("reading through kTLS after the rekey", err);
		if (memcmp(buf, got, strlen(got)))
			die("data through kTLS after the rekey differs", EBADMSG);
	}
}

/*
 * A Destination Options header holding one PadN option, on every segment
 * of @fd (an accepted socket inherits it from its listener). Checked
 * back, so that a test relying on it cannot pass without it.
 */
static void set_dstopts(int fd, int family)
{
	static const uint8_t opts[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };
	uint8_t back[16];
	socklen_t len = sizeof(back);

	if (family != AF_INET6)
		die("-E needs an IPv6 address", EINVAL);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_DSTOPTS, opts, sizeof(opts)))
		die("setting IPV6_DSTOPTS", errno);
	if (getsockopt(fd, IPPROTO_IPV6, IPV6_DSTOPTS, back, &len))
		die("reading IPV6_DSTOPTS back", errno);
	if (len != sizeof(opts))
		die("IPV6_DSTOPTS did not stick", EINVAL);
}

int main(int argc, char **argv)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int fd, lfd, one = 1, opt;
	char *tok, *save;

	if (argc < 4 || (strcmp(argv[1], "server") && strcmp(argv[1], "client"))) {
		fprintf(stderr, "usage: tls_peer server|client ADDR PORT [OPTIONS]\n");
		return 2;
	}
	o.server = !strcmp(argv[1], "server");
	optind = 4;
	while ((opt = getopt(argc, argv, "23o:s:cCrSbEFDd:w:p:P:k:x:W:I:u:R:Ky:M:")) != -1) {
		switch (opt) {
		case '2':
			o.tls13 = false;
			break;
		case '3':
			o.tls13 = true;
			break;
		case 'o':
			for (tok = strtok_r(optarg, ",", &save); tok && o.n_offer < 64;
			     tok = strtok_r(NULL, ",", &save))
				o.offer[o.n_offer++] = strtoul(tok, NULL, 16);
			break;
		case 's':
			o.select = strtoul(optarg, NULL, 16);
			break;
		case 'c':
			o.consent = true;
			break;
		case 'C':
			o.force_echo = true;
			break;
		case 'r':
			o.hrr = true;
			break;
		case 'S':
			o.split = true;
			break;
		case 'b':
			o.bytewise = true;
			break;
		case 'E':
			o.dstopts = true;
			break;
		case 'F':
			o.fastopen = true;
			break;
		case 'D':
			o.dup = true;
			break;
		case 'd':
			o.tx = strcmp(optarg, "rx");
			o.rx = strcmp(optarg, "tx");
			break;
		case 'w':
			o.wait_file = optarg;
			break;
		case 'I':
			o.bind_dev = optarg;
			break;
		case 'M':
			o.mark = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			o.pause_file = optarg;
			break;
		case 'W':
			o.hello_file = optarg;
			break;
		case 'P':
			o.between_file = optarg;
			break;
		case 'k':
			o.cipher = craft_cipher(optarg);
			if (!o.cipher) {
				fprintf(stderr, "tls_peer: unknown cipher %s\n", optarg);
				return 2;
			}
			break;
		case 'u':
			o.update_client = !strcmp(optarg, "client") || !strcmp(optarg, "both");
			o.update_server = !strcmp(optarg, "server") || !strcmp(optarg, "both");
			if (!o.update_client && !o.update_server) {
				fprintf(stderr, "tls_peer: -u client, server or both\n");
				return 2;
			}
			break;
		case 'R':
			o.rekey_file = optarg;
			break;
		case 'K':
			o.print_keys = true;
			break;
		case 'y':
			o.key_share = strtol(optarg, NULL, 0);
			break;
		case 'x':
			o.pad = strtoul(optarg, NULL, 0);
			if (o.pad > 3000) {
				fprintf(stderr, "tls_peer: at most 3000 bytes of padding\n");
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (!o.n_offer)
		o.offer[o.n_offer++] = o.tls13 ? 0x1301 : 0xc02f;
	if (getaddrinfo(argv[2], argv[3], &hints, &ai))
		die("resolving the address", EINVAL);

	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket", errno);
	if (o.dstopts)
		set_dstopts(fd, ai->ai_family);
	if (o.bind_dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o.bind_dev,
				     strlen(o.bind_dev) + 1))
		die("binding to the device", errno);
	if (o.mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &o.mark, sizeof(o.mark)))
		die("setting the mark", errno);
	if (o.server) {
		lfd = fd;
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (o.fastopen &&
		    setsockopt(lfd, IPPROTO_TCP, TCP_FASTOPEN, &one, sizeof(one)))
			die("setting TCP_FASTOPEN", errno);
		if (bind(lfd, ai->ai_addr, ai->ai_addrlen) || listen(lfd, 1))
			die("listening", errno);
		printf("listening\n");
		fflush(stdout);
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept", errno);
		close(lfd);
		handshake_server(fd);
	} else {
		int i;

		/* connect() returns at once; the first write sends the SYN */
		if (o.fastopen &&
		    setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one, sizeof(one)))
			die("setting TCP_FASTOPEN_CONNECT", errno);
		for (i = 0; connect(fd, ai->ai_addr, ai->ai_addrlen); i++) {
			if (i == 100)
				die("connecting", errno);
			usleep(50000);
		}
		handshake_client(fd);
	}
	if (!o.cipher)
		o.cipher = craft_cipher(suite_cipher(o.suite));
	exchange(fd);
	rekey_exchange(fd);
	if (o.wait_file) {
		wait_for("ready", o.wait_file);
		if (o.tx && o.rx)
			ping_pong(fd, o.server ? "second pong" : "second ping",
				  o.server ? "second ping" : "second pong");
	}
	close(fd);
	freeaddrinfo(ai);
	return 0;
}
