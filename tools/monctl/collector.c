// SPDX-License-Identifier: GPL-2.0
/*
 * Forwarding keys to a collector, and the collector:
 *
 *   monctl export --to ADDR:PORT --ca FILE [--name NAME] [--count N]
 *   monctl collect --listen ADDR:PORT --cert FILE --key FILE
 *                  [--out FILE] [--count N]
 *
 * The exporter sends every key record of this namespace (those already
 * held, then each new one as the kernel announces it) once, as a JSON
 * line, over TLS to a collector whose certificate it verifies. Both ends
 * ask the kernel's export rule about their connection to the other
 * (TLSMON_CMD_PEER_GET: an export link of the namespace's policy, no
 * gateway, tunnel or overlay) and send with IP TTL / IPv6 hop limit 1, so
 * that no route, however wrong, carries decryption information off the
 * local link. The collector writes each record as one JSON line, with
 * the exporter's address added.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "collector.h"
#include "json.h"
#include "monctl.h"
#include "nl.h"

#define MAX_LINE	8192

/* ---- options ------------------------------------------------------------ */

struct opts {
	const char *to, *listen, *ca, *name, *cert, *key, *out;
	unsigned long count;
};

/* "--name VALUE" pairs; returns -1 with the error printed. */
static int parse_opts(const char *cmd, int argc, char **argv, struct opts *o,
		      const char *const *allowed)
{
	for (; argc > 0; argc -= 2, argv += 2) {
		const char *const *a;
		char *end;

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
		if (!strcmp(argv[0], "--to"))
			o->to = argv[1];
		else if (!strcmp(argv[0], "--listen"))
			o->listen = argv[1];
		else if (!strcmp(argv[0], "--ca"))
			o->ca = argv[1];
		else if (!strcmp(argv[0], "--name"))
			o->name = argv[1];
		else if (!strcmp(argv[0], "--cert"))
			o->cert = argv[1];
		else if (!strcmp(argv[0], "--key"))
			o->key = argv[1];
		else if (!strcmp(argv[0], "--out"))
			o->out = argv[1];
		else if (!strcmp(argv[0], "--count")) {
			o->count = strtoul(argv[1], &end, 10);
			if (*end || !o->count || argv[1][0] == '-') {
				mon_err("%s: --count must be a positive number, not '%s'", cmd, argv[1]);
				return -1;
			}
		}
	}
	return 0;
}

static void ssl_err(const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e) {
		ERR_error_string_n(e, buf, sizeof(buf));
		mon_err("%s: %s", what, buf);
	} else {
		mon_err("%s", what);
	}
	ERR_clear_error();
}

/* ---- export --------------------------------------------------------------- */

/**
 * struct export_ctx - one exporter's connection (single-threaded)
 * @ssl: the TLS link to the collector
 * @sent: records sent
 * @limit: stop after this many (0: never)
 * @seen: the (session, direction) pairs already sent: the dump and the
 *	events overlap by design, and each key goes out once
 * @n_seen: entries in @seen
 * @cap_seen: room in @seen
 * @err: why sending stopped
 */
struct export_ctx {
	SSL *ssl;
	unsigned long sent, limit;
	struct { uint64_t id; uint8_t dir; } *seen;
	size_t n_seen, cap_seen;
	int err;
};

static bool seen_before(struct export_ctx *x, uint64_t id, uint8_t dir)
{
	size_t i;

	for (i = 0; i < x->n_seen; i++)
		if (x->seen[i].id == id && x->seen[i].dir == dir)
			return true;
	if (x->n_seen == x->cap_seen) {
		size_t cap = x->cap_seen ? 2 * x->cap_seen : 64;
		void *p = realloc(x->seen, cap * sizeof(*x->seen));

		if (!p)
			return false;
		x->seen = p;
		x->cap_seen = cap;
	}
	x->seen[x->n_seen].id = id;
	x->seen[x->n_seen++].dir = dir;
	return false;
}

static int send_record(struct export_ctx *x, const struct session *s, const struct key_rec *k)
{
	char *line = NULL;
	size_t len = 0;
	struct json j;
	FILE *f;
	int ok;

	f = open_memstream(&line, &len);
	if (!f)
		return -ENOMEM;
	json_init(&j, f, false);
	key_json(&j, NULL, s, k);
	json_end(&j);
	fclose(f);
	ok = SSL_write(x->ssl, line, len) == (int)len;
	OPENSSL_cleanse(line, len);
	free(line);
	return ok ? 0 : -EPIPE;
}

