// SPDX-License-Identifier: GPL-2.0
/*
 * Guest selftest of the tlsmon policy over generic netlink: defaults,
 * round trips, atomicity, every kind of malformed request, privileges and
 * notifications. Each test runs in a network namespace of its own.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>

#include "nl_test.h"
#include "kselftest_harness.h"

static const unsigned int default_suites[] = {
	0xff01, 0xff02, 0xff03, 0xff04, 0xff2b,
	0xff2c, 0xff2f, 0xff30, 0xffa8, 0xffa9,
};

FIXTURE(policy) {
	struct mon_nl nl;
	struct tpol before;
	unsigned int link;
};

FIXTURE_SETUP(policy)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	/* an Ethernet link of the test's namespace, to export on */
	ASSERT_EQ(0, system("ip link add pv0 type veth peer pv1"));
	self->link = if_nametoindex("pv0");
	ASSERT_NE(0, self->link);
	if (mon_nl_open(&self->nl))
		SKIP(return, "tlsmon is not loaded: %s", test_last_err);
	ASSERT_EQ(0, tpol_get(&self->nl, &self->before));
}

FIXTURE_TEARDOWN(policy)
{
	mon_nl_close(&self->nl);
}

/* Start a SET request and open its TLSMON_A_POLICY nest. */
static struct nlmsghdr *set_begin(struct mon_nl *nl, struct nlattr **nest)
{
	struct nlmsghdr *nlh = mon_nl_request(nl, TLSMON_CMD_POLICY_SET, 0);

	*nest = mnl_attr_nest_start(nlh, TLSMON_A_POLICY);
	return nlh;
}

static int set_end(struct mon_nl *nl, struct nlmsghdr *nlh, struct nlattr *nest)
{
	mnl_attr_nest_end(nlh, nest);
	return mon_nl_talk(nl, nlh, NULL, NULL);
}

static int set_suites(struct mon_nl *nl, const unsigned int *s, unsigned int n)
{
	struct nlattr *nest, *suites;
	struct nlmsghdr *nlh = set_begin(nl, &nest);
	unsigned int i;

	suites = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_SUITES);
	for (i = 0; i < n; i++)
		mnl_attr_put_u16(nlh, TLSMON_SUITES_A_SUITE, s[i]);
	mnl_attr_nest_end(nlh, suites);
	return set_end(nl, nlh, nest);
}

/*
 * A rejected request must come with the kernel's reason and leave the
 * policy exactly as it was.
 */
static int set_links(struct mon_nl *nl, const unsigned int *l, unsigned int n)
{
	struct nlattr *nest, *links;
	struct nlmsghdr *nlh = set_begin(nl, &nest);
	unsigned int i;

	links = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_LINKS);
	for (i = 0; i < n; i++)
		mnl_attr_put_u32(nlh, TLSMON_LINKS_A_IFINDEX, l[i]);
	mnl_attr_nest_end(nlh, links);
	return set_end(nl, nlh, nest);
}

#define EXPECT_REFUSED(err, expected_errno, msg_part) do {		\
	struct tpol __after;						\
	EXPECT_EQ(-(expected_errno), (err));				\
	EXPECT_NE(0, self->nl.err_msg[0]);				\
	if ((msg_part)[0])						\
		EXPECT_NE(NULL, strstr(self->nl.err_msg, (msg_part)))	\
			TH_LOG("extack was '%s'", self->nl.err_msg);	\
	ASSERT_EQ(0, tpol_get(&self->nl, &__after));			\
	EXPECT_TRUE(tpol_equal(&self->before, &__after));		\
} while (0)

TEST_F(policy, defaults)
{
	const struct tpol *p = &self->before;
	unsigned int i;

	EXPECT_EQ(0xff << 1, p->present);
	EXPECT_EQ(0, p->n_links);
	EXPECT_EQ(0, p->enabled);
	EXPECT_EQ(0, p->export);
	EXPECT_EQ(TLSMON_CONSENT_ACCEPT, p->consent);
	EXPECT_EQ(0xff4d, p->consent_ext);
	EXPECT_EQ(0, p->mark);
	EXPECT_EQ(0, p->mask);
	ASSERT_EQ(10, p->n_suites);
	for (i = 0; i < 10; i++)
		EXPECT_EQ(default_suites[i], p->suites[i]);
}

