// SPDX-License-Identifier: GPL-2.0
/*
 * monctl monitor: live events of the current namespace, one per line,
 * each with its time, until interrupted, like 'ip monitor'. Key material
 * only when 'keys' is named: the keys group carries notices, and the keys
 * of each are fetched over a second socket.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>

#include "monctl.h"
#include "nl.h"
#include "print.h"

/* What 'monctl monitor' shows: the objects named on its command line. */
#define MON_SHOW_SESSIONS	0x1
#define MON_SHOW_POLICY		0x2
#define MON_SHOW_KEYS		0x4

/**
 * struct monitor_ctx - one monitor's state
 * @count: events printed
 * @limit: stop after this many (0: never)
 * @show: MON_SHOW_* asked for
 * @fetch: with MON_SHOW_KEYS, the socket the keys are fetched over
 * @epoch: the epoch the notice being handled announced
 * @when: receipt time of the message being printed, as text
 * @p: the printer, each event a line of text or a JSON object
 */
struct monitor_ctx {
	unsigned long count, limit;
	unsigned int show;
	struct mon_nl *fetch;
	uint32_t epoch;
	char when[64];
	struct mon_print p;
};

/* The start of one event: its time first, in text and in JSON. */
static void monitor_event_open(struct monitor_ctx *ctx, const char *event)
{
	open_json_object(&ctx->p, NULL);
	print_string(&ctx->p, PRINT_ANY, "time", "[%s] ", ctx->when);
	print_string(&ctx->p, PRINT_JSON, "event", NULL, event);
}

static void monitor_event_close(struct monitor_ctx *ctx)
{
	close_json_object(&ctx->p);
	print_end(&ctx->p);
}

static int monitor_key(const struct session *s, const struct key_rec *k, void *data)
{
	struct monitor_ctx *ctx = data;

	/*
	 * The kernel holds only a direction's current keys: a KeyUpdate
	 * between the notice and the fetch returns the next epoch, which its
	 * own notice prints. Printing it here too would show it twice and
	 * label it as the epoch announced.
	 */
	if (k->epoch != ctx->epoch) {
		mon_err("monitor: keys of session %llu (%s) epoch %u were replaced by epoch %u before they were fetched",
			(unsigned long long)s->id,
			k->dir == TLSMON_DIR_TX ? "tx" : "rx", ctx->epoch,
			k->epoch);
		return MNL_CB_STOP;
	}
	monitor_event_open(ctx, "keys");
	print_string(&ctx->p, PRINT_FP, NULL, "%s", "keys: ");
	key_print(&ctx->p, "keys", s, k);
	monitor_event_close(ctx);
	return MNL_CB_OK;
}

/*
 * A notice that a direction's keys are kept: fetch them (the notice has
 * none). Keys that are gone by then (the session closed, export turned
 * off) are not an error of the monitor, nor an event it printed: that
 * returns MNL_CB_STOP, which the caller does not count.
 */
static int monitor_keys_notice(const struct nlmsghdr *nlh, struct monitor_ctx *ctx)
{
	struct session s;
	struct key_rec k;
	int ret;

	if (key_notice_parse(nlh, &s, &k)) {
		mon_err("monitor: a key notice does not parse");
		return MNL_CB_ERROR;
	}
	ctx->epoch = k.epoch;
	/* MNL_CB_STOP: replaced by the next epoch, printed by its notice */
	ret = keys_fetch(ctx->fetch, s.id, s.cookie, k.dir, monitor_key, ctx);
	if (ret != MNL_CB_ERROR)
		return ret;
	if (errno == ENOENT || errno == EOPNOTSUPP) {
		mon_err("monitor: keys of session %llu (%s) are no longer available: %s",
			(unsigned long long)s.id, k.dir == TLSMON_DIR_TX ? "tx" : "rx",
			ctx->fetch->err_msg[0] ? ctx->fetch->err_msg : strerror(errno));
		return MNL_CB_STOP;
	}
	mon_nl_perror(ctx->fetch, "monitor: cannot fetch keys", -errno);
	return MNL_CB_ERROR;
}

static int monitor_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct monitor_ctx *ctx = data;
	const struct nlattr *a;
	const char *what;

	switch (genl->cmd) {
	case TLSMON_CMD_POLICY_NTF: {
		struct policy p = { .n_suites = 0 };

		if (!(ctx->show & MON_SHOW_POLICY))
			return MNL_CB_OK;
		if (policy_msg_cb(nlh, &p) != MNL_CB_OK)
			return MNL_CB_ERROR;
		monitor_event_open(ctx, "policy");
		/* in text a summary, in JSON the whole policy */
		print_on_off(&ctx->p, PRINT_FP, NULL, "policy: monitoring %s, ", p.enabled);
		print_on_off(&ctx->p, PRINT_FP, NULL, "export %s, ", p.export);
		print_uint(&ctx->p, PRINT_FP, NULL, "%u suites", p.n_suites);
		print_nl(&ctx->p);
		print_mute_text(&ctx->p, true);
		policy_print(&ctx->p, "policy", &p);
		print_mute_text(&ctx->p, false);
		monitor_event_close(ctx);
		break;
	}
	case TLSMON_CMD_KEYS_NEW: {
		int ret;

		if (!(ctx->show & MON_SHOW_KEYS))
			return MNL_CB_OK;
		ret = monitor_keys_notice(nlh, ctx);
		if (ret == MNL_CB_STOP)
			return MNL_CB_OK;
		if (ret != MNL_CB_OK)
			return MNL_CB_ERROR;
		break;
	}
	case TLSMON_CMD_SESSION_NEW:
	case TLSMON_CMD_SESSION_DEL:
		if (!(ctx->show & MON_SHOW_SESSIONS))
			return MNL_CB_OK;
		what = genl->cmd == TLSMON_CMD_SESSION_NEW ? "new" : "del";
		mnl_attr_for_each(a, nlh, sizeof(*genl)) {
			struct session s;

			if (mnl_attr_get_type(a) != TLSMON_A_SESSION ||
			    session_parse(a, &s))
				continue;
			monitor_event_open(ctx, what);
			print_string(&ctx->p, PRINT_FP, NULL, "%s session: ", what);
			session_print(&ctx->p, "session", &s);
			monitor_event_close(ctx);
		}
		break;
	default:
		return MNL_CB_OK;
	}
	fflush(stdout);
	if (ctx->limit && ++ctx->count >= ctx->limit)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

