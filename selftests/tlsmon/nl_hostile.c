// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile netlink input: every command of the tlsmon family with missing,
 * oversized, wrongly typed, nested-when-flat and flat-when-nested
 * attributes, truncated lengths, unknown commands and dump flags where
 * they do not belong; then a barrage of random messages from a seeded
 * generator (NL_HOSTILE_COUNT, default 100000; NL_HOSTILE_SEED, default 1).
 *
 * Every message must be answered (an error with an extack message, or a
 * reply that ends properly), and a rejected message must leave the policy
 * exactly as it was. Only the generic netlink core's own refusals (unknown
 * command, dump of a command without one, a header too short to hold a
 * command) come without a message: they never reach tlsmon. The core's
 * header checks (a non-zero reserved field, flags a request cannot mean)
 * come with one. Each test
 * runs in a network namespace of its own. The guest runner fails the run
 * on any kernel splat.
 */
#include <stdlib.h>

#include "nl_test.h"
#include "kselftest_harness.h"

#define BIG	(70 * 1024)

/* A request built byte by byte in a buffer larger than monctl's. */
struct req {
	union {
		struct nlmsghdr nlh;
		char b[BIG];
	};
};

static struct nlmsghdr *req_start(struct req *r, struct mon_nl *nl, u_int8_t cmd,
				  u_int16_t flags)
{
	struct genlmsghdr *genl;

	memset(r->b, 0, 64);
	r->nlh.nlmsg_len = NLMSG_HDRLEN;
	r->nlh.nlmsg_type = nl->family;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nlh.nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(&r->nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = TLSMON_GENL_VERSION;
	return &r->nlh;
}

/* An attribute with any header, payload of @len bytes of @fill. */
static void put_raw(struct nlmsghdr *nlh, u_int16_t nla_len, u_int16_t type,
		    size_t len, int fill)
{
	struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

	a->nla_len = nla_len;
	a->nla_type = type;
	memset(a + 1, fill, len);
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*a) + len);
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(unsigned int *)data)++;
	return MNL_CB_OK;
}

FIXTURE(hostile) {
	struct mon_nl nl;
	struct tpol before;
	struct req r;
};

FIXTURE_SETUP(hostile)
{
	struct timeval tv = { .tv_sec = 10 };

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	/* an Ethernet link, so that some random export links are accepted */
	if (system("ip link add hv0 type veth peer hv1"))
		TH_LOG("no veth: every export link is refused");
	ASSERT_EQ(0, mon_nl_open(&self->nl)) TH_LOG("%s", test_last_err);
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(self->nl.sock), SOL_SOCKET,
				SO_RCVTIMEO, &tv, sizeof(tv)));
	ASSERT_EQ(0, tpol_get(&self->nl, &self->before));
}

FIXTURE_TEARDOWN(hostile)
{
	mon_nl_close(&self->nl);
}

/* @nlh must be refused with @want (0: any error) and an extack message. */
#define EXPECT_REFUSED(nlh, want, what) do {					\
	unsigned int _n = 0;							\
	struct tpol _after;							\
	int _err = mon_nl_talk(&self->nl, nlh, count_cb, &_n);			\
										\
	EXPECT_GT(0, _err) TH_LOG("%s: accepted", what);			\
	if ((want) && _err < 0)							\
		EXPECT_EQ(want, _err) TH_LOG("%s: %s", what, strerror(-_err));	\
	EXPECT_NE(0, self->nl.err_msg[0]) TH_LOG("%s: no extack message", what); \
	ASSERT_EQ(0, tpol_get(&self->nl, &_after));				\
	EXPECT_TRUE(tpol_equal(&self->before, &_after))				\
		TH_LOG("%s: the policy changed", what);				\
} while (0)

static const struct {
	u_int8_t cmd;
	u_int16_t flags;
	const char *name;
} cmds[] = {
	{ TLSMON_CMD_POLICY_GET, 0, "POLICY_GET" },
	{ TLSMON_CMD_POLICY_SET, 0, "POLICY_SET" },
	{ TLSMON_CMD_SESSION_GET, 0, "SESSION_GET" },
	{ TLSMON_CMD_SESSION_GET, NLM_F_DUMP, "SESSION_GET dump" },
	{ TLSMON_CMD_STATS_GET, 0, "STATS_GET" },
	{ TLSMON_CMD_KEYS_GET, 0, "KEYS_GET" },
	{ TLSMON_CMD_KEYS_GET, NLM_F_DUMP, "KEYS_GET dump" },
};

