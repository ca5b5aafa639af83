/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for the XEP-0085 helpers (app/xmpp/xep/xep-0085-chatstates.c):
 * exact XML of a standalone notification, reading the state of received
 * messages, and nothing read from errors or foreign namespaces.
 */
#include "xep-0085-chatstates.h"

static XmppNode *
parse (const char *xml)
{
  g_autoptr(GError) error = NULL;
  XmppNode *node = xmpp_node_parse (xml, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
test_names (void)
{
  for (XmppChatState state = XMPP_CHAT_STATE_ACTIVE; state <= XMPP_CHAT_STATE_GONE; state++)
    g_assert_cmpint (xmpp_chat_state_from_string (xmpp_chat_state_to_string (state)), ==, state);

  g_assert_null (xmpp_chat_state_to_string (XMPP_CHAT_STATE_NONE));
  g_assert_cmpint (xmpp_chat_state_from_string (NULL), ==, XMPP_CHAT_STATE_NONE);
  g_assert_cmpint (xmpp_chat_state_from_string ("typing"), ==, XMPP_CHAT_STATE_NONE);
  g_assert_cmpint (xmpp_chat_state_from_string ("Composing"), ==, XMPP_CHAT_STATE_NONE);
}

static void
test_notification_xml (void)
{
  g_autoptr(XmppJid) to = xmpp_jid_parse ("juliet@capulet.lit", NULL);
  g_autoptr(XmppNode) message = xmpp_chat_state_new_notification (to, XMPP_CHAT_STATE_COMPOSING);
  g_autofree char *xml = xmpp_node_to_string (message);

  g_assert_cmpstr (xml, ==,
                   "<message xmlns='jabber:client' type='chat' to='juliet@capulet.lit'>"
                   "<composing xmlns='http://jabber.org/protocol/chatstates'/>"
                   "<no-store xmlns='urn:xmpp:hints'/>"
                   "</message>");
  g_assert_cmpint (xmpp_chat_state_get (message), ==, XMPP_CHAT_STATE_COMPOSING);
}

static void
test_set_replaces (void)
{
  g_autoptr(XmppNode) message = parse ("<message xmlns='jabber:client' type='chat'>"
                                       "<body>hi</body>"
                                       "<composing xmlns='http://jabber.org/protocol/chatstates'/>"
                                       "</message>");
  g_autofree char *xml = NULL;

  /* §5.1: never two states in one message. */
  xmpp_chat_state_set (message, XMPP_CHAT_STATE_ACTIVE);
  xml = xmpp_node_to_string (message);
  g_assert_cmpstr (xml, ==,
                   "<message xmlns='jabber:client' type='chat'><body>hi</body>"
                   "<active xmlns='http://jabber.org/protocol/chatstates'/></message>");

  xmpp_chat_state_set (message, XMPP_CHAT_STATE_NONE);
  g_assert_cmpint (xmpp_chat_state_get (message), ==, XMPP_CHAT_STATE_NONE);
  g_assert_cmpuint (xmpp_node_get_n_children (message), ==, 1);
}

static void
test_get (void)
{
  struct {
    const char *xml;
    XmppChatState state;
  } cases[] = {
    { "<message xmlns='jabber:client' type='chat'><paused xmlns='http://jabber.org/protocol/chatstates'/></message>",
      XMPP_CHAT_STATE_PAUSED },
    { "<message xmlns='jabber:client'><body>x</body><gone xmlns='http://jabber.org/protocol/chatstates'/></message>",
      XMPP_CHAT_STATE_GONE },
    /* An error echoes what we sent: not the peer's state. */
    { "<message xmlns='jabber:client' type='error'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
      XMPP_CHAT_STATE_NONE },
    /* The right name in another namespace, an unknown name in the right one. */
    { "<message xmlns='jabber:client'><composing xmlns='urn:example'/></message>", XMPP_CHAT_STATE_NONE },
    { "<message xmlns='jabber:client'><typing xmlns='http://jabber.org/protocol/chatstates'/></message>",
      XMPP_CHAT_STATE_NONE },
    /* Only direct children: not one inside a forwarded copy. */
    { "<message xmlns='jabber:client'><x xmlns='urn:example'><active xmlns='http://jabber.org/protocol/chatstates'/></x></message>",
      XMPP_CHAT_STATE_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppNode) message = parse (cases[i].xml);

      g_assert_cmpint (xmpp_chat_state_get (message), ==, cases[i].state);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chat-states/names", test_names);
  g_test_add_func ("/chat-states/notification-xml", test_notification_xml);
  g_test_add_func ("/chat-states/set-replaces", test_set_replaces);
  g_test_add_func ("/chat-states/get", test_get);

  return g_test_run ();
}
