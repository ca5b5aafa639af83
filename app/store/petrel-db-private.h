/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The inside of PetrelDb, shared by the files of app/store and by the
 * store tests, never by other layers.
 *
 * Every statement the store runs is a `const char petrel_db_sql_*[]`
 * declared here and listed in petrel_db_queries, so the plan test runs
 * EXPLAIN QUERY PLAN on exactly the text the code prepares, and a second
 * test checks that every statement the code prepared is in that list.
 */
#pragma once

#include <sqlite3.h>

#include "petrel-db.h"

G_BEGIN_DECLS

struct _PetrelDb
{
  sqlite3 *db;
  char *path;
  /* SQL text → prepared sqlite3_stmt, finalised on close. */
  GHashTable *statements;
  /* 0 outside a transaction; above 1 the inner levels are savepoints. */
  guint depth;
  guint schema_version;
};

/*
 * A cached statement on loan.  petrel_db_prepare() hands it out reset and
 * with no bindings; g_autoptr(PetrelDbStmt) gives it back (reset, bindings
 * cleared), so no statement keeps a read transaction open.
 */
typedef sqlite3_stmt PetrelDbStmt;

PetrelDbStmt *petrel_db_prepare (PetrelDb    *self,
                                 const char  *sql,
                                 GError     **error);
void petrel_db_stmt_release (PetrelDbStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PetrelDbStmt, petrel_db_stmt_release)

/* Returns SQLITE_ROW or SQLITE_DONE, or 0 with @error set. */
int petrel_db_step (PetrelDb      *self,
                    PetrelDbStmt  *stmt,
                    GError       **error);
/* Steps a statement that returns no row (or whose rows are ignored). */
gboolean petrel_db_exec_stmt (PetrelDb      *self,
                              PetrelDbStmt  *stmt,
                              GError       **error);
/* Sets @error from the connection's last error; always returns %FALSE. */
gboolean petrel_db_set_error (PetrelDb    *self,
                              int          rc,
                              const char  *what,
                              GError     **error);

/* Binds @text without a copy (it must outlive the step), or NULL. */
void petrel_db_bind_text (PetrelDbStmt *stmt,
                          int           index,
                          const char   *text);
/* Binds @value, or NULL when it is 0. */
void petrel_db_bind_int64_or_null (PetrelDbStmt *stmt,
                                   int           index,
                                   gint64        value);
char *petrel_db_column_dup_text (PetrelDbStmt *stmt,
                                 int           column);

/* INVALID unless @text is NULL (and @nullable) or valid UTF-8. */
gboolean petrel_db_check_text (const char  *text,
                               gboolean     nullable,
                               const char  *what,
                               GError     **error);

/* Turns a failed commit into a rollback; for the error paths of writers. */
gboolean petrel_db_finish (PetrelDb  *self,
                           gboolean   ok,
                           GError   **error);

/* Messages: the insert shared with the outbox. */
gboolean petrel_db_message_insert_internal (PetrelDb               *self,
                                            const PetrelDbMessage  *message,
                                            PetrelDbInsertFlags     flags,
                                            gint64                 *out_id,
                                            gint64                 *out_account_id,
                                            gboolean               *out_duplicate,
                                            GError                **error);
/* The columns read by petrel_db_message_from_row(), from `messages AS m`
 * left-joined with its newest correction `messages AS c`. */
#define PETREL_DB_MESSAGE_COLUMNS                                        \
  "m.id, m.account_id, m.conversation_id, m.direction, m.state, "       \
  "m.sender, m.origin_id, m.stanza_id, m.stanza_id_by, m.server_time, " \
  "m.local_time, m.sort_time, m.body, m.replaces, m.replaces_id, "      \
  "m.corrected_by, c.body"
#define PETREL_DB_MESSAGE_N_COLUMNS 17
PetrelDbMessage *petrel_db_message_from_row (PetrelDbStmt *stmt);

/* Migrations (petrel-db-migrations.c) */

typedef struct
{
  guint version;
  const char *sql;
} PetrelDbMigration;

extern const PetrelDbMigration petrel_db_migrations[];
extern const gsize petrel_db_n_migrations;

