/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0156 discovery over HTTPS against an in-process HTTPS server with the
 * test certificate for "localhost": which links are taken, and how
 * malformed, hostile, huge, redirecting and stalling servers are treated.
 */
#include "http-discovery.h"
#include "ws-peer.h"
#include "xmpp-error.h"

#define JSON_PATH "/.well-known/host-meta.json"
#define XRD_PATH  "/.well-known/host-meta"

typedef struct
{
  guint status;
  char *body;
  gsize len;
  char *location;
  gboolean stall;
  gboolean chunked;
} Reply;

typedef struct
{
  SoupServer *server;
  guint16 port;
  GHashTable *replies;      /* path → Reply */
  GPtrArray *requests;      /* paths asked for, in order */
  GPtrArray *stalled;       /* SoupServerMessage kept paused */
  SoupSession *session;
} Fixture;

static void
reply_free (gpointer data)
{
  Reply *reply = data;

  g_free (reply->body);
  g_free (reply->location);
  g_free (reply);
}

static Reply *
set_reply (Fixture    *fx,
           const char *path,
           guint       status,
           const char *body)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->status = status;
  reply->body = g_strdup (body != NULL ? body : "");
  reply->len = strlen (reply->body);
  g_hash_table_replace (fx->replies, g_strdup (path), reply);
  return reply;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *fx = user_data;
  Reply *reply = g_hash_table_lookup (fx->replies, path);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  g_ptr_array_add (fx->requests, g_strdup (path));
  if (reply == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  if (reply->stall)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (fx->stalled, g_object_ref (msg));
      return;
    }
  soup_server_message_set_status (msg, reply->status, NULL);
  if (reply->location != NULL)
    soup_message_headers_replace (headers, "Location", reply->location);
  if (reply->chunked)
    {
      SoupMessageBody *body = soup_server_message_get_response_body (msg);

      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      for (gsize off = 0; off < reply->len; off += 4096)
        soup_message_body_append (body, SOUP_MEMORY_COPY, reply->body + off,
                                  MIN (4096, reply->len - off));
      soup_message_body_complete (body);
    }
  else
    soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY,
                                      reply->body, reply->len);
}

static SoupSession *
session_to (guint16 port)
{
  g_autoptr(GSocketConnectable) address = g_network_address_new ("127.0.0.1", port);

  return g_object_new (SOUP_TYPE_SESSION, "remote-connectable", address, "timeout", 10, NULL);
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  GSList *uris;

  cert = g_tls_certificate_new_from_files (WS_PEER_CERTDIR "/localhost-cert.pem",
                                           WS_PEER_CERTDIR "/localhost-key.pem", &error);
  g_assert_no_error (error);
  fx->server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (fx->server, NULL, handler, fx, NULL);
  soup_server_listen_local (fx->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fx->server);
  fx->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  fx->replies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, reply_free);
  fx->requests = g_ptr_array_new_with_free_func (g_free);
  fx->stalled = g_ptr_array_new_with_free_func (g_object_unref);
  fx->session = session_to (fx->port);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->session);
  for (guint i = 0; i < fx->stalled->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (fx->stalled, i);

      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      soup_server_message_unpause (msg);
    }
  g_ptr_array_unref (fx->stalled);
  soup_server_disconnect (fx->server);
  g_clear_object (&fx->server);
  g_hash_table_unref (fx->replies);
  g_ptr_array_unref (fx->requests);
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

typedef struct
{
  gboolean done;
  XmppTransportEndpoints *endpoints;
  GError *error;
} Wait;

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *w = user_data;

  g_assert_true (SOUP_IS_SESSION (source));
  w->endpoints = http_discovery_lookup_finish (result, &w->error);
  g_assert_true ((w->endpoints == NULL) != (w->error == NULL));
  w->done = TRUE;
}

static XmppTransportEndpoints *
lookup_full (SoupSession  *session,
             const char   *domain,
             const char   *ca_file,
             guint         timeout_ms,
             GCancellable *cancellable,
             GError      **error)
{
  Wait w = { 0 };

  http_discovery_lookup_async (session, domain, ca_file, timeout_ms, cancellable, lookup_cb, &w);
  ws_run_until (&w.done);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.endpoints;
}

static XmppTransportEndpoints *
lookup (Fixture  *fx,
        GError  **error)
{
  return lookup_full (fx->session, "localhost", ws_peer_ca_file (), 0, NULL, error);
}

static char *
xrd (const char *links)
{
  return g_strdup_printf ("<?xml version='1.0' encoding='utf-8'?>\n"
                          "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n%s</XRD>\n",
                          links);
}

