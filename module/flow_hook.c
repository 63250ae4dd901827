// SPDX-License-Identifier: GPL-2.0
/*
 * Watching TLS handshakes on the wire. In a namespace where monitoring is
 * enabled, netfilter hooks at LOCAL_IN and LOCAL_OUT (IPv4 and IPv6) see
 * every TCP segment of the local sockets. A SYN-ACK (or a SYN with data)
 * opens an entry that records each way's initial sequence number; the
 * first bytes of each stream are then reassembled by sequence
 * number and parsed until both hellos are known, and every later segment
 * that overlaps the bytes read is compared with them until the socket's
 * kTLS installation decides. Namespaces where monitoring is off have no
 * hook at all; in the others, a data segment costs one hash lookup while
 * some handshake is being read or compared, and none otherwise. This file
 * is the hooks and their filter; the entries are the handshake table's
 * (hs_table.c), their streams hs_buf.c's.
 *
 * Only what TCP delivers counts: an incoming data segment without ACK
 * (other than a SYN with data, TCP Fast Open), one outside the receiving
 * socket's window or acknowledging data never sent, is never believed; it
 * is only compared with what was read, and a difference fails the entry.
 *
 * Everything fails closed: an entry that overflows, expires, cannot be
 * parsed or is dropped for room leaves its connection unmonitored.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "flow.h"
#include "hs_buf.h"
#include "hs_table.h"
#include "keyshare.h"
#include "netns.h"

/* After a FIN, the installation can only be moments away. */
#define TLSMON_FIN_GRACE	(2 * HZ)

/*
 * Whether TCP will accept the data of incoming segment @th (@len bytes
 * from @seq), as far as can be told before it does: a data segment
 * without ACK is dropped, except a SYN (TCP Fast Open); and where early
 * demux already found the receiving socket (skb->sk), a segment that
 * tcp_sequence() would find outside its receive window, that acks data
 * never sent (tcp_ack()), or that reaches a socket still in SYN-SENT
 * (whose data TCP drops unless it comes with the SYN, or follows a
 * SYN-ACK in the backlog of a socket its owner holds) is dropped too.
 * The socket's fields are read without its lock, as a snapshot: a
 * segment judged wrongly either way is still compared with the bytes
 * read, so the worst a race can do is fail the entry (never monitored).
 */
static bool flow_tcp_accepts(const struct sk_buff *skb, const struct tcphdr *th,
			     u32 seq, u32 len)
{
	const struct tcp_sock *tp;
	struct sock *sk = skb->sk;
	u32 rcv_nxt, rcv_wup, wnd, snd_nxt;

	if (th->syn)
		return true;
	if (!th->ack)
		return false;
	if (!sk || !sk_fullsock(sk) || sk->sk_protocol != IPPROTO_TCP)
		return true;
	switch (READ_ONCE(sk->sk_state)) {
	case TCP_SYN_SENT:
		/*
		 * Its owner may hold it with the SYN-ACK waiting in its
		 * backlog, ahead of this segment (a TCP Fast Open client
		 * still in the sendmsg() that sent its SYN): that SYN-ACK
		 * moves it on first. Otherwise TCP drops data that reaches
		 * a socket in SYN-SENT without the SYN.
		 */
		if (!sock_owned_by_user_nocheck(sk))
			return false;
		return !after(ntohl(th->ack_seq),
			      READ_ONCE(tcp_sk(sk)->write_seq));
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
	case TCP_CLOSE_WAIT:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		break;
	default:
		return true;
	}
	tp = tcp_sk(sk);
	rcv_nxt = READ_ONCE(tp->rcv_nxt);
	rcv_wup = READ_ONCE(tp->rcv_wup);
	wnd = rcv_wup + READ_ONCE(tp->rcv_wnd) - rcv_nxt;
	if ((s32)wnd < 0)
		wnd = 0;
	if (before(seq + len, rcv_wup) || after(seq, rcv_nxt + wnd))
		return false;
	/*
	 * A socket its owner holds gets the segment later, from its backlog.
	 * The owner may be transmitting what the segment acks (a client's
	 * ClientHello, answered on another CPU before tcp_write_xmit()
	 * advanced snd_nxt): by then snd_nxt covers it, so the bytes queued
	 * are the bound.
	 */
	snd_nxt = sock_owned_by_user_nocheck(sk) ? READ_ONCE(tp->write_seq) :
						   READ_ONCE(tp->snd_nxt);
	return !after(ntohl(th->ack_seq), snd_nxt);
}

/*
 * A segment that may matter: a SYN, FIN or RST, or data while some
 * handshake is being read. @thoff is where its TCP header starts. The
 * rare ways in (IPv6 extension headers, a TCP header outside the linear
 * area) come unfiltered, hence the same test again here.
 */
