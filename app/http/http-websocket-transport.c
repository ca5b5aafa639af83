/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "http-websocket"

#include "http-websocket-transport.h"

#include "http-event-queue.h"
#include "http-tls.h"
#include "http-wire.h"
#include "xmpp-error.h"
#include "xmpp-writer.h"

#define NS_STREAMS "http://etherx.jabber.org/streams"
/* Room above the stanza limit, so a message just over it reaches the
 * reader and fails with the same LIMIT error as on TCP. */
#define PAYLOAD_SLACK 4096
/* How long a close waits for the server's <close/>. */
#define CLOSE_GRACE_SECONDS 5
/* The payload of libsoup's keepalive ping. */
#define PING_PAYLOAD 7

struct _HttpWebsocketTransport
{
  GObject parent_instance;

  SoupSession *session;
  SoupWebsocketConnection *conn;
  char *url;
  char *domain;
  char *ca_file;
  gboolean allow_insecure;
  XmppReaderLimits limits;
  gboolean secure;

  /* The last <open/>, resent after a redirect. */
  char *open_to;
  char *open_from;
  gboolean server_opened;
  gboolean redirected;

  HttpEventQueue *events;

  gboolean close_sent;
  gboolean closed;
  guint close_timer;
  gboolean pinging;

  guint64 bytes_in;
  guint64 bytes_out;
};

static void transport_iface_init (XmppTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HttpWebsocketTransport, http_websocket_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (XMPP_TYPE_TRANSPORT, transport_iface_init))

/* RFC 6455 §5.2: 2 bytes, plus 2 or 8 of extended length, plus the 4-byte
 * mask on what the client sends. */
static guint64
frame_size (gsize    payload,
            gboolean masked)
{
  guint64 header = payload < 126 ? 2 : payload <= G_MAXUINT16 ? 4 : 10;

  return header + (masked ? 4 : 0) + payload;
}

/* Parsing one message (RFC 7395 §3.3.3) */

XmppReaderEvent
http_websocket_parse_message (const char              *data,
                              gsize                    len,
                              const XmppReaderLimits  *limits,
                              XmppNode               **node,
                              GError                 **error)
{
  g_autoptr(XmppReader) reader = NULL;
  g_autoptr(XmppNode) element = NULL;
  g_autoptr(GError) local = NULL;
  XmppNode *extra = NULL;
  gboolean ok;

  g_return_val_if_fail (node != NULL, XMPP_READER_EVENT_NONE);
  *node = NULL;

  reader = xmpp_reader_new (XMPP_READER_MODE_DOCUMENT, limits);
  ok = xmpp_reader_feed (reader, data, len, &local) && xmpp_reader_finish (reader, &local);

  if (xmpp_reader_pop (reader, &element) != XMPP_READER_EVENT_STANZA)
    g_clear_pointer (&element, xmpp_node_unref);
  if (xmpp_reader_pop (reader, &extra) != XMPP_READER_EVENT_NONE)
    {
      g_clear_pointer (&extra, xmpp_node_unref);
      ok = FALSE;
    }

  if (!ok)
    {
      /* A complete element followed by anything but whitespace: a second
       * element or text, which the framing forbids. */
      if (element != NULL)
        g_set_error (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING,
                     "A WebSocket message carried more than one element");
      else if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_NOT_WELL_FORMED,
                     "A WebSocket message carried no element");
      return XMPP_READER_EVENT_NONE;
    }

  if (element == NULL)
    {
      g_set_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_NOT_WELL_FORMED,
                   "A WebSocket message carried no element");
      return XMPP_READER_EVENT_NONE;
    }

  if (xmpp_node_is (element, "stream", NS_STREAMS))
    {
      g_set_error (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING,
                   "The server framed the stream as TCP (<stream:stream>)");
      return XMPP_READER_EVENT_NONE;
    }

  *node = g_steal_pointer (&element);
  if (xmpp_node_is (*node, "open", HTTP_NS_FRAMING))
    return XMPP_READER_EVENT_STREAM_OPEN;
  if (xmpp_node_is (*node, "close", HTTP_NS_FRAMING))
    return XMPP_READER_EVENT_STREAM_CLOSE;
  return XMPP_READER_EVENT_STANZA;
}

