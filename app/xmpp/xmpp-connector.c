/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The state machine is drawn in xmpp-connector.h. */
#define G_LOG_DOMAIN "xmpp-connector"

#include "xmpp-connector.h"

#include "xmpp-client.h"
#include "xmpp-error.h"
#include "xmpp-sasl.h"
#include "xep-0077-register.h"
#include "xep-0198-sm.h"

#define NS_SASL_CB "urn:xmpp:sasl-cb:0"
#define DEFAULT_TIMEOUT 30

typedef enum {
  STATE_IDLE,
  STATE_OPEN_PLAIN,
  STATE_FEATURES_PLAIN,
  STATE_STARTTLS,
  STATE_OPEN_SECURE,
  STATE_FEATURES_SASL,
  STATE_AUTH,
  STATE_OPEN_BOUND,
  STATE_FEATURES_BIND,
  STATE_BIND,
  STATE_SESSION,
  STATE_RESUME,
  STATE_DONE,
} State;

typedef struct
{
  char *host;
  guint16 port;
  gboolean direct_tls;
} Candidate;

typedef struct
{
  XmppTransportKind kind;
  char *url;
} HttpCandidate;

struct _XmppConnector
{
  GObject parent_instance;

  /* Configuration */
  XmppJid *jid;
  char *password;
  char *host;
  guint16 port;
  gboolean direct_tls;
  char *ca_file;
  char *resource;
  guint timeout_seconds;
  XmppStreamLogFunc log_func;
  gpointer log_data;
  GIOStream *test_base;
  XmppSm *sm;
  gboolean resumed;
  gboolean register_only;
  XmppTransportKind transport;
  char *websocket_url;
  char *bosh_url;
  gboolean allow_insecure_loopback_ws;
  XmppTransportProvider *provider;

  /* One attempt */
  GTask *task;
  GCancellable *cancellable;
  GCancellable *external;
  gulong external_id;
  guint timeout_id;
  gboolean timed_out;
  /* XEP-0198 §5: a server that never answers <resume/> (seen with a
   * server failing inside its resumption handler) must not hold the
   * attempt for the whole deadline, nor every later one. */
  guint resume_deadline_id;
  gboolean resume_timed_out;
  State state;

  GPtrArray *candidates;
  guint next_candidate;
  Candidate *current;
  GError *connect_error;
  gboolean srv_found;

  /* WebSocket and BOSH endpoints, in order, after TCP (auto) or alone. */
  GPtrArray *http_candidates;
  guint next_http_candidate;
  /* XEP-0156: the lookup runs once, possibly while TCP is still trying;
   * @found is its answer (fields %NULL when nothing was found). */
  gboolean discovering;
  gboolean waiting_for_discovery;
  XmppTransportEndpoints *found;

  /* Auto with HTTPS transports to fall back on: the TCP phase (resolve,
   * connect, TLS, up to the server's first stream header) has a deadline
   * of its own, so a network that silently drops XMPP still leaves time
   * for HTTPS. */
  GCancellable *tcp_cancellable;
  gulong tcp_chain_id;
  guint tcp_deadline_id;
  gboolean tcp_timed_out;
  gboolean tcp_answered;
  gboolean http_phase;

  XmppStream *stream;
  XmppSasl *sasl;
  GStrv offered_mechanisms;
  GStrv offered_cb_types;
  GBytes *cb_exporter;
  GBytes *cb_endpoint;
  char *mechanism;
  char *iq_id;
  XmppNode *features;
  XmppJid *bound;
};

G_DEFINE_FINAL_TYPE (XmppConnector, xmpp_connector, G_TYPE_OBJECT)

static void read_next (XmppConnector *self);
static void open_stream (XmppConnector *self,
                         State          state);

static void
candidate_free (gpointer data)
{
  Candidate *c = data;

  g_free (c->host);
  g_free (c);
}

static void
http_candidate_free (gpointer data)
{
  HttpCandidate *c = data;

  g_free (c->url);
  g_free (c);
}

static void
xmpp_connector_dispose (GObject *object)
{
  XmppConnector *self = XMPP_CONNECTOR (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->resume_deadline_id, g_source_remove);
  if (self->external != NULL && self->external_id != 0)
    g_cancellable_disconnect (self->external, self->external_id);
  self->external_id = 0;
  g_clear_object (&self->external);
  g_clear_handle_id (&self->tcp_deadline_id, g_source_remove);
  if (self->cancellable != NULL && self->tcp_chain_id != 0)
    g_cancellable_disconnect (self->cancellable, self->tcp_chain_id);
  self->tcp_chain_id = 0;
  g_clear_object (&self->tcp_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->stream);
  g_clear_object (&self->test_base);
  g_clear_object (&self->sm);
  g_clear_object (&self->provider);
  g_clear_object (&self->task);

  G_OBJECT_CLASS (xmpp_connector_parent_class)->dispose (object);
}

static void
xmpp_connector_finalize (GObject *object)
{
  XmppConnector *self = XMPP_CONNECTOR (object);

  g_clear_pointer (&self->jid, xmpp_jid_unref);
  if (self->password != NULL)
    explicit_bzero (self->password, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->resource, g_free);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_pointer (&self->http_candidates, g_ptr_array_unref);
  g_clear_pointer (&self->found, xmpp_transport_endpoints_free);
  g_clear_pointer (&self->websocket_url, g_free);
  g_clear_pointer (&self->bosh_url, g_free);
  g_clear_error (&self->connect_error);
  g_clear_pointer (&self->sasl, xmpp_sasl_free);
  g_clear_pointer (&self->offered_mechanisms, g_strfreev);
  g_clear_pointer (&self->offered_cb_types, g_strfreev);
  g_clear_pointer (&self->cb_exporter, g_bytes_unref);
  g_clear_pointer (&self->cb_endpoint, g_bytes_unref);
  g_clear_pointer (&self->mechanism, g_free);
  g_clear_pointer (&self->iq_id, g_free);
  g_clear_pointer (&self->features, xmpp_node_unref);
  g_clear_pointer (&self->bound, xmpp_jid_unref);

  G_OBJECT_CLASS (xmpp_connector_parent_class)->finalize (object);
}

