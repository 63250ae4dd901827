/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MONCTL_SUITES_H
#define MONCTL_SUITES_H

#include <stdint.h>
#include <stdio.h>

const char *suite_name(uint16_t code);
int suite_parse(const char *word, uint16_t *code);
void suite_list(FILE *f);

#endif /* MONCTL_SUITES_H */
