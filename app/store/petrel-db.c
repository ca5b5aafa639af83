/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelDb: opening the profile database, its settings, migrations, the
 * cache of prepared statements and nested transactions.
 *
 * Settings, and why:
 * - WAL: readers never wait for the writer, and a commit is one append.
 * - synchronous=NORMAL: under WAL a commit survives a crash of Petrel; a
 *   power loss may take the last commits back.  That cannot lose a
 *   message: the archive catch-up position is in the same database and goes
 *   back with them, so the next MAM catch-up fetches those messages again,
 *   and an outgoing message that was sent comes back as its reflection.
 * - foreign_keys=ON, so deleting an account deletes all that is its own.
 * - A busy timeout, for the moment petrel-cli and the window share a profile.
 * - SQLITE_DBCONFIG_DEFENSIVE: no statement can write the schema or the
 *   file's pages directly, so even a bug cannot corrupt the file that way.
 *   (trusted_schema stays on: SQLite 3.40 counts FTS5 in a trigger as
 *   unsafe under trusted_schema=OFF, and Petrel defines no SQL functions a
 *   planted schema could call.)
 * - The file is created with mode 0600 (SQLite gives the -wal and -shm
 *   files the same mode).
 *
 * Transactions nest: the outermost petrel_db_begin() is BEGIN IMMEDIATE
 * (it takes the write lock at once, so it never fails half-way for a lock
 * held by another process), inner ones are savepoints.
 */
#define G_LOG_DOMAIN "petrel-db"

#include "petrel-db-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>

#define BUSY_TIMEOUT_MS 3000
#define JOURNAL_SIZE_LIMIT (4 * 1024 * 1024)

const char petrel_db_sql_begin[] = "BEGIN IMMEDIATE";
const char petrel_db_sql_commit[] = "COMMIT";
const char petrel_db_sql_rollback[] = "ROLLBACK";
/* SQLite allows one name for nested savepoints: RELEASE and ROLLBACK TO
 * act on the innermost one of that name. */
const char petrel_db_sql_savepoint[] = "SAVEPOINT petrel_nested";
const char petrel_db_sql_release[] = "RELEASE petrel_nested";
const char petrel_db_sql_rollback_to[] = "ROLLBACK TO petrel_nested";

