// SPDX-License-Identifier: GPL-2.0
/*
 * One end of a real OpenSSL 3 TLS connection with kernel TLS, taking part
 * in the monitoring signal through libtlsmon, for the guest tests:
 *
 *   ssl_peer server ADDR PORT -k CERT -K KEY [OPTIONS]
 *   ssl_peer client ADDR PORT -A CA [OPTIONS]
 *
 *   -2 / -3     TLS 1.2 / TLS 1.3 only (default 1.3)
 *   -c CIPHER   the one suite allowed: a TLS 1.3 ciphersuite name or a
 *               TLS 1.2 cipher name (OpenSSL's spelling)
 *   -C          client: offer the consent extension; server: echo it to a
 *               client that offers it (this server monitors)
 *   -P          plain OpenSSL: no libtlsmon at all, kTLS still enabled
 *   -X          client: refuse monitoring (TLSMON_LIB_REFUSE); a refused
 *               handshake prints "refused=BITS" (tlsmon_ssl_refused())
 *   -n BYTES    application bytes each way (default 4096): the client
 *               sends, the server reads them all, then answers as many
 *   -f          server: answer with SSL_sendfile() from a file
 *   -b BYTES    SO_SNDBUF of the connection after the handshake (default:
 *               the kernel's autotuning); see openssl.sh's sendfile case
 *   -o FILE     write the bytes received to FILE
 *   -m TEXT     send the line TEXT instead of the pattern, read one line
 *               from the peer and print it ("peer said: LINE")
 *   -w FILE     after the exchange print "ready" and wait for FILE
 *   -r SECONDS  connection rate (make bench): the client connects, shakes
 *               hands, exchanges BYTES each way with kTLS in both
 *               directions and closes, again and again for SECONDS, then
 *               prints "N connections in S s (R per second)" and the
 *               mean time of each phase of a connection; the server
 *               serves one connection after another until killed. Both
 *               ends set TCP_NODELAY, so that no flight waits for a
 *               delayed ACK
 *   -R          resume a session: with -r, the client resumes the first
 *               connection's session on every later one (an abbreviated
 *               handshake, no public-key operation) and fails if the
 *               server does not resume it. Without -r, both ends first
 *               make a connection of their own (a full handshake, 64
 *               bytes each way, closed; it prints "first handshake ...")
 *               and the connection the other options describe resumes
 *               its session: the client fails if the server did not
 *               resume it, the server if the client did not offer it;
 *               both print "session resumed"
 *   -Q          with -R and without -r: the first connection signals
 *               consent (as -C) whether or not the resumed one does
 *
 * It prints one line "handshake VERSION SUITE ktls=DIRS consent=BITS
 * monitored=yes|no reason=... cookie=N session=ID ets=none|present|malformed
 * fp=unchecked|match|mismatch" after the handshake, as the application
 * sees it through libtlsmon (the ETS fields by tlsmon_ssl_signals()),
 * and "received N bytes ok" when the peer's bytes are exactly the
 * expected pattern. Exit status 0 on success.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "libtlsmon.h"

static struct {
	bool server, tls12, consent, plain, sendfile, resume, refuse, first_consent;
	const char *cipher, *cert, *key, *ca, *out, *wait, *msg;
	size_t bytes;
	unsigned int repeat;
	int sndbuf;
} o = { .bytes = 4096 };

static void die(const char *what)
{
	fprintf(stderr, "ssl_peer %s: %s\n", o.server ? "server" : "client", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* The bytes each end sends: a pattern that differs by sender and offset. */
static unsigned char pattern(bool from_server, size_t i)
{
	return (unsigned char)((i * 131 + (i >> 9) * 7 + (from_server ? 0x5a : 0xa5)) & 0xff);
}

static void fill(unsigned char *buf, size_t off, size_t n, bool from_server)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = pattern(from_server, off + i);
}

