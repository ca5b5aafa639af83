/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Conversations: one row per (account, peer bare JID, chat or groupchat),
 * with the time of its newest message and its count of unread messages.
 *
 * The count goes up as incoming messages are stored (petrel-db-messages.c)
 * and back to zero when the user has read them.  A count kept in the row,
 * rather than counted over the messages, keeps the conversation list one
 * indexed read however long the histories are.
 */
#define G_LOG_DOMAIN "petrel-db-conversations"

#include "petrel-db-private.h"

#define CONVERSATION_COLUMNS "id, account_id, peer, type, last_activity, unread"

const char petrel_db_sql_conversation_lookup[] =
  "SELECT id FROM conversations WHERE account_id = ?1 AND peer = ?2 AND type = ?3";
const char petrel_db_sql_conversation_insert[] =
  "INSERT INTO conversations (account_id, peer, type) VALUES (?1, ?2, ?3) RETURNING id";
const char petrel_db_sql_conversation_get[] =
  "SELECT " CONVERSATION_COLUMNS " FROM conversations WHERE id = ?1";
const char petrel_db_sql_conversation_list[] =
  "SELECT " CONVERSATION_COLUMNS " FROM conversations WHERE account_id = ?1"
  " ORDER BY last_activity DESC, id DESC";
const char petrel_db_sql_conversation_count_unread[] =
  "SELECT total (unread) FROM conversations WHERE account_id = ?1 AND unread > 0";
const char petrel_db_sql_conversation_mark_read[] =
  "UPDATE conversations SET unread = 0 WHERE id = ?1";
/* ?2: the sort time of a new message; ?3: 1 if it is unread, else 0. */
const char petrel_db_sql_conversation_touch[] =
  "UPDATE conversations SET last_activity = max (last_activity, ?2), unread = unread + ?3"
  " WHERE id = ?1";

/**
 * petrel_db_conversation_free:
 * @conversation: (nullable): a #PetrelDbConversation
 *
 * Frees @conversation and its strings.
 */
void
petrel_db_conversation_free (PetrelDbConversation *conversation)
{
  if (conversation == NULL)
    return;

  g_free (conversation->peer);
  g_free (conversation);
}

static PetrelDbConversation *
conversation_from_row (PetrelDbStmt *stmt)
{
  PetrelDbConversation *conversation = g_new0 (PetrelDbConversation, 1);

  conversation->id = sqlite3_column_int64 (stmt, 0);
  conversation->account_id = sqlite3_column_int64 (stmt, 1);
  conversation->peer = petrel_db_column_dup_text (stmt, 2);
  conversation->type = sqlite3_column_int (stmt, 3);
  conversation->last_activity = sqlite3_column_int64 (stmt, 4);
  conversation->unread = (guint) CLAMP (sqlite3_column_int64 (stmt, 5), 0, G_MAXUINT);

  return conversation;
}

/**
 * petrel_db_conversation_ensure:
 * @self: a #PetrelDb
 * @account_id: the account
 * @peer: the peer's bare JID, or the room's JID
 * @type: chat or groupchat
 * @out_id: (out) (optional): the conversation's row id
 * @error: return location for a #GError
 *
 * Finds the conversation, creating it if there is none.
 *
 * Returns: %TRUE on success; %FALSE with %PETREL_STORE_ERROR_NOT_FOUND
 *   if there is no such account
 */
