/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_KTLS_H
#define _TLSMON_KTLS_H

int tlsmon_ktls_register(void);
void tlsmon_ktls_unregister(void);
unsigned long tlsmon_ktls_missed(void);

#endif /* _TLSMON_KTLS_H */
