// SPDX-License-Identifier: GPL-2.0
/*
 * monctl policy load FILE / monctl policy save [FILE]: the policy of
 * several network namespaces in one file, applied at boot by a systemd
 * unit. monctl policy unload FILE undoes what load FILE turned on, when
 * the unit stops.
 *
 *   # comment
 *   [host]                  the namespace monctl runs in
 *   enabled = on
 *   suites = 0xff01, TLS_AES_256_GCM_SHA384_MON
 *   consent = accept
 *   consent-ext = 0xff4d
 *   mark = 0x100/0xf00
 *   export = on
 *   links = eth0, eth1      interfaces of that namespace
 *
 *   [netns blue]            a namespace of 'ip netns' (/run/netns/blue)
 *   enabled = off
 *
 * A section describes a namespace's whole policy: a setting it leaves out
 * takes its default. The whole file is checked first, with the module's
 * own rules (policy_rules.c), and every namespace it names must exist;
 * only then is anything applied, one namespace at a time, each atomically.
 * Loading is per section, not declarative for the machine: namespaces
 * without a section keep their policy, and when the kernel refuses a
 * section the ones before it stay applied. Errors name the file and line.
 *
 * 'policy check FILE' runs the same checks without the kernel and without
 * the namespaces (as 'nft -c'): every error of the file is reported and
 * nothing is applied.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monctl.h"
#include "nl.h"
#include "policy_rules.h"
#include "suites.h"

#define MAX_SECTIONS	64

struct section {
	char name[256];		/* "" for [host] */
	unsigned int line;
	unsigned int given;
	int fd;			/* the namespace, open */
	struct tlsmon_policy pol;
	unsigned int links_line;	/* where links were given */
	unsigned int n_link_names;
	char link_names[TLSMON_MAX_LINKS][IF_NAMESIZE];
};

/**
 * struct pfile - a policy file being read
 * @path: its name, "-" for standard input
 * @check_only: policy check: namespaces are not opened, links not
 *	resolved, every error reported
 * @unload: policy unload: a namespace that no longer exists is not an
 *	error (it has nothing left to turn off)
 * @n: sections read
 * @s: the sections
 */
struct pfile {
	const char *path;
	bool check_only;
	bool unload;
	unsigned int n;
	struct section s[MAX_SECTIONS];
};

