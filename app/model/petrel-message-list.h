/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PetrelMessageList: a window of one conversation's messages, paged from a
 * PetrelHistorySource, as a GListModel (oldest first). */
#pragma once

#include <gio/gio.h>

#include "petrel-history-source.h"
#include "petrel-message.h"

G_BEGIN_DECLS

#define PETREL_TYPE_MESSAGE_LIST (petrel_message_list_get_type ())
G_DECLARE_FINAL_TYPE (PetrelMessageList, petrel_message_list, PETREL, MESSAGE_LIST, GObject)

PetrelMessageList *petrel_message_list_new (PetrelHistorySource *source) G_GNUC_WARN_UNUSED_RESULT;

PetrelHistorySource *petrel_message_list_get_source (PetrelMessageList *self);
guint petrel_message_list_get_page_size (PetrelMessageList *self);
guint petrel_message_list_get_max_items (PetrelMessageList *self);
void petrel_message_list_set_page_size (PetrelMessageList *self,
                                        guint              page_size);
void petrel_message_list_set_max_items (PetrelMessageList *self,
                                        guint              max_items);
gboolean petrel_message_list_get_has_older (PetrelMessageList *self);
gboolean petrel_message_list_get_has_newer (PetrelMessageList *self);

gboolean petrel_message_list_load_newest (PetrelMessageList  *self,
                                          GError            **error);
gboolean petrel_message_list_load_older (PetrelMessageList  *self,
                                         GError            **error);
gboolean petrel_message_list_load_newer (PetrelMessageList  *self,
                                         GError            **error);

gboolean petrel_message_list_append (PetrelMessageList *self,
                                     PetrelMessage     *message);
gboolean petrel_message_list_update_state (PetrelMessageList *self,
                                           const char        *origin_id,
                                           const char        *state);
gboolean petrel_message_list_update (PetrelMessageList *self,
                                     PetrelMessage     *message);

G_END_DECLS
