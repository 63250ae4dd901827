// SPDX-License-Identifier: GPL-2.0
/*
 * monctl keys: the exported key material of the monitored sessions of the
 * current namespace, one record per direction. Needs CAP_NET_ADMIN over
 * the namespace and the policy's export on; the kernel shows only
 * sessions whose peer is on a directly connected subnet.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* explicit_bzero */
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>

#include "monctl.h"
#include "nl.h"
#include "print.h"

/* What each key attribute is; MNL_TYPE_UNSPEC: not read. */
static const enum mnl_attr_data_type key_types[TLSMON_KEY_A_MAX + 1] = {
	[TLSMON_KEY_A_DIR] = MNL_TYPE_U8,
	[TLSMON_KEY_A_VERSION] = MNL_TYPE_U16,
	[TLSMON_KEY_A_CIPHER] = MNL_TYPE_U16,
	[TLSMON_KEY_A_KEY] = MNL_TYPE_BINARY,
	[TLSMON_KEY_A_IV] = MNL_TYPE_BINARY,
	[TLSMON_KEY_A_SALT] = MNL_TYPE_BINARY,
	[TLSMON_KEY_A_REC_SEQ] = MNL_TYPE_BINARY,
	[TLSMON_KEY_A_INSTALLED_NS] = MNL_TYPE_U64,
	[TLSMON_KEY_A_EPOCH] = MNL_TYPE_U32,
};

/* Key material of at most @cap bytes: no kTLS cipher has more. */
static int copy_bin(const struct nlattr *a, uint8_t *dst, size_t cap, uint8_t *len)
{
	uint16_t n = mnl_attr_get_payload_len(a);

	if (n > cap) {
		mon_err("the kernel sent a malformed key attribute: type %u, %u bytes",
			mnl_attr_get_type(a), n);
		return -EPROTO;
	}
	memcpy(dst, mnl_attr_get_payload(a), n);
	*len = n;
	return 0;
}

/**
 * key_parse() - a key nest, as the kernel sends it
 * @nest: TLSMON_A_KEY
 * @k: receives the keys; the caller wipes it
 *
 * Attributes of types monctl does not know (a newer module's) are skipped.
 * Return: 0, or -EPROTO for an attribute of the wrong size, named on
 * stderr.
 */
