/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-store: libFuzzer target for the store (app/store) with hostile
 * strings, as they arrive from the network: JIDs, bodies, message and
 * archive ids, roster names and groups, caps hashes, full-text search
 * queries, with invalid UTF-8, NULs cut out, quotes, FTS operators and
 * large sizes.
 *
 * The input is split at '\n' into the strings; the first byte picks the
 * times, the cursor and whether the body is blown up to half a megabyte.
 * One in-memory database lives for the whole run; each input runs inside
 * a transaction that is rolled back, so inputs do not see each other.
 *
 * Checked: no crash or leak; an invalid UTF-8 string is refused, never
 * stored; a stored message reads back with the same body and ids.
 *
 *   ninja -C build-fuzz tests/fuzz/fuzz-store
 *   build-fuzz/tests/fuzz/fuzz-store -max_total_time=120 tests/fuzz/corpus/store
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "petrel-db.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

enum {
  S_JID,
  S_PEER,
  S_BODY,
  S_ORIGIN_ID,
  S_STANZA_ID,
  S_QUERY,
  S_NAME,
  S_GROUP,
  S_VER,
  N_STRINGS
};

static PetrelDb *db;
static gint64 account_id;

static void
check (gboolean    ok,
       const char *what)
{
  if (!ok)
    {
      g_printerr ("store invariant broken: %s\n", what);
      abort ();
    }
}

/* A string the store must refuse: any non-UTF-8 input. */
static gboolean
valid (const char *s)
{
  return s == NULL || g_utf8_validate (s, -1, NULL);
}

static void
free_ptr_array (GPtrArray *array)
{
  if (array != NULL)
    g_ptr_array_unref (array);
}

static void
exercise_messages (char  **s,
                   guint8  flags)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PetrelDbMessage) back = NULL;
  g_autofree char *big = NULL;
  PetrelDbMessage message = { 0 };
  PetrelDbCursor cursor = { 0 };
  gint64 conversation_id = 0, message_id = 0;
  gboolean duplicate = FALSE, stored;

  if (!petrel_db_conversation_ensure (db, account_id, s[S_PEER], PETREL_DB_CONVERSATION_CHAT,
                                      &conversation_id, &error))
    {
      check (error != NULL, "a refused conversation says why");
      return;
    }
  check (valid (s[S_PEER]), "a conversation with invalid UTF-8 was stored");

  if (flags & 1)
    {
      GString *blown = g_string_new (NULL);

      while (blown->len < 512 * 1024)
        g_string_append (blown, s[S_BODY][0] != '\0' ? s[S_BODY] : "x");
      big = g_string_free (blown, FALSE);
    }

  message.account_id = account_id;
  message.conversation_id = conversation_id;
  message.direction = (flags & 2) ? PETREL_DB_DIRECTION_OUTGOING : PETREL_DB_DIRECTION_INCOMING;
  message.state = (flags >> 2) % (PETREL_DB_STATE_FAILED + 1);
  message.sender = s[S_JID];
  message.origin_id = s[S_ORIGIN_ID][0] != '\0' ? s[S_ORIGIN_ID] : NULL;
  message.stanza_id = s[S_STANZA_ID][0] != '\0' ? s[S_STANZA_ID] : NULL;
  message.stanza_id_by = s[S_PEER];
  message.server_time = (flags & 32) ? G_MININT64 + flags : (gint64) ((guint64) flags << 56);
  message.local_time = (flags & 64) ? G_MAXINT64 - flags : 0;
  message.body = big != NULL ? big : s[S_BODY];
  message.replaces = (flags & 128) ? s[S_ORIGIN_ID] : NULL;

  g_clear_error (&error);
  stored = petrel_db_message_insert (db, &message, PETREL_DB_INSERT_DEFAULT, &message_id,
                                     &duplicate, &error);
  if (!stored)
    {
      check (error != NULL, "a refused message says why");
      return;
    }
  check (valid (message.body) && valid (message.sender) && valid (message.origin_id) &&
         valid (message.stanza_id) && valid (message.replaces),
         "a message with invalid UTF-8 was stored");

  back = petrel_db_message_get (db, message_id, NULL);
  check (back != NULL, "a stored message reads back");
  if (!duplicate)
    {
      check (g_strcmp0 (back->body, message.body) == 0, "the body reads back unchanged");
      check (g_strcmp0 (back->origin_id, message.origin_id) == 0, "the origin-id reads back");
      check (g_strcmp0 (back->stanza_id, message.stanza_id) == 0, "the stanza-id reads back");
    }

  g_clear_pointer (&back, petrel_db_message_free);
  back = petrel_db_message_lookup_by_origin_id (db, conversation_id, message.direction,
                                                s[S_ORIGIN_ID], NULL);
  g_clear_pointer (&back, petrel_db_message_free);
  back = petrel_db_message_lookup_by_stanza_id (db, account_id, s[S_PEER], s[S_STANZA_ID], NULL);

  cursor.sort_time = message.server_time;
  cursor.id = message_id;
  free_ptr_array (petrel_db_message_history (db, conversation_id, &cursor, 1 + flags % 50, NULL));
  free_ptr_array (petrel_db_message_history_after (db, conversation_id, &cursor, 1 + flags % 50, NULL));
  free_ptr_array (petrel_db_message_search (db, account_id, 0, s[S_QUERY], 20, NULL));
  free_ptr_array (petrel_db_message_search (db, account_id, conversation_id, s[S_BODY], 20, NULL));
  free_ptr_array (petrel_db_conversation_list (db, account_id, NULL));
}

