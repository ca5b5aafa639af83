/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "http-bosh"

#include "http-bosh-transport.h"

#include "http-event-queue.h"
#include "http-tls.h"
#include "http-wire.h"
#include "http-websocket-transport.h"
#include "xmpp-error.h"
#include "xmpp-writer.h"

#define ATTR_XMPP_VERSION "{" HTTP_NS_XBOSH "}version"
/* Room above the stanza limit for the <body/> around the stanzas. */
#define BODY_SLACK 4096
/* Seconds between attempts of a request whose response was lost. */
#define RETRY_DELAY_MS 500
/* How long close() waits for the answer to the terminate request. */
#define CLOSE_GRACE_SECONDS 5
/* Largest rid we start from: far below 2^53 (XEP-0124 §14), so that no
 * session ever reaches it. */
#define MAX_INITIAL_RID (G_GUINT64_CONSTANT (1) << 52)

typedef enum {
  REQUEST_CREATE,
  REQUEST_RESTART,
  REQUEST_PAYLOAD,
  REQUEST_TERMINATE,
} RequestKind;

typedef struct
{
  HttpBoshTransport *self;   /* NULL once the transport is gone */
  RequestKind kind;
  guint64 rid;
  GBytes *body;
  guint attempts;
  SoupMessage *msg;
  GInputStream *stream;
  GByteArray *data;
  GCancellable *cancellable;
  guint retry_timer;
} Request;

/* A response waiting for its turn. */
typedef struct
{
  RequestKind kind;
  XmppNode *body;
} Answer;

static void
answer_free (gpointer data)
{
  Answer *answer = data;

  xmpp_node_unref (answer->body);
  g_free (answer);
}

struct _HttpBoshTransport
{
  GObject parent_instance;

  SoupSession *session;
  GUri *uri;
  char *url;
  char *domain;
  char *ca_file;
  XmppReaderLimits limits;
  gsize max_body;
  gboolean secure;

  /* Session (XEP-0124 §7) */
  guint64 next_rid;
  guint64 next_to_process;
  char *sid;
  char *stream_from;
  char *stream_to;
  char *stream_version;
  char *stream_id;
  char *server_from;
  guint requests;
  guint hold;
  guint wait;
  guint polling;
  guint inactivity;
  guint maxpause;
  gboolean created;
  gboolean terminate_sent;
  gboolean ended;

  /* Sending */
  GString *outbox;
  GQueue ready;            /* Request built, not sent yet (rid order) */
  GList *in_flight;        /* Request */
  GHashTable *answered;    /* rid → Answer */
  guint pump_idle;
  guint poll_timer;
  guint close_timer;
  GList *flush_tasks;

  /* Reading */
  HttpEventQueue *events;

  guint64 bytes_in;
  guint64 bytes_out;
};

static void transport_iface_init (XmppTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HttpBoshTransport, http_bosh_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (XMPP_TYPE_TRANSPORT, transport_iface_init))

static void pump (HttpBoshTransport *self);
static void send_request (HttpBoshTransport *self,
                          Request           *request);

static void
request_free (Request *request)
{
  g_clear_handle_id (&request->retry_timer, g_source_remove);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_object (&request->msg);
  g_clear_object (&request->stream);
  g_clear_pointer (&request->data, g_byte_array_unref);
  g_clear_object (&request->cancellable);
  g_free (request);
}

/* Parsing */

