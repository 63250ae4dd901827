// SPDX-License-Identifier: GPL-2.0
/*
 * Rules of the monitoring policy: defaults and the checks applied to every
 * change. Each check returns 0 or a negative errno and, on error, points
 * @why at a message fit for a netlink extack (static storage).
 */
#include "policy_rules.h"

static const u16 tlsmon_default_suites[] = {
	TLSMON_SUITE_AES_128_GCM_SHA256,
	TLSMON_SUITE_AES_256_GCM_SHA384,
	TLSMON_SUITE_CHACHA20_POLY1305_SHA256,
	TLSMON_SUITE_AES_128_CCM_SHA256,
	TLSMON_SUITE_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	TLSMON_SUITE_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	TLSMON_SUITE_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	TLSMON_SUITE_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	TLSMON_SUITE_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	TLSMON_SUITE_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
};

/**
 * tlsmon_policy_defaults() - fill @p with the policy of a new namespace
 * @p: policy to initialise
 *
 * Monitoring is off and nothing is exported until the operator says so;
 * the monitored set is the private-use _MON suites and the consent
 * extension is accepted, so that turning monitoring on needs one step.
 */
void tlsmon_policy_defaults(struct tlsmon_policy *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->consent = TLSMON_CONSENT_ACCEPT;
	p->consent_ext = TLSMON_CONSENT_EXT_DEFAULT;
	for (i = 0; i < sizeof(tlsmon_default_suites) / sizeof(u16); i++)
		p->suites[i] = tlsmon_default_suites[i];
	p->n_suites = i;
}

/**
 * tlsmon_is_grease() - is @value a GREASE code point (RFC 8701)?
 * @value: cipher suite or extension code point
 *
 * Clients send GREASE values at random to keep servers tolerant; no server
 * ever selects one, so they can never signal anything.
 */
bool tlsmon_is_grease(u16 value)
{
	return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
}

/**
 * tlsmon_suite_check() - may @suite be listed as a monitored suite?
 * @suite: IANA cipher suite code point
 * @why: set to the reason on error
 *
 * A monitoring suite is a signal that both ends chose to send: a client
 * offers it only when configured to accept monitoring, and a server
 * selects it only then. Only the private-use range (0xff00-0xffff) is
 * free of an assigned meaning; a standard suite is what unmodified TLS
 * stacks negotiate every day, and listing one would monitor sessions
 * whose ends never agreed to it. GREASE values are never negotiated.
 *
 * Return: 0, or -EINVAL for a code point that cannot be a signal.
 */
int tlsmon_suite_check(u16 suite, const char **why)
{
	static const char *const msg[] = {
		"GREASE cipher suite values are never negotiated",
		"a standard cipher suite is not a monitoring signal: only private-use suites (0xff00-0xffff) can be",
	};

	if (tlsmon_is_grease(suite)) {
		*why = msg[0];
		return -EINVAL;
	}
	if (suite < 0xff00) {
		*why = msg[1];
		return -EINVAL;
	}
	return 0;
}

/**
 * tlsmon_suites_add() - append @suite to the monitored set of @p
 * @p: policy being built
 * @suite: IANA cipher suite code point
 * @why: set to the reason on error
 *
 * Return: 0, -EINVAL for an invalid or duplicate suite, -E2BIG when the set
 * already holds TLSMON_MAX_SUITES suites.
 */
int tlsmon_suites_add(struct tlsmon_policy *p, u16 suite, const char **why)
{
	int err;

	err = tlsmon_suite_check(suite, why);
	if (err)
		return err;
	if (tlsmon_policy_has_suite(p, suite)) {
		*why = "duplicate cipher suite";
		return -EINVAL;
	}
	if (p->n_suites >= TLSMON_MAX_SUITES) {
		*why = "too many cipher suites (at most 64)";
		return -E2BIG;
	}
	p->suites[p->n_suites++] = suite;
	return 0;
}

/**
 * tlsmon_consent_ext_check() - may @ext be the consent extension?
 * @ext: TLS extension code point
 * @why: set to the reason on error
 *
 * Only the private-use range is free of assigned meaning; 0xFF01 lies in it
 * but is renegotiation_info (RFC 5746), sent by every TLS 1.2 stack.
 *
 * Return: 0 or -EINVAL.
 */
