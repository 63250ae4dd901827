// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of monctl's printers: sessions, keys, the policy and the
 * counters, as text and as JSON, byte for byte as monctl(8) documents
 * them and the suites compare them; records come from canned netlink
 * messages through monctl's own parsers, which refuse an attribute of
 * the wrong size with a message naming it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/tls.h>

#include "../../tools/monctl/monctl.h"
#include "../../tools/monctl/print.h"
#include "../../tools/monctl/suites.h"
#include "kselftest_harness.h"

/* what monctl.c provides to the session and key code */
struct mon_opts mon_opts;

/* the last message, for the tests of malformed attributes */
static char last_err[256];

void mon_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_err, sizeof(last_err), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", last_err);
}

int mon_dispatch(const struct mon_cmd *cmds, const char *what, int argc,
		 char **argv, void (*usage)(void))
{
	return -1;
}

/* the policy file commands, which policy.c dispatches to */
int do_policy_load(int argc, char **argv) { return -1; }
int do_policy_unload(int argc, char **argv) { return -1; }
int do_policy_save(int argc, char **argv) { return -1; }
int do_policy_check(int argc, char **argv) { return -1; }

/*
 * What the code under test writes to stdout, into @out (NUL-terminated):
 * stdout is pointed at a temporary file for the duration.
 */
static int saved_fd = -1;
static FILE *cap;

static void capture_start(void)
{
	fflush(stdout);
	cap = tmpfile();
	saved_fd = dup(STDOUT_FILENO);
	dup2(fileno(cap), STDOUT_FILENO);
}

static char *capture_end(void)
{
	static char out[16384];
	size_t n;

	fflush(stdout);
	dup2(saved_fd, STDOUT_FILENO);
	close(saved_fd);
	rewind(cap);
	n = fread(out, 1, sizeof(out) - 1, cap);
	out[n] = '\0';
	fclose(cap);
	return out;
}

/* A message buffer and the nest of one record being built in it. */
struct msg {
	char buf[4096];
	struct nlmsghdr *nlh;
};

static struct nlattr *msg_start(struct msg *m, uint16_t type)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = mnl_nlmsg_put_header(m->buf);
	g = mnl_nlmsg_put_extra_header(m->nlh, sizeof(*g));
	g->cmd = TLSMON_CMD_SESSION_GET;
	return mnl_attr_nest_start(m->nlh, type);
}

/* Session attributes as the kernel sends them (module/netlink.c). */
static void put_session(struct msg *m, const struct session *s, bool v6)
{
	struct nlattr *nest = msg_start(m, TLSMON_A_SESSION);
	size_t alen = v6 ? 16 : 4;

	mnl_attr_put_u64(m->nlh, TLSMON_SESSION_A_ID, s->id);
	mnl_attr_put_u64(m->nlh, TLSMON_SESSION_A_COOKIE, s->cookie);
	mnl_attr_put_u16(m->nlh, TLSMON_SESSION_A_FAMILY, s->family);
	mnl_attr_put(m->nlh, TLSMON_SESSION_A_LOCAL_ADDR, alen, s->laddr);
	mnl_attr_put(m->nlh, TLSMON_SESSION_A_PEER_ADDR, alen, s->raddr);
	mnl_attr_put_u16(m->nlh, TLSMON_SESSION_A_LOCAL_PORT, s->lport);
	mnl_attr_put_u16(m->nlh, TLSMON_SESSION_A_PEER_PORT, s->rport);
	mnl_attr_put_u8(m->nlh, TLSMON_SESSION_A_ROLE, s->role);
	mnl_attr_put_u16(m->nlh, TLSMON_SESSION_A_VERSION, s->version);
	mnl_attr_put_u16(m->nlh, TLSMON_SESSION_A_SUITE, s->suite);
	mnl_attr_put_u16(m->nlh, TLSMON_SESSION_A_CIPHER, s->cipher);
	mnl_attr_put_u8(m->nlh, TLSMON_SESSION_A_DIRS, s->dirs);
	mnl_attr_put_u8(m->nlh, TLSMON_SESSION_A_HW, s->hw);
	mnl_attr_put_u8(m->nlh, TLSMON_SESSION_A_REASON, s->reason);
	mnl_attr_put_u32(m->nlh, TLSMON_SESSION_A_MARK, s->mark);
	mnl_attr_put_u64(m->nlh, TLSMON_SESSION_A_AGE_MS, s->age_ms);
	if (s->has_uid)
		mnl_attr_put_u32(m->nlh, TLSMON_SESSION_A_UID, s->uid);
	if (s->inode)
		mnl_attr_put_u64(m->nlh, TLSMON_SESSION_A_INODE, s->inode);
	mnl_attr_put_u8(m->nlh, TLSMON_SESSION_A_STATIC_KEY_SHARE, s->static_ks);
	mnl_attr_nest_end(m->nlh, nest);
}

