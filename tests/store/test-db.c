/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for PetrelDb itself: opening, settings, migrations from every
 * older schema, nested transactions, and the plans of every statement.
 */
#include "store-test.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

static char *
query_text (PetrelDb   *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

static void
test_open_settings (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autofree char *mode = query_text (fixture->db, "PRAGMA journal_mode");
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  GStatBuf st;

  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (store_test_query_int (fixture->db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (store_test_query_int (fixture->db, "PRAGMA synchronous"), ==, 1); /* NORMAL */
  g_assert_cmpint (store_test_query_int (fixture->db, "PRAGMA user_version"), ==,
                   petrel_db_get_latest_schema_version ());
  g_assert_cmpuint (petrel_db_get_schema_version (fixture->db), ==,
                    petrel_db_get_latest_schema_version ());
  g_assert_cmpstr (petrel_db_get_path (fixture->db), ==, fixture->path);

  /* Messages are private: the file and its WAL are the user's alone. */
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  if (g_stat (wal, &st) == 0)
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_open_profile (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *profile = g_build_filename (dir, "profile", NULL);
  g_autofree char *file = g_build_filename (profile, "petrel.db", NULL);
  g_autoptr(PetrelDb) db = petrel_db_open_profile (profile, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));

  g_clear_pointer (&db, petrel_db_close);
  store_test_remove_dir (dir);
}

static void
test_open_in_memory (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PetrelDb) db = petrel_db_open (":memory:", &error);
  gint64 account = 0;

  g_assert_no_error (error);
  g_assert_true (petrel_db_account_ensure (db, STORE_TEST_ACCOUNT, &account, &error));
  g_assert_no_error (error);
  g_assert_cmpint (account, >, 0);
}

static void
test_newer_schema_is_refused (StoreFixture  *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %u",
                                          petrel_db_get_latest_schema_version () + 1);
  PetrelDb *db;

  g_assert_cmpint (sqlite3_exec (fixture->db->db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_clear_pointer (&fixture->db, petrel_db_close);

  db = petrel_db_open (fixture->path, &error);
  g_assert_null (db);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_SCHEMA);

  /* Nothing was touched: a newer Petrel can still open it. */
  {
    sqlite3 *raw = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (fixture->path, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (raw, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, petrel_db_get_latest_schema_version () + 1);
    sqlite3_finalize (stmt);
    sqlite3_close (raw);
  }
}

static void
test_not_a_database_is_corrupt (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "petrel.db", NULL);
  g_autofree char *junk = g_strnfill (8192, 'x');
  PetrelDb *db;

  g_assert_true (g_file_set_contents (path, junk, -1, NULL));
  db = petrel_db_open (path, &error);
  g_assert_null (db);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_CORRUPT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));

  store_test_remove_dir (dir);
}

/*
 * The data an older Petrel would have written, by hand in the oldest schema
 * it fits (later steps only add tables, so version 1 data fits them all):
 * an account, a conversation, three messages (one of them pending in the
 * outbox, one with a stanza-id), a roster with groups and a version, an
 * archive position; and from version 3, a caps entry.
 */
