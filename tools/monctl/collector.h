/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MONCTL_COLLECTOR_H
#define MONCTL_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

int mon_peer_check(int fd, const char *who, const char *text);

/**
 * struct mon_endpoint - an ADDR:PORT of the command line
 * @ss: the address, numeric
 * @len: its length
 * @family: AF_INET or AF_INET6
 * @addr: the address bytes, network order
 * @text: the address as given, without brackets or port
 */
struct mon_endpoint {
	struct sockaddr_storage ss;
	socklen_t len;
	int family;
	uint8_t addr[16];
	char text[64];
};

int mon_endpoint_parse(const char *s, struct mon_endpoint *ep);
int mon_set_ttl1(int fd, int family);

/**
 * struct mon_set - a set of strings: records already sent or stored
 * @b: buckets
 * @nb: number of buckets, a power of two
 * @n: members
 */
struct mon_set {
	struct mon_set_ent **b;
	size_t nb, n;
};

int mon_set_add(struct mon_set *s, const char *key);
void mon_set_free(struct mon_set *s);
void mon_sd_notify(const char *state);
void mon_ssl_err(const char *what);
void mon_unmap_v4(struct sockaddr_storage *ss);

/**
 * struct fwd_opts - the command line of export and collect
 * @to: export: the collector, ADDR:PORT
 * @listen: collect: where to listen, ADDR:PORT
 * @ca: export: the CA the collector's certificate chains to
 * @client_ca: collect: the CA the exporters' certificates chain to
 * @name: export: the name the collector's certificate must hold
 * @cert: this end's certificate chain
 * @key: this end's private key
 * @out: collect: the output file
 * @count: stop after this many records (0: never)
 * @retain: collect: one file per day, kept this many days (0: one file)
 */
struct fwd_opts {
	const char *to, *listen, *ca, *client_ca, *name, *cert, *key, *out;
	unsigned long count, retain;
};

int fwd_parse_opts(const char *cmd, int argc, char **argv, struct fwd_opts *o,
		   const char *const *allowed);
int collect_run(const struct fwd_opts *o);

int do_export(int argc, char **argv);
int do_collect(int argc, char **argv);

#endif /* MONCTL_COLLECTOR_H */