#define WS_LINK   "<Link rel='urn:xmpp:alt-connections:websocket' href='wss://localhost/ws'/>\n"
#define BOSH_LINK "<Link rel='urn:xmpp:alt-connections:xbosh' href='https://localhost/bosh'/>\n"

/* XRD only (no JSON document): both endpoints, from the XRD. */
static void
test_xrd (Fixture       *fx,
          gconstpointer  data)
{
  g_autofree char *doc = xrd ("<Link rel='lrdd' href='https://localhost/x'/>\n" WS_LINK BOSH_LINK);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppTransportEndpoints) e = NULL;

  set_reply (fx, XRD_PATH, 200, doc);
  e = lookup (fx, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (e->websocket_url, ==, "wss://localhost/ws");
  g_assert_cmpstr (e->bosh_url, ==, "https://localhost/bosh");
  /* JSON first, then XRD. */
  g_assert_cmpuint (fx->requests->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fx->requests, 0), ==, JSON_PATH);
  g_assert_cmpstr (g_ptr_array_index (fx->requests, 1), ==, XRD_PATH);
}

/* A usable JSON document is enough: the XRD is not fetched. */
static void
test_json (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppTransportEndpoints) e = NULL;

  set_reply (fx, JSON_PATH, 200,
             "{\"subject\":\"localhost\",\"links\":["
             "{\"rel\":\"urn:xmpp:alt-connections:xbosh\",\"href\":\"https://localhost:5281/http-bind\"},"
             "{\"rel\":\"urn:xmpp:alt-connections:websocket\",\"href\":\"wss://localhost:5281/xmpp-websocket\"}]}");
  set_reply (fx, XRD_PATH, 500, "");
  e = lookup (fx, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (e->websocket_url, ==, "wss://localhost:5281/xmpp-websocket");
  g_assert_cmpstr (e->bosh_url, ==, "https://localhost:5281/http-bind");
  g_assert_cmpuint (fx->requests->len, ==, 1);
}

/* ws:// and http:// links are ignored; the first secure one wins. */
static void
test_insecure_links_ignored (Fixture       *fx,
                             gconstpointer  data)
{
  g_autofree char *insecure = xrd ("<Link rel='urn:xmpp:alt-connections:websocket' href='ws://localhost/ws'/>\n"
                                   "<Link rel='urn:xmpp:alt-connections:xbosh' href='http://localhost/bosh'/>\n");
  g_autofree char *mixed = xrd ("<Link rel='urn:xmpp:alt-connections:websocket' href='ws://localhost/a'/>\n"
                                "<Link rel='urn:xmpp:alt-connections:websocket' href='wss://user:pw@localhost/b'/>\n"
                                "<Link rel='urn:xmpp:alt-connections:websocket' href='wss://localhost/c'/>\n"
                                "<Link rel='urn:xmpp:alt-connections:websocket' href='wss://localhost/d'/>\n"
                                "<Link rel='urn:xmpp:alt-connections:xbosh' href='ftp://localhost/bosh'/>\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppTransportEndpoints) e = NULL;
  XmppTransportEndpoints *none;

  set_reply (fx, XRD_PATH, 200, insecure);
  none = lookup (fx, &error);
  g_assert_null (none);
  g_assert_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  set_reply (fx, XRD_PATH, 200, mixed);
  e = lookup (fx, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (e->websocket_url, ==, "wss://localhost/c");
  g_assert_null (e->bosh_url);
}

/* Malformed or hostile XML in the XRD: refused, nothing discovered. */
static void
test_hostile_xml (Fixture       *fx,
                  gconstpointer  data)
{
  static const char * const docs[] = {
    "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;'>]>"
    "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'><Link rel='&lol2;' href='wss://x/'/></XRD>",
    "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>" WS_LINK,
    "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>" WS_LINK "</XRD><XRD/>",
    "<html><body>Not found</body></html>",
    "<XRD>" WS_LINK "</XRD>",
    "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'><a><b><c><d><e><f><g><h><i><j/></i></h></g></f></e></d></c></b></a></XRD>",
    "\xff\xfe<\0X\0R\0D\0",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(GError) error = NULL;
      XmppTransportEndpoints *e;

      set_reply (fx, XRD_PATH, 200, docs[i]);
      e = lookup (fx, &error);
      g_assert_null (e);
      g_assert_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_MALFORMED);
    }
}

/* Documents over the size limit, announced or not, are refused. */
static void
test_too_large (Fixture       *fx,
                gconstpointer  data)
{
  GString *big = g_string_new ("<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>" WS_LINK);
  g_autoptr(GError) error = NULL;
  XmppTransportEndpoints *e;
  Reply *reply;

  while (big->len <= HTTP_DISCOVERY_MAX_SIZE)
    g_string_append (big, "<Link rel='x' href='https://localhost/padding-padding-padding'/>\n");
  g_string_append (big, "</XRD>");

  set_reply (fx, XRD_PATH, 200, big->str);
  e = lookup (fx, &error);
  g_assert_null (e);
  g_assert_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Chunked: no Content-Length, the limit applies while reading. */
  reply = set_reply (fx, XRD_PATH, 200, big->str);
  reply->chunked = TRUE;
  e = lookup (fx, &error);
  g_assert_null (e);
  g_assert_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_TOO_LARGE);
  g_string_free (big, TRUE);
}

