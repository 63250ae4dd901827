/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bounded record of the TLS 1.3 key shares servers sent recently in one
 * namespace, to flag a server that sends the same one twice.
 */
#ifndef _TLSMON_KEYSHARE_H
#define _TLSMON_KEYSHARE_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct tlsmon_net;

#define TLSMON_KS_BITS		8

/**
 * struct tlsmon_keyshares - recent TLS 1.3 server key shares of one namespace
 * @lock: protects everything below; a leaf lock, taken with bottom halves
 *	off (from the packet hook in softirq, or with them disabled),
 *	nested inside a watched handshake's lock
 * @hash: entries (struct tlsmon_ks_entry, keyshare.c) by server address
 *	and key-share digest
 * @lru: the same entries, most recently seen first, for eviction
 * @count: entries in @hash; at most the keyshare_max module parameter
 *
 * Entries are made and freed only under @lock, and only from the packet
 * hook and tlsmon_keyshares_flush(): no reader goes without the lock, so
 * there is no RCU. The flush runs with the namespace's hooks gone (see
 * tlsmon_flows_stop()).
 */
struct tlsmon_keyshares {
	spinlock_t lock; /* everything below */
	struct hlist_head hash[1 << TLSMON_KS_BITS];
	struct list_head lru;
	unsigned int count;
};

/**
 * struct tlsmon_ks_conn - the connection a key share was seen on
 * @server: the address of the end that sent the ServerHello; IPv4 as
 *	IPv4-mapped IPv6
 * @client: the other end's address, likewise
 * @sport: the server's port, network order
 * @cport: the client's port, network order
 */
struct tlsmon_ks_conn {
	struct in6_addr server;
	struct in6_addr client;
	__be16 sport;
	__be16 cport;
};

int tlsmon_keyshare_cache_create(void);
void tlsmon_keyshare_cache_destroy(void);
void tlsmon_keyshares_init(struct tlsmon_keyshares *ks);
void tlsmon_keyshares_flush(struct tlsmon_keyshares *ks);
bool tlsmon_keyshare_seen(struct tlsmon_net *tn,
			  const struct tlsmon_ks_conn *conn, u16 group,
			  u16 len, u64 digest);

#endif /* _TLSMON_KEYSHARE_H */