static void
xmpp_connector_class_init (XmppConnectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xmpp_connector_dispose;
  object_class->finalize = xmpp_connector_finalize;
}

static void
xmpp_connector_init (XmppConnector *self)
{
  self->candidates = g_ptr_array_new_with_free_func (candidate_free);
  self->http_candidates = g_ptr_array_new_with_free_func (http_candidate_free);
}

XmppConnector *
xmpp_connector_new (const XmppConnectorConfig *config)
{
  XmppConnector *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->jid != NULL, NULL);
  g_return_val_if_fail (config->password != NULL || config->register_only, NULL);

  self = g_object_new (XMPP_TYPE_CONNECTOR, NULL);
  self->jid = xmpp_jid_ref (config->jid);
  self->password = g_strdup (config->password);
  self->host = g_strdup (config->host);
  self->port = config->port;
  self->direct_tls = config->direct_tls;
  self->ca_file = g_strdup (config->ca_file);
  self->resource = g_strdup (config->resource ? config->resource
                                              : xmpp_jid_get_resource (config->jid));
  self->timeout_seconds = config->timeout_seconds ? config->timeout_seconds : DEFAULT_TIMEOUT;
  self->log_func = config->log_func;
  self->log_data = config->log_data;
  self->register_only = config->register_only;
  if (config->sm != NULL && !config->register_only)
    self->sm = g_object_ref (XMPP_SM (config->sm));
  self->transport = config->transport;
  self->websocket_url = g_strdup (config->websocket_url && *config->websocket_url
                                    ? config->websocket_url : NULL);
  self->bosh_url = g_strdup (config->bosh_url && *config->bosh_url ? config->bosh_url : NULL);
  self->allow_insecure_loopback_ws = config->allow_insecure_loopback_ws;
  if (config->provider != NULL)
    self->provider = g_object_ref (XMPP_TRANSPORT_PROVIDER (config->provider));

  return self;
}

void
xmpp_connector_set_stream_for_testing (XmppConnector *self,
                                       GIOStream     *base)
{
  g_return_if_fail (XMPP_IS_CONNECTOR (self));
  g_return_if_fail (G_IS_IO_STREAM (base));

  g_set_object (&self->test_base, base);
}

XmppJid *
xmpp_connector_get_bound_jid (XmppConnector *self)
{
  g_return_val_if_fail (XMPP_IS_CONNECTOR (self), NULL);

  return self->bound;
}

XmppNode *
xmpp_connector_get_features (XmppConnector *self)
{
  g_return_val_if_fail (XMPP_IS_CONNECTOR (self), NULL);

  return self->features;
}

gboolean
xmpp_connector_get_resumed (XmppConnector *self)
{
  g_return_val_if_fail (XMPP_IS_CONNECTOR (self), FALSE);

  return self->resumed;
}

const char *
xmpp_connector_get_mechanism (XmppConnector *self)
{
  g_return_val_if_fail (XMPP_IS_CONNECTOR (self), NULL);

  return self->mechanism;
}

/* Ending the attempt */

static void start_http_transports (XmppConnector *self);
static void start_discovery (XmppConnector *self);
static gboolean needs_discovery (XmppConnector *self);
static void abandon_tcp (XmppConnector *self);

/* The operations of the current phase: TCP ones can be abandoned for
 * HTTPS without ending the attempt. */
static GCancellable *
phase_cancellable (XmppConnector *self)
{
  if (self->tcp_cancellable != NULL && !self->http_phase)
    return self->tcp_cancellable;
  return self->cancellable;
}

static void
end_tcp_deadline (XmppConnector *self)
{
  g_clear_handle_id (&self->tcp_deadline_id, g_source_remove);
}

static void
finish_attempt (XmppConnector *self)
{
  end_tcp_deadline (self);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->resume_deadline_id, g_source_remove);
  if (self->external != NULL && self->external_id != 0)
    g_cancellable_disconnect (self->external, self->external_id);
  self->external_id = 0;
  g_clear_pointer (&self->sasl, xmpp_sasl_free);
}

