/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PETREL_STORE_ERROR: the one error domain of app/store, shared by the
 * account file (PetrelAccountStore) and the SQLite database (PetrelDb).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PETREL_STORE_ERROR (petrel_store_error_quark ())
GQuark petrel_store_error_quark (void);

/**
 * PetrelStoreError:
 * @PETREL_STORE_ERROR_NOT_FOUND: no such account, conversation, message or entry
 * @PETREL_STORE_ERROR_EXISTS: the thing to add is already there
 * @PETREL_STORE_ERROR_CORRUPT: a file or database that cannot be read
 * @PETREL_STORE_ERROR_AMBIGUOUS: several accounts and none chosen
 * @PETREL_STORE_ERROR_INVALID: an argument the store refuses to keep
 *   (invalid UTF-8, an unknown enum value, a stanza-id without its `by`)
 * @PETREL_STORE_ERROR_SCHEMA: the database was written by a newer Petrel, or
 *   a migration failed (the database is left at its previous version)
 * @PETREL_STORE_ERROR_FAILED: any other SQLite failure (disk full, I/O error,
 *   locked for longer than the busy timeout)
 * @PETREL_STORE_ERROR_NO_SECRET_SERVICE: no Secret Service (keyring) is
 *   reachable to keep a password, and keeping it in the profile file was
 *   not allowed
 *
 * The values are stable: new codes are added at the end.
 */
typedef enum {
  PETREL_STORE_ERROR_NOT_FOUND,
  PETREL_STORE_ERROR_EXISTS,
  PETREL_STORE_ERROR_CORRUPT,
  PETREL_STORE_ERROR_AMBIGUOUS,
  PETREL_STORE_ERROR_INVALID,
  PETREL_STORE_ERROR_SCHEMA,
  PETREL_STORE_ERROR_FAILED,
  PETREL_STORE_ERROR_NO_SECRET_SERVICE,
} PetrelStoreError;

G_END_DECLS