/* A TLS 1.2 client over IPv4, tagged by its suite. */
static void session_v4(struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->id = 7;
	s->cookie = 0x1001;
	s->age_ms = 12345;
	s->family = AF_INET;
	inet_pton(AF_INET, "10.83.0.1", s->laddr);
	inet_pton(AF_INET, "10.83.0.2", s->raddr);
	s->lport = 40000;
	s->rport = 4701;
	s->role = TLSMON_ROLE_CLIENT;
	s->version = 0x0303;
	s->suite = 0xff01;
	s->cipher = TLS_CIPHER_AES_GCM_128;
	s->dirs = TLSMON_DIR_TX | TLSMON_DIR_RX;
	s->reason = TLSMON_REASON_SUITE;
}

/* A TLS 1.3 server over IPv6, suite and consent, owner and inode known. */
static void session_v6(struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->id = 18446744073709551615ull;
	s->cookie = 0xdeadbeef01;
	s->age_ms = 7;
	s->family = AF_INET6;
	inet_pton(AF_INET6, "fd00::1", s->laddr);
	inet_pton(AF_INET6, "fd00::2:3", s->raddr);
	s->lport = 443;
	s->rport = 55555;
	s->role = TLSMON_ROLE_SERVER;
	s->version = 0x0304;
	s->suite = 0xff7e;
	s->cipher = TLS_CIPHER_SM4_GCM;
	s->dirs = TLSMON_DIR_RX;
	s->hw = TLSMON_DIR_TX | TLSMON_DIR_RX;
	s->reason = TLSMON_REASON_SUITE | TLSMON_REASON_CONSENT;
	s->mark = 0x10;
	s->uid = 1000;
	s->has_uid = true;
	s->inode = 4242;
	s->static_ks = 1;
}

static const char v4_text[] =
	"7 inet 10.83.0.1:40000 10.83.0.2:4701 client TLS1.2 "
	"TLS_AES_128_GCM_SHA256_MON 0xff01 aes-gcm-128 tx,rx "
	"reason suite mark 0x0 age 12.345s sk:1001\n";
static const char v4_json[] =
	"{\"id\":7,\"cookie\":4097,\"family\":\"inet\",\"local\":\"10.83.0.1\","
	"\"local_port\":40000,\"peer\":\"10.83.0.2\",\"peer_port\":4701,\"role\":\"client\","
	"\"version\":\"TLS1.2\",\"suite\":\"TLS_AES_128_GCM_SHA256_MON\","
	"\"suite_code\":\"0xff01\",\"cipher\":\"aes-gcm-128\",\"directions\":[\"tx\",\"rx\"],"
	"\"offload\":[],\"reason\":\"suite\",\"consent\":false,\"mark\":\"0x0\",\"age_ms\":12345,"
	"\"static_key_share\":false}";
static const char v6_text[] =
	"18446744073709551615 inet6 [fd00::1]:443 [fd00::2:3]:55555 server TLS1.3 "
	"unknown 0xff7e sm4-gcm rx reason suite+consent mark 0x10 age 0.007s "
	"static-key-share uid:1000 ino:4242 sk:deadbeef01\n";
static const char v6_json[] =
	"{\"id\":18446744073709551615,\"cookie\":956397711105,\"family\":\"inet6\","
	"\"local\":\"fd00::1\",\"local_port\":443,\"peer\":\"fd00::2:3\",\"peer_port\":55555,"
	"\"role\":\"server\",\"version\":\"TLS1.3\",\"suite\":\"unknown\","
	"\"suite_code\":\"0xff7e\",\"cipher\":\"sm4-gcm\",\"directions\":[\"rx\"],"
	"\"offload\":[\"tx\",\"rx\"],\"reason\":\"suite\",\"consent\":true,\"mark\":\"0x10\","
	"\"age_ms\":7,\"uid\":1000,\"inode\":4242,\"static_key_share\":true}";

/* The session of a canned message, as text and as compact JSON. */
static void print_session(struct __test_metadata *_metadata, const struct session *want,
			  bool v6, const char *text, const char *json)
{
	struct session s;
	struct msg m;
	struct mon_print p;
	char *out;

	put_session(&m, want, v6);
	ASSERT_EQ(0, session_parse(mnl_nlmsg_get_payload_offset(m.nlh, GENL_HDRLEN), &s));

	capture_start();
	print_init(&p, stdout, false, false);
	session_print(&p, NULL, &s);
	print_end(&p);
	out = capture_end();
	EXPECT_STREQ(text, out);

	capture_start();
	print_init(&p, stdout, true, false);
	session_print(&p, NULL, &s);
	print_end(&p);
	out = capture_end();
	EXPECT_EQ(0, strncmp(json, out, strlen(json)));
	EXPECT_STREQ("\n", out + strlen(json)) TH_LOG("%s", out);
}

