/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelAccounts: every account of a profile, for the desktop app.
 *
 * It opens the profile (account settings, passwords, the message store),
 * runs one PetrelSession per enabled account and keeps the model current:
 * a PetrelAccount per account (connection state and errors as properties
 * the UI binds to), a PetrelContactList per account (roster + presence),
 * one PetrelConversationList for all accounts (newest activity first,
 * unread counts) and PetrelMessageLists paged from the store.
 */
#pragma once

#include <gio/gio.h>

#include "petrel-account.h"
#include "petrel-contact-list.h"
#include "petrel-conversation-list.h"
#include "petrel-message-list.h"
#include "petrel-model-enums.h"

G_BEGIN_DECLS

#define PETREL_TYPE_ACCOUNTS (petrel_accounts_get_type ())
G_DECLARE_FINAL_TYPE (PetrelAccounts, petrel_accounts, PETREL, ACCOUNTS, GObject)

/**
 * petrel_accounts_new:
 * @profile_dir: the profile folder (accounts.ini, petrel.db)
 *
 * Returns: (transfer full) (nullable): the accounts, not started yet
 */
PetrelAccounts *petrel_accounts_new (const char  *profile_dir,
                                     GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/** Returns: (transfer none): a GListModel of PetrelAccount, in the order added */
GListModel *petrel_accounts_get_accounts (PetrelAccounts *self);
/** Returns: (transfer none) (nullable): the account with @jid */
PetrelAccount *petrel_accounts_lookup (PetrelAccounts *self,
                                       const char     *jid);
/** Returns: (transfer none): all conversations of all accounts */
PetrelConversationList *petrel_accounts_get_conversations (PetrelAccounts *self);
/** Returns: (transfer none) (nullable): the roster of @account */
PetrelContactList *petrel_accounts_get_contacts (PetrelAccounts *self,
                                                const char     *account);

/** Connects every enabled account and keeps it connected. */
void petrel_accounts_start (PetrelAccounts *self);
/** Ends every stream politely. */
void petrel_accounts_stop_async (PetrelAccounts      *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gboolean petrel_accounts_stop_finish (PetrelAccounts  *self,
                                      GAsyncResult    *result,
                                      GError         **error);

/**
 * petrel_accounts_set_inactive:
 *
 * XEP-0352 for every account: the app sets it when none of its windows is
 * focused.
 */
void petrel_accounts_set_inactive (PetrelAccounts *self,
                                   gboolean        inactive);

/**
 * PetrelAccountSettings:
 * The sign-in details the assistant collects.  @host, @ca_file may be
 * %NULL; @port 0 means the default.
 */
typedef struct
{
  const char *jid;
  const char *password;
  const char *host;
  guint16 port;
  gboolean direct_tls;
  const char *ca_file;
} PetrelAccountSettings;

/**
 * petrel_accounts_sign_in_async:
 * @create: register the account first (XEP-0077 in-band registration)
 *
 * Tries the details once (registering first when @create), and only on
 * success stores the account (the password in the Secret Service, or in
 * the profile file when the user allowed that) and starts its session.
 * Errors are the protocol's (XMPP_SASL_ERROR for a wrong password,
 * XMPP_STREAM_ERROR_DNS, _TLS with the certificate problem, …).
 */
void petrel_accounts_sign_in_async (PetrelAccounts              *self,
                                    const PetrelAccountSettings *settings,
                                    gboolean                     create,
                                    GCancellable                *cancellable,
                                    GAsyncReadyCallback          callback,
                                    gpointer                     user_data);
/** Returns: (transfer none) (nullable): the new account */
PetrelAccount *petrel_accounts_sign_in_finish (PetrelAccounts  *self,
                                               GAsyncResult    *result,
                                               GError         **error);

/** Stops the account's session and forgets its settings and password. */
gboolean petrel_accounts_remove (PetrelAccounts  *self,
                                 const char      *jid,
                                 GError         **error);

/**
 * petrel_accounts_open_conversation:
 *
 * Opens (creating it if needed) the conversation, loads its newest page
 * and marks it read.
 *
 * Returns: (transfer full): the messages, paged from the store; live
 *   messages are appended while the list is alive
 */
PetrelMessageList *petrel_accounts_open_conversation (PetrelAccounts *self,
                                                      const char     *account,
                                                      const char     *peer);

/** Marks the conversation read (unread count 0). */
void petrel_accounts_mark_read (PetrelAccounts *self,
                                const char     *account,
                                const char     *peer);

/**
 * petrel_accounts_send_message:
 *
 * Queues a chat message (outbox first) and sends it when online; it
 * appears in open message lists at once as `pending`.
 */
gboolean petrel_accounts_send_message (PetrelAccounts  *self,
                                       const char      *account,
                                       const char      *peer,
                                       const char      *body,
                                       GError         **error);

/**
 * petrel_accounts_send_chat_state:
 * @state: "composing", "paused", "active" (XEP-0085)
 *
 * Sent sparingly: only to contacts who may see our presence, only on a
 * change, never while offline.
 */
void petrel_accounts_send_chat_state (PetrelAccounts *self,
                                      const char     *account,
                                      const char     *peer,
                                      const char     *state);

/** Sets our presence on every account: @show PETREL_PRESENCE_*, @status nullable. */
void petrel_accounts_set_presence (PetrelAccounts     *self,
                                   PetrelPresenceShow  show,
                                   const char         *status);

/* Contacts (RFC 6121 §2, §3) */
void petrel_accounts_add_contact_async (PetrelAccounts      *self,
                                        const char          *account,
                                        const char          *jid,
                                        const char          *name,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean petrel_accounts_add_contact_finish (PetrelAccounts  *self,
                                             GAsyncResult    *result,
                                             GError         **error);
void petrel_accounts_rename_contact_async (PetrelAccounts      *self,
                                           const char          *account,
                                           const char          *jid,
                                           const char          *name,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean petrel_accounts_rename_contact_finish (PetrelAccounts  *self,
                                                GAsyncResult    *result,
                                                GError         **error);
void petrel_accounts_remove_contact_async (PetrelAccounts      *self,
                                           const char          *account,
                                           const char          *jid,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean petrel_accounts_remove_contact_finish (PetrelAccounts  *self,
                                                GAsyncResult    *result,
                                                GError         **error);
/** Answers a subscription request ("subscription-request" signal). */
void petrel_accounts_answer_subscription (PetrelAccounts *self,
                                          const char     *account,
                                          const char     *jid,
                                          gboolean        accept);

/*
 * Signals:
 *   "message-received" (PetrelConversation *conversation, PetrelMessage *message):
 *     a new incoming message was stored (for notifications)
 *   "subscription-request" (const char *account, const char *jid)
 *   "chat-state" (const char *account, const char *from, const char *state)
 */

G_END_DECLS