static void
fail (XmppConnector *self,
      GError        *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    {
      g_error_free (error);
      return;
    }

  /* The TCP phase ran out of time: that counts as unreachable, and the
   * HTTPS transports come next.  Nothing a server said is dropped here:
   * the deadline ends once a server sent its stream header. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->tcp_timed_out &&
      !self->http_phase && !g_cancellable_is_cancelled (self->cancellable))
    {
      self->task = g_steal_pointer (&task);
      g_error_free (error);
      g_debug ("no answer over TCP in time; trying HTTPS transports");
      self->http_phase = TRUE;
      g_clear_object (&self->stream);
      g_clear_error (&self->connect_error);
      self->connect_error = g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TIMEOUT,
                                         "No answer from %s over TCP",
                                         xmpp_jid_get_domain (self->jid));
      start_http_transports (self);
      return;
    }

  /* A cancelled operation is reported as what cancelled it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->resume_timed_out)
    {
      g_error_free (error);
      error = g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TIMEOUT,
                           "%s did not answer the request to resume the session",
                           xmpp_jid_get_domain (self->jid));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->timed_out)
    {
      g_error_free (error);
      error = g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TIMEOUT,
                           "No answer from %s within %u seconds",
                           xmpp_jid_get_domain (self->jid), self->timeout_seconds);
    }

  g_debug ("connection attempt failed: %s", error->message);
  finish_attempt (self);
  if (self->stream != NULL)
    {
      xmpp_stream_close (self->stream);
      g_clear_object (&self->stream);
    }
  g_task_return_error (task, error);
}

static void
fail_with (XmppConnector       *self,
           XmppStreamErrorCode  code,
           const char          *format,
           ...) G_GNUC_PRINTF (3, 4);

static void
fail_with (XmppConnector       *self,
           XmppStreamErrorCode  code,
           const char          *format,
           ...)
{
  va_list args;
  GError *error;

  va_start (args, format);
  error = g_error_new_valist (XMPP_STREAM_ERROR, code, format, args);
  va_end (args);
  fail (self, error);
}

static void
succeed (XmppConnector *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  self->state = STATE_DONE;
  finish_attempt (self);
  g_task_return_pointer (task, g_steal_pointer (&self->stream), g_object_unref);
}

static gboolean
timeout_cb (gpointer user_data)
{
  XmppConnector *self = user_data;

  self->timeout_id = 0;
  self->timed_out = TRUE;
  g_cancellable_cancel (self->cancellable);

  return G_SOURCE_REMOVE;
}

/* The next attempt binds a new session; what the server had not
 * acknowledged stays queued and goes again after the bind. */
static gboolean
resume_deadline_cb (gpointer user_data)
{
  XmppConnector *self = user_data;

  self->resume_deadline_id = 0;
  self->resume_timed_out = TRUE;
  xmpp_sm_forget_resumption (self->sm);
  g_cancellable_cancel (self->cancellable);

  return G_SOURCE_REMOVE;
}

static gboolean
tcp_deadline_cb (gpointer user_data)
{
  XmppConnector *self = user_data;

  self->tcp_deadline_id = 0;
  /* With an endpoint configured there is somewhere to go at once;
   * otherwise TCP keeps trying while the domain's host-meta is fetched,
   * and is left only if that names an endpoint. */
  if (needs_discovery (self))
    start_discovery (self);
  else
    abandon_tcp (self);

  return G_SOURCE_REMOVE;
}

static void
external_cancelled_cb (GCancellable *external,
                       gpointer      user_data)
{
  GCancellable *internal = user_data;

  g_cancellable_cancel (internal);
}

/* Stream errors (RFC 6120 §4.9) end the attempt with their condition. */
static gboolean
handle_stream_error (XmppConnector  *self,
                     const XmppNode *stanza)
{
  if (!xmpp_node_is (stanza, "error", XMPP_NS_STREAM))
    return FALSE;

  fail (self, xmpp_stream_error_from_node (stanza));
  return TRUE;
}

/* Binding (RFC 6120 §7) */

static void
send_iq (XmppConnector *self,
         XmppNode      *iq)
{
  g_free (self->iq_id);
  self->iq_id = xmpp_client_new_id ();
  xmpp_node_set_attr (iq, "id", self->iq_id);
  xmpp_stream_send (self->stream, iq);
}

static void
send_bind (XmppConnector *self)
{
  g_autoptr(XmppNode) iq = NULL;

  if (xmpp_node_get_child (self->features, "bind", XMPP_NS_BIND) == NULL)
    {
      fail_with (self, XMPP_STREAM_ERROR_BIND, "The server does not offer resource binding");
      return;
    }

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                        XMPP_BUILD_ATTR, "type", "set",
                        XMPP_BUILD_CHILD, "bind", XMPP_NS_BIND,
                        XMPP_BUILD_END);
  if (self->resource != NULL)
    {
      XmppNode *bind = xmpp_node_get_child (iq, "bind", XMPP_NS_BIND);

      xmpp_node_set_text (xmpp_node_add_child (bind, "resource", NULL), self->resource);
    }
  send_iq (self, iq);
  self->state = STATE_BIND;
  read_next (self);
}

static void
handle_bind_features (XmppConnector *self,
                      XmppNode      *features)
{
  g_clear_pointer (&self->features, xmpp_node_unref);
  self->features = xmpp_node_ref (features);

  /* XEP-0198 §5: resuming replaces binding and costs one round trip
   * instead of the bind, roster and presence exchanges of a new session. */
  if (self->sm != NULL && xmpp_sm_can_resume (self->sm) &&
      xmpp_node_get_child (features, "sm", XMPP_NS_SM) != NULL)
    {
      g_autoptr(XmppNode) resume = xmpp_sm_build_resume (self->sm);

      xmpp_stream_send (self->stream, resume);
      self->state = STATE_RESUME;
      self->resume_deadline_id = g_timeout_add_seconds (MAX (self->timeout_seconds / 3, 1),
                                                        resume_deadline_cb, self);
      read_next (self);
      return;
    }

  send_bind (self);
}

static void
handle_resume_answer (XmppConnector *self,
                      XmppNode      *answer)
{
  g_autoptr(GError) error = NULL;

  if (!xmpp_node_is (answer, "resumed", XMPP_NS_SM) && !xmpp_node_is (answer, "failed", XMPP_NS_SM))
    {
      read_next (self);
      return;
    }
  g_clear_handle_id (&self->resume_deadline_id, g_source_remove);

  if (xmpp_sm_handle_resume_answer (self->sm, answer, &error))
    {
      self->resumed = TRUE;
      self->bound = xmpp_jid_ref (xmpp_sm_get_bound_jid (self->sm));
      succeed (self);
      return;
    }

  if (error != NULL)
    g_debug ("resumption refused: %s", error->message);
  send_bind (self);
}

static gboolean
session_required (XmppNode *features)
{
  XmppNode *session = xmpp_node_get_child (features, "session", XMPP_NS_SESSION);

  /* RFC 3921 sessions are obsolete (RFC 6121 Appendix E); only a server
   * that does not mark them optional still needs the request. */
  return session != NULL && xmpp_node_get_child (session, "optional", NULL) == NULL;
}

static gboolean
is_reply (XmppConnector  *self,
          const XmppNode *stanza)
{
  const char *type = xmpp_node_get_attr (stanza, "type");

  return xmpp_node_is (stanza, "iq", XMPP_NS_CLIENT) &&
         g_strcmp0 (xmpp_node_get_attr (stanza, "id"), self->iq_id) == 0 &&
         (g_strcmp0 (type, "result") == 0 || g_strcmp0 (type, "error") == 0);
}

