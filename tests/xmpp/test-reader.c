/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xmpp-reader.h"

#include <string.h>

#define HEADER \
  "<?xml version='1.0'?>" \
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'" \
  " from='example.org' id='s1' version='1.0' xml:lang='en'>"

#define FEATURES \
  "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"

#define MESSAGE \
  "<message from='juliet@example.com/balcony' to='romeo@example.net' type='chat' id='m1'>" \
  "<body>Wherefore art thou, Romeo? \xF0\x9F\x8C\xB9 &amp; &lt;3</body>" \
  "<delay xmlns='urn:xmpp:delay' from='example.com' stamp='2002-09-10T23:08:25Z'/>" \
  "</message>"

#define PRESENCE \
  "<presence from='juliet@example.com/balcony'>" \
  "<show>away</show><status>Ŝtatus ‘with’ unicode</status>" \
  "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://petrel.im'" \
  " ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>" \
  "</presence>"

#define CLOSE "</stream:stream>"

/* Feeds @xml in chunks of @chunk bytes (0: at once) and logs the events. */
static char *
read_events (XmppReaderMode          mode,
             const XmppReaderLimits *limits,
             const char             *xml,
             gsize                   len,
             gsize                   chunk,
             GError                **error)
{
  g_autoptr(XmppReader) reader = xmpp_reader_new (mode, limits);
  GString *log = g_string_new (NULL);
  XmppReaderEvent event;
  XmppNode *node;

  if (chunk == 0)
    chunk = MAX (len, 1);

  for (gsize offset = 0; offset < len; offset += chunk)
    {
      if (!xmpp_reader_feed (reader, xml + offset, MIN (chunk, len - offset), error))
        break;
    }

  while ((event = xmpp_reader_pop (reader, &node)) != XMPP_READER_EVENT_NONE)
    {
      g_autofree char *str = node != NULL ? xmpp_node_to_string (node) : NULL;

      switch (event)
        {
        case XMPP_READER_EVENT_STREAM_OPEN:
          g_assert_nonnull (node);
          g_assert_cmpuint (xmpp_node_get_n_children (node), ==, 0);
          g_string_append_printf (log, "open %s\n", str);
          break;
        case XMPP_READER_EVENT_STANZA:
          g_string_append_printf (log, "stanza %s\n", str);
          break;
        case XMPP_READER_EVENT_STREAM_CLOSE:
          g_assert_null (node);
          g_string_append (log, "close\n");
          break;
        case XMPP_READER_EVENT_NONE:
        default:
          g_assert_not_reached ();
        }
      g_clear_pointer (&node, xmpp_node_unref);
    }

  return g_string_free (log, FALSE);
}

static char *
read_stream (const char *xml,
             gsize       chunk,
             GError    **error)
{
  return read_events (XMPP_READER_MODE_STREAM, NULL, xml, strlen (xml), chunk, error);
}

/* Asserts that @xml fails with @code whether fed at once or byte by byte. */
static void
assert_stream_error (const XmppReaderLimits *limits,
                     const char             *xml,
                     gsize                   len,
                     XmppReaderError         code)
{
  const gsize chunks[] = { 0, 1, 4096 };

  for (guint i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *log = NULL;

      log = read_events (XMPP_READER_MODE_STREAM, limits, xml, len, chunks[i], &error);
      g_assert_error (error, XMPP_READER_ERROR, (int) code);
    }
}

static void
assert_stanza_error (const char      *stanza,
                     XmppReaderError  code)
{
  g_autofree char *xml = g_strconcat (HEADER, stanza, NULL);

  assert_stream_error (NULL, xml, strlen (xml), code);
}

