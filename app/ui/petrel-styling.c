/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XEP-0393 Message Styling (version 1.1.1) rendered as Pango markup.
 *
 * The body is untrusted text: it is first made safe for markup (valid
 * UTF-8, no control characters that GMarkup refuses), and every byte of it
 * then reaches the output either escaped or as one of the markup's own
 * tags.  Nothing in a body can open a tag of its own; XHTML-IM is never
 * looked at (SECURITY.md).
 *
 * The styling directives stay visible, dimmed, as §6 suggests, so the
 * label's text is exactly the (sanitised) body: copying a message copies
 * what was sent, and the tests check that invariant on every case.
 *
 * Parsing follows the XEP: blocks first (§5.1), then spans inside plain
 * lines (§5.2).
 *
 *   ```hint        preformatted block (§5.1.2) until a line that is only
 *   …              "```" or the end of the parent block; never styled
 *   ```
 *   > text         quotation (§5.1.3); its content is parsed again as
 *                  blocks, nested up to MAX_QUOTE_DEPTH levels
 *   *strong* _emphasis_ ~strike~ `pre`   spans (§5.2): the opening
 *                  directive at the start of the line, after whitespace or
 *                  right after another opening directive, and not followed
 *                  by whitespace; the first closing directive of the same
 *                  kind that is not preceded by whitespace ends it; a span
 *                  is never empty and never contains one of its own kind;
 *                  a pre span contains no styling, and a span of only its
 *                  own directive ("****") is plain text
 *
 * Links (PETREL_STYLING_LINKS): http, https and xmpp URIs only; anything
 * else — file:, aesgcm:, javascript: — stays text.  A URI is one token:
 * no directive inside it opens or closes a span, and it is not linked
 * inside a pre span or block.
 *
 * Cost: the closing directives of a line are collected once per kind, and
 * an opener finds its closer by binary search, so a line of n characters
 * costs O(n log n) whatever its content (an unbalanced "*a *a *a …" is not
 * quadratic).
 */
#define G_LOG_DOMAIN "petrel-styling"

#include <string.h>

#include "petrel-styling.h"

#define DIM_OPEN        "<span alpha=\"50%\">"
#define QUOTE_OPEN      "<span alpha=\"75%\">"
#define SPAN_CLOSE      "</span>"
#define MAX_QUOTE_DEPTH 8

typedef enum {
  SPAN_STRONG,
  SPAN_EMPHASIS,
  SPAN_STRIKE,
  SPAN_PRE,
  N_SPANS
} SpanType;

static const char directives[N_SPANS] = { '*', '_', '~', '`' };
static const char *const open_tags[N_SPANS] = { "<b>", "<i>", "<s>", "<tt>" };
static const char *const close_tags[N_SPANS] = { "</b>", "</i>", "</s>", "</tt>" };

typedef struct
{
  gsize start;
  gsize end;
} Range;

/* A line of the body: @line_start is where it begins in the text, @start
 * where its content begins once the quotation markers are stripped. */
typedef struct
{
  gsize line_start;
  gsize start;
  gsize end;
} Line;

typedef struct
{
  const char *text;
  GString *out;
  PetrelStylingFlags flags;
  gboolean first_line;

  /* Scratch of the current line. */
  GArray *closers[N_SPANS]; /* gsize, ascending */
  GArray *urls;             /* Range, ascending */
  guint next_url;
} Styler;

/* Sanitising */

static gboolean
is_forbidden_char (gunichar c)
{
  /* C0 and C1 controls (but tab and newline), and what XML 1.0 excludes:
   * GMarkup refuses them even as character references. */
  if (c == '\t' || c == '\n')
    return FALSE;
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
    return TRUE;
  if (c == 0xfffe || c == 0xffff)
    return TRUE;

  return FALSE;
}

/**
 * petrel_styling_sanitize:
 * @text: (nullable): a message body
 *
 * Makes @text valid UTF-8 with "\n" line ends and replaces the control
 * characters a label cannot carry with U+FFFD.
 *
 * Returns: (transfer full): the text every renderer should start from
 */
char *
petrel_styling_sanitize (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r')
        {
          if (p[1] != '\n')
            g_string_append_c (out, '\n');
        }
      else if (is_forbidden_char (c))
        g_string_append_unichar (out, 0xfffd);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }

  return g_string_free (out, FALSE);
}

