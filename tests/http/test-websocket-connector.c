/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The connector over WebSocket, against a scripted WebSocket server: login
 * without STARTTLS, the restart after SASL, SCRAM without channel binding,
 * and the order of transports in auto (only an unreachable endpoint lets
 * the next one be tried).
 */
#include "http-transport-provider.h"
#include "http-websocket-transport.h"
#include "ws-peer.h"
#include "xmpp-client.h"
#include "xmpp-connector.h"
#include "xmpp-error.h"
#include "xmpp-sasl.h"

#define OPEN_FROM_SERVER "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost' " \
                         "id='s1' version='1.0' xml:lang='en'/>"
#define FEATURES_START "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"

static const char * const xmpp_protocols[] = { "xmpp", NULL };

typedef struct
{
  WsPeer *peer;
  HttpTransportProvider *provider;
  XmppConnector *connector;
  XmppStream *stream;
  GError *error;
  gboolean done;
  char *url;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->peer = ws_peer_new (TRUE, xmpp_protocols);
  f->provider = http_transport_provider_new ();
  f->url = ws_peer_url (f->peer, "/xmpp-websocket");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->stream != NULL)
    xmpp_stream_close (f->stream);
  g_clear_object (&f->stream);
  g_clear_object (&f->connector);
  g_clear_error (&f->error);
  g_clear_object (&f->provider);
  g_clear_pointer (&f->peer, ws_peer_free);
  g_free (f->url);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;

  f->stream = xmpp_connector_connect_finish (XMPP_CONNECTOR (source), result, &f->error);
  f->done = TRUE;
}

static void
start (Fixture             *f,
       XmppConnectorConfig *config)
{
  g_autoptr(XmppJid) jid = xmpp_jid_parse ("alice@localhost", NULL);

  config->jid = jid;
  config->password = "secret";
  config->ca_file = ws_peer_ca_file ();
  config->provider = f->provider;
  if (config->timeout_seconds == 0)
    config->timeout_seconds = 10;
  f->connector = xmpp_connector_new (config);
  xmpp_connector_connect_async (f->connector, NULL, connect_cb, f);
}

static XmppNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  XmppNode *node = NULL;

  g_assert_cmpint (http_websocket_parse_message (text, strlen (text), NULL, &node, &error), !=,
                   XMPP_READER_EVENT_NONE);
  g_assert_no_error (error);
  return node;
}

/* The server's half of a PLAIN login, from the first <open/> to the bound
 * stream; @n is the number of messages the client sent before. */
static void
script_plain_login (Fixture *f,
                    guint    n)
{
  g_autoptr(XmppNode) bind = NULL;
  g_autofree char *result = NULL;

  g_assert_cmpstr (ws_peer_wait_message (f->peer, n + 1), ==,
                   "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' "
                   "from='alice@localhost' version='1.0'/>");
  ws_peer_send (f->peer, OPEN_FROM_SERVER);
  ws_peer_send (f->peer, FEATURES_START
                "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
                "</mechanisms></stream:features>");

  /* PLAIN is fine: the transport is TLS with a checked certificate. */
  g_assert_cmpstr (ws_peer_wait_message (f->peer, n + 2), ==,
                   "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                   "AGFsaWNlAHNlY3JldA==</auth>");
  ws_peer_send (f->peer, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");

  /* The restart is a new <open/> on the same connection. */
  g_assert_cmpstr (ws_peer_wait_message (f->peer, n + 3), ==,
                   "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' "
                   "from='alice@localhost' version='1.0'/>");
  ws_peer_send (f->peer, OPEN_FROM_SERVER);
  ws_peer_send (f->peer, FEATURES_START "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                "</stream:features>");

  bind = parse (ws_peer_wait_message (f->peer, n + 4));
  g_assert_true (xmpp_node_is (bind, "iq", XMPP_NS_CLIENT));
  g_assert_nonnull (xmpp_node_get_child (bind, "bind", "urn:ietf:params:xml:ns:xmpp-bind"));
  g_assert_true (g_str_has_prefix (ws_peer_wait_message (f->peer, n + 4),
                                   "<iq xmlns='jabber:client' type='set' id='"));
  result = g_strdup_printf ("<iq xmlns='jabber:client' type='result' id='%s'>"
                            "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                            "<jid>alice@localhost/ws</jid></bind></iq>",
                            xmpp_node_get_attr (bind, "id"));
  ws_peer_send (f->peer, result);
}

/* Connects with @config and logs in as scripted above. */
static void
log_in (Fixture             *f,
        XmppConnectorConfig *config)
{
  start (f, config);
  script_plain_login (f, 0);
  ws_run_until (&f->done);
  g_assert_no_error (f->error);
}

static void
test_login (Fixture       *f,
            gconstpointer  data)
{
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_WEBSOCKET,
    .websocket_url = f->url,
  };

  log_in (f, &config);
  g_assert_nonnull (xmpp_stream_get_transport (f->stream));
  g_assert_true (xmpp_stream_is_tls (f->stream));
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_connector_get_bound_jid (f->connector)), ==,
                   "alice@localhost/ws");
  g_assert_cmpuint (xmpp_stream_get_bytes_out (f->stream), >, 0);
}

