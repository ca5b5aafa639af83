/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-session"

#include "petrel-session.h"

#include "xep-0030-disco.h"
#include "xep-0092-version.h"
#include "xep-0115-caps.h"
#include "xep-0199-ping.h"
#include "xep-0203-delay.h"
#include "xmpp-client.h"
#include "xmpp-connector.h"
#include "xmpp-error.h"
#include "xmpp-message.h"
#include "xmpp-roster.h"

#define CAPS_NODE "https://petrel.im"

struct _PetrelSession
{
  GObject parent_instance;

  PetrelAccountRecord *record;
  XmppJid *jid;
  XmppStreamLogFunc log_func;
  gpointer log_data;
  gboolean share_version;

  XmppConnector *connector;
  XmppClient *client;
  XmppCapsCache *caps;
  char *bound;
};

enum {
  SIGNAL_MESSAGE,
  SIGNAL_PRESENCE,
  SIGNAL_ROSTER_PUSH,
  SIGNAL_DISCONNECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PetrelSession, petrel_session, G_TYPE_OBJECT)

static PetrelAccountRecord *
record_copy (const PetrelAccountRecord *record)
{
  PetrelAccountRecord *copy = g_new0 (PetrelAccountRecord, 1);

  copy->jid = g_strdup (record->jid);
  copy->password = g_strdup (record->password);
  copy->host = g_strdup (record->host);
  copy->port = record->port;
  copy->direct_tls = record->direct_tls;
  copy->ca_file = g_strdup (record->ca_file);
  copy->resource = g_strdup (record->resource);

  return copy;
}

static void
drop_client (PetrelSession *self)
{
  if (self->client == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_pointer (&self->bound, g_free);
}

static void
petrel_session_dispose (GObject *object)
{
  PetrelSession *self = PETREL_SESSION (object);

  drop_client (self);
  g_clear_object (&self->connector);
  g_clear_object (&self->caps);

  G_OBJECT_CLASS (petrel_session_parent_class)->dispose (object);
}

static void
petrel_session_finalize (GObject *object)
{
  PetrelSession *self = PETREL_SESSION (object);

  g_clear_pointer (&self->record, petrel_account_record_free);
  g_clear_pointer (&self->jid, xmpp_jid_unref);

  G_OBJECT_CLASS (petrel_session_parent_class)->finalize (object);
}

static void
petrel_session_class_init (PetrelSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = petrel_session_dispose;
  object_class->finalize = petrel_session_finalize;

  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PETREL_TYPE_MESSAGE);
  signals[SIGNAL_PRESENCE] =
    g_signal_new ("presence", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_ROSTER_PUSH] =
    g_signal_new ("roster-push", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, PETREL_TYPE_CONTACT, G_TYPE_BOOLEAN);
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
petrel_session_init (PetrelSession *self)
{
  self->caps = xmpp_caps_cache_new ();
}

PetrelSession *
petrel_session_new (const PetrelAccountRecord  *record,
                    GError                    **error)
{
  g_autoptr(XmppJid) jid = NULL;
  PetrelSession *self;

  g_return_val_if_fail (record != NULL && record->jid != NULL, NULL);

  jid = xmpp_jid_parse (record->jid, error);
  if (jid == NULL)
    return NULL;

  self = g_object_new (PETREL_TYPE_SESSION, NULL);
  self->record = record_copy (record);
  self->jid = g_steal_pointer (&jid);

  return self;
}

void
petrel_session_set_log_func (PetrelSession     *self,
                             XmppStreamLogFunc  func,
                             gpointer           user_data)
{
  g_return_if_fail (PETREL_IS_SESSION (self));

  self->log_func = func;
  self->log_data = user_data;
}

void
petrel_session_set_share_version (PetrelSession *self,
                                  gboolean       share)
{
  g_return_if_fail (PETREL_IS_SESSION (self));

  self->share_version = share;
}

const char *
petrel_session_get_account (PetrelSession *self)
{
  g_return_val_if_fail (PETREL_IS_SESSION (self), NULL);

  return xmpp_jid_get_bare_string (self->jid);
}

const char *
petrel_session_get_bound_jid (PetrelSession *self)
{
  g_return_val_if_fail (PETREL_IS_SESSION (self), NULL);

  return self->bound;
}

gboolean
petrel_session_is_connected (PetrelSession *self)
{
  g_return_val_if_fail (PETREL_IS_SESSION (self), FALSE);

  return self->client != NULL && xmpp_client_is_connected (self->client);
}

/* Incoming stanzas */

static gboolean
message_cb (XmppClient *client,
            XmppNode   *stanza,
            XmppJid    *from,
            gpointer    user_data)
{
  PetrelSession *self = user_data;
  g_autoptr(PetrelMessage) message = NULL;
  g_autoptr(GDateTime) stamp = NULL;
  const char *body = xmpp_message_get_body (stanza);
  XmppMessageType type = xmpp_message_type_from_string (xmpp_node_get_attr (stanza, "type"));

  if (body == NULL || type == XMPP_MESSAGE_ERROR)
    return FALSE;

  stamp = xmpp_delay_get_stamp (stanza);
  message = petrel_message_new (petrel_session_get_account (self),
                                from ? xmpp_jid_to_string (from) : xmpp_jid_get_domain (self->jid),
                                self->bound,
                                xmpp_message_type_to_string (type),
                                xmpp_node_get_attr (stanza, "id"),
                                body, stamp);
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, message);

  return TRUE;
}

