// SPDX-License-Identifier: GPL-2.0
/*
 * monctl sessions: the monitored sessions of the current namespace, one
 * per line or JSON object. No key material is ever shown here.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/tls.h>

#include "monctl.h"
#include "nl.h"
#include "print.h"
#include "suites.h"

#define KTLS_CIPHER(c, n) {						\
	TLS_CIPHER_##c, n, TLS_CIPHER_##c##_KEY_SIZE, TLS_CIPHER_##c##_IV_SIZE,	\
	TLS_CIPHER_##c##_SALT_SIZE, TLS_CIPHER_##c##_REC_SEQ_SIZE		\
}

/* Every cipher kTLS takes, named as monctl prints it. */
static const struct ktls_cipher ktls_ciphers[] = {
	KTLS_CIPHER(AES_GCM_128, "aes-gcm-128"),
	KTLS_CIPHER(AES_GCM_256, "aes-gcm-256"),
	KTLS_CIPHER(AES_CCM_128, "aes-ccm-128"),
	KTLS_CIPHER(CHACHA20_POLY1305, "chacha20-poly1305"),
	KTLS_CIPHER(SM4_GCM, "sm4-gcm"),
	KTLS_CIPHER(SM4_CCM, "sm4-ccm"),
	KTLS_CIPHER(ARIA_GCM_128, "aria-gcm-128"),
	KTLS_CIPHER(ARIA_GCM_256, "aria-gcm-256"),
};

/* Return: the cipher of TLS_CIPHER_* @type, or NULL. */
const struct ktls_cipher *ktls_cipher_by_type(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof(ktls_ciphers) / sizeof(ktls_ciphers[0]); i++)
		if (ktls_ciphers[i].type == type)
			return &ktls_ciphers[i];
	return NULL;
}

/* Return: the cipher monctl names @name, or NULL. */
const struct ktls_cipher *ktls_cipher_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ktls_ciphers) / sizeof(ktls_ciphers[0]); i++)
		if (!strcmp(ktls_ciphers[i].name, name))
			return &ktls_ciphers[i];
	return NULL;
}

const char *cipher_name(uint16_t c)
{
	const struct ktls_cipher *k = ktls_cipher_by_type(c);

	return k ? k->name : "unknown";
}

const char *version_name(uint16_t v)
{
	switch (v) {
	case TLS_1_3_VERSION: return "TLS1.3";
	case TLS_1_2_VERSION: return "TLS1.2";
	case 0x0302: return "TLS1.1";
	case 0x0301: return "TLS1.0";
	}
	return "unknown";
}

/* A session's reason: the suite when it counts, else the consent. */
static const char *reason_name(uint8_t r)
{
	if (r & TLSMON_REASON_SUITE)
		return "suite";
	if (r & TLSMON_REASON_CONSENT)
		return "consent";
	return "none";
}

static void dirs_str(uint8_t d, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", d & TLSMON_DIR_TX ? "tx" : "",
		 (d & TLSMON_DIR_TX) && (d & TLSMON_DIR_RX) ? "," : "",
		 d & TLSMON_DIR_RX ? "rx" : "");
}

/* TLSMON_DIR_* bits as a JSON array of "tx" and "rx". */
static void print_dirs(struct mon_print *p, const char *key, uint8_t d)
{
	open_json_array(p, key);
	if (d & TLSMON_DIR_TX)
		print_string(p, PRINT_JSON, NULL, NULL, "tx");
	if (d & TLSMON_DIR_RX)
		print_string(p, PRINT_JSON, NULL, NULL, "rx");
	close_json_array(p);
}

void addr_str(uint16_t family, const uint8_t *a, char *buf, size_t n)
{
	if (!inet_ntop(family, a, buf, n))
		snprintf(buf, n, "?");
}

