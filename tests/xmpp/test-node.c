/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xmpp-node.h"
#include "xmpp-reader.h"

static void
test_new_and_names (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("message", XMPP_NS_CLIENT);
  g_autoptr(XmppNode) bare = xmpp_node_new ("x", NULL);

  g_assert_cmpstr (xmpp_node_get_name (node), ==, "message");
  g_assert_cmpstr (xmpp_node_get_ns (node), ==, XMPP_NS_CLIENT);
  g_assert_true (xmpp_node_is (node, "message", XMPP_NS_CLIENT));
  g_assert_true (xmpp_node_is (node, "message", NULL));
  g_assert_false (xmpp_node_is (node, "message", "jabber:server"));
  g_assert_false (xmpp_node_is (node, "iq", XMPP_NS_CLIENT));

  g_assert_null (xmpp_node_get_ns (bare));
  g_assert_true (xmpp_node_is (bare, "x", NULL));
  g_assert_false (xmpp_node_is (bare, "x", "urn:x"));

  g_assert_cmpstr (xmpp_node_get_text (node), ==, "");
  g_assert_cmpuint (xmpp_node_get_n_attrs (node), ==, 0);
  g_assert_cmpuint (xmpp_node_get_n_children (node), ==, 0);
  g_assert_null (xmpp_node_get_child (node, "body", NULL));
  g_assert_null (xmpp_node_get_child_text (node, "body", NULL));
}

static void
test_attrs (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("iq", XMPP_NS_CLIENT);
  const char *name, *value;

  xmpp_node_set_attr (node, "type", "get");
  xmpp_node_set_attr (node, "id", "a1");
  xmpp_node_set_attr (node, "to", "example.org");
  g_assert_cmpuint (xmpp_node_get_n_attrs (node), ==, 3);
  g_assert_cmpstr (xmpp_node_get_attr (node, "id"), ==, "a1");
  g_assert_null (xmpp_node_get_attr (node, "from"));

  /* Replacing keeps the position. */
  xmpp_node_set_attr (node, "type", "set");
  xmpp_node_get_attr_at (node, 0, &name, &value);
  g_assert_cmpstr (name, ==, "type");
  g_assert_cmpstr (value, ==, "set");

  /* Setting a value from the node itself is safe. */
  xmpp_node_set_attr (node, "id", xmpp_node_get_attr (node, "id"));
  g_assert_cmpstr (xmpp_node_get_attr (node, "id"), ==, "a1");

  /* Removing closes the gap. */
  xmpp_node_set_attr (node, "id", NULL);
  xmpp_node_set_attr (node, "absent", NULL);
  g_assert_cmpuint (xmpp_node_get_n_attrs (node), ==, 2);
  xmpp_node_get_attr_at (node, 1, &name, &value);
  g_assert_cmpstr (name, ==, "to");
  g_assert_cmpstr (value, ==, "example.org");

  /* Growing past the first allocation. */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *key = g_strdup_printf ("a%u", i);
      g_autofree char *val = g_strdup_printf ("v%u", i);

      xmpp_node_set_attr (node, key, val);
    }
  g_assert_cmpuint (xmpp_node_get_n_attrs (node), ==, 42);
  g_assert_cmpstr (xmpp_node_get_attr (node, "a39"), ==, "v39");
  g_assert_cmpstr (xmpp_node_get_attr (node, "type"), ==, "set");

  xmpp_node_set_attr (node, "xml:lang", "en");
  g_assert_cmpstr (xmpp_node_get_attr (node, "xml:lang"), ==, "en");
}

static void
test_text (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("body", XMPP_NS_CLIENT);

  xmpp_node_append_text (node, "Hello", -1);
  xmpp_node_append_text (node, ", world!!!", 8);
  xmpp_node_append_text (node, "", -1);
  g_assert_cmpstr (xmpp_node_get_text (node), ==, "Hello, world!");

  xmpp_node_set_text (node, "bye");
  g_assert_cmpstr (xmpp_node_get_text (node), ==, "bye");
  xmpp_node_set_text (node, NULL);
  g_assert_cmpstr (xmpp_node_get_text (node), ==, "");
}

