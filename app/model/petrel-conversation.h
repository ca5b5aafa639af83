/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PetrelConversation: one chat or group chat in the conversation list. */
#pragma once

#include <glib-object.h>

#include "petrel-model-enums.h"

G_BEGIN_DECLS

#define PETREL_TYPE_CONVERSATION (petrel_conversation_get_type ())
G_DECLARE_FINAL_TYPE (PetrelConversation, petrel_conversation, PETREL, CONVERSATION, GObject)

PetrelConversation *petrel_conversation_new (const char             *account,
                                             const char             *peer,
                                             PetrelConversationType  type) G_GNUC_WARN_UNUSED_RESULT;

const char *petrel_conversation_get_account (PetrelConversation *self);
const char *petrel_conversation_get_peer (PetrelConversation *self);
PetrelConversationType petrel_conversation_get_conversation_type (PetrelConversation *self);

const char *petrel_conversation_get_display_name (PetrelConversation *self);
void petrel_conversation_set_display_name (PetrelConversation *self,
                                           const char         *display_name);

gint64 petrel_conversation_get_last_activity (PetrelConversation *self);
void petrel_conversation_set_last_activity (PetrelConversation *self,
                                            gint64              last_activity);

guint petrel_conversation_get_unread (PetrelConversation *self);
void petrel_conversation_set_unread (PetrelConversation *self,
                                     guint               unread);

const char *petrel_conversation_get_last_message_preview (PetrelConversation *self);
void petrel_conversation_set_last_message_preview (PetrelConversation *self,
                                                   const char         *preview);

G_END_DECLS