static void __attribute__((format(printf, 3, 4)))
ferr(const struct pfile *f, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "monctl: %s:%u: ", f->path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* One "key = value" into @s's policy; 0 or -1 with the error printed. */
static int parse_setting(const struct pfile *f, unsigned int line,
			 struct section *s, int key, char *val)
{
	struct tlsmon_policy *p = &s->pol;
	const char *why = NULL;
	char *word, *save = NULL;
	uint32_t v, m;
	uint16_t code;
	unsigned int i;

	switch (key) {
	case TLSMON_POLICY_A_ENABLED:
	case TLSMON_POLICY_A_EXPORT:
		if (strcmp(val, "on") && strcmp(val, "off")) {
			ferr(f, line, "%s must be 'on' or 'off', not '%s'", policy_setting_names[key], val);
			return -1;
		}
		if (key == TLSMON_POLICY_A_ENABLED)
			p->enabled = !strcmp(val, "on");
		else
			p->export = !strcmp(val, "on");
		return 0;
	case TLSMON_POLICY_A_CONSENT:
		for (i = 0; i <= TLSMON_CONSENT_MAX; i++)
			if (!strcmp(val, consent_names[i]))
				break;
		if (i > TLSMON_CONSENT_MAX) {
			ferr(f, line, "consent must be off, accept or require, not '%s'", val);
			return -1;
		}
		p->consent = i;
		return 0;
	case TLSMON_POLICY_A_CONSENT_EXT:
		if (mon_parse_u32(val, &v) || v > 0xffff) {
			ferr(f, line, "consent-ext must be an extension code point, not '%s'", val);
			return -1;
		}
		if (tlsmon_consent_ext_check(v, &why)) {
			ferr(f, line, "%s", why);
			return -1;
		}
		p->consent_ext = v;
		return 0;
	case TLSMON_POLICY_A_MARK:
		if (!strcmp(val, "none")) {
			p->mark = 0;
			p->mask = 0;
			return 0;
		}
		m = UINT32_MAX;
		word = strchr(val, '/');
		if (word)
			*word++ = '\0';
		if (mon_parse_u32(trim(val), &v) || (word && mon_parse_u32(trim(word), &m))) {
			ferr(f, line, "mark must be VALUE[/MASK] or none");
			return -1;
		}
		if (tlsmon_mark_check(v, m, &why)) {
			ferr(f, line, "%s", why);
			return -1;
		}
		p->mark = v;
		p->mask = m;
		return 0;
	case TLSMON_POLICY_A_LINKS:
		/* names of the section's namespace: resolved there, later */
		s->links_line = line;
		s->n_link_names = 0;
		if (!strcmp(val, "none"))
			return 0;
		for (word = strtok_r(val, ",", &save); word;
		     word = strtok_r(NULL, ",", &save)) {
			word = trim(word);
			if (!*word || strlen(word) >= IF_NAMESIZE) {
				ferr(f, line, "'%s' is not an interface name", word);
				return -1;
			}
			for (i = 0; i < s->n_link_names; i++)
				if (!strcmp(s->link_names[i], word))
					break;
			if (i < s->n_link_names) {
				ferr(f, line, "duplicate export link '%s'", word);
				return -1;
			}
			if (s->n_link_names >= TLSMON_MAX_LINKS) {
				ferr(f, line, "too many export links (at most %d)", TLSMON_MAX_LINKS);
				return -1;
			}
			snprintf(s->link_names[s->n_link_names++], IF_NAMESIZE, "%s", word);
		}
		return 0;
	case TLSMON_POLICY_A_SUITES:
		p->n_suites = 0;
		if (!strcmp(val, "none"))
			return 0;
		for (word = strtok_r(val, ",", &save); word;
		     word = strtok_r(NULL, ",", &save)) {
			word = trim(word);
			if (suite_parse(word, &code)) {
				ferr(f, line, "'%s' is not a cipher suite (a name from 'monctl policy help' or a code point such as 0xff01)",
				     word);
				return -1;
			}
			if (tlsmon_suites_add(p, code, &why)) {
				ferr(f, line, "suite 0x%04x: %s", code, why);
				return -1;
			}
		}
		return 0;
	}
	return -1;
}

static int open_netns(const struct pfile *f, struct section *s)
{
	char path[300];

	if (!s->name[0]) {
		s->fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	} else {
		snprintf(path, sizeof(path), "/run/netns/%s", s->name);
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		/* a namespace deleted took its policy with it */
		if (s->fd < 0 && errno == ENOENT && f->unload)
			return 0;
	}
	if (s->fd < 0) {
		ferr(f, s->line, "network namespace '%s': %s", s->name[0] ? s->name : "host",
		     strerror(errno));
		return -1;
	}
	return 0;
}

/* The section header on @line: "[host]" or "[netns NAME]". */
static int parse_header(struct pfile *f, unsigned int line, char *h)
{
	struct section *s;
	char *name = NULL;
	size_t len = strlen(h);
	unsigned int i;

	if (len < 2 || h[len - 1] != ']') {
		ferr(f, line, "a section header is [host] or [netns NAME]");
		return -1;
	}
	h[len - 1] = '\0';
	h = trim(h + 1);
	if (!strncmp(h, "netns", 5) && (h[5] == ' ' || h[5] == '\t'))
		name = trim(h + 5);
	else if (strcmp(h, "host")) {
		ferr(f, line, "unknown section '[%s]' (use [host] or [netns NAME])", h);
		return -1;
	}
	if (name && (!*name || strchr(name, '/') || !strcmp(name, ".") ||
		     !strcmp(name, "..") || strlen(name) >= sizeof(s->name))) {
		ferr(f, line, "'%s' is not a network namespace name", name);
		return -1;
	}
	for (i = 0; i < f->n; i++)
		if (!strcmp(f->s[i].name, name ? name : "")) {
			ferr(f, line, "namespace '%s' already has a section at line %u",
			     name ? name : "host", f->s[i].line);
			return -1;
		}
	if (f->n == MAX_SECTIONS) {
		ferr(f, line, "more than %d sections", MAX_SECTIONS);
		return -1;
	}
	s = &f->s[f->n++];
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
	s->line = line;
	tlsmon_policy_defaults(&s->pol);
	return f->check_only ? 0 : open_netns(f, s);
}

static int parse_file(struct pfile *f)
{
	FILE *in = strcmp(f->path, "-") ? fopen(f->path, "r") : stdin;
	unsigned int line = 0;
	char buf[4096];
	int ret = 0;

	if (!in) {
		mon_err("cannot read '%s': %s", f->path, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), in)) {
		char *l, *eq, *k, *v;
		struct section *s;
		int key;

		line++;
		if (!strchr(buf, '\n') && !feof(in)) {
			ferr(f, line, "line too long");
			ret = -1;
			break;
		}
		l = strchr(buf, '#');
		if (l)
			*l = '\0';
		l = trim(buf);
		if (!*l)
			continue;
		if (*l == '[') {
			if (parse_header(f, line, l))
				ret = -1;
			continue;
		}
		eq = strchr(l, '=');
		if (!eq) {
			ferr(f, line, "expected 'setting = value' or a section header");
			ret = -1;
			continue;
		}
		*eq = '\0';
		k = trim(l);
		v = trim(eq + 1);
		if (!f->n) {
			ferr(f, line, "'%s' before any section ([host] or [netns NAME])", k);
			ret = -1;
			continue;
		}
		s = &f->s[f->n - 1];
		for (key = 1; key <= TLSMON_POLICY_A_MAX; key++)
			if (policy_setting_names[key] && !strcmp(k, policy_setting_names[key]))
				break;
		if (key > TLSMON_POLICY_A_MAX) {
			ferr(f, line, "unknown setting '%s' (enabled, suites, consent, consent-ext, mark, export, links)",
			     k);
			ret = -1;
			continue;
		}
		if (!*v) {
			ferr(f, line, "'%s' needs a value", k);
			ret = -1;
			continue;
		}
		if (s->given & (1U << key)) {
			ferr(f, line, "'%s' given twice in this section", k);
			ret = -1;
			continue;
		}
		s->given |= 1U << key;
		if (parse_setting(f, line, s, key, v)) {
			ret = -1;
			continue;
		}
	}
	if (in != stdin)
		fclose(in);
	if (!ret && !f->n) {
		mon_err("%s: no section: nothing to apply", f->path);
		ret = -1;
	}
	/* the rules that involve several settings, per section */
	for (unsigned int i = 0; (!ret || f->check_only) && i < f->n; i++) {
		const char *why;

		if (tlsmon_policy_check(&f->s[i].pol, &why)) {
			ferr(f, f->s[i].line, "%s", why);
			ret = -1;
		}
	}
	return ret;
}

