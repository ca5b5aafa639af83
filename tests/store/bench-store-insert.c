/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-store-insert: how fast archive pages are stored.
 *
 * Each run opens a new database file (WAL, synchronous=NORMAL, as the app
 * does) and stores 10,000 incoming messages the way a MAM catch-up does:
 * pages of 50, one transaction per page, each message with a stanza-id and
 * an origin-id (so both dedup indexes and the search index are updated),
 * spread over 20 conversations, with the archive position saved at the end
 * of each page.  It then stores the same pages again, as a catch-up that
 * overlaps the previous one, where every message is a duplicate.
 *
 * The median of the runs is printed (wall-clock time: a commit's fsync of
 * the WAL is part of the cost).  Target: ≥ 5,000 new messages per second.
 *
 *   bench-store-insert [--messages N] [--page N] [--runs N] [--dir DIR]
 */
#include "petrel-db.h"

#include <glib/gstdio.h>
#include <stdlib.h>

static int n_messages = 10000;
static int page_size = 50;
static int n_runs = 5;
static char *base_dir = NULL;

static const char *words[] = {
  "the", "of", "and", "to", "in", "is", "you", "that", "it", "he", "was", "for",
  "meeting", "tomorrow", "lunch", "ok", "thanks!", "café", "naïve", "Grüße",
  "привет", "こんにちは", "https://example.org/x?a=1&b=2", "😀",
};

typedef struct
{
  char *body;
  char *origin_id;
  char *stanza_id;
  char *sender;
  int conversation;
  gint64 time;
} Item;

static Item *
make_items (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  Item *items = g_new0 (Item, n_messages);

  for (int i = 0; i < n_messages; i++)
    {
      GString *body = g_string_new (NULL);
      int n_words = g_rand_int_range (rand, 3, 40);

      for (int w = 0; w < n_words; w++)
        {
          if (w > 0)
            g_string_append_c (body, ' ');
          g_string_append (body, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
        }
      items[i].body = g_string_free (body, FALSE);
      items[i].origin_id = g_strdup_printf ("%08x-%04x-%04x", g_rand_int (rand), g_rand_int_range (rand, 0, 0xffff), i);
      items[i].stanza_id = g_strdup_printf ("mam-%016" G_GINT64_MODIFIER "x", (gint64) i * 7919 + 1);
      items[i].conversation = g_rand_int_range (rand, 0, 20);
      items[i].sender = g_strdup_printf ("contact%d@example.org/phone", items[i].conversation);
      items[i].time = G_GINT64_CONSTANT (1700000000000000) + (gint64) i * 1000000;
    }

  return items;
}

static void
free_items (Item *items)
{
  for (int i = 0; i < n_messages; i++)
    {
      g_free (items[i].body);
      g_free (items[i].origin_id);
      g_free (items[i].stanza_id);
      g_free (items[i].sender);
    }
  g_free (items);
}

static void
check (gboolean  ok,
       GError   *error)
{
  if (!ok)
    g_error ("%s", error != NULL ? error->message : "failed");
}

/* Stores all items in pages; returns the seconds it took. */
static double
store_pages (PetrelDb     *db,
             gint64        account,
             const gint64 *conversations,
             const Item   *items,
             gboolean      expect_duplicates)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  for (int first = 0; first < n_messages; first += page_size)
    {
      int last = MIN (first + page_size, n_messages);

      check (petrel_db_begin (db, &error), error);
      for (int i = first; i < last; i++)
        {
          PetrelDbMessage message = {
            .conversation_id = conversations[items[i].conversation],
            .direction = PETREL_DB_DIRECTION_INCOMING,
            .state = PETREL_DB_STATE_DELIVERED,
            .sender = items[i].sender,
            .origin_id = items[i].origin_id,
            .stanza_id = items[i].stanza_id,
            .stanza_id_by = (char *) "me@example.org",
            .server_time = items[i].time,
            .local_time = g_get_real_time (),
            .body = items[i].body,
          };
          gboolean duplicate = FALSE;

          check (petrel_db_message_insert (db, &message, PETREL_DB_INSERT_DEFAULT, NULL, &duplicate, &error), error);
          if (duplicate != expect_duplicates)
            g_error ("Message %d: duplicate is %d", i, duplicate);
        }
      check (petrel_db_archive_set_position (db, account, "me@example.org", items[last - 1].stanza_id,
                                             items[last - 1].time, &error),
             error);
      check (petrel_db_commit (db, &error), error);
    }

  return (g_get_monotonic_time () - start) / 1e6;
}

static void
remove_db (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_double);
  return g_array_index (values, double, values->len / 2);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GArray) fresh = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) again = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  GOptionEntry entries[] = {
    { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Messages per run", "N" },
    { "page", 0, 0, G_OPTION_ARG_INT, &page_size, "Messages per transaction", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &base_dir, "Where to put the database (default: a temporary folder)", "DIR" },
    { NULL },
  };
  Item *items;

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (n_messages < 1 || page_size < 1 || n_runs < 1)
    g_error ("--messages, --page and --runs must be positive");

  dir = base_dir != NULL ? g_strdup (base_dir) : g_dir_make_tmp ("petrel-bench-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "bench.db", NULL);
  items = make_items ();

  g_print ("# %d messages in pages of %d, %d runs, database in %s\n", n_messages, page_size, n_runs, dir);
  for (int run = 0; run < n_runs; run++)
    {
      g_autoptr(PetrelDb) db = NULL;
      gint64 account = 0;
      gint64 conversations[20];
      double seconds, rate;

      remove_db (path);
      db = petrel_db_open (path, &error);
      check (db != NULL, error);
      check (petrel_db_account_ensure (db, "me@example.org", &account, &error), error);
      for (int c = 0; c < 20; c++)
        {
          g_autofree char *peer = g_strdup_printf ("contact%d@example.org", c);

          check (petrel_db_conversation_ensure (db, account, peer, PETREL_DB_CONVERSATION_CHAT,
                                                &conversations[c], &error),
                 error);
        }

      seconds = store_pages (db, account, conversations, items, FALSE);
      rate = n_messages / seconds;
      g_array_append_val (fresh, rate);
      g_print ("run %d: new %.0f msg/s (%.3f s)", run + 1, rate, seconds);

      seconds = store_pages (db, account, conversations, items, TRUE);
      rate = n_messages / seconds;
      g_array_append_val (again, rate);
      g_print (", duplicates %.0f msg/s (%.3f s)\n", rate, seconds);
    }

  g_print ("median: new %.0f msg/s, duplicates %.0f msg/s (target: new >= 5000)\n",
           median (fresh), median (again));

  remove_db (path);
  if (base_dir == NULL)
    g_rmdir (dir);
  free_items (items);
  g_free (base_dir);

  return median (fresh) >= 5000 ? EXIT_SUCCESS : EXIT_FAILURE;
}
