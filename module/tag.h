/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_TAG_H
#define _TLSMON_TAG_H

#include <linux/types.h>

#include "verdict.h"

struct sock;
struct tls_context;

/**
 * struct tlsmon_install - arguments of one installation, entry to return
 * @sk: the socket
 * @ctx: its kTLS context
 * @tx: the direction is TX
 * @hw: device offload
 * @rekey: new keys for a direction that has keys (TLS 1.3 KeyUpdate)
 * @decided: the entry handler decided already: monitored, @v and @role
 * @role: the local end's TLSMON_ROLE_*, when @decided
 * @v: the verdict, when @decided
 */
struct tlsmon_install {
	struct sock *sk;
	struct tls_context *ctx;
	bool tx;
	bool hw;
	bool rekey;
	bool decided;
	u8 role;
	struct tlsmon_verdict v;
};

void tlsmon_installed(const struct tlsmon_install *in);
bool tlsmon_sw_decide_early(struct tlsmon_install *in);

#endif /* _TLSMON_TAG_H */