TEST(session_inet)
{
	struct session s;

	session_v4(&s);
	print_session(_metadata, &s, false, v4_text, v4_json);
}

TEST(session_inet6)
{
	struct session s;

	session_v6(&s);
	print_session(_metadata, &s, true, v6_text, v6_json);
}

/* -p: the same record, indented. */
TEST(session_pretty)
{
	static const char want[] =
		"{\n  \"id\": 7,\n  \"cookie\": 4097,\n  \"family\": \"inet\",\n"
		"  \"local\": \"10.83.0.1\",\n  \"local_port\": 40000,\n"
		"  \"peer\": \"10.83.0.2\",\n  \"peer_port\": 4701,\n  \"role\": \"client\",\n"
		"  \"version\": \"TLS1.2\",\n"
		"  \"suite\": \"TLS_AES_128_GCM_SHA256_MON\",\n"
		"  \"suite_code\": \"0xff01\",\n  \"cipher\": \"aes-gcm-128\",\n"
		"  \"directions\": [\n    \"tx\",\n    \"rx\"\n  ],\n  \"offload\": [],\n"
		"  \"reason\": \"suite\",\n  \"consent\": false,\n  \"mark\": \"0x0\",\n"
		"  \"age_ms\": 12345,\n  \"static_key_share\": false\n}\n";
	struct mon_print p;
	struct session s;
	char *out;

	session_v4(&s);
	capture_start();
	print_init(&p, stdout, true, true);
	session_print(&p, NULL, &s);
	print_end(&p);
	out = capture_end();
	EXPECT_STREQ(want, out);
}

/* Key attributes as the kernel sends them, after the session nest. */
static struct nlattr *put_key(struct msg *m, const struct key_rec *k)
{
	struct nlattr *nest = mnl_attr_nest_start(m->nlh, TLSMON_A_KEY);

	mnl_attr_put_u8(m->nlh, TLSMON_KEY_A_DIR, k->dir);
	mnl_attr_put_u16(m->nlh, TLSMON_KEY_A_VERSION, k->version);
	mnl_attr_put_u16(m->nlh, TLSMON_KEY_A_CIPHER, k->cipher);
	mnl_attr_put(m->nlh, TLSMON_KEY_A_KEY, k->key_len, k->key);
	mnl_attr_put(m->nlh, TLSMON_KEY_A_IV, k->iv_len, k->iv);
	mnl_attr_put(m->nlh, TLSMON_KEY_A_SALT, k->salt_len, k->salt);
	mnl_attr_put(m->nlh, TLSMON_KEY_A_REC_SEQ, k->rec_seq_len, k->rec_seq);
	mnl_attr_put_u64(m->nlh, TLSMON_KEY_A_INSTALLED_NS, k->installed_ns);
	mnl_attr_put_u32(m->nlh, TLSMON_KEY_A_EPOCH, k->epoch);
	mnl_attr_nest_end(m->nlh, nest);
	return nest;
}

static void key_gcm(struct key_rec *k)
{
	unsigned int i;

	memset(k, 0, sizeof(*k));
	k->dir = TLSMON_DIR_TX;
	k->version = 0x0303;
	k->cipher = TLS_CIPHER_AES_GCM_128;
	for (i = 0; i < 16; i++)
		k->key[i] = 0x10 + i;
	k->key_len = 16;
	for (i = 0; i < 8; i++)
		k->iv[i] = 1 + i;
	k->iv_len = 8;
	memcpy(k->salt, "\xa1\xa2\xa3\xa4", 4);
	k->salt_len = 4;
	k->rec_seq[7] = 1;
	k->rec_seq_len = 8;
	k->installed_ns = 1765000000123456789ull;
}

static void key_chacha(struct key_rec *k)
{
	memset(k, 0, sizeof(*k));
	k->dir = TLSMON_DIR_RX;
	k->version = 0x0304;
	k->cipher = TLS_CIPHER_CHACHA20_POLY1305;
	memset(k->key, 0xee, 32);
	k->key_len = 32;
	memset(k->iv, 0x5a, 12);
	k->iv_len = 12;
	k->rec_seq_len = 8;
	k->installed_ns = 999;
	k->epoch = 3;
}

struct walked {
	unsigned int n;
	char text[2048];
	char json[4096];
};

