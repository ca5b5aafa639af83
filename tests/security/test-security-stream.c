/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SECURITY.md, stream level: the transport rules and the XML rules, one
 * test per incident class, named after the attack and citing its CVE.
 * The real XmppConnector and XmppClient run against the scripted
 * in-memory peer (tests/lib/scripted-peer.h), which plays a hostile or
 * broken server and matches every element the client sends.
 *
 * Stanza-level attacks (who may send what) run against a real Prosody in
 * test_stanza_attacks.py; README lists all of them.
 */
#define G_LOG_DOMAIN "test-security-stream"

#include <string.h>

#include "scripted-peer.h"
#include "xep-0203-delay.h"
#include "xmpp-client.h"
#include "xmpp-connector.h"
#include "xmpp-error.h"
#include "xmpp-reader.h"
#include "xmpp-sasl.h"

#define USER     "juliet"
#define PASSWORD "Tr0ub4dor&3-not-on-the-wire"
#define BARE     USER "@" SCRIPTED_PEER_DOMAIN
#define FULL     BARE "/petrel"

#define NS_TLS_Q  "'urn:ietf:params:xml:ns:xmpp-tls'"
#define NS_SASL_Q "'urn:ietf:params:xml:ns:xmpp-sasl'"
#define NS_BIND_Q "'urn:ietf:params:xml:ns:xmpp-bind'"
#define NS_STRM_Q "'urn:ietf:params:xml:ns:xmpp-streams'"

#define OPEN_PLAIN  "<stream:stream to='localhost' version='1.0' xml:lang='en'/>"
#define OPEN_SECURE "<stream:stream to='localhost' from='" BARE "' version='1.0' xml:lang='en'/>"

#define FEATURE_STARTTLS "<starttls xmlns=" NS_TLS_Q "><required/></starttls>"
#define MECHANISMS(m)    "<mechanisms xmlns=" NS_SASL_Q ">" m "</mechanisms>"
#define MECH(m)          "<mechanism>" m "</mechanism>"
#define EXPECT_BIND                                  \
  "<iq type='set' id='*'><bind xmlns=" NS_BIND_Q ">" \
  "<resource>petrel</resource></bind></iq>"
#define BIND_RESULT \
  "<iq type='result' id='$id'><bind xmlns=" NS_BIND_Q "><jid>" FULL "</jid></bind></iq>"

#define STREAM_ERROR(condition) \
  "<stream:error><" condition " xmlns=" NS_STRM_Q "/></stream:error>"

typedef ScriptedFixture Fixture;

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

  scripted_fixture_start_connector (f, &config);
}

static void
connect_and_wait (Fixture *f)
{
  start_connector (f, BARE, scripted_peer_get_ca_file ());
  scripted_peer_run_until (f->peer, &f->done);
}

static void
script_starttls (ScriptedPeer *peer)
{
  scripted_peer_script_starttls (peer, OPEN_PLAIN, FEATURE_STARTTLS, OPEN_SECURE);
}

static void
script_client_gives_up (ScriptedPeer *peer)
{
  scripted_peer_expect_close (peer);
  scripted_peer_expect_eof (peer);
}

/* Nothing of the login left the client: no SASL element, no password in
 * any encoding, not even the account name (RFC 6120 §4.7.1). */
static void
assert_no_credentials_sent (Fixture *f)
{
  g_autofree char *plain_b64 = g_base64_encode ((const guchar *) "\0" USER "\0" PASSWORD,
                                                strlen (USER) + strlen (PASSWORD) + 2);

  g_assert_cmpuint (scripted_peer_count_received (f->peer, "auth", XMPP_NS_SASL), ==, 0);
  g_assert_false (scripted_peer_received_contains (f->peer, PASSWORD));
  g_assert_false (scripted_peer_received_contains (f->peer, plain_b64));
  g_assert_false (scripted_peer_received_contains (f->peer, USER));
}

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

/* STARTTLS, SCRAM, bind, and an XmppClient on the result. */
static void
log_in (Fixture *f)
{
  script_starttls (f->peer);
  scripted_peer_send_open (f->peer, MECHANISMS (MECH ("SCRAM-SHA-256")));
  scripted_peer_expect_scram (f->peer, "SCRAM-SHA-256", "y,,", USER, PASSWORD,
                              SCRIPTED_SCRAM_SUCCESS);
  scripted_peer_expect_open (f->peer, OPEN_SECURE);
  scripted_peer_send_open (f->peer, "<bind xmlns=" NS_BIND_Q "/>");
  scripted_peer_expect (f->peer, EXPECT_BIND);
  scripted_peer_send (f->peer, BIND_RESULT);

  connect_and_wait (f);
  g_assert_no_error (f->error);
  scripted_peer_run (f->peer);

  f->client = xmpp_client_new (f->stream, xmpp_connector_get_bound_jid (f->connector));
  g_signal_connect (f->client, "disconnected", G_CALLBACK (disconnected_cb), f);
}

