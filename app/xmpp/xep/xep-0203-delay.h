/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0203: Delayed Delivery (version 2.0), with XEP-0082 date-times.
 */
#pragma once

#include "xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_NS_DELAY "urn:xmpp:delay"

/**
 * xmpp_datetime_parse:
 * @text: an XEP-0082 DateTime ("2026-11-24T10:00:00Z", fractions and
 *   offsets allowed)
 *
 * Dates are data from strangers (CVE-2013-6477): anything unparsable,
 * before 1970 or more than a day in the future yields %NULL instead of a
 * surprising value.
 *
 * Returns: (transfer full) (nullable): the time in UTC
 */
GDateTime *xmpp_datetime_parse (const char *text) G_GNUC_WARN_UNUSED_RESULT;

/**
 * xmpp_delay_get_stamp:
 * @stanza: a message or presence
 *
 * Returns: (transfer full) (nullable): the <delay/> stamp, %NULL when
 *   absent or invalid
 */
GDateTime *xmpp_delay_get_stamp (const XmppNode *stanza) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