static void
handle_bind_reply (XmppConnector *self,
                   XmppNode      *stanza)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;
  const char *text = NULL;
  XmppNode *bind;

  if (!is_reply (self, stanza))
    {
      read_next (self);
      return;
    }

  if (g_str_equal (xmpp_node_get_attr (stanza, "type"), "error"))
    {
      g_autoptr(GError) stanza_error = xmpp_stanza_error_from_node (stanza);

      fail_with (self, XMPP_STREAM_ERROR_BIND, "Resource binding failed: %s", stanza_error->message);
      return;
    }

  bind = xmpp_node_get_child (stanza, "bind", XMPP_NS_BIND);
  if (bind != NULL)
    text = xmpp_node_get_child_text (bind, "jid", NULL);
  if (text != NULL)
    jid = xmpp_jid_parse (text, &error);

  /* The server picks the resource, never the account. */
  if (jid == NULL || xmpp_jid_is_bare (jid) || !xmpp_jid_equal_bare (jid, self->jid))
    {
      fail_with (self, XMPP_STREAM_ERROR_BIND, "The server bound an invalid address");
      return;
    }

  self->bound = g_steal_pointer (&jid);

  if (session_required (self->features))
    {
      g_autoptr(XmppNode) iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                                                XMPP_BUILD_ATTR, "type", "set",
                                                XMPP_BUILD_CHILD, "session", XMPP_NS_SESSION,
                                                XMPP_BUILD_END);

      send_iq (self, iq);
      self->state = STATE_SESSION;
      read_next (self);
      return;
    }

  succeed (self);
}

static void
handle_session_reply (XmppConnector *self,
                      XmppNode      *stanza)
{
  if (!is_reply (self, stanza))
    {
      read_next (self);
      return;
    }

  if (g_str_equal (xmpp_node_get_attr (stanza, "type"), "error"))
    {
      g_autoptr(GError) stanza_error = xmpp_stanza_error_from_node (stanza);

      fail_with (self, XMPP_STREAM_ERROR_BIND, "Session establishment failed: %s",
                 stanza_error->message);
      return;
    }

  succeed (self);
}

/* SASL (RFC 6120 §6) */

static GStrv
collect_texts (XmppNode   *parent,
               const char *child_name,
               const char *attr)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parent != NULL && i < xmpp_node_get_n_children (parent); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (parent, i);
      const char *value;

      if (!g_str_equal (xmpp_node_get_name (child), child_name))
        continue;
      value = attr ? xmpp_node_get_attr (child, attr) : xmpp_node_get_text (child);
      if (value != NULL && *value != '\0')
        g_strv_builder_add (builder, value);
    }

  return g_strv_builder_end (builder);
}

static void
send_sasl (XmppConnector *self,
           const char    *name,
           const char    *mechanism,
           GBytes        *payload)
{
  g_autoptr(XmppNode) node = xmpp_node_new (name, XMPP_NS_SASL);
  gsize len = 0;
  const guchar *data = payload ? g_bytes_get_data (payload, &len) : NULL;

  xmpp_node_set_attr (node, "mechanism", mechanism);
  if (len > 0)
    {
      g_autofree char *encoded = g_base64_encode (data, len);

      xmpp_node_set_text (node, encoded);
      explicit_bzero (encoded, strlen (encoded));
    }
  else if (payload != NULL)
    {
      /* RFC 6120 §6.4.2: an empty response is a single '='. */
      xmpp_node_set_text (node, "=");
    }
  xmpp_stream_send (self->stream, node);
}

/* XEP-0077 §3.1.1: an account is created on the encrypted stream before
 * authentication; the caller makes an XmppClient on it and asks. */
static void
finish_for_registration (XmppConnector *self,
                         XmppNode      *features)
{
  /* Only the secure stream's features lead here (see the header); this
   * holds the line should that ever change. */
  if (!xmpp_stream_is_tls (self->stream))
    {
      fail_with (self, XMPP_STREAM_ERROR_NO_TLS, "Registration needs an encrypted connection");
      return;
    }

  g_clear_pointer (&self->features, xmpp_node_unref);
  self->features = xmpp_node_ref (features);
  if (xmpp_node_get_child (features, "register", XMPP_NS_REGISTER_FEATURE) == NULL)
    g_debug ("the server does not announce in-band registration; asking anyway");
  succeed (self);
}

static void
handle_sasl_features (XmppConnector *self,
                      XmppNode      *features)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) initial = NULL;
  XmppSaslOffer offer = { 0 };
  XmppNode *cb;

  if (self->register_only)
    {
      finish_for_registration (self, features);
      return;
    }

  if (xmpp_jid_get_local (self->jid) == NULL)
    {
      fail_with (self, XMPP_STREAM_ERROR_PROTOCOL, "The account address has no user name");
      return;
    }

  self->offered_mechanisms =
    collect_texts (xmpp_node_get_child (features, "mechanisms", XMPP_NS_SASL), "mechanism", NULL);
  /* XEP-0440: the channel-binding types the server supports. */
  cb = xmpp_node_get_child (features, "sasl-channel-binding", NS_SASL_CB);
  if (cb != NULL)
    self->offered_cb_types = collect_texts (cb, "channel-binding", "type");

  /* RFC 9266: tls-exporter is defined for TLS 1.3 only.  A transport
   * hands out channel-binding data only when its TLS reaches the XMPP
   * server itself (usually never: without data SCRAM says "n"). */
  if (xmpp_stream_get_transport (self->stream) != NULL)
    self->cb_exporter = xmpp_stream_dup_channel_binding (self->stream,
                                                         G_TLS_CHANNEL_BINDING_TLS_EXPORTER);
  else if (g_tls_connection_get_protocol_version (G_TLS_CONNECTION (xmpp_stream_get_base (self->stream)))
           == G_TLS_PROTOCOL_VERSION_TLS_1_3)
    self->cb_exporter = xmpp_stream_dup_channel_binding (self->stream,
                                                         G_TLS_CHANNEL_BINDING_TLS_EXPORTER);
  self->cb_endpoint = xmpp_stream_dup_channel_binding (self->stream,
                                                       G_TLS_CHANNEL_BINDING_TLS_SERVER_END_POINT);

  offer.mechanisms = (const char * const *) self->offered_mechanisms;
  offer.cb_types = (const char * const *) self->offered_cb_types;
  offer.tls = xmpp_stream_is_tls (self->stream);
  offer.cb_exporter = self->cb_exporter;
  offer.cb_endpoint = self->cb_endpoint;

  self->sasl = xmpp_sasl_new_for_offer (&offer, xmpp_jid_get_local (self->jid),
                                        self->password, &error);
  if (self->sasl == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }

  initial = xmpp_sasl_initial (self->sasl, &error);
  if (initial == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }

  self->mechanism = g_strdup (xmpp_sasl_get_mechanism (self->sasl));
  g_debug ("authenticating with %s", self->mechanism);
  send_sasl (self, "auth", self->mechanism, initial);
  self->state = STATE_AUTH;
  read_next (self);
}

