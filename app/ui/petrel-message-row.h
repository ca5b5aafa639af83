/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "petrel-message.h"

G_BEGIN_DECLS

#define PETREL_TYPE_MESSAGE_ROW (petrel_message_row_get_type ())
G_DECLARE_FINAL_TYPE (PetrelMessageRow, petrel_message_row, PETREL, MESSAGE_ROW, AdwBin)

PetrelMessageRow *petrel_message_row_new (void) G_GNUC_WARN_UNUSED_RESULT;

PetrelMessage *petrel_message_row_get_message (PetrelMessageRow *self);
void petrel_message_row_set_message (PetrelMessageRow *self,
                                     PetrelMessage    *message,
                                     PetrelMessage    *previous,
                                     const char       *peer_name);
void petrel_message_row_set_previous (PetrelMessageRow *self,
                                      PetrelMessage    *previous);

char *petrel_message_row_dup_body_markup (PetrelMessage *message,
                                          const char    *sender) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