static int export_one(const struct session *s, const struct key_rec *k, void *data)
{
	struct export_ctx *x = data;

	if (seen_before(x, s->id, k->dir))
		return MNL_CB_OK;
	x->err = send_record(x, s, k);
	if (x->err)
		return MNL_CB_ERROR;
	if (x->limit && ++x->sent >= x->limit)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

/* A dump reply or a KEYS_NEW event: the same attributes. */
static int export_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	return key_msg_walk(nlh, export_one, data);
}

/*
 * The collector sends no records, but TLS may (session tickets, alerts):
 * read what is there without blocking and say whether the link is closed.
 */
static bool collector_gone(SSL *ssl, int fd)
{
	int flags = fcntl(fd, F_GETFL);
	bool gone = false;
	char buf[256];
	int r;

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	for (;;) {
		r = SSL_read(ssl, buf, sizeof(buf));
		if (r > 0)
			continue;
		r = SSL_get_error(ssl, r);
		gone = r != SSL_ERROR_WANT_READ && r != SSL_ERROR_WANT_WRITE;
		break;
	}
	ERR_clear_error();
	fcntl(fd, F_SETFL, flags);
	return gone;
}

static SSL *tls_connect(int fd, const struct opts *o, const struct mon_endpoint *ep,
			SSL_CTX **ctxp)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl;

	*ctxp = ctx;
	if (!ctx)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_load_verify_locations(ctx, o->ca, NULL) != 1) {
		ssl_err("export: cannot load the CA file");
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	ssl = SSL_new(ctx);
	if (!ssl)
		return NULL;
	SSL_set_fd(ssl, fd);
	/* the collector proves the name, or else the address, it was given */
	if (o->name) {
		SSL_set_tlsext_host_name(ssl, o->name);
		SSL_set1_host(ssl, o->name);
	} else {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ep->text);
	}
	if (SSL_connect(ssl) != 1) {
		long v = SSL_get_verify_result(ssl);

		if (v != X509_V_OK)
			mon_err("export: the collector's certificate is not trusted: %s",
				X509_verify_cert_error_string(v));
		else
			ssl_err("export: TLS handshake with the collector failed");
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

static int export_run(const struct opts *o)
{
	struct export_ctx x = { .limit = o->count };
	struct mon_endpoint ep;
	SSL_CTX *ctx = NULL;
	struct mon_nl nl;
	int fd = -1, group, err, ret = MON_EXIT_FAIL;

	if (mon_endpoint_parse(o->to, &ep)) {
		mon_err("export: '%s' is not ADDR:PORT (numeric, IPv6 as [ADDR]:PORT)", o->to);
		return MON_EXIT_USAGE;
	}
	if (mon_nl_open(&nl))
		return MON_EXIT_FAIL;
	/* events first, then the dump: nothing falls between the two */
	group = nl.keys_group;
	if (!group || mnl_socket_setsockopt(nl.sock, NETLINK_ADD_MEMBERSHIP, &group,
					    sizeof(group)) < 0) {
		mon_err("export: cannot listen to key events: %s%s", strerror(errno),
			errno == EPERM ? " (CAP_NET_ADMIN over this network namespace is needed)" : "");
		goto out;
	}
	fd = socket(ep.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || mon_set_ttl1(fd, ep.family)) {
		mon_err("export: socket: %s", strerror(errno));
		goto out;
	}
	if (connect(fd, (struct sockaddr *)&ep.ss, ep.len)) {
		mon_err("export: cannot connect to the collector %s: %s", o->to, strerror(errno));
		goto out;
	}
	/* before the first byte of the handshake, let alone a key */
	if (mon_peer_check(fd, "collector", ep.text))
		goto out;
	x.ssl = tls_connect(fd, o, &ep, &ctx);
	if (!x.ssl)
		goto out;
	fprintf(stderr, "monctl: forwarding keys to %s\n", o->to);

	err = mon_nl_talk(&nl, mon_nl_request(&nl, TLSMON_CMD_KEYS_GET, NLM_F_DUMP),
			  export_msg_cb, &x);
	if (err && !(x.limit && x.sent >= x.limit)) {
		if (x.err)
			mon_err("export: the collector closed the connection");
		else
			mon_nl_perror(&nl, "export: cannot read the keys", err);
		goto out;
	}
	while (!x.limit || x.sent < x.limit) {
		struct pollfd p[2] = {
			{ .fd = mnl_socket_get_fd(nl.sock), .events = POLLIN },
			{ .fd = fd, .events = POLLIN },
		};
		ssize_t len;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents && collector_gone(x.ssl, fd)) {
			mon_err("export: the collector closed the connection");
			goto out;
		}
		if (!p[0].revents)
			continue;
		len = mnl_socket_recvfrom(nl.sock, nl.buf, sizeof(nl.buf));
		if (len < 0) {
			mon_err("export: %s%s", strerror(errno),
				errno == ENOBUFS ? ": key events were lost" : "");
			goto out;
		}
		err = mnl_cb_run(nl.buf, len, 0, 0, export_msg_cb, &x);
		if (err == MNL_CB_STOP)
			break;
		if (err < 0) {
			mon_err("export: the collector closed the connection");
			goto out;
		}
	}
	ret = MON_EXIT_OK;
out:
	if (x.ssl) {
		SSL_shutdown(x.ssl);
		SSL_free(x.ssl);
	}
	SSL_CTX_free(ctx);
	if (fd >= 0)
		close(fd);
	free(x.seen);
	mon_nl_close(&nl);
	return ret;
}

