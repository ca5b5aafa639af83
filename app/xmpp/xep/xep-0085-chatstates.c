/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0085: Chat State Notifications, version 2.1.
 */
#define G_LOG_DOMAIN "xep-0085-chatstates"

#include "xep-0085-chatstates.h"

#define NS_HINTS "urn:xmpp:hints"

/* Indexed by XmppChatState. */
static const char * const state_names[] = {
  NULL, "active", "composing", "paused", "inactive", "gone",
};

XmppChatState
xmpp_chat_state_from_string (const char *name)
{
  for (guint i = 1; name != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (name, state_names[i]))
      return (XmppChatState) i;

  return XMPP_CHAT_STATE_NONE;
}

const char *
xmpp_chat_state_to_string (XmppChatState state)
{
  if ((guint) state >= G_N_ELEMENTS (state_names))
    return NULL;

  return state_names[state];
}

XmppChatState
xmpp_chat_state_get (const XmppNode *message)
{
  g_return_val_if_fail (message != NULL, XMPP_CHAT_STATE_NONE);

  if (g_strcmp0 (xmpp_node_get_attr (message, "type"), "error") == 0)
    return XMPP_CHAT_STATE_NONE;

  for (guint i = 0; i < xmpp_node_get_n_children (message); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (message, i);

      if (g_strcmp0 (xmpp_node_get_ns (child), XMPP_NS_CHATSTATES) == 0)
        return xmpp_chat_state_from_string (xmpp_node_get_name (child));
    }

  return XMPP_CHAT_STATE_NONE;
}

void
xmpp_chat_state_set (XmppNode      *message,
                     XmppChatState  state)
{
  const char *name = xmpp_chat_state_to_string (state);

  g_return_if_fail (message != NULL);

  for (guint i = xmpp_node_get_n_children (message); i > 0; i--)
    if (g_strcmp0 (xmpp_node_get_ns (xmpp_node_get_child_at (message, i - 1)), XMPP_NS_CHATSTATES) == 0)
      xmpp_node_remove_child_at (message, i - 1);

  if (name != NULL)
    xmpp_node_add_child (message, name, XMPP_NS_CHATSTATES);
}

XmppNode *
xmpp_chat_state_new_notification (const XmppJid *to,
                                  XmppChatState  state)
{
  XmppNode *message;

  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (state != XMPP_CHAT_STATE_NONE && xmpp_chat_state_to_string (state) != NULL, NULL);

  message = xmpp_node_build ("message", XMPP_NS_CLIENT,
                             XMPP_BUILD_ATTR, "type", "chat",
                             XMPP_BUILD_ATTR, "to", xmpp_jid_to_string (to),
                             XMPP_BUILD_END);
  xmpp_chat_state_set (message, state);
  xmpp_node_add_child (message, "no-store", NS_HINTS);

  return message;
}
