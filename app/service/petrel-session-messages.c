/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Messages of a PetrelSession: the outbox, receiving and storing,
 * receipts (XEP-0184), markers (XEP-0333), carbons (XEP-0280) and the
 * acknowledgements that move a message to `sent`.
 */
#define G_LOG_DOMAIN "petrel-session-messages"

#include "petrel-session-private.h"

#include "xep-0030-disco.h"
#include "xep-0184-receipts.h"
#include "xep-0199-ping.h"
#include "xep-0203-delay.h"
#include "xep-0280-carbons.h"
#include "xep-0313-mam.h"
#include "xep-0333-markers.h"
#include "xep-0359-sid.h"
#include "xmpp-error.h"
#include "xmpp-message.h"

#define NS_CORRECT "urn:xmpp:message-correct:0"

static const char * const state_names[] = { "pending", "sent", "delivered", "displayed", "failed" };

static void
emit_state (PetrelSession        *self,
            const char           *origin_id,
            PetrelDbMessageState  state)
{
  g_signal_emit_by_name (self, "message-state", origin_id, state_names[state]);
}

/* Moves an outgoing message forward; reports it when it really moved. */
static void
advance (PetrelSession        *self,
         gint64                message_id,
         const char           *origin_id,
         PetrelDbMessageState  state)
{
  g_autoptr(GError) error = NULL;
  gboolean changed = FALSE;

  if (state == PETREL_DB_STATE_SENT)
    {
      if (!petrel_db_outbox_mark_sent (self->db, message_id, &error))
        g_debug ("cannot mark %s sent: %s", origin_id, error->message);
      changed = TRUE;
    }
  else if (!petrel_db_message_set_state (self->db, message_id, state, &changed, &error))
    {
      g_debug ("cannot move %s on: %s", origin_id, error->message);
    }

  if (changed)
    emit_state (self, origin_id, state);
}

static void
mark_in_flight_sent (PetrelSession *self,
                     const char    *origin_id)
{
  gint64 *message_id = g_hash_table_lookup (self->in_flight, origin_id);

  if (message_id == NULL)
    return;

  advance (self, *message_id, origin_id, PETREL_DB_STATE_SENT);
  g_hash_table_remove (self->in_flight, origin_id);
}

/* XEP-0198: the server has the stanza. */
static void
sm_acked_cb (XmppSm   *sm,
             XmppNode *stanza,
             gpointer  user_data)
{
  PetrelSession *self = user_data;
  const char *id;

  if (!xmpp_node_is (stanza, "message", XMPP_NS_CLIENT))
    return;
  if ((id = xmpp_node_get_attr (stanza, "id")) != NULL)
    mark_in_flight_sent (self, id);
}

/* Without stream management, a ping round trip proves the server took
 * everything sent before it (RFC 6120 §10.1: stanzas are handled in order). */
typedef struct
{
  PetrelSession *self;
  GPtrArray *ids;
} Confirm;

static void
confirm_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Confirm *c = user_data;
  g_autoptr(PetrelSession) self = c->self;
  g_autoptr(GPtrArray) ids = c->ids;
  g_autoptr(GError) error = NULL;

  g_free (c);
  self->confirm_pending = FALSE;
  if (!xmpp_ping_finish (XMPP_CLIENT (source), result, &error))
    return;

  for (guint i = 0; i < ids->len; i++)
    mark_in_flight_sent (self, g_ptr_array_index (ids, i));

  /* Messages sent while the ping was out need their own. */
  if (g_hash_table_size (self->in_flight) > 0 && !self->sm_active && petrel_session_is_connected (self))
    {
      self->confirm_pending = TRUE;
      Confirm *next = g_new0 (Confirm, 1);
      GHashTableIter iter;
      gpointer key;

      next->self = g_object_ref (self);
      next->ids = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_iter_init (&iter, self->in_flight);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (next->ids, g_strdup (key));
      xmpp_ping_async (self->client, NULL, NULL, confirm_done_cb, next);
    }
}

