/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0198 Stream Management (version 1.6.x) and the client's keepalive,
 * against the scripted in-memory peer (tests/lib/scripted-peer.h): every
 * login is real (STARTTLS, SCRAM, bind or resume) and every element the
 * client sends is matched exactly.
 */
#define G_LOG_DOMAIN "test-sm"

#include <string.h>

#include "scripted-peer.h"
#include "xep-0198-sm.h"
#include "xmpp-client.h"
#include "xmpp-connector.h"
#include "xmpp-error.h"

#define USER     "juliet"
#define PASSWORD "Tr0ub4dor&3-not-on-the-wire"
#define BARE     USER "@" SCRIPTED_PEER_DOMAIN
#define FULL     BARE "/petrel"
#define ROMEO    "romeo@montague.example"

#define NS_TLS_Q  "'urn:ietf:params:xml:ns:xmpp-tls'"
#define NS_SASL_Q "'urn:ietf:params:xml:ns:xmpp-sasl'"
#define NS_BIND_Q "'urn:ietf:params:xml:ns:xmpp-bind'"
#define NS_STZ_Q  "'urn:ietf:params:xml:ns:xmpp-stanzas'"
#define NS_SM_Q   "'urn:xmpp:sm:3'"

#define OPEN_PLAIN  "<stream:stream to='localhost' version='1.0' xml:lang='en'/>"
#define OPEN_SECURE "<stream:stream to='localhost' from='" BARE "' version='1.0' xml:lang='en'/>"

#define FEATURE_BIND "<bind xmlns=" NS_BIND_Q "/>"
#define FEATURE_SM   "<sm xmlns=" NS_SM_Q "/>"
#define EXPECT_BIND                                  \
  "<iq type='set' id='*'><bind xmlns=" NS_BIND_Q ">" \
  "<resource>petrel</resource></bind></iq>"
#define BIND_RESULT \
  "<iq type='result' id='$id'><bind xmlns=" NS_BIND_Q "><jid>" FULL "</jid></bind></iq>"

#define ENABLE        "<enable xmlns=" NS_SM_Q " resume='true'/>"
#define ENABLED       "<enabled xmlns=" NS_SM_Q "/>"
#define ENABLED_ID(i) "<enabled xmlns=" NS_SM_Q " id='" i "' resume='true'/>"
#define R             "<r xmlns=" NS_SM_Q "/>"
#define A(h)          "<a xmlns=" NS_SM_Q " h='" h "'/>"
#define NOT_FOUND     "<item-not-found xmlns=" NS_STZ_Q "/>"

#define PING(id) \
  "<iq type='get' to='localhost' id='" id "'><ping xmlns='urn:xmpp:ping'/></iq>"

typedef struct
{
  ScriptedPeer  *peer;
  XmppSm        *sm;
  XmppConnector *connector;
  XmppStream    *stream;
  XmppClient    *client;
  GError        *error;
  gboolean       connected;
  gboolean       enabled;
  gboolean       resumable;
  gboolean       failed;
  gboolean       disconnected;
  GError        *disconnect_error;
  gint64         disconnected_at;
  GString       *acked; /* ids of the "acked" stanzas, space-separated */
  guint          n_acked;
} Fixture;