const PetrelDbQuery petrel_db_queries[] = {
  { "begin", petrel_db_sql_begin, 0 },
  { "commit", petrel_db_sql_commit, 0 },
  { "rollback", petrel_db_sql_rollback, 0 },
  { "savepoint", petrel_db_sql_savepoint, 0 },
  { "release", petrel_db_sql_release, 0 },
  { "rollback-to", petrel_db_sql_rollback_to, 0 },

  { "account-lookup", petrel_db_sql_account_lookup, 0 },
  { "account-insert", petrel_db_sql_account_insert, 0 },
  { "account-list", petrel_db_sql_account_list, 0 },
  { "account-remove", petrel_db_sql_account_remove, 0 },

  { "conversation-lookup", petrel_db_sql_conversation_lookup, 0 },
  { "conversation-insert", petrel_db_sql_conversation_insert, 0 },
  { "conversation-get", petrel_db_sql_conversation_get, 0 },
  { "conversation-list", petrel_db_sql_conversation_list, 0 },
  { "conversation-count-unread", petrel_db_sql_conversation_count_unread, 0 },
  { "conversation-mark-read", petrel_db_sql_conversation_mark_read, 0 },
  { "conversation-touch", petrel_db_sql_conversation_touch, 0 },

  { "message-conversation", petrel_db_sql_message_conversation, 0 },
  { "message-insert", petrel_db_sql_message_insert, 0 },
  { "message-find-stanza-id", petrel_db_sql_message_find_stanza_id, 0 },
  { "message-find-origin-id", petrel_db_sql_message_find_origin_id, 0 },
  { "message-merge", petrel_db_sql_message_merge, 0 },
  { "message-set-state", petrel_db_sql_message_set_state, 0 },
  { "message-exists", petrel_db_sql_message_exists, 0 },
  { "message-get", petrel_db_sql_message_get, 0 },
  { "message-by-origin-id", petrel_db_sql_message_by_origin_id, 0 },
  { "message-by-stanza-id", petrel_db_sql_message_by_stanza_id, 0 },
  { "message-history-newest", petrel_db_sql_message_history_newest, 0 },
  { "message-history-before", petrel_db_sql_message_history_before, 0 },
  { "message-history-after", petrel_db_sql_message_history_after, 0 },
  { "message-search", petrel_db_sql_message_search, PETREL_DB_QUERY_MAY_SORT },
  { "message-search-conversation", petrel_db_sql_message_search_conversation, PETREL_DB_QUERY_MAY_SORT },
  { "correction-target", petrel_db_sql_correction_target, 0 },
  { "correction-orphans", petrel_db_sql_correction_orphans, 0 },
  { "correction-link", petrel_db_sql_correction_link, 0 },
  { "correction-set-newest", petrel_db_sql_correction_set_newest, 0 },

  { "outbox-insert", petrel_db_sql_outbox_insert, 0 },
  { "outbox-list", petrel_db_sql_outbox_list, 0 },
  { "outbox-attempt", petrel_db_sql_outbox_attempt, 0 },
  { "outbox-remove", petrel_db_sql_outbox_remove, 0 },

  { "roster-get-ver", petrel_db_sql_roster_get_ver, 0 },
  { "roster-set-ver", petrel_db_sql_roster_set_ver, 0 },
  { "roster-clear", petrel_db_sql_roster_clear, 0 },
  { "roster-upsert", petrel_db_sql_roster_upsert, 0 },
  { "roster-remove", petrel_db_sql_roster_remove, 0 },
  { "roster-clear-groups", petrel_db_sql_roster_clear_groups, 0 },
  { "roster-add-group", petrel_db_sql_roster_add_group, 0 },
  { "roster-items", petrel_db_sql_roster_items, 0 },
  { "roster-groups", petrel_db_sql_roster_groups, 0 },

  { "caps-put", petrel_db_sql_caps_put, 0 },
  { "caps-clear-features", petrel_db_sql_caps_clear_features, 0 },
  { "caps-add-feature", petrel_db_sql_caps_add_feature, 0 },
  { "caps-exists", petrel_db_sql_caps_exists, 0 },
  { "caps-features", petrel_db_sql_caps_features, 0 },

  { "archive-get", petrel_db_sql_archive_get, 0 },
  { "archive-set", petrel_db_sql_archive_set, 0 },
  { "archive-clear", petrel_db_sql_archive_clear, 0 },
};

const gsize petrel_db_n_queries = G_N_ELEMENTS (petrel_db_queries);

static PetrelStoreError
error_code_from_sqlite (int rc)
{
  switch (rc)
    {
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return PETREL_STORE_ERROR_NOT_FOUND;
    default:
      break;
    }

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return PETREL_STORE_ERROR_CORRUPT;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return PETREL_STORE_ERROR_INVALID;
    default:
      return PETREL_STORE_ERROR_FAILED;
    }
}

gboolean
petrel_db_set_error (PetrelDb    *self,
                     int          rc,
                     const char  *what,
                     GError     **error)
{
  /* SQLite's messages name tables and columns, never bound values, so no
   * message body reaches the error text. */
  g_set_error (error, PETREL_STORE_ERROR, error_code_from_sqlite (rc),
               "%s: %s (%s)", what,
               self != NULL && self->db != NULL ? sqlite3_errmsg (self->db) : "",
               sqlite3_errstr (rc));
  return FALSE;
}

gboolean
petrel_db_check_text (const char  *text,
                      gboolean     nullable,
                      const char  *what,
                      GError     **error)
{
  if (text == NULL)
    {
      if (nullable)
        return TRUE;
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID,
                   "The %s is missing", what);
      return FALSE;
    }

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID,
                   "The %s is not valid UTF-8", what);
      return FALSE;
    }

  return TRUE;
}

