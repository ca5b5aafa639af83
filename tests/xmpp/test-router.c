/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for the stanza router of app/xmpp/xmpp-client.c: sender policies
 * (DESIGN.md, "Sender authorization"), handler order, RFC 6120 §8.2.3 and
 * §8.4 for IQs, IQ reply matching, and handlers that change the handler
 * list while a stanza is dispatched.  The client speaks over the scripted
 * peer's in-memory pipe; no login is needed, the test opens the stream
 * itself as the connector would.
 */
#define G_LOG_DOMAIN "test-router"

#include <string.h>

#include "scripted-peer.h"
#include "xmpp-client.h"
#include "xmpp-error.h"

#define OWN_FULL "juliet@localhost/petrel"

#define NS_STZ_Q "'urn:ietf:params:xml:ns:xmpp-stanzas'"

#define ERROR_REPLY(to, id, type, condition)                         \
  "<iq type='error' to='" to "' id='" id "'><error type='" type "'>" \
  "<" condition " xmlns=" NS_STZ_Q "/></error></iq>"

typedef struct
{
  ScriptedPeer *peer;
  XmppStream   *stream;
  XmppClient   *client;
  GString      *calls;    /* names of the handlers that ran, in order */
  GPtrArray    *handlers; /* Handler */
  gboolean      disconnected;
  GError       *disconnect_error;
} Fixture;

typedef struct
{
  gboolean        done;
  XmppReaderEvent event;
  XmppNode       *node;
} ReadResult;

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ReadResult *r = user_data;
  g_autoptr (GError) error = NULL;

  r->event = xmpp_stream_read_finish (XMPP_STREAM (source), result, &r->node, &error);
  g_assert_no_error (error);
  r->done = TRUE;
}

static void
read_event (Fixture        *f,
            XmppReaderEvent expected)
{
  ReadResult r = { 0 };

  xmpp_stream_read_async (f->stream, NULL, read_cb, &r);
  scripted_peer_run_until (f->peer, &r.done);
  g_assert_cmpint (r.event, ==, expected);
  g_clear_pointer (&r.node, xmpp_node_unref);
}

