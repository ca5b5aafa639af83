/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * make-large-profile: writes a benchmark profile for bench_desktop_startup.py.
 *
 *   make-large-profile DIR [CONTACTS [MESSAGES [BIG]]]
 *
 * One account (bench@example.invalid, host 127.0.0.1 port 1, so it never
 * reaches a real server), a roster of CONTACTS (5,000) items and MESSAGES
 * (200,000) messages: BIG (100,000) of them in the conversation with
 * contact0@example.invalid, the rest spread over 199 other conversations.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "petrel-db.h"

#define ACCOUNT "bench@example.invalid"
#define OTHER_CONVERSATIONS 199
#define BATCH 1000

static void
die (const char *what, GError *error)
{
  g_printerr ("make-large-profile: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PetrelDb) db = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autofree char *ini = NULL;
  const char *dir;
  guint contacts = 5000, messages = 200000, big = 100000;
  gint64 account_id, big_id;
  gint64 others[OTHER_CONVERSATIONS];
  gint64 now = g_get_real_time ();
  const char *ini_text =
    "[" ACCOUNT "]\n"
    "password=bench-password\n"
    "host=127.0.0.1\n"
    "port=1\n";

  if (argc < 2)
    {
      g_printerr ("usage: %s DIR [CONTACTS [MESSAGES [BIG]]]\n", argv[0]);
      return 2;
    }
  dir = argv[1];
  if (argc > 2) contacts = (guint) atoi (argv[2]);
  if (argc > 3) messages = (guint) atoi (argv[3]);
  if (argc > 4) big = (guint) atoi (argv[4]);
  if (big > messages || contacts < OTHER_CONVERSATIONS + 1)
    {
      g_printerr ("make-large-profile: need BIG <= MESSAGES and CONTACTS > %d\n", OTHER_CONVERSATIONS);
      return 2;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    die ("mkdir", NULL);
  ini = g_build_filename (dir, "accounts.ini", NULL);
  if (!g_file_set_contents_full (ini, ini_text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    die ("accounts.ini", error);

  db = petrel_db_open_profile (dir, &error);
  if (db == NULL)
    die ("open", error);
  if (!petrel_db_account_ensure (db, ACCOUNT, &account_id, &error))
    die ("account", error);

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_roster_item_free);
  for (guint i = 0; i < contacts; i++)
    {
      PetrelDbRosterItem *item = g_new0 (PetrelDbRosterItem, 1);
      char *groups[] = { g_strdup_printf ("Group %u", i % 20), NULL };

      item->jid = g_strdup_printf ("contact%u@example.invalid", i);
      item->name = g_strdup_printf ("Contact Number %u", i);
      item->subscription = PETREL_DB_SUBSCRIPTION_BOTH;
      item->groups = g_strdupv (groups);
      g_free (groups[0]);
      g_ptr_array_add (items, item);
    }
  if (!petrel_db_roster_replace (db, account_id, "bench-ver-1", items, &error))
    die ("roster", error);

  if (!petrel_db_conversation_ensure (db, account_id, "contact0@example.invalid",
                                      PETREL_DB_CONVERSATION_CHAT, &big_id, &error))
    die ("conversation", error);
  for (guint i = 0; i < OTHER_CONVERSATIONS; i++)
    {
      g_autofree char *peer = g_strdup_printf ("contact%u@example.invalid", i + 1);

      if (!petrel_db_conversation_ensure (db, account_id, peer, PETREL_DB_CONVERSATION_CHAT,
                                          &others[i], &error))
        die ("conversation", error);
    }

  for (guint i = 0; i < messages; i++)
    {
      PetrelDbMessage m = { 0 };
      gboolean in_big = i < big;
      gboolean incoming = (i % 2) == 0;
      guint n = in_big ? i : i - big;
      g_autofree char *sender = NULL;
      g_autofree char *origin = NULL;
      g_autofree char *stanza = NULL;
      g_autofree char *body = NULL;
      gint64 peer_index = in_big ? 0 : (gint64) (n % OTHER_CONVERSATIONS) + 1;

      if (i % BATCH == 0 && !petrel_db_begin (db, &error))
        die ("begin", error);

      m.conversation_id = in_big ? big_id : others[n % OTHER_CONVERSATIONS];
      m.direction = incoming ? PETREL_DB_DIRECTION_INCOMING : PETREL_DB_DIRECTION_OUTGOING;
      m.state = incoming ? PETREL_DB_STATE_DELIVERED : PETREL_DB_STATE_DISPLAYED;
      sender = incoming ? g_strdup_printf ("contact%" G_GINT64_FORMAT "@example.invalid/phone", peer_index)
                        : g_strdup (ACCOUNT "/petrel");
      origin = g_strdup_printf ("bench-origin-%u", i);
      stanza = g_strdup_printf ("bench-stanza-%u", i);
      m.sender = sender;
      m.origin_id = origin;
      m.stanza_id = stanza;
      m.stanza_id_by = ACCOUNT;
      /* Oldest first, one message a minute, ending now. */
      m.server_time = now - (gint64) (messages - i) * 60 * G_USEC_PER_SEC;
      m.local_time = m.server_time;
      body = g_strdup_printf ("Message %u in this conversation: %s", n,
                              (i % 3) == 0 ? "a short one."
                              : (i % 3) == 1 ? "somewhat longer, with *some* _styling_ and a link https://example.invalid/page so that rows vary in height."
                              : "ok");
      m.body = body;

      if (!petrel_db_message_insert (db, &m, PETREL_DB_INSERT_BACKFILL, NULL, NULL, &error))
        die ("insert", error);
      if ((i % BATCH == BATCH - 1 || i == messages - 1) && !petrel_db_commit (db, &error))
        die ("commit", error);
    }

  g_print ("profile %s: %u contacts, %u messages (%u in contact0)\n", dir, contacts, messages, big);
  return 0;
}
