/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Connection lifecycle of one account; the state machine is drawn in the header. */
#define G_LOG_DOMAIN "petrel-session"

#include "petrel-session-private.h"

#include "http-transport-provider.h"

#include "xep-0030-disco.h"
#include "xep-0092-version.h"
#include "xep-0199-ping.h"
#include "xep-0280-carbons.h"
#include "xep-0352-csi.h"
#include "xmpp-error.h"
#include "xmpp-sasl.h"

#define CAPS_NODE "https://petrel.im"
/* Half-open connections: probe after 12 s of silence, give up 10 s later. */
#define KEEPALIVE_IDLE 12
#define KEEPALIVE_TIMEOUT 10
#define BACKOFF_MAX_MS 60000

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ONLINE,
  SIGNAL_DISCONNECTED,
  SIGNAL_MESSAGE,
  SIGNAL_MESSAGE_STATE,
  SIGNAL_PRESENCE,
  SIGNAL_ROSTER_PUSH,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PetrelSession, petrel_session, G_TYPE_OBJECT)

static void attempt_connect (PetrelSession *self);

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

  self->keep_connected = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_signal_handler (&self->network_changed_id, self->monitor);
  g_clear_object (&self->monitor);
  if (self->sm != NULL)
    g_signal_handlers_disconnect_by_data (self->sm, self);
  drop_client (self);
  g_clear_object (&self->connector);
  g_clear_object (&self->sm);
  g_clear_object (&self->caps);

  G_OBJECT_CLASS (petrel_session_parent_class)->dispose (object);
}

static void
petrel_session_finalize (GObject *object)
{
  PetrelSession *self = PETREL_SESSION (object);

  g_assert (self->connect_task == NULL);
  g_clear_pointer (&self->record, petrel_account_record_free);
  g_clear_pointer (&self->jid, xmpp_jid_unref);
  g_clear_pointer (&self->roster, g_hash_table_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (petrel_session_parent_class)->finalize (object);
}

static void
petrel_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PetrelSession *self = PETREL_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_session_class_init (PetrelSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = petrel_session_dispose;
  object_class->finalize = petrel_session_finalize;
  object_class->get_property = petrel_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, PETREL_SESSION_OFFLINE, PETREL_SESSION_FAILED,
                      PETREL_SESSION_OFFLINE,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ONLINE] =
    g_signal_new ("online", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PETREL_TYPE_MESSAGE);
  signals[SIGNAL_MESSAGE_STATE] =
    g_signal_new ("message-state", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_PRESENCE] =
    g_signal_new ("presence", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_ROSTER_PUSH] =
    g_signal_new ("roster-push", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, PETREL_TYPE_CONTACT, G_TYPE_BOOLEAN);
}

static void
petrel_session_init (PetrelSession *self)
{
  self->caps = xmpp_caps_cache_new ();
  self->sm = xmpp_sm_new ();
  self->roster = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Entity caps verified once are kept in the store (XEP-0115 §8.4 cache). */
static GStrv
caps_load_cb (XmppCapsCache *cache,
              const char    *hash,
              const char    *ver,
              gpointer       user_data)
{
  PetrelSession *self = user_data;

  return petrel_db_caps_dup_features (self->db, hash, ver, NULL);
}

static void
caps_persist_cb (XmppCapsCache      *cache,
                 const char         *hash,
                 const char         *ver,
                 const char * const *features,
                 gpointer            user_data)
{
  PetrelSession *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!petrel_db_caps_put (self->db, hash, ver, features, &error))
    g_debug ("cannot store entity caps: %s", error->message);
}