/* Every command, every malformed top-level attribute. */
TEST_F(hostile, every_command_malformed)
{
	char what[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		struct nlmsghdr *nlh;

		snprintf(what, sizeof(what), "%s, unknown attribute", cmds[i].name);
		nlh = req_start(&self->r, &self->nl, cmds[i].cmd, cmds[i].flags);
		mnl_attr_put_u32(nlh, TLSMON_A_MAX + 7, 1);
		EXPECT_REFUSED(nlh, -EINVAL, what);

		snprintf(what, sizeof(what), "%s, attribute type 0", cmds[i].name);
		nlh = req_start(&self->r, &self->nl, cmds[i].cmd, cmds[i].flags);
		mnl_attr_put_u32(nlh, 0, 1);
		EXPECT_REFUSED(nlh, 0, what);

		snprintf(what, sizeof(what), "%s, nest given flat", cmds[i].name);
		nlh = req_start(&self->r, &self->nl, cmds[i].cmd, cmds[i].flags);
		mnl_attr_put_u32(nlh, TLSMON_A_POLICY, 1);
		mnl_attr_put_u32(nlh, TLSMON_A_SESSION, 1);
		EXPECT_REFUSED(nlh, 0, what);

		snprintf(what, sizeof(what), "%s, attribute longer than the message",
			 cmds[i].name);
		nlh = req_start(&self->r, &self->nl, cmds[i].cmd, cmds[i].flags);
		put_raw(nlh, 200, TLSMON_A_POLICY | NLA_F_NESTED, 8, 0);
		EXPECT_REFUSED(nlh, 0, what);

		snprintf(what, sizeof(what), "%s, attribute shorter than its header",
			 cmds[i].name);
		nlh = req_start(&self->r, &self->nl, cmds[i].cmd, cmds[i].flags);
		put_raw(nlh, 2, TLSMON_A_POLICY | NLA_F_NESTED, 4, 0);
		EXPECT_REFUSED(nlh, 0, what);

		snprintf(what, sizeof(what), "%s, 60 KiB attribute", cmds[i].name);
		nlh = req_start(&self->r, &self->nl, cmds[i].cmd, cmds[i].flags);
		put_raw(nlh, 60 * 1024 + 4, TLSMON_A_KEY | NLA_F_NESTED, 60 * 1024, 0xab);
		EXPECT_REFUSED(nlh, 0, what);

		snprintf(what, sizeof(what), "%s, 2000 empty nests", cmds[i].name);
		nlh = req_start(&self->r, &self->nl, cmds[i].cmd, cmds[i].flags);
		for (int j = 0; j < 2000; j++)
			put_raw(nlh, 4, TLSMON_A_STATS | NLA_F_NESTED, 0, 0);
		EXPECT_REFUSED(nlh, 0, what);
	}
}

