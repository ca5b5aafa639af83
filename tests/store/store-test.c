/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "store-test.h"

#include <glib/gstdio.h>

char *
store_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("petrel-store-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
store_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        store_test_remove_dir (path);
      else
        g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

void
store_fixture_set_up (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = store_test_make_dir ();
  fixture->path = g_build_filename (fixture->dir, "petrel.db", NULL);
  fixture->db = petrel_db_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->db);

  g_assert_true (petrel_db_account_ensure (fixture->db, STORE_TEST_ACCOUNT, &fixture->account, &error));
  g_assert_no_error (error);
  g_assert_true (petrel_db_conversation_ensure (fixture->db, fixture->account, STORE_TEST_PEER,
                                                PETREL_DB_CONVERSATION_CHAT, &fixture->chat, &error));
  g_assert_no_error (error);
  g_assert_true (petrel_db_conversation_ensure (fixture->db, fixture->account, STORE_TEST_ROOM,
                                                PETREL_DB_CONVERSATION_GROUPCHAT, &fixture->room, &error));
  g_assert_no_error (error);
}

void
store_fixture_tear_down (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_clear_pointer (&fixture->db, petrel_db_close);
  store_test_remove_dir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

void
store_fixture_reopen (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&fixture->db, petrel_db_close);
  fixture->db = petrel_db_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->db);
}

PetrelDbMessage
store_test_message (gint64             conversation_id,
                    PetrelDbDirection  direction,
                    const char        *sender,
                    const char        *origin_id,
                    const char        *stanza_id,
                    gint64             time,
                    const char        *body)
{
  PetrelDbMessage message = {
    .conversation_id = conversation_id,
    .direction = direction,
    .state = direction == PETREL_DB_DIRECTION_INCOMING ? PETREL_DB_STATE_DELIVERED
                                                       : PETREL_DB_STATE_SENT,
    .sender = (char *) sender,
    .origin_id = (char *) origin_id,
    .stanza_id = (char *) stanza_id,
    .stanza_id_by = stanza_id != NULL ? (char *) STORE_TEST_ACCOUNT : NULL,
    .server_time = time,
    .local_time = time + 1000,
    .body = (char *) body,
  };

  return message;
}

gint64
store_test_insert (PetrelDb               *db,
                   const PetrelDbMessage  *message,
                   PetrelDbInsertFlags     flags,
                   gboolean               *out_duplicate)
{
  g_autoptr(GError) error = NULL;
  gboolean duplicate = TRUE;
  gint64 id = 0;

  petrel_db_message_insert (db, message, flags, &id, &duplicate, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  if (out_duplicate != NULL)
    *out_duplicate = duplicate;
  else
    g_assert_false (duplicate);

  return id;
}

gint64
store_test_query_int (PetrelDb   *db,
                      const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}