/* ------------------------------------------------------------------ */
/* Transport                                                            */

/* CVE-2016-10027: a plain connection without STARTTLS on offer (a
 * stripping man in the middle) gets no credentials at all. */
static void
test_starttls_stripped_sends_no_credentials_cve_2016_10027 (Fixture      *f,
                                                            gconstpointer data)
{
  scripted_peer_expect_open (f->peer, OPEN_PLAIN);
  scripted_peer_send_open (f->peer, MECHANISMS (MECH ("SCRAM-SHA-256") MECH ("PLAIN")));
  script_client_gives_up (f->peer);

  connect_and_wait (f);
  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NO_TLS);
  scripted_peer_run (f->peer);
  assert_no_credentials_sent (f);
}

/* CVE-2014-3694, CVE-2022-26491: the certificate must name the JID's
 * domain; a valid one for another name is refused, with no "accept once". */
static void
test_certificate_for_other_domain_refused_cve_2014_3694 (Fixture      *f,
                                                         gconstpointer data)
{
  scripted_peer_expect_open (f->peer, "<stream:stream to='example.com' version='1.0' xml:lang='en'/>");
  scripted_peer_send_open (f->peer, FEATURE_STARTTLS);
  scripted_peer_expect (f->peer, "<starttls xmlns=" NS_TLS_Q "/>");
  scripted_peer_send (f->peer, "<proceed xmlns=" NS_TLS_Q "/>");
  scripted_peer_start_tls_expect_failure (f->peer);

  start_connector (f, "juliet@example.com", scripted_peer_get_ca_file ());
  scripted_peer_run_until (f->peer, &f->done);
  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TLS);
  scripted_peer_run (f->peer);
  assert_no_credentials_sent (f);
}

/* Profanity issue 905: after a failed SCRAM attempt the client stops; it
 * never tries PLAIN or a weaker SCRAM. */
static void
test_no_weaker_mechanism_after_failure_profanity_905 (Fixture      *f,
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

/* SECURITY.md, SCRAM: a server (or a man in the middle) that cannot
 * prove it knows the password is not logged in to, with a wrong v= or
 * with none. */
static void
test_scram_server_signature_verified (Fixture      *f,
                                      gconstpointer data)
{
  ScriptedScramOutcome outcome = GPOINTER_TO_INT (data);

  script_starttls (f->peer);
  scripted_peer_send_open (f->peer, MECHANISMS (MECH ("SCRAM-SHA-256")));
  scripted_peer_expect_scram (f->peer, "SCRAM-SHA-256", "y,,", USER, PASSWORD, outcome);
  script_client_gives_up (f->peer);

  connect_and_wait (f);
  g_assert_error (f->error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  g_assert_null (f->stream);
  scripted_peer_run (f->peer);
  /* No restarted stream, no bind. */
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "stream", XMPP_NS_STREAM), ==, 2);
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "iq", NULL), ==, 0);
}

/* ------------------------------------------------------------------ */
/* XML                                                                  */

/* The server sends @xml on a logged-in stream; the client must answer
 * with the stream error @expected, close, and report a protocol error. */
static void
assert_stream_refused (Fixture    *f,
                       const char *xml,
                       const char *expected)
{
  log_in (f);
  scripted_peer_send (f->peer, xml);
  scripted_peer_expect (f->peer, expected);
  script_client_gives_up (f->peer);
  scripted_peer_run_until (f->peer, &f->disconnected);
  scripted_peer_run (f->peer);

  g_assert_error (f->disconnect_error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL);
  g_assert_false (xmpp_client_is_connected (f->client));
}

/* CVE-2013-0340 (billion laughs): an internal DTD subset with nested
 * entities is refused before anything is expanded. */
