/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ws-peer.h"

#include <sys/socket.h>

struct _WsPeer
{
  SoupServer *server;
  gboolean tls;
  GStrv protocols;
  guint16 port;
  SoupWebsocketConnection *conn;
  GSocket *socket;
  GPtrArray *messages;
  char *last_path;
  guint n_connections;
  gboolean closed;
};

const char *
ws_peer_ca_file (void)
{
  return WS_PEER_CERTDIR "/localhost-cert.pem";
}

SoupServer *
ws_peer_listen (gboolean  tls,
                guint16  *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  SoupServer *server;
  GSList *uris;

  if (tls)
    {
      cert = g_tls_certificate_new_from_files (WS_PEER_CERTDIR "/localhost-cert.pem",
                                               WS_PEER_CERTDIR "/localhost-key.pem", &error);
      g_assert_no_error (error);
    }
  server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_listen_local (server, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY | (tls ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  *port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return server;
}

guint16
ws_closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  /* Bound and never listened on: nothing accepts there. */
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
message_cb (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  WsPeer *self = user_data;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);

  g_ptr_array_add (self->messages, type == SOUP_WEBSOCKET_DATA_TEXT
                                     ? g_strndup (data, len)
                                     : g_strdup ("[binary]"));
}

static void
closed_cb (SoupWebsocketConnection *conn,
           gpointer                 user_data)
{
  WsPeer *self = user_data;

  if (conn == self->conn)
    self->closed = TRUE;
}

static void
websocket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  WsPeer *self = user_data;

  if (self->conn != NULL)
    g_signal_handlers_disconnect_by_data (self->conn, self);
  g_set_object (&self->conn, connection);
  g_set_object (&self->socket, soup_server_message_get_socket (msg));
  self->closed = FALSE;
  self->n_connections++;
  g_free (self->last_path);
  self->last_path = g_strdup (path);
  g_signal_connect (connection, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (connection, "closed", G_CALLBACK (closed_cb), self);
}

WsPeer *
ws_peer_new (gboolean            tls,
             const char * const *protocols)
{
  WsPeer *self = g_new0 (WsPeer, 1);

  self->tls = tls;
  self->protocols = g_strdupv ((char **) protocols);
  self->messages = g_ptr_array_new_with_free_func (g_free);
  self->server = ws_peer_listen (tls, &self->port);
  soup_server_add_websocket_handler (self->server, NULL, NULL, self->protocols,
                                     websocket_cb, self, NULL);
  return self;
}

void
ws_peer_free (WsPeer *self)
{
  if (self->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->conn, self);
      if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      g_clear_object (&self->conn);
    }
  g_clear_object (&self->socket);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_strfreev (self->protocols);
  g_ptr_array_unref (self->messages);
  g_free (self->last_path);
  g_free (self);

  /* Let closing connections finish. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

char *
ws_peer_url (WsPeer     *self,
             const char *path)
{
  return g_strdup_printf ("%s://localhost:%u%s", self->tls ? "wss" : "ws", self->port, path);
}

guint16
ws_peer_port (WsPeer *self)
{
  return self->port;
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("the test timed out waiting for the client");
  return G_SOURCE_REMOVE;
}

void
ws_run_until (gboolean *flag)
{
  guint id = g_timeout_add_seconds (10, timeout_cb, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  WsRead *r = user_data;

  r->event = xmpp_transport_read_finish (XMPP_TRANSPORT (source), result, &r->node, &r->error);
  r->done = TRUE;
}

void
ws_read_start (XmppTransport *transport,
               WsRead        *r)
{
  xmpp_transport_read_async (transport, NULL, read_cb, r);
}

void
ws_read_clear (WsRead *r)
{
  g_clear_pointer (&r->node, xmpp_node_unref);
  g_clear_error (&r->error);
  r->done = FALSE;
  r->event = XMPP_READER_EVENT_NONE;
}

XmppReaderEvent
ws_read_event (XmppTransport  *transport,
               XmppNode      **node,
               GError        **error)
{
  WsRead r = { 0 };

  ws_read_start (transport, &r);
  ws_run_until (&r.done);
  if (node != NULL)
    *node = g_steal_pointer (&r.node);
  g_clear_pointer (&r.node, xmpp_node_unref);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.event;
}

const char *
ws_peer_wait_message (WsPeer *self,
                      guint   n)
{
  guint id = g_timeout_add_seconds (10, timeout_cb, NULL);

  while (self->messages->len < n)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);

  return g_ptr_array_index (self->messages, n - 1);
}

guint
ws_peer_n_messages (WsPeer *self)
{
  return self->messages->len;
}

const char *
ws_peer_last_path (WsPeer *self)
{
  return self->last_path;
}

guint
ws_peer_n_connections (WsPeer *self)
{
  return self->n_connections;
}

gushort
ws_peer_wait_closed (WsPeer *self)
{
  g_assert_nonnull (self->conn);
  ws_run_until (&self->closed);
  return soup_websocket_connection_get_close_code (self->conn);
}

void
ws_peer_send (WsPeer     *self,
              const char *text)
{
  g_assert_nonnull (self->conn);
  soup_websocket_connection_send_text (self->conn, text);
}

void
ws_peer_reset (WsPeer *self)
{
  struct linger off = { 1, 0 };

  g_assert_nonnull (self->socket);
  /* Linger 0: the close is a reset (RST), as when a link dies. */
  setsockopt (g_socket_get_fd (self->socket), SOL_SOCKET, SO_LINGER, &off, sizeof off);
  g_socket_close (self->socket, NULL);
}

typedef struct
{
  char *content_type;
  char *body;
} Document;

static void
document_free (gpointer data)
{
  Document *d = data;

  g_free (d->content_type);
  g_free (d->body);
  g_free (d);
}

static void
document_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Document *d = user_data;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, d->content_type, SOUP_MEMORY_COPY,
                                    d->body, strlen (d->body));
}

void
ws_peer_serve (WsPeer     *self,
               const char *path,
               const char *content_type,
               const char *body)
{
  Document *d = g_new0 (Document, 1);

  d->content_type = g_strdup (content_type);
  d->body = g_strdup (body);
  soup_server_add_handler (self->server, path, document_cb, d, document_free);
}

void
ws_peer_send_binary (WsPeer     *self,
                     const char *data)
{
  g_assert_nonnull (self->conn);
  soup_websocket_connection_send_binary (self->conn, data, strlen (data));
}
