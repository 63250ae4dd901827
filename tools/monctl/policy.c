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

#include "monctl.h"
#include "nl.h"
#include "policy_rules.h"
#include "print.h"
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
		if (!mon_attr_valid(attr, MNL_TYPE_U8, "policy"))
			return MNL_CB_ERROR;
		if (type == TLSMON_POLICY_A_ENABLED)
			p->enabled = mnl_attr_get_u8(attr);
		else if (type == TLSMON_POLICY_A_EXPORT)
			p->export = mnl_attr_get_u8(attr);
		else
			p->consent = mnl_attr_get_u8(attr);
		break;
	case TLSMON_POLICY_A_CONSENT_EXT:
		if (!mon_attr_valid(attr, MNL_TYPE_U16, "policy"))
			return MNL_CB_ERROR;
		p->consent_ext = mnl_attr_get_u16(attr);
		break;
	case TLSMON_POLICY_A_MARK:
	case TLSMON_POLICY_A_MASK:
		if (!mon_attr_valid(attr, MNL_TYPE_U32, "policy"))
			return MNL_CB_ERROR;
		if (type == TLSMON_POLICY_A_MARK)
			p->mark = mnl_attr_get_u32(attr);
		else
			p->mask = mnl_attr_get_u32(attr);
		break;
	case TLSMON_POLICY_A_SUITES:
		if (!mon_attr_valid(attr, MNL_TYPE_NESTED, "policy"))
			return MNL_CB_ERROR;
		mnl_attr_for_each_nested(s, attr) {
			if (mnl_attr_get_type(s) != TLSMON_SUITES_A_SUITE ||
			    !mon_attr_valid(s, MNL_TYPE_U16, "policy") ||
			    p->n_suites >= TLSMON_MAX_SUITES)
				return MNL_CB_ERROR;
			p->suites[p->n_suites++] = mnl_attr_get_u16(s);
		}
		break;
	case TLSMON_POLICY_A_LINKS:
		if (!mon_attr_valid(attr, MNL_TYPE_NESTED, "policy"))
			return MNL_CB_ERROR;
		mnl_attr_for_each_nested(s, attr) {
			if (mnl_attr_get_type(s) != TLSMON_LINKS_A_IFINDEX ||
			    !mon_attr_valid(s, MNL_TYPE_U32, "policy") ||
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

/**
 * policy_print() - the policy: 'setting: value' lines, or a JSON object
 * @p: the printer
 * @key: the object's key in the JSON value it is part of, or NULL
 * @pol: the policy
 */
void policy_print(struct mon_print *p, const char *key, const struct policy *pol)
{
	const char *consent = pol->consent <= TLSMON_CONSENT_MAX ?
			      consent_names[pol->consent] : "unknown";
	unsigned int i;

	open_json_object(p, key);
	print_on_off(p, PRINT_ANY, "enabled", "enabled: %s\n", pol->enabled);
	print_string(p, PRINT_FP, NULL, "%s", pol->n_suites ? "suites:" : "suites: none\n");
	open_json_array(p, "suites");
	for (i = 0; i < pol->n_suites; i++) {
		const char *name = suite_name(pol->suites[i]);

		print_string(p, PRINT_FP, NULL, "%s", i ? "        " : " ");
		print_hex(p, PRINT_ANY, NULL, "0x%04x", pol->suites[i]);
		print_string(p, PRINT_FP, NULL, name ? " %s\n" : "%s\n", name ? name : "");
	}
	close_json_array(p);
	print_string(p, PRINT_ANY, "consent", "consent: %s\n", consent);
	print_hex(p, PRINT_ANY, "consent_ext", "consent-ext: 0x%04x\n", pol->consent_ext);
	if (pol->mask) {
		print_hex(p, PRINT_ANY, "mark", "mark: 0x%x", pol->mark);
		print_hex(p, PRINT_ANY, "mask", "/0x%x\n", pol->mask);
	} else {
		print_hex(p, PRINT_JSON, "mark", NULL, pol->mark);
		print_hex(p, PRINT_JSON, "mask", NULL, pol->mask);
		print_string(p, PRINT_FP, NULL, "%s", "mark: none\n");
	}
	print_on_off(p, PRINT_ANY, "export", "export: %s\n", pol->export);
	print_string(p, PRINT_FP, NULL, "%s", "links:");
	open_json_array(p, "links");
	for (i = 0; i < pol->n_links; i++) {
		char name[IF_NAMESIZE];

		/* a link gone from the namespace by its index */
		if (if_indextoname(pol->links[i], name))
			print_string(p, PRINT_ANY, NULL, i ? ", %s" : " %s", name);
		else
			print_uint(p, PRINT_ANY, NULL, i ? ", %u" : " %u", pol->links[i]);
	}
	close_json_array(p);
	print_string(p, PRINT_FP, NULL, "%s", pol->n_links ? "\n" : " none\n");
	close_json_object(p);
}

static int policy_show(int argc, char **argv)
{
	struct policy p = { 0 };
	struct mon_print pr;
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
	print_init(&pr, stdout, mon_opts.json, mon_opts.pretty);
	policy_print(&pr, NULL, &p);
	print_end(&pr);
	return MON_EXIT_OK;
}

static int parse_on_off(const char *key, const char *word, bool *out)
{
	if (!strcmp(word, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(word, "off")) {
		*out = false;
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
 * A "policy set" command line, parsed. Up to twice the suites the kernel
 * takes are kept so that its refusal of a long or duplicate list, which
 * names the suite, is what the operator sees.
 */
struct policy_set_req {
	uint32_t given;
	bool enabled, export;
	uint8_t consent;
	uint16_t consent_ext;
	uint32_t mark, mask;
	unsigned int n_suites, n_links;
	uint16_t suites[2 * TLSMON_MAX_SUITES];
	uint32_t links[TLSMON_MAX_LINKS];
};

/*
 * A comma-separated list (or "none", the empty list), one word at a time
 * to @word_fn, which names a bad word itself and returns MON_EXIT_USAGE
 * or MON_EXIT_FAIL. Return: 0 or that status.
 */
static int parse_list(const char *list, struct policy_set_req *p,
		      int (*word_fn)(struct policy_set_req *p, const char *word))
{
	char *copy, *word, *save = NULL;
	int ret = 0;

	if (!strcmp(list, "none"))
		return 0;
	copy = strdup(list);
	if (!copy) {
		mon_err("out of memory");
		return MON_EXIT_FAIL;
	}
	for (word = strtok_r(copy, ",", &save); word && !ret;
	     word = strtok_r(NULL, ",", &save))
		ret = word_fn(p, word);
	free(copy);
	return ret;
}

static int parse_suite(struct policy_set_req *p, const char *word)
{
	const char *why;
	uint16_t code;
	int err;

	err = suite_parse(word, &code);
	if (err) {
		mon_err("policy set: '%s' is not a cipher suite (a name from 'monctl policy help' or a code point such as 0xff01)%s",
			word, err == -ERANGE ? ": above 0xffff" : "");
		return MON_EXIT_USAGE;
	}
	/* the kernel's own rule, checked before anything is sent */
	if (tlsmon_suite_check(code, &why)) {
		mon_err("policy set: suite '%s' (0x%04x): %s", word, code, why);
		return MON_EXIT_FAIL;
	}
	/* duplicates and the count are the kernel's to refuse, by name */
	if (p->n_suites >= sizeof(p->suites) / sizeof(p->suites[0])) {
		mon_err("policy set: too many suites (at most %d)", TLSMON_MAX_SUITES);
		return MON_EXIT_FAIL;
	}
	p->suites[p->n_suites++] = code;
	return 0;
}

static int parse_link(struct policy_set_req *p, const char *word)
{
	uint32_t ifindex;

	if (mon_link_index(word, &ifindex)) {
		mon_err("policy set: no interface '%s' in this network namespace", word);
		return MON_EXIT_FAIL;
	}
	if (p->n_links >= TLSMON_MAX_LINKS) {
		mon_err("policy set: too many export links (at most %d)", TLSMON_MAX_LINKS);
		return MON_EXIT_FAIL;
	}
	p->links[p->n_links++] = ifindex;
	return 0;
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

/*
 * The settings of a "policy set" command line into @c, every word
 * checked before the kernel is asked: a malformed line is refused even
 * where the module is not loaded. Return: 0, MON_EXIT_USAGE for words
 * that do not parse, MON_EXIT_FAIL for a value a rule refuses or an
 * interface that does not exist.
 */
static int policy_set_parse(int argc, char **argv, struct policy_set_req *c)
{
	struct policy_set_req *p = c;
	int key, err;

	if (argc == 0) {
		mon_err("policy set: nothing to set (see 'monctl policy help')");
		return MON_EXIT_USAGE;
	}
	for (; argc > 0; argc -= 2, argv += 2) {
		const char *val = argc > 1 ? argv[1] : NULL;
		unsigned int i;
		uint32_t v, m;

		for (key = 1; key <= TLSMON_POLICY_A_MAX; key++)
			if (policy_setting_names[key] && !strcmp(argv[0], policy_setting_names[key]))
				break;
		if (key > TLSMON_POLICY_A_MAX) {
			mon_err("policy set: unknown setting '%s' (enabled, suites, consent, consent-ext, mark, export, links)",
				argv[0]);
			return MON_EXIT_USAGE;
		}
		if (!val) {
			mon_err("policy set: '%s' needs a value", argv[0]);
			return MON_EXIT_USAGE;
		}
		if (c->given & TLSMON_POLICY_F(key)) {
			mon_err("policy set: '%s' given twice", argv[0]);
			return MON_EXIT_USAGE;
		}
		c->given |= TLSMON_POLICY_F(key);

		switch (key) {
		case TLSMON_POLICY_A_ENABLED:
			if (parse_on_off(argv[0], val, &p->enabled))
				return MON_EXIT_USAGE;
			break;
		case TLSMON_POLICY_A_EXPORT:
			if (parse_on_off(argv[0], val, &p->export))
				return MON_EXIT_USAGE;
			break;
		case TLSMON_POLICY_A_CONSENT:
			for (i = 0; i <= TLSMON_CONSENT_MAX; i++)
				if (!strcmp(val, consent_names[i]))
					break;
			if (i > TLSMON_CONSENT_MAX) {
				mon_err("policy set: consent must be off, accept or require, not '%s'",
					val);
				return MON_EXIT_USAGE;
			}
			p->consent = i;
			break;
		case TLSMON_POLICY_A_CONSENT_EXT:
			if (mon_parse_u32(val, &v) || v > 0xffff) {
				mon_err("policy set: consent-ext must be an extension code point (0x0-0xffff), not '%s'",
					val);
				return MON_EXIT_USAGE;
			}
			p->consent_ext = v;
			break;
		case TLSMON_POLICY_A_MARK:
			m = UINT32_MAX;
			v = 0;
			if (!strcmp(val, "none")) {
				m = 0;
			} else {
				char buf[64], *slash;

				snprintf(buf, sizeof(buf), "%s", val);
				slash = strchr(buf, '/');
				if (slash)
					*slash++ = '\0';
				if (strlen(val) >= sizeof(buf) || mon_parse_u32(buf, &v) ||
				    (slash && mon_parse_u32(slash, &m))) {
					mon_err("policy set: mark must be VALUE[/MASK] or none, not '%s'",
						val);
					return MON_EXIT_USAGE;
				}
			}
			p->mark = v;
			p->mask = m;
			break;
		case TLSMON_POLICY_A_SUITES:
			err = parse_list(val, p, parse_suite);
			if (err)
				return err;
			break;
		case TLSMON_POLICY_A_LINKS:
			err = parse_list(val, p, parse_link);
			if (err)
				return err;
			break;
		}
	}
	return 0;
}

static int policy_set(int argc, char **argv)
{
	struct policy_set_req *c;
	struct nlattr *nest, *list;
	struct nlmsghdr *nlh;
	struct mon_nl nl;
	unsigned int i;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c) {
		mon_err("out of memory");
		return MON_EXIT_FAIL;
	}
	ret = policy_set_parse(argc, argv, c);
	if (ret)
		goto out_free;
	ret = MON_EXIT_FAIL;
	if (mon_nl_open(&nl))
		goto out_free;
	nlh = mon_nl_request(&nl, TLSMON_CMD_POLICY_SET, 0);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_POLICY);
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_ENABLED))
		mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, c->enabled);
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_EXPORT))
		mnl_attr_put_u8(nlh, TLSMON_POLICY_A_EXPORT, c->export);
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_CONSENT))
		mnl_attr_put_u8(nlh, TLSMON_POLICY_A_CONSENT, c->consent);
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_CONSENT_EXT))
		mnl_attr_put_u16(nlh, TLSMON_POLICY_A_CONSENT_EXT, c->consent_ext);
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_MARK)) {
		mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MARK, c->mark);
		mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MASK, c->mask);
	}
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_SUITES)) {
		list = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_SUITES);
		for (i = 0; i < c->n_suites; i++)
			mnl_attr_put_u16(nlh, TLSMON_SUITES_A_SUITE, c->suites[i]);
		mnl_attr_nest_end(nlh, list);
	}
	if (c->given & TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS)) {
		list = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_LINKS);
		for (i = 0; i < c->n_links; i++)
			mnl_attr_put_u32(nlh, TLSMON_LINKS_A_IFINDEX, c->links[i]);
		mnl_attr_nest_end(nlh, list);
	}
	mnl_attr_nest_end(nlh, nest);

	ret = mon_nl_talk(&nl, nlh, NULL, NULL);
	if (ret) {
		mon_nl_perror(&nl, "cannot change the policy", ret);
		explain_bad_suite(&nl);
		explain_bad_link(&nl);
		ret = MON_EXIT_FAIL;
	}
	mon_nl_close(&nl);
