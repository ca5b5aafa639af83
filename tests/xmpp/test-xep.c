/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Draft: XEP-0199 ping, XEP-0092 version, RFC 6121 roster against a scripted peer. */
#include <string.h>
#include "xep-0030-disco.h"
#include "xep-0115-caps.h"
#include "xep-0199-ping.h"
#include "xep-0092-version.h"
#include "xmpp-roster.h"
#include "xmpp-client.h"
#include "xmpp-error.h"

#include "socket-peer.h"

static void
persist_cb (XmppCapsCache *cache, const char *hash, const char *ver, const char * const *features, gpointer user_data)
{
}
/* The presence watcher and the responders, against a scripted peer */

#define OWN_JID "juliet@example.org/balcony"

typedef struct {
  SocketPeer *peer;
  XmppClient *client; /* socket_peer_get_client (peer) */
  XmppCapsCache *cache;
  GPtrArray *persisted;
  guint sync_serial;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->peer = socket_peer_new (OWN_JID);
  f->client = socket_peer_get_client (f->peer);

  f->cache = xmpp_caps_cache_new ();
  f->persisted = g_ptr_array_new_with_free_func (g_free);
  xmpp_caps_cache_set_persist_func (f->cache, persist_cb, f->persisted, NULL);

  xmpp_ping_attach (f->client);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  f->client = NULL;
  g_clear_pointer (&f->peer, socket_peer_free);
  g_assert_finalize_object (f->cache);
  g_clear_pointer (&f->persisted, g_ptr_array_unref);
}

typedef struct { gboolean done; gboolean ok; GError *error; GPtrArray *items; char *ver; gboolean unchanged; } Result;

static void ping_done (GObject *s, GAsyncResult *r, gpointer d)
{ Result *res = d; res->ok = xmpp_ping_finish (XMPP_CLIENT (s), r, &res->error); res->done = TRUE; }
static void set_done (GObject *s, GAsyncResult *r, gpointer d)
{ Result *res = d; res->ok = xmpp_roster_set_finish (XMPP_CLIENT (s), r, &res->error); res->done = TRUE; }
static void remove_done (GObject *s, GAsyncResult *r, gpointer d)
{ Result *res = d; res->ok = xmpp_roster_remove_finish (XMPP_CLIENT (s), r, &res->error); res->done = TRUE; }
static void get_done (GObject *s, GAsyncResult *r, gpointer d)
{ Result *res = d; res->items = xmpp_roster_get_finish (XMPP_CLIENT (s), r, &res->ver, &res->unchanged, &res->error); res->done = TRUE; }
static void wait_done (Result *r) { while (!r->done) g_main_context_iteration (NULL, TRUE); }

static void
do_ping (Fixture *f, const char *to, const char *expect_to, const char *reply_fmt, gboolean expect_ok, int expect_code)
{
  g_autoptr (XmppJid) jid = to ? xmpp_jid_parse (to, NULL) : NULL;
  g_autoptr (XmppNode) iq = NULL;
  Result r = { 0 };
  xmpp_ping_async (f->client, jid, NULL, ping_done, &r);
  iq = socket_peer_read (f->peer);
  g_assert_cmpstr (xmpp_node_get_attr (iq, "to"), ==, expect_to);
  g_assert_nonnull (xmpp_node_get_child (iq, "ping", XMPP_NS_PING));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  socket_peer_sendf (f->peer, reply_fmt, xmpp_node_get_attr (iq, "id"), expect_to);
#pragma GCC diagnostic pop
  wait_done (&r);
  g_assert_cmpint (r.ok, ==, expect_ok);
  if (!expect_ok) g_assert_error (r.error, XMPP_STANZA_ERROR, expect_code);
  else g_assert_no_error (r.error);
  g_clear_error (&r.error);
}

#define ERR(cond) "<iq type='error' id='%s' from='%s'><ping xmlns='urn:xmpp:ping'/><error type='cancel'><" cond " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"