static void
test_stream_events (void)
{
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (xmpp_reader_pop (reader, &node), ==, XMPP_READER_EVENT_NONE);
  g_assert_null (node);

  g_assert_true (xmpp_reader_feed (reader, HEADER, strlen (HEADER), &error));
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_reader_pop (reader, &node), ==, XMPP_READER_EVENT_STREAM_OPEN);
  g_assert_true (xmpp_node_is (node, "stream", XMPP_NS_STREAM));
  g_assert_cmpstr (xmpp_node_get_attr (node, "from"), ==, "example.org");
  g_assert_cmpstr (xmpp_node_get_attr (node, "id"), ==, "s1");
  g_assert_cmpstr (xmpp_node_get_attr (node, "version"), ==, "1.0");
  g_assert_cmpstr (xmpp_node_get_attr (node, "xml:lang"), ==, "en");
  g_assert_cmpuint (xmpp_node_get_n_attrs (node), ==, 4);
  g_clear_pointer (&node, xmpp_node_unref);
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_NONE);

  g_assert_true (xmpp_reader_feed (reader, FEATURES, strlen (FEATURES), &error));
  g_assert_cmpint (xmpp_reader_pop (reader, &node), ==, XMPP_READER_EVENT_STANZA);
  g_assert_true (xmpp_node_is (node, "features", XMPP_NS_STREAM));
  g_assert_nonnull (xmpp_node_get_child (node, "bind", XMPP_NS_BIND));
  g_clear_pointer (&node, xmpp_node_unref);

  g_assert_true (xmpp_reader_feed (reader, MESSAGE, strlen (MESSAGE), &error));
  g_assert_cmpint (xmpp_reader_pop (reader, &node), ==, XMPP_READER_EVENT_STANZA);
  g_assert_true (xmpp_node_is (node, "message", XMPP_NS_CLIENT));
  g_assert_cmpstr (xmpp_node_get_child_text (node, "body", XMPP_NS_CLIENT), ==,
                   "Wherefore art thou, Romeo? \xF0\x9F\x8C\xB9 & <3");
  g_assert_cmpstr (xmpp_node_get_attr (xmpp_node_get_child (node, "delay", "urn:xmpp:delay"), "stamp"),
                   ==, "2002-09-10T23:08:25Z");
  g_clear_pointer (&node, xmpp_node_unref);

  g_assert_true (xmpp_reader_feed (reader, CLOSE, strlen (CLOSE), &error));
  g_assert_cmpint (xmpp_reader_pop (reader, &node), ==, XMPP_READER_EVENT_STREAM_CLOSE);
  g_assert_null (node);
  g_assert_cmpint (xmpp_reader_pop (reader, &node), ==, XMPP_READER_EVENT_NONE);
  g_assert_true (xmpp_reader_finish (reader, &error));
  g_assert_no_error (error);
}

