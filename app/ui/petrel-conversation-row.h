/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-contact.h"
#include "petrel-conversation.h"

G_BEGIN_DECLS

#define PETREL_TYPE_CONVERSATION_ROW (petrel_conversation_row_get_type ())
G_DECLARE_FINAL_TYPE (PetrelConversationRow, petrel_conversation_row, PETREL, CONVERSATION_ROW, AdwBin)

PetrelConversationRow *petrel_conversation_row_new (void) G_GNUC_WARN_UNUSED_RESULT;

PetrelConversation *petrel_conversation_row_get_conversation (PetrelConversationRow *self);
void petrel_conversation_row_set_conversation (PetrelConversationRow *self,
                                               PetrelConversation    *conversation);
void petrel_conversation_row_set_contact (PetrelConversationRow *self,
                                          PetrelContact         *contact);

G_END_DECLS
