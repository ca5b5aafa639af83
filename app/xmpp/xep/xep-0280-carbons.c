/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0280: Message Carbons, version 1.0.1, with XEP-0297 forwarding.
 *
 * Four handlers, all before the ordinary message handlers:
 *
 *   <sent/>, <received/>  policy OWN_BARE  →  check, unwrap, callback
 *   <sent/>, <received/>  policy ANY       →  drop
 *
 * The router lets only the own bare JID (or no `from`) reach the first
 * pair; a wrapper from anybody else falls through to the second pair and is
 * consumed there, so no later handler sees a forged copy at all.
 */
#define G_LOG_DOMAIN "xep-0280-carbons"

#include "xep-0280-carbons.h"

#define ATTACH_KEY "xep-0280-carbons"

/* Before the message service (priority 0): carbons are unwrapped first. */
#define CARBONS_PRIORITY (-100)

typedef struct
{
  guint handler_ids[4];
  XmppCarbonFunc func;
  gpointer data;
  GDestroyNotify destroy;
} Carbons;

/* The one child of @parent called @name in @ns; %NULL when there is none
 * or more than one. */
static XmppNode *
get_only_child (const XmppNode *parent,
                const char     *name,
                const char     *ns)
{
  XmppNode *found = NULL;

  for (guint i = 0; i < xmpp_node_get_n_children (parent); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (parent, i);

      if (!xmpp_node_is (child, name, ns))
        continue;
      if (found != NULL)
        return NULL;
      found = child;
    }

  return found;
}

static gboolean
has_carbon_wrapper (const XmppNode *message)
{
  return xmpp_node_get_child (message, "sent", XMPP_NS_CARBONS) != NULL ||
         xmpp_node_get_child (message, "received", XMPP_NS_CARBONS) != NULL;
}

/* Reads the JID in attribute @name of @node into @jid.  Returns FALSE
 * when it is invalid, or absent and @required. */
static gboolean
read_jid_attr (const XmppNode  *node,
               const char      *name,
               gboolean         required,
               XmppJid        **jid)
{
  const char *value = xmpp_node_get_attr (node, name);

  *jid = NULL;
  if (value == NULL)
    return !required;

  *jid = xmpp_jid_parse (value, NULL);
  return *jid != NULL;
}

/* The forwarded message inside @stanza when it is a valid copy, %NULL
 * otherwise (with the reason in the debug log). */
static XmppNode *
unwrap (XmppClient     *client,
        const XmppNode *stanza,
        const XmppJid  *from,
        gboolean        sent)
{
  const XmppJid *own = xmpp_client_get_jid (client);
  g_autoptr (XmppJid) inner_from = NULL;
  g_autoptr (XmppJid) inner_to = NULL;
  XmppNode *wrapper;
  XmppNode *forwarded;
  XmppNode *message;

  /* Security Considerations: the copy comes from the account's bare JID.
   * The router already checked this (XMPP_SENDER_OWN_BARE); checking again
   * here keeps this module safe should a handler ever be added with a
   * weaker policy. */
  if (from != NULL && !(xmpp_jid_is_bare (from) && xmpp_jid_equal_bare (from, own)))
    {
      g_debug ("dropping a carbon copy from %s", xmpp_jid_to_string (from));
      return NULL;
    }

  /* One wrapper, one <forwarded/>, one <message/>: with two there is no
   * telling which one the server meant. */
  if (xmpp_node_get_child (stanza, sent ? "received" : "sent", XMPP_NS_CARBONS) != NULL)
    {
      g_debug ("dropping a message with both carbon wrappers");
      return NULL;
    }
  wrapper = get_only_child (stanza, sent ? "sent" : "received", XMPP_NS_CARBONS);
  forwarded = wrapper ? get_only_child (wrapper, "forwarded", XMPP_NS_FORWARD) : NULL;
  message = forwarded ? get_only_child (forwarded, "message", NULL) : NULL;
  if (message == NULL || !xmpp_node_is (message, "message", XMPP_NS_CLIENT))
    {
      g_debug ("dropping a malformed carbon copy");
      return NULL;
    }

  /* A copy of a copy would let whoever wrote the inner message speak for
   * the account once more. */
  if (has_carbon_wrapper (message))
    {
      g_debug ("dropping a nested carbon copy");
      return NULL;
    }

  if (!read_jid_attr (message, "from", TRUE, &inner_from) ||
      !read_jid_attr (message, "to", !sent, &inner_to))
    {
      g_debug ("dropping a carbon copy with invalid addresses");
      return NULL;
    }

  /* A sent copy was sent by one of our resources; a received copy was
   * addressed to us.  Anything else is not a copy of our traffic. */
  if (sent ? !xmpp_jid_equal_bare (inner_from, own) : !xmpp_jid_equal_bare (inner_to, own))
    {
      g_debug ("dropping a carbon copy of somebody else's message");
      return NULL;
    }

  return message;
}