static SSL_CTX *make_ctx(bool consent)
{
	SSL_CTX *ctx = SSL_CTX_new(o.server ? TLS_server_method() : TLS_client_method());
	int v = o.tls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
	int err;

	if (!ctx)
		die("SSL_CTX_new");
	SSL_CTX_set_min_proto_version(ctx, v);
	SSL_CTX_set_max_proto_version(ctx, v);
	if (o.cipher) {
		if (o.tls12 ? !SSL_CTX_set_cipher_list(ctx, o.cipher) :
			      !SSL_CTX_set_ciphersuites(ctx, o.cipher))
			die("unknown cipher");
	}
	if (o.plain) {
		SSL_CTX_set_options(ctx, SSL_OP_ENABLE_KTLS);
	} else {
		err = tlsmon_ssl_ctx_setup(ctx, consent ?
					   (o.server ? TLSMON_LIB_MONITOR : TLSMON_LIB_OFFER) :
					   o.refuse ? TLSMON_LIB_REFUSE : 0);
		if (err) {
			errno = -err;
			die("tlsmon_ssl_ctx_setup");
		}
	}
	if (o.server) {
		if (SSL_CTX_use_certificate_chain_file(ctx, o.cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(ctx, o.key, SSL_FILETYPE_PEM) != 1)
			die("loading the certificate and key");
	} else {
		if (SSL_CTX_load_verify_locations(ctx, o.ca, NULL) != 1)
			die("loading the CA");
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	return ctx;
}

static int tcp_socket(const char *addr, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int fd, one = 1;

	if (getaddrinfo(addr, port, &hints, &ai))
		die("bad address");
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (o.server) {
		int lfd = fd;

		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(lfd, ai->ai_addr, ai->ai_addrlen) || listen(lfd, 64))
			die("bind/listen");
		printf("listening\n");
		fflush(stdout);
		if (o.repeat || o.resume) {
			freeaddrinfo(ai);
			return lfd;
		}
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept");
		close(lfd);
	} else if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		die("connect");
	}
	freeaddrinfo(ai);
	return fd;
}

static void report(SSL *ssl, const char *what)
{
	int k = tlsmon_ssl_ktls(ssl), c = o.plain ? 0 : tlsmon_ssl_consent(ssl);
	static const char *const ets[] = { "none", "present", "malformed" };
	static const char *const fp[] = { "unchecked", "match", "mismatch" };
	struct tlsmon_signals sig = { .ets = 0 };
	struct tlsmon_status st;
	int mon = tlsmon_ssl_monitored(ssl, &st);

	if (mon < 0) {
		errno = -mon;
		die("asking the module");
	}
	if (!o.plain && tlsmon_ssl_signals(ssl, &sig) < 0)
		die("tlsmon_ssl_signals");
	printf("%s %s %s ktls=%s%s%s consent=%s%s%s monitored=%s reason=%s%s%s cookie=%llu session=%llu ets=%s fp=%s\n",
	       what, SSL_get_version(ssl), SSL_CIPHER_standard_name(SSL_get_current_cipher(ssl)),
	       k & TLSMON_LIB_DIR_TX ? "tx" : "", k == 3 ? "," : "",
	       k & TLSMON_LIB_DIR_RX ? "rx" : k ? "" : "none",
	       c & TLSMON_LIB_SENT ? "sent" : "", c == 3 ? "," : "",
	       c & TLSMON_LIB_RECEIVED ? "received" : c ? "" : "none",
	       mon ? "yes" : "no",
	       st.reason & TLSMON_LIB_REASON_SUITE ? "suite" : "",
	       st.reason == 3 ? "+" : "",
	       st.reason & TLSMON_LIB_REASON_CONSENT ? "consent" : st.reason ? "" : "none",
	       (unsigned long long)st.cookie, (unsigned long long)st.session_id,
	       ets[sig.ets % 3], fp[sig.ets_fingerprint % 3]);
	fflush(stdout);
}

static void send_pattern(SSL *ssl, size_t bytes)
{
	unsigned char buf[16384];
	size_t off = 0, n;
	int w;

	while (off < bytes) {
		n = bytes - off < sizeof(buf) ? bytes - off : sizeof(buf);
		fill(buf, off, n, o.server);
		w = SSL_write(ssl, buf, n);
		if (w <= 0)
			die("SSL_write");
		off += w;
	}
}

