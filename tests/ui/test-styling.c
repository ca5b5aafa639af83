/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of XEP-0393 styling (app/ui/petrel-styling.c).  No display: the
 * markup is checked with GMarkup (well-formed, only the tags Petrel
 * writes, links only to safe URIs) and with Pango (the label's text is the
 * sanitised body, byte for byte).
 */
#include <string.h>

#include <pango/pango.h>

#include "petrel-styling.h"

#define DIM(x) "<span alpha=\"50%\">" x "</span>"

/* GMarkup walk: every element is one Petrel writes, and every link goes
 * to an http, https or xmpp URI. */
static void
start_element_cb (GMarkupParseContext  *context,
                  const char           *element_name,
                  const char          **attribute_names,
                  const char          **attribute_values,
                  gpointer              user_data,
                  GError              **error)
{
  static const char *const allowed[] = { "markup", "b", "i", "s", "tt", "span", "a" };
  gboolean known = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    known |= g_str_equal (element_name, allowed[i]);
  g_assert_true (known);

  if (g_str_equal (element_name, "a"))
    {
      g_assert_cmpstr (attribute_names[0], ==, "href");
      g_assert_null (attribute_names[1]);
      g_assert_true (petrel_styling_is_safe_uri (attribute_values[0]));
    }
  else if (g_str_equal (element_name, "span"))
    {
      g_assert_cmpstr (attribute_names[0], ==, "alpha");
      g_assert_null (attribute_names[1]);
    }
  else
    {
      g_assert_null (attribute_names[0]);
    }
}

static const GMarkupParser checker = { .start_element = start_element_cb };

/* Pango does not know GtkLabel's <a>; the link text is what shows.
 * (GRegex replacement is quadratic in the number of matches.) */
static char *
strip_links (const char *markup)
{
  GString *out = g_string_new (NULL);
  const char *p = markup;

  while (*p != '\0')
    {
      if (g_str_has_prefix (p, "<a href=\""))
        {
          p = strstr (p, "\">");
          g_assert_nonnull (p);
          p += 2;
        }
      else if (g_str_has_prefix (p, "</a>"))
        p += 4;
      else
        g_string_append_c (out, *p++);
    }

  return g_string_free (out, FALSE);
}

