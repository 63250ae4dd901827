/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types and errno values for the pure-logic files (policy rules, the
 * handshake parser and the monitoring decision): they build unchanged in
 * the kernel and in userspace, where the host unit tests and fuzzers link
 * them.
 */
#ifndef _TLSMON_PURE_H
#define _TLSMON_PURE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#endif

#endif /* _TLSMON_PURE_H */
