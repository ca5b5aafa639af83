/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The roster of each account with its version (RFC 6121 §2.6).
 *
 * With roster versioning the client sends the version it has, and the
 * server answers with the pushes since then (or the whole roster, or
 * nothing when it is current).  So the stored items and the stored version
 * must always agree: a whole roster replaces both in one transaction, and
 * a push changes one item and the version in one transaction.  A push
 * without a version clears the stored one (the server does not version
 * this roster), so the next login asks for the whole roster.
 *
 * Groups are rows of their own (roster_groups), one per (item, group).
 */
#define G_LOG_DOMAIN "petrel-db-roster"

#include "petrel-db-private.h"

#include <string.h>

const char petrel_db_sql_roster_get_ver[] =
  "SELECT roster_ver FROM accounts WHERE id = ?1";
const char petrel_db_sql_roster_set_ver[] =
  "UPDATE accounts SET roster_ver = ?2 WHERE id = ?1";
const char petrel_db_sql_roster_clear[] =
  "DELETE FROM roster_items WHERE account_id = ?1";
const char petrel_db_sql_roster_upsert[] =
  "INSERT INTO roster_items (account_id, jid, name, subscription, ask)"
  " VALUES (?1, ?2, ?3, ?4, ?5)"
  " ON CONFLICT (account_id, jid) DO UPDATE SET"
  " name = excluded.name, subscription = excluded.subscription, ask = excluded.ask";
const char petrel_db_sql_roster_remove[] =
  "DELETE FROM roster_items WHERE account_id = ?1 AND jid = ?2";
const char petrel_db_sql_roster_clear_groups[] =
  "DELETE FROM roster_groups WHERE account_id = ?1 AND jid = ?2";
/* OR IGNORE: an item may name a group twice. */
const char petrel_db_sql_roster_add_group[] =
  "INSERT OR IGNORE INTO roster_groups (account_id, jid, name) VALUES (?1, ?2, ?3)";
const char petrel_db_sql_roster_items[] =
  "SELECT jid, name, subscription, ask FROM roster_items WHERE account_id = ?1 ORDER BY jid";
const char petrel_db_sql_roster_groups[] =
  "SELECT jid, name FROM roster_groups WHERE account_id = ?1 ORDER BY jid, name";

/**
 * petrel_db_roster_item_free:
 * @item: (nullable): a #PetrelDbRosterItem
 *
 * Frees @item and its strings.
 */
void
petrel_db_roster_item_free (PetrelDbRosterItem *item)
{
  if (item == NULL)
    return;

  g_free (item->jid);
  g_free (item->name);
  g_strfreev (item->groups);
  g_free (item);
}

static gboolean
check_item (const PetrelDbRosterItem  *item,
            gboolean                   in_push,
            GError                   **error)
{
  if (!petrel_db_check_text (item->jid, FALSE, "contact JID", error) ||
      !petrel_db_check_text (item->name, TRUE, "contact name", error))
    return FALSE;

  if (*item->jid == '\0')
    {
      g_set_error_literal (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID,
                           "A roster item needs a JID");
      return FALSE;
    }

  if ((guint) item->subscription > PETREL_DB_SUBSCRIPTION_REMOVE ||
      (!in_push && item->subscription == PETREL_DB_SUBSCRIPTION_REMOVE))
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID,
                   "Subscription state %d is not allowed here", (int) item->subscription);
      return FALSE;
    }

  for (guint i = 0; item->groups != NULL && item->groups[i] != NULL; i++)
    if (!petrel_db_check_text (item->groups[i], FALSE, "group name", error))
      return FALSE;

  return TRUE;
}

static gboolean
run_account_text (PetrelDb    *self,
                  const char  *sql,
                  gint64       account_id,
                  const char  *text,
                  GError     **error)
{
  g_autoptr(PetrelDbStmt) stmt = petrel_db_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, account_id);
  petrel_db_bind_text (stmt, 2, text);
  return petrel_db_exec_stmt (self, stmt, error);
}

