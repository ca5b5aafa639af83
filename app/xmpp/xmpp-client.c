/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xmpp-client"

#include "xmpp-client.h"

#include "xmpp-error.h"

#define DEFAULT_IQ_TIMEOUT 30
#define CLOSE_TIMEOUT 3

typedef struct
{
  guint id;
  XmppStanzaKind kind;
  const char *name;   /* interned */
  const char *ns;     /* interned */
  XmppSenderPolicy policy;
  int priority;
  XmppStanzaHandler func;
  gpointer data;
  GDestroyNotify destroy;
} Handler;

typedef struct
{
  XmppClient *client;  /* not owned: the client outlives its pending IQs */
  GTask *task;
  char *id;
  XmppJid *to;
  guint timeout_id;
  gulong cancel_id;
  guint cancel_idle_id;
} PendingIq;

struct _XmppClient
{
  GObject parent_instance;

  XmppStream *stream;
  XmppJid *jid;
  XmppJid *bare;

  GPtrArray *handlers;
  guint last_handler_id;
  GHashTable *pending;   /* id → PendingIq */
  GPtrArray *features;   /* sorted, NULL-terminated */
  XmppNode *stream_features;

  const XmppClientHooks *hooks;
  gpointer hooks_data;

  /* Keepalive (half-open connection detection) */
  guint keepalive_id;
  guint idle_seconds;
  guint timeout_seconds;
  gint64 last_rx;
  gint64 probe_sent;
  /* Transport streams: bytes received at the last tick (a pong is no
   * stanza, but proves the link alive). */
  guint64 last_bytes_in;

  GCancellable *read_cancellable;
  gboolean connected;
  gboolean closing;
  GTask *close_task;
  guint close_timeout_id;
};

enum {
  SIGNAL_DISCONNECTED,
  SIGNAL_FEATURES_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (XmppClient, xmpp_client, G_TYPE_OBJECT)

static void
handler_free (gpointer data)
{
  Handler *h = data;

  if (h->destroy != NULL)
    h->destroy (h->data);
  g_free (h);
}

static void
pending_free (gpointer data)
{
  PendingIq *p = data;

  g_clear_handle_id (&p->timeout_id, g_source_remove);
  g_clear_handle_id (&p->cancel_idle_id, g_source_remove);
  if (p->cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (p->task), p->cancel_id);
  g_clear_object (&p->task);
  g_clear_pointer (&p->to, xmpp_jid_unref);
  g_free (p->id);
  g_free (p);
}

static void
fail_pending (XmppClient   *self,
              const GError *error)
{
  g_autoptr(GList) values = NULL;
  GHashTable *pending = g_steal_pointer (&self->pending);

  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, pending_free);
  values = g_hash_table_get_values (pending);
  for (GList *l = values; l != NULL; l = l->next)
    {
      PendingIq *p = l->data;

      g_task_return_error (p->task, g_error_copy (error));
    }
  g_hash_table_unref (pending);
}

static void
xmpp_client_dispose (GObject *object)
{
  XmppClient *self = XMPP_CLIENT (object);

  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->read_cancellable);
  g_clear_handle_id (&self->close_timeout_id, g_source_remove);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);

  if (self->pending != NULL && g_hash_table_size (self->pending) > 0)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "The connection was released");
      fail_pending (self, error);
    }
  if (self->stream != NULL && self->connected)
    xmpp_stream_close (self->stream);
  self->connected = FALSE;
  g_clear_object (&self->stream);
  g_clear_pointer (&self->handlers, g_ptr_array_unref);

  G_OBJECT_CLASS (xmpp_client_parent_class)->dispose (object);
}

static void
xmpp_client_finalize (GObject *object)
{
  XmppClient *self = XMPP_CLIENT (object);

  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->features, g_ptr_array_unref);
  g_clear_pointer (&self->stream_features, xmpp_node_unref);
  g_clear_pointer (&self->jid, xmpp_jid_unref);
  g_clear_pointer (&self->bare, xmpp_jid_unref);

  G_OBJECT_CLASS (xmpp_client_parent_class)->finalize (object);
}