/*
 * policy check: the rule that export on needs a link, on the names given,
 * since the namespace (and its interfaces) need not exist yet.
 */
static int check_links(const struct pfile *f, const struct section *s)
{
	struct tlsmon_policy p = s->pol;
	const char *why;
	unsigned int i;

	p.n_links = 0;
	for (i = 0; i < s->n_link_names; i++)
		p.links[p.n_links++] = i + 1;
	if (tlsmon_export_links_check(&p, TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS), &why)) {
		ferr(f, s->links_line ?: s->line, "%s", why);
		return -1;
	}
	return 0;
}

static int policy_check(int argc, char **argv)
{
	struct pfile *f;
	unsigned int i;
	int ret;

	if (argc != 1) {
		mon_err("policy check: needs one FILE ('-' for standard input)");
		return MON_EXIT_USAGE;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		mon_err("out of memory");
		return MON_EXIT_FAIL;
	}
	f->path = argv[0];
	f->check_only = true;
	ret = parse_file(f);
	for (i = 0; i < f->n; i++)
		if (check_links(f, &f->s[i]))
			ret = -1;
	free(f);
	return ret ? MON_EXIT_FAIL : MON_EXIT_OK;
}

/*
 * The export links of @s, by their names in its namespace (monctl is in
 * it now), and the rule that export on needs one.
 */
static int resolve_links(const struct pfile *f, struct section *s)
{
	const char *why;
	uint32_t ifindex;
	unsigned int i;

	s->pol.n_links = 0;
	for (i = 0; i < s->n_link_names; i++) {
		if (mon_link_index(s->link_names[i], &ifindex)) {
			ferr(f, s->links_line, "no interface '%s' in namespace '%s'",
			     s->link_names[i], s->name[0] ? s->name : "host");
			return -1;
		}
		if (tlsmon_links_add(&s->pol, ifindex, &why)) {
			ferr(f, s->links_line, "link '%s': %s", s->link_names[i], why);
			return -1;
		}
	}
	if (tlsmon_export_links_check(&s->pol, TLSMON_POLICY_F(TLSMON_POLICY_A_LINKS), &why)) {
		ferr(f, s->links_line ?: s->line, "%s", why);
		return -1;
	}
	return 0;
}

