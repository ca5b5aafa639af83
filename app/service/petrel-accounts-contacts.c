/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Roster changes and presence subscriptions of PetrelAccounts (RFC 6121
 * §2 and §3).  The requests go through the account's session; the model
 * changes only when the server pushes the new roster item back, so the
 * contact list always shows what the server has.
 */
#define G_LOG_DOMAIN "petrel-accounts-contacts"

#include "petrel-accounts-private.h"

#include "xmpp-error.h"

typedef struct
{
  char *jid;
  gboolean subscribe;
} Change;

static void
change_free (gpointer data)
{
  Change *change = data;

  g_free (change->jid);
  g_free (change);
}

/* Sets up the task for a change on @account's roster; NULL (with the
 * task completed) when there is nothing to change it on. */
static GTask *
begin_change (PetrelAccounts       *self,
              const char           *account,
              const char           *jid,
              gpointer              source_tag,
              GCancellable         *cancellable,
              GAsyncReadyCallback   callback,
              gpointer              user_data,
              AccountEntry        **out_entry)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  AccountEntry *entry;
  Change *change;
  char *bare;

  g_task_set_source_tag (task, source_tag);

  entry = petrel_accounts_lookup_entry (self, account);
  if (entry == NULL || entry->session == NULL)
    {
      g_task_return_new_error (task, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                               "No account %s in this profile", account);
      return NULL;
    }
  bare = petrel_accounts_normalize_jid (jid, &error);
  if (bare == NULL)
    {
      g_task_return_error (task, error);
      return NULL;
    }

  change = g_new0 (Change, 1);
  change->jid = bare;
  g_task_set_task_data (task, change, change_free);
  *out_entry = entry;

  return g_steal_pointer (&task);
}

static void
roster_set_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Change *change = g_task_get_task_data (task);
  GError *error = NULL;

  if (!petrel_session_roster_set_finish (PETREL_SESSION (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* §3.1.1: after the roster item, the request for presence. */
  if (change->subscribe &&
      !petrel_session_request_subscription (PETREL_SESSION (source), change->jid, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
petrel_accounts_add_contact_async (PetrelAccounts      *self,
                                   const char          *account,
                                   const char          *jid,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  AccountEntry *entry = NULL;
  GTask *task;
  Change *change;

  g_return_if_fail (PETREL_IS_ACCOUNTS (self));

  task = begin_change (self, account, jid, petrel_accounts_add_contact_async,
                       cancellable, callback, user_data, &entry);
  if (task == NULL)
    return;

  change = g_task_get_task_data (task);
  change->subscribe = TRUE;
  if (name != NULL && *name == '\0')
    name = NULL;
  petrel_session_roster_set_async (entry->session, change->jid, name, NULL, cancellable,
                                   roster_set_cb, task);
}

gboolean
petrel_accounts_add_contact_finish (PetrelAccounts  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
petrel_accounts_rename_contact_async (PetrelAccounts      *self,
                                      const char          *account,
                                      const char          *jid,
                                      const char          *name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  AccountEntry *entry = NULL;
  PetrelContact *contact;
  GTask *task;
  Change *change;

  g_return_if_fail (PETREL_IS_ACCOUNTS (self));

  task = begin_change (self, account, jid, petrel_accounts_rename_contact_async,
                       cancellable, callback, user_data, &entry);
  if (task == NULL)
    return;

  change = g_task_get_task_data (task);
  contact = petrel_contact_list_lookup (entry->contacts, change->jid);
  if (contact == NULL)
    {
      g_task_return_new_error (task, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                               "%s is not among the contacts", change->jid);
      g_object_unref (task);
      return;
    }

  /* A roster set replaces the whole item (§2.4): the groups go along. */
  if (name != NULL && *name == '\0')
    name = NULL;
  petrel_session_roster_set_async (entry->session, change->jid, name, petrel_contact_get_groups (contact),
                                   cancellable, roster_set_cb, task);
}

gboolean
petrel_accounts_rename_contact_finish (PetrelAccounts  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
roster_remove_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!petrel_session_roster_remove_finish (PETREL_SESSION (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
petrel_accounts_remove_contact_async (PetrelAccounts      *self,
                                      const char          *account,
                                      const char          *jid,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  AccountEntry *entry = NULL;
  GTask *task;
  Change *change;

  g_return_if_fail (PETREL_IS_ACCOUNTS (self));

  task = begin_change (self, account, jid, petrel_accounts_remove_contact_async,
                       cancellable, callback, user_data, &entry);
  if (task == NULL)
    return;

  change = g_task_get_task_data (task);
  petrel_session_roster_remove_async (entry->session, change->jid, cancellable, roster_remove_cb, task);
}

gboolean
petrel_accounts_remove_contact_finish (PetrelAccounts  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
petrel_accounts_answer_subscription (PetrelAccounts *self,
                                     const char     *account,
                                     const char     *jid,
                                     gboolean        accept)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bare = NULL;
  AccountEntry *entry;
  const char *subscription;

  g_return_if_fail (PETREL_IS_ACCOUNTS (self));
  g_return_if_fail (account != NULL && jid != NULL);

  entry = petrel_accounts_lookup_entry (self, account);
  bare = petrel_accounts_normalize_jid (jid, NULL);
  if (entry == NULL || entry->session == NULL || bare == NULL)
    return;

  if (!petrel_session_answer_subscription (entry->session, bare, accept, &error))
    {
      g_debug ("cannot answer %s: %s", bare, error->message);
      return;
    }

  /* Accepting someone makes them a contact: ask for their presence too,
   * unless we have it (§3.1.1, as most clients do; asking twice while a
   * request is pending changes nothing, §3.1.2). */
  subscription = petrel_session_get_subscription (entry->session, bare);
  if (accept && g_strcmp0 (subscription, "to") != 0 && g_strcmp0 (subscription, "both") != 0)
    petrel_session_request_subscription (entry->session, bare, NULL);
}
