/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0333: Chat Markers, version 0.4.
 */
#define G_LOG_DOMAIN "xep-0333-markers"

#include "xep-0333-markers.h"

#include <string.h>

#define ATTACH_KEY "xep-0333-markers"

/* Ids are opaque, but one longer than a JID part is not an id a client
 * or a room chose. */
#define MAX_ID_LEN 1023

typedef struct
{
  guint handler_id;
  XmppMarkerFunc func;
  gpointer data;
  GDestroyNotify destroy;
} Markers;

/* Indexed by XmppMarkerType. */
static const char * const marker_names[] = {
  NULL, "received", "displayed", "acknowledged",
};

static gboolean
id_is_usable (const char *id)
{
  return id != NULL && id[0] != '\0' && strnlen (id, MAX_ID_LEN + 1) <= MAX_ID_LEN;
}

const char *
xmpp_marker_type_to_string (XmppMarkerType type)
{
  if ((guint) type >= G_N_ELEMENTS (marker_names))
    return NULL;

  return marker_names[type];
}

void
xmpp_markers_add_markable (XmppNode *message)
{
  g_return_if_fail (message != NULL);
  g_return_if_fail (xmpp_node_get_attr (message, "id") != NULL);

  if (xmpp_node_get_child (message, "markable", XMPP_NS_CHAT_MARKERS) == NULL)
    xmpp_node_add_child (message, "markable", XMPP_NS_CHAT_MARKERS);
}

gboolean
xmpp_markers_is_markable (const XmppNode *message)
{
  const char *type;

  g_return_val_if_fail (message != NULL, FALSE);

  if (xmpp_node_get_child (message, "markable", XMPP_NS_CHAT_MARKERS) == NULL)
    return FALSE;
  if (!id_is_usable (xmpp_node_get_attr (message, "id")))
    return FALSE;

  type = xmpp_node_get_attr (message, "type");
  if (g_strcmp0 (type, "error") == 0)
    return FALSE;

  return xmpp_markers_get_marker (message, NULL) == XMPP_MARKER_NONE;
}

XmppNode *
xmpp_markers_build (XmppMarkerType   type,
                    const XmppJid   *to,
                    XmppMessageType  message_type,
                    const char      *id,
                    const char      *thread)
{
  g_autofree char *message_id = NULL;
  XmppNode *message;
  XmppNode *marker;

  g_return_val_if_fail (type > XMPP_MARKER_NONE && type <= XMPP_MARKER_ACKNOWLEDGED, NULL);
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (message_type == XMPP_MESSAGE_CHAT ||
                        message_type == XMPP_MESSAGE_GROUPCHAT ||
                        message_type == XMPP_MESSAGE_NORMAL, NULL);
  g_return_val_if_fail (id != NULL && id[0] != '\0', NULL);

  message_id = xmpp_client_new_id ();
  message = xmpp_node_build ("message", XMPP_NS_CLIENT,
                             XMPP_BUILD_ATTR, "to", xmpp_jid_get_bare_string (to),
                             XMPP_BUILD_ATTR, "id", message_id,
                             XMPP_BUILD_END);
  if (message_type != XMPP_MESSAGE_NORMAL)
    xmpp_node_set_attr (message, "type", xmpp_message_type_to_string (message_type));

  /* §6: the thread first, as in the examples, then the marker. */
  if (thread != NULL)
    xmpp_node_set_text (xmpp_node_add_child (message, "thread", XMPP_NS_CLIENT), thread);

  marker = xmpp_node_add_child (message, marker_names[type], XMPP_NS_CHAT_MARKERS);
  xmpp_node_set_attr (marker, "id", id);

  xmpp_node_add_child (message, "store", XMPP_NS_HINTS);

  return message;
}

XmppMarkerType
xmpp_markers_get_marker (const XmppNode  *message,
                         const char     **id)
{
  g_return_val_if_fail (message != NULL, XMPP_MARKER_NONE);

  if (id != NULL)
    *id = NULL;

  if (g_strcmp0 (xmpp_node_get_attr (message, "type"), "error") == 0)
    return XMPP_MARKER_NONE;

  for (guint i = 0; i < xmpp_node_get_n_children (message); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (message, i);

      for (guint type = XMPP_MARKER_RECEIVED; type < G_N_ELEMENTS (marker_names); type++)
        {
          const char *marked;

          if (!xmpp_node_is (child, marker_names[type], XMPP_NS_CHAT_MARKERS))
            continue;

          /* §6: a marker MUST name the message it marks. */
          marked = xmpp_node_get_attr (child, "id");
          if (!id_is_usable (marked))
            return XMPP_MARKER_NONE;

          if (id != NULL)
            *id = marked;
          return (XmppMarkerType) type;
        }
    }

  return XMPP_MARKER_NONE;
}

static gboolean
marker_cb (XmppClient *client,
           XmppNode   *stanza,
           XmppJid    *from,
           gpointer    user_data)
{
  Markers *self = user_data;
  const char *id = NULL;
  XmppMarkerType type = xmpp_markers_get_marker (stanza, &id);

  if (type == XMPP_MARKER_NONE)
    return FALSE;

  /* A message without `from` comes from the own account (RFC 6120
   * §8.1.2.1), which marks nothing of ours. */
  if (from == NULL)
    {
      g_debug ("ignoring a chat marker without sender");
      return FALSE;
    }

  self->func (client, from, type, id, self->data);
  return FALSE;
}

static void
markers_free (gpointer data)
{
  Markers *self = data;

  if (self->destroy != NULL)
    self->destroy (self->data);
  g_free (self);
}

/* Removes the handler; the feature stays unless @withdraw. */
static void
detach (XmppClient *client,
        gboolean    withdraw)
{
  Markers *self = g_object_steal_data (G_OBJECT (client), ATTACH_KEY);

  if (self == NULL)
    return;

  xmpp_client_remove_handler (client, self->handler_id);
  if (withdraw)
    xmpp_client_remove_feature (client, XMPP_NS_CHAT_MARKERS);
  markers_free (self);
}

void
xmpp_markers_attach (XmppClient     *client,
                     XmppMarkerFunc  func,
                     gpointer        user_data,
                     GDestroyNotify  destroy)
{
  Markers *self;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (func != NULL);

  detach (client, FALSE);

  self = g_new0 (Markers, 1);
  self->func = func;
  self->data = user_data;
  self->destroy = destroy;

  /* One handler for all three markers (the router matches one child
   * name), so a message carrying two markers is reported once. */
  self->handler_id = xmpp_client_add_handler (client, XMPP_STANZA_MESSAGE,
                                              NULL, NULL,
                                              XMPP_SENDER_ANY, 0,
                                              marker_cb, self, NULL);
  g_object_set_data_full (G_OBJECT (client), ATTACH_KEY, self, markers_free);
  xmpp_client_add_feature (client, XMPP_NS_CHAT_MARKERS);
}

void
xmpp_markers_detach (XmppClient *client)
{
  g_return_if_fail (XMPP_IS_CLIENT (client));

  detach (client, TRUE);
}
