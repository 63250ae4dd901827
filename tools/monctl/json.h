/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MONCTL_JSON_H
#define MONCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/**
 * struct json - a streaming JSON writer
 * @f: where the text goes
 * @pretty: indent nested values
 * @depth: current nesting depth
 * @count: values written so far at each depth
 * @used: bytes waiting in @buf
 * @buf: text not yet handed to @f, which it gets a block at a time and
 *	 whenever a top-level value is complete. A key dump prints hundreds
 *	 of thousands of values: through stdio a call at a time, that was
 *	 the bulk of the dump's time. The buffer is wiped once written, as
 *	 it holds key material.
 */
struct json {
	FILE *f;
	bool pretty;
	int depth;
	unsigned int count[16];
	size_t used;
	char buf[4096];
};

void json_init(struct json *j, FILE *f, bool pretty);
void json_obj_open(struct json *j, const char *key);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j, const char *key);
void json_arr_close(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_hex(struct json *j, const char *key, uint64_t val);
void json_uint(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
void json_end(struct json *j);
void json_text(struct json *j, const char *s, size_t n);
void json_flush(struct json *j);

#endif /* MONCTL_JSON_H */