static void
disconnected_cb (XmppClient   *client,
                 const GError *error,
                 gpointer      user_data)
{
  Fixture *f = user_data;

  f->disconnected = TRUE;
  if (error != NULL)
    f->disconnect_error = g_error_copy (error);
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (XmppJid) jid = xmpp_jid_parse (OWN_FULL, NULL);

  f->peer = scripted_peer_new ();
  f->calls = g_string_new (NULL);
  f->handlers = g_ptr_array_new_with_free_func (g_free);
  f->stream = xmpp_stream_new (scripted_peer_get_client_stream (f->peer), NULL);

  /* The part of the connector's work the router relies on: an open stream. */
  xmpp_stream_open (f->stream, "localhost", NULL);
  scripted_peer_expect_open (f->peer, "<stream:stream to='localhost' version='1.0' xml:lang='en'/>");
  scripted_peer_send_open (f->peer, "");
  read_event (f, XMPP_READER_EVENT_STREAM_OPEN);
  read_event (f, XMPP_READER_EVENT_STANZA);
  scripted_peer_run (f->peer);

  f->client = xmpp_client_new (f->stream, jid);
  g_signal_connect (f->client, "disconnected", G_CALLBACK (disconnected_cb), f);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  if (f->client != NULL)
    g_assert_finalize_object (f->client);
  g_clear_object (&f->stream);
  g_clear_pointer (&f->peer, scripted_peer_free);
  g_string_free (f->calls, TRUE);
  g_ptr_array_unref (f->handlers);
  g_clear_error (&f->disconnect_error);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ------------------------------------------------------------------ */
/* Sender policies                                                      */

typedef struct
{
  const char *from; /* NULL: no `from` */
  gboolean    any, own_bare, own_account, server, own_or_server;
} PolicyRow;

static void
test_sender_policies (Fixture      *f,
                      gconstpointer data)
{
  /* clang-format off */
  static const PolicyRow rows[] = {
    /* from                         ANY   BARE   ACCT   SERV   BARE|SERV */
    { NULL,                        TRUE, TRUE,  TRUE,  TRUE,  TRUE },
    { "juliet@localhost",          TRUE, TRUE,  TRUE,  FALSE, TRUE },
    { "JULIET@LocalHost",          TRUE, TRUE,  TRUE,  FALSE, TRUE },
    { "juliet@localhost/petrel",   TRUE, FALSE, TRUE,  FALSE, FALSE },
    { "juliet@localhost/other",    TRUE, FALSE, TRUE,  FALSE, FALSE },
    { "romeo@localhost",           TRUE, FALSE, FALSE, FALSE, FALSE },
    { "romeo@localhost/juliet",    TRUE, FALSE, FALSE, FALSE, FALSE },
    { "localhost",                 TRUE, FALSE, FALSE, TRUE,  TRUE },
    { "localhost/admin",           TRUE, FALSE, FALSE, FALSE, FALSE },
    { "conference.localhost",      TRUE, FALSE, FALSE, FALSE, FALSE },
    { "juliet@evil.example",       TRUE, FALSE, FALSE, FALSE, FALSE },
    { "evil.example",              TRUE, FALSE, FALSE, FALSE, FALSE },
    { "localhost@evil.example",    TRUE, FALSE, FALSE, FALSE, FALSE },
  };
  /* clang-format on */

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const PolicyRow *row = &rows[i];
      g_autoptr (XmppJid) from = NULL;

      if (row->from != NULL)
        {
          g_autoptr (GError) error = NULL;

          from = xmpp_jid_parse (row->from, &error);
          g_assert_no_error (error);
        }

      g_test_message ("from %s", row->from ? row->from : "(none)");
      g_assert_cmpint (xmpp_client_sender_allowed (f->client, from, XMPP_SENDER_ANY), ==,
                       row->any);
      g_assert_cmpint (xmpp_client_sender_allowed (f->client, from, XMPP_SENDER_OWN_BARE), ==,
                       row->own_bare);
      g_assert_cmpint (xmpp_client_sender_allowed (f->client, from, XMPP_SENDER_OWN_ACCOUNT), ==,
                       row->own_account);
      g_assert_cmpint (xmpp_client_sender_allowed (f->client, from, XMPP_SENDER_SERVER), ==,
                       row->server);
      g_assert_cmpint (xmpp_client_sender_allowed (f->client, from, XMPP_SENDER_OWN_OR_SERVER),
                       ==, row->own_or_server);
    }
}

/* ------------------------------------------------------------------ */
/* Handlers                                                             */

typedef struct _Handler
{
  Fixture         *f;
  const char      *name;
  gboolean         stop;      /* return TRUE */
  gboolean         reply;     /* IQ: answer with an empty result */
  guint            remove_id; /* remove this handler when called */
  struct _Handler *add;       /* add this one (priority -100) when called */
  guint            added_id;
  int              destroyed;
} Handler;

typedef enum
{
  STOP = 1 << 0,  /* return TRUE */
  REPLY = 1 << 1, /* IQ: answer with an empty result */
} HandlerFlags;

/* Handlers live until the fixture is torn down, after the client. */
static Handler *
handler_new (Fixture     *f,
             const char  *name,
             HandlerFlags flags)
{
  Handler *h = g_new0 (Handler, 1);

  h->f = f;
  h->name = name;
  h->stop = (flags & STOP) != 0;
  h->reply = (flags & REPLY) != 0;
  g_ptr_array_add (f->handlers, h);

  return h;
}