static void
test_doctype_with_entities_refused_cve_2013_0340 (Fixture      *f,
                                                  gconstpointer data)
{
  scripted_peer_expect_open (f->peer, OPEN_PLAIN);
  scripted_peer_send (f->peer,
                      "<?xml version='1.0'?><!DOCTYPE stream:stream ["
                      "<!ENTITY a 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'>"
                      "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
                      "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]>"
                      "<stream:stream xmlns='jabber:client'"
                      " xmlns:stream='http://etherx.jabber.org/streams'"
                      " from='localhost' id='s1' version='1.0'>"
                      "<stream:features><x>&c;</x></stream:features>");
  scripted_peer_expect_close (f->peer);
  scripted_peer_expect_eof (f->peer);

  connect_and_wait (f);
  g_assert_nonnull (f->error);
  g_assert_null (f->stream);
  scripted_peer_run (f->peer);
  assert_no_credentials_sent (f);
}

/* CVE-2013-0340 in a stanza: an entity reference is never expanded; the
 * stream ends. */
static void
test_entity_in_stanza_ends_stream_cve_2013_0340 (Fixture      *f,
                                                 gconstpointer data)
{
  assert_stream_refused (f, "<message from='romeo@montague.example'><body>&xxe;</body></message>",
                         STREAM_ERROR ("restricted-xml"));
}

/* CVE-2022-22784: comments and processing instructions are not XMPP; a
 * parser that takes them can be steered around the stanza structure. */
static void
test_comment_in_stream_refused_cve_2022_22784 (Fixture      *f,
                                               gconstpointer data)
{
  assert_stream_refused (f, "<message from='romeo@montague.example'><!-- x --><body>hi</body></message>",
                         STREAM_ERROR ("restricted-xml"));
}

static void
test_processing_instruction_refused_cve_2022_22784 (Fixture      *f,
                                                    gconstpointer data)
{
  assert_stream_refused (f, "<?evil data?><message/>", STREAM_ERROR ("restricted-xml"));
}

/* CVE-2022-0217: invalid UTF-8 ends the stream (unsupported-encoding,
 * RFC 6120 §4.9.3.22 and §11.6). */
static void
test_invalid_utf8_ends_stream_cve_2022_0217 (Fixture      *f,
                                             gconstpointer data)
{
  assert_stream_refused (f, "<message from='romeo@montague.example'><body>\xc3\x28\xff</body></message>",
                         STREAM_ERROR ("unsupported-encoding"));
}

/* CVE-2021-32918: a never-ending stanza costs at most the stanza limit;
 * the client ends the stream with policy-violation when it is reached. */
static void
test_never_ending_stanza_bounded_cve_2021_32918 (Fixture      *f,
                                                 gconstpointer data)
{
  g_autofree char *chunk = g_strnfill (64 * 1024, 'a');

  log_in (f);
  scripted_peer_send (f->peer, "<message from='romeo@montague.example'><body>");
  /* Just past the limit, and no end in sight: the client must give up
   * there rather than wait for the end tag. */
  for (guint i = 0; i < XMPP_READER_DEFAULT_MAX_STANZA_SIZE / (64 * 1024); i++)
    scripted_peer_send (f->peer, chunk);
  scripted_peer_expect (f->peer, STREAM_ERROR ("policy-violation"));
  script_client_gives_up (f->peer);
  scripted_peer_run_until (f->peer, &f->disconnected);
  scripted_peer_run (f->peer);
  g_assert_error (f->disconnect_error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (f->disconnect_error->message, "too large"));
}

/* CVE-2021-32918: deep nesting ends at the depth limit, on the wire (as
 * much as fits the socket before the client hangs up) … */
static void
test_deep_nesting_bounded_cve_2021_32918 (Fixture      *f,
                                          gconstpointer data)
{
  g_autoptr (GString) deep = g_string_new ("<message from='romeo@montague.example'>");

  for (guint i = 0; i < 10000; i++)
    g_string_append (deep, "<x>");
  assert_stream_refused (f, deep->str, STREAM_ERROR ("policy-violation"));
  g_assert_nonnull (strstr (f->disconnect_error->message, "nested"));
}

/* … and for 100,000 levels fed to the reader at once: it stops at the
 * limit, without building the tree below it. */
