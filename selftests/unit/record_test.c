// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the key record schema a collector accepts
 * (tools/monctl/record.c): a record as 'monctl export' writes it passes,
 * and each way a record can be forged or damaged is refused.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/tls.h>

#include "../../tools/monctl/monctl.h"
#include "../../tools/monctl/print.h"
#include "../../tools/monctl/record.h"
#include "kselftest_harness.h"

/* what monctl.c provides to the session and key code */
struct mon_opts mon_opts;

void mon_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

int mon_dispatch(const struct mon_cmd *cmds, const char *what, int argc,
		 char **argv, void (*usage)(void))
{
	return -1;
}

/* As key_print() writes a TLS 1.2 AES-GCM-128 client's tx key. */
#define GOOD_HEAD "{" GOOD_FIELDS
#define GOOD_FIELDS \
	"\"id\":7,\"cookie\":4099,\"family\":\"inet\",\"local\":\"10.83.0.1\"," \
	"\"local_port\":40000,\"peer\":\"10.83.0.2\",\"peer_port\":4701,\"role\":\"client\"," \
	"\"version\":\"TLS1.2\",\"suite\":\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256_MON\"," \
	"\"suite_code\":\"0xff01\",\"cipher\":\"aes-gcm-128\",\"directions\":[\"tx\",\"rx\"]," \
	"\"offload\":[],\"reason\":\"suite\",\"consent\":false,\"mark\":\"0x0\",\"age_ms\":12," \
	"\"direction\":\"tx\",\"key_version\":\"TLS1.2\",\"key_cipher\":\"aes-gcm-128\","
#define GOOD_KEYS \
	"\"key\":\"101112131415161718191a1b1c1d1e1f\",\"iv\":\"0102030405060708\"," \
	"\"salt\":\"a1a2a3a4\",\"rec_seq\":\"0000000000000001\","
#define GOOD_TAIL \
	"\"installed_ns\":1765000000000000000,\"installed\":\"2025-12-06T05:46:40.000000Z\"}"

static const char good[] = GOOD_HEAD GOOD_KEYS GOOD_TAIL;

static int refused(const char *line, const char *want)
{
	char why[200] = "";
	json_t *r = mon_record_parse(line, strlen(line), why, sizeof(why));

	if (r) {
		json_decref(r);
		fprintf(stderr, "accepted: %s\n", line);
		return 0;
	}
	if (!strstr(why, want)) {
		fprintf(stderr, "refused for '%s', not '%s'\n", why, want);
		return 0;
	}
	return 1;
}

TEST(genuine_record_accepted)
{
	char why[200] = "";
	json_t *r = mon_record_parse(good, strlen(good), why, sizeof(why));

	ASSERT_NE(NULL, r) TH_LOG("refused: %s", why);
	EXPECT_EQ(7, json_integer_value(json_object_get(r, "id")));
	json_decref(r);
}

/*
 * What the exporter sends, from key_print() itself: a field added to the
 * key or session records must be added to record.c's schema too, or
 * every collector refuses every record.
 */