/* Lifetime */

static void disconnect_conn (HttpWebsocketTransport *self);

static void
http_websocket_transport_dispose (GObject *object)
{
  HttpWebsocketTransport *self = HTTP_WEBSOCKET_TRANSPORT (object);

  g_clear_handle_id (&self->close_timer, g_source_remove);
  if (self->conn != NULL &&
      soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  disconnect_conn (self);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (http_websocket_transport_parent_class)->dispose (object);
}

static void
http_websocket_transport_finalize (GObject *object)
{
  HttpWebsocketTransport *self = HTTP_WEBSOCKET_TRANSPORT (object);

  g_clear_pointer (&self->events, http_event_queue_free);
  g_free (self->url);
  g_free (self->domain);
  g_free (self->ca_file);
  g_free (self->open_to);
  g_free (self->open_from);

  G_OBJECT_CLASS (http_websocket_transport_parent_class)->finalize (object);
}

static void
http_websocket_transport_class_init (HttpWebsocketTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = http_websocket_transport_dispose;
  object_class->finalize = http_websocket_transport_finalize;
}

static void read_over_cb (gpointer user_data);

static void
http_websocket_transport_init (HttpWebsocketTransport *self)
{
  self->events = http_event_queue_new (read_over_cb, self);
}

/* Delivering events */

static void
close_now (HttpWebsocketTransport *self)
{
  g_clear_handle_id (&self->close_timer, g_source_remove);
  if (self->conn != NULL &&
      soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

/* RFC 7395 §3.6: after our <close/>, a pending read still receives the
 * server's; the connection goes once that read is over. */
static void
read_over_cb (gpointer user_data)
{
  HttpWebsocketTransport *self = user_data;

  if (self->close_sent && !http_event_queue_is_reading (self->events))
    close_now (self);
}

/* Whether the stream failed: nothing more is sent. */
static gboolean
failed (HttpWebsocketTransport *self)
{
  return http_event_queue_get_error (self->events) != NULL;
}

static void
fail (HttpWebsocketTransport *self,
      GError                 *error)
{
  /* The first failure is the one reported; closing the connection may
   * report more (a write error) from inside libsoup. */
  if (!http_event_queue_take_error (self->events, error))
    return;
  g_debug ("WebSocket failed: %s", http_event_queue_get_error (self->events)->message);

  /* Everything the server sent before the failure is still delivered,
   * then the error. */
  if (self->conn != NULL &&
      soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR, NULL);
  http_event_queue_deliver (self->events);
}

/* The HTTP upgrade request, with nothing the WebSocket does not use: no
 * Accept-Encoding (a frame is never content-encoded). */
static SoupMessage *
new_upgrade_message (GUri *uri)
{
  SoupMessage *msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);

  soup_message_disable_feature (msg, SOUP_TYPE_CONTENT_DECODER);
  return msg;
}

/* Redirects (RFC 7395 §3.6.1) */

static void attach_conn (HttpWebsocketTransport  *self,
                         SoupWebsocketConnection *conn);
static void send_open (HttpWebsocketTransport *self);
static gboolean check_protocol (SoupWebsocketConnection  *conn,
                                GError                  **error);

static void
redirect_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HttpWebsocketTransport) self = user_data;
  g_autoptr(SoupWebsocketConnection) conn = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;

  http_event_queue_set_held (self->events, FALSE);
  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (conn == NULL)
    {
      fail (self, http_tls_classify_error (msg, error, self->url));
      return;
    }
  /* Failed or closed while the new connection was being made. */
  if (failed (self) || self->close_sent)
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      /* Kept unless the stream failed before. */
      http_event_queue_take_error (self->events,
                                   g_error_new_literal (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                                                        "The connection was closed"));
      http_event_queue_deliver (self->events);
      return;
    }
  if (!check_protocol (conn, &error))
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR, NULL);
      fail (self, g_steal_pointer (&error));
      return;
    }

  attach_conn (self, conn);
  send_open (self);
  http_event_queue_deliver (self->events);
}