/* Each key record of a message, printed both ways. */
static int print_key(const struct session *s, const struct key_rec *k, void *data)
{
	struct walked *w = data;
	struct mon_print p;
	char *out;

	capture_start();
	print_init(&p, stdout, false, false);
	key_print(&p, NULL, s, k);
	print_end(&p);
	out = capture_end();
	strncat(w->text, out, sizeof(w->text) - strlen(w->text) - 1);
	capture_start();
	print_init(&p, stdout, true, false);
	key_print(&p, NULL, s, k);
	print_end(&p);
	out = capture_end();
	strncat(w->json, out, sizeof(w->json) - strlen(w->json) - 1);
	w->n++;
	return MNL_CB_OK;
}

TEST(keys)
{
	static const char text[] =
		"7 tx 10.83.0.1:40000 10.83.0.2:4701 TLS1.2 aes-gcm-128 "
		"key 101112131415161718191a1b1c1d1e1f iv 0102030405060708 salt a1a2a3a4 "
		"rec_seq 0000000000000001 installed 2025-12-06T05:46:40.123456Z epoch 0\n"
		"7 rx 10.83.0.1:40000 10.83.0.2:4701 TLS1.3 chacha20-poly1305 "
		"key eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee "
		"iv 5a5a5a5a5a5a5a5a5a5a5a5a salt - rec_seq 0000000000000000 "
		"installed 1970-01-01T00:00:00.000000Z epoch 3\n";
	static const char json[] =
		"{\"id\":7,\"cookie\":4097,\"family\":\"inet\",\"local\":\"10.83.0.1\","
		"\"local_port\":40000,\"peer\":\"10.83.0.2\",\"peer_port\":4701,\"role\":\"client\","
		"\"version\":\"TLS1.2\",\"suite\":\"TLS_AES_128_GCM_SHA256_MON\","
		"\"suite_code\":\"0xff01\",\"cipher\":\"aes-gcm-128\",\"directions\":[\"tx\",\"rx\"],"
		"\"offload\":[],\"reason\":\"suite\",\"consent\":false,\"mark\":\"0x0\",\"age_ms\":12345,"
		"\"static_key_share\":false,\"direction\":\"tx\",\"key_version\":\"TLS1.2\","
		"\"key_cipher\":\"aes-gcm-128\",\"key\":\"101112131415161718191a1b1c1d1e1f\","
		"\"iv\":\"0102030405060708\",\"salt\":\"a1a2a3a4\",\"rec_seq\":\"0000000000000001\","
		"\"installed_ns\":1765000000123456789,\"installed\":\"2025-12-06T05:46:40.123456Z\","
		"\"epoch\":0}\n"
		"{\"id\":7,\"cookie\":4097,\"family\":\"inet\",\"local\":\"10.83.0.1\","
		"\"local_port\":40000,\"peer\":\"10.83.0.2\",\"peer_port\":4701,\"role\":\"client\","
		"\"version\":\"TLS1.2\",\"suite\":\"TLS_AES_128_GCM_SHA256_MON\","
		"\"suite_code\":\"0xff01\",\"cipher\":\"aes-gcm-128\",\"directions\":[\"tx\",\"rx\"],"
		"\"offload\":[],\"reason\":\"suite\",\"consent\":false,\"mark\":\"0x0\",\"age_ms\":12345,"
		"\"static_key_share\":false,\"direction\":\"rx\",\"key_version\":\"TLS1.3\","
		"\"key_cipher\":\"chacha20-poly1305\","
		"\"key\":\"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\","
		"\"iv\":\"5a5a5a5a5a5a5a5a5a5a5a5a\",\"salt\":\"\",\"rec_seq\":\"0000000000000000\","
		"\"installed_ns\":999,\"installed\":\"1970-01-01T00:00:00.000000Z\",\"epoch\":3}\n";
	struct walked w = { .n = 0 };
	struct key_rec k;
	struct session s;
	struct msg m;

	session_v4(&s);
	put_session(&m, &s, false);
	key_gcm(&k);
	put_key(&m, &k);
	key_chacha(&k);
	put_key(&m, &k);
	EXPECT_EQ(MNL_CB_OK, key_msg_walk(m.nlh, print_key, &w));
	EXPECT_EQ(2, w.n);
	EXPECT_STREQ(text, w.text);
	EXPECT_STREQ(json, w.json);
}

/* As 'monctl policy show' prints it: to stdout, JSON by mon_opts. */
static void show_policy(const struct policy *pol)
{
	struct mon_print p;

	print_init(&p, stdout, mon_opts.json, mon_opts.pretty);
	policy_print(&p, NULL, pol);
	print_end(&p);
}

/*
 * The printer's buffer holds the key's hex until it is written, in text
 * as in JSON: it must be wiped then.
 */
