// SPDX-License-Identifier: GPL-2.0
/*
 * Load for the module: many kTLS connections between two network
 * namespaces, each a real TCP connection with a hand-made TLS 1.3
 * handshake, kTLS installed in both directions on both ends and one record
 * each way through it. Some are held open, the rest churn (connect,
 * handshake, kTLS, close) for a while. Meanwhile a listener in each
 * namespace counts the key events (TLSMON_CMD_KEYS_NEW) by socket cookie
 * and direction, and at the end every connection is checked against them.
 * The listeners follow the module through unloads and loads: on the
 * generic netlink controller's notice that the family is back, they join
 * its keys group again (and say how often at the end).
 *
 *   load -C CLIENT_NS -S SERVER_NS -a ADDR -p PORT [-n HELD] [-t SECONDS]
 *        [-U FILE] [-u K] [-m exact|atmost] [-w FILE]
 *        [-c CONNS] [-s PCT] [-k PCT] [-f FAILED] [-H]
 *
 *   -n HELD     connections opened first and held until the end
 *   -j N        open the held connections from N threads, each with its
 *               own listener (default 1)
 *   -t SECONDS  churn for this long once they are open
 *   -U FILE     and on after that until FILE exists, so that a test's
 *               other work during the churn gets done however slow the
 *               kernel (a debug kernel, a busy host)
 *   -u K        every K-th connection offers and selects an ordinary suite
 *               (TLS_AES_128_GCM_SHA256), the others a monitored one
 *               (TLS_AES_128_GCM_SHA256_MON); default 4
 *   -m exact    the policy is on, with export, throughout: every monitored
 *               connection's four key sets (two ends, TX and RX) arrive
 *               exactly once, no other (default); a churned connection is
 *               closed only once they did, as none is sent after a close
 *   -m atmost   the policy may change meanwhile: none arrives twice, none
 *               for an ordinary connection
 *   -w FILE     once the held connections are open print "held" and wait
 *               for FILE before churning
 *
 * Floors, so that a run in which little or nothing worked fails (a test
 * derives them from what its case must achieve):
 *
 *   -c CONNS    at least CONNS connections made (held and churned, with
 *               kTLS installed on both ends and a record each way)
 *   -s PCT      at least PCT % of the connections that offered a monitored
 *               suite monitored: a key event for at least one of its ends
 *   -k PCT      at least PCT % of the key sets those connections could
 *               have had (two ends, TX and RX) delivered
 *   -f FAILED   at most FAILED connections failed (-m atmost; -m exact
 *               fails on the first)
 *   -H          -m atmost: the held connections, opened before the churn
 *               and before anything changes, are checked exactly once
 *
 * For the benchmarks (make bench):
 *
 *   -L          no key listener and no checks (the module may be absent)
 *   -N          TCP_NODELAY on both ends, so that each handshake flight
 *               leaves at once instead of waiting for a delayed ACK
 *   -T N        once the held connections are open, time the kTLS
 *               installation (both directions, both ends) and the close of
 *               N more connections, one at a time: median in microseconds
 *   -B BYTES    bulk: one more connection streams BYTES from client to
 *               server in 16 KiB writes (16 KiB kTLS records); prints MB/s
 *   -P          with -B: plain TCP, no handshake and no kTLS
 *   -D          once the held connections are open, time a dump of every
 *               key of each namespace (TLSMON_CMD_KEYS_GET)
 *
 * With the listener on, the delay from each kTLS installation to its key
 * event's arrival is printed as median and 99th percentile.
 *
 * Prints one line of figures and "load: ok", or what was wrong; exit 0
 * only when every check held. A connection that fails (the namespace was
 * deleted, the server went away) is counted, not an error, in atmost mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/genetlink.h>
#include <linux/tls.h>
#include <linux/tlsmon.h>
#include <libmnl/libmnl.h>

#include "hs_craft.h"

#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

static struct {
	const char *cns, *sns, *addr, *wait_file, *until_file;
	unsigned int port, held, secs, unmon_every, timed, jobs;
	unsigned long long bulk;
	bool exact, no_listener, plain, dump, nodelay, held_exact;
	unsigned long min_conns, max_failed;
	unsigned int min_sessions_pct, min_keys_pct;
} o = { .unmon_every = 4, .exact = true, .jobs = 1, .max_failed = ~0ul };

static double now(void);

static void die(const char *what, int err)
{
	fprintf(stderr, "load: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static int ns_fd(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path, errno);
	return fd;
}

static int cns_fd, sns_fd, home_fd;

/* A socket created inside network namespace @nsfd. */
static int socket_in(int nsfd, int domain, int type, int proto)
{
	int fd, err;

	if (setns(nsfd, CLONE_NEWNET))
		return -errno;
	fd = socket(domain, type, proto);
	err = errno;
	if (setns(home_fd, CLONE_NEWNET))
		die("returning to the first namespace", errno);
	return fd < 0 ? -err : fd;
}

