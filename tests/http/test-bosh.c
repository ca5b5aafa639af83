/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The BOSH transport (XEP-0124/XEP-0206) against a scripted BOSH server in
 * process (HTTPS with the test certificate): the exact bodies Petrel sends
 * (rid sequence, restart, retry with the same rid, terminate) and how it
 * treats malformed responses.
 */
#include "http-bosh-transport.h"
#include "ws-peer.h"
#include "xmpp-error.h"

#define NS_BIND "xmlns='http://jabber.org/protocol/httpbind'"
#define CREATE_ANSWER                                                                          \
  "<body " NS_BIND " sid='S1' wait='60' requests='2' hold='1' inactivity='60' from='localhost' " \
  "authid='A1' xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh' "                                \
  "xmlns:stream='http://etherx.jabber.org/streams'><stream:features><mechanisms "              \
  "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>"         \
  "</stream:features></body>"

typedef struct
{
  guint64 rid;
  char *body;
  SoupServerMessage *msg;   /* paused until answered; NULL once answered */
} Req;

typedef struct
{
  SoupServer *server;
  guint16 port;
  GPtrArray *reqs;           /* Req, in arrival order */
  XmppTransport *transport;
} Peer;

static void
req_free (gpointer data)
{
  Req *req = data;

  g_free (req->body);
  g_clear_object (&req->msg);
  g_free (req);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Peer *peer = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  Req *req = g_new0 (Req, 1);
  const char *rid;

  req->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  rid = strstr (req->body, "rid='");
  g_assert_nonnull (rid);
  req->rid = g_ascii_strtoull (rid + 5, NULL, 10);
  req->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  g_ptr_array_add (peer->reqs, req);
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  g_error ("the test timed out waiting for a BOSH request");
  return G_SOURCE_REMOVE;
}

