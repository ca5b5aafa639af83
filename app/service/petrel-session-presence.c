/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Our own presence, subscriptions and chat states of a PetrelSession.
 *
 * Presence (RFC 6121 §4): the chosen <show/> and <status/> are kept with
 * the session and go out whenever they change while online.  A fresh
 * session starts with the plain initial presence petrel-session.c sends,
 * so a non-default choice follows it right after "online"; a resumed one
 * (XEP-0198) still has what the server last received, so only a choice
 * made while the link was down is sent.
 *
 * Subscriptions (RFC 6121 §3): requests arrive as "presence" with type
 * `subscribe`; the answer is `subscribed` (§3.1.5) or `unsubscribed`
 * (§3.1.6), and a request of our own is `subscribe` (§3.1.1).
 *
 * Chat states (XEP-0085): only to contacts allowed to see our presence
 * (subscription `from` or `both`; to anybody else a chat state would
 * reveal that we are online), and never while offline.  Incoming ones
 * go to the function given to petrel_session_set_chat_state_func().
 *
 * The state lives in object data of the session, so the connection code
 * in petrel-session.c needs no field for it.
 */
#define G_LOG_DOMAIN "petrel-session-presence"

#include "petrel-session-private.h"

#include "xep-0085-chatstates.h"
#include "xep-0203-delay.h"
#include "xmpp-error.h"

#define STATE_KEY "petrel-session-presence"
#define CLIENT_KEY "petrel-session-presence-chat-states"

typedef struct
{
  char *show;
  char *status;
  /* The chosen presence was not sent on the current stream yet. */
  gboolean dirty;
  PetrelChatStateFunc chat_state_func;
  gpointer chat_state_data;
  GDestroyNotify chat_state_destroy;
} PresenceState;

static void
presence_state_free (gpointer data)
{
  PresenceState *state = data;

  g_free (state->show);
  g_free (state->status);
  if (state->chat_state_destroy != NULL)
    state->chat_state_destroy (state->chat_state_data);
  g_free (state);
}

static gboolean
is_online (PetrelSession *self)
{
  return self->state == PETREL_SESSION_ONLINE && petrel_session_is_connected (self);
}

static void
send_presence (PetrelSession *self,
               PresenceState *state)
{
  g_autoptr(XmppNode) presence = xmpp_node_new ("presence", XMPP_NS_CLIENT);

  if (state->show != NULL)
    xmpp_node_set_text (xmpp_node_add_child (presence, "show", NULL), state->show);
  if (state->status != NULL)
    xmpp_node_set_text (xmpp_node_add_child (presence, "status", NULL), state->status);
  /* Each broadcast replaces the last one, so it carries the caps too
   * (XEP-0115 §4). */
  xmpp_caps_add_to_presence (self->client, presence);
  xmpp_client_send (self->client, presence);
  state->dirty = FALSE;
}

/* XEP-0085 §5.4: a notification from the contact's side. */
static gboolean
chat_state_cb (XmppClient *client,
               XmppNode   *stanza,
               XmppJid    *from,
               gpointer    user_data)
{
  PetrelSession *self = user_data;
  PresenceState *state = g_object_get_data (G_OBJECT (self), STATE_KEY);
  g_autoptr(GDateTime) delay = NULL;
  XmppChatState chat_state;
  const char *type;

  if (state == NULL || state->chat_state_func == NULL || from == NULL)
    return FALSE;

  type = xmpp_node_get_attr (stanza, "type");
  if (g_strcmp0 (type, "groupchat") == 0 || g_strcmp0 (type, "error") == 0)
    return FALSE;
  /* Our own other resources do not type to us. */
  if (g_strcmp0 (xmpp_jid_get_bare_string (from), petrel_session_get_account (self)) == 0)
    return FALSE;
  chat_state = xmpp_chat_state_get (stanza);
  if (chat_state == XMPP_CHAT_STATE_NONE)
    return FALSE;
  /* Held in offline storage, it describes a moment long gone. */
  delay = xmpp_delay_get_stamp (stanza);
  if (delay != NULL)
    return FALSE;

  state->chat_state_func (self, xmpp_jid_get_bare_string (from),
                          xmpp_chat_state_to_string (chat_state), state->chat_state_data);

  /* Never consumed: a content message goes on to be stored. */
  return FALSE;
}