static void
test_chunking_gives_same_events (void)
{
  const char *xml = HEADER "\n  " FEATURES "\n" MESSAGE " " PRESENCE
                    "<iq type='result' id='r'><query xmlns='jabber:iq:roster'>"
                    "<item jid='a@b' name='A &amp; B &#x1F600;'><group>G</group></item>"
                    "</query></iq>"
                    "<message><body><![CDATA[<not a tag> & ]] >]]>\r\n tail</body></message>"
                    CLOSE;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  expected = read_stream (xml, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (expected, "close\n"));
  {
    g_auto(GStrv) stanzas = g_strsplit (expected, "\nstanza ", -1);

    g_assert_cmpuint (g_strv_length (stanzas), ==, 6);
  }

  for (gsize chunk = 1; chunk <= 17; chunk++)
    {
      g_autofree char *log = read_stream (xml, chunk, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (log, ==, expected);
    }
}

static void
test_several_stanzas_per_chunk (void)
{
  g_autofree char *log = NULL;
  g_autoptr(GError) error = NULL;

  log = read_stream (HEADER "<a/><b/>  <c>x</c>\n<d/>", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (log, ==,
                   "open <stream xmlns='http://etherx.jabber.org/streams' from='example.org'"
                   " id='s1' version='1.0' xml:lang='en'/>\n"
                   "stanza <a xmlns='jabber:client'/>\n"
                   "stanza <b xmlns='jabber:client'/>\n"
                   "stanza <c xmlns='jabber:client'>x</c>\n"
                   "stanza <d xmlns='jabber:client'/>\n");
}

static void
test_namespaces (void)
{
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  g_autoptr(XmppNode) node = NULL;
  const char *xml = HEADER
    "<message xmlns:x='urn:x' x:flag='1' xml:lang='de' plain='2'>"
    "<x:a><b/></x:a>"
    "<c xmlns='urn:c'><d/><x:e/></c>"
    "<f/>"
    "<stream:error/>"
    "<g xmlns=''/>"
    "</message>";
  XmppNode *a, *c;

  g_assert_true (xmpp_reader_feed (reader, xml, strlen (xml), NULL));
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_STREAM_OPEN);
  g_assert_cmpint (xmpp_reader_pop (reader, &node), ==, XMPP_READER_EVENT_STANZA);

  g_assert_true (xmpp_node_is (node, "message", XMPP_NS_CLIENT));
  g_assert_cmpuint (xmpp_node_get_n_attrs (node), ==, 3);
  g_assert_cmpstr (xmpp_node_get_attr (node, "{urn:x}flag"), ==, "1");
  g_assert_cmpstr (xmpp_node_get_attr (node, "xml:lang"), ==, "de");
  g_assert_cmpstr (xmpp_node_get_attr (node, "plain"), ==, "2");

  a = xmpp_node_get_child_at (node, 0);
  g_assert_true (xmpp_node_is (a, "a", "urn:x"));
  g_assert_true (xmpp_node_is (xmpp_node_get_child_at (a, 0), "b", XMPP_NS_CLIENT));
  c = xmpp_node_get_child_at (node, 1);
  g_assert_true (xmpp_node_is (c, "c", "urn:c"));
  g_assert_true (xmpp_node_is (xmpp_node_get_child_at (c, 0), "d", "urn:c"));
  g_assert_true (xmpp_node_is (xmpp_node_get_child_at (c, 1), "e", "urn:x"));
  g_assert_true (xmpp_node_is (xmpp_node_get_child_at (node, 2), "f", XMPP_NS_CLIENT));
  g_assert_true (xmpp_node_is (xmpp_node_get_child_at (node, 3), "error", XMPP_NS_STREAM));
  g_assert_true (xmpp_node_is (xmpp_node_get_child_at (node, 4), "g", NULL));
  g_assert_null (xmpp_node_get_ns (xmpp_node_get_child_at (node, 4)));
}

static void
test_unbound_prefix_is_not_well_formed (void)
{
  assert_stanza_error ("<message><y:a/></message>", XMPP_READER_ERROR_NOT_WELL_FORMED);
}

static void
test_entities_and_char_refs (void)
{
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = xmpp_node_parse ("<body a='&lt;&amp;&gt;&quot;&apos;&#x1F600;&#10;x'>"
                          "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#x1F600; &#65;"
                          "</body>", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_node_get_text (node), ==,
                   "a & b <c> \"d\" 'e' \xF0\x9F\x98\x80 A");
  g_assert_cmpstr (xmpp_node_get_attr (node, "a"), ==,
                   "<&>\"'\xF0\x9F\x98\x80\nx");
}

static void
test_cdata_is_text (void)
{
  g_autoptr(XmppNode) node = xmpp_node_parse ("<body>a<![CDATA[<b> & c]]>d</body>", -1, NULL);

  g_assert_nonnull (node);
  g_assert_cmpstr (xmpp_node_get_text (node), ==, "a<b> & cd");
}

static void
test_text_and_children_concatenate (void)
{
  g_autoptr(XmppNode) node = xmpp_node_parse ("<p>one <b>two</b> three</p>", -1, NULL);

  g_assert_cmpstr (xmpp_node_get_text (node), ==, "one  three");
  g_assert_cmpstr (xmpp_node_get_child_text (node, "b", NULL), ==, "two");
}

static void
test_whitespace_keepalives_do_not_count (void)
{
  const char *header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
  XmppReaderLimits limits = { .max_stanza_size = strlen (header) };
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, &limits);
  g_autoptr(GError) error = NULL;

  /* RFC 6120 §4.6.1 whitespace pings between stanzas are not a stanza. */
  g_assert_true (xmpp_reader_feed (reader, header, strlen (header), &error));
  for (guint i = 0; i < 10000; i++)
    {
      g_assert_true (xmpp_reader_feed (reader, " \n", 2, &error));
      if (i % 100 == 0)
        g_assert_true (xmpp_reader_feed (reader, "<r/>", 4, &error));
    }
  g_assert_no_error (error);
}

static void
test_doctype_is_rejected (void)
{
  const char *xml = "<?xml version='1.0'?><!DOCTYPE stream:stream>" HEADER;

  assert_stream_error (NULL, xml, strlen (xml), XMPP_READER_ERROR_RESTRICTED_XML);
}

