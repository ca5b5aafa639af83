/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Messages: storing them once, their delivery state, history pages,
 * corrections and full-text search.
 *
 * Dedup.  The same message arrives more than once: live and again from
 * the archive (MAM catch-up), as a carbon, or resent after a lost ack.  A
 * message is a duplicate when the account already has one with the same
 * XEP-0359 stanza-id from the same archive (`by`), or the conversation
 * already has one in the same direction with the same origin-id.  Unique
 * indexes decide it, inside the insert; the duplicate is not stored again
 * and counts as no unread message.  It may still complete the stored row:
 * the archive's copy of our own message brings its stanza-id and server
 * time, and moves its state forward (an archived message has reached the
 * server, so it leaves the outbox).  The sort time of a stored row never
 * changes, so a message keeps its place in a history the view has paged in.
 * The service passes only stanza-ids it trusts (XEP-0359: one whose `by`
 * is our own account or the room that stamped it); a copy found in another
 * conversation is left untouched all the same.
 *
 * States move forward only (see #PetrelDbMessageState); a receipt that
 * arrives after the displayed marker changes nothing.  Leaving `pending`
 * for any state removes the message from the outbox.
 *
 * Corrections (XEP-0308) are rows of their own with `replaces` set to the
 * origin-id of the message they correct.  A correction is linked to its
 * original when that is in the same conversation and direction (and, in a
 * group chat, from the same occupant): it then gets `replaces_id`, the
 * original gets `corrected_by` (its newest correction), and history pages
 * show the original with the corrected body instead of the correction.
 * Only an original is ever a target, so a chain of corrections that name
 * each other cannot hide messages.  A correction that arrives first is
 * linked when its original arrives; one whose original never comes stays
 * visible as a message of its own.
 *
 * History pages are keyset pages over the index (conversation_id,
 * sort_time, id): the newest N, N before a cursor, N after one.  No page
 * costs more than its own rows, however long the conversation.
 *
 * Search runs FTS5 over the bodies.  The user's text never reaches the
 * FTS5 query syntax: each word becomes a quoted string (quotes doubled), so
 * `NEAR(`, `*`, `"`, AND, OR and NOT are words to find, not operators.
 */
#define G_LOG_DOMAIN "petrel-db-messages"

#include "petrel-db-private.h"

#include <string.h>

#define MESSAGE_FROM \
  " FROM messages AS m LEFT JOIN messages AS c ON c.id = m.corrected_by"

const char petrel_db_sql_message_conversation[] =
  "SELECT account_id, type FROM conversations WHERE id = ?1";
/* A duplicate changes no row.  No RETURNING here: SQLite 3.40 fails such
 * an insert in defensive mode when a trigger writes to FTS5 (the error
 * comes at the reset and rolls the whole transaction back). */
const char petrel_db_sql_message_insert[] =
  "INSERT INTO messages (account_id, conversation_id, direction, state, sender,"
  " origin_id, stanza_id, stanza_id_by, server_time, local_time, sort_time, body, replaces)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
  " ON CONFLICT DO NOTHING";
const char petrel_db_sql_message_find_stanza_id[] =
  "SELECT id, conversation_id, direction FROM messages"
  " WHERE account_id = ?1 AND stanza_id_by = ?2 AND stanza_id = ?3";
const char petrel_db_sql_message_find_origin_id[] =
  "SELECT id, conversation_id, direction FROM messages"
  " WHERE conversation_id = ?1 AND direction = ?2 AND origin_id = ?3";
/* Fills in what the stored copy lacks; OR IGNORE: a stanza-id that another
 * row already has stays with that row. */
const char petrel_db_sql_message_merge[] =
  "UPDATE OR IGNORE messages SET"
  " stanza_id_by = CASE WHEN stanza_id IS NULL THEN ?3 ELSE stanza_id_by END,"
  " stanza_id = coalesce (stanza_id, ?2),"
  " server_time = coalesce (server_time, ?4)"
  " WHERE id = ?1";
/* ?2 is the new state: failed (4) only from pending or sent, any other
 * only forward and never out of failed. */
const char petrel_db_sql_message_set_state[] =
  "UPDATE messages SET state = ?2 WHERE id = ?1 AND"
  " CASE WHEN ?2 = 4 THEN state IN (0, 1) ELSE state < ?2 AND state <> 4 END";
const char petrel_db_sql_message_exists[] =
  "SELECT 1 FROM messages WHERE id = ?1";
const char petrel_db_sql_message_get[] =
  "SELECT " PETREL_DB_MESSAGE_COLUMNS MESSAGE_FROM " WHERE m.id = ?1";
const char petrel_db_sql_message_by_origin_id[] =
  "SELECT " PETREL_DB_MESSAGE_COLUMNS MESSAGE_FROM
  " WHERE m.conversation_id = ?1 AND m.direction = ?2 AND m.origin_id = ?3";
const char petrel_db_sql_message_by_stanza_id[] =
  "SELECT " PETREL_DB_MESSAGE_COLUMNS MESSAGE_FROM
  " WHERE m.account_id = ?1 AND m.stanza_id_by = ?2 AND m.stanza_id = ?3";
const char petrel_db_sql_message_history_newest[] =
  "SELECT " PETREL_DB_MESSAGE_COLUMNS MESSAGE_FROM
  " WHERE m.conversation_id = ?1 AND m.replaces_id IS NULL"
  " ORDER BY m.sort_time DESC, m.id DESC LIMIT ?2";
const char petrel_db_sql_message_history_before[] =
  "SELECT " PETREL_DB_MESSAGE_COLUMNS MESSAGE_FROM
  " WHERE m.conversation_id = ?1 AND (m.sort_time, m.id) < (?2, ?3) AND m.replaces_id IS NULL"
  " ORDER BY m.sort_time DESC, m.id DESC LIMIT ?4";
const char petrel_db_sql_message_history_after[] =
  "SELECT " PETREL_DB_MESSAGE_COLUMNS MESSAGE_FROM
  " WHERE m.conversation_id = ?1 AND (m.sort_time, m.id) > (?2, ?3) AND m.replaces_id IS NULL"
  " ORDER BY m.sort_time, m.id LIMIT ?4";
/* The unary + keeps the planner from walking a conversation's index and
 * probing FTS per row: the matches drive the search. */
const char petrel_db_sql_message_search[] =
  "SELECT " PETREL_DB_MESSAGE_COLUMNS
  " FROM messages_fts JOIN messages AS m ON m.id = messages_fts.rowid"
  " LEFT JOIN messages AS c ON c.id = m.corrected_by"
  " WHERE messages_fts MATCH ?1 AND +m.account_id = ?2"
  " ORDER BY m.sort_time DESC, m.id DESC LIMIT ?3";
const char petrel_db_sql_message_search_conversation[] =
  "SELECT " PETREL_DB_MESSAGE_COLUMNS
  " FROM messages_fts JOIN messages AS m ON m.id = messages_fts.rowid"
  " LEFT JOIN messages AS c ON c.id = m.corrected_by"
  " WHERE messages_fts MATCH ?1 AND +m.conversation_id = ?2 AND +m.account_id = ?4"
  " ORDER BY m.sort_time DESC, m.id DESC LIMIT ?3";
const char petrel_db_sql_correction_target[] =
  "SELECT id, sender, replaces, replaces_id FROM messages"
  " WHERE conversation_id = ?1 AND direction = ?2 AND origin_id = ?3";
const char petrel_db_sql_correction_orphans[] =
  "SELECT id, sort_time, sender FROM messages"
  " WHERE conversation_id = ?1 AND replaces = ?2 AND direction = ?3 AND replaces_id IS NULL";
const char petrel_db_sql_correction_link[] =
  "UPDATE messages SET replaces_id = ?2 WHERE id = ?1";
/* Makes ?2 (sort time ?3) the original's newest correction unless a newer
 * one is linked already. */
const char petrel_db_sql_correction_set_newest[] =
  "UPDATE messages SET corrected_by = ?2 WHERE id = ?1 AND (corrected_by IS NULL OR"
  " (SELECT c.sort_time < ?3 OR (c.sort_time = ?3 AND c.id < ?2)"
  "  FROM messages AS c WHERE c.id = messages.corrected_by))";

/**
 * petrel_db_message_free:
 * @message: (nullable): a #PetrelDbMessage
 *
 * Frees @message and its strings.
 */
void
petrel_db_message_free (PetrelDbMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->sender);
  g_free (message->origin_id);
  g_free (message->stanza_id);
  g_free (message->stanza_id_by);
  g_free (message->body);
  g_free (message->replaces);
  g_free (message->corrected_body);
  g_free (message);
}

