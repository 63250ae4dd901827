// SPDX-License-Identifier: GPL-2.0
/*
 * monctl monitor: live events of the current namespace, one per line,
 * until interrupted, like 'ip monitor'.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "json.h"
#include "monctl.h"
#include "nl.h"

struct monitor_ctx {
	unsigned long count, limit;
};

static int monitor_key(const struct session *s, const struct key_rec *k, void *data)
{
	struct json j;

	(void)data;
	if (mon_opts.json) {
		json_init(&j, stdout, mon_opts.pretty);
		json_obj_open(&j, NULL);
		json_str(&j, "event", "keys");
		key_json(&j, "keys", s, k);
		json_obj_close(&j);
		json_end(&j);
	} else {
		printf("keys: ");
		key_print(s, k);
	}
	return MNL_CB_OK;
}

static int monitor_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct monitor_ctx *ctx = data;
	const struct nlattr *a;
	const char *what;
	struct json j;

	json_init(&j, stdout, mon_opts.pretty);
	switch (genl->cmd) {
	case TLSMON_CMD_POLICY_NTF: {
		struct policy p = { .n_suites = 0 };

		if (policy_msg_cb(nlh, &p) != MNL_CB_OK)
			return MNL_CB_ERROR;
		if (mon_opts.json) {
			json_obj_open(&j, NULL);
			json_str(&j, "event", "policy");
			policy_json(&j, "policy", &p);
			json_obj_close(&j);
			json_end(&j);
		} else {
			printf("policy: monitoring %s, export %s, %u suites\n",
			       p.enabled ? "on" : "off", p.export ? "on" : "off",
			       p.n_suites);
		}
		break;
	}
	case TLSMON_CMD_KEYS_NEW:
		if (key_msg_walk(nlh, monitor_key, NULL) != MNL_CB_OK)
			return MNL_CB_ERROR;
		break;
	case TLSMON_CMD_SESSION_NEW:
	case TLSMON_CMD_SESSION_DEL:
		what = genl->cmd == TLSMON_CMD_SESSION_NEW ? "new" : "del";
		mnl_attr_for_each(a, nlh, sizeof(*genl)) {
			struct session s;

			if (mnl_attr_get_type(a) != TLSMON_A_SESSION ||
			    session_parse(a, &s))
				continue;
			if (mon_opts.json) {
				json_obj_open(&j, NULL);
				json_str(&j, "event", what);
				session_json(&j, "session", &s);
				json_obj_close(&j);
				json_end(&j);
			} else {
				printf("%s session: ", what);
				session_print(&s);
			}
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

static int monitor_run(int argc, char **argv)
{
	struct monitor_ctx ctx = { .count = 0, .limit = 0 };
	struct mon_nl nl;
	int group, ret = MNL_CB_ERROR;
	ssize_t len;
	char *end;

	if (argc == 2 && !strcmp(argv[0], "count")) {
		ctx.limit = strtoul(argv[1], &end, 10);
		if (*end || !ctx.limit) {
			mon_err("monitor: count must be a positive number, not '%s'", argv[1]);
			return MON_EXIT_FAIL;
		}
	} else if (argc > 0) {
		mon_err("monitor: unexpected argument '%s' (see 'monctl monitor help')", argv[0]);
		return MON_EXIT_USAGE;
	}
	if (mon_nl_open(&nl))
		return MON_EXIT_FAIL;
	group = nl.events_group;
	if (mnl_socket_setsockopt(nl.sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0) {
		mon_err("cannot listen to tlsmon events: %s", strerror(errno));
		mon_nl_close(&nl);
		return MON_EXIT_FAIL;
	}
	/* Key events too, for a caller with CAP_NET_ADMIN over the namespace. */
	group = nl.keys_group;
	if (group && mnl_socket_setsockopt(nl.sock, NETLINK_ADD_MEMBERSHIP, &group,
					   sizeof(group)) < 0 && errno != EPERM) {
		mon_err("cannot listen to tlsmon key events: %s", strerror(errno));
		mon_nl_close(&nl);
		return MON_EXIT_FAIL;
	}
	/* Ready: a caller may now cause events and see them. */
	if (!mon_opts.json)
		fprintf(stderr, "monctl: listening for events\n");
	for (;;) {
		len = mnl_socket_recvfrom(nl.sock, nl.buf, sizeof(nl.buf));
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
		ret = mnl_cb_run(nl.buf, len, 0, 0, monitor_msg_cb, &ctx);
		if (ret <= 0)
			break;
	}
	mon_nl_close(&nl);
	return ret == MNL_CB_STOP ? MON_EXIT_OK : MON_EXIT_FAIL;
}

static void monitor_usage(void)
{
	fprintf(stderr,
		"Usage: monctl [-j] monitor [count N]\n"
		"       monctl monitor help\n"
		"\n"
		"Print events of this network namespace as they happen: policy changes,\n"
		"sessions tagged (new) and closed (del). Stops after N events, or when\n"
		"interrupted.\n");
}

int do_monitor(int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "help")) {
		monitor_usage();
		return MON_EXIT_OK;
	}
	return monitor_run(argc, argv);
}