static void
test_billion_laughs_is_rejected (void)
{
  const char *xml =
    "<?xml version='1.0'?>"
    "<!DOCTYPE lolz ["
    " <!ENTITY lol 'lol'>"
    " <!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
    " <!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>"
    " <!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>"
    " <!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>"
    " <!ENTITY lol5 '&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;'>"
    " <!ENTITY lol6 '&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;'>"
    " <!ENTITY lol7 '&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;'>"
    " <!ENTITY lol8 '&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;'>"
    " <!ENTITY lol9 '&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;'>"
    "]>"
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
    "<message><body>&lol9;</body></message>";
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppNode) node = NULL;

  assert_stream_error (NULL, xml, strlen (xml), XMPP_READER_ERROR_RESTRICTED_XML);

  node = xmpp_node_parse (strstr (xml, "<!DOCTYPE"), -1, &error);
  g_assert_null (node);
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_RESTRICTED_XML);
}

static void
test_external_entity_is_rejected (void)
{
  const char *xml = "<?xml version='1.0'?>"
                    "<!DOCTYPE foo [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>"
                    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
                    "<message><body>&xxe;</body></message>";
  const char *doc = "<!DOCTYPE foo SYSTEM 'http://attacker.example/x.dtd'><foo/>";
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppNode) node = NULL;

  assert_stream_error (NULL, xml, strlen (xml), XMPP_READER_ERROR_RESTRICTED_XML);

  node = xmpp_node_parse (doc, -1, &error);
  g_assert_null (node);
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_RESTRICTED_XML);
}

static void
test_undeclared_entity_is_rejected (void)
{
  assert_stanza_error ("<message><body>&xxe;</body></message>", XMPP_READER_ERROR_RESTRICTED_XML);
  assert_stanza_error ("<message to='&nbsp;'/>", XMPP_READER_ERROR_RESTRICTED_XML);
}

static void
test_comments_are_rejected (void)
{
  const char *before = "<?xml version='1.0'?><!-- hello -->" HEADER;

  assert_stanza_error ("<message><!-- hidden --><body/></message>", XMPP_READER_ERROR_RESTRICTED_XML);
  assert_stanza_error ("<!-- between stanzas -->", XMPP_READER_ERROR_RESTRICTED_XML);
  assert_stream_error (NULL, before, strlen (before), XMPP_READER_ERROR_RESTRICTED_XML);
}

static void
test_processing_instructions_are_rejected (void)
{
  const char *before = "<?xml-stylesheet href='x'?>" HEADER;

  assert_stanza_error ("<message><?php evil(); ?></message>", XMPP_READER_ERROR_RESTRICTED_XML);
  assert_stanza_error ("<?evil?>", XMPP_READER_ERROR_RESTRICTED_XML);
  assert_stream_error (NULL, before, strlen (before), XMPP_READER_ERROR_RESTRICTED_XML);
  /* A second XML declaration is a misplaced PI. */
  assert_stanza_error ("<?xml version='1.0'?>", XMPP_READER_ERROR_RESTRICTED_XML);
}

static void
test_invalid_utf8_is_rejected (void)
{
  static const char *bad[] = {
    "\xC0\xAF",              /* overlong '/' */
    "\xE0\x80\xAF",          /* overlong, three bytes */
    "\xF0\x80\x80\xAF",      /* overlong, four bytes */
    "\xED\xA0\x80",          /* UTF-16 surrogate D800 */
    "\xED\xBF\xBF",          /* surrogate DFFF */
    "\xF4\x90\x80\x80",      /* beyond U+10FFFF */
    "\xE2\x82",              /* truncated sequence */
    "\x80",                  /* lone continuation byte */
    "\xFE\xFF",              /* never valid */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *in_text = g_strdup_printf ("<message><body>a%sb</body></message>", bad[i]);
      g_autofree char *in_attr = g_strdup_printf ("<message id='a%sb'/>", bad[i]);

      assert_stanza_error (in_text, XMPP_READER_ERROR_BAD_ENCODING);
      assert_stanza_error (in_attr, XMPP_READER_ERROR_BAD_ENCODING);
    }
}

static void
test_truncated_utf8_at_end_is_rejected (void)
{
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_DOCUMENT, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (xmpp_reader_feed (reader, "<a>\xE2\x82", 5, &error));
  g_assert_false (xmpp_reader_finish (reader, &error));
  g_assert_nonnull (error);
}