static void
xmpp_client_class_init (XmppClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xmpp_client_dispose;
  object_class->finalize = xmpp_client_finalize;

  /**
   * XmppClient::disconnected:
   * @error: (nullable): why the stream ended, %NULL after a requested close
   */
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  signals[SIGNAL_FEATURES_CHANGED] =
    g_signal_new ("features-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
xmpp_client_init (XmppClient *self)
{
  self->handlers = g_ptr_array_new_with_free_func (handler_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, pending_free);
  self->features = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->features, NULL);
  self->read_cancellable = g_cancellable_new ();
}

/* Ending */

static void
finish_close (XmppClient *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->close_task);

  g_clear_handle_id (&self->close_timeout_id, g_source_remove);
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

static void
disconnected (XmppClient   *self,
              const GError *error)
{
  g_autoptr(GError) pending_error = NULL;

  if (!self->connected)
    return;

  self->connected = FALSE;
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  g_cancellable_cancel (self->read_cancellable);
  xmpp_stream_close (self->stream);

  pending_error = error ? g_error_copy (error)
                        : g_error_new_literal (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                                               "The connection was closed");
  fail_pending (self, pending_error);

  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, self->closing ? NULL : error);
  finish_close (self);
}

/* Sender policies (DESIGN.md, SECURITY.md) */

gboolean
xmpp_client_sender_allowed (XmppClient       *self,
                            const XmppJid    *from,
                            XmppSenderPolicy  policy)
{
  gboolean own_bare, own_account, server;

  g_return_val_if_fail (XMPP_IS_CLIENT (self), FALSE);

  if (policy == XMPP_SENDER_ANY || from == NULL)
    return TRUE;

  own_account = xmpp_jid_equal_bare (from, self->bare);
  own_bare = own_account && xmpp_jid_is_bare (from);
  server = xmpp_jid_get_local (from) == NULL && xmpp_jid_is_bare (from) &&
           g_str_equal (xmpp_jid_get_domain (from), xmpp_jid_get_domain (self->jid));

  switch (policy)
    {
    case XMPP_SENDER_OWN_BARE:
      return own_bare;
    case XMPP_SENDER_OWN_ACCOUNT:
      return own_account;
    case XMPP_SENDER_SERVER:
      return server;
    case XMPP_SENDER_OWN_OR_SERVER:
      return own_bare || server;
    case XMPP_SENDER_ANY:
    default:
      return TRUE;
    }
}

/* Routing */

static gboolean
handler_matches (const Handler  *h,
                 XmppStanzaKind  kind,
                 const XmppNode *stanza,
                 const XmppNode *payload)
{
  if (h->kind != kind)
    return FALSE;
  if (h->name == NULL)
    return TRUE;
  if (payload != NULL)
    return xmpp_node_is (payload, h->name, h->ns);

  return xmpp_node_get_child (stanza, h->name, h->ns) != NULL;
}

static gboolean
is_stanza (const XmppNode *node)
{
  return xmpp_node_is (node, "message", XMPP_NS_CLIENT) ||
         xmpp_node_is (node, "presence", XMPP_NS_CLIENT) ||
         xmpp_node_is (node, "iq", XMPP_NS_CLIENT);
}

/* Every stanza leaves through here, so stream management counts them all. */
static void
send_stanza (XmppClient     *self,
             const XmppNode *stanza)
{
  xmpp_stream_send (self->stream, stanza);
  if (self->hooks != NULL && self->hooks->stanza_sent != NULL && is_stanza (stanza))
    self->hooks->stanza_sent (self->hooks_data, stanza);
}

static void
reply_error (XmppClient      *self,
             const XmppNode  *stanza,
             XmppStanzaError  code,
             const char      *type)
{
  g_autoptr(XmppNode) reply = xmpp_stanza_make_error_reply (stanza, code, type);

  send_stanza (self, reply);
}

