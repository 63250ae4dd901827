// SPDX-License-Identifier: GPL-2.0
/*
 * Forwarding keys to a collector ('monctl export'), and the command lines
 * of export and collect (collect.c has the collector):
 *
 *   monctl export --to ADDR:PORT --ca FILE --cert FILE --key FILE
 *                 [--name NAME] [--count N]
 *   monctl collect --listen ADDR:PORT --cert FILE --key FILE
 *                  --client-ca FILE [--out FILE [--retain DAYS]] [--count N]
 *
 * The exporter sends every key record of this namespace (those already
 * held, then each new one as the kernel announces it) as a JSON line over
 * mutually authenticated TLS, once the collector said "ready" (it
 * accepted the exporter's certificate), and keeps each until the collector
 * acknowledges it ("ok" or "refused ..." per line). When the collector
 * goes away it reconnects with backoff, sends again what was not
 * acknowledged, and reads the keys held again; the collector stores each
 * (exporter, session, direction, installation time) once, so nothing is
 * lost and nothing repeated. Both ends ask the kernel's export rule about
 * their connection to the other (TLSMON_CMD_PEER_GET: an export link of
 * the namespace's policy, no gateway, tunnel or overlay) and send with IP
 * TTL / IPv6 hop limit 1, so that no route, however wrong, carries
 * decryption information off the local link.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "collector.h"
#include "monctl.h"
#include "nl.h"
#include "print.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define LINE_MAX_OUT	4096	/* a record as sent; MON_RECORD_MAX on the other end */
#define MAX_PENDING	65536	/* records held for the collector */
#define BACKOFF_MAX	30	/* seconds between two connection attempts, at most */
#define KEEPALIVE_SECS	30	/* an empty line when nothing else was sent */

/* ---- options ------------------------------------------------------------ */

/* "--name VALUE" pairs; returns -1 with the error printed. */
int fwd_parse_opts(const char *cmd, int argc, char **argv, struct fwd_opts *o,
		   const char *const *allowed)
{
	static const struct { const char *name; size_t off; } strs[] = {
		{ "--to", offsetof(struct fwd_opts, to) },
		{ "--listen", offsetof(struct fwd_opts, listen) },
		{ "--ca", offsetof(struct fwd_opts, ca) },
		{ "--client-ca", offsetof(struct fwd_opts, client_ca) },
		{ "--name", offsetof(struct fwd_opts, name) },
		{ "--cert", offsetof(struct fwd_opts, cert) },
		{ "--key", offsetof(struct fwd_opts, key) },
		{ "--out", offsetof(struct fwd_opts, out) },
	};
	for (; argc > 0; argc -= 2, argv += 2) {
		const char *const *a;
		char *end;
		size_t i;

		for (a = allowed; *a; a++)
			if (!strcmp(argv[0], *a))
				break;
		if (!*a) {
			mon_err("%s: unknown option '%s' (see 'monctl %s help')", cmd, argv[0], cmd);
			return -1;
		}
		if (argc < 2) {
			mon_err("%s: '%s' needs a value", cmd, argv[0]);
			return -1;
		}
		for (i = 0; i < ARRAY_SIZE(strs); i++)
			if (!strcmp(argv[0], strs[i].name))
				*(const char **)((char *)o + strs[i].off) = argv[1];
		if (!strcmp(argv[0], "--count")) {
			o->count = strtoul(argv[1], &end, 10);
			if (*end || !o->count || argv[1][0] == '-') {
				mon_err("%s: --count must be a positive number, not '%s'", cmd, argv[1]);
				return -1;
			}
		}
		if (!strcmp(argv[0], "--retain")) {
			o->retain = strtoul(argv[1], &end, 10);
			if (*end || !o->retain || o->retain > 3650 || argv[1][0] == '-') {
				mon_err("%s: --retain must be a number of days from 1 to 3650, not '%s'",
					cmd, argv[1]);
				return -1;
			}
		}
	}
	return 0;
}

/* ---- export --------------------------------------------------------------- */

