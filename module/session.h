/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_SESSION_H
#define _TLSMON_SESSION_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>

#include "export.h"

struct net;
struct tlsmon_net;

/**
 * struct tlsmon_sessions - monitored sessions of one namespace
 * @table: sessions by socket cookie; RCU readers, writers under @lock
 * @list: sessions in id order, for dumps; RCU readers, writers under @lock
 * @lock: writers of @table and @list, with bottom halves off (rhashtable's
 *	bucket locks are BH locks); taken in process context, in return
 *	probes and in the close probe, except where that one runs in int3
 *	(NMI-like) context: there it only marks a session closed and queues
 *	it for removal in process context (session.c)
 * @net: the namespace, for the removal events (no reference: removals
 *	are flushed before the namespace's state goes away)
 * @next_id: id of the next session
 * @gen: changes whenever @list does, for dump consistency
 * @count: sessions in @table
 * @key_epoch: changes, under @lock, whenever every held key is wiped
 *	(export or monitoring turned off): a key event queued before that
 *	carries the old value and is not sent (tlsmon_session_keys_current())
 */
struct tlsmon_sessions {
	struct rhashtable table;
	struct list_head list;
	spinlock_t lock; /* writers of @table, @list */
	struct net *net;
	u64 next_id;
	atomic_t gen;
	atomic_t count;
	u32 key_epoch;
};

/**
 * struct tlsmon_session_info - what is known of a monitored session
 * @id: session id, unique in its namespace
 * @cookie: the socket's cookie (SO_COOKIE)
 * @born_ns: boot-time clock at tagging
 * @family: the socket's family, AF_INET or AF_INET6
 * @version: negotiated TLS version
 * @suite: negotiated cipher suite
 * @cipher: kTLS cipher type (TLS_CIPHER_*) as installed
 * @dirs: TLSMON_DIR_* installed
 * @hw: TLSMON_DIR_* installed in device offload
 * @reason: TLSMON_REASON_* bits
 * @role: TLSMON_ROLE_* of the local end
 * @static_ks: TLS 1.3, and the server's key share was one it had sent
 *	before (keyshare.c)
 * @rt: the socket's addresses, ports and route parameters (bound device
 *	or VRF, mark, uid, tos) at tagging, after tlsmon's mark rewrite:
 *	what sessions report, and what the export rule routes by at every
 *	export
 * @uid: the socket's owner (sk_uid, which is the socket inode's uid that
 *	sock_i_uid() and 'ss -e' report) in the user namespace owning the
 *	socket's network namespace, read once at tagging
 * @ino: the socket's inode number (sock_i_ino(), the "ino:" of 'ss -e'),
 *	0 when the socket has no file (a kernel socket)
 */
struct tlsmon_session_info {
	u64 id;
	u64 cookie;
	u64 born_ns;
	u16 family;
	u16 version;
	u16 suite;
	u16 cipher;
	u8 dirs;
	u8 hw;
	u8 reason;
	u8 role;
	bool static_ks;
	struct tlsmon_route rt;
	u32 uid;
	u64 ino;
};

/* Whether the export rule accepted the peer at tagging (export on). */
enum {
	TLSMON_PEER_UNKNOWN,	/* export was off: not looked at */
	TLSMON_PEER_LOCAL,
	TLSMON_PEER_REMOTE,
};

