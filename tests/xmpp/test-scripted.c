/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Exact-XML protocol tests of the real XmppConnector and XmppClient against
 * the scripted in-memory peer (tests/lib/scripted-peer.h): the transport
 * rules of SECURITY.md (no credentials without TLS, no weaker mechanism
 * after a failure, a server that cannot prove the password is not
 * believed, nothing received before the TLS handshake counts) and the
 * sender checks of the router on a logged-in session.
 */
#define G_LOG_DOMAIN "test-scripted"

#include <string.h>

#include "scripted-peer.h"
#include "xmpp-client.h"
#include "xmpp-connector.h"
#include "xmpp-error.h"
#include "xmpp-roster.h"
#include "xmpp-sasl.h"
#include "xep-0030-disco.h"

#define USER     "juliet"
#define PASSWORD "Tr0ub4dor&3-not-on-the-wire"
#define BARE     USER "@" SCRIPTED_PEER_DOMAIN
#define FULL     BARE "/petrel"

#define NS_TLS_Q  "'urn:ietf:params:xml:ns:xmpp-tls'"
#define NS_SASL_Q "'urn:ietf:params:xml:ns:xmpp-sasl'"
#define NS_BIND_Q "'urn:ietf:params:xml:ns:xmpp-bind'"
#define NS_STZ_Q  "'urn:ietf:params:xml:ns:xmpp-stanzas'"
#define NS_STRM_Q "'urn:ietf:params:xml:ns:xmpp-streams'"

#define OPEN_PLAIN  "<stream:stream to='localhost' version='1.0' xml:lang='en'/>"
#define OPEN_SECURE "<stream:stream to='localhost' from='" BARE "' version='1.0' xml:lang='en'/>"

#define FEATURE_STARTTLS "<starttls xmlns=" NS_TLS_Q "><required/></starttls>"
#define MECHANISMS(m)    "<mechanisms xmlns=" NS_SASL_Q ">" m "</mechanisms>"
#define MECH(m)          "<mechanism>" m "</mechanism>"
#define FEATURE_BIND     "<bind xmlns=" NS_BIND_Q "/>"

#define EXPECT_STARTTLS "<starttls xmlns=" NS_TLS_Q "/>"
#define PROCEED         "<proceed xmlns=" NS_TLS_Q "/>"
#define EXPECT_BIND                                  \
  "<iq type='set' id='*'><bind xmlns=" NS_BIND_Q ">" \
  "<resource>petrel</resource></bind></iq>"
#define BIND_RESULT                                       \
  "<iq type='result' id='$id'><bind xmlns=" NS_BIND_Q ">" \
  "<jid>" FULL "</jid></bind></iq>"

#define SERVICE_UNAVAILABLE(to, id)                                \
  "<iq type='error' to='" to "' id='" id "'><error type='cancel'>" \
  "<service-unavailable xmlns=" NS_STZ_Q "/></error></iq>"

typedef ScriptedFixture Fixture;

/* Starts the real connector on the peer's pipe. */
static void
start_connector (Fixture    *f,
                 const char *jid_text,
                 const char *ca_file)
{
  g_autoptr (XmppJid) jid = xmpp_jid_parse (jid_text, NULL);
  XmppConnectorConfig config = {
    .jid = jid,
    .password = PASSWORD,
    .ca_file = ca_file,
    .resource = "petrel",
    .timeout_seconds = SCRIPTED_PEER_TIMEOUT_SECONDS,
  };

  g_assert_nonnull (jid);
  scripted_fixture_start_connector (f, &config);
}

static void
connect_and_wait (Fixture *f)
{
  start_connector (f, BARE, scripted_peer_get_ca_file ());
  scripted_peer_run_until (f->peer, &f->done);
}