PetrelSession *
petrel_session_new (const PetrelAccountRecord  *record,
                    PetrelDb                   *db,
                    GError                    **error)
{
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(PetrelSession) self = NULL;

  g_return_val_if_fail (record != NULL && record->jid != NULL, NULL);

  jid = xmpp_jid_parse (record->jid, error);
  if (jid == NULL)
    return NULL;

  self = g_object_new (PETREL_TYPE_SESSION, NULL);
  self->record = petrel_account_record_copy (record);
  self->jid = g_steal_pointer (&jid);
  self->db = db;

  if (db != NULL)
    {
      if (!petrel_db_account_ensure (db, xmpp_jid_get_bare_string (self->jid), &self->account_id, error))
        return NULL;
      petrel_session_roster_load (self);
      xmpp_caps_cache_set_load_func (self->caps, caps_load_cb, self);
      xmpp_caps_cache_set_persist_func (self->caps, caps_persist_cb, self, NULL);
    }
  petrel_session_messages_attach (self);

  return g_steal_pointer (&self);
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

void
petrel_session_set_inactive (PetrelSession *self,
                             gboolean       inactive)
{
  g_return_if_fail (PETREL_IS_SESSION (self));

  self->inactive = inactive;
  if (petrel_session_is_connected (self) && self->state == PETREL_SESSION_ONLINE)
    xmpp_csi_set_active (self->client, !inactive);
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

PetrelSessionState
petrel_session_get_state (PetrelSession *self)
{
  g_return_val_if_fail (PETREL_IS_SESSION (self), PETREL_SESSION_OFFLINE);

  return self->state;
}

const GError *
petrel_session_get_error (PetrelSession *self)
{
  g_return_val_if_fail (PETREL_IS_SESSION (self), NULL);

  return self->error;
}

void
petrel_session_set_state (PetrelSession      *self,
                          PetrelSessionState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
petrel_session_emit_message (PetrelSession         *self,
                             const PetrelDbMessage *row,
                             const char            *from,
                             const char            *to,
                             const char            *type)
{
  static const char * const states[] = { "pending", "sent", "delivered", "displayed", "failed" };
  g_autoptr(PetrelMessage) message = NULL;
  g_autoptr(GDateTime) time = NULL;
  gint64 usec = row->server_time ? row->server_time : row->local_time;

  time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  message = g_object_new (PETREL_TYPE_MESSAGE,
                          "account", petrel_session_get_account (self),
                          "from", from,
                          "to", to,
                          "type", type,
                          "id", row->origin_id,
                          "origin-id", row->origin_id,
                          "stanza-id", row->stanza_id,
                          "outgoing", row->direction == PETREL_DB_DIRECTION_OUTGOING,
                          "state", states[MIN ((guint) row->state, G_N_ELEMENTS (states) - 1)],
                          "row-id", row->id,
                          "sort-time", row->server_time ? row->server_time : row->local_time,
                          "body", row->body,
                          "time", time,
                          NULL);
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, message);
}

/* Presence (RFC 6121 §4) */

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

static void
send_initial_presence (PetrelSession *self)
{
  g_autoptr(XmppNode) presence = xmpp_node_new ("presence", XMPP_NS_CLIENT);
  const char *show = petrel_session_get_presence_show (self);
  const char *status = petrel_session_get_presence_status (self);

  if (show != NULL)
    xmpp_node_set_text (xmpp_node_add_child (presence, "show", NULL), show);
  if (status != NULL)
    xmpp_node_set_text (xmpp_node_add_child (presence, "status", NULL), status);

  xmpp_caps_add_to_presence (self->client, presence);
  xmpp_client_send (self->client, presence);
}

/* Connecting */

static gboolean
is_fatal (const GError *error)
{
  /* A rejected password or certificate does not get better by trying
   * again, nor does an insecure WebSocket or BOSH URL (configured, or a
   * redirect to one); the user has to act. */
  return error->domain == XMPP_SASL_ERROR ||
         g_error_matches (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS) ||
         g_error_matches (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NO_TLS) ||
         g_error_matches (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_INSECURE_URL) ||
         g_error_matches (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_SEE_OTHER_URI) ||
         g_error_matches (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_UNSUPPORTED);
}

static void
complete_connect (PetrelSession *self,
                  const GError  *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  if (task == NULL)
    return;
  if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
reconnect_cb (gpointer user_data)
{
  PetrelSession *self = user_data;

  self->reconnect_id = 0;
  attempt_connect (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (PetrelSession *self)
{
  guint delay;

  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->attempt++;

  /* Exponential backoff with ±25 % jitter, so clients cut off together do
   * not all come back in the same second. */
  delay = self->attempt >= 8 ? BACKOFF_MAX_MS : MIN (BACKOFF_MAX_MS, 500u << (self->attempt - 1));
  delay = (guint) (delay * g_random_double_range (0.75, 1.25));
  g_debug ("reconnecting in %u ms (attempt %u)", delay, self->attempt);

  petrel_session_set_state (self, PETREL_SESSION_WAITING);
  self->reconnect_id = g_timeout_add (delay, reconnect_cb, self);
}

static void
connection_lost (PetrelSession *self,
                 const GError  *error)
{
  if (error != NULL && error != self->error)
    {
      g_clear_error (&self->error);
      self->error = g_error_copy (error);
    }

  complete_connect (self, error);

  if (error != NULL && is_fatal (error))
    {
      self->keep_connected = FALSE;
      xmpp_sm_reset (self->sm);
      petrel_session_set_state (self, PETREL_SESSION_FAILED);
    }
  else if (self->keep_connected)
    {
      schedule_reconnect (self);
    }
  else
    {
      petrel_session_set_state (self, PETREL_SESSION_OFFLINE);
    }
}

static void
client_disconnected_cb (XmppClient   *client,
                        const GError *error,
                        gpointer      user_data)
{
  PetrelSession *self = g_object_ref (user_data);

  /* drop_client() releases the client while it is emitting this signal. */
  g_object_ref (client);
  drop_client (self);
  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, error);
  connection_lost (self, error);
  g_object_unref (client);
  g_object_unref (self);
}

static void
ready (PetrelSession *self,
       gboolean       resumed)
{
  self->attempt = 0;
  g_clear_error (&self->error);
  petrel_session_set_state (self, PETREL_SESSION_ONLINE);
  g_signal_emit (self, signals[SIGNAL_ONLINE], 0, resumed);
  complete_connect (self, NULL);
}

/* Fresh sessions in FULL mode: carbons before the archive query and the
 * initial presence (XEP-0280 §6), the roster before presence (RFC 6121
 * §2.2), then the catch-up, so nothing sent meanwhile is missed. */

static void
setup_failed (PetrelSession *self,
              GError        *error)
{
  if (self->client != NULL && xmpp_client_is_connected (self->client))
    {
      /* Not a transport problem: close and try again later. */
      g_debug ("session setup failed: %s", error->message);
      xmpp_client_close_async (self->client, NULL, NULL, NULL);
    }
  g_error_free (error);
}

static void
catch_up_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PetrelSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (petrel_session_catch_up_finish (self, result, &error) < 0)
    {
      if (!petrel_session_is_connected (self))
        return;
      /* No archive, or it refused: live delivery still works. */
      g_debug ("archive catch-up failed: %s", error->message);
    }
  else
    {
      self->caught_up = TRUE;
    }
  if (!petrel_session_is_connected (self))
    return;

  /* CSI first: an inactive client then does not get the whole flood of
   * presences that answers the initial one (XEP-0352 §1). */
  if (xmpp_csi_is_supported (self->client))
    xmpp_csi_set_active (self->client, !self->inactive);
  send_initial_presence (self);
  ready (self, FALSE);
}

static void
roster_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PetrelSession) self = user_data;
  g_autoptr(GPtrArray) contacts = NULL;
  GError *error = NULL;

  contacts = petrel_session_fetch_roster_finish (self, result, &error);
  if (contacts == NULL)
    {
      setup_failed (self, error);
      return;
    }

  petrel_session_catch_up_async (self, self->cancellable, catch_up_cb, g_object_ref (self));
}

static void
carbons_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PetrelSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!xmpp_carbons_enable_finish (XMPP_CLIENT (source), result, &error))
    g_debug ("carbons not enabled: %s", error->message);
  if (!petrel_session_is_connected (self))
    return;

  petrel_session_fetch_roster_async (self, self->cancellable, roster_cb, g_object_ref (self));
}