TEST(key_print_wipes_buffer)
{
	static const char hex[] = "101112131415161718191a1b1c1d1e1f";
	struct mon_print p;
	struct key_rec k;
	struct session s;
	int json;

	session_v4(&s);
	key_gcm(&k);
	for (json = 0; json <= 1; json++) {
		char out[2048] = "";
		FILE *f = fmemopen(out, sizeof(out), "w");

		ASSERT_NE(NULL, f);
		print_init(&p, f, json, false);
		key_print(&p, NULL, &s, &k);
		print_end(&p);
		fclose(f);
		EXPECT_NE(NULL, strstr(out, hex)) TH_LOG("the key was not printed: %s", out);
		EXPECT_EQ(NULL, memmem(p.j.buf, sizeof(p.j.buf), hex, 8))
			TH_LOG("the key's hex is left in the printer's buffer (%s)",
			       json ? "JSON" : "text");
	}
}

/* Policy attributes as the kernel sends them. */
static void put_policy(struct msg *m)
{
	struct nlattr *nest = msg_start(m, TLSMON_A_POLICY), *list;

	mnl_attr_put_u8(m->nlh, TLSMON_POLICY_A_ENABLED, 1);
	list = mnl_attr_nest_start(m->nlh, TLSMON_POLICY_A_SUITES);
	mnl_attr_put_u16(m->nlh, TLSMON_SUITES_A_SUITE, 0xff01);
	mnl_attr_put_u16(m->nlh, TLSMON_SUITES_A_SUITE, 0xff7e);
	mnl_attr_nest_end(m->nlh, list);
	mnl_attr_put_u8(m->nlh, TLSMON_POLICY_A_CONSENT, TLSMON_CONSENT_ACCEPT);
	mnl_attr_put_u16(m->nlh, TLSMON_POLICY_A_CONSENT_EXT, 0xfe0d);
	mnl_attr_put_u32(m->nlh, TLSMON_POLICY_A_MARK, 0x100);
	mnl_attr_put_u32(m->nlh, TLSMON_POLICY_A_MASK, 0xf00);
	mnl_attr_put_u8(m->nlh, TLSMON_POLICY_A_EXPORT, 1);
	list = mnl_attr_nest_start(m->nlh, TLSMON_POLICY_A_LINKS);
	/* no interface has these indexes: printed as numbers */
	mnl_attr_put_u32(m->nlh, TLSMON_LINKS_A_IFINDEX, 3000001);
	mnl_attr_put_u32(m->nlh, TLSMON_LINKS_A_IFINDEX, 3000002);
	mnl_attr_nest_end(m->nlh, list);
	mnl_attr_nest_end(m->nlh, nest);
}

TEST(policy)
{
	static const char text[] =
		"enabled: on\n"
		"suites: 0xff01 TLS_AES_128_GCM_SHA256_MON\n"
		"        0xff7e\n"
		"consent: accept\n"
		"consent-ext: 0xfe0d\n"
		"mark: 0x100/0xf00\n"
		"export: on\n"
		"links: 3000001, 3000002\n";
	static const char json[] =
		"{\"enabled\":true,\"suites\":[\"0xff01\",\"0xff7e\"],\"consent\":\"accept\","
		"\"consent_ext\":\"0xfe0d\",\"mark\":\"0x100\",\"mask\":\"0xf00\",\"export\":true,"
		"\"links\":[3000001,3000002]}\n";
	struct policy p = { .n_suites = 0 };
	struct msg m;
	char *out;

	put_policy(&m);
	ASSERT_EQ(MNL_CB_OK, policy_msg_cb(m.nlh, &p));

	mon_opts.json = false;
	capture_start();
	show_policy(&p);
	out = capture_end();
	EXPECT_STREQ(text, out);

	mon_opts.json = true;
	capture_start();
	show_policy(&p);
	out = capture_end();
	mon_opts.json = false;
	EXPECT_STREQ(json, out);
}

/* The defaults of a new namespace: the "none" forms. */
TEST(policy_defaults)
{
	static const char text[] =
		"enabled: off\n"
		"suites: none\n"
		"consent: off\n"
		"consent-ext: 0x0000\n"
		"mark: none\n"
		"export: off\n"
		"links: none\n";
	static const char json[] =
		"{\"enabled\":false,\"suites\":[],\"consent\":\"off\",\"consent_ext\":\"0x0\","
		"\"mark\":\"0x0\",\"mask\":\"0x0\",\"export\":false,\"links\":[]}\n";
	struct policy p = { .n_suites = 0 };
	char *out;

	capture_start();
	show_policy(&p);
	out = capture_end();
	EXPECT_STREQ(text, out);

	mon_opts.json = true;
	capture_start();
	show_policy(&p);
	out = capture_end();
	mon_opts.json = false;
	EXPECT_STREQ(json, out);
}

/* As 'monctl stats' prints them: to stdout, JSON by mon_opts. */
static void show_stats(const struct ns_stats *ns, size_t n, bool all)
{
	struct mon_print p;

	print_init(&p, stdout, mon_opts.json, mon_opts.pretty);
	stats_print(&p, ns, n, all);
	print_end(&p);
}

