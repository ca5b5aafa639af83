/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelSession: one account's connection and what runs on it.
 *
 * It owns the XmppClient of the account, attaches the protocol modules
 * (ping, disco, caps, version, roster, messages) and turns what arrives into
 * model objects for the front ends (petrel, petrel-cli).
 */
#pragma once

#include <gio/gio.h>

#include "petrel-account-store.h"
#include "petrel-contact.h"
#include "petrel-message.h"
#include "xmpp-node.h"
#include "xmpp-stream.h"

G_BEGIN_DECLS

#define PETREL_TYPE_SESSION (petrel_session_get_type ())
G_DECLARE_FINAL_TYPE (PetrelSession, petrel_session, PETREL, SESSION, GObject)

/**
 * petrel_session_new:
 * @record: the account's settings; copied
 *
 * Returns: (transfer full) (nullable): a session, or %NULL with @error when
 *   the stored JID is invalid
 */
PetrelSession *petrel_session_new (const PetrelAccountRecord  *record,
                                   GError                    **error) G_GNUC_WARN_UNUSED_RESULT;

/** Sends a copy of the protocol (secrets masked) to @func. */
void petrel_session_set_log_func (PetrelSession     *self,
                                  XmppStreamLogFunc  func,
                                  gpointer           user_data);

/** Announces the software version (XEP-0092) to anyone who asks; off by default. */
void petrel_session_set_share_version (PetrelSession *self,
                                       gboolean       share);

/** Returns: the account's bare JID */
const char *petrel_session_get_account (PetrelSession *self);
/** Returns: (nullable): the bound full JID while connected */
const char *petrel_session_get_bound_jid (PetrelSession *self);
/** Returns: whether the session is connected */
gboolean petrel_session_is_connected (PetrelSession *self);

void petrel_session_connect_async (PetrelSession       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean petrel_session_connect_finish (PetrelSession  *self,
                                        GAsyncResult   *result,
                                        GError        **error);

/**
 * petrel_session_go_online:
 *
 * Sends the initial presence (with entity caps) so contacts see the
 * account and messages for the bare JID reach it.
 */
void petrel_session_go_online (PetrelSession *self);

/**
 * petrel_session_send_message:
 *
 * Queues a chat message.  Use petrel_session_confirm_async() to learn that
 * the server has taken everything sent so far.
 *
 * Returns: %FALSE with @error when @to is not a valid address
 */
gboolean petrel_session_send_message (PetrelSession  *self,
                                      const char     *to,
                                      const char     *body,
                                      GError        **error);

/**
 * petrel_session_confirm_async:
 *
 * Completes once the server has processed every stanza sent before the
 * call: a ping round trip to the server, which answers in order (RFC 6120
 * §10.1).  Stream management acks replace it once enabled.
 */
void petrel_session_confirm_async (PetrelSession       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean petrel_session_confirm_finish (PetrelSession  *self,
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

void petrel_session_fetch_roster_async (PetrelSession       *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/** Returns: (transfer full) (element-type PetrelContact): the roster */
GPtrArray *petrel_session_fetch_roster_finish (PetrelSession  *self,
                                               GAsyncResult   *result,
                                               GError        **error);

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

/** Ends the stream politely; completes once it is closed. */
void petrel_session_close_async (PetrelSession       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gboolean petrel_session_close_finish (PetrelSession  *self,
                                      GAsyncResult   *result,
                                      GError        **error);

/*
 * Signals:
 *   "message" (PetrelMessage *message): a chat or normal message with a body
 *   "presence" (const char *from, const char *type, const char *show,
 *               const char *status): type is NULL for available
 *   "roster-push" (PetrelContact *contact, gboolean removed)
 *   "disconnected" (const GError *error): NULL after a requested close
 */

G_END_DECLS