static const char fixture_v1[] =
  "INSERT INTO accounts (id, jid, created, roster_ver) VALUES (1, 'romeo@montague.lit', 1, 'v42');"
  "INSERT INTO conversations (id, account_id, peer, type, last_activity, unread)"
  "  VALUES (1, 1, 'juliet@capulet.lit', 0, 3000, 2);"
  "INSERT INTO messages (id, account_id, conversation_id, direction, state, sender, origin_id,"
  "  stanza_id, stanza_id_by, server_time, local_time, sort_time, body)"
  "  VALUES (1, 1, 1, 0, 2, 'juliet@capulet.lit/balcony', 'o-1', 's-1', 'romeo@montague.lit',"
  "          1000, 1001, 1000, 'Wherefore art thou Romeo?'),"
  "         (2, 1, 1, 0, 2, 'juliet@capulet.lit/balcony', 'o-2', NULL, NULL,"
  "          NULL, 2000, 2000, 'Deny thy father'),"
  "         (3, 1, 1, 1, 0, 'romeo@montague.lit/petrel', 'o-3', NULL, NULL,"
  "          NULL, 3000, 3000, 'Shall I hear more?');"
  "INSERT INTO outbox (message_id, account_id, attempts) VALUES (3, 1, 2);"
  "INSERT INTO roster_items (account_id, jid, name, subscription, ask)"
  "  VALUES (1, 'juliet@capulet.lit', 'Juliet', 3, 0), (1, 'nurse@capulet.lit', NULL, 1, 1);"
  "INSERT INTO roster_groups (account_id, jid, name)"
  "  VALUES (1, 'juliet@capulet.lit', 'Capulets'), (1, 'juliet@capulet.lit', 'Verona');"
  "INSERT INTO archive_positions (account_id, archive, stanza_id, time)"
  "  VALUES (1, 'romeo@montague.lit', 's-1', 1000);";

static const char fixture_v3[] =
  "INSERT INTO caps (algo, ver, last_used) VALUES ('sha-1', 'QgayPKawpkPSDYmwT/WM94uAlu0=', 5);"
  "INSERT INTO caps_features (algo, ver, var)"
  "  VALUES ('sha-1', 'QgayPKawpkPSDYmwT/WM94uAlu0=', 'http://jabber.org/protocol/disco#info'),"
  "         ('sha-1', 'QgayPKawpkPSDYmwT/WM94uAlu0=', 'urn:xmpp:receipts');";