/* Inside the nests: wrong types, flat where nested, nested where flat. */
TEST_F(hostile, nested_members_malformed)
{
	static const struct {
		u_int16_t outer, inner;
		int len;
		bool nest;
		const char *what;
	} cases[] = {
		{ TLSMON_A_POLICY, TLSMON_POLICY_A_ENABLED, 4, false, "u8 given as u32" },
		{ TLSMON_A_POLICY, TLSMON_POLICY_A_MARK, 2, false, "u32 given as u16" },
		{ TLSMON_A_POLICY, TLSMON_POLICY_A_CONSENT_EXT, 1, false, "u16 given as u8" },
		{ TLSMON_A_POLICY, TLSMON_POLICY_A_MASK, 0, false, "empty u32" },
		{ TLSMON_A_POLICY, TLSMON_POLICY_A_SUITES, 4, false, "suites flat" },
		{ TLSMON_A_POLICY, TLSMON_POLICY_A_ENABLED, 4, true, "u8 given nested" },
		{ TLSMON_A_POLICY, TLSMON_POLICY_A_MAX + 1, 4, false, "unknown member" },
		{ TLSMON_A_SESSION, TLSMON_SESSION_A_COOKIE, 4, false, "cookie as u32" },
		{ TLSMON_A_SESSION, TLSMON_SESSION_A_COOKIE, 8, true, "cookie nested" },
		{ TLSMON_A_SESSION, TLSMON_SESSION_A_ID, 8, false, "selector by id" },
		{ TLSMON_A_SESSION, 0x3000, 8, false, "unknown selector" },
	};
	static const u_int8_t set_cmds[] = { TLSMON_CMD_POLICY_SET, TLSMON_CMD_SESSION_GET };
	char what[160];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (j = 0; j < ARRAY_SIZE(set_cmds); j++) {
			struct nlmsghdr *nlh;
			struct nlattr *outer;

			nlh = req_start(&self->r, &self->nl, set_cmds[j], 0);
			outer = mnl_attr_nest_start(nlh, cases[i].outer);
			put_raw(nlh, 4 + cases[i].len,
				cases[i].inner | (cases[i].nest ? NLA_F_NESTED : 0),
				cases[i].len, 1);
			mnl_attr_nest_end(nlh, outer);
			snprintf(what, sizeof(what), "cmd %u: %s", set_cmds[j],
				 cases[i].what);
			EXPECT_REFUSED(nlh, 0, what);
		}
	}
}

/*
 * KEYS_GET without a dump selects one session: by id, cookie or both,
 * never 0, never neither. Each refusal says why; a well-formed selector
 * in a namespace with export off is refused for that.
 */
TEST_F(hostile, keys_get_selectors)
{
	static const struct {
		bool id, cookie;
		u_int64_t id_v, cookie_v;
		int len;
		int want;
		const char *what;
	} cases[] = {
		/* 0 is out of the policies' range (NLA_POLICY_MIN) */
		{ false, false, 0, 0, 8, -EINVAL, "no selector attribute" },
		{ true, false, 0, 0, 8, -ERANGE, "id 0" },
		{ false, true, 0, 0, 8, -ERANGE, "cookie 0" },
		{ false, true, 0, 1, 4, -EINVAL, "cookie as u32" },
		{ true, true, 0, 1, 8, -ERANGE, "id 0 with a cookie" },
	};
	struct nlmsghdr *nlh;
	struct nlattr *sel;
	unsigned int i;

	nlh = req_start(&self->r, &self->nl, TLSMON_CMD_KEYS_GET, 0);
	EXPECT_REFUSED(nlh, -EINVAL, "KEYS_GET without a selector");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		nlh = req_start(&self->r, &self->nl, TLSMON_CMD_KEYS_GET,
				i % 2 ? NLM_F_DUMP : 0);
		sel = mnl_attr_nest_start(nlh, TLSMON_A_SESSION);
		if (cases[i].id)
			put_raw(nlh, 4 + cases[i].len, TLSMON_SESSION_A_ID,
				cases[i].len, cases[i].id_v);
		if (cases[i].cookie)
			put_raw(nlh, 4 + cases[i].len, TLSMON_SESSION_A_COOKIE,
				cases[i].len, cases[i].cookie_v);
		mnl_attr_nest_end(nlh, sel);
		EXPECT_REFUSED(nlh, cases[i].want, cases[i].what);
	}
	nlh = req_start(&self->r, &self->nl, TLSMON_CMD_KEYS_GET, 0);
	sel = mnl_attr_nest_start(nlh, TLSMON_A_SESSION);
	mnl_attr_put_u64(nlh, TLSMON_SESSION_A_COOKIE, 1);
	mnl_attr_nest_end(nlh, sel);
	EXPECT_REFUSED(nlh, -EOPNOTSUPP, "KEYS_GET with export off");
}