static gboolean
handler_cb (XmppClient *client,
            XmppNode   *stanza,
            XmppJid    *from,
            gpointer    user_data)
{
  Handler    *h = user_data;
  const char *id = xmpp_node_get_attr (stanza, "id");

  /* The peer's barrier (scripted_peer_sync()) is not part of any test. */
  if (id != NULL && g_str_has_prefix (id, "sync-"))
    return FALSE;

  g_string_append_printf (h->f->calls, "%s%s", h->f->calls->len ? " " : "", h->name);
  if (h->reply)
    {
      g_autoptr (XmppNode) result = xmpp_stanza_make_result (stanza);

      xmpp_client_send (client, result);
    }
  if (h->remove_id != 0)
    xmpp_client_remove_handler (client, h->remove_id);
  if (h->add != NULL)
    {
      h->add->f = h->f;
      h->added_id = xmpp_client_add_handler (client, XMPP_STANZA_MESSAGE, NULL, NULL,
                                             XMPP_SENDER_ANY, -100, handler_cb, h->add, NULL);
      h->add = NULL;
    }

  return h->stop;
}

static void
handler_destroyed (gpointer data)
{
  Handler *h = data;

  h->destroyed++;
}

static guint
add (Fixture         *f,
     Handler         *h,
     XmppStanzaKind   kind,
     const char      *child,
     const char      *ns,
     XmppSenderPolicy policy,
     int              priority)
{
  h->f = f;
  return xmpp_client_add_handler (f->client, kind, child, ns, policy, priority, handler_cb, h,
                                  handler_destroyed);
}

static void
assert_calls (Fixture    *f,
              const char *expected)
{
  g_assert_cmpstr (f->calls->str, ==, expected);
  g_string_truncate (f->calls, 0);
}

/* Lower priority runs first, equal priorities in the order added, and the
 * first handler that returns TRUE ends the dispatch. */