static GBytes *
decode_payload (XmppNode *node)
{
  const char *text = xmpp_node_get_text (node);
  guchar *data;
  gsize len = 0;

  if (*text == '\0' || g_str_equal (text, "="))
    return g_bytes_new (NULL, 0);

  data = g_base64_decode (text, &len);
  return g_bytes_new_take (data, len);
}

static void
handle_sasl_failure (XmppConnector *self,
                     XmppNode      *failure)
{
  const char *condition, *text;
  g_autofree char *message = NULL;
  XmppSaslError code;

  xmpp_error_element_parse (failure, NULL, &condition, &text);
  if (condition == NULL)
    condition = "not-authorized";

  /* RFC 6120 §6.5: credentials the server rejected.  No other mechanism is
   * tried afterwards: a weaker one would only hand the password to whoever
   * made this one fail (SECURITY.md). */
  code = (g_str_equal (condition, "not-authorized") || g_str_equal (condition, "credentials-expired") ||
          g_str_equal (condition, "account-disabled"))
           ? XMPP_SASL_ERROR_NOT_AUTHORIZED
           : XMPP_SASL_ERROR_FAILURE;

  message = xmpp_error_format (condition, text);
  fail (self, g_error_new (XMPP_SASL_ERROR, code, "Authentication failed: %s", message));
}

static void
handle_auth (XmppConnector *self,
             XmppNode      *stanza)
{
  g_autoptr(GError) error = NULL;

  if (xmpp_node_is (stanza, "challenge", XMPP_NS_SASL))
    {
      g_autoptr(GBytes) challenge = decode_payload (stanza);
      g_autoptr(GBytes) response = xmpp_sasl_step (self->sasl, challenge, &error);

      if (response == NULL)
        {
          g_autoptr(XmppNode) abort_node = xmpp_node_new ("abort", XMPP_NS_SASL);

          xmpp_stream_send (self->stream, abort_node);
          fail (self, g_steal_pointer (&error));
          return;
        }
      send_sasl (self, "response", NULL, response);
      read_next (self);
    }
  else if (xmpp_node_is (stanza, "success", XMPP_NS_SASL))
    {
      g_autoptr(GBytes) additional = decode_payload (stanza);

      if (!xmpp_sasl_verify_success (self->sasl, additional, &error))
        {
          fail (self, g_steal_pointer (&error));
          return;
        }
      g_clear_pointer (&self->sasl, xmpp_sasl_free);
      open_stream (self, STATE_OPEN_BOUND);
    }
  else if (xmpp_node_is (stanza, "failure", XMPP_NS_SASL))
    {
      handle_sasl_failure (self, stanza);
    }
  else
    {
      fail_with (self, XMPP_STREAM_ERROR_PROTOCOL, "Unexpected <%s/> during authentication",
                 xmpp_node_get_name (stanza));
    }
}

/* TLS (RFC 6120 §5) */

static void
tls_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(XmppConnector) self = user_data;
  GError *error = NULL;

  if (!xmpp_stream_start_tls_finish (XMPP_STREAM (source), result, &error))
    {
      /* Nothing more goes over the unencrypted socket, not even a
       * closing tag: drop it. */
      g_clear_object (&self->stream);
      fail (self, error);
      return;
    }

  open_stream (self, STATE_OPEN_SECURE);
}

static void
start_tls (XmppConnector *self,
           const char    *alpn)
{
  g_autoptr(GSocketConnectable) identity = NULL;

  /* The certificate must name the JID's domain, never the SRV target or
   * an explicitly configured host (RFC 6125, CVE-2022-26491). */
  identity = g_network_address_new (xmpp_jid_get_domain (self->jid),
                                    self->current ? self->current->port : 5222);
  xmpp_stream_start_tls_async (self->stream, identity, self->ca_file, alpn,
                               phase_cancellable (self), tls_done_cb, g_object_ref (self));
}

static void
handle_plain_features (XmppConnector *self,
                       XmppNode      *features)
{
  g_autoptr(XmppNode) starttls = NULL;

  /* CVE-2016-10027: without STARTTLS the attempt stops here, before any
   * credential could leave the machine. */
  if (xmpp_node_get_child (features, "starttls", XMPP_NS_TLS) == NULL)
    {
      fail_with (self, XMPP_STREAM_ERROR_NO_TLS,
                 "The server does not offer encryption (STARTTLS)");
      return;
    }

  starttls = xmpp_node_new ("starttls", XMPP_NS_TLS);
  xmpp_stream_send (self->stream, starttls);
  self->state = STATE_STARTTLS;
  read_next (self);
}

static void
handle_starttls_reply (XmppConnector *self,
                       XmppNode      *stanza)
{
  if (xmpp_node_is (stanza, "proceed", XMPP_NS_TLS))
    start_tls (self, NULL);
  else
    fail_with (self, XMPP_STREAM_ERROR_NO_TLS, "The server refused to start TLS");
}

/* Reading and dispatch */

static State
next_state_after_open (State state)
{
  switch (state)
    {
    case STATE_OPEN_PLAIN:
      return STATE_FEATURES_PLAIN;
    case STATE_OPEN_SECURE:
      return STATE_FEATURES_SASL;
    case STATE_OPEN_BOUND:
      return STATE_FEATURES_BIND;
    default:
      g_assert_not_reached ();
    }
}

