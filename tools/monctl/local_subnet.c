// SPDX-License-Identifier: GPL-2.0
/*
 * The local-subnet rule in userspace, as the module applies it to peers
 * (module/export.c): an address is local when the kernel's route to it
 * has no gateway, leaves through a non-loopback interface, and lies inside
 * a prefix configured on that interface. monctl applies it to the
 * collector it forwards keys to.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "collector.h"

struct route_ctx {
	int type, oif;
	bool gateway;
};

static int route_attr(const struct nlattr *a, void *data)
{
	struct route_ctx *r = data;

	switch (mnl_attr_get_type(a)) {
	case RTA_GATEWAY:
	case RTA_VIA:
	case RTA_MULTIPATH:
		r->gateway = true;
		break;
	case RTA_OIF:
		if (mnl_attr_get_payload_len(a) == sizeof(uint32_t))
			r->oif = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_ctx *r = data;

	r->type = rtm->rtm_type;
	return mnl_attr_parse(nlh, sizeof(*rtm), route_attr, r);
}

struct addr_ctx {
	int family, oif;
	const uint8_t *target;
	bool inside;
};

static bool in_prefix(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, b, bytes))
		return false;
	return !bits || !((a[bytes] ^ b[bytes]) & (0xff << (8 - bits)));
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_ctx *c = data;
	const struct nlattr *a;
	size_t alen = c->family == AF_INET ? 4 : 16;

	if (ifa->ifa_family != c->family || (int)ifa->ifa_index != c->oif)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		/* IFA_ADDRESS is the prefix's side (the peer's on point-to-point) */
		if (mnl_attr_get_type(a) != IFA_ADDRESS || mnl_attr_get_payload_len(a) != alen)
			continue;
		if (in_prefix(mnl_attr_get_payload(a), c->target, ifa->ifa_prefixlen))
			c->inside = true;
	}
	return MNL_CB_OK;
}

static int rtnl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[16384];
	unsigned int portid = mnl_socket_get_portid(nl), seq = nlh->nlmsg_seq;
	int n;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		n = mnl_cb_run(buf, n, seq, portid, cb, data);
		/* a route lookup answers with one message, or an error */
		if (!(nlh->nlmsg_flags & NLM_F_DUMP))
			break;
	} while (n > 0);
	return n < 0 ? -errno : 0;
}

static bool is_loopback(int ifindex)
{
	char name[IF_NAMESIZE];
	struct ifreq ifr = { 0 };
	int fd, ret;

	if (!if_indextoname(ifindex, name))
		return true;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	close(fd);
	return ret < 0 || (ifr.ifr_flags & IFF_LOOPBACK);
}

/**
 * mon_local_subnet() - is @addr on a directly connected subnet?
 * @family: AF_INET or AF_INET6
 * @addr: 4 or 16 bytes, network order
 * @why: receives the reason when it is not
 * @n: size of @why
 *
 * Return: 1 local, 0 not local (@why says why), negative errno on error.
 */
int mon_local_subnet(int family, const uint8_t *addr, char *why, size_t n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct route_ctx r = { .type = -1, .oif = 0 };
	struct addr_ctx c = { .family = family, .target = addr };
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	struct rtgenmsg *g;
	int err;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_dst_len = family == AF_INET ? 32 : 128;
	mnl_attr_put(nlh, RTA_DST, family == AF_INET ? 4 : 16, addr);
	err = rtnl_talk(nl, nlh, route_cb, &r);
	if (err == -ENETUNREACH || err == -EHOSTUNREACH) {
		snprintf(why, n, "no route to it");
		err = 0;
		goto out;
	}
	if (err)
		goto out;
	if (r.type != RTN_UNICAST) {
		snprintf(why, n, "it is %s, not a host on a subnet",
			 r.type == RTN_LOCAL ? "an address of this host" : "not a unicast destination");
		goto out;
	}
	if (r.gateway) {
		snprintf(why, n, "it is reached through a gateway");
		goto out;
	}
	if (!r.oif || is_loopback(r.oif)) {
		snprintf(why, n, "it is not reached through a network interface");
		goto out;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 2;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = family;
	c.oif = r.oif;
	err = rtnl_talk(nl, nlh, addr_cb, &c);
	if (err)
		goto out;
	/* IPv6 link-local is on the link by definition, like the module says */
	if (family == AF_INET6 && addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)
		c.inside = true;
	if (!c.inside) {
		snprintf(why, n, "it is in no prefix of the interface the route uses");
		goto out;
	}
	err = 1;
out:
	mnl_socket_close(nl);
	return err;
}