static void
test_scram_without_channel_binding (Fixture       *f,
                                    gconstpointer  data)
{
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_WEBSOCKET,
    .websocket_url = f->url,
  };
  g_autoptr(XmppNode) auth = NULL;
  g_autofree guchar *initial = NULL;
  gsize len = 0;

  start (f, &config);
  ws_peer_wait_message (f->peer, 1);
  ws_peer_send (f->peer, OPEN_FROM_SERVER);
  ws_peer_send (f->peer, FEATURES_START
                "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                "<mechanism>SCRAM-SHA-1-PLUS</mechanism><mechanism>SCRAM-SHA-1</mechanism>"
                "</mechanisms></stream:features>");

  /* The WebSocket's TLS ends at the HTTP server: no channel binding, so
   * plain SCRAM with the GS2 flag "n" (never "y": the server does offer
   * -PLUS, and "y" would make it suspect a downgrade). */
  auth = parse (ws_peer_wait_message (f->peer, 2));
  g_assert_cmpstr (xmpp_node_get_attr (auth, "mechanism"), ==, "SCRAM-SHA-1");
  initial = g_base64_decode (xmpp_node_get_text (auth), &len);
  g_assert_cmpuint (len, >, 12);
  g_assert_true (g_str_has_prefix ((const char *) initial, "n,,n=alice,r="));

  ws_peer_send (f->peer, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/>"
                         "</failure>");
  ws_run_until (&f->done);
  g_assert_error (f->error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
}

static void
disconnected_cb (XmppClient   *client,
                 const GError *error,
                 gpointer      user_data)
{
  gboolean *disconnected = user_data;

  *disconnected = TRUE;
}

static void
test_client_keepalive (Fixture       *f,
                       gconstpointer  data)
{
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_WEBSOCKET,
    .websocket_url = f->url,
  };
  g_autoptr(XmppClient) client = NULL;
  gboolean disconnected = FALSE;
  guint64 out;
  guint n;
  gint64 until;

  log_in (f, &config);

  client = xmpp_client_new (f->stream, xmpp_connector_get_bound_jid (f->connector));
  g_signal_connect (client, "disconnected", G_CALLBACK (disconnected_cb), &disconnected);
  out = xmpp_stream_get_bytes_out (f->stream);
  n = ws_peer_n_messages (f->peer);

  /* Idle for a second: the probe is a WebSocket ping, not an XMPP ping,
   * and the pong keeps the client connected past the 2 s timeout. */
  xmpp_client_set_keepalive (client, 1, 2);
  until = g_get_monotonic_time () + 6 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until && !disconnected)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (disconnected);
  g_assert_cmpuint (ws_peer_n_messages (f->peer), ==, n);
  g_assert_cmpuint (xmpp_stream_get_bytes_out (f->stream), >=, out + 13);
  g_assert_cmpuint ((xmpp_stream_get_bytes_out (f->stream) - out) % 13, ==, 0);
  xmpp_client_set_keepalive (client, 0, 0);
  g_signal_handlers_disconnect_by_data (client, &disconnected);
}

/* A TCP server on loopback whose connections go to @incoming, with
 * @keep as its data; its port in @port. */
static GSocketService *
tcp_server_new (GCallback  incoming,
                GPtrArray *keep,
                guint16   *port)
{
  GSocketService *service = g_socket_service_new ();
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (service), any,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &bound, NULL));
  g_signal_connect (service, "incoming", incoming, keep);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return service;
}

