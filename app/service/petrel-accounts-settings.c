/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Changing an account of PetrelAccounts after sign-in: its connection
 * settings, its password, and whether it is enabled.
 *
 *   new password? ──no──────────────────────────────┐
 *      │ yes                                         │
 *      ▼                                             │
 *   keyring reachable? ──yes──▶ keyring ──failed─┐   │
 *      │ no                          │ ok        │   │
 *      ▼                             │           ▼   │
 *   file allowed? ──no──▶ NO_SECRET_SERVICE ◀── file allowed? no
 *      │ yes                         │           │ yes
 *      ▼                             ▼           ▼   ▼
 *   accounts.ini (0600) ─────────▶ accounts.ini updated
 *                                    │
 *                                    ▼
 *   connection settings changed? ──yes──▶ a new session with them
 *                                          (the old one ends politely),
 *                                          connected when enabled
 *
 * As at sign-in, the user is asked about the profile file before
 * anything is written.  A disabled account keeps its session (it serves
 * the store: history, roster, queued messages) but never connects.
 */
#define G_LOG_DOMAIN "petrel-accounts-settings"

#include "petrel-accounts-private.h"

#include <string.h>

#include "petrel-secrets.h"

/* Reading */

/**
 * petrel_accounts_dup_settings:
 *
 * Returns: (transfer full) (nullable): a copy of the account's settings
 *   without its password (%NULL for an unknown account)
 */
PetrelAccountRecord *
petrel_accounts_dup_settings (PetrelAccounts *self,
                              const char     *jid)
{
  AccountEntry *entry;
  PetrelAccountRecord *copy;

  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), NULL);

  entry = petrel_accounts_lookup_entry (self, jid);
  if (entry == NULL)
    return NULL;

  copy = petrel_account_record_copy (entry->record);
  if (copy->password != NULL)
    explicit_bzero (copy->password, strlen (copy->password));
  g_clear_pointer (&copy->password, g_free);

  return copy;
}

/* Enabling */

gboolean
petrel_accounts_set_account_enabled (PetrelAccounts  *self,
                                     const char      *jid,
                                     gboolean         enabled,
                                     GError         **error)
{
  g_autoptr(PetrelAccountRecord) record = NULL;
  AccountEntry *entry;

  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  entry = petrel_accounts_lookup_entry (self, jid);
  if (entry == NULL)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No account %s in this profile", jid);
      return FALSE;
    }

  enabled = !!enabled;
  if (entry->record->disabled == !enabled && petrel_account_get_enabled (entry->account) == enabled)
    return TRUE;

  record = petrel_account_record_copy (entry->record);
  record->disabled = !enabled;
  if (!petrel_account_store_update (self->store, record, error))
    return FALSE;

  entry->record->disabled = !enabled;
  /* The account's "notify::enabled" handler connects or disconnects. */
  petrel_account_set_enabled (entry->account, enabled);

  return TRUE;
}

/* Updating */

typedef struct
{
  PetrelAccountRecord *record;
  gboolean new_password;
  gboolean allow_file_password;
} Update;

static void
update_free (gpointer data)
{
  Update *u = data;

  g_clear_pointer (&u->record, petrel_account_record_free);
  g_free (u);
}

static gboolean
same_connection (const PetrelAccountRecord *a,
                 const PetrelAccountRecord *b)
{
  return g_strcmp0 (a->host, b->host) == 0 &&
         a->port == b->port &&
         !a->direct_tls == !b->direct_tls &&
         g_strcmp0 (a->ca_file, b->ca_file) == 0 &&
         g_strcmp0 (a->resource, b->resource) == 0 &&
         g_strcmp0 (a->transport, b->transport) == 0 &&
         g_strcmp0 (a->websocket_url, b->websocket_url) == 0 &&
         g_strcmp0 (a->bosh_url, b->bosh_url) == 0;
}

static void
old_session_stopped_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  petrel_session_stop_finish (PETREL_SESSION (source), result, NULL);
}

static void
clear_secret_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!petrel_secrets_clear_finish (result, &error))
    g_debug ("cannot remove the old password from the keyring: %s", error->message);
}

/* The new settings are stored: the entry takes them, with a new session
 * when the connection changed. */
static gboolean
apply (PetrelAccounts       *self,
       AccountEntry         *entry,
       PetrelAccountRecord  *record,
       gboolean              new_password,
       GError              **error)
{
  g_autoptr(PetrelSession) session = NULL;
  gboolean reconnect = new_password || !same_connection (entry->record, record);
  gboolean enabled = !record->disabled;
  gboolean was_enabled = petrel_account_get_enabled (entry->account);

  if (reconnect)
    {
      session = petrel_session_new (record, self->db, error);
      if (session == NULL)
        return FALSE;
    }

  if (entry->record->password_in_keyring && !record->password_in_keyring)
    petrel_secrets_clear_async (entry->record->jid, NULL, clear_secret_cb, NULL);

  /* The entries table is keyed by the record's own JID string. */
  g_free (record->jid);
  record->jid = g_steal_pointer (&entry->record->jid);
  g_clear_pointer (&entry->record, petrel_account_record_free);
  entry->record = record;

  if (session != NULL)
    {
      g_autoptr(PetrelSession) old = entry->session != NULL ? g_object_ref (entry->session) : NULL;

      petrel_accounts_detach_session (entry);
      /* The stream ends politely; the old session lives until it has. */
      if (old != NULL)
        petrel_session_stop_async (old, NULL, old_session_stopped_cb, NULL);
      /* A keyring lookup still in flight is for the old password. */
      if (record->password != NULL)
        entry->password_pending = FALSE;
      petrel_accounts_attach_session (entry, session);
    }

  if (enabled != was_enabled)
    {
      /* Its "notify::enabled" handler connects or disconnects. */
      petrel_account_set_enabled (entry->account, enabled);
    }
  else if (reconnect && enabled && self->started && self->show != PETREL_PRESENCE_OFFLINE)
    {
      petrel_accounts_start_entry (self, entry);
    }

  petrel_accounts_sync_state (entry);
  return TRUE;
}

