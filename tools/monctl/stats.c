// SPDX-License-Identifier: GPL-2.0
/*
 * monctl stats: what tlsmon saw in the current namespace (or every one it
 * can be asked about), and what it refused; as text, JSON or the
 * Prometheus text exposition format.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* setns */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/genetlink.h>

#include "monctl.h"
#include "nl.h"
#include "print.h"

static const char *const stat_names[TLSMON_STATS_A_MAX + 1] = {
	[TLSMON_STATS_A_HANDSHAKES] = "handshakes",
	[TLSMON_STATS_A_PARSE_FAILURES] = "parse_failures",
	[TLSMON_STATS_A_KTLS_INSTALLS] = "ktls_installs",
	[TLSMON_STATS_A_TAGGED] = "tagged",
	[TLSMON_STATS_A_UNTAGGED] = "untagged",
	[TLSMON_STATS_A_PENDING_DROPS] = "pending_drops",
	[TLSMON_STATS_A_PENDING_EXPIRED] = "pending_expired",
	[TLSMON_STATS_A_NO_HANDSHAKE] = "no_handshake",
	[TLSMON_STATS_A_UNOFFERED_SUITE] = "unoffered_suite",
	[TLSMON_STATS_A_UNOFFERED_VERSION] = "unoffered_version",
	[TLSMON_STATS_A_UNSOLICITED_EXT] = "unsolicited_ext",
	[TLSMON_STATS_A_INSTALLS_MISSED] = "installs_missed",
	[TLSMON_STATS_A_PENDING] = "pending",
	[TLSMON_STATS_A_SESSIONS] = "sessions",
	[TLSMON_STATS_A_EXPORT_REFUSED] = "export_refused",
	[TLSMON_STATS_A_KEYS_EXPORTED] = "keys_exported",
	[TLSMON_STATS_A_CIPHER_MISMATCH] = "cipher_mismatch",
	[TLSMON_STATS_A_HELLO_CONFLICTS] = "hello_conflicts",
	[TLSMON_STATS_A_REKEYS] = "rekeys",
	[TLSMON_STATS_A_STATIC_KEY_SHARES] = "static_key_shares",
	[TLSMON_STATS_A_KEY_SHARES] = "key_shares",
};

/* What each counter means, for the Prometheus HELP line. */
static const char *const stat_help[TLSMON_STATS_A_MAX + 1] = {
	[TLSMON_STATS_A_HANDSHAKES] = "TLS handshakes read completely.",
	[TLSMON_STATS_A_PARSE_FAILURES] = "Handshakes whose bytes did not parse.",
	[TLSMON_STATS_A_KTLS_INSTALLS] = "kTLS installations seen.",
	[TLSMON_STATS_A_TAGGED] = "Sessions tagged as monitored.",
	[TLSMON_STATS_A_UNTAGGED] = "kTLS sessions not monitored.",
	[TLSMON_STATS_A_PENDING_DROPS] = "Watched handshakes dropped for room.",
	[TLSMON_STATS_A_PENDING_EXPIRED] = "Watched handshakes expired before kTLS was installed.",
	[TLSMON_STATS_A_NO_HANDSHAKE] = "Sessions not monitored: no handshake seen.",
	[TLSMON_STATS_A_UNOFFERED_SUITE] = "Sessions not monitored: a suite the client never offered.",
	[TLSMON_STATS_A_UNOFFERED_VERSION] = "Sessions not monitored: a version the client never offered.",
	[TLSMON_STATS_A_UNSOLICITED_EXT] = "Sessions not monitored: an extension the client never sent.",
	[TLSMON_STATS_A_INSTALLS_MISSED] = "kTLS installations the kernel probes could not observe, host-wide.",
	[TLSMON_STATS_A_PENDING] = "Handshakes being watched now.",
	[TLSMON_STATS_A_SESSIONS] = "Monitored sessions now.",
	[TLSMON_STATS_A_EXPORT_REFUSED] = "Key exports refused.",
	[TLSMON_STATS_A_KEYS_EXPORTED] = "Keys (one per session direction and key) that left the kernel.",
	[TLSMON_STATS_A_CIPHER_MISMATCH] = "Sessions not monitored: kTLS given another cipher or version than the suite's.",
	[TLSMON_STATS_A_HELLO_CONFLICTS] = "Sessions not monitored: a later segment contradicted the hello bytes read.",
};