/* The messages XmppSm logs (its domain only). */
static GPtrArray *sm_log;

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  if (g_strcmp0 (domain, "xep-0198-sm") == 0 && message != NULL)
    g_ptr_array_add (sm_log, g_strdup (message));

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static gboolean
sm_log_contains (const char *needle)
{
  for (guint i = 0; i < sm_log->len; i++)
    {
      if (strstr (g_ptr_array_index (sm_log, i), needle) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
acked_cb (XmppSm   *sm,
          XmppNode *stanza,
          Fixture  *f)
{
  if (f->acked->len > 0)
    g_string_append_c (f->acked, ' ');
  g_string_append (f->acked, xmpp_node_get_attr (stanza, "id"));
  f->n_acked++;
}

static void
enabled_cb (XmppSm   *sm,
            gboolean  resumable,
            Fixture  *f)
{
  f->enabled = TRUE;
  f->resumable = resumable;
}

static void
failed_cb (XmppSm  *sm,
           Fixture *f)
{
  f->failed = TRUE;
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  f->peer = scripted_peer_new ();
  f->sm = xmpp_sm_new ();
  f->acked = g_string_new (NULL);
  g_signal_connect (f->sm, "acked", G_CALLBACK (acked_cb), f);
  g_signal_connect (f->sm, "enabled", G_CALLBACK (enabled_cb), f);
  g_signal_connect (f->sm, "failed", G_CALLBACK (failed_cb), f);
  g_ptr_array_set_size (sm_log, 0);
}

static void
drop_connection (Fixture *f)
{
  g_clear_object (&f->client);
  g_clear_object (&f->stream);
  g_clear_object (&f->connector);
  g_clear_pointer (&f->peer, scripted_peer_free);
  g_clear_error (&f->error);
  g_clear_error (&f->disconnect_error);
  f->connected = f->disconnected = FALSE;
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  /* The connector holds the stream manager, which holds the client while
   * attached. */
  g_clear_object (&f->connector);
  g_assert_finalize_object (g_steal_pointer (&f->sm));
  drop_connection (f);
  g_string_free (f->acked, TRUE);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;

  f->stream = xmpp_connector_connect_finish (XMPP_CONNECTOR (source), result, &f->error);
  f->connected = TRUE;
}

static void
disconnected_cb (XmppClient   *client,
                 const GError *error,
                 Fixture      *f)
{
  g_assert_false (f->disconnected);
  f->disconnected = TRUE;
  f->disconnected_at = g_get_monotonic_time ();
  if (error != NULL)
    f->disconnect_error = g_error_copy (error);
}

/* STARTTLS, SCRAM and the stream restart, up to @features. */
static void
script_login (ScriptedPeer *peer,
              const char   *features)
{
  scripted_peer_expect_open (peer, OPEN_PLAIN);
  scripted_peer_send_open (peer, "<starttls xmlns=" NS_TLS_Q "><required/></starttls>");
  scripted_peer_expect (peer, "<starttls xmlns=" NS_TLS_Q "/>");
  scripted_peer_send (peer, "<proceed xmlns=" NS_TLS_Q "/>");
  scripted_peer_start_tls (peer);
  scripted_peer_expect_open (peer, OPEN_SECURE);
  scripted_peer_send_open (peer, "<mechanisms xmlns=" NS_SASL_Q ">"
                                 "<mechanism>SCRAM-SHA-256</mechanism></mechanisms>");
  scripted_peer_expect_scram (peer, "SCRAM-SHA-256", "y,,", USER, PASSWORD,
                              SCRIPTED_SCRAM_SUCCESS);
  scripted_peer_expect_open (peer, OPEN_SECURE);
  scripted_peer_send_open (peer, features);
}

static void
script_bind (ScriptedPeer *peer)
{
  scripted_peer_expect (peer, EXPECT_BIND);
  scripted_peer_send (peer, BIND_RESULT);
}

/* Runs the real connector (with the shared XmppSm) through the script and
 * starts a client on the result, as PetrelSession does. */
static void
connect_client (Fixture *f)
{
  g_autoptr (XmppJid) jid = xmpp_jid_parse (BARE, NULL);
  XmppConnectorConfig config = {
    .jid = jid,
    .password = PASSWORD,
    .ca_file = scripted_peer_get_ca_file (),
    .resource = "petrel",
    .timeout_seconds = SCRIPTED_PEER_TIMEOUT_SECONDS,
    .sm = f->sm,
  };

  f->connector = xmpp_connector_new (&config);
  xmpp_connector_set_stream_for_testing (f->connector, scripted_peer_get_client_stream (f->peer));
  xmpp_connector_connect_async (f->connector, NULL, connect_cb, f);
  scripted_peer_run_until (f->peer, &f->connected);
  g_assert_no_error (f->error);
  scripted_peer_run (f->peer);

  f->client = xmpp_client_new (f->stream, xmpp_connector_get_bound_jid (f->connector));
  xmpp_client_set_stream_features (f->client, xmpp_connector_get_features (f->connector));
  g_signal_connect (f->client, "disconnected", G_CALLBACK (disconnected_cb), f);
}

/* A fresh session: login, bind, stream manager attached. */
static void
log_in (Fixture    *f,
        const char *features)
{
  script_login (f->peer, features);
  script_bind (f->peer);
  connect_client (f);
  g_assert_false (xmpp_connector_get_resumed (f->connector));
  xmpp_sm_attach (f->sm, f->client);
}

static void
enable (Fixture    *f,
        const char *enabled)
{
  f->enabled = FALSE;
  g_assert_true (xmpp_sm_enable (f->sm));
  scripted_peer_expect (f->peer, ENABLE);
  scripted_peer_send (f->peer, enabled);
  scripted_peer_run_until (f->peer, &f->enabled);
  g_assert_true (xmpp_sm_is_enabled (f->sm));
}

static char *
outgoing (const char *id)
{
  return g_strdup_printf ("<message to='" ROMEO "' id='%s'><body>%s</body></message>", id, id);
}

/* The client sends messages with the space-separated @ids. */
static void
send_messages (Fixture    *f,
               const char *ids)
{
  g_auto (GStrv) list = g_strsplit (ids, " ", -1);

  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *xml = outgoing (list[i]);
      g_autoptr (XmppNode) message = scripted_parse (xml);

      xmpp_client_send (f->client, message);
    }
}

static void
expect_messages (Fixture    *f,
                 const char *ids)
{
  g_auto (GStrv) list = g_strsplit (ids, " ", -1);

  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *xml = outgoing (list[i]);

      scripted_peer_expect (f->peer, xml);
    }
}

/* The server sends messages with the space-separated @ids. */
static void
send_incoming (Fixture    *f,
               const char *ids)
{
  g_auto (GStrv) list = g_strsplit (ids, " ", -1);

  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *xml = NULL;

      xml = g_strdup_printf ("<message from='" ROMEO "/orchard' to='" FULL "' id='%s'>"
                             "<body>hi</body></message>", list[i]);
      scripted_peer_send (f->peer, xml);
    }
}

