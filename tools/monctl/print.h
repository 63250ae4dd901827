/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MONCTL_PRINT_H
#define MONCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

/*
 * One printing path per record, in iproute2's json_print style: each
 * field is printed once, with its JSON key and its text format, and
 * goes where the output type says.
 */
enum output_type {
	PRINT_FP = 1,		/* text only */
	PRINT_JSON = 2,		/* JSON only */
	PRINT_ANY = 4,		/* both: JSON under the key, text by the format */
};

/**
 * struct mon_print - where records are printed, as text or as JSON
 * @j: the JSON writer; text goes through its buffer too, so that key
 *	material is wiped from it once written, in either form
 * @json: print JSON (-j), else text
 * @text_muted: fields print in JSON only, as when a record (a session)
 *	is part of another one (a key) that names it its own way in text
 * @started: a top-level JSON value was begun since the last print_end()
 */
struct mon_print {
	struct json j;
	bool json;
	bool text_muted;
	bool started;
};

void print_init(struct mon_print *p, FILE *f, bool json, bool pretty);
void print_end(struct mon_print *p);
void print_mute_text(struct mon_print *p, bool mute);

static inline bool is_json_context(const struct mon_print *p)
{
	return p->json;
}

void open_json_object(struct mon_print *p, const char *key);
void close_json_object(struct mon_print *p);
void open_json_array(struct mon_print *p, const char *key);
void close_json_array(struct mon_print *p);

void print_string(struct mon_print *p, enum output_type t, const char *key,
		  const char *fmt, const char *value);
void print_uint(struct mon_print *p, enum output_type t, const char *key,
		const char *fmt, unsigned int value);
void print_u64(struct mon_print *p, enum output_type t, const char *key,
	       const char *fmt, uint64_t value);
void print_hex(struct mon_print *p, enum output_type t, const char *key,
	       const char *fmt, unsigned int value);
void print_bool(struct mon_print *p, enum output_type t, const char *key,
		const char *fmt, bool value);
void print_on_off(struct mon_print *p, enum output_type t, const char *key,
		  const char *fmt, bool value);
void print_nl(struct mon_print *p);

#endif /* MONCTL_PRINT_H */