/* Links */

/**
 * petrel_styling_is_safe_uri:
 * @uri: (nullable): a URI
 *
 * Returns: whether Petrel may hand @uri to a browser or open it itself:
 *   http, https and xmpp only (never file:, aesgcm: or anything local)
 */
gboolean
petrel_styling_is_safe_uri (const char *uri)
{
  g_autofree char *scheme = NULL;

  if (uri == NULL || !g_uri_is_valid (uri, G_URI_FLAGS_NONE, NULL))
    return FALSE;

  scheme = g_uri_parse_scheme (uri);
  if (scheme == NULL)
    return FALSE;

  return g_ascii_strcasecmp (scheme, "http") == 0
         || g_ascii_strcasecmp (scheme, "https") == 0
         || g_ascii_strcasecmp (scheme, "xmpp") == 0;
}

static gsize
scheme_length_at (const char *p,
                  gsize       available)
{
  static const char *const schemes[] = { "https://", "http://", "xmpp:" };

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      gsize len = strlen (schemes[i]);

      if (available > len && g_ascii_strncasecmp (p, schemes[i], len) == 0)
        return len;
    }

  return 0;
}

static gboolean
is_uri_char (const char *p)
{
  gunichar c = g_utf8_get_char (p);

  return !g_unichar_isspace (c) && c != '<' && c != '>' && c != '"' && c != 0xfffd;
}

/* Trailing punctuation belongs to the sentence, not the URI; a closing
 * bracket stays when the URI opened one (Wikipedia titles). */
static gsize
trim_uri_end (const char *text,
              gsize       start,
              gsize       end)
{
  while (end > start)
    {
      char last = text[end - 1];

      if (strchr (".,;:!?'*_~`", last) != NULL)
        {
          end--;
          continue;
        }
      if (last == ')' || last == ']')
        {
          char open = last == ')' ? '(' : '[';
          int balance = 0;

          for (gsize i = start; i < end; i++)
            balance += text[i] == open ? 1 : text[i] == last ? -1 : 0;
          if (balance < 0)
            {
              end--;
              continue;
            }
        }
      break;
    }

  return end;
}

static void
find_urls (Styler *s,
           gsize   start,
           gsize   end)
{
  gsize p = start;

  g_array_set_size (s->urls, 0);
  s->next_url = 0;
  if ((s->flags & PETREL_STYLING_LINKS) == 0)
    return;

  while (p < end)
    {
      gsize scheme_len = 0;

      if (p == start || !g_ascii_isalnum (s->text[p - 1]))
        scheme_len = scheme_length_at (s->text + p, end - p);

      if (scheme_len > 0)
        {
          gsize q = p + scheme_len;
          g_autofree char *uri = NULL;

          while (q < end && is_uri_char (s->text + q))
            q = g_utf8_next_char (s->text + q) - s->text;
          q = trim_uri_end (s->text, p + scheme_len, q);

          if (q > p + scheme_len)
            {
              uri = g_strndup (s->text + p, q - p);
              if (petrel_styling_is_safe_uri (uri))
                {
                  Range r = { p, q };

                  g_array_append_val (s->urls, r);
                  p = q;
                  continue;
                }
            }
        }
      p = g_utf8_next_char (s->text + p) - s->text;
    }
}

