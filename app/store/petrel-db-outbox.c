/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The outbox: messages the user sent that the server has not acknowledged.
 *
 * Enqueueing stores the message (state pending) and its outbox row in one
 * transaction, before anything goes on the wire.  A crash at any later
 * point leaves the row, and the next connection resends the message with
 * the same origin-id (the receiver deduplicates).  The row goes when the
 * message leaves pending: acknowledged (stream management, or its copy in
 * the archive), delivered, or given up as failed.
 *
 * The outbox keeps the order of enqueueing: it is the order of the
 * message ids, which SQLite hands out ascending.
 */
#define G_LOG_DOMAIN "petrel-db-outbox"

#include "petrel-db-private.h"

const char petrel_db_sql_outbox_insert[] =
  "INSERT INTO outbox (message_id, account_id) VALUES (?1, ?2)";
const char petrel_db_sql_outbox_list[] =
  "SELECT " PETREL_DB_MESSAGE_COLUMNS ", v.peer, v.type, o.attempts, o.last_attempt"
  " FROM outbox AS o"
  " JOIN messages AS m ON m.id = o.message_id"
  " JOIN conversations AS v ON v.id = m.conversation_id"
  " LEFT JOIN messages AS c ON c.id = m.corrected_by"
  " WHERE o.account_id = ?1 ORDER BY o.message_id";
const char petrel_db_sql_outbox_attempt[] =
  "UPDATE outbox SET attempts = attempts + 1, last_attempt = ?2 WHERE message_id = ?1"
  " RETURNING attempts";
const char petrel_db_sql_outbox_remove[] =
  "DELETE FROM outbox WHERE message_id = ?1";

/**
 * petrel_db_outbox_entry_free:
 * @entry: (nullable): a #PetrelDbOutboxEntry
 *
 * Frees @entry, its message and its strings.
 */
void
petrel_db_outbox_entry_free (PetrelDbOutboxEntry *entry)
{
  if (entry == NULL)
    return;

  petrel_db_message_free (entry->message);
  g_free (entry->peer);
  g_free (entry);
}

/**
 * petrel_db_outbox_enqueue:
 * @self: a #PetrelDb
 * @message: the message; it is stored as outgoing and pending whatever its
 *   @direction and @state say, and needs an @origin_id (the id it is sent
 *   and resent with)
 * @out_id: (out) (optional): the message's row id
 * @error: return location for a #GError
 *
 * Stores a message the user sent and puts it in the outbox, in one
 * transaction: either both rows are written or neither.
 *
 * Returns: %TRUE on success; %FALSE with %PETREL_STORE_ERROR_EXISTS if the
 *   conversation has an outgoing message with this origin-id already
 */
