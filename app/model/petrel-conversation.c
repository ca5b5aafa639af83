/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "petrel-conversation"

/*
 * A conversation is named by its account and peer (a bare JID, or a room
 * for a group chat); both and its type are fixed.  What the list shows
 * about it (name, last activity, unread count, preview of the last
 * message) is written by the message service, or through
 * PetrelConversationList, which keeps the list sorted as it changes.
 */

#include "petrel-conversation.h"
#include "petrel-model-private.h"

struct _PetrelConversation
{
  GObject parent_instance;

  char *account;
  char *peer;
  PetrelConversationType type;
  char *display_name;
  gint64 last_activity;
  guint unread;
  char *last_message_preview;
};

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_PEER,
  PROP_TYPE,
  PROP_DISPLAY_NAME,
  PROP_LAST_ACTIVITY,
  PROP_UNREAD,
  PROP_LAST_MESSAGE_PREVIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PetrelConversation, petrel_conversation, G_TYPE_OBJECT)

static void
petrel_conversation_finalize (GObject *object)
{
  PetrelConversation *self = PETREL_CONVERSATION (object);

  g_free (self->account);
  g_free (self->peer);
  g_free (self->display_name);
  g_free (self->last_message_preview);

  G_OBJECT_CLASS (petrel_conversation_parent_class)->finalize (object);
}

static void
petrel_conversation_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PetrelConversation *self = PETREL_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT: g_value_set_string (value, self->account); break;
    case PROP_PEER: g_value_set_string (value, self->peer); break;
    case PROP_TYPE: g_value_set_enum (value, self->type); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, petrel_conversation_get_display_name (self)); break;
    case PROP_LAST_ACTIVITY: g_value_set_int64 (value, self->last_activity); break;
    case PROP_UNREAD: g_value_set_uint (value, self->unread); break;
    case PROP_LAST_MESSAGE_PREVIEW: g_value_set_string (value, self->last_message_preview); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_conversation_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PetrelConversation *self = PETREL_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT: self->account = g_value_dup_string (value); break;
    case PROP_PEER: self->peer = g_value_dup_string (value); break;
    case PROP_TYPE: self->type = g_value_get_enum (value); break;
    case PROP_DISPLAY_NAME: petrel_conversation_set_display_name (self, g_value_get_string (value)); break;
    case PROP_LAST_ACTIVITY: petrel_conversation_set_last_activity (self, g_value_get_int64 (value)); break;
    case PROP_UNREAD: petrel_conversation_set_unread (self, g_value_get_uint (value)); break;
    case PROP_LAST_MESSAGE_PREVIEW: petrel_conversation_set_last_message_preview (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
petrel_conversation_class_init (PetrelConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = petrel_conversation_finalize;
  object_class->get_property = petrel_conversation_get_property;
  object_class->set_property = petrel_conversation_set_property;

  properties[PROP_ACCOUNT] = g_param_spec_string ("account", NULL, NULL, NULL, construct);
  properties[PROP_PEER] = g_param_spec_string ("peer", NULL, NULL, NULL, construct);
  properties[PROP_TYPE] =
    g_param_spec_enum ("type", NULL, NULL, PETREL_TYPE_CONVERSATION_TYPE,
                       PETREL_CONVERSATION_CHAT, construct);
  /* Reads as the peer when no name is set. */
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, rw);
  /* µs since the epoch; 0 when nothing happened yet. */
  properties[PROP_LAST_ACTIVITY] =
    g_param_spec_int64 ("last-activity", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_UNREAD] = g_param_spec_uint ("unread", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_LAST_MESSAGE_PREVIEW] =
    g_param_spec_string ("last-message-preview", NULL, NULL, NULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
petrel_conversation_init (PetrelConversation *self)
{
}

PetrelConversation *
petrel_conversation_new (const char             *account,
                         const char             *peer,
                         PetrelConversationType  type)
{
  g_return_val_if_fail (account != NULL, NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  return g_object_new (PETREL_TYPE_CONVERSATION,
                       "account", account, "peer", peer, "type", type, NULL);
}

const char *
petrel_conversation_get_account (PetrelConversation *self)
{
  g_return_val_if_fail (PETREL_IS_CONVERSATION (self), NULL);

  return self->account;
}

const char *
petrel_conversation_get_peer (PetrelConversation *self)
{
  g_return_val_if_fail (PETREL_IS_CONVERSATION (self), NULL);

  return self->peer;
}

PetrelConversationType
petrel_conversation_get_conversation_type (PetrelConversation *self)
{
  g_return_val_if_fail (PETREL_IS_CONVERSATION (self), PETREL_CONVERSATION_CHAT);

  return self->type;
}

const char *
petrel_conversation_get_display_name (PetrelConversation *self)
{
  g_return_val_if_fail (PETREL_IS_CONVERSATION (self), NULL);

  return self->display_name != NULL ? self->display_name : self->peer;
}

/* @display_name: (nullable): %NULL, "" or the peer to show the peer */
void
petrel_conversation_set_display_name (PetrelConversation *self,
                                      const char         *display_name)
{
  g_return_if_fail (PETREL_IS_CONVERSATION (self));

  /* What reads the same is the same: no notification for it. */
  if (display_name != NULL && (*display_name == '\0' || g_strcmp0 (display_name, self->peer) == 0))
    display_name = NULL;
  if (petrel_model_set_str (&self->display_name, display_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

gint64
petrel_conversation_get_last_activity (PetrelConversation *self)
{
  g_return_val_if_fail (PETREL_IS_CONVERSATION (self), 0);

  return self->last_activity;
}

void
petrel_conversation_set_last_activity (PetrelConversation *self,
                                       gint64              last_activity)
{
  g_return_if_fail (PETREL_IS_CONVERSATION (self));
  g_return_if_fail (last_activity >= 0);

  if (self->last_activity == last_activity)
    return;

  self->last_activity = last_activity;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ACTIVITY]);
}

guint
petrel_conversation_get_unread (PetrelConversation *self)
{
  g_return_val_if_fail (PETREL_IS_CONVERSATION (self), 0);

  return self->unread;
}

void
petrel_conversation_set_unread (PetrelConversation *self,
                                guint               unread)
{
  g_return_if_fail (PETREL_IS_CONVERSATION (self));

  if (self->unread == unread)
    return;

  self->unread = unread;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
}

const char *
petrel_conversation_get_last_message_preview (PetrelConversation *self)
{
  g_return_val_if_fail (PETREL_IS_CONVERSATION (self), NULL);

  return self->last_message_preview;
}

/* @preview: (nullable): a short plain-text preview of the last message */
void
petrel_conversation_set_last_message_preview (PetrelConversation *self,
                                              const char         *preview)
{
  g_return_if_fail (PETREL_IS_CONVERSATION (self));

  if (petrel_model_set_str (&self->last_message_preview, preview))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_MESSAGE_PREVIEW]);
}