/* A round trip that proves the client handled everything sent before it;
 * <r/> and <a/> are not stanzas, so no counter moves. */
static void
ack_barrier (Fixture    *f,
             const char *a)
{
  scripted_peer_send (f->peer, R);
  scripted_peer_expect (f->peer, a);
  scripted_peer_run (f->peer);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the client's timers run (the burst delay of <r/> is 50 ms). */
static void
run_for_ms (Fixture *f,
            guint    ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  scripted_peer_run_until (f->peer, &done);
}

/* ------------------------------------------------------------------ */
/* Enabling (§3)                                                        */

/* @data: the server's <enabled/>; resumable when it says so (an SM-ID of
 * up to 4000 bytes is valid, §5). */
static void
test_enable_after_bind_when_offered (Fixture      *f,
                                     gconstpointer data)
{
  gboolean resumable = strstr (data, "resume='true'") != NULL;

  log_in (f, FEATURE_BIND FEATURE_SM);
  g_assert_false (xmpp_sm_is_enabled (f->sm));
  g_assert_false (xmpp_sm_can_resume (f->sm));

  enable (f, data);
  g_assert_cmpint (f->resumable, ==, resumable);
  g_assert_cmpint (xmpp_sm_can_resume (f->sm), ==, resumable);
  if (resumable)
    g_assert_cmpstr (xmpp_jid_to_string (xmpp_sm_get_bound_jid (f->sm)), ==, FULL);
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "enable", XMPP_NS_SM), ==, 1);
}

/* §4: what was sent before <enabled/> arrived is asked about after it. */
static void
test_sent_while_enabling_requested_after_enabled (Fixture      *f,
                                                  gconstpointer data)
{
  log_in (f, FEATURE_BIND FEATURE_SM);
  g_assert_true (xmpp_sm_enable (f->sm));
  send_messages (f, "m1");
  scripted_peer_expect (f->peer, ENABLE);
  expect_messages (f, "m1");
  scripted_peer_run (f->peer);
  run_for_ms (f, 150);

  scripted_peer_send (f->peer, ENABLED);
  scripted_peer_expect (f->peer, R);
  scripted_peer_send (f->peer, A ("1"));
  ack_barrier (f, A ("0"));
  g_assert_cmpstr (f->acked->str, ==, "m1");
}

