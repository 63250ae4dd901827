// SPDX-License-Identifier: GPL-2.0
/*
 * monctl's one printing path: print_*(p, PRINT_ANY, key, fmt, value) as
 * iproute2's lib/json_print.c has it, on top of monctl's own JSON writer
 * (json.c). A field is a JSON member under @key in JSON, @fmt applied to
 * its value in text.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* explicit_bzero */
#endif
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"

/* The formats are the callers', as in iproute2's json_print.c. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void print_init(struct mon_print *p, FILE *f, bool json, bool pretty)
{
	json_init(&p->j, f, pretty);
	p->json = json;
	p->text_muted = false;
	p->started = false;
}

/**
 * print_end() - end what was printed and hand it to the stream
 * @p: the printer
 *
 * In JSON, a top-level value that was begun is ended with its newline
 * (one value per line); nothing is written when none was begun, as
 * when a command was refused before its first record.
 */
void print_end(struct mon_print *p)
{
	if (p->json && p->started)
		json_end(&p->j);
	else
		json_flush(&p->j);
	p->started = false;
}

/* Fields print in JSON only while @mute: see struct mon_print. */
void print_mute_text(struct mon_print *p, bool mute)
{
	p->text_muted = mute;
}

static bool to_json(struct mon_print *p, enum output_type t)
{
	if (!p->json || !(t & (PRINT_JSON | PRINT_ANY)))
		return false;
	p->started = true;
	return true;
}

static bool to_text(const struct mon_print *p, enum output_type t, const char *fmt)
{
	return !p->json && !p->text_muted && (t & (PRINT_FP | PRINT_ANY)) && fmt;
}

/* Text, formatted: the copy on the stack may hold key material. */
__attribute__((format(printf, 2, 3)))
static void text(struct mon_print *p, const char *fmt, ...)
{
	char buf[256], *s = buf;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		s = malloc(n + 1);
		if (!s)
			return;
		va_start(ap, fmt);
		vsnprintf(s, n + 1, fmt, ap);
		va_end(ap);
	}
	json_text(&p->j, s, n);
	explicit_bzero(s, n);
	if (s != buf)
		free(s);
}

/* Objects and arrays are JSON's: text has no brackets of its own. */
void open_json_object(struct mon_print *p, const char *key)
{
	if (to_json(p, PRINT_JSON))
		json_obj_open(&p->j, key);
}

void close_json_object(struct mon_print *p)
{
	if (p->json)
		json_obj_close(&p->j);
}

void open_json_array(struct mon_print *p, const char *key)
{
	if (to_json(p, PRINT_JSON))
		json_arr_open(&p->j, key);
}

void close_json_array(struct mon_print *p)
{
	if (p->json)
		json_arr_close(&p->j);
}

void print_string(struct mon_print *p, enum output_type t, const char *key,
		  const char *fmt, const char *value)
{
	if (to_json(p, t))
		json_str(&p->j, key, value);
	else if (to_text(p, t, fmt))
		text(p, fmt, value);
}

void print_uint(struct mon_print *p, enum output_type t, const char *key,
		const char *fmt, unsigned int value)
{
	if (to_json(p, t))
		json_uint(&p->j, key, value);
	else if (to_text(p, t, fmt))
		text(p, fmt, value);
}

/* @fmt takes an unsigned long long ("%llu"). */
void print_u64(struct mon_print *p, enum output_type t, const char *key,
	       const char *fmt, uint64_t value)
{
	if (to_json(p, t))
		json_uint(&p->j, key, value);
	else if (to_text(p, t, fmt))
		text(p, fmt, (unsigned long long)value);
}

/* In JSON a string "0x..." (JSON numbers are decimal). */
void print_hex(struct mon_print *p, enum output_type t, const char *key,
	       const char *fmt, unsigned int value)
{
	if (to_json(p, t))
		json_hex(&p->j, key, value);
	else if (to_text(p, t, fmt))
		text(p, fmt, value);
}

/* In text, @fmt takes "true" or "false". */
void print_bool(struct mon_print *p, enum output_type t, const char *key,
		const char *fmt, bool value)
{
	if (to_json(p, t))
		json_bool(&p->j, key, value);
	else if (to_text(p, t, fmt))
		text(p, fmt, value ? "true" : "false");
}

/* In text, @fmt takes "on" or "off". */
void print_on_off(struct mon_print *p, enum output_type t, const char *key,
		  const char *fmt, bool value)
{
	if (to_json(p, t))
		json_bool(&p->j, key, value);
	else if (to_text(p, t, fmt))
		text(p, fmt, value ? "on" : "off");
}

/* The end of a text line, handed to the stream as printf() would have. */
void print_nl(struct mon_print *p)
{
	if (p->json || p->text_muted)
		return;
	json_text(&p->j, "\n", 1);
	json_flush(&p->j);
}