static void
exec_raw (sqlite3    *raw,
          const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (raw, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s", message);
}

/* Writes a database at schema @version the way that version's Petrel did. */
static void
make_old_database (const char *path,
                   guint       version)
{
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %u", version);
  sqlite3 *raw = NULL;

  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  exec_raw (raw, "PRAGMA journal_mode = WAL");
  for (guint i = 0; i < version; i++)
    exec_raw (raw, petrel_db_migrations[i].sql);
  exec_raw (raw, set_version);

  if (version >= 1)
    exec_raw (raw, fixture_v1);
  if (version >= 3)
    exec_raw (raw, fixture_v3);

  g_assert_cmpint (sqlite3_close (raw), ==, SQLITE_OK);
}

static void
check_upgraded_data (PetrelDb *db,
                     guint     from)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GPtrArray) roster = NULL;
  g_autoptr(PetrelDbConversation) conversation = NULL;
  g_autofree char *ver = NULL;
  g_autofree char *stanza_id = NULL;
  PetrelDbMessage again;
  PetrelDbRosterItem *item;
  gboolean duplicate = FALSE;
  gint64 account = 0;
  gint64 time = 0;

  g_assert_true (petrel_db_account_lookup (db, STORE_TEST_ACCOUNT, &account, &error));
  g_assert_no_error (error);
  g_assert_cmpint (account, ==, 1);

  conversation = petrel_db_conversation_get (db, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conversation->peer, ==, STORE_TEST_PEER);
  g_assert_cmpuint (conversation->unread, ==, 2);

  history = petrel_db_message_history (db, 1, NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (((PetrelDbMessage *) history->pdata[i])->id, ==, i + 1);
  g_assert_cmpstr (((PetrelDbMessage *) history->pdata[0])->body, ==, "Wherefore art thou Romeo?");

  /* Bodies stored before the search index existed are found. */
  found = petrel_db_message_search (db, 1, 0, "wherefore", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (((PetrelDbMessage *) found->pdata[0])->id, ==, 1);

  outbox = petrel_db_outbox_list (db, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_cmpint (((PetrelDbOutboxEntry *) outbox->pdata[0])->message->id, ==, 3);
  g_assert_cmpuint (((PetrelDbOutboxEntry *) outbox->pdata[0])->attempts, ==, 2);

  roster = petrel_db_roster_load (db, 1, &ver, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ver, ==, "v42");
  g_assert_cmpuint (roster->len, ==, 2);
  item = roster->pdata[0];
  g_assert_cmpstr (item->jid, ==, "juliet@capulet.lit");
  g_assert_cmpuint (g_strv_length (item->groups), ==, 2);

  g_assert_true (petrel_db_archive_get_position (db, 1, STORE_TEST_ACCOUNT, &stanza_id, &time, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (stanza_id, ==, "s-1");
  g_assert_cmpint (time, ==, 1000);

  if (from >= 3)
    {
      g_auto(GStrv) features = petrel_db_caps_dup_features (db, "sha-1", "QgayPKawpkPSDYmwT/WM94uAlu0=", &error);

      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length (features), ==, 2);
    }

  /* Dedup works against the old rows. */
  again = store_test_message (1, PETREL_DB_DIRECTION_INCOMING, "juliet@capulet.lit/balcony",
                              NULL, "s-1", 1000, "Wherefore art thou Romeo?");
  store_test_insert (db, &again, PETREL_DB_INSERT_DEFAULT, &duplicate);
  g_assert_true (duplicate);
}

static void
test_upgrade_from_every_version (void)
{
  guint latest = petrel_db_get_latest_schema_version ();

  g_assert_cmpuint (petrel_db_n_migrations, ==, latest);

  for (guint from = 0; from < latest; from++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = store_test_make_dir ();
      g_autofree char *path = g_build_filename (dir, "petrel.db", NULL);
      g_autoptr(PetrelDb) db = NULL;

      g_test_message ("Upgrading from schema version %u", from);
      make_old_database (path, from);

      db = petrel_db_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (petrel_db_get_schema_version (db), ==, latest);
      g_assert_cmpint (store_test_query_int (db, "PRAGMA foreign_key_check"), ==, 0);
      {
        g_autofree char *integrity = query_text (db, "PRAGMA integrity_check");

        g_assert_cmpstr (integrity, ==, "ok");
      }
      if (from >= 1)
        check_upgraded_data (db, from);

      g_clear_pointer (&db, petrel_db_close);
      store_test_remove_dir (dir);
    }
}

static void
test_failed_migration_keeps_old_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "petrel.db", NULL);
  g_autofree PetrelDbMigration *steps = NULL;
  gsize n = petrel_db_n_migrations;
  PetrelDb *db;

  make_old_database (path, 1);

  /* The real steps, then one that fails half-way through. */
  steps = g_new0 (PetrelDbMigration, n + 1);
  memcpy (steps, petrel_db_migrations, n * sizeof (PetrelDbMigration));
  steps[n].version = n + 1;
  steps[n].sql = "CREATE TABLE half_done (x);"
                 "DELETE FROM messages;"
                 "INSERT INTO no_such_table VALUES (1);";

  db = petrel_db_open_with_migrations (path, steps, n + 1, &error);
  g_assert_null (db);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_SCHEMA);
  g_assert_nonnull (strstr (error->message, "version"));
  g_clear_error (&error);

  /* The steps before it were kept, the failed one left no trace. */
  db = petrel_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (petrel_db_get_schema_version (db), ==, n);
  g_assert_cmpint (store_test_query_int (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'"), ==, 0);
  check_upgraded_data (db, 1);

  petrel_db_close (db);
  store_test_remove_dir (dir);
}

static void
test_nested_transactions (StoreFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 kept = 0, dropped = 0, gone = 0;

  g_assert_true (petrel_db_begin (fixture->db, &error));
  g_assert_true (petrel_db_account_ensure (fixture->db, "kept@example.org", &kept, &error));

  g_assert_true (petrel_db_begin (fixture->db, &error));
  g_assert_true (petrel_db_account_ensure (fixture->db, "dropped@example.org", &dropped, &error));
  petrel_db_rollback (fixture->db);

  g_assert_true (petrel_db_commit (fixture->db, &error));
  g_assert_no_error (error);

  g_assert_true (petrel_db_begin (fixture->db, &error));
  g_assert_true (petrel_db_account_ensure (fixture->db, "gone@example.org", &gone, &error));
  petrel_db_rollback (fixture->db);

  store_fixture_reopen (fixture);
  g_assert_true (petrel_db_account_lookup (fixture->db, "kept@example.org", &kept, &error));
  g_assert_no_error (error);
  g_assert_false (petrel_db_account_lookup (fixture->db, "dropped@example.org", &dropped, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (petrel_db_account_lookup (fixture->db, "gone@example.org", &gone, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
}

/* A failed write inside a caller's transaction undoes only itself. */
static void
test_failed_write_inside_transaction (StoreFixture  *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  PetrelDbMessage good = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING,
                                             "juliet@capulet.lit/balcony", "o-1", NULL, 1000, "one");
  PetrelDbMessage bad = store_test_message (424242, PETREL_DB_DIRECTION_INCOMING,
                                            "juliet@capulet.lit/balcony", "o-2", NULL, 2000, "two");
  g_autoptr(GPtrArray) history = NULL;

  g_assert_true (petrel_db_begin (fixture->db, &error));
  store_test_insert (fixture->db, &good, PETREL_DB_INSERT_DEFAULT, NULL);
  g_assert_false (petrel_db_message_insert (fixture->db, &bad, PETREL_DB_INSERT_DEFAULT, NULL, NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (petrel_db_commit (fixture->db, &error));

  history = petrel_db_message_history (fixture->db, fixture->chat, NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
}

/* Deleting a row must not scan the tables that refer to it. */
static void
test_foreign_keys_are_indexed (StoreFixture  *fixture,
                               gconstpointer  data)
{
  sqlite3 *raw = fixture->db->db;
  sqlite3_stmt *tables = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT name FROM sqlite_schema WHERE type = 'table'"
                                            " AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'"
                                            " AND name NOT LIKE 'messages_fts_%'",
                                       -1, &tables, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (tables, 0);
      g_autofree char *fk_sql = g_strdup_printf ("SELECT \"from\" FROM pragma_foreign_key_list ('%s') WHERE seq = 0", table);
      sqlite3_stmt *fks = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (raw, fk_sql, -1, &fks, NULL), ==, SQLITE_OK);
      while (sqlite3_step (fks) == SQLITE_ROW)
        {
          const char *column = (const char *) sqlite3_column_text (fks, 0);
          g_autofree char *index_sql = NULL;
          sqlite3_stmt *first = NULL;
          gboolean indexed = FALSE;

          /* The first column of an index (or of the primary key of a
           * WITHOUT ROWID table, or the INTEGER PRIMARY KEY). */
          index_sql = g_strdup_printf ("SELECT 1 FROM pragma_index_list ('%s') AS l"
                                       " JOIN pragma_index_info (l.name) AS i"
                                       " WHERE i.seqno = 0 AND i.name = '%s' AND l.partial = 0"
                                       " UNION ALL SELECT 1 FROM pragma_table_info ('%s')"
                                       " WHERE name = '%s' AND pk = 1",
                                       table, column, table, column);
          g_assert_cmpint (sqlite3_prepare_v2 (raw, index_sql, -1, &first, NULL), ==, SQLITE_OK);
          indexed = sqlite3_step (first) == SQLITE_ROW;
          sqlite3_finalize (first);

          if (!indexed)
            g_error ("%s.%s refers to another table but no index starts with it", table, column);
        }
      sqlite3_finalize (fks);
    }
  sqlite3_finalize (tables);
}

/* Every part of a plan must find its rows through an index. */
static void
assert_plan_uses_indexes (PetrelDb            *db,
                          const PetrelDbQuery *query)
{
  g_autofree char *sql = g_strconcat ("EXPLAIN QUERY PLAN ", query->sql, NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", query->name, sqlite3_errmsg (db->db));

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *detail = (const char *) sqlite3_column_text (stmt, 3);

      g_test_message ("%s: %s", query->name, detail);

      /* A full scan: only of the search index (FTS5 finds the rows itself)
       * and of the accounts (a handful of rows, all of them wanted). */
      if (g_str_has_prefix (detail, "SCAN "))
        {
          gboolean allowed = strstr (detail, " VIRTUAL TABLE INDEX ") != NULL ||
                             g_str_equal (detail, "SCAN CONSTANT ROW") ||
                             g_str_equal (query->name, "account-list");

          if (!allowed)
            g_error ("%s scans a whole table: %s\n%s", query->name, detail, query->sql);
        }

      /* SQLite building an index on the fly means one is missing. */
      if (strstr (detail, "AUTOMATIC") != NULL || strstr (detail, "BLOOM FILTER") != NULL)
        g_error ("%s lacks an index: %s\n%s", query->name, detail, query->sql);

      /* Sorting means the index does not give the order: a page would
       * read the whole conversation. */
      if (strstr (detail, "TEMP B-TREE") != NULL && !(query->flags & PETREL_DB_QUERY_MAY_SORT))
        g_error ("%s sorts its rows: %s\n%s", query->name, detail, query->sql);
    }
  sqlite3_finalize (stmt);
}

static void
fill_for_statistics (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (petrel_db_begin (fixture->db, &error));
  for (guint c = 0; c < 20; c++)
    {
      g_autofree char *peer = g_strdup_printf ("contact%u@example.org", c);
      gint64 conversation = 0;

      g_assert_true (petrel_db_conversation_ensure (fixture->db, fixture->account, peer,
                                                    PETREL_DB_CONVERSATION_CHAT, &conversation, &error));
      for (guint i = 0; i < 200; i++)
        {
          g_autofree char *origin = g_strdup_printf ("o-%u-%u", c, i);
          g_autofree char *stanza = g_strdup_printf ("s-%u-%u", c, i);
          PetrelDbMessage message = store_test_message (conversation, i % 2, peer, origin, stanza,
                                                        1000 * i, "hello there");

          store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
        }
    }
  g_assert_true (petrel_db_commit (fixture->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (fixture->db->db, "ANALYZE", NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
test_query_plans_use_indexes (StoreFixture  *fixture,
                              gconstpointer  data)
{
  /* Once with the planner's guesses on an empty database, once with the
   * statistics of one that has data. */
  for (gsize i = 0; i < petrel_db_n_queries; i++)
    assert_plan_uses_indexes (fixture->db, &petrel_db_queries[i]);

  fill_for_statistics (fixture);
  for (gsize i = 0; i < petrel_db_n_queries; i++)
    assert_plan_uses_indexes (fixture->db, &petrel_db_queries[i]);
}

/* Runs every public function once, so that every statement is prepared. */
static void
tour_the_api (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  PetrelDbMessage message = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING,
                                                "juliet@capulet.lit/balcony", "o-1", "s-1", 1000, "hi");
  PetrelDbMessage correction = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING,
                                                   "juliet@capulet.lit/balcony", "o-2", "s-2", 2000, "hello");
  PetrelDbMessage orphan = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING,
                                               "juliet@capulet.lit/balcony", "o-4", "s-4", 4000, "later");
  PetrelDbMessage original = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING,
                                                 "juliet@capulet.lit/balcony", "o-3", "s-3", 3000, "early");
  PetrelDbMessage outgoing = store_test_message (fixture->chat, PETREL_DB_DIRECTION_OUTGOING,
                                                 "romeo@montague.lit/petrel", "o-out", NULL, 0, "bye");
  PetrelDbCursor cursor = { 1500, 10 };
  PetrelDbRosterItem item = { .jid = (char *) STORE_TEST_PEER, .subscription = PETREL_DB_SUBSCRIPTION_BOTH,
                              .groups = (char *[]) { (char *) "Friends", NULL } };
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  const char *features[] = { "urn:xmpp:receipts", NULL };
  gboolean duplicate;
  gint64 id, out_id;
  guint unread, attempts;
  char *text = NULL;
  gint64 time;

  correction.replaces = (char *) "o-1";
  orphan.replaces = (char *) "o-3";
  outgoing.local_time = 5000;

  g_ptr_array_add (items, &item);

  g_assert_true (petrel_db_account_ensure (fixture->db, "other@example.org", &id, &error));
  g_assert_true (petrel_db_account_lookup (fixture->db, "other@example.org", &id, &error));
  g_ptr_array_unref (petrel_db_account_list (fixture->db, &error));

  g_assert_true (petrel_db_conversation_ensure (fixture->db, fixture->account, "new@example.org",
                                                PETREL_DB_CONVERSATION_CHAT, &id, &error));
  petrel_db_conversation_free (petrel_db_conversation_get (fixture->db, id, &error));
  g_ptr_array_unref (petrel_db_conversation_list (fixture->db, fixture->account, &error));
  g_assert_true (petrel_db_conversation_count_unread (fixture->db, fixture->account, &unread, &error));
  g_assert_true (petrel_db_conversation_mark_read (fixture->db, id, &error));

  store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
  store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, &duplicate);
  message.stanza_id = NULL;
  message.stanza_id_by = NULL;
  store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, &duplicate);
  id = store_test_insert (fixture->db, &correction, PETREL_DB_INSERT_DEFAULT, NULL);
  store_test_insert (fixture->db, &orphan, PETREL_DB_INSERT_DEFAULT, NULL);
  store_test_insert (fixture->db, &original, PETREL_DB_INSERT_DEFAULT, NULL);
  g_assert_true (petrel_db_message_set_state (fixture->db, id, PETREL_DB_STATE_DISPLAYED, NULL, &error));
  g_assert_true (petrel_db_message_set_state (fixture->db, id, PETREL_DB_STATE_SENT, NULL, &error));
  petrel_db_message_free (petrel_db_message_get (fixture->db, id, &error));
  petrel_db_message_free (petrel_db_message_lookup_by_origin_id (fixture->db, fixture->chat,
                                                                 PETREL_DB_DIRECTION_INCOMING, "o-1", &error));
  petrel_db_message_free (petrel_db_message_lookup_by_stanza_id (fixture->db, fixture->account,
                                                                 STORE_TEST_ACCOUNT, "s-1", &error));
  g_ptr_array_unref (petrel_db_message_history (fixture->db, fixture->chat, NULL, 10, &error));
  g_ptr_array_unref (petrel_db_message_history (fixture->db, fixture->chat, &cursor, 10, &error));
  g_ptr_array_unref (petrel_db_message_history_after (fixture->db, fixture->chat, &cursor, 10, &error));
  g_ptr_array_unref (petrel_db_message_search (fixture->db, fixture->account, 0, "hi", 10, &error));
  g_ptr_array_unref (petrel_db_message_search (fixture->db, fixture->account, fixture->chat, "hi", 10, &error));

  g_assert_true (petrel_db_outbox_enqueue (fixture->db, &outgoing, &out_id, &error));
  g_ptr_array_unref (petrel_db_outbox_list (fixture->db, fixture->account, &error));
  g_assert_true (petrel_db_outbox_note_attempt (fixture->db, out_id, 6000, &attempts, &error));
  g_assert_true (petrel_db_outbox_mark_sent (fixture->db, out_id, &error));
  g_assert_true (petrel_db_outbox_mark_failed (fixture->db, out_id, &error));

  g_assert_true (petrel_db_roster_replace (fixture->db, fixture->account, "1", items, &error));
  g_assert_true (petrel_db_roster_apply_push (fixture->db, fixture->account, "2", &item, &error));
  item.subscription = PETREL_DB_SUBSCRIPTION_REMOVE;
  g_assert_true (petrel_db_roster_apply_push (fixture->db, fixture->account, "3", &item, &error));
  g_ptr_array_unref (petrel_db_roster_load (fixture->db, fixture->account, NULL, &error));

  g_assert_true (petrel_db_caps_put (fixture->db, "sha-1", "x", features, &error));
  g_strfreev (petrel_db_caps_dup_features (fixture->db, "sha-1", "x", &error));

  g_assert_true (petrel_db_archive_set_position (fixture->db, fixture->account, STORE_TEST_ACCOUNT, "s-1", 1, &error));
  g_assert_true (petrel_db_archive_get_position (fixture->db, fixture->account, STORE_TEST_ACCOUNT, &text, &time, &error));
  g_free (text);
  g_assert_true (petrel_db_archive_clear_position (fixture->db, fixture->account, STORE_TEST_ACCOUNT, &error));

  g_assert_true (petrel_db_begin (fixture->db, &error));
  g_assert_true (petrel_db_begin (fixture->db, &error));
  petrel_db_rollback (fixture->db);
  petrel_db_rollback (fixture->db);

  g_assert_true (petrel_db_account_remove (fixture->db, "other@example.org", &error));
  g_assert_no_error (error);
}

/* The plan test covers exactly what the code prepares. */
static void
test_every_statement_is_listed (StoreFixture  *fixture,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) cached = NULL;

  tour_the_api (fixture);
  cached = petrel_db_dup_cached_sql (fixture->db);

  for (guint i = 0; i < cached->len; i++)
    {
      gboolean listed = FALSE;

      for (gsize j = 0; j < petrel_db_n_queries && !listed; j++)
        listed = g_str_equal (cached->pdata[i], petrel_db_queries[j].sql);
      if (!listed)
        g_error ("A statement is missing from petrel_db_queries: %s", (char *) cached->pdata[i]);
    }

  for (gsize j = 0; j < petrel_db_n_queries; j++)
    {
      gboolean used = FALSE;

      for (guint i = 0; i < cached->len && !used; i++)
        used = g_str_equal (cached->pdata[i], petrel_db_queries[j].sql);
      if (!used)
        g_error ("Statement %s is listed but the tour never ran it", petrel_db_queries[j].name);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/db/open-settings", StoreFixture, NULL,
              store_fixture_set_up, test_open_settings, store_fixture_tear_down);
  g_test_add_func ("/store/db/open-profile", test_open_profile);
  g_test_add_func ("/store/db/open-in-memory", test_open_in_memory);
  g_test_add ("/store/db/newer-schema-is-refused", StoreFixture, NULL,
              store_fixture_set_up, test_newer_schema_is_refused, store_fixture_tear_down);
  g_test_add_func ("/store/db/not-a-database-is-corrupt", test_not_a_database_is_corrupt);
  g_test_add_func ("/store/db/upgrade-from-every-version", test_upgrade_from_every_version);
  g_test_add_func ("/store/db/failed-migration-keeps-old-version", test_failed_migration_keeps_old_version);
  g_test_add ("/store/db/nested-transactions", StoreFixture, NULL,
              store_fixture_set_up, test_nested_transactions, store_fixture_tear_down);
  g_test_add ("/store/db/failed-write-inside-transaction", StoreFixture, NULL,
              store_fixture_set_up, test_failed_write_inside_transaction, store_fixture_tear_down);
  g_test_add ("/store/db/foreign-keys-are-indexed", StoreFixture, NULL,
              store_fixture_set_up, test_foreign_keys_are_indexed, store_fixture_tear_down);
  g_test_add ("/store/db/query-plans-use-indexes", StoreFixture, NULL,
              store_fixture_set_up, test_query_plans_use_indexes, store_fixture_tear_down);
  g_test_add ("/store/db/every-statement-is-listed", StoreFixture, NULL,
              store_fixture_set_up, test_every_statement_is_listed, store_fixture_tear_down);

  return g_test_run ();
}
