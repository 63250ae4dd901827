// SPDX-License-Identifier: GPL-2.0
/*
 * The collector: 'monctl collect'. Receives key records from exporters
 * over mutually authenticated TLS and writes each once, as one JSON line,
 * with the exporter's identity and address that the collector itself
 * establishes.
 *
 * One thread per connection, bounded: at most MAX_HANDSHAKES connections
 * that have not yet proved a certificate (a new one displaces the oldest,
 * so that idle connections cannot keep a genuine exporter out), each given
 * HANDSHAKE_SECS to do so, and at most MAX_EXPORTERS authenticated ones,
 * each closed after IDLE_SECS without a line (exporters send an empty line
 * every 30 s). Everything shared sits in &struct collector under its lock.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "collector.h"
#include "monctl.h"
#include "record.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_HANDSHAKES	64
#define MAX_EXPORTERS	256
#define HANDSHAKE_SECS	10
#define IDLE_SECS	120
#define MAX_REFUSED	16	/* refused records before a connection is closed */
#define OUT_MAX		(MON_RECORD_MAX + 2048)

struct conn;

/**
 * struct collector - the receiving side
 * @ctx: TLS context, read-only once the listener runs
 * @path: the output file, or NULL for standard output; with @retain, the
 *	prefix of one file per day, PATH.YYYY-MM-DD (UTC)
 * @retain: days of files kept (0: one file, kept)
 * @lock: protects everything below
 * @out: where records go, opened O_APPEND
 * @day: with @retain, the day (since the epoch) of @out
 * @cur: the name of @out
 * @stored: the (exporter, session, direction, installation time) of every
 *	record in the output, read back from it at start
 * @written: records written
 * @dups: records already stored, not written again
 * @refused: records refused
 * @refused_conns: connections refused (handshake, link rule, limits)
 * @limit: stop after this many written records (0: never)
 * @conns: the connections, authenticated or not
 */
struct collector {
	SSL_CTX *ctx;
	const char *path;
	unsigned long retain;
	pthread_mutex_t lock;
	int out;
	long day;
	char cur[PATH_MAX];
	struct mon_set stored;
	unsigned long written, dups, refused, refused_conns, limit;
	struct conn *conns[MAX_HANDSHAKES + MAX_EXPORTERS];
};

/**
 * struct conn - one exporter's connection
 * @c: the collector
 * @fd: the socket; closed by its thread only, after it left @c->conns
 * @authed: the exporter proved a certificate (under @c->lock)
 * @since: when it was accepted, to displace the oldest handshake
 * @addr: the exporter's address, IPv4-mapped ones as IPv4
 * @subject: the certificate's subject, RFC 2253
 * @san: the certificate's subject alternative names, a JSON array
 * @refused: records refused on this connection
 */
struct conn {
	struct collector *c;
	int fd;
	bool authed;
	struct timespec since;
	char addr[INET6_ADDRSTRLEN];
	char subject[512];
	json_t *san;
	unsigned int refused;
};

static volatile sig_atomic_t hup, stop;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		hup = 1;
	else
		stop = 1;
}

/* ---- the output file ------------------------------------------------------ */

/*
 * Key material: the file is this user's and nobody else's. An existing
 * file of another owner, or open to group or others, is refused rather
 * than fixed: someone else made it, or can read it already.
 */
static int open_out(const char *path)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
	if (fd < 0) {
		mon_err("collect: cannot open '%s': %s", path,
			errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		mon_err("collect: cannot stat '%s': %s", path, strerror(errno));
		goto bad;
	}
	if (!S_ISREG(st.st_mode)) {
		mon_err("collect: refusing '%s': not a regular file", path);
		goto bad;
	}
	if (st.st_uid != geteuid()) {
		mon_err("collect: refusing '%s': owned by uid %u, not by this user (uid %u)",
			path, (unsigned int)st.st_uid, (unsigned int)geteuid());
		goto bad;
	}
	if (st.st_mode & 077) {
		mon_err("collect: refusing '%s': mode %04o lets group or others in (0600 needed)",
			path, (unsigned int)(st.st_mode & 07777));
		goto bad;
	}
	return fd;
bad:
	close(fd);
	return -1;
}