static void
test_no_enable_when_not_offered (Fixture      *f,
                                 gconstpointer data)
{
  log_in (f, FEATURE_BIND);
  g_assert_false (xmpp_sm_enable (f->sm));
  send_messages (f, "m1");
  expect_messages (f, "m1");
  scripted_peer_run (f->peer);
  run_for_ms (f, 150);
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);

  g_assert_false (scripted_peer_received_contains (f->peer, XMPP_NS_SM));
  g_assert_false (xmpp_sm_is_enabled (f->sm));
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 0);
}

/* §3: <failed/> to <enable/> leaves the stream without acks; nothing that
 * was queued will ever be confirmed, and asking would be a protocol error. */
static void
test_enable_refused_drops_queue (Fixture      *f,
                                 gconstpointer data)
{
  log_in (f, FEATURE_BIND FEATURE_SM);
  g_assert_true (xmpp_sm_enable (f->sm));
  /* Counted from <enable/> on, before the server answered. */
  send_messages (f, "m1");
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 1);
  scripted_peer_expect (f->peer, ENABLE);
  expect_messages (f, "m1");
  scripted_peer_run (f->peer);

  /* A slow server: the burst timer fires before the answer arrives. */
  run_for_ms (f, 150);
  scripted_peer_send (f->peer, "<failed xmlns=" NS_SM_Q "><unexpected-request xmlns=" NS_STZ_Q
                               "/></failed>");
  scripted_peer_run_until (f->peer, &f->failed);
  g_assert_false (f->enabled);
  g_assert_false (xmpp_sm_is_enabled (f->sm));
  g_assert_false (xmpp_sm_can_resume (f->sm));
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 0);

  send_messages (f, "m2");
  expect_messages (f, "m2");
  scripted_peer_send (f->peer, R);
  run_for_ms (f, 150);
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);

  g_assert_cmpuint (scripted_peer_count_received (f->peer, "r", XMPP_NS_SM), ==, 0);
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "a", XMPP_NS_SM), ==, 0);
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 0);
  g_assert_cmpuint (f->n_acked, ==, 0);
}

/* ------------------------------------------------------------------ */
/* Acks (§4)                                                            */

static void
test_burst_gets_one_request (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr (XmppNode) active = xmpp_node_new ("active", "urn:xmpp:csi:0");

  log_in (f, FEATURE_BIND FEATURE_SM);
  enable (f, ENABLED_ID ("sm-1"));

  /* One main-loop turn: five messages, a CSI nonza among them. */
  send_messages (f, "m1 m2");
  xmpp_client_send_nonza (f->client, active);
  send_messages (f, "m3 m4 m5");
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 5);

  expect_messages (f, "m1 m2");
  scripted_peer_expect (f->peer, "<active xmlns='urn:xmpp:csi:0'/>");
  expect_messages (f, "m3 m4 m5");
  scripted_peer_expect (f->peer, R);
  scripted_peer_send (f->peer, A ("3"));
  /* A second <r/> would arrive here instead of the answer; the server's
   * <r/> is not a stanza, so the client's count stays 0. */
  ack_barrier (f, A ("0"));
  g_assert_cmpuint (f->n_acked, ==, 3);
  g_assert_cmpstr (f->acked->str, ==, "m1 m2 m3");
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 2);

  /* A count below what the server already confirmed confirms nothing. */
  scripted_peer_send (f->peer, A ("2"));
  ack_barrier (f, A ("0"));
  g_assert_true (sm_log_contains ("acknowledged up to 2 after it had confirmed 3"));
  g_assert_cmpstr (f->acked->str, ==, "m1 m2 m3");
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 2);

  scripted_peer_send (f->peer, A ("5"));
  ack_barrier (f, A ("0"));
  g_assert_cmpstr (f->acked->str, ==, "m1 m2 m3 m4 m5");
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 0);
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "r", XMPP_NS_SM), ==, 1);
}

typedef struct
{
  XmppSm  *sm;
  GString *seen; /* the inbound count each handler call saw */
} CountProbe;