/* Gauges (current sizes); every other counter only grows. */
static bool stat_gauge(int i)
{
	return i == TLSMON_STATS_A_PENDING || i == TLSMON_STATS_A_SESSIONS;
}


static int stats_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stats *st = data;
	const struct nlattr *a, *s;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != TLSMON_A_STATS)
			continue;
		mnl_attr_for_each_nested(s, a) {
			int t = mnl_attr_get_type(s);

			if (t <= TLSMON_STATS_A_PAD || t > TLSMON_STATS_A_MAX)
				continue;
			if (!mon_attr_valid(s, MNL_TYPE_U64, "counter")) {
				errno = EPROTO;
				return MNL_CB_ERROR;
			}
			st->v[t] = mnl_attr_get_u64(s);
			st->seen |= 1ULL << t;
		}
	}
	return MNL_CB_OK;
}

/* The counters of the namespace monctl is in now. */
static int stats_read(struct stats *st)
{
	struct mon_nl nl;
	int err;

	memset(st, 0, sizeof(*st));
	if (mon_nl_open(&nl))
		return -1;
	err = mon_nl_talk(&nl, mon_nl_request(&nl, TLSMON_CMD_STATS_GET, 0),
			  stats_msg_cb, st);
	mon_nl_close(&nl);
	if (err) {
		mon_nl_perror(&nl, "cannot read the statistics", err);
		return -1;
	}
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ns_stats *)a)->name, ((const struct ns_stats *)b)->name);
}

static bool same_ns(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * The module keeps no list of namespaces a reader could dump, so "all" is
 * the namespace monctl runs in and each one 'ip netns' names
 * (/run/netns): a namespace that has no name there (a container's, held
 * only by its processes) is not visited.
 */
static int stats_collect(bool all, struct ns_stats **out, size_t *n)
{
	struct stat self, init, sb;
	struct ns_stats *ns;
	size_t cap = 16;
	struct dirent *d;
	int home, ret = 0;
	DIR *dir;

	*n = 0;
	ns = calloc(cap, sizeof(*ns));
	if (!ns) {
		mon_err("stats: out of memory");
		return -1;
	}
	*out = ns;
	if (stat("/proc/self/ns/net", &self)) {
		mon_err("cannot read this network namespace: %s", strerror(errno));
		return -1;
	}
	snprintf(ns[0].name, sizeof(ns[0].name), "current");
	if (!stat("/proc/1/ns/net", &init) && same_ns(&self, &init))
		snprintf(ns[0].name, sizeof(ns[0].name), "host");
	if (stats_read(&ns[0].st))
		return -1;
	*n = 1;
	if (!all)
		goto named;
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		mon_err("cannot open this network namespace: %s", strerror(errno));
		return -1;
	}
	dir = opendir("/run/netns");
	while (dir && (d = readdir(dir))) {
		char path[300];
		int fd;

		if (d->d_name[0] == '.' || strlen(d->d_name) >= sizeof(ns->name))
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", d->d_name);
		if (stat(path, &sb))
			continue;
		if (same_ns(&sb, &self)) {
			/* monctl's own namespace, already read: its name */
			if (strcmp(ns[0].name, "host"))
				snprintf(ns[0].name, sizeof(ns[0].name), "%s", d->d_name);
			continue;
		}
		fd = open(path, O_RDONLY | O_CLOEXEC);
		/* a namespace deleted meanwhile is not an error */
		if (fd < 0)
			continue;
		if (setns(fd, CLONE_NEWNET)) {
			mon_err("cannot enter network namespace '%s': %s", d->d_name,
				strerror(errno));
			close(fd);
			ret = -1;
			continue;
		}
		close(fd);
		if (*n == cap) {
			struct ns_stats *nn = realloc(ns, 2 * cap * sizeof(*ns));

			if (!nn) {
				mon_err("stats: out of memory");
				ret = -1;
				break;
			}
			ns = nn;
			*out = ns;
			cap *= 2;
		}
		snprintf(ns[*n].name, sizeof(ns[*n].name), "%s", d->d_name);
		if (stats_read(&ns[*n].st))
			ret = -1;
		else
			(*n)++;
	}
	if (dir)
		closedir(dir);
	if (setns(home, CLONE_NEWNET)) {
		mon_err("cannot return to monctl's network namespace: %s", strerror(errno));
		ret = -1;
	}
	close(home);
	if (*n > 1)
		qsort(ns + 1, *n - 1, sizeof(*ns), name_cmp);
	return ret;
named:
	/* the name 'ip netns' gives the namespace monctl was run in */
	dir = opendir("/run/netns");
	while (dir && strcmp(ns[0].name, "host") && (d = readdir(dir))) {
		char path[300];

		snprintf(path, sizeof(path), "/run/netns/%s", d->d_name);
		if (d->d_name[0] != '.' && strlen(d->d_name) < sizeof(ns->name) &&
		    !stat(path, &sb) && same_ns(&sb, &self)) {
			snprintf(ns[0].name, sizeof(ns[0].name), "%s", d->d_name);
			break;
		}
	}
	if (dir)
		closedir(dir);
	return 0;
}

