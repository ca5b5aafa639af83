/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xmpp-reader.h"
#include "xmpp-writer.h"

#include <string.h>

#define FFFD "\xEF\xBF\xBD"

static char *
escape (const char *text,
        gssize      len,
        gboolean    attribute)
{
  GString *out = g_string_new (NULL);

  xmpp_writer_escape (out, text, len, attribute);

  return g_string_free (out, FALSE);
}

static char *
write_node (const XmppNode *node,
            const char     *default_ns)
{
  GString *out = g_string_new (NULL);

  xmpp_writer_append (out, node, default_ns);

  return g_string_free (out, FALSE);
}

#define assert_escape(in, len, attribute, expected) \
  G_STMT_START { \
    g_autofree char *_s = escape (in, len, attribute); \
    g_assert_cmpstr (_s, ==, expected); \
  } G_STMT_END

static void
test_escape_markup (void)
{
  assert_escape ("plain text", -1, FALSE, "plain text");
  assert_escape ("", -1, FALSE, "");
  assert_escape ("a<b>&c'\"", -1, FALSE, "a&lt;b&gt;&amp;c'\"");
  assert_escape ("a<b>&c'\"", -1, TRUE, "a&lt;b&gt;&amp;c&apos;&quot;");
  assert_escape ("]]>", -1, FALSE, "]]&gt;");
  assert_escape ("abcdef", 3, FALSE, "abc");
}

static void
test_escape_whitespace_survives_normalisation (void)
{
  assert_escape ("a\tb\nc\rd", -1, FALSE, "a\tb\nc&#13;d");
  assert_escape ("a\tb\nc\rd", -1, TRUE, "a&#9;b&#10;c&#13;d");
}