/* What each session attribute is; MNL_TYPE_UNSPEC: not read. */
static const enum mnl_attr_data_type session_types[TLSMON_SESSION_A_MAX + 1] = {
	[TLSMON_SESSION_A_ID] = MNL_TYPE_U64,
	[TLSMON_SESSION_A_COOKIE] = MNL_TYPE_U64,
	[TLSMON_SESSION_A_FAMILY] = MNL_TYPE_U16,
	[TLSMON_SESSION_A_LOCAL_ADDR] = MNL_TYPE_BINARY,
	[TLSMON_SESSION_A_PEER_ADDR] = MNL_TYPE_BINARY,
	[TLSMON_SESSION_A_LOCAL_PORT] = MNL_TYPE_U16,
	[TLSMON_SESSION_A_PEER_PORT] = MNL_TYPE_U16,
	[TLSMON_SESSION_A_ROLE] = MNL_TYPE_U8,
	[TLSMON_SESSION_A_VERSION] = MNL_TYPE_U16,
	[TLSMON_SESSION_A_SUITE] = MNL_TYPE_U16,
	[TLSMON_SESSION_A_CIPHER] = MNL_TYPE_U16,
	[TLSMON_SESSION_A_DIRS] = MNL_TYPE_U8,
	[TLSMON_SESSION_A_HW] = MNL_TYPE_U8,
	[TLSMON_SESSION_A_REASON] = MNL_TYPE_U8,
	[TLSMON_SESSION_A_MARK] = MNL_TYPE_U32,
	[TLSMON_SESSION_A_AGE_MS] = MNL_TYPE_U64,
	[TLSMON_SESSION_A_UID] = MNL_TYPE_U32,
	[TLSMON_SESSION_A_INODE] = MNL_TYPE_U64,
	[TLSMON_SESSION_A_STATIC_KEY_SHARE] = MNL_TYPE_U8,
};

/* An address: 4 bytes for IPv4, 16 for IPv6. */
static int copy_addr(const struct nlattr *a, uint8_t *dst)
{
	uint16_t len = mnl_attr_get_payload_len(a);

	if (len != 4 && len != 16) {
		mon_err("the kernel sent a malformed session attribute: type %u, %u bytes",
			mnl_attr_get_type(a), len);
		return -EPROTO;
	}
	memcpy(dst, mnl_attr_get_payload(a), len);
	return 0;
}

/**
 * session_parse() - a session nest, as the kernel sends it
 * @nest: TLSMON_A_SESSION
 * @s: receives the session
 *
 * Attributes of types monctl does not know (a newer module's) are skipped.
 * Return: 0, or -EPROTO for an attribute of the wrong size, named on
 * stderr.
 */
int session_parse(const struct nlattr *nest, struct session *s)
{
	const struct nlattr *a;

	memset(s, 0, sizeof(*s));
	mnl_attr_for_each_nested(a, nest) {
		uint16_t type = mnl_attr_get_type(a);

		if (type > TLSMON_SESSION_A_MAX || session_types[type] == MNL_TYPE_UNSPEC)
			continue;
		if (!mon_attr_valid(a, session_types[type], "session"))
			return -EPROTO;
		switch (type) {
		case TLSMON_SESSION_A_ID:
			s->id = mnl_attr_get_u64(a);
			break;
		case TLSMON_SESSION_A_COOKIE:
			s->cookie = mnl_attr_get_u64(a);
			break;
		case TLSMON_SESSION_A_AGE_MS:
			s->age_ms = mnl_attr_get_u64(a);
			break;
		case TLSMON_SESSION_A_FAMILY:
			s->family = mnl_attr_get_u16(a);
			break;
		case TLSMON_SESSION_A_LOCAL_ADDR:
			if (copy_addr(a, s->laddr))
				return -EPROTO;
			break;
		case TLSMON_SESSION_A_PEER_ADDR:
			if (copy_addr(a, s->raddr))
				return -EPROTO;
			break;
		case TLSMON_SESSION_A_LOCAL_PORT:
			s->lport = mnl_attr_get_u16(a);
			break;
		case TLSMON_SESSION_A_PEER_PORT:
			s->rport = mnl_attr_get_u16(a);
			break;
		case TLSMON_SESSION_A_ROLE:
			s->role = mnl_attr_get_u8(a);
			break;
		case TLSMON_SESSION_A_VERSION:
			s->version = mnl_attr_get_u16(a);
			break;
		case TLSMON_SESSION_A_SUITE:
			s->suite = mnl_attr_get_u16(a);
			break;
		case TLSMON_SESSION_A_CIPHER:
			s->cipher = mnl_attr_get_u16(a);
			break;
		case TLSMON_SESSION_A_DIRS:
			s->dirs = mnl_attr_get_u8(a);
			break;
		case TLSMON_SESSION_A_HW:
			s->hw = mnl_attr_get_u8(a);
			break;
		case TLSMON_SESSION_A_REASON:
			s->reason = mnl_attr_get_u8(a);
			break;
		case TLSMON_SESSION_A_MARK:
			s->mark = mnl_attr_get_u32(a);
			break;
		case TLSMON_SESSION_A_UID:
			s->uid = mnl_attr_get_u32(a);
			s->has_uid = true;
			break;
		case TLSMON_SESSION_A_INODE:
			s->inode = mnl_attr_get_u64(a);
			break;
		case TLSMON_SESSION_A_STATIC_KEY_SHARE:
			s->static_ks = mnl_attr_get_u8(a);
			break;
		}
	}
	return 0;
}