/**
 * struct pending - a record the collector has not acknowledged yet
 * @next: the next one, in the order sent
 * @len: length of @line, its newline included
 * @line: the record as sent, key material included: wiped when freed
 */
struct pending {
	struct pending *next;
	size_t len;
	char line[];
};

/**
 * struct exporter - one exporter (single-threaded)
 * @o: its command line
 * @ep: the collector
 * @nl: the socket of the keys group's notices (no key material)
 * @fetch: the socket keys are read over (the dump, a fetch on each
 *	notice), so that no notice mixes with a reply; its buffer is wiped
 *	after use
 * @ctx: TLS context, kept across connections
 * @ssl: the TLS link to the collector, NULL while disconnected
 * @fd: its socket
 * @head: the oldest record not acknowledged
 * @unsent: the first record of @head's list not sent on this connection
 * @tail: the newest record
 * @n_pending: records in the list
 * @seen: the (session, direction, installation time) of every record
 *	queued: the dump and the events overlap by design
 * @acked: records the collector acknowledged
 * @lost: records dropped because MAX_PENDING were waiting
 * @need_dump: key events were lost (ENOBUFS), or no dump was read yet
 * @ack: a partial acknowledgment line
 * @ack_len: its length
 * @last_send: when the last line went out, for the keepalive
 * @last_check: when the link rule was last asked about the connection
 * @err: why sending stopped
 */
struct exporter {
	const struct fwd_opts *o;
	struct mon_endpoint ep;
	struct mon_nl nl;
	struct mon_nl fetch;
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;
	struct pending *head, *unsent, *tail;
	size_t n_pending;
	struct mon_set seen;
	unsigned long acked, lost;
	bool need_dump;
	char ack[320];
	size_t ack_len;
	time_t last_send, last_check;
	int err;
};

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void pending_free(struct pending *p)
{
	explicit_bzero(p->line, p->len);
	free(p);
}

static void disconnect(struct exporter *x)
{
	if (x->ssl) {
		SSL_shutdown(x->ssl);
		SSL_free(x->ssl);
		x->ssl = NULL;
	}
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
	x->ack_len = 0;
	/* whatever was not acknowledged goes again on the next connection */
	x->unsent = x->head;
}

static int flush_unsent(struct exporter *x)
{
	while (x->ssl && !x->err && x->unsent) {
		if (SSL_write(x->ssl, x->unsent->line, x->unsent->len) != (int)x->unsent->len) {
			ERR_clear_error();
			return -EPIPE;
		}
		x->last_send = now_s();
		x->unsent = x->unsent->next;
	}
	return 0;
}

/* The record of @s and @k as one JSON line, into a fixed buffer. */
static size_t format_record(char *buf, size_t n, const struct session *s,
			    const struct key_rec *k)
{
	struct mon_print p;
	size_t len;
	FILE *f;

	f = fmemopen(buf, n, "w");
	if (!f)
		return 0;
	/* no stdio buffer of its own: the key text stays in @buf alone */
	setvbuf(f, NULL, _IONBF, 0);
	print_init(&p, f, true, false);
	key_print(&p, NULL, s, k);
	print_end(&p);
	len = ftell(f);
	if (ferror(f) || len >= n - 1)
		len = 0;
	fclose(f);
	return len;
}

