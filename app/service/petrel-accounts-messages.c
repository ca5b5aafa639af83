/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Conversations and messages of PetrelAccounts.
 *
 * The conversation list starts from the store (every conversation with a
 * message, its unread count and the newest message as preview) and moves
 * with each stored message the sessions report.  An incoming message
 * counts as unread unless it belongs to the current conversation (the one
 * opened last, while its list lives) and the app is active; such a
 * message is marked read in the store at once, so store and model agree.
 *
 * Message lists are handed out by petrel_accounts_open_conversation ()
 * and held weakly: a list the view dropped is forgotten, and a live
 * message goes to every list of its conversation still alive, with its
 * place in the history (sort time and row id, read back from the store).
 */
#define G_LOG_DOMAIN "petrel-accounts-messages"

#include "petrel-accounts-private.h"

#include <string.h>

#include "petrel-store-history.h"

/* How far back a stored message is searched for when the session could
 * name it by neither origin-id nor stanza-id (a sender without ids). */
#define RECENT_ROWS 20

typedef struct
{
  PetrelAccounts *self;  /* unowned */
  char *key;
  PetrelMessageList *list;   /* weak */
  PetrelStoreHistory *source;
} OpenList;

char *
petrel_accounts_make_key (const char *account,
                          const char *peer)
{
  return g_strconcat (account, "\n", peer, NULL);
}

static const char *
entry_jid (AccountEntry *entry)
{
  return entry->record->jid;
}

/* Conversations */

static PetrelConversation *
ensure_conversation (PetrelAccounts *self,
                     AccountEntry   *entry,
                     const char     *peer)
{
  g_autoptr(PetrelConversation) conversation = NULL;
  PetrelConversation *existing;
  PetrelContact *contact;

  existing = petrel_conversation_list_lookup (self->conversations, entry_jid (entry), peer);
  if (existing != NULL)
    return existing;

  conversation = petrel_conversation_new (entry_jid (entry), peer, PETREL_CONVERSATION_CHAT);
  contact = petrel_contact_list_lookup (entry->contacts, peer);
  if (contact != NULL)
    petrel_conversation_set_display_name (conversation, petrel_contact_get_name (contact));

  return petrel_conversation_list_upsert (self->conversations, conversation);
}

static const char *
row_body (const PetrelDbMessage *row)
{
  if (row->corrected_by != 0 && row->corrected_body != NULL)
    return row->corrected_body;

  return row->body;
}

void
petrel_accounts_load_conversations (PetrelAccounts *self,
                                    AccountEntry   *entry)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  rows = petrel_db_conversation_list (self->db, entry->account_id, &error);
  if (rows == NULL)
    {
      g_warning ("Cannot read the conversations of %s: %s", entry_jid (entry), error->message);
      return;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      PetrelDbConversation *row = g_ptr_array_index (rows, i);
      g_autoptr(PetrelConversation) conversation = NULL;
      g_autoptr(GPtrArray) last = NULL;
      PetrelContact *contact;

      /* Group chats come with MUC support; a conversation without any
       * message was only named by a stray receipt or never written in. */
      if (row->type != PETREL_DB_CONVERSATION_CHAT || row->last_activity == 0)
        continue;

      conversation = petrel_conversation_new (entry_jid (entry), row->peer, PETREL_CONVERSATION_CHAT);
      contact = petrel_contact_list_lookup (entry->contacts, row->peer);
      if (contact != NULL)
        petrel_conversation_set_display_name (conversation, petrel_contact_get_name (contact));
      last = petrel_db_message_history (self->db, row->id, NULL, 1, NULL);
      if (last != NULL && last->len > 0)
        petrel_conversation_set_last_message_preview (conversation, row_body (g_ptr_array_index (last, 0)));
      petrel_conversation_set_unread (conversation, row->unread);
      petrel_conversation_set_last_activity (conversation, row->last_activity);
      petrel_conversation_list_upsert (self->conversations, conversation);
    }
}

void
petrel_accounts_forget_conversations (PetrelAccounts *self,
                                      const char     *account)
{
  GListModel *model = G_LIST_MODEL (self->conversations);
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PetrelConversation) conversation = g_list_model_get_item (model, i);

      if (g_str_equal (petrel_conversation_get_account (conversation), account))
        g_ptr_array_add (peers, g_strdup (petrel_conversation_get_peer (conversation)));
    }

  for (guint i = 0; i < peers->len; i++)
    petrel_conversation_list_remove (self->conversations, account, g_ptr_array_index (peers, i));
}

