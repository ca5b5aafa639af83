/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0199: XMPP Ping, version 2.0.1.
 *
 * The responder answers anyone: a pong only says that this resource is
 * online, which the server already reveals to any sender with its own
 * `service-unavailable` for offline resources (RFC 6121 §8.5.3.2.1).
 */
#define G_LOG_DOMAIN "xep-0199-ping"

#include "xep-0199-ping.h"

#include "xmpp-error.h"

#define ATTACH_KEY "xep-0199-ping-handler"

static gboolean
ping_request_cb (XmppClient *client,
                 XmppNode   *stanza,
                 XmppJid    *from,
                 gpointer    user_data)
{
  g_autoptr (XmppNode) reply = xmpp_stanza_make_result (stanza);

  /* §4.1: the pong is an empty IQ result. */
  xmpp_client_send (client, reply);
  return TRUE;
}

void
xmpp_ping_attach (XmppClient *client)
{
  guint id;

  g_return_if_fail (XMPP_IS_CLIENT (client));

  if (g_object_get_data (G_OBJECT (client), ATTACH_KEY) != NULL)
    return;

  id = xmpp_client_add_handler (client, XMPP_STANZA_IQ_GET,
                                "ping", XMPP_NS_PING,
                                XMPP_SENDER_ANY, 0,
                                ping_request_cb, NULL, NULL);
  g_object_set_data (G_OBJECT (client), ATTACH_KEY, GUINT_TO_POINTER (id));
  xmpp_client_add_feature (client, XMPP_NS_PING);
}

void
xmpp_ping_detach (XmppClient *client)
{
  guint id;

  g_return_if_fail (XMPP_IS_CLIENT (client));

  id = GPOINTER_TO_UINT (g_object_steal_data (G_OBJECT (client), ATTACH_KEY));
  if (id != 0)
    xmpp_client_remove_handler (client, id);
}

/* Whether @error, the error reply to a ping sent to @to, still shows that
 * @to itself answered.  See xmpp_ping_finish() for the reasoning. */
static gboolean
error_proves_reachable (XmppClient    *client,
                        const XmppJid *to,
                        const GError  *error)
{
  if (error->domain != XMPP_STANZA_ERROR)
    return FALSE;

  /* Only the own server answers for itself with certainty: an error for a
   * remote domain may come from the own server, which could not route the
   * ping (no server-to-server connection), so it proves nothing. */
  if (xmpp_jid_get_local (to) == NULL && xmpp_jid_get_resource (to) == NULL &&
      g_str_equal (xmpp_jid_get_domain (to), xmpp_jid_get_domain (xmpp_client_get_jid (client))))
    return error->code != XMPP_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND &&
           error->code != XMPP_STANZA_ERROR_REMOTE_SERVER_TIMEOUT;

  return error->code == XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED;
}

static void
ping_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (XmppNode) reply = NULL;
  g_autoptr (GError) error = NULL;
  const XmppJid *to = g_task_get_task_data (task);

  reply = xmpp_client_send_iq_finish (XMPP_CLIENT (source), result, &error);
  if (reply != NULL)
    g_task_return_boolean (task, TRUE);
  else if (error_proves_reachable (XMPP_CLIENT (source), to, error))
    {
      g_debug ("%s answered the ping with %s", xmpp_jid_to_string (to),
               xmpp_stanza_error_to_condition (error->code));
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
xmpp_ping_async (XmppClient          *client,
                 const XmppJid       *to,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (XmppNode) iq = NULL;
  g_autoptr (XmppJid) target = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_ping_async);

  if (to != NULL)
    target = xmpp_jid_ref ((XmppJid *) to);
  else
    {
      /* §4.2: a client pings its server at the server's domain. */
      const char *domain = xmpp_jid_get_domain (xmpp_client_get_jid (client));

      target = xmpp_jid_new (NULL, domain, NULL, &error);
      if (target == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                        XMPP_BUILD_ATTR, "type", "get",
                        XMPP_BUILD_ATTR, "to", xmpp_jid_to_string (target),
                        XMPP_BUILD_CHILD, "ping", XMPP_NS_PING,
                        XMPP_BUILD_END);
  g_task_set_task_data (task, g_steal_pointer (&target),
                        (GDestroyNotify) xmpp_jid_unref);

  xmpp_client_send_iq_async (client, iq, 0, cancellable,
                             ping_reply_cb, g_steal_pointer (&task));
}

gboolean
xmpp_ping_finish (XmppClient    *client,
                  GAsyncResult  *result,
                  GError       **error)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_ping_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