static void stats_fill(struct ns_stats *ns, const char *name, uint64_t base)
{
	static const int shown[] = {
		TLSMON_STATS_A_HANDSHAKES, TLSMON_STATS_A_TAGGED, TLSMON_STATS_A_INSTALLS_MISSED,
		TLSMON_STATS_A_SESSIONS, TLSMON_STATS_A_REKEYS,
	};
	unsigned int i;

	memset(ns, 0, sizeof(*ns));
	snprintf(ns->name, sizeof(ns->name), "%s", name);
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		ns->st.v[shown[i]] = base + i;
		ns->st.seen |= 1ULL << shown[i];
	}
}

TEST(stats)
{
	struct ns_stats ns[2];
	char *out;

	stats_fill(&ns[0], "host", 10);
	stats_fill(&ns[1], "a\"b", 20);

	capture_start();
	show_stats(ns, 1, false);
	out = capture_end();
	EXPECT_STREQ("handshakes: 10\ntagged: 11\ninstalls_missed: 12\nsessions: 13\nrekeys: 14\n",
		     out);

	capture_start();
	show_stats(ns, 2, true);
	out = capture_end();
	EXPECT_STREQ("netns host:\n  handshakes: 10\n  tagged: 11\n  sessions: 13\n  rekeys: 14\n"
		     "\nnetns a\"b:\n  handshakes: 20\n  tagged: 21\n  sessions: 23\n  rekeys: 24\n"
		     "\nhost-wide:\n  installs_missed: 12\n", out);

	mon_opts.json = true;
	capture_start();
	show_stats(ns, 1, false);
	out = capture_end();
	EXPECT_STREQ("{\"handshakes\":10,\"tagged\":11,\"installs_missed\":12,\"sessions\":13,"
		     "\"rekeys\":14}\n", out);

	capture_start();
	show_stats(ns, 2, true);
	out = capture_end();
	EXPECT_STREQ("{\"installs_missed\":12,\"namespaces\":[{\"netns\":\"host\",\"handshakes\":10,"
		     "\"tagged\":11,\"sessions\":13,\"rekeys\":14},{\"netns\":\"a\\\"b\","
		     "\"handshakes\":20,\"tagged\":21,\"sessions\":23,\"rekeys\":24}]}\n", out);

	mon_opts.pretty = true;
	capture_start();
	show_stats(ns, 1, false);
	out = capture_end();
	mon_opts.json = false;
	mon_opts.pretty = false;
	EXPECT_STREQ("{\n  \"handshakes\": 10,\n  \"tagged\": 11,\n  \"installs_missed\": 12,\n"
		     "  \"sessions\": 13,\n  \"rekeys\": 14\n}\n", out);
}

/* The kTLS ciphers by the names monctl prints and record.c checks. */
TEST(cipher_names)
{
	static const struct {
		uint16_t type;
		const char *name;
		unsigned int key;
	} want[] = {
		{ TLS_CIPHER_AES_GCM_128, "aes-gcm-128", 16 },
		{ TLS_CIPHER_AES_GCM_256, "aes-gcm-256", 32 },
		{ TLS_CIPHER_AES_CCM_128, "aes-ccm-128", 16 },
		{ TLS_CIPHER_CHACHA20_POLY1305, "chacha20-poly1305", 32 },
		{ TLS_CIPHER_SM4_GCM, "sm4-gcm", 16 },
		{ TLS_CIPHER_SM4_CCM, "sm4-ccm", 16 },
		{ TLS_CIPHER_ARIA_GCM_128, "aria-gcm-128", 16 },
		{ TLS_CIPHER_ARIA_GCM_256, "aria-gcm-256", 32 },
	};
	const struct ktls_cipher *c;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		EXPECT_STREQ(want[i].name, cipher_name(want[i].type));
		c = ktls_cipher_by_name(want[i].name);
		ASSERT_NE(NULL, c);
		EXPECT_EQ(want[i].type, c->type);
		EXPECT_EQ(want[i].key, c->key);
		EXPECT_EQ(8, c->rec_seq);
	}
	EXPECT_STREQ("unknown", cipher_name(TLS_CIPHER_AES_GCM_128 - 1));
	EXPECT_STREQ("unknown", cipher_name(TLS_CIPHER_ARIA_GCM_256 + 1));
	EXPECT_EQ(NULL, ktls_cipher_by_name("aes-gcm-512"));
	EXPECT_STREQ("TLS1.3", version_name(TLS_1_3_VERSION));
	EXPECT_STREQ("TLS1.2", version_name(TLS_1_2_VERSION));
}

