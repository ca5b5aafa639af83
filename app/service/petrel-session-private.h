/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The state PetrelSession's files share: petrel-session.c (connection,
 * reconnection), petrel-session-messages.c (outbox, receiving, receipts,
 * markers, carbons), petrel-session-catchup.c (XEP-0313),
 * petrel-session-roster.c (roster with versioning).
 */
#pragma once

#include "petrel-session.h"
#include "xep-0115-caps.h"
#include "xep-0198-sm.h"
#include "xmpp-client.h"
#include "xmpp-connector.h"

G_BEGIN_DECLS

struct _PetrelSession
{
  GObject parent_instance;

  PetrelAccountRecord *record;
  XmppJid *jid;
  PetrelDb *db;
  gint64 account_id;
  XmppStreamLogFunc log_func;
  gpointer log_data;
  gboolean share_version;
  gboolean inactive;

  PetrelSessionMode mode;
  PetrelSessionState state;
  GError *error;
  gboolean keep_connected;
  guint reconnect_id;
  guint attempt;
  GNetworkMonitor *monitor;
  gulong network_changed_id;
  GCancellable *cancellable;
  GTask *connect_task;

  XmppConnector *connector;
  XmppClient *client;
  XmppSm *sm;
  XmppCapsCache *caps;
  char *bound;
  gboolean trust_stanza_id;
  /* The archive was read to its end on this connection: live messages
   * from now on are newer than anything in it, so their stanza-ids may
   * move the catch-up position. */
  gboolean caught_up;
  /* When the current connection was established (µs, real time). */
  gint64 connected_at;

  /* bare JID → PetrelDbSubscription, kept in step with the store */
  GHashTable *roster;
  /* origin-id → message row id of messages on their way (sent on this
   * stream and not acknowledged yet) */
  GHashTable *in_flight;
  gboolean sm_active;
  gboolean confirm_pending;
};

/* petrel-session.c */
void petrel_session_set_state (PetrelSession      *self,
                               PetrelSessionState  state);
void petrel_session_emit_message (PetrelSession         *self,
                                  const PetrelDbMessage *message,
                                  const char            *from,
                                  const char            *to,
                                  const char            *type);

/* Completes @task with XMPP_STREAM_ERROR_CLOSED unless connected. */
gboolean petrel_session_check_connected (PetrelSession *self,
                                         GTask         *task);

/* petrel-session-messages.c */
void petrel_session_messages_attach (PetrelSession *self);
void petrel_session_messages_attach_client (PetrelSession *self);
void petrel_session_messages_reset (PetrelSession *self,
                                    gboolean       resumed);
gboolean petrel_session_store_message (PetrelSession *self,
                                       XmppNode      *message,
                                       gboolean       outgoing,
                                       const char    *archive_id,
                                       GDateTime     *stamp,
                                       gboolean       from_archive,
                                       gboolean      *out_new);
void petrel_session_trust_stanza_ids_async (PetrelSession       *self,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);

/* petrel-session-roster.c */
void petrel_session_roster_attach (PetrelSession *self);
void petrel_session_roster_load (PetrelSession *self);
PetrelDbSubscription petrel_session_roster_subscription (PetrelSession *self,
                                                         const char    *bare_jid);

G_END_DECLS