/* The whole policy of @s, in the namespace monctl is in now. */
static int apply(const struct pfile *f, const struct section *s)
{
	const struct tlsmon_policy *p = &s->pol;
	struct nlattr *nest, *suites, *links;
	struct nlmsghdr *nlh;
	struct mon_nl nl;
	unsigned int i;
	int err;

	if (mon_nl_open(&nl))
		return -1;
	nlh = mon_nl_request(&nl, TLSMON_CMD_POLICY_SET, 0);
	nest = mnl_attr_nest_start(nlh, TLSMON_A_POLICY);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, p->enabled);
	suites = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_SUITES);
	for (i = 0; i < p->n_suites; i++)
		mnl_attr_put_u16(nlh, TLSMON_SUITES_A_SUITE, p->suites[i]);
	mnl_attr_nest_end(nlh, suites);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_CONSENT, p->consent);
	mnl_attr_put_u16(nlh, TLSMON_POLICY_A_CONSENT_EXT, p->consent_ext);
	mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MARK, p->mark);
	mnl_attr_put_u32(nlh, TLSMON_POLICY_A_MASK, p->mask);
	mnl_attr_put_u8(nlh, TLSMON_POLICY_A_EXPORT, p->export);
	links = mnl_attr_nest_start(nlh, TLSMON_POLICY_A_LINKS);
	for (i = 0; i < p->n_links; i++)
		mnl_attr_put_u32(nlh, TLSMON_LINKS_A_IFINDEX, p->links[i]);
	mnl_attr_nest_end(nlh, links);
	mnl_attr_nest_end(nlh, nest);
	err = mon_nl_talk(&nl, nlh, NULL, NULL);
	if (err) {
		char what[300];

		snprintf(what, sizeof(what), "%s:%u: namespace '%s': cannot change the policy",
			 f->path, s->line, s->name[0] ? s->name : "host");
		mon_nl_perror(&nl, what, err);
	}
	mon_nl_close(&nl);
	return err ? -1 : 0;
}

static int policy_load(int argc, char **argv)
{
	struct pfile *f;
	unsigned int i;
	int ret = MON_EXIT_FAIL;
	int home;

	if (argc != 1) {
		mon_err("policy load: needs one FILE ('-' for standard input)");
		return MON_EXIT_USAGE;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return MON_EXIT_FAIL;
	f->path = argv[0];
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0 || parse_file(f))
		goto out;
	/* every section's links exist before anything is applied */
	for (i = 0; i < f->n; i++) {
		if (setns(f->s[i].fd, CLONE_NEWNET)) {
			ferr(f, f->s[i].line, "cannot enter the namespace: %s", strerror(errno));
			goto out;
		}
		if (resolve_links(f, &f->s[i]))
			goto out;
	}
	for (i = 0; i < f->n; i++) {
		if (setns(f->s[i].fd, CLONE_NEWNET)) {
			ferr(f, f->s[i].line, "cannot enter the namespace: %s", strerror(errno));
			goto out;
		}
		if (apply(f, &f->s[i]))
			goto out;
	}
	ret = MON_EXIT_OK;
out:
	if (home >= 0) {
		if (setns(home, CLONE_NEWNET))
			ret = MON_EXIT_FAIL;
		close(home);
	}
	for (i = 0; i < f->n; i++)
		if (f->s[i].fd >= 0)
			close(f->s[i].fd);
	free(f);
	return ret;
}

/*
 * Monitoring and key export off in every namespace whose section of the
 * file turns monitoring on: what 'load' of the same file turned on. The
 * file is checked as load checks it; namespaces that no longer exist, and
 * every namespace when the module is not loaded, have nothing to turn off.
 */