static gboolean
handle (XmppClient *client,
        XmppNode   *stanza,
        XmppJid    *from,
        Carbons    *self,
        gboolean    sent)
{
  XmppNode *message = unwrap (client, stanza, from, sent);

  if (message != NULL)
    self->func (client, message, sent, self->data);

  /* Valid or not, nobody else is to read a carbon wrapper. */
  return TRUE;
}

static gboolean
sent_cb (XmppClient *client,
         XmppNode   *stanza,
         XmppJid    *from,
         gpointer    user_data)
{
  return handle (client, stanza, from, user_data, TRUE);
}

static gboolean
received_cb (XmppClient *client,
             XmppNode   *stanza,
             XmppJid    *from,
             gpointer    user_data)
{
  return handle (client, stanza, from, user_data, FALSE);
}

static gboolean
drop_cb (XmppClient *client,
         XmppNode   *stanza,
         XmppJid    *from,
         gpointer    user_data)
{
  g_debug ("dropping a carbon copy from %s", from ? xmpp_jid_to_string (from) : "nobody");
  return TRUE;
}

static void
carbons_free (gpointer data)
{
  Carbons *self = data;

  if (self->destroy != NULL)
    self->destroy (self->data);
  g_free (self);
}

void
xmpp_carbons_attach (XmppClient     *client,
                     XmppCarbonFunc  func,
                     gpointer        user_data,
                     GDestroyNotify  destroy)
{
  Carbons *self;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (func != NULL);

  xmpp_carbons_detach (client);

  self = g_new0 (Carbons, 1);
  self->func = func;
  self->data = user_data;
  self->destroy = destroy;

  /* Same priority: the router runs them in the order they were added. */
  self->handler_ids[0] = xmpp_client_add_handler (client, XMPP_STANZA_MESSAGE,
                                                  "received", XMPP_NS_CARBONS,
                                                  XMPP_SENDER_OWN_BARE, CARBONS_PRIORITY,
                                                  received_cb, self, NULL);
  self->handler_ids[1] = xmpp_client_add_handler (client, XMPP_STANZA_MESSAGE,
                                                  "sent", XMPP_NS_CARBONS,
                                                  XMPP_SENDER_OWN_BARE, CARBONS_PRIORITY,
                                                  sent_cb, self, NULL);
  self->handler_ids[2] = xmpp_client_add_handler (client, XMPP_STANZA_MESSAGE,
                                                  "received", XMPP_NS_CARBONS,
                                                  XMPP_SENDER_ANY, CARBONS_PRIORITY,
                                                  drop_cb, NULL, NULL);
  self->handler_ids[3] = xmpp_client_add_handler (client, XMPP_STANZA_MESSAGE,
                                                  "sent", XMPP_NS_CARBONS,
                                                  XMPP_SENDER_ANY, CARBONS_PRIORITY,
                                                  drop_cb, NULL, NULL);

  /* The state lives on the client, so it is freed with it; the handlers
   * only borrow it. */
  g_object_set_data_full (G_OBJECT (client), ATTACH_KEY, self, carbons_free);
}

void
xmpp_carbons_detach (XmppClient *client)
{
  Carbons *self;

  g_return_if_fail (XMPP_IS_CLIENT (client));

  self = g_object_steal_data (G_OBJECT (client), ATTACH_KEY);
  if (self == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (self->handler_ids); i++)
    xmpp_client_remove_handler (client, self->handler_ids[i]);
  carbons_free (self);
}

static void
enable_reply_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (XmppNode) reply = NULL;
  GError *error = NULL;

  reply = xmpp_client_send_iq_finish (XMPP_CLIENT (source), result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
xmpp_carbons_enable_async (XmppClient          *client,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (XmppNode) iq = NULL;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_carbons_enable_async);

  /* "Enabling Carbons": addressed to the own account, so without `to`. */
  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                        XMPP_BUILD_ATTR, "type", "set",
                        XMPP_BUILD_CHILD, "enable", XMPP_NS_CARBONS,
                        XMPP_BUILD_END);
  xmpp_client_send_iq_async (client, iq, 0, cancellable,
                             enable_reply_cb, g_steal_pointer (&task));
}

gboolean
xmpp_carbons_enable_finish (XmppClient    *client,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_carbons_enable_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
xmpp_carbons_add_private (XmppNode *message)
{
  g_return_if_fail (message != NULL);

  if (xmpp_node_get_child (message, "private", XMPP_NS_CARBONS) == NULL)
    xmpp_node_add_child (message, "private", XMPP_NS_CARBONS);
  if (xmpp_node_get_child (message, "no-copy", XMPP_NS_HINTS) == NULL)
    xmpp_node_add_child (message, "no-copy", XMPP_NS_HINTS);
}