static void
test_non_xml_characters_are_rejected (void)
{
  assert_stanza_error ("<message><body>\x01</body></message>", XMPP_READER_ERROR_NOT_WELL_FORMED);
  assert_stanza_error ("<message><body>\xEF\xBF\xBE</body></message>", XMPP_READER_ERROR_NOT_WELL_FORMED);
  assert_stanza_error ("<message><body>&#0;</body></message>", XMPP_READER_ERROR_NOT_WELL_FORMED);
}

static void
test_latin1_encoding_is_rejected (void)
{
  const char *xml = "<?xml version='1.0' encoding='ISO-8859-1'?>"
                    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
  const char *utf16 = "<?xml version='1.0' encoding='UTF-16'?><a/>";
  const char *lower = "<?xml version='1.0' encoding='utf-8'?>"
                      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  assert_stream_error (NULL, xml, strlen (xml), XMPP_READER_ERROR_BAD_ENCODING);
  g_assert_null (xmpp_node_parse (utf16, -1, &error));
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_BAD_ENCODING);
  g_clear_error (&error);

  log = read_stream (lower, 1, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (log, "open "));
}

static void
test_mismatched_tag_is_not_well_formed (void)
{
  assert_stanza_error ("<message><body></message>", XMPP_READER_ERROR_NOT_WELL_FORMED);
  assert_stanza_error ("<message a='1' a='2'/>", XMPP_READER_ERROR_NOT_WELL_FORMED);
  assert_stanza_error ("<message><<", XMPP_READER_ERROR_NOT_WELL_FORMED);
  assert_stanza_error ("</stream:features>", XMPP_READER_ERROR_NOT_WELL_FORMED);
}

static void
test_wrong_root_is_rejected (void)
{
  const char *not_stream = "<foo xmlns='jabber:client'>";
  const char *wrong_ns = "<stream:stream xmlns:stream='urn:not-streams'>";
  const char *no_ns = "<stream>";

  assert_stream_error (NULL, not_stream, strlen (not_stream), XMPP_READER_ERROR_NOT_WELL_FORMED);
  assert_stream_error (NULL, wrong_ns, strlen (wrong_ns), XMPP_READER_ERROR_NOT_WELL_FORMED);
  assert_stream_error (NULL, no_ns, strlen (no_ns), XMPP_READER_ERROR_NOT_WELL_FORMED);
}

static void
test_stanza_size_limit (void)
{
  XmppReaderLimits limits = { .max_stanza_size = 120 };
  g_autoptr(GString) xml = g_string_new (HEADER);
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  gsize header_len = xml->len;

  /* The limit counts from the stanza's '<' to its last '>': exactly 120. */
  limits.max_stanza_size = MAX (120, header_len);
  g_string_append (xml, "<message>");
  for (gsize i = 0; i < limits.max_stanza_size - strlen ("<message></message>"); i++)
    g_string_append_c (xml, 'x');
  g_string_append (xml, "</message>");
  g_assert_cmpuint (xml->len - header_len, ==, limits.max_stanza_size);

  for (gsize chunk = 0; chunk < 8; chunk++)
    {
      g_clear_pointer (&log, g_free);
      log = read_events (XMPP_READER_MODE_STREAM, &limits, xml->str, xml->len, chunk, &error);
      g_assert_no_error (error);
      g_assert_nonnull (strstr (log, "stanza <message"));
    }

  /* One byte more fails, wherever the chunks end. */
  g_string_insert_c (xml, header_len + 9, 'y');
  assert_stream_error (&limits, xml->str, xml->len, XMPP_READER_ERROR_LIMIT);
}

static void
test_never_ending_start_tag_is_cut_off (void)
{
  XmppReaderLimits limits = { .max_stanza_size = 4096 };
  g_autoptr(XmppReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  const char *header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
  gsize fed = 0;
  gboolean ok = TRUE;

  /* No handler fires while a start tag is unfinished: the reader must
   * still stop once the buffered bytes pass the limit. */
  reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, &limits);
  g_assert_true (xmpp_reader_feed (reader, header, strlen (header), &error));
  g_assert_true (xmpp_reader_feed (reader, "<message", 8, &error));
  for (guint i = 0; ok && i < 100000; i++)
    {
      g_autofree char *attr = g_strdup_printf (" a%u='%u'", i, i);

      ok = xmpp_reader_feed (reader, attr, strlen (attr), &error);
      fed += strlen (attr);
    }
  g_assert_false (ok);
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_LIMIT);
  g_assert_cmpuint (fed, <=, limits.max_stanza_size + 16);
}