/* Redirects: followed only to https:// on the domain itself. */
static void
test_redirects (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *doc = xrd (WS_LINK);
  static const char * const refused[] = {
    "http://localhost/elsewhere",
    "https://evil.example/.well-known/host-meta",
    "https://user@localhost/elsewhere",
    "",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppTransportEndpoints) e = NULL;
  XmppTransportEndpoints *none;
  Reply *reply;

  set_reply (fx, "/elsewhere", 200, doc);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      reply = set_reply (fx, XRD_PATH, 302, "");
      reply->location = g_strdup (refused[i]);
      g_ptr_array_set_size (fx->requests, 0);
      none = lookup (fx, &error);
      g_assert_null (none);
      g_assert_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_REDIRECT);
      g_clear_error (&error);
      /* Not even asked for. */
      for (guint j = 0; j < fx->requests->len; j++)
        g_assert_cmpstr (g_ptr_array_index (fx->requests, j), !=, "/elsewhere");
    }

  /* A loop ends after HTTP_DISCOVERY_MAX_REDIRECTS. */
  reply = set_reply (fx, XRD_PATH, 301, "");
  reply->location = g_strdup ("/.well-known/host-meta");
  g_ptr_array_set_size (fx->requests, 0);
  none = lookup (fx, &error);
  g_assert_null (none);
  g_assert_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_REDIRECT);
  g_clear_error (&error);
  g_assert_cmpuint (fx->requests->len, ==, 1 + 1 + HTTP_DISCOVERY_MAX_REDIRECTS);

  /* Same domain, https: followed. */
  reply = set_reply (fx, XRD_PATH, 302, "");
  reply->location = g_strdup ("https://localhost/elsewhere");
  e = lookup (fx, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (e->websocket_url, ==, "wss://localhost/ws");
}

/* The certificate must name the JID's domain and chain to a trusted CA. */
static void
test_certificate (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *doc = xrd (WS_LINK);
  g_autoptr(GError) error = NULL;
  XmppTransportEndpoints *e;

  set_reply (fx, JSON_PATH, 200, "{\"links\":[{\"rel\":\"urn:xmpp:alt-connections:websocket\","
                                 "\"href\":\"wss://other.example/ws\"}]}");
  set_reply (fx, XRD_PATH, 200, doc);

  /* The server's certificate names localhost, not example.org. */
  e = lookup_full (fx->session, "example.org", ws_peer_ca_file (), 0, NULL, &error);
  g_assert_null (e);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS);
  g_clear_error (&error);

  /* Without the extra CA the certificate is not trusted. */
  e = lookup_full (fx->session, "localhost", NULL, 0, NULL, &error);
  g_assert_null (e);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS);
  g_clear_error (&error);

  /* A TLS failure ends the lookup: no second document is asked for. */
  g_assert_cmpuint (fx->requests->len, ==, 0);

  /* Not a host name. */
  e = lookup_full (fx->session, "localhost:444/x", ws_peer_ca_file (), 0, NULL, &error);
  g_assert_null (e);
  g_assert_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_NOT_FOUND);
}

/* A server that never answers: the deadline; a cancelled lookup. */
static void
test_stall_and_cancel (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  XmppTransportEndpoints *e;
  Reply *reply;
  gint64 start;
  Wait w = { 0 };

  reply = set_reply (fx, JSON_PATH, 200, "");
  reply->stall = TRUE;
  start = g_get_monotonic_time ();
  e = lookup_full (fx->session, "localhost", ws_peer_ca_file (), 2000, NULL, &error);
  g_assert_null (e);
  g_assert_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 19 * G_USEC_PER_SEC / 10);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 8 * G_USEC_PER_SEC);
  g_clear_error (&error);
  /* The XRD is not tried after a timeout. */
  g_assert_cmpuint (fx->requests->len, ==, 1);

  http_discovery_lookup_async (fx->session, "localhost", ws_peer_ca_file (), 0, cancellable,
                               lookup_cb, &w);
  while (fx->requests->len < 2)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  ws_run_until (&w.done);
  g_assert_null (w.endpoints);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&w.error);
}