/* The de-duplication key of a record: who sent it, and which key it is. */
static int dedup_key(char *buf, size_t n, const char *subject, json_t *rec)
{
	json_t *id = json_object_get(rec, "id"), *ns = json_object_get(rec, "installed_ns");
	const char *dir = json_string_value(json_object_get(rec, "direction"));

	if (!json_is_integer(id) || !json_is_integer(ns) || !dir)
		return -1;
	return snprintf(buf, n, "%s\x1f%lld\x1f%s\x1f%lld", subject,
			(long long)json_integer_value(id), dir,
			(long long)json_integer_value(ns)) >= (int)n ? -1 : 0;
}

/* A line the collector wrote before it restarted: remember its key. */
static void remember_line(struct collector *c, const char *line, size_t len)
{
	const char *subject;
	char key[768];
	json_t *rec;

	rec = json_loadb(line, len, 0, NULL);
	subject = json_string_value(json_object_get(rec, "exporter_subject"));
	if (subject && !dedup_key(key, sizeof(key), subject, rec))
		mon_set_add(&c->stored, key);
	json_decref(rec);
}

/*
 * Read back what the file holds, so that a restarted collector stores
 * nothing twice. A fixed buffer, wiped, since the lines hold keys.
 */
static int read_back(struct collector *c, int fd)
{
	static char buf[65536];
	size_t have = 0, start, i;
	off_t off = 0;
	ssize_t r;

	for (;;) {
		r = pread(fd, buf + have, sizeof(buf) - have, off);
		if (r < 0) {
			mon_err("collect: cannot read '%s' back: %s", c->cur, strerror(errno));
			explicit_bzero(buf, sizeof(buf));
			return -1;
		}
		off += r;
		have += r;
		for (start = 0, i = 0; i < have; i++)
			if (buf[i] == '\n') {
				remember_line(c, buf + start, i - start);
				start = i + 1;
			}
		if (!r || (start == 0 && have == sizeof(buf))) {
			/* the end, or a line longer than any record: skip it */
			if (!r)
				break;
			start = have;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
	}
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

static long today(void)
{
	return time(NULL) / 86400;
}

/* The file of @day: the path itself, or PATH.YYYY-MM-DD with --retain. */
static void day_path(const struct collector *c, long day, char *buf, size_t n)
{
	time_t t = day * 86400;
	struct tm tm;

	if (!c->retain || !gmtime_r(&t, &tm))
		snprintf(buf, n, "%s", c->path);
	else
		snprintf(buf, n, "%s.%04d-%02d-%02d", c->path, tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday);
}

/*
 * A day file past --retain: overwritten with zeros, synced, then removed,
 * so that its keys do not stay in the blocks the file system frees.
 * Only a regular file of this user is touched.
 */
static void wipe_remove(const char *path, unsigned long days)
{
	static const char zero[65536];
	struct stat st;
	off_t left;
	int fd;

	fd = open(path, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		mon_err("collect: not removing '%s': not a regular file of this user", path);
		if (fd >= 0)
			close(fd);
		return;
	}
	for (left = st.st_size; left > 0; ) {
		ssize_t w = write(fd, zero, left < (off_t)sizeof(zero) ? left : (off_t)sizeof(zero));

		if (w <= 0)
			break;
		left -= w;
	}
	if (left > 0 || fsync(fd))
		mon_err("collect: cannot overwrite '%s': %s", path, strerror(errno));
	close(fd);
	if (unlink(path))
		mon_err("collect: cannot remove '%s': %s", path, strerror(errno));
	else
		fprintf(stderr, "monctl: collect: removed '%s' (older than %lu days)\n", path, days);
}

/*
 * With --retain: remove the day files that are too old; at start
 * (@read_back), read the others back for de-duplication.
 */
static int prune(struct collector *c, bool read)
{
	char dir[PATH_MAX], base[PATH_MAX], full[PATH_MAX];
	struct dirent *d;
	size_t blen;
	DIR *dp;
	int ret = 0;

	snprintf(dir, sizeof(dir), "%s", c->path);
	snprintf(base, sizeof(base), "%s", c->path);
	dp = opendir(dirname(dir));
	if (!dp) {
		mon_err("collect: cannot read the directory of '%s': %s", c->path, strerror(errno));
		return -1;
	}
	snprintf(base, sizeof(base), "%s", basename(base));
	blen = strlen(base);
	while ((d = readdir(dp))) {
		struct tm tm = { 0 };
		int y, m, dd, n = 0;
		long day;

		if (strncmp(d->d_name, base, blen) || d->d_name[blen] != '.' ||
		    strlen(d->d_name + blen + 1) != 10 ||
		    sscanf(d->d_name + blen + 1, "%4d-%2d-%2d%n", &y, &m, &dd, &n) != 3 || n != 10)
			continue;
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = dd;
		day = timegm(&tm) / 86400;
		if (snprintf(full, sizeof(full), "%s/%s", dir, d->d_name) >= (int)sizeof(full))
			continue;
		if (day <= c->day - (long)c->retain) {
			wipe_remove(full, c->retain);
		} else if (read && day != c->day) {
			int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

			snprintf(c->cur, sizeof(c->cur), "%s", full);
			if (fd < 0 || read_back(c, fd))
				ret = -1;
			if (fd >= 0)
				close(fd);
		}
	}
	closedir(dp);
	return ret;
}

/* With --retain, a new day opens a new file and ends the oldest. */
static void roll(struct collector *c)
{
	char path[PATH_MAX];
	long day = today();
	int fd;

	if (!c->retain || day == c->day)
		return;
	day_path(c, day, path, sizeof(path));
	fd = open_out(path);
	if (fd < 0)
		return;		/* said why; records go on to the old file */
	close(c->out);
	c->out = fd;
	c->day = day;
	snprintf(c->cur, sizeof(c->cur), "%s", path);
	prune(c, false);
}

static void reopen_out(struct collector *c)
{
	char path[PATH_MAX];
	int fd;

	if (!c->path)
		return;
	pthread_mutex_lock(&c->lock);
	day_path(c, c->day, path, sizeof(path));
	fd = open_out(path);
	if (fd < 0) {
		mon_err("collect: keeping the file open before SIGHUP");
	} else {
		close(c->out);
		c->out = fd;
		snprintf(c->cur, sizeof(c->cur), "%s", path);
		fprintf(stderr, "monctl: collect: reopened '%s'\n", path);
	}
	pthread_mutex_unlock(&c->lock);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= w;
	}
	return 0;
}

static void summary(struct collector *c)
{
	fprintf(stderr, "monctl: collect: %lu records written, %lu already stored, %lu refused; %lu connections refused\n",
		c->written, c->dups, c->refused, c->refused_conns);
}

/* ---- one connection ------------------------------------------------------- */

static void set_timeout(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* The exporter's identity, as its (verified) certificate states it. */
static int identify(struct conn *cn, SSL *ssl)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	GENERAL_NAMES *gens;
	BIO *b;
	int i, n;

	if (!cert)
		return -1;
	b = BIO_new(BIO_s_mem());
	if (!b)
		goto bad;
	X509_NAME_print_ex(b, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
	n = BIO_read(b, cn->subject, sizeof(cn->subject) - 1);
	BIO_free(b);
	if (n <= 0 || n >= (int)sizeof(cn->subject) - 1)
		goto bad;
	cn->subject[n] = '\0';
	cn->san = json_array();
	gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens && i < sk_GENERAL_NAME_num(gens) && i < 8; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char s[300], a[INET6_ADDRSTRLEN];
		int len;

		if (g->type == GEN_DNS || g->type == GEN_URI || g->type == GEN_EMAIL) {
			len = ASN1_STRING_length(g->d.ia5);
			if (len > 255)
				continue;
			snprintf(s, sizeof(s), "%s:%.*s", g->type == GEN_DNS ? "DNS" :
				 g->type == GEN_URI ? "URI" : "email", len,
				 (const char *)ASN1_STRING_get0_data(g->d.ia5));
		} else if (g->type == GEN_IPADD) {
			len = ASN1_STRING_length(g->d.ip);
			if ((len != 4 && len != 16) ||
			    !inet_ntop(len == 4 ? AF_INET : AF_INET6,
				       ASN1_STRING_get0_data(g->d.ip), a, sizeof(a)))
				continue;
			snprintf(s, sizeof(s), "IP:%s", a);
		} else {
			continue;
		}
		json_array_append_new(cn->san, json_string(s));
	}
	GENERAL_NAMES_free(gens);
	X509_free(cert);
	return cn->san ? 0 : -1;
bad:
	X509_free(cert);
	return -1;
}

static void reply_refused(SSL *ssl, const char *why)
{
	char buf[300];
	int n = snprintf(buf, sizeof(buf), "refused %s\n", why);

	SSL_write(ssl, buf, n);
}

/*
 * One line from an authenticated exporter: check it, store it unless
 * already stored, acknowledge it. Return: -1 to close the connection.
 */
static int take_line(struct conn *cn, SSL *ssl, const char *line, size_t len)
{
	struct collector *c = cn->c;
	char why[200], key[768];
	char *out = NULL;
	json_t *rec, *o = NULL;
	size_t n;
	int ret = 0, fresh;

	if (!len)
		return 0;	/* the exporter's keepalive */
	rec = mon_record_parse(line, len, why, sizeof(why));
	if (rec) {
		o = json_pack("{s:s, s:s, s:O}", "exporter", cn->addr,
			      "exporter_subject", cn->subject, "exporter_san", cn->san);
		if (!o || json_object_update(o, rec) ||
		    dedup_key(key, sizeof(key), cn->subject, rec)) {
			snprintf(why, sizeof(why), "a record the collector cannot hold");
			json_decref(rec);
			rec = NULL;
		}
	}
	if (!rec) {
		pthread_mutex_lock(&c->lock);
		c->refused++;
		pthread_mutex_unlock(&c->lock);
		mon_err("collect: refused a record from %s (%s): %s (%lu refused)",
			cn->addr, cn->subject, why, c->refused);
		reply_refused(ssl, why);
		json_decref(o);
		return ++cn->refused >= MAX_REFUSED ? -1 : 0;
	}
	out = malloc(OUT_MAX);
	n = out ? json_dumpb(o, out, OUT_MAX - 1, JSON_COMPACT) : 0;
	if (!n || n > OUT_MAX - 1) {
		mon_err("collect: cannot format a record from %s", cn->addr);
		ret = -1;
		goto done;
	}
	out[n++] = '\n';
	pthread_mutex_lock(&c->lock);
	roll(c);
	fresh = mon_set_add(&c->stored, key);
	if (fresh == 1 && write_all(c->out, out, n)) {
		mon_err("collect: cannot write a record: %s", strerror(errno));
		fresh = -1;
	}
	if (fresh == 1)
		c->written++;
	else if (!fresh)
		c->dups++;
	if (fresh >= 0)
		SSL_write(ssl, "ok\n", 3);
	if (fresh == 1 && c->limit && c->written >= c->limit) {
		fsync(c->out);
		summary(c);
		exit(MON_EXIT_OK);
	}
	pthread_mutex_unlock(&c->lock);
	if (fresh < 0)
		ret = -1;
done:
	if (out) {
		explicit_bzero(out, OUT_MAX);
		free(out);
	}
	json_decref(o);
	json_decref(rec);
	return ret;
}

static void conn_forget(struct conn *cn)
{
	struct collector *c = cn->c;
	size_t i;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < ARRAY_SIZE(c->conns); i++)
		if (c->conns[i] == cn)
			c->conns[i] = NULL;
	pthread_mutex_unlock(&c->lock);
}