/* petrel_db_open() with another list of steps, for the upgrade tests. */
PetrelDb *petrel_db_open_with_migrations (const char               *path,
                                          const PetrelDbMigration  *migrations,
                                          gsize                     n_migrations,
                                          GError                  **error);

/* The statements, for the plan test. */

typedef enum {
  PETREL_DB_QUERY_DEFAULT = 0,
  /* Sorting the result is expected (FTS matches ordered by time). */
  PETREL_DB_QUERY_MAY_SORT = 1 << 0,
} PetrelDbQueryFlags;

typedef struct
{
  const char *name;
  const char *sql;
  PetrelDbQueryFlags flags;
} PetrelDbQuery;

extern const PetrelDbQuery petrel_db_queries[];
extern const gsize petrel_db_n_queries;

/* Returns: (transfer container): the SQL texts in the statement cache */
GPtrArray *petrel_db_dup_cached_sql (PetrelDb *self);

/* petrel-db.c */
extern const char petrel_db_sql_begin[];
extern const char petrel_db_sql_commit[];
extern const char petrel_db_sql_rollback[];
extern const char petrel_db_sql_savepoint[];
extern const char petrel_db_sql_release[];
extern const char petrel_db_sql_rollback_to[];

/* petrel-db-accounts.c */
extern const char petrel_db_sql_account_lookup[];
extern const char petrel_db_sql_account_insert[];
extern const char petrel_db_sql_account_list[];
extern const char petrel_db_sql_account_remove[];

/* petrel-db-conversations.c */
extern const char petrel_db_sql_conversation_lookup[];
extern const char petrel_db_sql_conversation_insert[];
extern const char petrel_db_sql_conversation_get[];
extern const char petrel_db_sql_conversation_list[];
extern const char petrel_db_sql_conversation_count_unread[];
extern const char petrel_db_sql_conversation_mark_read[];
extern const char petrel_db_sql_conversation_touch[];

/* petrel-db-messages.c */
extern const char petrel_db_sql_message_conversation[];
extern const char petrel_db_sql_message_insert[];
extern const char petrel_db_sql_message_find_stanza_id[];
extern const char petrel_db_sql_message_find_origin_id[];
extern const char petrel_db_sql_message_merge[];
extern const char petrel_db_sql_message_set_state[];
extern const char petrel_db_sql_message_exists[];
extern const char petrel_db_sql_message_get[];
extern const char petrel_db_sql_message_by_origin_id[];
extern const char petrel_db_sql_message_by_stanza_id[];
extern const char petrel_db_sql_message_history_newest[];
extern const char petrel_db_sql_message_history_before[];
extern const char petrel_db_sql_message_history_after[];
extern const char petrel_db_sql_message_search[];
extern const char petrel_db_sql_message_search_conversation[];
extern const char petrel_db_sql_correction_target[];
extern const char petrel_db_sql_correction_orphans[];
extern const char petrel_db_sql_correction_link[];
extern const char petrel_db_sql_correction_set_newest[];

/* petrel-db-outbox.c */
extern const char petrel_db_sql_outbox_insert[];
extern const char petrel_db_sql_outbox_list[];
extern const char petrel_db_sql_outbox_attempt[];
extern const char petrel_db_sql_outbox_remove[];

/* petrel-db-roster.c */
extern const char petrel_db_sql_roster_get_ver[];
extern const char petrel_db_sql_roster_set_ver[];
extern const char petrel_db_sql_roster_clear[];
extern const char petrel_db_sql_roster_upsert[];
extern const char petrel_db_sql_roster_remove[];
extern const char petrel_db_sql_roster_clear_groups[];
extern const char petrel_db_sql_roster_add_group[];
extern const char petrel_db_sql_roster_items[];
extern const char petrel_db_sql_roster_groups[];

/* petrel-db-caps.c */
extern const char petrel_db_sql_caps_put[];
extern const char petrel_db_sql_caps_clear_features[];
extern const char petrel_db_sql_caps_add_feature[];
extern const char petrel_db_sql_caps_exists[];
extern const char petrel_db_sql_caps_features[];

/* petrel-db-archive.c */
extern const char petrel_db_sql_archive_get[];
extern const char petrel_db_sql_archive_set[];
extern const char petrel_db_sql_archive_clear[];

G_END_DECLS
