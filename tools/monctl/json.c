// SPDX-License-Identifier: GPL-2.0
/*
 * A small streaming JSON writer for monctl's -j output: compact by
 * default, indented with -p.
 */
#include <inttypes.h>

#include "json.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->count[0] = 0;
}

static void indent(struct json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Runs that need no escaping go out whole: a key dump prints megabytes. */
static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	while (*s) {
		size_t n = 0;
		unsigned char c;

		while ((c = s[n]) && c >= 0x20 && c != '"' && c != '\\')
			n++;
		fwrite(s, 1, n, f);
		s += n;
		c = *s;
		if (!c)
			break;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else
			fprintf(f, "\\u%04x", c);
		s++;
	}
	fputc('"', f);
}

/* Separator, indentation and key of the next value. */
static void next(struct json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->count[j->depth]++)
			fputc(',', j->f);
		indent(j);
	}
	if (key) {
		put_string(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void open_(struct json *j, const char *key, char c)
{
	next(j, key);
	fputc(c, j->f);
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
	fputc(c, j->f);
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

void json_str(struct json *j, const char *key, const char *val)
{
	next(j, key);
	put_string(j->f, val);
}

void json_hex(struct json *j, const char *key, uint64_t val)
{
	next(j, key);
	fprintf(j->f, "\"0x%" PRIx64 "\"", val);
}

void json_uint(struct json *j, const char *key, uint64_t val)
{
	next(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	next(j, key);
	fputs(val ? "true" : "false", j->f);
}

/* Ends one top-level value: one per line, as JSON lines tools expect. */
void json_end(struct json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}