static void
request_confirmation (PetrelSession *self)
{
  Confirm *c;
  GHashTableIter iter;
  gpointer key;

  if (self->confirm_pending || g_hash_table_size (self->in_flight) == 0 ||
      !petrel_session_is_connected (self))
    return;

  c = g_new0 (Confirm, 1);
  c->self = g_object_ref (self);
  c->ids = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (c->ids, g_strdup (key));

  self->confirm_pending = TRUE;
  xmpp_ping_async (self->client, NULL, NULL, confirm_done_cb, c);
}

static void
sm_failed_cb (XmppSm   *sm,
              gpointer  user_data)
{
  PetrelSession *self = user_data;

  self->sm_active = FALSE;
  request_confirmation (self);
}

void
petrel_session_messages_attach (PetrelSession *self)
{
  g_signal_connect (self->sm, "acked", G_CALLBACK (sm_acked_cb), self);
  g_signal_connect (self->sm, "failed", G_CALLBACK (sm_failed_cb), self);
}

/* Sending */

static gboolean
can_send (PetrelSession *self)
{
  return self->db != NULL && petrel_session_is_connected (self) &&
         self->mode != PETREL_SESSION_MODE_QUERY;
}

/* Puts one outbox message on the wire, unless it is already on its way. */
static void
send_queued (PetrelSession *self,
             gint64         message_id,
             const char    *peer,
             const char    *origin_id,
             const char    *body)
{
  g_autoptr(XmppJid) to = NULL;
  g_autoptr(XmppNode) message = NULL;

  if (origin_id == NULL || g_hash_table_contains (self->in_flight, origin_id))
    return;

  to = xmpp_jid_parse (peer, NULL);
  if (to == NULL)
    {
      petrel_db_outbox_mark_failed (self->db, message_id, NULL);
      emit_state (self, origin_id, PETREL_DB_STATE_FAILED);
      return;
    }

  /* The origin-id doubles as the stanza id, so receipts, markers, error
   * replies and the archive all name the message the same way. */
  message = xmpp_message_new_chat (to, origin_id, body);
  xmpp_sid_add_origin_id (message, origin_id);
  xmpp_receipts_add_request (message);
  xmpp_markers_add_markable (message);

  petrel_db_outbox_note_attempt (self->db, message_id, g_get_real_time (), NULL, NULL);
  g_hash_table_insert (self->in_flight, g_strdup (origin_id), g_memdup2 (&message_id, sizeof (gint64)));
  xmpp_client_send (self->client, message);
}

void
petrel_session_flush (PetrelSession *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PETREL_IS_SESSION (self));

  if (!can_send (self))
    return;

  entries = petrel_db_outbox_list (self->db, self->account_id, &error);
  if (entries == NULL)
    {
      g_warning ("cannot read the outbox: %s", error->message);
      return;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      PetrelDbOutboxEntry *entry = g_ptr_array_index (entries, i);

      send_queued (self, entry->message->id, entry->peer, entry->message->origin_id,
                   entry->message->body);
    }

  if (!self->sm_active)
    request_confirmation (self);
}

GStrv
petrel_session_dup_pending_ids (PetrelSession *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (PETREL_IS_SESSION (self), NULL);

  if (self->db != NULL)
    entries = petrel_db_outbox_list (self->db, self->account_id, NULL);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      PetrelDbOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (entry->message->origin_id != NULL)
        g_strv_builder_add (builder, entry->message->origin_id);
    }

  return g_strv_builder_end (builder);
}

