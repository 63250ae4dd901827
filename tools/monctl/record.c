// SPDX-License-Identifier: GPL-2.0
/*
 * The key record schema a collector accepts: what 'monctl export' sends
 * (key_print() of keys.c), checked field by field.
 *
 * Records are parsed with libjansson, a maintained JSON library, with
 * JSON_REJECT_DUPLICATES: a record naming a field twice is refused rather
 * than resolved, since consumers disagree on which duplicate wins (most
 * keep the last, some the first) and a forged attribution would hide
 * behind the one a reader picks. Unknown fields are refused too, so that
 * nothing rides along a genuine record into the collector's file.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "monctl.h"
#include "record.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum ftype { F_UINT, F_STR, F_HEX, F_BOOL, F_DIRS, F_ADDR, F_PORT, F_CODE };

/**
 * struct field - one field of a key record
 * @name: its name
 * @type: what its value must be
 * @required: a record without it is refused
 */
struct field {
	const char *name;
	enum ftype type;
	bool required;
};

static const struct field fields[] = {
	{ "id",			F_UINT,	true },
	{ "cookie",		F_UINT,	false },
	{ "family",		F_STR,	true },
	{ "local",		F_ADDR,	false },
	{ "local_port",		F_PORT,	false },
	{ "peer",		F_ADDR,	false },
	{ "peer_port",		F_PORT,	false },
	{ "role",		F_STR,	false },
	{ "version",		F_STR,	false },
	{ "suite",		F_STR,	false },
	{ "suite_code",		F_CODE,	false },
	{ "cipher",		F_STR,	false },
	{ "directions",		F_DIRS,	false },
	{ "offload",		F_DIRS,	false },
	{ "reason",		F_STR,	false },
	{ "consent",		F_BOOL,	false },
	{ "mark",		F_CODE,	false },
	{ "age_ms",		F_UINT,	false },
	{ "uid",		F_UINT,	false },
	{ "inode",		F_UINT,	false },
	{ "static_key_share",	F_BOOL,	false },
	{ "direction",		F_STR,	true },
	{ "key_version",	F_STR,	true },
	{ "key_cipher",		F_STR,	true },
	{ "key",		F_HEX,	true },
	{ "iv",			F_HEX,	true },
	{ "salt",		F_HEX,	true },
	{ "rec_seq",		F_HEX,	true },
	{ "installed_ns",	F_UINT,	true },
	{ "installed",		F_STR,	false },
	{ "epoch",		F_UINT,	false },
};

static bool is_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool field_ok(const struct field *f, json_t *v, const char *family)
{
	unsigned char buf[16];
	const char *s;
	size_t i, len;
	json_t *e;

	switch (f->type) {
	case F_UINT:
		return json_is_integer(v) && json_integer_value(v) >= 0;
	case F_PORT:
		return json_is_integer(v) && json_integer_value(v) >= 0 &&
		       json_integer_value(v) <= 65535;
	case F_BOOL:
		return json_is_boolean(v);
	case F_STR:
		return json_is_string(v) && json_string_length(v) > 0 &&
		       json_string_length(v) < 64 &&
		       strlen(json_string_value(v)) == json_string_length(v);
	case F_HEX:
		if (!json_is_string(v))
			return false;
		len = json_string_length(v);
		return !(len & 1) && is_hex(json_string_value(v), len);
	case F_CODE:
		if (!json_is_string(v))
			return false;
		s = json_string_value(v);
		len = json_string_length(v);
		return len > 2 && len <= 18 && !strncmp(s, "0x", 2) && is_hex(s + 2, len - 2);
	case F_ADDR:
		if (!json_is_string(v) || !family)
			return false;
		s = json_string_value(v);
		if (strlen(s) != json_string_length(v))
			return false;
		return inet_pton(!strcmp(family, "inet") ? AF_INET : AF_INET6, s, buf) == 1;
	case F_DIRS:
		if (!json_is_array(v) || json_array_size(v) > 2)
			return false;
		json_array_foreach(v, i, e)
			if (!json_is_string(e) || (strcmp(json_string_value(e), "tx") &&
						   strcmp(json_string_value(e), "rx")))
				return false;
		return true;
	}
	return false;
}