static int policy_unload(int argc, char **argv)
{
	struct pfile *f;
	unsigned int i;
	int ret = MON_EXIT_FAIL;
	int home;

	if (argc != 1) {
		mon_err("policy unload: needs one FILE ('-' for standard input)");
		return MON_EXIT_USAGE;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return MON_EXIT_FAIL;
	f->path = argv[0];
	f->unload = true;
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0 || parse_file(f))
		goto out;
	ret = MON_EXIT_OK;
	if (access("/sys/module/tlsmon", F_OK))
		goto out;
	for (i = 0; i < f->n; i++) {
		struct nlattr *nest;
		struct nlmsghdr *nlh;
		struct mon_nl nl;
		int err;

		if (!f->s[i].pol.enabled || f->s[i].fd < 0)
			continue;
		if (setns(f->s[i].fd, CLONE_NEWNET)) {
			ferr(f, f->s[i].line, "cannot enter the namespace: %s", strerror(errno));
			ret = MON_EXIT_FAIL;
			continue;
		}
		if (mon_nl_open(&nl)) {
			ret = MON_EXIT_FAIL;
			continue;
		}
		nlh = mon_nl_request(&nl, TLSMON_CMD_POLICY_SET, 0);
		nest = mnl_attr_nest_start(nlh, TLSMON_A_POLICY);
		mnl_attr_put_u8(nlh, TLSMON_POLICY_A_ENABLED, 0);
		mnl_attr_put_u8(nlh, TLSMON_POLICY_A_EXPORT, 0);
		mnl_attr_nest_end(nlh, nest);
		err = mon_nl_talk(&nl, nlh, NULL, NULL);
		if (err) {
			char what[300];

			snprintf(what, sizeof(what),
				 "%s:%u: namespace '%s': cannot turn monitoring off",
				 f->path, f->s[i].line, f->s[i].name[0] ? f->s[i].name : "host");
			mon_nl_perror(&nl, what, err);
			ret = MON_EXIT_FAIL;
		}
		mon_nl_close(&nl);
	}
out:
	if (home >= 0) {
		if (setns(home, CLONE_NEWNET))
			ret = MON_EXIT_FAIL;
		close(home);
	}
	for (i = 0; i < f->n; i++)
		if (f->s[i].fd >= 0)
			close(f->s[i].fd);
	free(f);
	return ret;
}