gboolean
petrel_session_send_message (PetrelSession  *self,
                             const char     *to,
                             const char     *body,
                             char          **out_id,
                             GError        **error)
{
  g_autoptr(XmppJid) jid = NULL;
  g_autofree char *origin_id = NULL;
  PetrelDbMessage row = { 0 };
  gint64 conversation_id = 0;

  g_return_val_if_fail (PETREL_IS_SESSION (self), FALSE);
  g_return_val_if_fail (to != NULL && body != NULL, FALSE);

  jid = xmpp_jid_parse (to, error);
  if (jid == NULL)
    return FALSE;
  if (self->db == NULL)
    {
      g_set_error_literal (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                           "No message store is open");
      return FALSE;
    }

  if (!petrel_db_conversation_ensure (self->db, self->account_id, xmpp_jid_get_bare_string (jid),
                                      PETREL_DB_CONVERSATION_CHAT, &conversation_id, error))
    return FALSE;

  /* DESIGN.md: the outbox row exists before anything reaches the socket,
   * so a crash from here on leaves the message to be sent again with the
   * same id. */
  origin_id = xmpp_client_new_id ();
  row.conversation_id = conversation_id;
  row.direction = PETREL_DB_DIRECTION_OUTGOING;
  row.state = PETREL_DB_STATE_PENDING;
  row.sender = (char *) xmpp_jid_get_bare_string (self->jid);
  row.origin_id = origin_id;
  row.local_time = g_get_real_time ();
  row.body = (char *) body;
  if (!petrel_db_outbox_enqueue (self->db, &row, &row.id, error))
    return FALSE;

  /* Only the new row: whatever else waits went out at connect. */
  if (can_send (self))
    {
      send_queued (self, row.id, xmpp_jid_get_bare_string (jid), origin_id, body);
      if (!self->sm_active)
        request_confirmation (self);
    }

  if (out_id != NULL)
    *out_id = g_steal_pointer (&origin_id);
  return TRUE;
}

void
petrel_session_confirm_async (PetrelSession       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  petrel_session_ping_async (self, NULL, cancellable, callback, user_data);
}

gboolean
petrel_session_confirm_finish (PetrelSession  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  return petrel_session_ping_finish (self, result, error);
}

void
petrel_session_messages_reset (PetrelSession *self,
                               gboolean       resumed)
{
  self->confirm_pending = FALSE;

  if (resumed)
    {
      /* The stream manager sent again what the server missed; anything
       * queued while offline goes now. */
      self->sm_active = TRUE;
      petrel_session_flush (self);
      return;
    }

  /* A fresh session: the server never saw what the old one did not
   * acknowledge.  The outbox still has those messages (only acks remove
   * them), so the next flush sends each exactly once. */
  g_ptr_array_unref (xmpp_sm_take_unacked (self->sm));
  g_hash_table_remove_all (self->in_flight);
  self->caught_up = FALSE;
  self->sm_active = xmpp_client_get_stream_feature (self->client, "sm", XMPP_NS_SM) != NULL;
}

/* Receiving */

static gboolean
may_see_presence (PetrelSession *self,
                  const XmppJid *from)
{
  PetrelDbSubscription sub = petrel_session_roster_subscription (self, xmpp_jid_get_bare_string (from));

  return sub == PETREL_DB_SUBSCRIPTION_FROM || sub == PETREL_DB_SUBSCRIPTION_BOTH;
}

/* Displayed markers (XEP-0333 §5, §6): per conversation, the newest
 * received message that asked for markers, and whether our <displayed/>
 * for it went out.  A marker covers every message before it, so one for
 * the newest is all a conversation ever needs, and it is sent once.  Kept
 * on the session as data so that the connection code need not know. */
typedef struct
{
  char *id;
  char *thread;
  gint64 time;
  gboolean sent;
} Markable;

static void
markable_free (gpointer data)
{
  Markable *m = data;

  g_free (m->id);
  g_free (m->thread);
  g_free (m);
}

static GHashTable *
markables (PetrelSession *self)
{
  static GQuark quark;
  GHashTable *table;

  if (quark == 0)
    quark = g_quark_from_static_string ("petrel-session-markables");

  table = g_object_get_qdata (G_OBJECT (self), quark);
  if (table == NULL)
    {
      table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, markable_free);
      g_object_set_qdata_full (G_OBJECT (self), quark, table, (GDestroyNotify) g_hash_table_unref);
    }

  return table;
}