/* Every HTTPS connection of the provider goes to the scripted server,
 * whatever the host (discovery fetches https://localhost/). */
static void
send_http_to_peer (Fixture *f)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) here = g_inet_socket_address_new (lo, ws_peer_port (f->peer));

  g_clear_object (&f->provider);
  f->provider = http_transport_provider_new_for_testing (G_SOCKET_CONNECTABLE (here));
}

static void
test_auto_falls_through_when_unreachable (Fixture       *f,
                                          gconstpointer  data)
{
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_AUTO,
    .host = "127.0.0.1",
    .port = ws_closed_port (),
    .websocket_url = f->url,
  };

  /* TCP is refused, so the WebSocket endpoint is tried. */
  log_in (f, &config);
  g_assert_nonnull (xmpp_stream_get_transport (f->stream));
}

static void
test_tcp_only_does_not_fall_through (Fixture       *f,
                                     gconstpointer  data)
{
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_TCP,
    .host = "127.0.0.1",
    .port = ws_closed_port (),
    .websocket_url = f->url,
  };

  start (f, &config);
  ws_run_until (&f->done);
  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_REFUSED);
  g_assert_cmpuint (ws_peer_n_connections (f->peer), ==, 0);
}

static gboolean
no_starttls_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source,
                gpointer           user_data)
{
  static const char greeting[] =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='x' version='1.0'>"
    "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
    "<mechanism>PLAIN</mechanism></mechanisms></stream:features>";
  GPtrArray *keep = user_data;

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             greeting, strlen (greeting), NULL, NULL, NULL);
  g_ptr_array_add (keep, g_object_ref (connection));
  return TRUE;
}

static void
test_tcp_security_failure_stops (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_AUTO,
    .host = "127.0.0.1",
    .websocket_url = f->url,
  };
  g_autoptr(GSocketService) service = tcp_server_new (G_CALLBACK (no_starttls_cb), keep,
                                                      &config.port);

  /* The TCP server answers but offers no STARTTLS: that is a security
   * failure, and auto must not move on to the WebSocket. */
  start (f, &config);
  ws_run_until (&f->done);
  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NO_TLS);
  g_assert_cmpuint (ws_peer_n_connections (f->peer), ==, 0);
  g_socket_service_stop (service);
}

static gboolean
silent_cb (GSocketService    *service,
           GSocketConnection *connection,
           GObject           *source,
           gpointer           user_data)
{
  GPtrArray *keep = user_data;

  /* Accepted, and never a byte back: a middlebox that swallows XMPP. */
  g_ptr_array_add (keep, g_object_ref (connection));
  return TRUE;
}

static void
test_auto_silent_tcp_falls_through (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_AUTO,
    .host = "127.0.0.1",
    .websocket_url = f->url,
  };
  g_autoptr(GSocketService) service = tcp_server_new (G_CALLBACK (silent_cb), keep, &config.port);
  gint64 began;

  /* TCP connects but no stream header comes: after a third of the 10 s
   * deadline (a seconds timer: it may fire up to a second early) the
   * WebSocket is tried, and the login completes in time. */
  began = g_get_monotonic_time ();
  log_in (f, &config);
  g_assert_nonnull (xmpp_stream_get_transport (f->stream));
  g_assert_cmpuint (keep->len, ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - began, >=, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - began, <, 8 * G_USEC_PER_SEC);
  g_socket_service_stop (service);
}

static void
test_auto_silent_tcp_then_discovered (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *xrd = NULL;
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_AUTO,
    .host = "127.0.0.1",
  };
  g_autoptr(GSocketService) service = tcp_server_new (G_CALLBACK (silent_cb), keep, &config.port);

  xrd = g_strdup_printf ("<?xml version='1.0'?>"
                         "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>"
                         "<Link rel='urn:xmpp:alt-connections:websocket' "
                         "href='wss://localhost:%u/discovered'/></XRD>",
                         ws_peer_port (f->peer));
  ws_peer_serve (f->peer, "/.well-known/host-meta", "application/xrd+xml", xrd);
  send_http_to_peer (f);

  /* Nothing configured: at the TCP deadline the host-meta is fetched;
   * it names a WebSocket, so TCP is left for it. */
  log_in (f, &config);
  g_assert_nonnull (xmpp_stream_get_transport (f->stream));
  g_assert_cmpstr (ws_peer_last_path (f->peer), ==, "/discovered");
  g_socket_service_stop (service);
}