static void
handle_stanza (XmppConnector *self,
               XmppNode      *stanza)
{
  gboolean is_features = xmpp_node_is (stanza, "features", XMPP_NS_STREAM);

  switch (self->state)
    {
    case STATE_FEATURES_PLAIN:
    case STATE_FEATURES_SASL:
    case STATE_FEATURES_BIND:
      if (!is_features)
        {
          fail_with (self, XMPP_STREAM_ERROR_PROTOCOL, "Expected stream features, got <%s/>",
                     xmpp_node_get_name (stanza));
          return;
        }
      if (self->state == STATE_FEATURES_PLAIN)
        handle_plain_features (self, stanza);
      else if (self->state == STATE_FEATURES_SASL)
        handle_sasl_features (self, stanza);
      else
        handle_bind_features (self, stanza);
      break;

    case STATE_STARTTLS:
      handle_starttls_reply (self, stanza);
      break;

    case STATE_AUTH:
      handle_auth (self, stanza);
      break;

    case STATE_BIND:
      handle_bind_reply (self, stanza);
      break;

    case STATE_SESSION:
      handle_session_reply (self, stanza);
      break;

    case STATE_RESUME:
      handle_resume_answer (self, stanza);
      break;

    case STATE_IDLE:
    case STATE_OPEN_PLAIN:
    case STATE_OPEN_SECURE:
    case STATE_OPEN_BOUND:
    case STATE_DONE:
    default:
      fail_with (self, XMPP_STREAM_ERROR_PROTOCOL, "Unexpected <%s/> before the stream header",
                 xmpp_node_get_name (stanza));
      break;
    }
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(XmppConnector) self = user_data;
  g_autoptr(XmppNode) node = NULL;
  GError *error = NULL;
  XmppReaderEvent event;

  event = xmpp_stream_read_finish (XMPP_STREAM (source), result, &node, &error);

  if (self->task == NULL)
    {
      g_clear_error (&error);
      return;
    }

  switch (event)
    {
    case XMPP_READER_EVENT_NONE:
      if (error->domain == XMPP_READER_ERROR)
        {
          fail_with (self, XMPP_STREAM_ERROR_PROTOCOL, "The server sent invalid XML: %s",
                     error->message);
          g_error_free (error);
        }
      else if (error->domain == G_IO_ERROR && error->code != G_IO_ERROR_CANCELLED)
        {
          fail_with (self, XMPP_STREAM_ERROR_IO, "Connection lost: %s", error->message);
          g_error_free (error);
        }
      else
        {
          fail (self, error);
        }
      return;

    case XMPP_READER_EVENT_STREAM_CLOSE:
      fail_with (self, XMPP_STREAM_ERROR_CLOSED, "The server closed the stream");
      return;

    case XMPP_READER_EVENT_STREAM_OPEN:
      if (self->state != STATE_OPEN_PLAIN && self->state != STATE_OPEN_SECURE &&
          self->state != STATE_OPEN_BOUND)
        {
          fail_with (self, XMPP_STREAM_ERROR_PROTOCOL, "Unexpected stream header");
          return;
        }
      /* A server answered: from here on its word counts, not a deadline. */
      end_tcp_deadline (self);
      self->tcp_answered = TRUE;
      /* RFC 6120 §4.7.5: a stream without version 1.0 has no features, so
       * it could not offer TLS; refuse it outright. */
      if (g_strcmp0 (xmpp_node_get_attr (node, "version"), "1.0") != 0)
        {
          fail_with (self, XMPP_STREAM_ERROR_PROTOCOL, "The server does not speak XMPP 1.0");
          return;
        }
      self->state = next_state_after_open (self->state);
      read_next (self);
      return;

    case XMPP_READER_EVENT_STANZA:
      if (handle_stream_error (self, node))
        return;
      handle_stanza (self, node);
      return;

    default:
      g_assert_not_reached ();
    }
}

static void
read_next (XmppConnector *self)
{
  xmpp_stream_read_async (self->stream, phase_cancellable (self), read_cb, g_object_ref (self));
}

static void
open_stream (XmppConnector *self,
             State          state)
{
  /* RFC 6120 §4.7.1: `from` only once the stream is encrypted, and only
   * for an account: a bare domain (register_only) would claim to be the
   * server. */
  const char *from = xmpp_stream_is_tls (self->stream) && xmpp_jid_get_local (self->jid) != NULL
                       ? xmpp_jid_get_bare_string (self->jid)
                       : NULL;

  self->state = state;
  xmpp_stream_open (self->stream, xmpp_jid_get_domain (self->jid), from);
  read_next (self);
}

static void
start_on_stream (XmppConnector *self,
                 GIOStream     *base,
                 gboolean       direct_tls)
{
  g_clear_object (&self->stream);
  self->stream = xmpp_stream_new (base, NULL);
  xmpp_stream_set_log_func (self->stream, self->log_func, self->log_data);

  if (direct_tls)
    start_tls (self, "xmpp-client");
  else
    open_stream (self, STATE_OPEN_PLAIN);
}

/* WebSocket (RFC 7395) and BOSH (XEP-0206), through the provider */

static void try_next_http_candidate (XmppConnector *self);

static void
start_on_transport (XmppConnector *self,
                    XmppTransport *transport)
{
  g_clear_object (&self->stream);
  self->stream = xmpp_stream_new_for_transport (transport);
  xmpp_stream_set_log_func (self->stream, self->log_func, self->log_data);

  /* The transport is HTTPS or wss:// with its certificate checked against
   * the JID's domain (or loopback when forced in tests): no STARTTLS. */
  open_stream (self, STATE_OPEN_SECURE);
}

static void
add_http_candidate (XmppConnector     *self,
                    XmppTransportKind  kind,
                    const char        *url)
{
  HttpCandidate *c;

  if (url == NULL || *url == '\0')
    return;
  c = g_new0 (HttpCandidate, 1);
  c->kind = kind;
  c->url = g_strdup (url);
  g_ptr_array_add (self->http_candidates, c);
}

static void
no_http_candidate (XmppConnector *self)
{
  /* In auto, the TCP failure says most about why nothing worked. */
  if (self->connect_error != NULL)
    fail (self, g_steal_pointer (&self->connect_error));
  else
    fail_with (self, XMPP_STREAM_ERROR_DNS, "No %s endpoint found for %s",
               self->transport == XMPP_TRANSPORT_BOSH ? "BOSH"
               : self->transport == XMPP_TRANSPORT_WEBSOCKET ? "WebSocket"
                                                             : "WebSocket or BOSH",
               xmpp_jid_get_domain (self->jid));
}

