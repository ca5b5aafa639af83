/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helpers of the store tests: a private temporary folder per test, a
 * database with one account and two conversations, and short ways to
 * store messages.
 */
#pragma once

#include "petrel-db-private.h"

G_BEGIN_DECLS

#define STORE_TEST_ACCOUNT "romeo@montague.lit"
#define STORE_TEST_PEER "juliet@capulet.lit"
#define STORE_TEST_ROOM "balcony@rooms.capulet.lit"

typedef struct
{
  char *dir;
  char *path;
  PetrelDb *db;
  gint64 account;
  gint64 chat;
  gint64 room;
} StoreFixture;

char *store_test_make_dir (void);
void store_test_remove_dir (const char *dir);

void store_fixture_set_up (StoreFixture  *fixture,
                           gconstpointer  data);
void store_fixture_tear_down (StoreFixture  *fixture,
                              gconstpointer  data);
void store_fixture_reopen (StoreFixture *fixture);

/* A message with the fields most tests need; the rest are zero. */
PetrelDbMessage store_test_message (gint64             conversation_id,
                                    PetrelDbDirection  direction,
                                    const char        *sender,
                                    const char        *origin_id,
                                    const char        *stanza_id,
                                    gint64             time,
                                    const char        *body);

/* Inserts and asserts success; returns the id, *out_duplicate if asked. */
gint64 store_test_insert (PetrelDb               *db,
                          const PetrelDbMessage  *message,
                          PetrelDbInsertFlags     flags,
                          gboolean               *out_duplicate);

/* Runs one SQL statement on a raw connection and returns the first column
 * of its first row as an integer (0 if none). */
gint64 store_test_query_int (PetrelDb   *db,
                             const char *sql);

G_END_DECLS