/* One key record, from the dump or an event: queue it once, send it. */
static int export_key(const struct session *s, const struct key_rec *k, void *data)
{
	struct exporter *x = data;
	char buf[LINE_MAX_OUT], id[64];
	struct pending *p;
	size_t len;

	snprintf(id, sizeof(id), "%llu/%u/%llu", (unsigned long long)s->id, k->dir,
		 (unsigned long long)k->installed_ns);
	if (mon_set_add(&x->seen, id) != 1)
		return MNL_CB_OK;
	len = format_record(buf, sizeof(buf), s, k);
	p = len ? malloc(sizeof(*p) + len) : NULL;
	if (!p) {
		explicit_bzero(buf, sizeof(buf));
		mon_err("export: cannot hold the record of session %llu", (unsigned long long)s->id);
		x->lost++;
		return MNL_CB_OK;
	}
	memcpy(p->line, buf, len);
	explicit_bzero(buf, sizeof(buf));
	p->len = len;
	p->next = NULL;
	if (x->n_pending >= MAX_PENDING) {
		/* never the case while the collector keeps up */
		struct pending *old = x->head;

		x->head = old->next;
		if (x->unsent == old)
			x->unsent = old->next;
		if (x->tail == old)
			x->tail = NULL;
		pending_free(old);
		x->n_pending--;
		x->lost++;
		mon_err("export: %d records wait for the collector: dropped the oldest (%lu lost)",
			MAX_PENDING, x->lost);
	}
	if (x->tail)
		x->tail->next = p;
	else
		x->head = p;
	x->tail = p;
	if (!x->unsent)
		x->unsent = p;
	x->n_pending++;
	/*
	 * A send that fails ends the connection once this message (maybe a
	 * dump) is read whole: the record stays queued for the next one.
	 */
	if (!x->err && flush_unsent(x))
		x->err = -EPIPE;
	return MNL_CB_OK;
}

/*
 * Where keys come from: a dump of those held, and a fetch of the keys
 * each notice of the keys group names (a notice carries none). Both
 * replies carry a session nest and its key nests, which key_msg_walk()
 * hands to export_key().
 */
static int export_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	return key_msg_walk(nlh, export_key, data);
}

/* Keys gone before the fetch (session closed, export off) are skipped. */
static int export_notice_cb(const struct nlmsghdr *nlh, void *data)
{
	struct exporter *x = data;
	struct session s;
	struct key_rec k;
	int ret;

	if (key_notice_parse(nlh, &s, &k))
		return MNL_CB_OK;
	ret = keys_fetch(&x->fetch, s.id, s.cookie, k.dir, export_key, x);
	if (ret == MNL_CB_ERROR && (errno == ENOENT || errno == EOPNOTSUPP))
		return MNL_CB_OK;
	return ret;
}

static int keys_dump(struct exporter *x)
{
	int err;

	err = mon_nl_talk(&x->fetch, mon_nl_request(&x->fetch, TLSMON_CMD_KEYS_GET, NLM_F_DUMP),
			  export_msg_cb, x);
	if (!err)
		x->need_dump = false;
	return err;
}