int key_parse(const struct nlattr *nest, struct key_rec *k)
{
	const struct nlattr *a;
	int err = 0;

	memset(k, 0, sizeof(*k));
	mnl_attr_for_each_nested(a, nest) {
		uint16_t type = mnl_attr_get_type(a);

		if (type > TLSMON_KEY_A_MAX || key_types[type] == MNL_TYPE_UNSPEC)
			continue;
		if (!mon_attr_valid(a, key_types[type], "key"))
			return -EPROTO;
		switch (type) {
		case TLSMON_KEY_A_DIR:
			k->dir = mnl_attr_get_u8(a);
			break;
		case TLSMON_KEY_A_VERSION:
			k->version = mnl_attr_get_u16(a);
			break;
		case TLSMON_KEY_A_CIPHER:
			k->cipher = mnl_attr_get_u16(a);
			break;
		case TLSMON_KEY_A_KEY:
			err = copy_bin(a, k->key, sizeof(k->key), &k->key_len);
			break;
		case TLSMON_KEY_A_IV:
			err = copy_bin(a, k->iv, sizeof(k->iv), &k->iv_len);
			break;
		case TLSMON_KEY_A_SALT:
			err = copy_bin(a, k->salt, sizeof(k->salt), &k->salt_len);
			break;
		case TLSMON_KEY_A_REC_SEQ:
			err = copy_bin(a, k->rec_seq, sizeof(k->rec_seq), &k->rec_seq_len);
			break;
		case TLSMON_KEY_A_INSTALLED_NS:
			k->installed_ns = mnl_attr_get_u64(a);
			break;
		case TLSMON_KEY_A_EPOCH:
			k->epoch = mnl_attr_get_u32(a);
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

/* Not sprintf() per byte: a dump of 100,000 sessions prints millions. */
static void hex(char *out, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* @n decimal digits of @v at @p, zero-padded. */
static char *put_digits(char *p, unsigned long long v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = '0' + v % 10;
		v /= 10;
	}
	return p + n;
}

/*
 * @ns as ISO 8601 in UTC, "YYYY-MM-DDTHH:MM:SS.uuuuuuZ", into @buf of at
 * least 32 bytes; by hand, since every key record of a dump has one.
 */
void mon_time_str(uint64_t ns, char *buf, size_t n)
{
	time_t t = ns / 1000000000ull;
	struct tm tm;
	char *p = buf;

	if (n < 32 || !gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0) {
		snprintf(buf, n, "%llu", (unsigned long long)ns);
		return;
	}
	p = put_digits(p, tm.tm_year + 1900, 4);
	*p++ = '-';
	p = put_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_sec, 2);
	*p++ = '.';
	p = put_digits(p, (ns % 1000000000ull) / 1000, 6);
	*p++ = 'Z';
	*p = '\0';
}

/**
 * key_print() - one direction's keys: a line of text, or a JSON object
 * @p: the printer
 * @key: the object's key in the JSON value it is part of, or NULL
 * @s: the session
 * @k: the keys
 *
 * The text line names the session by its id and addresses; the JSON
 * object holds every field of the session as well. The hex copies of
 * the key material are wiped here, the printer's buffer once written.
 */
void key_print(struct mon_print *p, const char *key, const struct session *s,
	       const struct key_rec *k)
{
	const char *dir = k->dir == TLSMON_DIR_TX ? "tx" : "rx";
	char la[48], ra[48], h[80], when[64];

	addr_str(s->family, s->laddr, la, sizeof(la));
	addr_str(s->family, s->raddr, ra, sizeof(ra));
	mon_time_str(k->installed_ns, when, sizeof(when));

	open_json_object(p, key);
	print_u64(p, PRINT_FP, NULL, "%llu ", s->id);
	print_string(p, PRINT_FP, NULL, "%s ", dir);
	print_string(p, PRINT_FP, NULL, "%s:", la);
	print_uint(p, PRINT_FP, NULL, "%u ", s->lport);
	print_string(p, PRINT_FP, NULL, "%s:", ra);
	print_uint(p, PRINT_FP, NULL, "%u ", s->rport);
	print_mute_text(p, true);
	session_fields(p, s);
	print_mute_text(p, false);
	print_string(p, PRINT_JSON, "direction", NULL, dir);
	print_string(p, PRINT_ANY, "key_version", "%s ", version_name(k->version));
	print_string(p, PRINT_ANY, "key_cipher", "%s ", cipher_name(k->cipher));
	hex(h, k->key, k->key_len);
	print_string(p, PRINT_ANY, "key", "key %s ", h);
	hex(h, k->iv, k->iv_len);
	print_string(p, PRINT_ANY, "iv", "iv %s ", h);
	hex(h, k->salt, k->salt_len);
	print_string(p, PRINT_JSON, "salt", NULL, h);
	print_string(p, PRINT_FP, NULL, "salt %s ", h[0] ? h : "-");
	hex(h, k->rec_seq, k->rec_seq_len);
	print_string(p, PRINT_ANY, "rec_seq", "rec_seq %s ", h);
	print_u64(p, PRINT_JSON, "installed_ns", NULL, k->installed_ns);
	print_string(p, PRINT_ANY, "installed", "installed %s ", when);
	print_uint(p, PRINT_ANY, "epoch", "epoch %u", k->epoch);
	close_json_object(p);
	print_nl(p);
	explicit_bzero(h, sizeof(h));
}

struct keys_ctx {
	struct mon_print p;
	bool open;
};

/**
 * key_msg_walk() - each key record of a KEYS_GET reply or KEYS_NEW event
 * @nlh: the message: a session nest, then one key nest per direction
 * @fn: called with the session and each key; returns an MNL_CB_* value,
 *	anything but MNL_CB_OK ends the walk
 * @data: passed to @fn
 *
 * The key copy on the stack is wiped after each call.
 * Return: MNL_CB_OK, @fn's other result, or MNL_CB_ERROR with errno
 * EPROTO for a message that does not parse.
 */
int key_msg_walk(const struct nlmsghdr *nlh, key_fn fn, void *data)
{
	const struct nlattr *a;
	struct session s;
	struct key_rec k;
	bool have_s = false;
	int ret = MNL_CB_OK;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == TLSMON_A_SESSION) {
			if (session_parse(a, &s))
				goto bad;
			have_s = true;
		} else if (mnl_attr_get_type(a) == TLSMON_A_KEY && have_s) {
			if (key_parse(a, &k))
				goto bad;
			ret = fn(&s, &k, data);
			explicit_bzero(&k, sizeof(k));
			if (ret != MNL_CB_OK)
				return ret;
		}
	}
	return ret;
bad:
	errno = EPROTO;
	return MNL_CB_ERROR;
}