static void
finish_update (GTask *owned_task)
{
  g_autoptr(GTask) task = owned_task;
  PetrelAccounts *self = g_task_get_source_object (task);
  Update *u = g_task_get_task_data (task);
  AccountEntry *entry;
  GError *error = NULL;

  /* Removed meanwhile. */
  entry = petrel_accounts_lookup_entry (self, u->record->jid);
  if (entry == NULL)
    {
      g_task_return_new_error (task, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                               "No account %s in this profile", u->record->jid);
      return;
    }

  if (!u->new_password)
    {
      /* Wherever it is, it stays there. */
      g_clear_pointer (&u->record->password, g_free);
      u->record->password = g_strdup (entry->record->password);
      u->record->password_in_keyring = entry->record->password_in_keyring;
    }

  if (!petrel_account_store_update (self->store, u->record, &error) ||
      !apply (self, entry, g_steal_pointer (&u->record), u->new_password, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* Without the keyring, the file only with the user's consent. */
static void
use_file_or_fail (GTask  *owned_task,
                  GError *error)
{
  g_autoptr(GTask) task = owned_task;
  Update *u = g_task_get_task_data (task);

  if (!u->allow_file_password)
    {
      g_task_return_error (task, error);
      return;
    }

  g_debug ("keeping the password in the profile file: %s", error->message);
  g_error_free (error);
  u->record->password_in_keyring = FALSE;
  finish_update (g_steal_pointer (&task));
}

static void
store_password_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Update *u = g_task_get_task_data (task);
  GError *error = NULL;

  if (!petrel_secrets_store_finish (result, &error))
    {
      if (g_error_matches (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE))
        use_file_or_fail (g_steal_pointer (&task), error);
      else
        g_task_return_error (task, error);
      return;
    }

  u->record->password_in_keyring = TRUE;
  finish_update (g_steal_pointer (&task));
}

static void
available_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Update *u = g_task_get_task_data (task);
  GError *error = NULL;

  if (petrel_secrets_available_finish (result, &error))
    {
      petrel_secrets_store_async (u->record->jid, u->record->password, g_task_get_cancellable (task),
                                  store_password_cb, g_steal_pointer (&task));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  g_clear_error (&error);
  use_file_or_fail (g_steal_pointer (&task),
                    g_error_new (PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE,
                                 "No keyring is available to keep the password of %s", u->record->jid));
}

static char *
nonempty (const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

/* Shared with the sign-in: what the user may choose as a transport. */
gboolean
petrel_accounts_check_transport (const char  *transport,
                                 const char  *websocket_url,
                                 const char  *bosh_url,
                                 GError     **error)
{
  static const char * const transports[] = { "auto", "tcp", "websocket", "bosh", NULL };

  if (transport != NULL && *transport != '\0' && !g_strv_contains (transports, transport))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Unknown transport “%s”", transport);
      return FALSE;
    }
  /* TLS always (DESIGN.md): no ws:// or http:// endpoints. */
  if (websocket_url != NULL && *websocket_url != '\0' && !g_str_has_prefix (websocket_url, "wss://"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The WebSocket URL must start with wss://");
      return FALSE;
    }
  if (bosh_url != NULL && *bosh_url != '\0' && !g_str_has_prefix (bosh_url, "https://"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The BOSH URL must start with https://");
      return FALSE;
    }

  return TRUE;
}

void
petrel_accounts_update_async (PetrelAccounts            *self,
                              const PetrelAccountRecord *settings,
                              gboolean                   allow_file_password,
                              GCancellable              *cancellable,
                              GAsyncReadyCallback        callback,
                              gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  AccountEntry *entry;
  Update *u;

  g_return_if_fail (PETREL_IS_ACCOUNTS (self));
  g_return_if_fail (settings != NULL && settings->jid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_accounts_update_async);

  entry = petrel_accounts_lookup_entry (self, settings->jid);
  if (entry == NULL)
    {
      g_task_return_new_error (task, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                               "No account %s in this profile", settings->jid);
      return;
    }
  if (!petrel_accounts_check_transport (settings->transport, settings->websocket_url,
                                        settings->bosh_url, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  u = g_new0 (Update, 1);
  u->record = g_new0 (PetrelAccountRecord, 1);
  u->record->jid = g_strdup (entry->record->jid);
  u->record->password = nonempty (settings->password);
  u->record->host = nonempty (settings->host);
  u->record->port = settings->port;
  u->record->direct_tls = settings->direct_tls;
  u->record->ca_file = nonempty (settings->ca_file);
  u->record->resource = nonempty (settings->resource);
  u->record->transport = nonempty (settings->transport);
  if (g_strcmp0 (u->record->transport, "auto") == 0)
    g_clear_pointer (&u->record->transport, g_free);
  u->record->websocket_url = nonempty (settings->websocket_url);
  u->record->bosh_url = nonempty (settings->bosh_url);
  u->record->disabled = settings->disabled;
  u->new_password = u->record->password != NULL;
  u->allow_file_password = allow_file_password;
  g_task_set_task_data (task, u, update_free);

  if (u->new_password)
    petrel_secrets_available_async (cancellable, available_cb, g_steal_pointer (&task));
  else
    finish_update (g_steal_pointer (&task));
}

gboolean
petrel_accounts_update_finish (PetrelAccounts  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