/* The first stream, STARTTLS and the handshake, up to the secure header. */
static void
script_starttls (ScriptedPeer *peer)
{
  /* Mechanisms before TLS are bait: the client must not use them. */
  scripted_peer_script_starttls (peer, OPEN_PLAIN, FEATURE_STARTTLS MECHANISMS (MECH ("PLAIN")),
                                 OPEN_SECURE);
}

static void
script_bind (ScriptedPeer *peer)
{
  scripted_peer_expect_open (peer, OPEN_SECURE);
  scripted_peer_send_open (peer, FEATURE_BIND);
  scripted_peer_expect (peer, EXPECT_BIND);
  scripted_peer_send (peer, BIND_RESULT);
}

/* The client's stream after the attempt failed: closed, nothing more. */
static void
script_client_gives_up (ScriptedPeer *peer)
{
  scripted_peer_expect_close (peer);
  scripted_peer_expect_eof (peer);
}

static guint
count_received_in_ns (ScriptedPeer *peer,
                      const char   *ns)
{
  GPtrArray *received = scripted_peer_get_received (peer);
  guint      count = 0;

  for (guint i = 0; i < received->len; i++)
    {
      if (g_strcmp0 (xmpp_node_get_ns (g_ptr_array_index (received, i)), ns) == 0)
        count++;
    }

  return count;
}

static void
assert_no_credentials_sent (Fixture *f)
{
  g_autofree char *plain_b64 = NULL;

  plain_b64 = g_base64_encode ((const guchar *) "\0" USER "\0" PASSWORD,
                               strlen (USER) + strlen (PASSWORD) + 2);
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "auth", XMPP_NS_SASL), ==, 0);
  g_assert_cmpuint (count_received_in_ns (f->peer, XMPP_NS_SASL), ==, 0);
  g_assert_false (scripted_peer_received_contains (f->peer, PASSWORD));
  g_assert_false (scripted_peer_received_contains (f->peer, plain_b64));
  g_assert_false (scripted_peer_received_contains (f->peer, "mechanism"));
  /* RFC 6120 §4.7.1: not even the account's address before TLS. */
  g_assert_false (scripted_peer_received_contains (f->peer, USER));
}

/* ------------------------------------------------------------------ */
/* Transport                                                            */

/* CVE-2016-10027: no STARTTLS offered, so no credentials may follow. */
static void
test_starttls_not_offered_sends_no_credentials (Fixture      *f,
                                                gconstpointer data)
{
  scripted_peer_expect_open (f->peer, OPEN_PLAIN);
  scripted_peer_send_open (f->peer, MECHANISMS (MECH ("SCRAM-SHA-256") MECH ("PLAIN")) FEATURE_BIND);
  script_client_gives_up (f->peer);

  connect_and_wait (f);
  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NO_TLS);
  g_assert_null (f->stream);
  scripted_peer_run (f->peer);

  assert_no_credentials_sent (f);
  g_assert_cmpuint (scripted_peer_get_received (f->peer)->len, ==, 1);
  g_assert_false (scripted_fixture_log_contains (f, PASSWORD));
}

static void
test_starttls_refused_sends_no_credentials (Fixture      *f,
                                            gconstpointer data)
{
  scripted_peer_expect_open (f->peer, OPEN_PLAIN);
  scripted_peer_send_open (f->peer, FEATURE_STARTTLS MECHANISMS (MECH ("PLAIN")));
  scripted_peer_expect (f->peer, EXPECT_STARTTLS);
  scripted_peer_send (f->peer, "<failure xmlns=" NS_TLS_Q "/>");
  script_client_gives_up (f->peer);

  connect_and_wait (f);
  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NO_TLS);
  scripted_peer_run (f->peer);

  assert_no_credentials_sent (f);
}

/* CVE-2014-3694 / CVE-2022-26491: the certificate must name the JID's
 * domain; a valid certificate for another name is no better than none. */