static void
route (XmppClient     *self,
       XmppStanzaKind  kind,
       XmppNode       *stanza)
{
  g_autoptr(XmppJid) from = NULL;
  g_autoptr(GPtrArray) snapshot = NULL;
  gboolean is_iq = kind == XMPP_STANZA_IQ_GET || kind == XMPP_STANZA_IQ_SET;
  const char *from_attr = xmpp_node_get_attr (stanza, "from");
  XmppNode *payload = NULL;

  if (from_attr != NULL)
    {
      g_autoptr(GError) error = NULL;

      from = xmpp_jid_parse (from_attr, &error);
      if (from == NULL)
        {
          g_debug ("dropping <%s/> with an invalid sender", xmpp_node_get_name (stanza));
          return;
        }
    }

  if (is_iq)
    {
      /* RFC 6120 §8.2.3: exactly one payload child. */
      if (xmpp_node_get_n_children (stanza) != 1)
        {
          reply_error (self, stanza, XMPP_STANZA_ERROR_BAD_REQUEST, "modify");
          return;
        }
      payload = xmpp_node_get_child_at (stanza, 0);
    }

  /* Handlers may add or remove handlers; walk a snapshot. */
  snapshot = g_ptr_array_new ();
  for (guint i = 0; i < self->handlers->len; i++)
    g_ptr_array_add (snapshot, g_ptr_array_index (self->handlers, i));

  for (guint i = 0; i < snapshot->len; i++)
    {
      Handler *h = g_ptr_array_index (snapshot, i);

      if (!g_ptr_array_find (self->handlers, h, NULL))
        continue;
      if (!handler_matches (h, kind, stanza, payload))
        continue;

      if (!xmpp_client_sender_allowed (self, from, h->policy))
        {
          g_debug ("dropping <%s/> from an unauthorised sender", xmpp_node_get_name (stanza));
          if (is_iq)
            {
              reply_error (self, stanza, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE, "cancel");
              return;
            }
          continue;
        }

      if (h->func (self, stanza, from, h->data))
        return;
      if (!self->connected)
        return;
    }

  if (is_iq)
    reply_error (self, stanza, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE, "cancel");
}

static gboolean
reply_sender_matches (XmppClient      *self,
                      const PendingIq *p,
                      const XmppJid   *from)
{
  /* A request to the own account (no `to`, or the bare JID) is answered
   * by the server on the account's behalf: no `from`, the bare JID, the
   * full JID, or the server's own domain (RFC 6120 §8.1.2.1, §10.3.3). */
  if (p->to == NULL || xmpp_jid_equal (p->to, self->bare))
    return from == NULL || xmpp_jid_equal (from, self->bare) || xmpp_jid_equal (from, self->jid) ||
           xmpp_client_sender_allowed (self, from, XMPP_SENDER_SERVER);

  return from != NULL && xmpp_jid_equal (from, p->to);
}

static void
complete_iq (XmppClient *self,
             XmppNode   *stanza)
{
  const char *id = xmpp_node_get_attr (stanza, "id");
  const char *from_attr = xmpp_node_get_attr (stanza, "from");
  g_autoptr(XmppJid) from = NULL;
  PendingIq *p;
  GTask *task;

  if (id == NULL || (p = g_hash_table_lookup (self->pending, id)) == NULL)
    {
      g_debug ("dropping an IQ reply nobody asked for");
      return;
    }

  if (from_attr != NULL && (from = xmpp_jid_parse (from_attr, NULL)) == NULL)
    return;

  /* SECURITY.md: the id alone is not enough; a stranger who guessed it
   * must not be able to answer for the entity that was asked. */
  if (!reply_sender_matches (self, p, from))
    {
      g_debug ("dropping an IQ reply from the wrong entity");
      return;
    }

  task = g_object_ref (p->task);
  g_hash_table_remove (self->pending, id);

  if (g_str_equal (xmpp_node_get_attr (stanza, "type"), "result"))
    g_task_return_pointer (task, xmpp_node_ref (stanza), (GDestroyNotify) xmpp_node_unref);
  else
    g_task_return_error (task, xmpp_stanza_error_from_node (stanza));
  g_object_unref (task);
}

