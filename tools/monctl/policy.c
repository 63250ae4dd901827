// SPDX-License-Identifier: GPL-2.0
/*
 * monctl policy: show and change the monitoring policy of the current
 * network namespace.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/tlsmon.h>

#include "json.h"
#include "monctl.h"
#include "nl.h"
#include "policy_rules.h"
#include "suites.h"

const char *const consent_names[TLSMON_CONSENT_MAX + 1] = {
	[TLSMON_CONSENT_OFF] = "off",
	[TLSMON_CONSENT_ACCEPT] = "accept",
	[TLSMON_CONSENT_REQUIRE] = "require",
};

static int policy_attr_cb(const struct nlattr *attr, void *data)
{
	struct policy *p = data;
	const struct nlattr *s;
	int type = mnl_attr_get_type(attr);

	switch (type) {
	case TLSMON_POLICY_A_ENABLED:
	case TLSMON_POLICY_A_EXPORT:
	case TLSMON_POLICY_A_CONSENT:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		if (type == TLSMON_POLICY_A_ENABLED)
			p->enabled = mnl_attr_get_u8(attr);
		else if (type == TLSMON_POLICY_A_EXPORT)
			p->export = mnl_attr_get_u8(attr);
		else
			p->consent = mnl_attr_get_u8(attr);
		break;
	case TLSMON_POLICY_A_CONSENT_EXT:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		p->consent_ext = mnl_attr_get_u16(attr);
		break;
	case TLSMON_POLICY_A_MARK:
	case TLSMON_POLICY_A_MASK:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		if (type == TLSMON_POLICY_A_MARK)
			p->mark = mnl_attr_get_u32(attr);
		else
			p->mask = mnl_attr_get_u32(attr);
		break;
	case TLSMON_POLICY_A_SUITES:
		mnl_attr_for_each_nested(s, attr) {
			if (mnl_attr_get_type(s) != TLSMON_SUITES_A_SUITE ||
			    mnl_attr_validate(s, MNL_TYPE_U16) < 0 ||
			    p->n_suites >= TLSMON_MAX_SUITES)
				return MNL_CB_ERROR;
			p->suites[p->n_suites++] = mnl_attr_get_u16(s);
		}
		break;
	case TLSMON_POLICY_A_LINKS:
		mnl_attr_for_each_nested(s, attr) {
			if (mnl_attr_get_type(s) != TLSMON_LINKS_A_IFINDEX ||
			    mnl_attr_validate(s, MNL_TYPE_U32) < 0 ||
			    p->n_links >= TLSMON_MAX_LINKS)
				return MNL_CB_ERROR;
			p->links[p->n_links++] = mnl_attr_get_u32(s);
		}
		break;
	default:
		/* Newer kernels may add attributes: ignore them. */
		return MNL_CB_OK;
	}
	p->seen |= 1U << type;
	return MNL_CB_OK;
}

int policy_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) != TLSMON_A_POLICY)
			continue;
		if (mnl_attr_parse_nested(attr, policy_attr_cb, data) < 0) {
			errno = EPROTO;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_OK;
}

/**
 * mon_link_name() - the name of interface @ifindex in monctl's namespace
 * @ifindex: interface index
 * @buf: IF_NAMESIZE bytes
 *
 * Return: @buf, holding the name, or the number when no interface has it.
 */
const char *mon_link_name(uint32_t ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "%u", ifindex);
	return buf;
}

/**
 * mon_link_index() - the index of interface @name in monctl's namespace
 * @name: an interface name, or an index as a number
 * @ifindex: receives it
 *
 * Return: 0 or -1 when no interface has that name.
 */
int mon_link_index(const char *name, uint32_t *ifindex)
{
	*ifindex = if_nametoindex(name);
	if (!*ifindex && mon_parse_u32(name, ifindex))
		return -1;
	return *ifindex ? 0 : -1;
}

/* The policy as one JSON object, under @key or at the top level. */
void policy_json(struct json *j, const char *key, const struct policy *p)
{
	unsigned int i;

	json_obj_open(j, key);
	json_bool(j, "enabled", p->enabled);
	json_arr_open(j, "suites");
	for (i = 0; i < p->n_suites; i++)
		json_hex(j, NULL, p->suites[i]);
	json_arr_close(j);
	json_str(j, "consent", p->consent <= TLSMON_CONSENT_MAX ?
		 consent_names[p->consent] : "unknown");
	json_hex(j, "consent_ext", p->consent_ext);
	json_hex(j, "mark", p->mark);
	json_hex(j, "mask", p->mask);
	json_bool(j, "export", p->export);
	json_arr_open(j, "links");
	for (i = 0; i < p->n_links; i++) {
		char name[IF_NAMESIZE];

		if (if_indextoname(p->links[i], name))
			json_str(j, NULL, name);
		else
			json_uint(j, NULL, p->links[i]);
	}
	json_arr_close(j);
	json_obj_close(j);
}

