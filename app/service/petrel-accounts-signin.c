/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Signing in, registering, and the passwords of PetrelAccounts.
 *
 * Sign-in tries the details once before anything is stored:
 *
 *   keyring? ──no, and the file not allowed──▶ NO_SECRET_SERVICE (ask the user)
 *      │
 *      ▼ (create) register on a register-only stream (XEP-0077 §3.1)
 *   connect once in FULL mode ──error──▶ the protocol's error, nothing kept
 *      │
 *      ▼
 *   password → keyring (or accounts.ini when allowed) → accounts.ini entry
 *      │
 *      ▼
 *   the account joins the list and its session stays connected
 *
 * The keyring is asked first so that the user answers "keep it in the
 * profile file instead?" before the server sees a login, not after.  The
 * session of the attempt is the account's session: its signals feed the
 * model from the first stanza, so nothing that arrives during the first
 * login (archive, presence) is missed.
 *
 * At start-up an account whose password is in the keyring has it looked
 * up asynchronously (the keyring may ask the user to unlock it); until
 * then its session, built without the password, only serves the store.
 */
#define G_LOG_DOMAIN "petrel-accounts-signin"

#include "petrel-accounts-private.h"

#include <string.h>

#include "petrel-secrets.h"
#include "xep-0077-register.h"
#include "xmpp-client.h"
#include "xmpp-connector.h"
#include "xmpp-jid.h"

typedef struct
{
  PetrelAccountRecord *record;
  XmppJid *jid;
  gboolean allow_file_password;
  gboolean create;
  gboolean keyring;
  gboolean existed;
  AccountEntry *entry;    /* not published until the end */
  XmppClient *client;     /* the registration stream */
  GCancellable *cancellable;
  gulong cancelled_id;
} SignIn;

static char *
nonempty_or_null (const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

static void
sign_in_free (gpointer data)
{
  SignIn *s = data;

  if (s->cancelled_id != 0)
    g_cancellable_disconnect (s->cancellable, s->cancelled_id);
  g_clear_object (&s->cancellable);
  g_clear_pointer (&s->entry, petrel_accounts_entry_free);
  g_clear_object (&s->client);
  g_clear_pointer (&s->jid, xmpp_jid_unref);
  g_clear_pointer (&s->record, petrel_account_record_free);
  g_free (s);
}

static void
stop_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  petrel_session_stop_finish (PETREL_SESSION (source), result, NULL);
}

/* Undoes what the attempt left: the session, and the account's row in
 * the store when the attempt created it (nothing was stored under it). */
static void
fail (GTask  *task,
      GError *error)
{
  PetrelAccounts *self = g_task_get_source_object (task);
  SignIn *s = g_task_get_task_data (task);

  if (s->entry != NULL)
    {
      g_autoptr(PetrelSession) session = s->entry->session ? g_object_ref (s->entry->session) : NULL;

      petrel_accounts_detach_session (s->entry);
      if (session != NULL && petrel_session_is_connected (session))
        petrel_session_stop_async (session, NULL, stop_cb, NULL);
      g_clear_pointer (&s->entry, petrel_accounts_entry_free);
      petrel_accounts_forget_conversations (self, s->record->jid);
      if (!s->existed)
        petrel_db_account_remove (self->db, s->record->jid, NULL);
    }

  g_task_return_error (task, error);
}

/* Storing */

static void
add_account (GTask *owned_task)
{
  g_autoptr(GTask) task = owned_task;
  PetrelAccounts *self = g_task_get_source_object (task);
  SignIn *s = g_task_get_task_data (task);
  AccountEntry *entry;
  GError *error = NULL;

  s->record->password_in_keyring = s->keyring;
  if (!petrel_account_store_add (self->store, s->record, &error))
    {
      if (s->keyring)
        petrel_secrets_clear_async (s->record->jid, NULL, NULL, NULL);
      fail (task, error);
      return;
    }

  entry = g_steal_pointer (&s->entry);
  entry->record->password_in_keyring = s->keyring;
  petrel_accounts_publish_entry (self, entry);
  /* Connected already: this only keeps it so. */
  petrel_session_start (entry->session, PETREL_SESSION_MODE_FULL);

  g_task_return_pointer (task, g_object_ref (entry->account), g_object_unref);
}

