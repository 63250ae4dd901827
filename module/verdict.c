// SPDX-License-Identifier: GPL-2.0
/*
 * A session is monitored only when both ends took part: the client
 * offered what the server selected. A server that selects a suite, a
 * version or an extension the client never offered is misbehaving (or the
 * handshake was not seen correctly); such a session is never monitored.
 */
#include "verdict.h"

static bool offered_suite(const struct tlsmon_client_hello *ch, u16 suite)
{
	u16 i;

	for (i = 0; i < ch->n_suites; i++)
		if (ch->suites[i] == suite)
			return true;
	return false;
}

/**
 * tlsmon_decide() - is the session of these hellos monitored?
 * @p: the policy of the socket's namespace, enabled
 * @ch: the client's final ClientHello (the second one after a
 *	HelloRetryRequest)
 * @sh: the server's final ServerHello
 * @v: receives the verdict
 */
void tlsmon_decide(const struct tlsmon_policy *p,
		   const struct tlsmon_client_hello *ch,
		   const struct tlsmon_server_hello *sh,
		   struct tlsmon_verdict *v)
{
	bool by_suite;
	u8 i;

	memset(v, 0, sizeof(*v));
	v->version = sh->version;
	v->suite = sh->suite;

	if (!offered_suite(ch, sh->suite)) {
		v->why = TLSMON_UNMON_UNOFFERED_SUITE;
		return;
	}
	if ((sh->version >> 8) != 3 || (sh->version & 0xff) > 4 ||
	    !(ch->versions & (1 << (sh->version & 0xff)))) {
		v->why = TLSMON_UNMON_UNOFFERED_VERSION;
		return;
	}
	for (i = 0; i < sh->n_priv_ext; i++) {
		if (!tlsmon_hello_has_ext(ch->priv_ext, ch->n_priv_ext,
					  sh->priv_ext[i])) {
			v->why = TLSMON_UNMON_UNSOLICITED_EXT;
			return;
		}
	}

	by_suite = tlsmon_policy_has_suite(p, sh->suite);
	v->consent = p->consent != TLSMON_CONSENT_OFF &&
		     tlsmon_hello_has_ext(sh->priv_ext, sh->n_priv_ext,
					  p->consent_ext);
	switch (p->consent) {
	case TLSMON_CONSENT_OFF:
		v->monitored = by_suite;
		break;
	case TLSMON_CONSENT_ACCEPT:
		v->monitored = by_suite || v->consent;
		break;
	default:
		v->monitored = by_suite && v->consent;
		break;
	}
	if (!v->monitored) {
		v->why = TLSMON_UNMON_NO_SIGNAL;
		return;
	}
	v->reason = (by_suite ? TLSMON_REASON_SUITE : 0) |
		    (v->consent ? TLSMON_REASON_CONSENT : 0);
}