static void
test_invalid_chars_are_replaced (void)
{
  /* C0 controls, NUL within an explicit length, U+FFFE and U+FFFF. */
  assert_escape ("a\x01" "b\x1F" "c\x7F", -1, FALSE, "a" FFFD "b" FFFD "c\x7F");
  assert_escape ("a\0b", 3, FALSE, "a" FFFD "b");
  assert_escape ("\xEF\xBF\xBE\xEF\xBF\xBF", -1, FALSE, FFFD FFFD);
  assert_escape ("\xEF\xBF\xBD", -1, FALSE, FFFD);

  /* Invalid UTF-8: one replacement per byte that starts nothing valid. */
  assert_escape ("a\xC0\xAF" "b", -1, FALSE, "a" FFFD FFFD "b");
  assert_escape ("\xED\xA0\x80", -1, TRUE, FFFD FFFD FFFD);
  assert_escape ("\xF4\x90\x80\x80", -1, FALSE, FFFD FFFD FFFD FFFD);
  assert_escape ("x\xE2\x82", -1, FALSE, "x" FFFD FFFD);
  assert_escape ("\x80\xFF", -1, FALSE, FFFD FFFD);

  /* Valid multi-byte characters are kept. */
  assert_escape ("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF", -1, FALSE,
                 "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
}

static void
test_hostile_body_cannot_break_the_stream (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("message", XMPP_NS_CLIENT);
  g_autoptr(XmppNode) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  const char *body = "</body></message><iq type='set'><query xmlns='jabber:iq:roster'/></iq>"
                     "\x01\xFF\xC0<![CDATA[ ]]> &amp; <!-- x --> <?pi?>";

  xmpp_node_set_attr (node, "to", "a@b'/><iq>");
  xmpp_node_append_text (xmpp_node_add_child (node, "body", NULL), body, -1);
  xml = xmpp_node_to_string (node);

  parsed = xmpp_node_parse (xml, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (xmpp_node_get_n_children (parsed), ==, 1);
  g_assert_cmpstr (xmpp_node_get_attr (parsed, "to"), ==, "a@b'/><iq>");
  g_assert_true (g_str_has_prefix (xmpp_node_get_child_text (parsed, "body", NULL),
                                   "</body></message><iq type='set'>"));
}

static void
test_namespace_scoping (void)
{
  g_autoptr(XmppNode) node = NULL;
  g_autofree char *in_stream = NULL;
  g_autofree char *alone = NULL;

  node = xmpp_node_build ("message", XMPP_NS_CLIENT,
                          XMPP_BUILD_ATTR, "to", "romeo@example.net",
                          XMPP_BUILD_CHILD, "body", NULL,
                            XMPP_BUILD_TEXT, "hi",
                          XMPP_BUILD_UP,
                          XMPP_BUILD_CHILD, "received", "urn:xmpp:carbons:2",
                            XMPP_BUILD_CHILD, "forwarded", "urn:xmpp:forward:0",
                              XMPP_BUILD_CHILD, "message", XMPP_NS_CLIENT,
                                XMPP_BUILD_CHILD, "body", NULL,
                                XMPP_BUILD_UP,
                              XMPP_BUILD_UP,
                            XMPP_BUILD_UP,
                          XMPP_BUILD_UP,
                          XMPP_BUILD_END);
  xmpp_node_take_child (node, xmpp_node_new ("nons", NULL));

  in_stream = write_node (node, XMPP_NS_CLIENT);
  g_assert_cmpstr (in_stream, ==,
                   "<message to='romeo@example.net'>"
                   "<body>hi</body>"
                   "<received xmlns='urn:xmpp:carbons:2'>"
                   "<forwarded xmlns='urn:xmpp:forward:0'>"
                   "<message xmlns='jabber:client'><body/></message>"
                   "</forwarded>"
                   "</received>"
                   "<nons xmlns=''/>"
                   "</message>");

  alone = xmpp_node_to_string (node);
  g_assert_true (g_str_has_prefix (alone, "<message xmlns='jabber:client' to="));
}

static void
test_no_namespace_at_top (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("a", NULL);
  g_autofree char *xml = NULL;
  g_autofree char *in_stream = NULL;

  xml = xmpp_node_to_string (node);
  g_assert_cmpstr (xml, ==, "<a/>");
  in_stream = write_node (node, XMPP_NS_CLIENT);
  g_assert_cmpstr (in_stream, ==, "<a xmlns=''/>");
}

static void
test_namespaced_attributes (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("x", "urn:x");
  g_autofree char *xml = NULL;

  xmpp_node_set_attr (node, "xml:lang", "en");
  xmpp_node_set_attr (node, "{urn:a}one", "1");
  xmpp_node_set_attr (node, "{urn:b}two", "2");
  xmpp_node_set_attr (node, "{urn:a}three", "3");
  xmpp_node_set_attr (node, "{" XMPP_NS_XML "}space", "preserve");
  xmpp_node_set_attr (node, "{}plain", "p");
  xmpp_node_set_attr (node, "xmlns", "urn:evil");
  xmpp_node_set_attr (node, "xmlns:e", "urn:evil");

  xml = xmpp_node_to_string (node);
  g_assert_cmpstr (xml, ==,
                   "<x xmlns='urn:x' xml:lang='en'"
                   " xmlns:ns0='urn:a' ns0:one='1'"
                   " xmlns:ns1='urn:b' ns1:two='2'"
                   " ns0:three='3'"
                   " xml:space='preserve'"
                   " plain='p'/>");
}

static void
test_xml_namespace_element_uses_its_prefix (void)
{
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(XmppNode) again = NULL;
  g_autofree char *xml = NULL;

  /* xmlns='http://www.w3.org/XML/1998/namespace' would not be well formed. */
  node = xmpp_node_parse ("<a xmlns='urn:a'><xml:b><c/></xml:b></a>", -1, NULL);
  g_assert_nonnull (node);
  g_assert_true (xmpp_node_is (xmpp_node_get_child_at (node, 0), "b", XMPP_NS_XML));

  xml = xmpp_node_to_string (node);
  g_assert_cmpstr (xml, ==, "<a xmlns='urn:a'><xml:b><c/></xml:b></a>");
  again = xmpp_node_parse (xml, -1, NULL);
  g_assert_nonnull (again);
  g_assert_true (xmpp_node_equal (node, again));
}

static void
test_empty_elements_self_close (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("ping", "urn:xmpp:ping");
  g_autofree char *empty = NULL;
  g_autofree char *emptied = NULL;

  empty = xmpp_node_to_string (node);
  g_assert_cmpstr (empty, ==, "<ping xmlns='urn:xmpp:ping'/>");

  xmpp_node_set_text (node, "x");
  xmpp_node_set_text (node, "");
  emptied = xmpp_node_to_string (node);
  g_assert_cmpstr (emptied, ==, "<ping xmlns='urn:xmpp:ping'/>");
}

static void
test_stream_open_and_close (void)
{
  g_autofree char *minimal = xmpp_writer_stream_open ("example.org", NULL, NULL);
  g_autofree char *full = xmpp_writer_stream_open ("example.org", "juliet@example.org", "en");
  g_autofree char *hostile = xmpp_writer_stream_open ("a'><x", NULL, NULL);
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  g_autoptr(XmppNode) header = NULL;

  g_assert_cmpstr (minimal, ==,
                   "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                   " xmlns:stream='http://etherx.jabber.org/streams'"
                   " to='example.org' version='1.0'>");
  g_assert_cmpstr (full, ==,
                   "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                   " xmlns:stream='http://etherx.jabber.org/streams'"
                   " to='example.org' from='juliet@example.org' version='1.0' xml:lang='en'>");
  g_assert_nonnull (strstr (hostile, "to='a&apos;&gt;&lt;x'"));
  g_assert_cmpstr (xmpp_writer_stream_close (), ==, "</stream:stream>");

  g_assert_true (xmpp_reader_feed (reader, full, strlen (full), NULL));
  g_assert_cmpint (xmpp_reader_pop (reader, &header), ==, XMPP_READER_EVENT_STREAM_OPEN);
  g_assert_cmpstr (xmpp_node_get_attr (header, "from"), ==, "juliet@example.org");
  g_assert_cmpstr (xmpp_node_get_attr (header, "xml:lang"), ==, "en");
  g_assert_true (xmpp_reader_feed (reader, xmpp_writer_stream_close (),
                                   strlen (xmpp_writer_stream_close ()), NULL));
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_STREAM_CLOSE);
}

static const char *round_trip_stanzas[] = {
  "<message xmlns='jabber:client' to='romeo@example.net' from='juliet@example.com/balcony'"
  " type='chat' id='ktx72v49' xml:lang='en'><body>Art thou not Romeo, and a Montague?</body>"
  "<thread>e0ffe42b28561960c6b12b944a092794b9683a38</thread>"
  "<active xmlns='http://jabber.org/protocol/chatstates'/></message>",

  "<presence xmlns='jabber:client' from='juliet@example.com/balcony'><show>xa</show>"
  "<status>‘Gone’ &amp; &lt;away&gt; \xF0\x9F\x8C\x99</status><priority>-1</priority>"
  "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://petrel.im'"
  " ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence>",

  "<iq xmlns='jabber:client' type='result' id='roster_1'><query xmlns='jabber:iq:roster' ver='v1'>"
  "<item jid='romeo@example.net' name='Romeo &quot;R&quot; &apos;M&apos;' subscription='both'>"
  "<group>Friends</group><group>Lovers</group></item>"
  "<item jid='nurse@example.com' subscription='none' ask='subscribe'/></query></iq>",

  "<message xmlns='jabber:client' to='juliet@capulet.lit/chamber'>"
  "<result xmlns='urn:xmpp:mam:2' queryid='f27' id='28482-98726-73623'>"
  "<forwarded xmlns='urn:xmpp:forward:0'>"
  "<delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>"
  "<message xmlns='jabber:client' to='juliet@capulet.lit/balcony' from='romeo@montague.lit/orchard'"
  " type='chat'><body>Call me but love, and I'll be new baptized;</body></message>"
  "</forwarded></result></message>",

  "<message xmlns='jabber:client' xmlns:p='urn:p' p:attr='v&#9;&#10;&#13;x'>"
  "<body>line1\nline2&#13;\tindented ]]&gt;</body><empty xmlns=''/>"
  "<p:child xml:lang='fr' p:x='1'><inner/></p:child></message>",

  "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
  "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
  "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>Replaced</text></stream:error>",
};

static void
test_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (round_trip_stanzas); i++)
    {
      g_autoptr(XmppNode) node = NULL;
      g_autoptr(XmppNode) again = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *xml = NULL;
      g_autofree char *xml_again = NULL;

      node = xmpp_node_parse (round_trip_stanzas[i], -1, &error);
      g_assert_no_error (error);
      xml = xmpp_node_to_string (node);
      again = xmpp_node_parse (xml, -1, &error);
      g_assert_no_error (error);
      g_assert_true (xmpp_node_equal (node, again));

      /* Serialising is stable after the first pass. */
      xml_again = xmpp_node_to_string (again);
      g_assert_cmpstr (xml, ==, xml_again);
    }
}

