/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Archive catch-up positions (XEP-0313): for each (account, archive) the
 * stanza-id of the newest message stored from it, and its time.  After a
 * reconnect the catch-up asks the archive for what came after that id.
 *
 * Store a page's messages and the new position in one transaction
 * (petrel_db_begin()): then the position never runs ahead of the messages,
 * and a crash in between fetches the page again (dedup makes that free).
 */
#define G_LOG_DOMAIN "petrel-db-archive"

#include "petrel-db-private.h"

const char petrel_db_sql_archive_get[] =
  "SELECT stanza_id, time FROM archive_positions WHERE account_id = ?1 AND archive = ?2";
const char petrel_db_sql_archive_set[] =
  "INSERT INTO archive_positions (account_id, archive, stanza_id, time) VALUES (?1, ?2, ?3, ?4)"
  " ON CONFLICT (account_id, archive) DO UPDATE SET"
  " stanza_id = excluded.stanza_id, time = excluded.time";
const char petrel_db_sql_archive_clear[] =
  "DELETE FROM archive_positions WHERE account_id = ?1 AND archive = ?2";

/**
 * petrel_db_archive_get_position:
 * @self: a #PetrelDb
 * @account_id: the account
 * @archive_jid: the archive: the account's bare JID or a room's JID
 * @out_stanza_id: (out) (transfer full) (optional): the newest stanza-id
 * @out_time: (out) (optional): its time
 * @error: return location for a #GError
 *
 * Reads where the catch-up from an archive stopped.
 *
 * Returns: %TRUE if there is a position; %FALSE with
 *   %PETREL_STORE_ERROR_NOT_FOUND if the archive was never caught up with
 */
gboolean
petrel_db_archive_get_position (PetrelDb    *self,
                                gint64       account_id,
                                const char  *archive_jid,
                                char       **out_stanza_id,
                                gint64      *out_time,
                                GError     **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!petrel_db_check_text (archive_jid, FALSE, "archive JID", error))
    return FALSE;

  stmt = petrel_db_prepare (self, petrel_db_sql_archive_get, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, account_id);
  petrel_db_bind_text (stmt, 2, archive_jid);
  rc = petrel_db_step (self, stmt, error);
  if (rc == 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No catch-up position for %s", archive_jid);
      return FALSE;
    }

  if (out_stanza_id != NULL)
    *out_stanza_id = petrel_db_column_dup_text (stmt, 0);
  if (out_time != NULL)
    *out_time = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

/**
 * petrel_db_archive_set_position:
 * @self: a #PetrelDb
 * @account_id: the account
 * @archive_jid: the archive
 * @stanza_id: the stanza-id of the newest message stored from it
 * @time: that message's time
 * @error: return location for a #GError
 *
 * Records where the catch-up from an archive has got to.
 *
 * Returns: %TRUE on success; %FALSE with %PETREL_STORE_ERROR_NOT_FOUND if
 *   there is no such account
 */
gboolean
petrel_db_archive_set_position (PetrelDb    *self,
                                gint64       account_id,
                                const char  *archive_jid,
                                const char  *stanza_id,
                                gint64       time,
                                GError     **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!petrel_db_check_text (archive_jid, FALSE, "archive JID", error) ||
      !petrel_db_check_text (stanza_id, FALSE, "stanza-id", error))
    return FALSE;

  stmt = petrel_db_prepare (self, petrel_db_sql_archive_set, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, account_id);
  petrel_db_bind_text (stmt, 2, archive_jid);
  petrel_db_bind_text (stmt, 3, stanza_id);
  sqlite3_bind_int64 (stmt, 4, time);
  return petrel_db_exec_stmt (self, stmt, error);
}

/**
 * petrel_db_archive_clear_position:
 * @self: a #PetrelDb
 * @account_id: the account
 * @archive_jid: the archive
 * @error: return location for a #GError
 *
 * Forgets the position, for an archive that no longer knows its id
 * (`item-not-found`): the next catch-up starts over, by time.
 *
 * Returns: %TRUE on success, also if there was no position
 */
gboolean
petrel_db_archive_clear_position (PetrelDb    *self,
                                  gint64       account_id,
                                  const char  *archive_jid,
                                  GError     **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!petrel_db_check_text (archive_jid, FALSE, "archive JID", error))
    return FALSE;

  stmt = petrel_db_prepare (self, petrel_db_sql_archive_clear, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, account_id);
  petrel_db_bind_text (stmt, 2, archive_jid);
  return petrel_db_exec_stmt (self, stmt, error);
}