static gboolean
presence_cb (XmppClient *client,
             XmppNode   *stanza,
             XmppJid    *from,
             gpointer    user_data)
{
  PetrelSession *self = user_data;

  if (from == NULL)
    return FALSE;

  g_signal_emit (self, signals[SIGNAL_PRESENCE], 0,
                 xmpp_jid_to_string (from),
                 xmpp_node_get_attr (stanza, "type"),
                 xmpp_node_get_child_text (stanza, "show", XMPP_NS_CLIENT),
                 xmpp_node_get_child_text (stanza, "status", XMPP_NS_CLIENT));

  return FALSE;
}

static const char *
subscription_name (XmppRosterSubscription subscription)
{
  switch (subscription)
    {
    case XMPP_ROSTER_SUBSCRIPTION_TO:
      return "to";
    case XMPP_ROSTER_SUBSCRIPTION_FROM:
      return "from";
    case XMPP_ROSTER_SUBSCRIPTION_BOTH:
      return "both";
    case XMPP_ROSTER_SUBSCRIPTION_REMOVE:
      return "remove";
    case XMPP_ROSTER_SUBSCRIPTION_NONE:
    default:
      return "none";
    }
}

static PetrelContact *
contact_from_item (const XmppRosterItem *item)
{
  return petrel_contact_new (xmpp_jid_to_string (xmpp_roster_item_get_jid (item)),
                             xmpp_roster_item_get_name (item),
                             subscription_name (xmpp_roster_item_get_subscription (item)),
                             xmpp_roster_item_get_groups (item));
}

static void
roster_push_cb (XmppClient     *client,
                XmppRosterItem *item,
                const char     *version,
                gpointer        user_data)
{
  PetrelSession *self = user_data;
  g_autoptr(PetrelContact) contact = contact_from_item (item);

  g_signal_emit (self, signals[SIGNAL_ROSTER_PUSH], 0, contact,
                 xmpp_roster_item_get_subscription (item) == XMPP_ROSTER_SUBSCRIPTION_REMOVE);
}

static void
client_disconnected_cb (XmppClient   *client,
                        const GError *error,
                        gpointer      user_data)
{
  PetrelSession *self = user_data;
  g_autoptr(XmppClient) keep = g_object_ref (client);

  drop_client (self);
  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, error);
}