/* A received message was stored for the first time: it becomes the one
 * to mark when it asks for markers and is the newest so far (archive
 * pages and held-back messages may arrive after newer live ones). */
static void
note_markable (PetrelSession  *self,
               XmppNode       *message,
               const XmppJid  *peer,
               gint64          time)
{
  const char *bare = xmpp_jid_get_bare_string (peer);
  XmppNode *thread;
  Markable *m;

  if (!xmpp_markers_is_markable (message))
    return;

  m = g_hash_table_lookup (markables (self), bare);
  if (m != NULL && m->time > time)
    return;

  m = g_new0 (Markable, 1);
  m->id = g_strdup (xmpp_node_get_attr (message, "id"));
  thread = xmpp_node_get_child (message, "thread", XMPP_NS_CLIENT);
  if (thread != NULL && *xmpp_node_get_text (thread) != '\0')
    m->thread = g_strdup (xmpp_node_get_text (thread));
  m->time = time;
  g_hash_table_replace (markables (self), g_strdup (bare), m);
}

/* Our own <displayed/>, sent by another of our clients (a carbon, §7):
 * that message needs no marker from here. */
static void
note_own_marker (PetrelSession *self,
                 XmppNode      *message)
{
  const char *to_attr = xmpp_node_get_attr (message, "to");
  g_autoptr(XmppJid) to = to_attr != NULL ? xmpp_jid_parse (to_attr, NULL) : NULL;
  const char *id = NULL;
  Markable *m;

  if (to == NULL || xmpp_markers_get_marker (message, &id) < XMPP_MARKER_DISPLAYED)
    return;

  m = g_hash_table_lookup (markables (self), xmpp_jid_get_bare_string (to));
  if (m != NULL && g_strcmp0 (m->id, id) == 0)
    m->sent = TRUE;
}

/**
 * petrel_session_send_displayed:
 * @peer: the conversation (a bare JID)
 *
 * Sends the XEP-0333 <displayed/> marker for the newest received message
 * of the conversation that asked for one, unless it went out already.
 * Only while online in FULL mode, and only to a contact who may see our
 * presence (a marker tells that we are online, as a receipt does).
 *
 * Returns: whether a marker was sent
 */