static void
dispatch (XmppClient *self,
          XmppNode   *stanza)
{
  const char *type = xmpp_node_get_attr (stanza, "type");

  if (xmpp_node_is (stanza, "error", XMPP_NS_STREAM))
    {
      g_autoptr(GError) error = xmpp_stream_error_from_node (stanza);

      disconnected (self, error);
      return;
    }

  if (xmpp_node_is (stanza, "iq", XMPP_NS_CLIENT))
    {
      if (g_strcmp0 (type, "result") == 0 || g_strcmp0 (type, "error") == 0)
        complete_iq (self, stanza);
      else if (g_strcmp0 (type, "get") == 0)
        route (self, XMPP_STANZA_IQ_GET, stanza);
      else if (g_strcmp0 (type, "set") == 0)
        route (self, XMPP_STANZA_IQ_SET, stanza);
      else
        reply_error (self, stanza, XMPP_STANZA_ERROR_BAD_REQUEST, "modify");
    }
  else if (xmpp_node_is (stanza, "message", XMPP_NS_CLIENT))
    {
      route (self, XMPP_STANZA_MESSAGE, stanza);
    }
  else if (xmpp_node_is (stanza, "presence", XMPP_NS_CLIENT))
    {
      route (self, XMPP_STANZA_PRESENCE, stanza);
    }
  else if (self->hooks == NULL || self->hooks->nonza == NULL ||
           !self->hooks->nonza (self->hooks_data, stanza))
    {
      g_debug ("ignoring <%s/>", xmpp_node_get_name (stanza));
      return;
    }
  else
    {
      return;
    }

  if (self->connected && self->hooks != NULL && self->hooks->stanza_handled != NULL)
    self->hooks->stanza_handled (self->hooks_data, stanza);
}

static void read_next (XmppClient *self);

/* The RFC 6120 §4.9.3 stream error for what the reader refused. */
static const char *
reader_error_condition (int code)
{
  switch (code)
    {
    case XMPP_READER_ERROR_RESTRICTED_XML:
      return "restricted-xml";
    case XMPP_READER_ERROR_BAD_ENCODING:
      return "unsupported-encoding";
    case XMPP_READER_ERROR_LIMIT:
      return "policy-violation";
    case XMPP_READER_ERROR_NOT_WELL_FORMED:
    case XMPP_READER_ERROR_CLOSED:
    default:
      return "not-well-formed";
    }
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(XmppClient) self = g_weak_ref_get (weak);
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(GError) error = NULL;
  XmppReaderEvent event;

  g_weak_ref_clear (weak);
  g_free (weak);

  event = xmpp_stream_read_finish (XMPP_STREAM (source), result, &node, &error);
  if (self == NULL || !self->connected)
    return;

  switch (event)
    {
    case XMPP_READER_EVENT_STANZA:
      self->last_rx = g_get_monotonic_time ();
      dispatch (self, node);
      if (self->connected)
        read_next (self);
      break;

    case XMPP_READER_EVENT_STREAM_CLOSE:
      {
        g_autoptr(GError) closed = g_error_new_literal (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                                                        "The server closed the stream");
        disconnected (self, closed);
      }
      break;

    case XMPP_READER_EVENT_STREAM_OPEN:
      {
        g_autoptr(GError) bad = g_error_new_literal (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL,
                                                     "Unexpected stream restart");
        disconnected (self, bad);
      }
      break;

    case XMPP_READER_EVENT_NONE:
    default:
      if (error->domain == XMPP_READER_ERROR)
        {
          g_autofree char *reason = g_strdup_printf ("The server sent invalid XML: %s",
                                                     error->message);

          /* RFC 6120 §4.9.3: say why before closing, where the stream
           * itself is still usable for it. */
          xmpp_client_fail_stream (self, reader_error_condition (error->code), NULL, reason);
        }
      else
        {
          disconnected (self, error);
        }
      break;
    }
}

static void
read_next (XmppClient *self)
{
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  g_weak_ref_init (weak, self);
  xmpp_stream_read_async (self->stream, self->read_cancellable, read_cb, weak);
}