/**
 * struct tlsmon_session - a monitored session
 * @node: in tlsmon_sessions.table by @info.cookie
 * @list: in tlsmon_sessions.list, in id order
 * @rcu: frees the session after lockless readers, once it is unlinked
 * @close_node: on the list of closing sessions once its socket closes,
 *	where the close probe runs as an NMI, until the work unlinks it. It
 *	shares its place with @rcu, which is used only after that: the work
 *	reads the next closing session before it unlinks one. Eight bytes
 *	less keep 13 sessions in a 4 KiB slab, not 12 (the constructor puts
 *	the slab's free pointer after the object)
 * @closed: set (once) when the socket closes; from then on no reader
 *	reports the session or its keys, though it may stay in the table
 *	until the removal work unlinks it
 * @ss: the table it is in
 * @info: the record; @info.dirs and @info.hw change under the table lock
 * @peer: TLSMON_PEER_*: whether the export rule (tlsmon_export_check())
 *	accepted the peer when the session was tagged, set before it is in the table and not
 *	changed after. The other direction's installation, moments later,
 *	takes it from here rather than routing again; events and dumps check
 *	the route again when they send keys.
 * @key_dirs: TLSMON_DIR_* whose keys are in @keys, under the table lock
 * @exported: TLSMON_DIR_* whose current keys have left the kernel at least
 *	once (a dump or a key event), under the table lock; cleared for a
 *	direction given a new key, so that TLSMON_STATS_A_KEYS_EXPORTED
 *	counts each key once however often it is read
 * @epoch: rekeys of each direction (0 TX, 1 RX) so far, under the table
 *	lock; counted whether or not the keys are kept. 16 bits fill a hole
 *	before @keys (13 sessions to a 4 KiB slab, not 12): a direction
 *	rekeyed U16_MAX times has no keys kept after that
 * @keys: key material by direction (0 TX, 1 RX), copied only when export
 *	was on and the peer local; wiped when the peer leaves the subnet,
 *	when export or monitoring is turned off in the namespace, and when
 *	the session is freed
 *
 * Lifetime: created when kTLS is installed on a tagged socket, removed
 * when the socket is closed, when its namespace goes away, or when the
 * module is unloaded; freed (keys wiped) after a grace period, to
 * tlsmon_session_cache.
 */
struct tlsmon_session {
	struct rhash_head node;
	struct list_head list;
	union {
		struct rcu_head rcu;
		struct llist_node close_node;
	};
	unsigned long closed;
	struct tlsmon_sessions *ss;
	struct tlsmon_session_info info;
	u8 peer;
	u8 key_dirs;
	u8 exported;
	u16 epoch[2];
	struct tlsmon_dir_keys keys[2];
};

int tlsmon_session_cache_create(void);
void tlsmon_session_cache_destroy(void);
int tlsmon_sessions_init(struct tlsmon_sessions *ss, struct net *net);
void tlsmon_sessions_destroy(struct tlsmon_sessions *ss);
int tlsmon_session_add(struct tlsmon_net *tn, struct tlsmon_session_info *info,
		       u8 peer, const struct tlsmon_dir_keys *keys);
struct tlsmon_session *tlsmon_session_lookup_rcu(struct tlsmon_net *tn,
						 u64 cookie);
bool tlsmon_session_add_dir(struct tlsmon_net *tn, struct tlsmon_session *s,
			    u8 dir, bool hw, const struct tlsmon_dir_keys *keys,
			    struct tlsmon_session_info *info);
int tlsmon_session_rekey(struct tlsmon_net *tn, struct tlsmon_session *s,
			 u8 dir, struct tlsmon_dir_keys *keys,
			 struct tlsmon_session_info *info);
u8 tlsmon_session_keys_copy(struct tlsmon_net *tn, struct tlsmon_session *s,
			    struct tlsmon_session_info *info,
			    struct tlsmon_dir_keys keys[2]);
void tlsmon_session_wipe_keys(struct tlsmon_net *tn, struct tlsmon_session *s);
unsigned int tlsmon_sessions_wipe_keys(struct tlsmon_sessions *ss);
u32 tlsmon_sessions_key_epoch(struct tlsmon_sessions *ss);
bool tlsmon_session_keys_current(struct tlsmon_sessions *ss, u64 cookie,
				 u32 epoch);
unsigned int tlsmon_session_exported(struct tlsmon_sessions *ss,
				     struct tlsmon_session *s, u64 cookie, u8 dirs);
bool tlsmon_session_info_copy(struct tlsmon_net *tn, u64 cookie,
			      struct tlsmon_session_info *info);
void tlsmon_session_close(struct tlsmon_net *tn, u64 cookie);
void tlsmon_sessions_flush_closed(void);
struct tlsmon_session *tlsmon_session_resume(struct tlsmon_sessions *ss,
					     u64 last_id, u64 last_cookie);

#endif /* _TLSMON_SESSION_H */