/* ---- key events ------------------------------------------------------ */

#define TABLE_BITS 20

/* Key events seen per socket cookie: tx and rx counts. */
static struct ent {
	uint64_t cookie;
	uint8_t tx, rx;
} table[1 << TABLE_BITS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long events, events_lost;

/* Installation to arrival of each key event, in nanoseconds. */
static uint64_t *lat;
static size_t n_lat, cap_lat;

static struct ent *ent_of(uint64_t cookie, bool add)
{
	size_t i = (cookie * 0x9e3779b97f4a7c15ull) >> (64 - TABLE_BITS);

	for (;; i = (i + 1) & ((1 << TABLE_BITS) - 1)) {
		if (table[i].cookie == cookie)
			return &table[i];
		if (!table[i].cookie) {
			if (!add)
				return NULL;
			table[i].cookie = cookie;
			return &table[i];
		}
	}
}

/*
 * A key listener: its netlink socket in one namespace, and the tlsmon
 * family's id there, which a reload of the module may change.
 */
struct listener {
	struct mnl_socket *nl;
	uint16_t family;
	char buf[1 << 16];
};

static struct listener lst[2];
static volatile bool stopping;
static unsigned long rejoins;

/**
 * struct family - what CTRL_CMD_GETFAMILY or a NEWFAMILY notice says
 * @group: name of the multicast group wanted
 * @name: the family's name
 * @id: the family's id
 * @grp: the id of @group, 0 if it has none
 */
struct family {
	const char *group;
	const char *name;
	uint16_t id;
	uint32_t grp;
};

static int family_cb(const struct nlattr *a, void *data)
{
	struct family *fam = data;
	const struct nlattr *g, *f;

	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		fam->id = mnl_attr_get_u16(a);
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME)
		fam->name = mnl_attr_get_str(a);
	if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(g, a) {
		uint32_t id = 0;
		const char *name = "";

		mnl_attr_for_each_nested(f, g) {
			if (mnl_attr_get_type(f) == CTRL_ATTR_MCAST_GRP_ID)
				id = mnl_attr_get_u32(f);
			if (mnl_attr_get_type(f) == CTRL_ATTR_MCAST_GRP_NAME)
				name = mnl_attr_get_str(f);
		}
		if (!strcmp(name, fam->group))
			fam->grp = id;
	}
	return MNL_CB_OK;
}

static int family_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return MNL_CB_OK;
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_cb, data);
}

