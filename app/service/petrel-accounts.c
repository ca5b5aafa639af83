/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelAccounts: the profile, one PetrelSession per account, and the
 * account, roster and presence half of the model (the conversations are
 * petrel-accounts-messages.c's).
 *
 * Each account has an AccountEntry: its settings, its PetrelAccount, its
 * PetrelContactList and its session.  The session exists from the start,
 * even before the password is known (a keyring lookup runs at
 * petrel_accounts_start ()), because it is also how the app reads the
 * stored roster and queues messages while offline; once the password
 * arrives the entry gets a new session built with it.
 *
 * What the session says, the model shows:
 *   "state"         → PetrelAccount:state (the enums match value for value)
 *                     and :error-message (petrel_session_get_error ())
 *   "online"        → a fresh session: the roster as fetched, presence
 *                     cleared (the server sends it all again)
 *   "presence"      → the contact's presence; `subscribe` → the
 *                     "subscription-request" signal
 *   "roster-push"   → the contact added, changed or removed
 *   "message", "message-state" → conversations and open message lists
 * Presence stays as it was while the link is down and being resumed
 * (WAITING): a resumed XEP-0198 session brings what changed meanwhile;
 * a fresh one starts over.
 */
#define G_LOG_DOMAIN "petrel-accounts"

#include "petrel-accounts-private.h"

#include <string.h>

#include "petrel-secrets.h"
#include "xmpp-jid.h"

enum {
  SIGNAL_MESSAGE_RECEIVED,
  SIGNAL_SUBSCRIPTION_REQUEST,
  SIGNAL_CHAT_STATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PetrelAccounts, petrel_accounts, G_TYPE_OBJECT)

/* Helpers */

char *
petrel_accounts_normalize_jid (const char  *jid,
                               GError     **error)
{
  g_autoptr(XmppJid) parsed = NULL;

  if (jid == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No address given");
      return NULL;
    }

  parsed = xmpp_jid_parse (jid, error);
  if (parsed == NULL)
    return NULL;

  return g_strdup (xmpp_jid_get_bare_string (parsed));
}

/* The bare JID of a normalised full JID: the localpart and domainpart
 * cannot hold a '/' (RFC 7622 §3.3.1, §3.2). */
static char *
bare_of (const char *jid)
{
  const char *slash = strchr (jid, '/');

  return slash != NULL ? g_strndup (jid, slash - jid) : g_strdup (jid);
}

static const char *
show_to_xmpp (PetrelPresenceShow show)
{
  switch (show)
    {
    case PETREL_PRESENCE_CHAT:
      return "chat";
    case PETREL_PRESENCE_AWAY:
      return "away";
    case PETREL_PRESENCE_XA:
      return "xa";
    case PETREL_PRESENCE_DND:
      return "dnd";
    case PETREL_PRESENCE_ONLINE:
    case PETREL_PRESENCE_OFFLINE:
    default:
      return NULL;
    }
}

void
petrel_accounts_emit_subscription_request (PetrelAccounts *self,
                                           const char     *account,
                                           const char     *jid)
{
  g_signal_emit (self, signals[SIGNAL_SUBSCRIPTION_REQUEST], 0, account, jid);
}

/* Session → model */

void
petrel_accounts_sync_state (AccountEntry *entry)
{
  const GError *error;
  PetrelSessionState state;

  if (entry->session == NULL)
    return;

  state = petrel_session_get_state (entry->session);
  error = petrel_session_get_error (entry->session);
  /* The message first, so a view that reacts to the state reads the
   * right one. */
  petrel_account_set_error_message (entry->account, error != NULL ? error->message : NULL);
  petrel_account_set_state (entry->account, (PetrelAccountState) state);

  if (state == PETREL_SESSION_OFFLINE || state == PETREL_SESSION_FAILED)
    petrel_contact_list_clear_presence (entry->contacts);
}

static void
session_state_cb (PetrelSession *session,
                  GParamSpec    *pspec,
                  gpointer       user_data)
{
  petrel_accounts_sync_state (user_data);
}

static void
session_online_cb (PetrelSession *session,
                   gboolean       resumed,
                   gpointer       user_data)
{
  AccountEntry *entry = user_data;
  g_autoptr(GPtrArray) roster = NULL;

  /* A marker that could not go while the link was down goes now. */
  petrel_accounts_mark_current_read (entry->self);
  if (resumed)
    return;

  /* The setup fetched the roster into the store just before. */
  roster = petrel_session_dup_roster (session);
  petrel_contact_list_replace (entry->contacts, roster);
  petrel_contact_list_clear_presence (entry->contacts);
  petrel_accounts_update_display_names (entry->self, entry);
}

static void
session_presence_cb (PetrelSession *session,
                     const char    *from,
                     const char    *type,
                     const char    *show,
                     const char    *status,
                     gpointer       user_data)
{
  AccountEntry *entry = user_data;
  const char *account = petrel_account_get_jid (entry->account);
  g_autofree char *bare = bare_of (from);

  if (type == NULL || g_str_equal (type, "unavailable"))
    {
      /* Our own other resources are not in the roster. */
      if (!g_str_equal (bare, account))
        petrel_contact_list_set_presence (entry->contacts, from,
                                          petrel_presence_show_from_xmpp (type, show), status);
      return;
    }

  if (g_str_equal (type, "subscribe"))
    {
      const char *subscription = petrel_session_get_subscription (session, bare);

      /* RFC 6121 §3.1.3: approved already (subscription from or both),
       * so the answer is yes without asking the user again. */
      if (g_strcmp0 (subscription, "from") == 0 || g_strcmp0 (subscription, "both") == 0)
        petrel_session_answer_subscription (session, bare, TRUE, NULL);
      else
        petrel_accounts_emit_subscription_request (entry->self, account, bare);
    }
  /* subscribed, unsubscribe, unsubscribed: the server follows up with a
   * roster push (RFC 6121 §3.1.6, §3.2, §3.3), which is what counts. */
}

static void
session_roster_push_cb (PetrelSession *session,
                        PetrelContact *contact,
                        gboolean       removed,
                        gpointer       user_data)
{
  AccountEntry *entry = user_data;
  PetrelConversation *conversation;

  if (removed)
    petrel_contact_list_remove (entry->contacts, petrel_contact_get_jid (contact));
  else
    petrel_contact_list_add_or_update (entry->contacts, contact);

  conversation = petrel_conversation_list_lookup (entry->self->conversations,
                                                  petrel_account_get_jid (entry->account),
                                                  petrel_contact_get_jid (contact));
  if (conversation != NULL)
    petrel_conversation_set_display_name (conversation, removed ? NULL : petrel_contact_get_name (contact));
}

void
petrel_accounts_attach_session (AccountEntry  *entry,
                                PetrelSession *session)
{
  PetrelAccounts *self = entry->self;

  g_assert (entry->session == NULL);

  entry->session = g_object_ref (session);
  g_signal_connect (session, "notify::state", G_CALLBACK (session_state_cb), entry);
  g_signal_connect (session, "online", G_CALLBACK (session_online_cb), entry);
  g_signal_connect (session, "presence", G_CALLBACK (session_presence_cb), entry);
  g_signal_connect (session, "roster-push", G_CALLBACK (session_roster_push_cb), entry);
  g_signal_connect (session, "message", G_CALLBACK (petrel_accounts_session_message_cb), entry);
  g_signal_connect (session, "message-state", G_CALLBACK (petrel_accounts_session_message_state_cb), entry);
  petrel_session_set_chat_state_func (session, petrel_accounts_chat_state_cb, entry, NULL);
  petrel_session_set_inactive (session, self->inactive);
  petrel_session_set_presence (session, show_to_xmpp (self->show), self->status);
}

void
petrel_accounts_detach_session (AccountEntry *entry)
{
  g_autoptr(PetrelSession) session = g_steal_pointer (&entry->session);

  if (session == NULL)
    return;

  g_signal_handlers_disconnect_by_data (session, entry);
  petrel_session_set_chat_state_func (session, NULL, NULL, NULL);
}

/* Entries */

AccountEntry *
petrel_accounts_entry_new (PetrelAccounts            *self,
                           const PetrelAccountRecord *record,
                           GError                   **error)
{
  g_autoptr(PetrelSession) session = NULL;
  g_autoptr(GPtrArray) roster = NULL;
  AccountEntry *entry;

  session = petrel_session_new (record, self->db, error);
  if (session == NULL)
    return NULL;

  entry = g_new0 (AccountEntry, 1);
  entry->self = self;
  entry->record = petrel_account_record_copy (record);
  g_free (entry->record->jid);
  entry->record->jid = g_strdup (petrel_session_get_account (session));
  entry->account = petrel_account_new (entry->record->jid);
  /* Before anyone watches it: a disabled account never starts. */
  petrel_account_set_enabled (entry->account, !record->disabled);
  entry->contacts = petrel_contact_list_new (entry->record->jid);
  entry->chat_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!petrel_db_account_ensure (self->db, entry->record->jid, &entry->account_id, error))
    {
      petrel_accounts_entry_free (entry);
      return NULL;
    }

  /* The stored roster, so the contact list is there before any network. */
  roster = petrel_session_dup_roster (session);
  petrel_contact_list_replace (entry->contacts, roster);
  petrel_accounts_attach_session (entry, session);

  return entry;
}

