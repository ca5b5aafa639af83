/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-accounts.h"

G_BEGIN_DECLS

#define PETREL_TYPE_CHAT_VIEW (petrel_chat_view_get_type ())
G_DECLARE_FINAL_TYPE (PetrelChatView, petrel_chat_view, PETREL, CHAT_VIEW, AdwBin)

void petrel_chat_view_set_conversation (PetrelChatView    *self,
                                        PetrelAccounts    *accounts,
                                        const char        *account,
                                        const char        *peer,
                                        const char        *peer_name,
                                        PetrelMessageList *messages);
PetrelMessageList *petrel_chat_view_get_messages (PetrelChatView *self);
const char *petrel_chat_view_get_account (PetrelChatView *self);
const char *petrel_chat_view_get_peer (PetrelChatView *self);

void petrel_chat_view_focus_composer (PetrelChatView *self);
void petrel_chat_view_scroll_to_bottom (PetrelChatView *self);

G_END_DECLS
