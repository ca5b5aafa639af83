/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The state PetrelAccounts' files share: petrel-accounts.c (the profile,
 * sessions, account state, roster and presence), petrel-accounts-messages.c
 * (conversations, message lists, sending, chat states),
 * petrel-accounts-contacts.c (roster changes, subscriptions) and
 * petrel-accounts-signin.c (sign-in, registration, keyring passwords).
 */
#pragma once

#include "petrel-accounts.h"
#include "petrel-account-store.h"
#include "petrel-db.h"
#include "petrel-session.h"

G_BEGIN_DECLS

typedef struct _AccountEntry AccountEntry;

struct _PetrelAccounts
{
  GObject parent_instance;

  PetrelAccountStore *store;
  PetrelDb *db;
  /* Cancelled in dispose: keyring lookups and other work in flight. */
  GCancellable *cancellable;

  GListStore *accounts;       /* PetrelAccount, in the order added */
  GHashTable *entries;        /* bare JID → AccountEntry (owned) */
  PetrelConversationList *conversations;

  /* "account\npeer" → GPtrArray of OpenList: the message lists handed
   * out and still alive (weak references). */
  GHashTable *open_lists;
  /* The key of the conversation opened last, while its list is alive. */
  char *current;

  gboolean started;
  gboolean inactive;
  /* No window shows the current conversation to the user right now
   * (petrel_accounts_set_focused ()). */
  gboolean unfocused;
  PetrelPresenceShow show;
  char *status;
};

struct _AccountEntry
{
  PetrelAccounts *self;       /* unowned */
  PetrelAccountRecord *record;
  PetrelAccount *account;
  PetrelContactList *contacts;
  /* NULL only when the stored JID is invalid. */
  PetrelSession *session;
  gint64 account_id;
  /* peer → the chat state last sent to it (XEP-0085: only changes go) */
  GHashTable *chat_states;
  gboolean password_pending;
};

/* petrel-accounts.c */
AccountEntry *petrel_accounts_entry_new (PetrelAccounts            *self,
                                         const PetrelAccountRecord *record,
                                         GError                   **error);
void petrel_accounts_entry_free (AccountEntry *entry);
AccountEntry *petrel_accounts_lookup_entry (PetrelAccounts *self,
                                            const char     *jid);
void petrel_accounts_attach_session (AccountEntry  *entry,
                                     PetrelSession *session);
void petrel_accounts_detach_session (AccountEntry *entry);
void petrel_accounts_publish_entry (PetrelAccounts *self,
                                    AccountEntry   *entry);
void petrel_accounts_sync_state (AccountEntry *entry);
char *petrel_accounts_normalize_jid (const char  *jid,
                                     GError     **error);
void petrel_accounts_emit_subscription_request (PetrelAccounts *self,
                                                const char     *account,
                                                const char     *jid);

/* petrel-accounts-messages.c */
char *petrel_accounts_make_key (const char *account,
                                const char *peer);
void petrel_accounts_load_conversations (PetrelAccounts *self,
                                         AccountEntry   *entry);
void petrel_accounts_forget_conversations (PetrelAccounts *self,
                                           const char     *account);
void petrel_accounts_update_display_names (PetrelAccounts *self,
                                           AccountEntry   *entry);
void petrel_accounts_session_message_cb (PetrelSession *session,
                                         PetrelMessage *message,
                                         gpointer       user_data);
void petrel_accounts_session_message_state_cb (PetrelSession *session,
                                               const char    *origin_id,
                                               const char    *state,
                                               gpointer       user_data);
void petrel_accounts_chat_state_cb (PetrelSession *session,
                                    const char    *from,
                                    const char    *state,
                                    gpointer       user_data);
void petrel_accounts_close_open_lists (PetrelAccounts *self);
void petrel_accounts_mark_current_read (PetrelAccounts *self);
gboolean petrel_accounts_check_transport (const char  *transport,
                                          const char  *websocket_url,
                                          const char  *bosh_url,
                                          GError     **error);
gboolean petrel_accounts_is_watched (PetrelAccounts *self);

/* petrel-accounts-signin.c */
void petrel_accounts_start_entry (PetrelAccounts *self,
                                  AccountEntry   *entry);

G_END_DECLS
