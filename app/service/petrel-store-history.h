/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelStoreHistory: the PetrelHistorySource of one conversation, read
 * from the profile's PetrelDb (petrel_db_message_history () and
 * petrel_db_message_history_after ()), so a PetrelMessageList pages the
 * stored history without the model knowing about SQL.
 */
#pragma once

#include "petrel-db.h"
#include "petrel-history-source.h"
#include "petrel-message.h"

G_BEGIN_DECLS

#define PETREL_TYPE_STORE_HISTORY (petrel_store_history_get_type ())
G_DECLARE_FINAL_TYPE (PetrelStoreHistory, petrel_store_history, PETREL, STORE_HISTORY, GObject)

/**
 * petrel_store_history_new:
 * @db: the store; it must stay open until petrel_store_history_close ()
 *   or the source is finalized
 * @conversation_id: the conversation's row
 * @account: the account's bare JID
 * @peer: the conversation's peer (bare JID)
 *
 * Returns: (transfer full): the source
 */
PetrelStoreHistory *petrel_store_history_new (PetrelDb   *db,
                                              gint64      conversation_id,
                                              const char *account,
                                              const char *peer) G_GNUC_WARN_UNUSED_RESULT;

gint64 petrel_store_history_get_conversation_id (PetrelStoreHistory *self);
const char *petrel_store_history_get_account (PetrelStoreHistory *self);
const char *petrel_store_history_get_peer (PetrelStoreHistory *self);

/**
 * petrel_store_history_close:
 *
 * Forgets the store (it is about to close): later pages fail with
 * %PETREL_STORE_ERROR_NOT_FOUND instead of touching freed memory.  Lists
 * that outlive their PetrelAccounts keep what they loaded.
 */
void petrel_store_history_close (PetrelStoreHistory *self);

/**
 * petrel_store_history_message_from_row:
 * @account: the account's bare JID
 * @peer: the conversation's peer
 * @row: a stored message
 *
 * The model's view of a stored message, with its cursor (sort-time,
 * row-id).  A corrected message (XEP-0308) shows its newest body.
 *
 * Returns: (transfer full): the message
 */
PetrelMessage *petrel_store_history_message_from_row (const char            *account,
                                                      const char            *peer,
                                                      const PetrelDbMessage *row) G_GNUC_WARN_UNUSED_RESULT;

/** Returns: "pending", "sent", "delivered", "displayed" or "failed" */
const char *petrel_store_history_state_to_string (PetrelDbMessageState state);

G_END_DECLS