/* The command line, whole, before the kernel is asked anything. */
static int monitor_parse(int argc, char **argv, struct monitor_ctx *ctx)
{
	char *end;

	for (; argc > 0; argc--, argv++) {
		if (!strcmp(argv[0], "sessions")) {
			ctx->show |= MON_SHOW_SESSIONS;
		} else if (!strcmp(argv[0], "policy")) {
			ctx->show |= MON_SHOW_POLICY;
		} else if (!strcmp(argv[0], "keys")) {
			ctx->show |= MON_SHOW_KEYS;
		} else if (!strcmp(argv[0], "count")) {
			if (argc < 2) {
				mon_err("monitor: 'count' needs a number");
				return -1;
			}
			errno = 0;
			ctx->limit = strtoul(argv[1], &end, 10);
			if (*end || !ctx->limit || errno || argv[1][0] == '-') {
				mon_err("monitor: count must be a positive number, not '%s'",
					argv[1]);
				return -1;
			}
			argc--;
			argv++;
		} else {
			mon_err("monitor: unexpected argument '%s' (see 'monctl monitor help')",
				argv[0]);
			return -1;
		}
	}
	/* key material only when asked for, so that logs never hold it */
	if (!ctx->show)
		ctx->show = MON_SHOW_SESSIONS | MON_SHOW_POLICY;
	return 0;
}

static int monitor_join(struct mon_nl *nl, uint32_t group, const char *what)
{
	int g = group;

	if (g && !mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &g,
					sizeof(g)))
		return 0;
	mon_err("cannot listen to tlsmon %s: %s%s", what,
		g ? strerror(errno) : "the module has no such group",
		g && errno == EPERM ?
		" (CAP_NET_ADMIN over this network namespace is needed)" : "");
	return -1;
}

static int monitor_run(int argc, char **argv)
{
	struct monitor_ctx ctx = { .count = 0, .limit = 0 };
	struct mon_nl *nl, *fetch = NULL;
	int ret = MNL_CB_ERROR;
	struct timespec ts;
	ssize_t len;

	if (monitor_parse(argc, argv, &ctx))
		return MON_EXIT_USAGE;
	print_init(&ctx.p, stdout, mon_opts.json, mon_opts.pretty);
	nl = malloc(sizeof(*nl));
	if (!nl || mon_nl_open(nl)) {
		free(nl);
		return MON_EXIT_FAIL;
	}
	if ((ctx.show & (MON_SHOW_SESSIONS | MON_SHOW_POLICY)) &&
	    monitor_join(nl, nl->events_group, "events"))
		goto out;
	if (ctx.show & MON_SHOW_KEYS) {
		/* notices on one socket, keys fetched over another */
		if (monitor_join(nl, nl->keys_group, "key notices"))
			goto out;
		fetch = malloc(sizeof(*fetch));
		if (!fetch || mon_nl_open(fetch)) {
			free(fetch);
			fetch = NULL;
			goto out;
		}
		ctx.fetch = fetch;
	}
	/* Ready: a caller may now cause events and see them. */
	if (!mon_opts.json)
		fprintf(stderr, "monctl: listening for events\n");
	for (;;) {
		len = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				mon_err("events were lost (receive buffer full)");
				continue;
			}
			mon_err("cannot receive events: %s", strerror(errno));
			break;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		mon_time_str((uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec,
			     ctx.when, sizeof(ctx.when));
		ret = mnl_cb_run(nl->buf, len, 0, 0, monitor_msg_cb, &ctx);
		if (ret <= 0)
			break;
	}
out:
	if (fetch) {
		mon_nl_close(fetch);
		free(fetch);
	}
	mon_nl_close(nl);
	free(nl);
	return ret == MNL_CB_STOP ? MON_EXIT_OK : MON_EXIT_FAIL;
}

static void monitor_usage(void)
{
	fprintf(stderr,
		"Usage: monctl [-j [-p]] monitor [sessions | policy | keys]... [count N]\n"
		"       monctl monitor help\n"
		"\n"
		"Print events of this network namespace as they happen, each with the\n"
		"time it was received: 'sessions' tagged (new) and closed (del), 'policy'\n"
		"changes, and, only when 'keys' is named, the key material of each new\n"
		"kTLS direction of a monitored session (fetched when the kernel announces\n"
		"it; needs CAP_NET_ADMIN and export on). Without an object, sessions and\n"
		"policy. Stops after N events, or when interrupted.\n");
}

int do_monitor(int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "help")) {
		monitor_usage();
		return MON_EXIT_OK;
	}
	return monitor_run(argc, argv);
}
