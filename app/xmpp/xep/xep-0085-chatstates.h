/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0085: Chat State Notifications, version 2.1.
 *
 * One of five elements in `http://jabber.org/protocol/chatstates` tells
 * the other side of a one-to-one chat whether the user is looking at the
 * conversation, typing, or has paused (§2).  They ride on content
 * messages or travel alone in a "standalone notification" without body
 * (§5.5).  This module builds and reads them; when to send one (only on
 * a change, only to contacts who may see our presence, never while
 * offline) is the service's decision, because a stanza alone cannot tell.
 */
#pragma once

#include "xmpp-jid.h"
#include "xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_NS_CHATSTATES "http://jabber.org/protocol/chatstates"

/**
 * XmppChatState:
 * @XMPP_CHAT_STATE_NONE: no chat state in the message
 * @XMPP_CHAT_STATE_ACTIVE: the user takes part in the chat
 * @XMPP_CHAT_STATE_COMPOSING: the user is typing
 * @XMPP_CHAT_STATE_PAUSED: the user was typing and stopped
 * @XMPP_CHAT_STATE_INACTIVE: the user has not looked at the chat for a while
 * @XMPP_CHAT_STATE_GONE: the user has left the chat
 *
 * §2, Table 1.
 */
typedef enum {
  XMPP_CHAT_STATE_NONE,
  XMPP_CHAT_STATE_ACTIVE,
  XMPP_CHAT_STATE_COMPOSING,
  XMPP_CHAT_STATE_PAUSED,
  XMPP_CHAT_STATE_INACTIVE,
  XMPP_CHAT_STATE_GONE,
} XmppChatState;

/**
 * xmpp_chat_state_from_string:
 * @name: (nullable): "active", "composing", "paused", "inactive" or "gone"
 *
 * Returns: the state named by @name, %XMPP_CHAT_STATE_NONE for anything else
 */
XmppChatState xmpp_chat_state_from_string (const char *name);

/**
 * xmpp_chat_state_to_string:
 *
 * Returns: (nullable): the element name of @state, %NULL for
 *   %XMPP_CHAT_STATE_NONE
 */
const char *xmpp_chat_state_to_string (XmppChatState state);

/**
 * xmpp_chat_state_get:
 * @message: a received <message/>
 *
 * Reads the first chat state element that is a direct child of @message.
 * Messages of type `error` carry none (they echo what we sent).
 *
 * Returns: the chat state, %XMPP_CHAT_STATE_NONE when there is none
 */
XmppChatState xmpp_chat_state_get (const XmppNode *message);

/**
 * xmpp_chat_state_set:
 * @message: an outgoing <message/>
 * @state: the state to carry; %XMPP_CHAT_STATE_NONE removes it
 *
 * Puts exactly one chat state into @message (§5.1: a message contains no
 * more than one), replacing one already there.
 */
void xmpp_chat_state_set (XmppNode      *message,
                          XmppChatState  state);

/**
 * xmpp_chat_state_new_notification:
 * @to: the peer
 * @state: any state but %XMPP_CHAT_STATE_NONE
 *
 * Builds a standalone notification (§5.5): a `chat` message without body
 * that carries @state and the XEP-0334 <no-store/> hint, so neither the
 * archive nor offline storage keeps it (XEP-0160 §3 asks the same).
 *
 * Returns: (transfer full): the message
 */
XmppNode *xmpp_chat_state_new_notification (const XmppJid *to,
                                            XmppChatState  state) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