static void policy_print(const struct policy *p)
{
	const char *consent = p->consent <= TLSMON_CONSENT_MAX ?
			      consent_names[p->consent] : "unknown";
	unsigned int i;

	if (mon_opts.json) {
		struct json j;

		json_init(&j, stdout, mon_opts.pretty);
		policy_json(&j, NULL, p);
		json_end(&j);
		return;
	}

	printf("enabled: %s\n", p->enabled ? "on" : "off");
	printf("suites:");
	if (!p->n_suites)
		printf(" none");
	for (i = 0; i < p->n_suites; i++) {
		const char *name = suite_name(p->suites[i]);

		printf("%s0x%04x%s%s\n", i ? "        " : " ", p->suites[i],
		       name ? " " : "", name ? name : "");
	}
	if (!p->n_suites)
		printf("\n");
	printf("consent: %s\n", consent);
	printf("consent-ext: 0x%04x\n", p->consent_ext);
	if (p->mask)
		printf("mark: 0x%x/0x%x\n", p->mark, p->mask);
	else
		printf("mark: none\n");
	printf("export: %s\n", p->export ? "on" : "off");
	printf("links:");
	for (i = 0; i < p->n_links; i++) {
		char name[IF_NAMESIZE];

		printf("%s%s", i ? ", " : " ", mon_link_name(p->links[i], name));
	}
	printf("%s\n", p->n_links ? "" : " none");
}

static int policy_show(int argc, char **argv)
{
	struct policy p = { 0 };
	struct mon_nl nl;
	int err;

	(void)argv;
	if (argc > 0) {
		mon_err("policy show: unexpected argument '%s'", argv[0]);
		return MON_EXIT_USAGE;
	}
	if (mon_nl_open(&nl))
		return MON_EXIT_FAIL;
	err = mon_nl_talk(&nl, mon_nl_request(&nl, TLSMON_CMD_POLICY_GET, 0),
			  policy_msg_cb, &p);
	if (err) {
		mon_nl_perror(&nl, "cannot read the policy", err);
		mon_nl_close(&nl);
		return MON_EXIT_FAIL;
	}
	mon_nl_close(&nl);
	policy_print(&p);
	return MON_EXIT_OK;
}

static int parse_on_off(const char *key, const char *word, uint8_t *out)
{
	if (!strcmp(word, "on")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(word, "off")) {
		*out = 0;
		return 0;
	}
	mon_err("policy set: %s must be 'on' or 'off', not '%s'", key, word);
	return -1;
}

/* A number of the command line or a policy file, decimal or 0x-hex. */
int mon_parse_u32(const char *word, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!*word || *word == '-')
		return -1;
	errno = 0;
	v = strtoull(word, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*out = v;
	return 0;
}

/*
 * A comma-separated list (or "none", the empty list) as nest @type, one
 * attribute per word written by @put_word, which names a bad word itself.
 */
static int put_list(struct nlmsghdr *nlh, int type, const char *list,
		    int (*put_word)(struct nlmsghdr *nlh, const char *word,
				    unsigned int n, void *arg),
		    void *arg)
{
	char *copy, *word, *save = NULL;
	struct nlattr *nest;
	unsigned int n = 0;
	int ret = 0;

	nest = mnl_attr_nest_start(nlh, type);
	if (!strcmp(list, "none")) {
		mnl_attr_nest_end(nlh, nest);
		return 0;
	}
	copy = strdup(list);
	if (!copy) {
		mon_err("out of memory");
		return -1;
	}
	for (word = strtok_r(copy, ",", &save); word && !ret;
	     word = strtok_r(NULL, ",", &save))
		ret = put_word(nlh, word, ++n, arg);
	free(copy);
	mnl_attr_nest_end(nlh, nest);
	return ret;
}