/* A label value: backslash, double quote and newline escaped. */
static void prom_label(const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			printf("\\%c", *v);
		else if (*v == '\n')
			printf("\\n");
		else
			putchar(*v);
	}
}

/*
 * The Prometheus text exposition format (version 0.0.4): one family per
 * counter, "tlsmon_NAME_total" for counters and "tlsmon_NAME" for gauges,
 * a netns label on each sample; installs_missed is the host's, once.
 */
static void stats_prometheus(const struct ns_stats *ns, size_t n)
{
	size_t j;
	int i;

	for (i = 0; i <= TLSMON_STATS_A_MAX; i++) {
		bool gauge = stat_gauge(i), host = i == TLSMON_STATS_A_INSTALLS_MISSED;
		const char *suffix = gauge ? "" : "_total";

		if (!stat_names[i])
			continue;
		for (j = 0; j < n && !(ns[j].st.seen & (1ULL << i)); j++)
			;
		if (j == n)
			continue;
		printf("# HELP tlsmon_%s%s %s\n", stat_names[i], suffix, stat_help[i]);
		printf("# TYPE tlsmon_%s%s %s\n", stat_names[i], suffix, gauge ? "gauge" : "counter");
		for (j = 0; j < n; j++) {
			if (!(ns[j].st.seen & (1ULL << i)))
				continue;
			printf("tlsmon_%s%s", stat_names[i], suffix);
			if (!host) {
				printf("{netns=\"");
				prom_label(ns[j].name);
				printf("\"}");
			}
			printf(" %llu\n", (unsigned long long)ns[j].st.v[i]);
			if (host)
				break;
		}
	}
}

static int stats_show(int argc, char **argv)
{
	bool all = false, prom = false;
	struct ns_stats *ns = NULL;
	struct mon_print p;
	size_t n = 0;
	int ret = MON_EXIT_OK;

	for (; argc > 0; argc--, argv++) {
		if (!strcmp(argv[0], "all")) {
			all = true;
		} else if (!strcmp(argv[0], "-o") || !strcmp(argv[0], "--output") ||
			   !strcmp(argv[0], "format")) {
			if (argc < 2 || (strcmp(argv[1], "prometheus") && strcmp(argv[1], "text") &&
					 strcmp(argv[1], "json"))) {
				mon_err("stats: %s takes prometheus, json or text%s%s%s", argv[0],
					argc < 2 ? "" : ", not '", argc < 2 ? "" : argv[1],
					argc < 2 ? "" : "'");
				return MON_EXIT_USAGE;
			}
			prom = !strcmp(argv[1], "prometheus");
			if (!strcmp(argv[1], "json"))
				mon_opts.json = true;
			argc--;
			argv++;
		} else {
			mon_err("stats show: unexpected argument '%s'", argv[0]);
			return MON_EXIT_USAGE;
		}
	}
	if (stats_collect(all, &ns, &n))
		ret = MON_EXIT_FAIL;
	if (!n) {
		free(ns);
		return MON_EXIT_FAIL;
	}
	if (prom) {
		stats_prometheus(ns, n);
	} else {
		print_init(&p, stdout, mon_opts.json, mon_opts.pretty);
		stats_print(&p, ns, n, all);
		print_end(&p);
	}
	free(ns);
	return ret;
}