static noinline unsigned int flow_segment(struct tlsmon_net *tn,
					  struct sk_buff *skb,
					  const struct nf_hook_state *state,
					  unsigned int thoff)
{
	int way = state->hook == NF_INET_LOCAL_OUT ? TLSMON_OUT : TLSMON_IN;
	struct tlsmon_flow_key key;
	struct tlsmon_pending *p;
	const struct tcphdr *th;
	struct tcphdr _th;
	unsigned int doff, len;
	struct in6_addr src, dst;
	bool want_data = false, believe = false;
	u32 seq;

	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th)
		return NF_ACCEPT;
	/*
	 * Data matters only while some handshake is being read: an entry
	 * whose hellos are read waits only for its kTLS installation, its
	 * connection's FIN (or RST) or its timeout, so the segments of a bulk
	 * transfer cost no lookup.
	 */
	if (!th->syn && !th->fin && !th->rst &&
	    !atomic_read(&tn->flows.collecting))
		return NF_ACCEPT;
	if (!th->syn && !atomic_read(&tn->flows.count))
		return NF_ACCEPT;
	doff = th->doff * 4;
	if (doff < sizeof(*th) || skb->len < thoff + doff)
		return NF_ACCEPT;
	len = skb->len - thoff - doff;
	/* a bare ACK, the most common segment of all, changes nothing */
	if (!len && !th->syn && !th->fin && !th->rst)
		return NF_ACCEPT;
	/* nor does a SYN without data: its SYN-ACK makes the entry */
	if (th->syn && !th->ack && !len && !th->rst)
		return NF_ACCEPT;

	if (state->pf == NFPROTO_IPV4) {
		ipv6_addr_set_v4mapped(ip_hdr(skb)->saddr, &src);
		ipv6_addr_set_v4mapped(ip_hdr(skb)->daddr, &dst);
	} else {
		src = ipv6_hdr(skb)->saddr;
		dst = ipv6_hdr(skb)->daddr;
	}

	if (way == TLSMON_OUT) {
		key.laddr = src;
		key.raddr = dst;
		key.lport = th->source;
		key.rport = th->dest;
	} else {
		key.laddr = dst;
		key.raddr = src;
		key.lport = th->dest;
		key.rport = th->source;
	}

	if (th->rst) {
		tlsmon_pending_forget(tn, &key);
		return NF_ACCEPT;
	}
	if (th->syn)
		tlsmon_pending_syn(tn, &key, way, th, len);
	if (!len && !th->fin)
		return NF_ACCEPT;

	seq = ntohl(th->seq) + (th->syn ? 1 : 0);
	rcu_read_lock();
	p = tlsmon_pending_lookup(&tn->flows, &key);
	/*
	 * Hints only, looked at again under the lock: no checksum for the
	 * data of a connection whose handshake failed, or that lies past
	 * the bytes its stream still reads or compares, and no lock for it
	 * unless it carries a FIN.
	 */
	if (p && len && !READ_ONCE(p->failed) &&
	    tlsmon_pending_may_matter(p, way, seq)) {
		/*
		 * A segment with a bad checksum is dropped by TCP: it must not
		 * count, not even as a contradiction, since noise makes them.
		 */
		if (way == TLSMON_OUT) {
			want_data = true;
			believe = true;
		} else if (!nf_checksum(skb, state->hook, thoff, IPPROTO_TCP,
					state->pf)) {
			want_data = true;
			believe = flow_tcp_accepts(skb, th, seq, len);
		}
	}
	if (p && (want_data || (th->fin && !READ_ONCE(p->fin_by)))) {
		spin_lock_bh(&p->lock);
		if (tlsmon_pending_is(p, &key)) {
			if (want_data)
				tlsmon_hs_buf_feed(tn, p, skb, way, seq,
						   thoff + doff, len, believe);
			/*
			 * An entry still waiting for its kTLS installation
			 * when its connection sends a FIN gets a grace
			 * period, not the whole timeout. "| 1": fin_by is
			 * never 0, which means "no FIN seen".
			 */
			if (th->fin && !p->fin_by)
				WRITE_ONCE(p->fin_by, (jiffies + TLSMON_FIN_GRACE) | 1);
		}
		spin_unlock_bh(&p->lock);
	}
	rcu_read_unlock();
	return NF_ACCEPT;
}