static void
test_certificate_for_other_domain_is_refused (Fixture      *f,
                                              gconstpointer data)
{
  scripted_peer_expect_open (f->peer, "<stream:stream to='example.com' version='1.0' xml:lang='en'/>");
  scripted_peer_send_open (f->peer, FEATURE_STARTTLS);
  scripted_peer_expect (f->peer, EXPECT_STARTTLS);
  scripted_peer_send (f->peer, PROCEED);
  scripted_peer_start_tls_expect_failure (f->peer);

  start_connector (f, "juliet@example.com", scripted_peer_get_ca_file ());
  scripted_peer_run_until (f->peer, &f->done);
  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS);
  g_assert_nonnull (strstr (f->error->message, "not valid for this domain"));
  scripted_peer_run (f->peer);

  assert_no_credentials_sent (f);
}

/* No "accept once": without the CA, the same certificate is refused. */
static void
test_untrusted_certificate_is_refused (Fixture      *f,
                                       gconstpointer data)
{
  scripted_peer_expect_open (f->peer, OPEN_PLAIN);
  scripted_peer_send_open (f->peer, FEATURE_STARTTLS);
  scripted_peer_expect (f->peer, EXPECT_STARTTLS);
  scripted_peer_send (f->peer, PROCEED);
  scripted_peer_start_tls_expect_failure (f->peer);

  start_connector (f, BARE, NULL);
  scripted_peer_run_until (f->peer, &f->done);
  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS);
  g_assert_nonnull (strstr (f->error->message, "unknown authority"));
  scripted_peer_run (f->peer);

  assert_no_credentials_sent (f);
}

static void
test_starttls_then_scram_login_binds (Fixture      *f,
                                      gconstpointer data)
{
  g_autofree char *scram_b64 = NULL;

  script_starttls (f->peer);
  scripted_peer_send_open (f->peer, MECHANISMS (MECH ("SCRAM-SHA-1") MECH ("SCRAM-SHA-256")
                                                    MECH ("PLAIN")));
  /* "y": the client could bind to the channel but the server offers no
   * -PLUS mechanism (RFC 5802 §6). */
  scripted_peer_expect_scram (f->peer, "SCRAM-SHA-256", "y,,", USER, PASSWORD,
                              SCRIPTED_SCRAM_SUCCESS);
  script_bind (f->peer);

  connect_and_wait (f);
  g_assert_no_error (f->error);
  g_assert_nonnull (f->stream);
  scripted_peer_run (f->peer);

  g_assert_true (xmpp_stream_is_tls (f->stream));
  g_assert_cmpstr (xmpp_connector_get_mechanism (f->connector), ==, "SCRAM-SHA-256");
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_connector_get_bound_jid (f->connector)), ==, FULL);
  g_assert_nonnull (xmpp_node_get_child (xmpp_connector_get_features (f->connector),
                                         "bind", XMPP_NS_BIND));

  /* Exactly: plain header, starttls, secure header, auth, response,
   * bound header, bind. */
  g_assert_cmpuint (scripted_peer_get_received (f->peer)->len, ==, 7);
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "auth", XMPP_NS_SASL), ==, 1);
  g_assert_false (scripted_peer_received_contains (f->peer, PASSWORD));

  /* The protocol log shows the exchange but never a SASL payload. */
  g_assert_true (scripted_fixture_log_contains (f, ">> <auth"));
  g_assert_true (scripted_fixture_log_contains (f, "[masked]"));
  /* 12 bytes, so the base64 is also a prefix of the whole payload's. */
  scram_b64 = g_base64_encode ((const guchar *) "y,,n=" USER ",", 12);
  g_assert_false (scripted_fixture_log_contains (f, scram_b64));
  g_assert_false (scripted_fixture_log_contains (f, PASSWORD));
}

/* RFC 5802 §6 with XEP-0440: -PLUS with tls-exporter (RFC 9266) on
 * TLS 1.3; the peer checks c= against its own end of the connection. */
