/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Account rows of the profile database.
 *
 * The credentials stay in accounts.ini (PetrelAccountStore); this row only
 * gives the account the id that its conversations, messages, roster and
 * archive positions refer to.  Removing it removes all of those.
 */
#define G_LOG_DOMAIN "petrel-db-accounts"

#include "petrel-db-private.h"

const char petrel_db_sql_account_lookup[] =
  "SELECT id FROM accounts WHERE jid = ?1";
const char petrel_db_sql_account_insert[] =
  "INSERT INTO accounts (jid, created) VALUES (?1, ?2) RETURNING id";
const char petrel_db_sql_account_list[] =
  "SELECT id, jid, created FROM accounts ORDER BY id";
const char petrel_db_sql_account_remove[] =
  "DELETE FROM accounts WHERE jid = ?1";

/**
 * petrel_db_account_free:
 * @account: (nullable): a #PetrelDbAccount
 *
 * Frees @account and its strings.
 */
void
petrel_db_account_free (PetrelDbAccount *account)
{
  if (account == NULL)
    return;

  g_free (account->jid);
  g_free (account);
}

/* Sets *out_id to 0 when there is no such account. */
static gboolean
lookup (PetrelDb    *self,
        const char  *jid,
        gint64      *out_id,
        GError     **error)
{
  g_autoptr(PetrelDbStmt) stmt = petrel_db_prepare (self, petrel_db_sql_account_lookup, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  petrel_db_bind_text (stmt, 1, jid);
  rc = petrel_db_step (self, stmt, error);
  if (rc == 0)
    return FALSE;

  *out_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

/**
 * petrel_db_account_lookup:
 * @self: a #PetrelDb
 * @jid: the account's bare JID
 * @out_id: (out): the account's row id
 * @error: return location for a #GError
 *
 * Finds the row of an account.
 *
 * Returns: %TRUE if found; %FALSE with %PETREL_STORE_ERROR_NOT_FOUND if not
 */
gboolean
petrel_db_account_lookup (PetrelDb    *self,
                          const char  *jid,
                          gint64      *out_id,
                          GError     **error)
{
  gint64 id = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_id != NULL, FALSE);

  if (!petrel_db_check_text (jid, FALSE, "account JID", error) ||
      !lookup (self, jid, &id, error))
    return FALSE;

  if (id == 0)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No account %s in the database", jid);
      return FALSE;
    }

  *out_id = id;
  return TRUE;
}

/**
 * petrel_db_account_ensure:
 * @self: a #PetrelDb
 * @jid: the account's bare JID
 * @out_id: (out) (optional): the account's row id
 * @error: return location for a #GError
 *
 * Finds the row of an account, creating it if there is none.
 *
 * Returns: %TRUE on success
 */
gboolean
petrel_db_account_ensure (PetrelDb    *self,
                          const char  *jid,
                          gint64      *out_id,
                          GError     **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  gint64 id = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!petrel_db_check_text (jid, FALSE, "account JID", error) ||
      !lookup (self, jid, &id, error))
    return FALSE;

  if (id == 0)
    {
      stmt = petrel_db_prepare (self, petrel_db_sql_account_insert, error);
      if (stmt == NULL)
        return FALSE;

      petrel_db_bind_text (stmt, 1, jid);
      sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
      if (petrel_db_step (self, stmt, error) != SQLITE_ROW)
        return FALSE;
      id = sqlite3_column_int64 (stmt, 0);
    }

  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

/**
 * petrel_db_account_list:
 * @self: a #PetrelDb
 * @error: return location for a #GError
 *
 * Lists the accounts in the order they were added.
 *
 * Returns: (transfer full) (element-type PetrelDbAccount) (nullable): the
 *   accounts, or %NULL with @error set
 */
GPtrArray *
petrel_db_account_list (PetrelDb  *self,
                        GError   **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = petrel_db_prepare (self, petrel_db_sql_account_list, error);
  if (stmt == NULL)
    return NULL;

  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_account_free);
  while ((rc = petrel_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      PetrelDbAccount *account = g_new0 (PetrelDbAccount, 1);

      account->id = sqlite3_column_int64 (stmt, 0);
      account->jid = petrel_db_column_dup_text (stmt, 1);
      account->created = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (accounts, account);
    }

  return rc == SQLITE_DONE ? g_steal_pointer (&accounts) : NULL;
}

/**
 * petrel_db_account_remove:
 * @self: a #PetrelDb
 * @jid: the account's bare JID
 * @error: return location for a #GError
 *
 * Removes an account with its conversations, messages, outbox, roster and
 * archive positions, in one transaction.
 *
 * Returns: %TRUE if removed; %FALSE with %PETREL_STORE_ERROR_NOT_FOUND if
 *   there was no such account
 */
gboolean
petrel_db_account_remove (PetrelDb    *self,
                          const char  *jid,
                          GError     **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!petrel_db_check_text (jid, FALSE, "account JID", error))
    return FALSE;

  stmt = petrel_db_prepare (self, petrel_db_sql_account_remove, error);
  if (stmt == NULL)
    return FALSE;

  petrel_db_bind_text (stmt, 1, jid);
  if (!petrel_db_exec_stmt (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No account %s in the database", jid);
      return FALSE;
    }

  return TRUE;
}