static void
transport_open_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(XmppConnector) self = user_data;
  g_autoptr(XmppTransport) transport = NULL;
  GError *error = NULL;

  transport = xmpp_transport_provider_open_finish (XMPP_TRANSPORT_PROVIDER (source), result,
                                                   &error);
  if (self->task == NULL)
    {
      g_clear_error (&error);
      if (transport != NULL)
        xmpp_transport_close (transport);
      return;
    }

  if (transport == NULL)
    {
      /* Only an endpoint that could not be reached lets the next one be
       * tried; a certificate or TLS problem, an insecure URL or a redirect
       * that cannot be followed ends the attempt (SECURITY.md). */
      if (xmpp_transport_error_is_unreachable (error) &&
          self->next_http_candidate < self->http_candidates->len)
        {
          g_debug ("transport endpoint failed: %s", error->message);
          g_clear_error (&error);
          try_next_http_candidate (self);
          return;
        }
      fail (self, error);
      return;
    }

  start_on_transport (self, transport);
}

static void
try_next_http_candidate (XmppConnector *self)
{
  HttpCandidate *c;
  XmppTransportOpenParams params = { 0 };

  if (self->next_http_candidate >= self->http_candidates->len)
    {
      no_http_candidate (self);
      return;
    }

  c = g_ptr_array_index (self->http_candidates, self->next_http_candidate++);
  g_debug ("connecting over %s", xmpp_transport_kind_to_string (c->kind));

  params.kind = c->kind;
  params.url = c->url;
  params.domain = xmpp_jid_get_domain (self->jid);
  params.ca_file = self->ca_file;
  params.allow_insecure_loopback = self->allow_insecure_loopback_ws;
  xmpp_transport_provider_open_async (self->provider, &params, self->cancellable,
                                      transport_open_cb, g_object_ref (self));
}

static void
fill_http_candidates (XmppConnector                *self,
                      const XmppTransportEndpoints *found)
{
  gboolean ws = self->transport == XMPP_TRANSPORT_AUTO || self->transport == XMPP_TRANSPORT_WEBSOCKET;
  gboolean bosh = self->transport == XMPP_TRANSPORT_AUTO || self->transport == XMPP_TRANSPORT_BOSH;

  g_ptr_array_set_size (self->http_candidates, 0);
  self->next_http_candidate = 0;

  /* A configured URL takes the place of the discovered one. */
  if (ws)
    add_http_candidate (self, XMPP_TRANSPORT_WEBSOCKET,
                        self->websocket_url ? self->websocket_url
                                            : found ? found->websocket_url : NULL);
  if (bosh)
    add_http_candidate (self, XMPP_TRANSPORT_BOSH,
                        self->bosh_url ? self->bosh_url : found ? found->bosh_url : NULL);
}

static gboolean
has_endpoints (const XmppTransportEndpoints *found)
{
  return found != NULL && (found->websocket_url != NULL || found->bosh_url != NULL);
}

/* Leaves a TCP phase that has not heard from any server yet. */
static void
abandon_tcp (XmppConnector *self)
{
  if (self->http_phase || self->tcp_answered || self->tcp_cancellable == NULL)
    return;
  end_tcp_deadline (self);
  self->tcp_timed_out = TRUE;
  g_cancellable_cancel (self->tcp_cancellable);
}

static void
discover_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(XmppConnector) self = user_data;
  XmppTransportEndpoints *found;
  GError *error = NULL;

  found = xmpp_transport_provider_discover_finish (XMPP_TRANSPORT_PROVIDER (source), result,
                                                   &error);
  self->discovering = FALSE;
  if (self->task == NULL)
    {
      g_clear_error (&error);
      g_clear_pointer (&found, xmpp_transport_endpoints_free);
      return;
    }
  if (found == NULL)
    {
      fail (self, error);
      return;
    }
  self->found = found;

  if (self->waiting_for_discovery)
    {
      self->waiting_for_discovery = FALSE;
      fill_http_candidates (self, self->found);
      try_next_http_candidate (self);
      return;
    }

  /* Looked up while TCP was slow: with somewhere else to go, stop
   * waiting for TCP; without, let TCP have the rest of the deadline. */
  if (has_endpoints (self->found))
    abandon_tcp (self);
}

static void
start_discovery (XmppConnector *self)
{
  if (self->discovering || self->found != NULL)
    return;

  self->discovering = TRUE;
  xmpp_transport_provider_discover_async (self->provider, xmpp_jid_get_domain (self->jid),
                                          self->ca_file, self->cancellable, discover_cb,
                                          g_object_ref (self));
}

/* A configured URL takes the place of discovery. */
static gboolean
needs_discovery (XmppConnector *self)
{
  switch (self->transport)
    {
    case XMPP_TRANSPORT_WEBSOCKET:
      return self->websocket_url == NULL;
    case XMPP_TRANSPORT_BOSH:
      return self->bosh_url == NULL;
    case XMPP_TRANSPORT_AUTO:
      return self->websocket_url == NULL && self->bosh_url == NULL;
    case XMPP_TRANSPORT_TCP:
    default:
      return FALSE;
    }
}

/* After TCP in auto, or at once for a pinned WebSocket or BOSH. */
static void
start_http_transports (XmppConnector *self)
{
  if (self->provider == NULL || self->register_only)
    {
      if (self->transport == XMPP_TRANSPORT_AUTO && self->connect_error != NULL)
        fail (self, g_steal_pointer (&self->connect_error));
      else
        fail (self, g_error_new (XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_UNSUPPORTED,
                                 "%s", self->register_only
                                         ? "Registration needs a direct connection"
                                         : "WebSocket and BOSH are not available here"));
      return;
    }

  self->http_phase = TRUE;
  end_tcp_deadline (self);
  if (needs_discovery (self) && self->found == NULL)
    {
      self->waiting_for_discovery = TRUE;
      start_discovery (self);
      return;
    }

  fill_http_candidates (self, self->found);
  try_next_http_candidate (self);
}

/* Resolution and TCP (RFC 6120 §3.2, XEP-0368) */

static void try_next_candidate (XmppConnector *self);

static void
add_candidate (XmppConnector *self,
               const char    *host,
               guint16        port,
               gboolean       direct_tls)
{
  Candidate *c = g_new0 (Candidate, 1);

  c->host = g_strdup (host);
  c->port = port;
  c->direct_tls = direct_tls;
  g_ptr_array_add (self->candidates, c);
}