gboolean
petrel_db_conversation_ensure (PetrelDb                  *self,
                               gint64                     account_id,
                               const char                *peer,
                               PetrelDbConversationType   type,
                               gint64                    *out_id,
                               GError                   **error)
{
  g_autoptr(PetrelDbStmt) lookup = NULL;
  g_autoptr(PetrelDbStmt) insert = NULL;
  gint64 id;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!petrel_db_check_text (peer, FALSE, "peer JID", error))
    return FALSE;
  if (type != PETREL_DB_CONVERSATION_CHAT && type != PETREL_DB_CONVERSATION_GROUPCHAT)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID,
                   "Unknown conversation type %d", (int) type);
      return FALSE;
    }

  lookup = petrel_db_prepare (self, petrel_db_sql_conversation_lookup, error);
  if (lookup == NULL)
    return FALSE;
  sqlite3_bind_int64 (lookup, 1, account_id);
  petrel_db_bind_text (lookup, 2, peer);
  sqlite3_bind_int (lookup, 3, type);
  rc = petrel_db_step (self, lookup, error);
  if (rc == 0)
    return FALSE;

  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (lookup, 0);
    }
  else
    {
      insert = petrel_db_prepare (self, petrel_db_sql_conversation_insert, error);
      if (insert == NULL)
        return FALSE;
      sqlite3_bind_int64 (insert, 1, account_id);
      petrel_db_bind_text (insert, 2, peer);
      sqlite3_bind_int (insert, 3, type);
      if (petrel_db_step (self, insert, error) != SQLITE_ROW)
        return FALSE;
      id = sqlite3_column_int64 (insert, 0);
    }

  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

/**
 * petrel_db_conversation_get:
 * @self: a #PetrelDb
 * @conversation_id: the conversation
 * @error: return location for a #GError
 *
 * Reads one conversation.
 *
 * Returns: (transfer full) (nullable): the conversation, or %NULL with
 *   @error set (%PETREL_STORE_ERROR_NOT_FOUND if there is none)
 */
PetrelDbConversation *
petrel_db_conversation_get (PetrelDb  *self,
                            gint64     conversation_id,
                            GError   **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = petrel_db_prepare (self, petrel_db_sql_conversation_get, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  rc = petrel_db_step (self, stmt, error);
  if (rc == 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No conversation %" G_GINT64_FORMAT, conversation_id);
      return NULL;
    }

  return conversation_from_row (stmt);
}

/**
 * petrel_db_conversation_list:
 * @self: a #PetrelDb
 * @account_id: the account
 * @error: return location for a #GError
 *
 * Lists the conversations of an account, the most recently active first,
 * each with its unread count.
 *
 * Returns: (transfer full) (element-type PetrelDbConversation) (nullable):
 *   the conversations, or %NULL with @error set
 */
GPtrArray *
petrel_db_conversation_list (PetrelDb  *self,
                             gint64     account_id,
                             GError   **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = petrel_db_prepare (self, petrel_db_sql_conversation_list, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, account_id);
  conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_conversation_free);
  while ((rc = petrel_db_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (conversations, conversation_from_row (stmt));

  return rc == SQLITE_DONE ? g_steal_pointer (&conversations) : NULL;
}

/**
 * petrel_db_conversation_count_unread:
 * @self: a #PetrelDb
 * @account_id: the account
 * @out_unread: (out): the unread messages of all its conversations
 * @error: return location for a #GError
 *
 * Adds up the unread counts of an account (for a badge).
 *
 * Returns: %TRUE on success
 */
gboolean
petrel_db_conversation_count_unread (PetrelDb  *self,
                                     gint64     account_id,
                                     guint     *out_unread,
                                     GError   **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  double total;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_unread != NULL, FALSE);

  stmt = petrel_db_prepare (self, petrel_db_sql_conversation_count_unread, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, account_id);
  if (petrel_db_step (self, stmt, error) != SQLITE_ROW)
    return FALSE;

  /* total () is a float and never overflows. */
  total = sqlite3_column_double (stmt, 0);
  *out_unread = total >= G_MAXUINT ? G_MAXUINT : (guint) total;
  return TRUE;
}

/**
 * petrel_db_conversation_mark_read:
 * @self: a #PetrelDb
 * @conversation_id: the conversation
 * @error: return location for a #GError
 *
 * Sets the conversation's unread count to zero.
 *
 * Returns: %TRUE on success; %FALSE with %PETREL_STORE_ERROR_NOT_FOUND if
 *   there is no such conversation
 */
gboolean
petrel_db_conversation_mark_read (PetrelDb  *self,
                                  gint64     conversation_id,
                                  GError   **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  stmt = petrel_db_prepare (self, petrel_db_sql_conversation_mark_read, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  if (!petrel_db_exec_stmt (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No conversation %" G_GINT64_FORMAT, conversation_id);
      return FALSE;
    }

  return TRUE;
}
