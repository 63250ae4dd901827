/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tlsmon: visible, consented and local-only monitoring of kernel TLS sessions.
 *
 * This header is the whole userspace API of the tlsmon module: a generic
 * netlink family named TLSMON_GENL_NAME ("tlsmon"), version
 * TLSMON_GENL_VERSION. Resolve the family id with CTRL_CMD_GETFAMILY; when
 * the family is unknown the module is not loaded.
 *
 * Documentation/netlink/specs/tlsmon.yaml describes the same family in the
 * kernel's netlink spec format (genetlink-legacy), under the names used
 * here: a YNL client loaded from it alone (the kernel's
 * tools/net/ynl/cli.py --spec) sends every request below and decodes every
 * reply and notification, the role, version, cipher, directions and
 * reason by name. make check holds the two to each other.
 *
 * Every request acts on the network namespace of the netlink socket that
 * sends it: each namespace has its own policy, and a namespace never sees
 * another namespace's state.
 *
 * Errors come back as a netlink error message. Ask for extended acks
 * (setsockopt NETLINK_EXT_ACK): every rejection carries a human readable
 * message (NLMSGERR_ATTR_MSG) and, where one attribute was at fault, its
 * offset (NLMSGERR_ATTR_OFFS) or the missing attribute (NLMSGERR_ATTR_MISS_*).
 * Every command is validated strictly: an unknown attribute, one the
 * command does not take, a wrong length, an out-of-range value (ERANGE;
 * the extack then holds the policy's range), a non-zero
 * genlmsghdr.reserved or a netlink flag a request cannot mean rejects the
 * whole request, which then changes nothing.
 *
 * TLSMON_CMD_POLICY_GET
 * ---------------------
 * No privilege beyond the namespace. The request carries no attribute. The
 * reply is a TLSMON_CMD_POLICY_GET message holding:
 *
 *    TLSMON_A_POLICY: NLA_NESTED
 *        TLSMON_POLICY_A_ENABLED: NLA_U8, 0 or 1
 *        TLSMON_POLICY_A_SUITES: NLA_NESTED, zero to TLSMON_MAX_SUITES of
 *            TLSMON_SUITES_A_SUITE: NLA_U16, an IANA cipher suite code point
 *        TLSMON_POLICY_A_CONSENT: NLA_U8, enum tlsmon_consent
 *        TLSMON_POLICY_A_CONSENT_EXT: NLA_U16, extension code point
 *        TLSMON_POLICY_A_MARK: NLA_U32
 *        TLSMON_POLICY_A_MASK: NLA_U32
 *        TLSMON_POLICY_A_EXPORT: NLA_U8, 0 or 1
 *        TLSMON_POLICY_A_LINKS: NLA_NESTED, zero to TLSMON_MAX_LINKS of
 *            TLSMON_LINKS_A_IFINDEX: NLA_U32, an export link's ifindex
 *
 * The reply always holds every attribute.
 *
 * TLSMON_CMD_POLICY_SET
 * ---------------------
 * Needs CAP_NET_ADMIN over the user namespace that owns the socket's
 * network namespace. A change that widens monitoring needs more:
 * CAP_NET_ADMIN in the initial user namespace (the host's administrator),
 * unless the module parameter delegate_netns (off by default) leaves it
 * to the namespace's owners; otherwise it fails with EPERM and an extack
 * saying so. Widening is turning enabled or export on, or changing any
 * other attribute while either is on. Turning them off, and changing what
 * is inert while both are off, stays with the namespace's owners. The
 * request holds TLSMON_A_POLICY with any non-empty
 * subset of the attributes above; the ones absent keep their value. The
 * change is atomic: either every given attribute is applied or, on any
 * error, none is. TLSMON_POLICY_A_SUITES and TLSMON_POLICY_A_LINKS each
 * replace the whole list; an empty nest empties it. The rules:
 *
 *    - enabled, export: 0 or 1.
 *    - suites: at most TLSMON_MAX_SUITES, no duplicates, and private-use
 *      code points only, 0xFF00 to 0xFFFF: a standard cipher suite is
 *      what unmodified TLS stacks negotiate, not a monitoring signal.
 *    - consent: one of enum tlsmon_consent.
 *    - consent_ext: a private-use extension code point, 0xFF00 to 0xFFFF,
 *      except 0xFF01 (renegotiation_info, an assigned extension). Any
 *      assigned code point would be confused with the extension it names.
 *    - mark, mask: the mark must have no bit outside the mask. A mask of 0
 *      means tagged sockets keep their mark; otherwise a tagged socket's
 *      sk_mark becomes (sk_mark & ~mask) | mark.
 *    - links: at most TLSMON_MAX_LINKS interface indexes of the namespace,
 *      no duplicates, each an interface that exists now and may ever be an
 *      export link: not loopback, not point-to-point, with ARP, of type
 *      ARPHRD_ETHER (no GRE, IPIP, SIT, ip6tnl, WireGuard, tun, PPP), not
 *      an overlay or a device whose far end tlsmon cannot see (vxlan,
 *      geneve, gretap, ip6gretap, erspan, ip6erspan, bareudp, tun/tap,
 *      openvswitch), and with no such device below it (a bridge's ports,
 *      a bond's or team's slaves, a VLAN's, macvlan's or ipvlan's lower
 *      device, recursively). The extack names the rule that refused.
 *    - export on needs at least one link ("key export needs at least one
 *      export link"). Checked when the request gives export or links: an
 *      export link that goes away (unregistered, or moved to another
 *      namespace) leaves the list by itself (logged), export staying on,
 *      and later changes of other settings are not refused for that.
 *
 * On success the reply is an ack, and a TLSMON_CMD_POLICY_NTF message with
 * the complete new policy (the same attributes as the GET reply) goes to
 * the TLSMON_MCGRP_EVENTS multicast group of that namespace.
 *
 * TLSMON_CMD_SESSION_GET (dump or do)
 * ----------------------------------
 * No privilege beyond the namespace. Request with NLM_F_DUMP and no
 * attribute. One TLSMON_CMD_SESSION_GET message per monitored session of
 * the namespace, in id order, each holding:
 *
 *    TLSMON_A_SESSION: NLA_NESTED
 *        TLSMON_SESSION_A_ID: NLA_U64, unique in the namespace, increasing
 *        TLSMON_SESSION_A_COOKIE: NLA_U64, the socket's SO_COOKIE
 *        TLSMON_SESSION_A_FAMILY: NLA_U16, AF_INET or AF_INET6
 *        TLSMON_SESSION_A_LOCAL_ADDR: NLA_BINARY, 4 or 16 bytes
 *        TLSMON_SESSION_A_PEER_ADDR: NLA_BINARY, 4 or 16 bytes
 *        TLSMON_SESSION_A_LOCAL_PORT: NLA_U16, host order
 *        TLSMON_SESSION_A_PEER_PORT: NLA_U16, host order
 *        TLSMON_SESSION_A_ROLE: NLA_U8, TLSMON_ROLE_CLIENT or _SERVER
 *        TLSMON_SESSION_A_VERSION: NLA_U16, 0x0303 (TLS 1.2), 0x0304 (TLS 1.3)
 *        TLSMON_SESSION_A_SUITE: NLA_U16, the negotiated cipher suite
 *        TLSMON_SESSION_A_CIPHER: NLA_U16, kTLS cipher (TLS_CIPHER_* of
 *            <linux/tls.h>) of the first direction installed
 *        TLSMON_SESSION_A_DIRS: NLA_U8, TLSMON_DIR_* installed
 *        TLSMON_SESSION_A_HW: NLA_U8, TLSMON_DIR_* in device offload
 *        TLSMON_SESSION_A_REASON: NLA_U8, TLSMON_REASON_* bits
 *        TLSMON_SESSION_A_MARK: NLA_U32, the socket's mark after tagging
 *        TLSMON_SESSION_A_AGE_MS: NLA_U64, milliseconds since tagging
 *        TLSMON_SESSION_A_UID: NLA_U32, the socket's owner (its inode's
 *            uid, the "uid:" of 'ss -e') in the user namespace that owns
 *            the session's network namespace, read at tagging (65534,
 *            the overflow uid, when it has no mapping there)
 *        TLSMON_SESSION_A_INODE: NLA_U64, the socket's inode number (the
 *            "ino:" of 'ss -e', as in /proc/PID/fd/N -> socket:[INODE]),
 *            absent for a socket without a file
 *        TLSMON_SESSION_A_STATIC_KEY_SHARE: NLA_U8, 1 when the session is
 *            TLS 1.3 and its server sent a key share it had sent before on
 *            another connection (a static Diffie-Hellman key, as ETSI TS
 *            103 523-3 uses: whoever holds it can decrypt the session, and
 *            the session has no forward secrecy), else 0. See "Static key
 *            shares" below
 *
 * Attributes of type NLA_U64 are aligned with TLSMON_SESSION_A_PAD. A dump
 * during which sessions came or went carries NLM_F_DUMP_INTR. No session
 * message ever holds key material.
 *
 * Without NLM_F_DUMP, the request selects one socket, so that an
 * application can ask whether its own connection is monitored:
 *
 *    TLSMON_A_SESSION: NLA_NESTED
 *        TLSMON_SESSION_A_COOKIE: NLA_U64, the socket's SO_COOKIE
 *
 * The reply is that socket's session message, or ENOENT when the socket
 * is not monitored in the caller's namespace. The same selector narrows a
 * dump to that socket.
 *
 * TLSMON_CMD_SESSION_NEW, TLSMON_CMD_SESSION_DEL
 * ---------------------------------------------
 * Notifications to the TLSMON_MCGRP_EVENTS group of the session's
 * namespace: a socket was tagged (when its first kTLS direction was
 * installed), or a tagged socket was closed. Same attributes as a
 * TLSMON_CMD_SESSION_GET message. They are sent shortly after the fact,
 * from process context; a listener that must not miss one also dumps.
 *
 * TLSMON_CMD_STATS_GET
 * --------------------
 * No privilege beyond the namespace. The reply holds TLSMON_A_STATS, a
 * nest of NLA_U64 counters of the namespace (TLSMON_STATS_A_PAD aligns
 * them): handshakes read completely, parse failures, kTLS installations
 * seen, sessions tagged and untagged, watched handshakes dropped for room
 * (pending_drops) or expired, and why sessions were untagged: no
 * handshake seen, a suite or a version the client never offered, an
 * extension it never sent, a kTLS cipher or version other than the one the
 * negotiated suite implies (TLSMON_STATS_A_CIPHER_MISMATCH, also for a
 * suite kTLS cannot carry), or hello bytes that a later segment
 * contradicted (TLSMON_STATS_A_HELLO_CONFLICTS: two versions of one
 * handshake were on the wire, so neither is believed; one found before
 * both hellos were read also counts as a parse failure).
 * TLSMON_STATS_A_REKEYS counts key updates (TLS 1.3 KeyUpdate installed
 * through kTLS) of monitored sessions; a rekey is never counted as an
 * installation.
 * TLSMON_STATS_A_INSTALLS_MISSED counts, for the
 * whole host, installations the kernel probes could not observe (never
 * tagged). TLSMON_STATS_A_PENDING and TLSMON_STATS_A_SESSIONS are the
 * current sizes of the two tables. TLSMON_STATS_A_STATIC_KEY_SHARES counts
 * TLS 1.3 handshakes, monitored or not, whose server sent a key share it
 * had sent before; TLSMON_STATS_A_KEY_SHARES is the current size of the
 * record of recent key shares (see "Static key shares").
 * TLSMON_STATS_A_KEYS_EXPORTED counts
 * keys (one per session direction and key) that left the kernel in a
 * TLSMON_CMD_KEYS_GET reply or a key event, each once however often it
 * is read again.
 *
 * TLSMON_CMD_KEYS_GET (dump or do)
 * --------------------------------
 * The only way to key material. Needs CAP_NET_ADMIN over the user
 * namespace owning the socket's network namespace, checked at every
 * request, dump and do alike, the same way on every kernel (EPERM
 * otherwise), and the namespace's policy with export on (otherwise
 * EOPNOTSUPP, with an extack message; for a dump in NLMSG_DONE). Request
 * with NLM_F_DUMP and no attribute: one message per monitored session of
 * the namespace whose keys may be exported now:
 *
 *    TLSMON_A_SESSION: NLA_NESTED, as in TLSMON_CMD_SESSION_GET
 *    TLSMON_A_KEY: NLA_NESTED, once per direction whose keys were kept
 *        TLSMON_KEY_A_DIR: NLA_U8, TLSMON_DIR_TX or TLSMON_DIR_RX
 *        TLSMON_KEY_A_VERSION: NLA_U16, TLS_1_2_VERSION or TLS_1_3_VERSION
 *        TLSMON_KEY_A_CIPHER: NLA_U16, TLS_CIPHER_* of <linux/tls.h>
 *        TLSMON_KEY_A_KEY: NLA_BINARY, the key
 *        TLSMON_KEY_A_IV: NLA_BINARY, the iv as given to kTLS
 *        TLSMON_KEY_A_SALT: NLA_BINARY, the salt (empty for ChaCha20)
 *        TLSMON_KEY_A_REC_SEQ: NLA_BINARY, record sequence at installation
 *        TLSMON_KEY_A_INSTALLED_NS: NLA_U64, CLOCK_REALTIME at installation
 *        TLSMON_KEY_A_EPOCH: NLA_U32, how many times this direction was
 *            rekeyed before these keys: 0 for the keys first installed
 *
 * The fields are those of the tls12_crypto_info_* structure the
 * application installed. Keys are kept only for monitored sessions, only
 * when export was on at their installation, and only when the local-link
 * rule accepted the peer then. The rule routes as the socket's own packets
 * are routed: by its addresses and ports, its bound device or VRF
 * (SO_BINDTODEVICE), its mark (after the policy's mark is applied), its
 * uid and its tos or traffic class, all as they were when the session was
 * tagged. The route must be a unicast route without a gateway (IPv4,
 * IPv6 including link-local with the socket's interface, IPv4-mapped IPv6
 * routed as IPv4); the device it leaves by must be one of the policy's
 * export links and pass the link rules above at that moment; and the
 * peer must lie inside a prefix of at least /16 (IPv4) or /64 (IPv6)
 * configured on that device. The rule is checked again at every export;
 * a session whose peer is refused then is skipped, and the read changes
 * nothing else: its keys are sent again if a later read finds the peer
 * accepted.
 * Each refusal counts in TLSMON_STATS_A_EXPORT_REFUSED. Turning export or
 * monitoring off wipes every key kept in the namespace before the request
 * returns; a session's keys go when its socket closes.
 *
 * Without NLM_F_DUMP, the request selects one session, as a reader does on
 * a TLSMON_CMD_KEYS_NEW notice:
 *
 *    TLSMON_A_SESSION: NLA_NESTED
 *        TLSMON_SESSION_A_ID: NLA_U64, the session's id
 *        TLSMON_SESSION_A_COOKIE: NLA_U64, its socket's SO_COOKIE
 *
 * Either or both (then both must name the same session). The reply is
 * that session's message, as in the dump, or ENOENT with an extack saying
 * why: no such session, or none of its keys may be exported now (closed,
 * never kept, wiped, or its peer refused by the rule now). A reply is
 * handed to the reader only if the session was still open and its keys
 * not wiped when it was: keys fetched after export was
 * turned off, or after the session closed, are never given. The same
 * selector narrows a dump to that session. Every reply with keys counts
 * in TLSMON_STATS_A_KEYS_EXPORTED.
 *
 * TLSMON_CMD_KEYS_NEW
 * -------------------
 * Notification to the TLSMON_MCGRP_KEYS group when a direction's keys are
 * kept, and a notice only: it never holds key material. It holds
 * TLSMON_A_SESSION (as in TLSMON_CMD_SESSION_GET) and one TLSMON_A_KEY
 * with TLSMON_KEY_A_DIR, TLSMON_KEY_A_VERSION, TLSMON_KEY_A_CIPHER,
 * TLSMON_KEY_A_INSTALLED_NS and TLSMON_KEY_A_EPOCH, never TLSMON_KEY_A_KEY, _IV, _SALT or
 * _REC_SEQ. A reader fetches the keys with TLSMON_CMD_KEYS_GET selecting
 * the session by its id or cookie. The notice is sent only if the export
 * rules above accept the session when it is sent, the session is still
 * open and its keys were not wiped meanwhile.
 *
 * Rekey: on kernels whose kTLS installs TLS 1.3 key updates
 * (setsockopt(SOL_TLS, TLS_TX/TLS_RX) on a direction that has keys), each
 * update of a monitored session's direction starts a new epoch of that
 * direction (TLSMON_KEY_A_EPOCH one more than the last). The export rule
 * is checked again at each one: the new keys replace the old epoch's,
 * which are wiped, and are announced by TLSMON_CMD_KEYS_NEW like the
 * first ones; a refused peer's keys are wiped for good. A reader that
 * must decrypt across a rekey keeps every epoch it was given: the
 * record sequence starts again at 0 with each (RFC 8446, 5.3). On other
 * kernels every epoch is 0.
 *
 * TLSMON_CMD_PEER_GET
 * -------------------
 * Needs CAP_NET_ADMIN over the user namespace owning the socket's network
 * namespace. Applies the local-link rule to one established TCP
 * connection of the caller's namespace, as tagging takes a socket's route
 * parameters, so that a program that forwards keys (monctl export, monctl
 * collect) asks the kernel's own rule about its connection before it sends
 * or accepts any key. The request names the connection:
 *
 *    TLSMON_A_PEER: NLA_NESTED
 *        TLSMON_PEER_A_FAMILY: NLA_U16, AF_INET or AF_INET6
 *        TLSMON_PEER_A_LOCAL_ADDR: NLA_BINARY, 4 or 16 bytes (the family's)
 *        TLSMON_PEER_A_PEER_ADDR: NLA_BINARY, likewise
 *        TLSMON_PEER_A_LOCAL_PORT: NLA_U16, host order
 *        TLSMON_PEER_A_PEER_PORT: NLA_U16, host order
 *        TLSMON_PEER_A_BOUND_IF: NLA_U32, optional: the socket's bound
 *            device (SO_BINDTOIFINDEX), needed to find a bound socket
 *
 * An AF_INET6 connection with IPv4-mapped addresses (a dual-stack
 * listener's child) is found as the IPv4 connection it is. No such
 * connection: ENOENT. The export switch is not consulted (a collector's
 * namespace lists its export links without exporting keys itself); the
 * links and the route are. The reply is a TLSMON_CMD_PEER_GET message:
 *
 *    TLSMON_A_PEER: NLA_NESTED
 *        the request's attributes, then
 *        TLSMON_PEER_A_EXPORT: NLA_U8, 1 if keys may travel over the
 *            connection, 0 if not
 *        TLSMON_PEER_A_IFINDEX: NLA_U32, the device the connection's
 *            packets leave by (0: no route)
 *        TLSMON_PEER_A_REASON: NLA_NUL_STRING, with 0 only: the rule that
 *            refused
 *
 * A refusal counts in TLSMON_STATS_A_EXPORT_REFUSED.
 *
 * Multicast groups
 * ----------------
 * TLSMON_MCGRP_EVENTS ("events"): policy changes and sessions tagged or
 * closed, without key material; any user of the namespace may listen.
 * TLSMON_MCGRP_KEYS ("keys"): TLSMON_CMD_KEYS_NEW notices that keys may
 * be fetched, without key material; joining needs CAP_NET_ADMIN over the
 * listener's network namespace (GENL_MCAST_CAP_NET_ADMIN) on kernels that
 * check it, and a listener receives only its own namespace's sessions. No
 * multicast group carries key material: how a kernel checks a group's
 * join differs between kernels, the check of TLSMON_CMD_KEYS_GET does
 * not.
 *
 * Static key shares
 * -----------------
 * While monitoring is enabled in a namespace, every TLS 1.3 handshake its
 * sockets make is read, and the server's key share (group and a 64-bit
 * digest of the key, never the key) is kept in a per-namespace record
 * keyed on the server's address (not its port), with the connection it
 * was last seen on. A key share the same server sent before on another
 * connection, within the keyshare_ttl module parameter (seconds since it
 * was last seen, default 3600), marks the handshake: it is counted in
 * TLSMON_STATS_A_STATIC_KEY_SHARES and, if the session is tagged,
 * reported as TLSMON_SESSION_A_STATIC_KEY_SHARE. The record holds at most
 * keyshare_max entries (default 4096), the least recently seen evicted
 * first; it is emptied when monitoring is turned off. Sessions that are
 * not monitored have no session record: their repeats show in the
 * counter only. The first handshake with a static key is never flagged,
 * nor one whose earlier share was evicted or expired.
 *
 * Monitoring signals
 * ------------------
 * A session is monitored only when both ends took part. The operator picks
 * which cipher suites count as monitoring suites; the defaults are the
 * private-use "_MON" variants below, which a TLS stack offers only when it
 * is configured to accept monitoring. Alternatively both hellos may carry
 * the consent extension (code point TLSMON_CONSENT_EXT_DEFAULT unless the
 * policy says otherwise), depending on the consent mode.
 */
#ifndef _UAPI_LINUX_TLSMON_H
#define _UAPI_LINUX_TLSMON_H

#include <linux/types.h>

#define TLSMON_GENL_NAME	"tlsmon"
#define TLSMON_GENL_VERSION	1

#define TLSMON_MCGRP_EVENTS	"events"
#define TLSMON_MCGRP_KEYS	"keys"

/* Most cipher suites one policy may list. */
#define TLSMON_MAX_SUITES	64

/* Most export links one policy may list. */
#define TLSMON_MAX_LINKS	16

/*
 * Monitoring variants of the standard suites, in the private-use cipher
 * suite range (0xFF00-0xFFFF). The TLS 1.3 variants are numbered in order;
 * the TLS 1.2 ECDHE variants keep the standard suite's low byte.
 * TLSMON_SUITE_X is the suite named TLS_X_MON (the name monctl prints and
 * accepts); the code points are part of the ABI and never change.
 */
#define TLSMON_SUITE_AES_128_GCM_SHA256				0xFF01
#define TLSMON_SUITE_AES_256_GCM_SHA384				0xFF02
#define TLSMON_SUITE_CHACHA20_POLY1305_SHA256			0xFF03
#define TLSMON_SUITE_AES_128_CCM_SHA256				0xFF04
#define TLSMON_SUITE_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256	0xFF2B
#define TLSMON_SUITE_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384	0xFF2C
#define TLSMON_SUITE_ECDHE_RSA_WITH_AES_128_GCM_SHA256		0xFF2F
#define TLSMON_SUITE_ECDHE_RSA_WITH_AES_256_GCM_SHA384		0xFF30
#define TLSMON_SUITE_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256	0xFFA8
#define TLSMON_SUITE_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256	0xFFA9

/* Default code point of the consent extension (private-use range). */
#define TLSMON_CONSENT_EXT_DEFAULT	0xFF4D

/**
 * enum tlsmon_consent - how the consent extension counts
 * @TLSMON_CONSENT_OFF: the extension is ignored; only monitored suites count
 * @TLSMON_CONSENT_ACCEPT: a monitored suite or the extension in both hellos
 * @TLSMON_CONSENT_REQUIRE: a monitored suite and the extension in both hellos
 * @__TLSMON_CONSENT_MAX: one past the last mode
 * @TLSMON_CONSENT_MAX: the last mode
 */
enum tlsmon_consent {
	TLSMON_CONSENT_OFF,
	TLSMON_CONSENT_ACCEPT,
	TLSMON_CONSENT_REQUIRE,

	__TLSMON_CONSENT_MAX,
	TLSMON_CONSENT_MAX = __TLSMON_CONSENT_MAX - 1
};

/* TLSMON_SESSION_A_REASON bits: why a session is monitored. */
#define TLSMON_REASON_SUITE	0x1	/* a monitored suite was negotiated */
#define TLSMON_REASON_CONSENT	0x2	/* both hellos carried the consent extension */

/* TLSMON_SESSION_A_DIRS and TLSMON_SESSION_A_HW bits. */
#define TLSMON_DIR_TX		0x1
#define TLSMON_DIR_RX		0x2

/* TLSMON_SESSION_A_ROLE values: which end of the handshake the socket is. */
#define TLSMON_ROLE_CLIENT	1
#define TLSMON_ROLE_SERVER	2

enum tlsmon_cmd {
	TLSMON_CMD_UNSPEC,
	TLSMON_CMD_POLICY_GET,
	TLSMON_CMD_POLICY_SET,
	TLSMON_CMD_POLICY_NTF,
	TLSMON_CMD_SESSION_GET,
	TLSMON_CMD_SESSION_NEW,
	TLSMON_CMD_SESSION_DEL,
	TLSMON_CMD_STATS_GET,
	TLSMON_CMD_KEYS_GET,
	TLSMON_CMD_KEYS_NEW,
	TLSMON_CMD_PEER_GET,

	__TLSMON_CMD_MAX,
	TLSMON_CMD_MAX = __TLSMON_CMD_MAX - 1
};

enum tlsmon_attr {
	TLSMON_A_UNSPEC,
	TLSMON_A_POLICY,
	TLSMON_A_SESSION,
	TLSMON_A_STATS,
	TLSMON_A_KEY,
	TLSMON_A_PEER,

	__TLSMON_A_MAX,
	TLSMON_A_MAX = __TLSMON_A_MAX - 1
};

enum tlsmon_policy_attr {
	TLSMON_POLICY_A_UNSPEC,
	TLSMON_POLICY_A_ENABLED,
	TLSMON_POLICY_A_SUITES,
	TLSMON_POLICY_A_CONSENT,
	TLSMON_POLICY_A_CONSENT_EXT,
	TLSMON_POLICY_A_MARK,
	TLSMON_POLICY_A_MASK,
	TLSMON_POLICY_A_EXPORT,
	TLSMON_POLICY_A_LINKS,

	__TLSMON_POLICY_A_MAX,
	TLSMON_POLICY_A_MAX = __TLSMON_POLICY_A_MAX - 1
};

enum tlsmon_suites_attr {
	TLSMON_SUITES_A_UNSPEC,
	TLSMON_SUITES_A_SUITE,

	__TLSMON_SUITES_A_MAX,
	TLSMON_SUITES_A_MAX = __TLSMON_SUITES_A_MAX - 1
};

enum tlsmon_session_attr {
	TLSMON_SESSION_A_UNSPEC,
	TLSMON_SESSION_A_PAD,
	TLSMON_SESSION_A_ID,
	TLSMON_SESSION_A_COOKIE,
	TLSMON_SESSION_A_FAMILY,
	TLSMON_SESSION_A_LOCAL_ADDR,
	TLSMON_SESSION_A_PEER_ADDR,
	TLSMON_SESSION_A_LOCAL_PORT,
	TLSMON_SESSION_A_PEER_PORT,
	TLSMON_SESSION_A_ROLE,
	TLSMON_SESSION_A_VERSION,
	TLSMON_SESSION_A_SUITE,
	TLSMON_SESSION_A_CIPHER,
	TLSMON_SESSION_A_DIRS,
	TLSMON_SESSION_A_HW,
	TLSMON_SESSION_A_REASON,
	TLSMON_SESSION_A_MARK,
	TLSMON_SESSION_A_AGE_MS,
	TLSMON_SESSION_A_UID,
	TLSMON_SESSION_A_INODE,
	TLSMON_SESSION_A_STATIC_KEY_SHARE,

	__TLSMON_SESSION_A_MAX,
	TLSMON_SESSION_A_MAX = __TLSMON_SESSION_A_MAX - 1
};

enum tlsmon_stats_attr {
	TLSMON_STATS_A_UNSPEC,
	TLSMON_STATS_A_PAD,
	TLSMON_STATS_A_HANDSHAKES,
	TLSMON_STATS_A_PARSE_FAILURES,
	TLSMON_STATS_A_KTLS_INSTALLS,
	TLSMON_STATS_A_TAGGED,
	TLSMON_STATS_A_UNTAGGED,
	TLSMON_STATS_A_PENDING_DROPS,
	TLSMON_STATS_A_PENDING_EXPIRED,
	TLSMON_STATS_A_NO_HANDSHAKE,
	TLSMON_STATS_A_UNOFFERED_SUITE,
	TLSMON_STATS_A_UNOFFERED_VERSION,
	TLSMON_STATS_A_UNSOLICITED_EXT,
	TLSMON_STATS_A_INSTALLS_MISSED,
	TLSMON_STATS_A_PENDING,
	TLSMON_STATS_A_SESSIONS,
	TLSMON_STATS_A_EXPORT_REFUSED,
	TLSMON_STATS_A_KEYS_EXPORTED,
	TLSMON_STATS_A_CIPHER_MISMATCH,
	TLSMON_STATS_A_HELLO_CONFLICTS,
	TLSMON_STATS_A_REKEYS,
	TLSMON_STATS_A_STATIC_KEY_SHARES,
	TLSMON_STATS_A_KEY_SHARES,

	__TLSMON_STATS_A_MAX,
	TLSMON_STATS_A_MAX = __TLSMON_STATS_A_MAX - 1
};

enum tlsmon_key_attr {
	TLSMON_KEY_A_UNSPEC,
	TLSMON_KEY_A_PAD,
	TLSMON_KEY_A_DIR,
	TLSMON_KEY_A_VERSION,
	TLSMON_KEY_A_CIPHER,
	TLSMON_KEY_A_KEY,
	TLSMON_KEY_A_IV,
	TLSMON_KEY_A_SALT,
	TLSMON_KEY_A_REC_SEQ,
	TLSMON_KEY_A_INSTALLED_NS,
	TLSMON_KEY_A_EPOCH,

	__TLSMON_KEY_A_MAX,
	TLSMON_KEY_A_MAX = __TLSMON_KEY_A_MAX - 1
};

enum tlsmon_links_attr {
	TLSMON_LINKS_A_UNSPEC,
	TLSMON_LINKS_A_IFINDEX,

	__TLSMON_LINKS_A_MAX,
	TLSMON_LINKS_A_MAX = __TLSMON_LINKS_A_MAX - 1
};

enum tlsmon_peer_attr {
	TLSMON_PEER_A_UNSPEC,
	TLSMON_PEER_A_FAMILY,
	TLSMON_PEER_A_LOCAL_ADDR,
	TLSMON_PEER_A_PEER_ADDR,
	TLSMON_PEER_A_LOCAL_PORT,
	TLSMON_PEER_A_PEER_PORT,
	TLSMON_PEER_A_BOUND_IF,
	TLSMON_PEER_A_EXPORT,
	TLSMON_PEER_A_IFINDEX,
	TLSMON_PEER_A_REASON,

	__TLSMON_PEER_A_MAX,
	TLSMON_PEER_A_MAX = __TLSMON_PEER_A_MAX - 1
};

#endif /* _UAPI_LINUX_TLSMON_H */