static void
test_auto_silent_tcp_nothing_discovered (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_AUTO,
    .host = "127.0.0.1",
    .timeout_seconds = 6,
  };
  g_autoptr(GSocketService) service = tcp_server_new (G_CALLBACK (silent_cb), keep, &config.port);
  gint64 began;

  send_http_to_peer (f);

  /* No host-meta: TCP keeps the whole deadline (a slow server is not
   * given up for nothing). */
  began = g_get_monotonic_time ();
  start (f, &config);
  ws_run_until (&f->done);
  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - began, >=, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (ws_peer_n_connections (f->peer), ==, 0);
  g_socket_service_stop (service);
}

static void
test_certificate_failure_stops (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(WsPeer) second = ws_peer_new (TRUE, xmpp_protocols);
  g_autofree char *wrong_name = g_strdup_printf ("wss://127.0.0.1:%u/xmpp-websocket",
                                                 ws_peer_port (f->peer));
  g_autofree char *bosh = g_strdup_printf ("https://localhost:%u/http-bind",
                                           ws_peer_port (second));
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_AUTO,
    .host = "127.0.0.1",
    .port = ws_closed_port (),
    .websocket_url = wrong_name,
    .bosh_url = bosh,
  };

  /* The WebSocket's certificate does not name the host: the attempt ends
   * there, BOSH is never tried. */
  start (f, &config);
  ws_run_until (&f->done);
  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS);
  g_assert_cmpuint (ws_peer_n_connections (second), ==, 0);
}

static void
test_insecure_url_stops (Fixture       *f,
                         gconstpointer  data)
{
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_WEBSOCKET,
    .websocket_url = "ws://localhost:1/xmpp-websocket",
  };

  start (f, &config);
  ws_run_until (&f->done);
  g_assert_error (f->error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_INSECURE_URL);
}

static void
test_discovered (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *json = NULL;
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_WEBSOCKET,
  };

  /* The domain's host-meta (XEP-0156, fetched from https://localhost/
   * and sent to the scripted server by the test hook) names the
   * WebSocket; the connector finds it and logs in there. */
  json = g_strdup_printf ("{\"links\":[{\"rel\":\"urn:xmpp:alt-connections:websocket\","
                          "\"href\":\"wss://localhost:%u/discovered\"}]}",
                          ws_peer_port (f->peer));
  ws_peer_serve (f->peer, "/.well-known/host-meta.json", "application/json", json);
  send_http_to_peer (f);

  log_in (f, &config);
  g_assert_cmpstr (ws_peer_last_path (f->peer), ==, "/discovered");
}

static void
test_nothing_discovered (Fixture       *f,
                         gconstpointer  data)
{
  XmppConnectorConfig config = {
    .transport = XMPP_TRANSPORT_WEBSOCKET,
  };

  start (f, &config);
  ws_run_until (&f->done);
  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_DNS);
  g_assert_cmpuint (ws_peer_n_connections (f->peer), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/websocket-connector/login", test_login);
  ADD ("/websocket-connector/scram-without-channel-binding", test_scram_without_channel_binding);
  ADD ("/websocket-connector/client-keepalive", test_client_keepalive);
  ADD ("/websocket-connector/auto/falls-through-when-unreachable",
       test_auto_falls_through_when_unreachable);
  ADD ("/websocket-connector/tcp-only", test_tcp_only_does_not_fall_through);
  ADD ("/websocket-connector/auto/tcp-security-failure-stops", test_tcp_security_failure_stops);
  ADD ("/websocket-connector/auto/certificate-failure-stops", test_certificate_failure_stops);
  ADD ("/websocket-connector/auto/silent-tcp-falls-through", test_auto_silent_tcp_falls_through);
  ADD ("/websocket-connector/auto/silent-tcp-then-discovered", test_auto_silent_tcp_then_discovered);
  ADD ("/websocket-connector/auto/silent-tcp-nothing-discovered",
       test_auto_silent_tcp_nothing_discovered);
  ADD ("/websocket-connector/insecure-url", test_insecure_url_stops);
  ADD ("/websocket-connector/nothing-discovered", test_nothing_discovered);
  ADD ("/websocket-connector/discovered", test_discovered);
#undef ADD

  return g_test_run ();
}