/* Ask @l's namespace for family @fam->name and its group @fam->group. */
static void family_get(struct listener *l, struct family *fam)
{
	char req[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct genlmsghdr *genl;
	const char *name = fam->name;
	ssize_t n;
	int ret;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (mnl_socket_sendto(l->nl, nlh, nlh->nlmsg_len) < 0)
		die("asking for a generic netlink family", errno);
	n = mnl_socket_recvfrom(l->nl, l->buf, sizeof(l->buf));
	ret = n < 0 ? -1 : mnl_cb_run(l->buf, n, 1, 0, family_msg_cb, fam);
	if (ret < 0 || !fam->grp) {
		fprintf(stderr, "load: family %s or its group %s: ", name, fam->group);
		die("not found", ret < 0 ? errno : ENOENT);
	}
}

/*
 * A netlink socket of namespace @nsfd; @fam receives the tlsmon family's
 * id and its keys group.
 */
static void nl_open(struct listener *l, int nsfd, struct family *fam)
{
	int fd, size = 32 << 20;

	fd = socket_in(nsfd, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		die("netlink socket", fd);
	l->nl = mnl_socket_fdopen(fd);
	if (!l->nl || mnl_socket_bind(l->nl, 0, MNL_SOCKET_AUTOPID))
		die("binding the listener", errno);
	/* a listener that cannot keep up loses events: make room */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	*fam = (struct family){ .group = TLSMON_MCGRP_KEYS, .name = TLSMON_GENL_NAME };
	family_get(l, fam);
	l->family = fam->id;
}

static void join(struct listener *l, uint32_t grp)
{
	if (mnl_socket_setsockopt(l->nl, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		die("joining a multicast group", errno);
}

/*
 * Join the keys group on a netlink socket of namespace @nsfd, and the
 * generic netlink controller's notices: when the module is unloaded, the
 * family and its group go, and the listener joins them again once they
 * are back.
 */
static void listener_open(struct listener *l, int nsfd)
{
	struct family fam, ctrl = { .group = "notify", .name = "nlctrl" };

	nl_open(l, nsfd, &fam);
	family_get(l, &ctrl);
	join(l, fam.grp);
	join(l, ctrl.grp);
}

/* A controller notice: the tlsmon family is back (the module was loaded). */
static void family_notice(struct listener *l, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct family fam = { .group = TLSMON_MCGRP_KEYS, .name = "" };

	if (g->cmd != CTRL_CMD_NEWFAMILY)
		return;
	mnl_attr_parse(nlh, sizeof(*g), family_cb, &fam);
	if (strcmp(fam.name, TLSMON_GENL_NAME) || !fam.grp)
		return;
	l->family = fam.id;
	join(l, fam.grp);
	pthread_mutex_lock(&table_lock);
	rejoins++;
	pthread_mutex_unlock(&table_lock);
}

struct keys_msg {
	uint64_t cookie, installed;
	uint8_t dir;
};

static int dump_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	unsigned long *msgs = data;

	(*msgs)++;
	return MNL_CB_OK;
}

/*
 * Time a dump of every key of namespace @nsfd, as a reader with a 64 KiB
 * buffer sees it (the kernel then fills 32 KiB per round); prints the
 * sessions (messages) received.
 */
static void keys_dump(int nsfd, const char *name)
{
	static struct listener l;
	struct family fam;
	struct genlmsghdr *genl;
	unsigned long msgs = 0;
	struct nlmsghdr *nlh;
	double t0;
	int ret;

	nl_open(&l, nsfd, &fam);
	t0 = now();
	nlh = mnl_nlmsg_put_header(l.buf);
	nlh->nlmsg_type = fam.id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 2;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = TLSMON_CMD_KEYS_GET;
	genl->version = TLSMON_GENL_VERSION;
	if (mnl_socket_sendto(l.nl, nlh, nlh->nlmsg_len) < 0)
		die("asking for the keys", errno);
	do {
		ssize_t n = mnl_socket_recvfrom(l.nl, l.buf, sizeof(l.buf));

		if (n < 0)
			die("the key dump", errno);
		ret = mnl_cb_run(l.buf, n, 2, mnl_socket_get_portid(l.nl),
				 dump_msg_cb, &msgs);
	} while (ret > 0);
	if (ret < 0)
		die("the key dump", errno);
	printf("load: key dump of %s: %lu sessions in %.1f ms\n", name, msgs,
	       (now() - t0) * 1e3);
	mnl_socket_close(l.nl);
}

static int key_attr_cb(const struct nlattr *a, void *data)
{
	struct keys_msg *k = data;

	if (mnl_attr_get_type(a) == TLSMON_KEY_A_DIR)
		k->dir = mnl_attr_get_u8(a);
	if (mnl_attr_get_type(a) == TLSMON_KEY_A_INSTALLED_NS)
		k->installed = mnl_attr_get_u64(a);
	return MNL_CB_OK;
}

static int sess_attr_cb(const struct nlattr *a, void *data)
{
	uint64_t *cookie = data;

	if (mnl_attr_get_type(a) == TLSMON_SESSION_A_COOKIE)
		*cookie = mnl_attr_get_u64(a);
	return MNL_CB_OK;
}

static int keys_top_cb(const struct nlattr *a, void *data)
{
	struct keys_msg *k = data;

	if (mnl_attr_get_type(a) == TLSMON_A_SESSION)
		mnl_attr_parse_nested(a, sess_attr_cb, &k->cookie);
	if (mnl_attr_get_type(a) == TLSMON_A_KEY)
		mnl_attr_parse_nested(a, key_attr_cb, k);
	return MNL_CB_OK;
}

static int keys_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct keys_msg k = { 0, 0, 0 };
	struct timespec ts;
	struct ent *e;

	if (g->cmd != TLSMON_CMD_KEYS_NEW)
		return MNL_CB_OK;
	clock_gettime(CLOCK_REALTIME, &ts);
	mnl_attr_parse(nlh, sizeof(*g), keys_top_cb, &k);
	pthread_mutex_lock(&table_lock);
	events++;
	if (n_lat == cap_lat) {
		cap_lat = cap_lat ? 2 * cap_lat : 65536;
		lat = realloc(lat, cap_lat * sizeof(*lat));
		if (!lat)
			die("memory", ENOMEM);
	}
	lat[n_lat++] = ts.tv_sec * 1000000000ull + ts.tv_nsec - k.installed;
	e = ent_of(k.cookie, true);
	if (k.dir == TLSMON_DIR_TX)
		e->tx++;
	else if (k.dir == TLSMON_DIR_RX)
		e->rx++;
	pthread_mutex_unlock(&table_lock);
	return MNL_CB_OK;
}

static int listener_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct listener *l = data;

	if (nlh->nlmsg_type == GENL_ID_CTRL)
		family_notice(l, nlh);
	else if (nlh->nlmsg_type == l->family)
		return keys_msg_cb(nlh, NULL);
	return MNL_CB_OK;
}

static void *listen_thread(void *arg)
{
	struct pollfd p[2];
	int i;

	for (i = 0; i < 2; i++) {
		p[i].fd = mnl_socket_get_fd(lst[i].nl);
		p[i].events = POLLIN;
	}
	while (!stopping) {
		if (poll(p, 2, 100) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (!(p[i].revents & POLLIN))
				continue;
			n = recv(p[i].fd, lst[i].buf, sizeof(lst[i].buf), MSG_DONTWAIT);
			if (n < 0 && errno == ENOBUFS) {
				pthread_mutex_lock(&table_lock);
				events_lost++;
				pthread_mutex_unlock(&table_lock);
				continue;
			}
			if (n > 0)
				mnl_cb_run(lst[i].buf, n, 0, 0, listener_msg_cb, &lst[i]);
		}
	}
	return NULL;
}

/* ---- connections ----------------------------------------------------- */

struct conn {
	int c, s;
	uint64_t cc, sc;
	bool monitored, held;
};

/* Each thread that opens connections has its own listener. */
static __thread int lfd;
static __thread struct sockaddr_in srv;
static __thread double last_install_us;

static const struct craft_cipher *cipher;

static int read_rec(int fd, struct craft *c)
{
	uint8_t h[5];
	int err = recv_all(fd, h, 5);
	size_t len;

	if (err)
		return err;
	len = h[3] << 8 | h[4];
	if (len > sizeof(c->b))
		return -EPROTO;
	c->n = len;
	err = recv_all(fd, c->b, len);
	return err ?: h[0];
}

static uint64_t cookie_of(int fd)
{
	uint64_t v = 0;
	socklen_t l = sizeof(v);

	getsockopt(fd, SOL_SOCKET, SO_COOKIE, &v, &l);
	return v;
}

/* One connection through handshake, kTLS both ways and a record each way. */
static int conn_open(struct conn *k, bool monitored)
{
	uint16_t suite = monitored ? TLSMON_SUITE_AES_128_GCM_SHA256 : 0x1301;
	struct craft out = { .n = 0 }, in;
	char buf[8];
	int err, one = 1;
	double t0;

	k->c = k->s = -1;
	k->held = false;
	k->monitored = monitored;
	k->c = socket_in(cns_fd, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (k->c < 0)
		return k->c;
	if (connect(k->c, (void *)&srv, sizeof(srv)))
		return -errno;
	k->s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (k->s < 0)
		return -errno;
	/*
	 * Each flight is one small write: without -N, Nagle's algorithm
	 * holds some for the peer's delayed ACK (40 ms), and a connection
	 * rate would measure timers, not the work done per connection.
	 */
	if (o.nodelay) {
		setsockopt(k->c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(k->s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	if (o.plain)
		return 0;
	craft_client_hello(&out, true, &suite, 1, false, false, 0);
	err = send_all(k->c, out.b, out.n);
	if (!err)
		err = read_rec(k->s, &in) == 22 ? 0 : -EPROTO;
	out.n = 0;
	craft_server_hello(&out, true, suite, false, false);
	craft_encrypted(&out, 32);
	if (!err)
		err = send_all(k->s, out.b, out.n);
	if (!err)
		err = read_rec(k->c, &in) == 22 ? 0 : -EPROTO;
	if (!err)
		err = read_rec(k->c, &in) == 23 ? 0 : -EPROTO;
	out.n = 0;
	craft_encrypted(&out, 32);
	if (!err)
		err = send_all(k->c, out.b, out.n);
	if (!err)
		err = read_rec(k->s, &in) == 23 ? 0 : -EPROTO;
	t0 = now();
	if (!err)
		err = ktls_ulp(k->c) ?: ktls_install(k->c, cipher, true, true, true) ?:
		      ktls_install(k->c, cipher, true, false, false);
	if (!err)
		err = ktls_ulp(k->s) ?: ktls_install(k->s, cipher, true, true, false) ?:
		      ktls_install(k->s, cipher, true, false, true);
	last_install_us = (now() - t0) * 1e6;
	if (!err)
		err = send_all(k->c, "ping", 4) ?: recv_all(k->s, buf, 4) ?:
		      send_all(k->s, "pong", 4) ?: recv_all(k->c, buf, 4);
	if (!err && memcmp(buf, "pong", 4))
		err = -EBADMSG;
	k->cc = cookie_of(k->c);
	k->sc = cookie_of(k->s);
	return err;
}

static void conn_close(struct conn *k)
{
	if (k->c >= 0)
		close(k->c);
	if (k->s >= 0)
		close(k->s);
	k->c = k->s = -1;
}

static struct conn *conns;
static unsigned long n_conns, cap_conns, failed;

static void record(const struct conn *k)
{
	if (n_conns == cap_conns) {
		cap_conns = cap_conns ? 2 * cap_conns : 4096;
		conns = realloc(conns, cap_conns * sizeof(*conns));
		if (!conns)
			die("memory", ENOMEM);
	}
	conns[n_conns++] = *k;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * -m exact: the module sends no key event once its socket is closed, so a
 * churned monitored connection stays open until its four key sets have
 * arrived, or 5 s have passed (the check then reports what is missing).
 */
static void keys_arrived(const struct conn *k)
{
	double t0 = now();
	bool all;

	if (!o.exact || o.no_listener || !k->monitored)
		return;
	for (;;) {
		const struct ent *c, *s;

		pthread_mutex_lock(&table_lock);
		c = ent_of(k->cc, false);
		s = ent_of(k->sc, false);
		all = c && s && c->tx && c->rx && s->tx && s->rx;
		pthread_mutex_unlock(&table_lock);
		if (all || now() - t0 > 5)
			return;
		usleep(200);
	}
}

/* -U: whether its file exists (or there is none to wait for) */
static bool until_reached(void)
{
	struct stat st;

	return !o.until_file || !stat(o.until_file, &st);
}

static bool next_monitored(unsigned long i)
{
	return !o.unmon_every || i % o.unmon_every != o.unmon_every - 1;
}

/* ---- the checks ------------------------------------------------------ */

static unsigned int check(void)
{
	unsigned long i, bad = 0, mon = 0, sets = 0, unknown = 0, j, tagged = 0;
	unsigned long floors = 0;

	for (i = 0; i < n_conns; i++) {
		const struct conn *k = &conns[i];
		uint64_t cks[2] = { k->cc, k->sc };
		unsigned long conn_sets = 0;

		mon += k->monitored;
		for (j = 0; j < 2; j++) {
			struct ent *e = ent_of(cks[j], false);
			unsigned int tx = e ? e->tx : 0, rx = e ? e->rx : 0;
			bool ok;

			if (e)
				e->cookie |= 1ull << 63;	/* claimed */
			sets += tx + rx;
			conn_sets += tx + rx;
			if (!k->monitored)
				ok = !tx && !rx;
			else if (o.exact || (o.held_exact && k->held))
				ok = tx == 1 && rx == 1;
			else
				ok = tx <= 1 && rx <= 1;
			if (!ok && bad++ < 10)
				fprintf(stderr, "load: %s connection %lu, %s cookie %llu: %u TX and %u RX key events\n",
					k->monitored ? "monitored" : "ordinary", i,
					j ? "server" : "client",
					(unsigned long long)cks[j], tx, rx);
		}
		tagged += k->monitored && conn_sets;
	}
	for (i = 0; i < (1u << TABLE_BITS); i++)
		if (table[i].cookie && !(table[i].cookie >> 63))
			unknown++;
	printf("load: %lu connections (%lu monitored, %lu failed), %lu key events, %lu of ours, %lu lost to overruns, %lu for unknown sockets\n",
	       n_conns, mon, failed, events, sets, events_lost, unknown);
	if (rejoins)
		printf("load: the keys group joined again %lu times (the module was loaded again)\n",
		       rejoins);
	if (unknown)
		fprintf(stderr, "load: key events for %lu sockets that are not ours\n", unknown);
	if (events_lost)
		fprintf(stderr, "load: the listener lost events (ENOBUFS %lu times)\n", events_lost);
	printf("load: %lu of %lu connections that offered a monitored suite monitored, %lu of %lu key sets delivered\n",
	       tagged, mon, sets, 4 * mon);
	if (n_conns < o.min_conns) {
		fprintf(stderr, "load: %lu connections made, fewer than the %lu required\n",
			n_conns, o.min_conns);
		floors++;
	}
	if (tagged * 100 < (unsigned long long)mon * o.min_sessions_pct || (o.min_sessions_pct && !mon)) {
		fprintf(stderr, "load: %lu of %lu connections monitored, fewer than the %u %% required\n",
			tagged, mon, o.min_sessions_pct);
		floors++;
	}
	if (sets * 100 < 4ull * mon * o.min_keys_pct || (o.min_keys_pct && !mon)) {
		fprintf(stderr, "load: %lu of %lu key sets delivered, fewer than the %u %% required\n",
			sets, 4 * mon, o.min_keys_pct);
		floors++;
	}
	if (failed > o.max_failed) {
		fprintf(stderr, "load: %lu connections failed, more than the %lu allowed\n",
			failed, o.max_failed);
		floors++;
	}
	return bad + unknown + events_lost + floors;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Install and close times of @n more connections, with the table as it is. */
static void timed(unsigned int n, unsigned long first)
{
	double *inst = calloc(n, sizeof(double)), *cl = calloc(n, sizeof(double));
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct conn k;
		double t0;
		int err = conn_open(&k, next_monitored(first + i));

		if (err)
			die("a timed connection", err);
		inst[i] = last_install_us;
		t0 = now();
		conn_close(&k);
		cl[i] = (now() - t0) * 1e6;
	}
	qsort(inst, n, sizeof(double), cmp_dbl);
	qsort(cl, n, sizeof(double), cmp_dbl);
	printf("load: with %u held: kTLS installation (4 directions) median %.0f us, close of both ends median %.0f us (%u connections)\n",
	       o.held, inst[n / 2], cl[n / 2], n);
	free(inst);
	free(cl);
}

struct bulk_rx {
	int fd;
	unsigned long long want, got;
	double end;
};

static void *bulk_reader(void *arg)
{
	struct bulk_rx *r = arg;
	static char buf[1 << 16];

	while (r->got < r->want) {
		ssize_t n = recv(r->fd, buf, sizeof(buf), 0);

		if (n <= 0)
			break;
		r->got += n;
	}
	r->end = now();
	return NULL;
}

/* One connection streaming @bytes from client to server. */
static int bulk(unsigned long long bytes, unsigned long idx)
{
	static char chunk[16384];
	struct bulk_rx r = { .want = bytes };
	unsigned long long sent = 0;
	struct conn k;
	pthread_t th;
	double t0;
	int err = conn_open(&k, next_monitored(idx));

	if (err)
		die("the bulk connection", err);
	memset(chunk, 0x5a, sizeof(chunk));
	r.fd = k.s;
	if (pthread_create(&th, NULL, bulk_reader, &r))
		die("reader thread", errno);
	t0 = now();
	while (sent < bytes && !err) {
		size_t n = bytes - sent < sizeof(chunk) ? bytes - sent : sizeof(chunk);

		err = send_all(k.c, chunk, n);
		sent += n;
	}
	pthread_join(th, NULL);
	conn_close(&k);
	if (err || r.got != bytes)
		die("streaming", err ?: EPIPE);
	printf("load: bulk %s%s: %llu bytes in %.2f s, %.1f MB/s\n",
	       o.plain ? "plain TCP" : "kTLS aes-gcm-128",
	       o.plain ? "" : (next_monitored(idx) ? ", monitored suite" : ", ordinary suite"),
	       bytes, r.end - t0, bytes / (r.end - t0) / 1e6);
	return 0;
}

/* This thread's listener in the server namespace, on @port (0: any). */
static void listen_on(unsigned int port)
{
	socklen_t len = sizeof(srv);
	int one = 1;

	srv.sin_family = AF_INET;
	srv.sin_port = htons(port);
	if (inet_pton(AF_INET, o.addr, &srv.sin_addr) != 1)
		die("server address", EINVAL);
	lfd = socket_in(sns_fd, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("listening socket", lfd);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (void *)&srv, sizeof(srv)) || listen(lfd, 64) ||
	    getsockname(lfd, (void *)&srv, &len))
		die("listening", errno);
}

static struct conn *held;
static unsigned long held_ok;
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;

/* Opens held connections @from, @from + jobs, ... below o.held. */
static void *hold_thread(void *arg)
{
	unsigned long i, ok = 0, bad = 0;

	if ((uintptr_t)arg)
		listen_on(0);
	for (i = (uintptr_t)arg; i < o.held; i += o.jobs) {
		int err = conn_open(&held[i], next_monitored(i));

		if (err) {
			if (o.exact)
				die("opening a held connection", err);
			bad++;
			conn_close(&held[i]);
			continue;
		}
		ok++;
	}
	if ((uintptr_t)arg)
		close(lfd);
	pthread_mutex_lock(&held_lock);
	held_ok += ok;
	failed += bad;
	pthread_mutex_unlock(&held_lock);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th, *hold_th;
	unsigned long i = 0;
	double t0, t1;
	int opt;

	while ((opt = getopt(argc, argv, "C:S:a:p:n:j:t:U:u:m:w:LT:B:PDNc:s:k:f:H")) != -1) {
		switch (opt) {
		case 'C': o.cns = optarg; break;
		case 'S': o.sns = optarg; break;
		case 'a': o.addr = optarg; break;
		case 'p': o.port = atoi(optarg); break;
		case 'n': o.held = atoi(optarg); break;
		case 'j': o.jobs = atoi(optarg); break;
		case 't': o.secs = atoi(optarg); break;
		case 'U': o.until_file = optarg; break;
		case 'u': o.unmon_every = atoi(optarg); break;
		case 'm': o.exact = !strcmp(optarg, "exact"); break;
		case 'w': o.wait_file = optarg; break;
		case 'L': o.no_listener = true; break;
		case 'T': o.timed = atoi(optarg); break;
		case 'B': o.bulk = strtoull(optarg, NULL, 0); break;
		case 'P': o.plain = true; break;
		case 'D': o.dump = true; break;
		case 'N': o.nodelay = true; break;
		case 'c': o.min_conns = strtoul(optarg, NULL, 0); break;
		case 's': o.min_sessions_pct = atoi(optarg); break;
		case 'k': o.min_keys_pct = atoi(optarg); break;
		case 'f': o.max_failed = strtoul(optarg, NULL, 0); break;
		case 'H': o.held_exact = true; break;
		default:
			fprintf(stderr, "usage: load -C NS -S NS -a ADDR -p PORT [-n HELD [-j N]] [-t SECONDS [-U FILE]] [-u K] [-m exact|atmost] [-w FILE] [-c CONNS] [-s PCT] [-k PCT] [-f FAILED] [-H] [-L] [-N] [-T N] [-D] [-B BYTES [-P]]\n");
			return 2;
		}
	}
	if (!o.cns || !o.sns || !o.addr || !o.port) {
		fprintf(stderr, "load: -C, -S, -a and -p are required\n");
		return 2;
	}
	if (o.jobs < 1 || o.jobs > 64) {
		fprintf(stderr, "load: -j takes 1 to 64 threads\n");
		return 2;
	}
	cipher = craft_cipher("aes-gcm-128");
	home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	cns_fd = ns_fd(o.cns);
	sns_fd = ns_fd(o.sns);
	if (!o.no_listener) {
		listener_open(&lst[0], cns_fd);
		listener_open(&lst[1], sns_fd);
		if (pthread_create(&th, NULL, listen_thread, NULL))
			die("listener thread", errno);
	}

	listen_on(o.port);
	if (o.bulk)
		return bulk(o.bulk, o.held);

	held = calloc(o.held ?: 1, sizeof(*held));
	hold_th = calloc(o.jobs, sizeof(*hold_th));
	if (!held || !hold_th)
		die("memory", ENOMEM);
	t0 = now();
	for (i = 1; i < o.jobs; i++)
		if (pthread_create(&hold_th[i], NULL, hold_thread, (void *)(uintptr_t)i))
			die("hold thread", errno);
	hold_thread(NULL);
	for (i = 1; i < o.jobs; i++)
		pthread_join(hold_th[i], NULL);
	t1 = now();
	printf("load: %lu connections held, opened in %.1f s\n", held_ok, t1 - t0);
	if (o.timed)
		timed(o.timed, o.held);
	if (o.dump) {
		keys_dump(cns_fd, o.cns);
		keys_dump(sns_fd, o.sns);
	}
	if (o.wait_file) {
		struct stat st;

		printf("held\n");
		fflush(stdout);
		while (stat(o.wait_file, &st))
			usleep(100000);
	}
	fflush(stdout);

	t0 = now();
	for (i = o.held; now() - t0 < o.secs || !until_reached(); i++) {
		struct conn k;
		int err = conn_open(&k, next_monitored(i));

		if (err) {
			if (o.exact)
				die("a churning connection", err);
			failed++;
		} else {
			record(&k);
			keys_arrived(&k);
		}
		conn_close(&k);
	}
	t1 = now();
	printf("load: %lu connections churned in %.1f s (%.0f per second)\n",
	       n_conns, t1 - t0, n_conns / (t1 - t0 > 0 ? t1 - t0 : 1));
	for (i = 0; i < o.held; i++)
		if (held[i].c >= 0) {
			held[i].held = true;
			record(&held[i]);
		}

	if (o.no_listener) {
		for (i = 0; i < o.held; i++)
			conn_close(&held[i]);
		return 0;
	}
	/* events are sent shortly after the fact: let the last ones arrive */
	sleep(2);
	stopping = true;
	pthread_join(th, NULL);
	if (n_lat) {
		qsort(lat, n_lat, sizeof(*lat), cmp_u64);
		printf("load: key event latency from kTLS installation: median %.0f us, p99 %.0f us (%zu events)\n",
		       lat[n_lat / 2] / 1e3, lat[n_lat * 99 / 100] / 1e3, n_lat);
	}
	if (check()) {
		printf("load: FAILED\n");
		return 1;
	}
	for (i = 0; i < o.held; i++)
		conn_close(&held[i]);
	printf("load: ok\n");
	return 0;
}