gboolean
http_bosh_parse_body (const char              *data,
                      gsize                    len,
                      const XmppReaderLimits  *limits,
                      XmppNode               **body,
                      GError                 **error)
{
  XmppReaderLimits body_limits = { 0 };
  g_autoptr(XmppReader) reader = NULL;
  g_autoptr(XmppNode) root = NULL;
  XmppNode *extra = NULL;
  gboolean ok;

  g_return_val_if_fail (body != NULL, FALSE);
  *body = NULL;

  if (limits != NULL)
    body_limits = *limits;
  if (body_limits.max_stanza_size == 0)
    body_limits.max_stanza_size = XMPP_READER_DEFAULT_MAX_STANZA_SIZE;
  if (body_limits.max_depth == 0)
    body_limits.max_depth = XMPP_READER_DEFAULT_MAX_DEPTH;
  body_limits.max_stanza_size += BODY_SLACK;
  body_limits.max_depth += 1;

  reader = xmpp_reader_new (XMPP_READER_MODE_DOCUMENT, &body_limits);
  ok = xmpp_reader_feed (reader, data, len, error) && xmpp_reader_finish (reader, error);
  if (!ok)
    return FALSE;

  if (xmpp_reader_pop (reader, &root) != XMPP_READER_EVENT_STANZA ||
      xmpp_reader_pop (reader, &extra) != XMPP_READER_EVENT_NONE)
    {
      g_clear_pointer (&extra, xmpp_node_unref);
      g_set_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_NOT_WELL_FORMED,
                   "A BOSH response carried no single element");
      return FALSE;
    }
  if (!xmpp_node_is (root, "body", HTTP_NS_HTTPBIND))
    {
      g_set_error (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING,
                   "A BOSH response was <%s/>, not a <body/>", xmpp_node_get_name (root));
      return FALSE;
    }
  *body = g_steal_pointer (&root);
  return TRUE;
}

GError *
http_bosh_terminate_error (const XmppNode *body)
{
  const char *condition = xmpp_node_get_attr (body, "condition");
  static const char * const gone[] = { "item-not-found", "system-shutdown", "other-request" };
  static const char * const temporary[] = { "remote-connection-failed", "internal-server-error" };

  if (condition == NULL || *condition == '\0' || strcmp (condition, "remote-stream-error") == 0)
    return NULL;

  if (strcmp (condition, "see-other-uri") == 0)
    return g_error_new (XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_SEE_OTHER_URI,
                        "The BOSH server sent the client elsewhere (see-other-uri)");
  for (guint i = 0; i < G_N_ELEMENTS (gone); i++)
    if (strcmp (condition, gone[i]) == 0)
      return g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                          "The BOSH server ended the session (%s)", gone[i]);
  for (guint i = 0; i < G_N_ELEMENTS (temporary); i++)
    if (strcmp (condition, temporary[i]) == 0)
      return g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_IO,
                          "The BOSH server ended the session (%s)", temporary[i]);

  {
    g_autoptr(GString) shown = g_string_new (NULL);

    /* The server's word, bounded and printable, for the message. */
    for (const char *p = condition; *p != '\0' && shown->len < 64; p++)
      g_string_append_c (shown, g_ascii_isgraph (*p) ? *p : '?');
    return g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL,
                        "The BOSH server ended the session (%s)", shown->str);
  }
}

/* Lifetime */

static void
cancel_requests (HttpBoshTransport *self)
{
  while (!g_queue_is_empty (&self->ready))
    request_free (g_queue_pop_head (&self->ready));
  for (GList *l = self->in_flight; l != NULL; l = l->next)
    {
      Request *request = l->data;

      /* Its callback frees it. */
      request->self = NULL;
      g_clear_handle_id (&request->retry_timer, g_source_remove);
      g_cancellable_cancel (request->cancellable);
    }
  g_clear_pointer (&self->in_flight, g_list_free);
}

static void
complete_flushes (HttpBoshTransport *self)
{
  GList *tasks;

  if (http_event_queue_get_error (self->events) == NULL &&
      (self->outbox->len > 0 || !g_queue_is_empty (&self->ready)))
    return;
  tasks = g_steal_pointer (&self->flush_tasks);
  for (GList *l = tasks; l != NULL; l = l->next)
    {
      g_autoptr(GTask) task = l->data;

      http_event_queue_return_flush (self->events, task);
    }
  g_list_free (tasks);
}

static void
http_bosh_transport_dispose (GObject *object)
{
  HttpBoshTransport *self = HTTP_BOSH_TRANSPORT (object);

  g_clear_handle_id (&self->pump_idle, g_source_remove);
  g_clear_handle_id (&self->poll_timer, g_source_remove);
  g_clear_handle_id (&self->close_timer, g_source_remove);
  cancel_requests (self);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (http_bosh_transport_parent_class)->dispose (object);
}

