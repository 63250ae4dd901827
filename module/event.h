/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TLSMON_EVENT_H
#define _TLSMON_EVENT_H

#include "session.h"

void tlsmon_event_session(struct net *net, u8 cmd,
			  const struct tlsmon_session_info *info);
void tlsmon_event_keys(struct net *net, const struct tlsmon_session_info *info,
		       u8 dir, const struct tlsmon_dir_keys *keys);
void tlsmon_events_drop_keys(struct net *net);
void tlsmon_events_flush(void);

#endif /* _TLSMON_EVENT_H */