/*
 * The monitoring suites' names and code points are a contract with TLS
 * stacks, policy files and scripts: written out here, not derived from
 * the uapi macros, so that a changed value or a lost name fails.
 */
TEST(suite_names)
{
	static const struct {
		uint16_t code;
		uint16_t uapi;
		const char *name;
	} want[] = {
		{ 0xff01, TLSMON_SUITE_AES_128_GCM_SHA256,
		  "TLS_AES_128_GCM_SHA256_MON" },
		{ 0xff02, TLSMON_SUITE_AES_256_GCM_SHA384,
		  "TLS_AES_256_GCM_SHA384_MON" },
		{ 0xff03, TLSMON_SUITE_CHACHA20_POLY1305_SHA256,
		  "TLS_CHACHA20_POLY1305_SHA256_MON" },
		{ 0xff04, TLSMON_SUITE_AES_128_CCM_SHA256,
		  "TLS_AES_128_CCM_SHA256_MON" },
		{ 0xff2b, TLSMON_SUITE_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_MON" },
		{ 0xff2c, TLSMON_SUITE_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_MON" },
		{ 0xff2f, TLSMON_SUITE_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256_MON" },
		{ 0xff30, TLSMON_SUITE_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384_MON" },
		{ 0xffa8, TLSMON_SUITE_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_MON" },
		{ 0xffa9, TLSMON_SUITE_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256_MON" },
	};
	char lower[64];
	uint16_t code;
	size_t i, j;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		EXPECT_EQ(want[i].code, want[i].uapi);
		EXPECT_STREQ(want[i].name, suite_name(want[i].code));
		code = 0;
		EXPECT_EQ(0, suite_parse(want[i].name, &code));
		EXPECT_EQ(want[i].code, code);
		/* names are accepted in any case, as policy files write them */
		for (j = 0; want[i].name[j] && j < sizeof(lower) - 1; j++)
			lower[j] = tolower((unsigned char)want[i].name[j]);
		lower[j] = '\0';
		code = 0;
		EXPECT_EQ(0, suite_parse(lower, &code));
		EXPECT_EQ(want[i].code, code);
	}
	/* the macro identifiers are not suite names */
	EXPECT_EQ(-EINVAL, suite_parse("TLSMON_SUITE_AES_128_GCM_SHA256", &code));
	EXPECT_EQ(NULL, suite_name(0xff05));
}

/*
 * One attribute of @len bytes in a nest of @nest_type: what a module that
 * disagrees with monctl about an attribute's size would send.
 */
static void put_one(struct msg *m, uint16_t nest_type, uint16_t type, size_t len)
{
	static const uint8_t bytes[40];
	struct nlattr *nest = msg_start(m, nest_type);

	mnl_attr_put(m->nlh, type, len, bytes);
	mnl_attr_nest_end(m->nlh, nest);
}

static const struct nlattr *first_nest(const struct msg *m)
{
	return mnl_nlmsg_get_payload_offset(m->nlh, GENL_HDRLEN);
}

TEST(session_attr_wrong_size)
{
	static const struct {
		uint16_t type;
		size_t len;
	} bad[] = {
		{ TLSMON_SESSION_A_ID, 4 },
		{ TLSMON_SESSION_A_COOKIE, 12 },
		{ TLSMON_SESSION_A_FAMILY, 4 },
		{ TLSMON_SESSION_A_LOCAL_ADDR, 5 },
		{ TLSMON_SESSION_A_PEER_ADDR, 0 },
		{ TLSMON_SESSION_A_PEER_ADDR, 20 },
		{ TLSMON_SESSION_A_LOCAL_PORT, 1 },
		{ TLSMON_SESSION_A_ROLE, 4 },
		{ TLSMON_SESSION_A_CIPHER, 1 },
		{ TLSMON_SESSION_A_MARK, 8 },
		{ TLSMON_SESSION_A_AGE_MS, 0 },
		{ TLSMON_SESSION_A_UID, 2 },
		{ TLSMON_SESSION_A_INODE, 4 },
		{ TLSMON_SESSION_A_STATIC_KEY_SHARE, 4 },
	};
	struct session s;
	struct msg m;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[96];

		last_err[0] = '\0';
		put_one(&m, TLSMON_A_SESSION, bad[i].type, bad[i].len);
		EXPECT_EQ(-EPROTO, session_parse(first_nest(&m), &s))
			TH_LOG("type %u of %zu bytes accepted", bad[i].type, bad[i].len);
		snprintf(want, sizeof(want),
			 "the kernel sent a malformed session attribute: type %u, %zu bytes",
			 bad[i].type, bad[i].len);
		EXPECT_STREQ(want, last_err);
	}
	/* the sizes the kernel sends are read */
	put_one(&m, TLSMON_A_SESSION, TLSMON_SESSION_A_LOCAL_ADDR, 16);
	EXPECT_EQ(0, session_parse(first_nest(&m), &s));
	put_one(&m, TLSMON_A_SESSION, TLSMON_SESSION_A_STATIC_KEY_SHARE, 1);
	EXPECT_EQ(0, session_parse(first_nest(&m), &s));
	/* a newer module's attribute is skipped, whatever its size */
	put_one(&m, TLSMON_A_SESSION, TLSMON_SESSION_A_MAX + 1, 3);
	EXPECT_EQ(0, session_parse(first_nest(&m), &s));
}

static int count_calls(const struct session *s, const struct key_rec *k, void *data)
{
	++*(unsigned int *)data;
	return MNL_CB_OK;
}

TEST(key_attr_wrong_size)
{
	static const struct {
		uint16_t type;
		size_t len;
	} bad[] = {
		{ TLSMON_KEY_A_DIR, 2 },
		{ TLSMON_KEY_A_VERSION, 4 },
		{ TLSMON_KEY_A_CIPHER, 1 },
		{ TLSMON_KEY_A_KEY, 33 },
		{ TLSMON_KEY_A_IV, 17 },
		{ TLSMON_KEY_A_SALT, 5 },
		{ TLSMON_KEY_A_REC_SEQ, 9 },
		{ TLSMON_KEY_A_INSTALLED_NS, 4 },
		{ TLSMON_KEY_A_EPOCH, 8 },
	};
	struct session s;
	struct key_rec k;
	size_t i;

	session_v4(&s);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nlattr *nest;
		unsigned int calls = 0;
		char want[96];
		struct msg m;
		static const uint8_t bytes[40];

		last_err[0] = '\0';
		put_session(&m, &s, false);
		nest = mnl_attr_nest_start(m.nlh, TLSMON_A_KEY);
		mnl_attr_put(m.nlh, bad[i].type, bad[i].len, bytes);
		mnl_attr_nest_end(m.nlh, nest);
		errno = 0;
		EXPECT_EQ(MNL_CB_ERROR, key_msg_walk(m.nlh, count_calls, &calls))
			TH_LOG("type %u of %zu bytes accepted", bad[i].type, bad[i].len);
		EXPECT_EQ(EPROTO, errno);
		EXPECT_EQ(0, calls);
		EXPECT_EQ(-EPROTO, key_parse(nest, &k));
		snprintf(want, sizeof(want),
			 "the kernel sent a malformed key attribute: type %u, %zu bytes",
			 bad[i].type, bad[i].len);
		EXPECT_STREQ(want, last_err);
	}
}

TEST(policy_attr_wrong_size)
{
	static const struct {
		uint16_t type;
		size_t len;
	} bad[] = {
		{ TLSMON_POLICY_A_ENABLED, 4 },
		{ TLSMON_POLICY_A_CONSENT, 2 },
		{ TLSMON_POLICY_A_CONSENT_EXT, 1 },
		{ TLSMON_POLICY_A_MARK, 2 },
		{ TLSMON_POLICY_A_MASK, 8 },
		{ TLSMON_POLICY_A_EXPORT, 0 },
		{ TLSMON_POLICY_A_SUITES, 2 },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct policy p = { .n_suites = 0 };
		struct msg m;
		char want[96];

		last_err[0] = '\0';
		put_one(&m, TLSMON_A_POLICY, bad[i].type, bad[i].len);
		errno = 0;
		EXPECT_EQ(MNL_CB_ERROR, policy_msg_cb(m.nlh, &p))
			TH_LOG("type %u of %zu bytes accepted", bad[i].type, bad[i].len);
		EXPECT_EQ(EPROTO, errno);
		snprintf(want, sizeof(want),
			 "the kernel sent a malformed policy attribute: type %u, %zu bytes",
			 bad[i].type, bad[i].len);
		EXPECT_STREQ(want, last_err);
	}
}

/* A suite of the wrong size inside the suites list. */
TEST(policy_suite_wrong_size)
{
	struct policy p = { .n_suites = 0 };
	struct nlattr *nest, *list;
	struct msg m;

	nest = msg_start(&m, TLSMON_A_POLICY);
	list = mnl_attr_nest_start(m.nlh, TLSMON_POLICY_A_SUITES);
	mnl_attr_put_u32(m.nlh, TLSMON_SUITES_A_SUITE, 0xff01);
	mnl_attr_nest_end(m.nlh, list);
	mnl_attr_nest_end(m.nlh, nest);
	EXPECT_EQ(MNL_CB_ERROR, policy_msg_cb(m.nlh, &p));
	EXPECT_STREQ("the kernel sent a malformed policy attribute: type 1, 4 bytes", last_err);
	EXPECT_EQ(0, p.n_suites);
}

TEST_HARNESS_MAIN