/* The server's answer through sendfile(): kTLS encrypts the page cache. */
static void sendfile_pattern(SSL *ssl)
{
	char path[] = "/tmp/ssl_peer.XXXXXX";
	unsigned char buf[16384];
	size_t off, n;
	ossl_ssize_t w;
	int fd = mkstemp(path);

	if (fd < 0)
		die("mkstemp");
	unlink(path);
	for (off = 0; off < o.bytes; off += n) {
		n = o.bytes - off < sizeof(buf) ? o.bytes - off : sizeof(buf);
		fill(buf, off, n, true);
		if (write(fd, buf, n) != (ssize_t)n)
			die("writing the file to send");
	}
	for (off = 0; off < o.bytes; off += w) {
		w = SSL_sendfile(ssl, fd, off, o.bytes - off, 0);
		if (w <= 0)
			die("SSL_sendfile (kTLS TX is needed)");
	}
	close(fd);
}

/* @bytes of the peer's pattern, written to @path if not NULL */
static void recv_pattern(SSL *ssl, size_t bytes, const char *path)
{
	unsigned char buf[16384];
	size_t off = 0, i;
	FILE *out = NULL;
	int r;

	if (path) {
		out = fopen(path, "w");
		if (!out)
			die("opening the output file");
	}
	while (off < bytes) {
		size_t want = bytes - off < sizeof(buf) ? bytes - off : sizeof(buf);

		r = SSL_read(ssl, buf, want);
		if (r <= 0)
			die("SSL_read: the peer's data ended early");
		for (i = 0; i < (size_t)r; i++)
			if (buf[i] != pattern(!o.server, off + i)) {
				fprintf(stderr, "ssl_peer: byte %zu differs\n", off + i);
				exit(1);
			}
		if (out && fwrite(buf, 1, r, out) != (size_t)r)
			die("writing the output file");
		off += r;
	}
	if (out && fclose(out))
		die("writing the output file");
}

/* A line each way, for people to read (the demonstration). */
static void send_line(SSL *ssl)
{
	size_t n = strlen(o.msg);
	char buf[1024];

	if (n + 1 > sizeof(buf))
		die("message too long");
	memcpy(buf, o.msg, n);
	buf[n++] = '\n';
	if (SSL_write(ssl, buf, n) != (int)n)
		die("SSL_write");
}

