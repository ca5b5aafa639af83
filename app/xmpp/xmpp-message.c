/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xmpp-message"

#include "xmpp-message.h"

static const char * const type_names[] = {
  "normal", "chat", "groupchat", "headline", "error",
};

XmppMessageType
xmpp_message_type_from_string (const char *type)
{
  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (type_names); i++)
    if (g_str_equal (type, type_names[i]))
      return (XmppMessageType) i;

  return XMPP_MESSAGE_NORMAL;
}

const char *
xmpp_message_type_to_string (XmppMessageType type)
{
  if ((guint) type >= G_N_ELEMENTS (type_names))
    return "normal";

  return type_names[type];
}

const char *
xmpp_message_get_body (const XmppNode *message)
{
  const char *first = NULL;

  g_return_val_if_fail (message != NULL, NULL);

  for (guint i = 0; i < xmpp_node_get_n_children (message); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (message, i);

      if (!xmpp_node_is (child, "body", XMPP_NS_CLIENT))
        continue;
      if (xmpp_node_get_attr (child, "xml:lang") == NULL)
        return xmpp_node_get_text (child);
      if (first == NULL)
        first = xmpp_node_get_text (child);
    }

  return first;
}

XmppNode *
xmpp_message_new_chat (const XmppJid *to,
                       const char    *id,
                       const char    *body)
{
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);

  return xmpp_node_build ("message", XMPP_NS_CLIENT,
                          XMPP_BUILD_ATTR, "type", "chat",
                          XMPP_BUILD_ATTR, "to", xmpp_jid_to_string (to),
                          XMPP_BUILD_ATTR, "id", id,
                          XMPP_BUILD_CHILD, "body", NULL,
                          XMPP_BUILD_TEXT, body,
                          XMPP_BUILD_END);
}