static void
follow_redirect (HttpWebsocketTransport *self,
                 const char             *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  const char * const protocols[] = { "xmpp", NULL };

  /* Once, before the stream is established, and under the same rules as
   * the configured URL: a redirect to ws:// is refused. */
  if (self->redirected || self->server_opened)
    {
      fail (self, g_error_new (XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_SEE_OTHER_URI,
                               "The server redirected the connection again (to %s)", target));
      return;
    }

  uri = http_tls_check_url (target, "wss", "ws", self->allow_insecure, &self->secure, &error);
  if (uri == NULL)
    {
      fail (self, g_error_new (XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_SEE_OTHER_URI,
                               "Not following the server's redirect: %s", error->message));
      return;
    }

  g_debug ("following see-other-uri");
  self->redirected = TRUE;
  disconnect_conn (self);
  g_free (self->url);
  self->url = g_strdup (target);

  msg = new_upgrade_message (uri);
  if (!http_tls_guard_message (msg, self->ca_file, &error))
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  /* Nothing is read until the new connection is there. */
  http_event_queue_set_held (self->events, TRUE);
  soup_session_websocket_connect_async (self->session, msg, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, NULL, redirect_cb,
                                        g_object_ref (self));
}

/* The connection's signals */

static void
message_cb (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  HttpWebsocketTransport *self = user_data;
  g_autoptr(GError) error = NULL;
  XmppNode *node = NULL;
  XmppReaderEvent event;
  const char *data;
  gsize len;

  data = g_bytes_get_data (message, &len);
  self->bytes_in += frame_size (len, FALSE);
  if (failed (self))
    return;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      fail (self, g_error_new (XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING,
                               "The server sent a binary WebSocket message"));
      return;
    }

  event = http_websocket_parse_message (data, len, &self->limits, &node, &error);
  switch (event)
    {
    case XMPP_READER_EVENT_NONE:
      fail (self, g_steal_pointer (&error));
      return;

    case XMPP_READER_EVENT_STREAM_CLOSE:
      {
        g_autoptr(XmppNode) close_node = node;
        const char *target = xmpp_node_get_attr (close_node, "see-other-uri");

        if (target != NULL)
          {
            follow_redirect (self, target);
            return;
          }
        http_event_queue_push (self->events, XMPP_READER_EVENT_STREAM_CLOSE, NULL);
        return;
      }

    case XMPP_READER_EVENT_STREAM_OPEN:
      self->server_opened = TRUE;
      http_event_queue_push (self->events, event, node);
      return;

    case XMPP_READER_EVENT_STANZA:
    default:
      http_event_queue_push (self->events, event, node);
      return;
    }
}

static void
pong_cb (SoupWebsocketConnection *conn,
         GBytes                  *message,
         gpointer                 user_data)
{
  HttpWebsocketTransport *self = user_data;

  /* The pong echoes the ping's payload (RFC 6455 §5.5.3); the size libsoup
   * 3.2 hands to this signal is not reliable. */
  self->bytes_in += frame_size (PING_PAYLOAD, FALSE);
  if (self->pinging)
    {
      self->pinging = FALSE;
      soup_websocket_connection_set_keepalive_interval (conn, 0);
    }
}

static void
error_cb (SoupWebsocketConnection *conn,
          GError                  *error,
          gpointer                 user_data)
{
  HttpWebsocketTransport *self = user_data;

  /* A message over the payload limit is libsoup's to refuse. */
  if (error->domain == SOUP_WEBSOCKET_ERROR)
    fail (self, g_error_new (XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING,
                             "WebSocket protocol error: %s", error->message));
  else
    fail (self, g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_IO,
                             "Connection lost: %s", error->message));
}

static void
closed_cb (SoupWebsocketConnection *conn,
           gpointer                 user_data)
{
  HttpWebsocketTransport *self = user_data;
  gushort code = soup_websocket_connection_get_close_code (conn);

  self->closed = TRUE;
  g_clear_handle_id (&self->close_timer, g_source_remove);
  if (code == SOUP_WEBSOCKET_CLOSE_NORMAL || code == SOUP_WEBSOCKET_CLOSE_GOING_AWAY ||
      self->close_sent)
    fail (self, g_error_new_literal (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                                     "The server closed the connection"));
  else
    fail (self, g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_IO,
                             "Connection lost (WebSocket close code %u)", code));
}

static void
disconnect_conn (HttpWebsocketTransport *self)
{
  if (self->conn == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->conn, self);
  if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->conn);
}