static void
test_never_ending_stream_header_is_cut_off (void)
{
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *chunk = g_strnfill (4096, 'a');
  gsize fed = 0;

  g_assert_true (xmpp_reader_feed (reader, "<stream:stream xmlns:stream='", 29, &error));
  while (xmpp_reader_feed (reader, chunk, 4096, &error))
    fed += 4096;
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_LIMIT);
  g_assert_cmpuint (fed, <=, XMPP_READER_DEFAULT_MAX_STANZA_SIZE);
}

static void
test_huge_text_fails_with_default_limit (void)
{
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *chunk = g_strnfill (4096, 'x');
  const char *start = "<message><body>";
  gsize fed = 0;

  g_assert_true (xmpp_reader_feed (reader, HEADER, strlen (HEADER), &error));
  g_assert_true (xmpp_reader_feed (reader, start, strlen (start), &error));
  while (fed < 2 * XMPP_READER_DEFAULT_MAX_STANZA_SIZE &&
         xmpp_reader_feed (reader, chunk, 4096, &error))
    fed += 4096;
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_LIMIT);
  g_assert_cmpuint (fed, <=, XMPP_READER_DEFAULT_MAX_STANZA_SIZE);
  g_assert_cmpuint (fed, >=, XMPP_READER_DEFAULT_MAX_STANZA_SIZE - 8192);

  /* The same in one feed of twice the limit. */
  {
    g_autoptr(XmppReader) reader2 = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
    g_autoptr(GString) xml = g_string_new (HEADER "<message><body>");
    g_autoptr(GError) error2 = NULL;

    for (guint i = 0; i < 2 * XMPP_READER_DEFAULT_MAX_STANZA_SIZE / 4096; i++)
      g_string_append_len (xml, chunk, 4096);
    g_assert_false (xmpp_reader_feed (reader2, xml->str, xml->len, &error2));
    g_assert_error (error2, XMPP_READER_ERROR, XMPP_READER_ERROR_LIMIT);
  }
}

static char *
nested (guint n)
{
  GString *xml = g_string_new (HEADER);

  for (guint i = 0; i < n; i++)
    g_string_append (xml, "<a>");
  for (guint i = 0; i < n; i++)
    g_string_append (xml, "</a>");

  return g_string_free (xml, FALSE);
}

static void
test_depth_limit (void)
{
  g_autofree char *ok = nested (XMPP_READER_DEFAULT_MAX_DEPTH);
  g_autofree char *too_deep = nested (XMPP_READER_DEFAULT_MAX_DEPTH + 1);
  g_autofree char *log = NULL;
  g_autoptr(GError) error = NULL;

  log = read_stream (ok, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (log, "stanza <a"));

  assert_stream_error (NULL, too_deep, strlen (too_deep), XMPP_READER_ERROR_LIMIT);
}

static void
test_100000_nested_elements_fail_fast (void)
{
  g_autofree char *xml = nested (100000);
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (xmpp_reader_feed (reader, xml, strlen (xml), &error));
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_LIMIT);
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_STREAM_OPEN);
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_NONE);
}

static void
test_document_depth_counts_from_root (void)
{
  XmppReaderLimits limits = { .max_depth = 3 };
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  const char *ok = "<a><b><c/></b></a>";
  const char *deep = "<a><b><c><d/></c></b></a>";

  log = read_events (XMPP_READER_MODE_DOCUMENT, &limits, ok, strlen (ok), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (log, ==, "stanza <a><b><c/></b></a>\n");

  g_clear_pointer (&log, g_free);
  log = read_events (XMPP_READER_MODE_DOCUMENT, &limits, deep, strlen (deep), 0, &error);
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_LIMIT);
}

