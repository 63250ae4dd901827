// SPDX-License-Identifier: GPL-2.0
/*
 * kTLS rekey (TLS 1.3 KeyUpdate): it came with these counters, and with
 * tls_set_sw_offload(sk, tx, new_crypto_info), whose third argument is not
 * NULL for a rekey. net/tls's own header is private: the counters are the
 * visible sign.
 */
#include <linux/snmp.h>

int tlsmon_probe = LINUX_MIB_TLSTXREKEYOK + LINUX_MIB_TLSRXREKEYOK;