static void
attach_chat_states (PetrelSession *self)
{
  if (self->client == NULL || g_object_get_data (G_OBJECT (self->client), CLIENT_KEY) != NULL)
    return;

  /* Before the message handler of petrel-session-messages.c (50), which
   * consumes content messages. */
  xmpp_client_add_handler (self->client, XMPP_STANZA_MESSAGE, NULL, NULL, XMPP_SENDER_ANY, 40,
                           chat_state_cb, self, NULL);
  g_object_set_data (G_OBJECT (self->client), CLIENT_KEY, GINT_TO_POINTER (1));
}

static void
online_cb (PetrelSession *self,
           gboolean       resumed,
           gpointer       user_data)
{
  PresenceState *state = user_data;

  if (state->chat_state_func != NULL)
    attach_chat_states (self);

  if (self->mode != PETREL_SESSION_MODE_FULL)
    return;
  /* A fresh session's initial presence already carried show and status
   * (petrel-session.c); a resumed one kept what the server last had, so
   * only a change made while away goes out. */
  if (!resumed)
    state->dirty = FALSE;
  if (state->dirty)
    send_presence (self, state);
}

static PresenceState *
ensure_state (PetrelSession *self)
{
  PresenceState *state = g_object_get_data (G_OBJECT (self), STATE_KEY);

  if (state != NULL)
    return state;

  state = g_new0 (PresenceState, 1);
  g_object_set_data_full (G_OBJECT (self), STATE_KEY, state, presence_state_free);
  g_signal_connect (self, "online", G_CALLBACK (online_cb), state);

  return state;
}

static gboolean
valid_show (const char *show)
{
  /* RFC 6121 §4.7.2.1 */
  return show == NULL || g_str_equal (show, "away") || g_str_equal (show, "chat") ||
         g_str_equal (show, "dnd") || g_str_equal (show, "xa");
}

void
petrel_session_set_presence (PetrelSession *self,
                             const char    *show,
                             const char    *status)
{
  PresenceState *state;

  g_return_if_fail (PETREL_IS_SESSION (self));
  g_return_if_fail (valid_show (show));
  g_return_if_fail (status == NULL || g_utf8_validate (status, -1, NULL));

  if (status != NULL && *status == '\0')
    status = NULL;

  state = ensure_state (self);
  if (g_strcmp0 (state->show, show) == 0 && g_strcmp0 (state->status, status) == 0)
    return;

  g_free (state->show);
  state->show = g_strdup (show);
  g_free (state->status);
  state->status = g_strdup (status);
  state->dirty = TRUE;

  /* While connecting, the initial presence is still to come: the online
   * handler sends the choice after it. */
  if (is_online (self) && self->mode == PETREL_SESSION_MODE_FULL)
    send_presence (self, state);
}

const char *
petrel_session_get_presence_show (PetrelSession *self)
{
  PresenceState *state;

  g_return_val_if_fail (PETREL_IS_SESSION (self), NULL);

  state = g_object_get_data (G_OBJECT (self), STATE_KEY);
  return state != NULL ? state->show : NULL;
}

const char *
petrel_session_get_presence_status (PetrelSession *self)
{
  PresenceState *state;

  g_return_val_if_fail (PETREL_IS_SESSION (self), NULL);

  state = g_object_get_data (G_OBJECT (self), STATE_KEY);
  return state != NULL ? state->status : NULL;
}

/* Subscriptions (RFC 6121 §3) */

