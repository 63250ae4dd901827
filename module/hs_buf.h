/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two byte streams of a watched handshake, their buffers, and the
 * feeding of segments into them (hs_buf.c).
 */
#ifndef _TLSMON_HS_BUF_H
#define _TLSMON_HS_BUF_H

#include <linux/types.h>

#include "hs_stream.h"

struct sk_buff;
struct tlsmon_net;
struct tlsmon_pending;

/* Bytes of each stream's first buffers, inside its tlsmon_handshake. */
#define TLSMON_HS_BLOCK		1024

/**
 * struct tlsmon_handshake - the two streams of a handshake being read
 * @stream: indexed by enum tlsmon_stream_role
 * @block: each stream's first buffers (stream, message, seen map): most
 *	hellos fit, and a handshake then costs one allocation
 *
 * Owned by one tlsmon_pending (its @hs) and used under that entry's lock.
 * Not cleared on allocation (see handshake_ctor() in hs_buf.c): each
 * stream's state is initialised before use.
 */
struct tlsmon_handshake {
	struct tlsmon_hs_stream stream[2];
	u8 block[2][TLSMON_HS_BLOCK];
};

extern unsigned int tlsmon_hello_max;

int tlsmon_hs_buf_cache_create(void);
void tlsmon_hs_buf_cache_destroy(void);
void tlsmon_hs_buf_free(struct tlsmon_pending *p);
void tlsmon_hs_buf_feed(struct tlsmon_net *tn, struct tlsmon_pending *p,
			struct sk_buff *skb, int way, u32 seq,
			unsigned int off, unsigned int len, bool believe);

#endif /* _TLSMON_HS_BUF_H */