/**
 * key_notice_parse() - what a TLSMON_CMD_KEYS_NEW notice names
 * @nlh: the notice: a session nest and one key nest without key material
 * @s: receives the session
 * @k: receives the direction, version, cipher and installation time
 *
 * Return: 0, or -EPROTO for a notice without both nests.
 */
int key_notice_parse(const struct nlmsghdr *nlh, struct session *s,
		     struct key_rec *k)
{
	const struct nlattr *a;
	bool have_s = false, have_k = false;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == TLSMON_A_SESSION && !have_s) {
			if (session_parse(a, s))
				return -EPROTO;
			have_s = true;
		} else if (mnl_attr_get_type(a) == TLSMON_A_KEY && !have_k) {
			if (key_parse(a, k))
				return -EPROTO;
			have_k = true;
		}
	}
	/* a notice never holds key bytes; one that does is not from tlsmon */
	if (!have_s || !have_k || k->key_len || k->iv_len || k->salt_len ||
	    k->rec_seq_len) {
		explicit_bzero(k, sizeof(*k));
		return -EPROTO;
	}
	return 0;
}

struct fetch_ctx {
	uint8_t dirs;
	key_fn fn;
	void *data;
	int ret;
};

/* Every record goes through; after @fn said stop, it is no longer called. */
static int fetch_one(const struct session *s, const struct key_rec *k, void *data)
{
	struct fetch_ctx *f = data;

	if (f->ret != MNL_CB_OK || (f->dirs && !(k->dir & f->dirs)))
		return MNL_CB_OK;
	f->ret = f->fn(s, k, f->data);
	return MNL_CB_OK;
}

static int fetch_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	return key_msg_walk(nlh, fetch_one, data);
}

/**
 * keys_fetch() - the keys of one session, fetched from the kernel
 * @nl: a socket for requests; not one that listens to a group, whose
 *	notices would mix with the reply
 * @id: the session's id, or 0
 * @cookie: its socket's cookie, or 0 (one of the two is needed)
 * @dirs: TLSMON_DIR_* of the records passed to @fn, 0 for every one
 * @fn: called with each key record; the copy is wiped after the call.
 *	Once it returns anything but MNL_CB_OK it is not called again, and
 *	the reply is still read to its end
 * @data: passed to @fn
 *
 * TLSMON_CMD_KEYS_GET selecting one session, as a reader does on a
 * TLSMON_CMD_KEYS_NEW notice: the kernel checks the reader's privilege
 * and the export rules at this request.
 * Return: MNL_CB_OK; @fn's other result; or MNL_CB_ERROR with errno set
 * (ENOENT: the session closed or its keys may not be exported now,
 * EOPNOTSUPP: export is off, EPERM: no CAP_NET_ADMIN), nl->err_msg
 * holding the kernel's reason.
 */