static gboolean
inside_url (Styler *s,
            gsize   position)
{
  guint lo = 0;
  guint hi = s->urls->len;

  /* The last URL that starts at or before @position. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (s->urls, Range, mid).start <= position)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo > 0 && position < g_array_index (s->urls, Range, lo - 1).end;
}

/* Output */

static void
append_escaped (Styler *s,
                gsize   start,
                gsize   end)
{
  g_autofree char *escaped = NULL;

  if (end <= start)
    return;

  escaped = g_markup_escape_text (s->text + start, end - start);
  g_string_append (s->out, escaped);
}

static void
append_dim (Styler *s,
            gsize   start,
            gsize   end)
{
  if (end <= start)
    return;

  g_string_append (s->out, DIM_OPEN);
  append_escaped (s, start, end);
  g_string_append (s->out, SPAN_CLOSE);
}

static void
append_link (Styler *s,
             Range  *url)
{
  g_string_append (s->out, "<a href=\"");
  append_escaped (s, url->start, url->end);
  g_string_append (s->out, "\">");
  append_escaped (s, url->start, url->end);
  g_string_append (s->out, "</a>");
}

/* Plain text from @start to @end, with the URLs in it linked. */
static void
append_text (Styler *s,
             gsize   start,
             gsize   end)
{
  gsize p = start;

  while (p < end)
    {
      Range *url = NULL;

      while (s->next_url < s->urls->len
             && g_array_index (s->urls, Range, s->next_url).start < p)
        s->next_url++;
      if (s->next_url < s->urls->len
          && g_array_index (s->urls, Range, s->next_url).start < end)
        url = &g_array_index (s->urls, Range, s->next_url);

      if (url == NULL)
        {
          append_escaped (s, p, end);
          return;
        }

      /* Spans never end inside a URL, so the URL ends before @end. */
      g_assert (url->end <= end);
      append_escaped (s, p, url->start);
      append_link (s, url);
      p = url->end;
      s->next_url++;
    }
}

/* Spans (§5.2) */

static gboolean
is_space_before (const char *text,
                 gsize       line_start,
                 gsize       position)
{
  const char *prev;

  if (position <= line_start)
    return TRUE;

  prev = g_utf8_find_prev_char (text + line_start, text + position);
  return prev == NULL || g_unichar_isspace (g_utf8_get_char (prev));
}

static void
find_closers (Styler *s,
              gsize   start,
              gsize   end)
{
  for (guint t = 0; t < N_SPANS; t++)
    g_array_set_size (s->closers[t], 0);

  for (gsize p = start + 1; p < end; p++)
    {
      const char *d = memchr (directives, s->text[p], N_SPANS);

      if (d == NULL || is_space_before (s->text, start, p) || inside_url (s, p))
        continue;

      g_array_append_val (s->closers[d - directives], p);
    }
}

/* The first closer of @type at or after @from and before @limit, or 0. */
static gsize
find_closer (Styler   *s,
             SpanType  type,
             gsize     from,
             gsize     limit)
{
  GArray *closers = s->closers[type];
  guint lo = 0;
  guint hi = closers->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (closers, gsize, mid) < from)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo < closers->len && g_array_index (closers, gsize, lo) < limit)
    return g_array_index (closers, gsize, lo);

  return 0;
}

static gboolean
only_directive (const char *text,
                gsize       start,
                gsize       end,
                char        directive)
{
  for (gsize p = start; p < end; p++)
    if (text[p] != directive)
      return FALSE;

  return TRUE;
}

/* Styles [from, to) of a line, with span kinds in @allowed (a bit per
 * SpanType); @from is the start of the line or of a span's content. */
static void
style_spans (Styler *s,
             gsize   from,
             gsize   to,
             guint   allowed)
{
  gsize plain = from;
  gsize p = from;

  while (p < to)
    {
      const char *d = memchr (directives, s->text[p], N_SPANS);
      gsize closer = 0;
      SpanType type;

      if (d == NULL)
        {
          p++;
          continue;
        }
      type = d - directives;

      if ((allowed & (1u << type)) != 0
          && (p == from || is_space_before (s->text, from, p))
          && p + 1 < to && !g_unichar_isspace (g_utf8_get_char (s->text + p + 1))
          && !inside_url (s, p))
        closer = find_closer (s, type, p + 2, to);

      /* "****" is a row of asterisks, not a bold asterisk. */
      if (closer != 0 && only_directive (s->text, p + 1, closer, directives[type]))
        closer = 0;

      if (closer == 0)
        {
          p++;
          continue;
        }

      append_text (s, plain, p);
      g_string_append (s->out, open_tags[type]);
      append_dim (s, p, p + 1);
      if (type == SPAN_PRE)
        append_escaped (s, p + 1, closer);
      else
        style_spans (s, p + 1, closer, allowed & ~(1u << type));
      append_dim (s, closer, closer + 1);
      g_string_append (s->out, close_tags[type]);

      p = closer + 1;
      plain = p;
    }

  append_text (s, plain, to);
}

/* Blocks (§5.1) */