static GError *
classify_connect_error (XmppConnector *self,
                        const GError  *error)
{
  const char *what = self->current ? self->current->host : xmpp_jid_get_domain (self->jid);

  if (error == NULL)
    return g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_DNS,
                        "No server found for %s", xmpp_jid_get_domain (self->jid));
  return xmpp_connector_classify_error (error, what);
}

GError *
xmpp_connector_classify_error (const GError *error,
                               const char   *what)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == G_RESOLVER_ERROR)
    return g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_DNS,
                        "Could not resolve %s: %s", what, error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_REFUSED,
                        "Connection refused by %s", what);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TIMEOUT,
                        "Connection to %s timed out", what);

  return g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_IO,
                      "Could not connect to %s: %s", what, error->message);
}

static void
socket_connect_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(XmppConnector) self = user_data;
  g_autoptr(GSocketConnection) connection = NULL;
  GError *error = NULL;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          fail (self, error);
          return;
        }
      g_debug ("candidate %s:%u failed: %s", self->current->host, self->current->port,
               error->message);
      g_clear_error (&self->connect_error);
      self->connect_error = error;
      try_next_candidate (self);
      return;
    }

  start_on_stream (self, G_IO_STREAM (connection), self->current->direct_tls);
}

static void
try_next_candidate (XmppConnector *self)
{
  g_autoptr(GSocketClient) client = NULL;

  if (self->next_candidate >= self->candidates->len)
    {
      GError *error = classify_connect_error (self, self->connect_error);

      /* Auto: no TCP endpoint was reachable (DNS, refused, timeout), so
       * HTTPS is tried next.  Anything a server said ends the attempt
       * before this point and never falls through. */
      g_clear_error (&self->connect_error);
      if (self->transport == XMPP_TRANSPORT_AUTO && self->provider != NULL &&
          !self->register_only &&
          xmpp_transport_error_is_unreachable (error))
        {
          g_debug ("no TCP endpoint reachable (%s); trying HTTPS transports", error->message);
          end_tcp_deadline (self);
          self->http_phase = TRUE;
          self->connect_error = error;
          start_http_transports (self);
          return;
        }
      fail (self, error);
      return;
    }

  self->current = g_ptr_array_index (self->candidates, self->next_candidate++);
  g_debug ("connecting to %s:%u (%s)", self->current->host, self->current->port,
           self->current->direct_tls ? "direct TLS" : "STARTTLS");

  client = g_socket_client_new ();
  g_socket_client_connect_to_host_async (client, self->current->host, self->current->port,
                                         phase_cancellable (self), socket_connect_cb,
                                         g_object_ref (self));
}

static void
add_srv_targets (XmppConnector *self,
                 GList         *targets,
                 gboolean       direct_tls)
{
  for (GList *l = targets; l != NULL; l = l->next)
    {
      GSrvTarget *target = l->data;
      const char *host = g_srv_target_get_hostname (target);

      /* RFC 2782: a target of "." means the service is not offered. */
      if (host == NULL || *host == '\0' || g_str_equal (host, "."))
        continue;
      add_candidate (self, host, g_srv_target_get_port (target), direct_tls);
      self->srv_found = TRUE;
    }
}

static void
srv_starttls_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(XmppConnector) self = user_data;
  g_autoptr(GError) error = NULL;
  GList *targets;

  targets = g_resolver_lookup_service_finish (G_RESOLVER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  add_srv_targets (self, targets, FALSE);
  g_resolver_free_targets (targets);

  /* RFC 6120 §3.2.2: without SRV records, the domain itself on 5222. */
  if (!self->srv_found)
    add_candidate (self, xmpp_jid_get_domain (self->jid), 5222, FALSE);

  try_next_candidate (self);
}

static void
srv_direct_tls_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(XmppConnector) self = user_data;
  g_autoptr(GError) error = NULL;
  GList *targets;

  targets = g_resolver_lookup_service_finish (G_RESOLVER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  add_srv_targets (self, targets, TRUE);
  g_resolver_free_targets (targets);

  g_resolver_lookup_service_async (G_RESOLVER (source), "xmpp-client", "tcp",
                                   xmpp_jid_get_domain (self->jid), phase_cancellable (self),
                                   srv_starttls_cb, g_object_ref (self));
}

void
xmpp_connector_connect_async (XmppConnector       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  const char *domain;

  g_return_if_fail (XMPP_IS_CONNECTOR (self));
  g_return_if_fail (self->task == NULL && self->state == STATE_IDLE);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, xmpp_connector_connect_async);
  self->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      self->external = g_object_ref (cancellable);
      self->external_id = g_cancellable_connect (cancellable, G_CALLBACK (external_cancelled_cb),
                                                 self->cancellable, NULL);
    }
  self->timeout_id = g_timeout_add_seconds (self->timeout_seconds, timeout_cb, self);

  if (self->transport == XMPP_TRANSPORT_AUTO && self->provider != NULL && !self->register_only &&
      self->test_base == NULL)
    {
      self->tcp_cancellable = g_cancellable_new ();
      self->tcp_chain_id = g_cancellable_connect (self->cancellable,
                                                  G_CALLBACK (external_cancelled_cb),
                                                  self->tcp_cancellable, NULL);
      self->tcp_deadline_id = g_timeout_add_seconds (MAX (self->timeout_seconds / 3, 1),
                                                     tcp_deadline_cb, self);
    }

  if (self->test_base != NULL)
    {
      start_on_stream (self, self->test_base, self->direct_tls);
      return;
    }

  domain = xmpp_jid_get_domain (self->jid);
  if (self->transport == XMPP_TRANSPORT_WEBSOCKET || self->transport == XMPP_TRANSPORT_BOSH)
    start_http_transports (self);
  else if (self->host != NULL)
    {
      add_candidate (self, self->host,
                     self->port ? self->port : (self->direct_tls ? 5223 : 5222),
                     self->direct_tls);
      try_next_candidate (self);
    }
  else if (g_hostname_is_ip_address (domain))
    {
      add_candidate (self, domain, 5222, FALSE);
      try_next_candidate (self);
    }
  else
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();

      g_resolver_lookup_service_async (resolver, "xmpps-client", "tcp", domain,
                                       phase_cancellable (self), srv_direct_tls_cb,
                                       g_object_ref (self));
    }
}

XmppStream *
xmpp_connector_connect_finish (XmppConnector  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
