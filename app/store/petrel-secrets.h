/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Account passwords in the Secret Service (the desktop keyring: GNOME
 * Keyring, KWallet, KeePassXC), through libsecret.
 *
 * One item per account, schema "im.petrel.Petrel.Password" with the
 * attribute "jid" (the account's bare JID), in the default collection.
 * accounts.ini marks such an account with `password-in-keyring=true`
 * (PetrelAccountRecord.password_in_keyring), so the desktop app and
 * petrel-cli both know where to look.
 *
 * Machines without a Secret Service are common (servers, minimal
 * desktops, containers): petrel_secrets_available() answers within a
 * second or two instead of waiting for D-Bus timeouts, and every other
 * call fails with %PETREL_STORE_ERROR_NO_SECRET_SERVICE there.  The
 * passwords handed out are plain g_malloc() strings; free them with
 * petrel_secrets_password_free(), which wipes them first.
 *
 * The _sync variants iterate the thread-default main context until they
 * are done (for petrel-cli and tests; the desktop app uses the async
 * ones, since a keyring may ask the user to unlock it).
 */
#pragma once

#include <gio/gio.h>

#include "petrel-account-store.h"

G_BEGIN_DECLS

/**
 * petrel_secrets_available:
 * @cancellable: (nullable): a #GCancellable
 *
 * Whether a Secret Service is reachable: the session bus has an owner of
 * `org.freedesktop.secrets`, or can start one (D-Bus activation).  It
 * never waits for more than about two seconds, and answers at once when
 * there is no session bus.  Iterates a private main context.
 *
 * Returns: whether passwords can go to the keyring
 */
gboolean petrel_secrets_available (GCancellable *cancellable);
void petrel_secrets_available_async (GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean petrel_secrets_available_finish (GAsyncResult  *result,
                                          GError       **error);

/**
 * petrel_secrets_store_async:
 * @jid: the account's bare JID
 * @password: the password
 *
 * Stores (or replaces) the account's password.
 */
void petrel_secrets_store_async (const char          *jid,
                                 const char          *password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gboolean petrel_secrets_store_finish (GAsyncResult  *result,
                                      GError       **error);
gboolean petrel_secrets_store_sync (const char    *jid,
                                    const char    *password,
                                    GCancellable  *cancellable,
                                    GError       **error);

/**
 * petrel_secrets_lookup_async:
 *
 * Fetches the account's password; the keyring may ask the user to unlock
 * it first, so this can take long.
 */
void petrel_secrets_lookup_async (const char          *jid,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
/**
 * petrel_secrets_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the password (free it with
 *   petrel_secrets_password_free()), or %NULL with
 *   %PETREL_STORE_ERROR_NOT_FOUND when none is stored,
 *   %PETREL_STORE_ERROR_NO_SECRET_SERVICE, or the Secret Service's error
 */
char *petrel_secrets_lookup_finish (GAsyncResult  *result,
                                    GError       **error);
char *petrel_secrets_lookup_sync (const char    *jid,
                                  GCancellable  *cancellable,
                                  GError       **error);

/**
 * petrel_secrets_clear_async:
 *
 * Removes the account's password; removing one that is not there is no
 * error.
 */
void petrel_secrets_clear_async (const char          *jid,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gboolean petrel_secrets_clear_finish (GAsyncResult  *result,
                                      GError       **error);
gboolean petrel_secrets_clear_sync (const char    *jid,
                                    GCancellable  *cancellable,
                                    GError       **error);

/**
 * petrel_secrets_fill_record:
 * @record: an account record from petrel_account_store_get()
 *
 * Fetches the password into @record when it lives in the keyring
 * (@record->password_in_keyring); does nothing otherwise.  Synchronous:
 * for petrel-cli, not for the desktop app's main loop.
 *
 * Returns: %FALSE with @error when the password should be in the keyring
 *   and could not be read from it
 */
gboolean petrel_secrets_fill_record (PetrelAccountRecord  *record,
                                     GCancellable         *cancellable,
                                     GError              **error);

/**
 * petrel_secrets_disconnect:
 *
 * Drops libsecret's cached connection to the Secret Service, so the
 * session bus connection can go (at exit, and in tests that take their
 * private bus down).
 */
void petrel_secrets_disconnect (void);

/** Wipes and frees a password from this API; %NULL is fine. */
void petrel_secrets_password_free (char *password);

G_END_DECLS