PetrelDbMessage *
petrel_db_message_from_row (PetrelDbStmt *stmt)
{
  PetrelDbMessage *message = g_new0 (PetrelDbMessage, 1);

  g_assert (sqlite3_column_count (stmt) >= PETREL_DB_MESSAGE_N_COLUMNS);

  message->id = sqlite3_column_int64 (stmt, 0);
  message->account_id = sqlite3_column_int64 (stmt, 1);
  message->conversation_id = sqlite3_column_int64 (stmt, 2);
  message->direction = sqlite3_column_int (stmt, 3);
  message->state = sqlite3_column_int (stmt, 4);
  message->sender = petrel_db_column_dup_text (stmt, 5);
  message->origin_id = petrel_db_column_dup_text (stmt, 6);
  message->stanza_id = petrel_db_column_dup_text (stmt, 7);
  message->stanza_id_by = petrel_db_column_dup_text (stmt, 8);
  message->server_time = sqlite3_column_int64 (stmt, 9);
  message->local_time = sqlite3_column_int64 (stmt, 10);
  message->sort_time = sqlite3_column_int64 (stmt, 11);
  message->body = petrel_db_column_dup_text (stmt, 12);
  message->replaces = petrel_db_column_dup_text (stmt, 13);
  message->replaces_id = sqlite3_column_int64 (stmt, 14);
  message->corrected_by = sqlite3_column_int64 (stmt, 15);
  message->corrected_body = petrel_db_column_dup_text (stmt, 16);

  return message;
}

