/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Instant messages (RFC 6121 §5): reading the parts Petrel uses out of a
 * <message/> stanza and building chat messages.
 */
#pragma once

#include "xmpp-jid.h"
#include "xmpp-node.h"

G_BEGIN_DECLS

/**
 * XmppMessageType:
 * RFC 6121 §5.2.2; an absent or unknown type is "normal".
 */
typedef enum {
  XMPP_MESSAGE_NORMAL,
  XMPP_MESSAGE_CHAT,
  XMPP_MESSAGE_GROUPCHAT,
  XMPP_MESSAGE_HEADLINE,
  XMPP_MESSAGE_ERROR,
} XmppMessageType;

/** xmpp_message_type_from_string: Returns: the type named by @type */
XmppMessageType xmpp_message_type_from_string (const char *type);
/** xmpp_message_type_to_string: Returns: the RFC 6121 name of @type */
const char *xmpp_message_type_to_string (XmppMessageType type);

/**
 * xmpp_message_get_body:
 *
 * RFC 6121 §5.2.3: several <body/> elements may differ by xml:lang; the one
 * without a language (or the first) is taken.
 *
 * Returns: (nullable): the body text, %NULL when there is none
 */
const char *xmpp_message_get_body (const XmppNode *message);

/**
 * xmpp_message_new_chat:
 * @to: the recipient
 * @id: the stanza id (also the XEP-0359 origin-id once that is added)
 * @body: the text
 *
 * Returns: (transfer full): `<message type='chat' to=… id=…><body>…</body></message>`
 */
XmppNode *xmpp_message_new_chat (const XmppJid *to,
                                 const char    *id,
                                 const char    *body) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
