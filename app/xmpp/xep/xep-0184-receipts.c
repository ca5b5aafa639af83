/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0184: Message Delivery Receipts, version 1.4.0.
 */
#define G_LOG_DOMAIN "xep-0184-receipts"

#include "xep-0184-receipts.h"

#include <string.h>

#include "xmpp-message.h"

#define ATTACH_KEY "xep-0184-receipts"

/* Ids are opaque, but one longer than a JID part is not an id a client
 * chose; it would only bloat the store. */
#define MAX_ID_LEN 1023

typedef struct
{
  guint handler_id;
  XmppReceiptFunc func;
  gpointer data;
  GDestroyNotify destroy;
} Receipts;

static gboolean
id_is_usable (const char *id)
{
  return id != NULL && id[0] != '\0' && strnlen (id, MAX_ID_LEN + 1) <= MAX_ID_LEN;
}

static XmppMessageType
message_type (const XmppNode *message)
{
  return xmpp_message_type_from_string (xmpp_node_get_attr (message, "type"));
}

void
xmpp_receipts_add_request (XmppNode *message)
{
  XmppMessageType type;

  g_return_if_fail (message != NULL);
  g_return_if_fail (xmpp_node_get_attr (message, "id") != NULL);

  type = message_type (message);
  if (type == XMPP_MESSAGE_GROUPCHAT || type == XMPP_MESSAGE_ERROR)
    return;
  if (xmpp_node_get_child (message, "received", XMPP_NS_RECEIPTS) != NULL)
    return;
  if (xmpp_node_get_child (message, "request", XMPP_NS_RECEIPTS) != NULL)
    return;

  xmpp_node_add_child (message, "request", XMPP_NS_RECEIPTS);
}

gboolean
xmpp_receipts_has_request (const XmppNode *message)
{
  XmppMessageType type;

  g_return_val_if_fail (message != NULL, FALSE);

  if (xmpp_node_get_child (message, "request", XMPP_NS_RECEIPTS) == NULL)
    return FALSE;

  /* §7: the sender MUST give an id, or there is nothing to echo. */
  if (!id_is_usable (xmpp_node_get_attr (message, "id")))
    return FALSE;

  /* §5.3: an ack for a room message would reach every occupant; errors
   * are never content messages (§5). */
  type = message_type (message);
  if (type == XMPP_MESSAGE_GROUPCHAT || type == XMPP_MESSAGE_ERROR)
    return FALSE;

  /* §5.4: an ack message never asks for an ack; answering one that does
   * would start a loop with a peer that answers too. */
  return xmpp_node_get_child (message, "received", XMPP_NS_RECEIPTS) == NULL;
}

XmppNode *
xmpp_receipts_build_reply (const XmppNode *message)
{
  g_autoptr (XmppJid) from = NULL;
  g_autofree char *id = NULL;
  const char *from_attr;

  g_return_val_if_fail (message != NULL, NULL);

  if (!xmpp_receipts_has_request (message))
    return NULL;

  from_attr = xmpp_node_get_attr (message, "from");
  if (from_attr == NULL || (from = xmpp_jid_parse (from_attr, NULL)) == NULL)
    return NULL;

  /* §7: the ack goes back to the resource that sent the content message,
   * preferably with the same type, and carries only <received/>. */
  id = xmpp_client_new_id ();
  return xmpp_node_build ("message", XMPP_NS_CLIENT,
                          XMPP_BUILD_ATTR, "to", xmpp_jid_to_string (from),
                          XMPP_BUILD_ATTR, "id", id,
                          XMPP_BUILD_ATTR, "type", xmpp_node_get_attr (message, "type"),
                          XMPP_BUILD_CHILD, "received", XMPP_NS_RECEIPTS,
                          XMPP_BUILD_ATTR, "id", xmpp_node_get_attr (message, "id"),
                          XMPP_BUILD_END);
}

const char *
xmpp_receipts_get_received_id (const XmppNode *message)
{
  XmppNode *received;
  const char *id;

  g_return_val_if_fail (message != NULL, NULL);

  if (message_type (message) == XMPP_MESSAGE_ERROR)
    return NULL;

  received = xmpp_node_get_child (message, "received", XMPP_NS_RECEIPTS);
  if (received == NULL)
    return NULL;

  id = xmpp_node_get_attr (received, "id");
  return id_is_usable (id) ? id : NULL;
}

static gboolean
received_cb (XmppClient *client,
             XmppNode   *stanza,
             XmppJid    *from,
             gpointer    user_data)
{
  Receipts *self = user_data;
  const char *id = xmpp_receipts_get_received_id (stanza);

  /* A message without `from` comes from the own account (RFC 6120
   * §8.1.2.1), which acknowledges nothing of ours. */
  if (id == NULL || from == NULL)
    {
      g_debug ("ignoring an unusable receipt");
      return FALSE;
    }

  self->func (client, from, id, self->data);
  return FALSE;
}

static void
receipts_free (gpointer data)
{
  Receipts *self = data;

  if (self->destroy != NULL)
    self->destroy (self->data);
  g_free (self);
}

/* Removes the handler; the feature stays unless @withdraw. */
static void
detach (XmppClient *client,
        gboolean    withdraw)
{
  Receipts *self = g_object_steal_data (G_OBJECT (client), ATTACH_KEY);

  if (self == NULL)
    return;

  xmpp_client_remove_handler (client, self->handler_id);
  if (withdraw)
    xmpp_client_remove_feature (client, XMPP_NS_RECEIPTS);
  receipts_free (self);
}

void
xmpp_receipts_attach (XmppClient      *client,
                      XmppReceiptFunc  func,
                      gpointer         user_data,
                      GDestroyNotify   destroy)
{
  Receipts *self;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (func != NULL);

  detach (client, FALSE);

  self = g_new0 (Receipts, 1);
  self->func = func;
  self->data = user_data;
  self->destroy = destroy;

  /* The state lives on the client, so it is freed with it; the handler
   * only borrows it. */
  self->handler_id = xmpp_client_add_handler (client, XMPP_STANZA_MESSAGE,
                                              "received", XMPP_NS_RECEIPTS,
                                              XMPP_SENDER_ANY, 0,
                                              received_cb, self, NULL);
  g_object_set_data_full (G_OBJECT (client), ATTACH_KEY, self, receipts_free);
  xmpp_client_add_feature (client, XMPP_NS_RECEIPTS);
}

void
xmpp_receipts_detach (XmppClient *client)
{
  g_return_if_fail (XMPP_IS_CLIENT (client));

  detach (client, TRUE);
}