static void recv_line(SSL *ssl)
{
	char buf[1024];
	size_t n = 0;

	while (n < sizeof(buf) - 1) {
		if (SSL_read(ssl, buf + n, 1) != 1)
			die("SSL_read: the peer's line ended early");
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	printf("peer said: %s\n", buf);
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr, "usage: ssl_peer server|client ADDR PORT [-2|-3] [-c CIPHER] [-C] [-P]\n"
		"       [-n BYTES] [-f] [-b BYTES] [-o FILE] [-m TEXT] [-w FILE] [-r SECONDS] [-R [-Q]]\n"
		"       [-k CERT -K KEY | -A CA]\n");
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* -R: the session every connection after the first resumes (client). */
static SSL_SESSION *resume;
/* -R: the connection being made is not the first, and must be resumed */
static bool resuming;

/* A TLS connection on @fd, its handshake done. */
static SSL *handshake(SSL_CTX *ctx, int fd)
{
	SSL *ssl = SSL_new(ctx);

	if (!ssl || !SSL_set_fd(ssl, fd))
		die("SSL_new");
	if (!o.server && !SSL_set1_host(ssl, "tlsmon-test"))
		die("SSL_set1_host");
	if (resume && !SSL_set_session(ssl, resume))
		die("SSL_set_session");
	if ((o.server ? SSL_accept(ssl) : SSL_connect(ssl)) != 1) {
		if (!o.plain && tlsmon_ssl_refused(ssl))
			printf("refused=%d\n", tlsmon_ssl_refused(ssl));
		fflush(stdout);
		die("handshake failed");
	}
	if (resuming && !SSL_session_reused(ssl))
		die(o.server ? "the client did not resume the session" :
			       "the server did not resume the session");
	return ssl;
}

/*
 * -R: @ssl's exchange is over; the connections after it resume its
 * session. Taken only now: a TLS 1.3 server's tickets follow its
 * Finished, and the client reads them with the data.
 */
static void keep_session(SSL *ssl)
{
	if (!o.resume || resuming)
		return;
	resuming = true;
	if (o.server)
		return;
	resume = SSL_get1_session(ssl);
	if (!resume || !SSL_SESSION_is_resumable(resume))
		die("no resumable session from the first connection");
}

/*
 * -R without -r: the connection on @fd whose session the next one
 * resumes, with @ctx (its own with -Q).
 */
static void first_connection(SSL_CTX *ctx, int fd)
{
	SSL *ssl = handshake(ctx, fd);

	report(ssl, "first handshake");
	if (o.server) {
		recv_pattern(ssl, 64, NULL);
		send_pattern(ssl, 64);
	} else {
		send_pattern(ssl, 64);
		recv_pattern(ssl, 64, NULL);
	}
	keep_session(ssl);
	SSL_shutdown(ssl);
	SSL_free(ssl);
	close(fd);
}

/*
 * -Q, server: the first connection's context and the resumed one's are
 * two, and each encrypts session tickets with its own keys unless told
 * otherwise: @ctx takes @first's.
 */
static void share_ticket_keys(SSL_CTX *first, SSL_CTX *ctx)
{
	unsigned char keys[80];

	if (SSL_CTX_get_tlsext_ticket_keys(first, keys, sizeof(keys)) != 1 ||
	    SSL_CTX_set_tlsext_ticket_keys(ctx, keys, sizeof(keys)) != 1)
		die("sharing the session ticket keys");
	OPENSSL_cleanse(keys, sizeof(keys));
}

/* -r: time spent in each phase of the connections, summed (seconds) */
static double phase[4];

/* One connection of the rate run on @fd: every one must use kTLS both ways. */
static void rate_session(SSL_CTX *ctx, int fd)
{
	double t0 = now_s(), t1, t2;
	int one = 1;
	SSL *ssl;

	/*
	 * Each flight leaves at once: otherwise a flight that follows a
	 * write waits for the peer's delayed ACK (40 ms), and the rate
	 * measures that timer instead of the work.
	 */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("TCP_NODELAY");
	ssl = handshake(ctx, fd);
	t1 = now_s();
	phase[1] += t1 - t0;
	if (o.server) {
		recv_pattern(ssl, o.bytes, o.out);
		send_pattern(ssl, o.bytes);
	} else {
		send_pattern(ssl, o.bytes);
		recv_pattern(ssl, o.bytes, o.out);
	}
	t2 = now_s();
	keep_session(ssl);
	phase[2] += t2 - t1;
	/* OpenSSL turns kTLS on for reading once the handshake's last record is read */
	if (tlsmon_ssl_ktls(ssl) != (TLSMON_LIB_DIR_TX | TLSMON_LIB_DIR_RX))
		die("kTLS is not on in both directions");
	SSL_shutdown(ssl);
	SSL_free(ssl);
	close(fd);
	phase[3] += now_s() - t2;
}

/* -r: the connection rate, as make bench measures it. */
static int rate(SSL_CTX *ctx, const char *addr, const char *port)
{
	double start, end;
	unsigned long n = 0;
	int lfd, fd;

	if (o.server) {
		lfd = tcp_socket(addr, port);
		for (;;) {
			fd = accept(lfd, NULL, NULL);
			if (fd < 0)
				die("accept");
			rate_session(ctx, fd);
		}
	}
	start = now_s();
	end = start + o.repeat;
	do {
		double t = now_s();

		fd = tcp_socket(addr, port);
		phase[0] += now_s() - t;
		rate_session(ctx, fd);
		n++;
	} while (now_s() < end);
	end = now_s();
	printf("%lu connections in %.1f s (%.1f per second)\n", n, end - start,
	       n / (end - start));
	printf("per connection: connect %.0f us, handshake %.0f us, data %.0f us, close %.0f us\n",
	       phase[0] / n * 1e6, phase[1] / n * 1e6, phase[2] / n * 1e6,
	       phase[3] / n * 1e6);
	SSL_SESSION_free(resume);
	SSL_CTX_free(ctx);
	return 0;
}

int main(int argc, char **argv)
{
	SSL_CTX *ctx, *first = NULL;
	struct stat sb;
	int fd, lfd, c;
	SSL *ssl;

	if (argc < 4 || (strcmp(argv[1], "server") && strcmp(argv[1], "client")))
		usage();
	o.server = !strcmp(argv[1], "server");
	optind = 4;
	while ((c = getopt(argc, argv, "23c:CPXn:fb:o:m:w:r:RQk:K:A:")) != -1) {
		switch (c) {
		case '2':
			o.tls12 = true;
			break;
		case '3':
			o.tls12 = false;
			break;
		case 'c':
			o.cipher = optarg;
			break;
		case 'C':
			o.consent = true;
			break;
		case 'P':
			o.plain = true;
			break;
		case 'X':
			o.refuse = true;
			break;
		case 'n':
			o.bytes = strtoull(optarg, NULL, 0);
			break;
		case 'f':
			o.sendfile = true;
			break;
		case 'b':
			o.sndbuf = atoi(optarg);
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'm':
			o.msg = optarg;
			break;
		case 'w':
			o.wait = optarg;
			break;
		case 'r':
			o.repeat = atoi(optarg);
			break;
		case 'R':
			o.resume = true;
			break;
		case 'Q':
			o.first_consent = true;
			break;
		case 'k':
			o.cert = optarg;
			break;
		case 'K':
			o.key = optarg;
			break;
		case 'A':
			o.ca = optarg;
			break;
		default:
			usage();
		}
	}
	if ((o.server ? !o.cert || !o.key : !o.ca) ||
	    (o.first_consent && (!o.resume || o.repeat)))
		usage();

	ctx = make_ctx(o.consent);
	if (o.repeat)
		return rate(ctx, argv[2], argv[3]);
	fd = tcp_socket(argv[2], argv[3]);
	if (o.resume) {
		first = o.first_consent ? make_ctx(true) : ctx;
		if (o.server && first != ctx)
			share_ticket_keys(first, ctx);
		lfd = fd;
		if (o.server)
			fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept");
		first_connection(first, fd);
		fd = o.server ? accept(lfd, NULL, NULL) : tcp_socket(argv[2], argv[3]);
		if (fd < 0)
			die("accept");
		if (o.server)
			close(lfd);
	}
	ssl = handshake(ctx, fd);
	report(ssl, "handshake");
	if (o.sndbuf && setsockopt(SSL_get_fd(ssl), SOL_SOCKET, SO_SNDBUF,
				   &o.sndbuf, sizeof(o.sndbuf)))
		die("SO_SNDBUF");
	if (o.resume) {
		printf("session resumed\n");
		fflush(stdout);
	}

	if (o.msg && o.server) {
		recv_line(ssl);
		send_line(ssl);
	} else if (o.msg) {
		send_line(ssl);
		recv_line(ssl);
	} else if (o.server) {
		recv_pattern(ssl, o.bytes, o.out);
		printf("received %zu bytes ok\n", o.bytes);
		fflush(stdout);
		if (o.sendfile)
			sendfile_pattern(ssl);
		else
			send_pattern(ssl, o.bytes);
	} else {
		send_pattern(ssl, o.bytes);
		recv_pattern(ssl, o.bytes, o.out);
		printf("received %zu bytes ok\n", o.bytes);
		fflush(stdout);
	}
	if (o.wait) {
		printf("ready\n");
		fflush(stdout);
		while (stat(o.wait, &sb))
			usleep(20000);
	}
	SSL_shutdown(ssl);
	SSL_free(ssl);
	close(fd);
	SSL_SESSION_free(resume);
	if (first != ctx)
		SSL_CTX_free(first);
	SSL_CTX_free(ctx);
	return 0;
}