static void
test_handler_priority_order (Fixture      *f,
                             gconstpointer data)
{
  Handler *c = handler_new (f, "c", 0);
  Handler *a = handler_new (f, "a", 0);
  Handler *b1 = handler_new (f, "b1", 0);
  Handler *b2 = handler_new (f, "b2", 0);

  add (f, c, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 10);
  add (f, b1, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 0);
  add (f, a, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, -5);
  add (f, b2, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 0);

  scripted_peer_send (f->peer, "<message from='romeo@localhost/r'><body>1</body></message>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  assert_calls (f, "a b1 b2 c");

  b1->stop = TRUE;
  scripted_peer_send (f->peer, "<message from='romeo@localhost/r'><body>2</body></message>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  assert_calls (f, "a b1");
}

/* An IQ handler that answers stops the dispatch: exactly one reply. */
static void
test_iq_handler_answers_once (Fixture      *f,
                              gconstpointer data)
{
  Handler *first = handler_new (f, "first", STOP | REPLY);
  Handler *second = handler_new (f, "second", STOP | REPLY);

  add (f, first, XMPP_STANZA_IQ_GET, "query", "urn:x:test", XMPP_SENDER_ANY, 0);
  add (f, second, XMPP_STANZA_IQ_GET, "query", "urn:x:test", XMPP_SENDER_ANY, 1);

  scripted_peer_send (f->peer, "<iq type='get' from='romeo@localhost/r' id='q1'>"
                               "<query xmlns='urn:x:test'/></iq>");
  scripted_peer_expect (f->peer, "<iq type='result' to='romeo@localhost/r' id='q1'/>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  assert_calls (f, "first");
}

/* RFC 6120 §8.4: handlers that decline leave the IQ to the router. */
static void
test_declined_iq_gets_service_unavailable (Fixture      *f,
                                           gconstpointer data)
{
  Handler *h = handler_new (f, "h", 0);

  add (f, h, XMPP_STANZA_IQ_SET, "query", "urn:x:test", XMPP_SENDER_ANY, 0);

  scripted_peer_send (f->peer, "<iq type='set' from='romeo@localhost/r' id='s1'>"
                               "<query xmlns='urn:x:test'/></iq>");
  scripted_peer_expect (f->peer, ERROR_REPLY ("romeo@localhost/r", "s1", "cancel",
                                              "service-unavailable"));
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  assert_calls (f, "h");
}

/* A handler sees only its kind and payload. */
static void
test_handler_matches_kind_and_payload (Fixture      *f,
                                       gconstpointer data)
{
  Handler *get = handler_new (f, "get", STOP | REPLY);
  Handler *body = handler_new (f, "body", 0);
  Handler *presence = handler_new (f, "presence", 0);

  add (f, get, XMPP_STANZA_IQ_GET, "query", "urn:x:test", XMPP_SENDER_ANY, 0);
  add (f, body, XMPP_STANZA_MESSAGE, "body", XMPP_NS_CLIENT, XMPP_SENDER_ANY, 0);
  add (f, presence, XMPP_STANZA_PRESENCE, NULL, NULL, XMPP_SENDER_ANY, 0);

  /* A set, and a get of another namespace, are not the get handler's. */
  scripted_peer_send (f->peer, "<iq type='set' from='romeo@localhost/r' id='k1'>"
                               "<query xmlns='urn:x:test'/></iq>");
  scripted_peer_expect (f->peer, ERROR_REPLY ("romeo@localhost/r", "k1", "cancel",
                                              "service-unavailable"));
  scripted_peer_send (f->peer, "<iq type='get' from='romeo@localhost/r' id='k2'>"
                               "<query xmlns='urn:x:other'/></iq>");
  scripted_peer_expect (f->peer, ERROR_REPLY ("romeo@localhost/r", "k2", "cancel",
                                              "service-unavailable"));
  /* For messages the payload may be any child. */
  scripted_peer_send (f->peer, "<message from='romeo@localhost/r'><thread>t</thread>"
                               "<body>hi</body></message>");
  scripted_peer_send (f->peer, "<message from='romeo@localhost/r'><subject>s</subject></message>");
  scripted_peer_send (f->peer, "<presence from='romeo@localhost/r'/>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  assert_calls (f, "body presence");
}

/* RFC 6120 §8.2.3: a get or set carries exactly one payload. */
static void
test_iq_payload_count_is_bad_request (Fixture      *f,
                                      gconstpointer data)
{
  Handler *any = handler_new (f, "any", STOP | REPLY);

  add (f, any, XMPP_STANZA_IQ_GET, NULL, NULL, XMPP_SENDER_ANY, 0);

  scripted_peer_send (f->peer, "<iq type='get' from='romeo@localhost/r' id='p0'/>");
  scripted_peer_expect (f->peer, ERROR_REPLY ("romeo@localhost/r", "p0", "modify", "bad-request"));
  scripted_peer_send (f->peer, "<iq type='get' from='romeo@localhost/r' id='p2'>"
                               "<query xmlns='urn:x:a'/><query xmlns='urn:x:b'/></iq>");
  scripted_peer_expect (f->peer, ERROR_REPLY ("romeo@localhost/r", "p2", "modify", "bad-request"));
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  assert_calls (f, "");
}

static void
test_iq_invalid_type_is_bad_request (Fixture      *f,
                                     gconstpointer data)
{
  Handler *get = handler_new (f, "get", STOP | REPLY);
  Handler *set = handler_new (f, "set", STOP | REPLY);

  add (f, get, XMPP_STANZA_IQ_GET, NULL, NULL, XMPP_SENDER_ANY, 0);
  add (f, set, XMPP_STANZA_IQ_SET, NULL, NULL, XMPP_SENDER_ANY, 0);

  scripted_peer_send (f->peer, "<iq type='fetch' from='romeo@localhost/r' id='t1'>"
                               "<query xmlns='urn:x:test'/></iq>");
  scripted_peer_expect (f->peer, "<iq type='error' to='romeo@localhost/r' id='t1'>"
                                 "<error type='modify'><bad-request xmlns=" NS_STZ_Q "/>"
                                 "</error></iq>");
  scripted_peer_send (f->peer, "<iq from='romeo@localhost/r' id='t2'>"
                               "<query xmlns='urn:x:test'/></iq>");
  scripted_peer_expect (f->peer, ERROR_REPLY ("romeo@localhost/r", "t2", "modify", "bad-request"));
  /* Results and errors nobody asked for are never answered (no loops). */
  scripted_peer_send (f->peer, "<iq type='result' from='romeo@localhost/r' id='t3'/>");
  scripted_peer_send (f->peer, "<iq type='error' from='romeo@localhost/r' id='t4'>"
                               "<error type='cancel'><bad-request xmlns=" NS_STZ_Q "/></error></iq>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  assert_calls (f, "");
}

/* The check runs before the handler: a stranger's IQ is answered with an
 * error and never reaches it; a message just skips that handler. */
static void
test_unauthorised_sender_never_reaches_handler (Fixture      *f,
                                                gconstpointer data)
{
  Handler *own_iq = handler_new (f, "own_iq", STOP | REPLY);
  Handler *own_msg = handler_new (f, "own_msg", 0);
  Handler *any_msg = handler_new (f, "any_msg", 0);

  add (f, own_iq, XMPP_STANZA_IQ_SET, "query", "urn:x:private", XMPP_SENDER_OWN_BARE, 0);
  add (f, own_msg, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_OWN_BARE, 0);
  add (f, any_msg, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 1);

  scripted_peer_send (f->peer, "<iq type='set' from='mallory@evil.example/x' id='m1'>"
                               "<query xmlns='urn:x:private'/></iq>");
  scripted_peer_expect (f->peer, ERROR_REPLY ("mallory@evil.example/x", "m1", "cancel",
                                              "service-unavailable"));
  scripted_peer_send (f->peer, "<message from='mallory@evil.example/x'><body>x</body></message>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  assert_calls (f, "any_msg");

  scripted_peer_send (f->peer, "<iq type='set' from='juliet@localhost' id='m2'>"
                               "<query xmlns='urn:x:private'/></iq>");
  scripted_peer_expect (f->peer, "<iq type='result' to='juliet@localhost' id='m2'/>");
  scripted_peer_send (f->peer, "<message><body>x</body></message>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  assert_calls (f, "own_iq own_msg any_msg");
}

/* A `from` that is not a JID cannot satisfy any policy and gets no reply
 * (there is nobody to address it to). */
static void
test_invalid_sender_is_dropped (Fixture      *f,
                                gconstpointer data)
{
  Handler *any_msg = handler_new (f, "any_msg", 0);
  Handler *any_iq = handler_new (f, "any_iq", STOP | REPLY);

  add (f, any_msg, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 0);
  add (f, any_iq, XMPP_STANZA_IQ_GET, NULL, NULL, XMPP_SENDER_ANY, 0);

  scripted_peer_send (f->peer, "<message from='a@b@c'><body>x</body></message>");
  scripted_peer_send (f->peer, "<iq type='get' from='@localhost' id='i1'>"
                               "<query xmlns='urn:x:test'/></iq>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  assert_calls (f, "");
}

/* A handler removed by an earlier one during the same dispatch does not
 * run (and is freed once); a handler may remove itself; one added during a
 * dispatch waits for the next stanza. */
static void
test_handler_removed_during_dispatch (Fixture      *f,
                                      gconstpointer data)
{
  Handler *remover = handler_new (f, "remover", 0);
  Handler *victim = handler_new (f, "victim", 0);
  Handler *self_remover = handler_new (f, "self", 0);
  Handler *added = handler_new (f, "added", 0);
  Handler *adder = handler_new (f, "adder", 0);

  add (f, remover, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 0);
  remover->remove_id = add (f, victim, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 10);
  self_remover->remove_id = add (f, self_remover, XMPP_STANZA_MESSAGE, NULL, NULL,
                                 XMPP_SENDER_ANY, 5);
  add (f, adder, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 20);
  adder->add = added;

  scripted_peer_send (f->peer, "<message from='romeo@localhost/r'><body>1</body></message>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  assert_calls (f, "remover self adder");
  g_assert_cmpint (victim->destroyed, ==, 1);
  g_assert_cmpint (self_remover->destroyed, ==, 1);
  g_assert_cmpuint (adder->added_id, !=, 0);

  /* The one added during the dispatch runs first now (priority -100). */
  remover->remove_id = 0;
  scripted_peer_send (f->peer, "<message from='romeo@localhost/r'><body>2</body></message>");
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  assert_calls (f, "added remover adder");

  xmpp_client_remove_handler (f->client, adder->added_id);
  g_assert_cmpint (remover->destroyed, ==, 0);
  g_assert_finalize_object (f->client);
  f->client = NULL;
  g_assert_cmpint (remover->destroyed, ==, 1);
  g_assert_cmpint (adder->destroyed, ==, 1);
  g_assert_cmpint (victim->destroyed, ==, 1);
}

/* ------------------------------------------------------------------ */
/* IQ replies                                                           */

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

static void
iq_result_clear (IqResult *r)
{
  g_clear_pointer (&r->reply, xmpp_node_unref);
  g_clear_error (&r->error);
  r->done = FALSE;
}

/* Sends a get to @to (NULL: the account) and returns the id on the wire. */
static char *
send_get (Fixture    *f,
          const char *to,
          IqResult   *r)
{
  g_autoptr (XmppNode) iq = NULL;
  g_autofree char *pattern = NULL;

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                        XMPP_BUILD_ATTR, "type", "get",
                        XMPP_BUILD_ATTR, "to", to,
                        XMPP_BUILD_CHILD, "query", "urn:x:test",
                        XMPP_BUILD_END);
  xmpp_client_send_iq_async (f->client, iq, 0, NULL, iq_cb, r);
  if (to != NULL)
    pattern = g_strdup_printf ("<iq type='get' to='%s' id='*'><query xmlns='urn:x:test'/></iq>",
                               to);
  else
    pattern = g_strdup ("<iq type='get' id='*'><query xmlns='urn:x:test'/></iq>");
  scripted_peer_expect (f->peer, pattern);
  scripted_peer_run (f->peer);

  return g_strdup (scripted_peer_get_last_id (f->peer));
}

static void
send_result (Fixture    *f,
             const char *from,
             const char *id)
{
  g_autofree char *xml = NULL;

  if (from != NULL)
    xml = g_strdup_printf ("<iq type='result' from='%s' id='%s'/>", from, id);
  else
    xml = g_strdup_printf ("<iq type='result' id='%s'/>", id);
  scripted_peer_send (f->peer, xml);
}

/* Asserts that the replies from @wrong are dropped and @right's is taken. */
static void
check_reply_senders (Fixture           *f,
                     const char        *to,
                     const char *const *wrong,
                     const char        *right)
{
  g_autofree char *id = NULL;
  IqResult         r = { 0 };

  id = send_get (f, to, &r);
  for (guint i = 0; wrong[i] != NULL; i++)
    send_result (f, *wrong[i] ? wrong[i] : NULL, id);
  scripted_peer_sync (f->peer);
  scripted_peer_run (f->peer);
  g_assert_false (r.done);

  send_result (f, *right ? right : NULL, id);
  scripted_peer_run_until (f->peer, &r.done);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.reply);
  iq_result_clear (&r);
}

/* SECURITY.md: a reply counts only from the entity the request went to. */
static void
test_iq_reply_from_wrong_entity_is_dropped (Fixture      *f,
                                            gconstpointer data)
{
  const char *const wrong_for_bob[] = {
    "mallory@evil.example/x", "bob@example.com", "bob@example.com/other", "example.com",
    "juliet@localhost", "", NULL
  };
  const char *const wrong_for_server[] = {
    "localhost.evil.example", "juliet@localhost", "", NULL
  };

  check_reply_senders (f, "bob@example.com/r", wrong_for_bob, "bob@example.com/r");
  /* The same JID, written differently, is the same entity (RFC 7622). */
  check_reply_senders (f, "bob@example.com/r", wrong_for_bob, "BOB@Example.COM/r");
  check_reply_senders (f, "localhost", wrong_for_server, "localhost");
}

/* RFC 6120 §8.1.2.1, §10.3.3: a request to the account itself is answered
 * with no `from`, the bare JID, our full JID or the server; not by another
 * resource or another account. */
static void
test_iq_reply_to_own_account (Fixture      *f,
                              gconstpointer data)
{
  const char *const wrong[] = {
    "juliet@localhost/other", "romeo@localhost", "evil.example", NULL
  };

  check_reply_senders (f, NULL, wrong, "");
  check_reply_senders (f, NULL, wrong, "juliet@localhost");
  check_reply_senders (f, NULL, wrong, OWN_FULL);
  check_reply_senders (f, NULL, wrong, "localhost");
  check_reply_senders (f, "juliet@localhost", wrong, "");
}

static void
test_iq_error_reply (Fixture      *f,
                     gconstpointer data)
{
  g_autofree char *id = NULL;
  g_autofree char *xml = NULL;
  IqResult         r = { 0 };

  id = send_get (f, "bob@example.com/r", &r);
  xml = g_strdup_printf ("<iq type='error' from='bob@example.com/r' id='%s'>"
                         "<error type='cancel'><item-not-found xmlns=" NS_STZ_Q "/></error></iq>",
                         id);
  scripted_peer_send (f->peer, xml);
  scripted_peer_run_until (f->peer, &r.done);
  g_assert_error (r.error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
  g_assert_null (r.reply);
  iq_result_clear (&r);
}

/* A dead connection fails what is pending, once, with the reason. */
static void
test_disconnect_fails_pending_iq (Fixture      *f,
                                  gconstpointer data)
{
  g_autoptr (XmppNode) iq = NULL;
  g_autofree char *id = NULL;
  IqResult         r = { 0 };

  id = send_get (f, "bob@example.com/r", &r);
  scripted_peer_close (f->peer);
  scripted_peer_run_until (f->peer, &r.done);
  g_assert_error (r.error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED);
  g_assert_true (f->disconnected);
  g_assert_error (f->disconnect_error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED);
  g_assert_false (xmpp_client_is_connected (f->client));
  iq_result_clear (&r);

  /* Requests after the end fail at once. */
  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                        XMPP_BUILD_ATTR, "type", "get",
                        XMPP_BUILD_CHILD, "ping", "urn:xmpp:ping",
                        XMPP_BUILD_END);
  xmpp_client_send_iq_async (f->client, iq, 0, NULL, iq_cb, &r);
  scripted_peer_run_until (f->peer, &r.done);
  g_assert_error (r.error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED);
  iq_result_clear (&r);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name) \
  g_test_add ("/router/" #name, Fixture, NULL, fixture_set_up, test_##name, fixture_tear_down)

  ADD (sender_policies);
  ADD (handler_priority_order);
  ADD (iq_handler_answers_once);
  ADD (declined_iq_gets_service_unavailable);
  ADD (handler_matches_kind_and_payload);
  ADD (iq_payload_count_is_bad_request);
  ADD (iq_invalid_type_is_bad_request);
  ADD (unauthorised_sender_never_reaches_handler);
  ADD (invalid_sender_is_dropped);
  ADD (handler_removed_during_dispatch);
  ADD (iq_reply_from_wrong_entity_is_dropped);
  ADD (iq_reply_to_own_account);
  ADD (iq_error_reply);
  ADD (disconnect_fails_pending_iq);

#undef ADD

  return g_test_run ();
}