/* Renders @text and checks the invariants; returns the markup. */
static char *
render (const char         *text,
        PetrelStylingFlags  flags)
{
  g_autofree char *markup = petrel_styling_to_markup (text, flags);
  g_autofree char *wrapped = g_strconcat ("<markup>", markup, "</markup>", NULL);
  g_autofree char *expected_text = petrel_styling_sanitize (text);
  g_autofree char *pango_markup = NULL;
  g_autofree char *pango_text = NULL;
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (GError) error = NULL;

  context = g_markup_parse_context_new (&checker, 0, NULL, NULL);
  g_markup_parse_context_parse (context, wrapped, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);

  pango_markup = strip_links (markup);
  g_assert_true (pango_parse_markup (pango_markup, -1, 0, NULL, &pango_text, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pango_text, ==, expected_text);

  return g_steal_pointer (&markup);
}

static void
assert_markup (const char *text,
               const char *expected)
{
  g_autofree char *markup = render (text, PETREL_STYLING_LINKS);

  g_assert_cmpstr (markup, ==, expected);
}

static void
assert_contains (const char *text,
                 const char *needle)
{
  g_autofree char *markup = render (text, PETREL_STYLING_LINKS);

  if (strstr (markup, needle) == NULL)
    g_error ("%s: expected %s in %s", text, needle, markup);
}

static void
assert_lacks (const char *text,
              const char *needle)
{
  g_autofree char *markup = render (text, PETREL_STYLING_LINKS);

  if (strstr (markup, needle) != NULL)
    g_error ("%s: unexpected %s in %s", text, needle, markup);
}

static void
test_plain_text_is_escaped (void)
{
  assert_markup ("hello", "hello");
  assert_markup ("", "");
  assert_markup ("a < b && c > d", "a &lt; b &amp;&amp; c &gt; d");
  assert_markup ("<b>not bold</b>", "&lt;b&gt;not bold&lt;/b&gt;");
  assert_markup ("<span foreground=\"red\">x</span>",
                 "&lt;span foreground=&quot;red&quot;&gt;x&lt;/span&gt;");
  assert_markup ("&amp; &#x41; &nonsense;", "&amp;amp; &amp;#x41; &amp;nonsense;");
  assert_lacks ("<a href=\"file:///etc/passwd\">click</a>", "<a");
  assert_lacks ("<html xmlns='http://www.w3.org/1999/xhtml'><body><p>x</p></body></html>", "<p>");

  g_free (render (NULL, PETREL_STYLING_LINKS));
}

static void
test_spans (void)
{
  assert_markup ("*strong*", "<b>" DIM ("*") "strong" DIM ("*") "</b>");
  assert_markup ("_emphasis_", "<i>" DIM ("_") "emphasis" DIM ("_") "</i>");
  assert_markup ("~strike~", "<s>" DIM ("~") "strike" DIM ("~") "</s>");
  assert_markup ("`mono`", "<tt>" DIM ("`") "mono" DIM ("`") "</tt>");
  assert_markup ("a *b* c", "a <b>" DIM ("*") "b" DIM ("*") "</b> c");
  assert_markup ("*multiple words*", "<b>" DIM ("*") "multiple words" DIM ("*") "</b>");
  assert_markup ("*_both_*",
                 "<b>" DIM ("*") "<i>" DIM ("_") "both" DIM ("_") "</i>" DIM ("*") "</b>");
  assert_markup ("*a & b*", "<b>" DIM ("*") "a &amp; b" DIM ("*") "</b>");
  assert_contains ("*héllo wörld*", "<b>");
  assert_contains ("line one\n*two*", "\n<b>");
}

static void
test_spans_that_are_not (void)
{
  /* Unbalanced, empty, or directives that touch whitespace wrongly. */
  assert_markup ("*not closed", "*not closed");
  assert_markup ("not opened*", "not opened*");
  assert_markup ("**", "**");
  assert_markup ("****", "****");
  assert_markup ("a * b * c", "a * b * c");
  assert_markup ("*a *", "*a *");
  assert_markup ("* a*", "* a*");
  assert_markup ("snake_case_name", "snake_case_name");
  assert_markup ("2*3*4", "2*3*4");
  assert_markup ("*\u00a0nbsp*", "*\u00a0nbsp*");
  /* Spans do not cross lines. */
  assert_markup ("*one\ntwo*", "*one\ntwo*");
  /* A pre span holds no styling. */
  assert_markup ("`*not bold*`", "<tt>" DIM ("`") "*not bold*" DIM ("`") "</tt>");
  /* No span holds one of its own kind. */
  assert_lacks ("*a *b* c*", "<b><b>");
  assert_lacks ("_a _b_ c_", "<i>" DIM ("_") "a <i>");
}

static void
test_preformatted_blocks (void)
{
  assert_markup ("```python\nprint('*hi*')\n```\nafter *b*",
                 DIM ("```python") "\n"
                 "<tt>print(&apos;*hi*&apos;)</tt>\n"
                 DIM ("```") "\n"
                 "after <b>" DIM ("*") "b" DIM ("*") "</b>");
  /* Unclosed: to the end of the message. */
  assert_markup ("```\n*x*\n> y", DIM ("```") "\n<tt>*x*</tt>\n<tt>&gt; y</tt>");
  /* Links are not linked inside. */
  assert_lacks ("```\nhttps://example.org\n```", "<a");
  /* A fence must start the line. */
  assert_lacks ("x ```\n*y*", "<tt>");
}

static void
test_quotes (void)
{
  assert_markup ("> quoted *b*\nnormal",
                 DIM ("&gt; ") "<span alpha=\"75%\">quoted <b>" DIM ("*") "b" DIM ("*") "</b></span>\n"
                 "normal");
  assert_markup (">> deep",
                 DIM ("&gt;&gt; ") "<span alpha=\"75%\">deep</span>");
  assert_markup ("> ```\n> *code*\n> ```\nout",
                 DIM ("&gt; ") "<span alpha=\"75%\">" DIM ("```") "</span>\n"
                 DIM ("&gt; ") "<span alpha=\"75%\"><tt>*code*</tt></span>\n"
                 DIM ("&gt; ") "<span alpha=\"75%\">" DIM ("```") "</span>\n"
                 "out");
  /* A quote ends its pre block. */
  assert_contains ("> ```\n> code\nafter *b*", "<b>");
}

static void
test_deep_quotes_are_bounded (void)
{
  g_autofree char *many = g_strnfill (100000, '>');
  g_autofree char *text = g_strconcat (many, " *x*", NULL);
  g_autofree char *markup = render (text, PETREL_STYLING_LINKS);

  g_assert_nonnull (strstr (markup, "<b>"));
}

static void
test_links (void)
{
  assert_markup ("see https://example.org/a_b_c.",
                 "see <a href=\"https://example.org/a_b_c\">https://example.org/a_b_c</a>.");
  assert_contains ("http://example.org", "<a href=\"http://example.org\">");
  assert_contains ("HTTPS://EXAMPLE.ORG/", "<a href=\"HTTPS://EXAMPLE.ORG/\">");
  assert_contains ("join xmpp:room@muc.example.org?join", "<a href=\"xmpp:room@muc.example.org?join\">");
  assert_contains ("https://en.wikipedia.org/wiki/Petrel_(disambiguation)",
                   "href=\"https://en.wikipedia.org/wiki/Petrel_(disambiguation)\"");
  assert_contains ("(https://example.org)", "href=\"https://example.org\">https://example.org</a>)");
  assert_contains ("https://example.org/?a=1&b=2", "href=\"https://example.org/?a=1&amp;b=2\"");
  assert_contains ("https://example.org/<script>", "href=\"https://example.org/\"");
  assert_contains ("\"https://example.org/\"onmouseover=x", "href=\"https://example.org/\"");
  assert_contains ("*see https://example.org*",
                   "<b>" DIM ("*") "see <a href=\"https://example.org\">https://example.org</a>" DIM ("*") "</b>");
  /* Directives inside a URL neither open nor close a span. */
  assert_lacks ("_a https://example.org/x_y b_", "<i>" DIM ("_") "a <a href=\"https://example.org/x</a>");
  assert_contains ("https://example.org/_x_", "href=\"https://example.org/_x\"");
  assert_lacks ("https://example.org/*x* y", "<b>");
  /* Not linked in a pre span. */
  assert_lacks ("`https://example.org`", "<a");
}

static void
test_unsafe_links_are_text (void)
{
  assert_lacks ("file:///etc/passwd", "<a");
  assert_lacks ("see file://host/share/x", "<a");
  assert_lacks ("aesgcm://upload.example.org/f.jpg#0123456789abcdef", "<a");
  assert_lacks ("javascript:alert(1)", "<a");
  assert_lacks ("data:text/html,<script>", "<a");
  assert_lacks ("https://", "<a");
  assert_lacks ("xhttps://example.org", "<a");
  assert_lacks ("ftp://example.org", "<a");

  g_assert_true (petrel_styling_is_safe_uri ("https://example.org"));
  g_assert_true (petrel_styling_is_safe_uri ("xmpp:alice@example.org"));
  g_assert_false (petrel_styling_is_safe_uri ("file:///etc/passwd"));
  g_assert_false (petrel_styling_is_safe_uri ("aesgcm://example.org/x#k"));
  g_assert_false (petrel_styling_is_safe_uri ("FILE:///x"));
  g_assert_false (petrel_styling_is_safe_uri ("not a uri"));
  g_assert_false (petrel_styling_is_safe_uri (NULL));
}

static void
test_links_only_when_asked (void)
{
  g_autofree char *markup = render ("https://example.org *b*", PETREL_STYLING_NONE);

  g_assert_null (strstr (markup, "<a"));
  g_assert_nonnull (strstr (markup, "<b>"));
}

static void
test_hostile_characters (void)
{
  g_autofree char *clean = NULL;

  /* Controls GMarkup refuses, even as character references. */
  assert_markup ("a\001b\033c\177d", "a\357\277\275b\357\277\275c\357\277\275d");
  assert_markup ("one\r\ntwo\rthree", "one\ntwo\nthree");
  assert_markup ("tab\there", "tab\there");
  /* Invalid UTF-8 and lone continuation bytes. */
  g_free (render ("\377\376 *x* \200\300", PETREL_STYLING_LINKS));
  g_free (render ("*\342\202*", PETREL_STYLING_LINKS));
  g_free (render ("https://example.org/\377", PETREL_STYLING_LINKS));
  /* Non-characters. */
  g_free (render ("\357\277\276\357\277\277", PETREL_STYLING_LINKS));

  clean = petrel_styling_sanitize ("\302\205x");
  g_assert_cmpstr (clean, ==, "\357\277\275x");
}

static void
test_very_long_input (void)
{
  GString *unbalanced = g_string_new (NULL);
  GString *urls = g_string_new (NULL);
  g_autofree char *underscores = g_strnfill (200000, '_');
  g_autofree char *letters = g_strnfill (1000000, 'a');
  g_autofree char *newlines = g_strnfill (200000, '\n');
  g_autofree char *fences = NULL;
  double elapsed;

  for (guint i = 0; i < 100000; i++)
    g_string_append (unbalanced, "*a _b ~c `d ");
  for (guint i = 0; i < 20000; i++)
    g_string_append (urls, "https://example.org/_*~` ");
  fences = g_strnfill (30000, '`');

  g_test_timer_start ();
  g_free (render (unbalanced->str, PETREL_STYLING_LINKS));
  g_free (render (urls->str, PETREL_STYLING_LINKS));
  g_free (render (underscores, PETREL_STYLING_LINKS));
  g_free (render (letters, PETREL_STYLING_LINKS));
  g_free (render (newlines, PETREL_STYLING_LINKS));
  g_free (render (fences, PETREL_STYLING_LINKS));
  elapsed = g_test_timer_elapsed ();

  /* Quadratic behaviour would take minutes here. */
  g_test_message ("very long inputs took %.2f s", elapsed);
  g_assert_cmpfloat (elapsed, <, 20.0);

  g_string_free (unbalanced, TRUE);
  g_string_free (urls, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/styling/plain-text-is-escaped", test_plain_text_is_escaped);
  g_test_add_func ("/styling/spans", test_spans);
  g_test_add_func ("/styling/spans-that-are-not", test_spans_that_are_not);
  g_test_add_func ("/styling/preformatted-blocks", test_preformatted_blocks);
  g_test_add_func ("/styling/quotes", test_quotes);
  g_test_add_func ("/styling/deep-quotes-are-bounded", test_deep_quotes_are_bounded);
  g_test_add_func ("/styling/links", test_links);
  g_test_add_func ("/styling/unsafe-links-are-text", test_unsafe_links_are_text);
  g_test_add_func ("/styling/links-only-when-asked", test_links_only_when_asked);
  g_test_add_func ("/styling/hostile-characters", test_hostile_characters);
  g_test_add_func ("/styling/very-long-input", test_very_long_input);

  return g_test_run ();
}