TEST(key_print_output_accepted)
{
	static const struct {
		uint16_t family, version, cipher;
		uint8_t key_len, iv_len, salt_len;
	} cases[] = {
		{ AF_INET, 0x0303, TLS_CIPHER_AES_GCM_128, 16, 8, 4 },
		{ AF_INET6, 0x0304, TLS_CIPHER_AES_GCM_256, 32, 8, 4 },
		{ AF_INET, 0x0304, TLS_CIPHER_CHACHA20_POLY1305, 32, 12, 0 },
		{ AF_INET6, 0x0303, TLS_CIPHER_AES_CCM_128, 16, 8, 4 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct session sess = {
			.id = 42 + i, .cookie = 7, .age_ms = 3, .family = cases[i].family,
			.lport = 40000, .rport = 443, .version = cases[i].version,
			.suite = 0xff01, .cipher = cases[i].cipher, .role = 1, .dirs = 3,
			.reason = 1, .mark = 0x10,
		};
		struct key_rec k = {
			.dir = 1, .version = cases[i].version, .cipher = cases[i].cipher,
			.key_len = cases[i].key_len, .iv_len = cases[i].iv_len,
			.salt_len = cases[i].salt_len, .rec_seq_len = 8,
			.installed_ns = 1765000000123456789ull,
		};
		char buf[4096] = "", why[200] = "";
		struct mon_print p;
		json_t *r;
		FILE *f;

		memset(sess.laddr, 0, sizeof(sess.laddr));
		memset(sess.raddr, 0, sizeof(sess.raddr));
		sess.laddr[0] = 10;
		sess.raddr[0] = 10;
		sess.raddr[3] = 2;
		memset(k.key, 0x11, sizeof(k.key));
		f = fmemopen(buf, sizeof(buf), "w");
		ASSERT_NE(NULL, f);
		print_init(&p, f, true, false);
		key_print(&p, NULL, &sess, &k);
		print_end(&p);
		fclose(f);
		r = mon_record_parse(buf, strcspn(buf, "\n"), why, sizeof(why));
		EXPECT_NE(NULL, r) TH_LOG("key_print() wrote what the collector refuses (%s): %s",
					  why, buf);
		json_decref(r);
	}
}

TEST(duplicate_key_refused)
{
	/* the forged attribution of a second "id", which most readers keep */
	EXPECT_TRUE(refused("{\"id\":8," GOOD_FIELDS GOOD_KEYS GOOD_TAIL, "duplicate"));
}

TEST(supplied_exporter_refused)
{
	EXPECT_TRUE(refused("{\"exporter\":\"10.99.0.1\"," GOOD_FIELDS GOOD_KEYS GOOD_TAIL,
			    "unknown field \"exporter\""));
}

TEST(unknown_field_refused)
{
	EXPECT_TRUE(refused("{\"a\":1," GOOD_FIELDS GOOD_KEYS GOOD_TAIL, "unknown field"));
}

TEST(not_json_refused)
{
	EXPECT_TRUE(refused("{\"exporter\":\"10.99.0.66\",}", "not one JSON object"));
	EXPECT_TRUE(refused("{\"a\":1},{\"b\":2}", "not one JSON object"));
	EXPECT_TRUE(refused("[1,2]", "not a JSON object"));
}

TEST(wrong_hex_length_refused)
{
	/* an AES-128 key that is 8 bytes long */
	EXPECT_TRUE(refused(GOOD_HEAD "\"key\":\"1011121314151617\",\"iv\":\"0102030405060708\","
			    "\"salt\":\"a1a2a3a4\",\"rec_seq\":\"0000000000000001\"," GOOD_TAIL,
			    "key of the wrong length"));
	/* not hex at all */
	EXPECT_TRUE(refused(GOOD_HEAD "\"key\":\"1011121314151617\",\"iv\":\"01020304050607zz\","
			    "\"salt\":\"a1a2a3a4\",\"rec_seq\":\"0000000000000001\"," GOOD_TAIL,
			    "\"iv\""));
}

TEST(wrong_types_refused)
{
	EXPECT_TRUE(refused(GOOD_HEAD GOOD_KEYS "\"installed_ns\":\"1\"}", "installed_ns"));
	EXPECT_TRUE(refused(GOOD_HEAD GOOD_KEYS "\"installed_ns\":-1}", "installed_ns"));
	EXPECT_TRUE(refused(GOOD_HEAD GOOD_KEYS "\"installed\":\"x\"}", "no field \"installed_ns\""));
}

TEST(over_long_line_refused)
{
	static char line[MON_RECORD_MAX + 2];

	memset(line, ' ', sizeof(line) - 1);
	memcpy(line, good, strlen(good));
	EXPECT_TRUE(refused(line, "longer than"));
}

TEST(nul_in_string_refused)
{
	EXPECT_TRUE(refused("{\"id\":7,\"direction\":\"t\\u0000x\"}", "not one JSON object") ||
		    refused("{\"id\":7,\"direction\":\"t\\u0000x\"}", "direction"));
}

TEST_HARNESS_MAIN