static void
trust_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PetrelSession) self = user_data;

  if (!petrel_session_is_connected (self))
    return;

  xmpp_carbons_enable_async (self->client, self->cancellable, carbons_cb, g_object_ref (self));
}

static void
resumed_catch_up_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(PetrelSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (petrel_session_catch_up_finish (self, result, &error) < 0)
    g_debug ("archive catch-up after resumption failed: %s", error->message);
  else
    self->caught_up = TRUE;
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
  petrel_session_roster_attach (self);
  xmpp_client_add_handler (client, XMPP_STANZA_PRESENCE, NULL, NULL, XMPP_SENDER_ANY, 100,
                           presence_cb, self, NULL);
  g_signal_connect (client, "disconnected", G_CALLBACK (client_disconnected_cb), self);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PetrelSession) self = user_data;
  g_autoptr(XmppConnector) connector = g_steal_pointer (&self->connector);
  g_autoptr(XmppStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gboolean resumed;

  stream = xmpp_connector_connect_finish (XMPP_CONNECTOR (source), result, &error);
  if (stream == NULL)
    {
      connection_lost (self, error);
      return;
    }

  resumed = xmpp_connector_get_resumed (connector);
  self->connected_at = g_get_real_time ();
  self->client = xmpp_client_new (stream, xmpp_connector_get_bound_jid (connector));
  self->bound = g_strdup (xmpp_jid_to_string (xmpp_connector_get_bound_jid (connector)));
  xmpp_client_set_stream_features (self->client, xmpp_connector_get_features (connector));
  xmpp_client_set_keepalive (self->client, KEEPALIVE_IDLE, KEEPALIVE_TIMEOUT);
  attach_modules (self);
  petrel_session_messages_attach_client (self);

  if (self->mode == PETREL_SESSION_MODE_QUERY)
    {
      ready (self, FALSE);
      return;
    }

  xmpp_sm_attach (self->sm, self->client);
  if (resumed)
    {
      /* XEP-0198 §5: the server kept roster, presence and carbons; only
       * what it did not receive goes again. */
      g_debug ("session resumed");
      xmpp_sm_resend (self->sm);
      petrel_session_messages_reset (self, TRUE);
      ready (self, TRUE);
      /* While the session hibernated, the server may have routed messages
       * to offline storage instead of its queue; only the archive has
       * them now.  Usually one empty page. */
      if (self->mode == PETREL_SESSION_MODE_FULL && petrel_session_is_connected (self))
        petrel_session_catch_up_async (self, self->cancellable, resumed_catch_up_cb, g_object_ref (self));
      return;
    }

  petrel_session_messages_reset (self, FALSE);
  xmpp_sm_enable (self->sm);
  petrel_session_flush (self);

  if (self->mode == PETREL_SESSION_MODE_SEND)
    {
      ready (self, FALSE);
      return;
    }

  petrel_session_trust_stanza_ids_async (self, trust_cb, g_object_ref (self));
}