static void
exercise_roster_caps_archive (char  **s,
                              guint8  flags)
{
  const char *groups[] = { s[S_GROUP], s[S_NAME], NULL };
  const char *features[] = { s[S_BODY], s[S_GROUP], s[S_QUERY], NULL };
  PetrelDbRosterItem item = {
    .jid = s[S_PEER],
    .name = s[S_NAME],
    .subscription = flags % (PETREL_DB_SUBSCRIPTION_REMOVE + 1),
    .ask = flags & 8,
    .groups = (GStrv) groups,
  };
  g_autofree char *ver = NULL;
  g_autofree char *stanza_id = NULL;
  g_auto(GStrv) got = NULL;
  gint64 when = 0;

  if (petrel_db_roster_apply_push (db, account_id, s[S_VER], &item, NULL))
    check (valid (item.jid) && valid (item.name) && valid (s[S_GROUP]) && valid (s[S_VER]),
           "a roster item with invalid UTF-8 was stored");
  free_ptr_array (petrel_db_roster_load (db, account_id, &ver, NULL));

  if (petrel_db_caps_put (db, s[S_NAME], s[S_VER], features, NULL))
    {
      got = petrel_db_caps_dup_features (db, s[S_NAME], s[S_VER], NULL);
      check (got != NULL, "stored caps read back");
    }

  if (petrel_db_archive_set_position (db, account_id, s[S_JID], s[S_STANZA_ID],
                                      (gint64) flags * G_GINT64_CONSTANT (1) << 40, NULL))
    {
      check (petrel_db_archive_get_position (db, account_id, s[S_JID], &stanza_id, &when, NULL),
             "a stored archive position reads back");
      check (g_strcmp0 (stanza_id, s[S_STANZA_ID]) == 0, "the archive position is unchanged");
    }
  petrel_db_archive_clear_position (db, account_id, s[S_JID], NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;
  char *s[N_STRINGS];
  guint8 flags;
  guint n;

  if (size < 1)
    return 0;

  if (db == NULL)
    {
      g_autoptr(GError) error = NULL;

      db = petrel_db_open (":memory:", &error);
      check (db != NULL, "the database opens");
      check (petrel_db_account_ensure (db, "juliet@localhost", &account_id, NULL),
             "the account exists");
    }

  flags = data[0];
  text = g_strndup ((const char *) data + 1, size - 1);   /* stops at a NUL */
  parts = g_strsplit (text, "\n", N_STRINGS);
  n = g_strv_length (parts);
  for (guint i = 0; i < N_STRINGS; i++)
    s[i] = i < n ? parts[i] : (char *) "";

  check (petrel_db_begin (db, NULL), "a transaction begins");
  {
    gint64 id = 0;

    /* Any account name, valid or not, and never a crash. */
    if (petrel_db_account_ensure (db, s[S_JID], &id, NULL))
      check (valid (s[S_JID]), "an account with invalid UTF-8 was stored");
  }
  exercise_messages (s, flags);
  exercise_roster_caps_archive (s, flags);
  petrel_db_rollback (db);

  return 0;
}