static void
test_scram_plus_binds_to_the_tls_channel (Fixture      *f,
                                          gconstpointer data)
{
  script_starttls (f->peer);
  scripted_peer_send_open (f->peer,
                           MECHANISMS (MECH ("SCRAM-SHA-1") MECH ("SCRAM-SHA-256")
                                           MECH ("SCRAM-SHA-256-PLUS") MECH ("PLAIN")) "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>"
                                                                                       "<channel-binding type='tls-server-end-point'/>"
                                                                                       "<channel-binding type='tls-exporter'/>"
                                                                                       "</sasl-channel-binding>");
  scripted_peer_expect_scram (f->peer, "SCRAM-SHA-256-PLUS", "p=tls-exporter,,", USER, PASSWORD,
                              SCRIPTED_SCRAM_SUCCESS);
  script_bind (f->peer);

  connect_and_wait (f);
  g_assert_no_error (f->error);
  scripted_peer_run (f->peer);
  g_assert_cmpstr (xmpp_connector_get_mechanism (f->connector), ==, "SCRAM-SHA-256-PLUS");
}

/* RFC 5929 tls-server-end-point, when that is the only type offered. */
static void
test_scram_plus_server_end_point (Fixture      *f,
                                  gconstpointer data)
{
  script_starttls (f->peer);
  scripted_peer_send_open (f->peer,
                           MECHANISMS (MECH ("SCRAM-SHA-256") MECH ("SCRAM-SHA-256-PLUS")) "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>"
                                                                                           "<channel-binding type='tls-server-end-point'/>"
                                                                                           "</sasl-channel-binding>");
  scripted_peer_expect_scram (f->peer, "SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,", USER,
                              PASSWORD, SCRIPTED_SCRAM_SUCCESS);
  script_bind (f->peer);

  connect_and_wait (f);
  g_assert_no_error (f->error);
  scripted_peer_run (f->peer);
}

/* A server (or a man in the middle) that does not know the password
 * cannot produce v=; the client must not go on as if logged in. */
static void
test_wrong_scram_server_signature_aborts (Fixture      *f,
                                          gconstpointer data)
{
  script_starttls (f->peer);
  scripted_peer_send_open (f->peer, MECHANISMS (MECH ("SCRAM-SHA-256")));
  scripted_peer_expect_scram (f->peer, "SCRAM-SHA-256", "y,,", USER, PASSWORD,
                              SCRIPTED_SCRAM_WRONG_SIGNATURE);
  /* No new stream header, no bind: only the end of the stream. */
  script_client_gives_up (f->peer);

  connect_and_wait (f);
  g_assert_error (f->error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  g_assert_null (f->stream);
  scripted_peer_run (f->peer);

  g_assert_cmpuint (scripted_peer_count_received (f->peer, "stream", XMPP_NS_STREAM), ==, 2);
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "iq", NULL), ==, 0);
}

static void
test_scram_success_without_signature_aborts (Fixture      *f,
                                             gconstpointer data)
{
  script_starttls (f->peer);
  scripted_peer_send_open (f->peer, MECHANISMS (MECH ("SCRAM-SHA-256")));
  scripted_peer_expect_scram (f->peer, "SCRAM-SHA-256", "y,,", USER, PASSWORD,
                              SCRIPTED_SCRAM_NO_SIGNATURE);
  script_client_gives_up (f->peer);

  connect_and_wait (f);
  g_assert_error (f->error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  scripted_peer_run (f->peer);
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "stream", XMPP_NS_STREAM), ==, 2);
}