static gboolean
count_probe_cb (XmppClient *client,
                XmppNode   *stanza,
                XmppJid    *from,
                gpointer    user_data)
{
  CountProbe *probe = user_data;
  g_autoptr (XmppNode) resume = NULL;

  if (probe->seen->len > 0)
    g_string_append_c (probe->seen, ' ');
  if (!xmpp_sm_can_resume (probe->sm))
    {
      g_string_append_c (probe->seen, '-');
      return FALSE;
    }
  /* <resume h/> carries the inbound count. */
  resume = xmpp_sm_build_resume (probe->sm);
  g_string_append (probe->seen, xmpp_node_get_attr (resume, "h"));

  return FALSE;
}

/* DESIGN.md: a received message is acked only after it was handled. */
static void
test_inbound_counted_after_handlers (Fixture      *f,
                                     gconstpointer data)
{
  g_autoptr (GString) seen = g_string_new (NULL);
  CountProbe probe = { f->sm, seen };

  log_in (f, FEATURE_BIND FEATURE_SM);
  xmpp_client_add_handler (f->client, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 0,
                           count_probe_cb, &probe, NULL);

  /* The server counts from <enabled/> on (§4), so neither does the
   * client before it. */
  g_assert_true (xmpp_sm_enable (f->sm));
  scripted_peer_expect (f->peer, ENABLE);
  send_incoming (f, "early");
  scripted_peer_send (f->peer, ENABLED_ID ("sm-1"));
  send_incoming (f, "in1 in2");
  ack_barrier (f, A ("2"));

  g_assert_cmpstr (seen->str, ==, "- 0 1");
}

static void
test_counters_wrap_modulo_2_32 (Fixture      *f,
                                gconstpointer data)
{
  g_autoptr (XmppNode) resume = NULL;

  log_in (f, FEATURE_BIND FEATURE_SM);
  enable (f, ENABLED_ID ("sm-1"));
  xmpp_sm_set_counters_for_testing (f->sm, G_MAXUINT32 - 1, G_MAXUINT32);

  send_messages (f, "m1 m2 m3");
  expect_messages (f, "m1 m2 m3");
  scripted_peer_expect (f->peer, R);
  scripted_peer_send (f->peer, A ("4294967295"));
  ack_barrier (f, A ("4294967295"));
  g_assert_cmpstr (f->acked->str, ==, "m1");

  /* §4: from 2^32-1 the count goes back to 0. */
  scripted_peer_send (f->peer, A ("1"));
  send_incoming (f, "in1 in2");
  ack_barrier (f, A ("1"));
  g_assert_cmpstr (f->acked->str, ==, "m1 m2 m3");
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 0);

  resume = xmpp_sm_build_resume (f->sm);
  g_assert_cmpstr (xmpp_node_get_attr (resume, "h"), ==, "1");
}

/* A broken or hostile server claims more than was ever sent.  §4: the
 * client ends the stream with <undefined-condition/> and
 * <handled-count-too-high/>; nothing is released as delivered and the
 * session is not resumed. */
static void
test_ack_beyond_sent_ends_stream (Fixture      *f,
                                  gconstpointer data)
{
  log_in (f, FEATURE_BIND FEATURE_SM);
  enable (f, ENABLED_ID ("sm-1"));

  send_messages (f, "m1 m2");
  expect_messages (f, "m1 m2");
  scripted_peer_expect (f->peer, R);
  scripted_peer_send (f->peer, A ("5"));
  scripted_peer_expect (f->peer, "<stream:error><undefined-condition "
                                 "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                                 "<handled-count-too-high xmlns=" NS_SM_Q
                                 " h='5' send-count='2'/></stream:error>");
  scripted_peer_expect_close (f->peer);
  scripted_peer_run (f->peer);
  scripted_peer_run_until (f->peer, &f->disconnected);

  g_assert_error (f->disconnect_error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_PROTOCOL);
  g_assert_cmpstr (f->acked->str, ==, "");
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 2);
  g_assert_false (xmpp_sm_can_resume (f->sm));
  g_assert_false (xmpp_client_is_connected (f->client));
}