/**
 * session_fields() - a session's fields, into the record being printed
 * @p: the printer
 * @s: the session
 *
 * In text, one line as 'monctl sessions' prints it, the socket named
 * last as 'ss -e' names it (uid:, ino:, sk: with the cookie in hex), so
 * that a session can be matched with ss's line of the same socket and
 * its process; in JSON, one member per field. A key record holds these
 * members too (with the text muted).
 */
void session_fields(struct mon_print *p, const struct session *s)
{
	char la[INET6_ADDRSTRLEN], ra[INET6_ADDRSTRLEN], dirs[8], age[48];
	const char *name = suite_name(s->suite);
	bool v6 = s->family == AF_INET6;

	addr_str(s->family, s->laddr, la, sizeof(la));
	addr_str(s->family, s->raddr, ra, sizeof(ra));
	dirs_str(s->dirs, dirs, sizeof(dirs));
	snprintf(age, sizeof(age), "%llu.%03llus", (unsigned long long)s->age_ms / 1000,
		 (unsigned long long)s->age_ms % 1000);

	print_u64(p, PRINT_ANY, "id", "%llu ", s->id);
	print_u64(p, PRINT_JSON, "cookie", NULL, s->cookie);
	print_string(p, PRINT_ANY, "family", "%s ", s->family == AF_INET ? "inet" : "inet6");
	print_string(p, PRINT_ANY, "local", v6 ? "[%s]:" : "%s:", la);
	print_uint(p, PRINT_ANY, "local_port", "%u ", s->lport);
	print_string(p, PRINT_ANY, "peer", v6 ? "[%s]:" : "%s:", ra);
	print_uint(p, PRINT_ANY, "peer_port", "%u ", s->rport);
	print_string(p, PRINT_ANY, "role", "%s ",
		     s->role == TLSMON_ROLE_CLIENT ? "client" : "server");
	print_string(p, PRINT_ANY, "version", "%s ", version_name(s->version));
	print_string(p, PRINT_ANY, "suite", "%s ", name ? name : "unknown");
	print_hex(p, PRINT_ANY, "suite_code", "0x%04x ", s->suite);
	print_string(p, PRINT_ANY, "cipher", "%s ", cipher_name(s->cipher));
	print_string(p, PRINT_FP, NULL, "%s ", dirs);
	print_dirs(p, "directions", s->dirs);
	print_dirs(p, "offload", s->hw);
	print_string(p, PRINT_ANY, "reason", "reason %s", reason_name(s->reason));
	if (s->reason == (TLSMON_REASON_SUITE | TLSMON_REASON_CONSENT))
		print_string(p, PRINT_FP, NULL, "%s", "+consent");
	print_bool(p, PRINT_JSON, "consent", NULL, s->reason & TLSMON_REASON_CONSENT);
	print_hex(p, PRINT_ANY, "mark", " mark 0x%x", s->mark);
	print_u64(p, PRINT_JSON, "age_ms", NULL, s->age_ms);
	print_string(p, PRINT_FP, NULL, " age %s", age);
	if (s->static_ks)
		print_string(p, PRINT_FP, NULL, "%s", " static-key-share");
	if (s->has_uid)
		print_uint(p, PRINT_ANY, "uid", " uid:%u", s->uid);
	if (s->inode)
		print_u64(p, PRINT_ANY, "inode", " ino:%llu", s->inode);
	print_bool(p, PRINT_JSON, "static_key_share", NULL, s->static_ks);
	print_u64(p, PRINT_FP, NULL, " sk:%llx", s->cookie);
}

/* One session: a line of text, or a JSON object under @key. */
void session_print(struct mon_print *p, const char *key, const struct session *s)
{
	open_json_object(p, key);
	session_fields(p, s);
	close_json_object(p);
	print_nl(p);
}

struct dump_ctx {
	struct mon_print p;
	unsigned int n;
};

static int session_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	const struct nlattr *a;
	struct session s;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != TLSMON_A_SESSION)
			continue;
		if (session_parse(a, &s)) {
			errno = EPROTO;
			return MNL_CB_ERROR;
		}
		session_print(&ctx->p, NULL, &s);
		ctx->n++;
	}
	return MNL_CB_OK;
}