void
petrel_accounts_entry_free (AccountEntry *entry)
{
  if (entry == NULL)
    return;

  if (entry->account != NULL)
    g_signal_handlers_disconnect_by_data (entry->account, entry);
  if (entry->session != NULL)
    {
      PetrelSession *session = g_object_ref (entry->session);

      petrel_accounts_detach_session (entry);
      /* Whoever still holds the session (a stop in flight) must not see
       * it touch the store after the profile closed. */
      g_object_run_dispose (G_OBJECT (session));
      g_object_unref (session);
    }
  g_clear_pointer (&entry->record, petrel_account_record_free);
  g_clear_object (&entry->account);
  g_clear_object (&entry->contacts);
  g_clear_pointer (&entry->chat_states, g_hash_table_unref);
  g_free (entry);
}

AccountEntry *
petrel_accounts_lookup_entry (PetrelAccounts *self,
                              const char     *jid)
{
  g_autofree char *bare = NULL;
  AccountEntry *entry;

  if (jid == NULL)
    return NULL;

  entry = g_hash_table_lookup (self->entries, jid);
  if (entry != NULL)
    return entry;

  /* Not normalised yet (case, a resource). */
  bare = petrel_accounts_normalize_jid (jid, NULL);
  return bare != NULL ? g_hash_table_lookup (self->entries, bare) : NULL;
}