/* One section, as policy load reads it; @name NULL for [host]. */
static int save_one(FILE *out, const char *name)
{
	struct policy p = { 0 };
	struct mon_nl nl;
	unsigned int i;
	int err;

	if (mon_nl_open(&nl))
		return -1;
	err = mon_nl_talk(&nl, mon_nl_request(&nl, TLSMON_CMD_POLICY_GET, 0),
			  policy_msg_cb, &p);
	if (err) {
		mon_nl_perror(&nl, "cannot read the policy", err);
		mon_nl_close(&nl);
		return -1;
	}
	mon_nl_close(&nl);
	if (name)
		fprintf(out, "\n[netns %s]\n", name);
	else
		fprintf(out, "[host]\n");
	fprintf(out, "enabled = %s\n", p.enabled ? "on" : "off");
	fprintf(out, "suites = ");
	for (i = 0; i < p.n_suites; i++)
		fprintf(out, "%s0x%04x", i ? ", " : "", p.suites[i]);
	fprintf(out, "%s\n", p.n_suites ? "" : "none");
	fprintf(out, "consent = %s\n", p.consent <= TLSMON_CONSENT_MAX ?
		consent_names[p.consent] : "off");
	fprintf(out, "consent-ext = 0x%04x\n", p.consent_ext);
	if (p.mask)
		fprintf(out, "mark = 0x%x/0x%x\n", p.mark, p.mask);
	else
		fprintf(out, "mark = none\n");
	fprintf(out, "export = %s\n", p.export ? "on" : "off");
	fprintf(out, "links = ");
	for (i = 0; i < p.n_links; i++) {
		char lname[IF_NAMESIZE];

		fprintf(out, "%s%s", i ? ", " : "", mon_link_name(p.links[i], lname));
	}
	fprintf(out, "%s\n", p.n_links ? "" : "none");
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The name under which the namespace of -n is saved: a name of 'ip
 * netns', given as such or as its path in /run/netns. Return: the name,
 * or NULL (error printed) for a namespace a policy file cannot name.
 */
static const char *saved_netns_name(const char *given)
{
	static const char dir[] = "/run/netns/";

	if (!strchr(given, '/'))
		return given;
	if (!strncmp(given, dir, sizeof(dir) - 1) && given[sizeof(dir) - 1] &&
	    !strchr(given + sizeof(dir) - 1, '/'))
		return given + sizeof(dir) - 1;
	mon_err("policy save: '%s' is not a namespace of 'ip netns': a policy file cannot name it",
		given);
	return NULL;
}

/*
 * FILE is replaced whole or not at all: written beside it under a
 * temporary name, flushed to disk, then renamed over it, so that a
 * failure (full disk, a namespace refusing) never leaves the policy
 * applied at boot cut short. Mode 0644, as the shipped policy file: a
 * policy holds no secret, and 'policy show' shows it to anyone.
 */
static FILE *save_open(const char *path, char *tmp, size_t n)
{
	FILE *out;
	int fd;

	if ((size_t)snprintf(tmp, n, "%s.XXXXXX", path) >= n) {
		mon_err("cannot write '%s': name too long", path);
		return NULL;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		mon_err("cannot write '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fchmod(fd, 0644) || !(out = fdopen(fd, "w"))) {
		mon_err("cannot write '%s': %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return NULL;
	}
	return out;
}

static int save_close(FILE *out, const char *tmp, const char *path, bool ok)
{
	if (fflush(out) || fsync(fileno(out))) {
		if (ok)
			mon_err("cannot write '%s': %s", tmp, strerror(errno));
		ok = false;
	}
	if (fclose(out) && ok) {
		mon_err("cannot write '%s': %s", tmp, strerror(errno));
		ok = false;
	}
	if (ok && rename(tmp, path)) {
		mon_err("cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		ok = false;
	}
	if (!ok)
		unlink(tmp);
	return ok ? 0 : -1;
}

/*
 * The namespace monctl runs in as [host], then every namespace of
 * 'ip netns' in name order. Under -n NAME, only that namespace, as
 * [netns NAME]: it is not the host, and loading the file must not apply
 * its policy to the host.
 */
static int policy_save(int argc, char **argv)
{
	const char *path = argc == 1 && strcmp(argv[0], "-") ? argv[0] : NULL;
	const char *only = NULL;
	char *names[256], tmp[4096];
	unsigned int n = 0, i;
	FILE *out = stdout;
	struct dirent *d;
	int home, ret = MON_EXIT_FAIL;
	DIR *dir;

	if (argc > 1) {
		mon_err("policy save: unexpected argument '%s'", argv[1]);
		return MON_EXIT_USAGE;
	}
	if (mon_opts.netns) {
		only = saved_netns_name(mon_opts.netns);
		if (!only)
			return MON_EXIT_FAIL;
	}
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		mon_err("cannot open this network namespace: %s", strerror(errno));
		return MON_EXIT_FAIL;
	}
	dir = only ? NULL : opendir("/run/netns");
	while (dir && (d = readdir(dir)) && n < 256)
		if (d->d_name[0] != '.')
			names[n++] = strdup(d->d_name);
	if (dir)
		closedir(dir);
	qsort(names, n, sizeof(names[0]), name_cmp);
	if (path) {
		out = save_open(path, tmp, sizeof(tmp));
		if (!out)
			goto out;
	}
	fprintf(out, "# tlsmon policy, written by 'monctl policy save'; apply with\n"
		"# 'monctl policy load FILE'.\n");
	if (save_one(out, only))
		goto out;
	for (i = 0; i < n; i++) {
		char nspath[300];
		int fd;

		if (!names[i])
			continue;
		snprintf(nspath, sizeof(nspath), "/run/netns/%s", names[i]);
		fd = open(nspath, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET)) {
			/* a namespace deleted meanwhile is not an error */
			if (fd >= 0)
				close(fd);
			continue;
		}
		close(fd);
		if (save_one(out, names[i]))
			goto out;
	}
	ret = MON_EXIT_OK;
out:
	if (out && out != stdout &&
	    save_close(out, tmp, path, ret == MON_EXIT_OK))
		ret = MON_EXIT_FAIL;
	if (setns(home, CLONE_NEWNET))
		ret = MON_EXIT_FAIL;
	close(home);
	for (i = 0; i < n; i++)
		free(names[i]);
	return ret;
}

int do_policy_load(int argc, char **argv)
{
	return policy_load(argc, argv);
}

int do_policy_unload(int argc, char **argv)
{
	return policy_unload(argc, argv);
}

int do_policy_save(int argc, char **argv)
{
	return policy_save(argc, argv);
}

int do_policy_check(int argc, char **argv)
{
	return policy_check(argc, argv);
}