static void export_usage(void)
{
	fprintf(stderr,
		"Usage: monctl [-n NETNS] export --to ADDR:PORT --ca FILE [--name NAME] [--count N]\n"
		"       monctl export help\n"
		"\n"
		"Forward every key record of this network namespace, those held now and\n"
		"each new one, once, as a JSON line over TLS to a collector ('monctl\n"
		"collect'). The collector's certificate must chain to the CA in FILE and\n"
		"name NAME, or else its address. A collector that is not on a directly\n"
		"connected subnet is refused, and every packet leaves with IP TTL (IPv6\n"
		"hop limit) 1. Needs CAP_NET_ADMIN and 'monctl policy set export on'.\n"
		"Stops after N records, or when the collector closes the connection.\n");
}

int do_export(int argc, char **argv)
{
	static const char *const allowed[] = { "--to", "--ca", "--name", "--count", NULL };
	struct opts o = { 0 };

	if (argc == 1 && !strcmp(argv[0], "help")) {
		export_usage();
		return MON_EXIT_OK;
	}
	if (parse_opts("export", argc, argv, &o, allowed))
		return MON_EXIT_USAGE;
	if (!o.to || !o.ca) {
		mon_err("export: --to ADDR:PORT and --ca FILE are needed");
		return MON_EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	return export_run(&o);
}

/* ---- collect -------------------------------------------------------------- */

/**
 * struct collector - the receiving side, shared by one thread per exporter
 * @ctx: TLS context, read-only once the listener runs
 * @out: where records go, opened O_APPEND
 * @written: records written so far, under @lock
 * @limit: stop after this many records (0: never)
 * @lock: one record is written at a time, whole, and counted
 */
struct collector {
	SSL_CTX *ctx;
	int out;
	unsigned long written, limit;
	pthread_mutex_t lock;
};

struct conn {
	struct collector *c;
	int fd;
	char peer[80];
};

/* A record as an exporter sends it: one flat JSON object on one line. */
static bool record_ok(const char *l, size_t n)
{
	size_t i;

	if (n < 2 || l[0] != '{' || l[n - 1] != '}')
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)l[i] < 0x20)
			return false;
	return true;
}

static void *conn_main(void *arg)
{
	struct conn *cn = arg;
	struct collector *c = cn->c;
	char *line = malloc(MAX_LINE + 256), *rec = malloc(MAX_LINE + 256);
	SSL *ssl = SSL_new(c->ctx);
	size_t n = 0;
	int r;

	if (!line || !rec || !ssl)
		goto out;
	SSL_set_fd(ssl, cn->fd);
	if (SSL_accept(ssl) != 1) {
		mon_err("collect: TLS handshake with %s failed", cn->peer);
		goto out;
	}
	for (;;) {
		r = SSL_read(ssl, line + n, 1);
		if (r <= 0)
			break;
		if (line[n] != '\n') {
			if (++n >= MAX_LINE) {
				mon_err("collect: %s sent a record longer than %d bytes; closing",
					cn->peer, MAX_LINE);
				break;
			}
			continue;
		}
		if (!record_ok(line, n)) {
			mon_err("collect: %s sent something that is not a key record; closing",
				cn->peer);
			break;
		}
		/* the exporter's address first, then the record's own fields */
		r = snprintf(rec, MAX_LINE + 256, "{\"exporter\":\"%s\",%.*s\n", cn->peer,
			     (int)(n - 1), line + 1);
		n = 0;
		pthread_mutex_lock(&c->lock);
		if (write(c->out, rec, r) != r)
			mon_err("collect: cannot write a record: %s", strerror(errno));
		c->written++;
		if (c->limit && c->written >= c->limit) {
			pthread_mutex_unlock(&c->lock);
			exit(MON_EXIT_OK);
		}
		pthread_mutex_unlock(&c->lock);
		OPENSSL_cleanse(rec, MAX_LINE + 256);
	}
out:
	if (line)
		OPENSSL_cleanse(line, MAX_LINE + 256);
	free(line);
	free(rec);
	if (ssl) {
		SSL_shutdown(ssl);
		SSL_free(ssl);
	}
	close(cn->fd);
	free(cn);
	return NULL;
}

