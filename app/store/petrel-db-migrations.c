/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The schema of the profile database, as numbered steps.
 *
 * Step N turns a database at `PRAGMA user_version` N-1 into version N.
 * petrel_db_open() runs the missing steps in order, each in its own
 * transaction together with the new user_version, so a failed step leaves
 * the database at the version before it.  Steps are never edited once
 * released: a change is a new step at the end (tests/store/test-db.c
 * upgrades a database of every older version and checks its data).
 *
 * Steps run with foreign keys off (so a later step may rebuild a table the
 * SQLite way: create the new one, copy, drop, rename) and are checked with
 * `PRAGMA foreign_key_check` before they commit.
 *
 * Indexes are chosen for the statements of app/store, and a test runs
 * EXPLAIN QUERY PLAN on each of them.  Every column that a foreign key
 * points from has an index starting with it, so deleting an account or a
 * conversation never scans the messages.
 */
#define G_LOG_DOMAIN "petrel-db-migrations"

#include "petrel-db-private.h"

/* Version 1: accounts, conversations, messages, the outbox, the roster and
 * the archive catch-up positions. */
static const char step_1[] =
  /* Credentials stay in accounts.ini; this row gives the account the id
   * that the other tables use, and keeps the roster version (RFC 6121
   * §2.6) next to it. */
  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  jid TEXT NOT NULL UNIQUE,"
  "  created INTEGER NOT NULL,"
  "  roster_ver TEXT"
  ");"

  "CREATE TABLE conversations ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  peer TEXT NOT NULL,"
  "  type INTEGER NOT NULL CHECK (type IN (0, 1)),"
  "  last_activity INTEGER NOT NULL DEFAULT 0,"
  "  unread INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0),"
  "  UNIQUE (account_id, peer, type)"
  ");"
  "CREATE INDEX conversations_by_activity ON conversations (account_id, last_activity);"
  /* The unread badge: only conversations with unread messages are in it. */
  "CREATE INDEX conversations_unread ON conversations (account_id, unread) WHERE unread > 0;"

  /* direction: 0 incoming, 1 outgoing.  state: 0 pending, 1 sent,
   * 2 delivered, 3 displayed, 4 failed.  sort_time is server_time when
   * known, else local_time, and with id it is the key of history pages.
   * replaces_id and corrected_by link a correction and its original; they
   * are no foreign keys, so deleting a message never scans for them. */
  "CREATE TABLE messages ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
  "  direction INTEGER NOT NULL CHECK (direction IN (0, 1)),"
  "  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 4),"
  "  sender TEXT NOT NULL,"
  "  origin_id TEXT,"
  "  stanza_id TEXT,"
  "  stanza_id_by TEXT,"
  "  server_time INTEGER,"
  "  local_time INTEGER NOT NULL,"
  "  sort_time INTEGER NOT NULL,"
  "  body TEXT,"
  "  replaces TEXT,"
  "  replaces_id INTEGER,"
  "  corrected_by INTEGER,"
  "  CHECK ((stanza_id IS NULL) = (stanza_id_by IS NULL))"
  ");"
  /* History pages: newest N, before and after a (sort_time, id) cursor. */
  "CREATE INDEX messages_by_time ON messages (conversation_id, sort_time, id);"
  /* Dedup by XEP-0359 stanza-id, unique per archive (`by`) and account.
   * Not partial (NULLs are distinct), so it also serves the foreign key
   * on account_id. */
  "CREATE UNIQUE INDEX messages_by_stanza_id ON messages (account_id, stanza_id_by, stanza_id);"
  /* Dedup by origin-id, per conversation and direction. */
  "CREATE UNIQUE INDEX messages_by_origin_id ON messages (conversation_id, direction, origin_id)"
  "  WHERE origin_id IS NOT NULL;"
  /* Corrections (XEP-0308) that arrived before their original. */
  "CREATE INDEX messages_by_replaces ON messages (conversation_id, replaces)"
  "  WHERE replaces IS NOT NULL;"

  /* One row per message still to send; its order is the message id. */
  "CREATE TABLE outbox ("
  "  message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  last_attempt INTEGER"
  ");"
  "CREATE INDEX outbox_by_account ON outbox (account_id);"

  /* subscription: 0 none, 1 to, 2 from, 3 both; ask: 1 for ask='subscribe'. */
  "CREATE TABLE roster_items ("
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  jid TEXT NOT NULL,"
  "  name TEXT,"
  "  subscription INTEGER NOT NULL CHECK (subscription BETWEEN 0 AND 3),"
  "  ask INTEGER NOT NULL CHECK (ask IN (0, 1)),"
  "  PRIMARY KEY (account_id, jid)"
  ") WITHOUT ROWID;"
  "CREATE TABLE roster_groups ("
  "  account_id INTEGER NOT NULL,"
  "  jid TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  PRIMARY KEY (account_id, jid, name),"
  "  FOREIGN KEY (account_id, jid) REFERENCES roster_items (account_id, jid)"
  "    ON DELETE CASCADE"
  ") WITHOUT ROWID;"

  /* XEP-0313 catch-up: the newest stanza-id stored from each archive. */
  "CREATE TABLE archive_positions ("
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  archive TEXT NOT NULL,"
  "  stanza_id TEXT NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  PRIMARY KEY (account_id, archive)"
  ") WITHOUT ROWID;";

/* Version 2: full-text search over bodies.  An external-content FTS5 table
 * (the text is stored once, in messages) kept in step by triggers, and
 * filled from the messages already stored. */
static const char step_2[] =
  "CREATE VIRTUAL TABLE messages_fts USING fts5 ("
  "  body,"
  "  content = 'messages',"
  "  content_rowid = 'id',"
  "  tokenize = 'unicode61 remove_diacritics 2'"
  ");"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages"
  "  WHEN new.body IS NOT NULL BEGIN"
  "  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);"
  "END;"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages"
  "  WHEN old.body IS NOT NULL BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);"
  "END;"
  "CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, body)"
  "    SELECT 'delete', old.id, old.body WHERE old.body IS NOT NULL;"
  "  INSERT INTO messages_fts (rowid, body)"
  "    SELECT new.id, new.body WHERE new.body IS NOT NULL;"
  "END;"
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');";

/* Version 3: XEP-0115 results, so a known `ver` costs no disco query. */
static const char step_3[] =
  "CREATE TABLE caps ("
  "  algo TEXT NOT NULL,"
  "  ver TEXT NOT NULL,"
  "  last_used INTEGER NOT NULL,"
  "  PRIMARY KEY (algo, ver)"
  ") WITHOUT ROWID;"
  "CREATE TABLE caps_features ("
  "  algo TEXT NOT NULL,"
  "  ver TEXT NOT NULL,"
  "  var TEXT NOT NULL,"
  "  PRIMARY KEY (algo, ver, var),"
  "  FOREIGN KEY (algo, ver) REFERENCES caps (algo, ver) ON DELETE CASCADE"
  ") WITHOUT ROWID;";

const PetrelDbMigration petrel_db_migrations[] = {
  { 1, step_1 },
  { 2, step_2 },
  { 3, step_3 },
};

const gsize petrel_db_n_migrations = G_N_ELEMENTS (petrel_db_migrations);