static void
begin_line (Styler     *s,
            const Line *line,
            guint       depth)
{
  if (!s->first_line)
    g_string_append_c (s->out, '\n');
  s->first_line = FALSE;

  append_dim (s, line->line_start, line->start);
  if (depth > 0)
    g_string_append (s->out, QUOTE_OPEN);
}

static void
end_line (Styler *s,
          guint   depth)
{
  if (depth > 0)
    g_string_append (s->out, SPAN_CLOSE);
}

static void
style_plain_line (Styler     *s,
                  const Line *line,
                  guint       depth)
{
  begin_line (s, line, depth);
  find_urls (s, line->start, line->end);
  find_closers (s, line->start, line->end);
  style_spans (s, line->start, line->end, (1u << N_SPANS) - 1);
  end_line (s, depth);
}

static gboolean
line_starts_with (Styler     *s,
                  const Line *line,
                  const char *prefix)
{
  gsize len = strlen (prefix);

  return line->end - line->start >= len && memcmp (s->text + line->start, prefix, len) == 0;
}

static gboolean
line_is (Styler     *s,
         const Line *line,
         const char *content)
{
  return line->end - line->start == strlen (content) && line_starts_with (s, line, content);
}

static void
style_blocks (Styler *s,
              Line   *lines,
              guint   n_lines,
              guint   depth)
{
  guint i = 0;

  while (i < n_lines)
    {
      Line *line = &lines[i];

      if (line_starts_with (s, line, "```"))
        {
          guint j;

          /* The opening fence and its hint, the lines, the closing fence. */
          begin_line (s, line, depth);
          append_dim (s, line->start, line->end);
          end_line (s, depth);
          for (j = i + 1; j < n_lines && !line_is (s, &lines[j], "```"); j++)
            {
              begin_line (s, &lines[j], depth);
              if (lines[j].end > lines[j].start)
                {
                  g_string_append (s->out, "<tt>");
                  append_escaped (s, lines[j].start, lines[j].end);
                  g_string_append (s->out, "</tt>");
                }
              end_line (s, depth);
            }
          if (j < n_lines)
            {
              begin_line (s, &lines[j], depth);
              append_dim (s, lines[j].start, lines[j].end);
              end_line (s, depth);
            }
          i = j + 1;
        }
      else if (line_starts_with (s, line, ">") && depth < MAX_QUOTE_DEPTH)
        {
          guint j;

          for (j = i; j < n_lines && line_starts_with (s, &lines[j], ">"); j++)
            {
              /* The marker and one space after it are not content. */
              lines[j].start++;
              if (lines[j].start < lines[j].end && s->text[lines[j].start] == ' ')
                lines[j].start++;
            }
          style_blocks (s, lines + i, j - i, depth + 1);
          i = j;
        }
      else
        {
          style_plain_line (s, line, depth);
          i++;
        }
    }
}

/**
 * petrel_styling_to_markup:
 * @text: (nullable): a message body, as received
 * @flags: what to render besides the styling
 *
 * Renders @text with XEP-0393 styling as markup for a GtkLabel: Pango
 * markup, plus `<a href>` when @flags has %PETREL_STYLING_LINKS.  The
 * label's text is petrel_styling_sanitize (@text).
 *
 * Returns: (transfer full): the markup
 */
char *
petrel_styling_to_markup (const char         *text,
                          PetrelStylingFlags  flags)
{
  g_autofree char *clean = petrel_styling_sanitize (text);
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (Line));
  Styler s = { 0 };
  gsize start = 0;
  gsize len = strlen (clean);

  for (gsize p = 0; p <= len; p++)
    {
      if (p == len || clean[p] == '\n')
        {
          Line line = { start, start, p };

          g_array_append_val (lines, line);
          start = p + 1;
        }
    }

  s.text = clean;
  s.out = g_string_sized_new (len + len / 4 + 16);
  s.flags = flags;
  s.first_line = TRUE;
  for (guint t = 0; t < N_SPANS; t++)
    s.closers[t] = g_array_new (FALSE, FALSE, sizeof (gsize));
  s.urls = g_array_new (FALSE, FALSE, sizeof (Range));

  style_blocks (&s, (Line *) (void *) lines->data, lines->len, 0);

  for (guint t = 0; t < N_SPANS; t++)
    g_array_unref (s.closers[t]);
  g_array_unref (s.urls);

  return g_string_free (s.out, FALSE);
}
