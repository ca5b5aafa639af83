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
#include "petrel-account-store.h"
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

void petrel_accounts_set_focused (PetrelAccounts *self,
                                  gboolean        focused);

/**
 * PetrelAccountSettings:
 * @allow_file_password: when no keyring (Secret Service) is reachable,
 *   keep the password in the profile's accounts.ini (mode 0600) instead;
 *   without it such a sign-in fails with
 *   %PETREL_STORE_ERROR_NO_SECRET_SERVICE before connecting, so the UI can
 *   ask "Keep the password in the profile file instead?" and try again
 *
 * @transport: (nullable): "auto" (%NULL), "tcp", "websocket" or "bosh"
 * @websocket_url: (nullable): a `wss://` endpoint instead of discovery
 * @bosh_url: (nullable): an `https://` endpoint instead of discovery
 *
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
  gboolean allow_file_password;
  const char *transport;
  const char *websocket_url;
  const char *bosh_url;
} PetrelAccountSettings;

/**
 * petrel_accounts_sign_in_async:
 * @create: register the account first (XEP-0077 in-band registration)
 *
 * Tries the details once (registering first when @create), and only on
 * success stores the account (the password in the Secret Service, or in
 * the profile file when the user allowed that) and starts its session.
 * Errors are the protocol's (XMPP_SASL_ERROR for a wrong password,
 * XMPP_STREAM_ERROR_DNS, _TLS with the certificate problem, …), and:
 * %PETREL_STORE_ERROR_EXISTS (the account is set up already),
 * %PETREL_STORE_ERROR_NO_SECRET_SERVICE (see
 * PetrelAccountSettings.allow_file_password), %G_IO_ERROR_INVALID_ARGUMENT
 * (no password, or @create without a user name), %G_IO_ERROR_CANCELLED;
 * with @create also XMPP_STANZA_ERROR with a readable message ("That user
 * name is taken") and %G_IO_ERROR_NOT_SUPPORTED when the server registers
 * only on its web site or wants more than a user name and password.
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

/**
 * petrel_accounts_dup_settings:
 *
 * Returns: (transfer full) (nullable): a copy of the account's stored
 *   settings, without the password; %NULL for an unknown account
 */
PetrelAccountRecord *petrel_accounts_dup_settings (PetrelAccounts *self,
                                                   const char     *jid) G_GNUC_WARN_UNUSED_RESULT;

/**
 * petrel_accounts_update_async:
 * @settings: the account's new settings, named by @settings->jid:
 *   host, port, direct TLS, CA file, resource, transport ("auto" or
 *   %NULL, "tcp", "websocket", "bosh"), WebSocket and BOSH URLs (`wss://`,
 *   `https://`), disabled; @settings->password is a new password, or
 *   %NULL (or "") to keep the current one.  @password_in_keyring is
 *   ignored: a new password goes to the Secret Service when one is
 *   reachable
 * @allow_file_password: as in #PetrelAccountSettings: without a keyring,
 *   keep a new password in accounts.ini (0600); otherwise such an update
 *   fails with %PETREL_STORE_ERROR_NO_SECRET_SERVICE and changes nothing
 *
 * Stores the settings and, when the connection settings or the password
 * changed, replaces the account's session with one built from them (the
 * old stream ends politely), connected at once when the account is
 * enabled.  Errors: %PETREL_STORE_ERROR_NOT_FOUND,
 * %PETREL_STORE_ERROR_NO_SECRET_SERVICE, %G_IO_ERROR_INVALID_ARGUMENT (an
 * unknown transport, a URL without TLS), and the file's write errors.
 */
void petrel_accounts_update_async (PetrelAccounts            *self,
                                   const PetrelAccountRecord *settings,
                                   gboolean                   allow_file_password,
                                   GCancellable              *cancellable,
                                   GAsyncReadyCallback        callback,
                                   gpointer                   user_data);
gboolean petrel_accounts_update_finish (PetrelAccounts  *self,
                                        GAsyncResult    *result,
                                        GError         **error);

/**
 * petrel_accounts_set_account_enabled:
 *
 * Enables or disables the account and remembers it (`disabled` in
 * accounts.ini).  A disabled account stays in the list, with its history
 * and contacts, but does not connect; enabling it connects it (when the
 * accounts are started and the presence is not offline).
 */
gboolean petrel_accounts_set_account_enabled (PetrelAccounts  *self,
                                              const char      *jid,
                                              gboolean         enabled,
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
 * It becomes the current conversation: while the app is active
 * (petrel_accounts_set_inactive ()), messages arriving there count as
 * read.  Held weakly: drop the list when the view closes.
 *
 * Returns: (transfer full) (nullable): the messages, paged from the store;
 *   live messages are appended while the list is alive.  %NULL for an
 *   unknown account or an invalid @peer
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

/**
 * petrel_accounts_set_presence:
 * @show: PETREL_PRESENCE_*; %PETREL_PRESENCE_OFFLINE disconnects every
 *   account (and any other value connects them again)
 * @status: (nullable): the status text
 *
 * Sets our presence on every account; it is sent again after each fresh
 * connection.
 */
void petrel_accounts_set_presence (PetrelAccounts     *self,
                                   PetrelPresenceShow  show,
                                   const char         *status);
PetrelPresenceShow petrel_accounts_get_presence_show (PetrelAccounts *self);
const char *petrel_accounts_get_presence_status (PetrelAccounts *self);
gboolean petrel_accounts_get_inactive (PetrelAccounts *self);
PetrelConversation *petrel_accounts_get_current_conversation (PetrelAccounts *self);

/*
 * Contacts (RFC 6121 §2, §3).  They need the account online (else
 * XMPP_STREAM_ERROR_CLOSED); the contact list changes when the server's
 * roster push arrives, just before the call completes.
 *
 * add_contact: adds @jid with @name (nullable) to the roster and asks for
 *   its presence (`subscribe`, §3.1.1).
 * rename_contact: sets the name (%NULL removes it), keeping the groups.
 * remove_contact: removes it from the roster, which also cancels both
 *   subscriptions (§2.5.2).
 */
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
/**
 * petrel_accounts_answer_subscription:
 *
 * Answers a subscription request ("subscription-request" signal): yes
 * (`subscribed`, and a request of our own when we do not see the
 * contact's presence yet, so both sides do), or no (`unsubscribed`).
 * Does nothing while offline.
 */
void petrel_accounts_answer_subscription (PetrelAccounts *self,
                                          const char     *account,
                                          const char     *jid,
                                          gboolean        accept);

/*
 * Signals:
 *   "message-received" (PetrelConversation *conversation, PetrelMessage *message):
 *     a new incoming message was stored (for notifications): live, a
 *     carbon, or from the archive catch-up after a reconnect (a first login
 *     brings up to 50 at once).  Also for the current conversation while
 *     the app is active, whose unread count stays 0: the UI decides
 *     whether that deserves a notification.
 *   "subscription-request" (const char *account, const char *jid): bare
 *     JIDs; requests from contacts approved before are answered by
 *     themselves and not signalled
 *   "chat-state" (const char *account, const char *from, const char *state):
 *     a peer's XEP-0085 state in a 1:1 chat ("active", "composing",
 *     "paused", "inactive", "gone"); @from is a bare JID
 */

G_END_DECLS