gboolean
petrel_session_send_displayed (PetrelSession *self,
                               const char    *peer)
{
  g_autoptr(XmppJid) to = NULL;
  g_autoptr(XmppNode) marker = NULL;
  Markable *m;

  g_return_val_if_fail (PETREL_IS_SESSION (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);

  to = xmpp_jid_parse (peer, NULL);
  if (to == NULL)
    return FALSE;
  m = g_hash_table_lookup (markables (self), xmpp_jid_get_bare_string (to));
  if (m == NULL || m->sent)
    return FALSE;
  if (!petrel_session_is_connected (self) || self->mode != PETREL_SESSION_MODE_FULL ||
      !may_see_presence (self, to))
    return FALSE;

  marker = xmpp_markers_build (XMPP_MARKER_DISPLAYED, to, XMPP_MESSAGE_CHAT, m->id, m->thread);
  xmpp_client_send (self->client, marker);
  m->sent = TRUE;

  return TRUE;
}

gboolean
petrel_session_store_message (PetrelSession *self,
                              XmppNode      *message,
                              gboolean       outgoing,
                              const char    *archive_id,
                              GDateTime     *stamp,
                              gboolean       from_archive,
                              gboolean      *out_new)
{
  g_autoptr(XmppJid) from = NULL;
  g_autoptr(XmppJid) to = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) delay = NULL;
  const char *body = xmpp_message_get_body (message);
  const char *from_attr = xmpp_node_get_attr (message, "from");
  const char *to_attr = xmpp_node_get_attr (message, "to");
  XmppNode *replace;
  const XmppJid *peer;
  PetrelDbMessage row = { 0 };
  gint64 conversation_id = 0;
  gboolean duplicate = FALSE;

  if (out_new != NULL)
    *out_new = FALSE;
  if (body == NULL || self->db == NULL)
    return FALSE;

  from = from_attr ? xmpp_jid_parse (from_attr, NULL) : NULL;
  to = to_attr ? xmpp_jid_parse (to_attr, NULL) : NULL;
  if (outgoing && from == NULL)
    from = xmpp_jid_ref (self->jid);
  if (!outgoing && to == NULL)
    to = xmpp_jid_ref (self->jid);
  peer = outgoing ? to : from;
  if (peer == NULL || from == NULL || to == NULL)
    return FALSE;

  if (!petrel_db_conversation_ensure (self->db, self->account_id, xmpp_jid_get_bare_string (peer),
                                      PETREL_DB_CONVERSATION_CHAT, &conversation_id, &error))
    {
      g_warning ("cannot store a message: %s", error->message);
      return FALSE;
    }

  if (stamp == NULL)
    stamp = delay = xmpp_delay_get_stamp (message);

  row.conversation_id = conversation_id;
  row.direction = outgoing ? PETREL_DB_DIRECTION_OUTGOING : PETREL_DB_DIRECTION_INCOMING;
  row.state = outgoing ? PETREL_DB_STATE_SENT : PETREL_DB_STATE_DELIVERED;
  row.sender = (char *) xmpp_jid_to_string (from);
  /* Clients without XEP-0359 still give their stanza id, which is what
   * their receipts and corrections refer to. */
  row.origin_id = (char *) xmpp_sid_get_origin_id (message);
  if (row.origin_id == NULL)
    row.origin_id = (char *) xmpp_node_get_attr (message, "id");
  /* A stanza-id counts only when the own archive set it (XEP-0359 §7). */
  if (archive_id != NULL)
    row.stanza_id = (char *) archive_id;
  else if (self->trust_stanza_id)
    {
      g_autoptr(XmppJid) own = xmpp_jid_dup_bare (self->jid);

      row.stanza_id = (char *) xmpp_sid_get_stanza_id (message, own);
    }
  if (row.stanza_id != NULL)
    row.stanza_id_by = (char *) xmpp_jid_get_bare_string (self->jid);
  row.server_time = stamp ? g_date_time_to_unix (stamp) * G_USEC_PER_SEC + g_date_time_get_microsecond (stamp) : 0;
  /* Most servers stamp whole seconds.  A message that was held back (a
   * resend after a cut, the archive) was sent after the live ones it
   * shares that second with, so it sorts at the end of its second rather
   * than before messages it followed. */
  if (stamp != NULL && g_date_time_get_microsecond (stamp) == 0)
    row.server_time += G_USEC_PER_SEC - 1;
  /* Held back by the server (offline, resent after a cut, the archive):
   * sent before this connection began, so before every live message it
   * brings, whatever the precision of the stamp. */
  if (stamp != NULL && self->connected_at > 0 && row.server_time >= self->connected_at)
    row.server_time = self->connected_at - 1;
  row.local_time = g_get_real_time ();
  row.body = (char *) body;
  replace = xmpp_node_get_child (message, "replace", NS_CORRECT);
  if (replace != NULL)
    row.replaces = (char *) xmpp_node_get_attr (replace, "id");

  if (!petrel_db_message_insert (self->db, &row, PETREL_DB_INSERT_DEFAULT, &row.id, &duplicate, &error))
    {
      g_warning ("cannot store a message: %s", error->message);
      return FALSE;
    }

  /* Keeps the next catch-up short: it starts after the newest message
   * already stored (see caught_up). */
  if (!from_archive && self->caught_up && row.stanza_id != NULL)
    petrel_db_archive_set_position (self->db, self->account_id, xmpp_jid_get_bare_string (self->jid),
                                    row.stanza_id, g_get_real_time (), NULL);

  /* Before the signal: whoever shows the message may mark it at once. */
  if (!duplicate && !outgoing)
    note_markable (self, message, peer, row.server_time != 0 ? row.server_time : row.local_time);
  if (!duplicate)
    petrel_session_emit_message (self, &row, xmpp_jid_to_string (from), xmpp_jid_to_string (to),
                                 xmpp_message_type_to_string (xmpp_message_type_from_string (xmpp_node_get_attr (message, "type"))));
  if (out_new != NULL)
    *out_new = !duplicate;

  return TRUE;
}