void
petrel_db_bind_text (PetrelDbStmt *stmt,
                     int           index,
                     const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

void
petrel_db_bind_int64_or_null (PetrelDbStmt *stmt,
                              int           index,
                              gint64        value)
{
  if (value == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

char *
petrel_db_column_dup_text (PetrelDbStmt *stmt,
                           int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

PetrelDbStmt *
petrel_db_prepare (PetrelDb    *self,
                   const char  *sql,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  const char *tail = NULL;
  int rc;

  g_assert (self != NULL);
  g_assert (sql != NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      /* A statement on loan twice would have its rows interleaved. */
      g_assert (!sqlite3_stmt_busy (stmt));
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK)
    {
      petrel_db_set_error (self, rc, "Cannot prepare a statement", error);
      return NULL;
    }
  g_assert (tail == NULL || *tail == '\0');

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

void
petrel_db_stmt_release (PetrelDbStmt *stmt)
{
  if (stmt == NULL)
    return;

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

int
petrel_db_step (PetrelDb      *self,
                PetrelDbStmt  *stmt,
                GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;

  petrel_db_set_error (self, rc, "Database error", error);
  return 0;
}

gboolean
petrel_db_exec_stmt (PetrelDb      *self,
                     PetrelDbStmt  *stmt,
                     GError       **error)
{
  int rc;

  while ((rc = petrel_db_step (self, stmt, error)) == SQLITE_ROW)
    ;

  return rc == SQLITE_DONE;
}

static gboolean
exec_cached (PetrelDb    *self,
             const char  *sql,
             GError     **error)
{
  g_autoptr(PetrelDbStmt) stmt = petrel_db_prepare (self, sql, error);

  return stmt != NULL && petrel_db_exec_stmt (self, stmt, error);
}

/* For one-off statements (settings, migrations); several may be joined. */
static gboolean
exec_script (PetrelDb    *self,
             const char  *sql,
             const char  *what,
             GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return petrel_db_set_error (self, rc, what, error);

  return TRUE;
}

/* Runs a one-off statement that returns one row of one value. */
static gboolean
query_single (PetrelDb    *self,
              const char  *sql,
              char       **out_text,
              gint64      *out_int,
              GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      petrel_db_set_error (self, rc, "Cannot read the database settings", error);
      sqlite3_finalize (stmt);
      return FALSE;
    }

  if (out_text != NULL)
    *out_text = petrel_db_column_dup_text (stmt, 0);
  if (out_int != NULL)
    *out_int = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return TRUE;
}

/**
 * petrel_db_begin:
 * @self: a #PetrelDb
 * @error: return location for a #GError
 *
 * Starts a transaction, or a savepoint inside the current one.  Every
 * successful call is matched by one petrel_db_commit() or
 * petrel_db_rollback().
 *
 * Returns: %TRUE when the transaction is open
 */
gboolean
petrel_db_begin (PetrelDb  *self,
                 GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!exec_cached (self, self->depth == 0 ? petrel_db_sql_begin : petrel_db_sql_savepoint, error))
    return FALSE;

  self->depth++;
  return TRUE;
}

/**
 * petrel_db_commit:
 * @self: a #PetrelDb
 * @error: return location for a #GError
 *
 * Commits the innermost level opened by petrel_db_begin(); only the
 * outermost commit makes the changes durable.  On failure the level is
 * rolled back, so the caller never has to clean up after a failed commit.
 *
 * Returns: %TRUE when committed
 */
gboolean
petrel_db_commit (PetrelDb  *self,
                  GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (!exec_cached (self, self->depth == 1 ? petrel_db_sql_commit : petrel_db_sql_release, error))
    {
      petrel_db_rollback (self);
      return FALSE;
    }

  self->depth--;
  return TRUE;
}

/**
 * petrel_db_rollback:
 * @self: a #PetrelDb
 *
 * Undoes the innermost level opened by petrel_db_begin().
 */
void
petrel_db_rollback (PetrelDb *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->depth > 0);

  /* After some errors (SQLITE_FULL, SQLITE_IOERR, …) SQLite has rolled
   * back the whole transaction by itself: nothing is left to undo, and the
   * outer levels will find their commit failing. */
  if (sqlite3_get_autocommit (self->db) != 0)
    g_debug ("The transaction was rolled back already");
  else if (self->depth == 1)
    {
      if (!exec_cached (self, petrel_db_sql_rollback, &error))
        g_warning ("Cannot roll back: %s", error->message);
    }
  else if (!exec_cached (self, petrel_db_sql_rollback_to, &error) ||
           !exec_cached (self, petrel_db_sql_release, &error))
    {
      g_warning ("Cannot roll back to a savepoint: %s", error->message);
    }

  self->depth--;
}

gboolean
petrel_db_finish (PetrelDb  *self,
                  gboolean   ok,
                  GError   **error)
{
  if (!ok)
    {
      petrel_db_rollback (self);
      return FALSE;
    }

  return petrel_db_commit (self, error);
}

static gboolean
configure (PetrelDb  *self,
           gboolean   in_memory,
           GError   **error)
{
  g_autofree char *journal_mode = NULL;
  g_autofree char *settings = NULL;

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, NULL);

  /* The first read of the file: a file that is no database fails here. */
  if (!query_single (self, "PRAGMA journal_mode = WAL", &journal_mode, NULL, error))
    return FALSE;
  if (!in_memory && g_ascii_strcasecmp (journal_mode, "wal") != 0)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_FAILED,
                   "Cannot switch the database to WAL mode (it is in %s mode)",
                   journal_mode != NULL ? journal_mode : "an unknown");
      return FALSE;
    }

  settings = g_strdup_printf ("PRAGMA synchronous = NORMAL;"
                              "PRAGMA journal_size_limit = %d;"
                              "PRAGMA temp_store = MEMORY;",
                              JOURNAL_SIZE_LIMIT);
  return exec_script (self, settings, "Cannot configure the database", error);
}

