/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelSession: one account's connection and what runs on it.
 *
 * It owns the account's XmppClient and keeps it up: reconnecting with
 * exponential backoff and jitter, at once when the network changes,
 * resuming the XEP-0198 session where it can.  It attaches the protocol
 * modules and turns what arrives into store rows and model objects for the
 * front ends (petrel, petrel-cli).
 *
 * Delivery (DESIGN.md): a message is written to the outbox before any byte
 * goes out; the server's ack (XEP-0198, or a ping round trip without it)
 * moves it to `sent`; a receipt or marker to `delivered` or `displayed`.
 * A received message is stored before the stream counter that acks it
 * moves, and deduplicated by stanza-id and origin-id, so the archive
 * catch-up after each reconnect never shows it twice.
 *
 *   OFFLINE ──start()──▶ CONNECTING ──▶ ONLINE ──link lost──▶ WAITING ──backoff/network──▶ CONNECTING
 *                            │ wrong password, bad certificate          ▲
 *                            ▼                                          │ other failures
 *                          FAILED (no automatic retry) ◀────────────────┘
 */
#pragma once

#include <gio/gio.h>

#include "petrel-account-store.h"
#include "petrel-contact.h"
#include "petrel-db.h"
#include "petrel-message.h"
#include "xmpp-node.h"
#include "xmpp-stream.h"

G_BEGIN_DECLS

typedef enum {
  PETREL_SESSION_OFFLINE,
  PETREL_SESSION_CONNECTING,
  PETREL_SESSION_ONLINE,
  PETREL_SESSION_WAITING,
  PETREL_SESSION_FAILED,
} PetrelSessionState;

/**
 * PetrelSessionMode:
 * @PETREL_SESSION_MODE_QUERY: one connection for requests (roster, ping):
 *   no presence, no catch-up, nothing sent from the outbox
 * @PETREL_SESSION_MODE_SEND: sends the outbox; no presence, carbons or
 *   catch-up (petrel-cli send/flush)
 * @PETREL_SESSION_MODE_FULL: carbons, roster, archive catch-up, presence,
 *   outbox (the desktop app, petrel-cli listen)
 */
typedef enum {
  PETREL_SESSION_MODE_QUERY,
  PETREL_SESSION_MODE_SEND,
  PETREL_SESSION_MODE_FULL,
} PetrelSessionMode;

#define PETREL_TYPE_SESSION (petrel_session_get_type ())
G_DECLARE_FINAL_TYPE (PetrelSession, petrel_session, PETREL, SESSION, GObject)

/**
 * petrel_session_new:
 * @record: the account's settings; copied
 * @db: (nullable): the profile's store; it must outlive the session.
 *   Without it nothing is stored (and nothing can be queued)
 *
 * Returns: (transfer full) (nullable): a session, or %NULL with @error when
 *   the stored JID is invalid
 */
PetrelSession *petrel_session_new (const PetrelAccountRecord  *record,
                                   PetrelDb                   *db,
                                   GError                    **error) G_GNUC_WARN_UNUSED_RESULT;

/** Sends a copy of the protocol (secrets masked) to @func. */
void petrel_session_set_log_func (PetrelSession     *self,
                                  XmppStreamLogFunc  func,
                                  gpointer           user_data);

/** Announces the software version (XEP-0092) to anyone who asks; off by default. */
void petrel_session_set_share_version (PetrelSession *self,
                                       gboolean       share);

/**
 * petrel_session_set_inactive:
 *
 * XEP-0352 Client State Indication: inactive while no window of the app
 * is focused (petrel-cli --inactive), so the server holds back presence
 * noise.  Sent at once when online and when it changes.
 */
void petrel_session_set_inactive (PetrelSession *self,
                                  gboolean       inactive);

/** Returns: the account's bare JID */
const char *petrel_session_get_account (PetrelSession *self);
/** Returns: (nullable): the bound full JID while connected */
const char *petrel_session_get_bound_jid (PetrelSession *self);
/** Returns: whether the session is connected */
gboolean petrel_session_is_connected (PetrelSession *self);
/** Returns: the connection state */
PetrelSessionState petrel_session_get_state (PetrelSession *self);
/** Returns: (nullable): why the last attempt failed or the link was lost */
const GError *petrel_session_get_error (PetrelSession *self);

