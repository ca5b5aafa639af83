/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-reader: XmppReader throughput against raw expat on the same bytes.
 *
 * The corpus is generated (fixed seed, about 20 MB): chat messages with
 * bodies, delays and chat states; presences with caps; roster results with
 * many items; MAM result pages with forwarded messages.  Both parsers get
 * it in 4 KiB chunks; expat runs with namespace processing and empty
 * start/end/character-data handlers.  Each is run 7 times, alternating;
 * the medians and their ratio are printed.  Times are CPU time of the
 * process, so a busy machine disturbs them less than wall-clock time.
 *
 *   bench-reader [--size MB] [--runs N] [--only expat|reader]
 *                [--write-corpus FILE] [--corpus FILE]
 */
#include "xmpp-reader.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 4096

static const char *words[] = {
  "the", "of", "and", "to", "in", "is", "you", "that", "it", "he", "was", "for",
  "on", "are", "as", "with", "his", "they", "at", "be", "this", "have", "from",
  "or", "one", "had", "by", "word", "but", "not", "what", "all", "were", "we",
  "when", "your", "can", "said", "there", "use", "an", "each", "which", "she",
  "meeting", "tomorrow", "lunch", "ok", "thanks!", "😀", "café", "naïve",
  "Grüße", "привет", "こんにちは", "&amp;", "&lt;3", "https://example.org/x?a=1&amp;b=2",
};

static const char *names[] = {
  "juliet", "romeo", "nurse", "mercutio", "benvolio", "tybalt", "paris",
  "laurence", "balthasar", "sampson", "gregory", "abram", "peter", "rosaline",
};

static void
append_words (GString *out,
              GRand   *rand,
              guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
    }
}

static const char *
pick_name (GRand *rand)
{
  return names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))];
}

static void
append_stamp (GString *out,
              GRand   *rand)
{
  g_string_append_printf (out, "2024-%02d-%02dT%02d:%02d:%02d.%03dZ",
                          g_rand_int_range (rand, 1, 13), g_rand_int_range (rand, 1, 29),
                          g_rand_int_range (rand, 0, 24), g_rand_int_range (rand, 0, 60),
                          g_rand_int_range (rand, 0, 60), g_rand_int_range (rand, 0, 1000));
}

static void
append_chat_message (GString    *out,
                     GRand      *rand,
                     const char *ns_attr)
{
  const char *from = pick_name (rand);

  g_string_append_printf (out,
                          "<message%s from='%s@capulet.lit/%08x' to='me@montague.lit/petrel'"
                          " type='chat' id='%08x-%04x' xml:lang='en'><body>",
                          ns_attr, from, g_rand_int (rand), g_rand_int (rand),
                          g_rand_int_range (rand, 0, 0xFFFF));
  append_words (out, rand, g_rand_int_range (rand, 3, 60));
  g_string_append (out, "</body>");
  if (g_rand_boolean (rand))
    {
      g_string_append (out, "<delay xmlns='urn:xmpp:delay' from='capulet.lit' stamp='");
      append_stamp (out, rand);
      g_string_append (out, "'>Offline Storage</delay>");
    }
  g_string_append (out, "<active xmlns='http://jabber.org/protocol/chatstates'/>");
  g_string_append_printf (out, "<origin-id xmlns='urn:xmpp:sid:0' id='%08x-%08x'/>",
                          g_rand_int (rand), g_rand_int (rand));
  g_string_append_printf (out, "<stanza-id xmlns='urn:xmpp:sid:0' by='me@montague.lit' id='%08x%08x'/>",
                          g_rand_int (rand), g_rand_int (rand));
  g_string_append (out, "<markable xmlns='urn:xmpp:chat-markers:0'/></message>");
}