static void
test_children (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("message", XMPP_NS_CLIENT);
  XmppNode *body, *x;

  body = xmpp_node_add_child (node, "body", NULL);
  xmpp_node_set_text (body, "hi");
  x = xmpp_node_add_child (node, "x", "jabber:x:oob");
  xmpp_node_take_child (x, xmpp_node_new ("url", "jabber:x:oob"));

  g_assert_cmpstr (xmpp_node_get_ns (body), ==, XMPP_NS_CLIENT);
  g_assert_cmpuint (xmpp_node_get_n_children (node), ==, 2);
  g_assert_true (xmpp_node_get_child_at (node, 0) == body);
  g_assert_true (xmpp_node_get_child (node, "x", "jabber:x:oob") == x);
  g_assert_true (xmpp_node_get_child (node, "x", NULL) == x);
  g_assert_null (xmpp_node_get_child (node, "x", XMPP_NS_CLIENT));
  g_assert_cmpstr (xmpp_node_get_child_text (node, "body", XMPP_NS_CLIENT), ==, "hi");
  g_assert_cmpstr (xmpp_node_get_child_text (node, "x", NULL), ==, "");

  xmpp_node_remove_child_at (node, 0);
  g_assert_cmpuint (xmpp_node_get_n_children (node), ==, 1);
  g_assert_true (xmpp_node_get_child_at (node, 0) == x);
}

static void
test_build (void)
{
  g_autoptr(XmppNode) node = NULL;
  XmppNode *query, *item;

  node = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                          XMPP_BUILD_ATTR, "type", "set",
                          XMPP_BUILD_ATTR, "to", NULL,
                          XMPP_BUILD_CHILD, "query", XMPP_NS_ROSTER,
                            XMPP_BUILD_CHILD, "item", NULL,
                              XMPP_BUILD_ATTR, "jid", "juliet@example.com",
                              XMPP_BUILD_CHILD, "group", NULL,
                                XMPP_BUILD_TEXT, "Friends",
                              XMPP_BUILD_UP,
                            XMPP_BUILD_UP,
                          XMPP_BUILD_UP,
                          XMPP_BUILD_ATTR, "id", "r1",
                          XMPP_BUILD_END);

  g_assert_cmpuint (xmpp_node_get_n_attrs (node), ==, 2);
  g_assert_null (xmpp_node_get_attr (node, "to"));
  g_assert_cmpstr (xmpp_node_get_attr (node, "id"), ==, "r1");

  query = xmpp_node_get_child (node, "query", XMPP_NS_ROSTER);
  g_assert_nonnull (query);
  item = xmpp_node_get_child (query, "item", XMPP_NS_ROSTER);
  g_assert_nonnull (item);
  g_assert_cmpstr (xmpp_node_get_attr (item, "jid"), ==, "juliet@example.com");
  g_assert_cmpstr (xmpp_node_get_child_text (item, "group", XMPP_NS_ROSTER), ==, "Friends");
}

static void
test_copy_and_equal (void)
{
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(XmppNode) copy = NULL;
  g_autoptr(XmppNode) parsed = NULL;

  node = xmpp_node_build ("message", XMPP_NS_CLIENT,
                          XMPP_BUILD_ATTR, "to", "romeo@example.net",
                          XMPP_BUILD_ATTR, "xml:lang", "en",
                          XMPP_BUILD_CHILD, "body", NULL,
                            XMPP_BUILD_TEXT, "Wherefore art thou?",
                          XMPP_BUILD_UP,
                          XMPP_BUILD_END);
  copy = xmpp_node_copy (node);
  g_assert_true (copy != node);
  g_assert_true (xmpp_node_equal (node, copy));

  /* The copy is deep. */
  xmpp_node_set_text (xmpp_node_get_child (copy, "body", NULL), "changed");
  g_assert_false (xmpp_node_equal (node, copy));
  g_assert_cmpstr (xmpp_node_get_child_text (node, "body", NULL), ==, "Wherefore art thou?");

  /* Attribute order does not matter; a parsed node equals a built one. */
  parsed = xmpp_node_parse ("<message xmlns='jabber:client' xml:lang='en' to='romeo@example.net'>"
                            "<body>Wherefore art thou?</body></message>", -1, NULL);
  g_assert_nonnull (parsed);
  g_assert_true (xmpp_node_equal (node, parsed));

  /* Copies of parsed nodes with uninterned names. */
  g_clear_pointer (&parsed, xmpp_node_unref);
  parsed = xmpp_node_parse ("<zzqx-unknown-elem xmlns='urn:zzqx:unknown'><zzqx-child zzqx-attr='1'/></zzqx-unknown-elem>", -1, NULL);
  g_assert_nonnull (parsed);
  g_clear_pointer (&copy, xmpp_node_unref);
  copy = xmpp_node_copy (parsed);
  g_clear_pointer (&parsed, xmpp_node_unref);
  g_assert_true (xmpp_node_is (copy, "zzqx-unknown-elem", "urn:zzqx:unknown"));
  g_assert_true (xmpp_node_is (xmpp_node_get_child_at (copy, 0), "zzqx-child", "urn:zzqx:unknown"));
}