TEST_F(policy, roundtrip_each_field)
{
	struct nlattr *nest;
	struct nlmsghdr *nlh;
	struct tpol want = self->before, got;
	static const unsigned int s[] = { 0xff30, 0xff2f, 0xff01 };

	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 1);
	ASSERT_EQ(0, set_end(&self->nl, nlh, nest));
	want.enabled = 1;
	ASSERT_EQ(0, tpol_get(&self->nl, &got));
	EXPECT_TRUE(tpol_equal(&want, &got));

	ASSERT_EQ(0, set_links(&self->nl, &self->link, 1));
	want.n_links = 1;
	want.links[0] = self->link;
	ASSERT_EQ(0, tpol_get(&self->nl, &got));
	EXPECT_TRUE(tpol_equal(&want, &got));

	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_EXPORT, 1);
	ASSERT_EQ(0, set_end(&self->nl, nlh, nest));
	want.export = 1;
	ASSERT_EQ(0, tpol_get(&self->nl, &got));
	EXPECT_TRUE(tpol_equal(&want, &got));

	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_CONSENT, TLSMON_CONSENT_OFF);
	ASSERT_EQ(0, set_end(&self->nl, nlh, nest));
	want.consent = TLSMON_CONSENT_OFF;
	ASSERT_EQ(0, tpol_get(&self->nl, &got));
	EXPECT_TRUE(tpol_equal(&want, &got));

	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u16(nlh, TLSMON_POLICY_A_CONSENT_EXT, 0xff4e);
	ASSERT_EQ(0, set_end(&self->nl, nlh, nest));
	want.consent_ext = 0xff4e;
	ASSERT_EQ(0, tpol_get(&self->nl, &got));
	EXPECT_TRUE(tpol_equal(&want, &got));

	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MARK, 0x1200);
	mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MASK, 0xff00);
	ASSERT_EQ(0, set_end(&self->nl, nlh, nest));
	want.mark = 0x1200;
	want.mask = 0xff00;
	ASSERT_EQ(0, tpol_get(&self->nl, &got));
	EXPECT_TRUE(tpol_equal(&want, &got));

	ASSERT_EQ(0, set_suites(&self->nl, s, 3));
	want.n_suites = 3;
	memset(want.suites, 0, sizeof(want.suites));
	memcpy(want.suites, s, sizeof(s));
	ASSERT_EQ(0, tpol_get(&self->nl, &got));
	EXPECT_TRUE(tpol_equal(&want, &got));

	/* Back to the defaults, field by field. */
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 0);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_EXPORT, 0);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_CONSENT, TLSMON_CONSENT_ACCEPT);
	mnl_attr_put_u16(nlh, TLSMON_POLICY_A_CONSENT_EXT, 0xff4d);
	mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MARK, 0);
	mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MASK, 0);
	ASSERT_EQ(0, set_end(&self->nl, nlh, nest));
	ASSERT_EQ(0, set_suites(&self->nl, default_suites, 10));
	ASSERT_EQ(0, set_links(&self->nl, NULL, 0));
	ASSERT_EQ(0, tpol_get(&self->nl, &got));
	EXPECT_TRUE(tpol_equal(&self->before, &got));
}

TEST_F(policy, export_needs_a_link)
{
	struct nlattr *nest;
	struct nlmsghdr *nlh;
	unsigned int lo = if_nametoindex("lo");
	struct tpol got;

	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_EXPORT, 1);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL,
		       "key export needs at least one export link: monctl policy set links DEV");

	/* links that are never local, and one that does not exist */
	ASSERT_NE(0, lo);
	EXPECT_REFUSED(set_links(&self->nl, &lo, 1), EINVAL, "loopback");
	ASSERT_EQ(0, system("ip link set pv1 arp off"));
	lo = if_nametoindex("pv1");
	EXPECT_REFUSED(set_links(&self->nl, &lo, 1), EINVAL, "without ARP");
	lo = 0x7ffffff0;
	EXPECT_REFUSED(set_links(&self->nl, &lo, 1), EINVAL, "no interface has this index");
	lo = self->link;
	{
		unsigned int two[2] = { lo, lo };

		EXPECT_REFUSED(set_links(&self->nl, two, 2), EINVAL, "duplicate export link");
	}

	/* with a link, export on; removing the last link with export on is not */
	ASSERT_EQ(0, set_links(&self->nl, &self->link, 1));
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_EXPORT, 1);
	ASSERT_EQ(0, set_end(&self->nl, nlh, nest));
	EXPECT_EQ(-EINVAL, set_links(&self->nl, NULL, 0));
	EXPECT_NE(NULL, strstr(self->nl.err_msg, "at least one export link"));

	/* the link goes away: the list empties, other changes still work */
	ASSERT_EQ(0, system("ip link del pv0"));
	ASSERT_EQ(0, tpol_get(&self->nl, &got));
	EXPECT_EQ(1, got.export);
	EXPECT_EQ(0, got.n_links);
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 1);
	EXPECT_EQ(0, set_end(&self->nl, nlh, nest)) TH_LOG("%s", self->nl.err_msg);
}