/* @arg: the room left for the request, a size_t */
static int put_suite(struct nlmsghdr *nlh, const char *word, unsigned int n,
		     void *arg)
{
	const char *why;
	uint16_t code;
	int err;

	(void)n;
	err = suite_parse(word, &code);
	if (err) {
		mon_err("policy set: '%s' is not a cipher suite (a name from 'monctl policy help' or a code point such as 0xff01)%s",
			word, err == -ERANGE ? ": above 0xffff" : "");
		return -1;
	}
	/* the kernel's own rule, checked before anything is sent */
	if (tlsmon_suite_check(code, &why)) {
		mon_err("policy set: suite '%s' (0x%04x): %s", word, code, why);
		return -1;
	}
	if (!mnl_attr_put_u16_check(nlh, *(size_t *)arg, TLSMON_SUITES_A_SUITE, code)) {
		mon_err("policy set: too many suites for one request");
		return -1;
	}
	return 0;
}

static int put_link(struct nlmsghdr *nlh, const char *word, unsigned int n,
		    void *arg)
{
	uint32_t ifindex;

	(void)arg;
	if (mon_link_index(word, &ifindex)) {
		mon_err("policy set: no interface '%s' in this network namespace", word);
		return -1;
	}
	if (n > TLSMON_MAX_LINKS) {
		mon_err("policy set: too many export links (at most %d)", TLSMON_MAX_LINKS);
		return -1;
	}
	mnl_attr_put_u32(nlh, TLSMON_LINKS_A_IFINDEX, ifindex);
	return 0;
}

static int put_suites(struct nlmsghdr *nlh, size_t buflen, const char *list)
{
	return put_list(nlh, TLSMON_POLICY_A_SUITES, list, put_suite, &buflen);
}

static int put_links(struct nlmsghdr *nlh, const char *list)
{
	return put_list(nlh, TLSMON_POLICY_A_LINKS, list, put_link, NULL);
}

/* Explain a refused link by naming it: the kernel points at its attribute. */
static void explain_bad_link(const struct mon_nl *nl)
{
	const struct nlattr *bad = mon_nl_bad_attr(nl);
	char name[IF_NAMESIZE];

	if (bad && mnl_attr_get_type(bad) == TLSMON_LINKS_A_IFINDEX &&
	    mnl_attr_get_payload_len(bad) == sizeof(uint32_t))
		fprintf(stderr, "monctl: the refused link is %s\n",
			mon_link_name(mnl_attr_get_u32(bad), name));
}

/* Explain a refused suite by naming it: the kernel points at its attribute. */
static void explain_bad_suite(const struct mon_nl *nl)
{
	const struct nlattr *bad = mon_nl_bad_attr(nl);

	if (bad && mnl_attr_get_type(bad) == TLSMON_SUITES_A_SUITE &&
	    mnl_attr_get_payload_len(bad) == sizeof(uint16_t))
		fprintf(stderr, "monctl: the refused suite is 0x%04x\n",
			mnl_attr_get_u16(bad));
}

/* The settings' names, on the command line and in policy files. */
const char *const policy_setting_names[TLSMON_POLICY_A_MAX + 1] = {
	[TLSMON_POLICY_A_ENABLED] = "enabled",
	[TLSMON_POLICY_A_SUITES] = "suites",
	[TLSMON_POLICY_A_CONSENT] = "consent",
	[TLSMON_POLICY_A_CONSENT_EXT] = "consent-ext",
	[TLSMON_POLICY_A_MARK] = "mark",
	[TLSMON_POLICY_A_EXPORT] = "export",
	[TLSMON_POLICY_A_LINKS] = "links",
};