static void
http_bosh_transport_finalize (GObject *object)
{
  HttpBoshTransport *self = HTTP_BOSH_TRANSPORT (object);

  g_assert (self->flush_tasks == NULL);
  g_clear_pointer (&self->events, http_event_queue_free);
  g_hash_table_unref (self->answered);
  g_string_free (self->outbox, TRUE);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_free (self->url);
  g_free (self->domain);
  g_free (self->ca_file);
  g_free (self->sid);
  g_free (self->stream_from);
  g_free (self->stream_to);
  g_free (self->stream_version);
  g_free (self->stream_id);
  g_free (self->server_from);

  G_OBJECT_CLASS (http_bosh_transport_parent_class)->finalize (object);
}

static void
http_bosh_transport_class_init (HttpBoshTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = http_bosh_transport_dispose;
  object_class->finalize = http_bosh_transport_finalize;
}

static void
http_bosh_transport_init (HttpBoshTransport *self)
{
  self->events = http_event_queue_new (NULL, NULL);
  g_queue_init (&self->ready);
  self->outbox = g_string_new (NULL);
  self->answered = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, answer_free);
  /* Random, and far from 2^53 even after years of requests. */
  self->next_rid = ((guint64) g_random_int () << 20 | g_random_int_range (0, 1 << 20)) %
                   MAX_INITIAL_RID + 1;
  self->requests = 1;
  self->hold = 1;
  self->wait = HTTP_BOSH_WAIT;
}

void
http_bosh_transport_set_initial_rid (HttpBoshTransport *self,
                                     guint64            rid)
{
  g_return_if_fail (HTTP_IS_BOSH_TRANSPORT (self));
  g_return_if_fail (rid > 0 && rid < MAX_INITIAL_RID);
  g_return_if_fail (!self->created && self->in_flight == NULL);

  self->next_rid = rid;
}

/* Ends the session: nothing more is sent; what was received before is
 * still read, then @error. */
static void
fail (HttpBoshTransport *self,
      GError            *error)
{
  if (http_event_queue_take_error (self->events, error))
    g_debug ("BOSH failed: %s", http_event_queue_get_error (self->events)->message);
  self->ended = TRUE;
  g_clear_handle_id (&self->poll_timer, g_source_remove);
  g_clear_handle_id (&self->close_timer, g_source_remove);
  cancel_requests (self);
  complete_flushes (self);
  http_event_queue_deliver (self->events);
}

/* Requests (XEP-0124 §7, §9, §12) */

static void
append_attr (GString    *out,
             const char *name,
             const char *value)
{
  g_string_append_printf (out, " %s='", name);
  xmpp_writer_escape (out, value, -1, TRUE);
  g_string_append_c (out, '\'');
}

static Request *
build_request (HttpBoshTransport *self,
               RequestKind        kind)
{
  Request *request = g_new0 (Request, 1);
  g_autoptr(GString) out = g_string_sized_new (256 + self->outbox->len);
  char rid[24];

  request->self = self;
  request->kind = kind;
  request->rid = self->next_rid++;
  g_snprintf (rid, sizeof rid, "%" G_GUINT64_FORMAT, request->rid);

  g_string_append (out, "<body");
  append_attr (out, "rid", rid);
  if (kind == REQUEST_CREATE)
    {
      char wait[16];

      g_snprintf (wait, sizeof wait, "%u", HTTP_BOSH_WAIT);
      append_attr (out, "to", self->stream_to);
      if (self->stream_from != NULL)
        append_attr (out, "from", self->stream_from);
      append_attr (out, "xml:lang", "en");
      append_attr (out, "wait", wait);
      append_attr (out, "hold", "1");
      append_attr (out, "ver", "1.6");
      append_attr (out, "xmpp:version", "1.0");
    }
  else
    {
      append_attr (out, "sid", self->sid);
    }
  if (kind == REQUEST_RESTART)
    {
      append_attr (out, "to", self->stream_to);
      append_attr (out, "xml:lang", "en");
      append_attr (out, "xmpp:restart", "true");
    }
  if (kind == REQUEST_TERMINATE)
    append_attr (out, "type", "terminate");
  g_string_append (out, " xmlns='" HTTP_NS_HTTPBIND "'");
  if (kind == REQUEST_CREATE || kind == REQUEST_RESTART)
    g_string_append (out, " xmlns:xmpp='" HTTP_NS_XBOSH "'");

  if (self->outbox->len == 0 || kind == REQUEST_RESTART)
    g_string_append (out, "/>");
  else
    {
      g_string_append_c (out, '>');
      g_string_append_len (out, self->outbox->str, self->outbox->len);
      g_string_truncate (self->outbox, 0);
      g_string_append (out, "</body>");
    }
  request->body = g_string_free_to_bytes (g_steal_pointer (&out));
  return request;
}