static gboolean
read_version (PetrelDb  *self,
              guint     *out_version,
              GError   **error)
{
  gint64 version = 0;

  if (!query_single (self, "PRAGMA user_version", NULL, &version, error))
    return FALSE;
  if (version < 0 || version > G_MAXINT)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_CORRUPT,
                   "The database has an impossible schema version");
      return FALSE;
    }

  *out_version = (guint) version;
  return TRUE;
}

static gboolean
check_foreign_keys (PetrelDb  *self,
                    GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA foreign_key_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (rc == SQLITE_ROW)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_SCHEMA,
                   "A row refers to one that does not exist");
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return petrel_db_set_error (self, rc, "Cannot check foreign keys", error);

  return TRUE;
}

static gboolean
run_step (PetrelDb                 *self,
          const PetrelDbMigration  *step,
          GError                  **error)
{
  g_autofree char *set_version = NULL;
  guint version = 0;

  if (!exec_script (self, "BEGIN IMMEDIATE", "Cannot start a migration", error))
    return FALSE;

  /* Another process (petrel-cli) may have upgraded the file meanwhile. */
  if (!read_version (self, &version, error))
    goto fail;
  if (version >= step->version)
    goto done;

  set_version = g_strdup_printf ("PRAGMA user_version = %u", step->version);
  if (!exec_script (self, step->sql, "Cannot upgrade the database", error) ||
      !check_foreign_keys (self, error) ||
      !exec_script (self, set_version, "Cannot upgrade the database", error))
    goto fail;

done:
  if (!exec_script (self, "COMMIT", "Cannot upgrade the database", error))
    goto fail;
  return TRUE;

fail:
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gboolean
migrate (PetrelDb                 *self,
         const PetrelDbMigration  *migrations,
         gsize                     n_migrations,
         GError                  **error)
{
  guint latest = n_migrations > 0 ? migrations[n_migrations - 1].version : 0;
  guint version = 0;

  if (!read_version (self, &version, error))
    return FALSE;

  if (version > latest)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_SCHEMA,
                   "The database has schema version %u, newer than this Petrel knows (%u)",
                   version, latest);
      return FALSE;
    }

  if (version < latest &&
      !exec_script (self, "PRAGMA foreign_keys = OFF", "Cannot configure the database", error))
    return FALSE;

  for (gsize i = 0; i < n_migrations; i++)
    {
      g_autoptr(GError) local_error = NULL;

      g_assert (migrations[i].version == i + 1);
      if (migrations[i].version <= version)
        continue;

      g_debug ("Upgrading %s to schema version %u", self->path, migrations[i].version);
      if (!run_step (self, &migrations[i], &local_error))
        {
          g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_SCHEMA,
                       "Cannot upgrade the database to schema version %u: %s",
                       migrations[i].version, local_error->message);
          return FALSE;
        }
    }

  if (!exec_script (self, "PRAGMA foreign_keys = ON", "Cannot configure the database", error))
    return FALSE;

  return read_version (self, &self->schema_version, error);
}