/* The HTTP upgrade, as it went over the wire (request and status lines,
 * headers, blank lines). */
static void
count_handshake (HttpWebsocketTransport *self,
                 SoupMessage            *msg)
{
  GUri *uri = soup_message_get_uri (msg);

  self->bytes_out += strlen ("GET  HTTP/1.1\r\n\r\n") + strlen (g_uri_get_path (uri)) +
                     (g_uri_get_query (uri) ? 1 + strlen (g_uri_get_query (uri)) : 0) +
                     http_wire_headers_size (soup_message_get_request_headers (msg));
  self->bytes_in += http_wire_response_head_size (msg);
}

static void
attach_conn (HttpWebsocketTransport  *self,
             SoupWebsocketConnection *conn)
{
  self->conn = g_object_ref (conn);
  if (self->limits.max_stanza_size > 0)
    soup_websocket_connection_set_max_incoming_payload_size (conn, self->limits.max_stanza_size +
                                                                     PAYLOAD_SLACK);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (conn, "pong", G_CALLBACK (pong_cb), self);
  g_signal_connect (conn, "error", G_CALLBACK (error_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), self);
}

/* RFC 7395 §3.1: the server must choose "xmpp"; one that answers without a
 * subprotocol does not speak this framing. */
static gboolean
check_protocol (SoupWebsocketConnection  *conn,
                GError                  **error)
{
  if (g_strcmp0 (soup_websocket_connection_get_protocol (conn), "xmpp") == 0)
    return TRUE;

  g_set_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL,
               "The WebSocket server did not accept the \"xmpp\" subprotocol");
  return FALSE;
}

/* Sending */