static void
store_password_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *s = g_task_get_task_data (task);
  GError *error = NULL;

  if (!petrel_secrets_store_finish (result, &error))
    {
      if (!s->allow_file_password)
        {
          fail (task, error);
          return;
        }
      g_debug ("keeping the password in the profile file: %s", error->message);
      g_error_free (error);
      s->keyring = FALSE;
    }

  add_account (task);
}

/* Connecting */

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *s = g_task_get_task_data (task);
  GError *error = NULL;

  gboolean ok;

  ok = petrel_session_connect_finish (PETREL_SESSION (source), result, &error);
  /* Cancelled: whatever the attempt came to (the stop cuts it short, or
   * the login went through just before), it is undone. */
  if (s->cancellable != NULL && g_cancellable_is_cancelled (s->cancellable))
    {
      g_clear_error (&error);
      g_cancellable_set_error_if_cancelled (s->cancellable, &error);
      ok = FALSE;
    }
  if (!ok)
    {
      fail (task, error);
      return;
    }

  if (s->keyring)
    petrel_secrets_store_async (s->record->jid, s->record->password, NULL,
                                store_password_cb, g_steal_pointer (&task));
  else
    add_account (g_steal_pointer (&task));
}

static gboolean
stop_idle_cb (gpointer user_data)
{
  PetrelSession *session = user_data;

  petrel_session_stop_async (session, NULL, stop_cb, NULL);

  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  SignIn *s = user_data;

  /* From an idle: the stop may complete the attempt, whose callback
   * disconnects this handler, which must not happen inside it. */
  if (s->entry != NULL && s->entry->session != NULL)
    g_idle_add_full (G_PRIORITY_DEFAULT, stop_idle_cb, g_object_ref (s->entry->session), g_object_unref);
}

static void
connect_account (GTask *owned_task)
{
  g_autoptr(GTask) task = owned_task;
  PetrelAccounts *self = g_task_get_source_object (task);
  SignIn *s = g_task_get_task_data (task);
  gint64 id = 0;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  s->existed = petrel_db_account_lookup (self->db, s->record->jid, &id, NULL) && id > 0;
  s->entry = petrel_accounts_entry_new (self, s->record, &error);
  if (s->entry == NULL)
    {
      fail (task, error);
      return;
    }

  if (s->cancellable != NULL)
    s->cancelled_id = g_cancellable_connect (s->cancellable, G_CALLBACK (cancelled_cb), s, NULL);
  petrel_session_connect_async (s->entry->session, PETREL_SESSION_MODE_FULL, NULL, connect_cb,
                                g_steal_pointer (&task));
}

/* Registering (XEP-0077 §3.1) */

static void
register_closed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *s = g_task_get_task_data (task);

  xmpp_client_close_finish (XMPP_CLIENT (source), result, NULL);
  g_clear_object (&s->client);

  if (g_task_return_error_if_cancelled (task))
    return;
  connect_account (g_steal_pointer (&task));
}

static void
submitted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *s = g_task_get_task_data (task);
  GError *error = NULL;

  if (!xmpp_register_submit_finish (XMPP_CLIENT (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  xmpp_client_close_async (s->client, NULL, register_closed_cb, g_steal_pointer (&task));
}

/* A CAPTCHA, an e-mail address, an invitation: more than the assistant
 * asks for, so the server's own page has to do. */
static void
return_more_needed (GTask                      *task,
                    const XmppRegistrationForm *form,
                    const char                 *field)
{
  SignIn *s = g_task_get_task_data (task);
  const char *url = xmpp_registration_form_get_oob_url (form);
  const char *instructions = xmpp_registration_form_get_instructions (form);

  if (url != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             "This server creates accounts on its web site: %s", url);
  else if (field != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             "This server wants more than a user name and password (%s) to create "
                             "an account", field);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             "This server does not create accounts from here%s%s",
                             instructions != NULL ? ": " : "", instructions != NULL ? instructions : "");
  xmpp_client_close_async (s->client, NULL, NULL, NULL);
}

static void
fields_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *s = g_task_get_task_data (task);
  g_autoptr(XmppRegistrationForm) form = NULL;
  g_auto(GStrv) missing = NULL;
  GError *error = NULL;

  form = xmpp_register_get_fields_finish (XMPP_CLIENT (source), result, &error);
  if (form == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!xmpp_registration_form_can_submit (form) ||
      !xmpp_registration_form_set_value (form, "username", xmpp_jid_get_local (s->jid), NULL) ||
      !xmpp_registration_form_set_value (form, "password", s->record->password, NULL))
    {
      return_more_needed (task, form, NULL);
      return;
    }
  missing = xmpp_registration_form_dup_missing (form);
  if (missing[0] != NULL)
    {
      const char *label = xmpp_registration_form_get_label (form, missing[0]);

      return_more_needed (task, form, label != NULL ? label : missing[0]);
      return;
    }

  xmpp_register_submit_async (s->client, NULL, form, s->cancellable,
                              submitted_cb, g_steal_pointer (&task));
}

