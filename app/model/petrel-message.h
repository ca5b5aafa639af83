/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PetrelMessage: one chat message as the front ends see it.  Everything
 * but its delivery state is fixed at construction. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PETREL_TYPE_MESSAGE (petrel_message_get_type ())
G_DECLARE_FINAL_TYPE (PetrelMessage, petrel_message, PETREL, MESSAGE, GObject)

/**
 * petrel_message_new:
 * @time: (nullable): when it was sent; %NULL means now
 */
PetrelMessage *petrel_message_new (const char *account,
                                   const char *from,
                                   const char *to,
                                   const char *type,
                                   const char *id,
                                   const char *body,
                                   GDateTime  *time) G_GNUC_WARN_UNUSED_RESULT;

const char *petrel_message_get_account (PetrelMessage *self);
const char *petrel_message_get_from (PetrelMessage *self);
const char *petrel_message_get_to (PetrelMessage *self);
const char *petrel_message_get_message_type (PetrelMessage *self);
const char *petrel_message_get_id (PetrelMessage *self);
const char *petrel_message_get_body (PetrelMessage *self);
void petrel_message_set_body (PetrelMessage *self,
                              const char    *body);
GDateTime *petrel_message_get_time (PetrelMessage *self);
/* XEP-0359 ids: the sender's origin-id and the own archive's stanza-id. */
const char *petrel_message_get_origin_id (PetrelMessage *self);
const char *petrel_message_get_stanza_id (PetrelMessage *self);
gboolean petrel_message_get_outgoing (PetrelMessage *self);
/* pending, sent, delivered, displayed or failed */
const char *petrel_message_get_state (PetrelMessage *self);
void petrel_message_set_state (PetrelMessage *self,
                               const char    *state);
/* Its place in the stored history (PetrelHistoryCursor): the store's
 * sort time in µs since the epoch, and its row id; 0 when not stored. */
gint64 petrel_message_get_sort_time (PetrelMessage *self);
gint64 petrel_message_get_row_id (PetrelMessage *self);

G_END_DECLS