/**
 * mon_parse_cookie() - a socket cookie as an operator copies it
 * @word: "sk:HEX" as 'ss -e' prints it, "0xHEX", or decimal
 * @out: the cookie, never 0 (the kernel gives no socket cookie 0)
 *
 * Return: 0, or -1 when @word is none of these.
 */
int mon_parse_cookie(const char *word, uint64_t *out)
{
	unsigned long long v;
	int base;
	char *end;

	if (!strncmp(word, "sk:", 3)) {
		word += 3;
		base = 16;
		if (!strncasecmp(word, "0x", 2))
			return -1;
	} else if (!strncasecmp(word, "0x", 2)) {
		word += 2;
		base = 16;
	} else {
		base = 10;	/* not octal: "010" is ten */
	}
	if (!isxdigit((unsigned char)*word))
		return -1;
	errno = 0;
	v = strtoull(word, &end, base);
	if (errno || *end || !v)
		return -1;
	*out = v;
	return 0;
}

static int sessions_show(int argc, char **argv)
{
	struct dump_ctx ctx = { .n = 0 };
	uint64_t cookie = 0;
	struct nlmsghdr *req;
	struct mon_nl nl;
	int err;

	bool keyword = argc > 0 && !strcmp(argv[0], "cookie");

	if (keyword) {
		if (argc < 2) {
			mon_err("sessions show: 'cookie' needs a socket cookie");
			return MON_EXIT_USAGE;
		}
		argc--;
		argv++;
	}
	/* "cookie sk:1001", or "sk:1001" alone as pasted from 'ss -e' */
	if (argc > 0 && (keyword || !strncmp(argv[0], "sk:", 3))) {
		if (mon_parse_cookie(argv[0], &cookie)) {
			mon_err("sessions show: '%s' is not a socket cookie (sk:HEX as 'ss -e' prints it, 0xHEX or decimal)",
				argv[0]);
			return MON_EXIT_USAGE;
		}
		argc--;
		argv++;
	}
	if (argc > 0) {
		mon_err("sessions show: unexpected argument '%s'", argv[0]);
		return MON_EXIT_USAGE;
	}
	if (mon_nl_open(&nl))
		return MON_EXIT_FAIL;
	print_init(&ctx.p, stdout, mon_opts.json, mon_opts.pretty);
	open_json_array(&ctx.p, NULL);
	if (cookie) {
		struct nlattr *nest;

		/* one socket: the kernel says ENOENT when it is not monitored */
		req = mon_nl_request(&nl, TLSMON_CMD_SESSION_GET, 0);
		nest = mnl_attr_nest_start(req, TLSMON_A_SESSION);
		mnl_attr_put_u64(req, TLSMON_SESSION_A_COOKIE, cookie);
		mnl_attr_nest_end(req, nest);
	} else {
		req = mon_nl_request(&nl, TLSMON_CMD_SESSION_GET, NLM_F_DUMP);
	}
	err = mon_nl_talk(&nl, req, session_msg_cb, &ctx);
	close_json_array(&ctx.p);
	print_end(&ctx.p);
	mon_nl_close(&nl);
	if (err) {
		mon_nl_perror(&nl, cookie ? "cannot read the session of that socket" :
			      "cannot list the sessions", err);
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

static void sessions_usage(void)
{
	fprintf(stderr,
		"Usage: monctl [-j [-p]] sessions [show [[cookie] COOKIE]]\n"
		"       monctl sessions help\n"
		"\n"
		"COOKIE := sk:HEX (as 'ss -e' prints it) | 0xHEX | DECIMAL\n"
		"\n"
		"One line per monitored session of this network namespace: id, family,\n"
		"local and peer address and port, role, TLS version, suite, kTLS cipher,\n"
		"kTLS directions, reason (suite or consent), socket mark, age, and the\n"
		"socket as 'ss -e' names it: uid:, ino: and sk: (its SO_COOKIE in hex).\n"
		"With a cookie, only the session of that socket; exit status 1 when\n"
		"that socket is not monitored.\n");
}

static const struct mon_cmd sessions_cmds[] = {
	{ "show", sessions_show, "list the monitored sessions (default)" },
	{ "list", sessions_show, "the same" },
	{ NULL, NULL, NULL },
};

int do_sessions(int argc, char **argv)
{
	if (argc == 0 || !strcmp(argv[0], "cookie") || !strncmp(argv[0], "sk:", 3))
		return sessions_show(argc, argv);
	return mon_dispatch(sessions_cmds, "sessions", argc, argv, sessions_usage);
}