/* IPv6 with extension headers: the rare, slower way. */
static noinline unsigned int flow_segment_exthdr(struct tlsmon_net *tn,
						 struct sk_buff *skb,
						 const struct nf_hook_state *state)
{
	unsigned short frag = 0;
	int hoff = 0;

	if (ipv6_find_hdr(skb, &hoff, IPPROTO_TCP, &frag, NULL) != IPPROTO_TCP ||
	    frag)
		return NF_ACCEPT;
	return flow_segment(tn, skb, state, hoff);
}

/*
 * Every TCP segment of the namespace comes here (@priv is its
 * tlsmon_net). Most need nothing: find the TCP header and leave at once
 * unless it is a SYN-ACK, a SYN with data, a FIN or RST while some entry
 * exists, or carries data while some handshake is being read. This
 * part is kept free of stack buffers, and so of a stack canary; the rest
 * is flow_segment()'s.
 */
static unsigned int tlsmon_nf_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct tlsmon_net *tn = priv;
	const struct tcphdr *th;
	unsigned int thoff;
	__be32 flags;

	if (state->pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
			return NF_ACCEPT;
		thoff = skb_network_offset(skb) + iph->ihl * 4;
	} else if (ipv6_hdr(skb)->nexthdr == IPPROTO_TCP) {
		thoff = skb_network_offset(skb) + sizeof(struct ipv6hdr);
	} else {
		return flow_segment_exthdr(tn, skb, state);
	}
	/* a header outside the linear area: flow_segment() copies it */
	if (unlikely(skb_headlen(skb) < thoff + sizeof(*th)))
		return flow_segment(tn, skb, state, thoff);
	th = (const struct tcphdr *)(skb->data + thoff);
	flags = tcp_flag_word(th) & (TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_FIN |
				     TCP_FLAG_RST);
	/* flow_segment()'s first tests, for the commonest segments */
	if (!(flags & (TCP_FLAG_SYN | TCP_FLAG_FIN | TCP_FLAG_RST)) &&
	    (!atomic_read(&tn->flows.collecting) ||
	     skb->len == thoff + th->doff * 4))
		return NF_ACCEPT;
	if (flags == TCP_FLAG_SYN && skb->len == thoff + th->doff * 4)
		return NF_ACCEPT;
	/* only a SYN makes an entry: without one, a FIN or RST has none to end */
	if (!(flags & TCP_FLAG_SYN) && !atomic_read(&tn->flows.count))
		return NF_ACCEPT;
	return flow_segment(tn, skb, state, thoff);
}

static const struct nf_hook_ops tlsmon_nf_ops[] = {
	{
		.hook = tlsmon_nf_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_LAST,
	},
	{
		.hook = tlsmon_nf_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_LAST,
	},
	{
		.hook = tlsmon_nf_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_LAST,
	},
	{
		.hook = tlsmon_nf_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_LAST,
	},
};

/**
 * tlsmon_flows_start() - start watching handshakes in @net
 * @net: namespace whose monitoring is being enabled
 *
 * Return: 0 or the error of nf_register_net_hooks().
 */
int tlsmon_flows_start(struct net *net)
{
	struct tlsmon_net *tn = tlsmon_net(net);
	struct tlsmon_flows *f = &tn->flows;
	int err, i;

	lockdep_assert_held(&tn->lock);
	if (f->hooks)
		return 0;
	BUILD_BUG_ON(ARRAY_SIZE(f->ops) != ARRAY_SIZE(tlsmon_nf_ops));
	for (i = 0; i < ARRAY_SIZE(f->ops); i++) {
		f->ops[i] = tlsmon_nf_ops[i];
		f->ops[i].priv = tn;
	}
	err = nf_register_net_hooks(net, f->ops, ARRAY_SIZE(f->ops));
	if (!err)
		f->hooks = true;
	return err;
}

/**
 * tlsmon_flows_stop() - stop watching and forget every handshake in @net
 * @net: namespace whose monitoring is being disabled or destroyed
 *
 * After the policy that turns monitoring off was published, or from the
 * namespace's exit; sleeps.
 */
void tlsmon_flows_stop(struct net *net)
{
	struct tlsmon_net *tn = tlsmon_net(net);
	struct tlsmon_flows *f = &tn->flows;

	lockdep_assert_held(&tn->lock);
	if (f->hooks) {
		nf_unregister_net_hooks(net, f->ops, ARRAY_SIZE(f->ops));
		f->hooks = false;
		/*
		 * That does not wait for the hooks still running (it frees
		 * them with call_rcu()), nor does anything wait for the
		 * installations that read the policy before it was turned
		 * off: either may still add an entry and arm the collector.
		 * Wait for them, or the table is not empty below, and the
		 * collector runs after the namespace, or the module, is gone.
		 */
		synchronize_net();
	}
	tlsmon_flows_flush(f);
	tlsmon_keyshares_flush(&tn->keyshares);
}