/* One provider (one HTTP session, one connection pool) for every account. */
static XmppTransportProvider *
get_transport_provider (void)
{
  static HttpTransportProvider *provider;

  /* Sessions live on the main thread only. */
  if (provider == NULL)
    provider = http_transport_provider_new ();

  return XMPP_TRANSPORT_PROVIDER (provider);
}

static void
attempt_connect (PetrelSession *self)
{
  XmppConnectorConfig config = { 0 };
  XmppTransportKind transport;

  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (self->connector != NULL || self->client != NULL)
    return;

  if (self->record->password == NULL)
    {
      g_autoptr(GError) error = g_error_new (PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                                             "No password is stored for %s", self->record->jid);
      self->keep_connected = FALSE;
      connection_lost (self, error);
      return;
    }

  if (!xmpp_transport_kind_from_string (self->record->transport, &transport))
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                             "Unknown transport “%s” for %s",
                                             self->record->transport, self->record->jid);
      self->keep_connected = FALSE;
      connection_lost (self, error);
      return;
    }

  petrel_session_set_state (self, PETREL_SESSION_CONNECTING);
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
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
  config.sm = self->mode == PETREL_SESSION_MODE_QUERY ? NULL : self->sm;
  config.transport = transport;
  config.websocket_url = self->record->websocket_url;
  config.bosh_url = self->record->bosh_url;
  config.allow_insecure_loopback_ws = self->record->insecure_loopback;
  config.provider = get_transport_provider ();

  self->connector = xmpp_connector_new (&config);
  xmpp_connector_connect_async (self->connector, self->cancellable, connect_cb, g_object_ref (self));
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  PetrelSession *self = user_data;

  /* A new network is the best moment to try again: skip the backoff. */
  if (available && self->state == PETREL_SESSION_WAITING)
    {
      g_debug ("network changed: reconnecting now");
      self->attempt = 0;
      attempt_connect (self);
    }
}

void
petrel_session_connect_async (PetrelSession       *self,
                              PetrelSessionMode    mode,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_connect_async);

  if (self->connect_task != NULL || self->client != NULL || self->connector != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "Already connected");
      return;
    }

  self->mode = mode;
  self->connect_task = g_steal_pointer (&task);
  attempt_connect (self);
}

gboolean
petrel_session_connect_finish (PetrelSession  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
petrel_session_start (PetrelSession     *self,
                      PetrelSessionMode  mode)
{
  g_return_if_fail (PETREL_IS_SESSION (self));

  self->mode = mode;
  self->keep_connected = TRUE;
  self->attempt = 0;

  if (self->monitor == NULL)
    {
      self->monitor = g_object_ref (g_network_monitor_get_default ());
      self->network_changed_id = g_signal_connect (self->monitor, "network-changed",
                                                   G_CALLBACK (network_changed_cb), self);
    }

  attempt_connect (self);
}

static void
stop_close_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  xmpp_client_close_finish (XMPP_CLIENT (source), result, NULL);
  g_task_return_boolean (task, TRUE);
}

void
petrel_session_stop_async (PetrelSession       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_stop_async);

  self->keep_connected = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (self->connector != NULL && self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  if (self->client == NULL)
    {
      petrel_session_set_state (self, PETREL_SESSION_OFFLINE);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* A closed stream cannot be resumed (XEP-0198 §5). */
  xmpp_sm_reset (self->sm);
  xmpp_client_close_async (self->client, cancellable, stop_close_cb, g_steal_pointer (&task));
}

gboolean
petrel_session_stop_finish (PetrelSession  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Requests */

gboolean
petrel_session_check_connected (PetrelSession *self,
                                GTask         *task)
{
  if (petrel_session_is_connected (self))
    return TRUE;

  g_task_return_new_error (task, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED, "Not connected");
  return FALSE;
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
  if (!petrel_session_check_connected (self, task))
    return;

  if (jid != NULL && (to = xmpp_jid_parse (jid, &error)) == NULL)
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
  if (!petrel_session_check_connected (self, task))
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