void
petrel_accounts_update_display_names (PetrelAccounts *self,
                                      AccountEntry   *entry)
{
  GListModel *model = G_LIST_MODEL (self->conversations);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PetrelConversation) conversation = g_list_model_get_item (model, i);
      PetrelContact *contact;

      if (!g_str_equal (petrel_conversation_get_account (conversation), entry_jid (entry)))
        continue;

      contact = petrel_contact_list_lookup (entry->contacts, petrel_conversation_get_peer (conversation));
      petrel_conversation_set_display_name (conversation, contact ? petrel_contact_get_name (contact) : NULL);
    }
}

/* Open message lists */

static void
open_list_free (gpointer data)
{
  OpenList *open = data;

  g_free (open->key);
  g_clear_object (&open->source);
  g_free (open);
}

static void
open_list_gone_cb (gpointer  data,
                   GObject  *where_the_object_was)
{
  OpenList *open = data;
  PetrelAccounts *self = open->self;
  GPtrArray *lists = g_hash_table_lookup (self->open_lists, open->key);

  g_assert (lists != NULL);

  if (lists->len == 1)
    {
      if (g_strcmp0 (self->current, open->key) == 0)
        g_clear_pointer (&self->current, g_free);
      /* Frees @open too. */
      g_hash_table_remove (self->open_lists, open->key);
      return;
    }

  g_ptr_array_remove (lists, open);
}

static void
track_list (PetrelAccounts     *self,
            const char         *key,
            PetrelMessageList  *list,
            PetrelStoreHistory *source)
{
  GPtrArray *lists = g_hash_table_lookup (self->open_lists, key);
  OpenList *open = g_new0 (OpenList, 1);

  if (lists == NULL)
    {
      lists = g_ptr_array_new_with_free_func (open_list_free);
      g_hash_table_insert (self->open_lists, g_strdup (key), lists);
    }

  open->self = self;
  open->key = g_strdup (key);
  open->list = list;
  open->source = g_object_ref (source);
  g_object_weak_ref (G_OBJECT (list), open_list_gone_cb, open);
  g_ptr_array_add (lists, open);
}

void
petrel_accounts_close_open_lists (PetrelAccounts *self)
{
  GHashTableIter iter;
  gpointer value;

  if (self->open_lists == NULL)
    return;

  g_hash_table_iter_init (&iter, self->open_lists);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *lists = value;

      for (guint i = 0; i < lists->len; i++)
        {
          OpenList *open = g_ptr_array_index (lists, i);

          g_object_weak_unref (G_OBJECT (open->list), open_list_gone_cb, open);
          petrel_store_history_close (open->source);
        }
    }
  g_hash_table_remove_all (self->open_lists);
  g_clear_pointer (&self->current, g_free);
}

static void
append_to_lists (PetrelAccounts *self,
                 const char     *key,
                 PetrelMessage  *message)
{
  GPtrArray *lists = g_hash_table_lookup (self->open_lists, key);

  for (guint i = 0; lists != NULL && i < lists->len; i++)
    {
      OpenList *open = g_ptr_array_index (lists, i);

      petrel_message_list_append (open->list, message);
    }
}

static void
show_correction (PetrelAccounts *self,
                 AccountEntry   *entry,
                 const char     *peer,
                 gint64          original_id)
{
  g_autoptr(PetrelDbMessage) original = petrel_db_message_get (self->db, original_id, NULL);
  g_autoptr(PetrelMessage) shown = NULL;
  g_autofree char *key = petrel_accounts_make_key (entry_jid (entry), peer);
  GPtrArray *lists = g_hash_table_lookup (self->open_lists, key);

  if (original == NULL)
    return;

  /* The preview follows only when the original is the newest message. */
  petrel_conversation_list_bump (self->conversations, entry_jid (entry), peer,
                                 original->sort_time, row_body (original), 0);
  if (lists == NULL)
    return;

  shown = petrel_store_history_message_from_row (entry_jid (entry), peer, original);
  for (guint i = 0; i < lists->len; i++)
    {
      OpenList *open = g_ptr_array_index (lists, i);

      petrel_message_list_update (open->list, shown);
    }
}

/* The user looks at the current conversation: the app is active and a
 * focused window shows it. */
gboolean
petrel_accounts_is_watched (PetrelAccounts *self)
{
  return !self->inactive && !self->unfocused;
}

static gboolean
is_current (PetrelAccounts *self,
            const char     *key)
{
  return petrel_accounts_is_watched (self) && self->current != NULL && g_str_equal (self->current, key);
}