/* The hex lengths of key, iv, salt and rec_seq must be the cipher's. */
static const char *sizes_ok(json_t *rec)
{
	const char *name = json_string_value(json_object_get(rec, "key_cipher"));
	const struct ktls_cipher *c = ktls_cipher_by_name(name);

	if (!c)
		return "an unknown key_cipher";
	if (json_string_length(json_object_get(rec, "key")) != 2 * c->key)
		return "a key of the wrong length for its cipher";
	if (json_string_length(json_object_get(rec, "iv")) != 2 * c->iv)
		return "an iv of the wrong length for its cipher";
	if (json_string_length(json_object_get(rec, "salt")) != 2 * c->salt)
		return "a salt of the wrong length for its cipher";
	if (json_string_length(json_object_get(rec, "rec_seq")) != 2 * c->rec_seq)
		return "a rec_seq that is not 8 bytes";
	return NULL;
}

/**
 * mon_record_parse() - parse and check one key record line
 * @line: the line, without its newline
 * @len: its length
 * @why: where to say why a line is refused
 * @n: room in @why
 *
 * A record is one JSON object with the fields key_print() writes, each of
 * its type, no field twice, no other field, the direction "tx" or "rx",
 * the family "inet" or "inet6", and hex strings of the lengths the cipher
 * has. An "exporter" field is refused like any unknown one: the collector
 * alone says where a record came from.
 *
 * Return: the record (json_decref() it), or NULL with @why set.
 */
json_t *mon_record_parse(const char *line, size_t len, char *why, size_t n)
{
	const char *key, *family, *dir, *bad;
	json_error_t err;
	json_t *rec, *v;
	size_t i;

	if (len > MON_RECORD_MAX) {
		snprintf(why, n, "a line longer than %d bytes", MON_RECORD_MAX);
		return NULL;
	}
	rec = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	if (!rec) {
		snprintf(why, n, "not one JSON object: %s", err.text);
		return NULL;
	}
	if (!json_is_object(rec)) {
		snprintf(why, n, "not a JSON object");
		goto bad;
	}
	json_object_foreach(rec, key, v) {
		for (i = 0; i < ARRAY_SIZE(fields); i++)
			if (!strcmp(fields[i].name, key))
				break;
		if (i == ARRAY_SIZE(fields)) {
			snprintf(why, n, "an unknown field \"%.32s\"", key);
			goto bad;
		}
	}
	family = json_string_value(json_object_get(rec, "family"));
	if (family && strcmp(family, "inet") && strcmp(family, "inet6")) {
		snprintf(why, n, "a family that is neither inet nor inet6");
		goto bad;
	}
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		v = json_object_get(rec, fields[i].name);
		if (!v) {
			if (!fields[i].required)
				continue;
			snprintf(why, n, "no field \"%s\"", fields[i].name);
			goto bad;
		}
		if (!field_ok(&fields[i], v, family)) {
			snprintf(why, n, "a field \"%s\" of the wrong type or form", fields[i].name);
			goto bad;
		}
	}
	dir = json_string_value(json_object_get(rec, "direction"));
	if (strcmp(dir, "tx") && strcmp(dir, "rx")) {
		snprintf(why, n, "a direction that is neither tx nor rx");
		goto bad;
	}
	bad = sizes_ok(rec);
	if (bad) {
		snprintf(why, n, "%s", bad);
		goto bad;
	}
	return rec;
bad:
	json_decref(rec);
	return NULL;
}

/*
 * jansson frees its strings, key text among them, without wiping them:
 * wipe every block it frees, whole.
 */
static void *wipe_malloc(size_t size)
{
	return malloc(size);
}

static void wipe_free(void *p)
{
	if (!p)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

/**
 * mon_json_wipe_alloc() - have jansson wipe what it frees
 *
 * Call before the first jansson call of the process.
 */
void mon_json_wipe_alloc(void)
{
	json_set_alloc_funcs(wipe_malloc, wipe_free);
}