TEST_F(policy, peer_get_names_a_connection)
{
	struct nlattr *nest;
	struct nlmsghdr *nlh;
	uint32_t a = htonl(0x7f000001);

	nlh = mon_nl_request(&self->nl, TLSMON_CMD_PEER_GET, 0);
	EXPECT_EQ(-EINVAL, mon_nl_talk(&self->nl, nlh, NULL, NULL));
	EXPECT_NE(0, self->nl.err_msg[0]);

	nlh = mon_nl_request(&self->nl, TLSMON_CMD_PEER_GET, 0);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_PEER);
	mnl_attr_put_u16(nlh, TLSMON_PEER_A_FAMILY, AF_INET);
	mnl_attr_put(nlh, TLSMON_PEER_A_LOCAL_ADDR, 4, &a);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, mon_nl_talk(&self->nl, nlh, NULL, NULL));
	EXPECT_NE(NULL, strstr(self->nl.err_msg, "family, addresses and ports"));

	nlh = mon_nl_request(&self->nl, TLSMON_CMD_PEER_GET, 0);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_PEER);
	mnl_attr_put_u16(nlh, TLSMON_PEER_A_FAMILY, AF_INET6);
	mnl_attr_put(nlh, TLSMON_PEER_A_LOCAL_ADDR, 4, &a);
	mnl_attr_put(nlh, TLSMON_PEER_A_PEER_ADDR, 4, &a);
	mnl_attr_put_u16(nlh, TLSMON_PEER_A_LOCAL_PORT, 1);
	mnl_attr_put_u16(nlh, TLSMON_PEER_A_PEER_PORT, 2);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, mon_nl_talk(&self->nl, nlh, NULL, NULL));
	EXPECT_NE(NULL, strstr(self->nl.err_msg, "16 bytes (AF_INET6)"));

	nlh = mon_nl_request(&self->nl, TLSMON_CMD_PEER_GET, 0);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_PEER);
	mnl_attr_put_u16(nlh, TLSMON_PEER_A_FAMILY, AF_INET);
	mnl_attr_put(nlh, TLSMON_PEER_A_LOCAL_ADDR, 4, &a);
	mnl_attr_put(nlh, TLSMON_PEER_A_PEER_ADDR, 4, &a);
	mnl_attr_put_u16(nlh, TLSMON_PEER_A_LOCAL_PORT, 1);
	mnl_attr_put_u16(nlh, TLSMON_PEER_A_PEER_PORT, 2);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-ENOENT, mon_nl_talk(&self->nl, nlh, NULL, NULL));
	EXPECT_NE(NULL, strstr(self->nl.err_msg, "no established TCP connection"));
}

TEST_F(policy, suites_empty_and_full)
{
	unsigned int s[TLSMON_MAX_SUITES], i;
	struct tpol got;

	ASSERT_EQ(0, set_suites(&self->nl, NULL, 0));
	ASSERT_EQ(0, tpol_get(&self->nl, &got));
	EXPECT_EQ(0, got.n_suites);

	for (i = 0; i < TLSMON_MAX_SUITES; i++)
		s[i] = 0xff00 + i;
	ASSERT_EQ(0, set_suites(&self->nl, s, TLSMON_MAX_SUITES));
	ASSERT_EQ(0, tpol_get(&self->nl, &got));
	ASSERT_EQ(TLSMON_MAX_SUITES, got.n_suites);
	for (i = 0; i < TLSMON_MAX_SUITES; i++)
		EXPECT_EQ(s[i], got.suites[i]);
}

TEST_F(policy, too_many_suites)
{
	unsigned int s[TLSMON_MAX_SUITES + 1], i;

	for (i = 0; i <= TLSMON_MAX_SUITES; i++)
		s[i] = 0xff00 + i;
	EXPECT_REFUSED(set_suites(&self->nl, s, TLSMON_MAX_SUITES + 1),
		       E2BIG, "too many cipher suites");
}