static void
test_ping (Fixture *f, gconstpointer d)
{
  g_autoptr (XmppNode) reply = NULL;
  socket_peer_send (f->peer, "<iq type='get' id='p1' from='stranger@evil.example/x'><ping xmlns='urn:xmpp:ping'/></iq>");
  reply = socket_peer_read (f->peer);
  g_assert_cmpstr (xmpp_node_get_attr (reply, "type"), ==, "result");
  g_assert_cmpstr (xmpp_node_get_attr (reply, "to"), ==, "stranger@evil.example/x");
  g_assert_cmpuint (xmpp_node_get_n_children (reply), ==, 0);
  g_assert_true (g_strv_contains (xmpp_client_get_features (f->client), XMPP_NS_PING));

  do_ping (f, NULL, "example.org", "<iq type='result' id='%s' from='%s'/>", TRUE, 0);
  do_ping (f, NULL, "example.org", ERR ("service-unavailable"), TRUE, 0);
  do_ping (f, "remote.example", "remote.example", ERR ("remote-server-not-found"), FALSE, XMPP_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND);
  do_ping (f, "romeo@montague.lit/orchard", "romeo@montague.lit/orchard", ERR ("service-unavailable"), FALSE, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  do_ping (f, "romeo@montague.lit/orchard", "romeo@montague.lit/orchard", ERR ("feature-not-implemented"), TRUE, 0);
  do_ping (f, "romeo@montague.lit/orchard", "romeo@montague.lit/orchard", "<iq type='result' id='%s' from='%s'/>", TRUE, 0);

  /* detach: router answers service-unavailable */
  xmpp_ping_detach (f->client);
  g_clear_pointer (&reply, xmpp_node_unref);
  socket_peer_send (f->peer, "<iq type='get' id='p2' from='stranger@evil.example/x'><ping xmlns='urn:xmpp:ping'/></iq>");
  reply = socket_peer_read (f->peer);
  g_assert_cmpstr (xmpp_node_get_attr (reply, "type"), ==, "error");
  xmpp_ping_attach (f->client);
}

static void
test_version (Fixture *f, gconstpointer d)
{
  g_autoptr (XmppNode) reply = NULL;
  XmppNode *q;
  socket_peer_send (f->peer, "<iq type='get' id='v1' from='stranger@evil.example/x'><query xmlns='jabber:iq:version'/></iq>");
  reply = socket_peer_read (f->peer);
  g_assert_cmpstr (xmpp_node_get_attr (reply, "type"), ==, "error");
  g_clear_pointer (&reply, xmpp_node_unref);

  xmpp_version_attach (f->client, "Petrel", "0.1.0", NULL);
  socket_peer_send (f->peer, "<iq type='get' id='v2' from='stranger@evil.example/x'><query xmlns='jabber:iq:version'/></iq>");
  reply = socket_peer_read (f->peer);
  { g_autofree char *s = xmpp_node_to_string (reply); g_test_message ("%s", s); }
  g_assert_cmpstr (xmpp_node_get_attr (reply, "type"), ==, "result");
  q = xmpp_node_get_child (reply, "query", XMPP_NS_VERSION);
  g_assert_cmpstr (xmpp_node_get_child_text (q, "name", XMPP_NS_VERSION), ==, "Petrel");
  g_assert_cmpstr (xmpp_node_get_child_text (q, "version", XMPP_NS_VERSION), ==, "0.1.0");
  g_assert_null (xmpp_node_get_child (q, "os", NULL));
  g_clear_pointer (&reply, xmpp_node_unref);

  xmpp_version_attach (f->client, "Petrel", "0.1.0", "Linux");
  socket_peer_send (f->peer, "<iq type='get' id='v3' from='stranger@evil.example/x'><query xmlns='jabber:iq:version'/></iq>");
  reply = socket_peer_read (f->peer);
  q = xmpp_node_get_child (reply, "query", XMPP_NS_VERSION);
  g_assert_cmpstr (xmpp_node_get_child_text (q, "os", XMPP_NS_VERSION), ==, "Linux");
  g_clear_pointer (&reply, xmpp_node_unref);
  xmpp_version_detach (f->client);
  socket_peer_send (f->peer, "<iq type='get' id='v4' from='stranger@evil.example/x'><query xmlns='jabber:iq:version'/></iq>");
  reply = socket_peer_read (f->peer);
  g_assert_cmpstr (xmpp_node_get_attr (reply, "type"), ==, "error");
}

static void
test_roster_get (Fixture *f, gconstpointer d)
{
  g_autoptr (XmppNode) iq = NULL;
  Result r = { 0 };
  XmppRosterItem *item;

  xmpp_roster_get_async (f->client, "", NULL, get_done, &r);
  iq = socket_peer_read (f->peer);
  { g_autofree char *s = xmpp_node_to_string (iq); g_test_message ("%s", s); }
  g_assert_null (xmpp_node_get_attr (iq, "to"));
  g_assert_cmpstr (xmpp_node_get_attr (xmpp_node_get_child (iq, "query", XMPP_NS_ROSTER), "ver"), ==, "");
  socket_peer_sendf (f->peer, "<iq type='result' id='%s'><query xmlns='jabber:iq:roster' ver='v7'>"
                     "<item jid='nurse@example.com' name='Nurse' subscription='both'><group>Servants</group><group>Servants</group><group></group></item>"
                     "<item jid='bad@@x'/>"
                     "<item jid='romeo@example.net' subscription='weird'/>"
                     "<item jid='nurse@example.com'/>"
                     "<item jid='gone@example.net' subscription='remove'/>"
                     "<item jid='tybalt@example.net' ask='subscribe' approved='true'/>"
                     "<item/>"
                     "</query></iq>", xmpp_node_get_attr (iq, "id"));
  wait_done (&r);
  g_assert_no_error (r.error);
  g_assert_false (r.unchanged);
  g_assert_cmpstr (r.ver, ==, "v7");
  g_assert_cmpuint (r.items->len, ==, 2);
  item = g_ptr_array_index (r.items, 0);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_roster_item_get_jid (item)), ==, "nurse@example.com");
  g_assert_cmpstr (xmpp_roster_item_get_name (item), ==, "Nurse");
  g_assert_cmpint (xmpp_roster_item_get_subscription (item), ==, XMPP_ROSTER_SUBSCRIPTION_BOTH);
  g_assert_cmpuint (g_strv_length ((char **) xmpp_roster_item_get_groups (item)), ==, 1);
  item = g_ptr_array_index (r.items, 1);
  g_assert_true (xmpp_roster_item_get_ask (item));
  g_assert_true (xmpp_roster_item_get_approved (item));
  g_assert_cmpint (xmpp_roster_item_get_subscription (item), ==, XMPP_ROSTER_SUBSCRIPTION_NONE);
  g_ptr_array_unref (r.items);
  g_free (r.ver);

  /* unchanged */
  memset (&r, 0, sizeof r);
  g_clear_pointer (&iq, xmpp_node_unref);
  xmpp_roster_get_async (f->client, "v7", NULL, get_done, &r);
  iq = socket_peer_read (f->peer);
  socket_peer_sendf (f->peer, "<iq type='result' id='%s' from='juliet@example.org'/>", xmpp_node_get_attr (iq, "id"));
  wait_done (&r);
  g_assert_no_error (r.error);
  g_assert_true (r.unchanged);
  g_assert_null (r.ver);
  g_assert_cmpuint (r.items->len, ==, 0);
  g_ptr_array_unref (r.items);
}