static void
register_connected_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *s = g_task_get_task_data (task);
  g_autoptr(XmppStream) stream = NULL;
  g_autoptr(XmppJid) domain = NULL;
  GError *error = NULL;

  stream = xmpp_connector_connect_finish (XMPP_CONNECTOR (source), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  domain = xmpp_jid_new (NULL, xmpp_jid_get_domain (s->jid), NULL, NULL);
  s->client = xmpp_client_new (stream, domain);
  xmpp_client_set_stream_features (s->client, xmpp_connector_get_features (XMPP_CONNECTOR (source)));
  xmpp_register_get_fields_async (s->client, NULL, s->cancellable,
                                  fields_cb, g_steal_pointer (&task));
}

static void
register_account (GTask *owned_task)
{
  g_autoptr(GTask) task = owned_task;
  SignIn *s = g_task_get_task_data (task);
  g_autoptr(XmppConnector) connector = NULL;
  XmppConnectorConfig config = { 0 };

  if (g_task_return_error_if_cancelled (task))
    return;
  if (xmpp_jid_get_local (s->jid) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "The address needs a user name (name@%s)", xmpp_jid_get_domain (s->jid));
      return;
    }

  config.jid = s->jid;
  config.host = s->record->host;
  config.port = s->record->port;
  config.direct_tls = s->record->direct_tls;
  config.ca_file = s->record->ca_file;
  config.register_only = TRUE;

  connector = xmpp_connector_new (&config);
  xmpp_connector_connect_async (connector, s->cancellable, register_connected_cb,
                                g_steal_pointer (&task));
}

/* Where the password goes */

static void
available_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *s = g_task_get_task_data (task);
  GError *error = NULL;

  s->keyring = petrel_secrets_available_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!s->keyring && !s->allow_file_password)
    {
      g_task_return_new_error (task, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE,
                               "No keyring is available to keep the password of %s", s->record->jid);
      return;
    }

  if (s->create)
    register_account (g_steal_pointer (&task));
  else
    connect_account (g_steal_pointer (&task));
}