int tlsmon_consent_ext_check(u16 ext, const char **why)
{
	if (ext == 0xff01) {
		*why = "extension 0xff01 is renegotiation_info, not a private-use code point";
		return -EINVAL;
	}
	if (ext < 0xff00) {
		*why = "consent extension must be a private-use code point (0xff00-0xffff)";
		return -EINVAL;
	}
	return 0;
}

/**
 * tlsmon_mark_check() - is @mark/@mask a valid socket mark rule?
 * @mark: value to set
 * @mask: bits of sk_mark to replace
 * @why: set to the reason on error
 *
 * Return: 0, or -EINVAL when @mark has bits outside @mask (they would be
 * silently dropped).
 */
int tlsmon_mark_check(u32 mark, u32 mask, const char **why)
{
	if (mark & ~mask) {
		*why = "mark has bits outside its mask";
		return -EINVAL;
	}
	return 0;
}

/**
 * tlsmon_policy_has_suite() - is @suite in the monitored set of @p?
 * @p: policy
 * @suite: negotiated cipher suite
 *
 * A linear scan: the set is at most 64 entries and is consulted once per
 * handshake, never per packet.
 */
bool tlsmon_policy_has_suite(const struct tlsmon_policy *p, u16 suite)
{
	u16 i;

	for (i = 0; i < p->n_suites; i++)
		if (p->suites[i] == suite)
			return true;
	return false;
}

/**
 * tlsmon_policy_apply() - merge the fields given in @c into @p
 * @p: a private copy of the current policy
 * @c: the change; each field it carries was checked on its own already
 *
 * Rules across fields are checked afterwards on the result, by
 * tlsmon_policy_check(), so that a change is judged by what it produces.
 */
void tlsmon_policy_apply(struct tlsmon_policy *p,
			 const struct tlsmon_policy_change *c)
{
	const struct tlsmon_policy *v = &c->val;

	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_ENABLED))
		p->enabled = v->enabled;
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_EXPORT))
		p->export = v->export;
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_CONSENT))
		p->consent = v->consent;
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_CONSENT_EXT))
		p->consent_ext = v->consent_ext;
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_MARK))
		p->mark = v->mark;
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_MASK))
		p->mask = v->mask;
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_SUITES)) {
		memcpy(p->suites, v->suites, v->n_suites * sizeof(u16));
		p->n_suites = v->n_suites;
	}
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS)) {
		memcpy(p->links, v->links, v->n_links * sizeof(u32));
		p->n_links = v->n_links;
	}
}

/**
 * tlsmon_links_add() - append export link @ifindex to @p
 * @p: policy being built
 * @ifindex: interface index in the policy's namespace
 * @why: set to the reason on error
 *
 * Whether the interface exists and may carry keys is for the kernel to
 * check; this is the list's own shape.
 *
 * Return: 0, -EINVAL for index 0 or a duplicate, -E2BIG past
 * TLSMON_MAX_LINKS.
 */
int tlsmon_links_add(struct tlsmon_policy *p, u32 ifindex, const char **why)
{
	if (!ifindex || ifindex > 0x7fffffff) {
		*why = "interface index out of range";
		return -EINVAL;
	}
	if (tlsmon_policy_has_link(p, ifindex)) {
		*why = "duplicate export link";
		return -EINVAL;
	}
	if (p->n_links >= TLSMON_MAX_LINKS) {
		*why = "too many export links (at most 16)";
		return -E2BIG;
	}
	p->links[p->n_links++] = ifindex;
	return 0;
}

/**
 * tlsmon_policy_has_link() - is @ifindex an export link of @p?
 * @p: policy
 * @ifindex: interface index
 */
bool tlsmon_policy_has_link(const struct tlsmon_policy *p, u32 ifindex)
{
	u16 i;

	for (i = 0; i < p->n_links; i++)
		if (p->links[i] == ifindex)
			return true;
	return false;
}

/**
 * tlsmon_policy_drop_link() - remove @ifindex from the export links of @p
 * @p: policy
 * @ifindex: interface index
 *
 * The order of the other links is kept.
 *
 * Return: whether @ifindex was listed.
 */