/* XEP-0333: what the user has seen is marked displayed, once. */
static void
send_displayed (PetrelAccounts *self,
                AccountEntry   *entry,
                const char     *peer)
{
  if (petrel_accounts_is_watched (self) && entry->session != NULL)
    petrel_session_send_displayed (entry->session, peer);
}

/* Session → model */

/* The stored row of a message the session just reported; the signal's
 * object lacks the row id and exact sort time. */
static PetrelDbMessage *
find_row (PetrelAccounts *self,
          AccountEntry   *entry,
          PetrelMessage  *message,
          gint64          conversation_id)
{
  PetrelDbDirection direction = petrel_message_get_outgoing (message) ? PETREL_DB_DIRECTION_OUTGOING
                                                                       : PETREL_DB_DIRECTION_INCOMING;
  const char *origin_id = petrel_message_get_origin_id (message);
  const char *stanza_id = petrel_message_get_stanza_id (message);
  g_autoptr(GPtrArray) recent = NULL;
  PetrelDbMessage *row = NULL;

  if (petrel_message_get_row_id (message) > 0)
    row = petrel_db_message_get (self->db, petrel_message_get_row_id (message), NULL);
  if (row == NULL && origin_id != NULL)
    row = petrel_db_message_lookup_by_origin_id (self->db, conversation_id, direction, origin_id, NULL);
  if (row == NULL && stanza_id != NULL)
    row = petrel_db_message_lookup_by_stanza_id (self->db, entry->account_id, entry_jid (entry), stanza_id, NULL);
  if (row != NULL)
    return row;

  /* It was stored a moment ago, so it has the highest row id of the
   * recent ones that match. */
  recent = petrel_db_message_history (self->db, conversation_id, NULL, RECENT_ROWS, NULL);
  for (guint i = recent ? recent->len : 0; i > 0; i--)
    {
      PetrelDbMessage *candidate = g_ptr_array_index (recent, i - 1);

      if (candidate->direction == direction &&
          g_strcmp0 (candidate->body, petrel_message_get_body (message)) == 0 &&
          (row == NULL || candidate->id > row->id))
        row = candidate;
    }
  if (row == NULL)
    return NULL;

  return petrel_db_message_get (self->db, row->id, NULL);
}

void
petrel_accounts_session_message_cb (PetrelSession *session,
                                    PetrelMessage *message,
                                    gpointer       user_data)
{
  AccountEntry *entry = user_data;
  PetrelAccounts *self = entry->self;
  g_autoptr(PetrelDbMessage) row = NULL;
  g_autoptr(PetrelMessage) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer = NULL;
  g_autofree char *key = NULL;
  PetrelConversation *conversation;
  gboolean outgoing = petrel_message_get_outgoing (message);
  const char *other = outgoing ? petrel_message_get_to (message) : petrel_message_get_from (message);
  gint64 conversation_id = 0;
  guint unread = 0;

  if (other == NULL || (peer = petrel_accounts_normalize_jid (other, NULL)) == NULL)
    return;
  if (!petrel_db_conversation_ensure (self->db, entry->account_id, peer, PETREL_DB_CONVERSATION_CHAT,
                                      &conversation_id, &error))
    {
      g_warning ("Cannot find the conversation with %s: %s", peer, error->message);
      return;
    }

  row = find_row (self, entry, message, conversation_id);
  /* A correction (XEP-0308) is no new message to count or to preview: the
   * original, read again with its corrected body, changes in place. */
  if (row != NULL && row->replaces_id != 0)
    {
      show_correction (self, entry, peer, row->replaces_id);
      return;
    }

  key = petrel_accounts_make_key (entry_jid (entry), peer);
  conversation = ensure_conversation (self, entry, peer);
  if (!outgoing)
    {
      if (is_current (self, key))
        {
          petrel_db_conversation_mark_read (self->db, conversation_id, NULL);
          send_displayed (self, entry, peer);
        }
      else
        unread = 1;
    }

  if (row != NULL)
    {
      item = petrel_store_history_message_from_row (entry_jid (entry), peer, row);
      petrel_conversation_list_bump (self->conversations, entry_jid (entry), peer,
                                     row->sort_time, row_body (row), unread);
      append_to_lists (self, key, item);
    }
  else
    {
      GDateTime *time = petrel_message_get_time (message);

      /* Not found again (should not happen): counted and previewed, and
       * the lists get it when they read the store. */
      item = g_object_ref (message);
      petrel_conversation_list_bump (self->conversations, entry_jid (entry), peer,
                                     time ? g_date_time_to_unix (time) * G_USEC_PER_SEC : g_get_real_time (),
                                     petrel_message_get_body (message), unread);
    }

  if (!outgoing)
    g_signal_emit_by_name (self, "message-received", conversation, item);
}