/* SQLite would create the file with the umask's mode; messages are private. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot create the folder %s: %s", dir, g_strerror (saved));
      return FALSE;
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot create the database %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  g_close (fd, NULL);

  return TRUE;
}

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

PetrelDb *
petrel_db_open_with_migrations (const char               *path,
                                const PetrelDbMigration  *migrations,
                                gsize                     n_migrations,
                                GError                  **error)
{
  g_autoptr(PetrelDb) self = NULL;
  gboolean in_memory;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  in_memory = g_str_equal (path, ":memory:");
  if (!in_memory && !create_private_file (path, error))
    return NULL;

  self = g_new0 (PetrelDb, 1);
  self->path = g_strdup (path);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                          SQLITE_OPEN_EXRESCODE,
                        NULL);
  if (rc != SQLITE_OK)
    {
      petrel_db_set_error (self, rc, "Cannot open the database", error);
      return NULL;
    }

  if (!configure (self, in_memory, error) ||
      !migrate (self, migrations, n_migrations, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * petrel_db_open:
 * @path: the database file, created (mode 0600) when missing; or
 *   `:memory:` for a private database that lives until it is closed
 * @error: return location for a #GError
 *
 * Opens the database and brings its schema up to the latest version.
 * Fails with %PETREL_STORE_ERROR_SCHEMA when the file comes from a newer
 * Petrel (it is left untouched) or a migration fails (the file stays at
 * the last version that succeeded), and with %PETREL_STORE_ERROR_CORRUPT
 * when the file is no database.
 *
 * Returns: (transfer full) (nullable): the database, or %NULL with @error set
 */
PetrelDb *
petrel_db_open (const char  *path,
                GError     **error)
{
  return petrel_db_open_with_migrations (path, petrel_db_migrations, petrel_db_n_migrations, error);
}

/**
 * petrel_db_open_profile:
 * @profile_dir: the profile's folder (that of `accounts.ini`)
 * @error: return location for a #GError
 *
 * Opens `petrel.db` in @profile_dir, as petrel_db_open() does.
 *
 * Returns: (transfer full) (nullable): the database, or %NULL with @error set
 */
PetrelDb *
petrel_db_open_profile (const char  *profile_dir,
                        GError     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (profile_dir != NULL, NULL);

  path = g_build_filename (profile_dir, "petrel.db", NULL);
  return petrel_db_open (path, error);
}

/**
 * petrel_db_close:
 * @self: (nullable): a #PetrelDb
 *
 * Finalises the cached statements and closes the database.  An open
 * transaction is rolled back.
 */
void
petrel_db_close (PetrelDb *self)
{
  if (self == NULL)
    return;

  if (self->depth > 0)
    g_critical ("Closing %s inside a transaction; it is rolled back", self->path);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      /* Cheap upkeep that SQLite recommends before closing: it refreshes
       * the planner's statistics where they are stale. */
      if (self->schema_version > 0 && sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "PRAGMA optimize", NULL, NULL, NULL);
      sqlite3_close_v2 (self->db);
    }
  g_free (self->path);
  g_free (self);
}

/**
 * petrel_db_get_path:
 * @self: a #PetrelDb
 *
 * Returns: the file name the database was opened with
 */
const char *
petrel_db_get_path (PetrelDb *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path;
}

/**
 * petrel_db_get_schema_version:
 * @self: a #PetrelDb
 *
 * Returns: the schema version of the open database (after its upgrade)
 */
guint
petrel_db_get_schema_version (PetrelDb *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->schema_version;
}

/**
 * petrel_db_get_latest_schema_version:
 *
 * Returns: the schema version this build creates and upgrades to
 */
guint
petrel_db_get_latest_schema_version (void)
{
  return petrel_db_migrations[petrel_db_n_migrations - 1].version;
}

GPtrArray *
petrel_db_dup_cached_sql (PetrelDb *self)
{
  GPtrArray *sql = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->statements);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (sql, key);

  return sql;
}
