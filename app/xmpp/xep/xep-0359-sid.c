/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0359: Unique and Stable Stanza IDs, version 0.7.0.
 */
#define G_LOG_DOMAIN "xep-0359-sid"

#include "xep-0359-sid.h"

#include <string.h>

static gboolean
id_is_usable (const char *id)
{
  return id != NULL && id[0] != '\0' &&
         strnlen (id, XMPP_SID_MAX_ID_LEN + 1) <= XMPP_SID_MAX_ID_LEN;
}

void
xmpp_sid_add_origin_id (XmppNode   *message,
                        const char *id)
{
  XmppNode *origin;

  g_return_if_fail (message != NULL);
  g_return_if_fail (id != NULL && id[0] != '\0');

  for (guint i = xmpp_node_get_n_children (message); i > 0; i--)
    if (xmpp_node_is (xmpp_node_get_child_at (message, i - 1), "origin-id", XMPP_NS_SID))
      xmpp_node_remove_child_at (message, i - 1);

  origin = xmpp_node_add_child (message, "origin-id", XMPP_NS_SID);
  xmpp_node_set_attr (origin, "id", id);
}

const char *
xmpp_sid_get_origin_id (const XmppNode *message)
{
  const char *found = NULL;

  g_return_val_if_fail (message != NULL, NULL);

  for (guint i = 0; i < xmpp_node_get_n_children (message); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (message, i);
      const char *id;

      if (!xmpp_node_is (child, "origin-id", XMPP_NS_SID))
        continue;

      id = xmpp_node_get_attr (child, "id");
      if (!id_is_usable (id))
        return NULL;
      if (found != NULL && !g_str_equal (found, id))
        {
          g_debug ("message with conflicting origin-ids");
          return NULL;
        }
      found = id;
    }

  return found;
}

const char *
xmpp_sid_get_stanza_id (const XmppNode *message,
                        const XmppJid  *by)
{
  const char *found = NULL;

  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (by != NULL, NULL);

  for (guint i = 0; i < xmpp_node_get_n_children (message); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (message, i);
      g_autoptr (XmppJid) child_by = NULL;
      const char *by_attr;
      const char *id;

      if (!xmpp_node_is (child, "stanza-id", XMPP_NS_SID))
        continue;

      /* Cheap test first: most messages carry the by of the own archive
       * in exactly the normalised form, and parsing runs PRECIS. */
      by_attr = xmpp_node_get_attr (child, "by");
      if (by_attr == NULL)
        continue;
      if (!g_str_equal (by_attr, xmpp_jid_to_string (by)))
        {
          child_by = xmpp_jid_parse (by_attr, NULL);
          if (child_by == NULL || !xmpp_jid_equal (child_by, by))
            continue;
        }

      id = xmpp_node_get_attr (child, "id");
      if (!id_is_usable (id))
        return NULL;
      if (found != NULL && !g_str_equal (found, id))
        {
          g_debug ("message with conflicting stanza-ids by %s", xmpp_jid_to_string (by));
          return NULL;
        }
      found = id;
    }

  return found;
}