static int policy_set(int argc, char **argv)
{
	struct nlattr *nest;
	struct nlmsghdr *nlh;
	struct mon_nl nl;
	uint32_t given = 0;
	int key, err, ret = MON_EXIT_FAIL;

	if (argc == 0) {
		mon_err("policy set: nothing to set (see 'monctl policy help')");
		return MON_EXIT_USAGE;
	}
	if (mon_nl_open(&nl))
		return MON_EXIT_FAIL;
	nlh = mon_nl_request(&nl, TLSMON_CMD_POLICY_SET, 0);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_POLICY);

	for (; argc > 0; argc -= 2, argv += 2) {
		const char *val = argc > 1 ? argv[1] : NULL;
		uint8_t u8v;
		uint32_t v, m;
		char *slash;

		for (key = 1; key <= TLSMON_POLICY_A_MAX; key++)
			if (policy_setting_names[key] && !strcmp(argv[0], policy_setting_names[key]))
				break;
		if (key > TLSMON_POLICY_A_MAX) {
			mon_err("policy set: unknown setting '%s' (enabled, suites, consent, consent-ext, mark, export, links)",
				argv[0]);
			goto out;
		}
		if (!val) {
			mon_err("policy set: '%s' needs a value", argv[0]);
			ret = MON_EXIT_USAGE;
			goto out;
		}
		if (given & (1U << key)) {
			mon_err("policy set: '%s' given twice", argv[0]);
			goto out;
		}
		given |= 1U << key;

		switch (key) {
		case TLSMON_POLICY_A_ENABLED:
		case TLSMON_POLICY_A_EXPORT:
			if (parse_on_off(argv[0], val, &u8v))
				goto out;
			mnl_attr_put_u8(nlh, key, u8v);
			break;
		case TLSMON_POLICY_A_CONSENT:
			for (u8v = 0; u8v <= TLSMON_CONSENT_MAX; u8v++)
				if (!strcmp(val, consent_names[u8v]))
					break;
			if (u8v > TLSMON_CONSENT_MAX) {
				mon_err("policy set: consent must be off, accept or require, not '%s'",
					val);
				goto out;
			}
			mnl_attr_put_u8(nlh, key, u8v);
			break;
		case TLSMON_POLICY_A_CONSENT_EXT:
			if (mon_parse_u32(val, &v) || v > 0xffff) {
				mon_err("policy set: consent-ext must be an extension code point (0x0-0xffff), not '%s'",
					val);
				goto out;
			}
			mnl_attr_put_u16(nlh, key, v);
			break;
		case TLSMON_POLICY_A_MARK:
			m = UINT32_MAX;
			v = 0;
			if (!strcmp(val, "none")) {
				m = 0;
			} else {
				char buf[64];

				snprintf(buf, sizeof(buf), "%s", val);
				slash = strchr(buf, '/');
				if (slash)
					*slash++ = '\0';
				if (mon_parse_u32(buf, &v) || (slash && mon_parse_u32(slash, &m))) {
					mon_err("policy set: mark must be VALUE[/MASK] or none, not '%s'",
						val);
					goto out;
				}
			}
			mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MARK, v);
			mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MASK, m);
			break;
		case TLSMON_POLICY_A_SUITES:
			if (put_suites(nlh, sizeof(nl.req) - 64, val))
				goto out;
			break;
		case TLSMON_POLICY_A_LINKS:
			if (put_links(nlh, val))
				goto out;
			break;
		}
	}
	mnl_attr_nest_end(nlh, nest);

	err = mon_nl_talk(&nl, nlh, NULL, NULL);
	if (err) {
		mon_nl_perror(&nl, "cannot change the policy", err);
		explain_bad_suite(&nl);
		explain_bad_link(&nl);
		goto out;
	}
	ret = MON_EXIT_OK;
out:
	mon_nl_close(&nl);
	return ret;
}

static void policy_usage(void)
{
	fprintf(stderr,
		"Usage: monctl [-j [-p]] policy [show]\n"
		"       monctl policy set SETTING VALUE [SETTING VALUE...]\n"
		"       monctl policy load FILE|-\n"
		"       monctl policy save [FILE|-]\n"
		"       monctl policy help\n"
		"\n"
		"SETTING VALUE := enabled on|off\n"
		"               | suites SUITE[,SUITE...] | suites none\n"
		"               | consent off|accept|require\n"
		"               | consent-ext CODEPOINT\n"
		"               | mark VALUE[/MASK] | mark none\n"
		"               | export on|off\n"
		"               | links DEV[,DEV...] | links none\n"
		"\n"
		"Keys are exported only to peers on an export link: a listed Ethernet\n"
		"interface (no tunnel, overlay or gateway); export on needs one.\n"
		"All settings of one call are applied together or not at all.\n"
		"'load' applies a policy file (one [host] or [netns NAME] section per\n"
		"namespace, 'setting = value' lines, see monctl(8)) after checking all\n"
		"of it; 'save' writes every namespace's policy in that format.\n"
		"Changing the policy needs CAP_NET_ADMIN over the network namespace.\n"
		"SUITE is a code point (0xff01) or one of these names:\n");
	suite_list(stderr);
}

static const struct mon_cmd policy_cmds[] = {
	{ "show", policy_show, "show the policy (default)" },
	{ "set", policy_set, "change the policy" },
	{ "load", do_policy_load, "apply a policy file" },
	{ "save", do_policy_save, "write the policies in the file format" },
	{ NULL, NULL, NULL },
};

int do_policy(int argc, char **argv)
{
	if (argc == 0)
		return policy_show(0, argv);
	return mon_dispatch(policy_cmds, "policy", argc, argv, policy_usage);
}