static void
append_presence (GString *out,
                 GRand   *rand)
{
  static const char *shows[] = { "away", "chat", "dnd", "xa" };

  g_string_append_printf (out, "<presence from='%s@capulet.lit/%08x' to='me@montague.lit/petrel'>",
                          pick_name (rand), g_rand_int (rand));
  if (g_rand_boolean (rand))
    g_string_append_printf (out, "<show>%s</show>", shows[g_rand_int_range (rand, 0, 4)]);
  g_string_append (out, "<status>");
  append_words (out, rand, g_rand_int_range (rand, 0, 8));
  g_string_append_printf (out, "</status><priority>%d</priority>", g_rand_int_range (rand, -5, 50));
  g_string_append (out, "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'"
                        " node='https://petrel.im' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>");
  g_string_append_printf (out, "<x xmlns='vcard-temp:x:update'><photo>%08x%08x%08x%08x%08x</photo></x>",
                          g_rand_int (rand), g_rand_int (rand), g_rand_int (rand),
                          g_rand_int (rand), g_rand_int (rand));
  g_string_append (out, "</presence>");
}

static void
append_roster (GString *out,
               GRand   *rand)
{
  static const char *subs[] = { "both", "to", "from", "none" };

  g_string_append_printf (out, "<iq type='result' id='roster-%08x' to='me@montague.lit/petrel'>"
                               "<query xmlns='jabber:iq:roster' ver='ver%u'>",
                          g_rand_int (rand), g_rand_int (rand));
  for (guint i = 0; i < 400; i++)
    {
      const char *name = pick_name (rand);

      g_string_append_printf (out, "<item jid='%s%u@example.com' name='%s %u' subscription='%s'>",
                              name, i, name, i, subs[g_rand_int_range (rand, 0, 4)]);
      for (int g = g_rand_int_range (rand, 0, 3); g > 0; g--)
        g_string_append_printf (out, "<group>Group %d</group>", g_rand_int_range (rand, 0, 20));
      g_string_append (out, "</item>");
    }
  g_string_append (out, "</query></iq>");
}

static void
append_mam_page (GString *out,
                 GRand   *rand)
{
  guint queryid = g_rand_int (rand);

  for (guint i = 0; i < 50; i++)
    {
      g_string_append_printf (out, "<message to='me@montague.lit/petrel' from='me@montague.lit'>"
                                   "<result xmlns='urn:xmpp:mam:2' queryid='q%08x' id='%08x-%08x'>"
                                   "<forwarded xmlns='urn:xmpp:forward:0'>"
                                   "<delay xmlns='urn:xmpp:delay' stamp='",
                              queryid, g_rand_int (rand), g_rand_int (rand));
      append_stamp (out, rand);
      g_string_append (out, "'/>");
      append_chat_message (out, rand, " xmlns='jabber:client'");
      g_string_append (out, "</forwarded></result></message>");
    }
  g_string_append_printf (out, "<iq type='result' id='mam-%08x'><fin xmlns='urn:xmpp:mam:2' complete='false'>"
                               "<set xmlns='http://jabber.org/protocol/rsm'><first index='0'>%08x</first>"
                               "<last>%08x</last><count>12345</count></set></fin></iq>",
                          queryid, g_rand_int (rand), g_rand_int (rand));
}

static GBytes *
generate_corpus (gsize size)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x9e7e1);
  GString *out = g_string_sized_new (size + 65536);

  g_string_append (out, "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                        " xmlns:stream='http://etherx.jabber.org/streams' from='montague.lit'"
                        " id='bench' version='1.0' xml:lang='en'>");
  while (out->len < size)
    {
      guint kind = g_rand_int_range (rand, 0, 100);

      if (kind < 55)
        append_chat_message (out, rand, "");
      else if (kind < 90)
        append_presence (out, rand);
      else if (kind < 91)
        append_roster (out, rand);
      else if (kind < 94)
        append_mam_page (out, rand);
      else
        g_string_append (out, "\n");
    }
  g_string_append (out, "</stream:stream>");

  return g_string_free_to_bytes (out);
}

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void XMLCALL
expat_start (void        *user_data,
             const char  *name,
             const char **atts)
{
}

static void XMLCALL
expat_end (void       *user_data,
           const char *name)
{
}

static void XMLCALL
expat_text (void       *user_data,
            const char *s,
            int         len)
{
}