bool tlsmon_policy_drop_link(struct tlsmon_policy *p, u32 ifindex)
{
	u16 i, j;

	for (i = 0, j = 0; i < p->n_links; i++)
		if (p->links[i] != ifindex)
			p->links[j++] = p->links[i];
	if (j == p->n_links)
		return false;
	p->links[j] = 0;
	p->n_links = j;
	return true;
}

/**
 * tlsmon_export_links_check() - export on needs a link to export on
 * @p: policy about to be published
 * @given: TLSMON_POLICY_F_* bits of the change that produced it
 * @why: set to the reason on error
 *
 * Checked only when the change gives export or links: an interface that
 * goes away empties the list without turning export off, and changes of
 * other fields must not fail for that.
 *
 * Return: 0 or -EINVAL.
 */
int tlsmon_export_links_check(const struct tlsmon_policy *p, u32 given,
			      const char **why)
{
	if (!(given & (TLSMON_POLICY_F(TLSMON_POLICY_A_EXPORT) |
		       TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS))))
		return 0;
	if (p->export && !p->n_links) {
		*why = "key export needs at least one export link: monctl policy set links DEV";
		return -EINVAL;
	}
	return 0;
}

/**
 * tlsmon_policy_check() - the rules a whole policy must satisfy
 * @p: policy about to be published
 * @why: set to the reason on error
 *
 * Return: 0 or -EINVAL.
 */
int tlsmon_policy_check(const struct tlsmon_policy *p, const char **why)
{
	if (p->consent > TLSMON_CONSENT_MAX) {
		*why = "unknown consent mode";
		return -EINVAL;
	}
	if (p->consent == TLSMON_CONSENT_REQUIRE && !p->n_suites) {
		*why = "consent mode require needs at least one monitored suite";
		return -EINVAL;
	}
	if (tlsmon_consent_ext_check(p->consent_ext, why))
		return -EINVAL;
	return tlsmon_mark_check(p->mark, p->mask, why);
}

/**
 * tlsmon_policy_diff() - which fields of two policies differ
 * @a: one policy
 * @b: the other
 *
 * The suites are compared as lists (their order is the operator's).
 * Return: TLSMON_POLICY_F() bits of the fields that differ.
 */
u32 tlsmon_policy_diff(const struct tlsmon_policy *a,
		       const struct tlsmon_policy *b)
{
	u32 d = 0;

	if (a->enabled != b->enabled)
		d |= TLSMON_POLICY_F(TLSMON_POLICY_A_ENABLED);
	if (a->export != b->export)
		d |= TLSMON_POLICY_F(TLSMON_POLICY_A_EXPORT);
	if (a->consent != b->consent)
		d |= TLSMON_POLICY_F(TLSMON_POLICY_A_CONSENT);
	if (a->consent_ext != b->consent_ext)
		d |= TLSMON_POLICY_F(TLSMON_POLICY_A_CONSENT_EXT);
	if (a->mark != b->mark)
		d |= TLSMON_POLICY_F(TLSMON_POLICY_A_MARK);
	if (a->mask != b->mask)
		d |= TLSMON_POLICY_F(TLSMON_POLICY_A_MASK);
	if (a->n_suites != b->n_suites ||
	    memcmp(a->suites, b->suites, a->n_suites * sizeof(u16)))
		d |= TLSMON_POLICY_F(TLSMON_POLICY_A_SUITES);
	if (a->n_links != b->n_links ||
	    memcmp(a->links, b->links, a->n_links * sizeof(u32)))
		d |= TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS);
	return d;
}

/**
 * tlsmon_policy_widens() - does going from @old to @new widen monitoring?
 * @old: the policy in force
 * @new: the policy a change would publish
 *
 * Turning monitoring or export on widens it; so does any other change
 * (suites, consent, mark) made while either is on, as it changes what is
 * monitored or how. Turning either off, or changing what is inert while
 * both are off, does not.
 * Return: whether the change needs the privilege to widen monitoring.
 */
bool tlsmon_policy_widens(const struct tlsmon_policy *old,
			  const struct tlsmon_policy *new)
{
	u32 onoff = TLSMON_POLICY_F(TLSMON_POLICY_A_ENABLED) |
		    TLSMON_POLICY_F(TLSMON_POLICY_A_EXPORT);

	if ((new->enabled && !old->enabled) || (new->export && !old->export))
		return true;
	return (new->enabled || new->export) &&
	       (tlsmon_policy_diff(old, new) & ~onoff);
}