/* What never reaches tlsmon is refused by the generic netlink core. */
TEST_F(hostile, unknown_commands_and_flags)
{
	struct nlmsghdr *nlh;
	struct tpol after;
	unsigned int n = 0;
	int cmd;

	for (cmd = 0; cmd < 256; cmd++) {
		switch (cmd) {
		case TLSMON_CMD_POLICY_GET:
		case TLSMON_CMD_POLICY_SET:
		case TLSMON_CMD_SESSION_GET:
		case TLSMON_CMD_STATS_GET:
		case TLSMON_CMD_KEYS_GET:
		case TLSMON_CMD_PEER_GET:
			continue;
		}
		nlh = req_start(&self->r, &self->nl, cmd, 0);
		EXPECT_EQ(-EOPNOTSUPP, mon_nl_talk(&self->nl, nlh, count_cb, &n))
			TH_LOG("command %d", cmd);
	}
	/* dumps of commands that have none */
	nlh = req_start(&self->r, &self->nl, TLSMON_CMD_POLICY_SET, NLM_F_DUMP);
	EXPECT_EQ(-EOPNOTSUPP, mon_nl_talk(&self->nl, nlh, count_cb, &n));
	nlh = req_start(&self->r, &self->nl, TLSMON_CMD_STATS_GET, NLM_F_DUMP);
	EXPECT_EQ(-EOPNOTSUPP, mon_nl_talk(&self->nl, nlh, count_cb, &n));
	nlh = req_start(&self->r, &self->nl, TLSMON_CMD_PEER_GET, NLM_F_DUMP);
	EXPECT_EQ(-EOPNOTSUPP, mon_nl_talk(&self->nl, nlh, count_cb, &n));
	/* a header too short for a command */
	nlh = req_start(&self->r, &self->nl, TLSMON_CMD_POLICY_SET, 0);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	EXPECT_EQ(-EINVAL, mon_nl_talk(&self->nl, nlh, count_cb, &n));
	EXPECT_EQ(0, n);
	ASSERT_EQ(0, tpol_get(&self->nl, &after));
	EXPECT_TRUE(tpol_equal(&self->before, &after));
}

/*
 * The family validates every command from the first (resv_start_op 0): a
 * non-zero genlmsghdr.reserved, or netlink flags a request cannot mean,
 * are refused by the core with EINVAL and its extack message, before any
 * handler runs, whatever the command and its attributes.
 */
static void refused_by_core(struct __test_metadata *_metadata,
			    FIXTURE_DATA(hostile) *self, struct nlmsghdr *nlh,
			    const char *msg, const char *what)
{
	unsigned int n = 0;
	struct tpol after;
	int err = mon_nl_talk(&self->nl, nlh, count_cb, &n);

	EXPECT_EQ(-EINVAL, err) TH_LOG("%s: %s", what, strerror(-err));
	/* read before the policy check below replaces it */
	EXPECT_NE(NULL, strstr(self->nl.err_msg, msg))
		TH_LOG("%s: extack '%s'", what, self->nl.err_msg);
	EXPECT_EQ(0, n);
	ASSERT_EQ(0, tpol_get(&self->nl, &after));
	EXPECT_TRUE(tpol_equal(&self->before, &after))
		TH_LOG("%s: the policy changed", what);
}

TEST_F(hostile, reserved_header_and_flags)
{
	static const u_int8_t reserved[] = { 1, 0x80 };
	char what[128];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		for (j = 0; j < ARRAY_SIZE(reserved); j++) {
			struct nlmsghdr *nlh;
			struct genlmsghdr *genl;

			snprintf(what, sizeof(what), "%s, reserved %#x",
				 cmds[i].name, reserved[j]);
			nlh = req_start(&self->r, &self->nl, cmds[i].cmd,
					cmds[i].flags);
			genl = mnl_nlmsg_get_payload(nlh);
			genl->reserved = reserved[j];
			refused_by_core(_metadata, self, nlh, "reserved", what);
		}
		/*
		 * A valid request otherwise. NLM_F_CREATE means nothing to a
		 * get and, as NLM_F_ATOMIC, nothing to a dump either (the
		 * other new-request flags share their bits with NLM_F_DUMP).
		 */
		snprintf(what, sizeof(what), "%s, NLM_F_CREATE", cmds[i].name);
		refused_by_core(_metadata, self,
				req_start(&self->r, &self->nl, cmds[i].cmd,
					  cmds[i].flags | NLM_F_CREATE),
				"nlmsg_flags", what);
	}
}