void
petrel_accounts_sign_in_async (PetrelAccounts              *self,
                               const PetrelAccountSettings *settings,
                               gboolean                     create,
                               GCancellable                *cancellable,
                               GAsyncReadyCallback          callback,
                               gpointer                     user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(XmppJid) bare = NULL;
  g_autoptr(PetrelAccountRecord) existing = NULL;
  GError *error = NULL;
  SignIn *s;

  g_return_if_fail (PETREL_IS_ACCOUNTS (self));
  g_return_if_fail (settings != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_accounts_sign_in_async);

  if (settings->jid == NULL || (jid = xmpp_jid_parse (settings->jid, &error)) == NULL)
    {
      g_task_return_error (task, error ? error : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                                       "No address given"));
      return;
    }
  if (settings->password == NULL || *settings->password == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No password given");
      return;
    }

  if (!petrel_accounts_check_transport (settings->transport, settings->websocket_url,
                                        settings->bosh_url, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  bare = xmpp_jid_dup_bare (jid);
  existing = petrel_account_store_get (self->store, xmpp_jid_get_bare_string (bare), NULL);
  if (existing != NULL || petrel_accounts_lookup_entry (self, xmpp_jid_get_bare_string (bare)) != NULL)
    {
      g_task_return_new_error (task, PETREL_STORE_ERROR, PETREL_STORE_ERROR_EXISTS,
                               "The account %s is already set up", xmpp_jid_get_bare_string (bare));
      return;
    }

  s = g_new0 (SignIn, 1);
  s->record = g_new0 (PetrelAccountRecord, 1);
  s->record->jid = g_strdup (xmpp_jid_get_bare_string (bare));
  s->record->password = g_strdup (settings->password);
  s->record->host = nonempty_or_null (settings->host);
  s->record->port = settings->port;
  s->record->direct_tls = settings->direct_tls;
  s->record->ca_file = nonempty_or_null (settings->ca_file);
  s->record->transport = nonempty_or_null (settings->transport);
  s->record->websocket_url = nonempty_or_null (settings->websocket_url);
  s->record->bosh_url = nonempty_or_null (settings->bosh_url);
  s->jid = g_steal_pointer (&bare);
  s->allow_file_password = settings->allow_file_password;
  s->create = create;
  s->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, s, sign_in_free);

  petrel_secrets_available_async (cancellable, available_cb, g_steal_pointer (&task));
}

PetrelAccount *
petrel_accounts_sign_in_finish (PetrelAccounts  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_autoptr(PetrelAccount) account = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  account = g_task_propagate_pointer (G_TASK (result), error);
  /* transfer none: the list of accounts holds it. */
  return account;
}

/* Passwords at start-up */

typedef struct
{
  GWeakRef self;
  char *jid;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_weak_ref_clear (&lookup->self);
  g_free (lookup->jid);
  g_free (lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lookup, lookup_free)

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Lookup) lookup = user_data;
  g_autoptr(PetrelAccounts) self = g_weak_ref_get (&lookup->self);
  g_autoptr(PetrelSession) session = NULL;
  g_autoptr(GError) error = NULL;
  AccountEntry *entry;
  char *password;

  password = petrel_secrets_lookup_finish (result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      petrel_secrets_password_free (password);
      return;
    }

  entry = petrel_accounts_lookup_entry (self, lookup->jid);
  if (entry == NULL || !entry->password_pending)
    {
      petrel_secrets_password_free (password);
      return;
    }
  entry->password_pending = FALSE;

  if (password == NULL)
    {
      petrel_account_set_error_message (entry->account, error->message);
      petrel_account_set_state (entry->account, PETREL_ACCOUNT_FAILED);
      return;
    }

  entry->record->password = password;
  session = petrel_session_new (entry->record, self->db, &error);
  if (session == NULL)
    {
      petrel_account_set_error_message (entry->account, error->message);
      petrel_account_set_state (entry->account, PETREL_ACCOUNT_FAILED);
      return;
    }
  petrel_accounts_detach_session (entry);
  petrel_accounts_attach_session (entry, session);

  if (self->started && self->show != PETREL_PRESENCE_OFFLINE && petrel_account_get_enabled (entry->account))
    petrel_session_start (session, PETREL_SESSION_MODE_FULL);
  else
    petrel_accounts_sync_state (entry);
}

void
petrel_accounts_start_entry (PetrelAccounts *self,
                             AccountEntry   *entry)
{
  Lookup *lookup;

  if (entry->session == NULL || !petrel_account_get_enabled (entry->account))
    return;

  if (entry->record->password != NULL || !entry->record->password_in_keyring)
    {
      petrel_session_start (entry->session, PETREL_SESSION_MODE_FULL);
      return;
    }

  if (entry->password_pending)
    return;

  entry->password_pending = TRUE;
  petrel_account_set_error_message (entry->account, NULL);
  petrel_account_set_state (entry->account, PETREL_ACCOUNT_CONNECTING);

  lookup = g_new0 (Lookup, 1);
  g_weak_ref_init (&lookup->self, self);
  lookup->jid = g_strdup (entry->record->jid);
  petrel_secrets_lookup_async (lookup->jid, self->cancellable, lookup_cb, lookup);
}