TEST_F(policy, duplicate_suites)
{
	static const unsigned int s[] = { 0xff01, 0xff02, 0xff01 };
	const struct nlattr *bad;
	int err;

	err = set_suites(&self->nl, s, 3);
	/* The extack points at the second 0xff01, the third suite. */
	bad = mon_nl_bad_attr(&self->nl);
	ASSERT_NE(NULL, bad);
	EXPECT_EQ(TLSMON_SUITES_A_SUITE, mnl_attr_get_type(bad));
	EXPECT_EQ(0xff01, mnl_attr_get_u16(bad));
	/* each u16 attribute takes 8 bytes: two struct nlattr */
	EXPECT_EQ(0xff02, mnl_attr_get_u16(bad - 2));
	EXPECT_EQ(0xff01, mnl_attr_get_u16(bad - 4));
	EXPECT_REFUSED(err, EINVAL, "duplicate cipher suite");
}

TEST_F(policy, never_negotiated_suites)
{
	static const unsigned int bad[] = { 0x0000, 0x00ff, 0x5600, 0x0a0a, 0xdada };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_REFUSED(set_suites(&self->nl, &bad[i], 1), EINVAL, "");
}

/*
 * A standard suite is what unmodified TLS stacks negotiate: never a
 * monitoring signal. The extack says so and points at it; nothing changes.
 */
TEST_F(policy, standard_suites_refused)
{
	static const unsigned int std[] = {
		0x1301, 0x1302, 0x1303, 0x1304, 0x009c, 0xc02b, 0xc02f, 0xc030,
		0xcca8, 0xcca9, 0xfeff,
	};
	const struct nlattr *bad;
	unsigned int i, s[2];
	struct tpol got;
	int err;

	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++) {
		s[0] = 0xff01;
		s[1] = std[i];
		err = set_suites(&self->nl, s, 2);
		/* the extack points at the standard suite, the second */
		bad = mon_nl_bad_attr(&self->nl);
		ASSERT_NE(NULL, bad);
		EXPECT_EQ(std[i], mnl_attr_get_u16(bad));
		EXPECT_REFUSED(err, EINVAL,
			       "a standard cipher suite is not a monitoring signal: only private-use suites (0xff00-0xffff) can be");
	}
	ASSERT_EQ(0, tpol_get(&self->nl, &got));
	EXPECT_TRUE(tpol_equal(&self->before, &got));
}

TEST_F(policy, consent_ext_rules)
{
	static const unsigned int bad[] = { 0xff01, 0x002b, 0x0000, 0xfeff };
	struct nlattr *nest;
	struct nlmsghdr *nlh;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nlh = set_begin(&self->nl, &nest);
		mnl_attr_put_u16(nlh, TLSMON_POLICY_A_CONSENT_EXT, bad[i]);
		/* the range is the policy's; 0xff01 is the module's rule */
		if (bad[i] == 0xff01)
			EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL,
				       "renegotiation_info");
		else
			EXPECT_REFUSED(set_end(&self->nl, nlh, nest), ERANGE,
				       "out of range");
	}
}

TEST_F(policy, out_of_range_values)
{
	struct nlattr *nest;
	struct nlmsghdr *nlh;

	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 2);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), ERANGE, "");

	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_EXPORT, 255);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), ERANGE, "");

	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_CONSENT, TLSMON_CONSENT_MAX + 1);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), ERANGE, "");

	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MARK, 0x100);
	mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MASK, 0xff);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL,
		       "mark has bits outside its mask");

	/* The mark alone is checked against the mask already in place. */
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MARK, 1);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL,
		       "mark has bits outside its mask");
}

TEST_F(policy, wrong_types)
{
	struct nlattr *nest, *inner;
	struct nlmsghdr *nlh;

	/* u32 where a u8 belongs */
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u32(nlh, TLSMON_POLICY_A_ENABLED, 1);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL, "");

	/* u8 where a u16 belongs */
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_CONSENT_EXT, 0x4d);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL, "");

	/* a string where a u32 belongs */
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_strz(nlh, TLSMON_POLICY_A_MARK, "0x10");
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL, "");

	/* a u32 suite */
	nlh = set_begin(&self->nl, &nest);
	inner = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_SUITES);
	mnl_attr_put_u32(nlh, TLSMON_SUITES_A_SUITE, 0xff01);
	mnl_attr_nest_end(nlh, inner);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL, "");
}

TEST_F(policy, nested_when_flat)
{
	struct nlattr *nest, *inner;
	struct nlmsghdr *nlh;

	nlh = set_begin(&self->nl, &nest);
	inner = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_ENABLED);
	mnl_attr_put_u8(nlh, 1, 1);
	mnl_attr_nest_end(nlh, inner);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL, "");
}

