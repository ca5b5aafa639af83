/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for the delivery XEPs of "Never lose a message": XEP-0359 stanza
 * ids, XEP-0184 receipts, XEP-0333 markers, XEP-0280 carbons, XEP-0313
 * archive queries with XEP-0059 paging, and XEP-0352 client state.  The
 * client talks to a scripted peer over a socketpair: the test writes the
 * server's stanzas and compares what the client sends as exact XML.
 *
 * Tests named after an attack (test_carbon_from_stranger_is_dropped, …)
 * send the forged stanza, then a ping as a barrier: once the pong is back,
 * the forged stanza has been routed, and the test checks that neither the
 * module's callback nor a catch-all handler behind it saw anything.
 */
#define G_LOG_DOMAIN "test-delivery-xeps"

#include <string.h>

#include "xep-0059-rsm.h"
#include "xep-0184-receipts.h"
#include "xep-0199-ping.h"
#include "xep-0280-carbons.h"
#include "xep-0313-mam.h"
#include "xep-0333-markers.h"
#include "xep-0352-csi.h"
#include "xep-0359-sid.h"
#include "xmpp-client.h"
#include "xmpp-error.h"
#include "xmpp-message.h"

#include "socket-peer.h"

#define OWN_JID "juliet@example.org/balcony"

typedef struct
{
  SocketPeer *peer;
  XmppClient *client; /* socket_peer_get_client (peer) */
  guint sync_serial;

  /* Messages that got past every handler under test. */
  guint unhandled;

  /* What the callbacks saw, one line per call. */
  GPtrArray *calls;
} Fixture;

/* The scripted peer */

/* Pings the client and waits for the pong: everything sent before has
 * been routed, and the pong is the next thing the client sent. */
static void
peer_sync (Fixture *f)
{
  g_autofree char *id = g_strdup_printf ("sync%u", ++f->sync_serial);
  g_autoptr (XmppNode) pong = NULL;

  socket_peer_sendf (f->peer, "<iq type='get' id='%s' from='example.org'><ping xmlns='urn:xmpp:ping'/></iq>", id);
  pong = socket_peer_read (f->peer);
  g_assert_true (xmpp_node_is (pong, "iq", XMPP_NS_CLIENT));
  g_assert_cmpstr (xmpp_node_get_attr (pong, "id"), ==, id);
  g_assert_cmpstr (xmpp_node_get_attr (pong, "type"), ==, "result");
}

static void
assert_xml (const XmppNode *node,
            const char     *expected_xml)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (XmppNode) expected = xmpp_node_parse (expected_xml, -1, &error);

  g_assert_no_error (error);
  if (!xmpp_node_equal (node, expected))
    {
      g_autofree char *got = xmpp_node_to_string (node);
      g_autofree char *want = xmpp_node_to_string (expected);

      g_error ("XML differs:\n got: %s\nwant: %s", got, want);
    }
}

G_GNUC_PRINTF (2, 3)
static void
assert_xmlf (const XmppNode *node,
             const char     *format,
             ...)
{
  g_autofree char *xml = NULL;
  va_list args;

  va_start (args, format);
  xml = g_strdup_vprintf (format, args);
  va_end (args);

  assert_xml (node, xml);
}

static XmppNode *
parse (const char *xml)
{
  g_autoptr (GError) error = NULL;
  XmppNode *node = xmpp_node_parse (xml, -1, &error);

  g_assert_no_error (error);
  return node;
}

static void
add_call (Fixture    *f,
          const char *format,
          ...) G_GNUC_PRINTF (2, 3);