out_free:
	free(c);
	return ret;
}

static void policy_usage(void)
{
	fprintf(stderr,
		"Usage: monctl [-j [-p]] policy [show]\n"
		"       monctl policy set SETTING VALUE [SETTING VALUE...]\n"
		"       monctl policy load FILE|-\n"
		"       monctl policy unload FILE|-\n"
		"       monctl policy save [FILE|-]\n"
		"       monctl policy check FILE|-\n"
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
		"of it, section by section; 'check' only checks it, without the kernel\n"
		"or the namespaces; 'unload' turns monitoring and export off in every\n"
		"namespace whose section of the file turns monitoring on; 'save' writes\n"
		"every namespace's policy in that format (under -n NAME, only that\n"
		"one, as [netns NAME]), replacing FILE atomically.\n"
		"Changing the policy needs CAP_NET_ADMIN over the network namespace.\n"
		"SUITE is a code point (0xff01) or one of these names:\n");
	suite_list(stderr);
}

static const struct mon_cmd policy_cmds[] = {
	{ "show", policy_show, "show the policy (default)" },
	{ "set", policy_set, "change the policy" },
	{ "load", do_policy_load, "apply a policy file" },
	{ "save", do_policy_save, "write the policies in the file format" },
	{ "check", do_policy_check, "check a policy file, apply nothing" },
	{ "unload", do_policy_unload, "turn off what a policy file turns on" },
	{ NULL, NULL, NULL },
};

int do_policy(int argc, char **argv)
{
	if (argc == 0)
		return policy_show(0, argv);
	return mon_dispatch(policy_cmds, "policy", argc, argv, policy_usage);
}