TEST_F(policy, flat_when_nested)
{
	struct nlmsghdr *nlh;

	/* TLSMON_A_POLICY must be a nest, not a u8 */
	nlh = mon_nl_request(&self->nl, TLSMON_CMD_POLICY_SET, 0);
	mnl_attr_put_u8(nlh, TLSMON_A_POLICY, 1);
	EXPECT_REFUSED(mon_nl_talk(&self->nl, nlh, NULL, NULL), EINVAL, "");

	/* suites must be a nest, not a u16 */
	{
		struct nlattr *nest;

		nlh = set_begin(&self->nl, &nest);
		mnl_attr_put_u16(nlh, TLSMON_POLICY_A_SUITES, 0xff01);
		EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL, "");
	}
}

TEST_F(policy, unknown_attributes)
{
	struct nlattr *nest, *inner;
	struct nlmsghdr *nlh;

	/* top level */
	nlh = mon_nl_request(&self->nl, TLSMON_CMD_POLICY_SET, 0);
	mnl_attr_put_u8(nlh, TLSMON_A_MAX + 1, 1);
	EXPECT_REFUSED(mon_nl_talk(&self->nl, nlh, NULL, NULL), EINVAL, "");

	/* inside the policy, beside a valid one */
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 1);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_MAX + 1, 1);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL, "");

	/* inside the suites */
	nlh = set_begin(&self->nl, &nest);
	inner = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_SUITES);
	mnl_attr_put_u16(nlh, TLSMON_SUITES_A_SUITE + 1, 0xff01);
	mnl_attr_nest_end(nlh, inner);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL, "");
}

TEST_F(policy, missing_and_empty)
{
	struct nlattr *nest;
	struct nlmsghdr *nlh;

	nlh = mon_nl_request(&self->nl, TLSMON_CMD_POLICY_SET, 0);
	EXPECT_EQ(-EINVAL, mon_nl_talk(&self->nl, nlh, NULL, NULL));
#ifdef NLMSGERR_ATTR_MISS_TYPE
	EXPECT_EQ(TLSMON_A_POLICY, self->nl.err_missing);
#endif

	nlh = set_begin(&self->nl, &nest);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL,
		       "no policy attribute to change");
}

TEST_F(policy, get_takes_no_attribute)
{
	struct nlattr *nest;
	struct nlmsghdr *nlh;

	nlh = mon_nl_request(&self->nl, TLSMON_CMD_POLICY_GET, 0);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_POLICY);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 1);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_REFUSED(mon_nl_talk(&self->nl, nlh, NULL, NULL), EINVAL, "");
}

/* SESSION_GET selects one socket by cookie, and by nothing else. */
TEST_F(policy, session_get_by_cookie)
{
	struct nlattr *nest;
	struct nlmsghdr *nlh;

	nlh = mon_nl_request(&self->nl, TLSMON_CMD_SESSION_GET, 0);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_SESSION);
	mnl_attr_put_u64(nlh, TLSMON_SESSION_A_COOKIE, 12345);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_REFUSED(mon_nl_talk(&self->nl, nlh, NULL, NULL), ENOENT,
		       "no monitored session has this socket cookie");

	/* a doit without a selector */
	nlh = mon_nl_request(&self->nl, TLSMON_CMD_SESSION_GET, 0);
	EXPECT_EQ(-EINVAL, mon_nl_talk(&self->nl, nlh, NULL, NULL));
#ifdef NLMSGERR_ATTR_MISS_TYPE
	EXPECT_EQ(TLSMON_A_SESSION, self->nl.err_missing);
#endif

	/* a selector without the cookie */
	nlh = mon_nl_request(&self->nl, TLSMON_CMD_SESSION_GET, 0);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_SESSION);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_REFUSED(mon_nl_talk(&self->nl, nlh, NULL, NULL), EINVAL,
		       "a session is selected by its socket cookie");

	/* selecting by anything else, or a cookie of the wrong size */
	nlh = mon_nl_request(&self->nl, TLSMON_CMD_SESSION_GET, 0);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_SESSION);
	mnl_attr_put_u64(nlh, TLSMON_SESSION_A_ID, 1);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_REFUSED(mon_nl_talk(&self->nl, nlh, NULL, NULL), EINVAL, "");
	nlh = mon_nl_request(&self->nl, TLSMON_CMD_SESSION_GET, 0);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_SESSION);
	mnl_attr_put_u32(nlh, TLSMON_SESSION_A_COOKIE, 1);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_REFUSED(mon_nl_talk(&self->nl, nlh, NULL, NULL), EINVAL, "");

	/* the same selector narrows a dump: no such socket, nothing listed */
	nlh = mon_nl_request(&self->nl, TLSMON_CMD_SESSION_GET, NLM_F_DUMP);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_SESSION);
	mnl_attr_put_u64(nlh, TLSMON_SESSION_A_COOKIE, 12345);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(0, mon_nl_talk(&self->nl, nlh, NULL, NULL));
}