static void
account_enabled_cb (PetrelAccount *account,
                    GParamSpec    *pspec,
                    gpointer       user_data)
{
  AccountEntry *entry = user_data;
  PetrelAccounts *self = entry->self;

  if (!self->started || self->show == PETREL_PRESENCE_OFFLINE || entry->session == NULL)
    return;

  if (petrel_account_get_enabled (account))
    petrel_accounts_start_entry (self, entry);
  else
    petrel_session_stop_async (entry->session, NULL, NULL, NULL);
}

/* Makes @entry one of the accounts: the list, lookups, conversations. */
void
petrel_accounts_publish_entry (PetrelAccounts *self,
                               AccountEntry   *entry)
{
  g_hash_table_insert (self->entries, entry->record->jid, entry);
  g_list_store_append (self->accounts, entry->account);
  g_signal_connect (entry->account, "notify::enabled", G_CALLBACK (account_enabled_cb), entry);
  petrel_accounts_load_conversations (self, entry);
  petrel_accounts_sync_state (entry);
}

/* GObject */

static void
petrel_accounts_dispose (GObject *object)
{
  PetrelAccounts *self = PETREL_ACCOUNTS (object);

  g_cancellable_cancel (self->cancellable);
  petrel_accounts_close_open_lists (self);
  if (self->entries != NULL)
    g_hash_table_remove_all (self->entries);
  if (self->accounts != NULL)
    g_list_store_remove_all (self->accounts);
  g_clear_object (&self->conversations);

  G_OBJECT_CLASS (petrel_accounts_parent_class)->dispose (object);
}

static void
petrel_accounts_finalize (GObject *object)
{
  PetrelAccounts *self = PETREL_ACCOUNTS (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->open_lists, g_hash_table_unref);
  g_clear_object (&self->accounts);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->db, petrel_db_close);
  g_clear_pointer (&self->store, petrel_account_store_free);
  g_free (self->current);
  g_free (self->status);

  G_OBJECT_CLASS (petrel_accounts_parent_class)->finalize (object);
}