int keys_fetch(struct mon_nl *nl, uint64_t id, uint64_t cookie, uint8_t dirs,
	       key_fn fn, void *data)
{
	struct fetch_ctx f = { .dirs = dirs, .fn = fn, .data = data,
			       .ret = MNL_CB_OK };
	struct nlmsghdr *req;
	struct nlattr *nest;
	int err;

	if (!id && !cookie) {
		errno = EINVAL;
		return MNL_CB_ERROR;
	}
	req = mon_nl_request(nl, TLSMON_CMD_KEYS_GET, 0);
	nest = mnl_attr_nest_start(req, TLSMON_A_SESSION);
	if (id)
		mnl_attr_put_u64(req, TLSMON_SESSION_A_ID, id);
	if (cookie)
		mnl_attr_put_u64(req, TLSMON_SESSION_A_COOKIE, cookie);
	mnl_attr_nest_end(req, nest);
	err = mon_nl_talk(nl, req, fetch_msg_cb, &f);
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return f.ret;
}

static int keys_show_one(const struct session *s, const struct key_rec *k, void *data)
{
	struct keys_ctx *ctx = data;

	if (!ctx->open) {
		open_json_array(&ctx->p, NULL);
		ctx->open = true;
	}
	key_print(&ctx->p, NULL, s, k);
	return MNL_CB_OK;
}

static int keys_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	return key_msg_walk(nlh, keys_show_one, data);
}

static int keys_show(int argc, char **argv)
{
	struct keys_ctx ctx = { .open = false };
	struct mon_nl nl;
	int err;

	if (argc > 0) {
		mon_err("keys show: unexpected argument '%s'", argv[0]);
		return MON_EXIT_USAGE;
	}
	if (mon_nl_open(&nl))
		return MON_EXIT_FAIL;
	print_init(&ctx.p, stdout, mon_opts.json, mon_opts.pretty);
	err = mon_nl_talk(&nl, mon_nl_request(&nl, TLSMON_CMD_KEYS_GET, NLM_F_DUMP),
			  keys_msg_cb, &ctx);
	/* the array opens with its first record: a refusal prints none */
	if (ctx.open || !err) {
		if (!ctx.open)
			open_json_array(&ctx.p, NULL);
		close_json_array(&ctx.p);
	}
	print_end(&ctx.p);
	mon_nl_close(&nl);
	if (err) {
		mon_nl_perror(&nl, "cannot read the keys", err);
		return MON_EXIT_FAIL;
	}
	/*
	 * The kernel resumes a dump after the last session id sent, so a
	 * listing the sessions changed under still holds, once, every
	 * session that existed throughout: under constant churn that is as
	 * consistent as a listing gets, and refusing it would mean none.
	 */
	if (nl.dump_intr)
		mon_err("warning: sessions opened or closed during the listing may be missing from it");
	return MON_EXIT_OK;
}

static void keys_usage(void)
{
	fprintf(stderr,
		"Usage: monctl [-j [-p]] keys [show]\n"
		"       monctl keys help\n"
		"\n"
		"The key material of the monitored sessions of this network namespace,\n"
		"one record per kTLS direction: key, iv, salt and rec_seq as installed.\n"
		"Needs CAP_NET_ADMIN over the namespace and 'monctl policy set export on';\n"
		"only sessions whose peer is on a directly connected subnet are shown.\n");
}

static const struct mon_cmd keys_cmds[] = {
	{ "show", keys_show, "show the exported keys (default)" },
	{ NULL, NULL, NULL },
};

int do_keys(int argc, char **argv)
{
	if (argc == 0)
		return keys_show(0, argv);
	return mon_dispatch(keys_cmds, "keys", argc, argv, keys_usage);
}