void
petrel_accounts_session_message_state_cb (PetrelSession *session,
                                          const char    *origin_id,
                                          const char    *state,
                                          gpointer       user_data)
{
  AccountEntry *entry = user_data;
  PetrelAccounts *self = entry->self;
  g_autofree char *prefix = g_strconcat (entry_jid (entry), "\n", NULL);
  GHashTableIter iter;
  gpointer key, value;

  /* The signal does not name the conversation; origin-ids are unique
   * enough that the first list holding it is the right one. */
  g_hash_table_iter_init (&iter, self->open_lists);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *lists = value;

      if (!g_str_has_prefix (key, prefix))
        continue;
      for (guint i = 0; i < lists->len; i++)
        {
          OpenList *open = g_ptr_array_index (lists, i);

          petrel_message_list_update_state (open->list, origin_id, state);
        }
    }
}

void
petrel_accounts_chat_state_cb (PetrelSession *session,
                               const char    *from,
                               const char    *state,
                               gpointer       user_data)
{
  AccountEntry *entry = user_data;

  g_signal_emit_by_name (entry->self, "chat-state", entry_jid (entry), from, state);
}

/* The public API */

static gboolean
conversation_id_for (PetrelAccounts  *self,
                     AccountEntry    *entry,
                     const char      *peer,
                     gint64          *out_id,
                     GError         **error)
{
  return petrel_db_conversation_ensure (self->db, entry->account_id, peer, PETREL_DB_CONVERSATION_CHAT,
                                        out_id, error);
}

PetrelMessageList *
petrel_accounts_open_conversation (PetrelAccounts *self,
                                   const char     *account,
                                   const char     *peer)
{
  g_autoptr(PetrelStoreHistory) source = NULL;
  g_autoptr(PetrelMessageList) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bare = NULL;
  g_autofree char *key = NULL;
  AccountEntry *entry;
  gint64 conversation_id = 0;

  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), NULL);
  g_return_val_if_fail (account != NULL && peer != NULL, NULL);

  entry = petrel_accounts_lookup_entry (self, account);
  if (entry == NULL)
    {
      g_debug ("no account %s", account);
      return NULL;
    }
  bare = petrel_accounts_normalize_jid (peer, &error);
  if (bare == NULL)
    {
      g_debug ("cannot open a conversation with “%s”: %s", peer, error->message);
      return NULL;
    }
  if (!conversation_id_for (self, entry, bare, &conversation_id, &error))
    {
      g_warning ("Cannot open the conversation with %s: %s", bare, error->message);
      return NULL;
    }

  source = petrel_store_history_new (self->db, conversation_id, entry_jid (entry), bare);
  list = petrel_message_list_new (PETREL_HISTORY_SOURCE (source));
  if (!petrel_message_list_load_newest (list, &error))
    g_warning ("Cannot read the history with %s: %s", bare, error->message);

  key = petrel_accounts_make_key (entry_jid (entry), bare);
  track_list (self, key, list, source);
  g_free (self->current);
  self->current = g_strdup (key);

  ensure_conversation (self, entry, bare);
  petrel_accounts_mark_read (self, entry_jid (entry), bare);

  return g_steal_pointer (&list);
}

void
petrel_accounts_mark_read (PetrelAccounts *self,
                           const char     *account,
                           const char     *peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bare = NULL;
  PetrelConversation *conversation;
  AccountEntry *entry;
  gint64 conversation_id = 0;

  g_return_if_fail (PETREL_IS_ACCOUNTS (self));
  g_return_if_fail (account != NULL && peer != NULL);

  entry = petrel_accounts_lookup_entry (self, account);
  bare = petrel_accounts_normalize_jid (peer, NULL);
  if (entry == NULL || bare == NULL)
    return;

  conversation = petrel_conversation_list_lookup (self->conversations, entry_jid (entry), bare);
  if (conversation == NULL)
    return;

  if (!conversation_id_for (self, entry, bare, &conversation_id, &error) ||
      !petrel_db_conversation_mark_read (self->db, conversation_id, &error))
    g_warning ("Cannot mark the conversation with %s read: %s", bare, error->message);
  petrel_conversation_list_mark_read (self->conversations, entry_jid (entry), bare);
  send_displayed (self, entry, bare);
}