static void *conn_main(void *arg)
{
	struct conn *cn = arg;
	struct collector *c = cn->c;
	char *line = malloc(MON_RECORD_MAX + 1), chunk[4096];
	SSL *ssl = NULL;
	size_t n = 0;
	long v;
	int r, i;

	set_timeout(cn->fd, HANDSHAKE_SECS);
	/* the link rule first: nothing is read from a peer off the link */
	if (!line || mon_peer_check(cn->fd, "exporter", cn->addr))
		goto refused;
	ssl = SSL_new(c->ctx);
	if (!ssl)
		goto refused;
	SSL_set_fd(ssl, cn->fd);
	if (SSL_accept(ssl) != 1) {
		v = SSL_get_verify_result(ssl);
		if (v != X509_V_OK) {
			mon_err("collect: refusing exporter %s: its certificate is not trusted: %s",
				cn->addr, X509_verify_cert_error_string(v));
		} else {
			char what[128];

			snprintf(what, sizeof(what),
				 "collect: refusing exporter %s: TLS handshake failed", cn->addr);
			mon_ssl_err(what);
		}
		goto refused;
	}
	if (identify(cn, ssl)) {
		mon_err("collect: refusing exporter %s: cannot read its certificate", cn->addr);
		goto refused;
	}
	pthread_mutex_lock(&c->lock);
	cn->authed = true;
	pthread_mutex_unlock(&c->lock);
	set_timeout(cn->fd, IDLE_SECS);
	/*
	 * With TLS 1.3 the exporter's handshake ends before its certificate
	 * is checked here: it sends no key before it reads this line.
	 */
	if (SSL_write(ssl, "ready\n", 6) != 6)
		goto out;
	fprintf(stderr, "monctl: collect: exporter %s (%s) connected\n", cn->addr, cn->subject);
	for (;;) {
		r = SSL_read(ssl, chunk, sizeof(chunk));
		if (r <= 0)
			break;
		for (i = 0; i < r; i++) {
			if (chunk[i] != '\n') {
				if (n == MON_RECORD_MAX) {
					pthread_mutex_lock(&c->lock);
					c->refused++;
					pthread_mutex_unlock(&c->lock);
					mon_err("collect: refused a record from %s (%s): a line longer than %d bytes; closing (%lu refused)",
						cn->addr, cn->subject, MON_RECORD_MAX, c->refused);
					goto out;
				}
				line[n++] = chunk[i];
				continue;
			}
			if (take_line(cn, ssl, line, n))
				goto out;
			explicit_bzero(line, n);
			n = 0;
		}
		explicit_bzero(chunk, r);
	}
	fprintf(stderr, "monctl: collect: exporter %s (%s) disconnected\n", cn->addr, cn->subject);
	goto out;
refused:
	pthread_mutex_lock(&c->lock);
	c->refused_conns++;
	pthread_mutex_unlock(&c->lock);
out:
	explicit_bzero(chunk, sizeof(chunk));
	if (line) {
		explicit_bzero(line, MON_RECORD_MAX + 1);
		free(line);
	}
	if (ssl) {
		SSL_shutdown(ssl);
		SSL_free(ssl);
	}
	conn_forget(cn);
	close(cn->fd);
	json_decref(cn->san);
	free(cn);
	return NULL;
}