/* An empty id is no id: "" must not make every message without one a
 * duplicate of the first. */
static const char *
nonempty (const char *id)
{
  return id != NULL && *id != '\0' ? id : NULL;
}

static gboolean
check_message (const PetrelDbMessage  *message,
               GError                **error)
{
  if (message->direction != PETREL_DB_DIRECTION_INCOMING &&
      message->direction != PETREL_DB_DIRECTION_OUTGOING)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID,
                   "Unknown message direction %d", (int) message->direction);
      return FALSE;
    }
  if ((guint) message->state > PETREL_DB_STATE_FAILED)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID,
                   "Unknown message state %d", (int) message->state);
      return FALSE;
    }
  if (nonempty (message->stanza_id) != NULL && nonempty (message->stanza_id_by) == NULL)
    {
      g_set_error_literal (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID,
                           "A stanza-id needs the archive that assigned it");
      return FALSE;
    }

  return petrel_db_check_text (message->sender, FALSE, "sender", error) &&
         petrel_db_check_text (message->origin_id, TRUE, "origin-id", error) &&
         petrel_db_check_text (message->stanza_id, TRUE, "stanza-id", error) &&
         petrel_db_check_text (message->stanza_id_by, TRUE, "stanza-id's by", error) &&
         petrel_db_check_text (message->body, TRUE, "body", error) &&
         petrel_db_check_text (message->replaces, TRUE, "id of the corrected message", error);
}

/* Moves a message's state forward; leaving pending leaves the outbox. */
static gboolean
advance_state (PetrelDb              *self,
               gint64                 message_id,
               PetrelDbMessageState   state,
               gboolean              *out_changed,
               GError               **error)
{
  g_autoptr(PetrelDbStmt) update = NULL;
  g_autoptr(PetrelDbStmt) remove = NULL;
  gboolean changed;

  update = petrel_db_prepare (self, petrel_db_sql_message_set_state, error);
  if (update == NULL)
    return FALSE;
  sqlite3_bind_int64 (update, 1, message_id);
  sqlite3_bind_int (update, 2, state);
  if (!petrel_db_exec_stmt (self, update, error))
    return FALSE;
  changed = sqlite3_changes (self->db) > 0;

  if (changed && state != PETREL_DB_STATE_PENDING)
    {
      remove = petrel_db_prepare (self, petrel_db_sql_outbox_remove, error);
      if (remove == NULL)
        return FALSE;
      sqlite3_bind_int64 (remove, 1, message_id);
      if (!petrel_db_exec_stmt (self, remove, error))
        return FALSE;
    }

  if (out_changed != NULL)
    *out_changed = changed;
  return TRUE;
}

/* Finds the stored copy of a duplicate by one of its ids; *out_id is 0
 * when there is none.  *out_same is %TRUE when the copy is in the same
 * conversation and direction as @message. */
static gboolean
find_copy (PetrelDb               *self,
           const char             *sql,
           gint64                  scope_id,
           const char             *by,
           const char             *id,
           const PetrelDbMessage  *message,
           gint64                 *out_id,
           gboolean               *out_same,
           GError                **error)
{
  g_autoptr(PetrelDbStmt) stmt = petrel_db_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, scope_id);
  if (by != NULL)
    petrel_db_bind_text (stmt, 2, by);
  else
    sqlite3_bind_int (stmt, 2, message->direction);
  petrel_db_bind_text (stmt, 3, id);

  rc = petrel_db_step (self, stmt, error);
  if (rc == 0)
    return FALSE;

  *out_id = 0;
  *out_same = FALSE;
  if (rc == SQLITE_ROW)
    {
      *out_id = sqlite3_column_int64 (stmt, 0);
      *out_same = sqlite3_column_int64 (stmt, 1) == message->conversation_id &&
                  sqlite3_column_int (stmt, 2) == (int) message->direction;
    }
  return TRUE;
}