static void
send_text (HttpWebsocketTransport *self,
           const char             *text,
           gsize                   len)
{
  if (self->conn == NULL ||
      soup_websocket_connection_get_state (self->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  soup_websocket_connection_send_text (self->conn, text);
  self->bytes_out += frame_size (len, TRUE);
}

static void
send_node (HttpWebsocketTransport *self,
           const XmppNode         *node)
{
  g_autoptr(GString) out = g_string_sized_new (256);

  /* No namespace in scope: every message declares its own. */
  xmpp_writer_append (out, node, NULL);
  send_text (self, out->str, out->len);
}

static void
send_open (HttpWebsocketTransport *self)
{
  g_autoptr(XmppNode) open = xmpp_node_new ("open", HTTP_NS_FRAMING);

  xmpp_node_set_attr (open, "to", self->open_to);
  if (self->open_from != NULL)
    xmpp_node_set_attr (open, "from", self->open_from);
  xmpp_node_set_attr (open, "version", "1.0");
  send_node (self, open);
}

static void
ws_open_stream (XmppTransport *transport,
                const char    *to,
                const char    *from)
{
  HttpWebsocketTransport *self = HTTP_WEBSOCKET_TRANSPORT (transport);

  /* A restart forgets whatever of the old stream was not read. */
  http_event_queue_clear (self->events);
  g_free (self->open_to);
  self->open_to = g_strdup (to);
  g_free (self->open_from);
  self->open_from = g_strdup (from);
  if (!failed (self) && !self->close_sent)
    send_open (self);
}

static void
ws_send (XmppTransport  *transport,
         const XmppNode *element)
{
  HttpWebsocketTransport *self = HTTP_WEBSOCKET_TRANSPORT (transport);

  if (failed (self) || self->close_sent)
    return;
  send_node (self, element);
}

static void
ws_read_async (XmppTransport       *transport,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  HttpWebsocketTransport *self = HTTP_WEBSOCKET_TRANSPORT (transport);

  http_event_queue_read_async (self->events, transport, cancellable, callback, user_data);
}

static void
ws_flush_async (XmppTransport       *transport,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  HttpWebsocketTransport *self = HTTP_WEBSOCKET_TRANSPORT (transport);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, ws_flush_async);
  /* libsoup writes its queue in order on its own; what was sent before a
   * failure cannot be told from what was not. */
  http_event_queue_return_flush (self->events, task);
}

static gboolean
close_timeout_cb (gpointer user_data)
{
  HttpWebsocketTransport *self = user_data;

  self->close_timer = 0;
  close_now (self);
  return G_SOURCE_REMOVE;
}

static void
ws_close (XmppTransport *transport)
{
  HttpWebsocketTransport *self = HTTP_WEBSOCKET_TRANSPORT (transport);

  if (self->close_sent)
    return;

  if (!failed (self))
    {
      g_autoptr(XmppNode) close = xmpp_node_new ("close", HTTP_NS_FRAMING);

      send_node (self, close);
    }
  self->close_sent = TRUE;

  if (!http_event_queue_is_reading (self->events))
    close_now (self);
  else
    self->close_timer = g_timeout_add_seconds (CLOSE_GRACE_SECONDS, close_timeout_cb, self);
}

static void
ws_keepalive (XmppTransport *transport)
{
  HttpWebsocketTransport *self = HTTP_WEBSOCKET_TRANSPORT (transport);

  if (self->conn == NULL || self->pinging ||
      soup_websocket_connection_get_state (self->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  /* libsoup 3.2 pings only on its keepalive timer: arm it for one ping
   * and disarm it at the pong.  Its ping carries "ping-%d"-style 7 bytes. */
  self->pinging = TRUE;
  soup_websocket_connection_set_keepalive_interval (self->conn, 1);
  self->bytes_out += frame_size (PING_PAYLOAD, TRUE);
}

static gboolean
ws_is_secure (XmppTransport *transport)
{
  return HTTP_WEBSOCKET_TRANSPORT (transport)->secure;
}

static guint64
ws_get_bytes_in (XmppTransport *transport)
{
  return HTTP_WEBSOCKET_TRANSPORT (transport)->bytes_in;
}

static guint64
ws_get_bytes_out (XmppTransport *transport)
{
  return HTTP_WEBSOCKET_TRANSPORT (transport)->bytes_out;
}

static void
transport_iface_init (XmppTransportInterface *iface)
{
  iface->open_stream = ws_open_stream;
  iface->send = ws_send;
  iface->read_async = ws_read_async;
  iface->read_finish = http_event_queue_read_finish;
  iface->flush_async = ws_flush_async;
  iface->flush_finish = http_event_queue_flush_finish;
  iface->close = ws_close;
  iface->keepalive = ws_keepalive;
  iface->is_secure = ws_is_secure;
  iface->get_bytes_in = ws_get_bytes_in;
  iface->get_bytes_out = ws_get_bytes_out;
}

/* Connecting */

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HttpWebsocketTransport *self = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(SoupWebsocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (conn == NULL)
    {
      g_task_return_error (task, http_tls_classify_error (msg, error, self->url));
      return;
    }

  if (!check_protocol (conn, &error))
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  count_handshake (self, msg);
  attach_conn (self, conn);
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

void
http_websocket_transport_connect_async (SoupSession                   *session,
                                        const XmppTransportOpenParams *params,
                                        GCancellable                  *cancellable,
                                        GAsyncReadyCallback            callback,
                                        gpointer                       user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  HttpWebsocketTransport *self;
  const char * const protocols[] = { "xmpp", NULL };

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (params != NULL && params->url != NULL && params->domain != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, http_websocket_transport_connect_async);

  self = g_object_new (HTTP_TYPE_WEBSOCKET_TRANSPORT, NULL);
  g_task_set_task_data (task, self, g_object_unref);
  self->session = g_object_ref (session);
  self->url = g_strdup (params->url);
  self->domain = g_strdup (params->domain);
  self->ca_file = g_strdup (params->ca_file);
  self->allow_insecure = params->allow_insecure_loopback;
  if (params->limits != NULL)
    self->limits = *params->limits;
  if (self->limits.max_stanza_size == 0)
    self->limits.max_stanza_size = XMPP_READER_DEFAULT_MAX_STANZA_SIZE;

  uri = http_tls_check_url (params->url, "wss", "ws", params->allow_insecure_loopback,
                            &self->secure, &error);
  if (uri == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  msg = new_upgrade_message (uri);
  if (!http_tls_guard_message (msg, params->ca_file, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  soup_session_websocket_connect_async (session, msg, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, cancellable, connect_cb,
                                        g_steal_pointer (&task));
}

XmppTransport *
http_websocket_transport_connect_finish (GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
