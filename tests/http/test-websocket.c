/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The WebSocket transport (RFC 7395) against a scripted WebSocket server:
 * the exact frames Petrel sends, and how it treats malformed ones.
 */
#include "http-transport-provider.h"
#include "http-websocket-transport.h"
#include "ws-peer.h"
#include "xmpp-error.h"

static const char * const xmpp_protocols[] = { "xmpp", NULL };

typedef struct
{
  gboolean done;
  XmppTransport *transport;
  GError *error;
} Wait;

static void
open_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->transport = xmpp_transport_provider_open_finish (XMPP_TRANSPORT_PROVIDER (source), result,
                                                      &w->error);
  w->done = TRUE;
}

static XmppTransport *
open_transport (const char             *url,
                const char             *ca_file,
                gboolean                allow_insecure,
                const XmppReaderLimits *limits,
                GError                **error)
{
  g_autoptr(HttpTransportProvider) provider = http_transport_provider_new ();
  XmppTransportOpenParams params = {
    .kind = XMPP_TRANSPORT_WEBSOCKET,
    .url = url,
    .domain = "localhost",
    .ca_file = ca_file,
    .allow_insecure_loopback = allow_insecure,
    .limits = limits,
  };
  Wait w = { 0 };

  xmpp_transport_provider_open_async (XMPP_TRANSPORT_PROVIDER (provider), &params, NULL,
                                      open_cb, &w);
  ws_run_until (&w.done);
  if (w.error != NULL)
    g_propagate_error (error, g_steal_pointer (&w.error));
  return w.transport;
}

/* A connected transport whose stream the server has opened. */
static XmppTransport *
open_stream (WsPeer                 *peer,
             const XmppReaderLimits *limits)
{
  g_autofree char *url = ws_peer_url (peer, "/xmpp-websocket");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppNode) node = NULL;
  XmppTransport *transport;

  transport = open_transport (url, ws_peer_ca_file (), FALSE, limits, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_transport_is_secure (transport));
  xmpp_transport_open_stream (transport, "localhost", "alice@localhost");
  g_assert_cmpstr (ws_peer_wait_message (peer, 1), ==,
                   "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' "
                   "from='alice@localhost' version='1.0'/>");
  ws_peer_send (peer, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost' "
                      "id='s1' version='1.0' xml:lang='en'/>");
  g_assert_cmpint (ws_read_event (transport, &node, &error), ==, XMPP_READER_EVENT_STREAM_OPEN);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_node_get_attr (node, "version"), ==, "1.0");
  g_assert_cmpstr (xmpp_node_get_attr (node, "id"), ==, "s1");
  return transport;
}