static gboolean
merge_duplicate (PetrelDb               *self,
                 const PetrelDbMessage  *message,
                 gint64                  account_id,
                 gint64                 *out_id,
                 GError                **error)
{
  g_autoptr(PetrelDbStmt) merge = NULL;
  const char *stanza_id = nonempty (message->stanza_id);
  const char *origin_id = nonempty (message->origin_id);
  gboolean same = FALSE;
  gint64 id = 0;

  if (stanza_id != NULL &&
      !find_copy (self, petrel_db_sql_message_find_stanza_id, account_id,
                  message->stanza_id_by, stanza_id, message, &id, &same, error))
    return FALSE;
  if (id == 0 && origin_id != NULL &&
      !find_copy (self, petrel_db_sql_message_find_origin_id, message->conversation_id,
                  NULL, origin_id, message, &id, &same, error))
    return FALSE;
  if (id == 0)
    {
      g_set_error_literal (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_FAILED,
                           "A message was refused as a duplicate of none");
      return FALSE;
    }

  *out_id = id;

  /* A stanza-id is unique per archive, not per conversation: a copy found
   * elsewhere (a stanza-id the service should not have trusted) is not
   * touched by this one. */
  if (!same)
    {
      g_debug ("A stanza-id of conversation %" G_GINT64_FORMAT " appeared in another one",
               message->conversation_id);
      return TRUE;
    }

  merge = petrel_db_prepare (self, petrel_db_sql_message_merge, error);
  if (merge == NULL)
    return FALSE;
  sqlite3_bind_int64 (merge, 1, id);
  petrel_db_bind_text (merge, 2, stanza_id);
  petrel_db_bind_text (merge, 3, stanza_id != NULL ? message->stanza_id_by : NULL);
  petrel_db_bind_int64_or_null (merge, 4, message->server_time);
  return petrel_db_exec_stmt (self, merge, error) &&
         advance_state (self, id, message->state, NULL, error);
}

/* Makes @correction_id the newest correction of @original_id if it is. */
static gboolean
link_correction (PetrelDb  *self,
                 gint64     correction_id,
                 gint64     correction_sort_time,
                 gint64     original_id,
                 GError   **error)
{
  g_autoptr(PetrelDbStmt) link = NULL;
  g_autoptr(PetrelDbStmt) newest = NULL;

  link = petrel_db_prepare (self, petrel_db_sql_correction_link, error);
  if (link == NULL)
    return FALSE;
  sqlite3_bind_int64 (link, 1, correction_id);
  sqlite3_bind_int64 (link, 2, original_id);
  if (!petrel_db_exec_stmt (self, link, error))
    return FALSE;

  newest = petrel_db_prepare (self, petrel_db_sql_correction_set_newest, error);
  if (newest == NULL)
    return FALSE;
  sqlite3_bind_int64 (newest, 1, original_id);
  sqlite3_bind_int64 (newest, 2, correction_id);
  sqlite3_bind_int64 (newest, 3, correction_sort_time);
  return petrel_db_exec_stmt (self, newest, error);
}

/* A new correction: links it to its original if that is stored.  Sets
 * *out_linked when it did. */
static gboolean
link_to_original (PetrelDb                  *self,
                  const PetrelDbMessage     *message,
                  PetrelDbConversationType   type,
                  gint64                     id,
                  gint64                     sort_time,
                  gboolean                  *out_linked,
                  GError                   **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  gint64 original_id;
  int rc;

  *out_linked = FALSE;

  stmt = petrel_db_prepare (self, petrel_db_sql_correction_target, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message->conversation_id);
  sqlite3_bind_int (stmt, 2, message->direction);
  petrel_db_bind_text (stmt, 3, message->replaces);
  rc = petrel_db_step (self, stmt, error);
  if (rc != SQLITE_ROW)
    return rc == SQLITE_DONE;

  /* In a group chat anyone could name someone else's message. */
  if (type == PETREL_DB_CONVERSATION_GROUPCHAT &&
      g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), message->sender) != 0)
    return TRUE;

  if (sqlite3_column_type (stmt, 2) == SQLITE_NULL)
    original_id = sqlite3_column_int64 (stmt, 0);
  else if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
    original_id = sqlite3_column_int64 (stmt, 3); /* names a correction: use its original */
  else
    return TRUE; /* names a correction whose original is unknown */

  petrel_db_stmt_release (g_steal_pointer (&stmt));
  if (!link_correction (self, id, sort_time, original_id, error))
    return FALSE;

  *out_linked = TRUE;
  return TRUE;
}