static void
attach_modules (PetrelSession *self)
{
  XmppClient *client = self->client;

  xmpp_ping_attach (client);
  xmpp_disco_attach (client);
  xmpp_caps_attach (client, self->caps, CAPS_NODE);
  if (self->share_version)
    xmpp_version_attach (client, "Petrel", PETREL_VERSION, NULL);
  xmpp_roster_attach (client, roster_push_cb, self, NULL);

  xmpp_client_add_handler (client, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 100,
                           message_cb, self, NULL);
  xmpp_client_add_handler (client, XMPP_STANZA_PRESENCE, NULL, NULL, XMPP_SENDER_ANY, 100,
                           presence_cb, self, NULL);
  g_signal_connect (client, "disconnected", G_CALLBACK (client_disconnected_cb), self);
}

/* Connecting */

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PetrelSession *self = g_task_get_source_object (task);
  g_autoptr(XmppStream) stream = NULL;
  GError *error = NULL;

  stream = xmpp_connector_connect_finish (XMPP_CONNECTOR (source), result, &error);
  if (stream == NULL)
    {
      g_clear_object (&self->connector);
      g_task_return_error (task, error);
      return;
    }

  self->client = xmpp_client_new (stream, xmpp_connector_get_bound_jid (self->connector));
  xmpp_client_set_stream_features (self->client, xmpp_connector_get_features (self->connector));
  self->bound = g_strdup (xmpp_jid_to_string (xmpp_connector_get_bound_jid (self->connector)));
  g_clear_object (&self->connector);
  attach_modules (self);
  g_task_return_boolean (task, TRUE);
}

void
petrel_session_connect_async (PetrelSession       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  XmppConnectorConfig config = { 0 };

  g_return_if_fail (PETREL_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_connect_async);

  if (self->client != NULL || self->connector != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "Already connected");
      return;
    }
  if (self->record->password == NULL)
    {
      g_task_return_new_error (task, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                               "No password is stored for %s", self->record->jid);
      return;
    }

  config.jid = self->jid;
  config.password = self->record->password;
  config.host = self->record->host;
  config.port = self->record->port;
  config.direct_tls = self->record->direct_tls;
  config.ca_file = self->record->ca_file;
  config.resource = self->record->resource;
  config.log_func = self->log_func;
  config.log_data = self->log_data;

  self->connector = xmpp_connector_new (&config);
  xmpp_connector_connect_async (self->connector, cancellable, connect_cb, g_steal_pointer (&task));
}

gboolean
petrel_session_connect_finish (PetrelSession  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
check_connected (PetrelSession *self,
                 GTask         *task)
{
  if (petrel_session_is_connected (self))
    return TRUE;

  g_task_return_new_error (task, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED, "Not connected");
  return FALSE;
}

static XmppJid *
parse_optional_jid (const char  *jid,
                    GError     **error)
{
  if (jid == NULL)
    return NULL;

  return xmpp_jid_parse (jid, error);
}

void
petrel_session_go_online (PetrelSession *self)
{
  g_autoptr(XmppNode) presence = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));

  if (!petrel_session_is_connected (self))
    return;

  presence = xmpp_node_new ("presence", XMPP_NS_CLIENT);
  xmpp_caps_add_to_presence (self->client, presence);
  xmpp_client_send (self->client, presence);
}

gboolean
petrel_session_send_message (PetrelSession  *self,
                             const char     *to,
                             const char     *body,
                             GError        **error)
{
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(XmppNode) message = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (PETREL_IS_SESSION (self), FALSE);
  g_return_val_if_fail (to != NULL && body != NULL, FALSE);

  jid = xmpp_jid_parse (to, error);
  if (jid == NULL)
    return FALSE;

  if (!petrel_session_is_connected (self))
    {
      g_set_error_literal (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED, "Not connected");
      return FALSE;
    }

  id = xmpp_client_new_id ();
  message = xmpp_message_new_chat (jid, id, body);
  xmpp_client_send (self->client, message);

  return TRUE;
}

static void
ping_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!xmpp_ping_finish (XMPP_CLIENT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
petrel_session_ping_async (PetrelSession       *self,
                           const char          *jid,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppJid) to = NULL;
  GError *error = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_ping_async);
  if (!check_connected (self, task))
    return;

  to = parse_optional_jid (jid, &error);
  if (jid != NULL && to == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  xmpp_ping_async (self->client, to, cancellable, ping_cb, g_steal_pointer (&task));
}

