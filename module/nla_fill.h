/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Nests of netlink attributes written in place. A key dump writes 35
 * attributes per session; through nla_put() each one costs about a
 * hundred instructions (the tailroom check, skb_put(), and calls of
 * memcpy() and memset() for a few bytes), which was three quarters of the
 * dump. A nest whose attributes are all known in advance checks its
 * room once, for the largest it can be, and writes each attribute as
 * nla_put() would: header, payload, zeroed padding, and the pad attribute
 * before a 64-bit value exactly where nla_put_u64_64bit() puts one.
 */
#ifndef _TLSMON_NLA_FILL_H
#define _TLSMON_NLA_FILL_H

#include <net/netlink.h>

#include "compat.h"

/**
 * struct tlsmon_nla_fill - a nest being written at the tail of a message
 * @skb: the message
 * @nest: the nest's header
 * @pos: where its next attribute goes
 * @end: the end of the room it was started with
 */
struct tlsmon_nla_fill {
	struct sk_buff *skb;
	struct nlattr *nest;
	u8 *pos;
	u8 *end;
};

/**
 * tlsmon_fill_start() - start a nest of @type at the tail of @skb
 * @f: the nest
 * @skb: the message
 * @type: the nest's attribute type (NLA_F_NESTED is added)
 * @room: the most its attributes can take, padding and pads included
 *
 * Return: 0, or -EMSGSIZE with @skb unchanged.
 */
static inline int tlsmon_fill_start(struct tlsmon_nla_fill *f,
				    struct sk_buff *skb, int type, int room)
{
	if (skb_tailroom(skb) < NLA_HDRLEN + room)
		return -EMSGSIZE;
	f->skb = skb;
	f->nest = (struct nlattr *)skb_tail_pointer(skb);
	f->nest->nla_type = type | NLA_F_NESTED;
	f->pos = (u8 *)f->nest + NLA_HDRLEN;
	f->end = f->pos + room;
	return 0;
}

static __always_inline void tlsmon_fill_hdr(struct tlsmon_nla_fill *f,
					    int type, int len)
{
	struct nlattr *nla = (struct nlattr *)f->pos;

	nla->nla_type = type;
	nla->nla_len = nla_attr_size(len);
	memset(f->pos + NLA_HDRLEN + len, 0, nla_padlen(len));
}

/* An attribute of @len bytes at @data; @len is a constant in most calls. */
static __always_inline void tlsmon_fill_put(struct tlsmon_nla_fill *f,
					    int type, int len, const void *data)
{
	tlsmon_fill_hdr(f, type, len);
	memcpy(f->pos + NLA_HDRLEN, data, len);
	f->pos += nla_total_size(len);
}

static __always_inline void tlsmon_fill_u8(struct tlsmon_nla_fill *f,
					   int type, u8 v)
{
	tlsmon_fill_put(f, type, sizeof(v), &v);
}

static __always_inline void tlsmon_fill_u16(struct tlsmon_nla_fill *f,
					    int type, u16 v)
{
	tlsmon_fill_put(f, type, sizeof(v), &v);
}

static __always_inline void tlsmon_fill_u32(struct tlsmon_nla_fill *f,
					    int type, u32 v)
{
	tlsmon_fill_put(f, type, sizeof(v), &v);
}

/* As nla_put_u64_64bit(): a pad first where the value would be misaligned. */
static __always_inline void tlsmon_fill_u64(struct tlsmon_nla_fill *f,
					    int type, u64 v, int padtype)
{
	if (!IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) &&
	    IS_ALIGNED((unsigned long)f->pos, 8)) {
		tlsmon_fill_hdr(f, padtype, 0);
		f->pos += nla_total_size(0);
	}
	tlsmon_fill_put(f, type, sizeof(v), &v);
}

/*
 * Close the nest: its length, and the message's. A room that was too
 * small for what was written is a bug of its caller's, which the debug
 * kernel's checks (CONFIG_DEBUG_NET) report.
 */
static inline void tlsmon_fill_end(struct tlsmon_nla_fill *f)
{
	int len = f->pos - (u8 *)f->nest;

	DEBUG_NET_WARN_ON_ONCE(f->pos > f->end);

	f->nest->nla_len = len;
	skb_put(f->skb, len);
}

#endif /* _TLSMON_NLA_FILL_H */