/**
 * stats_print() - the counters as 'name: value' lines, or JSON
 * @p: the printer
 * @ns: the namespaces' counters, monctl's own first
 * @n: entries in @ns
 * @all: 'stats all': each namespace named, and installs_missed, which is
 *	the host's, once (last in text, first in JSON)
 */
void stats_print(struct mon_print *p, const struct ns_stats *ns, size_t n, bool all)
{
	bool missed = ns[0].st.seen & (1ULL << TLSMON_STATS_A_INSTALLS_MISSED);
	size_t k;
	int i;

	if (all) {
		open_json_object(p, NULL);
		if (missed)
			print_u64(p, PRINT_JSON, "installs_missed", NULL,
				  ns[0].st.v[TLSMON_STATS_A_INSTALLS_MISSED]);
		open_json_array(p, "namespaces");
	}
	for (k = 0; k < n; k++) {
		open_json_object(p, NULL);
		if (all)
			print_string(p, PRINT_ANY, "netns", k ? "\nnetns %s:\n" : "netns %s:\n",
				     ns[k].name);
		for (i = 0; i <= TLSMON_STATS_A_MAX; i++) {
			if (!stat_names[i] || !(ns[k].st.seen & (1ULL << i)))
				continue;
			if (all && i == TLSMON_STATS_A_INSTALLS_MISSED)
				continue;
			print_string(p, PRINT_FP, NULL, all ? "  %s: " : "%s: ", stat_names[i]);
			print_u64(p, PRINT_ANY, stat_names[i], "%llu\n", ns[k].st.v[i]);
		}
		close_json_object(p);
	}
	if (all) {
		close_json_array(p);
		if (missed)
			print_u64(p, PRINT_FP, NULL, "\nhost-wide:\n  installs_missed: %llu\n",
				  ns[0].st.v[TLSMON_STATS_A_INSTALLS_MISSED]);
		close_json_object(p);
	}
}

static void stats_usage(void)
{
	fprintf(stderr,
		"Usage: monctl [-j [-p]] stats [show] [all] [-o prometheus|json|text]\n"
		"       monctl stats help\n"
		"\n"
		"'all': every namespace tlsmon can be asked about: this one and each of\n"
		"'ip netns' (/run/netns). '-o prometheus': the Prometheus text format,\n"
		"a netns label on each sample, installs_missed (host-wide) once.\n"
		"keys_exported counts keys that left the kernel, each once.\n"
		"Counters of this network namespace: handshakes read, parse failures,\n"
		"kTLS installations, sessions tagged and not, handshakes dropped for room\n"
		"or expired, and why sessions were not monitored (cipher_mismatch: kTLS\n"
		"installed a cipher or version other than the negotiated suite's;\n"
		"hello_conflicts: a later segment contradicted the hello bytes read;\n"
		"rekeys: TLS 1.3 key updates of monitored sessions).\n");
}

static const struct mon_cmd stats_cmds[] = {
	{ "show", stats_show, "show the counters (default)" },
	{ NULL, NULL, NULL },
};

int do_stats(int argc, char **argv)
{
	/* options and "all" straight after "stats", as after "stats show" */
	if (argc == 0 || argv[0][0] == '-' || !strcmp(argv[0], "all") ||
	    !strcmp(argv[0], "format"))
		return stats_show(argc, argv);
	return mon_dispatch(stats_cmds, "stats", argc, argv, stats_usage);
}