/* A minimal pseudo-random generator: the same seed, the same messages. */
static u_int32_t rnd_state;

static u_int32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static size_t rnd_len(void)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 6, 8, 12, 16 };
	u_int32_t r = rnd() % 100;

	if (r < 70)
		return lens[rnd() % ARRAY_SIZE(lens)];
	if (r < 97)
		return rnd() % 300;
	return rnd() % 8000;
}

/* Random attributes, sometimes nested, sometimes with a lying length. */
static void rnd_attrs(struct nlmsghdr *nlh, int depth, u_int16_t max_type)
{
	unsigned int n = rnd() % 5, i;

	for (i = 0; i < n; i++) {
		u_int16_t type = rnd() % 100 < 80 ? rnd() % (max_type + 2) : rnd();
		u_int32_t r = rnd() % 100;

		if (nlh->nlmsg_len > BIG - 10000)
			return;

		if (r < 35 && depth < 3) {
			struct nlattr *nest = mnl_attr_nest_start(nlh, type & NLA_TYPE_MASK);

			if (rnd() % 4 == 0)
				nest->nla_type &= ~NLA_F_NESTED;
			rnd_attrs(nlh, depth + 1, 20);
			mnl_attr_nest_end(nlh, nest);
		} else if (r < 38) {
			size_t len = rnd_len();

			put_raw(nlh, rnd() & 0xffff, type, len, rnd());
		} else {
			size_t len = rnd_len(), j;
			struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);
			u_int8_t *p = (u_int8_t *)(a + 1);

			put_raw(nlh, sizeof(*a) + len, type, len, 0);
			for (j = 0; j < len; j++)
				p[j] = rnd() % 4 ? rnd() % 4 : rnd();
		}
	}
}

/* A well-formed POLICY_SET with random values, so some are accepted. */
static void rnd_policy(struct nlmsghdr *nlh)
{
	struct nlattr *pol = mnl_attr_nest_start(nlh, TLSMON_A_POLICY);
	struct nlattr *s;
	unsigned int i;

	if (rnd() % 2)
		mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, rnd() % 3);
	if (rnd() % 2)
		mnl_attr_put_u8(nlh, TLSMON_POLICY_A_EXPORT, rnd() % 3);
	if (rnd() % 2)
		mnl_attr_put_u8(nlh, TLSMON_POLICY_A_CONSENT, rnd() % 4);
	if (rnd() % 3 == 0)
		mnl_attr_put_u16(nlh, TLSMON_POLICY_A_CONSENT_EXT, 0xff00 | rnd());
	if (rnd() % 3 == 0)
		mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MARK, rnd() % 4 ? rnd() & 0xff : rnd());
	if (rnd() % 3 == 0)
		mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MASK, rnd() % 4 ? 0xff : rnd());
	if (rnd() % 3 == 0) {
		s = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_SUITES);
		for (i = rnd() % 20; i; i--)
			mnl_attr_put_u16(nlh, TLSMON_SUITES_A_SUITE,
					 rnd() % 2 ? 0xff00 | (rnd() & 0xff) : rnd());
		mnl_attr_nest_end(nlh, s);
	}
	if (rnd() % 3 == 0) {
		/* small indexes: lo (refused), the test's veth, none at all */
		s = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_LINKS);
		for (i = rnd() % 4; i; i--)
			mnl_attr_put_u32(nlh, TLSMON_LINKS_A_IFINDEX,
					 rnd() % 4 ? rnd() % 5 : rnd());
		mnl_attr_nest_end(nlh, s);
	}
	mnl_attr_nest_end(nlh, pol);
}

/* The family's handlers: what the core passes on to tlsmon. */
static bool has_handler(u_int8_t cmd, u_int16_t flags)
{
	switch (cmd) {
	case TLSMON_CMD_POLICY_GET:
	case TLSMON_CMD_POLICY_SET:
	case TLSMON_CMD_STATS_GET:
	case TLSMON_CMD_PEER_GET:
		return !flags;
	case TLSMON_CMD_SESSION_GET:
		return true;
	case TLSMON_CMD_KEYS_GET:
		return true;
	}
	return false;
}

