// SPDX-License-Identifier: GPL-2.0
/*
 * A small streaming JSON writer for monctl's -j output: compact by
 * default, indented with -p. Text collects in the writer's own buffer
 * (struct json) and reaches the stream a block at a time.
 */
#include <string.h>

#include "json.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->count[0] = 0;
	j->used = 0;
}

/* Hand the buffer to the stream, and wipe it: it may hold keys. */
void json_flush(struct json *j)
{
	if (!j->used)
		return;
	fwrite(j->buf, 1, j->used, j->f);
	explicit_bzero(j->buf, j->used);
	j->used = 0;
}

static void put_mem(struct json *j, const char *s, size_t n)
{
	while (n) {
		size_t room = sizeof(j->buf) - j->used;
		size_t k = n < room ? n : room;

		memcpy(j->buf + j->used, s, k);
		j->used += k;
		s += k;
		n -= k;
		if (j->used == sizeof(j->buf))
			json_flush(j);
	}
}

static void put_char(struct json *j, char c)
{
	j->buf[j->used++] = c;
	if (j->used == sizeof(j->buf))
		json_flush(j);
}

static void put_cstr(struct json *j, const char *s)
{
	put_mem(j, s, strlen(s));
}

static void indent(struct json *j)
{
	int i;

	if (!j->pretty)
		return;
	put_char(j, '\n');
	for (i = 0; i < j->depth; i++)
		put_mem(j, "  ", 2);
}

static const char digits[] = "0123456789abcdef";

/* The bytes a JSON string cannot hold as they are: controls, quote, backslash. */
static const unsigned char needs_escape[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

/*
 * Copied a byte at a time as it is checked: most strings are short, and
 * none needs escaping but in rare cases.
 */
static void put_string(struct json *j, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c;

	put_char(j, '"');
	for (;;) {
		char *out = j->buf + j->used, *end = j->buf + sizeof(j->buf);

		while (out < end && !needs_escape[*s])
			*out++ = *s++;
		j->used = out - j->buf;
		if (out == end) {
			json_flush(j);
			continue;
		}
		c = *s++;
		if (!c)
			break;
		put_char(j, '\\');
		if (c == '"' || c == '\\') {
			put_char(j, c);
		} else {
			put_mem(j, "u00", 3);
			put_char(j, digits[c >> 4]);
			put_char(j, digits[c & 15]);
		}
	}
	put_char(j, '"');
}

/* Numbers without printf: a dump prints millions of them. */
static void put_dec(struct json *j, uint64_t val)
{
	char tmp[20];
	int i = sizeof(tmp);

	do {
		tmp[--i] = '0' + val % 10;
		val /= 10;
	} while (val);
	put_mem(j, tmp + i, sizeof(tmp) - i);
}

static void put_hex(struct json *j, uint64_t val)
{
	char tmp[16];
	int i = sizeof(tmp);

	do {
		tmp[--i] = digits[val & 15];
		val >>= 4;
	} while (val);
	put_mem(j, tmp + i, sizeof(tmp) - i);
}

/* Separator, indentation and key of the next value. */
static void next(struct json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->count[j->depth]++)
			put_char(j, ',');
		indent(j);
	}
	if (key) {
		put_string(j, key);
		if (j->pretty)
			put_mem(j, ": ", 2);
		else
			put_char(j, ':');
	}
}

static void open_(struct json *j, const char *key, char c)
{
	next(j, key);
	put_char(j, c);
	if (j->depth < (int)(sizeof(j->count) / sizeof(j->count[0])) - 1)
		j->depth++;
	j->count[j->depth] = 0;
}

static void close_(struct json *j, char c)
{
	bool empty = j->count[j->depth] == 0;

	j->depth--;
	if (!empty)
		indent(j);
	put_char(j, c);
	/* a whole value is out, as it was when every call wrote through */
	if (!j->depth)
		json_flush(j);
}

void json_obj_open(struct json *j, const char *key)
{
	open_(j, key, '{');
}

void json_obj_close(struct json *j)
{
	close_(j, '}');
}

void json_arr_open(struct json *j, const char *key)
{
	open_(j, key, '[');
}

void json_arr_close(struct json *j)
{
	close_(j, ']');
}

/* Text outside any JSON value (monctl's text output), through the buffer. */
void json_text(struct json *j, const char *s, size_t n)
{
	put_mem(j, s, n);
}

void json_str(struct json *j, const char *key, const char *val)
{
	next(j, key);
	put_string(j, val);
}

void json_hex(struct json *j, const char *key, uint64_t val)
{
	next(j, key);
	put_mem(j, "\"0x", 3);
	put_hex(j, val);
	put_char(j, '"');
}

void json_uint(struct json *j, const char *key, uint64_t val)
{
	next(j, key);
	put_dec(j, val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	next(j, key);
	put_cstr(j, val ? "true" : "false");
}

/* Ends one top-level value: one per line, as JSON lines tools expect. */
void json_end(struct json *j)
{
	put_char(j, '\n');
	json_flush(j);
	fflush(j->f);
}