static void
count_request (HttpBoshTransport *self,
               SoupMessage       *msg,
               gsize              body_len)
{
  GUri *uri = soup_message_get_uri (msg);

  self->bytes_out += strlen ("POST  HTTP/1.1\r\n\r\n") + strlen (g_uri_get_path (uri)) + body_len +
                     http_wire_headers_size (soup_message_get_request_headers (msg));
}

static void
count_response (HttpBoshTransport *self,
                SoupMessage       *msg,
                gsize              body_len)
{
  self->bytes_in += http_wire_response_head_size (msg) + body_len;
}

static void
start_poll (HttpBoshTransport *self)
{
  if (self->ended || self->terminate_sent || !self->created || self->in_flight != NULL ||
      !g_queue_is_empty (&self->ready) || self->outbox->len > 0)
    return;
  g_queue_push_tail (&self->ready, build_request (self, REQUEST_PAYLOAD));
}

static gboolean
poll_timer_cb (gpointer user_data)
{
  g_autoptr(HttpBoshTransport) self = g_object_ref (user_data);

  self->poll_timer = 0;
  start_poll (self);
  pump (self);
  return G_SOURCE_REMOVE;
}

/* Sends what can be sent: built requests first, then the outbox, while
 * fewer than `requests` are out; then leaves one empty request with the
 * server, so it can push (after `polling` seconds when it holds none). */
static void
pump (HttpBoshTransport *self)
{
  g_clear_handle_id (&self->pump_idle, g_source_remove);
  if (self->ended)
    return;

  while (g_list_length (self->in_flight) < MAX (self->requests, 1))
    {
      Request *request = g_queue_pop_head (&self->ready);

      if (request == NULL && self->created && !self->terminate_sent && self->outbox->len > 0)
        request = build_request (self, REQUEST_PAYLOAD);
      if (request == NULL)
        break;
      send_request (self, request);
    }

  if (self->created && !self->terminate_sent && self->in_flight == NULL &&
      g_queue_is_empty (&self->ready) && self->outbox->len == 0)
    {
      if (self->hold == 0)
        {
          /* The server holds nothing: poll, at most as often as it allows
           * and never in a tight loop. */
          if (self->poll_timer == 0)
            self->poll_timer = g_timeout_add (MAX (self->polling, 1) * 1000, poll_timer_cb, self);
        }
      else
        {
          start_poll (self);
          pump (self);
          return;
        }
    }
  complete_flushes (self);
}

static gboolean
pump_idle_cb (gpointer user_data)
{
  g_autoptr(HttpBoshTransport) self = g_object_ref (user_data);

  self->pump_idle = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_pump (HttpBoshTransport *self)
{
  if (self->pump_idle == 0)
    self->pump_idle = g_idle_add (pump_idle_cb, self);
}

static guint
uint_attr (const XmppNode *node,
           const char     *name,
           guint           fallback,
           guint           max)
{
  const char *text = xmpp_node_get_attr (node, name);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, max, &value, NULL))
    return fallback;
  return (guint) value;
}

/* The session creation response (XEP-0124 §7.1, XEP-0206 §4). */
static gboolean
take_session (HttpBoshTransport  *self,
              const XmppNode     *body,
              GError            **error)
{
  const char *sid = xmpp_node_get_attr (body, "sid");

  if (sid == NULL || *sid == '\0' || strlen (sid) > 256)
    {
      g_set_error (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING,
                   "The BOSH session response carries no sid");
      return FALSE;
    }
  self->sid = g_strdup (sid);
  self->wait = uint_attr (body, "wait", HTTP_BOSH_WAIT, HTTP_BOSH_WAIT);
  self->hold = uint_attr (body, "hold", 1, 1);
  /* Without requests='…' the server has room for hold + 1 (§7.1). */
  self->requests = uint_attr (body, "requests", self->hold + 1, 8);
  if (self->requests == 0)
    self->requests = 1;
  self->polling = uint_attr (body, "polling", 0, 3600);
  self->inactivity = uint_attr (body, "inactivity", 0, 86400);
  self->maxpause = uint_attr (body, "maxpause", 0, 86400);
  g_free (self->stream_version);
  self->stream_version = g_strdup (xmpp_node_get_attr (body, ATTR_XMPP_VERSION));
  self->created = TRUE;
  g_debug ("BOSH session: wait %u, hold %u, requests %u, polling %u, inactivity %u",
           self->wait, self->hold, self->requests, self->polling, self->inactivity);
  return TRUE;
}