static void
add_call (Fixture    *f,
          const char *format,
          ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (f->calls, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
assert_calls (Fixture    *f,
              const char *expected)
{
  g_autofree char *got = NULL;

  g_ptr_array_add (f->calls, NULL);
  got = g_strjoinv ("\n", (char **) f->calls->pdata);
  g_ptr_array_remove_index (f->calls, f->calls->len - 1);

  g_assert_cmpstr (got, ==, expected);
  g_ptr_array_set_size (f->calls, 0);
}

/* Fixture */

static gboolean
unhandled_cb (XmppClient *client,
              XmppNode   *stanza,
              XmppJid    *from,
              gpointer    user_data)
{
  Fixture *f = user_data;

  f->unhandled++;
  return TRUE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->peer = socket_peer_new (OWN_JID);
  f->client = socket_peer_get_client (f->peer);

  f->calls = g_ptr_array_new_with_free_func (g_free);

  xmpp_ping_attach (f->client);
  xmpp_client_add_handler (f->client, XMPP_STANZA_MESSAGE, NULL, NULL,
                           XMPP_SENDER_ANY, 1000, unhandled_cb, f, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  f->client = NULL;
  g_clear_pointer (&f->peer, socket_peer_free);
  g_clear_pointer (&f->calls, g_ptr_array_unref);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

/* XEP-0359 */

static void
test_origin_id (void)
{
  g_autoptr (XmppNode) message = parse ("<message xmlns='jabber:client' to='romeo@montague.lit' id='m1'/>");
  g_autoptr (XmppNode) conflicting = NULL;
  g_autoptr (XmppNode) agreeing = NULL;
  g_autoptr (XmppNode) empty = NULL;
  g_autofree char *huge_xml = NULL;
  g_autoptr (XmppNode) huge = NULL;

  g_assert_null (xmpp_sid_get_origin_id (message));

  xmpp_sid_add_origin_id (message, "m1");
  xmpp_sid_add_origin_id (message, "m1-again");
  assert_xml (message,
              "<message xmlns='jabber:client' to='romeo@montague.lit' id='m1'>"
              "<origin-id xmlns='urn:xmpp:sid:0' id='m1-again'/></message>");
  g_assert_cmpstr (xmpp_sid_get_origin_id (message), ==, "m1-again");

  conflicting = parse ("<message xmlns='jabber:client'>"
                       "<origin-id xmlns='urn:xmpp:sid:0' id='a'/>"
                       "<origin-id xmlns='urn:xmpp:sid:0' id='b'/></message>");
  g_assert_null (xmpp_sid_get_origin_id (conflicting));

  agreeing = parse ("<message xmlns='jabber:client'>"
                    "<origin-id xmlns='urn:xmpp:sid:0' id='a'/>"
                    "<origin-id xmlns='urn:xmpp:sid:0' id='a'/></message>");
  g_assert_cmpstr (xmpp_sid_get_origin_id (agreeing), ==, "a");

  empty = parse ("<message xmlns='jabber:client'><origin-id xmlns='urn:xmpp:sid:0' id=''/>"
                 "<origin-id xmlns='urn:xmpp:other' id='x'/></message>");
  g_assert_null (xmpp_sid_get_origin_id (empty));

  huge_xml = g_strdup_printf ("<message xmlns='jabber:client'><origin-id xmlns='urn:xmpp:sid:0' id='%0*d'/></message>",
                              XMPP_SID_MAX_ID_LEN + 1, 7);
  huge = parse (huge_xml);
  g_assert_null (xmpp_sid_get_origin_id (huge));
}

static void
test_stanza_id_by_checks (void)
{
  g_autoptr (XmppJid) own = xmpp_jid_parse ("juliet@example.org", NULL);
  g_autoptr (XmppJid) room = xmpp_jid_parse ("coven@chat.shakespeare.lit", NULL);
  g_autoptr (XmppJid) other = xmpp_jid_parse ("romeo@montague.lit", NULL);
  g_autoptr (XmppNode) message = NULL;
  g_autoptr (XmppNode) conflicting = NULL;
  g_autoptr (XmppNode) duplicate = NULL;
  g_autoptr (XmppNode) broken = NULL;
  g_autofree char *huge_xml = NULL;
  g_autoptr (XmppNode) huge = NULL;

  message = parse ("<message xmlns='jabber:client' from='romeo@montague.lit/orchard'>"
                   "<stanza-id xmlns='urn:xmpp:sid:0' by='Juliet@Example.ORG' id='archive-1'/>"
                   "<stanza-id xmlns='urn:xmpp:sid:0' by='coven@chat.shakespeare.lit' id='room-1'/>"
                   "<stanza-id xmlns='urn:xmpp:sid:0' id='no-by'/>"
                   "<stanza-id xmlns='urn:xmpp:other' by='romeo@montague.lit' id='other-ns'/>"
                   "</message>");
  /* `by` is compared as a normalised JID. */
  g_assert_cmpstr (xmpp_sid_get_stanza_id (message, own), ==, "archive-1");
  g_assert_cmpstr (xmpp_sid_get_stanza_id (message, room), ==, "room-1");
  g_assert_null (xmpp_sid_get_stanza_id (message, other));

  /* Two different ids by the same entity: nobody can tell which is real. */
  conflicting = parse ("<message xmlns='jabber:client'>"
                       "<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@example.org' id='mine'/>"
                       "<stanza-id xmlns='urn:xmpp:sid:0' by='JULIET@example.org' id='forged'/>"
                       "</message>");
  g_assert_null (xmpp_sid_get_stanza_id (conflicting, own));

  duplicate = parse ("<message xmlns='jabber:client'>"
                     "<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@example.org' id='same'/>"
                     "<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@example.org' id='same'/>"
                     "</message>");
  g_assert_cmpstr (xmpp_sid_get_stanza_id (duplicate, own), ==, "same");

  /* A by that is no JID matches nothing; a missing id is no id. */
  broken = parse ("<message xmlns='jabber:client'>"
                  "<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@@example.org' id='x'/>"
                  "<stanza-id xmlns='urn:xmpp:sid:0' by='coven@chat.shakespeare.lit'/>"
                  "</message>");
  g_assert_null (xmpp_sid_get_stanza_id (broken, own));
  g_assert_null (xmpp_sid_get_stanza_id (broken, room));

  huge_xml = g_strdup_printf ("<message xmlns='jabber:client'>"
                              "<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@example.org' id='%0*d'/></message>",
                              XMPP_SID_MAX_ID_LEN + 1, 7);
  huge = parse (huge_xml);
  g_assert_null (xmpp_sid_get_stanza_id (huge, own));
}

/* XEP-0184 */

static void
test_receipt_request (void)
{
  g_autoptr (XmppNode) chat = parse ("<message xmlns='jabber:client' to='romeo@montague.lit' id='m1' type='chat'>"
                                     "<body>hi</body></message>");
  g_autoptr (XmppNode) groupchat = parse ("<message xmlns='jabber:client' to='coven@chat.shakespeare.lit'"
                                          " id='m2' type='groupchat'><body>hi</body></message>");

  xmpp_receipts_add_request (chat);
  xmpp_receipts_add_request (chat);
  assert_xml (chat,
              "<message xmlns='jabber:client' to='romeo@montague.lit' id='m1' type='chat'>"
              "<body>hi</body><request xmlns='urn:xmpp:receipts'/></message>");
  g_assert_true (xmpp_receipts_has_request (chat));

  xmpp_receipts_add_request (groupchat);
  g_assert_cmpuint (xmpp_node_get_n_children (groupchat), ==, 1);
}

static void
test_receipt_reply_built_correctly (void)
{
  g_autoptr (XmppNode) message = NULL;
  g_autoptr (XmppNode) reply = NULL;
  g_autoptr (XmppNode) normal = NULL;
  g_autoptr (XmppNode) normal_reply = NULL;

  message = parse ("<message xmlns='jabber:client' from='Romeo@Montague.lit/orchard'"
                   " to='juliet@example.org/balcony' id='richard2-4.1.247' type='chat'>"
                   "<body>My lord, dispatch; read o'er these articles.</body>"
                   "<request xmlns='urn:xmpp:receipts'/></message>");
  reply = xmpp_receipts_build_reply (message);
  g_assert_nonnull (reply);
  g_assert_cmpstr (xmpp_node_get_attr (reply, "id"), !=, "richard2-4.1.247");
  assert_xmlf (reply,
               "<message xmlns='jabber:client' to='romeo@montague.lit/orchard' id='%s' type='chat'>"
               "<received xmlns='urn:xmpp:receipts' id='richard2-4.1.247'/></message>",
               xmpp_node_get_attr (reply, "id"));
  g_assert_cmpstr (xmpp_receipts_get_received_id (reply), ==, "richard2-4.1.247");

  /* No type in, no type out. */
  normal = parse ("<message xmlns='jabber:client' from='romeo@montague.lit/orchard' id='n1'>"
                  "<body>hi</body><request xmlns='urn:xmpp:receipts'/></message>");
  normal_reply = xmpp_receipts_build_reply (normal);
  assert_xmlf (normal_reply,
               "<message xmlns='jabber:client' to='romeo@montague.lit/orchard' id='%s'>"
               "<received xmlns='urn:xmpp:receipts' id='n1'/></message>",
               xmpp_node_get_attr (normal_reply, "id"));
}

static void
test_no_receipt_for_groupchat (void)
{
  static const char * const no_receipt[] = {
    /* §5.3: one ack per occupant */
    "<message xmlns='jabber:client' from='coven@chat.shakespeare.lit/firstwitch' id='g1' type='groupchat'>"
    "<body>Thrice</body><request xmlns='urn:xmpp:receipts'/></message>",
    /* errors are no content messages */
    "<message xmlns='jabber:client' from='romeo@montague.lit/orchard' id='e1' type='error'>"
    "<request xmlns='urn:xmpp:receipts'/></message>",
    /* nothing to echo */
    "<message xmlns='jabber:client' from='romeo@montague.lit/orchard' type='chat'>"
    "<body>hi</body><request xmlns='urn:xmpp:receipts'/></message>",
    "<message xmlns='jabber:client' from='romeo@montague.lit/orchard' id='' type='chat'>"
    "<body>hi</body><request xmlns='urn:xmpp:receipts'/></message>",
    /* nobody to answer */
    "<message xmlns='jabber:client' id='f1' type='chat'>"
    "<body>hi</body><request xmlns='urn:xmpp:receipts'/></message>",
    "<message xmlns='jabber:client' from='romeo@@montague.lit' id='f2' type='chat'>"
    "<body>hi</body><request xmlns='urn:xmpp:receipts'/></message>",
    /* §5.4: an ack asking for an ack would loop */
    "<message xmlns='jabber:client' from='romeo@montague.lit/orchard' id='a1' type='chat'>"
    "<received xmlns='urn:xmpp:receipts' id='m1'/><request xmlns='urn:xmpp:receipts'/></message>",
    /* nothing asked */
    "<message xmlns='jabber:client' from='romeo@montague.lit/orchard' id='q1' type='chat'>"
    "<body>hi</body></message>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (no_receipt); i++)
    {
      g_autoptr (XmppNode) message = parse (no_receipt[i]);
      g_autoptr (XmppNode) reply = xmpp_receipts_build_reply (message);

      g_test_message ("case %u", i);
      g_assert_null (reply);
    }
}

static void
receipt_cb (XmppClient *client,
            XmppJid    *from,
            const char *id,
            gpointer    user_data)
{
  add_call (user_data, "receipt %s %s", xmpp_jid_to_string (from), id);
}

static void
test_receipt_attach (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *huge = g_strdup_printf ("%0*d", 1024, 7);

  xmpp_receipts_attach (f->client, receipt_cb, f, NULL);
  g_assert_true (g_strv_contains (xmpp_client_get_features (f->client), XMPP_NS_RECEIPTS));

  socket_peer_send (f->peer, "<message from='romeo@montague.lit/orchard' id='bi29sg183b4v' to='juliet@example.org/balcony'>"
                             "<received xmlns='urn:xmpp:receipts' id='richard2-4.1.247'/></message>");
  /* Malformed acks: no id, empty id, huge id, an error, no sender. */
  socket_peer_send (f->peer, "<message from='romeo@montague.lit/orchard' id='x1'><received xmlns='urn:xmpp:receipts'/></message>");
  socket_peer_send (f->peer, "<message from='romeo@montague.lit/orchard' id='x2'><received xmlns='urn:xmpp:receipts' id=''/></message>");
  socket_peer_sendf (f->peer, "<message from='romeo@montague.lit/orchard' id='x3'><received xmlns='urn:xmpp:receipts' id='%s'/></message>", huge);
  socket_peer_send (f->peer, "<message from='romeo@montague.lit/orchard' id='x4' type='error'><received xmlns='urn:xmpp:receipts' id='m2'/></message>");
  socket_peer_send (f->peer, "<message id='x5'><received xmlns='urn:xmpp:receipts' id='m3'/></message>");
  peer_sync (f);

  assert_calls (f, "receipt romeo@montague.lit/orchard richard2-4.1.247");
  /* The handler never consumes: everything went on to later handlers. */
  g_assert_cmpuint (f->unhandled, ==, 6);

  xmpp_receipts_detach (f->client);
  g_assert_false (g_strv_contains (xmpp_client_get_features (f->client), XMPP_NS_RECEIPTS));
  socket_peer_send (f->peer, "<message from='romeo@montague.lit/orchard' id='y1'><received xmlns='urn:xmpp:receipts' id='m4'/></message>");
  peer_sync (f);
  assert_calls (f, "");
}

/* XEP-0333 */

static void
test_markers_build (void)
{
  g_autoptr (XmppJid) romeo = xmpp_jid_parse ("romeo@montague.lit/orchard", NULL);
  g_autoptr (XmppJid) room = xmpp_jid_parse ("coven@chat.shakespeare.lit/firstwitch", NULL);
  g_autoptr (XmppNode) displayed = NULL;
  g_autoptr (XmppNode) received = NULL;
  g_autoptr (XmppNode) markable = parse ("<message xmlns='jabber:client' to='romeo@montague.lit' id='m1' type='chat'>"
                                         "<body>hi</body></message>");

  xmpp_markers_add_markable (markable);
  xmpp_markers_add_markable (markable);
  assert_xml (markable,
              "<message xmlns='jabber:client' to='romeo@montague.lit' id='m1' type='chat'>"
              "<body>hi</body><markable xmlns='urn:xmpp:chat-markers:0'/></message>");
  g_assert_true (xmpp_markers_is_markable (markable));

  /* To the bare JID, so every resource of the contact learns of it. */
  displayed = xmpp_markers_build (XMPP_MARKER_DISPLAYED, romeo, XMPP_MESSAGE_CHAT, "message-1", "sleeping");
  assert_xmlf (displayed,
               "<message xmlns='jabber:client' to='romeo@montague.lit' id='%s' type='chat'>"
               "<thread>sleeping</thread>"
               "<displayed xmlns='urn:xmpp:chat-markers:0' id='message-1'/>"
               "<store xmlns='urn:xmpp:hints'/></message>",
               xmpp_node_get_attr (displayed, "id"));

  received = xmpp_markers_build (XMPP_MARKER_RECEIVED, room, XMPP_MESSAGE_GROUPCHAT, "39K7ZYIp", NULL);
  assert_xmlf (received,
               "<message xmlns='jabber:client' to='coven@chat.shakespeare.lit' id='%s' type='groupchat'>"
               "<received xmlns='urn:xmpp:chat-markers:0' id='39K7ZYIp'/>"
               "<store xmlns='urn:xmpp:hints'/></message>",
               xmpp_node_get_attr (received, "id"));

  /* §5.3: a marker is never marked. */
  g_assert_false (xmpp_markers_is_markable (received));
}

static void
test_markers_parse (void)
{
  g_autoptr (XmppNode) acked = parse ("<message xmlns='jabber:client' from='romeo@montague.lit/orchard'>"
                                      "<acknowledged xmlns='urn:xmpp:chat-markers:0' id='m7'/></message>");
  g_autoptr (XmppNode) no_id = parse ("<message xmlns='jabber:client'><displayed xmlns='urn:xmpp:chat-markers:0'/></message>");
  g_autoptr (XmppNode) error = parse ("<message xmlns='jabber:client' type='error'>"
                                      "<displayed xmlns='urn:xmpp:chat-markers:0' id='m1'/></message>");
  g_autoptr (XmppNode) unmarkable = parse ("<message xmlns='jabber:client' type='chat'>"
                                           "<markable xmlns='urn:xmpp:chat-markers:0'/></message>");
  g_autofree char *huge_xml = g_strdup_printf ("<message xmlns='jabber:client'>"
                                               "<received xmlns='urn:xmpp:chat-markers:0' id='%0*d'/></message>",
                                               1024, 7);
  g_autoptr (XmppNode) huge = parse (huge_xml);
  const char *id = "unset";

  g_assert_cmpint (xmpp_markers_get_marker (acked, &id), ==, XMPP_MARKER_ACKNOWLEDGED);
  g_assert_cmpstr (id, ==, "m7");
  g_assert_cmpint (xmpp_markers_get_marker (no_id, &id), ==, XMPP_MARKER_NONE);
  g_assert_null (id);
  g_assert_cmpint (xmpp_markers_get_marker (error, NULL), ==, XMPP_MARKER_NONE);
  g_assert_cmpint (xmpp_markers_get_marker (huge, NULL), ==, XMPP_MARKER_NONE);
  /* §6: a markable message without an id cannot be marked. */
  g_assert_false (xmpp_markers_is_markable (unmarkable));
  g_assert_cmpstr (xmpp_marker_type_to_string (XMPP_MARKER_DISPLAYED), ==, "displayed");
}

static void
marker_cb (XmppClient     *client,
           XmppJid        *from,
           XmppMarkerType  type,
           const char     *id,
           gpointer        user_data)
{
  add_call (user_data, "%s %s %s", xmpp_marker_type_to_string (type), xmpp_jid_to_string (from), id);
}

static void
test_markers_attach (Fixture       *f,
                     gconstpointer  data)
{
  xmpp_markers_attach (f->client, marker_cb, f, NULL);
  g_assert_true (g_strv_contains (xmpp_client_get_features (f->client), XMPP_NS_CHAT_MARKERS));

  socket_peer_send (f->peer, "<message from='romeo@montague.lit/orchard' id='k1' type='chat'>"
                             "<displayed xmlns='urn:xmpp:chat-markers:0' id='message-1'/></message>");
  /* Two markers in one message: reported once, for the first. */
  socket_peer_send (f->peer, "<message from='romeo@montague.lit/orchard' id='k2' type='chat'>"
                             "<received xmlns='urn:xmpp:chat-markers:0' id='message-2'/>"
                             "<displayed xmlns='urn:xmpp:chat-markers:0' id='message-2'/></message>");
  socket_peer_send (f->peer, "<message from='romeo@montague.lit/orchard' id='k3' type='chat'>"
                             "<displayed xmlns='urn:xmpp:chat-markers:0'/></message>");
  socket_peer_send (f->peer, "<message from='romeo@montague.lit/orchard' id='k4' type='chat'><body>no marker</body></message>");
  peer_sync (f);

  assert_calls (f,
                "displayed romeo@montague.lit/orchard message-1\n"
                "received romeo@montague.lit/orchard message-2");
  g_assert_cmpuint (f->unhandled, ==, 4);

  xmpp_markers_detach (f->client);
  g_assert_false (g_strv_contains (xmpp_client_get_features (f->client), XMPP_NS_CHAT_MARKERS));
}

/* XEP-0280 */

static void
carbon_cb (XmppClient *client,
           XmppNode   *message,
           gboolean    sent,
           gpointer    user_data)
{
  g_autofree char *xml = xmpp_node_to_string (message);

  add_call (user_data, "%s %s", sent ? "sent" : "received", xml);
}

#define CARBON(outer_from, wrapper, inner)                                            \
  "<message " outer_from " to='juliet@example.org/balcony' type='chat'>"             \
  "<" wrapper " xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>" \
  inner "</forwarded></" wrapper "></message>"

#define SENT_INNER \
  "<message xmlns='jabber:client' from='juliet@example.org/chamber' to='romeo@montague.lit/orchard'" \
  " type='chat' id='s1'><body>Neither, fair saint</body></message>"

#define RECEIVED_INNER \
  "<message xmlns='jabber:client' from='romeo@montague.lit/orchard' to='juliet@example.org/chamber'" \
  " type='chat' id='r1'><body>What man art thou</body></message>"

static void
assert_one_carbon (Fixture    *f,
                   gboolean    sent,
                   const char *inner_xml)
{
  g_autoptr (XmppNode) got = NULL;
  const char *call;

  g_assert_cmpuint (f->calls->len, ==, 1);
  call = g_ptr_array_index (f->calls, 0);
  g_assert_true (g_str_has_prefix (call, sent ? "sent " : "received "));
  got = parse (strchr (call, ' ') + 1);
  assert_xml (got, inner_xml);
  g_ptr_array_set_size (f->calls, 0);
}

static void
test_carbon_from_stranger_is_dropped (Fixture       *f,
                                      gconstpointer  data)
{
  xmpp_carbons_attach (f->client, carbon_cb, f, NULL);

  /* CVE-2017-5589 and friends: a stranger claims to forward what Juliet
   * sent, or what she received. */
  socket_peer_send (f->peer, CARBON ("from='mallory@evil.example'", "sent",
                                     "<message xmlns='jabber:client' from='juliet@example.org/chamber'"
                                     " to='romeo@montague.lit' type='chat'><body>I hate you</body></message>"));
  socket_peer_send (f->peer, CARBON ("from='mallory@evil.example/x'", "received", RECEIVED_INNER));
  /* The server's domain is not the account either. */
  socket_peer_send (f->peer, CARBON ("from='example.org'", "received", RECEIVED_INNER));
  peer_sync (f);

  assert_calls (f, "");
  g_assert_cmpuint (f->unhandled, ==, 0);
}

static void
test_carbon_from_own_full_jid_is_dropped (Fixture       *f,
                                          gconstpointer  data)
{
  xmpp_carbons_attach (f->client, carbon_cb, f, NULL);

  /* Only the bare JID speaks for the account: a resource could be a
   * compromised or old client. */
  socket_peer_send (f->peer, CARBON ("from='juliet@example.org/chamber'", "sent", SENT_INNER));
  peer_sync (f);

  assert_calls (f, "");
  g_assert_cmpuint (f->unhandled, ==, 0);
}

static void
test_carbon_sent_from_own_bare_is_accepted (Fixture       *f,
                                            gconstpointer  data)
{
  xmpp_carbons_attach (f->client, carbon_cb, f, NULL);

  socket_peer_send (f->peer, CARBON ("from='juliet@example.org'", "sent", SENT_INNER));
  peer_sync (f);
  assert_one_carbon (f, TRUE, SENT_INNER);

  /* Normalised comparison of the outer from. */
  socket_peer_send (f->peer, CARBON ("from='Juliet@EXAMPLE.org'", "received", RECEIVED_INNER));
  peer_sync (f);
  assert_one_carbon (f, FALSE, RECEIVED_INNER);

  /* No from: the own account (RFC 6120 §8.1.2.1). */
  socket_peer_send (f->peer, CARBON ("", "received", RECEIVED_INNER));
  peer_sync (f);
  assert_one_carbon (f, FALSE, RECEIVED_INNER);

  /* A sent copy from the bare JID itself (a server-side reflection). */
  socket_peer_send (f->peer, CARBON ("from='juliet@example.org'", "sent",
                                     "<message xmlns='jabber:client' from='juliet@example.org' to='romeo@montague.lit'"
                                     " type='chat'><body>bare</body></message>"));
  peer_sync (f);
  assert_one_carbon (f, TRUE,
                     "<message xmlns='jabber:client' from='juliet@example.org' to='romeo@montague.lit'"
                     " type='chat'><body>bare</body></message>");

  g_assert_cmpuint (f->unhandled, ==, 0);

  /* Detached: wrappers reach ordinary handlers again. */
  xmpp_carbons_detach (f->client);
  socket_peer_send (f->peer, CARBON ("from='juliet@example.org'", "sent", SENT_INNER));
  peer_sync (f);
  assert_calls (f, "");
  g_assert_cmpuint (f->unhandled, ==, 1);
}

static void
test_carbon_with_other_inner_sender_is_dropped (Fixture       *f,
                                                gconstpointer  data)
{
  static const char * const forged[] = {
    /* "Juliet sent" something Romeo wrote. */
    CARBON ("from='juliet@example.org'", "sent",
            "<message xmlns='jabber:client' from='romeo@montague.lit/orchard'"
            " to='juliet@example.org' type='chat'><body>yes</body></message>"),
    /* A sent copy without sender. */
    CARBON ("from='juliet@example.org'", "sent",
            "<message xmlns='jabber:client' to='romeo@montague.lit' type='chat'><body>x</body></message>"),
    /* "Juliet received" a message addressed to somebody else. */
    CARBON ("from='juliet@example.org'", "received",
            "<message xmlns='jabber:client' from='romeo@montague.lit/orchard'"
            " to='rosaline@capulet.lit' type='chat'><body>x</body></message>"),
    /* A received copy without recipient or sender, or with broken JIDs. */
    CARBON ("from='juliet@example.org'", "received",
            "<message xmlns='jabber:client' from='romeo@montague.lit/orchard' type='chat'><body>x</body></message>"),
    CARBON ("from='juliet@example.org'", "received",
            "<message xmlns='jabber:client' to='juliet@example.org' type='chat'><body>x</body></message>"),
    CARBON ("from='juliet@example.org'", "received",
            "<message xmlns='jabber:client' from='romeo@@montague.lit' to='juliet@example.org'><body>x</body></message>"),
    /* Not a jabber:client message. */
    CARBON ("from='juliet@example.org'", "received",
            "<message xmlns='jabber:server' from='romeo@montague.lit' to='juliet@example.org'><body>x</body></message>"),
    /* No message, two messages. */
    CARBON ("from='juliet@example.org'", "received", ""),
    CARBON ("from='juliet@example.org'", "received", RECEIVED_INNER RECEIVED_INNER),
    /* A copy of a copy: Romeo wraps a forged "sent" inside his message. */
    CARBON ("from='juliet@example.org'", "received",
            "<message xmlns='jabber:client' from='romeo@montague.lit/orchard' to='juliet@example.org'>"
            "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>" SENT_INNER
            "</forwarded></sent></message>"),
    /* Two wrappers. */
    "<message from='juliet@example.org'>"
    "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>" SENT_INNER "</forwarded></sent>"
    "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>" RECEIVED_INNER "</forwarded></received>"
    "</message>",
    /* Two forwarded elements. */
    "<message from='juliet@example.org'><sent xmlns='urn:xmpp:carbons:2'>"
    "<forwarded xmlns='urn:xmpp:forward:0'>" SENT_INNER "</forwarded>"
    "<forwarded xmlns='urn:xmpp:forward:0'>" SENT_INNER "</forwarded></sent></message>",
    /* No forwarded element. */
    "<message from='juliet@example.org'><sent xmlns='urn:xmpp:carbons:2'>" SENT_INNER "</sent></message>",
  };

  xmpp_carbons_attach (f->client, carbon_cb, f, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (forged); i++)
    socket_peer_send (f->peer, forged[i]);
  peer_sync (f);

  assert_calls (f, "");
  /* Dropped means consumed: no ordinary handler read them either. */
  g_assert_cmpuint (f->unhandled, ==, 0);
}

static void
enable_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError *error = NULL;
  Fixture *f = user_data;

  if (xmpp_carbons_enable_finish (XMPP_CLIENT (source), result, &error))
    add_call (f, "enabled");
  else
    {
      add_call (f, "failed %s", error->message);
      g_error_free (error);
    }
}

static void
wait_for_calls (Fixture *f,
                guint    n)
{
  while (f->calls->len < n)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_carbons_enable (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (XmppNode) iq = NULL;
  g_autoptr (XmppNode) message = parse ("<message xmlns='jabber:client' to='romeo@montague.lit' id='p1' type='chat'/>");

  xmpp_carbons_enable_async (f->client, NULL, enable_done, f);
  iq = socket_peer_read (f->peer);
  assert_xmlf (iq,
               "<iq xmlns='jabber:client' type='set' id='%s'><enable xmlns='urn:xmpp:carbons:2'/></iq>",
               xmpp_node_get_attr (iq, "id"));
  socket_peer_sendf (f->peer, "<iq type='result' id='%s' from='juliet@example.org' to='juliet@example.org/balcony'/>",
                     xmpp_node_get_attr (iq, "id"));
  wait_for_calls (f, 1);
  assert_calls (f, "enabled");

  g_clear_pointer (&iq, xmpp_node_unref);
  xmpp_carbons_enable_async (f->client, NULL, enable_done, f);
  iq = socket_peer_read (f->peer);
  socket_peer_sendf (f->peer, "<iq type='error' id='%s'><error type='auth'>"
                              "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                     xmpp_node_get_attr (iq, "id"));
  wait_for_calls (f, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->calls, 0), "failed"));
  g_ptr_array_set_size (f->calls, 0);

  xmpp_carbons_add_private (message);
  xmpp_carbons_add_private (message);
  assert_xml (message,
              "<message xmlns='jabber:client' to='romeo@montague.lit' id='p1' type='chat'>"
              "<private xmlns='urn:xmpp:carbons:2'/><no-copy xmlns='urn:xmpp:hints'/></message>");
}

/* XEP-0059 */

static void
test_rsm (void)
{
  g_autoptr (XmppNode) request = NULL;
  g_autoptr (XmppNode) last_page = NULL;
  g_autoptr (XmppNode) set = NULL;
  g_autoptr (XmppNode) empty = NULL;
  g_autoptr (XmppNode) one_end = NULL;
  g_autoptr (XmppNode) blank = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *huge_xml = NULL;
  g_autoptr (XmppNode) huge = NULL;
  g_auto (XmppRsmResult) result = { 0 };

  request = xmpp_rsm_build_request (10, "09af3-cc343-b409f", NULL);
  assert_xml (request,
              "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max>"
              "<after>09af3-cc343-b409f</after></set>");
  last_page = xmpp_rsm_build_request (-1, NULL, "");
  assert_xml (last_page, "<set xmlns='http://jabber.org/protocol/rsm'><before/></set>");

  set = parse ("<set xmlns='http://jabber.org/protocol/rsm'><first index='10'>a</first>"
               "<last>b</last><count>800</count></set>");
  g_assert_true (xmpp_rsm_parse_result (set, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (result.first, ==, "a");
  g_assert_cmpstr (result.last, ==, "b");
  g_assert_cmpint (result.first_index, ==, 10);
  g_assert_cmpint (result.count, ==, 800);

  /* Counts are advisory: garbage reads as unknown. */
  xmpp_rsm_result_clear (&result);
  empty = parse ("<set xmlns='http://jabber.org/protocol/rsm'><count>-3</count></set>");
  g_assert_true (xmpp_rsm_parse_result (empty, &result, &error));
  g_assert_null (result.first);
  g_assert_null (result.last);
  g_assert_cmpint (result.count, ==, -1);
  g_assert_cmpint (result.first_index, ==, -1);

  one_end = parse ("<set xmlns='http://jabber.org/protocol/rsm'><first>a</first></set>");
  g_assert_false (xmpp_rsm_parse_result (one_end, &result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (result.first);

  blank = parse ("<set xmlns='http://jabber.org/protocol/rsm'><first></first><last>b</last></set>");
  g_assert_false (xmpp_rsm_parse_result (blank, &result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  huge_xml = g_strdup_printf ("<set xmlns='http://jabber.org/protocol/rsm'><first>a</first>"
                              "<last>%0*d</last></set>", XMPP_RSM_MAX_ID_LEN + 1, 7);
  huge = parse (huge_xml);
  g_assert_false (xmpp_rsm_parse_result (huge, &result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (result.first);
  g_assert_null (result.last);
}

/* XEP-0313 */

typedef struct
{
  gboolean done;
  XmppMamPage *page;
  GError *error;
} QueryResult;

static void
mam_result_cb (XmppClient *client,
               XmppNode   *message,
               const char *archive_id,
               GDateTime  *stamp,
               gpointer    user_data)
{
  g_autofree char *when = stamp ? g_date_time_format_iso8601 (stamp) : g_strdup ("-");

  add_call (user_data, "%s %s %s", archive_id, when, xmpp_message_get_body (message));
}

static void
query_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  QueryResult *r = user_data;

  r->page = xmpp_mam_query_finish (XMPP_CLIENT (source), result, &r->error);
  r->done = TRUE;
}

static void
wait_query (QueryResult *r)
{
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

#define MAM_RESULT(from, queryid, id, stamp, body)                                          \
  "<message " from " to='juliet@example.org/balcony' id='r-" id "'>"                       \
  "<result xmlns='urn:xmpp:mam:2' queryid='" queryid "' id='" id "'>"                     \
  "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='" stamp "'/>" \
  "<message xmlns='jabber:client' from='romeo@montague.lit/orchard'"                       \
  " to='juliet@example.org/balcony' type='chat'><body>" body "</body></message>"          \
  "</forwarded></result></message>"

/* Starts a query for the whole own archive and returns the IQ sent. */
static XmppNode *
start_query (Fixture       *f,
             const XmppJid *archive,
             QueryResult   *r)
{
  g_autoptr (XmppMamQuery) query = xmpp_mam_query_new ();

  xmpp_mam_query_async (f->client, archive, query, mam_result_cb, f, NULL, query_done, r);
  return socket_peer_read (f->peer);
}

static const char *
queryid_of (const XmppNode *iq)
{
  return xmpp_node_get_attr (xmpp_node_get_child (iq, "query", XMPP_NS_MAM), "queryid");
}

static void
finish_query (Fixture        *f,
              const XmppNode *iq,
              QueryResult    *r)
{
  socket_peer_sendf (f->peer, "<iq type='result' id='%s'><fin xmlns='urn:xmpp:mam:2' complete='true'/></iq>",
                     xmpp_node_get_attr (iq, "id"));
  wait_query (r);
  g_assert_no_error (r->error);
  g_clear_pointer (&r->page, xmpp_mam_page_free);
}

static void
test_mam_paging_reads_fin (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (XmppMamQuery) query = xmpp_mam_query_new ();
  g_autoptr (XmppNode) iq = NULL;
  g_autoptr (XmppMamPage) copy = NULL;
  QueryResult r = { 0 };
  const char *queryid;

  query->with = xmpp_jid_parse ("romeo@montague.lit", NULL);
  query->start = g_date_time_new_utc (2010, 6, 7, 0, 0, 0);
  query->end = g_date_time_new_utc (2010, 7, 7, 13, 23, 54);
  query->after_id = g_strdup ("09af3-cc343-b409f");
  query->max = 2;

  xmpp_mam_query_async (f->client, NULL, query, mam_result_cb, f, NULL, query_done, &r);
  iq = socket_peer_read (f->peer);
  queryid = queryid_of (iq);
  g_assert_nonnull (queryid);
  assert_xmlf (iq,
               "<iq xmlns='jabber:client' type='set' id='%s'>"
               "<query xmlns='urn:xmpp:mam:2' queryid='%s'>"
               "<x xmlns='jabber:x:data' type='submit'>"
               "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>"
               "<field var='with'><value>romeo@montague.lit</value></field>"
               "<field var='start'><value>2010-06-07T00:00:00Z</value></field>"
               "<field var='end'><value>2010-07-07T13:23:54Z</value></field>"
               "</x>"
               "<set xmlns='http://jabber.org/protocol/rsm'><max>2</max>"
               "<after>09af3-cc343-b409f</after></set>"
               "</query></iq>",
               xmpp_node_get_attr (iq, "id"), queryid);

  /* The own archive answers without from, or from the bare JID. */
  socket_peer_sendf (f->peer, MAM_RESULT ("", "%s", "28482-98726-73623", "2010-07-10T23:08:25Z", "Hail to thee"), queryid);
  socket_peer_sendf (f->peer, MAM_RESULT ("from='juliet@example.org'", "%s", "5d398-28273-f7382", "2010-07-10T23:09:32Z", "Hail"),
                     queryid);
  socket_peer_sendf (f->peer, "<iq type='result' id='%s'><fin xmlns='urn:xmpp:mam:2'>"
                              "<set xmlns='http://jabber.org/protocol/rsm'><first index='0'>28482-98726-73623</first>"
                              "<last>5d398-28273-f7382</last><count>20</count></set></fin></iq>",
                     xmpp_node_get_attr (iq, "id"));
  wait_query (&r);

  g_assert_no_error (r.error);
  g_assert_nonnull (r.page);
  g_assert_cmpstr (r.page->first, ==, "28482-98726-73623");
  g_assert_cmpstr (r.page->last, ==, "5d398-28273-f7382");
  g_assert_false (r.page->complete);
  g_assert_true (r.page->stable);
  g_assert_cmpint (r.page->count, ==, 20);
  assert_calls (f,
                "28482-98726-73623 2010-07-10T23:08:25Z Hail to thee\n"
                "5d398-28273-f7382 2010-07-10T23:09:32Z Hail");
  g_assert_cmpuint (f->unhandled, ==, 0);

  copy = xmpp_mam_page_copy (r.page);
  g_assert_cmpstr (copy->last, ==, "5d398-28273-f7382");
  g_clear_pointer (&r.page, xmpp_mam_page_free);

  /* The next page, after the last one: complete and unstable. */
  g_free (query->after_id);
  query->after_id = g_strdup (copy->last);
  memset (&r, 0, sizeof r);
  g_clear_pointer (&iq, xmpp_node_unref);
  xmpp_mam_query_async (f->client, NULL, query, mam_result_cb, f, NULL, query_done, &r);
  iq = socket_peer_read (f->peer);
  g_assert_cmpstr (queryid_of (iq), !=, NULL);
  g_assert_cmpstr (xmpp_node_get_child_text (xmpp_node_get_child (xmpp_node_get_child (iq, "query", XMPP_NS_MAM),
                                                                  "set", XMPP_NS_RSM),
                                             "after", XMPP_NS_RSM), ==, "5d398-28273-f7382");
  socket_peer_sendf (f->peer, "<iq type='result' id='%s' from='juliet@example.org'>"
                              "<fin xmlns='urn:xmpp:mam:2' complete='true' stable='false'>"
                              "<set xmlns='http://jabber.org/protocol/rsm'><count>20</count></set></fin></iq>",
                     xmpp_node_get_attr (iq, "id"));
  wait_query (&r);
  g_assert_no_error (r.error);
  g_assert_true (r.page->complete);
  g_assert_false (r.page->stable);
  g_assert_null (r.page->first);
  g_assert_null (r.page->last);
  g_clear_pointer (&r.page, xmpp_mam_page_free);
}

static void
test_mam_room_last_page (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (XmppJid) room = xmpp_jid_parse ("coven@chat.shakespeare.lit", NULL);
  g_autoptr (XmppMamQuery) query = xmpp_mam_query_new ();
  g_autoptr (XmppNode) iq = NULL;
  QueryResult r = { 0 };
  const char *queryid;

  query->before_id = g_strdup ("");
  query->max = 10;
  xmpp_mam_query_async (f->client, room, query, mam_result_cb, f, NULL, query_done, &r);
  iq = socket_peer_read (f->peer);
  queryid = queryid_of (iq);
  assert_xmlf (iq,
               "<iq xmlns='jabber:client' type='set' id='%s' to='coven@chat.shakespeare.lit'>"
               "<query xmlns='urn:xmpp:mam:2' queryid='%s'>"
               "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><before/></set>"
               "</query></iq>",
               xmpp_node_get_attr (iq, "id"), queryid);

  socket_peer_sendf (f->peer, MAM_RESULT ("from='coven@chat.shakespeare.lit'", "%s", "34482-21985-73620",
                                          "2002-10-13T23:58:37Z", "Thrice the brinded cat hath mew'd."),
                     queryid);
  socket_peer_sendf (f->peer, "<iq type='result' id='%s' from='coven@chat.shakespeare.lit'>"
                              "<fin xmlns='urn:xmpp:mam:2' complete='1'><set xmlns='http://jabber.org/protocol/rsm'>"
                              "<first>34482-21985-73620</first><last>34482-21985-73620</last></set></fin></iq>",
                     xmpp_node_get_attr (iq, "id"));
  wait_query (&r);
  g_assert_no_error (r.error);
  g_assert_true (r.page->complete);
  g_assert_cmpint (r.page->count, ==, -1);
  g_clear_pointer (&r.page, xmpp_mam_page_free);
  assert_calls (f, "34482-21985-73620 2002-10-13T23:58:37Z Thrice the brinded cat hath mew'd.");
}

static void
test_mam_result_without_open_query_is_dropped (Fixture       *f,
                                               gconstpointer  data)
{
  g_autoptr (XmppNode) iq = NULL;
  QueryResult r = { 0 };

  /* Before any query: nobody handles MAM yet, so attach explicitly. */
  xmpp_mam_attach (f->client);
  socket_peer_send (f->peer, MAM_RESULT ("", "f27", "28482-98726-73623", "2010-07-10T23:08:25Z", "injected"));
  peer_sync (f);
  g_assert_cmpuint (f->unhandled, ==, 0);

  /* After a query has finished: the query is closed. */
  iq = start_query (f, NULL, &r);
  finish_query (f, iq, &r);
  socket_peer_sendf (f->peer, MAM_RESULT ("", "%s", "late-1", "2010-07-10T23:08:25Z", "too late"), queryid_of (iq));
  peer_sync (f);

  assert_calls (f, "");
  g_assert_cmpuint (f->unhandled, ==, 0);
}

static void
test_mam_result_with_wrong_queryid_is_dropped (Fixture       *f,
                                               gconstpointer  data)
{
  g_autoptr (XmppNode) iq = NULL;
  QueryResult r = { 0 };
  g_autofree char *wrong = NULL;

  iq = start_query (f, NULL, &r);
  wrong = g_strconcat (queryid_of (iq), "x", NULL);

  socket_peer_sendf (f->peer, MAM_RESULT ("", "%s", "w-1", "2010-07-10T23:08:25Z", "wrong queryid"), wrong);
  socket_peer_send (f->peer, MAM_RESULT ("", "", "w-2", "2010-07-10T23:08:25Z", "empty queryid"));
  socket_peer_send (f->peer, "<message><result xmlns='urn:xmpp:mam:2' id='w-3'><forwarded xmlns='urn:xmpp:forward:0'>"
                             "<message xmlns='jabber:client'><body>no queryid</body></message></forwarded></result></message>");
  socket_peer_sendf (f->peer, MAM_RESULT ("", "%s", "ok-1", "2010-07-10T23:08:25Z", "right"), queryid_of (iq));
  finish_query (f, iq, &r);

  assert_calls (f, "ok-1 2010-07-10T23:08:25Z right");
  g_assert_cmpuint (f->unhandled, ==, 0);
}

static void
test_mam_result_from_other_entity_is_dropped (Fixture       *f,
                                              gconstpointer  data)
{
  g_autoptr (XmppJid) room = xmpp_jid_parse ("coven@chat.shakespeare.lit", NULL);
  g_autoptr (XmppNode) iq = NULL;
  QueryResult r = { 0 };

  /* CVE-2019-16237: while the own archive is queried, others inject. */
  iq = start_query (f, NULL, &r);
  socket_peer_sendf (f->peer, MAM_RESULT ("from='mallory@evil.example'", "%s", "m-1", "2010-07-10T23:08:25Z", "evil"),
                     queryid_of (iq));
  socket_peer_sendf (f->peer, MAM_RESULT ("from='juliet@example.org/chamber'", "%s", "m-2", "2010-07-10T23:08:25Z", "resource"),
                     queryid_of (iq));
  socket_peer_sendf (f->peer, MAM_RESULT ("from='example.org'", "%s", "m-3", "2010-07-10T23:08:25Z", "server"),
                     queryid_of (iq));
  finish_query (f, iq, &r);
  assert_calls (f, "");

  /* While a room is queried, neither the own archive nor an occupant may
   * answer for it. */
  g_clear_pointer (&iq, xmpp_node_unref);
  memset (&r, 0, sizeof r);
  iq = start_query (f, room, &r);
  socket_peer_sendf (f->peer, MAM_RESULT ("", "%s", "n-1", "2010-07-10T23:08:25Z", "own"), queryid_of (iq));
  socket_peer_sendf (f->peer, MAM_RESULT ("from='coven@chat.shakespeare.lit/firstwitch'", "%s", "n-2",
                                          "2010-07-10T23:08:25Z", "occupant"),
                     queryid_of (iq));
  socket_peer_sendf (f->peer, MAM_RESULT ("from='Coven@Chat.Shakespeare.lit'", "%s", "n-3", "2010-07-10T23:08:25Z", "room"),
                     queryid_of (iq));
  socket_peer_sendf (f->peer, "<iq type='result' id='%s' from='coven@chat.shakespeare.lit'>"
                              "<fin xmlns='urn:xmpp:mam:2' complete='true'/></iq>",
                     xmpp_node_get_attr (iq, "id"));
  wait_query (&r);
  g_assert_no_error (r.error);
  g_clear_pointer (&r.page, xmpp_mam_page_free);

  assert_calls (f, "n-3 2010-07-10T23:08:25Z room");
  g_assert_cmpuint (f->unhandled, ==, 0);
}

static void
test_mam_malformed_results (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr (XmppNode) iq = NULL;
  g_autofree char *huge = g_strdup_printf ("%0*d", 1024, 7);
  QueryResult r = { 0 };
  const char *queryid;

  iq = start_query (f, NULL, &r);
  queryid = queryid_of (iq);

  /* CVE-2013-6477: impossible dates are no dates, and no crash. */
  socket_peer_sendf (f->peer, MAM_RESULT ("", "%s", "d-1", "99999-01-01T00:00:00Z", "far future"), queryid);
  socket_peer_sendf (f->peer, MAM_RESULT ("", "%s", "d-2", "-0001-01-01T00:00:00Z", "negative"), queryid);
  socket_peer_sendf (f->peer, MAM_RESULT ("", "%s", "d-3", "yesterday", "words"), queryid);
  /* No id, an empty one, a huge one. */
  socket_peer_sendf (f->peer, "<message><result xmlns='urn:xmpp:mam:2' queryid='%s'><forwarded xmlns='urn:xmpp:forward:0'>"
                              "<message xmlns='jabber:client'><body>no id</body></message></forwarded></result></message>",
                     queryid);
  socket_peer_sendf (f->peer, MAM_RESULT ("", "%s", "", "2010-07-10T23:08:25Z", "empty id"), queryid);
  socket_peer_sendf (f->peer, "<message><result xmlns='urn:xmpp:mam:2' queryid='%s' id='%s'><forwarded xmlns='urn:xmpp:forward:0'>"
                              "<message xmlns='jabber:client'><body>huge id</body></message></forwarded></result></message>",
                     queryid, huge);
  /* No forwarded, no message, a message in another namespace. */
  socket_peer_sendf (f->peer, "<message><result xmlns='urn:xmpp:mam:2' queryid='%s' id='x-1'/></message>", queryid);
  socket_peer_sendf (f->peer, "<message><result xmlns='urn:xmpp:mam:2' queryid='%s' id='x-2'>"
                              "<forwarded xmlns='urn:xmpp:forward:0'/></result></message>", queryid);
  socket_peer_sendf (f->peer, "<message><result xmlns='urn:xmpp:mam:2' queryid='%s' id='x-3'><forwarded xmlns='urn:xmpp:forward:0'>"
                              "<message xmlns='jabber:server'><body>server</body></message></forwarded></result></message>",
                     queryid);
  /* No delay: still a result, without a time. */
  socket_peer_sendf (f->peer, "<message><result xmlns='urn:xmpp:mam:2' queryid='%s' id='x-4'><forwarded xmlns='urn:xmpp:forward:0'>"
                              "<message xmlns='jabber:client'><body>timeless</body></message></forwarded></result></message>",
                     queryid);
  finish_query (f, iq, &r);

  assert_calls (f,
                "d-1 - far future\n"
                "d-2 - negative\n"
                "d-3 - words\n"
                "x-4 - timeless");
  g_assert_cmpuint (f->unhandled, ==, 0);
}

static void
test_mam_bad_fin (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (XmppMamQuery) both = xmpp_mam_query_new ();
  g_autoptr (XmppNode) iq = NULL;
  g_autofree char *huge = g_strdup_printf ("%0*d", XMPP_RSM_MAX_ID_LEN + 1, 7);
  QueryResult r = { 0 };

  /* A huge <last/> would come back in the next <after/>. */
  iq = start_query (f, NULL, &r);
  socket_peer_sendf (f->peer, "<iq type='result' id='%s'><fin xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'>"
                              "<first>a</first><last>%s</last></set></fin></iq>",
                     xmpp_node_get_attr (iq, "id"), huge);
  wait_query (&r);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (r.page);
  g_clear_error (&r.error);

  g_clear_pointer (&iq, xmpp_node_unref);
  memset (&r, 0, sizeof r);
  iq = start_query (f, NULL, &r);
  socket_peer_sendf (f->peer, "<iq type='result' id='%s'/>", xmpp_node_get_attr (iq, "id"));
  wait_query (&r);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&r.error);

  g_clear_pointer (&iq, xmpp_node_unref);
  memset (&r, 0, sizeof r);
  iq = start_query (f, NULL, &r);
  socket_peer_sendf (f->peer, "<iq type='error' id='%s'><error type='cancel'>"
                              "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                     xmpp_node_get_attr (iq, "id"));
  wait_query (&r);
  g_assert_error (r.error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
  g_clear_error (&r.error);

  /* RSM leaves after with before undefined. */
  memset (&r, 0, sizeof r);
  both->after_id = g_strdup ("a");
  both->before_id = g_strdup ("b");
  xmpp_mam_query_async (f->client, NULL, both, mam_result_cb, f, NULL, query_done, &r);
  wait_query (&r);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&r.error);
}

/* XEP-0352 */

static void
test_csi_only_when_supported_and_changed (Fixture       *f,
                                          gconstpointer  data)
{
  g_autoptr (XmppNode) features = NULL;
  g_autoptr (XmppNode) nonza = NULL;

  /* Not offered: nothing goes out, the barrier's pong comes first. */
  g_assert_false (xmpp_csi_is_supported (f->client));
  xmpp_csi_set_active (f->client, FALSE);
  g_assert_true (xmpp_csi_get_active (f->client));
  peer_sync (f);

  features = parse ("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                    "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                    "<csi xmlns='urn:xmpp:csi:0'/></stream:features>");
  xmpp_client_set_stream_features (f->client, features);
  g_assert_true (xmpp_csi_is_supported (f->client));

  /* A stream starts active: telling it so again costs bytes for nothing. */
  xmpp_csi_set_active (f->client, TRUE);
  xmpp_csi_set_active (f->client, FALSE);
  xmpp_csi_set_active (f->client, FALSE);
  nonza = socket_peer_read (f->peer);
  assert_xml (nonza, "<inactive xmlns='urn:xmpp:csi:0'/>");
  g_assert_false (xmpp_csi_get_active (f->client));

  xmpp_csi_set_active (f->client, TRUE);
  xmpp_csi_set_active (f->client, TRUE);
  g_clear_pointer (&nonza, xmpp_node_unref);
  nonza = socket_peer_read (f->peer);
  assert_xml (nonza, "<active xmlns='urn:xmpp:csi:0'/>");
  g_assert_true (xmpp_csi_get_active (f->client));

  /* Nothing more was sent: the next thing out is the pong. */
  peer_sync (f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sid/origin-id", test_origin_id);
  g_test_add_func ("/sid/stanza-id-by", test_stanza_id_by_checks);

  g_test_add_func ("/receipts/request", test_receipt_request);
  g_test_add_func ("/receipts/reply-built-correctly", test_receipt_reply_built_correctly);
  g_test_add_func ("/receipts/no-receipt-for-groupchat", test_no_receipt_for_groupchat);
  ADD ("/receipts/attach", test_receipt_attach);

  g_test_add_func ("/markers/build", test_markers_build);
  g_test_add_func ("/markers/parse", test_markers_parse);
  ADD ("/markers/attach", test_markers_attach);

  ADD ("/carbons/from-stranger-is-dropped", test_carbon_from_stranger_is_dropped);
  ADD ("/carbons/from-own-full-jid-is-dropped", test_carbon_from_own_full_jid_is_dropped);
  ADD ("/carbons/sent-from-own-bare-is-accepted", test_carbon_sent_from_own_bare_is_accepted);
  ADD ("/carbons/with-other-inner-sender-is-dropped", test_carbon_with_other_inner_sender_is_dropped);
  ADD ("/carbons/enable", test_carbons_enable);

  g_test_add_func ("/rsm/build-and-parse", test_rsm);

  ADD ("/mam/paging-reads-fin", test_mam_paging_reads_fin);
  ADD ("/mam/room-last-page", test_mam_room_last_page);
  ADD ("/mam/result-without-open-query-is-dropped", test_mam_result_without_open_query_is_dropped);
  ADD ("/mam/result-with-wrong-queryid-is-dropped", test_mam_result_with_wrong_queryid_is_dropped);
  ADD ("/mam/result-from-other-entity-is-dropped", test_mam_result_from_other_entity_is_dropped);
  ADD ("/mam/malformed-results", test_mam_malformed_results);
  ADD ("/mam/bad-fin", test_mam_bad_fin);

  ADD ("/csi/only-when-supported-and-changed", test_csi_only_when_supported_and_changed);

  return g_test_run ();
}