/* The NTH request with RID (a retry is the second). */
static Req *
wait_rid (Peer    *peer,
          guint64  rid,
          guint    nth)
{
  guint id = g_timeout_add_seconds (10, wait_timeout_cb, NULL);

  for (;;)
    {
      guint seen = 0;

      for (guint i = 0; i < peer->reqs->len; i++)
        {
          Req *req = g_ptr_array_index (peer->reqs, i);

          if (req->rid == rid && ++seen == nth)
            {
              g_source_remove (id);
              return req;
            }
        }
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
answer (Req        *req,
        guint       status,
        const char *body)
{
  g_assert_nonnull (req->msg);
  soup_server_message_set_status (req->msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (req->msg, "text/xml; charset=utf-8", SOUP_MEMORY_COPY, body,
                                      strlen (body));
  soup_server_message_unpause (req->msg);
  g_clear_object (&req->msg);
}

/* The response is lost: the connection goes down under the request. */
static void
drop (Req *req)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (req->msg);

  g_io_stream_close (stream, NULL, NULL);
  g_clear_object (&req->msg);
}

static Peer *
peer_new (const XmppReaderLimits *limits)
{
  Peer *peer = g_new0 (Peer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *url = NULL;
  XmppTransportOpenParams params = { 0 };

  peer->server = ws_peer_listen (TRUE, &peer->port);
  soup_server_add_handler (peer->server, "/http-bind", handler, peer, NULL);
  peer->reqs = g_ptr_array_new_with_free_func (req_free);

  address = g_network_address_new ("127.0.0.1", peer->port);
  session = g_object_new (SOUP_TYPE_SESSION, "remote-connectable", address, NULL);
  url = g_strdup_printf ("https://localhost:%u/http-bind", peer->port);
  params.kind = XMPP_TRANSPORT_BOSH;
  params.url = url;
  params.domain = "localhost";
  params.ca_file = ws_peer_ca_file ();
  params.limits = limits;
  peer->transport = http_bosh_transport_new (session, &params, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_transport_is_secure (peer->transport));
  http_bosh_transport_set_initial_rid (HTTP_BOSH_TRANSPORT (peer->transport), 1000);
  return peer;
}

static void
peer_free (Peer *peer)
{
  g_clear_object (&peer->transport);
  for (guint i = 0; i < peer->reqs->len; i++)
    {
      Req *req = g_ptr_array_index (peer->reqs, i);

      if (req->msg != NULL)
        answer (req, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
    }
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  soup_server_disconnect (peer->server);
  g_clear_object (&peer->server);
  g_ptr_array_unref (peer->reqs);
  g_free (peer);
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* The next event, its node as XML in @xml. */
static XmppReaderEvent
read_event (XmppTransport  *transport,
            char          **xml,
            GError        **error)
{
  g_autoptr(XmppNode) node = NULL;
  XmppReaderEvent event = ws_read_event (transport, &node, error);

  if (xml != NULL)
    *xml = node != NULL ? xmpp_node_to_string (node) : NULL;
  return event;
}

static XmppNode *
element (const char *xml)
{
  g_autoptr(GError) error = NULL;
  XmppNode *node = xmpp_node_parse (xml, -1, &error);

  g_assert_no_error (error);
  return node;
}

/* Creates the session; returns with the first long poll (rid 1001) held. */
static void
create_session (Peer *peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *open = NULL;
  g_autofree char *features = NULL;
  Req *req;

  xmpp_transport_open_stream (peer->transport, "localhost", "alice@localhost");
  req = wait_rid (peer, 1000, 1);
  g_assert_cmpstr (req->body, ==,
                   "<body rid='1000' to='localhost' from='alice@localhost' xml:lang='en' "
                   "wait='60' hold='1' ver='1.6' xmpp:version='1.0' " NS_BIND
                   " xmlns:xmpp='urn:xmpp:xbosh'/>");
  answer (req, 200, CREATE_ANSWER);

  g_assert_cmpint (read_event (peer->transport, &open, &error), ==, XMPP_READER_EVENT_STREAM_OPEN);
  g_assert_no_error (error);
  g_assert_cmpstr (open, ==, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost' "
                             "id='A1' version='1.0'/>");
  g_assert_cmpint (read_event (peer->transport, &features, &error), ==, XMPP_READER_EVENT_STANZA);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (features, "<features xmlns='http://etherx.jabber.org/streams'><mechanisms"));

  /* The first long poll: empty, next rid. */
  req = wait_rid (peer, 1001, 1);
  g_assert_cmpstr (req->body, ==, "<body rid='1001' sid='S1' " NS_BIND "/>");
}

static void
test_session (void)
{
  Peer *peer = peer_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppNode) auth = element ("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
                                      "mechanism='PLAIN'>AGFsaWNlAHB3</auth>");
  g_autoptr(XmppNode) iq = element ("<iq xmlns='jabber:client' type='set' id='b1'><bind "
                                    "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
  g_autoptr(XmppNode) msg1 = element ("<message xmlns='jabber:client' to='bob@localhost' "
                                      "id='m1'><body>one</body></message>");
  g_autoptr(XmppNode) msg2 = element ("<message xmlns='jabber:client' to='bob@localhost' "
                                      "id='m2'><body>two</body></message>");
  g_autofree char *xml = NULL;
  g_autofree char *open = NULL;
  Req *req;

  create_session (peer);

  /* An element goes in the second request while the server holds one. */
  xmpp_transport_send (peer->transport, auth);
  req = wait_rid (peer, 1002, 1);
  g_assert_cmpstr (req->body, ==,
                   "<body rid='1002' sid='S1' " NS_BIND "><auth "
                   "xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHB3</auth>"
                   "</body>");
  /* Answers come back out of order: processed in rid order. */
  answer (req, 200, "<body " NS_BIND " sid='S1'><success "
                    "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/></body>");
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  answer (wait_rid (peer, 1001, 1), 200, "<body " NS_BIND " sid='S1'><message "
                                         "xmlns='jabber:client' id='early'/></body>");
  g_assert_cmpint (read_event (peer->transport, &xml, &error), ==, XMPP_READER_EVENT_STANZA);
  g_assert_cmpstr (xml, ==, "<message xmlns='jabber:client' id='early'/>");
  g_clear_pointer (&xml, g_free);
  g_assert_cmpint (read_event (peer->transport, &xml, &error), ==, XMPP_READER_EVENT_STANZA);
  g_assert_cmpstr (xml, ==, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  g_clear_pointer (&xml, g_free);

  /* A new long poll, then the restart (XEP-0206 §5). */
  req = wait_rid (peer, 1003, 1);
  g_assert_cmpstr (req->body, ==, "<body rid='1003' sid='S1' " NS_BIND "/>");
  xmpp_transport_restart_stream (peer->transport, "localhost", "alice@localhost");
  req = wait_rid (peer, 1004, 1);
  g_assert_cmpstr (req->body, ==,
                   "<body rid='1004' sid='S1' to='localhost' xml:lang='en' xmpp:restart='true' "
                   NS_BIND " xmlns:xmpp='urn:xmpp:xbosh'/>");
  g_assert_cmpint (read_event (peer->transport, &open, &error), ==, XMPP_READER_EVENT_STREAM_OPEN);
  g_assert_cmpstr (open, ==, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost' "
                             "id='A1' version='1.0'/>");
  /* The server answers the request it held first. */
  answer (wait_rid (peer, 1003, 1), 200, "<body " NS_BIND " sid='S1'/>");
  answer (req, 200, "<body " NS_BIND " sid='S1' xmlns:stream='http://etherx.jabber.org/streams'>"
                    "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                    "</stream:features></body>");
  g_assert_cmpint (read_event (peer->transport, &xml, &error), ==, XMPP_READER_EVENT_STANZA);
  g_assert_true (g_str_has_prefix (xml, "<features xmlns='http://etherx.jabber.org/streams'><bind"));
  g_clear_pointer (&xml, g_free);
  req = wait_rid (peer, 1005, 1);
  g_assert_cmpstr (req->body, ==, "<body rid='1005' sid='S1' " NS_BIND "/>");

  /* A lost response: the same rid and payload again. */
  xmpp_transport_send (peer->transport, iq);
  req = wait_rid (peer, 1006, 1);
  g_assert_cmpstr (req->body, ==,
                   "<body rid='1006' sid='S1' " NS_BIND "><iq xmlns='jabber:client' type='set' "
                   "id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq></body>");
  answer (wait_rid (peer, 1005, 1), 200, "<body " NS_BIND " sid='S1'/>");
  drop (req);
  req = wait_rid (peer, 1006, 2);
  g_assert_cmpstr (req->body, ==,
                   "<body rid='1006' sid='S1' " NS_BIND "><iq xmlns='jabber:client' type='set' "
                   "id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq></body>");
  answer (req, 200, "<body " NS_BIND " sid='S1'><iq xmlns='jabber:client' type='result' "
                    "id='b1'/></body>");
  g_assert_cmpint (read_event (peer->transport, &xml, &error), ==, XMPP_READER_EVENT_STANZA);
  g_assert_no_error (error);
  g_assert_cmpstr (xml, ==, "<iq xmlns='jabber:client' type='result' id='b1'/>");
  g_clear_pointer (&xml, g_free);

  req = wait_rid (peer, 1007, 1);
  g_assert_cmpstr (req->body, ==, "<body rid='1007' sid='S1' " NS_BIND "/>");

  /* Elements sent in one main-loop turn share one request. */
  xmpp_transport_send (peer->transport, msg1);
  xmpp_transport_send (peer->transport, msg2);
  req = wait_rid (peer, 1008, 1);
  g_assert_cmpstr (req->body, ==,
                   "<body rid='1008' sid='S1' " NS_BIND "><message xmlns='jabber:client' "
                   "to='bob@localhost' id='m1'><body>one</body></message><message "
                   "xmlns='jabber:client' to='bob@localhost' id='m2'><body>two</body></message>"
                   "</body>");
  answer (req, 200, "<body " NS_BIND " sid='S1'/>");

  /* Clean termination. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  xmpp_transport_close (peer->transport);
  req = wait_rid (peer, 1009, 1);
  g_assert_cmpstr (req->body, ==, "<body rid='1009' sid='S1' type='terminate' " NS_BIND "/>");
  answer (wait_rid (peer, 1007, 1), 200, "<body " NS_BIND " sid='S1'/>");
  answer (req, 200, "<body " NS_BIND " sid='S1' type='terminate'/>");
  g_assert_cmpint (read_event (peer->transport, NULL, &error), ==, XMPP_READER_EVENT_STREAM_CLOSE);
  g_assert_no_error (error);
  g_assert_cmpint (read_event (peer->transport, NULL, &error), ==, XMPP_READER_EVENT_NONE);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED);
  g_assert_cmpuint (xmpp_transport_get_bytes_out (peer->transport), >, 0);
  g_assert_cmpuint (xmpp_transport_get_bytes_in (peer->transport), >, 0);

  peer_free (peer);
}

/* What the server answers the first long poll with, and the error. */
static void
malformed_case (const char             *response,
                guint                   status,
                const XmppReaderLimits *limits,
                GQuark                  domain,
                gint                    code,
                const char             *stanza_first)
{
  Peer *peer = peer_new (limits);
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  XmppReaderEvent event;

  g_test_message ("response: %.80s", response);
  create_session (peer);
  answer (wait_rid (peer, 1001, 1), status, response);
  event = read_event (peer->transport, &xml, &error);
  if (stanza_first != NULL)
    {
      g_assert_no_error (error);
      g_assert_cmpint (event, ==, XMPP_READER_EVENT_STANZA);
      g_assert_cmpstr (xml, ==, stanza_first);
      event = read_event (peer->transport, NULL, &error);
      /* A clean end (remote-stream-error) closes the stream first. */
      if (domain == XMPP_STREAM_ERROR && code == XMPP_STREAM_ERROR_CLOSED)
        {
          g_assert_no_error (error);
          g_assert_cmpint (event, ==, XMPP_READER_EVENT_STREAM_CLOSE);
          event = read_event (peer->transport, NULL, &error);
        }
    }
  g_assert_cmpint (event, ==, XMPP_READER_EVENT_NONE);
  g_assert_error (error, domain, code);
  peer_free (peer);
}

static void
test_malformed (void)
{
  const XmppReaderLimits small = { .max_stanza_size = 1000 };
  g_autofree char *huge = NULL;
  GString *big = g_string_new ("<body " NS_BIND " sid='S1'><message xmlns='jabber:client'><body>");

  malformed_case ("<iq xmlns='jabber:client'/>", 200, NULL, XMPP_TRANSPORT_ERROR,
                  XMPP_TRANSPORT_ERROR_FRAMING, NULL);
  malformed_case ("<body xmlns='urn:other' sid='S1'/>", 200, NULL, XMPP_TRANSPORT_ERROR,
                  XMPP_TRANSPORT_ERROR_FRAMING, NULL);
  malformed_case ("<body " NS_BIND " sid='S2'><message xmlns='jabber:client'/></body>", 200, NULL,
                  XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_FRAMING, NULL);
  malformed_case ("this is not XML", 200, NULL, XMPP_READER_ERROR,
                  XMPP_READER_ERROR_NOT_WELL_FORMED, NULL);
  malformed_case ("<body " NS_BIND " sid='S1'><message", 200, NULL, XMPP_READER_ERROR,
                  XMPP_READER_ERROR_NOT_WELL_FORMED, NULL);
  malformed_case ("<!DOCTYPE body [<!ENTITY x 'y'>]><body " NS_BIND "/>", 200, NULL,
                  XMPP_READER_ERROR, XMPP_READER_ERROR_RESTRICTED_XML, NULL);
  malformed_case ("<body " NS_BIND "/><body " NS_BIND "/>", 200, NULL, XMPP_READER_ERROR,
                  XMPP_READER_ERROR_CLOSED, NULL);
  malformed_case ("", 404, NULL, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED, NULL);
  malformed_case ("", 500, NULL, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL, NULL);
  malformed_case ("<body " NS_BIND " type='terminate' condition='host-unknown'/>", 200, NULL,
                  XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL, NULL);
  malformed_case ("<body " NS_BIND " type='terminate' condition='item-not-found'/>", 200, NULL,
                  XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED, NULL);
  malformed_case ("<body " NS_BIND " type='terminate' condition='see-other-uri'>"
                  "<uri>https://elsewhere/</uri></body>", 200, NULL,
                  XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_SEE_OTHER_URI, "<uri xmlns='" HTTP_NS_HTTPBIND "'>https://elsewhere/</uri>");
  /* A stream error arrives as the stanza it is, then the end. */
  malformed_case ("<body " NS_BIND " type='terminate' condition='remote-stream-error' "
                  "xmlns:stream='http://etherx.jabber.org/streams'><stream:error><conflict "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></body>",
                  200, NULL, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED,
                  "<error xmlns='http://etherx.jabber.org/streams'><conflict "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></error>");

  /* Over the limit: refused before parsing it all. */
  while (big->len < 4000 + 4096)
    g_string_append (big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (big, "</body></message></body>");
  huge = g_string_free (big, FALSE);
  malformed_case (huge, 200, &small, XMPP_READER_ERROR, XMPP_READER_ERROR_LIMIT, NULL);
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* Never more than `requests` requests out at once (XEP-0124 §11): what
 * is sent meanwhile waits, then goes in one request. */
static void
test_requests_limit (void)
{
  Peer *peer = peer_new (NULL);
  g_autoptr(XmppNode) a = element ("<message xmlns='jabber:client' id='a'/>");
  g_autoptr(XmppNode) b = element ("<message xmlns='jabber:client' id='b'/>");
  g_autoptr(XmppNode) c = element ("<message xmlns='jabber:client' id='c'/>");
  Req *req;

  create_session (peer);           /* 1001 held: one of two */
  xmpp_transport_send (peer->transport, a);
  req = wait_rid (peer, 1002, 1);  /* two of two */
  xmpp_transport_send (peer->transport, b);
  xmpp_transport_send (peer->transport, c);
  spin (300);
  g_assert_cmpuint (peer->reqs->len, ==, 3);

  answer (req, 200, "<body " NS_BIND " sid='S1'/>");
  req = wait_rid (peer, 1003, 1);
  g_assert_cmpstr (req->body, ==,
                   "<body rid='1003' sid='S1' " NS_BIND "><message xmlns='jabber:client' id='b'/>"
                   "<message xmlns='jabber:client' id='c'/></body>");
  peer_free (peer);
}

/* A request whose response is lost again and again: after
 * HTTP_BOSH_MAX_RETRIES resends the session fails as a lost connection. */
static void
test_retries_give_up (void)
{
  Peer *peer = peer_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppNode) a = element ("<message xmlns='jabber:client' id='a'/>");
  guint n;

  create_session (peer);
  xmpp_transport_send (peer->transport, a);
  for (n = 1; n <= HTTP_BOSH_MAX_RETRIES; n++)
    {
      Req *req = wait_rid (peer, 1002, n);

      g_assert_cmpstr (req->body, ==, "<body rid='1002' sid='S1' " NS_BIND "><message "
                                      "xmlns='jabber:client' id='a'/></body>");
      drop (req);
    }
  g_assert_cmpint (read_event (peer->transport, NULL, &error), ==, XMPP_READER_EVENT_NONE);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_IO);
  /* Sent HTTP_BOSH_MAX_RETRIES times in all, never a fourth. */
  spin (200);
  for (guint i = 0; i < peer->reqs->len; i++)
    {
      Req *req = g_ptr_array_index (peer->reqs, i);

      g_assert_cmpuint (req->rid, <=, 1002);
    }
  peer_free (peer);
}

/* A server that holds no request (hold='0'): empty polls, `polling`
 * seconds apart, one request at a time. */
static void
test_polling (void)
{
  Peer *peer = peer_new (NULL);
  g_autoptr(GError) error = NULL;
  gint64 answered;
  Req *req;

  xmpp_transport_open_stream (peer->transport, "localhost", NULL);
  req = wait_rid (peer, 1000, 1);
  answer (req, 200, "<body " NS_BIND " sid='P1' wait='60' requests='1' hold='0' polling='1' "
                    "xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh'/>");
  g_assert_cmpint (read_event (peer->transport, NULL, &error), ==, XMPP_READER_EVENT_STREAM_OPEN);
  answered = g_get_monotonic_time ();

  req = wait_rid (peer, 1001, 1);
  g_assert_cmpint (g_get_monotonic_time () - answered, >=, G_USEC_PER_SEC * 9 / 10);
  g_assert_cmpstr (req->body, ==, "<body rid='1001' sid='P1' " NS_BIND "/>");
  answer (req, 200, "<body " NS_BIND " sid='P1'/>");
  answered = g_get_monotonic_time ();
  req = wait_rid (peer, 1002, 1);
  g_assert_cmpint (g_get_monotonic_time () - answered, >=, G_USEC_PER_SEC * 9 / 10);
  g_assert_cmpuint (peer->reqs->len, ==, 3);
  peer_free (peer);
}

/* http:// is refused unless forced on loopback. */
static void
test_insecure_url (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  XmppTransportOpenParams params = {
    .kind = XMPP_TRANSPORT_BOSH,
    .url = "http://example.org/http-bind",
    .domain = "example.org",
  };
  XmppTransport *transport;

  transport = http_bosh_transport_new (session, &params, &error);
  g_assert_null (transport);
  g_assert_error (error, XMPP_TRANSPORT_ERROR, XMPP_TRANSPORT_ERROR_INSECURE_URL);
}

/* Certificate for another name: a TLS error at the first read. */
static void
test_certificate (void)
{
  Peer *peer = peer_new (NULL);
  g_autoptr(GSocketConnectable) address = g_network_address_new ("127.0.0.1", peer->port);
  g_autoptr(SoupSession) session = g_object_new (SOUP_TYPE_SESSION, "remote-connectable",
                                                 address, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppTransport) transport = NULL;
  XmppTransportOpenParams params = {
    .kind = XMPP_TRANSPORT_BOSH,
    .url = "https://example.org/http-bind",
    .domain = "example.org",
    .ca_file = ws_peer_ca_file (),
  };

  transport = http_bosh_transport_new (session, &params, &error);
  g_assert_no_error (error);
  xmpp_transport_open_stream (transport, "example.org", NULL);
  g_assert_cmpint (read_event (transport, NULL, &error), ==, XMPP_READER_EVENT_NONE);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS);
  g_assert_cmpuint (peer->reqs->len, ==, 0);
  g_clear_object (&transport);
  peer_free (peer);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bosh/session", test_session);
  g_test_add_func ("/bosh/malformed", test_malformed);
  g_test_add_func ("/bosh/polling", test_polling);
  g_test_add_func ("/bosh/requests-limit", test_requests_limit);
  g_test_add_func ("/bosh/retries-give-up", test_retries_give_up);
  g_test_add_func ("/bosh/insecure-url", test_insecure_url);
  g_test_add_func ("/bosh/certificate", test_certificate);

  return g_test_run ();
}