/* The server's stream header, made of the session attributes; pushed
 * again at each restart, whose features may come in any response. */
static void
push_stream_open (HttpBoshTransport *self,
                  const XmppNode    *body)
{
  XmppNode *open = xmpp_node_new ("open", HTTP_NS_FRAMING);

  if (body != NULL)
    {
      const char *from = xmpp_node_get_attr (body, "from");
      const char *id = xmpp_node_get_attr (body, "authid");

      g_free (self->stream_id);
      self->stream_id = g_strdup (id != NULL ? id : self->sid);
      g_free (self->server_from);
      self->server_from = g_strdup (from != NULL ? from : self->stream_to);
    }
  xmpp_node_set_attr (open, "from", self->server_from);
  xmpp_node_set_attr (open, "id", self->stream_id);
  /* XEP-0206 §4: xmpp:version='1.0' says the server speaks XMPP 1.0. */
  if (self->stream_version != NULL)
    xmpp_node_set_attr (open, "version", self->stream_version);
  http_event_queue_push (self->events, XMPP_READER_EVENT_STREAM_OPEN, open);
}

static void
handle_body (HttpBoshTransport *self,
             RequestKind        kind,
             XmppNode          *body)
{
  const char *sid = xmpp_node_get_attr (body, "sid");
  const char *type = xmpp_node_get_attr (body, "type");
  g_autoptr(GError) error = NULL;

  if (kind == REQUEST_CREATE && g_strcmp0 (type, "terminate") != 0)
    {
      if (!take_session (self, body, &error))
        {
          fail (self, g_steal_pointer (&error));
          return;
        }
    }
  else if (sid != NULL && g_strcmp0 (sid, self->sid) != 0)
    {
      fail (self, g_error_new (XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING,
                               "A BOSH response belongs to another session"));
      return;
    }

  if (kind == REQUEST_CREATE && g_strcmp0 (type, "terminate") != 0)
    push_stream_open (self, body);

  for (guint i = 0; i < xmpp_node_get_n_children (body); i++)
    http_event_queue_push (self->events, XMPP_READER_EVENT_STANZA,
                xmpp_node_ref (xmpp_node_get_child_at (body, i)));

  if (g_strcmp0 (type, "terminate") == 0 || kind == REQUEST_TERMINATE)
    {
      GError *terminate = g_strcmp0 (type, "terminate") == 0 ? http_bosh_terminate_error (body)
                                                              : NULL;

      self->ended = TRUE;
      if (terminate != NULL)
        {
          fail (self, terminate);
          return;
        }
      http_event_queue_push (self->events, XMPP_READER_EVENT_STREAM_CLOSE, NULL);
      fail (self, g_error_new_literal (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                                       "The BOSH session ended"));
    }
}

/* Responses are processed in rid order, whatever order they arrive in. */
static void
process_answered (HttpBoshTransport *self)
{
  while (!self->ended)
    {
      gint64 key = (gint64) self->next_to_process;
      gpointer found_key = NULL;
      gpointer found = NULL;
      Answer *answer;

      if (!g_hash_table_steal_extended (self->answered, &key, &found_key, &found))
        return;
      g_free (found_key);
      answer = found;
      self->next_to_process++;
      handle_body (self, answer->kind, answer->body);
      answer_free (answer);
    }
}

static void
request_finished (Request *request)
{
  HttpBoshTransport *self = request->self;

  if (self != NULL)
    self->in_flight = g_list_remove (self->in_flight, request);
  request_free (request);
}

static gboolean
retry_cb (gpointer user_data)
{
  Request *request = user_data;
  g_autoptr(HttpBoshTransport) self = g_object_ref (request->self);

  request->retry_timer = 0;
  self->in_flight = g_list_remove (self->in_flight, request);
  send_request (self, request);
  return G_SOURCE_REMOVE;
}