static double
run_expat (const char *data,
           gsize       len)
{
  XML_Parser parser = XML_ParserCreateNS ("UTF-8", '\xFF');
  double start = cpu_seconds ();

  XML_SetElementHandler (parser, expat_start, expat_end);
  XML_SetCharacterDataHandler (parser, expat_text);
  for (gsize offset = 0; offset < len; offset += CHUNK)
    {
      if (XML_Parse (parser, data + offset, MIN (CHUNK, len - offset), FALSE) != XML_STATUS_OK)
        g_error ("expat: %s", XML_ErrorString (XML_GetErrorCode (parser)));
    }
  if (XML_Parse (parser, "", 0, TRUE) != XML_STATUS_OK)
    g_error ("expat: %s", XML_ErrorString (XML_GetErrorCode (parser)));

  XML_ParserFree (parser);

  return cpu_seconds () - start;
}

static double
run_reader (const char *data,
            gsize       len,
            guint      *n_stanzas)
{
  g_autoptr(XmppReader) reader = xmpp_reader_new (XMPP_READER_MODE_STREAM, NULL);
  g_autoptr(GError) error = NULL;
  double start = cpu_seconds ();
  XmppReaderEvent event;
  XmppNode *node;

  *n_stanzas = 0;
  for (gsize offset = 0; offset < len; offset += CHUNK)
    {
      if (!xmpp_reader_feed (reader, data + offset, MIN (CHUNK, len - offset), &error))
        g_error ("reader: %s", error->message);
      while ((event = xmpp_reader_pop (reader, &node)) != XMPP_READER_EVENT_NONE)
        {
          if (event == XMPP_READER_EVENT_STANZA)
            ++*n_stanzas;
          if (node != NULL)
            xmpp_node_unref (node);
        }
    }

  return cpu_seconds () - start;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) corpus = NULL;
  g_autofree char *write_corpus = NULL;
  g_autofree char *corpus_file = NULL;
  g_autofree char *only = NULL;
  g_autofree double *expat_times = NULL;
  g_autofree double *reader_times = NULL;
  int size_mb = 20;
  int runs = 7;
  const GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_INT, &size_mb, "Corpus size in MB (default 20)", "MB" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each parser (default 7)", "N" },
    { "write-corpus", 0, 0, G_OPTION_ARG_FILENAME, &write_corpus, "Save the generated corpus", "FILE" },
    { "corpus", 0, 0, G_OPTION_ARG_FILENAME, &corpus_file, "Read the corpus from FILE", "FILE" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only, "Run one parser only (for profiling)", "expat|reader" },
    { NULL }
  };
  const char *data;
  gsize len;
  double mb, expat_median, reader_median;
  guint n_stanzas = 0;

  context = g_option_context_new ("- XmppReader throughput against raw expat");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  runs = CLAMP (runs, 1, 101);

  if (corpus_file != NULL)
    {
      char *contents;

      if (!g_file_get_contents (corpus_file, &contents, &len, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      corpus = g_bytes_new_take (contents, len);
    }
  else
    corpus = generate_corpus ((gsize) CLAMP (size_mb, 1, 1024) * 1000 * 1000);

  data = g_bytes_get_data (corpus, &len);
  mb = len / 1e6;

  if (write_corpus != NULL && !g_file_set_contents (write_corpus, data, len, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  expat_times = g_new (double, runs);
  reader_times = g_new (double, runs);

  if (only != NULL)
    {
      gboolean expat = g_str_equal (only, "expat");
      double total = 0;

      for (int i = 0; i < runs; i++)
        total += expat ? run_expat (data, len) : run_reader (data, len, &n_stanzas);
      g_print ("%s: %.1f MB/s\n", only, mb * runs / total);
      return 0;
    }

  /* Warm up caches and the allocator once, then alternate the two. */
  run_expat (data, len);
  run_reader (data, len, &n_stanzas);
  for (int i = 0; i < runs; i++)
    {
      expat_times[i] = run_expat (data, len);
      reader_times[i] = run_reader (data, len, &n_stanzas);
    }

  expat_median = median (expat_times, runs);
  reader_median = median (reader_times, runs);

  g_print ("corpus: %.1f MB, %u stanzas, %d runs, %d-byte chunks\n", mb, n_stanzas, runs, CHUNK);
  g_print ("expat (empty handlers): %8.1f MB/s (median %.3f s)\n", mb / expat_median, expat_median);
  g_print ("XmppReader:             %8.1f MB/s (median %.3f s)\n", mb / reader_median, reader_median);
  g_print ("ratio: %.2f\n", expat_median / reader_median);

  return 0;
}
