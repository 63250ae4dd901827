// SPDX-License-Identifier: GPL-2.0
/* kTLS SM4 ciphers (RFC 8998): their constants and crypto_info layouts. */
#include <net/tls.h>

int tlsmon_probe = TLS_CIPHER_SM4_GCM + TLS_CIPHER_SM4_CCM +
	sizeof(struct tls12_crypto_info_sm4_gcm) +
	sizeof(struct tls12_crypto_info_sm4_ccm);