static void
petrel_accounts_class_init (PetrelAccountsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = petrel_accounts_dispose;
  object_class->finalize = petrel_accounts_finalize;

  /**
   * PetrelAccounts::message-received:
   * @conversation: the conversation, as in the conversation list
   * @message: the message, with its place in the history
   *
   * A new incoming message was stored: live, a carbon, or fetched from
   * the archive after a reconnect (so a first login may bring many at
   * once).  For notifications; the lists are already up to date.
   */
  signals[SIGNAL_MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, PETREL_TYPE_CONVERSATION, PETREL_TYPE_MESSAGE);
  /**
   * PetrelAccounts::subscription-request:
   * @account: the account's bare JID
   * @jid: who asks to see our presence (bare JID)
   *
   * Answer with petrel_accounts_answer_subscription ().  Requests from
   * contacts that were approved before are answered without asking.
   */
  signals[SIGNAL_SUBSCRIPTION_REQUEST] =
    g_signal_new ("subscription-request", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * PetrelAccounts::chat-state:
   * @account: the account's bare JID
   * @from: the peer's bare JID
   * @state: "active", "composing", "paused", "inactive" or "gone"
   *
   * A peer's XEP-0085 chat state in a one-to-one chat.
   */
  signals[SIGNAL_CHAT_STATE] =
    g_signal_new ("chat-state", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
petrel_accounts_init (PetrelAccounts *self)
{
  self->cancellable = g_cancellable_new ();
  self->accounts = g_list_store_new (PETREL_TYPE_ACCOUNT);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) petrel_accounts_entry_free);
  self->open_lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
  self->conversations = petrel_conversation_list_new ();
  self->show = PETREL_PRESENCE_ONLINE;
}

PetrelAccounts *
petrel_accounts_new (const char  *profile_dir,
                     GError     **error)
{
  g_autoptr(PetrelAccounts) self = NULL;
  g_auto(GStrv) jids = NULL;

  g_return_val_if_fail (profile_dir != NULL, NULL);

  self = g_object_new (PETREL_TYPE_ACCOUNTS, NULL);
  self->store = petrel_account_store_open (profile_dir, error);
  if (self->store == NULL)
    return NULL;
  self->db = petrel_db_open_profile (profile_dir, error);
  if (self->db == NULL)
    return NULL;

  jids = petrel_account_store_list (self->store);
  for (guint i = 0; jids[i] != NULL; i++)
    {
      g_autoptr(PetrelAccountRecord) record = NULL;
      g_autoptr(GError) local_error = NULL;
      AccountEntry *entry = NULL;

      record = petrel_account_store_get (self->store, jids[i], &local_error);
      if (record != NULL)
        entry = petrel_accounts_entry_new (self, record, &local_error);
      if (record == NULL || entry == NULL)
        {
          /* One broken account must not hide the others. */
          g_warning ("Cannot load the account %s: %s", jids[i], local_error->message);
          continue;
        }
      if (g_hash_table_contains (self->entries, entry->record->jid))
        {
          petrel_accounts_entry_free (entry);
          continue;
        }
      petrel_accounts_publish_entry (self, entry);
    }

  return g_steal_pointer (&self);
}

GListModel *
petrel_accounts_get_accounts (PetrelAccounts *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), NULL);

  return G_LIST_MODEL (self->accounts);
}

PetrelAccount *
petrel_accounts_lookup (PetrelAccounts *self,
                        const char     *jid)
{
  AccountEntry *entry;

  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), NULL);

  entry = petrel_accounts_lookup_entry (self, jid);
  return entry != NULL ? entry->account : NULL;
}

PetrelConversationList *
petrel_accounts_get_conversations (PetrelAccounts *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), NULL);

  return self->conversations;
}

PetrelContactList *
petrel_accounts_get_contacts (PetrelAccounts *self,
                              const char     *account)
{
  AccountEntry *entry;

  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), NULL);

  entry = petrel_accounts_lookup_entry (self, account);
  return entry != NULL ? entry->contacts : NULL;
}

/* Starting and stopping */

void
petrel_accounts_start (PetrelAccounts *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (PETREL_IS_ACCOUNTS (self));

  self->started = TRUE;
  if (self->show == PETREL_PRESENCE_OFFLINE)
    return;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    petrel_accounts_start_entry (self, value);
}

typedef struct
{
  guint pending;
} Stop;

static void
stop_one_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Stop *stop = g_task_get_task_data (task);

  petrel_session_stop_finish (PETREL_SESSION (source), result, NULL);
  if (--stop->pending == 0)
    g_task_return_boolean (task, TRUE);
}

void
petrel_accounts_stop_async (PetrelAccounts      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GHashTableIter iter;
  gpointer value;
  Stop *stop;

  g_return_if_fail (PETREL_IS_ACCOUNTS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_accounts_stop_async);
  stop = g_new0 (Stop, 1);
  g_task_set_task_data (task, stop, g_free);

  self->started = FALSE;
  /* One for this function, so the task cannot complete while the loop
   * still starts stops. */
  stop->pending = 1;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      AccountEntry *entry = value;

      if (entry->session == NULL)
        continue;
      stop->pending++;
      petrel_session_stop_async (entry->session, cancellable, stop_one_cb, g_object_ref (task));
    }

  if (--stop->pending == 0)
    g_task_return_boolean (task, TRUE);
}

