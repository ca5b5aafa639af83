/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Entity capabilities (XEP-0115): the features behind each verification
 * string, so a `ver` seen once costs no disco#info query again, on any
 * account and after a restart.
 *
 * The caller stores a result only after checking that its hash matches
 * `ver` (XEP-0115 §5.4): the key is then a fact about the content, and one
 * contact cannot poison another's entry.
 */
#define G_LOG_DOMAIN "petrel-db-caps"

#include "petrel-db-private.h"

const char petrel_db_sql_caps_put[] =
  "INSERT INTO caps (algo, ver, last_used) VALUES (?1, ?2, ?3)"
  " ON CONFLICT (algo, ver) DO UPDATE SET last_used = excluded.last_used";
const char petrel_db_sql_caps_clear_features[] =
  "DELETE FROM caps_features WHERE algo = ?1 AND ver = ?2";
/* OR IGNORE: a hostile result may list a feature twice. */
const char petrel_db_sql_caps_add_feature[] =
  "INSERT OR IGNORE INTO caps_features (algo, ver, var) VALUES (?1, ?2, ?3)";
const char petrel_db_sql_caps_exists[] =
  "SELECT 1 FROM caps WHERE algo = ?1 AND ver = ?2";
const char petrel_db_sql_caps_features[] =
  "SELECT var FROM caps_features WHERE algo = ?1 AND ver = ?2 ORDER BY var";

static gboolean
check_key (const char  *algo,
           const char  *ver,
           GError     **error)
{
  return petrel_db_check_text (algo, FALSE, "caps hash algorithm", error) &&
         petrel_db_check_text (ver, FALSE, "caps verification string", error);
}

static gboolean
run_key (PetrelDb    *self,
         const char  *sql,
         const char  *algo,
         const char  *ver,
         const char  *var,
         GError     **error)
{
  g_autoptr(PetrelDbStmt) stmt = petrel_db_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  petrel_db_bind_text (stmt, 1, algo);
  petrel_db_bind_text (stmt, 2, ver);
  if (var != NULL)
    petrel_db_bind_text (stmt, 3, var);
  return petrel_db_exec_stmt (self, stmt, error);
}

/**
 * petrel_db_caps_put:
 * @self: a #PetrelDb
 * @algo: the hash algorithm (`sha-1`, …)
 * @ver: the verification string
 * @features: (array zero-terminated=1): the feature vars of the result
 * @error: return location for a #GError
 *
 * Stores the features for (@algo, @ver), replacing what was stored for it.
 *
 * Returns: %TRUE on success; %FALSE with nothing changed on failure
 */
gboolean
petrel_db_caps_put (PetrelDb           *self,
                    const char         *algo,
                    const char         *ver,
                    const char *const  *features,
                    GError            **error)
{
  g_autoptr(PetrelDbStmt) put = NULL;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (features != NULL, FALSE);

  if (!check_key (algo, ver, error))
    return FALSE;
  for (guint i = 0; features[i] != NULL; i++)
    if (!petrel_db_check_text (features[i], FALSE, "feature", error))
      return FALSE;

  if (!petrel_db_begin (self, error))
    return FALSE;

  put = petrel_db_prepare (self, petrel_db_sql_caps_put, error);
  ok = put != NULL;
  if (ok)
    {
      petrel_db_bind_text (put, 1, algo);
      petrel_db_bind_text (put, 2, ver);
      sqlite3_bind_int64 (put, 3, g_get_real_time ());
      ok = petrel_db_exec_stmt (self, put, error);
    }
  g_clear_pointer (&put, petrel_db_stmt_release);

  ok = ok && run_key (self, petrel_db_sql_caps_clear_features, algo, ver, NULL, error);
  for (guint i = 0; ok && features[i] != NULL; i++)
    ok = run_key (self, petrel_db_sql_caps_add_feature, algo, ver, features[i], error);

  return petrel_db_finish (self, ok, error);
}

/**
 * petrel_db_caps_dup_features:
 * @self: a #PetrelDb
 * @algo: the hash algorithm
 * @ver: the verification string
 * @error: return location for a #GError
 *
 * Looks up the features stored for (@algo, @ver).
 *
 * Returns: (transfer full) (nullable): the feature vars, sorted; %NULL
 *   with %PETREL_STORE_ERROR_NOT_FOUND when nothing is stored for them
 */
GStrv
petrel_db_caps_dup_features (PetrelDb    *self,
                             const char  *algo,
                             const char  *ver,
                             GError     **error)
{
  g_autoptr(PetrelDbStmt) stmt = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  if (!check_key (algo, ver, error))
    return NULL;

  stmt = petrel_db_prepare (self, petrel_db_sql_caps_exists, error);
  if (stmt == NULL)
    return NULL;
  petrel_db_bind_text (stmt, 1, algo);
  petrel_db_bind_text (stmt, 2, ver);
  rc = petrel_db_step (self, stmt, error);
  if (rc == 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      g_set_error_literal (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                           "These capabilities are not known yet");
      return NULL;
    }
  g_clear_pointer (&stmt, petrel_db_stmt_release);

  stmt = petrel_db_prepare (self, petrel_db_sql_caps_features, error);
  if (stmt == NULL)
    return NULL;
  petrel_db_bind_text (stmt, 1, algo);
  petrel_db_bind_text (stmt, 2, ver);
  builder = g_strv_builder_new ();
  while ((rc = petrel_db_step (self, stmt, error)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));

  return rc == SQLITE_DONE ? g_strv_builder_end (builder) : NULL;
}