XmppClient *
xmpp_client_new (XmppStream *stream,
                 XmppJid    *jid)
{
  XmppClient *self;

  g_return_val_if_fail (XMPP_IS_STREAM (stream), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  self = g_object_new (XMPP_TYPE_CLIENT, NULL);
  self->stream = g_object_ref (stream);
  self->jid = xmpp_jid_ref (jid);
  self->bare = xmpp_jid_dup_bare (jid);
  self->connected = TRUE;
  read_next (self);

  return self;
}

XmppJid *
xmpp_client_get_jid (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);

  return self->jid;
}

XmppStream *
xmpp_client_get_stream (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);

  return self->stream;
}

void
xmpp_client_set_stream_features (XmppClient *self,
                                 XmppNode   *features)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));

  g_clear_pointer (&self->stream_features, xmpp_node_unref);
  if (features != NULL)
    self->stream_features = xmpp_node_ref (features);
}

XmppNode *
xmpp_client_get_stream_feature (XmppClient *self,
                                const char *name,
                                const char *ns)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);

  if (self->stream_features == NULL)
    return NULL;

  return xmpp_node_get_child (self->stream_features, name, ns);
}

gboolean
xmpp_client_is_connected (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), FALSE);

  return self->connected;
}

static int
compare_priority (gconstpointer a,
                  gconstpointer b)
{
  const Handler *ha = *(const Handler * const *) a;
  const Handler *hb = *(const Handler * const *) b;

  if (ha->priority != hb->priority)
    return ha->priority < hb->priority ? -1 : 1;

  return ha->id < hb->id ? -1 : (ha->id > hb->id);
}

guint
xmpp_client_add_handler (XmppClient        *self,
                         XmppStanzaKind     kind,
                         const char        *child_name,
                         const char        *child_ns,
                         XmppSenderPolicy   policy,
                         int                priority,
                         XmppStanzaHandler  handler,
                         gpointer           user_data,
                         GDestroyNotify     destroy)
{
  Handler *h;

  g_return_val_if_fail (XMPP_IS_CLIENT (self), 0);
  g_return_val_if_fail (handler != NULL, 0);

  h = g_new0 (Handler, 1);
  h->id = ++self->last_handler_id;
  h->kind = kind;
  h->name = g_intern_string (child_name);
  h->ns = g_intern_string (child_ns);
  h->policy = policy;
  h->priority = priority;
  h->func = handler;
  h->data = user_data;
  h->destroy = destroy;
  g_ptr_array_add (self->handlers, h);
  g_ptr_array_sort (self->handlers, compare_priority);

  return h->id;
}

void
xmpp_client_remove_handler (XmppClient *self,
                            guint       id)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));

  for (guint i = 0; self->handlers != NULL && i < self->handlers->len; i++)
    {
      Handler *h = g_ptr_array_index (self->handlers, i);

      if (h->id == id)
        {
          g_ptr_array_remove_index (self->handlers, i);
          return;
        }
    }
}

void
xmpp_client_send (XmppClient     *self,
                  const XmppNode *stanza)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (stanza != NULL);

  if (!self->connected)
    return;

  send_stanza (self, stanza);
}

void
xmpp_client_send_nonza (XmppClient     *self,
                        const XmppNode *element)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (element != NULL);

  if (self->connected)
    xmpp_stream_send (self->stream, element);
}

void
xmpp_client_set_hooks (XmppClient            *self,
                       const XmppClientHooks *hooks,
                       gpointer               data)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));

  self->hooks = hooks;
  self->hooks_data = data;
}

static void
probe_ping_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  XmppNode *reply = xmpp_client_send_iq_finish (XMPP_CLIENT (source), result, NULL);

  g_clear_pointer (&reply, xmpp_node_unref);
}

