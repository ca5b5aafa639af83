/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppWriter: serialises XmppNode trees for the wire.
 *
 * Text is escaped (& < >, and " ' in attributes as well); characters that
 * XML 1.0 does not allow (most C0 controls, U+FFFE, U+FFFF, invalid UTF-8)
 * are replaced by U+FFFD so a user's text can never break the stream.  A
 * namespace is declared only where it differs from the one in scope.
 */
#pragma once

#include "xmpp-node.h"

G_BEGIN_DECLS

/**
 * xmpp_writer_append:
 * @out: where the XML is appended
 * @default_ns: (nullable): the default namespace in scope, e.g.
 *   "jabber:client" for a stanza on a client stream
 */
void xmpp_writer_append (GString        *out,
                         const XmppNode *node,
                         const char     *default_ns);

/**
 * xmpp_writer_stream_open:
 * @to: the server's domain
 * @from: (nullable): the account's bare JID (RFC 6120 §4.7.1, after TLS)
 * @lang: (nullable): xml:lang of the stream
 *
 * Returns: (transfer full): `<?xml version='1.0'?><stream:stream …>`
 */
char *xmpp_writer_stream_open (const char *to,
                               const char *from,
                               const char *lang) G_GNUC_WARN_UNUSED_RESULT;

/** xmpp_writer_stream_close: Returns: the closing tag `</stream:stream>` */
const char *xmpp_writer_stream_close (void);

/**
 * xmpp_writer_escape:
 * @attribute: whether quotes are escaped as well
 *
 * Appends @text escaped to @out.
 */
void xmpp_writer_escape (GString    *out,
                         const char *text,
                         gssize      len,
                         gboolean    attribute);

G_END_DECLS
