/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PetrelConversationList: the conversations of all accounts, newest
 * activity first, as a GListModel. */
#pragma once

#include <gio/gio.h>

#include "petrel-conversation.h"

G_BEGIN_DECLS

#define PETREL_TYPE_CONVERSATION_LIST (petrel_conversation_list_get_type ())
G_DECLARE_FINAL_TYPE (PetrelConversationList, petrel_conversation_list, PETREL, CONVERSATION_LIST, GObject)

PetrelConversationList *petrel_conversation_list_new (void) G_GNUC_WARN_UNUSED_RESULT;

guint petrel_conversation_list_get_total_unread (PetrelConversationList *self);

PetrelConversation *petrel_conversation_list_upsert (PetrelConversationList *self,
                                                     PetrelConversation     *conversation);
gboolean petrel_conversation_list_remove (PetrelConversationList *self,
                                          const char             *account,
                                          const char             *peer);
PetrelConversation *petrel_conversation_list_lookup (PetrelConversationList *self,
                                                     const char             *account,
                                                     const char             *peer);
gboolean petrel_conversation_list_bump (PetrelConversationList *self,
                                        const char             *account,
                                        const char             *peer,
                                        gint64                  time,
                                        const char             *preview,
                                        guint                   unread_delta);
gboolean petrel_conversation_list_mark_read (PetrelConversationList *self,
                                             const char             *account,
                                             const char             *peer);

G_END_DECLS