/* Nothing listening: an unreachable error, not a hang. */
static void
test_unreachable (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;
  XmppTransportEndpoints *e;
  guint16 port;

  /* A port that was free a moment ago. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);

  session = session_to (port);
  e = lookup_full (session, "localhost", ws_peer_ca_file (), 0, NULL, &error);
  g_assert_null (e);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_REFUSED);
}

/* The parsers on their own. */
static void
test_parse_json (void)
{
  static const struct { const char *doc; gboolean ok; const char *ws; const char *bosh; } cases[] = {
    { "{\"links\":[{\"rel\":\"urn:xmpp:alt-connections:websocket\",\"href\":\"wss://h/ws\"}]}",
      TRUE, "wss://h/ws", NULL },
    { "{\"links\":[{\"rel\":\"urn:xmpp:alt-connections:xbosh\",\"href\":42},"
      "{\"rel\":\"urn:xmpp:alt-connections:xbosh\",\"href\":[\"https://h/a\"]},"
      "{\"rel\":\"urn:xmpp:alt-connections:xbosh\",\"href\":\"https://h/b\"}]}",
      TRUE, NULL, "https://h/b" },
    { "{\"links\":{\"rel\":\"urn:xmpp:alt-connections:xbosh\",\"href\":\"https://h/b\"}}",
      TRUE, NULL, NULL },
    { "{\"links\":[1,null,\"x\",{}]}", TRUE, NULL, NULL },
    { "{}", TRUE, NULL, NULL },
    { "[]", FALSE, NULL, NULL },
    { "{\"links\":[", FALSE, NULL, NULL },
    { "{\"links\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", FALSE, NULL, NULL },
    { "{\"links\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"\"}", TRUE, NULL, NULL },
    { "not json", FALSE, NULL, NULL },
    { "", FALSE, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppTransportEndpoints) e = g_new0 (XmppTransportEndpoints, 1);
      g_autoptr(GError) error = NULL;
      gboolean ok = http_discovery_parse_json (cases[i].doc, strlen (cases[i].doc), e, &error);

      g_test_message ("case %u: %s", i, cases[i].doc);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        g_assert_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_MALFORMED);
      g_assert_cmpstr (e->websocket_url, ==, cases[i].ws);
      g_assert_cmpstr (e->bosh_url, ==, cases[i].bosh);
    }

  {
    g_autoptr(XmppTransportEndpoints) e = g_new0 (XmppTransportEndpoints, 1);
    g_autoptr(GError) error = NULL;

    g_assert_false (http_discovery_parse_json ("{\"a\":\"\0\"}", 9, e, &error));
    g_assert_error (error, HTTP_DISCOVERY_ERROR, HTTP_DISCOVERY_ERROR_MALFORMED);
  }
}

/* A field already set is kept (the JSON document's answer wins). */
static void
test_parse_keeps_set_fields (void)
{
  g_autofree char *doc = xrd (WS_LINK BOSH_LINK);
  g_autoptr(XmppTransportEndpoints) e = g_new0 (XmppTransportEndpoints, 1);
  g_autoptr(GError) error = NULL;

  e->websocket_url = g_strdup ("wss://first/ws");
  g_assert_true (http_discovery_parse_xrd (doc, strlen (doc), e, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (e->websocket_url, ==, "wss://first/ws");
  g_assert_cmpstr (e->bosh_url, ==, "https://localhost/bosh");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define FX_TEST(path, fn) g_test_add ("/discovery/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  FX_TEST ("xrd", test_xrd);
  FX_TEST ("json", test_json);
  FX_TEST ("insecure-links-ignored", test_insecure_links_ignored);
  FX_TEST ("hostile-xml", test_hostile_xml);
  FX_TEST ("too-large", test_too_large);
  FX_TEST ("redirects", test_redirects);
  FX_TEST ("certificate", test_certificate);
  FX_TEST ("stall-and-cancel", test_stall_and_cancel);
#undef FX_TEST
  g_test_add_func ("/discovery/unreachable", test_unreachable);
  g_test_add_func ("/discovery/parse-json", test_parse_json);
  g_test_add_func ("/discovery/parse-keeps-set-fields", test_parse_keeps_set_fields);

  return g_test_run ();
}
