/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MONCTL_RECORD_H
#define MONCTL_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* The longest key record line a collector accepts, newline excluded. */
#define MON_RECORD_MAX	4096

json_t *mon_record_parse(const char *line, size_t len, char *why, size_t n);
void mon_json_wipe_alloc(void);

#endif /* MONCTL_RECORD_H */
