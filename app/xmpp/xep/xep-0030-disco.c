/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0030: Service Discovery, version 2.5rc3.
 *
 * The responder answers anyone: what it reveals (client software and
 * features) is what XEP-0115 puts into every presence anyway.  It answers
 * for the bare disco#info node and for our caps node only; Petrel publishes
 * no items, so disco#items is always empty.
 */
#define G_LOG_DOMAIN "xep-0030-disco"

#include "xep-0030-disco.h"

#include <string.h>

#include "xep-0115-caps.h"
#include "xmpp-error.h"

#define ATTACH_KEY "xep-0030-disco-handlers"

typedef struct {
  guint info_id;
  guint items_id;
} DiscoHandlers;

XmppNode *
xmpp_disco_build_own_info (XmppClient *client,
                           const char *node)
{
  XmppNode *query;
  const char * const *features;

  g_return_val_if_fail (XMPP_IS_CLIENT (client), NULL);

  query = xmpp_node_build ("query", XMPP_NS_DISCO_INFO,
                           XMPP_BUILD_ATTR, "node", node,
                           XMPP_BUILD_CHILD, "identity", NULL,
                           XMPP_BUILD_ATTR, "category", XMPP_DISCO_IDENTITY_CATEGORY,
                           XMPP_BUILD_ATTR, "type", XMPP_DISCO_IDENTITY_TYPE,
                           XMPP_BUILD_ATTR, "name", XMPP_DISCO_IDENTITY_NAME,
                           XMPP_BUILD_END);

  features = xmpp_client_get_features (client);
  for (guint i = 0; features != NULL && features[i] != NULL; i++)
    {
      XmppNode *feature = xmpp_node_add_child (query, "feature", NULL);

      xmpp_node_set_attr (feature, "var", features[i]);
    }

  return query;
}

static void
reply_error (XmppClient      *client,
             XmppNode        *stanza,
             XmppStanzaError  code)
{
  g_autoptr (XmppNode) reply = xmpp_stanza_make_error_reply (stanza, code, "cancel");

  xmpp_client_send (client, reply);
}

static gboolean
info_request_cb (XmppClient *client,
                 XmppNode   *stanza,
                 XmppJid    *from,
                 gpointer    user_data)
{
  g_autoptr (XmppNode) reply = NULL;
  XmppNode *request = xmpp_node_get_child (stanza, "query", XMPP_NS_DISCO_INFO);
  const char *node;

  g_assert (request != NULL);
  node = xmpp_node_get_attr (request, "node");

  /* XEP-0115 §6.2: the caps node is a phantom node that answers with the
   * same identity and features as the entity itself.  Any other node does
   * not exist here (§3.1).  The answer mirrors the node (§3.2). */
  if (node != NULL && !xmpp_caps_is_own_node (client, node))
    {
      reply_error (client, stanza, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
      return TRUE;
    }

  reply = xmpp_stanza_make_result (stanza);
  xmpp_node_take_child (reply, xmpp_disco_build_own_info (client, node));
  xmpp_client_send (client, reply);
  return TRUE;
}

static gboolean
items_request_cb (XmppClient *client,
                  XmppNode   *stanza,
                  XmppJid    *from,
                  gpointer    user_data)
{
  g_autoptr (XmppNode) reply = NULL;
  XmppNode *request = xmpp_node_get_child (stanza, "query", XMPP_NS_DISCO_ITEMS);

  g_assert (request != NULL);

  /* We publish no nodes; XEP-0115 §6.2 says the caps node is not an items
   * node either. */
  if (xmpp_node_get_attr (request, "node") != NULL)
    {
      reply_error (client, stanza, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
      return TRUE;
    }

  /* §4.1: no items is an empty <query/>. */
  reply = xmpp_stanza_make_result (stanza);
  xmpp_node_add_child (reply, "query", XMPP_NS_DISCO_ITEMS);
  xmpp_client_send (client, reply);
  return TRUE;
}

void
xmpp_disco_attach (XmppClient *client)
{
  DiscoHandlers *handlers;

  g_return_if_fail (XMPP_IS_CLIENT (client));

  if (g_object_get_data (G_OBJECT (client), ATTACH_KEY) != NULL)
    return;

  handlers = g_new0 (DiscoHandlers, 1);
  handlers->info_id = xmpp_client_add_handler (client, XMPP_STANZA_IQ_GET,
                                               "query", XMPP_NS_DISCO_INFO,
                                               XMPP_SENDER_ANY, 0,
                                               info_request_cb, NULL, NULL);
  handlers->items_id = xmpp_client_add_handler (client, XMPP_STANZA_IQ_GET,
                                                "query", XMPP_NS_DISCO_ITEMS,
                                                XMPP_SENDER_ANY, 0,
                                                items_request_cb, NULL, NULL);
  g_object_set_data_full (G_OBJECT (client), ATTACH_KEY, handlers, g_free);

  xmpp_client_add_feature (client, XMPP_NS_DISCO_INFO);
  xmpp_client_add_feature (client, XMPP_NS_DISCO_ITEMS);
}

void
xmpp_disco_detach (XmppClient *client)
{
  DiscoHandlers *handlers;

  g_return_if_fail (XMPP_IS_CLIENT (client));

  handlers = g_object_get_data (G_OBJECT (client), ATTACH_KEY);
  if (handlers == NULL)
    return;

  xmpp_client_remove_handler (client, handlers->info_id);
  xmpp_client_remove_handler (client, handlers->items_id);
  g_object_set_data (G_OBJECT (client), ATTACH_KEY, NULL);
}

static void
info_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (XmppNode) reply = NULL;
  GError *error = NULL;
  XmppNode *query;

  reply = xmpp_client_send_iq_finish (XMPP_CLIENT (source), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* §3.1: the result MUST contain the <query/>. */
  query = xmpp_node_get_child (reply, "query", XMPP_NS_DISCO_INFO);
  if (query == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "disco#info result without <query/>");
      return;
    }

  g_task_return_pointer (task, xmpp_node_ref (query),
                         (GDestroyNotify) xmpp_node_unref);
}

void
xmpp_disco_info_async (XmppClient          *client,
                       const XmppJid       *to,
                       const char          *node,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (XmppNode) iq = NULL;

  g_return_if_fail (XMPP_IS_CLIENT (client));
  g_return_if_fail (to != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_disco_info_async);

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                        XMPP_BUILD_ATTR, "type", "get",
                        XMPP_BUILD_ATTR, "to", xmpp_jid_to_string (to),
                        XMPP_BUILD_CHILD, "query", XMPP_NS_DISCO_INFO,
                        XMPP_BUILD_ATTR, "node", node,
                        XMPP_BUILD_END);
  xmpp_client_send_iq_async (client, iq, 0, cancellable,
                             info_reply_cb, g_steal_pointer (&task));
}