static void
test_refcount (void)
{
  XmppNode *node = xmpp_node_new ("presence", XMPP_NS_CLIENT);
  XmppNode *child;
  GValue value = G_VALUE_INIT;

  child = xmpp_node_ref (xmpp_node_add_child (node, "show", NULL));
  g_assert_true (xmpp_node_ref (node) == node);
  xmpp_node_unref (node);
  xmpp_node_unref (node);

  /* The child outlives its parent while referenced. */
  g_assert_cmpstr (xmpp_node_get_name (child), ==, "show");

  g_value_init (&value, XMPP_TYPE_NODE);
  g_value_set_boxed (&value, child);
  g_assert_true (g_value_get_boxed (&value) == child);
  g_value_unset (&value);

  xmpp_node_unref (child);
}

static void
test_names_from_the_wire_are_not_interned (void)
{
  g_autoptr(XmppNode) node = NULL;

  /* A peer inventing names must not grow the process-wide quark table. */
  node = xmpp_node_parse ("<peer-made-up-name-4711 xmlns='urn:peer:made-up:4711'/>", -1, NULL);
  g_assert_nonnull (node);
  g_assert_cmpuint (g_quark_try_string ("peer-made-up-name-4711"), ==, 0);
  g_assert_cmpuint (g_quark_try_string ("urn:peer:made-up:4711"), ==, 0);
  g_assert_true (xmpp_node_is (node, "peer-made-up-name-4711", "urn:peer:made-up:4711"));
}

static void
test_to_string_and_parse (void)
{
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(XmppNode) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;

  node = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                          XMPP_BUILD_ATTR, "type", "get",
                          XMPP_BUILD_CHILD, "ping", "urn:xmpp:ping",
                          XMPP_BUILD_END);
  xml = xmpp_node_to_string (node);
  g_assert_cmpstr (xml, ==, "<iq xmlns='jabber:client' type='get'><ping xmlns='urn:xmpp:ping'/></iq>");

  parsed = xmpp_node_parse (xml, -1, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_node_equal (node, parsed));

  g_clear_pointer (&parsed, xmpp_node_unref);
  parsed = xmpp_node_parse ("<a><b></a>", -1, &error);
  g_assert_null (parsed);
  g_assert_error (error, XMPP_READER_ERROR, XMPP_READER_ERROR_NOT_WELL_FORMED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/node/new", test_new_and_names);
  g_test_add_func ("/xmpp/node/attrs", test_attrs);
  g_test_add_func ("/xmpp/node/text", test_text);
  g_test_add_func ("/xmpp/node/children", test_children);
  g_test_add_func ("/xmpp/node/build", test_build);
  g_test_add_func ("/xmpp/node/copy-and-equal", test_copy_and_equal);
  g_test_add_func ("/xmpp/node/refcount", test_refcount);
  g_test_add_func ("/xmpp/node/names-from-the-wire-are-not-interned",
                   test_names_from_the_wire_are_not_interned);
  g_test_add_func ("/xmpp/node/to-string-and-parse", test_to_string_and_parse);

  return g_test_run ();
}