static void
test_roster_set (Fixture *f, gconstpointer d)
{
  g_autoptr (XmppNode) iq = NULL;
  g_autoptr (XmppJid) nurse = xmpp_jid_parse ("nurse@example.com", NULL);
  const char * const groups[] = { "Servants", "Servants", "Friends", NULL };
  const char * const bad_groups[] = { "", NULL };
  Result r = { 0 };
  g_autofree char *s = NULL;

  xmpp_roster_set_async (f->client, nurse, "Nurse", groups, NULL, set_done, &r);
  iq = socket_peer_read (f->peer);
  s = xmpp_node_to_string (iq);
  g_test_message ("%s", s);
  g_assert_nonnull (strstr (s, "<item jid=\"nurse@example.com\" name=\"Nurse\"><group>Servants</group><group>Friends</group></item>") ?: strstr (s, "<item jid='nurse@example.com' name='Nurse'><group>Servants</group><group>Friends</group></item>"));
  socket_peer_sendf (f->peer, "<iq type='result' id='%s'/>", xmpp_node_get_attr (iq, "id"));
  wait_done (&r);
  g_assert_true (r.ok);

  memset (&r, 0, sizeof r);
  xmpp_roster_set_async (f->client, nurse, NULL, bad_groups, NULL, set_done, &r);
  wait_done (&r);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&r.error);

  memset (&r, 0, sizeof r);
  g_clear_pointer (&iq, xmpp_node_unref);
  g_clear_pointer (&s, g_free);
  xmpp_roster_remove_async (f->client, nurse, NULL, remove_done, &r);
  iq = socket_peer_read (f->peer);
  s = xmpp_node_to_string (iq);
  g_test_message ("%s", s);
  g_assert_nonnull (strstr (s, "subscription"));
  socket_peer_sendf (f->peer, "<iq type='error' id='%s'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>", xmpp_node_get_attr (iq, "id"));
  wait_done (&r);
  g_assert_error (r.error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
  g_clear_error (&r.error);
}