static void
handle_error_reply (PetrelSession *self,
                    XmppNode      *stanza,
                    XmppJid       *from)
{
  g_autoptr(PetrelDbMessage) original = NULL;
  const char *id = xmpp_node_get_attr (stanza, "id");
  gint64 conversation_id = 0;

  if (id == NULL || from == NULL || self->db == NULL)
    return;
  if (!petrel_db_conversation_ensure (self->db, self->account_id, xmpp_jid_get_bare_string (from),
                                      PETREL_DB_CONVERSATION_CHAT, &conversation_id, NULL))
    return;

  original = petrel_db_message_lookup_by_origin_id (self->db, conversation_id,
                                                    PETREL_DB_DIRECTION_OUTGOING, id, NULL);
  if (original != NULL && original->state <= PETREL_DB_STATE_SENT)
    {
      g_hash_table_remove (self->in_flight, id);
      petrel_db_outbox_mark_failed (self->db, original->id, NULL);
      emit_state (self, id, PETREL_DB_STATE_FAILED);
    }
}

static gboolean
message_cb (XmppClient *client,
            XmppNode   *stanza,
            XmppJid    *from,
            gpointer    user_data)
{
  PetrelSession *self = user_data;
  XmppMessageType type = xmpp_message_type_from_string (xmpp_node_get_attr (stanza, "type"));
  gboolean is_new = FALSE;

  if (type == XMPP_MESSAGE_ERROR)
    {
      handle_error_reply (self, stanza, from);
      return TRUE;
    }
  if (type == XMPP_MESSAGE_GROUPCHAT || xmpp_message_get_body (stanza) == NULL)
    return FALSE;

  if (!petrel_session_store_message (self, stanza, FALSE, NULL, NULL, FALSE, &is_new))
    return FALSE;

  /* XEP-0184 §8: a receipt tells the sender we are online, so only
   * contacts who may see our presence get one. */
  if (from != NULL && xmpp_receipts_has_request (stanza) && may_see_presence (self, from))
    {
      g_autoptr(XmppNode) receipt = xmpp_receipts_build_reply (stanza);

      if (receipt != NULL)
        xmpp_client_send (client, receipt);
    }

  return TRUE;
}

static void
outgoing_progress (PetrelSession        *self,
                   const XmppJid        *from,
                   const char           *id,
                   PetrelDbMessageState  state)
{
  g_autoptr(PetrelDbMessage) original = NULL;
  gint64 conversation_id = 0;

  if (self->db == NULL || from == NULL || id == NULL)
    return;
  /* The receipt must come from the conversation the message went to. */
  if (!petrel_db_conversation_ensure (self->db, self->account_id, xmpp_jid_get_bare_string (from),
                                      PETREL_DB_CONVERSATION_CHAT, &conversation_id, NULL))
    return;

  original = petrel_db_message_lookup_by_origin_id (self->db, conversation_id,
                                                    PETREL_DB_DIRECTION_OUTGOING, id, NULL);
  if (original == NULL)
    return;

  /* A receipt implies the server had it. */
  if (original->state == PETREL_DB_STATE_PENDING)
    mark_in_flight_sent (self, id);
  advance (self, original->id, id, state);
}

