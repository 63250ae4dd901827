// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the policy rules (module/policy_rules.c), the same
 * source the module builds.
 */
#include "../../module/policy_rules.h"
#include "kselftest_harness.h"

TEST(defaults)
{
	struct tlsmon_policy p;
	static const u16 want[] = { 0xff01, 0xff02, 0xff03, 0xff04, 0xff2b,
				    0xff2c, 0xff2f, 0xff30, 0xffa8, 0xffa9 };
	size_t i;

	memset(&p, 0xa5, sizeof(p));
	tlsmon_policy_defaults(&p);
	EXPECT_FALSE(p.enabled);
	EXPECT_FALSE(p.export);
	EXPECT_EQ(TLSMON_CONSENT_ACCEPT, p.consent);
	EXPECT_EQ(0xff4d, p.consent_ext);
	EXPECT_EQ(0, p.mark);
	EXPECT_EQ(0, p.mask);
	ASSERT_EQ(sizeof(want) / sizeof(want[0]), p.n_suites);
	for (i = 0; i < p.n_suites; i++)
		EXPECT_EQ(want[i], p.suites[i]);
	for (i = p.n_suites; i < TLSMON_MAX_SUITES; i++)
		EXPECT_EQ(0, p.suites[i]);
	EXPECT_EQ(0, tlsmon_policy_check(&p, &(const char *){ NULL }));
}

TEST(grease_values)
{
	unsigned int v, n = 0;

	for (v = 0; v <= 0xffff; v++)
		if (tlsmon_is_grease(v)) {
			EXPECT_EQ(0x0a, v & 0x0f);
			EXPECT_EQ(v >> 8, v & 0xff);
			n++;
		}
	EXPECT_EQ(16, n);
	EXPECT_TRUE(tlsmon_is_grease(0x0a0a));
	EXPECT_TRUE(tlsmon_is_grease(0xfafa));
	EXPECT_FALSE(tlsmon_is_grease(0x0a1a));
}

TEST(suite_check)
{
	const char *why = NULL;

	EXPECT_EQ(-EINVAL, tlsmon_suite_check(0x0000, &why));
	EXPECT_NE(NULL, why);
	EXPECT_EQ(-EINVAL, tlsmon_suite_check(0x00ff, &why));
	EXPECT_EQ(-EINVAL, tlsmon_suite_check(0x5600, &why));
	EXPECT_EQ(-EINVAL, tlsmon_suite_check(0x3a3a, &why));
	EXPECT_EQ(0, tlsmon_suite_check(0xff00, &why));
	EXPECT_EQ(0, tlsmon_suite_check(0xff01, &why));
	EXPECT_EQ(0, tlsmon_suite_check(0xffff, &why));
	/* a standard suite is what unmodified stacks negotiate: no signal */
	why = NULL;
	EXPECT_EQ(-EINVAL, tlsmon_suite_check(0x1301, &why));
	EXPECT_STREQ("a standard cipher suite is not a monitoring signal: only private-use suites (0xff00-0xffff) can be",
		     why);
	EXPECT_EQ(-EINVAL, tlsmon_suite_check(0x1302, &why));
	EXPECT_EQ(-EINVAL, tlsmon_suite_check(0xc02f, &why));
	EXPECT_EQ(-EINVAL, tlsmon_suite_check(0xcca8, &why));
	EXPECT_EQ(-EINVAL, tlsmon_suite_check(0xfeff, &why));
}

TEST(suites_add_limits)
{
	struct tlsmon_policy p = { 0 };
	const char *why = NULL;
	unsigned int i;

	for (i = 0; i < TLSMON_MAX_SUITES; i++)
		ASSERT_EQ(0, tlsmon_suites_add(&p, 0xff00 + i, &why));
	EXPECT_EQ(TLSMON_MAX_SUITES, p.n_suites);
	EXPECT_EQ(-E2BIG, tlsmon_suites_add(&p, 0xfff0, &why));
	EXPECT_STREQ("too many cipher suites (at most 64)", why);
	EXPECT_EQ(TLSMON_MAX_SUITES, p.n_suites);
	/* A duplicate is reported as such even when the set is full. */
	EXPECT_EQ(-EINVAL, tlsmon_suites_add(&p, 0xff00, &why));
	EXPECT_STREQ("duplicate cipher suite", why);
}

