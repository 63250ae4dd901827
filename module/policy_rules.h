/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The monitoring policy of one network namespace and the rules every
 * change to it must satisfy. Pure logic: no kernel dependency, so the host
 * unit tests exercise exactly the code the module runs.
 */
#ifndef _TLSMON_POLICY_RULES_H
#define _TLSMON_POLICY_RULES_H

#include "pure.h"
#include <linux/tlsmon.h>

/**
 * struct tlsmon_policy - what one network namespace monitors
 * @enabled: monitoring is on in this namespace (default off)
 * @export: keys of tagged sessions may be exported (default off)
 * @consent: enum tlsmon_consent
 * @consent_ext: code point of the consent extension
 * @n_suites: number of valid entries in @suites
 * @n_links: number of valid entries in @links
 * @mark: value set in a tagged socket's sk_mark, inside @mask
 * @mask: bits of sk_mark that @mark replaces; 0 leaves sk_mark alone
 * @suites: monitored cipher suites, in the order the operator gave them
 * @links: ifindexes of the export links: the only interfaces whose peers
 *	may receive keys, in the order the operator gave them
 */
struct tlsmon_policy {
	bool enabled;
	bool export;
	u8 consent;
	u16 consent_ext;
	u16 n_suites;
	u16 n_links;
	u32 mark;
	u32 mask;
	u16 suites[TLSMON_MAX_SUITES];
	u32 links[TLSMON_MAX_LINKS];
};

/**
 * struct tlsmon_policy_change - a requested change of a policy
 * @given: TLSMON_POLICY_F_* bits of the fields that change
 * @val: new values of those fields; the others are ignored
 */
struct tlsmon_policy_change {
	u32 given;
	struct tlsmon_policy val;
};

#define TLSMON_POLICY_F(attr)	(1U << (attr))

void tlsmon_policy_apply(struct tlsmon_policy *p,
			 const struct tlsmon_policy_change *c);
int tlsmon_policy_check(const struct tlsmon_policy *p, const char **why);
void tlsmon_policy_defaults(struct tlsmon_policy *p);
int tlsmon_suite_check(u16 suite, const char **why);
int tlsmon_suites_add(struct tlsmon_policy *p, u16 suite, const char **why);
int tlsmon_consent_ext_check(u16 ext, const char **why);
int tlsmon_mark_check(u32 mark, u32 mask, const char **why);
bool tlsmon_policy_has_suite(const struct tlsmon_policy *p, u16 suite);
bool tlsmon_is_grease(u16 value);
u32 tlsmon_policy_diff(const struct tlsmon_policy *a,
		       const struct tlsmon_policy *b);
bool tlsmon_policy_widens(const struct tlsmon_policy *old,
			  const struct tlsmon_policy *new);
int tlsmon_links_add(struct tlsmon_policy *p, u32 ifindex, const char **why);
bool tlsmon_policy_has_link(const struct tlsmon_policy *p, u32 ifindex);
bool tlsmon_policy_drop_link(struct tlsmon_policy *p, u32 ifindex);
int tlsmon_export_links_check(const struct tlsmon_policy *p, u32 given,
			      const char **why);

#endif /* _TLSMON_POLICY_RULES_H */