TEST_F(policy, unknown_command)
{
	struct nlmsghdr *nlh;

	nlh = mon_nl_request(&self->nl, TLSMON_CMD_MAX + 1, 0);
	EXPECT_EQ(-EOPNOTSUPP, mon_nl_talk(&self->nl, nlh, NULL, NULL));
	nlh = mon_nl_request(&self->nl, TLSMON_CMD_POLICY_NTF, 0);
	EXPECT_EQ(-EOPNOTSUPP, mon_nl_talk(&self->nl, nlh, NULL, NULL));
}

TEST_F(policy, atomic_on_error)
{
	struct nlattr *nest, *inner;
	struct nlmsghdr *nlh;

	/* valid fields first, then a bad suite: nothing may change */
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 1);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_EXPORT, 1);
	mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MARK, 1);
	mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MASK, 1);
	inner = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_SUITES);
	mnl_attr_put_u16(nlh, TLSMON_SUITES_A_SUITE, 0xff01);
	mnl_attr_put_u16(nlh, TLSMON_SUITES_A_SUITE, 0xff01);
	mnl_attr_nest_end(nlh, inner);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL, "duplicate");

	/* a rule across fields, checked on the result */
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 1);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_CONSENT, TLSMON_CONSENT_REQUIRE);
	inner = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_SUITES);
	mnl_attr_nest_end(nlh, inner);
	EXPECT_REFUSED(set_end(&self->nl, nlh, nest), EINVAL, "require");
}

TEST_F(policy, unprivileged_set_refused)
{
	struct mon_nl nl2;
	struct nlattr *nest;
	struct nlmsghdr *nlh;
	struct tpol got;

	ASSERT_EQ(0, drop_cap(CAP_NET_ADMIN));

	/* a socket opened before the drop does not carry the privilege */
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 1);
	EXPECT_EQ(-EPERM, set_end(&self->nl, nlh, nest));

	/* nor does one opened after it; reading still works */
	ASSERT_EQ(0, mon_nl_open(&nl2));
	nlh = set_begin(&nl2, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 1);
	EXPECT_EQ(-EPERM, set_end(&nl2, nlh, nest));
	ASSERT_EQ(0, tpol_get(&nl2, &got));
	EXPECT_TRUE(tpol_equal(&self->before, &got));
	mon_nl_close(&nl2);
}

TEST_F(policy, notification)
{
	struct mon_nl listener;
	struct nlattr *nest;
	struct nlmsghdr *nlh;
	struct tpol got, now;

	ASSERT_EQ(0, events_listen(&listener, 500));

	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 1);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_CONSENT, TLSMON_CONSENT_REQUIRE);
	ASSERT_EQ(0, set_end(&self->nl, nlh, nest));
	ASSERT_EQ(TLSMON_CMD_POLICY_NTF, events_recv(&listener, &got));
	ASSERT_EQ(0, tpol_get(&self->nl, &now));
	EXPECT_TRUE(tpol_equal(&now, &got));
	EXPECT_EQ(1, got.enabled);

	/* a refused change notifies nobody */
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 7);
	EXPECT_NE(0, set_end(&self->nl, nlh, nest));
	EXPECT_EQ(-EAGAIN, events_recv(&listener, &got));
	mon_nl_close(&listener);
}

TEST_F(policy, notification_stays_in_namespace)
{
	struct mon_nl listener;
	struct nlattr *nest;
	struct nlmsghdr *nlh;
	struct tpol got;

	ASSERT_EQ(0, events_listen(&listener, 500));
	/* The policy socket moves to a new namespace; the listener stays. */
	mon_nl_close(&self->nl);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, mon_nl_open(&self->nl));
	nlh = set_begin(&self->nl, &nest);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 1);
	ASSERT_EQ(0, set_end(&self->nl, nlh, nest));
	EXPECT_EQ(-EAGAIN, events_recv(&listener, &got));
	mon_nl_close(&listener);
}

TEST_HARNESS_MAIN