static int collect_run(const struct opts *o)
{
	struct collector c = { .out = STDOUT_FILENO, .limit = o->count };
	struct mon_endpoint ep;
	int lfd, one = 1;

	if (mon_endpoint_parse(o->listen, &ep)) {
		mon_err("collect: '%s' is not ADDR:PORT (numeric, IPv6 as [ADDR]:PORT)", o->listen);
		return MON_EXIT_USAGE;
	}
	pthread_mutex_init(&c.lock, NULL);
	c.ctx = SSL_CTX_new(TLS_server_method());
	if (!c.ctx)
		return MON_EXIT_FAIL;
	SSL_CTX_set_min_proto_version(c.ctx, TLS1_2_VERSION);
	/* exporters reconnect with a full handshake: no tickets to keep */
	SSL_CTX_set_num_tickets(c.ctx, 0);
	if (SSL_CTX_use_certificate_chain_file(c.ctx, o->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(c.ctx, o->key, SSL_FILETYPE_PEM) != 1) {
		ssl_err("collect: cannot load the certificate and key");
		return MON_EXIT_FAIL;
	}
	if (o->out) {
		/* key material: readable by its owner only */
		c.out = open(o->out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (c.out < 0) {
			mon_err("collect: cannot open '%s': %s", o->out, strerror(errno));
			return MON_EXIT_FAIL;
		}
	}
	lfd = socket(ep.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    mon_set_ttl1(lfd, ep.family) || bind(lfd, (struct sockaddr *)&ep.ss, ep.len) ||
	    listen(lfd, 16)) {
		mon_err("collect: cannot listen on %s: %s", o->listen, strerror(errno));
		return MON_EXIT_FAIL;
	}
	fprintf(stderr, "monctl: collecting on %s\n", o->listen);
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		uint8_t addr[16];
		struct conn *cn;
		pthread_t t;
		int fd, family;

		fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
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
		family = ss.ss_family;
		if (family == AF_INET)
			memcpy(addr, &((struct sockaddr_in *)&ss)->sin_addr, 4);
		else
			memcpy(addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
		inet_ntop(family, addr, cn->peer, sizeof(cn->peer));
		/* accepted sockets inherit TTL 1; the exporter must be local too */
		if (mon_peer_check(fd, "exporter", cn->peer) ||
		    pthread_create(&t, NULL, conn_main, cn)) {
			close(fd);
			free(cn);
			continue;
		}
		pthread_detach(t);
	}
}

static void collect_usage(void)
{
	fprintf(stderr,
		"Usage: monctl collect --listen ADDR:PORT --cert FILE --key FILE [--out FILE]\n"
		"                      [--count N]\n"
		"       monctl collect help\n"
		"\n"
		"Receive key records from 'monctl export' over TLS and write each as one\n"
		"JSON line, with the exporter's address added, to FILE (created mode\n"
		"0600, appended to) or standard output. Exporters that are not on a\n"
		"directly connected subnet are refused; replies leave with IP TTL 1.\n"
		"Stops after N records.\n");
}

int do_collect(int argc, char **argv)
{
	static const char *const allowed[] = { "--listen", "--cert", "--key", "--out",
					       "--count", NULL };
	struct opts o = { 0 };

	if (argc == 1 && !strcmp(argv[0], "help")) {
		collect_usage();
		return MON_EXIT_OK;
	}
	if (parse_opts("collect", argc, argv, &o, allowed))
		return MON_EXIT_USAGE;
	if (!o.listen || !o.cert || !o.key) {
		mon_err("collect: --listen ADDR:PORT, --cert FILE and --key FILE are needed");
		return MON_EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	return collect_run(&o);
}