static void
test_frames (void)
{
  g_autoptr(WsPeer) peer = ws_peer_new (TRUE, xmpp_protocols);
  g_autoptr(XmppTransport) transport = open_stream (peer, NULL);
  g_autoptr(XmppNode) message = NULL;
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint64 out_before;

  /* One stanza per message, its namespace declared. */
  message = xmpp_node_build ("message", XMPP_NS_CLIENT,
                             XMPP_BUILD_ATTR, "to", "bob@localhost",
                             XMPP_BUILD_ATTR, "id", "m1",
                             XMPP_BUILD_CHILD, "body", XMPP_NS_CLIENT,
                             XMPP_BUILD_END);
  xmpp_node_set_text (xmpp_node_get_child (message, "body", NULL), "hi");
  out_before = xmpp_transport_get_bytes_out (transport);
  xmpp_transport_send (transport, message);
  g_assert_cmpstr (ws_peer_wait_message (peer, 2), ==,
                   "<message xmlns='jabber:client' to='bob@localhost' id='m1'>"
                   "<body>hi</body></message>");
  /* Frame header (2) + mask (4) + payload. */
  g_assert_cmpuint (xmpp_transport_get_bytes_out (transport) - out_before, ==,
                    6 + strlen (ws_peer_wait_message (peer, 2)));

  ws_peer_send (peer, "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                      "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
  ws_peer_send (peer, "<message xmlns='jabber:client' from='bob@localhost/r'>"
                      "<body>yo</body></message>");
  g_assert_cmpint (ws_read_event (transport, &node, &error), ==, XMPP_READER_EVENT_STANZA);
  g_assert_true (xmpp_node_is (node, "features", "http://etherx.jabber.org/streams"));
  g_clear_pointer (&node, xmpp_node_unref);
  g_assert_cmpint (ws_read_event (transport, &node, &error), ==, XMPP_READER_EVENT_STANZA);
  g_assert_true (xmpp_node_is (node, "message", XMPP_NS_CLIENT));
  g_assert_cmpstr (xmpp_node_get_child_text (node, "body", NULL), ==, "yo");
  g_assert_cmpuint (xmpp_transport_get_bytes_in (transport), >, 100);

  /* A restart is a new <open/>. */
  xmpp_transport_restart_stream (transport, "localhost", NULL);
  g_assert_cmpstr (ws_peer_wait_message (peer, 3), ==,
                   "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' "
                   "version='1.0'/>");

  /* Clean termination: <close/>, the server's <close/>, then the
   * WebSocket closes normally. */
  ws_peer_send (peer, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost' "
                      "id='s2' version='1.0'/>");
  g_clear_pointer (&node, xmpp_node_unref);
  g_assert_cmpint (ws_read_event (transport, &node, &error), ==, XMPP_READER_EVENT_STREAM_OPEN);
  xmpp_transport_close (transport);
  g_assert_cmpstr (ws_peer_wait_message (peer, 4), ==,
                   "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
  g_assert_cmpint (ws_peer_wait_closed (peer), ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
}

static void
test_close_waits_for_server (void)
{
  g_autoptr(WsPeer) peer = ws_peer_new (TRUE, xmpp_protocols);
  g_autoptr(XmppTransport) transport = open_stream (peer, NULL);
  WsRead w = { 0 };

  /* With a read pending, the connection stays until the server's <close/>
   * arrives (RFC 7395 §3.6). */
  ws_read_start (transport, &w);
  xmpp_transport_close (transport);
  g_assert_cmpstr (ws_peer_wait_message (peer, 2), ==,
                   "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (w.done);
  ws_peer_send (peer, "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
  ws_run_until (&w.done);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.event, ==, XMPP_READER_EVENT_STREAM_CLOSE);
  g_assert_cmpint (ws_peer_wait_closed (peer), ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
  ws_read_clear (&w);
}

/* Malformed frames: each ends the transport with an error, after the
 * valid stanza sent before it. */
static void
check_bad_frame (const char *frame,
                 gboolean    binary,
                 GQuark      domain,
                 int         code)
{
  g_autoptr(WsPeer) peer = ws_peer_new (TRUE, xmpp_protocols);
  XmppReaderLimits limits = { .max_stanza_size = 4096 };
  g_autoptr(XmppTransport) transport = open_stream (peer, &limits);
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(GError) error = NULL;

  ws_peer_send (peer, "<presence xmlns='jabber:client'/>");
  if (binary)
    ws_peer_send_binary (peer, frame);
  else
    ws_peer_send (peer, frame);

  g_assert_cmpint (ws_read_event (transport, &node, &error), ==, XMPP_READER_EVENT_STANZA);
  g_assert_no_error (error);
  g_assert_true (xmpp_node_is (node, "presence", XMPP_NS_CLIENT));

  g_assert_cmpint (ws_read_event (transport, NULL, &error), ==, XMPP_READER_EVENT_NONE);
  g_assert_error (error, domain, code);
  g_clear_error (&error);

  /* The connection is closed as a protocol error, and stays failed. */
  g_assert_cmpint (ws_peer_wait_closed (peer), ==, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR);
  g_assert_cmpint (ws_read_event (transport, NULL, &error), ==, XMPP_READER_EVENT_NONE);
  g_assert_error (error, domain, code);
}

static void
test_binary_frame (void)
{
  check_bad_frame ("<presence xmlns='jabber:client'/>", TRUE,
                   XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING);
}

static void
test_two_elements (void)
{
  check_bad_frame ("<presence xmlns='jabber:client'/><presence xmlns='jabber:client'/>", FALSE,
                   XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING);
}

static void
test_text_after_element (void)
{
  check_bad_frame ("<presence xmlns='jabber:client'/>junk", FALSE,
                   XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING);
}

static void
test_not_well_formed (void)
{
  check_bad_frame ("<message xmlns='jabber:client'><body>x</message>", FALSE,
                   XMPP_READER_ERROR, XMPP_READER_ERROR_NOT_WELL_FORMED);
}

static void
test_doctype (void)
{
  check_bad_frame ("<!DOCTYPE x [<!ENTITY a 'b'>]><message xmlns='jabber:client'>&a;</message>",
                   FALSE, XMPP_READER_ERROR, XMPP_READER_ERROR_RESTRICTED_XML);
}

static void
test_stream_header (void)
{
  check_bad_frame ("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
                   "xmlns='jabber:client' version='1.0'/>", FALSE,
                   XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING);
}

/* A message whose body is @len bytes. */
static char *
big_message (gsize len)
{
  GString *big = g_string_new ("<message xmlns='jabber:client'><body>");

  for (gsize i = 0; i < len; i++)
    g_string_append_c (big, 'a');
  g_string_append (big, "</body></message>");
  return g_string_free (big, FALSE);
}

static void
test_over_limit (void)
{
  /* Over the 4096-byte stanza limit, under libsoup's payload limit. */
  g_autofree char *big = big_message (5000);

  check_bad_frame (big, FALSE, XMPP_READER_ERROR, XMPP_READER_ERROR_LIMIT);
}

static void
test_huge_message (void)
{
  /* Far over it: libsoup refuses the payload before it is buffered. */
  g_autofree char *big = big_message (64 * 1024);

  check_bad_frame (big, FALSE, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING);
}

static void
test_wrong_subprotocol (void)
{
  g_autoptr(WsPeer) peer = ws_peer_new (TRUE, NULL);
  g_autofree char *url = ws_peer_url (peer, "/xmpp-websocket");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppTransport) transport = NULL;

  transport = open_transport (url, ws_peer_ca_file (), FALSE, NULL, &error);
  g_assert_null (transport);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL);
  g_assert_false (xmpp_transport_error_is_unreachable (error));
}

static void
test_ws_refused (void)
{
  g_autoptr(WsPeer) peer = ws_peer_new (FALSE, xmpp_protocols);
  g_autofree char *url = ws_peer_url (peer, "/xmpp-websocket");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppTransport) transport = NULL;

  /* ws:// is refused even on loopback unless forced… */
  transport = open_transport (url, NULL, FALSE, NULL, &error);
  g_assert_null (transport);
  g_assert_error (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_INSECURE_URL);
  g_assert_false (xmpp_transport_error_is_unreachable (error));
  g_assert_cmpuint (ws_peer_n_connections (peer), ==, 0);
  g_clear_error (&error);

  /* …and always off loopback. */
  transport = open_transport ("ws://example.org/xmpp-websocket", NULL, TRUE, NULL, &error);
  g_assert_null (transport);
  g_assert_error (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_INSECURE_URL);
  g_clear_error (&error);

  /* Forced on loopback it works, and says it is not secure. */
  transport = open_transport (url, NULL, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (xmpp_transport_is_secure (transport));
}

static void
test_unknown_certificate (void)
{
  g_autoptr(WsPeer) peer = ws_peer_new (TRUE, xmpp_protocols);
  g_autofree char *url = ws_peer_url (peer, "/xmpp-websocket");
  g_autofree char *by_ip = g_strdup_printf ("wss://127.0.0.1:%u/xmpp-websocket",
                                            ws_peer_port (peer));
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppTransport) transport = NULL;

  /* Without the extra CA the self-signed certificate is refused: a
   * security failure, never "unreachable". */
  transport = open_transport (url, NULL, FALSE, NULL, &error);
  g_assert_null (transport);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS);
  g_assert_false (xmpp_transport_error_is_unreachable (error));
  g_clear_error (&error);

  /* With it, but for a name the certificate does not carry. */
  transport = open_transport (by_ip, ws_peer_ca_file (), FALSE, NULL, &error);
  g_assert_null (transport);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS);
}