/* §4: one <r/> at a time.  Stanzas sent while a request is unanswered
 * wait for its <a/>; the next burst asks again. */
static void
test_one_outstanding_request (Fixture      *f,
                              gconstpointer data)
{
  log_in (f, FEATURE_BIND FEATURE_SM);
  enable (f, ENABLED);

  send_messages (f, "m1");
  expect_messages (f, "m1");
  scripted_peer_expect (f->peer, R);
  scripted_peer_run (f->peer);

  /* Unanswered: more stanzas and the periodic timer ask nothing. */
  send_messages (f, "m2 m3");
  expect_messages (f, "m2 m3");
  scripted_peer_run (f->peer);
  run_for_ms (f, 200);
  xmpp_sm_request_ack (f->sm);
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "r", "urn:xmpp:sm:3"), ==, 1);

  /* The answer frees the next request. */
  scripted_peer_send (f->peer, A ("1"));
  ack_barrier (f, A ("0"));
  g_assert_cmpstr (f->acked->str, ==, "m1");
  send_messages (f, "m4");
  expect_messages (f, "m4");
  scripted_peer_expect (f->peer, R);
  scripted_peer_run (f->peer);
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "r", "urn:xmpp:sm:3"), ==, 2);
}

/* ------------------------------------------------------------------ */
/* Resumption (§5)                                                      */

/* Session 1: m1…m4 sent, m1 acknowledged, two stanzas received; then the
 * connection breaks without a closing tag.  Leaves a new peer behind. */
static void
first_session (Fixture *f)
{
  log_in (f, FEATURE_BIND FEATURE_SM);
  enable (f, ENABLED_ID ("sm-1"));
  send_messages (f, "m1 m2 m3 m4");
  expect_messages (f, "m1 m2 m3 m4");
  scripted_peer_expect (f->peer, R);
  scripted_peer_send (f->peer, A ("1"));
  send_incoming (f, "in1 in2");
  ack_barrier (f, A ("2"));
  g_assert_cmpstr (f->acked->str, ==, "m1");

  scripted_peer_close (f->peer);
  scripted_peer_run_until (f->peer, &f->disconnected);
  g_assert_false (xmpp_sm_is_enabled (f->sm));
  g_assert_true (xmpp_sm_can_resume (f->sm));
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 3);

  drop_connection (f);
  f->peer = scripted_peer_new ();
}

static void
test_resume_instead_of_bind (Fixture      *f,
                             gconstpointer data)
{
  first_session (f);
  script_login (f->peer, FEATURE_BIND FEATURE_SM);
  scripted_peer_expect (f->peer, "<resume xmlns=" NS_SM_Q " h='2' previd='sm-1'/>");
  scripted_peer_send (f->peer, "<resumed xmlns=" NS_SM_Q " h='2' previd='sm-1'/>");
  connect_client (f);

  g_assert_true (xmpp_connector_get_resumed (f->connector));
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_connector_get_bound_jid (f->connector)), ==, FULL);
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "iq", XMPP_NS_CLIENT), ==, 0);
  g_assert_cmpstr (f->acked->str, ==, "m1 m2");

  xmpp_sm_attach (f->sm, f->client);
  g_assert_true (xmpp_sm_is_enabled (f->sm));
  xmpp_sm_resend (f->sm);
  expect_messages (f, "m3 m4");
  scripted_peer_expect (f->peer, R);
  /* Both counters go on from the old stream. */
  scripted_peer_send (f->peer, A ("4"));
  send_incoming (f, "in3");
  ack_barrier (f, A ("3"));
  g_assert_cmpstr (f->acked->str, ==, "m1 m2 m3 m4");
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 0);
}

static char *
ids_of (GPtrArray *stanzas)
{
  g_autoptr (GString) ids = g_string_new (NULL);

  for (guint i = 0; i < stanzas->len; i++)
    {
      if (i > 0)
        g_string_append_c (ids, ' ');
      g_string_append (ids, xmpp_node_get_attr (g_ptr_array_index (stanzas, i), "id"));
    }

  return g_string_free (g_steal_pointer (&ids), FALSE);
}