void
petrel_accounts_mark_current_read (PetrelAccounts *self)
{
  g_auto(GStrv) parts = NULL;
  PetrelConversation *conversation;

  if (self->current == NULL || !petrel_accounts_is_watched (self))
    return;

  parts = g_strsplit (self->current, "\n", 2);
  conversation = petrel_conversation_list_lookup (self->conversations, parts[0], parts[1]);
  if (conversation != NULL && petrel_conversation_get_unread (conversation) > 0)
    {
      petrel_accounts_mark_read (self, parts[0], parts[1]);
    }
  else
    {
      AccountEntry *entry = petrel_accounts_lookup_entry (self, parts[0]);

      /* Read already, but perhaps not marked yet (the link was down). */
      if (entry != NULL)
        send_displayed (self, entry, parts[1]);
    }
}

/**
 * petrel_accounts_get_current_conversation:
 *
 * The conversation opened last with petrel_accounts_open_conversation ()
 * while its message list is alive: incoming messages there count as read
 * while the app is active (petrel_accounts_set_inactive ()).
 *
 * Returns: (transfer none) (nullable): the conversation
 */
PetrelConversation *
petrel_accounts_get_current_conversation (PetrelAccounts *self)
{
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), NULL);

  if (self->current == NULL)
    return NULL;

  parts = g_strsplit (self->current, "\n", 2);
  return petrel_conversation_list_lookup (self->conversations, parts[0], parts[1]);
}

gboolean
petrel_accounts_send_message (PetrelAccounts  *self,
                              const char      *account,
                              const char      *peer,
                              const char      *body,
                              GError         **error)
{
  g_autoptr(PetrelDbMessage) row = NULL;
  g_autoptr(PetrelMessage) message = NULL;
  g_autofree char *origin_id = NULL;
  g_autofree char *bare = NULL;
  g_autofree char *key = NULL;
  AccountEntry *entry;
  gint64 conversation_id = 0;

  g_return_val_if_fail (PETREL_IS_ACCOUNTS (self), FALSE);
  g_return_val_if_fail (account != NULL && peer != NULL && body != NULL, FALSE);

  entry = petrel_accounts_lookup_entry (self, account);
  if (entry == NULL || entry->session == NULL)
    {
      g_set_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                   "No account %s in this profile", account);
      return FALSE;
    }
  bare = petrel_accounts_normalize_jid (peer, error);
  if (bare == NULL)
    return FALSE;
  if (!g_utf8_validate (body, -1, NULL) || *body == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "The message is empty");
      return FALSE;
    }

  if (!petrel_session_send_message (entry->session, bare, body, &origin_id, error))
    return FALSE;
  /* A message of ours ends the typing (XEP-0085 §5.2): the next key
   * press is a change again. */
  g_hash_table_remove (entry->chat_states, bare);

  if (!conversation_id_for (self, entry, bare, &conversation_id, error))
    return FALSE;
  row = petrel_db_message_lookup_by_origin_id (self->db, conversation_id, PETREL_DB_DIRECTION_OUTGOING,
                                               origin_id, error);
  if (row == NULL)
    return FALSE;

  ensure_conversation (self, entry, bare);
  petrel_conversation_list_bump (self->conversations, entry_jid (entry), bare, row->sort_time, row->body, 0);

  key = petrel_accounts_make_key (entry_jid (entry), bare);
  message = petrel_store_history_message_from_row (entry_jid (entry), bare, row);
  append_to_lists (self, key, message);

  return TRUE;
}

void
petrel_accounts_send_chat_state (PetrelAccounts *self,
                                 const char     *account,
                                 const char     *peer,
                                 const char     *state)
{
  g_autofree char *bare = NULL;
  AccountEntry *entry;
  const char *last;

  g_return_if_fail (PETREL_IS_ACCOUNTS (self));
  g_return_if_fail (account != NULL && peer != NULL);
  g_return_if_fail (g_strcmp0 (state, "composing") == 0 || g_strcmp0 (state, "paused") == 0 ||
                    g_strcmp0 (state, "active") == 0);

  entry = petrel_accounts_lookup_entry (self, account);
  bare = petrel_accounts_normalize_jid (peer, NULL);
  if (entry == NULL || entry->session == NULL || bare == NULL)
    return;

  /* Before anything was sent the peer assumes "active" (§5.1). */
  last = g_hash_table_lookup (entry->chat_states, bare);
  if (g_str_equal (last != NULL ? last : "active", state))
    return;

  if (petrel_session_send_chat_state (entry->session, bare, state))
    g_hash_table_insert (entry->chat_states, g_steal_pointer (&bare), (gpointer) g_intern_string (state));
}