static void
test_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppTransport) transport = NULL;
  g_autofree char *url = g_strdup_printf ("wss://localhost:%u/", ws_closed_port ());

  transport = open_transport (url, ws_peer_ca_file (), FALSE, NULL, &error);
  g_assert_null (transport);
  g_assert_true (xmpp_transport_error_is_unreachable (error));
}

static void
test_see_other_uri (void)
{
  g_autoptr(WsPeer) peer = ws_peer_new (TRUE, xmpp_protocols);
  g_autofree char *url = ws_peer_url (peer, "/first");
  g_autofree char *other = ws_peer_url (peer, "/second");
  g_autofree char *redirect = g_strdup_printf ("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing' "
                                               "see-other-uri='%s'/>", other);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppTransport) transport = NULL;
  WsRead w = { 0 };

  transport = open_transport (url, ws_peer_ca_file (), FALSE, NULL, &error);
  g_assert_no_error (error);
  ws_read_start (transport, &w);
  xmpp_transport_open_stream (transport, "localhost", NULL);
  ws_peer_wait_message (peer, 1);
  ws_peer_send (peer, redirect);

  /* Followed once: the same <open/> on the new connection. */
  g_assert_cmpstr (ws_peer_wait_message (peer, 2), ==,
                   "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' "
                   "version='1.0'/>");
  g_assert_cmpuint (ws_peer_n_connections (peer), ==, 2);
  g_assert_cmpstr (ws_peer_last_path (peer), ==, "/second");
  g_assert_false (w.done);

  /* A second redirect is not followed. */
  ws_peer_send (peer, redirect);
  ws_run_until (&w.done);
  g_assert_error (w.error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_SEE_OTHER_URI);
  g_assert_cmpuint (ws_peer_n_connections (peer), ==, 2);
  ws_read_clear (&w);
}