static void
test_100000_nested_elements_refused_cve_2021_32918 (void)
{
  g_autoptr (GString) deep = g_string_new ("<stream:stream xmlns='jabber:client' "
                                           "xmlns:stream='http://etherx.jabber.org/streams'>"
                                           "<message>");
  XmppReader *reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  g_autoptr (GError) error = NULL;
  XmppNode *node = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append (deep, "<x>");
  g_assert_false (xmpp_reader_feed (reader, deep->str, deep->len, &error));
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_LIMIT);
  g_assert_cmpint (xmpp_reader_pop (reader, &node), ==, XMPP_READER_EVENT_STREAM_OPEN);
  g_clear_pointer (&node, xmpp_node_unref);
  g_assert_cmpint (xmpp_reader_pop (reader, &node), ==, XMPP_READER_EVENT_NONE);
  xmpp_reader_free (reader);
}

/* ------------------------------------------------------------------ */
/* Dates                                                                */

/* CVE-2013-6477: a date in year 99999, a negative year or garbage is no
 * date (and no crash); a sane one passes. */
static void
test_impossible_delay_dates_rejected_cve_2013_6477 (void)
{
  const char *bad[] = {
    "99999-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "0000-00-00T00:00:00Z",
    "2010-13-45T25:61:61Z", "1969-12-31T23:59:59Z", "9999-12-31T23:59:59Z",
    "2010-07-10T23:08:25+99:99", "2010-07-10T23:08:25.99999999999999999999Z",
    "", "yesterday",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GDateTime) t = xmpp_datetime_parse (bad[i]);
      g_autofree char *xml = g_strdup_printf ("<message xmlns='jabber:client'>"
                                              "<delay xmlns='urn:xmpp:delay' stamp='%s'/>"
                                              "</message>", bad[i]);
      g_autoptr (XmppNode) stanza = xmpp_node_parse (xml, -1, NULL);
      g_autoptr (GDateTime) stamp = NULL;

      g_test_message ("stamp %s", bad[i]);
      g_assert_null (t);
      g_assert_nonnull (stanza);
      stamp = xmpp_delay_get_stamp (stanza);
      g_assert_null (stamp);
    }

  {
    g_autoptr (GDateTime) good = xmpp_datetime_parse ("2010-07-10T23:08:25.123Z");

    g_assert_nonnull (good);
    g_assert_cmpint (g_date_time_get_year (good), ==, 2010);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/security/" path, Fixture, data, scripted_fixture_set_up, func, scripted_fixture_tear_down)

  ADD ("transport/starttls-stripped-sends-no-credentials/CVE-2016-10027",
       test_starttls_stripped_sends_no_credentials_cve_2016_10027, NULL);
  ADD ("transport/certificate-for-other-domain-refused/CVE-2014-3694",
       test_certificate_for_other_domain_refused_cve_2014_3694, NULL);
  ADD ("transport/no-weaker-mechanism-after-failure/profanity-905",
       test_no_weaker_mechanism_after_failure_profanity_905, NULL);
  ADD ("transport/scram-wrong-server-signature-aborts",
       test_scram_server_signature_verified, GINT_TO_POINTER (SCRIPTED_SCRAM_WRONG_SIGNATURE));
  ADD ("transport/scram-missing-server-signature-aborts",
       test_scram_server_signature_verified, GINT_TO_POINTER (SCRIPTED_SCRAM_NO_SIGNATURE));
  ADD ("xml/doctype-with-entities-refused/CVE-2013-0340",
       test_doctype_with_entities_refused_cve_2013_0340, NULL);
  ADD ("xml/entity-in-stanza-ends-stream/CVE-2013-0340",
       test_entity_in_stanza_ends_stream_cve_2013_0340, NULL);
  ADD ("xml/comment-refused/CVE-2022-22784", test_comment_in_stream_refused_cve_2022_22784, NULL);
  ADD ("xml/processing-instruction-refused/CVE-2022-22784",
       test_processing_instruction_refused_cve_2022_22784, NULL);
  ADD ("xml/invalid-utf8-ends-stream/CVE-2022-0217", test_invalid_utf8_ends_stream_cve_2022_0217, NULL);
  ADD ("xml/never-ending-stanza-bounded/CVE-2021-32918",
       test_never_ending_stanza_bounded_cve_2021_32918, NULL);
  ADD ("xml/deep-nesting-bounded/CVE-2021-32918", test_deep_nesting_bounded_cve_2021_32918, NULL);
  g_test_add_func ("/security/xml/100000-nested-elements-refused/CVE-2021-32918",
                   test_100000_nested_elements_refused_cve_2021_32918);
  g_test_add_func ("/security/dates/impossible-delay-dates-rejected/CVE-2013-6477",
                   test_impossible_delay_dates_rejected_cve_2013_6477);

#undef ADD

  return g_test_run ();
}