static void
receipt_cb (XmppClient *client,
            XmppJid    *from,
            const char *id,
            gpointer    user_data)
{
  outgoing_progress (user_data, from, id, PETREL_DB_STATE_DELIVERED);
}

static void
marker_cb (XmppClient     *client,
           XmppJid        *from,
           XmppMarkerType  type,
           const char     *id,
           gpointer        user_data)
{
  if (type == XMPP_MARKER_DISPLAYED || type == XMPP_MARKER_ACKNOWLEDGED)
    outgoing_progress (user_data, from, id, PETREL_DB_STATE_DISPLAYED);
  else if (type == XMPP_MARKER_RECEIVED)
    outgoing_progress (user_data, from, id, PETREL_DB_STATE_DELIVERED);
}

static void
carbon_cb (XmppClient *client,
           XmppNode   *message,
           gboolean    sent,
           gpointer    user_data)
{
  /* Copies never get receipts from us: the resource that really
   * received the message answers for itself.  A displayed marker is the
   * user's doing, so a copy the user reads here is marked from here. */
  if (sent)
    note_own_marker (user_data, message);
  petrel_session_store_message (user_data, message, sent, NULL, NULL, FALSE, NULL);
}

void
petrel_session_messages_attach_client (PetrelSession *self)
{
  XmppClient *client = self->client;

  xmpp_mam_attach (client);
  xmpp_carbons_attach (client, carbon_cb, self, NULL);
  xmpp_receipts_attach (client, receipt_cb, self, NULL);
  xmpp_markers_attach (client, marker_cb, self, NULL);
  xmpp_client_add_handler (client, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 50,
                           message_cb, self, NULL);
}

/* XEP-0359 §7: stanza-ids are trusted only from an archive that says it
 * sets them: the own account must announce urn:xmpp:sid:0. */
/* The own account's features come from the server software, so they are
 * cached under the server's entity-caps `ver` (its stream feature): an
 * unchanged server costs no disco query at the next login. */
#define ACCOUNT_INFO_ALGO "petrel-account-info"

static char *
account_info_key (PetrelSession *self)
{
  XmppNode *caps = xmpp_client_get_stream_feature (self->client, "c", "http://jabber.org/protocol/caps");
  const char *ver = caps ? xmpp_node_get_attr (caps, "ver") : NULL;

  if (ver == NULL || self->db == NULL)
    return NULL;

  return g_strconcat (ver, "\n", xmpp_jid_get_bare_string (self->jid), NULL);
}

static void
own_disco_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PetrelSession *self = g_task_get_source_object (task);
  g_autoptr(XmppNode) query = NULL;

  query = xmpp_disco_info_finish (XMPP_CLIENT (source), result, NULL);
  self->trust_stanza_id = query != NULL && xmpp_disco_info_has_feature (query, XMPP_NS_SID);

  if (query != NULL && petrel_session_is_connected (self))
    {
      g_autofree char *key = account_info_key (self);
      g_auto(GStrv) features = xmpp_disco_info_dup_features (query);

      if (key != NULL && features != NULL)
        petrel_db_caps_put (self->db, ACCOUNT_INFO_ALGO, key, (const char * const *) features, NULL);
    }
  g_task_return_boolean (task, TRUE);
}

void
petrel_session_trust_stanza_ids_async (PetrelSession       *self,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(XmppJid) own = xmpp_jid_dup_bare (self->jid);
  g_autofree char *key = account_info_key (self);

  self->trust_stanza_id = FALSE;
  if (key != NULL)
    {
      g_auto(GStrv) cached = petrel_db_caps_dup_features (self->db, ACCOUNT_INFO_ALGO, key, NULL);

      if (cached != NULL)
        {
          self->trust_stanza_id = g_strv_contains ((const char * const *) cached, XMPP_NS_SID);
          g_task_return_boolean (task, TRUE);
          return;
        }
    }

  xmpp_disco_info_async (self->client, own, NULL, self->cancellable, own_disco_cb, g_steal_pointer (&task));
}
