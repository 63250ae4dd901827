/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The monitoring decision: from what both hellos carried and the
 * namespace's policy, is this session monitored, and why (not)? Pure
 * logic, built into the module and into the host unit tests.
 */
#ifndef _TLSMON_VERDICT_H
#define _TLSMON_VERDICT_H

#include <linux/tls.h>

#include "policy_rules.h"
#include "tls_hello.h"

/**
 * enum tlsmon_unmon_why - why a session with kTLS is not monitored
 * @TLSMON_UNMON_NONE: it is monitored
 * @TLSMON_UNMON_NO_HANDSHAKE: no complete handshake was seen on the socket
 * @TLSMON_UNMON_PARSE_FAILED: its handshake could not be parsed
 * @TLSMON_UNMON_UNOFFERED_SUITE: the server selected a suite not offered
 * @TLSMON_UNMON_UNOFFERED_VERSION: the server selected a version not offered
 * @TLSMON_UNMON_UNSOLICITED_EXT: the server echoed an extension not offered
 * @TLSMON_UNMON_NO_SIGNAL: an ordinary session: no monitoring signal
 */
enum tlsmon_unmon_why {
	TLSMON_UNMON_NONE,
	TLSMON_UNMON_NO_HANDSHAKE,
	TLSMON_UNMON_PARSE_FAILED,
	TLSMON_UNMON_UNOFFERED_SUITE,
	TLSMON_UNMON_UNOFFERED_VERSION,
	TLSMON_UNMON_UNSOLICITED_EXT,
	TLSMON_UNMON_NO_SIGNAL,
};

/**
 * struct tlsmon_verdict - the outcome of tlsmon_decide()
 * @monitored: the session is monitored
 * @reason: TLSMON_REASON_* bits, when monitored
 * @why: enum tlsmon_unmon_why, when not monitored
 * @version: negotiated TLS version (0x0303, 0x0304)
 * @suite: negotiated cipher suite
 * @consent: the consent extension was offered and echoed
 * @static_ks: the server's key share was one it sent before; not
 *	tlsmon_decide()'s (which clears it) but the packet hook's, filled in
 *	by tlsmon_flows_decide()
 */
struct tlsmon_verdict {
	bool monitored;
	u8 reason;
	u8 why;
	u16 version;
	u16 suite;
	bool consent;
	bool static_ks;
};

void tlsmon_decide(const struct tlsmon_policy *p,
		   const struct tlsmon_client_hello *ch,
		   const struct tlsmon_server_hello *sh,
		   struct tlsmon_verdict *v);
u16 tlsmon_suite_cipher(u16 suite, u16 version);
bool tlsmon_install_matches(const struct tlsmon_verdict *v, u16 version,
			    u16 cipher);

#endif /* _TLSMON_VERDICT_H */