static void
test_attribute_limit (void)
{
#define SHORT_HEADER "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
  XmppReaderLimits limits = { .max_attrs = 3 };
  const char *ok = SHORT_HEADER "<message a='1' b='2' c='3'/>";
  const char *too_many = SHORT_HEADER "<message a='1' b='2' c='3' d='4'/>";
  g_autoptr(GString) sixty_five = g_string_new (HEADER "<message");
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  log = read_events (XMPP_READER_MODE_STREAM, &limits, ok, strlen (ok), 0, &error);
  g_assert_no_error (error);
  assert_stream_error (&limits, too_many, strlen (too_many), XMPP_READER_ERROR_LIMIT);

  for (guint i = 0; i < XMPP_READER_DEFAULT_MAX_ATTRS + 1; i++)
    g_string_append_printf (sixty_five, " a%u=''", i);
  g_string_append (sixty_five, "/>");
  assert_stream_error (NULL, sixty_five->str, sixty_five->len, XMPP_READER_ERROR_LIMIT);
}

static void
test_data_after_close_is_rejected (void)
{
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  const char *xml = HEADER "<a/>" CLOSE;
  g_autoptr(GError) error = NULL;

  g_assert_true (xmpp_reader_feed (reader, xml, strlen (xml), &error));
  g_assert_false (xmpp_reader_feed (reader, "<b/>", 4, &error));
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_CLOSED);
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_STREAM_OPEN);
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_STANZA);
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_STREAM_CLOSE);
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_NONE);

  /* In the same chunk as the close: the events before the error stay. */
  xmpp_reader_reset (reader);
  g_clear_error (&error);
  g_assert_false (xmpp_reader_feed (reader, HEADER CLOSE "<b/>", strlen (HEADER CLOSE "<b/>"), &error));
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_CLOSED);
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_STREAM_OPEN);
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_STREAM_CLOSE);
}

static void
test_errors_are_fatal (void)
{
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (xmpp_reader_feed (reader, HEADER, strlen (HEADER), &error));
  g_assert_false (xmpp_reader_feed (reader, "<a><!--x-->", 11, &error));
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_RESTRICTED_XML);
  g_clear_error (&error);

  g_assert_false (xmpp_reader_feed (reader, "</a>", 4, &error));
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_RESTRICTED_XML);
  g_clear_error (&error);
  g_assert_false (xmpp_reader_feed (reader, "", 0, NULL));
  g_assert_false (xmpp_reader_finish (reader, &error));
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_RESTRICTED_XML);
}

static void
test_reset (void)
{
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(GError) error = NULL;

  /* Reset mid-stanza with events queued (STARTTLS proceed, then a new stream). */
  g_assert_true (xmpp_reader_feed (reader, HEADER "<proceed/><message><bo", strlen (HEADER) + 22, &error));
  xmpp_reader_reset (reader);
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_NONE);

  g_assert_true (xmpp_reader_feed (reader, HEADER FEATURES, strlen (HEADER FEATURES), &error));
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_STREAM_OPEN);
  g_assert_cmpint (xmpp_reader_pop (reader, &node), ==, XMPP_READER_EVENT_STANZA);
  g_assert_true (xmpp_node_is (node, "features", XMPP_NS_STREAM));

  /* Reset after an error clears it. */
  g_assert_false (xmpp_reader_feed (reader, "<?pi?>", 6, &error));
  g_clear_error (&error);
  xmpp_reader_reset (reader);
  g_assert_true (xmpp_reader_feed (reader, HEADER, strlen (HEADER), &error));
  g_assert_no_error (error);

  /* Reset after the close. */
  g_assert_true (xmpp_reader_feed (reader, CLOSE, strlen (CLOSE), &error));
  xmpp_reader_reset (reader);
  g_assert_true (xmpp_reader_feed (reader, HEADER, strlen (HEADER), &error));
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_STREAM_OPEN);
  g_assert_cmpint (xmpp_reader_pop (reader, NULL), ==, XMPP_READER_EVENT_NONE);
}

static void
test_finish_detects_truncated_stream (void)
{
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (xmpp_reader_feed (reader, HEADER "<a/>", strlen (HEADER) + 4, &error));
  g_assert_false (xmpp_reader_finish (reader, &error));
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_NOT_WELL_FORMED);
}

