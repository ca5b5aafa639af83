/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XmppWriter: serialises XmppNode trees for the wire.
 *
 * Attribute values are quoted with `'` (as most XMPP software does) and both
 * quote characters are escaped anyway.  Beyond the five predefined entities
 * the writer emits character references where XML would otherwise change
 * the text on the way back in: CR in text and attributes (end-of-line
 * normalisation, XML 1.0 §2.11) and TAB and LF in attributes
 * (attribute-value normalisation, §3.3.3).
 *
 * A namespaced attribute "{ns}local" gets a prefix declared on its own
 * element (ns0, ns1, …); the XML namespace always uses its reserved `xml`
 * prefix.  Attributes called "xmlns" or "xmlns:*" are skipped: namespaces
 * come from the node's namespace, never from attributes.
 */
#define G_LOG_DOMAIN "xmpp-writer"

#include "xmpp-writer.h"

#include <string.h>

#define REPLACEMENT_CHAR "\xEF\xBF\xBD"

enum {
  SAFE_IN_TEXT = 1 << 0,
  SAFE_IN_ATTR = 1 << 1,
};

/* Which ASCII bytes are copied as they are. */
static const guint8 ascii_class[128] = {
  ['\t'] = SAFE_IN_TEXT,
  ['\n'] = SAFE_IN_TEXT,
  [' '] = 3, ['!'] = 3, ['"'] = SAFE_IN_TEXT, ['#'] = 3, ['$'] = 3, ['%'] = 3,
  ['&'] = 0, ['\''] = SAFE_IN_TEXT, ['('] = 3, [')'] = 3, ['*'] = 3,
  ['+'] = 3, [','] = 3, ['-'] = 3, ['.'] = 3, ['/'] = 3,
  ['0'] = 3, ['1'] = 3, ['2'] = 3, ['3'] = 3, ['4'] = 3, ['5'] = 3,
  ['6'] = 3, ['7'] = 3, ['8'] = 3, ['9'] = 3,
  [':'] = 3, [';'] = 3, ['<'] = 0, ['='] = 3, ['>'] = 0, ['?'] = 3, ['@'] = 3,
  ['A'] = 3, ['B'] = 3, ['C'] = 3, ['D'] = 3, ['E'] = 3, ['F'] = 3, ['G'] = 3,
  ['H'] = 3, ['I'] = 3, ['J'] = 3, ['K'] = 3, ['L'] = 3, ['M'] = 3, ['N'] = 3,
  ['O'] = 3, ['P'] = 3, ['Q'] = 3, ['R'] = 3, ['S'] = 3, ['T'] = 3, ['U'] = 3,
  ['V'] = 3, ['W'] = 3, ['X'] = 3, ['Y'] = 3, ['Z'] = 3,
  ['['] = 3, ['\\'] = 3, [']'] = 3, ['^'] = 3, ['_'] = 3, ['`'] = 3,
  ['a'] = 3, ['b'] = 3, ['c'] = 3, ['d'] = 3, ['e'] = 3, ['f'] = 3, ['g'] = 3,
  ['h'] = 3, ['i'] = 3, ['j'] = 3, ['k'] = 3, ['l'] = 3, ['m'] = 3, ['n'] = 3,
  ['o'] = 3, ['p'] = 3, ['q'] = 3, ['r'] = 3, ['s'] = 3, ['t'] = 3, ['u'] = 3,
  ['v'] = 3, ['w'] = 3, ['x'] = 3, ['y'] = 3, ['z'] = 3,
  ['{'] = 3, ['|'] = 3, ['}'] = 3, ['~'] = 3, [0x7F] = 3,
};

/*
 * Returns the length of the UTF-8 sequence at @p if it is well formed and
 * encodes a character XML 1.0 allows (§2.2); minus its length if it is well
 * formed but not allowed (U+FFFE, U+FFFF); 0 if it is not well formed.
 */