static gboolean
set_ver (PetrelDb    *self,
         gint64       account_id,
         const char  *ver,
         GError     **error)
{
  if (!run_account_text (self, petrel_db_sql_roster_set_ver, account_id, ver, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No account %" G_GINT64_FORMAT, account_id);
      return FALSE;
    }

  return TRUE;
}

/* Writes one item and its groups (replacing the ones it had). */
static gboolean
write_item (PetrelDb                  *self,
            gint64                     account_id,
            const PetrelDbRosterItem  *item,
            GError                   **error)
{
  g_autoptr(PetrelDbStmt) upsert = NULL;

  upsert = petrel_db_prepare (self, petrel_db_sql_roster_upsert, error);
  if (upsert == NULL)
    return FALSE;
  sqlite3_bind_int64 (upsert, 1, account_id);
  petrel_db_bind_text (upsert, 2, item->jid);
  petrel_db_bind_text (upsert, 3, item->name);
  sqlite3_bind_int (upsert, 4, item->subscription);
  sqlite3_bind_int (upsert, 5, item->ask ? 1 : 0);
  if (!petrel_db_exec_stmt (self, upsert, error))
    return FALSE;

  if (!run_account_text (self, petrel_db_sql_roster_clear_groups, account_id, item->jid, error))
    return FALSE;

  for (guint i = 0; item->groups != NULL && item->groups[i] != NULL; i++)
    {
      g_autoptr(PetrelDbStmt) group = petrel_db_prepare (self, petrel_db_sql_roster_add_group, error);

      if (group == NULL)
        return FALSE;
      sqlite3_bind_int64 (group, 1, account_id);
      petrel_db_bind_text (group, 2, item->jid);
      petrel_db_bind_text (group, 3, item->groups[i]);
      if (!petrel_db_exec_stmt (self, group, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * petrel_db_roster_replace:
 * @self: a #PetrelDb
 * @account_id: the account
 * @ver: (nullable): the roster's version, %NULL when the server has none
 * @items: (element-type PetrelDbRosterItem): the whole roster (a JID that
 *   appears twice keeps its last item)
 * @error: return location for a #GError
 *
 * Replaces the stored roster and its version with a whole roster (a
 * roster result), in one transaction.
 *
 * Returns: %TRUE on success; %FALSE with nothing changed on failure
 *   (%PETREL_STORE_ERROR_INVALID for an item the store refuses)
 */
gboolean
petrel_db_roster_replace (PetrelDb    *self,
                          gint64       account_id,
                          const char  *ver,
                          GPtrArray   *items,
                          GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (items != NULL, FALSE);

  if (!petrel_db_check_text (ver, TRUE, "roster version", error))
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    if (!check_item (g_ptr_array_index (items, i), FALSE, error))
      return FALSE;

  if (!petrel_db_begin (self, error))
    return FALSE;

  ok = set_ver (self, account_id, ver, error) &&
       run_account_text (self, petrel_db_sql_roster_clear, account_id, NULL, error);
  for (guint i = 0; ok && i < items->len; i++)
    ok = write_item (self, account_id, g_ptr_array_index (items, i), error);

  return petrel_db_finish (self, ok, error);
}

/**
 * petrel_db_roster_apply_push:
 * @self: a #PetrelDb
 * @account_id: the account
 * @ver: (nullable): the version the push carries; %NULL clears the stored one
 * @item: the pushed item; %PETREL_DB_SUBSCRIPTION_REMOVE removes it
 * @error: return location for a #GError
 *
 * Applies a roster push (RFC 6121 §2.1.6): the item is added, updated or
 * removed, and the version stored, in one transaction.  The caller has
 * checked that the push came from the account itself.
 *
 * Returns: %TRUE on success; %FALSE with nothing changed on failure
 */
gboolean
petrel_db_roster_apply_push (PetrelDb                  *self,
                             gint64                     account_id,
                             const char                *ver,
                             const PetrelDbRosterItem  *item,
                             GError                   **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  if (!petrel_db_check_text (ver, TRUE, "roster version", error) ||
      !check_item (item, TRUE, error) ||
      !petrel_db_begin (self, error))
    return FALSE;

  ok = set_ver (self, account_id, ver, error);
  if (ok && item->subscription == PETREL_DB_SUBSCRIPTION_REMOVE)
    ok = run_account_text (self, petrel_db_sql_roster_remove, account_id, item->jid, error);
  else if (ok)
    ok = write_item (self, account_id, item, error);

  return petrel_db_finish (self, ok, error);
}

static gboolean
read_ver (PetrelDb  *self,
          gint64     account_id,
          char     **out_ver,
          GError   **error)
{
  g_autoptr(PetrelDbStmt) stmt = petrel_db_prepare (self, petrel_db_sql_roster_get_ver, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, account_id);
  rc = petrel_db_step (self, stmt, error);
  if (rc == 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No account %" G_GINT64_FORMAT, account_id);
      return FALSE;
    }

  *out_ver = petrel_db_column_dup_text (stmt, 0);
  return TRUE;
}

/* Gives each item its groups (maybe none): both lists are ordered by JID,
 * so one pass over each is enough. */
static gboolean
read_groups (PetrelDb   *self,
             gint64      account_id,
             GPtrArray  *items,
             GError    **error)
{
  g_autoptr(PetrelDbStmt) stmt = petrel_db_prepare (self, petrel_db_sql_roster_groups, error);
  g_autoptr(GStrvBuilder) builder = NULL;
  guint index = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, account_id);
  builder = g_strv_builder_new ();
  rc = petrel_db_step (self, stmt, error);
  for (; index < items->len; index++)
    {
      PetrelDbRosterItem *item = g_ptr_array_index (items, index);

      while (rc == SQLITE_ROW)
        {
          const char *jid = (const char *) sqlite3_column_text (stmt, 0);
          int order = strcmp (jid, item->jid);

          if (order > 0)
            break;
          if (order == 0)
            g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 1));
          rc = petrel_db_step (self, stmt, error);
        }
      if (rc == 0)
        return FALSE;

      item->groups = g_strv_builder_end (builder);
    }

  return TRUE;
}

/**
 * petrel_db_roster_load:
 * @self: a #PetrelDb
 * @account_id: the account
 * @out_ver: (out) (transfer full) (optional) (nullable): the stored
 *   version, %NULL when there is none
 * @error: return location for a #GError
 *
 * Reads the stored roster, ordered by JID.  Every item has a
 * %NULL-terminated @groups (maybe empty).
 *
 * Returns: (transfer full) (element-type PetrelDbRosterItem) (nullable):
 *   the items, or %NULL with @error set (%PETREL_STORE_ERROR_NOT_FOUND if
 *   there is no such account)
 */
GPtrArray *
petrel_db_roster_load (PetrelDb  *self,
                       gint64     account_id,
                       char     **out_ver,
                       GError   **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *ver = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  /* One read transaction, so the version matches the items. */
  if (!petrel_db_begin (self, error))
    return NULL;

  if (!read_ver (self, account_id, &ver, error))
    goto fail;

  stmt = petrel_db_prepare (self, petrel_db_sql_roster_items, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, account_id);
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_roster_item_free);
  while ((rc = petrel_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      PetrelDbRosterItem *item = g_new0 (PetrelDbRosterItem, 1);

      item->jid = petrel_db_column_dup_text (stmt, 0);
      item->name = petrel_db_column_dup_text (stmt, 1);
      item->subscription = sqlite3_column_int (stmt, 2);
      item->ask = sqlite3_column_int (stmt, 3) != 0;
      g_ptr_array_add (items, item);
    }
  g_clear_pointer (&stmt, petrel_db_stmt_release);
  if (rc != SQLITE_DONE || !read_groups (self, account_id, items, error))
    goto fail;

  if (!petrel_db_commit (self, error))
    return NULL;

  if (out_ver != NULL)
    *out_ver = g_steal_pointer (&ver);
  return g_steal_pointer (&items);

fail:
  petrel_db_rollback (self);
  return NULL;
}