static void
test_node_parse_wants_one_element (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppNode) node = NULL;

  node = xmpp_node_parse ("<a><b/>", -1, &error);
  g_assert_null (node);
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_NOT_WELL_FORMED);
  g_clear_error (&error);

  node = xmpp_node_parse ("<a/><b/>", -1, &error);
  g_assert_null (node);
  g_assert_nonnull (error);
  g_clear_error (&error);

  node = xmpp_node_parse ("<a/>garbage", -1, &error);
  g_assert_null (node);
  g_assert_nonnull (error);
  g_clear_error (&error);

  node = xmpp_node_parse ("", -1, &error);
  g_assert_null (node);
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_NOT_WELL_FORMED);
  g_clear_error (&error);

  node = xmpp_node_parse ("<a/>\n", -1, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_node_is (node, "a", NULL));
  g_clear_pointer (&node, xmpp_node_unref);

  node = xmpp_node_parse ("<a/>ignored", 4, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/reader/stream-events", test_stream_events);
  g_test_add_func ("/xmpp/reader/chunking-gives-same-events", test_chunking_gives_same_events);
  g_test_add_func ("/xmpp/reader/several-stanzas-per-chunk", test_several_stanzas_per_chunk);
  g_test_add_func ("/xmpp/reader/namespaces", test_namespaces);
  g_test_add_func ("/xmpp/reader/unbound-prefix", test_unbound_prefix_is_not_well_formed);
  g_test_add_func ("/xmpp/reader/entities-and-char-refs", test_entities_and_char_refs);
  g_test_add_func ("/xmpp/reader/cdata-is-text", test_cdata_is_text);
  g_test_add_func ("/xmpp/reader/text-and-children", test_text_and_children_concatenate);
  g_test_add_func ("/xmpp/reader/whitespace-keepalives-do-not-count",
                   test_whitespace_keepalives_do_not_count);
  g_test_add_func ("/xmpp/reader/doctype-is-rejected", test_doctype_is_rejected);
  g_test_add_func ("/xmpp/reader/billion-laughs-is-rejected", test_billion_laughs_is_rejected);
  g_test_add_func ("/xmpp/reader/external-entity-is-rejected", test_external_entity_is_rejected);
  g_test_add_func ("/xmpp/reader/undeclared-entity-is-rejected", test_undeclared_entity_is_rejected);
  g_test_add_func ("/xmpp/reader/comments-are-rejected", test_comments_are_rejected);
  g_test_add_func ("/xmpp/reader/processing-instructions-are-rejected",
                   test_processing_instructions_are_rejected);
  g_test_add_func ("/xmpp/reader/invalid-utf8-is-rejected", test_invalid_utf8_is_rejected);
  g_test_add_func ("/xmpp/reader/truncated-utf8-at-end-is-rejected",
                   test_truncated_utf8_at_end_is_rejected);
  g_test_add_func ("/xmpp/reader/non-xml-characters-are-rejected",
                   test_non_xml_characters_are_rejected);
  g_test_add_func ("/xmpp/reader/latin1-encoding-is-rejected", test_latin1_encoding_is_rejected);
  g_test_add_func ("/xmpp/reader/mismatched-tag", test_mismatched_tag_is_not_well_formed);
  g_test_add_func ("/xmpp/reader/wrong-root-is-rejected", test_wrong_root_is_rejected);
  g_test_add_func ("/xmpp/reader/stanza-size-limit", test_stanza_size_limit);
  g_test_add_func ("/xmpp/reader/never-ending-start-tag-is-cut-off",
                   test_never_ending_start_tag_is_cut_off);
  g_test_add_func ("/xmpp/reader/never-ending-stream-header-is-cut-off",
                   test_never_ending_stream_header_is_cut_off);
  g_test_add_func ("/xmpp/reader/huge-text-fails-with-default-limit",
                   test_huge_text_fails_with_default_limit);
  g_test_add_func ("/xmpp/reader/depth-limit", test_depth_limit);
  g_test_add_func ("/xmpp/reader/100000-nested-elements-fail-fast",
                   test_100000_nested_elements_fail_fast);
  g_test_add_func ("/xmpp/reader/document-depth-counts-from-root",
                   test_document_depth_counts_from_root);
  g_test_add_func ("/xmpp/reader/attribute-limit", test_attribute_limit);
  g_test_add_func ("/xmpp/reader/data-after-close-is-rejected", test_data_after_close_is_rejected);
  g_test_add_func ("/xmpp/reader/errors-are-fatal", test_errors_are_fatal);
  g_test_add_func ("/xmpp/reader/reset", test_reset);
  g_test_add_func ("/xmpp/reader/finish-detects-truncated-stream",
                   test_finish_detects_truncated_stream);
  g_test_add_func ("/xmpp/reader/node-parse-wants-one-element", test_node_parse_wants_one_element);

  return g_test_run ();
}
