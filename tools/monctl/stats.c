// SPDX-License-Identifier: GPL-2.0
/*
 * monctl stats: what tlsmon saw in the current namespace, and what it
 * refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>

#include "json.h"
#include "monctl.h"
#include "nl.h"

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

struct stats {
	uint64_t v[TLSMON_STATS_A_MAX + 1];
	uint64_t seen;
};

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
			if (mnl_attr_validate(s, MNL_TYPE_U64) < 0) {
				errno = EPROTO;
				return MNL_CB_ERROR;
			}
			st->v[t] = mnl_attr_get_u64(s);
			st->seen |= 1ULL << t;
		}
	}
	return MNL_CB_OK;
}

static int stats_show(int argc, char **argv)
{
	struct stats st = { .seen = 0 };
	struct mon_nl nl;
	struct json j;
	int err, i;

	if (argc > 0) {
		mon_err("stats show: unexpected argument '%s'", argv[0]);
		return MON_EXIT_USAGE;
	}
	if (mon_nl_open(&nl))
		return MON_EXIT_FAIL;
	err = mon_nl_talk(&nl, mon_nl_request(&nl, TLSMON_CMD_STATS_GET, 0),
			  stats_msg_cb, &st);
	mon_nl_close(&nl);
	if (err) {
		mon_nl_perror(&nl, "cannot read the statistics", err);
		return MON_EXIT_FAIL;
	}
	json_init(&j, stdout, mon_opts.pretty);
	if (mon_opts.json)
		json_obj_open(&j, NULL);
	for (i = 0; i <= TLSMON_STATS_A_MAX; i++) {
		if (!stat_names[i] || !(st.seen & (1ULL << i)))
			continue;
		if (mon_opts.json)
			json_uint(&j, stat_names[i], st.v[i]);
		else
			printf("%s: %llu\n", stat_names[i], (unsigned long long)st.v[i]);
	}
	if (mon_opts.json) {
		json_obj_close(&j);
		json_end(&j);
	}
	return MON_EXIT_OK;
}

static void stats_usage(void)
{
	fprintf(stderr,
		"Usage: monctl [-j [-p]] stats [show]\n"
		"       monctl stats help\n"
		"\n"
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
	if (argc == 0)
		return stats_show(0, argv);
	return mon_dispatch(stats_cmds, "stats", argc, argv, stats_usage);
}
