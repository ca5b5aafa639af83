/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelAccountStore: the accounts of one profile and their credentials.
 *
 * Kept in `accounts.ini` in the profile directory, written atomically with
 * mode 0600 (the directory itself is 0700).  The desktop app keeps
 * passwords in the Secret Service (petrel-secrets.h) and marks such an
 * account with `password-in-keyring=true`; the file holds a password only
 * when no keyring was available and the user allowed it, or when
 * petrel-cli added the account.
 */
#pragma once

#include <gio/gio.h>

#include "petrel-store-error.h"

G_BEGIN_DECLS

/**
 * PetrelAccountRecord:
 * @password: (nullable): the password; when @password_in_keyring is set it
 *   is not in the file, and petrel_account_store_get() leaves it %NULL
 *   (petrel_secrets_fill_record() fetches it)
 * @password_in_keyring: the password lives in the Secret Service
 *   (`password-in-keyring=true` in accounts.ini), not in the file
 * @transport: (nullable): "auto" (or %NULL), "tcp", "websocket" or "bosh":
 *   how the account connects
 * @websocket_url: (nullable): a `wss://` URL to use instead of discovering
 *   one (XEP-0156)
 * @bosh_url: (nullable): an `https://` BOSH URL to use instead of
 *   discovering one
 * @disabled: the account is kept but does not connect (`disabled=true`)
 * @insecure_loopback: accept `ws://` and `http://` URLs when they name a
 *   loopback address (`insecure-loopback=true`; for a server on the same
 *   machine, set only on the user's explicit request)
 *
 * The stored settings of one account.  Strings are owned by the record.
 */
typedef struct
{
  char *jid;
  char *password;
  char *host;
  guint16 port;
  gboolean direct_tls;
  char *ca_file;
  char *resource;
  gboolean password_in_keyring;
  char *transport;
  char *websocket_url;
  char *bosh_url;
  gboolean disabled;
  gboolean insecure_loopback;
} PetrelAccountRecord;

void petrel_account_record_free (PetrelAccountRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PetrelAccountRecord, petrel_account_record_free)

typedef struct _PetrelAccountStore PetrelAccountStore;

PetrelAccountStore *petrel_account_store_open (const char  *profile_dir,
                                               GError     **error) G_GNUC_WARN_UNUSED_RESULT;
void petrel_account_store_free (PetrelAccountStore *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PetrelAccountStore, petrel_account_store_free)

/** Returns: (transfer full): the JIDs, in the order they were added */
GStrv petrel_account_store_list (PetrelAccountStore *self);

/** Returns: (transfer full) (nullable): the record, or %NULL with NOT_FOUND */
PetrelAccountRecord *petrel_account_store_get (PetrelAccountStore  *self,
                                               const char          *jid,
                                               GError             **error);

/**
 * petrel_account_store_get_default:
 * @jid: (nullable): the account asked for; %NULL means the only one
 *
 * Returns: (transfer full) (nullable): the record, or %NULL with NOT_FOUND
 *   (no account) or AMBIGUOUS (several and none named)
 */
PetrelAccountRecord *petrel_account_store_get_default (PetrelAccountStore  *self,
                                                       const char          *jid,
                                                       GError             **error);

/**
 * petrel_account_store_add:
 *
 * Adds @record (EXISTS if its JID is known) and saves.  With
 * @record->password_in_keyring, @record->password is not written.
 */
gboolean petrel_account_store_add (PetrelAccountStore         *self,
                                   const PetrelAccountRecord  *record,
                                   GError                    **error);

/**
 * petrel_account_store_update:
 *
 * Replaces the stored settings of @record->jid with @record (NOT_FOUND if
 * the account is unknown) and saves; the account keeps its place in the
 * list.  The record is written as given: a %NULL field is removed from
 * the file.  With @record->password_in_keyring, @record->password is not
 * written and any password left in the file is removed.  On error the
 * file and the store stay as they were.
 */
gboolean petrel_account_store_update (PetrelAccountStore         *self,
                                      const PetrelAccountRecord  *record,
                                      GError                    **error);

/**
 * petrel_account_record_copy:
 *
 * Returns: (transfer full): a deep copy of @record
 */
PetrelAccountRecord *petrel_account_record_copy (const PetrelAccountRecord *record) G_GNUC_WARN_UNUSED_RESULT;

/** Removes the account and saves (NOT_FOUND if unknown). */
gboolean petrel_account_store_remove (PetrelAccountStore  *self,
                                      const char          *jid,
                                      GError             **error);

G_END_DECLS