gboolean
petrel_accounts_stop_finish (PetrelAccounts  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
petrel_accounts_set_inactive (PetrelAccounts *self,
                              gboolean        inactive)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (PETREL_IS_ACCOUNTS (self));

  inactive = !!inactive;
  if (self->inactive == inactive)
    return;

  self->inactive = inactive;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      AccountEntry *entry = value;

      if (entry->session != NULL)
        petrel_session_set_inactive (entry->session, inactive);
    }

  /* Back at the window: what arrived in the open conversation is read. */
  if (!inactive)
    petrel_accounts_mark_current_read (self);
}

/**
 * petrel_accounts_set_focused:
 * @focused: whether a focused, visible window shows the conversation
 *   opened last
 *
 * The view says whether the user can see the current conversation.
 * Unlike petrel_accounts_set_inactive (), which waits a moment for the
 * sake of the server, this follows the focus at once: messages arriving
 * in the current conversation count as read, and are marked displayed
 * (XEP-0333), only while it is focused; when the focus comes back, what
 * arrived meanwhile is.  %TRUE at first.
 */
void
petrel_accounts_set_focused (PetrelAccounts *self,
                             gboolean        focused)
{
  g_return_if_fail (PETREL_IS_ACCOUNTS (self));

  focused = !!focused;
  if (self->unfocused == !focused)
    return;

  self->unfocused = !focused;
  if (focused)
    petrel_accounts_mark_current_read (self);
}

/**
 * petrel_accounts_get_inactive:
 *
 * Returns: what petrel_accounts_set_inactive () set last
 */
gboolean
petrel_accounts_get_inactive (PetrelAccounts *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), FALSE);

  return self->inactive;
}

void
petrel_accounts_set_presence (PetrelAccounts     *self,
                              PetrelPresenceShow  show,
                              const char         *status)
{
  gboolean was_offline;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (PETREL_IS_ACCOUNTS (self));
  g_return_if_fail (show <= PETREL_PRESENCE_DND);

  if (status != NULL && *status == '\0')
    status = NULL;

  was_offline = self->show == PETREL_PRESENCE_OFFLINE;
  self->show = show;
  g_free (self->status);
  self->status = g_strdup (status);

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      AccountEntry *entry = value;

      if (entry->session == NULL)
        continue;

      petrel_session_set_presence (entry->session, show_to_xmpp (show), status);
      /* Offline is no presence to send: it is being disconnected. */
      if (show == PETREL_PRESENCE_OFFLINE)
        petrel_session_stop_async (entry->session, NULL, NULL, NULL);
      else if (was_offline && self->started)
        petrel_accounts_start_entry (self, entry);
    }
}

/**
 * petrel_accounts_get_presence_show:
 *
 * Returns: the presence chosen last (%PETREL_PRESENCE_ONLINE at first)
 */
PetrelPresenceShow
petrel_accounts_get_presence_show (PetrelAccounts *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), PETREL_PRESENCE_OFFLINE);

  return self->show;
}

/** Returns: (nullable): the status text chosen last */
const char *
petrel_accounts_get_presence_status (PetrelAccounts *self)
{
  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), NULL);

  return self->status;
}

/* Removing */

static void
remove_stop_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  petrel_session_stop_finish (PETREL_SESSION (source), result, NULL);
}

static void
remove_secret_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!petrel_secrets_clear_finish (result, &error))
    g_debug ("cannot remove the password from the keyring: %s", error->message);
}

gboolean
petrel_accounts_remove (PetrelAccounts  *self,
                        const char      *jid,
                        GError         **error)
{
  g_autofree char *account = NULL;
  AccountEntry *entry;
  guint position;

  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  entry = petrel_accounts_lookup_entry (self, jid);
  if (entry == NULL)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No account %s in this profile", jid);
      return FALSE;
    }
  account = g_strdup (entry->record->jid);

  if (!petrel_account_store_remove (self->store, account, error))
    return FALSE;
  if (entry->record->password_in_keyring)
    petrel_secrets_clear_async (account, NULL, remove_secret_cb, NULL);

  /* The stream ends politely; the session lives until it has. */
  if (entry->session != NULL)
    {
      g_autoptr(PetrelSession) session = g_object_ref (entry->session);

      petrel_accounts_detach_session (entry);
      petrel_session_stop_async (session, NULL, remove_stop_cb, NULL);
    }

  if (g_list_store_find (self->accounts, entry->account, &position))
    g_list_store_remove (self->accounts, position);
  petrel_accounts_forget_conversations (self, account);
  /* The stored history stays: adding the account again brings it back. */
  g_hash_table_remove (self->entries, account);

  return TRUE;
}