/* A new original: links the corrections that arrived before it. */
static gboolean
adopt_corrections (PetrelDb                  *self,
                   const PetrelDbMessage     *message,
                   PetrelDbConversationType   type,
                   gint64                     id,
                   GError                   **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (PetrelDbCursor));
  int rc;

  stmt = petrel_db_prepare (self, petrel_db_sql_correction_orphans, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message->conversation_id);
  petrel_db_bind_text (stmt, 2, message->origin_id);
  sqlite3_bind_int (stmt, 3, message->direction);
  while ((rc = petrel_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      PetrelDbCursor correction = {
        .id = sqlite3_column_int64 (stmt, 0),
        .sort_time = sqlite3_column_int64 (stmt, 1),
      };

      if (type == PETREL_DB_CONVERSATION_GROUPCHAT &&
          g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), message->sender) != 0)
        continue;
      g_array_append_val (found, correction);
    }
  if (rc != SQLITE_DONE)
    return FALSE;
  petrel_db_stmt_release (g_steal_pointer (&stmt));

  for (guint i = 0; i < found->len; i++)
    {
      const PetrelDbCursor *correction = &g_array_index (found, PetrelDbCursor, i);

      if (!link_correction (self, correction->id, correction->sort_time, id, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
insert_locked (PetrelDb               *self,
               const PetrelDbMessage  *message,
               PetrelDbInsertFlags     flags,
               gint64                 *out_id,
               gint64                 *out_account_id,
               gboolean               *out_duplicate,
               GError                **error)
{
  g_autoptr(PetrelDbStmt) conversation = NULL;
  g_autoptr(PetrelDbStmt) insert = NULL;
  g_autoptr(PetrelDbStmt) touch = NULL;
  const char *stanza_id = nonempty (message->stanza_id);
  const char *replaces = nonempty (message->replaces);
  PetrelDbConversationType type;
  gboolean linked = FALSE;
  gboolean unread;
  gint64 account_id;
  gint64 sort_time;
  gint64 id;
  int rc;

  conversation = petrel_db_prepare (self, petrel_db_sql_message_conversation, error);
  if (conversation == NULL)
    return FALSE;
  sqlite3_bind_int64 (conversation, 1, message->conversation_id);
  rc = petrel_db_step (self, conversation, error);
  if (rc == 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No conversation %" G_GINT64_FORMAT, message->conversation_id);
      return FALSE;
    }
  account_id = sqlite3_column_int64 (conversation, 0);
  type = sqlite3_column_int (conversation, 1);
  petrel_db_stmt_release (g_steal_pointer (&conversation));

  *out_account_id = account_id;
  sort_time = message->server_time != 0 ? message->server_time : message->local_time;

  insert = petrel_db_prepare (self, petrel_db_sql_message_insert, error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (insert, 1, account_id);
  sqlite3_bind_int64 (insert, 2, message->conversation_id);
  sqlite3_bind_int (insert, 3, message->direction);
  sqlite3_bind_int (insert, 4, message->state);
  petrel_db_bind_text (insert, 5, message->sender);
  petrel_db_bind_text (insert, 6, nonempty (message->origin_id));
  petrel_db_bind_text (insert, 7, stanza_id);
  petrel_db_bind_text (insert, 8, stanza_id != NULL ? message->stanza_id_by : NULL);
  petrel_db_bind_int64_or_null (insert, 9, message->server_time);
  sqlite3_bind_int64 (insert, 10, message->local_time);
  sqlite3_bind_int64 (insert, 11, sort_time);
  petrel_db_bind_text (insert, 12, message->body);
  petrel_db_bind_text (insert, 13, replaces);
  if (!petrel_db_exec_stmt (self, insert, error))
    return FALSE;
  petrel_db_stmt_release (g_steal_pointer (&insert));

  if (sqlite3_changes (self->db) == 0)
    {
      *out_duplicate = TRUE;
      return merge_duplicate (self, message, account_id, out_id, error);
    }

  id = sqlite3_last_insert_rowid (self->db);

  if (replaces != NULL)
    {
      if (!link_to_original (self, message, type, id, sort_time, &linked, error))
        return FALSE;
    }
  else if (nonempty (message->origin_id) != NULL)
    {
      if (!adopt_corrections (self, message, type, id, error))
        return FALSE;
    }

  /* A linked correction is no new message to read. */
  unread = message->direction == PETREL_DB_DIRECTION_INCOMING &&
           !(flags & PETREL_DB_INSERT_BACKFILL) && !linked;

  touch = petrel_db_prepare (self, petrel_db_sql_conversation_touch, error);
  if (touch == NULL)
    return FALSE;
  sqlite3_bind_int64 (touch, 1, message->conversation_id);
  sqlite3_bind_int64 (touch, 2, sort_time);
  sqlite3_bind_int (touch, 3, unread ? 1 : 0);
  if (!petrel_db_exec_stmt (self, touch, error))
    return FALSE;

  *out_duplicate = FALSE;
  *out_id = id;
  return TRUE;
}

gboolean
petrel_db_message_insert_internal (PetrelDb               *self,
                                   const PetrelDbMessage  *message,
                                   PetrelDbInsertFlags     flags,
                                   gint64                 *out_id,
                                   gint64                 *out_account_id,
                                   gboolean               *out_duplicate,
                                   GError                **error)
{
  gboolean ok;

  if (!check_message (message, error) || !petrel_db_begin (self, error))
    return FALSE;

  ok = insert_locked (self, message, flags, out_id, out_account_id, out_duplicate, error);
  return petrel_db_finish (self, ok, error);
}

/**
 * petrel_db_message_insert:
 * @self: a #PetrelDb
 * @message: the message; its @conversation_id must exist, and the fields
 *   marked output only are ignored
 * @flags: %PETREL_DB_INSERT_BACKFILL for older history
 * @out_id: (out) (optional): the new row, or the stored one it duplicates
 * @out_duplicate: (out) (optional): %TRUE if the message was stored already
 * @error: return location for a #GError
 *
 * Stores a message unless it is a duplicate (see the top of this file),
 * and updates its conversation: last activity, and the unread count for an
 * incoming message that is no backfill.  Nothing is written on failure.
 *
 * Returns: %TRUE if the message is stored (now or before); %FALSE with
 *   %PETREL_STORE_ERROR_INVALID for a message the store refuses (invalid
 *   UTF-8, unknown enums, a stanza-id without `by`) or
 *   %PETREL_STORE_ERROR_NOT_FOUND for an unknown conversation
 */
gboolean
petrel_db_message_insert (PetrelDb               *self,
                          const PetrelDbMessage  *message,
                          PetrelDbInsertFlags     flags,
                          gint64                 *out_id,
                          gboolean               *out_duplicate,
                          GError                **error)
{
  gint64 id = 0;
  gint64 account_id = 0;
  gboolean duplicate = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  if (!petrel_db_message_insert_internal (self, message, flags, &id, &account_id, &duplicate, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = id;
  if (out_duplicate != NULL)
    *out_duplicate = duplicate;
  return TRUE;
}

static gboolean
message_exists (PetrelDb  *self,
                gint64     message_id,
                GError   **error)
{
  g_autoptr(PetrelDbStmt) stmt = petrel_db_prepare (self, petrel_db_sql_message_exists, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, message_id);
  rc = petrel_db_step (self, stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                 "No message %" G_GINT64_FORMAT, message_id);

  return rc == SQLITE_ROW;
}

/**
 * petrel_db_message_set_state:
 * @self: a #PetrelDb
 * @message_id: the message
 * @state: the new state
 * @out_changed: (out) (optional): %FALSE when the transition is not
 *   allowed (backwards, or out of failed) and nothing changed
 * @error: return location for a #GError
 *
 * Moves a message's delivery state forward: pending → sent → delivered →
 * displayed, skipping steps if need be, or to failed from pending or sent.
 * Any other transition is ignored, so a late receipt is harmless.  A
 * message leaving pending leaves the outbox.
 *
 * Returns: %TRUE on success, also when nothing changed; %FALSE with
 *   %PETREL_STORE_ERROR_NOT_FOUND if there is no such message
 */
gboolean
petrel_db_message_set_state (PetrelDb              *self,
                             gint64                 message_id,
                             PetrelDbMessageState   state,
                             gboolean              *out_changed,
                             GError               **error)
{
  gboolean changed = FALSE;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);

  if ((guint) state > PETREL_DB_STATE_FAILED)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID,
                   "Unknown message state %d", (int) state);
      return FALSE;
    }

  if (!petrel_db_begin (self, error))
    return FALSE;
  ok = advance_state (self, message_id, state, &changed, error) &&
       (changed || message_exists (self, message_id, error));
  if (!petrel_db_finish (self, ok, error))
    return FALSE;

  if (out_changed != NULL)
    *out_changed = changed;
  return TRUE;
}

static PetrelDbMessage *
read_one (PetrelDb      *self,
          PetrelDbStmt  *stmt,
          const char    *what,
          GError       **error)
{
  int rc = petrel_db_step (self, stmt, error);

  if (rc == SQLITE_ROW)
    return petrel_db_message_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND, "No message %s", what);

  return NULL;
}

/**
 * petrel_db_message_get:
 * @self: a #PetrelDb
 * @message_id: the message
 * @error: return location for a #GError
 *
 * Reads one message.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with @error
 *   set (%PETREL_STORE_ERROR_NOT_FOUND if there is none)
 */
PetrelDbMessage *
petrel_db_message_get (PetrelDb  *self,
                       gint64     message_id,
                       GError   **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  g_autofree char *what = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = petrel_db_prepare (self, petrel_db_sql_message_get, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, message_id);
  what = g_strdup_printf ("%" G_GINT64_FORMAT, message_id);
  return read_one (self, stmt, what, error);
}

/**
 * petrel_db_message_lookup_by_origin_id:
 * @self: a #PetrelDb
 * @conversation_id: the conversation the id is looked for in
 * @direction: incoming or outgoing
 * @origin_id: the XEP-0359 origin-id
 * @error: return location for a #GError
 *
 * Finds a message by its origin-id, for receipts, markers and corrections.
 * The search stays inside one conversation: a receipt from one contact
 * cannot mark a message to another one.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with @error
 *   set (%PETREL_STORE_ERROR_NOT_FOUND if there is none)
 */
PetrelDbMessage *
petrel_db_message_lookup_by_origin_id (PetrelDb           *self,
                                       gint64              conversation_id,
                                       PetrelDbDirection   direction,
                                       const char         *origin_id,
                                       GError            **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (!petrel_db_check_text (origin_id, FALSE, "origin-id", error))
    return NULL;

  stmt = petrel_db_prepare (self, petrel_db_sql_message_by_origin_id, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int (stmt, 2, direction);
  petrel_db_bind_text (stmt, 3, origin_id);
  return read_one (self, stmt, "with this origin-id", error);
}

/**
 * petrel_db_message_lookup_by_stanza_id:
 * @self: a #PetrelDb
 * @account_id: the account
 * @by: the archive that assigned the id
 * @stanza_id: the XEP-0359 stanza-id
 * @error: return location for a #GError
 *
 * Finds a message by the id an archive gave it.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with @error
 *   set (%PETREL_STORE_ERROR_NOT_FOUND if there is none)
 */
PetrelDbMessage *
petrel_db_message_lookup_by_stanza_id (PetrelDb    *self,
                                       gint64       account_id,
                                       const char  *by,
                                       const char  *stanza_id,
                                       GError     **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (!petrel_db_check_text (by, FALSE, "stanza-id's by", error) ||
      !petrel_db_check_text (stanza_id, FALSE, "stanza-id", error))
    return NULL;

  stmt = petrel_db_prepare (self, petrel_db_sql_message_by_stanza_id, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, account_id);
  petrel_db_bind_text (stmt, 2, by);
  petrel_db_bind_text (stmt, 3, stanza_id);
  return read_one (self, stmt, "with this stanza-id", error);
}

static GPtrArray *
read_all (PetrelDb      *self,
          PetrelDbStmt  *stmt,
          gboolean       reverse,
          GError       **error)
{
  g_autoptr(GPtrArray) messages = NULL;
  int rc;

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_message_free);
  while ((rc = petrel_db_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (messages, petrel_db_message_from_row (stmt));
  if (rc != SQLITE_DONE)
    return NULL;

  /* The newest-first pages are read down the index and shown oldest first. */
  if (reverse)
    {
      for (guint i = 0, j = messages->len; i + 1 < j; i++, j--)
        {
          gpointer tmp = messages->pdata[i];

          messages->pdata[i] = messages->pdata[j - 1];
          messages->pdata[j - 1] = tmp;
        }
    }

  return g_steal_pointer (&messages);
}

static int
sql_limit (guint limit)
{
  return (int) MIN (limit, (guint) G_MAXINT);
}

/**
 * petrel_db_message_history:
 * @self: a #PetrelDb
 * @conversation_id: the conversation
 * @before: (nullable): a cursor; %NULL for the newest messages
 * @limit: the most messages to return
 * @error: return location for a #GError
 *
 * Reads a page of history: the @limit newest messages, or the @limit
 * messages just before @before.  Corrections linked to their original are
 * left out (the original carries the corrected body).
 *
 * Returns: (transfer full) (element-type PetrelDbMessage) (nullable): the
 *   messages, oldest first; %NULL with @error set on failure
 */
GPtrArray *
petrel_db_message_history (PetrelDb              *self,
                           gint64                 conversation_id,
                           const PetrelDbCursor  *before,
                           guint                  limit,
                           GError               **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (before == NULL)
    {
      stmt = petrel_db_prepare (self, petrel_db_sql_message_history_newest, error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, conversation_id);
      sqlite3_bind_int (stmt, 2, sql_limit (limit));
    }
  else
    {
      stmt = petrel_db_prepare (self, petrel_db_sql_message_history_before, error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, conversation_id);
      sqlite3_bind_int64 (stmt, 2, before->sort_time);
      sqlite3_bind_int64 (stmt, 3, before->id);
      sqlite3_bind_int (stmt, 4, sql_limit (limit));
    }

  return read_all (self, stmt, TRUE, error);
}

/**
 * petrel_db_message_history_after:
 * @self: a #PetrelDb
 * @conversation_id: the conversation
 * @after: the cursor: the newest message the caller has
 * @limit: the most messages to return
 * @error: return location for a #GError
 *
 * Reads the @limit messages just after @after, for a view that dropped
 * newer pages and scrolls back down.
 *
 * Returns: (transfer full) (element-type PetrelDbMessage) (nullable): the
 *   messages, oldest first; %NULL with @error set on failure
 */
GPtrArray *
petrel_db_message_history_after (PetrelDb              *self,
                                 gint64                 conversation_id,
                                 const PetrelDbCursor  *after,
                                 guint                  limit,
                                 GError               **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (after != NULL, NULL);

  stmt = petrel_db_prepare (self, petrel_db_sql_message_history_after, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int64 (stmt, 2, after->sort_time);
  sqlite3_bind_int64 (stmt, 3, after->id);
  sqlite3_bind_int (stmt, 4, sql_limit (limit));
  return read_all (self, stmt, FALSE, error);
}

static gboolean
has_word_character (const char *start,
                    const char *end)
{
  for (const char *p = start; p < end; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

/*
 * Turns what the user typed into an FTS5 query that cannot be anything but
 * a list of words: each whitespace-separated word becomes a string in
 * double quotes (a quote inside doubled), and the strings are joined by
 * spaces (FTS5's implicit AND).  Words without a letter or digit are
 * dropped: the tokenizer would make nothing of them.  Returns %NULL when
 * no word is left.
 */
static char *
build_match (const char *text)
{
  GString *match = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      const char *start;

      while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);

      if (p == start || !has_word_character (start, p))
        continue;

      if (match->len > 0)
        g_string_append_c (match, ' ');
      g_string_append_c (match, '"');
      for (const char *q = start; q < p; q++)
        {
          if (*q == '"')
            g_string_append_c (match, '"');
          g_string_append_c (match, *q);
        }
      g_string_append_c (match, '"');
    }

  if (match->len == 0)
    {
      g_string_free (match, TRUE);
      return NULL;
    }

  return g_string_free (match, FALSE);
}

/**
 * petrel_db_message_search:
 * @self: a #PetrelDb
 * @account_id: the account searched
 * @conversation_id: the conversation searched, or 0 for all of the account's
 * @text: what the user typed: words that must all occur, in any order
 *   (letter case and accents ignored); no query syntax
 * @limit: the most messages to return
 * @error: return location for a #GError
 *
 * Searches message bodies.  Any text is safe to pass: it is never read as
 * FTS5 syntax.  A linked correction is found as itself (its @replaces_id
 * names the message it corrects).
 *
 * Returns: (transfer full) (element-type PetrelDbMessage) (nullable): the
 *   matching messages, newest first (none for text without words); %NULL
 *   with @error set on failure
 */
GPtrArray *
petrel_db_message_search (PetrelDb    *self,
                          gint64       account_id,
                          gint64       conversation_id,
                          const char  *text,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  g_autofree char *match = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (!petrel_db_check_text (text, FALSE, "search text", error))
    return NULL;

  match = build_match (text);
  if (match == NULL || limit == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_message_free);

  if (conversation_id != 0)
    {
      stmt = petrel_db_prepare (self, petrel_db_sql_message_search_conversation, error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 2, conversation_id);
      sqlite3_bind_int64 (stmt, 4, account_id);
    }
  else
    {
      stmt = petrel_db_prepare (self, petrel_db_sql_message_search, error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 2, account_id);
    }
  petrel_db_bind_text (stmt, 1, match);
  sqlite3_bind_int (stmt, 3, sql_limit (limit));

  return read_all (self, stmt, FALSE, error);
}