static inline int
valid_utf8_char (const guchar *p,
                 gsize         avail)
{
  guchar c = p[0];

  if (c >= 0xC2 && c <= 0xDF)
    return avail >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;

  if (c >= 0xE0 && c <= 0xEF)
    {
      guchar lo = 0x80, hi = 0xBF;

      if (c == 0xE0)
        lo = 0xA0;                      /* overlong */
      else if (c == 0xED)
        hi = 0x9F;                      /* surrogates */
      if (avail < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80)
        return 0;
      if (c == 0xEF && p[1] == 0xBF && p[2] >= 0xBE)
        return -3;                      /* U+FFFE, U+FFFF */
      return 3;
    }

  if (c >= 0xF0 && c <= 0xF4)
    {
      guchar lo = 0x80, hi = 0xBF;

      if (c == 0xF0)
        lo = 0x90;                      /* overlong */
      else if (c == 0xF4)
        hi = 0x8F;                      /* beyond U+10FFFF */
      if (avail < 4 || p[1] < lo || p[1] > hi ||
          (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
        return 0;
      return 4;
    }

  return 0;
}

static const char *
ascii_replacement (guchar   c,
                   gboolean attribute)
{
  switch (c)
    {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '\'':
      return attribute ? "&apos;" : "'";
    case '"':
      return attribute ? "&quot;" : "\"";
    case '\r':
      return "&#13;";
    case '\t':
      return attribute ? "&#9;" : "\t";
    case '\n':
      return attribute ? "&#10;" : "\n";
    default:
      /* Other C0 controls, including NUL inside an explicit length. */
      return REPLACEMENT_CHAR;
    }
}

void
xmpp_writer_escape (GString    *out,
                    const char *text,
                    gssize      len,
                    gboolean    attribute)
{
  const guchar *p, *end, *run;
  guint8 safe = attribute ? SAFE_IN_ATTR : SAFE_IN_TEXT;

  g_return_if_fail (out != NULL);
  g_return_if_fail (text != NULL || len == 0);

  if (len < 0)
    len = strlen (text);

  p = run = (const guchar *) text;
  end = p + len;

  while (p < end)
    {
      guchar c = *p;
      int n;

      if (c < 0x80)
        {
          if (G_LIKELY (ascii_class[c] & safe))
            {
              p++;
              continue;
            }
          g_string_append_len (out, (const char *) run, p - run);
          g_string_append (out, ascii_replacement (c, attribute));
          run = ++p;
          continue;
        }

      n = valid_utf8_char (p, end - p);
      if (G_LIKELY (n > 0))
        {
          p += n;
          continue;
        }

      /* One replacement character per disallowed character, and per byte
       * that starts no well-formed sequence. */
      g_string_append_len (out, (const char *) run, p - run);
      g_string_append (out, REPLACEMENT_CHAR);
      p += n < 0 ? -n : 1;
      run = p;
    }

  g_string_append_len (out, (const char *) run, p - run);
}

static inline gboolean
ns_equal (const char *a,
          const char *b)
{
  if (a != NULL && *a == '\0')
    a = NULL;
  if (b != NULL && *b == '\0')
    b = NULL;
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return strcmp (a, b) == 0;
}

static void
append_attr (GString    *out,
             const char *prefix,
             gsize       prefix_len,
             const char *name,
             const char *value)
{
  g_string_append_c (out, ' ');
  if (prefix != NULL)
    {
      g_string_append_len (out, prefix, prefix_len);
      g_string_append_c (out, ':');
    }
  g_string_append (out, name);
  g_string_append (out, "='");
  xmpp_writer_escape (out, value, -1, TRUE);
  g_string_append_c (out, '\'');
}

/* Writes "{ns}local", declaring a prefix for ns in @prefixes if needed. */
static void
append_ns_attr (GString     *out,
                const char  *name,
                const char  *value,
                GPtrArray  **prefixes)
{
  const char *close = strrchr (name, '}');
  const char *ns = name + 1;
  gsize ns_len;
  char prefix[16];
  guint index;

  if (close == NULL || close[1] == '\0')
    {
      g_debug ("Skipping attribute with a malformed name");
      return;
    }

  ns_len = close - ns;
  if (ns_len == 0)
    {
      append_attr (out, NULL, 0, close + 1, value);
      return;
    }

  if (ns_len == strlen (XMPP_NS_XML) && memcmp (ns, XMPP_NS_XML, ns_len) == 0)
    {
      append_attr (out, "xml", 3, close + 1, value);
      return;
    }

  if (*prefixes == NULL)
    *prefixes = g_ptr_array_new_with_free_func (g_free);

  for (index = 0; index < (*prefixes)->len; index++)
    {
      const char *known = g_ptr_array_index (*prefixes, index);

      if (strncmp (known, ns, ns_len) == 0 && known[ns_len] == '\0')
        break;
    }

  g_snprintf (prefix, sizeof prefix, "ns%u", index);

  if (index == (*prefixes)->len)
    {
      g_ptr_array_add (*prefixes, g_strndup (ns, ns_len));
      g_string_append (out, " xmlns:");
      g_string_append (out, prefix);
      g_string_append (out, "='");
      xmpp_writer_escape (out, ns, ns_len, TRUE);
      g_string_append_c (out, '\'');
    }

  append_attr (out, prefix, strlen (prefix), close + 1, value);
}

static void
append_element (GString        *out,
                const XmppNode *node,
                const char     *default_ns)
{
  g_autoptr(GPtrArray) prefixes = NULL;
  const char *name = xmpp_node_get_name (node);
  const char *ns = xmpp_node_get_ns (node);
  guint n_attrs = xmpp_node_get_n_attrs (node);
  guint n_children = xmpp_node_get_n_children (node);
  const char *text = xmpp_node_get_text (node);
  /* The XML namespace cannot be the default namespace (Namespaces in XML
   * §3): its elements take the reserved prefix and leave the default alone. */
  gboolean xml_ns = ns != NULL && strcmp (ns, XMPP_NS_XML) == 0;
  const char *prefix = xml_ns ? "xml:" : "";
  const char *child_ns = xml_ns ? default_ns : ns;

  g_string_append_c (out, '<');
  g_string_append (out, prefix);
  g_string_append (out, name);

  if (!xml_ns && !ns_equal (ns, default_ns))
    {
      g_string_append (out, " xmlns='");
      if (ns != NULL)
        xmpp_writer_escape (out, ns, -1, TRUE);
      g_string_append_c (out, '\'');
    }

  for (guint i = 0; i < n_attrs; i++)
    {
      const char *attr_name, *value;

      xmpp_node_get_attr_at (node, i, &attr_name, &value);

      if (attr_name[0] == '{')
        append_ns_attr (out, attr_name, value, &prefixes);
      else if (g_str_has_prefix (attr_name, "xmlns") &&
               (attr_name[5] == '\0' || attr_name[5] == ':'))
        g_debug ("Skipping attribute %s on <%s/>", attr_name, name);
      else
        append_attr (out, NULL, 0, attr_name, value);
    }

  if (*text == '\0' && n_children == 0)
    {
      g_string_append (out, "/>");
      return;
    }

  g_string_append_c (out, '>');
  xmpp_writer_escape (out, text, -1, FALSE);
  for (guint i = 0; i < n_children; i++)
    append_element (out, xmpp_node_get_child_at (node, i), child_ns);
  g_string_append (out, "</");
  g_string_append (out, prefix);
  g_string_append (out, name);
  g_string_append_c (out, '>');
}

void
xmpp_writer_append (GString        *out,
                    const XmppNode *node,
                    const char     *default_ns)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (node != NULL);

  append_element (out, node, default_ns);
}

char *
xmpp_writer_stream_open (const char *to,
                         const char *from,
                         const char *lang)
{
  GString *out;

  g_return_val_if_fail (to != NULL, NULL);

  out = g_string_new ("<?xml version='1.0'?>"
                      "<stream:stream xmlns='" XMPP_NS_CLIENT "'"
                      " xmlns:stream='" XMPP_NS_STREAM "' to='");
  xmpp_writer_escape (out, to, -1, TRUE);
  g_string_append_c (out, '\'');
  if (from != NULL)
    {
      g_string_append (out, " from='");
      xmpp_writer_escape (out, from, -1, TRUE);
      g_string_append_c (out, '\'');
    }
  g_string_append (out, " version='1.0'");
  if (lang != NULL)
    {
      g_string_append (out, " xml:lang='");
      xmpp_writer_escape (out, lang, -1, TRUE);
      g_string_append_c (out, '\'');
    }
  g_string_append_c (out, '>');

  return g_string_free (out, FALSE);
}

const char *
xmpp_writer_stream_close (void)
{
  return "</stream:stream>";
}