TEST(suites_add_duplicate)
{
	struct tlsmon_policy p = { 0 };
	const char *why = NULL;

	EXPECT_EQ(0, tlsmon_suites_add(&p, 0xff01, &why));
	EXPECT_EQ(0, tlsmon_suites_add(&p, 0xff02, &why));
	EXPECT_EQ(-EINVAL, tlsmon_suites_add(&p, 0xff01, &why));
	EXPECT_STREQ("duplicate cipher suite", why);
	EXPECT_EQ(2, p.n_suites);
	EXPECT_EQ(-EINVAL, tlsmon_suites_add(&p, 0x1301, &why));
	EXPECT_EQ(2, p.n_suites);
	EXPECT_EQ(-EINVAL, tlsmon_suites_add(&p, 0x0a0a, &why));
	EXPECT_EQ(2, p.n_suites);
}

TEST(consent_ext_check)
{
	const char *why = NULL;

	EXPECT_EQ(0, tlsmon_consent_ext_check(0xff4d, &why));
	EXPECT_EQ(0, tlsmon_consent_ext_check(0xff00, &why));
	EXPECT_EQ(0, tlsmon_consent_ext_check(0xffff, &why));
	EXPECT_EQ(-EINVAL, tlsmon_consent_ext_check(0xff01, &why));
	EXPECT_NE(NULL, strstr(why, "renegotiation_info"));
	EXPECT_EQ(-EINVAL, tlsmon_consent_ext_check(0x002b, &why));
	EXPECT_EQ(-EINVAL, tlsmon_consent_ext_check(0xfeff, &why));
	EXPECT_EQ(-EINVAL, tlsmon_consent_ext_check(0, &why));
}

TEST(mark_check)
{
	const char *why = NULL;

	EXPECT_EQ(0, tlsmon_mark_check(0, 0, &why));
	EXPECT_EQ(0, tlsmon_mark_check(0x10, 0xf0, &why));
	EXPECT_EQ(0, tlsmon_mark_check(0xffffffff, 0xffffffff, &why));
	EXPECT_EQ(-EINVAL, tlsmon_mark_check(0x100, 0xff, &why));
	EXPECT_EQ(-EINVAL, tlsmon_mark_check(1, 0, &why));
}

TEST(apply_only_given_fields)
{
	struct tlsmon_policy p, before;
	struct tlsmon_policy_change c = { 0 };

	tlsmon_policy_defaults(&p);
	before = p;
	tlsmon_policy_apply(&p, &c);
	EXPECT_EQ(0, memcmp(&p, &before, sizeof(p)));

	c.val.enabled = true;
	c.val.export = true;	/* not given: must not apply */
	c.val.mark = 7;
	c.given = TLSMON_POLICY_F(TLSMON_POLICY_A_ENABLED);
	tlsmon_policy_apply(&p, &c);
	EXPECT_TRUE(p.enabled);
	EXPECT_FALSE(p.export);
	EXPECT_EQ(0, p.mark);
	EXPECT_EQ(before.n_suites, p.n_suites);
}

TEST(apply_suites_replace_and_empty)
{
	struct tlsmon_policy p;
	struct tlsmon_policy_change c = { 0 };

	tlsmon_policy_defaults(&p);
	c.given = TLSMON_POLICY_F(TLSMON_POLICY_A_SUITES);
	c.val.n_suites = 1;
	c.val.suites[0] = 0x1301;
	tlsmon_policy_apply(&p, &c);
	EXPECT_EQ(1, p.n_suites);
	EXPECT_TRUE(tlsmon_policy_has_suite(&p, 0x1301));
	EXPECT_FALSE(tlsmon_policy_has_suite(&p, 0xff01));

	c.val.n_suites = 0;
	tlsmon_policy_apply(&p, &c);
	EXPECT_EQ(0, p.n_suites);
	EXPECT_FALSE(tlsmon_policy_has_suite(&p, 0x1301));
}

TEST(check_whole_policy)
{
	struct tlsmon_policy p;
	const char *why = NULL;

	tlsmon_policy_defaults(&p);
	p.consent = TLSMON_CONSENT_MAX + 1;
	EXPECT_EQ(-EINVAL, tlsmon_policy_check(&p, &why));

	tlsmon_policy_defaults(&p);
	p.consent = TLSMON_CONSENT_REQUIRE;
	EXPECT_EQ(0, tlsmon_policy_check(&p, &why));
	p.n_suites = 0;
	EXPECT_EQ(-EINVAL, tlsmon_policy_check(&p, &why));
	EXPECT_NE(NULL, strstr(why, "require"));

	tlsmon_policy_defaults(&p);
	p.mark = 0x3;
	p.mask = 0x1;
	EXPECT_EQ(-EINVAL, tlsmon_policy_check(&p, &why));
	EXPECT_STREQ("mark has bits outside its mask", why);

	tlsmon_policy_defaults(&p);
	p.consent_ext = 0xff01;
	EXPECT_EQ(-EINVAL, tlsmon_policy_check(&p, &why));
}