gboolean
petrel_session_ping_finish (PetrelSession  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
petrel_session_confirm_async (PetrelSession       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  /* The server handles one client's stanzas in order, so its answer to a
   * ping proves it took everything sent before. */
  petrel_session_ping_async (self, NULL, cancellable, callback, user_data);
}

gboolean
petrel_session_confirm_finish (PetrelSession  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  return petrel_session_ping_finish (self, result, error);
}

static void
disco_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  XmppNode *query;

  query = xmpp_disco_info_finish (XMPP_CLIENT (source), result, &error);
  if (query == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, query, (GDestroyNotify) xmpp_node_unref);
}

void
petrel_session_disco_info_async (PetrelSession       *self,
                                 const char          *jid,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppJid) to = NULL;
  GError *error = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_disco_info_async);
  if (!check_connected (self, task))
    return;

  to = jid ? xmpp_jid_parse (jid, &error)
           : xmpp_jid_new (NULL, xmpp_jid_get_domain (self->jid), NULL, &error);
  if (to == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  xmpp_disco_info_async (self->client, to, NULL, cancellable, disco_cb, g_steal_pointer (&task));
}

XmppNode *
petrel_session_disco_info_finish (PetrelSession  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Roster (RFC 6121 §2) */

static void
roster_get_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autofree char *version = NULL;
  GError *error = NULL;

  items = xmpp_roster_get_finish (XMPP_CLIENT (source), result, &version, NULL, &error);
  if (items == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  contacts = g_ptr_array_new_full (items->len, g_object_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (contacts, contact_from_item (g_ptr_array_index (items, i)));
  g_task_return_pointer (task, g_steal_pointer (&contacts), (GDestroyNotify) g_ptr_array_unref);
}

void
petrel_session_fetch_roster_async (PetrelSession       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_fetch_roster_async);
  if (!check_connected (self, task))
    return;

  xmpp_roster_get_async (self->client, NULL, cancellable, roster_get_cb, g_steal_pointer (&task));
}

GPtrArray *
petrel_session_fetch_roster_finish (PetrelSession  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
roster_change_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (task) == petrel_session_roster_set_async)
    ok = xmpp_roster_set_finish (XMPP_CLIENT (source), result, &error);
  else
    ok = xmpp_roster_remove_finish (XMPP_CLIENT (source), result, &error);

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
petrel_session_roster_set_async (PetrelSession       *self,
                                 const char          *jid,
                                 const char          *name,
                                 const char * const  *groups,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppJid) contact = NULL;
  GError *error = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));
  g_return_if_fail (jid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_roster_set_async);
  if (!check_connected (self, task))
    return;

  contact = xmpp_jid_parse (jid, &error);
  if (contact == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  xmpp_roster_set_async (self->client, contact, name, groups, cancellable,
                         roster_change_cb, g_steal_pointer (&task));
}

gboolean
petrel_session_roster_set_finish (PetrelSession  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
petrel_session_roster_remove_async (PetrelSession       *self,
                                    const char          *jid,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppJid) contact = NULL;
  GError *error = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));
  g_return_if_fail (jid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_roster_remove_async);
  if (!check_connected (self, task))
    return;

  contact = xmpp_jid_parse (jid, &error);
  if (contact == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  xmpp_roster_remove_async (self->client, contact, cancellable,
                            roster_change_cb, g_steal_pointer (&task));
}

gboolean
petrel_session_roster_remove_finish (PetrelSession  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  xmpp_client_close_finish (XMPP_CLIENT (source), result, NULL);
  g_task_return_boolean (task, TRUE);
}

void
petrel_session_close_async (PetrelSession       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_close_async);

  if (self->client == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  xmpp_client_close_async (self->client, cancellable, close_cb, g_steal_pointer (&task));
}

gboolean
petrel_session_close_finish (PetrelSession  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