/* A request failed on the way: send it again with the same rid and body
 * (XEP-0124 §14), unless it is hopeless. */
static void
request_failed (Request *request,
                GError  *error)
{
  HttpBoshTransport *self = request->self;
  gboolean retry;

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      request_finished (request);
      return;
    }

  retry = self->created && request->attempts < HTTP_BOSH_MAX_RETRIES &&
          request->kind != REQUEST_TERMINATE && error->domain == XMPP_STREAM_ERROR &&
          (error->code == XMPP_STREAM_ERROR_IO || error->code == XMPP_STREAM_ERROR_TIMEOUT ||
           error->code == XMPP_STREAM_ERROR_REFUSED);
  if (!retry)
    {
      if (request->kind == REQUEST_TERMINATE)
        {
          g_error_free (error);
          error = g_error_new_literal (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                                       "The BOSH session ended");
          http_event_queue_push (self->events, XMPP_READER_EVENT_STREAM_CLOSE, NULL);
        }
      request_finished (request);
      fail (self, error);
      return;
    }

  g_debug ("BOSH request %" G_GUINT64_FORMAT " lost (%s); sending it again", request->rid,
           error->message);
  g_error_free (error);
  g_clear_object (&request->msg);
  g_clear_object (&request->stream);
  g_clear_pointer (&request->data, g_byte_array_unref);
  request->retry_timer = g_timeout_add (RETRY_DELAY_MS * request->attempts, retry_cb, request);
}

static void
response_complete (Request *request)
{
  HttpBoshTransport *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppNode) body = NULL;
  Answer *answer;
  gint64 *key;

  count_response (self, request->msg, request->data->len);
  if (!http_bosh_parse_body ((const char *) request->data->data, request->data->len,
                             &self->limits, &body, &error))
    {
      request_finished (request);
      fail (self, g_steal_pointer (&error));
      return;
    }

  key = g_new (gint64, 1);
  *key = (gint64) request->rid;
  answer = g_new (Answer, 1);
  answer->kind = request->kind;
  answer->body = g_steal_pointer (&body);
  g_hash_table_replace (self->answered, key, answer);
  request_finished (request);
  process_answered (self);
  pump (self);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Request *request = user_data;
  HttpBoshTransport *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;

  g_autoptr(HttpBoshTransport) keep = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (self == NULL)
    {
      request_finished (request);
      return;
    }
  /* A reader's callback may drop the last reference while we process. */
  keep = g_object_ref (self);
  if (chunk == NULL)
    {
      request_failed (request, http_tls_classify_error (request->msg, error, self->url));
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      /* Closed at the end of the body, the connection goes back to the
       * pool and carries the next request (no new TLS handshake). */
      g_input_stream_close (request->stream, NULL, NULL);
      response_complete (request);
      return;
    }
  if (request->data->len + g_bytes_get_size (chunk) > self->max_body)
    {
      request_finished (request);
      fail (self, g_error_new (XMPP_READER_ERROR, XMPP_READER_ERROR_LIMIT,
                               "A BOSH response is larger than %" G_GSIZE_FORMAT " bytes",
                               self->max_body));
      return;
    }
  g_byte_array_append (request->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (request->stream, 64 * 1024, G_PRIORITY_DEFAULT,
                                   request->cancellable, read_cb, request);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Request *request = user_data;
  HttpBoshTransport *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  guint status;
  goffset length;

  g_autoptr(HttpBoshTransport) keep = NULL;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (self == NULL)
    {
      request_finished (request);
      return;
    }
  keep = g_object_ref (self);
  if (stream == NULL)
    {
      request_failed (request, http_tls_classify_error (request->msg, error, self->url));
      return;
    }

  status = soup_message_get_status (request->msg);
  if (status != SOUP_STATUS_OK)
    {
      /* XEP-0124 §19.3: the legacy status codes end the session. */
      count_response (self, request->msg, 0);
      request_finished (request);
      fail (self, status == SOUP_STATUS_NOT_FOUND
                    ? g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                                   "The BOSH server does not know the session (HTTP 404)")
                    : g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL,
                                   "The BOSH server answered HTTP %u", status));
      return;
    }
  length = soup_message_headers_get_content_length (
    soup_message_get_response_headers (request->msg));
  if (length > 0 && (guint64) length > self->max_body)
    {
      request_finished (request);
      fail (self, g_error_new (XMPP_READER_ERROR, XMPP_READER_ERROR_LIMIT,
                               "A BOSH response is larger than %" G_GSIZE_FORMAT " bytes",
                               self->max_body));
      return;
    }

  request->stream = g_steal_pointer (&stream);
  request->data = g_byte_array_new ();
  g_input_stream_read_bytes_async (request->stream, 64 * 1024, G_PRIORITY_DEFAULT,
                                   request->cancellable, read_cb, request);
}