static gboolean
keepalive_cb (gpointer user_data)
{
  XmppClient *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean on_transport = self->stream != NULL && xmpp_stream_get_transport (self->stream) != NULL;

  if (on_transport && xmpp_stream_get_bytes_in (self->stream) != self->last_bytes_in)
    {
      self->last_bytes_in = xmpp_stream_get_bytes_in (self->stream);
      self->last_rx = now;
    }

  if (self->probe_sent != 0)
    {
      if (self->last_rx >= self->probe_sent)
        {
          self->probe_sent = 0;
        }
      else if (now - self->probe_sent >= (gint64) self->timeout_seconds * G_USEC_PER_SEC)
        {
          g_autoptr(GError) error =
            g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TIMEOUT,
                         "No answer from the server for %u seconds",
                         (guint) ((now - self->last_rx) / G_USEC_PER_SEC));

          self->keepalive_id = 0;
          disconnected (self, error);
          return G_SOURCE_REMOVE;
        }
      return G_SOURCE_CONTINUE;
    }

  if (now - self->last_rx < (gint64) self->idle_seconds * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  /* The probe costs a few bytes; a dead link otherwise goes unnoticed
   * for as long as the kernel keeps retransmitting (many minutes). */
  self->probe_sent = now;
  if (on_transport)
    {
      /* WebSocket ping (answered by a pong), or an empty BOSH request
       * (which makes the server answer the held one): cheaper than a
       * stanza, and answered by the transport's own peer. */
      xmpp_stream_keepalive (self->stream);
      return G_SOURCE_CONTINUE;
    }
  if (self->hooks == NULL || self->hooks->probe == NULL || !self->hooks->probe (self->hooks_data))
    {
      g_autoptr(XmppJid) server = xmpp_jid_new (NULL, xmpp_jid_get_domain (self->jid), NULL, NULL);
      g_autoptr(XmppNode) ping = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                                                  XMPP_BUILD_ATTR, "type", "get",
                                                  XMPP_BUILD_ATTR, "to", xmpp_jid_to_string (server),
                                                  XMPP_BUILD_CHILD, "ping", "urn:xmpp:ping",
                                                  XMPP_BUILD_END);

      xmpp_client_send_iq_async (self, ping, self->timeout_seconds + 1, NULL, probe_ping_cb, NULL);
    }

  return G_SOURCE_CONTINUE;
}

void
xmpp_client_set_keepalive (XmppClient *self,
                           guint       idle_seconds,
                           guint       timeout_seconds)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));

  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  self->idle_seconds = idle_seconds;
  self->timeout_seconds = MAX (timeout_seconds, 1);
  self->probe_sent = 0;
  self->last_rx = g_get_monotonic_time ();
  self->last_bytes_in = self->stream != NULL ? xmpp_stream_get_bytes_in (self->stream) : 0;
  if (idle_seconds > 0 && self->connected)
    self->keepalive_id = g_timeout_add_seconds (1, keepalive_cb, self);
}

char *
xmpp_client_new_id (void)
{
  /* 96 random bits in 16 characters: unguessable, and shorter on the wire
   * than a UUID (every IQ and message carries one). */
  guint32 bits[3] = { g_random_int (), g_random_int (), g_random_int () };
  char *id = g_base64_encode ((const guchar *) bits, sizeof bits);

  g_strdelimit (id, "+", '-');
  g_strdelimit (id, "/", '_');

  return id;
}