/* @data: the <failed/> of a session the server no longer has, with or
 * without its count (§5, 1.6: acknowledge up to 'h' before giving up). */
static void
test_resume_failed_binds (Fixture      *f,
                          gconstpointer data)
{
  const char *failed = data;
  gboolean with_h = strstr (failed, " h=") != NULL;
  g_autoptr (GPtrArray) unacked = NULL;
  g_autofree char *unacked_ids = NULL;

  first_session (f);
  script_login (f->peer, FEATURE_BIND FEATURE_SM);
  scripted_peer_expect (f->peer, "<resume xmlns=" NS_SM_Q " h='2' previd='sm-1'/>");
  scripted_peer_send (f->peer, failed);
  script_bind (f->peer);
  connect_client (f);

  g_assert_false (xmpp_connector_get_resumed (f->connector));
  g_assert_false (xmpp_sm_can_resume (f->sm));
  g_assert_cmpstr (f->acked->str, ==, with_h ? "m1 m2 m3" : "m1");
  unacked = xmpp_sm_take_unacked (f->sm);
  unacked_ids = ids_of (unacked);
  g_assert_cmpstr (unacked_ids, ==, with_h ? "m4" : "m2 m3 m4");
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 0);

  /* A new session: both counters start at 0 again. */
  xmpp_sm_attach (f->sm, f->client);
  enable (f, ENABLED_ID ("sm-2"));
  send_messages (f, "m5");
  expect_messages (f, "m5");
  scripted_peer_expect (f->peer, R);
  scripted_peer_send (f->peer, A ("1"));
  send_incoming (f, "in3");
  ack_barrier (f, A ("1"));
  g_assert_cmpstr (f->acked->str, ==, with_h ? "m1 m2 m3 m5" : "m1 m5");
}

/* A server that never answers <resume/>: the attempt ends well before its
 * deadline, resumption is forgotten (the next attempt binds), and what was
 * not acknowledged stays queued. */