static void
send_request (HttpBoshTransport *self,
              Request           *request)
{
  g_autoptr(GError) error = NULL;

  request->attempts++;
  if (request->cancellable == NULL)
    request->cancellable = g_cancellable_new ();
  request->msg = soup_message_new_from_uri (SOUP_METHOD_POST, self->uri);
  soup_message_set_request_body_from_bytes (request->msg, "text/xml; charset=utf-8",
                                            request->body);
  /* A POST gets a fresh connection unless marked idempotent; a BOSH
   * request is (the server answers a repeated rid with the same
   * response, XEP-0124 §14), and reusing connections spares a TLS
   * handshake per request. */
  soup_message_add_flags (request->msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT);
  self->in_flight = g_list_append (self->in_flight, request);
  if (!http_tls_guard_message (request->msg, self->ca_file, &error))
    {
      request_finished (request);
      fail (self, g_steal_pointer (&error));
      return;
    }
  count_request (self, request->msg, g_bytes_get_size (request->body));
  soup_session_send_async (self->session, request->msg, G_PRIORITY_DEFAULT, request->cancellable,
                           sent_cb, request);
}

/* XmppTransport */

static void
bosh_open_stream (XmppTransport *transport,
                  const char    *to,
                  const char    *from)
{
  HttpBoshTransport *self = HTTP_BOSH_TRANSPORT (transport);

  g_return_if_fail (!self->created && self->next_to_process == 0);

  g_free (self->stream_to);
  self->stream_to = g_strdup (to);
  g_free (self->stream_from);
  self->stream_from = g_strdup (from);
  if (self->ended)
    return;
  self->next_to_process = self->next_rid;
  g_queue_push_tail (&self->ready, build_request (self, REQUEST_CREATE));
  pump (self);
}

static void
bosh_restart_stream (XmppTransport *transport,
                     const char    *to,
                     const char    *from)
{
  HttpBoshTransport *self = HTTP_BOSH_TRANSPORT (transport);

  if (!self->created)
    {
      bosh_open_stream (transport, to, from);
      return;
    }
  /* Anything received and not read belongs to the old stream. */
  http_event_queue_clear (self->events);
  if (self->ended || self->terminate_sent)
    return;
  g_free (self->stream_to);
  self->stream_to = g_strdup (to);
  if (self->outbox->len > 0)
    g_queue_push_tail (&self->ready, build_request (self, REQUEST_PAYLOAD));
  g_queue_push_tail (&self->ready, build_request (self, REQUEST_RESTART));
  /* Prosody answers the restart on whichever request it holds; what
   * arrives from now on is the new stream. */
  push_stream_open (self, NULL);
  pump (self);
}

static void
bosh_send (XmppTransport  *transport,
           const XmppNode *element)
{
  HttpBoshTransport *self = HTTP_BOSH_TRANSPORT (transport);

  if (self->ended || self->terminate_sent)
    return;
  /* The <body/> declares httpbind as the default namespace: stanzas
   * declare jabber:client. */
  xmpp_writer_append (self->outbox, element, HTTP_NS_HTTPBIND);
  schedule_pump (self);
}

static void
bosh_read_async (XmppTransport       *transport,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  HttpBoshTransport *self = HTTP_BOSH_TRANSPORT (transport);

  http_event_queue_read_async (self->events, transport, cancellable, callback, user_data);
}

static void
bosh_flush_async (XmppTransport       *transport,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  HttpBoshTransport *self = HTTP_BOSH_TRANSPORT (transport);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, bosh_flush_async);
  self->flush_tasks = g_list_append (self->flush_tasks, task);
  pump (self);
  complete_flushes (self);
}