gboolean
petrel_db_outbox_enqueue (PetrelDb               *self,
                          const PetrelDbMessage  *message,
                          gint64                 *out_id,
                          GError                **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  PetrelDbMessage pending;
  gboolean duplicate = FALSE;
  gint64 account_id = 0;
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  if (message->origin_id == NULL || *message->origin_id == '\0')
    {
      g_set_error_literal (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID,
                           "A message to send needs an origin-id");
      return FALSE;
    }

  pending = *message;
  pending.direction = PETREL_DB_DIRECTION_OUTGOING;
  pending.state = PETREL_DB_STATE_PENDING;

  if (!petrel_db_begin (self, error))
    return FALSE;

  ok = petrel_db_message_insert_internal (self, &pending, PETREL_DB_INSERT_DEFAULT,
                                          &id, &account_id, &duplicate, error);
  if (ok && duplicate)
    {
      g_set_error_literal (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_EXISTS,
                           "A message with this origin-id was sent already");
      ok = FALSE;
    }
  if (ok)
    {
      stmt = petrel_db_prepare (self, petrel_db_sql_outbox_insert, error);
      ok = stmt != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, account_id);
      ok = petrel_db_exec_stmt (self, stmt, error);
    }
  g_clear_pointer (&stmt, petrel_db_stmt_release);

  if (!petrel_db_finish (self, ok, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

/**
 * petrel_db_outbox_list:
 * @self: a #PetrelDb
 * @account_id: the account
 * @error: return location for a #GError
 *
 * Lists the messages of an account still to send, in the order they were
 * enqueued, each with where to send it.
 *
 * Returns: (transfer full) (element-type PetrelDbOutboxEntry) (nullable):
 *   the entries, or %NULL with @error set
 */
GPtrArray *
petrel_db_outbox_list (PetrelDb  *self,
                       gint64     account_id,
                       GError   **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  const int n = PETREL_DB_MESSAGE_N_COLUMNS;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = petrel_db_prepare (self, petrel_db_sql_outbox_list, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, account_id);
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_outbox_entry_free);
  while ((rc = petrel_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      PetrelDbOutboxEntry *entry = g_new0 (PetrelDbOutboxEntry, 1);

      entry->message = petrel_db_message_from_row (stmt);
      entry->peer = petrel_db_column_dup_text (stmt, n);
      entry->type = sqlite3_column_int (stmt, n + 1);
      entry->attempts = (guint) CLAMP (sqlite3_column_int64 (stmt, n + 2), 0, G_MAXUINT);
      entry->last_attempt = sqlite3_column_int64 (stmt, n + 3);
      g_ptr_array_add (entries, entry);
    }

  return rc == SQLITE_DONE ? g_steal_pointer (&entries) : NULL;
}

/**
 * petrel_db_outbox_note_attempt:
 * @self: a #PetrelDb
 * @message_id: the message
 * @now: the time of this attempt
 * @out_attempts: (out) (optional): the attempts so far, this one included
 * @error: return location for a #GError
 *
 * Counts an attempt to send a message, so the caller can give up on it
 * (petrel_db_outbox_mark_failed()) after a number of them.
 *
 * Returns: %TRUE on success; %FALSE with %PETREL_STORE_ERROR_NOT_FOUND if
 *   the message is not in the outbox
 */
gboolean
petrel_db_outbox_note_attempt (PetrelDb  *self,
                               gint64     message_id,
                               gint64     now,
                               guint     *out_attempts,
                               GError   **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);

  stmt = petrel_db_prepare (self, petrel_db_sql_outbox_attempt, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, now);
  rc = petrel_db_step (self, stmt, error);
  if (rc == 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "Message %" G_GINT64_FORMAT " is not in the outbox", message_id);
      return FALSE;
    }

  if (out_attempts != NULL)
    *out_attempts = (guint) CLAMP (sqlite3_column_int64 (stmt, 0), 0, G_MAXUINT);
  return TRUE;
}

/**
 * petrel_db_outbox_mark_sent:
 * @self: a #PetrelDb
 * @message_id: the message
 * @error: return location for a #GError
 *
 * Records that the server acknowledged a message: it leaves the outbox and
 * its state becomes sent (unless it has moved further already).
 *
 * Returns: %TRUE on success; %FALSE with %PETREL_STORE_ERROR_NOT_FOUND if
 *   there is no such message
 */
gboolean
petrel_db_outbox_mark_sent (PetrelDb  *self,
                            gint64     message_id,
                            GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return petrel_db_message_set_state (self, message_id, PETREL_DB_STATE_SENT, NULL, error);
}

/**
 * petrel_db_outbox_mark_failed:
 * @self: a #PetrelDb
 * @message_id: the message
 * @error: return location for a #GError
 *
 * Gives up on sending a message: it leaves the outbox and its state
 * becomes failed, which the view shows as unsent.  A message that the
 * server has acknowledged already (delivered, displayed) stays as it is.
 *
 * Returns: %TRUE on success; %FALSE with %PETREL_STORE_ERROR_NOT_FOUND if
 *   there is no such message
 */
gboolean
petrel_db_outbox_mark_failed (PetrelDb  *self,
                              gint64     message_id,
                              GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return petrel_db_message_set_state (self, message_id, PETREL_DB_STATE_FAILED, NULL, error);
}
