// SPDX-License-Identifier: GPL-2.0
/*
 * What the exporter and the collector share besides the link rule: a set
 * of the records already handled (so that each key is sent and stored
 * once), systemd's readiness notification, and the TLS error text.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <openssl/err.h>

#include "collector.h"
#include "monctl.h"

/**
 * struct mon_set_ent - one member of a &struct mon_set
 * @next: the next member of the same bucket
 * @key: the member, NUL-terminated
 */
struct mon_set_ent {
	struct mon_set_ent *next;
	char key[];
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static int set_grow(struct mon_set *s)
{
	size_t nb = s->nb ? 2 * s->nb : 1024, i;
	struct mon_set_ent **b = calloc(nb, sizeof(*b)), *e, *next;

	if (!b)
		return -1;
	for (i = 0; i < s->nb; i++)
		for (e = s->b[i]; e; e = next) {
			next = e->next;
			e->next = b[fnv1a(e->key) & (nb - 1)];
			b[fnv1a(e->key) & (nb - 1)] = e;
		}
	free(s->b);
	s->b = b;
	s->nb = nb;
	return 0;
}

/**
 * mon_set_add() - add @key to @s
 * Return: 1 if it is new, 0 if it was there, -1 out of memory.
 */
int mon_set_add(struct mon_set *s, const char *key)
{
	struct mon_set_ent *e, **head;
	size_t len = strlen(key);

	if (s->n >= s->nb && set_grow(s))
		return -1;
	head = &s->b[fnv1a(key) & (s->nb - 1)];
	for (e = *head; e; e = e->next)
		if (!strcmp(e->key, key))
			return 0;
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return -1;
	memcpy(e->key, key, len + 1);
	e->next = *head;
	*head = e;
	s->n++;
	return 1;
}

void mon_set_free(struct mon_set *s)
{
	struct mon_set_ent *e, *next;
	size_t i;

	for (i = 0; i < s->nb; i++)
		for (e = s->b[i]; e; e = next) {
			next = e->next;
			free(e);
		}
	free(s->b);
	memset(s, 0, sizeof(*s));
}

/**
 * mon_sd_notify() - tell the service manager @state ("READY=1")
 *
 * The datagram protocol of sd_notify(3), without libsystemd: nothing when
 * NOTIFY_SOCKET is not set.
 */
void mon_sd_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sun.sun_path))
		return;
	memcpy(sun.sun_path, path, strlen(path));
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sun, len) < 0)
		mon_err("cannot notify the service manager: %s", strerror(errno));
	close(fd);
}

void mon_ssl_err(const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e) {
		ERR_error_string_n(e, buf, sizeof(buf));
		mon_err("%s: %s", what, buf);
	} else {
		mon_err("%s", what);
	}
	ERR_clear_error();
}

/**
 * mon_unmap_v4() - an IPv4-mapped IPv6 address as the IPv4 one it is
 * @ss: an address from accept(), getsockname() or getpeername()
 *
 * A dual-stack listener's children see IPv4 peers as ::ffff:a.b.c.d;
 * everything that compares or prints addresses takes them as IPv4.
 */
void mon_unmap_v4(struct sockaddr_storage *ss)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	if (ss->ss_family != AF_INET6)
		return;
	memcpy(&s6, ss, sizeof(s6));
	if (!IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr))
		return;
	memset(ss, 0, sizeof(*ss));
	s4->sin_family = AF_INET;
	s4->sin_port = s6.sin6_port;
	memcpy(&s4->sin_addr, &s6.sin6_addr.s6_addr[12], 4);
}