static void
test_see_other_uri_insecure (void)
{
  g_autoptr(WsPeer) peer = ws_peer_new (TRUE, xmpp_protocols);
  g_autoptr(WsPeer) plain = ws_peer_new (FALSE, xmpp_protocols);
  g_autofree char *url = ws_peer_url (peer, "/xmpp-websocket");
  g_autofree char *other = ws_peer_url (plain, "/xmpp-websocket");
  g_autofree char *redirect = g_strdup_printf ("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing' "
                                               "see-other-uri='%s'/>", other);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppTransport) transport = NULL;

  transport = open_transport (url, ws_peer_ca_file (), FALSE, NULL, &error);
  g_assert_no_error (error);
  xmpp_transport_open_stream (transport, "localhost", NULL);
  ws_peer_wait_message (peer, 1);
  ws_peer_send (peer, redirect);

  g_assert_cmpint (ws_read_event (transport, NULL, &error), ==, XMPP_READER_EVENT_NONE);
  g_assert_error (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_SEE_OTHER_URI);
  g_assert_cmpuint (ws_peer_n_connections (plain), ==, 0);
}

static void
test_server_closes (void)
{
  g_autoptr(WsPeer) peer = ws_peer_new (TRUE, xmpp_protocols);
  g_autoptr(XmppTransport) transport = open_stream (peer, NULL);
  g_autoptr(GError) error = NULL;

  /* The server's <close/> is the end of the stream; the connection
   * closing afterwards is then a plain close. */
  ws_peer_send (peer, "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
  g_assert_cmpint (ws_read_event (transport, NULL, &error), ==, XMPP_READER_EVENT_STREAM_CLOSE);
  g_assert_no_error (error);
}

static void
test_connection_reset (void)
{
  g_autoptr(WsPeer) peer = ws_peer_new (TRUE, xmpp_protocols);
  g_autoptr(XmppTransport) transport = open_stream (peer, NULL);
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(GError) error = NULL;
  WsRead w = { 0 };

  /* A read pending while the TCP connection is reset under the
   * WebSocket: it fails as a lost connection (the session reconnects),
   * and sending afterwards does nothing. */
  ws_peer_send (peer, "<presence xmlns='jabber:client'/>");
  g_assert_cmpint (ws_read_event (transport, &node, &error), ==, XMPP_READER_EVENT_STANZA);
  ws_read_start (transport, &w);
  ws_peer_reset (peer);
  ws_run_until (&w.done);
  g_assert_cmpint (w.event, ==, XMPP_READER_EVENT_NONE);
  g_assert_nonnull (w.error);
  g_assert_true (w.error->domain == XMPP_STREAM_ERROR);
  g_assert_true (w.error->code == XMPP_STREAM_ERROR_IO || w.error->code == XMPP_STREAM_ERROR_CLOSED);
  xmpp_transport_send (transport, node);
  xmpp_transport_close (transport);
  ws_read_clear (&w);
}

static void
test_keepalive (void)
{
  g_autoptr(WsPeer) peer = ws_peer_new (TRUE, xmpp_protocols);
  g_autoptr(XmppTransport) transport = open_stream (peer, NULL);
  guint64 in = xmpp_transport_get_bytes_in (transport);
  guint64 out = xmpp_transport_get_bytes_out (transport);
  guint n = ws_peer_n_messages (peer);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* A ping, answered by the server's pong: the bytes in move, and no
   * XMPP message goes out. */
  xmpp_transport_keepalive (transport);
  while (xmpp_transport_get_bytes_in (transport) == in && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (xmpp_transport_get_bytes_in (transport), ==, in + 9);
  g_assert_cmpuint (xmpp_transport_get_bytes_out (transport), ==, out + 13);
  g_assert_cmpuint (ws_peer_n_messages (peer), ==, n);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/websocket/frames", test_frames);
  g_test_add_func ("/websocket/close-waits-for-server", test_close_waits_for_server);
  g_test_add_func ("/websocket/server-closes", test_server_closes);
  g_test_add_func ("/websocket/keepalive", test_keepalive);
  g_test_add_func ("/websocket/connection-reset", test_connection_reset);
  g_test_add_func ("/websocket/malformed/binary", test_binary_frame);
  g_test_add_func ("/websocket/malformed/two-elements", test_two_elements);
  g_test_add_func ("/websocket/malformed/text-after-element", test_text_after_element);
  g_test_add_func ("/websocket/malformed/not-well-formed", test_not_well_formed);
  g_test_add_func ("/websocket/malformed/doctype", test_doctype);
  g_test_add_func ("/websocket/malformed/stream-header", test_stream_header);
  g_test_add_func ("/websocket/malformed/over-limit", test_over_limit);
  g_test_add_func ("/websocket/malformed/huge", test_huge_message);
  g_test_add_func ("/websocket/security/wrong-subprotocol", test_wrong_subprotocol);
  g_test_add_func ("/websocket/security/ws-refused", test_ws_refused);
  g_test_add_func ("/websocket/security/certificate", test_unknown_certificate);
  g_test_add_func ("/websocket/unreachable", test_refused);
  g_test_add_func ("/websocket/see-other-uri", test_see_other_uri);
  g_test_add_func ("/websocket/security/see-other-uri-insecure", test_see_other_uri_insecure);

  return g_test_run ();
}
