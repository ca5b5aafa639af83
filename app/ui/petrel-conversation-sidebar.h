/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-accounts.h"

G_BEGIN_DECLS

#define PETREL_TYPE_CONVERSATION_SIDEBAR (petrel_conversation_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (PetrelConversationSidebar, petrel_conversation_sidebar, PETREL, CONVERSATION_SIDEBAR, AdwBin)

GListModel *petrel_conversation_sidebar_get_model (PetrelConversationSidebar *self);
void petrel_conversation_sidebar_set_model (PetrelConversationSidebar *self,
                                            GListModel                *model);
GListModel *petrel_conversation_sidebar_get_visible (PetrelConversationSidebar *self);

void petrel_conversation_sidebar_set_search_text (PetrelConversationSidebar *self,
                                                  const char                *text);
void petrel_conversation_sidebar_focus_search (PetrelConversationSidebar *self);
void petrel_conversation_sidebar_select (PetrelConversationSidebar *self,
                                         const char                *account,
                                         const char                *peer);

G_END_DECLS