/* Profanity issue 905: after a failure, never a weaker mechanism. */
static void
test_sasl_failure_no_weaker_retry (Fixture      *f,
                                   gconstpointer data)
{
  script_starttls (f->peer);
  scripted_peer_send_open (f->peer, MECHANISMS (MECH ("SCRAM-SHA-256") MECH ("SCRAM-SHA-1")
                                                    MECH ("PLAIN")));
  scripted_peer_expect_scram (f->peer, "SCRAM-SHA-256", "y,,", USER, PASSWORD,
                              SCRIPTED_SCRAM_NOT_AUTHORIZED);
  script_client_gives_up (f->peer);

  connect_and_wait (f);
  g_assert_error (f->error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  scripted_peer_run (f->peer);

  g_assert_cmpuint (scripted_peer_count_received (f->peer, "auth", XMPP_NS_SASL), ==, 1);
  g_assert_false (scripted_peer_received_contains (f->peer, "PLAIN"));
  g_assert_false (scripted_peer_received_contains (f->peer, "SCRAM-SHA-1'"));
}

static void
test_plain_only_when_no_scram (Fixture      *f,
                               gconstpointer data)
{
  g_autofree char *b64 = NULL;
  g_autofree char *auth = NULL;

  b64 = g_base64_encode ((const guchar *) "\0" USER "\0" PASSWORD,
                         strlen (USER) + strlen (PASSWORD) + 2);
  auth = g_strdup_printf ("<auth xmlns=" NS_SASL_Q " mechanism='PLAIN'>%s</auth>", b64);

  script_starttls (f->peer);
  scripted_peer_send_open (f->peer, MECHANISMS (MECH ("PLAIN")));
  scripted_peer_expect (f->peer, auth);
  scripted_peer_send (f->peer, "<success xmlns=" NS_SASL_Q "/>");
  script_bind (f->peer);

  connect_and_wait (f);
  g_assert_no_error (f->error);
  scripted_peer_run (f->peer);
  g_assert_cmpstr (xmpp_connector_get_mechanism (f->connector), ==, "PLAIN");
  g_assert_false (scripted_fixture_log_contains (f, b64));
}

/* RFC 6120 §5.4.3.3: whatever arrives with <proceed/> before the handshake
 * was injectable by anyone on the path; here it tries to offer PLAIN. */
static void
test_bytes_before_tls_handshake_discarded (Fixture      *f,
                                           gconstpointer data)
{
  scripted_peer_expect_open (f->peer, OPEN_PLAIN);
  scripted_peer_send_open (f->peer, FEATURE_STARTTLS);
  scripted_peer_expect (f->peer, EXPECT_STARTTLS);
  scripted_peer_send (f->peer,
                      PROCEED
                      "<message from='mallory@evil.example'><body>injected</body></message>"
                      "<stream:features>" MECHANISMS (MECH ("PLAIN")) "</stream:features>");
  scripted_peer_start_tls (f->peer);
  scripted_peer_expect_open (f->peer, OPEN_SECURE);
  scripted_peer_send_open (f->peer, MECHANISMS (MECH ("SCRAM-SHA-256")));
  scripted_peer_expect_scram (f->peer, "SCRAM-SHA-256", "y,,", USER, PASSWORD,
                              SCRIPTED_SCRAM_SUCCESS);
  script_bind (f->peer);

  connect_and_wait (f);
  g_assert_no_error (f->error);
  scripted_peer_run (f->peer);

  g_assert_cmpstr (xmpp_connector_get_mechanism (f->connector), ==, "SCRAM-SHA-256");
  g_assert_true (scripted_fixture_log_contains (f, "<< <proceed"));
  g_assert_false (scripted_fixture_log_contains (f, "injected"));
  g_assert_false (scripted_fixture_log_contains (f, "<mechanism>PLAIN</mechanism>"));
}

/* ------------------------------------------------------------------ */
/* A logged-in session                                                  */

static void
disconnected_cb (XmppClient   *client,
                 const GError *error,
                 gpointer      user_data)
{
  Fixture *f = user_data;

  g_assert_false (f->disconnected);
  f->disconnected = TRUE;
  if (error != NULL)
    f->disconnect_error = g_error_copy (error);
}

static void
log_in (Fixture *f)
{
  script_starttls (f->peer);
  scripted_peer_send_open (f->peer, MECHANISMS (MECH ("SCRAM-SHA-256")));
  scripted_peer_expect_scram (f->peer, "SCRAM-SHA-256", "y,,", USER, PASSWORD,
                              SCRIPTED_SCRAM_SUCCESS);
  script_bind (f->peer);

  connect_and_wait (f);
  g_assert_no_error (f->error);
  scripted_peer_run (f->peer);

  f->client = xmpp_client_new (f->stream, xmpp_connector_get_bound_jid (f->connector));
  g_signal_connect (f->client, "disconnected", G_CALLBACK (disconnected_cb), f);
}

static void
roster_push_cb (XmppClient     *client,
                XmppRosterItem *item,
                const char     *ver,
                gpointer        user_data)
{
  GPtrArray *pushes = user_data;

  g_ptr_array_add (pushes, g_strdup (xmpp_jid_to_string (xmpp_roster_item_get_jid (item))));
}

#define PUSH(from_attr, id, jid)             \
  "<iq type='set'" from_attr " id='" id "'>" \
  "<query xmlns='jabber:iq:roster'><item jid='" jid "'/></query></iq>"

/* RFC 6121 §2.1.6, CVE-2015-8688 and relatives: a roster push counts only
 * with no `from` or the account's own bare JID. */
static void
test_roster_push_from_stranger_is_ignored (Fixture      *f,
                                           gconstpointer data)
{
  g_autoptr (GPtrArray) pushes = g_ptr_array_new_with_free_func (g_free);

  log_in (f);
  xmpp_roster_attach (f->client, roster_push_cb, pushes, NULL);

  scripted_peer_send (f->peer, PUSH (" from='mallory@evil.example/x'", "push1", "eve@evil.example"));
  scripted_peer_expect (f->peer, SERVICE_UNAVAILABLE ("mallory@evil.example/x", "push1"));
  /* Not another resource of the account, nor the server itself. */
  scripted_peer_send (f->peer, PUSH (" from='" BARE "/other'", "push2", "eve@evil.example"));
  scripted_peer_expect (f->peer, SERVICE_UNAVAILABLE (BARE "/other", "push2"));
  scripted_peer_send (f->peer, PUSH (" from='localhost'", "push3", "eve@evil.example"));
  scripted_peer_expect (f->peer, SERVICE_UNAVAILABLE ("localhost", "push3"));
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  g_assert_cmpuint (pushes->len, ==, 0);

  /* The server's own pushes: no `from`, or the bare JID in any case. */
  scripted_peer_send (f->peer, PUSH ("", "push4", "romeo@montague.example"));
  scripted_peer_expect (f->peer, "<iq type='result' id='push4'/>");
  scripted_peer_send (f->peer, PUSH (" from='" BARE "'", "push5", "nurse@capulet.example"));
  scripted_peer_expect (f->peer, "<iq type='result' to='" BARE "' id='push5'/>");
  scripted_peer_send (f->peer, PUSH (" from='JULIET@localhost'", "push6", "tybalt@capulet.example"));
  scripted_peer_expect (f->peer, "<iq type='result' to='JULIET@localhost' id='push6'/>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);

  g_assert_cmpuint (pushes->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (pushes, 0), ==, "romeo@montague.example");
  g_assert_cmpstr (g_ptr_array_index (pushes, 1), ==, "nurse@capulet.example");
  g_assert_cmpstr (g_ptr_array_index (pushes, 2), ==, "tybalt@capulet.example");
  g_assert_true (xmpp_client_is_connected (f->client));
}

typedef struct
{
  gboolean  done;
  XmppNode *query;
  GError   *error;
} DiscoResult;

static void
disco_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  DiscoResult *r = user_data;

  r->query = xmpp_disco_info_finish (XMPP_CLIENT (source), result, &r->error);
  r->done = TRUE;
}

#define DISCO_RESULT(from_attr, id, feature)              \
  "<iq type='result'" from_attr " id='" id "'>"           \
  "<query xmlns='http://jabber.org/protocol/disco#info'>" \
  "<identity category='client' type='pc'/><feature var='" feature "'/></query></iq>"

/* SECURITY.md: an IQ reply is matched by id *and* by the entity asked. */
static void
test_iq_reply_from_wrong_entity_is_dropped (Fixture      *f,
                                            gconstpointer data)
{
  g_autoptr (XmppJid) bob = xmpp_jid_parse ("bob@example.com/r", NULL);
  g_autofree char *id = NULL;
  g_autofree char *reply = NULL;
  DiscoResult      r = { 0 };

  log_in (f);
  xmpp_disco_info_async (f->client, bob, NULL, NULL, disco_cb, &r);
  scripted_peer_expect (f->peer, "<iq type='get' to='bob@example.com/r' id='*'>"
                                 "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  scripted_peer_run (f->peer);
  id = g_strdup (scripted_peer_get_last_id (f->peer));

  /* The right id from a stranger, from bob's bare JID, from another of his
   * resources, and with no `from` (the server speaking for him). */
  scripted_peer_send (f->peer, DISCO_RESULT (" from='mallory@evil.example'", "$id", "urn:x:spoofed"));
  scripted_peer_send (f->peer, DISCO_RESULT (" from='bob@example.com'", "$id", "urn:x:spoofed"));
  scripted_peer_send (f->peer, DISCO_RESULT (" from='bob@example.com/other'", "$id", "urn:x:spoofed"));
  scripted_peer_send (f->peer, DISCO_RESULT ("", "$id", "urn:x:spoofed"));
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  g_assert_false (r.done);

  reply = g_strdup_printf (DISCO_RESULT (" from='bob@example.com/r'", "%s", "urn:x:real"), id);
  scripted_peer_send (f->peer, reply);
  scripted_peer_run_until (f->peer, &r.done);

  g_assert_no_error (r.error);
  g_assert_true (xmpp_disco_info_has_feature (r.query, "urn:x:real"));
  g_assert_false (xmpp_disco_info_has_feature (r.query, "urn:x:spoofed"));
  g_clear_pointer (&r.query, xmpp_node_unref);
}

/* RFC 6120 §8.4: an IQ get/set nobody handles is answered, never ignored;
 * a result or error nobody asked for is never answered. */
static void
test_unhandled_iq_gets_service_unavailable (Fixture      *f,
                                            gconstpointer data)
{
  log_in (f);

  scripted_peer_send (f->peer, "<iq type='get' from='bob@example.com/r' id='u1'>"
                               "<query xmlns='urn:example:unknown'/></iq>");
  scripted_peer_expect (f->peer, SERVICE_UNAVAILABLE ("bob@example.com/r", "u1"));
  scripted_peer_send (f->peer, "<iq type='set' from='bob@example.com/r' id='u2'>"
                               "<command xmlns='http://jabber.org/protocol/commands'/></iq>");
  scripted_peer_expect (f->peer, SERVICE_UNAVAILABLE ("bob@example.com/r", "u2"));
  scripted_peer_send (f->peer, "<iq type='result' from='bob@example.com/r' id='u3'/>");
  scripted_peer_send (f->peer, "<iq type='error' from='bob@example.com/r' id='u4'>"
                               "<error type='cancel'><item-not-found xmlns=" NS_STZ_Q "/>"
                               "</error></iq>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  g_assert_true (xmpp_client_is_connected (f->client));
}

typedef struct
{
  gboolean  done;
  XmppNode *reply;
  GError   *error;
} IqResult;

static void
iq_cb (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  IqResult *r = user_data;

  r->reply = xmpp_client_send_iq_finish (XMPP_CLIENT (source), result, &r->error);
  r->done = TRUE;
}

/* RFC 6120 §4.9: a stream error ends the session with its condition, and
 * everything pending fails with it. */
static void
test_stream_error_ends_session (Fixture      *f,
                                gconstpointer data)
{
  g_autoptr (XmppNode) ping = NULL;
  IqResult r = { 0 };

  log_in (f);
  ping = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                          XMPP_BUILD_ATTR, "type", "get",
                          XMPP_BUILD_ATTR, "id", "ping1",
                          XMPP_BUILD_CHILD, "ping", "urn:xmpp:ping",
                          XMPP_BUILD_END);
  xmpp_client_send_iq_async (f->client, ping, 0, NULL, iq_cb, &r);
  scripted_peer_expect (f->peer, "<iq type='get' id='ping1'><ping xmlns='urn:xmpp:ping'/></iq>");
  scripted_peer_send (f->peer, "<stream:error><conflict xmlns=" NS_STRM_Q "/>"
                               "<text xmlns=" NS_STRM_Q ">Replaced by new connection</text>"
                               "</stream:error></stream:stream>");
  script_client_gives_up (f->peer);

  scripted_peer_run_until (f->peer, &f->disconnected);
  g_assert_error (f->disconnect_error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CONDITION);
  g_assert_nonnull (strstr (f->disconnect_error->message, "conflict"));
  g_assert_false (xmpp_client_is_connected (f->client));

  scripted_peer_run_until (f->peer, &r.done);
  g_assert_error (r.error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CONDITION);
  g_assert_null (r.reply);
  g_clear_error (&r.error);
  scripted_peer_run (f->peer);
}

static void
test_server_closing_stream_disconnects (Fixture      *f,
                                        gconstpointer data)
{
  log_in (f);
  scripted_peer_send (f->peer, "</stream:stream>");
  script_client_gives_up (f->peer);

  scripted_peer_run_until (f->peer, &f->disconnected);
  g_assert_error (f->disconnect_error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED);
  scripted_peer_run (f->peer);
}

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (xmpp_client_close_finish (XMPP_CLIENT (source), result, NULL));
  *done = TRUE;
}

/* RFC 6120 §4.4: our closing tag, then the server's, then the end. */
static void
test_close_waits_for_server_close (Fixture      *f,
                                   gconstpointer data)
{
  gboolean closed = FALSE;

  log_in (f);
  xmpp_client_close_async (f->client, NULL, close_cb, &closed);
  scripted_peer_expect_close (f->peer);
  scripted_peer_run (f->peer);
  g_assert_false (closed);

  scripted_peer_send (f->peer, "</stream:stream>");
  scripted_peer_expect_eof (f->peer);
  scripted_peer_run_until (f->peer, &closed);
  g_assert_true (f->disconnected);
  g_assert_no_error (f->disconnect_error);
  scripted_peer_run (f->peer);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name) \
  g_test_add ("/scripted/" #name, Fixture, NULL, scripted_fixture_set_up, test_##name, scripted_fixture_tear_down)

  ADD (starttls_not_offered_sends_no_credentials);
  ADD (starttls_refused_sends_no_credentials);
  ADD (certificate_for_other_domain_is_refused);
  ADD (untrusted_certificate_is_refused);
  ADD (starttls_then_scram_login_binds);
  ADD (scram_plus_binds_to_the_tls_channel);
  ADD (scram_plus_server_end_point);
  ADD (wrong_scram_server_signature_aborts);
  ADD (scram_success_without_signature_aborts);
  ADD (sasl_failure_no_weaker_retry);
  ADD (plain_only_when_no_scram);
  ADD (bytes_before_tls_handshake_discarded);
  ADD (roster_push_from_stranger_is_ignored);
  ADD (iq_reply_from_wrong_entity_is_dropped);
  ADD (unhandled_iq_gets_service_unavailable);
  ADD (stream_error_ends_session);
  ADD (server_closing_stream_disconnects);
  ADD (close_waits_for_server_close);

#undef ADD

  return g_test_run ();
}