static void
push_cb (XmppClient *client, XmppRosterItem *item, const char *ver, gpointer data)
{
  GPtrArray *pushes = data;
  g_ptr_array_add (pushes, g_strdup_printf ("%s %d %s", xmpp_jid_to_string (xmpp_roster_item_get_jid (item)),
                                            xmpp_roster_item_get_subscription (item), ver ? ver : "-"));
}

static void
expect_reply (Fixture *f, const char *id, const char *type)
{
  g_autoptr (XmppNode) reply = socket_peer_read (f->peer);
  g_assert_cmpstr (xmpp_node_get_attr (reply, "id"), ==, id);
  g_assert_cmpstr (xmpp_node_get_attr (reply, "type"), ==, type);
}

static void
test_roster_push (Fixture *f, gconstpointer d)
{
  GPtrArray *pushes = g_ptr_array_new_with_free_func (g_free);
  xmpp_roster_attach (f->client, push_cb, pushes, (GDestroyNotify) g_ptr_array_unref);

  /* CVE-2015-8688 class */
  socket_peer_send (f->peer, "<iq type='set' id='r1' from='mallory@evil.example/x'><query xmlns='jabber:iq:roster'><item jid='mallory@evil.example' subscription='both'/></query></iq>");
  expect_reply (f, "r1", "error");
  socket_peer_send (f->peer, "<iq type='set' id='r2' from='juliet@example.org/other'><query xmlns='jabber:iq:roster'><item jid='mallory@evil.example' subscription='both'/></query></iq>");
  expect_reply (f, "r2", "error");
  socket_peer_send (f->peer, "<iq type='set' id='r3' from='example.org'><query xmlns='jabber:iq:roster'><item jid='mallory@evil.example' subscription='both'/></query></iq>");
  expect_reply (f, "r3", "error");
  g_assert_cmpuint (pushes->len, ==, 0);

  socket_peer_send (f->peer, "<iq type='set' id='r4'><query xmlns='jabber:iq:roster' ver='v8'><item jid='nurse@example.com' subscription='to'/></query></iq>");
  expect_reply (f, "r4", "result");
  socket_peer_send (f->peer, "<iq type='set' id='r5' from='juliet@example.org'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com' subscription='remove'/></query></iq>");
  expect_reply (f, "r5", "result");
  socket_peer_send (f->peer, "<iq type='set' id='r6'><query xmlns='jabber:iq:roster'><item jid='a@example.com'/><item jid='b@example.com'/></query></iq>");
  expect_reply (f, "r6", "error");
  socket_peer_send (f->peer, "<iq type='set' id='r7'><query xmlns='jabber:iq:roster'><item jid='a@@b'/></query></iq>");
  expect_reply (f, "r7", "error");
  socket_peer_send (f->peer, "<iq type='set' id='r8'><query xmlns='jabber:iq:roster'/></iq>");
  expect_reply (f, "r8", "error");
  g_assert_cmpuint (pushes->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (pushes, 0), ==, "nurse@example.com 1 v8");
  g_assert_cmpstr (g_ptr_array_index (pushes, 1), ==, "nurse@example.com 4 -");
  xmpp_roster_detach (f->client);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/misc/ping", test_ping);
  ADD ("/misc/version", test_version);
  ADD ("/misc/roster/get", test_roster_get);
  ADD ("/misc/roster/set", test_roster_set);
  ADD ("/misc/roster/push", test_roster_push);
  return g_test_run ();
}
