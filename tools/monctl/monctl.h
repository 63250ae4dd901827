/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MONCTL_H
#define MONCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/tlsmon.h>

/* Exit codes: 0 success, 1 failure, 2 the command line is malformed. */
#define MON_EXIT_OK	0
#define MON_EXIT_FAIL	1
#define MON_EXIT_USAGE	2

/**
 * struct mon_opts - global options
 * @json: print JSON (-j)
 * @pretty: indent JSON (-p)
 * @netns: the namespace of -n as given, or NULL
 */
struct mon_opts {
	bool json;
	bool pretty;
	const char *netns;
};

extern struct mon_opts mon_opts;

/**
 * struct mon_cmd - one word of the command line and what it runs
 * @name: the word
 * @fn: handler, given the remaining arguments
 * @help: one line for the usage text
 */
struct mon_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

int mon_dispatch(const struct mon_cmd *cmds, const char *what, int argc,
		 char **argv, void (*usage)(void));
const struct mon_cmd *mon_lookup(const struct mon_cmd *cmds, const char *word);
bool mon_is_help(const char *word);
void mon_help(void (*usage)(void));
void mon_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * struct policy - the policy as read from the kernel
 * @enabled: monitoring on
 * @export: key export on
 * @consent: enum tlsmon_consent
 * @consent_ext: consent extension code point
 * @mark: socket mark value
 * @mask: socket mark mask
 * @n_suites: entries in @suites
 * @suites: monitored suites
 * @n_links: entries in @links
 * @links: ifindexes of the export links
 * @seen: TLSMON_POLICY_A_* bits present in the reply
 */
struct policy {
	bool enabled, export;
	uint8_t consent;
	uint16_t consent_ext;
	uint32_t mark, mask;
	unsigned int n_suites;
	uint16_t suites[TLSMON_MAX_SUITES];
	unsigned int n_links;
	uint32_t links[TLSMON_MAX_LINKS];
	uint32_t seen;
};

/**
 * struct session - a monitored session as read from the kernel
 * @has_uid: the kernel sent the owner's uid (@uid)
 * @inode: the socket's inode number, 0 when the kernel sent none
 * @static_ks: the server reused a TLS 1.3 key share (0 from older modules)
 */
struct session {
	uint64_t id, cookie, age_ms, inode;
	uint16_t family, lport, rport, version, suite, cipher;
	uint8_t laddr[16], raddr[16];
	uint8_t role, dirs, hw, reason;
	uint8_t static_ks;
	uint32_t mark, uid;
	bool has_uid;
};

/**
 * struct stats - tlsmon's counters of one namespace
 * @v: values by TLSMON_STATS_A_*
 * @seen: bit of each TLSMON_STATS_A_* the kernel sent
 */
struct stats {
	uint64_t v[TLSMON_STATS_A_MAX + 1];
	uint64_t seen;
};

/**
 * struct ns_stats - the counters of one namespace
 * @name: "host" for the initial namespace, its 'ip netns' name, or
 *	"current" for an unnamed namespace monctl runs in
 * @st: its counters
 */
struct ns_stats {
	char name[256];
	struct stats st;
};

struct mon_print;
struct nlattr;

void stats_print(struct mon_print *p, const struct ns_stats *ns, size_t n, bool all);

struct nlmsghdr;

extern const char *const consent_names[TLSMON_CONSENT_MAX + 1];
extern const char *const policy_setting_names[TLSMON_POLICY_A_MAX + 1];
int mon_parse_u32(const char *word, uint32_t *out);
int mon_parse_cookie(const char *word, uint64_t *out);
const char *mon_link_name(uint32_t ifindex, char *buf);
int mon_link_index(const char *name, uint32_t *ifindex);
int policy_msg_cb(const struct nlmsghdr *nlh, void *data);
void policy_print(struct mon_print *p, const char *key, const struct policy *pol);
int session_parse(const struct nlattr *nest, struct session *s);
void session_fields(struct mon_print *p, const struct session *s);
void session_print(struct mon_print *p, const char *key, const struct session *s);
/**
 * struct ktls_cipher - a kTLS cipher and its crypto_info sizes, in bytes
 * @type: TLS_CIPHER_* of <linux/tls.h>
 * @name: as monctl prints it ("aes-gcm-128")
 * @key: key length
 * @iv: explicit IV length
 * @salt: salt (implicit IV) length
 * @rec_seq: record sequence length
 */
struct ktls_cipher {
	uint16_t type;
	const char *name;
	unsigned int key, iv, salt, rec_seq;
};

const struct ktls_cipher *ktls_cipher_by_type(uint16_t type);
const struct ktls_cipher *ktls_cipher_by_name(const char *name);
const char *cipher_name(uint16_t c);
const char *version_name(uint16_t v);
void addr_str(uint16_t family, const uint8_t *a, char *buf, size_t n);

/**
 * struct key_rec - one direction's key material as exported
 */
struct key_rec {
	uint8_t dir;
	uint16_t version, cipher;
	uint8_t key[32], iv[16], salt[4], rec_seq[8];
	uint8_t key_len, iv_len, salt_len, rec_seq_len;
	uint64_t installed_ns;
	uint32_t epoch;		/* rekeys of the direction before these keys */
};

int key_parse(const struct nlattr *nest, struct key_rec *k);
void key_print(struct mon_print *p, const char *key, const struct session *s,
	       const struct key_rec *k);
typedef int (*key_fn)(const struct session *s, const struct key_rec *k, void *data);
int key_msg_walk(const struct nlmsghdr *nlh, key_fn fn, void *data);
struct mon_nl;
int key_notice_parse(const struct nlmsghdr *nlh, struct session *s,
		     struct key_rec *k);
int keys_fetch(struct mon_nl *nl, uint64_t id, uint64_t cookie, uint8_t dirs,
	       key_fn fn, void *data);
void mon_time_str(uint64_t ns, char *buf, size_t n);

int do_policy(int argc, char **argv);
int do_policy_load(int argc, char **argv);
int do_policy_unload(int argc, char **argv);
int do_policy_save(int argc, char **argv);
int do_policy_check(int argc, char **argv);
int do_sessions(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_monitor(int argc, char **argv);
int do_keys(int argc, char **argv);
int do_decrypt(int argc, char **argv);

#endif /* MONCTL_H */