/**
 * petrel_session_connect_async:
 *
 * One connection attempt in @mode; no reconnection.  Completes once the
 * session is ready (for FULL: carbons, roster, catch-up and presence done).
 */
void petrel_session_connect_async (PetrelSession       *self,
                                   PetrelSessionMode    mode,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean petrel_session_connect_finish (PetrelSession  *self,
                                        GAsyncResult   *result,
                                        GError        **error);

/**
 * petrel_session_start:
 *
 * Connects in @mode and stays connected until petrel_session_stop_async():
 * reconnects after every loss except a rejected password or certificate.
 * Watch "state" and "online".
 */
void petrel_session_start (PetrelSession     *self,
                           PetrelSessionMode  mode);

/** Ends the stream politely and stops reconnecting. */
void petrel_session_stop_async (PetrelSession       *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
gboolean petrel_session_stop_finish (PetrelSession  *self,
                                     GAsyncResult   *result,
                                     GError        **error);

/**
 * petrel_session_send_message:
 * @out_id: (out) (optional) (transfer full): the message's origin-id
 *
 * Writes the message to the outbox (state `pending`), then sends it when
 * online.  "message-state" reports `sent` once the server has it.
 *
 * Returns: %FALSE with @error when @to is invalid or the store failed
 */
gboolean petrel_session_send_message (PetrelSession  *self,
                                      const char     *to,
                                      const char     *body,
                                      char          **out_id,
                                      GError        **error);

/**
 * petrel_session_send_displayed:
 * @peer: the conversation (a bare JID)
 *
 * Sends one XEP-0333 <displayed/> for the newest received message of the
 * conversation that asked for markers, once per message (see
 * petrel-session-messages.c).
 *
 * Returns: whether a marker was sent
 */
gboolean petrel_session_send_displayed (PetrelSession *self,
                                        const char    *peer);

/**
 * petrel_session_flush:
 *
 * Sends every queued message of the account that is not on its way yet.
 */
void petrel_session_flush (PetrelSession *self);

/**
 * petrel_session_dup_pending_ids:
 *
 * Returns: (transfer full): the origin-ids of the account's messages
 *   waiting in the outbox, oldest first
 */
GStrv petrel_session_dup_pending_ids (PetrelSession *self);

/**
 * petrel_session_confirm_async:
 *
 * Completes once the server has processed every stanza sent before the
 * call: a ping round trip (the server answers in order, RFC 6120 §10.1).
 */
void petrel_session_confirm_async (PetrelSession       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean petrel_session_confirm_finish (PetrelSession  *self,
                                        GAsyncResult   *result,
                                        GError        **error);

/**
 * petrel_session_catch_up_async:
 *
 * Fetches the own archive (XEP-0313) from the last stored position,
 * page by page, storing as it goes.  Runs by itself after each fresh
 * connection in FULL mode.
 */
void petrel_session_catch_up_async (PetrelSession       *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/** Returns: the number of new messages stored, -1 with @error */
gint64 petrel_session_catch_up_finish (PetrelSession  *self,
                                       GAsyncResult   *result,
                                       GError        **error);

/** petrel_session_ping_async: @jid: (nullable): %NULL pings the server */
void petrel_session_ping_async (PetrelSession       *self,
                                const char          *jid,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
gboolean petrel_session_ping_finish (PetrelSession  *self,
                                     GAsyncResult   *result,
                                     GError        **error);

/** petrel_session_disco_info_async: @jid: (nullable): %NULL asks the server */
void petrel_session_disco_info_async (PetrelSession       *self,
                                      const char          *jid,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/** Returns: (transfer full) (nullable): the disco#info <query/> */
XmppNode *petrel_session_disco_info_finish (PetrelSession  *self,
                                            GAsyncResult   *result,
                                            GError        **error);

/**
 * petrel_session_fetch_roster_async:
 *
 * Fetches the roster with the stored version (RFC 6121 §2.6): an unchanged
 * roster costs one empty reply and is read from the store.
 */
void petrel_session_fetch_roster_async (PetrelSession       *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/** Returns: (transfer full) (element-type PetrelContact): the roster */
GPtrArray *petrel_session_fetch_roster_finish (PetrelSession  *self,
                                               GAsyncResult   *result,
                                               GError        **error);

/**
 * petrel_session_dup_roster:
 *
 * Returns: (transfer full) (element-type PetrelContact): the stored roster
 */
GPtrArray *petrel_session_dup_roster (PetrelSession *self);

/** petrel_session_roster_set_async: @name: (nullable) @groups: (nullable) */
void petrel_session_roster_set_async (PetrelSession       *self,
                                      const char          *jid,
                                      const char          *name,
                                      const char * const  *groups,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean petrel_session_roster_set_finish (PetrelSession  *self,
                                           GAsyncResult   *result,
                                           GError        **error);

void petrel_session_roster_remove_async (PetrelSession       *self,
                                         const char          *jid,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean petrel_session_roster_remove_finish (PetrelSession  *self,
                                              GAsyncResult   *result,
                                              GError        **error);

/* Presence, subscriptions and chat states (petrel-session-presence.c) */

/**
 * petrel_session_set_presence:
 * @show: (nullable): "away", "chat", "dnd" or "xa" (RFC 6121 §4.7.2.1);
 *   %NULL for plain availability
 * @status: (nullable): the status text; "" counts as none
 *
 * Chooses our presence.  It goes out at once when online in FULL mode,
 * and again after every fresh connection; nothing is sent when it did
 * not change.
 */
void petrel_session_set_presence (PetrelSession *self,
                                  const char    *show,
                                  const char    *status);
/** Returns: (nullable): the chosen `<show/>`, %NULL for plain availability */
const char *petrel_session_get_presence_show (PetrelSession *self);
/** Returns: (nullable): the chosen status text */
const char *petrel_session_get_presence_status (PetrelSession *self);

/**
 * petrel_session_answer_subscription:
 * @jid: who asked ("presence" with type `subscribe`)
 * @accept: %TRUE sends `subscribed`, %FALSE `unsubscribed` (RFC 6121 §3.1.4)
 *
 * Returns: %FALSE with @error when @jid is invalid or the session is not
 *   connected
 */
gboolean petrel_session_answer_subscription (PetrelSession  *self,
                                             const char     *jid,
                                             gboolean        accept,
                                             GError        **error);
/** Asks @jid for its presence: `subscribe` (RFC 6121 §3.1.1). */
gboolean petrel_session_request_subscription (PetrelSession  *self,
                                              const char     *jid,
                                              GError        **error);
/**
 * petrel_session_get_subscription:
 * @jid: a bare JID
 *
 * Returns: (nullable): "none", "to", "from" or "both" from the stored
 *   roster; %NULL when @jid is not in the roster
 */
const char *petrel_session_get_subscription (PetrelSession *self,
                                             const char    *jid);

/**
 * petrel_session_send_chat_state:
 * @to: the peer (its bare JID is used)
 * @state: "active", "composing", "paused", "inactive" or "gone"
 *
 * Sends a standalone XEP-0085 notification, but only while online in
 * FULL mode and only to a contact with subscription `from` or `both`
 * (anybody else must not learn that we are online).  Sending only on a
 * change is the caller's business.
 *
 * Returns: whether it was sent
 */
gboolean petrel_session_send_chat_state (PetrelSession *self,
                                         const char    *to,
                                         const char    *state);

/**
 * PetrelChatStateFunc:
 * @from: the peer's bare JID
 * @state: "active", "composing", "paused", "inactive" or "gone"
 */
typedef void (*PetrelChatStateFunc) (PetrelSession *session,
                                     const char    *from,
                                     const char    *state,
                                     gpointer       user_data);

/**
 * petrel_session_set_chat_state_func:
 * @func: (nullable): called for each chat state a peer sends in a 1:1
 *   chat (not for delayed ones, nor from our own resources)
 */
void petrel_session_set_chat_state_func (PetrelSession       *self,
                                         PetrelChatStateFunc  func,
                                         gpointer             user_data,
                                         GDestroyNotify       destroy);

/*
 * Signals:
 *   "online" (gboolean resumed): connected and ready
 *   "disconnected" (const GError *error): the link was lost or closed
 *   "message" (PetrelMessage *message): a message stored for the first
 *     time (live, carbon or archive)
 *   "message-state" (const char *origin_id, const char *state): an
 *     outgoing message moved to sent, delivered, displayed or failed
 *   "presence" (const char *from, const char *type, const char *show,
 *               const char *status): type is NULL for available
 *   "roster-push" (PetrelContact *contact, gboolean removed)
 */

G_END_DECLS