static void
test_round_trip_built (void)
{
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(XmppNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  GString *out = g_string_new (NULL);

  node = xmpp_node_build ("message", XMPP_NS_CLIENT,
                          XMPP_BUILD_ATTR, "id", "a'b\"c<d>&e\tf\ng\rh",
                          XMPP_BUILD_ATTR, "{urn:x}x", "1",
                          XMPP_BUILD_CHILD, "body", NULL,
                            XMPP_BUILD_TEXT, "a'b\"c<d>&e\tf\ng\rh]]>",
                          XMPP_BUILD_UP,
                          XMPP_BUILD_END);
  xmpp_node_take_child (node, xmpp_node_new ("free", NULL));

  xml = xmpp_node_to_string (node);
  again = xmpp_node_parse (xml, -1, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_node_equal (node, again));

  /* Inside a stream whose default namespace is jabber:client. */
  g_string_append (out, "<stream:stream xmlns='jabber:client' xmlns:stream='" XMPP_NS_STREAM "'>");
  xmpp_writer_append (out, node, XMPP_NS_CLIENT);
  {
    g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
    g_autoptr(XmppNode) stanza = NULL;

    g_assert_true (xmpp_reader_feed (reader, out->str, out->len, &error));
    g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_STREAM_OPEN);
    g_assert_cmpint (xmpp_reader_pop (reader, &stanza), ==, XMPP_READER_EVENT_STANZA);
    g_assert_true (xmpp_node_equal (node, stanza));
  }
  g_string_free (out, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/writer/escape-markup", test_escape_markup);
  g_test_add_func ("/xmpp/writer/escape-whitespace", test_escape_whitespace_survives_normalisation);
  g_test_add_func ("/xmpp/writer/invalid-chars-are-replaced", test_invalid_chars_are_replaced);
  g_test_add_func ("/xmpp/writer/hostile-body-cannot-break-the-stream",
                   test_hostile_body_cannot_break_the_stream);
  g_test_add_func ("/xmpp/writer/namespace-scoping", test_namespace_scoping);
  g_test_add_func ("/xmpp/writer/no-namespace-at-top", test_no_namespace_at_top);
  g_test_add_func ("/xmpp/writer/namespaced-attributes", test_namespaced_attributes);
  g_test_add_func ("/xmpp/writer/xml-namespace-element-uses-its-prefix",
                   test_xml_namespace_element_uses_its_prefix);
  g_test_add_func ("/xmpp/writer/empty-elements-self-close", test_empty_elements_self_close);
  g_test_add_func ("/xmpp/writer/stream-open-and-close", test_stream_open_and_close);
  g_test_add_func ("/xmpp/writer/round-trip", test_round_trip);
  g_test_add_func ("/xmpp/writer/round-trip-built", test_round_trip_built);

  return g_test_run ();
}