static gboolean
iq_timeout_cb (gpointer user_data)
{
  PendingIq *p = user_data;
  XmppClient *self = p->client;
  GTask *task = g_object_ref (p->task);

  p->timeout_id = 0;
  g_hash_table_remove (self->pending, p->id);
  g_task_return_new_error (task, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TIMEOUT,
                           "No answer within the time limit");
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static gboolean
iq_cancelled_idle_cb (gpointer user_data)
{
  PendingIq *p = user_data;
  XmppClient *self = p->client;
  GTask *task = g_object_ref (p->task);

  p->cancel_idle_id = 0;
  g_hash_table_remove (self->pending, p->id);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

/* Runs inside g_cancellable_cancel(), where the handler cannot be
 * disconnected; the request is dropped from an idle callback instead. */
static void
iq_cancelled_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  PendingIq *p = user_data;

  if (p->cancel_idle_id == 0)
    p->cancel_idle_id = g_idle_add (iq_cancelled_idle_cb, p);
}

void
xmpp_client_send_iq_async (XmppClient          *self,
                           XmppNode            *iq,
                           guint                timeout_seconds,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *to;
  PendingIq *p;

  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (iq != NULL && xmpp_node_is (iq, "iq", NULL));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_client_send_iq_async);

  if (!self->connected)
    {
      g_task_return_new_error (task, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                               "Not connected");
      return;
    }

  p = g_new0 (PendingIq, 1);
  p->client = self;
  p->task = g_steal_pointer (&task);
  to = xmpp_node_get_attr (iq, "to");
  if (to != NULL && (p->to = xmpp_jid_parse (to, NULL)) == NULL)
    {
      g_task_return_new_error (p->task, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_JID_MALFORMED,
                               "Invalid address");
      pending_free (p);
      return;
    }

  if (xmpp_node_get_attr (iq, "id") == NULL || g_hash_table_contains (self->pending, xmpp_node_get_attr (iq, "id")))
    {
      g_autofree char *id = xmpp_client_new_id ();

      xmpp_node_set_attr (iq, "id", id);
    }
  p->id = g_strdup (xmpp_node_get_attr (iq, "id"));
  p->timeout_id = g_timeout_add_seconds (timeout_seconds ? timeout_seconds : DEFAULT_IQ_TIMEOUT,
                                         iq_timeout_cb, p);
  g_hash_table_insert (self->pending, p->id, p);
  if (cancellable != NULL)
    p->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (iq_cancelled_cb), p, NULL);
  send_stanza (self, iq);
}

XmppNode *
xmpp_client_send_iq_finish (XmppClient    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
xmpp_client_add_feature (XmppClient *self,
                         const char *ns)
{
  guint index;

  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (ns != NULL);

  /* Keep the list sorted (XEP-0115 §5.1 sorts them anyway). */
  for (index = 0; index + 1 < self->features->len; index++)
    {
      int cmp = strcmp (g_ptr_array_index (self->features, index), ns);

      if (cmp == 0)
        return;
      if (cmp > 0)
        break;
    }
  g_ptr_array_insert (self->features, index, g_strdup (ns));
  g_signal_emit (self, signals[SIGNAL_FEATURES_CHANGED], 0);
}

void
xmpp_client_remove_feature (XmppClient *self,
                            const char *ns)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (ns != NULL);

  for (guint i = 0; i + 1 < self->features->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (self->features, i), ns))
        {
          g_ptr_array_remove_index (self->features, i);
          g_signal_emit (self, signals[SIGNAL_FEATURES_CHANGED], 0);
          return;
        }
    }
}

const char * const *
xmpp_client_get_features (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);

  return (const char * const *) self->features->pdata;
}

void
xmpp_client_fail_stream (XmppClient     *self,
                         const char     *condition,
                         const XmppNode *application,
                         const char     *reason)
{
  g_autoptr(XmppNode) stream_error = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (condition != NULL);
  g_return_if_fail (reason != NULL);

  if (!self->connected)
    return;

  /* RFC 6120 §4.9.1.1: the error, then the closing tag, then the end. */
  stream_error = xmpp_node_new ("error", XMPP_NS_STREAM);
  xmpp_node_add_child (stream_error, condition, XMPP_NS_STREAMS);
  if (application != NULL)
    xmpp_node_take_child (stream_error, xmpp_node_copy (application));
  xmpp_stream_send (self->stream, stream_error);

  g_debug ("ending the stream with <%s/>: %s", condition, reason);
  error = g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL, "%s", reason);
  disconnected (self, error);
}

static gboolean
close_timeout_cb (gpointer user_data)
{
  XmppClient *self = user_data;

  self->close_timeout_id = 0;
  disconnected (self, NULL);

  return G_SOURCE_REMOVE;
}

void
xmpp_client_close_async (XmppClient          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (XMPP_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_client_close_async);

  if (!self->connected || self->close_task != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* RFC 6120 §4.4: send our closing tag, then wait a moment for the
   * server's so stanzas already in flight are not lost. */
  self->closing = TRUE;
  self->close_task = g_steal_pointer (&task);
  xmpp_stream_close (self->stream);
  self->close_timeout_id = g_timeout_add_seconds (CLOSE_TIMEOUT, close_timeout_cb, self);
}

gboolean
xmpp_client_close_finish (XmppClient    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
