/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0059: Result Set Management, version 1.1.
 */
#define G_LOG_DOMAIN "xep-0059-rsm"

#include "xep-0059-rsm.h"

#include <gio/gio.h>
#include <string.h>

XmppNode *
xmpp_rsm_build_request (int         max,
                        const char *after,
                        const char *before)
{
  XmppNode *set;

  g_return_val_if_fail (after == NULL || before == NULL, NULL);
  g_return_val_if_fail (after == NULL || after[0] != '\0', NULL);

  set = xmpp_node_new ("set", XMPP_NS_RSM);
  if (max >= 0)
    {
      char text[16];

      g_snprintf (text, sizeof text, "%d", max);
      xmpp_node_set_text (xmpp_node_add_child (set, "max", NULL), text);
    }
  if (after != NULL)
    xmpp_node_set_text (xmpp_node_add_child (set, "after", NULL), after);
  if (before != NULL)
    xmpp_node_set_text (xmpp_node_add_child (set, "before", NULL), before);

  return set;
}

/* A UID element: present, non-empty and bounded.  An empty UID names no
 * item and could not be sent back in <after/>. */
static gboolean
read_uid (const XmppNode  *set,
          const char      *name,
          char           **uid,
          GError         **error)
{
  const char *text = xmpp_node_get_child_text (set, name, XMPP_NS_RSM);

  if (text == NULL)
    return TRUE;

  if (text[0] == '\0' || strnlen (text, XMPP_RSM_MAX_ID_LEN + 1) > XMPP_RSM_MAX_ID_LEN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Result set <%s/> is empty or too long", name);
      return FALSE;
    }

  *uid = g_strdup (text);
  return TRUE;
}

/* A non-negative xs:int, or -1 when absent or unreadable. */
static gint64
read_number (const char *text)
{
  g_autofree char *copy = NULL;
  guint64 value;

  if (text == NULL)
    return -1;

  copy = g_strstrip (g_strdup (text));
  if (!g_ascii_string_to_unsigned (copy, 10, 0, G_MAXINT32, &value, NULL))
    return -1;

  return (gint64) value;
}

gboolean
xmpp_rsm_parse_result (const XmppNode  *set,
                       XmppRsmResult   *result,
                       GError         **error)
{
  XmppNode *first;

  g_return_val_if_fail (set != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (result, 0, sizeof *result);
  result->first_index = -1;
  result->count = -1;

  if (!xmpp_node_is (set, "set", XMPP_NS_RSM))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "Not a result set");
      return FALSE;
    }

  if (!read_uid (set, "first", &result->first, error) ||
      !read_uid (set, "last", &result->last, error))
    {
      xmpp_rsm_result_clear (result);
      return FALSE;
    }

  /* §2.2: a page has both ends or, when empty, neither. */
  if ((result->first == NULL) != (result->last == NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "Result set with only one end");
      xmpp_rsm_result_clear (result);
      return FALSE;
    }

  first = xmpp_node_get_child (set, "first", XMPP_NS_RSM);
  if (first != NULL)
    result->first_index = read_number (xmpp_node_get_attr (first, "index"));
  result->count = read_number (xmpp_node_get_child_text (set, "count", XMPP_NS_RSM));

  return TRUE;
}

void
xmpp_rsm_result_clear (XmppRsmResult *result)
{
  g_return_if_fail (result != NULL);

  g_clear_pointer (&result->first, g_free);
  g_clear_pointer (&result->last, g_free);
  result->first_index = -1;
  result->count = -1;
}