TEST(policy_diff)
{
	struct tlsmon_policy a, b;

	tlsmon_policy_defaults(&a);
	b = a;
	EXPECT_EQ(0, tlsmon_policy_diff(&a, &b));
	b.enabled = true;
	b.mark = 1;
	b.mask = 1;
	EXPECT_EQ(TLSMON_POLICY_F(TLSMON_POLICY_A_ENABLED) |
		  TLSMON_POLICY_F(TLSMON_POLICY_A_MARK) |
		  TLSMON_POLICY_F(TLSMON_POLICY_A_MASK), tlsmon_policy_diff(&a, &b));
	b = a;
	/* same length, other order: the list differs */
	b.suites[0] = a.suites[1];
	b.suites[1] = a.suites[0];
	EXPECT_EQ(TLSMON_POLICY_F(TLSMON_POLICY_A_SUITES), tlsmon_policy_diff(&a, &b));
	b = a;
	b.n_suites--;
	EXPECT_EQ(TLSMON_POLICY_F(TLSMON_POLICY_A_SUITES), tlsmon_policy_diff(&a, &b));
	b = a;
	b.consent = TLSMON_CONSENT_OFF;
	b.consent_ext = 0xff4e;
	b.export = true;
	EXPECT_EQ(TLSMON_POLICY_F(TLSMON_POLICY_A_CONSENT) |
		  TLSMON_POLICY_F(TLSMON_POLICY_A_CONSENT_EXT) |
		  TLSMON_POLICY_F(TLSMON_POLICY_A_EXPORT), tlsmon_policy_diff(&a, &b));
	/* export links: one more, then one other */
	b = a;
	b.links[b.n_links++] = 3;
	EXPECT_EQ(TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS), tlsmon_policy_diff(&a, &b));
	a = b;
	b.links[0] = 4;
	EXPECT_EQ(TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS), tlsmon_policy_diff(&a, &b));
	/* a links change while monitoring is on widens it */
	a.enabled = true;
	b.enabled = true;
	EXPECT_TRUE(tlsmon_policy_widens(&a, &b));
}

TEST(policy_widens)
{
	struct tlsmon_policy off, on, p;

	tlsmon_policy_defaults(&off);
	on = off;
	on.enabled = true;

	/* turning on widens, off does not */
	EXPECT_TRUE(tlsmon_policy_widens(&off, &on));
	EXPECT_FALSE(tlsmon_policy_widens(&on, &off));
	p = off;
	p.export = true;
	EXPECT_TRUE(tlsmon_policy_widens(&off, &p));
	EXPECT_FALSE(tlsmon_policy_widens(&p, &off));
	/* export off while monitoring stays on narrows */
	p = on;
	p.export = true;
	EXPECT_FALSE(tlsmon_policy_widens(&p, &on));
	/* what is inert while both are off may change */
	p = off;
	p.n_suites = 1;
	p.consent = TLSMON_CONSENT_REQUIRE;
	p.mark = 4;
	p.mask = 4;
	EXPECT_FALSE(tlsmon_policy_widens(&off, &p));
	/* any of it while either is on widens */
	p = on;
	p.n_suites = 1;
	EXPECT_TRUE(tlsmon_policy_widens(&on, &p));
	p = on;
	p.mark = 4;
	p.mask = 4;
	EXPECT_TRUE(tlsmon_policy_widens(&on, &p));
	p = off;
	p.export = true;
	on = p;
	on.consent = TLSMON_CONSENT_OFF;
	EXPECT_TRUE(tlsmon_policy_widens(&p, &on));
	/* no change never widens */
	EXPECT_FALSE(tlsmon_policy_widens(&on, &on));
	/* turned off along with another change: narrowing */
	p = on;
	p.export = false;
	p.n_suites = 2;
	EXPECT_FALSE(tlsmon_policy_widens(&on, &p));
}

TEST(defaults_no_links)
{
	struct tlsmon_policy p;

	memset(&p, 0xa5, sizeof(p));
	tlsmon_policy_defaults(&p);
	EXPECT_EQ(0, p.n_links);
	EXPECT_FALSE(tlsmon_policy_has_link(&p, 1));
}