static gboolean
send_subscription (PetrelSession  *self,
                   const char     *jid,
                   const char     *type,
                   GError        **error)
{
  g_autoptr(XmppJid) parsed = NULL;
  g_autoptr(XmppJid) bare = NULL;
  g_autoptr(XmppNode) presence = NULL;

  parsed = xmpp_jid_parse (jid, error);
  if (parsed == NULL)
    return FALSE;
  if (!petrel_session_is_connected (self))
    {
      g_set_error_literal (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CLOSED, "Not connected");
      return FALSE;
    }

  /* Subscriptions are between bare JIDs (§3.1.1). */
  bare = xmpp_jid_dup_bare (parsed);
  presence = xmpp_node_build ("presence", XMPP_NS_CLIENT,
                              XMPP_BUILD_ATTR, "to", xmpp_jid_to_string (bare),
                              XMPP_BUILD_ATTR, "type", type,
                              XMPP_BUILD_END);
  xmpp_client_send (self->client, presence);

  return TRUE;
}

gboolean
petrel_session_answer_subscription (PetrelSession  *self,
                                    const char     *jid,
                                    gboolean        accept,
                                    GError        **error)
{
  g_return_val_if_fail (PETREL_IS_SESSION (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  /* §3.1.4: approving is `subscribed`, declining `unsubscribed`. */
  return send_subscription (self, jid, accept ? "subscribed" : "unsubscribed", error);
}

gboolean
petrel_session_request_subscription (PetrelSession  *self,
                                     const char     *jid,
                                     GError        **error)
{
  g_return_val_if_fail (PETREL_IS_SESSION (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  return send_subscription (self, jid, "subscribe", error);
}

const char *
petrel_session_get_subscription (PetrelSession *self,
                                 const char    *jid)
{
  static const char * const names[] = { "none", "to", "from", "both" };
  PetrelDbSubscription subscription;

  g_return_val_if_fail (PETREL_IS_SESSION (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  subscription = petrel_session_roster_subscription (self, jid);
  if ((guint) subscription >= G_N_ELEMENTS (names))
    return NULL;

  return names[subscription];
}

/* Chat states (XEP-0085) */

gboolean
petrel_session_send_chat_state (PetrelSession *self,
                                const char    *to,
                                const char    *state)
{
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(XmppJid) bare = NULL;
  g_autoptr(XmppNode) message = NULL;
  PetrelDbSubscription subscription;
  XmppChatState chat_state;

  g_return_val_if_fail (PETREL_IS_SESSION (self), FALSE);
  g_return_val_if_fail (to != NULL, FALSE);

  chat_state = xmpp_chat_state_from_string (state);
  g_return_val_if_fail (chat_state != XMPP_CHAT_STATE_NONE, FALSE);

  if (!is_online (self) || self->mode != PETREL_SESSION_MODE_FULL)
    return FALSE;
  if ((jid = xmpp_jid_parse (to, NULL)) == NULL)
    return FALSE;

  bare = xmpp_jid_dup_bare (jid);
  subscription = petrel_session_roster_subscription (self, xmpp_jid_get_bare_string (bare));
  if (subscription != PETREL_DB_SUBSCRIPTION_FROM && subscription != PETREL_DB_SUBSCRIPTION_BOTH)
    return FALSE;

  message = xmpp_chat_state_new_notification (bare, chat_state);
  xmpp_client_send (self->client, message);

  return TRUE;
}

void
petrel_session_set_chat_state_func (PetrelSession       *self,
                                    PetrelChatStateFunc  func,
                                    gpointer             user_data,
                                    GDestroyNotify       destroy)
{
  PresenceState *state;

  g_return_if_fail (PETREL_IS_SESSION (self));

  state = ensure_state (self);
  if (state->chat_state_destroy != NULL)
    state->chat_state_destroy (state->chat_state_data);
  state->chat_state_func = func;
  state->chat_state_data = user_data;
  state->chat_state_destroy = destroy;

  if (func != NULL && is_online (self))
    attach_chat_states (self);
}
