// SPDX-License-Identifier: GPL-2.0
/*
 * An attacker on a shared segment, for the forgery suite:
 *
 *   inject IFACE MODE SERVER_ADDR SERVER_PORT DONE_FILE
 *
 * Watches IFACE (a bridge port that sees every frame) for the SYN-ACK of
 * SERVER_ADDR:SERVER_PORT (IPv4), which gives the server's first sequence
 * number, and for the client's ClientHello that follows, then injects
 * towards the client a ServerHello of its own, made like tls_peer's
 * (TLS 1.3, suite 0x1301, the consent extension echoed) but with another
 * random, at the server's first sequence number:
 *
 *   noack   without the ACK flag (TCP drops it)
 *   badack  with an ACK of data the client never sent (TCP drops it)
 *   ack     acking the ClientHello, in the window (TCP accepts it)
 *   badsum  as ack, with a wrong TCP checksum (TCP drops it where the
 *           checksum is verified: the receiving veth without RX
 *           checksum offload)
 *
 * (Injected before the ClientHello left, an acceptable forgery would make
 * the client's ClientHello ack data the server never sent, which the
 * server would drop, and the handshake would never happen.)
 *
 * Then creates DONE_FILE, so that the real server (tls_peer -W) answers
 * only after the forgery, and exits 0. Prints "sniffing" once it listens.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>

#pragma GCC diagnostic ignored "-Wunused-function"
#include "hs_craft.h"

static void die(const char *what)
{
	fprintf(stderr, "inject: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += p[n - 1] << 8;
	return sum;
}

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/*
 * The next frame of @fd that is IPv4 TCP from @saddr with @port at @port_at
 * of its TCP header (0: source port, 2: destination port), into @f.
 * Return: the TCP header's offset in @f.
 */
static size_t recv_tcp(int fd, uint8_t *f, size_t size, const void *saddr,
		       size_t port_at, unsigned int port)
{
	ssize_t got;
	size_t tcp;

	for (;;) {
		got = recv(fd, f, size, 0);
		if (got < 0)
			die("recv");
		if (got < 14 + 20 + 20 || f[12] != 0x08 || f[13] != 0x00)
			continue;
		tcp = 14 + (f[14] & 0xf) * 4;
		if (f[14 + 9] == IPPROTO_TCP && !memcmp(f + 14 + 12, saddr, 4) &&
		    (size_t)got >= tcp + 20 &&
		    (f[tcp + port_at] << 8 | f[tcp + port_at + 1]) == port)
			return tcp;
	}
}

int main(int argc, char **argv)
{
	uint8_t f[2048], synack[128], out[2048], *ip;
	uint32_t cli_next;
	int data;
	const uint8_t *th;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct craft sh = { .n = 0 };
	struct in_addr server;
	unsigned int port, i;
	const char *mode;
	uint32_t sum;
	size_t tcp, n;
	int fd, fl;

	if (argc != 6 || inet_pton(AF_INET, argv[3], &server) != 1) {
		fprintf(stderr, "usage: inject IFACE noack|badack|ack|badsum SERVER_ADDR SERVER_PORT DONE_FILE\n");
		return 2;
	}
	mode = argv[2];
	port = atoi(argv[4]);
	if (strcmp(mode, "noack") && strcmp(mode, "badack") && strcmp(mode, "ack") &&
	    strcmp(mode, "badsum")) {
		fprintf(stderr, "inject: unknown mode %s\n", mode);
		return 2;
	}
	alarm(60);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		die("socket");
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex(argv[1]);
	if (!sll.sll_ifindex)
		die(argv[1]);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");
	printf("sniffing\n");
	fflush(stdout);

	/* the SYN-ACK: Ethernet, IPv4, TCP from the server's port */
	do {
		tcp = recv_tcp(fd, f, sizeof(f), &server, 0, port);
		fl = f[tcp + 13];
	} while ((fl & 0x12) != 0x12);
	memcpy(synack, f, sizeof(synack));

	/* the ClientHello: data from the client to the server's port */
	do {
		tcp = recv_tcp(fd, f, sizeof(f), synack + 14 + 16, 2, port);
		data = (f[16] << 8 | f[17]) - (f[14] & 0xf) * 4 - (f[tcp + 12] >> 4) * 4;
	} while (data <= 0);
	/* what the server's genuine answer will acknowledge */
	cli_next = get32(f + tcp + 4) + data;
	memcpy(f, synack, sizeof(synack));

	/* tls_peer's ServerHello, another random */
	craft_server_hello(&sh, true, 0x1301, true, false);
	for (i = 0; i < 32; i++)
		sh.b[11 + i] = 0x33 + i;

	/* Ethernet: as the SYN-ACK, from the server to the client */
	memcpy(out, f, 12);
	out[12] = 0x08;
	out[13] = 0x00;
	/* IPv4: no options, DF, from the server to the client */
	ip = out + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, 20 + 20 + sh.n);
	put16(ip + 4, 0x7a7a);
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, f + 14 + 12, 8);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	/* TCP: the server's first byte, flags and ACK as the mode says */
	th = f + 14 + (f[14] & 0xf) * 4;
	tcp = 34;
	memset(out + tcp, 0, 20);
	memcpy(out + tcp, th, 4);	/* ports */
	put32(out + tcp + 4, get32(th + 4) + 1);
	if (!strcmp(mode, "badack"))
		put32(out + tcp + 8, cli_next + 1000000);
	else if (!strcmp(mode, "ack") || !strcmp(mode, "badsum"))
		put32(out + tcp + 8, cli_next);
	out[tcp + 12] = 5 << 4;
	out[tcp + 13] = strcmp(mode, "noack") ? 0x18 : 0x08;	/* PSH|ACK, PSH */
	put16(out + tcp + 14, 502);
	memcpy(out + tcp + 20, sh.b, sh.n);
	n = 20 + sh.n;
	/* pseudo-header: addresses, protocol, TCP length */
	sum = csum_add(0, ip + 12, 8);
	sum += IPPROTO_TCP + n;
	sum = csum_add(sum, out + tcp, n);
	put16(out + tcp + 16, csum_fold(sum));
	if (!strcmp(mode, "badsum"))
		put16(out + tcp + 16, csum_fold(sum) ^ 0x5a5a);

	if (send(fd, out, tcp + n, 0) != (ssize_t)(tcp + n))
		die("send");
	printf("injected %s, %zu bytes at seq %u\n", mode, sh.n,
	       get32(out + tcp + 4));
	fflush(stdout);
	/* let the forgery reach the client before the real server answers */
	usleep(300000);
	fd = open(argv[5], O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		die(argv[5]);
	close(fd);
	return 0;
}