TEST(links_add_limits)
{
	struct tlsmon_policy p;
	const char *why = NULL;
	u32 i;

	tlsmon_policy_defaults(&p);
	EXPECT_EQ(-EINVAL, tlsmon_links_add(&p, 0, &why));
	EXPECT_EQ(-EINVAL, tlsmon_links_add(&p, 0x80000000u, &why));
	EXPECT_EQ(0, p.n_links);
	for (i = 1; i <= TLSMON_MAX_LINKS; i++)
		ASSERT_EQ(0, tlsmon_links_add(&p, i + 100, &why));
	EXPECT_EQ(TLSMON_MAX_LINKS, p.n_links);
	why = NULL;
	EXPECT_EQ(-E2BIG, tlsmon_links_add(&p, 999, &why));
	EXPECT_NE(NULL, why);
	EXPECT_EQ(TLSMON_MAX_LINKS, p.n_links);
	EXPECT_TRUE(tlsmon_policy_has_link(&p, 101));
	EXPECT_FALSE(tlsmon_policy_has_link(&p, 999));
}

TEST(links_add_duplicate)
{
	struct tlsmon_policy p;
	const char *why = NULL;

	tlsmon_policy_defaults(&p);
	ASSERT_EQ(0, tlsmon_links_add(&p, 3, &why));
	EXPECT_EQ(-EINVAL, tlsmon_links_add(&p, 3, &why));
	EXPECT_STREQ("duplicate export link", why);
	EXPECT_EQ(1, p.n_links);
}

TEST(links_drop_keeps_order)
{
	struct tlsmon_policy p;
	const char *why;

	tlsmon_policy_defaults(&p);
	tlsmon_links_add(&p, 5, &why);
	tlsmon_links_add(&p, 7, &why);
	tlsmon_links_add(&p, 9, &why);
	EXPECT_FALSE(tlsmon_policy_drop_link(&p, 8));
	EXPECT_EQ(3, p.n_links);
	EXPECT_TRUE(tlsmon_policy_drop_link(&p, 7));
	ASSERT_EQ(2, p.n_links);
	EXPECT_EQ(5, p.links[0]);
	EXPECT_EQ(9, p.links[1]);
	EXPECT_EQ(0, p.links[2]);
	EXPECT_FALSE(tlsmon_policy_has_link(&p, 7));
	EXPECT_TRUE(tlsmon_policy_drop_link(&p, 5));
	EXPECT_TRUE(tlsmon_policy_drop_link(&p, 9));
	EXPECT_EQ(0, p.n_links);
}

TEST(apply_links_replace_and_empty)
{
	struct tlsmon_policy p;
	struct tlsmon_policy_change c;
	const char *why;

	tlsmon_policy_defaults(&p);
	tlsmon_links_add(&p, 2, &why);
	memset(&c, 0, sizeof(c));
	c.given = TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS);
	tlsmon_links_add(&c.val, 4, &why);
	tlsmon_links_add(&c.val, 6, &why);
	tlsmon_policy_apply(&p, &c);
	ASSERT_EQ(2, p.n_links);
	EXPECT_EQ(4, p.links[0]);
	EXPECT_EQ(6, p.links[1]);

	/* a change of other fields keeps the links */
	memset(&c, 0, sizeof(c));
	c.given = TLSMON_POLICY_F(TLSMON_POLICY_A_ENABLED);
	c.val.enabled = true;
	tlsmon_policy_apply(&p, &c);
	EXPECT_EQ(2, p.n_links);

	/* an empty nest empties the list */
	memset(&c, 0, sizeof(c));
	c.given = TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS);
	tlsmon_policy_apply(&p, &c);
	EXPECT_EQ(0, p.n_links);
}

TEST(export_needs_a_link)
{
	u32 export = TLSMON_POLICY_F(TLSMON_POLICY_A_EXPORT);
	u32 links = TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS);
	u32 other = TLSMON_POLICY_F(TLSMON_POLICY_A_ENABLED);
	struct tlsmon_policy p;
	const char *why = NULL;

	tlsmon_policy_defaults(&p);
	p.export = true;
	EXPECT_EQ(-EINVAL, tlsmon_export_links_check(&p, export, &why));
	ASSERT_NE(NULL, why);
	EXPECT_NE(NULL, strstr(why, "monctl policy set links DEV"));
	EXPECT_EQ(-EINVAL, tlsmon_export_links_check(&p, links, &why));
	/* a link that went away must not make unrelated changes fail */
	EXPECT_EQ(0, tlsmon_export_links_check(&p, other, &why));
	tlsmon_links_add(&p, 2, &why);
	EXPECT_EQ(0, tlsmon_export_links_check(&p, export | links, &why));
	p.export = false;
	p.n_links = 0;
	EXPECT_EQ(0, tlsmon_export_links_check(&p, export | links, &why));
}

TEST_HARNESS_MAIN