static void
test_resume_unanswered_times_out (Fixture      *f,
                                  gconstpointer data)
{
  g_autoptr (XmppJid) jid = xmpp_jid_parse (BARE, NULL);
  XmppConnectorConfig config = {
    .jid = jid,
    .password = PASSWORD,
    .ca_file = scripted_peer_get_ca_file (),
    .resource = "petrel",
    .timeout_seconds = 6,
    .sm = f->sm,
  };
  gint64 started;

  first_session (f);
  script_login (f->peer, FEATURE_BIND FEATURE_SM);
  scripted_peer_expect (f->peer, "<resume xmlns=" NS_SM_Q " h='2' previd='sm-1'/>");

  f->connector = xmpp_connector_new (&config);
  xmpp_connector_set_stream_for_testing (f->connector, scripted_peer_get_client_stream (f->peer));
  started = g_get_monotonic_time ();
  xmpp_connector_connect_async (f->connector, NULL, connect_cb, f);
  scripted_peer_run_until (f->peer, &f->connected);

  g_assert_error (f->error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (f->error->message, "resume"));
  /* A third of the deadline, not all of it. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
  g_assert_false (xmpp_sm_can_resume (f->sm));
  g_assert_cmpuint (xmpp_sm_get_unacked_count (f->sm), ==, 3);
}

/* ------------------------------------------------------------------ */
/* Keepalive                                                            */

/* @data: whether stream management is on (probe <r/>) or not (ping). */
static void
test_keepalive_silent_peer_times_out (Fixture      *f,
                                      gconstpointer data)
{
  gboolean with_sm = GPOINTER_TO_INT (data);
  gint64 start;

  log_in (f, with_sm ? FEATURE_BIND FEATURE_SM : FEATURE_BIND);
  if (with_sm)
    enable (f, ENABLED);
  else
    g_assert_false (xmpp_sm_enable (f->sm));

  start = g_get_monotonic_time ();
  xmpp_client_set_keepalive (f->client, 1, 1);
  scripted_peer_expect (f->peer, with_sm ? R : PING ("*"));
  scripted_peer_run_until (f->peer, &f->disconnected);

  g_assert_error (f->disconnect_error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_TIMEOUT);
  /* One idle second and one for the answer, checked on ticks of about a
   * second (g_timeout_add_seconds() may round by a quarter second). */
  g_assert_cmpint (f->disconnected_at - start, >=, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (f->disconnected_at - start, <=, 9 * G_USEC_PER_SEC / 2);
  /* The bind, and the ping without stream management. */
  g_assert_cmpuint (scripted_peer_count_received (f->peer, "iq", XMPP_NS_CLIENT), ==,
                    with_sm ? 1 : 2);
}

static void
test_keepalive_answered_stays_up (Fixture      *f,
                                  gconstpointer data)
{
  gboolean with_sm = GPOINTER_TO_INT (data);

  log_in (f, with_sm ? FEATURE_BIND FEATURE_SM : FEATURE_BIND);
  if (with_sm)
    enable (f, ENABLED);
  else
    g_assert_false (xmpp_sm_enable (f->sm));

  xmpp_client_set_keepalive (f->client, 1, 1);
  /* The second probe comes at least two seconds after the first: without
   * the answer the connection would be gone by then. */
  for (guint i = 0; i < 2; i++)
    {
      if (with_sm)
        {
          scripted_peer_expect (f->peer, R);
          scripted_peer_send (f->peer, A ("0"));
        }
      else
        {
          scripted_peer_expect (f->peer, PING ("*"));
          scripted_peer_send (f->peer, "<iq type='result' from='localhost' to='" FULL "' id='$id'/>");
        }
    }
  scripted_peer_run (f->peer);

  g_assert_false (f->disconnected);
  g_assert_true (xmpp_client_is_connected (f->client));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *filler = g_strnfill (4000, 'x');
  g_autofree char *long_id = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  sm_log = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (log_writer, NULL, NULL);

#define ADD(name, data) \
  g_test_add ("/sm/" #name, Fixture, data, fixture_set_up, test_##name, fixture_tear_down)

  long_id = g_strdup_printf ("<enabled xmlns=" NS_SM_Q " id='%s' resume='true'/>", filler);
  ADD (enable_after_bind_when_offered, ENABLED_ID ("sm-1"));
  g_test_add ("/sm/enable_without_resumption", Fixture, ENABLED, fixture_set_up,
              test_enable_after_bind_when_offered, fixture_tear_down);
  g_test_add ("/sm/enable_with_4000_byte_id", Fixture, long_id, fixture_set_up,
              test_enable_after_bind_when_offered, fixture_tear_down);
  ADD (sent_while_enabling_requested_after_enabled, NULL);
  ADD (no_enable_when_not_offered, NULL);
  ADD (enable_refused_drops_queue, NULL);
  ADD (burst_gets_one_request, NULL);
  ADD (inbound_counted_after_handlers, NULL);
  ADD (counters_wrap_modulo_2_32, NULL);
  ADD (ack_beyond_sent_ends_stream, NULL);
  ADD (one_outstanding_request, NULL);
  ADD (resume_instead_of_bind, NULL);
  ADD (resume_unanswered_times_out, NULL);
  g_test_add ("/sm/resume_failed_binds", Fixture,
              "<failed xmlns=" NS_SM_Q ">" NOT_FOUND "</failed>",
              fixture_set_up, test_resume_failed_binds, fixture_tear_down);
  g_test_add ("/sm/resume_failed_with_h_acks_first", Fixture,
              "<failed xmlns=" NS_SM_Q " h='3'>" NOT_FOUND "</failed>",
              fixture_set_up, test_resume_failed_binds, fixture_tear_down);
  g_test_add ("/sm/keepalive/sm_probe_times_out", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_keepalive_silent_peer_times_out, fixture_tear_down);
  g_test_add ("/sm/keepalive/ping_probe_times_out", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_keepalive_silent_peer_times_out, fixture_tear_down);
  g_test_add ("/sm/keepalive/answered_sm_probe_stays_up", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_keepalive_answered_stays_up, fixture_tear_down);
  g_test_add ("/sm/keepalive/answered_ping_stays_up", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_keepalive_answered_stays_up, fixture_tear_down);

#undef ADD

  ret = g_test_run ();
  g_ptr_array_unref (sm_log);

  return ret;
}
