// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own kTLS selftest, tools/testing/selftests/net/tls.c of
 * Debian's linux-source-6.1, compiled unchanged around one mismatch: its
 * backported rekey tests call the four-argument tls_crypto_info_init() of
 * later kernels, while the helper it defines takes three. The macro below
 * renames the file's own helper to tls_crypto_info_init3() (its definition
 * has three parameters) and sends four-argument calls to
 * tls_crypto_info_init4(), which does what upstream's does: the
 * three-argument set-up, then every key, iv, salt and sequence byte set to
 * the key generation. The same tests call the later harness's
 * __test_passed(), which is the 6.1 harness's "passed" field. No test and
 * no assertion is changed. The file is
 * extracted from the installed package at build time, never copied here.
 */
#define _GNU_SOURCE
#include <stdint.h>

struct tls_crypto_info_keys;
static void tls_crypto_info_init4(uint16_t tls_version, uint16_t cipher_type,
				  struct tls_crypto_info_keys *tls12,
				  char key_generation);

#define TLSMON_SHIM_PICK(a, b, c, d, name, ...) name
#define tls_crypto_info_init(...)					\
	TLSMON_SHIM_PICK(__VA_ARGS__, tls_crypto_info_init4,		\
			 tls_crypto_info_init3, 0)(__VA_ARGS__)

#define __test_passed(metadata) ((metadata)->passed)

#include "net/tls.c"

static void tls_crypto_info_init4(uint16_t tls_version, uint16_t cipher_type,
				  struct tls_crypto_info_keys *tls12,
				  char key_generation)
{
	tls_crypto_info_init3(tls_version, cipher_type, tls12);
	memset((char *)tls12 + sizeof(struct tls_crypto_info), key_generation,
	       tls12->len - sizeof(struct tls_crypto_info));
}