/*
 * Make room for @cn: a connection still in its handshake displaces the
 * oldest other one when MAX_HANDSHAKES are; shutdown() ends that one's
 * reads, and its thread cleans up. Return: -1 when no room is left.
 */
static int conn_admit(struct collector *c, struct conn *cn)
{
	size_t i, slot = SIZE_MAX, oldest = SIZE_MAX, pre = 0;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < ARRAY_SIZE(c->conns); i++) {
		struct conn *o = c->conns[i];

		if (!o) {
			if (slot == SIZE_MAX)
				slot = i;
			continue;
		}
		if (o->authed)
			continue;
		pre++;
		if (oldest == SIZE_MAX ||
		    o->since.tv_sec < c->conns[oldest]->since.tv_sec ||
		    (o->since.tv_sec == c->conns[oldest]->since.tv_sec &&
		     o->since.tv_nsec < c->conns[oldest]->since.tv_nsec))
			oldest = i;
	}
	if (pre >= MAX_HANDSHAKES && oldest != SIZE_MAX) {
		shutdown(c->conns[oldest]->fd, SHUT_RDWR);
		c->conns[oldest] = NULL;
		c->refused_conns++;
		if (slot == SIZE_MAX)
			slot = oldest;
	}
	if (slot != SIZE_MAX)
		c->conns[slot] = cn;
	pthread_mutex_unlock(&c->lock);
	return slot == SIZE_MAX ? -1 : 0;
}