/* A message on the keys group, or -1 when reading failed for good. */
static int keys_event(struct exporter *x)
{
	ssize_t len;
	int err;

	len = mnl_socket_recvfrom(x->nl.sock, x->nl.buf, sizeof(x->nl.buf));
	if (len < 0) {
		if (errno == ENOBUFS) {
			/* events were lost: read every key held again */
			mon_err("export: key events were lost; reading the keys again");
			x->need_dump = true;
			return 0;
		}
		mon_err("export: %s", strerror(errno));
		return -1;
	}
	err = mnl_cb_run(x->nl.buf, len, 0, 0, export_notice_cb, x);
	explicit_bzero(x->nl.buf, len);
	if (err < 0) {
		mon_err("export: cannot fetch the keys of a key notice: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Acknowledgements: "ok" or "refused WHY", one per record, in order. */
static int read_acks(struct exporter *x)
{
	int flags = fcntl(x->fd, F_GETFL), r, ret = 0;
	char buf[256];

	fcntl(x->fd, F_SETFL, flags | O_NONBLOCK);
	for (;;) {
		int i;

		r = SSL_read(x->ssl, buf, sizeof(buf));
		if (r <= 0) {
			r = SSL_get_error(x->ssl, r);
			if (r != SSL_ERROR_WANT_READ && r != SSL_ERROR_WANT_WRITE)
				ret = -1;
			break;
		}
		for (i = 0; i < r; i++) {
			struct pending *p = x->head;

			if (buf[i] != '\n') {
				if (x->ack_len < sizeof(x->ack) - 1)
					x->ack[x->ack_len++] = buf[i];
				continue;
			}
			x->ack[x->ack_len] = '\0';
			x->ack_len = 0;
			if (!p || p == x->unsent) {
				mon_err("export: the collector acknowledged a record never sent");
				ret = -1;
				goto out;
			}
			if (strcmp(x->ack, "ok"))
				mon_err("export: the collector %s", x->ack);
			x->head = p->next;
			if (!x->head)
				x->tail = NULL;
			pending_free(p);
			x->n_pending--;
			x->acked++;
		}
	}
out:
	ERR_clear_error();
	if (x->fd >= 0)
		fcntl(x->fd, F_SETFL, flags);
	return ret;
}

static SSL_CTX *tls_client_ctx(const struct fwd_opts *o)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* OpenSSL wipes its record buffers: they hold the keys in clear */
	SSL_CTX_set_options(ctx, SSL_OP_CLEANSE_PLAINTEXT);
	if (SSL_CTX_load_verify_locations(ctx, o->ca, NULL) != 1) {
		mon_ssl_err("export: cannot load the CA file");
		goto bad;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		mon_ssl_err("export: cannot load the certificate and key");
		goto bad;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return ctx;
bad:
	SSL_CTX_free(ctx);
	return NULL;
}

/*
 * The collector's "ready" line says it accepted this exporter's
 * certificate; under TLS 1.3 a refusal arrives only as an alert, here.
 */
static int await_ready(SSL *ssl)
{
	char line[16];
	size_t n = 0;

	while (n < sizeof(line) - 1) {
		if (SSL_read(ssl, line + n, 1) != 1) {
			mon_ssl_err("export: the collector refused this exporter");
			return -1;
		}
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	if (strcmp(line, "ready")) {
		mon_err("export: the collector did not say it is ready");
		return -1;
	}
	return 0;
}

/* Connect, apply the link rule, shake hands; errors printed. */
static int export_connect(struct exporter *x)
{
	const struct fwd_opts *o = x->o;
	struct timeval tv = { .tv_sec = 30 };
	SSL *ssl;

	x->fd = socket(x->ep.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (x->fd < 0 || mon_set_ttl1(x->fd, x->ep.family)) {
		mon_err("export: socket: %s", strerror(errno));
		goto bad;
	}
	/* a collector that stops reading must not stop the exporter for good */
	setsockopt(x->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(x->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(x->fd, (struct sockaddr *)&x->ep.ss, x->ep.len)) {
		mon_err("export: cannot connect to the collector %s: %s", o->to, strerror(errno));
		goto bad;
	}
	/* before the first byte of the handshake, let alone a key */
	if (mon_peer_check(x->fd, "collector", x->ep.text))
		goto bad;
	ssl = SSL_new(x->ctx);
	if (!ssl)
		goto bad;
	SSL_set_fd(ssl, x->fd);
	/* the collector proves the name, or else the address, it was given */
	if (o->name) {
		SSL_set_tlsext_host_name(ssl, o->name);
		SSL_set1_host(ssl, o->name);
	} else {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), x->ep.text);
	}
	if (SSL_connect(ssl) != 1) {
		long v = SSL_get_verify_result(ssl);

		if (v != X509_V_OK)
			mon_err("export: the collector's certificate is not trusted: %s",
				X509_verify_cert_error_string(v));
		else
			mon_ssl_err("export: TLS handshake with the collector failed");
		SSL_free(ssl);
		goto bad;
	}
	if (await_ready(ssl)) {
		SSL_free(ssl);
		goto bad;
	}
	x->ssl = ssl;
	x->last_send = now_s();
	x->last_check = x->last_send;
	return 0;
bad:
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
	return -1;
}

static volatile sig_atomic_t export_stop;

static void export_on_signal(int sig)
{
	(void)sig;
	export_stop = 1;
}

static int export_run(const struct fwd_opts *o)
{
	struct exporter x = { .o = o, .fd = -1, .need_dump = true };
	struct sigaction sa = { .sa_handler = export_on_signal };
	time_t next_try = 0, backoff = 1;
	bool connected_once = false, ready = false;
	int group, err, ret = MON_EXIT_FAIL;
	struct pending *p;

	if (mon_endpoint_parse(o->to, &x.ep)) {
		mon_err("export: '%s' is not ADDR:PORT (numeric, IPv6 as [ADDR]:PORT)", o->to);
		return MON_EXIT_USAGE;
	}
	x.ctx = tls_client_ctx(o);
	if (!x.ctx)
		return MON_EXIT_FAIL;
	if (mon_nl_open(&x.nl)) {
		SSL_CTX_free(x.ctx);
		return MON_EXIT_FAIL;
	}
	if (mon_nl_open(&x.fetch)) {
		mon_nl_close(&x.nl);
		SSL_CTX_free(x.ctx);
		return MON_EXIT_FAIL;
	}
	/* events first, then the dump: nothing falls between the two */
	group = x.nl.keys_group;
	if (!group || mnl_socket_setsockopt(x.nl.sock, NETLINK_ADD_MEMBERSHIP, &group,
					    sizeof(group)) < 0) {
		mon_err("export: cannot listen to key events: %s%s", strerror(errno),
			errno == EPERM ? " (CAP_NET_ADMIN over this network namespace is needed)" : "");
		goto out;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!export_stop && (!o->count || x.acked < o->count)) {
		struct pollfd pf[2] = {
			{ .fd = mnl_socket_get_fd(x.nl.sock), .events = POLLIN },
			{ .fd = x.fd, .events = POLLIN },
		};
		time_t now = now_s();
		int timeout;

		if (!x.ssl && now >= next_try) {
			if (export_connect(&x)) {
				/* a first failure is an error of the set-up: say so */
				if (!connected_once)
					goto out;
				next_try = now + backoff;
				backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : backoff * 2;
				mon_err("export: trying again in %lds", (long)(next_try - now));
			} else {
				fprintf(stderr, "monctl: forwarding keys to %s%s\n", o->to,
					connected_once ? " again" : "");
				connected_once = true;
				x.unsent = x.head;
				x.err = 0;
				if (flush_unsent(&x))
					x.err = -EPIPE;
			}
		}
		if (x.ssl && !x.err && x.need_dump) {
			err = keys_dump(&x);
			if (err) {
				mon_nl_perror(&x.fetch, "export: cannot read the keys", err);
				goto out;
			}
			if (!ready) {
				mon_sd_notify("READY=1");
				ready = true;
			}
		}
		if (x.ssl && x.err) {
			mon_err("export: the collector closed the connection; reconnecting");
			disconnect(&x);
			/* one that accepts and fails at once is not retried at once */
			next_try = now_s() + backoff;
			backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : backoff * 2;
			continue;
		}
		if (o->count && x.acked >= o->count)
			break;
		pf[1].fd = x.fd;
		timeout = x.ssl ? KEEPALIVE_SECS * 1000 : (int)(next_try - now) * 1000;
		if (poll(pf, 2, timeout < 0 ? 0 : timeout) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[0].revents && keys_event(&x))
			goto out;
		if (x.ssl && !x.err && pf[1].revents && read_acks(&x))
			x.err = -EPIPE;
		else if (x.ssl && !x.err && pf[1].revents)
			backoff = 1;	/* the collector answers */
		/*
		 * Routes and links change: ask the rule again, as the kernel
		 * does at every export (TTL 1 holds meanwhile).
		 */
		if (x.ssl && !x.err && now_s() - x.last_check >= KEEPALIVE_SECS) {
			if (mon_peer_check(x.fd, "collector", x.ep.text))
				x.err = -EPERM;
			x.last_check = now_s();
		}
		if (x.ssl && !x.err && now_s() - x.last_send >= KEEPALIVE_SECS) {
			if (SSL_write(x.ssl, "\n", 1) != 1) {
				ERR_clear_error();
				x.err = -EPIPE;
			}
			x.last_send = now_s();
		}
	}
	ret = MON_EXIT_OK;
out:
	disconnect(&x);
	while ((p = x.head)) {
		x.head = p->next;
		pending_free(p);
	}
	SSL_CTX_free(x.ctx);
	mon_set_free(&x.seen);
	explicit_bzero(x.nl.buf, sizeof(x.nl.buf));
	mon_nl_close(&x.fetch);
	mon_nl_close(&x.nl);
	return ret;
}

static void export_usage(void)
{
	fprintf(stderr,
		"Usage: monctl [-n NETNS] export --to ADDR:PORT --ca FILE --cert FILE --key FILE\n"
		"                               [--name NAME] [--count N]\n"
		"       monctl export help\n"
		"\n"
		"Forward every key record of this network namespace, those held now and\n"
		"each new one, as a JSON line over mutually authenticated TLS to a\n"
		"collector ('monctl collect'). The collector's certificate must chain to\n"
		"the CA in --ca and name NAME, or else its address; the exporter presents\n"
		"--cert and --key. A collector that is not on an export link is refused,\n"
		"and every packet leaves with IP TTL (IPv6 hop limit) 1. When the\n"
		"collector goes away, the exporter reconnects (1 s to 30 s apart) and\n"
		"sends again what it did not acknowledge; only a failure of the first\n"
		"connection ends it. Needs CAP_NET_ADMIN and 'monctl policy set export on'.\n"
		"Stops after N records acknowledged.\n");
}

int do_export(int argc, char **argv)
{
	static const char *const allowed[] = { "--to", "--ca", "--cert", "--key", "--name",
					       "--count", NULL };
	struct fwd_opts o = { 0 };

	if (argc == 1 && !strcmp(argv[0], "help")) {
		export_usage();
		return MON_EXIT_OK;
	}
	if (fwd_parse_opts("export", argc, argv, &o, allowed))
		return MON_EXIT_USAGE;
	if (!o.to || !o.ca || !o.cert || !o.key) {
		mon_err("export: --to ADDR:PORT, --ca FILE, --cert FILE and --key FILE are needed");
		return MON_EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	return export_run(&o);
}

/* ---- collect -------------------------------------------------------------- */

static void collect_usage(void)
{
	fprintf(stderr,
		"Usage: monctl collect --listen ADDR:PORT --cert FILE --key FILE --client-ca FILE\n"
		"                      [--out FILE [--retain DAYS]] [--count N]\n"
		"       monctl collect help\n"
		"\n"
		"Receive key records from 'monctl export' over TLS and write each once as\n"
		"one JSON line, with the exporter's address and certificate identity\n"
		"added, to FILE (mode 0600, appended to; SIGHUP reopens it) or standard\n"
		"output. With --retain, one file per day (UTC), FILE.YYYY-MM-DD; files\n"
		"older than DAYS days are overwritten with zeros, then removed.\n"
		"Exporters must present a certificate of the CA in --client-ca\n"
		"and be on an export link; records that do not match the key record\n"
		"schema are refused and counted. Replies leave with IP TTL 1. Stops\n"
		"after N records written.\n");
}

int do_collect(int argc, char **argv)
{
	static const char *const allowed[] = { "--listen", "--cert", "--key", "--client-ca",
					       "--out", "--retain", "--count", NULL };
	struct fwd_opts o = { 0 };

	if (argc == 1 && !strcmp(argv[0], "help")) {
		collect_usage();
		return MON_EXIT_OK;
	}
	if (fwd_parse_opts("collect", argc, argv, &o, allowed))
		return MON_EXIT_USAGE;
	if (!o.listen || !o.cert || !o.key || !o.client_ca) {
		mon_err("collect: --listen ADDR:PORT, --cert FILE, --key FILE and --client-ca FILE are needed");
		return MON_EXIT_USAGE;
	}
	if (o.retain && !o.out) {
		mon_err("collect: --retain needs --out FILE");
		return MON_EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	return collect_run(&o);
}