static gboolean
close_timeout_cb (gpointer user_data)
{
  g_autoptr(HttpBoshTransport) self = g_object_ref (user_data);

  self->close_timer = 0;
  fail (self, g_error_new_literal (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                                   "The BOSH session ended"));
  return G_SOURCE_REMOVE;
}

static void
bosh_close (XmppTransport *transport)
{
  HttpBoshTransport *self = HTTP_BOSH_TRANSPORT (transport);

  if (self->terminate_sent || self->ended)
    return;
  self->terminate_sent = TRUE;
  g_clear_handle_id (&self->poll_timer, g_source_remove);
  if (!self->created)
    {
      fail (self, g_error_new_literal (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                                       "The BOSH session ended"));
      return;
    }
  /* The terminate request carries what is still queued (§13). */
  g_queue_push_tail (&self->ready, build_request (self, REQUEST_TERMINATE));
  pump (self);
  if (!self->ended)
    self->close_timer = g_timeout_add_seconds (CLOSE_GRACE_SECONDS, close_timeout_cb, self);
}

static void
bosh_keepalive (XmppTransport *transport)
{
  HttpBoshTransport *self = HTTP_BOSH_TRANSPORT (transport);

  if (!self->created || self->ended || self->terminate_sent ||
      g_list_length (self->in_flight) >= self->requests || !g_queue_is_empty (&self->ready))
    return;
  /* An empty request: the server answers the one it holds. */
  g_queue_push_tail (&self->ready, build_request (self, REQUEST_PAYLOAD));
  pump (self);
}

static gboolean
bosh_is_secure (XmppTransport *transport)
{
  return HTTP_BOSH_TRANSPORT (transport)->secure;
}

static guint64
bosh_get_bytes_in (XmppTransport *transport)
{
  return HTTP_BOSH_TRANSPORT (transport)->bytes_in;
}

static guint64
bosh_get_bytes_out (XmppTransport *transport)
{
  return HTTP_BOSH_TRANSPORT (transport)->bytes_out;
}

static void
transport_iface_init (XmppTransportInterface *iface)
{
  iface->open_stream = bosh_open_stream;
  iface->restart_stream = bosh_restart_stream;
  iface->send = bosh_send;
  iface->read_async = bosh_read_async;
  iface->read_finish = http_event_queue_read_finish;
  iface->flush_async = bosh_flush_async;
  iface->flush_finish = http_event_queue_flush_finish;
  iface->close = bosh_close;
  iface->keepalive = bosh_keepalive;
  iface->is_secure = bosh_is_secure;
  iface->get_bytes_in = bosh_get_bytes_in;
  iface->get_bytes_out = bosh_get_bytes_out;
}

/* Creating */

XmppTransport *
http_bosh_transport_new (SoupSession                   *session,
                         const XmppTransportOpenParams *params,
                         GError                       **error)
{
  g_autoptr(HttpBoshTransport) self = NULL;
  g_autoptr(GSocketConnectable) remote = NULL;
  g_autofree char *user_agent = NULL;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (params != NULL && params->url != NULL && params->domain != NULL, NULL);

  self = g_object_new (HTTP_TYPE_BOSH_TRANSPORT, NULL);
  self->uri = http_tls_check_url (params->url, "https", "http", params->allow_insecure_loopback,
                                  &self->secure, error);
  if (self->uri == NULL)
    return NULL;
  self->url = g_strdup (params->url);
  self->domain = g_strdup (params->domain);
  self->ca_file = g_strdup (params->ca_file);
  if (params->limits != NULL)
    self->limits = *params->limits;
  if (self->limits.max_stanza_size == 0)
    self->limits.max_stanza_size = XMPP_READER_DEFAULT_MAX_STANZA_SIZE;
  self->max_body = self->limits.max_stanza_size + BODY_SLACK;

  /* Long polls outlive the shared session's I/O timeout: a session of our
   * own, going where the shared one goes. */
  g_object_get (session, "remote-connectable", &remote, "user-agent", &user_agent, NULL);
  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "remote-connectable", remote,
                                "user-agent", user_agent,
                                "timeout", HTTP_BOSH_WAIT + 15,
                                "max-conns-per-host", 4,
                                NULL);
  return XMPP_TRANSPORT (g_steal_pointer (&self));
}