static int tls_setup(struct collector *c, const struct fwd_opts *o)
{
	STACK_OF(X509_NAME) *names;

	c->ctx = SSL_CTX_new(TLS_server_method());
	if (!c->ctx)
		return -1;
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	/* OpenSSL wipes its record buffers: they hold the keys in clear */
	SSL_CTX_set_options(c->ctx, SSL_OP_CLEANSE_PLAINTEXT);
	/* exporters reconnect with a full handshake: no tickets to keep */
	SSL_CTX_set_num_tickets(c->ctx, 0);
	SSL_CTX_set_session_cache_mode(c->ctx, SSL_SESS_CACHE_OFF);
	if (SSL_CTX_use_certificate_chain_file(c->ctx, o->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(c->ctx, o->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(c->ctx) != 1) {
		mon_ssl_err("collect: cannot load the certificate and key");
		return -1;
	}
	/* mutual TLS: an exporter without a certificate of this CA is refused */
	if (SSL_CTX_load_verify_locations(c->ctx, o->client_ca, NULL) != 1) {
		mon_ssl_err("collect: cannot load the client CA file");
		return -1;
	}
	names = SSL_load_client_CA_file(o->client_ca);
	if (names)
		SSL_CTX_set_client_CA_list(c->ctx, names);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_purpose(c->ctx, X509_PURPOSE_SSL_CLIENT);
	return 0;
}

int collect_run(const struct fwd_opts *o)
{
	struct collector c = { .out = STDOUT_FILENO, .limit = o->count, .path = o->out,
			       .retain = o->retain };
	struct sigaction sa = { .sa_handler = on_signal };
	struct mon_endpoint ep;
	sigset_t block, orig;
	int lfd, one = 1;

	if (mon_endpoint_parse(o->listen, &ep)) {
		mon_err("collect: '%s' is not ADDR:PORT (numeric, IPv6 as [ADDR]:PORT)", o->listen);
		return MON_EXIT_USAGE;
	}
	mon_json_wipe_alloc();
	pthread_mutex_init(&c.lock, NULL);
	if (tls_setup(&c, o))
		return MON_EXIT_FAIL;
	if (o->out) {
		c.day = today();
		if (c.retain && prune(&c, true))
			return MON_EXIT_FAIL;
		day_path(&c, c.day, c.cur, sizeof(c.cur));
		c.out = open_out(c.cur);
		if (c.out < 0 || read_back(&c, c.out))
			return MON_EXIT_FAIL;
	}
	lfd = socket(ep.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    mon_set_ttl1(lfd, ep.family) ||
	    (ep.family == AF_INET6 && mon_set_ttl1(lfd, AF_INET)) ||
	    bind(lfd, (struct sockaddr *)&ep.ss, ep.len) || listen(lfd, 64)) {
		mon_err("collect: cannot listen on %s: %s", o->listen, strerror(errno));
		return MON_EXIT_FAIL;
	}
	/* signals reach the accepting thread only, between two accepts */
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fprintf(stderr, "monctl: collecting on %s (%zu records already stored)\n", o->listen,
		c.stored.n);
	mon_sd_notify("READY=1");
	while (!stop) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		struct conn *cn;
		pthread_t t;
		int fd;

		if (ppoll(&p, 1, NULL, &orig) < 0 && errno != EINTR)
			break;
		if (hup) {
			hup = 0;
			reopen_out(&c);
		}
		if (!(p.revents & POLLIN))
			continue;
		fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE ||
			    errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				continue;
			mon_err("collect: accept: %s", strerror(errno));
			return MON_EXIT_FAIL;
		}
		cn = calloc(1, sizeof(*cn));
		if (!cn) {
			close(fd);
			continue;
		}
		cn->c = &c;
		cn->fd = fd;
		clock_gettime(CLOCK_MONOTONIC, &cn->since);
		mon_unmap_v4(&ss);
		inet_ntop(ss.ss_family, ss.ss_family == AF_INET ?
			  (void *)&((struct sockaddr_in *)&ss)->sin_addr :
			  (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr, cn->addr,
			  sizeof(cn->addr));
		if (conn_admit(&c, cn)) {
			mon_err("collect: refusing exporter %s: %d connections are open",
				cn->addr, MAX_HANDSHAKES + MAX_EXPORTERS);
			close(fd);
			free(cn);
			continue;
		}
		if (pthread_create(&t, NULL, conn_main, cn)) {
			conn_forget(cn);
			close(fd);
			free(cn);
			continue;
		}
		pthread_detach(t);
	}
	pthread_mutex_lock(&c.lock);
	if (c.out != STDOUT_FILENO)
		fsync(c.out);
	summary(&c);
	return MON_EXIT_OK;
}