/* 100,000 round trips: seconds here, minutes on a KASAN kernel */
TEST_F_TIMEOUT(hostile, random_barrage, 1800)
{
	static const u_int8_t valid[] = {
		TLSMON_CMD_POLICY_GET, TLSMON_CMD_POLICY_SET, TLSMON_CMD_SESSION_GET,
		TLSMON_CMD_STATS_GET, TLSMON_CMD_KEYS_GET, TLSMON_CMD_PEER_GET,
	};
	unsigned long count = 100000, i, accepted = 0, with_msg = 0, core = 0;
	unsigned long checks = 0, changes_ok = 0;
	u_int32_t seed;
	const char *env;
	struct tpol cur = self->before, after;

	env = getenv("NL_HOSTILE_COUNT");
	if (env)
		count = strtoul(env, NULL, 0);
	env = getenv("NL_HOSTILE_SEED");
	seed = env ? strtoul(env, NULL, 0) : 1;
	rnd_state = seed ?: 1;

	for (i = 0; i < count; i++) {
		u_int8_t cmd = rnd() % 100 < 85 ? valid[rnd() % ARRAY_SIZE(valid)] : rnd();
		u_int16_t flags = rnd() % 100 < 30 ? NLM_F_DUMP : 0;
		bool short_hdr = rnd() % 100 < 2, core_refusal;
		struct nlmsghdr *nlh;
		unsigned int n = 0;
		int err;

		nlh = req_start(&self->r, &self->nl, cmd, flags);
		if (rnd() % 20 == 0)
			((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = rnd();
		if (cmd == TLSMON_CMD_POLICY_SET && rnd() % 3 == 0)
			rnd_policy(nlh);
		else
			rnd_attrs(nlh, 0, TLSMON_A_MAX);
		if (short_hdr)
			nlh->nlmsg_len = NLMSG_HDRLEN + rnd() % GENL_HDRLEN;

		err = mon_nl_talk(&self->nl, nlh, count_cb, &n);
		ASSERT_NE(-EAGAIN, err) TH_LOG("message %lu: no answer in 10 s", i);
		ASSERT_NE(-EBUSY, err) TH_LOG("message %lu: socket confused", i);

		/* Refusals that are the generic netlink core's, not tlsmon's. */
		core_refusal = short_hdr ||
			       (err == -EOPNOTSUPP && !has_handler(cmd, flags));
		if (!err) {
			accepted++;
		} else if (core_refusal) {
			core++;
		} else {
			ASSERT_NE(0, self->nl.err_msg[0])
				TH_LOG("message %lu (cmd %u flags %#x): %s without an extack message",
				       i, cmd, flags, strerror(-err));
			with_msg++;
		}

		/* A refused message changes nothing; an accepted SET may. */
		if (cmd == TLSMON_CMD_POLICY_SET || i % 1000 == 999) {
			ASSERT_EQ(0, tpol_get(&self->nl, &after));
			checks++;
			if (err || cmd != TLSMON_CMD_POLICY_SET) {
				ASSERT_TRUE(tpol_equal(&cur, &after))
					TH_LOG("message %lu (cmd %u) was refused (%d) and changed the policy",
					       i, cmd, err);
			} else if (!tpol_equal(&cur, &after)) {
				changes_ok++;
				cur = after;
			}
		}
	}
	TH_LOG("%lu messages (seed %u): %lu accepted, %lu refused with an extack message, "
	       "%lu refused by the genetlink core, %lu policy changes, %lu policy checks",
	       count, seed, accepted, with_msg, core, changes_ok, checks);
	/*
	 * The generator reaches past validation into every handler, and the
	 * core's own refusals (unknown commands, short headers: about one
	 * message in seven) are seen as such: a command the core should
	 * refuse that tlsmon answered counts as accepted instead.
	 */
	EXPECT_LT(count / 100, accepted);
	EXPECT_LT(count / 100, with_msg);
	EXPECT_LT(count / 100, core);
	EXPECT_LT(0, changes_ok);
}

TEST_HARNESS_MAIN