XmppNode *
xmpp_disco_info_finish (XmppClient    *client,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_disco_info_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
xmpp_disco_info_has_feature (const XmppNode *query,
                             const char     *ns)
{
  guint n;

  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (ns != NULL, FALSE);

  n = xmpp_node_get_n_children (query);
  for (guint i = 0; i < n; i++)
    {
      const XmppNode *child = xmpp_node_get_child_at (query, i);

      if (xmpp_node_is (child, "feature", XMPP_NS_DISCO_INFO) &&
          g_strcmp0 (xmpp_node_get_attr (child, "var"), ns) == 0)
        return TRUE;
    }

  return FALSE;
}

gboolean
xmpp_disco_info_has_identity (const XmppNode *query,
                              const char     *category,
                              const char     *type)
{
  guint n;

  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (category != NULL, FALSE);

  n = xmpp_node_get_n_children (query);
  for (guint i = 0; i < n; i++)
    {
      const XmppNode *child = xmpp_node_get_child_at (query, i);

      if (xmpp_node_is (child, "identity", XMPP_NS_DISCO_INFO) &&
          g_strcmp0 (xmpp_node_get_attr (child, "category"), category) == 0 &&
          (type == NULL || g_strcmp0 (xmpp_node_get_attr (child, "type"), type) == 0))
        return TRUE;
    }

  return FALSE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char **
xmpp_disco_info_dup_features (const XmppNode *query)
{
  g_autoptr (GPtrArray) features = g_ptr_array_new ();
  GPtrArray *unique;
  guint n;

  g_return_val_if_fail (query != NULL, NULL);

  n = xmpp_node_get_n_children (query);
  for (guint i = 0; i < n; i++)
    {
      const XmppNode *child = xmpp_node_get_child_at (query, i);
      const char *var;

      if (!xmpp_node_is (child, "feature", XMPP_NS_DISCO_INFO))
        continue;
      var = xmpp_node_get_attr (child, "var");
      if (var != NULL)
        g_ptr_array_add (features, (gpointer) var);
    }

  g_ptr_array_sort (features, compare_strings);

  unique = g_ptr_array_new_full (features->len + 1, NULL);
  for (guint i = 0; i < features->len; i++)
    {
      const char *var = g_ptr_array_index (features, i);

      if (i == 0 || strcmp (var, g_ptr_array_index (features, i - 1)) != 0)
        g_ptr_array_add (unique, g_strdup (var));
    }
  g_ptr_array_add (unique, NULL);

  return (char **) g_ptr_array_free (unique, FALSE);
}
