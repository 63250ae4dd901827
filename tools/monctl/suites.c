// SPDX-License-Identifier: GPL-2.0
/*
 * Cipher suite names: the monitoring variants from the uapi header, which
 * alone may be listed in a policy, and the standard suites kTLS can carry,
 * so that sessions print readable names.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/tlsmon.h>

#include "suites.h"

/* TLSMON_SUITE_X in the uapi header is the suite named TLS_X_MON. */
#define SUITE(x) { TLSMON_SUITE_##x, "TLS_" #x "_MON" }

static const struct {
	uint16_t code;
	const char *name;
} suites[] = {
	SUITE(AES_128_GCM_SHA256),
	SUITE(AES_256_GCM_SHA384),
	SUITE(CHACHA20_POLY1305_SHA256),
	SUITE(AES_128_CCM_SHA256),
	SUITE(ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
	SUITE(ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
	SUITE(ECDHE_RSA_WITH_AES_128_GCM_SHA256),
	SUITE(ECDHE_RSA_WITH_AES_256_GCM_SHA384),
	SUITE(ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256),
	SUITE(ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256),
	{ 0x1301, "TLS_AES_128_GCM_SHA256" },
	{ 0x1302, "TLS_AES_256_GCM_SHA384" },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
	{ 0x1304, "TLS_AES_128_CCM_SHA256" },
	{ 0x1305, "TLS_AES_128_CCM_8_SHA256" },
	{ 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM" },
	{ 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
};

#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

/* Return: the suite's name, or NULL for a code point without one here. */
const char *suite_name(uint16_t code)
{
	size_t i;

	for (i = 0; i < N_SUITES; i++)
		if (suites[i].code == code)
			return suites[i].name;
	return NULL;
}

/**
 * suite_parse() - read a suite given as a hex code point or a name
 * @word: "0xff01", "ff01" is refused (ambiguous), or a name in any case
 * @code: receives the code point
 *
 * Return: 0, -EINVAL for an unknown name, -ERANGE for a number too large.
 */
int suite_parse(const char *word, uint16_t *code)
{
	unsigned long v;
	char *end;
	size_t i;

	if (word[0] == '0' && (word[1] == 'x' || word[1] == 'X')) {
		if (!isxdigit((unsigned char)word[2]))
			return -EINVAL;
		errno = 0;
		v = strtoul(word, &end, 16);
		if (*end)
			return -EINVAL;
		if (errno || v > 0xffff)
			return -ERANGE;
		*code = v;
		return 0;
	}
	for (i = 0; i < N_SUITES; i++) {
		if (!strcasecmp(word, suites[i].name)) {
			*code = suites[i].code;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * The names a policy may list: the private-use monitoring suites only. The
 * standard ones are here to name what a session negotiated, never to be
 * monitored (see tlsmon_suite_check()).
 */
void suite_list(FILE *f)
{
	size_t i;

	for (i = 0; i < N_SUITES; i++)
		if (suites[i].code >= 0xff00)
			fprintf(f, "    0x%04x %s\n", suites[i].code, suites[i].name);
}
