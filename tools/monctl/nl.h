/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MONCTL_NL_H
#define MONCTL_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

/**
 * struct mon_nl - a generic netlink socket talking to the tlsmon family
 * @sock: libmnl socket, extended acks on
 * @family: resolved family id
 * @portid: the socket's port id
 * @seq: sequence number of the last request
 * @events_group: id of the "events" multicast group, 0 if unknown
 * @keys_group: id of the "keys" multicast group, 0 if unknown
 * @err_msg: the kernel's extack message for the last error, or ""
 * @err_missing: type of the missing attribute the kernel named, or 0
 * @err_offset: offset in the request of the attribute the kernel named, or 0
 * @dump_intr: the last dump changed under the kernel while it was read
 * @req: the request being built or last sent
 * @buf: replies
 */
struct mon_nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t portid;
	uint32_t seq;
	uint32_t events_group;
	uint32_t keys_group;
	char err_msg[256];
	uint32_t err_missing;
	uint32_t err_offset;
	bool dump_intr;
	char req[8192];
	char buf[65536];
};

int mon_nl_open(struct mon_nl *nl);
void mon_nl_close(struct mon_nl *nl);
struct nlmsghdr *mon_nl_request(struct mon_nl *nl, uint8_t cmd, uint16_t flags);
int mon_nl_talk(struct mon_nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data);
const struct nlattr *mon_nl_bad_attr(const struct mon_nl *nl);
void mon_nl_perror(const struct mon_nl *nl, const char *what, int err);
bool mon_attr_valid(const struct nlattr *a, enum mnl_attr_data_type type,
		    const char *what);

#endif /* MONCTL_NL_H */
